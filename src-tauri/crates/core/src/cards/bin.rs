//! The BIN table: which bank and card type a number belongs to, from its first 6 digits, and
//! how long such a number is. Covers every BIN of TEST-CARDS.md and the research list
//! (ICBC debit 16/18/19 digits; ICBC, CCB, ABC, BOC, CMB debit and credit cards).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "UPPERCASE")]
pub enum BankId {
    #[serde(rename = "ICBC")]
    Icbc,
    #[serde(rename = "CCB")]
    Ccb,
    #[serde(rename = "ABC")]
    Abc,
    #[serde(rename = "BOC")]
    Boc,
    #[serde(rename = "CMB")]
    Cmb,
}

impl BankId {
    /// The bank for its stored code ("ICBC"), the inverse of [`BankId::code`].
    pub fn from_code(code: &str) -> Option<BankId> {
        code.parse().ok()
    }

    /// The bank's code ("ICBC"), as stored and sent to the bank.
    pub fn code(self) -> &'static str {
        self.as_str()
    }
}

crate::platform::storage::stored_as_text!(BankId);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CardKind {
    /// 借记卡
    Debit,
    /// 信用卡
    Credit,
}

crate::platform::storage::stored_as_text!(CardKind);

/// What the BIN table knows about a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinInfo {
    pub bin: &'static str,
    pub bank: BankId,
    pub kind: CardKind,
    pub length: usize,
    /// False for card products the wallet can't bind (American Express, foreign currency).
    pub supported: bool,
}

const fn e(bin: &'static str, bank: BankId, kind: CardKind, length: usize) -> BinInfo {
    BinInfo { bin, bank, kind, length, supported: true }
}

use BankId::*;
use CardKind::*;

/// Sorted by nothing in particular; looked up by exact 6-digit prefix.
pub const BIN_TABLE: &[BinInfo] = &[
    // ICBC 工商银行: debit 19 / 18 / 16, credit 16
    e("622202", Icbc, Debit, 19),
    e("622208", Icbc, Debit, 19),
    e("621226", Icbc, Debit, 19),
    e("621558", Icbc, Debit, 19),
    e("620058", Icbc, Debit, 19),
    e("621205", Icbc, Debit, 18),
    e("622944", Icbc, Debit, 16),
    e("625330", Icbc, Credit, 16),
    e("427018", Icbc, Credit, 16),
    e("622230", Icbc, Credit, 16),
    e("625939", Icbc, Credit, 16),
    // ICBC American Express: recognised, not bindable.
    BinInfo { bin: "370246", bank: Icbc, kind: Credit, length: 15, supported: false },
    // CCB 建设银行
    e("622700", Ccb, Debit, 19),
    e("621700", Ccb, Debit, 19),
    e("436742", Ccb, Debit, 19),
    e("625362", Ccb, Credit, 16),
    // ABC 农业银行
    e("622848", Abc, Debit, 19),
    e("622845", Abc, Debit, 19),
    e("625996", Abc, Credit, 16),
    // BOC 中国银行
    e("621661", Boc, Debit, 19),
    e("621785", Boc, Debit, 19),
    e("625905", Boc, Credit, 16),
    // CMB 招商银行
    e("622588", Cmb, Debit, 16),
    e("621483", Cmb, Debit, 16),
    e("622575", Cmb, Credit, 16),
    e("439225", Cmb, Credit, 16),
];

pub fn lookup(digits: &str) -> Option<&'static BinInfo> {
    let prefix = digits.get(..6)?;
    BIN_TABLE.iter().find(|b| b.bin == prefix)
}

/// American Express numbers start 34 or 37.
pub fn looks_like_amex(digits: &str) -> bool {
    digits.starts_with("34") || digits.starts_with("37")
}

/// The banks a person can bind, for "supported: …" messages.
pub const SUPPORTED_BANKS: &[BankId] = &[Icbc, Ccb, Abc, Boc, Cmb];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_codes_round_trip() {
        for b in SUPPORTED_BANKS {
            assert_eq!(BankId::from_code(b.code()), Some(*b));
        }
        assert_eq!(BankId::from_code("HSBC"), None);
    }

    #[test]
    fn bins_are_unique_and_six_digits() {
        let mut seen = std::collections::HashSet::new();
        for b in BIN_TABLE {
            assert_eq!(b.bin.len(), 6);
            assert!(b.bin.bytes().all(|c| c.is_ascii_digit()));
            assert!(seen.insert(b.bin), "{} twice", b.bin);
        }
    }

    #[test]
    fn every_bank_has_debit_and_credit_entries() {
        for bank in SUPPORTED_BANKS {
            for kind in [Debit, Credit] {
                assert!(
                    BIN_TABLE.iter().any(|b| b.bank == *bank && b.kind == kind && b.supported),
                    "{bank:?} {kind:?}"
                );
            }
        }
        for len in [16, 18, 19] {
            assert!(BIN_TABLE.iter().any(|b| b.bank == Icbc && b.kind == Debit && b.length == len));
        }
    }
}
