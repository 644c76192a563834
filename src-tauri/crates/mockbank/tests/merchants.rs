//! Paying merchants: the checkout from a signed link (amount and name from the acquirer), each
//! refusal, paying from the balance and from a card, once only under races, the offers' rules
//! under races, points, and refunds that never exceed what was paid. A crash or a lost answer
//! at each step of a merchant payment is in `failpoints.rs`.

use tongbao_core::acquirer::{OrderStatus, PayLink};
use tongbao_core::money::payments::{Counterparty, HistoryQuery, PaymentKind, PaymentStatus};
use tongbao_core::platform::clock::MINUTE;
use tongbao_core::platform::error::ErrorCode;
use tongbao_mockbank::acquirer::sign;
use tongbao_mockbank::MockBank;

mod common;
use common::money::*;
use common::*;

const T01: &str = "6222020000000010017";
const M01_KEY: &str = "6d30312d746f6e6762616f2d6d65726368616e742d6b65792d666f722d746573";

/// P1 with T01 bound and ¥500 in the balance; T01's id.
fn funded() -> (Env, i64) {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, T01, P1.phone, None).id;
    pay(&e.wallet, topup(t01, "500")).unwrap();
    (e, t01)
}

fn order(bank: &MockBank, merchant: &str, yuan: &str) -> String {
    bank.create_order(merchant, "测试商品", yuan).unwrap().link
}

fn status_at_acquirer(bank: &MockBank, link: &str) -> OrderStatus {
    bank.mock_order(&PayLink::parse(link).unwrap().order).unwrap().status
}

#[test]
fn the_checkout_shows_the_acquirers_order_and_each_way_to_pay_with_its_offer() {
    let (e, t01) = funded();
    let link = order(&e.bank, "M01", "25");
    let c = e.wallet.money().checkout(&format!("  {link}\n")).unwrap();
    assert_eq!((c.order.merchant.name.as_str(), c.order.merchant.verified), ("通宝便利店", true));
    assert_eq!((c.order.title.as_str(), c.order.amount_fen), ("测试商品", 2_500));
    assert_eq!(c.link, link);
    let balance = &c.methods[0];
    assert_eq!((balance.id.as_str(), balance.available, balance.offer.as_ref()), ("balance", true, None));
    assert_eq!(balance.total_fen, 2_500);
    let card = c.methods.iter().find(|m| m.card_id == Some(t01)).unwrap();
    let offer = card.offer.as_ref().expect("O1 for an ICBC debit card from ¥20");
    assert_eq!((offer.id.as_str(), offer.discount_fen, card.total_fen), ("O1", 200, 2_300));
    // Under ¥20 there is no offer; over the balance the balance cannot pay, and says why.
    let small = e.wallet.money().checkout(&order(&e.bank, "M01", "19.99")).unwrap();
    assert!(small.methods.iter().all(|m| m.offer.is_none()));
    let big = e.wallet.money().checkout(&order(&e.bank, "M02", "600")).unwrap();
    assert_eq!((big.methods[0].available, big.methods[0].reason), (false, Some(ErrorCode::InsufficientFunds)));
}

