// i18n: ICU MessageFormat (intl-messageformat) over two catalogues; the current language is a
// rune, so every `t()` in a template re-renders when it changes. zh-CN (the default) ships with
// the first screen; English is loaded when chosen. In the build every message is precompiled
// (precompile-messages.ts: text, or the AST) and the ICU parser is not shipped.
import { ISSUER_NAMES } from "../issuers";
import { IntlMessageFormat } from "intl-messageformat";
import type { MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { loadRest, zhCN, type MessageKey } from "./zh-CN";
import type { BankId, Counterparty, Language } from "../ipc/bindings";

export type { MessageKey };
export const LANGUAGES: readonly Language[] = ["zh-CN", "en"];
type Catalogue = Record<MessageKey, string>;
const LOADERS: Record<Language, () => Promise<Catalogue>> = {
  "zh-CN": async () => zhCN,
  en: () => import("./en").then((m) => m.en),
};
/** The catalogues loaded so far (zh-CN always; English once chosen or `loadLanguage`d). */
export const catalogues = { "zh-CN": zhCN } as Record<Language, Catalogue>;

/** Makes every message of the current catalogues available (the build ships zh-CN's first
 *  screens' messages first): awaited by every screen loaded later. */
export const ensureMessages = loadRest;

/** Loads a language's catalogue (once). */
export async function loadLanguage(lang: Language): Promise<void> {
  catalogues[lang] ??= await LOADERS[lang]();
}

const state = $state<{ lang: Language }>({ lang: "zh-CN" });
// A memo of compiled formats, not UI state: nothing renders from it.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const cache = new Map<string, IntlMessageFormat>();

/** Switches the language: at once when its catalogue is loaded, else as soon as it is. */
export function setLanguage(lang: Language): Promise<void> {
  const apply = () => {
    state.lang = lang;
    document.documentElement.lang = lang;
  };
  if (catalogues[lang]) {
    apply();
    return Promise.resolve();
  }
  return loadLanguage(lang).then(apply);
}

export function language(): Language {
  return state.lang;
}

export type Values = Record<string, string | number>;

/** Formats a message in the current language. */
export function t(key: MessageKey, values?: Values): string {
  return format(state.lang, key, values);
}

/** A bank's name in the current language (工商银行 / ICBC); a bank the wallet does not
 *  support yet is named as the BIN data names it (交通银行 …, in Chinese in both languages). */
export function bankName(bank: BankId): string {
  const key = `bank.${bank}`;
  return hasMessage(key) ? t(key) : (ISSUER_NAMES[bank] ?? bank);
}

/** Who is on the other side of a payment, in words: `*四`, or `*五 工商银行(0231)` (the card's
 *  holder as the bank confirmed them, masked; an older payment without the name: the card), or
 *  the merchant's verified name. */
export function counterpartyText(c: Counterparty | null): string {
  if (!c) return "";
  if (c.kind === "merchant" || c.kind === "biller") return c.name;
  if (c.kind !== "card") return c.nameMasked;
  const card = t("payee.card", { bank: bankName(c.bank), last4: c.last4 });
  return c.nameMasked ? `${c.nameMasked} ${card}` : card;
}

/** Whether the catalogue has this key (for keys built at run time). */
export function hasMessage(key: string): key is MessageKey {
  return key in catalogues[state.lang];
}

export function format(lang: Language, key: MessageKey, values?: Values): string {
  // A build's message is its final text or its AST; in dev and tests, the ICU source.
  const message = (catalogues[lang] ?? catalogues["zh-CN"])[key] as string | MessageFormatElement[];
  if (import.meta.env.PROD && typeof message === "string") return message;
  const id = `${lang}\u0000${key}`;
  let mf = cache.get(id);
  if (!mf) {
    mf = new IntlMessageFormat(message, lang);
    cache.set(id, mf);
  }
  return String(mf.format(values));
}

const SHANGHAI = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Date and time as Chinese wallets write them, `2026-11-26 09:05`, in Asia/Shanghai (the
 *  time zone of the day limits and the history's filters), whatever the language. */
export function formatDateTime(ms: number): string {
  const p = Object.fromEntries(SHANGHAI.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
