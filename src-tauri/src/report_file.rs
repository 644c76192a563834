//! Where the support report goes: the path the person picks in a native save dialog (run on
//! the main thread, as GTK requires), or — for test scripts, which can't drive a native
//! dialog — a folder named by `TONGBAO_EXPORT_DIR`. Only Rust touches the file system.

use std::path::{Path, PathBuf};

use tauri::Manager;
use tongbao_api::ExportedReport;
use tongbao_core::support::report::ReportFiles;
use tongbao_core::{AppError, ErrorCode};

/// How much of the newest log file a report reads.
const LOG_TAIL_BYTES: u64 = 64 * 1024;

fn suggested_name(stem: &str, ext: &str) -> String {
    format!("{stem}-{}.{ext}", chrono::Utc::now().format("%Y%m%d-%H%M%S"))
}

/// The end of the newest log file, or "" when there is none.
pub fn log_tail(app: &tauri::AppHandle) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(dir) = app.path().app_log_dir() else { return String::new() };
    let newest = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("tongbao.log"))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok());
    let Some(entry) = newest else { return String::new() };
    let Ok(mut f) = std::fs::File::open(entry.path()) else { return String::new() };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(LOG_TAIL_BYTES)));
    let mut bytes = vec![];
    let _ = f.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // The first line may be cut: drop it when the read started mid-file.
    match (len > LOG_TAIL_BYTES, text.split_once('\n')) {
        (true, Some((_, rest))) => rest.to_owned(),
        _ => text,
    }
}

/// The path to write an export to (`stem-<time>.ext` suggested); None when the person cancels.
pub async fn choose_path(app: &tauri::AppHandle, stem: &str, ext: &'static str) -> Result<Option<PathBuf>, AppError> {
    let name = suggested_name(stem, ext);
    if let Some(dir) = std::env::var_os("TONGBAO_EXPORT_DIR") {
        return Ok(Some(PathBuf::from(dir).join(name)));
    }
    let start = app.path().document_dir().or_else(|_| app.path().home_dir()).ok();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let parent = app.get_webview_window("main");
    app.run_on_main_thread(move || {
        let mut dialog = rfd::FileDialog::new().set_file_name(name).add_filter(ext, &[ext]);
        if let Some(dir) = start {
            dialog = dialog.set_directory(dir);
        }
        if let Some(w) = parent.as_ref() {
            dialog = dialog.set_parent(w);
        }
        let _ = tx.send(dialog.save_file());
    })
    .map_err(|e| AppError::internal(format!("save dialog: {e}")))?;
    rx.await.map_err(|_| AppError::internal("the save dialog closed unexpectedly"))
}

/// Writes the text report at `path` and the JSON beside it (same name, `.json`).
pub fn write(path: &Path, files: &ReportFiles) -> Result<ExportedReport, AppError> {
    let json_path = path.with_extension("json");
    Ok(ExportedReport { text_path: write_one(path, &files.text)?, json_path: write_one(&json_path, &files.json)? })
}

/// Writes one export file; answers where it went.
pub fn write_one(path: &Path, content: &str) -> Result<String, AppError> {
    write_bytes(path, content.as_bytes())
}

/// Writes one export file of any content; answers where it went.
pub fn write_bytes(path: &Path, content: &[u8]) -> Result<String, AppError> {
    std::fs::write(path, content)
        .map_err(|e| AppError::new(ErrorCode::ExportFailed, format!("the file could not be written: {e}")))?;
    tracing::info!("export written");
    Ok(path.to_string_lossy().into_owned())
}
