//! Paying: the payment password, the record (with its hold) before the bank is called, the
//! bank leg under the payment's key, and the result posted or voided.

use rusqlite::{params, OptionalExtension};

use super::counterparty::Source;
use super::form::admit;
use super::*;
use crate::accounts::{self};
use crate::cards::manage::stored_card;
use crate::money::ledger::{self, Phase};
use crate::money::ops::Money;
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

impl Services {
    pub(super) fn payment_by_key(&self, key: &str) -> Result<Option<Stored>, AppError> {
        Ok(self
            .db()
            .query_row(&format!("SELECT {STORED} FROM payments WHERE idem_key = ?1"), [key], stored)
            .optional()?)
    }

    pub(super) fn payment(&self, id: i64) -> Result<Stored, AppError> {
        Ok(self.db().query_row(&format!("SELECT {STORED} FROM payments WHERE id = ?1"), [id], stored)?)
    }

    /// Moves a pending payment as far as it can go now: its leg (sent again under the same key
    /// when it had no answer, so the other side answers the original result), then the post or
    /// the void. A delayed transfer before its time waits.
    pub(super) fn finish(&self, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        if p.status != PaymentStatus::Pending {
            return Ok(());
        }
        let now = self.clock.now();
        if p.posts_at.is_some_and(|t| t > now) {
            return Ok(());
        }
        let party = p.party();
        if internal(p.source(), party) {
            // Recorded but not posted (a payment recorded before posting moved into its
            // transaction): post it now, inside the wallet's books.
            let mut db = self.db();
            let tx = db.transaction()?;
            match ledger::journal(&tx, p.id, Phase::Post, &p.post_legs(), now) {
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
        let answer = match p.source() {
            // Funded by a card: the card's debit is the leg; the money lands inside the books
            // (unless the counterparty charges the card itself).
            Source::Card(card) if !party.charges_card() => {
                let t = self.card_token(card)?;
                self.call_bank(link, |o| link.bank.debit(&t, p.amount, &p.key, o), on_retry)
            }
            _ => party.send(self, link, p, on_retry)?,
        };
        fail::fail_point!("finish::after_bank", |_| Err(fail_error()));
        self.settle_answer(p, answer.map_err(Some))
    }
}

impl Money<'_> {
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
        let party = party(input.kind);
        let (mut target, amount) = match self.check_form(account, input) {
            Ok(checked) => checked,
            // The same key may have been paid meanwhile by a twin call (a double click): a form
            // that no longer passes — the order now paid, the balance now lower — answers it.
            Err(e) => match self.payment_by_key(&req.idem_key)? {
                Some(p) if p.account == account => {
                    self.finish(&p, on_retry)?;
                    return self.payment_view(account, p.id);
                }
                _ => return Err(e),
            },
        };
        accounts::check_pay_password(&self.db, account, req.pay_password.expose(), self.clock.now())?;
        party.confirm_payee(self, &mut target)?;
        let now = self.clock.now();
        let arrival = trust::settle_check(&target, input, party.arrival(input))?;
        let note = trust::note(input)?;
        let step_up = self.check_step_up(account, input.step_up_code.as_ref().map(SecretString::expose))?;
        let source = target.source();
        let (payee_bank, payee_last4, payee_name_masked) = match &target.counterparty {
            Some(Counterparty::Card { bank, last4, name_masked }) => {
                (Some(bank.code()), Some(last4.as_str()), name_masked.as_deref())
            }
            Some(Counterparty::Merchant { name, .. }) => (None, None, Some(name.as_str())),
            _ => (None, None, None),
        };
        fail::fail_point!("pay::before_record", |_| Err(fail_error()));
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?; // BEGIN IMMEDIATE: limits, balance and insert at once
            for c in [target.source_card, target.dest_card].into_iter().flatten() {
                stored_card(&tx, account, c)?.check_payable(now)?; // unbound or frozen meanwhile
            }
            admit(&tx, account, input.kind, source, amount, now)?;
            trust::enforce(&tx, account, input, &target, amount, step_up.as_deref(), now)?;
            let order = super::merchant::enforce(&tx, account, &req.idem_key, &target, now)?;
            super::bills::touch_saved(&tx, account, &target, now)?;
            super::repay::enforce(&tx, account, input.kind, &target, now)?;
            let bill = target.bill.as_ref();
            let inserted = tx.execute(
                "INSERT INTO payments (idem_key, account_id, kind, amount_fen, source_card, dest_card, payee_account, payee_bank,
                                       payee_last4, payee_ref, arrival, posts_at, status, created_at, updated_at,
                                       payee_name_masked, payee_check, payee_fp, purpose, note, order_id, order_title,
                                       merchant_number, order_amount_fen, offer_id, discount_fen, points, bill_kind,
                                       bill_account, biller_name, bill_holder_masked, fee_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'pending', ?13, ?13, ?14, ?15, ?16, ?17, ?18,
                         ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
                params![
                    req.idem_key,
                    account,
                    input.kind.as_str(),
                    amount,
                    target.source_card,
                    target.dest_card,
                    target.payee_account,
                    payee_bank,
                    payee_last4,
                    target.payee_ref,
                    arrival.as_str(),
                    arrival.posts_at(now),
                    now,
                    payee_name_masked,
                    trust::stored(target.payee_check.as_ref()),
                    target.payee_fp,
                    input.purpose,
                    note,
                    order.order_id,
                    order.title,
                    order.merchant_number,
                    order.order_amount,
                    order.offer_id,
                    order.discount,
                    order.points,
                    bill.map(|b| b.kind),
                    bill.map(|b| b.account.as_str()),
                    bill.map(|b| b.biller.as_str()),
                    bill.and_then(|b| b.holder_masked.as_deref()),
                    target.fee
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
            if holds(source, party) {
                ledger::journal(&tx, id, Phase::Hold, &hold_legs(account, amount), now)?;
            } else if internal(source, party) {
                // No leg outside the wallet's books: it posts in the transaction that records it.
                let p = Stored {
                    id,
                    account,
                    key: req.idem_key.clone(),
                    kind: input.kind,
                    amount,
                    source_card: target.source_card,
                    dest_card: target.dest_card,
                    payee_account: target.payee_account,
                    payee_ref: target.payee_ref.clone(),
                    posts_at: arrival.posts_at(now),
                    status: PaymentStatus::Pending,
                    bank_state: "none".into(),
                    offer_id: None,
                    discount: 0,
                    fee: 0,
                };
                ledger::journal(&tx, id, Phase::Post, &p.post_legs(), now)?;
                set_status(&tx, id, PaymentStatus::Succeeded, "done", None, None, now)?;
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
}
