//! The notices center (消息中心): what happened to a person's money and cards while they were
//! elsewhere — money received, a delayed transfer posted or returned, a refund, a credit card's
//! repayment due, a saved utility account with a bill due, a card expiring within 30 days, a
//! sign-in after the password was recovered.
//!
//! Notices are found, not pushed: [`Support::collect_notices`] looks at the books (payments,
//! cards, sign-ins), the bank's statements and the billers' dues, and records each event once —
//! `(account, kind, subject)` is unique, so looking again after a crash or from two threads adds
//! nothing. The shell looks after every command and on a timer, then tells the UI and the OS
//! about the ones it just added. News starts when the account was opened (for an account older than the center,
//! when the center came: older events are history, not news).

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::accounts::{self, AccountId};
use crate::cards::binding::EXPIRY_REMINDER;
use crate::cards::{self, BankId};
use crate::platform::clock::Millis;
use crate::platform::error::{AppError, ErrorCode};
use crate::support::ops::Support;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Money from another wallet user arrived.
    Received,
    /// A transfer sent with delayed arrival (2 hours / next day) reached the payee.
    TransferPosted,
    /// A delayed transfer came back (the payee's bank returned it, or it could not be posted).
    TransferReturned,
    /// A merchant refunded (part of) a payment.
    Refund,
    /// A bound credit card's repayment is due within 3 days.
    RepayDue,
    /// A saved utility account (生活缴费) has something due.
    BillDue,
    /// A bound card expires within 30 days.
    CardExpiring,
    /// Someone signed in after the login password was recovered.
    RecoveredSignIn,
}

impl NoticeKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::TransferPosted => "transfer_posted",
            Self::TransferReturned => "transfer_returned",
            Self::Refund => "refund",
            Self::RepayDue => "repay_due",
            Self::BillDue => "bill_due",
            Self::CardExpiring => "card_expiring",
            Self::RecoveredSignIn => "recovered_sign_in",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            Self::Received,
            Self::TransferPosted,
            Self::TransferReturned,
            Self::Refund,
            Self::RepayDue,
            Self::BillDue,
            Self::CardExpiring,
            Self::RecoveredSignIn,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One notice, as the center lists it. The UI words it from its kind and these fields; what
/// it opens is its payment (the bill's detail) or its card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: NoticeKind,
    #[ts(type = "number")]
    pub at: Millis,
    pub read: bool,
    #[ts(type = "number | null")]
    pub payment_id: Option<i64>,
    #[ts(type = "number | null")]
    pub amount_fen: Option<i64>,
    /// The other side, masked (a payer's or payee's name, a merchant's).
    pub counterpart: Option<String>,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub bank: Option<BankId>,
    pub last4: Option<String>,
    /// A repayment's due date or a card's expiry, as the UI shows it (YYYY-MM-DD / MM/YY).
    pub date: Option<String>,
    /// A bill due: the saved account (opens 生活缴费 on it), if it is still saved.
    #[ts(type = "number | null")]
    pub bill_id: Option<i64>,
}

/// One notice (opening it marks it read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoticeRef {
    #[ts(type = "number")]
    pub id: i64,
}

/// The center: newest first, and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notices {
    pub items: Vec<NoticeView>,
    pub unread: u32,
}

/// What one look found: the signed-in person's new notices (for the OS notification), and
/// whether that person hides amounts (then a notification names none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    pub new: Vec<NoticeView>,
    pub amounts_hidden: bool,
}

/// At most this many notices are listed (the oldest beyond it stay in the database).
const LIST_LIMIT: i64 = 200;

/// What a notice is about, besides its kind and subject.
#[derive(Default)]
struct About {
    payment: Option<i64>,
    card: Option<i64>,
    bill: Option<i64>,
    amount_fen: Option<i64>,
}

