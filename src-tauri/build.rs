//! Lists the app's commands in the app manifest, so each one gets an `allow-<name>` permission
//! and `capabilities/main.json` grants exactly those to the main window. The list comes from
//! the IPC contract crate, the same one the TypeScript bindings are generated from.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(tongbao_api::COMMAND_NAMES);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script");
}
