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
    /// The SHA-256 of the fixture's text: the bank remembers which fixture seeded it.
    #[serde(skip)]
    pub sha256: String,
}

fn zero_version() -> String {
    "0.0.0".into()
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
            if let Some(r) = &c.renewal {
                parse_date(&r.on).ok_or_else(|| format!("fixture: card {} renewal date {}", c.id, r.on))?;
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
