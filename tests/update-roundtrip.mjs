#!/usr/bin/env node
// The update round trip, against the INSTALLED package (run by scripts/install-test.sh, as
// root, after the .deb of version N is installed): a local HTTPS update server, with a
// certificate authority and a minisign key pair made for this run, offers version N+1 as a .deb
// and an .rpm under their own manifest keys. The installed app (test mode points it at the
// server, the key and the CA) first gets a tampered .deb — refused, N keeps running and stays
// installed — then the genuine one, which the updater installs as Tauri does for a .deb
// (dpkg -i through pkexec or sudo). Started again, the settings screen and `dpkg -s` both say
// N+1, and only the .deb was ever downloaded. Ends with `N passed, N failed`.
//
//   TONGBAO_APP=/usr/bin/tongbao-wallet TONGBAO_NEXT_DEB=….deb TONGBAO_PKG=tongbao-wallet \
//     node tests/update-roundtrip.mjs
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AppUnderTest } from "./lib/harness.mjs";
import { click, el } from "./lib/dom.mjs";
import { P1 } from "./lib/identities.mjs";
import { makeKeys, makeTls, sign, startServer } from "./lib/updates.mjs";
import * as auth from "./pages/auth.mjs";

const { TONGBAO_APP: app, TONGBAO_NEXT_DEB: nextDeb, TONGBAO_PKG: pkg } = process.env;
if (!app || !nextDeb || !pkg) {
  console.error("needs TONGBAO_APP, TONGBAO_NEXT_DEB and TONGBAO_PKG");
  process.exit(2);
}
const installedVersion = () => execFileSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" }).trim();
const debVersion = (f) => execFileSync("dpkg-deb", ["-f", f, "Version"], { encoding: "utf8" }).trim();

const current = installedVersion();
const next = debVersion(nextDeb);
assert.notEqual(current, next, "the package offered must be another version");

const keys = makeKeys();
const tls = makeTls();
const server = await startServer(tls);
const dir = path.dirname(keys.keyPath);
// The genuine package and its signature; a tampered copy (one byte changed near its end) served
// with that same signature; an .rpm entry that a .deb install must never download.
const genuine = path.join(dir, path.basename(nextDeb));
copyFileSync(nextDeb, genuine);
const signature = sign(genuine, keys, next);
const tampered = path.join(dir, `tampered-${path.basename(nextDeb)}`);
const bytes = readFileSync(genuine);
bytes[bytes.length - 100] ^= 0xff;
writeFileSync(tampered, bytes);
const rpm = path.join(dir, `tongbao-wallet-${next}-1.x86_64.rpm`);
writeFileSync(rpm, Buffer.alloc(4096, "not a .deb"));
const rpmSignature = sign(rpm, keys, next);

const env = { TONGBAO_UPDATE_ENDPOINT: server.endpoint, TONGBAO_UPDATE_PUBKEY: keys.pubkey, TONGBAO_UPDATE_CA: tls.caPath };
const under = new AppUnderTest("update round trip", { application: app, env });
let failed = 0;
try {
  await under.start();
  const b = under.browser;
  await auth.waitLogin(b);
  await auth.register(b, P1);
  await click(b, "nav-settings");
  assert.equal(await (await el(b, "settings-version")).getAttribute("data-version"), current);

  // Tampered: the signature check refuses it; nothing installed, this version keeps working.
  server.offerPackages(next, { deb: [tampered, signature], rpm: [rpm, rpmSignature] });
  await click(b, "update-check");
  assert.equal(await (await el(b, "update-available", 30_000)).getAttribute("data-version"), next);
  await click(b, "update-install");
  const refused = await el(b, "error", 60_000);
  assert.equal(await refused.getAttribute("data-error-code"), "UPDATE_SIGNATURE_INVALID");
  assert.equal(installedVersion(), current, "a tampered package is never installed");
  await click(b, "nav-home");
  await el(b, "balance");
  console.log(`ok   a tampered ${next} .deb is refused; ${current} stays installed and running`);

  // Genuine: downloaded, verified and installed by the updater.
  server.offerPackages(next, { deb: [genuine, signature], rpm: [rpm, rpmSignature] });
  await click(b, "nav-settings");
  await click(b, "update-check");
  await el(b, "update-available", 30_000);
  await click(b, "update-install");
  const done = await el(b, "update-outcome", 120_000);
  assert.deepEqual([await done.getAttribute("data-stage"), await done.getAttribute("data-version")], ["installed", next]);
  assert.equal(installedVersion(), next, "dpkg has the new version");
  console.log(`ok   the genuine ${next} .deb is installed by the updater (dpkg -s: ${installedVersion()})`);

  // Started again (the binary on disk is now N+1), on the same data folder and keychain.
  await under.restart();
  const b2 = under.browser;
  await auth.waitLogin(b2);
  await auth.login(b2, P1.phone);
  await click(b2, "nav-settings");
  assert.equal(await (await el(b2, "settings-version")).getAttribute("data-version"), next);
  const downloads = server.state.requests.filter((r) => r.startsWith("/package"));
  assert.deepEqual([...new Set(downloads)], ["/package.deb"], `only the .deb key's file was fetched: ${downloads}`);
  console.log(`ok   after the restart the settings screen says ${next}; only the .deb was downloaded`);
} catch (e) {
  failed = 1;
  await under.screenshot(path.join(path.dirname(under.dir), "update-roundtrip.png"));
  console.log(`FAIL update round trip\n     ${String(e?.stack ?? e).split("\n").slice(0, 8).join("\n     ")}`);
} finally {
  await under.stop();
  await server.close();
}
console.log(`\n${failed ? 0 : 3} passed, ${failed} failed`);
process.exit(failed);
