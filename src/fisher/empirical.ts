/**
 * Quantities of a data set at θ: the log-likelihood Σ_i log p(row_i | θ) with its score and
 * Hessian, and the information matrices of the rows — the empirical Fisher (1/n) Σ s_i s_iᵀ, the
 * observed information (1/n) Σ −H_i and, for covariates, the expected information
 * (1/n) Σ I(θ | z_i) — clearly properties of the data, not the expected information of one
 * observation.
 *
 * Three engines compute the log-likelihood: `reverse` (the vector reverse mode of src/ad/vector.ts,
 * whole-vector tape entries, generated sweeps), `symbolic` (the scalar view's derivatives compiled
 * over the data columns) and `forward` (forward mode on the scalar view, row by row). Where the
 * parameters enter through linear predictors (src/ad/linear.ts), Hessians and Fisher matrices are
 * weighted Gram products XᵀWX computed by blocked kernels.
 */
import { dataSet, scalarColumns, type DataSet } from '../ad/dataset';
import { gradForward, hessianForward } from '../ad/forward';
import { gramSymmetric } from '../ad/gram';
import { channelGram, channelValues, linearStructure, reducedModel, type LinearStructure } from '../ad/linear';
import { paramVector, vectorEngine } from '../ad/vector';
import { compileColumns, type ColumnKernel } from '../expr/compile';
import { diff } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { symbols, type Expr } from '../expr/expr';
import { withJSON } from '../expr/json';
import type { Model } from '../lang/model';
import { constantValues, hessian, score } from './derivatives';
import { fisher } from './fisher';

/**
 * The engine of the log-likelihood's derivatives: `symbolic` (compiled symbolic derivatives of
 * the scalar view), `forward` (dual numbers), `reverse` (the vector reverse mode). They agree to
 * rounding.
 *
 * @example
 * const m = parse('x ~ Gamma(a, b)');
 * const rows = [new Map([['x', 1.5]]), new Map([['x', 0.5]])];
 * ['symbolic', 'forward', 'reverse'].map((mode) => logLikelihood(m, rows, [2, 3], { mode }).score); // → [[1.063973834687504, -0.6666666666666667], [1.063973834687504, -0.6666666666666667], [1.0639738346875038, -0.6666666666666667]]
 */
export type LikelihoodMode = 'symbolic' | 'forward' | 'reverse';

/**
 * The log-likelihood of a data set at θ with its derivatives (see {@link logLikelihood}).
 *
 * @example
 * const r = logLikelihood(parse('x ~ Poisson(lam)'), [new Map([['x', 3]]), new Map([['x', 5]])], [4], { hessian: true });
 * r; // → { params: ['lam'], rows: 2, mode: 'symbolic', value: -3.488896323050976, score: [0], hessian: [[-0.5]], method: 'compiled derivatives of the scalar view' }
 */
export interface Likelihood {
  /** The parameters, in the order of θ. */
  readonly params: string[];
  /** The number of rows. */
  readonly rows: number;
  /** The engine used. */
  readonly mode: LikelihoodMode;
  /** Σ_i log p(row_i | θ). */
  readonly value: number;
  /** Σ_i ∇ log p(row_i | θ). */
  readonly score: Float64Array;
  /** Σ_i ∇² log p(row_i | θ), when asked for. */
  readonly hessian?: Float64Array[];
  /** How the Hessian was computed. */
  readonly method?: string;
}

/**
 * Rows of a data set: a {@link DataSet}, or values by name per row (the scalar view's names:
 * `z[1]`, `z[2]` for a vector).
 *
 * @example
 * const rows = [new Map([['x', 3]]), new Map([['x', 5]])];
 * logLikelihood(parse('x ~ Poisson(lam)'), rows, [4]).value; // → -3.488896323050976
 */
export type Rows = DataSet | ReadonlyArray<ReadonlyMap<string, number>>;

const isDataSet = (d: Rows): d is DataSet => !Array.isArray(d);

/** A DataSet from either form. */
export function asDataSet(m: Model, data: Rows): DataSet {
  return isDataSet(data) ? data : dataSet(m, data.map((row) => Object.fromEntries(row)));
}

/** θ from values by name, or as given in the order of the model's parameters. */
const thetaOf = (m: Model, at: ReadonlyMap<string, number> | ArrayLike<number>): Float64Array =>
  at instanceof Map ? paramVector(m, at) : Float64Array.from(at as ArrayLike<number>);

const structures = new WeakMap<Model, LinearStructure | null>();
/** The linear predictors of a model (found once per model). */
const structureOf = (m: Model): LinearStructure | undefined => {
  if (!structures.has(m)) structures.set(m, linearStructure(m) ?? null);
  return structures.get(m) ?? undefined;
};

