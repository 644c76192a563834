//! Accounts: registration, login with lockout, the profile a signed-in person sees, the
//! session rules ([`session`]: auto-lock, who is signed in), the installation's [`settings`],
//! the form rules ([`validate`]), password hashing ([`password`]), the sign-in operations
//! ([`signin`]) and the security center ([`security`]: password changes, recovery, history).
//!
//! May import: `platform`, the bank port, [`crate::services`] — no other domain (the card step
//! of payment-password recovery is `cards::pay_recovery`; closing an account, which needs cards
//! and money too, is the wallet's). Never the `Wallet` facade.
//!
//! Owns the tables `accounts`, `login_events`, `security_events`, `recoveries`, `settings`.

pub mod ops;
pub mod password;
pub mod security;
pub mod session;
pub mod settings;
pub mod signin;
pub mod validate;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::platform::clock::{Millis, MINUTE};
use crate::platform::error::{AppError, ErrorCode, Field};
use crate::platform::secrets::SecretString;

/// Wrong passwords in a row that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOGIN_LOCK_MS: Millis = 15 * MINUTE;

pub type AccountId = i64;

/// The first registration step: who the person is and their login password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterDetails {
    pub phone: String,
    pub display_name: String,
    pub real_name: String,
    pub id_number: String,
    #[ts(type = "string")]
    pub password: SecretString,
    #[ts(type = "string")]
    pub password_confirm: SecretString,
    /// The user agreement and privacy policy were accepted (an unticked box on the form).
    /// Absent counts as not accepted.
    #[serde(default)]
    pub agree: bool,
}

/// The whole registration: the details and the payment password. Saved in one statement, so an
/// account never exists without its payment password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisterInput {
    pub details: RegisterDetails,
    #[ts(type = "string")]
    pub pay_password: SecretString,
    #[ts(type = "string")]
    pub pay_password_confirm: SecretString,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LoginInput {
    pub phone: String,
    #[ts(type = "string")]
    pub password: SecretString,
}

/// Unlocking a locked session.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnlockInput {
    #[ts(type = "string")]
    pub password: SecretString,
}

/// What the signed-in person sees of their own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub display_name: String,
    /// `*三`: the real name with all but its last character hidden.
    pub real_name_masked: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// The whole number, for the person's own forms (the reserved phone is prefilled with it).
    pub phone: String,
    #[ts(type = "number")]
    pub registered_at: Millis,
    /// The successful sign-in before the current one, if any.
    #[ts(type = "number | null")]
    pub previous_login_at: Option<Millis>,
}

/// Registration data after validation, ready to store.
pub(crate) struct ValidDetails {
    pub phone: String,
    pub display_name: String,
    pub real_name: String,
    pub id_number: String,
}

/// Applies every rule of the first registration step (not the phone's uniqueness).
pub(crate) fn validate_details(d: &RegisterDetails, now: Millis) -> Result<ValidDetails, AppError> {
    let phone = validate::phone(&d.phone)?;
    let display_name = validate::display_name(&d.display_name)?;
    let real_name = validate::real_name(&d.real_name)?;
    let id_number = validate::id_number(&d.id_number, now)?;
    validate::password(d.password.expose())?;
    validate::confirmed(d.password.expose(), d.password_confirm.expose(), Field::PasswordConfirm)?;
    if !d.agree {
        return Err(AppError::new(
            ErrorCode::ConsentRequired,
            "accept the user agreement and the privacy policy to register",
        ));
    }
    Ok(ValidDetails { phone, display_name, real_name, id_number })
}

pub(crate) fn phone_taken(conn: &Connection, phone: &str) -> Result<bool, AppError> {
    Ok(conn.query_row("SELECT 1 FROM accounts WHERE phone = ?1", [phone], |_| Ok(())).optional()?.is_some())
}

pub(crate) fn phone_taken_error() -> AppError {
    AppError::new(ErrorCode::PhoneTaken, "an account with this phone number exists").on(Field::Phone)
}

