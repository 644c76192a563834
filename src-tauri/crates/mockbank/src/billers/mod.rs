//! The mock billers (生活缴费), in the bank's file: the electricity, water and gas companies of
//! the fixture with their test accounts (户号: the holder's masked name, what is due), and the
//! carriers' mobile top-up (any mainland number; the carrier from its prefix). Every biller is
//! down for its nightly maintenance from 23:30 to 00:30 Shanghai time.
//!
//! A payment is credited once under the wallet payment's key: a repeat answers the first
//! result. A card is charged at its issuer with the issuer's own rules in the same transaction
//! as the credit (the biller's collecting bank charges the agreement token); a balance payment
//! is the wallet's settlement. What is paid lowers what is due (never below nothing; the rest
//! is a prepayment).

use rusqlite::{params, Connection, OptionalExtension};
use tongbao_core::acquirer::Funding;
use tongbao_core::bank::{BankFailure, BankResult, BankTxn, CallOptions, Decline, TxnState};
use tongbao_core::biller::{carrier, min_payment, BillAccount, BillKind, BillPay, MOBILE_FACES};
use tongbao_core::platform::clock::{shanghai_day_start, Millis, DAY, MINUTE};

use crate::bank::{random_hex, storage_failure, MockBank};
use crate::fixture::Fixture;

/// The billers' nightly maintenance, minutes after Shanghai midnight: 23:30 → 00:30.
const MAINTENANCE: (i64, i64) = (23 * 60 + 30, 30);

/// When the billers' maintenance that covers `now` ends, if one does.
pub fn maintenance_until(now: Millis) -> Option<Millis> {
    let day = shanghai_day_start(now);
    let minute = (now - day) / MINUTE;
    let (from, to) = MAINTENANCE;
    if minute >= from {
        Some(day + DAY + to * MINUTE)
    } else if minute < to {
        Some(day + to * MINUTE)
    } else {
        None
    }
}

fn account_of(db: &Connection, kind: BillKind, account: &str) -> rusqlite::Result<Option<BillAccount>> {
    if kind == BillKind::Mobile {
        return Ok(carrier(account).map(|c| BillAccount {
            kind,
            account: account.to_owned(),
            biller: c.to_owned(),
            holder_masked: None,
            due_fen: 0,
            faces: MOBILE_FACES.to_vec(),
            min_fen: MOBILE_FACES[0],
        }));
    }
    db.query_row(
        "SELECT b.name, a.holder_masked, a.due_fen FROM bill_accounts a JOIN billers b ON b.kind = a.kind
         WHERE a.kind = ?1 AND a.account = ?2",
        params![kind, account],
        |r| {
            let due: i64 = r.get(2)?;
            Ok(BillAccount {
                kind,
                account: account.to_owned(),
                biller: r.get(0)?,
                holder_masked: r.get(1)?,
                due_fen: due,
                faces: vec![],
                min_fen: min_payment(due),
            })
        },
    )
    .optional()
}

/// The account a payment is for exists. (What amounts a bill takes is the wallet's to check
/// against the biller's answer, before the password.)
fn known(db: &Connection, req: &BillPay<'_>) -> Result<(), Decline> {
    account_of(db, req.kind, req.account).ok().flatten().map(|_| ()).ok_or(Decline::BillAccountNotFound)
}

/// Credits the bill in `db` (the caller's transaction): what is due goes down, the payment is
/// recorded under its key.
fn credit(db: &Connection, req: &BillPay<'_>, card: Option<&str>, reference: &str, now: Millis) -> Result<(), Decline> {
    db.execute(
        "UPDATE bill_accounts SET due_fen = max(0, due_fen - ?3) WHERE kind = ?1 AND account = ?2",
        params![req.kind, req.account, req.amount_fen],
    )
    .map_err(|_| Decline::BillAccountNotFound)?;
    db.execute(
        "INSERT INTO bill_payments (key, kind, account, amount_fen, reference, card_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![req.key, req.kind, req.account, req.amount_fen, reference, card, now],
    )
    .map_err(|_| Decline::BillAccountNotFound)?;
    Ok(())
}

