//! The mock issuing bank. It plays the bank behind every card of the fixture, with its own
//! SQLite file (people, cards, binding sessions, OTPs, agreements, the SMS outbox), realistic
//! latency and faults the tester controls, and the behaviours the published test cards (tests/README.md) list.
//!
//! Time comes from the core's clock port (latency and timeouts are `clock.sleep`), so tests
//! run it on a fake clock without waiting.
//!
//! The crate by concern: [`fixture`] (the published test people and cards), [`store`] (the
//! bank's file, seeding, rows), [`verify`] (card checks, sessions, OTPs and tokens), [`money`]
//! (debit, credit, inquire, limits), [`bankapp`] (the bank's own app: 一键绑卡), [`acquirer`]
//! (the merchants' bank: merchants, signed orders, offers, refunds), [`billers`] (utilities and
//! mobile top-up), [`controls`] (faults, latency, version floor),
//! [`counter`] (the bank counter and the developer panel). This file holds the bank itself and
//! its answers to the core's bank port, each forwarded to the module that decides it.

pub mod acquirer;
mod bank;
pub mod bankapp;
pub mod billers;
mod controls;
mod counter;
pub mod fixture;
mod money;
mod store;
pub mod testkit;
pub mod totp;
mod verify;

use rusqlite::params;
use tongbao_core::bank::{
    Bank, BankInfo, BankResult, BankTxn, Binding, BindingState, CallOptions, CardStatus, CreditTo, GrantedCard,
    HolderCheck, OtpSent, PayeeChecked, SmsGateway, TxnState, UpdateCard, UpdateState, Verified, VerifyCard,
};

pub use bank::{Controls, FaultRates, MockBank, OTP_RESEND_AFTER, OTP_TRIES, OTP_TTL};
pub use controls::MockControls;
pub use counter::{BankAction, MockCard, MockPanel, MockSms, MockToken, Viewer};
pub use money::{FREQUENCY_WINDOW, MAX_DEBITS_PER_WINDOW};

impl tongbao_core::acquirer::Acquirer for MockBank {
    fn open_order(
        &self,
        link: &tongbao_core::acquirer::PayLink,
        opts: CallOptions,
    ) -> BankResult<tongbao_core::acquirer::Order> {
        self.on_open_order(link, opts)
    }

    fn pay_order(&self, req: &tongbao_core::acquirer::PayOrder<'_>, opts: CallOptions) -> BankResult<BankTxn> {
        self.on_pay_order(req, opts)
    }

    fn payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.on_payment_state(key, opts)
    }

    fn offers(&self, opts: CallOptions) -> BankResult<Vec<tongbao_core::acquirer::Offer>> {
        self.on_offers(opts)
    }

    fn refund(&self, id: &str, opts: CallOptions) -> BankResult<tongbao_core::acquirer::Refund> {
        self.on_refund(id, opts)
    }
}

impl tongbao_core::biller::Biller for MockBank {
    fn query(
        &self,
        kind: tongbao_core::biller::BillKind,
        account: &str,
        opts: CallOptions,
    ) -> BankResult<tongbao_core::biller::BillAccount> {
        self.on_bill_query(kind, account, opts)
    }

    fn pay_bill(&self, req: &tongbao_core::biller::BillPay<'_>, opts: CallOptions) -> BankResult<BankTxn> {
        self.on_pay_bill(req, opts)
    }

    fn bill_payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.on_bill_payment_state(key, opts)
    }
}

impl Bank for MockBank {
    fn statement(&self, token: &str, opts: CallOptions) -> BankResult<tongbao_core::bank::Statement> {
        self.on_statement(token, opts)
    }

    fn repay(
        &self,
        from: Option<&str>,
        to: CreditTo<'_>,
        principal: i64,
        total: i64,
        key: &str,
        opts: CallOptions,
    ) -> BankResult<BankTxn> {
        self.on_repay(from, to, principal, total, key, opts)
    }

    fn verify_card(&self, req: &VerifyCard<'_>, opts: CallOptions) -> BankResult<Verified> {
        self.on_verify_card(req, opts)
    }

    fn verify_token(&self, session: &str, code: &str, opts: CallOptions) -> BankResult<()> {
        self.on_verify_token(session, code, opts)
    }

    fn send_otp(&self, session: &str, opts: CallOptions) -> BankResult<OtpSent> {
        self.on_send_otp(session, opts)
    }

    fn confirm_binding(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<Binding> {
        self.on_confirm_binding(session, otp, opts)
    }

    fn verify_update(&self, req: &UpdateCard<'_>, opts: CallOptions) -> BankResult<String> {
        self.on_verify_update(req, opts)
    }

    fn confirm_update(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<()> {
        self.on_confirm_update(session, otp, opts)
    }

    fn verify_holder(&self, req: &HolderCheck<'_>, opts: CallOptions) -> BankResult<String> {
        self.on_verify_holder(req, opts)
    }

    fn binding_state(&self, request_id: &str, opts: CallOptions) -> BankResult<BindingState> {
        self.on_binding_state(request_id, opts)
    }

    fn update_state(&self, session: &str, opts: CallOptions) -> BankResult<UpdateState> {
        self.on_update_state(session, opts)
    }

    fn token_status(&self, token: &str, opts: CallOptions) -> BankResult<CardStatus> {
        self.on_token_status(token, opts)
    }

    fn bank_info(&self, opts: CallOptions) -> BankResult<BankInfo> {
        self.transport(opts, false, || Ok(BankInfo { now: self.clock.now(), min_client_version: self.version_floor() }))
    }

    fn debit(&self, token: &str, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn> {
        self.on_debit(token, amount_fen, key, opts)
    }

    fn credit(&self, to: CreditTo<'_>, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn> {
        self.on_credit(to, amount_fen, key, opts)
    }

    fn check_payee(&self, pan: &str, name: &str, opts: CallOptions) -> BankResult<PayeeChecked> {
        self.on_check_payee(pan, name, opts)
    }

    fn inquire(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.on_inquire(key, opts)
    }

    fn exchange_bind_code(&self, code: &str, holder_id: &str, opts: CallOptions) -> BankResult<Vec<GrantedCard>> {
        self.on_exchange_bind_code(code, holder_id, opts)
    }

    fn revoke_token(&self, token: &str, opts: CallOptions) -> BankResult<()> {
        self.on_revoke_token(token, opts)
    }

    fn card_status(&self, pan: &str, opts: CallOptions) -> BankResult<CardStatus> {
        self.on_card_status(pan, opts)
    }
}

/// The mock phone shows the wallet's own SMS too (recovery codes, notices).
impl SmsGateway for MockBank {
    fn send(&self, phone: &str, text: &str) -> Result<(), tongbao_core::platform::error::AppError> {
        let sent = self
            .db()
            .execute("INSERT INTO sms (phone, text, at) VALUES (?1, ?2, ?3)", params![phone, text, self.clock.now()]);
        self.sms_arrived();
        sent.map(|_| ()).map_err(|e| {
            tongbao_core::platform::error::AppError::new(
                tongbao_core::platform::error::ErrorCode::StorageError,
                format!("mock phone: {e}"),
            )
        })
    }
}
