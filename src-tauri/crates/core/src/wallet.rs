//! The wallet facade: the one object the Tauri shell holds. Each public method is one IPC
//! command's worth of work, takes the time from the clock port, and checks the session itself.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

use std::sync::{Arc, Mutex, MutexGuard};

use rand::RngCore;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::accounts::{self, password, validate, LoginInput, Profile, RegisterDetails, RegisterInput};
use crate::bank::{Bank, BankFailure, BankResult, CallOptions, RetryPolicy, SessionProblem, VerifyCard};
use crate::binding::{self, BindStage, BindStart, BindStep, CardRecognition, CardView};
use crate::cards::{self, CardKind};
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
    pub(crate) db: Mutex<Connection>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) secrets: Arc<dyn SecretStore>,
    session: Mutex<Option<Session>>,
    pub(crate) fingerprint_key: Zeroizing<Vec<u8>>,
    bank: Option<BankLink>,
    /// Where the wallet's own SMS (recovery codes, password-change notices) go.
    pub(crate) sms: Option<Arc<dyn crate::bank::SmsGateway>>,
    /// The last diagnostics run (for the support report); cleared with the cache.
    pub(crate) last_diagnostics: Mutex<Option<crate::diagnose::Diagnostics>>,
    /// The database file, for the background integrity check.
    pub(crate) db_path: Option<std::path::PathBuf>,
    /// What the background `PRAGMA quick_check` found: None until it has run.
    storage_damaged: Arc<Mutex<Option<bool>>>,
}

/// The issuing bank and how the wallet calls it.
pub(crate) struct BankLink {
    pub bank: Arc<dyn Bank>,
    pub policy: RetryPolicy,
    pub client_version: String,
}

