// Chinese wallet conventions every screen keeps: dates as YYYY-MM-DD (Asia/Shanghai), and focus
// on the first field (or the heading) of each new screen.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, text } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import { CARDS } from "../lib/cards.mjs";

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

test("home without a card offers to add one; binding offers the next step; the nav follows the section", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "home-add-card");
  await el(b, "bind-number");
  const current = async () => {
    const out = [];
    for (const id of ["nav-home", "nav-cards", "nav-transfer"]) {
      if ((await (await el(b, id)).getAttribute("aria-current")) === "page") out.push(id);
    }
    return out;
  };
  assert.deepEqual(await current(), ["nav-cards"], "binding is under the cards");
  await bind.fillCard(b, { number: CARDS.T01 });
  await bind.submitCard(b);
  await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
  await el(b, "bind-success", 30_000);
  await click(b, "bind-to-topup");
  await el(b, "amount");
  assert.deepEqual(await current(), ["nav-home"], "a top-up is under home, not transfer");
  await click(b, "nav-transfer");
  assert.deepEqual(await current(), ["nav-transfer"]);
});
