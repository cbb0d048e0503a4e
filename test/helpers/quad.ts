/**
 * Independent numerical integration and summation for the tests: double-exponential quadrature
 * (tanh-sinh on finite intervals, exp-sinh on half-lines: the substitution x = a ± exp(π/2·sinh s)
 * maps an infinite range onto the whole s-line) and summation of series over whole numbers.
 *
 * Nothing here uses fisherlab: these are the yardsticks its derivatives are measured with.
 * Integrands are vector-valued so that one pass gives ∫p, ∫p·s1, ∫p·s2, ... together.
 *
 * References: Takahasi & Mori (1974), Double exponential formulas for numerical integration,
 * Publ. RIMS 9, 721-741; Bailey, Jeyabalan & Li (2005), A comparison of three high-precision
 * quadrature schemes, Experimental Mathematics 14, 317-329.
 */

export type VecFn = (x: number) => readonly number[];

export interface QuadResult {
  /** The integral (or sum) of every component. */
  readonly value: number[];
  /** The integral (or sum) of the absolute value of every component: the scale of its error. */
  readonly l1: number[];
  /** Estimated absolute error per component (difference of the last two levels). */
  readonly err: number[];
  /** Number of integrand evaluations. */
  readonly evals: number;
}

export interface QuadOptions {
  /** Interior points where the integrand may have a kink, a peak or a change of scale. */
  readonly points?: readonly number[];
  /** Relative tolerance, measured against the L1 norm of each component (default 1e-10). */
  readonly tol?: number;
  /** Finest level: step 2^-maxLevel in s (default 9). */
  readonly maxLevel?: number;
}

const HALF_PI = Math.PI / 2;

/** A node of a transformed rule: the abscissa x and the weight dx/ds. */
type Node = { x: number; w: number } | undefined;

/** tanh-sinh on (a, b), computed from the distance to the nearer end to keep precision there. */
function tanhSinh(a: number, b: number): { node: (s: number) => Node; sMin: number; sMax: number } {
  const half = (b - a) / 2;
  return {
    sMin: -3.6,
    sMax: 3.6,
    node: (s) => {
      const u = HALF_PI * Math.sinh(s);
      const au = Math.abs(u);
      const e2 = Math.exp(-2 * au);
      const delta = (2 * e2) / (1 + e2); // 1 - tanh|u|
      const ch = Math.cosh(u);
      const w = (half * HALF_PI * Math.cosh(s)) / (ch * ch);
      const x = s < 0 ? a + half * delta : s > 0 ? b - half * delta : a + half;
      if (!(x > a && x < b) || w === 0) return undefined;
      return { x, w };
    },
  };
}

/** exp-sinh on (a, ∞) (sign = +1) or (-∞, a) (sign = -1). */
function expSinh(a: number, sign: 1 | -1): { node: (s: number) => Node; sMin: number; sMax: number } {
  return {
    sMin: -4,
    sMax: 4,
    node: (s) => {
      const u = HALF_PI * Math.sinh(s);
      const d = Math.exp(u);
      const x = a + sign * d;
      const w = HALF_PI * Math.cosh(s) * d;
      if (x === a || !Number.isFinite(x) || !Number.isFinite(w)) return undefined;
      return { x, w };
    },
  };
}

function add(acc: number[], v: readonly number[], k: number, abs: number[]): void {
  for (let i = 0; i < acc.length; i++) {
    const t = v[i]! * k;
    acc[i]! += t;
    abs[i]! += Math.abs(t);
  }
}

function checkFinite(v: readonly number[], x: number, n: number): void {
  if (v.length !== n) throw new Error(`integrand returned ${v.length} components, expected ${n}`);
  for (const y of v) if (!Number.isFinite(y)) throw new Error(`integrand is not finite at x = ${x}: [${v.join(', ')}]`);
}

/** One transformed trapezoidal rule refined level by level until the levels agree. */
function deRule(
  f: VecFn,
  n: number,
  rule: { node: (s: number) => Node; sMin: number; sMax: number },
  tol: number,
  maxLevel: number,
): QuadResult {
  const sum = new Array<number>(n).fill(0);
  const abs = new Array<number>(n).fill(0);
  let evals = 0;
  const visit = (s: number): void => {
    const nd = rule.node(s);
    if (nd === undefined) return;
    const v = f(nd.x);
    evals++;
    checkFinite(v, nd.x, n);
    add(sum, v, nd.w, abs);
  };
  // Level 0: step 1.
  for (let s = Math.ceil(rule.sMin); s <= rule.sMax; s++) visit(s);
  let h = 1;
  let prev = sum.map((x) => x * h);
  let err = prev.map(() => Infinity);
  for (let level = 1; level <= maxLevel; level++) {
    h /= 2;
    // New nodes: odd multiples of h.
    const jMin = Math.ceil(rule.sMin / h);
    const jMax = Math.floor(rule.sMax / h);
    for (let j = jMin; j <= jMax; j++) if (j % 2 !== 0) visit(j * h);
    const cur = sum.map((x) => x * h);
    err = cur.map((c, i) => Math.abs(c - prev[i]!));
    prev = cur;
    if (level >= 4 && err.every((e, i) => e <= tol * Math.max(abs[i]! * h, 1e-300))) {
      return { value: cur, l1: abs.map((x) => x * h), err, evals };
    }
  }
  throw new Error(`quadrature did not converge: value [${prev.join(', ')}], level difference [${err.join(', ')}]`);
}

