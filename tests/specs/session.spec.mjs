// Locking: by hand, and by itself after the auto-lock time.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, errorCode, selectValue, type } from "../lib/dom.mjs";
import { P1, PASSWORD } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";

test("lock now, wrong password refused, right password unlocks", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-lock");
  await el(b, "lock-screen");
  await type(b, "unlock-password", "Wrong2026!");
  await click(b, "unlock-submit");
  assert.equal(await errorCode(b, null), "LOGIN_FAILED");
  await type(b, "unlock-password", PASSWORD);
  await click(b, "unlock-submit");
  await el(b, "home-screen");
});

test("idle for the auto-lock time, the app locks and asks for the password", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-settings");
  await selectValue(b, "settings-autolock", "1");
  // No input for a minute: Rust locks the session; the UI's poll notices within ~10 s.
  await el(b, "lock-screen", 90_000);
  await type(b, "unlock-password", PASSWORD);
  await click(b, "unlock-submit");
  await el(b, "settings-screen");
});
