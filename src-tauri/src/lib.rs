//! The Tauri shell: builds state in `setup()` and registers the commands. No rule lives here.

mod args;
mod commands;
mod deep_link;
mod desktop;
mod events;
mod first_screen;
mod instance;
mod logging;
mod notices;
mod ops;
mod report_file;
mod runners;
mod session_watch;
mod sleep_watch;
mod state;
mod updates;

use tauri::Manager;

pub fn run() {
    tauri::Builder::default()
        // First: a second start on the same data folder hands over to the first window and
        // exits before anything else is opened.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance::bus_id())
                .callback(|app, args, _cwd| {
                    instance::focus(app);
                    deep_link::arrived(app, args);
                })
                .build(),
        )
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        // The window's size and position, kept across starts (not its visibility: a start
        // always shows the window).
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all() - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        )
        .on_window_event(desktop::on_window_event)
        .setup(|app| {
            let log_dir = app.path().app_log_dir()?;
            let guard = logging::init(&log_dir);
            let data_dir = app.path().app_data_dir()?;
            // The backstop where no session bus finds the first instance: a lock on the folder.
            let lock = instance::lock_data_dir(&data_dir)?;
            app.manage(lock);
            let identifier = app.config().identifier.clone();
            app.manage(events::Events::default());
            app.manage(deep_link::DeepLinks::default());
            app.manage(desktop::Desktop::default());
            app.manage(events::Notifier::default());
            // A first start by the OS for a link: keep it for after sign-in.
            deep_link::arrived(app.handle(), std::env::args().skip(1));
            // A build run from the source tree has no installed desktop entry: register the
            // scheme for this user (an installed package's entry already does; failing is fine).
            #[cfg(all(debug_assertions, any(target_os = "linux", windows)))]
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                if std::env::var_os("TONGBAO_TEST_MODE").is_none() {
                    if let Err(e) = app.deep_link().register("tongbao") {
                        tracing::info!(error = %e, "the tongbao:// scheme was not registered for this build");
                    }
                }
            }
            let state = state::AppState::new(app.handle().clone(), data_dir, log_dir, identifier, guard);
            // Open the keychain and database off the main thread; commands wait for it. The UI
            // asks (app_status) once its first screen is drawn; if it has not within a moment,
            // open anyway (the background tasks wait for it).
            app.manage(state);
            let opener = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                opener.state::<state::AppState>().open_if_untouched();
            });
            app.manage(updates::Updates::default());
            session_watch::watch_sessions(app.handle().clone());
            notices::watch_notices(app.handle().clone());
            let on_lock = app.handle().clone();
            sleep_watch::watch(move |why| {
                let app = on_lock.clone();
                tauri::async_runtime::spawn(async move { desktop::lock_now(&app, why).await });
            });
            updates::check_in_background(app.handle());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running Tongbao Wallet");
}
