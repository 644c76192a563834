//! IPC adapters: each command is one call into the core, run off the async workers (Argon2
//! and SQLite block), with the core's error passed through as `{code, message, ...}`.
//! The names and types are the contract in the `tongbao-api` crate.

use tauri::{Manager, State};
use tongbao_api::{AppEvent, UpdateOutcome, UpdateStatus};
use tongbao_api::{
    AppStatus, AttemptRef, AuditEntry, BankAction, BindCode, BindStart, BindStep, CacheCleared, CardDetail,
    CardRecognition, CardRef, CardRename, CardUnbind, CardUpdate, CardView, CheckResult, DiagnoseInput, Diagnostics,
    ExportedReport, LastFailure, LoginInput, MockControls, MockPanel, Profile, RegisterDetails, RegisterInput,
    RetryNotice, SessionView, Settings, UnlockInput,
};
use tongbao_api::{
    BalanceView, HistoryPage, HistoryQuery, MonthlyFlow, PayeeView, PaymentDetail, PaymentInput, PaymentQuote,
    PaymentRef, PaymentRequest, PaymentView,
};
use tongbao_api::{
    ChangePassword, CloseAccount, RecoverStart, RecoveryCard, RecoveryCode, RecoveryFinish, RecoveryIdentity,
    RecoveryRef, RecoveryStep, ResetInput, SecurityOverview,
};
use tongbao_core::platform::clock::{OffsetClock, MINUTE};
use tongbao_core::{AppError, ErrorCode, Wallet};
use tongbao_mockbank::{MockBank, Viewer};

use crate::args::{Args, Chan};
use crate::events::Events;
use crate::state::AppState;

/// Runs `f` on the blocking pool with the opened wallet.
async fn run<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let wallet = state.opened().await?.wallet;
    tauri::async_runtime::spawn_blocking(move || f(&wallet))
        .await
        .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
}

/// [`run`] for a command that starts or moves the auto-lock deadline: the session watcher looks
/// again afterwards, whatever the outcome.
async fn run_then_wake<T, F>(state: &AppState, events: &Events, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let done = run(state, f).await;
    events.wake();
    done
}

/// Runs `f` with the mock bank, after checking the session without counting it as activity:
/// only a signed-in person sees the mock panels. `f` gets the viewer: the signed-in person
/// (their own phones' SMS and their own cards), or None in test mode (everyone's).
async fn run_mock<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&MockBank, Option<&Viewer>) -> Result<T, AppError> + Send + 'static,
{
    let opened = state.opened().await?;
    tauri::async_runtime::spawn_blocking(move || {
        let (id_number, phone) = opened.wallet.viewer_identity()?;
        let viewer = Viewer { id_number, phone };
        f(&opened.bank, opened.clock.is_none().then_some(&viewer))
    })
    .await
    .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
}

/// `run_mock` for a developer control: only in test mode, with its clock.
async fn run_test_control<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&MockBank, &OffsetClock) -> T + Send + 'static,
{
    let clock = state.opened().await?.clock.ok_or_else(|| {
        AppError::new(ErrorCode::TestModeRequired, "developer controls exist only in test mode (TONGBAO_TEST_MODE=1)")
    })?;
    run_mock(state, move |b, _| Ok(f(b, &clock))).await
}

/// `run` for a bank command: `f` gets a callback that tells the UI about each automatic retry
/// of the bank call through `on_retry`.
async fn run_bank<T, F>(state: &AppState, on_retry: Chan<RetryNotice>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet, &dyn Fn(u32, u32)) -> Result<T, AppError> + Send + 'static,
{
    let on_retry = on_retry.get()?;
    let notify = move |attempt, max| {
        let _ = on_retry.send(RetryNotice { attempt, max });
    };
    run(state, move |w| f(w, &notify)).await
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    run(&state, |w| w.status()).await
}

#[tauri::command]
pub async fn check_registration(state: State<'_, AppState>, args: Args<RegisterDetails>) -> Result<(), AppError> {
    let args = args.get()?;
    run(&state, move |w| w.check_registration(&args)).await
}

#[tauri::command]
pub async fn register(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    args: Args<RegisterInput>,
) -> Result<SessionView, AppError> {
    let args = args.get()?;
    run_then_wake(&state, &events, move |w| w.register(&args)).await
}

