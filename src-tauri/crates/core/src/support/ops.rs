//! The support domain's handle: `wallet.support()` gives one, and its methods — the operations —
//! are written in `impl Support<'_>` blocks in this folder's files.

crate::services::domain_handle! {
    /// This domain's operations, one command's worth of work each — diagnostics, clearing the cache and
    /// the support report: `diagnose.rs` and `report.rs`. The shell reaches them as
    /// `wallet.support().…`; each checks the session itself.
    Support
}