#[test]
fn a_card_payment_with_the_offer_is_charged_once_at_the_bank_and_earns_points() {
    let (e, t01) = funded();
    let card_before = e.bank.balance_of("T01").unwrap();
    let link = order(&e.bank, "M01", "25");
    let paid = pay(&e.wallet, merchant(&link, Some(t01))).unwrap();
    assert_eq!((paid.kind, paid.status, paid.amount_fen), (PaymentKind::Merchant, PaymentStatus::Succeeded, 2_300));
    assert!(matches!(paid.counterparty, Some(Counterparty::Merchant { ref name, .. }) if name == "通宝便利店"));
    let o = paid.order.as_ref().unwrap();
    assert_eq!((o.order_amount_fen, o.discount_fen, o.offer.as_deref(), o.points), (2_500, 200, Some("O1"), 23));
    assert_eq!(e.bank.balance_of("T01").unwrap(), card_before - 2_300, "the card paid what the offer left");
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000, "the balance did not move");
    assert_eq!(status_at_acquirer(&e.bank, &link), OrderStatus::Paid);
    assert_eq!(e.wallet.money().points().unwrap(), 23);
    // O1 is once a day: the next order at M01 is paid in full; the day after, it applies again.
    let second = pay(&e.wallet, merchant(&order(&e.bank, "M02", "30"), Some(t01))).unwrap();
    assert_eq!((second.amount_fen, second.order.unwrap().discount_fen), (3_000, 0));
    e.clock.advance(24 * 60 * MINUTE);
    sign_in(&e.wallet, &P1);
    let third = pay(&e.wallet, merchant(&order(&e.bank, "M01", "20"), Some(t01))).unwrap();
    assert_eq!(third.amount_fen, 1_800);
    assert_eq!(e.wallet.money().points().unwrap(), 23 + 30 + 18);
    books(&e.wallet);
}

#[test]
fn a_balance_payment_moves_the_balance_and_the_history_names_the_merchant() {
    let (e, _) = funded();
    let link = order(&e.bank, "M02", "12.34");
    let paid = pay(&e.wallet, merchant(&link, None)).unwrap();
    assert_eq!((paid.status, paid.amount_fen), (PaymentStatus::Succeeded, 1_234));
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000 - 1_234);
    let h = e.wallet.money().history_now(&Default::default()).unwrap();
    assert_eq!(h.items[0].kind, PaymentKind::Merchant);
    assert_eq!(h.items[0].order.as_ref().unwrap().title, "测试商品");
    // The merchant's side shows the wallet's payment.
    let o = e.bank.mock_order(&PayLink::parse(&link).unwrap().order).unwrap();
    assert_eq!((o.status, o.paid_fen), (OrderStatus::Paid, Some(1_234)));
    assert!(o.payment_ref.unwrap().starts_with("ACQ"));
    books(&e.wallet);
}

#[test]
fn every_refusal_has_its_code_and_nothing_is_paid() {
    let (e, t01) = funded();
    let code = |link: &str| e.wallet.money().checkout(link).map(|_| ()).unwrap_err().code;
    let link = order(&e.bank, "M01", "25");
    let parsed = PayLink::parse(&link).unwrap();
    // Malformed, or any parameter changed (the signature no longer matches).
    assert_eq!(code("tongbao://pay?v=1&m=1"), ErrorCode::LinkInvalid);
    assert_eq!(code("https://example.com/pay"), ErrorCode::LinkInvalid);
    let other_order = PayLink { order: "O0000000000000001".into(), ..parsed.clone() }.to_link();
    assert_eq!(code(&other_order), ErrorCode::LinkInvalid);
    let other_merchant = PayLink { merchant: "100000000002".into(), ..parsed.clone() }.to_link();
    assert_eq!(code(&other_merchant), ErrorCode::LinkInvalid);
    // Signed right, but no such order.
    let forged_order = "O0000000000000001";
    let signed = PayLink {
        merchant: "100000000001".into(),
        order: forged_order.into(),
        sig: sign(M01_KEY, "100000000001", forged_order),
    };
    assert_eq!(code(&signed.to_link()), ErrorCode::OrderNotFound);
    // A blocked merchant's order can be made, not paid.
    let blocked = order(&e.bank, "M03", "10");
    assert_eq!(code(&blocked), ErrorCode::MerchantBlocked);
    assert_eq!(pay(&e.wallet, merchant(&blocked, None)).unwrap_err(), ErrorCode::MerchantBlocked);
    // Closed by the merchant.
    let closed = order(&e.bank, "M02", "10");
    e.bank.close_order(&PayLink::parse(&closed).unwrap().order).unwrap();
    assert_eq!(code(&closed), ErrorCode::OrderClosed);
    // Expired after 15 minutes, also when paying from an open checkout.
    let late = order(&e.bank, "M02", "10");
    e.wallet.money().checkout(&late).unwrap();
    e.clock.advance(15 * MINUTE);
    sign_in(&e.wallet, &P1); // the session locked meanwhile
    assert_eq!(code(&late), ErrorCode::OrderExpired);
    assert_eq!(pay(&e.wallet, merchant(&late, Some(t01))).unwrap_err(), ErrorCode::OrderExpired);
    // Paid: a second payment is refused.
    let once = order(&e.bank, "M02", "10");
    pay(&e.wallet, merchant(&once, None)).unwrap();
    assert_eq!(code(&once), ErrorCode::OrderAlreadyPaid);
    assert_eq!(pay(&e.wallet, merchant(&once, Some(t01))).unwrap_err(), ErrorCode::OrderAlreadyPaid);
    // A wrong payment password pays nothing.
    let guarded = order(&e.bank, "M02", "10");
    let err = pay_with(&e.wallet, &key(), merchant(&guarded, None), "000000").unwrap_err();
    assert_eq!(err.code, ErrorCode::PayPasswordWrong);
    assert_eq!(status_at_acquirer(&e.bank, &guarded), OrderStatus::Open);
    // The amount typed in the form is never read: the acquirer's is paid.
    let mut typed = merchant(&guarded, None);
    typed.amount = "0.01".into();
    assert_eq!(pay(&e.wallet, typed).unwrap().amount_fen, 1_000);
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000 - 2_000);
    books(&e.wallet);
}

