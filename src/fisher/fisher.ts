/**
 * The expected Fisher information of one observation, by the method ladder of DESIGN.md §3:
 *
 * 1. entries free of the data are their own expectation;
 * 2. linearity and the score identity: each entry is Σ c_k(θ) m_k(x) over data atoms, and
 *    E_θ[∂ℓ/∂θ_i] = 0 gives linear equations for the E[m_k] (this is how an exponential family's
 *    E[T] = ∇A appears, in any parameterisation, without naming the family);
 * 3. standardisation of location–scale families of x or log x (Cauchy, Student-t, logistic,
 *    Gumbel, Laplace, Weibull with unknown shape) to constants of a standard density;
 * 4. numerically, at given parameter values, by quadrature or summation with an error estimate.
 *
 * Every entry records the rung that produced it; a closed form is claimed only when derived.
 */
import { diff } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { ONE, ZERO, add, call, mapBottomUp, mul, num, pow, symbols, type Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { simplify, tidy } from '../expr/simplify';
import { NameMap } from '../expr/json';
import { supportSymbols, type Model } from '../lang/model';
import { constantValues, hessian, modelRanges, score } from './derivatives';
import { linearize, type Linear } from './linearize';
import { dataMoments, type MomentSource } from './moments';
import { expectation, type NumericFisher } from './numeric';
import { parameterPoints } from './points';
import { standardise, standardiseWithShape, type StandardDensity } from './standardize';

/**
 * Which expectation a Fisher matrix is: `negative-hessian`, E[−∂²ℓ], the default; or
 * `score-outer-product`, E[s sᵀ], used where log p is not twice differentiable in θ (abs, sign),
 * where the two differ.
 *
 * @example
 * fisher(parse('x ~ Laplace(m, b)')).estimator; // → 'score-outer-product'
 */
export type Estimator = 'negative-hessian' | 'score-outer-product';

/**
 * Options of {@link fisher}.
 *
 * @example
 * fisher(parse('x ~ Gamma(a, b)'), { at: new Map([['a', 2], ['b', 3]]) }).value; // → [[0.644934066..., -0.333333333...], [-0.333333333..., 0.222222222...]]
 */
export interface FisherOptions {
  /**
   * Confirm that the density integrates (sums) to 1 at a sample point before deriving (default
   * true for one data value or finite supports); a density that is not normalised is an error.
   */
  readonly checkNormalised?: boolean;
  /** Parameter (and covariate) values at which to evaluate the matrix. */
  readonly at?: ReadonlyMap<string, number>;
  /**
   * The numeric evaluator of entries without a closed form, at `at`: {@link numericFisher}
   * (quadrature or summation), or another with its signature. Without it, such entries have no
   * number.
   */
  readonly numeric?: (m: Model, targets: ReadonlyArray<ReadonlyArray<Expr>>, at: ReadonlyMap<string, number>) => NumericFisher;
}

/**
 * The Fisher information of one observation, I(θ) = E_θ[−∂²ℓ/∂θ∂θᵀ], as {@link fisher} derived it:
 * closed forms where the ladder found them, what each entry is the expectation of, the rung behind
 * each entry, numbers at a point, and the trace a derivation is written from.
 *
 * @example
 * const r = fisher(parse('x ~ Weibull(k, lambda)'));
 * [r.closedForm, r.method]; // → [true, 'score identity + standardisation (Gumbel (minimum) of log x)']
 * r.matrix[0][0]; // → (pi^2/6 + (1 - euler_gamma)^2)/k^2
 */
export interface FisherResult {
  /** The parameters, in order: the rows and columns of the matrix. */
  readonly params: string[];
  /** Closed forms, `null` where none was derived. */
  readonly matrix: (Expr | null)[][];
  /** True when every entry has a closed form. */
  readonly closedForm: boolean;
  /**
   * The rungs used, in the order of the ladder, joined by ` + `: `constant in the data`,
   * `score identity`, `log-partition (... family)`, `standardisation (...)`, `numeric (...)`.
   */
  readonly method: string;
  /** The rung of each entry. */
  readonly methods: string[][];
  /** −E[Hessian], or E[score scoreᵀ] where the log-density is not smooth in θ. */
  readonly estimator: Estimator;
  /** Notes a reader must see (the model's, and the ladder's). */
  readonly warnings: string[];
  /** Parameters that move the support (regularity fails): their entries carry no number. */
  readonly irregular: string[];
  /** The quantity each entry is the expectation of. */
  readonly targets: Expr[][];
  /** With `at`: the matrix's numbers there (NaN for an irregular parameter's entries). */
  readonly value?: number[][];
  /** With `at`: an estimate of each number's absolute error (0 for a closed form). */
  readonly error?: number[][];
  /** What the ladder did, entry by entry: the record a derivation is rendered from. */
  readonly trace: FisherTrace;
}

/**
 * One term c_k(θ)·m_k(x) of a linearisation: an entry written as a sum over data atoms m_k with
 * coefficients free of the data; the atom 1 holds the data-free part.
 *
 * @example
 * fisher(parse('x ~ Normal(mu, sigma)')).trace.entries[2].linear; // → [{ atom: 1, coef: 3*mu^2/sigma^4 - 1/sigma^2 }, { atom: x, coef: -6*mu/sigma^4 }, { atom: x^2, coef: 3/sigma^4 }]
 */
export interface LinearTerm {
  /** The data atom m_k(x) (1 for the data-free part). */
  readonly atom: Expr;
  /** Its coefficient c_k(θ). */
  readonly coef: Expr;
}

/**
 * A fact E_θ[atom] = value that an entry used, and where it came from.
 *
 * @example
 * fisher(parse('x ~ Normal(mu, sigma)')).trace.entries[2].facts; // → [{ atom: x, value: mu, source: 'score identity' }, { atom: x^2, value: mu^2 + sigma^2, source: 'score identity' }]
 */
export interface MomentFact {
  /** The data atom. */
  readonly atom: Expr;
  /** Its expectation, a function of θ. */
  readonly value: Expr;
  /** How it was found. */
  readonly source: MomentSource;
}

/**
 * The rung of the ladder behind one entry, without its details: `constant in the data` (1),
 * `score identity` (2), `log-partition` (2b), `standardisation` (3), `numeric` (4), `irregular`
 * (a support that moves with θ), `open` (no closed form and no number).
 *
 * @example
 * fisher(parse('x ~ Normal(mu, sigma)')).trace.entries.map((e) => e.rung); // → ['constant in the data', 'score identity', 'score identity']
 */
export type Rung = 'constant in the data' | 'score identity' | 'log-partition' | 'standardisation' | 'numeric' | 'irregular' | 'open';

/**
 * How one entry (i ≤ j) of the matrix was obtained.
 *
 * @example
 * const e = fisher(parse('x ~ Poisson(lam)')).trace.entries[0];
 * [e.target, e.rung, e.substituted, e.result]; // → [x/lam^2, 'score identity', 1/lam, 1/lam]
 */
export interface EntryTrace {
  /** The row (0-based). */
  readonly i: number;
  /** The column (0-based), i ≤ j. */
  readonly j: number;
  /** What the entry is the expectation of: −∂²ℓ/∂θ_i∂θ_j, or s_i s_j for a non-smooth ℓ. */
  readonly target: Expr;
  /** The rung that gave the entry. */
  readonly rung: Rung;
  /** The text of `methods[i][j]`. */
  readonly method: string;
  /** Rungs 2 and 2b: the target as Σ c_k(θ) m_k(x). */
  readonly linear?: readonly LinearTerm[];
  /** Rungs 2 and 2b: E[m_k] for each data atom of the linearisation. */
  readonly facts?: readonly MomentFact[];
  /** Rungs 2 and 2b: Σ c_k E[m_k] with the facts substituted, before tidying. */
  readonly substituted?: Expr;
  /** The closed form (null without one). */
  readonly result: Expr | null;
}

/**
 * Rung 3: the location–scale reduction x = m + s z (or log x = m + s z), where I(θ) = Jᵀ I₀ J with
 * J = ∂(m, s)/∂θ and I₀ the standard density's information in (location, scale), divided by s².
 *
 * @example
 * const st = fisher(parse('x ~ Weibull(k, lambda)')).trace.standardisation;
 * [st.transform, st.data, st.location, st.scale, st.standard.name]; // → ['log', 'x', log(lambda), 1/k, 'Gumbel (minimum)']
 */
export interface StandardisationTrace {
  /** `log` when log x, not x, is the location–scale variable. */
  readonly transform: 'identity' | 'log';
  /** The datum. */
  readonly data: string;
  /** The location m(θ). */
  readonly location: Expr;
  /** The scale s(θ). */
  readonly scale: Expr;
  /** The standard density z follows. */
  readonly standard: StandardDensity;
  /** ∂m/∂θ_i: the location's row of the Jacobian J. */
  readonly dLocation: readonly Expr[];
  /** ∂s/∂θ_i: the scale's row of the Jacobian J. */
  readonly dScale: readonly Expr[];
}

/**
 * What the ladder did, entry by entry: the record {@link derive} writes a derivation from.
 *
 * @example
 * const t = fisher(parse('x ~ Normal(mu, sigma)')).trace;
 * t.entries.map((e) => `${e.i}${e.j}: ${e.method}`); // → ['00: constant in the data', '01: score identity', '11: score identity']
 * t.scoreEquations; // → [[{ atom: 1, coef: -mu/sigma^2 }, { atom: x, coef: 1/sigma^2 }], [{ atom: 1, coef: mu^2/sigma^3 - 1/sigma }, { atom: x, coef: -2*mu/sigma^3 }, { atom: x^2, coef: 1/sigma^3 }]]
 */
export interface FisherTrace {
  /** The entries i ≤ j, by rows. */
  readonly entries: readonly EntryTrace[];
  /**
   * The score identity's equations E_θ[∂ℓ/∂θ_i] = 0 over data atoms (one linearisation per
   * parameter); present when some fact came from the score identity.
   */
  readonly scoreEquations?: ReadonlyArray<readonly LinearTerm[]>;
  /** Rung 3: the location–scale reduction, when used. */
  readonly standardisation?: StandardisationTrace;
  /** Rung 3b: the name of the shape standardisation (a Student-t with ν a parameter). */
  readonly shape?: string;
  /** Rung 4: the numeric method, at `at`. */
  readonly numeric?: {
    /** The quadrature or summation used. */
    readonly method: string;
    /** The point. */
    readonly at: ReadonlyMap<string, number>;
  };
}

const RUNG_ORDER = ['constant in the data', 'score identity', 'log-partition', 'standardisation', 'numeric'];

/**
 * The Fisher information matrix of one observation, I(θ) = E_θ[−∂²/∂θ∂θᵀ log p(x | θ)], by the
 * method ladder: (1) entries free of the data are their own expectation; (2) linearity and the
 * score identity E_θ[∂ℓ/∂θ_i] = 0, solved for the expectations of the data atoms (2b: a full
 * exponential family's log-partition); (3) standardisation of location–scale families of x or
 * log x to constants of a standard density; (4) with `at`, numerically, by adaptive quadrature or
 * summation with an error estimate. Every entry records its rung; a closed form is claimed only
 * when derived, and `null` marks an entry without one.
 *
 * Where log p is not twice differentiable in θ (abs, sign), the matrix is E[s sᵀ]; where the
 * support moves with θ (Uniform(0, θ)), regularity fails and those parameters' entries have no
 * number (`irregular`).
 *
 * @throws {@link FisherError} `bad-value` when the density does not integrate (sum) to 1 at a
 *   sample point (with the missing constant when it is one); `too-large`, `not-differentiable` from
 *   the derivatives; `support` when a numeric expectation is not available for the data's supports.
 * @example
 * printMatrix(fisher(parse('x ~ Normal(mu, sigma)')).matrix); // → '[[1/sigma^2, 0], [0, 2/sigma^2]]'
 * const t = fisher(parse('x ~ StudentT(nu, mu, sigma)'));
 * t.method; // → 'standardisation (Student-t with its degrees of freedom a parameter)'
 * const mix = fisher(parse('data x in real; param w in (0, 1); logp = log(w*exp(-x^2/2) + (1 - w)*exp(-(x - 1)^2/2)) - log(2*pi)/2'), { at: new Map([['w', 0.3]]), numeric: numericFisher });
 * [mix.matrix, mix.method, mix.value, mix.error]; // → [[[null]], 'numeric (adaptive Gauss–Kronrod quadrature)', [[0.875332739...]], [[1.8...e-11]]]
 * fisher(parse('data x in real; param mu in real; logp = -(x - mu)^2/2')); // → throws FisherError (bad-value): the density is not normalised: exp(logp) integrates to 2.5066283 instead of 1 over the support, at mu = 1.353383039523142 (check the normalising constant and the declared support); the total does not depend on the parameters, so a constant is missing: add `- log(2.506628275)` to logp
 */
export function fisher(m: Model, options: FisherOptions = {}): FisherResult {
  const ranges = modelRanges(m);
  const params = m.params.map((p) => p.name);
  const data = m.data.map((d) => d.name);
  // A model made only of built-in families is normalised by construction.
  if (options.checkNormalised !== false && !m.familiesOnly) confirmNormalised(m, options.at);
  const continuous = m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex');
  const warnings = [...m.warnings];
  const s = score(m);
  const nonsmooth = isNonsmooth(m.logp, params);
  const estimator: Estimator = nonsmooth ? 'score-outer-product' : 'negative-hessian';
  if (nonsmooth) {
    warnings.push('log p is not differentiable in the parameters everywhere (abs or sign of a parameter-dependent term): F is computed as E[score scoreᵀ]; −E[Hessian] does not equal it here');
  }
  const h = nonsmooth ? undefined : hessian(m);
  const n = params.length;
  const targets: Expr[][] = params.map(() => params.map(() => ZERO));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const raw = nonsmooth ? mul(s[i]!, s[j]!) : mul(minusOne, h![i]![j]!);
      targets[i]![j] = simplify(continuous ? almostEverywhere(raw) : raw, { ranges });
    }
  }

  const matrix: (Expr | null)[][] = params.map(() => params.map(() => null));
  const methods: string[][] = params.map(() => params.map(() => ''));
  const details = new Map<string, Pick<EntryTrace, 'linear' | 'facts' | 'substituted'>>();
  const hasData = (e: Expr): boolean => [...symbols(e)].some((x) => data.includes(x));
  const set = (i: number, j: number, e: Expr, how: string, detail?: Pick<EntryTrace, 'linear' | 'facts' | 'substituted'>): void => {
    const t = tidy(e, { ranges });
    matrix[i]![j] = t;
    matrix[j]![i] = t;
    methods[i]![j] = how;
    methods[j]![i] = how;
    if (detail !== undefined) details.set(`${i},${j}`, detail);
  };

  // Parameters that move the support: the regularity conditions fail, and neither E[−H] nor
  // E[s sᵀ] is the information the Cramér–Rao bound needs. Their rows are left without a number.
  const irregular = new Set(params.filter((p) => m.data.some((d) => supportSymbols(d.support).includes(p))));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (irregular.has(params[i]!) || irregular.has(params[j]!)) methods[i]![j] = `irregular: the support depends on ${[...irregular].filter((p) => p === params[i] || p === params[j]).join(' and ')}`;
    }
  }
  const open = (i: number, j: number): boolean => matrix[i]![j] === null && !methods[i]![j]!.startsWith('irregular');

  // Rung 1: no data.
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (open(i, j) && !hasData(targets[i]![j]!)) set(i, j, targets[i]![j]!, 'constant in the data');

  // Rung 2: linearity + the score identity; 2b: a curved exponential family's log-partition.
  let usedScoreIdentity = false;
  const anyOpen = (): boolean => matrix.some((r, i) => r.some((_, j) => open(i, j)));
  if (anyOpen()) {
    try {
      const entryLin = new Map<string, Linear>();
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (open(i, j)) entryLin.set(`${i},${j}`, linearize(targets[i]![j]!, data));
      const moments = dataMoments(m, [...entryLin.values()], {
        ranges,
        points: parameterPoints(m, 3),
        ...(continuous ? { almostEverywhere } : {}),
      });
      for (const [key, lin] of entryLin) {
        const v = moments.expect(lin);
        if (v === undefined) continue;
        const [i, j] = key.split(',').map(Number) as [number, number];
        const facts = [...lin.keys()].filter((a) => a !== ONE).map((a) => ({ atom: a, ...moments.known.get(a)! }));
        set(i, j, v.value, v.source, { linear: terms(lin), facts, substituted: v.value });
        if (facts.some((f) => f.source === 'score identity')) usedScoreIdentity = true;
      }
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
    }
  }

  // Rung 3: standardisation of a location–scale family.
  let standardName: string | undefined;
  let standardisation: StandardisationTrace | undefined;
  let shape: string | undefined;
  if (anyOpen()) {
    const st = standardise(m, ranges);
    if (st !== undefined) {
      standardisation = {
        transform: st.transform,
        data: data[0]!,
        location: st.location,
        scale: st.scale,
        standard: st.standard,
        dLocation: params.map((p) => simplify(diff(st.location, p), { ranges })),
        dScale: params.map((p) => simplify(diff(st.scale, p), { ranges })),
      };
      standardName = `${st.standard.name}${st.transform === 'log' ? ' of log ' + data[0] : ''}`;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (open(i, j)) set(i, j, st.matrix[i]![j]!, `standardisation (${standardName})`);
    }
  }

  // Rung 3b: a Student-t whose degrees of freedom are a parameter, entry by entry.
  if (anyOpen()) {
    const st = standardiseWithShape(m, ranges, targets);
    if (st !== undefined) {
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const e = st.matrix[i]![j];
          if (open(i, j) && e !== null && e !== undefined) {
            set(i, j, e, `standardisation (${st.name})`);
            shape = st.name;
          }
        }
      }
      if (standardName === undefined && methods.flat().some((x) => x.includes(st.name))) standardName = st.name;
    }
  }

  const closedForm = irregular.size === 0 && matrix.every((r) => r.every((e) => e !== null));
  const used = new Set(methods.flat().filter((x) => x !== '').map((x) => x.replace(/ \(.*\)$/, '')));
  let value: number[][] | undefined;
  let error: number[][] | undefined;
  let numericMethod: string | undefined;
  if (options.at !== undefined) {
    const env = new Map([...constantValues(m), ...options.at]);
    const num = anyOpen() && options.numeric !== undefined ? options.numeric(m, targets, env) : undefined;
    if (num !== undefined) {
      numericMethod = num.method;
      used.add('numeric');
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (open(i, j)) methods[i]![j] = num.method;
    }
    if (!anyOpen() || num !== undefined) {
      value = matrix.map((r, i) => r.map((e, j) => (e !== null ? evaluate(e, env) : open(i, j) ? num!.value[i]![j]! : NaN)));
      error = matrix.map((r, i) => r.map((e, j) => (e !== null ? 0 : open(i, j) ? num!.error[i]![j]! : NaN)));
    }
  }
  const trace = buildTrace(targets, matrix, methods, details, {
    ...(usedScoreIdentity ? { scoreEquations: s.map((e) => terms(linearize(continuous ? almostEverywhere(e) : e, data))) } : {}),
    ...(standardisation !== undefined && methods.flat().some((x) => x === `standardisation (${standardName})`) ? { standardisation } : {}),
    ...(shape !== undefined ? { shape } : {}),
    ...(numericMethod !== undefined && options.at !== undefined ? { numeric: { method: numericMethod, at: new NameMap(options.at) } } : {}),
  });
  const method = RUNG_ORDER.filter((r) => used.has(r))
    .map((r) => (r === 'standardisation' && standardName !== undefined ? `standardisation (${standardName})` : r === 'numeric' && numericMethod !== undefined ? numericMethod : r === 'log-partition' ? methods.flat().find((x) => x.startsWith('log-partition'))! : r))
    .join(' + ');
  return {
    params,
    matrix,
    closedForm,
    method: method === '' ? 'none' : method,
    methods,
    estimator,
    warnings,
    irregular: [...irregular],
    targets,
    ...(value !== undefined ? { value } : {}),
    ...(error !== undefined ? { error } : {}),
    trace,
  };
}

