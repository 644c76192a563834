//! Binding through the bank's own app (一键绑卡): the bank app's sign-in and card list, the
//! callback's checks (state, one-time code, 5 minutes, the same person) and the cards stored
//! by the wallet's usual rules — with no number typed and no SMS to the reserved phone.

use tongbao_core::cards::bank_app::{BankAppBound, BankAppCallback};
use tongbao_core::platform::clock::MINUTE;
use tongbao_core::platform::error::{AppError, ErrorCode};

mod common;
use common::money::*;
use common::*;

/// Signs `p` in to the bank app (the code from the mock phone): its session.
fn app_sign_in(e: &Env, p: &Person) -> String {
    let session = e.bank.app_send_code(p.phone).unwrap();
    let text = e.bank.latest_sms(p.phone).unwrap();
    assert!(text.contains("登录工商银行App"), "{text}");
    e.bank.app_sign_in(&session, &sms_code(&e.bank, p.phone)).unwrap();
    session
}

/// The wallet asks (as the signed-in person), the bank app authorises `cards` for `p`: the link.
fn authorised(e: &Env, p: &Person, cards: &[&str]) -> String {
    let req = e.wallet.cards().bank_app_start().unwrap();
    assert!(req.url.contains(&format!("state={}", req.state)));
    let session = app_sign_in(e, p);
    let ids: Vec<String> = cards.iter().map(|c| c.to_string()).collect();
    e.bank.app_authorize(&session, &ids, &req.state).unwrap()
}

fn callback(e: &Env, url: &str) -> Result<BankAppBound, AppError> {
    e.wallet.cards().bank_app_callback(&BankAppCallback { url: url.into() }, NO_RETRY)
}

#[test]
fn p1_binds_t01_and_t13_through_the_bank_app_without_typing_a_number_or_an_sms_to_the_card() {
    let e = env();
    let session = app_sign_in(&e, &P1);
    let listed = e.bank.app_cards(&session).unwrap();
    let why = |id: &str| listed.iter().find(|c| c.id == id).map(|c| (c.bindable, c.why_not.clone())).unwrap();
    assert_eq!(why("T01"), (true, None));
    assert_eq!(why("T02"), (false, Some("not_activated".into())));
    assert_eq!(why("T03"), (false, Some("epay_disabled".into())));
    assert_eq!(why("T05"), (false, Some("lost".into())));
    assert_eq!(why("T36"), (false, Some("replaced".into())));
    assert_eq!(why("T38"), (false, Some("non_counter".into())));
    assert_eq!(why("T14"), (false, Some("expired".into())), "a card past its expiry");
    assert!(listed.iter().all(|c| c.id != "T17" && c.id != "T10"), "only P1's cards at ICBC");
    let sms_before = e.bank.latest_sms(P1.phone);
    let link = authorised(&e, &P1, &["T01", "T13"]);
    let login_sms = e.bank.latest_sms(P1.phone);
    let bound = callback(&e, &link).unwrap();
    let last4: Vec<&str> = bound.cards.iter().map(|c| c.last4.as_str()).collect();
    assert_eq!(last4, ["0017", "0137"]);
    assert_eq!(bound.cards[1].expiry.as_deref(), Some("12/30"), "the credit card's expiry from the bank");
    assert_ne!(sms_before, login_sms, "the bank app's own sign-in code");
    assert_eq!(e.bank.latest_sms(P1.phone), login_sms, "no SMS after the bank app's sign-in");
    assert_eq!(e.bank.active_agreements("T01").len(), 1);
    // They pay like any bound card.
    assert!(pay(&e.wallet, topup(bound.cards[0].id, "100")).is_ok());
    books(&e.wallet);
}

#[test]
fn a_used_link_an_unknown_state_and_an_expired_code_bind_nothing() {
    let e = env();
    let link = authorised(&e, &P1, &["T01"]);
    // Another state than the one the wallet made.
    let forged = format!("tongbao://bind/callback?code={}&state={}", &link[29..61], "0".repeat(32));
    assert_eq!(callback(&e, &forged).unwrap_err().code, ErrorCode::BindCallbackInvalid);
    assert_eq!(callback(&e, &link).unwrap().cards.len(), 1);
    assert_eq!(callback(&e, &link).unwrap_err().code, ErrorCode::BindCallbackInvalid, "the state is spent");
    // A fresh state with the spent code: the bank refuses it.
    let req = e.wallet.cards().bank_app_start().unwrap();
    let code = link.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let replay = format!("tongbao://bind/callback?code={code}&state={}", req.state);
    assert_eq!(callback(&e, &replay).unwrap_err().code, ErrorCode::BindCallbackInvalid, "the code is spent");
    // A code older than 5 minutes.
    let late = authorised(&e, &P1, &["T09"]);
    e.clock.advance(5 * MINUTE + 1);
    sign_in(&e.wallet, &P1);
    assert_eq!(callback(&e, &late).unwrap_err().code, ErrorCode::BindCallbackInvalid);
    assert_eq!(e.wallet.cards().list().unwrap().len(), 1, "only T01");
    assert!(e.bank.active_agreements("T09").is_empty());
}

