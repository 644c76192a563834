//! The money tests' world: a wallet and the mock bank on a fake clock with P1 and P2
//! registered, the payment forms, the books check, and a keychain in a folder so a second
//! process (a crash test's child) finds the first one's keys.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use tongbao_core::bank::Bank;
use tongbao_core::money::ledger;
use tongbao_core::money::payments::{Arrival, Counterparty, PaymentInput, PaymentKind, PaymentRequest};
use tongbao_core::platform::clock::FakeClock;
use tongbao_core::platform::error::{AppError, ErrorCode};
use tongbao_core::platform::secrets::{MemoryStore, SecretString};
use tongbao_core::{open_wallet, Wallet};
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::testkit::FolderStore;
use tongbao_mockbank::{Controls, MockBank};

use super::*;

pub struct Env {
    pub _dir: tempfile::TempDir,
    pub clock: Arc<FakeClock>,
    pub bank: Arc<MockBank>,
    pub wallet: Arc<Wallet>,
}

pub fn env_with(fixture: Fixture) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at(T0));
    let bank = Arc::new(MockBank::in_memory(&fixture, clock.clone()));
    bank.set_controls(Controls { latency_ms: 20, ..Controls::default() });
    let wallet = open_wallet(dir.path(), Arc::new(MemoryStore::default()), clock.clone())
        .unwrap()
        .with_sms(bank.clone())
        .with_acquirer(bank.clone())
        .with_biller(bank.clone())
        .with_bank(bank.clone(), policy(), "0.1.0")
        .unwrap();
    register(&wallet, &P2);
    register(&wallet, &P1); // P1 stays signed in
    Env { _dir: dir, clock, bank, wallet: Arc::new(wallet) }
}

pub fn env() -> Env {
    env_with(Fixture::default_fixture())
}

pub fn person(masked: &str) -> Counterparty {
    Counterparty::Person { name_masked: masked.into() }
}

pub fn input(kind: PaymentKind, amount: &str) -> PaymentInput {
    PaymentInput {
        kind,
        amount: amount.into(),
        card_id: None,
        payee_phone: None,
        payee_card: None,
        payee_name: None,
        arrival: None,
        confirm_payee_name: None,
        purpose: None,
        step_up_code: None,
        note: None,
        order: None,
        bill_kind: None,
        bill_account: None,
        repay_card_id: None,
    }
}

pub static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
pub fn key() -> String {
    format!("key-{:08}", KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

pub fn pay_with(
    w: &Wallet,
    key: &str,
    input: PaymentInput,
    pw: &str,
) -> Result<tongbao_core::money::payments::PaymentView, AppError> {
    w.money().pay(&PaymentRequest { idem_key: key.into(), input, pay_password: SecretString::new(pw) }, NO_RETRY)
}

pub fn pay(w: &Wallet, input: PaymentInput) -> Result<tongbao_core::money::payments::PaymentView, ErrorCode> {
    pay_with(w, &key(), input, PAY_PASSWORD).map_err(|e| e.code)
}

pub fn topup(card: i64, amount: &str) -> PaymentInput {
    PaymentInput { card_id: Some(card), ..input(PaymentKind::Topup, amount) }
}
pub fn withdraw(card: i64, amount: &str) -> PaymentInput {
    PaymentInput { card_id: Some(card), ..input(PaymentKind::Withdraw, amount) }
}
pub fn to_user(phone: &str, amount: &str) -> PaymentInput {
    PaymentInput { payee_phone: Some(phone.into()), ..input(PaymentKind::ToUser, amount) }
}
pub fn to_card(number: &str, name: &str, amount: &str, arrival: Arrival) -> PaymentInput {
    PaymentInput {
        payee_card: Some(SecretString::new(number)),
        payee_name: Some(name.into()),
        arrival: Some(arrival),
        ..input(PaymentKind::ToCard, amount)
    }
}

/// A bill's payment (or a top-up of a phone) from the balance or a card.
pub fn bill(kind: tongbao_core::biller::BillKind, account: &str, amount: &str, card: Option<i64>) -> PaymentInput {
    PaymentInput {
        bill_kind: Some(kind),
        bill_account: Some(account.into()),
        card_id: card,
        ..input(PaymentKind::Bill, amount)
    }
}

/// A merchant order's payment from its link (from the balance, or a card).
pub fn merchant(link: &str, card: Option<i64>) -> PaymentInput {
    PaymentInput { order: Some(link.into()), card_id: card, ..input(PaymentKind::Merchant, "") }
}

pub fn books(w: &Wallet) {
    w.with_db_for_tests(ledger::audit_books).unwrap();
}

pub fn open_in(dir: &Path, bank: Arc<dyn Bank>, clock: Arc<FakeClock>) -> Wallet {
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    open_wallet(&dir.join("wallet"), Arc::new(FolderStore(dir.join("keys"))), clock)
        .unwrap()
        .with_bank(bank, policy(), "0.1.0")
        .unwrap()
}

/// As [`open_in`], with the mock bank also as the acquirer (merchant payments settle at start).
pub fn open_with_acquirer(dir: &Path, bank: Arc<MockBank>, clock: Arc<FakeClock>) -> Wallet {
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    open_wallet(&dir.join("wallet"), Arc::new(FolderStore(dir.join("keys"))), clock)
        .unwrap()
        .with_acquirer(bank.clone())
        .with_biller(bank.clone())
        .with_bank(bank, policy(), "0.1.0")
        .unwrap()
}

/// A wallet and a bank both on disk in a fresh folder (a restart reopens the same files), with
/// P1 registered and signed in.
pub fn on_disk(latency_ms: i64) -> (tempfile::TempDir, Arc<FakeClock>, Arc<MockBank>, Wallet) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at(T0));
    let bank =
        Arc::new(MockBank::open(&dir.path().join("bank.db"), &Fixture::default_fixture(), clock.clone()).unwrap());
    bank.set_controls(Controls { latency_ms, ..Controls::default() });
    let wallet = open_with_acquirer(dir.path(), bank.clone(), clock.clone());
    register(&wallet, &P1);
    (dir, clock, bank, wallet)
}

/// Pays a transfer that asks the SMS code on top of the payment password (within 24 hours of a
/// password change or recovery): sends the code and pays with it.
pub fn pay_stepped_up(
    e: &Env,
    input: PaymentInput,
    pw: &str,
) -> Result<tongbao_core::money::payments::PaymentView, AppError> {
    assert_eq!(pay_with(&e.wallet, &key(), input.clone(), pw).unwrap_err().code, ErrorCode::StepUpRequired);
    e.wallet.money().pay_step_up_send()?;
    let code = super::sms_code(&e.bank, P1.phone);
    pay_with(&e.wallet, &key(), PaymentInput { step_up_code: Some(SecretString::new(&code)), ..input }, pw)
}
