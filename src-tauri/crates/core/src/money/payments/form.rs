//! The payment form's checks: the wallet's limits and the balance (again inside the recording
//! transaction), the quote, the payee by phone and at the bank.

use rusqlite::{params, Connection, OptionalExtension};

use super::*;
use crate::accounts::{self, validate, AccountId};
use crate::bank::BankFailure;
use crate::cards::manage::stored_card;
use crate::cards::{self};
use crate::money::ledger::{self, Acct};
use crate::money::{self, Fen, DAILY_LIMIT_FEN, SINGLE_LIMIT_FEN};
use crate::platform::clock::shanghai_day_start;
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;
use crate::services::Services;

/// Outgoing money today (Shanghai day) that still counts: pending or succeeded.
pub(super) fn outgoing_today(db: &Connection, account: AccountId, now: Millis) -> Result<Fen, AppError> {
    Ok(db.query_row(
        "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE account_id = ?1 AND kind <> 'topup'
         AND status IN ('pending', 'succeeded') AND created_at >= ?2",
        params![account, shanghai_day_start(now)],
        |r| r.get(0),
    )?)
}

pub(super) fn limit_error(why: &str) -> AppError {
    AppError::new(ErrorCode::LimitExceeded, format!("over the wallet's limit: {why}"))
}

/// Whether a payment paid from the wallet balance (rather than a card).
pub(super) fn from_balance(kind: PaymentKind, card: Option<i64>) -> bool {
    match kind {
        PaymentKind::Topup => false,
        PaymentKind::Withdraw | PaymentKind::ToCard => true,
        PaymentKind::ToUser => card.is_none(),
    }
}

/// The wallet's own limits and the balance for a payment of `amount`. Run for the quick answer
/// of the form and again inside the `BEGIN IMMEDIATE` transaction that records the payment
/// (after the slow password check), so parallel payments are decided one after another.
pub(super) fn admit(
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

impl Services {
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

    pub(super) fn payee_by_phone(&self, me: AccountId, phone: &str) -> Result<(AccountId, String), AppError> {
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
    /// [`Services::check_payee_at_bank`]. The limits and the balance are checked again by
    /// [`admit`] in the transaction that records the payment.
    pub(super) fn check_form(
        &self,
        account: AccountId,
        input: &PaymentInput,
        amount: Fen,
    ) -> Result<Checked, AppError> {
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
                checked.counterparty = Some(Counterparty::Card {
                    bank: pan.info.bank,
                    last4: pan.last4().to_owned(),
                    name_masked: Some(accounts::mask_name(name)),
                });
                checked.payee_card = Some((pan, name.to_owned()));
            }
        }
        admit(&self.db(), account, input.kind, checked.card_id, amount, now)?;
        Ok(checked)
    }

    /// A payee card's number and name checked at the bank: its reference.
    pub(super) fn check_payee_at_bank(&self, checked: &mut Checked) -> Result<(), AppError> {
        let Some((pan, name)) = checked.payee_card.take() else { return Ok(()) };
        let link = self.bank()?;
        let p = self
            .call_bank(link, |o| link.bank.check_payee(pan.expose(), &name, o), &|_, _| {})
            .map_err(BankFailure::to_error)?;
        checked.payee_ref = Some(p.payee_ref);
        Ok(())
    }
}

/// What the form checks found.
#[derive(Default)]
pub(super) struct Checked {
    pub(super) card_id: Option<i64>,
    pub(super) payee_account: Option<AccountId>,
    pub(super) counterparty: Option<Counterparty>,
    pub(super) payee_ref: Option<String>,
    /// A payee card still to be checked at the bank (its number lives only until then).
    pub(super) payee_card: Option<(cards::CardNumber, String)>,
}
