//! docs/features.md, binding a card in the core, with a scripted bank: every catalogue code a binding can end in,
//! the wallet's own rules, what is stored, and the crash-resume rule.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use tongbao_core::bank::*;
use tongbao_core::cards::binding::BindStart;
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::{SecretStore, SecretString};

/// A bank that answers from a script; records how many verify calls it got.
#[derive(Default)]
struct ScriptedBank {
    verify: Mutex<Vec<BankResult<Verified>>>,
    confirm: Mutex<Vec<BankResult<Binding>>>,
    verify_calls: Mutex<u32>,
    confirmed: Mutex<Option<String>>,
    /// When set, `binding_state` says it has been called, then waits for the word to answer
    /// (the test acts while the wallet waits on the bank).
    hold_state: Mutex<Option<(std::sync::mpsc::Sender<()>, std::sync::mpsc::Receiver<()>)>>,
}

impl ScriptedBank {
    fn approving() -> Self {
        let b = ScriptedBank::default();
        b.verify.lock().unwrap().push(Ok(Verified::Approved { session: "S1".into() }));
        b
    }
}

impl Bank for ScriptedBank {
    fn verify_card(&self, _: &VerifyCard<'_>, _: CallOptions) -> BankResult<Verified> {
        *self.verify_calls.lock().unwrap() += 1;
        let mut v = self.verify.lock().unwrap();
        if v.len() > 1 {
            v.remove(0)
        } else {
            v[0].clone()
        }
    }
    fn verify_token(&self, _: &str, code: &str, _: CallOptions) -> BankResult<()> {
        if code == "111111" {
            Ok(())
        } else {
            Err(BankFailure::Session(SessionProblem::TokenInvalid))
        }
    }
    fn send_otp(&self, _: &str, _: CallOptions) -> BankResult<OtpSent> {
        Ok(OtpSent { expires_at: T0 + 300_000, resend_at: T0 + 60_000 })
    }
    fn confirm_binding(&self, _: &str, otp: &str, _: CallOptions) -> BankResult<Binding> {
        if let Some(t) = self.confirmed.lock().unwrap().clone() {
            return Ok(Binding { token: t, account: BankAccount::default() });
        }
        let mut c = self.confirm.lock().unwrap();
        if c.is_empty() {
            if otp == "123456" {
                Ok(Binding { token: "AGR1".into(), account: BankAccount::default() })
            } else {
                Err(BankFailure::Session(SessionProblem::OtpInvalid { tries_left: 2 }))
            }
        } else {
            c.remove(0)
        }
    }
    fn revoke_token(&self, _: &str, _: CallOptions) -> BankResult<()> {
        Ok(())
    }
    fn card_status(&self, _: &str, _: CallOptions) -> BankResult<CardStatus> {
        Ok(CardStatus::Active)
    }
    fn token_status(&self, _: &str, _: CallOptions) -> BankResult<CardStatus> {
        Ok(CardStatus::Active)
    }
    fn verify_update(&self, _: &UpdateCard<'_>, _: CallOptions) -> BankResult<String> {
        Ok("U1".into())
    }
    fn confirm_update(&self, _: &str, _: &str, _: CallOptions) -> BankResult<()> {
        Ok(())
    }
    fn verify_holder(&self, _: &HolderCheck<'_>, _: CallOptions) -> BankResult<String> {
        Ok("H1".into())
    }
    fn update_state(&self, _: &str, _: CallOptions) -> BankResult<UpdateState> {
        Ok(UpdateState::NotFound)
    }
    fn binding_state(&self, _: &str, _: CallOptions) -> BankResult<BindingState> {
        if let Some((entered, answer)) = self.hold_state.lock().unwrap().as_ref() {
            entered.send(()).unwrap();
            answer.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        }
        Ok(match self.confirmed.lock().unwrap().clone() {
            Some(token) => BindingState::Bound { token, account: BankAccount::default() },
            None => BindingState::NotBound,
        })
    }
    fn bank_info(&self, _: CallOptions) -> BankResult<BankInfo> {
        Ok(BankInfo { now: T0, min_client_version: "0.0.0".into() })
    }
    fn debit(&self, _: &str, _: i64, _: &str, _: CallOptions) -> BankResult<BankTxn> {
        Err(BankFailure::Declined(Decline::Restricted))
    }
    fn credit(&self, _: CreditTo<'_>, _: i64, _: &str, _: CallOptions) -> BankResult<BankTxn> {
        Err(BankFailure::Declined(Decline::Restricted))
    }
    fn check_payee(&self, _: &str, _: &str, _: CallOptions) -> BankResult<PayeeChecked> {
        Err(BankFailure::Declined(Decline::NoSuchCard))
    }
    fn inquire(&self, _: &str, _: CallOptions) -> BankResult<TxnState> {
        Ok(TxnState::NotFound)
    }
    fn exchange_bind_code(&self, _: &str, _: &str, _: CallOptions) -> BankResult<Vec<GrantedCard>> {
        Err(BankFailure::Session(SessionProblem::GrantInvalid))
    }
}

