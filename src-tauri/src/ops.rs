//! What each command does: one function per command of the contract, named as the command,
//! each one call into the core (or the mock bank, or the shell's own services). The wrappers in
//! [`crate::commands`] are derived from the contract and call these; a signature that does not
//! match the declared argument and result types does not compile.
//!
//! By runner: `wallet`/`wake` take the opened wallet and the argument; `bank` also a retry
//! callback; `checks` a callback per finished check; `mock` the mock bank and its viewer;
//! `test` the mock bank and the test-mode clock; `shell` and `events` the app handle.

use tauri::{AppHandle, Manager};
use tongbao_api::*;
use tongbao_core::platform::clock::{OffsetClock, MINUTE};
use tongbao_core::{AppError, ErrorCode, Wallet};
use tongbao_mockbank::{MockBank, Viewer};

use crate::events::Events;
use crate::runners::{blocking, run_mock, run_then_settle};
use crate::state::AppState;

type Notify<'a> = &'a dyn Fn(u32, u32);

// --- Start, sign-in, settings ---------------------------------------------------------------

pub fn app_status(w: &Wallet) -> Result<AppStatus, AppError> {
    w.accounts().status()
}

pub fn check_registration(w: &Wallet, a: RegisterDetails) -> Result<(), AppError> {
    w.accounts().check_registration(&a)
}

pub fn register(w: &Wallet, a: RegisterInput) -> Result<SessionView, AppError> {
    w.accounts().register(&a)
}

pub fn login(w: &Wallet, a: LoginInput) -> Result<SessionView, AppError> {
    w.accounts().login(&a)
}

pub fn unlock(w: &Wallet, a: UnlockInput) -> Result<SessionView, AppError> {
    w.accounts().unlock(&a.password)
}

pub fn lock(w: &Wallet) -> Result<(), AppError> {
    w.accounts().lock()
}

pub fn logout(w: &Wallet) -> Result<(), AppError> {
    w.accounts().logout();
    Ok(())
}

pub fn touch(w: &Wallet) -> Result<(), AppError> {
    w.accounts().touch()
}

pub fn profile(w: &Wallet) -> Result<Profile, AppError> {
    w.accounts().profile()
}

/// The auto-lock time may change: the runner wakes the session watcher.
pub fn update_settings(w: &Wallet, a: Settings) -> Result<Settings, AppError> {
    w.accounts().update_settings(&a)
}

// --- Cards ----------------------------------------------------------------------------------

pub fn recognise_card(w: &Wallet, a: String) -> Result<Option<CardRecognition>, AppError> {
    Ok(w.cards().recognise_card(&a))
}

pub fn cards(w: &Wallet) -> Result<Vec<CardView>, AppError> {
    w.cards().list()
}

pub fn bind_start(w: &Wallet, a: BindStart, n: Notify) -> Result<BindStep, AppError> {
    w.cards().bind_start(&a, n)
}

pub fn bind_token(w: &Wallet, a: BindCode, n: Notify) -> Result<BindStep, AppError> {
    w.cards().bind_token(&a.attempt_id, &a.code, n)
}

pub fn bind_resend(w: &Wallet, a: AttemptRef, n: Notify) -> Result<BindStep, AppError> {
    w.cards().bind_resend(&a.attempt_id, n)
}

pub fn bind_confirm(w: &Wallet, a: BindCode, n: Notify) -> Result<CardView, AppError> {
    w.cards().bind_confirm(&a.attempt_id, &a.code, n)
}

pub fn cards_refresh(w: &Wallet) -> Result<Vec<CardView>, AppError> {
    w.cards().refresh_card_statuses()
}

pub fn card_detail(w: &Wallet, a: CardRef) -> Result<CardDetail, AppError> {
    w.cards().card_detail(a.card_id)
}

pub fn account_audit(w: &Wallet) -> Result<Vec<AuditEntry>, AppError> {
    w.cards().account_audit()
}

pub fn last_failure(w: &Wallet) -> Result<Option<LastFailure>, AppError> {
    w.cards().last_failure()
}

pub fn bank_app_start(w: &Wallet) -> Result<BankAppRequest, AppError> {
    w.cards().bank_app_start()
}

pub fn bank_app_callback(w: &Wallet, a: BankAppCallback, n: Notify) -> Result<BankAppBound, AppError> {
    w.cards().bank_app_callback(&a, n)
}