/** The engine `reverse` unless the model is small and scalar, where compiled symbolic derivatives are as fast. */
export function defaultMode(m: Model): LikelihoodMode {
  return m.vectors.size === 0 && m.params.length <= 4 ? 'symbolic' : 'reverse';
}

/**
 * The log-likelihood Σᵢ log p(rowᵢ | θ) of a data set, its score Σᵢ ∇ log p and (with `hessian`)
 * its Hessian Σᵢ ∇² log p, at θ, by the engine `mode` (default: `symbolic` for a small scalar
 * model, else `reverse`).
 *
 * @param rows - A {@link DataSet}, or values by name per row.
 * @param at - θ by name, or in the order of the model's parameters.
 * @param options - `hessian`: compute the Hessian too; `mode`: the engine.
 * @throws {@link FisherError} `bad-value` for a missing value or column, or θ of the wrong length;
 *   `support` for a value outside its support.
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * logLikelihood(m, [new Map([['x', 3]]), new Map([['x', 5]])], new Map([['lam', 4]])).score; // → [0]
 * logLikelihood(m, dataSet(m, { x: [3, 5] }), [2], { hessian: true, mode: 'reverse' }).hessian; // → [[-2]]
 */
export function logLikelihood(m: Model, rows: Rows, at: ReadonlyMap<string, number> | ArrayLike<number>, options: { hessian?: boolean; mode?: LikelihoodMode } = {}): Likelihood {
  const data = asDataSet(m, rows);
  const theta = thetaOf(m, at);
  const mode = options.mode ?? defaultMode(m);
  const base = { params: m.params.map((p) => p.name), rows: data.rows, mode };
  const H = options.hessian === true;
  // JSON.stringify writes the Float64Arrays as arrays.
  return withJSON({ ...base, ...totals(m, data, theta, mode, H) });
}

function totals(m: Model, data: DataSet, theta: Float64Array, mode: LikelihoodMode, H: boolean): { value: number; score: Float64Array; hessian?: Float64Array[]; method?: string } {
  switch (mode) {
    case 'reverse': {
      const g = vectorEngine(m).gradient(data, theta);
      if (!H) return { value: g.value, score: g.gradient };
      const h = dataHessian(m, data, theta);
      return { value: g.value, score: g.gradient, hessian: h.hessian, method: h.method };
    }
    case 'symbolic':
      return symbolicTotals(m, data, theta, H);
    case 'forward':
      return forwardTotals(m, data, theta, H);
  }
}

/** Σ_i ∇² log p: XᵀWX through the linear predictors where the model has them, else one Hessian-vector product per parameter. */
function dataHessian(m: Model, data: DataSet, theta: Float64Array): { hessian: Float64Array[]; method: string } {
  const s = structureOf(m);
  if (s !== undefined) {
    const w = channelWeights(m, s, data, theta, 'hessian');
    return { hessian: square(channelGram(s, data, (j, k) => w[pairIndex(s, j, k)]), m.params.length), method: 'linear predictors (XᵀWX, blocked)' };
  }
  return { hessian: vectorEngine(m).hessian(data, theta).hessian, method: 'forward-over-reverse Hessian-vector products' };
}

// ---------------------------------------------------------------------------------------------
// Compiled expressions over the columns of a data set.

const kernels = new WeakMap<object, Map<string, { kernel: ColumnKernel; fixed: string[] }>>();

/**
 * Compile expressions over a data set's columns (once per owner and key: `make` derives them on
 * the first call): every symbol that is a column is read per row; parameters and constants are fixed.
 */
function compiled(owner: object, key: string, make: () => readonly Expr[], columnNames: ReadonlySet<string>): { kernel: ColumnKernel; fixed: string[] } {
  let byKey = kernels.get(owner);
  if (byKey === undefined) kernels.set(owner, (byKey = new Map()));
  let k = byKey.get(key);
  if (k === undefined) {
    const exprs = make();
    const names = new Set<string>();
    for (const e of exprs) symbols(e, names);
    const all = [...names].filter((n) => !['pi', 'e', 'euler_gamma'].includes(n) || columnNames.has(n));
    const fixed = all.filter((n) => !columnNames.has(n));
    k = { kernel: compileColumns(exprs, all, fixed), fixed };
    byKey.set(key, k);
  }
  return k;
}

