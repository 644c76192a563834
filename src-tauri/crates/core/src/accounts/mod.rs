//! Accounts: registration, login with lockout, the profile a signed-in person sees.
//! The session rules (auto-lock, who is signed in) are in [`crate::session`]; the flow that
//! ties them together is [`crate::Wallet`].

pub mod password;
pub mod validate;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::{Millis, MINUTE};
use crate::error::{AppError, ErrorCode, Field};
use crate::secrets::SecretString;

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
    pub failed_logins: i64,
    pub locked_until: Option<Millis>,
}

pub(crate) fn credentials_by_phone(conn: &Connection, phone: &str) -> Result<Option<Credentials>, AppError> {
    credentials_where(conn, "phone = ?1", phone)
}

pub(crate) fn credentials_by_id(conn: &Connection, id: AccountId) -> Result<Option<Credentials>, AppError> {
    credentials_where(conn, "id = ?1", id)
}

fn credentials_where(
    conn: &Connection,
    condition: &str,
    value: impl rusqlite::ToSql,
) -> Result<Option<Credentials>, AppError> {
    let sql = format!("SELECT id, password_hash, failed_logins, locked_until FROM accounts WHERE {condition}");
    Ok(conn
        .query_row(&sql, [value], |r| {
            Ok(Credentials {
                id: r.get(0)?,
                password_hash: r.get(1)?,
                failed_logins: r.get(2)?,
                locked_until: r.get(3)?,
            })
        })
        .optional()?)
}

/// The lock in force at `now`, if any.
pub(crate) fn active_lock(c: &Credentials, now: Millis) -> Option<Millis> {
    c.locked_until.filter(|&until| until > now)
}

pub(crate) fn locked_error(until: Millis) -> AppError {
    AppError::new(ErrorCode::LoginLocked, "too many wrong passwords: the account is locked for a while").until(until)
}

/// Records a wrong password. Returns the lock end when this failure locks the account.
pub(crate) fn record_failure(conn: &Connection, c: &Credentials, now: Millis) -> Result<Option<Millis>, AppError> {
    // A lock that has run out no longer counts: start counting again.
    let previous = if c.locked_until.is_some() { 0 } else { c.failed_logins };
    let failed = previous + 1;
    if failed >= MAX_FAILED_LOGINS {
        let until = now + LOGIN_LOCK_MS;
        conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = ?2 WHERE id = ?1", params![c.id, until])?;
        log_event(conn, c.id, now, "locked")?;
        Ok(Some(until))
    } else {
        conn.execute(
            "UPDATE accounts SET failed_logins = ?2, locked_until = NULL WHERE id = ?1",
            params![c.id, failed],
        )?;
        log_event(conn, c.id, now, "failed")?;
        Ok(None)
    }
}

/// Wrong payment passwords in a row that lock payments (PRODUCT.md §6).
pub const MAX_FAILED_PAY_PASSWORDS: i64 = 5;
/// How long payments stay locked after them.
pub const PAY_LOCK_MS: Millis = 3 * 60 * MINUTE;

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
    let (hash, failed, until): (String, i64, Option<Millis>) = lock(db).query_row(
        "SELECT pay_password_hash, failed_pay_passwords, pay_locked_until FROM accounts WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let Some(until) = until.filter(|&u| u > now) {
        return Err(pay_locked_error(until));
    }
    if password::verify(pw, &hash) {
        lock(db)
            .execute("UPDATE accounts SET failed_pay_passwords = 0, pay_locked_until = NULL WHERE id = ?1", [id])?;
        return Ok(());
    }
    // A lock that has run out no longer counts: start counting again.
    let failed = if until.is_some() { 1 } else { failed + 1 };
    if failed >= MAX_FAILED_PAY_PASSWORDS {
        let until = now + PAY_LOCK_MS;
        lock(db).execute(
            "UPDATE accounts SET failed_pay_passwords = 0, pay_locked_until = ?2 WHERE id = ?1",
            params![id, until],
        )?;
        tracing::warn!(account = id, "payment password locked after repeated wrong entries");
        return Err(pay_locked_error(until));
    }
    lock(db).execute(
        "UPDATE accounts SET failed_pay_passwords = ?2, pay_locked_until = NULL WHERE id = ?1",
        params![id, failed],
    )?;
    Err(AppError::new(
        ErrorCode::PayPasswordWrong,
        format!("the payment password is wrong ({} tries left)", MAX_FAILED_PAY_PASSWORDS - failed),
    )
    .on(Field::PayPassword))
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

fn log_event(conn: &Connection, id: AccountId, at: Millis, outcome: &str) -> Result<(), AppError> {
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
