import { describe, expect, it } from "vitest";
import { formatFen, parseAmount } from "./money";
import { formatDateTime } from "./i18n/index.svelte";

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

describe("dates", () => {
  it("are written YYYY-MM-DD HH:mm in Asia/Shanghai", () => {
    // 2026-11-25T12:00:00Z is 20:00 in Shanghai; 16:30Z is 00:30 the next day there.
    expect(formatDateTime(Date.UTC(2026, 10, 25, 12, 0))).toBe("2026-11-25 20:00");
    expect(formatDateTime(Date.UTC(2026, 10, 25, 16, 30))).toBe("2026-11-26 00:30");
  });
});

describe("bill amounts", () => {
  it("money in is +, out is −, and a payment that moved nothing has no sign", async () => {
    const { billAmount } = await import("./money");
    expect(billAmount({ amountFen: 10000, direction: "in", status: "succeeded" })).toEqual({ text: "+¥100.00", tone: "in" });
    expect(billAmount({ amountFen: 10000, direction: "out", status: "pending" })).toEqual({ text: "−¥100.00", tone: "out" });
    for (const status of ["failed", "revoked", "returned"]) {
      expect(billAmount({ amountFen: 10000, direction: "in", status })).toEqual({ text: "¥100.00", tone: "void" });
    }
  });
});

describe("money through Intl.NumberFormat", () => {
  it("formats fen in both languages with the ¥ sign, exactly at the largest amount", async () => {
    const { setLanguage } = await import("./i18n/index.svelte");
    for (const lang of ["zh-CN", "en"] as const) {
      setLanguage(lang);
      expect(formatFen(123456)).toBe("¥1,234.56");
      expect(formatFen(-1)).toBe("-¥0.01");
      expect(formatFen(1_000_000_000_000)).toBe("¥10,000,000,000.00");
      expect(formatFen(999_999_999_999)).toBe("¥9,999,999,999.99");
    }
  });
});
