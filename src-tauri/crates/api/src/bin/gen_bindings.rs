//! Writes `ui/src/lib/ipc/bindings.ts` from the Rust types; with `--check`, fails (exit 1)
//! when the committed file differs instead of writing it.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../ui/src/lib/ipc/bindings.ts");
    let fresh = tongbao_api::typescript();
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != fresh {
            eprintln!("{} is stale: run `cargo run -p tongbao-api --bin gen-bindings` and commit it", path.display());
            return ExitCode::FAILURE;
        }
        println!("bindings.ts is up to date");
        return ExitCode::SUCCESS;
    }
    if let Err(e) =
        std::fs::create_dir_all(path.parent().expect("has a parent")).and_then(|_| std::fs::write(&path, fresh))
    {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
