//! Binding a card (docs/features.md, binding a card): the wallet's side of the flow, its rules, and what it keeps.
//!
//! Every attempt is written to `binding_attempts` before the bank is called; its id is the
//! idempotency key the bank sees. The card number and CVV live only for the verification call
//! (zeroized after); the wallet stores the token, bank, type, BIN, last 4, expiry (credit),
//! nickname and an HMAC fingerprint. At start-up, [`resume`] finishes or rolls back attempts a
//! crash interrupted: never a half-bound card.

use hmac::{Hmac, Mac};
use std::sync::MutexGuard;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ts_rs::TS;

use crate::accounts::AccountId;
use crate::bank::{AccountClass, Bank, BankFailure, Binding, BindingState, CallOptions, SessionProblem, Verified};
use crate::cards::audit::{self, AuditEvent};
use crate::cards::code_flow::{self, BankSays, CodeStage, Settle};
use crate::cards::{BankId, BinInfo, CardKind, CardNumber, Expiry};
use crate::platform::clock::{Millis, DAY, HOUR};
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;

pub const MAX_CARDS: i64 = 10;
pub const MAX_FAILURES_PER_DAY: i64 = 5;
pub const COOLDOWN: Millis = HOUR;

/// The binding form, as submitted.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BindStart {
    #[ts(type = "string")]
    pub number: SecretString,
    /// MM/YY, credit cards only.
    pub expiry: Option<String>,
    /// CVV2, credit cards only.
    #[ts(type = "string | null")]
    pub cvv: Option<SecretString>,
    /// The reserved phone (预留手机号).
    pub phone: String,
    pub nickname: Option<String>,
    /// The quick-pay terms were accepted.
    pub agree: bool,
}

/// A code typed for an attempt: the dynamic token's or the SMS's.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BindCode {
    pub attempt_id: String,
    #[ts(type = "string")]
    pub code: SecretString,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRef {
    pub attempt_id: String,
}

/// Told to the UI before each automatic retry: "银行繁忙，正在重试 (attempt/max)".
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetryNotice {
    pub attempt: u32,
    pub max: u32,
}

/// What the number field shows while digits are typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardRecognition {
    pub bank: BankId,
    pub kind: CardKind,
    pub length: u32,
    pub supported: bool,
    /// Why such a card can't be bound, before any bank call: BANK_NOT_SUPPORTED (another
    /// bank) or CARD_TYPE_NOT_SUPPORTED (prepaid, American Express).
    pub refused: Option<ErrorCode>,
}

impl From<&BinInfo> for CardRecognition {
    fn from(b: &BinInfo) -> Self {
        let refused = b.refusal().map(|e| e.code);
        Self { bank: b.bank, kind: b.kind, length: b.length as u32, supported: refused.is_none(), refused }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum BindStage {
    /// Enter the dynamic token's code.
    Token,
    /// Enter the SMS code.
    Otp,
}

/// Where an attempt stands after a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BindStep {
    pub attempt_id: String,
    pub stage: BindStage,
    /// `138****8000`: where the SMS went.
    pub phone_masked: String,
    #[ts(type = "number | null")]
    pub otp_expires_at: Option<Millis>,
    #[ts(type = "number | null")]
    pub resend_at: Option<Millis>,
    /// The wallet's clock when this step was issued: countdowns run from it, so they stay right
    /// when the mock clock has been moved.
    #[ts(type = "number")]
    pub issued_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "lowercase")]
pub enum CardStatusView {
    Active,
    Expired,
    Frozen,
    Pending,
}

crate::platform::storage::stored_as_text!(CardStatusView);

/// A bound card as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    #[ts(type = "number")]
    pub id: i64,
    pub bank: BankId,
    pub kind: CardKind,
    pub bin: String,
    pub last4: String,
    /// MM/YY, credit cards only.
    pub expiry: Option<String>,
    pub nickname: String,
    pub status: CardStatusView,
    pub is_default: bool,
    #[ts(type = "number")]
    pub bound_at: Millis,
    /// The reserved phone, masked (`138****8000`).
    pub phone_masked: Option<String>,
    /// A credit card whose expiry month ends within 30 days: remind the person.
    pub expires_soon: bool,
    /// The account class the bank reported at binding (Ⅱ类户 has small bank limits).
    pub account_class: AccountClass,
    /// The bank's own quick-pay limits for this card, in fen, where the bank gave them.
    #[ts(type = "number | null")]
    pub bank_single_limit_fen: Option<i64>,
    #[ts(type = "number | null")]
    pub bank_daily_limit_fen: Option<i64>,
}

/// How far ahead the expiry reminder shows.
pub const EXPIRY_REMINDER: Millis = 30 * DAY;