const T01: &str = "6222020000000010017";

fn form(number: &str) -> BindStart {
    BindStart {
        number: SecretString::new(number),
        expiry: None,
        cvv: None,
        phone: P1.phone.into(),
        nickname: Some("工资卡".into()),
        agree: true,
    }
}

fn signed_in(bank: Arc<ScriptedBank>) -> Env {
    let env = Env::start().with_bank(bank);
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env
}

fn start_code(env: &Env, f: &BindStart) -> ErrorCode {
    env.wallet.cards().bind_start(f, &|_, _| {}).unwrap_err().code
}

#[test]
fn every_bank_decline_and_fault_surfaces_as_its_catalogue_code() {
    use Decline::*;
    let cases: Vec<(BankFailure, ErrorCode)> = vec![
        (BankFailure::Declined(NoSuchCard), ErrorCode::CardNumberInvalid),
        (BankFailure::Declined(ExpiryMismatch), ErrorCode::ExpiryMismatch),
        (BankFailure::Declined(CardExpired), ErrorCode::CardExpired),
        (BankFailure::Declined(CvvMismatch), ErrorCode::CvvMismatch),
        (BankFailure::Declined(PhoneMismatch), ErrorCode::PhoneMismatch),
        (BankFailure::Declined(HolderMismatch), ErrorCode::HolderMismatch),
        (BankFailure::Declined(EpayDisabled), ErrorCode::EpayDisabled),
        (BankFailure::Declined(Restricted), ErrorCode::CardRestricted),
        (BankFailure::Declined(NotActivated), ErrorCode::CardNotActivated),
        (BankFailure::Declined(Lost), ErrorCode::CardLost),
        (BankFailure::Declined(UpgradeRequired), ErrorCode::UpgradeRequired),
        (BankFailure::Fault(Fault::Timeout), ErrorCode::NetworkTimeout),
        (BankFailure::Fault(Fault::Offline), ErrorCode::NetworkOffline),
        (BankFailure::Fault(Fault::Busy), ErrorCode::BankUnavailable),
        (BankFailure::Fault(Fault::SystemError), ErrorCode::BankSystemError),
    ];
    for (answer, code) in cases {
        let bank = Arc::new(ScriptedBank::default());
        bank.verify.lock().unwrap().push(Err(answer));
        let env = signed_in(bank.clone());
        let e = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap_err();
        assert_eq!(e.code, code, "{answer:?}");
        assert_eq!(e.bank_code.as_deref(), answer.iso(), "{answer:?}");
        let expected_calls = if answer.retryable() { 3 } else { 1 };
        assert_eq!(*bank.verify_calls.lock().unwrap(), expected_calls, "{answer:?}");
        assert!(env.wallet.cards().list().unwrap().is_empty());
    }
}

