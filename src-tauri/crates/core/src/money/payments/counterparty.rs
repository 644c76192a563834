//! The counterparties of the one payment pipeline: who is on the other side of a payment, what
//! the form must say about them, and their leg — the call that moves the money outside the
//! wallet's books, if any.
//!
//! The pipeline ([`super::pay`], [`super::settle`]) knows only this trait: it admits a payment
//! (limits, balance, hold) in one `BEGIN IMMEDIATE` transaction, records it under its
//! idempotency key, sends the leg under that key, and posts or voids by the answer — the same
//! steps, fail points and start-up settlement for every kind. A new way to pay (a merchant
//! order, a biller, a card repayment, a refund) is one more type here with its own checks and
//! leg, one more [`PaymentKind`] and its line in [`super::party`]; the pipeline does not change.
//!
//! How the money is funded is the pipeline's, not the counterparty's: from the balance (held
//! in flight while an outside leg runs) or from a bound card (debited at the bank under the
//! payment's key when the counterparty's money lands inside the wallet).

use super::*;
use crate::accounts::{self, AccountId};
use crate::bank::{BankFailure, BankResult, BankTxn, CreditTo, Fault, PayeeOutcome, TxnState};
use crate::cards::manage::StoredCard;
use crate::cards::{self};
use crate::money::ledger::Acct;
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;
use crate::services::{BankLink, Services};

/// Where a payment's money comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The payer's wallet balance (零钱).
    Balance,
    /// A bound card of the payer, debited at the bank.
    Card(i64),
}

/// What a leg's call came to: the outside answer (`Ok`), or a local error before the call.
pub(super) type Sent = Result<Result<BankTxn, BankFailure>, AppError>;

/// What a counterparty's form check found: how the payment is funded and who receives it.
#[derive(Default)]
pub(super) struct Target {
    /// The paying card (None: the balance).
    pub(super) source_card: Option<i64>,
    /// The payer's own card that receives the money (a withdrawal).
    pub(super) dest_card: Option<i64>,
    /// The wallet user who receives the money.
    pub(super) payee_account: Option<AccountId>,
    /// Who is on the other side, as the confirmation and the history name them.
    pub(super) counterparty: Option<Counterparty>,
    /// The bank's reference of a checked payee card.
    pub(super) payee_ref: Option<String>,
    /// A payee card still to be checked at the bank (its number lives only until then).
    pub(super) payee_card: Option<(cards::CardNumber, String)>,
    /// The payee's bank's answer on the name.
    pub(super) payee_check: Option<crate::bank::PayeeOutcome>,
    /// The payee card's keyed fingerprint (a payee paid before is known by it).
    pub(super) payee_fp: Option<String>,
    /// The amount the counterparty sets (a merchant order's, less its offer): the form's
    /// typed amount is not read.
    pub(super) fixed_amount: Option<Fen>,
    /// A merchant order being paid.
    pub(super) order: Option<OrderTarget>,
    /// A bill being paid: the biller's answer about the account (`payee_ref` is the account).
    pub(super) bill: Option<crate::biller::BillAccount>,
    /// The wallet's fee within `fixed_amount` (a repayment's), decided again when recording.
    pub(super) fee: Fen,
}

/// The order a merchant payment pays, as the acquirer answered it, with the offer the paying
/// way gets.
pub(super) struct OrderTarget {
    pub(super) link: crate::acquirer::PayLink,
    pub(super) order: crate::acquirer::Order,
    pub(super) offer: Option<crate::acquirer::Offer>,
}

impl OrderTarget {
    /// The offer's discount (0 without one).
    pub(super) fn discount(&self) -> Fen {
        self.offer.as_ref().map_or(0, |o| o.off_fen)
    }
}

impl Target {
    /// How the payment is funded.
    pub(super) fn source(&self) -> Source {
        self.source_card.map_or(Source::Balance, Source::Card)
    }
}

/// The pipeline's view of the other side of a payment.
pub(super) trait Party: Sync {
    /// Checks the form's fields that concern this counterparty (the payee, which card may pay
    /// or receive) and says who receives the money. `card` is the bound card the form chose,
    /// already checked as payable.
    fn check(
        &self,
        s: &Services,
        account: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError>;

    /// Checks the payee with its issuer before the password (nothing by default).
    fn confirm_payee(&self, _s: &Services, _target: &mut Target) -> Result<(), AppError> {
        Ok(())
    }

    /// Whether the money leaves the payer (the daily outgoing limit counts it).
    fn outgoing(&self) -> bool {
        true
    }

    /// Whether the counterparty has a leg of its own outside the wallet's books (the balance
    /// that pays it is held in flight until the leg answers).
    fn has_leg(&self) -> bool;

    /// Whether the counterparty's leg charges a paying card itself (a merchant's acquirer
    /// charges the card's token): then a card-funded payment has that one leg, not the bank's
    /// debit.
    fn charges_card(&self) -> bool {
        false
    }

    /// Where the money comes from when it comes from outside the payer's funds (a refund:
    /// from the merchants' side of the books); None for the payer's balance or card.
    fn pays_from(&self, _p: &Stored) -> Option<Acct> {
        None
    }

    /// What became of the leg sent under the payment's key (settlement of an unanswered one);
    /// the issuing bank's answer by default.
    fn inquire(&self, _s: &Services, link: &BankLink, p: &Stored, opts: CallOptions) -> BankResult<TxnState> {
        link.bank.inquire(&p.key, opts)
    }

    /// The ledger account where the money lands when the payment posts.
    fn lands_in(&self, p: &Stored) -> Acct;

    /// The counterparty's own leg, under the payment's key: the outside answer, or a local
    /// error before anything was sent. The pipeline calls it only when [`Self::has_leg`] says
    /// there is one; the default answers a system error.
    fn send(&self, _s: &Services, _link: &BankLink, _p: &Stored, _on_retry: &dyn Fn(u32, u32)) -> Sent {
        Ok(Err(BankFailure::Fault(Fault::SystemError)))
    }

    /// When the payment posts, for a delayed arrival (now by default).
    fn arrival(&self, _input: &PaymentInput) -> Arrival {
        Arrival::Instant
    }
}

fn choose_card() -> AppError {
    AppError::new(ErrorCode::CardNotFound, "choose a bound card")
}

/// A top-up: the payer's own balance, paid from one of their cards.
pub(super) struct OwnWallet;

impl Party for OwnWallet {
    fn check(
        &self,
        _: &Services,
        _: AccountId,
        _: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        let card = card.ok_or_else(choose_card)?;
        Ok(Target { source_card: Some(card.id), ..Target::default() })
    }

