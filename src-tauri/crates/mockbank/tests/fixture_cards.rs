//! Each published test card (tests/README.md) behaves as the fixture says, through the Bank port.

use std::sync::Arc;

use tongbao_core::bank::{
    Bank, BankFailure, CallOptions, CardStatus, Decline, Fault, SessionProblem, Verified, VerifyCard,
};
use tongbao_core::cards::parse_expiry;
use tongbao_core::platform::clock::{Clock, FakeClock, MINUTE, SECOND};
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::{totp, BankAction, Controls, FaultRates, MockBank};

mod common;
use common::*;

const OPTS: CallOptions = CallOptions { timeout_ms: 2_000 };

fn bank() -> (MockBank, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at(T0));
    let b = MockBank::in_memory(&Fixture::default_fixture(), clock.clone());
    b.set_controls(Controls { latency_ms: 100, ..Controls::default() });
    (b, clock)
}

fn req<'a>(
    pan: &'a str,
    p: &'a Person,
    expiry: Option<&str>,
    cvv: Option<&'a str>,
    request_id: &'a str,
) -> VerifyCard<'a> {
    VerifyCard {
        pan,
        holder_name: p.real_name,
        holder_id: p.id_number,
        phone: p.phone,
        expiry: expiry.map(|e| parse_expiry(e).unwrap()),
        cvv,
        client_version: "0.1.0",
        request_id,
    }
}

fn verify(b: &MockBank, pan: &str, p: &Person) -> Result<Verified, BankFailure> {
    b.verify_card(&req(pan, p, None, None, &format!("{pan}-{}", p.id_number)), OPTS)
}

fn session(v: Verified) -> String {
    match v {
        Verified::Approved { session } | Verified::TokenRequired { session } => session,
    }
}

fn declined(r: Result<Verified, BankFailure>) -> Decline {
    match r {
        Err(BankFailure::Declined(d)) => d,
        other => panic!("expected a decline, got {other:?}"),
    }
}

#[test]
fn t01_binds_with_the_sms_code_and_confirming_twice_returns_the_same_token() {
    let (b, _) = bank();
    let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
    b.send_otp(&s, OPTS).unwrap();
    let sms = b.latest_sms(P1.phone).unwrap();
    assert!(sms.starts_with("【工商银行】验证码 ") && sms.contains("5分钟内有效") && sms.contains("尾号0017"), "{sms}");
    let code = sms_code(&b, P1.phone);
    let first = b.confirm_binding(&s, &code, OPTS).unwrap();
    assert!(first.token.starts_with("AGR"));
    assert_eq!(b.confirm_binding(&s, &code, OPTS).unwrap(), first, "idempotent: the original answer");
}

#[test]
fn the_same_attempt_gets_the_same_session() {
    let (b, _) = bank();
    let a = session(verify(&b, "6222020000000010017", &P1).unwrap());
    assert_eq!(session(verify(&b, "6222020000000010017", &P1).unwrap()), a);
}

#[test]
fn status_cards_are_declined_with_their_codes() {
    let (b, _) = bank();
    assert_eq!(declined(verify(&b, "6222020000000010025", &P1)), Decline::NotActivated);
    assert_eq!(declined(verify(&b, "6222020000000010033", &P1)), Decline::EpayDisabled);
    assert_eq!(declined(verify(&b, "6222020000000010058", &P1)), Decline::Lost);
    assert_eq!(declined(verify(&b, "6222020000000010066", &P1)), Decline::Restricted);
    assert_eq!(declined(verify(&b, "6222020000000999912", &P1)), Decline::NoSuchCard);
    assert_eq!(Decline::NotActivated.iso(), Some("78"));
}

#[test]
fn t10_binds_for_p2_and_is_a_holder_mismatch_for_p1() {
    let (b, _) = bank();
    assert_eq!(declined(verify(&b, "6222080000000010105", &P1)), Decline::HolderMismatch);
    assert!(matches!(verify(&b, "6222080000000010105", &P2), Ok(Verified::Approved { .. })));
    assert!(matches!(verify(&b, "621205000000010120", &P2), Ok(Verified::Approved { .. })), "T12");
    assert!(matches!(verify(&b, "6225880000010182", &P2), Ok(Verified::Approved { .. })), "T18");
}

#[test]
fn another_phone_is_a_phone_mismatch() {
    let (b, _) = bank();
    let other = Person { phone: "13912345678", ..P1 };
    assert_eq!(declined(verify(&b, "6222020000000010017", &other)), Decline::PhoneMismatch);
}

