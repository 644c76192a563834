// Trust before money leaves: the payee check's four outcomes for transfers to a card (T23 with
// 王五 and 王伍, a wrong name, T42 unchecked), a reported account (T41), and the first-time note
// that a payee paid before never gets again — twenty payments, no warning.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid, type, waitGone } from "../lib/dom.mjs";
import { P1, P2, PAY_PASSWORD } from "../lib/identities.mjs";
import * as sec from "../pages/security.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as money from "../pages/money.mjs";

const EXPORT_DIR = path.join(ARTIFACTS, "exports");
const T41 = "6222020000000010413";
const T42 = "6222020000000010421";

async function rules(b) {
  const out = [];
  for (const w of await b.$$(tid("risk-warning"))) out.push(await w.getAttribute("data-rule"));
  return out;
}

test("match, close match confirmed by the bank's masked name, no match, and a reported account", async ({ b }) => {
  await money.p1WithMoney(b, "1000");
  // Match: the first payment to T23 says it is a first.
  await money.toCard(b, CARDS.T23, "王五", "10");
  assert.equal(await (await el(b, "payee-check", 20_000)).getAttribute("data-outcome"), "match");
  assert.deepEqual(await rules(b), ["first_time_payee"]);
  assert.match(await text(b, "risk-warning"), /安全账户/);
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  // Close match: 王伍 for 王五 — the bank's *五 is shown, and nothing is paid before 确认是此人.
  await click(b, "nav-home");
  await money.toCard(b, CARDS.T23, "王伍", "10");
  const check = await el(b, "payee-check", 20_000);
  assert.equal(await check.getAttribute("data-outcome"), "close");
  assert.equal(await text(b, "payee-confirm-name"), "*五");
  assert.deepEqual(await rules(b), [], "T23 was paid before: no first-time note");
  assert.equal(await (await el(b, "paypwd-submit")).isEnabled(), false, "no payment before the answer");
  await click(b, "payee-confirm");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  // No match: refused before the password.
  await click(b, "nav-home");
  await money.toCard(b, CARDS.T23, "王六", "10");
  assert.equal(await errorCode(b, null), "PAYEE_NAME_MISMATCH");
  assert.equal(await (await el(b, "payee-check")).getAttribute("data-outcome"), "none");
  // Reported for fraud: refused, with 96110.
  await money.toCard(b, T41, "李四", "10");
  assert.equal(await errorCode(b, null, 20_000), "PAYEE_REPORTED");
  assert.match(await text(b, "error"), /96110/);
  // The close match is kept with its payment.
  await click(b, "nav-history");
  const items = await money.historyItems(b);
  await (await b.$(`${tid("history-item")}[data-id="${items[0].id}"]`)).click();
  assert.equal(await (await el(b, "history-payee-check")).getAttribute("data-outcome"), "close");
});

test("an unchecked name (T42) offers only a delayed, revocable arrival", async ({ b }) => {
  await money.p1WithMoney(b, "1000");
  await money.toCard(b, T42, "王五", "10", "instant");
  await el(b, "pay-confirm", 20_000);
  assert.equal(await (await el(b, "payee-check", 20_000)).getAttribute("data-outcome"), "unavailable");
  assert.deepEqual(await rules(b), ["first_time_payee", "payee_unchecked"]);
  assert.match(await text(b, "confirm-arrival"), /2 小时/);
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "pending");
  await el(b, "transfer-revoke");
});

test("no warning fatigue: twenty payments to a payee paid before show no warning", async ({ b }) => {
  await money.p1WithMoney(b, "1000", true);
  await money.toUser(b, P2.phone, "1");
  await el(b, "pay-confirm", 20_000);
  assert.deepEqual(await rules(b), ["first_time_payee"]);
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  let warnings = 0;
  for (let i = 0; i < 20; i++) {
    await click(b, "nav-home");
    await money.toUser(b, P2.phone, "1");
    await el(b, "pay-confirm", 20_000);
    warnings += (await rules(b)).length;
    await money.confirm(b);
    assert.equal(await money.resultStatus(b), "succeeded");
  }
  assert.equal(warnings, 0);
});

test("¥5,000 to a new payee asks the purpose; 投资理财 warns with 96110 and arrives in 2 hours", async ({ b }) => {
  await money.p1WithMoney(b, "6000");
  await money.toCard(b, CARDS.T23, "王五", "5000");
  await el(b, "pay-confirm", 20_000);
  assert.deepEqual(await rules(b), ["first_time_payee", "purpose_required"]);
  await type(b, "paypwd-input", PAY_PASSWORD);
  assert.equal(await (await el(b, "paypwd-submit")).isEnabled(), false, "no payment before the purpose");
  await (await el(b, "transfer-purpose")).selectByAttribute("value", "investment");
  await b.waitUntil(async () => (await rules(b)).includes("scam_investment"), { timeout: 15_000 });
  const warning = await b.$(`${tid("risk-warning")}[data-rule="scam_investment"]`);
  assert.match(await warning.getText(), /96110/);
  assert.match(await text(b, "confirm-arrival"), /2 小时/);
  await type(b, "paypwd-input", PAY_PASSWORD);
  await click(b, "paypwd-submit");
  assert.equal(await money.resultStatus(b), "pending");
  await el(b, "transfer-revoke");
});

