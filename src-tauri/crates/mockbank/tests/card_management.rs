//! docs/features.md, managing cards and §5 end to end through the core's wallet and this mock bank: edits that
//! save at once, edits the bank verifies with an SMS code, T15's renewal on a fake clock,
//! unbinding with the payment password and its lockout, the troubleshooting checks with a
//! healthy and a broken dependency, clear cache, and the support report.

use std::sync::Arc;

use tongbao_core::bank::RetryPolicy;
use tongbao_core::cards::audit::AuditEvent;
use tongbao_core::cards::binding::{BindStart, CardStatusView, CardView};
use tongbao_core::cards::manage::{CardRef, CardRename, CardUnbind, CardUpdate};
use tongbao_core::platform::clock::{Clock, FakeClock, DAY, HOUR, MINUTE};
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::{MemoryStore, SecretString};
use tongbao_core::support::checks::{CheckId, CheckResult, CheckStatus, DiagnoseInput, Diagnostics};
use tongbao_core::{open_wallet, Wallet};
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::{BankAction, Controls, MockBank};

mod common;
use common::*;

/// 2027-01-02T12:00:00Z: T15 has been renewed at the bank.
const AFTER_RENEWAL: i64 = 1_798_891_200_000;
const T01: &str = "6222020000000010017";
const T02: &str = "6222020000000010025";
const T09: &str = "6222020000000010090";
const T13: &str = "6253300000010137";
const T15: &str = "6222300000010150";

struct Env {
    dir: tempfile::TempDir,
    clock: Arc<FakeClock>,
    secrets: Arc<MemoryStore>,
    bank: Arc<MockBank>,
    wallet: Wallet,
}

fn connect(
    dir: &tempfile::TempDir,
    clock: &Arc<FakeClock>,
    secrets: &Arc<MemoryStore>,
    bank: &Arc<MockBank>,
) -> Wallet {
    open_wallet(dir.path(), secrets.clone(), clock.clone()).unwrap().with_bank(bank.clone(), policy(), "0.1.0").unwrap()
}

/// P1 registered and signed in; the bank on its own clock (the same one unless told).
fn p1_with_bank_clock(bank_clock: Option<Arc<FakeClock>>) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at(T0));
    let secrets = Arc::new(MemoryStore::default());
    let bank = Arc::new(MockBank::in_memory(&Fixture::default_fixture(), bank_clock.unwrap_or_else(|| clock.clone())));
    bank.set_controls(Controls { latency_ms: 50, ..Controls::default() });
    let wallet = connect(&dir, &clock, &secrets, &bank);
    register(&wallet, &P1);
    Env { dir, clock, secrets, bank, wallet }
}

fn p1() -> Env {
    p1_with_bank_clock(None)
}

impl Env {
    fn sms_code(&self, phone: &str) -> String {
        sms_code(&self.bank, phone)
    }

    fn bind(&self, number: &str, credit: Option<(&str, &str)>) -> CardView {
        bind(&self.wallet, &self.bank, number, P1.phone, credit)
    }

    fn card(&self, id: i64) -> CardView {
        self.wallet.cards().card_detail(id).unwrap().card
    }

    fn events(&self, id: i64) -> Vec<AuditEvent> {
        self.wallet.cards().card_detail(id).unwrap().audit.into_iter().map(|a| a.event).collect()
    }

    fn update(&self, card_id: i64, phone: Option<&str>, renewal: Option<(&str, &str)>) -> Result<String, ErrorCode> {
        let u = CardUpdate {
            card_id,
            phone: phone.map(str::to_owned),
            expiry: renewal.map(|(e, _)| e.to_owned()),
            cvv: renewal.map(|(_, c)| SecretString::new(c)),
        };
        self.wallet.cards().card_update_start(&u, NO_RETRY).map(|s| s.attempt_id).map_err(|e| e.code)
    }

    fn confirm(&self, update: &str, code: &str) -> Result<CardView, ErrorCode> {
        self.wallet.cards().card_update_confirm(update, &SecretString::new(code), NO_RETRY).map_err(|e| e.code)
    }

