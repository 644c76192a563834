#!/usr/bin/env node
// Walks through the screens in zh-CN and en and saves screenshots to tests/.artifacts/screens/,
// for a person to look at. Not a test: run it under Xvfb in a keychain session, as
// scripts/test.sh does, after building the app.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, AppUnderTest } from "./lib/harness.mjs";
import { blur, click, el, selectValue, type } from "./lib/dom.mjs";
import { P1 } from "./lib/identities.mjs";
import * as auth from "./pages/auth.mjs";
import * as bind from "./pages/bind.mjs";
import * as cards from "./pages/cards.mjs";
import * as money from "./pages/money.mjs";
import { CARDS, T04_SECRET, totp } from "./lib/cards.mjs";

const out = path.join(ARTIFACTS, "screens");
mkdirSync(out, { recursive: true });
const app = new AppUnderTest("screenshots");
const shot = async (name) => {
  await new Promise((r) => setTimeout(r, 400));
  await app.screenshot(path.join(out, `${name}.png`));
};

try {
  await app.start();
  let b = app.browser;
  for (const lang of ["zh-CN", "en"]) {
    await auth.waitLogin(b);
    await shot(`${lang}-login`);
    await auth.openRegister(b);
    await type(b, "reg-phone", "1380013");
    await type(b, "reg-password", "abc");
    await blur(b);
    await click(b, "reg-real-name");
    await shot(`${lang}-register-errors`);
    await auth.fillDetails(b, lang === "en" ? { ...P1, phone: "13800138001" } : P1);
    await click(b, "reg-submit");
    await el(b, "paypwd-input");
    await shot(`${lang}-register-paypwd`);
    await auth.fillPayPassword(b);
    await click(b, "paypwd-submit");
    await el(b, "home-screen", 30_000);
    await shot(`${lang}-home`);
    // Binding: the form, failures, the token and SMS steps, the list.
    await click(b, "nav-cards");
    await el(b, "cards-screen");
    await shot(`${lang}-cards-empty`);
    await bind.openBind(b);
    await bind.fillCard(b, { number: CARDS.T13, expiry: "1230", cvv: "999", phone: P1.phone });
    await shot(`${lang}-bind-form-credit`);
    await bind.submitCard(b);
    await bind.failure(b);
    await shot(`${lang}-bind-failure-cvv`);
    await click(b, "bind-retry");
    await bind.fillCard(b, { number: CARDS.T02 });
    await bind.submitCard(b);
    await bind.failure(b);
    await shot(`${lang}-bind-failure-not-activated`);
    await click(b, "bind-retry");
    await click(b, "mock-offline");
    await bind.submitCard(b);
    await bind.failure(b);
    await shot(`${lang}-bind-failure-offline`);
    await click(b, "mock-offline");
    await click(b, "bind-retry");
    await bind.fillCard(b, { number: CARDS.T04 });
    await bind.submitCard(b);
    await el(b, "bind-token", 30_000);
    await shot(`${lang}-bind-token`);
    await type(b, "bind-token", totp(T04_SECRET, await bind.mockNow(b)));
    await click(b, "bind-token-submit");
    const code = await bind.codeFromPhone(b, P1.phone);
    await shot(`${lang}-bind-otp`);
    await bind.enterOtp(b, code);
    await el(b, "bind-success", 30_000);
    await shot(`${lang}-bind-success`);
    await click(b, "bind-to-cards");
    await el(b, "card-item");
    await shot(`${lang}-cards`);
    // Card management: detail, a phone change with its SMS step, the unbind prompt.
    const [id, last4, phone] = lang === "zh-CN" ? ["T01", "0017", "13912345678"] : ["T11", "0116", "13912345679"];
    await bind.bindDebit(b, CARDS[id]);
    await cards.openCard(b, last4);
    await shot(`${lang}-card-detail`);
    await bind.bankCounter(b, id, "changePhone", phone);
    await type(b, "card-edit-phone", phone);
    await bind.rememberSms(b, phone);
    await click(b, "card-edit-submit");
    const editCode = await bind.codeFromPhone(b, phone, "card-otp");
    await shot(`${lang}-card-edit-otp`);
    await type(b, "card-otp", editCode);
    await click(b, "card-otp-submit");
    await b.waitUntil(async () => (await (await el(b, "card-detail-phone")).getText()).endsWith(phone.slice(-4)));
    await click(b, "card-unbind");
    await type(b, "paypwd-input", "135790");
    await click(b, "paypwd-submit");
    await el(b, "error");
    await shot(`${lang}-card-unbind`);
    await click(b, "card-unbind-cancel");
    // The troubleshooting center: the last failure explained, checks healthy and offline.
    await click(b, "nav-help");
    await el(b, "diag-explain");
    await type(b, "diag-card-number", CARDS.T02);
    await click(b, "diag-run");
    await b.waitUntil(async () => (await b.$$('[data-testid="diag-check"]')).length === 6, { timeout: 30_000 });
    await shot(`${lang}-help-healthy`);
    await click(b, "mock-offline");
    await click(b, "diag-run");
    await b.waitUntil(async () => (await b.$$('[data-testid="diag-check"][data-ok="false"]')).length >= 3, { timeout: 30_000 });
    await shot(`${lang}-help-offline`);
    await b.execute(() => document.querySelector("[data-testid='faq-item']")?.scrollIntoView({ block: "start" }));
    await shot(`${lang}-help-faq`);
    await click(b, "mock-offline");
    // Money: home with the balance, each payment screen, a confirmation, a result, history.
    await money.fund(b, "topup", last4, "1,234.5");
    await shot(`${lang}-topup`);
    await money.confirm(b);
    await money.resultStatus(b);
    await shot(`${lang}-pay-result`);
    await click(b, "nav-home");
    await el(b, "balance");
    await shot(`${lang}-home-balance`);
    await money.toCard(b, CARDS.T23, "王五", "88", "two_hours");
    await el(b, "pay-confirm");
    await shot(`${lang}-pay-confirm`);
    await money.confirm(b);
    await money.resultStatus(b);
    await click(b, "nav-transfer");
    await type(b, "payee-phone", "13900139000");
    await shot(`${lang}-transfer-user`);
    await click(b, "transfer-to-card");
    await type(b, "payee-card", CARDS.T23);
    await shot(`${lang}-transfer-card`);
    await click(b, "nav-history");
    await el(b, "history-item");
    await shot(`${lang}-history`);
    await click(b, "nav-settings");

    await el(b, "settings-screen");
    await shot(`${lang}-settings`);
    await click(b, "nav-lock");
    await el(b, "lock-screen");
    await shot(`${lang}-locked`);
    await type(b, "unlock-password", "Tongbao2026!");
    await click(b, "unlock-submit");
    await el(b, "settings-screen");
    if (lang === "zh-CN") {
      await selectValue(b, "settings-theme", "dark");
      await shot(`${lang}-settings-dark`);
      await selectValue(b, "settings-theme", "light");
      await selectValue(b, "settings-language", "en");
    }
    await auth.logout(b);
    b = app.browser;
  }
  console.log(`screenshots in ${out}`);
} catch (e) {
  await app.screenshot(path.join(out, "failed.png"));
  throw e;
} finally {
  await app.stop();
}
