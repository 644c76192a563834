//! Card data as a person types it: number, expiry, CVV, one-time codes. Each parser takes any
//! string and returns a typed result (never panics), before any bank call.
//!
//! The folder holds the card domain: the [`bin`] table, the parsers here, [`binding`] (the
//! rules and what is stored) with [`bind_flow`] (its operations), [`manage`] (bound cards) and
//! the [`audit`] log.
//!
//! May import: `platform`, the bank port, `accounts` (the account id, form rules, the
//! payment-password recovery whose card step is [`pay_recovery`]), [`crate::services`]. Never
//! `money`, `support` or the `Wallet` facade.
//!
//! Owns the tables `cards`, `binding_attempts`, `bind_failures`, `card_audit`, `card_updates`:
//! other domains change them only through operations here (unbinding, closing, clearing the
//! cache).

pub mod audit;
pub mod bank_app;
pub mod banks;
pub mod bin;
mod bin_data;
pub mod bind_flow;
pub mod binding;
pub mod code_flow;
pub mod kinds;
pub mod manage;
pub mod ops;
pub mod pay_recovery;

use zeroize::Zeroizing;

use chrono::Datelike;

use crate::platform::clock::{shanghai_date, Millis};
use crate::platform::error::{AppError, ErrorCode};
pub use crate::platform::text::{parse_code, SecretDigits};
pub use bin::{BankId, BinInfo, CardKind};

/// A card number (PAN) that passed the BIN, length and Luhn checks. Zeroized on drop and never
/// printed whole: `Debug` shows the BIN and last 4 only.
#[derive(Clone)]
pub struct CardNumber {
    digits: Zeroizing<String>,
    pub info: &'static BinInfo,
}

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber({}…{})", self.bin(), self.last4())
    }
}

impl CardNumber {
    pub fn expose(&self) -> &str {
        &self.digits
    }
    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }
    /// The first 6 digits (the BIN printed in statements; stored with the card).
    pub fn bin(&self) -> &str {
        &self.digits[..6]
    }
}

/// The Luhn (mod 10) check over ASCII digits.
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// `body` with the Luhn check digit appended (how the test tools make valid numbers for a BIN).
pub fn with_check_digit(body: &str) -> String {
    (0..10).map(|d| format!("{body}{d}")).find(|n| luhn_ok(n)).expect("one of ten digits completes any body")
}

/// What the number field says while digits are typed: the bank and type as soon as the
/// digits reach a known prefix, or None. Full-width digits, spaces and dashes are normalised.
pub fn recognise(input: &str) -> Option<&'static BinInfo> {
    let digits = crate::platform::text::compact(input);
    if digits.bytes().all(|c| c.is_ascii_digit()) {
        bin::lookup(&digits)
    } else {
        None
    }
}

fn invalid_number(why: &str) -> AppError {
    AppError::new(ErrorCode::CardNumberInvalid, format!("card number: {why}"))
}

/// Parses a card number as typed (grouped, full-width digits, dashes). The checks run in the
/// order a person can act on: digits only, then the length and check digit (a mistyped number
/// is CARD_NUMBER_INVALID whatever its BIN), then the bank and the card type. An unsupported
/// bank's error names it in `detail` (its code); an unsupported type names the type.
pub fn parse_card_number(input: &str) -> Result<CardNumber, AppError> {
    let digits: Zeroizing<String> = Zeroizing::new(crate::platform::text::compact(input));
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(invalid_number("digits only"));
    }
    if !(13..=19).contains(&digits.len()) || !luhn_ok(&digits) {
        return Err(invalid_number("the length or the check digit is wrong: a digit was mistyped"));
    }
    // An Amex number is refused as a type even where the data has no row for it.
    if bin::looks_like_amex(&digits) {
        return Err(kinds::amex_refused());
    }
    let Some(info) = bin::lookup(&digits) else {
        return Err(AppError::new(
            ErrorCode::BankNotSupported,
            "this card's bank is not a Chinese bank the wallet knows: ICBC, CCB, ABC, BOC and CMB cards in CNY are supported",
        ));
    };
    if digits.len() != info.length {
        return Err(invalid_number(&format!("this bank's cards have {} digits", info.length)));
    }
    if let Some(refused) = info.refusal() {
        return Err(refused);
    }
    Ok(CardNumber { digits, info })
}

