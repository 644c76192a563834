//! Card management (docs/features.md, managing cards): the detail of a bound card, edits that save at once
//! (nickname, default card), edits the bank must verify (a new reserved phone, a renewed
//! expiry and CVV: bank check, then an SMS code to the card's reserved phone, and only then
//! saved), status inquiries (a renewed card turns 待验证), and unbinding with the payment password.
//!
//! Verified edits are attempts like bindings: written to `card_updates` before the bank is
//! called (the id is the idempotency key), finished or abandoned at start-up, and a failure
//! never touches the stored card.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts::{self, validate, AccountId};
use crate::bank::{Bank, BankFailure, CallOptions, CardStatus, UpdateCard, UpdateState};
use crate::cards;
use crate::cards::audit::{self, AuditEntry, AuditEvent, Subject};
use crate::cards::binding::{self, BindStage, BindStep, CardView};
use crate::cards::code_flow::{self, BankSays, CodeStage, Confirmed, Settle};
use crate::cards::ops::Cards;
use crate::platform::clock::{Millis, MINUTE};
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;
use crate::services::{new_attempt_id, Services};

/// A card's status is asked of the bank again after this long (or after "clear cache").
pub const STATUS_TTL: Millis = 10 * MINUTE;
/// How many account-wide audit entries the cards screen shows.
pub const ACCOUNT_AUDIT_LIMIT: u32 = 50;

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardRename {
    #[ts(type = "number")]
    pub card_id: i64,
    pub nickname: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardRef {
    #[ts(type = "number")]
    pub card_id: i64,
}

/// New data for a bound card, verified by the bank and an SMS code before it is saved.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardUpdate {
    #[ts(type = "number")]
    pub card_id: i64,
    /// A new reserved phone (changed at the bank first).
    pub phone: Option<String>,
    /// The renewed card's expiry, MM/YY (credit cards; with the CVV).
    pub expiry: Option<String>,
    #[ts(type = "string | null")]
    pub cvv: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardUnbind {
    #[ts(type = "number")]
    pub card_id: i64,
    #[ts(type = "string")]
    pub pay_password: SecretString,
}

/// A card with its audit log (the card detail screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CardDetail {
    pub card: CardView,
    pub audit: Vec<AuditEntry>,
}

/// A live card as stored.
pub(crate) struct StoredCard {
    pub id: i64,
    pub account: AccountId,
    pub token: String,
    pub credit: bool,
    pub last4: String,
    pub fingerprint: String,
    pub phone: Option<String>,
    pub status: String,
    pub is_default: bool,
    /// `MM/YY` of a credit card.
    pub expiry: Option<String>,
}

impl StoredCard {
    /// Whether the card can pay at `now`: past its expiry month it is CARD_EXPIRED (whatever
    /// the stored status says), any status but 可用 is CARD_RESTRICTED.
    pub(crate) fn check_payable(&self, now: Millis) -> Result<(), AppError> {
        let passed =
            self.expiry.as_deref().and_then(|e| crate::cards::parse_expiry(e).ok()).is_some_and(|e| e.has_passed(now));
        if passed || self.status == "expired" {
            return Err(AppError::new(ErrorCode::CardExpired, "this card has expired: bind its renewed card"));
        }
        if self.status != "active" {
            return Err(AppError::new(ErrorCode::CardRestricted, "this card can't pay until its status is 可用"));
        }
        Ok(())
    }

    fn subject(&self) -> Subject<'_> {
        Subject {
            account: self.account,
            card_id: Some(self.id),
            fingerprint: Some(&self.fingerprint),
            last4: &self.last4,
        }
    }
}

fn not_found() -> AppError {
    AppError::new(ErrorCode::CardNotFound, "no such card among the signed-in person's bound cards")
}

/// One of the person's live cards (another account's card is "not found").
pub(crate) fn stored_card(db: &Connection, account: AccountId, id: i64) -> Result<StoredCard, AppError> {
    db.query_row(
        "SELECT id, account_id, token, CASE WHEN quasi_credit THEN 'quasi_credit' ELSE kind END, last4, fingerprint,
                phone, status, is_default, expiry
         FROM cards WHERE id = ?1 AND account_id = ?2 AND unbound_at IS NULL",
        params![id, account],
        |r| {
            Ok(StoredCard {
                id: r.get(0)?,
                account: r.get(1)?,
                token: r.get(2)?,
                credit: r.get::<_, cards::CardKind>(3)?.needs_expiry(),
                last4: r.get(4)?,
                fingerprint: r.get(5)?,
                phone: r.get(6)?,
                status: r.get(7)?,
                is_default: r.get(8)?,
                expiry: r.get(9)?,
            })
        },
    )
    .optional()?
    .ok_or_else(not_found)
}

