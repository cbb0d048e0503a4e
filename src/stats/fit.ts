/**
 * Maximum likelihood from a data set, and the three classical tests of a point null hypothesis.
 *
 * The total log-likelihood ℓ(θ) = Σ_rows log p(x_r | θ), its gradient and its Hessian are the
 * model's symbolic score and Hessian compiled once into loops over Float64Array columns
 * (`compileColumns`), so an iteration allocates nothing per row. The optimiser is Newton's method
 * with a backtracking (Armijo) line search on ℓ, falling back to Fisher scoring (the expected
 * information, where the ladder gives it in closed form) or a damped Newton step where −H is not
 * positive definite. It moves in unconstrained coordinates — log for a half-line, logit for an
 * interval — so that iterates never leave a domain. It converges when the Newton decrement
 * gᵀA⁻¹g (the gradient measured by the information) falls below a tolerance; an ascent that keeps
 * moving while ℓ stops growing is reported as a maximum on the boundary or at infinity, never as
 * a finite estimate with a standard error.
 *
 * Standard errors come from the expected information n·F(θ̂) (the method ladder: a closed form
 * evaluated, summed over covariate rows; or numeric) and from the observed information −H(θ̂).
 * With a null hypothesis θ_R = θ₀ (the other parameters are nuisance, re-fitted under the null):
 * Wald (θ̂_R − θ₀)ᵀ[I(θ̂)⁻¹]_RR⁻¹(θ̂_R − θ₀), score (Rao) gᵀI⁻¹g at the restricted estimate, and
 * the likelihood ratio 2(ℓ̂ − ℓ̃), each chi-square on |R| degrees of freedom under the null
 * (Cox & Hinkley 1974, Theoretical Statistics, §9.3).
 */
import { compileColumns, type ColumnKernel } from '../expr/compile';
import { FisherError } from '../expr/errors';
import type { Expr } from '../expr/expr';
import { supportSymbols, type Model } from '../lang/model';
import { hessian, score } from '../fisher/derivatives';
import { fisher, isNonsmooth, type FisherResult } from '../fisher/fisher';
import { numericFisher } from '../fisher/numeric';
import { chiSquareSurvival, normalQuantile } from '../numeric/special';
import { coordinate, dataColumns, domainCentre, momentCandidates, paramValues, type Columns, type Coordinate, type FitData, type ParamValues, type RowLabel } from './fitdata';
import { factorSpd, inverseSpd, quadraticFormInverse, solveSpd } from './spd';

export type { FitData, ParamValues, RowLabel } from './fitdata';

/**
 * Options of {@link fit}.
 *
 * @example
 * const r = fit(parse('x ~ Poisson(lam)'), { x: [2, 4, 3, 5] }, { level: 0.9, expected: false });
 * [r.interval, r.stderr.expected]; // → [{ level: 0.9, basis: 'observed', lower: [1.96138031...], upper: [5.03861968...] }, null]
 */
export interface FitOptions {
  /** Starting values of some or all parameters (the rest start from moments of the data or the domain's centre). */
  readonly start?: ParamValues;
  /** A point null hypothesis on some parameters, e.g. `{ sigma: 1 }`: adds the Wald, score and likelihood-ratio tests. */
  readonly null?: ParamValues;
  /** Confidence level of the Wald intervals (default 0.95). */
  readonly level?: number;
  /** Newton iterations allowed (default 200). */
  readonly maxIterations?: number;
  /** Convergence when the Newton decrement gᵀA⁻¹g falls below this (default 1e-12). */
  readonly tolerance?: number;
  /** How a row is named in messages (default `row 3`). */
  readonly rowLabel?: RowLabel;
  /** Compute the expected information and its standard errors (default true). */
  readonly expected?: boolean;
}

/**
 * How a fit ended:
 *
 * - `converged`: an interior maximum;
 * - `boundary`: ℓ increases towards the edge of a parameter's domain (e.g. all-zero Bernoulli data, p → 0);
 * - `unbounded`: ℓ increases as a parameter tends to ±∞ (e.g. separated data in a logistic regression);
 * - `not-converged`: the iteration budget ran out; `failed`: no step increased ℓ away from a maximum.
 */
export type FitStatus = 'converged' | 'boundary' | 'unbounded' | 'not-converged' | 'failed';

/**
 * A chi-square test: its statistic, degrees of freedom and p-value.
 *
 * @example
 * fit(parse('x ~ Poisson(lambda)'), { x: [2, 4, 3, 5] }, { null: { lambda: 2 } }).tests.lr; // → { statistic: 3.66924206..., df: 1, pValue: 0.0554253832... }
 */
export interface TestResult {
  /** The statistic. */
  readonly statistic: number;
  /** Its degrees of freedom under the null. */
  readonly df: number;
  /** P(χ²_df > statistic). */
  readonly pValue: number;
}

/**
 * The Wald, score (Rao) and likelihood-ratio tests of a point null hypothesis θ_R = θ₀, the other
 * parameters re-fitted under the null.
 *
 * @example
 * const t = fit(parse('x ~ Normal(mu, sigma)'), { x: [0.3, 1.9, 1.2, 2.4, 0.8] }, { null: { mu: 0 } }).tests;
 * [t.restricted, t.restrictedLoglik, t.information]; // → [[0, 1.51921032...], -9.18564603..., 'expected']
 * [t.wald.statistic, t.score.statistic, t.lr.statistic]; // → [15.4031117..., 3.77469670..., 7.03124756...]
 */
