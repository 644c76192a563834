// No keychain, no wallet: a clear screen, never a plaintext database.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "../lib/harness.mjs";
import { el, text } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";

test(
  "keychain unavailable shows what is wrong and what to do",
  async ({ app, b }) => {
    const screen = await el(b, "startup-problem", 30_000);
    assert.equal(await screen.getAttribute("data-error-code"), "KEYCHAIN_UNAVAILABLE");
    assert.match(await text(b, "startup-fix"), /钥匙串|Secret Service/);
    // The code is for support: behind 「详情」, not in the sentence a person reads.
    const outside = await b.execute(() => {
      const s = document.querySelector("[data-testid='startup-problem']").cloneNode(true);
      for (const d of s.querySelectorAll("details")) d.remove();
      return s.textContent;
    });
    assert.doesNotMatch(outside, /KEYCHAIN_UNAVAILABLE|错误代码/);
    const details = await screen.$("[data-testid='error-details']");
    assert.equal(await details.getAttribute("open"), null, "closed until asked");
    await (await details.$("summary")).click();
    await b.waitUntil(async () => (await details.getAttribute("open")) !== null, { timeout: 5_000 });
    assert.match(await details.getText(), /KEYCHAIN_UNAVAILABLE/);
    const db = path.join(app.env.XDG_DATA_HOME, "com.tongbao.wallet", "wallet.db");
    assert.equal(existsSync(db), false, "no database is created without a key");
  },
  // A session bus address that leads nowhere: the Secret Service can't be reached.
  { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/tongbao-test-bus" } },
);

/** How many times this run's log says the wallet could not be opened. */
function failedOpenings(app) {
  const dir = path.join(app.appDataDir, "logs");
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l.includes("wallet could not be opened")).length)
    .reduce((a, b) => a + b, 0);
}

test(
  "a failed opening is tried once at start and again only when the person asks",
  async ({ app, b }) => {
    await el(b, "startup-problem", 30_000);
    // Background tasks (session watcher, event channel, update check) wait for the opening but never
    // start one: each attempt can ask the keychain to unlock. Give them time to have tried.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(failedOpenings(app), 1, "the start-up attempt, reported to the screen, and no other");
    await (await el(b, "startup-retry")).click();
    await b.waitUntil(async () => failedOpenings(app) === 2, { timeout: 15_000, timeoutMsg: "try again opens afresh" });
    assert.equal(await (await el(b, "startup-problem")).getAttribute("data-error-code"), "KEYCHAIN_UNAVAILABLE");
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(failedOpenings(app), 2, "one attempt per try again");
  },
  { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/tongbao-test-bus" } },
);

test(
  "the login screen is drawn before the wallet opens; signing up waits for the opening",
  async ({ app, b }) => {
    await el(b, "login-screen", 4_000);
    const ms = performance.now() - app.sessionStart;
    assert.ok(ms < 4_000, `the login screen waited for the 6 s opening (${ms.toFixed(0)} ms)`);
    assert.equal(await b.execute(() => Boolean(document.querySelector('[data-testid="loading"]'))), false);
    await auth.register(b, P1); // its commands wait for the opening
    await el(b, "home-screen", 30_000);
  },
  { env: { TONGBAO_TEST_OPEN_DELAY_MS: "6000" } },
);
