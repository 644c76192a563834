//! The platform under the domain: storage and its migrations (encrypted SQLite), secrets and
//! the OS keychain port, the clock port, and the error catalogue every layer speaks.
//!
//! May import: nothing of this crate outside `platform`. Everything else may import it.

pub mod clock;
pub mod error;
pub mod secrets;
pub mod storage;
pub mod text;
