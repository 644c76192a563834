//! Settling what a crash or a lost answer left pending (asking the bank what became of the
//! key), and revoking a delayed transfer before it posts.

use rusqlite::{params, OptionalExtension};

use super::*;
use crate::accounts::AccountId;
use crate::bank::{BankFailure, BankTxn, Decline, TxnState};
use crate::money::ledger::{self, Phase};
use crate::money::ops::Money;
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

impl Services {
    /// Applies the bank's answer to a payment: posted, voided (failed, or returned for a
    /// delayed transfer), or — no answer (`Err(None)` or a fault) — left pending for later.
    pub(super) fn settle_answer(
        &self,
        p: &Stored,
        answer: Result<BankTxn, Option<BankFailure>>,
    ) -> Result<(), AppError> {
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
                ledger::journal(&tx, p.id, Phase::Post, &p.post_legs(), now)?;
                set_status(&tx, p.id, PaymentStatus::Succeeded, "done", None, Some(&txn.reference), now)?;
                tracing::info!(payment = p.id, "payment posted");
                Ok(())
            }
            Err(Some(f @ BankFailure::Declined(_))) | Err(Some(f @ BankFailure::Session(_))) => {
                if p.holds() {
                    ledger::journal(&tx, p.id, Phase::Void, &void_legs(p.account, p.amount), now)?;
                }
                let status = if p.posts_at.is_some() { PaymentStatus::Returned } else { PaymentStatus::Failed };
                set_status(&tx, p.id, status, "done", Some(f.code()), None, now)?;
                tracing::info!(payment = p.id, code = f.code().as_str(), "payment declined");
                let e = f.to_error();
                // A class II account's limit is named by the error: the one the bank gave at binding.
                let limit = match (f, p.source_card) {
                    (BankFailure::Declined(Decline::ClassIiLimit), Some(card)) => tx
                        .query_row("SELECT bank_daily_limit_fen FROM cards WHERE id = ?1", [card], |r| r.get(0))
                        .optional()?
                        .flatten(),
                    _ => None,
                };
                Err(match limit {
                    Some(fen) => e.limit_fen(fen),
                    None => e,
                })
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

    /// After a settlement that did not finish: when the payment is still pending (no answer,
    /// a fault, a failed write), its reason is kept with it — the history shows 处理中 with why
    /// — and logged (the code, never a secret); true then. A payment the bank declined is
    /// final, not pending: false (its decline is already recorded and logged).
    fn left_pending(&self, p: &Stored, e: &AppError) -> bool {
        let kept = self.db().execute(
            "UPDATE payments SET failure = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'pending'",
            params![p.id, e.code.as_str(), self.clock.now()],
        );
        match kept {
            Ok(0) => false,
            Ok(_) => {
                tracing::warn!(payment = p.id, code = e.code.as_str(), "payment not settled yet: left 处理中");
                true
            }
            Err(write) => {
                let write = AppError::from(write);
                tracing::warn!(
                    payment = p.id,
                    code = e.code.as_str(),
                    write = write.code.as_str(),
                    "payment not settled yet, and its reason could not be saved"
                );
                true
            }
        }
    }
}

impl Money<'_> {
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
            let outcome = if p.bank_state == "sent" {
                let state = p.party().inquire(self, link, &p, opts);
                fail::fail_point!("settle::after_inquire", |_| Err(fail_error()));
                match state {
                    Ok(TxnState::Done(t)) => self.settle_answer(&p, Ok(t)),
                    Ok(TxnState::Declined(d)) => self.settle_answer(&p, Err(Some(BankFailure::Declined(d)))),
                    // Never reached the bank: send it now, under the same key.
                    Ok(TxnState::NotFound) => self.finish(&p, &|_, _| {}).map(|_| ()),
                    // The bank is not answering: try again later.
                    Err(f) => Err(f.to_error()),
                }
            } else {
                // Recorded, never sent (or a due delayed transfer): send it under its key; the
                // bank answers the original if it had it after all.
                self.finish(&p, &|_, _| {}).map(|_| ())
            };
            match outcome {
                Ok(()) => settled += 1,
                Err(e) => settled += usize::from(!self.left_pending(&p, &e)),
            }
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
            ledger::journal(&tx, p.id, Phase::Void, &void_legs(account, p.amount), now)?;
            set_status(&tx, p.id, PaymentStatus::Revoked, "done", None, None, now)?;
            tx.commit()?;
        }
        tracing::info!(payment = id, "delayed transfer revoked");
        self.payment_view(account, id)
    }
}