export interface FitTests {
  /** The null values, by parameter. */
  readonly null: Record<string, number>;
  /** The restricted estimate θ̃ (null values, and the nuisance parameters re-fitted). */
  readonly restricted: number[];
  /** ℓ(θ̃): the log-likelihood under the null (null where the restricted fit failed). */
  readonly restrictedLoglik: number | null;
  /** Wald: (θ̂_R − θ₀)ᵀ[I(θ̂)⁻¹]_RR⁻¹(θ̂_R − θ₀). */
  readonly wald: TestResult | null;
  /** Score (Rao): gᵀI⁻¹g at the restricted estimate. */
  readonly score: TestResult | null;
  /** Likelihood ratio: 2(ℓ̂ − ℓ̃). */
  readonly lr: TestResult | null;
  /** The information the Wald and score statistics use. */
  readonly information: 'expected' | 'observed';
}

/**
 * A maximum-likelihood fit (see {@link fit}).
 *
 * @example
 * const r = fit(parse('x ~ Weibull(k, lambda)'), { x: [1.2, 0.4, 2.3, 1.7, 0.9, 1.1, 3.0, 0.6] });
 * [r.status, r.converged, r.iterations, r.algorithm, r.n]; // → ['converged', true, 4, 'Newton', 8]
 * [r.estimate, r.loglik]; // → [[1.79784370..., 1.58292102...], -8.94964827...]
 * r.stderr; // → { expected: [0.495601593..., 0.327764919...], observed: [0.493388164..., 0.329383851...] }
 * r.interval; // → { level: 0.95, basis: 'expected', lower: [0.826482435..., 0.940513591...], upper: [2.76920498..., 2.22532846...] }
 * r.information.expectedMethod; // → 'closed form by the ladder (score identity + standardisation (Gumbel (minimum) of log x))'
 */
export interface FitResult {
  /** The parameters, in order. */
  readonly params: string[];
  /** θ̂ in the parameters' order; for `boundary`/`unbounded`, the limit (a bound or ±Infinity). */
  readonly estimate: number[];
  /** Standard errors. */
  readonly stderr: {
    /** From the expected information n·F(θ̂); null where it is not available or not positive definite. */
    readonly expected: (number | null)[] | null;
    /** From the observed information −H(θ̂). */
    readonly observed: (number | null)[] | null;
  };
  /** Wald intervals θ̂ ± z·se at `level`, from the expected information where there is one. */
  readonly interval: {
    /** The confidence level. */
    readonly level: number;
    /** The information the standard errors come from. */
    readonly basis: 'expected' | 'observed';
    /** The lower ends. */
    readonly lower: number[];
    /** The upper ends. */
    readonly upper: number[];
  } | null;
  /** ℓ(θ̂), the total log-likelihood. */
  readonly loglik: number;
  /** The number of rows. */
  readonly n: number;
  /** Newton iterations taken. */
  readonly iterations: number;
  /** Whether an interior maximum was found (`status` is `converged`). */
  readonly converged: boolean;
  /** How the fit ended. */
  readonly status: FitStatus;
  /** Why the fit did not converge, for any status but `converged`. */
  readonly message?: string;
  /** For `boundary` and `unbounded`: the limits the parameters run to, by name. */
  readonly limits?: Record<string, number>;
  /** The information matrices at θ̂. */
  readonly information: {
    /** n·F(θ̂) (summed over the rows' covariates), null where not available. */
    readonly expected: number[][] | null;
    /** How the expected information was obtained. */
    readonly expectedMethod: string | null;
    /** −H(θ̂) of the total log-likelihood. */
    readonly observed: number[][] | null;
  };
  /** The starting values used. */
  readonly start: number[];
  /** The steps taken: `Newton`, and `Fisher scoring` or `damped Newton` where −H was not positive definite. */
  readonly algorithm: string;
  /** With `null`: the tests of the null hypothesis. */
  readonly tests?: FitTests;
  /** Notes a reader must see. */
  readonly warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Compiled once per model.

interface Prepared {
  readonly params: string[];
  readonly coords: Coordinate[];
  readonly constNames: string[];
  readonly constValues: number[];
  /** [logp] per row. */
  readonly value: ColumnKernel;
  /** [logp, score_i, H_ij (i ≤ j)] per row. */
  readonly derivatives: ColumnKernel;
  readonly nonsmooth: boolean;
  /** The ladder's result and, where it is closed, its entries (i ≤ j) compiled over the covariate columns. */
  ladder?: { readonly result: FisherResult; readonly kernel?: ColumnKernel };
}

const PREPARED = new WeakMap<Model, Prepared>();

function prepare(m: Model): Prepared {
  const hit = PREPARED.get(m);
  if (hit !== undefined) return hit;
  const params = m.params.map((p) => p.name);
  const moving = params.filter((p) => m.data.some((d) => supportSymbols(d.support).includes(p)));
  if (moving.length > 0) {
    throw new FisherError(
      'support',
      `the support of the data depends on ${moving.join(', ')}: the likelihood jumps at the edge of the data, so its maximum is not where the score vanishes and the regularity conditions behind standard errors and the tests fail; fit does not handle such models`,
    );
  }
  for (const p of m.params) {
    const other = supportSymbols(p.support).filter((s) => m.symbols.get(s)?.role === 'param');
    if (other.length > 0) throw new FisherError('support', `fit needs parameter domains with fixed bounds; ${p.name}'s domain ${p.label} depends on ${other.join(', ')}`);
  }
  const coords = m.params.map(coordinate);
  const constNames = [...m.constants.keys()];
  const constValues = constNames.map((c) => m.constants.get(c)!.value);
  const rowNames = [...m.data, ...m.givens].map((d) => d.name);
  const fixed = [...params, ...constNames];
  const g = score(m);
  const h = hessian(m);
  const upper: Expr[] = [];
  for (let i = 0; i < params.length; i++) for (let j = i; j < params.length; j++) upper.push(h[i]![j]!);
  const prepared: Prepared = {
    params,
    coords,
    constNames,
    constValues,
    value: compileColumns([m.logp], [...rowNames, ...fixed], fixed),
    derivatives: compileColumns([m.logp, ...g, ...upper], [...rowNames, ...fixed], fixed),
    nonsmooth: isNonsmooth(m.logp, params),
  };
  PREPARED.set(m, prepared);
  return prepared;
}

/** The method ladder's Fisher matrix, derived once per model. */
function ladder(m: Model, prep: Prepared): NonNullable<Prepared['ladder']> {
  if (prep.ladder !== undefined) return prep.ladder;
  const result = fisher(m);
  let kernel: ColumnKernel | undefined;
  if (result.closedForm) {
    const entries: Expr[] = [];
    const p = prep.params.length;
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) entries.push(result.matrix[i]![j]!);
    const fixed = [...prep.params, ...prep.constNames];
    kernel = compileColumns(entries, [...m.givens.map((d) => d.name), ...fixed], fixed);
  }
  prep.ladder = { result, ...(kernel !== undefined ? { kernel } : {}) };
  return prep.ladder;
}

