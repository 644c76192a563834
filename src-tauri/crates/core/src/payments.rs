//! Payments (PRODUCT.md §6): top up from a bound card, withdraw to one, transfer to another
//! wallet user (from the balance or a card) or to any bank card (instant, in 2 hours, next
//! day; a delayed one can be revoked until it posts), with the payment password, the limits
//! and their codes, on the ledger of [`crate::ledger`].
//!
//! Every payment carries the client's idempotency key, stored (with the hold, if any) before
//! the bank is called and sent to the bank with every call: a double click, a retry after a
//! timeout or a restart finds the same payment and never pays twice. A bank leg that got no
//! answer stays `pending` with `bank_state = sent` and is settled by asking the bank what
//! became of the key ([`Wallet::settle_payments`], run at start-up and before lists).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts::{self, validate, AccountId};
use crate::bank::{BankFailure, BankTxn, CallOptions, CreditTo, TxnState};
use crate::cards::{self, BankId};
use crate::clock::{Millis, DAY, HOUR, SHANGHAI_OFFSET};
use crate::error::{AppError, ErrorCode};
use crate::ledger::{self, Acct, Phase};
use crate::manage::stored_card;
use crate::money::{self, Fen, DAILY_LIMIT_FEN, SINGLE_LIMIT_FEN};
use crate::secrets::SecretString;
use crate::wallet::Wallet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Topup,
    Withdraw,
    ToUser,
    ToCard,
}

impl PaymentKind {
    fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Topup => "topup",
            PaymentKind::Withdraw => "withdraw",
            PaymentKind::ToUser => "to_user",
            PaymentKind::ToCard => "to_card",
        }
    }
    fn parse(s: &str) -> PaymentKind {
        match s {
            "topup" => PaymentKind::Topup,
            "withdraw" => PaymentKind::Withdraw,
            "to_user" => PaymentKind::ToUser,
            _ => PaymentKind::ToCard,
        }
    }
    fn outgoing(self) -> bool {
        self != PaymentKind::Topup
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Arrival {
    Instant,
    TwoHours,
    NextDay,
}

impl Arrival {
    fn as_str(self) -> &'static str {
        match self {
            Arrival::Instant => "instant",
            Arrival::TwoHours => "two_hours",
            Arrival::NextDay => "next_day",
        }
    }
    fn parse(s: &str) -> Arrival {
        match s {
            "two_hours" => Arrival::TwoHours,
            "next_day" => Arrival::NextDay,
            _ => Arrival::Instant,
        }
    }
    /// When a transfer made at `now` posts: now, in 2 hours, or 24 hours later.
    fn posts_at(self, now: Millis) -> Option<Millis> {
        match self {
            Arrival::Instant => None,
            Arrival::TwoHours => Some(now + 2 * HOUR),
            Arrival::NextDay => Some(now + DAY),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Succeeded,
    Failed,
    Returned,
    Revoked,
}

impl PaymentStatus {
    fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Returned => "returned",
            PaymentStatus::Revoked => "revoked",
        }
    }
    fn parse(s: &str) -> PaymentStatus {
        match s {
            "succeeded" => PaymentStatus::Succeeded,
            "failed" => PaymentStatus::Failed,
            "returned" => PaymentStatus::Returned,
            "revoked" => PaymentStatus::Revoked,
            _ => PaymentStatus::Pending,
        }
    }
}

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
    /// A bank card, by its bank and last 4 digits.
    Card { bank: BankId, last4: String },
}

impl Counterparty {
    /// `*四`, or `ICBC 0231` (the CSV export, which is not translated).
    pub fn text(&self) -> String {
        match self {
            Counterparty::Person { name_masked } => name_masked.clone(),
            Counterparty::Card { bank, last4 } => format!("{} {last4}", bank.code()),
        }
    }
}

/// The person a phone number belongs to, masked, to confirm before paying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PayeeView {
    pub name_masked: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
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
    pub page: u32,
    pub page_size: u32,
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

/// The key is the client's: 8–64 characters of letters, digits and `-`.
fn check_key(key: &str) -> Result<(), AppError> {
    if (8..=64).contains(&key.len()) && key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::AmountInvalid, "a payment needs an idempotency key of 8–64 letters and digits"))
    }
}

/// 00:00 of the Shanghai day `at` falls in.
fn day_start(at: Millis) -> Millis {
    (at + SHANGHAI_OFFSET).div_euclid(DAY) * DAY - SHANGHAI_OFFSET
}

