//! The one catalogue of stable error codes (docs/security.md and the infrastructure codes).
//!
//! Across IPC an error is `{code, message, field?, until?}`; the UI maps `code` to localised
//! text and `field` to the input it is about. `message` is English for logs and developers and
//! never carries a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares the catalogue once: the enum, its wire names and the list of all codes.
macro_rules! catalogue {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, )*) => {
        /// Stable codes. Never rename one: tests, the UI and testers' scripts match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in catalogue order: the UI and docs are checked against this list.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it appears on the wire and in `data-error-code`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }

            /// The code of a wire name, or None.
            pub fn from_wire(s: &str) -> Option<ErrorCode> {
                match s {
                    $($wire => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

catalogue! {
    // Accounts (docs/security.md)
    PhoneInvalid = "PHONE_INVALID",
    PhoneTaken = "PHONE_TAKEN",
    NameInvalid = "NAME_INVALID",
    IdNumberInvalid = "ID_NUMBER_INVALID",
    AgeTooYoung = "AGE_TOO_YOUNG",
    PasswordWeak = "PASSWORD_WEAK",
    PasswordMismatch = "PASSWORD_MISMATCH",
    PayPasswordWeak = "PAY_PASSWORD_WEAK",
    LoginFailed = "LOGIN_FAILED",
    LoginLocked = "LOGIN_LOCKED",
    SessionLocked = "SESSION_LOCKED",
    // Account and security center
    /// A new password equal to the current one.
    PasswordSameAsOld = "PASSWORD_SAME_AS_OLD",
    /// Recovery's identity check failed (never says which part).
    IdentityMismatch = "IDENTITY_MISMATCH",
    /// 5 wrong identity checks: recovery for that phone is locked for 15 minutes.
    RecoveryLocked = "RECOVERY_LOCKED",
    /// An account with money or a pending payment can't be closed (`detail`: balance / pending).
    AccountNotEmpty = "ACCOUNT_NOT_EMPTY",
    /// A command that needs a signed-in person was called without one.
    NotLoggedIn = "NOT_LOGGED_IN",
    /// A setting value outside its allowed range.
    SettingInvalid = "SETTING_INVALID",
    // Binding a card (docs/features.md, binding a card, the failure catalogue)
    CardNumberInvalid = "CARD_NUMBER_INVALID",
    ExpiryMismatch = "EXPIRY_MISMATCH",
    CvvMismatch = "CVV_MISMATCH",
    PhoneMismatch = "PHONE_MISMATCH",
    HolderMismatch = "HOLDER_MISMATCH",
    NetworkTimeout = "NETWORK_TIMEOUT",
    NetworkOffline = "NETWORK_OFFLINE",
    BankUnavailable = "BANK_UNAVAILABLE",
    BankSystemError = "BANK_SYSTEM_ERROR",
    EpayDisabled = "EPAY_DISABLED",
    CardRestricted = "CARD_RESTRICTED",
    UpgradeRequired = "UPGRADE_REQUIRED",
    TokenRequired = "TOKEN_REQUIRED",
    TokenInvalid = "TOKEN_INVALID",
    OtpInvalid = "OTP_INVALID",
    OtpExpired = "OTP_EXPIRED",
    OtpLocked = "OTP_LOCKED",
    CardExpired = "CARD_EXPIRED",
    BankNotSupported = "BANK_NOT_SUPPORTED",
    CardTypeNotSupported = "CARD_TYPE_NOT_SUPPORTED",
    CardNotActivated = "CARD_NOT_ACTIVATED",
    CardLost = "CARD_LOST",
    /// The card was replaced by a new one (换卡) and cancelled: `last4` names the new card.
    CardReplaced = "CARD_REPLACED",
    /// The card has the bank's maximum number of quick-pay agreements with payment institutions.
    BankAgreementLimit = "BANK_AGREEMENT_LIMIT",
    /// A `tongbao://bind/callback` that is malformed, not this wallet's request (`state`), or
    /// whose code is used, expired or another person's: nothing is bound.
    BindCallbackInvalid = "BIND_CALLBACK_INVALID",
    CardAlreadyBound = "CARD_ALREADY_BOUND",
    CardLimitReached = "CARD_LIMIT_REACHED",
    BindCooldown = "BIND_COOLDOWN",
    /// The quick-pay terms were not accepted.
    ConsentRequired = "CONSENT_REQUIRED",
    /// A new SMS code was asked for before the 60 s countdown ended.
    OtpResendTooSoon = "OTP_RESEND_TOO_SOON",
    // Card management and troubleshooting (docs/features.md, managing cards, §5)
    /// No such card among the signed-in person's bound cards.
    CardNotFound = "CARD_NOT_FOUND",
    /// An edit that changes nothing, or an expiry for a debit card.
    CardEditInvalid = "CARD_EDIT_INVALID",
    /// The device's clock is far from the bank's (codes and sessions fail).
    ClockWrong = "CLOCK_WRONG",
    /// An export (support report, CSV, receipt) could not be written where the person chose, or
    /// a receipt could not be drawn (no CJK font on the system).
    ExportFailed = "EXPORT_FAILED",
    // Payment password (docs/features.md, money)
    PayPasswordWrong = "PAY_PASSWORD_WRONG",
    PayPasswordLocked = "PAY_PASSWORD_LOCKED",
    // Money (docs/features.md, money)
    InsufficientFunds = "INSUFFICIENT_FUNDS",
    LimitExceeded = "LIMIT_EXCEEDED",
    FrequencyExceeded = "FREQUENCY_EXCEEDED",
    PayeeNotFound = "PAYEE_NOT_FOUND",
    PayeeNameMismatch = "PAYEE_NAME_MISMATCH",
    /// The payee's bank found a name one character off: a question (确认是此人 / 修改), asked
    /// until the payer confirms the bank's masked name (`detail`: that name).
    PayeeNameCloseMatch = "PAYEE_NAME_CLOSE_MATCH",
    /// The payee account is reported for fraud (涉诈账户): refused, with 96110's advice.
    PayeeReported = "PAYEE_REPORTED",
    /// The payee's name could not be checked: only 2-hour or next-day arrival (revocable).
    PayeeCheckUnavailable = "PAYEE_CHECK_UNAVAILABLE",
    /// ¥5,000 or more to a payee never paid before: the purpose must be given first.
    PurposeRequired = "PURPOSE_REQUIRED",
    /// Within 24 hours after a password change or recovery: an SMS code on top of the payment
    /// password (`pay_step_up_send` sends it).
    StepUpRequired = "STEP_UP_REQUIRED",
    /// A transfer note over 20 characters, or with control characters.
    NoteInvalid = "NOTE_INVALID",
    SelfTransfer = "SELF_TRANSFER",
    AmountInvalid = "AMOUNT_INVALID",
    /// No such payment among the signed-in person's.
    PaymentNotFound = "PAYMENT_NOT_FOUND",
    /// Only a delayed transfer that has not posted can be revoked.
    PaymentNotRevocable = "PAYMENT_NOT_REVOCABLE",
    // Merchants (docs/features.md, merchants)
    /// Not a payment link of this wallet, or one whose merchant signature does not match (a
    /// parameter was changed).
    LinkInvalid = "LINK_INVALID",
    /// The acquirer has no such order.
    OrderNotFound = "ORDER_NOT_FOUND",
    /// The order's 15 minutes have passed: the merchant makes a new one.
    OrderExpired = "ORDER_EXPIRED",
    /// The order is paid already (by this person or another).
    OrderAlreadyPaid = "ORDER_ALREADY_PAID",
    /// The merchant closed the order.
    OrderClosed = "ORDER_CLOSED",
    /// The acquirer has blocked the merchant: none of its orders can be paid.
    MerchantBlocked = "MERCHANT_BLOCKED",
    /// A refund larger than what is left of the payment.
    RefundExceedsPayment = "REFUND_EXCEEDS_PAYMENT",
    // Bills (docs/features.md, bills)
    /// The biller is in its nightly maintenance (23:30–00:30 Shanghai): `until` says when it ends.
    BillerUnavailable = "BILLER_UNAVAILABLE",
    /// The biller has no such account number (户号).
    BillAccountNotFound = "BILL_ACCOUNT_NOT_FOUND",
    /// A repayment's fee changed after it was shown (another repayment used the month's free
    /// quota meanwhile): nothing was paid; the new fee is shown before paying again.
    FeeChanged = "FEE_CHANGED",
    /// The offer the checkout showed was used meanwhile (once a day): the amount changed, so
    /// the person checks it again before paying.
    OfferUsed = "OFFER_USED",
    // Any command
    /// A command's arguments are malformed (wrong type, missing, out of range).
    InputInvalid = "INPUT_INVALID",
    /// A developer control of the mock bank, available only when the app started in test mode
    /// (`TONGBAO_TEST_MODE=1`).
    TestModeRequired = "TEST_MODE_REQUIRED",
    // Updates (the app's own, signed)
    /// The update server could not be reached or answered something that is not a manifest.
    UpdateCheckFailed = "UPDATE_CHECK_FAILED",
    /// A downloaded update does not carry a valid signature of this app's key (or it was signed
    /// for another version than the one announced): refused, the running version stays.
    UpdateSignatureInvalid = "UPDATE_SIGNATURE_INVALID",
    /// There is no newer version to install.
    UpdateNotAvailable = "UPDATE_NOT_AVAILABLE",
    /// The verified update could not be installed (the package manager refused or the
    /// password prompt was dismissed).
    UpdateInstallFailed = "UPDATE_INSTALL_FAILED",
    // Keychain and storage: shown on the start-up problem screen.
    KeychainUnavailable = "KEYCHAIN_UNAVAILABLE",
    KeychainLocked = "KEYCHAIN_LOCKED",
    DatabaseKeyMissing = "DATABASE_KEY_MISSING",
    DatabaseKeyMismatch = "DATABASE_KEY_MISMATCH",
    DatabaseTooNew = "DATABASE_TOO_NEW",
    /// The database file is damaged (`PRAGMA quick_check` failed).
    DatabaseDamaged = "DATABASE_DAMAGED",
    StorageError = "STORAGE_ERROR",
    InternalError = "INTERNAL_ERROR",
}

/// Which input an error is about, so the UI can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Phone,
    DisplayName,
    RealName,
    IdNumber,
    Password,
    PasswordConfirm,
    PayPassword,
    PayPasswordConfirm,
    AutolockMinutes,
    /// The current login password (changing it, closing the account).
    CurrentPassword,
    /// The current payment password (changing it).
    CurrentPayPassword,
}

/// The failure catalogue's cause of a binding failure (the seed's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    CardInfo,
    Network,
    BankSystem,
    BankRestriction,
    WalletFault,
    Security,
    Expired,
    CardType,
    Inactive,
    CardStatus,
    WalletRules,
}

/// Whether retrying can help: yes; after fixing the data; after the bank acts (a call to its
/// hotline, activation); after updating the app or clearing its cache; later; no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RetryHelps {
    Yes,
    AfterFix,
    AfterBank,
    AfterUpdate,
    Later,
    No,
}

/// What the remedy asks of the person, for the controls the UI offers with its steps (the
/// steps' words are the UI's, per code and language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// Correct the data named (card number, expiry, CVV, phone) and retry.
    FixData,
    /// The account's own data is the problem (the holder): only the account's owner's cards bind.
    CheckAccount,
    /// Check or change the network, then retry.
    CheckNetwork,
    /// Wait a little and retry (the wallet already retried with backoff).
    WaitAndRetry,
    /// Call the card's bank (its hotline) or use its app to change the card's settings.
    CallBank,
    /// Activate the card at the bank.
    ActivateCard,
    /// Update the app; if that does not help, clear its cache in the troubleshooting center.
    UpdateApp,
    /// Complete the token or SMS verification as asked.
    CompleteVerification,
    /// Use another card (this one can't be bound).
    UseAnotherCard,
    /// Manage the bound cards (unbind one, or it is already there).
    ManageCards,
    /// Wait until the time given.
    WaitUntil,
    /// Accept the quick-pay agreement.
    Accept,
    /// Bind the card that replaced this one (its number is new; only its bank is known).
    BindNewCard,
}

