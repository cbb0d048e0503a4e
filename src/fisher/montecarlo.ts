/**
 * Monte Carlo Fisher information with honest error bars. Both estimators — the mean of score
 * outer products s sᵀ and the mean of negative Hessians −H — are accumulated from the same draws,
 * each with a standard error per entry; the score (mean zero) serves as control variates, which
 * reduce the variance wherever an entry correlates with it. Work is split into fixed chunks, chunk
 * k drawing from stream k of the seeded generator, and chunk sums are added in chunk order: the
 * result depends on the seed only, not on how chunks are spread over workers.
 */
import { compile } from '../expr/compile';
import { FisherError } from '../expr/errors';
import { mul, num, type Expr } from '../expr/expr';
import type { Model } from '../lang/model';
import { Rng } from '../numeric/random';
import { constantValues, hessian, score } from './derivatives';
import { almostEverywhere, isNonsmooth } from './fisher';
import { dataSampler } from './sample';

/**
 * A Monte Carlo estimator of the Fisher matrix: `score`, the mean of s sᵀ, or `hessian`, the mean
 * of −H (only where log p is twice differentiable in θ).
 *
 * @example
 * monteCarloFisher(parse('x ~ Poisson(lam)'), new Map([['lam', 3]]), { n: 1000, estimator: 'hessian' }).estimator; // → 'hessian'
 */
export type McEstimator = 'score' | 'hessian';

/**
 * Options of {@link monteCarloFisher}.
 *
 * @example
 * const seen = [];
 * monteCarloFisher(parse('x ~ Poisson(lam)'), new Map([['lam', 3]]), { n: 10000, seed: 3, chunkSize: 4000, onProgress: (done) => seen.push(done) });
 * seen; // → [4000, 8000, 10000]
 */