/// A card's expiry month (MM/YY as printed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expiry {
    pub year: i32,
    pub month: u32,
}

impl Expiry {
    /// `MM/YY`.
    pub fn printed(self) -> String {
        format!("{:02}/{:02}", self.month, self.year % 100)
    }
    /// A card is valid through the last day of its expiry month (Shanghai calendar).
    pub fn has_passed(self, now: Millis) -> bool {
        let today = shanghai_date(now);
        (today.year(), today.month()) > (self.year, self.month)
    }
}

/// Parses `MM/YY` (also `MMYY`, `MM-YY`, `MM / YY`).
pub fn parse_expiry(input: &str) -> Result<Expiry, AppError> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '/' | '-')).collect();
    let bad = || AppError::new(ErrorCode::ExpiryMismatch, "the expiry date is MM/YY as printed on the card");
    if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let month: u32 = digits[..2].parse().map_err(|_| bad())?;
    let yy: i32 = digits[2..].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    Ok(Expiry { year: 2000 + yy, month })
}

/// A CVV2: the 3 digits on the back of a credit card.
pub fn parse_cvv(input: &str) -> Result<SecretDigits, AppError> {
    SecretDigits::parse(input, 3)
        .ok_or_else(|| AppError::new(ErrorCode::CvvMismatch, "the CVV2 is the 3 digits on the back of the card"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: Millis = 1_795_608_000_000; // 2026-11-25

    fn code_of(input: &str) -> Result<&'static str, ErrorCode> {
        parse_card_number(input).map(|n| n.info.prefix).map_err(|e| e.code)
    }

    #[test]
    fn every_test_card_is_recognised_or_refused_as_the_fixture_says() {
        let bindable = [
            "6222020000000010017",
            "6222020000000010025",
            "6222020000000010033",
            "6222020000000010041",
            "6222020000000010058",
            "6222020000000010066",
            "6222020000000010074",
            "6222020000000010082",
            "6222020000000010090",
            "6222080000000010105",
            "6229440000010116",
            "621205000000010120",
            "6253300000010137",
            "4270180000010145",
            "6222300000010150",
            "6227000000000010176",
            "6225880000010182",
            "6222020000000999912",
            "6222020000000010231",
        ];
        for n in bindable {
            assert!(code_of(n).is_ok(), "{n}: {:?}", code_of(n));
        }
        assert_eq!(code_of("370246000010166"), Err(ErrorCode::CardTypeNotSupported));
        assert_eq!(code_of("4111111111111111"), Err(ErrorCode::BankNotSupported));
        assert_eq!(code_of("6222020000000000001"), Err(ErrorCode::CardNumberInvalid));
    }

    #[test]
    fn a_mistyped_number_is_invalid_whatever_its_bin_says() {
        // An Amex number with its last digit changed: the check digit fails first.
        assert_eq!(code_of("370246000010167"), Err(ErrorCode::CardNumberInvalid));
        // A BOCOM (unsupported bank) number of the wrong length.
        assert_eq!(code_of("62226000000000000"), Err(ErrorCode::CardNumberInvalid));
        // A prepaid card of a supported bank (BOC's 620019…): the type is named.
        let prepaid =
            super::bin_data::BIN_ROWS.iter().find(|r| r.kind == CardKind::Prepaid && r.bank.supported()).unwrap();
        let n = luhn_number(prepaid.prefix, prepaid.length);
        let e = parse_card_number(&n).unwrap_err();
        assert_eq!((e.code, e.detail.as_deref()), (ErrorCode::CardTypeNotSupported, Some("prepaid")));
        assert_eq!(code_of(&n[..n.len() - 1]), Err(ErrorCode::CardNumberInvalid), "one digit short");
    }

    #[test]
    fn an_unsupported_bank_is_named() {
        let e = parse_card_number(&luhn_number("622260", 19)).unwrap_err();
        assert_eq!((e.code, e.detail.as_deref()), (ErrorCode::BankNotSupported, Some("COMM")));
        let r = recognise("6222 60").unwrap();
        assert_eq!((r.bank, r.kind, r.supported()), (BankId::Comm, CardKind::Debit, false));
    }

    #[test]
    fn full_width_digits_spaces_and_dashes_are_normalised() {
        assert_eq!(code_of("６２２２　０２００－００００－００１０　０１７"), code_of("6222020000000010017"));
        assert!(code_of("6222\u{a0}0200\u{2013}0000 0010 017").is_ok());
        assert_eq!(recognise("６２２２０２").map(|r| r.bank), Some(BankId::Icbc));
        assert_eq!(parse_code("４８２ ９１３", ErrorCode::OtpInvalid).unwrap().expose(), "482913");
    }

    /// A Luhn-valid number of `length` digits starting with `prefix`.
    fn luhn_number(prefix: &str, length: usize) -> String {
        with_check_digit(&format!("{prefix:0<width$}", width = length - 1))
    }

    #[test]
    fn bank_and_type_are_known_from_six_digits() {
        let i = recognise("6222 02").unwrap();
        assert_eq!((i.bank, i.kind), (BankId::Icbc, CardKind::Debit));
        assert_eq!(recognise("62").map(|i| i.prefix), None);
        assert_eq!(recognise("625330").unwrap().kind, CardKind::Credit);
    }

    #[test]
    fn grouped_input_is_accepted_and_length_is_per_bin() {
        assert!(parse_card_number("6222 0200 0000 0010 017").is_ok());
        assert_eq!(code_of("622202000000001001"), Err(ErrorCode::CardNumberInvalid));
        assert_eq!(code_of("6222-0200"), Err(ErrorCode::CardNumberInvalid));
    }

    #[test]
    fn debug_never_shows_the_whole_number() {
        let n = parse_card_number("6222020000000010017").unwrap();
        assert_eq!(format!("{n:?}"), "CardNumber(622202…0017)");
        assert_eq!(n.last4(), "0017");
    }

    #[test]
    fn expiry_parsing_and_passing() {
        assert_eq!(parse_expiry("12/30").unwrap(), Expiry { year: 2030, month: 12 });
        assert_eq!(parse_expiry("1230").unwrap().printed(), "12/30");
        for bad in ["13/30", "00/30", "1/30", "12/3", "ab/cd", ""] {
            assert_eq!(parse_expiry(bad).unwrap_err().code, ErrorCode::ExpiryMismatch, "{bad}");
        }
        assert!(parse_expiry("03/24").unwrap().has_passed(T0));
        assert!(!parse_expiry("11/26").unwrap().has_passed(T0), "valid through the end of its month");
        assert!(parse_expiry("10/26").unwrap().has_passed(T0));
    }

    #[test]
    fn cvv_and_codes() {
        assert_eq!(parse_cvv("123").unwrap().expose(), "123");
        assert_eq!(format!("{:?}", parse_cvv("123").unwrap()), "[REDACTED]");
        assert_eq!(parse_cvv("12").unwrap_err().code, ErrorCode::CvvMismatch);
        assert_eq!(parse_code("12345", ErrorCode::OtpInvalid).unwrap_err().code, ErrorCode::OtpInvalid);
        assert_eq!(parse_code(" 482913 ", ErrorCode::TokenInvalid).unwrap().expose(), "482913");
    }

    proptest! {
        #[test]
        fn card_numbers_never_panic(s in "\\PC*") {
            match parse_card_number(&s) {
                Ok(n) => prop_assert!(luhn_ok(n.expose())),
                Err(e) => prop_assert!(matches!(e.code,
                    ErrorCode::CardNumberInvalid | ErrorCode::BankNotSupported | ErrorCode::CardTypeNotSupported)),
            }
        }

        #[test]
        fn digit_strings_always_get_a_typed_answer(s in "[0-9]{0,22}") {
            let _ = parse_card_number(&s);
            let _ = recognise(&s);
        }

        #[test]
        fn expiry_cvv_phone_otp_never_panic(s in "\\PC*") {
            if let Ok(e) = parse_expiry(&s) { prop_assert!((1..=12).contains(&e.month)); }
            let _ = parse_cvv(&s);
            let _ = parse_code(&s, ErrorCode::OtpInvalid);
            let _ = crate::accounts::validate::phone(&s);
        }
    }
}
