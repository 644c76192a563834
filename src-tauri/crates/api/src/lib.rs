//! The IPC contract between the Tauri shell and the UI, in one place.
//!
//! [`with_commands!`] declares every command once: how the shell runs it, its name, its
//! argument and its result type. Everything else about a command is derived from that line
//! (see the macro).
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
pub use tongbao_core::acquirer::{Merchant, Order, OrderStatus};
pub use tongbao_core::bank::Statement;
pub use tongbao_core::bank::{AccountClass, CardStatus};
pub use tongbao_core::biller::{BillAccount, BillKind};
pub use tongbao_core::cards::audit::{AuditEntry, AuditEvent, LastFailure};
pub use tongbao_core::cards::bank_app::{BankAppBound, BankAppCallback, BankAppRequest};
pub use tongbao_core::cards::binding::{
    AttemptRef, BindCode, BindStage, BindStart, BindStep, CardRecognition, CardStatusView, CardView, RetryNotice,
};
pub use tongbao_core::cards::manage::{CardDetail, CardRef, CardRename, CardUnbind, CardUpdate};
pub use tongbao_core::cards::{BankId, CardKind};
pub use tongbao_core::money::payments::bills::{BillPaid, BillQuery, SavedBill, SavedBillInput, SavedBillRef};
pub use tongbao_core::money::payments::merchant::{Checkout, CheckoutMethod, OfferView, Points, RefundNotice};
pub use tongbao_core::money::payments::receipt::{ReceiptCheck, ReceiptFields, ReceiptProblem};
pub use tongbao_core::money::payments::repay::RepayReminder;
pub use tongbao_core::money::payments::trust::{
    PayeeCheck, PayeeCheckView, Purpose, RecentPayee, RecentPayeeRef, RiskRule, StepUpSent,
};
pub use tongbao_core::money::payments::{
    Arrival, BalanceView, Counterparty, Direction, HistoryCursor, HistoryPage, HistoryQuery, MonthlyFlow, OrderPaid,
    PayeeView, PaymentDetail, PaymentEvent, PaymentInput, PaymentKind, PaymentQuote, PaymentRef, PaymentRequest,
    PaymentStatus, PaymentView,
};
pub use tongbao_core::platform::error::{AppError, Category, ErrorCode, Field, Remedy, RetryHelps};
pub use tongbao_core::support::checks::{CacheCleared, CheckId, CheckResult, CheckStatus, DiagnoseInput, Diagnostics};
pub use tongbao_core::support::notices::{NoticeKind, NoticeRef, NoticeView, Notices};
pub use tongbao_core::wallet::AppStatus;
pub use tongbao_mockbank::acquirer::{MockMerchant, MockOrder, OrderCreate, OrderRefund};
pub use tongbao_mockbank::bankapp::{AppCard, BankAppAuthorize, BankAppEnable, BankAppSignIn};
pub use tongbao_mockbank::{BankAction, MockCard, MockControls, MockPanel, MockSms, MockToken};

/// What the first screen needs before the wallet is open (`first_screen`): a copy of these
/// settings kept outside the encrypted database, nothing secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FirstScreen {
    pub language: Language,
    pub theme: Theme,
    pub elder_mode: bool,
}

impl From<&Settings> for FirstScreen {
    fn from(s: &Settings) -> Self {
        Self { language: s.language, theme: s.theme, elder_mode: s.elder_mode }
    }
}

/// The tray menu's items (打开 / 立即锁定 / 退出); `tray_action` runs the same as a click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TrayItem {
    Open,
    Lock,
    Quit,
}

/// An OS notification the wallet sent (or tried to: a desktop without a notification server
/// refuses it softly). Kept in test mode only, so a script can count them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SentNotification {
    pub title: String,
    pub body: String,
    /// How many notices it stands for (several at once are one notification).
    pub count: u32,
}

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
    /// A background settlement finished pending payments (the balance and history changed).
    PaymentsSettled,
    /// A `tongbao://` link arrived from the OS (a second start's argument): the UI takes it with
    /// `deep_link_take` once someone is signed in.
    DeepLink,
    /// New notices reached the signed-in person's notices center (the unread count changed).
    Notices,
    /// The start-up update check answered (`update_status` now says what it found).
    UpdateChecked,
}