pub fn card_rename(w: &Wallet, a: CardRename) -> Result<CardView, AppError> {
    w.cards().rename_card(&a)
}

pub fn card_set_default(w: &Wallet, a: CardRef) -> Result<Vec<CardView>, AppError> {
    w.cards().set_default_card(&a)
}

pub fn card_update_start(w: &Wallet, a: CardUpdate, n: Notify) -> Result<BindStep, AppError> {
    w.cards().card_update_start(&a, n)
}

pub fn card_update_resend(w: &Wallet, a: AttemptRef, n: Notify) -> Result<BindStep, AppError> {
    w.cards().card_update_resend(&a.attempt_id, n)
}

pub fn card_update_confirm(w: &Wallet, a: BindCode, n: Notify) -> Result<CardView, AppError> {
    w.cards().card_update_confirm(&a.attempt_id, &a.code, n)
}

pub fn card_unbind(w: &Wallet, a: CardUnbind, n: Notify) -> Result<Vec<CardView>, AppError> {
    w.cards().unbind_card(&a, n)
}

// --- The mock bank --------------------------------------------------------------------------

/// The mock panels. Signed out (recovering a password from the login screen), the mock phone
/// still shows: everyone's SMS in test mode, otherwise only those to a phone whose password is
/// being recovered in this app (the phone in the person's hand).
pub async fn mock_panel(app: AppHandle) -> Result<MockPanel, AppError> {
    let opened = app.state::<AppState>().opened().await?;
    let signed_out = matches!(opened.wallet.check_session(), Err(e) if e.code == ErrorCode::NotLoggedIn);
    if !signed_out {
        return run_mock(&app, |b, viewer| Ok(b.panel(viewer))).await;
    }
    blocking(move || match opened.clock {
        Some(_) => Ok(opened.bank.panel(None)),
        None => Ok(opened.bank.sms_panel(&opened.wallet.accounts().recovering_phones()?)),
    })
    .await
}

/// Latency, faults and the offline switch.
pub fn mock_set_controls(b: &MockBank, _: &OffsetClock, a: MockControls) -> Result<MockPanel, AppError> {
    b.set_controls(a.to_controls());
    Ok(b.panel(None))
}

/// Moves the mock clock forward by whole minutes (1 to 60 × 24 × 400: up to about 13 months).
pub fn mock_advance_clock(b: &MockBank, clock: &OffsetClock, minutes: i32) -> Result<MockPanel, AppError> {
    if !(1..=60 * 24 * 400).contains(&minutes) {
        return Err(AppError::new(ErrorCode::InputInvalid, "the clock moves 1 minute to 400 days"));
    }
    clock.advance(i64::from(minutes) * MINUTE);
    tracing::info!(minutes, "mock clock moved forward");
    Ok(b.panel(None))
}

/// A bank counter action (activate, enable e-payment, unfreeze, change the reserved phone,
/// report lost): the remedies of the failure catalogue, performed at the mock bank on a card
/// of the signed-in person (any card in test mode).
pub fn mock_bank_action(b: &MockBank, viewer: Option<&Viewer>, a: BankAction) -> Result<MockPanel, AppError> {
    b.act(viewer, &a).map_err(|e| AppError::new(ErrorCode::InputInvalid, e))?;
    Ok(b.panel(viewer))
}

/// The mock bank's client-version floor: raise it to see UPGRADE_REQUIRED.
pub fn mock_set_version_floor(b: &MockBank, _: &OffsetClock, a: String) -> Result<MockPanel, AppError> {
    let v = a.trim();
    if v.is_empty() || v.len() > 20 || !v.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return Err(AppError::new(ErrorCode::InputInvalid, "a version is like 1.2.3"));
    }
    b.set_client_version_floor(v);
    Ok(b.panel(None))
}

// --- Troubleshooting ------------------------------------------------------------------------

/// Runs the troubleshooting checks concurrently; `tell` hears each one as it ends.
pub fn run_diagnostics(w: &Wallet, a: DiagnoseInput, tell: &dyn Fn(&CheckResult)) -> Result<Diagnostics, AppError> {
    w.support().run_diagnostics(&a, env!("CARGO_PKG_VERSION"), tell)
}

