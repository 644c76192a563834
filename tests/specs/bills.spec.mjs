// Bills (生活缴费): an electricity bill looked up (户名 *三, due ¥123.45), saved as 我家, paid
// and kept across a restart; a prepayment below ¥10 refused; a mobile top-up by face value; an
// unknown 户号 and the billers' nightly maintenance refused with their codes.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid, type } from "../lib/dom.mjs";
import { violations } from "../lib/axe.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";
import * as bills from "../pages/bills.mjs";

test("an electricity bill: looked up, saved as 我家, paid with its receipt, the saved account there after a restart", async ({ app, b }) => {
  await money.p1WithMoney(b, "500");
  await bills.lookUp(b, "electricity", "1000000001");
  assert.equal(await text(b, "bill-holder"), "*三");
  assert.equal(await (await el(b, "bill-due")).getAttribute("data-amount-fen"), "12345");
  assert.equal(await (await el(b, "amount")).getValue(), "123.45", "the due prefilled");
  assert.deepEqual(await violations(b), [], "axe on the bill form");
  await type(b, "bill-nickname", "我家");
  await click(b, "bill-save");
  const saved = await el(b, "bill-saved-item", 10_000);
  assert.match(await saved.getText(), /我家/);
  // Less than due is refused with the due named.
  await type(b, "amount", "100");
  await type(b, "paypwd-input", "258036");
  await click(b, "bill-submit");
  assert.equal(await errorCode(b, null, 20_000), "AMOUNT_INVALID");
  assert.match(await text(b, "error"), /123\.45/);
  assert.equal(await bills.pay(b, { amount: "123.45" }), "succeeded");
  const receipt = await el(b, "bill-receipt");
  assert.match(await receipt.getText(), /国网北京市电力公司/);
  assert.match(await receipt.getText(), /100\*\*\*\*001/);
  assert.match(await text(b, "bill-reference"), /^BILL/);
  assert.deepEqual(await violations(b), [], "axe on the receipt");
  assert.equal(await money.balance(b), 50000 - 12345);
  // After a restart the saved account is still there and opens the account (nothing due now).
  await app.restart();
  const b2 = app.browser;
  await auth.waitLogin(b2);
  await auth.login(b2, P1.phone);
  await click(b2, "nav-bills");
  await (await el(b2, "bill-saved-item", 15_000)).click();
  await el(b2, "bill-pay", 20_000);
  assert.equal(await (await el(b2, "bill-due")).getAttribute("data-amount-fen"), "0");
  await click(b2, "nav-history");
  const [first] = await money.historyItems(b2);
  assert.equal(first.kind, "bill");
  await (await b2.$(`${tid("history-item")}[data-id="${first.id}"]`)).click();
  assert.match(await text(b2, "bill-receipt"), /BILL/);
});

test("a prepayment below ¥10 is refused, a mobile top-up pays a face value, an unknown 户号 and the nightly maintenance are refused", async ({ b }) => {
  await money.p1WithMoney(b, "500");
  await bills.lookUp(b, "electricity", "1000000002");
  assert.equal(await (await el(b, "bill-due", 20_000)).getAttribute("data-amount-fen"), "0");
  await type(b, "amount", "9.99");
  await type(b, "paypwd-input", "258036");
  await click(b, "bill-submit");
  assert.equal(await errorCode(b, null, 20_000), "AMOUNT_INVALID");
  assert.equal(await bills.pay(b, { amount: "10" }), "succeeded");
  // Mobile: the carrier named from the prefix; ¥50 chosen from the faces, paid from T01.
  await click(b, "bill-again");
  await bills.lookUp(b, "mobile", "13012345678");
  assert.equal(await text(b, "bill-carrier"), "中国联通");
  assert.equal((await b.$$(tid("bill-face"))).length, 4);
  await (await b.$(`${tid("bill-face")}[data-amount-fen="5000"]`)).click();
  const t01 = await (await b.$(`${tid("source")} option:nth-child(2)`)).getAttribute("value");
  assert.equal(await bills.pay(b, { source: t01 }), "succeeded");
  // An unknown 户号.
  await click(b, "bill-again");
  await bills.lookUp(b, "gas", "3000000009");
  assert.equal(await errorCode(b, null, 20_000), "BILL_ACCOUNT_NOT_FOUND");
  // 23:40 on the mock clock: the billers are in maintenance until 00:30.
  const now = Number(await (await el(b, "mock-clock")).getAttribute("data-now"));
  const shanghai = new Date(now + 8 * 3600_000);
  const minutes = (24 * 60 + 23 * 60 + 40 - (shanghai.getUTCHours() * 60 + shanghai.getUTCMinutes())) % (24 * 60);
  if (minutes > 0) await cards.advanceClock(b, minutes);
  if (await (await b.$(tid("lock-screen"))).isExisting()) await cards.unlock(b);
  await bills.lookUp(b, "water", "2000000001");
  assert.equal(await errorCode(b, null, 20_000), "BILLER_UNAVAILABLE");
  assert.match(await text(b, "error"), /00:30/);
  assert.equal(await money.balance(b), 50000 - 1000);
});
