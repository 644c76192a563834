#!/usr/bin/env node
// Runs the WebDriver UI scripts against the built app, one fresh app (and data folder) per
// test, then checks that no secret reached any log. Ends with `N passed, N failed`.
//
//   node run.mjs                      every spec in specs/
//   node run.mjs accounts             specs whose file name contains "accounts"
//   node run.mjs accounts "lockout"   ... and tests whose name contains "lockout"
//
// Lanes: with TONGBAO_LANE=i/n only every n-th test from the i-th (0-based) runs, so n runs
// can share the machine; each lane gives its own TAURI_DRIVER_PORT and TONGBAO_RUNS_DIR.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { APP, ARTIFACTS, AppUnderTest, ROOT, RUNS, registry } from "./lib/harness.mjs";
import { SECRETS } from "./lib/identities.mjs";
import { seenCodes } from "./pages/bind.mjs";

const [fileFilter = "", nameFilter = ""] = process.argv.slice(2);
const specDir = path.join(ROOT, "tests/specs");

if (!existsSync(APP)) {
  console.error(`The app is not built: ${APP}\nBuild it once with: npm --prefix ui run tauri -- build --debug --no-bundle`);
  process.exit(2);
}

rmSync(RUNS, { recursive: true, force: true });
mkdirSync(path.join(ARTIFACTS, "screenshots"), { recursive: true });
mkdirSync(path.join(ARTIFACTS, "exports"), { recursive: true }); // TONGBAO_EXPORT_DIR of the report test

for (const f of readdirSync(specDir).filter((f) => f.endsWith(".spec.mjs") && f.includes(fileFilter)).sort()) {
  await import(pathToFileURL(path.join(specDir, f)).href);
}
const [lane, lanes] = (process.env.TONGBAO_LANE ?? "0/1").split("/").map(Number);
if (!(lanes >= 1 && lane >= 0 && lane < lanes)) {
  console.error(`TONGBAO_LANE must be i/n with 0 <= i < n, not ${process.env.TONGBAO_LANE}`);
  process.exit(2);
}
const tests = registry.filter((t) => t.name.includes(nameFilter)).filter((_, i) => i % lanes === lane);

let passed = 0;
let failed = 0;
const failures = [];
const logFiles = [];

// A WebKit web process that crashes or stops answering under load ends the WebDriver session
// ("page crash or hang"): that is the engine, not the app's behaviour, so such a test runs once
// more on a fresh folder and says so. Any other failure, or a second crash, fails the test.
const ENGINE_LOST = /page crash or hang|invalid session id/;
let retried = 0;

for (const t of tests) {
  for (let attempt = 1; ; attempt++) {
    const app = new AppUnderTest(attempt === 1 ? t.name : `${t.name} (retry)`, t.options);
    const started = Date.now();
    let lost = false;
    try {
      await app.start();
      await t.fn({ app, get b() { return app.browser; } });
      passed++;
      const again = attempt > 1 ? ", on its second run: the web page crashed on the first" : "";
      console.log(`ok   ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s${again})`);
    } catch (e) {
      lost = attempt === 1 && ENGINE_LOST.test(String(e?.message ?? e));
      const shot = path.join(ARTIFACTS, "screenshots", `${path.basename(app.dir)}.png`);
      await app.screenshot(shot);
      const head = lost ? "LOST" : "FAIL";
      console.log(`${head} ${t.name}\n     ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n     ")}\n     screenshot: ${shot}`);
      if (lost) {
        retried++;
        console.log("     the WebKit page was lost (an engine crash or hang): running the test once more");
      } else {
        failed++;
        failures.push(t.name);
      }
    } finally {
      await app.stop();
      logFiles.push(app.driverLog, ...filesUnder(app.appDataDir));
    }
    if (!lost) break;
  }
}

// No test password, payment password, ID number or card number in any log of the whole run,
// nor in any file of the app's data folders (the database is encrypted; the mock bank's own
// file lives outside them, as a bank's would).
if (tests.length > 0 && !nameFilter) {
  const leaks = [];
  for (const f of logFiles.filter(existsSync)) {
    const content = readFileSync(f, "latin1") + readFileSync(f, "utf8");
    for (const s of SECRETS) if (content.includes(s)) leaks.push(`${f} contains ${s.slice(0, 3)}…`);
    // SMS codes are 6 digits: looked for in the text logs only (in encrypted pages six digits
    // can occur by chance).
    if (f.endsWith(".log") || f.includes(`${path.sep}logs${path.sep}`)) {
      for (const c of seenCodes) if (new RegExp(`(^|\\D)${c}(\\D|$)`).test(content)) leaks.push(`${f} contains an SMS code`);
    }
  }
  const name = `no secret in the logs and data folders of this run (${logFiles.filter(existsSync).length} files)`;
  const appLogs = logFiles.filter((f) => f.includes(`${path.sep}logs${path.sep}`) && existsSync(f)).length;
  if (leaks.length === 0 && appLogs > 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    failures.push(name);
    console.log(`FAIL ${name}\n     ${appLogs === 0 ? "no app log file was written" : leaks.join("\n     ")}`);
  }
}

if (failures.length) console.log(`\nfailed:\n  ${failures.join("\n  ")}`);
else if (!process.env.TONGBAO_KEEP_RUNS) rmSync(RUNS, { recursive: true, force: true });
if (retried) console.log(`\n${retried} test(s) ran twice after the web page was lost`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

/** Every file below `dir`, recursively. */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}