    fn unbind(&self, card_id: i64, pw: &str) -> Result<Vec<CardView>, ErrorCode> {
        let u = CardUnbind { card_id, pay_password: SecretString::new(pw) };
        self.wallet.cards().unbind_card(&u, NO_RETRY).map_err(|e| e.code)
    }

    /// Moves the clock (an idle session locks) and unlocks.
    fn jump(&self, to: i64) {
        self.clock.set(to);
        self.wallet.accounts().unlock(&SecretString::new(PASSWORD)).unwrap();
    }

    fn restart(self) -> Env {
        self.restart_after(|_| {})
    }

    /// Closes the wallet, lets `between` touch its folder, opens it again and signs in.
    fn restart_after(self, between: impl FnOnce(&std::path::Path)) -> Env {
        let Env { dir, clock, secrets, bank, wallet } = self;
        drop(wallet);
        between(dir.path());
        let wallet = connect(&dir, &clock, &secrets, &bank);
        sign_in(&wallet, &P1);
        Env { dir, clock, secrets, bank, wallet }
    }

    /// Binding T02 (not activated) fails at the bank.
    fn t02_fails(&self) {
        let form = BindStart {
            number: SecretString::new(T02),
            expiry: None,
            cvv: None,
            phone: P1.phone.into(),
            nickname: None,
            agree: true,
        };
        assert_eq!(self.wallet.cards().bind_start(&form, NO_RETRY).unwrap_err().code, ErrorCode::CardNotActivated);
    }

    fn diagnose(&self, card: Option<&str>) -> Diagnostics {
        let input = DiagnoseInput { card_number: card.map(SecretString::new) };
        self.wallet.support().run_diagnostics(&input, "0.1.0", &|_| {}).unwrap()
    }
}

fn check(d: &Diagnostics, id: CheckId) -> (bool, Option<ErrorCode>) {
    let c = found(d, id);
    (c.ok, c.code)
}

fn found(d: &Diagnostics, id: CheckId) -> &CheckResult {
    d.checks.iter().find(|c| c.check == id).unwrap_or_else(|| panic!("{id:?} ran"))
}

#[test]
fn nickname_and_default_save_at_once_and_survive_a_restart() {
    let env = p1();
    let a = env.bind(T01, None);
    let b = env.bind(T09, None);
    assert!(a.is_default && !b.is_default, "the first card is the default");
    let renamed =
        env.wallet.cards().rename_card(&CardRename { card_id: b.id, nickname: "  零花钱卡  ".into() }).unwrap();
    assert_eq!(renamed.nickname, "零花钱卡");
    let cards = env.wallet.cards().set_default_card(&CardRef { card_id: b.id }).unwrap();
    assert_eq!(cards[0].id, b.id, "the default is listed first");
    assert_eq!(cards.iter().filter(|c| c.is_default).count(), 1);
    let env = env.restart();
    let cards = env.wallet.cards().list().unwrap();
    assert_eq!((cards[0].id, cards[0].nickname.as_str(), cards[0].is_default), (b.id, "零花钱卡", true));
    assert_eq!(env.events(b.id), [AuditEvent::DefaultSet, AuditEvent::Renamed, AuditEvent::Bound]);
    let long = "一二三四五六七八九十一二三四五六七八九十多余";
    assert_eq!(
        env.wallet
            .cards()
            .rename_card(&CardRename { card_id: a.id, nickname: long.into() })
            .unwrap()
            .nickname
            .chars()
            .count(),
        20
    );
    let missing = env.wallet.cards().rename_card(&CardRename { card_id: 999, nickname: "x".into() }).unwrap_err();
    assert_eq!(missing.code, ErrorCode::CardNotFound);
}

