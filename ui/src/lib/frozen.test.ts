// @vitest-environment node
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

// vitest runs in ui/.
const UI = process.cwd();

// The app runs with Tauri's `freezePrototype`: Object.prototype and the other built-in
// prototypes are frozen before any script, so a library that assigns `constructor` or
// `toString` on an object inheriting them throws when it loads and the window stays blank
// (d3-scale's colour module did). Every runtime dependency must load in that world.
const pkg = JSON.parse(readFileSync(resolve(UI, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

function loadsFrozen(name: string): string {
  const script = `
    for (const C of [Object, Function, Array, String, Number, Boolean, Symbol, Error, Promise, RegExp, Date, Map, Set])
      Object.freeze(C.prototype);
    import(${JSON.stringify(name)}).then(() => console.log("ok"), (e) => console.log("FAIL " + e.message));`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: UI,
    encoding: "utf8",
  }).trim();
}

describe("runtime dependencies under frozen prototypes", () => {
  it("the check sees a library that assigns to built-in prototypes", () => {
    expect(loadsFrozen("data:text/javascript,const o = {}; o.toString = () => 'x';")).toMatch(/^FAIL/);
  });

  for (const name of Object.keys(pkg.dependencies)) {
    it(`${name} loads`, () => {
      expect(loadsFrozen(name)).toBe("ok");
    });
  }
});
