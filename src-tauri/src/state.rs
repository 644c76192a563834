//! The managed state: the core [`Wallet`] and the mock bank it talks to, opened in the
//! background at start-up.
//!
//! A failure (keychain locked, wrong key…) is kept only until a command reports it (the start-up
//! problem screen's first `app_status`): the screen's "try again" then opens afresh, so unlocking
//! the keychain and retrying works without a restart. Background tasks never open the wallet
//! themselves (`if_open`): every attempt can make the keychain ask the person to unlock it.
//!
//! Settings from the environment (for testers; documented in tests/README.md):
//! - `TONGBAO_TEST_MODE=1`: test mode. Only then is there a mock clock, can the latency, faults,
//!   offline switch and version floor be changed, and do the mock panels show every person's
//!   SMS and cards; the variables below marked (test mode) are read only then. Off by default:
//!   the wallet runs on the system clock and the developer controls answer TEST_MODE_REQUIRED.
//! - `TONGBAO_MOCK_FIXTURE`: a fixture JSON file instead of the built-in fixture of published test cards;
//! - `TONGBAO_BANK_TIMEOUT_MS`: the wallet's per-call bank timeout (default 10 000);
//! - `TONGBAO_MOCK_LATENCY_MS` (test mode): the mock bank's latency per call at start (default 300);
//! - `TONGBAO_MOCK_SEED` (test mode): the seed of the mock bank's fault generator;
//! - `TONGBAO_MOCK_NOW` (test mode): start the mock clock at this RFC 3339 time
//!   (e.g. 2027-01-02T09:00:00+08:00);
//! - `TONGBAO_TEST_OPEN_DELAY_MS` (test mode): opening the wallet takes this much longer (a
//!   slow keychain: the login screen must not wait for it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard};
use tongbao_core::bank::RetryPolicy;
use tongbao_core::platform::clock::{Clock, OffsetClock, SystemClock};
use tongbao_core::platform::secrets::KeyringStore;
use tongbao_core::{open_wallet, AppError, ErrorCode, Wallet};
use tongbao_mockbank::fixture::Fixture;
use tongbao_mockbank::{Controls, MockBank};
use tracing_appender::non_blocking::WorkerGuard;

/// What start-up opens: the wallet, and the bank behind it.
#[derive(Clone)]
pub struct Opened {
    pub wallet: Arc<Wallet>,
    pub bank: Arc<MockBank>,
    /// Test mode's clock, shared by the wallet and the bank; the developer panel moves it.
    /// None outside test mode: the wallet runs on the system clock.
    pub clock: Option<Arc<OffsetClock>>,
}

/// The wallet once open, or the failure of the last attempt that no command has reported yet.
#[derive(Default)]
struct Slot {
    opened: Option<Opened>,
    failed: Option<AppError>,
    /// An opening was started (by a command or the start-up timer).
    attempted: bool,
}

/// Whether the app started in test mode (`TONGBAO_TEST_MODE=1`).
pub fn test_mode() -> bool {
    std::env::var("TONGBAO_TEST_MODE").is_ok_and(|v| v.trim() == "1")
}

pub struct AppState {
    app: tauri::AppHandle,
    data_dir: PathBuf,
    log_dir: PathBuf,
    identifier: String,
    opened: Arc<Mutex<Slot>>,
    /// True once the first opening has ended (opened or failed): background work that should
    /// not compete with the first screen waits for it.
    first_ended: Arc<tokio::sync::watch::Sender<bool>>,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    pub fn new(
        app: tauri::AppHandle,
        data_dir: PathBuf,
        log_dir: PathBuf,
        identifier: String,
        log_guard: Option<WorkerGuard>,
    ) -> Self {
        Self {
            app,
            data_dir,
            log_dir,
            identifier,
            opened: Arc::new(Mutex::new(Slot::default())),
            first_ended: Arc::new(tokio::sync::watch::Sender::new(false)),
            _log_guard: log_guard,
        }
    }

