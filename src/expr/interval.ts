/**
 * Real intervals with open or closed ends, and interval arithmetic: the basis of sign reasoning
 * (sigma > 0 => sqrt(sigma^2) = sigma) and of domain checks of user models.
 */
/**
 * A real interval with open or closed ends; −∞ and +∞ are `-Infinity` and `Infinity`, always open
 * ends. Positive: `{ lo: 0, hi: Infinity, loOpen: true, hiOpen: true }`.
 *
 * @example
 * rangeOf(parseExpr('exp(t)'), () => undefined); // → { lo: 0, hi: Infinity, loOpen: true, hiOpen: true }
 */
export interface Interval {
  /** The lower end. */
  readonly lo: number;
  /** The upper end. */
  readonly hi: number;
  /** True when the lower end is excluded. */
  readonly loOpen: boolean;
  /** True when the upper end is excluded. */
  readonly hiOpen: boolean;
}

export const iv = (lo: number, hi: number, loOpen = false, hiOpen = false): Interval => ({
  lo,
  hi,
  loOpen: loOpen || lo === -Infinity,
  hiOpen: hiOpen || hi === Infinity,
});
export const REAL = /* @__PURE__ */ iv(-Infinity, Infinity);
export const POSITIVE = /* @__PURE__ */ iv(0, Infinity, true);
export const NONNEGATIVE = /* @__PURE__ */ iv(0, Infinity);
export const UNIT_OPEN = /* @__PURE__ */ iv(0, 1, true, true);
export const point = (x: number): Interval => iv(x, x);

/** inner ⊆ outer. */
export function within(inner: Interval, outer: Interval): boolean {
  const loOk = inner.lo > outer.lo || (inner.lo === outer.lo && (!outer.loOpen || inner.loOpen));
  const hiOk = inner.hi < outer.hi || (inner.hi === outer.hi && (!outer.hiOpen || inner.hiOpen));
  return loOk && hiOk;
}

/** Does the interval contain x? */
export function contains(a: Interval, x: number): boolean {
  return (x > a.lo || (x === a.lo && !a.loOpen)) && (x < a.hi || (x === a.hi && !a.hiOpen));
}

export const isPositive = (a: Interval): boolean => a.lo > 0 || (a.lo === 0 && a.loOpen);
export const isNonnegative = (a: Interval): boolean => a.lo >= 0;
export const isNegative = (a: Interval): boolean => a.hi < 0 || (a.hi === 0 && a.hiOpen);
export const isNonpositive = (a: Interval): boolean => a.hi <= 0;

/** The smallest interval holding both. */
export function hull(a: Interval, b: Interval): Interval {
  const lo = Math.min(a.lo, b.lo);
  const hi = Math.max(a.hi, b.hi);
  const loOpen = (a.lo !== lo || a.loOpen) && (b.lo !== lo || b.loOpen);
  const hiOpen = (a.hi !== hi || a.hiOpen) && (b.hi !== hi || b.hiOpen);
  return iv(lo, hi, loOpen, hiOpen);
}

const sum = (x: number, y: number): number => {
  const s = x + y;
  return Number.isNaN(s) ? 0 : s;
};

export function ivAdd(a: Interval, b: Interval): Interval {
  return iv(sum(a.lo, b.lo), sum(a.hi, b.hi), a.loOpen || b.loOpen, a.hiOpen || b.hiOpen);
}

export const ivNeg = (a: Interval): Interval => iv(-a.hi, -a.lo, a.hiOpen, a.loOpen);

/** Product: the hull of the four endpoint products (0 * inf counts as 0). */
export function ivMul(a: Interval, b: Interval): Interval {
  let out: Interval | undefined;
  for (const [x, xo] of [
    [a.lo, a.loOpen],
    [a.hi, a.hiOpen],
  ] as const) {
    for (const [y, yo] of [
      [b.lo, b.loOpen],
      [b.hi, b.hiOpen],
    ] as const) {
      const p = x === 0 || y === 0 ? 0 : x * y;
      // An endpoint product is attained only if both endpoints are (or one factor is an attained 0).
      const open = (x === 0 && !xo) || (y === 0 && !yo) ? false : xo || yo;
      const c = iv(p, p, open, open);
      out = out === undefined ? c : hull(out, c);
    }
  }
  return out!;
}

/** 1/a; the real line when a may contain 0 inside. */
export function ivInv(a: Interval): Interval {
  if (isPositive(a)) return iv(1 / a.hi, a.lo === 0 ? Infinity : 1 / a.lo, a.hiOpen, a.loOpen);
  if (isNegative(a)) return ivNeg(ivInv(ivNeg(a)));
  return REAL;
}

/** Image of a monotone function (increasing or decreasing) over an interval. */
export function ivMonotone(a: Interval, f: (x: number) => number, increasing: boolean): Interval {
  const lo = f(a.lo);
  const hi = f(a.hi);
  return increasing ? iv(lo, hi, a.loOpen, a.hiOpen) : iv(hi, lo, a.hiOpen, a.loOpen);
}

/** a^k for an integer k. */
export function ivPowInt(a: Interval, k: number): Interval {
  if (k === 0) return point(1);
  if (k < 0) return ivInv(ivPowInt(a, -k));
  if (k % 2 === 1) return ivMonotone(a, (x) => x ** k, true);
  if (isNonnegative(a)) return ivMonotone(a, (x) => x ** k, true);
  if (isNonpositive(a)) return ivMonotone(a, (x) => x ** k, false);
  const m = Math.max(-a.lo, a.hi);
  const mOpen = -a.lo > a.hi ? a.loOpen : a.hi > -a.lo ? a.hiOpen : a.loOpen && a.hiOpen;
  return iv(0, m ** k, false, mOpen);
}

/** The real-line image of x^q, x >= 0, for a non-integer q; undefined where a includes negatives. */
export function ivPowReal(a: Interval, q: Interval): Interval {
  if (q.lo === q.hi) {
    const k = q.lo;
    if (Number.isInteger(k)) return ivPowInt(a, k);
    if (k > 0) return ivMonotone(iv(Math.max(0, a.lo), a.hi, a.lo > 0 && a.loOpen, a.hiOpen), (x) => x ** k, true);
    if (isPositive(a)) return ivMonotone(a, (x) => x ** k, false);
    return POSITIVE;
  }
  if (isPositive(a)) return POSITIVE;
  return NONNEGATIVE;
}

export function formatInterval(a: Interval): string {
  if (a.lo === -Infinity && a.hi === Infinity) return 'real';
  const f = (x: number): string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : `${x}`);
  return `${a.loOpen ? '(' : '['}${f(a.lo)}, ${f(a.hi)}${a.hiOpen ? ')' : ']'}`;
}
