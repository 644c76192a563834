//! Money at the bank: debits (limits, frequency, balance, expiry), credits, the payee check,
//! inquiries by idempotency key, and the balances tests read.

use crate::store::CardRow;
use chrono::Datelike;
use rusqlite::{params, Connection, OptionalExtension};
use tongbao_core::bank::{
    BankFailure, BankResult, BankTxn, CallOptions, CreditTo, Decline, Fault, PayeeChecked, PayeeOutcome, Statement,
    TxnState,
};
use tongbao_core::platform::clock::{shanghai_date, shanghai_day_start, Millis, SECOND};

use crate::bank::{random_hex, storage_failure, MockBank};
use crate::verify::card_state;

/// Debits of one card allowed within [`FREQUENCY_WINDOW`] before ISO 65.
pub const MAX_DEBITS_PER_WINDOW: i64 = 5;
pub const FREQUENCY_WINDOW: Millis = 60 * SECOND;

/// Characters that stand for each other in a name as people type it: the financial forms of
/// the numerals (五 / 伍) and homophones common in names (章 / 张). A name with one of these in
/// place of the holder's is a close match; any other difference (王六 for 王五) is not.
const VARIANTS: &[(char, char)] = &[
    ('一', '壹'),
    ('二', '贰'),
    ('三', '叁'),
    ('四', '肆'),
    ('五', '伍'),
    ('六', '陆'),
    ('七', '柒'),
    ('八', '捌'),
    ('九', '玖'),
    ('十', '拾'),
    ('张', '章'),
    ('王', '汪'),
    ('林', '琳'),
    ('明', '铭'),
    ('丽', '莉'),
    ('红', '虹'),
    ('伟', '玮'),
    ('静', '婧'),
];

/// The name given against the holder's: the same; one character replaced by its variant (a
/// close match: the bank shows the holder's name masked); or neither (None: no match).
pub(crate) fn name_outcome(given: &str, holder: &str) -> Option<PayeeOutcome> {
    if given == holder {
        return Some(PayeeOutcome::Match);
    }
    let (a, b): (Vec<char>, Vec<char>) = (given.chars().collect(), holder.chars().collect());
    let differing: Vec<(char, char)> = a.iter().zip(&b).filter(|(x, y)| x != y).map(|(x, y)| (*x, *y)).collect();
    let variant = |(x, y): (char, char)| VARIANTS.iter().any(|&(p, q)| (p, q) == (x, y) || (q, p) == (x, y));
    (a.len() == b.len() && differing.len() == 1 && variant(differing[0]))
        .then(|| PayeeOutcome::Close { name_masked: tongbao_core::accounts::mask_name(holder) })
}

/// A recorded outcome as the answer it was: "ok" with its reference, or the decline's name.
pub(crate) fn outcome_of(outcome: &str, reference: Option<String>) -> BankResult<BankTxn> {
    match (outcome, reference) {
        ("ok", Some(reference)) => Ok(BankTxn { reference }),
        (name, _) => match name.parse::<Decline>() {
            Ok(d) => Err(BankFailure::Declined(d)),
            // A row this build can't read is the bank's own fault (96), never a made-up decline.
            Err(_) => {
                tracing::error!(outcome = name, "unknown transaction outcome in the bank's file");
                Err(BankFailure::Fault(Fault::SystemError))
            }
        },
    }
}
impl MockBank {
    /// Runs a money movement once per key: a repeat answers what the first one did (ISO 94).
    pub(crate) fn once(
        &self,
        key: &str,
        kind: &str,
        card_id: &str,
        amount_fen: i64,
        decide: impl FnOnce(&Connection) -> Result<(), Decline>,
        apply: &str,
    ) -> BankResult<BankTxn> {
        let mut db = self.db();
        let tx = db.transaction().map_err(storage_failure)?;
        let earlier: Option<(String, Option<String>)> = tx
            .query_row("SELECT outcome, reference FROM txns WHERE idem_key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(storage_failure)?;
        if let Some((outcome, reference)) = earlier {
            return outcome_of(&outcome, reference);
        }
        let now = self.clock.now();
        let (outcome, reference) = match decide(&tx) {
            Ok(()) => {
                tx.execute(apply, params![card_id, amount_fen]).map_err(storage_failure)?;
                ("ok".to_owned(), Some(format!("BNK{}", random_hex(8).to_uppercase())))
            }
            Err(d) => (<&str>::from(d).to_owned(), None),
        };
        tx.execute(
            "INSERT INTO txns (idem_key, kind, card_id, amount_fen, outcome, reference, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![key, kind, card_id, amount_fen, outcome, reference, now],
        )
        .map_err(storage_failure)?;
        tx.commit().map_err(storage_failure)?;
        outcome_of(&outcome, reference)
    }

    pub(crate) fn on_debit(&self, token: &str, amount_fen: i64, key: &str, opts: CallOptions) -> BankResult<BankTxn> {
        let found = self.agreement_card(token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            self.in_maintenance(&card)?;
            if card.system_error {
                return Err(BankFailure::Fault(Fault::SystemError));
            }
            let now = self.clock.now();
            self.once(key, "debit", &card.id, amount_fen, |db| debit_rules(db, &card, amount_fen, now), DEBIT)
        })
    }