#[test]
fn a_new_reserved_phone_is_verified_by_the_bank_and_an_sms_to_it() {
    let env = p1();
    let card = env.bind(T09, None);
    let new_phone = "13912345678";
    // Not yet changed at the bank: refused, card untouched.
    assert_eq!(env.update(card.id, Some(new_phone), None), Err(ErrorCode::PhoneMismatch));
    assert_eq!(env.card(card.id).phone_masked.as_deref(), Some("138****8000"));
    env.bank.act(None, &BankAction::ChangePhone { card_id: "T09".into(), phone: new_phone.into() }).unwrap();
    let update = env.update(card.id, Some(new_phone), None).unwrap();
    let code = env.sms_code(new_phone);
    assert!(env.bank.latest_sms(new_phone).unwrap().contains("修改"), "the SMS says what it is for");
    // A wrong code: still the old phone.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(env.confirm(&update, wrong).unwrap_err(), ErrorCode::OtpInvalid);
    assert_eq!(env.card(card.id).phone_masked.as_deref(), Some("138****8000"));
    let saved = env.confirm(&update, &code).unwrap();
    assert_eq!(saved.phone_masked.as_deref(), Some("139****5678"));
    assert_eq!(
        env.events(card.id),
        [AuditEvent::PhoneChanged, AuditEvent::UpdateFailed, AuditEvent::UpdateFailed, AuditEvent::Bound]
    );
    let detail = env.wallet.cards().card_detail(card.id).unwrap();
    assert_eq!(detail.audit[0].detail.as_deref(), Some("139****5678"), "the audit shows the phone masked");
    assert_eq!(detail.audit[1].code, Some(ErrorCode::OtpInvalid));
}

/// A change interrupted during its confirmation is settled at the next start by asking the
/// bank what became of it, as a binding is: no code try spent (confirming with an empty code,
/// as this once did, spent one), and one the bank did confirm is saved.
#[test]
fn an_interrupted_change_is_settled_by_asking_the_bank_without_spending_a_try() {
    let env = p1();
    let card = env.bind(T09, None);
    let confirming = |env: &Env, id: &str| {
        env.wallet.with_db_for_tests(|db| {
            db.execute("UPDATE card_updates SET stage = 'confirming' WHERE id = ?1", [id]).unwrap();
        })
    };
    let stage = |env: &Env, id: &str| -> String {
        env.wallet.with_db_for_tests(|db| {
            db.query_row("SELECT stage FROM card_updates WHERE id = ?1", [id], |r| r.get(0)).unwrap()
        })
    };
    let new_phone = "13912345678";
    env.bank.act(None, &BankAction::ChangePhone { card_id: "T09".into(), phone: new_phone.into() }).unwrap();
    // Stopped after it was marked `confirming`, before the bank heard the code.
    let update = env.update(card.id, Some(new_phone), None).unwrap();
    assert_eq!(env.bank.otp_tries_left(&update), Some(3));
    confirming(&env, &update);
    let env = env.restart();
    assert_eq!(stage(&env, &update), "abandoned");
    assert_eq!(env.bank.otp_tries_left(&update), Some(3), "no try spent");
    assert_eq!(env.card(card.id).phone_masked.as_deref(), Some("138****8000"), "nothing saved");
    // Confirmed at the bank, the answer lost before the wallet saved it: saved at the start.
    let update = env.update(card.id, Some(new_phone), None).unwrap();
    let code = env.sms_code(new_phone);
    tongbao_core::bank::Bank::confirm_update(
        env.bank.as_ref(),
        &env.wallet.with_db_for_tests(|db| {
            db.query_row("SELECT bank_session FROM card_updates WHERE id = ?1", [&update], |r| r.get::<_, String>(0))
                .unwrap()
        }),
        &code,
        tongbao_core::bank::CallOptions { timeout_ms: 1_000 },
    )
    .unwrap();
    confirming(&env, &update);
    let env = env.restart();
    assert_eq!(stage(&env, &update), "done");
    assert_eq!(env.card(card.id).phone_masked.as_deref(), Some("139****5678"));
}

