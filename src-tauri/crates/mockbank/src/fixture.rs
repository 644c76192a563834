//! The fixture: the bank's people and cards. The default one (the published test cards of tests/README.md, converted once) is
//! compiled in; a tester may load another file with the same shape.

use chrono::NaiveDate;
use serde::Deserialize;
use tongbao_core::cards::{parse_expiry, Expiry};

/// The published test cards (tests/README.md) as data.
pub const DEFAULT_FIXTURE: &str = include_str!("../fixture/default.json");

/// Quick-pay limit where the fixture gives none: ¥50,000.
pub const DEFAULT_LIMIT_FEN: i64 = 5_000_000;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    #[serde(default, rename = "_comment")]
    pub comment: Option<String>,
    #[serde(default = "zero_version")]
    pub client_version_floor: String,
    pub people: Vec<Person>,
    pub cards: Vec<Card>,
    /// The acquirer's merchants and the banks' offers at them (none in a fixture without).
    #[serde(default)]
    pub merchants: Vec<Merchant>,
    #[serde(default)]
    pub offers: Vec<tongbao_core::acquirer::Offer>,
    /// The utilities and their test accounts (none in a fixture without).
    #[serde(default)]
    pub billers: Vec<BillerData>,

    /// The SHA-256 of the fixture's text: the bank remembers which fixture seeded it.
    #[serde(skip)]
    pub sha256: String,
}

fn zero_version() -> String {
    "0.0.0".into()
}

/// A utility of the fixture and its test accounts (户号).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BillerData {
    pub kind: tongbao_core::biller::BillKind,
    pub name: String,
    pub accounts: Vec<BillAccountData>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BillAccountData {
    pub account: String,
    pub holder_masked: String,
    pub due_fen: i64,
}

/// A merchant of the acquirer: its verified name, number, category and signing key.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    /// 12 digits.
    pub number: String,
    pub category: String,
    /// The key its payment links are signed with (64 hex digits).
    pub key: String,
    /// Blocked by the acquirer: its orders can be made but not opened or paid.
    #[serde(default)]
    pub blocked: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Card {
    pub id: String,
    pub number: String,
    pub bank: String,
    pub kind: String,
    pub holder: String,
    #[serde(default = "yes")]
    pub activated: bool,
    #[serde(default = "yes")]
    pub epay_enabled: bool,
    #[serde(default)]
    pub lost: bool,
    #[serde(default)]
    pub frozen: bool,
    #[serde(default)]
    pub balance_fen: i64,
    #[serde(default)]
    pub credit_line_fen: i64,
    #[serde(default = "default_limit")]
    pub single_limit_fen: i64,
    #[serde(default = "default_limit")]
    pub daily_limit_fen: i64,
    #[serde(default)]
    pub expiry: Option<String>,
    #[serde(default)]
    pub cvv: Option<String>,
    #[serde(default)]
    pub totp_secret: Option<String>,
    #[serde(default)]
    pub renewal: Option<Renewal>,
    /// The first N verification requests after the bank starts answer 91.
    #[serde(default)]
    pub busy_first: u32,
    /// The bank never answers for this card.
    #[serde(default)]
    pub never_answers: bool,
    /// Reported stolen (43) rather than lost (41).
    #[serde(default)]
    pub stolen: bool,
    /// The bank answers 96 (system error) for this card until the counter restores service.
    #[serde(default)]
    pub system_error: bool,
    /// At most this many debits per Shanghai day, then 65.
    #[serde(default)]
    pub max_debits_per_day: Option<u32>,
    /// The account behind the card is closed: the bank returns credits to it (62).
    #[serde(default)]
    pub returns_credits: bool,
    /// The ID number the bank holds for the card when it is not the holder's current one (an
    /// old 15-digit ID never updated).
    #[serde(default)]
    pub held_id_number: Option<String>,
    /// The reserved phone at the bank when it is not the holder's phone.
    #[serde(default)]
    pub reserved_phone: Option<String>,
    /// A payroll card (代发工资卡): opened by the employer, who gave the reserved phone.
    #[serde(default)]
    pub payroll: bool,
    /// Quick-pay agreements the card already has with other payment institutions.
    #[serde(default)]
    pub other_agreements: u32,
    /// Replaced (换卡) by this card of the fixture, and cancelled.
    #[serde(default)]
    pub replaced_by: Option<String>,
    /// `II` for a class II account (Ⅱ类户); class I otherwise.
    #[serde(default)]
    pub account_class: Option<String>,
    /// Card-not-present (无卡支付 / 非柜面) payments enabled.
    #[serde(default = "yes")]
    pub non_counter_enabled: bool,
    /// The card's bank's nightly maintenance window: every request about the card is answered
    /// 91 with the window's end. Per card, so the other cards of that bank behave the same at
    /// any time of day (a tester's script does not depend on the hour it runs).
    #[serde(default)]
    pub maintenance: Option<Maintenance>,
    /// The account is reported for fraud (涉诈账户): refused as a payee.
    #[serde(default)]
    pub reported: bool,
    /// The bank cannot check the holder's name of this account (as a payee).
    #[serde(default)]
    pub payee_check_unavailable: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Maintenance {
    /// `HH:MM`, Shanghai time; a window whose end is earlier than its start ends the next day.
    pub from: String,
    pub to: String,
}

/// Minutes after Shanghai midnight of `HH:MM`.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && s.len() == 5).then_some(h * 60 + m)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Renewal {
    /// `YYYY-MM-DD`: from this day (Shanghai) the card has the new expiry and CVV.
    pub on: String,
    pub expiry: String,
    pub cvv: String,
}

