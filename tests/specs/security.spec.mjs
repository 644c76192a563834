// The account and security center: change each password and use the new one; recover the
// login password with the SMS code and the identity; recover the payment password by verifying
// T01 at the bank; the login history; close an empty account (refused while not empty) and
// register its phone again; reset the installation and find no data and no key left.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, type, waitGone } from "../lib/dom.mjs";
import { invoke } from "../lib/ipc.mjs";
import { CARDS } from "../lib/cards.mjs";
import { P1, PASSWORD, PAY_PASSWORD } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as money from "../pages/money.mjs";
import * as sec from "../pages/security.mjs";

const NEW_PASSWORD = "Harbour2027?";
const NEW_PAY = "369258";

test("change the login and the payment password, then use the new ones", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await sec.open(b);
  await type(b, "change-password-current", "Wrong2026!");
  await type(b, "change-password-new", NEW_PASSWORD);
  await type(b, "change-password-confirm", NEW_PASSWORD);
  await click(b, "change-password-submit");
  assert.equal(await errorCode(b, "current_password"), "LOGIN_FAILED");
  await type(b, "change-password-current", PASSWORD);
  await type(b, "change-password-new", PASSWORD);
  await type(b, "change-password-confirm", PASSWORD);
  await click(b, "change-password-submit");
  assert.equal(await errorCode(b, "password"), "PASSWORD_SAME_AS_OLD");
  await type(b, "change-password-current", PASSWORD);
  await type(b, "change-password-new", NEW_PASSWORD);
  await type(b, "change-password-confirm", NEW_PASSWORD);
  await click(b, "change-password-submit");
  await el(b, "toast");
  // The payment password: a wrong current one says how many tries are left.
  await type(b, "change-paypwd-current", "147036");
  await type(b, "change-paypwd-new", NEW_PAY);
  await type(b, "change-paypwd-confirm", NEW_PAY);
  await click(b, "change-paypwd-submit");
  assert.equal(await errorCode(b, null), "PAY_PASSWORD_WRONG");
  assert.equal(await (await el(b, "tries-left")).getAttribute("data-tries"), "4");
  await type(b, "change-paypwd-current", PAY_PASSWORD);
  await type(b, "change-paypwd-new", NEW_PAY);
  await type(b, "change-paypwd-confirm", NEW_PAY);
  await click(b, "change-paypwd-submit");
  await waitGone(b, "error");
  await b.waitUntil(async () => (await b.$$('[data-testid="security-event-item"]')).length >= 2, {
    timeout: 10_000,
    timeoutMsg: "both changes are in the security activity",
  });
  // The new login password signs in; the old one no longer does.
  await auth.logout(b);
  await auth.login(b, P1.phone, PASSWORD);
  assert.equal(await errorCode(b, null), "LOGIN_FAILED");
  await auth.login(b, P1.phone, NEW_PASSWORD);
  await el(b, "home-screen");
  // The new payment password pays.
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "100");
  await money.confirm(b, NEW_PAY);
  assert.equal(await money.resultStatus(b), "succeeded");
  // The history shows the failed sign-in and the good ones.
  await sec.open(b);
  // The list loads after the screen: wait for its rows (the registration's sign-in, the failed one, the new one).
  await b.waitUntil(async () => (await b.$$('[data-testid="login-history-item"]')).length >= 3, {
    timeout: 10_000,
    timeoutMsg: "the login history never listed the sign-ins",
  });
  const oks = [];
  for (const i of await b.$$('[data-testid="login-history-item"]')) oks.push(await i.getAttribute("data-ok"));
  // The new sign-in, the failed one with the old password, ..., the registration's.
  assert.deepEqual(oks.slice(0, 2), ["true", "false"]);
  assert.equal(oks.at(-1), "true");
});

test("recover the login password with the SMS code, the real name and the ID number", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await auth.logout(b);
  await click(b, "forgot-password");
  await el(b, "recover-screen");
  // Rust keeps the steps: the last one can't be called first.
  const skip = await invoke(b, "recover_start", { args: { phone: P1.phone } });
  const jumped = await invoke(b, "recover_finish", { args: { recoveryId: skip.ok.recoveryId, new: NEW_PASSWORD, confirm: NEW_PASSWORD } });
  assert.equal(jumped.err?.code, "INPUT_INVALID");
  await type(b, "recover-phone", P1.phone);
  const before = await sec.latestSms(b, P1.phone);
  await sec.next(b);
  await sec.waitStage(b, "otp");
  const code = await sec.newCode(b, before, P1.phone);
  await type(b, "recover-otp", code);
  await sec.next(b);
  await sec.waitStage(b, "identity");
  await type(b, "recover-real-name", "李四");
  await type(b, "recover-id-number", P1.idNumber);
  await sec.next(b);
  assert.equal(await errorCode(b, null), "IDENTITY_MISMATCH");
  await type(b, "recover-real-name", P1.realName);
  await sec.next(b);
  await sec.waitStage(b, "new_password");
  await type(b, "recover-new-password", NEW_PASSWORD);
  await type(b, "recover-new-password-confirm", NEW_PASSWORD);
  await sec.next(b);
  await el(b, "login-screen");
  await auth.login(b, P1.phone, NEW_PASSWORD);
  await el(b, "home-screen");
});

