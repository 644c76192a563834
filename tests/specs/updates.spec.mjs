// Signed updates against a throw-away update server on 127.0.0.1 (lib/updates.mjs), with a key
// pair made for this run: the app finds the newer version, downloads it and verifies its
// signature (test mode's TONGBAO_UPDATE_DRY_RUN stops there: a build from source is never
// overwritten), refuses a bad signature or a version the signature was not made for, says so
// when the server is down, and starts without waiting for a server that never answers.
import assert from "node:assert/strict";
import { test } from "../lib/harness.mjs";
import { click, el, type } from "../lib/dom.mjs";
import { P1 } from "../lib/identities.mjs";
import { CARDS } from "../lib/cards.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";
import { makeKeys, makePackage, sign, startServer } from "../lib/updates.mjs";

const trusted = makeKeys();
const stranger = makeKeys();
const pkg = makePackage("0.2.0");
const good = sign(pkg, trusted, "0.2.0");
const forged = sign(makePackage("0.2.0"), stranger, "0.2.0");
const server = await startServer();
// Offered before the app starts: its start-up check may ask as soon as the wallet is open.
server.offer("0.2.0", pkg, good);
const slow = await startServer();
slow.state.hang = true;

const env = (endpoint) => ({ TONGBAO_UPDATE_ENDPOINT: endpoint, TONGBAO_UPDATE_PUBKEY: trusted.pubkey, TONGBAO_UPDATE_DRY_RUN: "1" });

async function panelState(b, want) {
  const panel = await el(b, "update-panel");
  await b.waitUntil(async () => (await panel.getAttribute("data-state")) === want, { timeout: 30_000, timeoutMsg: `update panel never ${want}` });
}

async function errorOf(b) {
  const e = await el(b, "error", 30_000);
  return e.getAttribute("data-error-code");
}

test(
  "settings show the version; the start-up check finds 0.2.0, update now downloads and verifies it; a forged signature, a re-announced version and a down server are refused",
  async ({ b }) => {
    await auth.waitLogin(b);
    await auth.register(b, P1);
    await click(b, "nav-settings");
    assert.equal(await (await el(b, "settings-version")).getAttribute("data-version"), "0.1.0");
    // Found by the background check at start-up, without asking.
    assert.equal(await (await el(b, "update-available", 30_000)).getAttribute("data-version"), "0.2.0");
    await click(b, "update-install");
    const done = await el(b, "update-outcome", 30_000);
    assert.deepEqual([await done.getAttribute("data-stage"), await done.getAttribute("data-version")], ["dry_run", "0.2.0"]);
    assert.match(await done.getText(), /签名验证通过/);
    assert.ok(server.state.requests.includes("/package"), "the package was downloaded");

    // Signed by another key: refused with a clear message, this version keeps working.
    server.offer("0.2.0", pkg, forged);
    await click(b, "update-check");
    await panelState(b, "available");
    await click(b, "update-install");
    assert.equal(await errorOf(b), "UPDATE_SIGNATURE_INVALID");
    assert.match(await (await el(b, "error")).getText(), /签名无效/);
    // The trusted signature, but announced as 0.3.0: the signature binds 0.2.0, so refused too.
    server.offer("0.3.0", pkg, good);
    await click(b, "update-check");
    await panelState(b, "available");
    await click(b, "update-install");
    assert.equal(await errorOf(b), "UPDATE_SIGNATURE_INVALID");
    // The running version still works.
    await click(b, "nav-home");
    await el(b, "balance");
    // The server gone: a clear message.
    await server.close();
    await click(b, "nav-settings");
    await click(b, "update-check");
    assert.equal(await errorOf(b), "UPDATE_CHECK_FAILED");
  },
  { env: env(server.endpoint) },
);

test(
  "a manifest server that never answers does not hold up start-up",
  async ({ b }) => {
    // The start-up check is out, unanswered, while the login screen is already in use.
    await b.waitUntil(async () => slow.state.pending > 0, { timeout: 30_000, timeoutMsg: "the start-up check never asked" });
    await auth.waitLogin(b);
    await type(b, "login-phone", P1.phone);
    assert.ok(slow.state.pending > 0, "the check is still waiting for the server");
  },
  { env: env(slow.endpoint) },
);

const late = await startServer();
late.offer("0.2.0", pkg, good);
let answer;
late.state.release = new Promise((r) => (answer = r));

test(
  "the start-up check's answer reaches a settings screen already open",
  async ({ b }) => {
    await auth.waitLogin(b);
    await auth.register(b, P1);
    await click(b, "nav-settings");
    await b.waitUntil(async () => late.state.pending > 0, { timeout: 30_000, timeoutMsg: "the start-up check never asked" });
    await panelState(b, "unknown");
    answer();
    // Without asking again: the panel hears that the check answered.
    assert.equal(await (await el(b, "update-available", 30_000)).getAttribute("data-version"), "0.2.0");
    assert.equal(late.state.requests.filter((r) => r === "/latest.json").length, 1, "asked once, at start-up");
  },
  { env: env(late.endpoint) },
);

const floorServer = await startServer();
floorServer.offer("0.2.0", pkg, good);

test(
  "UPGRADE_REQUIRED's remedy offers the update; after it, with the floor back, the card binds",
  async ({ b }) => {
    await auth.waitLogin(b);
    await auth.register(b, P1);
    await bind.openBind(b);
    await bind.versionFloor(b, "9.0.0");
    await bind.fillCard(b, { number: CARDS.T01 });
    await bind.submitCard(b);
    assert.equal((await bind.failure(b)).code, "UPGRADE_REQUIRED");
    assert.equal(await (await el(b, "update-available", 30_000)).getAttribute("data-version"), "0.2.0");
    await click(b, "update-install");
    assert.equal(await (await el(b, "update-outcome", 30_000)).getAttribute("data-stage"), "dry_run");
    await bind.versionFloor(b, "0.0.0");
    await click(b, "bind-retry");
    await bind.submitCard(b);
    await bind.enterOtp(b, await bind.codeFromPhone(b, P1.phone));
    await el(b, "bind-success", 30_000);
  },
  { env: env(floorServer.endpoint) },
);
