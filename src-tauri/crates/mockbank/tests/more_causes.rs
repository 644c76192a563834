//! Binding beyond the article: the seven further causes of T33–T39, through the wallet — each
//! said once with its case (`detail`), its bank code and Rust's verdict, and fixed by the bank
//! counter action a person would take.

use std::cell::Cell;

use tongbao_core::bank::AccountClass;
use tongbao_core::platform::clock::{HOUR, MINUTE};
use tongbao_core::platform::error::{AppError, ErrorCode, Remedy, RetryHelps};
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::support::checks::{CheckId, DiagnoseInput};
use tongbao_mockbank::BankAction;

mod common;
use common::money::*;
use common::*;

/// Starts binding `number` for P1 (signed in): the failure the wallet reports.
fn refused(e: &Env, number: &str) -> AppError {
    e.wallet.cards().bind_start(&debit_form(number, P1.phone), NO_RETRY).expect_err("the binding is refused")
}

fn counter(e: &Env, action: BankAction) {
    e.bank.act(None, &action).unwrap();
}

#[test]
fn t33_the_bank_still_holds_the_old_15_digit_id_until_the_counter_updates_it() {
    let e = env();
    let err = refused(&e, "6222020000000010330");
    assert_eq!(
        (err.code, err.detail.as_deref(), err.bank_code.as_deref()),
        (ErrorCode::HolderMismatch, Some("id_outdated"), Some("05"))
    );
    assert_eq!(err.retry, Some(RetryHelps::AfterFix));
    // The troubleshooting center explains the case, across restarts (it is kept with the failure).
    let last = e.wallet.cards().last_failure().unwrap().unwrap();
    assert_eq!((last.code, last.detail.as_deref()), (ErrorCode::HolderMismatch, Some("id_outdated")));
    // Someone else with the same card number is a plain holder mismatch, not an old ID.
    e.wallet.accounts().logout();
    sign_in(&e.wallet, &P2);
    let other = e.wallet.cards().bind_start(&debit_form("6222020000000010330", P2.phone), NO_RETRY).unwrap_err();
    assert_eq!((other.code, other.detail), (ErrorCode::HolderMismatch, None));
    sign_in(&e.wallet, &P1);
    counter(&e, BankAction::UpdateId { card_id: "T33".into() });
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010330", P1.phone, None).last4, "0330");
}

#[test]
fn t34_a_payroll_card_with_the_employers_phone_binds_once_the_phone_is_changed() {
    let e = env();
    let err = refused(&e, "6222020000000010348");
    assert_eq!(
        (err.code, err.detail.as_deref(), err.bank_code.as_deref()),
        (ErrorCode::PhoneMismatch, Some("payroll_card"), Some("05"))
    );
    counter(&e, BankAction::ChangePhone { card_id: "T34".into(), phone: P1.phone.into() });
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010348", P1.phone, None).last4, "0348");
}

#[test]
fn t35_the_banks_cap_on_agreements_is_its_own_code_and_releasing_one_lets_it_bind() {
    let e = env();
    let err = refused(&e, "6222020000000010355");
    assert_eq!((err.code, err.bank_code.as_deref()), (ErrorCode::BankAgreementLimit, Some("57")));
    assert_eq!((err.retry, err.remedy), (Some(RetryHelps::AfterBank), Some(Remedy::CallBank)));
    counter(&e, BankAction::ReleaseAgreement { card_id: "T35".into() });
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010355", P1.phone, None).last4, "0355");
}

#[test]
fn t36_a_replaced_card_names_the_new_cards_last_4() {
    let e = env();
    let err = refused(&e, "6222020000000010363");
    assert_eq!((err.code, err.last4.as_ref().map(|l| l.as_str())), (ErrorCode::CardReplaced, Some("0017")));
    let last = e.wallet.cards().last_failure().unwrap().unwrap();
    assert_eq!(
        (last.code, last.new_last4.as_deref(), last.last4.as_str()),
        (ErrorCode::CardReplaced, Some("0017"), "0363")
    );
    assert_eq!((err.retry, err.remedy), (Some(RetryHelps::No), Some(Remedy::BindNewCard)));
    // The card the bank named binds.
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).last4, "0017");
}

