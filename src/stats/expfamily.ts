/**
 * Exponential families, recognised by the structure of the log-density — in any
 * parameterisation, never by a family's name:
 *
 *   log p(x | θ) = η(θ)·T(x) − A(θ) + log h(x).
 *
 * The log-density is rewritten so that data and parameters can part (logs of products, exp and
 * cos/sin of sums, a function of a two-valued datum as a line through its two values), split into
 * data atoms by linearity (src/fisher/linearize.ts), and reduced to a minimal representation. From
 * there: the mean parameters m = E[T] by the ladder's score identity or a full family's
 * log-partition (src/fisher/moments.ts); θ(η) by a small equation solver, hence A(η);
 * Cov[T] = ∇²_η A (the Fisher matrix in natural coordinates), its inverse (mean coordinates), and
 * the Fisher matrix in θ as Jᵀ Cov[T] J with J = ∂η/∂θ, checked against the ladder.
 *
 * When the density is not an exponential family, the reason is specific: a support that moves
 * with θ, or the term that does not separate into η(θ)·T(x), with a numeric witness (the
 * functions x ↦ log p(x | θ) − log p(x | θ₀) span more dimensions than any exponential family of
 * that size could).
 */
import { diff, hessianOf } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { MINUS_ONE, ONE, ZERO, add, call, compare, dependsOn, div, mapBottomUp, mul, neg, num, pow, size, sub, subexpressions, substitute, sym, symbols, type Expr } from '../expr/expr';
import { isPositive, type Interval } from '../expr/interval';
import { rangeOf, type SymbolRanges } from '../expr/range';
import { rationalForm } from '../expr/rationalform';
import { qisInt, qtoNumber, rat } from '../expr/rational';
import { expandLogs, simplify } from '../expr/simplify';
import { isNegativeTerm, printExpr } from '../expr/print';
import { NameMap } from '../expr/json';
import { supportSymbols, type Declaration, type Model } from '../lang/model';
import { symmetricEigenvalues } from '../fisher/check';
import { constantValues, modelRanges } from '../fisher/derivatives';
import { almostEverywhere, fisher, type FisherResult } from '../fisher/fisher';
import { linearize, type Linear } from '../fisher/linearize';
import { dataMoments } from '../fisher/moments';
import { expectation, numericFisher } from '../fisher/numeric';
import { inside, parameterPoints, vanishesAt } from '../fisher/points';
import { Rng } from '../numeric/random';
import { congruence, finalise, inverse, inverseNumeric, transpose } from './crb';

/**
 * The answer of {@link expfamily} for a model that is not (recognised as) an exponential family,
 * with the specific reason.
 *
 * @example
 * const r = expfamily(parse('x ~ Uniform(0, theta)'));
 * [r.exponentialFamily, r.certain, r.reason]; // → [false, true, 'the support (0, theta) of x depends on theta: an exponential family has the same support for every θ (p > 0 exactly where h > 0)']
 */
export interface NotExponentialFamily {
  /** Tells the two answers apart. */
  readonly exponentialFamily: false;
  /** The parameters, in order. */
  readonly params: string[];
  /** Why not, specifically: "log(1 + (x - mu)^2/s^2) does not separate into η(θ)·T(x) …". */
  readonly reason: string;
  /** The term of log p that mixes the data and the parameters, when that is the reason. */
  readonly term?: Expr;
  /** The numeric span of x ↦ log p(x | θ) − log p(x | θ₀) over sample points, when measured. */
  readonly span?: number;
  /**
   * True when the reason is a proof or a clear numeric witness; false when the term does not
   * separate symbolically but the span test finds few dimensions (it may be an exponential family
   * fisherlab cannot write as one).
   */
  readonly certain: boolean;
}

/**
 * An exponential family log p(x | θ) = η(θ)·T(x) − A(θ) + log h(x), as {@link expfamily} found
 * it: natural parameters, statistics, log-partition in θ and (where solved) in η, base measure,
 * mean parameters, and the Fisher matrix in natural, mean and original coordinates.
 *
 * @example
 * const r = expfamily(parse('x ~ Gamma(k, b)'));
 * [r.eta, r.stats, r.logPartition, r.logBase]; // → [[-b, k - 1], [x, log(x)], lgamma(k) - k*log(b), 0]
 * [r.naturalNames, r.inverse, r.logPartitionNatural]; // → [['eta1', 'eta2'], Map { 'b' => -eta1, 'k' => eta2 + 1 }, lgamma(eta2 + 1) - (eta2 + 1)*log(-eta1)]
 * [r.mean, r.meanSources]; // → [[k/b, digamma(k) - log(b)], ['score identity', 'score identity']]
 * [r.natural, r.naturalSource]; // → [[[k/b^2, 1/b], [1/b, trigamma(k)]], '∇²A(η) at η = η(θ)']
 * [r.curved, r.rank, r.jacobian, r.fullFamily, r.agreesWithLadder]; // → [false, 2, [[0, -1], [1, 0]], null, true]
 */
