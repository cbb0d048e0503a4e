/**
 * The Kullback–Leibler divergence between two members of a model,
 *
 *   KL(p_θ1 ‖ p_θ2) = E_θ1[ℓ(x; θ1) − ℓ(x; θ2)],
 *
 * symbolic in both points (named by `pointPair`: `mu_1, sigma_1` and `mu_2, sigma_2`), tried in
 * the order of the Fisher ladder:
 *
 * 1. linearity: ℓ(x; θ1) − ℓ(x; θ2) = Σ c_k(θ1, θ2) m_k(x) over data atoms, with E_θ1[m_k] from
 *    `dataMoments` (the score identity, then a full family's log-partition). For an exponential
 *    family the atoms are the sufficient statistics T and the result is the Bregman divergence
 *    of the log-partition, A(η2) − A(η1) − (η2 − η1)·E_θ1[T], in any parameterisation;
 * 2. standardisation: a location–scale family of x or log x reduces to its standard density
 *    (Cauchy, Laplace, Gumbel, Weibull through log x, ...; see locscale.ts);
 * 3. numerically at two given points: adaptive quadrature or summation over the data, with an
 *    error estimate.
 *
 * A support that moves with θ makes KL infinite unless supp p_θ1 ⊆ supp p_θ2: the result says
 * where it is finite (`finiteWhen`) and evaluates to Infinity elsewhere.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { ONE, add, neg, symbols, type Expr } from '../expr/expr';
import { simplify } from '../expr/simplify';
import { almostEverywhere } from '../fisher/fisher';
import { linearize } from '../fisher/linearize';
import { dataMoments, type MomentSource } from '../fisher/moments';
import { expectation } from '../fisher/numeric';
import { parameterPoints } from '../fisher/points';
import { standardise } from '../fisher/standardize';
import type { Model } from '../lang/model';
import { locationScaleKL, standardName } from './locscale';
import { present } from './present';
import { checkPoint, pairEnv, pointPair, type PointPair } from './pair';
import { holds, irregularParams, regularPart, supportInclusion, type Inequality } from './support';

/**
 * A divergence's number at two points, with an estimate of its absolute error.
 *
 * @example
 * klDivergence(parse('x ~ Cauchy(m, s)')).at(new Map([['m', 0], ['s', 1]]), new Map([['m', 1], ['s', 2]])); // → { value: 0.223143551..., error: 0, method: 'standardisation (Cauchy)', converged: true }
 * klDivergence(parse('x ~ Logistic(mu, s)')).at(new Map([['mu', 0], ['s', 1]]), new Map([['mu', 1], ['s', 2]])); // → { value: 0.317217604..., error: 7.9...e-12, method: 'numeric (adaptive Gauss–Kronrod quadrature)', converged: true }
 */
export interface DivergenceValue {
  /** The divergence; Infinity where it is infinite. */
  readonly value: number;
  /** Absolute error estimate: 0 for a closed form, the quadrature's estimate otherwise. */
  readonly error: number;
  /** How the number was obtained. */
  readonly method: string;
  /** False when numeric integration did not reach its tolerance (the error says by how much). */
  readonly converged: boolean;
}

/**
 * KL(p_θ1 ‖ p_θ2) of a model, prepared once and evaluated at any pair of points (see
 * {@link klDivergence}).
 *
 * @example
 * const d = klDivergence(parse('x ~ Exponential(lam)'));
 * [d.expr, d.method]; // → [log(lam_1/lam_2) + lam_2/lam_1 - 1, 'Bregman divergence of the log-partition (E[T] by the score identity)']
 * d.at(new Map([['lam', 1]]), new Map([['lam', 2]])).value; // → 0.306852819...
 */
export interface KLDivergence {
  /** The names of θ1's and θ2's coordinates in `expr`. */
  readonly pair: PointPair;
  /** The closed form in θ1 and θ2, or null when none was derived. */
  readonly expr: Expr | null;
  /** How the closed form was derived ('none' without one). */
  readonly method: string;
  /** With a support that moves with θ: KL is finite only where these hold (lhs ≤ rhs). */
  readonly finiteWhen: readonly Inequality[];
  /** Notes a reader must see. */
  readonly warnings: readonly string[];
  /**
   * The divergence at two points given by parameter name (with covariates, if any): the closed
   * form, else numerically; Infinity where the supports do not nest. Throws a {@link FisherError}
   * (`bad-option`, `bad-value`) for a point without a value or outside the domains.
   */
  readonly at: (from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>) => DivergenceValue;
}

