//! docs/security.md, rule by rule, through the wallet facade (what the IPC commands call).

mod common;

use common::*;
use tongbao_core::accounts::settings::{Language, Settings, Theme};
use tongbao_core::platform::clock::MINUTE;
use tongbao_core::platform::error::{ErrorCode, Field};
use tongbao_core::platform::secrets::SecretString;

fn account_count(env: &Env) -> i64 {
    // Count through a fresh registration attempt's view: the profile of nobody is not
    // readable, so look at the file directly with the same key.
    let key = env.secrets.get_key();
    let conn = tongbao_core::platform::storage::open(&env.dir.path().join("wallet.db"), &key, false).unwrap();
    conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap()
}

trait KeyOf {
    fn get_key(&self) -> Vec<u8>;
}
impl KeyOf for tongbao_core::platform::secrets::MemoryStore {
    fn get_key(&self) -> Vec<u8> {
        use tongbao_core::platform::secrets::SecretStore;
        self.get("database-key").unwrap().unwrap().to_vec()
    }
}

#[test]
fn register_signs_in_and_greets_by_display_name() {
    let env = Env::start();
    let s = env.wallet.accounts().register(&input(&P1)).unwrap();
    assert_eq!(s.display_name, "小张");
    assert!(!s.locked);
    let p = env.wallet.accounts().profile().unwrap();
    assert_eq!(p.real_name_masked, "*三");
    assert_eq!(p.phone_masked, "138****8000");
    assert_eq!(p.registered_at, T0);
}

/// The phone is taken as people type it at sign-in too: spaced, dashed, full-width. Before,
/// sign-in only trimmed it, so `138-0013-8000` was LOGIN_FAILED for an account registered with it.
#[test]
fn sign_in_takes_the_phone_as_typed() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    for typed in ["138-0013-8000", "138 0013 8000", "１３８ ００１３ ８０００", " 13800138000 "] {
        env.wallet.accounts().logout();
        env.wallet.accounts().login(&login(typed, PASSWORD)).unwrap_or_else(|e| panic!("{typed}: {:?}", e.code));
    }
}

#[test]
fn one_account_per_phone() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env.wallet.accounts().logout();
    let e = env.wallet.accounts().check_registration(&details(&P1)).unwrap_err();
    assert_eq!((e.code, e.field), (ErrorCode::PhoneTaken, Some(Field::Phone)));
    let e = env.wallet.accounts().register(&input(&P1)).unwrap_err();
    assert_eq!(e.code, ErrorCode::PhoneTaken);
    assert_eq!(account_count(&env), 1);
}

/// A change to an otherwise valid registration.
type Mutation = Box<dyn Fn(&mut tongbao_core::accounts::RegisterInput)>;

#[test]
fn every_registration_code_is_enforced_in_rust_and_nothing_is_saved() {
    let env = Env::start();
    let cases: Vec<(Mutation, ErrorCode, Field)> = vec![
        (Box::new(|i| i.details.phone = "12345".into()), ErrorCode::PhoneInvalid, Field::Phone),
        (Box::new(|i| i.details.display_name = "".into()), ErrorCode::NameInvalid, Field::DisplayName),
        (Box::new(|i| i.details.real_name = "张".into()), ErrorCode::NameInvalid, Field::RealName),
        (Box::new(|i| i.details.id_number = "110101199003071234".into()), ErrorCode::IdNumberInvalid, Field::IdNumber),
        // Born 2012-01-01 (check char computed): 14 years old on T0.
        (Box::new(|i| i.details.id_number = young_id()), ErrorCode::AgeTooYoung, Field::IdNumber),
        (
            Box::new(|i| {
                i.details.password = SecretString::new("password");
                i.details.password_confirm = SecretString::new("password");
            }),
            ErrorCode::PasswordWeak,
            Field::Password,
        ),
        (
            Box::new(|i| i.details.password_confirm = SecretString::new("Other2026!")),
            ErrorCode::PasswordMismatch,
            Field::PasswordConfirm,
        ),
        (
            Box::new(|i| {
                i.pay_password = SecretString::new("123456");
                i.pay_password_confirm = SecretString::new("123456");
            }),
            ErrorCode::PayPasswordWeak,
            Field::PayPassword,
        ),
        (
            Box::new(|i| {
                i.pay_password = SecretString::new("111111");
                i.pay_password_confirm = SecretString::new("111111");
            }),
            ErrorCode::PayPasswordWeak,
            Field::PayPassword,
        ),
        (
            Box::new(|i| i.pay_password_confirm = SecretString::new("258037")),
            ErrorCode::PasswordMismatch,
            Field::PayPasswordConfirm,
        ),
    ];
    for (mutate, code, field) in cases {
        let mut i = input(&P1);
        mutate(&mut i);
        let e = env.wallet.accounts().register(&i).unwrap_err();
        assert_eq!((e.code, e.field), (code, Some(field)), "{}", e.message);
        assert_eq!(account_count(&env), 0, "nothing saved after {code:?}");
    }
    assert!(env.wallet.accounts().status().unwrap().session.is_none());
}