    /// The data folder (the first screen's settings live there).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Resets this installation: closes the wallet, removes its database, logs and keychain
    /// items, then opens afresh (a new key and an empty database). Works when the wallet could
    /// not be opened too (from the start-up problem screen).
    pub async fn reset(&self, confirm: String) -> Result<(), AppError> {
        {
            let mut slot = self.opened.lock().await;
            let closing = std::mem::take(&mut *slot); // the wallet closes when the last command using it ends
            let (dir, logs, id) = (self.data_dir.clone(), self.log_dir.clone(), self.identifier.clone());
            let done = tauri::async_runtime::spawn_blocking(move || {
                drop(closing);
                let secrets = KeyringStore::new(&id, dir.to_string_lossy());
                tongbao_core::reset_installation(&dir, Some(&logs), &secrets, &confirm)
            })
            .await
            .map_err(|_| AppError::internal("the reset stopped unexpectedly"))?;
            done?;
        }
        self.start_opening();
        Ok(())
    }

    /// Starts opening the wallet without waiting for it. The slot is taken before this returns,
    /// so whatever asks next waits for this opening instead of starting its own.
    pub fn start_opening(&self) {
        let Ok(guard) = self.opened.clone().try_lock_owned() else { return }; // one is under way
        self.open_in_background(guard);
    }

    /// Starts opening the wallet unless something already did (a command: the UI's
    /// `app_status` once the first screen is drawn). Start-up calls this after a short delay,
    /// so the first paint does not share the two cores with the keychain, SQLCipher and the
    /// mock bank — and a failed opening is still tried only once.
    pub fn open_if_untouched(&self) {
        let Ok(guard) = self.opened.clone().try_lock_owned() else { return };
        if guard.attempted {
            return;
        }
        self.open_in_background(guard);
    }

    fn open_in_background(&self, guard: OwnedMutexGuard<Slot>) {
        let (dir, id, app) = (self.data_dir.clone(), self.identifier.clone(), self.app.clone());
        let ended = self.first_ended.clone();
        tauri::async_runtime::spawn(async move {
            let _ = get_or_open(guard, dir, id, app, false).await;
            ended.send_replace(true);
        });
    }

    /// Waits until the first opening has ended, however it ended (it starts within a moment of
    /// start-up): for background work that must not share the first paint's cores with it.
    pub async fn first_opening_ended(&self) {
        let _ = self.first_ended.subscribe().wait_for(|ended| *ended).await;
    }

    /// The opened wallet and bank, waiting for the opening under way. When the last attempt
    /// failed, the first command to ask reports that failure; the next one (the problem
    /// screen's "try again") opens afresh.
    pub async fn opened(&self) -> Result<Opened, AppError> {
        let guard = self.opened.clone().lock_owned().await;
        let got = get_or_open(guard, self.data_dir.clone(), self.identifier.clone(), self.app.clone(), true).await;
        self.first_ended.send_replace(true);
        got
    }

    /// The wallet if it is open, after waiting for the opening under way; never starts one (the
    /// background tasks: a failed opening is retried by the person, not behind their back —
    /// each attempt can ask the keychain to unlock).
    pub async fn if_open(&self) -> Option<Opened> {
        self.opened.lock().await.opened.clone()
    }
}

async fn get_or_open(
    mut guard: OwnedMutexGuard<Slot>,
    data_dir: PathBuf,
    identifier: String,
    app: tauri::AppHandle,
    report_last_failure: bool,
) -> Result<Opened, AppError> {
    if let Some(o) = guard.opened.as_ref() {
        return Ok(o.clone());
    }
    if let Some(e) = guard.failed.take().filter(|_| report_last_failure) {
        return Err(e);
    }
    guard.attempted = true;
    let started = std::time::Instant::now();
    let opened = tauri::async_runtime::spawn_blocking(move || open(&data_dir, &identifier, app))
        .await
        .map_err(|_| AppError::internal("opening the wallet stopped unexpectedly"))?;
    match opened {
        Ok(o) => {
            let ms = started.elapsed().as_millis() as u64;
            tracing::info!(keychain = o.wallet.keychain_backend(), ms, "wallet opened");
            guard.opened = Some(o.clone());
            Ok(o)
        }
        Err(e) => {
            tracing::error!(code = e.code.as_str(), message = %e.message, "wallet could not be opened");
            // Kept for the first command to report, unless this caller reports it itself.
            if !report_last_failure {
                guard.failed = Some(e.clone());
            }
            Err(e)
        }
    }
}

