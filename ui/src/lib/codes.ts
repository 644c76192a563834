import { compact } from "./text";

/** SMS codes, token codes and payment passwords are six digits. */
export const CODE_LENGTH = 6;

/** The digits of a typed or pasted code, at most six: full-width digits count, spaces and dashes drop. */
export function codeDigits(raw: string): string {
  return compact(raw).replace(/\D/g, "").slice(0, CODE_LENGTH);
}
