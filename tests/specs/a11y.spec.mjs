// Accessibility, measured: axe-core runs inside the real app on every screen of the walk-through,
// in the light and the dark theme; the bar is 0 violations (WCAG 2.1 A/AA and best practices).
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, selectValue, text, type, waitGone } from "../lib/dom.mjs";
import { violations } from "../lib/axe.mjs";
import { P1, P2, PAY_PASSWORD } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as money from "../pages/money.mjs";
import * as merchant from "../pages/merchant.mjs";
import * as sec from "../pages/security.mjs";
import { CARDS, T04_SECRET, totp } from "../lib/cards.mjs";

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

test("axe finds 0 violations on the inner steps too: binding's token, code and success, card edit and its code, unbind, FAQ, both recoveries, reset, terms, and registration in dark", async ({ b }) => {
  const found = [];
  let theme = "light";
  const check = async (screen) => {
    await new Promise((r) => setTimeout(r, 300));
    for (const v of await violations(b)) found.push(`[${theme}] ${screen}: ${v}`);
  };
  const recoverLogin = async () => {
    await click(b, "forgot-password");
    await el(b, "recover-screen");
    await check("login recovery: phone");
    await type(b, "recover-phone", P2.phone);
    await sec.next(b);
    await sec.waitStage(b, "otp");
    await check("login recovery: code");
    await click(b, "recover-back");
    await el(b, "login-screen");
  };

  await auth.waitLogin(b);
  await recoverLogin();
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);

  const walk = async (newPhone) => {
    // Binding T04: the quick-pay terms, the dynamic token, the SMS code, success.
    await bind.openBind(b);
    await click(b, "bind-terms-link");
    await el(b, "terms-dialog");
    await check("terms (quick-pay)");
    await click(b, "terms-close");
    await waitGone(b, "terms-dialog");
    await bind.fillCard(b, { number: CARDS.T04 });
    await bind.submitCard(b);
    await el(b, "bind-token", 30_000);
    await check("bind: dynamic token");
    await type(b, "bind-token", totp(T04_SECRET, await bind.mockNow(b)));
    await click(b, "bind-token-submit");
    const code = await bind.codeFromPhone(b, P1.phone);
    await check("bind: SMS code");
    await bind.enterOtp(b, code);
    await el(b, "bind-success", 30_000);
    await check("bind: success");
    // A new reserved phone for T01: the bank changes it at the counter, then its SMS code.
    await cards.openCard(b, "0017");
    await bind.bankCounter(b, "T01", "changePhone", newPhone);
    await type(b, "card-edit-phone", newPhone);
    await bind.rememberSms(b, newPhone);
    await click(b, "card-edit-submit");
    const editCode = await bind.codeFromPhone(b, newPhone, "card-otp");
    await check("card edit: its SMS code");
    await type(b, "card-otp", editCode);
    await click(b, "card-otp-submit");
    await b.waitUntil(async () => (await text(b, "card-detail-phone")).endsWith(newPhone.slice(-4)), { timeout: 30_000 });
    // Unbinding T04 asks the payment password.
    await cards.openCard(b, "0041");
    await click(b, "card-unbind");
    await el(b, "paypwd-input");
    await check("unbind: payment password");
    await type(b, "paypwd-input", PAY_PASSWORD);
    await click(b, "paypwd-submit");
    await el(b, "cards-screen");
    // FAQ with an answer open.
    await click(b, "nav-help");
    const faq = await el(b, "faq-item");
    await (await faq.$("summary")).click();
    await check("FAQ");
    // Payment-password recovery: the code, then the card step.
    await click(b, "nav-settings");
    await click(b, "security-center");
    await el(b, "security-screen");
    const before = await sec.latestSms(b, P1.phone);
    await click(b, "forgot-paypwd");
    await sec.waitStage(b, "otp");
    await check("payment-password recovery: code");
    await type(b, "recover-otp", await sec.newCode(b, before, P1.phone));
    await sec.next(b);
    await sec.waitStage(b, "card");
    await check("payment-password recovery: card");
    // Reset, asked but not done.
    await click(b, "nav-settings");
    await click(b, "reset-installation");
    await el(b, "reset-panel");
    await check("reset");
    await click(b, "reset-cancel");
  };
  await walk("13912345678");
  theme = "dark";
  await click(b, "nav-settings");
  await selectValue(b, "settings-theme", "dark");
  await walk("13912345679");
  // Registration, its terms and the payment password in dark; the login recovery too.
  await auth.logout(b);
  await recoverLogin();
  await auth.openRegister(b);
  await check("register");
  await click(b, "reg-terms-link");
  await el(b, "terms-dialog");
  await check("terms (user agreement, privacy)");
  await click(b, "terms-close");
  await waitGone(b, "terms-dialog");
  await auth.fillDetails(b, P2);
  await click(b, "reg-submit");
  await el(b, "paypwd-input");
  await check("payment password");

  assert.deepEqual(found, [], `axe violations:\n${found.join("\n")}`);
});