    fn outgoing(&self) -> bool {
        false
    }

    fn has_leg(&self) -> bool {
        false
    }

    fn lands_in(&self, p: &Stored) -> Acct {
        Acct::Wallet(p.account)
    }
}

/// A withdrawal: one of the payer's own cards, credited at the bank from the balance.
pub(super) struct OwnCard;

impl Party for OwnCard {
    fn check(
        &self,
        _: &Services,
        _: AccountId,
        _: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        let card = card.ok_or_else(choose_card)?;
        Ok(Target { dest_card: Some(card.id), ..Target::default() })
    }

    fn has_leg(&self) -> bool {
        true
    }

    fn lands_in(&self, p: &Stored) -> Acct {
        Acct::CardClearing(p.dest_card.unwrap_or_default())
    }

    fn send(&self, s: &Services, link: &BankLink, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Sent {
        let card = p.dest_card.ok_or_else(|| AppError::internal("a withdrawal without its card"))?;
        let token = s.card_token(card)?;
        Ok(s.call_bank(link, |o| link.bank.credit(CreditTo::Token(&token), p.amount, &p.key, o), on_retry))
    }
}

/// Another wallet user, by phone: the money lands in their balance (no outside leg).
pub(super) struct WalletUser;

impl Party for WalletUser {
    fn check(
        &self,
        s: &Services,
        account: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        let (payee, name) = s.payee_by_phone(account, input.payee_phone.as_deref().unwrap_or(""))?;
        Ok(Target {
            source_card: card.map(|c| c.id),
            payee_account: Some(payee),
            counterparty: Some(Counterparty::Person { name_masked: accounts::mask_name(&name) }),
            ..Target::default()
        })
    }

    fn has_leg(&self) -> bool {
        false
    }

    fn lands_in(&self, p: &Stored) -> Acct {
        Acct::Wallet(p.payee_account.unwrap_or_default())
    }
}

/// Any bank card, by number and holder name checked at its bank; paid from the balance,
/// instantly or delayed.
pub(super) struct PayeeCard;

impl Party for PayeeCard {
    fn check(
        &self,
        s: &Services,
        _: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        if card.is_some() {
            return Err(AppError::new(ErrorCode::CardEditInvalid, "a transfer to a card is paid from the balance"));
        }
        let pan = cards::parse_card_number(input.payee_card.as_ref().map(SecretString::expose).unwrap_or(""))?;
        let name = input.payee_name.as_deref().unwrap_or("").trim();
        if name.is_empty() {
            return Err(AppError::new(ErrorCode::PayeeNameMismatch, "the payee's name is needed"));
        }
        Ok(Target {
            counterparty: Some(Counterparty::Card {
                bank: pan.info.bank,
                last4: pan.last4().to_owned(),
                name_masked: Some(accounts::mask_name(name)),
            }),
            payee_fp: Some(cards::binding::fingerprint(&s.fingerprint_key, &pan)),
            payee_card: Some((pan, name.to_owned())),
            ..Target::default()
        })
    }

    fn confirm_payee(&self, s: &Services, target: &mut Target) -> Result<(), AppError> {
        let Some((pan, name)) = target.payee_card.take() else { return Ok(()) };
        let link = s.bank()?;
        let p = s
            .call_bank(link, |o| link.bank.check_payee(pan.expose(), &name, o), &|_, _| {})
            .map_err(BankFailure::to_error)?;
        target.payee_ref = Some(p.payee_ref);
        // A close match names the payee as the bank does (the payer confirms that name).
        if let (PayeeOutcome::Close { name_masked }, Some(Counterparty::Card { name_masked: shown, .. })) =
            (&p.outcome, target.counterparty.as_mut())
        {
            *shown = Some(name_masked.clone());
        }
        target.payee_check = Some(p.outcome);
        Ok(())
    }

    fn has_leg(&self) -> bool {
        true
    }

    fn lands_in(&self, _: &Stored) -> Acct {
        Acct::PayeeClearing
    }

    fn send(&self, s: &Services, link: &BankLink, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Sent {
        let r = p.payee_ref.clone().unwrap_or_default();
        Ok(s.call_bank(link, |o| link.bank.credit(CreditTo::Payee(&r), p.amount, &p.key, o), on_retry))
    }

    fn arrival(&self, input: &PaymentInput) -> Arrival {
        input.arrival.unwrap_or(Arrival::Instant)
    }
}
