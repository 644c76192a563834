//! Trust before money leaves (转账安全): the payee check's four outcomes and the risk rules, in
//! one table each, decided in Rust and sent to the UI as reasons — never a number or a score.
//!
//! - The payee's bank answers **match**, **close** (one character off: its masked holder name,
//!   a question the payer answers with 确认是此人), **none** (PAYEE_NAME_MISMATCH, a refusal),
//!   or **unavailable** (only 2-hour or next-day arrival, which can still be revoked). A
//!   reported account is refused by the bank (PAYEE_REPORTED).
//! - A first payment to a payee gets a short, specific note; a payee paid successfully before
//!   gets none (warnings on every payment teach people to click through them).

use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::counterparty::Target;
use super::{Arrival, PaymentInput, PaymentKind};
use crate::accounts::AccountId;
use crate::bank::PayeeOutcome;
use crate::money::ops::Money;
use crate::platform::clock::{Millis, DAY, MINUTE};
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

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
    /// ¥5,000 or more to a payee never paid before: the purpose is asked (PURPOSE_REQUIRED).
    PurposeRequired,
    /// The purpose given is investing (投资理财): the investment-scam warning, with 96110.
    ScamInvestment,
    /// The purpose given is someone claiming to be customer service or the police: the
    /// impersonation-scam warning, with 96110.
    ScamImpersonation,
    /// Within 24 hours after a password change or recovery: an SMS code on top of the payment
    /// password (STEP_UP_REQUIRED).
    StepUp,
}

/// Why the payer sends the money (asked for ¥5,000 or more to a payee never paid before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Purpose {
    /// 家人朋友
    Family,
    /// 购物
    Shopping,
    /// 投资理财
    Investment,
    /// 对方自称客服或公检法
    Impersonation,
}

crate::platform::storage::stored_as_text!(Purpose);

impl Purpose {
    /// The purposes scams give: a warning, and a delayed arrival by default.
    fn scam_warning(self) -> Option<RiskRule> {
        match self {
            Purpose::Investment => Some(RiskRule::ScamInvestment),
            Purpose::Impersonation => Some(RiskRule::ScamImpersonation),
            _ => None,
        }
    }
}

/// From this amount a first payment to a payee asks its purpose: ¥5,000.
pub const PURPOSE_FROM_FEN: i64 = 500_000;
/// How long after a password change or recovery transfers ask an SMS code too.
pub const STEP_UP_WINDOW: Millis = DAY;
/// A step-up code's life and tries.
pub const STEP_UP_TTL: Millis = 5 * MINUTE;
pub const STEP_UP_TRIES: i64 = 3;

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
    // A purpose scams give: 2 hours (revocable) unless the payer chose otherwise.
    let arrival = match (input.purpose.and_then(Purpose::scam_warning), input.arrival, input.kind) {
        (Some(_), None, PaymentKind::ToCard) => Arrival::TwoHours,
        _ => arrival,
    };
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

/// The rules that apply, in the order the confirmation says them (the one table).
pub(super) fn risks(
    db: &Connection,
    account: AccountId,
    input: &PaymentInput,
    target: &Target,
    amount: i64,
    now: Millis,
) -> Result<Vec<RiskRule>, AppError> {
    let mut out = vec![];
    if !matches!(input.kind, PaymentKind::ToUser | PaymentKind::ToCard) {
        return Ok(out);
    }
    let first = !known_payee(db, account, target)?;
    if first {
        out.push(RiskRule::FirstTimePayee);
    }
    if matches!(target.payee_check, Some(PayeeOutcome::Unavailable)) {
        out.push(RiskRule::PayeeUnchecked);
    }
    if first && amount >= PURPOSE_FROM_FEN {
        out.push(RiskRule::PurposeRequired);
        out.extend(input.purpose.and_then(Purpose::scam_warning));
    }
    if step_up_due(db, account, now)? {
        out.push(RiskRule::StepUp);
    }
    Ok(out)
}

/// Whether the account changed or recovered a password within [`STEP_UP_WINDOW`].
fn step_up_due(db: &Connection, account: AccountId, now: Millis) -> Result<bool, AppError> {
    Ok(db.query_row(
        "SELECT EXISTS (SELECT 1 FROM security_events WHERE account_id = ?1 AND at > ?2 AND event IN
                        ('password_changed', 'pay_password_changed', 'password_recovered', 'pay_password_recovered'))",
        params![account, now - STEP_UP_WINDOW],
        |r| r.get(0),
    )?)
}