/// Records a notice once; true when it is new.
fn record(
    db: &Connection,
    account: AccountId,
    kind: NoticeKind,
    subject: &str,
    a: About,
    now: Millis,
) -> Result<bool, AppError> {
    let n = db.execute(
        "INSERT INTO notices (account_id, kind, subject, payment_id, card_id, bill_id, amount_fen, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (account_id, kind, subject) DO NOTHING",
        params![account, kind.as_str(), subject, a.payment, a.card, a.bill, a.amount_fen, now],
    )?;
    Ok(n == 1)
}

/// Where `account`'s news starts (its opening, or for an account older than the notices center,
/// the moment the center came: set by the migration), and the last payment status change its
/// looks have read.
fn mark(db: &Connection, account: AccountId) -> Result<(Millis, i64), AppError> {
    Ok(db.query_row(
        "SELECT COALESCE(m.since, a.created_at), COALESCE(m.seen_event, 0)
         FROM accounts a LEFT JOIN notice_marks m ON m.account_id = a.id WHERE a.id = ?1",
        [account],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records that `account`'s looks have read every payment status change so far. A look that
/// found no new change writes nothing (the look runs after every command: no commit to disk
/// for each).
fn mark_seen(db: &Connection, account: AccountId, since: Millis) -> Result<(), AppError> {
    db.execute(
        "INSERT INTO notice_marks (account_id, since, seen_event)
         VALUES (?1, ?2, (SELECT COALESCE(max(id), 0) FROM payment_events))
         ON CONFLICT (account_id) DO UPDATE SET seen_event = excluded.seen_event
         WHERE seen_event <> excluded.seen_event",
        params![account, since],
    )?;
    Ok(())
}

/// The payments' status changes after `seen` (and not before `since`) that are news to
/// `account`, as (kind, payment id) pairs. Read by payment_events' primary key: a look costs
/// what happened since the last one, not the length of the history.
fn payment_events(
    db: &Connection,
    account: AccountId,
    seen: i64,
    since: Millis,
) -> Result<Vec<(NoticeKind, i64)>, AppError> {
    let mut st = db.prepare_cached(
        "SELECT CASE
                  WHEN p.payee_account = ?1 AND p.kind = 'to_user' AND e.status = 'succeeded' THEN 'received'
                  WHEN p.account_id = ?1 AND p.kind IN ('to_user', 'to_card') AND p.arrival <> 'instant'
                       AND e.status IN ('succeeded', 'returned')
                    THEN CASE e.status WHEN 'succeeded' THEN 'transfer_posted' ELSE 'transfer_returned' END
                  WHEN p.account_id = ?1 AND p.kind = 'refund' AND e.status = 'succeeded' THEN 'refund'
                END,
                p.id
         FROM payment_events e JOIN payments p ON p.id = e.payment_id
         WHERE e.id > ?2 AND e.at >= ?3 AND (p.account_id = ?1 OR p.payee_account = ?1)
         ORDER BY e.id",
    )?;
    let rows =
        st.query_map(params![account, seen, since], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = vec![];
    for row in rows {
        let (kind, id) = row?;
        out.extend(kind.as_deref().and_then(NoticeKind::parse).map(|k| (k, id)));
    }
    Ok(out)
}

/// The first successful sign-in after each recovery of the login password since `from`.
fn recovered_sign_ins(db: &Connection, account: AccountId, from: Millis) -> Result<Vec<i64>, AppError> {
    let mut st = db.prepare_cached(
        "SELECT (SELECT l.id FROM login_events l WHERE l.account_id = e.account_id AND l.outcome = 'success'
                   AND l.at >= e.at ORDER BY l.at, l.id LIMIT 1)
         FROM security_events e WHERE e.account_id = ?1 AND e.event = 'password_recovered' AND e.at >= ?2",
    )?;
    let rows = st.query_map(params![account, from], |r| r.get::<_, Option<i64>>(0))?;
    let mut out = vec![];
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// The account's live cards that expire within 30 days (and have not yet): (card, expiry).
fn expiring_cards(db: &Connection, account: AccountId, now: Millis) -> Result<Vec<(i64, String)>, AppError> {
    let mut st = db.prepare_cached(
        "SELECT id, expiry FROM cards WHERE account_id = ?1 AND unbound_at IS NULL AND expiry IS NOT NULL",
    )?;
    let rows = st.query_map([account], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = vec![];
    for row in rows {
        let (id, expiry) = row?;
        let Ok(e) = cards::parse_expiry(&expiry) else { continue };
        if !e.has_passed(now) && e.has_passed(now + EXPIRY_REMINDER) {
            out.push((id, e.printed()));
        }
    }
    Ok(out)
}

fn view(r: &rusqlite::Row<'_>) -> rusqlite::Result<NoticeView> {
    let kind: String = r.get(1)?;
    let bank: Option<String> = r.get(9)?;
    Ok(NoticeView {
        id: r.get(0)?,
        kind: NoticeKind::parse(&kind).unwrap_or(NoticeKind::Received),
        at: r.get(2)?,
        read: r.get::<_, Option<i64>>(3)?.is_some(),
        payment_id: r.get(4)?,
        amount_fen: r.get(5)?,
        counterpart: r.get(6)?,
        card_id: r.get(7)?,
        last4: r.get(8)?,
        bank: bank.as_deref().and_then(BankId::from_code),
        date: r.get(10)?,
        bill_id: r.get(11)?,
    })
}

/// The notices of `account`, newest first; `only` narrows them to some ids.
fn list(db: &Connection, account: AccountId, only: Option<&[i64]>) -> Result<Vec<NoticeView>, AppError> {
    // The counterpart: the payer of money received (masked when shown), the payee of a transfer,
    // the merchant of a refund's payment. The date: a card's expiry, a repayment's due date.
    // A bill's: the saved account's nickname, and the amount the biller said.
    let sql = "SELECT n.id, n.kind, n.created_at, n.read_at, n.payment_id,
                      COALESCE(p.amount_fen, n.amount_fen),
                      CASE n.kind WHEN 'received' THEN payer.real_name
                                  WHEN 'refund' THEN (SELECT o.order_title FROM payments o WHERE o.id = p.refund_of)
                                  WHEN 'bill_due' THEN b.nickname
                                  ELSE COALESCE(p.payee_name_masked, payee.real_name) END,
                      n.card_id, c.last4, c.bank,
                      CASE n.kind WHEN 'card_expiring' THEN c.expiry
                                  WHEN 'repay_due' THEN substr(n.subject, instr(n.subject, ':') + 1) END,
                      b.id
               FROM notices n
               LEFT JOIN payments p ON p.id = n.payment_id
               LEFT JOIN accounts payer ON payer.id = p.account_id
               LEFT JOIN accounts payee ON payee.id = p.payee_account
               LEFT JOIN cards c ON c.id = n.card_id
               LEFT JOIN saved_bills b ON b.id = n.bill_id AND b.account_id = n.account_id
               WHERE n.account_id = ?1
               ORDER BY n.created_at DESC, n.id DESC LIMIT ?2";
    let mut st = db.prepare_cached(sql)?;
    let rows = st.query_map(params![account, LIST_LIMIT], view)?;
    let mut out = vec![];
    for row in rows {
        let mut v = row?;
        if only.is_some_and(|ids| !ids.contains(&v.id)) {
            continue;
        }
        // A person's name is shown masked, as everywhere else in the wallet.
        if matches!(v.kind, NoticeKind::Received | NoticeKind::TransferPosted | NoticeKind::TransferReturned) {
            v.counterpart = v.counterpart.map(|n| if n.contains('*') { n } else { accounts::mask_name(&n) });
        }
        out.push(v);
    }
    Ok(out)
}

fn unread(db: &Connection, account: AccountId) -> Result<u32, AppError> {
    Ok(db
        .query_row("SELECT count(*) FROM notices WHERE account_id = ?1 AND read_at IS NULL", [account], |r| r.get(0))?)
}

impl Support<'_> {
    /// The signed-in person's account, locked or not, without counting as their activity.
    fn signed_in(&self) -> Option<AccountId> {
        self.session().as_ref().map(|s| s.account_id)
    }

    /// Looks for new notices of the signed-in person (locked or not) and records each once;
    /// answers the ones this look added. Nothing to do when no one is signed in. With
    /// `with_bank`, the bank is asked for the credit cards' statements (a bank that does not
    /// answer now is asked again on the next such look).
    pub fn collect_notices(&self, with_bank: bool) -> Result<Collected, AppError> {
        let Some(me) = self.signed_in() else { return Ok(Collected::default()) };
        let money = crate::money::ops::Money(self.0);
        let (reminders, bills) = if with_bank && self.bank().is_ok() {
            (money.repay_reminders_of(me).unwrap_or_default(), money.bills_due_of(me).unwrap_or_default())
        } else {
            (vec![], vec![])
        };
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (from, seen) = mark(&tx, me)?;
        let mut added = vec![];
        let mut add = |kind, subject: String, about| -> Result<(), AppError> {
            if record(&tx, me, kind, &subject, about, now)? {
                added.push(tx.last_insert_rowid());
            }
            Ok(())
        };
        for (kind, id) in payment_events(&tx, me, seen, from)? {
            add(kind, id.to_string(), About { payment: Some(id), ..About::default() })?;
        }
        for login in recovered_sign_ins(&tx, me, from)? {
            add(NoticeKind::RecoveredSignIn, login.to_string(), About::default())?;
        }
        for (card, expiry) in expiring_cards(&tx, me, now)? {
            add(NoticeKind::CardExpiring, format!("{card}:{expiry}"), About { card: Some(card), ..About::default() })?;
        }
        for r in reminders {
            let about = About { card: Some(r.card_id), amount_fen: Some(r.statement.owed_fen), ..About::default() };
            add(NoticeKind::RepayDue, format!("{}:{}", r.card_id, r.statement.due_date), about)?;
        }
        // A new amount due on the same account is news again; the same amount is not.
        for (bill, due) in bills {
            let about = About { bill: Some(bill.id), amount_fen: Some(due), ..About::default() };
            add(NoticeKind::BillDue, format!("{}:{}", bill.id, due), about)?;
        }
        mark_seen(&tx, me, from)?;
        let new = if added.is_empty() { vec![] } else { list(&tx, me, Some(&added))? };
        let amounts_hidden =
            !new.is_empty() && tx.query_row("SELECT hide_amounts FROM accounts WHERE id = ?1", [me], |r| r.get(0))?;
        tx.commit()?;
        Ok(Collected { new, amounts_hidden })
    }

    /// The notices center of the signed-in person. Not counted as activity: the center reloads
    /// when news arrives, and news must not keep an idle wallet unlocked (the person's own
    /// input is counted by `touch`).
    pub fn notices(&self) -> Result<Notices, AppError> {
        let me = self.peek_account()?;
        let db = self.db();
        Ok(Notices { items: list(&db, me, None)?, unread: unread(&db, me)? })
    }

    /// Marks one notice read (opening it), or all of them (`None`); answers the center.
    pub fn notices_read(&self, id: Option<i64>) -> Result<Notices, AppError> {
        let me = self.require_account()?;
        let now = self.clock.now();
        {
            let db = self.db();
            let n = db.execute(
                "UPDATE notices SET read_at = COALESCE(read_at, ?3) WHERE account_id = ?1 AND (?2 IS NULL OR id = ?2)",
                params![me, id, now],
            )?;
            if n == 0 && id.is_some() {
                return Err(AppError::new(ErrorCode::InputInvalid, "no such notice"));
            }
        }
        self.notices()
    }

    /// The unread count (the navigation's badge, read again on each `notices` event), without
    /// counting as activity.
    pub fn notices_unread(&self) -> Result<u32, AppError> {
        let me = self.peek_account()?; // before taking the connection: it reads the settings
        unread(&self.db(), me)
    }
}

/// Removes an account's notices when it closes (in the closing transaction).
pub(crate) fn forget_account(db: &Connection, account: AccountId) -> Result<(), AppError> {
    db.execute("DELETE FROM notices WHERE account_id = ?1", [account])?;
    db.execute("DELETE FROM notice_marks WHERE account_id = ?1", [account])?;
    Ok(())
}
