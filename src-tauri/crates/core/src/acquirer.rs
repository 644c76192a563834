//! The acquirer's port: the merchants' bank, which signs their orders' payment links, answers
//! what an order is (the merchant's verified name, the title, the amount, its state), takes the
//! wallet's payment of an order — charging a card's token itself, as a card network charges a
//! wallet token, or taking the wallet's own settlement for a balance payment — and refunds. The
//! mock bank implements it; the wallet never trusts a link beyond what the acquirer confirms.
//!
//! A payment link (`tongbao://pay?v=1&m=<merchant number>&o=<order>&sig=<hex>`) is hostile
//! input. [`PayLink::parse`] accepts exactly one shape and nothing else; the signature covers
//! every other parameter and only the acquirer, which holds the merchants' keys, checks it.
//! The link carries no amount and no name: those come from the acquirer.
//!
//! The parser is written by hand for the reason the bank app's callback parser is: one fixed
//! shape, and a general URL parser's leniency (percent-decoding, case folding, repeated,
//! reordered or empty parameters, fragments) is what a payment link must refuse.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::bank::{BankResult, BankTxn, CallOptions, TxnState};
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode};

/// What starts every payment link.
pub const LINK_PREFIX: &str = "tongbao://pay?";
/// The longest link accepted (a real one is about 130 characters).
pub const MAX_LINK_LEN: usize = 256;

/// A payment link, parsed: a pointer to an order, not the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayLink {
    /// The merchant's number (12 digits).
    pub merchant: String,
    /// The acquirer's order id (8–32 capital letters and digits).
    pub order: String,
    /// HMAC-SHA256 of [`PayLink::signed_text`] under the merchant's key, 64 lowercase hex.
    pub sig: String,
}

impl PayLink {
    /// The text the merchant's signature covers: every parameter but the signature, in order.
    pub fn signed_text(merchant: &str, order: &str) -> String {
        format!("v=1&m={merchant}&o={order}")
    }

    /// The link, as the merchant hands it over.
    pub fn to_link(&self) -> String {
        format!("{LINK_PREFIX}{}&sig={}", Self::signed_text(&self.merchant, &self.order), self.sig)
    }

    /// Parses a link as pasted, scanned or handed over by the OS (surrounding whitespace is
    /// dropped). Any other shape is LINK_INVALID.
    pub fn parse(input: &str) -> Result<PayLink, AppError> {
        let bad = || AppError::new(ErrorCode::LinkInvalid, "not a payment link of this wallet");
        let s = input.trim();
        if s.len() > MAX_LINK_LEN {
            return Err(bad());
        }
        let query = s.strip_prefix(LINK_PREFIX).ok_or_else(bad)?;
        let mut params = query.split('&');
        let mut take = |name: &str| -> Result<&str, AppError> {
            let p = params.next().ok_or_else(bad)?;
            let (k, v) = p.split_once('=').ok_or_else(bad)?;
            if k == name {
                Ok(v)
            } else {
                Err(bad())
            }
        };
        let (v, m, o, sig) = (take("v")?, take("m")?, take("o")?, take("sig")?);
        if params.next().is_some() || v != "1" {
            return Err(bad());
        }
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        let order_ok = (8..=32).contains(&o.len()) && o.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let sig_ok = sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !digits(m, 12) || !order_ok || !sig_ok {
            return Err(bad());
        }
        Ok(PayLink { merchant: m.to_owned(), order: o.to_owned(), sig: sig.to_owned() })
    }
}

/// A merchant, as the acquirer vouches for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Merchant {
    pub number: String,
    /// The verified name (已认证商户).
    pub name: String,
    /// What it sells (便利店, 网上商城 …).
    pub category: String,
    pub verified: bool,
}

/// An order's state at the acquirer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OrderStatus {
    /// 待支付
    Open,
    /// 已支付
    Paid,
    /// 已关闭
    Closed,
    /// 已退款
    Refunded,
    /// 部分退款
    PartiallyRefunded,
}

/// An order, as the acquirer answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: String,
    pub merchant: Merchant,
    pub title: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    #[ts(type = "number")]
    pub expires_at: Millis,
    pub status: OrderStatus,
}

/// How the wallet funds an order's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funding<'a> {
    /// The acquirer charges this bound card's agreement token at its issuer.
    Card { token: &'a str },
    /// The wallet pays from the person's balance and settles with the acquirer itself.
    Wallet,
}

impl<'a> Funding<'a> {
    /// A card's agreement token pays; none: the wallet's balance.
    pub fn of(token: Option<&'a str>) -> Self {
        token.map_or(Funding::Wallet, |token| Funding::Card { token })
    }
}

/// The wallet paying an order, under its payment's idempotency key.
#[derive(Debug, Clone, Copy)]
pub struct PayOrder<'a> {
    pub link: &'a PayLink,
    pub key: &'a str,
    /// What the payer pays (the order's amount less the offer).
    pub paid_fen: i64,
    /// The offer's discount, paid to the merchant by the bank that runs it.
    pub discount_fen: i64,
    pub offer: Option<&'a str>,
    pub funding: Funding<'a>,
}