export interface ExponentialFamily {
  /** Tells the two answers apart. */
  readonly exponentialFamily: true;
  /** The parameters θ, in order. */
  readonly params: string[];
  /** The data. */
  readonly data: string[];
  /** Natural parameters η(θ), one per statistic. */
  readonly eta: Expr[];
  /** Sufficient statistics T(x). */
  readonly stats: Expr[];
  /** The log-partition as a function of θ, A(θ) (up to an additive constant, which is in log h). */
  readonly logPartition: Expr;
  /** log h(x): the base measure (with the constants of the density). */
  readonly logBase: Expr;
  /** Names of the natural coordinates (eta1, eta2, …). */
  readonly naturalNames: string[];
  /** dim η > rank ∂η/∂θ: the family is a curve (surface) inside a larger full family. */
  readonly curved: boolean;
  /** The rank of ∂η/∂θ at sample points (< the number of parameters: not identifiable). */
  readonly rank: number;
  /** ∂η/∂θ, one row per statistic, one column per parameter. */
  readonly jacobian: Expr[][];
  /** θ(η), when the equations η(θ) = η were solved. */
  readonly inverse: ReadonlyMap<string, Expr> | null;
  /** A(η), where θ(η) is known. */
  readonly logPartitionNatural: Expr | null;
  /** The full family a curved one lies in, recognised by support, statistics and base measure. */
  readonly fullFamily: string | null;
  /** Mean parameters E[T], with how each was found. */
  readonly mean: (Expr | null)[];
  /** How each mean parameter was found (the score identity, a full family's log-partition). */
  readonly meanSources: string[];
  /** Cov[T] = ∇²_η A: the Fisher matrix in natural coordinates. */
  readonly natural: Expr[][] | null;
  /** How Cov[T] was found (∇²A(η), or ∇²A(η) at η = η(θ), ...). */
  readonly naturalSource: string;
  /** Cov[T]⁻¹: the Fisher matrix in mean coordinates. */
  readonly meanCoordinates: Expr[][] | null;
  /** Jᵀ Cov[T] J: the Fisher matrix in θ. */
  readonly fisher: Expr[][] | null;
  /** The ladder's Fisher matrix, and whether Jᵀ Cov[T] J agrees with it. */
  readonly ladder: FisherResult;
  /** Whether Jᵀ Cov[T] J equals the ladder's matrix (undefined where either is missing). */
  readonly agreesWithLadder: boolean | undefined;
  /** Remarks for a reader (statistics merged into a minimal representation, ...). */
  readonly notes: string[];
  /** Numbers at `at`. */
  readonly value?: ExpFamilyValues;
}

/**
 * The numbers of an exponential family at a point (`at`).
 *
 * @example
 * const r = expfamily(parse('x ~ Poisson(lam)'), { at: new Map([['lam', 4]]) });
 * r.value; // → { eta: [1.3862943611198906], mean: [4], logPartition: 4, natural: [[4]], meanCoordinates: [[0.25]], fisher: [[0.25]] }
 */
export interface ExpFamilyValues {
  /** η at the point. */
  readonly eta: number[];
  /** E[T] at the point. */
  readonly mean: number[];
  /** A at the point. */
  readonly logPartition: number;
  /** Cov[T] at the point. */
  readonly natural: number[][] | null;
  /** Cov[T]⁻¹ at the point. */
  readonly meanCoordinates: number[][] | null;
  /** The Fisher matrix in θ at the point. */
  readonly fisher: number[][] | null;
}

/** Symbolic inverses of Cov[T] (mean coordinates) and of ∂η/∂θ up to these sizes; larger ones are numeric at --at. */
const MAX_SYMBOLIC_INVERSE = 4;
const MAX_SYMBOLIC_JACOBIAN = 6;

/**
 * The answer of {@link expfamily}: an {@link ExponentialFamily} or a {@link NotExponentialFamily},
 * told apart by `exponentialFamily`.
 *
 * @example
 * const r = expfamily(parse('x ~ Bernoulli(p)'));
 * r.exponentialFamily ? r.eta : r.reason; // → [log(p) - log(1 - p)]
 */
export type ExpFamilyResult = ExponentialFamily | NotExponentialFamily;

/**
 * Options of {@link expfamily}.
 *
 * @example
 * expfamily(parse('x ~ Exponential(lam)'), { at: new Map([['lam', 2]]) }).value.mean; // → [0.5]
 */
export interface ExpFamilyOptions {
  /** Parameter (and covariate) values at which to evaluate. */
  readonly at?: ReadonlyMap<string, number>;
}

/**
 * Decides from the structure of log p, in any parameterisation and for densities no table names,
 * whether the model is an exponential family log p(x | θ) = η(θ)·T(x) − A(θ) + log h(x), and if so
 * gives its natural parameters η, statistics T (a minimal representation), log-partition A (in θ,
 * and in η where η(θ) = η could be solved), base measure h, mean parameters E[T], and the Fisher
 * matrix as Cov[T] = ∇²A(η) (natural coordinates), Cov[T]⁻¹ (mean coordinates) and Jᵀ Cov[T] J
 * with J = ∂η/∂θ, checked against the ladder. A family with more natural parameters than free ones
 * is curved, and says so. When it is not one, the reason is specific: a support that moves with
 * θ, or the term that does not separate, with a numeric witness.
 *
 * @throws {@link FisherError} as {@link fisher}; `bad-value` for values at `at` outside the domains.
 * @example
 * const r = expfamily(parse('x ~ Normal(mu, sigma)'));
 * r.exponentialFamily && r.eta; // → [mu/sigma^2, -1/(2*sigma^2)]
 * r.exponentialFamily && r.stats; // → [x, x^2]
 * r.exponentialFamily && r.fisher; // → [[1/sigma^2, 0], [0, 2/sigma^2]]
 * const c = expfamily(parse('x ~ Cauchy(mu, s)'));
 * [c.exponentialFamily, c.certain, c.term]; // → [false, true, log(1 + (x - mu)^2/s^2)]
 * expfamily(parse('x ~ Normal(theta, theta^2)')).curved; // → true
 */
