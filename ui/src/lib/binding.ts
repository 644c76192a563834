// How each binding failure is presented. Its category, whether retrying helps and the kind of
// remedy come from Rust with the error (`ErrorCode::verdict`, the one catalogue table); this
// file only knows which form field a code is about. The texts live in the i18n catalogues
// (errors.<CODE>, bind.remedy.<CODE>, bind.category.<category>, bind.retry.<verdict>).
import { formatDateTime, bankName, t } from "./i18n/index.svelte";
import { compact } from "./text";
import { casedKey } from "./errors";
import type { AppError, BankAction, BankId, BindStep, Category, ErrorCode, Remedy, RetryHelps } from "./ipc/bindings";

export type FormField = "number" | "expiry" | "cvv" | "phone";

/** The control that tries again where remedy steps are read, and whether it keeps what was typed. */
export interface RetryControl {
  button: string;
  kept: boolean;
}

export interface FailureInfo {
  category: Category;
  retry: RetryHelps;
  remedy?: Remedy;
  field?: FormField;
}

/** The form field to fix for a code, where there is one. */
export const FAILURE_FIELDS: Partial<Record<ErrorCode, FormField>> = {
  CARD_NUMBER_INVALID: "number",
  EXPIRY_MISMATCH: "expiry",
  CVV_MISMATCH: "cvv",
  PHONE_MISMATCH: "phone",
  PHONE_INVALID: "phone",
  HOLDER_MISMATCH: "number",
  BANK_NOT_SUPPORTED: "number",
  CARD_TYPE_NOT_SUPPORTED: "number",
};

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** Rust's verdict on a failure (a code outside the catalogue is the wallet's own fault). */
export function failureInfo(error: Pick<AppError, "code"> & Partial<Nullable<Pick<AppError, "category" | "retry" | "remedy">>>): FailureInfo {
  return {
    category: error.category ?? "wallet_fault",
    retry: error.retry ?? "yes",
    remedy: error.remedy ?? undefined,
    field: FAILURE_FIELDS[error.code],
  };
}

/** The service numbers of the banks the wallet binds: a remedy names the card's own bank. */
export const HOTLINES: Partial<Record<BankId, string>> = {
  ICBC: "95588",
  CCB: "95533",
  ABC: "95599",
  BOC: "95566",
  CMB: "95555",
};

/** The remedy's steps for a code (in the words of its case, where it has one: an old ID, a
 *  payroll card …), naming the card's bank and its number (or, when the bank is not known,
 *  "your card's bank"), until when for a wait, and the card the bank named. */
export function remedySteps(
  code: ErrorCode,
  {
    bank,
    until,
    retry,
    detail,
    last4,
  }: { bank?: BankId | null; until?: number | null; retry?: RetryControl; detail?: string | null; last4?: string | null } = {},
): string[] {
  // An instruction names the control it points to, in the words that control shows where the steps are read.
  const { button, kept } = retry ?? { button: t("bind.retry"), kept: true };
  return t(casedKey("bind.remedy", code, detail), {
    retryStep: t(kept ? "bind.retryStepKept" : "bind.retryStep", { button }),
    until: until !== undefined && until !== null ? formatDateTime(until) : "",
    bank: bank ? bankName(bank) : t("bank.yours"),
    hotline: (bank && HOTLINES[bank]) ?? t("bank.yourHotline"),
    last4: last4 ?? "—",
  })
    .split("\n")
    .filter(Boolean);
}

/** Groups digits as the card shows them: 4-4-4-4-3. */
export function groupCardNumber(input: string): string {
  const digits = compact(input).replace(/\D/g, "").slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** MM/YY as typed: "123" → "12/3". */
export function formatExpiry(input: string): string {
  const d = compact(input).replace(/\D/g, "").slice(0, 4);
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

/** The bank counter action that fixes a failure (of its case), where there is one (the developer panel). */
export function counterActionFor(code: ErrorCode, detail?: string | null): BankAction["action"] | null {
  switch (code) {
    case "CARD_NOT_ACTIVATED":
      return "activate";
    case "EPAY_DISABLED":
      return detail === "non_counter" ? "enableNonCounter" : "enableEpay";
    case "CARD_RESTRICTED":
      return "unfreeze";
    case "PHONE_MISMATCH":
      return "changePhone";
    case "HOLDER_MISMATCH":
      return detail === "id_outdated" ? "updateId" : null;
    case "BANK_AGREEMENT_LIMIT":
      return "releaseAgreement";
    case "BANK_SYSTEM_ERROR":
      return "restoreService";
    default:
      return null;
  }
}
