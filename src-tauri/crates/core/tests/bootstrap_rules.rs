//! Start-up: the database key and the keychain (bootstrap.rs's table, row by row).

mod common;

use std::sync::Arc;

use common::*;
use tongbao_core::open_wallet;
use tongbao_core::platform::clock::FakeClock;
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::{MemoryStore, SecretStore};

#[test]
fn first_start_stores_a_random_256_bit_key_in_the_keychain() {
    let env = Env::start();
    let key = env.secrets.get("database-key").unwrap().unwrap();
    assert_eq!(key.len(), 32);
    assert!(key.iter().any(|&b| b != 0));
    let other = Env::start();
    assert_ne!(other.secrets.get("database-key").unwrap().unwrap().to_vec(), key.to_vec());
}

#[test]
fn restart_reopens_with_the_key_from_the_keychain() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    let env = env.restart();
    env.wallet.accounts().login(&login(P1.phone, PASSWORD)).unwrap();
}

#[test]
fn missing_key_with_an_existing_database_is_refused_not_replaced() {
    let env = Env::start();
    env.wallet.accounts().register(&input(&P1)).unwrap();
    let Env { dir, wallet, .. } = env;
    drop(wallet);
    let db = dir.path().join("wallet.db");
    let before = std::fs::read(&db).unwrap();
    let empty_keychain = Arc::new(MemoryStore::default());
    let e = open_wallet(dir.path(), empty_keychain.clone(), Arc::new(FakeClock::at(T0))).err().unwrap();
    assert_eq!(e.code, ErrorCode::DatabaseKeyMissing);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database is untouched");
    assert!(empty_keychain.get("database-key").unwrap().is_none(), "no new key was made");
}

#[test]
fn a_wrong_key_in_the_keychain_is_refused() {
    let env = Env::start();
    let Env { dir, wallet, secrets, .. } = env;
    drop(wallet);
    secrets.set("database-key", &[7u8; 32]).unwrap();
    let e = open_wallet(dir.path(), secrets, Arc::new(FakeClock::at(T0))).err().unwrap();
    assert_eq!(e.code, ErrorCode::DatabaseKeyMismatch);
}

#[test]
fn unavailable_or_locked_keychain_stops_start_up_with_its_code() {
    for code in [ErrorCode::KeychainUnavailable, ErrorCode::KeychainLocked] {
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(MemoryStore::default());
        *secrets.fail_with.lock().unwrap() = Some(code);
        let e = open_wallet(dir.path(), secrets, Arc::new(FakeClock::at(T0))).err().unwrap();
        assert_eq!(e.code, code);
        assert!(!dir.path().join("wallet.db").exists(), "no plaintext fallback, no database at all");
    }
}

/// A keychain that says yes but keeps nothing (what keyring's mock does).
struct Forgetful;
impl SecretStore for Forgetful {
    fn get(&self, _: &str) -> Result<Option<tongbao_core::platform::secrets::SecretBytes>, tongbao_core::AppError> {
        Ok(None)
    }
    fn set(&self, _: &str, _: &[u8]) -> Result<(), tongbao_core::AppError> {
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), tongbao_core::AppError> {
        Ok(())
    }
    fn backend(&self) -> &'static str {
        "forgetful"
    }
}

#[test]
fn a_keychain_that_does_not_keep_the_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = open_wallet(dir.path(), Arc::new(Forgetful), Arc::new(FakeClock::at(T0))).err().unwrap();
    assert_eq!(e.code, ErrorCode::KeychainUnavailable);
    assert!(!dir.path().join("wallet.db").exists());
}
