//! Bills (生活缴费) as a counterparty of the one payment pipeline: electricity, water and gas by
//! account number (户号), and mobile top-up by phone.
//!
//! The biller answers an account with its masked holder name and what is due; a payment is
//! at least what is due (or ¥10 as a prepayment when nothing is), a top-up one of its face
//! values; both are checked again when paying, with the biller's answer at that moment. The
//! payment is recorded under the client's key in the pipeline's admit transaction, and the
//! biller credits it once under that key — from the balance (held while it answers) or a card
//! (charged by the biller's collecting bank with the card's token: one leg, as a merchant
//! order). An unanswered leg is settled by asking the biller about the key. The receipt
//! (缴费凭证) is the payment: biller, masked 户号, amount, time and the biller's reference.
//!
//! Saved accounts (常用户号): a nickname for a kind and 户号, the person's own, most recently
//! used first.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::counterparty::{Party, Sent, Target};
use super::*;
use crate::accounts::AccountId;
use crate::acquirer::Funding;
use crate::bank::{BankFailure, BankResult, TxnState};
use crate::biller::{self, BillAccount, BillKind, BillPay};
use crate::cards::manage::StoredCard;
use crate::money::ledger::Acct;
use crate::money::ops::Money;
use crate::services::{BankLink, Services};

/// The most saved accounts a person keeps.
pub const MAX_SAVED: i64 = 20;

/// What a bill payment paid (its receipt, 缴费凭证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BillPaid {
    pub kind: BillKind,
    /// The 户号 or phone, masked (`100****001`, `138****8000`).
    pub account_masked: String,
    pub biller: String,
    pub holder_masked: Option<String>,
    /// The biller's reference, once it credited the payment.
    pub reference: Option<String>,
}

/// Asking a biller about an account.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BillQuery {
    pub kind: BillKind,
    pub account: String,
}

/// A saved account (常用户号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedBill {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: BillKind,
    pub account: String,
    pub nickname: String,
}

/// Saving an account under a nickname (我家, 父母家 …; at most 10 characters).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedBillInput {
    pub kind: BillKind,
    pub account: String,
    pub nickname: String,
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedBillRef {
    #[ts(type = "number")]
    pub id: i64,
}

/// `1000000001` → `100****001`, `13800138000` → `138****8000`: the first 3 and the last 3 or 4.
pub fn mask_account(account: &str) -> String {
    let n = account.chars().count();
    if n <= 6 {
        return account.to_owned();
    }
    let tail = if n == 11 { 4 } else { 3 };
    let head: String = account.chars().take(3).collect();
    let end: String = account.chars().skip(n - tail).collect();
    format!("{head}****{end}")
}

/// The account as typed, made plain (spaces and dashes dropped, full-width digits read), or
/// INPUT_INVALID: 4–20 digits, a phone for a top-up.
fn plain_account(kind: BillKind, typed: &str) -> Result<String, AppError> {
    let a = crate::platform::text::compact(typed);
    let digits = (4..=20).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_digit());
    if !digits {
        return Err(
            AppError::new(ErrorCode::InputInvalid, "an account number is 4 to 20 digits").detail("bill_account")
        );
    }
    if kind == BillKind::Mobile && biller::carrier(&a).is_none() {
        return Err(AppError::new(ErrorCode::PhoneInvalid, "not a mainland mobile number"));
    }
    Ok(a)
}

impl Services {
    /// The biller's answer about an account, with its retries.
    fn bill_account(&self, kind: BillKind, account: &str) -> Result<BillAccount, AppError> {
        let b = self.biller()?;
        let link = self.bank()?;
        self.call_bank(link, |o| b.query(kind, account, o), &|_, _| {}).map_err(BankFailure::to_error)
    }
}

/// A bill or a top-up, paid from the balance or a bound card.
pub(super) struct BillPayment;

