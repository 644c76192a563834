// The binding failures beyond the article's five causes (T33–T39): each is said once with its
// case, the troubleshooting center explains it, and the bank counter action it names fixes it.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, text, tid } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";

/** The failure shown for a card typed into a fresh binding form: code, case and words. */
async function refused(b, id) {
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS[id] });
  await bind.submitCard(b);
  const f = await bind.failure(b);
  const error = await el(b, "bind-error");
  return { ...f, detail: await error.getAttribute("data-detail"), message: await text(b, "error") };
}

test("T33, T34, T35, T38: the case is said, the center explains it, the counter fixes it, the retry binds", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const cases = [
    ["T33", "HOLDER_MISMATCH", "id_outdated", "updateId", /15 位身份证号/, /1999 年前/],
    ["T34", "PHONE_MISMATCH", "payroll_card", "changePhone", /代发工资卡/, /单位/],
    ["T35", "BANK_AGREEMENT_LIMIT", null, "releaseAgreement", /快捷支付协议已达银行上限/, /签满/],
    ["T38", "EPAY_DISABLED", "non_counter", "enableNonCounter", /无卡支付/, /柜台和 ATM/],
  ];
  for (const [id, code, detail, action, said, why] of cases) {
    const f = await refused(b, id);
    assert.equal(f.code, code, id);
    assert.equal(f.detail, detail, id);
    assert.match(f.message, said, id);
    assert.match(f.remedy, /95588/, `${id}: the remedy names ICBC's hotline`);
    // The troubleshooting center: why it happens, and the counter action for this case.
    await click(b, "bind-diagnose");
    await el(b, "diag-explain");
    assert.match(await text(b, "diag-why"), why, id);
    assert.equal(await (await el(b, "diag-action-bank")).getAttribute("data-action"), action, id);
    // A remedy that needs the bank also offers the bank's own app, next to the counter.
    if (code === "EPAY_DISABLED") await el(b, "diag-open-bank-app");
    await click(b, "diag-action-bank");
    assert.equal(await (await el(b, "mock-action")).getValue(), action, `${id}: the counter has the action selected`);
    if (action === "changePhone") await bind.bankCounter(b, id, action, P1.phone);
    else await click(b, "mock-action-apply");
    await el(b, "diag-counter-done", 20_000);
    await click(b, "diag-action-retry");
    await bind.submitCard(b);
    await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
    await el(b, "bind-success", 30_000);
  }
});

test("T36: a replaced card names the new card's 0017; 去绑新卡 empties the form but for the bank, and the new card binds", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T36 });
  await bind.submitCard(b);
  const f = await bind.failure(b);
  assert.equal(f.code, "CARD_REPLACED");
  assert.match(await text(b, "error"), /尾号 0017/);
  assert.match(await text(b, "bind-error-card"), /尾号 0363/);
  await click(b, "bind-new-card");
  const hint = await el(b, "bind-new-card-hint");
  assert.equal(await hint.getAttribute("data-last4"), "0017");
  assert.match(await hint.getText(), /工商银行新卡（尾号 0017）/);
  assert.equal(await (await el(b, "bind-number")).getValue(), "", "the old number is not filled in");
  await bind.fillCard(b, { number: CARDS.T01, phone: P1.phone });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});

test("T37: a class II account binds showing Ⅱ类户 and its limits; a ¥12,000 top-up names the limit", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T37);
  await cards.openCard(b, "0371");
  assert.equal(await (await el(b, "card-detail-class")).getAttribute("data-account-class"), "II");
  assert.match(await text(b, "card-detail-class"), /Ⅱ类户/);
  const limits = [];
  for (const l of await (await el(b, "card-detail-limits")).$$("[data-amount-fen]")) limits.push(await l.getAttribute("data-amount-fen"));
  assert.deepEqual(limits, ["1000000", "1000000"]);
  await el(b, "card-class-note");
  await money.fund(b, "topup", "0371", "12000");
  await money.confirm(b);
  const error = await el(b, "error", 20_000);
  assert.equal(await error.getAttribute("data-error-code"), "LIMIT_EXCEEDED");
  assert.equal(await error.getAttribute("data-detail"), "class_ii");
  assert.match(await error.getText(), /Ⅱ类户.*¥10,000\.00/);
});

test("T39: inside ABC's maintenance the bank says until 00:30 and nothing retries; the center says so; after it, it binds", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  // To 23:10 Shanghai time on the mock clock.
  const now = await bind.mockNow(b);
  const shanghai = new Date(now + 8 * 3_600_000);
  const minute = shanghai.getUTCHours() * 60 + shanghai.getUTCMinutes();
  const to2310 = (23 * 60 + 10 - minute + 24 * 60) % (24 * 60);
  if (to2310 > 0) {
    await cards.advanceClock(b, to2310);
    if (await (await b.$(tid("lock-screen"))).isExisting()) await cards.unlock(b);
  }
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T39 });
  await bind.submitCard(b);
  const f = await bind.failure(b);
  assert.equal(f.code, "BANK_UNAVAILABLE");
  assert.equal(await (await el(b, "bind-error")).getAttribute("data-detail"), "maintenance");
  assert.match(await text(b, "error"), /例行维护，预计 .*00:30 结束/);
  assert.equal(await (await b.$(tid("bind-progress"))).isExisting(), false, "no automatic retries");
  assert.equal(await (await el(b, "bind-retry-helps")).getAttribute("data-retry"), "later");
  // The troubleshooting check on the card says when the window ends.
  await click(b, "bind-diagnose");
  await el(b, "diag-why");
  await (await el(b, "diag-card-number")).setValue(CARDS.T39);
  await click(b, "diag-run");
  const card = await b.$(`${tid("diag-check")}[data-check="card_status"]`);
  await b.waitUntil(async () => (await card.isExisting()) && (await card.getText()).includes("00:30"), { timeout: 30_000 });
  assert.equal(await card.getAttribute("data-ok"), "false");
  // After 00:30 it binds.
  await cards.advanceClock(b, 81);
  if (await (await b.$(tid("lock-screen"))).isExisting()) await cards.unlock(b);
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T39 });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});