    pub(crate) fn on_credit(
        &self,
        to: CreditTo<'_>,
        amount_fen: i64,
        key: &str,
        opts: CallOptions,
    ) -> BankResult<BankTxn> {
        let card = self.credit_target(to);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            self.in_maintenance(&card)?;
            let closed = card.lost || card.stolen || card.frozen || card.returns_credits;
            let decide = |_: &Connection| if closed { Err(Decline::Restricted) } else { Ok(()) };
            self.once(key, "credit", &card.id, amount_fen, decide, CREDIT)
        })
    }

    /// A payment to someone the bank collects for (a merchant's order, a bill), under `key`, in
    /// one transaction: `check` says whether it can be paid (what it finds goes to `record`),
    /// then a card (`card`: the agreement's card, if the token named one) is charged `amount`
    /// by the issuer's rules, then `record` records the payment (with the charged card's id);
    /// from the wallet's settlement (`card` None) there is no charge. A repeat of a card's key
    /// answers the first result.
    pub(crate) fn charge_or_settle<T>(
        &self,
        card: Option<Option<CardRow>>,
        key: &str,
        amount: i64,
        check: impl FnOnce(&Connection) -> Result<T, Decline>,
        record: impl FnOnce(&Connection, T, Option<&str>) -> Result<(), Decline>,
    ) -> BankResult<()> {
        match card {
            Some(card) => {
                let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
                self.in_maintenance(&card)?;
                if card.system_error {
                    return Err(BankFailure::Fault(Fault::SystemError));
                }
                let now = self.clock.now();
                let decided = |db: &Connection| {
                    let found = check(db)?;
                    debit_rules(db, &card, amount, now)?;
                    record(db, found, Some(&card.id))
                };
                self.once(key, "debit", &card.id, amount, decided, DEBIT).map(|_| ())
            }
            None => {
                let mut db = self.db();
                let tx = db.transaction().map_err(storage_failure)?;
                check(&tx).and_then(|found| record(&tx, found, None)).map_err(BankFailure::Declined)?;
                tx.commit().map_err(storage_failure)
            }
        }
    }

    /// What became of a payment `key` the bank collected for: `done` (its reference, if the
    /// payment is recorded), a card charge the issuer declined, or nothing received.
    pub(crate) fn collected_state(&self, key: &str, done: Option<String>) -> BankResult<TxnState> {
        if let Some(reference) = done {
            return Ok(TxnState::Done(BankTxn { reference }));
        }
        let declined: Option<(String, Option<String>)> = self
            .db()
            .query_row("SELECT outcome, reference FROM txns WHERE idem_key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(storage_failure)?;
        match declined {
            Some((outcome, reference)) => match outcome_of(&outcome, reference) {
                Err(BankFailure::Declined(d)) => Ok(TxnState::Declined(d)),
                // A charge recorded without its payment cannot happen: one transaction.
                _ => Err(BankFailure::Fault(Fault::SystemError)),
            },
            None => Ok(TxnState::NotFound),
        }
    }

    /// The card a credit goes to: a bound card's agreement, or a checked payee's reference.
    fn credit_target(&self, to: CreditTo<'_>) -> Option<CardRow> {
        match to {
            CreditTo::Token(t) => self.agreement_card(t).map(|(c, _)| c),
            CreditTo::Payee(r) => {
                let id: Option<String> = self
                    .db()
                    .query_row("SELECT card_id FROM payees WHERE ref = ?1", [r], |row| row.get(0))
                    .optional()
                    .ok()
                    .flatten();
                id.and_then(|id| self.card_by_id(&id))
            }
        }
    }

    /// A bound credit card's statement: what it owes now (a negative balance), a tenth of it
    /// as the minimum (rounded up), due the 25th of this Shanghai month — or of the next,
    /// after the 25th.
    pub(crate) fn on_statement(&self, token: &str, opts: CallOptions) -> BankResult<Statement> {
        let found = self.agreement_card(token);
        let never = found.as_ref().is_some_and(|(c, _)| c.never_answers);
        self.transport(opts, never, || {
            let (card, _) = found.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if !card.credit {
                return Err(BankFailure::Declined(Decline::TypeNotSupported));
            }
            self.in_maintenance(&card)?;
            let balance: i64 = self
                .db()
                .query_row("SELECT balance_fen FROM cards WHERE id = ?1", [&card.id], |r| r.get(0))
                .map_err(storage_failure)?;
            let owed = (-balance).max(0);
            let today = shanghai_date(self.clock.now());
            let this = today.with_day(25).unwrap_or(today);
            let due =
                if today.day() > 25 { this.checked_add_months(chrono::Months::new(1)).unwrap_or(this) } else { this };
            Ok(Statement { owed_fen: owed, minimum_fen: (owed + 9) / 10, due_date: due.format("%Y-%m-%d").to_string() })
        })
    }

    /// Repays a credit card: from a bound card (charged `total`, the issuer's debit rules, in the
    /// same transaction as the credit of `principal`) or from the wallet's settlement.
    pub(crate) fn on_repay(
        &self,
        from: Option<&str>,
        to: CreditTo<'_>,
        principal: i64,
        total: i64,
        key: &str,
        opts: CallOptions,
    ) -> BankResult<BankTxn> {
        let target = self.credit_target(to);
        let source = from.map(|t| self.agreement_card(t).map(|(c, _)| c));
        let never = target.as_ref().is_some_and(|c| c.never_answers)
            || source.as_ref().and_then(Option::as_ref).is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let to = target.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if !to.credit {
                return Err(BankFailure::Declined(Decline::TypeNotSupported));
            }
            self.in_maintenance(&to)?;
            let closed = to.lost || to.stolen || to.frozen || to.returns_credits;
            let open = || if closed { Err(Decline::Restricted) } else { Ok(()) };
            match source {
                Some(src) => {
                    let src = src.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
                    self.in_maintenance(&src)?;
                    let now = self.clock.now();
                    self.once(
                        key,
                        "debit",
                        &src.id,
                        total,
                        |db| {
                            open()?;
                            debit_rules(db, &src, total, now)?;
                            db.execute(CREDIT, params![to.id, principal]).map(|_| ()).map_err(|_| Decline::NoSuchCard)
                        },
                        DEBIT,
                    )
                }
                // From the wallet's settlement: a credit like any other.
                None => self.once(key, "credit", &to.id, principal, |_| open(), CREDIT),
            }
        })
    }

    pub(crate) fn on_check_payee(&self, pan: &str, name: &str, opts: CallOptions) -> BankResult<PayeeChecked> {
        let card = self.card_by_number(pan);
        let never = card.as_ref().is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            let card = card.ok_or(BankFailure::Declined(Decline::NoSuchCard))?;
            if card.lost {
                return Err(BankFailure::Declined(Decline::Lost));
            }
            if card.reported {
                return Err(BankFailure::Declined(Decline::PayeeReported));
            }
            let outcome = if card.payee_check_unavailable {
                PayeeOutcome::Unavailable
            } else {
                name_outcome(name.trim(), &card.holder_name).ok_or(BankFailure::Declined(Decline::PayeeNameMismatch))?
            };
            let payee_ref = format!("PAY{}", random_hex(10).to_uppercase());
            self.db()
                .execute(
                    "INSERT INTO payees (ref, card_id, at) VALUES (?1, ?2, ?3)",
                    params![payee_ref, card.id, self.clock.now()],
                )
                .map_err(storage_failure)?;
            Ok(PayeeChecked { payee_ref, outcome })
        })
    }

    pub(crate) fn on_inquire(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.transport(opts, false, || {
            let found: Option<(String, Option<String>)> = self
                .db()
                .query_row("SELECT outcome, reference FROM txns WHERE idem_key = ?1", [key], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(storage_failure)?;
            // A row the bank can't read answers 96 (ask again later), never "not found": that
            // would tell the wallet to give back money the bank may have moved.
            Ok(match found {
                None => TxnState::NotFound,
                Some((outcome, reference)) => match outcome_of(&outcome, reference) {
                    Ok(t) => TxnState::Done(t),
                    Err(BankFailure::Declined(d)) => TxnState::Declined(d),
                    Err(other) => return Err(other),
                },
            })
        })
    }

    /// A card's balance (tests and the developer panel).
    pub fn balance_of(&self, card_id: &str) -> Option<i64> {
        self.db()
            .query_row("SELECT balance_fen FROM cards WHERE id = ?1", [card_id], |r| r.get(0))
            .optional()
            .ok()
            .flatten()
    }

    /// The sum of every card's balance: money at the bank (conservation tests).
    pub fn total_balance(&self) -> i64 {
        self.db().query_row("SELECT coalesce(sum(balance_fen), 0) FROM cards", [], |r| r.get(0)).unwrap_or(0)
    }

    /// How many money movements a key made (0 or 1: idempotency tests).
    pub fn movements_for(&self, key: &str) -> i64 {
        self.db()
            .query_row(
                // A card charge (an issuer's debit), or an order or a bill paid from a wallet's
                // balance.
                "SELECT (SELECT count(*) FROM txns WHERE idem_key = ?1 AND outcome = 'ok')
                      + (SELECT count(*) FROM orders WHERE paid_key = ?1 AND paid_card IS NULL)
                      + (SELECT count(*) FROM bill_payments WHERE key = ?1 AND card_id IS NULL)",
                [key],
                |r| r.get(0),
            )
            .unwrap_or(0)
    }

    /// Every idempotency key that moved money (the storm's check: no movement without its
    /// wallet record).
    pub fn moved_keys(&self) -> Vec<String> {
        self.db()
            .prepare(
                "SELECT idem_key FROM (SELECT idem_key, at FROM txns WHERE outcome = 'ok'
                 UNION ALL SELECT paid_key, paid_at FROM orders WHERE paid_key IS NOT NULL AND paid_card IS NULL
                 UNION ALL SELECT key, at FROM bill_payments WHERE card_id IS NULL) ORDER BY at",
            )
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>())
            .unwrap_or_default()
    }
}