impl Party for BillPayment {
    fn check(
        &self,
        s: &Services,
        _: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        let kind = input.bill_kind.ok_or_else(|| AppError::new(ErrorCode::InputInvalid, "what is paid is needed"))?;
        let account = plain_account(kind, input.bill_account.as_deref().unwrap_or(""))?;
        let answer = s.bill_account(kind, &account)?;
        let amount = crate::money::parse_amount(&input.amount)?;
        answer.check_amount(amount)?;
        Ok(Target {
            source_card: card.map(|c| c.id),
            counterparty: Some(Counterparty::Biller { name: answer.biller.clone() }),
            payee_ref: Some(account),
            bill: Some(answer),
            ..Target::default()
        })
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
        let (kind, account): (BillKind, String) =
            s.db().query_row("SELECT bill_kind, bill_account FROM payments WHERE id = ?1", [p.id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let token = p.paying_token(s)?;
        let funding = Funding::of(token.as_deref());
        let req = BillPay { kind, account: &account, amount_fen: p.amount, key: &p.key, funding };
        let biller = s.biller()?;
        Ok(s.call_bank(link, |o| biller.pay_bill(&req, o), on_retry))
    }

    fn inquire(&self, s: &Services, _: &BankLink, p: &Stored, opts: crate::bank::CallOptions) -> BankResult<TxnState> {
        match s.biller() {
            Ok(b) => b.bill_payment_state(&p.key, opts),
            Err(_) => Err(BankFailure::Fault(crate::bank::Fault::Offline)),
        }
    }
}

impl Money<'_> {
    /// What the biller says of an account (户名, due) or a phone (its carrier, the face values).
    pub fn bill_query(&self, q: &BillQuery) -> Result<BillAccount, AppError> {
        self.require_account()?;
        let account = plain_account(q.kind, &q.account)?;
        self.bill_account(q.kind, &account)
    }

    /// The person's saved accounts, most recently used first.
    pub fn saved_bills(&self) -> Result<Vec<SavedBill>, AppError> {
        let me = self.require_account()?;
        self.saved_bills_of(me)
    }

    fn saved_bills_of(&self, me: AccountId) -> Result<Vec<SavedBill>, AppError> {
        let db = self.db();
        let mut st = db.prepare_cached(
            "SELECT id, kind, bill_account, nickname FROM saved_bills WHERE account_id = ?1 ORDER BY used_at DESC, id DESC",
        )?;
        let rows = st.query_map([me], |r| {
            Ok(SavedBill { id: r.get(0)?, kind: r.get(1)?, account: r.get(2)?, nickname: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The saved utility accounts of `me` with something due, as their billers answer now (an
    /// account whose biller does not answer is left out), without counting as the person's
    /// activity (the notices look in the background).
    pub(crate) fn bills_due_of(&self, me: AccountId) -> Result<Vec<(SavedBill, i64)>, AppError> {
        let mut out = vec![];
        for saved in self.saved_bills_of(me)?.into_iter().filter(|b| b.kind != BillKind::Mobile) {
            if let Ok(a) = self.bill_account(saved.kind, &saved.account) {
                if a.due_fen > 0 {
                    out.push((saved, a.due_fen));
                }
            }
        }
        Ok(out)
    }

    /// Saves (or renames) an account under a nickname; at most [`MAX_SAVED`].
    pub fn save_bill(&self, input: &SavedBillInput) -> Result<Vec<SavedBill>, AppError> {
        let me = self.require_account()?;
        let account = plain_account(input.kind, &input.account)?;
        let nickname = input.nickname.trim();
        if nickname.is_empty() || nickname.chars().count() > 10 || nickname.chars().any(char::is_control) {
            return Err(
                AppError::new(ErrorCode::InputInvalid, "a nickname is 1 to 10 characters").detail("bill_nickname")
            );
        }
        {
            let mut db = self.db();
            let tx = db.transaction()?; // BEGIN IMMEDIATE: the count and the insert at once
            let count: i64 = tx.query_row(
                "SELECT count(*) FROM saved_bills WHERE account_id = ?1 AND NOT (kind = ?2 AND bill_account = ?3)",
                params![me, input.kind, account],
                |r| r.get(0),
            )?;
            if count >= MAX_SAVED {
                return Err(
                    AppError::new(ErrorCode::InputInvalid, "at most 20 saved accounts").detail("bill_saved_full")
                );
            }
            tx.execute(
                "INSERT INTO saved_bills (account_id, kind, bill_account, nickname, used_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id, kind, bill_account) DO UPDATE SET nickname = ?4, used_at = ?5",
                params![me, input.kind, account, nickname, self.clock.now()],
            )?;
            tx.commit()?;
        }
        self.saved_bills()
    }

    pub fn remove_saved_bill(&self, r: SavedBillRef) -> Result<Vec<SavedBill>, AppError> {
        let me = self.require_account()?;
        self.db().execute("DELETE FROM saved_bills WHERE id = ?1 AND account_id = ?2", params![r.id, me])?;
        self.saved_bills()
    }
}

/// Closing an account (in its closing transaction): its saved accounts go with it.
pub(crate) fn forget_account(db: &rusqlite::Connection, account: AccountId) -> Result<(), AppError> {
    db.execute("DELETE FROM saved_bills WHERE account_id = ?1", [account])?;
    Ok(())
}

/// After a bill payment is recorded: a saved account moves to the top of the list.
pub(super) fn touch_saved(
    db: &rusqlite::Connection,
    account: AccountId,
    target: &Target,
    now: i64,
) -> Result<(), AppError> {
    if let (Some(bill), Some(number)) = (&target.bill, &target.payee_ref) {
        db.execute(
            "UPDATE saved_bills SET used_at = ?4 WHERE account_id = ?1 AND kind = ?2 AND bill_account = ?3",
            params![account, bill.kind, number, now],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_masked_and_made_plain() {
        assert_eq!(mask_account("1000000001"), "100****001");
        assert_eq!(mask_account("13800138000"), "138****8000");
        assert_eq!(mask_account("12345"), "12345");
        assert_eq!(plain_account(BillKind::Electricity, " 1000-0000 01 ").unwrap(), "1000000001");
        assert_eq!(plain_account(BillKind::Water, "１０００").unwrap(), "1000");
        assert_eq!(plain_account(BillKind::Gas, "12a4").unwrap_err().code, ErrorCode::InputInvalid);
        assert_eq!(plain_account(BillKind::Mobile, "12012345678").unwrap_err().code, ErrorCode::PhoneInvalid);
    }
}
