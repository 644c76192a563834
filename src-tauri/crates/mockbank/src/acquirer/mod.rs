//! The mock acquirer (收单机构): the merchants' bank beside the mock issuer, in the same SQLite
//! file. Merchants (verified name, number, category, signing key; a blocked one), their orders
//! (title, amount, 15-minute expiry, state), the links that point at them signed with the
//! merchant's key, the banks' offers at them, and refunds.
//!
//! It answers the core's acquirer port: an order is opened only through a link whose
//! signature matches; it is paid at most once — a card is charged at its issuer with the
//! issuer's own rules and the order marked paid in the same transaction, under the wallet
//! payment's key, so a repeat of the key answers the first result and another key finds the
//! order paid; a refund never exceeds what was paid and goes back the way the money came (a
//! card is credited at its issuer in the refund's transaction).
//!
//! Testers make orders from the merchant panel (test mode) or the `mockbank` command line.

use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use tongbao_core::acquirer::{Funding, Merchant, Offer, Order, OrderStatus, PayLink, PayOrder, Refund};
use tongbao_core::bank::{BankFailure, BankResult, BankTxn, CallOptions, Decline, TxnState};
use tongbao_core::platform::clock::{Millis, MINUTE};
use tongbao_core::platform::error::{AppError, ErrorCode};
use ts_rs::TS;

use crate::bank::{random_hex, storage_failure, MockBank};
use crate::fixture::Fixture;

/// How long an order can be paid.
pub const ORDER_TTL: Millis = 15 * MINUTE;

/// An order as the merchant panel and the command line show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MockOrder {
    pub id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub title: String,
    #[ts(type = "number")]
    pub amount_fen: i64,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub expires_at: Millis,
    pub status: OrderStatus,
    /// The link the merchant hands to the wallet.
    pub link: String,
    /// The wallet's payment reference once paid (the acquirer's record of it).
    pub payment_ref: Option<String>,
    #[ts(type = "number | null")]
    pub paid_fen: Option<i64>,
    #[ts(type = "number")]
    pub refunded_fen: i64,
}

/// A merchant as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MockMerchant {
    pub id: String,
    pub name: String,
    pub number: String,
    pub blocked: bool,
}

/// The merchant panel's new order.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreate {
    pub merchant_id: String,
    pub title: String,
    /// Yuan as typed (`25.00`).
    pub amount: String,
}

/// The merchant panel's refund of (part of) an order.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrderRefund {
    pub order_id: String,
    /// Yuan as typed.
    pub amount: String,
}

