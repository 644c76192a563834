//! A crash (or a failed write, as "database is locked") at every step boundary of a payment —
//! `pay()`, `finish()` and the settlement — then a restart and a settlement: the invariants
//! hold. One test per fail point; each crashes a withdrawal (a hold and a card credit) and a
//! top-up (a card debit), by panic (the process dies there) and by error (the write failed).
//!
//! Invariants: the books balance; a payment acknowledged before the crash keeps its outcome;
//! nothing is pending without a future posting time; a key moved money at most once at the
//! bank and exactly when the wallet says it succeeded; integrity_check ok.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use fail::FailScenario;
use tongbao_core::money::ledger::{self, Acct};
use tongbao_core::money::payments::{PaymentInput, PaymentStatus};
use tongbao_core::platform::clock::{Clock, FakeClock};
use tongbao_core::Wallet;
use tongbao_mockbank::{Controls, FaultRates, MockBank};

mod common;
use common::money::*;
use common::*;

const KEY: &str = "crash-key-0001";

struct World {
    dir: tempfile::TempDir,
    clock: Arc<FakeClock>,
    bank: Arc<MockBank>,
    card: i64,
    /// The top-up acknowledged before the crash.
    acknowledged: i64,
    /// A ¥10 order at M02 (no offer under ¥20), for the merchant payments.
    order: String,
}

fn reopen(dir: &Path, bank: &Arc<MockBank>, clock: &Arc<FakeClock>) -> Wallet {
    let w = open_with_acquirer(dir, bank.clone(), clock.clone()); // start-up settles every account
    sign_in(&w, &P1);
    w
}

fn world() -> (World, Wallet) {
    let (dir, clock, bank, w) = on_disk(0);
    let card = bind(&w, &bank, "6222020000000010017", P1.phone, None).id;
    let acknowledged = pay(&w, topup(card, "100")).unwrap().id;
    let order = bank.create_order("M02", "耳机", "10").unwrap().link;
    (World { dir, clock, bank, card, acknowledged, order }, w)
}

fn check_invariants(w: &Wallet, world: &World, amount: i64) {
    w.money().balance().unwrap(); // settles the signed-in person's payments
    let now = world.clock.now();
    w.with_db_for_tests(|db| {
        ledger::audit_books(db).unwrap();
        assert!(tongbao_core::platform::storage::integrity_ok(db).unwrap());
        let stuck: i64 = db
            .query_row(
                "SELECT count(*) FROM payments WHERE status = 'pending' AND (posts_at IS NULL OR posts_at <= ?1)",
                [now],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stuck, 0, "a payment is stuck pending");
        assert_eq!(ledger::balance(db, Acct::InFlight(1)).unwrap(), 0, "money left in flight");
        let ack: String =
            db.query_row("SELECT status FROM payments WHERE id = ?1", [world.acknowledged], |r| r.get(0)).unwrap();
        assert_eq!(ack, "succeeded");
        let crashed: Option<String> =
            db.query_row("SELECT status FROM payments WHERE idem_key = ?1", [KEY], |r| r.get(0)).ok();
        let moved = world.bank.movements_for(KEY);
        assert!(moved <= 1, "the key moved money twice");
        match crashed.as_deref() {
            Some("succeeded") => assert_eq!(moved, 1, "succeeded in the wallet, not at the bank"),
            Some(other) => assert_eq!(moved, 0, "{other} in the wallet, but the bank moved the money"),
            None => assert_eq!(moved, 0, "the bank moved money the wallet has no record of"),
        }
        // The wallet's balance follows the outcome: ¥100 top-up, then ± the crashed payment.
        let balance = ledger::balance(db, Acct::Wallet(1)).unwrap();
        let expected = match crashed.as_deref() {
            Some("succeeded") => 10_000 + amount,
            _ => 10_000,
        };
        assert_eq!(balance, expected);
    });
}

/// Crashes the payment `input` at `point`: by panic with a restart, then by error in place.
fn crash_payment_at(point: &str, input: impl Fn(&World) -> PaymentInput, signed_amount: i64) {
    for action in ["panic", "return"] {
        let scenario = FailScenario::setup();
        let (world, w) = world();
        fail::cfg(point, action).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| pay_with(&w, KEY, input(&world), PAY_PASSWORD)));
        fail::remove(point);
        let fired = match action {
            "panic" => r.is_err(),
            _ => matches!(r, Ok(Err(_))),
        };
        assert!(fired, "{point} ({action}) was never reached");
        let w = if action == "panic" {
            drop(w); // the process died there
            reopen(world.dir.path(), &world.bank, &world.clock)
        } else {
            w
        };
        check_invariants(&w, &world, signed_amount);
        // The person's retry under the same key answers the one payment.
        let again = pay_with(&w, KEY, input(&world), PAY_PASSWORD);
        if let Ok(v) = again {
            assert_ne!(v.status, PaymentStatus::Pending);
        }
        check_invariants(&w, &world, signed_amount);
        scenario.teardown();
    }
}

