//! The mock bank itself: its file, its clock, the tester's controls, its random source. Each
//! concern adds its operations in its own module (`impl MockBank` blocks).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use tongbao_core::bank::{BankFailure, Fault};
use tongbao_core::platform::clock::{Clock, Millis, MINUTE, SECOND};

pub const OTP_TTL: Millis = 5 * MINUTE;
pub const OTP_TRIES: i64 = 3;
pub const OTP_RESEND_AFTER: Millis = 60 * SECOND;

/// Fault injection: each rate is a probability per call (0.0–1.0), drawn from a seeded RNG so a
/// run is reproducible.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultRates {
    /// The call never answers: the wallet's timeout fires.
    pub timeout: f64,
    /// Answers 91.
    pub busy: f64,
    /// Answers 96.
    pub system_error: f64,
    /// The bank does the work, but the reply is lost: the wallet sees a timeout.
    pub drop_reply: f64,
}

/// What the tester controls at run time (the developer panel).
#[derive(Debug, Clone, PartialEq)]
pub struct Controls {
    pub latency_ms: Millis,
    pub faults: FaultRates,
    pub offline: bool,
}

impl Default for Controls {
    fn default() -> Self {
        Self { latency_ms: 300, faults: FaultRates::default(), offline: false }
    }
}

pub struct MockBank {
    pub(crate) db: Mutex<Connection>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) controls: Mutex<Controls>,
    pub(crate) rng: Mutex<ChaCha8Rng>,
    /// How many verification requests each "busy first N" card has answered 91 since start.
    pub(crate) busy_answers: Mutex<HashMap<String, u32>>,
    /// Told when the mock phone receives an SMS: the app pushes it to the panel (no polling).
    pub(crate) on_sms: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
    /// The client-version floor the developer control set: kept in memory only, like the other
    /// test-mode controls, so it never outlives the run that set it.
    pub(crate) floor_override: Mutex<Option<String>>,
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

impl MockBank {
    /// A bank over an opened file (see `MockBank::open`), with default controls.
    pub(crate) fn new(conn: Connection, clock: Arc<dyn Clock>) -> MockBank {
        MockBank {
            db: Mutex::new(conn),
            clock,
            controls: Mutex::new(Controls::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(0x7B_B0)),
            busy_answers: Mutex::new(HashMap::new()),
            floor_override: Mutex::new(None),
            on_sms: Mutex::new(None),
        }
    }

    /// Calls `f` after every SMS the mock phone receives.
    pub fn on_sms(&self, f: impl Fn() + Send + Sync + 'static) {
        *self.on_sms.lock().unwrap_or_else(|p| p.into_inner()) = Some(Box::new(f));
    }

    pub(crate) fn sms_arrived(&self) {
        if let Some(f) = self.on_sms.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            f();
        }
    }
}

/// A storage error inside a bank operation answers 96, as a real issuer's would.
pub(crate) fn storage_failure(e: rusqlite::Error) -> BankFailure {
    tracing::error!(error = %e, "mock bank storage failure");
    BankFailure::Fault(Fault::SystemError)
}

pub(crate) fn bank_name(code: &str) -> &'static str {
    match code {
        "ICBC" => "工商银行",
        "CCB" => "建设银行",
        "ABC" => "农业银行",
        "BOC" => "中国银行",
        "CMB" => "招商银行",
        _ => "银行",
    }
}

impl MockBank {
    /// Runs `f` on the bank's file: for tests that damage or inspect rows directly.
    #[doc(hidden)]
    pub fn with_db_for_tests<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.db())
    }
}
