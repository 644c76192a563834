//! One instance per data folder (docs/security.md, one instance per data folder). Two guards:
//! - the single-instance plugin (D-Bus on Linux) under a name made from the data folder, so a
//!   second start on the same folder hands over to the first — whose window comes to the front —
//!   and exits, while instances on different folders (as the UI scripts use) run side by side;
//! - an exclusive lock on a file in the data folder, for when no session bus can find the
//!   first instance: the second start then exits before it opens the database.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};

/// The data folder Tauri will use (`app_data_dir`'s parent on Linux: `$XDG_DATA_HOME`, else
/// `~/.local/share`), hashed into the D-Bus name of this installation's instance.
pub fn bus_id() -> String {
    let base: PathBuf = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_default();
    format!("com.tongbao.wallet.i{:016x}", fnv1a(base.to_string_lossy().as_bytes()))
}

/// FNV-1a, 64 bits: a stable name for a path (not a secret, so no keyed hash is needed).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A second start: bring the first window to the front.
pub fn focus<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second start on this data folder: showing the running window");
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Held for the life of the app: the lock on `instance.lock` in the data folder.
pub struct DataDirLock(#[allow(dead_code)] File);

/// Locks the data folder, or exits when another instance holds it.
pub fn lock_data_dir(data_dir: &Path) -> Result<DataDirLock, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(data_dir)?;
    let file = File::options().create(true).truncate(false).write(true).open(data_dir.join("instance.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock(file)),
        Err(TryLockError::WouldBlock) => {
            tracing::warn!("another Tongbao Wallet uses this data folder: exiting");
            std::process::exit(0);
        }
        Err(TryLockError::Error(e)) => Err(Box::new(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bus_name_is_valid_and_differs_per_folder() {
        assert_ne!(fnv1a(b"/tmp/a"), fnv1a(b"/tmp/b"));
        let id = bus_id();
        assert!(id.split('.').all(|p| !p.is_empty() && !p.starts_with(|c: char| c.is_ascii_digit())), "{id}");
        assert!(id.len() < 200);
    }

    #[test]
    fn a_second_lock_on_the_folder_is_refused() {
        let dir = tempfile_dir();
        let first = lock_data_dir(&dir).unwrap();
        let again = File::options().write(true).open(dir.join("instance.lock")).unwrap();
        assert!(matches!(again.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        assert!(again.try_lock().is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("tongbao-lock-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
