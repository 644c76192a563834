//! Credit-card repayment (信用卡还款) as a counterparty of the one payment pipeline.
//!
//! One of the person's own bound credit cards — its bank's statement (本期账单, 最低还款额,
//! 到期还款日) shown first — or anyone's credit card by number and holder name, checked by its
//! bank as a card transfer's payee is. Paid from the balance (held while the bank answers) or a
//! bound debit card: the bank charges the debit card and credits the credit card in one
//! transaction under the payment's key (one leg).
//!
//! Free up to ¥2,000 of repayments per person per Shanghai calendar month; on the part above
//! what is left of that quota the fee is 0.1 %, rounded up to the fen, at least ¥0.10. The fee
//! is quoted before the password and decided again in the admit transaction from the month's
//! repayments that count (pending or paid): of two repayments at once only one can use the
//! quota — the other is refused with FEE_CHANGED before any money moves, never charged a fee it
//! was not shown. The payment's amount is what the payer pays (repayment + fee).

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::counterparty::{Party, PayeeCard, Sent, Target};
use super::*;
use crate::accounts::AccountId;
use crate::bank::{BankFailure, CreditTo, Statement};
use crate::cards::manage::{stored_card, StoredCard};
use crate::cards::{self, CardKind};
use crate::money::ledger::Acct;
use crate::money::ops::Money;
use crate::platform::clock::{shanghai_date, shanghai_midnight};
use crate::platform::secrets::SecretString;
use crate::services::{BankLink, Services};

/// Repayments free of fee per person per calendar month.
pub const FREE_PER_MONTH_FEN: Fen = 200_000;
/// The least fee, when there is one.
pub const MIN_FEE_FEN: Fen = 10;

/// A bound credit card whose due date is near (home's reminder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepayReminder {
    #[ts(type = "number")]
    pub card_id: i64,
    pub bank: crate::cards::BankId,
    pub last4: String,
    pub statement: Statement,
}

/// The first millisecond of the Shanghai month of `now`.
fn month_start(now: i64) -> i64 {
    use chrono::Datelike;
    let d = shanghai_date(now);
    d.with_day(1).and_then(shanghai_midnight).unwrap_or(0)
}

/// The fee on repaying `principal` now: what is left of the month's free quota is free, 0.1 %
/// of the rest (rounded up), at least ¥0.10. Decided from the person's repayments this month
/// that count (pending or paid) — on the connection of the transaction that records it.
pub(super) fn fee_for(db: &Connection, account: AccountId, principal: Fen, now: i64) -> Result<Fen, AppError> {
    let used: Fen = db.query_row(
        "SELECT coalesce(sum(amount_fen - fee_fen), 0) FROM payments WHERE account_id = ?1 AND kind = 'repay'
         AND status IN ('pending', 'succeeded') AND created_at >= ?2",
        params![account, month_start(now)],
        |r| r.get(0),
    )?;
    let over = principal - (FREE_PER_MONTH_FEN - used).max(0);
    Ok(if over <= 0 { 0 } else { ((over + 999) / 1000).max(MIN_FEE_FEN) })
}

/// Inside the admit transaction: the fee is still the one quoted.
pub(super) fn enforce(
    tx: &Connection,
    account: AccountId,
    kind: PaymentKind,
    target: &Target,
    now: i64,
) -> Result<(), AppError> {
    if kind != PaymentKind::Repay {
        return Ok(());
    }
    let principal = target.fixed_amount.unwrap_or(0) - target.fee;
    if fee_for(tx, account, principal, now)? != target.fee {
        return Err(AppError::new(
            ErrorCode::FeeChanged,
            "the month's free repayments were used meanwhile: the fee changed",
        ));
    }
    Ok(())
}

fn not_credit() -> AppError {
    AppError::new(ErrorCode::CardTypeNotSupported, "only a credit card is repaid").detail("not_credit")
}

/// A credit card repaid from the balance or a debit card.
pub(super) struct Repayment;

impl Party for Repayment {
    fn check(
        &self,
        s: &Services,
        account: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        if card.is_some_and(|c| c.credit) {
            return Err(AppError::new(
                ErrorCode::CardTypeNotSupported,
                "a credit card is repaid from the balance or a debit card",
            )
            .detail("repay_from_credit"));
        }
        let principal = crate::money::parse_amount(&input.amount)?;
        let mut target = match input.repay_card_id {
            Some(id) => {
                let own = stored_card(&s.db(), account, id)?;
                if !own.credit {
                    return Err(not_credit());
                }
                let (bank, name): (String, String) = s.db().query_row(
                    "SELECT c.bank, a.real_name FROM cards c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Target {
                    dest_card: Some(own.id),
                    counterparty: Some(Counterparty::Card {
                        bank: cards::BankId::from_code(&bank).unwrap_or(cards::BankId::Icbc),
                        last4: own.last4.clone(),
                        name_masked: Some(crate::accounts::mask_name(&name)),
                    }),
                    ..Target::default()
                }
            }
            None => {
                let pan = cards::parse_card_number(input.payee_card.as_ref().map(SecretString::expose).unwrap_or(""))?;
                if pan.info.kind != CardKind::Credit {
                    return Err(not_credit());
                }
                PayeeCard.check(s, account, &PaymentInput { kind: PaymentKind::ToCard, ..input.clone() }, None)?
            }
        };
        target.source_card = card.map(|c| c.id);
        target.fee = fee_for(&s.db(), account, principal, s.clock.now())?;
        target.fixed_amount = Some(principal + target.fee);
        Ok(target)
    }

