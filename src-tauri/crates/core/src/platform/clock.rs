//! The clock port. Business logic asks this for the time and never reads the system clock, so
//! tests move time (lockout, auto-lock, age) without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// China Standard Time has no daylight saving: the calendar day is UTC+8.
pub const SHANGHAI_OFFSET: Millis = 8 * HOUR;

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

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A real calendar date, or None (`1990-02-30` is None).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The date in Shanghai at the given instant.
    /// Days from 1970-01-01 to this date (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn in_shanghai(at: Millis) -> Date {
        let days = (at + SHANGHAI_OFFSET).div_euclid(DAY);
        civil_from_days(days)
    }

    /// Whole years from `self` to `on` (a birthday on 29 Feb counts on 1 Mar in common years).
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Date { year: (y + i64::from(m <= 2)) as i32, month: m, day: d }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch_round_trips_with_civil_from_days() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        for days in [-1000, 0, 59, 60, 11_016, 20_000, 20_782] {
            assert_eq!(civil_from_days(days).days_since_epoch(), days);
        }
    }

    #[test]
    fn shanghai_day_turns_at_utc_16_00() {
        // 2026-11-25T15:59:59Z is 23:59:59 in Shanghai; one second later it is the 26th.
        let t = 1_795_622_399_000; // 2026-11-25T15:59:59Z
        assert_eq!(Date::in_shanghai(t), Date::new(2026, 11, 25).unwrap());
        assert_eq!(Date::in_shanghai(t + SECOND), Date::new(2026, 11, 26).unwrap());
    }

    #[test]
    fn dates_are_validated() {
        assert!(Date::new(1990, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1990, 13, 1).is_none());
        assert!(Date::new(1990, 4, 31).is_none());
    }

    #[test]
    fn years_count_whole_birthdays() {
        let b = Date::new(2010, 11, 26).unwrap();
        assert_eq!(b.years_until(Date::new(2026, 11, 25).unwrap()), 15);
        assert_eq!(b.years_until(Date::new(2026, 11, 26).unwrap()), 16);
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
