//! The storm: money under crashes. Two worker processes pay at once from one account — random
//! top-ups, withdrawals, transfers to a user and to a card (instant, 2 hours, next day),
//! merchant orders and bills from the card or the balance, and revocations — against the mock bank with faults on (timeouts, 91, 96, lost answers) on a
//! clock 60× faster than real time. The parent SIGKILLs a worker at random moments and starts
//! it again, then reopens the wallet, settles and checks the invariants:
//!
//! - the books balance (every journal sums to zero, balances = entries, none negative);
//! - every payment a worker saw end (acknowledged) still has that outcome;
//! - nothing is pending without a future posting time;
//! - no key moved money twice at the bank, and a bank movement exists exactly for the card
//!   legs the wallet says succeeded (no bank debit without its wallet record);
//! - integrity_check is ok; no worker ever got STORAGE_ERROR (contention is waited out).
//!
//! `cargo run -p tongbao-mockbank --bin storm -- --kills 30` (the test command's short storm);
//! `--kills 500` for a long one. Prints the figures and `N passed, N failed` (violations).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use tongbao_core::accounts::settings::Settings;
use tongbao_core::bank::RetryPolicy;
use tongbao_core::cards::binding::BindStart;
use tongbao_core::money::ledger;
use tongbao_core::money::payments::{Arrival, HistoryQuery, PaymentInput, PaymentKind, PaymentRequest, PaymentStatus};
use tongbao_core::platform::clock::{Clock, Millis, SystemClock};
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::{open_wallet, Wallet};
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::testkit::FolderStore;
use tongbao_mockbank::{Controls, FaultRates, MockBank};

/// The test people and passwords, as the Rust tests have them (one definition).
#[path = "../../../core/tests/common/people.rs"]
#[allow(dead_code)]
mod people;
use people::{P1, P2, PASSWORD, PAY_PASSWORD};
/// 2026-11-25 20:00 in Shanghai: where the storm's clock starts.
const VIRTUAL_START: Millis = people::T0;
/// The storm's clock runs this much faster than real time.
const SPEED: i64 = 60;

/// Real time × 60 from a start both processes read from the storm folder.
struct FastClock {
    real_start: Millis,
}

impl Clock for FastClock {
    fn now(&self) -> Millis {
        VIRTUAL_START + (SystemClock.now() - self.real_start) * SPEED
    }
    fn sleep(&self, ms: Millis) {
        std::thread::sleep(Duration::from_millis((ms.max(0) / SPEED) as u64));
    }
}

struct Paths {
    dir: PathBuf,
}

impl Paths {
    fn wallet(&self) -> PathBuf {
        self.dir.join("wallet")
    }
    fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }
    fn bank(&self) -> PathBuf {
        self.dir.join("bank.db")
    }
    fn clock(&self) -> PathBuf {
        self.dir.join("clock")
    }
    fn acks(&self, worker: u32) -> PathBuf {
        self.dir.join(format!("acks-{worker}.log"))
    }
    fn storage_errors(&self, worker: u32) -> PathBuf {
        self.dir.join(format!("storage-errors-{worker}.log"))
    }
}

fn policy() -> RetryPolicy {
    // 3 s of storm time is 50 ms of real time: faults cost little, the rules stay the same.
    RetryPolicy { timeout_ms: 3_000, max_retries: 2, base_backoff_ms: 500, jitter_ms: 200 }
}

fn open(p: &Paths, faults: bool) -> (Wallet, Arc<MockBank>, Arc<FastClock>) {
    let real_start: Millis = std::fs::read_to_string(p.clock()).expect("clock file").trim().parse().expect("millis");
    let clock = Arc::new(FastClock { real_start });
    let bank = Arc::new(MockBank::open(&p.bank(), &Fixture::default_fixture(), clock.clone()).expect("mock bank"));
    let rates = if faults {
        FaultRates { timeout: 0.03, busy: 0.03, system_error: 0.03, drop_reply: 0.05 }
    } else {
        FaultRates::default()
    };
    bank.set_controls(Controls { latency_ms: 60, offline: false, faults: rates });
    bank.seed_faults(u64::from(std::process::id()));
    let wallet = open_wallet(&p.wallet(), Arc::new(FolderStore(p.keys())), clock.clone())
        .map(|w| w.with_acquirer(bank.clone()).with_biller(bank.clone()))
        .and_then(|w| w.with_bank(bank.clone(), policy(), env!("CARGO_PKG_VERSION")))
        .expect("the wallet opens");
    (wallet, bank, clock)
}