#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    args: Args<LoginInput>,
) -> Result<SessionView, AppError> {
    let args = args.get()?;
    run_then_wake(&state, &events, move |w| w.login(&args)).await
}

#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    args: Args<UnlockInput>,
) -> Result<SessionView, AppError> {
    let args = args.get()?;
    run_then_wake(&state, &events, move |w| w.unlock(&args.password)).await
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> Result<(), AppError> {
    run(&state, |w| w.lock()).await
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> Result<(), AppError> {
    run(&state, |w| {
        w.logout();
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn touch(state: State<'_, AppState>) -> Result<(), AppError> {
    run(&state, |w| w.touch()).await
}

#[tauri::command]
pub async fn profile(state: State<'_, AppState>) -> Result<Profile, AppError> {
    run(&state, |w| w.profile()).await
}

#[tauri::command]
pub async fn update_settings(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    args: Args<Settings>,
) -> Result<Settings, AppError> {
    let args = args.get()?;
    run_then_wake(&state, &events, move |w| w.update_settings(&args)).await // the auto-lock time may change
}

#[tauri::command]
pub async fn recognise_card(
    state: State<'_, AppState>,
    args: Args<String>,
) -> Result<Option<CardRecognition>, AppError> {
    let args = args.get()?;
    run(&state, move |w| Ok(w.recognise_card(&args))).await
}

#[tauri::command]
pub async fn cards(state: State<'_, AppState>) -> Result<Vec<CardView>, AppError> {
    run(&state, |w| w.cards()).await
}

#[tauri::command]
pub async fn bind_start(
    state: State<'_, AppState>,
    args: Args<BindStart>,
    on_retry: Chan<RetryNotice>,
) -> Result<BindStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.bind_start(&args, notify)).await
}

#[tauri::command]
pub async fn bind_token(
    state: State<'_, AppState>,
    args: Args<BindCode>,
    on_retry: Chan<RetryNotice>,
) -> Result<BindStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.bind_token(&args.attempt_id, &args.code, notify)).await
}

#[tauri::command]
pub async fn bind_resend(
    state: State<'_, AppState>,
    args: Args<AttemptRef>,
    on_retry: Chan<RetryNotice>,
) -> Result<BindStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.bind_resend(&args.attempt_id, notify)).await
}

#[tauri::command]
pub async fn bind_confirm(
    state: State<'_, AppState>,
    args: Args<BindCode>,
    on_retry: Chan<RetryNotice>,
) -> Result<CardView, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.bind_confirm(&args.attempt_id, &args.code, notify)).await
}

/// The mock panels. Signed out (recovering a password from the login screen), the mock phone
/// still shows: everyone's SMS in test mode, otherwise only those to a phone whose password is
/// being recovered in this app (the phone in the person's hand).
#[tauri::command]
pub async fn mock_panel(state: State<'_, AppState>) -> Result<MockPanel, AppError> {
    let opened = state.opened().await?;
    let signed_out = matches!(opened.wallet.check_session(), Err(e) if e.code == ErrorCode::NotLoggedIn);
    if !signed_out {
        return run_mock(&state, |b, viewer| Ok(b.panel(viewer))).await;
    }
    tauri::async_runtime::spawn_blocking(move || match opened.clock {
        Some(_) => Ok(opened.bank.panel(None)),
        None => Ok(opened.bank.sms_panel(&opened.wallet.recovering_phones()?)),
    })
    .await
    .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
}

/// Latency, faults and the offline switch (test mode only).
#[tauri::command]
pub async fn mock_set_controls(state: State<'_, AppState>, args: Args<MockControls>) -> Result<MockPanel, AppError> {
    let args = args.get()?;
    run_test_control(&state, move |b, _| {
        b.set_controls(args.to_controls());
        b.panel(None)
    })
    .await
}

