//! Card verification and sessions: the bank's decisions on a card (state, expiry and CVV,
//! holder data, version), binding and update sessions, OTPs and tokens, and the answers of the
//! verification half of the bank port.

use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use tongbao_core::bank::{
    version_at_least, AccountClass, BankAccount, BankFailure, BankResult, Binding, BindingState, CallOptions,
    CardStatus, Decline, Fault, HolderCheck, Last4, OtpSent, SessionProblem, UpdateCard, UpdateState, Verified,
    VerifyCard,
};
use tongbao_core::cards::Expiry;
use tongbao_core::platform::clock::{shanghai_date, shanghai_day_start, DAY, MINUTE};

use crate::bank::{bank_name, random_hex, storage_failure, MockBank, OTP_RESEND_AFTER, OTP_TRIES, OTP_TTL};
use crate::store::{session_in, CardRow, SessionRow};
use crate::totp;

/// Whether the card itself can be used: not lost, activated, not frozen.
pub(crate) fn card_state(card: &CardRow) -> Result<(), Decline> {
    if card.stolen {
        return Err(Decline::Stolen);
    }
    if card.lost {
        return Err(Decline::Lost);
    }
    if !card.activated {
        return Err(Decline::NotActivated);
    }
    if card.frozen {
        return Err(Decline::Restricted);
    }
    Ok(())
}

/// The issuers this bank switch reaches.
const SUPPORTED_ISSUERS: [&str; 5] = ["ICBC", "CCB", "ABC", "BOC", "CMB"];

pub(crate) const UNKNOWN_SESSION: BankFailure = BankFailure::Session(SessionProblem::Unknown);

/// The bank's cap on a card's quick-pay agreements with payment institutions.
pub const MAX_AGREEMENTS: i64 = 5;

/// The 15-digit form of an 18-digit resident ID (the form issued before 1999): without the
/// century of the birth year and without the check digit.
pub(crate) fn id15_of(id18: &str) -> Option<String> {
    (id18.len() == 18 && id18.is_ascii()).then(|| format!("{}{}", &id18[..6], &id18[8..17]))
}

/// The account behind a card as the bank tells a wallet at binding: its class and limits.
pub(crate) fn account_in(db: &Connection, card_id: &str) -> BankResult<BankAccount> {
    db.query_row(
        "SELECT account_class = 'II', single_limit_fen, daily_limit_fen FROM cards WHERE id = ?1",
        [card_id],
        |r| {
            Ok(BankAccount {
                class: if r.get(0)? { AccountClass::ClassII } else { AccountClass::ClassI },
                single_limit_fen: Some(r.get(1)?),
                daily_limit_fen: Some(r.get(2)?),
            })
        },
    )
    .map_err(storage_failure)
}

impl MockBank {
    /// A bank in its nightly maintenance window answers every request about the card 91,
    /// saying when the window ends.
    pub(crate) fn in_maintenance(&self, card: &CardRow) -> BankResult<()> {
        let Some((from, to)) = card.maintenance else { return Ok(()) };
        let now = self.clock.now();
        let day = shanghai_day_start(now);
        let minute = (now - day) / MINUTE;
        let until = match (from <= to, minute >= from, minute < to) {
            (true, true, true) => day + to * MINUTE,
            (false, true, _) => day + DAY + to * MINUTE,
            (false, false, true) => day + to * MINUTE,
            _ => return Ok(()),
        };
        Err(BankFailure::Maintenance { until })
    }

    /// The checks every request about a card starts with: the client's version and the card's
    /// state at the bank.
    pub(crate) fn decide_card(&self, client_version: &str, card: &CardRow) -> Result<(), Decline> {
        if !version_at_least(client_version, &self.version_floor()) {
            return Err(Decline::UpgradeRequired);
        }
        // The switch routes only the five issuers' cards (15); a prepaid product is not allowed
        // for quick pay (57) — what the bank says when the BIN alone did not tell.
        if !SUPPORTED_ISSUERS.contains(&card.bank.as_str()) {
            return Err(Decline::BankNotSupported);
        }
        if card.prepaid {
            return Err(Decline::TypeNotSupported);
        }
        card_state(card)
    }