fn withdraw_30(w: &World) -> PaymentInput {
    withdraw(w.card, "30")
}
fn topup_20(w: &World) -> PaymentInput {
    topup(w.card, "20")
}

/// A transfer to another person's card: a third counterparty (the payee checked at its bank,
/// the balance held while the credit runs) under the same pipeline and fail points.
fn to_card_10(_: &World) -> PaymentInput {
    to_card("6222020000000010231", "王五", "10", tongbao_core::money::payments::Arrival::Instant)
}

/// A merchant's order from the balance (held while the acquirer answers) and from a card (the
/// acquirer charges the card itself: the wallet's balance does not move).
fn order_from_balance(w: &World) -> PaymentInput {
    merchant(&w.order, None)
}
fn order_from_card(w: &World) -> PaymentInput {
    merchant(&w.order, Some(w.card))
}

/// A prepayment of an electricity account (nothing due) from the balance and from a card.
fn bill_from_balance(_: &World) -> PaymentInput {
    bill(tongbao_core::biller::BillKind::Electricity, "1000000002", "10", None)
}
fn bill_from_card(w: &World) -> PaymentInput {
    bill(tongbao_core::biller::BillKind::Electricity, "1000000002", "10", Some(w.card))
}

/// A repayment of T43 (P2's credit card, by number and name) from the balance; from T01.
fn repay_from_balance(_: &World) -> PaymentInput {
    PaymentInput {
        payee_card: Some(tongbao_core::platform::secrets::SecretString::new("6253300000010434")),
        payee_name: Some("李四".into()),
        ..input(tongbao_core::money::payments::PaymentKind::Repay, "10")
    }
}
fn repay_from_card(w: &World) -> PaymentInput {
    PaymentInput { card_id: Some(w.card), ..repay_from_balance(w) }
}

fn crash_both_at(point: &str) {
    crash_payment_at(point, withdraw_30, -3_000);
    crash_payment_at(point, topup_20, 2_000);
    crash_payment_at(point, to_card_10, -1_000);
    crash_payment_at(point, order_from_balance, -1_000);
    crash_payment_at(point, order_from_card, 0);
    crash_payment_at(point, bill_from_balance, -1_000);
    crash_payment_at(point, bill_from_card, 0);
    crash_payment_at(point, repay_from_balance, -1_000);
    crash_payment_at(point, repay_from_card, 0);
}

#[test]
fn crash_before_the_payment_is_recorded() {
    crash_both_at("pay::before_record");
}

#[test]
fn crash_before_the_record_commits() {
    crash_both_at("pay::before_commit");
}

#[test]
fn crash_after_the_record_before_the_bank_leg() {
    crash_both_at("pay::after_record");
}

#[test]
fn crash_before_the_leg_is_marked_sent() {
    crash_both_at("finish::before_sent");
}

#[test]
fn crash_after_marked_sent_before_the_bank_call() {
    crash_both_at("finish::after_sent");
}

#[test]
fn crash_after_the_bank_answered_before_it_is_applied() {
    crash_both_at("finish::after_bank");
}

#[test]
fn crash_before_the_answer_commits() {
    crash_both_at("settle::before_commit");
}

/// The settlement itself crashes: a payment whose answer was lost is settled at the next
/// list; the crash comes after the bank's inquiry answered.
#[test]
fn crash_in_the_settlement_after_the_inquiry() {
    for action in ["panic", "return"] {
        let scenario = FailScenario::setup();
        let (world, w) = world();
        world.bank.set_controls(Controls {
            faults: FaultRates { drop_reply: 1.0, ..FaultRates::default() },
            ..Controls::default()
        });
        assert!(pay_with(&w, KEY, withdraw_30(&world), PAY_PASSWORD).is_err(), "no answer: left pending");
        world.bank.set_controls(Controls::default());
        fail::cfg("settle::after_inquire", action).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| w.money().balance()));
        fail::remove("settle::after_inquire");
        assert!(matches!((action, &r), ("panic", Err(_)) | ("return", Ok(_))), "{action}: {r:?}");
        // Nothing lost: the payment is still pending, for the next settlement.
        let status: String = w
            .with_db_for_tests(|db| {
                db.query_row("SELECT status FROM payments WHERE idem_key = ?1", [KEY], |r| r.get(0))
            })
            .unwrap();
        assert_eq!(status, "pending", "{action}");
        let w = if action == "panic" {
            drop(w);
            reopen(world.dir.path(), &world.bank, &world.clock)
        } else {
            w
        };
        check_invariants(&w, &world, -3_000);
        assert_eq!(world.bank.movements_for(KEY), 1);
        let (status, failure): (String, Option<String>) = w
            .with_db_for_tests(|db| {
                db.query_row("SELECT status, failure FROM payments WHERE idem_key = ?1", [KEY], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
            })
            .unwrap();
        assert_eq!((status.as_str(), failure), ("succeeded", None), "{action}: settled, with no reason left over");
        scenario.teardown();
    }
}