/// Moves the mock clock forward by whole minutes (1 to 60 × 24 × 400: up to about 13 months;
/// test mode only).
#[tauri::command]
pub async fn mock_advance_clock(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    args: Args<i32>,
) -> Result<MockPanel, AppError> {
    let args = args.get()?;
    if !(1..=60 * 24 * 400).contains(&args) {
        return Err(AppError::new(ErrorCode::InputInvalid, "the clock moves 1 minute to 400 days"));
    }
    let panel = run_test_control(&state, move |b, clock| {
        clock.advance(i64::from(args) * MINUTE);
        tracing::info!(minutes = args, "mock clock moved forward");
        b.panel(None)
    })
    .await;
    events.wake(); // an auto-lock may now be due
    panel
}

/// The mock bank's client-version floor (test mode only): raise it to see UPGRADE_REQUIRED.
#[tauri::command]
pub async fn mock_set_version_floor(state: State<'_, AppState>, args: Args<String>) -> Result<MockPanel, AppError> {
    let args = args.get()?;
    let v = args.trim().to_owned();
    if v.is_empty() || v.len() > 20 || !v.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return Err(AppError::new(ErrorCode::InputInvalid, "a version is like 1.2.3"));
    }
    run_test_control(&state, move |b, _| {
        b.set_client_version_floor(&v);
        b.panel(None)
    })
    .await
}

/// A bank counter action (activate, enable e-payment, unfreeze, change the reserved phone,
/// report lost): the remedies of the failure catalogue, performed at the mock bank on a card
/// of the signed-in person (any card in test mode).
#[tauri::command]
pub async fn mock_bank_action(state: State<'_, AppState>, args: Args<BankAction>) -> Result<MockPanel, AppError> {
    let args = args.get()?;
    run_mock(&state, move |b, viewer| {
        b.act(viewer, &args).map_err(|e| AppError::new(ErrorCode::InputInvalid, e))?;
        Ok(b.panel(viewer))
    })
    .await
}

#[tauri::command]
pub async fn cards_refresh(state: State<'_, AppState>) -> Result<Vec<CardView>, AppError> {
    run(&state, |w| w.refresh_card_statuses()).await
}

#[tauri::command]
pub async fn card_detail(state: State<'_, AppState>, args: Args<CardRef>) -> Result<CardDetail, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.card_detail(args.card_id)).await
}

#[tauri::command]
pub async fn account_audit(state: State<'_, AppState>) -> Result<Vec<AuditEntry>, AppError> {
    run(&state, |w| w.account_audit()).await
}

#[tauri::command]
pub async fn last_failure(state: State<'_, AppState>) -> Result<Option<LastFailure>, AppError> {
    run(&state, |w| w.last_failure()).await
}

#[tauri::command]
pub async fn card_rename(state: State<'_, AppState>, args: Args<CardRename>) -> Result<CardView, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.rename_card(&args)).await
}

#[tauri::command]
pub async fn card_set_default(state: State<'_, AppState>, args: Args<CardRef>) -> Result<Vec<CardView>, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.set_default_card(&args)).await
}

#[tauri::command]
pub async fn card_update_start(
    state: State<'_, AppState>,
    args: Args<CardUpdate>,
    on_retry: Chan<RetryNotice>,
) -> Result<BindStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.card_update_start(&args, notify)).await
}

#[tauri::command]
pub async fn card_update_resend(
    state: State<'_, AppState>,
    args: Args<AttemptRef>,
    on_retry: Chan<RetryNotice>,
) -> Result<BindStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.card_update_resend(&args.attempt_id, notify)).await
}

#[tauri::command]
pub async fn card_update_confirm(
    state: State<'_, AppState>,
    args: Args<BindCode>,
    on_retry: Chan<RetryNotice>,
) -> Result<CardView, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.card_update_confirm(&args.attempt_id, &args.code, notify)).await
}

#[tauri::command]
pub async fn card_unbind(
    state: State<'_, AppState>,
    args: Args<CardUnbind>,
    on_retry: Chan<RetryNotice>,
) -> Result<Vec<CardView>, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.unbind_card(&args, notify)).await
}

/// Runs the troubleshooting checks concurrently; `on_check` hears each one as it ends.
#[tauri::command]
pub async fn run_diagnostics(
    state: State<'_, AppState>,
    args: Args<DiagnoseInput>,
    on_check: Chan<CheckResult>,
) -> Result<Diagnostics, AppError> {
    let args = args.get()?;
    let on_check = on_check.get()?;
    run(&state, move |w| {
        w.run_diagnostics(&args, env!("CARGO_PKG_VERSION"), &|c| {
            let _ = on_check.send(c.clone());
        })
    })
    .await
}

