// Restarts: the account survives (its database key comes back from the real gnome-keyring),
// and so do the language and theme.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, selectValue, text } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";

test("restart keeps the account", async ({ app, b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await app.restart();
  const b2 = app.browser;
  await auth.waitLogin(b2);
  await auth.login(b2, P1.phone);
  await el(b2, "home-screen", 30_000);
  assert.match(await text(b2, "greeting"), /小张/);
});

test("language and theme switches persist across a restart", async ({ app, b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-settings");
  await selectValue(b, "settings-language", "en");
  await b.waitUntil(async () => (await text(b, "nav-settings")) === "Settings", { timeout: 10_000 });
  await selectValue(b, "settings-theme", "dark");
  await b.waitUntil(async () => (await b.execute(() => document.documentElement.dataset.theme)) === "dark");
  await app.restart();
  const b2 = app.browser;
  await auth.waitLogin(b2);
  assert.equal(await text(b2, "login-submit"), "Sign in");
  assert.equal(await b2.execute(() => document.documentElement.lang), "en");
  assert.equal(await b2.execute(() => document.documentElement.dataset.theme), "dark");
});
