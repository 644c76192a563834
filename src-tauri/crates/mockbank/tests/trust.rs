//! Trust before money leaves: the payee check's four outcomes (T23 with 王五 and 王伍, a wrong
//! name, T42 unchecked), a reported payee (T41), and the first-time-payee note that a payee paid
//! before never gets again.

use tongbao_core::money::payments::trust::{PayeeCheck, Purpose, RiskRule};
use tongbao_core::money::payments::{Arrival, Counterparty, PaymentInput, PaymentStatus};
use tongbao_core::platform::error::ErrorCode;

mod common;
use common::money::*;
use common::*;

const T23: &str = "6222020000000010231";
const T41: &str = "6222020000000010413";
const T42: &str = "6222020000000010421";

fn funded() -> Env {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None);
    pay(&e.wallet, topup(t01.id, "20000")).unwrap();
    e
}

fn confirmed(mut input: PaymentInput) -> PaymentInput {
    input.confirm_payee_name = Some(true);
    input
}

#[test]
fn a_matching_name_goes_on_and_only_the_first_payment_to_a_payee_gets_a_note() {
    let e = funded();
    let q = e.wallet.money().quote_payment(&to_card(T23, "王五", "10", Arrival::Instant)).unwrap();
    assert_eq!(q.payee_check.map(|c| c.outcome), Some(PayeeCheck::Match));
    assert_eq!(q.risks, [RiskRule::FirstTimePayee]);
    let paid = pay(&e.wallet, to_card(T23, "王五", "10", Arrival::Instant)).unwrap();
    assert_eq!((paid.status, paid.payee_check), (PaymentStatus::Succeeded, Some(PayeeCheck::Match)));
    // No warning fatigue: a payee paid before is silent, twenty times over.
    for _ in 0..20 {
        let q = e.wallet.money().quote_payment(&to_card(T23, "王五", "1", Arrival::Instant)).unwrap();
        assert!(q.risks.is_empty(), "{:?}", q.risks);
    }
    // The same for a wallet user.
    assert_eq!(e.wallet.money().quote_payment(&to_user(P2.phone, "1")).unwrap().risks, [RiskRule::FirstTimePayee]);
    pay(&e.wallet, to_user(P2.phone, "1")).unwrap();
    assert!(e.wallet.money().quote_payment(&to_user(P2.phone, "1")).unwrap().risks.is_empty());
    // A failed payment does not make a payee known.
    books(&e.wallet);
}

#[test]
fn a_close_match_is_a_question_answered_by_confirming_the_banks_masked_name() {
    let e = funded();
    let q = e.wallet.money().quote_payment(&to_card(T23, "王伍", "10", Arrival::Instant)).unwrap();
    let check = q.payee_check.unwrap();
    assert_eq!((check.outcome, check.name_masked.as_deref()), (PayeeCheck::Close, Some("*五")));
    let err = pay_with(&e.wallet, &key(), to_card(T23, "王伍", "10", Arrival::Instant), PAY_PASSWORD).unwrap_err();
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::PayeeNameCloseMatch, Some("*五")));
    assert_eq!(e.bank.balance_of("T23"), Some(100_000), "nothing moved before the answer");
    let paid = pay(&e.wallet, confirmed(to_card(T23, "王伍", "10", Arrival::Instant))).unwrap();
    assert_eq!((paid.status, paid.payee_check), (PaymentStatus::Succeeded, Some(PayeeCheck::Close)));
    // The payee is named as the bank names them, not as typed.
    assert!(matches!(paid.counterparty, Some(Counterparty::Card { name_masked: Some(ref n), .. }) if n == "*五"));
    assert_eq!(e.bank.balance_of("T23"), Some(101_000));
}

#[test]
fn no_match_is_refused_and_a_reported_account_is_refused_with_its_code() {
    let e = funded();
    let q = e.wallet.money().quote_payment(&to_card(T23, "李四", "10", Arrival::Instant)).unwrap_err();
    assert_eq!(q.code, ErrorCode::PayeeNameMismatch);
    // One character off but not a variant of it: another person, not a close match.
    let q = e.wallet.money().quote_payment(&to_card(T23, "王六", "10", Arrival::Instant)).unwrap_err();
    assert_eq!(q.code, ErrorCode::PayeeNameMismatch);
    let q = e.wallet.money().quote_payment(&to_card(T41, "李四", "10", Arrival::Instant)).unwrap_err();
    assert_eq!((q.code, q.bank_code.as_deref()), (ErrorCode::PayeeReported, Some("59")));
    let err = pay_with(&e.wallet, &key(), to_card(T41, "李四", "10", Arrival::Instant), PAY_PASSWORD).unwrap_err();
    assert_eq!(err.code, ErrorCode::PayeeReported);
    assert_eq!(e.bank.balance_of("T41"), Some(0));
    books(&e.wallet);
}

