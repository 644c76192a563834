//! The support domain's handle: `wallet.support()` gives one, and its methods — the operations —
//! are written in `impl Support<'_>` blocks in this folder's files.

use crate::services::Services;

/// This domain's operations, one command's worth of work each — diagnostics, clearing the cache and
/// the support report: `diagnose.rs` and `report.rs`. The shell reaches them as
/// `wallet.support().…`; each checks the session itself.
#[derive(Clone, Copy)]
pub struct Support<'a>(pub(crate) &'a Services);

/// The operations run on the shared services (database, clock, keychain, bank, session).
impl std::ops::Deref for Support<'_> {
    type Target = Services;

    fn deref(&self) -> &Services {
        self.0
    }
}