test(
  "axe finds 0 violations on the start-up problem screen, its details open",
  async ({ b }) => {
    const screen = await el(b, "startup-problem", 30_000);
    await (await (await screen.$("[data-testid='error-details']")).$("summary")).click();
    assert.deepEqual(await violations(b), []);
  },
  { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/tongbao-test-bus" } },
);

test("axe finds 0 violations on the causes beyond the article, the bank-app button and the transfer's trust checks, light and dark", async ({ b }) => {
  const found = [];
  let theme = "light";
  const check = async (screen) => {
    await new Promise((r) => setTimeout(r, 300));
    for (const v of await violations(b)) found.push(`[${theme}] ${screen}: ${v}`);
  };
  await money.p1WithMoney(b, "6000", true);
  await bind.bindDebit(b, CARDS.T37);
  const walk = async () => {
    // A case of a code (T33), its troubleshooting explanation, a replaced card (T36).
    await bind.openBind(b);
    await el(b, "bind-via-bank-app");
    await check("bind (with 通过工商银行App绑卡)");
    await bind.fillCard(b, { number: CARDS.T33 });
    await bind.submitCard(b);
    await bind.failure(b);
    await check("T33 failure");
    await click(b, "bind-diagnose");
    await el(b, "diag-why");
    await check("T33 explained");
    await bind.openBind(b);
    await bind.fillCard(b, { number: CARDS.T36 });
    await bind.submitCard(b);
    await bind.failure(b);
    await check("T36 replaced");
    await click(b, "bind-new-card");
    await el(b, "bind-new-card-hint");
    await check("bind the new card");
    // A class II card's detail.
    await cards.openCard(b, "0371");
    await el(b, "card-detail-class");
    await check("class II card");
    // The transfer confirmation: a close match with its question; the purpose and its warning.
    await click(b, "nav-home");
    await money.toCard(b, CARDS.T23, "王伍", "5000");
    await el(b, "payee-confirm", 20_000);
    await check("close match, first payment, purpose asked");
    await (await el(b, "transfer-purpose")).selectByAttribute("value", "impersonation");
    await el(b, "risk-warning");
    await check("impersonation warning");
    await click(b, "pay-back");
    await click(b, "nav-home");
  };
  await walk();
  theme = "dark";
  await click(b, "nav-settings");
  await selectValue(b, "settings-theme", "dark");
  await walk();
  assert.deepEqual(found, [], `axe violations:\n${found.join("\n")}`);
});

test("axe finds 0 violations on 付款, the checkout (a way greyed with why), its result, a refused link, the merchant's till, bills and repayment, light and dark", async ({ b }) => {
  const found = [];
  let theme = "light";
  const check = async (screen) => {
    await new Promise((r) => setTimeout(r, 300));
    for (const v of await violations(b)) found.push(`[${theme}] ${screen}: ${v}`);
  };
  await money.p1WithMoney(b, "100");
  const walk = async () => {
    const link = await merchant.createOrder(b, "M01", "矿泉水", "150");
    await click(b, "nav-pay");
    await el(b, "pay-link");
    await check("pay: link and QR picture");
    await merchant.pasteLink(b, link.slice(0, -1) + (link.at(-1) === "0" ? "1" : "0"));
    await el(b, "error", 20_000);
    await check("pay: a refused link");
    await merchant.pasteLink(b, link);
    await el(b, "checkout", 20_000);
    await check("checkout: the balance greyed (not enough), T01 with O1");
    await type(b, "paypwd-input", PAY_PASSWORD);
    await click(b, "checkout-submit");
    await el(b, "checkout-result", 30_000);
    await check("checkout result");
    await merchant.orderStatus(b, "paid");
    await check("the merchant's till, paid");
    await click(b, "nav-bills");
    await (await el(b, "bill-type")).selectByAttribute("value", "mobile");
    await type(b, "bill-account", "13012345678");
    await click(b, "bill-query");
    await el(b, "bill-pay", 20_000);
    await check("bills: a mobile top-up's faces");
    await (await el(b, "bill-type")).selectByAttribute("value", "electricity");
    await type(b, "bill-account", "1000000001");
    await click(b, "bill-query");
    await el(b, "bill-due", 20_000);
    await check("bills: an electricity account");
    await click(b, "nav-pay");
    await click(b, "repay");
    await (await el(b, "repay-target")).selectByAttribute("value", "other");
    await type(b, "repay-card-number", "6253300000010434");
    await type(b, "repay-holder-name", "李四");
    await type(b, "amount", "10");
    await el(b, "repay-fee", 20_000);
    await check("repayment: anyone's card, with the fee");
  };
  await walk();
  theme = "dark";
  await click(b, "nav-settings");
  await selectValue(b, "settings-theme", "dark");
  await walk();
  assert.deepEqual(found, []);
});