/// A catalogue code's verdict: its category, whether retrying helps, and the remedy's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub category: Category,
    pub retry: RetryHelps,
    pub remedy: Remedy,
}

impl ErrorCode {
    /// Sending the same request again may succeed: the bank did not answer, was unreachable or
    /// busy (the wallet has already retried with backoff; the person may once more).
    pub fn transient(self) -> bool {
        matches!(
            self,
            ErrorCode::NetworkTimeout
                | ErrorCode::NetworkOffline
                | ErrorCode::BankUnavailable
                | ErrorCode::BankSystemError
        )
    }

    /// Another way to pay (the balance, another card) may succeed where this one did not.
    pub fn another_way_helps(self) -> bool {
        matches!(
            self,
            ErrorCode::InsufficientFunds
                | ErrorCode::LimitExceeded
                | ErrorCode::CardRestricted
                | ErrorCode::CardExpired
                | ErrorCode::FrequencyExceeded
        )
    }

    /// The error is about the SMS code just typed or asked for: the person stays on the code step.
    pub fn about_the_code(self) -> bool {
        matches!(self, ErrorCode::OtpInvalid | ErrorCode::OtpExpired | ErrorCode::OtpResendTooSoon)
    }

    /// The failure catalogue's verdict on this code (binding and card failures), or None for
    /// codes outside it (form and account codes). The one table: sent with every error, so the
    /// UI shows what Rust decides.
    pub fn verdict(self) -> Option<Verdict> {
        use Category as C;
        use ErrorCode as E;
        use Remedy as R;
        use RetryHelps as H;
        let v = |category, retry, remedy| Some(Verdict { category, retry, remedy });
        match self {
            E::CardNumberInvalid | E::ExpiryMismatch | E::CvvMismatch | E::PhoneMismatch | E::PhoneInvalid => {
                v(C::CardInfo, H::AfterFix, R::FixData)
            }
            E::HolderMismatch => v(C::CardInfo, H::AfterFix, R::CheckAccount),
            E::NetworkTimeout | E::NetworkOffline => v(C::Network, H::Yes, R::CheckNetwork),
            E::BankUnavailable | E::BankSystemError => v(C::BankSystem, H::Yes, R::WaitAndRetry),
            E::EpayDisabled | E::CardRestricted => v(C::BankRestriction, H::AfterBank, R::CallBank),
            E::UpgradeRequired | E::InternalError => v(C::WalletFault, H::AfterUpdate, R::UpdateApp),
            E::TokenRequired | E::TokenInvalid | E::OtpInvalid | E::OtpExpired | E::OtpLocked => {
                v(C::Security, H::Yes, R::CompleteVerification)
            }
            E::OtpResendTooSoon => v(C::Security, H::Later, R::WaitUntil),
            E::CardExpired => v(C::Expired, H::No, R::UseAnotherCard),
            E::BankNotSupported | E::CardTypeNotSupported => v(C::CardType, H::No, R::UseAnotherCard),
            E::CardNotActivated => v(C::Inactive, H::AfterBank, R::ActivateCard),
            E::CardLost => v(C::CardStatus, H::No, R::UseAnotherCard),
            E::CardReplaced => v(C::CardStatus, H::No, R::BindNewCard),
            E::BankAgreementLimit => v(C::BankRestriction, H::AfterBank, R::CallBank),
            E::BindCallbackInvalid => v(C::Security, H::Yes, R::CompleteVerification),
            E::CardAlreadyBound | E::CardLimitReached => v(C::WalletRules, H::No, R::ManageCards),
            E::BindCooldown => v(C::WalletRules, H::Later, R::WaitUntil),
            E::ConsentRequired => v(C::WalletRules, H::AfterFix, R::Accept),
            _ => None,
        }
    }
}