#[test]
fn an_unchecked_name_takes_only_a_delayed_revocable_arrival() {
    let e = funded();
    let q = e.wallet.money().quote_payment(&to_card(T42, "王五", "10", Arrival::Instant)).unwrap();
    assert_eq!(q.payee_check.map(|c| c.outcome), Some(PayeeCheck::Unavailable));
    assert_eq!(q.arrivals, [Arrival::TwoHours, Arrival::NextDay]);
    assert!(q.risks.contains(&RiskRule::PayeeUnchecked));
    let err = pay_with(&e.wallet, &key(), to_card(T42, "王五", "10", Arrival::Instant), PAY_PASSWORD).unwrap_err();
    assert_eq!(err.code, ErrorCode::PayeeCheckUnavailable);
    let mut input = to_card(T42, "王五", "10", Arrival::Instant);
    input.arrival = None;
    let paid = pay(&e.wallet, input).unwrap();
    assert_eq!((paid.arrival, paid.status, paid.revocable), (Arrival::TwoHours, PaymentStatus::Pending, true));
    assert_eq!(paid.payee_check, Some(PayeeCheck::Unavailable));
    books(&e.wallet);
}

#[test]
fn five_thousand_or_more_to_a_new_payee_asks_the_purpose_and_a_scam_purpose_warns_and_delays() {
    let e = funded();
    let big = || to_card(T23, "王五", "5000", Arrival::Instant);
    let q = e.wallet.money().quote_payment(&big()).unwrap();
    assert_eq!(q.risks, [RiskRule::FirstTimePayee, RiskRule::PurposeRequired]);
    assert_eq!(pay(&e.wallet, big()).unwrap_err(), ErrorCode::PurposeRequired);
    assert_eq!(e.bank.balance_of("T23"), Some(100_000), "nothing moved");
    // 投资理财: the investment-scam warning, and 2 hours when no arrival was chosen.
    let scam = PaymentInput { purpose: Some(Purpose::Investment), arrival: None, ..big() };
    assert!(e.wallet.money().quote_payment(&scam).unwrap().risks.contains(&RiskRule::ScamInvestment));
    let paid = pay(&e.wallet, scam).unwrap();
    assert_eq!((paid.arrival, paid.status, paid.revocable), (Arrival::TwoHours, PaymentStatus::Pending, true));
    let imp = PaymentInput { purpose: Some(Purpose::Impersonation), ..big() };
    assert!(e.wallet.money().quote_payment(&imp).unwrap().risks.contains(&RiskRule::ScamImpersonation));
    // Below ¥5,000, or to a payee paid before: no question.
    assert!(!e
        .wallet
        .money()
        .quote_payment(&to_card(T23, "王五", "4999.99", Arrival::Instant))
        .unwrap()
        .risks
        .contains(&RiskRule::PurposeRequired));
    pay(&e.wallet, PaymentInput { purpose: Some(Purpose::Family), ..big() }).unwrap();
    assert!(e.wallet.money().quote_payment(&big()).unwrap().risks.is_empty());
    books(&e.wallet);
}

#[test]
fn within_24_hours_of_a_password_change_a_transfer_needs_an_sms_code_spent_once() {
    use tongbao_core::accounts::security::ChangePassword;
    use tongbao_core::platform::clock::HOUR;
    use tongbao_core::platform::secrets::SecretString;
    let e = funded();
    let change = ChangePassword {
        current: SecretString::new(PAY_PASSWORD),
        new: SecretString::new("147025"),
        confirm: SecretString::new("147025"),
    };
    e.wallet.accounts().change_pay_password(&change).unwrap();
    let pw = "147025";
    let small = || to_user(P2.phone, "1");
    assert!(e.wallet.money().quote_payment(&small()).unwrap().risks.contains(&RiskRule::StepUp));
    assert_eq!(pay_with(&e.wallet, &key(), small(), pw).unwrap_err().code, ErrorCode::StepUpRequired);
    e.wallet.money().pay_step_up_send().unwrap();
    let text = e.bank.latest_sms(P1.phone).unwrap();
    assert!(text.contains("【通宝钱包】验证码") && text.contains("24 小时"), "{text}");
    let code = sms_code(&e.bank, P1.phone);
    let wrong = PaymentInput { step_up_code: Some(SecretString::new("000000")), ..small() };
    let err = pay_with(&e.wallet, &key(), wrong, pw).unwrap_err();
    assert_eq!((err.code, err.tries_left), (ErrorCode::OtpInvalid, Some(2)));
    // Sixteen payments with the one right code at once: one is paid.
    let with_code = || PaymentInput { step_up_code: Some(SecretString::new(&code)), ..small() };
    let results = at_once(16, |_| pay_with(&e.wallet, &key(), with_code(), pw).map(|_| ()));
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert_eq!(pay_with(&e.wallet, &key(), with_code(), pw).unwrap_err().code, ErrorCode::OtpExpired, "spent");
    // A day later no code is asked.
    e.clock.advance(24 * HOUR + 1);
    sign_in(&e.wallet, &P1);
    assert!(!e.wallet.money().quote_payment(&small()).unwrap().risks.contains(&RiskRule::StepUp));
    pay_with(&e.wallet, &key(), small(), pw).unwrap();
    books(&e.wallet);
}

