//! Binding through the bank's own app (一键绑卡): the wallet asks for an authorisation under a
//! `state` of its own, the person signs in to the bank's app and chooses cards there, and the
//! bank app returns through `tongbao://bind/callback?code=…&state=…`. The callback is hostile
//! input: it is parsed strictly ([`parse_callback`]), its `state` must be an unused request of
//! the signed-in account made within [`REQUEST_TTL`], and the code is exchanged with the bank
//! (single use, 5 minutes, only for the signed-in person) for the agreements. The cards are then
//! stored as a typed binding stores them — fingerprint, duplicate and 10-card rules inside one
//! transaction — without a number typed or an SMS to the reserved phone.
//!
//! The parser is written by hand rather than with a URL library: the link has one fixed shape,
//! and a general parser's leniency (percent-decoding, case folding, repeated or empty
//! parameters, fragments) is exactly what a callback must refuse.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts;
use crate::bank::{BankFailure, GrantedCard};
use crate::cards::binding::{self, Attempt, CardView};
use crate::cards::code_flow::CodeStage;
use crate::cards::ops::Cards;
use crate::cards::{self, BankId, Expiry};
use crate::platform::clock::{Millis, MINUTE};
use crate::platform::error::{AppError, ErrorCode};
use crate::services::new_attempt_id;

/// How long a request waits for its callback (the bank's code itself lives 5 minutes).
pub const REQUEST_TTL: Millis = 10 * MINUTE;
/// The longest callback link accepted.
pub const MAX_LINK_LEN: usize = 256;

/// The wallet's request to the bank's app: the `state` it must hand back, and the link that
/// opens the bank's app on the authorisation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppRequest {
    pub state: String,
    pub bank: BankId,
    /// `icbc-mock://authorize?client=tongbao&state=…&redirect=tongbao://bind/callback`
    pub url: String,
}

/// The callback link as the OS handed it over.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppCallback {
    pub url: String,
}

/// What the callback bound: the cards stored, and the cards the wallet's rules left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BankAppBound {
    pub cards: Vec<CardView>,
    /// Last 4 of the cards already in the wallet (not bound twice).
    pub already_bound: Vec<String>,
    /// Last 4 of the cards over the 10-card limit (not bound).
    pub over_limit: Vec<String>,
}

/// A callback's two values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub code: String,
    pub state: String,
}

fn invalid(why: &str) -> AppError {
    AppError::new(ErrorCode::BindCallbackInvalid, format!("bank-app callback refused: {why}"))
}

fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Parses `tongbao://bind/callback?code=<32 hex>&state=<32 hex>` (the two parameters in either
/// order, each exactly once, nothing else: no fragment, no percent-encoding, lower-case hex).
pub fn parse_callback(link: &str) -> Result<Callback, AppError> {
    if link.len() > MAX_LINK_LEN {
        return Err(invalid("too long"));
    }
    let query = link.strip_prefix("tongbao://bind/callback?").ok_or_else(|| invalid("not a binding callback"))?;
    let (mut code, mut state) = (None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').ok_or_else(|| invalid("a parameter without a value"))?;
        let slot = match key {
            "code" => &mut code,
            "state" => &mut state,
            _ => return Err(invalid("an unknown parameter")),
        };
        if slot.is_some() {
            return Err(invalid("a repeated parameter"));
        }
        if !is_token(value) {
            return Err(invalid("a malformed value"));
        }
        *slot = Some(value.to_owned());
    }
    match (code, state) {
        (Some(code), Some(state)) => Ok(Callback { code, state }),
        _ => Err(invalid("a missing parameter")),
    }
}

impl Cards<'_> {
    /// A new request to bind through `bank`'s app: its `state` is kept for the callback.
    pub fn bank_app_start(&self) -> Result<BankAppRequest, AppError> {
        let account = self.require_account()?;
        let state = new_attempt_id();
        let bank = BankId::Icbc; // the bank whose app offers 一键绑卡 here
        self.db().execute(
            "INSERT INTO bank_app_requests (state, account_id, bank, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![state, account, bank.code(), self.clock.now()],
        )?;
        tracing::info!(bank = bank.code(), "binding through the bank's app requested");
        let url = format!("icbc-mock://authorize?client=tongbao&state={state}&redirect=tongbao://bind/callback");
        Ok(BankAppRequest { state, bank, url })
    }

    /// The bank app's callback: checks it, exchanges its code and stores the cards.
    pub fn bank_app_callback(
        &self,
        input: &BankAppCallback,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BankAppBound, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let cb = parse_callback(input.url.trim())?;
        let now = self.clock.now();
        // The state is spent in one statement: two callbacks racing for it cannot both pass.
        let spent = self.db().execute(
            "UPDATE bank_app_requests SET used_at = ?3
             WHERE state = ?1 AND account_id = ?2 AND used_at IS NULL AND created_at > ?4",
            params![cb.state, account, now, now - REQUEST_TTL],
        )?;
        if spent == 0 {
            tracing::warn!("bank-app callback refused: not an open request of this account");
            return Err(invalid("not an open request of this account"));
        }
        let (_, holder_id) = accounts::holder(&self.db(), account)?;
        let granted =
            self.call_bank(link, |o| link.bank.exchange_bind_code(&cb.code, &holder_id, o), on_retry).map_err(|f| {
                tracing::warn!(code = f.code().as_str(), "bank-app code refused by the bank");
                BankFailure::to_error(f)
            })?;
        let mut bound = BankAppBound { cards: vec![], already_bound: vec![], over_limit: vec![] };
        let mut ids = vec![];
        for g in granted {
            let left_out = match self.store_granted(account, &g)? {
                Stored::Card(id) => {
                    ids.push(id);
                    continue;
                }
                Stored::Duplicate(last4) => {
                    bound.already_bound.push(last4.clone());
                    last4
                }
                Stored::OverLimit(last4) => {
                    bound.over_limit.push(last4.clone());
                    last4
                }
            };
            // An agreement the wallet does not keep is given back: never two for one card.
            if !revoked(self, &g) {
                tracing::warn!(last4 = %left_out, "an extra bank-app agreement could not be revoked");
            }
        }
        tracing::info!(bound = ids.len(), "cards bound through the bank's app");
        let all = binding::cards(&self.db(), account, self.clock.now())?;
        bound.cards = all.into_iter().filter(|c| ids.contains(&c.id)).collect();
        Ok(bound)
    }

    /// One granted card, stored with the rules of a typed binding, in one transaction.
    fn store_granted(&self, account: accounts::AccountId, g: &GrantedCard) -> Result<Stored, AppError> {
        let pan = cards::parse_card_number(g.pan.expose())?;
        let fp = binding::fingerprint(&self.fingerprint_key, &pan);
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction()?; // BEGIN IMMEDIATE: the rules and the insert at once
        let last4 = pan.last4().to_owned();
        if binding::already_bound(&tx, account, &fp)? {
            return Ok(Stored::Duplicate(last4));
        }
        if binding::live_card_count(&tx, account)? >= binding::MAX_CARDS {
            return Ok(Stored::OverLimit(last4));
        }
        let id = new_attempt_id();
        let attempt = binding::NewAttempt {
            id: &id,
            account,
            fingerprint: &fp,
            pan: &pan,
            expiry: g.expiry,
            phone: &g.reserved_phone,
            nickname: "",
        };
        binding::insert_attempt(&tx, &attempt, now)?;
        let a = Attempt {
            id,
            account_id: account,
            fingerprint: fp,
            bank: pan.info.bank.code().to_owned(),
            kind: pan.info.kind.as_str().to_owned(),
            bin: pan.bin().to_owned(),
            last4,
            expiry: g.expiry.map(Expiry::printed),
            phone: g.reserved_phone.clone(),
            nickname: String::new(),
            stage: CodeStage::Confirming,
            bank_session: None,
        };
        let card = binding::insert_card(&tx, &a, &g.binding, now)?;
        tx.commit()?;
        Ok(Stored::Card(card))
    }
}

