// The troubleshooting center (docs/features.md, troubleshooting): explains a failure and acts on it, runs the
// checks (the bank offline shows), clears the cache, exports a report with no secret in it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, test } from "../lib/harness.mjs";
import { click, el, tid, type } from "../lib/dom.mjs";
import { P1, SECRETS } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";

const EXPORT_DIR = path.join(ARTIFACTS, "exports");

/** The checks shown: { check: [ok, code] }. */
async function checks(b, count) {
  await b.waitUntil(async () => (await b.$$(tid("diag-check"))).length === count && !(await (await b.$(tid("diag-progress"))).isExisting()), {
    timeout: 30_000,
    timeoutMsg: `${count} checks never finished`,
  });
  const out = {};
  for (const c of await b.$$(tid("diag-check"))) {
    out[await c.getAttribute("data-check")] = [await c.getAttribute("data-ok"), await c.getAttribute("data-error-code")];
  }
  return out;
}

/** P1 registered; binding T02 failed with CARD_NOT_ACTIVATED. */
async function p1AfterT02Fails(b) {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T02 });
  await bind.submitCard(b);
  assert.equal((await bind.failure(b)).code, "CARD_NOT_ACTIVATED");
}

test("a CARD_NOT_ACTIVATED failure is explained; the center opens the bank action and the retry binds", async ({ b }) => {
  await p1AfterT02Fails(b);
  await click(b, "bind-diagnose");
  const explain = await el(b, "diag-explain");
  // A screen of its own: no binding stepper around it, its heading focused, the nav on 帮助.
  assert.equal(await (await b.$(tid("bind-stepper"))).isExisting(), false, "not nested in the stepper");
  assert.equal(await b.execute(() => document.activeElement?.tagName), "H1");
  assert.equal(await (await el(b, "nav-help")).getAttribute("aria-current"), "page");
  assert.equal(await explain.getAttribute("data-error-code"), "CARD_NOT_ACTIVATED");
  assert.equal(await explain.getAttribute("data-category"), "inactive");
  assert.match(await explain.getText(), /95588/);
  await click(b, "diag-action-bank");
  await b.waitUntil(async () => (await (await el(b, "mock-action")).getValue()) === "activate");
  assert.equal(await (await el(b, "mock-action-card")).getValue(), "T02", "the failed card is selected");
  await click(b, "mock-action-apply");
  // It says what changed, and checks again.
  assert.match(await (await el(b, "diag-counter-done")).getText(), /卡片已激活（尾号 0025）/);
  await checks(b, 5);
  await click(b, "diag-action-retry");
  assert.equal((await (await el(b, "bind-number")).getValue()).replace(/ /g, ""), CARDS.T02, "the number is kept");
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});

test("checks pass, a card status inquiry tells EPAY_DISABLED, and the offline switch fails the bank check", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-help");
  await el(b, "diag-no-failure");
  await click(b, "diag-run");
  const healthy = await checks(b, 5);
  for (const c of ["bank", "app_version", "keychain", "database", "clock"]) assert.deepEqual(healthy[c], ["true", ""], c);
  await type(b, "diag-card-number", CARDS.T03);
  await click(b, "diag-run");
  assert.deepEqual((await checks(b, 6)).card_status, ["false", "EPAY_DISABLED"]);
  await click(b, "mock-offline");
  await click(b, "diag-run");
  const offline = await checks(b, 6);
  assert.deepEqual(offline.bank, ["false", "NETWORK_OFFLINE"]);
  assert.deepEqual(offline.card_status, ["false", "NETWORK_OFFLINE"]);
  assert.deepEqual(offline.database, ["true", ""], "local checks still pass");
  // What needs the bank could not run: 「未检查」, never 正常.
  const status = async (check) => (await b.$(`${tid("diag-check")}[data-check="${check}"]`)).getAttribute("data-status");
  assert.equal(await status("bank"), "failed");
  for (const c of ["app_version", "card_status", "clock"]) {
    assert.equal(await status(c), "not_run", c);
    assert.match(await (await b.$(`${tid("diag-check")}[data-check="${c}"]`)).getText(), /未检查/, c);
  }
  assert.equal(await status("database"), "ok");
});

test("the last failure is remembered across a restart and a sign-in, and a failed card change is explained", async ({ app, b }) => {
  await p1AfterT02Fails(b);
  await app.restart();
  b = app.browser;
  await auth.waitLogin(b);
  await auth.login(b, P1.phone);
  await el(b, "home-screen", 30_000);
  await click(b, "nav-help");
  const explain = await el(b, "diag-explain");
  assert.equal(await explain.getAttribute("data-error-code"), "CARD_NOT_ACTIVATED");
  const when = await el(b, "diag-last-when");
  assert.equal(await when.getAttribute("data-event"), "bind_failed");
  assert.match(await when.getText(), /\d{4}-\d{2}-\d{2} .*绑定失败 · 工商银行 尾号 0025/);
  assert.match(await explain.getText(), /95588/);
  // Bound after all: nothing left to explain. Then a phone change the bank refuses.
  await bind.bankCounter(b, "T02", "activate");
  await bind.bindDebit(b, CARDS.T02);
  await click(b, "nav-help");
  await el(b, "diag-no-failure");
  await click(b, "nav-cards");
  await click(b, "card-open");
  await type(b, "card-edit-phone", "13912345678");
  await click(b, "card-edit-submit");
  await el(b, "bind-error", 30_000);
  await click(b, "bind-diagnose");
  const edit = await el(b, "diag-explain");
  assert.equal(await edit.getAttribute("data-error-code"), "PHONE_MISMATCH");
  assert.equal(await (await el(b, "diag-last-when")).getAttribute("data-event"), "update_failed");
});

test("clear cache says what it cleared; the exported report has codes and checks but no secret", async ({ b }) => {
  await p1AfterT02Fails(b);
  await bind.bindDebit(b, CARDS.T01);
  // An unfinished binding for the cache to clear.
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T09 });
  await bind.submitCard(b);
  await bind.codeFromPhone(b, P1.phone);
  await click(b, "nav-help");
  assert.equal(await (await el(b, "diag-explain")).getAttribute("data-error-code"), "CARD_NOT_ACTIVATED");
  await click(b, "diag-clear-cache");
  assert.match(await (await el(b, "diag-clear-result")).getText(), /1 个未完成的绑卡/);
  // The checks run after the clear (it forgets the last ones): the report carries these.
  await type(b, "diag-card-number", CARDS.T02);
  await click(b, "diag-run");
  await checks(b, 6);
  await click(b, "diag-export");
  const where = await (await el(b, "diag-export-path", 20_000)).getAttribute("data-path");
  assert.ok(where.startsWith(EXPORT_DIR), where);
  const report = readFileSync(where, "utf8") + readFileSync(where.replace(/\.txt$/, ".json"), "utf8");
  assert.match(report, /CARD_NOT_ACTIVATED/);
  assert.match(report, /card_status/);
  for (const s of [...SECRETS, ...bind.seenCodes]) assert.ok(!report.includes(s), `the report contains ${s.slice(0, 3)}…`);
}, { env: { TONGBAO_EXPORT_DIR: EXPORT_DIR } });
