/**
 * The JSON contract of `fisherlab score|hessian --json`, for other programs (kept stable; see
 * the README): entries are strings in fisherlab's text syntax, numbers are plain JSON numbers
 * (null where the value is not a finite number).
 */
import type { Expr } from '../expr/expr';
import { printExpr } from '../expr/print';
import type { Model } from '../lang/model';
import { evaluateAt, hessian, score } from './derivatives';

export interface DerivativesJSON {
  params: string[];
  data: string[];
  score: string[];
  hessian: string[][];
  warnings: string[];
  value?: { score: (number | null)[]; hessian: (number | null)[][] };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Score and Hessian of a model as the stable JSON object; with `at`, their values there.
 * @example toJSON(parse('x ~ Poisson(lam)'), new Map([['x', 3], ['lam', 2]])).value.score // [0.5]
 */
export function toJSON(m: Model, at?: ReadonlyMap<string, number>, derived?: { score: Expr[]; hessian: Expr[][] }): DerivativesJSON {
  const s = derived?.score ?? score(m);
  const h = derived?.hessian ?? hessian(m);
  const out: DerivativesJSON = {
    params: m.params.map((p) => p.name),
    data: m.data.map((d) => d.name),
    score: s.map(printExpr),
    hessian: h.map((r) => r.map(printExpr)),
    warnings: [...m.warnings],
  };
  if (at !== undefined) {
    out.value = {
      score: evaluateAt(m, s, at).map(finite),
      hessian: h.map((r) => evaluateAt(m, r, at).map(finite)),
    };
  }
  return out;
}
