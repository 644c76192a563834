// Paying merchants: an order made in the merchant's till (mock column) is paid three ways — a
// pasted link (with T01 and the O1 offer), a QR code picture (from the balance) and a
// `tongbao://pay` link the OS hands to a second start — the till sees it paid, points show on
// home, a partial refund comes back as its own entry; and each refusal says why.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import path from "node:path";
import { APP, ARTIFACTS, test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid, type } from "../lib/dom.mjs";
import { violations } from "../lib/axe.mjs";
import * as money from "../pages/money.mjs";
import * as cards from "../pages/cards.mjs";
import * as merchant from "../pages/merchant.mjs";

const EXPORT_DIR = path.join(ARTIFACTS, "exports");
/** M01's signing key, as the fixture publishes it (hex). */
const M01_KEY = "6d30312d746f6e6762616f2d6d65726368616e742d6b65792d666f722d746573";

/** A link to `order` at M01 signed as the merchant signs it. */
function signed(order) {
  const text = `v=1&m=100000000001&o=${order}`;
  return `tongbao://pay?${text}&sig=${createHmac("sha256", Buffer.from(M01_KEY, "hex")).update(text).digest("hex")}`;
}

async function t01Id(b) {
  const m = await b.$$(tid("checkout-method"));
  for (const x of m) if ((await x.getAttribute("data-discount-fen")) === "200") return x.getAttribute("data-id");
  return null;
}

test("a pasted link paid with T01 gets O1, the merchant sees it paid, points show, a partial refund comes back", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  const link = await merchant.createOrder(b, "M01", "矿泉水", "25");
  assert.match(link, /^tongbao:\/\/pay\?v=1&m=100000000001&o=O[0-9A-F]+&sig=[0-9a-f]{64}$/);
  await merchant.pasteLink(b, link);
  await el(b, "checkout", 20_000);
  const m = await el(b, "checkout-merchant");
  assert.equal(await m.getText(), "通宝便利店");
  assert.equal(await m.getAttribute("data-verified"), "true");
  assert.equal(await text(b, "checkout-title"), "矿泉水");
  assert.equal(await (await el(b, "checkout-amount")).getAttribute("data-amount-fen"), "2500");
  const card = await t01Id(b);
  assert.ok(card, "T01 gets O1 (满20减2)");
  assert.equal(await (await b.$(`${tid("checkout-method")}[data-id="balance"]`)).getAttribute("data-discount-fen"), "0");
  assert.deepEqual(await violations(b), [], "axe on the checkout");
  // The way with the offer is chosen; 实付 ¥23.00.
  assert.equal(await (await el(b, "checkout-total")).getAttribute("data-amount-fen"), "2300");
  assert.equal(await (await el(b, "checkout-discount")).getAttribute("data-amount-fen"), "200");
  assert.equal(await merchant.payAtCheckout(b, card), "succeeded");
  assert.match(await text(b, "checkout-result"), /支付成功/);
  assert.equal(await (await el(b, "checkout-points")).getAttribute("data-points"), "23");
  assert.deepEqual(await violations(b), [], "axe on the result");
  await merchant.orderStatus(b, "paid");
  assert.match(await text(b, "mock-order-payment-ref"), /ACQ/);
  await click(b, "checkout-back");
  const points = await el(b, "points");
  await b.waitUntil(async () => (await points.getAttribute("data-points")) === "23", { timeout: 10_000 });
  // The merchant refunds ¥5: the card gets it back, the payment shows 部分退款, the refund is its own entry.
  await type(b, "mock-order-refund-amount", "5");
  await click(b, "mock-order-refund");
  await merchant.orderStatus(b, "partially_refunded");
  await click(b, "nav-history");
  await b.waitUntil(async () => (await money.historyItems(b))[0]?.kind === "refund", { timeout: 15_000 });
  const [refund, paid] = await money.historyItems(b);
  assert.deepEqual([refund.kind, refund.direction, refund.fen], ["refund", "in", 500]);
  assert.deepEqual([paid.kind, paid.status, paid.fen], ["merchant", "partially_refunded", 2300]);
  await (await b.$(`${tid("history-item")}[data-id="${refund.id}"]`)).click();
  await click(b, "history-refund-of");
  await b.waitUntil(async () => (await (await el(b, "history-detail")).getAttribute("data-id")) === paid.id);
  assert.equal(await (await el(b, "history-refunded")).getAttribute("data-amount-fen"), "500");
  await click(b, "nav-home");
  await b.waitUntil(async () => (await (await el(b, "points")).getAttribute("data-points")) === "18", { timeout: 10_000 });
});