export interface MonteCarloOptions {
  /** Number of draws. */
  readonly n: number;
  /** Seed of the generator (default 1). */
  readonly seed?: number;
  /** Draws per chunk (default 65536): the unit of reproducibility and of parallel work. */
  readonly chunkSize?: number;
  /** Use the score as control variates (default true). */
  readonly controlVariates?: boolean;
  /** Called after each chunk with the number of draws done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Sums over one chunk: enough to combine chunks exactly and to form both estimators. */
export interface ChunkSums {
  n: number;
  /** Σ y_k for y = [s (p), s sᵀ upper (q), −H upper (q)]. */
  readonly sum: Float64Array;
  /** Σ y_j y_k for the same y, row-major (dim × dim). */
  readonly cross: Float64Array;
}

/**
 * One Monte Carlo estimator's matrix and standard errors.
 *
 * @example
 * monteCarloFisher(parse('x ~ Poisson(lam)'), new Map([['lam', 3]]), { n: 10000, seed: 1 }).estimates.hessian; // → { value: [[0.3365...]], stderr: [[0.001947...]] }
 */
export interface Estimate {
  /** The estimated matrix. */
  readonly value: number[][];
  /** The standard error of each entry. */
  readonly stderr: number[][];
}

/**
 * The Fisher matrix at a point by Monte Carlo, with standard errors (see {@link monteCarloFisher}).
 *
 * @example
 * const r = monteCarloFisher(parse('x ~ Gamma(a, b)'), new Map([['a', 2.5], ['b', 1.5]]), { n: 20000, seed: 7 });
 * [r.params, r.n, r.seed, r.estimator, r.sampler, r.controlVariates]; // → [['a', 'b'], 20000, 7, 'hessian', 'family samplers', true]
 */
export interface MonteCarloResult {
  /** The parameters, in order. */
  readonly params: string[];
  /** The number of draws. */
  readonly n: number;
  /** The generator's seed. */
  readonly seed: number;
  /** The estimator of `value` and `stderr`. */
  readonly estimator: McEstimator;
  /** The chosen estimator's value and standard errors. */
  readonly value: number[][];
  /** The standard error of each entry of `value`. */
  readonly stderr: number[][];
  /** Both estimators (the Hessian's null where log p has no second derivatives). */
  readonly estimates: {
    /** The mean of s sᵀ. */
    readonly score: Estimate;
    /** The mean of −H. */
    readonly hessian: Estimate | null;
  };
  /** How the data were drawn: `family samplers`, `numeric inverse CDF`, ... */
  readonly sampler: string;
  /** Whether the score served as control variates. */
  readonly controlVariates: boolean;
}

/** Everything a chunk needs, built once per model and point (and once per worker). */
export interface McPlan {
  readonly p: number;
  readonly q: number;
  readonly dim: number;
  readonly runChunk: (chunk: number, size: number, seed: number) => ChunkSums;
  readonly sampler: string;
  readonly hasHessian: boolean;
  /** Draws within a chunk are a Markov chain: standard errors come from the spread of chunk means. */
  readonly markov: boolean;
  /** log p is smooth in θ, so that the mean of −H estimates the information (not so for abs or sign). */
  readonly smooth: boolean;
}

/** Compile the score and Hessian entries and the sampler at a parameter point. */
export function monteCarloPlan(m: Model, at: ReadonlyMap<string, number>): McPlan {
  if (m.data.length === 0) throw new FisherError('support', 'the model has no data to sample');
  const params = m.params.map((p) => p.name);
  const p = params.length;
  const q = (p * (p + 1)) / 2;
  const s = score(m);
  const continuous = m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex');
  let h: Expr[][] | undefined;
  try {
    h = hessian(m);
  } catch {
    h = undefined;
  }
  // y = [score (p), s sᵀ upper triangle (q), −H upper triangle (q)]
  const outer: Expr[] = [];
  const negH: Expr[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const o = mul(s[i]!, s[j]!);
      outer.push(continuous ? almostEverywhere(o) : o);
      if (h !== undefined) negH.push(mul(num(-1), h[i]![j]!));
    }
  }
  const exprs = [...s, ...outer, ...negH];
  const env = new Map([...constantValues(m), ...at]);
  const dataNames = m.data.map((d) => d.name);
  const fixedNames = [...env.keys()].filter((k) => !dataNames.includes(k));
  const names = [...dataNames, ...fixedNames];
  const compiled = compile(exprs, names, fixedNames);
  const v = new Float64Array(names.length);
  fixedNames.forEach((k, i) => (v[dataNames.length + i] = env.get(k)!));
  compiled.prepare(v);
  const sampler = dataSampler(m, env);
  const dim = exprs.length;
  const y = new Float64Array(dim);
  const kernel = chunkKernel(p, dim);
  const runChunk = (chunk: number, size: number, seed: number): ChunkSums => {
    const rng = new Rng(seed, chunk);
    sampler.restart?.(rng);
    const sum = new Float64Array(dim);
    const cross = new Float64Array(dim * dim);
    const n = kernel(rng, size, sampler.sample, compiled.run, v, y, sum, cross);
    return { n, sum, cross };
  };
  return { p, q, dim, runChunk, sampler: sampler.method, hasHessian: h !== undefined, markov: sampler.restart !== undefined, smooth: !isNonsmooth(m.logp, params) };
}

type Kernel = (
  rng: Rng,
  size: number,
  sample: (rng: Rng, out: Float64Array) => void,
  run: (v: Float64Array, out: Float64Array) => void,
  v: Float64Array,
  y: Float64Array,
  sum: Float64Array,
  cross: Float64Array,
) => number;

/**
 * The inner loop of a chunk, unrolled for the dimensions at hand: draw, evaluate, skip a draw
 * with a non-finite value (a null set where log p is not differentiable), and accumulate only the
 * moments the estimates use (the score times everything, for control variates; squares of the
 * rest). The generated source holds numeric indices only.
 */
function chunkKernel(p: number, dim: number): Kernel {
  const ys = Array.from({ length: dim }, (_, k) => `y${k}`);
  const lines: string[] = [];
  lines.push(`let n = 0;`, `for (let t = 0; t < size; t++) {`, `sample(rng, v);`, `run(v, y);`);
  lines.push(`const ${ys.map((name, k) => `${name} = y[${k}]`).join(', ')};`);
  lines.push(`if ((${ys.map((name) => `${name} * 0`).join(' + ')}) !== 0) continue;`, `n++;`);
  for (let j = 0; j < dim; j++) lines.push(`sum[${j}] += y${j};`);
  for (let j = 0; j < dim; j++) {
    if (j < p) for (let k = j; k < dim; k++) lines.push(`cross[${j * dim + k}] += y${j} * y${k};`);
    else lines.push(`cross[${j * dim + j}] += y${j} * y${j};`);
  }
  lines.push(`}`, `return n;`);
  return new Function('rng', 'size', 'sample', 'run', 'v', 'y', 'sum', 'cross', lines.join('\n')) as Kernel;
}

