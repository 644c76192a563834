//! Payments (docs/features.md, money): top up from a bound card, withdraw to one, transfer to another
//! wallet user (from the balance or a card) or to any bank card (instant, in 2 hours, next
//! day; a delayed one can be revoked until it posts), with the payment password, the limits
//! and their codes, on the ledger of [`crate::money::ledger`].
//!
//! Every payment carries the client's idempotency key, stored (with the hold, if any) before
//! the bank is called and sent to the bank with every call: a double click, a retry after a
//! timeout or a restart finds the same payment and never pays twice. A bank leg that got no
//! answer stays `pending` with `bank_state = sent` and is settled by asking the bank what
//! became of the key ([`Services::settle_payments`], run at start-up and before lists).
//!
//! One pipeline for every kind: a kind is a [`counterparty`] (who receives the money, what the
//! form must say about them, their leg outside the wallet's books); funding (the balance, held
//! while a leg runs, or a bound card debited at the bank) and every step after the form are
//! the pipeline's. The steps are split by concern: [`form`] (the form's checks, limits, quote),
//! [`pay`] (admitting, recording and sending a payment), [`settle`] (finishing unanswered legs,
//! revoking), [`history`] (lists, detail, monthly sums, CSV), [`receipt`] (电子回单 and their check).

pub mod bills;
mod counterparty;
mod form;
mod history;
pub mod merchant;
mod pay;
pub mod receipt;
pub mod repay;
mod settle;
pub mod trust;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts::AccountId;
use crate::bank::CallOptions;
use crate::cards::BankId;
use crate::money::ledger::Acct;
use crate::money::Fen;
use crate::platform::clock::{Millis, DAY, HOUR};
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;
use crate::services::Services;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PaymentKind {
    Topup,
    Withdraw,
    ToUser,
    ToCard,
    /// A merchant's order, from its payment link (付款 / 收银台).
    Merchant,
    /// Money a merchant gave back for a payment (退款): made by the merchant, never by a form.
    Refund,
    /// A utility bill or a mobile top-up (生活缴费).
    Bill,
    /// A credit card repaid (信用卡还款): one of the person's own, or anyone's by number and name.
    Repay,
}

/// The counterparty of each kind of payment: the one place a kind is tied to its party.
fn party(kind: PaymentKind) -> &'static dyn counterparty::Party {
    match kind {
        PaymentKind::Topup => &counterparty::OwnWallet,
        PaymentKind::Withdraw => &counterparty::OwnCard,
        PaymentKind::ToUser => &counterparty::WalletUser,
        PaymentKind::ToCard => &counterparty::PayeeCard,
        PaymentKind::Merchant => &merchant::MerchantOrder,
        PaymentKind::Refund => &merchant::MerchantRefund,
        PaymentKind::Bill => &bills::BillPayment,
        PaymentKind::Repay => &repay::Repayment,
    }
}

