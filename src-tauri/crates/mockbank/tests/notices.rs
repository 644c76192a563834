//! The notices center (消息中心): each event is found once — money received, a delayed transfer
//! posted or returned, a refund, a repayment due, a card expiring, a sign-in after a recovery —
//! whoever looks and however often, also from 8 threads at once; reading marks them; closing an
//! account removes them; 隐藏金额 is kept with the account and reported with a look's news.

use tongbao_core::money::payments::{Arrival, PaymentKind};
use tongbao_core::platform::clock::{shanghai_midnight, Clock, HOUR, MINUTE};
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::support::notices::NoticeKind;

mod common;
use common::money::*;
use common::*;

fn kinds(e: &Env) -> Vec<NoticeKind> {
    e.wallet.support().notices().unwrap().items.iter().map(|n| n.kind).collect()
}

fn collect(e: &Env, with_bank: bool) -> Vec<NoticeKind> {
    e.wallet.support().collect_notices(with_bank).unwrap().new.iter().map(|n| n.kind).collect()
}

#[test]
fn money_received_is_one_unread_notice_for_the_payee_found_once_whoever_looks() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "1000")).unwrap();
    assert_eq!(collect(&e, false), [], "a top-up is not news to its payer");
    let sent = pay(&e.wallet, to_user(P2.phone, "200")).unwrap();
    assert_eq!(collect(&e, false), [], "nor a transfer sent");
    sign_in(&e.wallet, &P2);
    // Eight looks at once (the shell looks after every command): one notice.
    let found: Vec<usize> = at_once(8, |_| e.wallet.support().collect_notices(false).unwrap().new.len());
    assert_eq!(found.iter().sum::<usize>(), 1, "{found:?}");
    assert_eq!(collect(&e, false), [], "and not again");
    let center = e.wallet.support().notices().unwrap();
    assert_eq!(center.unread, 1);
    let n = &center.items[0];
    assert_eq!(
        (n.kind, n.read, n.payment_id, n.amount_fen),
        (NoticeKind::Received, false, Some(sent.id), Some(20_000))
    );
    assert_eq!(n.counterpart.as_deref(), Some("*三"), "the payer, masked");
    let read = e.wallet.support().notices_read(Some(n.id)).unwrap();
    assert_eq!((read.unread, read.items[0].read), (0, true));
    assert_eq!(
        e.wallet.support().notices_read(Some(n.id + 100)).unwrap_err().code,
        tongbao_core::ErrorCode::InputInvalid
    );
    // Someone else's notice is not theirs to read.
    sign_in(&e.wallet, &P1);
    assert!(e.wallet.support().notices_read(Some(n.id)).is_err());
    assert_eq!(kinds(&e), []);
}

#[test]
fn a_delayed_transfer_posted_and_one_returned_are_news_to_the_payer() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "1000")).unwrap();
    pay(&e.wallet, to_card("6222020000000010231", "王五", "100", Arrival::TwoHours)).unwrap();
    assert_eq!(collect(&e, false), [], "pending is not news");
    e.clock.advance(2 * HOUR + MINUTE);
    e.wallet.accounts().unlock(&SecretString::new(PASSWORD)).unwrap();
    e.wallet.money().settle_mine().unwrap();
    assert_eq!(collect(&e, false), [NoticeKind::TransferPosted]);
    let n = &e.wallet.support().notices().unwrap().items[0];
    assert_eq!((n.amount_fen, n.counterpart.as_deref()), (Some(10_000), Some("*五")));
}

#[test]
fn a_refund_and_a_card_expiring_within_30_days_are_news_once() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "1000")).unwrap();
    let order = e.bank.create_order("M01", "便利店购物", "10").unwrap();
    let paid = pay(&e.wallet, merchant(&order.link, None)).unwrap();
    assert_eq!(paid.kind, PaymentKind::Merchant);
    let refund_id = e.bank.refund_order(&order.id, "4").unwrap();
    let notice = tongbao_core::money::payments::merchant::RefundNotice { refund_id };
    e.wallet.money().refund_arrived(&notice).unwrap();
    assert_eq!(collect(&e, false), [NoticeKind::Refund]);
    assert_eq!(e.wallet.support().notices().unwrap().items[0].amount_fen, Some(400));
    // T13 (credit) expires 12/30: 30 days before its month ends it is news, once.
    bind(&e.wallet, &e.bank, "6253300000010137", P1.phone, Some(("12/30", "123")));
    assert_eq!(collect(&e, false), []);
    let dec_2030 = shanghai_midnight(chrono::NaiveDate::from_ymd_opt(2030, 12, 5).unwrap()).unwrap();
    e.clock.advance(dec_2030 - e.clock.now());
    sign_in(&e.wallet, &P1);
    assert_eq!(collect(&e, false), [NoticeKind::CardExpiring]);
    assert_eq!(collect(&e, false), []);
    let n = &e.wallet.support().notices().unwrap().items[0];
    assert_eq!((n.last4.as_deref(), n.date.as_deref()), (Some("0137"), Some("12/30")));
}

#[test]
fn a_repayment_due_within_3_days_is_found_when_the_bank_is_asked() {
    let e = env();
    let t13 = bind(&e.wallet, &e.bank, "6253300000010137", P1.phone, Some(("12/30", "123"))).id;
    let due = e.wallet.money().statement(t13);
    let due = chrono::NaiveDate::parse_from_str(&due.unwrap().due_date, "%Y-%m-%d").unwrap();
    let near = shanghai_midnight(due - chrono::Duration::days(2)).unwrap();
    e.clock.advance(near - e.clock.now());
    sign_in(&e.wallet, &P1);
    assert_eq!(collect(&e, false), [], "statements are asked for only on the bank's looks");
    assert_eq!(collect(&e, true), [NoticeKind::RepayDue]);
    assert_eq!(collect(&e, true), []);
    let n = &e.wallet.support().notices().unwrap().items[0];
    assert_eq!(n.date.as_deref(), Some(due.format("%Y-%m-%d").to_string().as_str()));
}

