//! The wallet: the one object the Tauri shell holds. It is built here (opened, connected to
//! its bank and SMS sender) and hands out one handle per domain — `wallet.accounts()`,
//! `.cards()`, `.money()`, `.support()` — whose methods, one IPC command's worth of work each,
//! are written in that domain's folder (`impl Cards<'_>` blocks in `cards/`, and so on); each
//! takes the time from the clock port and checks the session itself. What needs several
//! domains at once (closing an account, the security overview) is a method of the wallet
//! itself, in `account.rs`. Only this module puts the domains together; none of them imports
//! it, so dependencies run one way.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

mod account;
pub mod bootstrap;

use std::path::PathBuf;
use std::sync::Arc;

use crate::accounts::ops::Accounts;
use crate::bank::{Bank, CallOptions, RetryPolicy, SmsGateway};
use crate::cards::ops::Cards;
use crate::cards::{binding, manage};
use crate::money::ops::Money;
use crate::platform::error::{AppError, ErrorCode};
use crate::services::{BankLink, Services};
use crate::support::ops::Support;

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
        let (mut done, mut rolled_back) = binding::resume(&|| svc.db(), bank.as_ref(), opts, svc.clock.now(), None)?;
        let (updated, abandoned) = manage::resume(&mut svc.db(), bank.as_ref(), opts, svc.clock.now())?;
        done += updated;
        rolled_back += abandoned;
        if done + rolled_back > 0 {
            tracing::info!(done, rolled_back, "interrupted binding attempts settled");
        }
        svc.bank = Some(BankLink { bank, policy, client_version: client_version.to_owned() });
        // Payments a crash or a lost answer left unfinished: ask the bank, then post or void.
        match Money(svc).settle_payments(None) {
            Ok(0) => {}
            Ok(n) => tracing::info!(settled = n, "unfinished payments settled at start-up"),
            Err(e) => tracing::warn!(code = e.code.as_str(), "unfinished payments could not be settled yet"),
        }
        Ok(self)
    }

    /// Connects the merchants' bank. Before [`Self::with_bank`], whose start-up settlement
    /// asks the acquirer about merchant payments a crash left unanswered.
    pub fn with_acquirer(mut self, acquirer: Arc<dyn crate::acquirer::Acquirer>) -> Self {
        self.svc.acquirer = Some(acquirer);
        self
    }

    /// Connects the billers. Before [`Self::with_bank`], whose start-up settlement asks them
    /// about bill payments a crash left unanswered.
    pub fn with_biller(mut self, biller: Arc<dyn crate::biller::Biller>) -> Self {
        self.svc.biller = Some(biller);
        self
    }

    /// Connects the wallet's SMS sender (the mock phone, in this app).
    pub fn with_sms(mut self, sms: Arc<dyn SmsGateway>) -> Self {
        self.svc.sms = Some(sms);
        self
    }
}

/// The operations, by domain: each handle's methods live in its domain's folder.
impl Wallet {
    /// Signing up and in, the session, settings, passwords and their recovery (`accounts/`).
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts(&self.svc)
    }

    /// Binding, the cards, card updates and unbinding (`cards/`).
    pub fn cards(&self) -> Cards<'_> {
        Cards(&self.svc)
    }

    /// The balance, payments and their history (`money/`).
    pub fn money(&self) -> Money<'_> {
        Money(&self.svc)
    }

    /// Diagnostics, the cache and the support report (`support/`).
    pub fn support(&self) -> Support<'_> {
        Support(&self.svc)
    }

    /// What the background database check found: Some(true) when the file is damaged.
    pub fn storage_damaged(&self) -> Option<bool> {
        self.svc.storage_damaged()
    }

    /// Fails SESSION_EXPIRED (or LOCKED) unless someone is signed in and the session is live.
    pub fn check_session(&self) -> Result<(), AppError> {
        self.svc.check_session()
    }

    /// Where the database key is kept (the keychain's name, for the support report and tests).
    pub fn keychain_backend(&self) -> &'static str {
        self.svc.keychain_backend()
    }

    /// The signed-in person's real name and ID number, for the mock bank's viewer.
    pub fn viewer_identity(&self) -> Result<(String, String), AppError> {
        self.svc.viewer_identity()
    }

    /// Runs `f` on the database connection (tests only: reading what a rule left behind).
    pub fn with_db_for_tests<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        self.svc.with_db_for_tests(f)
    }
}