#[test]
fn t13_credit_card_checks_expiry_and_cvv() {
    let (b, _) = bank();
    let pan = "6253300000010137";
    assert!(b.verify_card(&req(pan, &P1, Some("12/30"), Some("123"), "a"), OPTS).is_ok());
    assert_eq!(declined(b.verify_card(&req(pan, &P1, Some("12/30"), Some("999"), "b"), OPTS)), Decline::CvvMismatch);
    assert_eq!(declined(b.verify_card(&req(pan, &P1, Some("11/30"), Some("123"), "c"), OPTS)), Decline::ExpiryMismatch);
    assert_eq!(Decline::CvvMismatch.iso(), Some("N7"));
}

#[test]
fn t14_is_expired() {
    let (b, _) = bank();
    let r = b.verify_card(&req("4270180000010145", &P1, Some("03/24"), Some("456"), "a"), OPTS);
    assert_eq!(declined(r), Decline::CardExpired);
}

#[test]
fn t15_is_renewed_on_2027_01_01() {
    let (b, clock) = bank();
    let pan = "6222300000010150";
    assert!(b.verify_card(&req(pan, &P1, Some("01/27"), Some("321"), "a"), OPTS).is_ok());
    assert_eq!(b.card_status(pan, OPTS).unwrap(), CardStatus::Active);
    clock.set(1_798_732_800_000); // 2027-01-01T00:00:00+08:00
    assert_eq!(b.card_status(pan, OPTS).unwrap(), CardStatus::Renewed);
    assert_eq!(declined(b.verify_card(&req(pan, &P1, Some("01/27"), Some("321"), "b"), OPTS)), Decline::ExpiryMismatch);
    assert!(b.verify_card(&req(pan, &P1, Some("01/32"), Some("852"), "c"), OPTS).is_ok());
}

#[test]
fn t07_answers_91_twice_after_start_then_approves() {
    let (b, _) = bank();
    let pan = "6222020000000010074";
    for _ in 0..2 {
        assert_eq!(verify(&b, pan, &P1), Err(BankFailure::Fault(Fault::Busy)));
    }
    assert!(verify(&b, pan, &P1).is_ok());
}

#[test]
fn t08_never_answers_and_the_timeout_fires() {
    let (b, clock) = bank();
    assert_eq!(verify(&b, "6222020000000010082", &P1), Err(BankFailure::Fault(Fault::Timeout)));
    assert_eq!(clock.now(), T0 + OPTS.timeout_ms);
}

#[test]
fn t04_needs_the_dynamic_token_before_the_sms() {
    let (b, clock) = bank();
    let v = verify(&b, "6222020000000010041", &P1).unwrap();
    assert!(matches!(v, Verified::TokenRequired { .. }));
    let s = session(v);
    assert_eq!(b.send_otp(&s, OPTS), Err(BankFailure::Session(SessionProblem::TokenInvalid)));
    assert_eq!(b.verify_token(&s, "000000", OPTS), Err(BankFailure::Session(SessionProblem::TokenInvalid)));
    let key = totp::base32_decode("JBSWY3DPEHPK3PXP").unwrap();
    let code = totp::code_now(&key, clock.now());
    assert_eq!(b.token_code("T04").unwrap(), code, "the token device panel shows the same code");
    b.verify_token(&s, &code, OPTS).unwrap();
    b.send_otp(&s, OPTS).unwrap();
    let otp = sms_code(&b, P1.phone);
    b.confirm_binding(&s, &otp, OPTS).unwrap();
}

#[test]
fn three_wrong_codes_void_the_attempt() {
    let (b, _) = bank();
    let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
    b.send_otp(&s, OPTS).unwrap();
    let right = sms_code(&b, P1.phone);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    assert_eq!(
        b.confirm_binding(&s, wrong, OPTS),
        Err(BankFailure::Session(SessionProblem::OtpInvalid { tries_left: 2 }))
    );
    assert_eq!(
        b.confirm_binding(&s, wrong, OPTS),
        Err(BankFailure::Session(SessionProblem::OtpInvalid { tries_left: 1 }))
    );
    assert_eq!(b.confirm_binding(&s, wrong, OPTS), Err(BankFailure::Session(SessionProblem::OtpLocked)));
    assert_eq!(b.confirm_binding(&s, &right, OPTS), Err(BankFailure::Session(SessionProblem::OtpLocked)));
}

