//! The money domain's handle: `wallet.money()` gives one, and its methods — the operations —
//! are written in `impl Money<'_>` blocks in this folder's files.

crate::services::domain_handle! {
    /// This domain's operations, one command's worth of work each — the balance, payments (quote, pay,
    /// revoke, settle) and their history: `payments/form.rs`, `pay.rs`, `settle.rs` and `history.rs`.
    /// The shell reaches them as `wallet.money().…`; each checks the session itself.
    Money
}