fn yes() -> bool {
    true
}
fn default_limit() -> i64 {
    DEFAULT_LIMIT_FEN
}

impl Fixture {
    /// Parses and checks a fixture: every card's holder exists, expiries and renewal dates parse.
    pub fn parse(json: &str) -> Result<Fixture, String> {
        use sha2::Digest;
        let mut f: Fixture = serde_json::from_str(json).map_err(|e| format!("fixture: {e}"))?;
        f.sha256 = hex::encode(sha2::Sha256::digest(json.as_bytes()));
        for m in &f.merchants {
            let hex_key = m.key.len() == 64 && m.key.bytes().all(|b| b.is_ascii_hexdigit());
            if m.number.len() != 12 || !m.number.bytes().all(|b| b.is_ascii_digit()) || !hex_key {
                return Err(format!("fixture: merchant {} needs a 12-digit number and a 64-hex-digit key", m.id));
            }
        }
        for c in &f.cards {
            if !f.people.iter().any(|p| p.id == c.holder) {
                return Err(format!("fixture: card {} has unknown holder {}", c.id, c.holder));
            }
            if !matches!(c.kind.as_str(), "debit" | "credit" | "prepaid") {
                return Err(format!("fixture: card {} kind must be debit, credit or prepaid", c.id));
            }
            for e in c.expiry.iter().chain(c.renewal.as_ref().map(|r| &r.expiry)) {
                parse_expiry(e).map_err(|_| format!("fixture: card {} expiry {e} is not MM/YY", c.id))?;
            }
            if let Some(by) = &c.replaced_by {
                if !f.cards.iter().any(|n| &n.id == by) {
                    return Err(format!("fixture: card {} is replaced by unknown card {by}", c.id));
                }
            }
            if !matches!(c.account_class.as_deref(), None | Some("I") | Some("II")) {
                return Err(format!("fixture: card {} account class must be I or II", c.id));
            }
            if let Some(r) = &c.renewal {
                parse_date(&r.on).ok_or_else(|| format!("fixture: card {} renewal date {}", c.id, r.on))?;
            }
        }
        for c in &f.cards {
            if let Some(m) = &c.maintenance {
                if parse_hhmm(&m.from).is_none() || parse_hhmm(&m.to).is_none() {
                    return Err(format!("fixture: card {} maintenance must be HH:MM to HH:MM", c.id));
                }
            }
        }
        Ok(f)
    }

    pub fn default_fixture() -> Fixture {
        Fixture::parse(DEFAULT_FIXTURE).expect("the compiled-in fixture is valid")
    }
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

pub fn expiry_of(s: &Option<String>) -> Option<Expiry> {
    s.as_deref().and_then(|e| parse_expiry(e).ok())
}