/// HMAC-SHA256 of the card number under the installation's fingerprint key: duplicates are
/// found without keeping the number.
pub fn fingerprint(key: &[u8], pan: &CardNumber) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(pan.expose().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) fn live_card_count(db: &Connection, account: AccountId) -> Result<i64, AppError> {
    Ok(db.query_row("SELECT count(*) FROM cards WHERE account_id = ?1 AND unbound_at IS NULL", [account], |r| {
        r.get(0)
    })?)
}

pub(crate) fn already_bound(db: &Connection, account: AccountId, fp: &str) -> Result<bool, AppError> {
    Ok(db
        .query_row(
            "SELECT 1 FROM cards WHERE account_id = ?1 AND fingerprint = ?2 AND unbound_at IS NULL",
            params![account, fp],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// When the cooldown for this card ends, if one is in force: 5 failures within 24 hours lock
/// the card out for an hour after the latest.
pub(crate) fn cooldown_until(
    db: &Connection,
    account: AccountId,
    fp: &str,
    now: Millis,
) -> Result<Option<Millis>, AppError> {
    let (count, latest): (i64, Option<Millis>) = db.query_row(
        "SELECT count(*), max(at) FROM bind_failures WHERE account_id = ?1 AND fingerprint = ?2 AND at > ?3",
        params![account, fp, now - DAY],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match latest {
        Some(l) if count >= MAX_FAILURES_PER_DAY && now < l + COOLDOWN => Some(l + COOLDOWN),
        _ => None,
    })
}

/// Failures that count toward the cooldown: the bank said no, or a code was wrong. Network and
/// bank-system faults are not the person's doing and do not count.
pub(crate) fn counts_toward_cooldown(f: &BankFailure) -> bool {
    matches!(f, BankFailure::Declined(_) | BankFailure::Session(_))
        && !matches!(f, BankFailure::Session(SessionProblem::ResendTooSoon { .. }))
}

pub(crate) fn record_failure(
    db: &Connection,
    account: AccountId,
    fp: &str,
    code: ErrorCode,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO bind_failures (account_id, fingerprint, code, at) VALUES (?1, ?2, ?3, ?4)",
        params![account, fp, code.as_str(), now],
    )?;
    Ok(())
}

/// An attempt as stored.
pub(crate) struct Attempt {
    pub id: String,
    pub account_id: AccountId,
    pub fingerprint: String,
    pub bank: String,
    pub kind: String,
    pub bin: String,
    pub last4: String,
    pub expiry: Option<String>,
    pub phone: String,
    pub nickname: String,
    pub stage: CodeStage,
    pub bank_session: Option<String>,
}

pub(crate) struct NewAttempt<'a> {
    pub id: &'a str,
    pub account: AccountId,
    pub fingerprint: &'a str,
    pub pan: &'a CardNumber,
    pub expiry: Option<Expiry>,
    pub phone: &'a str,
    pub nickname: &'a str,
}

pub(crate) fn insert_attempt(db: &Connection, a: &NewAttempt<'_>, now: Millis) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO binding_attempts (id, account_id, fingerprint, bank, kind, bin, last4, expiry, phone,
                                       nickname, stage, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'verifying', ?11, ?11)",
        params![
            a.id,
            a.account,
            a.fingerprint,
            a.pan.info.bank.code(),
            a.pan.info.kind.as_str(),
            a.pan.bin(),
            a.pan.last4(),
            a.expiry.map(Expiry::printed),
            a.phone,
            a.nickname,
            now
        ],
    )?;
    Ok(())
}

pub(crate) fn set_stage(
    db: &Connection,
    id: &str,
    stage: CodeStage,
    session: Option<&str>,
    failure: Option<&str>,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "UPDATE binding_attempts SET stage = ?2, bank_session = coalesce(?3, bank_session),
                failure = coalesce(?4, failure), updated_at = ?5 WHERE id = ?1",
        params![id, stage.as_str(), session, failure, now],
    )?;
    Ok(())
}

/// The signed-in person's own open attempt (another account's id is "not found").
pub(crate) fn open_attempt(db: &Connection, account: AccountId, id: &str) -> Result<Attempt, AppError> {
    db.query_row(
        "SELECT id, account_id, fingerprint, bank, kind, bin, last4, expiry, phone, nickname, stage, bank_session
         FROM binding_attempts WHERE id = ?1 AND account_id = ?2 AND stage IN ('token', 'otp', 'confirming')",
        params![id, account],
        row_to_attempt,
    )
    .optional()?
    .ok_or_else(|| AppError::new(ErrorCode::OtpExpired, "this binding attempt has ended: start again"))
}

