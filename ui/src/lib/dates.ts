import { halfWidth } from "./text";

/** A typed day as `YYYY-MM-DD` when it is a complete, real calendar date (full-width digits
 *  and dashes taken), else null — a filter waits for the whole date. Rust checks it again. */
export function dayOf(input: string): string | null {
  const s = halfWidth(input).trim().replace(/[\u2010-\u2015\u2212]/g, "-");
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real && y >= 1900 ? s : null;
}
