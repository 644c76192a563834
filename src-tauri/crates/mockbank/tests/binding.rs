//! Binding a card at the mock bank when things go wrong on the wallet's side: 16 parallel wrong
//! SMS codes, a resend before the countdown, a confirmation whose answer was lost (reconciled
//! without a second agreement), a crash before confirming (resumed without spending a try).
//! The binding rules themselves, against a scripted bank, are the core's
//! `tests/binding_rules.rs`.

use tongbao_core::cards::binding::BindStart;
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::SecretString;
use tongbao_mockbank::{Controls, FaultRates};

mod common;
use common::money::*;
use common::*;

/// T01's binding form for P1.
fn t01_form() -> BindStart {
    debit_form("6222020000000010017", P1.phone)
}

fn start_t01_on(w: &tongbao_core::Wallet) -> tongbao_core::cards::binding::BindStep {
    w.cards().bind_start(&t01_form(), NO_RETRY).unwrap()
}

#[test]
fn parallel_wrong_sms_codes_lock_the_session_after_its_tries() {
    let e = env();
    let step = start_t01_on(&e.wallet);
    let right = sms_code(&e.bank, P1.phone);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let codes = at_once(16, |_| {
        e.wallet
            .cards()
            .bind_confirm(&step.attempt_id, &SecretString::new(wrong), NO_RETRY)
            .map(|_| ())
            .map_err(|e| e.code)
    });
    let invalid = codes.iter().filter(|c| **c == Err(ErrorCode::OtpInvalid)).count();
    assert!(invalid <= 2, "3 tries: at most 2 wrong answers before OTP_LOCKED: {codes:?}");
    assert!(codes.iter().all(|c| c.is_err()));
    assert!(codes.contains(&Err(ErrorCode::OtpLocked)), "{codes:?}");
    // The right code no longer binds: the session is void.
    let r = e.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new(&right), NO_RETRY);
    assert!(r.is_err());
    assert!(e.bank.active_agreements("T01").is_empty());
}

#[test]
fn a_resend_before_the_countdown_is_otp_resend_too_soon_with_until() {
    let e = env();
    let step = start_t01_on(&e.wallet);
    let err = e.wallet.cards().bind_resend(&step.attempt_id, NO_RETRY).unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpResendTooSoon);
    assert_eq!(err.until, step.resend_at);
    e.clock.advance(61_000);
    assert!(e.wallet.cards().bind_resend(&step.attempt_id, NO_RETRY).is_ok());
}

#[test]
fn a_lost_confirmation_is_reconciled_later_and_never_makes_a_second_agreement() {
    let (dir, clock, bank, wallet) = on_disk(10);
    let form = t01_form();
    let step = wallet.cards().bind_start(&form, NO_RETRY).unwrap();
    let code = sms_code(&bank, P1.phone);
    // The bank binds, but every answer is lost: the wallet keeps the attempt 'confirming'.
    bank.set_controls(Controls {
        latency_ms: 10,
        faults: FaultRates { drop_reply: 1.0, ..FaultRates::default() },
        ..Controls::default()
    });
    assert!(wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new(&code), NO_RETRY).is_err());
    assert_eq!(bank.active_agreements("T01").len(), 1, "the bank did bind");
    drop(wallet);
    // Restart while the bank is unreachable: the attempt is kept to reconcile, not abandoned.
    bank.set_controls(Controls { latency_ms: 10, offline: true, ..Controls::default() });
    let wallet = open_in(dir.path(), bank.clone(), clock.clone());
    sign_in(&wallet, &P1);
    assert!(wallet.cards().list().unwrap().is_empty());
    // Back online: binding the card again first reconciles — the card is there, bound once.
    bank.set_controls(Controls { latency_ms: 10, ..Controls::default() });
    let again = wallet.cards().bind_start(&form, NO_RETRY).unwrap_err();
    assert_eq!(again.code, ErrorCode::CardAlreadyBound);
    let cards = wallet.cards().list().unwrap();
    assert_eq!(cards.iter().filter(|c| c.last4 == "0017").count(), 1);
    assert_eq!(bank.active_agreements("T01").len(), 1, "never two agreements for one card");
}

#[test]
fn a_resume_after_a_crash_before_confirmation_spends_no_sms_try() {
    let (dir, clock, bank, wallet) = on_disk(10);
    let step = start_t01_on(&wallet);
    // The process died after marking the attempt 'confirming', before the bank heard the code.
    wallet.with_db_for_tests(|db| {
        db.execute("UPDATE binding_attempts SET stage = 'confirming' WHERE id = ?1", [&step.attempt_id]).unwrap()
    });
    drop(wallet);
    let before = bank.otp_tries_left(&step.attempt_id);
    let wallet = open_in(dir.path(), bank.clone(), clock.clone());
    assert_eq!(bank.otp_tries_left(&step.attempt_id), before, "the resume spent an SMS-code try");
    let stage: String = wallet.with_db_for_tests(|db| {
        db.query_row("SELECT stage FROM binding_attempts WHERE id = ?1", [&step.attempt_id], |r| r.get(0)).unwrap()
    });
    assert_eq!(stage, "abandoned");
    assert!(bank.active_agreements("T01").is_empty());
}

/// P4's name has the minority middle dot, typed here as a bullet (•): the wallet keeps and
/// sends `·`, so the bank's holder check passes and T40 binds; recovery's identity step takes
/// the name typed with the katakana middle dot (・). Before, the name was kept as typed and the
/// bank saw another name.
#[test]
fn a_middle_dot_name_typed_any_way_binds_t40_and_recovers() {
    use tongbao_core::accounts::security::{RecoverStart, RecoveryCode, RecoveryIdentity, RecoveryStage};
    let e = env();
    e.wallet.accounts().logout();
    let w = &e.wallet;
    register(w, &Person { real_name: "阿依古丽•买买提", ..P4 });
    assert_eq!(w.accounts().profile().unwrap().real_name_masked, "*******提");
    let card = bind(w, &e.bank, "6222020000000010405", P4.phone, None);
    assert_eq!(card.last4, "0405");
    w.accounts().logout();
    let step = w.accounts().recover_start(&RecoverStart { phone: P4.phone.into() }).unwrap();
    let code = sms_code(&e.bank, P4.phone);
    let id = step.recovery_id;
    let next =
        w.accounts().recover_code(&RecoveryCode { recovery_id: id.clone(), code: SecretString::new(&code) }).unwrap();
    assert_eq!(next.stage, RecoveryStage::Identity);
    let typed = RecoveryIdentity {
        recovery_id: id,
        real_name: Some("阿依古丽・买买提".into()),
        id_number: P4.id_number.into(),
    };
    assert_eq!(w.accounts().recover_identity(&typed).unwrap().stage, RecoveryStage::NewPassword);
}
