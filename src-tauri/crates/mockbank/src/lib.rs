//! The mock issuing bank. It plays the bank behind every card of the fixture, with its own
//! SQLite file (people, cards, binding sessions, OTPs, agreements, the SMS outbox), realistic
//! latency and faults the tester controls, and the behaviours TEST-CARDS.md lists.
//!
//! Time comes from the core's clock port (latency and timeouts are `clock.sleep`), so tests
//! run it on a fake clock without waiting.

pub mod fixture;
pub mod testkit;
pub mod totp;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection, OptionalExtension};
use tongbao_core::bank::{
    version_at_least, Bank, BankFailure, BankInfo, BankResult, BankTxn, Binding, BindingState, CallOptions, CardStatus,
    CreditTo, Decline, Fault, HolderCheck, OtpSent, PayeeChecked, SessionProblem, SmsGateway, TxnState, UpdateCard,
    Verified, VerifyCard,
};
use tongbao_core::cards::Expiry;
use tongbao_core::clock::{Clock, Date, Millis, MINUTE, SECOND};

use fixture::{expiry_of, parse_date, Fixture};

pub const OTP_TTL: Millis = 5 * MINUTE;
pub const OTP_TRIES: i64 = 3;
pub const OTP_RESEND_AFTER: Millis = 60 * SECOND;

/// Fault injection: each rate is a probability per call (0.0–1.0), drawn from a seeded RNG so a
/// run is reproducible.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultRates {
    /// The call never answers: the wallet's timeout fires.
    pub timeout: f64,
    /// Answers 91.
    pub busy: f64,
    /// Answers 96.
    pub system_error: f64,
    /// The bank does the work, but the reply is lost: the wallet sees a timeout.
    pub drop_reply: f64,
}

/// What the tester controls at run time (the developer panel).
#[derive(Debug, Clone, PartialEq)]
pub struct Controls {
    pub latency_ms: Millis,
    pub faults: FaultRates,
    pub offline: bool,
}

impl Default for Controls {
    fn default() -> Self {
        Self { latency_ms: 300, faults: FaultRates::default(), offline: false }
    }
}

/// The mock panels' view: the phone's latest SMS per number, the token devices, the controls.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockPanel {
    /// The mock clock's time (Unix ms): the wallet and the bank both read it.
    #[ts(type = "number")]
    pub now: Millis,
    /// The bank's cards and their state, for the counter actions.
    pub cards: Vec<MockCard>,
    pub sms: Vec<MockSms>,
    pub tokens: Vec<MockToken>,
    pub controls: MockControls,
    /// The app started in test mode (`TONGBAO_TEST_MODE=1`): the clock, latency, faults and
    /// offline switch can be changed, and every person's SMS and cards are shown.
    #[serde(default)]
    pub test_mode: bool,
}

/// Who looks at the mock panels outside test mode: the signed-in person. The mock phone stands
/// in for their own phones; the bank counter serves only the cards they hold (as a real
/// counter checks your ID card).
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id_number: String,
    pub phone: String,
}

/// A card as the bank counter sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockCard {
    pub id: String,
    pub last4: String,
    pub holder: String,
    pub reserved_phone: String,
    pub activated: bool,
    pub epay_enabled: bool,
    pub frozen: bool,
    pub lost: bool,
}

