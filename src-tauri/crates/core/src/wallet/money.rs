//! The facade's money commands, each forwarded to its operation in `crate::money`.

use super::Wallet;
use crate::accounts::AccountId;
use crate::money::payments::{
    HistoryPage, HistoryQuery, MonthlyFlow, PayeeView, PaymentDetail, PaymentInput, PaymentQuote, PaymentRequest,
    PaymentView,
};
use crate::money::Fen;
use crate::platform::error::AppError;

impl Wallet {
    /// The signed-in person's wallet balance, after settling what is due.
    pub fn balance(&self) -> Result<Fen, AppError> {
        self.svc.balance()
    }

    /// Who a phone number belongs to, masked (`*四`), to confirm a transfer.
    pub fn find_payee(&self, phone: &str) -> Result<PayeeView, AppError> {
        self.svc.find_payee(phone)
    }

    /// Checks the form against every rule that needs no password and no money moving: the amount,
    /// the card, the payee, the wallet's limits.
    pub fn quote_payment(&self, input: &PaymentInput) -> Result<PaymentQuote, AppError> {
        self.svc.quote_payment(input)
    }

    /// Makes a payment.
    pub fn pay(&self, req: &PaymentRequest, on_retry: &dyn Fn(u32, u32)) -> Result<PaymentView, AppError> {
        self.svc.pay(req, on_retry)
    }

    /// Settles what can be settled: delayed transfers that are due, payments recorded but never
    /// sent (a crash or a failed write between the two), and bank legs that got no answer (the
    /// bank is asked what became of their key).
    pub fn settle_payments(&self, account: Option<AccountId>) -> Result<usize, AppError> {
        self.svc.settle_payments(account)
    }

    /// Revokes a delayed transfer that has not posted: the held money goes back.
    pub fn revoke_payment(&self, id: i64) -> Result<PaymentView, AppError> {
        self.svc.revoke_payment(id)
    }

    /// A payment of the signed-in person (made or received) with its status timeline.
    pub fn payment_detail(&self, id: i64) -> Result<PaymentDetail, AppError> {
        self.svc.payment_detail(id)
    }

    /// The history: newest first, paged, filtered.
    pub fn history(&self, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        self.svc.history(q)
    }

    /// Money in and out per Shanghai month, for the last `months` months up to now.
    pub fn monthly_flows(&self, months: u32) -> Result<Vec<MonthlyFlow>, AppError> {
        self.svc.monthly_flows(months)
    }

    /// The history as CSV (every page of the filter), for the person to save.
    pub fn history_csv(&self, q: &HistoryQuery) -> Result<String, AppError> {
        self.svc.history_csv(q)
    }
}