    /// A credit card's expiry and CVV as typed against the ones in force today.
    pub(crate) fn decide_expiry_cvv(
        &self,
        card: &CardRow,
        expiry: Option<Expiry>,
        cvv: Option<&str>,
    ) -> Result<(), Decline> {
        let now = self.clock.now();
        let (current, current_cvv) = card.current_expiry_cvv(shanghai_date(now));
        if current.is_some_and(|e| e.has_passed(now)) {
            return Err(Decline::CardExpired);
        }
        if expiry != current {
            return Err(Decline::ExpiryMismatch);
        }
        if cvv != current_cvv {
            return Err(Decline::CvvMismatch);
        }
        Ok(())
    }

    /// The bank's decision on a verification request.
    pub(crate) fn decide(&self, req: &VerifyCard<'_>, card: &CardRow) -> Result<(), BankFailure> {
        if let Some(new_last4) = card.replaced_by_last4.as_deref().and_then(Last4::of) {
            return Err(BankFailure::Replaced { new_last4 });
        }
        self.decide_card(req.client_version, card)?;
        if req.holder_name != card.holder_name || req.holder_id != card.holder_id {
            // The right person whose record still has the 15-digit ID of before 1999.
            let outdated =
                req.holder_name == card.holder_name && id15_of(req.holder_id) == Some(card.holder_id.clone());
            return Err(if outdated { Decline::HolderIdOutdated } else { Decline::HolderMismatch }.into());
        }
        if card.credit {
            self.decide_expiry_cvv(card, req.expiry, req.cvv)?;
        }
        self.decide_epay(card)?;
        if req.phone != card.reserved_phone {
            return Err(if card.payroll { Decline::PayrollPhone } else { Decline::PhoneMismatch }.into());
        }
        if card.other_agreements >= MAX_AGREEMENTS {
            return Err(Decline::AgreementLimit.into());
        }
        Ok(())
    }

    /// Whether the card may pay online at all: e-payment (快捷支付) and card-not-present
    /// payments (无卡支付) enabled.
    fn decide_epay(&self, card: &CardRow) -> Result<(), Decline> {
        if !card.epay_enabled {
            return Err(Decline::EpayDisabled);
        }
        if !card.non_counter_enabled {
            return Err(Decline::NonCounterDisabled);
        }
        Ok(())
    }

    /// The bank's decision on new data for a bound card.
    pub(crate) fn decide_update(&self, req: &UpdateCard<'_>, card: &CardRow) -> Result<(), Decline> {
        self.decide_card(req.client_version, card)?;
        if req.expiry.is_some() || req.cvv.is_some() {
            if !card.credit {
                return Err(Decline::ExpiryMismatch);
            }
            self.decide_expiry_cvv(card, req.expiry, req.cvv)?;
        }
        self.decide_epay(card)?;
        if req.phone.is_some_and(|p| p != card.reserved_phone) {
            return Err(Decline::PhoneMismatch);
        }
        Ok(())
    }

    /// A card's status; `renewal_ack`: the agreement has taken the renewed expiry/CVV.
    pub(crate) fn status_of(&self, c: &CardRow, renewal_ack: bool) -> CardStatus {
        let now = self.clock.now();
        let renewed = c.renewal.as_ref().is_some_and(|(on, _, _)| shanghai_date(now) >= *on);
        if c.replaced_by_last4.is_some() {
            CardStatus::Replaced
        } else if c.lost || c.stolen {
            CardStatus::Lost
        } else if !c.activated {
            CardStatus::NotActivated
        } else if c.frozen {
            CardStatus::Frozen
        } else if !c.epay_enabled || !c.non_counter_enabled {
            CardStatus::EpayDisabled
        } else if renewed && !renewal_ack {
            CardStatus::Renewed
        } else if c.current_expiry_cvv(shanghai_date(now)).0.is_some_and(|e| e.has_passed(now)) {
            CardStatus::Expired
        } else {
            CardStatus::Active
        }
    }