impl PaymentKind {
    /// Whether the money leaves the payer (the daily outgoing limit counts it).
    fn outgoing(self) -> bool {
        party(self).outgoing()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Arrival {
    Instant,
    TwoHours,
    NextDay,
}

impl Arrival {
    /// When a transfer made at `now` posts: now, in 2 hours, or 24 hours later.
    fn posts_at(self, now: Millis) -> Option<Millis> {
        match self {
            Arrival::Instant => None,
            Arrival::TwoHours => Some(now + 2 * HOUR),
            Arrival::NextDay => Some(now + DAY),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Succeeded,
    Failed,
    Returned,
    Revoked,
    /// A merchant payment given back in full (已退款).
    Refunded,
    /// A merchant payment given back in part (部分退款).
    PartiallyRefunded,
}

crate::platform::storage::stored_as_text!(PaymentKind, Arrival, PaymentStatus);

/// What the payment form sends (the amount as typed: Rust parses it).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentInput {
    pub kind: PaymentKind,
    pub amount: String,
    /// Top-up source, withdrawal destination, or the card paying a transfer (None: balance).
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub payee_phone: Option<String>,
    #[ts(type = "string | null")]
    pub payee_card: Option<SecretString>,
    pub payee_name: Option<String>,
    pub arrival: Option<Arrival>,
    /// The payer confirmed the payee's bank's masked name after a close match (确认是此人).
    #[serde(default)]
    #[ts(optional)]
    pub confirm_payee_name: Option<bool>,
    /// Why the money is sent (asked for ¥5,000 or more to a payee never paid before).
    #[serde(default)]
    #[ts(optional)]
    pub purpose: Option<trust::Purpose>,
    /// The step-up SMS code (within 24 hours after a password change or recovery).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub step_up_code: Option<SecretString>,
    /// A transfer's note (备注): at most 20 characters, shown to both sides.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
    /// A merchant payment's link (`tongbao://pay?…`): the order's amount comes from the
    /// acquirer, never from `amount`.
    #[serde(default)]
    #[ts(optional)]
    pub order: Option<String>,
    /// A bill: what is paid and its 户号 (or the phone of a top-up).
    #[serde(default)]
    #[ts(optional)]
    pub bill_kind: Option<crate::biller::BillKind>,
    #[serde(default)]
    #[ts(optional)]
    pub bill_account: Option<String>,
    /// A repayment of one of the person's own bound credit cards (else `payee_card` and
    /// `payee_name` name anyone's).
    #[serde(default)]
    #[ts(optional, type = "number | null")]
    pub repay_card_id: Option<i64>,
}

/// A payment to make: the form, the client's idempotency key and the payment password.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub idem_key: String,
    pub input: PaymentInput,
    #[ts(type = "string")]
    pub pay_password: SecretString,
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRef {
    #[ts(type = "number")]
    pub payment_id: i64,
}

/// The wallet balance (零钱).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BalanceView {
    #[ts(type = "number")]
    pub balance_fen: Fen,
}

/// What the confirmation step shows before the payment password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentQuote {
    #[ts(type = "number")]
    pub amount_fen: Fen,
    #[ts(type = "number")]
    pub fee_fen: Fen,
    /// What is left of today's outgoing limit after this payment (None for a top-up).
    #[ts(type = "number | null")]
    pub daily_remaining_fen: Option<Fen>,
    pub payee: Option<Counterparty>,
    #[ts(type = "number | null")]
    pub arrives_at: Option<Millis>,
    #[ts(type = "number")]
    pub balance_fen: Fen,
    /// The payee's bank's answer on the name (transfers to a card).
    pub payee_check: Option<trust::PayeeCheckView>,
    /// The risk rules that apply, each worded by the UI (none for a payee paid before).
    pub risks: Vec<trust::RiskRule>,
    /// The arrivals this payment may choose (only delayed ones when the name is unchecked).
    pub arrivals: Vec<Arrival>,
}

/// Who is on the other side of a payment; the UI puts it into words of its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Counterparty {
    /// A wallet user, by their masked real name (`*四`).
    Person {
        #[serde(rename = "nameMasked")]
        name_masked: String,
    },
    /// A bank card, by its bank and last 4 digits, and the holder's name the payer gave and the
    /// bank confirmed, masked (`*五`; None for payments recorded before names were kept).
    Card {
        bank: BankId,
        last4: String,
        #[serde(rename = "nameMasked")]
        name_masked: Option<String>,
    },
    /// A merchant, by the name the acquirer verified and its merchant number.
    Merchant { name: String, number: String },
    /// A biller (国网北京市电力公司) or a carrier (中国移动), by name.
    Biller { name: String },
}

impl Counterparty {
    /// `*四`, or `ICBC 0231` (the CSV export, which is not translated).
    pub fn text(&self) -> String {
        match self {
            Counterparty::Person { name_masked } => name_masked.clone(),
            Counterparty::Card { bank, last4, name_masked: Some(n) } => format!("{n} {} {last4}", bank.code()),
            Counterparty::Card { bank, last4, name_masked: None } => format!("{} {last4}", bank.code()),
            Counterparty::Merchant { name, .. } | Counterparty::Biller { name } => name.clone(),
        }
    }
}

/// The person a phone number belongs to, masked, to confirm before paying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PayeeView {
    pub name_masked: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