/** Add chunk sums in order (into `into`). */
export function addChunk(into: ChunkSums, c: ChunkSums): void {
  into.n += c.n;
  for (let i = 0; i < into.sum.length; i++) into.sum[i]! += c.sum[i]!;
  for (let i = 0; i < into.cross.length; i++) into.cross[i]! += c.cross[i]!;
}

/** The estimate of E[y_k] for k in `targets`, with standard errors, from the summed moments. */
export function estimate(total: ChunkSums, plan: McPlan, targets: readonly number[], controlVariates: boolean): { mean: number[]; se: number[] } {
  const { n, sum, cross } = total;
  const dim = plan.dim;
  const mean = (k: number): number => sum[k]! / n;
  const cov = (j: number, k: number): number => {
    const [a, b] = j <= k ? [j, k] : [k, j];
    return (cross[a * dim + b]! - n * mean(a) * mean(b)) / (n - 1);
  };
  const p = plan.p;
  const S = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (__, j) => cov(i, j)));
  const out = { mean: [] as number[], se: [] as number[] };
  for (const k of targets) {
    let m = mean(k);
    let v = cov(k, k);
    if (controlVariates && p > 0) {
      // β = Σ_ss⁻¹ Σ_sy; estimate ȳ − βᵀ s̄ (E[s] = 0), residual variance Σ_yy − βᵀ Σ_sy.
      const c = Array.from({ length: p }, (_, i) => cov(i, k));
      const beta = solve(S, c);
      if (beta !== undefined) {
        const reduced = v - beta.reduce((acc, b, i) => acc + b * c[i]!, 0);
        if (reduced >= 0 && reduced < v) {
          m -= beta.reduce((acc, b, i) => acc + b * mean(i), 0);
          v = reduced;
        }
      }
    }
    out.mean.push(m);
    out.se.push(Math.sqrt(Math.max(0, v) / n));
  }
  return out;
}

/** Solve a small symmetric system by Gaussian elimination with partial pivoting. */
export function solve(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (!(Math.abs(M[piv]![c]!) > 1e-300)) return undefined;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((r, i) => r[n]! / r[i]!);
}

/** Unpack upper-triangle estimates into symmetric matrices. */
function square(p: number, flat: readonly number[]): number[][] {
  const m = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let k = 0;
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) m[i]![j] = m[j]![i] = flat[k++]!;
  return m;
}

/** Standard errors from the spread of chunk means (batch means), for Markov-chain draws. */
function batchMeans(chunks: readonly ChunkSums[], total: ChunkSums, targets: readonly number[]): { mean: number[]; se: number[] } {
  const c = chunks.filter((x) => x.n > 0);
  const out = { mean: [] as number[], se: [] as number[] };
  for (const k of targets) {
    const mean = total.sum[k]! / total.n;
    let v = 0;
    for (const x of c) v += (x.n / total.n) ** 2 * (x.sum[k]! / x.n - mean) ** 2;
    out.mean.push(mean);
    out.se.push(c.length > 1 ? Math.sqrt((v * c.length) / (c.length - 1)) : Infinity);
  }
  return out;
}

