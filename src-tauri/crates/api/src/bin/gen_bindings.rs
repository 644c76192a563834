//! Writes what is generated from the IPC contract: `ui/src/lib/ipc/bindings.ts` (the types and
//! commands for the UI) and `src-tauri/capabilities/main.json` and `bankapp.json` (the
//! permissions of the main window and of the mock bank app's window). With `--check`, fails (exit 1) when a committed file differs instead of writing.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let files = [
        (root.join("ui/src/lib/ipc/bindings.ts"), tongbao_api::typescript()),
        (root.join("src-tauri/capabilities/main.json"), tongbao_api::capability_json()),
        (root.join("src-tauri/capabilities/bankapp.json"), tongbao_api::bankapp_capability_json()),
    ];
    let mut ok = true;
    for (path, fresh) in files {
        if check {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if committed != fresh {
                eprintln!(
                    "{} is stale: run `cargo run -p tongbao-api --bin gen-bindings` and commit it",
                    path.display()
                );
                ok = false;
            } else {
                println!("{} is up to date", path.display());
            }
            continue;
        }
        if let Err(e) =
            std::fs::create_dir_all(path.parent().expect("has a parent")).and_then(|_| std::fs::write(&path, fresh))
        {
            eprintln!("cannot write {}: {e}", path.display());
            ok = false;
        } else {
            println!("wrote {}", path.display());
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