/// The signature of a link's parameters under a merchant's key (64 lowercase hex).
pub fn sign(key_hex: &str, merchant: &str, order: &str) -> String {
    let key = hex::decode(key_hex).unwrap_or_default();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(PayLink::signed_text(merchant, order).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn signature_ok(key_hex: &str, link: &PayLink) -> bool {
    let key = hex::decode(key_hex).unwrap_or_default();
    let Ok(sig) = hex::decode(&link.sig) else { return false };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(PayLink::signed_text(&link.merchant, &link.order).as_bytes());
    mac.verify_slice(&sig).is_ok() // constant time
}

struct MerchantRow {
    id: String,
    number: String,
    name: String,
    category: String,
    key: String,
    blocked: bool,
}

fn merchant_by(db: &Connection, column: &str, value: &str) -> rusqlite::Result<Option<MerchantRow>> {
    db.query_row(
        &format!("SELECT id, number, name, category, key, blocked FROM merchants WHERE {column} = ?1"),
        [value],
        |r| {
            Ok(MerchantRow {
                id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                category: r.get(3)?,
                key: r.get(4)?,
                blocked: r.get(5)?,
            })
        },
    )
    .optional()
}

struct OrderRow {
    id: String,
    amount_fen: i64,
    title: String,
    created_at: Millis,
    expires_at: Millis,
    status: OrderStatus,
}

fn order_of(db: &Connection, merchant: &str, id: &str) -> rusqlite::Result<Option<OrderRow>> {
    db.query_row(
        "SELECT id, amount_fen, title, created_at, expires_at, status FROM orders WHERE id = ?1 AND merchant = ?2",
        [id, merchant],
        |r| {
            let status: String = r.get(5)?;
            Ok(OrderRow {
                id: r.get(0)?,
                amount_fen: r.get(1)?,
                title: r.get(2)?,
                created_at: r.get(3)?,
                expires_at: r.get(4)?,
                status: status.parse().unwrap_or(OrderStatus::Closed),
            })
        },
    )
    .optional()
}

/// The link's merchant and order, its signature checked: what every answer starts from.
fn checked(db: &Connection, link: &PayLink) -> Result<(MerchantRow, OrderRow), Decline> {
    let m = merchant_by(db, "number", &link.merchant).ok().flatten().ok_or(Decline::OrderNotFound)?;
    if !signature_ok(&m.key, link) {
        return Err(Decline::LinkSignature);
    }
    if m.blocked {
        return Err(Decline::MerchantBlocked);
    }
    let o = order_of(db, &m.id, &link.order).ok().flatten().ok_or(Decline::OrderNotFound)?;
    let _ = o.created_at;
    Ok((m, o))
}

/// Whether the order can be paid at `now` as asked (the amounts add up to the order's).
fn payable(o: &OrderRow, req: &PayOrder<'_>, now: Millis) -> Result<(), Decline> {
    match o.status {
        OrderStatus::Open if o.expires_at <= now => Err(Decline::OrderExpired),
        OrderStatus::Open => {
            if req.paid_fen <= 0 || req.discount_fen < 0 || req.paid_fen + req.discount_fen != o.amount_fen {
                return Err(Decline::LinkSignature);
            }
            Ok(())
        }
        OrderStatus::Closed => Err(Decline::OrderClosed),
        _ => Err(Decline::OrderPaid),
    }
}

/// Marks the order paid under `key`, if it is still open.
fn mark_paid(
    db: &Connection,
    o: &OrderRow,
    req: &PayOrder<'_>,
    card: Option<&str>,
    reference: &str,
    now: Millis,
) -> Result<(), Decline> {
    let n = db
        .execute(
            "UPDATE orders SET status = 'paid', paid_key = ?2, pay_ref = ?3, paid_fen = ?4, discount_fen = ?5, offer = ?6,
                    paid_card = ?7, paid_at = ?8 WHERE id = ?1 AND status = 'open'",
            params![o.id, req.key, reference, req.paid_fen, req.discount_fen, req.offer, card, now],
        )
        .map_err(|_| Decline::OrderPaid)?;
    if n == 1 {
        Ok(())
    } else {
        Err(Decline::OrderPaid)
    }
}

/// `text` as a QR code picture: 8 pixels a module, a 4-module quiet zone, black on white.
pub fn qr_png(text: &str) -> Result<Vec<u8>, AppError> {
    const SCALE: u32 = 8;
    const QUIET: u32 = 4;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::internal(format!("QR code: {e}")))?;
    let n = code.width() as u32;
    let colors = code.to_colors();
    let side = (n + 2 * QUIET) * SCALE;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / SCALE, y / SCALE);
        let dark = mx >= QUIET
            && my >= QUIET
            && mx < n + QUIET
            && my < n + QUIET
            && colors[((my - QUIET) * n + (mx - QUIET)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).map_err(|e| AppError::internal(format!("QR picture: {e}")))?;
    Ok(png.into_inner())
}

fn parse_yuan(s: &str) -> Result<i64, AppError> {
    tongbao_core::money::parse_amount(s)
}

impl MockBank {
    /// The fixture's merchants and offers, at every start (a bank file from before them gains
    /// them; a blocked merchant stays as the fixture says).
    pub(crate) fn seed_acquirer(&self, f: &Fixture) -> rusqlite::Result<()> {
        let mut db = self.db();
        let tx = db.transaction()?;
        for m in &f.merchants {
            tx.execute(
                "INSERT INTO merchants (id, number, name, category, key, blocked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET number = ?2, name = ?3, category = ?4, key = ?5, blocked = ?6",
                params![m.id, m.number, m.name, m.category, m.key, m.blocked],
            )?;
        }
        tx.execute("DELETE FROM offers", [])?;
        for o in &f.offers {
            let json = serde_json::to_string(o).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
            tx.execute("INSERT INTO offers (id, json) VALUES (?1, ?2)", params![o.id, json])?;
        }
        tx.commit()
    }

    /// A new order of a merchant (the panel's 创建订单 and the command line's `order`).
    pub fn create_order(&self, merchant_id: &str, title: &str, amount: &str) -> Result<MockOrder, AppError> {
        let amount_fen = parse_yuan(amount)?;
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 40 {
            return Err(AppError::new(ErrorCode::InputInvalid, "an order needs a title of at most 40 characters"));
        }
        let id = format!("O{}", random_hex(8).to_uppercase());
        let now = self.clock.now();
        {
            let db = self.db();
            let m = merchant_by(&db, "id", merchant_id)?
                .ok_or_else(|| AppError::new(ErrorCode::InputInvalid, format!("no merchant {merchant_id}")))?;
            db.execute(
                "INSERT INTO orders (id, merchant, title, amount_fen, created_at, expires_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open')",
                params![id, m.id, title, amount_fen, now, now + ORDER_TTL],
            )?;
        }
        tracing::info!(order = id, merchant = merchant_id, "mock acquirer: order created");
        self.mock_order(&id)
    }

    /// The merchant closes an open order (ORDER_CLOSED for the wallet from then on).
    pub fn close_order(&self, order_id: &str) -> Result<MockOrder, AppError> {
        let n =
            self.db().execute("UPDATE orders SET status = 'closed' WHERE id = ?1 AND status = 'open'", [order_id])?;
        if n == 0 {
            return Err(AppError::new(ErrorCode::OrderClosed, "only an open order can be closed"));
        }
        self.mock_order(order_id)
    }

    /// The merchant refunds `amount` of a paid order: never more than what is left of what the
    /// wallet paid, however many refunds arrive at once. The money goes back the way it came
    /// (a card is credited at its issuer here); the wallet is told the refund's id.
    pub fn refund_order(&self, order_id: &str, amount: &str) -> Result<String, AppError> {
        let amount_fen = parse_yuan(amount)?;
        let id = format!("R{}", random_hex(8).to_uppercase());
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction()?; // IMMEDIATE: the refunded sum is decided one refund at a time
        let n = tx.execute(
            "UPDATE orders SET refunded_fen = refunded_fen + ?2,
                    status = CASE WHEN refunded_fen + ?2 = paid_fen THEN 'refunded' ELSE 'partially_refunded' END
             WHERE id = ?1 AND status IN ('paid', 'partially_refunded') AND refunded_fen + ?2 <= paid_fen",
            params![order_id, amount_fen],
        )?;
        if n == 0 {
            return Err(AppError::new(
                ErrorCode::RefundExceedsPayment,
                "a refund can't be more than what is left of the order's payment",
            ));
        }
        let card: Option<String> =
            tx.query_row("SELECT paid_card FROM orders WHERE id = ?1", [order_id], |r| r.get(0))?;
        if let Some(card) = card {
            tx.execute("UPDATE cards SET balance_fen = balance_fen + ?2 WHERE id = ?1", params![card, amount_fen])?;
        }
        tx.execute(
            "INSERT INTO refunds (id, order_id, amount_fen, at) VALUES (?1, ?2, ?3, ?4)",
            params![id, order_id, amount_fen, now],
        )?;
        tx.commit()?;
        tracing::info!(order = order_id, refund = id, "mock acquirer: refund made");
        Ok(id)
    }

    /// One order as the panel shows it.
    pub fn mock_order(&self, id: &str) -> Result<MockOrder, AppError> {
        self.mock_orders(Some(id), 1)?
            .pop()
            .ok_or_else(|| AppError::new(ErrorCode::OrderNotFound, format!("no order {id}")))
    }

    /// The newest orders (or one), for the merchant panel and the command line.
    pub fn mock_orders(&self, only: Option<&str>, limit: u32) -> Result<Vec<MockOrder>, AppError> {
        let db = self.db();
        let mut st = db.prepare(
            "SELECT o.id, m.id, m.name, o.title, o.amount_fen, o.created_at, o.expires_at, o.status, m.number, m.key,
                    o.pay_ref, o.paid_fen, o.refunded_fen
             FROM orders o JOIN merchants m ON m.id = o.merchant
             WHERE ?1 IS NULL OR o.id = ?1 ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![only, limit], |r| {
            let (id, number, key): (String, String, String) = (r.get(0)?, r.get(8)?, r.get(9)?);
            let status: String = r.get(7)?;
            let sig = sign(&key, &number, &id);
            Ok(MockOrder {
                link: PayLink { merchant: number, order: id.clone(), sig }.to_link(),
                id,
                merchant_id: r.get(1)?,
                merchant_name: r.get(2)?,
                title: r.get(3)?,
                amount_fen: r.get(4)?,
                created_at: r.get(5)?,
                expires_at: r.get(6)?,
                status: status.parse().unwrap_or(OrderStatus::Closed),
                payment_ref: r.get(10)?,
                paid_fen: r.get(11)?,
                refunded_fen: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The order's link as a QR code picture (PNG), as a merchant shows its 付款码.
    pub fn order_qr_png(&self, order_id: &str) -> Result<Vec<u8>, AppError> {
        let link = self.mock_order(order_id)?.link;
        qr_png(&link)
    }

    /// The merchants, for the panel.
    pub fn mock_merchants(&self) -> Vec<MockMerchant> {
        let db = self.db();
        db.prepare("SELECT id, name, number, blocked FROM merchants ORDER BY id")
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok(MockMerchant { id: r.get(0)?, name: r.get(1)?, number: r.get(2)?, blocked: r.get(3)? })
                })?
                .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn on_open_order(&self, link: &PayLink, opts: CallOptions) -> BankResult<Order> {
        self.transport(opts, false, || {
            let db = self.db();
            let (m, o) = checked(&db, link).map_err(BankFailure::Declined)?;
            Ok(Order {
                id: o.id,
                merchant: Merchant { number: m.number, name: m.name, category: m.category, verified: true },
                title: o.title,
                amount_fen: o.amount_fen,
                expires_at: o.expires_at,
                status: o.status,
            })
        })
    }

    pub(crate) fn on_pay_order(&self, req: &PayOrder<'_>, opts: CallOptions) -> BankResult<BankTxn> {
        let card = match req.funding {
            Funding::Card { token } => Some(self.agreement_card(token).map(|(c, _)| c)),
            Funding::Wallet => None,
        };
        let never = card.as_ref().and_then(Option::as_ref).is_some_and(|c| c.never_answers);
        self.transport(opts, never, || {
            // A repeat of the key answers what the first call did.
            if let Some(reference) = self.paid_under(req.key)? {
                return Ok(BankTxn { reference });
            }
            let now = self.clock.now();
            let reference = format!("ACQ{}", random_hex(8).to_uppercase());
            // The charge (or the settlement) and the order's payment are one transaction.
            self.charge_or_settle(
                card,
                req.key,
                req.paid_fen,
                |db| {
                    let (_, o) = checked(db, req.link)?;
                    payable(&o, req, now).map(|_| o)
                },
                |db, o, card| mark_paid(db, &o, req, card, &reference, now),
            )?;
            Ok(BankTxn { reference })
        })
    }

    /// The reference of the order paid under `key`, if one is.
    fn paid_under(&self, key: &str) -> BankResult<Option<String>> {
        self.db()
            .query_row("SELECT pay_ref FROM orders WHERE paid_key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(storage_failure)
    }

    pub(crate) fn on_payment_state(&self, key: &str, opts: CallOptions) -> BankResult<TxnState> {
        self.transport(opts, false, || self.collected_state(key, self.paid_under(key)?))
    }

    pub(crate) fn on_offers(&self, opts: CallOptions) -> BankResult<Vec<Offer>> {
        self.transport(opts, false, || {
            let db = self.db();
            let mut st = db.prepare("SELECT json FROM offers ORDER BY id").map_err(storage_failure)?;
            let rows = st.query_map([], |r| r.get::<_, String>(0)).map_err(storage_failure)?;
            Ok(rows.flatten().filter_map(|j| serde_json::from_str(&j).ok()).collect())
        })
    }

    pub(crate) fn on_refund(&self, id: &str, opts: CallOptions) -> BankResult<Refund> {
        self.transport(opts, false, || {
            self.db()
                .query_row(
                    "SELECT r.id, r.order_id, o.paid_key, r.amount_fen FROM refunds r JOIN orders o ON o.id = r.order_id
                     WHERE r.id = ?1",
                    [id],
                    |r| Ok(Refund { id: r.get(0)?, order: r.get(1)?, payment_key: r.get(2)?, amount_fen: r.get(3)? }),
                )
                .optional()
                .map_err(storage_failure)?
                .ok_or(BankFailure::Declined(Decline::OrderNotFound))
        })
    }
}