fn json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a well-formed form")
}

fn sign_in(w: &Wallet, phone: &str) {
    w.accounts().logout();
    w.accounts().login(&json(serde_json::json!({"phone": phone, "password": PASSWORD}))).expect("sign in");
}

/// The storm's world: P1 (who pays) and P2, P1's card T01, autolock at its longest.
fn set_up(p: &Paths) {
    std::fs::create_dir_all(&p.dir).expect("storm folder");
    std::fs::write(p.clock(), SystemClock.now().to_string()).expect("clock file");
    let (w, bank, _) = open(p, false);
    for p in [P2, P1] {
        let input = serde_json::json!({
            "details": { "phone": p.phone, "displayName": p.display_name, "realName": p.real_name, "idNumber": p.id_number,
                         "password": PASSWORD, "passwordConfirm": PASSWORD, "agree": true },
            "payPassword": PAY_PASSWORD, "payPasswordConfirm": PAY_PASSWORD
        });
        w.accounts().register(&json(input)).expect("register");
    }
    w.accounts().update_settings(&Settings { autolock_minutes: 60, ..Settings::default() }).expect("settings");
    let form = BindStart {
        number: SecretString::new("6222020000000010017"),
        expiry: None,
        cvv: None,
        phone: P1.phone.into(),
        nickname: None,
        agree: true,
    };
    let step = w.cards().bind_start(&form, &|_, _| {}).expect("bind T01");
    let sms = bank.latest_sms(P1.phone).expect("an SMS");
    let at = sms.find("验证码 ").expect("a code") + "验证码 ".len();
    w.cards().bind_confirm(&step.attempt_id, &SecretString::new(&sms[at..at + 6]), &|_, _| {}).expect("bound");
}

fn form(kind: PaymentKind, fen: i64) -> PaymentInput {
    PaymentInput {
        kind,
        amount: format!("{}.{:02}", fen / 100, fen % 100),
        card_id: None,
        payee_phone: None,
        payee_card: None,
        payee_name: None,
        arrival: None,
        confirm_payee_name: None,
        purpose: None,
        step_up_code: None,
        note: None,
        order: None,
        bill_kind: None,
        bill_account: None,
        repay_card_id: None,
    }
}

