//! Trust before money leaves (转账安全): the payee check's four outcomes and the risk rules, in
//! one table each, decided in Rust and sent to the UI as reasons — never a number or a score.
//!
//! - The payee's bank answers **match**, **close** (one character off: its masked holder name,
//!   a question the payer answers with 确认是此人), **none** (PAYEE_NAME_MISMATCH, a refusal),
//!   or **unavailable** (only 2-hour or next-day arrival, which can still be revoked). A
//!   reported account is refused by the bank (PAYEE_REPORTED).
//! - A first payment to a payee gets a short, specific note; a payee paid successfully before
//!   gets none (warnings on every payment teach people to click through them).

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::counterparty::Target;
use super::{Arrival, PaymentInput, PaymentKind};
use crate::accounts::AccountId;
use crate::bank::PayeeOutcome;
use crate::platform::error::{AppError, ErrorCode};

/// The payee check's outcome, as the confirmation and the payment's detail show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PayeeCheck {
    Match,
    Close,
    /// The name does not match (a refusal: PAYEE_NAME_MISMATCH; never stored with a payment).
    None,
    Unavailable,
}

crate::platform::storage::stored_as_text!(PayeeCheck);

/// The check as the confirmation shows it: the outcome and, for a close match, the bank's
/// masked holder name to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PayeeCheckView {
    pub outcome: PayeeCheck,
    pub name_masked: Option<String>,
}

/// A risk rule that applies to this payment; the UI words each (`risk-warning` data-rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RiskRule {
    /// No successful payment to this payee yet.
    FirstTimePayee,
    /// The payee's name could not be checked.
    PayeeUnchecked,
}

impl PayeeCheckView {
    pub(super) fn of(outcome: &PayeeOutcome) -> Self {
        match outcome {
            PayeeOutcome::Match => Self { outcome: PayeeCheck::Match, name_masked: None },
            PayeeOutcome::Close { name_masked } => {
                Self { outcome: PayeeCheck::Close, name_masked: Some(name_masked.clone()) }
            }
            PayeeOutcome::Unavailable => Self { outcome: PayeeCheck::Unavailable, name_masked: None },
        }
    }
}

/// The arrivals a payment may choose after its payee check: all, or — the name unchecked —
/// only the delayed ones, which can be revoked.
pub(super) fn arrivals(outcome: Option<&PayeeOutcome>) -> Vec<Arrival> {
    match outcome {
        Some(PayeeOutcome::Unavailable) => vec![Arrival::TwoHours, Arrival::NextDay],
        _ => vec![Arrival::Instant, Arrival::TwoHours, Arrival::NextDay],
    }
}

/// What the payee check asks of the payment: a close match must be confirmed
/// (PAYEE_NAME_CLOSE_MATCH until it is), an unchecked name takes a delayed arrival (2 hours
/// unless next day was chosen; instant is PAYEE_CHECK_UNAVAILABLE). Answers the arrival.
pub(super) fn settle_check(target: &Target, input: &PaymentInput, arrival: Arrival) -> Result<Arrival, AppError> {
    match &target.payee_check {
        Some(PayeeOutcome::Close { name_masked }) if input.confirm_payee_name != Some(true) => Err(AppError::new(
            ErrorCode::PayeeNameCloseMatch,
            "the payee's bank found a name one character off: confirm its holder first",
        )
        .detail(name_masked)),
        Some(PayeeOutcome::Unavailable) => match input.arrival {
            Some(Arrival::Instant) => Err(AppError::new(
                ErrorCode::PayeeCheckUnavailable,
                "the payee's name could not be checked: only a 2-hour or next-day transfer",
            )),
            Some(a) => Ok(a),
            None => Ok(Arrival::TwoHours),
        },
        _ => Ok(arrival),
    }
}

/// Whether a payment to this payee has succeeded before (a wallet user by account, a card by
/// its keyed fingerprint).
pub(super) fn known_payee(db: &Connection, account: AccountId, target: &Target) -> Result<bool, AppError> {
    if target.payee_account.is_none() && target.payee_fp.is_none() {
        return Ok(true); // one's own card or wallet: nobody to warn about
    }
    Ok(db.query_row(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE account_id = ?1 AND status = 'succeeded'
                        AND (payee_account = ?2 OR payee_fp = ?3))",
        params![account, target.payee_account, target.payee_fp],
        |r| r.get(0),
    )?)
}

/// The rules that apply, in the order the confirmation says them.
pub(super) fn risks(
    db: &Connection,
    account: AccountId,
    kind: PaymentKind,
    target: &Target,
) -> Result<Vec<RiskRule>, AppError> {
    let mut out = vec![];
    if matches!(kind, PaymentKind::ToUser | PaymentKind::ToCard) && !known_payee(db, account, target)? {
        out.push(RiskRule::FirstTimePayee);
    }
    if matches!(target.payee_check, Some(PayeeOutcome::Unavailable)) {
        out.push(RiskRule::PayeeUnchecked);
    }
    Ok(out)
}

/// The outcome as stored with the payment.
pub(super) fn stored(outcome: Option<&PayeeOutcome>) -> Option<PayeeCheck> {
    outcome.map(|o| PayeeCheckView::of(o).outcome)
}
