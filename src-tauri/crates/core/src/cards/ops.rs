//! The cards domain's handle: `wallet.cards()` gives one, and its methods — the operations —
//! are written in `impl Cards<'_>` blocks in this folder's files.

crate::services::domain_handle! {
    /// This domain's operations, one command's worth of work each — binding, the cards list and detail,
    /// card updates, unbinding, recovering the payment password by a card: `bind_flow.rs`, `manage.rs`
    /// and `pay_recovery.rs`. The shell reaches them as `wallet.cards().…`; each checks the session
    /// itself.
    Cards
}