#[test]
fn refusals_before_any_bank_call() {
    let bank = Arc::new(ScriptedBank::approving());
    let env = signed_in(bank.clone());
    assert_eq!(start_code(&env, &form("6222020000000000001")), ErrorCode::CardNumberInvalid);
    assert_eq!(start_code(&env, &form("370246000010166")), ErrorCode::CardTypeNotSupported);
    assert_eq!(start_code(&env, &form("4111111111111111")), ErrorCode::BankNotSupported);
    assert_eq!(start_code(&env, &BindStart { agree: false, ..form(T01) }), ErrorCode::ConsentRequired);
    assert_eq!(start_code(&env, &BindStart { phone: "123".into(), ..form(T01) }), ErrorCode::PhoneInvalid);
    // A credit card needs its expiry and CVV.
    assert_eq!(start_code(&env, &form("6253300000010137")), ErrorCode::ExpiryMismatch);
    let no_cvv = BindStart { expiry: Some("12/30".into()), ..form("6253300000010137") };
    assert_eq!(start_code(&env, &no_cvv), ErrorCode::CvvMismatch);
    assert_eq!(*bank.verify_calls.lock().unwrap(), 0);
}

#[test]
fn bind_stores_token_bin_last4_and_fingerprint_never_the_number() {
    let env = signed_in(Arc::new(ScriptedBank::approving()));
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    assert_eq!(step.phone_masked, "138****8000");
    let card = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap();
    assert_eq!((card.bin.as_str(), card.last4.as_str(), card.nickname.as_str()), ("622202", "0017", "工资卡"));
    assert!(card.is_default, "the first card is the default");
    let key = env.secrets.get("database-key").unwrap().unwrap();
    drop(env.wallet);
    let conn = tongbao_core::platform::storage::open(&env.dir.path().join("wallet.db"), &key, false).unwrap();
    let dump: String = conn
        .query_row(
            "SELECT group_concat(token || bin || last4 || fingerprint || coalesce(expiry, ''), '|') FROM cards",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(dump.contains("AGR1") && !dump.contains(T01));
    let attempts: String = conn
        .query_row("SELECT group_concat(bin || last4 || phone || stage) FROM binding_attempts", [], |r| r.get(0))
        .unwrap();
    assert!(!attempts.contains(T01) && attempts.ends_with("bound"));
}

#[test]
fn a_wrong_code_keeps_the_attempt_open_and_the_right_one_binds() {
    let env = signed_in(Arc::new(ScriptedBank::approving()));
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    let e = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("000000"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::OtpInvalid);
    assert_eq!(
        env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("12345"), &|_, _| {}).unwrap_err().code,
        ErrorCode::OtpInvalid,
        "malformed codes never reach the bank"
    );
    env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap();
}

#[test]
fn otp_locked_ends_the_attempt() {
    let bank = Arc::new(ScriptedBank::approving());
    bank.confirm.lock().unwrap().push(Err(BankFailure::Session(SessionProblem::OtpLocked)));
    let env = signed_in(bank);
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    let e = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("000000"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::OtpLocked);
    let again =
        env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(again.code, ErrorCode::OtpExpired, "the attempt has ended: start again");
}

#[test]
fn token_step_comes_first_when_the_bank_requires_it() {
    let bank = Arc::new(ScriptedBank::default());
    bank.verify.lock().unwrap().push(Ok(Verified::TokenRequired { session: "S".into() }));
    let env = signed_in(bank);
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    assert_eq!(step.stage, tongbao_core::cards::binding::BindStage::Token);
    let e = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::TokenRequired);
    let e = env.wallet.cards().bind_token(&step.attempt_id, &SecretString::new("222222"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::TokenInvalid);
    let step = env.wallet.cards().bind_token(&step.attempt_id, &SecretString::new("111111"), &|_, _| {}).unwrap();
    assert_eq!(step.stage, tongbao_core::cards::binding::BindStage::Otp);
    env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap();
}

