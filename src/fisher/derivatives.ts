/**
 * The score and the Hessian of a model's log-density with respect to its parameters, derived
 * symbolically and simplified under the declared domains, and evaluated at points.
 */
import { diff, gradient } from '../expr/diff';
import { evaluate } from '../expr/evaluate';
import type { Expr } from '../expr/expr';
import { simplify } from '../expr/simplify';
import type { SymbolRanges } from '../expr/range';
import type { Model } from '../lang/model';

/**
 * The interval of every declared symbol of the model (parameter domains, data supports): the
 * assumptions under which fisherlab simplifies, for {@link simplify} and {@link rangeOf}.
 *
 * @example
 * const ranges = modelRanges(parse('x ~ Gamma(k, theta)'));
 * simplify(parseExpr('sqrt(theta^2)'), { ranges }); // → theta
 */
export const modelRanges = (m: Model): SymbolRanges => (name) => m.symbols.get(name)?.range;

/**
 * Options of {@link score} and {@link hessian}: their budget.
 *
 * @example
 * score(parse('x ~ Normal(mu, sigma)'), { maxNodes: 5 }); // → throws FisherError (too-large): the derivative with respect to mu grew past 5 nodes
 */
export interface DerivativeOptions {
  /** Stop with a "too large" error past this many nodes per derivative (default 200000). */
  readonly maxNodes?: number;
}

/**
 * The score: the gradient ∂/∂θ log p(x | θ) with respect to the parameters, in their declared
 * order, derived symbolically and simplified under the declared domains.
 *
 * @throws {@link FisherError} `too-large` past `maxNodes`; `not-differentiable`.
 * @example
 * score(parse('x ~ Poisson(lam)')); // → [x/lam - 1]
 * score(parse('x ~ Normal(mu, sigma)')).map(printExpr); // → ['(x - mu)/sigma^2', '(x - mu)^2/sigma^3 - 1/sigma']
 */
export function score(m: Model, options: DerivativeOptions = {}): Expr[] {
  const ranges = modelRanges(m);
  const names = m.params.map((p) => p.name);
  return gradient(m.logp, names, options).map((g) => simplify(g, { ranges }));
}

/**
 * The Hessian of log p(x | θ): the symmetric matrix ∂²/∂θ_i∂θ_j log p of second derivatives in the
 * parameters, derived from the simplified score and simplified under the declared domains.
 *
 * @throws {@link FisherError} as {@link score}.
 * @example
 * printMatrix(hessian(parse('x ~ Normal(mu, sigma)'))); // → '[[-1/sigma^2, -2*(x - mu)/sigma^3], [-2*(x - mu)/sigma^3, 1/sigma^2 - 3*(x - mu)^2/sigma^4]]'
 */
export function hessian(m: Model, options: DerivativeOptions = {}): Expr[][] {
  const ranges = modelRanges(m);
  const names = m.params.map((p) => p.name);
  // Differentiate the simplified score: smaller trees, and the entries inherit its tidy form.
  const g = score(m, options);
  const h: Expr[][] = names.map(() => []);
  for (let i = 0; i < names.length; i++) {
    for (let j = i; j < names.length; j++) {
      const v = simplify(diff(g[i]!, names[j]!, options), { ranges });
      h[i]![j] = v;
      h[j]![i] = v;
    }
  }
  return h;
}

/** Values of the model's constants, to merge into an evaluation point. */
export function constantValues(m: Model): Map<string, number> {
  return new Map([...m.constants.values()].map((c) => [c.name, c.value]));
}

/**
 * Evaluates expressions of a model at a point, with the model's constants filled in.
 *
 * @param point - Values of the parameters, data and covariates the expressions use.
 * @throws RangeError naming a symbol without a value.
 * @example
 * const m = parse('const n = 10; x ~ Binomial(n, p)');
 * evaluateAt(m, score(m), new Map([['x', 3], ['p', 0.25]])); // → [2.666666666666668]
 */
export function evaluateAt(m: Model, es: readonly Expr[], point: ReadonlyMap<string, number>): number[] {
  const env = new Map([...constantValues(m), ...point]);
  return es.map((e) => evaluate(e, env));
}
