//! The facade's accounts commands, each forwarded to its operation in `crate::accounts`.

use rusqlite::Connection;

use super::Wallet;
use crate::accounts::security::{
    ChangePassword, CloseAccount, RecoverStart, RecoveryCard, RecoveryCode, RecoveryFinish, RecoveryIdentity,
    RecoveryRef, RecoveryStep, SecurityOverview,
};
use crate::accounts::session::SessionView;
use crate::accounts::settings::Settings;
use crate::accounts::signin::AppStatus;
use crate::accounts::{LoginInput, Profile, RegisterDetails, RegisterInput};
use crate::platform::error::AppError;
use crate::platform::secrets::SecretString;

impl Wallet {
    /// Who is signed in (applying auto-lock, but not counting as activity) and the settings.
    pub fn status(&self) -> Result<AppStatus, AppError> {
        self.svc.status()
    }

    /// The first registration step, checked before the payment password is asked for.
    pub fn check_registration(&self, d: &RegisterDetails) -> Result<(), AppError> {
        self.svc.check_registration(d)
    }

    /// Creates the account with both passwords in one statement and signs the person in.
    pub fn register(&self, input: &RegisterInput) -> Result<SessionView, AppError> {
        self.svc.register(input)
    }

    /// Signs in by phone and password.
    pub fn login(&self, input: &LoginInput) -> Result<SessionView, AppError> {
        self.svc.login(input)
    }

    /// Unlocks a locked session with the account's password.
    pub fn unlock(&self, password: &SecretString) -> Result<SessionView, AppError> {
        self.svc.unlock(password)
    }

    /// Locks the session now (the person steps away).
    pub fn lock(&self) -> Result<(), AppError> {
        self.svc.lock()
    }

    pub fn logout(&self) {
        self.svc.logout()
    }

    /// Refuses unless someone is signed in and unlocked, without counting as activity (the mock
    /// panels poll with it).
    pub fn check_session(&self) -> Result<(), AppError> {
        self.svc.check_session()
    }

    /// The person did something in the UI: keeps the session from auto-locking.
    pub fn touch(&self) -> Result<(), AppError> {
        self.svc.touch()
    }

    /// The signed-in person's own profile.
    pub fn profile(&self) -> Result<Profile, AppError> {
        self.svc.profile()
    }

    pub fn settings(&self) -> Result<Settings, AppError> {
        self.svc.settings()
    }

    pub fn update_settings(&self, s: &Settings) -> Result<Settings, AppError> {
        self.svc.update_settings(s)
    }

    /// Runs `f` on the wallet's database connection: for tests and benchmarks that check the
    /// books or load data directly.
    #[doc(hidden)]
    pub fn with_db_for_tests<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        self.svc.with_db_for_tests(f)
    }

    /// Which keychain backend holds the keys (for diagnostics).
    pub fn viewer_identity(&self) -> Result<(String, String), AppError> {
        self.svc.viewer_identity()
    }

    pub fn keychain_backend(&self) -> &'static str {
        self.svc.keychain_backend()
    }

    /// Changes the login password: the current one is checked under the login lockout.
    pub fn change_password(&self, input: &ChangePassword) -> Result<(), AppError> {
        self.svc.change_password(input)
    }

    /// Changes the payment password: the current one is checked under the payment lockout.
    pub fn change_pay_password(&self, input: &ChangePassword) -> Result<(), AppError> {
        self.svc.change_pay_password(input)
    }

    /// Starts recovering a login password: an SMS code to the phone.
    pub fn recover_start(&self, input: &RecoverStart) -> Result<RecoveryStep, AppError> {
        self.svc.recover_start(input)
    }

    pub fn recover_resend(&self, input: &RecoveryRef) -> Result<RecoveryStep, AppError> {
        self.svc.recover_resend(input)
    }

    pub fn recover_code(&self, input: &RecoveryCode) -> Result<RecoveryStep, AppError> {
        self.svc.recover_code(input)
    }

    /// The identity step: the account's real name and ID number.
    pub fn recover_identity(&self, input: &RecoveryIdentity) -> Result<RecoveryStep, AppError> {
        self.svc.recover_identity(input)
    }

    /// The last step: the new login password (the registration rules; not the old one).
    pub fn recover_finish(&self, input: &RecoveryFinish) -> Result<(), AppError> {
        self.svc.recover_finish(input)
    }

    /// Starts recovering the payment password of the signed-in person: an SMS code to the account
    /// phone.
    pub fn pay_recover_start(&self) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_start()
    }

    pub fn pay_recover_resend(&self, input: &RecoveryRef) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_resend(input)
    }

    /// The account phone's code: next, a bound card (or the ID number with no card bound).
    pub fn pay_recover_code(&self, input: &RecoveryCode) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_code(input)
    }

    /// The number of one of the person's bound cards: the bank checks it and sends its SMS code
    /// to the card's reserved phone.
    pub fn pay_recover_card(
        &self,
        input: &RecoveryCard,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_card(input, on_retry)
    }

    /// The bank's SMS code for that card.
    pub fn pay_recover_card_code(
        &self,
        input: &RecoveryCode,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_card_code(input, on_retry)
    }

    /// With no card bound: the account's ID number.
    pub fn pay_recover_identity(&self, input: &RecoveryIdentity) -> Result<RecoveryStep, AppError> {
        self.svc.pay_recover_identity(input)
    }

    /// The new payment password, twice: ends a payment lock.
    pub fn pay_recover_finish(&self, input: &RecoveryFinish) -> Result<(), AppError> {
        self.svc.pay_recover_finish(input)
    }

    /// The last 20 sign-ins and failed attempts, and the security events.
    pub fn security_overview(&self) -> Result<SecurityOverview, AppError> {
        self.svc.security_overview()
    }

    /// Closes the signed-in person's account: only with a zero balance and nothing pending
    /// (ACCOUNT_NOT_EMPTY says which in `detail`), after the login password.
    pub fn close_account(&self, input: &CloseAccount, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        self.svc.close_account(input, on_retry)
    }

    /// Phones with a login-password recovery under way in this app (the mock phone shows their
    /// SMS to a person who is not signed in: it stands in for their phone while they recover).
    pub fn recovering_phones(&self) -> Result<Vec<String>, AppError> {
        self.svc.recovering_phones()
    }
}
