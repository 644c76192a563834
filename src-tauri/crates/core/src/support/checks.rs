//! The troubleshooting center's check results and inputs (the data), apart from the
//! operations that produce them in [`super::diagnose`], so the services can keep the last run.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bank::CardStatus;
use crate::platform::clock::{Millis, MINUTE};
use crate::platform::error::ErrorCode;
use crate::platform::secrets::SecretString;

/// Wallet and bank clocks further apart than this make codes and sessions fail.
pub const MAX_CLOCK_SKEW: Millis = 5 * MINUTE;
/// A clock before this is certainly wrong (2025-01-01T00:00:00Z).
pub const EARLIEST_SANE_TIME: Millis = 1_735_689_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The bank answers, and how fast.
    Bank,
    /// The bank accepts this app's version.
    AppVersion,
    /// The status of a card number the person typed, asked of the bank without binding.
    CardStatus,
    /// The OS keychain holds the database key.
    Keychain,
    /// The database passes SQLite's integrity check.
    Database,
    /// The clock agrees with the bank's.
    Clock,
}

/// Whether a check passed, failed, or could not run (the bank it needs did not answer): a check
/// that could not run is never reported as passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Failed,
    NotRun,
}

/// One check's outcome. `code` says what is wrong when `ok` is false: the fault found, or for a
/// check that could not run (`status` NotRun) why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub check: CheckId,
    pub ok: bool,
    pub status: CheckStatus,
    /// Time the check took.
    #[ts(type = "number")]
    pub ms: Millis,
    pub code: Option<ErrorCode>,
    /// CardStatus: what the bank said about the card.
    pub card_status: Option<CardStatus>,
    /// AppVersion: this app's version and the oldest the bank accepts.
    pub version: Option<String>,
    pub min_version: Option<String>,
    /// Clock: the wallet's clock minus the bank's.
    #[ts(type = "number | null")]
    pub skew_ms: Option<Millis>,
    /// CardStatus during the card's bank's maintenance: when the window ends.
    #[ts(type = "number | null")]
    pub until: Option<Millis>,
}

impl CheckResult {
    pub(crate) fn new(check: CheckId, ms: Millis, outcome: Result<(), ErrorCode>) -> Self {
        Self {
            check,
            ok: outcome.is_ok(),
            status: if outcome.is_ok() { CheckStatus::Ok } else { CheckStatus::Failed },
            ms,
            code: outcome.err(),
            card_status: None,
            version: None,
            min_version: None,
            skew_ms: None,
            until: None,
        }
    }

    /// A check that could not run because what it needs failed with `why`.
    pub(crate) fn not_run(check: CheckId, why: ErrorCode) -> Self {
        Self { status: CheckStatus::NotRun, ..Self::new(check, 0, Err(why)) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    #[ts(type = "number")]
    pub at: Millis,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiagnoseInput {
    /// A card number to ask the bank about (optional; never stored).
    #[ts(type = "string | null")]
    pub card_number: Option<SecretString>,
}

/// What "clear cache" cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CacheCleared {
    /// Unfinished binding attempts ended.
    pub attempts: u32,
    /// Unfinished changes of bound cards ended.
    pub updates: u32,
    /// Cached card statuses dropped (asked of the bank again next time).
    pub statuses: u32,
}

/// What the bank says a card's status means, as a catalogue code (None: usable).
pub fn status_code(s: CardStatus) -> Option<ErrorCode> {
    match s {
        CardStatus::Active => None,
        CardStatus::NotActivated => Some(ErrorCode::CardNotActivated),
        CardStatus::EpayDisabled => Some(ErrorCode::EpayDisabled),
        CardStatus::Frozen => Some(ErrorCode::CardRestricted),
        CardStatus::Lost => Some(ErrorCode::CardLost),
        CardStatus::Expired => Some(ErrorCode::CardExpired),
        CardStatus::Renewed => Some(ErrorCode::ExpiryMismatch),
        CardStatus::Replaced => Some(ErrorCode::CardReplaced),
        CardStatus::Unknown => Some(ErrorCode::CardNumberInvalid),
    }
}
