//! The bank port: what the wallet asks the issuing bank, and a client that adds the per-call
//! timeout, automatic retries with exponential backoff and jitter, and the mapping of every
//! bank answer to the failure catalogue.
//!
//! The mock bank (`tongbao-mockbank`) implements [`Bank`]; a real issuer's adapter would too.
//! Debit, credit and payee checks join this trait with transfers.

use rand::Rng;

use crate::cards::Expiry;
use crate::platform::clock::{Clock, Millis, SECOND};
use crate::platform::error::{AppError, ErrorCode};

/// Options of one call: the wallet gives up waiting after `timeout_ms`.
#[derive(Debug, Clone, Copy)]
pub struct CallOptions {
    pub timeout_ms: Millis,
}

/// Asking the bank whether a card can be bound for this person.
#[derive(Debug)]
pub struct VerifyCard<'a> {
    pub pan: &'a str,
    pub holder_name: &'a str,
    pub holder_id: &'a str,
    pub phone: &'a str,
    pub expiry: Option<Expiry>,
    pub cvv: Option<&'a str>,
    pub client_version: &'a str,
    /// The binding attempt's idempotency key: a repeated request gets the same session.
    pub request_id: &'a str,
}

/// Asking the bank to accept new data for a bound card: a new reserved phone (changed at the
/// bank first) and/or the renewed card's expiry + CVV. The OTP then goes to the card's
/// reserved phone at the bank, i.e. the new one.
#[derive(Debug)]
pub struct UpdateCard<'a> {
    pub token: &'a str,
    pub phone: Option<&'a str>,
    pub expiry: Option<Expiry>,
    pub cvv: Option<&'a str>,
    pub client_version: &'a str,
    /// The update attempt's idempotency key.
    pub request_id: &'a str,
}

/// What the bank says about itself (diagnostics): its clock and the oldest client it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankInfo {
    pub now: Millis,
    pub min_client_version: String,
}

/// `a.b.c` compared as numbers; a missing or unparsable part counts as 0.
pub fn version_at_least(v: &str, floor: &str) -> bool {
    let parts = |v: &str| -> (u64, u64, u64) {
        let mut it = v.trim().split('.').map(|p| p.parse::<u64>().unwrap_or(0));
        (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0))
    };
    parts(v) >= parts(floor)
}

/// Where a credit goes: a bound card (its agreement token) or a checked payee.
#[derive(Debug, Clone, Copy)]
pub enum CreditTo<'a> {
    Token(&'a str),
    Payee(&'a str),
}

/// A money movement the bank did: its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankTxn {
    pub reference: String,
}

/// A payee's card, checked against the name given: the bank keeps the number and answers a
/// reference to credit later (the wallet never stores a card number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayeeChecked {
    pub payee_ref: String,
    pub outcome: PayeeOutcome,
}

/// What the payee's bank says of the name given (as Confirmation of Payee does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayeeOutcome {
    /// The holder's name is the one given.
    Match,
    /// One character differs: the bank shows the holder's name, masked (`*五`), and the
    /// payer confirms it or corrects the name.
    Close { name_masked: String },
    /// The bank cannot check this account's name now: the card exists, the name is unknown.
    Unavailable,
}

/// What the bank knows about a request by its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnState {
    Done(BankTxn),
    Declined(Decline),
    /// The bank never received it.
    NotFound,
}

/// The bank's yes: go on to the OTP, or first to the dynamic token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Approved { session: String },
    TokenRequired { session: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpSent {
    /// When the code stops working.
    pub expires_at: Millis,
    /// When another code may be asked for.
    pub resend_at: Millis,
}

/// The bank's agreement for a bound card, with what the bank says of the account behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub token: String,
    pub account: BankAccount,
}

/// The account class a bank opened (PBOC: Ⅰ类户 full service; Ⅱ类户 opened remotely, with
/// small daily limits set by the bank).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub enum AccountClass {
    #[default]
    #[serde(rename = "I")]
    ClassI,
    #[serde(rename = "II")]
    ClassII,
}

