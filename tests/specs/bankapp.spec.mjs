// Binding through the bank's app (一键绑卡): the wallet opens the mock bank's app in a window of
// its own; the person signs in there with the bank's SMS code, sees their ICBC cards (bindable
// or why not) and authorises T01; the bank app hands `tongbao://bind/callback` to the OS, which
// starts the app with it — that second start passes it to the running wallet. A forged callback
// started the same way binds nothing.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { APP, test } from "../lib/harness.mjs";
import { click, el, text, tid, type } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import * as cards from "../pages/cards.mjs";
import { violations } from "../lib/axe.mjs";
import { CARDS } from "../lib/cards.mjs";

/** Switches the session to the window whose page is `page` (index.html or bankapp.html). */
async function toWindow(b, page, timeout = 20_000) {
  let found = null;
  await b.waitUntil(
    async () => {
      for (const h of await b.getWindowHandles()) {
        await b.switchToWindow(h);
        const url = await b.getUrl();
        if (page === "bankapp" ? url.includes("bankapp.html") : !url.includes("bankapp.html")) {
          found = h;
          return true;
        }
      }
      return false;
    },
    { timeout, timeoutMsg: `no ${page} window` },
  );
  return found;
}

/** Signs P1 in to the bank app (its window current): the code from the mock phone in the wallet's window. */
async function bankAppSignIn(b, main) {
  await type(b, "bankapp-phone", P1.phone);
  await click(b, "bankapp-otp-send");
  await el(b, "bankapp-otp");
  await b.switchToWindow(main);
  const sms = await b.$(`${tid("mock-sms-latest")}[data-phone="${P1.phone}"]`);
  await b.waitUntil(async () => (await sms.isExisting()) && (await sms.getText()).includes("登录工商银行App"));
  const code = (await sms.getText()).match(/验证码 (\d{6})/)[1];
  await toWindow(b, "bankapp");
  await type(b, "bankapp-otp", code);
  await click(b, "bankapp-login");
}

/** Starts the app as the OS does for a link: the link its only argument. Answers its exit code. */
function openLink(app, link) {
  const child = spawn(APP, [link], { env: app.env, stdio: "ignore" });
  return new Promise((resolve) => {
    const timer = setTimeout(() => (child.kill("SIGKILL"), resolve("still running")), 20_000);
    child.on("exit", (c) => (clearTimeout(timer), resolve(c)));
  });
}

test("T01 binds through the bank's app in its own window, without typing its number", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await click(b, "bind-via-bank-app");
  await el(b, "bind-bank-app-waiting");
  const main = await toWindow(b, "main");
  await toWindow(b, "bankapp");
  await el(b, "bankapp-phone");
  assert.deepEqual(await violations(b), [], "axe on the bank app's sign-in");
  // The bank's sign-in code arrives on the mock phone (the wallet's window).
  await bankAppSignIn(b, main);
  const t01 = await b.$(`${tid("bankapp-card")}[data-last4="0017"]`);
  await t01.waitForExist({ timeout: 20_000 });
  assert.equal(await t01.getAttribute("data-bindable"), "true");
  const t02 = await b.$(`${tid("bankapp-card")}[data-last4="0025"]`);
  assert.equal(await t02.getAttribute("data-bindable"), "false");
  assert.match(await t02.getText(), /未激活/);
  assert.equal(await (await b.$(`${tid("bankapp-card")}[data-last4="0137"]`)).isExisting(), true, "T13, P1's ICBC credit card");
  assert.equal(await (await b.$(`${tid("bankapp-card")}[data-last4="0176"]`)).isExisting(), false, "T17 is CCB's");
  assert.deepEqual(await violations(b), [], "axe on the bank app's card list");
  await click(b, "bankapp-authorize");
  // Back in the wallet: the callback came through the OS and a second start.
  await b.switchToWindow(main);
  const success = await el(b, "bind-success", 30_000);
  assert.equal(await success.getAttribute("data-count"), "1");
  await cards.openCards(b);
  const list = await cards.list(b);
  assert.deepEqual(list.map((c) => c.last4), ["0017"]);
});

test("a forged callback handed over by the OS binds nothing: BIND_CALLBACK_INVALID", async ({ app, b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const forged = `tongbao://bind/callback?code=${"a".repeat(32)}&state=${"b".repeat(32)}`;
  assert.equal(await openLink(app, forged), 0, "the second start hands the link over and exits");
  const error = await el(b, "bind-error", 30_000);
  assert.equal(await error.getAttribute("data-error-code"), "BIND_CALLBACK_INVALID");
  assert.match(await text(b, "error"), /无效/);
  await cards.openCards(b);
  const list = await cards.list(b);
  assert.equal(list.length, 0);
});

test("T38: 去工商银行App开通 opens the bank app's card settings; enabled there, the retry binds", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await bind.openBind(b);
  await bind.fillCard(b, { number: CARDS.T38 });
  await bind.submitCard(b);
  assert.equal((await bind.failure(b)).code, "EPAY_DISABLED");
  await click(b, "bind-open-bank-app");
  const main = await toWindow(b, "main");
  await toWindow(b, "bankapp");
  await bankAppSignIn(b, main);
  const enable = await b.$(`${tid("bankapp-enable")}[data-last4="0389"]`);
  await enable.waitForExist({ timeout: 20_000 });
  await enable.click();
  await el(b, "bankapp-enabled");
  await b.switchToWindow(main);
  await click(b, "bind-retry");
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
});

test(
  "started by the OS for a link with no instance running, the app opens it after sign-in",
  async ({ b }) => {
    await auth.waitLogin(b);
    // Nothing is opened before someone signs in.
    assert.equal(await (await b.$(tid("bind-error"))).isExisting(), false);
    // Registering signs the person in: the link is opened then (the bind screen, not home).
    await auth.openRegister(b);
    await auth.fillDetails(b, P1);
    await click(b, "reg-submit");
    await el(b, "paypwd-input");
    await auth.fillPayPassword(b);
    await click(b, "paypwd-submit");
    const error = await el(b, "bind-error", 30_000);
    assert.equal(await error.getAttribute("data-error-code"), "BIND_CALLBACK_INVALID");
  },
  { args: [`tongbao://bind/callback?code=${"c".repeat(32)}&state=${"d".repeat(32)}`] },
);
