//! The binding flow as operations on [`Services`]: recognise the card, check the wallet's
//! rules, record the attempt, verify at the bank, send and confirm the code. The rules and
//! what is stored are in [`crate::cards::binding`].

//! The wallet facade: the one object the Tauri shell holds. Each public method is one IPC
//! command's worth of work, takes the time from the clock port, and checks the session itself.
//!
//! Methods block (Argon2, SQLite): the shell calls them off the async workers.

use crate::accounts::{self, validate};
use crate::bank::{BankFailure, CallOptions, VerifyCard};
use crate::cards;
use crate::cards::binding::{self, BindStage, BindStart, BindStep, CardRecognition, CardView};
use crate::cards::code_flow::{self, CodeStage, Confirmed};
use crate::cards::ops::Cards;
use crate::platform::error::{AppError, ErrorCode};
use crate::platform::secrets::SecretString;
use crate::services::{new_attempt_id, BankLink, Services};

/// Binding a card (docs/features.md, binding a card). `on_retry(n, max)` is told before each automatic retry.
impl Services {
    fn send_code(
        &self,
        account: accounts::AccountId,
        link: &BankLink,
        attempt_id: &str,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BindStep, AppError> {
        let (session, phone, fp) = {
            let a = binding::open_attempt(&self.db(), account, attempt_id)?;
            (a.bank_session.unwrap_or_default(), a.phone, a.fingerprint)
        };
        let sent = self
            .call_bank(link, |o| link.bank.send_otp(&session, o), on_retry)
            .map_err(|f| self.attempt_failed(account, attempt_id, &fp, f, false))?;
        Ok(BindStep {
            attempt_id: attempt_id.to_owned(),
            stage: BindStage::Otp,
            phone_masked: accounts::mask_phone(&phone),
            otp_expires_at: Some(sent.expires_at),
            resend_at: Some(sent.resend_at),
            issued_at: self.clock.now(),
        })
    }

    /// Turns a bank failure into the catalogue error, counting it toward the cooldown when it
    /// was the person's (a decline or a wrong code), and ending the attempt when `terminal`.
    fn attempt_failed(
        &self,
        account: accounts::AccountId,
        attempt_id: &str,
        fp: &str,
        f: BankFailure,
        terminal: bool,
    ) -> AppError {
        let e = f.to_error();
        let now = self.clock.now();
        let db = self.db();
        let record = || -> Result<(), AppError> {
            if binding::counts_toward_cooldown(&f) {
                binding::record_failure(&db, account, fp, e.code, now)?;
            }
            if terminal {
                binding::set_stage(&db, attempt_id, CodeStage::Failed, None, Some(e.code.as_str()), now)?;
            }
            crate::cards::audit::record_attempt_failure(&db, attempt_id, &e, now)?;
            Ok(())
        };
        if let Err(storage) = record() {
            tracing::error!(code = storage.code.as_str(), "could not record a failed binding attempt");
        }
        tracing::info!(attempt = %attempt_id, code = e.code.as_str(), "binding attempt failed");
        e
    }
}

impl Cards<'_> {
    /// The bank and card type of a number being typed (from 6 digits on), or None.
    pub fn recognise_card(&self, partial_number: &str) -> Option<CardRecognition> {
        cards::recognise(partial_number).map(CardRecognition::from)
    }

    /// The signed-in person's bound cards, default first.
    pub fn list(&self) -> Result<Vec<CardView>, AppError> {
        let account = self.require_account()?;
        binding::cards(&self.db(), account, self.clock.now())
    }