#[test]
fn edits_that_change_nothing_or_do_not_fit_the_card_are_refused() {
    let env = p1();
    let debit = env.bind(T01, None);
    assert_eq!(env.update(debit.id, None, None), Err(ErrorCode::CardEditInvalid));
    assert_eq!(env.update(debit.id, Some(P1.phone), None), Err(ErrorCode::CardEditInvalid), "the same phone");
    assert_eq!(env.update(debit.id, None, Some(("01/32", "852"))), Err(ErrorCode::CardEditInvalid), "debit: no expiry");
    assert_eq!(env.update(debit.id, Some("2380013800"), None), Err(ErrorCode::PhoneInvalid));
    let credit = env.bind(T13, Some(("12/30", "123")));
    assert_eq!(env.update(credit.id, None, Some(("12/30", ""))), Err(ErrorCode::CvvMismatch), "CVV needed");
    assert_eq!(env.update(credit.id, None, Some(("11/30", "123"))), Err(ErrorCode::ExpiryMismatch));
    assert_eq!(env.card(credit.id).expiry.as_deref(), Some("12/30"), "untouched");
}

#[test]
fn t15_is_renewed_shows_pending_and_is_usable_again_after_the_new_expiry_and_sms() {
    let env = p1();
    let card = env.bind(T15, Some(("01/27", "321")));
    assert_eq!(card.status, CardStatusView::Active);
    assert!(!card.expires_soon, "two months ahead: no reminder yet");
    assert_eq!(env.wallet.cards().refresh_card_statuses().unwrap()[0].status, CardStatusView::Active);
    env.jump(AFTER_RENEWAL);
    let cards = env.wallet.cards().refresh_card_statuses().unwrap();
    assert_eq!(cards[0].status, CardStatusView::Pending, "the bank reports it renewed: 待验证");
    assert!(cards[0].expires_soon, "01/27 ends within 30 days");
    assert_eq!(env.events(card.id)[0], AuditEvent::StatusChanged);
    // The old data no longer matches; the card stays pending.
    assert_eq!(env.update(card.id, None, Some(("01/27", "321"))), Err(ErrorCode::ExpiryMismatch));
    assert_eq!(env.card(card.id).status, CardStatusView::Pending);
    let update = env.update(card.id, None, Some(("01/32", "852"))).unwrap();
    let saved = env.confirm(&update, &env.sms_code(P1.phone)).unwrap();
    assert_eq!(
        (saved.status, saved.expiry.as_deref(), saved.expires_soon),
        (CardStatusView::Active, Some("01/32"), false)
    );
    // The bank now knows the wallet has the new data: it stays usable.
    env.jump(env.clock.now() + HOUR);
    assert_eq!(env.wallet.cards().refresh_card_statuses().unwrap()[0].status, CardStatusView::Active);
}

#[test]
fn a_card_past_its_expiry_month_shows_expired_by_itself() {
    let env = p1();
    let card = env.bind(T15, Some(("01/27", "321")));
    env.jump(AFTER_RENEWAL + 31 * DAY); // February 2027, the stored expiry 01/27 has passed
    let c = env.card(card.id);
    assert_eq!((c.status, c.expires_soon), (CardStatusView::Expired, false));
}

#[test]
fn unbinding_needs_the_payment_password_revokes_the_token_and_moves_the_default() {
    let env = p1();
    let a = env.bind(T01, None);
    let b = env.bind(T09, None);
    for _ in 0..4 {
        assert_eq!(env.unbind(a.id, "111111").unwrap_err(), ErrorCode::PayPasswordWrong);
    }
    let before = env.clock.now();
    let locked = env
        .wallet
        .cards()
        .unbind_card(&CardUnbind { card_id: a.id, pay_password: "111111".into() }, NO_RETRY)
        .unwrap_err();
    assert_eq!((locked.code, locked.until), (ErrorCode::PayPasswordLocked, Some(before + 3 * HOUR)));
    assert_eq!(
        env.unbind(a.id, PAY_PASSWORD).unwrap_err(),
        ErrorCode::PayPasswordLocked,
        "even the right one while locked"
    );
    assert_eq!(env.wallet.cards().list().unwrap().len(), 2, "nothing unbound");
    env.jump(before + 3 * HOUR);
    let token = env.bank.active_agreements("T01").pop().expect("T01 is bound at the bank");
    let left = env.unbind(a.id, PAY_PASSWORD).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!((left[0].id, left[0].is_default), (b.id, true), "the default moved");
    assert_eq!(env.bank.agreement_active(&token), Some(false), "revoked at the bank");
    assert_eq!(env.wallet.cards().card_detail(a.id).unwrap_err().code, ErrorCode::CardNotFound);
    let account: Vec<AuditEvent> = env.wallet.cards().account_audit().unwrap().into_iter().map(|e| e.event).collect();
    assert_eq!(&account[..2], [AuditEvent::DefaultMoved, AuditEvent::Unbound]);
    assert!(account.contains(&AuditEvent::Bound), "history is kept");
    // The last card: the default goes to none; it can be bound again.
    assert!(env.unbind(b.id, PAY_PASSWORD).unwrap().is_empty());
    assert!(env.bind(T01, None).is_default);
}