/**
 * Options of {@link kl}.
 *
 * @example
 * kl(parse('x ~ Poisson(lam)'), { from: new Map([['lam', 2]]), to: new Map([['lam', 3]]), reverse: true }).value; // → { value: 0.216395324..., error: 0, method: 'Bregman divergence of the log-partition (E[T] by the score identity)', converged: true }
 */
export interface KLOptions {
  /** θ1 by parameter name (with covariates, if the model has any). */
  readonly from?: ReadonlyMap<string, number>;
  /** θ2 by parameter name. */
  readonly to?: ReadonlyMap<string, number>;
  /** KL(p_θ2 ‖ p_θ1) instead. */
  readonly reverse?: boolean;
}

/**
 * The plain result of {@link kl}: data, without a function (JSON works on it).
 *
 * @example
 * const r = kl(parse('x ~ Normal(mu, sigma)'));
 * [r.params, r.first, r.second, r.method]; // → [['mu', 'sigma'], ['mu_1', 'sigma_1'], ['mu_2', 'sigma_2'], 'Bregman divergence of the log-partition (E[T] by the score identity)']
 */
export interface KLResult {
  /** The model's parameters. */
  readonly params: string[];
  /** Names of θ1's coordinates (`mu_1`, ...). */
  readonly first: string[];
  /** Names of θ2's coordinates (`mu_2`, ...). */
  readonly second: string[];
  /** KL(p_θ1 ‖ p_θ2) (or, with `reverse`, KL(p_θ2 ‖ p_θ1)) in closed form; null without one. */
  readonly expr: Expr | null;
  /** How the closed form was derived ('none' without one). */
  readonly method: string;
  /** With a support that moves with θ: KL is finite only where these hold (lhs ≤ rhs). */
  readonly finiteWhen: readonly Inequality[];
  /** Notes a reader must see. */
  readonly warnings: string[];
  /** With `from` and `to`: the number (Infinity where KL is infinite). */
  readonly value?: DivergenceValue;
}

/**
 * The Kullback–Leibler divergence KL(p_θ1 ‖ p_θ2) = E_θ1[log p_θ1 − log p_θ2] in closed form where
 * one can be derived (the log-density difference over data atoms, a Bregman divergence of the
 * log-partition for exponential families, location–scale closed forms), and its value at
 * `from`/`to` (the closed form, else by quadrature). A support that moves with θ makes it infinite
 * unless the first support lies inside the second: `finiteWhen` says where.
 *
 * @throws {@link FisherError} `bad-option` for one point without the other or a missing value;
 *   `bad-value` for a point outside the domains; as {@link fisher} for a density not normalised.
 * @example
 * const r = kl(parse('x ~ Normal(mu, sigma)'), { from: new Map([['mu', 0], ['sigma', 1]]), to: new Map([['mu', 1], ['sigma', 1]]) });
 * r.expr; // → log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2 - sigma_2^2)/(2*sigma_2^2)
 * r.value; // → { value: 0.5, error: 0, method: 'Bregman divergence of the log-partition (E[T] by the score identity)', converged: true }
 * kl(parse('x ~ Uniform(0, theta)'), { from: new Map([['theta', 2]]), to: new Map([['theta', 1]]) }).value.value; // → Infinity
 */
export function kl(m: Model, options: KLOptions = {}): KLResult {
  const d = klDivergence(m);
  const expr = d.expr === null ? null : options.reverse ? d.pair.swap(d.expr) : d.expr;
  const { from, to } = options;
  if ((from === undefined) !== (to === undefined)) throw new FisherError('bad-option', 'give both points (from and to), or neither for the closed form alone');
  const value = from !== undefined && to !== undefined ? (options.reverse ? d.at(to, from) : d.at(from, to)) : undefined;
  return {
    params: [...d.pair.params],
    first: [...d.pair.first],
    second: [...d.pair.second],
    expr,
    method: d.method,
    finiteWhen: options.reverse ? d.finiteWhen.map((c) => ({ lhs: d.pair.swap(c.lhs), rhs: d.pair.swap(c.rhs) })) : d.finiteWhen,
    warnings: [...d.warnings],
    ...(value !== undefined ? { value } : {}),
  };
}

/**
 * Prepares KL(p_θ1 ‖ p_θ2) of a model: derives the closed form once (as {@link kl}); `at`
 * evaluates it (or integrates) at any pair of points.
 *
 * @throws {@link FisherError} as {@link kl}.
 * @example
 * const d = klDivergence(parse('x ~ Poisson(lam)'));
 * d.expr; // → lam_2 + lam_1*log(lam_1/lam_2) - lam_1
 * d.at(new Map([['lam', 2]]), new Map([['lam', 3]])).value; // → 0.189069783...
 * 2 * Math.log(2 / 3) + 1; // → 0.189069783...
 */