/// The error every core operation returns and every command sends over IPC.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct AppError {
    pub code: ErrorCode,
    /// English, for developers and logs. Never contains a secret.
    pub message: String,
    #[ts(optional)]
    pub field: Option<Field>,
    /// For LOGIN_LOCKED, BIND_COOLDOWN, OTP_RESEND_TOO_SOON: when it ends, in Unix milliseconds.
    #[ts(optional, type = "number")]
    pub until: Option<i64>,
    /// The bank's ISO 8583-style response code, when the bank gave one ("78", "91").
    #[serde(rename = "bankCode")]
    #[ts(optional, rename = "bankCode")]
    pub bank_code: Option<String>,
    /// For a wrong password or code: how many tries are left before the lock.
    #[serde(rename = "triesLeft")]
    #[ts(optional, rename = "triesLeft", type = "number")]
    pub tries_left: Option<u8>,
    /// A word that says which case of the code applies (ACCOUNT_NOT_EMPTY: `balance` or
    /// `pending`). Never a value the person typed.
    #[ts(optional)]
    pub detail: Option<String>,
    /// The last 4 digits of the card a case names (CARD_REPLACED: the new card's).
    #[ts(optional, type = "string")]
    pub last4: Option<Last4>,
    /// A sum the message names, in fen (LIMIT_EXCEEDED for a class II account: the bank's
    /// daily limit).
    #[serde(rename = "limitFen")]
    #[ts(optional, rename = "limitFen", type = "number")]
    pub limit_fen: Option<std::num::NonZeroI64>,
    /// The catalogue's verdict (binding and card failures): sent with the error, from
    /// [`ErrorCode::verdict`], so the UI cannot drift from the catalogue.
    #[ts(optional)]
    pub category: Option<Category>,
    #[ts(optional)]
    pub retry: Option<RetryHelps>,
    #[ts(optional)]
    pub remedy: Option<Remedy>,
    /// Present (true) when sending the same request again may succeed ([`ErrorCode::transient`]):
    /// the UI offers 重试 in place of its submit button.
    #[ts(optional)]
    pub transient: Option<bool>,
    /// Present (true) when another way to pay may succeed ([`ErrorCode::another_way_helps`]):
    /// the confirmation offers the other ways at once.
    #[serde(rename = "anotherWay")]
    #[ts(optional, rename = "anotherWay")]
    pub another_way: Option<bool>,
    /// Present (true) when the error is about the code just typed or asked for
    /// ([`ErrorCode::about_the_code`]): the code step stays, with the error under its boxes.
    #[serde(rename = "codeStep")]
    #[ts(optional, rename = "codeStep")]
    pub code_step: Option<bool>,
}

