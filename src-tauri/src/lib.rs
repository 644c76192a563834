//! The Tauri shell: builds state in `setup()` and registers the commands. No rule lives here.

mod args;
mod commands;
mod events;
mod instance;
mod logging;
mod ops;
mod report_file;
mod runners;
mod session_watch;
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
                .callback(|app, _args, _cwd| instance::focus(app))
                .build(),
        )
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(|app| {
            let log_dir = app.path().app_log_dir()?;
            let guard = logging::init(&log_dir);
            let data_dir = app.path().app_data_dir()?;
            // The backstop where no session bus finds the first instance: a lock on the folder.
            let lock = instance::lock_data_dir(&data_dir)?;
            app.manage(lock);
            let identifier = app.config().identifier.clone();
            app.manage(events::Events::default());
            let state = state::AppState::new(app.handle().clone(), data_dir, log_dir, identifier, guard);
            // Open the keychain and database off the main thread; commands wait for it.
            state.start_opening();
            app.manage(state);
            app.manage(updates::Updates::default());
            session_watch::watch_sessions(app.handle().clone());
            updates::check_in_background(app.handle());
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running Tongbao Wallet");
}