fn row_to_attempt(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
        id: r.get(0)?,
        account_id: r.get(1)?,
        fingerprint: r.get(2)?,
        bank: r.get(3)?,
        kind: r.get(4)?,
        bin: r.get(5)?,
        last4: r.get(6)?,
        expiry: r.get(7)?,
        phone: r.get(8)?,
        nickname: r.get(9)?,
        stage: r.get(10)?,
        bank_session: r.get(11)?,
    })
}

/// Stores the bound card and closes the attempt, in one transaction. The first live card
/// becomes the default.
pub(crate) fn complete(db: &mut Connection, a: &Attempt, b: &Binding, now: Millis) -> Result<i64, AppError> {
    let tx = db.transaction()?;
    let card_id = insert_card(&tx, a, b, now)?;
    tx.commit()?;
    Ok(card_id)
}

/// Inserts the bound card of attempt `a` (the first live card becomes the default), records
/// it in the audit and closes the attempt — inside the caller's transaction.
pub(crate) fn insert_card(tx: &Connection, a: &Attempt, b: &Binding, now: Millis) -> Result<i64, AppError> {
    let first = live_card_count(tx, a.account_id)? == 0;
    tx.execute(
        "INSERT INTO cards (account_id, token, bank, kind, quasi_credit, bin, last4, expiry, nickname, fingerprint,
                            is_default, bound_at, phone, status_checked_at, account_class, bank_single_limit_fen,
                            bank_daily_limit_fen)
         VALUES (?1, ?2, ?3, CASE ?4 WHEN 'quasi_credit' THEN 'credit' ELSE ?4 END, ?4 = 'quasi_credit', ?5, ?6, ?7,
                 ?8, ?9, ?10, ?11, ?12, ?11, ?13, ?14, ?15)",
        params![
            a.account_id,
            b.token,
            a.bank,
            a.kind,
            a.bin,
            a.last4,
            a.expiry,
            a.nickname,
            a.fingerprint,
            first,
            now,
            a.phone,
            b.account.class.as_str(),
            b.account.single_limit_fen,
            b.account.daily_limit_fen
        ],
    )?;
    let card_id = tx.last_insert_rowid();
    let who = audit::Subject {
        account: a.account_id,
        card_id: Some(card_id),
        fingerprint: Some(&a.fingerprint),
        last4: &a.last4,
    };
    audit::record(tx, &who, AuditEvent::Bound, None, None, now)?;
    tx.execute(
        "UPDATE binding_attempts SET stage = 'bound', card_id = ?2, updated_at = ?3 WHERE id = ?1",
        params![a.id, card_id, now],
    )?;
    Ok(card_id)
}

