//! The registration rules of docs/security.md, one function each. The UI checks the same rules for
//! instant feedback (ui/src/lib/validation.ts); these are the ones that count.

use chrono::{Datelike, NaiveDate};

use crate::platform::clock::{shanghai_date, Millis};
use crate::platform::error::{AppError, ErrorCode, Field};
use crate::platform::text;

/// Minimum age to register.
pub const MIN_AGE: u32 = 16;

/// `1[3-9]\d{9}`: an 11-digit mainland mobile number.
pub fn phone(input: &str) -> Result<String, AppError> {
    let p = &crate::platform::text::compact(input);
    let b = p.as_bytes();
    let ok = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    if ok {
        Ok(p.to_owned())
    } else {
        Err(AppError::new(ErrorCode::PhoneInvalid, "a mobile number is 11 digits starting with 13-19").on(Field::Phone))
    }
}

/// Display name: 1–20 characters, no control characters.
pub fn display_name(input: &str) -> Result<String, AppError> {
    let n = input.trim();
    let len = n.chars().count();
    if (1..=20).contains(&len) && !n.chars().any(char::is_control) {
        Ok(n.to_owned())
    } else {
        Err(AppError::new(ErrorCode::NameInvalid, "a display name is 1 to 20 characters").on(Field::DisplayName))
    }
}

/// A letter (Unicode general category L) of the Han or Latin script: what a name printed on a
/// resident ID card is written in (not Ⓐ, a symbol, nor Ⅻ, a number).
fn name_letter(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    use unicode_script::{Script, UnicodeScript};
    c.general_category_group() == GeneralCategoryGroup::Letter && matches!(c.script(), Script::Han | Script::Latin)
}

/// Real name as on the ID card: 2–30 characters; letters (Chinese or Latin), the middle dot
/// of minority names (`·`, however typed: [`text::name_dots`] — kept and sent to the bank as
/// `·`), and single spaces between Latin words.
pub fn real_name(input: &str) -> Result<String, AppError> {
    let n = text::name_dots(input.trim());
    let len = n.chars().count();
    let allowed = |c: char| name_letter(c) || c == '·' || c == ' ';
    let ok = (2..=30).contains(&len)
        && n.chars().all(allowed)
        && !n.contains("  ")
        && !n.contains("··")
        && !n.starts_with('·')
        && !n.ends_with('·');
    if ok {
        Ok(n)
    } else {
        Err(AppError::new(
            ErrorCode::NameInvalid,
            "the real name is 2 to 30 letters, as printed on the resident ID card",
        )
        .on(Field::RealName))
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// The GB 11643 check character for the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(ID_WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    ID_CHECK[(sum % 11) as usize]
}

/// Resident ID number: 18 characters, a real birth date, the GB 11643 check character, and the
/// holder at least [`MIN_AGE`] on today's date in Shanghai. Returns the normalised number
/// (upper-case X).
pub fn id_number(input: &str, now: Millis) -> Result<String, AppError> {
    let invalid =
        |why: &str| AppError::new(ErrorCode::IdNumberInvalid, format!("resident ID number: {why}")).on(Field::IdNumber);
    let id = crate::platform::text::compact(input).to_ascii_uppercase();
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err(invalid("18 characters: 17 digits and a digit or X"));
    }
    let num = |r: std::ops::Range<usize>| id[r].parse::<u32>().unwrap_or(0);
    let birth = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14))
        .ok_or_else(|| invalid("the birth date in it is not a real date"))?;
    let today = shanghai_date(now);
    if birth > today || birth.year() < 1900 {
        return Err(invalid("the birth date in it is not possible"));
    }
    if id_check_char(&b[..17]) != b[17] {
        return Err(invalid("the check character does not match"));
    }
    // Whole years: a birthday on 29 February counts on 1 March in common years.
    if today.years_since(birth).unwrap_or(0) < MIN_AGE {
        return Err(AppError::new(ErrorCode::AgeTooYoung, format!("the account holder must be at least {MIN_AGE}"))
            .on(Field::IdNumber));
    }
    Ok(id)
}

/// Character classes in a password: lower, upper, digit, other.
fn classes(pw: &str) -> [bool; 4] {
    let mut c = [false; 4];
    for ch in pw.chars() {
        let i = if ch.is_lowercase() {
            0
        } else if ch.is_uppercase() {
            1
        } else if ch.is_ascii_digit() {
            2
        } else {
            3
        };
        c[i] = true;
    }
    c
}

/// Strength 0 (unacceptable) to 4 (strong), the same scale the UI's meter shows.
pub fn password_strength(pw: &str) -> u8 {
    let len = pw.chars().count();
    let n = classes(pw).iter().filter(|&&x| x).count();
    if len < 8 || n < 2 {
        return 0;
    }
    let mut s = 1;
    if n >= 3 {
        s += 1;
    }
    if len >= 12 {
        s += 1;
    }
    if n == 4 && len >= 10 {
        s += 1;
    }
    s
}

