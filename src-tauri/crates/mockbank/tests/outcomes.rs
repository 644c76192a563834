//! The test cards added for outcomes the published list does not reach (T24–T30), through the
//! wallet as a person meets them: the catalogue code, the bank code, and what ends them.

use std::sync::Arc;
use tongbao_core::cards::binding::BindStart;
use tongbao_core::money::payments::{Arrival, PaymentStatus};
use tongbao_core::platform::clock::{DAY, HOUR};
use tongbao_core::platform::error::{AppError, ErrorCode};
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::Wallet;
use tongbao_mockbank::fixture::Fixture;

use tongbao_core::platform::clock::FakeClock;
use tongbao_mockbank::{BankAction, MockBank};

mod common;
use common::money::*;
use common::*;

fn start(w: &Wallet, number: &str, phone: &str) -> Result<(), AppError> {
    w.cards().bind_start(&debit_form(number, phone), NO_RETRY).map(|_| ())
}

fn restore(bank: &MockBank, card: &str) {
    bank.act(None, &BankAction::RestoreService { card_id: card.into() }).unwrap();
}

#[test]
fn t24_answers_96_until_the_bank_restores_service_then_binds() {
    let e = env();
    let err = start(&e.wallet, "6222020000000010249", P1.phone).unwrap_err();
    assert_eq!((err.code, err.bank_code.as_deref()), (ErrorCode::BankSystemError, Some("96")));
    assert!(e.bank.panel(None).cards.iter().any(|c| c.id == "T24" && c.system_error));
    // Outside test mode (a viewer: the signed-in person) the counter does not offer it.
    let p1 = tongbao_mockbank::Viewer { id_number: P1.id_number.into(), phone: P1.phone.into() };
    assert!(e.bank.act(Some(&p1), &BankAction::RestoreService { card_id: "T24".into() }).is_err());
    assert_eq!(start(&e.wallet, "6222020000000010249", P1.phone).unwrap_err().code, ErrorCode::BankSystemError);
    restore(&e.bank, "T24");
    let card = bind(&e.wallet, &e.bank, "6222020000000010249", P1.phone, None);
    assert_eq!(card.last4, "0249");
}

#[test]
fn t25_stays_busy_so_the_final_answer_is_91_after_every_retry() {
    let e = env();
    let seen = std::sync::Mutex::new(vec![]);
    let form = BindStart {
        number: SecretString::new("6222020000000010256"),
        expiry: None,
        cvv: None,
        phone: P1.phone.into(),
        nickname: None,
        agree: true,
    };
    let err = e.wallet.cards().bind_start(&form, &|n, max| seen.lock().unwrap().push((n, max))).unwrap_err();
    assert_eq!((err.code, err.bank_code.as_deref()), (ErrorCode::BankUnavailable, Some("91")));
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len() as u32, policy().max_retries, "told before each automatic retry: {seen:?}");
    // Still busy later: it never recovers by itself.
    assert_eq!(start(&e.wallet, "6222020000000010256", P1.phone).unwrap_err().code, ErrorCode::BankUnavailable);
}

#[test]
fn t26_allows_two_debits_a_day_then_65_and_again_the_next_day() {
    let e = env();
    let t26 = bind(&e.wallet, &e.bank, "6222020000000010264", P1.phone, None).id;
    pay(&e.wallet, topup(t26, "10")).unwrap();
    e.clock.advance(2 * 60_000); // past the per-minute window: only the daily count is left
    pay(&e.wallet, topup(t26, "10")).unwrap();
    e.clock.advance(2 * 60_000);
    assert_eq!(pay(&e.wallet, topup(t26, "10")).unwrap_err(), ErrorCode::FrequencyExceeded);
    e.clock.advance(DAY);
    sign_in(&e.wallet, &P1); // the session locked while the clock moved a day
    pay(&e.wallet, topup(t26, "10")).unwrap();
    books(&e.wallet);
}

#[test]
fn t27_returns_a_delayed_transfer_when_it_posts_and_the_money_comes_back() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "500")).unwrap();
    let sent = pay(&e.wallet, to_card("6222020000000010272", "王五", "200", Arrival::TwoHours)).unwrap();
    assert_eq!((sent.status, e.wallet.money().balance().unwrap()), (PaymentStatus::Pending, 30_000));
    e.clock.advance(2 * HOUR + 1);
    e.wallet.money().settle_payments(None).unwrap();
    sign_in(&e.wallet, &P1);
    let detail = e.wallet.money().payment_detail(sent.id).unwrap();
    assert_eq!(detail.payment.status, PaymentStatus::Returned);
    assert_eq!(detail.payment.failure, Some(ErrorCode::CardRestricted));
    assert_eq!(detail.timeline.last().map(|ev| ev.status), Some(PaymentStatus::Returned));
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000, "the held money is back");
    assert_eq!(e.bank.balance_of("T27"), Some(0));
    books(&e.wallet);
}