#[test]
fn an_order_is_paid_once_whatever_races() {
    let (e, t01) = funded();
    let wallet = e.wallet.clone();
    for card in [None, Some(t01)] {
        // Sixteen payments of one order under sixteen keys (two windows, double clicks).
        let link = order(&e.bank, "M02", "10");
        let results: Vec<_> = std::thread::scope(|s| {
            let hs: Vec<_> =
                (0..16).map(|_| s.spawn(|| pay(&wallet, merchant(&link, card)).map(|v| v.status))).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let paid = results.iter().filter(|r| **r == Ok(PaymentStatus::Succeeded)).count();
        assert_eq!(paid, 1, "{results:?}");
        assert!(results.iter().all(|r| matches!(r, Ok(PaymentStatus::Succeeded) | Err(ErrorCode::OrderAlreadyPaid))));
        let o = PayLink::parse(&link).unwrap().order;
        assert_eq!(e.bank.mock_order(&o).unwrap().status, OrderStatus::Paid);
    }
    // One key from sixteen threads: one payment.
    let link = order(&e.bank, "M02", "10");
    let k = key();
    let ids: Vec<i64> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|_| s.spawn(|| pay_with(&wallet, &k, merchant(&link, None), PAY_PASSWORD).unwrap().id))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000 - 2_000, "two balance payments of ¥10");
    books(&e.wallet);
}