#[test]
fn unbinding_while_the_bank_is_offline_keeps_the_card() {
    let env = p1();
    let a = env.bind(T01, None);
    env.bank.set_controls(Controls { offline: true, ..Controls::default() });
    assert_eq!(env.unbind(a.id, PAY_PASSWORD).unwrap_err(), ErrorCode::NetworkOffline);
    assert_eq!(env.wallet.cards().list().unwrap().len(), 1);
    assert_eq!(env.events(a.id)[0], AuditEvent::UnbindFailed);
}

#[test]
fn the_last_failure_outlives_a_restart_and_ends_when_the_card_binds() {
    let env = p1();
    assert_eq!(env.wallet.cards().last_failure().unwrap(), None, "nothing failed yet");
    env.t02_fails();
    let env = env.restart();
    let last = env.wallet.cards().last_failure().unwrap().expect("remembered across a restart and a sign-in");
    assert_eq!(
        (last.event, last.code, last.last4.as_str(), last.bank.map(|b| b.code())),
        (AuditEvent::BindFailed, ErrorCode::CardNotActivated, "0025", Some("ICBC"))
    );
    assert!(last.bank_code.is_some(), "the bank's own code is kept");
    assert!(last.remedy.is_some() && last.category.is_some(), "with Rust's verdict");
    // Another person sees none of it.
    env.wallet.accounts().logout();
    register(&env.wallet, &P2);
    assert_eq!(env.wallet.cards().last_failure().unwrap(), None);
    env.wallet.accounts().logout();
    sign_in(&env.wallet, &P1);
    // Activated at the counter and bound: nothing left to explain.
    env.bank.act(None, &BankAction::Activate { card_id: "T02".into() }).unwrap();
    let card = env.bind(T02, None);
    assert_eq!(env.wallet.cards().last_failure().unwrap(), None);
    // A card change that fails is explained too.
    assert_eq!(env.update(card.id, Some("13912345678"), None), Err(ErrorCode::PhoneMismatch));
    let last = env.wallet.cards().last_failure().unwrap().unwrap();
    assert_eq!(
        (last.event, last.code, last.card_id),
        (AuditEvent::UpdateFailed, ErrorCode::PhoneMismatch, Some(card.id))
    );
}

#[test]
fn healthy_checks_pass_and_a_card_status_inquiry_tells_why_a_card_fails() {
    let env = p1();
    let d = env.diagnose(Some(T02));
    for id in [CheckId::Bank, CheckId::AppVersion, CheckId::Keychain, CheckId::Database, CheckId::Clock] {
        assert_eq!(check(&d, id), (true, None), "{id:?}");
    }
    assert_eq!(check(&d, CheckId::CardStatus), (false, Some(ErrorCode::CardNotActivated)));
    let bank = d.checks.iter().find(|c| c.check == CheckId::Bank).unwrap();
    assert!(bank.ms >= 50, "the latency is measured: {}", bank.ms);
    assert_eq!(check(&env.diagnose(Some(T01)), CheckId::CardStatus), (true, None));
    assert_eq!(
        check(&env.diagnose(Some("6222020000000999912")), CheckId::CardStatus).1,
        Some(ErrorCode::CardNumberInvalid)
    );
    assert_eq!(
        check(&env.diagnose(Some("6222020000000000001")), CheckId::CardStatus).1,
        Some(ErrorCode::CardNumberInvalid),
        "Luhn"
    );
    assert!(!d.checks.iter().any(|c| c.check == CheckId::CardStatus) || d.checks.len() == 6);
    assert_eq!(env.diagnose(None).checks.len(), 5, "no number: no inquiry");
}

