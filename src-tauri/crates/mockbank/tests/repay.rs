//! Credit-card repayment: T13's statement, repaying it (the statement, the minimum, another
//! amount) from the balance and from a debit card, T43 by number and holder name, the month's
//! free quota and the fee past it (decided once under 16 parallel repayments), home's reminder.
//! A crash at each step of a repayment is in `failpoints.rs`.

use tongbao_core::money::payments::{Counterparty, PaymentInput, PaymentKind, PaymentStatus};
use tongbao_core::platform::clock::DAY;
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::SecretString;

mod common;
use common::money::*;
use common::*;

const T43: &str = "6253300000010434";

/// P1 with T01 (debit) and T13 (credit, owes ¥2,345.67) bound and ¥5,000 in the balance.
fn world() -> (Env, i64, i64) {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    let t13 = bind(&e.wallet, &e.bank, "6253300000010137", P1.phone, Some(("12/30", "123"))).id;
    pay(&e.wallet, topup(t01, "5000")).unwrap();
    (e, t01, t13)
}

fn own(card: i64, amount: &str, from: Option<i64>) -> PaymentInput {
    PaymentInput { repay_card_id: Some(card), card_id: from, ..input(PaymentKind::Repay, amount) }
}

fn anyones(number: &str, name: &str, amount: &str) -> PaymentInput {
    PaymentInput {
        payee_card: Some(SecretString::new(number)),
        payee_name: Some(name.into()),
        ..input(PaymentKind::Repay, amount)
    }
}

#[test]
fn t13s_statement_is_repaid_from_the_balance_and_the_fee_is_shown_first() {
    let (e, _, t13) = world();
    let s = e.wallet.money().statement(t13).unwrap();
    assert_eq!((s.owed_fen, s.minimum_fen, s.due_date.as_str()), (234_567, 23_457, "2026-11-25"));
    // ¥345.67 over the month's free ¥2,000: 0.1 % rounded up, 35 fen — quoted before paying.
    let q = e.wallet.money().quote_payment(&own(t13, "2345.67", None)).unwrap();
    assert_eq!((q.amount_fen, q.fee_fen), (234_567, 35));
    assert!(matches!(q.payee, Some(Counterparty::Card { ref last4, .. }) if last4 == "0137"));
    let paid = pay(&e.wallet, own(t13, "2345.67", None)).unwrap();
    assert_eq!(
        (paid.kind, paid.status, paid.amount_fen, paid.fee_fen),
        (PaymentKind::Repay, PaymentStatus::Succeeded, 234_602, 35)
    );
    assert_eq!(e.wallet.money().statement(t13).unwrap().owed_fen, 0, "the repayment lowered what it owes");
    assert_eq!(e.wallet.money().balance().unwrap(), 500_000 - 234_602);
    books(&e.wallet);
}

#[test]
fn the_minimum_from_a_debit_card_is_charged_there_with_its_fee() {
    let (e, t01, t13) = world();
    let before = e.bank.balance_of("T01").unwrap();
    let paid = pay(&e.wallet, own(t13, "234.57", Some(t01))).unwrap();
    assert_eq!((paid.status, paid.fee_fen, paid.card_last4.as_deref()), (PaymentStatus::Succeeded, 0, Some("0017")));
    assert_eq!(e.bank.balance_of("T01").unwrap(), before - 23_457);
    assert_eq!(e.wallet.money().statement(t13).unwrap().owed_fen, 234_567 - 23_457);
    assert_eq!(e.wallet.money().balance().unwrap(), 500_000, "the balance did not move");
    // From a credit card: refused; a debit card is not repaid.
    let err = pay_with(&e.wallet, &key(), own(t13, "10", Some(t13)), PAY_PASSWORD).unwrap_err();
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::CardTypeNotSupported, Some("repay_from_credit")));
    let err = pay_with(&e.wallet, &key(), own(t01, "10", None), PAY_PASSWORD).unwrap_err();
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::CardTypeNotSupported, Some("not_credit")));
    books(&e.wallet);
}

#[test]
fn anyones_card_is_repaid_by_number_and_the_holders_name() {
    let (e, _, _) = world();
    assert_eq!(pay(&e.wallet, anyones(T43, "王五", "88.89")).unwrap_err(), ErrorCode::PayeeNameMismatch);
    let err = pay_with(&e.wallet, &key(), anyones("6222020000000010231", "王五", "10"), PAY_PASSWORD).unwrap_err();
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::CardTypeNotSupported, Some("not_credit")));
    assert_eq!(e.bank.balance_of("T43"), Some(-88_888));
    let paid = pay(&e.wallet, anyones(T43, "李四", "888.88")).unwrap();
    assert_eq!(paid.status, PaymentStatus::Succeeded);
    assert!(
        matches!(paid.counterparty, Some(Counterparty::Card { ref name_masked, .. }) if name_masked.as_deref() == Some("*四"))
    );
    assert_eq!(e.bank.balance_of("T43"), Some(0));
    books(&e.wallet);
}

#[test]
fn sixteen_repayments_at_once_use_the_free_quota_once() {
    let (e, _, _) = world();
    let wallet = e.wallet.clone();
    // Sixteen ¥300 repayments (the quota covers six and two thirds of them).
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|_| {
                let w = wallet.clone();
                s.spawn(move || pay(&w, anyones(T43, "李四", "300")))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let paid: Vec<_> = results.iter().flatten().collect();
    assert!(results.iter().all(|r| matches!(r, Ok(_) | Err(ErrorCode::FeeChanged))), "{results:?}");
    let free: i64 = paid.iter().filter(|v| v.fee_fen == 0).map(|v| v.amount_fen).sum();
    assert!(free <= 200_000, "¥{} repaid free", free / 100);
    // Each fee is the one its place in the month asked for: the quota used exactly once.
    let mut used = 0;
    let mut by_time: Vec<_> = paid.clone();
    by_time.sort_by_key(|v| v.id);
    for v in by_time {
        let principal = v.amount_fen - v.fee_fen;
        let over = principal - (200_000 - used).max(0);
        let expected = if over <= 0 { 0 } else { ((over + 999) / 1000).max(10) };
        assert_eq!(v.fee_fen, expected, "payment {}", v.id);
        used += principal;
    }
    books(&e.wallet);
}

#[test]
fn home_reminds_from_three_days_before_the_due_date_while_something_is_owed() {
    let (e, _, t13) = world();
    // 2026-11-25 is T13's due date: today.
    let r = e.wallet.money().repay_reminders().unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].card_id, r[0].statement.due_date.as_str()), (t13, "2026-11-25"));
    // The 26th: the next due date is 2026-12-25, 29 days away — no reminder.
    e.clock.advance(DAY);
    sign_in(&e.wallet, &P1);
    assert_eq!(e.wallet.money().statement(t13).unwrap().due_date, "2026-12-25");
    assert!(e.wallet.money().repay_reminders().unwrap().is_empty());
    // The 22nd of December: 3 days before.
    e.clock.advance(26 * DAY);
    sign_in(&e.wallet, &P1);
    assert_eq!(e.wallet.money().repay_reminders().unwrap().len(), 1);
    // Repaid in full: nothing to remind.
    pay(&e.wallet, own(t13, "2345.67", None)).unwrap();
    assert!(e.wallet.money().repay_reminders().unwrap().is_empty());
}