/// A worker: pays until killed, writing each payment it saw end to its acknowledgements file
/// (flushed and synced before the next one starts).
fn worker(p: &Paths, id: u32) -> ! {
    let (w, bank, _clock) = open(p, true);
    sign_in(&w, P1.phone);
    let card = w.cards().list().expect("cards").first().expect("T01 bound").id;
    let mut rng = rand::rngs::StdRng::seed_from_u64(u64::from(std::process::id()) << 8 | u64::from(id));
    let mut acks = std::fs::OpenOptions::new().create(true).append(true).open(p.acks(id)).expect("acks");
    let mut storage = std::fs::OpenOptions::new().create(true).append(true).open(p.storage_errors(id)).expect("log");
    let mut delayed: Vec<i64> = vec![];
    for n in 0u64.. {
        let fen = rng.gen_range(1..=5_000);
        let input = match rng.gen_range(0..14) {
            0..=2 => PaymentInput { card_id: Some(card), ..form(PaymentKind::Topup, fen) },
            3..=4 => PaymentInput { card_id: Some(card), ..form(PaymentKind::Withdraw, fen) },
            5..=6 => PaymentInput { payee_phone: Some(P2.phone.into()), ..form(PaymentKind::ToUser, fen) },
            7 => PaymentInput {
                payee_phone: Some(P2.phone.into()),
                card_id: Some(card),
                ..form(PaymentKind::ToUser, fen)
            },
            // A merchant's order (M02, O1 from ¥20 on T01), from the card or the balance: the
            // acquirer's leg, killed like any other.
            10..=11 => {
                let yuan = format!("{}.{:02}", fen / 100, fen % 100);
                let Ok(order) = bank.create_order("M02", "storm", &yuan) else { continue };
                PaymentInput {
                    order: Some(order.link),
                    card_id: rng.gen_bool(0.5).then_some(card),
                    ..form(PaymentKind::Merchant, fen)
                }
            }
            // A prepayment of an electricity account with nothing due (at least ¥10).
            12..=13 => PaymentInput {
                bill_kind: Some(tongbao_core::biller::BillKind::Electricity),
                bill_account: Some("1000000002".into()),
                card_id: rng.gen_bool(0.5).then_some(card),
                ..form(PaymentKind::Bill, fen.max(1_000))
            },
            _ => PaymentInput {
                payee_card: Some(SecretString::new("6222020000000010231")),
                payee_name: Some("王五".into()),
                arrival: Some([Arrival::Instant, Arrival::TwoHours, Arrival::NextDay][rng.gen_range(0..3)]),
                ..form(PaymentKind::ToCard, fen)
            },
        };
        let key = format!("storm-{id}-{}-{n}", std::process::id());
        let req = PaymentRequest { idem_key: key.clone(), input, pay_password: SecretString::new(PAY_PASSWORD) };
        let result = w.money().pay(&req, &|_, _| {});
        match result {
            Ok(v) if v.status != PaymentStatus::Pending => {
                writeln!(acks, "{key} {}", status_word(v.status)).expect("ack");
                acks.sync_data().expect("sync");
            }
            Ok(v) => {
                if v.revocable {
                    delayed.push(v.id);
                }
            }
            Err(e) if e.code == ErrorCode::StorageError => {
                writeln!(storage, "{key} {}", e.message).expect("log");
                storage.sync_data().expect("sync");
            }
            Err(_) => {} // a rule or a bank fault: typed, and fine
        }
        if rng.gen_bool(0.1) {
            if let Some(id) = delayed.pop() {
                if let Ok(v) = w.money().revoke_payment(id) {
                    writeln!(acks, "id:{} {}", v.id, status_word(v.status)).expect("ack");
                    acks.sync_data().expect("sync");
                }
            }
        }
        if rng.gen_bool(0.05) {
            let _ = w.money().history(&HistoryQuery { page_size: 20, ..Default::default() });
            // settles
        }
    }
    unreachable!()
}

fn status_word(s: PaymentStatus) -> &'static str {
    s.into()
}

fn spawn_worker(p: &Paths, id: u32) -> Child {
    Command::new(std::env::current_exe().expect("own path"))
        .args(["--worker", &id.to_string(), "--dir"])
        .arg(&p.dir)
        .env("TONGBAO_LOG", "off")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("a worker starts")
}

