//! The accounts domain's handle: `wallet.accounts()` gives one, and its methods — the operations —
//! are written in `impl Accounts<'_>` blocks in this folder's files.

use crate::services::Services;

/// This domain's operations, one command's worth of work each — signing up and in, the session,
/// settings, the passwords and their recovery: `signin.rs` and `security.rs`. The shell reaches
/// them as `wallet.accounts().…`; each checks the session itself.
#[derive(Clone, Copy)]
pub struct Accounts<'a>(pub(crate) &'a Services);

/// The operations run on the shared services (database, clock, keychain, bank, session).
impl std::ops::Deref for Accounts<'_> {
    type Target = Services;

    fn deref(&self) -> &Services {
        self.0
    }
}
