//! Installation-wide preferences: language, theme, auto-lock, elder mode, what notifications say
//! and what closing the window does. They apply before anyone signs in (the login screen is in
//! the chosen language and size), so they are not per account.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::platform::error::{AppError, ErrorCode, Field};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

pub const AUTOLOCK_DEFAULT_MINUTES: u32 = 5;
pub const AUTOLOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// Minutes of inactivity before the session locks (1–60).
    pub autolock_minutes: u32,
    /// 长辈模式: larger type and targets, a simpler home.
    #[serde(default)]
    pub elder_mode: bool,
    /// OS notifications name the amount and the other side (off: only what happened).
    #[serde(default)]
    pub notify_details: bool,
    /// Closing the window keeps the wallet in the tray (off: closing quits).
    #[serde(default)]
    pub close_to_tray: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::ZhCn,
            theme: Theme::Light,
            autolock_minutes: AUTOLOCK_DEFAULT_MINUTES,
            elder_mode: false,
            notify_details: false,
            close_to_tray: false,
        }
    }
}

fn read<T: for<'de> Deserialize<'de>>(conn: &Connection, key: &str) -> Result<Option<T>, AppError> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM app_settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    // A value this version can't read falls back to the default instead of failing start-up.
    Ok(raw.and_then(|s| serde_json::from_str(&s).ok()))
}

pub fn load(conn: &Connection) -> Result<Settings, AppError> {
    let d = Settings::default();
    Ok(Settings {
        language: read(conn, "language")?.unwrap_or(d.language),
        theme: read(conn, "theme")?.unwrap_or(d.theme),
        autolock_minutes: read(conn, "autolock_minutes")?
            .filter(|m| AUTOLOCK_RANGE.contains(m))
            .unwrap_or(d.autolock_minutes),
        elder_mode: read(conn, "elder_mode")?.unwrap_or(d.elder_mode),
        notify_details: read(conn, "notify_details")?.unwrap_or(d.notify_details),
        close_to_tray: read(conn, "close_to_tray")?.unwrap_or(d.close_to_tray),
    })
}

/// Validates and saves them all in one transaction.
pub fn save(conn: &mut Connection, s: &Settings) -> Result<Settings, AppError> {
    if !AUTOLOCK_RANGE.contains(&s.autolock_minutes) {
        return Err(AppError::new(ErrorCode::SettingInvalid, "auto-lock is 1 to 60 minutes").on(Field::AutolockMinutes));
    }
    let tx = conn.transaction()?;
    for (k, v) in [
        ("language", serde_json::to_string(&s.language)),
        ("theme", serde_json::to_string(&s.theme)),
        ("autolock_minutes", serde_json::to_string(&s.autolock_minutes)),
        ("elder_mode", serde_json::to_string(&s.elder_mode)),
        ("notify_details", serde_json::to_string(&s.notify_details)),
        ("close_to_tray", serde_json::to_string(&s.close_to_tray)),
    ] {
        let v = v.map_err(|e| AppError::internal(e.to_string()))?;
        tx.execute(
            "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )?;
    }
    tx.commit()?;
    Ok(*s)
}