#[test]
fn retries_are_reported_one_by_one() {
    let bank = Arc::new(ScriptedBank::default());
    {
        let mut v = bank.verify.lock().unwrap();
        v.push(Err(BankFailure::Fault(Fault::Busy)));
        v.push(Err(BankFailure::Fault(Fault::Busy)));
        v.push(Ok(Verified::Approved { session: "S".into() }));
    }
    let env = signed_in(bank);
    let seen = Mutex::new(vec![]);
    env.wallet.cards().bind_start(&form(T01), &|n, max| seen.lock().unwrap().push((n, max))).unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![(1, 2), (2, 2)]);
}

#[test]
fn the_same_card_twice_is_already_bound() {
    let env = signed_in(Arc::new(ScriptedBank::approving()));
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap();
    assert_eq!(start_code(&env, &form("6222 0200 0000 0010 017")), ErrorCode::CardAlreadyBound);
}

#[test]
fn at_most_10_cards() {
    let bank = Arc::new(ScriptedBank::default());
    let env = signed_in(bank.clone());
    // Ten different valid ICBC debit numbers (BIN 622202, 19 digits, Luhn digit computed).
    let numbers: Vec<String> = (0..11).map(|i| luhn_complete(&format!("622202000000200{i:03}"))).collect();
    for (i, n) in numbers.iter().take(10).enumerate() {
        bank.verify.lock().unwrap().clear();
        bank.verify.lock().unwrap().push(Ok(Verified::Approved { session: format!("S{i}") }));
        *bank.confirmed.lock().unwrap() = Some(format!("AGR{i}"));
        let step = env.wallet.cards().bind_start(&form(n), &|_, _| {}).unwrap();
        env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap();
    }
    assert_eq!(env.wallet.cards().list().unwrap().len(), 10);
    assert_eq!(start_code(&env, &form(&numbers[10])), ErrorCode::CardLimitReached);
}

fn luhn_complete(first18: &str) -> String {
    for d in 0..10 {
        let n = format!("{first18}{d}");
        if tongbao_core::cards::luhn_ok(&n) {
            return n;
        }
    }
    unreachable!()
}

#[test]
fn five_failures_in_24_hours_cool_the_card_down_for_an_hour() {
    let bank = Arc::new(ScriptedBank::default());
    bank.verify.lock().unwrap().push(Err(BankFailure::Declined(Decline::PhoneMismatch)));
    let env = signed_in(bank.clone());
    for _ in 0..5 {
        assert_eq!(start_code(&env, &form(T01)), ErrorCode::PhoneMismatch);
    }
    let e = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap_err();
    assert_eq!((e.code, e.until), (ErrorCode::BindCooldown, Some(T0 + 3_600_000)));
    assert_eq!(*bank.verify_calls.lock().unwrap(), 5, "no bank call during the cooldown");
    env.clock.advance(3_600_000);
    env.wallet.accounts().unlock(&SecretString::new(PASSWORD)).unwrap(); // an hour idle locked the session
    assert_eq!(start_code(&env, &form(T01)), ErrorCode::PhoneMismatch, "after an hour it may try again");
}

#[test]
fn network_faults_do_not_count_toward_the_cooldown() {
    let bank = Arc::new(ScriptedBank::default());
    bank.verify.lock().unwrap().push(Err(BankFailure::Fault(Fault::Offline)));
    let env = signed_in(bank);
    for _ in 0..6 {
        assert_eq!(start_code(&env, &form(T01)), ErrorCode::NetworkOffline);
    }
}