/** A linearisation as a list of terms, the data-free part first. */
function terms(lin: Linear): LinearTerm[] {
  const out = [...lin].map(([atom, coef]) => ({ atom, coef }));
  return [...out.filter((t) => t.atom === ONE), ...out.filter((t) => t.atom !== ONE)];
}

function rungOf(method: string): Rung {
  if (method === '') return 'open';
  if (method.startsWith('irregular')) return 'irregular';
  if (method.startsWith('numeric')) return 'numeric';
  if (method.startsWith('log-partition')) return 'log-partition';
  if (method.startsWith('standardisation')) return 'standardisation';
  return method as Rung;
}

function buildTrace(
  targets: Expr[][],
  matrix: (Expr | null)[][],
  methods: string[][],
  details: ReadonlyMap<string, Pick<EntryTrace, 'linear' | 'facts' | 'substituted'>>,
  rest: Omit<FisherTrace, 'entries'>,
): FisherTrace {
  const entries: EntryTrace[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i; j < targets.length; j++) {
      entries.push({ i, j, target: targets[i]![j]!, rung: rungOf(methods[i]![j]!), method: methods[i]![j]!, ...(details.get(`${i},${j}`) ?? {}), result: matrix[i]![j]! });
    }
  }
  return { entries, ...rest };
}

