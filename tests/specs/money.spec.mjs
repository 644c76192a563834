// Money (docs/features.md, money) through the app: balance, top-up, transfers to users and cards, the
// payment password, limits and codes, a revoked delayed transfer, history and its CSV, and a
// double click that pays once.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, test } from "../lib/harness.mjs";
import { click, el, errorCode, text, tid, type } from "../lib/dom.mjs";
import { P1, P2, SECRETS } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as money from "../pages/money.mjs";

const EXPORT_DIR = path.join(ARTIFACTS, "exports");

/** P1 registered (after P2 when `withP2`), T01 bound, `yuan` topped up. */
test("P1 tops up ¥1,000 from T01 and sends ¥200 to P2, who sees it", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P2);
  await auth.logout(b);
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "1,000");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  // The result says what happened in its own words, with the card, the time and when it arrives.
  assert.match(await text(b, "result-headline"), /充值成功/);
  assert.equal(await text(b, "result-arrival"), "实时到账");
  assert.equal(await money.balance(b), 100000);
  await money.toUser(b, P2.phone, "200");
  assert.match(await (await el(b, "confirm-payee")).getText(), /\*四/);
  assert.equal(await (await el(b, "confirm-fee")).getAttribute("data-amount-fen"), "0");
  assert.equal(await (await el(b, "confirm-remaining")).getAttribute("data-amount-fen"), String(20000000 - 20000));
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await money.balance(b), 80000);
  await auth.logout(b);
  await auth.login(b, P2.phone);
  assert.equal(await money.balance(b), 20000);
  await click(b, "nav-history");
  assert.deepEqual((await money.historyItems(b)).map((i) => [i.kind, i.direction, i.fen]), [["to_user", "in", 20000]]);
});

test("a payee phone typed with spaces, dashes or full-width digits names the payee and pays", async ({ b }) => {
  await money.p1WithMoney(b, "100", true);
  // Not cut at 11 characters, and looked up as Rust reads it: the payee's masked name shows.
  await money.toUser(b, "139 0013 9000", "1");
  assert.match(await (await el(b, "confirm-payee")).getText(), /\*四/);
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await click(b, "nav-home"); // leave the result screen: the transfer form opens afresh
  await money.toUser(b, "１３９-００１３-９０００", "2");
  assert.match(await (await el(b, "confirm-payee")).getText(), /\*四/);
});

test("to T23: the name 王五 is paid, another name is PAYEE_NAME_MISMATCH", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await money.toCard(b, CARDS.T23, "王六", "10");
  assert.equal(await errorCode(b, null), "PAYEE_NAME_MISMATCH");
  await money.toCard(b, CARDS.T23, "王五", "10");
  assert.equal(await (await el(b, "confirm-payee", 20_000)).getText(), "*五 工商银行(0231)", "the payee named before paying");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await money.balance(b), 9000);
});

test("T09 top-up of ¥100 is INSUFFICIENT_FUNDS, paid another way on the confirmation; T11 ¥6,000 is LIMIT_EXCEEDED", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T09);
  await bind.bindDebit(b, CARDS.T11);
  await money.fund(b, "topup", "0116", "6000");
  await money.confirm(b);
  assert.equal(await errorCode(b, null, 20_000), "LIMIT_EXCEEDED");
  await click(b, "nav-home");
  await money.fund(b, "topup", "0090", "100");
  await money.confirm(b);
  assert.equal(await errorCode(b, null, 20_000), "INSUFFICIENT_FUNDS");
  // 更换付款方式 on the confirmation itself: the amount is kept, the password asked again after.
  const offer = await el(b, "pay-change-source");
  let picked = false;
  for (const o of await offer.$$(tid("pay-source-option"))) {
    if ((await o.getText()).includes("0116")) {
      await o.click();
      picked = true;
      break;
    }
  }
  assert.ok(picked, "T11 is offered");
  await b.waitUntil(async () => (await text(b, "confirm-source")).includes("0116"), { timeout: 10_000 });
  assert.equal(await (await el(b, "confirm-amount")).getAttribute("data-amount-fen"), "10000");
  assert.equal(await (await el(b, "paypwd-input")).getValue(), "", "the password is asked for the new choice");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await money.balance(b), 10000);
});

