/**
 * Sampling the data of a model at given parameter values, reproducibly from a seeded generator:
 * built-in families by their own samplers (the `~` lines, in order, so an argument may depend on
 * data drawn before it); any other model of one data value by inversion of an accurate numeric
 * CDF (continuous data) or of the cumulative probabilities (discrete data).
 */
import { FisherError } from '../expr/errors';
import { compileClosure, evaluate } from '../expr/evaluate';
import { dependsOn, type Expr } from '../expr/expr';
import { SAMPLERS } from '../families/samplers';
import type { Model } from '../lang/model';
import type { Rng } from '../numeric/random';
import { integrate } from '../numeric/quadrature';

/**
 * Draws of a model's data at fixed parameter values (see {@link dataSampler}).
 *
 * @example
 * dataSampler(parse('x ~ Normal(mu, sigma)'), new Map([['mu', 0], ['sigma', 1]])).method; // → 'family samplers'
 */
export interface DataSampler {
  /** Draw one observation: the data values in the order of `model.data`. */
  readonly sample: (rng: Rng, out: Float64Array) => void;
  /** How: `family samplers` or `numeric inverse CDF`. */
  readonly method: string;
  /** A Markov chain: call at the start of each chunk (it burns in); draws within a chunk are correlated. */
  readonly restart?: (rng: Rng) => void;
}

/**
 * A sampler of the model's data at the parameter (and covariate, constant) values in `env`,
 * reproducible from a seeded {@link Rng}: the built-in families' own samplers for `~` lines (in
 * order, so an argument may depend on data drawn before it); for any other model of one datum,
 * inversion of an accurate numeric CDF (continuous) or of the cumulative probabilities (discrete);
 * several discrete data by their joint table; several continuous data by slice sampling (a Markov
 * chain: `restart` burns it in).
 *
 * @throws {@link FisherError} `support` where no sampler applies (discrete and continuous data
 *   mixed, an unbounded joint support); `bad-value` where the density is zero everywhere or does
 *   not sum to 1; `too-large` for a table too large.
 * @example
 * const s = dataSampler(parse('x ~ Poisson(lam)'), new Map([['lam', 4]]));
 * const rng = new Rng(1);
 * const out = new Float64Array(1);
 * const draws = [];
 * for (let i = 0; i < 5; i++) {
 *   s.sample(rng, out);
 *   draws.push(out[0]);
 * }
 * draws; // → [5, 4, 3, 4, 5]
 * dataSampler(parse('data x in positive; param k in positive; logp = log(k) - k*x'), new Map([['k', 2]])).method; // → 'numeric inverse CDF'
 */
export function dataSampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const dataNames = m.data.map((d) => d.name);
  const drawn = m.draws.flatMap((d) => d.data);
  if (m.familiesOnly && m.draws.length > 0 && drawn.length === dataNames.length && new Set(drawn).size === drawn.length) {
    return familySampler(m, env);
  }
  if (m.data.length === 1) {
    const d = m.data[0]!;
    if (d.support.kind === 'interval') return inverseCdfSampler(m, env);
    if (d.support.kind === 'integers' || d.support.kind === 'set') return discreteSampler(m, env);
  }
  if (m.data.every((d) => d.support.kind === 'set' || d.support.kind === 'integers')) return jointDiscreteSampler(m, env);
  if (m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex')) return sliceSampler(m, env);
  throw new FisherError('support', 'Monte Carlo needs a sampler: this joint density mixes discrete and continuous data');
}

