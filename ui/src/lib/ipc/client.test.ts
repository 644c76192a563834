import { describe, expect, it, vi } from "vitest";

/** What the fake `invoke` does next, and what it was called with. */
let answer: () => Promise<unknown> = () => Promise.resolve(null);
const calls: unknown[][] = [];
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...a: unknown[]) => {
    calls.push(a);
    return answer();
  },
}));

const { call, toAppError, AppErrorObject } = await import("./client");

describe("IPC client", () => {
  it("sends arguments as `args` and nothing for commands without", async () => {
    answer = () => Promise.resolve(null);
    await call("login", { phone: "13800138000", password: "x" });
    expect(calls.at(-1)).toEqual(["login", { args: { phone: "13800138000", password: "x" } }]);
    await call("logout");
    expect(calls.at(-1)).toEqual(["logout", {}]);
  });

  it("turns {code, message, field, until} into a typed error", async () => {
    answer = () => Promise.reject({ code: "LOGIN_LOCKED", message: "locked", until: 123 });
    const e = await call("login", { phone: "1", password: "x" }).then(
      () => null,
      (x: unknown) => x,
    );
    if (!(e instanceof AppErrorObject)) throw new Error("expected an AppErrorObject");
    expect([e.name, e.code, e.until]).toEqual(["AppError", "LOGIN_LOCKED", 123]);
  });

  it("an unknown error shape becomes INTERNAL_ERROR", () => {
    expect(toAppError("boom").code).toBe("INTERNAL_ERROR");
    expect(toAppError({ code: "NOT_A_CODE" }).code).toBe("INTERNAL_ERROR");
    expect(toAppError({ code: "PHONE_INVALID", message: "m", field: "phone" }).field).toBe("phone");
  });
});