/** Values of fixed symbols: parameters from θ, then constants, then `extra`. */
function fixedValues(m: Model, theta: Float64Array, fixed: readonly string[], extra: ReadonlyMap<string, number> = new Map()): Float64Array {
  const params = new Map(m.params.map((p, i) => [p.name, theta[i]!]));
  const consts = constantValues(m);
  return Float64Array.from(fixed, (n) => {
    const v = params.get(n) ?? consts.get(n) ?? extra.get(n);
    if (v === undefined) throw new FisherError('bad-value', `no value for ${n}`);
    return v;
  });
}

function columnsOf(kernel: ColumnKernel, available: ReadonlyMap<string, Float64Array>): Float64Array[] {
  return kernel.columnNames.map((n) => {
    const c = available.get(n);
    if (c === undefined) throw new FisherError('bad-value', `the data set has no column ${n}`);
    return c;
  });
}

/** Σ_i of expressions of the scalar view over the rows. */
function sumOver(m: Model, data: DataSet, theta: Float64Array, key: string, make: () => readonly Expr[]): Float64Array {
  const cols = scalarColumns(data);
  const { kernel, fixed } = compiled(m, key, make, new Set(cols.keys()));
  const sums = new Float64Array(kernel.outputs);
  kernel.sum(columnsOf(kernel, cols), fixedValues(m, theta, fixed), sums, 0, data.rows);
  return sums;
}

function symbolicTotals(m: Model, data: DataSet, theta: Float64Array, withHessian: boolean): { value: number; score: Float64Array; hessian?: Float64Array[]; method?: string } {
  const P = m.params.length;
  const sums = sumOver(m, data, theta, withHessian ? 'symbolic-hessian' : 'symbolic-score', () => {
    const exprs = [m.logp, ...score(m)];
    if (withHessian) {
      const h = hessian(m);
      for (let i = 0; i < P; i++) for (let j = i; j < P; j++) exprs.push(h[i]![j]!);
    }
    return exprs;
  });
  const out = { value: sums[0]!, score: sums.slice(1, 1 + P) };
  if (!withHessian) return out;
  const hm = Array.from({ length: P }, () => new Float64Array(P));
  let k = 1 + P;
  for (let i = 0; i < P; i++) for (let j = i; j < P; j++, k++) hm[i]![j] = hm[j]![i] = sums[k]!;
  return { ...out, hessian: hm, method: 'compiled derivatives of the scalar view' };
}

function forwardTotals(m: Model, data: DataSet, theta: Float64Array, withHessian: boolean): { value: number; score: Float64Array; hessian?: Float64Array[]; method?: string } {
  const P = m.params.length;
  const names = m.params.map((p) => p.name);
  const cols = [...scalarColumns(data)];
  const env = new Map<string, number>([...constantValues(m), ...names.map((n, i) => [n, theta[i]!] as const)]);
  let value = 0;
  const g = new Float64Array(P);
  const hm = Array.from({ length: P }, () => new Float64Array(P));
  for (let r = 0; r < data.rows; r++) {
    for (const [n, c] of cols) env.set(n, c[r]!);
    const res = withHessian ? hessianForward(m.logp, names, env) : { ...gradForward(m.logp, names, env), hessian: undefined };
    value += res.value;
    for (let i = 0; i < P; i++) g[i]! += res.gradient[i]!;
    if (res.hessian !== undefined) for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) hm[i]![j]! += res.hessian[i]![j]!;
  }
  return withHessian ? { value, score: g, hessian: hm, method: 'forward-over-forward, row by row' } : { value, score: g };
}

// ---------------------------------------------------------------------------------------------
// Linear predictors: per-row weights in the channels.

/** The index of the channel pair j ≤ k in the packed upper triangle. */
const pairIndex = (s: LinearStructure, j: number, k: number): number => {
  const K = s.channels.length;
  return j * K - (j * (j - 1)) / 2 + (k - j);
};

const square = (flat: Float64Array, P: number): Float64Array[] => Array.from({ length: P }, (_, i) => flat.slice(i * P, (i + 1) * P));

const expectedCache = new WeakMap<Model, Expr[] | null>();

/** I_c, the Fisher information of the reduced model in the channels (packed upper triangle), or null without a closed form. */
function channelInformation(m: Model, s: LinearStructure): Expr[] | null {
  if (expectedCache.has(m)) return expectedCache.get(m)!;
  let out: Expr[] | null = null;
  if (s.givenCovariates) {
    try {
      const r = fisher(reducedModel(m, s));
      if (r.closedForm && r.irregular.length === 0) {
        const K = s.channels.length;
        out = [];
        for (let j = 0; j < K; j++) for (let k = j; k < K; k++) out.push(r.matrix[j]![k]!);
      }
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
    }
  }
  expectedCache.set(m, out);
  return out;
}

