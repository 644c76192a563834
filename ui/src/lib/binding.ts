// How each binding failure is presented: its category (the seed's causes), whether retrying
// can help, and the form field to fix. The texts live in the i18n catalogues
// (errors.<CODE>, bind.remedy.<CODE>, bind.category.<category>).
import type { BankAction, BindStep, ErrorCode } from "./ipc/bindings";

export type Category =
  | "card_info"
  | "network"
  | "bank_system"
  | "bank_restriction"
  | "wallet_fault"
  | "security"
  | "expired"
  | "card_type"
  | "inactive"
  | "card_status"
  | "wallet_rules";

/** yes: just retry; after_fix: fix the data, then retry; after_bank: after the bank acts; no. */
export type RetryHelps = "yes" | "after_fix" | "after_bank" | "after_update" | "later" | "no";

export type FormField = "number" | "expiry" | "cvv" | "phone";

export interface FailureInfo {
  category: Category;
  retry: RetryHelps;
  field?: FormField;
}

export const BIND_FAILURES: Partial<Record<ErrorCode, FailureInfo>> = {
  CARD_NUMBER_INVALID: { category: "card_info", retry: "after_fix", field: "number" },
  EXPIRY_MISMATCH: { category: "card_info", retry: "after_fix", field: "expiry" },
  CVV_MISMATCH: { category: "card_info", retry: "after_fix", field: "cvv" },
  PHONE_MISMATCH: { category: "card_info", retry: "after_fix", field: "phone" },
  PHONE_INVALID: { category: "card_info", retry: "after_fix", field: "phone" },
  HOLDER_MISMATCH: { category: "card_info", retry: "no", field: "number" },
  NETWORK_TIMEOUT: { category: "network", retry: "yes" },
  NETWORK_OFFLINE: { category: "network", retry: "yes" },
  BANK_UNAVAILABLE: { category: "bank_system", retry: "yes" },
  BANK_SYSTEM_ERROR: { category: "bank_system", retry: "yes" },
  EPAY_DISABLED: { category: "bank_restriction", retry: "after_bank" },
  CARD_RESTRICTED: { category: "bank_restriction", retry: "after_bank" },
  UPGRADE_REQUIRED: { category: "wallet_fault", retry: "after_update" },
  INTERNAL_ERROR: { category: "wallet_fault", retry: "yes" },
  TOKEN_REQUIRED: { category: "security", retry: "yes" },
  TOKEN_INVALID: { category: "security", retry: "yes" },
  OTP_INVALID: { category: "security", retry: "yes" },
  OTP_EXPIRED: { category: "security", retry: "yes" },
  OTP_LOCKED: { category: "security", retry: "yes" },
  OTP_RESEND_TOO_SOON: { category: "security", retry: "later" },
  CARD_EXPIRED: { category: "expired", retry: "no" },
  BANK_NOT_SUPPORTED: { category: "card_type", retry: "no", field: "number" },
  CARD_TYPE_NOT_SUPPORTED: { category: "card_type", retry: "no", field: "number" },
  CARD_NOT_ACTIVATED: { category: "inactive", retry: "after_bank" },
  CARD_LOST: { category: "card_status", retry: "no" },
  CARD_ALREADY_BOUND: { category: "wallet_rules", retry: "no" },
  CARD_LIMIT_REACHED: { category: "wallet_rules", retry: "no" },
  BIND_COOLDOWN: { category: "wallet_rules", retry: "later" },
  CONSENT_REQUIRED: { category: "wallet_rules", retry: "after_fix" },
};

export function failureInfo(code: ErrorCode): FailureInfo {
  return BIND_FAILURES[code] ?? { category: "wallet_fault", retry: "yes" };
}

/** Groups digits as the card shows them: 4-4-4-4-3. */
export function groupCardNumber(input: string): string {
  const digits = input.replace(/\D/g, "").slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** MM/YY as typed: "123" → "12/3". */
export function formatExpiry(input: string): string {
  const d = input.replace(/\D/g, "").slice(0, 4);
  return d.length > 2 ? `${d.slice(0, 2)}/${d.slice(2)}` : d;
}

/** The bank's brand colour for the card art. */
export const BANK_COLOURS: Record<string, string> = {
  ICBC: "icbc",
  CCB: "ccb",
  ABC: "abc",
  BOC: "boc",
  CMB: "cmb",
};

/**
 * Seconds until a new SMS code may be asked for, counted from the step's own clock reading
 * (right under a moved mock clock); none once the bank said the code expired.
 */
export function resendSeconds(
  step: Pick<BindStep, "resendAt" | "issuedAt"> | null,
  receivedAt: number,
  now: number,
  expired: boolean,
): number {
  if (!step?.resendAt || expired) return 0;
  const wait = step.resendAt - step.issuedAt - (now - receivedAt);
  return Math.max(0, Math.ceil(wait / 1000));
}

/** The bank counter action that fixes a failure, where there is one (the developer panel). */
export function counterActionFor(code: ErrorCode): BankAction["action"] | null {
  switch (code) {
    case "CARD_NOT_ACTIVATED":
      return "activate";
    case "EPAY_DISABLED":
      return "enableEpay";
    case "CARD_RESTRICTED":
      return "unfreeze";
    case "PHONE_MISMATCH":
      return "changePhone";
    default:
      return null;
  }
}
