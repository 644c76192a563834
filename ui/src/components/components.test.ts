import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/svelte";
import ErrorText from "./ErrorText.svelte";
import StrengthMeter from "./StrengthMeter.svelte";
import TextField from "./TextField.svelte";
import Fen from "./Fen.svelte";
import { app } from "../lib/app.svelte";
import { formatFen, priceFen } from "../lib/money";
import { setLanguage } from "../lib/i18n/index.svelte";

describe("components", () => {
  it("隐藏金额 masks every amount, says 金额已隐藏 aloud, and leaves prices to choose", () => {
    setLanguage("zh-CN");
    app.session = { displayName: "张三", locked: false, hideAmounts: true };
    try {
      expect(formatFen(123456)).toBe("****");
      expect(priceFen(3000)).toBe("¥30.00");
      const { container } = render(Fen, { fen: 123456, sign: "−" });
      expect(container.textContent).toBe("−****金额已隐藏");
      expect(container.querySelector('[aria-hidden="true"]')?.textContent).toBe("−****");
      expect(container.querySelector(".visually-hidden")?.textContent).toBe("金额已隐藏");
    } finally {
      app.session = null;
    }
    expect(formatFen(123456)).toBe("¥1,234.56");
    const { container } = render(Fen, { fen: 500 });
    expect(container.textContent).toBe("¥5.00");
  });

  it("ErrorText carries the test contract: data-testid, data-error-code, data-field", () => {
    setLanguage("en");
    render(ErrorText, { code: "PHONE_INVALID", field: "phone" });
    const e = screen.getByTestId("error");
    expect(e).toHaveAttribute("data-error-code", "PHONE_INVALID");
    expect(e).toHaveAttribute("data-field", "phone");
    expect(e).toHaveTextContent("That mobile number is not valid");
    // The code is for support: behind a Details disclosure, not in the sentence a person reads.
    const details = screen.getByTestId("error-details");
    expect(details.tagName).toBe("DETAILS");
    expect(details).not.toHaveAttribute("open");
    expect(details).toHaveTextContent("PHONE_INVALID");
    expect(e.firstChild?.textContent).not.toContain("PHONE_INVALID");
  });

  it("ErrorText says until when for LOGIN_LOCKED", () => {
    setLanguage("zh-CN");
    render(ErrorText, { code: "LOGIN_LOCKED", until: Date.UTC(2026, 10, 25, 12, 15) });
    expect(screen.getByTestId("error")).toHaveTextContent(/账户已锁定，请在 .*\d{1,2}:\d{2}.* 之后再试/);
  });

  it("TextField labels its input and shows its error next to it", () => {
    setLanguage("en");
    render(TextField, { label: "Mobile number", testid: "reg-phone", field: "phone", error: "PHONE_TAKEN" });
    const input = screen.getByLabelText("Mobile number");
    expect(input).toHaveAttribute("data-testid", "reg-phone");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("error")).toHaveAttribute("data-error-code", "PHONE_TAKEN");
  });

  it("StrengthMeter shows the score of the password", () => {
    setLanguage("en");
    render(StrengthMeter, { password: "Abcd1234!xyz" });
    expect(screen.getByTestId("password-strength")).toHaveAttribute("data-score", "4");
    expect(screen.getByTestId("password-strength")).toHaveTextContent("Very strong");
  });
});

describe("toasts", () => {
  it("last 2.5 s, are shown only on the screen they were said on, and sit in the layout", async () => {
    const { vi } = await import("vitest");
    const { flushSync } = await import("svelte");
    const { app, toast, TOAST_MS } = await import("../lib/app.svelte");
    const Toast = (await import("./Toast.svelte")).default;
    vi.useFakeTimers();
    try {
      app.screen = "cards";
      render(Toast);
      toast("已设为默认卡");
      flushSync();
      expect(screen.getByTestId("toast")).toHaveTextContent("已设为默认卡");
      expect(TOAST_MS).toBeGreaterThanOrEqual(2000);
      expect(TOAST_MS).toBeLessThanOrEqual(3000);
      app.screen = "home";
      flushSync();
      expect(screen.queryByTestId("toast")).toBeNull();
      app.screen = "cards";
      flushSync();
      vi.advanceTimersByTime(TOAST_MS);
      flushSync();
      expect(screen.queryByTestId("toast")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
