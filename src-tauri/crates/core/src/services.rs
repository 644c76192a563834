//! What every domain operation runs on: the database connection, the clock, the keychain,
//! the bank link, the SMS sender and who is signed in. Each domain has a handle over it
//! (`accounts::Accounts`, `cards::Cards`, `money::Money`, `support::Support`) whose methods,
//! in that domain's folder, are the commands' operations; the [`crate::Wallet`] holds one
//! `Services` and hands out the handles. What stays here is shared plumbing (the session
//! check, the bank link, the database lock).
//!
//! Sits above `platform` and the domain's data types (session, checks), below every domain
//! operation: nothing here imports an operation, so the dependency graph has no loop.

use std::sync::{Arc, Mutex, MutexGuard};

use rand::RngCore;
use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::accounts::session::Session;
use crate::accounts::{self, settings};
use crate::bank::{Bank, BankResult, CallOptions, RetryPolicy, SmsGateway};
use crate::platform::clock::Clock;
use crate::platform::error::AppError;
use crate::platform::secrets::SecretStore;
use crate::support::checks::Diagnostics;

pub struct Services {
    pub(crate) db: Mutex<Connection>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secrets: Arc<dyn SecretStore>,
    pub(crate) session: Mutex<Option<Session>>,
    pub(crate) fingerprint_key: Zeroizing<Vec<u8>>,
    /// Signs receipts (电子回单): read from the keychain (or made there) the first time a
    /// receipt is issued or checked, not at start-up, which waits for no keychain call it
    /// does not need.
    pub(crate) receipt_key: Mutex<Option<Zeroizing<Vec<u8>>>>,
    pub(crate) bank: Option<BankLink>,
    /// The merchants' bank (orders, offers, refunds), called with the bank's retry policy.
    pub(crate) acquirer: Option<Arc<dyn crate::acquirer::Acquirer>>,
    /// The billers (utilities, mobile top-up), called with the bank's retry policy.
    pub(crate) biller: Option<Arc<dyn crate::biller::Biller>>,
    /// Where the wallet's own SMS (recovery codes, password-change notices) go.
    pub(crate) sms: Option<Arc<dyn SmsGateway>>,
    /// The last diagnostics run (for the support report); cleared with the cache.
    pub(crate) last_diagnostics: Mutex<Option<Diagnostics>>,
    /// What the background `PRAGMA quick_check` found: None until it has run.
    pub(crate) storage_damaged: Arc<Mutex<Option<bool>>>,
}

/// The issuing bank and how the wallet calls it.
pub(crate) struct BankLink {
    pub bank: Arc<dyn Bank>,
    pub policy: RetryPolicy,
    pub client_version: String,
}

impl Services {
    pub(crate) fn new(
        db: Connection,
        clock: Arc<dyn Clock>,
        secrets: Arc<dyn SecretStore>,
        fingerprint_key: Zeroizing<Vec<u8>>,
    ) -> Self {
        Self {
            db: Mutex::new(db),
            clock,
            secrets,
            session: Mutex::new(None),
            fingerprint_key,
            receipt_key: Mutex::new(None),
            bank: None,
            acquirer: None,
            biller: None,
            sms: None,
            last_diagnostics: Mutex::new(None),
            storage_damaged: Arc::new(Mutex::new(None)),
        }
    }

    /// The background check's verdict: Some(true) when the file is damaged.
    pub fn storage_damaged(&self) -> Option<bool> {
        *self.storage_damaged.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn bank(&self) -> Result<&BankLink, AppError> {
        self.bank.as_ref().ok_or_else(|| AppError::internal("no bank is connected"))
    }

    pub(crate) fn biller(&self) -> Result<&dyn crate::biller::Biller, AppError> {
        self.biller.as_deref().ok_or_else(|| AppError::internal("no biller is connected"))
    }

    pub(crate) fn acquirer(&self) -> Result<&dyn crate::acquirer::Acquirer, AppError> {
        self.acquirer.as_deref().ok_or_else(|| AppError::internal("no acquirer is connected"))
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock can't leave SQLite half-written (transactions roll
        // back on drop), so a poisoned lock is still safe to use.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn autolock_minutes(&self) -> Result<u32, AppError> {
        Ok(settings::load(&self.db())?.autolock_minutes)
    }

    /// The signed-in account, refusing a locked or idle session. Counts as activity.
    pub(crate) fn require_account(&self) -> Result<accounts::AccountId, AppError> {
        let minutes = self.autolock_minutes()?;
        Session::require(&mut self.session(), self.clock.now(), minutes)
    }

    /// The signed-in account, refusing a locked or idle session, without counting as activity:
    /// background work and reads news brings (an idle wallet must still lock).
    pub(crate) fn peek_account(&self) -> Result<accounts::AccountId, AppError> {
        let minutes = self.autolock_minutes()?;
        Session::peek(&mut self.session(), self.clock.now(), minutes)
    }

    pub(crate) fn call_bank<T>(
        &self,
        link: &BankLink,
        call: impl FnMut(CallOptions) -> BankResult<T>,
        on_retry: &dyn Fn(u32, u32),
    ) -> BankResult<T> {
        link.policy.run(self.clock.as_ref(), call, |n, max, f| {
            tracing::warn!(attempt = n, max, failure = ?f, "bank call failed: retrying");
            on_retry(n, max);
        })
    }
}

/// 128 random bits: the attempt's id and the bank's idempotency key.
pub(crate) fn new_attempt_id() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Declares a domain's handle: a copyable reference to the services whose methods, written in
/// `impl Name<'_>` blocks in that domain's folder, are its operations (each domain's `ops.rs`).
macro_rules! domain_handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(pub(crate) &'a $crate::services::Services);

        /// The operations run on the shared services (database, clock, keychain, bank, session).
        impl std::ops::Deref for $name<'_> {
            type Target = $crate::services::Services;

            fn deref(&self) -> &$crate::services::Services {
                self.0
            }
        }
    };
}
pub(crate) use domain_handle;