export function expfamily(m: Model, options: ExpFamilyOptions = {}): ExpFamilyResult {
  const params = m.params.map((p) => p.name);
  const data = m.data.map((d) => d.name);
  const ranges = modelRanges(m);
  const sep = separate(m, ranges);
  if ('reason' in sep) return { exponentialFamily: false, params, ...sep };
  const { eta, stats, logPartition, logBase } = sep;
  const notes: string[] = [...sep.notes];
  const points = parameterPoints(m, 6, 4242);

  const jacobian = eta.map((e) => params.map((p) => simplify(diff(e, p), { ranges })));
  const rank = numericRank(jacobian, points);
  const curved = eta.length > rank;
  if (rank < params.length) notes.push(`∂η/∂θ has rank ${rank} < ${params.length}: the parameters are not identifiable, and the Fisher matrix is singular`);

  const taken = new Set([...m.symbols.keys()]);
  const naturalNames = eta.map((_, k) => freshName(eta.length === 1 ? 'eta' : `eta${k + 1}`, taken));
  const etaRanges = new Map(naturalNames.map((n, k) => [n, rangeOf(eta[k]!, ranges)]));
  const allRanges: SymbolRanges = (name) => etaRanges.get(name) ?? ranges(name);

  // θ(η) and A(η), where the equations η(θ) = η can be solved.
  let inv: Map<string, Expr> | null = null;
  let logPartitionNatural: Expr | null = null;
  if (!curved && rank === params.length) {
    const sol = solveSystem(eta.map((e, k) => ({ lhs: e, rhs: sym(naturalNames[k]!) })), params, allRanges);
    if (sol !== undefined && inverts(sol, eta, naturalNames, points)) {
      inv = new NameMap([...sol].map(([k, v]) => [k, finalise(cancelInverses(v), allRanges)]));
      logPartitionNatural = finalise(softplusForm(cancelInverses(substitute(logPartition, inv))), allRanges);
    }
  }

  // Mean parameters and second moments: the ladder's score identity, then a full family's log-partition.
  const separated: Model = { ...m, logp: add(...eta.map((e, k) => mul(e, stats[k]!)), neg(logPartition), logBase) };
  const continuous = m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex');
  const statLin = stats.map((t) => linearize(t, data));
  const pairLin: Linear[] = [];
  for (let j = 0; j < stats.length; j++) for (let k = j; k < stats.length; k++) pairLin.push(linearize(mul(stats[j]!, stats[k]!), data));
  const moments = dataMoments(separated, curved || rank < params.length ? [...statLin, ...pairLin] : statLin, {
    ranges,
    points: parameterPoints(m, 3),
    ...(continuous ? { almostEverywhere } : {}),
  });
  const atEta = new Map(naturalNames.map((n, k) => [n, eta[k]!]));
  const gradA = logPartitionNatural === null ? null : naturalNames.map((n) => diff(logPartitionNatural!, n));
  const meanSources: string[] = [];
  const mean = statLin.map((lin, k) => {
    const v = moments.expect(lin);
    if (v !== undefined) {
      meanSources.push(v.source);
      return finalise(v.value, ranges);
    }
    if (gradA !== null) {
      meanSources.push('∇A(η)');
      return finalise(substitute(gradA[k]!, atEta), ranges);
    }
    meanSources.push('none');
    return null;
  });

  // Cov[T] = ∇²_η A: at η(θ), or through the chain rule ∂m/∂θ = Cov[T] J (J square, invertible);
  // both are exact, and the shorter is shown.
  let natural: Expr[][] | null = null;
  let naturalSource = 'none';
  const full = rank === params.length && !curved;
  const candidates: Array<[Expr[][], string]> = [];
  if (logPartitionNatural !== null) {
    candidates.push([hessianOf(logPartitionNatural, naturalNames).map((row) => row.map((e) => finalise(substitute(e, atEta), ranges))), '∇²A(η) at η = η(θ)']);
  }
  if (full && mean.every((e) => e !== null) && params.length <= MAX_SYMBOLIC_JACOBIAN) {
    const jinv = tryInverse(jacobian, ranges, points);
    if (jinv !== undefined) {
      const dm = (mean as Expr[]).map((e) => params.map((p) => diff(e, p)));
      candidates.push([symmetrise(dm.map((row) => jinv[0]!.map((_, c) => finalise(add(...row.map((x, k) => mul(x, jinv[k]![c]!))), ranges)))), 'the derivative of the mean parameters, ∂m/∂θ (∂η/∂θ)⁻¹']);
    }
  }
  const printed = (a: Expr[][]): number => a.flat().reduce((n, e) => n + printExpr(e).length, 0);
  for (const [c, how] of candidates) {
    if (natural === null || printed(c) < printed(natural)) [natural, naturalSource] = [c, how];
  }
  if (natural === null && mean.every((e) => e !== null)) {
    const second = pairLin.map((lin) => moments.expect(lin));
    if (second.every((v) => v !== undefined)) {
      natural = stats.map(() => new Array<Expr>(stats.length).fill(ZERO));
      let q = 0;
      for (let j = 0; j < stats.length; j++) {
        for (let k = j; k < stats.length; k++) {
          const cov = finalise(sub(second[q++]!.value, mul(mean[j]!, mean[k]!)), ranges);
          natural[j]![k] = natural[k]![j] = cov;
        }
      }
      naturalSource = `E[T Tᵀ] − E[T] E[T]ᵀ, by the ${[...new Set(second.map((v) => v!.source))].join(' and ')}`;
    }
  }
  const fullFamily = [...moments.known.values()].map((v) => /^log-partition \((.*) family\)$/.exec(v.source)?.[1]).find((x) => x !== undefined) ?? null;
  if (curved) notes.push(`curved: η(θ) has ${eta.length} coordinates but only ${rank} free parameter${rank === 1 ? '' : 's'}${fullFamily !== null ? ` (a curve in the ${fullFamily} family)` : ''}`);

  let meanCoordinates: Expr[][] | null = null;
  if (natural !== null && stats.length <= MAX_SYMBOLIC_INVERSE) meanCoordinates = tryInverse(natural, ranges, points) ?? null;
  const fisherTheta = natural === null ? null : congruence(natural, jacobian, ranges);

  const ladder = fisher(m);
  const agreesWithLadder = fisherTheta === null ? undefined : ladder.closedForm ? sameMatrix(fisherTheta, ladder.matrix as Expr[][], points) : agreesNumerically(m, fisherTheta, points[0]!);
  if (agreesWithLadder === false) notes.push('Jᵀ Cov[T] J differs from the Fisher matrix of the ladder: please report this model');

  const result: ExponentialFamily = {
    exponentialFamily: true,
    params,
    data,
    eta,
    stats,
    logPartition,
    logBase,
    naturalNames,
    curved,
    rank,
    jacobian,
    inverse: inv,
    logPartitionNatural,
    fullFamily,
    mean,
    meanSources,
    natural,
    naturalSource,
    meanCoordinates,
    fisher: fisherTheta,
    ladder,
    agreesWithLadder,
    notes,
  };
  return options.at === undefined ? result : { ...result, value: valuesAt(m, result, options.at) };
}

