/**
 * Rung 4 of the method ladder: expectations computed numerically at given parameter values —
 * adaptive Gauss–Kronrod quadrature for continuous data, exact summation (with a geometric tail
 * bound) for discrete data, with an error estimate per entry. The total probability is computed
 * alongside, so a log-density that is not normalised is reported instead of silently used.
 */
import { FisherError } from '../expr/errors';
import { compileClosure, evaluate } from '../expr/evaluate';
import type { Expr } from '../expr/expr';
import { integrateVec, sumSeriesVec, type QuadratureVecResult } from '../numeric/quadrature';
import type { Model } from '../lang/model';

/**
 * Numeric expectations E_θ[g_k(x)] with their error estimates (see {@link expectation}).
 *
 * @example
 * const m = parse('x ~ Exponential(lam)');
 * expectation(m, [parseExpr('x'), parseExpr('x^2')], new Map([['lam', 2]])); // → { value: [0.5, 0.5], error: [4.3...e-13, 3.5...e-12], mass: 1.00000000..., method: 'numeric (adaptive Gauss–Kronrod quadrature)', converged: true }
 */
export interface Expectation {
  /** E_θ[g_k], in the order of the expressions. */
  readonly value: number[];
  /** An estimate of each value's absolute error. */
  readonly error: number[];
  /** ∫ p (or Σ p): 1 for a normalised density. */
  readonly mass: number;
  /** The quadrature or summation used. */
  readonly method: string;
  /** False when the quadrature stopped at its budget before reaching the tolerance. */
  readonly converged: boolean;
}

/**
 * The numeric Fisher matrix at a point, with error estimates (see {@link numericFisher}).
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * numericFisher(m, fisher(m).targets, new Map([['lam', 4]])); // → { value: [[0.249999999...]], error: [[4.8...e-13]], method: 'numeric (summation with a tail bound)' }
 */
export interface NumericFisher {
  /** The entries' values. */
  readonly value: number[][];
  /** An estimate of each value's absolute error. */
  readonly error: number[][];
  /** The quadrature or summation used. */
  readonly method: string;
}

/** Budget for an expectation over several finite data values: the number of joint outcomes. */
const MAX_OUTCOMES = 1_000_000;

/**
 * E_θ[g_k(x)] for each expression g_k, at the parameter values in `env`, numerically: adaptive
 * Gauss–Kronrod quadrature for continuous data, exact summation with a tail bound for discrete
 * data (finite joint outcomes for several discrete data), each with an error estimate. The total
 * probability is computed alongside, so a density that is not normalised is reported, not used.
 *
 * @param gs - The expressions, in the data, parameters and covariates.
 * @param env - Values of the parameters and covariates (the model's constants are filled in).
 * @param relTol - The relative tolerance of the quadrature.
 * @param requireNormalised - Throw when the mass is not 1 (default true).
 * @throws {@link FisherError} `bad-value` when the density is not normalised; `support` for data
 *   that cannot be integrated here (several continuous data, a simplex: use Monte Carlo);
 *   `too-large` for too many joint outcomes.
 * @example
 * const m = parse('x ~ Gamma(a, b)');
 * expectation(m, [parseExpr('log(x)')], new Map([['a', 2], ['b', 1]])).value; // → [0.422784335...]
 * expectation(parse('data x in real; param mu in real; logp = -(x - mu)^2/2'), [], new Map([['mu', 0]])); // → throws FisherError (bad-value): the density is not normalised: exp(logp) integrates to 2.5066283 instead of 1 over the support, at mu = 0 (check the normalising constant and the declared support)
 */