pub fn clear_cache(w: &Wallet) -> Result<CacheCleared, AppError> {
    w.support().clear_cache()
}

/// Writes the support report where the person picks (a native save dialog; `None` when they
/// cancel): the text there, the JSON beside it.
pub async fn export_report(app: AppHandle) -> Result<Option<ExportedReport>, AppError> {
    let log_tail = crate::report_file::log_tail(&app);
    let wallet = app.state::<AppState>().opened().await?.wallet;
    let files = blocking(move || wallet.support().support_report(env!("CARGO_PKG_VERSION"), &log_tail)).await?;
    let Some(text_path) = crate::report_file::choose_path(&app, "tongbao-report", "txt").await? else {
        return Ok(None);
    };
    blocking(move || crate::report_file::write(&text_path, &files)).await.map(Some)
}

// --- Money ----------------------------------------------------------------------------------

/// The balance at once, never waiting on the bank; the person's pending payments settle in
/// the background (one settlement at a time), and the UI hears `payments_settled` when some
/// did.
pub async fn balance(app: AppHandle) -> Result<BalanceView, AppError> {
    run_then_settle(&app, |w| w.money().balance_now().map(|balance_fen| BalanceView { balance_fen })).await
}

pub fn find_payee(w: &Wallet, phone: String) -> Result<PayeeView, AppError> {
    w.money().find_payee(&phone)
}

pub fn quote_payment(w: &Wallet, a: PaymentInput) -> Result<PaymentQuote, AppError> {
    w.money().quote_payment(&a)
}

pub fn pay(w: &Wallet, a: PaymentRequest, n: Notify) -> Result<PaymentView, AppError> {
    w.money().pay(&a, n)
}

pub fn revoke_payment(w: &Wallet, a: PaymentRef) -> Result<PaymentView, AppError> {
    w.money().revoke_payment(a.payment_id)
}

/// The history at once, never waiting on the bank; pending payments settle in the background
/// as after `balance`.
pub async fn history(app: AppHandle, a: HistoryQuery) -> Result<HistoryPage, AppError> {
    run_then_settle(&app, move |w| w.money().history_now(&a)).await
}

pub fn payment_detail(w: &Wallet, a: PaymentRef) -> Result<PaymentDetail, AppError> {
    w.money().payment_detail(a.payment_id)
}

pub fn monthly_flows(w: &Wallet, months: u32) -> Result<Vec<MonthlyFlow>, AppError> {
    w.money().monthly_flows(months)
}

/// Writes the filtered history as CSV where the person picks (None when they cancel).
pub async fn export_history(app: AppHandle, a: HistoryQuery) -> Result<Option<String>, AppError> {
    let wallet = app.state::<AppState>().opened().await?.wallet;
    let csv = blocking(move || wallet.money().history_csv(&a)).await?;
    let Some(path) = crate::report_file::choose_path(&app, "tongbao-history", "csv").await? else {
        return Ok(None);
    };
    blocking(move || crate::report_file::write_one(&path, &csv)).await.map(Some)
}

pub fn checkout_open(w: &Wallet, link: String) -> Result<Checkout, AppError> {
    w.money().checkout(&link)
}

/// The checkout for the link in a QR code picture (base64: the UI read the file; Rust opens
/// no path it is handed).
pub fn checkout_qr(w: &Wallet, picture_base64: String) -> Result<Checkout, AppError> {
    w.money().checkout_qr(&picture_base64)
}

pub fn repay_statement(w: &Wallet, a: CardRef) -> Result<Statement, AppError> {
    w.money().statement(a.card_id)
}

pub fn repay_reminders(w: &Wallet) -> Result<Vec<RepayReminder>, AppError> {
    w.money().repay_reminders()
}

pub fn bill_query(w: &Wallet, a: BillQuery) -> Result<BillAccount, AppError> {
    w.money().bill_query(&a)
}

pub fn bill_saved(w: &Wallet) -> Result<Vec<SavedBill>, AppError> {
    w.money().saved_bills()
}

pub fn bill_save(w: &Wallet, a: SavedBillInput) -> Result<Vec<SavedBill>, AppError> {
    w.money().save_bill(&a)
}

pub fn bill_saved_remove(w: &Wallet, a: SavedBillRef) -> Result<Vec<SavedBill>, AppError> {
    w.money().remove_saved_bill(a)
}