#[test]
fn a_sign_in_after_the_password_was_recovered_is_news() {
    use tongbao_core::accounts::security::{RecoverStart, RecoveryCode, RecoveryFinish, RecoveryIdentity};
    let e = env();
    e.wallet.accounts().logout();
    let w = &e.wallet;
    let id = w.accounts().recover_start(&RecoverStart { phone: P2.phone.into() }).unwrap().recovery_id;
    let code = SecretString::new(sms_code(&e.bank, P2.phone));
    w.accounts().recover_code(&RecoveryCode { recovery_id: id.clone(), code }).unwrap();
    let who = RecoveryIdentity {
        recovery_id: id.clone(),
        real_name: Some(P2.real_name.into()),
        id_number: P2.id_number.into(),
    };
    w.accounts().recover_identity(&who).unwrap();
    let new = || SecretString::new("Harbour2027?");
    w.accounts().recover_finish(&RecoveryFinish { recovery_id: id, new: new(), confirm: new() }).unwrap();
    e.clock.advance(HOUR);
    w.accounts().login(&tongbao_core::accounts::LoginInput { phone: P2.phone.into(), password: new() }).unwrap();
    assert_eq!(collect(&e, false), [NoticeKind::RecoveredSignIn]);
    assert_eq!(collect(&e, false), []);
    // A later sign-in is not news again.
    w.accounts().logout();
    w.accounts().login(&tongbao_core::accounts::LoginInput { phone: P2.phone.into(), password: new() }).unwrap();
    assert_eq!(collect(&e, false), []);
}

#[test]
fn hidden_amounts_are_kept_with_the_account() {
    let e = env();
    let status = || e.wallet.accounts().status().unwrap().session.unwrap().hide_amounts;
    assert!(!status());
    e.wallet.accounts().set_hide_amounts(true).unwrap();
    assert!(status());
    sign_in(&e.wallet, &P2);
    assert!(!status(), "per account");
    sign_in(&e.wallet, &P1);
    assert!(status());
    // A look that finds news for a person who hides amounts says so (the OS notification then
    // names no amount); once shown again, it does not.
    sign_in(&e.wallet, &P2);
    let t10 = bind(&e.wallet, &e.bank, "6222080000000010105", P2.phone, None).id;
    pay(&e.wallet, topup(t10, "100")).unwrap();
    pay(&e.wallet, to_user(P1.phone, "10")).unwrap();
    sign_in(&e.wallet, &P1);
    let found = e.wallet.support().collect_notices(false).unwrap();
    assert_eq!((found.new.len(), found.amounts_hidden), (1, true));
    e.wallet.accounts().set_hide_amounts(false).unwrap();
    sign_in(&e.wallet, &P2);
    pay(&e.wallet, to_user(P1.phone, "10")).unwrap();
    sign_in(&e.wallet, &P1);
    let found = e.wallet.support().collect_notices(false).unwrap();
    assert_eq!((found.new.len(), found.amounts_hidden), (1, false));
}

#[test]
fn a_saved_account_with_a_bill_due_is_news_once_per_amount() {
    use tongbao_core::biller::BillKind;
    use tongbao_core::money::payments::bills::SavedBillInput;
    let e = env();
    let saved = e
        .wallet
        .money()
        .save_bill(&SavedBillInput {
            kind: BillKind::Electricity,
            account: "1000000001".into(),
            nickname: "我家".into(),
        })
        .unwrap();
    // Nothing due on this one: no news.
    e.wallet
        .money()
        .save_bill(&SavedBillInput {
            kind: BillKind::Electricity,
            account: "1000000002".into(),
            nickname: "父母家".into(),
        })
        .unwrap();
    assert_eq!(collect(&e, false), [], "billers are asked only on the bank's looks");
    assert_eq!(collect(&e, true), [NoticeKind::BillDue]);
    assert_eq!(collect(&e, true), [], "the same amount due is not news again");
    let n = &e.wallet.support().notices().unwrap().items[0];
    assert_eq!((n.amount_fen, n.counterpart.as_deref(), n.bill_id), (Some(12_345), Some("我家"), Some(saved[0].id)));
}

#[test]
fn reading_the_notices_is_not_activity_so_news_does_not_keep_an_idle_wallet_unlocked() {
    let e = env();
    let idle = i64::from(e.wallet.accounts().settings().unwrap().autolock_minutes) * MINUTE;
    e.clock.advance(idle - MINUTE);
    // The badge and the center read again as news arrives: the deadline stays where it was.
    assert_eq!(e.wallet.support().notices_unread().unwrap(), 0);
    assert!(e.wallet.support().notices().unwrap().items.is_empty());
    e.wallet.support().collect_notices(true).unwrap();
    assert_eq!(e.wallet.accounts().lock_due_in().unwrap(), Some(MINUTE));
    e.clock.advance(MINUTE);
    assert_eq!(e.wallet.support().notices_unread().unwrap_err().code, tongbao_core::ErrorCode::SessionLocked);
    assert_eq!(e.wallet.support().notices().unwrap_err().code, tongbao_core::ErrorCode::SessionLocked);
}
