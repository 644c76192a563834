import { describe, expect, it } from "vitest";
import { BIND_FAILURES, counterActionFor, failureInfo, formatExpiry, groupCardNumber, resendSeconds } from "./binding";
import { catalogues, LANGUAGES, type MessageKey } from "./i18n/index.svelte";
import type { ErrorCode } from "./ipc/bindings";

// PRODUCT.md §3's failure catalogue: every code must be presented with a category, a remedy
// and whether retrying helps.
const CATALOGUE: ErrorCode[] = [
  "CARD_NUMBER_INVALID", "EXPIRY_MISMATCH", "CVV_MISMATCH", "PHONE_MISMATCH", "HOLDER_MISMATCH",
  "NETWORK_TIMEOUT", "NETWORK_OFFLINE", "BANK_UNAVAILABLE", "BANK_SYSTEM_ERROR", "EPAY_DISABLED",
  "CARD_RESTRICTED", "UPGRADE_REQUIRED", "INTERNAL_ERROR", "TOKEN_REQUIRED", "TOKEN_INVALID",
  "OTP_INVALID", "OTP_EXPIRED", "OTP_LOCKED", "CARD_EXPIRED", "BANK_NOT_SUPPORTED",
  "CARD_TYPE_NOT_SUPPORTED", "CARD_NOT_ACTIVATED", "CARD_LOST", "CARD_ALREADY_BOUND",
  "CARD_LIMIT_REACHED", "BIND_COOLDOWN",
];

describe("binding failures", () => {
  it("every catalogue code has a category, a retry verdict and remedy steps in both languages", () => {
    for (const code of CATALOGUE) {
      expect(BIND_FAILURES[code], code).toBeDefined();
      for (const lang of LANGUAGES) {
        const remedy = catalogues[lang][`bind.remedy.${code}` as MessageKey];
        expect(remedy, `${lang} ${code}`).toBeTruthy();
        const info = failureInfo(code);
        expect(catalogues[lang][`bind.category.${info.category}` as MessageKey]).toBeTruthy();
        expect(catalogues[lang][`bind.retry.${info.retry}` as MessageKey]).toBeTruthy();
      }
    }
  });

  it("the seed's categories: data, network, bank restriction, security, expired, type, inactive", () => {
    expect(failureInfo("CVV_MISMATCH")).toMatchObject({ category: "card_info", retry: "after_fix", field: "cvv" });
    expect(failureInfo("NETWORK_TIMEOUT").retry).toBe("yes");
    expect(failureInfo("EPAY_DISABLED").category).toBe("bank_restriction");
    expect(failureInfo("CARD_EXPIRED").retry).toBe("no");
    expect(failureInfo("CARD_NOT_ACTIVATED").category).toBe("inactive");
  });
});

describe("card input formatting", () => {
  it("groups the number 4-4-4-4-3 as typed", () => {
    expect(groupCardNumber("6222020000000010017")).toBe("6222 0200 0000 0010 017");
    expect(groupCardNumber("6222 02ab")).toBe("6222 02");
    expect(groupCardNumber("62220200000000100171234")).toBe("6222 0200 0000 0010 017");
  });

  it("formats the expiry as MM/YY", () => {
    expect(formatExpiry("1230")).toBe("12/30");
    expect(formatExpiry("12/3")).toBe("12/3");
    expect(formatExpiry("1")).toBe("1");
  });
});

describe("the SMS resend countdown", () => {
  const step = { attemptId: "a", stage: "otp" as const, phoneMasked: "138****8000", otpExpiresAt: 400_000, resendAt: 160_000, issuedAt: 100_000 };

  it("counts from the step's own clock reading, not this machine's", () => {
    // The step said "resend 60 s after I was issued"; 15 s have passed here since it arrived.
    expect(resendSeconds(step, 5_000, 20_000, false)).toBe(45);
    expect(resendSeconds(step, 5_000, 65_000, false)).toBe(0);
  });

  it("is over at once when the code expired or there is no step", () => {
    expect(resendSeconds(step, 5_000, 6_000, true)).toBe(0);
    expect(resendSeconds(null, 0, 0, false)).toBe(0);
  });
});

describe("bank counter actions for failures", () => {
  it("point each fixable-at-the-bank failure to its action, and nothing else", () => {
    expect(counterActionFor("CARD_NOT_ACTIVATED")).toBe("activate");
    expect(counterActionFor("EPAY_DISABLED")).toBe("enableEpay");
    expect(counterActionFor("CARD_RESTRICTED")).toBe("unfreeze");
    expect(counterActionFor("PHONE_MISMATCH")).toBe("changePhone");
    expect(counterActionFor("CVV_MISMATCH")).toBeNull();
    expect(counterActionFor("NETWORK_OFFLINE")).toBeNull();
  });
});
