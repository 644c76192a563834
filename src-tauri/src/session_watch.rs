//! The session watcher: it sleeps until the signed-in session's auto-lock is due (the core's
//! `lock_due_in`), then asks `status`, which locks it, and sends `SessionLocked`. Commands that
//! start or move that deadline (sign-in, unlock, settings, the mock clock) wake it to look again;
//! activity only pushes the deadline later, which the watcher finds when it wakes.

use std::time::Duration;

use tauri::{AppHandle, Manager};
use tongbao_api::AppEvent;

use crate::events::Events;
use crate::state::AppState;

/// How long until the signed-in session locks itself; None without an active session (or
/// before the wallet is open).
async fn due_in(app: &AppHandle) -> Option<Duration> {
    let opened = app.state::<AppState>().if_open().await?;
    let due =
        tauri::async_runtime::spawn_blocking(move || opened.wallet.accounts().lock_due_in()).await.ok()?.ok()??;
    Some(Duration::from_millis(u64::try_from(due).unwrap_or(0)))
}

/// Locks the session if it is due (Rust's rule, in `status`); true when it is now locked.
async fn lock_if_due(app: &AppHandle) -> bool {
    let Some(opened) = app.state::<AppState>().if_open().await else { return false };
    let status = tauri::async_runtime::spawn_blocking(move || opened.wallet.accounts().status()).await;
    matches!(status, Ok(Ok(s)) if s.session.as_ref().is_some_and(|s| s.locked))
}

/// Starts the session watcher (once, at start-up).
pub fn watch_sessions(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let events = app.state::<Events>();
            match due_in(&app).await {
                Some(d) if d.is_zero() => {
                    if lock_if_due(&app).await {
                        tracing::info!("the session locked itself after the idle time");
                        events.send(AppEvent::SessionLocked);
                    } else {
                        events.wake.notified().await; // it could not be decided: wait for news
                    }
                }
                Some(d) => {
                    let _ = tokio::time::timeout(d, events.wake.notified()).await;
                }
                None => events.wake.notified().await,
            }
        }
    });
}