/// The card offers (优惠) the banks run at merchants through the acquirer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    pub id: String,
    /// The paying card's bank code (`ICBC`) and kind (`debit` / `credit`).
    pub bank: String,
    pub card_kind: String,
    /// The order's least amount for the offer (满); 0 for none.
    #[ts(type = "number")]
    pub min_fen: i64,
    /// The discount (减 / 立减).
    #[ts(type = "number")]
    pub off_fen: i64,
    /// The merchants' numbers where it applies (empty: every merchant).
    pub merchants: Vec<String>,
    pub rule: OfferRule,
    /// How the checkout names it (工商银行借记卡 满20减2).
    pub title: String,
}

/// How often a person may use an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OfferRule {
    /// Once per person per Shanghai day.
    OncePerDay,
    /// Only on the person's first merchant payment ever.
    FirstMerchantPayment,
}

/// A refund the merchant made, as the acquirer confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: String,
    pub order: String,
    /// The key of the wallet payment it refunds.
    pub payment_key: String,
    pub amount_fen: i64,
}

/// The acquirer, as the wallet calls it. Every call may fail as a bank call fails (faults,
/// time-outs); a refused order is a [`crate::bank::Decline`].
pub trait Acquirer: Send + Sync {
    /// Checks the link's signature and answers the order it points to (LINK_INVALID for a
    /// bad signature, ORDER_NOT_FOUND, MERCHANT_BLOCKED). An expired, paid or closed order is
    /// answered with its state: the wallet says why it cannot be paid.
    fn open_order(&self, link: &PayLink, opts: CallOptions) -> BankResult<Order>;
    /// Pays the order once: a repeat of the key answers the first result; another key for a
    /// paid order is declined (ORDER_ALREADY_PAID), as are an expired or closed order.
    fn pay_order(&self, req: &PayOrder<'_>, opts: CallOptions) -> BankResult<BankTxn>;
    /// What became of a payment key (for settling a payment that had no answer).
    fn payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState>;
    /// The offers running now.
    fn offers(&self, opts: CallOptions) -> BankResult<Vec<Offer>>;
    /// A refund the merchant made (the wallet is told its id and asks for the rest).
    fn refund(&self, id: &str, opts: CallOptions) -> BankResult<Refund>;
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const SIG: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn link() -> String {
        format!("tongbao://pay?v=1&m=100000000001&o=O7F3A9C2E81&sig={SIG}")
    }

    #[test]
    fn the_one_shape_parses_and_round_trips() {
        let l = PayLink::parse(&format!("  {}\n", link())).unwrap();
        assert_eq!((l.merchant.as_str(), l.order.as_str(), l.sig.as_str()), ("100000000001", "O7F3A9C2E81", SIG));
        assert_eq!(l.to_link(), link());
    }

    #[test]
    fn every_other_shape_is_link_invalid() {
        let l = link();
        for bad in [
            String::new(),
            "tongbao://pay".into(),
            l.replace("tongbao://", "TONGBAO://"),
            l.replace("tongbao://pay?", "tongbao://bind/callback?"),
            l.replace("tongbao://pay?", "https://pay?"),
            l.replace("v=1", "v=2"),
            l.replace("m=100000000001", "m=10000000001"),
            l.replace("m=100000000001", "m=１00000000001"),
            l.replace("o=O7F3A9C2E81", "o=o7f3a9c2e81"),
            l.replace("o=O7F3A9C2E81", "o=O7F3%41"),
            l.replace("o=O7F3A9C2E81", "o="),
            l.replace(SIG, &SIG.to_uppercase()),
            l.replace(SIG, &SIG[..63]),
            format!("{l}&amount=1"),
            format!("{l}#x"),
            format!("{l}&"),
            l.replace("v=1&m=100000000001", "m=100000000001&v=1"),
            l.replace("&o=", "&o=O7F3A9C2E81&o="),
            format!("{l}{}", "0".repeat(300)),
        ] {
            assert_eq!(PayLink::parse(&bad).map(|_| ()).unwrap_err().code, ErrorCode::LinkInvalid, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_parsed_without_a_panic(s in "\\PC{0,300}") {
            let _ = PayLink::parse(&s);
        }

        #[test]
        fn near_misses_are_refused_or_parse_to_what_they_say(i in 0usize..140, c in any::<char>()) {
            let l = link();
            let mut chars: Vec<char> = l.chars().collect();
            let i = i % chars.len();
            chars[i] = c;
            let changed: String = chars.into_iter().collect();
            if let Ok(p) = PayLink::parse(&changed) {
                // Whatever parses is exactly the text it came from: nothing is guessed.
                prop_assert_eq!(p.to_link(), changed.trim());
            }
        }

        #[test]
        fn every_valid_link_round_trips(m in "[0-9]{12}", o in "[A-Z0-9]{8,32}", sig in "[0-9a-f]{64}") {
            let l = PayLink { merchant: m, order: o, sig };
            prop_assert_eq!(PayLink::parse(&l.to_link()).unwrap(), l);
        }
    }
}