/// A payment as the history and results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: PaymentKind,
    pub direction: Direction,
    #[ts(type = "number")]
    pub amount_fen: Fen,
    pub status: PaymentStatus,
    pub arrival: Arrival,
    #[ts(type = "number | null")]
    pub posts_at: Option<Millis>,
    pub counterparty: Option<Counterparty>,
    pub card_last4: Option<String>,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub failure: Option<ErrorCode>,
    pub revocable: bool,
    #[ts(type = "number")]
    pub created_at: Millis,
    /// What the payee's bank said of the name when the payment was made.
    pub payee_check: Option<trust::PayeeCheck>,
    /// The transfer's note (备注), for both sides.
    pub note: Option<String>,
    /// A merchant payment: the order's title and amount, the offer's discount and the points
    /// it earned; how much of it came back in refunds.
    pub order: Option<OrderPaid>,
    /// A refund: the merchant payment it gives money back for.
    #[ts(type = "number | null")]
    pub refund_of: Option<i64>,
    /// A bill payment's receipt (缴费凭证).
    pub bill: Option<bills::BillPaid>,
    /// The wallet's fee within the amount (a repayment beyond the month's free quota).
    #[ts(type = "number")]
    pub fee_fen: Fen,
}

/// What a merchant payment paid for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderPaid {
    pub order_id: String,
    pub title: String,
    #[ts(type = "number")]
    pub order_amount_fen: Fen,
    pub offer: Option<String>,
    #[ts(type = "number")]
    pub discount_fen: Fen,
    #[ts(type = "number")]
    pub points: i64,
    #[ts(type = "number")]
    pub refunded_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEvent {
    pub status: PaymentStatus,
    pub code: Option<ErrorCode>,
    #[ts(type = "number")]
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentDetail {
    pub payment: PaymentView,
    pub timeline: Vec<PaymentEvent>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryQuery {
    /// `YYYY-MM-DD` (Shanghai), inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<PaymentKind>,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub status: Option<PaymentStatus>,
    /// The page number: skipped rows (OFFSET) when `before` is absent, for display otherwise.
    pub page: u32,
    pub page_size: u32,
    /// Keyset paging: the page after this payment (the previous page's `next`). Flat at any
    /// depth, unlike `page` alone.
    #[ts(optional)]
    pub before: Option<HistoryCursor>,
    /// Words to find in the notes (备注).
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
}

/// Where a history page ends: the last payment's time and id (the list's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryCursor {
    #[ts(type = "number")]
    pub at: Millis,
    #[ts(type = "number")]
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub items: Vec<PaymentView>,
    pub page: u32,
    pub page_size: u32,
    /// Another page follows (no total is counted: at a million payments that costs more than
    /// the page).
    pub has_more: bool,
    /// The cursor of the next page (send it as `before`), when there is one.
    pub next: Option<HistoryCursor>,
}

/// Money in and out of the wallet in one Shanghai calendar month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyFlow {
    /// `YYYY-MM`.
    pub month: String,
    #[ts(type = "number")]
    pub in_fen: Fen,
    #[ts(type = "number")]
    pub out_fen: Fen,
}

/// How many of an account's payments are still pending (an account with one can't close).
pub(crate) fn pending_count(db: &Connection, account: AccountId) -> Result<i64, AppError> {
    Ok(db.query_row("SELECT count(*) FROM payments WHERE account_id = ?1 AND status = 'pending'", [account], |r| {
        r.get(0)
    })?)
}

/// The key is the client's: 8–64 characters of letters, digits and `-`.
fn check_key(key: &str) -> Result<(), AppError> {
    if (8..=64).contains(&key.len()) && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::AmountInvalid, "a payment needs an idempotency key of 8–64 letters and digits"))
    }
}

/// A payment row, as the settlement needs it.
struct Stored {
    id: i64,
    account: AccountId,
    key: String,
    kind: PaymentKind,
    amount: Fen,
    source_card: Option<i64>,
    dest_card: Option<i64>,
    payee_account: Option<AccountId>,
    payee_ref: Option<String>,
    posts_at: Option<Millis>,
    status: PaymentStatus,
    bank_state: String,
    /// A merchant payment's offer and its discount (sent to the acquirer with the payment).
    offer_id: Option<String>,
    discount: Fen,
    /// The wallet's fee within `amount` (a repayment's).
    fee: Fen,
}