// ---------------------------------------------------------------------------------------------
// Separation: η(θ)·T(x) − A(θ) + log h(x).

interface Separation {
  eta: Expr[];
  stats: Expr[];
  logPartition: Expr;
  logBase: Expr;
  notes: string[];
}

function separate(m: Model, ranges: SymbolRanges): Separation | { reason: string; term?: Expr; span?: number; certain: boolean } {
  const params = m.params.map((p) => p.name);
  const data = m.data.map((d) => d.name);
  for (const d of m.data) {
    const moving = supportSymbols(d.support).filter((s) => params.includes(s));
    if (moving.length > 0) {
      return { reason: `the support ${d.label} of ${d.name} depends on ${moving.join(' and ')}: an exponential family has the same support for every θ (p > 0 exactly where h > 0)`, certain: true };
    }
  }
  const hasParam = (e: Expr): boolean => params.some((p) => dependsOn(e, p));
  const hasData = (e: Expr): boolean => data.some((d) => dependsOn(e, d));
  const logp = partable(m.logp, data, hasParam, hasData, ranges);
  let lin = linearize(logp, data);
  let mixed = [...lin.keys()].filter(hasParam);
  if (mixed.length > 0) {
    const rewritten = throughTwoValues(m, lin, mixed);
    if (rewritten !== undefined) {
      lin = linearize(rewritten, data);
      mixed = [...lin.keys()].filter(hasParam);
    }
  }
  if (mixed.length > 0) {
    const term = mixed.sort((a, b) => size(a) - size(b))[0]!;
    const span = spanOfLogDensity(m);
    const names = [...symbols(term)].filter((s) => params.includes(s));
    const claim =
      span === undefined
        ? ''
        : span.full
          ? `; numerically, x ↦ log p(x | θ) − log p(x | θ₀) spans at least ${span.rank} dimensions over ${span.points} parameter points, and an exponential family of dimension s spans at most s`
          : `; numerically it spans only ${span.rank} dimension${span.rank === 1 ? '' : 's'}, so it may be an exponential family that fisherlab cannot separate symbolically`;
    return {
      reason: `${printExpr(term)} mixes the data with ${names.join(', ')} and does not separate into η(θ)·T(x)${claim}`,
      term,
      ...(span !== undefined ? { span: span.rank } : {}),
      certain: span?.full ?? false,
    };
  }
  // Atoms with parameter-free coefficients belong to the base measure; the others are statistics.
  let stats: Expr[] = [];
  let eta: Expr[] = [];
  const base: Expr[] = [];
  const atoms = [...lin.keys()].filter((a) => a !== ONE).sort((a, b) => size(a) - size(b) || compare(a, b));
  for (const a of atoms) {
    const c = lin.get(a)!;
    if (hasParam(c)) {
      stats.push(a);
      eta.push(simplify(c, { ranges }));
    } else base.push(mul(c, a));
  }
  const c0 = lin.get(ONE) ?? ZERO;
  const c0Terms = c0.kind === 'add' ? c0.terms : [c0];
  const logPartition = finalise(neg(add(...c0Terms.filter(hasParam))), ranges);
  base.push(...c0Terms.filter((t) => !hasParam(t)));
  const notes: string[] = [];
  // A minimal representation: merge statistics whose natural parameters are affinely related.
  ({ eta, stats } = mergeDependent(m, eta, stats, base, ranges));
  if (eta.length === 0) return { reason: 'log p does not depend on the parameters', certain: true };
  return { eta, stats, logPartition, logBase: simplify(add(...base), { ranges }), notes };
}

/**
 * Rewrites that let data and parameters part, each an identity on the declared domains:
 * log(a·b) = log a + log b and (a·b)^k = a^k b^k (positive factors), exp(u + v) = exp(u)·exp(v), and the angle-addition
 * formulas for cos(u + v), sin(u + v), where u holds the data and v the parameters.
 */
function partable(e: Expr, data: readonly string[], hasParam: (e: Expr) => boolean, hasData: (e: Expr) => boolean, ranges: SymbolRanges): Expr {
  const s = simplify(e, { ranges });
  const positive = (x: Expr): boolean => isPositive(rangeOf(x, ranges));
  return mapBottomUp(s, (_node, r) => {
    if (!hasData(r) || !hasParam(r)) return r;
    // (a·b)^k = a^k b^k for positive factors and an exponent free of data and parameters.
    if (r.kind === 'pow' && r.base.kind === 'mul' && !hasData(r.exp) && !hasParam(r.exp) && r.base.factors.every(positive)) {
      const k = r.exp;
      return simplify(mul(...r.base.factors.map((f) => pow(f, k))), { ranges });
    }
    if (r.kind !== 'call') return r;
    if (r.fn === 'log') return expandLogs(r, ranges);
    if (r.fn !== 'exp' && r.fn !== 'cos' && r.fn !== 'sin') return r;
    const parts = splitArgument(r.args[0]!, data, hasParam);
    if (parts === undefined) return r;
    const [u, v] = parts;
    const f = (fn: string, x: Expr): Expr => call(fn, [x]);
    if (r.fn === 'exp') return mul(f('exp', u), f('exp', v));
    // cos(u ± w) = cos u cos w ∓ sin u sin w, sin(u ± w) = sin u cos w ± cos u sin w, with w = |v| as written.
    const minus = isNegativeTerm(v);
    const w = minus ? neg(v) : v;
    const s = minus ? -1 : 1;
    if (r.fn === 'cos') return add(mul(f('cos', u), f('cos', w)), mul(num(-s), f('sin', u), f('sin', w)));
    return add(mul(f('sin', u), f('cos', w)), mul(num(s), f('cos', u), f('sin', w)));
  });
}

