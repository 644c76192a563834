// Localised text for an error, filling in LOGIN_LOCKED's "until when".
import { formatDateTime, hasMessage, t, type MessageKey } from "./i18n/index.svelte";
import type { ErrorCode } from "./ipc/bindings";
import { formatFen } from "./money";

/** What a message may name besides its code: the card (CARD_REPLACED's new card) and a sum. */
export interface Named {
  last4?: string | null;
  limitFen?: number | null;
}

/** The key of a code's message for its case, where the catalogue has one (ACCOUNT_NOT_EMPTY:
 *  balance / pending; HOLDER_MISMATCH: id_outdated …), else the code's own. */
export function casedKey(prefix: string, code: ErrorCode, detail?: string | null): MessageKey {
  const cased = detail ? `${prefix}.${code}.${detail}` : null;
  return (cased && hasMessage(cased) ? cased : `${prefix}.${code}`) as MessageKey;
}

export function errorText(code: ErrorCode, until?: number | null, detail?: string | null, named: Named = {}): string {
  // Always a value: a code shown without its "until" (an audit entry) must still format.
  return t(casedKey("errors", code, detail), {
    until: until !== undefined && until !== null ? formatDateTime(until) : "—",
    last4: named.last4 ?? "—",
    limit: named.limitFen !== undefined && named.limitFen !== null ? formatFen(named.limitFen) : "—",
  });
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
