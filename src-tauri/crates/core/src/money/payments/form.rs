//! The payment form's checks: the wallet's limits and the balance (again inside the recording
//! transaction), the quote, the payee by phone and at the bank.

use rusqlite::{params, Connection};

use super::counterparty::{Source, Target};
use super::*;
use crate::accounts::{self, validate, AccountId};
use crate::cards::manage::stored_card;
use crate::money::ledger::{self, Acct};
use crate::money::ops::Money;
use crate::money::{self, Fen, DAILY_LIMIT_FEN, SINGLE_LIMIT_FEN};
use crate::platform::clock::shanghai_day_start;
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

/// Outgoing money today (Shanghai day) that still counts: pending or succeeded.
pub(super) fn outgoing_today(db: &Connection, account: AccountId, now: Millis) -> Result<Fen, AppError> {
    Ok(db.query_row(
        "SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE account_id = ?1 AND kind NOT IN ('topup', 'refund')
         AND status IN ('pending', 'succeeded', 'refunded', 'partially_refunded') AND created_at >= ?2",
        params![account, shanghai_day_start(now)],
        |r| r.get(0),
    )?)
}

pub(super) fn limit_error(why: &str) -> AppError {
    AppError::new(ErrorCode::LimitExceeded, format!("over the wallet's limit: {why}"))
}

/// The wallet's own limits and the balance for a payment of `amount`. Run for the quick answer
/// of the form and again inside the `BEGIN IMMEDIATE` transaction that records the payment
/// (after the slow password check), so parallel payments are decided one after another.
pub(super) fn admit(
    db: &Connection,
    account: AccountId,
    kind: PaymentKind,
    source: Source,
    amount: Fen,
    now: Millis,
) -> Result<(), AppError> {
    if amount > SINGLE_LIMIT_FEN {
        return Err(limit_error("one payment is at most ¥50,000"));
    }
    if kind.outgoing() && outgoing_today(db, account, now)?.checked_add(amount).is_none_or(|t| t > DAILY_LIMIT_FEN) {
        return Err(limit_error("at most ¥200,000 a day"));
    }
    if source == Source::Balance && ledger::balance(db, Acct::Wallet(account))? < amount {
        return Err(AppError::new(ErrorCode::InsufficientFunds, "the balance is too low for this payment"));
    }
    Ok(())
}

impl Services {
    pub(super) fn payee_by_phone(&self, me: AccountId, phone: &str) -> Result<(AccountId, String), AppError> {
        let phone = validate::phone(phone)?;
        let found = accounts::by_phone(&self.db(), &phone)?;
        match found {
            Some((id, _)) if id == me => Err(AppError::new(ErrorCode::SelfTransfer, "a transfer to oneself")),
            Some(p) => Ok(p),
            None => Err(AppError::new(ErrorCode::PayeeNotFound, "no wallet user has this phone number")),
        }
    }

    /// The checks shared by the quote and the payment that need no outside call: the card, the
    /// counterparty's fields, the limits, the balance. The limits and the balance are checked
    /// again by [`admit`] in the transaction that records the payment.
    /// The amount is the typed one, or the one the counterparty sets (a merchant order's).
    pub(super) fn check_form(&self, account: AccountId, input: &PaymentInput) -> Result<(Target, Fen), AppError> {
        let typed = match input.kind {
            PaymentKind::Merchant => None,
            _ => Some(money::parse_amount(&input.amount)?),
        };
        let now = self.clock.now();
        let card = match input.card_id {
            Some(id) => {
                let c = stored_card(&self.db(), account, id)?;
                c.check_payable(now)?;
                Some(c)
            }
            None => None,
        };
        let target = party(input.kind).check(self, account, input, card.as_ref())?;
        let amount = target.fixed_amount.or(typed).ok_or_else(|| AppError::internal("a payment without an amount"))?;
        admit(&self.db(), account, input.kind, target.source(), amount, now)?;
        Ok((target, amount))
    }
}

impl Money<'_> {
    /// The signed-in person's wallet balance, after settling what is due (the bank asked, with
    /// its retries: this can wait on the bank).
    pub fn balance(&self) -> Result<Fen, AppError> {
        self.settle_payments(Some(self.require_account()?))?;
        self.balance_now()
    }

    /// The balance as the books have it now, never waiting on the bank (the home screen's):
    /// what is pending shows as 处理中 until [`Self::settle_mine`] — which the app runs in the
    /// background after it — settles it.
    pub fn balance_now(&self) -> Result<Fen, AppError> {
        let account = self.require_account()?;
        ledger::balance(&self.db(), Acct::Wallet(account))
    }

    /// Settles the signed-in person's pending payments without counting as their activity (a
    /// background task's work); how many settled.
    pub fn settle_mine(&self) -> Result<usize, AppError> {
        let account = self.peek_account()?;
        self.settle_payments(Some(account))
    }

    /// Who a phone number belongs to, masked (`*四`), to confirm a transfer.
    pub fn find_payee(&self, phone: &str) -> Result<PayeeView, AppError> {
        let account = self.require_account()?;
        let (_, name) = self.payee_by_phone(account, phone)?;
        Ok(PayeeView { name_masked: accounts::mask_name(&name) })
    }

    /// Checks the form against every rule that needs no password and no money moving: the
    /// amount, the card, the payee, the wallet's limits. The confirmation step shows the result.
    pub fn quote_payment(&self, input: &PaymentInput) -> Result<PaymentQuote, AppError> {
        let account = self.require_account()?;
        let now = self.clock.now();
        // A payee is checked with its issuer already: a wrong name shows before the password.
        let party = party(input.kind);
        let (mut target, amount) = self.check_form(account, input)?;
        party.confirm_payee(self, &mut target)?;
        let db = self.db();
        let today = outgoing_today(&db, account, now)?;
        let balance_fen = ledger::balance(&db, Acct::Wallet(account))?;
        // The arrival the payee check allows: an unchecked name defaults to 2 hours.
        let arrival = match trust::settle_check(&target, input, party.arrival(input)) {
            Err(e) if e.code == ErrorCode::PayeeCheckUnavailable => Arrival::TwoHours,
            Err(e) if e.code == ErrorCode::PayeeNameCloseMatch => party.arrival(input),
            other => other?,
        };
        Ok(PaymentQuote {
            amount_fen: amount - target.fee,
            fee_fen: target.fee,
            daily_remaining_fen: input.kind.outgoing().then(|| DAILY_LIMIT_FEN - today - amount),
            arrives_at: arrival.posts_at(now).or(Some(now)),
            balance_fen,
            payee_check: target.payee_check.as_ref().map(trust::PayeeCheckView::of),
            risks: trust::risks(&db, account, input, &target, amount, now)?,
            arrivals: trust::arrivals(target.payee_check.as_ref()),
            payee: target.counterparty,
        })
    }
}
