// The remedies work end to end: a card refused for its state binds once the bank counter
// (the developer panel's actions) has done what the remedy says.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";

test("T02, T03, T06 fail, the bank fixes each, and the retry binds with the fields kept", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const cases = [
    ["T02", "CARD_NOT_ACTIVATED", "activate"],
    ["T03", "EPAY_DISABLED", "enableEpay"],
    ["T06", "CARD_RESTRICTED", "unfreeze"],
  ];
  for (const [id, code, action] of cases) {
    await bind.openBind(b);
    await bind.fillCard(b, { number: CARDS[id] });
    await bind.submitCard(b);
    assert.equal((await bind.failure(b)).code, code);
    await bind.bankCounter(b, id, action);
    await click(b, "bind-retry");
    const number = await (await el(b, "bind-number")).getValue();
    assert.equal(number.replace(/ /g, ""), CARDS[id], "the number is kept");
    await bind.submitCard(b);
    await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
    await el(b, "bind-success", 30_000);
  }
});

test("a new reserved phone at the bank: the old one is refused, the new one gets the code", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.bankCounter(b, "T09", "changePhone", "13912345678");
  await bind.fillCard(b, { number: CARDS.T09 });
  await bind.submitCard(b);
  assert.equal((await bind.failure(b)).code, "PHONE_MISMATCH");
  await click(b, "bind-retry");
  await bind.fillCard(b, { number: CARDS.T09, phone: "13912345678" });
  await bind.submitCard(b, "13912345678");
  await bind.enterOtp(b, await bind.codeFromPhone(b, "13912345678"));
  await el(b, "bind-success", 30_000);
});

test("a bad counter request is refused with a message, nothing changes", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.bankCounter(b, "T01", "changePhone", "12ab");
  await el(b, "mock-action-error");
  await bind.fillCard(b, { number: CARDS.T01 });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
  assert.equal(await errorCode(b, null, 1000).catch(() => null), null);
});
