//! Secrets: the keychain port and the types that hold secrets in memory.
//!
//! [`SecretStore`] is the port; [`KeyringStore`] is the OS keychain (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) and [`MemoryStore`] is for tests only.
//! [`SecretString`] zeroizes on drop and prints as `[REDACTED]`, so a password can't reach a
//! log line through `{:?}`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use rand::RngCore;

use crate::platform::error::{AppError, ErrorCode};
use crate::platform::storage::KEY_LEN;

/// The keychain entry of the database key.
pub const DB_KEY_NAME: &str = "database-key";
/// The keychain entry of the key that fingerprints card numbers (duplicate detection).
pub const FINGERPRINT_KEY_NAME: &str = "card-fingerprint-key";
/// The keychain item signing receipts (电子回单): their verification codes are HMACs under it.
pub const RECEIPT_KEY_NAME: &str = "receipt-key";

/// A 256-bit secret from the keychain, made (and read back) the first time it is needed.
pub fn ensure_secret(secrets: &dyn SecretStore, name: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
    if let Some(v) = secrets.get(name)? {
        return Ok(v);
    }
    let key = new_key();
    secrets.set(name, &key[..])?;
    match secrets.get(name)? {
        Some(v) if v.as_slice() == &key[..] => Ok(v),
        _ => Err(AppError::new(ErrorCode::KeychainUnavailable, format!("the OS keychain did not keep {name}"))),
    }
}

pub fn new_key() -> Zeroizing<[u8; KEY_LEN]> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rand::rngs::OsRng.fill_bytes(&mut key[..]);
    key
}

/// A secret string (password, payment password): zeroized on drop, redacted in Debug.
#[derive(Clone, Default)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(s: impl Into<String>) -> Self {
        Self(Zeroizing::new(s.into()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretString::new)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString::new(s)
    }
}

/// Secret bytes read from or written to the keychain.
pub type SecretBytes = Zeroizing<Vec<u8>>;

/// The keychain port. Names are short identifiers ("database-key"); the store scopes them to
/// one installation.
pub trait SecretStore: Send + Sync {
    /// `Ok(None)` when there is no such secret; an error when the keychain can't be asked.
    fn get(&self, name: &str) -> Result<Option<SecretBytes>, AppError>;
    fn set(&self, name: &str, value: &[u8]) -> Result<(), AppError>;
    /// Removes a secret; removing one that is not there is not an error.
    fn delete(&self, name: &str) -> Result<(), AppError>;
    /// A short description of the backend, for diagnostics ("secret-service").
    fn backend(&self) -> &'static str;
}

/// In-memory store for tests. Never used by the app: [`KeyringStore`] is.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, Vec<u8>>>,
    /// When set, every call fails with this code (to test the start-up problem screen).
    pub fail_with: Mutex<Option<ErrorCode>>,
}

