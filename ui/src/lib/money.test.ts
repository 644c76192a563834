import { describe, expect, it } from "vitest";
import { formatFen, parseAmount } from "./money";

describe("money", () => {
  it("formats fen as ¥ with thousands", () => {
    expect(formatFen(123456)).toBe("¥1,234.56");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(100000000)).toBe("¥1,000,000.00");
    expect(formatFen(-1000)).toBe("-¥10.00");
  });

  it("parses what Rust parses and refuses what it refuses", () => {
    expect(parseAmount("1234.5")).toBe(123450);
    expect(parseAmount("1,234.50")).toBe(123450);
    expect(parseAmount("¥12")).toBe(1200);
    for (const bad of ["", "-5", "0", "0.00", "1.234", "1.", "12,34", "abc", "1e3"]) expect(parseAmount(bad), bad).toBeNull();
  });
});