test("recover the payment password by verifying T01 at the bank", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);
  await sec.open(b);
  const before = await sec.latestSms(b, P1.phone);
  await click(b, "forgot-paypwd");
  await sec.waitStage(b, "otp");
  const code = await sec.newCode(b, before, P1.phone);
  await type(b, "recover-otp", code);
  await sec.next(b);
  await sec.waitStage(b, "card");
  const beforeBank = await sec.latestSms(b, P1.phone);
  await type(b, "recover-card-number", CARDS.T01);
  await sec.next(b);
  await sec.waitStage(b, "card_otp");
  await sec.newCode(b, beforeBank, P1.phone);
  assert.match(await sec.latestSms(b, P1.phone), /【工商银行】/);
  // The bank's code did not come: its own resend, after the bank's countdown.
  const resend = await el(b, "recover-otp-resend");
  assert.ok(Number(await resend.getAttribute("data-seconds")) > 0, "a countdown first");
  assert.equal(await resend.isEnabled(), false);
  // The countdown runs in real time on screen (the bank's 60 s, on its clock too): waited out.
  await b.waitUntil(async () => (await el(b, "recover-otp-resend")).isEnabled(), { timeout: 80_000, interval: 1_000 });
  const firstBankSms = await sec.latestSms(b, P1.phone);
  await click(b, "recover-otp-resend");
  const bankCode = await sec.newCode(b, firstBankSms, P1.phone);
  assert.match(await sec.latestSms(b, P1.phone), /【工商银行】/);
  await type(b, "recover-otp", bankCode);
  await sec.next(b);
  await sec.waitStage(b, "new_password");
  await type(b, "recover-new-password", NEW_PAY);
  // Both the new payment password and its confirmation are six boxes.
  const confirmField = await el(b, "recover-new-password-confirm");
  assert.equal(await confirmField.getAttribute("data-code-boxes"), "6");
  await type(b, "recover-new-password-confirm", NEW_PAY);
  await sec.next(b);
  await el(b, "change-paypwd-current");
  await money.fund(b, "topup", "0017", "50");
  await money.confirm(b, NEW_PAY);
  assert.equal(await money.resultStatus(b), "succeeded");
});

test("an account with money can't close; emptied, it closes and its phone registers again", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.bindDebit(b, CARDS.T01);
  await money.fund(b, "topup", "0017", "100");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await sec.closeAccount(b, PASSWORD);
  assert.equal(await errorCode(b, null), "ACCOUNT_NOT_EMPTY");
  await money.fund(b, "withdraw", "0017", "100");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  await sec.closeAccount(b, PASSWORD);
  await el(b, "login-screen", 30_000);
  await auth.login(b, P1.phone, PASSWORD);
  assert.equal(await errorCode(b, null), "LOGIN_FAILED");
  await auth.register(b, P1);
  await el(b, "home-screen");
});

function keychainKey(dataDir) {
  try {
    return execFileSync("secret-tool", ["lookup", "service", "com.tongbao.wallet", "username", `database-key@${dataDir}`], {
      encoding: "utf8",
    });
  } catch {
    return ""; // no such item
  }
}

test("reset this installation: no data and no key of it left, then a fresh start", async ({ app, b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const keyBefore = keychainKey(app.appDataDir);
  assert.ok(keyBefore.length > 0, "the database key is in the keychain");
  await click(b, "nav-settings");
  await click(b, "reset-installation");
  await type(b, "reset-confirm", "wrong");
  await click(b, "reset-submit");
  assert.equal(await errorCode(b, null), "INPUT_INVALID");
  await type(b, "reset-confirm", await sec.resetWord(b));
  await click(b, "reset-submit");
  await el(b, "login-screen", 30_000);
  const keyAfter = keychainKey(app.appDataDir);
  assert.notEqual(keyAfter, keyBefore, "the old key is gone (a fresh one was made)");
  assert.ok(existsSync(path.join(app.appDataDir, "wallet.db")), "a fresh database");
  await auth.login(b, P1.phone, PASSWORD);
  assert.equal(await errorCode(b, null), "LOGIN_FAILED", "the old account is gone");
  await auth.register(b, P1);
});