/// The wire form: absent optional members are left out, not sent as null.
#[derive(Serialize)]
struct Wire<'a> {
    code: ErrorCode,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
    #[serde(rename = "bankCode", skip_serializing_if = "Option::is_none")]
    bank_code: Option<&'a str>,
    #[serde(rename = "triesLeft", skip_serializing_if = "Option::is_none")]
    tries_left: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last4: Option<Last4>,
    #[serde(rename = "limitFen", skip_serializing_if = "Option::is_none")]
    limit_fen: Option<std::num::NonZeroI64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<Category>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry: Option<RetryHelps>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remedy: Option<Remedy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transient: Option<bool>,
    #[serde(rename = "anotherWay", skip_serializing_if = "Option::is_none")]
    another_way: Option<bool>,
    #[serde(rename = "codeStep", skip_serializing_if = "Option::is_none")]
    code_step: Option<bool>,
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            code: self.code,
            message: &self.message,
            field: self.field,
            until: self.until,
            bank_code: self.bank_code.as_deref(),
            tries_left: self.tries_left,
            detail: self.detail.as_deref(),
            last4: self.last4,
            limit_fen: self.limit_fen,
            category: self.category,
            retry: self.retry,
            remedy: self.remedy,
            transient: self.transient,
            another_way: self.another_way,
            code_step: self.code_step,
        }
        .serialize(s)
    }
}

