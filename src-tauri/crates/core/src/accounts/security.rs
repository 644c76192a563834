//! The account and security center (账户与安全): change either password, recover a forgotten
//! one, the login history, closing the account.
//!
//! Recovery is a state machine kept in the database (`recoveries`): each command checks the
//! step it belongs to, so no step can be skipped by calling a later command. Login recovery:
//! phone → SMS code → real name and ID number → new password. An unknown phone gets a
//! recovery that looks the same (no SMS is sent, every code is wrong), so neither wording nor
//! timing (each start and resend is held to [`ANSWER_FLOOR`]) tells whether an account exists
//! before the identity step. Payment-password recovery
//! (signed in): SMS code to the account phone → a bound card verified at the bank with the
//! bank's SMS code to its reserved phone — or, with no card bound, the ID number → new
//! payment password. SMS codes follow the binding rules: 6 digits, 5 minutes, 3 tries, a new
//! one after 60 s. 5 wrong identity checks lock recovery for that phone for 15 minutes.

use hmac::{Hmac, Mac};
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use super::{password, validate, AccountId, Counted};
use crate::accounts;
use crate::accounts::ops::Accounts;
use crate::platform::clock::{Millis, MINUTE, SECOND};
use crate::platform::error::{AppError, ErrorCode, Field};
use crate::platform::secrets::SecretString;
use crate::services::{new_attempt_id, Services};

/// An SMS code lives 5 minutes, allows 3 tries, and a new one after 60 s.
pub const CODE_TTL: Millis = 5 * MINUTE;
pub const CODE_TRIES: i64 = 3;
pub const RESEND_AFTER: Millis = 60 * SECOND;
/// A recovery must end within 30 minutes of its start.
pub const RECOVERY_TTL: Millis = 30 * MINUTE;
/// Wrong identity checks for one phone before recovery locks for it.
pub const MAX_IDENTITY_FAILURES: i64 = 5;
pub const RECOVERY_LOCK_MS: Millis = 15 * MINUTE;
/// Recoveries started for one phone within an hour (each sends an SMS with fresh tries): one
/// more is RECOVERY_LOCKED until the oldest of them is an hour old. Known and unknown phones
/// count alike, so the limit does not tell which phones have an account.
pub const MAX_RECOVERY_STARTS: i64 = 5;
pub const RECOVERY_STARTS_WINDOW: Millis = 60 * MINUTE;

/// The recovery lockout: per phone, in `recovery_locks`.
const RECOVERY_LOCKOUT: super::Lockout = super::Lockout {
    table: "recovery_locks",
    key: "phone",
    count: "failed",
    until: "locked_until",
    max: MAX_IDENTITY_FAILURES,
    lock_ms: RECOVERY_LOCK_MS,
    created_on_failure: true,
};

/// Changing a password: the current one, the new one twice.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangePassword {
    #[ts(type = "string")]
    pub current: SecretString,
    #[ts(type = "string")]
    pub new: SecretString,
    #[ts(type = "string")]
    pub confirm: SecretString,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoverStart {
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryRef {
    pub recovery_id: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCode {
    pub recovery_id: String,
    #[ts(type = "string")]
    pub code: SecretString,
}

/// The identity step: the account's real name and ID number (the name is not asked when
/// recovering the payment password while signed in).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryIdentity {
    pub recovery_id: String,
    #[serde(default)]
    pub real_name: Option<String>,
    pub id_number: String,
}

/// The card step of payment-password recovery: the number of one of the person's bound cards.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCard {
    pub recovery_id: String,
    #[ts(type = "string")]
    pub card_number: SecretString,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryFinish {
    pub recovery_id: String,
    #[ts(type = "string")]
    pub new: SecretString,
    #[ts(type = "string")]
    pub confirm: SecretString,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RecoveryStage {
    /// An SMS code was sent to the phone.
    Otp,
    /// Real name and ID number (login), or the ID number (payment, no card bound).
    Identity,
    /// The number of a bound card (payment).
    Card,
    /// The bank's SMS code to that card's reserved phone.
    CardOtp,
    NewPassword,
    Done,
}

crate::platform::storage::stored_as_text!(RecoveryStage);

/// Where a recovery stands, for the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryStep {
    pub recovery_id: String,
    pub stage: RecoveryStage,
    /// Where the latest SMS code went, masked (`138****8000`).
    pub phone_masked: String,
    #[ts(type = "number | null")]
    pub code_expires_at: Option<Millis>,
    #[ts(type = "number | null")]
    pub resend_at: Option<Millis>,
    #[ts(type = "number")]
    pub issued_at: Millis,
}

/// One sign-in or failed attempt (on this computer: a desktop app has no IP to show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub at: Millis,
    pub ok: bool,
    /// `success`, `failed` or `locked`.
    pub outcome: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SecurityEvent {
    PasswordChanged,
    PayPasswordChanged,
    PasswordRecovered,
    PayPasswordRecovered,
    AccountClosed,
}

crate::platform::storage::stored_as_text!(SecurityEvent);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub event: SecurityEvent,
    #[ts(type = "number")]
    pub at: Millis,
}