// ---------------------------------------------------------------------------------------------
// The total log-likelihood and its derivatives over the data.

interface Derivatives {
  readonly loglik: number;
  readonly gradient: number[];
  readonly hessian: number[][];
}

type Expected = { readonly matrix: number[][]; readonly method: string } | { readonly matrix: null; readonly why: string };

/** Distinct covariate rows for which the numeric rung runs the ladder at most. */
const MAX_NUMERIC_COVARIATE_ROWS = 40;

class Likelihood {
  private readonly fixed: Float64Array;
  private readonly sums: Float64Array;
  private readonly p: number;

  constructor(
    private readonly m: Model,
    private readonly prep: Prepared,
    readonly data: Columns,
  ) {
    this.p = prep.params.length;
    this.fixed = new Float64Array(this.p + prep.constNames.length);
    prep.constValues.forEach((v, k) => (this.fixed[this.p + k] = v));
    this.sums = new Float64Array(prep.derivatives.outputs);
  }

  get n(): number {
    return this.data.n;
  }

  private set(theta: ArrayLike<number>): void {
    for (let i = 0; i < this.p; i++) this.fixed[i] = theta[i]!;
  }

  /** ℓ(θ), NaN where a row's log-density is not defined. */
  loglik(theta: ArrayLike<number>): number {
    this.set(theta);
    const s = this.sums;
    s[0] = 0;
    this.prep.value.sum(this.data.columns, this.fixed, s);
    return s[0]!;
  }

  derivatives(theta: ArrayLike<number>): Derivatives {
    this.set(theta);
    const s = this.sums;
    s.fill(0);
    this.prep.derivatives.sum(this.data.columns, this.fixed, s);
    const p = this.p;
    const hess = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    let k = 1 + p;
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++, k++) hess[i]![j] = hess[j]![i] = s[k]!;
    return { loglik: s[0]!, gradient: Array.from(s.subarray(1, 1 + p)), hessian: hess };
  }

  /** The expected information of the whole data set, Σ_rows F(θ; covariates of the row). */
  expected(theta: ArrayLike<number>): Expected {
    const lad = ladder(this.m, this.prep);
    const p = this.p;
    if (lad.kernel !== undefined) {
      this.set(theta);
      const k = lad.kernel;
      const sums = new Float64Array(k.outputs);
      const covariates = this.data.columns.slice(this.m.data.length);
      // Without covariates F is the same for every row: n·F(θ).
      if (covariates.length === 0) k.sum([], this.fixed, sums, 0, 1);
      else k.sum(covariates, this.fixed, sums);
      const scale = covariates.length === 0 ? this.n : 1;
      return { matrix: upperToMatrix(p, (idx) => scale * sums[idx]!), method: `closed form by the ladder (${lad.result.method})` };
    }
    if (lad.result.irregular.length > 0) return { matrix: null, why: 'the Fisher information is not defined (the support depends on the parameters)' };
    return this.numericExpected(theta);
  }

  /** The ladder at θ with its numeric rung, once per distinct covariate row. */
  private numericExpected(theta: ArrayLike<number>): Expected {
    const m = this.m;
    const p = this.p;
    const groups = new Map<string, { at: Map<string, number>; count: number }>();
    const covNames = m.givens.map((d) => d.name);
    const covCols = this.data.columns.slice(m.data.length);
    for (let r = 0; r < this.n; r++) {
      const key = covCols.map((c) => c[r]).join(',');
      const g = groups.get(key);
      if (g !== undefined) g.count++;
      else {
        if (groups.size === MAX_NUMERIC_COVARIATE_ROWS) {
          return { matrix: null, why: `the Fisher information has no closed form and the data have more than ${MAX_NUMERIC_COVARIATE_ROWS} distinct covariate rows to evaluate it at numerically` };
        }
        const at = new Map(this.prep.params.map((name, i) => [name, theta[i]!]));
        covNames.forEach((name, k) => at.set(name, covCols[k]![r]!));
        groups.set(key, { at, count: 1 });
      }
    }
    const total = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    let method = '';
    try {
      for (const { at, count } of groups.values()) {
        const r = fisher(m, { at, numeric: numericFisher });
        if (r.value === undefined || r.value.flat().some((x) => !Number.isFinite(x))) return { matrix: null, why: `the ladder gave no number at ${[...at].map(([k, v]) => `${k} = ${v}`).join(', ')}` };
        method = r.method;
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) total[i]![j]! += count * r.value[i]![j]!;
      }
    } catch (e) {
      if (e instanceof FisherError) return { matrix: null, why: e.message };
      throw e;
    }
    return { matrix: total, method: `${method} at the estimate` };
  }
}

