// The front end's JS budget: the gzip size of every script Vite built into ui/dist, summed and
// compared with the budget (150 kB, kB = 1,000 bytes). Run after the app's build (which runs
// the Vite build); exits non-zero over budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 150_000;
const dir = new URL("../ui/dist/assets/", import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith(".js"));
if (files.length === 0) {
  console.error(`no JS in ${dir}: build the app first`);
  process.exit(1);
}
let raw = 0;
let gz = 0;
for (const f of files) {
  const bytes = readFileSync(join(dir, f));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  console.log(`${f}: ${(bytes.length / 1000).toFixed(1)} kB, ${(zipped / 1000).toFixed(1)} kB gzip`);
}
console.log(`JS shipped: ${(raw / 1000).toFixed(1)} kB, ${(gz / 1000).toFixed(1)} kB gzip (budget ${BUDGET / 1000} kB gzip)`);
if (gz > BUDGET) {
  console.error("over the JS budget");
  process.exit(1);
}
