// Accessibility, measured: axe-core runs inside the real app on every screen of the walk-through,
// in the light and the dark theme; the bar is 0 violations (WCAG 2.1 A/AA and best practices).
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, selectValue, type } from "../lib/dom.mjs";
import { violations } from "../lib/axe.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";
import { CARDS } from "../lib/cards.mjs";

test("axe finds 0 violations on every screen, light and dark", async ({ b }) => {
  const found = [];
  let theme = "light";
  const check = async (screen) => {
    await new Promise((r) => setTimeout(r, 300)); // transitions and toasts settle
    for (const v of await violations(b)) found.push(`[${theme}] ${screen}: ${v}`);
  };

  await auth.waitLogin(b);
  await check("login");
  await auth.openRegister(b);
  await type(b, "reg-phone", "1380013");
  await click(b, "reg-real-name");
  await check("register with an error");
  await auth.fillDetails(b, P1);
  await click(b, "reg-submit");
  await el(b, "paypwd-input");
  await check("payment password");
  await auth.fillPayPassword(b);
  await click(b, "paypwd-submit");
  await el(b, "home-screen", 30_000);

  // Money and cards need a card and a payment: made once, then every screen in both themes.
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "100");
  await money.confirm(b);
  await money.resultStatus(b);

  const walk = async () => {
    await check("top-up result");
    await click(b, "nav-home");
    await el(b, "balance");
    await check("home");
    await cards.openCards(b);
    await check("cards");
    await cards.openCard(b, "0017");
    await check("card detail");
    await bind.openBind(b);
    await bind.fillCard(b, { number: CARDS.T13, expiry: "1230", cvv: "999" });
    await check("bind form (credit)");
    await bind.submitCard(b);
    await bind.failure(b);
    await check("bind failure");
    await click(b, "bind-diagnose");
    await el(b, "help-screen");
    await check("troubleshooting from a failure");
    await click(b, "nav-help");
    await el(b, "diag-explain");
    await click(b, "mock-offline");
    await click(b, "diag-run");
    await b.waitUntil(async () => (await b.$$('[data-testid="diag-check"]')).length === 5, { timeout: 30_000 });
    await check("troubleshooting, checks offline");
    await click(b, "mock-offline");
    await money.fund(b, "topup", "0017", "1");
    await check("top-up confirmation");
    await click(b, "nav-transfer");
    await type(b, "payee-phone", "13900139000");
    await check("transfer to a user");
    await click(b, "transfer-to-card");
    await check("transfer to a card");
    await click(b, "nav-history");
    await el(b, "history-item");
    await click(b, "history-item");
    await check("history with a detail open");
    await click(b, "nav-settings");
    await el(b, "settings-screen");
    await check("settings");
    await click(b, "security-center");
    await el(b, "change-password-current");
    await check("security center");
    await click(b, "nav-lock");
    await el(b, "lock-screen");
    await check("locked");
    await type(b, "unlock-password", "Tongbao2026!");
    await click(b, "unlock-submit");
    await el(b, "security-screen");
  };
  await walk();
  theme = "dark";
  await click(b, "nav-settings");
  await selectValue(b, "settings-theme", "dark");
  await check("settings");
  await money.fund(b, "topup", "0017", "2");
  await money.confirm(b);
  await money.resultStatus(b);
  await walk();
  await auth.logout(b);
  await check("login");

  assert.deepEqual(found, [], `axe violations:\n${found.join("\n")}`);
});
