#!/usr/bin/env node
// Start-up and memory beside two floors — a benchmark, not a test: a bare Tauri 2 app, and the
// same bare app showing the login screen's Chinese text in the same font (a Chinese UI's font
// pages are part of any such app). All are release builds made the same way (LTO, one codegen
// unit, stripped). Each run starts an app through tauri-driver under Xvfb with a fresh data
// folder, times the WebDriver session request → first screen shown (Tongbao's login screen;
// the bare app's heading), waits 5 s idle and sums the PSS of the app's whole process tree (the
// app, the WebKit web and network processes). Runs are interleaved (the three in a rotating
// order) so drift hits all alike; medians and ratios are printed. Then a few Tongbao runs sign in, bind T01, open cards and history, and
// report the PSS of a signed-in session.
//
// Run from the repository root inside a keychain session (Tongbao needs a Secret Service):
//   bash scripts/bench.sh            (builds what is missing, then this and the ledger benchmark)
// Options: --runs N (default 10), --signed-in N (default 3).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { AppUnderTest, ROOT } from "../tests/lib/harness.mjs";
import * as auth from "../tests/pages/auth.mjs";
import * as bind from "../tests/pages/bind.mjs";
import { CARDS } from "../tests/lib/cards.mjs";
import { P1 } from "../tests/lib/identities.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg("--runs", 10);
const SIGNED_IN = arg("--signed-in", 3);
const IDLE_MS = 5_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const BARE = path.join(ROOT, "target/bare-tauri/release/bare-tauri");
const APPS = {
  bare: { binary: BARE, ready: "#ready", env: {} },
  // The second floor: the same bare app showing the login screen's Chinese text in its font.
  bareCjk: { binary: BARE, ready: "#ready", env: { BARE_PAGE: "cjk.html" } },
  tongbao: {
    binary: path.join(ROOT, "target/release/tongbao-wallet"),
    ready: '[data-testid="login-screen"]',
    // As a person runs it: no test mode.
    env: { TONGBAO_TEST_MODE: "0" },
  },
};

/** Every process: pid → { ppid, exe }. */
function processes() {
  const out = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      let exe = "";
      try {
        exe = readlinkSync(`/proc/${d}/exe`);
      } catch {
        /* another user's or gone */
      }
      out.set(Number(d), { ppid, exe });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** PSS (KiB) of the process running `binary` and all its descendants. */
function treePss(binary) {
  const procs = processes();
  const root = [...procs].find(([, p]) => p.exe === binary)?.[0];
  if (!root) throw new Error(`${binary} is not running`);
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  const byProcess = {};
  for (const pid of tree) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      const name = pid === root ? "app" : readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      kib += m ? Number(m[1]) : 0;
      byProcess[name] = (byProcess[name] ?? 0) + (m ? Number(m[1]) : 0) / 1024;
    } catch {
      /* gone meanwhile */
    }
  }
  return { kib, processes: tree.size, byProcess };
}

async function oneRun(name, i) {
  const spec = APPS[name];
  const app = new AppUnderTest(`bench-${name}-${i}`, { application: spec.binary, env: spec.env });
  try {
    await app.start();
    const b = app.browser;
    await b.waitUntil(async () => (await b.$(spec.ready)).isExisting(), { timeout: 60_000, interval: 10 });
    const startMs = performance.now() - app.sessionStart;
    await sleep(IDLE_MS);
    const pss = treePss(spec.binary);
    return { startMs, pssMiB: pss.kib / 1024, processes: pss.processes, byProcess: pss.byProcess };
  } finally {
    await app.stop();
  }
}

async function signedInRun(i) {
  const app = new AppUnderTest(`bench-signed-in-${i}`, { application: APPS.tongbao.binary, env: APPS.tongbao.env });
  try {
    await app.start();
    const b = app.browser;
    await auth.waitLogin(b);
    await auth.register(b, P1);
    await bind.bindDebit(b, CARDS.T01);
    await (await b.$('[data-testid="nav-cards"]')).click();
    await (await b.$('[data-testid="card-item"]')).waitForExist({ timeout: 30_000 });
    await (await b.$('[data-testid="nav-history"]')).click();
    await (await b.$('[data-testid="history-screen"]')).waitForExist({ timeout: 30_000 });
    await sleep(IDLE_MS);
    return treePss(APPS.tongbao.binary).kib / 1024;
  } finally {
    await app.stop();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = { bare: [], bareCjk: [], tongbao: [] };
const ORDERS = [
  ["bare", "bareCjk", "tongbao"],
  ["tongbao", "bare", "bareCjk"],
  ["bareCjk", "tongbao", "bare"],
];
for (let i = 0; i < RUNS; i++) {
  for (const name of ORDERS[i % ORDERS.length]) {
    const r = await oneRun(name, i);
    results[name].push(r);
    console.log(`run ${i + 1}/${RUNS} ${name.padEnd(7)} first screen ${r.startMs.toFixed(0).padStart(5)} ms, PSS ${r.pssMiB.toFixed(1)} MiB (${r.processes} processes)`);
  }
}
const signedIn = [];
for (let i = 0; i < SIGNED_IN; i++) signedIn.push(await signedInRun(i));

const m = (name, key) => median(results[name].map((r) => r[key]));
const [bs, cs, ts] = [m("bare", "startMs"), m("bareCjk", "startMs"), m("tongbao", "startMs")];
const [bp, cp, tp] = [m("bare", "pssMiB"), m("bareCjk", "pssMiB"), m("tongbao", "pssMiB")];
console.log(`\nstart-up and memory, ${RUNS} interleaved runs each (release builds, Xvfb), medians:`);
console.log(`  bare Tauri 2 app          : first screen ${bs.toFixed(0)} ms, PSS at idle ${bp.toFixed(1)} MiB`);
console.log(`  bare app, Chinese text    : first screen ${cs.toFixed(0)} ms, PSS at idle ${cp.toFixed(1)} MiB`);
console.log(`  Tongbao Wallet            : first screen ${ts.toFixed(0)} ms, PSS at idle ${tp.toFixed(1)} MiB`);
console.log(`  start vs the bare app     : ${(ts / bs).toFixed(2)}× (target ≤ 1.05×); vs Chinese text ${(ts / cs).toFixed(2)}×`);
console.log(`  PSS vs the Chinese-text app: ${(tp / cp).toFixed(2)}× (target ≤ 1.10×); vs the bare app ${(tp / bp).toFixed(2)}×`);
for (const name of ["bare", "bareCjk", "tongbao"]) {
  const parts = Object.keys(results[name][0]?.byProcess ?? {});
  const line = parts.map((p) => `${p} ${median(results[name].map((r) => r.byProcess[p] ?? 0)).toFixed(1)}`).join(", ");
  console.log(`  ${name.padEnd(7)} PSS by process (MiB, medians): ${line}`);
}
if (signedIn.length) {
  console.log(`  Tongbao signed in (T01 bound, cards and history opened), ${signedIn.length} runs: PSS ${median(signedIn).toFixed(1)} MiB`);
}
