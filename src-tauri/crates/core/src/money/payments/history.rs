//! The payment history: pages and filters, a payment's detail with its events, monthly sums
//! and the CSV export.

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{params, OptionalExtension};

use super::bills;
use super::*;
use crate::accounts::{self, AccountId};
use crate::cards::BankId;
use crate::money::ops::Money;
use crate::money::{self, Fen};
use crate::platform::clock::{shanghai_date, shanghai_midnight, Millis, DAY};
use crate::platform::error::{AppError, ErrorCode};
use crate::services::Services;

/// `YYYY-MM-DD` (Shanghai) → that day's first millisecond. Years outside 1900–9999 are refused
/// (a typed error, never an overflow).
pub(super) fn parse_day(s: &str) -> Result<Millis, AppError> {
    let bad = || AppError::new(ErrorCode::InputInvalid, format!("{s:?} is not a YYYY-MM-DD date"));
    let date = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    if !(1900..=9999).contains(&date.year()) {
        return Err(bad());
    }
    shanghai_midnight(date).ok_or_else(bad)
}

impl Services {
    pub(super) fn payment_view(&self, me: AccountId, id: i64) -> Result<PaymentView, AppError> {
        let db = self.db();
        let sql = format!("SELECT {VIEW} FROM payments p LEFT JOIN cards c ON c.id = coalesce(p.source_card, p.dest_card) WHERE p.id = ?3");
        db.query_row(&sql, params![me, self.clock.now(), id], view_row)
            .optional()?
            .ok_or_else(|| AppError::new(ErrorCode::PaymentNotFound, "no such payment"))
    }

    pub(super) fn history_page(&self, me: AccountId, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        let page_size = q.page_size.clamp(1, 100);
        let (mut filters, mut args) = history_filter(me, self.clock.now(), q)?;
        let skip = match q.before {
            // Keyset: the index walk starts at the cursor, whatever the depth.
            Some(c) => {
                args.push(rusqlite::types::Value::Integer(c.at));
                args.push(rusqlite::types::Value::Integer(c.id));
                let (at, id) = (args.len() - 1, args.len());
                filters.push_str(&format!(" AND (p.created_at < ?{at} OR (p.created_at = ?{at} AND p.id < ?{id}))"));
                0
            }
            None => i64::from(q.page) * i64::from(page_size),
        };
        args.push(rusqlite::types::Value::Integer(i64::from(page_size) + 1));
        args.push(rusqlite::types::Value::Integer(skip));
        let n = args.len();
        let from = "FROM payments p LEFT JOIN cards c ON c.id = coalesce(p.source_card, p.dest_card)";
        let sql = format!(
            "SELECT * FROM (
                 SELECT {VIEW} {from} WHERE p.account_id = ?1 {filters}
                 UNION ALL
                 SELECT {VIEW} {from} WHERE p.payee_account = ?1 AND p.account_id <> ?1 AND p.status = 'succeeded' {filters}
             ) ORDER BY 13 DESC, 1 DESC LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        );
        let db = self.db();
        let mut st = db.prepare_cached(&sql)?;
        let mut items: Vec<PaymentView> =
            st.query_map(rusqlite::params_from_iter(args.iter()), view_row)?.collect::<Result<_, _>>()?;
        let has_more = items.len() > page_size as usize;
        items.truncate(page_size as usize);
        let next = items.last().filter(|_| has_more).map(|v| HistoryCursor { at: v.created_at, id: v.id });
        Ok(HistoryPage { items, page: q.page, page_size, has_more, next })
    }
}

