import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import CodeBoxes from "./CodeBoxes.svelte";
import { codeDigits } from "../lib/codes";

/** The six boxes' text, in order. */
const boxes = (c: HTMLElement) => [...c.querySelectorAll(".box")].map((b) => b.textContent?.trim() ?? "");

describe("six-box code input", () => {
  it("keeps digits only, at most six: a pasted 「１２３ ４５６７」 reads 123456", () => {
    expect(codeDigits("１２３ ４５６７")).toBe("123456");
    expect(codeDigits("12-34ab")).toBe("1234");
    expect(codeDigits("")).toBe("");
  });

  it("draws each digit in its box, one real labelled input behind, one-time-code autofill", async () => {
    const { container } = render(CodeBoxes, { label: "SMS code", testid: "bind-otp", autofocus: true });
    const input = screen.getByLabelText("SMS code") as HTMLInputElement;
    expect(input).toHaveAttribute("data-testid", "bind-otp");
    expect(input).toHaveAttribute("autocomplete", "one-time-code");
    expect(input).toHaveAttribute("inputmode", "numeric");
    expect(document.activeElement).toBe(input);
    expect(boxes(container)).toHaveLength(6);
    input.value = "12 34";
    await fireEvent.input(input);
    expect(input.value).toBe("1234");
    expect(boxes(container)).toEqual(["1", "2", "3", "4", "", ""]);
    input.value = "9876543";
    await fireEvent.input(input);
    expect(boxes(container)).toEqual(["9", "8", "7", "6", "5", "4"]);
  });

  it("a payment password shows dots, never its digits", async () => {
    const { container } = render(CodeBoxes, { label: "Payment password", testid: "paypwd-input", secret: true });
    const input = screen.getByLabelText("Payment password") as HTMLInputElement;
    expect(input.type).toBe("password");
    expect(input).toHaveAttribute("autocomplete", "off");
    input.value = "258";
    await fireEvent.input(input);
    expect(boxes(container)).toEqual(["●", "●", "●", "", "", ""]);
    expect(container.textContent).not.toMatch(/[0-9]{2}/);
  });
});
