//! The IPC contract between the Tauri shell and the UI, in one place.
//!
//! [`commands!`] lists every command with its argument and result type. From this one list:
//! - `COMMAND_NAMES` feeds the Tauri app manifest in `src-tauri/build.rs`, so each command gets
//!   an allow permission that `capabilities/main.json` grants;
//! - [`typescript`] renders `ui/src/lib/ipc/bindings.ts`, whose staleness fails the tests.
//!
//! Every command takes at most one argument, named `args` on the wire.

use ts_rs::TS;

pub use tongbao_core::accounts::security::{
    ChangePassword, CloseAccount, LoginRecord, RecoverStart, RecoveryCard, RecoveryCode, RecoveryFinish,
    RecoveryIdentity, RecoveryRef, RecoveryStage, RecoveryStep, SecurityEvent, SecurityOverview, SecurityRecord,
};
pub use tongbao_core::accounts::session::SessionView;
pub use tongbao_core::accounts::settings::{Language, Settings, Theme};
pub use tongbao_core::accounts::{LoginInput, Profile, RegisterDetails, RegisterInput, UnlockInput};
pub use tongbao_core::bank::CardStatus;
pub use tongbao_core::cards::audit::{AuditEntry, AuditEvent, LastFailure};
pub use tongbao_core::cards::binding::{
    AttemptRef, BindCode, BindStage, BindStart, BindStep, CardRecognition, CardStatusView, CardView, RetryNotice,
};
pub use tongbao_core::cards::manage::{CardDetail, CardRef, CardRename, CardUnbind, CardUpdate};
pub use tongbao_core::cards::{BankId, CardKind};
pub use tongbao_core::money::payments::{
    Arrival, BalanceView, Counterparty, Direction, HistoryCursor, HistoryPage, HistoryQuery, MonthlyFlow, PayeeView,
    PaymentDetail, PaymentEvent, PaymentInput, PaymentKind, PaymentQuote, PaymentRef, PaymentRequest, PaymentStatus,
    PaymentView,
};
pub use tongbao_core::platform::error::{AppError, Category, ErrorCode, Field, Remedy, RetryHelps};
pub use tongbao_core::support::checks::{CacheCleared, CheckId, CheckResult, CheckStatus, DiagnoseInput, Diagnostics};
pub use tongbao_core::wallet::AppStatus;
pub use tongbao_mockbank::{BankAction, MockCard, MockControls, MockPanel, MockSms, MockToken};

/// "Reset this installation": the confirmation word the person typed.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResetInput {
    pub confirm: String,
}

/// Where `export_report` wrote the support report.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedReport {
    pub text_path: String,
    pub json_path: String,
}

/// An update the update server announces (its signature is checked when it is downloaded).
#[derive(Debug, Clone, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    pub version: String,
    pub notes: Option<String>,
    /// The publish date as the manifest gives it (RFC 3339), if any.
    pub date: Option<String>,
}

/// This app's version and what the last update check found.
#[derive(Debug, Clone, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStatus {
    pub current_version: String,
    /// A newer version, when the last check found one.
    pub available: Option<UpdateInfo>,
    /// When the last check ended (Unix ms), if one has.
    #[ts(type = "number | null")]
    pub checked_at: Option<i64>,
}

/// How far `update_install` went: always downloaded and verified; installed where it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UpdateStage {
    /// Installed: restart to run the new version.
    Installed,
    /// Verified, not installed: this app was not installed from a package (a build from source).
    NotPackaged,
    /// Verified, not installed: test mode with `TONGBAO_UPDATE_DRY_RUN=1`.
    DryRun,
}

#[derive(Debug, Clone, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    pub version: String,
    /// The size of the package downloaded and verified.
    #[ts(type = "number")]
    pub bytes: u64,
    pub stage: UpdateStage,
}

/// What Rust tells the UI without being asked, through the `watch_events` channel: nothing in
/// the UI polls for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppEvent {
    /// The signed-in session locked itself after the idle time.
    SessionLocked,
    /// The mock phone received an SMS.
    MockChanged,
    /// The background integrity check found the database damaged (`app_status` now says
    /// DATABASE_DAMAGED).
    StorageDamaged,
}

/// One command of the contract, as the generator sees it.
pub struct CommandSpec {
    pub name: &'static str,
    /// TypeScript type of `args`, or None for a command without arguments.
    pub args: Option<String>,
    pub result: String,
}