fn young_id() -> String {
    let first17 = "11010120120101123";
    let c = tongbao_core::accounts::validate::id_check_char(first17.as_bytes()) as char;
    format!("{first17}{c}")
}

#[test]
fn login_failed_never_says_which_part_was_wrong() {
    let env = Env::with_p1_signed_out();
    let unknown = env.wallet.accounts().login(&login("13700137000", PASSWORD)).unwrap_err();
    let wrong = env.wallet.accounts().login(&login(P1.phone, WRONG)).unwrap_err();
    assert_eq!(unknown.code, ErrorCode::LoginFailed);
    assert_eq!(wrong.code, ErrorCode::LoginFailed);
    assert_eq!(unknown.message, wrong.message);
    assert_eq!((unknown.field, wrong.field), (None, None));
}

#[test]
fn five_wrong_passwords_lock_the_account_for_15_minutes() {
    let env = Env::with_p1_signed_out();
    assert_eq!(env.p1_wrong_logins(4), vec![ErrorCode::LoginFailed; 4]);
    let e = env.wallet.accounts().login(&login(P1.phone, WRONG)).unwrap_err();
    assert_eq!((e.code, e.until), (ErrorCode::LoginLocked, Some(T0 + 15 * MINUTE)));
    // Locked: even the right password is refused, and says until when.
    env.clock.advance(15 * MINUTE - 1);
    let e = env.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap_err();
    assert_eq!((e.code, e.until), (ErrorCode::LoginLocked, Some(T0 + 15 * MINUTE)));
    // At the end of the lock, the right password works.
    env.clock.advance(1);
    assert_eq!(env.p1_login(PASSWORD), None);
}

#[test]
fn a_lock_survives_a_restart() {
    let env = Env::with_p1_signed_out();
    env.p1_wrong_logins(5);
    let env = env.restart();
    assert_eq!(env.p1_login(PASSWORD), Some(ErrorCode::LoginLocked));
}

#[test]
fn a_success_resets_the_wrong_password_count() {
    let env = Env::with_p1_signed_out();
    env.p1_wrong_logins(4);
    assert_eq!(env.p1_login(PASSWORD), None);
    env.wallet.accounts().logout();
    assert_eq!(env.p1_wrong_logins(4), vec![ErrorCode::LoginFailed; 4]);
}

#[test]
fn after_a_lock_ends_the_count_starts_again() {
    let env = Env::with_p1_signed_out();
    env.p1_wrong_logins(5);
    env.clock.advance(16 * MINUTE);
    assert_eq!(
        env.p1_wrong_logins(1),
        vec![ErrorCode::LoginFailed],
        "one wrong password after a lock is not a new lock"
    );
}

