// On the desktop: the notices center (a received transfer is an unread notice that opens its
// record, and one OS notification without the amount), 隐藏金额 kept across a restart, 长辈模式
// from the login screen (larger type and targets, a simpler home, axe at 0 light and dark), and
// the tray's 立即锁定 through its command.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, selectValue, text, tid } from "../lib/dom.mjs";
import { invoke } from "../lib/ipc.mjs";
import { violations } from "../lib/axe.mjs";
import { P1, P2 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as money from "../pages/money.mjs";

async function unread(b) {
  return Number(await (await b.$(tid("notices-unread"))).getAttribute("data-count"));
}

test("a received transfer is one unread notice that opens its record; the OS hears it once, without the amount", async ({ b }) => {
  await money.p1WithMoney(b, "1000", true);
  await money.toUser(b, P2.phone, "200");
  await money.confirm(b);
  assert.equal(await money.resultStatus(b), "succeeded");
  assert.equal(await unread(b), 0, "money sent is not news to its sender");
  await auth.logout(b);
  await auth.login(b, P2.phone);
  await el(b, "home-screen", 30_000);
  await b.waitUntil(async () => (await unread(b)) === 1, { timeout: 15_000, timeoutMsg: "no unread notice" });
  assert.match(await text(b, "notices-unread"), /^1/);
  await click(b, "nav-notices");
  await el(b, "notice-item", 10_000);
  const items = await b.$$(tid("notice-item"));
  assert.equal(items.length, 1);
  assert.equal(await items[0].getAttribute("data-kind"), "received");
  assert.equal(await items[0].getAttribute("data-read"), "false");
  assert.match(await items[0].getText(), /转账到账[\s\S]*\*三 向你转账 ¥200\.00/);
  const paymentId = await items[0].getAttribute("data-payment-id");
  await items[0].click();
  const detail = await el(b, "history-detail", 15_000);
  assert.equal(await detail.getAttribute("data-id"), paymentId);
  await b.waitUntil(async () => (await unread(b)) === 0, { timeout: 5_000, timeoutMsg: "opening it did not mark it read" });
  await click(b, "nav-notices");
  await el(b, "notice-item", 10_000);
  assert.equal(await (await b.$(tid("notice-item"))).getAttribute("data-read"), "true");
  // One OS notification (kept in test mode), saying what happened, not how much or from whom.
  const sent = await invoke(b, "notifications_sent", {});
  assert.ok(sent.ok, JSON.stringify(sent.err));
  assert.equal(sent.ok.length, 1, JSON.stringify(sent.ok));
  assert.equal(sent.ok[0].body, "你收到一笔转账，已到账");
  assert.doesNotMatch(sent.ok[0].body, /200|\*三/);
});

test("隐藏金额 masks every amount, is said as 金额已隐藏, and survives a restart", async ({ app, b }) => {
  await money.p1WithMoney(b, "1000");
  await click(b, "nav-home");
  const eye = await el(b, "hide-amounts");
  assert.equal(await eye.getAttribute("aria-pressed"), "false");
  await eye.click();
  await b.waitUntil(async () => (await text(b, "balance")).startsWith("****"), { timeout: 5_000, timeoutMsg: "the balance is not masked" });
  const balance = await el(b, "balance");
  assert.equal(await balance.getAttribute("data-amount-fen"), "100000", "testers still read the amount");
  assert.equal(await b.execute(() => document.querySelector('[data-testid="balance"] .visually-hidden')?.textContent), "金额已隐藏");
  // Every screen: the history's amounts too.
  await click(b, "nav-history");
  await el(b, "history-item", 15_000);
  assert.match(await (await el(b, "history-item")).getText(), /\*\*\*\*/);
  assert.doesNotMatch(await (await el(b, "history-item")).getText(), /1,000\.00/);
  await app.restart();
  const b2 = app.browser;
  await auth.waitLogin(b2);
  await auth.login(b2, P1.phone);
  await el(b2, "home-screen", 30_000);
  assert.equal(await (await el(b2, "hide-amounts")).getAttribute("aria-pressed"), "true");
  assert.ok((await text(b2, "balance")).startsWith("****"));
  await click(b2, "hide-amounts");
  await b2.waitUntil(async () => (await text(b2, "balance")) === "¥1,000.00", { timeout: 5_000 });
});

test("长辈模式 from the login screen: 18 px text, 48 px targets, a simpler home, axe at 0 light and dark", async ({ b }) => {
  await auth.waitLogin(b);
  await click(b, "login-elder-mode");
  await b.waitUntil(async () => b.execute(() => document.documentElement.classList.contains("elder")), { timeout: 5_000 });
  assert.equal(await (await el(b, "login-elder-mode")).getAttribute("aria-pressed"), "true");
  const sizes = () =>
    b.execute(() => {
      const px = (e) => parseFloat(getComputedStyle(e).fontSize);
      const texts = [...document.querySelectorAll("main p, main label, main button, main input, main h1, main h2, main dd, main dt")].filter((e) => e.offsetParent !== null && e.textContent.trim() !== "");
      const targets = [...document.querySelectorAll("main button, main input:not([type=checkbox]), main select, nav button")].filter((e) => e.offsetParent !== null);
      return {
        smallestText: Math.min(...texts.map(px)),
        smallestTarget: Math.min(...targets.map((e) => Math.min(e.getBoundingClientRect().height, e.getBoundingClientRect().width))),
      };
    });
  let s = await sizes();
  assert.ok(s.smallestText >= 18, `login text ${s.smallestText}px`);
  assert.ok(s.smallestTarget >= 48, `login target ${s.smallestTarget}px`);
  await auth.register(b, P1);
  await el(b, "home-screen", 30_000);
  s = await sizes();
  assert.ok(s.smallestText >= 18, `home text ${s.smallestText}px`);
  assert.ok(s.smallestTarget >= 48, `home target ${s.smallestTarget}px`);
  // The simpler home: balance, 付款, 转账, the cards; no profile, no points.
  for (const id of ["balance", "home-pay", "home-transfer", "hide-amounts"]) await el(b, id);
  assert.equal(await (await b.$(tid("profile"))).isExisting(), false);
  assert.equal(await (await b.$(tid("withdraw"))).isExisting(), false);
  const found = [];
  for (const theme of ["light", "dark"]) {
    await click(b, "nav-settings");
    assert.equal(await (await el(b, "settings-elder-mode")).isSelected(), true, "the setting shows it");
    await selectValue(b, "settings-theme", theme);
    for (const screen of ["settings", "home", "notices"]) {
      await click(b, `nav-${screen}`);
      await el(b, `${screen}-screen`);
      for (const v of await violations(b)) found.push(`[${theme}] ${screen}: ${v}`);
    }
  }
  assert.deepEqual(found, [], `axe violations:\n${found.join("\n")}`);
  // Off again from the settings.
  await click(b, "nav-settings");
  await click(b, "settings-elder-mode");
  await b.waitUntil(async () => !(await b.execute(() => document.documentElement.classList.contains("elder"))), { timeout: 5_000 });
});

test("the tray's 立即锁定 (through its command) locks the session; the password unlocks it", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await el(b, "home-screen", 30_000);
  const r = await invoke(b, "tray_action", { args: "lock" });
  assert.ok(!r.err, JSON.stringify(r.err));
  await el(b, "lock-screen", 10_000);
  const status = await invoke(b, "app_status", {});
  assert.equal(status.ok.session.locked, true);
  const bad = await invoke(b, "tray_action", { args: "explode" });
  assert.equal(bad.err.code, "INPUT_INVALID");
});
