//! Support: the troubleshooting center's checks ([`checks`] the data, [`diagnose`] the runs and
//! "clear cache"), the support [`report`], and log [`redact`]ion.
//!
//! May import: `platform`, the bank port, `cards`, `accounts`, `money`, [`crate::services`].
//! Never the `Wallet` facade. Owns no table: "clear cache" asks `cards` to clear its own.

pub mod checks;
pub mod diagnose;
pub mod notices;
pub mod ops;
pub mod redact;
pub mod report;
