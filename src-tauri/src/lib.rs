//! The Tauri shell: builds state in `setup()` and registers the commands. No rule lives here.

mod args;
mod commands;
mod events;
mod instance;
mod logging;
mod report_file;
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
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::check_registration,
            commands::register,
            commands::login,
            commands::unlock,
            commands::lock,
            commands::logout,
            commands::touch,
            commands::profile,
            commands::update_settings,
            commands::recognise_card,
            commands::cards,
            commands::bind_start,
            commands::bind_token,
            commands::bind_resend,
            commands::bind_confirm,
            commands::mock_panel,
            commands::mock_set_controls,
            commands::mock_advance_clock,
            commands::mock_bank_action,
            commands::mock_set_version_floor,
            commands::cards_refresh,
            commands::card_detail,
            commands::account_audit,
            commands::last_failure,
            commands::card_rename,
            commands::card_set_default,
            commands::card_update_start,
            commands::card_update_resend,
            commands::card_update_confirm,
            commands::card_unbind,
            commands::run_diagnostics,
            commands::clear_cache,
            commands::export_report,
            commands::balance,
            commands::find_payee,
            commands::quote_payment,
            commands::pay,
            commands::revoke_payment,
            commands::history,
            commands::payment_detail,
            commands::monthly_flows,
            commands::export_history,
            commands::change_password,
            commands::change_pay_password,
            commands::recover_start,
            commands::recover_resend,
            commands::recover_code,
            commands::recover_identity,
            commands::recover_finish,
            commands::pay_recover_start,
            commands::pay_recover_resend,
            commands::pay_recover_code,
            commands::pay_recover_card,
            commands::pay_recover_card_code,
            commands::pay_recover_identity,
            commands::pay_recover_finish,
            commands::security_overview,
            commands::close_account,
            commands::reset_installation,
            commands::update_status,
            commands::update_check,
            commands::update_install,
            commands::update_restart,
            commands::watch_events,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Tongbao Wallet");
}
