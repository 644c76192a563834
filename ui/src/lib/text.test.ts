import { describe, expect, it } from "vitest";
import cases from "./text.cases.json";
import { compact, halfWidth, nameDots, trim } from "./text";
import { checkIdNumber, checkPhone, checkRealName } from "./validation";

const NOW = 1_795_608_000_000; // 2026-11-25, the day Rust's run of the table uses

/** What each rule of the table gives: the normalised text, or the value a field accepts
 *  (compacted) — or the error code it refuses with. */
function apply(rule: string, input: string): string {
  if (rule === "compact") return compact(input);
  if (rule === "half_width") return halfWidth(input);
  if (rule === "name_dots") return nameDots(input);
  if (rule === "real_name") return checkRealName(input) ?? nameDots(trim(input));
  const refused = rule === "phone" ? checkPhone(input) : checkIdNumber(input, NOW);
  return refused ?? compact(input).toUpperCase();
}

describe("input as people type it (the cases Rust runs too)", () => {
  it("has the shared cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    it(`${c.rule} ${JSON.stringify(c.input)}`, () => {
      expect(apply(c.rule, c.input)).toBe(c.output);
    });
  }
});
