//! Money: amounts in integer fen and the wallet's limits ([`amount`], re-exported here), the
//! double-entry [`ledger`], and [`payments`] (top-up, withdrawal, transfers, history).
//!
//! May import: `platform`, the bank port, `accounts` (the account id, the payment password),
//! `cards` (the stored card a payment uses), [`crate::services`]. Never `support` or the
//! `Wallet` facade.
//!
//! Owns the tables `payments`, `payment_events`, `ledger_accounts`, `entries`. The history's
//! pages read the card and the payee's name in the same query (a join, never a write).

pub mod amount;
pub mod ledger;
pub mod ops;
pub mod payments;

pub use amount::*;