/**
 * Per-row weights of the channel pairs j ≤ k (packed upper triangle): ∂²ℓ/∂c_j∂c_k for the
 * Hessian, ∂ℓ/∂c_j · ∂ℓ/∂c_k for the empirical Fisher, I_c for the expected Fisher.
 */
function channelWeights(m: Model, s: LinearStructure, data: DataSet, theta: Float64Array, what: 'hessian' | 'score' | 'expected'): Float64Array[] {
  const K = s.channels.length;
  const make = (): Expr[] => {
    if (what === 'expected') return channelInformation(m, s)!;
    const names = s.channels.map((c) => c.name);
    const g = names.map((n) => diff(s.reduced, n));
    if (what === 'score') return g;
    const h: Expr[] = [];
    for (let j = 0; j < K; j++) for (let k = j; k < K; k++) h.push(diff(g[j]!, names[k]!));
    return h;
  };
  const chan = channelValues(s, data, theta);
  const cols = new Map(scalarColumns(data));
  s.channels.forEach((c, j) => {
    if (c.input !== undefined) cols.set(c.name, chan[j]!);
  });
  const { kernel, fixed } = compiled(s, what, make, new Set(cols.keys()));
  const out = Array.from({ length: kernel.outputs }, () => new Float64Array(data.rows));
  kernel.map(columnsOf(kernel, cols), fixedValues(m, theta, fixed), out, 0, data.rows);
  if (what !== 'score') return out;
  // ∂ℓ/∂c_j ∂ℓ/∂c_k, row by row.
  const pairs: Float64Array[] = [];
  for (let j = 0; j < K; j++) {
    for (let k = j; k < K; k++) {
      const w = new Float64Array(data.rows);
      for (let i = 0; i < data.rows; i++) w[i] = out[j]![i]! * out[k]![i]!;
      pairs.push(w);
    }
  }
  return pairs;
}

/**
 * A matrix of the data set at θ, as the total over the rows (P × P, row-major): Σ s sᵀ
 * (`empirical`), Σ −H (`observed`) or Σ I(θ | z_i) (`expected`, for models whose parameters enter
 * through linear predictors of covariates and whose reduced model has a closed form; null otherwise).
 * Linear predictors are summed as weighted Gram products XᵀWX, in blocks.
 *
 * @param at - θ by name, or in the order of the model's parameters.
 * @throws {@link FisherError} `bad-value` for θ of the wrong length or a data set of another model.
 * @example
 * const m = parse('const d = 2; given z in real[d]; param b in real[d]; y ~ Bernoulli(sigmoid(dot(z, b)))');
 * const data = dataSet(m, { y: [1, 0], z: [1, 0.5, 1, -1] });
 * dataMatrix(m, data, [0.2, 0.1], 'expected'); // → [0.49551012293049035, -0.1263089988240928, -0.1263089988240928, 0.31090956087729155]
 * dataMatrix(m, data, [0.2, 0.1], 'observed'); // → [0.49551012293049035, -0.1263089988240928, -0.1263089988240928, 0.31090956087729155]
 * dataMatrix(parse('x ~ Cauchy(m, s)'), dataSet(parse('x ~ Cauchy(m, s)'), { x: [1, 2] }), [0, 1], 'expected'); // → [1, 0, 0, 1]
 */
export function dataMatrix(m: Model, data: DataSet, at: ReadonlyMap<string, number> | ArrayLike<number>, quantity: 'empirical' | 'observed' | 'expected'): Float64Array | null {
  const theta = thetaOf(m, at);
  const P = m.params.length;
  const s = structureOf(m);
  if (quantity === 'expected') {
    if (s === undefined || channelInformation(m, s) === null) return null;
    const w = channelWeights(m, s, data, theta, 'expected');
    return channelGram(s, data, (j, k) => w[pairIndex(s, j, k)]);
  }
  if (quantity === 'observed') {
    const h = s !== undefined ? channelGram(s, data, ((w) => (j: number, k: number) => w[pairIndex(s, j, k)])(channelWeights(m, s, data, theta, 'hessian'))) : flatten(vectorEngine(m).hessian(data, theta).hessian);
    for (let i = 0; i < h.length; i++) h[i] = -h[i]!;
    return h;
  }
  if (s !== undefined) {
    const w = channelWeights(m, s, data, theta, 'score');
    return channelGram(s, data, (j, k) => w[pairIndex(s, j, k)]);
  }
  return scoreGram(m, data, theta, false).sum;
}

const flatten = (rows: readonly Float64Array[]): Float64Array => {
  const P = rows.length;
  const out = new Float64Array(P * P);
  rows.forEach((r, i) => out.set(r, i * P));
  return out;
};