/// `YYYY-MM-DD` (Shanghai) → that day's first millisecond. Years outside 1900–9999 are refused
/// (a typed error, never an overflow).
fn parse_day(s: &str) -> Result<Millis, AppError> {
    let bad = || AppError::new(ErrorCode::InputInvalid, format!("{s:?} is not a YYYY-MM-DD date"));
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let year: i32 = y.parse().map_err(|_| bad())?;
    if !(1900..=9999).contains(&year) {
        return Err(bad());
    }
    let date =
        crate::clock::Date::new(year, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    date.days_since_epoch().checked_mul(DAY).and_then(|ms| ms.checked_sub(SHANGHAI_OFFSET)).ok_or_else(bad)
}

/// Outgoing money today (Shanghai day) that still counts: pending or succeeded.
fn outgoing_today(db: &Connection, account: AccountId, now: Millis) -> Result<Fen, AppError> {
    Ok(db.query_row(
        "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE account_id = ?1 AND kind <> 'topup'
         AND status IN ('pending', 'succeeded') AND created_at >= ?2",
        params![account, day_start(now)],
        |r| r.get(0),
    )?)
}

fn limit_error(why: &str) -> AppError {
    AppError::new(ErrorCode::LimitExceeded, format!("over the wallet's limit: {why}"))
}

/// Whether a payment paid from the wallet balance (rather than a card).
fn from_balance(kind: PaymentKind, card: Option<i64>) -> bool {
    match kind {
        PaymentKind::Topup => false,
        PaymentKind::Withdraw | PaymentKind::ToCard => true,
        PaymentKind::ToUser => card.is_none(),
    }
}

/// The wallet's own limits and the balance for a payment of `amount`. Run for the quick answer
/// of the form and again inside the `BEGIN IMMEDIATE` transaction that records the payment
/// (after the slow password check), so parallel payments are decided one after another.
fn admit(
    db: &Connection,
    account: AccountId,
    kind: PaymentKind,
    card: Option<i64>,
    amount: Fen,
    now: Millis,
) -> Result<(), AppError> {
    if amount > SINGLE_LIMIT_FEN {
        return Err(limit_error("one payment is at most ¥50,000"));
    }
    if kind.outgoing() && outgoing_today(db, account, now)?.checked_add(amount).is_none_or(|t| t > DAILY_LIMIT_FEN) {
        return Err(limit_error("at most ¥200,000 a day"));
    }
    if from_balance(kind, card) && ledger::balance(db, Acct::Wallet(account))? < amount {
        return Err(AppError::new(ErrorCode::InsufficientFunds, "the balance is too low for this payment"));
    }
    Ok(())
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
}

const STORED: &str =
    "id, account_id, idem_key, kind, amount_fen, source_card, dest_card, payee_account, payee_ref, posts_at,
                      status, bank_state";

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get(0)?,
        account: r.get(1)?,
        key: r.get(2)?,
        kind: PaymentKind::parse(&r.get::<_, String>(3)?),
        amount: r.get(4)?,
        source_card: r.get(5)?,
        dest_card: r.get(6)?,
        payee_account: r.get(7)?,
        payee_ref: r.get(8)?,
        posts_at: r.get(9)?,
        status: PaymentStatus::parse(&r.get::<_, String>(10)?),
        bank_state: r.get(11)?,
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
        "UPDATE payments SET status = ?2, bank_state = ?3, failure = coalesce(?4, failure), bank_ref = coalesce(?5, bank_ref),
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

/// Where a payment's money ends when it posts, and where a voided hold goes back.
fn post_legs(p: &Stored) -> Vec<(Acct, Fen)> {
    let a = p.amount;
    match p.kind {
        PaymentKind::Topup => {
            vec![(Acct::CardClearing(p.source_card.unwrap_or_default()), -a), (Acct::Wallet(p.account), a)]
        }
        PaymentKind::Withdraw => {
            vec![(Acct::InFlight(p.account), -a), (Acct::CardClearing(p.dest_card.unwrap_or_default()), a)]
        }
        PaymentKind::ToUser => {
            let payee = Acct::Wallet(p.payee_account.unwrap_or_default());
            match p.source_card {
                Some(card) => vec![(Acct::CardClearing(card), -a), (payee, a)],
                None => vec![(Acct::Wallet(p.account), -a), (payee, a)],
            }
        }
        PaymentKind::ToCard => vec![(Acct::InFlight(p.account), -a), (Acct::PayeeClearing, a)],
    }
}

/// Whether the payment held money from the wallet before its bank leg.
fn holds(p: &Stored) -> bool {
    matches!(p.kind, PaymentKind::Withdraw | PaymentKind::ToCard)
}

impl Wallet {
    fn call_opts(&self) -> Result<CallOptions, AppError> {
        Ok(CallOptions { timeout_ms: self.bank()?.policy.timeout_ms })
    }

    /// The signed-in person's wallet balance, after settling what is due.
    pub fn balance(&self) -> Result<Fen, AppError> {
        let account = self.require_account()?;
        self.settle_payments(Some(account))?;
        ledger::balance(&self.db(), Acct::Wallet(account))
    }

    /// Who a phone number belongs to, masked (`*四`), to confirm a transfer.
    pub fn find_payee(&self, phone: &str) -> Result<PayeeView, AppError> {
        let account = self.require_account()?;
        let (_, name) = self.payee_by_phone(account, phone)?;
        Ok(PayeeView { name_masked: accounts::mask_name(&name) })
    }

    fn payee_by_phone(&self, me: AccountId, phone: &str) -> Result<(AccountId, String), AppError> {
        let phone = validate::phone(phone)?;
        let found: Option<(AccountId, String)> = self
            .db()
            .query_row("SELECT id, real_name FROM accounts WHERE phone = ?1", [&phone], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            Some((id, _)) if id == me => Err(AppError::new(ErrorCode::SelfTransfer, "a transfer to oneself")),
            Some(p) => Ok(p),
            None => Err(AppError::new(ErrorCode::PayeeNotFound, "no wallet user has this phone number")),
        }
    }

    /// Checks the form against every rule that needs no password and no money moving: the
    /// amount, the card, the payee, the wallet's limits. The confirmation step shows the result.
    pub fn quote_payment(&self, input: &PaymentInput) -> Result<PaymentQuote, AppError> {
        let account = self.require_account()?;
        let amount = money::parse_amount(&input.amount)?;
        let now = self.clock.now();
        // A payee card is checked at the bank already: a wrong name shows before the password.
        let mut checked = self.check_form(account, input, amount)?;
        self.check_payee_at_bank(&mut checked)?;
        let payee = checked.counterparty;
        let db = self.db();
        let today = outgoing_today(&db, account, now)?;
        let balance_fen = ledger::balance(&db, Acct::Wallet(account))?;
        Ok(PaymentQuote {
            amount_fen: amount,
            fee_fen: 0,
            daily_remaining_fen: input.kind.outgoing().then(|| DAILY_LIMIT_FEN - today - amount),
            payee,
            arrives_at: match input.kind {
                PaymentKind::ToCard => input.arrival.unwrap_or(Arrival::Instant).posts_at(now).or(Some(now)),
                _ => Some(now),
            },
            balance_fen,
        })
    }

    /// The checks shared by the quote and the payment that need no bank: limits, the card,
    /// the payee, the balance. A payee card is parsed here and checked by
    /// [`Wallet::check_payee_at_bank`]. The limits and the balance are checked again by
    /// [`admit`] in the transaction that records the payment.
    fn check_form(&self, account: AccountId, input: &PaymentInput, amount: Fen) -> Result<Checked, AppError> {
        let now = self.clock.now();
        let card = match input.card_id {
            Some(id) => {
                let c = stored_card(&self.db(), account, id)?;
                c.check_payable(now)?;
                Some(c)
            }
            None => None,
        };
        let mut checked = Checked { card_id: card.as_ref().map(|c| c.id), ..Checked::default() };
        match input.kind {
            PaymentKind::Topup | PaymentKind::Withdraw if card.is_none() => {
                return Err(AppError::new(ErrorCode::CardNotFound, "choose a bound card"));
            }
            PaymentKind::Topup | PaymentKind::Withdraw => {}
            PaymentKind::ToUser => {
                let (payee, name) = self.payee_by_phone(account, input.payee_phone.as_deref().unwrap_or(""))?;
                checked.payee_account = Some(payee);
                checked.counterparty = Some(Counterparty::Person { name_masked: accounts::mask_name(&name) });
            }
            PaymentKind::ToCard => {
                if card.is_some() {
                    return Err(AppError::new(
                        ErrorCode::CardEditInvalid,
                        "a transfer to a card is paid from the balance",
                    ));
                }
                let pan = cards::parse_card_number(input.payee_card.as_ref().map(SecretString::expose).unwrap_or(""))?;
                let name = input.payee_name.as_deref().unwrap_or("").trim();
                if name.is_empty() {
                    return Err(AppError::new(ErrorCode::PayeeNameMismatch, "the payee's name is needed"));
                }
                checked.counterparty = Some(Counterparty::Card { bank: pan.info.bank, last4: pan.last4().to_owned() });
                checked.payee_card = Some((pan, name.to_owned()));
            }
        }
        admit(&self.db(), account, input.kind, checked.card_id, amount, now)?;
        Ok(checked)
    }

    /// A payee card's number and name checked at the bank: its reference.
    fn check_payee_at_bank(&self, checked: &mut Checked) -> Result<(), AppError> {
        let Some((pan, name)) = checked.payee_card.take() else { return Ok(()) };
        let link = self.bank()?;
        let p = self
            .call_bank(link, |o| link.bank.check_payee(pan.expose(), &name, o), &|_, _| {})
            .map_err(BankFailure::to_error)?;
        checked.payee_ref = Some(p.payee_ref);
        Ok(())
    }

    /// Makes a payment. A key seen before answers the payment it made (finishing it first if
    /// its bank leg had no answer): never a second payment.
    pub fn pay(&self, req: &PaymentRequest, on_retry: &dyn Fn(u32, u32)) -> Result<PaymentView, AppError> {
        let account = self.require_account()?;
        check_key(&req.idem_key)?;
        if let Some(p) = self.payment_by_key(&req.idem_key)? {
            if p.account != account {
                return Err(AppError::new(ErrorCode::PaymentNotFound, "this key belongs to another payment"));
            }
            self.finish(&p, on_retry)?;
            return self.payment_view(account, p.id);
        }
        let input = &req.input;
        let amount = money::parse_amount(&input.amount)?;
        let mut checked = self.check_form(account, input, amount)?;
        accounts::check_pay_password(&self.db, account, req.pay_password.expose(), self.clock.now())?;
        self.check_payee_at_bank(&mut checked)?;
        let now = self.clock.now();
        let arrival = if input.kind == PaymentKind::ToCard {
            input.arrival.unwrap_or(Arrival::Instant)
        } else {
            Arrival::Instant
        };
        let (source_card, dest_card) = match input.kind {
            PaymentKind::Withdraw => (None, checked.card_id),
            _ => (checked.card_id, None),
        };
        let (payee_bank, payee_last4) = match &checked.counterparty {
            Some(Counterparty::Card { bank, last4 }) => (Some(bank.code()), Some(last4.as_str())),
            _ => (None, None),
        };
        fail::fail_point!("pay::before_record", |_| Err(fail_error()));
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?; // BEGIN IMMEDIATE: limits, balance and insert at once
            if let Some(c) = checked.card_id {
                stored_card(&tx, account, c)?.check_payable(now)?; // unbound or frozen meanwhile
            }
            admit(&tx, account, input.kind, checked.card_id, amount, now)?;
            let inserted = tx.execute(
                "INSERT INTO payments (idem_key, account_id, kind, amount_fen, source_card, dest_card, payee_account, payee_bank,
                                       payee_last4, payee_ref, arrival, posts_at, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'pending', ?13, ?13)",
                params![
                    req.idem_key,
                    account,
                    input.kind.as_str(),
                    amount,
                    source_card,
                    dest_card,
                    checked.payee_account,
                    payee_bank,
                    payee_last4,
                    checked.payee_ref,
                    arrival.as_str(),
                    arrival.posts_at(now),
                    now
                ],
            );
            match inserted {
                Ok(_) => {}
                // The same key, at the same moment, from another call: that one is the payment.
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    drop(tx);
                    drop(db);
                    let p =
                        self.payment_by_key(&req.idem_key)?.ok_or_else(|| AppError::internal("a payment vanished"))?;
                    return self.payment_view(account, p.id);
                }
                Err(e) => return Err(e.into()),
            }
            let id = tx.last_insert_rowid();
            event(&tx, id, PaymentStatus::Pending, None, now)?;
            match input.kind {
                PaymentKind::Withdraw | PaymentKind::ToCard => ledger::journal(
                    &tx,
                    id,
                    Phase::Hold,
                    &[(Acct::Wallet(account), -amount), (Acct::InFlight(account), amount)],
                    now,
                )?,
                // Wallet to wallet has no bank leg: it posts in the transaction that records it.
                PaymentKind::ToUser if source_card.is_none() => {
                    let legs = [
                        (Acct::Wallet(account), -amount),
                        (Acct::Wallet(checked.payee_account.unwrap_or_default()), amount),
                    ];
                    ledger::journal(&tx, id, Phase::Post, &legs, now)?;
                    set_status(&tx, id, PaymentStatus::Succeeded, "done", None, None, now)?;
                }
                _ => {}
            }
            fail::fail_point!("pay::before_commit", |_| Err(fail_error()));
            tx.commit()?;
            id
        };
        tracing::info!(payment = id, kind = input.kind.as_str(), "payment recorded");
        fail::fail_point!("pay::after_record", |_| Err(fail_error()));
        let p = self.payment(id)?;
        self.finish(&p, on_retry)?;
        self.payment_view(account, id)
    }

    fn payment_by_key(&self, key: &str) -> Result<Option<Stored>, AppError> {
        Ok(self
            .db()
            .query_row(&format!("SELECT {STORED} FROM payments WHERE idem_key = ?1"), [key], stored)
            .optional()?)
    }

    fn payment(&self, id: i64) -> Result<Stored, AppError> {
        Ok(self.db().query_row(&format!("SELECT {STORED} FROM payments WHERE id = ?1"), [id], stored)?)
    }

    /// Moves a pending payment as far as it can go now: its bank leg (sent again under the
    /// same key when it had no answer, so the bank answers the original result), then the
    /// post or the void. A delayed transfer before its time waits.
    fn finish(&self, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        if p.status != PaymentStatus::Pending {
            return Ok(());
        }
        let now = self.clock.now();
        if p.posts_at.is_some_and(|t| t > now) {
            return Ok(());
        }
        if p.kind == PaymentKind::ToUser && p.source_card.is_none() {
            // Wallet to wallet: no bank leg.
            let mut db = self.db();
            let tx = db.transaction()?;
            match ledger::journal(&tx, p.id, Phase::Post, &post_legs(p), now) {
                Ok(()) => set_status(&tx, p.id, PaymentStatus::Succeeded, "done", None, None, now)?,
                Err(e) if e.code == ErrorCode::InsufficientFunds => {
                    drop(tx);
                    set_status(&db, p.id, PaymentStatus::Failed, "none", Some(e.code), None, now)?;
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
            tx.commit()?;
            return Ok(());
        }
        let link = self.bank()?;
        fail::fail_point!("finish::before_sent", |_| Err(fail_error()));
        self.db().execute("UPDATE payments SET bank_state = 'sent' WHERE id = ?1 AND bank_state = 'none'", [p.id])?;
        fail::fail_point!("finish::after_sent", |_| Err(fail_error()));
        let token = |card: Option<i64>| -> Result<String, AppError> {
            let id = card.ok_or_else(|| AppError::internal("a card payment without its card"))?;
            Ok(self.db().query_row("SELECT token FROM cards WHERE id = ?1", [id], |r| r.get(0))?)
        };
        let answer = match p.kind {
            PaymentKind::Topup | PaymentKind::ToUser => {
                let t = token(p.source_card)?;
                self.call_bank(link, |o| link.bank.debit(&t, p.amount, &p.key, o), on_retry)
            }
            PaymentKind::Withdraw => {
                let t = token(p.dest_card)?;
                self.call_bank(link, |o| link.bank.credit(CreditTo::Token(&t), p.amount, &p.key, o), on_retry)
            }
            PaymentKind::ToCard => {
                let r = p.payee_ref.clone().unwrap_or_default();
                self.call_bank(link, |o| link.bank.credit(CreditTo::Payee(&r), p.amount, &p.key, o), on_retry)
            }
        };
        fail::fail_point!("finish::after_bank", |_| Err(fail_error()));
        self.settle_answer(p, answer.map_err(Some))
    }

    /// Applies the bank's answer to a payment: posted, voided (failed, or returned for a
    /// delayed transfer), or — no answer (`Err(None)` or a fault) — left pending for later.
    fn settle_answer(&self, p: &Stored, answer: Result<BankTxn, Option<BankFailure>>) -> Result<(), AppError> {
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction()?;
        // Another call may have settled it meanwhile: settle once.
        let status: String = tx.query_row("SELECT status FROM payments WHERE id = ?1", [p.id], |r| r.get(0))?;
        if status != "pending" {
            return Ok(());
        }
        let result = match answer {
            Ok(txn) => {
                ledger::journal(&tx, p.id, Phase::Post, &post_legs(p), now)?;
                set_status(&tx, p.id, PaymentStatus::Succeeded, "done", None, Some(&txn.reference), now)?;
                tracing::info!(payment = p.id, "payment posted");
                Ok(())
            }
            Err(Some(f @ BankFailure::Declined(_))) | Err(Some(f @ BankFailure::Session(_))) => {
                if holds(p) {
                    ledger::journal(
                        &tx,
                        p.id,
                        Phase::Void,
                        &[(Acct::InFlight(p.account), -p.amount), (Acct::Wallet(p.account), p.amount)],
                        now,
                    )?;
                }
                let status = if p.posts_at.is_some() { PaymentStatus::Returned } else { PaymentStatus::Failed };
                set_status(&tx, p.id, status, "done", Some(f.code()), None, now)?;
                tracing::info!(payment = p.id, code = f.code().as_str(), "payment declined");
                Err(f.to_error())
            }
            Err(fault) => {
                let e = fault.map(BankFailure::to_error).unwrap_or_else(|| {
                    AppError::new(ErrorCode::NetworkTimeout, "the bank has not answered this payment yet")
                });
                tracing::info!(payment = p.id, code = e.code.as_str(), "payment left pending: no answer");
                Err(e)
            }
        };
        fail::fail_point!("settle::before_commit", |_| Err(fail_error()));
        tx.commit()?;
        result
    }

    /// Settles what can be settled: delayed transfers that are due, payments recorded but never
    /// sent (a crash or a failed write between the two), and bank legs that got no answer (the
    /// bank is asked what became of their key). Runs at start-up for every account (`None`) and
    /// before the balance and the history for the signed-in person only.
    pub fn settle_payments(&self, account: Option<AccountId>) -> Result<usize, AppError> {
        let now = self.clock.now();
        let open: Vec<Stored> = {
            let db = self.db();
            let mut st = db.prepare_cached(&format!(
                "SELECT {STORED} FROM payments WHERE status = 'pending'
                 AND (posts_at IS NULL OR posts_at <= ?1) AND (?2 IS NULL OR account_id = ?2)"
            ))?;
            let rows = st.query_map(params![now, account], stored)?;
            rows.collect::<Result<_, _>>()?
        };
        if open.is_empty() {
            return Ok(0);
        }
        let Ok(link) = self.bank() else { return Ok(0) };
        let opts = self.call_opts()?;
        let mut settled = 0;
        for p in open {
            if p.bank_state == "sent" {
                let state = link.bank.inquire(&p.key, opts);
                fail::fail_point!("settle::after_inquire", |_| Err(fail_error()));
                match state {
                    Ok(TxnState::Done(t)) => {
                        let _ = self.settle_answer(&p, Ok(t));
                    }
                    Ok(TxnState::Declined(d)) => {
                        let _ = self.settle_answer(&p, Err(Some(BankFailure::Declined(d))));
                    }
                    // Never reached the bank: send it now, under the same key.
                    Ok(TxnState::NotFound) => {
                        let _ = self.finish(&p, &|_, _| {});
                    }
                    Err(_) => continue, // the bank is not answering: try again later
                }
            } else {
                // Recorded, never sent (or a due delayed transfer): send it under its key; the
                // bank answers the original if it had it after all.
                let _ = self.finish(&p, &|_, _| {});
            }
            settled += 1;
        }
        Ok(settled)
    }

    /// Revokes a delayed transfer that has not posted: the held money goes back.
    pub fn revoke_payment(&self, id: i64) -> Result<PaymentView, AppError> {
        let account = self.require_account()?;
        let now = self.clock.now();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            let p = tx
                .query_row(
                    &format!("SELECT {STORED} FROM payments WHERE id = ?1 AND account_id = ?2"),
                    params![id, account],
                    stored,
                )
                .optional()?
                .ok_or_else(|| AppError::new(ErrorCode::PaymentNotFound, "no such payment"))?;
            let due = p.posts_at.is_none_or(|t| t <= now);
            if p.status != PaymentStatus::Pending || p.bank_state != "none" || due {
                return Err(AppError::new(
                    ErrorCode::PaymentNotRevocable,
                    "only a delayed transfer that has not posted can be revoked",
                ));
            }
            ledger::journal(
                &tx,
                p.id,
                Phase::Void,
                &[(Acct::InFlight(account), -p.amount), (Acct::Wallet(account), p.amount)],
                now,
            )?;
            set_status(&tx, p.id, PaymentStatus::Revoked, "done", None, None, now)?;
            tx.commit()?;
        }
        tracing::info!(payment = id, "delayed transfer revoked");
        self.payment_view(account, id)
    }

    fn payment_view(&self, me: AccountId, id: i64) -> Result<PaymentView, AppError> {
        let db = self.db();
        let sql = format!("SELECT {VIEW} FROM payments p LEFT JOIN cards c ON c.id = coalesce(p.source_card, p.dest_card) WHERE p.id = ?3");
        db.query_row(&sql, params![me, self.clock.now(), id], view_row)
            .optional()?
            .ok_or_else(|| AppError::new(ErrorCode::PaymentNotFound, "no such payment"))
    }

    /// A payment of the signed-in person (made or received) with its status timeline.
    pub fn payment_detail(&self, id: i64) -> Result<PaymentDetail, AppError> {
        let me = self.require_account()?;
        let payment = self.payment_view(me, id)?;
        let db = self.db();
        let owner: (AccountId, Option<AccountId>) =
            db.query_row("SELECT account_id, payee_account FROM payments WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if owner.0 != me && owner.1 != Some(me) {
            return Err(AppError::new(ErrorCode::PaymentNotFound, "no such payment"));
        }
        let mut st = db.prepare("SELECT status, code, at FROM payment_events WHERE payment_id = ?1 ORDER BY id")?;
        let timeline = st
            .query_map([id], |r| {
                let code: Option<String> = r.get(1)?;
                Ok(PaymentEvent {
                    status: PaymentStatus::parse(&r.get::<_, String>(0)?),
                    code: code.and_then(|c| ErrorCode::ALL.iter().copied().find(|e| e.as_str() == c)),
                    at: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(PaymentDetail { payment, timeline })
    }

    /// The history: newest first, paged, filtered. A received transfer shows to its payee
    /// (as money in) only once it has succeeded. Made and received payments are two index
    /// walks merged in date order, so a page costs the same at 20 or 1 000 000 payments.
    pub fn history(&self, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        let me = self.require_account()?;
        self.settle_payments(Some(me))?;
        self.history_page(me, q)
    }

    fn history_page(&self, me: AccountId, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        let page_size = q.page_size.clamp(1, 100);
        let (filters, mut args) = history_filter(me, self.clock.now(), q)?;
        args.push(rusqlite::types::Value::Integer(i64::from(page_size) + 1));
        args.push(rusqlite::types::Value::Integer(i64::from(q.page) * i64::from(page_size)));
        let n = args.len();
        let from = "FROM payments p LEFT JOIN cards c ON c.id = coalesce(p.source_card, p.dest_card)";
        let sql = format!(
            "SELECT * FROM (
                 SELECT {VIEW} {from} WHERE p.account_id = ?1 {filters}
                 UNION ALL
                 SELECT {VIEW} {from} WHERE p.payee_account = ?1 AND p.account_id <> ?1 AND p.status = 'succeeded' {filters}
             ) ORDER BY 13 DESC, 1 DESC LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        );
        let db = self.db();
        let mut st = db.prepare_cached(&sql)?;
        let mut items: Vec<PaymentView> =
            st.query_map(rusqlite::params_from_iter(args.iter()), view_row)?.collect::<Result<_, _>>()?;
        let has_more = items.len() > page_size as usize;
        items.truncate(page_size as usize);
        Ok(HistoryPage { items, page: q.page, page_size, has_more })
    }

    /// Money in and out per Shanghai month, for the last `months` months up to now.
    pub fn monthly_flows(&self, months: u32) -> Result<Vec<MonthlyFlow>, AppError> {
        let me = self.require_account()?;
        let now = self.clock.now();
        let today = crate::clock::Date::in_shanghai(now);
        let mut out = vec![];
        let db = self.db();
        for back in (0..months.clamp(1, 24)).rev() {
            let total = today.year * 12 + today.month as i32 - 1 - back as i32;
            let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
            let start = parse_day(&format!("{y:04}-{m:02}-01"))?;
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            let end = parse_day(&format!("{ny:04}-{nm:02}-01"))?;
            let (in_fen, out_fen): (Fen, Fen) = db.query_row(
                "SELECT coalesce(sum(CASE WHEN kind = 'topup' AND account_id = ?1 THEN amount_fen
                                          WHEN payee_account = ?1 THEN amount_fen END), 0),
                        coalesce(sum(CASE WHEN kind <> 'topup' AND account_id = ?1 THEN amount_fen END), 0)
                 FROM payments WHERE status = 'succeeded' AND (account_id = ?1 OR payee_account = ?1)
                 AND created_at >= ?2 AND created_at < ?3",
                params![me, start, end],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            out.push(MonthlyFlow { month: format!("{y:04}-{m:02}"), in_fen, out_fen });
        }
        Ok(out)
    }

    /// The history as CSV (every page of the filter), for the person to save.
    pub fn history_csv(&self, q: &HistoryQuery) -> Result<String, AppError> {
        let me = self.require_account()?;
        self.settle_payments(Some(me))?; // once, not per page
        let mut csv = String::from("id,created_at_ms,kind,direction,amount,status,counterparty,card_last4,failure\n");
        let mut page = 0;
        loop {
            let p = self.history_page(me, &HistoryQuery { page, page_size: 100, ..q.clone() })?;
            for v in &p.items {
                let esc = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
                csv.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{}\n",
                    v.id,
                    v.created_at,
                    v.kind.as_str(),
                    if v.direction == Direction::In { "in" } else { "out" },
                    esc(&money::format_fen(v.amount_fen)),
                    v.status.as_str(),
                    esc(&v.counterparty.as_ref().map(Counterparty::text).unwrap_or_default()),
                    v.card_last4.as_deref().unwrap_or(""),
                    v.failure.map_or("", |c| c.as_str())
                ));
            }
            if !p.has_more {
                break;
            }
            page += 1;
        }
        Ok(csv)
    }
}

