import { describe, expect, it } from "vitest";
import { fileBase64 } from "./files";

describe("fileBase64", () => {
  it("encodes every byte value, and a file larger than one chunk, as base64 does", async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(await fileBase64(new Blob([all]))).toBe(Buffer.from(all).toString("base64"));
    const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31) % 256);
    expect(await fileBase64(new Blob([big]))).toBe(Buffer.from(big).toString("base64"));
    expect(await fileBase64(new Blob([]))).toBe("");
  });
});
