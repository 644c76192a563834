//! Money and accounts under races and hostile callers (issue: "nothing stuck, nothing
//! overdrawn, no lock outguessed"): the daily limit under 8 parallel payers, an expired card,
//! settlement scoped to the signed-in person, lockouts under 16 parallel guesses (payment
//! password, SMS code), OTP_RESEND_TOO_SOON, a binding whose confirmation was lost reconciled
//! without a second agreement, and a changed fixture refused by name.

use std::sync::{Arc, Barrier};

use tongbao_core::bank::{Bank, BankFailure, CallOptions, Decline};
use tongbao_core::cards::binding::BindStart;
use tongbao_core::platform::clock::{FakeClock, DAY};
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::SecretString;
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::{Controls, FaultRates, MockBank};

mod common;
use common::money::*;
use common::*;

/// Runs `f(i)` on `n` threads released at once; their results in order.
fn at_once<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..n)
            .map(|i| {
                let (b, f) = (&barrier, &f);
                s.spawn(move || {
                    b.wait();
                    f(i)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn rich_t01() -> Fixture {
    let mut f = Fixture::default_fixture();
    let t01 = f.cards.iter_mut().find(|c| c.id == "T01").unwrap();
    t01.balance_fen = 1_000_000 * 100;
    t01.single_limit_fen = 100_000 * 100;
    t01.daily_limit_fen = 1_000_000 * 100;
    f
}

#[test]
fn parallel_payments_never_pass_the_daily_limit() {
    let e = env_with(rich_t01());
    let card = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    for _ in 0..7 {
        e.clock.advance(61_000); // the bank allows 5 debits of a card a minute
        pay(&e.wallet, topup(card, "50000")).unwrap();
    }
    for _ in 0..3 {
        pay(&e.wallet, to_user(P2.phone, "50000")).unwrap(); // ¥150,000 out today
    }
    // 8 payers at once, ¥50,000 each, from the balance (¥200,000 left): only one fits the day.
    let results = at_once(8, |_| pay(&e.wallet, to_user(P2.phone, "50000")));
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|c| *c == ErrorCode::LimitExceeded), "{results:?}");
    // Withdrawals count too, in parallel with transfers.
    let mixed = at_once(8, |i| {
        if i % 2 == 0 {
            pay(&e.wallet, withdraw(card, "0.01"))
        } else {
            pay(&e.wallet, to_user(P2.phone, "0.01"))
        }
    });
    assert!(mixed.iter().all(|r| *r == Err(ErrorCode::LimitExceeded)), "{mixed:?}");
    let out_today: i64 = e.wallet.with_db_for_tests(|db| {
        db.query_row(
            "SELECT sum(amount_fen) FROM payments WHERE kind <> 'topup' AND status IN ('pending', 'succeeded')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(out_today, 200_000 * 100);
    books(&e.wallet);
}

#[test]
fn an_expired_card_does_not_pay_and_the_bank_refuses_it_too() {
    let e = env();
    let t13 = bind(&e.wallet, &e.bank, "6253300000010137", P1.phone, Some(("12/30", "123"))).id;
    pay(&e.wallet, topup(t13, "10")).unwrap();
    e.clock.advance(5 * 365 * DAY + 60 * DAY); // past December 2030
    sign_in(&e.wallet, &P1);
    assert_eq!(pay(&e.wallet, topup(t13, "10")), Err(ErrorCode::CardExpired));
    assert_eq!(e.wallet.money().quote_payment(&topup(t13, "10")).unwrap_err().code, ErrorCode::CardExpired);
    // The issuer checks too: a debit on the expired card's agreement is declined 33.
    let token = e.bank.active_agreements("T13").pop().unwrap();
    let r = e.bank.debit(&token, 1_000, "key-expired-direct", CallOptions { timeout_ms: 2_000 });
    let declined = r.unwrap_err();
    assert_eq!(declined, BankFailure::Declined(Decline::ExpiredPickUp));
    assert_eq!((declined.code(), declined.iso()), (ErrorCode::CardExpired, Some("33")));
}

#[test]
fn a_balance_request_settles_only_the_signed_in_persons_payments() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "100")).unwrap();
    // P1's withdrawal gets no answer: it stays pending.
    e.bank.set_controls(Controls { offline: true, ..Controls::default() });
    assert!(pay(&e.wallet, withdraw(t01, "30")).is_err());
    e.bank.set_controls(Controls::default());
    // P2 looks at their balance: P1's payment is not touched.
    sign_in(&e.wallet, &P2);
    e.wallet.money().balance().unwrap();
    let pending: i64 = e.wallet.with_db_for_tests(|db| {
        db.query_row("SELECT count(*) FROM payments WHERE status = 'pending'", [], |r| r.get(0)).unwrap()
    });
    assert_eq!(pending, 1, "another person's balance settled P1's payment");
    // P1's own balance settles it.
    sign_in(&e.wallet, &P1);
    assert_eq!(e.wallet.money().balance().unwrap(), 7_000);
    books(&e.wallet);
}

#[test]
fn parallel_wrong_payment_passwords_get_at_most_four_wrong_answers() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "100")).unwrap();
    let codes = at_once(16, |_| pay_with(&e.wallet, &key(), to_user(P2.phone, "1"), "147036").map_err(|e| e.code));
    let wrong = codes.iter().filter(|c| **c == Err(ErrorCode::PayPasswordWrong)).count();
    let locked = codes.iter().filter(|c| **c == Err(ErrorCode::PayPasswordLocked)).count();
    assert_eq!(wrong + locked, 16, "{codes:?}");
    assert!(wrong <= 4, "{wrong} wrong answers before the lock");
    // Locked means locked: the right password waits 3 hours.
    assert_eq!(pay(&e.wallet, to_user(P2.phone, "1")), Err(ErrorCode::PayPasswordLocked));
    let left = pay_with(&e.wallet, &key(), to_user(P2.phone, "1"), "147036").unwrap_err();
    assert_eq!(left.code, ErrorCode::PayPasswordLocked);
    assert!(left.until.is_some());
}

#[test]
fn a_wrong_payment_password_says_how_many_tries_are_left() {
    let e = env();
    let t01 = bind(&e.wallet, &e.bank, "6222020000000010017", P1.phone, None).id;
    pay(&e.wallet, topup(t01, "100")).unwrap();
    for left in [4, 3, 2, 1] {
        let err = pay_with(&e.wallet, &key(), to_user(P2.phone, "1"), "147036").unwrap_err();
        assert_eq!((err.code, err.tries_left), (ErrorCode::PayPasswordWrong, Some(left)));
    }
}

/// T01's binding form for P1.
fn t01_form() -> BindStart {
    BindStart {
        number: SecretString::new("6222020000000010017"),
        expiry: None,
        cvv: None,
        phone: P1.phone.into(),
        nickname: None,
        agree: true,
    }
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