function upperToMatrix(p: number, value: (k: number) => number): number[][] {
  const out = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let k = 0;
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++, k++) out[i]![j] = out[j]![i] = value(k);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The optimiser.

interface Optimum {
  readonly theta: Float64Array;
  readonly loglik: number;
  readonly iterations: number;
  readonly status: FitStatus;
  /** For `boundary`/`unbounded`: parameter index → the limit it runs to. */
  readonly limits?: Map<number, number>;
  readonly failure?: string;
  readonly steps: Set<string>;
}

interface OptimiseOptions {
  readonly maxIterations: number;
  readonly tolerance: number;
}

/**
 * A drift: this many Newton iterations in a row whose predicted gain is small while the Newton
 * step keeps its length. Near an interior maximum Newton's steps shrink quadratically; towards a
 * maximum on an edge (or at infinity) they keep a constant length in the log or logit coordinate
 * while ℓ creeps up to its supremum.
 */
const DRIFT_ITERATIONS = 4;

/**
 * A steady run: a coordinate that moved the same way this many iterations in a row without its
 * move shrinking to half. Converging iterations shrink their moves (quadratically for Newton,
 * geometrically for scoring); a run like this heads for an edge, e.g. σ → 0 on constant data,
 * where ℓ grows without bound and the Newton decrement stays large.
 */
const STEADY_ITERATIONS = 20;

/** Coordinates in a steady run over `moves` (the last accepted moves, oldest first). */
function steadyCoordinates(moves: readonly (readonly number[])[]): number[] {
  if (moves.length < STEADY_ITERATIONS) return [];
  const first = moves[0]!;
  const last = moves[moves.length - 1]!;
  return first
    .map((_, a) => a)
    .filter((a) => {
      const sign = Math.sign(first[a]!);
      return sign !== 0 && moves.every((mv) => Math.sign(mv[a]!) === sign) && Math.abs(last[a]!) >= 0.5 * Math.abs(first[a]!);
    });
}

/** Newton or scoring iterations before a log-likelihood with kinks is handed to the pattern search. */
const NONSMOOTH_NEWTON_ITERATIONS = 20;

/**
 * Maximise ℓ over the parameters with indices `free`, the others held at their values in theta0.
 */
