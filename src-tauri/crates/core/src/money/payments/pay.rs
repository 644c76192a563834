//! Paying: the payment password, the record (with its hold) before the bank is called, the
//! bank leg under the payment's key, and the result posted or voided.

use rusqlite::{params, OptionalExtension};

use super::form::admit;
use super::*;
use crate::accounts::{self};
use crate::bank::CreditTo;
use crate::cards::manage::stored_card;
use crate::money::ledger::{self, Acct, Phase};
use crate::money::{self};
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

impl Services {
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
        let (payee_bank, payee_last4, payee_name_masked) = match &checked.counterparty {
            Some(Counterparty::Card { bank, last4, name_masked }) => {
                (Some(bank.code()), Some(last4.as_str()), name_masked.as_deref())
            }
            _ => (None, None, None),
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
                                       payee_last4, payee_ref, arrival, posts_at, status, created_at, updated_at,
                                       payee_name_masked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'pending', ?13, ?13, ?14)",
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
                    now,
                    payee_name_masked
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

    pub(super) fn payment_by_key(&self, key: &str) -> Result<Option<Stored>, AppError> {
        Ok(self
            .db()
            .query_row(&format!("SELECT {STORED} FROM payments WHERE idem_key = ?1"), [key], stored)
            .optional()?)
    }

    pub(super) fn payment(&self, id: i64) -> Result<Stored, AppError> {
        Ok(self.db().query_row(&format!("SELECT {STORED} FROM payments WHERE id = ?1"), [id], stored)?)
    }

    /// Moves a pending payment as far as it can go now: its bank leg (sent again under the
    /// same key when it had no answer, so the bank answers the original result), then the
    /// post or the void. A delayed transfer before its time waits.
    pub(super) fn finish(&self, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
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
}
