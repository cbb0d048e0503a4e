/**
 * Seeded random points inside a model's declared domains, for deciding claims: parameters (and
 * covariates, and data for the score and Hessian) drawn inside their supports in declaration
 * order (so a support bound may be an earlier parameter), each value a small-denominator rational
 * so that rational expressions can be evaluated exactly, and points where the log-density is not
 * defined for some data value (p1 + p2 > 1 for a categorical) left out.
 */
import { evaluate } from '../expr/evaluate';
import { iv } from '../expr/interval';
import { qtoNumber, rat, type Rational } from '../expr/rational';
import type { Declaration, Model } from '../lang/model';
import { inside } from '../fisher/points';
import { Rng } from '../numeric/random';
import { exactValue } from './exact';

/** One point: every symbol's value as a float, and as an exact rational where it has one. */
export interface SamplePoint {
  readonly float: ReadonlyMap<string, number>;
  readonly exact: ReadonlyMap<string, Rational>;
}

const DENOMINATORS = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

/** The model's constants, exactly where they are rational. */
export function constantPoint(m: Model): { float: Map<string, number>; exact: Map<string, Rational> } {
  const float = new Map<string, number>();
  const exact = new Map<string, Rational>();
  for (const c of m.constants.values()) {
    float.set(c.name, c.value);
    const q = exactValue(c.expr, exact);
    if (typeof q !== 'string') exact.set(c.name, q);
  }
  return { float, exact };
}

/**
 * `count` points for the variables of the given roles (in declaration order), inside their
 * domains and where the log-density is defined.
 */
export function samplePoints(m: Model, roles: ReadonlyArray<'param' | 'given' | 'data'>, count: number, seed: number): SamplePoint[] {
  const rng = new Rng(seed);
  const vars = [...m.symbols.values()].filter((d) => (roles as readonly string[]).includes(d.role));
  const base = constantPoint(m);
  const out: SamplePoint[] = [];
  const rejected: SamplePoint[] = [];
  for (let tries = 0; out.length < count && tries < count * 6; tries++) {
    const float = new Map(base.float);
    const exact = new Map(base.exact);
    const simplex = vars.filter((d) => d.support.kind === 'simplex');
    for (const d of vars) {
      if (d.support.kind === 'simplex') continue;
      const q = valueIn(d, float, rng);
      exact.set(d.name, q);
      float.set(d.name, qtoNumber(q));
    }
    simplex.forEach((d) => {
      // x_i > 0 and Σ x_i < 1: each at most 0.9/(k + 0.5).
      const q = rat(Math.round((0.1 + 0.8 * rng.uniform()) * 1000), Math.round((simplex.length + 0.5) * 1000));
      exact.set(d.name, q);
      float.set(d.name, qtoNumber(q));
    });
    const p = { float, exact };
    (defined(m, p, roles.includes('data'), rng) ? out : rejected).push(p);
  }
  // A log-density that is never defined at data values drawn this way is left to the comparison.
  return out.length > 0 ? out : rejected.slice(0, count);
}

/** A value inside the declaration's support at the current point: a rational with a small denominator. */
function valueIn(d: Declaration, env: ReadonlyMap<string, number>, rng: Rng): Rational {
  const s = d.support;
  const bound = (e: Parameters<typeof evaluate>[0], fallback: number): number => {
    try {
      const v = evaluate(e, env);
      return Number.isNaN(v) ? fallback : v;
    } catch {
      return fallback;
    }
  };
  if (s.kind === 'set') {
    const vs = s.values.map((v) => bound(v, NaN)).filter((v) => Number.isFinite(v));
    return ratOf(vs[Math.floor(rng.uniform() * vs.length)] ?? 0);
  }
  if (s.kind === 'integers') {
    const lo = bound(s.lo, d.range.lo);
    const hi = Math.min(bound(s.hi, d.range.hi), lo + 15);
    return rat(Math.round(lo + Math.floor(rng.uniform() * (hi - lo + 1))));
  }
  if (s.kind === 'interval') {
    const lo = bound(s.lo, d.range.lo);
    const hi = bound(s.hi, d.range.hi);
    const v = inside(iv(lo, hi), rng.uniform());
    const den = DENOMINATORS[Math.floor(rng.uniform() * DENOMINATORS.length)]!;
    const q = rat(Math.round(v * den), den);
    const f = qtoNumber(q);
    return f > lo && f < hi ? q : ratOf(v);
  }
  return rat(0);
}

const ratOf = (v: number): Rational => rat(Math.round(v * 2 ** 30), 2 ** 30);

/** Is the log-density defined (not NaN) at the point, for the data it holds or for data values drawn from the supports? */
function defined(m: Model, p: SamplePoint, hasData: boolean, rng: Rng): boolean {
  const ok = (env: ReadonlyMap<string, number>): boolean => {
    try {
      const v = evaluate(m.logp, env);
      return hasData ? Number.isFinite(v) : !Number.isNaN(v) && v !== Infinity;
    } catch {
      return true; // a symbol without a value here (a covariate) is not this check's business
    }
  };
  if (hasData || m.data.length === 0) return ok(p.float);
  for (const env of dataConfigurations(m, p.float, rng)) if (!ok(env)) return false;
  return true;
}

/** Data values at which to test the log-density: every combination of small finite supports, or a few draws. */
function dataConfigurations(m: Model, at: ReadonlyMap<string, number>, rng: Rng): Array<Map<string, number>> {
  let configs: Array<Map<string, number>> = [new Map(at)];
  for (const d of m.data) {
    const s = d.support;
    let values: number[];
    if (s.kind === 'set') values = s.values.map((v) => evaluate(v, at));
    else if (s.kind === 'integers') {
      const lo = evaluate(s.lo, at);
      const hi = evaluate(s.hi, at);
      values = [...new Set([lo, lo + 1, lo + 2, Math.min(hi, lo + 7), ...(Number.isFinite(hi) ? [hi] : [])])].filter((v) => v <= hi);
    } else if (s.kind === 'simplex') values = [0.2];
    else values = [0.2, 0.5, 0.8].map((u) => inside(iv(evaluate(s.lo, at), evaluate(s.hi, at)), u));
    configs = configs.flatMap((c) => values.map((v) => new Map([...c, [d.name, v]])));
    if (configs.length > 64) configs = Array.from({ length: 64 }, () => configs[Math.floor(rng.uniform() * configs.length)]!);
  }
  return configs;
}
