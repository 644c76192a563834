//! The wallet: the one object the Tauri shell holds. It is built here (opened, connected to
//! its bank and SMS sender) and derefs to [`Services`], whose public methods — one IPC
//! command's worth of work each — are the domain operations in `accounts/`, `cards/`,
//! `money/` and `support/`; each takes the time from the clock port and checks the session
//! itself. Only this module puts them together; none of them imports it, so dependencies run
//! one way.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

mod account;
pub mod bootstrap;

use std::path::PathBuf;
use std::sync::Arc;

use crate::bank::{Bank, CallOptions, RetryPolicy, SmsGateway};
use crate::cards::{binding, manage};
use crate::platform::error::{AppError, ErrorCode};
use crate::services::{BankLink, Services};

pub use crate::accounts::signin::AppStatus;

pub struct Wallet {
    svc: Services,
    /// The database file, for the background integrity check.
    db_path: Option<PathBuf>,
}

impl Wallet {
    pub(crate) fn new(svc: Services, db_path: Option<PathBuf>) -> Self {
        Self { svc, db_path }
    }

    /// Checks the database file with `PRAGMA quick_check` on a thread of its own, over a
    /// connection of its own, so start-up and commands do not wait for it (measured by the
    /// ledger benchmark at 1 M payments). A damaged file turns [`Wallet::status`] into
    /// DATABASE_DAMAGED, which the UI shows on the start-up problem screen.
    pub fn check_storage_in_background(&self) {
        self.check_storage_then(|_| {});
    }

    /// [`Self::check_storage_in_background`], then `done(damaged)` on the check's thread (the
    /// shell tells the UI at once instead of the UI asking).
    pub fn check_storage_then(&self, done: impl FnOnce(bool) + Send + 'static) {
        let (Some(path), slot) = (self.db_path.clone(), self.svc.storage_damaged.clone()) else { return };
        let secrets = self.svc.secrets.clone();
        std::thread::spawn(move || {
            let damaged = match bootstrap::quick_check(&path, secrets.as_ref()) {
                Ok(ok) => !ok,
                Err(e) => e.code == ErrorCode::DatabaseDamaged,
            };
            if damaged {
                tracing::error!("the wallet database is damaged (quick_check)");
            }
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(damaged);
            done(damaged);
        });
    }

    /// Connects the wallet to its bank, then finishes or rolls back the binding attempts a
    /// crash left open (see [`binding::resume`]) and settles unfinished payments.
    pub fn with_bank(
        mut self,
        bank: Arc<dyn Bank>,
        policy: RetryPolicy,
        client_version: &str,
    ) -> Result<Self, AppError> {
        let svc = &mut self.svc;
        let opts = CallOptions { timeout_ms: policy.timeout_ms };
        let (mut done, mut rolled_back) = binding::resume(&mut svc.db(), bank.as_ref(), opts, svc.clock.now(), None)?;
        let (updated, abandoned) = manage::resume(&mut svc.db(), bank.as_ref(), opts, svc.clock.now())?;
        done += updated;
        rolled_back += abandoned;
        if done + rolled_back > 0 {
            tracing::info!(done, rolled_back, "interrupted binding attempts settled");
        }
        svc.bank = Some(BankLink { bank, policy, client_version: client_version.to_owned() });
        // Payments a crash or a lost answer left unfinished: ask the bank, then post or void.
        match svc.settle_payments(None) {
            Ok(0) => {}
            Ok(n) => tracing::info!(settled = n, "unfinished payments settled at start-up"),
            Err(e) => tracing::warn!(code = e.code.as_str(), "unfinished payments could not be settled yet"),
        }
        Ok(self)
    }

    /// Connects the wallet's SMS sender (the mock phone, in this app).
    pub fn with_sms(mut self, sms: Arc<dyn SmsGateway>) -> Self {
        self.svc.sms = Some(sms);
        self
    }
}

/// The operations: `wallet.pay(…)`, `wallet.login(…)` … are [`Services`]' public methods.
impl std::ops::Deref for Wallet {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.svc
    }
}
