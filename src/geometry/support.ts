/**
 * Supports that move with the parameters (Uniform(0, θ), the Pareto scale): p_θ1 is absolutely
 * continuous with respect to p_θ2 only when supp p_θ1 ⊆ supp p_θ2. Divergences that divide by
 * p_θ2 (KL, χ², α-divergences beyond the mixture range) are infinite otherwise, and the moment
 * equations of the score identity hold only for the parameters that leave the support alone.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { symbols, type Expr } from '../expr/expr';
import { printExpr } from '../expr/print';
import { supportSymbols, type Model } from '../lang/model';
import type { PointPair } from './pair';

/**
 * A condition lhs ≤ rhs on the two points of a divergence (where a support that moves with θ
 * lets it be finite).
 *
 * @example
 * klDivergence(parse('x ~ Uniform(0, theta)')).finiteWhen; // → [{ lhs: theta_1, rhs: theta_2 }]
 */
export interface Inequality {
  /** The left side. */
  readonly lhs: Expr;
  /** The right side. */
  readonly rhs: Expr;
}

/** The parameters the support of the data depends on. */
export function irregularParams(m: Model): Set<string> {
  const params = new Set(m.params.map((p) => p.name));
  return new Set(m.data.flatMap((d) => supportSymbols(d.support)).filter((s) => params.has(s)));
}

/** The model with the support-moving parameters taken as fixed symbols (their score rows removed). */
export function regularPart(m: Model): Model {
  const irregular = irregularParams(m);
  return irregular.size === 0 ? m : { ...m, params: m.params.filter((p) => !irregular.has(p.name)) };
}

/**
 * supp p_θ1 ⊆ supp p_θ2 as inequalities between the two points' bounds (empty when the support
 * does not depend on θ): lo(θ2) ≤ lo(θ1) and hi(θ1) ≤ hi(θ2) for each bound that moves.
 */
export function supportInclusion(m: Model, pair: PointPair): Inequality[] {
  const params = new Set(pair.params);
  const out: Inequality[] = [];
  const moves = (e: Expr): boolean => [...symbols(e)].some((s) => params.has(s));
  for (const d of m.data) {
    const s = d.support;
    if (s.kind === 'interval' || s.kind === 'integers') {
      if (moves(s.lo)) out.push({ lhs: pair.toSecond(s.lo), rhs: pair.toFirst(s.lo) });
      if (moves(s.hi)) out.push({ lhs: pair.toFirst(s.hi), rhs: pair.toSecond(s.hi) });
    } else if (s.kind === 'set' && s.values.some(moves)) {
      throw new FisherError('support', `the support of ${d.name} is a set whose values depend on the parameters; divergences are not available for it`);
    }
  }
  return out;
}

/** Do the inequalities hold at the point? */
export function holds(conditions: readonly Inequality[], env: ReadonlyMap<string, number>): boolean {
  return conditions.every((c) => evaluate(c.lhs, env) <= evaluate(c.rhs, env));
}

/** `lo_2 <= lo_1 and hi_1 <= hi_2`. */
export function printConditions(conditions: readonly Inequality[]): string {
  return conditions.map((c) => `${printExpr(c.lhs)} <= ${printExpr(c.rhs)}`).join(' and ');
}