    /// The active agreement's card and whether it has taken the renewal.
    pub(crate) fn agreement_card(&self, token: &str) -> Option<(CardRow, bool)> {
        let (card_id, ack): (String, bool) = self
            .db()
            .query_row("SELECT card_id, renewal_ack FROM agreements WHERE token = ?1 AND active = 1", [token], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .ok()
            .flatten()?;
        Some((self.card_by_id(&card_id)?, ack))
    }

    /// The session `request_id` opened before — the same attempt asking again gets the same
    /// session (idempotency key) — or a new one: a binding's, or with `update` (agreement token,
    /// renewed expiry) a change to a bound card.
    pub(crate) fn session_for(
        &self,
        request_id: &str,
        card_id: &str,
        needs_token: bool,
        update: Option<(&str, Option<String>)>,
    ) -> Result<String, BankFailure> {
        let db = self.db();
        let existing: Option<String> = db
            .query_row("SELECT id FROM sessions WHERE request_id = ?1", [request_id], |r| r.get(0))
            .optional()
            .map_err(storage_failure)?;
        if let Some(s) = existing {
            return Ok(s);
        }
        let (update_token, new_expiry) = update.map_or((None, None), |(t, e)| (Some(t), e));
        let s = random_hex(12);
        db.execute(
            "INSERT INTO sessions (id, request_id, card_id, needs_token, created_at, update_token, new_expiry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s, request_id, card_id, needs_token, self.clock.now(), update_token, new_expiry],
        )
        .map_err(storage_failure)?;
        Ok(s)
    }

    pub(crate) fn session(&self, id: &str) -> Option<SessionRow> {
        session_in(&self.db(), id)
    }

    /// The SMS code of a session: expiry, tries (3 wrong void the session). A wrong code is
    /// counted in one statement, so parallel guesses never get more wrong answers than tries.
    pub(crate) fn check_otp(&self, db: &Connection, session: &str, s: &SessionRow, otp: &str) -> BankResult<()> {
        if s.void {
            return Err(BankFailure::Session(SessionProblem::OtpLocked));
        }
        let (Some(expected), Some(expires)) = (s.otp.as_deref(), s.otp_expires) else {
            return Err(BankFailure::Session(SessionProblem::OtpExpired));
        };
        if self.clock.now() >= expires {
            return Err(BankFailure::Session(SessionProblem::OtpExpired));
        }
        if otp == expected {
            return Ok(());
        }
        let left: Option<i64> = db
            .query_row(
                "UPDATE sessions SET otp_tries_left = otp_tries_left - 1, void = (otp_tries_left - 1 <= 0)
                 WHERE id = ?1 AND void = 0 AND otp_tries_left > 0 RETURNING otp_tries_left",
                [session],
                |r| r.get(0),
            )
            .optional()
            .map_err(storage_failure)?;
        Err(BankFailure::Session(match left {
            Some(left) if left > 0 => SessionProblem::OtpInvalid { tries_left: left as u8 },
            _ => SessionProblem::OtpLocked,
        }))
    }

    pub(crate) fn on_verify_card(&self, req: &VerifyCard<'_>, opts: CallOptions) -> BankResult<Verified> {
        let card = self.card_by_number(req.pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if self.busy_first(&card) {
                return Err(BankFailure::Fault(Fault::Busy));
            }
            self.in_maintenance(&card)?;
            if card.system_error {
                return Err(BankFailure::Fault(Fault::SystemError));
            }
            self.decide(req, &card)?;
            let session = self.session_for(req.request_id, &card.id, card.totp_secret.is_some(), None)?;
            Ok(if card.totp_secret.is_some() {
                Verified::TokenRequired { session }
            } else {
                Verified::Approved { session }
            })
        })
    }

