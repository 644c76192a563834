//! Amounts: integer fen (i64) everywhere, parsed from what people type and shown as `¥1,234.56`.

use crate::platform::error::{AppError, ErrorCode};

pub type Fen = i64;

/// Wallet limits (docs/features.md, money): one payment, and outgoing money per Shanghai calendar day.
pub const SINGLE_LIMIT_FEN: Fen = 50_000 * 100;
pub const DAILY_LIMIT_FEN: Fen = 200_000 * 100;
/// No one types more than this (¥10 billion): beyond it the input is refused, not overflowed.
const MAX_INPUT_FEN: Fen = 1_000_000_000_000;

fn invalid(why: &str) -> AppError {
    AppError::new(ErrorCode::AmountInvalid, format!("amount: {why}"))
}

/// Parses `1234.5`, `1,234.50`, `¥12`, `￥12` into fen. Refuses empty, negative, zero, more
/// than 2 decimals, misplaced commas, anything else, and absurd sizes.
pub fn parse_amount(input: &str) -> Result<Fen, AppError> {
    // Full-width digits and punctuation (an IME in full-width mode: `１，２３４．５`) as ASCII.
    let s = &crate::platform::text::half_width(input);
    let s = s.trim();
    let s = s.strip_prefix('¥').or_else(|| s.strip_prefix('￥')).unwrap_or(s).trim();
    if s.is_empty() {
        return Err(invalid("empty"));
    }
    if s.starts_with('-') {
        return Err(invalid("negative"));
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if s.contains('.') && frac.is_empty() {
        return Err(invalid("a point without decimals"));
    }
    if frac.len() > 2 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(invalid("at most 2 decimals"));
    }
    if int.is_empty() || !int.bytes().all(|c| c.is_ascii_digit() || c == b',') {
        return Err(invalid("not a number"));
    }
    if int.contains(',') {
        // Thousands separators only: 1,234 and 12,345,678; never 12,34 or ,123.
        let groups: Vec<&str> = int.split(',').collect();
        let first = groups[0].len();
        if !(1..=3).contains(&first) || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(invalid("misplaced thousands separator"));
        }
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    if digits.len() > 12 {
        return Err(invalid("too large"));
    }
    let yuan: Fen = digits.parse().map_err(|_| invalid("not a number"))?;
    let cents: Fen = format!("{frac:0<2}").parse().map_err(|_| invalid("not a number"))?;
    let fen = yuan.checked_mul(100).and_then(|f| f.checked_add(cents)).ok_or_else(|| invalid("too large"))?;
    if fen == 0 {
        return Err(invalid("zero"));
    }
    if fen > MAX_INPUT_FEN {
        return Err(invalid("too large"));
    }
    Ok(fen)
}

/// `¥1,234.56` (a minus sign in front for negative amounts).
pub fn format_fen(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let (yuan, cents) = (abs / 100, abs % 100);
    let digits = yuan.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{cents:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_what_people_type() {
        assert_eq!(parse_amount("1234.5").unwrap(), 123_450);
        assert_eq!(parse_amount("1,234.50").unwrap(), 123_450);
        assert_eq!(parse_amount("¥12").unwrap(), 1_200);
        assert_eq!(parse_amount(" ￥ 0.01 ").unwrap(), 1);
        assert_eq!(parse_amount("12,345,678").unwrap(), 1_234_567_800);
    }

    #[test]
    fn refuses_the_rest_with_amount_invalid() {
        for bad in [
            "",
            "-5",
            "0",
            "0.00",
            "1.234",
            "1.",
            ".5",
            "12,34",
            ",123",
            "1,2345",
            "abc",
            "1e3",
            "¥",
            "1 000",
            "999999999999999",
        ] {
            assert_eq!(parse_amount(bad).unwrap_err().code, ErrorCode::AmountInvalid, "{bad:?}");
        }
    }

    #[test]
    fn formats_with_yuan_sign_and_thousands() {
        assert_eq!(format_fen(123_456), "¥1,234.56");
        assert_eq!(format_fen(5), "¥0.05");
        assert_eq!(format_fen(100_000_000), "¥1,000,000.00");
        assert_eq!(format_fen(-1_000), "-¥10.00");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(fen in 1i64..1_000_000_000_000) {
            prop_assert_eq!(parse_amount(&format_fen(fen)).unwrap(), fen);
        }

        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_amount(&s);
        }
    }
}