impl AppError {
    /// An error of `code`, with the catalogue's verdict on it (`ErrorCode::verdict`).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let verdict = code.verdict();
        Self {
            code,
            message: message.into(),
            field: None,
            until: None,
            bank_code: None,
            tries_left: None,
            detail: None,
            last4: None,
            limit_fen: None,
            category: verdict.map(|v| v.category),
            retry: verdict.map(|v| v.retry),
            remedy: verdict.map(|v| v.remedy),
            transient: code.transient().then_some(true),
            another_way: code.another_way_helps().then_some(true),
            code_step: code.about_the_code().then_some(true),
        }
    }

    pub fn on(mut self, field: Field) -> Self {
        self.field = Some(field);
        self
    }

    pub fn until(mut self, at_ms: i64) -> Self {
        self.until = Some(at_ms);
        self
    }

    pub fn detail(mut self, which: &str) -> Self {
        self.detail = Some(which.to_owned());
        self
    }

    pub fn last4(mut self, last4: Last4) -> Self {
        self.last4 = Some(last4);
        self
    }

    /// (A limit of 0 names nothing: left out. `NonZeroI64` keeps `AppError` small.)
    pub fn limit_fen(mut self, fen: i64) -> Self {
        self.limit_fen = std::num::NonZeroI64::new(fen);
        self
    }

    pub fn tries_left(mut self, left: i64) -> Self {
        self.tries_left = Some(left.clamp(0, i64::from(u8::MAX)) as u8);
        self
    }

    pub fn bank_code(mut self, code: &str) -> Self {
        self.bank_code = Some(code.to_owned());
        self
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalError, message)
    }
}

