//! Tongbao Wallet's domain core.
//!
//! Everything a rule depends on lives here, with no Tauri dependency, so that the rules are
//! tested fast without a webview. The Tauri shell only wires state and translates IPC to calls
//! of [`Wallet`].
//!
//! Layers, each importing only those above it in this list (checked by `tests/layers.rs`):
//! - [`platform`]: storage and migrations, secrets and the keychain port, the clock port, the
//!   error catalogue.
//! - [`bank`]: the issuing bank's port (a trait the mock bank implements); [`acquirer`]: the
//!   merchants' bank's port (orders, their signed links, offers, refunds); [`biller`]: the
//!   utilities' and carriers' port (bills and mobile top-up).
//! - [`services`]: what every operation runs on (connection, clock, keychain, bank, session).
//! - the domain folders — [`accounts`], [`cards`], [`money`], [`support`] — data, rules and
//!   operations (an `impl Cards<'_>` block, and so on: each domain has one handle type).
//! - [`wallet`]: what the shell holds — built at start-up ([`open_wallet`]); it hands out the
//!   domains' handles (`wallet.cards().bind_start(…)`, `wallet.money().pay(…)`).

pub mod accounts;
pub mod acquirer;
pub mod bank;
pub mod biller;
pub mod cards;
pub mod money;
pub mod platform;
pub mod services;
pub mod support;
pub mod wallet;

pub use platform::error::{AppError, ErrorCode};
pub use wallet::bootstrap::{open_wallet, reset_installation};
pub use wallet::Wallet;