const STORED: &str =
    "id, account_id, idem_key, kind, amount_fen, source_card, dest_card, payee_account, payee_ref, posts_at,
                      status, bank_state, offer_id, discount_fen, fee_fen";

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        account: r.get(1)?,
        key: r.get(2)?,
        kind: r.get(3)?,
        amount: r.get(4)?,
        source_card: r.get(5)?,
        dest_card: r.get(6)?,
        payee_account: r.get(7)?,
        payee_ref: r.get(8)?,
        posts_at: r.get(9)?,
        status: r.get(10)?,
        bank_state: r.get(11)?,
        offer_id: r.get(12)?,
        discount: r.get(13)?,
        fee: r.get(14)?,
    })
}

fn event(
    db: &Connection,
    payment: i64,
    status: PaymentStatus,
    code: Option<ErrorCode>,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO payment_events (payment_id, status, code, at) VALUES (?1, ?2, ?3, ?4)",
        params![payment, status.as_str(), code.map(|c| c.as_str()), now],
    )?;
    Ok(())
}

fn set_status(
    db: &Connection,
    p: i64,
    status: PaymentStatus,
    bank_state: &str,
    failure: Option<ErrorCode>,
    bank_ref: Option<&str>,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "UPDATE payments SET status = ?2, bank_state = ?3, bank_ref = coalesce(?5, bank_ref),
                failure = CASE WHEN ?2 = 'succeeded' THEN NULL ELSE coalesce(?4, failure) END,
                updated_at = ?6 WHERE id = ?1",
        params![p, status.as_str(), bank_state, failure.map(|c| c.as_str()), bank_ref, now],
    )?;
    event(db, p, status, failure, now)
}

/// The error a fail point returns (tests only): a write that failed as "database is locked"
/// would.
#[allow(dead_code)]
fn fail_error() -> AppError {
    AppError::new(ErrorCode::StorageError, "storage: database is locked (fail point)")
}

impl Stored {
    fn party(&self) -> &'static dyn counterparty::Party {
        party(self.kind)
    }

    /// The agreement token of the card that pays, if a card does.
    fn paying_token(&self, s: &Services) -> Result<Option<String>, AppError> {
        self.source_card.map(|c| s.card_token(c)).transpose()
    }

    fn source(&self) -> counterparty::Source {
        self.source_card.map_or(counterparty::Source::Balance, counterparty::Source::Card)
    }

    /// Whether the payment held money from the wallet before its counterparty's leg: the
    /// balance pays someone outside the wallet's books.
    fn holds(&self) -> bool {
        holds(self.source(), self.party())
    }

    /// Where the money comes from when the payment posts: the paying card's clearing account,
    /// the hold, or the balance itself (no outside leg at all).
    fn post_legs(&self) -> [(Acct, Fen); 2] {
        let from = match (self.party().pays_from(self), self.source()) {
            (Some(outside), _) => outside,
            (None, counterparty::Source::Card(card)) => Acct::CardClearing(card),
            (None, counterparty::Source::Balance) if self.holds() => Acct::InFlight(self.account),
            (None, counterparty::Source::Balance) => Acct::Wallet(self.account),
        };
        [(from, -self.amount), (self.party().lands_in(self), self.amount)]
    }
}

/// The hold (and, reversed, its void) of a payment from the balance to an outside leg.
fn hold_legs(account: AccountId, amount: Fen) -> [(Acct, Fen); 2] {
    [(Acct::Wallet(account), -amount), (Acct::InFlight(account), amount)]
}

fn void_legs(account: AccountId, amount: Fen) -> [(Acct, Fen); 2] {
    [(Acct::InFlight(account), -amount), (Acct::Wallet(account), amount)]
}

fn holds(source: counterparty::Source, party: &dyn counterparty::Party) -> bool {
    source == counterparty::Source::Balance && party.has_leg()
}

/// Whether the payment moves only inside the wallet's books (posts as it is recorded).
fn internal(source: counterparty::Source, party: &dyn counterparty::Party) -> bool {
    source == counterparty::Source::Balance && !party.has_leg()
}

impl Services {
    pub(super) fn call_opts(&self) -> Result<CallOptions, AppError> {
        Ok(CallOptions { timeout_ms: self.bank()?.policy.timeout_ms })
    }
}