impl AccountClass {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountClass::ClassI => "I",
            AccountClass::ClassII => "II",
        }
    }

    pub fn from_stored(s: &str) -> Option<AccountClass> {
        match s {
            "I" => Some(AccountClass::ClassI),
            "II" => Some(AccountClass::ClassII),
            _ => None,
        }
    }
}

/// The account behind a card as its bank describes it at binding: its class and the bank's own
/// quick-pay limits (single payment, per Shanghai day), in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BankAccount {
    pub class: AccountClass,
    pub single_limit_fen: Option<i64>,
    pub daily_limit_fen: Option<i64>,
}

pub use crate::platform::error::Last4;

/// A card the person authorised in the bank's own app (一键绑卡), as the bank hands it over
/// for the one-time code: its number (for the fingerprint only — never stored), the agreement
/// the bank made, the account, the expiry of a credit card and the reserved phone.
#[derive(Debug, Clone)]
pub struct GrantedCard {
    pub pan: crate::platform::secrets::SecretString,
    pub binding: Binding,
    pub expiry: Option<Expiry>,
    pub reserved_phone: String,
}

/// What a card status inquiry says (used by diagnostics and renewal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    Active,
    NotActivated,
    EpayDisabled,
    Frozen,
    Lost,
    Expired,
    /// A new card number's data replaced the old: expiry/CVV must be entered again.
    Renewed,
    /// Replaced by a new card (换卡) and cancelled.
    Replaced,
    Unknown,
}

/// A transport or bank-system fault: the request may not have been processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Timeout,
    Offline,
    /// ISO 8583 91: issuer or switch inoperative.
    Busy,
    /// ISO 8583 96: system malfunction.
    SystemError,
}

/// The bank's no, with its reason. Its text name (`"Restricted"`) is how a bank stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
pub enum Decline {
    NoSuchCard,
    ExpiryMismatch,
    CardExpired,
    CvvMismatch,
    PhoneMismatch,
    HolderMismatch,
    EpayDisabled,
    Restricted,
    NotActivated,
    Lost,
    Stolen,
    /// The bank refuses this client version: a wallet fault, with no ISO code of its own.
    UpgradeRequired,
    /// ISO 51.
    InsufficientFunds,
    /// ISO 61: over the card's quick-pay limit (single or daily).
    LimitExceeded,
    /// ISO 65: too many debits in a short time.
    FrequencyExceeded,
    /// The payee's name is not the card holder's.
    PayeeNameMismatch,
    /// ISO 33: a debit on a card past its expiry ("expired card, pick up").
    ExpiredPickUp,
    /// ISO 15: no such issuer — the bank behind the card can't be reached through this one.
    BankNotSupported,
    /// ISO 57 for the card's product: the bank does not allow this card type here.
    TypeNotSupported,
    /// ISO 05: the name matches but the bank still holds the holder's old 15-digit ID (issued
    /// before 1999), not the 18-digit one typed.
    HolderIdOutdated,
    /// ISO 05: a payroll card (代发工资卡) whose reserved phone is the one the employer gave.
    PayrollPhone,
    /// ISO 57: the card already has the bank's maximum of quick-pay agreements with payment
    /// institutions.
    AgreementLimit,
    /// ISO 57: card-not-present (无卡支付 / 非柜面) payments are not enabled for the card.
    NonCounterDisabled,
    /// ISO 61: over the limits the bank sets for a class II account (Ⅱ类户).
    ClassIiLimit,
    /// ISO 59 (suspected fraud): the payee account is reported for fraud (涉诈账户).
    PayeeReported,
    /// The acquirer: the link's signature does not match its merchant's key.
    LinkSignature,
    /// The acquirer: no such order (of that merchant).
    OrderNotFound,
    /// The acquirer: the order expired.
    OrderExpired,
    /// The acquirer: the order is paid under another key.
    OrderPaid,
    /// The acquirer: the merchant closed the order.
    OrderClosed,
    /// The acquirer: the merchant is blocked.
    MerchantBlocked,
    /// The acquirer: a refund over what is left of the order's payment.
    RefundTooLarge,
    /// A biller: no such account number.
    BillAccountNotFound,
}