#[test]
fn idle_session_auto_locks_after_the_setting() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env.clock.advance(4 * MINUTE);
    env.wallet.accounts().touch().unwrap();
    env.clock.advance(4 * MINUTE);
    env.wallet.accounts().profile().unwrap(); // 4 min after the last activity: still open
    env.clock.advance(5 * MINUTE);
    assert_eq!(env.wallet.accounts().profile().unwrap_err().code, ErrorCode::SessionLocked);
    assert!(env.wallet.accounts().status().unwrap().session.unwrap().locked);
    // Wrong password: still locked. Right one: open again.
    assert_eq!(env.wallet.accounts().unlock(&SecretString::new(WRONG)).unwrap_err().code, ErrorCode::LoginFailed);
    assert_eq!(env.wallet.accounts().touch().unwrap_err().code, ErrorCode::SessionLocked);
    let s = env.wallet.accounts().unlock(&SecretString::new(PASSWORD)).unwrap();
    assert!(!s.locked);
    env.wallet.accounts().profile().unwrap();
}

#[test]
fn status_reports_auto_lock_without_counting_as_activity() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    for _ in 0..4 {
        env.clock.advance(MINUTE + 15_000);
        let _ = env.wallet.accounts().status().unwrap();
    }
    assert!(env.wallet.accounts().status().unwrap().session.unwrap().locked, "polling must not keep the session open");
}

#[test]
fn auto_lock_follows_the_setting() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env.wallet.accounts().update_settings(&Settings { autolock_minutes: 1, ..Settings::default() }).unwrap();
    env.clock.advance(MINUTE);
    assert_eq!(env.wallet.accounts().touch().unwrap_err().code, ErrorCode::SessionLocked);
}

#[test]
fn wrong_unlocks_count_toward_the_lockout_and_end_the_session() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env.wallet.accounts().lock().unwrap();
    for _ in 0..4 {
        let _ = env.wallet.accounts().unlock(&SecretString::new(WRONG));
    }
    let e = env.wallet.accounts().unlock(&SecretString::new(WRONG)).unwrap_err();
    assert_eq!(e.code, ErrorCode::LoginLocked);
    assert!(env.wallet.accounts().status().unwrap().session.is_none());
    assert_eq!(env.wallet.accounts().profile().unwrap_err().code, ErrorCode::NotLoggedIn);
}

#[test]
fn each_account_sees_only_its_own_data() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    env.wallet.accounts().logout();
    assert_eq!(env.wallet.accounts().profile().unwrap_err().code, ErrorCode::NotLoggedIn);
    env.clock.advance(MINUTE);
    env.wallet.accounts().register(&input(&P2)).unwrap();
    let p = env.wallet.accounts().profile().unwrap();
    assert_eq!((p.real_name_masked.as_str(), p.phone_masked.as_str()), ("*四", "139****9000"));
    env.wallet.accounts().logout();
    env.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap();
    let p = env.wallet.accounts().profile().unwrap();
    assert_eq!(p.real_name_masked, "*三");
    assert_eq!(p.previous_login_at, Some(T0), "P1's own sign-in history, not P2's");
}

#[test]
fn accounts_and_settings_survive_a_restart() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    let s = Settings {
        language: Language::En,
        theme: Theme::Dark,
        autolock_minutes: 10,
        elder_mode: true,
        notify_details: true,
        close_to_tray: true,
    };
    env.wallet.accounts().update_settings(&s).unwrap();
    let env = env.restart();
    let st = env.wallet.accounts().status().unwrap();
    assert!(st.session.is_none(), "a restart signs out");
    assert_eq!(st.settings, s);
    env.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap();
}

#[test]
fn autolock_setting_out_of_range_is_refused() {
    let env = Env::start();
    for m in [0, 61] {
        let e = env
            .wallet
            .accounts()
            .update_settings(&Settings { autolock_minutes: m, ..Settings::default() })
            .unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::SettingInvalid, Some(Field::AutolockMinutes)));
    }
    assert_eq!(env.wallet.accounts().settings().unwrap(), Settings::default());
}

