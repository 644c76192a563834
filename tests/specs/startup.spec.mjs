// No keychain, no wallet: a clear screen, never a plaintext database.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "../lib/harness.mjs";
import { el, text } from "../lib/dom.mjs";

test(
  "keychain unavailable shows what is wrong and what to do",
  async ({ app, b }) => {
    const screen = await el(b, "startup-problem", 30_000);
    assert.equal(await screen.getAttribute("data-error-code"), "KEYCHAIN_UNAVAILABLE");
    assert.match(await text(b, "startup-fix"), /钥匙串|Secret Service/);
    const db = path.join(app.env.XDG_DATA_HOME, "com.tongbao.wallet", "wallet.db");
    assert.equal(existsSync(db), false, "no database is created without a key");
  },
  // A session bus address that leads nowhere: the Secret Service can't be reached.
  { env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/tongbao-test-bus" } },
);
