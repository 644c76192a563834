//! The audit log of card changes (docs/features.md, managing cards): every bind, failed attempt, rename, default
//! change, verified edit, status change and unbind, per card and per account. Entries hold a
//! card's last 4, a catalogue code and a non-secret detail (a nickname, a masked phone, an
//! expiry month, a status) — never a number, CVV, code or password.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::accounts::AccountId;
use crate::cards::BankId;
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, Category, ErrorCode, Remedy, RetryHelps};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AuditEvent {
    Bound,
    BindFailed,
    Renamed,
    /// The person made this card the default.
    DefaultSet,
    /// The default moved to this card because the default one was unbound.
    DefaultMoved,
    PhoneChanged,
    ExpiryUpdated,
    UpdateFailed,
    /// The bank's status inquiry changed the card's status (detail: the new status).
    StatusChanged,
    Unbound,
    UnbindFailed,
}

crate::platform::storage::stored_as_text!(AuditEvent);

/// One line of the audit log as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub last4: String,
    pub event: AuditEvent,
    pub code: Option<ErrorCode>,
    pub detail: Option<String>,
    #[ts(type = "number")]
    pub at: Millis,
}

/// What an entry is about: the card (when bound) or the card being bound (by fingerprint).
pub(crate) struct Subject<'a> {
    pub account: AccountId,
    pub card_id: Option<i64>,
    pub fingerprint: Option<&'a str>,
    pub last4: &'a str,
}

pub(crate) fn record(
    db: &Connection,
    who: &Subject<'_>,
    event: AuditEvent,
    code: Option<ErrorCode>,
    detail: Option<&str>,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO card_audit (account_id, card_id, fingerprint, last4, event, code, detail, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            who.account,
            who.card_id,
            who.fingerprint,
            who.last4,
            event.as_str(),
            code.map(|c| c.as_str()),
            detail,
            now
        ],
    )?;
    Ok(())
}

/// A failed binding attempt, recorded against the card being bound (detail: the bank's own
/// code, when it gave one).
pub(crate) fn record_attempt_failure(
    db: &Connection,
    attempt_id: &str,
    e: &AppError,
    now: Millis,
) -> Result<(), AppError> {
    let found: Option<(AccountId, String, String)> = db
        .query_row("SELECT account_id, fingerprint, last4 FROM binding_attempts WHERE id = ?1", [attempt_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((account, fp, last4)) = found else {
        return Ok(());
    };
    let who = Subject { account, card_id: None, fingerprint: Some(&fp), last4: &last4 };
    record(db, &who, AuditEvent::BindFailed, Some(e.code), e.bank_code.as_deref(), now)?;
    // The case, its end and the card it names, for the troubleshooting center's explanation.
    if e.detail.is_some() || e.until.is_some() || e.last4.is_some() {
        db.execute(
            "UPDATE card_audit SET case_detail = ?2, until = ?3, named_last4 = ?4 WHERE id = ?1",
            params![db.last_insert_rowid(), e.detail, e.until, e.last4.as_ref().map(|l| l.as_str())],
        )?;
    }
    Ok(())
}

/// The account's latest card failure (a binding, a change or an unbind) that nothing since
/// has put right, for the troubleshooting center: it outlives restarts and sign-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastFailure {
    pub event: AuditEvent,
    pub code: ErrorCode,
    /// The bank's own code (e.g. "14"), when it gave one.
    pub bank_code: Option<String>,
    /// The case of the code, as on the error (`id_outdated`, `maintenance` …).
    pub detail: Option<String>,
    /// When a wait ends (the bank's maintenance window, a cooldown).
    #[ts(type = "number | null")]
    pub until: Option<Millis>,
    /// The card the failure names (CARD_REPLACED: the new card's last 4).
    pub new_last4: Option<String>,
    /// The card's bank: its remedy names it and its service number.
    pub bank: Option<BankId>,
    pub last4: String,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    #[ts(type = "number")]
    pub at: Millis,
    /// Rust's verdict on the code (as on every error).
    pub category: Option<Category>,
    pub retry: Option<RetryHelps>,
    pub remedy: Option<Remedy>,
}

/// Events that put a failure right: the card bound, changed or unbound after it (entries are
/// numbered in the order they happen).
const RESOLVING: &str = "'bound', 'phone_changed', 'expiry_updated', 'unbound'";

pub(crate) fn last_failure(db: &Connection, account: AccountId) -> Result<Option<LastFailure>, AppError> {
    let row = db
        .query_row(
            "SELECT f.event, f.code, f.detail, f.last4, f.card_id, f.at, f.fingerprint, f.id,
                    COALESCE(c.bank, (SELECT b.bank FROM binding_attempts b
                                      WHERE b.account_id = f.account_id AND b.fingerprint = f.fingerprint
                                      ORDER BY b.created_at DESC LIMIT 1)),
                    f.case_detail, f.until, f.named_last4
             FROM card_audit f LEFT JOIN cards c ON c.id = f.card_id
             WHERE f.account_id = ?1 AND f.code IS NOT NULL
               AND f.event IN ('bind_failed', 'update_failed', 'unbind_failed')
             ORDER BY f.at DESC, f.id DESC LIMIT 1",
            [account],
            |r| {
                let code: ErrorCode = r.get(1)?;
                let verdict = code.verdict();
                let failure = LastFailure {
                    event: r.get(0)?,
                    code,
                    bank_code: r.get(2)?,
                    last4: r.get(3)?,
                    card_id: r.get(4)?,
                    at: r.get(5)?,
                    bank: r.get(8)?,
                    detail: r.get(9)?,
                    until: r.get(10)?,
                    new_last4: r.get(11)?,
                    category: verdict.map(|v| v.category),
                    retry: verdict.map(|v| v.retry),
                    remedy: verdict.map(|v| v.remedy),
                };
                Ok((failure, r.get::<_, Option<String>>(6)?, r.get::<_, i64>(7)?))
            },
        )
        .optional()?;
    let Some((failure, fingerprint, id)) = row else { return Ok(None) };
    let resolved: bool = db.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM card_audit
                            WHERE account_id = ?1 AND fingerprint = ?2 AND event IN ({RESOLVING}) AND id > ?3)"
        ),
        params![account, fingerprint, id],
        |r| r.get(0),
    )?;
    Ok((!resolved).then_some(failure))
}

const COLUMNS: &str = "id, card_id, last4, event, code, detail, at";

fn entries(db: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<AuditEntry>, AppError> {
    let mut st = db.prepare(sql)?;
    let rows = st.query_map(params, |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            card_id: r.get(1)?,
            last4: r.get(2)?,
            event: r.get(3)?,
            code: r.get(4)?,
            detail: r.get(5)?,
            at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A card's entries, newest first, including the failed attempts to bind it before it was.
pub(crate) fn for_card(
    db: &Connection,
    account: AccountId,
    card_id: i64,
    fp: &str,
) -> Result<Vec<AuditEntry>, AppError> {
    entries(
        db,
        &format!(
            "SELECT {COLUMNS} FROM card_audit
             WHERE account_id = ?1 AND (card_id = ?2 OR (card_id IS NULL AND fingerprint = ?3))
             ORDER BY at DESC, id DESC LIMIT 200"
        ),
        params![account, card_id, fp],
    )
}

/// The account's entries, newest first.
pub(crate) fn for_account(db: &Connection, account: AccountId, limit: u32) -> Result<Vec<AuditEntry>, AppError> {
    entries(
        db,
        &format!("SELECT {COLUMNS} FROM card_audit WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2"),
        params![account, limit],
    )
}