impl Money<'_> {
    /// A payment of the signed-in person (made or received) with its status timeline.
    pub fn payment_detail(&self, id: i64) -> Result<PaymentDetail, AppError> {
        let me = self.require_account()?;
        let payment = self.payment_view(me, id)?;
        let db = self.db();
        let owner: (AccountId, Option<AccountId>) =
            db.query_row("SELECT account_id, payee_account FROM payments WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if owner.0 != me && owner.1 != Some(me) {
            return Err(AppError::new(ErrorCode::PaymentNotFound, "no such payment"));
        }
        let mut st = db.prepare("SELECT status, code, at FROM payment_events WHERE payment_id = ?1 ORDER BY id")?;
        let timeline = st
            .query_map([id], |r| Ok(PaymentEvent { status: r.get(0)?, code: r.get(1)?, at: r.get(2)? }))?
            .collect::<Result<_, _>>()?;
        Ok(PaymentDetail { payment, timeline })
    }

    /// The history: newest first, paged, filtered. A received transfer shows to its payee
    /// (as money in) only once it has succeeded. Made and received payments are two index
    /// walks merged in date order, so a page costs the same at 20 or 1 000 000 payments.
    pub fn history(&self, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        self.settle_payments(Some(self.require_account()?))?;
        self.history_now(q)
    }

    /// [`Self::history`] as the books have it now, never waiting on the bank (the history
    /// screen's): pending payments show as 处理中 until the background settlement
    /// ([`Self::settle_mine`]) finishes them.
    pub fn history_now(&self, q: &HistoryQuery) -> Result<HistoryPage, AppError> {
        let me = self.require_account()?;
        self.history_page(me, q)
    }

    /// Money in and out per Shanghai month, for the last `months` months up to now.
    pub fn monthly_flows(&self, months: u32) -> Result<Vec<MonthlyFlow>, AppError> {
        let me = self.require_account()?;
        let now = self.clock.now();
        let this_month = shanghai_date(now).with_day(1).unwrap_or(NaiveDate::MIN);
        let mut out = vec![];
        let db = self.db();
        let bad = || AppError::internal("a month out of the calendar's range");
        for back in (0..months.clamp(1, 24)).rev() {
            let first = this_month.checked_sub_months(Months::new(back)).ok_or_else(bad)?;
            let next = first.checked_add_months(Months::new(1)).ok_or_else(bad)?;
            let start = shanghai_midnight(first).ok_or_else(bad)?;
            let end = shanghai_midnight(next).ok_or_else(bad)?;
            let (in_fen, out_fen): (Fen, Fen) = db.query_row(
                "SELECT coalesce(sum(CASE WHEN kind IN ('topup', 'refund') AND account_id = ?1 THEN amount_fen
                                          WHEN payee_account = ?1 THEN amount_fen END), 0),
                        coalesce(sum(CASE WHEN kind NOT IN ('topup', 'refund') AND account_id = ?1 THEN amount_fen END), 0)
                 FROM payments WHERE status IN ('succeeded', 'refunded', 'partially_refunded')
                 AND (account_id = ?1 OR payee_account = ?1)
                 AND created_at >= ?2 AND created_at < ?3",
                params![me, start, end],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            out.push(MonthlyFlow { month: first.format("%Y-%m").to_string(), in_fen, out_fen });
        }
        Ok(out)
    }

    /// The history as CSV (every page of the filter), for the person to save.
    pub fn history_csv(&self, q: &HistoryQuery) -> Result<String, AppError> {
        let me = self.require_account()?;
        self.settle_payments(Some(me))?; // once, not per page
        let mut csv = String::from("id,created_at_ms,kind,direction,amount,status,counterparty,card_last4,failure\n");
        let mut before = None;
        loop {
            let p = self.history_page(me, &HistoryQuery { page: 0, page_size: 100, before, ..q.clone() })?;
            for v in &p.items {
                let esc = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
                csv.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{}\n",
                    v.id,
                    v.created_at,
                    v.kind.as_str(),
                    if v.direction == Direction::In { "in" } else { "out" },
                    esc(&money::format_fen(v.amount_fen)),
                    v.status.as_str(),
                    esc(&v.counterparty.as_ref().map(Counterparty::text).unwrap_or_default()),
                    v.card_last4.as_deref().unwrap_or(""),
                    v.failure.map_or("", |c| c.as_str())
                ));
            }
            match p.next {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        Ok(csv)
    }
}

/// The columns of a [`PaymentView`]: ?1 is the person looking, ?2 the time now.
pub(super) const VIEW: &str = "p.id, p.kind, CASE WHEN p.account_id = ?1 THEN 'out' ELSE 'in' END, p.amount_fen, p.status, p.arrival,
                    p.posts_at, p.payee_bank, c.last4, c.id, p.failure,
                    (p.status = 'pending' AND p.bank_state = 'none' AND p.posts_at > ?2 AND p.account_id = ?1), p.created_at,
                    (SELECT real_name FROM accounts WHERE id = p.account_id), p.payee_last4,
                    (SELECT real_name FROM accounts WHERE id = p.payee_account), p.payee_name_masked,
                    CASE WHEN p.account_id = ?1 THEN p.payee_check END, p.note, p.merchant_number, p.order_id,
                    p.order_title, p.order_amount_fen, p.offer_id, p.discount_fen, p.points, p.refunded_fen, p.refund_of,
                    p.bill_kind, p.bill_account, p.biller_name, p.bill_holder_masked, p.bank_ref, p.fee_fen";