/// The status the wallet keeps for what the bank's inquiry says; None: keep what is stored.
fn stored_status(s: CardStatus) -> Option<&'static str> {
    match s {
        CardStatus::Active => Some("active"),
        CardStatus::Renewed => Some("pending"),
        CardStatus::Expired => Some("expired"),
        CardStatus::Frozen
        | CardStatus::Lost
        | CardStatus::NotActivated
        | CardStatus::EpayDisabled
        | CardStatus::Replaced => Some("frozen"),
        CardStatus::Unknown => None,
    }
}

/// An update attempt as stored.
struct Update {
    id: String,
    card_id: i64,
    phone: Option<String>,
    expiry: Option<String>,
    stage: CodeStage,
    bank_session: Option<String>,
}

fn open_update(db: &Connection, account: AccountId, id: &str) -> Result<Update, AppError> {
    db.query_row(
        "SELECT id, card_id, phone, expiry, stage, bank_session FROM card_updates
         WHERE id = ?1 AND account_id = ?2 AND stage IN ('otp', 'confirming')",
        params![id, account],
        |r| {
            Ok(Update {
                id: r.get(0)?,
                card_id: r.get(1)?,
                phone: r.get(2)?,
                expiry: r.get(3)?,
                stage: r.get(4)?,
                bank_session: r.get(5)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| AppError::new(ErrorCode::OtpExpired, "this change has ended: start again"))
}

fn set_update_stage(
    db: &Connection,
    id: &str,
    stage: CodeStage,
    session: Option<&str>,
    failure: Option<ErrorCode>,
    now: Millis,
) -> Result<(), AppError> {
    db.execute(
        "UPDATE card_updates SET stage = ?2, bank_session = coalesce(?3, bank_session),
                failure = coalesce(?4, failure), updated_at = ?5 WHERE id = ?1",
        params![id, stage.as_str(), session, failure.map(|c| c.as_str()), now],
    )?;
    Ok(())
}

/// Saves a confirmed update in one transaction: the card's new phone and/or expiry (a renewed
/// card is usable again), the attempt closed, the audit entries.
fn apply_update(db: &mut Connection, account: AccountId, u: &Update, now: Millis) -> Result<(), AppError> {
    let tx = db.transaction()?;
    let card = stored_card(&tx, account, u.card_id)?;
    if let Some(phone) = &u.phone {
        tx.execute("UPDATE cards SET phone = ?2 WHERE id = ?1", params![card.id, phone])?;
        let masked = accounts::mask_phone(phone);
        audit::record(&tx, &card.subject(), AuditEvent::PhoneChanged, None, Some(&masked), now)?;
    }
    if let Some(expiry) = &u.expiry {
        tx.execute(
            "UPDATE cards SET expiry = ?2, status = 'active', status_checked_at = ?3 WHERE id = ?1",
            params![card.id, expiry, now],
        )?;
        audit::record(&tx, &card.subject(), AuditEvent::ExpiryUpdated, None, Some(expiry), now)?;
    }
    tx.execute("UPDATE card_updates SET stage = 'done', updated_at = ?2 WHERE id = ?1", params![u.id, now])?;
    tx.commit()?;
    Ok(())
}

/// Finishes or abandons the card updates a crash left open, as [`binding::resume`] does for
/// bindings. Returns (finished, abandoned).
pub fn resume(
    db: &mut Connection,
    bank: &dyn Bank,
    opts: CallOptions,
    now: Millis,
) -> Result<(usize, usize), AppError> {
    let open: Vec<(AccountId, Update)> = {
        let mut st = db.prepare(
            "SELECT account_id, id, card_id, phone, expiry, stage, bank_session FROM card_updates
             WHERE stage IN ('verifying', 'otp', 'confirming')",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get(0)?,
                Update {
                    id: r.get(1)?,
                    card_id: r.get(2)?,
                    phone: r.get(3)?,
                    expiry: r.get(4)?,
                    stage: r.get(5)?,
                    bank_session: r.get(6)?,
                },
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let (mut done, mut abandoned) = (0, 0);
    for (account, u) in open {
        let session = u.bank_session.clone().unwrap_or_default();
        let settle = code_flow::settle(u.stage, || {
            Ok(match bank.update_state(&session, opts)? {
                UpdateState::Confirmed => BankSays::Confirmed,
                UpdateState::Pending | UpdateState::NotFound => BankSays::NotConfirmed,
            })
        });
        match settle {
            Settle::Finish if apply_update(db, account, &u, now).is_ok() => done += 1,
            // The bank did not answer: ask again at the next start; nothing was saved.
            Settle::AskLater => {}
            _ => {
                set_update_stage(db, &u.id, CodeStage::Abandoned, None, None, now)?;
                abandoned += 1;
            }
        }
    }
    Ok((done, abandoned))
}

/// Card management: each method is one command, for the signed-in person's own cards.
impl Services {
    fn card_view(&self, account: AccountId, card_id: i64) -> Result<CardView, AppError> {
        binding::cards(&self.db(), account, self.clock.now())?
            .into_iter()
            .find(|c| c.id == card_id)
            .ok_or_else(not_found)
    }

    fn send_update_code(&self, card: &StoredCard, id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let link = self.bank()?;
        let u = open_update(&self.db(), card.account, id)?;
        let session = u.bank_session.clone().unwrap_or_default();
        let sent = self
            .call_bank(link, |o| link.bank.send_otp(&session, o), on_retry)
            .map_err(|f| self.update_failed(card, id, f, false))?;
        let phone = u.phone.as_ref().or(card.phone.as_ref()).map(|p| accounts::mask_phone(p)).unwrap_or_default();
        Ok(BindStep {
            attempt_id: id.to_owned(),
            stage: BindStage::Otp,
            phone_masked: phone,
            otp_expires_at: Some(sent.expires_at),
            resend_at: Some(sent.resend_at),
            issued_at: self.clock.now(),
        })
    }

    /// The catalogue error for a failed change; recorded in the audit log; the attempt ends
    /// when `terminal`. The card itself is untouched.
    fn update_failed(&self, card: &StoredCard, id: &str, f: BankFailure, terminal: bool) -> AppError {
        let e = f.to_error();
        let now = self.clock.now();
        let db = self.db();
        let record = || -> Result<(), AppError> {
            if terminal {
                set_update_stage(&db, id, CodeStage::Failed, None, Some(e.code), now)?;
            }
            audit::record(&db, &card.subject(), AuditEvent::UpdateFailed, Some(e.code), e.bank_code.as_deref(), now)
        };
        if let Err(storage) = record() {
            tracing::error!(code = storage.code.as_str(), "could not record a failed card change");
        }
        tracing::info!(update = %id, code = e.code.as_str(), "card change failed");
        e
    }

    /// Revokes a card's agreement at the bank, then marks it unbound in one transaction: open
    /// verified edits abandoned, the audit entry written, the default moved to the oldest card
    /// left. A refusal by the bank is audited and nothing changes. The one way a card is
    /// unbound: by the person, or by closing their account.
    fn revoke_and_unbind(&self, card: &StoredCard, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        let link = self.bank()?;
        if let Err(f) = self.call_bank(link, |o| link.bank.revoke_token(&card.token, o), on_retry) {
            let e = f.to_error();
            let detail = e.bank_code.as_deref();
            audit::record(
                &self.db(),
                &card.subject(),
                AuditEvent::UnbindFailed,
                Some(e.code),
                detail,
                self.clock.now(),
            )?;
            return Err(e);
        }
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction()?;
        tx.execute("UPDATE cards SET unbound_at = ?2, is_default = 0 WHERE id = ?1", params![card.id, now])?;
        tx.execute(
            "UPDATE card_updates SET stage = 'abandoned', updated_at = ?2
             WHERE card_id = ?1 AND stage IN ('verifying', 'otp', 'confirming')",
            params![card.id, now],
        )?;
        audit::record(&tx, &card.subject(), AuditEvent::Unbound, None, None, now)?;
        if card.is_default {
            let next: Option<i64> = tx
                .query_row(
                    "SELECT id FROM cards WHERE account_id = ?1 AND unbound_at IS NULL ORDER BY bound_at, id LIMIT 1",
                    [card.account],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(next) = next {
                tx.execute("UPDATE cards SET is_default = 1 WHERE id = ?1", [next])?;
                let next_card = stored_card(&tx, card.account, next)?;
                audit::record(&tx, &next_card.subject(), AuditEvent::DefaultMoved, None, Some(&card.last4), now)?;
            }
        }
        tx.commit()?;
        tracing::info!(card = card.id, "card unbound");
        Ok(())
    }

    /// Unbinds every live card of an account that is being closed, each as
    /// [`Services::unbind_card`] does after its password check (revoked at the bank, audited,
    /// open edits abandoned). Stops at the first card the bank will not revoke.
    pub(crate) fn unbind_all_cards(&self, account: AccountId, on_retry: &dyn Fn(u32, u32)) -> Result<(), AppError> {
        let ids: Vec<i64> = {
            let db = self.db();
            let mut st = db.prepare("SELECT id FROM cards WHERE account_id = ?1 AND unbound_at IS NULL ORDER BY id")?;
            let rows = st.query_map([account], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in ids {
            let card = stored_card(&self.db(), account, id)?;
            self.revoke_and_unbind(&card, on_retry)?;
        }
        Ok(())
    }

    /// The bank's token of one of the account's cards, bound or unbound since (a payment
    /// recorded before an unbinding still settles against its card).
    pub(crate) fn card_token(&self, card: i64) -> Result<String, AppError> {
        Ok(self.db().query_row("SELECT token FROM cards WHERE id = ?1", [card], |r| r.get(0))?)
    }

    /// One of the person's live cards by its number (its keyed fingerprint): never stored.
    pub(crate) fn card_by_number(&self, account: AccountId, pan: &cards::CardNumber) -> Result<StoredCard, AppError> {
        let fp = binding::fingerprint(&self.fingerprint_key, pan);
        let id: Option<i64> = self
            .db()
            .query_row(
                "SELECT id FROM cards WHERE account_id = ?1 AND fingerprint = ?2 AND unbound_at IS NULL",
                params![account, fp],
                |r| r.get(0),
            )
            .optional()?;
        let id = id.ok_or_else(|| AppError::new(ErrorCode::CardNotFound, "this is not one of your bound cards"))?;
        stored_card(&self.db(), account, id)
    }
}

impl Cards<'_> {
    /// A card with its audit log.
    pub fn card_detail(&self, card_id: i64) -> Result<CardDetail, AppError> {
        let account = self.require_account()?;
        let db = self.db();
        let stored = stored_card(&db, account, card_id)?;
        let card = binding::cards(&db, account, self.clock.now())?
            .into_iter()
            .find(|c| c.id == card_id)
            .ok_or_else(not_found)?;
        let audit = audit::for_card(&db, account, card_id, &stored.fingerprint)?;
        Ok(CardDetail { card, audit })
    }

    /// The account's audit log, newest first (cards bound, changed, unbound, failed attempts).
    pub fn account_audit(&self) -> Result<Vec<AuditEntry>, AppError> {
        let account = self.require_account()?;
        audit::for_account(&self.db(), account, ACCOUNT_AUDIT_LIMIT)
    }

    /// The latest card failure nothing has put right since, for the troubleshooting center.
    pub fn last_failure(&self) -> Result<Option<audit::LastFailure>, AppError> {
        let account = self.require_account()?;
        audit::last_failure(&self.db(), account)
    }

    /// Renames a card at once (trimmed, at most 20 characters; empty clears it).
    pub fn rename_card(&self, input: &CardRename) -> Result<CardView, AppError> {
        let account = self.require_account()?;
        let nickname: String = input.nickname.trim().chars().take(20).collect();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            let card = stored_card(&tx, account, input.card_id)?;
            tx.execute("UPDATE cards SET nickname = ?2 WHERE id = ?1", params![card.id, nickname])?;
            audit::record(&tx, &card.subject(), AuditEvent::Renamed, None, Some(&nickname), self.clock.now())?;
            tx.commit()?;
        }
        self.card_view(account, input.card_id)
    }

    /// Makes a card the default, at once.
    pub fn set_default_card(&self, input: &CardRef) -> Result<Vec<CardView>, AppError> {
        let account = self.require_account()?;
        let now = self.clock.now();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            let card = stored_card(&tx, account, input.card_id)?;
            if !card.is_default {
                tx.execute("UPDATE cards SET is_default = (id = ?2) WHERE account_id = ?1", params![account, card.id])?;
                audit::record(&tx, &card.subject(), AuditEvent::DefaultSet, None, None, now)?;
            }
            tx.commit()?;
        }
        binding::cards(&self.db(), account, now)
    }

    /// Asks the bank for the status of each card not asked within [`STATUS_TTL`] and keeps
    /// what it says (a renewed card turns 待验证). A bank that can't answer leaves the stored
    /// statuses as they are. Returns the cards.
    pub fn refresh_card_statuses(&self) -> Result<Vec<CardView>, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let now = self.clock.now();
        let due: Vec<i64> = {
            let db = self.db();
            let mut st = db.prepare(
                "SELECT id FROM cards WHERE account_id = ?1 AND unbound_at IS NULL
                 AND (status_checked_at IS NULL OR status_checked_at <= ?2)",
            )?;
            let rows = st.query_map(params![account, now - STATUS_TTL], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let opts = CallOptions { timeout_ms: link.policy.timeout_ms };
        for id in due {
            let card = stored_card(&self.db(), account, id)?;
            let answer = match link.bank.token_status(&card.token, opts) {
                Ok(s) => s,
                Err(f) => {
                    tracing::info!(card = id, failure = ?f, "card status inquiry failed: status kept");
                    break; // the bank is not answering: don't wait on it once per card
                }
            };
            let now = self.clock.now();
            let db = self.db();
            match stored_status(answer) {
                Some(status) if status != card.status => {
                    db.execute(
                        "UPDATE cards SET status = ?2, status_checked_at = ?3 WHERE id = ?1",
                        params![id, status, now],
                    )?;
                    audit::record(&db, &card.subject(), AuditEvent::StatusChanged, None, Some(status), now)?;
                    tracing::info!(card = id, status, "card status changed at the bank");
                }
                _ => {
                    db.execute("UPDATE cards SET status_checked_at = ?2 WHERE id = ?1", params![id, now])?;
                }
            }
        }
        binding::cards(&self.db(), account, self.clock.now())
    }

    /// Checks the new data with the bank, then has it send an SMS code to the card's reserved
    /// phone. Nothing about the card changes until [`Services::card_update_confirm`].
    pub fn card_update_start(&self, input: &CardUpdate, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let card = stored_card(&self.db(), account, input.card_id)?;
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(validate::phone(p)?).filter(|p| Some(p) != card.phone.as_ref()),
            None => None,
        };
        let renewal = match input.expiry.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(_) if !card.credit => {
                return Err(AppError::new(ErrorCode::CardEditInvalid, "a debit card has no expiry to update"));
            }
            Some(e) => Some((
                cards::parse_expiry(e)?,
                cards::parse_cvv(input.cvv.as_ref().map(SecretString::expose).unwrap_or(""))?,
            )),
            None => None,
        };
        if phone.is_none() && renewal.is_none() {
            return Err(AppError::new(
                ErrorCode::CardEditInvalid,
                "nothing to change: a new phone or expiry is needed",
            ));
        }
        let id = new_attempt_id();
        let now = self.clock.now();
        let expiry = renewal.as_ref().map(|(e, _)| *e);
        self.db().execute(
            "INSERT INTO card_updates (id, account_id, card_id, phone, expiry, stage, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'verifying', ?6, ?6)",
            params![id, account, card.id, phone, expiry.map(cards::Expiry::printed), now],
        )?;
        let req = UpdateCard {
            token: &card.token,
            phone: phone.as_deref(),
            expiry,
            cvv: renewal.as_ref().map(|(_, c)| c.expose()),
            client_version: &link.client_version,
            request_id: &id,
        };
        let verified = self.call_bank(link, |o| link.bank.verify_update(&req, o), on_retry);
        drop(renewal); // the CVV is zeroized: never needed again
        let session = verified.map_err(|f| self.update_failed(&card, &id, f, true))?;
        set_update_stage(&self.db(), &id, CodeStage::Otp, Some(&session), None, self.clock.now())?;
        tracing::info!(update = %id, card = card.id, "card change verified by the bank");
        self.send_update_code(&card, &id, on_retry)
    }

    /// Sends a new SMS code for a change (after the 60 s countdown).
    pub fn card_update_resend(&self, update_id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let u = open_update(&self.db(), account, update_id)?;
        if u.stage != CodeStage::Otp {
            return Err(AppError::new(ErrorCode::OtpExpired, "this change is not waiting for an SMS code"));
        }
        let card = stored_card(&self.db(), account, u.card_id)?;
        self.send_update_code(&card, &u.id, on_retry)
    }

    /// The SMS code: the bank confirms and the wallet saves the new data.
    pub fn card_update_confirm(
        &self,
        update_id: &str,
        otp: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<CardView, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let u = open_update(&self.db(), account, update_id)?;
        let card = stored_card(&self.db(), account, u.card_id)?;
        let code = cards::parse_code(otp.expose(), ErrorCode::OtpInvalid)?;
        let session = u.bank_session.clone().unwrap_or_default();
        let mark = |stage| set_update_stage(&self.db(), &u.id, stage, None, None, self.clock.now());
        match code_flow::confirm(mark, || {
            self.call_bank(link, |o| link.bank.confirm_update(&session, code.expose(), o), on_retry)
        })? {
            Confirmed::Yes(()) => {
                apply_update(&mut self.db(), account, &u, self.clock.now())?;
                tracing::info!(update = %u.id, card = card.id, "card change confirmed");
                self.card_view(account, card.id)
            }
            Confirmed::No { next, failure } => {
                if next == CodeStage::Otp {
                    set_update_stage(&self.db(), &u.id, next, None, None, self.clock.now())?;
                }
                Err(self.update_failed(&card, &u.id, failure, next == CodeStage::Failed))
            }
        }
    }

    /// Unbinds a card: the payment password (with its lockout), the bank revokes the token,
    /// then the card leaves the list (its history and audit stay) and the default moves to the
    /// earliest-bound remaining card, or to none. Returns the remaining cards.
    pub fn unbind_card(&self, input: &CardUnbind, on_retry: &dyn Fn(u32, u32)) -> Result<Vec<CardView>, AppError> {
        let account = self.require_account()?;
        self.bank()?;
        let card = stored_card(&self.db(), account, input.card_id)?;
        accounts::check_pay_password(&self.db, account, input.pay_password.expose(), self.clock.now())?;
        self.revoke_and_unbind(&card, on_retry)?;
        binding::cards(&self.db(), account, self.clock.now())
    }
}

/// "Clear cache" for the cards of an account, in the caller's transaction: unfinished binding
/// attempts and verified edits abandoned, every card's status to be asked of the bank again.
/// Says how many of each.
pub(crate) fn clear_cached(db: &Connection, account: AccountId, now: Millis) -> Result<(u32, u32, u32), AppError> {
    let attempts = db.execute(
        "UPDATE binding_attempts SET stage = 'abandoned', failure = 'cache_cleared', updated_at = ?2
         WHERE account_id = ?1 AND stage IN ('verifying', 'token', 'otp', 'confirming')",
        params![account, now],
    )?;
    let updates = db.execute(
        "UPDATE card_updates SET stage = 'abandoned', failure = 'cache_cleared', updated_at = ?2
         WHERE account_id = ?1 AND stage IN ('verifying', 'otp', 'confirming')",
        params![account, now],
    )?;
    let statuses = db.execute(
        "UPDATE cards SET status_checked_at = NULL
         WHERE account_id = ?1 AND unbound_at IS NULL AND status_checked_at IS NOT NULL",
        [account],
    )?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok((count(attempts), count(updates), count(statuses)))
}

/// Removes the card data of a closed account, in the closing transaction: the card rows stay
/// (payments and the ledger refer to them) with nothing that identifies the card; the audit,
/// the edits, the binding attempts and failures go.
pub(crate) fn forget_account(db: &Connection, account: AccountId) -> Result<(), AppError> {
    db.execute(
        "UPDATE cards SET token = 'closed-' || id, nickname = '', fingerprint = 'closed-' || id, phone = NULL,
                expiry = NULL, bin = '000000', last4 = '0000'
         WHERE account_id = ?1",
        [account],
    )?;
    for sql in [
        "DELETE FROM card_audit WHERE account_id = ?1",
        "DELETE FROM card_updates WHERE account_id = ?1",
        "DELETE FROM binding_attempts WHERE account_id = ?1",
        "DELETE FROM bind_failures WHERE account_id = ?1",
    ] {
        db.execute(sql, [account])?;
    }
    Ok(())
}
