//! The clock port. Business logic asks this for the time and never reads the system clock, so
//! tests move time (lockout, auto-lock, age) without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{NaiveDate, NaiveTime, TimeZone};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

pub trait Clock: Send + Sync {
    fn now(&self) -> Millis;
    /// Waits `ms` (retry backoff, simulated latency). A fake clock just moves forward.
    fn sleep(&self, ms: Millis);
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        d.as_millis() as Millis
    }
    fn sleep(&self, ms: Millis) {
        if ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(ms as u64));
        }
    }
}

/// The real clock moved by an offset: the mock mode's clock, which the developer panel (and
/// testers) can move forward to see codes expire or cards renew.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset: AtomicI64,
}

impl OffsetClock {
    pub fn new(offset: Millis) -> Self {
        Self { offset: AtomicI64::new(offset) }
    }
    /// Moves the clock forward (or back, with a negative `ms`).
    pub fn advance(&self, ms: Millis) {
        self.offset.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn offset(&self) -> Millis {
        self.offset.load(Ordering::SeqCst)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Millis {
        SystemClock.now() + self.offset()
    }
    fn sleep(&self, ms: Millis) {
        SystemClock.sleep(ms);
    }
}

/// A clock that stands still until moved: for tests.
#[derive(Debug)]
pub struct FakeClock(AtomicI64);

impl FakeClock {
    pub fn at(ms: Millis) -> Self {
        Self(AtomicI64::new(ms))
    }
    pub fn advance(&self, ms: Millis) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn set(&self, ms: Millis) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
    fn sleep(&self, ms: Millis) {
        self.advance(ms.max(0));
    }
}

/// The wallet's time zone: days, limits and dates shown are Shanghai's.
pub const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// The calendar date in Shanghai at the instant `at` (ms since the Unix epoch). Instants outside
/// chrono's range (about ±262,000 years) are clamped to its ends, never a panic.
pub fn shanghai_date(at: Millis) -> NaiveDate {
    match ZONE.timestamp_millis_opt(at).single() {
        Some(t) => t.date_naive(),
        None if at < 0 => NaiveDate::MIN,
        None => NaiveDate::MAX,
    }
}

/// The first millisecond of `date` in Shanghai, or None outside chrono's range.
pub fn shanghai_midnight(date: NaiveDate) -> Option<Millis> {
    // Shanghai has had no DST since 1991; in the years it had, midnight always existed once.
    ZONE.from_local_datetime(&date.and_time(NaiveTime::MIN)).earliest().map(|t| t.timestamp_millis())
}

/// 00:00 of the Shanghai day `at` falls in: where the daily limits and counters start.
pub fn shanghai_day_start(at: Millis) -> Millis {
    shanghai_midnight(shanghai_date(at)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shanghai_day_turns_at_utc_16_00() {
        // 2026-11-25T15:59:59Z is 23:59:59 in Shanghai; one second later it is the 26th.
        let t = 1_795_622_399_000; // 2026-11-25T15:59:59Z
        assert_eq!(shanghai_date(t), NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        assert_eq!(shanghai_date(t + SECOND), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(shanghai_day_start(t), t + SECOND - DAY);
        assert_eq!(shanghai_day_start(t + SECOND), t + SECOND);
        assert_eq!(shanghai_midnight(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), Some(-8 * HOUR));
    }

    #[test]
    fn instants_far_out_of_range_are_clamped_not_a_panic() {
        assert_eq!(shanghai_date(i64::MAX), NaiveDate::MAX);
        assert_eq!(shanghai_date(i64::MIN), NaiveDate::MIN);
        let last = shanghai_day_start(i64::MAX);
        assert_eq!(shanghai_date(last), NaiveDate::MAX);
        assert_eq!(shanghai_midnight(NaiveDate::MAX), Some(last));
    }

    #[test]
    fn offset_clock_runs_with_the_real_one_plus_its_offset() {
        let c = OffsetClock::new(DAY);
        let diff = c.now() - SystemClock.now();
        assert!((DAY - 1_000..=DAY).contains(&diff), "{diff}");
        c.advance(-DAY);
        assert!((c.now() - SystemClock.now()).abs() < 1_000);
    }

    #[test]
    fn fake_clock_moves_only_when_told() {
        let c = FakeClock::at(1000);
        assert_eq!(c.now(), 1000);
        c.advance(MINUTE);
        assert_eq!(c.now(), 1000 + MINUTE);
    }
}
