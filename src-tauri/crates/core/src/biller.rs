//! The billers' port (生活缴费): electricity, water and gas companies that answer an account
//! number (户号) with the account's masked name and the amount due and take payments of it,
//! and the carriers' mobile top-up (话费). The mock bank implements it; each biller credits a
//! payment exactly once under the wallet payment's key, and a card is charged by the biller's
//! collecting bank with the card's agreement token (one leg, like a merchant order).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::acquirer::Funding;
use crate::bank::{BankResult, BankTxn, CallOptions, TxnState};
use crate::platform::error::{AppError, ErrorCode};

/// The mobile top-up's face values, in fen (¥30 / ¥50 / ¥100 / ¥200).
pub const MOBILE_FACES: [i64; 4] = [3_000, 5_000, 10_000, 20_000];
/// The least a prepayment (nothing due) may be.
pub const PREPAY_MIN_FEN: i64 = 1_000;

/// What is paid.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BillKind {
    /// 电费
    Electricity,
    /// 水费
    Water,
    /// 燃气费
    Gas,
    /// 话费: the account is a phone number.
    Mobile,
}

crate::platform::storage::stored_as_text!(BillKind);

/// A biller's answer about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BillAccount {
    pub kind: BillKind,
    /// The 户号 (or the phone), as the biller knows it.
    pub account: String,
    /// The biller's name (国网北京市电力公司), or the carrier's (中国移动).
    pub biller: String,
    /// The account holder's name, masked (`*三`); none for a phone.
    pub holder_masked: Option<String>,
    /// What is due now (0: nothing; a payment is then a prepayment).
    #[ts(type = "number")]
    pub due_fen: i64,
    /// The amounts a payment may be (a phone's face values); empty: any amount from the least.
    #[ts(type = "number[]")]
    pub faces: Vec<i64>,
    /// The least a payment may be.
    #[ts(type = "number")]
    pub min_fen: i64,
}

impl BillAccount {
    /// Whether `amount` may be paid to this account: a face value for a phone; otherwise at
    /// least what is due (or [`PREPAY_MIN_FEN`] when nothing is).
    pub fn check_amount(&self, amount: i64) -> Result<(), AppError> {
        if !self.faces.is_empty() && !self.faces.contains(&amount) {
            return Err(AppError::new(ErrorCode::AmountInvalid, "a top-up is ¥30, ¥50, ¥100 or ¥200").detail("face"));
        }
        if amount < self.min_fen {
            let detail = if self.due_fen > 0 { "below_due" } else { "prepay_minimum" };
            return Err(AppError::new(ErrorCode::AmountInvalid, "less than the least this bill takes")
                .detail(detail)
                .limit_fen(self.min_fen));
        }
        Ok(())
    }
}

/// The least a bill payment of an account with `due` may be.
pub fn min_payment(due: i64) -> i64 {
    if due > 0 {
        due
    } else {
        PREPAY_MIN_FEN
    }
}

/// The wallet paying a bill under its payment's key.
#[derive(Debug, Clone, Copy)]
pub struct BillPay<'a> {
    pub kind: BillKind,
    pub account: &'a str,
    pub amount_fen: i64,
    pub key: &'a str,
    pub funding: Funding<'a>,
}

/// The billers, as the wallet calls them. A biller in its nightly maintenance answers
/// [`crate::bank::BankFailure::BillerMaintenance`] (BILLER_UNAVAILABLE with when it ends); an
/// unknown account is BILL_ACCOUNT_NOT_FOUND.
pub trait Biller: Send + Sync {
    fn query(&self, kind: BillKind, account: &str, opts: CallOptions) -> BankResult<BillAccount>;
    /// Credits the bill once: a repeat of the key answers the first result.
    fn pay_bill(&self, req: &BillPay<'_>, opts: CallOptions) -> BankResult<BankTxn>;
    /// What became of a payment key (settling a payment that had no answer).
    fn bill_payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState>;
}

/// The carrier of a mainland mobile number, from its first three digits (None: not one).
pub fn carrier(phone: &str) -> Option<&'static str> {
    if phone.len() != 11 || !phone.bytes().all(|b| b.is_ascii_digit()) || !phone.starts_with('1') {
        return None;
    }
    const MOBILE: &[&str] = &[
        "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159", "172", "178", "182",
        "183", "184", "187", "188", "195", "197", "198",
    ];
    const UNICOM: &[&str] =
        &["130", "131", "132", "145", "155", "156", "166", "171", "175", "176", "185", "186", "196"];
    const TELECOM: &[&str] = &["133", "149", "153", "173", "177", "180", "181", "189", "190", "191", "193", "199"];
    let p = &phone[..3];
    if MOBILE.contains(&p) {
        Some("中国移动")
    } else if UNICOM.contains(&p) {
        Some("中国联通")
    } else if TELECOM.contains(&p) {
        Some("中国电信")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriers_by_prefix() {
        assert_eq!(carrier("13800138000"), Some("中国移动"));
        assert_eq!(carrier("13012345678"), Some("中国联通"));
        assert_eq!(carrier("13312345678"), Some("中国电信"));
        assert_eq!(carrier("12012345678"), None);
        assert_eq!(carrier("1381234567"), None);
        assert_eq!(carrier("1381234567a"), None);
    }

    #[test]
    fn amounts_a_bill_takes() {
        let due = BillAccount {
            kind: BillKind::Electricity,
            account: "1".into(),
            biller: "b".into(),
            holder_masked: None,
            due_fen: 12_345,
            faces: vec![],
            min_fen: min_payment(12_345),
        };
        assert!(due.check_amount(12_345).is_ok());
        assert!(due.check_amount(20_000).is_ok(), "more is a prepayment");
        assert_eq!(due.check_amount(12_344).unwrap_err().detail.as_deref(), Some("below_due"));
        let nothing = BillAccount { due_fen: 0, min_fen: min_payment(0), ..due.clone() };
        assert_eq!(nothing.check_amount(999).unwrap_err().detail.as_deref(), Some("prepay_minimum"));
        assert!(nothing.check_amount(1_000).is_ok());
        let phone = BillAccount { faces: MOBILE_FACES.to_vec(), min_fen: 3_000, ..nothing };
        assert!(phone.check_amount(5_000).is_ok());
        assert_eq!(phone.check_amount(4_000).unwrap_err().detail.as_deref(), Some("face"));
    }
}
