/**
 * Rung 2b of the method ladder: an exponential family recognised by its support, statistics and
 * base measure — never by a family's name. The log-density is split as
 *
 *   ℓ(x; θ) = Σ_k η_k(θ) T_k(x) + log h(x) − A(η(θ)),
 *
 * and matched against the full families below, each given by its support, its statistics T and
 * base measure h, and its log-partition A(η) in natural coordinates. Then E[T_k] = ∂A/∂η_k and
 * E[T_j T_k] = ∂²A/∂η_j∂η_k + E[T_j] E[T_k], at η = η(θ). This reaches curved families, where the
 * score identity has fewer equations than statistics (N(θ, θ) as a sub-family of the normal).
 */
import { diff } from '../expr/diff';
import { evaluate } from '../expr/evaluate';
import { ONE, ZERO, add, mul, num, substitute, sym, symbols, type Expr } from '../expr/expr';
import { simplify } from '../expr/simplify';
import type { SymbolRanges } from '../expr/range';
import type { Declaration, Model } from '../lang/model';
import { parseExpr } from '../lang/parse';
import { linearize } from './linearize';

interface FullFamily {
  readonly name: string;
  readonly support: (d: Declaration) => boolean;
  /** Statistics, in the data symbol X. */
  readonly stats: readonly string[];
  /** log h(X); may use N, the upper end of the support. */
  readonly base: string;
  /** A(eta1, eta2, ...), up to a constant. */
  readonly A: string;
}

const isInterval = (d: Declaration, lo: number, hi: number): boolean => d.support.kind === 'interval' && d.range.lo === lo && d.range.hi === hi;
const isIntegers = (d: Declaration, lo: number, hi?: number): boolean => d.support.kind === 'integers' && d.range.lo === lo && (hi === undefined ? Number.isFinite(d.range.hi) : d.range.hi === hi);

/** Full exponential families and their log-partitions (Brown 1986, Fundamentals of Statistical Exponential Families, ch. 1). */
const FULL: FullFamily[] = [
  { name: 'normal', support: (d) => isInterval(d, -Infinity, Infinity), stats: ['X', 'X^2'], base: '0', A: '-eta1^2/(4*eta2) - log(-2*eta2)/2' },
  { name: 'gamma', support: (d) => isInterval(d, 0, Infinity), stats: ['X', 'log(X)'], base: '0', A: 'lgamma(eta2 + 1) - (eta2 + 1)*log(-eta1)' },
  { name: 'inverse gamma', support: (d) => isInterval(d, 0, Infinity), stats: ['1/X', 'log(X)'], base: '0', A: 'lgamma(-eta2 - 1) + (eta2 + 1)*log(-eta1)' },
  { name: 'inverse Gaussian', support: (d) => isInterval(d, 0, Infinity), stats: ['X', '1/X'], base: '-3*log(X)/2', A: '-2*sqrt(eta1*eta2) - log(-2*eta2)/2' },
  { name: 'log-normal', support: (d) => isInterval(d, 0, Infinity), stats: ['log(X)', 'log(X)^2'], base: '-log(X)', A: '-eta1^2/(4*eta2) - log(-2*eta2)/2' },
  { name: 'beta', support: (d) => isInterval(d, 0, 1), stats: ['log(X)', 'log(1 - X)'], base: '0', A: 'lgamma(eta1 + 1) + lgamma(eta2 + 1) - lgamma(eta1 + eta2 + 2)' },
  { name: 'Poisson', support: (d) => isIntegers(d, 0, Infinity), stats: ['X'], base: '-lfact(X)', A: 'exp(eta1)' },
  { name: 'geometric', support: (d) => isIntegers(d, 0, Infinity), stats: ['X'], base: '0', A: '-log(1 - exp(eta1))' },
  { name: 'binomial', support: (d) => isIntegers(d, 0) || (d.support.kind === 'set' && d.range.lo === 0 && d.range.hi === 1), stats: ['X'], base: 'lchoose(N, X)', A: 'N*log(1 + exp(eta1))' },
];