/// What the form checks found.
#[derive(Default)]
struct Checked {
    card_id: Option<i64>,
    payee_account: Option<AccountId>,
    counterparty: Option<Counterparty>,
    payee_ref: Option<String>,
    /// A payee card still to be checked at the bank (its number lives only until then).
    payee_card: Option<(cards::CardNumber, String)>,
}

/// The columns of a [`PaymentView`]: ?1 is the person looking, ?2 the time now.
const VIEW: &str = "p.id, p.kind, CASE WHEN p.account_id = ?1 THEN 'out' ELSE 'in' END, p.amount_fen, p.status, p.arrival,
                    p.posts_at, p.payee_bank, c.last4, c.id, p.failure,
                    (p.status = 'pending' AND p.bank_state = 'none' AND p.posts_at > ?2 AND p.account_id = ?1), p.created_at,
                    (SELECT real_name FROM accounts WHERE id = p.account_id), p.payee_last4,
                    (SELECT real_name FROM accounts WHERE id = p.payee_account)";

fn view_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentView> {
    let kind = PaymentKind::parse(&r.get::<_, String>(1)?);
    let direction = if r.get::<_, String>(2)? == "in" { Direction::In } else { Direction::Out };
    // Incoming: the payer, by masked name; outgoing: the payee card or the payee, by masked
    // name. A top-up counts as money in for its maker.
    let person = |col| -> rusqlite::Result<Option<Counterparty>> {
        Ok(r.get::<_, Option<String>>(col)?.map(|n| Counterparty::Person { name_masked: accounts::mask_name(&n) }))
    };
    let counterparty = match (direction, r.get::<_, Option<String>>(7)?, r.get::<_, Option<String>>(14)?) {
        (Direction::In, _, _) => person(13)?,
        (Direction::Out, Some(bank), Some(last4)) => {
            BankId::from_code(&bank).map(|bank| Counterparty::Card { bank, last4 })
        }
        (Direction::Out, _, _) => person(15)?,
    };
    let failure: Option<String> = r.get(10)?;
    Ok(PaymentView {
        id: r.get(0)?,
        kind,
        direction: if kind == PaymentKind::Topup { Direction::In } else { direction },
        amount_fen: r.get(3)?,
        status: PaymentStatus::parse(&r.get::<_, String>(4)?),
        arrival: Arrival::parse(&r.get::<_, String>(5)?),
        posts_at: r.get(6)?,
        counterparty,
        card_last4: if direction == Direction::Out { r.get(8)? } else { None },
        card_id: if direction == Direction::Out { r.get(9)? } else { None },
        failure: failure.and_then(|c| ErrorCode::ALL.iter().copied().find(|e| e.as_str() == c)),
        revocable: r.get(11)?,
        created_at: r.get(12)?,
    })
}