/** Combine chunk sums, in chunk order, into the result (shared by the in-process and the parallel runs). */
export function finish(m: Model, plan: McPlan, chunks: readonly ChunkSums[], seed: number, estimator: McEstimator | undefined, controlVariatesWanted: boolean): MonteCarloResult {
  const p = plan.p;
  const q = plan.q;
  const total: ChunkSums = { n: 0, sum: new Float64Array(plan.dim), cross: new Float64Array(plan.dim * plan.dim) };
  for (const c of chunks) addChunk(total, c);
  if (total.n < 2) throw new FisherError('bad-value', 'too few finite draws to estimate anything');
  const controlVariates = controlVariatesWanted && !plan.markov;
  const outerIdx = Array.from({ length: q }, (_, k) => p + k);
  const hessIdx = Array.from({ length: q }, (_, k) => p + q + k);
  const est = (idx: number[]): { mean: number[]; se: number[] } => (plan.markov ? batchMeans(chunks, total, idx) : estimate(total, plan, idx, controlVariates));
  const sc = est(outerIdx);
  const he = plan.hasHessian ? est(hessIdx) : undefined;
  const chosen: McEstimator = estimator ?? (he !== undefined && plan.smooth ? 'hessian' : 'score');
  if (chosen === 'hessian' && he === undefined) throw new FisherError('bad-option', 'the Hessian estimator needs second derivatives, which this model does not have');
  if (chosen === 'hessian' && !plan.smooth) {
    throw new FisherError('bad-option', "log p is not differentiable in the parameters everywhere (abs or sign), so the mean of −H does not estimate the information: use --estimator score");
  }
  const scoreEst = { value: square(p, sc.mean), stderr: square(p, sc.se) };
  const hessEst = he === undefined || !plan.smooth ? null : { value: square(p, he.mean), stderr: square(p, he.se) };
  const pick = chosen === 'hessian' ? hessEst! : scoreEst;
  return {
    params: m.params.map((x) => x.name),
    n: total.n,
    seed,
    estimator: chosen,
    value: pick.value,
    stderr: pick.stderr,
    estimates: { score: scoreEst, hessian: hessEst },
    sampler: plan.sampler,
    controlVariates,
  };
}

/**
 * The Fisher matrix at parameter values `at` by Monte Carlo, in this thread, with honest error
 * bars: data drawn by {@link dataSampler} from the seeded generator, both estimators (mean of s sᵀ
 * and of −H) from the same draws, each entry with its standard error, and the score (mean zero)
 * as control variates. The work is split into chunks, chunk k drawing from stream k, so the result
 * depends on the seed only. By default the estimator with the smaller total standard error.
 *
 * @param at - Values of the parameters and covariates.
 * @throws {@link FisherError} `bad-option` (fewer than 2 draws, a seed outside 0..2³²−1, the
 *   Hessian estimator where log p is not smooth); `support` (a model without data, or without a
 *   sampler); `bad-value` (the density vanishes, too few finite draws).
 * @example
 * const m = parse('x ~ Weibull(k, lambda)');
 * const at = new Map([['k', 2], ['lambda', 1]]);
 * const r = monteCarloFisher(m, at, { n: 100000, seed: 7 });
 * r.estimator; // → 'hessian'
 * r.value; // → [[0.4558..., -0.4224...], [-0.4224..., 3.976...]]
 * r.stderr; // → [[0.0007137..., 0.0006151...], [0.0006151..., 0.01895...]]
 * fisher(m, { at }).value; // → [[0.4559..., -0.4227...], [-0.4227..., 4]]
 */
export function monteCarloFisher(m: Model, at: ReadonlyMap<string, number>, options: MonteCarloOptions & { estimator?: McEstimator }): MonteCarloResult {
  if (!(options.n >= 2) || !Number.isFinite(options.n)) throw new FisherError('bad-option', `the number of draws must be at least 2, got ${options.n}`);
  const n = Math.floor(options.n);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new FisherError('bad-option', `the seed must be a whole number from 0 to 4294967295, got ${seed}`);
  const plan = monteCarloPlan(m, at);
  const chunkSize = options.chunkSize ?? defaultChunkSize(plan);
  const sums: ChunkSums[] = [];
  const chunks = Math.ceil(n / chunkSize);
  for (let c = 0; c < chunks; c++) {
    const size = Math.min(chunkSize, n - c * chunkSize);
    sums.push(plan.runChunk(c, size, seed));
    options.onProgress?.(Math.min(n, (c + 1) * chunkSize), n);
  }
  return finish(m, plan, sums, seed, options.estimator, options.controlVariates ?? true);
}

/** Chunks of 65536 independent draws, or of 4096 for Markov chains (each chunk is a chain: a batch). */
export const defaultChunkSize = (plan: McPlan): number => (plan.markov ? 4096 : 65536);
