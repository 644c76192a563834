// Every real card is known (the BIN table is generated from bankcardinfo's data): another
// bank's card is named live and refused before any bank call; a quasi-credit card asks for
// its expiry and CVV; numbers typed with a full-width IME bind like any other.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { el, text, tid } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import { CARDS, fullWidth, luhnNumber } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";

test("a BOCOM card is named as typed and refused before any bank call", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: luhnNumber("622260", 19) });
  await b.waitUntil(async () => /交通银行/.test(await text(b, "bind-bank").catch(() => "")), {
    timeout: 10_000,
    timeoutMsg: "the bank was not named",
  });
  assert.equal(await text(b, "bind-type"), "借记卡");
  const note = await el(b, "bind-unsupported");
  assert.equal(await note.getAttribute("data-error-code"), "BANK_NOT_SUPPORTED");
  assert.match(await note.getText(), /暂不支持.*交通银行.*工商银行/);
  const started = Date.now();
  await (await el(b, "bind-submit")).click();
  const e = await el(b, "bind-error", 10_000);
  assert.equal(await e.getAttribute("data-error-code"), "BANK_NOT_SUPPORTED");
  assert.ok(Date.now() - started < 5_000, "answered without the bank");
  assert.equal(await (await b.$(tid("mock-sms-latest"))).isExisting(), false, "no SMS: the bank was never asked");
});

test("a quasi-credit card (准贷记卡) asks for expiry and CVV; a prepaid one is refused as typed", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: luhnNumber("625905", 16) });
  await b.waitUntil(async () => (await text(b, "bind-type").catch(() => "")) === "准贷记卡", { timeout: 10_000 });
  await el(b, "bind-expiry");
  await el(b, "bind-cvv");
  await bind.fillCard(b, { number: luhnNumber("620019", 16) });
  await b.waitUntil(async () => (await text(b, "bind-type").catch(() => "")) === "预付费卡", { timeout: 10_000 });
  assert.equal(await (await el(b, "bind-unsupported")).getAttribute("data-error-code"), "CARD_TYPE_NOT_SUPPORTED");
});

test("T01 typed with full-width digits (an IME in full-width mode) binds", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: fullWidth(CARDS.T01), phone: fullWidth(P1.phone) });
  assert.equal((await (await el(b, "bind-number")).getValue()).replace(/ /g, ""), CARDS.T01, "normalised as typed");
  assert.equal(await text(b, "bind-bank"), "工商银行");
  await bind.submitCard(b);
  await bind.enterOtp(b, fullWidth(await bind.codeFromPhone(b, P1.phone)));
  await el(b, "bind-success", 30_000);
});
