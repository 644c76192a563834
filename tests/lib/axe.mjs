// Runs axe-core (the npm package) inside the app's own webview and returns its violations.
// The source is evaluated through WebDriver (not a <script> tag), so the app's CSP stays strict.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** WCAG 2.1 A and AA, and axe's best practices. */
const RUN_OPTIONS = { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] };

/** The violations on the current screen, each as "rule: target (summary)". */
export async function violations(b) {
  const loaded = await b.execute(() => typeof globalThis.axe === "object");
  if (!loaded) await b.execute(`${source}\n;return true;`);
  const found = await b.executeAsync((options, done) => {
    globalThis.axe
      .run(document, options)
      .then((r) => done(r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join(" ").trim() ?? ""}`) }))))
      .catch((e) => done([{ id: "axe-error", nodes: [String(e)] }]));
  }, RUN_OPTIONS);
  return found.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n}`));
}
