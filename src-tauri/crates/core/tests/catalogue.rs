//! The failure catalogue, row by row, against the one table the wallet sends with every error
//! (`ErrorCode::verdict`) and the bank codes the bank port maps to each code.
//!
//! The rows are the product specification's catalogue, copied here as data: category (the
//! seed's cause), codes, bank codes, and whether retrying helps.

use std::collections::HashSet;

use strum::IntoEnumIterator;
use tongbao_core::bank::{BankFailure, Decline, Fault, Last4};
use tongbao_core::platform::error::{Category, ErrorCode, RetryHelps};

const CATALOGUE: &str = "\
card info wrong | CARD_NUMBER_INVALID | 14 | after fixing
card info wrong | EXPIRY_MISMATCH, CVV_MISMATCH | 54 / N7 | after fixing
card info wrong | PHONE_MISMATCH, HOLDER_MISMATCH | 05 | after fixing
network | NETWORK_TIMEOUT, NETWORK_OFFLINE | — | yes
network / bank system | BANK_UNAVAILABLE, BANK_SYSTEM_ERROR | 91 / 96 | yes, with backoff
bank restriction | EPAY_DISABLED, CARD_RESTRICTED | 57 / 62 | after calling 95588
wallet fault | UPGRADE_REQUIRED, INTERNAL_ERROR | — | after update / clear cache
security settings | TOKEN_REQUIRED, TOKEN_INVALID, OTP_INVALID, OTP_EXPIRED, OTP_LOCKED | — | as stated
expired card | CARD_EXPIRED | 54 / 33 | no
card type | BANK_NOT_SUPPORTED, CARD_TYPE_NOT_SUPPORTED | 15 / 57 | no
inactive card | CARD_NOT_ACTIVATED | 78 | after activating
card status | CARD_LOST | 41 / 43 | no
bank restriction | BANK_AGREEMENT_LIMIT | 57 | after calling 95588
card status | CARD_REPLACED | 14 | no
security settings | BIND_CALLBACK_INVALID | — | as stated
wallet rules | CARD_ALREADY_BOUND, CARD_LIMIT_REACHED, BIND_COOLDOWN | — | no / later";

fn category(seed: &str) -> Category {
    match seed {
        "card info wrong" => Category::CardInfo,
        "network" => Category::Network,
        "network / bank system" => Category::BankSystem,
        "bank restriction" => Category::BankRestriction,
        "wallet fault" => Category::WalletFault,
        "security settings" => Category::Security,
        "expired card" => Category::Expired,
        "card type" => Category::CardType,
        "inactive card" => Category::Inactive,
        "card status" => Category::CardStatus,
        "wallet rules" => Category::WalletRules,
        other => panic!("a category the catalogue does not have: {other}"),
    }
}

/// The catalogue's words for whether retrying helps, per code.
fn retry(words: &str, code: ErrorCode) -> RetryHelps {
    match (words, code) {
        ("after fixing", _) => RetryHelps::AfterFix,
        ("yes" | "yes, with backoff", _) => RetryHelps::Yes,
        ("after calling 95588" | "after activating", _) => RetryHelps::AfterBank,
        ("after update / clear cache", _) => RetryHelps::AfterUpdate,
        // "As stated": each security step says itself to enter the code again / anew.
        ("as stated", _) => RetryHelps::Yes,
        ("no", _) => RetryHelps::No,
        ("no / later", ErrorCode::BindCooldown) => RetryHelps::Later,
        ("no / later", _) => RetryHelps::No,
        (other, _) => panic!("retry words the catalogue does not have: {other}"),
    }
}

fn code(wire: &str) -> ErrorCode {
    ErrorCode::from_wire(wire.trim()).unwrap_or_else(|| panic!("{wire} is not a code of the wallet"))
}

/// Every bank failure the port knows, with the code and bank code it becomes.
fn bank_answers() -> Vec<(ErrorCode, Option<String>)> {
    let faults = [Fault::Timeout, Fault::Offline, Fault::Busy, Fault::SystemError];
    Decline::iter()
        .map(BankFailure::Declined)
        .chain(faults.into_iter().map(BankFailure::Fault))
        .chain([BankFailure::Maintenance { until: 0 }, BankFailure::Replaced { new_last4: Last4(*b"0017") }])
        .map(|f| {
            let e = f.to_error();
            (e.code, e.bank_code)
        })
        .collect()
}