/// How the shell runs a command. The shell derives each command's wrapper from it; the
/// channels a command takes follow from it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// One core operation with the opened wallet, on the blocking pool.
    Wallet,
    /// As `Wallet`, then the session watcher looks again (the auto-lock deadline may move).
    Wake,
    /// As `Wallet`, for a bank call with automatic retries: also takes an `onRetry` channel
    /// of [`RetryNotice`]s.
    Bank,
    /// The mock bank, for the signed-in person.
    Mock,
    /// A developer control of the mock bank: test mode (`TONGBAO_TEST_MODE=1`) only.
    Test,
    /// The troubleshooting checks: also takes an `onCheck` channel of [`CheckResult`]s.
    Checks,
    /// Rust's events: takes an `onEvent` channel of [`AppEvent`]s.
    Events,
    /// The shell's own (native dialogs, updates, resetting the installation, the mock panel
    /// signed out): works with the app handle.
    Shell,
    /// The mock bank's own app (一键绑卡), in its own window: the bank, no wallet session. Only
    /// the `bankapp` window may call these, and it may call nothing else.
    BankApp,
}

impl Runner {
    /// The channel argument the command takes besides `args`, if any.
    pub fn channel(self) -> Option<&'static str> {
        match self {
            Runner::Bank => Some("onRetry"),
            Runner::Checks => Some("onCheck"),
            Runner::Events => Some("onEvent"),
            _ => None,
        }
    }
}

/// One command of the contract, as the generator sees it.
pub struct CommandSpec {
    pub name: &'static str,
    pub runner: Runner,
    /// TypeScript type of `args`, or None for a command without arguments.
    pub args: Option<String>,
    pub result: String,
}

