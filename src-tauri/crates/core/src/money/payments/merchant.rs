//! Paying merchants (付款 / 收银台) and their refunds, as two counterparties of the one payment
//! pipeline.
//!
//! A payment link only points at an order ([`PayLink`]); the checkout asks the acquirer for
//! the order (its signature checked there) and shows the merchant's verified name, the title,
//! the amount and each way to pay with the offer it gets. Paying goes through the pipeline
//! like any payment — the form's checks, the payment password, one `BEGIN IMMEDIATE`
//! transaction deciding the limits, the balance, the offer's once-per-day (or first-payment)
//! rule and that the person has no other live payment of the order, the record under the
//! client's idempotency key, then the one leg: the acquirer takes the payment of the order
//! under that key, charging a card's token itself (as a card network charges a wallet token)
//! or taking the wallet's own settlement for a balance payment. The acquirer pays an order at
//! most once; an unanswered leg is settled at start-up by asking it what became of the key.
//!
//! Points (积分): one per whole yuan a merchant payment cost, less what came back in refunds.
//!
//! A refund is the merchant's: the acquirer tells the wallet a refund's id, the wallet asks the
//! acquirer for it and records it once (its key is the refund's id) in one transaction that
//! also raises the payment's refunded sum — never past what was paid, however many arrive at
//! once. Money paid from the balance comes back to it; money a card paid went back to that
//! card at its bank through the acquirer, and the refund says so.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::counterparty::{OrderTarget, Party, Sent, Target};
use super::*;
use crate::accounts::AccountId;
use crate::acquirer::{Funding, Offer, OfferRule, Order, OrderStatus, PayLink, PayOrder};
use crate::bank::{BankFailure, BankResult, TxnState};
use crate::cards::manage::{stored_card, StoredCard};
use crate::money::ledger::{self, Acct};
use crate::money::ops::Money;
use crate::platform::clock::shanghai_day_start;
use crate::services::{BankLink, Services};

/// What a payment row keeps of a merchant payment (nothing for other kinds).
#[derive(Default)]
pub(super) struct OrderRow {
    pub(super) order_id: Option<String>,
    pub(super) title: Option<String>,
    pub(super) merchant_number: Option<String>,
    pub(super) order_amount: Option<Fen>,
    pub(super) offer_id: Option<String>,
    pub(super) discount: Fen,
    pub(super) points: i64,
}

/// The checkout (收银台): the order as the acquirer answers it and each way to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Checkout {
    /// The link as parsed (send it back with the payment).
    pub link: String,
    pub order: Order,
    pub methods: Vec<CheckoutMethod>,
}

/// One way to pay at the checkout: the balance or a bound card, whether it can pay (and why
/// not), the offer it gets and what it would pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutMethod {
    /// `balance`, or the card's id.
    pub id: String,
    #[ts(type = "number | null")]
    pub card_id: Option<i64>,
    pub available: bool,
    pub reason: Option<ErrorCode>,
    pub offer: Option<OfferView>,
    #[ts(type = "number")]
    pub total_fen: Fen,
}

/// An offer as the checkout and the result name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub id: String,
    pub title: String,
    #[ts(type = "number")]
    pub discount_fen: Fen,
}

/// The person's points (积分).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Points {
    #[ts(type = "number")]
    pub points: i64,
}

/// A refund the acquirer announced (its id).
#[derive(Debug, Clone)]
pub struct RefundNotice {
    pub refund_id: String,
}

/// The largest picture read for a QR code (a phone photo is a few MB).
pub const MAX_QR_IMAGE_BYTES: usize = 12 * 1024 * 1024;
/// …and its largest side, in pixels (a bigger picture is refused before it is decoded).
const MAX_QR_IMAGE_SIDE: u32 = 8_000;

