//! The ledger's speed, measured (not a test): `cargo bench -p tongbao-core --bench ledger`.
//!
//! 1. Transfers per second through the core's ledger — a payment row, its event, a two-leg
//!    journal with both balances, the status, one transaction each — against **the same rows
//!    written by plain SQL** (prepared statements, same schema, same database: equal work, so
//!    the ratio is the core's own cost), with the app's pragmas (WAL, synchronous=NORMAL: a
//!    commit survives a crash of the app, not a power cut) and again with synchronous=FULL
//!    (survives a power cut: "durable"). A raw single-row INSERT transaction is printed for
//!    scale only.
//! 2. The same transfer through `Wallet::pay`, which also verifies the payment password
//!    (Argon2id: deliberately slow) and settles — what a person's click costs.
//! 3. The history page (newest 20, and a filtered one) at 1 M transfers, and page 1 001 by
//!    keyset (the cursor the UI sends) and by OFFSET.
//! 4. Start-up at 1 M transfers: opening the wallet (what the first screen waits for) and the
//!    background `PRAGMA quick_check` that looks for a damaged file without delaying it.
//!
//! `BENCH_TRANSFERS` and `BENCH_HISTORY_ROWS` change the sizes (defaults 5 000 and 1 000 000).

use std::sync::Arc;
use std::time::Instant;

use rusqlite::params;
use tongbao_core::money::ledger::{self, Acct, Phase};
use tongbao_core::money::payments::{HistoryQuery, PaymentInput, PaymentKind, PaymentRequest};
use tongbao_core::platform::clock::{Clock, SystemClock};
use tongbao_core::platform::secrets::{MemoryStore, SecretString};
use tongbao_core::platform::storage;
use tongbao_core::{open_wallet, Wallet};

fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn register(w: &Wallet, phone: &str, id: &str) {
    let input = serde_json::from_value(serde_json::json!({
        "details": { "phone": phone, "displayName": "bench", "realName": "张三", "idNumber": id,
                     "password": "Tongbao2026!", "passwordConfirm": "Tongbao2026!", "agree": true },
        "payPassword": "258036", "payPasswordConfirm": "258036"
    }))
    .unwrap();
    w.accounts().register(&input).unwrap();
}

fn per_second(n: usize, secs: f64) -> f64 {
    n as f64 / secs
}

