//! The card data's vocabulary: the banks the wallet supports, the card types, one row of the
//! BIN table. (The banks themselves and the rows are generated: `banks.rs`, `bin_data.rs`.)

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::banks::BankId;
use crate::platform::error::{AppError, ErrorCode};

/// The banks a person can bind, for "supported: …" messages.
pub const SUPPORTED_BANKS: &[BankId] = &[BankId::Icbc, BankId::Ccb, BankId::Abc, BankId::Boc, BankId::Cmb];

impl BankId {
    /// The bank for its stored code ("ICBC"), the inverse of [`BankId::code`].
    pub fn from_code(code: &str) -> Option<BankId> {
        code.parse().ok()
    }

    /// The bank's code ("ICBC"), as stored and sent to the bank.
    pub fn code(self) -> &'static str {
        self.as_str()
    }

    /// Whether the wallet binds this bank's cards.
    pub fn supported(self) -> bool {
        SUPPORTED_BANKS.contains(&self)
    }
}

crate::platform::storage::stored_as_text!(BankId);

/// The card types of the BIN data.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CardKind {
    /// 借记卡
    Debit,
    /// 信用卡
    Credit,
    /// 准贷记卡: a deposit card with a small overdraft; asks for expiry and CVV like credit.
    QuasiCredit,
    /// 预付费卡: can't be bound.
    Prepaid,
}

impl CardKind {
    /// Credit and quasi-credit cards carry an expiry and a CVV2 that the bank checks.
    pub fn needs_expiry(self) -> bool {
        matches!(self, CardKind::Credit | CardKind::QuasiCredit)
    }

    /// Whether the wallet binds cards of this type.
    pub fn bindable(self) -> bool {
        self != CardKind::Prepaid
    }
}

crate::platform::storage::stored_as_text!(CardKind);

/// One row of the BIN data: numbers starting `prefix` with `length` digits are this bank's
/// cards of this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinInfo {
    pub prefix: &'static str,
    pub length: usize,
    pub bank: BankId,
    pub kind: CardKind,
}

impl BinInfo {
    /// Why a card of this row can't be bound, before any bank call, or None: American Express
    /// (a type, whatever the bank), another bank (named in `detail` by its code), a prepaid
    /// card. The one rule both the live recognition and the parser answer with.
    pub fn refusal(&self) -> Option<AppError> {
        if looks_like_amex(self.prefix) {
            return Some(amex_refused());
        }
        if !self.bank.supported() {
            let why =
                format!("{} cards are not supported yet: ICBC, CCB, ABC, BOC and CMB cards are", self.bank.code());
            return Some(AppError::new(ErrorCode::BankNotSupported, why).detail(self.bank.code()));
        }
        if !self.kind.bindable() {
            return Some(
                AppError::new(ErrorCode::CardTypeNotSupported, "prepaid cards can't be bound")
                    .detail(self.kind.as_str()),
            );
        }
        None
    }

    /// Whether a card of this row can be bound.
    pub fn supported(&self) -> bool {
        self.refusal().is_none()
    }
}

/// American Express cards are refused as a type, whatever bank issued them.
pub fn amex_refused() -> AppError {
    AppError::new(ErrorCode::CardTypeNotSupported, "American Express cards can't be bound").detail("amex")
}

/// American Express numbers start 34 or 37.
pub fn looks_like_amex(digits: &str) -> bool {
    digits.starts_with("34") || digits.starts_with("37")
}