const minusOne: Expr = /* @__PURE__ */ num(-1);

/**
 * The ladder's identities hold only for a normalised density: check ∫p = 1 (Σp = 1) at one point
 * where that can be done numerically (one data value, or finite supports).
 */
function confirmNormalised(m: Model, at: ReadonlyMap<string, number> | undefined): void {
  // One data value only: several finite data values may carry a constraint the supports do not
  // state (one-hot categories), and a support that moves with θ has no safe random point.
  if (m.data.length !== 1 || m.data[0]!.support.kind === 'simplex') return;
  if (at === undefined && supportSymbols(m.data[0]!.support).some((s) => m.symbols.get(s)?.role === 'param')) return;
  const [env, other] = at !== undefined ? [new Map([...constantValues(m), ...at]), parameterPoints(m, 1, 2024)[0]!] : parameterPoints(m, 2, 2024);
  try {
    expectation(m, [], env!, 1e-8);
  } catch (e) {
    if (!(e instanceof FisherError) || e.code !== 'bad-value') throw e;
    // A mass that does not change with θ means a missing constant: say which.
    let hint = '';
    try {
      const a = expectation(m, [], env!, 1e-8, false).mass;
      const b = expectation(m, [], other!, 1e-8, false).mass;
      if (Math.abs(a - b) <= 1e-7 * a) hint = `; the total does not depend on the parameters, so a constant is missing: add \`- log(${Number(a.toPrecision(10))})\` to logp`;
    } catch {
      /* no hint */
    }
    throw new FisherError('bad-value', `${e.message}${hint}`);
  }
}

