//! What the first screen needs before the wallet is open: the language, the theme and elder
//! mode. The wallet's settings live in its encrypted database, which takes the keychain and
//! SQLCipher to open (~100 ms); a copy of these three — nothing secret — is kept in a small
//! JSON file in the data folder, so the login screen is drawn at once while the wallet opens
//! beside it. The copy follows the settings when they change (the notices watcher's look);
//! a missing or unreadable copy is the defaults (简体中文, light).

use std::path::{Path, PathBuf};

use tongbao_api::{FirstScreen, Settings};

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("first-screen.json")
}

pub fn read(data_dir: &Path) -> FirstScreen {
    std::fs::read_to_string(path(data_dir))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| FirstScreen::from(&Settings::default()))
}

/// Keeps the copy in step with `s` (written only when it differs; atomically, by renaming).
/// The watcher calls it when the settings changed, not after every command.
pub fn keep(data_dir: &Path, s: &Settings) {
    let want = FirstScreen::from(s);
    if path(data_dir).exists() && read(data_dir) == want {
        return;
    }
    let tmp = data_dir.join("first-screen.json.tmp");
    let written = serde_json::to_vec(&want)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, path(data_dir)));
    if let Err(e) = written {
        tracing::info!(error = %e, "the first screen's settings were not copied");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongbao_api::{Language, Theme};

    #[test]
    fn the_copy_follows_the_settings_and_a_bad_file_is_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), FirstScreen::from(&Settings::default()));
        let s = Settings { language: Language::En, theme: Theme::Dark, elder_mode: true, ..Settings::default() };
        keep(dir.path(), &s);
        assert_eq!(read(dir.path()), FirstScreen { language: Language::En, theme: Theme::Dark, elder_mode: true });
        std::fs::write(dir.path().join("first-screen.json"), "{not json").unwrap();
        assert_eq!(read(dir.path()).language, Language::ZhCn);
    }
}
