// Localised text for an error, filling in LOGIN_LOCKED's "until when".
import { formatDateTime, hasMessage, t, type MessageKey } from "./i18n/index.svelte";
import type { ErrorCode } from "./ipc/bindings";

export function errorText(code: ErrorCode, until?: number, detail?: string): string {
  // A code with a case (ACCOUNT_NOT_EMPTY: balance / pending) has a message per case.
  const cased = detail ? (`errors.${code}.${detail}` as MessageKey) : null;
  const key = cased && hasMessage(cased) ? cased : (`errors.${code}` as MessageKey);
  // Always a value: a code shown without its "until" (an audit entry) must still format.
  return t(key, { until: until !== undefined ? formatDateTime(until) : "—" });
}

const FIXES: readonly ErrorCode[] = [
  "KEYCHAIN_UNAVAILABLE",
  "KEYCHAIN_LOCKED",
  "DATABASE_KEY_MISSING",
  "DATABASE_KEY_MISMATCH",
  "DATABASE_TOO_NEW",
  "DATABASE_DAMAGED",
  "STORAGE_ERROR",
  "INTERNAL_ERROR",
  "CLOCK_WRONG",
];

/** What to do about a start-up problem, or null when the code has no remedy text. */
export function fixText(code: ErrorCode): string | null {
  return FIXES.includes(code) ? t(`fix.${code}` as MessageKey) : null;
}