test("a QR code picture opens the checkout and the balance pays", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await merchant.createOrder(b, "M02", "耳机", "12.34");
  await click(b, "mock-order-qr");
  const png = await (await el(b, "mock-order-qr-path", 20_000)).getAttribute("data-path");
  await click(b, "nav-pay");
  await (await el(b, "pay-qr-file")).addValue(png);
  await el(b, "checkout", 20_000);
  assert.equal(await text(b, "checkout-merchant"), "云端商城");
  assert.equal(await merchant.payAtCheckout(b, "balance"), "succeeded");
  await merchant.orderStatus(b, "paid");
  assert.equal(await money.balance(b), 10000 - 1234);
}, { env: { TONGBAO_EXPORT_DIR: EXPORT_DIR } });

test("a tongbao://pay link handed to a second start opens the checkout in the running wallet", async ({ b, app }) => {
  await money.p1WithMoney(b, "100");
  const link = await merchant.createOrder(b, "M02", "充电器", "8");
  await click(b, "nav-history");
  const child = spawn(APP, [link], { env: app.env, stdio: "ignore" });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => (child.kill("SIGKILL"), resolve("still running")), 20_000);
    child.on("exit", (c) => (clearTimeout(timer), resolve(c)));
  });
  assert.equal(code, 0, "the second start hands the link over and exits");
  await el(b, "checkout", 20_000);
  assert.equal(await (await el(b, "checkout-amount")).getAttribute("data-amount-fen"), "800");
  assert.equal(await merchant.payAtCheckout(b, "balance"), "succeeded");
  await merchant.orderStatus(b, "paid");
});

test("each refusal says why: a changed link, an unknown order, a blocked merchant, a closed, a paid and an expired order", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  const link = await merchant.createOrder(b, "M02", "耳机", "10");
  // One character of the signature changed.
  const last = link.at(-1) === "0" ? "1" : "0";
  await merchant.pasteLink(b, link.slice(0, -1) + last);
  assert.equal(await errorCode(b, null, 20_000), "LINK_INVALID");
  assert.match(await text(b, "error"), /付款链接/);
  // Signed right, to an order the acquirer never made.
  await merchant.pasteLink(b, signed("O0000000000000001"));
  assert.equal(await errorCode(b, null, 20_000), "ORDER_NOT_FOUND");
  // A blocked merchant's order.
  await merchant.pasteLink(b, await merchant.createOrder(b, "M03", "手机壳", "10"));
  assert.equal(await errorCode(b, null, 20_000), "MERCHANT_BLOCKED");
  // Closed by the merchant.
  const closed = await merchant.createOrder(b, "M02", "数据线", "10");
  await click(b, "mock-order-close");
  await merchant.orderStatus(b, "closed");
  await merchant.pasteLink(b, closed);
  assert.equal(await errorCode(b, null, 20_000), "ORDER_CLOSED");
  // Paid once, refused the second time.
  const once = await merchant.createOrder(b, "M02", "贴膜", "10");
  await merchant.pasteLink(b, once);
  assert.equal(await merchant.payAtCheckout(b, "balance"), "succeeded");
  await merchant.pasteLink(b, once);
  assert.equal(await errorCode(b, null, 20_000), "ORDER_ALREADY_PAID");
  // Expired: 16 minutes later on the mock clock.
  const late = await merchant.createOrder(b, "M02", "支架", "10");
  await cards.advanceClock(b, 16);
  if (await (await b.$(tid("lock-screen"))).isExisting()) await cards.unlock(b);
  await merchant.pasteLink(b, late);
  assert.equal(await errorCode(b, null, 20_000), "ORDER_EXPIRED");
  assert.equal(await money.balance(b), 9000, "only the one order was paid");
});