function maximise(lik: Likelihood, prep: Prepared, theta0: ArrayLike<number>, free: readonly number[], o: OptimiseOptions): Optimum {
  const theta = Float64Array.from(theta0);
  const coords = free.map((i) => prep.coords[i]!);
  const put = (u: readonly number[]): void => u.forEach((x, a) => (theta[free[a]!] = coords[a]!.theta(x)));
  let u = free.map((i, a) => coords[a]!.u(theta[i]!));
  put(u);
  let ll = lik.loglik(theta);
  if (!Number.isFinite(ll)) {
    throw new FisherError('bad-value', `the log-likelihood is ${ll} at the starting values (${prep.params.map((p, i) => `${p} = ${theta[i]}`).join(', ')}): some row has zero density there; give starting values where every row is possible`);
  }
  const steps = new Set<string>();
  if (free.length === 0) return { theta, loglik: ll, iterations: 0, status: 'converged', steps };
  let drift = 0;
  let previousStep = Infinity;
  /** The last accepted moves in u. */
  const moves: number[][] = [];
  let metric: number[][] | undefined;
  const finish = (status: FitStatus, it: number, failure?: string): Optimum => {
    if (prep.nonsmooth && status !== 'boundary' && status !== 'unbounded') {
      // Newton cannot settle on a kink of ℓ: finish by a pattern search on ℓ itself.
      const polished = patternSearch(lik, theta, put, u, ll, metric);
      u = polished.u;
      put(u);
      steps.add('pattern search');
      return { theta, loglik: polished.ll, iterations: it, status: polished.converged ? 'converged' : 'not-converged', steps };
    }
    return { theta, loglik: ll, iterations: it, status, steps, ...(failure !== undefined ? { failure } : {}) };
  };
  // On a kink Newton and scoring steps only oscillate: a few of them, then the pattern search.
  const newtonBudget = prep.nonsmooth ? Math.min(o.maxIterations, NONSMOOTH_NEWTON_ITERATIONS) : o.maxIterations;
  for (let it = 1; it <= newtonBudget; it++) {
    const d = lik.derivatives(theta);
    ll = d.loglik;
    const J = coords.map((c, a) => c.d1(u[a]!));
    const G = free.map((i, a) => d.gradient[i]! * J[a]!);
    const negH = free.map((i, a) => free.map((j, b) => -J[a]! * d.hessian[i]![j]! * J[b]! - (a === b ? d.gradient[i]! * coords[a]!.d2(u[a]!) : 0)));
    const dir = ascentDirection(negH, G, () => {
      const e = lik.expected(theta);
      return e.matrix === null ? undefined : free.map((i, a) => free.map((j, b) => J[a]! * e.matrix[i]![j]! * J[b]!));
    });
    if (dir === undefined) return finish('failed', it, 'the derivatives of the log-likelihood are not finite');
    steps.add(dir.how);
    metric = dir.metric;
    const { step, decrement } = dir;
    const size = Math.max(...step.map(Math.abs));
    const relative = Math.max(...step.map((x, a) => Math.abs(x) / (1 + Math.abs(u[a]!))));
    drift = dir.how === 'Newton' && decrement < 1e-3 && relative > 1e-3 && size >= 0.5 * previousStep ? drift + 1 : 0;
    previousStep = size;
    const steady = steadyCoordinates(moves);
    if (drift >= DRIFT_ITERATIONS || steady.length > 0 || u.some((x, a) => coords[a]!.kind !== 'identity' && Math.abs(x) > 700)) {
      const limits = new Map<number, number>();
      step.forEach((x, a) => {
        if (Math.abs(x) / (1 + Math.abs(u[a]!)) > 1e-4 || Math.abs(u[a]!) > 700 || steady.includes(a)) limits.set(free[a]!, coords[a]!.edge(x > 0 ? 1 : -1));
      });
      const status = [...limits.values()].every(Number.isFinite) ? 'boundary' : 'unbounded';
      for (const [i, v] of limits) theta[i] = v;
      return { theta, loglik: ll, iterations: it, status, limits, steps };
    }
    // ℓ's rounding: gains below it cannot be seen.
    const resolution = 1e-12 * (1 + Math.abs(ll));
    const next = lineSearch(lik, theta, put, u, step, ll, decrement, decrement < o.tolerance ? resolution : undefined, coords);
    if (next === undefined) {
      put(u);
      if (decrement / 2 <= 100 * resolution) return finish('converged', it);
      return finish('failed', it, `no step along the ${dir.how} direction increases the log-likelihood (predicted gain ${(decrement / 2).toExponential(2)})`);
    }
    moves.push(next.u.map((x, a) => x - u[a]!));
    if (moves.length > STEADY_ITERATIONS) moves.shift();
    u = next.u;
    ll = next.ll;
    put(u);
    if (decrement < o.tolerance) return finish('converged', it);
  }
  return finish('not-converged', newtonBudget);
}

interface Direction {
  readonly step: number[];
  readonly decrement: number;
  readonly how: string;
  /** The matrix A of the step A⁻¹g. */
  readonly metric: number[][];
}

/**
 * The ascent direction A⁻¹g and the Newton decrement gᵀA⁻¹g, with A = −H when it is positive
 * definite (Newton), else the expected information (Fisher scoring), else −H + λI (damped).
 */
function ascentDirection(negH: number[][], g: number[], expected: () => number[][] | undefined): Direction | undefined {
  if (g.some((x) => !Number.isFinite(x)) || negH.flat().some((x) => !Number.isFinite(x))) return undefined;
  const solve = (a: number[][], how: string): Direction | undefined => {
    const f = factorSpd(a);
    if (f === undefined) return undefined;
    const step = solveSpd(f, g);
    return { step, decrement: g.reduce((s, gi, i) => s + gi * step[i]!, 0), how, metric: a };
  };
  const newton = solve(negH, 'Newton');
  if (newton !== undefined) return newton;
  const e = expected();
  const scoring = e !== undefined && e.flat().every(Number.isFinite) ? solve(e, 'Fisher scoring') : undefined;
  if (scoring !== undefined) return scoring;
  const scale = Math.max(1e-300, ...negH.map((r, i) => Math.abs(r[i]!)), ...g.map(Math.abs));
  for (let lambda = 1e-8 * scale; lambda < 1e20 * scale; lambda *= 10) {
    const damped = solve(negH.map((r, i) => r.map((x, j) => (i === j ? x + lambda : x))), 'damped Newton');
    if (damped !== undefined) return damped;
  }
  return undefined;
}

/**
 * Backtracking (Armijo) along the step, at most 10 units in a log or logit coordinate at once.
 * A step must raise ℓ; with `slack` (the last step, at convergence) it may leave ℓ unchanged to
 * within ℓ's rounding.
 */
