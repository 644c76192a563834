// Card management (docs/features.md, managing cards): edits that save at once, edits the bank verifies with an
// SMS code, T15's renewal on the mock clock, unbinding with the payment password.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, selectValue, text, type } from "../lib/dom.mjs";
import { P1, PAY_PASSWORD } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";

async function p1WithCards(b, ...ids) {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  for (const id of ids) await bind.bindDebit(b, CARDS[id]);
}

test("a new nickname and a new default card save at once and survive a restart", async ({ app, b }) => {
  await p1WithCards(b, "T01", "T09");
  await cards.openCards(b);
  assert.deepEqual((await cards.list(b)).map((c) => [c.last4, c.isDefault]), [["0017", true], ["0090", false]]);
  await cards.openCard(b, "0090");
  assert.match(await text(b, "card-number-fixed"), /解绑/, "the number can't be edited: unbind and bind again");
  await type(b, "card-nickname", "零花钱卡");
  await click(b, "card-save");
  await click(b, "card-set-default");
  await el(b, "card-is-default");
  assert.deepEqual(await cards.auditEvents(b), ["default_set", "renamed", "bound"]);
  await app.restart();
  const b2 = app.browser;
  await auth.waitLogin(b2);
  await auth.login(b2, P1.phone);
  await cards.openCards(b2);
  const after = await cards.list(b2);
  assert.deepEqual(after.map((c) => [c.last4, c.isDefault]), [["0090", true], ["0017", false]]);
  assert.match(await (await cards.tile(b2, "0090")).getText(), /零花钱卡/);
});

test("a new reserved phone: refused until changed at the bank, then saved after its SMS code", async ({ b }) => {
  await p1WithCards(b, "T09");
  await cards.openCard(b, "0090");
  await type(b, "card-edit-phone", "13912345678");
  await click(b, "card-edit-submit");
  assert.equal((await bind.failure(b)).code, "PHONE_MISMATCH");
  assert.equal(await text(b, "card-detail-phone"), "138****8000", "the card is untouched");
  await bind.bankCounter(b, "T09", "changePhone", "13912345678");
  await bind.rememberSms(b, "13912345678");
  await click(b, "card-edit-submit");
  const code = await bind.codeFromPhone(b, "13912345678", "card-otp");
  assert.match(await text(b, "card-otp-sent"), /139\*\*\*\*5678/);
  await type(b, "card-otp", code);
  await click(b, "card-otp-submit");
  await b.waitUntil(async () => (await text(b, "card-detail-phone")) === "139****5678", { timeout: 30_000 });
  const events = await cards.auditEvents(b);
  assert.equal(events[0], "phone_changed");
  assert.ok(events.includes("update_failed"), "the refused attempt is in the audit log");
});

test("T15: renewed at the bank on 2027-01-01, shows 待验证, and is usable again after the new expiry, CVV and SMS", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-settings");
  await selectValue(b, "settings-autolock", "30");
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T15, expiry: "0127", cvv: "321" });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
  await cards.openCards(b);
  assert.equal((await cards.list(b))[0].status, "active");
  await cards.advanceClock(b, 20); // 2026-12-31 23:50 → 2027-01-01 00:10 (Shanghai)
  await click(b, "nav-home");
  await cards.openCards(b);
  await b.waitUntil(async () => (await cards.list(b))[0].status === "pending", { timeout: 30_000, timeoutMsg: "T15 never showed 待验证" });
  await el(b, "card-pending-notice");
  assert.equal(await text(b, "card-status"), "待验证");
  await cards.openCard(b, "0150");
  await el(b, "card-renewal");
  await type(b, "card-edit-expiry", "0132");
  await type(b, "card-edit-cvv", "852");
  await bind.rememberSms(b, P1.phone);
  await click(b, "card-edit-submit");
  await type(b, "card-otp", await bind.codeFromPhone(b, P1.phone, "card-otp"));
  await click(b, "card-otp-submit");
  await b.waitUntil(async () => (await (await el(b, "card-detail-status")).getAttribute("data-status")) === "active", { timeout: 30_000 });
  assert.match(await text(b, "card-detail-expiry"), /01\/32/);
  assert.deepEqual((await cards.auditEvents(b)).slice(0, 2), ["expiry_updated", "status_changed"]);
}, { env: { TONGBAO_MOCK_NOW: "2026-12-31T23:50:00+08:00" } });

test("unbind: the payment password is asked, the default moves, history stays; 5 wrong lock it", async ({ b }) => {
  await p1WithCards(b, "T01", "T09");
  await cards.openCard(b, "0017");
  await click(b, "card-unbind");
  await type(b, "paypwd-input", "135790");
  await click(b, "paypwd-submit");
  assert.equal(await errorCode(b, "pay_password"), "PAY_PASSWORD_WRONG");
  await type(b, "paypwd-input", PAY_PASSWORD);
  await click(b, "paypwd-submit");
  await el(b, "cards-screen");
  await b.waitUntil(async () => (await cards.list(b)).length === 1, { timeout: 15_000 });
  assert.deepEqual(await cards.list(b), [{ last4: "0090", status: "active", isDefault: true }]);
  await click(b, "account-audit-box");
  const events = await cards.auditEvents(b, "account-audit");
  assert.deepEqual(events.slice(0, 2), ["default_moved", "unbound"]);
  assert.ok(events.includes("bound"), "the history is kept");
  // The payment password's own lockout: 5 wrong in a row.
  await cards.openCard(b, "0090");
  await click(b, "card-unbind");
  for (let i = 1; i <= 5; i++) {
    await type(b, "paypwd-input", "135790");
    await click(b, "paypwd-submit");
    const expected = i < 5 ? "PAY_PASSWORD_WRONG" : "PAY_PASSWORD_LOCKED";
    await b.waitUntil(async () => (await errorCode(b, "pay_password")) === expected, { timeout: 10_000 });
  }
  await type(b, "paypwd-input", PAY_PASSWORD);
  await click(b, "paypwd-submit");
  await b.waitUntil(async () => (await errorCode(b, "pay_password")) === "PAY_PASSWORD_LOCKED", { timeout: 10_000 });
  await cards.openCards(b);
  assert.equal((await cards.list(b)).length, 1, "the locked unbind did nothing");
});
