import { describe, expect, it } from "vitest";
import { counterActionFor, failureInfo, formatExpiry, groupCardNumber, remedySteps, resendSeconds } from "./binding";
import { errorText } from "./errors";
import { setLanguage } from "./i18n/index.svelte";
import { catalogues, LANGUAGES, type MessageKey } from "./i18n/index.svelte";
import type { Category, ErrorCode, RetryHelps } from "./ipc/bindings";

// The failure catalogue's codes: each is presented with a category, a remedy and whether
// retrying helps (the verdict comes from Rust; its table is tested there).
const CATALOGUE: ErrorCode[] = [
  "CARD_NUMBER_INVALID", "EXPIRY_MISMATCH", "CVV_MISMATCH", "PHONE_MISMATCH", "HOLDER_MISMATCH",
  "NETWORK_TIMEOUT", "NETWORK_OFFLINE", "BANK_UNAVAILABLE", "BANK_SYSTEM_ERROR", "EPAY_DISABLED",
  "CARD_RESTRICTED", "UPGRADE_REQUIRED", "INTERNAL_ERROR", "TOKEN_REQUIRED", "TOKEN_INVALID",
  "OTP_INVALID", "OTP_EXPIRED", "OTP_LOCKED", "CARD_EXPIRED", "BANK_NOT_SUPPORTED",
  "CARD_TYPE_NOT_SUPPORTED", "CARD_NOT_ACTIVATED", "CARD_LOST", "CARD_ALREADY_BOUND",
  "CARD_LIMIT_REACHED", "BIND_COOLDOWN", "CARD_REPLACED", "BANK_AGREEMENT_LIMIT",
];

// Every value of Rust's verdict types (checked exhaustive at compile time) has its words.
const CATEGORIES = [
  "card_info", "network", "bank_system", "bank_restriction", "wallet_fault", "security", "expired",
  "card_type", "inactive", "card_status", "wallet_rules",
] as const satisfies readonly Category[];
const VERDICTS = ["yes", "after_fix", "after_bank", "after_update", "later", "no"] as const satisfies readonly RetryHelps[];
const everyCategory: Exclude<Category, (typeof CATEGORIES)[number]> extends never ? true : false = true;
const everyVerdict: Exclude<RetryHelps, (typeof VERDICTS)[number]> extends never ? true : false = true;

describe("binding failures", () => {
  it("every catalogue code has remedy steps, and every category and verdict words, in both languages", () => {
    expect(everyCategory && everyVerdict).toBe(true);
    for (const lang of LANGUAGES) {
      for (const code of CATALOGUE) {
        expect(catalogues[lang][`bind.remedy.${code}` as MessageKey], `${lang} ${code}`).toBeTruthy();
      }
      for (const c of CATEGORIES) expect(catalogues[lang][`bind.category.${c}` as MessageKey], `${lang} ${c}`).toBeTruthy();
      for (const v of VERDICTS) expect(catalogues[lang][`bind.retry.${v}` as MessageKey], `${lang} ${v}`).toBeTruthy();
    }
  });

  it("shows Rust's verdict as sent, with the form field to fix", () => {
    const cvv = { code: "CVV_MISMATCH", category: "card_info", retry: "after_fix", remedy: "fix_data" } as const;
    expect(failureInfo(cvv)).toEqual({ category: "card_info", retry: "after_fix", remedy: "fix_data", field: "cvv" });
    const internal = { code: "INTERNAL_ERROR", category: "wallet_fault", retry: "after_update", remedy: "update_app" } as const;
    expect(failureInfo(internal)).toMatchObject({ retry: "after_update", field: undefined });
    // A code outside the catalogue (an older or odd answer) is the wallet's fault, retry helps.
    expect(failureInfo({ code: "STORAGE_ERROR" })).toMatchObject({ category: "wallet_fault", retry: "yes" });
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
    // The causes beyond the article: the action for the case, not only the code.
    expect(counterActionFor("EPAY_DISABLED", "non_counter")).toBe("enableNonCounter");
    expect(counterActionFor("HOLDER_MISMATCH", "id_outdated")).toBe("updateId");
    expect(counterActionFor("HOLDER_MISMATCH")).toBeNull();
    expect(counterActionFor("PHONE_MISMATCH", "payroll_card")).toBe("changePhone");
    expect(counterActionFor("BANK_AGREEMENT_LIMIT")).toBe("releaseAgreement");
    expect(counterActionFor("NETWORK_OFFLINE")).toBeNull();
  });
});

