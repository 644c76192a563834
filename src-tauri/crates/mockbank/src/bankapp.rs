//! The bank's own app (工商银行App, mocked): the person signs in with their phone and an SMS
//! code from the bank, sees every card they hold at the bank with whether it can be bound (and
//! why not), and authorises some for a wallet's request (`state`). The authorisation is a
//! one-time code, valid 5 minutes, that the wallet exchanges once for the agreements
//! ([`tongbao_core::bank::Bank::exchange_bind_code`]) — only for that same person.

use rand::Rng;
use rusqlite::{params, OptionalExtension};
use tongbao_core::bank::{BankFailure, BankResult, Binding, CallOptions, GrantedCard, SessionProblem};
use tongbao_core::platform::clock::{Millis, MINUTE};
use tongbao_core::platform::secrets::SecretString;

use tongbao_core::platform::error::{AppError, ErrorCode};

use crate::bank::{random_hex, storage_failure, MockBank, OTP_TTL};

fn internal(e: rusqlite::Error) -> AppError {
    AppError::new(ErrorCode::StorageError, format!("mock bank: {e}"))
}
use crate::fixture::expiry_of;
use crate::verify::account_in;

/// How long an authorisation code is good for.
pub const GRANT_TTL: Millis = 5 * MINUTE;
/// The bank whose app this is.
pub const APP_BANK: &str = "ICBC";

/// A card as the bank app lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppCard {
    pub id: String,
    pub last4: String,
    pub kind: String,
    /// Whether it can be bound to a wallet now; if not, why: `not_activated`,
    /// `epay_disabled`, `non_counter`, `lost`, `frozen`, `replaced`, `prepaid`, `expired` (the app words
    /// each: 未激活, 未开通电子支付, 未开通无卡支付, 已挂失 …).
    pub bindable: bool,
    pub why_not: Option<String>,
}

/// Signing in to the bank app: its session and the SMS code.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppSignIn {
    pub session: String,
    pub code: String,
}

/// Authorising cards for a wallet's request.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppAuthorize {
    pub session: String,
    pub cards: Vec<String>,
    pub state: String,
}

/// Enabling a card's online payments in the bank app.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppEnable {
    pub session: String,
    pub card_id: String,
}

impl MockBank {
    /// The bank app's card settings: enables e-payment (电子支付/快捷支付) and card-not-present
    /// payments (无卡支付) for one of the signed-in person's cards at this bank — what the
    /// counter's 开通电子支付 and 开通无卡支付 do, from the person's own phone.
    pub fn app_enable(&self, session: &str, card_id: &str) -> Result<(), AppError> {
        let person = self.app_person(session)?;
        let changed = self
            .db()
            .execute(
                "UPDATE cards SET epay_enabled = 1, non_counter_enabled = 1 WHERE id = ?1 AND holder = ?2 AND bank = ?3",
                params![card_id, person, APP_BANK],
            )
            .map_err(internal)?;
        if changed == 0 {
            return Err(AppError::new(ErrorCode::CardNotFound, "bank app: not a card of this person at this bank"));
        }
        tracing::info!(card = %card_id, "bank app: online payments enabled");
        Ok(())
    }

    /// Sends the bank app's sign-in code to `phone` (a person of the bank). Answers the session.
    pub fn app_send_code(&self, phone: &str) -> Result<String, AppError> {
        let now = self.clock.now();
        let person: Option<String> = self
            .db()
            .query_row("SELECT id FROM people WHERE phone = ?1", [phone.trim()], |r| r.get(0))
            .optional()
            .map_err(internal)?;
        let Some(person) = person else {
            return Err(AppError::new(ErrorCode::PhoneInvalid, "no person of the bank has this phone"));
        };
        let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
        let session = random_hex(16);
        let text = format!("【工商银行】验证码 {code}，5分钟内有效。您正在登录工商银行App，请勿泄露给他人。");
        {
            let db = self.db();
            db.execute(
                "INSERT INTO app_sessions (id, person, otp, otp_expires, tries_left, created_at) VALUES (?1, ?2, ?3, ?4, 3, ?5)",
                params![session, person, code, now + OTP_TTL, now],
            )
            .and_then(|_| db.execute("INSERT INTO sms (phone, text, at) VALUES (?1, ?2, ?3)", params![phone.trim(), text, now]))
            .map_err(internal)?;
        }
        self.sms_arrived();
        Ok(session)
    }

    /// Signs in with the code (3 tries, counted in one statement).
    pub fn app_sign_in(&self, session: &str, code: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        let db = self.db();
        let ok = db
            .execute(
                "UPDATE app_sessions SET signed_in = 1, otp = NULL
                 WHERE id = ?1 AND otp = ?2 AND otp_expires > ?3 AND tries_left > 0",
                params![session, code.trim(), now],
            )
            .map_err(internal)?;
        if ok == 1 {
            return Ok(());
        }
        db.execute("UPDATE app_sessions SET tries_left = max(tries_left - 1, 0) WHERE id = ?1", [session])
            .map_err(internal)?;
        Err(AppError::new(ErrorCode::OtpInvalid, "the bank app's sign-in code is wrong or expired"))
    }

