// Instant feedback while typing. The same rules run again in Rust (accounts/validate.rs);
// Rust's answer is the one that counts.
import type { ErrorCode } from "./ipc/bindings";
import { compact, nameDots, trim } from "./text";

export type Check = ErrorCode | null;

export { ID_INPUT_MAX, PHONE_INPUT_MAX } from "./limits";

/** Full-width digits, spaces and dashes are normalised first, as in Rust. */
export function checkPhone(v: string): Check {
  return /^1[3-9]\d{9}$/.test(compact(v)) ? null : "PHONE_INVALID";
}

export function checkDisplayName(v: string): Check {
  const t = trim(v);
  const n = [...t].length;
  // Control characters: C0, DEL and C1 (Rust's char::is_control).
  // eslint-disable-next-line no-control-regex
  return n >= 1 && n <= 20 && !/[\u0000-\u001f\u007f-\u009f]/.test(t) ? null : "NAME_INVALID";
}

/** Letters (category L) of the Han or Latin script, the middle dot, single spaces. */
const NAME = /^[[\p{L}&&[\p{Script=Han}\p{Script=Latin}]]· ]+$/v;

/** The middle dot however typed counts as `·` (`nameDots`), as in Rust. */
export function checkRealName(v: string): Check {
  const t = nameDots(trim(v));
  const n = [...t].length;
  const ok =
    n >= 2 &&
    n <= 30 &&
    NAME.test(t) &&
    !t.includes("  ") &&
    !t.includes("··") &&
    !/^·|·$/.test(t);
  return ok ? null : "NAME_INVALID";
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? "";
}

/** Today's date in Shanghai (UTC+8, no daylight saving) as [y, m, d]. */
function shanghaiDate(now: number): [number, number, number] {
  const d = new Date(now + 8 * 3600_000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

export function checkIdNumber(v: string, now: number = Date.now()): Check {
  const id = compact(v).toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return "ID_NUMBER_INVALID";
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return "ID_NUMBER_INVALID";
  }
  const [ty, tm, td] = shanghaiDate(now);
  const notYetBorn = y > ty || (y === ty && (m > tm || (m === tm && d > td)));
  if (notYetBorn || y < 1900) return "ID_NUMBER_INVALID";
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return "ID_NUMBER_INVALID";
  let age = ty - y;
  if (tm < m || (tm === m && td < d)) age -= 1;
  return age >= 16 ? null : "AGE_TOO_YOUNG";
}

/** 0 (unacceptable) to 4 (strong): the same scale as Rust's password_strength. */
export function passwordStrength(pw: string): number {
  const chars = [...pw];
  const classes = new Set(
    chars.map((c) =>
      /\p{Lowercase}/u.test(c) ? 0 : /\p{Uppercase}/u.test(c) ? 1 : /[0-9]/.test(c) ? 2 : 3,
    ),
  ).size;
  if (chars.length < 8 || classes < 2) return 0;
  let s = 1;
  if (classes >= 3) s += 1;
  if (chars.length >= 12) s += 1;
  if (classes === 4 && chars.length >= 10) s += 1;
  return s;
}

export function checkPassword(pw: string): Check {
  if ([...pw].length > 64) return "PASSWORD_WEAK";
  return passwordStrength(pw) === 0 ? "PASSWORD_WEAK" : null;
}

export function checkPayPassword(pw: string): Check {
  if (!/^\d{6}$/.test(pw)) return "PAY_PASSWORD_WEAK";
  const steps = [...pw].slice(1).map((c, i) => Number(c) - Number(pw[i]));
  if (steps.every((s) => s === 0)) return "PAY_PASSWORD_WEAK";
  if (steps.every((s) => s === 1) || steps.every((s) => s === -1)) return "PAY_PASSWORD_WEAK";
  return null;
}

export function checkConfirm(value: string, confirm: string): Check {
  return value === confirm ? null : "PASSWORD_MISMATCH";
}