#[test]
fn t37_a_class_ii_account_binds_with_its_class_and_limits_and_a_top_up_over_them_names_them() {
    let e = env();
    let card = bind(&e.wallet, &e.bank, "6222020000000010371", P1.phone, None);
    assert_eq!(card.account_class, AccountClass::ClassII);
    assert_eq!((card.bank_single_limit_fen, card.bank_daily_limit_fen), (Some(1_000_000), Some(1_000_000)));
    let err = pay_with(&e.wallet, &key(), topup(card.id, "12000"), PAY_PASSWORD).unwrap_err();
    assert_eq!(
        (err.code, err.detail.as_deref(), err.bank_code.as_deref()),
        (ErrorCode::LimitExceeded, Some("class_ii"), Some("61"))
    );
    assert_eq!(err.limit_fen.map(|l| l.get()), Some(1_000_000));
    assert!(pay(&e.wallet, topup(card.id, "10000")).is_ok(), "within the class II limit");
    // A class I card says nothing of a class.
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None);
    assert_eq!(t01.account_class, AccountClass::ClassI);
    books(&e.wallet);
}

#[test]
fn t38_card_not_present_payments_not_enabled_is_epay_disabled_non_counter() {
    let e = env();
    let err = refused(&e, "6222020000000010389");
    assert_eq!(
        (err.code, err.detail.as_deref(), err.bank_code.as_deref()),
        (ErrorCode::EpayDisabled, Some("non_counter"), Some("57"))
    );
    // Enabling e-payment is not the fix; enabling card-not-present payments is.
    counter(&e, BankAction::EnableEpay { card_id: "T38".into() });
    assert_eq!(refused(&e, "6222020000000010389").detail.as_deref(), Some("non_counter"));
    counter(&e, BankAction::EnableNonCounter { card_id: "T38".into() });
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010389", P1.phone, None).last4, "0389");
}

/// T0 is 20:00 in Shanghai: ABC's window is 23:00–00:30.
#[test]
fn t39_inside_abcs_maintenance_the_bank_says_until_when_and_nothing_retries_into_it() {
    let e = env();
    e.clock.advance(3 * HOUR + 10 * MINUTE); // 23:10
    sign_in(&e.wallet, &P1); // the idle session locked meanwhile
    let retries = Cell::new(0);
    let err = e
        .wallet
        .cards()
        .bind_start(&debit_form("6228480000000010397", P1.phone), &|_, _| retries.set(retries.get() + 1))
        .unwrap_err();
    assert_eq!(
        (err.code, err.bank_code.as_deref(), err.detail.as_deref()),
        (ErrorCode::BankUnavailable, Some("91"), Some("maintenance"))
    );
    assert_eq!(err.until, Some(T0 + 4 * HOUR + 30 * MINUTE), "00:30 the next day");
    assert_eq!(retries.get(), 0, "no automatic retry into the window");
    let last = e.wallet.cards().last_failure().unwrap().unwrap();
    assert_eq!((last.detail.as_deref(), last.until), (Some("maintenance"), Some(T0 + 4 * HOUR + 30 * MINUTE)));
    assert_eq!((err.retry, err.remedy, err.transient), (Some(RetryHelps::Later), Some(Remedy::WaitUntil), None));
    // The troubleshooting check on the card says when the window ends.
    let input = DiagnoseInput { card_number: Some(SecretString::new("6228480000000010397")) };
    let d = e.wallet.support().run_diagnostics(&input, "0.1.0", &|_| {}).unwrap();
    let check = d.checks.iter().find(|c| c.check == CheckId::CardStatus).unwrap();
    assert_eq!(
        (check.ok, check.code, check.until),
        (false, Some(ErrorCode::BankUnavailable), Some(T0 + 4 * HOUR + 30 * MINUTE))
    );
    // The window is T39's: T29, the other ABC card, binds at any hour.
    assert_eq!(bind(&e.wallet, &e.bank, "6228480000000010298", P1.phone, None).last4, "0298");
    // Past midnight, still inside; at 00:30 it binds.
    e.clock.advance(HOUR + 10 * MINUTE); // 00:20
    sign_in(&e.wallet, &P1);
    assert_eq!(refused(&e, "6228480000000010397").until, Some(T0 + 4 * HOUR + 30 * MINUTE));
    e.clock.advance(10 * MINUTE); // 00:30
    sign_in(&e.wallet, &P1);
    assert_eq!(bind(&e.wallet, &e.bank, "6228480000000010397", P1.phone, None).last4, "0397");
}

#[test]
fn t39_outside_the_window_binds_at_22_59() {
    let e = env();
    e.clock.advance(2 * HOUR + 59 * MINUTE);
    sign_in(&e.wallet, &P1);
    assert_eq!(bind(&e.wallet, &e.bank, "6228480000000010397", P1.phone, None).bank, tongbao_core::cards::BankId::Abc);
}