#[test]
fn each_check_fails_when_its_dependency_is_broken() {
    let env = p1();
    env.bank.set_controls(Controls { offline: true, ..Controls::default() });
    let d = env.diagnose(Some(T01));
    assert_eq!(check(&d, CheckId::Bank), (false, Some(ErrorCode::NetworkOffline)));
    assert_eq!(check(&d, CheckId::AppVersion), (false, Some(ErrorCode::NetworkOffline)));
    assert_eq!(check(&d, CheckId::CardStatus), (false, Some(ErrorCode::NetworkOffline)));
    assert_eq!(check(&d, CheckId::Database), (true, None), "local checks still pass");
    // What needs the bank could not run: never "passed" (the clock has nothing to compare with).
    assert_eq!(found(&d, CheckId::Bank).status, CheckStatus::Failed);
    for id in [CheckId::AppVersion, CheckId::CardStatus, CheckId::Clock] {
        assert_eq!(found(&d, id).status, CheckStatus::NotRun, "{id:?}");
    }
    assert_eq!(check(&d, CheckId::Clock), (false, Some(ErrorCode::NetworkOffline)));
    assert_eq!(found(&d, CheckId::Database).status, CheckStatus::Ok);
    env.bank.set_controls(Controls::default());
    env.bank.set_client_version_floor("9.0.0");
    assert_eq!(check(&env.diagnose(None), CheckId::AppVersion), (false, Some(ErrorCode::UpgradeRequired)));
    *env.secrets.fail_with.lock().unwrap() = Some(ErrorCode::KeychainLocked);
    assert_eq!(check(&env.diagnose(None), CheckId::Keychain), (false, Some(ErrorCode::KeychainLocked)));
    *env.secrets.fail_with.lock().unwrap() = None;

    // A bank whose clock is an hour ahead.
    let skewed = p1_with_bank_clock(Some(Arc::new(FakeClock::at(T0 + HOUR))));
    let d = skewed.diagnose(None);
    assert_eq!(check(&d, CheckId::Clock), (false, Some(ErrorCode::ClockWrong)));
    let skew = d.checks.iter().find(|c| c.check == CheckId::Clock).unwrap().skew_ms.unwrap();
    assert!((skew + HOUR).abs() < MINUTE, "{skew}");
}