test("within 24 hours of a payment-password change a transfer asks an SMS code on top", async ({ b }) => {
  const NEW_PAY = "147025";
  await money.p1WithMoney(b, "100", true);
  await sec.open(b);
  await type(b, "change-paypwd-current", PAY_PASSWORD);
  await type(b, "change-paypwd-new", NEW_PAY);
  await type(b, "change-paypwd-confirm", NEW_PAY);
  await click(b, "change-paypwd-submit");
  await waitGone(b, "error");
  await el(b, "toast");
  await click(b, "nav-home");
  await money.toUser(b, P2.phone, "1");
  await el(b, "pay-confirm", 20_000);
  assert.ok((await rules(b)).includes("step_up"));
  const before = await sec.latestSms(b, P1.phone);
  await click(b, "step-up-send");
  const code = await sec.newCode(b, before, P1.phone);
  await type(b, "step-up-code", code);
  await money.confirm(b, NEW_PAY);
  assert.equal(await money.resultStatus(b), "succeeded");
});

test("a transfer note is shown on the confirmation and in the history, and found by search", async ({ b }) => {
  await money.p1WithMoney(b, "100", true);
  await click(b, "nav-transfer");
  await click(b, "transfer-to-user");
  await type(b, "payee-phone", P2.phone);
  await el(b, "payee-masked-name");
  await type(b, "amount", "5");
  await type(b, "transfer-note", "周末聚餐");
  await click(b, "transfer-submit");
  assert.equal(await text(b, "confirm-note"), "周末聚餐");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await click(b, "nav-history");
  await type(b, "history-search", "聚餐");
  await b.waitUntil(async () => (await money.historyItems(b)).length === 1, { timeout: 15_000 });
  assert.match(await text(b, "history-note"), /周末聚餐/);
  await type(b, "history-search", "房租");
  await el(b, "history-empty", 15_000);
});

test("recent payees: a payee paid before is listed masked, fills the form, and can be removed", async ({ b }) => {
  await money.p1WithMoney(b, "100", true);
  await money.toUser(b, P2.phone, "1");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await click(b, "nav-home");
  await click(b, "nav-transfer");
  const item = await el(b, "recent-payee", 15_000);
  assert.equal(await item.getAttribute("data-kind"), "to_user");
  assert.match(await item.getText(), /\\*四/);
  await (await item.$("button")).click();
  assert.equal(await (await el(b, "payee-phone")).getValue(), P2.phone);
  await click(b, "recent-payee-remove");
  await waitGone(b, "recent-payee");
});

/** The receipt with its signed payload's fields changed by `edit` (a forger's first try). */
function forged(pdf, edit) {
  const text = pdf.toString("latin1");
  const mark = "tongbao-receipt-v1:";
  const at = text.indexOf(mark) + mark.length;
  const b64 = text.slice(at).match(/^[A-Za-z0-9+/=]+/)[0];
  const fields = JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
  edit(fields);
  const again = Buffer.from(JSON.stringify(fields), "utf8").toString("base64");
  return Buffer.from(text.split(b64).join(again), "latin1");
}

/** Opens `file` in 验证回单 and waits for the verdict `ok` ("true" / "false"); the result. */
async function verify(b, file, ok) {
  await (await el(b, "receipt-verify")).addValue(file);
  const r = await el(b, "receipt-verify-result", 20_000);
  await b.waitUntil(async () => (await r.isExisting()) && (await r.getAttribute("data-ok")) === ok, { timeout: 20_000 });
  return r;
}

test("a receipt (电子回单) is exported as a PDF, verified genuine, and refused once its amount or name is changed", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await click(b, "nav-transfer");
  await click(b, "transfer-to-card");
  await type(b, "payee-card", CARDS.T23);
  await type(b, "payee-name", "王五");
  await type(b, "amount", "12.34");
  await type(b, "transfer-note", "三月房租");
  await click(b, "transfer-submit");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await click(b, "nav-history");
  const [paid] = await money.historyItems(b);
  await (await b.$(`${tid("history-item")}[data-id="${paid.id}"]`)).click();
  await click(b, "receipt-export");
  const where = await (await el(b, "receipt-export-path", 30_000)).getAttribute("data-path");
  assert.match(where, /tongbao-receipt-TB\d{8}\d{8}-.*\.pdf$/);
  const pdf = readFileSync(where);
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.ok(!pdf.includes(CARDS.T23), "no card number in the receipt");
  await click(b, "history-detail-close");

  // Genuine: the app says so and what it says.
  const says = await (await verify(b, where, "true")).getText();
  assert.match(says, /真实有效/);
  assert.match(says, /张三 付款给 \*五 中国工商银行 尾号0231/);
  assert.match(says, /¥12\.34/);

  // A changed amount, then a changed payee: both refused, nothing vouched for.
  const more = path.join(EXPORT_DIR, `forged-amount-${Date.now()}.pdf`);
  writeFileSync(more, forged(pdf, (f) => (f.amountFen = 123_400)));
  let r = await verify(b, more, "false");
  assert.equal(await r.getAttribute("data-problem"), "altered");
  assert.doesNotMatch(await r.getText(), /¥1,234/);
  assert.ok(await verify(b, where, "true"));
  const renamed = path.join(EXPORT_DIR, `forged-name-${Date.now()}.pdf`);
  writeFileSync(renamed, forged(pdf, (f) => (f.payee = "*六 中国工商银行 尾号0231")));
  r = await verify(b, renamed, "false");
  assert.equal(await r.getAttribute("data-problem"), "altered");
  // Not a receipt at all.
  const other = path.join(EXPORT_DIR, `not-a-receipt-${Date.now()}.pdf`);
  writeFileSync(other, "%PDF-1.7\n%%EOF\n");
  await verify(b, where, "true");
  r = await verify(b, other, "false");
  assert.equal(await r.getAttribute("data-problem"), "not_a_receipt");
}, { env: { TONGBAO_EXPORT_DIR: EXPORT_DIR } });