export function expectation(m: Model, gs: readonly Expr[], env: ReadonlyMap<string, number>, relTol = 1e-10, requireNormalised = true): Expectation {
  const dim = gs.length + 1;
  const e = new Map(env);
  const logp = compileClosure(m.logp, e);
  const g = gs.map((x) => compileClosure(x, e));
  const point = (out: Float64Array): void => {
    const p = Math.exp(logp());
    out.fill(0);
    if (!(p > 0)) return;
    out[0] = p;
    for (let k = 0; k < gs.length; k++) {
      const gk = g[k]!();
      // Far in the tails a formula may underflow to 0/0 where p itself is negligible.
      out[k + 1] = Number.isFinite(gk) ? p * gk : p < 1e-280 ? 0 : NaN;
    }
  };
  let r: QuadratureVecResult;
  let method: string;
  if (m.data.length === 1) {
    const d = m.data[0]!;
    const x = d.name;
    const bound = (b: Expr): number => evaluate(b, env);
    if (d.support.kind === 'interval') {
      const lo = bound(d.support.lo);
      const hi = bound(d.support.hi);
      // Parameter values inside the range mark likely modes and kinks (x = mu); the smallest
      // positive parameter value is a guess at the width of the mass (sigma), for infinite tails.
      const values = m.params.map((p) => env.get(p.name)!).filter((v) => Number.isFinite(v));
      const breakpoints = [...new Set(values.filter((v) => v > lo && v < hi))].sort((a, b) => a - b);
      const positive = values.filter((v) => v > 0);
      const scale = positive.length > 0 ? Math.min(1e6, Math.max(1e-6, Math.min(...positive))) : 1;
      r = integrateVec((v, out) => {
        e.set(x, v);
        point(out);
      }, dim, lo, hi, { breakpoints, scale, relTol, absTol: 1e-13 });
      method = 'numeric (adaptive Gauss–Kronrod quadrature)';
    } else if (d.support.kind === 'integers') {
      const lo = bound(d.support.lo);
      const hi = bound(d.support.hi);
      r = sumSeriesVec((k, out) => {
        e.set(x, k);
        point(out);
      }, dim, lo, hi, {
        probability: (k) => {
          e.set(x, k);
          return Math.exp(logp());
        },
      });
      method = Number.isFinite(hi) ? 'numeric (exact summation)' : 'numeric (summation with a tail bound)';
    } else if (d.support.kind === 'set') {
      r = sumFinite(d.support.values.map((v) => [[x, evaluate(v, env)]]), e, point, dim);
      method = 'numeric (exact summation)';
    } else throw new FisherError('support', `numeric expectation over a ${d.support.kind} support is not available; use Monte Carlo`);
  } else {
    // Several data values, each on a finite support: sum over every joint outcome.
    const axes = m.data.map((d) => finiteValues(d, env));
    if (axes.some((a) => a === undefined)) {
      throw new FisherError('support', 'numeric expectation over several continuous data values is not available here; use Monte Carlo');
    }
    const count = axes.reduce((n, a) => n * a!.length, 1);
    if (count > MAX_OUTCOMES) throw new FisherError('too-large', `summing over ${count} joint outcomes is too many`);
    let outcomes: Array<Array<[string, number]>> = [[]];
    m.data.forEach((d, i) => {
      outcomes = outcomes.flatMap((o) => axes[i]!.map((v) => [...o, [d.name, v] as [string, number]]));
    });
    r = sumFinite(outcomes, e, point, dim);
    method = 'numeric (exact summation)';
  }
  const value = Array.from(r.value);
  const mass = value[0]!;
  // Not normalised: off by more than the tolerance and by more than the integration error could explain.
  if (requireNormalised && !(Math.abs(mass - 1) <= Math.max(1e-6, 10 * r.error[0]!))) {
    const at = [...env].map(([k, v]) => `${k} = ${v}`).join(', ');
    throw new FisherError('bad-value', `the density is not normalised: exp(logp) ${m.data.some((d) => d.support.kind === 'interval') ? 'integrates' : 'sums'} to ${mass.toPrecision(8)} instead of 1 over the support, at ${at} (check the normalising constant and the declared support)`);
  }
  return { value: value.slice(1), error: Array.from(r.error).slice(1), mass, method, converged: r.converged };
}

function finiteValues(d: Model['data'][number], env: ReadonlyMap<string, number>): number[] | undefined {
  if (d.support.kind === 'set') return d.support.values.map((v) => evaluate(v, env));
  if (d.support.kind === 'integers') {
    const lo = evaluate(d.support.lo, env);
    const hi = evaluate(d.support.hi, env);
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi - lo > MAX_OUTCOMES) return undefined;
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  return undefined;
}

function sumFinite(outcomes: Array<Array<[string, number]>>, e: Map<string, number>, point: (out: Float64Array) => void, dim: number): QuadratureVecResult {
  const value = new Float64Array(dim);
  const comp = new Float64Array(dim);
  const abs = new Float64Array(dim);
  const out = new Float64Array(dim);
  for (const o of outcomes) {
    for (const [k, v] of o) e.set(k, v);
    point(out);
    for (let j = 0; j < dim; j++) {
      // Neumaier summation.
      const t = value[j]! + out[j]!;
      comp[j]! += Math.abs(value[j]!) >= Math.abs(out[j]!) ? value[j]! - t + out[j]! : out[j]! - t + value[j]!;
      value[j] = t;
      abs[j]! += Math.abs(out[j]!);
    }
  }
  for (let j = 0; j < dim; j++) value[j]! += comp[j]!;
  // Exact in the summation, not in the terms: each is computed in doubles to a few ulps, the
  // same 50ε of Σ|term| that the quadrature charges its nodes (QUADPACK's rounding floor).
  const error = abs.map((a) => 50 * 2.220446049250313e-16 * a);
  return { value, error, evals: outcomes.length, converged: true, nonFinite: 0 };
}

/**
 * Rung 4 of the ladder: every entry E_θ[target_ij] of a Fisher matrix at a point, by
 * {@link expectation}. Pass it as {@link FisherOptions.numeric} so that {@link fisher} gives numbers
 * for the entries without a closed form.
 *
 * @param targets - What each entry is the expectation of ({@link FisherResult.targets}).
 * @param env - Values of the parameters and covariates.
 * @throws {@link FisherError} as {@link expectation}.
 * @example
 * const m = parse('data x in real; param w in (0, 1); logp = log(w*exp(-x^2/2) + (1 - w)*exp(-(x - 1)^2/2)) - log(2*pi)/2');
 * numericFisher(m, fisher(m).targets, new Map([['w', 0.3]])).value; // → [[0.875332739...]]
 */
export function numericFisher(m: Model, targets: ReadonlyArray<ReadonlyArray<Expr>>, env: ReadonlyMap<string, number>): NumericFisher {
  const n = targets.length;
  const upper: Expr[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) upper.push(targets[i]![j]!);
  const r = expectation(m, upper, env);
  const value = targets.map(() => new Array<number>(n).fill(0));
  const error = targets.map(() => new Array<number>(n).fill(0));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      value[i]![j] = value[j]![i] = r.value[k]!;
      error[i]![j] = error[j]![i] = r.error[k]!;
      k++;
    }
  }
  return { value, error, method: r.converged ? r.method : `${r.method}, not converged` };
}
