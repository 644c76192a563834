//! Signed updates through `tauri-plugin-updater`: the manifest is checked (at start-up in the
//! background, and when the person asks), the package downloaded and its minisign signature
//! verified against the public key in `tauri.conf.json` — bound to the version announced
//! (`requireSignedVersion`) — then installed where the plugin can install the format this app
//! came in (.deb, .rpm, AppImage on Linux; NSIS/MSI on Windows; the .app on macOS). A build
//! from source is never overwritten: it stops after verification.
//!
//! Test mode only (`TONGBAO_TEST_MODE=1`): `TONGBAO_UPDATE_ENDPOINT` (the manifest URL) and
//! `TONGBAO_UPDATE_PUBKEY` replace the configured ones, `TONGBAO_UPDATE_CA` (a PEM file) is
//! the only certificate authority trusted for them (the install test's local HTTPS server: a
//! release build refuses plain HTTP), and `TONGBAO_UPDATE_DRY_RUN=1` stops after
//! verification. Outside test mode without an endpoint override the start-up check runs
//! against the configured server.

use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};
use tongbao_api::{UpdateInfo, UpdateOutcome, UpdateStage, UpdateStatus};
use tongbao_core::{AppError, ErrorCode};

use crate::state::test_mode;

/// A manifest or package request that takes longer is given up (the app keeps working).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the last check found.
#[derive(Default)]
pub struct Updates {
    last: Mutex<(Option<UpdateInfo>, Option<i64>)>,
    /// An update was installed in this run: only then does `restart` restart.
    installed: std::sync::atomic::AtomicBool,
}

impl Updates {
    pub fn status(&self, app: &AppHandle) -> UpdateStatus {
        let (available, checked_at) = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        UpdateStatus { current_version: app.package_info().version.to_string(), available, checked_at }
    }

    fn remember(&self, found: Option<&Update>) {
        let info = found.map(|u| UpdateInfo {
            version: u.version.clone(),
            notes: u.body.clone(),
            date: u.raw_json.get("pub_date").and_then(|d| d.as_str()).map(str::to_owned),
        });
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = (info, Some(now));
    }
}

fn test_override(name: &str) -> Option<String> {
    test_mode().then(|| std::env::var(name).ok()).flatten().filter(|v| !v.trim().is_empty())
}

/// The updater, with test mode's endpoint and key when given.
fn updater(app: &AppHandle) -> Result<tauri_plugin_updater::Updater, AppError> {
    let mut builder = app.updater_builder().timeout(REQUEST_TIMEOUT);
    if let Some(url) = test_override("TONGBAO_UPDATE_ENDPOINT") {
        let url =
            url.parse().map_err(|_| AppError::new(ErrorCode::UpdateCheckFailed, "the update endpoint is not a URL"))?;
        builder = builder.endpoints(vec![url]).map_err(failed)?;
    }
    if let Some(key) = test_override("TONGBAO_UPDATE_PUBKEY") {
        builder = builder.pubkey(key);
    }
    if let Some(ca) = test_override("TONGBAO_UPDATE_CA") {
        let bad = |why: String| AppError::new(ErrorCode::UpdateCheckFailed, format!("the update CA {ca}: {why}"));
        let pem = std::fs::read(&ca).map_err(|e| bad(e.to_string()))?;
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| bad(e.to_string()))?;
        builder = builder.configure_client(move |c| c.tls_certs_only([cert.clone()]));
    }
    builder.build().map_err(failed)
}

/// The catalogue's word for an updater error; the plugin's text (no secret: URLs, versions)
/// goes to the log and the developer message.
fn failed(e: UpdaterError) -> AppError {
    let code = match e {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. }
        | UpdaterError::MissingSignedVersion => ErrorCode::UpdateSignatureInvalid,
        UpdaterError::AuthenticationFailed
        | UpdaterError::DebInstallFailed
        | UpdaterError::PackageInstallFailed
        | UpdaterError::InvalidUpdaterFormat => ErrorCode::UpdateInstallFailed,
        _ => ErrorCode::UpdateCheckFailed,
    };
    tracing::warn!(code = code.as_str(), error = %e, "update failed");
    AppError::new(code, e.to_string())
}

async fn find(app: &AppHandle) -> Result<Option<Update>, AppError> {
    let found = updater(app)?.check().await.map_err(failed)?;
    app.state::<Updates>().remember(found.as_ref());
    Ok(found)
}

/// Asks the update server now.
pub async fn check(app: &AppHandle) -> Result<UpdateStatus, AppError> {
    find(app).await?;
    Ok(app.state::<Updates>().status(app))
}

/// Downloads the announced update and verifies its signature; installs it where this app came
/// from a package the plugin installs, else stops there and says why.
pub async fn install(app: &AppHandle) -> Result<UpdateOutcome, AppError> {
    let update = find(app).await?.ok_or_else(|| AppError::new(ErrorCode::UpdateNotAvailable, "no newer version"))?;
    let bytes = update.download(|_, _| {}, || {}).await.map_err(failed)?; // verified here
    let outcome = |stage| UpdateOutcome { version: update.version.clone(), bytes: bytes.len() as u64, stage };
    if test_override("TONGBAO_UPDATE_DRY_RUN").as_deref() == Some("1") {
        tracing::info!(version = %update.version, "update verified (dry run: not installed)");
        return Ok(outcome(UpdateStage::DryRun));
    }
    if tauri::utils::platform::bundle_type().is_none() {
        tracing::info!(version = %update.version, "update verified; not installed: this build is not from a package");
        return Ok(outcome(UpdateStage::NotPackaged));
    }
    let done = outcome(UpdateStage::Installed);
    tauri::async_runtime::spawn_blocking(move || update.install(&bytes))
        .await
        .map_err(|_| AppError::internal("the update install stopped unexpectedly"))?
        .map_err(failed)?;
    tracing::info!(version = %done.version, "update installed");
    app.state::<Updates>().installed.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(done)
}

/// Restarts into the version just installed; refused when none was (a stray call must not
/// end the person's session).
pub fn restart(app: &AppHandle) -> Result<(), AppError> {
    if !app.state::<Updates>().installed.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(AppError::new(ErrorCode::UpdateNotAvailable, "no update was installed in this run"));
    }
    app.restart()
}

/// The start-up check, in the background once the wallet is open: a server that is down or slow
/// never holds the app up.
/// Skipped in test mode unless a test points it somewhere.
pub fn check_in_background(app: &AppHandle) {
    if test_mode() && test_override("TONGBAO_UPDATE_ENDPOINT").is_none() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // After the wallet's first opening: the check never competes with the first screen.
        app.state::<crate::state::AppState>().first_opening_ended().await;
        match find(&app).await {
            Ok(Some(u)) => tracing::info!(version = %u.version, "an update is available"),
            Ok(None) => tracing::info!("no update"),
            Err(e) => tracing::info!(code = e.code.as_str(), "start-up update check failed"),
        }
        // A settings screen already open shows what was found.
        app.state::<crate::events::Events>().send(tongbao_api::AppEvent::UpdateChecked);
    });
}
