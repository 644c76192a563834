//! The facade's cards commands, each forwarded to its operation in `crate::cards`.

use super::Wallet;
use crate::cards::audit::AuditEntry;
use crate::cards::binding::{BindStart, BindStep, CardRecognition, CardView};
use crate::cards::manage::{CardDetail, CardRef, CardRename, CardUnbind, CardUpdate};
use crate::platform::error::AppError;
use crate::platform::secrets::SecretString;

impl Wallet {
    /// The bank and card type of a number being typed (from 6 digits on), or None.
    pub fn recognise_card(&self, partial_number: &str) -> Option<CardRecognition> {
        self.svc.recognise_card(partial_number)
    }

    /// The signed-in person's bound cards, default first.
    pub fn cards(&self) -> Result<Vec<CardView>, AppError> {
        self.svc.cards()
    }

    /// Checks the form, the wallet's rules (cap, duplicate, cooldown), records the attempt and
    /// asks the bank to verify the card; then sends the SMS code unless a token comes first.
    pub fn bind_start(&self, input: &BindStart, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        self.svc.bind_start(input, on_retry)
    }

    /// The dynamic token's code; then the SMS code is sent.
    pub fn bind_token(
        &self,
        attempt_id: &str,
        code: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<BindStep, AppError> {
        self.svc.bind_token(attempt_id, code, on_retry)
    }

    /// Sends a new SMS code (after the 60 s countdown).
    pub fn bind_resend(&self, attempt_id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        self.svc.bind_resend(attempt_id, on_retry)
    }

    /// The SMS code: the bank binds the card and the wallet stores it.
    pub fn bind_confirm(
        &self,
        attempt_id: &str,
        otp: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<CardView, AppError> {
        self.svc.bind_confirm(attempt_id, otp, on_retry)
    }

    /// A card with its audit log.
    pub fn card_detail(&self, card_id: i64) -> Result<CardDetail, AppError> {
        self.svc.card_detail(card_id)
    }

    /// The account's audit log, newest first (cards bound, changed, unbound, failed attempts).
    pub fn account_audit(&self) -> Result<Vec<AuditEntry>, AppError> {
        self.svc.account_audit()
    }

    /// Renames a card at once (trimmed, at most 20 characters; empty clears it).
    pub fn rename_card(&self, input: &CardRename) -> Result<CardView, AppError> {
        self.svc.rename_card(input)
    }

    /// Makes a card the default, at once.
    pub fn set_default_card(&self, input: &CardRef) -> Result<Vec<CardView>, AppError> {
        self.svc.set_default_card(input)
    }

    /// Asks the bank for the status of each card not asked within [`STATUS_TTL`] and keeps what
    /// it says (a renewed card turns 待验证).
    pub fn refresh_card_statuses(&self) -> Result<Vec<CardView>, AppError> {
        self.svc.refresh_card_statuses()
    }

    /// Checks the new data with the bank, then has it send an SMS code to the card's reserved
    /// phone.
    pub fn card_update_start(&self, input: &CardUpdate, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        self.svc.card_update_start(input, on_retry)
    }

    /// Sends a new SMS code for a change (after the 60 s countdown).
    pub fn card_update_resend(&self, update_id: &str, on_retry: &dyn Fn(u32, u32)) -> Result<BindStep, AppError> {
        self.svc.card_update_resend(update_id, on_retry)
    }

    /// The SMS code: the bank confirms and the wallet saves the new data.
    pub fn card_update_confirm(
        &self,
        update_id: &str,
        otp: &SecretString,
        on_retry: &dyn Fn(u32, u32),
    ) -> Result<CardView, AppError> {
        self.svc.card_update_confirm(update_id, otp, on_retry)
    }

    /// Unbinds a card: the payment password (with its lockout), the bank revokes the token, then
    /// the card leaves the list (its history and audit stay) and the default moves to the
    /// earliest-bound remaining card, or to none.
    pub fn unbind_card(&self, input: &CardUnbind, on_retry: &dyn Fn(u32, u32)) -> Result<Vec<CardView>, AppError> {
        self.svc.unbind_card(input, on_retry)
    }
}
