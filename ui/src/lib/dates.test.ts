import { describe, expect, it } from "vitest";
import { dayOf } from "./dates";

describe("typed days", () => {
  it("are YYYY-MM-DD real dates, full-width taken, partial ones wait", () => {
    expect(dayOf("2026-11-26")).toBe("2026-11-26");
    expect(dayOf("２０２６－１１－２６")).toBe("2026-11-26");
    expect(dayOf(" 2026-11-26 ")).toBe("2026-11-26");
    for (const bad of ["", "2026-1", "2026-11-2", "2026-02-30", "11/26/2026", "1899-12-31", "2026-13-01"]) {
      expect(dayOf(bad), bad).toBeNull();
    }
  });
});
