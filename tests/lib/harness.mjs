// Starts the real app for one test: a fresh data folder, tauri-driver in its own process group,
// a WebDriver session; stops it all (the whole group) afterwards so no WebKit process outlives
// a failed test.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");
export const APP = process.env.TONGBAO_APP ?? path.join(ROOT, "target/debug/tongbao-wallet");
export const ARTIFACTS = path.join(ROOT, "tests/.artifacts");
/** Where each test's folder goes: one folder per lane when several run side by side. */
/** (Absolute: the app ignores a relative XDG_DATA_HOME and would share the home folder's.) */
export const RUNS = path.resolve(process.env.TONGBAO_RUNS_DIR ?? path.join(ARTIFACTS, "runs"));
const PORT = Number(process.env.TAURI_DRIVER_PORT ?? 4444);
const NATIVE_PORT = PORT + 1;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

async function waitPort(port, open, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if ((await portOpen(port)) === open) return;
    await sleep(100);
  }
  throw new Error(`port ${port} did not become ${open ? "open" : "free"} within ${ms} ms`);
}

/** One app under test, in its own folder (`dir`): data, config, cache and the driver's log. */
export class AppUnderTest {
  /** `application`: the binary (default TONGBAO_APP or the debug build; the start-up benchmark
   *  passes the release builds). */
  constructor(name, { env = {}, application = APP, args = [] } = {}) {
    this.application = application;
    /** The app's command-line arguments (a `tongbao://` link, as the OS starts it for one). */
    this.args = args;
    this.name = name;
    this.dir = path.join(RUNS, name.replace(/[^a-zA-Z0-9]+/g, "-").slice(0, 80));
    this.env = {
      ...process.env,
      XDG_DATA_HOME: path.join(this.dir, "data"),
      XDG_CONFIG_HOME: path.join(this.dir, "config"),
      XDG_CACHE_HOME: path.join(this.dir, "cache"),
      TONGBAO_LOG: "info",
      // The scripts drive the mock clock and the developer controls: test mode. A spec that
      // checks the app without it passes TONGBAO_TEST_MODE: "0".
      TONGBAO_TEST_MODE: "1",
      ...env,
    };
    this.driverLog = path.join(this.dir, "driver.log");
    this.browser = null;
    this.driver = null;
  }

  /** The app's data folder: the encrypted database, and its rolling logs under logs/. */
  get appDataDir() {
    return path.join(this.env.XDG_DATA_HOME, "com.tongbao.wallet");
  }

  async start() {
    rmSync(this.dir, { recursive: true, force: true }); // a fresh data folder, always
    for (const d of ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"]) mkdirSync(this.env[d], { recursive: true });
    await waitPort(PORT, false, 10_000);
    const fd = openSync(this.driverLog, "a");
    this.driver = spawn("tauri-driver", ["--port", String(PORT), "--native-port", String(NATIVE_PORT)], {
      env: this.env,
      detached: true, // its own process group: killed whole in stop()
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    await waitPort(PORT, true, 15_000);
    this.sessionStart = performance.now(); // the app is launched by the session request
    await this.openSession();
  }

  /** A new WebDriver session; retried twice, as the driver can refuse the first right after a
   *  previous app has gone. */
  async openSession() {
    for (let attempt = 1; ; attempt++) {
      try {
        this.browser = await this.newSession();
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        await sleep(1000);
      }
    }
    await this.browser.setTimeout({ implicit: 0 });
  }

  newSession() {
    return remote({
      hostname: "127.0.0.1",
      port: PORT,
      logLevel: "error",
      connectionRetryCount: 0,
      capabilities: {
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: this.application, args: this.args },
      },
    });
  }

  /** Quits the app and starts it again on the same data folder and keychain. */
  async restart() {
    await this.browser.deleteSession();
    this.browser = null;
    await sleep(500);
    await this.openSession();
  }

  async screenshot(file) {
    if (!this.browser) return;
    try {
      await this.browser.execute(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await this.browser.saveScreenshot(file);
    } catch {
      /* best effort: a failed test's screenshot must not hide its error */
    }
  }

  async stop() {
    if (this.browser) {
      await Promise.race([this.browser.deleteSession().catch(() => {}), sleep(5000)]);
      this.browser = null;
    }
    if (this.driver?.pid) {
      try { process.kill(-this.driver.pid, "SIGTERM"); } catch { /* already gone */ }
      await sleep(300);
      try { process.kill(-this.driver.pid, "SIGKILL"); } catch { /* already gone */ }
    }
    this.driver = null;
  }
}

// --- Test registry -------------------------------------------------------------------------
export const registry = [];

/** Registers a UI test. `fn({ app, b })` gets the app under test and its browser. */
export function test(name, fn, options = {}) {
  registry.push({ name, fn, options });
}