/// Failure codes are stored by their wire names; one this build does not know is an error.
impl rusqlite::types::ToSql for ErrorCode {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
    }
}

impl rusqlite::types::FromSql for ErrorCode {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        ErrorCode::from_wire(s).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown error code {s:?} in the database").into())
        })
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ) {
            return AppError::new(ErrorCode::DatabaseDamaged, format!("storage: {e}"));
        }
        // SQLite messages name tables and constraints, never bound values: safe to keep.
        AppError::new(ErrorCode::StorageError, format!("storage: {e}"))
    }
}

/// A card's last four digits as a bank names them (a replaced card's successor). Four bytes,
/// not a `String`: it rides inside every `AppError`, which stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Last4(pub [u8; 4]);

impl serde::Serialize for Last4 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Last4 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Last4::of(&s).filter(|_| s.len() == 4).ok_or_else(|| serde::de::Error::custom("four digits"))
    }
}

impl Last4 {
    /// The last four characters of `number`, if they are ASCII digits.
    pub fn of(number: &str) -> Option<Last4> {
        let b = number.as_bytes();
        let tail: [u8; 4] = b.get(b.len().checked_sub(4)?..)?.try_into().ok()?;
        tail.iter().all(u8::is_ascii_digit).then_some(Last4(tail))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("????")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What can help is Rust's to say, sent with the error: the UI keeps no list of codes.
    #[test]
    fn the_error_says_what_can_help() {
        let wire = |c| serde_json::to_value(AppError::new(c, "m")).unwrap();
        let timeout = wire(ErrorCode::NetworkTimeout);
        assert_eq!((timeout["transient"].clone(), timeout.get("anotherWay")), (json!(true), None));
        assert_eq!(wire(ErrorCode::InsufficientFunds)["anotherWay"], json!(true));
        assert_eq!(wire(ErrorCode::OtpExpired)["codeStep"], json!(true));
        let plain = wire(ErrorCode::PhoneTaken);
        assert!(
            plain.get("transient").is_none() && plain.get("anotherWay").is_none() && plain.get("codeStep").is_none()
        );
    }

    #[test]
    fn error_json_shape_is_code_and_message() {
        let e = AppError::new(ErrorCode::LoginFailed, "wrong phone or password");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "LOGIN_FAILED", "message": "wrong phone or password"})
        );
    }

    #[test]
    fn error_json_shape_carries_field_and_until() {
        let e = AppError::new(ErrorCode::LoginLocked, "locked").until(1_700_000_000_000);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "LOGIN_LOCKED", "message": "locked", "until": 1_700_000_000_000i64})
        );
        let e = AppError::new(ErrorCode::IdNumberInvalid, "bad").on(Field::IdNumber);
        assert_eq!(serde_json::to_value(&e).unwrap()["field"], json!("id_number"));
    }

    #[test]
    fn error_json_round_trips() {
        let e = AppError::new(ErrorCode::PasswordMismatch, "m").on(Field::PayPasswordConfirm);
        let back: AppError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn every_code_serialises_to_its_catalogue_name() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), json!(code.as_str()));
        }
    }
}