pub fn points(w: &Wallet) -> Result<Points, AppError> {
    Ok(Points { points: w.money().points()? })
}

/// The merchant panel's new order (test mode).
pub fn mock_order_create(b: &MockBank, _: &OffsetClock, a: OrderCreate) -> Result<MockOrder, AppError> {
    b.create_order(&a.merchant_id, &a.title, &a.amount)
}

/// The merchant closes an open order (test mode).
pub fn mock_order_close(b: &MockBank, _: &OffsetClock, order_id: String) -> Result<MockOrder, AppError> {
    b.close_order(&order_id)
}

/// The merchant refunds (part of) a paid order (test mode): the acquirer makes the refund and
/// tells the wallet, which asks the acquirer for it and records it.
pub async fn mock_order_refund(app: AppHandle, a: OrderRefund) -> Result<MockOrder, AppError> {
    let opened = app.state::<AppState>().opened().await?;
    if opened.clock.is_none() {
        return Err(AppError::new(ErrorCode::TestModeRequired, "the merchant panel exists only in test mode"));
    }
    let done = blocking(move || {
        let refund = opened.bank.refund_order(&a.order_id, &a.amount)?;
        opened.wallet.money().refund_arrived(&RefundNotice { refund_id: refund })?;
        opened.bank.mock_order(&a.order_id)
    })
    .await;
    if done.is_ok() {
        // The money came back: the balance, the points and the history change.
        app.state::<Events>().send(AppEvent::PaymentsSettled);
    }
    done
}

/// Saves an order's QR code picture (PNG) where the tester picks (test mode).
pub async fn mock_order_qr(app: AppHandle, order_id: String) -> Result<Option<String>, AppError> {
    let opened = app.state::<AppState>().opened().await?;
    if opened.clock.is_none() {
        return Err(AppError::new(ErrorCode::TestModeRequired, "the merchant panel exists only in test mode"));
    }
    let png = blocking(move || opened.bank.order_qr_png(&order_id)).await?;
    let Some(path) = crate::report_file::choose_path(&app, "tongbao-order-qr", "png").await? else {
        return Ok(None);
    };
    blocking(move || crate::report_file::write_bytes(&path, &png)).await.map(Some)
}

/// Writes a payment's receipt (电子回单, PDF) where the person picks (None when they cancel).
pub async fn export_receipt(app: AppHandle, a: PaymentRef) -> Result<Option<String>, AppError> {
    let wallet = app.state::<AppState>().opened().await?.wallet;
    let pdf = blocking(move || wallet.money().receipt(a.payment_id)).await?;
    let stem = format!("tongbao-receipt-{}", pdf.reference);
    let Some(path) = crate::report_file::choose_path(&app, &stem, "pdf").await? else {
        return Ok(None);
    };
    blocking(move || crate::report_file::write_bytes(&path, &pdf.bytes)).await.map(Some)
}

/// 验证回单: the file the person opened, as base64 (the UI reads it; Rust never opens a path
/// it is handed).
pub fn verify_receipt(w: &Wallet, file_base64: String) -> Result<ReceiptCheck, AppError> {
    w.money().verify_receipt_base64(&file_base64)
}

// --- Account and security center ------------------------------------------------------------

pub fn change_password(w: &Wallet, a: ChangePassword) -> Result<(), AppError> {
    w.accounts().change_password(&a)
}

pub fn change_pay_password(w: &Wallet, a: ChangePassword) -> Result<(), AppError> {
    w.accounts().change_pay_password(&a)
}

pub fn recover_start(w: &Wallet, a: RecoverStart) -> Result<RecoveryStep, AppError> {
    w.accounts().recover_start(&a)
}

pub fn recover_resend(w: &Wallet, a: RecoveryRef) -> Result<RecoveryStep, AppError> {
    w.accounts().recover_resend(&a)
}

pub fn recover_code(w: &Wallet, a: RecoveryCode) -> Result<RecoveryStep, AppError> {
    w.accounts().recover_code(&a)
}

pub fn recover_identity(w: &Wallet, a: RecoveryIdentity) -> Result<RecoveryStep, AppError> {
    w.accounts().recover_identity(&a)
}

pub fn recover_finish(w: &Wallet, a: RecoveryFinish) -> Result<(), AppError> {
    w.accounts().recover_finish(&a)
}