/// Checks the invariants; returns the violations, described.
fn check(p: &Paths) -> (Vec<String>, usize) {
    let (w, bank, clock) = open(p, false);
    sign_in(&w, P1.phone);
    w.money().balance().expect("settles P1"); // start-up settled everyone; this settles again
    let now = clock.now();
    let mut bad = vec![];
    // The acknowledgements: key or id → status.
    let mut acked: HashMap<String, String> = HashMap::new();
    for worker in 0..2 {
        let text = std::fs::read_to_string(p.acks(worker)).unwrap_or_default();
        for line in text.lines() {
            if let Some((k, s)) = line.split_once(' ') {
                acked.insert(k.to_owned(), s.to_owned());
            }
        }
        let errors = std::fs::read_to_string(p.storage_errors(worker)).unwrap_or_default();
        for line in errors.lines() {
            bad.push(format!("worker {worker} got STORAGE_ERROR: {line}"));
        }
    }
    w.with_db_for_tests(|db| {
        if let Err(e) = ledger::audit_books(db) {
            bad.push(format!("books: {e}"));
        }
        if !tongbao_core::platform::storage::integrity_ok(db).unwrap_or(false) {
            bad.push("integrity_check failed".into());
        }
        let mut st = db.prepare("SELECT id, idem_key, kind, status, posts_at FROM payments").expect("query");
        let rows: Vec<(i64, String, String, String, Option<Millis>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        for (id, key, kind, status, posts_at) in &rows {
            for k in [key.clone(), format!("id:{id}")] {
                if let Some(s) = acked.get(&k) {
                    if s != status {
                        bad.push(format!("{k}: acknowledged {s}, now {status}"));
                    }
                }
            }
            if status == "pending" && posts_at.is_none_or(|t| t <= now) {
                bad.push(format!("{key}: still pending"));
            }
            let moved = bank.movements_for(key);
            if moved > 1 {
                bad.push(format!("{key}: moved money {moved} times at the bank"));
            }
            let from_card: Option<i64> =
                db.query_row("SELECT source_card FROM payments WHERE id = ?1", [id], |r| r.get(0)).expect("source");
            let has_leg = kind != "to_user" || from_card.is_some();
            if has_leg && (status == "succeeded") != (moved == 1) {
                bad.push(format!("{key}: {status} in the wallet, {moved} movement(s) at the bank"));
            }
        }
        // No bank movement without its wallet record.
        for key in bank.moved_keys() {
            if !rows.iter().any(|r| r.1 == key) {
                bad.push(format!("{key}: the bank moved money the wallet has no record of"));
            }
        }
        for k in acked.keys() {
            let known = rows.iter().any(|r| &r.1 == k || format!("id:{}", r.0) == *k);
            if !known {
                bad.push(format!("{k}: acknowledged, now gone"));
            }
        }
    });
    (bad, acked.len())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let dir = arg("--dir").map(PathBuf::from);
    if let Some(id) = arg("--worker") {
        worker(&Paths { dir: dir.expect("--dir") }, id.parse().expect("worker id"));
    }
    let kills: u32 = arg("--kills").and_then(|k| k.parse().ok()).unwrap_or(30);
    let seed: u64 = arg("--seed").and_then(|k| k.parse().ok()).unwrap_or_else(|| SystemClock.now() as u64);
    let tmp = tempdir_in(dir.as_deref());
    let p = Paths { dir: tmp.clone() };
    let started = Instant::now();
    set_up(&p);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut workers: Vec<Child> = (0..2).map(|i| spawn_worker(&p, i)).collect();
    let mut done = 0;
    while done < kills {
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..900)));
        let i = rng.gen_range(0..2);
        let _ = workers[i].kill(); // SIGKILL: wherever it is
        let _ = workers[i].wait();
        done += 1;
        workers[i] = spawn_worker(&p, i as u32);
    }
    for mut w in workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    let (bad, acknowledged) = check(&p);
    let (payments, orders) = count_payments(&p);
    println!(
        "storm: seed {seed}, {done} kills, {payments} payments recorded ({orders} merchant orders), {acknowledged} acknowledged, {} violations, {:.0} s",
        bad.len(),
        started.elapsed().as_secs_f64()
    );
    for b in bad.iter().take(20) {
        println!("  violation: {b}");
    }
    println!("{} passed, {} failed", usize::from(bad.is_empty()), usize::from(!bad.is_empty()));
    if bad.is_empty() {
        let _ = std::fs::remove_dir_all(&tmp);
    } else {
        println!("the storm's folder is kept: {}", tmp.display());
        std::process::exit(1);
    }
}

/// How many payments were recorded, and how many of them were merchant orders.
fn count_payments(p: &Paths) -> (i64, i64) {
    let (w, _, _) = open(p, false);
    w.with_db_for_tests(|db| {
        db.query_row("SELECT count(*), count(CASE WHEN kind = 'merchant' THEN 1 END) FROM payments", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap_or((0, 0))
    })
}

fn tempdir_in(base: Option<&Path>) -> PathBuf {
    let base = base.map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tongbao-storm-{}-{}", std::process::id(), SystemClock.now()));
    std::fs::create_dir_all(&dir).expect("storm folder");
    dir
}
