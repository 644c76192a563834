import { describe, expect, it } from "vitest";
import cases from "./text.cases.json";
import { compact, halfWidth } from "./text";

describe("input as people type it (the cases Rust runs too)", () => {
  it("has the shared cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    it(`${c.rule} ${JSON.stringify(c.input)}`, () => {
      expect(c.rule === "compact" ? compact(c.input) : halfWidth(c.input)).toBe(c.output);
    });
  }
});