impl MemoryStore {
    fn check(&self) -> Result<(), AppError> {
        match *self.fail_with.lock().expect("poisoned") {
            Some(code) => Err(AppError::new(code, "keychain failure (test)")),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<SecretBytes>, AppError> {
        self.check()?;
        Ok(self.items.lock().expect("poisoned").get(name).cloned().map(Zeroizing::new))
    }
    fn set(&self, name: &str, value: &[u8]) -> Result<(), AppError> {
        self.check()?;
        self.items.lock().expect("poisoned").insert(name.to_owned(), value.to_vec());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), AppError> {
        self.check()?;
        self.items.lock().expect("poisoned").remove(name);
        Ok(())
    }
    fn backend(&self) -> &'static str {
        "memory (tests only)"
    }
}

/// The OS keychain. Each secret is an entry with service = the app identifier and
/// user = `<name>@<scope>`, where the scope is the installation's data folder, so two
/// installations (or two test runs) never share a key.
pub struct KeyringStore {
    service: String,
    scope: String,
}

impl KeyringStore {
    pub fn new(service: impl Into<String>, scope: impl Into<String>) -> Self {
        Self { service: service.into(), scope: scope.into() }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, AppError> {
        let user = format!("{name}@{}", self.scope);
        platform_entry(&self.service, &user).map_err(map_keyring_error)
    }
}

/// Builds the entry on the real store explicitly, never through keyring's default builder
/// (which is an in-memory mock when no platform feature is compiled in).
#[cfg(target_os = "linux")]
fn platform_entry(service: &str, user: &str) -> keyring::Result<keyring::Entry> {
    let cred = keyring::secret_service::SsCredential::new_with_target(None, service, user)?;
    Ok(keyring::Entry::new_with_credential(Box::new(cred)))
}

#[cfg(target_os = "macos")]
fn platform_entry(service: &str, user: &str) -> keyring::Result<keyring::Entry> {
    let cred = keyring::macos::MacCredential::new_with_target(None, service, user)?;
    Ok(keyring::Entry::new_with_credential(Box::new(cred)))
}

#[cfg(target_os = "windows")]
fn platform_entry(service: &str, user: &str) -> keyring::Result<keyring::Entry> {
    let cred = keyring::windows::WinCredential::new_with_target(None, service, user)?;
    Ok(keyring::Entry::new_with_credential(Box::new(cred)))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!("Tongbao Wallet needs an OS keychain: Linux, macOS or Windows.");

/// Maps keychain failures to stable codes. The keyring error text names the backend's
/// problem (no bus, locked collection), never the secret.
fn map_keyring_error(e: keyring::Error) -> AppError {
    match e {
        keyring::Error::NoStorageAccess(inner) => {
            AppError::new(ErrorCode::KeychainLocked, format!("the OS keychain is locked or refused access: {inner}"))
        }
        // Secret Service reports a locked collection as a D-Bus error ("Cannot create an item
        // in a locked collection", org.freedesktop.Secret.Error.IsLocked), which keyring
        // passes on as a platform failure.
        keyring::Error::PlatformFailure(inner) if inner.to_string().to_ascii_lowercase().contains("locked") => {
            AppError::new(ErrorCode::KeychainLocked, format!("the OS keychain is locked: {inner}"))
        }
        other => {
            AppError::new(ErrorCode::KeychainUnavailable, format!("the OS keychain could not be reached: {other}"))
        }
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<SecretBytes>, AppError> {
        match self.entry(name)?.get_password() {
            Ok(hex_text) => {
                let hex_text = Zeroizing::new(hex_text);
                let bytes = hex::decode(hex_text.as_bytes()).map_err(|_| {
                    AppError::new(
                        ErrorCode::DatabaseKeyMismatch,
                        format!("the keychain entry '{name}' is not in the expected format"),
                    )
                })?;
                Ok(Some(Zeroizing::new(bytes)))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), AppError> {
        let hex_text = Zeroizing::new(hex::encode(value));
        self.entry(name)?.set_password(&hex_text).map_err(map_keyring_error)
    }

    fn delete(&self, name: &str) -> Result<(), AppError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn backend(&self) -> &'static str {
        if cfg!(target_os = "linux") {
            "secret-service"
        } else if cfg!(target_os = "macos") {
            "macos-keychain"
        } else {
            "windows-credential-manager"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_string_never_prints_its_value() {
        let s = SecretString::new("hunter2-Password");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert_eq!(s.expose(), "hunter2-Password");
    }

    #[test]
    fn memory_store_round_trips_and_can_fail() {
        let m = MemoryStore::default();
        assert!(m.get("k").unwrap().is_none());
        m.set("k", b"abc").unwrap();
        assert_eq!(m.get("k").unwrap().unwrap().as_slice(), b"abc");
        *m.fail_with.lock().unwrap() = Some(ErrorCode::KeychainLocked);
        assert_eq!(m.get("k").unwrap_err().code, ErrorCode::KeychainLocked);
    }

    #[test]
    fn locked_keychain_maps_to_keychain_locked() {
        let e = map_keyring_error(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(e.code, ErrorCode::KeychainLocked);
        let e = map_keyring_error(keyring::Error::PlatformFailure("no bus".into()));
        assert_eq!(e.code, ErrorCode::KeychainUnavailable);
        let e = map_keyring_error(keyring::Error::PlatformFailure(
            "DBus error: Cannot create an item in a locked collection".into(),
        ));
        assert_eq!(e.code, ErrorCode::KeychainLocked);
    }
}
