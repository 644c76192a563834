//! The bank's own SQLite file: its schema, opening and seeding it from the fixture, and the
//! card and session rows the rules read.

use std::path::Path;
use std::sync::{Arc, MutexGuard};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use tongbao_core::bank::BankResult;
use tongbao_core::cards::Expiry;
use tongbao_core::platform::clock::{Clock, Millis};

use crate::fixture::{expiry_of, parse_date, Fixture};

use crate::bank::{storage_failure, MockBank};

pub(crate) const SCHEMA: &str = "
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
CREATE TABLE IF NOT EXISTS app_sessions (
    id TEXT PRIMARY KEY, person TEXT NOT NULL REFERENCES people(id), otp TEXT, otp_expires INTEGER NOT NULL,
    tries_left INTEGER NOT NULL, signed_in INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS app_grants (
    code TEXT PRIMARY KEY, state TEXT NOT NULL, person TEXT NOT NULL REFERENCES people(id),
    cards TEXT NOT NULL, created_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
-- The billers (billers/): utilities, their test accounts and what is due, payments by key.
CREATE TABLE IF NOT EXISTS billers (kind TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bill_accounts (
    kind TEXT NOT NULL, account TEXT NOT NULL, holder_masked TEXT NOT NULL,
    due_fen INTEGER NOT NULL CHECK (due_fen >= 0), PRIMARY KEY (kind, account));
CREATE TABLE IF NOT EXISTS bill_payments (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, account TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    reference TEXT NOT NULL, card_id TEXT, at INTEGER NOT NULL);
-- The acquirer (acquirer/): merchants, their orders, refunds, the banks' offers.
CREATE TABLE IF NOT EXISTS merchants (
    id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, name TEXT NOT NULL, category TEXT NOT NULL,
    key TEXT NOT NULL, blocked INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, merchant TEXT NOT NULL REFERENCES merchants(id), title TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0), created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'closed', 'refunded', 'partially_refunded')),
    paid_key TEXT UNIQUE, pay_ref TEXT, paid_fen INTEGER, discount_fen INTEGER, offer TEXT, paid_card TEXT,
    paid_at INTEGER, refunded_fen INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS orders_by_time ON orders(created_at DESC);
CREATE TABLE IF NOT EXISTS refunds (
    id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0), at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS offers (id TEXT PRIMARY KEY, json TEXT NOT NULL);
";

/// Columns added after the first release: a bank file from then gains them (an "already
/// exists" error means the file has them).
pub(crate) const ADDED_COLUMNS: &[&str] = &[
    "ALTER TABLE sessions ADD COLUMN update_token TEXT",
    "ALTER TABLE sessions ADD COLUMN new_expiry TEXT",
    "ALTER TABLE agreements ADD COLUMN renewal_ack INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sessions ADD COLUMN purpose TEXT",
    "ALTER TABLE cards ADD COLUMN stolen INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN system_error INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN max_debits_per_day INTEGER",
    "ALTER TABLE cards ADD COLUMN returns_credits INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN held_id_number TEXT",
    "ALTER TABLE cards ADD COLUMN payroll INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN other_agreements INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN replaced_by TEXT",
    "ALTER TABLE cards ADD COLUMN account_class TEXT NOT NULL DEFAULT 'I'",
    "ALTER TABLE cards ADD COLUMN non_counter_enabled INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE cards ADD COLUMN maintenance_from INTEGER",
    "ALTER TABLE cards ADD COLUMN maintenance_to INTEGER",
    "ALTER TABLE cards ADD COLUMN reported INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE cards ADD COLUMN payee_check_unavailable INTEGER NOT NULL DEFAULT 0",
];

/// The SHA-256 of every earlier default fixture, oldest first: a bank file seeded from one of
/// them is brought up to the current default (new cards added) instead of being refused.
pub(crate) const PREVIOUS_DEFAULT_FIXTURES: &[&str] = &[
    "88fb4be567d8563be7b2494eb4a48c244900504778111d7f00d3943d7cc58fc8",
    "5edef289fd633ff6258697b0530b9979852aa5ccda45cbc481347a8c04e0a92b",
    "c4f2445c697da1c376cf838142ecc09ba180f79005dffbe6b2323df912fbdeaf",
    "fae2152ce30c7c1979efb291a628c1a77101aa7f5a02748b5ee824d06cb2fe7d",
    "dbbeeac329efe9c0474af63fc74941dfa1729fc9c0d3c6b8eea3b6af5f58c3bd",
    "05edf17c3404e5485c5a896b7c0becd5259845a6f5b2c40801ea1eb4e28c52bc",
    "1527be83f374368692d2fb7f40f48a3c36ea3c58fb679ef5df29b9c9a42cdc59",
    "50fcc39b2a7702cd034629974f4ae830e293e3dd31468a0aecedbd93fd2af20c",
];

/// A card row as the bank's rules need it.
pub(crate) struct CardRow {
    pub(crate) id: String,
    pub(crate) bank: String,
    pub(crate) holder_name: String,
    pub(crate) holder_id: String,
    pub(crate) reserved_phone: String,
    pub(crate) credit: bool,
    /// A prepaid card (预付费卡): the bank does not allow it for quick pay (57).
    pub(crate) prepaid: bool,
    pub(crate) activated: bool,
    pub(crate) epay_enabled: bool,
    pub(crate) lost: bool,
    pub(crate) frozen: bool,
    pub(crate) expiry: Option<Expiry>,
    pub(crate) cvv: Option<String>,
    pub(crate) totp_secret: Option<String>,
    pub(crate) renewal: Option<(NaiveDate, Option<Expiry>, String)>,
    pub(crate) busy_first: u32,
    pub(crate) never_answers: bool,
    /// Reported stolen: declines 43.
    pub(crate) stolen: bool,
    /// The bank's system fails for this card (96) until the counter restores it.
    pub(crate) system_error: bool,
    /// Debits allowed per Shanghai day before 65 (None: only the per-minute rule).
    pub(crate) max_debits_per_day: Option<i64>,
    /// The account behind the card is closed: credits to it are returned (62).
    pub(crate) returns_credits: bool,
    /// A payroll card: its reserved phone is the employer's.
    pub(crate) payroll: bool,
    /// Quick-pay agreements with other payment institutions.
    pub(crate) other_agreements: i64,
    /// The last 4 of the card that replaced this one (换卡): this one is cancelled.
    pub(crate) replaced_by_last4: Option<String>,
    /// A class II account (Ⅱ类户).
    pub(crate) class_ii: bool,
    /// Card-not-present payments enabled.
    pub(crate) non_counter_enabled: bool,
    /// The nightly maintenance window of the card's bank, minutes after Shanghai midnight.
    pub(crate) maintenance: Option<(i64, i64)>,
    /// Reported for fraud: refused as a payee.
    pub(crate) reported: bool,
    /// The holder's name cannot be checked (as a payee).
    pub(crate) payee_check_unavailable: bool,
}

impl CardRow {
    /// Expiry and CVV in force on `today`: the renewed ones once the renewal date has come.
    pub(crate) fn current_expiry_cvv(&self, today: NaiveDate) -> (Option<Expiry>, Option<&str>) {
        match &self.renewal {
            Some((on, exp, cvv)) if today >= *on => (*exp, Some(cvv.as_str())),
            _ => (self.expiry, self.cvv.as_deref()),
        }
    }
}

pub(crate) fn session_in(db: &Connection, id: &str) -> Option<SessionRow> {
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

pub(crate) struct SessionRow {
    pub(crate) card_id: String,
    pub(crate) needs_token: bool,
    pub(crate) token_ok: bool,
    pub(crate) otp: Option<String>,
    pub(crate) otp_expires: Option<Millis>,
    pub(crate) otp_sent_at: Option<Millis>,
    pub(crate) void: bool,
    pub(crate) agreement: Option<String>,
    /// Set for a session that updates a bound card (the agreement's token).
    pub(crate) update_token: Option<String>,
    /// The renewed expiry an update session confirms.
    pub(crate) new_expiry: Option<String>,
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
        let bank = MockBank::new(conn, clock);
        let seeded_from = bank.seed(fixture).map_err(|e| format!("mock bank seed: {e}"))?;
        if seeded_from != fixture.sha256 {
            return Err(format!(
                "the mock bank in {} was seeded from another fixture (sha256 {seeded_from}), not the one given \
                 (sha256 {}): delete that file to seed the bank from the new fixture",
                path.display(),
                fixture.sha256
            ));
        }
        bank.seed_acquirer(fixture).map_err(|e| format!("mock bank seed: {e}"))?;
        bank.seed_billers(fixture).map_err(|e| format!("mock bank seed: {e}"))?;
        // The fixture's floor, whatever an earlier run left in the file (a floor raised by the
        // developer control used to be written here and outlived test mode).
        bank.db()
            .execute("UPDATE meta SET value = ?1 WHERE key = 'client_version_floor'", [&fixture.client_version_floor])
            .map_err(|e| format!("mock bank seed: {e}"))?;
        Ok(bank)
    }

    /// An in-memory bank (tests).
    pub fn in_memory(fixture: &Fixture, clock: Arc<dyn Clock>) -> MockBank {
        MockBank::open(Path::new(":memory:"), fixture, clock).expect("in-memory mock bank")
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seeds the bank from `f` on first start; answers the sha256 of the fixture the bank was
    /// seeded from (a file seeded before hashes were kept was seeded from the built-in one).
    pub(crate) fn seed(&self, f: &Fixture) -> rusqlite::Result<String> {
        let mut db = self.db();
        let seeded: Option<String> =
            db.query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| r.get(0)).optional()?;
        let default = Fixture::default_fixture();
        if seeded.is_some() {
            let hash: Option<String> =
                db.query_row("SELECT value FROM meta WHERE key = 'fixture_sha256'", [], |r| r.get(0)).optional()?;
            let hash = hash.unwrap_or_else(|| PREVIOUS_DEFAULT_FIXTURES[0].to_owned());
            // A bank seeded from an earlier default fixture gains the cards added since (its own
            // rows — balances, statuses — stay as they are); any other fixture must match.
            if f.sha256 != default.sha256 || !PREVIOUS_DEFAULT_FIXTURES.contains(&hash.as_str()) {
                return Ok(hash);
            }
        }
        let tx = db.transaction()?;
        tx.execute("INSERT OR REPLACE INTO meta VALUES ('fixture_sha256', ?1)", [&f.sha256])?;
        tx.execute("INSERT OR IGNORE INTO meta VALUES ('client_version_floor', ?1)", [&f.client_version_floor])?;
        for p in &f.people {
            tx.execute(
                "INSERT OR IGNORE INTO people VALUES (?1, ?2, ?3, ?4)",
                params![p.id, p.real_name, p.id_number, p.phone],
            )?;
        }
        for c in &f.cards {
            let holder_phone = &f.people.iter().find(|p| p.id == c.holder).expect("checked by Fixture::parse").phone;
            let phone = c.reserved_phone.as_ref().unwrap_or(holder_phone);
            let minute = |t: &str| crate::fixture::parse_hhmm(t).expect("checked by Fixture::parse");
            let window = c.maintenance.as_ref().map(|m| (minute(&m.from), minute(&m.to)));
            let (r_on, r_exp, r_cvv) = match &c.renewal {
                Some(r) => (Some(&r.on), Some(&r.expiry), Some(&r.cvv)),
                None => (None, None, None),
            };
            tx.execute(
                "INSERT OR IGNORE INTO cards (id, number, bank, kind, holder, reserved_phone, activated, epay_enabled,
                                    lost, frozen, balance_fen, credit_line_fen, single_limit_fen,
                                    daily_limit_fen, expiry, cvv, totp_secret, renewal_on, renewal_expiry,
                                    renewal_cvv, busy_first, never_answers, stolen, system_error,
                                    max_debits_per_day, returns_credits, held_id_number, payroll,
                                    other_agreements, replaced_by, account_class, non_counter_enabled,
                                    maintenance_from, maintenance_to, reported, payee_check_unavailable)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                         ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)",
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
                    c.never_answers,
                    c.stolen,
                    c.system_error,
                    c.max_debits_per_day,
                    c.returns_credits,
                    c.held_id_number,
                    c.payroll,
                    c.other_agreements,
                    c.replaced_by,
                    c.account_class.as_deref().unwrap_or("I"),
                    c.non_counter_enabled,
                    window.map(|w| w.0),
                    window.map(|w| w.1),
                    c.reported,
                    c.payee_check_unavailable
                ],
            )?;
        }
        tx.execute("INSERT OR IGNORE INTO meta VALUES ('seeded', '1')", [])?;
        tx.commit()?;
        Ok(f.sha256.clone())
    }

    // --- Tester controls ------------------------------------------------------------------

    pub(crate) fn card_by_number(&self, pan: &str) -> Option<CardRow> {
        self.card_where("c.number = ?1", pan)
    }

    pub(crate) fn card_by_id(&self, id: &str) -> Option<CardRow> {
        self.card_where("c.id = ?1", id)
    }

    pub(crate) fn card_where(&self, cond: &str, value: &str) -> Option<CardRow> {
        let sql = format!(
            "SELECT c.id, c.bank, p.real_name, p.id_number, c.reserved_phone, c.kind, c.activated,
                    c.epay_enabled, c.lost, c.frozen, c.expiry, c.cvv, c.totp_secret, c.renewal_on,
                    c.renewal_expiry, c.renewal_cvv, c.busy_first, c.never_answers, c.stolen,
                    c.system_error, c.max_debits_per_day, c.returns_credits,
                    coalesce(c.held_id_number, p.id_number), c.payroll, c.other_agreements,
                    (SELECT substr(n.number, -4) FROM cards n WHERE n.id = c.replaced_by),
                    c.account_class = 'II', c.non_counter_enabled, c.maintenance_from, c.maintenance_to,
                    c.reported, c.payee_check_unavailable
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
                    holder_id: r.get(22)?,
                    reserved_phone: r.get(4)?,
                    credit: r.get::<_, String>(5)? == "credit",
                    prepaid: r.get::<_, String>(5)? == "prepaid",
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
                    stolen: r.get(18)?,
                    system_error: r.get(19)?,
                    max_debits_per_day: r.get(20)?,
                    returns_credits: r.get(21)?,
                    payroll: r.get(23)?,
                    other_agreements: r.get(24)?,
                    replaced_by_last4: r.get(25)?,
                    class_ii: r.get(26)?,
                    non_counter_enabled: r.get(27)?,
                    maintenance: match (r.get::<_, Option<i64>>(28)?, r.get::<_, Option<i64>>(29)?) {
                        (Some(from), Some(to)) => Some((from, to)),
                        _ => None,
                    },
                    reported: r.get(30)?,
                    payee_check_unavailable: r.get(31)?,
                })
            })
            .optional()
            .ok()
            .flatten()
    }

    /// Runs `f` in one transaction of the bank's database, committed whatever `f` answers (a
    /// wrong code's count must stay counted).
    pub(crate) fn in_tx<T>(&self, f: impl FnOnce(&Connection) -> BankResult<T>) -> BankResult<T> {
        let mut db = self.db();
        let tx = db.transaction().map_err(storage_failure)?;
        let r = f(&tx);
        tx.commit().map_err(storage_failure)?;
        r
    }
}