/** Does the log-density use a function whose derivative holds only almost everywhere, on θ? */
export function isNonsmooth(logp: Expr, params: readonly string[]): boolean {
  let found = false;
  mapBottomUp(logp, (node) => {
    if (node.kind === 'call' && FUNCTIONS.get(node.fn)?.nonsmooth && params.some((p) => symbols(node).has(p))) found = true;
    return node;
  });
  return found;
}

/**
 * Rewrites that hold except on a set of measure zero (so inside an expectation over continuous
 * data): sign(u)² = 1, sign(u)·|u| = u.
 */
export function almostEverywhere(e: Expr): Expr {
  return mapBottomUp(e, (_node, r) => {
    if (r.kind === 'pow' && r.base.kind === 'call' && r.base.fn === 'sign' && r.exp.kind === 'num' && r.exp.value.d === 1n && r.exp.value.n % 2n === 0n) return ONE;
    if (r.kind === 'mul') {
      const signs = r.factors.filter((f) => f.kind === 'call' && f.fn === 'sign');
      for (const sgn of signs) {
        const u = (sgn as Extract<Expr, { kind: 'call' }>).args[0]!;
        const absU = call('abs', [u]);
        const k = r.factors.findIndex((f) => f === absU || (f.kind === 'pow' && f.base === absU));
        if (k < 0) continue;
        const f = r.factors[k]!;
        const rest = r.factors.filter((x) => x !== sgn && x !== f);
        // sign(u) |u|^k = u |u|^(k − 1)
        const reduced = f.kind === 'pow' ? mul(u, pow(absU, add(f.exp, minusOne))) : u;
        return mul(...rest, reduced);
      }
    }
    return r;
  });
}
