//! The person's account across domains: the security overview (which needs to know whether a
//! card is bound) and closing the account (the balance and pending payments of `money`, every
//! card unbound by `cards`, then the account's data removed by `accounts`). Each domain does its
//! own part on its own tables; this is the only place that puts them in order.

use super::Wallet;
use crate::accounts::security::{self, CloseAccount, SecurityOverview};
use crate::accounts::AccountId;
use crate::cards::{binding, manage};
use crate::money::ledger::{self, Acct};
use crate::money::payments;
use crate::platform::error::{AppError, ErrorCode};

impl Wallet {
    /// The last 20 sign-ins and failed attempts, the security events, and whether a card is
    /// bound (payment-password recovery then asks for one).
    pub fn security_overview(&self) -> Result<SecurityOverview, AppError> {
        self.svc.security_overview_with(|db, account| Ok(binding::live_card_count(db, account)? > 0))
    }

    /// Closes the signed-in person's account: only with a zero balance and nothing pending
    /// (ACCOUNT_NOT_EMPTY says which in `detail`), after the login password. Every card is
    /// unbound as an unbinding does (revoked at the bank, audited, open edits abandoned); then,
    /// in one transaction, the account's personal data is removed — the payments and ledger
    /// stay, anonymised, so the books still balance — and the phone is free to register again.
    /// Stopped anywhere, the account is still there and closing again finishes it; money that
    /// arrives after the first check keeps the account open (checked again in the last
    /// transaction).
    pub fn close_account(&self, input: &CloseAccount, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        let s = &self.svc;
        let account = s.confirm_closing(input)?;
        self.money().settle_payments(Some(account))?;
        check_empty(&s.db(), account)?;
        s.unbind_all_cards(account, on_retry)?;
        fail::fail_point!("close::after_cards", |_| Err(AppError::new(
            ErrorCode::StorageError,
            "storage: database is locked (fail point)"
        )));
        let now = s.clock.now();
        {
            let mut db = s.db();
            let tx = db.transaction()?;
            // Again, in the transaction that removes the data: money may have arrived while the
            // cards were unbound. Then the account stays (without its cards).
            check_empty(&tx, account)?;
            manage::forget_account(&tx, account)?;
            crate::money::payments::bills::forget_account(&tx, account)?;
            crate::support::notices::forget_account(&tx, account)?;
            security::forget_account(&tx, account, now)?;
            tx.commit()?;
        }
        tracing::info!(account, "account closed");
        self.accounts().logout();
        Ok(())
    }
}

/// ACCOUNT_NOT_EMPTY while the balance is not zero or a payment is pending.
fn check_empty(db: &rusqlite::Connection, account: AccountId) -> Result<(), AppError> {
    if ledger::balance(db, Acct::Wallet(account))? != 0 {
        return Err(not_empty("balance", "the balance is not zero: withdraw it first"));
    }
    if payments::pending_count(db, account)? > 0 {
        return Err(not_empty("pending", "a payment is still pending: wait for it or revoke it"));
    }
    Ok(())
}

fn not_empty(which: &str, message: &str) -> AppError {
    AppError::new(ErrorCode::AccountNotEmpty, message).detail(which)
}
