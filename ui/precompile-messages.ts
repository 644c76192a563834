// Precompiles the i18n catalogues at build time (a Vite plugin): each ICU message becomes the
// AST that intl-messageformat would otherwise parse at run time, and a message that is only
// text becomes its final string. With every message compiled, the build aliases formatjs's
// parser to its `no-parser` entry (formatjs's documented set-up for precompiled messages), so
// the ~33 kB parser is not shipped. Dev and vitest keep the source strings and the parser.
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import type { Plugin } from "vite";

const CATALOGUE = /\/src\/lib\/i18n\/(zh-CN|en)\.ts$/;
/** zh-CN ships in two parts: what the first screens (login, lock, start-up problem) say, with the
 *  entry chunk, and the rest (`loadRest`), fetched with the first screen that needs it. A test
 *  (first-screen.test.ts) checks that those screens use no other prefix. */
export const FIRST_SCREEN_PREFIXES = ["app", "nav", "toast", "login", "lock", "problem", "reset", "settings", "elder", "errors", "error", "fix", "common"];
const REST = "virtual:tongbao-messages-rest";

/** A message's compiled form: its text when it has no argument, else its AST. */
export function compileMessage(message: string): string | MessageFormatElement[] {
  const ast = parse(message);
  return ast.every((e) => e.type === TYPE.literal) ? ast.map((e) => (e.type === TYPE.literal ? e.value : "")).join("") : ast;
}

const literal = (data: unknown) => `JSON.parse(${JSON.stringify(JSON.stringify(data))})`;

export function precompileMessages(): Plugin {
  let rest: Record<string, unknown> = {};
  return {
    name: "tongbao-precompile-messages",
    apply: "build",
    enforce: "post",
    resolveId: (id) => (id === REST ? `\0${REST}` : null),
    load: (id) => (id === `\0${REST}` ? `export const rest = ${literal(rest)};` : null),
    async transform(code, id) {
      const which = CATALOGUE.exec(id)?.[1];
      if (!which) return null;
      // The catalogue module is plain data: evaluate its JS (types already stripped) and
      // re-export each catalogue compiled.
      const mod: Record<string, unknown> = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
      const out: string[] = [];
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== "object" || value === null) continue; // loadRest: replaced below
        const compiled = Object.entries(value as Record<string, string>).map(([k, v]) => [k, compileMessage(v)] as const);
        if (which !== "zh-CN") {
          out.push(`export const ${name} = ${literal(Object.fromEntries(compiled))};`);
          continue;
        }
        const first = compiled.filter(([k]) => FIRST_SCREEN_PREFIXES.includes(k.split(".")[0]!));
        rest = Object.fromEntries(compiled.filter(([k]) => !FIRST_SCREEN_PREFIXES.includes(k.split(".")[0]!)));
        out.push(`export const ${name} = ${literal(Object.fromEntries(first))};`);
        out.push(`export const loadRest = () => import(${JSON.stringify(REST)}).then((m) => { Object.assign(${name}, m.rest); });`);
      }
      return { code: out.join("\n"), map: null };
    },
  };
}
