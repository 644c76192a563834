//! IPC adapters, derived from the contract: every command declared in `tongbao_api::with_commands!`
//! gets a `#[tauri::command]` wrapper here, built from its runner (how it runs: off the async
//! workers, since Argon2 and SQLite block; with which channel), and the handler registers
//! exactly those. The wrapper calls the function of the same name in [`crate::ops`] — what the
//! command does, one call into the core — so a command's path is: its line in the contract →
//! `ops::name` → the core operation it names. The core's error passes through as
//! `{code, message, ...}`.

use tauri::AppHandle;
use tongbao_api::*;
use tongbao_core::AppError;

use crate::args::{Args, Chan};
use crate::ops;
use crate::runners::{run, run_bank, run_bank_app, run_checks, run_mock, run_test_control, run_then_wake};

/// One command's wrapper, by its runner. `args` is the argument on the wire (absent when the
/// command takes none); a malformed one is INPUT_INVALID.
macro_rules! wrapper {
    (wallet $name:ident () -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle) -> Result<$r, AppError> {
            run(&app, |w| ops::$name(w)).await
        }
    };
    (wallet $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            let args = args.get()?;
            run(&app, move |w| ops::$name(w, args)).await
        }
    };
    (wake $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_then_wake(&app, move |w| ops::$name(w, args)).await
        }
    };
    (bank $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>, on_retry: Chan<RetryNotice>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_bank(&app, on_retry, move |w, notify| ops::$name(w, args, notify)).await
        }
    };
    (mock $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_mock(&app, move |b, viewer| ops::$name(b, viewer, args)).await
        }
    };
    (test $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_test_control(&app, move |b, clock| ops::$name(b, clock, args)).await
        }
    };
    (checks $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>, on_check: Chan<CheckResult>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_checks(&app, on_check, move |w, tell| ops::$name(w, args, tell)).await
        }
    };
    (events $name:ident () -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, on_event: Chan<AppEvent>) -> Result<$r, AppError> {
            ops::$name(app, on_event.get()?).await
        }
    };
    (bankapp $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            let args = args.get()?;
            run_bank_app(&app, move |b| ops::$name(b, args)).await
        }
    };
    (shell $name:ident () -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle) -> Result<$r, AppError> {
            ops::$name(app).await
        }
    };
    (shell $name:ident ($a:ty) -> $r:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, args: Args<$a>) -> Result<$r, AppError> {
            ops::$name(app, args.get()?).await
        }
    };
}

macro_rules! commands {
    ($( $run:ident $name:ident ( $($a:ty)? ) -> $r:ty ; )*) => {
        $( wrapper!($run $name ($($a)?) -> $r); )*

        /// The invoke handler: every command of the contract, nothing else.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

tongbao_api::with_commands!(commands);