/// Closing an account that dies after its cards were unbound and before its data is removed:
/// each card was unbound as an unbinding does (audited, its open edit abandoned), the account
/// is still there to sign in to, and closing again finishes.
#[test]
fn closing_an_account_that_stops_after_unbinding_its_cards() {
    use tongbao_core::accounts::security::CloseAccount;
    use tongbao_core::cards::audit::AuditEvent;
    use tongbao_core::cards::manage::CardUpdate;
    use tongbao_core::platform::secrets::SecretString;
    let scenario = FailScenario::setup();
    let (world, w) = world();
    pay(&w, withdraw(world.card, "100")).unwrap();
    // An edit left open: the new reserved phone checked by the bank, its SMS code not yet typed.
    let phone = "13900139000";
    world
        .bank
        .act(None, &tongbao_mockbank::BankAction::ChangePhone { card_id: "T01".into(), phone: phone.into() })
        .unwrap();
    let update = CardUpdate { card_id: world.card, phone: Some(phone.into()), expiry: None, cvv: None };
    w.cards().card_update_start(&update, NO_RETRY).unwrap();
    let close = CloseAccount { password: SecretString::new(PASSWORD) };
    fail::cfg("close::after_cards", "return").unwrap();
    let r = w.close_account(&close, NO_RETRY);
    fail::remove("close::after_cards");
    assert!(r.is_err(), "the fail point was reached");
    assert!(w.cards().list().unwrap().is_empty(), "the card is unbound");
    assert_eq!(w.cards().account_audit().unwrap()[0].event, AuditEvent::Unbound, "and audited as an unbinding");
    w.with_db_for_tests(|db| {
        let open: i64 = db
            .query_row("SELECT count(*) FROM card_updates WHERE stage IN ('verifying', 'otp', 'confirming')", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(open, 0, "its open edit abandoned");
    });
    assert!(world.bank.active_agreements("T01").is_empty(), "revoked at the bank");
    w.accounts().logout();
    sign_in(&w, &P1); // the account is still whole
    w.close_account(&close, NO_RETRY).unwrap();
    scenario.teardown();
}

/// Money that arrives while an account closes (after its cards were unbound, before its data is
/// removed) keeps the account open with that money: the emptiness is checked again in the
/// transaction that removes the data.
#[test]
fn money_arriving_while_an_account_closes_keeps_it_open() {
    use tongbao_core::accounts::security::CloseAccount;
    use tongbao_core::platform::error::ErrorCode;
    use tongbao_core::platform::secrets::SecretString;
    let scenario = FailScenario::setup();
    let (world, w) = world();
    pay(&w, withdraw(world.card, "100")).unwrap();
    // Another person, in a second app on the same files, with money to send.
    let other = Arc::new(open_in(world.dir.path(), world.bank.clone(), world.clock.clone()));
    register(&other, &P2);
    let card = bind(&other, &world.bank, "6222080000000010105", P2.phone, None).id;
    pay(&other, topup(card, "50")).unwrap();
    let sender = other.clone();
    fail::cfg_callback("close::after_cards", move || {
        pay(&sender, to_user(P1.phone, "10")).unwrap();
    })
    .unwrap();
    let err = w.close_account(&CloseAccount { password: SecretString::new(PASSWORD) }, NO_RETRY).unwrap_err();
    fail::remove("close::after_cards");
    assert_eq!((err.code, err.detail.as_deref()), (ErrorCode::AccountNotEmpty, Some("balance")));
    w.accounts().logout();
    sign_in(&w, &P1);
    assert_eq!(w.money().balance().unwrap(), 1_000, "the account and the money it received are kept");
    books(&w);
    scenario.teardown();
}

/// A refund stopped before it posts (its transaction never commits): nothing of it is kept —
/// the payment's refunded sum included — and the same notice later records it once.
#[test]
fn a_refund_stopped_before_it_posts_leaves_nothing_and_records_once_later() {
    use tongbao_core::money::payments::merchant::RefundNotice;
    let scenario = FailScenario::setup();
    let (world, w) = world();
    let paid = pay(&w, merchant(&world.order, None)).unwrap();
    let order = tongbao_core::acquirer::PayLink::parse(&world.order).unwrap().order;
    let notice = RefundNotice { refund_id: world.bank.refund_order(&order, "4").unwrap() };
    fail::cfg("refund::before_post", "return").unwrap();
    assert!(w.money().refund_arrived(&notice).is_err());
    fail::remove("refund::before_post");
    let kept: (i64, i64) = w
        .with_db_for_tests(|db| {
            db.query_row(
                "SELECT (SELECT refunded_fen FROM payments WHERE id = ?1), (SELECT count(*) FROM payments WHERE kind = 'refund')",
                [paid.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .unwrap();
    assert_eq!(kept, (0, 0));
    let refund = w.money().refund_arrived(&notice).unwrap();
    assert_eq!(w.money().refund_arrived(&notice).unwrap().id, refund.id);
    assert_eq!(ledger_balance(&w), 10_000 - 1_000 + 400);
    w.with_db_for_tests(ledger::audit_books).unwrap();
    scenario.teardown();
}

fn ledger_balance(w: &Wallet) -> i64 {
    w.with_db_for_tests(|db| ledger::balance(db, Acct::Wallet(1))).unwrap()
}
