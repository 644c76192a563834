//! Opening the wallet at start-up: the database key from the OS keychain, then the database.
//!
//! | keychain has key | database file | outcome |
//! |---|---|---|
//! | yes | any | open with it (a wrong key: DATABASE_KEY_MISMATCH, file untouched) |
//! | no | exists | DATABASE_KEY_MISSING: never a new empty database over an existing one |
//! | no | absent | new random key, stored and read back, then a new database |
//!
//! A keychain that can't be reached or is locked stops here with its own code: there is no
//! plaintext fallback.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Wallet;
use crate::platform::clock::Clock;
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::{
    ensure_secret, new_key, SecretStore, DB_KEY_NAME, FINGERPRINT_KEY_NAME, RECEIPT_KEY_NAME,
};
use crate::platform::storage;
use crate::services::Services;

/// The database file inside the data folder.
pub const DB_FILE: &str = "wallet.db";

pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

pub fn open_wallet(data_dir: &Path, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Result<Wallet, AppError> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| AppError::new(ErrorCode::StorageError, format!("cannot create the data folder: {e}")))?;
    let path = db_path(data_dir);
    let exists = path.exists();
    let conn = match secrets.get(DB_KEY_NAME)? {
        Some(key) => storage::open(&path, &key, !exists)?,
        None if exists => {
            return Err(AppError::new(
                ErrorCode::DatabaseKeyMissing,
                "the wallet database exists but its key is not in the OS keychain",
            ))
        }
        None => {
            let key = new_key();
            secrets.set(DB_KEY_NAME, &key[..])?;
            // Read it back: a keychain that accepts but does not keep would lose the data.
            let stored = secrets.get(DB_KEY_NAME)?;
            if stored.as_deref().map(|v| v.as_slice()) != Some(&key[..]) {
                return Err(AppError::new(
                    ErrorCode::KeychainUnavailable,
                    "the OS keychain did not keep the database key",
                ));
            }
            tracing::info!(backend = secrets.backend(), "new database key stored in the keychain");
            storage::open(&path, &key[..], true)?
        }
    };
    let fingerprint_key = ensure_secret(secrets.as_ref(), FINGERPRINT_KEY_NAME)?;
    Ok(Wallet::new(Services::new(conn, clock, secrets, fingerprint_key), Some(path)))
}

/// `PRAGMA quick_check` of the database at `path` over a connection of its own: true when ok.
pub fn quick_check(path: &Path, secrets: &dyn SecretStore) -> Result<bool, AppError> {
    let key = secrets
        .get(DB_KEY_NAME)?
        .ok_or_else(|| AppError::new(ErrorCode::DatabaseKeyMissing, "the database key is gone from the keychain"))?;
    let conn = storage::open(path, &key, false)?;
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    Ok(verdict == "ok")
}

/// The word a person types to confirm "reset this installation" (the screen shows the one of
/// its language in 「」).
pub const RESET_WORDS: [&str; 2] = ["清除", "RESET"];

/// Resets this installation (清除本机数据): the database and its journal, the logs, and the
/// app's keychain items (database key, card-fingerprint key, receipt key). The wallet must be closed first.
/// `confirm` must be one of [`RESET_WORDS`]. The next start makes a new key and database.
pub fn reset_installation(
    data_dir: &Path,
    log_dir: Option<&Path>,
    secrets: &dyn SecretStore,
    confirm: &str,
) -> Result<(), AppError> {
    if !RESET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(confirm.trim())) {
        return Err(AppError::new(ErrorCode::InputInvalid, "type the confirmation word shown on the screen"));
    }
    let remove = |p: &Path| match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(AppError::new(ErrorCode::StorageError, format!("cannot remove {}: {e}", p.display())))
        }
        _ => Ok(()),
    };
    let db = db_path(data_dir);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        remove(&PathBuf::from(format!("{}{suffix}", db.display())))?;
    }
    if let Some(logs) = log_dir {
        if let Ok(entries) = std::fs::read_dir(logs) {
            for e in entries.flatten() {
                if e.path().is_file() {
                    remove(&e.path())?;
                }
            }
        }
    }
    secrets.delete(DB_KEY_NAME)?;
    secrets.delete(FINGERPRINT_KEY_NAME)?;
    secrets.delete(RECEIPT_KEY_NAME)?;
    tracing::warn!("this installation was reset: database, logs and keychain items removed");
    Ok(())
}