#[test]
fn a_once_a_day_offer_is_used_once_by_sixteen_payments_at_once() {
    let (e, t01) = funded();
    let wallet = e.wallet.clone();
    let links: Vec<String> = (0..16).map(|_| order(&e.bank, "M01", "25")).collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = links
            .iter()
            .map(|l| {
                let w = wallet.clone();
                s.spawn(move || pay(&w, merchant(l, Some(t01))))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let discounted: Vec<_> = results.iter().flatten().filter(|v| v.order.as_ref().unwrap().discount_fen > 0).collect();
    assert_eq!(discounted.len(), 1, "O1 once a day");
    // The others were paid in full (their checkout saw the offer used) or refused before any
    // money moved, to be checked out again (OFFER_USED): never paid at a price not confirmed.
    // (Sixteen card charges in a moment may also meet the issuer's frequency rule: 65.)
    for r in &results {
        match r {
            Ok(v) => assert!(v.amount_fen == 2_300 || v.amount_fen == 2_500),
            Err(code) => assert!(matches!(code, ErrorCode::OfferUsed | ErrorCode::FrequencyExceeded), "{code:?}"),
        }
    }
    let refused = results.iter().filter(|r| r.is_err()).count();
    let open = links.iter().filter(|l| status_at_acquirer(&e.bank, l) == OrderStatus::Open).count();
    assert_eq!(open, refused, "a refused payment left its order open");
    books(&e.wallet);
}

#[test]
fn refunds_come_back_the_way_they_went_and_never_exceed_the_payment() {
    let (e, t01) = funded();
    // From the balance: ¥30 paid, ¥5 refunded, then the rest; more is refused.
    let link = order(&e.bank, "M02", "30");
    let paid = pay(&e.wallet, merchant(&link, None)).unwrap();
    let o = PayLink::parse(&link).unwrap().order;
    let r1 = e.bank.refund_order(&o, "5").unwrap();
    let refund = e.wallet.money().refund_arrived(&notice(&r1)).unwrap();
    assert_eq!((refund.kind, refund.status, refund.amount_fen), (PaymentKind::Refund, PaymentStatus::Succeeded, 500));
    assert_eq!(refund.refund_of, Some(paid.id));
    // The same notice twice records one refund.
    assert_eq!(e.wallet.money().refund_arrived(&notice(&r1)).unwrap().id, refund.id);
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000 - 3_000 + 500);
    assert_eq!(e.wallet.money().points().unwrap(), 25, "points follow what the payment still cost");
    let h = e.wallet.money().history_now(&HistoryQuery { page_size: 20, ..Default::default() }).unwrap();
    let original = h.items.iter().find(|v| v.id == paid.id).unwrap();
    assert_eq!(original.status, PaymentStatus::PartiallyRefunded);
    assert_eq!(original.order.as_ref().unwrap().refunded_fen, 500);
    assert_eq!(e.bank.refund_order(&o, "25.01").unwrap_err().code, ErrorCode::RefundExceedsPayment);
    let r2 = e.bank.refund_order(&o, "25").unwrap();
    e.wallet.money().refund_arrived(&notice(&r2)).unwrap();
    assert_eq!(e.wallet.money().payment_detail(paid.id).unwrap().payment.status, PaymentStatus::Refunded);
    assert_eq!(e.wallet.money().points().unwrap(), 0);
    assert_eq!(e.bank.mock_order(&o).unwrap().status, OrderStatus::Refunded);
    // The month's sums count the payment as money out and its refunds as money in; the CSV lists
    // both kinds, the payment as refunded.
    let month = e.wallet.money().monthly_flows(1).unwrap().pop().unwrap();
    assert_eq!((month.in_fen, month.out_fen), (50_000 + 3_000, 3_000));
    let csv = e.wallet.money().history_csv(&HistoryQuery::default()).unwrap();
    assert!(csv.lines().any(|l| l.contains(",merchant,out,\"¥30.00\",refunded,\"云端商城\"")), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.contains(",refund,in,")).count(), 2, "{csv}");

    // From a card: the money goes back to the card at the bank; sixteen ¥1 refunds of a ¥10
    // payment at once: ten are made, the rest refused, at the acquirer and in the wallet.
    let link = order(&e.bank, "M02", "10");
    let before = e.bank.balance_of("T01").unwrap();
    pay(&e.wallet, merchant(&link, Some(t01))).unwrap();
    let o = PayLink::parse(&link).unwrap().order;
    let bank = e.bank.clone();
    let wallet = e.wallet.clone();
    let made: Vec<bool> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|_| {
                let (bank, wallet, o) = (bank.clone(), wallet.clone(), o.clone());
                s.spawn(move || match bank.refund_order(&o, "1") {
                    Ok(id) => wallet.money().refund_arrived(&notice(&id)).is_ok(),
                    Err(e) => {
                        assert_eq!(e.code, ErrorCode::RefundExceedsPayment);
                        false
                    }
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(made.iter().filter(|m| **m).count(), 10);
    assert_eq!(e.bank.balance_of("T01").unwrap(), before, "the card got all of it back");
    assert_eq!(e.wallet.money().balance().unwrap(), 50_000 - 3_000 + 3_000, "the balance did not move");
    books(&e.wallet);
}

fn notice(id: &str) -> tongbao_core::money::payments::merchant::RefundNotice {
    tongbao_core::money::payments::merchant::RefundNotice { refund_id: id.to_owned() }
}

#[test]
fn a_qr_code_picture_opens_the_same_checkout_and_anything_else_is_refused() {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let (e, _) = funded();
    let link = order(&e.bank, "M01", "25");
    let png = e.bank.order_qr_png(&PayLink::parse(&link).unwrap().order).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let c = e.wallet.money().checkout_qr(&b64(&png)).unwrap();
    assert_eq!((c.link.as_str(), c.order.amount_fen), (link.as_str(), 2_500));
    // The same code photographed as a JPEG.
    let img = image::load_from_memory(&png).unwrap();
    let mut jpeg = std::io::Cursor::new(vec![]);
    img.to_rgb8().write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    assert_eq!(e.wallet.money().checkout_qr(&b64(jpeg.get_ref())).unwrap().link, link);
    // A code that is not a payment link, a picture without a code, not a picture.
    let other = tongbao_mockbank::acquirer::qr_png("https://example.com/pay?amount=1").unwrap();
    let refused = |b: &[u8]| e.wallet.money().checkout_qr(&b64(b)).map(|_| ()).unwrap_err().code;
    assert_eq!(refused(&other), ErrorCode::LinkInvalid);
    let mut blank = std::io::Cursor::new(vec![]);
    image::GrayImage::from_pixel(64, 64, image::Luma([255])).write_to(&mut blank, image::ImageFormat::Png).unwrap();
    assert_eq!(refused(blank.get_ref()), ErrorCode::LinkInvalid);
    assert_eq!(refused(b"GIF89a not a png"), ErrorCode::LinkInvalid);
    assert_eq!(refused(&png[..png.len() / 2]), ErrorCode::LinkInvalid);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_bytes_as_a_picture_are_refused_without_a_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = tongbao_core::money::payments::merchant::link_from_qr_image(&bytes);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&bytes);
        let _ = tongbao_core::money::payments::merchant::link_from_qr_image(&png);
    }
}

#[test]
fn the_command_line_makes_an_order_the_acquirer_pays_and_saves_its_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bank.db");
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mockbank"))
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let (ok, link) = cli(&["order", "--merchant", "M01", "--title", "矿泉水", "--amount", "25"]);
    assert!(ok, "{link}");
    let parsed = PayLink::parse(&link).unwrap();
    let png = dir.path().join("order.png");
    assert!(cli(&["qr", "--order", &parsed.order, "--out", png.to_str().unwrap()]).0);
    assert_eq!(
        tongbao_core::money::payments::merchant::link_from_qr_image(&std::fs::read(&png).unwrap()).unwrap(),
        parsed
    );
    let (ok, shown) = cli(&["show", "--order", &parsed.order]);
    assert!(ok && shown.contains("\"amountFen\": 2500"), "{shown}");
    assert!(!cli(&["order", "--merchant", "M09", "--title", "x", "--amount", "1"]).0, "no such merchant");
    assert!(!cli(&["nonsense"]).0);
    // The bank file is the one a wallet then opens.
    let bank = MockBank::open(
        &db,
        &tongbao_mockbank::fixture::Fixture::default_fixture(),
        std::sync::Arc::new(tongbao_core::platform::clock::SystemClock),
    )
    .unwrap();
    assert_eq!(bank.mock_order(&parsed.order).unwrap().status, OrderStatus::Open);
}
