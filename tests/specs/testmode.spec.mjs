// Test mode (TONGBAO_TEST_MODE=1) gates the developer controls; without it the mock panels show
// only the signed-in person's own phone and cards. Malformed IPC arguments get the catalogue's
// error shape. A second start on the same data folder hands over to the first and exits.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { APP, test } from "../lib/harness.mjs";
import { el, waitGone } from "../lib/dom.mjs";
import { invoke } from "../lib/ipc.mjs";
import { CARDS } from "../lib/cards.mjs";
import { P1 } from "../lib/identities.mjs";
import * as auth from "../pages/auth.mjs";
import * as bind from "../pages/bind.mjs";

test("without test mode: no developer controls, each refused by Rust, only one's own phone and cards", async ({ b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const dev = await el(b, "mock-dev");
  assert.equal(await dev.getAttribute("data-test-mode"), "false");
  for (const id of ["mock-clock", "mock-offline", "mock-latency", "mock-version-floor"]) await waitGone(b, id, 2_000);
  const controls = { latencyMs: 0, offline: true, timeoutRate: 0, busyRate: 0, systemErrorRate: 0, dropRate: 0 };
  for (const [cmd, args] of [
    ["mock_advance_clock", 15],
    ["mock_set_controls", controls],
    ["mock_set_version_floor", "9.9.9"],
  ]) {
    const r = await invoke(b, cmd, { args });
    assert.equal(r.err?.code, "TEST_MODE_REQUIRED", `${cmd}: ${JSON.stringify(r)}`);
  }
  // The counter serves P1's own cards only: T10 is 李四's.
  const other = await invoke(b, "mock_bank_action", { args: { action: "activate", cardId: "T10" } });
  assert.equal(other.err?.code, "INPUT_INVALID", JSON.stringify(other));
  const own = await invoke(b, "mock_bank_action", { args: { action: "activate", cardId: "T02" } });
  assert.ok(own.ok, JSON.stringify(own));
  assert.ok(own.ok.cards.length > 0 && own.ok.cards.every((c) => c.holder === "张三"), JSON.stringify(own.ok.cards));
  assert.equal(own.ok.testMode, false);
  // The person can still bind: the mock phone shows their own SMS code.
  await bind.bindDebit(b, CARDS.T01);
  const panel = await invoke(b, "mock_panel", {});
  assert.ok(panel.ok.sms.length > 0 && panel.ok.sms.every((m) => m.phone === P1.phone), JSON.stringify(panel));
}, { env: { TONGBAO_TEST_MODE: "0" } });

test("malformed IPC arguments answer INPUT_INVALID in the catalogue's shape", async ({ b }) => {
  await auth.waitLogin(b);
  const calls = [
    ["login", { args: 5 }],
    ["login", {}],
    ["login", { args: { phone: 13800138000, password: [] } }],
    ["register", { args: "x" }],
    ["mock_advance_clock", { args: "soon" }],
    ["history", { args: { page: -1, pageSize: "a" } }],
    ["pay", { args: { idemKey: 1, input: null, payPassword: 258036 } }],
    ["recognise_card", { args: { number: "622202" } }],
    ["card_detail", { args: { cardId: "1" } }],
  ];
  for (const [cmd, args] of calls) {
    const r = await invoke(b, cmd, args);
    assert.equal(r.err?.code, "INPUT_INVALID", `${cmd} ${JSON.stringify(args)} → ${JSON.stringify(r)}`);
    assert.equal(typeof r.err.message, "string");
    assert.ok(!r.err.message.includes("258036") && !r.err.message.includes("13800138000"), r.err.message);
  }
  // The app still works.
  await auth.register(b, P1);
});

// The contract's own lists (generated from the Rust types): every command, every code.
const bindings = readFileSync(new URL("../../ui/src/lib/ipc/bindings.ts", import.meta.url), "utf8");
const listed = (name) =>
  [...bindings.match(new RegExp(`export const ${name}[^=]*= \\[([^\\]]*)\\]`))[1].matchAll(/"([a-zA-Z_]+)"/g)].map((m) => m[1]);

test("every command answers malformed calls with a catalogue error, signed out and in", async ({ b }) => {
  await auth.waitLogin(b);
  const codes = new Set(listed("ERROR_CODES"));
  // The save dialogs are left out: without TONGBAO_EXPORT_DIR they would open a native window;
  // so is the bank app's settings window. The bank app window's own commands are refused to
  // this window by its capability before any argument is read.
  const bankApp = new Set(listed("BANK_APP_COMMANDS"));
  const commands = listed("COMMAND_NAMES").filter((c) => !c.startsWith("export_") && c !== "bank_app_settings");
  assert.ok(bankApp.size >= 5);
  assert.ok(commands.length > 30 && codes.has("INPUT_INVALID"));
  const payloads = [{ args: 5 }, { args: "x" }, { args: [1] }, { args: { bogus: true } }, {}, { args: null, onRetry: 5 }];
  let calls = 0;
  for (const signedIn of [false, true]) {
    if (signedIn) await auth.register(b, P1);
    for (const cmd of commands) {
      if (cmd === "logout" || cmd === "lock") continue; // they take no argument and would end the session
      for (const payload of payloads) {
        const r = await invoke(b, cmd, payload);
        calls++;
        if (bankApp.has(cmd)) {
          assert.match(String(r.err), /not allowed on window "main"/, `${cmd}: the main window may not call the bank app's commands`);
          continue;
        }
        if (!r.err) continue; // a command without arguments may simply answer
        assert.equal(typeof r.err, "object", `${cmd} ${JSON.stringify(payload)} → ${JSON.stringify(r.err)}`);
        assert.ok(codes.has(r.err.code), `${cmd} ${JSON.stringify(payload)} → ${JSON.stringify(r.err)}`);
        assert.equal(typeof r.err.message, "string");
      }
    }
  }
  assert.ok(calls > 300, `${calls} calls`);
});

test("a second start on the same data folder exits and leaves the first one running", async ({ app, b }) => {
  await auth.waitLogin(b);
  await auth.register(b, P1);
  const second = spawn(APP, [], { env: app.env, stdio: "ignore" });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve("still running"), 20_000);
    second.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code === "still running") second.kill("SIGKILL");
  assert.equal(code, 0, "the second instance hands over and exits");
  await el(b, "home-screen");
  assert.ok(await (await el(b, "balance")).isExisting());
  // Another data folder is another installation: it runs side by side.
  const elsewhere = path.join(app.dir, "elsewhere");
  const third = spawn(APP, [], { env: { ...app.env, XDG_DATA_HOME: elsewhere }, stdio: "ignore" });
  const exited = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5_000);
    third.on("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  third.kill("SIGKILL");
  assert.equal(exited, false, "an instance on another data folder keeps running");
});
