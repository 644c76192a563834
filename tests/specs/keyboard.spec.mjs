// Keyboard only: register, bind T01 and top up with Tab, Enter, Space and typing — no click.
// Each control is reached by Tab from where focus is, so the tab order and focus moves are
// tested too. (Reading the SMS code off the mock phone is the only look at the page.)
import assert from "node:assert/strict";
import { Key } from "webdriverio";
import { test } from "../lib/harness.mjs";
import { el, tid } from "../lib/dom.mjs";
import { P1, PASSWORD, PAY_PASSWORD } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import { CARDS } from "../lib/cards.mjs";

const focused = (b) => b.execute(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? null);

/** Presses Tab until the control `id` has focus (at most 80 presses). */
async function tabTo(b, id) {
  for (let i = 0; i < 80; i++) {
    if ((await focused(b)) === id) return;
    await b.keys([Key.Tab]);
  }
  assert.fail(`Tab never reached ${id}`);
}

/** Types `value` key by key into whatever has focus (one action per key: WebKit drops keys of
 *  a long burst while the field re-renders). */
async function typeKeys(b, value) {
  for (const ch of value) await b.keys([ch]);
}

async function fill(b, id, value) {
  await tabTo(b, id);
  await typeKeys(b, value);
}

async function press(b, id, key = Key.Enter) {
  await tabTo(b, id);
  await b.keys([key]);
}

test("register, bind T01 and top up with the keyboard alone", async ({ b }) => {
  await auth.waitLogin(b);
  await b.waitUntil(async () => (await focused(b)) === "login-phone", { timeout: 5_000 });
  await press(b, "go-register");
  await el(b, "register-screen");
  await fill(b, "reg-phone", P1.phone);
  await fill(b, "reg-display-name", P1.displayName);
  await fill(b, "reg-real-name", P1.realName);
  await fill(b, "reg-id-number", P1.idNumber);
  await fill(b, "reg-password", PASSWORD);
  await fill(b, "reg-password-confirm", PASSWORD);
  await press(b, "reg-agree", Key.Space);
  assert.equal(await (await el(b, "reg-agree")).isSelected(), true, "Space ticks the agreement");
  await press(b, "reg-submit");
  await el(b, "paypwd-input");
  await b.waitUntil(async () => (await focused(b)) === "paypwd-input", { timeout: 5_000, timeoutMsg: "the code boxes take focus" });
  await typeKeys(b, PAY_PASSWORD);
  await fill(b, "paypwd-confirm", PAY_PASSWORD);
  await press(b, "paypwd-submit");
  await el(b, "home-screen", 30_000);

  // Bind T01: the nav, the add button, the form, the SMS step.
  await press(b, "nav-cards");
  await press(b, "add-card");
  await el(b, "bind-screen");
  await fill(b, "bind-number", CARDS.T01);
  await press(b, "bind-agree", Key.Space);
  await press(b, "bind-submit");
  const sms = await b.$(`${tid("mock-sms-latest")}[data-phone="${P1.phone}"]`);
  await sms.waitForExist({ timeout: 30_000 });
  const code = (await sms.getText()).match(/验证码 (\d{6})/)[1];
  await b.waitUntil(async () => (await focused(b)) === "bind-otp", { timeout: 10_000, timeoutMsg: "the SMS step focuses its code" });
  await typeKeys(b, code);
  await b.keys([Key.Enter]); // Enter in the code submits its form
  await el(b, "bind-success", 30_000);

  // Top up ¥88 from the success screen's next step.
  await press(b, "bind-to-topup");
  await el(b, "amount");
  await fill(b, "amount", "88");
  await press(b, "submit");
  await el(b, "pay-confirm", 30_000);
  await b.waitUntil(async () => (await focused(b)) === "paypwd-input", { timeout: 5_000, timeoutMsg: "the confirmation focuses the password" });
  await typeKeys(b, PAY_PASSWORD);
  await press(b, "paypwd-submit");
  const result = await el(b, "transfer-result", 30_000);
  assert.equal(await result.getAttribute("data-status"), "succeeded");
  await press(b, "nav-home");
  assert.equal(await (await el(b, "balance")).getAttribute("data-amount-fen"), "8800");
});