impl Decline {
    /// The ISO 8583-style response code; None where the catalogue gives none (a refused
    /// client version is the wallet's fault, not a card's answer).
    pub fn iso(self) -> Option<&'static str> {
        Some(match self {
            Decline::NoSuchCard => "14",
            Decline::ExpiryMismatch => "54",
            Decline::CardExpired => "54",
            Decline::ExpiredPickUp => "33",
            Decline::BankNotSupported => "15",
            Decline::TypeNotSupported => "57",
            Decline::CvvMismatch => "N7",
            Decline::PhoneMismatch | Decline::HolderMismatch => "05",
            Decline::EpayDisabled => "57",
            Decline::Restricted => "62",
            Decline::NotActivated => "78",
            Decline::Lost => "41",
            Decline::Stolen => "43",
            Decline::UpgradeRequired => return None,
            Decline::InsufficientFunds => "51",
            Decline::LimitExceeded => "61",
            Decline::FrequencyExceeded => "65",
            Decline::PayeeNameMismatch => "05",
            Decline::HolderIdOutdated | Decline::PayrollPhone => "05",
            Decline::AgreementLimit | Decline::NonCounterDisabled => "57",
            Decline::ClassIiLimit => "61",
            Decline::PayeeReported => "59",
            Decline::LinkSignature
            | Decline::OrderNotFound
            | Decline::OrderExpired
            | Decline::OrderPaid
            | Decline::OrderClosed
            | Decline::MerchantBlocked
            | Decline::RefundTooLarge
            | Decline::BillAccountNotFound => return None,
        })
    }

    /// Which case of its catalogue code a decline is (sent as the error's `detail`).
    pub fn detail(self) -> Option<&'static str> {
        match self {
            Decline::HolderIdOutdated => Some("id_outdated"),
            Decline::PayrollPhone => Some("payroll_card"),
            Decline::NonCounterDisabled => Some("non_counter"),
            Decline::ClassIiLimit => Some("class_ii"),
            _ => None,
        }
    }
}

/// Checking that a typed number is the card behind an agreement (payment-password recovery):
/// the bank then sends its SMS code to the card's reserved phone (`send_otp`) and takes it
/// back with `confirm_update`.
#[derive(Debug, Clone, Copy)]
pub struct HolderCheck<'a> {
    pub request_id: &'a str,
    pub token: &'a str,
    pub pan: &'a str,
}

/// Sends the wallet's own SMS (recovery codes, notices of a password change).
pub trait SmsGateway: Send + Sync {
    fn send(&self, phone: &str, text: &str) -> Result<(), AppError>;
}

/// What the bank knows of a binding asked for under a request id (the wallet's attempt id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingState {
    /// The bank never saw the request.
    NotFound,
    /// Seen, but no agreement is active (not confirmed, or revoked).
    NotBound,
    /// Confirmed: this agreement is active.
    Bound { token: String, account: BankAccount },
}

/// What the bank knows of a verified edit's session (a new reserved phone, a renewed expiry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateState {
    /// The bank has no such session.
    NotFound,
    /// Verified, its SMS code not yet confirmed.
    Pending,
    /// Confirmed: the bank holds the new data.
    Confirmed,
}

/// Problems within a binding session (token and OTP steps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    TokenInvalid,
    OtpInvalid {
        tries_left: u8,
    },
    OtpExpired,
    OtpLocked,
    /// A new code was asked for before the 60 s countdown ended.
    ResendTooSoon {
        resend_at: Millis,
    },
    /// The session does not exist or has ended.
    Unknown,
    /// A bank-app authorisation code that is unknown, used, older than 5 minutes, or another
    /// person's.
    GrantInvalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankFailure {
    Fault(Fault),
    Declined(Decline),
    Session(SessionProblem),
    /// ISO 91 for a planned reason: the bank's nightly maintenance, ending at `until`. Not
    /// retried automatically — every retry would land inside the window.
    Maintenance {
        until: Millis,
    },
    /// ISO 14: the card was replaced (换卡) and cancelled; the bank names the new card's last 4.
    Replaced {
        new_last4: Last4,
    },
    /// A biller's nightly maintenance, ending at `until` (not retried automatically).
    BillerMaintenance {
        until: Millis,
    },
}