impl Wallet {
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
            bank: None,
            sms: None,
            last_diagnostics: Mutex::new(None),
            db_path: None,
            storage_damaged: Arc::new(Mutex::new(None)),
        }
    }

    /// Checks the database file with `PRAGMA quick_check` on a thread of its own, over a
    /// connection of its own, so start-up and commands do not wait for it (measured by the
    /// ledger benchmark at 1 M payments). A damaged file turns [`Wallet::status`] into
    /// DATABASE_DAMAGED, which the UI shows on the start-up problem screen.
    pub fn check_storage_in_background(&self) {
        let (Some(path), slot) = (self.db_path.clone(), self.storage_damaged.clone()) else { return };
        let secrets = self.secrets.clone();
        std::thread::spawn(move || {
            let damaged = match crate::bootstrap::quick_check(&path, secrets.as_ref()) {
                Ok(ok) => !ok,
                Err(e) => e.code == ErrorCode::DatabaseDamaged,
            };
            if damaged {
                tracing::error!("the wallet database is damaged (quick_check)");
            }
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(damaged);
        });
    }

    /// The background check's verdict: Some(true) when the file is damaged.
    pub fn storage_damaged(&self) -> Option<bool> {
        *self.storage_damaged.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connects the wallet to its bank, then finishes or rolls back the binding attempts a
    /// crash left open (see [`binding::resume`]).
    pub fn with_bank(
        mut self,
        bank: Arc<dyn Bank>,
        policy: RetryPolicy,
        client_version: &str,
    ) -> Result<Self, AppError> {
        let opts = CallOptions { timeout_ms: policy.timeout_ms };
        let (mut done, mut rolled_back) = binding::resume(&mut self.db(), bank.as_ref(), opts, self.clock.now(), None)?;
        let (updated, abandoned) = crate::manage::resume(&mut self.db(), bank.as_ref(), opts, self.clock.now())?;
        done += updated;
        rolled_back += abandoned;
        if done + rolled_back > 0 {
            tracing::info!(done, rolled_back, "interrupted binding attempts settled");
        }
        self.bank = Some(BankLink { bank, policy, client_version: client_version.to_owned() });
        // Payments a crash or a lost answer left unfinished: ask the bank, then post or void.
        match self.settle_payments(None) {
            Ok(0) => {}
            Ok(n) => tracing::info!(settled = n, "unfinished payments settled at start-up"),
            Err(e) => tracing::warn!(code = e.code.as_str(), "unfinished payments could not be settled yet"),
        }
        Ok(self)
    }

    /// Connects the wallet's SMS sender (the mock phone, in this app).
    pub fn with_sms(mut self, sms: Arc<dyn crate::bank::SmsGateway>) -> Self {
        self.sms = Some(sms);
        self
    }

    pub(crate) fn bank(&self) -> Result<&BankLink, AppError> {
        self.bank.as_ref().ok_or_else(|| AppError::internal("no bank is connected"))
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
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
    pub(crate) fn require_account(&self) -> Result<accounts::AccountId, AppError> {
        let minutes = self.autolock_minutes()?;
        Session::require(&mut self.session(), self.clock.now(), minutes)
    }

    fn view(&self, s: &Session) -> Result<SessionView, AppError> {
        Ok(SessionView { display_name: accounts::display_name(&self.db(), s.account_id)?, locked: s.locked })
    }

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

    /// Signs in by phone and password. Unknown phone and wrong password answer alike.
    pub fn login(&self, input: &LoginInput) -> Result<SessionView, AppError> {
        let phone = input.phone.trim();
        let creds = accounts::credentials_by_phone(&self.db(), phone)?;
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

    /// Refuses unless someone is signed in and unlocked, without counting as activity (the mock
    /// panels poll with it).
    pub fn check_session(&self) -> Result<(), AppError> {
        let minutes = self.autolock_minutes()?;
        Session::peek(&mut self.session(), self.clock.now(), minutes).map(|_| ())
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

    /// Runs `f` on the wallet's database connection: for tests and benchmarks that check the
    /// books or load data directly. Not for the app.
    #[doc(hidden)]
    pub fn with_db_for_tests<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.db())
    }

    /// Which keychain backend holds the keys (for diagnostics).
    /// The signed-in person's ID number and account phone, for the mock panels outside test
    /// mode (their own SMS and cards). Not counted as activity.
    pub fn viewer_identity(&self) -> Result<(String, String), AppError> {
        self.check_session()?;
        let id = self.session().as_ref().map(|s| s.account_id).ok_or_else(not_logged_in)?;
        let (_, id_number) = accounts::holder(&self.db(), id)?;
        let phone: String = self.db().query_row("SELECT phone FROM accounts WHERE id = ?1", [id], |r| r.get(0))?;
        Ok((id_number, phone))
    }

    pub fn keychain_backend(&self) -> &'static str {
        self.secrets.backend()
    }
}

/// Binding a card (PRODUCT.md §3). `on_retry(n, max)` is told before each automatic retry.
impl Wallet {
    /// The bank and card type of a number being typed (from 6 digits on), or None.
    pub fn recognise_card(&self, partial_number: &str) -> Option<CardRecognition> {
        cards::recognise(partial_number).map(CardRecognition::from)
    }

    /// The signed-in person's bound cards, default first.
    pub fn cards(&self) -> Result<Vec<CardView>, AppError> {
        let account = self.require_account()?;
        binding::cards(&self.db(), account, self.clock.now())
    }

