//! The BIN table: which bank and card type a number belongs to, and how long such a number
//! is, from its first digits. The rows are generated from real data (`bin_data.rs`, made by
//! `scripts/gen-bin-table.mjs` from the npm package bankcardinfo: 122 Chinese banks, 1,784
//! prefix rows of 3 to 10 digits); the longest matching prefix wins.
//!
//! What the wallet adds by hand, and why: American Express numbers (34…, 37…) are refused as a
//! card type whatever bank issued them (the data lists ICBC's Amex cards as its credit cards),
//! and which banks and types can be bound.

use super::bin_data::BIN_ROWS;
pub use super::kinds::{looks_like_amex, BankId, BinInfo, CardKind, SUPPORTED_BANKS};

/// The row of a number (or of the digits typed so far): the longest prefix whose row has the
/// number's length, else the longest prefix that matches (while typing, or a wrong length).
pub fn lookup(digits: &str) -> Option<&'static BinInfo> {
    let mut longest: Option<&'static BinInfo> = None;
    // Rows are sorted by prefix: each prefix of `digits`, longest first, is found by bisection.
    for len in (3..=digits.len().min(10)).rev() {
        let prefix = &digits[..len];
        let start = BIN_ROWS.partition_point(|r| r.prefix < prefix);
        for row in BIN_ROWS[start..].iter().take_while(|r| r.prefix == prefix) {
            if row.length == digits.len() {
                return Some(row);
            }
            longest = longest.or(Some(row));
        }
    }
    longest
}

/// Every row of the table (for tests and coverage reports).
pub fn rows() -> &'static [BinInfo] {
    BIN_ROWS
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn bank_codes_round_trip() {
        for b in BankId::iter() {
            assert_eq!(BankId::from_code(b.code()), Some(b));
        }
        assert_eq!(BankId::from_code("VISA"), None);
        assert_eq!(BankId::iter().count(), 122);
        assert_eq!(BankId::Comm.data_name(), "中国交通银行");
    }

    #[test]
    fn rows_are_sorted_and_digits() {
        assert!(BIN_ROWS.windows(2).all(|w| (w[0].prefix, w[0].length) < (w[1].prefix, w[1].length)));
        for r in BIN_ROWS {
            assert!((3..=10).contains(&r.prefix.len()) && r.prefix.bytes().all(|c| c.is_ascii_digit()), "{r:?}");
            // The data has a few 20-digit products; the wallet takes ISO's 13–19 (they are refused).
            assert!((14..=20).contains(&r.length), "{r:?}");
        }
    }

    #[test]
    fn the_longest_prefix_wins_and_the_length_picks_the_row() {
        // 62215049 (8 digits) is PSBC; 622150 (6 digits) is PSBC too, with another length.
        assert_eq!(lookup("62215049").map(|r| r.prefix), Some("62215049"));
        let complete = lookup("6222020000000010017").unwrap();
        assert_eq!((complete.bank, complete.kind, complete.length), (BankId::Icbc, CardKind::Debit, 19));
        assert!(lookup("62").is_none());
        assert!(lookup("4111111111111111").is_none(), "a foreign Visa is not in the data");
    }

    #[test]
    fn every_bank_is_named_and_the_five_are_the_supported_ones() {
        let comm = lookup("622260").unwrap();
        assert_eq!((comm.bank, comm.supported()), (BankId::Comm, false));
        for b in SUPPORTED_BANKS {
            for kind in [CardKind::Debit, CardKind::Credit] {
                assert!(BIN_ROWS.iter().any(|r| r.bank == *b && r.kind == kind), "{b:?} {kind:?}");
            }
        }
        // 625905: the Bank of China's quasi-credit card (准贷记卡).
        assert_eq!(lookup("6259050000000000").map(|r| (r.bank, r.kind)), Some((BankId::Boc, CardKind::QuasiCredit)));
    }
}
