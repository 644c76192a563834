//! The cards domain's handle: `wallet.cards()` gives one, and its methods — the operations —
//! are written in `impl Cards<'_>` blocks in this folder's files.

use crate::services::Services;

/// This domain's operations, one command's worth of work each — binding, the cards list and detail,
/// card updates, unbinding, recovering the payment password by a card: `bind_flow.rs`, `manage.rs`
/// and `pay_recovery.rs`. The shell reaches them as `wallet.cards().…`; each checks the session
/// itself.
#[derive(Clone, Copy)]
pub struct Cards<'a>(pub(crate) &'a Services);

/// The operations run on the shared services (database, clock, keychain, bank, session).
impl std::ops::Deref for Cards<'_> {
    type Target = Services;

    fn deref(&self) -> &Services {
        self.0
    }
}