/// Calls `$m!` with every command of the contract, one per line:
/// `runner name(Argument) -> Result;` — the one place a command is declared. From it:
/// - [`COMMAND_NAMES`] feeds the Tauri app manifest in `src-tauri/build.rs`, so each command
///   gets an allow permission, and `capabilities/main.json` is generated from it
///   ([`capability_json`]; a test fails when the committed file differs);
/// - the shell (`src-tauri/src/commands.rs`) derives each command's `#[tauri::command]`
///   wrapper from its runner and registers exactly these; each wrapper calls the function of
///   the same name in `src-tauri/src/ops.rs`, whose signature must match the declared types;
/// - [`typescript`] renders `ui/src/lib/ipc/bindings.ts` (the types, the commands and which
///   take a channel), whose staleness fails the tests.
///
/// Types are written as this crate names them; the expansion site imports them.
#[macro_export]
macro_rules! with_commands {
    ($m:ident) => {
        $m! {
            wallet app_status() -> AppStatus;
            wallet check_registration(RegisterDetails) -> ();
            wake register(RegisterInput) -> SessionView;
            wake login(LoginInput) -> SessionView;
            wake unlock(UnlockInput) -> SessionView;
            wallet lock() -> ();
            wallet logout() -> ();
            wallet touch() -> ();
            wallet profile() -> Profile;
            wake update_settings(Settings) -> Settings;
            wallet recognise_card(String) -> Option<CardRecognition>;
            wallet cards() -> Vec<CardView>;
            bank bind_start(BindStart) -> BindStep;
            bank bind_token(BindCode) -> BindStep;
            bank bind_resend(AttemptRef) -> BindStep;
            bank bind_confirm(BindCode) -> CardView;
            shell mock_panel() -> MockPanel;
            test mock_set_controls(MockControls) -> MockPanel;
            test mock_advance_clock(i32) -> MockPanel;
            mock mock_bank_action(BankAction) -> MockPanel;
            test mock_set_version_floor(String) -> MockPanel;
            wallet cards_refresh() -> Vec<CardView>;
            wallet card_detail(CardRef) -> CardDetail;
            wallet account_audit() -> Vec<AuditEntry>;
            wallet last_failure() -> Option<LastFailure>;
            wallet bank_app_start() -> BankAppRequest;
            bank bank_app_callback(BankAppCallback) -> BankAppBound;
            shell bank_app_open(String) -> ();
            shell bank_app_settings() -> ();
            shell deep_link_take() -> Option<String>;
            shell first_screen() -> FirstScreen;
            bankapp bankapp_send_code(String) -> String;
            bankapp bankapp_sign_in(BankAppSignIn) -> ();
            bankapp bankapp_cards(String) -> Vec<AppCard>;
            bankapp bankapp_authorize(BankAppAuthorize) -> String;
            bankapp bankapp_return(String) -> ();
            bankapp bankapp_enable(BankAppEnable) -> ();
            wallet card_rename(CardRename) -> CardView;
            wallet card_set_default(CardRef) -> Vec<CardView>;
            bank card_update_start(CardUpdate) -> BindStep;
            bank card_update_resend(AttemptRef) -> BindStep;
            bank card_update_confirm(BindCode) -> CardView;
            bank card_unbind(CardUnbind) -> Vec<CardView>;
            checks run_diagnostics(DiagnoseInput) -> Diagnostics;
            wallet clear_cache() -> CacheCleared;
            shell export_report() -> Option<ExportedReport>;
            shell balance() -> BalanceView;
            wallet find_payee(String) -> PayeeView;
            wallet quote_payment(PaymentInput) -> PaymentQuote;
            wallet pay_step_up_send() -> StepUpSent;
            wallet recent_payees() -> Vec<RecentPayee>;
            wallet recent_payee_remove(RecentPayeeRef) -> Vec<RecentPayee>;
            wallet checkout_open(String) -> Checkout;
            wallet checkout_qr(String) -> Checkout;
            wallet points() -> Points;
            wallet repay_statement(CardRef) -> Statement;
            wallet repay_reminders() -> Vec<RepayReminder>;
            wallet bill_query(BillQuery) -> BillAccount;
            wallet bill_saved() -> Vec<SavedBill>;
            wallet bill_save(SavedBillInput) -> Vec<SavedBill>;
            wallet bill_saved_remove(SavedBillRef) -> Vec<SavedBill>;
            test mock_order_create(OrderCreate) -> MockOrder;
            test mock_order_close(String) -> MockOrder;
            shell mock_order_refund(OrderRefund) -> MockOrder;
            shell mock_order_qr(String) -> Option<String>;
            bank pay(PaymentRequest) -> PaymentView;
            wallet revoke_payment(PaymentRef) -> PaymentView;
            shell history(HistoryQuery) -> HistoryPage;
            wallet payment_detail(PaymentRef) -> PaymentDetail;
            wallet monthly_flows(u32) -> Vec<MonthlyFlow>;
            shell export_history(HistoryQuery) -> Option<String>;
            shell export_receipt(PaymentRef) -> Option<String>;
            wallet verify_receipt(String) -> ReceiptCheck;
            wallet change_password(ChangePassword) -> ();
            wallet change_pay_password(ChangePassword) -> ();
            wallet recover_start(RecoverStart) -> RecoveryStep;
            wallet recover_resend(RecoveryRef) -> RecoveryStep;
            wallet recover_code(RecoveryCode) -> RecoveryStep;
            wallet recover_identity(RecoveryIdentity) -> RecoveryStep;
            wallet recover_finish(RecoveryFinish) -> ();
            wallet pay_recover_start() -> RecoveryStep;
            wallet pay_recover_resend(RecoveryRef) -> RecoveryStep;
            wallet pay_recover_code(RecoveryCode) -> RecoveryStep;
            bank pay_recover_card(RecoveryCard) -> RecoveryStep;
            bank pay_recover_card_code(RecoveryCode) -> RecoveryStep;
            bank pay_recover_card_resend(RecoveryRef) -> RecoveryStep;
            wallet pay_recover_identity(RecoveryIdentity) -> RecoveryStep;
            wallet pay_recover_finish(RecoveryFinish) -> ();
            wallet security_overview() -> SecurityOverview;
            wallet notices() -> Notices;
            wallet notices_unread() -> u32;
            wallet notice_read(NoticeRef) -> Notices;
            wallet notices_read_all() -> Notices;
            wallet set_hide_amounts(bool) -> ();
            shell tray_action(TrayItem) -> ();
            shell notifications_sent() -> Vec<SentNotification>;
            bank close_account(CloseAccount) -> ();
            shell reset_installation(ResetInput) -> ();
            shell update_status() -> UpdateStatus;
            shell update_check() -> UpdateStatus;
            shell update_install() -> UpdateOutcome;
            shell update_restart() -> ();
            events watch_events() -> ();
        }
    };
}