/// What the security center shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecurityOverview {
    pub logins: Vec<LoginRecord>,
    pub events: Vec<SecurityRecord>,
    /// The account phone, masked: where recovery codes go.
    pub phone_masked: String,
    pub has_cards: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CloseAccount {
    #[ts(type = "string")]
    pub password: SecretString,
}

/// Which of the two passwords.
#[derive(Clone, Copy)]
enum Which {
    Login,
    Pay,
}

impl Which {
    /// Its hash column, the reset of its lockout, its field, and the notice SMS.
    fn columns(self) -> (&'static str, &'static str, Field, &'static str) {
        match self {
            Which::Login => (
                "password_hash",
                "failed_logins = 0, locked_until = NULL",
                Field::Password,
                "【通宝钱包】您的登录密码已修改。如非本人操作，请立即联系客服。",
            ),
            Which::Pay => (
                "pay_password_hash",
                "failed_pay_passwords = 0, pay_locked_until = NULL",
                Field::PayPassword,
                "【通宝钱包】您的支付密码已修改。如非本人操作，请立即联系客服。",
            ),
        }
    }
}

/// A recovery row.
pub(crate) struct Recovery {
    pub(crate) id: String,
    purpose: String,
    pub(crate) phone: String,
    account: Option<AccountId>,
    stage: String,
    code_mac: Option<String>,
    code_expires: Option<Millis>,
    code_sent_at: Option<Millis>,
    pub(crate) bank_session: Option<String>,
    /// The card verified at the bank (payment-password recovery's card step).
    pub(crate) card_id: Option<i64>,
    created_at: Millis,
}

fn load(db: &Connection, id: &str, purpose: &str) -> Result<Recovery, AppError> {
    db.query_row(
        "SELECT id, purpose, phone, account_id, stage, code_mac, code_expires, code_sent_at, bank_session, created_at,
                card_id
         FROM recoveries WHERE id = ?1 AND purpose = ?2",
        params![id, purpose],
        |r| {
            Ok(Recovery {
                id: r.get(0)?,
                purpose: r.get(1)?,
                phone: r.get(2)?,
                account: r.get(3)?,
                stage: r.get(4)?,
                code_mac: r.get(5)?,
                code_expires: r.get(6)?,
                code_sent_at: r.get(7)?,
                bank_session: r.get(8)?,
                created_at: r.get(9)?,
                card_id: r.get(10)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| AppError::new(ErrorCode::OtpExpired, "no such recovery: start again"))
}

fn wrong_step(expected: RecoveryStage) -> AppError {
    AppError::new(
        ErrorCode::InputInvalid,
        format!("this recovery is not at the {} step: steps can't be skipped", expected.as_str()),
    )
}

pub(crate) fn set_stage(db: &Connection, id: &str, stage: &str, now: Millis) -> Result<(), AppError> {
    db.execute("UPDATE recoveries SET stage = ?2, updated_at = ?3 WHERE id = ?1", params![id, stage, now])?;
    Ok(())
}

/// A payment-password recovery moves to the bank's code for the card its bank checked.
pub(crate) fn enter_card_step(
    db: &Connection,
    id: &str,
    session: &str,
    card: i64,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "UPDATE recoveries SET stage = 'card_otp', bank_session = ?2, card_id = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, session, card, now],
    )?;
    Ok(())
}

pub(crate) fn record(db: &Connection, account: AccountId, event: SecurityEvent, now: Millis) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO security_events (account_id, event, at) VALUES (?1, ?2, ?3)",
        params![account, event.as_str(), now],
    )?;
    Ok(())
}