macro_rules! commands {
    ($( $name:ident ( $($args:ty)? ) -> $result:ty ; )*) => {
        /// Every command's name, in the order listed.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        pub fn command_specs() -> Vec<CommandSpec> {
            vec![$(CommandSpec {
                name: stringify!($name),
                args: None $(.or(Some(<$args as TS>::name())))?,
                result: <$result as TS>::name(),
            }),*]
        }
    };
}

commands! {
    app_status() -> AppStatus;
    check_registration(RegisterDetails) -> ();
    register(RegisterInput) -> SessionView;
    login(LoginInput) -> SessionView;
    unlock(UnlockInput) -> SessionView;
    lock() -> ();
    logout() -> ();
    touch() -> ();
    profile() -> Profile;
    update_settings(Settings) -> Settings;
    recognise_card(String) -> Option<CardRecognition>;
    cards() -> Vec<CardView>;
    bind_start(BindStart) -> BindStep;
    bind_token(BindCode) -> BindStep;
    bind_resend(AttemptRef) -> BindStep;
    bind_confirm(BindCode) -> CardView;
    mock_panel() -> MockPanel;
    mock_set_controls(MockControls) -> MockPanel;
    mock_advance_clock(i32) -> MockPanel;
    mock_bank_action(BankAction) -> MockPanel;
    mock_set_version_floor(String) -> MockPanel;
    cards_refresh() -> Vec<CardView>;
    card_detail(CardRef) -> CardDetail;
    account_audit() -> Vec<AuditEntry>;
    last_failure() -> Option<LastFailure>;
    card_rename(CardRename) -> CardView;
    card_set_default(CardRef) -> Vec<CardView>;
    card_update_start(CardUpdate) -> BindStep;
    card_update_resend(AttemptRef) -> BindStep;
    card_update_confirm(BindCode) -> CardView;
    card_unbind(CardUnbind) -> Vec<CardView>;
    run_diagnostics(DiagnoseInput) -> Diagnostics;
    clear_cache() -> CacheCleared;
    export_report() -> Option<ExportedReport>;
    balance() -> BalanceView;
    find_payee(String) -> PayeeView;
    quote_payment(PaymentInput) -> PaymentQuote;
    pay(PaymentRequest) -> PaymentView;
    revoke_payment(PaymentRef) -> PaymentView;
    history(HistoryQuery) -> HistoryPage;
    payment_detail(PaymentRef) -> PaymentDetail;
    monthly_flows(u32) -> Vec<MonthlyFlow>;
    export_history(HistoryQuery) -> Option<String>;
    change_password(ChangePassword) -> ();
    change_pay_password(ChangePassword) -> ();
    recover_start(RecoverStart) -> RecoveryStep;
    recover_resend(RecoveryRef) -> RecoveryStep;
    recover_code(RecoveryCode) -> RecoveryStep;
    recover_identity(RecoveryIdentity) -> RecoveryStep;
    recover_finish(RecoveryFinish) -> ();
    pay_recover_start() -> RecoveryStep;
    pay_recover_resend(RecoveryRef) -> RecoveryStep;
    pay_recover_code(RecoveryCode) -> RecoveryStep;
    pay_recover_card(RecoveryCard) -> RecoveryStep;
    pay_recover_card_code(RecoveryCode) -> RecoveryStep;
    pay_recover_identity(RecoveryIdentity) -> RecoveryStep;
    pay_recover_finish(RecoveryFinish) -> ();
    security_overview() -> SecurityOverview;
    close_account(CloseAccount) -> ();
    reset_installation(ResetInput) -> ();
    update_status() -> UpdateStatus;
    update_check() -> UpdateStatus;
    update_install() -> UpdateOutcome;
    update_restart() -> ();
    watch_events() -> ();
}

/// Commands that also take an `onRetry` channel of [`RetryNotice`]s (bank calls with retries).
pub const PROGRESS_COMMANDS: &[&str] = &[
    "bind_start",
    "bind_token",
    "bind_resend",
    "bind_confirm",
    "card_update_start",
    "card_update_resend",
    "card_update_confirm",
    "card_unbind",
    "pay",
    "pay_recover_card",
    "pay_recover_card_code",
    "close_account",
];

/// Commands that also take an `onCheck` channel of [`CheckResult`]s (each check as it ends).
pub const CHECK_COMMANDS: &[&str] = &["run_diagnostics"];

/// Commands that also take an `onEvent` channel of [`AppEvent`]s (kept by Rust).
pub const EVENT_COMMANDS: &[&str] = &["watch_events"];

