//! The bank's SMS-code flow, one state machine for binding a card and for the verified edits of
//! a bound card (a new reserved phone, a renewed expiry): the bank verifies the data, some
//! cards ask a dynamic token's code first, then an SMS code to the reserved phone confirms.
//!
//! The stages are typed and stored by name (`binding_attempts.stage`, `card_updates.stage`);
//! each step checks the stage it belongs to. The confirmation is written as `confirming` before
//! the bank is called, and whatever happens next is decided here once for both flows: a wrong
//! code goes back to `otp`, a locked code ends the flow, a fault stays `confirming`; at the next
//! start an interrupted confirmation is settled by asking the bank what became of it (which
//! spends no code try) — never by confirming again.

use crate::bank::{BankFailure, BankResult, SessionProblem};
use crate::platform::error::AppError;

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum CodeStage {
    /// The bank is checking the card data.
    Verifying,
    /// Waiting for the dynamic token's code.
    Token,
    /// Waiting for the SMS code.
    Otp,
    /// The SMS code was sent to the bank; its answer not yet applied.
    Confirming,
    /// A binding that ended with the card stored.
    Bound,
    /// An edit that ended with the new data saved.
    Done,
    /// Ended by the bank's refusal (the code locked, the data refused).
    Failed,
    /// Left, interrupted or cleared: nothing was changed.
    Abandoned,
}

crate::platform::storage::stored_as_text!(CodeStage);

/// What the bank's answer to a confirmation does to the flow, the same for both flows.
pub(crate) enum Confirmed<T> {
    /// Confirmed: the caller stores the result and ends the flow.
    Yes(T),
    /// Refused: the flow's next stage (`otp` to try again, `confirming` when the answer may
    /// hide a confirmation, `failed` when the code is locked) and the failure to report.
    No { next: CodeStage, failure: BankFailure },
}

/// The confirmation step: `mark` records `confirming` before `call` runs (a crash is then
/// settled at the next start), then the answer is sorted.
pub(crate) fn confirm<T>(
    mark: impl FnOnce(CodeStage) -> Result<(), AppError>,
    call: impl FnOnce() -> BankResult<T>,
) -> Result<Confirmed<T>, AppError> {
    mark(CodeStage::Confirming)?;
    Ok(match call() {
        Ok(v) => Confirmed::Yes(v),
        Err(f @ BankFailure::Session(SessionProblem::OtpLocked)) => {
            Confirmed::No { next: CodeStage::Failed, failure: f }
        }
        Err(f @ BankFailure::Session(_)) => Confirmed::No { next: CodeStage::Otp, failure: f },
        // A fault may hide a confirmation that happened: stay `confirming` so a retry (or the
        // next start) asks again under the same session.
        Err(f) => Confirmed::No { next: CodeStage::Confirming, failure: f },
    })
}

/// What the bank says of an interrupted confirmation.
pub(crate) enum BankSays {
    Confirmed,
    NotConfirmed,
}

/// What a start-up does with a flow it finds open.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Settle {
    /// The bank confirmed it: store the result.
    Finish,
    /// Nothing happened at the bank (or the flow never reached the confirmation): abandon it.
    Abandon,
    /// The bank did not answer: keep it `confirming` and ask again later.
    AskLater,
}

/// Settles a flow found open at start-up by its stage and, for a confirmation under way, the
/// bank's state query (`ask`, which spends no code try).
pub(crate) fn settle(stage: CodeStage, ask: impl FnOnce() -> BankResult<BankSays>) -> Settle {
    if stage != CodeStage::Confirming {
        return Settle::Abandon;
    }
    match ask() {
        Ok(BankSays::Confirmed) => Settle::Finish,
        Ok(BankSays::NotConfirmed) => Settle::Abandon,
        Err(_) => Settle::AskLater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Decline, Fault};

    #[test]
    fn a_confirmation_is_marked_before_the_call_and_sorted_by_the_answer() {
        let marked = std::cell::Cell::new(None);
        let mark = |s| {
            marked.set(Some(s));
            Ok(())
        };
        assert!(matches!(confirm(mark, || Ok(7)), Ok(Confirmed::Yes(7))));
        assert_eq!(marked.get(), Some(CodeStage::Confirming));
        let next = |f: BankFailure| match confirm(|_| Ok(()), || Err::<(), _>(f)).unwrap() {
            Confirmed::No { next, .. } => next,
            Confirmed::Yes(()) => unreachable!(),
        };
        assert_eq!(next(BankFailure::Session(SessionProblem::OtpInvalid { tries_left: 2 })), CodeStage::Otp);
        assert_eq!(next(BankFailure::Session(SessionProblem::OtpLocked)), CodeStage::Failed);
        assert_eq!(next(BankFailure::Fault(Fault::Timeout)), CodeStage::Confirming);
        assert_eq!(next(BankFailure::Declined(Decline::NoSuchCard)), CodeStage::Confirming);
    }

    #[test]
    fn only_an_interrupted_confirmation_asks_the_bank() {
        let never = || -> BankResult<BankSays> { panic!("asked the bank") };
        assert_eq!(settle(CodeStage::Otp, never), Settle::Abandon);
        assert_eq!(settle(CodeStage::Verifying, never), Settle::Abandon);
        assert_eq!(settle(CodeStage::Confirming, || Ok(BankSays::Confirmed)), Settle::Finish);
        assert_eq!(settle(CodeStage::Confirming, || Ok(BankSays::NotConfirmed)), Settle::Abandon);
        assert_eq!(settle(CodeStage::Confirming, || Err(BankFailure::Fault(Fault::Offline))), Settle::AskLater);
    }
}