/** Several discrete data values on finite supports: inversion over the joint outcomes. */
function jointDiscreteSampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const axes = m.data.map((d) => {
    if (d.support.kind === 'set') return d.support.values.map((v) => evaluate(v, env));
    if (d.support.kind === 'integers') {
      const lo = evaluate(d.support.lo, env);
      const hi = evaluate(d.support.hi, env);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi - lo > 1e5) throw new FisherError('support', `Monte Carlo over several data values needs finite supports, and ${d.name}'s is not`);
      return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    }
    throw new Error('unreachable');
  });
  const count = axes.reduce((n, a) => n * a.length, 1);
  if (count > 1e6) throw new FisherError('too-large', `${count} joint outcomes are too many to tabulate`);
  const e = new Map(env);
  const logp = compileClosure(m.logp, e);
  const outcomes: number[][] = [];
  const cum: number[] = [];
  let total = 0;
  const rec = (i: number, prefix: number[]): void => {
    if (i === axes.length) {
      m.data.forEach((d, k) => e.set(d.name, prefix[k]!));
      const q = Math.exp(logp());
      total += Number.isFinite(q) ? q : 0;
      outcomes.push(prefix);
      cum.push(total);
      return;
    }
    for (const v of axes[i]!) rec(i + 1, [...prefix, v]);
  };
  rec(0, []);
  if (!(Math.abs(total - 1) <= 1e-8)) {
    throw new FisherError('bad-value', `the joint density does not sum to 1 over the product of the declared supports (it sums to ${total.toPrecision(8)}): a constraint between the data is missing; write the model with a family such as \`y1, y2 ~ Categorical(p1, p2)\``);
  }
  return {
    method: 'inversion over the joint outcomes',
    sample: (rng, out) => {
      const o = outcomes[firstAtLeast(cum, rng.uniform() * total)]!;
      for (let k = 0; k < o.length; k++) out[k] = o[k]!;
    },
  };
}

/** The first index whose cumulative value is at least u (cum is non-decreasing; u <= its last value). */
function firstAtLeast(cum: ArrayLike<number>, u: number): number {
  let a = -1;
  let b = cum.length - 1;
  while (b - a > 1) {
    const mid = (a + b) >> 1;
    if (cum[mid]! < u) a = mid;
    else b = mid;
  }
  return b;
}

/** Steps of burn-in per chain (each chunk runs its own chain). */
const BURN_IN = 1000;

/**
 * Several continuous data values: a Markov chain of coordinate-wise slice sampling with stepping
 * out and shrinkage (Neal 2003, Ann. Statist. 31, 705–767), started inside the support.
 */
function sliceSampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const e = new Map(env);
  const logp = compileClosure(m.logp, e);
  const k = m.data.length;
  const names = m.data.map((d) => d.name);
  const simplex = m.data.some((d) => d.support.kind === 'simplex');
  const bounds = m.data.map((d) => (d.support.kind === 'interval' ? [evaluate(d.support.lo, env), evaluate(d.support.hi, env)] : [0, 1]) as [number, number]);
  const inSupport = (x: Float64Array): boolean => {
    for (let i = 0; i < k; i++) if (!(x[i]! > bounds[i]![0] && x[i]! < bounds[i]![1])) return false;
    if (simplex) {
      let s = 0;
      for (let i = 0; i < k; i++) if (m.data[i]!.support.kind === 'simplex') s += x[i]!;
      if (!(s < 1)) return false;
    }
    return true;
  };
  const lp = (x: Float64Array): number => {
    if (!inSupport(x)) return -Infinity;
    for (let i = 0; i < k; i++) e.set(names[i]!, x[i]!);
    const v = logp();
    return Number.isNaN(v) ? -Infinity : v;
  };
  const x = new Float64Array(k);
  const start = (): void => {
    for (let i = 0; i < k; i++) {
      const [lo, hi] = bounds[i]!;
      x[i] = Number.isFinite(lo) && Number.isFinite(hi) ? lo + (hi - lo) / (simplex ? k + 1 : 2) : Number.isFinite(lo) ? lo + 1 : Number.isFinite(hi) ? hi - 1 : 0;
    }
  };
  const w = 1;
  const step = (rng: Rng): void => {
    for (let i = 0; i < k; i++) {
      const y = lp(x) + Math.log(rng.uniform());
      const x0 = x[i]!;
      let l = x0 - w * rng.uniform();
      let r = l + w;
      for (let j = 0; j < 50; j++) {
        x[i] = l;
        if (!(lp(x) > y)) break;
        l -= w;
      }
      for (let j = 0; j < 50; j++) {
        x[i] = r;
        if (!(lp(x) > y)) break;
        r += w;
      }
      for (let j = 0; j < 200; j++) {
        const c = l + (r - l) * rng.uniform();
        x[i] = c;
        if (lp(x) > y) break;
        if (c < x0) l = c;
        else r = c;
        if (j === 199) x[i] = x0;
      }
    }
  };
  start();
  if (!Number.isFinite(lp(x))) throw new FisherError('bad-value', 'the density is zero at the starting point of the Markov chain');
  return {
    method: 'slice sampling (Markov chain)',
    restart: (rng) => {
      start();
      for (let t = 0; t < BURN_IN; t++) step(rng);
    },
    sample: (rng, out) => {
      step(rng);
      for (let i = 0; i < k; i++) out[i] = x[i]!;
    },
  };
}

function familySampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const index = new Map(m.data.map((d, i) => [d.name, i]));
  const e = new Map(env);
  const steps = m.draws.map((draw) => {
    const sampler = SAMPLERS[draw.family];
    if (sampler === undefined) throw new FisherError('support', `no sampler for the family ${draw.family}`);
    const dataArgs = draw.args.some((a) => m.data.some((d) => dependsOn(a, d.name)));
    const fixed = dataArgs ? undefined : draw.args.map((a) => evaluate(a, env));
    const dynamic = dataArgs ? draw.args.map((a) => compileClosure(a, e)) : undefined;
    const args = new Array<number>(draw.args.length).fill(0);
    const slots = draw.data.map((n) => index.get(n)!);
    const buf = new Float64Array(slots.length);
    return { sampler, fixed, dynamic, args, slots, buf, names: draw.data };
  });
  const only = steps[0]!;
  if (steps.length === 1 && only.fixed !== undefined && only.slots.every((slot, i) => slot === i)) {
    // One family with fixed arguments: it writes the data straight into place.
    const { sampler, fixed } = only;
    return { method: 'family samplers', sample: (rng, out) => sampler(rng, fixed, out) };
  }
  return {
    method: 'family samplers',
    sample: (rng, out) => {
      for (const s of steps) {
        let args: readonly number[];
        if (s.fixed !== undefined) args = s.fixed;
        else {
          for (let i = 0; i < s.args.length; i++) s.args[i] = s.dynamic![i]!();
          args = s.args;
        }
        s.sampler(rng, args, s.buf);
        for (let i = 0; i < s.slots.length; i++) {
          out[s.slots[i]!] = s.buf[i]!;
          if (s.dynamic !== undefined || m.draws.length > 1) e.set(s.names[i]!, s.buf[i]!);
        }
      }
    },
  };
}

/** Panels of the inverse-CDF table. */
const PANELS = 1 << 14;

/**
 * Inversion of the CDF tabulated on t ∈ (0, 1) with x = c + w·tan(π(t − ½)) (or its half-line
 * and finite-interval analogues), c and w the median and half the interquartile range, so that
 * the table resolves the bulk and the tails of any density alike.
 */
function inverseCdfSampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const d = m.data[0]!;
  if (d.support.kind !== 'interval') throw new Error('unreachable');
  const lo = evaluate(d.support.lo, env);
  const hi = evaluate(d.support.hi, env);
  const e = new Map(env);
  const logp = compileClosure(m.logp, e);
  const p = (x: number): number => {
    e.set(d.name, x);
    const v = Math.exp(logp());
    return Number.isFinite(v) ? v : 0;
  };
  const cdf = (x: number): number => integrate(p, lo, x, { relTol: 1e-10 }).value;
  const total = integrate(p, lo, hi, { relTol: 1e-10 }).value;
  const quantile = (q: number): number => {
    // Bisection on the CDF between finite brackets.
    let a = Number.isFinite(lo) ? lo : -1;
    let b = Number.isFinite(hi) ? hi : 1;
    while (!Number.isFinite(lo) && cdf(a) > q * total) a *= 2;
    while (!Number.isFinite(hi) && cdf(b) < q * total) b = b <= 0 ? 1 : b * 2;
    for (let i = 0; i < 80 && b - a > 1e-12 * Math.max(1, Math.abs(a)); i++) {
      const mid = (a + b) / 2;
      if (cdf(mid) < q * total) a = mid;
      else b = mid;
    }
    return (a + b) / 2;
  };
  let map: (t: number) => number;
  if (Number.isFinite(lo) && Number.isFinite(hi)) map = (t) => lo + (hi - lo) * t;
  else if (Number.isFinite(lo)) {
    const w = Math.max(1e-300, quantile(0.5) - lo);
    map = (t) => lo + w * Math.tan((Math.PI * t) / 2);
  } else if (Number.isFinite(hi)) {
    const w = Math.max(1e-300, hi - quantile(0.5));
    map = (t) => hi - w * Math.tan((Math.PI * (1 - t)) / 2);
  } else {
    const c = quantile(0.5);
    const w = Math.max(1e-300, (quantile(0.75) - quantile(0.25)) / 2);
    map = (t) => c + w * Math.tan(Math.PI * (t - 0.5));
  }
  // Cumulative mass per panel by Simpson's rule in t, with the Jacobian by differences of the map.
  const cum = new Float64Array(PANELS + 1);
  const xs = new Float64Array(PANELS + 1);
  const h = 1 / PANELS;
  for (let i = 0; i <= PANELS; i++) xs[i] = map(i * h);
  const dens = (t: number): number => {
    const dt = 1e-7 * Math.min(t, 1 - t, 1e-3) || 0;
    if (!(dt > 0)) return 0;
    const x = map(t);
    const dx = (map(t + dt) - map(t - dt)) / (2 * dt);
    const v = p(x) * dx;
    return Number.isFinite(v) ? v : 0;
  };
  let f0 = dens(1e-12);
  for (let i = 0; i < PANELS; i++) {
    const a = i * h;
    const fm = dens(a + h / 2);
    const f1 = dens(Math.min(a + h, 1 - 1e-12));
    cum[i + 1] = cum[i]! + (h / 6) * (f0 + 4 * fm + f1);
    f0 = f1;
  }
  const mass = cum[PANELS]!;
  if (!(mass > 0)) throw new FisherError('bad-value', 'the density is zero everywhere at these parameter values');
  return {
    method: 'numeric inverse CDF',
    sample: (rng, out) => {
      const u = rng.uniform() * mass;
      let a = 0;
      let b = PANELS;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if (cum[mid]! <= u) a = mid;
        else b = mid;
      }
      const frac = (u - cum[a]!) / (cum[a + 1]! - cum[a]! || 1);
      out[0] = map((a + frac) * h);
    },
  };
}

/** Inversion of cumulative probabilities over the support, to a tail below 1e-15. */
function discreteSampler(m: Model, env: ReadonlyMap<string, number>): DataSampler {
  const d = m.data[0]!;
  const e = new Map(env);
  const logp = compileClosure(m.logp, e);
  const pmf = (k: number): number => {
    e.set(d.name, k);
    const v = Math.exp(logp());
    return Number.isFinite(v) ? v : 0;
  };
  const values: number[] = [];
  const cum: number[] = [];
  let total = 0;
  if (d.support.kind === 'set') {
    for (const v of d.support.values.map((x: Expr) => evaluate(x, env))) {
      total += pmf(v);
      values.push(v);
      cum.push(total);
    }
  } else if (d.support.kind === 'integers') {
    const lo = evaluate(d.support.lo, env);
    const hi = evaluate(d.support.hi, env);
    if (!Number.isFinite(lo)) throw new FisherError('support', 'Monte Carlo over all the integers needs a lower bound');
    for (let k = lo; k <= hi; k++) {
      const q = pmf(k);
      total += q;
      values.push(k);
      cum.push(total);
      if (values.length > 1e7) throw new FisherError('too-large', 'the distribution has too many values with non-negligible probability to tabulate');
      if (k - lo > 50 && q < 1e-17 * total && !Number.isFinite(hi)) break;
    }
  }
  return {
    method: 'inversion of the cumulative probabilities',
    sample: (rng, out) => {
      out[0] = values[firstAtLeast(cum, rng.uniform() * total)]!;
    },
  };
}