macro_rules! runner {
    (wallet) => {
        Runner::Wallet
    };
    (wake) => {
        Runner::Wake
    };
    (bank) => {
        Runner::Bank
    };
    (mock) => {
        Runner::Mock
    };
    (test) => {
        Runner::Test
    };
    (checks) => {
        Runner::Checks
    };
    (events) => {
        Runner::Events
    };
    (shell) => {
        Runner::Shell
    };
    (bankapp) => {
        Runner::BankApp
    };
}

macro_rules! contract {
    ($( $run:ident $name:ident ( $($args:ty)? ) -> $result:ty ; )*) => {
        /// Every command's name, in the order declared.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        pub fn command_specs() -> Vec<CommandSpec> {
            vec![$(CommandSpec {
                name: stringify!($name),
                runner: runner!($run),
                args: None $(.or(Some(<$args as TS>::name())))?,
                result: <$result as TS>::name(),
            }),*]
        }
    };
}

with_commands!(contract);

/// The commands that take the channel `channel` besides `args`, in the order declared.
pub fn commands_with_channel(channel: &str) -> Vec<&'static str> {
    command_specs().into_iter().filter(|c| c.runner.channel() == Some(channel)).map(|c| c.name).collect()
}

/// The commands that exist only in test mode.
pub fn test_mode_commands() -> Vec<&'static str> {
    command_specs().into_iter().filter(|c| c.runner == Runner::Test).map(|c| c.name).collect()
}

/// `capabilities/main.json`: the main window may call every command of the contract but the
/// bank app's, and nothing else (no core plugin, no fs, no shell).
pub fn capability_json() -> String {
    capability(
        "main",
        "The main window may call the app's own commands (not the mock bank app's) and nothing else: no core plugins, no fs, no shell.",
        |r| r != Runner::BankApp,
    )
}

/// `capabilities/bankapp.json`: the mock bank's app window may call its own commands only.
pub fn bankapp_capability_json() -> String {
    capability("bankapp", "The mock bank's app window may call the bank app's commands and nothing else.", |r| {
        r == Runner::BankApp
    })
}

