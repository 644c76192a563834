//! The money domain's handle: `wallet.money()` gives one, and its methods — the operations —
//! are written in `impl Money<'_>` blocks in this folder's files.

use crate::services::Services;

/// This domain's operations, one command's worth of work each — the balance, payments (quote, pay,
/// revoke, settle) and their history: `payments/form.rs`, `pay.rs`, `settle.rs` and `history.rs`.
/// The shell reaches them as `wallet.money().…`; each checks the session itself.
#[derive(Clone, Copy)]
pub struct Money<'a>(pub(crate) &'a Services);

/// The operations run on the shared services (database, clock, keychain, bank, session).
impl std::ops::Deref for Money<'_> {
    type Target = Services;

    fn deref(&self) -> &Services {
        self.0
    }
}