    fn app_person(&self, session: &str) -> Result<String, AppError> {
        self.db()
            .query_row("SELECT person FROM app_sessions WHERE id = ?1 AND signed_in = 1", [session], |r| r.get(0))
            .optional()
            .map_err(internal)?
            .ok_or_else(|| AppError::new(ErrorCode::NotLoggedIn, "sign in to the bank app first"))
    }

    /// The signed-in person's cards at this bank, each with whether it can be bound and why not.
    pub fn app_cards(&self, session: &str) -> Result<Vec<AppCard>, AppError> {
        let person = self.app_person(session)?;
        let ids: Vec<String> = {
            let db = self.db();
            let mut st =
                db.prepare("SELECT id FROM cards WHERE holder = ?1 AND bank = ?2 ORDER BY id").map_err(internal)?;
            let rows = st.query_map(params![person, APP_BANK], |r| r.get(0)).map_err(internal)?;
            rows.collect::<Result<_, _>>().map_err(internal)?
        };
        Ok(ids
            .into_iter()
            .filter_map(|id| {
                let card = self.card_by_id(&id)?;
                let (last4, kind): (String, String) = self
                    .db()
                    .query_row("SELECT substr(number, -4), kind FROM cards WHERE id = ?1", [&id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .ok()?;
                let why_not = self.why_not_bindable(&card);
                Some(AppCard { id, last4, kind, bindable: why_not.is_none(), why_not })
            })
            .collect())
    }

    /// Authorises `cards` (all bindable cards of the signed-in person) for the wallet's `state`:
    /// answers the callback link with a one-time code.
    pub fn app_authorize(&self, session: &str, cards: &[String], state: &str) -> Result<String, AppError> {
        let person = self.app_person(session)?;
        let own = self.app_cards(session)?;
        let refused = |why: &str| AppError::new(ErrorCode::CardNotFound, format!("bank app: {why}"));
        if cards.is_empty() {
            return Err(refused("no card chosen"));
        }
        if state.len() != 32 || !state.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refused("not a wallet's request"));
        }
        for id in cards {
            let card = own.iter().find(|c| &c.id == id).ok_or_else(|| refused("not a card of this person"))?;
            if let Some(why) = &card.why_not {
                return Err(refused(&format!("card {} cannot be bound ({why})", card.last4)).detail(why));
            }
        }
        let code = random_hex(16);
        self.db()
            .execute(
                "INSERT INTO app_grants (code, state, person, cards, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![code, state, person, cards.join(","), self.clock.now()],
            )
            .map_err(internal)?;
        tracing::info!(cards = cards.len(), "bank app: binding authorised");
        Ok(format!("tongbao://bind/callback?code={code}&state={state}"))
    }

    fn why_not_bindable(&self, card: &crate::store::CardRow) -> Option<String> {
        Some(
            if card.replaced_by_last4.is_some() {
                "replaced"
            } else if card.lost || card.stolen {
                "lost"
            } else if !card.activated {
                "not_activated"
            } else if card.frozen {
                "frozen"
            } else if !card.epay_enabled {
                "epay_disabled"
            } else if !card.non_counter_enabled {
                "non_counter"
            } else if card.prepaid {
                "prepaid"
            } else if self.status_of(card, false) == tongbao_core::bank::CardStatus::Expired {
                "expired"
            } else {
                return None;
            }
            .to_owned(),
        )
    }

    pub(crate) fn on_exchange_bind_code(
        &self,
        code: &str,
        holder_id: &str,
        opts: CallOptions,
    ) -> BankResult<Vec<GrantedCard>> {
        const INVALID: BankFailure = BankFailure::Session(SessionProblem::GrantInvalid);
        self.transport(opts, false, || {
            let now = self.clock.now();
            self.in_tx(|db| {
                // Spent in one statement: of two exchanges racing for one code, one gets it.
                let grant: Option<(String, String)> = db
                    .query_row(
                        "UPDATE app_grants SET used = 1 WHERE code = ?1 AND used = 0 AND created_at > ?2
                         RETURNING person, cards",
                        params![code, now - GRANT_TTL],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(storage_failure)?;
                let (person, cards) = grant.ok_or(INVALID)?;
                let id_number: String = db
                    .query_row("SELECT id_number FROM people WHERE id = ?1", [&person], |r| r.get(0))
                    .map_err(storage_failure)?;
                if id_number != holder_id {
                    tracing::warn!("bank app: a code exchanged for another person");
                    return Err(INVALID);
                }
                let mut out = vec![];
                for card in cards.split(',') {
                    let (number, expiry, phone): (String, Option<String>, String) = db
                        .query_row("SELECT number, expiry, reserved_phone FROM cards WHERE id = ?1", [card], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })
                        .map_err(storage_failure)?;
                    let token = format!("AGR{}", random_hex(10).to_uppercase());
                    db.execute(
                        "INSERT INTO agreements (token, card_id, active, created_at) VALUES (?1, ?2, 1, ?3)",
                        params![token, card, now],
                    )
                    .map_err(storage_failure)?;
                    out.push(GrantedCard {
                        pan: SecretString::new(number),
                        binding: Binding { token, account: account_in(db, card)? },
                        expiry: expiry_of(&expiry),
                        reserved_phone: phone,
                    });
                }
                Ok(out)
            })
        })
    }
}
