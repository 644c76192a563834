//! RFC 6238 TOTP (SHA-1, 30 s steps, 6 digits), the dynamic token of cards that need one.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use tongbao_core::platform::clock::Millis;

pub const STEP_SECONDS: i64 = 30;

/// RFC 4648 base32 without padding, as authenticator secrets are written.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The code for a time step (RFC 4226 HOTP over the step counter).
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[offset] & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    format!("{:06}", bin % 1_000_000)
}

pub fn step_of(now: Millis) -> i64 {
    now.div_euclid(1000) / STEP_SECONDS
}

/// The code shown now.
pub fn code_now(secret: &[u8], now: Millis) -> String {
    code_at_step(secret, step_of(now))
}

/// Accepts the current code and the one before or after (clock drift of a step).
pub fn verify(secret: &[u8], code: &str, now: Millis) -> bool {
    let s = step_of(now);
    (s - 1..=s + 1).any(|st| code_at_step(secret, st) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B: secret "12345678901234567890", 8 digits there; the last 6 here.
        let secret = b"12345678901234567890";
        assert_eq!(code_at_step(secret, 59 / 30), "287082");
        assert_eq!(code_at_step(secret, 1_111_111_109 / 30), "081804");
        assert_eq!(code_at_step(secret, 1_234_567_890 / 30), "005924");
        assert_eq!(code_at_step(secret, 20_000_000_000 / 30), "353130");
    }

    #[test]
    fn base32_of_the_test_card_secret() {
        assert_eq!(base32_decode("JBSWY3DPEHPK3PXP").unwrap(), b"Hello!\xde\xad\xbe\xef");
        assert!(base32_decode("not base32!").is_none());
    }

    #[test]
    fn adjacent_steps_are_accepted_older_ones_not() {
        let secret = base32_decode("JBSWY3DPEHPK3PXP").unwrap();
        let now = 1_795_608_000_000;
        let prev = code_at_step(&secret, step_of(now) - 1);
        let old = code_at_step(&secret, step_of(now) - 3);
        assert!(verify(&secret, &code_now(&secret, now), now));
        assert!(verify(&secret, &prev, now));
        assert!(!verify(&secret, &old, now) || old == code_now(&secret, now));
    }
}