fn env_ms(name: &str) -> Option<i64> {
    std::env::var(name).ok()?.trim().parse().ok().filter(|v| *v >= 0)
}

/// The mock bank keeps its own file next to (never inside) the wallet's data folder: it holds
/// full card numbers, as a bank does, and the wallet's folder must never.
fn mock_bank_path(data_dir: &Path, identifier: &str) -> PathBuf {
    data_dir.with_file_name(format!("{identifier}.mockbank")).join("bank.db")
}

/// The mock clock's starting offset from `TONGBAO_MOCK_NOW`, or none.
fn mock_clock() -> Result<Arc<OffsetClock>, AppError> {
    let Ok(text) = std::env::var("TONGBAO_MOCK_NOW") else { return Ok(Arc::new(OffsetClock::default())) };
    let at = chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        AppError::new(ErrorCode::InternalError, format!("TONGBAO_MOCK_NOW is not an RFC 3339 time: {e}"))
    })?;
    Ok(Arc::new(OffsetClock::new(at.timestamp_millis() - SystemClock.now())))
}

fn open(data_dir: &Path, identifier: &str, app: tauri::AppHandle) -> Result<Opened, AppError> {
    let testing = test_mode();
    if let Some(ms) = env_ms("TONGBAO_TEST_OPEN_DELAY_MS").filter(|_| testing) {
        std::thread::sleep(std::time::Duration::from_millis(ms as u64));
    }
    let mock_clock = if testing { Some(mock_clock()?) } else { None };
    let clock: Arc<dyn Clock> = match &mock_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let fixture = match std::env::var_os("TONGBAO_MOCK_FIXTURE") {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                AppError::new(ErrorCode::InternalError, format!("cannot read the mock fixture {path:?}: {e}"))
            })?;
            Fixture::parse(&text).map_err(|e| AppError::new(ErrorCode::InternalError, e))?
        }
        None => Fixture::default_fixture(),
    };
    let bank_path = mock_bank_path(data_dir, identifier);
    std::fs::create_dir_all(bank_path.parent().expect("has a parent"))
        .map_err(|e| AppError::new(ErrorCode::StorageError, format!("cannot create the mock bank folder: {e}")))?;
    let bank = Arc::new(
        MockBank::open(&bank_path, &fixture, clock.clone()).map_err(|e| AppError::new(ErrorCode::StorageError, e))?,
    );
    // The mock phone's SMS reach the panel as events (set on every opening: a reset opens a new bank).
    let on_sms = app.clone();
    bank.on_sms(move || {
        use tauri::Manager;
        on_sms.state::<crate::events::Events>().send(tongbao_api::AppEvent::MockChanged);
    });
    if testing {
        tracing::warn!("test mode: the mock clock and the developer controls are on");
        if let Some(seed) = env_ms("TONGBAO_MOCK_SEED") {
            bank.seed_faults(seed as u64);
        }
        if let Some(latency_ms) = env_ms("TONGBAO_MOCK_LATENCY_MS") {
            bank.set_controls(Controls { latency_ms, ..bank.controls() });
        }
    }
    let policy = RetryPolicy {
        timeout_ms: env_ms("TONGBAO_BANK_TIMEOUT_MS").unwrap_or(RetryPolicy::default().timeout_ms),
        ..RetryPolicy::default()
    };
    // Scope the keychain entries to this data folder: two installations never share a key.
    let secrets = Arc::new(KeyringStore::new(identifier, data_dir.to_string_lossy()));
    let wallet = open_wallet(data_dir, secrets, clock)?
        .with_sms(bank.clone())
        .with_acquirer(bank.clone())
        .with_biller(bank.clone())
        .with_bank(bank.clone(), policy, env!("CARGO_PKG_VERSION"))?;
    let wallet = Arc::new(wallet);
    wallet.check_storage_then(move |damaged| {
        if damaged {
            use tauri::Manager;
            app.state::<crate::events::Events>().send(tongbao_api::AppEvent::StorageDamaged);
        }
    });
    Ok(Opened { wallet, bank, clock: mock_clock })
}
