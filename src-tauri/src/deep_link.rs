//! `tongbao://` links from the OS. On Linux (and Windows) the OS starts the app with the link as
//! its only argument: a first start keeps it, a second start hands its arguments to the running
//! instance through the single-instance plugin and exits. Either way the link waits here, is
//! announced to the UI (`deep_link`), and is taken once by the UI (`deep_link_take`) when
//! someone is signed in — after sign-in if the wallet was locked. What the link asks for is the
//! core's to check: it is hostile input, and this module only carries it.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};
use tongbao_api::AppEvent;

use crate::events::Events;

/// Longer arguments are not links of this app.
const MAX_LINK: usize = 2048;

/// The latest link not yet taken by the UI.
#[derive(Default)]
pub struct DeepLinks(Mutex<Option<String>>);

impl DeepLinks {
    pub fn take(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Keeps the last `tongbao://` argument of a start (the link's own text is never logged: a
/// callback carries a one-time code) and tells the UI.
pub fn arrived<R: Runtime>(app: &AppHandle<R>, args: impl IntoIterator<Item = String>) {
    let Some(link) = args.into_iter().filter(|a| a.starts_with("tongbao://") && a.len() <= MAX_LINK).last() else {
        return;
    };
    tracing::info!(kind = link_kind(&link), "a tongbao:// link arrived");
    *app.state::<DeepLinks>().0.lock().unwrap_or_else(|p| p.into_inner()) = Some(link);
    if let Some(events) = app.try_state::<Events>() {
        events.send(AppEvent::DeepLink);
    }
}

/// What a link is about, for the log: its first path segment, if it is a known one.
fn link_kind(link: &str) -> &'static str {
    match link.trim_start_matches("tongbao://").split(['/', '?']).next() {
        Some("bind") => "bind",
        Some("pay") => "pay",
        _ => "other",
    }
}
