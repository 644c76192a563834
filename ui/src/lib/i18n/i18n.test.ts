import { describe, expect, it } from "vitest";
import { catalogues, counterpartyText, format, LANGUAGES, setLanguage, t, type MessageKey } from "./index.svelte";
import { ERROR_CODES } from "../ipc/bindings";

describe("i18n catalogues", () => {
  it("zh-CN and en have exactly the same keys", () => {
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues["zh-CN"]).sort());
  });

  it("every catalogue error code has a message in every language", () => {
    for (const lang of LANGUAGES) {
      for (const code of ERROR_CODES) {
        const text = catalogues[lang][`errors.${code}` as MessageKey];
        expect(text, `${lang} errors.${code}`).toBeTruthy();
      }
    }
  });

  it("every message compiles as ICU MessageFormat", () => {
    for (const lang of LANGUAGES) {
      for (const key of Object.keys(catalogues[lang]) as MessageKey[]) {
        // Every argument a message names gets a value, whatever it is called.
        const names = [...catalogues[lang][key].matchAll(/\{(\w+)/g)].map((m) => m[1] ?? "");
        const values = Object.fromEntries(names.map((n) => [n, 2]));
        expect(() => format(lang, key, values)).not.toThrow();
      }
    }
  });

  it("ICU plurals and arguments", () => {
    expect(format("en", "settings.autolockValue", { n: 1 })).toBe("Lock after 1 minute without activity");
    expect(format("en", "settings.autolockValue", { n: 5 })).toBe("Lock after 5 minutes without activity");
    expect(format("zh-CN", "home.greeting", { name: "小张" })).toBe("小张，你好");
  });
});

describe("counterparties", () => {
  it("put a card into words of the language and leave a masked name as it is", () => {
    const card = { kind: "card", bank: "ICBC", last4: "0231", nameMasked: "*五" } as const;
    setLanguage("zh-CN");
    expect(counterpartyText(card)).toBe("*五 工商银行(0231)");
    expect(counterpartyText({ ...card, nameMasked: null })).toBe("工商银行(0231)");
    expect(counterpartyText({ kind: "person", nameMasked: "*四" })).toBe("*四");
    expect(counterpartyText(null)).toBe("");
    setLanguage("en");
    expect(counterpartyText(card)).toBe("*五 ICBC (0231)");
  });
});

describe("payment results say what happened in their own words", () => {
  it("top-up, withdrawal and transfer, by status", () => {
    setLanguage("zh-CN");
    expect(t("pay.result.headline", { kind: "topup", status: "succeeded" })).toBe("充值成功");
    expect(t("pay.result.headline", { kind: "withdraw", status: "failed" })).toBe("提现失败");
    expect(t("pay.result.headline", { kind: "to_card", status: "pending" })).toBe("转账处理中");
    expect(t("pay.result.headline", { kind: "to_user", status: "returned" })).toBe("转账已退回");
    expect(t("pay.result.instant")).toBe("实时到账");
    setLanguage("en");
    expect(t("pay.result.headline", { kind: "topup", status: "succeeded" })).toBe("Top-up complete");
    expect(t("pay.result.headline", { kind: "to_user", status: "revoked" })).toBe("Transfer revoked");
  });
});

describe("Chinese text conventions", () => {
  it("zh-CN uses full-width punctuation next to Chinese characters (收款方：, not 收款方:)", () => {
    const cjk = "[\\u3400-\\u9fff]";
    const ascii = new RegExp(`(?<=${cjk})[:,;?!()]|[:,;?!()](?=${cjk})`, "u");
    const bad = Object.entries(catalogues["zh-CN"]).filter(([, v]) => ascii.test(v));
    expect(bad).toEqual([]);
  });

  it("an instruction that names a button uses the button's own words", () => {
    setLanguage("zh-CN");
    expect(t("help.action.bankDone", { action: "激活卡片", button: t("mock.action.apply") })).toContain("“办理”");
  });
});

describe("navigation", () => {
  it("a section's label and its page's title agree", () => {
    for (const lang of LANGUAGES) {
      const c = catalogues[lang];
      for (const [nav, title] of [["nav.help", "help.title"], ["nav.history", "history.title"], ["nav.settings", "settings.title"]] as const) {
        expect(c[nav], `${lang} ${nav}`).toBe(c[title]);
      }
    }
  });
});

describe("a binding failure says each fact once", () => {
  it("the message names the problem; the bank code and the bank's number are shown elsewhere", () => {
    const codes = ["PHONE_MISMATCH", "BANK_UNAVAILABLE", "BANK_SYSTEM_ERROR", "EPAY_DISABLED", "CARD_RESTRICTED", "CARD_NOT_ACTIVATED", "CARD_LOST"];
    for (const lang of LANGUAGES) {
      for (const code of codes) {
        const text = catalogues[lang][`errors.${code}` as MessageKey];
        expect(text, `${lang} ${code}`).not.toMatch(/[（(]\s*\d+/);
        expect(text, `${lang} ${code}`).not.toMatch(/95588|ICBC|工商银行/);
      }
    }
  });
});
