//! Money: amounts in integer fen and the wallet's limits ([`amount`], re-exported here), the
//! double-entry [`ledger`], and [`payments`] (top-up, withdrawal, transfers, history).
//!
//! May import: `platform`, the bank port, `accounts` (the account id, the payment password),
//! `cards` (the stored card a payment uses), [`crate::services`]. Never the `Wallet` facade.

pub mod amount;
pub mod ledger;
pub mod payments;

pub use amount::*;
