//! Bills (生活缴费): the billers' answers (户名, due), what a payment may be (the due, a
//! prepayment of at least ¥10, a top-up's face values), paying from the balance and a card, the
//! nightly maintenance, once only under races, the receipt, and saved accounts kept per person
//! across restarts. A crash at each step of a bill payment is in `failpoints.rs`.

use tongbao_core::biller::BillKind;
use tongbao_core::money::payments::bills::{BillQuery, SavedBillInput, SavedBillRef};
use tongbao_core::money::payments::{Counterparty, PaymentKind, PaymentStatus};
use tongbao_core::platform::clock::{HOUR, MINUTE};
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::SecretString;

mod common;
use common::money::*;
use common::*;

const ELECTRIC: &str = "1000000001";
const ELECTRIC_NOTHING_DUE: &str = "1000000002";

fn funded() -> (Env, i64) {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "1000")).unwrap();
    (e, t01)
}

fn query(e: &Env, kind: BillKind, account: &str) -> Result<tongbao_core::biller::BillAccount, ErrorCode> {
    e.wallet.money().bill_query(&BillQuery { kind, account: account.into() }).map_err(|e| e.code)
}

#[test]
fn the_billers_answer_each_test_account_and_a_phones_carrier() {
    let (e, _) = funded();
    let a = query(&e, BillKind::Electricity, ELECTRIC).unwrap();
    assert_eq!((a.biller.as_str(), a.holder_masked.as_deref(), a.due_fen), ("国网北京市电力公司", Some("*三"), 12_345));
    let nothing = query(&e, BillKind::Electricity, " 1000-0000-02 ").unwrap();
    assert_eq!((nothing.due_fen, nothing.min_fen), (0, 1_000), "nothing due: a prepayment of at least ¥10");
    assert_eq!(query(&e, BillKind::Water, "2000000001").unwrap().due_fen, 5_670);
    let gas = query(&e, BillKind::Gas, "3000000001").unwrap();
    assert_eq!((gas.holder_masked.as_deref(), gas.due_fen), (Some("*五"), 8_800));
    assert_eq!(query(&e, BillKind::Electricity, "1000000009").unwrap_err(), ErrorCode::BillAccountNotFound);
    assert_eq!(
        query(&e, BillKind::Water, ELECTRIC).unwrap_err(),
        ErrorCode::BillAccountNotFound,
        "another biller's 户号"
    );
    for (phone, carrier) in [("13800138000", "中国移动"), ("13012345678", "中国联通"), ("13312345678", "中国电信")]
    {
        let m = query(&e, BillKind::Mobile, phone).unwrap();
        assert_eq!((m.biller.as_str(), m.faces.as_slice()), (carrier, &[3_000, 5_000, 10_000, 20_000][..]));
    }
    assert_eq!(query(&e, BillKind::Mobile, "12012345678").unwrap_err(), ErrorCode::PhoneInvalid);
    assert_eq!(query(&e, BillKind::Gas, "abc").unwrap_err(), ErrorCode::InputInvalid);
}

#[test]
fn a_bill_is_paid_from_the_balance_or_a_card_and_lowers_what_is_due() {
    let (e, t01) = funded();
    // Less than due is refused, naming the due; the due itself pays it off.
    let err =
        pay_with(&e.wallet, &key(), bill(BillKind::Electricity, ELECTRIC, "100", None), PAY_PASSWORD).unwrap_err();
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::AmountInvalid, Some("below_due")));
    assert_eq!(err.limit_fen.map(|f| f.get()), Some(12_345));
    let paid = pay(&e.wallet, bill(BillKind::Electricity, ELECTRIC, "123.45", None)).unwrap();
    assert_eq!((paid.kind, paid.status, paid.amount_fen), (PaymentKind::Bill, PaymentStatus::Succeeded, 12_345));
    assert!(matches!(paid.counterparty, Some(Counterparty::Biller { ref name }) if name == "国网北京市电力公司"));
    let receipt = paid.bill.unwrap();
    assert_eq!((receipt.account_masked.as_str(), receipt.holder_masked.as_deref()), ("100****001", Some("*三")));
    assert!(receipt.reference.unwrap().starts_with("BILL"), "the biller's reference");
    assert_eq!(e.bank.bill_due(BillKind::Electricity, ELECTRIC), Some(0));
    assert_eq!(e.wallet.money().balance().unwrap(), 100_000 - 12_345);
    // Nothing due: a prepayment of ¥10 or more.
    let err = pay(&e.wallet, bill(BillKind::Electricity, ELECTRIC_NOTHING_DUE, "9.99", None)).unwrap_err();
    assert_eq!(err, ErrorCode::AmountInvalid);
    pay(&e.wallet, bill(BillKind::Electricity, ELECTRIC_NOTHING_DUE, "10", None)).unwrap();
    // From a card: the card is charged at its bank, the balance does not move.
    let card_before = e.bank.balance_of("T01").unwrap();
    let water = pay(&e.wallet, bill(BillKind::Water, "2000000001", "56.70", Some(t01))).unwrap();
    assert_eq!((water.status, water.card_last4.as_deref()), (PaymentStatus::Succeeded, Some("0017")));
    assert_eq!(e.bank.balance_of("T01").unwrap(), card_before - 5_670);
    assert_eq!(e.wallet.money().balance().unwrap(), 100_000 - 12_345 - 1_000);
    // A top-up: one of the face values.
    assert_eq!(pay(&e.wallet, bill(BillKind::Mobile, P1.phone, "40", None)).unwrap_err(), ErrorCode::AmountInvalid);
    let topup = pay(&e.wallet, bill(BillKind::Mobile, P1.phone, "50", None)).unwrap();
    assert_eq!(topup.bill.unwrap().biller, "中国移动");
    // An unknown 户号 pays nothing.
    assert_eq!(
        pay(&e.wallet, bill(BillKind::Gas, "3000000009", "20", None)).unwrap_err(),
        ErrorCode::BillAccountNotFound
    );
    books(&e.wallet);
}