pub(crate) fn cards(db: &Connection, account: AccountId, now: Millis) -> Result<Vec<CardView>, AppError> {
    let mut st = db.prepare(
        "SELECT id, bank, CASE WHEN quasi_credit THEN 'quasi_credit' ELSE kind END, bin, last4, expiry, nickname,
                status, is_default, bound_at, phone, account_class, bank_single_limit_fen, bank_daily_limit_fen
         FROM cards WHERE account_id = ?1 AND unbound_at IS NULL ORDER BY is_default DESC, bound_at, id",
    )?;
    let rows = st.query_map([account], |r| {
        let expiry: Option<String> = r.get(5)?;
        let parsed = expiry.as_deref().and_then(|e| crate::cards::parse_expiry(e).ok());
        let passed = parsed.is_some_and(|e| e.has_passed(now));
        let stored: CardStatusView = r.get(7)?;
        let status = if passed { CardStatusView::Expired } else { stored };
        Ok(CardView {
            id: r.get(0)?,
            bank: r.get(1)?,
            kind: r.get(2)?,
            bin: r.get(3)?,
            last4: r.get(4)?,
            expiry,
            nickname: r.get(6)?,
            status,
            is_default: r.get(8)?,
            bound_at: r.get(9)?,
            phone_masked: r.get::<_, Option<String>>(10)?.as_deref().map(crate::accounts::mask_phone),
            expires_soon: !passed && parsed.is_some_and(|e| e.has_passed(now + EXPIRY_REMINDER)),
            account_class: AccountClass::from_stored(&r.get::<_, String>(11)?).unwrap_or_default(),
            bank_single_limit_fen: r.get(12)?,
            bank_daily_limit_fen: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The `failure` mark of a binding left `confirming` because the bank could not be asked.
const TO_RECONCILE: &str = "reconcile";

/// Marks an attempt whose confirmation got no answer (a fault after the retries): the bank may
/// have bound the card. It stays `confirming` (the same code may be sent again) and is asked
/// about at the next start, binding or troubleshooting run ([`resume`] with the account).
pub(crate) fn mark_to_reconcile(db: &Connection, id: &str, now: Millis) -> Result<(), AppError> {
    set_stage(db, id, CodeStage::Confirming, None, Some(TO_RECONCILE), now)
}

/// Finishes or rolls back the attempts a crash or a closed window left open:
/// - `confirming` (the code was sent to the bank, the answer never arrived): the bank is asked
///   what became of the attempt ([`Bank::binding_state`], which spends no OTP try). Bound: the
///   card is completed — or, if the card is already bound by another attempt, the extra
///   agreement is revoked so the card never has two. Not bound: rolled back. No answer: the
///   attempt stays `confirming`, marked to reconcile at the next contact with the bank.
/// - earlier stages: the person left mid-flow; the attempt is abandoned (the bank's session
///   expires on its own).
///
/// `account: None` (start-up) settles every attempt; `Some` only that account's attempts
/// marked to reconcile (a live confirmation is never touched).
///
/// The database is locked (`db()`) only to read and to write, never across a bank call: other
/// commands (the session's touch, the home screen) do not wait on the bank's timeout. An
/// attempt that moved on meanwhile (its own confirmation answered) is left as it is.
///
/// Returns how many cards were completed and how many attempts were rolled back.
pub fn resume<'a>(
    db: &dyn Fn() -> MutexGuard<'a, Connection>,
    bank: &dyn Bank,
    opts: CallOptions,
    now: Millis,
    account: Option<AccountId>,
) -> Result<(usize, usize), AppError> {
    let open: Vec<Attempt> = {
        let db = db();
        let mut st = db.prepare(
            "SELECT id, account_id, fingerprint, bank, kind, bin, last4, expiry, phone, nickname, stage, bank_session
             FROM binding_attempts WHERE stage IN ('verifying', 'token', 'otp', 'confirming')
             AND (?1 IS NULL OR (account_id = ?1 AND stage = 'confirming' AND failure = ?2))",
        )?;
        let rows = st.query_map(params![account, TO_RECONCILE], row_to_attempt)?;
        rows.collect::<Result<_, _>>()?
    };
    let unchanged = |db: &Connection, a: &Attempt| -> Result<bool, AppError> {
        let stage: Option<String> =
            db.query_row("SELECT stage FROM binding_attempts WHERE id = ?1", [&a.id], |r| r.get(0)).optional()?;
        Ok(stage.as_deref() == Some(a.stage.as_str()))
    };
    let (mut done, mut rolled_back) = (0, 0);
    for a in open {
        let mut token = None;
        // The bank is asked with the database unlocked.
        let settle = code_flow::settle(a.stage, || {
            Ok(match bank.binding_state(&a.id, opts)? {
                BindingState::Bound { token: t, account } => {
                    token = Some(Binding { token: t, account });
                    BankSays::Confirmed
                }
                BindingState::NotBound | BindingState::NotFound => BankSays::NotConfirmed,
            })
        });
        let mut guard = db();
        if !unchanged(&guard, &a)? {
            continue;
        }
        match (settle, token) {
            (Settle::Finish, Some(binding)) => {
                let token = &binding.token;
                let same: bool =
                    guard.query_row("SELECT count(*) > 0 FROM cards WHERE token = ?1", [token], |r| r.get(0))?;
                if same {
                    set_stage(&guard, &a.id, CodeStage::Bound, None, None, now)?;
                } else if already_bound(&guard, a.account_id, &a.fingerprint)? {
                    // Never two agreements for one card: give back the one this attempt made
                    // (the bank called with the database unlocked again).
                    drop(guard);
                    let revoked = bank.revoke_token(token, opts).is_ok();
                    let guard = db();
                    if !unchanged(&guard, &a)? {
                        continue;
                    }
                    if !revoked {
                        set_stage(&guard, &a.id, CodeStage::Confirming, None, Some(TO_RECONCILE), now)?;
                        continue;
                    }
                    set_stage(&guard, &a.id, CodeStage::Abandoned, None, Some("duplicate"), now)?;
                    rolled_back += 1;
                } else {
                    complete(&mut guard, &a, &binding, now)?;
                    done += 1;
                    tracing::info!(attempt = %a.id, "interrupted binding completed");
                }
            }
            (Settle::AskLater, _) => {
                tracing::info!(attempt = %a.id, "interrupted binding kept to reconcile: the bank did not answer");
                set_stage(&guard, &a.id, CodeStage::Confirming, None, Some(TO_RECONCILE), now)?;
            }
            _ => {
                set_stage(&guard, &a.id, CodeStage::Abandoned, None, Some("interrupted"), now)?;
                rolled_back += 1;
            }
        }
    }
    Ok((done, rolled_back))
}

/// Whether a verification answer means "token first".
pub(crate) fn needs_token(v: &Verified) -> (bool, &str) {
    match v {
        Verified::Approved { session } => (false, session),
        Verified::TokenRequired { session } => (true, session),
    }
}
