//! The managed state: the core [`Wallet`], opened in the background at start-up.
//!
//! A failure (keychain locked, wrong key…) is not remembered: the start-up problem screen's
//! "try again" opens afresh, so unlocking the keychain and retrying works without a restart.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;
use tongbao_core::clock::SystemClock;
use tongbao_core::secrets::KeyringStore;
use tongbao_core::{open_wallet, AppError, Wallet};
use tracing_appender::non_blocking::WorkerGuard;

pub struct AppState {
    data_dir: PathBuf,
    identifier: String,
    wallet: Arc<Mutex<Option<Arc<Wallet>>>>,
    _log_guard: Option<WorkerGuard>,
}

impl AppState {
    pub fn new(data_dir: PathBuf, identifier: String, log_guard: Option<WorkerGuard>) -> Self {
        Self {
            data_dir,
            identifier,
            wallet: Arc::new(Mutex::new(None)),
            _log_guard: log_guard,
        }
    }

    /// Starts opening the wallet without waiting for it.
    pub fn start_opening(&self) {
        let (slot, dir, id) = (
            self.wallet.clone(),
            self.data_dir.clone(),
            self.identifier.clone(),
        );
        tauri::async_runtime::spawn(async move {
            let _ = get_or_open(&slot, dir, id).await;
        });
    }

    /// The opened wallet, opening it (or waiting for the opening under way) if needed.
    pub async fn wallet(&self) -> Result<Arc<Wallet>, AppError> {
        get_or_open(&self.wallet, self.data_dir.clone(), self.identifier.clone()).await
    }
}

async fn get_or_open(
    slot: &Mutex<Option<Arc<Wallet>>>,
    data_dir: PathBuf,
    identifier: String,
) -> Result<Arc<Wallet>, AppError> {
    let mut guard = slot.lock().await;
    if let Some(w) = guard.as_ref() {
        return Ok(w.clone());
    }
    let wallet = open(data_dir, identifier).await?;
    *guard = Some(wallet.clone());
    Ok(wallet)
}

async fn open(data_dir: PathBuf, identifier: String) -> Result<Arc<Wallet>, AppError> {
    let joined = tauri::async_runtime::spawn_blocking(move || {
        // Scope the keychain entry to this data folder: two installations never share a key.
        let secrets = Arc::new(KeyringStore::new(identifier, data_dir.to_string_lossy()));
        open_wallet(&data_dir, secrets, Arc::new(SystemClock))
    })
    .await;
    let result =
        joined.map_err(|_| AppError::internal("opening the wallet stopped unexpectedly"))?;
    match result {
        Ok(w) => {
            tracing::info!(keychain = w.keychain_backend(), "wallet opened");
            Ok(Arc::new(w))
        }
        Err(e) => {
            tracing::error!(code = e.code.as_str(), message = %e.message, "wallet could not be opened");
            Err(e)
        }
    }
}
