//! Recovering the payment password with a bound card: after the account phone's code, the
//! number of one of the person's bound cards, checked by its bank, and the bank's SMS code to
//! the card's reserved phone. With no card bound the recovery asks the ID number instead. The
//! recovery itself (its steps, codes and lockouts) is the accounts domain's; this is the card
//! step it cannot take without cards.

use crate::accounts::security::{self, Recovery, RecoveryCard, RecoveryCode, RecoveryRef, RecoveryStage, RecoveryStep};
use crate::bank::{BankFailure, HolderCheck, OtpSent};
use crate::cards::ops::Cards;
use crate::cards::{self, binding, manage};
use crate::platform::error::{AppError, ErrorCode};

impl Cards<'_> {
    /// The account phone's code: next, a bound card (or the ID number with no card bound).
    pub fn pay_recover_code(&self, input: &RecoveryCode) -> Result<RecoveryStep, AppError> {
        let (account, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::Otp)?;
        self.check_code(&r, &input.code)?;
        let next = if binding::live_card_count(&self.db(), account)? > 0 {
            RecoveryStage::Card
        } else {
            RecoveryStage::Identity
        };
        security::set_stage(&self.db(), &r.id, next.as_str(), self.clock.now())?;
        self.step(&r, next, &r.phone)
    }

    /// The number of one of the person's bound cards: the bank checks it and sends its SMS
    /// code to the card's reserved phone.
    pub fn pay_recover_card(
        &self,
        input: &RecoveryCard,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        let (account, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::Card)?;
        let pan = cards::parse_card_number(input.card_number.expose())?;
        let card = self.card_by_number(account, &pan)?;
        let (card_id, phone) = (card.id, card.phone);
        let link = self.bank()?;
        let check = HolderCheck { request_id: &r.id, token: &card.token, pan: pan.expose() };
        let session =
            self.call_bank(link, |o| link.bank.verify_holder(&check, o), on_retry).map_err(BankFailure::to_error)?;
        security::enter_card_step(&self.db(), &r.id, &session, card_id, self.clock.now())?;
        self.send_card_code(&r, &session, phone.as_deref(), on_retry)
    }

    /// Another bank SMS code for the card step, when the first did not arrive: the bank's own
    /// countdown applies (OTP_RESEND_TOO_SOON with `until` before it ends).
    pub fn pay_recover_card_resend(
        &self,
        input: &RecoveryRef,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        let (account, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::CardOtp)?;
        let session = r.bank_session.clone().unwrap_or_default();
        let card_id = r.card_id.ok_or_else(|| AppError::internal("a card step without its card"))?;
        let phone = manage::stored_card(&self.db(), account, card_id)?.phone;
        self.send_card_code(&r, &session, phone.as_deref(), on_retry)
    }

    /// Asks the bank to send its SMS code for the card (under `session`), and answers the
    /// card-code step as the bank set it: sent to the card's reserved phone, its expiry and when
    /// another may be asked for.
    fn send_card_code(
        &self,
        r: &Recovery,
        session: &str,
        phone: Option<&str>,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        let link = self.bank()?;
        let sent: OtpSent =
            self.call_bank(link, |o| link.bank.send_otp(session, o), on_retry).map_err(BankFailure::to_error)?;
        let mut step = self.step(r, RecoveryStage::CardOtp, phone.unwrap_or(&r.phone))?;
        step.resend_at = Some(sent.resend_at);
        step.code_expires_at = Some(sent.expires_at);
        Ok(step)
    }

    /// The bank's SMS code for that card.
    pub fn pay_recover_card_code(
        &self,
        input: &RecoveryCode,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<RecoveryStep, AppError> {
        let (_, r) = self.own_pay_recovery(&input.recovery_id, RecoveryStage::CardOtp)?;
        let code = cards::parse_code(input.code.expose(), ErrorCode::OtpInvalid)?;
        let session = r.bank_session.clone().unwrap_or_default();
        let link = self.bank()?;
        self.call_bank(link, |o| link.bank.confirm_update(&session, code.expose(), o), on_retry)
            .map_err(BankFailure::to_error)?;
        security::set_stage(&self.db(), &r.id, "new_password", self.clock.now())?;
        self.step(&r, RecoveryStage::NewPassword, &r.phone)
    }
}