pub(crate) fn insert(
    conn: &Connection,
    d: &ValidDetails,
    password_hash: &str,
    pay_password_hash: &str,
    now: Millis,
) -> Result<AccountId, AppError> {
    let r = conn.execute(
        "INSERT INTO accounts (phone, display_name, real_name, id_number, password_hash,
                               pay_password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![d.phone, d.display_name, d.real_name, d.id_number, password_hash, pay_password_hash, now],
    );
    match r {
        Ok(_) => Ok(conn.last_insert_rowid()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => Err(phone_taken_error()),
        Err(e) => Err(e.into()),
    }
}

/// What login needs to know about an account.
pub(crate) struct Credentials {
    pub id: AccountId,
    pub password_hash: String,
}

pub(crate) fn credentials_by_phone(conn: &Connection, phone: &str) -> Result<Option<Credentials>, AppError> {
    credentials_where(conn, "phone = ?1", phone)
}

/// The account a phone number belongs to, and its real name (a payee is named by it, masked).
pub(crate) fn by_phone(conn: &Connection, phone: &str) -> Result<Option<(AccountId, String)>, AppError> {
    Ok(conn
        .query_row("SELECT id, real_name FROM accounts WHERE phone = ?1", [phone], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub(crate) fn credentials_by_id(conn: &Connection, id: AccountId) -> Result<Option<Credentials>, AppError> {
    credentials_where(conn, "id = ?1", id)
}

fn credentials_where(
    conn: &Connection,
    condition: &str,
    value: impl rusqlite::ToSql,
) -> Result<Option<Credentials>, AppError> {
    let sql = format!("SELECT id, password_hash FROM accounts WHERE {condition}");
    Ok(conn.query_row(&sql, [value], |r| Ok(Credentials { id: r.get(0)?, password_hash: r.get(1)? })).optional()?)
}

pub(crate) fn locked_error(until: Millis) -> AppError {
    AppError::new(ErrorCode::LoginLocked, "too many wrong passwords: the account is locked for a while").until(until)
}

/// Wrong payment passwords in a row that lock payments (docs/features.md, money).
pub const MAX_FAILED_PAY_PASSWORDS: i64 = 5;
/// How long payments stay locked after them.
pub const PAY_LOCK_MS: Millis = 3 * 60 * MINUTE;

/// A failure counter with its lock, kept in two columns of `accounts`. Every change is one SQL
/// statement, so however many wrong answers arrive at once (threads or processes), at most
/// `max - 1` of them are told "wrong" before the lock: the count is never read, then written.
pub(crate) struct Lockout {
    /// The table and the column that names the row: `accounts`/`id`, `recovery_locks`/`phone`.
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
    pub(crate) count: &'static str,
    pub(crate) until: &'static str,
    pub(crate) max: i64,
    pub(crate) lock_ms: Millis,
    /// Rows appear with the first failure (`recovery_locks`), rather than existing already
    /// (`accounts`).
    pub(crate) created_on_failure: bool,
}

/// Login and unlock: 5 wrong passwords lock the account for 15 minutes.
pub(crate) const LOGIN_LOCKOUT: Lockout = Lockout {
    table: "accounts",
    key: "id",
    count: "failed_logins",
    until: "locked_until",
    max: MAX_FAILED_LOGINS,
    lock_ms: LOGIN_LOCK_MS,
    created_on_failure: false,
};
/// The payment password: 5 wrong lock payments and unbinding for 3 hours.
pub(crate) const PAY_LOCKOUT: Lockout = Lockout {
    table: "accounts",
    key: "id",
    count: "failed_pay_passwords",
    until: "pay_locked_until",
    max: MAX_FAILED_PAY_PASSWORDS,
    lock_ms: PAY_LOCK_MS,
    created_on_failure: false,
};

/// What a wrong answer led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counted {
    /// Wrong, with this many tries left before the lock.
    Wrong { left: i64 },
    /// Locked until then (by this answer or an earlier one).
    Locked(Millis),
}

impl Lockout {
    /// The lock in force at `now`, if any.
    pub(crate) fn active(
        &self,
        conn: &Connection,
        id: impl rusqlite::ToSql,
        now: Millis,
    ) -> Result<Option<Millis>, AppError> {
        let (t, k, u) = (self.table, self.key, self.until);
        let until: Option<Option<Millis>> =
            conn.query_row(&format!("SELECT {u} FROM {t} WHERE {k} = ?1"), [id], |r| r.get(0)).optional()?;
        Ok(until.flatten().filter(|&u| u > now))
    }

    /// Counts one wrong answer in one statement. A lock that has run out no longer counts:
    /// counting starts again at 1. A locked row is not counted (the answer is the lock).
    pub(crate) fn fail(&self, conn: &Connection, id: impl rusqlite::ToSql, now: Millis) -> Result<Counted, AppError> {
        let (t, k, c, u) = (self.table, self.key, self.count, self.until);
        if self.created_on_failure {
            conn.execute(&format!("INSERT OR IGNORE INTO {t} ({k}) VALUES (?1)"), [&id])?;
        }
        let next = format!("CASE WHEN {u} IS NOT NULL THEN 1 ELSE {c} + 1 END");
        let sql = format!(
            "UPDATE {t} SET {c} = {next}, {u} = CASE WHEN {next} >= ?3 THEN ?2 + ?4 ELSE NULL END
             WHERE {k} = ?1 AND ({u} IS NULL OR {u} <= ?2) RETURNING {c}, {u}"
        );
        let row: Option<(i64, Option<Millis>)> = conn
            .query_row(&sql, params![id, now, self.max, self.lock_ms], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match row {
            Some((_, Some(until))) => Counted::Locked(until),
            Some((count, None)) => Counted::Wrong { left: self.max - count },
            None => Counted::Locked(self.active(conn, id, now)?.unwrap_or(now)),
        })
    }

    /// A right answer resets the count, unless a lock came first (then `Err(until)`).
    pub(crate) fn succeed(
        &self,
        conn: &Connection,
        id: impl rusqlite::ToSql,
        now: Millis,
    ) -> Result<Result<(), Millis>, AppError> {
        let (t, k, c, u) = (self.table, self.key, self.count, self.until);
        let n = conn.execute(
            &format!("UPDATE {t} SET {c} = 0, {u} = NULL WHERE {k} = ?1 AND ({u} IS NULL OR {u} <= ?2)"),
            params![id, now],
        )?;
        if n == 1 {
            return Ok(Ok(()));
        }
        // Not updated: locked — or a recovery row that does not exist yet (nothing to reset).
        Ok(self.active(conn, id, now)?.map_or(Ok(()), Err))
    }
}

/// Checks the payment password (unbinding a card, every payment), applying its own lockout:
/// 5 wrong in a row lock it for 3 hours (PAY_PASSWORD_LOCKED with `until`); a right one resets
/// the count. The hash is checked without holding the database.
pub(crate) fn check_pay_password(
    db: &std::sync::Mutex<Connection>,
    id: AccountId,
    pw: &str,
    now: Millis,
) -> Result<(), AppError> {
    fn lock(db: &std::sync::Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
        db.lock().unwrap_or_else(|p| p.into_inner())
    }
    if let Some(until) = PAY_LOCKOUT.active(&lock(db), id, now)? {
        return Err(pay_locked_error(until));
    }
    let hash: String =
        lock(db).query_row("SELECT pay_password_hash FROM accounts WHERE id = ?1", [id], |r| r.get(0))?;
    if password::verify(pw, &hash) {
        return PAY_LOCKOUT.succeed(&lock(db), id, now)?.map_err(pay_locked_error);
    }
    match PAY_LOCKOUT.fail(&lock(db), id, now)? {
        Counted::Locked(until) => {
            tracing::warn!(account = id, "payment password locked after repeated wrong entries");
            Err(pay_locked_error(until))
        }
        Counted::Wrong { left } => Err(AppError::new(
            ErrorCode::PayPasswordWrong,
            format!("the payment password is wrong ({left} tries left)"),
        )
        .tries_left(left)
        .on(Field::PayPassword)),
    }
}

fn pay_locked_error(until: Millis) -> AppError {
    AppError::new(ErrorCode::PayPasswordLocked, "too many wrong payment passwords: payments are locked for a while")
        .until(until)
        .on(Field::PayPassword)
}

pub(crate) fn record_success(conn: &Connection, id: AccountId, now: Millis) -> Result<(), AppError> {
    conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?1", [id])?;
    log_event(conn, id, now, "success")
}

pub(crate) fn log_event(conn: &Connection, id: AccountId, at: Millis, outcome: &str) -> Result<(), AppError> {
    conn.execute("INSERT INTO login_events (account_id, at, outcome) VALUES (?1, ?2, ?3)", params![id, at, outcome])?;
    Ok(())
}

pub(crate) fn display_name(conn: &Connection, id: AccountId) -> Result<String, AppError> {
    Ok(conn.query_row("SELECT display_name FROM accounts WHERE id = ?1", [id], |r| r.get(0))?)
}

/// The identity the bank checks against a card's holder: real name and ID number.
pub(crate) fn holder(conn: &Connection, id: AccountId) -> Result<(String, String), AppError> {
    Ok(conn
        .query_row("SELECT real_name, id_number FROM accounts WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

pub(crate) fn profile(conn: &Connection, id: AccountId) -> Result<Profile, AppError> {
    let (display_name, real_name, phone, registered_at): (String, String, String, Millis) =
        conn.query_row("SELECT display_name, real_name, phone, created_at FROM accounts WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let previous_login_at = conn
        .query_row(
            "SELECT at FROM login_events WHERE account_id = ?1 AND outcome = 'success'
             ORDER BY at DESC, id DESC LIMIT 1 OFFSET 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Profile {
        display_name,
        real_name_masked: mask_name(&real_name),
        phone_masked: mask_phone(&phone),
        phone: phone.clone(),
        registered_at,
        previous_login_at,
    })
}

/// `张三` → `*三`, `阿依古丽` → `***丽`.
pub fn mask_name(name: &str) -> String {
    let n = name.chars().count();
    name.chars().enumerate().map(|(i, c)| if i + 1 == n { c } else { '*' }).collect()
}

/// `13800138000` → `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "*".repeat(phone.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_phones_are_masked() {
        assert_eq!(mask_name("张三"), "*三");
        assert_eq!(mask_name("王"), "王");
        assert_eq!(mask_name("阿依古丽·买买提"), "*******提");
        assert_eq!(mask_phone("13800138000"), "138****8000");
    }
}
