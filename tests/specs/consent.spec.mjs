// The agreements a person accepts are readable before they tick the box, and the language can
// be chosen before signing in.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, text, waitGone } from "../lib/dom.mjs";
import { invoke } from "../lib/ipc.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";

async function readTerms(b, linkId, docs) {
  await click(b, linkId);
  await el(b, "terms-dialog");
  const seen = [];
  for (const d of await b.$$('[data-testid="terms-doc"]')) {
    seen.push(await d.getAttribute("data-doc"));
    assert.ok((await d.getText()).length > 200, "a readable agreement");
  }
  assert.deepEqual(seen, docs);
  const focused = await b.execute(() => document.activeElement?.tagName);
  assert.equal(focused, "H2", "focus on the agreement's heading");
  await click(b, "terms-close");
  await waitGone(b, "terms-dialog");
}

test("registration asks for the unticked user agreement and privacy policy, readable first", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.openRegister(b);
  await auth.fillDetails(b, P1, { agree: false });
  assert.equal(await (await el(b, "reg-agree")).isSelected(), false, "unticked by default");
  assert.equal(await (await el(b, "reg-submit")).isEnabled(), false);
  await readTerms(b, "reg-terms-link", ["user", "privacy"]);
  // Rust refuses a registration without consent whatever the screen does.
  const r = await invoke(b, "check_registration", {
    args: { phone: P1.phone, displayName: "x", realName: P1.realName, idNumber: P1.idNumber, password: "Tongbao2026!", passwordConfirm: "Tongbao2026!", agree: false },
  });
  assert.equal(r.err?.code, "CONSENT_REQUIRED");
  await click(b, "reg-agree");
  await click(b, "reg-submit");
  await el(b, "paypwd-input");
});

test("the language switch on the login screen changes it before signing in and is kept", async ({ app, b }) => {
  await auth.waitLogin(b);
  await (await el(b, "login-language")).selectByAttribute("value", "en");
  await b.waitUntil(async () => (await b.execute(() => document.documentElement.lang)) === "en");
  assert.match(await text(b, "login-submit"), /Sign in|Log in/i);
  await auth.openRegister(b);
  assert.equal(await (await el(b, "login-language")).getValue(), "en");
  await app.restart();
  await auth.waitLogin(app.browser);
  assert.equal(await app.browser.execute(() => document.documentElement.lang), "en");
  await (await el(app.browser, "login-language")).selectByAttribute("value", "zh-CN");
  await app.browser.waitUntil(async () => (await app.browser.execute(() => document.documentElement.lang)) === "zh-CN");
});

test("the quick-pay agreement opens from the binding form", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await readTerms(b, "bind-terms-link", ["quickpay"]);
  await el(b, "bind-number");
});
