/**
 * An exact rational number n/d with bigint parts, always in lowest terms with d > 0: the value
 * of a {@link Num} node.
 * Coefficients of expressions are rationals, so `1/2` stays `1/2` and never becomes 0.5.
 *
 * The rationals this module makes print and serialise exactly: `String(q)` and `JSON.stringify(q)`
 * give "1/2" or "3" (a string, since a JSON number would round 1/3 and cannot hold a bigint), which
 * `parseExpr` reads back to the same number.
 *
 * @example
 * const q = parseExpr('6/4').value;
 * [q.n, q.d]; // → [3n, 2n]
 * String(q); // → '3/2'
 * JSON.stringify(q); // → '"3/2"'
 */
export interface Rational {
  /** The numerator. */
  readonly n: bigint;
  /** The denominator, positive. */
  readonly d: bigint;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The rationals made here: plain n and d, with exact text, JSON and inspector forms. */
class Q implements Rational {
  constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}
  toString(): string {
    return qtoString(this);
  }
  /** The exact text "n/d" (or "n" for an integer): bigints have no JSON form and 1/3 no exact number. */
  toJSON(): string {
    return qtoString(this);
  }
  [INSPECT](): string {
    return `Rational<${qtoString(this)}>`;
  }
}

const gcd = (a: bigint, b: bigint): bigint => {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

/** n/d in lowest terms; throws on a zero denominator (a programming error, never user input). */
export function rat(n: bigint | number, d: bigint | number = 1n): Rational {
  let nn = typeof n === 'bigint' ? n : BigInt(n);
  let dd = typeof d === 'bigint' ? d : BigInt(d);
  if (dd === 0n) throw new RangeError('rational with zero denominator');
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  const g = gcd(nn, dd);
  return g === 1n || g === 0n ? new Q(nn, dd) : new Q(nn / g, dd / g);
}

/** `q` as a rational of this module: in lowest terms, with its text and JSON forms (a literal {n, d} is reduced). */
export const normalised = (q: Rational): Rational => (q instanceof Q ? q : rat(q.n, q.d));

export const ZERO_Q = /* @__PURE__ */ rat(0);
export const ONE_Q = /* @__PURE__ */ rat(1);

export const qadd = (a: Rational, b: Rational): Rational =>
  a.d === b.d ? rat(a.n + b.n, a.d) : rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const qmul = (a: Rational, b: Rational): Rational => rat(a.n * b.n, a.d * b.d);
export const qneg = (a: Rational): Rational => (a instanceof Q ? new Q(-a.n, a.d) : rat(-a.n, a.d));
export const qinv = (a: Rational): Rational => rat(a.d, a.n);
export const qsub = (a: Rational, b: Rational): Rational => qadd(a, qneg(b));
export const qdiv = (a: Rational, b: Rational): Rational => rat(a.n * b.d, a.d * b.n);
export const qeq = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;
export const qcmp = (a: Rational, b: Rational): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const qsign = (a: Rational): number => (a.n > 0n ? 1 : a.n < 0n ? -1 : 0);
export const qisInt = (a: Rational): boolean => a.d === 1n;
export function qtoNumber(a: Rational): number {
  if (a.d === 1n) return Number(a.n);
  const r = Number(a.n) / Number(a.d);
  return Number.isFinite(r) && r !== 0 ? r : bigRatioToNumber(a);
}
export const qabs = (a: Rational): Rational => (a.n < 0n ? qneg(a) : a);

/** Accurate conversion when n or d exceed the double range. */
function bigRatioToNumber(a: Rational): number {
  const shift = BigInt(Math.max(0, a.d.toString(2).length - 60));
  return Number(a.n >> shift) / Number(a.d >> shift);
}

/** a^k for an integer k (k may be negative unless a = 0). */
export function qpowInt(a: Rational, k: bigint): Rational {
  if (k < 0n) return qpowInt(qinv(a), -k);
  let rn = 1n;
  let rd = 1n;
  let bn = a.n;
  let bd = a.d;
  while (k > 0n) {
    if (k & 1n) {
      rn *= bn;
      rd *= bd;
    }
    bn *= bn;
    bd *= bd;
    k >>= 1n;
  }
  return rat(rn, rd);
}

/** The exact integer q-th root of a non-negative bigint, or undefined when there is none. */
export function bigRoot(x: bigint, q: bigint): bigint | undefined {
  if (x < 0n) return undefined;
  if (x < 2n) return x;
  const guess = BigInt(Math.round(Math.pow(Number(x), 1 / Number(q))));
  for (const c of [guess - 1n, guess, guess + 1n]) {
    if (c >= 0n && c ** q === x) return c;
  }
  return undefined;
}

/** Parse a decimal literal exactly: "0.25" -> 1/4, "1e-3" -> 1/1000. */
export function qfromDecimal(text: string): Rational {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal literal: ${text}`);
  const intPart = m[1] ?? '';
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0');
  let n = BigInt((intPart + frac) || '0');
  let d = 10n ** BigInt(frac.length);
  if (exp > 0) n *= 10n ** BigInt(exp);
  else if (exp < 0) d *= 10n ** BigInt(-exp);
  return rat(n, d);
}

export const qtoString = (a: Rational): string => (a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`);
