/**
 * Two points of a model's parameter space, θ1 and θ2, as symbols: the naming convention of every
 * result of src/geometry that depends on both (KL(p_θ1 ‖ p_θ2), f-divergences, distances).
 *
 * Parameter `mu` becomes `mu_1` at the first point (`--from`) and `mu_2` at the second (`--to`);
 * when one of those names is already a symbol of the model, the suffixes `_p`/`_q`, then
 * `_from`/`_to`, are used instead, so that a result never confuses a model's own symbol with a
 * point's coordinate. The suffixed symbols inherit their parameter's domain (for simplification).
 */
import { FisherError } from '../expr/errors';
import { NAMED_CONSTANTS, sym, substitute, type Expr } from '../expr/expr';
import { contains, formatInterval } from '../expr/interval';
import type { SymbolRanges } from '../expr/range';
import { constantValues, modelRanges } from '../fisher/derivatives';
import type { Model } from '../lang/model';

/**
 * The names of two parameter points θ1 and θ2 in a divergence or a distance: `mu` is `mu_1` at the
 * first and `mu_2` at the second (`_p`/`_q`, then `_from`/`_to`, where those clash with the
 * model's symbols).
 *
 * @example
 * const p = klDivergence(parse('x ~ Normal(mu, sigma)')).pair;
 * [p.params, p.first, p.second]; // → [['mu', 'sigma'], ['mu_1', 'sigma_1'], ['mu_2', 'sigma_2']]
 * p.swap(parseExpr('mu_1 - mu_2')); // → mu_2 - mu_1
 * klDivergence(parse('const mu_1 = 2; x ~ Normal(mu, 1)')).pair.first; // → ['mu_p']
 */
export interface PointPair {
  /** The model's parameters, in declaration order. */
  readonly params: readonly string[];
  /** Names of θ1's coordinates (`mu_1`, ...), in the parameters' order. */
  readonly first: readonly string[];
  /** Names of θ2's coordinates (`mu_2`, ...), in the parameters' order. */
  readonly second: readonly string[];
  /** The model's ranges, and each coordinate's parameter range. */
  readonly ranges: SymbolRanges;
  /** Rename θ to θ1 in an expression. */
  readonly toFirst: (e: Expr) => Expr;
  /** Rename θ to θ2 in an expression. */
  readonly toSecond: (e: Expr) => Expr;
  /** Exchange θ1 and θ2 in an expression (KL(p2 ‖ p1) from KL(p1 ‖ p2)). */
  readonly swap: (e: Expr) => Expr;
}

const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['_1', '_2'],
  ['_p', '_q'],
  ['_from', '_to'],
];

/**
 * The names of two parameter points of `m`.
 * @example pointPair(parse('x ~ Normal(mu, sigma)')).first // ['mu_1', 'sigma_1']
 */
export function pointPair(m: Model): PointPair {
  const params = m.params.map((p) => p.name);
  const taken = (n: string): boolean => m.symbols.has(n) || NAMED_CONSTANTS.has(n);
  const pick = SUFFIXES.find(([a, b]) => {
    const names = params.flatMap((p) => [p + a, p + b]);
    return names.every((n) => !taken(n)) && new Set(names).size === names.length;
  });
  if (pick === undefined) throw new FisherError('bad-option', `cannot name two parameter points of this model: every suffix (${SUFFIXES.map((s) => s.join('/')).join(', ')}) clashes with its symbols`);
  const first = params.map((p) => p + pick[0]);
  const second = params.map((p) => p + pick[1]);
  const base = modelRanges(m);
  const origin = new Map<string, string>();
  params.forEach((p, i) => {
    origin.set(first[i]!, p);
    origin.set(second[i]!, p);
  });
  const ranges: SymbolRanges = (n) => base(origin.get(n) ?? n);
  const map = (names: readonly string[]): Map<string, Expr> => new Map(params.map((p, i) => [p, sym(names[i]!)]));
  const f = map(first);
  const s = map(second);
  const sw = new Map<string, Expr>([...first.map((n, i) => [n, sym(second[i]!)] as const), ...second.map((n, i) => [n, sym(first[i]!)] as const)]);
  return { params, first, second, ranges, toFirst: (e) => substitute(e, f), toSecond: (e) => substitute(e, s), swap: (e) => substitute(e, sw) };
}

/**
 * The evaluation point for expressions in θ, θ1 and θ2: the model's constants, covariates, the
 * parameters at θ1 (the distribution expectations are taken under), θ1's and θ2's coordinates.
 */
export function pairEnv(m: Model, pair: PointPair, from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): Map<string, number> {
  const env = constantValues(m);
  for (const g of m.givens) {
    const v = from.get(g.name) ?? to.get(g.name);
    if (v !== undefined) env.set(g.name, v);
  }
  pair.params.forEach((p, i) => {
    env.set(p, from.get(p)!);
    env.set(pair.first[i]!, from.get(p)!);
    env.set(pair.second[i]!, to.get(p)!);
  });
  return env;
}

/** Every parameter of `m` has a finite value inside its domain at `point`. */
export function checkPoint(m: Model, point: ReadonlyMap<string, number>, what: string): void {
  for (const p of m.params) {
    const v = point.get(p.name);
    if (v === undefined) throw new FisherError('bad-option', `${what} needs a value for ${p.name}`);
    if (!Number.isFinite(v) || !contains(p.range, v)) throw new FisherError('bad-value', `${what}: ${p.name} = ${v} is outside its domain ${p.label === 'real' ? formatInterval(p.range) : p.label}`);
  }
}