#[test]
fn the_code_expires_after_5_minutes_and_resend_waits_60_seconds() {
    let (b, clock) = bank();
    let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
    let sent = b.send_otp(&s, OPTS).unwrap();
    assert_eq!(sent.resend_at - sent.expires_at, 60 * SECOND - 5 * MINUTE);
    assert!(matches!(b.send_otp(&s, OPTS), Err(BankFailure::Session(SessionProblem::ResendTooSoon { .. }))));
    let code = sms_code(&b, P1.phone);
    clock.advance(5 * MINUTE);
    assert_eq!(b.confirm_binding(&s, &code, OPTS), Err(BankFailure::Session(SessionProblem::OtpExpired)));
    b.send_otp(&s, OPTS).unwrap();
    let fresh = sms_code(&b, P1.phone);
    b.confirm_binding(&s, &fresh, OPTS).unwrap();
}

#[test]
fn a_client_below_the_version_floor_must_upgrade() {
    let (b, _) = bank();
    b.set_client_version_floor("9.0.0");
    assert_eq!(declined(verify(&b, "6222020000000010017", &P1)), Decline::UpgradeRequired);
}

#[test]
fn offline_latency_and_seeded_faults() {
    let (b, clock) = bank();
    b.set_controls(Controls { offline: true, ..Controls::default() });
    assert_eq!(verify(&b, "6222020000000010017", &P1), Err(BankFailure::Fault(Fault::Offline)));
    b.set_controls(Controls { latency_ms: 700, ..Controls::default() });
    let before = clock.now();
    verify(&b, "6222020000000010017", &P1).unwrap();
    assert_eq!(clock.now() - before, 700);
    let faults = FaultRates { timeout: 0.2, busy: 0.2, system_error: 0.2, drop_reply: 0.1 };
    let run = |seed| {
        b.set_controls(Controls { latency_ms: 0, faults, offline: false });
        b.seed_faults(seed);
        (0..40).map(|_| verify(&b, "6222020000000010017", &P1).err()).collect::<Vec<_>>()
    };
    let a = run(7);
    assert_eq!(a, run(7), "the same seed, the same faults");
    assert!(a.contains(&Some(BankFailure::Fault(Fault::Busy))));
    assert!(a.contains(&Some(BankFailure::Fault(Fault::SystemError))));
    assert!(a.contains(&Some(BankFailure::Fault(Fault::Timeout))));
    assert!(a.iter().any(Option::is_none));
}

#[test]
fn a_dropped_reply_to_confirm_is_answered_with_the_original_token_on_retry() {
    let (b, _) = bank();
    let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
    b.send_otp(&s, OPTS).unwrap();
    let code = sms_code(&b, P1.phone);
    b.set_controls(Controls {
        latency_ms: 0,
        faults: FaultRates { drop_reply: 1.0, ..FaultRates::default() },
        offline: false,
    });
    assert_eq!(b.confirm_binding(&s, &code, OPTS), Err(BankFailure::Fault(Fault::Timeout)));
    b.set_controls(Controls::default());
    let token = b.confirm_binding(&s, &code, OPTS).unwrap().token;
    assert!(token.starts_with("AGR"));
}

#[test]
fn card_status_inquiry_without_binding() {
    let (b, _) = bank();
    let cases = [
        ("6222020000000010017", CardStatus::Active),
        ("6222020000000010025", CardStatus::NotActivated),
        ("6222020000000010033", CardStatus::EpayDisabled),
        ("6222020000000010058", CardStatus::Lost),
        ("6222020000000010066", CardStatus::Frozen),
        ("4270180000010145", CardStatus::Expired),
        ("6222020000000999912", CardStatus::Unknown),
    ];
    for (pan, status) in cases {
        assert_eq!(b.card_status(pan, OPTS).unwrap(), status, "{pan}");
    }
}

#[test]
fn state_lives_in_its_own_file_and_is_seeded_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let clock = Arc::new(FakeClock::at(T0));
    let s = {
        let b = MockBank::open(&path, &Fixture::default_fixture(), clock.clone()).unwrap();
        b.set_controls(Controls { latency_ms: 0, ..Controls::default() });
        let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
        b.send_otp(&s, OPTS).unwrap();
        s
    };
    let b = MockBank::open(&path, &Fixture::default_fixture(), clock).unwrap();
    b.set_controls(Controls { latency_ms: 0, ..Controls::default() });
    let code = sms_code(&b, P1.phone);
    b.confirm_binding(&s, &code, OPTS).unwrap();
}

