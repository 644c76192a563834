//! Input as Chinese people type it: an IME in full-width mode gives `１２３`, `－`, `　`; a
//! number is copied with spaces of any kind or dashes. The same rules run in the UI
//! (`ui/src/lib/text.ts`); both run the cases of `ui/src/lib/text.cases.json`.

use zeroize::Zeroizing;

use crate::platform::error::{AppError, ErrorCode};

/// Full-width ASCII (U+FF01–U+FF5E) as ASCII, the ideographic space as a space; anything else
/// unchanged.
pub fn half_width(input: &str) -> String {
    input.chars().map(half).collect()
}

fn half(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Dashes a person types or pastes between groups of digits.
const DASHES: &[char] =
    &['-', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2212}', '\u{30FC}'];

/// The ways people type the middle dot of a minority name (阿依古丽·买买提): the middle dot
/// itself, the bullet, the katakana middle dot (a Japanese IME's), the full-width and the ASCII
/// full stop, the half-width katakana middle dot, the hyphenation point, the dot and bullet
/// operators. [`name_dots`] makes each the middle dot the ID card prints (U+00B7).
pub const NAME_DOTS: &[char] = &['·', '•', '・', '．', '.', '･', '‧', '⋅', '∙'];

/// A real name with every typed form of the middle dot as `·` (the ID card's, and what the bank
/// compares); nothing else changes.
pub fn name_dots(input: &str) -> String {
    input.chars().map(|c| if NAME_DOTS.contains(&c) { '·' } else { c }).collect()
}

/// For digit strings — card numbers, phones, ID numbers, codes: [`half_width`], then every
/// space (any Unicode white space), dash and invisible format character (zero-width space,
/// BOM) dropped. Letters stay (an ID's X; a letter makes a number invalid, as it should). One
/// pass, one allocation: callers holding a secret (CVV, code) wrap the result to wipe it.
pub fn compact(input: &str) -> String {
    input
        .chars()
        .map(half)
        .filter(|c| {
            !c.is_whitespace() && !DASHES.contains(c) && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
        })
        .collect()
}

/// A short secret made of digits (a CVV2, an SMS code, a token code): zeroized on drop and
/// redacted in Debug.
pub struct SecretDigits(Zeroizing<String>);

impl std::fmt::Debug for SecretDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl SecretDigits {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Exactly `len` ASCII digits (surrounding spaces ignored), or None.
    /// Full-width digits, spaces and dashes are normalised (`platform::text::compact`).
    pub fn parse(input: &str, len: usize) -> Option<SecretDigits> {
        let v = Zeroizing::new(compact(input));
        (v.len() == len && v.bytes().all(|c| c.is_ascii_digit())).then(|| SecretDigits(v))
    }
}

/// A 6-digit one-time code; `code` is the error for a malformed one (OTP_INVALID / TOKEN_INVALID).
pub fn parse_code(input: &str, code: ErrorCode) -> Result<SecretDigits, AppError> {
    SecretDigits::parse(input, 6).ok_or_else(|| AppError::new(code, "the code is 6 digits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        rule: String,
        input: String,
        output: String,
    }

    #[test]
    fn the_shared_cases() {
        let cases: Vec<Case> = serde_json::from_str(include_str!("../../../../../ui/src/lib/text.cases.json")).unwrap();
        assert!(cases.len() >= 20);
        for c in cases {
            let got = match c.rule.as_str() {
                "compact" => compact(&c.input),
                "half_width" => half_width(&c.input),
                "name_dots" => name_dots(&c.input),
                // The phone, ID and name rules of the same table are the accounts' (validate.rs).
                "phone" | "id_number" | "real_name" => continue,
                other => panic!("rule {other}"),
            };
            assert_eq!(got, c.output, "{} {:?}", c.rule, c.input);
        }
    }
}
