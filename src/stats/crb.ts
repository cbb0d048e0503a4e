/**
 * The Cramér–Rao bound, and the small-matrix algebra it needs (shared by the other verbs of this
 * stage): for n independent observations, every unbiased estimator T of θ has
 * Cov(T) ⪰ F(θ)⁻¹/n, and of a smooth function g(θ), Var(T) ≥ ∇gᵀ F⁻¹ ∇g / n
 * (Lehmann & Casella 1998, Theory of Point Estimation, Th. 2.6.2 and 2.6.6).
 *
 * The inverse and the determinant are symbolic where F has a closed form — Laplace expansion
 * along the sparsest row, cofactors over the determinant, the blocks of a block-diagonal matrix
 * inverted separately — and numeric (Gauss–Jordan with partial pivoting) at given values.
 */
import { diff } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { ONE, ZERO, add, call, div, dependsOn, mapBottomUp, mul, neg, num, pow, sub, subexpressions, symbols, type Expr } from '../expr/expr';
import { printExpr } from '../expr/print';
import type { SymbolRanges } from '../expr/range';
import { rationalForm } from '../expr/rationalform';
import { simplify, tidy } from '../expr/simplify';
import { supportSymbols, type Model } from '../lang/model';
import { parseExpr } from '../lang/parse';
import { constantValues, modelRanges } from '../fisher/derivatives';
import { fisher, type FisherOptions, type FisherResult } from '../fisher/fisher';
import { parameterPoints, vanishesAt } from '../fisher/points';
import { nullSpace, symmetricEigen } from './linalg';

// ---------------------------------------------------------------------------------------------
// Symbolic matrices.

/** Largest matrix handled symbolically (Laplace expansion is factorial in the size of a dense block). */
const MAX_SYMBOLIC = 6;

/**
 * A small symbolic matrix: rows of expressions (a Fisher matrix, a Jacobian).
 *
 * @example
 * const F = fisher(parse('x ~ Gamma(a, b)')).matrix;
 * symbolicDeterminant(F); // → (a*trigamma(a) - 1)/b^2
 */
export type Matrix = ReadonlyArray<ReadonlyArray<Expr>>;

/**
 * Simplify a final entry under the declared domains: the shortest printed of the simplified form,
 * the tidy form and one cancelled fraction (sin² u = 1 − cos² u first where both appear).
 */
export function finalise(e: Expr, ranges?: SymbolRanges): Expr {
  const opts = ranges !== undefined ? { ranges } : {};
  const s = simplify(pythagorean(e), opts);
  const t = tidy(s, opts);
  const r1 = rationalForm(t);
  const r = r1 === undefined ? undefined : (rationalForm(pythagorean(r1)) ?? r1);
  const candidates = [s, t, distributed(s), ...(r !== undefined && r !== t ? [tidy(r, opts)] : [])];
  let best = candidates[0]!;
  for (const c of candidates) if (cost(c) < cost(best)) best = c;
  return best;
}

/** Printed length, with a little extra for a sum wrapped in a coefficient: −(a + b)/4 reads worse than −a/4 − b/4. */
function cost(e: Expr): number {
  const text = printExpr(e);
  const wrapped = e.kind === 'mul' && e.factors.length === 2 && e.factors[0]!.kind === 'num' && e.factors[1]!.kind === 'add';
  return text.length + (wrapped ? 3 : 0) + (text.startsWith('-(') ? 3 : 0);
}

/** c·(a + b)·rest as c·a·rest + c·b·rest. */
function distributed(e: Expr): Expr {
  if (e.kind !== 'mul' || e.factors[0]!.kind !== 'num') return e;
  const k = e.factors.findIndex((f) => f.kind === 'add');
  if (k < 0) return e;
  const rest = e.factors.filter((_, i) => i !== k);
  return add(...(e.factors[k] as Extract<Expr, { kind: 'add' }>).terms.map((t) => mul(t, ...rest)));
}