#[test]
fn a_fixture_with_an_unknown_holder_is_refused() {
    let bad =
        r#"{"people": [], "cards": [{"id": "X", "number": "1", "bank": "ICBC", "kind": "debit", "holder": "P9"}]}"#;
    assert!(Fixture::parse(bad).unwrap_err().contains("unknown holder"));
    assert!(Fixture::parse(r#"{"people": [], "cards": [], "extra": 1}"#).is_err());
}

#[test]
fn a_revoked_token_is_inactive_and_revoking_again_is_harmless() {
    let (b, _) = bank();
    let s = session(verify(&b, "6222020000000010017", &P1).unwrap());
    b.send_otp(&s, OPTS).unwrap();
    let token = b.confirm_binding(&s, &sms_code(&b, P1.phone), OPTS).unwrap().token;
    assert_eq!(b.agreement_active(&token), Some(true));
    b.revoke_token(&token, OPTS).unwrap();
    assert_eq!(b.agreement_active(&token), Some(false));
    b.revoke_token(&token, OPTS).unwrap();
    assert_eq!(b.agreement_active(&token), Some(false));
    assert_eq!(b.agreement_active("AGR-NEVER-ISSUED"), None);
}

#[test]
fn counter_actions_fix_what_they_say() {
    let (b, _) = bank();
    let act = |a: BankAction| b.act(None, &a).unwrap();
    act(BankAction::Activate { card_id: "T02".into() });
    assert!(verify(&b, "6222020000000010025", &P1).is_ok(), "T02 activated");
    act(BankAction::EnableEpay { card_id: "T03".into() });
    assert!(verify(&b, "6222020000000010033", &P1).is_ok(), "T03 e-payment enabled");
    act(BankAction::Unfreeze { card_id: "T06".into() });
    assert!(verify(&b, "6222020000000010066", &P1).is_ok(), "T06 unfrozen");
    act(BankAction::ReportLost { card_id: "T01".into() });
    assert_eq!(declined(verify(&b, "6222020000000010017", &P1)), Decline::Lost);
    assert_eq!(b.card_status("6222020000000010017", OPTS).unwrap(), CardStatus::Lost);
}

#[test]
fn a_changed_reserved_phone_is_the_one_the_bank_checks() {
    let (b, _) = bank();
    b.act(None, &BankAction::ChangePhone { card_id: "T09".into(), phone: "13912345678".into() }).unwrap();
    assert_eq!(declined(verify(&b, "6222020000000010090", &P1)), Decline::PhoneMismatch);
    let new_phone = Person { phone: "13912345678", ..P1 };
    let s = session(verify(&b, "6222020000000010090", &new_phone).unwrap());
    b.send_otp(&s, OPTS).unwrap();
    assert!(b.latest_sms("13912345678").is_some(), "the code goes to the new phone");
    let card = b.panel(None).cards.into_iter().find(|c| c.id == "T09").unwrap();
    assert_eq!(card.reserved_phone, "13912345678");
}

#[test]
fn counter_actions_refuse_unknown_cards_and_bad_phones() {
    let (b, _) = bank();
    assert!(b.act(None, &BankAction::Activate { card_id: "T99".into() }).unwrap_err().contains("no card T99"));
    assert!(b.act(None, &BankAction::ChangePhone { card_id: "T01".into(), phone: "12ab".into() }).is_err());
}

/// The tests' people (one definition, `core/tests/common/people.rs`) are the fixture's.
#[test]
fn the_test_people_are_the_fixtures_people() {
    let fixture = Fixture::default_fixture();
    for (id, p) in [("P1", &P1), ("P2", &P2), ("P4", &P4)] {
        let f = fixture.people.iter().find(|f| f.id == id).expect("in the fixture");
        assert_eq!((f.real_name.as_str(), f.id_number.as_str(), f.phone.as_str()), (p.real_name, p.id_number, p.phone));
    }
}

#[test]
fn a_changed_fixture_is_refused_naming_the_file_to_delete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.db");
    let clock = Arc::new(FakeClock::at(T0));
    drop(MockBank::open(&path, &Fixture::default_fixture(), clock.clone()).unwrap());
    // The same fixture opens again.
    drop(MockBank::open(&path, &Fixture::default_fixture(), clock.clone()).unwrap());
    let mut text: serde_json::Value = serde_json::from_str(tongbao_mockbank::fixture::DEFAULT_FIXTURE).unwrap();
    text["cards"][0]["balanceFen"] = serde_json::json!(1);
    let other = Fixture::parse(&text.to_string()).unwrap();
    let err = MockBank::open(&path, &other, clock.clone()).err().expect("refused");
    assert!(err.contains(&path.display().to_string()) && err.contains("delete"), "{err}");
    // Deleted: the new fixture seeds a new bank.
    std::fs::remove_file(&path).unwrap();
    let b = MockBank::open(&path, &other, clock).unwrap();
    assert_eq!(b.balance_of(other.cards[0].id.as_str()), Some(1));
}