pub(super) fn view_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentView> {
    let kind: PaymentKind = r.get(1)?;
    let direction = if r.get::<_, String>(2)? == "in" { Direction::In } else { Direction::Out };
    // Incoming: the payer, by masked name; outgoing: the payee card or the payee, by masked
    // name. A top-up counts as money in for its maker.
    let person = |col| -> rusqlite::Result<Option<Counterparty>> {
        Ok(r.get::<_, Option<String>>(col)?.map(|n| Counterparty::Person { name_masked: accounts::mask_name(&n) }))
    };
    let merchant = match (r.get::<_, Option<String>>(16)?, r.get::<_, Option<String>>(19)?) {
        (Some(name), Some(number)) => Some(Counterparty::Merchant { name, number }),
        _ => None,
    };
    let counterparty = match (direction, r.get::<_, Option<BankId>>(7)?, r.get::<_, Option<String>>(14)?) {
        _ if matches!(kind, PaymentKind::Merchant | PaymentKind::Refund) => merchant,
        _ if kind == PaymentKind::Bill => r.get::<_, Option<String>>(30)?.map(|name| Counterparty::Biller { name }),
        (Direction::In, _, _) => person(13)?,
        (Direction::Out, Some(bank), Some(last4)) => Some(Counterparty::Card { bank, last4, name_masked: r.get(16)? }),
        (Direction::Out, _, _) => person(15)?,
    };
    Ok(PaymentView {
        id: r.get(0)?,
        kind,
        direction: if matches!(kind, PaymentKind::Topup | PaymentKind::Refund) { Direction::In } else { direction },
        amount_fen: r.get(3)?,
        status: r.get(4)?,
        arrival: r.get(5)?,
        posts_at: r.get(6)?,
        counterparty,
        card_last4: if direction == Direction::Out { r.get(8)? } else { None },
        card_id: if direction == Direction::Out { r.get(9)? } else { None },
        failure: r.get(10)?,
        revocable: r.get(11)?,
        created_at: r.get(12)?,
        payee_check: r.get(17)?,
        note: r.get(18)?,
        order: match (kind, r.get::<_, Option<String>>(20)?) {
            (PaymentKind::Merchant, Some(order_id)) => Some(OrderPaid {
                order_id,
                title: r.get::<_, Option<String>>(21)?.unwrap_or_default(),
                order_amount_fen: r.get::<_, Option<Fen>>(22)?.unwrap_or_default(),
                offer: r.get(23)?,
                discount_fen: r.get(24)?,
                points: r.get(25)?,
                refunded_fen: r.get(26)?,
            }),
            _ => None,
        },
        refund_of: r.get(27)?,
        bill: match r.get::<_, Option<crate::biller::BillKind>>(28)? {
            Some(kind) => Some(bills::BillPaid {
                kind,
                account_masked: bills::mask_account(&r.get::<_, Option<String>>(29)?.unwrap_or_default()),
                biller: r.get::<_, Option<String>>(30)?.unwrap_or_default(),
                holder_masked: r.get(31)?,
                reference: r.get(32)?,
            }),
            None => None,
        },
        fee_fen: r.get(33)?,
    })
}

/// A history query's filters as ` AND …` clauses, and the arguments (?1 = the person,
/// ?2 = now, ?3 … the filters).
pub(super) fn history_filter(
    me: AccountId,
    now: Millis,
    q: &HistoryQuery,
) -> Result<(String, Vec<rusqlite::types::Value>), AppError> {
    use rusqlite::types::Value;
    let mut args: Vec<Value> = vec![Value::Integer(me), Value::Integer(now)];
    let mut clauses = String::new();
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        clauses.push_str(" AND ");
        clauses.push_str(&clause.replace('#', &format!("?{}", args.len())));
    };
    if let Some(from) = q.from.as_deref().filter(|s| !s.is_empty()) {
        add("p.created_at >= #", Value::Integer(parse_day(from)?));
    }
    if let Some(to) = q.to.as_deref().filter(|s| !s.is_empty()) {
        add("p.created_at < #", Value::Integer(parse_day(to)? + DAY));
    }
    if let Some(kind) = q.kind {
        add("p.kind = #", Value::Text(kind.as_str().into()));
    }
    if let Some(card) = q.card_id {
        add("(p.source_card = # OR p.dest_card = #)", Value::Integer(card));
    }
    if let Some(status) = q.status {
        add("p.status = #", Value::Text(status.as_str().into()));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // The words as typed, found anywhere in the note (LIKE's wildcards escaped).
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        add("p.note LIKE # ESCAPE '\\'", Value::Text(format!("%{escaped}%")));
    }
    Ok((clauses, args))
}
