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

export interface Expectation {
  readonly value: number[];
  readonly error: number[];
  /** ∫ p (or Σ p): 1 for a normalised density. */
  readonly mass: number;
  readonly method: string;
  readonly converged: boolean;
}

/** What the numeric rung returns to `fisher`: values and error estimates for every entry. */
export interface NumericFisher {
  readonly value: number[][];
  readonly error: number[][];
  readonly method: string;
}

/** Budget for an expectation over several finite data values: the number of joint outcomes. */
const MAX_OUTCOMES = 1_000_000;

/**
 * E_θ[g_k(x)] for each expression g_k, at the parameter values in `env` (constants included).
 * @throws FisherError when the density is not normalised or the data cannot be integrated here.
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

/** The numeric rung for `fisher`: every target entry's expectation at the point. */
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