/// Every type that crosses IPC, declared in dependency-free order.
fn declarations() -> Vec<String> {
    vec![
        ErrorCode::decl(),
        Field::decl(),
        Category::decl(),
        RetryHelps::decl(),
        Remedy::decl(),
        AppError::decl(),
        Language::decl(),
        Theme::decl(),
        Settings::decl(),
        SessionView::decl(),
        AppStatus::decl(),
        RegisterDetails::decl(),
        RegisterInput::decl(),
        LoginInput::decl(),
        UnlockInput::decl(),
        Profile::decl(),
        BankId::decl(),
        CardKind::decl(),
        CardRecognition::decl(),
        BindStart::decl(),
        BindStage::decl(),
        BindStep::decl(),
        BindCode::decl(),
        AttemptRef::decl(),
        RetryNotice::decl(),
        CardStatusView::decl(),
        CardView::decl(),
        MockCard::decl(),
        BankAction::decl(),
        MockSms::decl(),
        MockToken::decl(),
        MockControls::decl(),
        MockPanel::decl(),
        AuditEvent::decl(),
        AuditEntry::decl(),
        CardDetail::decl(),
        CardRef::decl(),
        CardRename::decl(),
        CardUpdate::decl(),
        CardUnbind::decl(),
        CardStatus::decl(),
        CheckId::decl(),
        CheckResult::decl(),
        AppEvent::decl(),
        UpdateInfo::decl(),
        UpdateStatus::decl(),
        UpdateStage::decl(),
        UpdateOutcome::decl(),
        CheckStatus::decl(),
        LastFailure::decl(),
        Diagnostics::decl(),
        DiagnoseInput::decl(),
        CacheCleared::decl(),
        ExportedReport::decl(),
        PaymentKind::decl(),
        Arrival::decl(),
        PaymentStatus::decl(),
        Direction::decl(),
        PaymentInput::decl(),
        PaymentRequest::decl(),
        PaymentQuote::decl(),
        Counterparty::decl(),
        PayeeView::decl(),
        PaymentView::decl(),
        PaymentEvent::decl(),
        PaymentDetail::decl(),
        PaymentRef::decl(),
        BalanceView::decl(),
        HistoryCursor::decl(),
        HistoryQuery::decl(),
        HistoryPage::decl(),
        MonthlyFlow::decl(),
        ChangePassword::decl(),
        RecoverStart::decl(),
        RecoveryRef::decl(),
        RecoveryCode::decl(),
        RecoveryIdentity::decl(),
        RecoveryCard::decl(),
        RecoveryFinish::decl(),
        RecoveryStage::decl(),
        RecoveryStep::decl(),
        LoginRecord::decl(),
        SecurityEvent::decl(),
        SecurityRecord::decl(),
        SecurityOverview::decl(),
        CloseAccount::decl(),
        ResetInput::decl(),
    ]
}

/// The whole `bindings.ts` file.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by `cargo run -p tongbao-api --bin gen-bindings`.\n\
         // Do not edit: the test command fails when this file is stale.\n\n",
    );
    for d in declarations() {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its `args` (null when it takes none) and its result. */\n");
    out.push_str("export interface Commands {\n");
    for c in command_specs() {
        let args = c.args.unwrap_or_else(|| "null".into());
        out.push_str(&format!("  {}: {{ args: {}; result: {} }};\n", c.name, args, c.result));
    }
    out.push_str("}\n\nexport const COMMAND_NAMES = [\n");
    for n in COMMAND_NAMES {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n\n/** Commands that take an `onRetry` channel of RetryNotice. */\nexport const PROGRESS_COMMANDS = [\n");
    for n in PROGRESS_COMMANDS {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n\n/** Commands that take an `onCheck` channel of CheckResult. */\nexport const CHECK_COMMANDS = [\n");
    for n in CHECK_COMMANDS {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str(
        "] as const;\n\n/** Commands that take an `onEvent` channel of AppEvent. */\nexport const EVENT_COMMANDS = [\n",
    );
    for n in EVENT_COMMANDS {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n\nexport const ERROR_CODES: readonly ErrorCode[] = [\n");
    for c in ErrorCode::ALL {
        out.push_str(&format!("  \"{}\",\n", c.as_str()));
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for n in COMMAND_NAMES {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
            assert!(seen.insert(n), "duplicate {n}");
        }
    }

    #[test]
    fn bindings_declare_every_command_and_error_code() {
        let ts = typescript();
        for n in COMMAND_NAMES {
            assert!(ts.contains(&format!("  {n}: {{ args:")), "{n}");
        }
        for c in ErrorCode::ALL {
            assert!(ts.contains(&format!("\"{}\"", c.as_str())));
        }
        assert!(ts.contains("export type AppError = { code: ErrorCode,"));
        assert!(ts.contains("field?: Field,") && ts.contains("until?: number,"));
    }
}