    /// Checks the form, the wallet's rules (cap, duplicate, cooldown), records the attempt and
    /// asks the bank to verify the card; then sends the SMS code unless a token comes first.
    pub fn bind_start(&self, input: &BindStart, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        // Bindings an earlier crash left unreconciled (the bank was unreachable then): settle
        // them first, so the same card never gets a second agreement.
        let opts = CallOptions { timeout_ms: link.policy.timeout_ms };
        binding::resume(&|| self.db(), link.bank.as_ref(), opts, self.clock.now(), Some(account))?;
        if !input.agree {
            return Err(AppError::new(ErrorCode::ConsentRequired, "accept the quick-pay terms to bind a card"));
        }
        let pan = cards::parse_card_number(input.number.expose())?;
        // Credit and quasi-credit cards: the expiry and CVV2 the bank checks; debit: neither.
        let (expiry, cvv) = if pan.info.kind.needs_expiry() {
            (
                Some(cards::parse_expiry(input.expiry.as_deref().unwrap_or(""))?),
                Some(cards::parse_cvv(input.cvv.as_ref().map(SecretString::expose).unwrap_or(""))?),
            )
        } else {
            (None, None)
        };
        let phone = validate::phone(&input.phone)?;
        let nickname: String = input.nickname.as_deref().unwrap_or("").trim().chars().take(20).collect();
        let fp = binding::fingerprint(&self.fingerprint_key, &pan);
        let now = self.clock.now();
        let attempt_id = new_attempt_id();
        let (holder_name, holder_id) = {
            let db = self.db();
            if binding::already_bound(&db, account, &fp)? {
                return Err(AppError::new(ErrorCode::CardAlreadyBound, "this card is already bound to this account"));
            }
            if binding::live_card_count(&db, account)? >= binding::MAX_CARDS {
                return Err(AppError::new(ErrorCode::CardLimitReached, "an account holds at most 10 cards"));
            }
            if let Some(until) = binding::cooldown_until(&db, account, &fp, now)? {
                return Err(
                    AppError::new(ErrorCode::BindCooldown, "too many failed attempts for this card").until(until)
                );
            }
            let attempt = binding::NewAttempt {
                id: &attempt_id,
                account,
                fingerprint: &fp,
                pan: &pan,
                expiry,
                phone: &phone,
                nickname: &nickname,
            };
            binding::insert_attempt(&db, &attempt, now)?;
            accounts::holder(&db, account)?
        };
        let req = VerifyCard {
            pan: pan.expose(),
            holder_name: &holder_name,
            holder_id: &holder_id,
            phone: &phone,
            expiry,
            cvv: cvv.as_ref().map(|c| c.expose()),
            client_version: &link.client_version,
            request_id: &attempt_id,
        };
        let verified = self.call_bank(link, |o| link.bank.verify_card(&req, o), on_retry);
        drop(cvv); // zeroized: the CVV is never needed again
        let verified = verified.map_err(|f| self.attempt_failed(account, &attempt_id, &fp, f, true))?;
        let (needs_token, session) = binding::needs_token(&verified);
        tracing::info!(attempt = %attempt_id, bank = pan.info.bank.code(), needs_token, "card verified by the bank");
        if needs_token {
            binding::set_stage(&self.db(), &attempt_id, CodeStage::Token, Some(session), None, self.clock.now())?;
            return Ok(BindStep {
                attempt_id,
                stage: BindStage::Token,
                phone_masked: accounts::mask_phone(&phone),
                otp_expires_at: None,
                resend_at: None,
                issued_at: self.clock.now(),
            });
        }
        binding::set_stage(&self.db(), &attempt_id, CodeStage::Otp, Some(session), None, self.clock.now())?;
        self.send_code(account, link, &attempt_id, on_retry)
    }

    /// The dynamic token's code; then the SMS code is sent.
    pub fn bind_token(
        &self,
        attempt_id: &str,
        code: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage != CodeStage::Token {
            return Err(AppError::new(ErrorCode::TokenInvalid, "this attempt is not waiting for a token code"));
        }
        let code = cards::parse_code(code.expose(), ErrorCode::TokenInvalid)?;
        let session = a.bank_session.clone().unwrap_or_default();
        self.call_bank(link, |o| link.bank.verify_token(&session, code.expose(), o), on_retry)
            .map_err(|f| self.attempt_failed(account, &a.id, &a.fingerprint, f, false))?;
        binding::set_stage(&self.db(), &a.id, CodeStage::Otp, None, None, self.clock.now())?;
        self.send_code(account, link, &a.id, on_retry)
    }

    /// Sends a new SMS code (after the 60 s countdown).
    pub fn bind_resend(&self, attempt_id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage != CodeStage::Otp {
            return Err(AppError::new(ErrorCode::OtpExpired, "this attempt is not waiting for an SMS code"));
        }
        self.send_code(account, link, &a.id, on_retry)
    }

    /// The SMS code: the bank binds the card and the wallet stores it.
    pub fn bind_confirm(
        &self,
        attempt_id: &str,
        otp: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<CardView, AppError> {
        let account = self.require_account()?;
        let link = self.bank()?;
        let a = binding::open_attempt(&self.db(), account, attempt_id)?;
        if a.stage == CodeStage::Token {
            return Err(AppError::new(ErrorCode::TokenRequired, "enter the dynamic token's code first"));
        }
        let code = cards::parse_code(otp.expose(), ErrorCode::OtpInvalid)?;
        let session = a.bank_session.clone().unwrap_or_default();
        let mark = |stage| binding::set_stage(&self.db(), &a.id, stage, None, None, self.clock.now());
        match code_flow::confirm(mark, || {
            self.call_bank(link, |o| link.bank.confirm_binding(&session, code.expose(), o), on_retry)
        })? {
            Confirmed::Yes(b) => {
                let card_id = binding::complete(&mut self.db(), &a, &b, self.clock.now())?;
                tracing::info!(attempt = %a.id, card = card_id, "card bound");
                self.list()?
                    .into_iter()
                    .find(|c| c.id == card_id)
                    .ok_or_else(|| AppError::internal("the bound card is missing"))
            }
            Confirmed::No { next, failure } => {
                if next == CodeStage::Otp {
                    binding::set_stage(&self.db(), &a.id, next, None, None, self.clock.now())?;
                } else if next == CodeStage::Confirming {
                    binding::mark_to_reconcile(&self.db(), &a.id, self.clock.now())?;
                }
                Err(self.attempt_failed(account, &a.id, &a.fingerprint, failure, next == CodeStage::Failed))
            }
        }
    }
}