#[test]
fn another_signed_in_person_cannot_use_the_grant() {
    let e = env();
    // P1 authorises in the bank app for a state P2's wallet session made.
    e.wallet.accounts().logout();
    sign_in(&e.wallet, &P2);
    let req = e.wallet.cards().bank_app_start().unwrap();
    let session = app_sign_in(&e, &P1);
    let link = e.bank.app_authorize(&session, &["T01".into()], &req.state).unwrap();
    assert_eq!(callback(&e, &link).unwrap_err().code, ErrorCode::BindCallbackInvalid);
    assert!(e.wallet.cards().list().unwrap().is_empty());
    assert!(e.bank.active_agreements("T01").is_empty(), "no agreement for the wrong person");
    // And P1 cannot take P2's state either: it is P2's request.
    sign_in(&e.wallet, &P1);
    assert_eq!(callback(&e, &link).unwrap_err().code, ErrorCode::BindCallbackInvalid);
}

#[test]
fn two_callbacks_racing_for_one_code_bind_once() {
    let e = env();
    let link = authorised(&e, &P1, &["T01"]);
    let results = at_once(16, |_| callback(&e, &link).map(|b| b.cards.len()));
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().all(|r| r.as_ref().map_or_else(|e| e.code == ErrorCode::BindCallbackInvalid, |n| *n == 1)));
    assert_eq!(e.wallet.cards().list().unwrap().len(), 1);
    assert_eq!(e.bank.active_agreements("T01").len(), 1);
}

#[test]
fn a_card_already_bound_is_not_bound_twice_and_its_extra_agreement_is_given_back() {
    let e = env();
    bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None);
    let link = authorised(&e, &P1, &["T01", "T09"]);
    let bound = callback(&e, &link).unwrap();
    assert_eq!(bound.already_bound, ["0017"]);
    assert_eq!(bound.cards.iter().map(|c| c.last4.as_str()).collect::<Vec<_>>(), ["0090"]);
    assert_eq!(e.bank.active_agreements("T01").len(), 1, "one agreement for T01");
}

#[test]
fn the_bank_app_refuses_a_card_that_cannot_be_bound_and_a_wrong_sign_in_code() {
    let e = env();
    let session = e.bank.app_send_code(P1.phone).unwrap();
    assert_eq!(e.bank.app_sign_in(&session, "000000").unwrap_err().code, ErrorCode::OtpInvalid);
    assert_eq!(e.bank.app_cards(&session).unwrap_err().code, ErrorCode::NotLoggedIn, "not signed in");
    let session = app_sign_in(&e, &P1);
    let state = "a".repeat(32);
    let refused = e.bank.app_authorize(&session, &["T02".into()], &state).unwrap_err();
    assert_eq!(refused.detail.as_deref(), Some("not_activated"));
    assert!(e.bank.app_authorize(&session, &["T10".into()], &state).is_err(), "P2's card");
    assert!(e.bank.app_authorize(&session, &[], &state).is_err(), "no card");
    assert!(e.bank.app_authorize(&session, &["T01".into()], "not-a-state").is_err());
    assert_eq!(e.bank.app_send_code("13311112222").unwrap_err().code, ErrorCode::PhoneInvalid);
}

#[test]
fn a_malformed_callback_is_refused_before_anything_is_asked() {
    let e = env();
    for url in ["", "tongbao://bind/callback?code=1", "https://evil.example/?code=x&state=y", "tongbao://pay?order=1"] {
        assert_eq!(callback(&e, url).unwrap_err().code, ErrorCode::BindCallbackInvalid, "{url}");
    }
}

#[test]
fn the_bank_apps_card_settings_enable_online_payments_for_ones_own_card_only() {
    let e = env();
    let session = app_sign_in(&e, &P1);
    e.bank.app_enable(&session, "T38").unwrap();
    e.bank.app_enable(&session, "T03").unwrap();
    let listed = e.bank.app_cards(&session).unwrap();
    for id in ["T38", "T03"] {
        assert!(listed.iter().any(|c| c.id == id && c.bindable), "{id}");
    }
    assert_eq!(bind(&e.wallet, &e.bank, "6222020000000010389", P1.phone, None).last4, "0389");
    assert_eq!(e.bank.app_enable(&session, "T10").unwrap_err().code, ErrorCode::CardNotFound, "P2's card");
    assert_eq!(e.bank.app_enable(&session, "T17").unwrap_err().code, ErrorCode::CardNotFound, "another bank's");
}