pub fn pay_recover_start(w: &Wallet) -> Result<RecoveryStep, AppError> {
    w.accounts().pay_recover_start()
}

pub fn pay_recover_resend(w: &Wallet, a: RecoveryRef) -> Result<RecoveryStep, AppError> {
    w.accounts().pay_recover_resend(&a)
}

pub fn pay_recover_code(w: &Wallet, a: RecoveryCode) -> Result<RecoveryStep, AppError> {
    w.cards().pay_recover_code(&a)
}

pub fn pay_recover_card(w: &Wallet, a: RecoveryCard, n: Notify) -> Result<RecoveryStep, AppError> {
    w.cards().pay_recover_card(&a, n)
}

pub fn pay_recover_card_code(w: &Wallet, a: RecoveryCode, n: Notify) -> Result<RecoveryStep, AppError> {
    w.cards().pay_recover_card_code(&a, n)
}

pub fn pay_recover_card_resend(w: &Wallet, a: RecoveryRef, n: Notify) -> Result<RecoveryStep, AppError> {
    w.cards().pay_recover_card_resend(&a, n)
}

pub fn pay_recover_identity(w: &Wallet, a: RecoveryIdentity) -> Result<RecoveryStep, AppError> {
    w.accounts().pay_recover_identity(&a)
}

pub fn pay_recover_finish(w: &Wallet, a: RecoveryFinish) -> Result<(), AppError> {
    w.accounts().pay_recover_finish(&a)
}

pub fn security_overview(w: &Wallet) -> Result<SecurityOverview, AppError> {
    w.security_overview()
}

pub fn close_account(w: &Wallet, a: CloseAccount, n: Notify) -> Result<(), AppError> {
    w.close_account(&a, n)
}

/// Reset this installation: works whether or not the wallet could be opened (it is offered on
/// the start-up problem screen too).
pub async fn reset_installation(app: AppHandle, a: ResetInput) -> Result<(), AppError> {
    app.state::<AppState>().reset(a.confirm).await
}

// --- Updates and events ---------------------------------------------------------------------

pub async fn update_status(app: AppHandle) -> Result<UpdateStatus, AppError> {
    Ok(app.state::<crate::updates::Updates>().status(&app))
}

pub async fn update_check(app: AppHandle) -> Result<UpdateStatus, AppError> {
    crate::updates::check(&app).await
}

pub async fn update_install(app: AppHandle) -> Result<UpdateOutcome, AppError> {
    crate::updates::install(&app).await
}

/// Restarts into the version just installed.
pub async fn update_restart(app: AppHandle) -> Result<(), AppError> {
    crate::updates::restart(&app)
}

/// Hands Rust the channel for what it tells the UI unasked (the session locking itself, an SMS
/// on the mock phone, a damaged database); answers once the opening under way has ended.
pub async fn watch_events(app: AppHandle, on_event: tauri::ipc::Channel<AppEvent>) -> Result<(), AppError> {
    let events = app.state::<Events>();
    events.watch(on_event);
    // Found damaged before the UI was listening: say it now.
    if let Some(opened) = app.state::<AppState>().if_open().await {
        if opened.wallet.storage_damaged() == Some(true) {
            events.send(AppEvent::StorageDamaged);
        }
    }
    Ok(())
}

// --- Binding through the bank's app (一键绑卡) ---------------------------------------------------

/// Opens the mock bank's app in its own window on the authorisation page of the wallet's
/// request (`bank_app_start`'s link). Only the request's `state` crosses to the window.
pub async fn bank_app_open(app: AppHandle, url: String) -> Result<(), AppError> {
    let state = url
        .strip_prefix("icbc-mock://authorize?")
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("state=")))
        .filter(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| AppError::new(ErrorCode::BindCallbackInvalid, "not a bank-app request of this wallet"))?;
    open_bank_app(&app, &format!("bankapp.html?state={state}"))
}

/// Opens the mock bank's app on its card settings (开通电子支付 / 无卡支付): the remedy of a
/// card whose online payments are off, done from the person's own phone.
pub async fn bank_app_settings(app: AppHandle) -> Result<(), AppError> {
    open_bank_app(&app, "bankapp.html?page=settings")
}

