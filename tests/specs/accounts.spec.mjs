// docs/security.md through the real app: registration, its error codes, login, lockout, isolation.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { blur, click, el, errorCode, text, type } from "../lib/dom.mjs";
import { P1, P2, PASSWORD } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import * as sec from "../pages/security.mjs";
import { CARDS } from "../lib/cards.mjs";

test("register, log out, log in again", async ({ b }) => {
  await auth.waitLogin(b);
  assert.equal(await b.execute(() => document.documentElement.lang), "zh-CN");
  await auth.register(b, P1);
  assert.match(await text(b, "greeting"), /小张/);
  assert.equal(await text(b, "profile-real-name"), "*三");
  await auth.logout(b);
  await auth.login(b, P1.phone);
  await el(b, "home-screen", 30_000);
  assert.match(await text(b, "greeting"), /小张/);
});

test("each registration error code shows next to its field", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.openRegister(b);
  const cases = [
    ["reg-phone", "12345678901", "phone", "PHONE_INVALID"],
    ["reg-display-name", "   ", "display_name", "NAME_INVALID"],
    ["reg-real-name", "张3", "real_name", "NAME_INVALID"],
    ["reg-id-number", "110101199003071234", "id_number", "ID_NUMBER_INVALID"],
    ["reg-id-number", "110101201201011231", "id_number", "AGE_TOO_YOUNG"],
    ["reg-password", "password", "password", "PASSWORD_WEAK"],
  ];
  for (const [id, value, field, code] of cases) {
    await type(b, id, value);
    await blur(b);
    assert.equal(await errorCode(b, field), code, `${id}=${value}`);
  }
  // Fix them all, but confirm the password differently.
  await auth.fillDetails(b, P1, { confirm: "Different2026!" });
  await click(b, "reg-submit");
  assert.equal(await errorCode(b, "password_confirm"), "PASSWORD_MISMATCH");
  await type(b, "reg-password-confirm", PASSWORD);
  await click(b, "reg-submit");
  await el(b, "paypwd-input");
  for (const [pay, confirm, field, code] of [
    ["123456", "123456", "pay_password", "PAY_PASSWORD_WEAK"],
    ["888888", "888888", "pay_password", "PAY_PASSWORD_WEAK"],
    ["258036", "258037", "pay_password_confirm", "PASSWORD_MISMATCH"],
  ]) {
    await auth.fillPayPassword(b, pay, confirm);
    await click(b, "paypwd-submit");
    assert.equal(await errorCode(b, field), code, `${pay}/${confirm}`);
  }
  await auth.fillPayPassword(b);
  await click(b, "paypwd-submit");
  await el(b, "home-screen", 30_000);
  // PHONE_TAKEN comes from Rust: the phone now has an account.
  await auth.logout(b);
  await auth.openRegister(b);
  await auth.fillDetails(b, { ...P1, displayName: "另一个" });
  await click(b, "reg-submit");
  assert.equal(await errorCode(b, "phone"), "PHONE_TAKEN");
});

test("five wrong passwords lock the account and the screen says until when", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await auth.logout(b);
  for (let i = 1; i <= 4; i++) {
    await auth.login(b, P1.phone, `Wrong${i}pass`);
    assert.equal(await errorCode(b, null), "LOGIN_FAILED");
  }
  const before = Date.now();
  await auth.login(b, P1.phone, "Wrong5pass");
  await b.waitUntil(async () => (await errorCode(b, null)) === "LOGIN_LOCKED", { timeout: 15_000 });
  const until = Number(await (await b.$('[data-testid="error"]')).getAttribute("data-until"));
  assert.ok(Math.abs(until - (before + 15 * 60_000)) < 60_000, `locked until ${new Date(until).toISOString()}`);
  const shown = await text(b, "error");
  assert.match(shown, /\d{1,2}:\d{2}/, `the message says the time: ${shown}`);
  // The right password is refused while locked.
  await auth.login(b, P1.phone, PASSWORD);
  await b.waitUntil(async () => (await errorCode(b, null)) === "LOGIN_LOCKED", { timeout: 15_000 });
  assert.equal(await (await b.$('[data-testid="home-screen"]')).isExisting(), false);
});

test("a second account cannot see the first", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await auth.logout(b);
  await auth.register(b, P2);
  assert.match(await text(b, "greeting"), /小李/);
  assert.equal(await text(b, "profile-real-name"), "*四");
  assert.equal(await text(b, "profile-phone"), "139****9000");
  const page = await b.getPageSource();
  assert.ok(!page.includes("小张") && !page.includes("138****8000"), "nothing of P1 on P2's screens");
  await auth.logout(b);
  await auth.login(b, P1.phone);
  await el(b, "home-screen", 30_000);
  assert.equal(await text(b, "profile-real-name"), "*三");
});

test("phones and ID numbers typed with spaces, dashes or full-width digits work in every form that takes them", async ({ b }) => {
  await auth.waitLogin(b);
  // Registration: a full-width spaced phone and a spaced ID number.
  await auth.register(b, { ...P1, phone: "１３８ ００１３ ８０００", idNumber: "110101 19900307 1233" });
  // Sign-in with a dashed phone.
  await auth.logout(b);
  await auth.login(b, "138-0013-8000");
  await el(b, "home-screen", 30_000);
  // Binding: the reserved phone spaced (the bank compares it to the one it keeps).
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T01, phone: "138 0013 8000" });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
  // A new reserved phone for the card, dashed in full width.
  await cards.openCard(b, "0017");
  await bind.bankCounter(b, "T01", "changePhone", "13912345678");
  await type(b, "card-edit-phone", "１３９－１２３４－５６７８");
  await bind.rememberSms(b, "13912345678");
  await click(b, "card-edit-submit");
  await type(b, "card-otp", await bind.codeFromPhone(b, "13912345678", "card-otp"));
  await click(b, "card-otp-submit");
  await b.waitUntil(async () => (await text(b, "card-detail-phone")) === "139****5678", { timeout: 30_000 });
  // Login-password recovery: the phone in full width, the ID number in full width.
  await auth.logout(b);
  await click(b, "forgot-password");
  await el(b, "recover-screen");
  await type(b, "recover-phone", "１３８００１３８０００");
  const before = await sec.latestSms(b, P1.phone);
  await sec.next(b);
  await sec.waitStage(b, "otp");
  await type(b, "recover-otp", await sec.newCode(b, before, P1.phone));
  await sec.next(b);
  await sec.waitStage(b, "identity");
  await type(b, "recover-real-name", P1.realName);
  await type(b, "recover-id-number", "１１０１０１１９９００３０７１２３３");
  await sec.next(b);
  await sec.waitStage(b, "new_password");
});