fn main() {
    let transfers = env_n("BENCH_TRANSFERS", 5_000);
    let history_rows = env_n("BENCH_HISTORY_ROWS", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SystemClock);

    // --- 1. Raw inserts, same database engine, key and pragmas -----------------------------
    let raw = storage::open(&dir.path().join("raw.db"), &[7u8; 32], true).unwrap();
    raw.execute_batch("CREATE TABLE raw (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c TEXT, at INTEGER)").unwrap();
    let start = Instant::now();
    for i in 0..transfers {
        let tx = raw.unchecked_transaction().unwrap();
        tx.execute("INSERT INTO raw (a, b, c, at) VALUES (?1, ?2, ?3, ?4)", params![i as i64, 1, "x", 0]).unwrap();
        tx.commit().unwrap();
    }
    let raw_rate = per_second(transfers, start.elapsed().as_secs_f64());

    // --- 1. Transfers through the core's ledger ---------------------------------------------
    let secrets = Arc::new(MemoryStore::default());
    let wallet = open_wallet(&dir.path().join("wallet"), secrets.clone(), clock.clone()).unwrap();
    register(&wallet, "13900139000", "310101198805204563");
    register(&wallet, "13800138000", "110101199003071233");
    let (a, b) = (2, 1); // P1 (signed in) and P2
    wallet.with_db_for_tests(|db| {
        let tx = db.unchecked_transaction().unwrap();
        tx.execute(
            "INSERT INTO payments (idem_key, account_id, kind, amount_fen, status, created_at, updated_at)
             VALUES ('bench-seed-0001', ?1, 'topup', 1000000000, 'succeeded', 0, 0)",
            [a],
        )
        .unwrap();
        let p = tx.last_insert_rowid();
        ledger::journal(
            &tx,
            p,
            Phase::Post,
            &[(Acct::PayeeClearing, -1_000_000_000), (Acct::Wallet(a), 1_000_000_000)],
            0,
        )
        .unwrap();
        tx.commit().unwrap();
    });
    // The core's transfer, and the same rows by plain SQL, interleaved in blocks so both see the
    // same file size and cache.
    let core_transfer = |tag: &str, i: usize| {
        wallet.with_db_for_tests(|db| {
            let now = clock.now();
            let tx = db.unchecked_transaction().unwrap();
            tx.execute(
                "INSERT INTO payments (idem_key, account_id, kind, amount_fen, payee_account, status, created_at, updated_at)
                 VALUES (?1, ?2, 'to_user', 100, ?3, 'pending', ?4, ?4)",
                params![format!("bench-{tag}-{i:08}"), a, b, now],
            )
            .unwrap();
            let p = tx.last_insert_rowid();
            tx.execute("INSERT INTO payment_events (payment_id, status, at) VALUES (?1, 'pending', ?2)", params![p, now]).unwrap();
            ledger::journal(&tx, p, Phase::Post, &[(Acct::Wallet(a), -100), (Acct::Wallet(b), 100)], now).unwrap();
            tx.execute("UPDATE payments SET status = 'succeeded' WHERE id = ?1", [p]).unwrap();
            tx.execute("INSERT INTO payment_events (payment_id, status, at) VALUES (?1, 'succeeded', ?2)", params![p, now]).unwrap();
            tx.commit().unwrap();
        });
    };
    let plain_transfer = |i: usize| {
        wallet.with_db_for_tests(|db| {
            let now = clock.now();
            let tx = db.unchecked_transaction().unwrap();
            tx.prepare_cached(
                "INSERT INTO payments (idem_key, account_id, kind, amount_fen, payee_account, status, created_at, updated_at)
                 VALUES (?1, ?2, 'to_user', 100, ?3, 'pending', ?4, ?4)",
            )
            .unwrap()
            .execute(params![format!("bench-plain-{i:08}"), a, b, now])
            .unwrap();
            let p = tx.last_insert_rowid();
            let mut event = tx.prepare_cached("INSERT INTO payment_events (payment_id, status, at) VALUES (?1, ?2, ?3)").unwrap();
            event.execute(params![p, "pending", now]).unwrap();
            for (owner, amount) in [(a, -100i64), (b, 100)] {
                let row: i64 = tx
                    .prepare_cached("SELECT id FROM ledger_accounts WHERE kind = 'wallet' AND owner IS ?1 AND card_id IS NULL")
                    .unwrap()
                    .query_row([owner], |r| r.get(0))
                    .unwrap();
                tx.prepare_cached("INSERT INTO entries (payment_id, phase, account, amount_fen, at) VALUES (?1, 'post', ?2, ?3, ?4)")
                    .unwrap()
                    .execute(params![p, row, amount, now])
                    .unwrap();
                tx.prepare_cached("UPDATE ledger_accounts SET balance_fen = balance_fen + ?2 WHERE id = ?1")
                    .unwrap()
                    .execute(params![row, amount])
                    .unwrap();
            }
            tx.prepare_cached("UPDATE payments SET status = 'succeeded' WHERE id = ?1").unwrap().execute([p]).unwrap();
            event.execute(params![p, "succeeded", now]).unwrap();
            drop(event);
            tx.commit().unwrap();
        });
    };
    let (mut core_secs, mut plain_secs) = (0.0, 0.0);
    let block = (transfers / 10).max(1);
    for round in 0..transfers.div_ceil(block) {
        let range = round * block..((round + 1) * block).min(transfers);
        let start = Instant::now();
        range.clone().for_each(|i| core_transfer("ledger", i));
        core_secs += start.elapsed().as_secs_f64();
        let start = Instant::now();
        range.for_each(plain_transfer);
        plain_secs += start.elapsed().as_secs_f64();
    }
    let core_rate = per_second(transfers, core_secs);
    let plain_rate = per_second(transfers, plain_secs);
    // synchronous=FULL: each commit waits for the disk.
    wallet.with_db_for_tests(|db| db.execute_batch("PRAGMA synchronous = FULL").unwrap());
    let full_n = (transfers / 5).max(100);
    let start = Instant::now();
    (0..full_n).for_each(|i| core_transfer("full", i));
    let full_rate = per_second(full_n, start.elapsed().as_secs_f64());
    wallet.with_db_for_tests(|db| db.execute_batch("PRAGMA synchronous = NORMAL").unwrap());
    wallet.with_db_for_tests(ledger::audit_books).unwrap();

    // --- 2. Through Wallet::pay (payment password included) ---------------------------------
    let clicks = (transfers / 50).max(20);
    let start = Instant::now();
    for i in 0..clicks {
        let req = PaymentRequest {
            idem_key: format!("bench-pay-{i:08}"),
            input: PaymentInput {
                kind: PaymentKind::ToUser,
                amount: "1".into(),
                card_id: None,
                payee_phone: Some("13900139000".into()),
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
            },
            pay_password: SecretString::new("258036"),
        };
        wallet.money().pay(&req, &|_, _| {}).unwrap_or_else(|e| panic!("{e:?}"));
    }
    let pay_rate = per_second(clicks, start.elapsed().as_secs_f64());

    // --- 3. History at 1 M transfers ---------------------------------------------------------
    let start = Instant::now();
    wallet.with_db_for_tests(|db| {
        let tx = db.unchecked_transaction().unwrap();
        {
            let mut st = tx
                .prepare(
                    "INSERT INTO payments (idem_key, account_id, kind, amount_fen, payee_account, status, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'succeeded', ?6, ?6)",
                )
                .unwrap();
            let now = clock.now();
            for i in 0..history_rows {
                let kind = ["to_user", "topup", "withdraw", "to_card"][i % 4];
                st.execute(params![format!("bench-hist-{i:09}"), a, kind, 100 + (i % 900) as i64, b, now - (i as i64) * 60_000])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
    });
    let load = start.elapsed().as_secs_f64();
    let time = |q: HistoryQuery| {
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(wallet.money().history(&q).unwrap());
        }
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64
    };
    let first_page = time(HistoryQuery { page_size: 20, ..Default::default() });
    let filtered = time(HistoryQuery {
        page_size: 20,
        kind: Some(PaymentKind::Withdraw),
        from: Some("2025-01-01".into()),
        ..Default::default()
    });
    // Page 1 001 (or the deepest a smaller run has), by OFFSET and from the cursor the page
    // before hands on (the UI's way).
    let deep_page = u32::try_from(history_rows / 20).unwrap_or(u32::MAX).saturating_sub(2).min(1_000);
    let deep = time(HistoryQuery { page_size: 20, page: deep_page, ..Default::default() });
    let cursor = wallet
        .money()
        .history(&HistoryQuery { page_size: 20, page: deep_page - 1, ..Default::default() })
        .unwrap()
        .next;
    assert!(cursor.is_some());
    let deep_keyset = time(HistoryQuery { page_size: 20, before: cursor, ..Default::default() });

    // --- 4. Start-up at that size ----------------------------------------------------------------
    drop(wallet);
    let start = Instant::now();
    let reopened = open_wallet(&dir.path().join("wallet"), secrets.clone(), clock.clone()).unwrap();
    let open_ms = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    reopened.check_storage_in_background();
    let spawn_ms = start.elapsed().as_secs_f64() * 1000.0;
    while reopened.storage_damaged().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let check_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(reopened.storage_damaged(), Some(false));

    let build = if cfg!(debug_assertions) { "debug build" } else { "release build" };
    println!("ledger benchmark ({transfers} transfers, {history_rows} history rows; {build})");
    println!("raw single-row INSERT transactions : {raw_rate:>10.0} /s   (scale only: not the same work)");
    println!("plain SQL, the transfer's rows     : {plain_rate:>10.0} /s   synchronous=NORMAL");
    println!(
        "core ledger transfers              : {core_rate:>10.0} /s   synchronous=NORMAL; ratio core/plain = {:.2}",
        core_rate / plain_rate
    );
    println!("core ledger transfers, durable     : {full_rate:>10.0} /s   synchronous=FULL ({full_n} transfers)");
    println!("Wallet::pay incl. Argon2id password: {pay_rate:>10.1} /s");
    println!("history: loading {history_rows} rows took {load:.1} s");
    println!("history page 1 (20 rows)           : {first_page:>10.2} ms");
    println!("history filtered (kind + from)     : {filtered:>10.2} ms");
    let n = deep_page + 1;
    println!("history page {n:<5} by OFFSET       : {deep:>10.2} ms");
    println!("history page {n:<5} by keyset cursor: {deep_keyset:>10.2} ms");
    println!("start-up: open the wallet          : {open_ms:>10.2} ms");
    println!("start-up: start the quick_check    : {spawn_ms:>10.2} ms (what start-up waits for it)");
    println!("background quick_check at that size: {check_ms:>10.0} ms (while the first screen shows)");
}