/// The rules a payment must satisfy, decided in the transaction that records it (with the
/// limits): the purpose given where it is asked, and the step-up code — checked before
/// ([`Services::check_step_up`], which counts wrong tries) and spent here, once.
pub(super) fn enforce(
    tx: &Connection,
    account: AccountId,
    input: &PaymentInput,
    target: &Target,
    amount: i64,
    step_up_mac: Option<&str>,
    now: Millis,
) -> Result<(), AppError> {
    let rules = risks(tx, account, input, target, amount, now)?;
    if rules.contains(&RiskRule::PurposeRequired) && input.purpose.is_none() {
        return Err(AppError::new(ErrorCode::PurposeRequired, "¥5,000 or more to a new payee: give the purpose"));
    }
    if rules.contains(&RiskRule::StepUp) {
        let spent = match step_up_mac {
            Some(mac) => tx.execute(
                "DELETE FROM step_up_codes WHERE account_id = ?1 AND code_mac = ?2 AND expires_at > ?3",
                params![account, mac, now],
            )?,
            None => 0,
        };
        if spent == 0 {
            return Err(AppError::new(
                ErrorCode::StepUpRequired,
                "a password changed within 24 hours: an SMS code is needed too",
            ));
        }
    }
    Ok(())
}

/// When the step-up code stops working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepUpSent {
    #[ts(type = "number")]
    pub expires_at: Millis,
}

impl Services {
    fn step_up_mac(&self, account: AccountId, code: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.fingerprint_key).expect("HMAC takes any key length");
        mac.update(format!("step-up:{account}:{code}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Checks a step-up code before the payment's transaction: a wrong one spends a try (in one
    /// statement, so parallel guesses get no more than the tries). Answers its MAC, spent by
    /// [`enforce`] with the payment.
    pub(super) fn check_step_up(&self, account: AccountId, code: Option<&str>) -> Result<Option<String>, AppError> {
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else { return Ok(None) };
        let mac = self.step_up_mac(account, code);
        let now = self.clock.now();
        let db = self.db();
        let ok: Option<bool> = db
            .query_row(
                "SELECT code_mac = ?2 FROM step_up_codes WHERE account_id = ?1 AND expires_at > ?3 AND tries_left > 0",
                params![account, mac, now],
                |r| r.get(0),
            )
            .optional()?;
        match ok {
            Some(true) => Ok(Some(mac)),
            Some(false) => {
                let left: Option<i64> = db
                    .query_row(
                        "UPDATE step_up_codes SET tries_left = tries_left - 1 WHERE account_id = ?1 AND tries_left > 0
                         RETURNING tries_left",
                        [account],
                        |r| r.get(0),
                    )
                    .optional()?;
                Err(match left {
                    Some(n) if n > 0 => AppError::new(ErrorCode::OtpInvalid, "the SMS code is wrong").tries_left(n),
                    _ => AppError::new(ErrorCode::OtpLocked, "too many wrong SMS codes: ask for a new one"),
                })
            }
            None => Err(AppError::new(ErrorCode::OtpExpired, "no live SMS code: ask for a new one")),
        }
    }
}

impl Money<'_> {
    /// Sends the step-up SMS code to the account's phone (a new one replaces the old).
    pub fn pay_step_up_send(&self) -> Result<StepUpSent, AppError> {
        let account = self.require_account()?;
        let now = self.clock.now();
        let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
        let mac = self.step_up_mac(account, &code);
        let phone: String = {
            let db = self.db();
            db.execute(
                "INSERT INTO step_up_codes (account_id, code_mac, expires_at, sent_at, tries_left) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id) DO UPDATE SET code_mac = ?2, expires_at = ?3, sent_at = ?4, tries_left = ?5",
                params![account, mac, now + STEP_UP_TTL, now, STEP_UP_TRIES],
            )?;
            db.query_row("SELECT phone FROM accounts WHERE id = ?1", [account], |r| r.get(0))?
        };
        let text = format!(
            "【通宝钱包】验证码 {code}，5分钟内有效。您正在转账（修改密码后 24 小时内需短信验证），请勿泄露给他人。"
        );
        self.send_sms(&phone, &text)?;
        tracing::info!("step-up SMS code sent for a transfer");
        Ok(StepUpSent { expires_at: now + STEP_UP_TTL })
    }
}

/// The outcome as stored with the payment.
pub(super) fn stored(outcome: Option<&PayeeOutcome>) -> Option<PayeeCheck> {
    outcome.map(|o| PayeeCheckView::of(o).outcome)
}

/// The note as kept: trimmed, at most 20 characters, no control characters (None: empty).
pub(super) fn note(input: &PaymentInput) -> Result<Option<String>, AppError> {
    let Some(note) = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
    if note.chars().count() > 20 || note.chars().any(char::is_control) {
        return Err(AppError::new(ErrorCode::NoteInvalid, "a note is at most 20 characters of text"));
    }
    Ok(Some(note.to_owned()))
}

/// A payee of the person's earlier transfers (最近转账), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentPayee {
    /// `u<account>` for a wallet user, `c<fingerprint>` for a card: what removing names.
    pub key: String,
    pub kind: PaymentKind,
    pub counterparty: super::Counterparty,
    /// A wallet user's phone, as the payer typed it before (fills the form), else None; a
    /// card's number is never kept — the payer types it again (the list names its last 4).
    pub phone: Option<String>,
    #[ts(type = "number")]
    pub last_paid_at: Millis,
}