#[test]
fn a_crash_during_confirm_is_completed_or_rolled_back_at_the_next_start() {
    // The bank bound the card but the reply never arrived (a dropped reply, then a crash).
    let bank = Arc::new(ScriptedBank::approving());
    bank.confirm.lock().unwrap().extend([
        Err(BankFailure::Fault(Fault::Timeout)),
        Err(BankFailure::Fault(Fault::Timeout)),
        Err(BankFailure::Fault(Fault::Timeout)),
    ]);
    let env = signed_in(bank.clone());
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    let e = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkTimeout);
    assert!(env.wallet.cards().list().unwrap().is_empty(), "nothing half-bound");
    *bank.confirmed.lock().unwrap() = Some("AGR-LATE".into());
    // Restart: resume asks the bank under the same session and completes the card.
    let env = env.restart().with_bank(bank);
    env.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap();
    let cards = env.wallet.cards().list().unwrap();
    assert_eq!(cards.len(), 1);

    // An attempt left at the OTP step is rolled back, not bound.
    let bank2 = Arc::new(ScriptedBank::approving());
    let env2 = signed_in(bank2.clone());
    let step = env2.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    let env2 = env2.restart().with_bank(bank2);
    env2.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap();
    assert!(env2.wallet.cards().list().unwrap().is_empty());
    let e = env2.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::OtpExpired);
}

#[test]
fn another_account_cannot_continue_my_attempt_or_see_my_cards() {
    let env = signed_in(Arc::new(ScriptedBank::approving()));
    let step = env.wallet.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    env.wallet.accounts().logout();
    env.wallet.accounts().register(&input(&P2)).unwrap();
    let e = env.wallet.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::OtpExpired);
    assert!(env.wallet.cards().list().unwrap().is_empty());
}

/// A confirmation whose answer never came is marked to reconcile and settled by the
/// troubleshooting centre's run — with no restart and no new binding — and while the wallet
/// asks the bank, the database is not locked: another command (the UI's activity ping)
/// answers meanwhile. Before, the wallet held the database across the bank's answer (up to
/// its timeout), and only a restart or the next binding settled the attempt.
#[test]
fn an_unanswered_confirmation_is_settled_by_troubleshooting_without_locking_the_wallet() {
    use std::sync::mpsc;
    use std::time::Duration;
    use tongbao_core::support::checks::DiagnoseInput;
    let bank = Arc::new(ScriptedBank::approving());
    bank.confirm.lock().unwrap().extend((0..3).map(|_| Err(BankFailure::Fault(Fault::Timeout))));
    let env = signed_in(bank.clone());
    let w = &env.wallet;
    let step = w.cards().bind_start(&form(T01), &|_, _| {}).unwrap();
    let e = w.cards().bind_confirm(&step.attempt_id, &SecretString::new("123456"), &|_, _| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkTimeout);
    assert!(w.cards().list().unwrap().is_empty());
    // The bank had bound it after all.
    *bank.confirmed.lock().unwrap() = Some("AGR-LATE".into());
    let (entered_tx, entered) = mpsc::channel();
    let (answer, answer_rx) = mpsc::channel();
    *bank.hold_state.lock().unwrap() = Some((entered_tx, answer_rx));
    std::thread::scope(|s| {
        let diagnosis = s.spawn(|| w.support().run_diagnostics(&DiagnoseInput { card_number: None }, "0.1.0", &|_| {}));
        let asked = entered.recv_timeout(Duration::from_secs(5));
        let (tx, rx) = mpsc::channel();
        // A command that reads the database, while the wallet waits on the bank.
        s.spawn(move || tx.send(w.cards().list().map(|c| c.len())).unwrap());
        let answered = rx.recv_timeout(Duration::from_secs(5));
        let _ = answer.send(()); // the bank answers
        assert!(asked.is_ok(), "the troubleshooting run did not ask the bank about the attempt");
        assert!(matches!(answered, Ok(Ok(0))), "another command waited on the bank call: {answered:?}");
        diagnosis.join().unwrap().unwrap();
    });
    let cards = w.cards().list().unwrap();
    assert_eq!(cards.len(), 1, "completed by the troubleshooting run");
}
