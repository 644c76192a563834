//! The wallet facade: the one object the Tauri shell holds. Each public method is one IPC
//! command's worth of work, takes the time from the clock port, and checks the session itself.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::accounts::{
    self, password, validate, LoginInput, Profile, RegisterDetails, RegisterInput,
};
use crate::clock::Clock;
use crate::error::{AppError, ErrorCode, Field};
use crate::secrets::{SecretStore, SecretString};
use crate::session::{not_logged_in, Session, SessionView};
use crate::settings::{self, Settings};

/// What the UI needs at start and after every wake-up: who is signed in, and the preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub session: Option<SessionView>,
    pub settings: Settings,
}

pub struct Wallet {
    db: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    secrets: Arc<dyn SecretStore>,
    session: Mutex<Option<Session>>,
}

impl Wallet {
    pub(crate) fn new(
        db: Connection,
        clock: Arc<dyn Clock>,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        Self {
            db: Mutex::new(db),
            clock,
            secrets,
            session: Mutex::new(None),
        }
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock can't leave SQLite half-written (transactions roll
        // back on drop), so a poisoned lock is still safe to use.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn autolock_minutes(&self) -> Result<u32, AppError> {
        Ok(settings::load(&self.db())?.autolock_minutes)
    }

    /// The signed-in account, refusing a locked or idle session. Counts as activity.
    fn require_account(&self) -> Result<accounts::AccountId, AppError> {
        let minutes = self.autolock_minutes()?;
        Session::require(&mut self.session(), self.clock.now(), minutes)
    }

    fn view(&self, s: &Session) -> Result<SessionView, AppError> {
        Ok(SessionView {
            display_name: accounts::display_name(&self.db(), s.account_id)?,
            locked: s.locked,
        })
    }

    /// Who is signed in (applying auto-lock, but not counting as activity) and the settings.
    pub fn status(&self) -> Result<AppStatus, AppError> {
        let settings = settings::load(&self.db())?;
        let mut slot = self.session();
        let session = match slot.as_mut() {
            Some(s) => {
                s.apply_autolock(self.clock.now(), settings.autolock_minutes);
                Some(self.view(s)?)
            }
            None => None,
        };
        Ok(AppStatus { session, settings })
    }

    /// The first registration step, checked before the payment password is asked for.
    pub fn check_registration(&self, d: &RegisterDetails) -> Result<(), AppError> {
        let valid = accounts::validate_details(d, self.clock.now())?;
        if accounts::phone_taken(&self.db(), &valid.phone)? {
            return Err(accounts::phone_taken_error());
        }
        Ok(())
    }

    /// Creates the account with both passwords in one statement and signs the person in.
    pub fn register(&self, input: &RegisterInput) -> Result<SessionView, AppError> {
        let now = self.clock.now();
        let valid = accounts::validate_details(&input.details, now)?;
        validate::pay_password(input.pay_password.expose())?;
        validate::confirmed(
            input.pay_password.expose(),
            input.pay_password_confirm.expose(),
            Field::PayPasswordConfirm,
        )?;
        if accounts::phone_taken(&self.db(), &valid.phone)? {
            return Err(accounts::phone_taken_error());
        }
        let pw_hash = password::hash(input.details.password.expose())?;
        let pay_hash = password::hash(input.pay_password.expose())?;
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let id = accounts::insert(&tx, &valid, &pw_hash, &pay_hash, now)?;
            accounts::record_success(&tx, id, now)?;
            tx.commit()?;
            id
        };
        tracing::info!(account = id, "account registered");
        self.start_session(id, now)
    }

    fn start_session(&self, id: accounts::AccountId, now: i64) -> Result<SessionView, AppError> {
        let s = Session::start(id, now);
        let view = self.view(&s)?;
        *self.session() = Some(s);
        Ok(view)
    }

    /// Checks a password against an account, applying the lockout rule. `Ok(())` when right.
    fn check_password(
        &self,
        creds: &accounts::Credentials,
        pw: &SecretString,
    ) -> Result<(), AppError> {
        let now = self.clock.now();
        if let Some(until) = accounts::active_lock(creds, now) {
            return Err(accounts::locked_error(until));
        }
        if password::verify(pw.expose(), &creds.password_hash) {
            return Ok(());
        }
        match accounts::record_failure(&self.db(), creds, self.clock.now())? {
            Some(until) => {
                tracing::warn!(
                    account = creds.id,
                    "account locked after repeated wrong passwords"
                );
                Err(accounts::locked_error(until))
            }
            None => Err(login_failed()),
        }
    }

    /// Signs in by phone and password. Unknown phone and wrong password answer alike.
    pub fn login(&self, input: &LoginInput) -> Result<SessionView, AppError> {
        let phone = input.phone.trim();
        let creds = accounts::credentials_by_phone(&self.db(), phone)?;
        let Some(creds) = creds else {
            password::verify_against_dummy(input.password.expose());
            return Err(login_failed());
        };
        self.check_password(&creds, &input.password)?;
        let now = self.clock.now();
        accounts::record_success(&self.db(), creds.id, now)?;
        tracing::info!(account = creds.id, "signed in");
        self.start_session(creds.id, now)
    }

    /// Unlocks a locked session with the account's password. Wrong passwords count toward the
    /// account lockout; when it locks, the session ends.
    pub fn unlock(&self, password: &SecretString) -> Result<SessionView, AppError> {
        let id = self
            .session()
            .as_ref()
            .map(|s| s.account_id)
            .ok_or_else(not_logged_in)?;
        let creds = accounts::credentials_by_id(&self.db(), id)?.ok_or_else(not_logged_in)?;
        if let Err(e) = self.check_password(&creds, password) {
            if e.code == ErrorCode::LoginLocked {
                *self.session() = None;
            }
            return Err(e);
        }
        let now = self.clock.now();
        let mut slot = self.session();
        let s = slot.as_mut().ok_or_else(not_logged_in)?;
        s.locked = false;
        s.last_activity = now;
        let view = self.view(s)?;
        Ok(view)
    }

    /// Locks the session now (the person steps away).
    pub fn lock(&self) -> Result<(), AppError> {
        self.session().as_mut().ok_or_else(not_logged_in)?.locked = true;
        Ok(())
    }

    pub fn logout(&self) {
        if self.session().take().is_some() {
            tracing::info!("signed out");
        }
    }

    /// The person did something in the UI: keeps the session from auto-locking.
    pub fn touch(&self) -> Result<(), AppError> {
        self.require_account().map(|_| ())
    }

    /// The signed-in person's own profile. No account id is taken from the caller: the
    /// session decides whose data is read.
    pub fn profile(&self) -> Result<Profile, AppError> {
        let id = self.require_account()?;
        accounts::profile(&self.db(), id)
    }

    pub fn settings(&self) -> Result<Settings, AppError> {
        settings::load(&self.db())
    }

    pub fn update_settings(&self, s: &Settings) -> Result<Settings, AppError> {
        settings::save(&mut self.db(), s)
    }

    /// Which keychain backend holds the keys (for diagnostics).
    pub fn keychain_backend(&self) -> &'static str {
        self.secrets.backend()
    }
}

fn login_failed() -> AppError {
    AppError::new(
        ErrorCode::LoginFailed,
        "the phone number or the password is wrong",
    )
}
