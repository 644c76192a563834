//! What Rust tells the UI without being asked, through the channel the UI hands over once with
//! `watch_events`: the session locking itself after the idle time (see `session_watch`), an SMS
//! reaching the mock phone, the database found damaged, pending payments settled in the
//! background. Nothing in the UI polls for these.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};
use tokio::sync::Notify;
use tongbao_api::{AppEvent, SentNotification};
use tongbao_core::Wallet;

#[derive(Default)]
pub struct Events {
    channel: Mutex<Option<Channel<AppEvent>>>,
    /// Wakes the session watcher.
    pub(crate) wake: Notify,
    /// A background settlement is under way (a second request does not start another).
    settling: AtomicBool,
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

    /// Settles the signed-in person's pending payments off the command's path (the bank may
    /// take its retries); tells the UI `payments_settled` when some settled. A failure is the
    /// core's to keep with the payment (处理中 with its reason) and log.
    pub fn settle_in_background(&self, app: &AppHandle, wallet: Arc<Wallet>) {
        if self.settling.swap(true, Ordering::AcqRel) {
            return;
        }
        let app = app.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let settled = wallet.money().settle_mine();
            let events = app.state::<Events>();
            events.settling.store(false, Ordering::Release);
            match settled {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(settled = n, "pending payments settled in the background");
                    events.send(AppEvent::PaymentsSettled);
                    app.state::<Notifier>().look();
                }
                Err(e) => tracing::info!(code = e.code.as_str(), "background settlement skipped"),
            }
        });
    }
}

/// Asks the notices watcher (`notices.rs`) to look for new notices.
#[derive(Default)]
pub struct Notifier {
    pub(crate) wake: Notify,
    /// The next look also asks the bank (statements: a repayment due).
    pub(crate) with_bank: AtomicBool,
    /// Test mode: what was sent.
    sent: Mutex<Vec<SentNotification>>,
}

impl Notifier {
    /// Looks again soon (looks asked for while one runs are one more look).
    pub fn look(&self) {
        self.wake.notify_one();
    }

    /// Looks again soon, asking the bank too (a sign-in).
    pub fn look_with_bank(&self) {
        self.with_bank.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    /// Test mode: keeps a notification sent.
    pub fn keep(&self, n: SentNotification) {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).push(n);
    }

    pub fn sent(&self) -> Vec<SentNotification> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}
