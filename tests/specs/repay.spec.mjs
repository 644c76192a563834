// Credit-card repayment: T13's statement on its detail (本期账单 ¥2,345.67, 最低 ¥234.57, due
// 2026-12-25), home's reminder from 3 days before, repaid from the balance with the fee past the
// month's free ¥2,000 shown before the password; T43 (P2's) repaid by number and holder name
// from T01 with its fee; a debit card's number refused.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid, type } from "../lib/dom.mjs";
import { violations } from "../lib/axe.mjs";
import { P1, PAY_PASSWORD } from "../lib/identities.mjs";
import { CARDS, CVVS } from "../lib/cards.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";

async function bindT13(b) {
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T13, expiry: "12/30", cvv: CVVS.T13 });
  await bind.submitCard(b);
  const code = await bind.codeFromPhone(b, P1.phone);
  await bind.enterOtp(b, code);
  await el(b, "bind-success", 30_000);
}

async function fee(b, fen) {
  const f = await el(b, "repay-fee", 20_000);
  await b.waitUntil(async () => (await f.getAttribute("data-amount-fen")) === fen, { timeout: 20_000, timeoutMsg: `fee not ${fen}` });
}

test("T13's statement is repaid from the balance with the fee shown first; home reminds 3 days before it is due", async ({ b }) => {
  await money.p1WithMoney(b, "3000");
  await bindT13(b);
  await click(b, "nav-home");
  const reminder = await el(b, "repay-reminder", 20_000);
  assert.equal(await reminder.getAttribute("data-due"), "2026-12-25");
  await cards.openCard(b, "0137");
  await click(b, "repay");
  assert.equal(await (await el(b, "repay-statement", 20_000)).getAttribute("data-amount-fen"), "234567");
  assert.equal(await (await el(b, "repay-minimum")).getAttribute("data-amount-fen"), "23457");
  assert.equal(await text(b, "repay-due-date"), "2026-12-25");
  // The statement: ¥345.67 over the free ¥2,000, 0.1 % rounded up: ¥0.35, shown before the password.
  await fee(b, "35");
  assert.deepEqual(await violations(b), [], "axe on the repayment");
  await type(b, "paypwd-input", PAY_PASSWORD);
  await click(b, "repay-submit");
  assert.equal(await (await el(b, "repay-result", 30_000)).getAttribute("data-status"), "succeeded");
  assert.equal(await money.balance(b), 300000 - 234567 - 35);
  await click(b, "nav-home");
  await b.waitUntil(async () => !(await (await b.$(tid("repay-reminder"))).isExisting()), { timeout: 20_000, timeoutMsg: "still reminded" });
}, { env: { TONGBAO_MOCK_NOW: "2026-12-22T10:00:00+08:00" } });

test("someone else's card (T43) is repaid by number and holder name from T01; a debit card's number is refused", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await click(b, "nav-pay");
  await click(b, "repay");
  await (await el(b, "repay-target")).selectByAttribute("value", "other");
  await type(b, "repay-card-number", CARDS.T01);
  await type(b, "repay-holder-name", "张三");
  await type(b, "amount", "10");
  await type(b, "paypwd-input", PAY_PASSWORD);
  assert.equal(await errorCode(b, null, 20_000), "CARD_TYPE_NOT_SUPPORTED");
  await type(b, "repay-card-number", "6253300000010434");
  await type(b, "repay-holder-name", "李四");
  await type(b, "amount", "888.88");
  const t01 = await (await b.$(`${tid("source")} option:nth-child(2)`)).getAttribute("value");
  await (await el(b, "source")).selectByAttribute("value", t01);
  await fee(b, "0");
  await type(b, "paypwd-input", PAY_PASSWORD);
  await click(b, "repay-submit");
  assert.equal(await (await el(b, "repay-result", 30_000)).getAttribute("data-status"), "succeeded");
  assert.match(await text(b, "repay-result"), /\*四/);
  assert.equal(await money.balance(b), 10000, "T01 paid it, not the balance");
});