enum Stored {
    Card(i64),
    Duplicate(String),
    OverLimit(String),
}

/// Gives back an agreement the wallet did not store (a card already bound, or over the limit).
fn revoked(cards: &Cards<'_>, g: &GrantedCard) -> bool {
    let Ok(link) = cards.bank() else { return false };
    let opts = crate::bank::CallOptions { timeout_ms: link.policy.timeout_ms };
    link.bank.revoke_token(&g.binding.token, opts).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CODE: &str = "0123456789abcdef0123456789abcdef";
    const STATE: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn the_one_shape_parses_in_either_order() {
        let a = parse_callback(&format!("tongbao://bind/callback?code={CODE}&state={STATE}")).unwrap();
        let b = parse_callback(&format!("tongbao://bind/callback?state={STATE}&code={CODE}")).unwrap();
        assert_eq!(a, b);
        assert_eq!((a.code.as_str(), a.state.as_str()), (CODE, STATE));
    }

    #[test]
    fn every_other_shape_is_refused() {
        let ok = format!("tongbao://bind/callback?code={CODE}&state={STATE}");
        let bad = [
            String::new(),
            "tongbao://bind/callback".into(),
            format!("tongbao://bind/callback?code={CODE}"),
            format!("tongbao://bind/callback?code={CODE}&state={STATE}&x=1"),
            format!("tongbao://bind/callback?code={CODE}&code={CODE}&state={STATE}"),
            format!("TONGBAO://bind/callback?code={CODE}&state={STATE}"),
            format!("tongbao://pay/callback?code={CODE}&state={STATE}"),
            format!("{ok}#frag"),
            format!("{ok}&"),
            ok.replace("code=0", "code=%30"),
            ok.replace("code=0123", "code=0123A"),
            ok.replace(&format!("state={STATE}"), &format!("state={}", STATE.to_uppercase())),
            format!("https://bind/callback?code={CODE}&state={STATE}"),
            format!(" {ok}"),
        ];
        for link in bad {
            assert_eq!(parse_callback(&link).unwrap_err().code, ErrorCode::BindCallbackInvalid, "{link:?}");
        }
    }

    proptest! {
        // Fuzzing: whatever arrives, an answer and no panic; and what parses is the one shape.
        #[test]
        fn any_input_is_answered_without_a_panic(s in any::<String>()) {
            if let Ok(c) = parse_callback(&s) {
                prop_assert!(is_token(&c.code) && is_token(&c.state));
                prop_assert!(s.starts_with("tongbao://bind/callback?"));
            }
        }

        #[test]
        fn near_misses_of_the_shape_never_panic(
            head in prop::sample::select(vec!["tongbao://bind/callback?", "tongbao://bind/callback", "tongbao:/bind/callback?", ""]),
            parts in prop::collection::vec("(code|state|x|)=?[0-9a-fA-F%&#=]{0,40}", 0..5),
        ) {
            let _ = parse_callback(&format!("{head}{}", parts.join("&")));
        }

        #[test]
        fn every_well_formed_callback_round_trips(code in "[0-9a-f]{32}", state in "[0-9a-f]{32}") {
            let c = parse_callback(&format!("tongbao://bind/callback?state={state}&code={code}")).unwrap();
            prop_assert_eq!((c.code, c.state), (code, state));
        }
    }
}