export function klDivergence(m: Model): KLDivergence {
  const pair = pointPair(m);
  const finiteWhen = supportInclusion(m, pair);
  const warnings = [...m.warnings];
  const gap = add(m.logp, neg(pair.toSecond(m.logp))); // ℓ(x; θ) − ℓ(x; θ2), θ the first point
  const closed = closedForm(m, pair, gap);
  if (closed !== undefined && !m.familiesOnly) confirmNormalised(m, parameterPoints(m, 1, 2024)[0]!);
  const at = (from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): DivergenceValue => {
    checkPoint(m, from, 'the first point');
    checkPoint(m, to, 'the second point');
    for (const g of m.givens) if (!from.has(g.name) && !to.has(g.name)) throw new FisherError('bad-option', `a value for the covariate ${g.name} is needed`);
    const env = pairEnv(m, pair, from, to);
    if (!holds(finiteWhen, env)) {
      return { value: Infinity, error: 0, method: 'the support of p_θ1 is not inside the support of p_θ2', converged: true };
    }
    if (closed !== undefined) return { value: evaluate(closed.expr, env), error: 0, method: closed.method, converged: true };
    return numericExpectation(m, gap, env);
  };
  return { pair, expr: closed?.expr ?? null, method: closed?.method ?? 'none', finiteWhen, warnings, at };
}

/** E_θ1[g] by quadrature or summation at the point of `env` (θ at the first point). */
export function numericExpectation(m: Model, g: Expr, env: ReadonlyMap<string, number>): DivergenceValue {
  const r = expectation(m, [g], env);
  const converged = r.converged && Number.isFinite(r.value[0]!) && Number.isFinite(r.error[0]!);
  return { value: r.value[0]!, error: r.error[0]!, method: converged ? r.method : `${r.method}, not converged`, converged };
}

function closedForm(m: Model, pair: PointPair, gap: Expr): { expr: Expr; method: string } | undefined {
  const ranges = pair.ranges;
  const data = m.data.map((d) => d.name);
  const continuous = m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex');
  const finish = (e: Expr): Expr => present(pair.toFirst(e), ranges);
  // 1. Linearity and the moments of the data atoms.
  try {
    const lin = linearize(simplify(continuous ? almostEverywhere(gap) : gap, { ranges }), data);
    const moments = dataMoments(regularPart(m), [lin], { ranges, points: parameterPoints(m, 3), ...(continuous ? { almostEverywhere } : {}) });
    const v = moments.expect(lin);
    if (v !== undefined) return { expr: finish(v.value), method: linearMethod(m, v.source, [...lin.keys()].some((a) => a !== ONE)) };
  } catch (e) {
    if (!(e instanceof FisherError)) throw e;
  }
  // 2. A location–scale family of x or log x.
  if (irregularParams(m).size === 0) {
    const st = standardise(m, ranges);
    if (st !== undefined) {
      const e = locationScaleKL(st, pair.toFirst, pair.toSecond);
      if (e !== undefined) return { expr: present(e, ranges), method: `standardisation (${standardName(st)})` };
    }
  }
  return undefined;
}

/**
 * Is ℓ = Σ η_k(θ) T_k(x) + (terms free of θ) as it stands? Then the data atoms are sufficient
 * statistics (a cheap structural test for naming the method; src/stats/expfamily.ts decides the
 * question in general, rewriting ℓ first).
 */
function isExponentialFamily(m: Model): boolean {
  const params = m.params.map((p) => p.name);
  const lin = linearize(m.logp, m.data.map((d) => d.name));
  return [...lin.keys()].every((a) => ![...symbols(a)].some((s) => params.includes(s)));
}

function linearMethod(m: Model, source: MomentSource, usesData: boolean): string {
  if (!usesData) return 'the log-density difference is free of the data';
  const how = source === 'score identity' ? 'E[T] by the score identity' : `E[T] from the ${source.replace(/^log-partition \((.*)\)$/, '$1')}'s log-partition`;
  if (irregularParams(m).size > 0) return `expectations of the data atoms (${source}, in the parameters that leave the support alone)`;
  if (isExponentialFamily(m)) return `Bregman divergence of the log-partition (${how})`;
  return `expectations of the data atoms (${source})`;
}

/**
 * A divergence derived from the score identity needs a normalised density: check that exp(logp)
 * integrates (sums) to 1 at one point, where that can be done numerically.
 */
export function confirmNormalised(m: Model, env: ReadonlyMap<string, number>): void {
  if (m.data.length !== 1 || m.data[0]!.support.kind === 'simplex') return;
  expectation(m, [], env, 1e-8);
}