#[test]
fn in_the_nightly_maintenance_the_biller_says_until_when_and_nothing_is_paid() {
    let (e, _) = funded();
    e.clock.advance(3 * HOUR + 40 * MINUTE); // 23:40 Shanghai
    sign_in(&e.wallet, &P1);
    let err =
        e.wallet.money().bill_query(&BillQuery { kind: BillKind::Gas, account: "3000000001".into() }).unwrap_err();
    assert_eq!((err.code, err.until), (ErrorCode::BillerUnavailable, Some(T0 + 4 * HOUR + 30 * MINUTE)));
    assert_eq!(err.transient, None, "not retried into the window");
    let err = pay_with(&e.wallet, &key(), bill(BillKind::Gas, "3000000001", "88", None), PAY_PASSWORD).unwrap_err();
    assert_eq!(err.code, ErrorCode::BillerUnavailable);
    assert_eq!(e.bank.bill_due(BillKind::Gas, "3000000001"), Some(8_800));
    e.clock.advance(50 * MINUTE); // 00:30
    sign_in(&e.wallet, &P1);
    pay(&e.wallet, bill(BillKind::Gas, "3000000001", "88", None)).unwrap();
    books(&e.wallet);
}

#[test]
fn a_bill_is_credited_once_however_many_calls_carry_its_key() {
    let (e, t01) = funded();
    let wallet = e.wallet.clone();
    for card in [None, Some(t01)] {
        let k = key();
        let ids: Vec<i64> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..16)
                .map(|_| {
                    let k = k.clone();
                    let w = wallet.clone();
                    s.spawn(move || {
                        pay_with(&w, &k, bill(BillKind::Electricity, ELECTRIC_NOTHING_DUE, "10", card), PAY_PASSWORD)
                            .unwrap()
                            .id
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(e.bank.bill_credits_for(&k), 1);
    }
    assert_eq!(e.wallet.money().balance().unwrap(), 100_000 - 1_000);
    books(&e.wallet);
}

#[test]
fn saved_accounts_are_the_persons_own_newest_use_first_and_kept_across_a_restart() {
    let (dir, clock, bank, w) = on_disk(0);
    let save = |w: &tongbao_core::Wallet, kind, account: &str, nickname: &str| {
        w.money().save_bill(&SavedBillInput { kind, account: account.into(), nickname: nickname.into() })
    };
    save(&w, BillKind::Electricity, ELECTRIC, "我家").unwrap();
    clock.advance(MINUTE);
    let list = save(&w, BillKind::Water, "2000000001", "父母家").unwrap();
    assert_eq!(list.iter().map(|s| s.nickname.as_str()).collect::<Vec<_>>(), ["父母家", "我家"]);
    // Renaming keeps one entry; a bad nickname is refused.
    clock.advance(MINUTE);
    let list = save(&w, BillKind::Electricity, "1000 0000 01", "老房子").unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].nickname, "老房子");
    assert_eq!(save(&w, BillKind::Gas, "3000000001", "").unwrap_err().code, ErrorCode::InputInvalid);
    assert_eq!(
        save(&w, BillKind::Gas, "3000000001", "一二三四五六七八九十一").unwrap_err().code,
        ErrorCode::InputInvalid
    );
    // Paying a saved account moves it to the top.
    let t01 = bind(&w, &bank, "6222020000000010017", P1.phone, None).id;
    pay(&w, topup(t01, "500")).unwrap();
    clock.advance(MINUTE);
    pay(&w, bill(BillKind::Water, "2000000001", "56.70", None)).unwrap();
    assert_eq!(w.money().saved_bills().unwrap()[0].nickname, "父母家");
    // After a restart they are still there; another person sees none of them.
    drop(w);
    let w = open_with_acquirer(dir.path(), bank.clone(), clock.clone());
    sign_in(&w, &P1);
    let list = w.money().saved_bills().unwrap();
    assert_eq!(list.len(), 2);
    register(&w, &P2);
    assert!(w.money().saved_bills().unwrap().is_empty());
    assert!(w.money().remove_saved_bill(SavedBillRef { id: list[0].id }).unwrap().is_empty(), "not P2's to remove");
    sign_in(&w, &P1);
    assert_eq!(w.money().saved_bills().unwrap().len(), 2);
    assert_eq!(w.money().remove_saved_bill(SavedBillRef { id: list[0].id }).unwrap().len(), 1);
}

#[test]
fn closing_the_account_takes_its_saved_accounts_with_it() {
    let e = env(); // P1 signed in: no money, no cards
    let save = SavedBillInput { kind: BillKind::Gas, account: "3000000001".into(), nickname: "我家".into() };
    assert_eq!(e.wallet.money().save_bill(&save).unwrap().len(), 1);
    let close = tongbao_core::accounts::security::CloseAccount { password: SecretString::new(PASSWORD) };
    e.wallet.close_account(&close, NO_RETRY).unwrap();
    let left: i64 =
        e.wallet.with_db_for_tests(|db| db.query_row("SELECT count(*) FROM saved_bills", [], |r| r.get(0))).unwrap();
    assert_eq!(left, 0);
}