#[test]
fn a_note_is_kept_for_both_sides_and_found_by_its_words() {
    use tongbao_core::money::payments::HistoryQuery;
    let e = funded();
    let with_note = |n: &str| PaymentInput { note: Some(n.into()), ..to_user(P2.phone, "1") };
    assert_eq!(pay(&e.wallet, with_note(&"饭".repeat(21))).unwrap_err(), ErrorCode::NoteInvalid);
    assert_eq!(pay(&e.wallet, with_note("a\u{7}b")).unwrap_err(), ErrorCode::NoteInvalid);
    let paid = pay(&e.wallet, with_note("  周末聚餐 AA_50%  ")).unwrap();
    assert_eq!(paid.note.as_deref(), Some("周末聚餐 AA_50%"));
    pay(&e.wallet, with_note("房租")).unwrap();
    let find = |text: &str| {
        let q = HistoryQuery { text: Some(text.into()), page_size: 20, ..Default::default() };
        e.wallet
            .money()
            .history(&q)
            .unwrap()
            .items
            .iter()
            .map(|p| p.note.clone().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(find("聚餐"), ["周末聚餐 AA_50%"]);
    assert_eq!(find("_50%"), ["周末聚餐 AA_50%"], "wildcards are literal");
    assert!(find("%").len() == 1 && find("_").len() == 1);
    assert!(find("工资").is_empty());
    // The payee sees the note too.
    sign_in(&e.wallet, &P2);
    let q = HistoryQuery { text: Some("房租".into()), page_size: 20, ..Default::default() };
    let theirs = e.wallet.money().history(&q).unwrap().items;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].note.as_deref(), Some("房租"));
}

#[test]
fn recent_payees_newest_first_masked_and_removable_until_paid_again() {
    use tongbao_core::money::payments::trust::RecentPayeeRef;
    use tongbao_core::money::payments::{Counterparty, PaymentKind};
    let e = funded();
    pay(&e.wallet, to_card(T23, "王五", "1", Arrival::Instant)).unwrap();
    e.clock.advance(1_000);
    pay(&e.wallet, to_user(P2.phone, "1")).unwrap();
    e.clock.advance(1_000);
    pay(&e.wallet, to_card(T23, "王五", "1", Arrival::Instant)).unwrap();
    let list = e.wallet.money().recent_payees().unwrap();
    assert_eq!(list.len(), 2, "one entry per payee");
    assert_eq!(list[0].kind, PaymentKind::ToCard);
    assert!(
        matches!(&list[0].counterparty, Counterparty::Card { last4, name_masked: Some(n), .. } if last4 == "0231" && n == "*五")
    );
    assert_eq!(list[0].phone, None, "a card's number is never kept");
    assert_eq!(
        (list[1].phone.as_deref(), &list[1].counterparty),
        (Some(P2.phone), &Counterparty::Person { name_masked: "*四".into() })
    );
    // A failed transfer adds nobody.
    assert!(pay(&e.wallet, to_card(T41, "李四", "1", Arrival::Instant)).is_err());
    assert_eq!(e.wallet.money().recent_payees().unwrap().len(), 2);
    let key = list[1].key.clone();
    let after = e.wallet.money().recent_payee_remove(&RecentPayeeRef { key: key.clone() }).unwrap();
    assert_eq!(after.len(), 1);
    e.clock.advance(1_000);
    pay(&e.wallet, to_user(P2.phone, "1")).unwrap();
    assert_eq!(e.wallet.money().recent_payees().unwrap()[0].key, key, "paid again: back, first");
    // Another account's list is its own.
    sign_in(&e.wallet, &P2);
    assert!(e.wallet.money().recent_payees().unwrap().is_empty());
}