function lineSearch(
  lik: Likelihood,
  theta: Float64Array,
  put: (u: readonly number[]) => void,
  u: readonly number[],
  step: readonly number[],
  ll: number,
  decrement: number,
  slack: number | undefined,
  coords: readonly Coordinate[],
): { u: number[]; ll: number } | undefined {
  const bounded = Math.max(0, ...step.filter((_, a) => coords[a]!.kind !== 'identity').map(Math.abs));
  let t = bounded > 10 ? 10 / bounded : 1;
  for (let k = 0; k < 60; k++, t /= 2) {
    const trial = u.map((x, a) => x + t * step[a]!);
    put(trial);
    const value = lik.loglik(theta);
    if (!Number.isFinite(value)) continue;
    if (slack !== undefined ? value >= ll - slack : value > ll && value >= ll + 1e-4 * t * decrement) return { u: trial, ll: value };
  }
  return undefined;
}

/**
 * A compass search on ℓ for a log-likelihood with kinks (|x − μ|): try ± h along each coordinate,
 * keep what raises ℓ, halve h where nothing does; done when every h is below 1e-10 of the
 * coordinate's scale (the square root of the metric's inverse diagonal, or 1 + |u|).
 */
function patternSearch(
  lik: Likelihood,
  theta: Float64Array,
  put: (u: readonly number[]) => void,
  u0: readonly number[],
  ll0: number,
  metric: number[][] | undefined,
): { u: number[]; ll: number; converged: boolean } {
  const u = [...u0];
  let ll = ll0;
  const inv = metric === undefined ? undefined : inverseSpd(metric);
  const scale = u.map((x, a) => (inv !== undefined && inv[a]![a]! > 0 && Number.isFinite(inv[a]![a]!) ? Math.sqrt(inv[a]![a]!) : 1 + Math.abs(x)));
  const h = [...scale];
  const value = (a: number, x: number): number => {
    const keep = u[a]!;
    u[a] = x;
    put(u);
    const v = lik.loglik(theta);
    u[a] = keep;
    return Number.isFinite(v) ? v : -Infinity;
  };
  for (let evaluations = 0; evaluations < 20_000; evaluations += 2 * u.length) {
    if (h.every((x, a) => x < 1e-10 * scale[a]!)) {
      put(u);
      return { u, ll, converged: true };
    }
    for (let a = 0; a < u.length; a++) {
      const up = value(a, u[a]! + h[a]!);
      const down = value(a, u[a]! - h[a]!);
      if (up > ll && up >= down) {
        u[a] = u[a]! + h[a]!;
        ll = up;
      } else if (down > ll) {
        u[a] = u[a]! - h[a]!;
        ll = down;
      } else h[a] = h[a]! / 2;
    }
  }
  put(u);
  return { u, ll, converged: false };
}

// ---------------------------------------------------------------------------------------------
// Starting values.

/** Rows a start is chosen on, at most. */
const START_ROWS = 2000;

/** About `rows` rows of the data, evenly spaced. */
function everyKth(data: Columns, rows: number): Columns {
  const step = Math.ceil(data.n / rows);
  const n = Math.ceil(data.n / step);
  const columns = data.columns.map((c) => Float64Array.from({ length: n }, (_, i) => c[i * step]!));
  return { names: data.names, columns, n };
}

/**
 * Starting values: the given ones; the others from the domain's centre, improved by coordinate
 * sweeps over moment-based candidates of the data (the best log-likelihood wins).
 */
function startingValues(m: Model, lik: Likelihood, given: ReadonlyMap<string, number>): Float64Array {
  const theta = Float64Array.from(m.params, (p) => given.get(p.name) ?? domainCentre(p.range));
  const free = m.params.map((p, i) => (given.has(p.name) ? -1 : i)).filter((i) => i >= 0);
  if (free.length === 0) return theta;
  const candidates = momentCandidates(lik.data.columns.slice(0, m.data.length));
  let best = lik.loglik(theta);
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const i of free) {
      const r = m.params[i]!.range;
      for (const c of [domainCentre(r), ...candidates]) {
        if (!(c > r.lo && c < r.hi)) continue;
        const keep = theta[i]!;
        theta[i] = c;
        const v = lik.loglik(theta);
        if (Number.isFinite(v) && (v > best || !Number.isFinite(best))) best = v;
        else theta[i] = keep;
      }
    }
  }
  return theta;
}

// ---------------------------------------------------------------------------------------------
// The fit.

/**
 * The maximum-likelihood estimate of a model's parameters from a data set, with standard errors
 * from the expected and the observed information, Wald intervals, and (with `null`) the Wald,
 * score and likelihood-ratio tests of a point null hypothesis.
 *
 * @param data - Rows (`[{ x: 3 }, { x: 5 }]` or Maps) or columns (`{ x: [3, 5] }`); every data
 *   symbol and covariate needs a value, inside its declared support.
 * @throws {@link FisherError} `bad-value` or `support` for a missing value or one outside its
 *   support (naming the row and column); `unknown-name` for a start or null of a name that is not
 *   a parameter; `domain` for a start or null outside the domain; `bad-option` for a level outside
 *   (0, 1) or a null on every parameter's complement that cannot be fitted.
 * @example
 * const r = fit(parse('x ~ Poisson(lambda)'), { x: [2, 4, 3, 5] }, { null: { lambda: 2 } });
 * // The sample mean:
 * r.estimate; // → [3.5]
 * // sqrt(3.5/4):
 * r.stderr.expected; // → [0.935414346...]
 * // (14 - 8)^2/8:
 * r.tests.score.statistic; // → 4.50000000...
 * fit(parse('x ~ Bernoulli(p)'), { x: [0, 0, 0, 0] }).status; // → 'boundary'
 */
