// Chinese wallet conventions every screen keeps: dates as YYYY-MM-DD (Asia/Shanghai), and focus
// on the first field (or the heading) of each new screen.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, text } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";

const focused = (b) =>
  b.execute(() => {
    const a = document.activeElement;
    return a ? (a.getAttribute("data-testid") ?? a.tagName) : null;
  });

test("each new screen focuses its first field or its heading; dates read YYYY-MM-DD", async ({ b }) => {
  await auth.waitLogin(b);
  await b.waitUntil(async () => (await focused(b)) === "login-phone", { timeout: 5_000, timeoutMsg: "login focuses the phone" });
  await auth.openRegister(b);
  await b.waitUntil(async () => (await focused(b)) === "reg-phone", { timeout: 5_000, timeoutMsg: "register focuses the phone" });
  await click(b, "go-login");
  await auth.register(b, P1);
  await b.waitUntil(async () => !["BODY", null].includes(await focused(b)), {
    timeout: 5_000,
    timeoutMsg: "home focuses its heading",
  });
  await click(b, "nav-settings");
  await b.waitUntil(async () => (await focused(b)) === "settings-language", { timeout: 5_000, timeoutMsg: "settings focuses the language" });
  await click(b, "nav-home");
  const profile = await text(b, "profile");
  assert.match(profile, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/, profile);
  await el(b, "home-screen");
});
