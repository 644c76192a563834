// Chinese wallet conventions every screen keeps: dates as YYYY-MM-DD (Asia/Shanghai), and focus
// on the first field (or the heading) of each new screen.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, selectValue, text } from "../lib/dom.mjs";
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

test("at 900×600 no step label breaks mid-word (zh and en), 锁定/退出登录 stay in view, the mock column is whole", async ({ b }) => {
  await b.setWindowSize(900, 600);
  await auth.waitLogin(b);
  await auth.register(b, P1);
  // Each step's label on one line: an inline box split over lines has several client rects.
  const brokenSteps = () =>
    b.execute(() =>
      [...document.querySelectorAll(".stepper .step-label")].filter((l) => l.getClientRects().length !== 1).map((l) => l.textContent),
    );
  for (const lang of ["zh-CN", "en"]) {
    await click(b, "nav-settings");
    await selectValue(b, "settings-language", lang);
    await bind.openBind(b);
    assert.equal(await b.execute(() => window.innerWidth), 900, "the window is 900 wide");
    assert.deepEqual(await brokenSteps(), [], `${lang}: labels broken over lines`);
  }
  // A long page scrolled to its end: the sidebar's lock and logout are still on screen.
  await click(b, "nav-help");
  await b.execute(() => window.scrollTo(0, document.body.scrollHeight));
  const inView = (id) =>
    b.execute((id) => {
      const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    }, id);
  assert.ok(await b.execute(() => document.documentElement.scrollHeight > window.innerHeight), "the page is longer than the window");
  for (const id of ["nav-lock", "logout"]) assert.ok(await inView(id), `${id} in view`);
  const mock = await b.execute(() => {
    const m = document.querySelector(".mock").getBoundingClientRect();
    return { right: m.right, width: window.innerWidth, top: m.top };
  });
  assert.ok(mock.right <= mock.width + 0.5 && mock.top >= -0.5, `mock column whole: ${JSON.stringify(mock)}`);
});