/** u + v with u a function of the data alone and v of the parameters alone, when the sum splits so. */
function splitArgument(arg: Expr, data: readonly string[], hasParam: (e: Expr) => boolean): [Expr, Expr] | undefined {
  const lin = linearize(arg, data);
  const v = lin.get(ONE) ?? ZERO;
  const dataTerms: Expr[] = [];
  for (const [a, c] of lin) {
    if (a === ONE) continue;
    if (hasParam(c) || hasParam(a)) return undefined;
    dataTerms.push(mul(c, a));
  }
  if (dataTerms.length === 0 || v === ZERO) return undefined;
  return [add(...dataTerms), v];
}

/**
 * A datum with two values v0, v1 makes any f(x, θ) linear in x:
 * f(x, θ) = f(v0, θ) + (f(v1, θ) − f(v0, θ))(x − v0)/(v1 − v0). Undefined when a mixed term
 * involves a datum with more values.
 */
function throughTwoValues(m: Model, lin: Linear, mixed: readonly Expr[]): Expr | undefined {
  const consts = constantValues(m);
  const twoValues = (d: Declaration): [Expr, Expr] | undefined => {
    if (d.support.kind === 'set' && d.support.values.length === 2) return [d.support.values[0]!, d.support.values[1]!];
    if (d.support.kind === 'integers') {
      const lo = evaluate(d.support.lo, consts);
      const hi = evaluate(d.support.hi, consts);
      if (Number.isFinite(lo) && hi - lo === 1) return [d.support.lo, d.support.hi];
    }
    return undefined;
  };
  const parts: Expr[] = [];
  for (const [a, c] of lin) {
    if (!mixed.includes(a)) {
      parts.push(mul(c, a));
      continue;
    }
    const ds = m.data.filter((d) => dependsOn(a, d.name));
    const vals = ds.length === 1 ? twoValues(ds[0]!) : undefined;
    if (vals === undefined) return undefined;
    const x = sym(ds[0]!.name);
    const [v0, v1] = vals;
    const f0 = substitute(a, new Map([[x.name, v0]]));
    const f1 = substitute(a, new Map([[x.name, v1]]));
    parts.push(mul(c, add(f0, mul(sub(f1, f0), div(sub(x, v0), sub(v1, v0))))));
  }
  return add(...parts);
}

/**
 * Statistics whose natural parameters satisfy η_j = r·η_i + q (r, q rational) are merged:
 * η_j T_j = η_i (r T_j) + q T_j, so T_i absorbs r T_j and the base measure q T_j.
 */
function mergeDependent(m: Model, eta: Expr[], stats: Expr[], base: Expr[], ranges: SymbolRanges): { eta: Expr[]; stats: Expr[] } {
  const points = parameterPoints(m, 4, 99);
  const e = [...eta];
  const t = [...stats];
  for (let j = e.length - 1; j >= 0; j--) {
    // η_j constant (q): the statistic belongs to the base measure.
    const q0 = affine(e[j]!, undefined, points);
    if (q0 !== undefined) {
      base.push(mul(q0[1], t[j]!));
      e.splice(j, 1);
      t.splice(j, 1);
      continue;
    }
    for (let i = 0; i < j; i++) {
      const rq = affine(e[j]!, e[i]!, points);
      if (rq === undefined) continue;
      t[i] = simplify(add(t[i]!, mul(rq[0], t[j]!)), { ranges });
      base.push(mul(rq[1], t[j]!));
      e.splice(j, 1);
      t.splice(j, 1);
      break;
    }
  }
  return { eta: e, stats: t };
}

/** Rational r, q with a = r·b + q at every point (b undefined: a = q), or undefined. */
function affine(a: Expr, b: Expr | undefined, points: ReadonlyArray<ReadonlyMap<string, number>>): [Expr, Expr] | undefined {
  const va = points.map((p) => safeEval(a, p));
  const vb = points.map((p) => (b === undefined ? 0 : safeEval(b, p)));
  if (va.some((x) => !Number.isFinite(x)) || vb.some((x) => !Number.isFinite(x))) return undefined;
  let r = 0;
  if (b !== undefined) {
    if (Math.abs(vb[1]! - vb[0]!) < 1e-12 * Math.max(1, Math.abs(vb[0]!))) return undefined;
    r = (va[1]! - va[0]!) / (vb[1]! - vb[0]!);
  }
  const q = va[0]! - r * vb[0]!;
  const rr = rationalApprox(r);
  const qq = rationalApprox(q);
  if (rr === undefined || qq === undefined) return undefined;
  const rest = sub(a, add(mul(rr, b ?? ZERO), qq));
  return vanishesAt(simplify(rest), points) ? [rr, qq] : undefined;
}

/** A small-denominator rational within 1e-9 of x (continued fractions), or undefined. */
function rationalApprox(x: number): Expr | undefined {
  if (!Number.isFinite(x)) return undefined;
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let y = x;
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(y);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > 1000) return undefined;
    if (Math.abs(h1 / k1 - x) <= 1e-9 * Math.max(1, Math.abs(x))) return num(rat(h1, k1));
    const frac = y - a;
    if (frac < 1e-12) break;
    y = 1 / frac;
  }
  return Math.abs(h1 / k1 - x) <= 1e-9 * Math.max(1, Math.abs(x)) ? num(rat(h1, k1)) : undefined;
}

const safeEval = (e: Expr, env: ReadonlyMap<string, number>): number => {
  try {
    return evaluate(e, env);
  } catch {
    return NaN;
  }
};

/**
 * The numeric span of x ↦ log p(x | θ_p) − log p(x | θ₀): the rank of the doubly centred matrix
 * over sample data and parameter points (an exponential family of dimension s has rank ≤ s).
 */