describe("remedies name the card's own bank", () => {
  it("its name and service number, for each of the five", async () => {
    const { remedySteps } = await import("./binding");
    const { setLanguage } = await import("./i18n/index.svelte");
    setLanguage("zh-CN");
    expect(remedySteps("EPAY_DISABLED", { bank: "CCB" })[0]).toBe("拨打建设银行客服 95533，或登录建设银行手机银行");
    expect(remedySteps("CARD_NOT_ACTIVATED", { bank: "BOC" })[0]).toContain("中国银行网点");
    expect(remedySteps("CARD_RESTRICTED", { bank: "CMB" })[0]).toContain("95555");
    expect(remedySteps("PHONE_MISMATCH", { bank: "ABC" })[1]).toContain("农业银行客服 95599");
    expect(remedySteps("PHONE_MISMATCH", { bank: "ICBC" })[1]).toContain("工商银行客服 95588");
    expect(remedySteps("PHONE_MISMATCH")[1]).toContain("发卡银行客服");
    setLanguage("en");
    expect(remedySteps("EPAY_DISABLED", { bank: "CMB" })[0]).toMatch(/95555/);
  });
});

describe("remedies name the control they point to", () => {
  it("the binding screen's 重新尝试, the center's own buttons elsewhere", async () => {
    const { remedySteps } = await import("./binding");
    const { setLanguage, t } = await import("./i18n/index.svelte");
    setLanguage("zh-CN");
    expect(remedySteps("NETWORK_OFFLINE")).toEqual([`连接网络后点击“${t("bind.retry")}”，已填写的信息会保留`]);
    const fromMenu = { button: t("help.action.bind"), kept: false };
    expect(remedySteps("BANK_UNAVAILABLE", { retry: fromMenu })[1]).toBe("稍等片刻后点击“去绑卡”");
    const steps = remedySteps("OTP_LOCKED", { retry: { button: t("help.action.retry"), kept: false } });
    expect(steps[1]).toBe(`点击“${t("help.action.retry")}”`);
    // No step anywhere still names a button by a word of its own.
    for (const code of ["NETWORK_TIMEOUT", "NETWORK_OFFLINE", "BANK_UNAVAILABLE", "BANK_SYSTEM_ERROR", "OTP_LOCKED"] as const) {
      for (const step of remedySteps(code, { retry: fromMenu })) expect(step).not.toContain("重新尝试");
    }
    setLanguage("en");
    expect(remedySteps("NETWORK_OFFLINE", { retry: { button: t("help.run"), kept: false } })).toEqual(["Connect to a network, then press “Run checks”"]);
    expect(remedySteps("OTP_LOCKED")[1]).toBe("To start over, press “Try again”: your details are kept");
  });
});

describe("the causes beyond the article", () => {
  it("are worded by their case, naming the new card, the limit and the window's end", () => {
    setLanguage("zh-CN");
    expect(errorText("HOLDER_MISMATCH", undefined, "id_outdated")).toContain("15 位");
    expect(errorText("HOLDER_MISMATCH")).not.toContain("15 位");
    expect(errorText("CARD_REPLACED", undefined, undefined, { last4: "0017" })).toContain("尾号 0017");
    expect(errorText("LIMIT_EXCEEDED", undefined, "class_ii", { limitFen: 1_000_000 })).toMatch(/Ⅱ类户.*10,000/);
    expect(errorText("BANK_UNAVAILABLE", Date.UTC(2026, 10, 25, 16, 30), "maintenance")).toContain("00:30");
    const steps = remedySteps("PHONE_MISMATCH", { bank: "ICBC", detail: "payroll_card" });
    expect(steps.join("\n")).toContain("单位");
    expect(steps.join("\n")).toContain("95588");
    expect(remedySteps("CARD_REPLACED", { bank: "ICBC", last4: "0017" })[0]).toContain("0017");
    // A case without words of its own falls back to the code's.
    expect(remedySteps("PHONE_MISMATCH", { detail: "unheard_of" })).toEqual(remedySteps("PHONE_MISMATCH"));
  });

  it("have their words in both languages", () => {
    for (const lang of LANGUAGES) {
      for (const key of [
        "errors.HOLDER_MISMATCH.id_outdated", "errors.PHONE_MISMATCH.payroll_card", "errors.EPAY_DISABLED.non_counter",
        "errors.LIMIT_EXCEEDED.class_ii", "errors.BANK_UNAVAILABLE.maintenance", "bind.remedy.HOLDER_MISMATCH.id_outdated",
        "bind.remedy.PHONE_MISMATCH.payroll_card", "bind.remedy.EPAY_DISABLED.non_counter", "bind.remedy.BANK_UNAVAILABLE.maintenance",
        "help.why.CARD_REPLACED", "help.why.BANK_AGREEMENT_LIMIT",
      ] as MessageKey[]) {
        expect(catalogues[lang][key], `${lang} ${key}`).toBeTruthy();
      }
    }
  });
});