#[test]
fn every_row_of_the_catalogue_is_the_verdict_the_wallet_sends() {
    let mut seen = HashSet::new();
    for row in CATALOGUE.lines() {
        let cols: Vec<&str> = row.split('|').map(str::trim).collect();
        let [seed, codes, _, words] = cols[..] else { panic!("row {row:?}") };
        for wire in codes.split(',') {
            let c = code(wire);
            let v = c.verdict().unwrap_or_else(|| panic!("{wire} has no verdict"));
            assert_eq!(v.category, category(seed), "{wire}: category");
            assert_eq!(v.retry, retry(words, c), "{wire}: whether retrying helps");
            let sent = serde_json::to_value(tongbao_core::AppError::new(c, "x")).unwrap();
            assert_eq!(sent["category"], serde_json::to_value(v.category).unwrap(), "{wire}: sent");
            assert_eq!(sent["retry"], serde_json::to_value(v.retry).unwrap(), "{wire}: sent");
            assert!(sent["remedy"].is_string(), "{wire}: a remedy is sent");
            seen.insert(c);
        }
    }
    assert_eq!(seen.len(), 29, "every code of the catalogue was checked");
}

#[test]
fn every_bank_code_of_the_catalogue_comes_from_the_bank_with_its_code() {
    let answers = bank_answers();
    for row in CATALOGUE.lines() {
        let cols: Vec<&str> = row.split('|').map(str::trim).collect();
        let (codes, bank_codes) = (cols[1], cols[2]);
        let codes: Vec<ErrorCode> = codes.split(',').map(code).collect();
        if bank_codes == "—" {
            // No bank code: no bank answer that becomes one of these codes carries one.
            for (c, b) in answers.iter().filter(|(c, _)| codes.contains(c)) {
                assert_eq!(b.as_deref(), None, "{c:?} carries a bank code the catalogue does not give");
            }
            continue;
        }
        for iso in bank_codes.split('/').map(str::trim) {
            let hit = answers.iter().any(|(c, b)| codes.contains(c) && b.as_deref() == Some(iso));
            assert!(hit, "bank code {iso} of {codes:?}: no bank answer gives it");
        }
    }
}

/// The causes beyond the article are cases of the catalogue's codes: the same code, its bank
/// code, and the case sent as `detail` (the UI words each case).
#[test]
fn each_further_cause_is_its_code_with_its_case() {
    let cases = [
        (BankFailure::Declined(Decline::HolderIdOutdated), ErrorCode::HolderMismatch, "05", Some("id_outdated")),
        (BankFailure::Declined(Decline::PayrollPhone), ErrorCode::PhoneMismatch, "05", Some("payroll_card")),
        (BankFailure::Declined(Decline::NonCounterDisabled), ErrorCode::EpayDisabled, "57", Some("non_counter")),
        (BankFailure::Declined(Decline::ClassIiLimit), ErrorCode::LimitExceeded, "61", Some("class_ii")),
        (BankFailure::Declined(Decline::AgreementLimit), ErrorCode::BankAgreementLimit, "57", None),
        (BankFailure::Maintenance { until: 5 }, ErrorCode::BankUnavailable, "91", Some("maintenance")),
        (BankFailure::Replaced { new_last4: Last4(*b"0017") }, ErrorCode::CardReplaced, "14", None),
    ];
    for (f, code, iso, detail) in cases {
        let e = f.to_error();
        assert_eq!((e.code, e.bank_code.as_deref(), e.detail.as_deref()), (code, Some(iso), detail), "{f:?}");
        assert!(!f.retryable(), "{f:?} is not retried automatically");
    }
    let m = BankFailure::Maintenance { until: 5 }.to_error();
    assert_eq!((m.until, m.retry, m.transient), (Some(5), Some(RetryHelps::Later), None));
    assert_eq!(
        BankFailure::Replaced { new_last4: Last4(*b"0017") }.to_error().last4.as_ref().map(|l| l.as_str()),
        Some("0017")
    );
}