export function fit(m: Model, data: FitData, options: FitOptions = {}): FitResult {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new FisherError('bad-option', `the confidence level must lie strictly between 0 and 1, got ${level}`);
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-12;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new FisherError('bad-option', `maxIterations must be a whole number of at least 1, got ${maxIterations}`);
  if (!(tolerance > 0)) throw new FisherError('bad-option', `the tolerance must be positive, got ${tolerance}`);
  const start = paramValues(m, options.start, 'start');
  const nullValues = paramValues(m, options.null, 'null');
  if (options.null !== undefined && nullValues.size === 0) throw new FisherError('bad-option', 'the null hypothesis names no parameter');
  const prep = prepare(m);
  const lik = new Likelihood(m, prep, dataColumns(m, data, options.rowLabel));
  const warnings = [...m.warnings];
  const all = prep.params.map((_, i) => i);
  // The start is chosen on an evenly spaced subset of a large data set: it only ranks candidates.
  const theta0 = startingValues(m, lik.n > START_ROWS ? new Likelihood(m, prep, everyKth(lik.data, START_ROWS)) : lik, start);
  const opt = maximise(lik, prep, theta0, all, { maxIterations, tolerance });
  const base = {
    params: prep.params,
    estimate: Array.from(opt.theta),
    loglik: opt.loglik,
    n: lik.n,
    iterations: opt.iterations,
    start: Array.from(theta0),
    algorithm: [...opt.steps].join(' + ') || 'none (nothing to estimate)',
  };
  if (opt.status !== 'converged') {
    return {
      ...base,
      stderr: { expected: null, observed: null },
      interval: null,
      converged: false,
      status: opt.status,
      message: failureMessage(m, prep, opt, maxIterations),
      ...(opt.limits !== undefined ? { limits: Object.fromEntries([...opt.limits].map(([i, v]) => [prep.params[i]!, v])) } : {}),
      information: { expected: null, expectedMethod: null, observed: null },
      warnings: [...warnings, 'no standard errors, intervals or tests: the fit has no interior maximum'],
    };
  }
  if (prep.nonsmooth) warnings.push('the log-likelihood is not differentiable everywhere in the parameters (abs or sign of a parameter-dependent term): the estimate is where no step increases it, and there is no observed information (−H misses the curvature at the kinks)');
  const d = lik.derivatives(opt.theta);
  const observed = d.hessian.map((r) => r.map((x) => -x));
  const expected = options.expected === false ? { matrix: null, why: 'not requested' } : lik.expected(opt.theta);
  if (expected.matrix === null && options.expected !== false) warnings.push(`no expected information: ${expected.why}`);
  const seExpected = expected.matrix === null ? null : standardErrors(expected.matrix, 'expected', warnings);
  // With kinks in ℓ the Hessian misses the curvature concentrated on them: −H is no information.
  const seObserved = prep.nonsmooth ? null : standardErrors(observed, 'observed', warnings);
  const interval = waldIntervals(m, base.estimate, seExpected, seObserved, level, warnings);
  const result: FitResult = {
    ...base,
    stderr: { expected: seExpected, observed: seObserved },
    interval,
    converged: true,
    status: 'converged',
    information: { expected: expected.matrix, expectedMethod: expected.matrix === null ? null : expected.method, observed: prep.nonsmooth ? null : observed },
    warnings,
  };
  if (nullValues.size === 0) return result;
  const tests = hypothesisTests(m, prep, lik, opt, result, nullValues, { maxIterations, tolerance }, options.expected !== false, warnings);
  return { ...result, tests };
}

/**
 * Wald intervals θ̂ ± z·se at `level`, from the expected information's standard errors where all
 * exist, else the observed one's; a warning where an interval leaves its parameter's domain.
 */
function waldIntervals(m: Model, estimate: readonly number[], expected: (number | null)[] | null, observed: (number | null)[] | null, level: number, warnings: string[]): FitResult['interval'] {
  const complete = (se: (number | null)[] | null): se is number[] => se !== null && se.every((x) => x !== null);
  const basis = complete(expected) ? 'expected' : complete(observed) ? 'observed' : undefined;
  if (basis === undefined) return null;
  const se = (basis === 'expected' ? expected : observed) as number[];
  const z = normalQuantile(1 - (1 - level) / 2);
  const lower = estimate.map((t, i) => t - z * se[i]!);
  const upper = estimate.map((t, i) => t + z * se[i]!);
  m.params.forEach((p, i) => {
    if (lower[i]! <= p.range.lo || upper[i]! >= p.range.hi) warnings.push(`the Wald interval for ${p.name} leaves its domain ${p.label}: the normal approximation is poor here`);
  });
  return { level, basis, lower, upper };
}

/** Standard errors sqrt(diag(I⁻¹)), null (with a warning) where I is not positive definite. */
function standardErrors(info: number[][], what: string, warnings: string[]): (number | null)[] {
  const inv = inverseSpd(info);
  if (inv === undefined) {
    warnings.push(`the ${what} information is not positive definite at the estimate (a flat direction: the parameters may not be identifiable from these data): no ${what} standard errors`);
    return info.map(() => null);
  }
  return inv.map((r, i) => (r[i]! > 0 ? Math.sqrt(r[i]!) : null));
}

