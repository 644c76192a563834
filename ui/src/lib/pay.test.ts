import { describe, expect, it, vi } from "vitest";

const sent: unknown[] = [];
vi.mock("./ipc/client", () => ({
  callWithRetry: vi.fn(async (cmd: string, req: unknown, onRetry: (n: { attempt: number; max: number }) => void) => {
    sent.push([cmd, req]);
    onRetry({ attempt: 1, max: 2 });
    if ((req as { idemKey: string }).idemKey === "bad") throw { code: "INSUFFICIENT_FUNDS", message: "no" };
    return { id: 7 };
  }),
}));

import { sendPayment } from "./pay";
import { setLanguage } from "./i18n/index.svelte";

describe("sendPayment", () => {
  it("sends one `pay` and says 正在付款, each retry, then nothing — also when it fails", async () => {
    setLanguage("zh-CN");
    const said: (string | null)[] = [];
    const req = { idemKey: "k1", input: { kind: "bill" }, payPassword: "135790" } as never;
    expect(await sendPayment(req, (s) => said.push(s))).toEqual({ id: 7 });
    expect(sent).toEqual([["pay", req]]);
    expect(said[0]).toBe("正在付款…");
    expect(said[1]).toMatch(/1\/2/);
    expect(said.at(-1)).toBeNull();
    const after: (string | null)[] = [];
    await expect(sendPayment({ ...(req as object), idemKey: "bad" } as never, (s) => after.push(s))).rejects.toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(after.at(-1)).toBeNull();
  });
});
