//! Tongbao Wallet's domain core.
//!
//! Everything a rule depends on lives here, with no Tauri dependency, so that the rules are
//! tested fast without a webview. The Tauri shell only wires state and translates IPC to calls
//! of [`Wallet`].
//!
//! Ports (traits implemented outside the domain): [`clock::Clock`] for time and
//! [`secrets::SecretStore`] for the OS keychain. [`bank::Bank`] for the issuing bank.

pub mod accounts;
pub mod audit;
pub mod bank;
pub mod binding;
pub mod bootstrap;
pub mod cards;
pub mod clock;
pub mod diagnose;
pub mod error;
pub mod ledger;
pub mod manage;
pub mod money;
pub mod payments;
pub mod redact;
pub mod report;
pub mod secrets;
pub mod session;
pub mod settings;
pub mod storage;
pub mod wallet;

pub use bootstrap::{open_wallet, reset_installation};
pub use error::{AppError, ErrorCode};
pub use wallet::Wallet;