impl From<Decline> for BankFailure {
    fn from(d: Decline) -> Self {
        BankFailure::Declined(d)
    }
}

impl BankFailure {
    /// Faults worth retrying automatically: the bank may answer next time.
    pub fn retryable(self) -> bool {
        matches!(self, BankFailure::Fault(Fault::Timeout | Fault::Busy | Fault::SystemError))
    }

    /// The bank's response code, where it has one.
    pub fn iso(self) -> Option<&'static str> {
        match self {
            BankFailure::Declined(d) => d.iso(),
            BankFailure::Fault(Fault::Busy) => Some("91"),
            BankFailure::Fault(Fault::SystemError) => Some("96"),
            BankFailure::Maintenance { .. } => Some("91"),
            BankFailure::Replaced { .. } => Some("14"),
            _ => None,
        }
    }

    /// The catalogue code for this answer.
    pub fn code(self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            BankFailure::Fault(Fault::Timeout) => C::NetworkTimeout,
            BankFailure::Fault(Fault::Offline) => C::NetworkOffline,
            BankFailure::Fault(Fault::Busy) => C::BankUnavailable,
            BankFailure::Fault(Fault::SystemError) => C::BankSystemError,
            BankFailure::Maintenance { .. } => C::BankUnavailable,
            BankFailure::BillerMaintenance { .. } => C::BillerUnavailable,
            BankFailure::Replaced { .. } => C::CardReplaced,
            BankFailure::Declined(d) => match d {
                Decline::NoSuchCard => C::CardNumberInvalid,
                Decline::ExpiryMismatch => C::ExpiryMismatch,
                Decline::CardExpired | Decline::ExpiredPickUp => C::CardExpired,
                Decline::BankNotSupported => C::BankNotSupported,
                Decline::TypeNotSupported => C::CardTypeNotSupported,
                Decline::CvvMismatch => C::CvvMismatch,
                Decline::PhoneMismatch | Decline::PayrollPhone => C::PhoneMismatch,
                Decline::HolderMismatch | Decline::HolderIdOutdated => C::HolderMismatch,
                Decline::EpayDisabled | Decline::NonCounterDisabled => C::EpayDisabled,
                Decline::AgreementLimit => C::BankAgreementLimit,
                Decline::PayeeReported => C::PayeeReported,
                Decline::Restricted => C::CardRestricted,
                Decline::NotActivated => C::CardNotActivated,
                Decline::Lost | Decline::Stolen => C::CardLost,
                Decline::UpgradeRequired => C::UpgradeRequired,
                Decline::InsufficientFunds => C::InsufficientFunds,
                Decline::LimitExceeded | Decline::ClassIiLimit => C::LimitExceeded,
                Decline::FrequencyExceeded => C::FrequencyExceeded,
                Decline::PayeeNameMismatch => C::PayeeNameMismatch,
                Decline::LinkSignature => C::LinkInvalid,
                Decline::OrderNotFound => C::OrderNotFound,
                Decline::OrderExpired => C::OrderExpired,
                Decline::OrderPaid => C::OrderAlreadyPaid,
                Decline::OrderClosed => C::OrderClosed,
                Decline::MerchantBlocked => C::MerchantBlocked,
                Decline::RefundTooLarge => C::RefundExceedsPayment,
                Decline::BillAccountNotFound => C::BillAccountNotFound,
            },
            BankFailure::Session(s) => match s {
                SessionProblem::TokenInvalid => C::TokenInvalid,
                SessionProblem::OtpInvalid { .. } => C::OtpInvalid,
                SessionProblem::ResendTooSoon { .. } => C::OtpResendTooSoon,
                SessionProblem::OtpExpired | SessionProblem::Unknown => C::OtpExpired,
                SessionProblem::OtpLocked => C::OtpLocked,
                SessionProblem::GrantInvalid => C::BindCallbackInvalid,
            },
        }
    }

    pub fn to_error(self) -> AppError {
        let e = match self.iso() {
            Some(iso) => AppError::new(self.code(), format!("the bank answered {iso} ({self:?})")).bank_code(iso),
            None => AppError::new(self.code(), format!("the bank call failed ({self:?})")),
        };
        match self {
            BankFailure::Session(SessionProblem::ResendTooSoon { resend_at }) => e.until(resend_at),
            BankFailure::Session(SessionProblem::OtpInvalid { tries_left }) => e.tries_left(i64::from(tries_left)),
            BankFailure::Declined(d) => match d.detail() {
                Some(detail) => e.detail(detail),
                None => e,
            },
            // Planned: retrying helps only after the window, and the error says when.
            BankFailure::Maintenance { until } | BankFailure::BillerMaintenance { until } => {
                let mut e = e.until(until).detail("maintenance");
                e.transient = None;
                e.retry = Some(crate::platform::error::RetryHelps::Later);
                e.remedy = Some(crate::platform::error::Remedy::WaitUntil);
                e
            }
            BankFailure::Replaced { new_last4 } => e.last4(new_last4),
            _ => e,
        }
    }
}