#[test]
fn passwords_are_stored_only_as_argon2id_hashes() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    let key = env.secrets.get_key();
    let conn = tongbao_core::platform::storage::open(&env.dir.path().join("wallet.db"), &key, false).unwrap();
    let (pw, pay): (String, String) = conn
        .query_row("SELECT password_hash, pay_password_hash FROM accounts", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert!(pw.starts_with("$argon2id$") && pay.starts_with("$argon2id$"));
    assert!(!pw.contains(PASSWORD) && !pay.contains(PAY_PASSWORD));
}

#[test]
fn secrets_in_inputs_are_redacted_in_debug_output() {
    let text = format!("{:?}", input(&P1));
    assert!(!text.contains(PASSWORD) && !text.contains(PAY_PASSWORD), "{text}");
}

#[test]
fn registration_needs_the_user_agreement_and_privacy_policy_accepted() {
    let env = Env::start();
    let mut unticked = input(&P1);
    unticked.details.agree = false;
    assert_eq!(
        env.wallet.accounts().check_registration(&unticked.details).unwrap_err().code,
        ErrorCode::ConsentRequired
    );
    assert_eq!(env.wallet.accounts().register(&unticked).unwrap_err().code, ErrorCode::ConsentRequired);
    assert_eq!(account_count(&env), 0);
    // A caller that leaves the member out has not accepted either.
    let mut json = serde_json::to_value(serde_json::json!({
        "phone": P1.phone, "displayName": "x", "realName": P1.real_name, "idNumber": P1.id_number,
        "password": PASSWORD, "passwordConfirm": PASSWORD
    }))
    .unwrap();
    let details: tongbao_core::accounts::RegisterDetails = serde_json::from_value(json.take()).unwrap();
    assert_eq!(env.wallet.accounts().check_registration(&details).unwrap_err().code, ErrorCode::ConsentRequired);
    env.wallet.accounts().register(&input(&P1)).unwrap();
}

// --- Lockout counters under parallel guesses: however many wrong passwords arrive at once, at
// most 4 are answered "wrong" before the lock. The count changes in one SQL statement after
// the hash check; before, 8 parallel guesses were all answered "wrong".

const THREADS: usize = 16;

/// Runs `f` on `THREADS` threads at once and returns the codes they got.
fn at_once(f: impl Fn() -> Option<ErrorCode> + Sync) -> Vec<Option<ErrorCode>> {
    let barrier = std::sync::Barrier::new(THREADS);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    f()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn count(codes: &[Option<ErrorCode>], code: ErrorCode) -> usize {
    codes.iter().filter(|c| **c == Some(code)).count()
}

#[test]
fn parallel_wrong_logins_get_at_most_four_wrong_answers_then_the_lock() {
    let env = Env::with_p1_signed_out();
    for round in 0..3 {
        let codes = at_once(|| env.p1_login(WRONG));
        let wrong = count(&codes, ErrorCode::LoginFailed);
        let locked = count(&codes, ErrorCode::LoginLocked);
        assert_eq!(wrong + locked, THREADS, "{codes:?}");
        assert!(wrong <= 4, "round {round}: {wrong} wrong answers before the lock: {codes:?}");
        assert!(locked >= THREADS - 4);
        // Even the right password waits for the lock to end.
        assert_eq!(env.p1_login(PASSWORD), Some(ErrorCode::LoginLocked));
        env.clock.advance(15 * 60_000);
    }
    assert_eq!(env.p1_login(PASSWORD), None);
}

#[test]
fn parallel_wrong_unlocks_get_at_most_four_wrong_answers_then_the_lock() {
    let env = Env::with_p1_signed_out();
    assert_eq!(env.p1_login(PASSWORD), None);
    env.wallet.accounts().lock().unwrap();
    let codes = at_once(|| env.wallet.accounts().unlock(&SecretString::new(WRONG)).err().map(|e| e.code));
    let wrong = count(&codes, ErrorCode::LoginFailed);
    assert!(wrong <= 4, "{wrong} wrong answers before the lock: {codes:?}");
    assert!(count(&codes, ErrorCode::LoginLocked) >= 1, "{codes:?}");
    // The lock ended the session.
    assert!(env.wallet.accounts().status().unwrap().session.is_none());
}