export interface ExpFamilyMoments {
  readonly family: string;
  /** E[atom] for the statistics, their squares and pairwise products. */
  readonly moments: Map<Expr, Expr>;
}

const X = /* @__PURE__ */ sym('X');
const N = /* @__PURE__ */ sym('N');

/**
 * Moments of the data under the model, when it is a sub-family of a full exponential family in
 * the table; undefined otherwise.
 */
export function exponentialFamilyMoments(m: Model, ranges: SymbolRanges, points: ReadonlyArray<ReadonlyMap<string, number>>): ExpFamilyMoments | undefined {
  if (m.data.length !== 1) return undefined;
  const d = m.data[0]!;
  const params = m.params.map((p) => p.name);
  const lin = linearize(m.logp, [d.name]);
  for (const a of lin.keys()) if (params.some((p) => symbols(a).has(p))) return undefined;
  const n = d.support.kind === 'integers' ? d.support.hi : d.support.kind === 'set' ? ONE : ZERO;
  for (const fam of FULL) {
    if (!fam.support(d)) continue;
    const toData = new Map([[X.name, sym(d.name)], [N.name, n]]);
    const stats = fam.stats.map((t) => substitute(parseExpr(t), toData));
    const eta: Expr[] = stats.map(() => ZERO);
    const rest: Expr[] = [];
    let fits = true;
    for (const [atom, c] of lin) {
      if (atom === ONE) continue;
      const k = stats.indexOf(atom);
      if (k >= 0) eta[k] = add(eta[k]!, c);
      else if (params.some((p) => symbols(c).has(p))) fits = false; // a θ-dependent term outside the statistics
      else rest.push(mul(c, atom));
    }
    if (!fits) continue;
    // The rest must be the family's base measure, up to a constant in x.
    const base = substitute(parseExpr(fam.base), toData);
    if (!sameUpToConstant(add(...rest), base, d.name, m, points)) continue;
    if (!eta.some((e) => params.some((p) => symbols(e).has(p)))) continue;
    // Moments from the log-partition at η(θ).
    const etaSyms = fam.stats.map((_, k) => `eta${k + 1}`);
    const A = substitute(parseExpr(fam.A), new Map([[N.name, n]]));
    const at = new Map(etaSyms.map((s, k) => [s, eta[k]!]));
    const grad = etaSyms.map((s) => diff(A, s));
    const mean = grad.map((g) => simplify(substitute(g, at), { ranges }));
    const moments = new Map<Expr, Expr>();
    stats.forEach((t, k) => moments.set(t, mean[k]!));
    for (let j = 0; j < stats.length; j++) {
      for (let k = j; k < stats.length; k++) {
        const second = add(substitute(diff(grad[j]!, etaSyms[k]!), at), mul(mean[j]!, mean[k]!));
        moments.set(mul(stats[j]!, stats[k]!), simplify(second, { ranges }));
      }
    }
    return { family: fam.name, moments };
  }
  return undefined;
}

/** Is a − b the same number at several data values (for the parameter points given)? */
function sameUpToConstant(a: Expr, b: Expr, x: string, m: Model, points: ReadonlyArray<ReadonlyMap<string, number>>): boolean {
  const diffExpr = simplify(add(a, mul(num(-1), b)));
  if (!symbols(diffExpr).has(x)) return true;
  const d = m.data[0]!;
  const xs = d.support.kind === 'interval' ? (d.range.hi === 1 ? [0.13, 0.41, 0.77] : [0.3, 1.7, 4.2]).map((v) => (d.range.lo === -Infinity ? v - 2 : v)) : [0, 1, 2, 3];
  const env = new Map(points[0] ?? []);
  const values = xs.map((v) => {
    env.set(x, v);
    try {
      return evaluate(diffExpr, env);
    } catch {
      return NaN;
    }
  });
  return values.every((v) => Number.isFinite(v) && Math.abs(v - values[0]!) <= 1e-10 * Math.max(1, Math.abs(v)));
}