function failureMessage(m: Model, prep: Prepared, opt: Optimum, maxIterations: number): string {
  const at = prep.params.map((p, i) => `${p} = ${opt.theta[i]}`).join(', ');
  switch (opt.status) {
    case 'boundary':
    case 'unbounded': {
      const parts = [...opt.limits!].map(([i, v]) => {
        const decl = m.params[i]!;
        return Number.isFinite(v) ? `${decl.name} → ${v}, the edge of its domain ${decl.label}` : `${decl.name} → ${v > 0 ? '+' : '-'}∞`;
      });
      return opt.status === 'boundary'
        ? `the log-likelihood keeps increasing as ${parts.join(' and ')}: its supremum is on the boundary, not at an interior point (the data sit at an extreme: all zeros for a probability or a rate, constant values for a scale), so there is no finite standard error or Wald interval`
        : `the log-likelihood keeps increasing as ${parts.join(' and ')}: it has no finite maximum (e.g. separated data in a regression), so there is no maximum-likelihood estimate`;
    }
    case 'not-converged':
      return `no convergence in ${maxIterations} iterations (last point ${at}); try other starting values`;
    default:
      return `the fit stopped at ${at}: ${opt.failure ?? 'no progress'}`;
  }
}

/** The Wald, score and likelihood-ratio tests of θ_R = θ₀, the other parameters re-fitted under the null. */
function hypothesisTests(
  m: Model,
  prep: Prepared,
  lik: Likelihood,
  opt: Optimum,
  fitted: FitResult,
  nullValues: ReadonlyMap<string, number>,
  o: OptimiseOptions,
  useExpected: boolean,
  warnings: string[],
): FitTests {
  const restrictedIdx = prep.params.map((p, i) => (nullValues.has(p) ? i : -1)).filter((i) => i >= 0);
  const free = prep.params.map((p, i) => (nullValues.has(p) ? -1 : i)).filter((i) => i >= 0);
  const df = restrictedIdx.length;
  const chi = (statistic: number): TestResult => ({ statistic, df, pValue: chiSquareSurvival(statistic, df) });
  // The expected information, else the observed one (which a log-likelihood with kinks does not have).
  const info = (theta: ArrayLike<number>): { matrix: number[][] | undefined; kind: 'expected' | 'observed' } => {
    const e = useExpected ? lik.expected(theta) : undefined;
    if (e !== undefined && e.matrix !== null) return { matrix: e.matrix, kind: 'expected' };
    return { matrix: prep.nonsmooth ? undefined : lik.derivatives(theta).hessian.map((r) => r.map((x) => -x)), kind: 'observed' };
  };
  // Wald: the distance of θ̂_R from θ₀ in the metric of the estimate's covariance.
  const atMle = info(opt.theta);
  const cov = atMle.matrix === undefined ? undefined : inverseSpd(atMle.matrix);
  const delta = restrictedIdx.map((i) => opt.theta[i]! - nullValues.get(prep.params[i]!)!);
  const waldStat = cov === undefined ? undefined : quadraticFormInverse(restrictedIdx.map((i) => restrictedIdx.map((j) => cov[i]![j]!)), delta);
  const wald = waldStat === undefined ? null : chi(waldStat);
  if (wald === null) warnings.push('no Wald statistic: the information at the estimate is not positive definite');

  const start = Float64Array.from(opt.theta);
  for (const i of restrictedIdx) start[i] = nullValues.get(prep.params[i]!)!;
  const restricted = maximise(lik, prep, start, free, o);
  const nullRecord = Object.fromEntries(restrictedIdx.map((i) => [prep.params[i]!, nullValues.get(prep.params[i]!)!]));
  if (restricted.status !== 'converged') {
    warnings.push(`no score or likelihood-ratio test: under the null, ${failureMessage(m, prep, restricted, o.maxIterations)}`);
    return { null: nullRecord, restricted: Array.from(restricted.theta), restrictedLoglik: null, wald, score: null, lr: null, information: atMle.kind };
  }
  // Score (Rao): the total score at the restricted estimate, measured by the information there.
  const g = lik.derivatives(restricted.theta).gradient;
  const atNull = info(restricted.theta);
  const scoreStat = atNull.matrix === undefined ? undefined : quadraticFormInverse(atNull.matrix, g);
  if (scoreStat === undefined) warnings.push('no score statistic: the information at the restricted estimate is not positive definite');
  // Likelihood ratio.
  let lrStat: number | undefined = 2 * (fitted.loglik - restricted.loglik);
  if (lrStat < 0) {
    if (-lrStat <= 1e-9 * (1 + Math.abs(fitted.loglik))) lrStat = 0;
    else {
      warnings.push('no likelihood-ratio statistic: the fit under the null reached a higher log-likelihood than the unrestricted fit, which therefore stopped at a local maximum; try other starting values');
      lrStat = undefined;
    }
  }
  return {
    null: nullRecord,
    restricted: Array.from(restricted.theta),
    restrictedLoglik: restricted.loglik,
    wald,
    score: scoreStat === undefined ? null : chi(scoreStat),
    lr: lrStat === undefined ? null : chi(lrStat),
    information: atMle.kind === 'expected' && atNull.kind === 'expected' ? 'expected' : 'observed',
  };
}
