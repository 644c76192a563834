//! Support: the troubleshooting center's checks ([`checks`] the data, [`diagnose`] the runs and
//! "clear cache"), the support [`report`], and log [`redact`]ion.
//!
//! May import: `platform`, the bank port, `cards`, `accounts`, [`crate::services`]. Never the
//! `Wallet` facade.

pub mod checks;
pub mod diagnose;
pub mod redact;
pub mod report;
