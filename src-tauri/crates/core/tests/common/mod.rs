//! Shared fixtures for the core's integration tests: the test people (`people.rs`, shared with the mock bank's
//! tests) and a wallet on a fake clock and an in-memory keychain.
#![allow(dead_code)]

use std::sync::Arc;

use tongbao_core::accounts::{LoginInput, RegisterDetails, RegisterInput};
use tongbao_core::bank::{Bank, RetryPolicy};
use tongbao_core::platform::clock::FakeClock;
use tongbao_core::platform::error::ErrorCode;
use tongbao_core::platform::secrets::{MemoryStore, SecretString};
use tongbao_core::{open_wallet, Wallet};

mod people;
pub use people::*;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub clock: Arc<FakeClock>,
    pub secrets: Arc<MemoryStore>,
    pub wallet: Wallet,
}

impl Env {
    pub fn start() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FakeClock::at(T0));
        let secrets = Arc::new(MemoryStore::default());
        Env::open(dir, clock, secrets)
    }

    fn open(dir: tempfile::TempDir, clock: Arc<FakeClock>, secrets: Arc<MemoryStore>) -> Env {
        let wallet = open_wallet(dir.path(), secrets.clone(), clock.clone()).unwrap();
        Env { dir, clock, secrets, wallet }
    }

    /// Closes and opens the wallet again on the same folder and keychain (an app restart).
    pub fn restart(self) -> Env {
        let Env { dir, clock, secrets, wallet } = self;
        drop(wallet);
        Env::open(dir, clock, secrets)
    }

    /// The same wallet connected to `bank` (retries without jitter, 2 s timeout).
    pub fn with_bank(self, bank: Arc<dyn Bank>) -> Env {
        let Env { dir, clock, secrets, wallet } = self;
        let policy = RetryPolicy { timeout_ms: 2_000, max_retries: 2, base_backoff_ms: 500, jitter_ms: 0 };
        let wallet = wallet.with_bank(bank, policy, "0.1.0").unwrap();
        Env { dir, clock, secrets, wallet }
    }

    /// A wallet where P1 has registered and signed out again.
    pub fn with_p1_signed_out() -> Env {
        let env = Env::start();
        env.wallet.accounts().register(&input(&P1)).unwrap();
        env.wallet.accounts().logout();
        env
    }

    /// Signs in as P1 with `password`; the error code, or None on success.
    pub fn p1_login(&self, password: &str) -> Option<ErrorCode> {
        self.wallet.accounts().login(&login(P1.phone, password)).err().map(|e| e.code)
    }

    /// `n` wrong passwords for P1; the codes they got.
    pub fn p1_wrong_logins(&self, n: usize) -> Vec<ErrorCode> {
        (0..n).filter_map(|_| self.p1_login(WRONG)).collect()
    }
}

pub fn details(p: &Person) -> RegisterDetails {
    RegisterDetails {
        phone: p.phone.into(),
        display_name: p.display_name.into(),
        real_name: p.real_name.into(),
        id_number: p.id_number.into(),
        password: SecretString::new(PASSWORD),
        password_confirm: SecretString::new(PASSWORD),
        agree: true,
    }
}

pub fn input(p: &Person) -> RegisterInput {
    RegisterInput {
        details: details(p),
        pay_password: SecretString::new(PAY_PASSWORD),
        pay_password_confirm: SecretString::new(PAY_PASSWORD),
    }
}

pub fn login(phone: &str, password: &str) -> LoginInput {
    LoginInput { phone: phone.into(), password: SecretString::new(password) }
}