/// A history query's filters as ` AND …` clauses, and the arguments (?1 = the person,
/// ?2 = now, ?3 … the filters).
fn history_filter(
    me: AccountId,
    now: Millis,
    q: &HistoryQuery,
) -> Result<(String, Vec<rusqlite::types::Value>), AppError> {
    use rusqlite::types::Value;
    let mut args: Vec<Value> = vec![Value::Integer(me), Value::Integer(now)];
    let mut clauses = String::new();
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        clauses.push_str(" AND ");
        clauses.push_str(&clause.replace('#', &format!("?{}", args.len())));
    };
    if let Some(from) = q.from.as_deref().filter(|s| !s.is_empty()) {
        add("p.created_at >= #", Value::Integer(parse_day(from)?));
    }
    if let Some(to) = q.to.as_deref().filter(|s| !s.is_empty()) {
        add("p.created_at < #", Value::Integer(parse_day(to)? + DAY));
    }
    if let Some(kind) = q.kind {
        add("p.kind = #", Value::Text(kind.as_str().into()));
    }
    if let Some(card) = q.card_id {
        add("(p.source_card = # OR p.dest_card = #)", Value::Integer(card));
    }
    if let Some(status) = q.status {
        add("p.status = #", Value::Text(status.as_str().into()));
    }
    Ok((clauses, args))
}
