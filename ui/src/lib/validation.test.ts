import { describe, expect, it } from "vitest";
import * as v from "./validation";

// 2026-11-25T12:00:00Z, as in the Rust tests.
const NOW = 1_795_608_000_000;

function idFor(birth: string): string {
  const first17 = `110101${birth}123`;
  return first17 + v.idCheckChar(first17);
}

describe("the same rules as Rust's accounts/validate.rs", () => {
  it("phone: 11 digits starting 13–19", () => {
    expect(v.checkPhone("13800138000")).toBeNull();
    for (const bad of ["", "1380013800", "12800138000", "1380013800a", "+8613800138000"]) {
      expect(v.checkPhone(bad)).toBe("PHONE_INVALID");
    }
  });

  it("test identities have valid IDs; the check digit is verified", () => {
    for (const id of ["110101199003071233", "310101198805204563", "440305199512127891"]) {
      expect(v.checkIdNumber(id, NOW)).toBeNull();
    }
    expect(v.checkIdNumber("110101199003071234", NOW)).toBe("ID_NUMBER_INVALID");
    expect(v.checkIdNumber(idFor("19900230"), NOW)).toBe("ID_NUMBER_INVALID");
    expect(v.checkIdNumber("11010119900307123", NOW)).toBe("ID_NUMBER_INVALID");
  });

  it("age: 16 on the Shanghai calendar day", () => {
    const id = idFor("20101126");
    expect(v.checkIdNumber(id, NOW)).toBe("AGE_TOO_YOUNG");
    expect(v.checkIdNumber(id, 1_795_622_400_000 - 1)).toBe("AGE_TOO_YOUNG");
    expect(v.checkIdNumber(id, 1_795_622_400_000)).toBeNull();
  });

  it("names", () => {
    expect(v.checkRealName("张三")).toBeNull();
    expect(v.checkRealName("阿依古丽·买买提")).toBeNull();
    for (const bad of ["张", "张3", "·张三", "张".repeat(31)]) expect(v.checkRealName(bad)).toBe("NAME_INVALID");
    expect(v.checkDisplayName("小张")).toBeNull();
    expect(v.checkDisplayName("   ")).toBe("NAME_INVALID");
  });

  it("password strength matches Rust's scale", () => {
    expect(v.passwordStrength("abcdefgh")).toBe(0);
    expect(v.passwordStrength("abcd1234")).toBe(1);
    expect(v.passwordStrength("Abcd1234")).toBe(2);
    expect(v.passwordStrength("Abcd1234efgh")).toBe(3);
    expect(v.passwordStrength("Abcd1234!xyz")).toBe(4);
    expect(v.checkPassword("abc123")).toBe("PASSWORD_WEAK");
  });

  it("payment password: 6 digits, no repeats, no runs", () => {
    expect(v.checkPayPassword("258036")).toBeNull();
    for (const bad of ["123456", "111111", "012345", "987654", "12345", "12a456"]) {
      expect(v.checkPayPassword(bad)).toBe("PAY_PASSWORD_WEAK");
    }
  });

  it("confirmation", () => {
    expect(v.checkConfirm("a", "a")).toBeNull();
    expect(v.checkConfirm("a", "b")).toBe("PASSWORD_MISMATCH");
  });
});
