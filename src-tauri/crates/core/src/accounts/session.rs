//! Who is signed in on this app instance, and the auto-lock rule.
//!
//! One person at a time is signed in; every command that touches account data asks
//! [`Session::require`] first, so an idle or locked session is refused in Rust whatever the UI
//! shows.

use serde::Serialize;
use ts_rs::TS;

use crate::accounts::AccountId;
use crate::platform::clock::{Millis, MINUTE};
use crate::platform::error::{AppError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: AccountId,
    pub last_activity: Millis,
    pub locked: bool,
}

/// What the UI is told about the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub display_name: String,
    pub locked: bool,
    /// 隐藏金额: this account shows every amount masked.
    pub hide_amounts: bool,
}

impl Session {
    pub fn start(account_id: AccountId, now: Millis) -> Self {
        Self { account_id, last_activity: now, locked: false }
    }

    /// Locks the session when it has been idle for `autolock_minutes` or longer.
    pub fn apply_autolock(&mut self, now: Millis, autolock_minutes: u32) {
        if now >= self.locks_at(autolock_minutes) {
            self.locked = true;
        }
    }

    /// When the session locks by itself if nothing happens before.
    pub fn locks_at(&self, autolock_minutes: u32) -> Millis {
        self.last_activity + i64::from(autolock_minutes) * MINUTE
    }

    /// The account of an active session, counting this call as activity.
    pub fn require(slot: &mut Option<Session>, now: Millis, autolock_minutes: u32) -> Result<AccountId, AppError> {
        let id = Session::peek(slot, now, autolock_minutes)?;
        if let Some(s) = slot.as_mut() {
            s.last_activity = now;
        }
        Ok(id)
    }

    /// The account of an active session, without counting this call as activity (polls).
    pub fn peek(slot: &mut Option<Session>, now: Millis, autolock_minutes: u32) -> Result<AccountId, AppError> {
        let s = slot.as_mut().ok_or_else(not_logged_in)?;
        s.apply_autolock(now, autolock_minutes);
        if s.locked {
            return Err(AppError::new(ErrorCode::SessionLocked, "the session is locked: enter the password"));
        }
        Ok(s.account_id)
    }
}

pub fn not_logged_in() -> AppError {
    AppError::new(ErrorCode::NotLoggedIn, "sign in first")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_locks_after_the_idle_time() {
        let mut slot = Some(Session::start(1, 0));
        assert_eq!(Session::require(&mut slot, 4 * MINUTE, 5).unwrap(), 1);
        // Activity at 4 min resets the timer: still fine at 8:59.
        assert!(Session::require(&mut slot, 8 * MINUTE + 59_000, 5).is_ok());
        let e = Session::require(&mut slot, 14 * MINUTE, 5).unwrap_err();
        assert_eq!(e.code, ErrorCode::SessionLocked);
        assert!(slot.unwrap().locked);
    }

    #[test]
    fn peeking_does_not_keep_the_session_open() {
        let mut slot = Some(Session::start(1, 0));
        assert!(Session::peek(&mut slot, 4 * MINUTE, 5).is_ok());
        assert_eq!(Session::peek(&mut slot, 5 * MINUTE, 5).unwrap_err().code, ErrorCode::SessionLocked);
    }

    #[test]
    fn no_session_means_not_logged_in() {
        let mut slot = None;
        assert_eq!(Session::require(&mut slot, 0, 5).unwrap_err().code, ErrorCode::NotLoggedIn);
    }
}