/// What a credit does when the rules allow it (`?1` the card, `?2` the amount).
const CREDIT: &str = "UPDATE cards SET balance_fen = balance_fen + ?2 WHERE id = ?1";

/// What a debit does when the rules allow it (`?1` the card, `?2` the amount).
pub(crate) const DEBIT: &str = "UPDATE cards SET balance_fen = balance_fen - ?2 WHERE id = ?1";

/// The issuer's rules for debiting `card` by `amount_fen` at `now`: its state, expiry,
/// frequency, limits and funds. Shared by the wallet's debits and the acquirer's charges.
pub(crate) fn debit_rules(db: &Connection, card: &CardRow, amount_fen: i64, now: i64) -> Result<(), Decline> {
    let day_start = shanghai_day_start(now);
    card_state(card)?;
    // An issuer refuses a card past the expiry in force (33).
    let (expiry, _) = card.current_expiry_cvv(shanghai_date(now));
    if expiry.is_some_and(|e| e.has_passed(now)) {
        return Err(Decline::ExpiredPickUp);
    }
    let (balance, line, single, daily): (i64, i64, i64, i64) = db
        .query_row(
            "SELECT balance_fen, credit_line_fen, single_limit_fen, daily_limit_fen FROM cards WHERE id = ?1",
            [&card.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|_| Decline::NoSuchCard)?;
    let (today, recent, count_today): (i64, i64, i64) = db
        .query_row(
            "SELECT coalesce(sum(CASE WHEN at >= ?2 THEN amount_fen END), 0),
                    count(CASE WHEN at > ?3 THEN 1 END), count(CASE WHEN at >= ?2 THEN 1 END)
             FROM txns WHERE card_id = ?1 AND kind = 'debit' AND outcome = 'ok'",
            params![card.id, day_start, now - FREQUENCY_WINDOW],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|_| Decline::NoSuchCard)?;
    let over_daily_count = card.max_debits_per_day.is_some_and(|max| count_today >= max);
    if recent >= MAX_DEBITS_PER_WINDOW || over_daily_count {
        return Err(Decline::FrequencyExceeded);
    }
    if amount_fen > single || today + amount_fen > daily {
        // A class II account's limits are the bank's rule for the class (Ⅱ类户).
        return Err(if card.class_ii { Decline::ClassIiLimit } else { Decline::LimitExceeded });
    }
    if balance + line < amount_fen {
        return Err(Decline::InsufficientFunds);
    }
    Ok(())
}
