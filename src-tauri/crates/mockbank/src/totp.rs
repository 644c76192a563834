//! RFC 6238 TOTP (SHA-1, 30 s steps, 6 digits), the dynamic token of cards that need one, over
//! the `totp-rs` crate; this module only fixes the parameters and the clock.

use tongbao_core::platform::clock::Millis;
use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const STEP_SECONDS: u64 = 30;

/// RFC 4648 base32 (as authenticator secrets are written), or None.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| *c != ' ' && *c != '=').map(|c| c.to_ascii_uppercase()).collect();
    Secret::try_from_base32(compact).ok().map(|s| s.as_bytes().to_vec())
}

/// The token: one step either side is accepted (clock drift). The fixture's secret is 80 bits,
/// below the 128 the crate's checked constructor asks of new secrets, as many bank tokens are.
fn token(secret: &[u8]) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret)
        .build_noncompliant()
}

fn unix_seconds(now: Millis) -> u64 {
    u64::try_from(now.div_euclid(1000)).unwrap_or(0)
}

/// The code shown at `now`.
pub fn code_now(secret: &[u8], now: Millis) -> String {
    token(secret).generate(unix_seconds(now)).to_string()
}

/// Accepts the current code and the one before or after (clock drift of a step).
pub fn verify(secret: &[u8], code: &str, now: Millis) -> bool {
    token(secret).check(code, unix_seconds(now)).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP_MS: Millis = STEP_SECONDS as Millis * 1000;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B: secret "12345678901234567890", 8 digits there; the last 6 here.
        let secret = b"12345678901234567890";
        assert_eq!(code_now(secret, 59_000), "287082");
        assert_eq!(code_now(secret, 1_111_111_109_000), "081804");
        assert_eq!(code_now(secret, 1_234_567_890_000), "005924");
        assert_eq!(code_now(secret, 20_000_000_000_000), "353130");
    }

    #[test]
    fn base32_of_the_test_card_secret() {
        assert_eq!(base32_decode("JBSWY3DPEHPK3PXP").unwrap(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(base32_decode("jbsw y3dp ehpk 3pxp").unwrap(), b"Hello!\xde\xad\xbe\xef");
        assert!(base32_decode("not base32!").is_none());
    }

    #[test]
    fn adjacent_steps_are_accepted_older_ones_not() {
        let secret = base32_decode("JBSWY3DPEHPK3PXP").unwrap();
        let now = 1_795_608_000_000;
        let prev = code_now(&secret, now - STEP_MS);
        let next = code_now(&secret, now + STEP_MS);
        let old = code_now(&secret, now - 3 * STEP_MS);
        assert!(verify(&secret, &code_now(&secret, now), now));
        assert!(verify(&secret, &prev, now));
        assert!(verify(&secret, &next, now));
        assert!(!verify(&secret, &old, now) || old == code_now(&secret, now));
        assert!(!verify(&secret, "12345", now));
    }
}