function spanOfLogDensity(m: Model): { rank: number; points: number; full: boolean } | undefined {
  const K = 12;
  const xs = dataPoints(m, K);
  if (xs === undefined || xs.length < 4) return undefined;
  const thetas = parameterPoints(m, K, 31337);
  const l = thetas.map((t) => xs.map((x) => safeEval(m.logp, new Map([...t, ...x]))));
  if (l.flat().some((v) => !Number.isFinite(v))) return undefined;
  const rows = thetas.length - 1;
  const cols = xs.length - 1;
  const a = Array.from({ length: rows }, (_, p) => Array.from({ length: cols }, (_, i) => l[p + 1]![i + 1]! - l[p + 1]![0]! - l[0]![i + 1]! + l[0]![0]!));
  // Singular values from the eigenvalues of AᵀA.
  const ata = Array.from({ length: cols }, (_, i) => Array.from({ length: cols }, (_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const ev = symmetricEigenvalues(ata).map((x) => Math.max(0, x));
  const top = Math.max(...ev);
  if (!(top > 0)) return { rank: 0, points: K, full: false };
  const rank = ev.filter((x) => x > 1e-14 * top).length;
  return { rank, points: K, full: rank >= 4 && rank > m.params.length + 1 };
}

/** K sample points of the data inside their supports (undefined for supports with too few values). */
function dataPoints(m: Model, K: number): Array<Map<string, number>> | undefined {
  const consts = constantValues(m);
  const rng = new Rng(2718);
  const axes: number[][] = [];
  for (const d of m.data) {
    if (d.support.kind === 'interval') axes.push(Array.from({ length: K }, (_, i) => spread(d.range, (i + 0.5) / K)));
    else if (d.support.kind === 'integers') {
      const lo = evaluate(d.support.lo, consts);
      const hi = evaluate(d.support.hi, consts);
      axes.push(Array.from({ length: Math.min(K, hi - lo + 1) }, (_, i) => lo + i));
    } else if (d.support.kind === 'set') axes.push(d.support.values.map((v) => evaluate(v, consts)));
    else axes.push([]);
  }
  const simplex = m.data.filter((d) => d.support.kind === 'simplex').length;
  const out: Array<Map<string, number>> = [];
  for (let i = 0; i < K; i++) {
    const env = new Map(consts);
    // Simplex coordinates: a random point with positive coordinates summing below 1.
    const w = Array.from({ length: simplex + 1 }, () => -Math.log(rng.uniform() + 1e-12));
    const tot = w.reduce((s, x) => s + x, 0);
    let k = 0;
    m.data.forEach((d, j) => {
      const ax = axes[j]!;
      if (d.support.kind === 'simplex') env.set(d.name, w[k++]! / tot);
      else env.set(d.name, m.data.length === 1 ? ax[i % ax.length]! : ax[Math.floor(rng.uniform() * ax.length)]!);
    });
    out.push(env);
  }
  if (m.data.length === 1 && axes[0]!.length < K) return out.slice(0, axes[0]!.length);
  return out;
}

/** Points spread across an interval (wider than `inside`, for a span test). */
function spread(r: Interval, u: number): number {
  if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) return r.lo + (r.hi - r.lo) * (0.02 + 0.96 * u);
  if (Number.isFinite(r.lo)) return r.lo + 0.05 + 6 * u * u;
  if (Number.isFinite(r.hi)) return r.hi - 0.05 - 6 * u * u;
  return inside(r, u) * 2.5;
}

// ---------------------------------------------------------------------------------------------
// θ(η): a small equation solver.

const INVERSES: Record<string, (y: Expr) => Expr> = {
  exp: (y) => call('log', [y]),
  log: (y) => call('exp', [y]),
  sigmoid: (y) => call('logit', [y]),
  logit: (y) => call('sigmoid', [y]),
  log1p: (y) => call('expm1', [y]),
  expm1: (y) => call('log1p', [y]),
  softplus: (y) => call('log', [call('expm1', [y])]),
  tanh: (y) => div(sub(call('log1p', [y]), call('log1p', [neg(y)])), num(2)),
};

/**
 * Solve lhs_k(unknowns) = rhs_k for the unknowns, one equation at a time: isolate an unknown that
 * occurs once (undoing sums, products, powers and invertible functions) or, failing that, one the
 * equation is linear in once its fractions are cleared. Undefined when the system resists.
 * @example solveSystem([{ lhs: parseExpr('log(p) - log(1 - p)'), rhs: sym('eta') }], ['p'], ranges) // p = sigmoid(eta)
 */
export function solveSystem(eqs: ReadonlyArray<{ lhs: Expr; rhs: Expr }>, unknowns: readonly string[], ranges: SymbolRanges): Map<string, Expr> | undefined {
  let pending = eqs.map((e) => ({ ...e }));
  const solution = new NameMap<Expr>();
  while (pending.length > 0) {
    let progress = false;
    const order = [...pending.keys()].sort((i, j) => unknownsIn(pending[i]!.lhs, unknowns).length - unknownsIn(pending[j]!.lhs, unknowns).length);
    outer: for (const i of order) {
      const eq = pending[i]!;
      for (const u of unknownsIn(eq.lhs, unknowns)) {
        const s = isolate(eq.lhs, eq.rhs, u, ranges);
        if (s === undefined || dependsOn(s, u)) continue;
        const v = simplify(s, { ranges });
        const map = new Map([[u, v]]);
        for (const [k, w] of solution) solution.set(k, substitute(w, map));
        solution.set(u, v);
        pending = pending.filter((_, j) => j !== i).map((e) => ({ lhs: substitute(e.lhs, map), rhs: e.rhs }));
        progress = true;
        break outer;
      }
    }
    if (!progress) return undefined;
  }
  return unknowns.every((u) => solution.has(u) && unknownsIn(solution.get(u)!, unknowns).length === 0) ? solution : undefined;
}

const unknownsIn = (e: Expr, unknowns: readonly string[]): string[] => unknowns.filter((u) => dependsOn(e, u));

function isolate(lhs: Expr, rhs: Expr, u: string, ranges: SymbolRanges): Expr | undefined {
  let l = combineLogs(simplify(lhs, { ranges }), u, ranges);
  let r = rhs;
  for (let guard = 0; guard < 64; guard++) {
    if (l.kind === 'sym' && l.name === u) return r;
    if (!dependsOn(l, u)) return undefined;
    if (l.kind === 'add' || l.kind === 'mul') {
      const parts = l.kind === 'add' ? l.terms : l.factors;
      const withU = parts.filter((t) => dependsOn(t, u));
      if (withU.length !== 1) return linearSolve(l, r, u, ranges);
      const rest = parts.filter((t) => !dependsOn(t, u));
      r = l.kind === 'add' ? sub(r, add(...rest)) : div(r, mul(...rest));
      l = withU[0]!;
    } else if (l.kind === 'pow') {
      if (!dependsOn(l.exp, u)) {
        const q = l.exp;
        const oddInteger = q.kind === 'num' && qisInt(q.value) && q.value.n % 2n !== 0n;
        if (!oddInteger && !isPositive(rangeOf(l.base, ranges))) return linearSolve(l, r, u, ranges);
        r = pow(r, div(ONE, q));
        l = l.base;
      } else if (!dependsOn(l.base, u) && isPositive(rangeOf(l.base, ranges))) {
        r = div(call('log', [r]), call('log', [l.base]));
        l = l.exp;
      } else return linearSolve(l, r, u, ranges);
    } else if (l.kind === 'call' && l.args.length === 1 && INVERSES[l.fn] !== undefined) {
      r = INVERSES[l.fn]!(r);
      l = l.args[0]!;
    } else return linearSolve(l, r, u, ranges);
  }
  return undefined;
}

/** Σ q_i log(a_i) over the terms holding u (q_i rational, a_i positive) as one log(Π a_i^q_i). */
function combineLogs(e: Expr, u: string, ranges: SymbolRanges): Expr {
  if (e.kind !== 'add') return e;
  const logs: Expr[] = [];
  const others: Expr[] = [];
  for (const t of e.terms) {
    const [q, core] = t.kind === 'mul' && t.factors.length === 2 && t.factors[0]!.kind === 'num' ? [t.factors[0]!, t.factors[1]!] : [ONE, t];
    if (core.kind === 'call' && core.fn === 'log' && dependsOn(core, u) && isPositive(rangeOf(core.args[0]!, ranges))) logs.push(pow(core.args[0]!, q));
    else others.push(t);
  }
  if (logs.length < 2) return e;
  return add(call('log', [simplify(rationalForm(mul(...logs)) ?? mul(...logs), { ranges })]), ...others);
}

/**
 * u from lhs = rhs when the equation, its fractions cleared, is linear in u — or linear in the one
 * function of u it contains (sigmoid(t)/(1 − sigmoid(t)) = y is linear in sigmoid(t)), which is
 * then isolated.
 */
function linearSolve(lhs: Expr, rhs: Expr, u: string, ranges?: SymbolRanges): Expr | undefined {
  const eq = sub(lhs, rhs);
  const direct = linearIn(eq, u);
  if (direct !== undefined || ranges === undefined) return direct;
  const z = sym(`__${u}`);
  const calls = [...subexpressions(eq)].filter((n) => n.kind === 'call' && dependsOn(n, u)).sort((a, b) => size(b) - size(a));
  for (const c of calls) {
    if (c === lhs) continue;
    const replaced = mapBottomUp(eq, (node, r) => (node === c ? z : r));
    if (dependsOn(replaced, u)) continue;
    const v = linearIn(replaced, z.name);
    if (v === undefined) continue;
    return isolate(c, v, u, ranges);
  }
  return undefined;
}

/** The root of an expression linear in u once its fractions are cleared. */
function linearIn(eq: Expr, u: string): Expr | undefined {
  const f = rationalForm(eq);
  if (f === undefined) return undefined;
  const numer = f.kind === 'mul' ? mul(...f.factors.filter((x) => !(x.kind === 'pow' && x.exp.kind === 'num' && qtoNumber(x.exp.value) < 0))) : f;
  const slope = simplify(diff(numer, u));
  if (slope === ZERO || dependsOn(slope, u)) return undefined;
  return neg(div(substitute(numer, new Map([[u, ZERO]])), slope));
}

/** f⁻¹(f(u)) = u for the pairs the solver introduces: logit(sigmoid(u)), sigmoid(logit(u)), log1p(expm1(u)). */
function cancelInverses(e: Expr): Expr {
  const pairs: Record<string, string> = { logit: 'sigmoid', sigmoid: 'logit', log1p: 'expm1', expm1: 'log1p' };
  return mapBottomUp(e, (_n, r) => {
    if (r.kind !== 'call' || r.args.length !== 1) return r;
    const a = r.args[0]!;
    return a.kind === 'call' && pairs[r.fn] === a.fn ? a.args[0]! : r;
  });
}

/** log(1 − sigmoid(u)) = −softplus(u) and log(sigmoid(u)) = −softplus(−u): a log-partition reads as softplus. */
function softplusForm(e: Expr): Expr {
  return mapBottomUp(e, (_n, r) => {
    if (r.kind !== 'call' || r.fn !== 'log') return r;
    const a = r.args[0]!;
    if (a.kind === 'call' && a.fn === 'sigmoid') return neg(call('softplus', [neg(a.args[0]!)]));
    const sig = a.kind === 'add' && a.terms.length === 2 && a.terms[0] === ONE ? a.terms[1]! : undefined;
    if (sig?.kind === 'mul' && sig.factors.length === 2 && sig.factors[0] === MINUS_ONE && sig.factors[1]!.kind === 'call' && sig.factors[1]!.fn === 'sigmoid') {
      return neg(call('softplus', [sig.factors[1]!.args[0]!]));
    }
    return r;
  });
}

/** Does θ(η) invert η(θ) at the sample points? */
function inverts(sol: ReadonlyMap<string, Expr>, eta: readonly Expr[], names: readonly string[], points: ReadonlyArray<ReadonlyMap<string, number>>): boolean {
  return points.every((p) => {
    const env = new Map(p);
    eta.forEach((e, k) => env.set(names[k]!, safeEval(e, p)));
    return [...sol].every(([k, v]) => {
      const got = safeEval(v, env);
      const want = p.get(k)!;
      return Math.abs(got - want) <= 1e-8 * Math.max(1, Math.abs(want));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function freshName(base: string, taken: Set<string>): string {
  let n = base;
  while (taken.has(n)) n = `${n}_`;
  taken.add(n);
  return n;
}

/** The rank of a matrix of expressions, numerically, as the largest over a few sample points. */
function numericRank(a: readonly (readonly Expr[])[], points: ReadonlyArray<ReadonlyMap<string, number>>): number {
  let best = 0;
  for (const p of points) {
    const v = a.map((row) => row.map((e) => safeEval(e, p)));
    if (v.flat().some((x) => !Number.isFinite(x))) continue;
    best = Math.max(best, rankOf(v));
  }
  return best;
}

/** Rank by elimination with complete pivoting, relative tolerance 1e-9. */
function rankOf(a: number[][]): number {
  const m = a.map((r) => [...r]);
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  const scale = Math.max(0, ...m.flat().map(Math.abs));
  if (!(scale > 0)) return 0;
  let rank = 0;
  const usedR = new Set<number>();
  const usedC = new Set<number>();
  for (let step = 0; step < Math.min(rows, cols); step++) {
    let br = -1;
    let bc = -1;
    let bv = 0;
    for (let r = 0; r < rows; r++) {
      if (usedR.has(r)) continue;
      for (let c = 0; c < cols; c++) {
        if (!usedC.has(c) && Math.abs(m[r]![c]!) > bv) [br, bc, bv] = [r, c, Math.abs(m[r]![c]!)];
      }
    }
    if (bv <= 1e-9 * scale) break;
    rank++;
    usedR.add(br);
    usedC.add(bc);
    for (let r = 0; r < rows; r++) {
      if (usedR.has(r)) continue;
      const f = m[r]![bc]! / m[br]![bc]!;
      for (let c = 0; c < cols; c++) m[r]![c]! -= f * m[br]![c]!;
    }
  }
  return rank;
}

function tryInverse(a: Expr[][], ranges: SymbolRanges, points: ReadonlyArray<ReadonlyMap<string, number>>): Expr[][] | undefined {
  try {
    return inverse(a, { ranges, isZero: (e) => e === ZERO || vanishesAt(e, points) });
  } catch (e) {
    if (e instanceof FisherError) return undefined;
    throw e;
  }
}

function symmetrise(a: Expr[][]): Expr[][] {
  return a.map((row, i) => row.map((e, j) => (j < i ? a[j]![i]! : e)));
}

/** Equal entries: identically (the difference cancels) or at every sample point. */
function sameMatrix(a: readonly (readonly Expr[])[], b: readonly (readonly Expr[])[], points: ReadonlyArray<ReadonlyMap<string, number>>): boolean {
  return a.every((row, i) =>
    row.every((e, j) => {
      const d = sub(e, b[i]![j]!);
      if (d === ZERO || rationalForm(d) === ZERO) return true;
      return points.every((p) => close(safeEval(e, p), safeEval(b[i]![j]!, p), 1e-9));
    }),
  );
}

/** Where the ladder has no closed form: Jᵀ Cov[T] J against its numeric rung at one point (undefined if that fails). */
function agreesNumerically(m: Model, f: readonly (readonly Expr[])[], point: ReadonlyMap<string, number>): boolean | undefined {
  try {
    const num = fisher(m, { at: point, numeric: numericFisher }).value;
    if (num === undefined) return undefined;
    return f.every((row, i) => row.every((e, j) => close(safeEval(e, point), num[i]![j]!, 1e-7)));
  } catch (e) {
    if (e instanceof FisherError) return undefined;
    throw e;
  }
}

const close = (x: number, y: number, rel: number): boolean => Math.abs(x - y) <= rel * Math.max(1, Math.abs(x), Math.abs(y));

function valuesAt(m: Model, r: ExponentialFamily, at: ReadonlyMap<string, number>): ExpFamilyValues {
  const env = new Map([...constantValues(m), ...at]);
  const ev = (e: Expr): number => safeEval(e, env);
  let mean = r.mean.map((e) => (e === null ? NaN : ev(e)));
  let natural = r.natural === null ? null : r.natural.map((row) => row.map(ev));
  if (natural === null || mean.some(Number.isNaN)) {
    // No closed form: E[T] and E[T Tᵀ] by quadrature or summation at the point.
    const s = r.stats.length;
    const gs: Expr[] = [...r.stats];
    for (let j = 0; j < s; j++) for (let k = j; k < s; k++) gs.push(mul(r.stats[j]!, r.stats[k]!));
    try {
      const e = expectation(m, gs, env).value;
      mean = e.slice(0, s);
      const cov = r.stats.map(() => new Array<number>(s).fill(0));
      let q = s;
      for (let j = 0; j < s; j++) for (let k = j; k < s; k++) cov[j]![k] = cov[k]![j] = e[q++]! - mean[j]! * mean[k]!;
      natural = cov;
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
    }
  }
  const jac = r.jacobian.map((row) => row.map(ev));
  const fisherValue = natural === null ? null : transpose(jac).map((ci) => transpose(jac).map((cj) => ci.reduce((acc, x, a) => acc + cj.reduce((t, y, b) => t + x * natural![a]![b]! * y, 0), 0)));
  return {
    eta: r.eta.map(ev),
    mean,
    logPartition: ev(r.logPartition),
    natural,
    meanCoordinates: natural === null ? null : (inverseNumeric(natural) ?? null),
    fisher: fisherValue,
  };
}