/// Login password: at least 8 characters (at most 64), not all of one class.
pub fn password(pw: &str) -> Result<(), AppError> {
    let len = pw.chars().count();
    if len > 64 {
        return Err(AppError::new(ErrorCode::PasswordWeak, "a password is at most 64 characters").on(Field::Password));
    }
    if password_strength(pw) == 0 {
        return Err(AppError::new(
            ErrorCode::PasswordWeak,
            "a password needs at least 8 characters of at least two kinds (letters, digits, symbols)",
        )
        .on(Field::Password));
    }
    Ok(())
}

/// Payment password: 6 digits; not one repeated digit, not an ascending or descending run
/// (which also rules out 123456).
pub fn pay_password(pw: &str) -> Result<(), AppError> {
    let weak = |why: &str| {
        AppError::new(ErrorCode::PayPasswordWeak, format!("payment password: {why}")).on(Field::PayPassword)
    };
    let b = pw.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return Err(weak("exactly 6 digits"));
    }
    let steps: Vec<i16> = b.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
    if steps.iter().all(|&d| d == 0) {
        return Err(weak("not one repeated digit"));
    }
    if steps.iter().all(|&d| d == 1) || steps.iter().all(|&d| d == -1) {
        return Err(weak("not a run of consecutive digits"));
    }
    Ok(())
}

