// @vitest-environment node
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { checkDisplayName, checkIdNumber, checkPassword, checkPayPassword, checkPhone, checkRealName } from "./validation";
import { parseAmount } from "./money";

// The instant checks of the forms (TypeScript) and the rules that count (Rust) disagree on no
// input: 10,000+ generated inputs per validator go through both, and any difference fails.
// Rust's side is the core's `validators` example, fed the same inputs on stdin.
//
// Inputs are drawn (seeded, so a failure repeats) from pieces people and IMEs produce — ASCII
// and full-width digits, every kind of space, dashes, Han and Latin letters, look-alikes that
// are not letters (Ⓐ, Ⅻ), C0/C1 controls, U+0085, U+FEFF, ¥ and ￥, separators — and from
// valid values with one piece changed. Characters are taken from this fixed list, so the two
// sides' Unicode versions (node's and the Rust crates') never decide a verdict.

const PER_VALIDATOR = 10_000;
const NOW = 1_795_608_000_000; // the example's fixed day

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ..."0123456789", ..."０１２３４５６７８９", " ", "\u3000", "\u00a0", "\t", "\n", "\u2009", "\u0085", "\ufeff", "\u200b",
  "-", "－", "\u2013", "\u2014", ".", "．", ",", "，", "¥", "￥", "+", "X", "x", "Ｘ",
  ..."abcXYZ", "é", "ß", "Ａ", "张", "三", "李", "四", "·", "•", "Ⓐ", "Ⅻ", "α", "Ж", "あ", "한", "ª", "ǅ",
  "\u0000", "\u0007", "\u001f", "\u007f", "\u0080", "\u009f", "!", "@", "#", "😀",
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function noise(r: () => number, maxLen: number): string {
  const n = Math.floor(r() * maxLen);
  let s = "";
  for (let i = 0; i < n; i++) s += pick(r, PIECES);
  return s;
}

/** A valid value with one piece inserted, replaced or dropped (or none, or a pad). */
function mutate(r: () => number, base: string): string {
  const chars = Array.from(base);
  const at = Math.floor(r() * (chars.length + 1));
  switch (Math.floor(r() * 6)) {
    case 0:
      chars.splice(at, 0, pick(r, PIECES));
      break;
    case 1:
      chars.splice(at, 1, pick(r, PIECES));
      break;
    case 2:
      chars.splice(at, 1);
      break;
    case 3:
      return pick(r, [" ", "\u3000", "\ufeff", "\u0085", ""]) + base + pick(r, [" ", "\u3000", "\ufeff", "\u0085", ""]);
    default:
      break;
  }
  return chars.join("");
}

const FULL = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(0xff10 + Number(d)));

const BASES: Record<string, (r: () => number) => string> = {
  phone: (r) => pick(r, ["13800138000", "13900139000", "19912345678", FULL("13700137000"), "138 0013 8000", "138-0013-8000"]),
  display_name: (r) => pick(r, ["小张", "Zhang", "a".repeat(20), "a".repeat(21), "王五 Wang"]),
  real_name: (r) => pick(r, ["张三", "李四", "阿依古丽·买买提", "Ana María", "王 五", "John  Smith", "·张三"]),
  id_number: (r) =>
    pick(r, ["110101199003071233", "310101198805204563", "440305199512127891", "11010120101126123X", FULL("110101199003071233")]),
  password: (r) => pick(r, ["Tongbao2026!", "abcdefgh", "ABCDEFG1", "短密码", "Пароль12", "ªªªªªªªA", "ǅǅǅǅǅǅǅǅa1"]),
  pay_password: (r) => pick(r, ["258036", "135790", "111111", "123456", "654321", FULL("258036")]),
  amount: (r) => pick(r, ["1,234.56", "¥12", "0.01", "9999999999.99", "10000000000", "10000000000.01", "１，２３４．５", "１２．３", "1,23", "-1"]),
};

type Verdict = { code: string | null; fen?: number | null };

const TS: Record<string, (s: string) => Verdict> = {
  phone: (s) => ({ code: checkPhone(s) }),
  display_name: (s) => ({ code: checkDisplayName(s) }),
  real_name: (s) => ({ code: checkRealName(s) }),
  id_number: (s) => ({ code: checkIdNumber(s, NOW) }),
  password: (s) => ({ code: checkPassword(s) }),
  pay_password: (s) => ({ code: checkPayPassword(s) }),
  amount: (s) => {
    const fen = parseAmount(s);
    return fen === null ? { code: "AMOUNT_INVALID", fen: null } : { code: null, fen };
  },
};

function inputs(v: string): string[] {
  const r = rng(0x7b_b0 + v.length * 7919);
  const base = BASES[v] as (r: () => number) => string;
  const out: string[] = [];
  while (out.length < PER_VALIDATOR) {
    const kind = r();
    out.push(kind < 0.55 ? mutate(r, base(r)) : kind < 0.8 ? mutate(r, mutate(r, base(r))) : noise(r, 24));
  }
  return out;
}

describe("TypeScript and Rust validators agree", () => {
  it(`on ${PER_VALIDATOR.toLocaleString("en")} generated inputs per validator`, { timeout: 600_000 }, () => {
    const validators = Object.keys(TS);
    const all = validators.flatMap((v) => inputs(v).map((input) => ({ v, input })));
    const root = resolve(process.cwd(), "..");
    const stdout = execFileSync("cargo", ["run", "-q", "-p", "tongbao-core", "--example", "validators"], {
      cwd: root,
      input: all.map((a) => JSON.stringify(a)).join("\n") + "\n",
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const rust = stdout.trim().split("\n").map((l) => JSON.parse(l) as Verdict);
    expect(rust.length).toBe(all.length);
    const disagreements: string[] = [];
    const verdicts = new Map<string, Set<string>>();
    all.forEach(({ v, input }, i) => {
      const ts = (TS[v] as (s: string) => Verdict)(input);
      const rs = rust[i] as Verdict;
      // Rust answers AMOUNT_INVALID for amounts too; a form check's code is compared as is.
      const same = ts.code === rs.code && (v !== "amount" || (ts.fen ?? null) === (rs.fen ?? null));
      if (!same) disagreements.push(`${v} ${JSON.stringify(input)}: ts ${JSON.stringify(ts)} rust ${JSON.stringify(rs)}`);
      const seen = verdicts.get(v) ?? new Set<string>();
      seen.add(String(ts.code));
      verdicts.set(v, seen);
    });
    expect(disagreements.slice(0, 20)).toEqual([]);
    // The inputs reach both answers of every validator (the test is not all-valid or all-invalid).
    for (const v of validators) expect((verdicts.get(v) as Set<string>).size, v).toBeGreaterThan(1);
  });
});
