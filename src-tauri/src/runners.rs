//! How a command runs, by its runner in the contract: off the async workers (Argon2 and SQLite
//! block), with the opened wallet or the mock bank, and with the channel its runner gives.

use tauri::{AppHandle, Manager};
use tongbao_api::{CheckResult, RetryNotice};
use tongbao_core::platform::clock::OffsetClock;
use tongbao_core::{AppError, ErrorCode, Wallet};
use tongbao_mockbank::{MockBank, Viewer};

use crate::args::Chan;
use crate::events::Events;
use crate::state::AppState;

/// Runs `f` on the blocking pool with the opened wallet.
pub(crate) async fn run<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let wallet = app.state::<AppState>().opened().await?.wallet;
    let done = blocking(move || f(&wallet)).await;
    // What the command did may be news (money sent to someone, a refund…): look for notices.
    app.state::<crate::events::Notifier>().look();
    done
}

/// [`run`] for a screen that must not wait on the bank (home's balance, the history): `f` reads
/// the books; then the person's pending payments settle in the background
/// ([`Events::settle_in_background`]), which tells the UI when some did.
pub(crate) async fn run_then_settle<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let wallet = app.state::<AppState>().opened().await?.wallet;
    let w = wallet.clone();
    let answer = blocking(move || f(&w)).await?;
    app.state::<Events>().settle_in_background(app, wallet);
    Ok(answer)
}

/// Runs `f` on the blocking pool.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f).await.map_err(|_| AppError::internal("the command stopped unexpectedly"))?
}

/// [`run`] for a command that starts or moves the auto-lock deadline: the session watcher looks
/// again afterwards, whatever the outcome.
pub(crate) async fn run_then_wake<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet) -> Result<T, AppError> + Send + 'static,
{
    let done = run(app, f).await;
    app.state::<Events>().wake();
    // A sign-in or unlock: the notices look asks the bank for statements too.
    app.state::<crate::events::Notifier>().look_with_bank();
    done
}

/// Runs `f` with the mock bank, after checking the session without counting it as activity:
/// only a signed-in person sees the mock panels. `f` gets the viewer: the signed-in person
/// (their own phones' SMS and their own cards), or None in test mode (everyone's).
pub(crate) async fn run_mock<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&MockBank, Option<&Viewer>) -> Result<T, AppError> + Send + 'static,
{
    let opened = app.state::<AppState>().opened().await?;
    blocking(move || {
        let (id_number, phone) = opened.wallet.viewer_identity()?;
        let viewer = Viewer { id_number, phone };
        f(&opened.bank, opened.clock.is_none().then_some(&viewer))
    })
    .await
}

/// Runs `f` with the mock bank's own app (一键绑卡): the bank, no wallet session (the bank app
/// signs its person in itself).
pub(crate) async fn run_bank_app<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&MockBank) -> Result<T, AppError> + Send + 'static,
{
    let opened = app.state::<AppState>().opened().await?;
    blocking(move || f(&opened.bank)).await
}

/// `run_mock` for a developer control: only in test mode, with its clock; the session watcher
/// looks again afterwards (a clock move may make an auto-lock due).
pub(crate) async fn run_test_control<T, F>(app: &AppHandle, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&MockBank, &OffsetClock) -> Result<T, AppError> + Send + 'static,
{
    let clock = app.state::<AppState>().opened().await?.clock.ok_or_else(|| {
        AppError::new(ErrorCode::TestModeRequired, "developer controls exist only in test mode (TONGBAO_TEST_MODE=1)")
    })?;
    let done = run_mock(app, move |b, _| f(b, &clock)).await;
    app.state::<Events>().wake();
    done
}

/// `run` for a bank command: `f` gets a callback that tells the UI about each automatic retry
/// of the bank call through `on_retry`.
pub(crate) async fn run_bank<T, F>(app: &AppHandle, on_retry: Chan<RetryNotice>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet, &dyn Fn(u32, u32)) -> Result<T, AppError> + Send + 'static,
{
    let on_retry = on_retry.get()?;
    let notify = move |attempt, max| {
        let _ = on_retry.send(RetryNotice { attempt, max });
    };
    run(app, move |w| f(w, &notify)).await
}

/// `run` for the troubleshooting checks: `on_check` hears each one as it ends.
pub(crate) async fn run_checks<T, F>(app: &AppHandle, on_check: Chan<CheckResult>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Wallet, &dyn Fn(&CheckResult)) -> Result<T, AppError> + Send + 'static,
{
    let on_check = on_check.get()?;
    let tell = move |c: &CheckResult| {
        let _ = on_check.send(c.clone());
    };
    run(app, move |w| f(w, &tell)).await
}