/// The bank app's window on `page` (a fresh one: an earlier window is closed).
fn open_bank_app(app: &AppHandle, page: &str) -> Result<(), AppError> {
    if let Some(w) = app.get_webview_window("bankapp") {
        let _ = w.close();
    }
    tauri::WebviewWindowBuilder::new(app, "bankapp", tauri::WebviewUrl::App(page.into()))
        .title("工商银行")
        .inner_size(420.0, 760.0)
        .build()
        .map_err(|e| AppError::internal(format!("the bank app's window did not open: {e}")))?;
    tracing::info!("the mock bank's app opened");
    Ok(())
}

/// The first screen's settings, without waiting for the wallet to open.
pub async fn first_screen(app: AppHandle) -> Result<FirstScreen, AppError> {
    Ok(crate::first_screen::read(app.state::<AppState>().data_dir()))
}

/// The `tongbao://` link the OS handed over, once.
pub async fn deep_link_take(app: AppHandle) -> Result<Option<String>, AppError> {
    Ok(app.state::<crate::deep_link::DeepLinks>().take())
}

pub fn bankapp_send_code(b: &MockBank, phone: String) -> Result<String, AppError> {
    b.app_send_code(&phone)
}

pub fn bankapp_sign_in(b: &MockBank, a: BankAppSignIn) -> Result<(), AppError> {
    b.app_sign_in(&a.session, &a.code)
}

pub fn bankapp_cards(b: &MockBank, session: String) -> Result<Vec<AppCard>, AppError> {
    b.app_cards(&session)
}

pub fn bankapp_authorize(b: &MockBank, a: BankAppAuthorize) -> Result<String, AppError> {
    b.app_authorize(&a.session, &a.cards, &a.state)
}

/// The bank app goes back to the wallet as a phone's app does: it asks the OS to open the link,
/// i.e. starts this program with the link as its only argument. That second start hands the
/// link to the running wallet (the single-instance plugin) and exits.
pub fn bankapp_return(_: &MockBank, link: String) -> Result<(), AppError> {
    if !link.starts_with("tongbao://bind/callback?") {
        return Err(AppError::new(ErrorCode::BindCallbackInvalid, "the bank app returns only binding callbacks"));
    }
    let exe = std::env::current_exe().map_err(|e| AppError::internal(format!("this program's path: {e}")))?;
    let mut child = std::process::Command::new(exe)
        .arg(link)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| AppError::internal(format!("could not hand the link to the OS: {e}")))?;
    // Reaped when it exits (it only hands the link over).
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

pub fn bankapp_enable(b: &MockBank, a: BankAppEnable) -> Result<(), AppError> {
    b.app_enable(&a.session, &a.card_id)
}

pub fn pay_step_up_send(w: &Wallet) -> Result<StepUpSent, AppError> {
    w.money().pay_step_up_send()
}

pub fn recent_payees(w: &Wallet) -> Result<Vec<RecentPayee>, AppError> {
    w.money().recent_payees()
}

pub fn recent_payee_remove(w: &Wallet, a: RecentPayeeRef) -> Result<Vec<RecentPayee>, AppError> {
    w.money().recent_payee_remove(&a)
}

// --- On the desktop: notices, hidden amounts, the tray ---------------------------------------

pub fn notices(w: &Wallet) -> Result<Notices, AppError> {
    w.support().notices()
}

pub fn notices_unread(w: &Wallet) -> Result<u32, AppError> {
    w.support().notices_unread()
}

pub fn notice_read(w: &Wallet, n: NoticeRef) -> Result<Notices, AppError> {
    w.support().notices_read(Some(n.id))
}

pub fn notices_read_all(w: &Wallet) -> Result<Notices, AppError> {
    w.support().notices_read(None)
}

pub fn set_hide_amounts(w: &Wallet, hidden: bool) -> Result<(), AppError> {
    w.accounts().set_hide_amounts(hidden)
}

pub async fn tray_action(app: AppHandle, item: TrayItem) -> Result<(), AppError> {
    crate::desktop::tray_action(&app, item).await
}

/// The OS notifications sent since start: test mode only (scripts count them).
pub async fn notifications_sent(app: AppHandle) -> Result<Vec<SentNotification>, AppError> {
    if !crate::state::test_mode() {
        return Err(AppError::new(ErrorCode::TestModeRequired, "the sent notifications are kept in test mode only"));
    }
    Ok(app.state::<crate::events::Notifier>().sent())
}
