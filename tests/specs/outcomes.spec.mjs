// Every catalogue outcome a tester can reach from a published test card or a test-mode
// control (tests/README.md): the code, the bank code, Rust's verdict on the error
// (data-category, data-retry, data-remedy), and what ends it.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid } from "../lib/dom.mjs";
import { P1, P3 } from "../lib/identities.mjs";
import { CARDS, CVVS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";

/** Tries to bind `id` as P1 and answers the failure shown with its verdict. */
async function refused(b, id, extra = {}) {
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS[id], ...extra });
  await bind.submitCard(b);
  const e = await el(b, "bind-error", 60_000);
  return {
    code: await e.getAttribute("data-error-code"),
    category: await e.getAttribute("data-category"),
    remedy: await e.getAttribute("data-remedy"),
    retry: await (await el(b, "bind-retry-helps")).getAttribute("data-retry"),
    bankCode: await b.$(tid("bind-bank-code")).then((x) => x.isExisting().then((y) => (y ? x.getText() : ""))),
    steps: await text(b, "bind-remedy"),
  };
}

async function p1(b) {
  await auth.waitLogin(b);
  await auth.register(b, P1);
}

test("T24: 96 until the bank restores service, then the retry binds", async ({ b }) => {
  await p1(b);
  const f = await refused(b, "T24");
  assert.deepEqual([f.code, f.category, f.retry, f.remedy], ["BANK_SYSTEM_ERROR", "bank_system", "yes", "wait_and_retry"]);
  assert.match(f.bankCode, /96/);
  assert.ok(f.steps.length > 10, "the remedy has steps");
  await bind.bankCounter(b, "T24", "restoreService");
  await click(b, "bind-retry");
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});

test("T25 stays busy: the retries are shown, then BANK_UNAVAILABLE (91) is final", async ({ b }) => {
  await p1(b);
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T25 });
  await bind.submitCard(b);
  await b.waitUntil(async () => /正在重试/.test(await text(b, "bind-progress").catch(() => "")), {
    timeout: 20_000,
    timeoutMsg: "the automatic retry was not shown",
  });
  const e = await el(b, "bind-error", 60_000);
  assert.equal(await e.getAttribute("data-error-code"), "BANK_UNAVAILABLE");
  assert.match(await text(b, "bind-bank-code"), /91/);
  assert.equal(await (await el(b, "bind-retry-helps")).getAttribute("data-retry"), "yes");
});

test("T28 stolen is CARD_LOST with 43; T31 and T32 are refused by the bank with 57 and 15", async ({ b }) => {
  await p1(b);
  const stolen = await refused(b, "T28");
  assert.deepEqual([stolen.code, stolen.retry, stolen.remedy], ["CARD_LOST", "no", "use_another_card"]);
  assert.match(stolen.bankCode, /43/);
  await click(b, "nav-home");
  const prepaid = await refused(b, "T31");
  assert.deepEqual([prepaid.code, prepaid.category], ["CARD_TYPE_NOT_SUPPORTED", "card_type"]);
  assert.match(prepaid.bankCode, /57/);
  await click(b, "nav-home");
  const noRoute = await refused(b, "T32");
  assert.deepEqual([noRoute.code, noRoute.category], ["BANK_NOT_SUPPORTED", "card_type"]);
  assert.match(noRoute.bankCode, /15/);
});

test("UPGRADE_REQUIRED from the version floor, its remedy, then binding again", async ({ b }) => {
  await p1(b);
  await bind.openBind(b);
  await bind.versionFloor(b, "9.0.0");
  const f = await refused(b, "T01");
  assert.deepEqual([f.code, f.category, f.retry, f.remedy], ["UPGRADE_REQUIRED", "wallet_fault", "after_update", "update_app"]);
  assert.match(f.steps, /更新/);
  await bind.versionFloor(b, "0.0.0");
  await click(b, "bind-retry");
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});

test("T26 allows two top-ups a day; the third is FREQUENCY_EXCEEDED (65)", async ({ b }) => {
  await p1(b);
  await bind.bindDebit(b, CARDS.T26);
  for (const amount of ["10", "20"]) {
    await money.fund(b, "topup", "0264", amount);
    await money.confirm(b);
    assert.equal(await money.resultStatus(b), "succeeded");
  }
  await money.fund(b, "topup", "0264", "30");
  await money.confirm(b);
  assert.equal(await errorCode(b, null, 20_000), "FREQUENCY_EXCEEDED");
  assert.equal(await money.balance(b), 3000);
});

test("T27: a 2-hour transfer to a closed account is 已退回 when it posts, and the money is back", async ({ b }) => {
  await p1(b);
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "500");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await money.toCard(b, CARDS.T27, P3.realName, "200", "two_hours");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "pending");
  await cards.advanceClock(b, 121);
  await cards.unlock(b).catch(() => {}); // a jump past the auto-lock time locks the session
  await click(b, "nav-history");
  let items = [];
  await b.waitUntil(async () => {
    items = await money.historyItems(b);
    return items[0]?.status === "returned";
  }, { timeout: 20_000, timeoutMsg: "the transfer was not returned" });
  await (await b.$(`${tid("history-item")}[data-id="${items[0].id}"]`)).click();
  const timeline = await el(b, "history-timeline");
  const states = [];
  for (const li of await timeline.$$("li")) states.push(await li.getAttribute("data-status"));
  assert.deepEqual(states, ["pending", "returned"]);
  assert.equal(await money.balance(b), 50000, "the ¥200 came back");
});

test("BIND_COOLDOWN after five failures of one card, until shown; an hour later it binds", async ({ b }) => {
  await p1(b);
  for (let i = 0; i < 5; i++) {
    const f = await refused(b, "T13", { expiry: "1230", cvv: "999" });
    assert.equal(f.code, "CVV_MISMATCH", `attempt ${i + 1}`);
    await click(b, "nav-home");
  }
  const cool = await refused(b, "T13", { expiry: "1230", cvv: "999" });
  assert.deepEqual([cool.code, cool.retry], ["BIND_COOLDOWN", "later"]);
  assert.match(cool.steps, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/, "the remedy says until when");
  await cards.advanceClock(b, 61);
  await cards.unlock(b).catch(() => {});
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T13, expiry: "1230", cvv: CVVS.T13 });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});
