//! Lockout counters under parallel guesses (docs/security.md): however many wrong passwords
//! arrive at once, at most 4 are answered "wrong" before the lock. The count changes in one
//! SQL statement after the hash check; before, 8 parallel guesses were all answered "wrong".

mod common;

use common::*;
use tongbao_core::platform::secrets::SecretString;
use tongbao_core::ErrorCode;

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
