//! Faults and controls: the tester's fault rates, latency and version floor, the transport
//! that applies them to every call (latency, timeouts, 91/96/lost answers), and "busy first N".

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tongbao_core::bank::{BankFailure, BankResult, CallOptions, Fault};
use tongbao_core::platform::clock::{Millis, SECOND};

use crate::bank::{Controls, FaultRates, MockBank};
use crate::store::CardRow;

/// The developer panel's controls (rates are 0–1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MockControls {
    #[ts(type = "number")]
    pub latency_ms: Millis,
    pub offline: bool,
    pub timeout_rate: f64,
    pub busy_rate: f64,
    pub system_error_rate: f64,
    pub drop_rate: f64,
}

impl From<&Controls> for MockControls {
    fn from(c: &Controls) -> Self {
        Self {
            latency_ms: c.latency_ms,
            offline: c.offline,
            timeout_rate: c.faults.timeout,
            busy_rate: c.faults.busy,
            system_error_rate: c.faults.system_error,
            drop_rate: c.faults.drop_reply,
        }
    }
}

impl MockControls {
    /// Clamped to sensible ranges: latency 0–60 s, rates 0–1.
    pub fn to_controls(self) -> Controls {
        let rate = |r: f64| {
            if r.is_finite() {
                r.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        Controls {
            latency_ms: self.latency_ms.clamp(0, 60 * SECOND),
            offline: self.offline,
            faults: FaultRates {
                timeout: rate(self.timeout_rate),
                busy: rate(self.busy_rate),
                system_error: rate(self.system_error_rate),
                drop_reply: rate(self.drop_rate),
            },
        }
    }
}

impl MockBank {
    pub fn controls(&self) -> Controls {
        self.controls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_controls(&self, c: Controls) {
        *self.controls.lock().unwrap_or_else(|p| p.into_inner()) = c;
    }

    /// Re-seeds the fault RNG: the same seed gives the same faults in the same order.
    pub fn seed_faults(&self, seed: u64) {
        *self.rng.lock().unwrap_or_else(|p| p.into_inner()) = ChaCha8Rng::seed_from_u64(seed);
    }

    /// Raises (or lowers) the oldest client version the bank accepts, for this run only: the
    /// next start answers the fixture's floor again.
    pub fn set_client_version_floor(&self, v: &str) {
        *self.floor_override.lock().unwrap_or_else(|p| p.into_inner()) = Some(v.to_owned());
    }

    /// Spends the call's latency and decides whether a fault replaces the answer. `work` runs
    /// unless the request never reaches the bank; a dropped reply runs it and still times out.
    pub(crate) fn transport<T>(
        &self,
        opts: CallOptions,
        never_answers: bool,
        work: impl FnOnce() -> BankResult<T>,
    ) -> BankResult<T> {
        let c = self.controls();
        if c.offline {
            return Err(BankFailure::Fault(Fault::Offline));
        }
        let timeout = || {
            self.clock.sleep(opts.timeout_ms);
            Err(BankFailure::Fault(Fault::Timeout))
        };
        if never_answers || c.latency_ms >= opts.timeout_ms {
            return timeout();
        }
        let roll: f64 = self.rng.lock().unwrap_or_else(|p| p.into_inner()).gen();
        let f = c.faults;
        self.clock.sleep(c.latency_ms);
        let mut edge = f.timeout;
        if roll < edge {
            self.clock.sleep(opts.timeout_ms - c.latency_ms);
            return Err(BankFailure::Fault(Fault::Timeout));
        }
        edge += f.busy;
        if roll < edge {
            return Err(BankFailure::Fault(Fault::Busy));
        }
        edge += f.system_error;
        if roll < edge {
            return Err(BankFailure::Fault(Fault::SystemError));
        }
        edge += f.drop_reply;
        if roll < edge {
            let _ = work();
            self.clock.sleep(opts.timeout_ms - c.latency_ms);
            return Err(BankFailure::Fault(Fault::Timeout));
        }
        work()
    }

    /// Answers 91 for the first N verification requests of a "busy first N" card (T07).
    pub(crate) fn busy_first(&self, card: &CardRow) -> bool {
        if card.busy_first == 0 {
            return false;
        }
        let mut m = self.busy_answers.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(card.id.clone()).or_insert(0);
        if *n < card.busy_first {
            *n += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn version_floor(&self) -> String {
        if let Some(v) = self.floor_override.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return v;
        }
        self.db()
            .query_row("SELECT value FROM meta WHERE key = 'client_version_floor'", [], |r| r.get(0))
            .unwrap_or_else(|_| "0.0.0".into())
    }
}