/// The payment link in a picture of a QR code (PNG or JPEG): decoded here, in Rust, then
/// parsed as strictly as a pasted link. A picture without a code, with an unreadable one or
/// with a code that is not a payment link is LINK_INVALID.
pub fn link_from_qr_image(bytes: &[u8]) -> Result<PayLink, AppError> {
    let bad = |why: &str| AppError::new(ErrorCode::LinkInvalid, why.to_owned());
    if bytes.len() > MAX_QR_IMAGE_BYTES {
        return Err(bad("the picture is too large"));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| bad("the picture could not be read"))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_QR_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_QR_IMAGE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    if !matches!(reader.format(), Some(image::ImageFormat::Png | image::ImageFormat::Jpeg)) {
        return Err(bad("only PNG and JPEG pictures are read"));
    }
    let grey = reader.decode().map_err(|_| bad("the picture could not be decoded"))?.into_luma8();
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey.as_raw()[y * w + x]);
    let text = prepared
        .detect_grids()
        .into_iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
        .ok_or_else(|| bad("no QR code could be read in the picture"))?;
    PayLink::parse(&text)
}

/// Points a merchant payment of `paid` earns: one per whole yuan.
pub fn points_for(paid: Fen) -> i64 {
    paid.max(0) / 100
}

impl Services {
    /// An acquirer call with the bank's retry policy.
    fn acquire<T>(&self, call: impl FnMut(crate::bank::CallOptions) -> BankResult<T>) -> Result<T, AppError> {
        let link = self.bank()?;
        self.call_bank(link, call, &|_, _| {}).map_err(BankFailure::to_error)
    }

    /// The order a link points to, if it can be paid now: the acquirer checks the signature;
    /// its answer says whether the order is still open.
    fn payable_order(&self, link: &PayLink) -> Result<Order, AppError> {
        let acquirer = self.acquirer()?;
        let order = self.acquire(|o| acquirer.open_order(link, o))?;
        let refused = |code, why: &str| Err(AppError::new(code, why.to_owned()));
        match order.status {
            OrderStatus::Open if order.expires_at <= self.clock.now() => {
                refused(ErrorCode::OrderExpired, "the order expired: the merchant makes a new one")
            }
            OrderStatus::Open => Ok(order),
            OrderStatus::Paid | OrderStatus::Refunded | OrderStatus::PartiallyRefunded => {
                refused(ErrorCode::OrderAlreadyPaid, "the order is paid already")
            }
            OrderStatus::Closed => refused(ErrorCode::OrderClosed, "the merchant closed the order"),
        }
    }

    /// The offers running now (none when the acquirer cannot say: the order is still payable).
    fn offers_now(&self) -> Vec<Offer> {
        let Ok(acquirer) = self.acquirer() else { return vec![] };
        self.acquire(|o| acquirer.offers(o)).unwrap_or_else(|e| {
            tracing::warn!(code = e.code.as_str(), "offers unavailable: paying without them");
            vec![]
        })
    }
}