/// The ID number as typed (spaces, dashes, full-width digits, a lower-case x) against the one
/// kept.
fn same_id_number(a: &str, b: &str) -> bool {
    let compact = crate::platform::text::compact;
    compact(a).eq_ignore_ascii_case(&compact(b))
}

impl Services {
    /// The HMAC of a recovery's SMS code (the code itself is never stored).
    fn code_hmac(&self, recovery: &str, code: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.fingerprint_key).expect("HMAC takes any key length");
        mac.update(recovery.as_bytes());
        mac.update(b"\0");
        mac.update(code.as_bytes());
        mac
    }

    fn code_mac(&self, recovery: &str, code: &str) -> String {
        hex::encode(self.code_hmac(recovery, code).finalize().into_bytes())
    }

    /// Sends a wallet SMS (the mock phone shows it). No gateway (a test without one): logged.
    pub(crate) fn send_sms(&self, phone: &str, text: &str) -> Result<(), AppError> {
        match &self.sms {
            Some(g) => g.send(phone, text),
            None => Ok(()),
        }
    }

    /// A new SMS code for a recovery, sent to `phone` — or, for an unknown phone, not sent but
    /// stored the same way (no code can ever match).
    fn issue_code(&self, db: &Connection, r: &str, phone: &str, known: bool, now: Millis) -> Result<(), AppError> {
        let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
        let mac = if known { self.code_mac(r, &code) } else { self.code_mac(r, &new_attempt_id()) };
        db.execute(
            "UPDATE recoveries SET code_mac = ?2, code_expires = ?3, code_sent_at = ?4, code_tries = ?5, updated_at = ?4
             WHERE id = ?1",
            params![r, mac, now + CODE_TTL, now, CODE_TRIES],
        )?;
        if known {
            let text = format!("【通宝钱包】验证码 {code}，5分钟内有效。您正在找回密码，请勿泄露给他人。");
            self.send_sms(phone, &text)?;
        }
        Ok(())
    }

    pub(crate) fn step(&self, r: &Recovery, stage: RecoveryStage, phone: &str) -> Result<RecoveryStep, AppError> {
        let row: (Option<Millis>, Option<Millis>) =
            self.db().query_row("SELECT code_expires, code_sent_at FROM recoveries WHERE id = ?1", [&r.id], |x| {
                Ok((x.get(0)?, x.get(1)?))
            })?;
        let code_step = matches!(stage, RecoveryStage::Otp);
        Ok(RecoveryStep {
            recovery_id: r.id.clone(),
            stage,
            phone_masked: accounts::mask_phone(phone),
            code_expires_at: if code_step { row.0 } else { None },
            resend_at: if code_step { row.1.map(|t| t + RESEND_AFTER) } else { None },
            issued_at: self.clock.now(),
        })
    }

    fn new_recovery(&self, purpose: &str, phone: &str, account: Option<AccountId>) -> Result<Recovery, AppError> {
        let now = self.clock.now();
        let id = new_attempt_id();
        {
            let mut db = self.db();
            // Counted and recorded in one IMMEDIATE transaction: parallel starts cannot all
            // pass the limit.
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let (started, oldest): (i64, Option<Millis>) = tx.query_row(
                "SELECT count(*), min(created_at) FROM recoveries WHERE phone = ?1 AND created_at > ?2",
                params![phone, now - RECOVERY_STARTS_WINDOW],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if started >= MAX_RECOVERY_STARTS {
                let until = oldest.unwrap_or(now) + RECOVERY_STARTS_WINDOW;
                return Err(AppError::new(
                    ErrorCode::RecoveryLocked,
                    "too many recoveries started for this phone: try again later",
                )
                .until(until)
                .detail("too_many_starts"));
            }
            tx.execute(
                "INSERT INTO recoveries (id, purpose, phone, account_id, stage, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'otp', ?5, ?5)",
                params![id, purpose, phone, account, now],
            )?;
            self.issue_code(&tx, &id, phone, account.is_some(), now)?;
            tx.commit()?;
        }
        load(&self.db(), &id, purpose)
    }

    /// Checks an SMS code of a recovery: right, or wrong with its tries counted in one
    /// statement (3 wrong end the recovery: OTP_LOCKED).
    pub(crate) fn check_code(&self, r: &Recovery, code: &SecretString) -> Result<(), AppError> {
        let now = self.clock.now();
        let code = crate::platform::text::parse_code(code.expose(), ErrorCode::OtpInvalid)?;
        if r.code_expires.is_none_or(|t| now >= t) {
            return Err(AppError::new(ErrorCode::OtpExpired, "the SMS code has expired: ask for a new one"));
        }
        let expected = r.code_mac.as_deref().and_then(|h| hex::decode(h).ok()).unwrap_or_default();
        // `verify_slice` compares in constant time.
        if self.code_hmac(&r.id, code.expose()).verify_slice(&expected).is_ok() {
            return Ok(());
        }
        let left: Option<i64> = self
            .db()
            .query_row(
                "UPDATE recoveries SET code_tries = code_tries - 1,
                        stage = CASE WHEN code_tries - 1 <= 0 THEN 'void' ELSE stage END, updated_at = ?2
                 WHERE id = ?1 AND stage <> 'void' AND code_tries > 0 RETURNING code_tries",
                params![r.id, now],
                |x| x.get(0),
            )
            .optional()?;
        match left {
            Some(left) if left > 0 => {
                Err(AppError::new(ErrorCode::OtpInvalid, "the SMS code is wrong").tries_left(left))
            }
            _ => Err(AppError::new(ErrorCode::OtpLocked, "3 wrong SMS codes: start again")),
        }
    }

    fn live(&self, id: &str, purpose: &str, expected: RecoveryStage) -> Result<Recovery, AppError> {
        let r = load(&self.db(), id, purpose)?;
        if r.stage == "void" {
            return Err(AppError::new(ErrorCode::OtpLocked, "this recovery has ended: start again"));
        }
        if self.clock.now() >= r.created_at + RECOVERY_TTL {
            return Err(AppError::new(ErrorCode::OtpExpired, "this recovery took too long: start again"));
        }
        if r.stage != expected.as_str() {
            return Err(wrong_step(expected));
        }
        Ok(r)
    }

    fn resend(&self, id: &str, purpose: &str) -> Result<RecoveryStep, AppError> {
        let r = self.live(id, purpose, RecoveryStage::Otp)?;
        let now = self.clock.now();
        if let Some(sent) = r.code_sent_at.filter(|s| now < s + RESEND_AFTER) {
            return Err(AppError::new(ErrorCode::OtpResendTooSoon, "a new code can be sent after 60 seconds")
                .until(sent + RESEND_AFTER));
        }
        self.issue_code(&self.db(), &r.id, &r.phone, r.account.is_some(), now)?;
        self.step(&r, RecoveryStage::Otp, &r.phone)
    }

    /// Saves a new login or payment password in one transaction with its security event (and
    /// the end of the recovery that led to it): refuses the current one (PASSWORD_SAME_AS_OLD),
    /// ends that password's lock, and sends the account phone a notice.
    fn save_password(
        &self,
        account: AccountId,
        which: Which,
        new: &SecretString,
        event: SecurityEvent,
        recovery: Option<&str>,
    ) -> Result<(), AppError> {
        let (hash_col, reset, field, notice) = which.columns();
        let old: String =
            self.db().query_row(&format!("SELECT {hash_col} FROM accounts WHERE id = ?1"), [account], |r| r.get(0))?;
        if password::verify(new.expose(), &old) {
            return Err(same_as_old().on(field));
        }
        let hash = password::hash(new.expose())?;
        let now = self.clock.now();
        let phone = {
            let mut db = self.db();
            let tx = db.transaction()?;
            tx.execute(&format!("UPDATE accounts SET {hash_col} = ?2, {reset} WHERE id = ?1"), params![account, hash])?;
            if let Some(r) = recovery {
                set_stage(&tx, r, "done", now)?;
            }
            record(&tx, account, event, now)?;
            let phone: String = tx.query_row("SELECT phone FROM accounts WHERE id = ?1", [account], |r| r.get(0))?;
            tx.commit()?;
            phone
        };
        tracing::info!(account, event = event.as_str(), "password saved");
        self.send_sms(&phone, notice)
    }

    /// The identity step of either recovery, under the per-phone lockout: `matches` judges the
    /// account's (real name, ID number); an unknown phone never matches.
    fn check_identity(&self, r: &Recovery, matches: impl Fn((&str, &str)) -> bool) -> Result<RecoveryStep, AppError> {
        let now = self.clock.now();
        if let Some(until) = RECOVERY_LOCKOUT.active(&self.db(), &r.phone, now)? {
            return Err(recovery_locked(until));
        }
        let holder = match r.account {
            Some(a) => Some(accounts::holder(&self.db(), a)?),
            None => None,
        };
        if !holder.as_ref().is_some_and(|(n, id)| matches((n, id))) {
            return Err(match RECOVERY_LOCKOUT.fail(&self.db(), &r.phone, now)? {
                Counted::Locked(until) => recovery_locked(until),
                Counted::Wrong { left } => {
                    AppError::new(ErrorCode::IdentityMismatch, "the name or the ID number does not match the account")
                        .tries_left(left)
                }
            });
        }
        RECOVERY_LOCKOUT.succeed(&self.db(), &r.phone, now)?.map_err(recovery_locked)?;
        set_stage(&self.db(), &r.id, "new_password", now)?;
        self.step(r, RecoveryStage::NewPassword, &r.phone)
    }

    pub(crate) fn own_pay_recovery(&self, id: &str, stage: RecoveryStage) -> Result<(AccountId, Recovery), AppError> {
        let account = self.require_account()?;
        let r = self.live(id, "pay", stage)?;
        if r.account != Some(account) {
            return Err(AppError::new(ErrorCode::OtpExpired, "no such recovery: start again"));
        }
        Ok((account, r))
    }

    // --- History and closing -------------------------------------------------------------------

    /// The last 20 sign-ins and failed attempts, and the security events; `has_cards` says
    /// whether the person has a bound card (the cards domain answers it).
    pub(crate) fn security_overview_with(
        &self,
        has_cards: impl FnOnce(&Connection, AccountId) -> Result<bool, AppError>,
    ) -> Result<SecurityOverview, AppError> {
        let account = self.require_account()?;
        let db = self.db();
        let mut st = db.prepare(
            "SELECT id, at, outcome FROM login_events WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT 20",
        )?;
        let logins = st
            .query_map([account], |r| {
                let outcome: String = r.get(2)?;
                Ok(LoginRecord { id: r.get(0)?, at: r.get(1)?, ok: outcome == "success", outcome })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = db.prepare(
            "SELECT id, event, at FROM security_events WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT 50",
        )?;
        let rows = st
            .query_map([account], |r| Ok(SecurityRecord { id: r.get(0)?, event: r.get(1)?, at: r.get(2)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        let events = rows;
        let phone: String = db.query_row("SELECT phone FROM accounts WHERE id = ?1", [account], |r| r.get(0))?;
        let has_cards = has_cards(&db, account)?;
        Ok(SecurityOverview { logins, events, phone_masked: accounts::mask_phone(&phone), has_cards })
    }

    /// The first step of closing the signed-in person's account (see the wallet's
    /// `close_account`): their login password. Answers whose account it is.
    pub(crate) fn confirm_closing(&self, input: &CloseAccount) -> Result<AccountId, AppError> {
        let account = self.require_account()?;
        let creds =
            accounts::credentials_by_id(&self.db(), account)?.ok_or_else(crate::accounts::session::not_logged_in)?;
        self.check_password_for(&creds, &input.password).map_err(|e| e.on(Field::Password))?;
        Ok(account)
    }
}

impl Accounts<'_> {
    // --- Changing passwords ------------------------------------------------------------------

    /// Changes the login password: the current one is checked under the login lockout.
    pub fn change_password(&self, input: &ChangePassword) -> Result<(), AppError> {
        let account = self.require_account()?;
        let creds =
            accounts::credentials_by_id(&self.db(), account)?.ok_or_else(crate::accounts::session::not_logged_in)?;
        self.check_password_for(&creds, &input.current).map_err(|e| e.on(Field::CurrentPassword))?;
        validate::password(input.new.expose())?;
        validate::confirmed(input.new.expose(), input.confirm.expose(), Field::PasswordConfirm)?;
        self.save_password(account, Which::Login, &input.new, SecurityEvent::PasswordChanged, None)
    }

    /// Changes the payment password: the current one is checked under the payment lockout.
    pub fn change_pay_password(&self, input: &ChangePassword) -> Result<(), AppError> {
        let account = self.require_account()?;
        accounts::check_pay_password(&self.db, account, input.current.expose(), self.clock.now()).map_err(|e| {
            if e.field == Some(Field::PayPassword) {
                e.on(Field::CurrentPayPassword)
            } else {
                e
            }
        })?;
        validate::pay_password(input.new.expose())?;
        validate::confirmed(input.new.expose(), input.confirm.expose(), Field::PayPasswordConfirm)?;
        self.save_password(account, Which::Pay, &input.new, SecurityEvent::PayPasswordChanged, None)
    }

    // --- Forgot the login password -------------------------------------------------------------

    /// Starts recovering a login password: an SMS code to the phone. An unknown phone answers
    /// the same (and gets no SMS), in the same time: see [`ANSWER_FLOOR`].
    pub fn recover_start(&self, input: &RecoverStart) -> Result<RecoveryStep, AppError> {
        padded(|| {
            let phone = validate::phone(&input.phone)?;
            if let Some(until) = RECOVERY_LOCKOUT.active(&self.db(), &phone, self.clock.now())? {
                return Err(recovery_locked(until));
            }
            let account: Option<AccountId> = self
                .db()
                .query_row("SELECT id FROM accounts WHERE phone = ?1 AND closed_at IS NULL", [&phone], |r| r.get(0))
                .optional()?;
            let r = self.new_recovery("login", &phone, account)?;
            tracing::info!("login password recovery started");
            self.step(&r, RecoveryStage::Otp, &phone)
        })
    }

    pub fn recover_resend(&self, input: &RecoveryRef) -> Result<RecoveryStep, AppError> {
        padded(|| self.resend(&input.recovery_id, "login"))
    }

    pub fn recover_code(&self, input: &RecoveryCode) -> Result<RecoveryStep, AppError> {
        let r = self.live(&input.recovery_id, "login", RecoveryStage::Otp)?;
        self.check_code(&r, &input.code)?;
        set_stage(&self.db(), &r.id, "identity", self.clock.now())?;
        self.step(&r, RecoveryStage::Identity, &r.phone)
    }

    /// The identity step: the account's real name and ID number. A mismatch never says which
    /// part was wrong; 5 lock recovery for the phone for 15 minutes.
    pub fn recover_identity(&self, input: &RecoveryIdentity) -> Result<RecoveryStep, AppError> {
        let r = self.live(&input.recovery_id, "login", RecoveryStage::Identity)?;
        // The name as registration keeps it (the middle dot however typed); one that registration
        // would refuse matches nobody.
        let name = validate::real_name(input.real_name.as_deref().unwrap_or("")).ok();
        self.check_identity(&r, |(n, id)| Some(n) == name.as_deref() && same_id_number(id, &input.id_number))
    }

    /// The last step: the new login password (the registration rules; not the old one). Ends a
    /// login lock.
    pub fn recover_finish(&self, input: &RecoveryFinish) -> Result<(), AppError> {
        let r = self.live(&input.recovery_id, "login", RecoveryStage::NewPassword)?;
        let account = r.account.ok_or_else(|| wrong_step(RecoveryStage::Identity))?;
        validate::password(input.new.expose())?;
        validate::confirmed(input.new.expose(), input.confirm.expose(), Field::PasswordConfirm)?;
        self.save_password(account, Which::Login, &input.new, SecurityEvent::PasswordRecovered, Some(&r.id))
    }

    // --- Forgot the payment password -----------------------------------------------------------

    /// Starts recovering the payment password of the signed-in person: an SMS code to the
    /// account phone.
    pub fn pay_recover_start(&self) -> Result<RecoveryStep, AppError> {
        let account = self.require_account()?;
        let phone: String = self.db().query_row("SELECT phone FROM accounts WHERE id = ?1", [account], |r| r.get(0))?;
        let r = self.new_recovery("pay", &phone, Some(account))?;
        self.step(&r, RecoveryStage::Otp, &phone)
    }

    pub fn pay_recover_resend(&self, input: &RecoveryRef) -> Result<RecoveryStep, AppError> {
        self.own_pay_recovery(&input.recovery_id, RecoveryStage::Otp)?;
        self.resend(&input.recovery_id, "pay")
    }

    /// With no card bound: the account's ID number.
    pub fn pay_recover_identity(&self, input: &RecoveryIdentity) -> Result<RecoveryStep, AppError> {
        let (_, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::Identity)?;
        self.check_identity(&r, |(_, id)| same_id_number(id, &input.id_number))
    }

    /// The new payment password, twice: ends a payment lock.
    pub fn pay_recover_finish(&self, input: &RecoveryFinish) -> Result<(), AppError> {
        let (account, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::NewPassword)?;
        validate::pay_password(input.new.expose())?;
        validate::confirmed(input.new.expose(), input.confirm.expose(), Field::PayPasswordConfirm)?;
        debug_assert_eq!(r.purpose, "pay");
        self.save_password(account, Which::Pay, &input.new, SecurityEvent::PayPasswordRecovered, Some(&r.id))
    }

    /// Phones with a login-password recovery under way in this app (the mock phone shows their
    /// SMS to a person who is not signed in: it stands in for their phone while they recover).
    pub fn recovering_phones(&self) -> Result<Vec<String>, AppError> {
        let since = self.clock.now() - RECOVERY_TTL;
        let db = self.db();
        let mut st = db.prepare(
            "SELECT DISTINCT phone FROM recoveries WHERE purpose = 'login' AND stage = 'otp' AND created_at >= ?1",
        )?;
        let rows = st.query_map([since], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The last step of closing, in the closing transaction: the account's personal data removed
/// (the row stays: payments and the ledger refer to it), its sign-in history and recoveries
/// deleted, the closing recorded. The phone is free to register again.
pub(crate) fn forget_account(db: &Connection, account: AccountId, now: Millis) -> Result<(), AppError> {
    db.execute(
        "UPDATE accounts SET phone = printf('0%010d', id), display_name = '', real_name = '', id_number = '000000000000000000',
                password_hash = '', pay_password_hash = '', failed_logins = 0, locked_until = NULL,
                failed_pay_passwords = 0, pay_locked_until = NULL, closed_at = ?2
         WHERE id = ?1",
        params![account, now],
    )?;
    for sql in ["DELETE FROM login_events WHERE account_id = ?1", "DELETE FROM recoveries WHERE account_id = ?1"] {
        db.execute(sql, [account])?;
    }
    record(db, account, SecurityEvent::AccountClosed, now)
}

fn same_as_old() -> AppError {
    AppError::new(ErrorCode::PasswordSameAsOld, "the new password is the same as the current one")
}

/// The least time a login recovery's start or resend takes. A known phone's answer includes
/// handing its SMS to the sender (the mock phone's write: about 0.3 ms in a debug build here;
/// an unknown phone's skips it), which would time whether the phone has an account: both are
/// held to this floor, far above the hand-off and below what a person notices. A real SMS
/// gateway, slower than the floor, would take the hand-off off the answer's path (an outbox).
pub const ANSWER_FLOOR: std::time::Duration = std::time::Duration::from_millis(25);

/// Runs `f`, then waits out the rest of [`ANSWER_FLOOR`] (real time, not the clock port: the
/// point is what a caller can measure). Holds no lock while waiting.
fn padded<T>(f: impl FnOnce() -> Result<T, AppError>) -> Result<T, AppError> {
    let started = std::time::Instant::now();
    let answer = f();
    if let Some(rest) = ANSWER_FLOOR.checked_sub(started.elapsed()) {
        std::thread::sleep(rest);
    }
    answer
}

fn recovery_locked(until: Millis) -> AppError {
    AppError::new(ErrorCode::RecoveryLocked, "too many wrong identity checks: recovery is locked for a while")
        .until(until)
}
