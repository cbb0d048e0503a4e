/**
 * Seeded random points inside a model's declared domains: the numeric witnesses that back the
 * symbolic steps (is this coefficient zero? is this density free of θ after standardisation?).
 */
import { evaluate } from '../expr/evaluate';
import type { Expr } from '../expr/expr';
import type { Interval } from '../expr/interval';
import type { Model } from '../lang/model';
import { Rng } from '../numeric/random';
import { constantValues } from './derivatives';

/** A value well inside an interval. */
export function inside(r: Interval, u: number): number {
  const { lo, hi } = r;
  if (Number.isFinite(lo) && Number.isFinite(hi)) return lo + (hi - lo) * (0.15 + 0.7 * u);
  if (Number.isFinite(lo)) return lo + 0.4 + 2.2 * u;
  if (Number.isFinite(hi)) return hi - 0.4 - 2.2 * u;
  return -1.6 + 3.2 * u;
}

/** Parameter (and covariate) values inside their domains, with the model's constants. */
export function parameterPoints(m: Model, count: number, seed = 12345): Array<Map<string, number>> {
  const rng = new Rng(seed);
  const out: Array<Map<string, number>> = [];
  for (let i = 0; i < count; i++) {
    const env = constantValues(m);
    for (const d of [...m.params, ...m.givens]) env.set(d.name, inside(d.range, rng.uniform()));
    out.push(env);
  }
  return out;
}

/** Is `e` zero at every one of the points (relative to its terms' size)? */
export function vanishesAt(e: Expr, points: ReadonlyArray<ReadonlyMap<string, number>>): boolean {
  if (e.kind === 'num') return e.value.n === 0n;
  for (const p of points) {
    let v: number;
    try {
      v = evaluate(e, p);
    } catch {
      return false;
    }
    if (!(Math.abs(v) <= 1e-10)) return false;
  }
  return true;
}
