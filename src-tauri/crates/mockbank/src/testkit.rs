//! For the tests and the storm tool only: a "keychain" that keeps its secrets as plain files
//! in a folder, so a second process (a crashed worker's successor, a crash test's child)
//! finds the first one's database key. Never used by the app, which uses the OS keychain.

use std::path::PathBuf;

use tongbao_core::platform::error::AppError;
use tongbao_core::platform::secrets::{SecretBytes, SecretStore};

pub struct FolderStore(pub PathBuf);

impl SecretStore for FolderStore {
    fn get(&self, name: &str) -> Result<Option<SecretBytes>, AppError> {
        Ok(std::fs::read(self.0.join(name)).ok().map(zeroize::Zeroizing::new))
    }
    fn set(&self, name: &str, value: &[u8]) -> Result<(), AppError> {
        std::fs::create_dir_all(&self.0).map_err(|e| AppError::internal(e.to_string()))?;
        std::fs::write(self.0.join(name), value).map_err(|e| AppError::internal(e.to_string()))
    }
    fn delete(&self, name: &str) -> Result<(), AppError> {
        match std::fs::remove_file(self.0.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::internal(e.to_string())),
            _ => Ok(()),
        }
    }
    fn backend(&self) -> &'static str {
        "folder (tests only)"
    }
}