test("5 wrong payment passwords lock payments (PAY_PASSWORD_LOCKED)", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await money.fund(b, "withdraw", "0017", "10");
  for (let i = 1; i <= 5; i++) {
    await money.confirm(b, "135790");
    const expected = i < 5 ? "PAY_PASSWORD_WRONG" : "PAY_PASSWORD_LOCKED";
    await b.waitUntil(async () => (await errorCode(b, "pay_password")) === expected, { timeout: 10_000 });
  }
  await money.confirm(b);
  await b.waitUntil(async () => (await errorCode(b, "pay_password")) === "PAY_PASSWORD_LOCKED", { timeout: 10_000 });
  assert.equal(await money.balance(b), 10000, "nothing withdrawn");
});

test("a 2-hour transfer to a card is revoked before it posts; the money comes back", async ({ b }) => {
  await money.p1WithMoney(b, "100");
  await money.toCard(b, CARDS.T23, "王五", "30", "two_hours");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "pending");
  await el(b, "result-posts");
  await click(b, "transfer-revoke");
  await b.waitUntil(async () => (await (await el(b, "transfer-result")).getAttribute("data-status")) === "revoked");
  assert.equal(await money.balance(b), 10000);
  await click(b, "nav-history");
  const items = await money.historyItems(b);
  assert.equal(items[0].status, "revoked");
  await (await b.$(`${tid("history-item")}[data-id="${items[0].id}"]`)).click();
  const timeline = await el(b, "history-timeline");
  const states = [];
  for (const li of await timeline.$$("li")) states.push(await li.getAttribute("data-status"));
  assert.deepEqual(states, ["pending", "revoked"]);
});

test("history filters by kind and exports CSV without card numbers", async ({ b }) => {
  await money.p1WithMoney(b, "500");
  await money.fund(b, "withdraw", "0017", "50");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await click(b, "nav-history");
  assert.deepEqual((await money.historyItems(b)).map((i) => i.kind), ["withdraw", "topup"]);
  await el(b, "history-chart");
  await (await el(b, "history-filter-kind")).selectByAttribute("value", "topup");
  await b.waitUntil(async () => (await money.historyItems(b)).every((i) => i.kind === "topup"), { timeout: 10_000 });
  assert.equal((await money.historyItems(b)).length, 1);
  await click(b, "history-export");
  const where = await (await el(b, "history-export-path", 20_000)).getAttribute("data-path");
  const csv = readFileSync(where, "utf8");
  assert.match(csv, /^id,created_at_ms,kind,direction,amount,status/);
  assert.match(csv, /topup,in,"¥500\.00",succeeded/);
  assert.doesNotMatch(csv, /withdraw/, "the filter applies to the export");
  for (const s of SECRETS) assert.ok(!csv.includes(s), "no secret in the CSV");
  // Dates are typed YYYY-MM-DD (full-width digits too); a date after today shows nothing.
  await type(b, "history-filter-from", "２０９９－０１－０１");
  await el(b, "history-empty", 10_000);
  await type(b, "history-filter-from", "2000-01-01");
  await b.waitUntil(async () => (await money.historyItems(b)).length === 1, { timeout: 10_000 });
}, { env: { TONGBAO_EXPORT_DIR: EXPORT_DIR } });

test("a double click on pay pays once", async ({ b }) => {
  await money.p1WithMoney(b, "100", true);
  await money.toUser(b, P2.phone, "20");
  await el(b, "pay-confirm");
  await (await el(b, "paypwd-input")).setValue("258036");
  await b.execute(() => {
    const button = document.querySelector("[data-testid='paypwd-submit']");
    button.click();
    button.click();
  });
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await money.balance(b), 8000);
  await click(b, "nav-history");
  assert.equal((await money.historyItems(b)).filter((i) => i.kind === "to_user").length, 1);
});