    /// Checks the form, the wallet's rules (cap, duplicate, cooldown), records the attempt and
    /// asks the bank to verify the card; then sends the SMS code unless a token comes first.
    pub fn bind_start(&self, input: &BindStart, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        // Bindings an earlier crash left unreconciled (the bank was unreachable then): settle
        // them first, so the same card never gets a second agreement.
        let opts = CallOptions { timeout_ms: link.policy.timeout_ms };
        binding::resume(&mut self.db(), link.bank.as_ref(), opts, self.clock.now(), Some(account))?;
        if !input.agree {
            return Err(AppError::new(ErrorCode::ConsentRequired, "accept the quick-pay terms to bind a card"));
        }
        let pan = cards::parse_card_number(input.number.expose())?;
        let (expiry, cvv) = match pan.info.kind {
            CardKind::Credit => (
                Some(cards::parse_expiry(input.expiry.as_deref().unwrap_or(""))?),
                Some(cards::parse_cvv(input.cvv.as_ref().map(SecretString::expose).unwrap_or(""))?),
            ),
            CardKind::Debit => (None, None),
        };
        let phone = validate::phone(&input.phone)?;
        let nickname: String = input.nickname.as_deref().unwrap_or("").trim().chars().take(20).collect();
        let fp = binding::fingerprint(&self.fingerprint_key, &pan);
        let now = self.clock.now();
        let attempt_id = new_attempt_id();
        let (holder_name, holder_id) = {
            let db = self.db();
            if binding::already_bound(&db, account, &fp)? {
                return Err(AppError::new(ErrorCode::CardAlreadyBound, "this card is already bound to this account"));
            }
            if binding::live_card_count(&db, account)? >= binding::MAX_CARDS {
                return Err(AppError::new(ErrorCode::CardLimitReached, "an account holds at most 10 cards"));
            }
            if let Some(until) = binding::cooldown_until(&db, account, &fp, now)? {
                return Err(
                    AppError::new(ErrorCode::BindCooldown, "too many failed attempts for this card").until(until)
                );
            }
            let attempt = binding::NewAttempt {
                id: &attempt_id,
                account,
                fingerprint: &fp,
                pan: &pan,
                expiry,
                phone: &phone,
                nickname: &nickname,
            };
            binding::insert_attempt(&db, &attempt, now)?;
            accounts::holder(&db, account)?
        };
        let req = VerifyCard {
            pan: pan.expose(),
            holder_name: &holder_name,
            holder_id: &holder_id,
            phone: &phone,
            expiry,
            cvv: cvv.as_ref().map(|c| c.expose()),
            client_version: &link.client_version,
            request_id: &attempt_id,
        };
        let verified = self.call_bank(link, |o| link.bank.verify_card(&req, o), on_retry);
        drop(cvv); // zeroized: the CVV is never needed again
        let verified = verified.map_err(|f| self.attempt_failed(account, &attempt_id, &fp, f, true))?;
        let (needs_token, session) = binding::needs_token(&verified);
        tracing::info!(attempt = %attempt_id, bank = pan.info.bank.code(), needs_token, "card verified by the bank");
        if needs_token {
            binding::set_stage(&self.db(), &attempt_id, "token", Some(session), None, self.clock.now())?;
            return Ok(BindStep {
                attempt_id,
                stage: BindStage::Token,
                phone_masked: accounts::mask_phone(&phone),
                otp_expires_at: None,
                resend_at: None,
                issued_at: self.clock.now(),
            });
        }
        binding::set_stage(&self.db(), &attempt_id, "otp", Some(session), None, self.clock.now())?;
        self.send_code(account, link, &attempt_id, on_retry)
    }

    /// The dynamic token's code; then the SMS code is sent.
    pub fn bind_token(
        &self,
        attempt_id: &str,
        code: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage != "token" {
            return Err(AppError::new(ErrorCode::TokenInvalid, "this attempt is not waiting for a token code"));
        }
        let code = cards::parse_code(code.expose(), ErrorCode::TokenInvalid)?;
        let session = a.bank_session.clone().unwrap_or_default();
        self.call_bank(link, |o| link.bank.verify_token(&session, code.expose(), o), on_retry)
            .map_err(|f| self.attempt_failed(account, &a.id, &a.fingerprint, f, false))?;
        binding::set_stage(&self.db(), &a.id, "otp", None, None, self.clock.now())?;
        self.send_code(account, link, &a.id, on_retry)
    }

    /// Sends a new SMS code (after the 60 s countdown).
    pub fn bind_resend(&self, attempt_id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage != "otp" {
            return Err(AppError::new(ErrorCode::OtpExpired, "this attempt is not waiting for an SMS code"));
        }
        self.send_code(account, link, &a.id, on_retry)
    }