/// A confirmation field equals its original.
pub fn confirmed(value: &str, confirm: &str, field: Field) -> Result<(), AppError> {
    if value == confirm {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::PasswordMismatch, "the two entries differ").on(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::clock::DAY;
    use proptest::prelude::*;

    /// 2026-11-25T12:00:00Z
    const NOW: Millis = 1_795_608_000_000;

    /// The phone and ID rows of the case table the UI's checks run too (`ui/src/lib/
    /// text.cases.json`): spaced, dashed and full-width forms give the compacted value.
    #[test]
    fn the_shared_phone_and_id_cases() {
        #[derive(serde::Deserialize)]
        struct Case {
            rule: String,
            input: String,
            output: String,
        }
        let cases: Vec<Case> = serde_json::from_str(include_str!("../../../../../ui/src/lib/text.cases.json")).unwrap();
        let mut seen = 0;
        for c in cases {
            let got = match c.rule.as_str() {
                "phone" => phone(&c.input),
                "id_number" => id_number(&c.input, NOW),
                "real_name" => real_name(&c.input),
                _ => continue,
            };
            seen += 1;
            assert_eq!(got.unwrap_or_else(|e| e.code.as_str().to_owned()), c.output, "{} {:?}", c.rule, c.input);
        }
        assert!(seen >= 10, "the table has its phone and ID rows");
    }

    fn code(r: Result<impl Sized, AppError>) -> ErrorCode {
        r.err().expect("expected an error").code
    }

    /// Builds a valid ID for a birth date (region 110101, sequence 123).
    fn id_for(birth: &str) -> String {
        let first17 = format!("110101{birth}123");
        let c = id_check_char(first17.as_bytes()) as char;
        format!("{first17}{c}")
    }

    #[test]
    fn phone_must_be_11_digits_starting_13_to_19() {
        assert_eq!(phone(" 13800138000 ").unwrap(), "13800138000");
        for bad in ["", "1380013800", "138001380000", "12800138000", "23800138000", "1380013800a", "+8613800138000"] {
            assert_eq!(code(phone(bad)), ErrorCode::PhoneInvalid, "{bad}");
        }
    }

    #[test]
    fn test_identities_have_valid_id_numbers() {
        for id in ["110101199003071233", "310101198805204563", "440305199512127891"] {
            assert_eq!(id_number(id, NOW).unwrap(), id);
        }
    }

    #[test]
    fn id_check_digit_is_verified() {
        assert_eq!(code(id_number("110101199003071234", NOW)), ErrorCode::IdNumberInvalid);
    }

    #[test]
    fn id_lowercase_x_is_normalised() {
        // Find a birth date whose check char is X.
        let id =
            (1..=28).map(|d| id_for(&format!("199001{d:02}"))).find(|id| id.ends_with('X')).expect("some day has X");
        assert_eq!(id_number(&id.to_lowercase(), NOW).unwrap(), id);
    }

    #[test]
    fn id_shape_and_birth_date_are_checked() {
        for bad in ["11010119900307123", "1101011990030712333", "11010119900307123Y", "ABCDEFGHIJKLMNOPQR"] {
            assert_eq!(code(id_number(bad, NOW)), ErrorCode::IdNumberInvalid, "{bad}");
        }
        assert_eq!(code(id_number(&id_for("19900230"), NOW)), ErrorCode::IdNumberInvalid);
        assert_eq!(code(id_number(&id_for("20300101"), NOW)), ErrorCode::IdNumberInvalid);
    }

    #[test]
    fn age_must_be_at_least_16_on_the_shanghai_calendar() {
        // Born 2010-11-26: turns 16 on 2026-11-26 in Shanghai, which starts at 2026-11-25T16:00Z.
        let id = id_for("20101126");
        assert_eq!(code(id_number(&id, NOW)), ErrorCode::AgeTooYoung);
        let shanghai_midnight = 1_795_622_400_000; // 2026-11-25T16:00:00Z
        assert_eq!(code(id_number(&id, shanghai_midnight - 1)), ErrorCode::AgeTooYoung);
        assert!(id_number(&id, shanghai_midnight).is_ok());
        assert!(id_number(&id, NOW + DAY).is_ok());
    }

    #[test]
    fn birthdays_around_29_february_count_whole_years() {
        let on =
            |y, m, d| crate::platform::clock::shanghai_midnight(NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap();
        // Born 2008-02-29 (leap): 16 on 2024-02-29, a leap day.
        let leap = id_for("20080229");
        assert_eq!(code(id_number(&leap, on(2024, 2, 29) - 1)), ErrorCode::AgeTooYoung);
        assert!(id_number(&leap, on(2024, 2, 29)).is_ok());
        // Born 2010-02-28, 16 on 2026-02-28; born 2010-03-01, 16 on 2026-03-01.
        assert!(id_number(&id_for("20100228"), on(2026, 2, 28)).is_ok());
        assert_eq!(code(id_number(&id_for("20100301"), on(2026, 2, 28))), ErrorCode::AgeTooYoung);
        // An ID whose date is not a real day (2010 is not a leap year).
        assert_eq!(code(id_number(&id_for("20100229"), on(2026, 3, 1))), ErrorCode::IdNumberInvalid);
    }

    #[test]
    fn names_are_validated() {
        assert_eq!(real_name(" 张三 ").unwrap(), "张三");
        assert!(real_name("阿依古丽·买买提").is_ok());
        assert!(real_name("Zhang San").is_ok());
        for bad in ["张", "", "张3", "张三!", "·张三", &"张".repeat(31)] {
            assert_eq!(code(real_name(bad)), ErrorCode::NameInvalid, "{bad}");
        }
        assert!(display_name("小张").is_ok());
        assert_eq!(code(display_name("  ")), ErrorCode::NameInvalid);
        assert_eq!(code(display_name(&"a".repeat(21))), ErrorCode::NameInvalid);
        assert_eq!(code(display_name("a\u{7}b")), ErrorCode::NameInvalid);
    }

    #[test]
    fn password_needs_8_chars_and_two_classes() {
        assert!(password("abcd1234").is_ok());
        for bad in ["abc123", "abcdefgh", "12345678", "ABCDEFGHIJ", "!!!!!!!!"] {
            assert_eq!(code(password(bad)), ErrorCode::PasswordWeak, "{bad}");
        }
        assert_eq!(code(password(&format!("a1{}", "x".repeat(63)))), ErrorCode::PasswordWeak);
    }

    #[test]
    fn strength_grows_with_length_and_classes() {
        assert_eq!(password_strength("abcdefgh"), 0);
        assert_eq!(password_strength("abcd1234"), 1);
        assert_eq!(password_strength("Abcd1234"), 2);
        assert_eq!(password_strength("Abcd1234efgh"), 3);
        assert_eq!(password_strength("Abcd1234!xyz"), 4);
    }

    #[test]
    fn pay_password_rules() {
        assert!(pay_password("135790").is_ok());
        assert!(pay_password("258036").is_ok());
        for bad in ["123456", "111111", "012345", "987654", "654321", "12345", "1234567", "12a456", ""] {
            assert_eq!(code(pay_password(bad)), ErrorCode::PayPasswordWeak, "{bad}");
        }
    }

    #[test]
    fn confirmation_must_match() {
        assert!(confirmed("a", "a", Field::PasswordConfirm).is_ok());
        let e = confirmed("a", "b", Field::PayPasswordConfirm).unwrap_err();
        assert_eq!((e.code, e.field), (ErrorCode::PasswordMismatch, Some(Field::PayPasswordConfirm)));
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(s in ".*") {
            let _ = phone(&s);
            let _ = display_name(&s);
            let _ = real_name(&s);
            let _ = id_number(&s, NOW);
            let _ = password(&s);
            let _ = pay_password(&s);
        }

        #[test]
        fn any_18_digit_string_yields_a_typed_result(s in "[0-9]{17}[0-9X]") {
            match id_number(&s, NOW) {
                Ok(id) => prop_assert_eq!(id, s),
                Err(e) => prop_assert!(matches!(e.code, ErrorCode::IdNumberInvalid | ErrorCode::AgeTooYoung)),
            }
        }
    }
}
