import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { FIRST_SCREEN_PREFIXES } from "../../../precompile-messages";

// The build ships only the first screens' messages with the entry chunk (precompile-messages.ts);
// every module on that path must use no other message, or it would show a blank before the rest
// loads. The path: App.svelte and what it imports statically.
const src = (p: string) => readFileSync(path.join(process.cwd(), "src", p), "utf8");
const FIRST_PATH = [
  "App.svelte",
  "screens/Login.svelte",
  "screens/Locked.svelte",
  "screens/Problem.svelte",
  "components/ResetPanel.svelte",
  "components/LanguageSwitch.svelte",
  "components/ElderSwitch.svelte",
  "components/ErrorText.svelte",
  "components/CodeDetails.svelte",
  "components/Toast.svelte",
  "components/TextField.svelte",
  "lib/app.svelte.ts",
  "lib/errors.ts",
];

/** The message prefixes a source uses: t("a.b"), t(`a.${x}`), "a.b" as MessageKey. */
function prefixes(code: string): string[] {
  const found = [...code.matchAll(/\bt\(\s*["`]([a-zA-Z]+)\./g), ...code.matchAll(/["`]([a-zA-Z]+)\.[a-zA-Z0-9_.${}]*["`] as MessageKey/g)];
  return [...new Set(found.map((m) => m[1]!))];
}

describe("the first screens' messages ship first", () => {
  it("App.svelte imports statically only the modules listed as the first path", () => {
    const statics = [...src("App.svelte").matchAll(/^\s*import (?!type)[^"]*"\.\/((?:screens|components)\/[^"]+\.svelte)";/gm)].map((m) => m[1]);
    for (const s of statics) expect(FIRST_PATH, `${s} is on the first path: list it`).toContain(s);
    for (const s of FIRST_PATH.filter((p) => p.endsWith(".svelte") && p.startsWith("screens/"))) {
      for (const imp of [...src(s).matchAll(/import (?!type)\w+ from "\.\.\/components\/([^"]+)";/g)].map((m) => `components/${m[1]}`)) {
        expect(FIRST_PATH, `${s} imports ${imp}`).toContain(imp);
      }
    }
  });

  it.each(FIRST_PATH)("%s uses only first-screen messages", (file) => {
    for (const p of prefixes(src(file))) expect(FIRST_SCREEN_PREFIXES, `${file} uses ${p}.*`).toContain(p);
  });
});