fn capability(window: &str, what: &str, allowed: impl Fn(Runner) -> bool) -> String {
    let permissions: Vec<String> = command_specs()
        .into_iter()
        .filter(|c| allowed(c.runner))
        .map(|c| format!("    \"allow-{}\"", c.name.replace('_', "-")))
        .collect();
    format!(
        r#"{{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "{window}",
  "description": "{what} Generated from the command list of the tongbao-api crate (cargo run -p tongbao-api --bin gen-bindings).",
  "windows": [
    "{window}"
  ],
  "permissions": [
{}
  ]
}}
"#,
        permissions.join(",\n")
    )
}

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
        AppCard::decl(),
        BankAppSignIn::decl(),
        BankAppAuthorize::decl(),
        BankAppEnable::decl(),
        PayeeCheck::decl(),
        PayeeCheckView::decl(),
        RiskRule::decl(),
        Purpose::decl(),
        StepUpSent::decl(),
        RecentPayee::decl(),
        RecentPayeeRef::decl(),
        Statement::decl(),
        RepayReminder::decl(),
        BillKind::decl(),
        BillAccount::decl(),
        BillPaid::decl(),
        BillQuery::decl(),
        SavedBill::decl(),
        SavedBillInput::decl(),
        SavedBillRef::decl(),
        Merchant::decl(),
        OrderStatus::decl(),
        Order::decl(),
        OfferView::decl(),
        CheckoutMethod::decl(),
        Checkout::decl(),
        OrderPaid::decl(),
        Points::decl(),
        MockMerchant::decl(),
        MockOrder::decl(),
        OrderCreate::decl(),
        OrderRefund::decl(),
        ReceiptFields::decl(),
        ReceiptProblem::decl(),
        ReceiptCheck::decl(),
        BankAppRequest::decl(),
        BankAppCallback::decl(),
        BankAppBound::decl(),
        CardStatusView::decl(),
        AccountClass::decl(),
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
        NoticeKind::decl(),
        NoticeRef::decl(),
        NoticeView::decl(),
        Notices::decl(),
        TrayItem::decl(),
        FirstScreen::decl(),
        SentNotification::decl(),
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
    for n in commands_with_channel("onRetry") {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n\n/** Commands that take an `onCheck` channel of CheckResult. */\nexport const CHECK_COMMANDS = [\n");
    for n in commands_with_channel("onCheck") {
        out.push_str(&format!("  \"{n}\",\n"));
    }
    out.push_str("] as const;\n\n/** The mock bank app window's commands (only that window may call them). */\nexport const BANK_APP_COMMANDS = [\n");
    for c in command_specs().into_iter().filter(|c| c.runner == Runner::BankApp) {
        out.push_str(&format!("  \"{}\",\n", c.name));
    }
    out.push_str(
        "] as const;\n\n/** Commands that take an `onEvent` channel of AppEvent. */\nexport const EVENT_COMMANDS = [\n",
    );
    for n in commands_with_channel("onEvent") {
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

    /// The committed capability grants exactly the declared commands: a command added, renamed
    /// or removed without regenerating fails here, not in the UI run.
    #[test]
    fn the_committed_capability_grants_exactly_the_declared_commands() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../capabilities/main.json");
        let committed = std::fs::read_to_string(path).unwrap();
        assert_eq!(committed, capability_json(), "run `cargo run -p tongbao-api --bin gen-bindings`");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../capabilities/bankapp.json");
        let committed = std::fs::read_to_string(path).unwrap();
        assert_eq!(committed, bankapp_capability_json(), "run `cargo run -p tongbao-api --bin gen-bindings`");
    }

    /// The two windows share no command: the bank app's window cannot reach the wallet, and
    /// the wallet's window cannot act in the bank's app.
    #[test]
    fn the_bank_app_window_and_the_main_window_share_no_command() {
        let main = capability_json();
        let bankapp = bankapp_capability_json();
        for c in command_specs() {
            let line = format!("\"allow-{}\"", c.name.replace('_', "-"));
            assert!(main.contains(&line) != bankapp.contains(&line), "{}", c.name);
            assert_eq!(bankapp.contains(&line), c.runner == Runner::BankApp, "{}", c.name);
        }
    }

    #[test]
    fn the_committed_bindings_are_the_generated_ones() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../ui/src/lib/ipc/bindings.ts");
        let committed = std::fs::read_to_string(path).unwrap();
        assert!(committed == typescript(), "run `cargo run -p tongbao-api --bin gen-bindings`");
    }

    #[test]
    fn channels_and_test_mode_follow_from_the_runner() {
        assert!(commands_with_channel("onRetry").contains(&"pay"));
        assert_eq!(commands_with_channel("onCheck"), ["run_diagnostics"]);
        assert_eq!(commands_with_channel("onEvent"), ["watch_events"]);
        assert_eq!(
            test_mode_commands(),
            [
                "mock_set_controls",
                "mock_advance_clock",
                "mock_set_version_floor",
                "mock_order_create",
                "mock_order_close"
            ]
        );
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
