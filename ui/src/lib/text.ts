// Input as Chinese people type it — the same rules as Rust's `platform::text`, checked by the
// same cases (text.cases.json): an IME in full-width mode gives full-width digits, dashes and the ideographic space; numbers
// are pasted with spaces of any kind or dashes.

function half(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCodePoint(code - 0xfee0);
  if (code === 0x3000) return " ";
  return c;
}

/** Full-width ASCII as ASCII, the ideographic space as a space; anything else unchanged. */
export function halfWidth(input: string): string {
  return Array.from(input, half).join("");
}

const DASHES = new Set(["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u30fc"]);
const INVISIBLE = /^[\u200b-\u200d\u2060\ufeff]$/u;
/** Rust's `char::is_whitespace` (Unicode White_Space). */
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Rust's `str::trim`: Unicode White_Space at both ends (JavaScript's own trim also strips
 *  U+FEFF and keeps U+0085, so the two would disagree). */
export function trim(input: string): string {
  const chars = Array.from(input);
  let a = 0;
  let b = chars.length;
  while (a < b && SPACE.test(chars[a] ?? "")) a++;
  while (b > a && SPACE.test(chars[b - 1] ?? "")) b--;
  return chars.slice(a, b).join("");
}

/** For digit strings — card numbers, phones, ID numbers, codes: `halfWidth`, then spaces,
 *  dashes and invisible format characters dropped. Letters stay. */
export function compact(input: string): string {
  return Array.from(input, half)
    .filter((c) => !SPACE.test(c) && !DASHES.has(c) && !INVISIBLE.test(c))
    .join("");
}

/** The ways people type the middle dot of a minority name (阿依古丽·买买提), as in Rust
 *  (`platform/text.rs`): middle dot, bullet, katakana middle dot, full-width and ASCII full stop,
 *  half-width katakana middle dot, hyphenation point, dot and bullet operators. */
export const NAME_DOTS = new Set(["·", "•", "・", "．", ".", "･", "‧", "⋅", "∙"]);

/** A real name with every typed form of the middle dot as `·` (the ID card's). */
export function nameDots(input: string): string {
  return Array.from(input, (c) => (NAME_DOTS.has(c) ? "·" : c)).join("");
}
