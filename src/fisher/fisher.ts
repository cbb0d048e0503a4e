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
import { supportSymbols, type Model } from '../lang/model';
import { constantValues, hessian, modelRanges, score } from './derivatives';
import { linearize, type Linear } from './linearize';
import { dataMoments, type MomentSource } from './moments';
import { expectation, type NumericFisher } from './numeric';
import { parameterPoints } from './points';
import { standardise, standardiseWithShape, type StandardDensity } from './standardize';

export type Estimator = 'negative-hessian' | 'score-outer-product';

export interface FisherOptions {
  /**
   * Confirm that the density integrates (sums) to 1 at a sample point before deriving (default
   * true for one data value or finite supports); a density that is not normalised is an error.
   */
  readonly checkNormalised?: boolean;
  /** Parameter (and covariate) values at which to evaluate the matrix. */
  readonly at?: ReadonlyMap<string, number>;
  /** Numeric evaluation for entries without a closed form (needs `at`); default true. */
  readonly numeric?: (m: Model, targets: ReadonlyArray<ReadonlyArray<Expr>>, at: ReadonlyMap<string, number>) => NumericFisher;
}

export interface FisherResult {
  readonly params: string[];
  /** Closed forms, `null` where none was derived. */
  readonly matrix: (Expr | null)[][];
  readonly closedForm: boolean;
  /** The rungs used, in the order of the ladder. */
  readonly method: string;
  /** The rung of each entry. */
  readonly methods: string[][];
  /** −E[Hessian], or E[score scoreᵀ] where the log-density is not smooth in θ. */
  readonly estimator: Estimator;
  readonly warnings: string[];
  /** Parameters that move the support (regularity fails): their entries carry no number. */
  readonly irregular: string[];
  /** The quantity each entry is the expectation of. */
  readonly targets: Expr[][];
  readonly value?: number[][];
  readonly error?: number[][];
  /** What the ladder did, entry by entry: the record a derivation is rendered from. */
  readonly trace: FisherTrace;
}

/** One term c_k(θ)·m_k(x) of a linearisation; the atom ONE holds the data-free part. */
export interface LinearTerm {
  readonly atom: Expr;
  readonly coef: Expr;
}

/** A fact E_θ[atom] = value that an entry used, and where it came from. */
export interface MomentFact {
  readonly atom: Expr;
  readonly value: Expr;
  readonly source: MomentSource;
}

/** The rung of one entry, without its details. */
export type Rung = 'constant in the data' | 'score identity' | 'log-partition' | 'standardisation' | 'numeric' | 'irregular' | 'open';

/** How one entry (i ≤ j) of the matrix was obtained. */
export interface EntryTrace {
  readonly i: number;
  readonly j: number;
  /** What the entry is the expectation of: −∂²ℓ/∂θ_i∂θ_j, or s_i s_j for a non-smooth ℓ. */
  readonly target: Expr;
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

/** Rung 3: the location–scale reduction x = m + s z (or log x = m + s z). */
export interface StandardisationTrace {
  readonly transform: 'identity' | 'log';
  readonly data: string;
  readonly location: Expr;
  readonly scale: Expr;
  readonly standard: StandardDensity;
  /** ∂m/∂θ_i and ∂s/∂θ_i: the Jacobian J of (m, s). */
  readonly dLocation: readonly Expr[];
  readonly dScale: readonly Expr[];
}

export interface FisherTrace {
  readonly entries: readonly EntryTrace[];
  /**
   * The score identity's equations E_θ[∂ℓ/∂θ_i] = 0 over data atoms (one linearisation per
   * parameter); present when some fact came from the score identity.
   */
  readonly scoreEquations?: ReadonlyArray<readonly LinearTerm[]>;
  readonly standardisation?: StandardisationTrace;
  /** Rung 3b: the name of the shape standardisation (a Student-t with ν a parameter). */
  readonly shape?: string;
  /** Rung 4: the numeric method, at `at`. */
  readonly numeric?: { readonly method: string; readonly at: ReadonlyMap<string, number> };
}

const RUNG_ORDER = ['constant in the data', 'score identity', 'log-partition', 'standardisation', 'numeric'];

/**
 * The Fisher information matrix of one observation.
 * @example printMatrix(fisher(parse('x ~ Normal(mu, sigma)')).matrix) // [[1/sigma^2, 0], [0, 2/sigma^2]]
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
    ...(numericMethod !== undefined && options.at !== undefined ? { numeric: { method: numericMethod, at: options.at } } : {}),
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
