// Page object: the balance, the payment screen (top up, withdraw, transfers) and the history.
import { click, el, tid, type } from "../lib/dom.mjs";
import assert from "node:assert/strict";
import { P1, P2, PAY_PASSWORD } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "./auth.mjs";
import * as bind from "./bind.mjs";

/** The balance on home, in fen. */
export async function balance(b) {
  await click(b, "nav-home");
  const e = await el(b, "balance");
  return Number(await e.getAttribute("data-amount-fen"));
}

/** Picks the card ending `last4` in a card select (`source-card` or `source`). */
async function pickCard(b, id, last4) {
  const select = await el(b, id);
  for (const o of await select.$$("option")) {
    if ((await o.getText()).includes(last4)) {
      await select.selectByAttribute("value", await o.getAttribute("value"));
      return;
    }
  }
  throw new Error(`no card ending ${last4} in ${id}`);
}

/** Opens top-up or withdraw from home and fills it; stops before the confirmation. */
export async function fund(b, mode, last4, amount) {
  await click(b, "nav-home");
  await click(b, mode); // "topup" | "withdraw"
  await pickCard(b, "source-card", last4);
  await type(b, "amount", amount);
  await click(b, "submit");
}

/** Fills a transfer to a wallet user; `fromCard` pays with that card instead of the balance. */
export async function toUser(b, phone, amount, fromCard) {
  await click(b, "nav-transfer");
  await click(b, "transfer-to-user");
  await type(b, "payee-phone", phone);
  await el(b, "payee-masked-name");
  if (fromCard) await pickCard(b, "source", fromCard);
  await type(b, "amount", amount);
  await click(b, "transfer-submit");
}

/** Fills a transfer to a bank card. */
export async function toCard(b, number, name, amount, arrival = "instant") {
  await click(b, "nav-transfer");
  await click(b, "transfer-to-card");
  await type(b, "payee-card", number);
  await type(b, "payee-name", name);
  await (await el(b, "arrival")).selectByAttribute("value", arrival);
  await type(b, "amount", amount);
  await click(b, "transfer-submit");
}

/** Enters the payment password on the confirmation and pays; answers the result's status. */
export async function confirm(b, password = PAY_PASSWORD) {
  await el(b, "pay-confirm", 20_000);
  await type(b, "paypwd-input", password);
  await click(b, "paypwd-submit");
}

export async function resultStatus(b) {
  return (await el(b, "transfer-result", 30_000)).getAttribute("data-status");
}

/** The history items shown: [{ id, kind, status, fen, direction }]. */
export async function historyItems(b) {
  await el(b, "history-screen");
  await b.waitUntil(async () => (await b.$(tid("history-item")).isExisting()) || (await b.$(tid("history-empty")).isExisting()), { timeout: 15_000 });
  const out = [];
  for (const i of await b.$$(tid("history-item"))) {
    out.push({
      id: await i.getAttribute("data-id"),
      kind: await i.getAttribute("data-kind"),
      status: await i.getAttribute("data-status"),
      fen: Number(await i.getAttribute("data-amount-fen")),
      direction: await i.getAttribute("data-direction"),
    });
  }
  return out;
}

/** P1 registered (P2 first, when asked) with T01 bound and `yuan` topped up from it. */
export async function p1WithMoney(b, yuan = "1000", withP2 = false) {
  await auth.waitLogin(b);
  if (withP2) {
    await auth.register(b, P2);
    await auth.logout(b);
    await auth.waitLogin(b);
  }
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);
  await fund(b, "topup", "0017", yuan);
  await confirm(b);
  assert.equal(await resultStatus(b), "succeeded");
}