#[tauri::command]
pub async fn clear_cache(state: State<'_, AppState>) -> Result<CacheCleared, AppError> {
    run(&state, |w| w.clear_cache()).await
}

/// Writes the support report where the person picks (a native save dialog; `None` when they
/// cancel): the text there, the JSON beside it.
#[tauri::command]
pub async fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ExportedReport>, AppError> {
    let log_tail = crate::report_file::log_tail(&app);
    let files = run(&state, move |w| w.support_report(env!("CARGO_PKG_VERSION"), &log_tail)).await?;
    let Some(text_path) = crate::report_file::choose_path(&app, "tongbao-report", "txt").await? else {
        return Ok(None);
    };
    tauri::async_runtime::spawn_blocking(move || crate::report_file::write(&text_path, &files))
        .await
        .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
        .map(Some)
}

#[tauri::command]
pub async fn balance(state: State<'_, AppState>) -> Result<BalanceView, AppError> {
    run(&state, |w| w.balance().map(|balance_fen| BalanceView { balance_fen })).await
}

#[tauri::command]
pub async fn find_payee(state: State<'_, AppState>, args: Args<String>) -> Result<PayeeView, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.find_payee(&args)).await
}

#[tauri::command]
pub async fn quote_payment(state: State<'_, AppState>, args: Args<PaymentInput>) -> Result<PaymentQuote, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.quote_payment(&args)).await
}

#[tauri::command]
pub async fn pay(
    state: State<'_, AppState>,
    args: Args<PaymentRequest>,
    on_retry: Chan<RetryNotice>,
) -> Result<PaymentView, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.pay(&args, notify)).await
}

#[tauri::command]
pub async fn revoke_payment(state: State<'_, AppState>, args: Args<PaymentRef>) -> Result<PaymentView, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.revoke_payment(args.payment_id)).await
}

#[tauri::command]
pub async fn history(state: State<'_, AppState>, args: Args<HistoryQuery>) -> Result<HistoryPage, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.history(&args)).await
}

#[tauri::command]
pub async fn payment_detail(state: State<'_, AppState>, args: Args<PaymentRef>) -> Result<PaymentDetail, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.payment_detail(args.payment_id)).await
}

#[tauri::command]
pub async fn monthly_flows(state: State<'_, AppState>, args: Args<u32>) -> Result<Vec<MonthlyFlow>, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.monthly_flows(args)).await
}

/// Writes the filtered history as CSV where the person picks (None when they cancel).
#[tauri::command]
pub async fn export_history(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    args: Args<HistoryQuery>,
) -> Result<Option<String>, AppError> {
    let args = args.get()?;
    let csv = run(&state, move |w| w.history_csv(&args)).await?;
    let Some(path) = crate::report_file::choose_path(&app, "tongbao-history", "csv").await? else {
        return Ok(None);
    };
    tauri::async_runtime::spawn_blocking(move || crate::report_file::write_one(&path, &csv))
        .await
        .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
        .map(Some)
}

// --- Account and security center -------------------------------------------------------------

#[tauri::command]
pub async fn change_password(state: State<'_, AppState>, args: Args<ChangePassword>) -> Result<(), AppError> {
    let args = args.get()?;
    run(&state, move |w| w.change_password(&args)).await
}

#[tauri::command]
pub async fn change_pay_password(state: State<'_, AppState>, args: Args<ChangePassword>) -> Result<(), AppError> {
    let args = args.get()?;
    run(&state, move |w| w.change_pay_password(&args)).await
}

#[tauri::command]
pub async fn recover_start(state: State<'_, AppState>, args: Args<RecoverStart>) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.recover_start(&args)).await
}

#[tauri::command]
pub async fn recover_resend(state: State<'_, AppState>, args: Args<RecoveryRef>) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.recover_resend(&args)).await
}

#[tauri::command]
pub async fn recover_code(state: State<'_, AppState>, args: Args<RecoveryCode>) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.recover_code(&args)).await
}