/** Rows per block of per-row gradients. */
const BLOCK = 256;

/** Σ_i s_i s_iᵀ from per-row gradients in blocks (and Σ_i (s_i s_iᵀ)², entrywise, for standard errors). */
function scoreGram(m: Model, data: DataSet, theta: Float64Array, squares: boolean): { sum: Float64Array; sq: Float64Array | null } {
  const P = m.params.length;
  const engine = vectorEngine(m);
  const S = new Float64Array(BLOCK * P);
  const S2 = squares ? new Float64Array(BLOCK * P) : null;
  const sum = new Float64Array(P * P);
  const sq = squares ? new Float64Array(P * P) : null;
  for (let r0 = 0; r0 < data.rows; r0 += BLOCK) {
    const nb = Math.min(BLOCK, data.rows - r0);
    engine.rowGradients(data, theta, S, r0, r0 + nb);
    gramSymmetric(S, P, 0, P, undefined, nb, { out: sum, ld: P, row: 0, col: 0 });
    if (S2 !== null && sq !== null) {
      for (let i = 0; i < nb * P; i++) S2[i] = S[i]! * S[i]!;
      gramSymmetric(S2, P, 0, P, undefined, nb, { out: sq, ld: P, row: 0, col: 0 });
    }
  }
  return { sum, sq };
}

// ---------------------------------------------------------------------------------------------
// The report of `fisherlab fisher --data`.

/**
 * The empirical Fisher information of a data set, with the observed and expected information
 * beside it (see {@link empiricalFisher}).
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * empiricalFisher(m, dataSet(m, { x: [3, 5, 2, 4] }), new Map([['lam', 3.5]])); // → { params: ['lam'], rows: 4, value: [[0.10204081632653057]], stderr: [[0.047130634219561277]], observed: [[0.2857142857142857]], expected: [[0.2857142857142857]] }
 */
export interface EmpiricalFisher {
  /** The parameters, in order. */
  readonly params: string[];
  /** The number of rows. */
  readonly rows: number;
  /** Mean of s sᵀ over the rows. */
  readonly value: number[][];
  /** Standard error of each mean over the rows. */
  readonly stderr: number[][];
  /** Mean of −H over the rows (null where the Hessian is not available). */
  readonly observed: number[][] | null;
  /** Mean over the rows of the expected information given the row's covariates (null where there is no closed form). */
  readonly expected: number[][] | null;
}

/**
 * The empirical Fisher information of a data set at θ, the mean of s sᵀ over the rows with the
 * standard error of each mean, with the observed information (the mean of −H) beside it and, where
 * the parameters enter through linear predictors of covariates, the expected one given the rows'
 * covariates. It is not the expected information of the model: it estimates it at the truth.
 *
 * @param rows - A {@link DataSet}, or values of the data (and covariates) per row.
 * @param at - θ by name.
 * @throws {@link FisherError} `bad-value` for fewer than 2 rows, a parameter without a value
 *   (`bad-option`), or a value missing from a row.
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * const r = empiricalFisher(m, [new Map([['x', 3]]), new Map([['x', 5]]), new Map([['x', 4]])], new Map([['lam', 4]]));
 * [r.value, r.stderr, r.observed]; // → [[[0.041666666666666664]], [[0.020833333333333336]], [[0.25]]]
 */
export function empiricalFisher(m: Model, rows: Rows, at: ReadonlyMap<string, number>): EmpiricalFisher {
  const data = asDataSet(m, rows);
  const n = data.rows;
  if (n < 2) throw new FisherError('bad-value', `the data set needs at least 2 rows, it has ${n}`);
  const P = m.params.length;
  const theta = paramVector(m, at);
  const { sum, sq } = scoreGram(m, data, theta, true);
  const grid = (flat: Float64Array | null, f: (x: number, i: number) => number): number[][] | null =>
    flat === null ? null : Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => f(flat[i * P + j]!, i * P + j)));
  const se = (x: number, i: number): number => {
    const mean = x / n;
    return Math.sqrt(Math.max(0, (sq![i]! - n * mean * mean) / (n - 1)) / n);
  };
  let observed: Float64Array | null;
  try {
    observed = dataMatrix(m, data, theta, 'observed');
  } catch (e) {
    if (!(e instanceof FisherError)) throw e;
    observed = null;
  }
  return {
    params: m.params.map((p) => p.name),
    rows: n,
    value: grid(sum, (x) => x / n)!,
    stderr: grid(sum, se)!,
    observed: grid(observed, (x) => x / n),
    expected: grid(dataMatrix(m, data, theta, 'expected'), (x) => x / n),
  };
}