/** sin(u)^n = sin(u)^(n mod 2) (1 − cos(u)^2)^⌊n/2⌋ where cos(u) appears too, so that sin² + cos² cancels to 1. */
function pythagorean(e: Expr): Expr {
  const cosArgs = new Set<Expr>();
  for (const n of subexpressions(e)) if (n.kind === 'call' && n.fn === 'cos') cosArgs.add(n.args[0]!);
  if (cosArgs.size === 0) return e;
  return mapBottomUp(e, (_n, r) => {
    if (r.kind !== 'pow' || r.base.kind !== 'call' || r.base.fn !== 'sin' || !cosArgs.has(r.base.args[0]!)) return r;
    if (r.exp.kind !== 'num' || r.exp.value.d !== 1n || r.exp.value.n < 2n) return r;
    const k = r.exp.value.n / 2n;
    return mul(pow(r.base, num(r.exp.value.n % 2n)), pow(sub(ONE, pow(call('cos', r.base.args), num(2))), num(k)));
  });
}

/**
 * The determinant of a small symbolic matrix, expanded along the row or column with the most
 * zeros (block by block) and simplified under `ranges`. Exported as `symbolicDeterminant`.
 *
 * @param ranges - The symbols' intervals, for simplification.
 * @throws {@link FisherError} `too-large` for a dense block larger than 6 × 6.
 * @example
 * symbolicDeterminant([[sym('a'), num(1)], [num(1), sym('b')]]); // → a*b - 1
 * symbolicDeterminant(fisher(parse('x ~ Normal(mu, sigma)')).matrix); // → 2/sigma^4
 */
export function determinant(a: Matrix, ranges?: SymbolRanges): Expr {
  if (a.length > MAX_SYMBOLIC && blocks(a).some((b) => b.length > MAX_SYMBOLIC)) {
    throw new FisherError('too-large', `a symbolic determinant of a dense ${a.length}×${a.length} matrix is too large; give values with --at`);
  }
  const all = a.map((_, i) => i);
  // Expanded and cancelled first: the determinant reads as a sum of products, as a textbook prints it.
  const d = expand(a, all, all, new Map());
  return tidy(rationalForm(d) ?? d, ranges !== undefined ? { ranges } : {});
}