impl MockBank {
    /// The fixture's billers and their accounts, at every start (a bank file from before them
    /// gains them; an account's due stays what payments left it).
    pub(crate) fn seed_billers(&self, f: &Fixture) -> rusqlite::Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        for b in &f.billers {
            tx.execute(
                "INSERT INTO billers (kind, name) VALUES (?1, ?2) ON CONFLICT(kind) DO UPDATE SET name = ?2",
                params![b.kind, b.name],
            )?;
            for a in &b.accounts {
                tx.execute(
                    "INSERT OR IGNORE INTO bill_accounts (kind, account, holder_masked, due_fen) VALUES (?1, ?2, ?3, ?4)",
                    params![b.kind, a.account, a.holder_masked, a.due_fen],
                )?;
            }
        }
        tx.commit()
    }

    fn biller_open(&self) -> BankResult<()> {
        match maintenance_until(self.clock.now()) {
            Some(until) => Err(BankFailure::BillerMaintenance { until }),
            None => Ok(()),
        }
    }

    pub(crate) fn on_bill_query(&self, kind: BillKind, account: &str, opts: CallOptions) -> BankResult<BillAccount> {
        self.transport(opts, false, || {
            self.biller_open()?;
            account_of(&self.db(), kind, account)
                .map_err(storage_failure)?
                .ok_or(BankFailure::Declined(Decline::BillAccountNotFound))
        })
    }

    pub(crate) fn on_pay_bill(&self, req: &BillPay<'_>, opts: CallOptions) -> BankResult<BankTxn> {
        let card = match req.funding {
            Funding::Card { token } => Some(self.agreement_card(token).map(|(c, _)| c)),
            Funding::Wallet => None,
        };
        let never = card.as_ref().and_then(Option::as_ref).is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            if let Some(reference) = self.bill_paid_under(req.key)? {
                return Ok(BankTxn { reference });
            }
            self.biller_open()?;
            let now = self.clock.now();
            let reference = format!("BILL{}", random_hex(8).to_uppercase());
            self.charge_or_settle(
                card,
                req.key,
                req.amount_fen,
                |db| known(db, req),
                |db, (), card| credit(db, req, card, &reference, now),
            )?;
            Ok(BankTxn { reference })
        })
    }

    fn bill_paid_under(&self, key: &str) -> BankResult<Option<String>> {
        self.db()
            .query_row("SELECT reference FROM bill_payments WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(storage_failure)
    }

    pub(crate) fn on_bill_payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.transport(opts, false, || {
            self.biller_open()?;
            self.collected_state(key, self.bill_paid_under(key)?)
        })
    }

    /// What is due on a test account now (tests and the developer's eye).
    pub fn bill_due(&self, kind: BillKind, account: &str) -> Option<i64> {
        self.db()
            .query_row(
                "SELECT due_fen FROM bill_accounts WHERE kind = ?1 AND account = ?2",
                params![kind, account],
                |r| r.get(0),
            )
            .ok()
    }

    /// How many times a key credited a bill (0 or 1).
    pub fn bill_credits_for(&self, key: &str) -> i64 {
        self.db().query_row("SELECT count(*) FROM bill_payments WHERE key = ?1", [key], |r| r.get(0)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use tongbao_core::platform::clock::ZONE;

    use super::*;

    fn at(h: u32, m: u32) -> Millis {
        ZONE.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap().timestamp_millis()
    }

    #[test]
    fn the_nightly_window_is_2330_to_0030_shanghai() {
        assert_eq!(maintenance_until(at(23, 29)), None);
        assert_eq!(maintenance_until(at(23, 30)), Some(at(0, 30) + DAY));
        assert_eq!(maintenance_until(at(0, 10)), Some(at(0, 30)));
        assert_eq!(maintenance_until(at(0, 30)), None);
        assert_eq!(maintenance_until(at(12, 0)), None);
    }
}
