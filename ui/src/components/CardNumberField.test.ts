import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import CardNumberField from "./CardNumberField.svelte";

const invoke = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke, Channel: class {} }));

/** An answer the test releases when it wants to. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function type(text: string) {
  await fireEvent.input(screen.getByTestId("n"), { target: { value: text } });
  await tick();
}

describe("CardNumberField", () => {
  beforeEach(() => {
    invoke.mockReset(); // in braces: a function returned from beforeEach runs as its teardown
  });

  it("groups the digits as the card shows them and drops anything else", async () => {
    render(CardNumberField, { label: "Card", testid: "n" });
    await type("6222a0200 0000-00100 17");
    expect(screen.getByTestId("n")).toHaveValue("6222 0200 0000 0010 017");
    expect(invoke).not.toHaveBeenCalled(); // nobody asked for the bank
  });

  it("asks the bank per prefix (up to the table's 10 digits, never more) and forgets it below 6", async () => {
    const onrecognise = vi.fn();
    invoke.mockResolvedValue({ bank: "ICBC", kind: "debit" });
    render(CardNumberField, { label: "Card", testid: "n", onrecognise });
    await type("62220");
    expect(invoke).not.toHaveBeenCalled();
    await type("622202");
    await type("6222020000");
    await type("62220200000000100");
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(invoke).toHaveBeenNthCalledWith(1, "recognise_card", { args: "622202" });
    expect(invoke).toHaveBeenNthCalledWith(2, "recognise_card", { args: "6222020000" });
    await vi.waitFor(() => expect(onrecognise).toHaveBeenLastCalledWith({ bank: "ICBC", kind: "debit" }));
    await type("6222");
    expect(onrecognise).toHaveBeenLastCalledWith(null);
  });

  it("takes full-width digits, ideographic spaces and dashes as an IME types them", async () => {
    const onrecognise = vi.fn();
    invoke.mockResolvedValue({ bank: "ICBC", kind: "debit" });
    render(CardNumberField, { label: "Card", testid: "n", onrecognise });
    await type("６２２２　０２００－００００－００１０　０１７");
    expect(screen.getByTestId("n")).toHaveValue("6222 0200 0000 0010 017");
    expect(invoke).toHaveBeenLastCalledWith("recognise_card", { args: "6222020000" });
  });

  it("drops an answer that arrives after the prefix changed", async () => {
    const onrecognise = vi.fn();
    const first = deferred<unknown>();
    invoke.mockReturnValueOnce(first.promise).mockResolvedValueOnce({ bank: "ICBC", kind: "credit" });
    render(CardNumberField, { label: "Card", testid: "n", onrecognise });
    await type("622202");
    await type("625330");
    first.resolve({ bank: "ICBC", kind: "debit" });
    await vi.waitFor(() => expect(onrecognise).toHaveBeenCalledWith({ bank: "ICBC", kind: "credit" }));
    await first.promise;
    await tick();
    expect(onrecognise).not.toHaveBeenCalledWith({ bank: "ICBC", kind: "debit" });
  });

  it("passes a failure to onerror", async () => {
    const onerror = vi.fn();
    invoke.mockImplementation(() => Promise.reject({ code: "SESSION_LOCKED", message: "locked" }));
    render(CardNumberField, { label: "Card", testid: "n", onrecognise: vi.fn(), onerror });
    await type("622202");
    await vi.waitFor(() => expect(onerror).toHaveBeenCalledOnce());
    expect(onerror).toHaveBeenCalledWith(expect.objectContaining({ code: "SESSION_LOCKED" }));
  });
});
