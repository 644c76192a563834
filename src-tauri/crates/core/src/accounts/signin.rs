//! Signing up and in: registration, login with its lockout, unlock, lock, logout, the
//! profile and the installation's settings, as operations on [`Services`].

//! The wallet facade: the one object the Tauri shell holds. Each public method is one IPC
//! command's worth of work, takes the time from the clock port, and checks the session itself.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::accounts::ops::Accounts;
use crate::accounts::session::{not_logged_in, Session, SessionView};
use crate::accounts::settings::{self, Settings};
use crate::accounts::{self, password, validate, LoginInput, Profile, RegisterDetails, RegisterInput};
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode, Field};
use crate::platform::secrets::SecretString;
use crate::services::Services;

/// What the UI needs at start and after every wake-up: who is signed in, and the preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub session: Option<SessionView>,
    pub settings: Settings,
}

impl Services {
    fn view(&self, s: &Session) -> Result<SessionView, AppError> {
        let db = self.db();
        let hide_amounts =
            db.query_row("SELECT hide_amounts FROM accounts WHERE id = ?1", [s.account_id], |r| r.get(0))?;
        Ok(SessionView { display_name: accounts::display_name(&db, s.account_id)?, locked: s.locked, hide_amounts })
    }

    fn start_session(&self, id: accounts::AccountId, now: i64) -> Result<SessionView, AppError> {
        let s = Session::start(id, now);
        let view = self.view(&s)?;
        *self.session() = Some(s);
        Ok(view)
    }

    /// Checks a password against an account, applying the lockout rule. `Ok(())` when right.
    /// The count changes in one SQL statement after the (slow) hash check, so parallel guesses
    /// get at most 4 "wrong" answers before the lock.
    pub(crate) fn check_password_for(&self, creds: &accounts::Credentials, pw: &SecretString) -> Result<(), AppError> {
        let lockout = &accounts::LOGIN_LOCKOUT;
        if let Some(until) = lockout.active(&self.db(), creds.id, self.clock.now())? {
            return Err(accounts::locked_error(until));
        }
        if password::verify(pw.expose(), &creds.password_hash) {
            return lockout.succeed(&self.db(), creds.id, self.clock.now())?.map_err(accounts::locked_error);
        }
        let now = self.clock.now();
        let db = self.db();
        match lockout.fail(&db, creds.id, now)? {
            accounts::Counted::Locked(until) => {
                accounts::log_event(&db, creds.id, now, "locked")?;
                tracing::warn!(account = creds.id, "account locked after repeated wrong passwords");
                Err(accounts::locked_error(until))
            }
            // No tries left here: an unknown phone must answer the same (no enumeration).
            accounts::Counted::Wrong { .. } => {
                accounts::log_event(&db, creds.id, now, "failed")?;
                Err(login_failed())
            }
        }
    }

    /// Refuses unless someone is signed in and unlocked, without counting as activity (the mock
    /// panels poll with it).
    pub fn check_session(&self) -> Result<(), AppError> {
        let minutes = self.autolock_minutes()?;
        Session::peek(&mut self.session(), self.clock.now(), minutes).map(|_| ())
    }

    /// Runs `f` on the wallet's database connection: for tests and benchmarks that check the
    /// books or load data directly. Not for the app.
    #[doc(hidden)]
    pub fn with_db_for_tests<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.db())
    }

    /// The signed-in person's ID number and account phone, for the mock panels outside test
    /// mode (their own SMS and cards). Not counted as activity.
    pub fn viewer_identity(&self) -> Result<(String, String), AppError> {
        self.check_session()?;
        let id = self.session().as_ref().map(|s| s.account_id).ok_or_else(not_logged_in)?;
        let (_, id_number) = accounts::holder(&self.db(), id)?;
        let phone: String = self.db().query_row("SELECT phone FROM accounts WHERE id = ?1", [id], |r| r.get(0))?;
        Ok((id_number, phone))
    }

    /// Which keychain backend holds the keys (for diagnostics).
    pub fn keychain_backend(&self) -> &'static str {
        self.secrets.backend()
    }
}

impl Accounts<'_> {
    /// Who is signed in (applying auto-lock, but not counting as activity) and the settings.
    pub fn status(&self) -> Result<AppStatus, AppError> {
        if self.storage_damaged() == Some(true) {
            return Err(AppError::new(
                ErrorCode::DatabaseDamaged,
                "the wallet database is damaged (quick_check failed)",
            ));
        }
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

    /// How long until the signed-in session locks by itself, or None when no session is active
    /// (signed out or locked). The shell sleeps that long and then asks `status`, which locks
    /// it: the UI is told instead of polling.
    pub fn lock_due_in(&self) -> Result<Option<Millis>, AppError> {
        let minutes = self.autolock_minutes()?;
        let now = self.clock.now();
        Ok(self.session().as_ref().filter(|s| !s.locked).map(|s| s.locks_at(minutes) - now))
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

    /// Signs in by phone and password. Unknown phone and wrong password answer alike.
    pub fn login(&self, input: &LoginInput) -> Result<SessionView, AppError> {
        // As typed: spaces, dashes, full-width digits (an invalid phone simply matches nothing,
        // answered like a wrong password).
        let phone = crate::platform::text::compact(&input.phone);
        let creds = accounts::credentials_by_phone(&self.db(), &phone)?;
        let Some(creds) = creds else {
            password::verify_against_dummy(input.password.expose());
            return Err(login_failed());
        };
        self.check_password_for(&creds, &input.password)?;
        let now = self.clock.now();
        accounts::record_success(&self.db(), creds.id, now)?;
        tracing::info!(account = creds.id, "signed in");
        self.start_session(creds.id, now)
    }

    /// Unlocks a locked session with the account's password. Wrong passwords count toward the
    /// account lockout; when it locks, the session ends.
    pub fn unlock(&self, password: &SecretString) -> Result<SessionView, AppError> {
        let id = self.session().as_ref().map(|s| s.account_id).ok_or_else(not_logged_in)?;
        let creds = accounts::credentials_by_id(&self.db(), id)?.ok_or_else(not_logged_in)?;
        if let Err(e) = self.check_password_for(&creds, password) {
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

    /// 隐藏金额 on or off for the signed-in account (kept with the account, across restarts).
    pub fn set_hide_amounts(&self, hidden: bool) -> Result<(), AppError> {
        let id = self.require_account()?;
        self.db().execute("UPDATE accounts SET hide_amounts = ?2 WHERE id = ?1", rusqlite::params![id, hidden])?;
        Ok(())
    }
}

fn login_failed() -> AppError {
    AppError::new(ErrorCode::LoginFailed, "the phone number or the password is wrong")
}