pub type BankResult<T> = Result<T, BankFailure>;

/// A credit card's statement (本期账单) as its bank answers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// What the card owes now (本期应还).
    #[ts(type = "number")]
    pub owed_fen: i64,
    /// 最低还款额: a tenth of it, rounded up to the fen.
    #[ts(type = "number")]
    pub minimum_fen: i64,
    /// 到期还款日, `YYYY-MM-DD` (Shanghai).
    pub due_date: String,
}

/// The issuing bank, as the wallet sees it. Each call either answers within
/// `opts.timeout_ms` or fails with [`Fault::Timeout`].
pub trait Bank: Send + Sync {
    fn verify_card(&self, req: &VerifyCard<'_>, opts: CallOptions) -> BankResult<Verified>;
    fn verify_token(&self, session: &str, code: &str, opts: CallOptions) -> BankResult<()>;
    fn send_otp(&self, session: &str, opts: CallOptions) -> BankResult<OtpSent>;
    /// Idempotent per session: a repeat after success returns the same token.
    fn confirm_binding(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<Binding>;
    fn revoke_token(&self, token: &str, opts: CallOptions) -> BankResult<()>;
    /// Status inquiry by card number (diagnostics: no binding needed).
    fn card_status(&self, pan: &str, opts: CallOptions) -> BankResult<CardStatus>;
    /// Status inquiry for a bound card, by its agreement token. `Renewed` until the wallet has
    /// confirmed the renewed expiry/CVV; `Unknown` for a token the bank no longer honours.
    fn token_status(&self, token: &str, opts: CallOptions) -> BankResult<CardStatus>;
    /// Checks new data for a bound card; answers a session for `send_otp` / `confirm_update`.
    fn verify_update(&self, req: &UpdateCard<'_>, opts: CallOptions) -> BankResult<String>;
    /// Idempotent per session, like `confirm_binding`.
    fn confirm_update(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<()>;
    /// What became of the binding asked for under `request_id`: spends no OTP try. The wallet
    /// reconciles a binding interrupted during confirmation with it.
    fn binding_state(&self, request_id: &str, opts: CallOptions) -> BankResult<BindingState>;
    /// What became of the verified edit under `session`: spends no OTP try. The wallet
    /// reconciles an edit interrupted during confirmation with it, as a binding with
    /// [`Bank::binding_state`].
    fn update_state(&self, session: &str, opts: CallOptions) -> BankResult<UpdateState>;
    /// Checks that `pan` is the card of the agreement `token` (its holder proving the card is
    /// theirs); answers a session for `send_otp` / `confirm_update`.
    fn verify_holder(&self, req: &HolderCheck<'_>, opts: CallOptions) -> BankResult<String>;
    fn bank_info(&self, opts: CallOptions) -> BankResult<BankInfo>;
    /// Takes money from a bound card. Idempotent by `key`: a repeat answers the original
    /// result (ISO 94 handled inside the port).
    fn debit(&self, token: &str, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn>;
    /// Pays money to a bound card or a checked payee. Idempotent by `key`.
    fn credit(&self, to: CreditTo<'_>, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn>;
    /// A bound credit card's statement. (A bank without credit cards answers 57.)
    fn statement(&self, _token: &str, _opts: CallOptions) -> BankResult<Statement> {
        Err(BankFailure::Declined(Decline::TypeNotSupported))
    }
    /// Repays a credit card (`to`: a bound one or a checked payee's) with `principal`; from a
    /// bound debit card (`from`, charged `total`: the principal and the wallet's fee) in the
    /// same transaction, or from the wallet's settlement (`from` None). Idempotent by `key`.
    fn repay(
        &self,
        _from: Option<&str>,
        _to: CreditTo<'_>,
        _principal: i64,
        _total: i64,
        _key: &str,
        _opts: CallOptions,
    ) -> BankResult<BankTxn> {
        Err(BankFailure::Declined(Decline::TypeNotSupported))
    }
    /// Checks that a card exists and belongs to `name`.
    fn check_payee(&self, pan: &str, name: &str, opts: CallOptions) -> BankResult<PayeeChecked>;
    /// What became of the request with this idempotency key.
    fn inquire(&self, key: &str, opts: CallOptions) -> BankResult<TxnState>;
    /// Exchanges the one-time code of the bank app's authorisation (5 minutes, single use) for
    /// the agreements of the cards the person chose there — only if that person is `holder_id`
    /// (the signed-in account's). A used, expired, unknown or another person's code:
    /// [`SessionProblem::GrantInvalid`], and the code is spent.
    fn exchange_bind_code(&self, code: &str, holder_id: &str, opts: CallOptions) -> BankResult<Vec<GrantedCard>>;
}

/// How the wallet calls the bank: timeout per call, at most `max_retries` automatic retries of
/// retryable faults, waiting `base_backoff_ms · 2^n` plus up to `jitter_ms` between them.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub timeout_ms: Millis,
    pub max_retries: u32,
    pub base_backoff_ms: Millis,
    pub jitter_ms: Millis,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { timeout_ms: 10 * SECOND, max_retries: 2, base_backoff_ms: 500, jitter_ms: 250 }
    }
}

impl RetryPolicy {
    /// The wait before retry number `n` (1-based), without jitter.
    pub fn backoff(&self, n: u32) -> Millis {
        self.base_backoff_ms.saturating_mul(1 << (n.saturating_sub(1)).min(16))
    }

    /// Runs `call`, retrying retryable faults. `on_retry(n, max, failure)` is told before each
    /// retry so the person sees "银行繁忙，正在重试 (n/max)".
    pub fn run<T>(
        &self,
        clock: &dyn Clock,
        mut call: impl FnMut(CallOptions) -> BankResult<T>,
        mut on_retry: impl FnMut(u32, u32, BankFailure),
    ) -> BankResult<T> {
        let opts = CallOptions { timeout_ms: self.timeout_ms };
        let mut attempt = 0;
        loop {
            match call(opts) {
                Err(f) if f.retryable() && attempt < self.max_retries => {
                    attempt += 1;
                    on_retry(attempt, self.max_retries, f);
                    let jitter = if self.jitter_ms > 0 { rand::thread_rng().gen_range(0..=self.jitter_ms) } else { 0 };
                    clock.sleep(self.backoff(attempt) + jitter);
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::clock::FakeClock;
    use std::cell::RefCell;

    fn policy() -> RetryPolicy {
        RetryPolicy { timeout_ms: 2_000, max_retries: 2, base_backoff_ms: 500, jitter_ms: 0 }
    }

    #[test]
    fn retries_busy_twice_with_exponential_backoff_then_succeeds() {
        let clock = FakeClock::at(0);
        let answers =
            RefCell::new(vec![Err(BankFailure::Fault(Fault::Busy)), Err(BankFailure::Fault(Fault::Busy)), Ok(7)]);
        let mut seen = vec![];
        let r = policy().run(&clock, |_| answers.borrow_mut().remove(0), |n, max, _| seen.push((n, max, clock.now())));
        assert_eq!(r, Ok(7));
        assert_eq!(seen, vec![(1, 2, 0), (2, 2, 500)]);
        assert_eq!(clock.now(), 500 + 1000);
    }

    #[test]
    fn gives_up_after_two_retries_with_the_last_fault() {
        let clock = FakeClock::at(0);
        let mut calls = 0;
        let r: BankResult<()> = policy().run(
            &clock,
            |o| {
                calls += 1;
                clock.sleep(o.timeout_ms);
                Err(BankFailure::Fault(Fault::Timeout))
            },
            |_, _, _| {},
        );
        assert_eq!(r.unwrap_err().code(), ErrorCode::NetworkTimeout);
        assert_eq!(calls, 3);
        assert_eq!(clock.now(), 3 * 2_000 + 500 + 1_000);
    }

    #[test]
    fn declines_and_offline_are_not_retried() {
        let clock = FakeClock::at(0);
        for f in [BankFailure::Declined(Decline::NotActivated), BankFailure::Fault(Fault::Offline)] {
            let mut calls = 0;
            let _: BankResult<()> = policy().run(
                &clock,
                |_| {
                    calls += 1;
                    Err(f)
                },
                |_, _, _| {},
            );
            assert_eq!(calls, 1, "{f:?}");
        }
    }

    #[test]
    fn jitter_stays_within_its_bound() {
        let p = RetryPolicy { jitter_ms: 100, ..policy() };
        for _ in 0..50 {
            let clock = FakeClock::at(0);
            let mut first = true;
            let _ = p.run(
                &clock,
                |_| {
                    if std::mem::take(&mut first) {
                        Err(BankFailure::Fault(Fault::SystemError))
                    } else {
                        Ok(())
                    }
                },
                |_, _, _| {},
            );
            assert!((500..=600).contains(&clock.now()), "{}", clock.now());
        }
    }

    #[test]
    fn every_bank_answer_maps_to_its_catalogue_code_and_iso() {
        use Decline::*;
        let cases = [
            (NoSuchCard, ErrorCode::CardNumberInvalid, "14"),
            (ExpiryMismatch, ErrorCode::ExpiryMismatch, "54"),
            (CardExpired, ErrorCode::CardExpired, "54"),
            (ExpiredPickUp, ErrorCode::CardExpired, "33"),
            (BankNotSupported, ErrorCode::BankNotSupported, "15"),
            (TypeNotSupported, ErrorCode::CardTypeNotSupported, "57"),
            (CvvMismatch, ErrorCode::CvvMismatch, "N7"),
            (PhoneMismatch, ErrorCode::PhoneMismatch, "05"),
            (HolderMismatch, ErrorCode::HolderMismatch, "05"),
            (EpayDisabled, ErrorCode::EpayDisabled, "57"),
            (Restricted, ErrorCode::CardRestricted, "62"),
            (NotActivated, ErrorCode::CardNotActivated, "78"),
            (Lost, ErrorCode::CardLost, "41"),
            (Stolen, ErrorCode::CardLost, "43"),
        ];
        for (d, code, iso) in cases {
            let f = BankFailure::Declined(d);
            assert_eq!((f.code(), f.iso()), (code, Some(iso)));
            assert!(!f.retryable());
        }
        assert_eq!(BankFailure::Fault(Fault::Busy).iso(), Some("91"));
        assert_eq!(BankFailure::Fault(Fault::SystemError).code(), ErrorCode::BankSystemError);
        assert_eq!(BankFailure::Session(SessionProblem::OtpLocked).code(), ErrorCode::OtpLocked);
    }
}