/** Laplace expansion of the minor on `rows` × `cols`, memoised by the minor. */
function expand(a: Matrix, rows: readonly number[], cols: readonly number[], memo: Map<string, Expr>): Expr {
  if (rows.length === 0) return ONE;
  if (rows.length === 1) return a[rows[0]!]![cols[0]!]!;
  const key = `${rows.join(',')}|${cols.join(',')}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  // The sparsest line: a row (or a column) with the most zero entries.
  const zerosInRow = rows.map((r) => cols.filter((c) => a[r]![c] === ZERO).length);
  const zerosInCol = cols.map((c) => rows.filter((r) => a[r]![c] === ZERO).length);
  const bestRow = zerosInRow.indexOf(Math.max(...zerosInRow));
  const bestCol = zerosInCol.indexOf(Math.max(...zerosInCol));
  const terms: Expr[] = [];
  if (zerosInRow[bestRow]! >= zerosInCol[bestCol]!) {
    const r = rows[bestRow]!;
    const rest = rows.filter((x) => x !== r);
    cols.forEach((c, j) => {
      const e = a[r]![c]!;
      if (e === ZERO) return;
      const minor = expand(a, rest, cols.filter((x) => x !== c), memo);
      terms.push((bestRow + j) % 2 === 0 ? mul(e, minor) : neg(mul(e, minor)));
    });
  } else {
    const c = cols[bestCol]!;
    const rest = cols.filter((x) => x !== c);
    rows.forEach((r, i) => {
      const e = a[r]![c]!;
      if (e === ZERO) return;
      const minor = expand(a, rows.filter((x) => x !== r), rest, memo);
      terms.push((bestCol + i) % 2 === 0 ? mul(e, minor) : neg(mul(e, minor)));
    });
  }
  const d = add(...terms);
  memo.set(key, d);
  return d;
}

/** Index sets of the diagonal blocks of a matrix (connected components of its non-zero pattern). */
function blocks(a: Matrix): number[][] {
  const n = a.length;
  const seen = new Array<boolean>(n).fill(false);
  const out: number[][] = [];
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    const block: number[] = [];
    const stack = [s];
    seen[s] = true;
    while (stack.length > 0) {
      const i = stack.pop()!;
      block.push(i);
      for (let j = 0; j < n; j++) {
        if (!seen[j] && (a[i]![j] !== ZERO || a[j]![i] !== ZERO)) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    out.push(block.sort((x, y) => x - y));
  }
  return out;
}

/**
 * Options of `symbolicInverse`.
 *
 * @example
 * symbolicInverse([[sym('a'), sym('a')], [sym('a'), sym('a')]], { isZero: (e) => simplify(e) === num(0) }); // → undefined
 */
export interface InverseOptions {
  /** The symbols' intervals, for simplification. */
  readonly ranges?: SymbolRanges;
  /** Decides whether a determinant vanishes identically (default: only the literal 0). */
  readonly isZero?: (e: Expr) => boolean;
}

/**
 * The inverse of a small symbolic matrix (cofactors over the determinant, block by block),
 * simplified; `undefined` when the matrix is singular (its determinant vanishes identically).
 * Exported as `symbolicInverse`.
 *
 * @throws {@link FisherError} `too-large` for a dense block larger than 6 × 6.
 * @example
 * printMatrix(symbolicInverse([[sym('a'), num(0)], [num(0), sym('b')]])); // → '[[1/a, 0], [0, 1/b]]'
 * const m = parse('x ~ Gamma(k, b)');
 * symbolicInverse(fisher(m).matrix, { ranges: modelRanges(m) }); // → [[k/(k*trigamma(k) - 1), b/(k*trigamma(k) - 1)], [b/(k*trigamma(k) - 1), b^2*trigamma(k)/(k*trigamma(k) - 1)]]
 * symbolicInverse([[num(1), num(2)], [num(2), num(4)]]); // → undefined
 */
export function inverse(a: Matrix, options: InverseOptions = {}): Expr[][] | undefined {
  const n = a.length;
  const isZero = options.isZero ?? ((e: Expr) => e === ZERO);
  const out: Expr[][] = a.map(() => new Array<Expr>(n).fill(ZERO));
  for (const b of blocks(a)) {
    if (b.length > MAX_SYMBOLIC) throw new FisherError('too-large', `a symbolic inverse of a dense ${b.length}×${b.length} block is too large; give values with --at`);
    const sub = b.map((i) => b.map((j) => a[i]![j]!));
    const det = determinant(sub, options.ranges);
    if (isZero(det)) return undefined;
    const idx = b.map((_, i) => i);
    const memo = new Map<string, Expr>();
    b.forEach((bi, i) => {
      b.forEach((bj, j) => {
        // (A⁻¹)_ij = (−1)^(i+j) M_ji / det A, M_ji the minor without row j and column i.
        const minor = expand(sub, idx.filter((x) => x !== j), idx.filter((x) => x !== i), memo);
        const cof = (i + j) % 2 === 0 ? minor : neg(minor);
        out[bi]![bj] = finalise(div(cof, det), options.ranges);
      });
    });
  }
  return out;
}

/** The transpose. */
export const transpose = <T>(a: ReadonlyArray<ReadonlyArray<T>>): T[][] => (a.length === 0 ? [] : a[0]!.map((_, j) => a.map((r) => r[j]!)));

/** Jᵀ M J for a symmetric M, simplified: the Fisher matrix carried through a change of coordinates. */
export function congruence(m: Matrix, j: Matrix, ranges?: SymbolRanges): Expr[][] {
  const d = j[0]?.length ?? 0;
  const out: Expr[][] = Array.from({ length: d }, () => new Array<Expr>(d).fill(ZERO));
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const terms: Expr[] = [];
      for (let i = 0; i < m.length; i++) for (let k = 0; k < m.length; k++) terms.push(mul(j[i]![p]!, m[i]![k]!, j[k]![q]!));
      out[p]![q] = out[q]![p] = finalise(add(...terms), ranges);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numeric matrices.

/**
 * The inverse of a small numeric matrix by Gauss–Jordan elimination with partial pivoting;
 * `undefined` when a pivot falls below 1e-12 of the largest entry (numerically singular).
 * @example inverseNumeric([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function inverseNumeric(a: readonly (readonly number[])[]): number[][] | undefined {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...a.map((_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(...a.flat().map(Math.abs));
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (!(Math.abs(m[p]![c]!) > 1e-12 * scale)) return undefined;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pv = m[c]![c]!;
    for (let k = 0; k < 2 * n; k++) m[c]![k]! /= pv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f === 0) continue;
      for (let k = 0; k < 2 * n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((r) => r.slice(n));
}

/** The determinant of a small numeric matrix (elimination with partial pivoting). */
export function determinantNumeric(a: readonly (readonly number[])[]): number {
  const n = a.length;
  const m = a.map((r) => [...r]);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (m[p]![c] === 0) return 0;
    if (p !== c) {
      [m[c], m[p]] = [m[p]!, m[c]!];
      det = -det;
    }
    det *= m[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return det;
}

// ---------------------------------------------------------------------------------------------
// The Cramér–Rao bound.

/**
 * Options of {@link crb}.
 *
 * @example
 * crb(parse('x ~ Poisson(lam)'), { n: 25, at: new Map([['lam', 5]]) }).value; // → [[0.2]]
 */
export interface CrbOptions {
  /** Number of independent observations (default 1). */
  readonly n?: number;
  /** A function g(θ) of the parameters to bound (text in the model's names, or an expression). */
  readonly target?: string | Expr;
  /** Parameter values at which to evaluate the bound. */
  readonly at?: ReadonlyMap<string, number>;
  /** Numeric rung of the ladder for entries without a closed form (with `at`). */
  readonly numeric?: FisherOptions['numeric'];
}

/**
 * The Cramér–Rao bound for a function g(θ) of the parameters: Var ĝ ≥ ∇gᵀ F⁻¹ ∇g / n.
 *
 * @example
 * crb(parse('x ~ Normal(mu, sigma)'), { n: 10, target: 'sigma^2', at: new Map([['mu', 0], ['sigma', 2]]) }).target; // → { expr: sigma^2, gradient: [0, 2*sigma], bound: sigma^4/5, value: 3.2 }
 */
export interface CrbTarget {
  /** g(θ). */
  readonly expr: Expr;
  /** ∇g in the parameters' order. */
  readonly gradient: Expr[];
  /** ∇gᵀ F⁻¹ ∇g / n in closed form, or null. */
  readonly bound: Expr | null;
  /** The bound's number at `at`. */
  readonly value?: number;
}

/**
 * The Cramér–Rao bound Cov θ̂ ⪰ F⁻¹/n for unbiased estimators (see {@link crb}).
 *
 * @example
 * const r = crb(parse('x ~ Gamma(k, b)'), { n: 100 });
 * [r.params, r.n, r.fisher.method]; // → [['k', 'b'], 100, 'constant in the data']
 * r.inverse; // → [[k/(k*trigamma(k) - 1), b/(k*trigamma(k) - 1)], [b/(k*trigamma(k) - 1), b^2*trigamma(k)/(k*trigamma(k) - 1)]]
 */
export interface CrbResult {
  /** The parameters, in order. */
  readonly params: string[];
  /** The number of independent observations. */
  readonly n: number;
  /** The Fisher matrix of one observation. */
  readonly fisher: FisherResult;
  /** F⁻¹ (one observation) in closed form, or null where F has none. */
  readonly inverse: Expr[][] | null;
  /** F⁻¹/n in closed form, or null. */
  readonly bound: Expr[][] | null;
  /** The bound for g(θ), with `target`. */
  readonly target?: CrbTarget;
  /** The bound's numbers at `at`. */
  readonly value?: number[][];
}

/**
 * The Cramér–Rao lower bound for unbiased estimators from n independent observations:
 * Cov θ̂ ⪰ F⁻¹/n (a symbolic inverse, simplified), and for a function of the parameters
 * Var ĝ ≥ ∇gᵀ F⁻¹ ∇g / n; numbers at `at` (numerically where F has no closed form, with `numeric`).
 *
 * @throws {@link FisherError} `support` when the support depends on a parameter (the bound does
 *   not apply); `domain` when F is singular (no finite bound); `bad-option` for n not a whole
 *   number ≥ 1; `syntax`, `unknown-name` for a target that does not parse or names something else.
 * @example
 * printMatrix(crb(parse('x ~ Normal(mu, sigma)'), { n: 10 }).bound); // → '[[sigma^2/10, 0], [0, sigma^2/20]]'
 * crb(parse('x ~ Bernoulli(p)'), { target: 'p/(1-p)' }).target.bound; // → p/(1 - p)^3
 * crb(parse('x ~ Uniform(0, theta)')); // → throws FisherError (support): the Cramér–Rao bound does not apply: the support (0, theta) of x depends on theta, so the regularity conditions fail (the likelihood is not differentiable where the support ends, and estimators such as max(x) beat the 1/n rate)
 */
export function crb(m: Model, options: CrbOptions = {}): CrbResult {
  const n = options.n ?? 1;
  if (!(Number.isInteger(n) && n >= 1)) throw new FisherError('bad-option', `the number of observations must be a whole number of at least 1, got ${n}`);
  const irregular = m.params.map((p) => p.name).filter((p) => m.data.some((d) => supportSymbols(d.support).includes(p)));
  if (irregular.length > 0) {
    const d = m.data.find((x) => irregular.some((p) => supportSymbols(x.support).includes(p)))!;
    throw new FisherError('support', `the Cramér–Rao bound does not apply: the support ${d.label} of ${d.name} depends on ${irregular.join(' and ')}, so the regularity conditions fail (the likelihood is not differentiable where the support ends, and estimators such as max(x) beat the 1/n rate)`);
  }
  const ranges = modelRanges(m);
  const at = options.at;
  const f = fisher(m, { ...(at !== undefined ? { at } : {}), ...(options.numeric !== undefined ? { numeric: options.numeric } : {}) });
  const params = f.params;
  const target = options.target === undefined ? undefined : targetExpr(m, options.target);
  const points = parameterPoints(m, 4, 777);
  // The point a singular matrix is shown at: the user's, else the first random one.
  const shown = at !== undefined ? new Map([...points[0]!, ...constantValues(m), ...at]) : points[0]!;

  let inv: Expr[][] | null = null;
  if (f.closedForm) {
    const closed = f.matrix as Expr[][];
    const numericAt = (p: ReadonlyMap<string, number>): number[][] => closed.map((row) => row.map((e) => evaluate(e, p)));
    // Singular everywhere: a null direction at every random point (numerically, relative to ‖F‖),
    // or a determinant that simplifies to 0 or vanishes at the points.
    const isZero = (e: Expr): boolean => e === ZERO || vanishesAt(e, points) || points.every((p) => nullSpace(numericAt(p)).length > 0);
    const r = inverse(closed, { ranges, isZero });
    if (r === undefined) throw singularAt(m, numericAt(shown), shown, true);
    inv = r;
  }
  const scale = (e: Expr): Expr => finalise(n === 1 ? e : div(e, num(n)), ranges);
  const bound = inv === null ? null : inv.map((row) => row.map(scale));

  let value: number[][] | undefined;
  if (at !== undefined && f.value !== undefined) {
    const vi = inverseNumeric(f.value);
    if (vi === undefined) throw singularAt(m, f.value, shown);
    value = vi.map((row) => row.map((x) => x / n));
  }

  let tgt: CrbTarget | undefined;
  if (target !== undefined) {
    const gradient = params.map((p) => tidy(diff(target, p), { ranges }));
    const tb = inv === null ? null : scale(add(...gradient.flatMap((gi, i) => gradient.map((gj, j) => mul(gi, inv![i]![j]!, gj)))));
    let tv: number | undefined;
    if (value !== undefined && at !== undefined) {
      const env = new Map([...constantValues(m), ...at]);
      const g = gradient.map((e) => evaluate(e, env));
      tv = g.reduce((s, gi, i) => s + g.reduce((t, gj, j) => t + gi * value![i]![j]! * gj, 0), 0);
    }
    tgt = { expr: target, gradient, bound: tb, ...(tv !== undefined ? { value: tv } : {}) };
  }
  return { params, n, fisher: f, inverse: inv, bound, ...(tgt !== undefined ? { target: tgt } : {}), ...(value !== undefined ? { value } : {}) };
}

/** g(θ) from text or an expression: it must use the model's parameters (and constants) only. */
function targetExpr(m: Model, t: string | Expr): Expr {
  const e = typeof t === 'string' ? parseExpr(t) : t;
  const params = new Set(m.params.map((p) => p.name));
  for (const s of symbols(e)) {
    const d = m.symbols.get(s);
    if (d === undefined && !['pi', 'e', 'euler_gamma'].includes(s)) throw new FisherError('unknown-name', `the function to bound uses '${s}', which is not a parameter of the model (its parameters: ${[...params].join(', ')})`);
    if (d !== undefined && (d.role === 'data' || d.role === 'given')) throw new FisherError('bad-value', `the function to bound must depend on the parameters only, but it uses the ${d.role === 'data' ? 'data' : 'covariate'} '${s}'`);
  }
  if (![...params].some((p) => dependsOn(e, p))) throw new FisherError('bad-value', `${printExpr(e)} does not depend on the parameters: its variance bound is 0`);
  return e;
}

/**
 * A singular Fisher matrix: name the directions of the parameters that one observation cannot
 * see, at the point `at` (parameters and covariates): a basis of F's null space,
 * each vector checked to satisfy ‖F v‖ ≤ 1e-9 ‖F‖ before it is printed.
 */
function singularAt(m: Model, v: readonly (readonly number[])[], at: ReadonlyMap<string, number>, identically = false): FisherError {
  const params = m.params.map((p) => p.name);
  const shownNames = [...params, ...m.givens.map((g) => g.name)];
  const show = shownNames.filter((k) => at.has(k)).map((k) => `${k} = ${Number(at.get(k)!.toPrecision(6))}`).join(', ');
  const basis = nullSpace(v);
  const vec = (d: readonly number[]): string => `(${d.map((x) => Number(x.toFixed(4))).join(', ')})`;
  const names = `(${params.join(', ')})`;
  let what: string;
  if (basis.length === 0) {
    const { values } = symmetricEigen(v);
    const norm = Math.max(...values.map(Math.abs));
    what = `its smallest eigenvalue is ${Number(values[0]!.toPrecision(3))} against a largest of ${Number(norm.toPrecision(3))}`;
  } else if (basis.length === 1) {
    what = `F·v = 0 for v = ${vec(basis[0]!)} in ${names}, a direction the data carry no information about`;
  } else {
    what = `F·v = 0 for every v in the ${basis.length}-dimensional span of ${basis.map(vec).join(', ')} in ${names}, directions the data carry no information about`;
  }
  return identically
    ? new FisherError('bad-value', `the Fisher matrix is singular (its determinant vanishes identically), so no unbiased estimator of ${names} has a finite Cramér–Rao bound; the parameters are not identifiable from one observation: at ${show}, ${what}`)
    : new FisherError('bad-value', `the Fisher matrix is singular at ${show}, so no unbiased estimator of ${names} has a finite Cramér–Rao bound there: ${what}${basis.length > 0 ? ' at that point' : ''}`);
}
