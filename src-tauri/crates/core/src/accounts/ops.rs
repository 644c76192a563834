//! The accounts domain's handle: `wallet.accounts()` gives one, and its methods — the operations —
//! are written in `impl Accounts<'_>` blocks in this folder's files.

crate::services::domain_handle! {
    /// This domain's operations, one command's worth of work each — signing up and in, the session,
    /// settings, the passwords and their recovery: `signin.rs` and `security.rs`. The shell reaches
    /// them as `wallet.accounts().…`; each checks the session itself.
    Accounts
}