    /// Anyone's card: its holder's name checked by its bank, as a card transfer's payee.
    fn confirm_payee(&self, s: &Services, target: &mut Target) -> Result<(), AppError> {
        PayeeCard.confirm_payee(s, target)
    }

    fn has_leg(&self) -> bool {
        true
    }

    fn charges_card(&self) -> bool {
        true
    }

    fn lands_in(&self, _: &Stored) -> Acct {
        Acct::PayeeClearing
    }

    fn send(&self, s: &Services, link: &BankLink, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Sent {
        let from = p.paying_token(s)?;
        let to_token = p.dest_card.map(|c| s.card_token(c)).transpose()?;
        let payee = p.payee_ref.clone().unwrap_or_default();
        let to = match &to_token {
            Some(t) => CreditTo::Token(t),
            None => CreditTo::Payee(&payee),
        };
        let principal = p.amount - p.fee;
        Ok(s.call_bank(link, |o| link.bank.repay(from.as_deref(), to, principal, p.amount, &p.key, o), on_retry))
    }
}

impl Money<'_> {
    /// A bound credit card's statement, as its bank answers it.
    pub fn statement(&self, card_id: i64) -> Result<Statement, AppError> {
        let me = self.require_account()?;
        self.statement_of(me, card_id)
    }

    fn statement_of(&self, me: AccountId, card_id: i64) -> Result<Statement, AppError> {
        let card = stored_card(&self.db(), me, card_id)?;
        if !card.credit {
            return Err(not_credit());
        }
        let link = self.bank()?;
        self.call_bank(link, |o| link.bank.statement(&card.token, o), &|_, _| {}).map_err(BankFailure::to_error)
    }

    /// The bound credit cards that owe something and are due within 3 days (home's reminder);
    /// a card whose bank does not answer now is left out, not an error.
    pub fn repay_reminders(&self) -> Result<Vec<RepayReminder>, AppError> {
        let me = self.require_account()?;
        self.repay_reminders_of(me)
    }

    /// [`Self::repay_reminders`] for `me` without counting as the person's activity (the
    /// notices are looked for in the background).
    pub(crate) fn repay_reminders_of(&self, me: AccountId) -> Result<Vec<RepayReminder>, AppError> {
        let cards: Vec<(i64, String, String)> = {
            let db = self.db();
            let mut st = db.prepare_cached(
                "SELECT id, bank, last4 FROM cards WHERE account_id = ?1 AND unbound_at IS NULL AND kind = 'credit'
                 AND status = 'active' ORDER BY bound_at",
            )?;
            let rows = st.query_map([me], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let today = shanghai_date(self.clock.now());
        let mut out = vec![];
        for (id, bank, last4) in cards {
            let Ok(statement) = self.statement_of(me, id) else { continue };
            let due = chrono::NaiveDate::parse_from_str(&statement.due_date, "%Y-%m-%d").ok();
            let near = due.is_some_and(|d| (d - today).num_days() <= 3 && d >= today);
            if statement.owed_fen > 0 && near {
                let bank = cards::BankId::from_code(&bank).unwrap_or(cards::BankId::Icbc);
                out.push(RepayReminder { card_id: id, bank, last4, statement });
            }
        }
        Ok(out)
    }

    /// The fee a repayment of `principal` would have now (the form shows it as it is typed).
    pub fn repay_fee(&self, principal: Fen) -> Result<Fen, AppError> {
        let me = self.require_account()?;
        fee_for(&self.db(), me, principal, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_is_a_thousandth_of_what_is_over_the_quota_rounded_up_at_least_ten_fen() {
        let db = Connection::open_in_memory().unwrap();
        db.execute_batch(
            "CREATE TABLE payments (account_id INTEGER, kind TEXT, amount_fen INTEGER, fee_fen INTEGER, status TEXT, created_at INTEGER);",
        )
        .unwrap();
        let now = 1_795_608_000_000;
        assert_eq!(fee_for(&db, 1, 200_000, now).unwrap(), 0, "¥2,000 is free");
        assert_eq!(fee_for(&db, 1, 200_001, now).unwrap(), 10, "1 fen over: the least fee");
        assert_eq!(fee_for(&db, 1, 300_000, now).unwrap(), 100, "¥1,000 over: ¥1.00");
        assert_eq!(fee_for(&db, 1, 215_001, now).unwrap(), 16, "¥150.01 over: 15.001 fen, up to 16");
        db.execute("INSERT INTO payments VALUES (1, 'repay', 150_010, 10, 'succeeded', ?1)", [now]).unwrap();
        assert_eq!(fee_for(&db, 1, 50_000, now).unwrap(), 0, "¥500 of the quota left");
        assert_eq!(fee_for(&db, 1, 60_000, now).unwrap(), 10);
        db.execute("INSERT INTO payments VALUES (1, 'repay', 100_000, 0, 'failed', ?1)", [now]).unwrap();
        assert_eq!(fee_for(&db, 1, 50_000, now).unwrap(), 0, "a failed repayment does not count");
        assert_eq!(fee_for(&db, 2, 200_000, now).unwrap(), 0, "another person's quota");
        assert_eq!(fee_for(&db, 1, 50_000, now + 40 * 86_400_000).unwrap(), 0, "a new month");
    }
}