/// The card's bank and kind as stored (`ICBC`, `debit`).
fn card_bank_kind(db: &Connection, card: i64) -> Result<(String, String), AppError> {
    Ok(db.query_row("SELECT bank, kind FROM cards WHERE id = ?1", [card], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Whether the person may still use `offer` now (its rule, against their payments that count:
/// pending, paid, refunded). Run at the checkout and again in the transaction that records the
/// payment, so two payments at once cannot both use a once-a-day offer.
fn offer_left(db: &Connection, account: AccountId, offer: &Offer, now: i64) -> Result<bool, AppError> {
    let counted = "status IN ('pending', 'succeeded', 'refunded', 'partially_refunded')";
    let used: i64 = match offer.rule {
        OfferRule::OncePerDay => db.query_row(
            &format!("SELECT count(*) FROM payments WHERE account_id = ?1 AND offer_id = ?2 AND created_at >= ?3 AND {counted}"),
            params![account, offer.id, shanghai_day_start(now)],
            |r| r.get(0),
        )?,
        OfferRule::FirstMerchantPayment => db.query_row(
            &format!("SELECT count(*) FROM payments WHERE account_id = ?1 AND kind = 'merchant' AND {counted}"),
            [account],
            |r| r.get(0),
        )?,
    };
    Ok(used == 0)
}

/// The best offer a way to pay gets for an order (cards only: the offers are the banks').
fn best_offer(
    db: &Connection,
    account: AccountId,
    offers: &[Offer],
    order: &Order,
    card: Option<i64>,
    now: i64,
) -> Result<Option<Offer>, AppError> {
    let Some(card) = card else { return Ok(None) };
    let (bank, kind) = card_bank_kind(db, card)?;
    let mut best: Option<Offer> = None;
    for o in offers {
        let fits = o.bank == bank
            && o.card_kind == kind
            && (o.merchants.is_empty() || o.merchants.contains(&order.merchant.number))
            && order.amount_fen >= o.min_fen
            && o.off_fen > 0
            && o.off_fen < order.amount_fen;
        if fits && best.as_ref().is_none_or(|b| o.off_fen > b.off_fen) && offer_left(db, account, o, now)? {
            best = Some(o.clone());
        }
    }
    Ok(best)
}

/// Inside the transaction that records a payment: the person has no other live payment of the
/// order, and the offer the checkout gave is still theirs to use. What the row keeps.
/// (A payment under the same key is the same payment: the insert that follows finds it.)
pub(super) fn enforce(
    tx: &Connection,
    account: AccountId,
    key: &str,
    target: &Target,
    now: i64,
) -> Result<OrderRow, AppError> {
    let Some(t) = &target.order else { return Ok(OrderRow::default()) };
    let live: Option<i64> = tx
        .query_row(
            "SELECT id FROM payments WHERE account_id = ?1 AND order_id = ?2 AND idem_key <> ?3
             AND status IN ('pending', 'succeeded', 'refunded', 'partially_refunded')",
            params![account, t.order.id, key],
            |r| r.get(0),
        )
        .optional()?;
    if live.is_some() {
        return Err(AppError::new(ErrorCode::OrderAlreadyPaid, "this order is paid (or being paid) already"));
    }
    if let Some(offer) = &t.offer {
        if !offer_left(tx, account, offer, now)? {
            return Err(AppError::new(
                ErrorCode::OfferUsed,
                "the offer was used meanwhile: check the amount at the checkout again",
            ));
        }
    }
    let paid = t.order.amount_fen - t.discount();
    Ok(OrderRow {
        order_id: Some(t.order.id.clone()),
        title: Some(t.order.title.clone()),
        merchant_number: Some(t.order.merchant.number.clone()),
        order_amount: Some(t.order.amount_fen),
        offer_id: t.offer.as_ref().map(|o| o.id.clone()),
        discount: t.discount(),
        points: points_for(paid),
    })
}

/// A merchant's order, paid from the balance or a bound card.
pub(super) struct MerchantOrder;

impl Party for MerchantOrder {
    fn check(
        &self,
        s: &Services,
        account: AccountId,
        input: &PaymentInput,
        card: Option<&StoredCard>,
    ) -> Result<Target, AppError> {
        let link = PayLink::parse(input.order.as_deref().unwrap_or(""))?;
        let order = s.payable_order(&link)?;
        let offers = s.offers_now();
        let offer = best_offer(&s.db(), account, &offers, &order, card.map(|c| c.id), s.clock.now())?;
        let t = OrderTarget { link, order, offer };
        Ok(Target {
            source_card: card.map(|c| c.id),
            counterparty: Some(Counterparty::Merchant {
                name: t.order.merchant.name.clone(),
                number: t.order.merchant.number.clone(),
            }),
            payee_ref: Some(t.link.to_link()),
            fixed_amount: Some(t.order.amount_fen - t.discount()),
            order: Some(t),
            ..Target::default()
        })
    }

    fn has_leg(&self) -> bool {
        true
    }

    fn charges_card(&self) -> bool {
        true
    }

    fn lands_in(&self, _: &Stored) -> Acct {
        Acct::PayeeClearing
    }

    fn send(&self, s: &Services, link: &BankLink, p: &Stored, on_retry: &dyn Fn(u32, u32)) -> Sent {
        let order = PayLink::parse(p.payee_ref.as_deref().unwrap_or(""))?;
        let token = p.paying_token(s)?;
        let funding = Funding::of(token.as_deref());
        let req = PayOrder {
            link: &order,
            key: &p.key,
            paid_fen: p.amount,
            discount_fen: p.discount,
            offer: p.offer_id.as_deref(),
            funding,
        };
        let acquirer = s.acquirer()?;
        Ok(s.call_bank(link, |o| acquirer.pay_order(&req, o), on_retry))
    }

    fn inquire(&self, s: &Services, _: &BankLink, p: &Stored, opts: crate::bank::CallOptions) -> BankResult<TxnState> {
        match s.acquirer() {
            Ok(a) => a.payment_state(&p.key, opts),
            Err(_) => Err(BankFailure::Fault(crate::bank::Fault::Offline)),
        }
    }
}

/// A merchant's refund of a payment: recorded by [`Money::refund_arrived`], never by a form.
pub(super) struct MerchantRefund;

impl Party for MerchantRefund {
    fn check(&self, _: &Services, _: AccountId, _: &PaymentInput, _: Option<&StoredCard>) -> Result<Target, AppError> {
        Err(AppError::new(ErrorCode::InputInvalid, "a refund is made by the merchant"))
    }

    fn outgoing(&self) -> bool {
        false
    }

    fn has_leg(&self) -> bool {
        false
    }

    fn pays_from(&self, _: &Stored) -> Option<Acct> {
        Some(Acct::PayeeClearing)
    }

    /// Back where it came from: the balance, or the card the acquirer credited.
    fn lands_in(&self, p: &Stored) -> Acct {
        p.dest_card.map_or(Acct::Wallet(p.account), Acct::CardClearing)
    }
}

impl Money<'_> {
    /// Opens the checkout for a payment link: LINK_INVALID, ORDER_NOT_FOUND, MERCHANT_BLOCKED,
    /// ORDER_EXPIRED, ORDER_ALREADY_PAID or ORDER_CLOSED when it cannot be paid.
    pub fn checkout(&self, link: &str) -> Result<Checkout, AppError> {
        let account = self.require_account()?;
        let link = PayLink::parse(link)?;
        let order = self.payable_order(&link)?;
        let offers = self.offers_now();
        let now = self.clock.now();
        let db = self.db();
        let balance = ledger::balance(&db, Acct::Wallet(account))?;
        let mut methods = vec![CheckoutMethod {
            id: "balance".into(),
            card_id: None,
            available: balance >= order.amount_fen,
            reason: (balance < order.amount_fen).then_some(ErrorCode::InsufficientFunds),
            offer: None,
            total_fen: order.amount_fen,
        }];
        let mut st = db.prepare_cached(
            "SELECT id FROM cards WHERE account_id = ?1 AND unbound_at IS NULL ORDER BY is_default DESC, bound_at",
        )?;
        let cards: Vec<i64> = st.query_map([account], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for id in cards {
            let card = stored_card(&db, account, id)?;
            let reason = card.check_payable(now).err().map(|e| e.code);
            let offer = match reason {
                None => best_offer(&db, account, &offers, &order, Some(id), now)?,
                Some(_) => None,
            };
            let discount = offer.as_ref().map_or(0, |o| o.off_fen);
            methods.push(CheckoutMethod {
                id: id.to_string(),
                card_id: Some(id),
                available: reason.is_none(),
                reason,
                offer: offer.map(|o| OfferView { id: o.id, title: o.title, discount_fen: o.off_fen }),
                total_fen: order.amount_fen - discount,
            });
        }
        Ok(Checkout { link: link.to_link(), order, methods })
    }

    /// Opens the checkout for the payment link in a QR code picture (base64, as the UI read
    /// the file).
    pub fn checkout_qr(&self, picture_base64: &str) -> Result<Checkout, AppError> {
        use base64::Engine;
        self.require_account()?;
        if picture_base64.len() > MAX_QR_IMAGE_BYTES / 3 * 4 + 4 {
            return Err(AppError::new(ErrorCode::LinkInvalid, "the picture is too large"));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(picture_base64.trim())
            .map_err(|_| AppError::new(ErrorCode::InputInvalid, "the picture could not be read"))?;
        let link = link_from_qr_image(&bytes)?;
        self.checkout(&link.to_link())
    }

    /// The signed-in person's points (积分): one per whole yuan paid to merchants, less what
    /// refunds took back.
    pub fn points(&self) -> Result<i64, AppError> {
        let account = self.require_account()?;
        Ok(self.db().query_row(
            "SELECT coalesce(sum((amount_fen - refunded_fen) / 100), 0) FROM payments
             WHERE account_id = ?1 AND kind = 'merchant' AND status IN ('succeeded', 'refunded', 'partially_refunded')",
            [account],
            |r| r.get(0),
        )?)
    }

    /// A refund the acquirer announced: asked for, then recorded once (its id is the key) with
    /// the payment's refunded sum raised in the same transaction, never past what was paid.
    /// Needs no session: the merchant refunds whether the payer is signed in or not.
    pub fn refund_arrived(&self, notice: &RefundNotice) -> Result<PaymentView, AppError> {
        let acquirer = self.acquirer()?;
        let r = self.acquire(|o| acquirer.refund(&notice.refund_id, o))?;
        let key = format!("refund-{}", r.id);
        super::check_key(&key)?;
        let now = self.clock.now();
        let id = {
            let mut db = self.db();
            let tx = db.transaction()?; // BEGIN IMMEDIATE
            let original: Option<(i64, AccountId)> = tx
                .query_row(
                    "SELECT id, account_id FROM payments WHERE idem_key = ?1 AND kind = 'merchant' AND order_id = ?2",
                    params![r.payment_key, r.order],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            let Some((paid_id, account)) = original else {
                return Err(AppError::new(ErrorCode::PaymentNotFound, "the refund names no payment of this wallet"));
            };
            if let Some(done) = tx
                .query_row("SELECT id FROM payments WHERE idem_key = ?1", [&key], |row| row.get::<_, i64>(0))
                .optional()?
            {
                drop(tx);
                drop(db);
                return self.payment_view(account, done);
            }
            let raised = tx.execute(
                "UPDATE payments SET refunded_fen = refunded_fen + ?2, updated_at = ?3,
                        status = CASE WHEN refunded_fen + ?2 = amount_fen THEN 'refunded' ELSE 'partially_refunded' END
                 WHERE id = ?1 AND status IN ('succeeded', 'partially_refunded') AND refunded_fen + ?2 <= amount_fen",
                params![paid_id, r.amount_fen, now],
            )?;
            if raised == 0 {
                return Err(AppError::new(
                    ErrorCode::RefundExceedsPayment,
                    "the refund is more than what is left of the payment",
                ));
            }
            let status: PaymentStatus =
                tx.query_row("SELECT status FROM payments WHERE id = ?1", [paid_id], |row| row.get(0))?;
            event(&tx, paid_id, status, None, now)?;
            tx.execute(
                "INSERT INTO payments (idem_key, account_id, kind, amount_fen, dest_card, payee_name_masked, merchant_number,
                                       order_id, order_title, refund_of, status, created_at, updated_at)
                 SELECT ?1, account_id, 'refund', ?2, source_card, payee_name_masked, merchant_number, order_id,
                        order_title, id, 'pending', ?3, ?3
                 FROM payments WHERE id = ?4",
                params![key, r.amount_fen, now, paid_id],
            )?;
            let id = tx.last_insert_rowid();
            event(&tx, id, PaymentStatus::Pending, None, now)?;
            fail::fail_point!("refund::before_post", |_| Err(fail_error()));
            let p = tx.query_row(&format!("SELECT {STORED} FROM payments WHERE id = ?1"), [id], stored)?;
            ledger::journal(&tx, id, ledger::Phase::Post, &p.post_legs(), now)?;
            set_status(&tx, id, PaymentStatus::Succeeded, "done", None, None, now)?;
            tx.commit()?;
            tracing::info!(payment = paid_id, refund = id, "merchant refund recorded");
            (id, account)
        };
        self.payment_view(id.1, id.0)
    }
}
