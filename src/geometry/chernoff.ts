/**
 * The Chernoff coefficient c(β) = ∫ p_θ1^(1−β) p_θ2^β of an exponential family in closed form:
 * with ℓ = η(θ)·T(x) − A(θ) + log h(x) (recognised by structure in src/stats/expfamily.ts),
 *
 *   c(β) = exp(A(η_β) − (1 − β) A(θ1) − β A(θ2)),   η_β = (1 − β) η(θ1) + β η(θ2),
 *
 * since p1^(1−β) p2^β = h(x) exp(η_β·T(x) − (1 − β)A1 − βA2) and ∫ h e^(η·T) = e^A(η). It is finite
 * exactly when η_β is a natural parameter: always for β ∈ [0, 1] (the natural parameter space is
 * convex), not necessarily for χ² (β = −1) or α-divergences with |α| > 1, where A(η) must be
 * evaluated inside the domains of its functions (log, lgamma, sqrt: the natural parameter space of
 * the families' log-partitions). Nielsen & Boltz 2011, The Burbea–Rao and Bhattacharyya
 * centroids, IEEE Trans. Inf. Theory 57(8), §4; Nielsen & Nock 2014, On the chi square and
 * higher-order chi distances for approximating f-divergences, IEEE Signal Process. Lett. 21.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { ONE, add, call, mul, neg, substitute, subexpressions, sub, type Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { REAL, contains } from '../expr/interval';
import type { Model } from '../lang/model';
import { expfamily } from '../stats/expfamily';
import type { PointPair } from './pair';

export interface Chernoff {
  /** c(β) in θ1 and θ2. */
  readonly expr: Expr;
  readonly method: string;
  /** Is η_β a natural parameter at this point (θ1, θ2 in `env`)? Where not, c(β) = ∞. */
  readonly natural: (env: ReadonlyMap<string, number>) => boolean;
}

/**
 * c(β) in closed form for an exponential family whose log-partition in natural coordinates is
 * known; undefined otherwise.
 * @example chernoffCoefficient(parse('x ~ Poisson(lam)'), pair, num(1, 2))!.expr // exp(sqrt(lam_1)*sqrt(lam_2) - (lam_1 + lam_2)/2)
 */
export function chernoffCoefficient(m: Model, pair: PointPair, beta: Expr): Chernoff | undefined {
  let ef;
  try {
    ef = expfamily(m);
  } catch (e) {
    if (e instanceof FisherError) return undefined;
    throw e;
  }
  if (!ef.exponentialFamily || ef.logPartitionNatural === null) return undefined;
  const mix = new Map(ef.naturalNames.map((n, k) => [n, add(mul(sub(ONE, beta), pair.toFirst(ef.eta[k]!)), mul(beta, pair.toSecond(ef.eta[k]!)))]));
  const aBeta = substitute(ef.logPartitionNatural, mix);
  const log = add(aBeta, neg(mul(sub(ONE, beta), pair.toFirst(ef.logPartition))), neg(mul(beta, pair.toSecond(ef.logPartition))));
  return {
    expr: call('exp', [log]),
    method: 'Chernoff coefficient of the exponential family: exp(A(η_β) − (1 − β)A(η1) − βA(η2))',
    natural: (env) => withinDomains(aBeta, env),
  };
}

/** Does every function of `e` get arguments inside its domain at the point (and every even root a non-negative base)? */
export function withinDomains(e: Expr, env: ReadonlyMap<string, number>): boolean {
  for (const n of subexpressions(e)) {
    if (n.kind === 'call') {
      const def = FUNCTIONS.get(n.fn)!;
      if (n.args.some((a, i) => !contains(def.domain[i] ?? REAL, evaluate(a, env)))) return false;
    } else if (n.kind === 'pow' && n.exp.kind === 'num' && n.exp.value.d % 2n === 0n && !(evaluate(n.base, env) >= 0)) return false;
  }
  return true;
}