/// Waits (up to 10 s) for the background quick_check's verdict: true when damaged.
fn wait_for_storage_check(w: &Wallet) -> bool {
    for _ in 0..1000 {
        if let Some(v) = w.storage_damaged() {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the background storage check never ended");
}

#[test]
fn a_healthy_database_passes_the_background_check() {
    let env = p1();
    env.bind(T01, None);
    env.wallet.check_storage_in_background();
    assert!(!wait_for_storage_check(&env.wallet));
    assert!(env.wallet.accounts().status().is_ok());
}

#[test]
fn a_damaged_database_fails_the_integrity_check() {
    let env = p1();
    for n in [T01, T09] {
        env.bind(n, None);
    }
    // Closed (everything checkpointed into the main file), one page damaged, reopened: the
    // first page whose damage start-up does not read is one only the check can find.
    let Env { dir, clock, secrets, bank, wallet } = env;
    drop(wallet);
    let path = dir.path().join("wallet.db");
    let original = std::fs::read(&path).unwrap();
    let pages = original.len() / 4096;
    let mut found = false;
    for page in (1..pages).rev() {
        let mut bytes = original.clone();
        for b in &mut bytes[page * 4096 + 64..page * 4096 + 512] {
            *b ^= 0x5A;
        }
        std::fs::write(&path, &bytes).unwrap();
        let Ok(wallet) = open_wallet(dir.path(), secrets.clone(), clock.clone()) else { continue };
        let policy = RetryPolicy::default();
        let Ok(wallet) = wallet.with_bank(bank.clone(), policy, "0.1.0") else { continue };
        let login = serde_json::json!({"phone": P1.phone, "password": PASSWORD});
        if wallet.accounts().login(&serde_json::from_value(login).unwrap()).is_err() {
            continue;
        }
        let d = wallet.support().run_diagnostics(&DiagnoseInput::default(), "0.1.0", &|_| {}).unwrap();
        assert_eq!(check(&d, CheckId::Database), (false, Some(ErrorCode::StorageError)), "page {page}");
        // Start-up's own check, on a thread of its own, finds it too: the app says so.
        assert_eq!(wallet.accounts().status().map(|_| ()), Ok(()), "not known before the check has run");
        wallet.check_storage_in_background();
        let verdict = wait_for_storage_check(&wallet);
        assert!(verdict, "page {page}");
        assert_eq!(wallet.accounts().status().unwrap_err().code, ErrorCode::DatabaseDamaged);
        found = true;
        break;
    }
    assert!(found, "some damaged page was left for the check to find");
}

#[test]
fn clear_cache_ends_unfinished_attempts_and_keeps_accounts_and_cards() {
    let env = p1();
    let kept = env.bind(T01, None);
    let form = BindStart {
        number: SecretString::new(T09),
        expiry: None,
        cvv: None,
        phone: P1.phone.into(),
        nickname: None,
        agree: true,
    };
    let open = env.wallet.cards().bind_start(&form, NO_RETRY).unwrap();
    env.diagnose(None);
    let cleared = env.wallet.support().clear_cache().unwrap();
    assert_eq!((cleared.attempts, cleared.updates, cleared.statuses), (1, 0, 1));
    let code = SecretString::new(env.sms_code(P1.phone));
    assert_eq!(
        env.wallet.cards().bind_confirm(&open.attempt_id, &code, NO_RETRY).unwrap_err().code,
        ErrorCode::OtpExpired
    );
    assert_eq!(env.wallet.cards().list().unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [kept.id]);
    assert!(env.wallet.accounts().profile().is_ok());
    let report = env.wallet.support().support_report("0.1.0", "").unwrap();
    assert!(report.json.contains("\"checks\": null"), "the last checks were cleared too");
}

#[test]
fn the_support_report_carries_codes_and_checks_but_no_secret() {
    let env = p1();
    env.t02_fails();
    env.diagnose(Some(T02));
    let log = format!(
        "2026-11-25T19:37:09Z  INFO tongbao_core::wallet: binding attempt failed code=\"CARD_NOT_ACTIVATED\"\n\
         2026-11-25T19:37:10Z  INFO tongbao_wallet_lib::commands: oops pan={T02} cvv=123 otp=482913 pw=Tongbao2026! id=110101199003071233 {T13}"
    );
    let r = env.wallet.support().support_report("0.1.0", &log).unwrap();
    for secret in [T02, T13, "cvv=123", "482913", "Tongbao2026!", "110101199003071233", "张三"] {
        assert!(!r.json.contains(secret) && !r.text.contains(secret), "{secret} leaked");
    }
    assert!(r.text.contains("CARD_NOT_ACTIVATED card …0025"));
    assert!(r.json.contains("\"check\": \"card_status\""));
    assert!(r.text.contains("binding attempt failed"));
}

#[test]
fn the_auto_lock_is_due_after_the_idle_time_and_none_once_locked_or_signed_out() {
    let env = p1();
    let autolock = i64::from(env.wallet.accounts().settings().unwrap().autolock_minutes) * MINUTE;
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), Some(autolock));
    env.clock.advance(2 * MINUTE);
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), Some(autolock - 2 * MINUTE));
    env.wallet.accounts().touch().unwrap();
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), Some(autolock), "activity moves it");
    env.clock.advance(autolock);
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), Some(0), "due now");
    assert!(env.wallet.accounts().status().unwrap().session.unwrap().locked, "status locks it when due");
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), None, "locked: nothing due");
    env.wallet.accounts().unlock(&SecretString::new(PASSWORD)).unwrap();
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), Some(autolock));
    env.wallet.accounts().logout();
    assert_eq!(env.wallet.accounts().lock_due_in().unwrap(), None);
}
