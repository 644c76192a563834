// The front end's JS budgets, in gzip (kB = 1,000 bytes), over what Vite built into ui/dist:
// - the first screen: the entry script and the chunks index.html preloads with it — what the
//   webview parses before the login screen shows — at most 40 kB;
// - everything shipped (screens loaded when first opened, English), at most 150 kB.
// Run after the app's build (which runs the Vite build); exits non-zero over either budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const FIRST_SCREEN_BUDGET = 40_000;
const TOTAL_BUDGET = 150_000;
const dist = new URL("../ui/dist/", import.meta.url).pathname;
const files = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
if (files.length === 0) {
  console.error(`no JS in ${dist}assets: build the app first`);
  process.exit(1);
}
const html = readFileSync(join(dist, "index.html"), "utf8");
const first = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
const sizes = { raw: 0, gz: 0, firstRaw: 0, firstGz: 0 };
for (const f of files.sort()) {
  const bytes = readFileSync(join(dist, "assets", f));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  sizes.raw += bytes.length;
  sizes.gz += zipped;
  if (first.has(f)) {
    sizes.firstRaw += bytes.length;
    sizes.firstGz += zipped;
  }
  console.log(`${first.has(f) ? "first " : "      "}${f}: ${(bytes.length / 1000).toFixed(1)} kB, ${(zipped / 1000).toFixed(1)} kB gzip`);
}
const kb = (n) => (n / 1000).toFixed(1);
console.log(`first screen: ${kb(sizes.firstRaw)} kB, ${kb(sizes.firstGz)} kB gzip (budget ${FIRST_SCREEN_BUDGET / 1000} kB gzip)`);
console.log(`JS shipped: ${kb(sizes.raw)} kB, ${kb(sizes.gz)} kB gzip in ${files.length} files (budget ${TOTAL_BUDGET / 1000} kB gzip)`);
if (sizes.firstGz > FIRST_SCREEN_BUDGET || sizes.gz > TOTAL_BUDGET) {
  console.error("over the JS budget");
  process.exit(1);
}
