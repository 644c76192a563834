//! Living on the desktop: the tray icon (打开 / 立即锁定 / 退出), what closing the window does,
//! and locking the session when the computer sleeps or its screen locks (see `sleep_watch`).
//! The tray's items and the `tray_action` command run the same code.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, WindowEvent};
use tongbao_api::{AppEvent, Language, TrayItem};
use tongbao_core::AppError;

use crate::events::Events;
use crate::state::AppState;

const TRAY_ID: &str = "main";

/// The settings the shell acts on without asking the database (a window event cannot wait).
#[derive(Default)]
pub struct Desktop {
    close_to_tray: AtomicBool,
    /// The tray menu's language now (None: not set since start).
    tray_language: std::sync::Mutex<Option<Language>>,
    /// Whether a tray icon exists (a desktop without one: closing always quits).
    has_tray: AtomicBool,
}

fn labels(lang: Language) -> [(&'static str, &'static str); 3] {
    match lang {
        Language::ZhCn => [("open", "打开通宝钱包"), ("lock", "立即锁定"), ("quit", "退出")],
        Language::En => [("open", "Open Tongbao Wallet"), ("lock", "Lock now"), ("quit", "Quit")],
    }
}

fn menu(app: &AppHandle, lang: Language) -> tauri::Result<Menu<tauri::Wry>> {
    let items = labels(lang)
        .into_iter()
        .map(|(id, text)| MenuItem::with_id(app, id, text, true, None::<&str>))
        .collect::<tauri::Result<Vec<_>>>()?;
    let refs: Vec<&dyn tauri::menu::IsMenuItem<tauri::Wry>> = items.iter().map(|i| i as _).collect();
    Menu::with_items(app, &refs)
}

/// Builds the tray icon in `lang`. A desktop without a tray (no status notifier, or no
/// appindicator library: its loader panics) only logs it. Called once the settings are known —
/// after the first screen is drawn, so loading the indicator library never delays it.
fn build_tray(app: &AppHandle, lang: Language) {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app, lang)))
        .unwrap_or_else(|_| Err(tauri::Error::AssetNotFound("the appindicator library".into())));
    match built {
        Ok(()) => app.state::<Desktop>().has_tray.store(true, Ordering::Release),
        Err(e) => tracing::info!(error = %e, "no tray icon on this desktop"),
    }
}

fn tooltip(lang: Language) -> &'static str {
    if lang == Language::ZhCn {
        "通宝钱包"
    } else {
        "Tongbao Wallet"
    }
}

fn build(app: &AppHandle, lang: Language) -> tauri::Result<()> {
    menu(app, lang).and_then(|m| {
        let mut b = TrayIconBuilder::with_id(TRAY_ID).menu(&m).tooltip(tooltip(lang)).show_menu_on_left_click(true);
        if let Some(icon) = app.default_window_icon() {
            b = b.icon(icon.clone());
        }
        b.on_menu_event(|app, e| {
            let item = match e.id().as_ref() {
                "open" => TrayItem::Open,
                "lock" => TrayItem::Lock,
                "quit" => TrayItem::Quit,
                _ => return,
            };
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = tray_action(&app, item).await {
                    tracing::info!(code = e.code.as_str(), "tray action not done");
                }
            });
        })
        .build(app)
        .map(|_| ())
    })
}

/// The settings changed (or were read for the first time: the tray is built then): the tray's
/// language, what closing does.
pub fn apply_settings(app: &AppHandle, lang: Language, close_to_tray: bool) {
    let d = app.state::<Desktop>();
    d.close_to_tray.store(close_to_tray, Ordering::Release);
    let mut shown = d.tray_language.lock().unwrap_or_else(|p| p.into_inner());
    let first = shown.is_none();
    if *shown == Some(lang) {
        return;
    }
    *shown = Some(lang);
    let app2 = app.clone();
    // The tray lives on the main thread (GTK).
    let _ = app.run_on_main_thread(move || {
        if first {
            return build_tray(&app2, lang);
        }
        if let Some(tray) = app2.tray_by_id(TRAY_ID) {
            if let Ok(m) = menu(&app2, lang) {
                let _ = tray.set_menu(Some(m));
            }
            let _ = tray.set_tooltip(Some(tooltip(lang)));
        }
    });
}

/// Closing the main window hides it when the person chose to keep the wallet in the tray.
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        let d = window.app_handle().state::<Desktop>();
        if window.label() == "main" && d.close_to_tray.load(Ordering::Acquire) && d.has_tray.load(Ordering::Acquire) {
            api.prevent_close();
            let _ = window.hide();
        }
    }
}

/// Locks the signed-in session now (the tray, the computer going to sleep, its screen
/// locking) and tells the UI. Nothing to do when no one is signed in.
pub async fn lock_now(app: &AppHandle, why: &'static str) {
    let Some(opened) = app.state::<AppState>().if_open().await else { return };
    let locked = tauri::async_runtime::spawn_blocking(move || opened.wallet.accounts().lock()).await;
    if matches!(locked, Ok(Ok(()))) {
        tracing::info!(why, "the session locked");
        app.state::<Events>().send(AppEvent::SessionLocked);
    }
}

/// What a tray item does (the `tray_action` command runs the same).
pub async fn tray_action(app: &AppHandle, item: TrayItem) -> Result<(), AppError> {
    match item {
        TrayItem::Open => crate::instance::focus(app),
        TrayItem::Lock => lock_now(app, "tray").await,
        TrayItem::Quit => app.exit(0),
    }
    Ok(())
}