#[tauri::command]
pub async fn recover_identity(
    state: State<'_, AppState>,
    args: Args<RecoveryIdentity>,
) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.recover_identity(&args)).await
}

#[tauri::command]
pub async fn recover_finish(state: State<'_, AppState>, args: Args<RecoveryFinish>) -> Result<(), AppError> {
    let args = args.get()?;
    run(&state, move |w| w.recover_finish(&args)).await
}

#[tauri::command]
pub async fn pay_recover_start(state: State<'_, AppState>) -> Result<RecoveryStep, AppError> {
    run(&state, |w| w.pay_recover_start()).await
}

#[tauri::command]
pub async fn pay_recover_resend(state: State<'_, AppState>, args: Args<RecoveryRef>) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.pay_recover_resend(&args)).await
}

#[tauri::command]
pub async fn pay_recover_code(state: State<'_, AppState>, args: Args<RecoveryCode>) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.pay_recover_code(&args)).await
}

#[tauri::command]
pub async fn pay_recover_card(
    state: State<'_, AppState>,
    args: Args<RecoveryCard>,
    on_retry: Chan<RetryNotice>,
) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.pay_recover_card(&args, notify)).await
}

#[tauri::command]
pub async fn pay_recover_card_code(
    state: State<'_, AppState>,
    args: Args<RecoveryCode>,
    on_retry: Chan<RetryNotice>,
) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.pay_recover_card_code(&args, notify)).await
}

#[tauri::command]
pub async fn pay_recover_identity(
    state: State<'_, AppState>,
    args: Args<RecoveryIdentity>,
) -> Result<RecoveryStep, AppError> {
    let args = args.get()?;
    run(&state, move |w| w.pay_recover_identity(&args)).await
}

#[tauri::command]
pub async fn pay_recover_finish(state: State<'_, AppState>, args: Args<RecoveryFinish>) -> Result<(), AppError> {
    let args = args.get()?;
    run(&state, move |w| w.pay_recover_finish(&args)).await
}

#[tauri::command]
pub async fn security_overview(state: State<'_, AppState>) -> Result<SecurityOverview, AppError> {
    run(&state, |w| w.security_overview()).await
}

#[tauri::command]
pub async fn close_account(
    state: State<'_, AppState>,
    args: Args<CloseAccount>,
    on_retry: Chan<RetryNotice>,
) -> Result<(), AppError> {
    let args = args.get()?;
    run_bank(&state, on_retry, move |w, notify| w.close_account(&args, notify)).await
}

/// Reset this installation: works whether or not the wallet could be opened (it is offered on
/// the start-up problem screen too).
#[tauri::command]
pub async fn reset_installation(state: State<'_, AppState>, args: Args<ResetInput>) -> Result<(), AppError> {
    let args = args.get()?;
    state.reset(args.confirm).await
}

#[tauri::command]
pub async fn update_status(app: tauri::AppHandle) -> Result<UpdateStatus, AppError> {
    Ok(app.state::<crate::updates::Updates>().status(&app))
}

#[tauri::command]
pub async fn update_check(app: tauri::AppHandle) -> Result<UpdateStatus, AppError> {
    crate::updates::check(&app).await
}

#[tauri::command]
pub async fn update_install(app: tauri::AppHandle) -> Result<UpdateOutcome, AppError> {
    crate::updates::install(&app).await
}

/// Restarts into the version just installed.
#[tauri::command]
pub async fn update_restart(app: tauri::AppHandle) -> Result<(), AppError> {
    crate::updates::restart(&app)
}

/// Hands Rust the channel for what it tells the UI unasked (the session locking itself, an SMS
/// on the mock phone, a damaged database); answers once the opening under way has ended.
#[tauri::command]
pub async fn watch_events(
    state: State<'_, AppState>,
    events: State<'_, Events>,
    on_event: Chan<AppEvent>,
) -> Result<(), AppError> {
    events.watch(on_event.get()?);
    // Found damaged before the UI was listening: say it now.
    if let Some(opened) = state.if_open().await {
        if opened.wallet.storage_damaged() == Some(true) {
            events.send(AppEvent::StorageDamaged);
        }
    }
    Ok(())
}