    /// The SMS code: the bank binds the card and the wallet stores it.
    pub fn bind_confirm(
        &self,
        attempt_id: &str,
        otp: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<CardView, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage == "token" {
            return Err(AppError::new(ErrorCode::TokenRequired, "enter the dynamic token's code first"));
        }
        let code = cards::parse_code(otp.expose(), ErrorCode::OtpInvalid)?;
        let session = a.bank_session.clone().unwrap_or_default();
        // Written before the call: a crash now is settled by `resume` at the next start.
        binding::set_stage(&self.db(), &a.id, "confirming", None, None, self.clock.now())?;
        match self.call_bank(link, |o| link.bank.confirm_binding(&session, code.expose(), o), on_retry) {
            Ok(b) => {
                let card_id = binding::complete(&mut self.db(), &a, &b.token, self.clock.now())?;
                tracing::info!(attempt = %a.id, card = card_id, "card bound");
                self.cards()?
                    .into_iter()
                    .find(|c| c.id == card_id)
                    .ok_or_else(|| AppError::internal("the bound card is missing"))
            }
            Err(f) => {
                let terminal = matches!(f, BankFailure::Session(SessionProblem::OtpLocked));
                // A fault may hide a confirmation that happened: stay 'confirming' so a retry
                // (or the next start) asks again under the same session.
                if matches!(f, BankFailure::Session(_)) && !terminal {
                    binding::set_stage(&self.db(), &a.id, "otp", None, None, self.clock.now())?;
                }
                Err(self.attempt_failed(account, &a.id, &a.fingerprint, f, terminal))
            }
        }
    }

    fn send_code(
        &self,
        account: accounts::AccountId,
        link: &BankLink,
        attempt_id: &str,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BindStep, AppError> {
        let (session, phone, fp) = {
            let a = binding::open_attempt(&self.db(), account, attempt_id)?;
            (a.bank_session.unwrap_or_default(), a.phone, a.fingerprint)
        };
        let sent = self
            .call_bank(link, |o| link.bank.send_otp(&session, o), on_retry)
            .map_err(|f| self.attempt_failed(account, attempt_id, &fp, f, false))?;
        Ok(BindStep {
            attempt_id: attempt_id.to_owned(),
            stage: BindStage::Otp,
            phone_masked: accounts::mask_phone(&phone),
            otp_expires_at: Some(sent.expires_at),
            resend_at: Some(sent.resend_at),
            issued_at: self.clock.now(),
        })
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

    /// Turns a bank failure into the catalogue error, counting it toward the cooldown when it
    /// was the person's (a decline or a wrong code), and ending the attempt when `terminal`.
    fn attempt_failed(
        &self,
        account: accounts::AccountId,
        attempt_id: &str,
        fp: &str,
        f: BankFailure,
        terminal: bool,
    ) -> AppError {
        let e = f.to_error();
        let now = self.clock.now();
        let db = self.db();
        let record = || -> Result<(), AppError> {
            if binding::counts_toward_cooldown(&f) {
                binding::record_failure(&db, account, fp, e.code, now)?;
            }
            if terminal {
                binding::set_stage(&db, attempt_id, "failed", None, Some(e.code.as_str()), now)?;
            }
            crate::audit::record_attempt_failure(&db, attempt_id, e.code, now)?;
            Ok(())
        };
        if let Err(storage) = record() {
            tracing::error!(code = storage.code.as_str(), "could not record a failed binding attempt");
        }
        tracing::info!(attempt = %attempt_id, code = e.code.as_str(), "binding attempt failed");
        e
    }
}

/// 128 random bits: the attempt's id and the bank's idempotency key.
pub(crate) fn new_attempt_id() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn login_failed() -> AppError {
    AppError::new(ErrorCode::LoginFailed, "the phone number or the password is wrong")
}