/// Removing a recent payee from the list (a newer transfer brings it back).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentPayeeRef {
    pub key: String,
}

/// How many recent payees the list shows.
pub const RECENT_PAYEES: i64 = 10;

impl Money<'_> {
    /// The payees of the person's successful transfers, newest first, without the removed ones.
    pub fn recent_payees(&self) -> Result<Vec<RecentPayee>, AppError> {
        let account = self.require_account()?;
        let db = self.db();
        let mut st = db.prepare(
            "WITH last AS (
                 SELECT CASE WHEN p.kind = 'to_user' THEN 'u' || p.payee_account ELSE 'c' || p.payee_fp END AS k,
                        max(p.created_at) AS at, max(p.id) AS id
                 FROM payments p
                 WHERE p.account_id = ?1 AND p.status IN ('succeeded', 'pending') AND p.kind IN ('to_user', 'to_card')
                   AND (p.payee_account IS NOT NULL OR p.payee_fp IS NOT NULL)
                 GROUP BY k)
             SELECT l.k, p.kind, a.real_name, a.phone, p.payee_bank, p.payee_last4, p.payee_name_masked, l.at
             FROM last l JOIN payments p ON p.id = l.id LEFT JOIN accounts a ON a.id = p.payee_account
             WHERE NOT EXISTS (SELECT 1 FROM hidden_payees h WHERE h.account_id = ?1 AND h.payee_key = l.k
                               AND h.hidden_at >= l.at)
             ORDER BY l.at DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![account, RECENT_PAYEES], |r| {
            let kind: PaymentKind = r.get(1)?;
            let counterparty = match kind {
                PaymentKind::ToUser => super::Counterparty::Person {
                    name_masked: crate::accounts::mask_name(&r.get::<_, Option<String>>(2)?.unwrap_or_default()),
                },
                _ => super::Counterparty::Card {
                    bank: r.get(4)?,
                    last4: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    name_masked: r.get(6)?,
                },
            };
            Ok(RecentPayee {
                key: r.get(0)?,
                kind,
                counterparty,
                phone: if kind == PaymentKind::ToUser { r.get(3)? } else { None },
                last_paid_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes a payee from the recent list until the next transfer to them.
    pub fn recent_payee_remove(&self, input: &RecentPayeeRef) -> Result<Vec<RecentPayee>, AppError> {
        let account = self.require_account()?;
        let key = input.key.trim();
        if key.len() > 80 || !(key.starts_with('u') || key.starts_with('c')) {
            return Err(AppError::new(ErrorCode::PaymentNotFound, "no such recent payee"));
        }
        self.db().execute(
            "INSERT INTO hidden_payees (account_id, payee_key, hidden_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (account_id, payee_key) DO UPDATE SET hidden_at = ?3",
            params![account, key, self.clock.now()],
        )?;
        self.recent_payees()
    }
}
