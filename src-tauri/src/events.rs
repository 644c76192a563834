//! What Rust tells the UI without being asked, through the channel the UI hands over once with
//! `watch_events`: the session locking itself after the idle time (see `session_watch`), an SMS
//! reaching the mock phone, the database found damaged. Nothing in the UI polls for these.

use std::sync::Mutex;

use tauri::ipc::Channel;
use tokio::sync::Notify;
use tongbao_api::AppEvent;

#[derive(Default)]
pub struct Events {
    channel: Mutex<Option<Channel<AppEvent>>>,
    /// Wakes the session watcher.
    pub(crate) wake: Notify,
}

impl Events {
    pub fn send(&self, e: AppEvent) {
        if let Some(c) = self.channel.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = c.send(e); // a closed window: nobody to tell
        }
    }

    /// The UI's channel (a reload hands over a new one).
    pub fn watch(&self, channel: Channel<AppEvent>) {
        *self.channel.lock().unwrap_or_else(|p| p.into_inner()) = Some(channel);
        self.wake.notify_one();
    }

    /// The session's deadline may have changed: the watcher looks again.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
