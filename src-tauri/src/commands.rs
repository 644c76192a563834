//! IPC adapters: each command is one call into the core, run off the async workers (Argon2
//! and SQLite block), with the core's error passed through as `{code, message, ...}`.
//! The names and types are the contract in the `tongbao-api` crate.

use tauri::State;
use tongbao_api::{
    AppStatus, LoginInput, Profile, RegisterDetails, RegisterInput, SessionView, Settings,
    UnlockInput,
};
use tongbao_core::{AppError, Wallet};

use crate::state::AppState;

/// Runs `f` on the blocking pool with the opened wallet.
async fn run<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let wallet = state.wallet().await?;
    tauri::async_runtime::spawn_blocking(move || f(&wallet))
        .await
        .map_err(|_| AppError::internal("the command stopped unexpectedly"))?
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    run(&state, |w| w.status()).await
}

#[tauri::command]
pub async fn check_registration(
    state: State<'_, AppState>,
    args: RegisterDetails,
) -> Result<(), AppError> {
    run(&state, move |w| w.check_registration(&args)).await
}

#[tauri::command]
pub async fn register(
    state: State<'_, AppState>,
    args: RegisterInput,
) -> Result<SessionView, AppError> {
    run(&state, move |w| w.register(&args)).await
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, args: LoginInput) -> Result<SessionView, AppError> {
    run(&state, move |w| w.login(&args)).await
}

#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    args: UnlockInput,
) -> Result<SessionView, AppError> {
    run(&state, move |w| w.unlock(&args.password)).await
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
    args: Settings,
) -> Result<Settings, AppError> {
    run(&state, move |w| w.update_settings(&args)).await
}