/**
 * ∫_lo^hi f(x) dx for a vector-valued f; lo may be -Infinity and hi Infinity. The range is split
 * at `points` (kinks, peaks); each piece gets tanh-sinh (finite) or exp-sinh (half-line), so
 * integrable end-point singularities (x^-1/2 at 0) and algebraic tails are handled.
 */
export function integrate(f: VecFn, lo: number, hi: number, options: QuadOptions = {}): QuadResult {
  if (!(lo < hi)) throw new Error(`empty range (${lo}, ${hi})`);
  const tol = options.tol ?? 1e-10;
  const maxLevel = options.maxLevel ?? 9;
  const n = f(Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : Number.isFinite(lo) ? lo + 1 : Number.isFinite(hi) ? hi - 1 : 0).length;
  let cuts = [...new Set((options.points ?? []).filter((p) => p > lo && p < hi))].sort((a, b) => a - b);
  if (cuts.length === 0 && lo === -Infinity && hi === Infinity) cuts = [0];
  const edges = [lo, ...cuts, hi];
  const value = new Array<number>(n).fill(0);
  const l1 = new Array<number>(n).fill(0);
  const err = new Array<number>(n).fill(0);
  let evals = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    const rule = Number.isFinite(a) && Number.isFinite(b) ? tanhSinh(a, b) : Number.isFinite(a) ? expSinh(a, 1) : expSinh(b, -1);
    const r = deRule(f, n, rule, tol, maxLevel);
    for (let k = 0; k < n; k++) {
      value[k]! += r.value[k]!;
      l1[k]! += r.l1[k]!;
      err[k]! += r.err[k]!;
    }
    evals += r.evals;
  }
  return { value, l1, err, evals };
}

/** Scalar convenience form of `integrate`. */
export function integrate1(f: (x: number) => number, lo: number, hi: number, options: QuadOptions = {}): number {
  return integrate((x) => [f(x)], lo, hi, options).value[0]!;
}

/**
 * Σ_{k=lo}^{hi} f(k) over whole numbers; hi may be Infinity. An infinite series is cut once the
 * first component (a probability) no longer increases and every component's terms have stayed
 * below 1e-16 of its running absolute sum for a few steps.
 */
export function sumIntegers(f: (k: number) => readonly number[], lo: number, hi: number, maxTerms = 1_000_000): QuadResult {
  if (!Number.isFinite(lo)) throw new Error('sumIntegers needs a finite lower end');
  let value: number[] | undefined;
  let l1: number[] | undefined;
  let quiet = 0;
  let prev0 = Infinity;
  let evals = 0;
  for (let k = lo; k <= hi; k++) {
    if (evals >= maxTerms) throw new Error(`series did not settle after ${maxTerms} terms`);
    const v = f(k);
    evals++;
    checkFinite(v, k, value?.length ?? v.length);
    value ??= new Array<number>(v.length).fill(0);
    l1 ??= new Array<number>(v.length).fill(0);
    add(value, v, 1, l1);
    if (hi === Infinity) {
      const small = v.every((t, i) => Math.abs(t) <= 1e-16 * l1![i]!);
      const falling = Math.abs(v[0]!) <= prev0;
      quiet = small && falling ? quiet + 1 : 0;
      prev0 = Math.abs(v[0]!);
      if (quiet >= 3) break;
    }
  }
  if (value === undefined || l1 === undefined) throw new Error(`empty range ${lo}..${hi}`);
  return { value, l1, err: value.map(() => 0), evals };
}

/** Σ over a finite list of values. */
export function sumValues(f: (x: number) => readonly number[], values: readonly number[]): QuadResult {
  let value: number[] | undefined;
  let l1: number[] | undefined;
  for (const x of values) {
    const v = f(x);
    checkFinite(v, x, value?.length ?? v.length);
    value ??= new Array<number>(v.length).fill(0);
    l1 ??= new Array<number>(v.length).fill(0);
    add(value, v, 1, l1);
  }
  if (value === undefined || l1 === undefined) throw new Error('no values');
  return { value, l1, err: value.map(() => 0), evals: values.length };
}