#[test]
fn t28_is_reported_stolen_card_lost_with_43() {
    let e = env();
    let err = start(&e.wallet, "6222020000000010280", P1.phone).unwrap_err();
    assert_eq!((err.code, err.bank_code.as_deref()), (ErrorCode::CardLost, Some("43")));
}

#[test]
fn t29_and_t30_bind_for_abc_and_boc() {
    let e = env();
    let abc = bind(&e.wallet, &e.bank, "6228480000000010298", P1.phone, None);
    let boc = bind(&e.wallet, &e.bank, "6216610000000010304", P1.phone, None);
    assert_eq!((abc.bank.code(), boc.bank.code()), ("ABC", "BOC"));
    let sms = e.bank.latest_sms(P1.phone).unwrap();
    assert!(sms.starts_with("【中国银行】"), "{sms}");
}

#[test]
fn a_bank_seeded_from_the_previous_default_fixture_gains_the_new_cards() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.sqlite");
    let clock = std::sync::Arc::new(tongbao_core::platform::clock::FakeClock::at(T0));
    // The default fixture as the previous release shipped it (T01–T23).
    let previous = Fixture::parse(include_str!("data/previous-default-fixture.json")).unwrap();
    {
        let old = MockBank::open(&path, &previous, clock.clone()).unwrap();
        old.act(None, &BankAction::Activate { card_id: "T02".into() }).unwrap();
        assert!(old.panel(None).cards.iter().all(|c| c.id.as_str() < "T24"));
    }
    let bank = MockBank::open(&path, &Fixture::default_fixture(), clock.clone()).unwrap();
    let cards = bank.panel(None).cards;
    assert!(cards.iter().any(|c| c.id == "T30"), "the new cards are there");
    assert!(cards.iter().any(|c| c.id == "T02" && c.activated), "the bank's own changes are kept");
    // A fixture that is neither the default nor the one that seeded the file is still refused.
    let other = Fixture::parse(&include_str!("data/previous-default-fixture.json").replace("张三", "张叁")).unwrap();
    assert!(MockBank::open(&path, &other, clock).is_err());
}

#[test]
fn t31_and_t32_are_refused_by_the_bank_with_57_and_15_when_the_bin_did_not_tell() {
    let e = env();
    let prepaid = start(&e.wallet, "6222020000000010314", P1.phone).unwrap_err();
    assert_eq!((prepaid.code, prepaid.bank_code.as_deref()), (ErrorCode::CardTypeNotSupported, Some("57")));
    let no_route = start(&e.wallet, "6222020000000010322", P1.phone).unwrap_err();
    assert_eq!((no_route.code, no_route.bank_code.as_deref()), (ErrorCode::BankNotSupported, Some("15")));
    // The verdict travels with the error.
    let sent = serde_json::to_value(&prepaid).unwrap();
    assert_eq!((sent["category"].as_str(), sent["retry"].as_str()), (Some("card_type"), Some("no")));
}

/// The developer control's version floor lasts for the run that set it: the next start (with or
/// without test mode) answers the fixture's floor, also for a file where an earlier version of
/// the app wrote the raised floor.
#[test]
fn a_raised_version_floor_does_not_outlive_its_run() {
    use tongbao_core::bank::{Bank, CallOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let fixture = Fixture::default_fixture();
    let clock = Arc::new(FakeClock::at(T0));
    let floor = |b: &MockBank| b.bank_info(CallOptions { timeout_ms: 1_000 }).unwrap().min_client_version;
    let bank = MockBank::open(&path, &fixture, clock.clone()).unwrap();
    bank.set_client_version_floor("9.9.9");
    assert_eq!(floor(&bank), "9.9.9");
    drop(bank);
    let bank = MockBank::open(&path, &fixture, clock.clone()).unwrap();
    assert_eq!(floor(&bank), fixture.client_version_floor, "a new start answers the fixture's floor");
    bank.with_db_for_tests(|db| {
        db.execute("UPDATE meta SET value = '9.9.9' WHERE key = 'client_version_floor'", []).unwrap();
    });
    drop(bank);
    let bank = MockBank::open(&path, &fixture, clock).unwrap();
    assert_eq!(floor(&bank), fixture.client_version_floor, "a floor an earlier version wrote is dropped");
}
