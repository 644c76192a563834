import { language } from "./i18n/index.svelte";
import { app } from "./app.svelte";
import { halfWidth, trim } from "./text";

// Money on screen: integer fen from Rust, shown as ¥1,234.56; the amount field's instant check
// mirrors Rust's parser (Rust decides: it parses the text again).

const FORMATS = new Map<string, Intl.NumberFormat>();

/** 隐藏金额: the signed-in account shows every amount masked. */
export function amountsHidden(): boolean {
  return app.session?.hideAmounts === true;
}

/** What an amount shows while amounts are hidden. */
export const HIDDEN = "****";

/** `¥1,234.56` through Intl.NumberFormat in the current language (zh-CN or en; the narrow
 *  symbol, so an English screen shows ¥ too, not CN¥), a minus sign in front when negative. */
export function formatFen(fen: number): string {
  // 隐藏金额: every amount on every screen (the Fen component also says 金额已隐藏 aloud).
  return amountsHidden() ? HIDDEN : priceFen(fen);
}

/** [`formatFen`] that is never hidden: a price to choose (a top-up's face value), not the
 *  person's money. */
export function priceFen(fen: number): string {
  const lang = language();
  let f = FORMATS.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" });
    FORMATS.set(lang, f);
  }
  // Integer fen to yuan: exact for every amount the wallet allows (< 2^53 fen).
  return f.format(fen / 100);
}

/** A payment's amount as a bill shows it (the convention of Chinese wallets' bills): money in
 *  `+` in the accent colour, money out `−` in the plain text colour; a payment that moved no
 *  money (failed, revoked, returned) has no sign and is struck through — it never reads as
 *  money received. */
export function billAmount(p: { amountFen: number; direction: "in" | "out"; status: string }): { text: string; tone: "in" | "out" | "void" } {
  if (p.status === "failed" || p.status === "revoked" || p.status === "returned") {
    return { text: formatFen(p.amountFen), tone: "void" };
  }
  return p.direction === "in"
    ? { text: `+${formatFen(p.amountFen)}`, tone: "in" }
    : { text: `−${formatFen(p.amountFen)}`, tone: "out" };
}

/** What Rust's parse_amount accepts (`1234.5`, `1,234.50`, `¥12`), as fen; null otherwise. */
export function parseAmount(input: string): number | null {
  // Full-width digits and punctuation as ASCII, Rust's trim, the ¥ sign (then trim again).
  const t = trim(halfWidth(input));
  const s = trim(t.startsWith("¥") || t.startsWith("￥") ? t.slice(1) : t);
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(s)) return null;
  const [int = "", frac = ""] = s.replace(/,/g, "").split(".");
  if (int.length > 12) return null;
  const fen = Number(int) * 100 + Number(frac.padEnd(2, "0"));
  // No one types more than ¥10 billion (Rust's MAX_INPUT_FEN): refused, not overflowed.
  return fen > 0 && fen <= 1_000_000_000_000 ? fen : null;
}

/** A fresh idempotency key for one payment (reused for its retries). */
export function newPaymentKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