    pub(crate) fn on_verify_token(&self, session: &str, code: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            let s = self.session(session).filter(|s| !s.void).ok_or(UNKNOWN_SESSION)?;
            let card = self.card_by_id(&s.card_id).ok_or(UNKNOWN_SESSION)?;
            let key = card.totp_secret.as_deref().and_then(totp::base32_decode).ok_or(UNKNOWN_SESSION)?;
            if !totp::verify(&key, code, self.clock.now()) {
                return Err(BankFailure::Session(SessionProblem::TokenInvalid));
            }
            self.db().execute("UPDATE sessions SET token_ok = 1 WHERE id = ?1", [session]).map_err(storage_failure)?;
            Ok(())
        })
    }

    pub(crate) fn on_send_otp(&self, session: &str, opts: CallOptions) -> BankResult<OtpSent> {
        self.transport(opts, false, || {
            let now = self.clock.now();
            let s = self.session(session).filter(|s| !s.void).ok_or(UNKNOWN_SESSION)?;
            if s.needs_token && !s.token_ok {
                return Err(BankFailure::Session(SessionProblem::TokenInvalid));
            }
            if let Some(sent) = s.otp_sent_at {
                if now < sent + OTP_RESEND_AFTER {
                    return Err(BankFailure::Session(SessionProblem::ResendTooSoon {
                        resend_at: sent + OTP_RESEND_AFTER,
                    }));
                }
            }
            let card = self.card_by_id(&s.card_id).ok_or(UNKNOWN_SESSION)?;
            let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
            let last4 = self
                .db()
                .query_row("SELECT substr(number, -4) FROM cards WHERE id = ?1", [&card.id], |r| r.get::<_, String>(0))
                .unwrap_or_default();
            let holder_check: bool = self
                .db()
                .query_row("SELECT purpose = 'holder' FROM sessions WHERE id = ?1", [session], |r| {
                    r.get::<_, Option<bool>>(0)
                })
                .ok()
                .flatten()
                .unwrap_or(false);
            let purpose = if holder_check {
                format!("您正在通宝钱包验证尾号{last4}的银行卡以重置支付密码")
            } else if s.update_token.is_some() {
                format!("您正在修改尾号{last4}的银行卡在通宝钱包的绑定信息")
            } else {
                format!("您正在将尾号{last4}的银行卡绑定到通宝钱包")
            };
            let text = format!("【{}】验证码 {code}，5分钟内有效。{purpose}，请勿泄露给他人。", bank_name(&card.bank));
            let db = self.db();
            db.execute(
                "UPDATE sessions SET otp = ?2, otp_expires = ?3, otp_sent_at = ?4, otp_tries_left = ?5 WHERE id = ?1",
                params![session, code, now + OTP_TTL, now, OTP_TRIES],
            )
            .and_then(|_| {
                db.execute(
                    "INSERT INTO sms (phone, text, at) VALUES (?1, ?2, ?3)",
                    params![card.reserved_phone, text, now],
                )
            })
            .map_err(storage_failure)?;
            drop(db);
            self.sms_arrived();
            Ok(OtpSent { expires_at: now + OTP_TTL, resend_at: now + OTP_RESEND_AFTER })
        })
    }

    pub(crate) fn on_confirm_binding(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<Binding> {
        self.transport(opts, false, || {
            let now = self.clock.now();
            // One transaction: two confirmations at once make one agreement, never two.
            self.in_tx(|db| {
                let s = session_in(db, session).filter(|s| s.update_token.is_none()).ok_or(UNKNOWN_SESSION)?;
                if let Some(token) = s.agreement {
                    let account = account_in(db, &s.card_id)?;
                    return Ok(Binding { token, account }); // already confirmed: the original answer (94)
                }
                self.check_otp(db, session, &s, otp)?;
                let token = format!("AGR{}", random_hex(10).to_uppercase());
                db.execute(
                    "INSERT INTO agreements (token, card_id, active, created_at) VALUES (?1, ?2, 1, ?3)",
                    params![token, s.card_id, now],
                )
                .and_then(|_| {
                    db.execute("UPDATE sessions SET agreement = ?2, otp = NULL WHERE id = ?1", params![session, token])
                })
                .map_err(storage_failure)?;
                Ok(Binding { token, account: account_in(db, &s.card_id)? })
            })
        })
    }

    pub(crate) fn on_verify_update(&self, req: &UpdateCard<'_>, opts: CallOptions) -> BankResult<String> {
        let found = self.agreement_card(req.token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            self.decide_update(req, &card).map_err(BankFailure::Declined)?;
            self.session_for(req.request_id, &card.id, false, Some((req.token, req.expiry.map(Expiry::printed))))
        })
    }

    pub(crate) fn on_confirm_update(&self, session: &str, otp: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            self.in_tx(|db| {
                let s = session_in(db, session).ok_or(UNKNOWN_SESSION)?;
                let token = s.update_token.clone().ok_or(UNKNOWN_SESSION)?;
                if s.agreement.is_some() {
                    return Ok(()); // already confirmed: the original answer (94)
                }
                self.check_otp(db, session, &s, otp)?;
                db.execute(
                    "UPDATE agreements SET renewal_ack = renewal_ack OR ?2 WHERE token = ?1",
                    params![token, s.new_expiry.is_some()],
                )
                .and_then(|_| {
                    db.execute("UPDATE sessions SET agreement = ?2, otp = NULL WHERE id = ?1", params![session, token])
                })
                .map_err(storage_failure)?;
                Ok(())
            })
        })
    }

    pub(crate) fn on_verify_holder(&self, req: &HolderCheck<'_>, opts: CallOptions) -> BankResult<String> {
        let found = self.agreement_card(req.token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            let number: String = self
                .db()
                .query_row("SELECT number FROM cards WHERE id = ?1", [&card.id], |r| r.get(0))
                .map_err(storage_failure)?;
            if number != req.pan {
                return Err(BankFailure::Declined(Decline::NoSuchCard));
            }
            card_state(&card).map_err(BankFailure::Declined)?;
            let session = self.session_for(req.request_id, &card.id, false, Some((req.token, None)))?;
            self.db()
                .execute("UPDATE sessions SET purpose = 'holder' WHERE id = ?1", [&session])
                .map_err(storage_failure)?;
            Ok(session)
        })
    }

    pub(crate) fn on_binding_state(&self, request_id: &str, opts: CallOptions) -> BankResult<BindingState> {
        self.transport(opts, false, || {
            let db = self.db();
            let found: Option<(Option<String>, bool, String)> = db
                .query_row(
                    "SELECT s.agreement, coalesce(a.active, 0), s.card_id FROM sessions s
                     LEFT JOIN agreements a ON a.token = s.agreement
                     WHERE s.request_id = ?1 AND s.update_token IS NULL",
                    [request_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(storage_failure)?;
            Ok(match found {
                None => BindingState::NotFound,
                Some((Some(token), true, card)) => BindingState::Bound { token, account: account_in(&db, &card)? },
                Some(_) => BindingState::NotBound,
            })
        })
    }

    pub(crate) fn on_update_state(&self, session: &str, opts: CallOptions) -> BankResult<UpdateState> {
        self.transport(opts, false, || {
            let found: Option<Option<String>> = self
                .db()
                .query_row(
                    "SELECT agreement FROM sessions WHERE id = ?1 AND update_token IS NOT NULL",
                    [session],
                    |r| r.get(0),
                )
                .optional()
                .map_err(storage_failure)?;
            Ok(match found {
                None => UpdateState::NotFound,
                Some(None) => UpdateState::Pending,
                Some(Some(_)) => UpdateState::Confirmed,
            })
        })
    }

    pub(crate) fn on_token_status(&self, token: &str, opts: CallOptions) -> BankResult<CardStatus> {
        let found = self.agreement_card(token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || match found {
            Some((c, ack)) => self.in_maintenance(&c).map(|()| self.status_of(&c, ack)),
            None => Ok(CardStatus::Unknown),
        })
    }

    pub(crate) fn on_card_status(&self, pan: &str, opts: CallOptions) -> BankResult<CardStatus> {
        let card = self.card_by_number(pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        // By number there is no agreement: a renewal in force is reported as such.
        self.transport(opts, never, || match card {
            Some(c) => self.in_maintenance(&c).map(|()| self.status_of(&c, false)),
            None => Ok(CardStatus::Unknown),
        })
    }

    pub(crate) fn on_revoke_token(&self, token: &str, opts: CallOptions) -> BankResult<()> {
        self.transport(opts, false, || {
            self.db()
                .execute("UPDATE agreements SET active = 0 WHERE token = ?1", [token])
                .map(|_| ())
                .map_err(storage_failure)
        })
    }
}