/// What a person does at the bank counter or on 95588 (the remedies of the failure catalogue).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", tag = "action")]
pub enum BankAction {
    /// 激活: the card works (T02).
    Activate {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 开通电子支付/快捷支付 (T03).
    EnableEpay {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 解冻 (T06).
    Unfreeze {
        #[serde(rename = "cardId")]
        card_id: String,
    },
    /// 修改预留手机号.
    ChangePhone {
        #[serde(rename = "cardId")]
        card_id: String,
        phone: String,
    },
    /// 挂失.
    ReportLost {
        #[serde(rename = "cardId")]
        card_id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockSms {
    pub phone: String,
    pub text: String,
    #[ts(type = "number")]
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockToken {
    pub card_id: String,
    pub last4: String,
    pub code: String,
}

/// The developer panel's controls (rates are 0–1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockControls {
    #[ts(type = "number")]
    pub latency_ms: Millis,
    pub offline: bool,
    pub timeout_rate: f64,
    pub busy_rate: f64,
    pub system_error_rate: f64,
    pub drop_rate: f64,
}

impl From<&Controls> for MockControls {
    fn from(c: &Controls) -> Self {
        Self {
            latency_ms: c.latency_ms,
            offline: c.offline,
            timeout_rate: c.faults.timeout,
            busy_rate: c.faults.busy,
            system_error_rate: c.faults.system_error,
            drop_rate: c.faults.drop_reply,
        }
    }
}

impl MockControls {
    /// Clamped to sensible ranges: latency 0–60 s, rates 0–1.
    pub fn to_controls(self) -> Controls {
        let rate = |r: f64| {
            if r.is_finite() {
                r.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        Controls {
            latency_ms: self.latency_ms.clamp(0, 60 * SECOND),
            offline: self.offline,
            faults: FaultRates {
                timeout: rate(self.timeout_rate),
                busy: rate(self.busy_rate),
                system_error: rate(self.system_error_rate),
                drop_reply: rate(self.drop_rate),
            },
        }
    }
}

pub struct MockBank {
    db: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    controls: Mutex<Controls>,
    rng: Mutex<ChaCha8Rng>,
    /// How many verification requests each "busy first N" card has answered 91 since start.
    busy_answers: Mutex<HashMap<String, u32>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, real_name TEXT NOT NULL, id_number TEXT NOT NULL, phone TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, bank TEXT NOT NULL, kind TEXT NOT NULL,
    holder TEXT NOT NULL REFERENCES people(id), reserved_phone TEXT NOT NULL,
    activated INTEGER NOT NULL, epay_enabled INTEGER NOT NULL, lost INTEGER NOT NULL,
    frozen INTEGER NOT NULL, balance_fen INTEGER NOT NULL, credit_line_fen INTEGER NOT NULL,
    single_limit_fen INTEGER NOT NULL, daily_limit_fen INTEGER NOT NULL,
    expiry TEXT, cvv TEXT, totp_secret TEXT,
    renewal_on TEXT, renewal_expiry TEXT, renewal_cvv TEXT,
    busy_first INTEGER NOT NULL, never_answers INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, card_id TEXT NOT NULL REFERENCES cards(id),
    needs_token INTEGER NOT NULL, token_ok INTEGER NOT NULL DEFAULT 0,
    otp TEXT, otp_expires INTEGER, otp_sent_at INTEGER, otp_tries_left INTEGER,
    void INTEGER NOT NULL DEFAULT 0, agreement TEXT, created_at INTEGER NOT NULL,
    update_token TEXT, new_expiry TEXT);
CREATE TABLE IF NOT EXISTS agreements (
    token TEXT PRIMARY KEY, card_id TEXT NOT NULL REFERENCES cards(id),
    active INTEGER NOT NULL, created_at INTEGER NOT NULL, renewal_ack INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS txns (
    idem_key TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('debit', 'credit')),
    card_id TEXT NOT NULL REFERENCES cards(id), amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    outcome TEXT NOT NULL, reference TEXT, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS txns_by_card ON txns(card_id, kind, at);
CREATE TABLE IF NOT EXISTS payees (ref TEXT PRIMARY KEY, card_id TEXT NOT NULL REFERENCES cards(id), at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sms (
    id INTEGER PRIMARY KEY, phone TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL);
";

/// The cards of the viewer whose ID number is ?1 (every card when ?1 is NULL: test mode).
const OWN_CARD: &str = "(?1 IS NULL OR c.holder IN (SELECT id FROM people WHERE id_number = ?1))";
/// The phones of the viewer (?1 their ID number, ?2 their account phone): the account phone
/// and the reserved phones of the cards they hold. Every phone when ?1 is NULL (test mode).
const OWN_PHONE: &str = "(?1 IS NULL OR s.phone = ?2 OR s.phone IN (SELECT c.reserved_phone FROM cards c
                          WHERE c.holder IN (SELECT id FROM people WHERE id_number = ?1)))";

/// Debits of one card allowed within [`FREQUENCY_WINDOW`] before ISO 65.
pub const MAX_DEBITS_PER_WINDOW: i64 = 5;
pub const FREQUENCY_WINDOW: Millis = 60 * SECOND;

/// Columns added after the first release: a bank file from then gains them (an "already
/// exists" error means the file has them).
const ADDED_COLUMNS: &[&str] = &[
    "ALTER TABLE sessions ADD COLUMN update_token TEXT",
    "ALTER TABLE sessions ADD COLUMN new_expiry TEXT",
    "ALTER TABLE agreements ADD COLUMN renewal_ack INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sessions ADD COLUMN purpose TEXT",
];

/// A card row as the bank's rules need it.
struct CardRow {
    id: String,
    bank: String,
    holder_name: String,
    holder_id: String,
    reserved_phone: String,
    credit: bool,
    activated: bool,
    epay_enabled: bool,
    lost: bool,
    frozen: bool,
    expiry: Option<Expiry>,
    cvv: Option<String>,
    totp_secret: Option<String>,
    renewal: Option<(Date, Option<Expiry>, String)>,
    busy_first: u32,
    never_answers: bool,
}

impl CardRow {
    /// Expiry and CVV in force on `today`: the renewed ones once the renewal date has come.
    fn current_expiry_cvv(&self, today: Date) -> (Option<Expiry>, Option<&str>) {
        match &self.renewal {
            Some((on, exp, cvv)) if today >= *on => (*exp, Some(cvv.as_str())),
            _ => (self.expiry, self.cvv.as_deref()),
        }
    }
}

fn bank_name(code: &str) -> &'static str {
    match code {
        "ICBC" => "工商银行",
        "CCB" => "建设银行",
        "ABC" => "农业银行",
        "BOC" => "中国银行",
        "CMB" => "招商银行",
        _ => "银行",
    }
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

impl MockBank {
    /// Opens the bank's own database at `path`, seeding it from `fixture` on first start.
    pub fn open(path: &Path, fixture: &Fixture, clock: Arc<dyn Clock>) -> Result<MockBank, String> {
        let conn = Connection::open(path).map_err(|e| format!("mock bank database: {e}"))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
            .and_then(|_| conn.busy_timeout(std::time::Duration::from_secs(5)))
            .and_then(|_| conn.execute_batch(SCHEMA))
            .map_err(|e| format!("mock bank schema: {e}"))?;
        for sql in ADDED_COLUMNS {
            if let Err(e) = conn.execute_batch(sql) {
                if !e.to_string().contains("duplicate column") {
                    return Err(format!("mock bank schema: {e}"));
                }
            }
        }
        let mut conn = conn;
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let bank = MockBank {
            db: Mutex::new(conn),
            clock,
            controls: Mutex::new(Controls::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(0x7B_B0)),
            busy_answers: Mutex::new(HashMap::new()),
        };
        let seeded_from = bank.seed(fixture).map_err(|e| format!("mock bank seed: {e}"))?;
        if seeded_from != fixture.sha256 {
            return Err(format!(
                "the mock bank in {} was seeded from another fixture (sha256 {seeded_from}), not the one given \
                 (sha256 {}): delete that file to seed the bank from the new fixture",
                path.display(),
                fixture.sha256
            ));
        }
        Ok(bank)
    }

    /// An in-memory bank (tests).
    pub fn in_memory(fixture: &Fixture, clock: Arc<dyn Clock>) -> MockBank {
        MockBank::open(Path::new(":memory:"), fixture, clock).expect("in-memory mock bank")
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seeds the bank from `f` on first start; answers the sha256 of the fixture the bank was
    /// seeded from (a file seeded before hashes were kept was seeded from the built-in one).
    fn seed(&self, f: &Fixture) -> rusqlite::Result<String> {
        let mut db = self.db();
        let seeded: Option<String> =
            db.query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| r.get(0)).optional()?;
        if seeded.is_some() {
            let hash: Option<String> =
                db.query_row("SELECT value FROM meta WHERE key = 'fixture_sha256'", [], |r| r.get(0)).optional()?;
            return Ok(hash.unwrap_or_else(|| Fixture::default_fixture().sha256));
        }
        let tx = db.transaction()?;
        tx.execute("INSERT INTO meta VALUES ('fixture_sha256', ?1)", [&f.sha256])?;
        tx.execute("INSERT INTO meta VALUES ('client_version_floor', ?1)", [&f.client_version_floor])?;
        for p in &f.people {
            tx.execute("INSERT INTO people VALUES (?1, ?2, ?3, ?4)", params![p.id, p.real_name, p.id_number, p.phone])?;
        }
        for c in &f.cards {
            let phone = &f.people.iter().find(|p| p.id == c.holder).expect("checked by Fixture::parse").phone;
            let (r_on, r_exp, r_cvv) = match &c.renewal {
                Some(r) => (Some(&r.on), Some(&r.expiry), Some(&r.cvv)),
                None => (None, None, None),
            };
            tx.execute(
                "INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                                           ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                params![
                    c.id,
                    c.number,
                    c.bank,
                    c.kind,
                    c.holder,
                    phone,
                    c.activated,
                    c.epay_enabled,
                    c.lost,
                    c.frozen,
                    c.balance_fen,
                    c.credit_line_fen,
                    c.single_limit_fen,
                    c.daily_limit_fen,
                    c.expiry,
                    c.cvv,
                    c.totp_secret,
                    r_on,
                    r_exp,
                    r_cvv,
                    c.busy_first,
                    c.never_answers
                ],
            )?;
        }
        tx.execute("INSERT INTO meta VALUES ('seeded', '1')", [])?;
        tx.commit()?;
        Ok(f.sha256.clone())
    }

    // --- Tester controls ------------------------------------------------------------------

    pub fn controls(&self) -> Controls {
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_controls(&self, c: Controls) {
        *self.controls.lock().unwrap_or_else(|p| p.into_inner()) = c;
    }

    /// Re-seeds the fault RNG: the same seed gives the same faults in the same order.
    pub fn seed_faults(&self, seed: u64) {
        *self.rng.lock().unwrap_or_else(|p| p.into_inner()) = ChaCha8Rng::seed_from_u64(seed);
    }

    pub fn set_client_version_floor(&self, v: &str) {
        let _ = self.db().execute("UPDATE meta SET value = ?1 WHERE key = 'client_version_floor'", [v]);
    }

    /// The latest SMS sent to a phone (the mock phone panel).
    pub fn latest_sms(&self, phone: &str) -> Option<String> {
        self.db()
            .query_row("SELECT text FROM sms WHERE phone = ?1 ORDER BY id DESC LIMIT 1", [phone], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// Everything the mock panels show: to `viewer` only their own phones' SMS and their own
    /// cards; with no viewer (test mode) everyone's.
    pub fn panel(&self, viewer: Option<&Viewer>) -> MockPanel {
        let (id_number, phone) = viewer.map_or((None, None), |v| (Some(v.id_number.as_str()), Some(v.phone.as_str())));
        let db = self.db();
        let sms = db
            .prepare(&format!(
                "SELECT phone, text, at FROM sms s WHERE id = (SELECT max(id) FROM sms WHERE phone = s.phone)
                 AND {OWN_PHONE} ORDER BY at DESC, id DESC"
            ))
            .and_then(|mut st| {
                st.query_map(params![id_number, phone], |r| {
                    Ok(MockSms { phone: r.get(0)?, text: r.get(1)?, at: r.get(2)? })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default();
        let secrets: Vec<(String, String, String)> = db
            .prepare(&format!(
                "SELECT c.id, substr(c.number, -4), c.totp_secret FROM cards c WHERE c.totp_secret IS NOT NULL
                 AND {OWN_CARD} ORDER BY c.id"
            ))
            .and_then(|mut st| {
                st.query_map(params![id_number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default();
        drop(db);
        let now = self.clock.now();
        let tokens = secrets
            .into_iter()
            .filter_map(|(card_id, last4, secret)| {
                let key = totp::base32_decode(&secret)?;
                Some(MockToken { card_id, last4, code: totp::code_now(&key, now) })
            })
            .collect();
        MockPanel {
            now,
            cards: self.cards_view(id_number),
            sms,
            tokens,
            controls: MockControls::from(&self.controls()),
            test_mode: viewer.is_none(),
        }
    }

    /// The mock phone alone, with the latest SMS to each of `phones` (a person recovering a
    /// password before signing in: their phone, nothing else).
    pub fn sms_panel(&self, phones: &[String]) -> MockPanel {
        let mut sms: Vec<MockSms> = phones
            .iter()
            .filter_map(|p| {
                self.db()
                    .query_row("SELECT phone, text, at FROM sms WHERE phone = ?1 ORDER BY id DESC LIMIT 1", [p], |r| {
                        Ok(MockSms { phone: r.get(0)?, text: r.get(1)?, at: r.get(2)? })
                    })
                    .optional()
                    .ok()
                    .flatten()
            })
            .collect();
        sms.sort_by_key(|m| std::cmp::Reverse(m.at));
        MockPanel {
            now: self.clock.now(),
            cards: vec![],
            sms,
            tokens: vec![],
            controls: MockControls::from(&self.controls()),
            test_mode: false,
        }
    }

    /// Performs a counter action for `viewer` (only on a card they hold) or, with no viewer
    /// (test mode), on any card. Errors (unknown card, a phone that is not 11 digits) are
    /// returned as text.
    pub fn act(&self, viewer: Option<&Viewer>, action: &BankAction) -> Result<(), String> {
        let (sql, card_id, value): (&str, &str, Option<&str>) = match action {
            BankAction::Activate { card_id } => ("UPDATE cards SET activated = 1 WHERE id = ?1", card_id, None),
            BankAction::EnableEpay { card_id } => ("UPDATE cards SET epay_enabled = 1 WHERE id = ?1", card_id, None),
            BankAction::Unfreeze { card_id } => ("UPDATE cards SET frozen = 0 WHERE id = ?1", card_id, None),
            BankAction::ReportLost { card_id } => ("UPDATE cards SET lost = 1 WHERE id = ?1", card_id, None),
            BankAction::ChangePhone { card_id, phone } => {
                let p = phone.trim();
                if p.len() != 11 || !p.bytes().all(|c| c.is_ascii_digit()) || !p.starts_with('1') {
                    return Err(format!("{p:?} is not an 11-digit mobile number"));
                }
                ("UPDATE cards SET reserved_phone = ?2 WHERE id = ?1", card_id, Some(p))
            }
        };
        let db = self.db();
        if let Some(v) = viewer {
            let own: bool = db
                .query_row(
                    "SELECT count(*) > 0 FROM cards c JOIN people p ON p.id = c.holder WHERE c.id = ?1 AND p.id_number = ?2",
                    params![card_id, v.id_number],
                    |r| r.get(0),
                )
                .map_err(|e| format!("mock bank: {e}"))?;
            if !own {
                return Err(format!("the bank has no card {card_id} of yours"));
            }
        }
        let changed = match value {
            Some(v) => db.execute(sql, params![card_id, v]),
            None => db.execute(sql, params![card_id]),
        }
        .map_err(|e| format!("mock bank: {e}"))?;
        if changed == 0 {
            return Err(format!("the bank has no card {card_id}"));
        }
        tracing::info!(card = %card_id, ?action, "mock bank counter action");
        Ok(())
    }

    fn cards_view(&self, id_number: Option<&str>) -> Vec<MockCard> {
        self.db()
            .prepare(&format!(
                "SELECT c.id, substr(c.number, -4), p.real_name, c.reserved_phone, c.activated, c.epay_enabled,
                        c.frozen, c.lost
                 FROM cards c JOIN people p ON p.id = c.holder WHERE {OWN_CARD} ORDER BY c.id"
            ))
            .and_then(|mut st| {
                st.query_map([id_number], |r| {
                    Ok(MockCard {
                        id: r.get(0)?,
                        last4: r.get(1)?,
                        holder: r.get(2)?,
                        reserved_phone: r.get(3)?,
                        activated: r.get(4)?,
                        epay_enabled: r.get(5)?,
                        frozen: r.get(6)?,
                        lost: r.get(7)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap_or_default()
    }

    /// Whether an agreement (card token) is active at the bank; None if the bank never issued it.
    pub fn agreement_active(&self, token: &str) -> Option<bool> {
        self.db()
            .query_row("SELECT active FROM agreements WHERE token = ?1", [token], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// A card's balance (tests and the developer panel).
    pub fn balance_of(&self, card_id: &str) -> Option<i64> {
        self.db()
            .query_row("SELECT balance_fen FROM cards WHERE id = ?1", [card_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// The sum of every card's balance: money at the bank (conservation tests).
    pub fn total_balance(&self) -> i64 {
        self.db().query_row("SELECT coalesce(sum(balance_fen), 0) FROM cards", [], |r| r.get(0)).unwrap_or(0)
    }

    /// How many money movements a key made (0 or 1: idempotency tests).
    pub fn movements_for(&self, key: &str) -> i64 {
        self.db()
            .query_row("SELECT count(*) FROM txns WHERE idem_key = ?1 AND outcome = 'ok'", [key], |r| r.get(0))
            .unwrap_or(0)
    }

    /// Runs a money movement once per key: a repeat answers what the first one did (ISO 94).
    fn once(
        &self,
        key: &str,
        kind: &str,
        card_id: &str,
        amount_fen: i64,
        decide: impl FnOnce(&Connection) -> Result<(), Decline>,
        apply: &str,
    ) -> BankResult<BankTxn> {
        let mut db = self.db();
        let tx = db.transaction().map_err(storage_failure)?;
        let earlier: Option<(String, Option<String>)> = tx
            .query_row("SELECT outcome, reference FROM txns WHERE idem_key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(storage_failure)?;
        if let Some((outcome, reference)) = earlier {
            return outcome_of(&outcome, reference);
        }
        let now = self.clock.now();
        let (outcome, reference) = match decide(&tx) {
            Ok(()) => {
                tx.execute(apply, params![card_id, amount_fen]).map_err(storage_failure)?;
                ("ok".to_owned(), Some(format!("BNK{}", random_hex(8).to_uppercase())))
            }
            Err(d) => (format!("{d:?}"), None),
        };
        tx.execute(
            "INSERT INTO txns (idem_key, kind, card_id, amount_fen, outcome, reference, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![key, kind, card_id, amount_fen, outcome, reference, now],
        )
        .map_err(storage_failure)?;
        tx.commit().map_err(storage_failure)?;
        outcome_of(&outcome, reference)
    }

    /// Every idempotency key that moved money (the storm's check: no movement without its
    /// wallet record).
    pub fn moved_keys(&self) -> Vec<String> {
        self.db()
            .prepare("SELECT idem_key FROM txns WHERE outcome = 'ok' ORDER BY at")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>())
            .unwrap_or_default()
    }

    /// The SMS-code tries left in the binding session of a request id (tests: a resume must not
    /// spend one).
    pub fn otp_tries_left(&self, request_id: &str) -> Option<i64> {
        self.db()
            .query_row("SELECT otp_tries_left FROM sessions WHERE request_id = ?1", [request_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// The active agreement tokens of a card (tests: which token an unbind must revoke).
    pub fn active_agreements(&self, card_id: &str) -> Vec<String> {
        self.db()
            .prepare("SELECT token FROM agreements WHERE card_id = ?1 AND active = 1 ORDER BY created_at")
            .and_then(|mut st| st.query_map([card_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>())
            .unwrap_or_default()
    }

    /// The code a card's token device shows now (the token device panel).
    pub fn token_code(&self, card_id: &str) -> Option<String> {
        let secret: Option<String> = self
            .db()
            .query_row("SELECT totp_secret FROM cards WHERE id = ?1", [card_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
            .flatten();
        let key = totp::base32_decode(&secret?)?;
        Some(totp::code_now(&key, self.clock.now()))
    }

    // --- Realism: latency, offline, faults --------------------------------------------------

    /// Spends the call's latency and decides whether a fault replaces the answer. `work` runs
    /// unless the request never reaches the bank; a dropped reply runs it and still times out.
    fn transport<T>(
        &self,
        opts: CallOptions,
        never_answers: bool,
        work: impl FnOnce() -> BankResult<T>,
    ) -> BankResult<T> {
        let c = self.controls();
        if c.offline {
            return Err(BankFailure::Fault(Fault::Offline));
        }
        let timeout = || {
            self.clock.sleep(opts.timeout_ms);
            Err(BankFailure::Fault(Fault::Timeout))
        };
        if never_answers || c.latency_ms >= opts.timeout_ms {
            return timeout();
        }
        let roll: f64 = self.rng.lock().unwrap_or_else(|p| p.into_inner()).gen();
        let f = c.faults;
        self.clock.sleep(c.latency_ms);
        let mut edge = f.timeout;
        if roll < edge {
            self.clock.sleep(opts.timeout_ms - c.latency_ms);
            return Err(BankFailure::Fault(Fault::Timeout));
        }
        edge += f.busy;
        if roll < edge {
            return Err(BankFailure::Fault(Fault::Busy));
        }
        edge += f.system_error;
        if roll < edge {
            return Err(BankFailure::Fault(Fault::SystemError));
        }
        edge += f.drop_reply;
        if roll < edge {
            let _ = work();
            self.clock.sleep(opts.timeout_ms - c.latency_ms);
            return Err(BankFailure::Fault(Fault::Timeout));
        }
        work()
    }

    fn card_by_number(&self, pan: &str) -> Option<CardRow> {
        self.card_where("c.number = ?1", pan)
    }

    fn card_by_id(&self, id: &str) -> Option<CardRow> {
        self.card_where("c.id = ?1", id)
    }

    fn card_where(&self, cond: &str, value: &str) -> Option<CardRow> {
        let sql = format!(
            "SELECT c.id, c.bank, p.real_name, p.id_number, c.reserved_phone, c.kind, c.activated,
                    c.epay_enabled, c.lost, c.frozen, c.expiry, c.cvv, c.totp_secret, c.renewal_on,
                    c.renewal_expiry, c.renewal_cvv, c.busy_first, c.never_answers
             FROM cards c JOIN people p ON p.id = c.holder WHERE {cond}"
        );
        self.db()
            .query_row(&sql, [value], |r| {
                let renewal = match (r.get::<_, Option<String>>(13)?, r.get::<_, Option<String>>(15)?) {
                    (Some(on), Some(cvv)) => parse_date(&on).map(|d| (d, expiry_of(&r.get(14).ok().flatten()), cvv)),
                    _ => None,
                };
                Ok(CardRow {
                    id: r.get(0)?,
                    bank: r.get(1)?,
                    holder_name: r.get(2)?,
                    holder_id: r.get(3)?,
                    reserved_phone: r.get(4)?,
                    credit: r.get::<_, String>(5)? == "credit",
                    activated: r.get(6)?,
                    epay_enabled: r.get(7)?,
                    lost: r.get(8)?,
                    frozen: r.get(9)?,
                    expiry: expiry_of(&r.get(10)?),
                    cvv: r.get(11)?,
                    totp_secret: r.get(12)?,
                    renewal,
                    busy_first: r.get(16)?,
                    never_answers: r.get(17)?,
                })
            })
            .optional()
            .ok()
            .flatten()
    }

    /// Answers 91 for the first N verification requests of a "busy first N" card (T07).
    fn busy_first(&self, card: &CardRow) -> bool {
        if card.busy_first == 0 {
            return false;
        }
        let mut m = self.busy_answers.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(card.id.clone()).or_insert(0);
        if *n < card.busy_first {
            *n += 1;
            true
        } else {
            false
        }
    }

    fn version_floor(&self) -> String {
        self.db()
            .query_row("SELECT value FROM meta WHERE key = 'client_version_floor'", [], |r| r.get(0))
            .unwrap_or_else(|_| "0.0.0".into())
    }

    /// The checks every request about a card starts with: the client's version and the card's
    /// state at the bank.
    fn decide_card(&self, client_version: &str, card: &CardRow) -> Result<(), Decline> {
        if !version_at_least(client_version, &self.version_floor()) {
            return Err(Decline::UpgradeRequired);
        }
        card_state(card)
    }
}

/// Whether the card itself can be used: not lost, activated, not frozen.
fn card_state(card: &CardRow) -> Result<(), Decline> {
    if card.lost {
        return Err(Decline::Lost);
    }
    if !card.activated {
        return Err(Decline::NotActivated);
    }
    if card.frozen {
        return Err(Decline::Restricted);
    }
    Ok(())
}

impl MockBank {
    /// A credit card's expiry and CVV as typed against the ones in force today.
    fn decide_expiry_cvv(&self, card: &CardRow, expiry: Option<Expiry>, cvv: Option<&str>) -> Result<(), Decline> {
        let now = self.clock.now();
        let (current, current_cvv) = card.current_expiry_cvv(Date::in_shanghai(now));
        if current.is_some_and(|e| e.has_passed(now)) {
            return Err(Decline::CardExpired);
        }
        if expiry != current {
            return Err(Decline::ExpiryMismatch);
        }
        if cvv != current_cvv {
            return Err(Decline::CvvMismatch);
        }
        Ok(())
    }

    /// The bank's decision on a verification request.
    fn decide(&self, req: &VerifyCard<'_>, card: &CardRow) -> Result<(), Decline> {
        self.decide_card(req.client_version, card)?;
        if req.holder_name != card.holder_name || req.holder_id != card.holder_id {
            return Err(Decline::HolderMismatch);
        }
        if card.credit {
            self.decide_expiry_cvv(card, req.expiry, req.cvv)?;
        }
        if !card.epay_enabled {
            return Err(Decline::EpayDisabled);
        }
        if req.phone != card.reserved_phone {
            return Err(Decline::PhoneMismatch);
        }
        Ok(())
    }

    /// The bank's decision on new data for a bound card.
    fn decide_update(&self, req: &UpdateCard<'_>, card: &CardRow) -> Result<(), Decline> {
        self.decide_card(req.client_version, card)?;
        if req.expiry.is_some() || req.cvv.is_some() {
            if !card.credit {
                return Err(Decline::ExpiryMismatch);
            }
            self.decide_expiry_cvv(card, req.expiry, req.cvv)?;
        }
        if !card.epay_enabled {
            return Err(Decline::EpayDisabled);
        }
        if req.phone.is_some_and(|p| p != card.reserved_phone) {
            return Err(Decline::PhoneMismatch);
        }
        Ok(())
    }

    /// A card's status; `renewal_ack`: the agreement has taken the renewed expiry/CVV.
    fn status_of(&self, c: &CardRow, renewal_ack: bool) -> CardStatus {
        let now = self.clock.now();
        let renewed = c.renewal.as_ref().is_some_and(|(on, _, _)| Date::in_shanghai(now) >= *on);
        if c.lost {
            CardStatus::Lost
        } else if !c.activated {
            CardStatus::NotActivated
        } else if c.frozen {
            CardStatus::Frozen
        } else if !c.epay_enabled {
            CardStatus::EpayDisabled
        } else if renewed && !renewal_ack {
            CardStatus::Renewed
        } else if c.current_expiry_cvv(Date::in_shanghai(now)).0.is_some_and(|e| e.has_passed(now)) {
            CardStatus::Expired
        } else {
            CardStatus::Active
        }
    }

    /// The active agreement's card and whether it has taken the renewal.
    fn agreement_card(&self, token: &str) -> Option<(CardRow, bool)> {
        let (card_id, ack): (String, bool) = self
            .db()
            .query_row("SELECT card_id, renewal_ack FROM agreements WHERE token = ?1 AND active = 1", [token], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .ok()
            .flatten()?;
        Some((self.card_by_id(&card_id)?, ack))
    }

    /// The session `request_id` opened before — the same attempt asking again gets the same
    /// session (idempotency key) — or a new one: a binding's, or with `update` (agreement token,
    /// renewed expiry) a change to a bound card.
    fn session_for(
        &self,
        request_id: &str,
        card_id: &str,
        needs_token: bool,
        update: Option<(&str, Option<String>)>,
    ) -> Result<String, BankFailure> {
        let db = self.db();
        let existing: Option<String> = db
            .query_row("SELECT id FROM sessions WHERE request_id = ?1", [request_id], |r| r.get(0))
            .optional()
            .map_err(storage_failure)?;
        if let Some(s) = existing {
            return Ok(s);
        }
        let (update_token, new_expiry) = update.map_or((None, None), |(t, e)| (Some(t), e));
        let s = random_hex(12);
        db.execute(
            "INSERT INTO sessions (id, request_id, card_id, needs_token, created_at, update_token, new_expiry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s, request_id, card_id, needs_token, self.clock.now(), update_token, new_expiry],
        )
        .map_err(storage_failure)?;
        Ok(s)
    }

    fn session(&self, id: &str) -> Option<SessionRow> {
        session_in(&self.db(), id)
    }
}

fn session_in(db: &Connection, id: &str) -> Option<SessionRow> {
    {
        db.query_row(
            "SELECT card_id, needs_token, token_ok, otp, otp_expires, otp_sent_at, otp_tries_left, void, agreement,
                        update_token, new_expiry
                 FROM sessions WHERE id = ?1",
            [id],
            |r| {
                Ok(SessionRow {
                    card_id: r.get(0)?,
                    needs_token: r.get(1)?,
                    token_ok: r.get(2)?,
                    otp: r.get(3)?,
                    otp_expires: r.get(4)?,
                    otp_sent_at: r.get(5)?,
                    void: r.get(7)?,
                    agreement: r.get(8)?,
                    update_token: r.get(9)?,
                    new_expiry: r.get(10)?,
                })
            },
        )
        .optional()
        .ok()
        .flatten()
    }
}

struct SessionRow {
    card_id: String,
    needs_token: bool,
    token_ok: bool,
    otp: Option<String>,
    otp_expires: Option<Millis>,
    otp_sent_at: Option<Millis>,
    void: bool,
    agreement: Option<String>,
    /// Set for a session that updates a bound card (the agreement's token).
    update_token: Option<String>,
    /// The renewed expiry an update session confirms.
    new_expiry: Option<String>,
}

const UNKNOWN_SESSION: BankFailure = BankFailure::Session(SessionProblem::Unknown);

impl Bank for MockBank {
    fn verify_card(&self, req: &VerifyCard<'_>, opts: CallOptions) -> BankResult<Verified> {
        let card = self.card_by_number(req.pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if self.busy_first(&card) {
                return Err(BankFailure::Fault(Fault::Busy));
            }
            self.decide(req, &card).map_err(BankFailure::Declined)?;
            let session = self.session_for(req.request_id, &card.id, card.totp_secret.is_some(), None)?;
            Ok(if card.totp_secret.is_some() {
                Verified::TokenRequired { session }
            } else {
                Verified::Approved { session }
            })
        })
    }

    fn verify_token(&self, session: &str, code: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            let s = self.session(session).filter(|s| !s.void).ok_or(UNKNOWN_SESSION)?;
            let card = self.card_by_id(&s.card_id).ok_or(UNKNOWN_SESSION)?;
            let key = card.totp_secret.as_deref().and_then(totp::base32_decode).ok_or(UNKNOWN_SESSION)?;
            if !totp::verify(&key, code, self.clock.now()) {
                return Err(BankFailure::Session(SessionProblem::TokenInvalid));
            }
            self.db().execute("UPDATE sessions SET token_ok = 1 WHERE id = ?1", [session]).map_err(storage_failure)?;
            Ok(())
        })
    }

    fn send_otp(&self, session: &str, opts: CallOptions) -> BankResult<OtpSent> {
        self.transport(opts, false, || {
            let now = self.clock.now();
            let s = self.session(session).filter(|s| !s.void).ok_or(UNKNOWN_SESSION)?;
            if s.needs_token && !s.token_ok {
                return Err(BankFailure::Session(SessionProblem::TokenInvalid));
            }
            if let Some(sent) = s.otp_sent_at {
                if now < sent + OTP_RESEND_AFTER {
                    return Err(BankFailure::Session(SessionProblem::ResendTooSoon {
                        resend_at: sent + OTP_RESEND_AFTER,
                    }));
                }
            }
            let card = self.card_by_id(&s.card_id).ok_or(UNKNOWN_SESSION)?;
            let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
            let last4 = self
                .db()
                .query_row("SELECT substr(number, -4) FROM cards WHERE id = ?1", [&card.id], |r| r.get::<_, String>(0))
                .unwrap_or_default();
            let holder_check: bool = self
                .db()
                .query_row("SELECT purpose = 'holder' FROM sessions WHERE id = ?1", [session], |r| {
                    r.get::<_, Option<bool>>(0)
                })
                .ok()
                .flatten()
                .unwrap_or(false);
            let purpose = if holder_check {
                format!("您正在通宝钱包验证尾号{last4}的银行卡以重置支付密码")
            } else if s.update_token.is_some() {
                format!("您正在修改尾号{last4}的银行卡在通宝钱包的绑定信息")
            } else {
                format!("您正在将尾号{last4}的银行卡绑定到通宝钱包")
            };
            let text = format!("【{}】验证码 {code}，5分钟内有效。{purpose}，请勿泄露给他人。", bank_name(&card.bank));
            let db = self.db();
            db.execute(
                "UPDATE sessions SET otp = ?2, otp_expires = ?3, otp_sent_at = ?4, otp_tries_left = ?5 WHERE id = ?1",
                params![session, code, now + OTP_TTL, now, OTP_TRIES],
            )
            .and_then(|_| {
                db.execute(
                    "INSERT INTO sms (phone, text, at) VALUES (?1, ?2, ?3)",
                    params![card.reserved_phone, text, now],
                )
            })
            .map_err(storage_failure)?;
            Ok(OtpSent { expires_at: now + OTP_TTL, resend_at: now + OTP_RESEND_AFTER })
        })
    }

    fn confirm_binding(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<Binding> {
        self.transport(opts, false, || {
            let now = self.clock.now();
            // One transaction: two confirmations at once make one agreement, never two.
            self.in_tx(|db| {
                let s = session_in(db, session).filter(|s| s.update_token.is_none()).ok_or(UNKNOWN_SESSION)?;
                if let Some(token) = s.agreement {
                    return Ok(Binding { token }); // already confirmed: the original answer (94)
                }
                self.check_otp(db, session, &s, otp)?;
                let token = format!("AGR{}", random_hex(10).to_uppercase());
                db.execute(
                    "INSERT INTO agreements (token, card_id, active, created_at) VALUES (?1, ?2, 1, ?3)",
                    params![token, s.card_id, now],
                )
                .and_then(|_| {
                    db.execute("UPDATE sessions SET agreement = ?2, otp = NULL WHERE id = ?1", params![session, token])
                })
                .map_err(storage_failure)?;
                Ok(Binding { token })
            })
        })
    }

    fn verify_update(&self, req: &UpdateCard<'_>, opts: CallOptions) -> BankResult<String> {
        let found = self.agreement_card(req.token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            self.decide_update(req, &card).map_err(BankFailure::Declined)?;
            self.session_for(req.request_id, &card.id, false, Some((req.token, req.expiry.map(Expiry::printed))))
        })
    }

    fn confirm_update(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            self.in_tx(|db| {
                let s = session_in(db, session).ok_or(UNKNOWN_SESSION)?;
                let token = s.update_token.clone().ok_or(UNKNOWN_SESSION)?;
                if s.agreement.is_some() {
                    return Ok(()); // already confirmed: the original answer (94)
                }
                self.check_otp(db, session, &s, otp)?;
                db.execute(
                    "UPDATE agreements SET renewal_ack = renewal_ack OR ?2 WHERE token = ?1",
                    params![token, s.new_expiry.is_some()],
                )
                .and_then(|_| {
                    db.execute("UPDATE sessions SET agreement = ?2, otp = NULL WHERE id = ?1", params![session, token])
                })
                .map_err(storage_failure)?;
                Ok(())
            })
        })
    }

    fn verify_holder(&self, req: &HolderCheck<'_>, opts: CallOptions) -> BankResult<String> {
        let found = self.agreement_card(req.token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            let number: String = self
                .db()
                .query_row("SELECT number FROM cards WHERE id = ?1", [&card.id], |r| r.get(0))
                .map_err(storage_failure)?;
            if number != req.pan {
                return Err(BankFailure::Declined(Decline::NoSuchCard));
            }
            card_state(&card).map_err(BankFailure::Declined)?;
            let session = self.session_for(req.request_id, &card.id, false, Some((req.token, None)))?;
            self.db()
                .execute("UPDATE sessions SET purpose = 'holder' WHERE id = ?1", [&session])
                .map_err(storage_failure)?;
            Ok(session)
        })
    }

    fn binding_state(&self, request_id: &str, opts: CallOptions) -> BankResult<BindingState> {
        self.transport(opts, false, || {
            let found: Option<(Option<String>, bool)> = self
                .db()
                .query_row(
                    "SELECT s.agreement, coalesce(a.active, 0) FROM sessions s LEFT JOIN agreements a ON a.token = s.agreement
                     WHERE s.request_id = ?1 AND s.update_token IS NULL",
                    [request_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(storage_failure)?;
            Ok(match found {
                None => BindingState::NotFound,
                Some((Some(token), true)) => BindingState::Bound { token },
                Some(_) => BindingState::NotBound,
            })
        })
    }

    fn token_status(&self, token: &str, opts: CallOptions) -> BankResult<CardStatus> {
        let found = self.agreement_card(token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || Ok(found.map_or(CardStatus::Unknown, |(c, ack)| self.status_of(&c, ack))))
    }

    fn bank_info(&self, opts: CallOptions) -> BankResult<BankInfo> {
        self.transport(opts, false, || Ok(BankInfo { now: self.clock.now(), min_client_version: self.version_floor() }))
    }

    fn debit(&self, token: &str, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn> {
        let found = self.agreement_card(token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            let now = self.clock.now();
            let day_start = shanghai_day_start(now);
            self.once(
                key,
                "debit",
                &card.id,
                amount_fen,
                |db| {
                    card_state(&card)?;
                    // An issuer refuses a card past the expiry in force (33).
                    let (expiry, _) = card.current_expiry_cvv(Date::in_shanghai(now));
                    if expiry.is_some_and(|e| e.has_passed(now)) {
                        return Err(Decline::CardExpired);
                    }
                    let (balance, line, single, daily): (i64, i64, i64, i64) = db
                        .query_row(
                            "SELECT balance_fen, credit_line_fen, single_limit_fen, daily_limit_fen FROM cards WHERE id = ?1",
                            [&card.id],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                        )
                        .map_err(|_| Decline::NoSuchCard)?;
                    let (today, recent): (i64, i64) = db
                        .query_row(
                            "SELECT coalesce(sum(CASE WHEN at >= ?2 THEN amount_fen END), 0),
                                    count(CASE WHEN at > ?3 THEN 1 END)
                             FROM txns WHERE card_id = ?1 AND kind = 'debit' AND outcome = 'ok'",
                            params![card.id, day_start, now - FREQUENCY_WINDOW],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .map_err(|_| Decline::NoSuchCard)?;
                    if recent >= MAX_DEBITS_PER_WINDOW {
                        return Err(Decline::FrequencyExceeded);
                    }
                    if amount_fen > single || today + amount_fen > daily {
                        return Err(Decline::LimitExceeded);
                    }
                    if balance + line < amount_fen {
                        return Err(Decline::InsufficientFunds);
                    }
                    Ok(())
                },
                "UPDATE cards SET balance_fen = balance_fen - ?2 WHERE id = ?1",
            )
        })
    }

    fn credit(&self, to: CreditTo<'_>, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn> {
        let card = match to {
            CreditTo::Token(t) => self.agreement_card(t).map(|(c, _)| c),
            CreditTo::Payee(r) => {
                let id: Option<String> = self
                    .db()
                    .query_row("SELECT card_id FROM payees WHERE ref = ?1", [r], |row| row.get(0))
                    .optional()
                    .ok()
                    .flatten();
                id.and_then(|id| self.card_by_id(&id))
            }
        };
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            let decide = |_: &Connection| if card.lost || card.frozen { Err(Decline::Restricted) } else { Ok(()) };
            self.once(
                key,
                "credit",
                &card.id,
                amount_fen,
                decide,
                "UPDATE cards SET balance_fen = balance_fen + ?2 WHERE id = ?1",
            )
        })
    }

    fn check_payee(&self, pan: &str, name: &str, opts: CallOptions) -> BankResult<PayeeChecked> {
        let card = self.card_by_number(pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if card.lost {
                return Err(BankFailure::Declined(Decline::Lost));
            }
            if name.trim() != card.holder_name {
                return Err(BankFailure::Declined(Decline::PayeeNameMismatch));
            }
            let payee_ref = format!("PAY{}", random_hex(10).to_uppercase());
            self.db()
                .execute(
                    "INSERT INTO payees (ref, card_id, at) VALUES (?1, ?2, ?3)",
                    params![payee_ref, card.id, self.clock.now()],
                )
                .map_err(storage_failure)?;
            Ok(PayeeChecked { payee_ref })
        })
    }

    fn inquire(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.transport(opts, false, || {
            let found: Option<(String, Option<String>)> = self
                .db()
                .query_row("SELECT outcome, reference FROM txns WHERE idem_key = ?1", [key], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(storage_failure)?;
            Ok(match found {
                None => TxnState::NotFound,
                Some((outcome, reference)) => match outcome_of(&outcome, reference) {
                    Ok(t) => TxnState::Done(t),
                    Err(BankFailure::Declined(d)) => TxnState::Declined(d),
                    Err(_) => TxnState::NotFound,
                },
            })
        })
    }

    fn revoke_token(&self, token: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            self.db()
                .execute("UPDATE agreements SET active = 0 WHERE token = ?1", [token])
                .map(|_| ())
                .map_err(storage_failure)
        })
    }

    fn card_status(&self, pan: &str, opts: CallOptions) -> BankResult<CardStatus> {
        let card = self.card_by_number(pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        // By number there is no agreement: a renewal in force is reported as such.
        self.transport(opts, never, || Ok(card.map_or(CardStatus::Unknown, |c| self.status_of(&c, false))))
    }
}

/// The mock phone shows the wallet's own SMS too (recovery codes, notices).
impl SmsGateway for MockBank {
    fn send(&self, phone: &str, text: &str) -> Result<(), tongbao_core::error::AppError> {
        self.db()
            .execute("INSERT INTO sms (phone, text, at) VALUES (?1, ?2, ?3)", params![phone, text, self.clock.now()])
            .map(|_| ())
            .map_err(|e| {
                tongbao_core::error::AppError::new(
                    tongbao_core::error::ErrorCode::StorageError,
                    format!("mock phone: {e}"),
                )
            })
    }
}

impl MockBank {
    /// The SMS code of a session: expiry, tries (3 wrong void the session). A wrong code is
    /// counted in one statement, so parallel guesses never get more wrong answers than tries.
    fn check_otp(&self, db: &Connection, session: &str, s: &SessionRow, otp: &str) -> BankResult<()> {
        if s.void {
            return Err(BankFailure::Session(SessionProblem::OtpLocked));
        }
        let (Some(expected), Some(expires)) = (s.otp.as_deref(), s.otp_expires) else {
            return Err(BankFailure::Session(SessionProblem::OtpExpired));
        };
        if self.clock.now() >= expires {
            return Err(BankFailure::Session(SessionProblem::OtpExpired));
        }
        if otp == expected {
            return Ok(());
        }
        let left: Option<i64> = db
            .query_row(
                "UPDATE sessions SET otp_tries_left = otp_tries_left - 1, void = (otp_tries_left - 1 <= 0)
                 WHERE id = ?1 AND void = 0 AND otp_tries_left > 0 RETURNING otp_tries_left",
                [session],
                |r| r.get(0),
            )
            .optional()
            .map_err(storage_failure)?;
        Err(BankFailure::Session(match left {
            Some(left) if left > 0 => SessionProblem::OtpInvalid { tries_left: left as u8 },
            _ => SessionProblem::OtpLocked,
        }))
    }

    /// Runs `f` in one transaction of the bank's database, committed whatever `f` answers (a
    /// wrong code's count must stay counted).
    fn in_tx<T>(&self, f: impl FnOnce(&Connection) -> BankResult<T>) -> BankResult<T> {
        let mut db = self.db();
        let tx = db.transaction().map_err(storage_failure)?;
        let r = f(&tx);
        tx.commit().map_err(storage_failure)?;
        r
    }
}

/// 00:00 of the Shanghai day `now` falls in, in Unix ms.
fn shanghai_day_start(now: Millis) -> Millis {
    use tongbao_core::clock::{DAY, SHANGHAI_OFFSET};
    (now + SHANGHAI_OFFSET).div_euclid(DAY) * DAY - SHANGHAI_OFFSET
}

/// A recorded outcome as the answer it was: "ok" with its reference, or the decline's name.
fn outcome_of(outcome: &str, reference: Option<String>) -> BankResult<BankTxn> {
    const DECLINES: [Decline; 8] = [
        Decline::CardExpired,
        Decline::InsufficientFunds,
        Decline::LimitExceeded,
        Decline::FrequencyExceeded,
        Decline::Restricted,
        Decline::Lost,
        Decline::NotActivated,
        Decline::NoSuchCard,
    ];
    match (outcome, reference) {
        ("ok", Some(reference)) => Ok(BankTxn { reference }),
        _ => Err(BankFailure::Declined(
            DECLINES.into_iter().find(|d| format!("{d:?}") == outcome).unwrap_or(Decline::Restricted),
        )),
    }
}

/// A storage error inside a bank operation answers 96, as a real issuer's would.
fn storage_failure(e: rusqlite::Error) -> BankFailure {
    tracing::error!(error = %e, "mock bank storage failure");
    BankFailure::Fault(Fault::SystemError)
}
