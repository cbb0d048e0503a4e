/**
 * The data of a fit: rows or columns as the caller holds them, turned into Float64Array columns
 * (one per data symbol and covariate), each value checked against its declared support with the
 * row it came from; parameter values (starts, null hypotheses) checked against the domains; and
 * the coordinates in which the optimiser moves, so that iterates never leave a domain.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { contains, formatInterval, iv, type Interval } from '../expr/interval';
import type { Declaration, Model } from '../lang/model';
import { suggest } from '../lang/parse';
import { constantValues } from '../fisher/derivatives';
import { logit, sigmoid } from '../numeric/special';

/**
 * A data set for {@link fit}: rows (Maps or plain objects from a name to a number), or columns (a
 * plain object from a name to an array of numbers; Float64Arrays are used as they are). Every data
 * symbol and covariate of the model needs a value.
 *
 * @example
 * const m = parse('x ~ Exponential(lam)');
 * [fit(m, [{ x: 1 }, { x: 3 }]).estimate, fit(m, { x: [1, 3] }).estimate]; // → [[0.5], [0.5]]
 */
export type FitData =
  | ReadonlyArray<ReadonlyMap<string, number> | Readonly<Record<string, number>>>
  | Readonly<Record<string, ArrayLike<number>>>;

/**
 * Values of named parameters: a Map or a plain object.
 *
 * @example
 * fit(parse('x ~ Normal(mu, sigma)'), { x: [1, 2, 4] }, { start: { mu: 2 }, null: new Map([['sigma', 1]]) }).tests.null; // → { sigma: 1 }
 */
export type ParamValues = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

export interface Columns {
  /** The data symbols then the covariates, in declaration order. */
  readonly names: string[];
  readonly columns: Float64Array[];
  readonly n: number;
}

/**
 * How a row is named in messages: `row 3` by default; the CLI names the file and CSV line.
 *
 * @example
 * fit(parse('x ~ Poisson(lam)'), { x: [1, -2] }, { rowLabel: (r) => `data.csv, line ${r + 2}` }); // → throws FisherError (support): data.csv, line 3: x = -2 is outside the support of x, naturals (whole numbers from 0)
 */
export type RowLabel = (row: number) => string;
export const defaultRowLabel: RowLabel = (r) => `row ${r + 1}`;

const isRows = (d: FitData): d is ReadonlyArray<ReadonlyMap<string, number> | Readonly<Record<string, number>>> => Array.isArray(d);

/**
 * The model's data and covariate values as columns, every value a finite number inside its
 * declared support.
 * @throws FisherError naming the row and column of the first value that is missing or wrong
 */
export function dataColumns(m: Model, data: FitData, label: RowLabel = defaultRowLabel): Columns {
  const decls = [...m.data, ...m.givens];
  const names = decls.map((d) => d.name);
  let columns: Float64Array[];
  if (isRows(data)) {
    columns = names.map(() => new Float64Array(data.length));
    data.forEach((row, r) => {
      names.forEach((name, k) => {
        const v = row instanceof Map ? row.get(name) : (row as Readonly<Record<string, number>>)[name];
        if (v === undefined) throw new FisherError('bad-value', `${label(r)} has no value for ${name}`);
        columns[k]![r] = v;
      });
    });
  } else {
    const given = Object.keys(data);
    const missing = names.filter((n) => !Object.hasOwn(data, n));
    if (missing.length > 0) {
      throw new FisherError('bad-value', `the data have no column ${missing.map((x) => `'${x}'`).join(', ')}${suggest(missing[0]!, given)} (columns: ${given.join(', ') || 'none'})`);
    }
    // Float64Array columns are read as they are (never written); anything else is converted once.
    columns = names.map((n) => (data[n] instanceof Float64Array ? data[n] : Float64Array.from(data[n]!)));
    const n0 = columns[0]?.length ?? 0;
    columns.forEach((c, k) => {
      if (c.length !== n0) throw new FisherError('bad-value', `column '${names[k]}' has ${c.length} values, column '${names[0]}' has ${n0}`);
    });
  }
  const n = columns[0]?.length ?? 0;
  if (n === 0) throw new FisherError('bad-value', 'the data set has no rows');
  checkSupports(m, decls, columns, label);
  return { names, columns, n };
}

/** Every value finite and inside its declared support (a simplex: positive, summing below 1). */
function checkSupports(m: Model, decls: readonly Declaration[], columns: readonly Float64Array[], label: RowLabel): void {
  const consts = constantValues(m);
  const bound = (e: Parameters<typeof evaluate>[0]): number => evaluate(e, consts);
  decls.forEach((d, k) => {
    const col = columns[k]!;
    const inside = membership(d, bound);
    for (let r = 0; r < col.length; r++) {
      const x = col[r]!;
      if (!Number.isFinite(x)) throw new FisherError('bad-value', `${label(r)}: ${d.name} = ${x} is not a finite number`);
      if (!inside(x)) throw new FisherError('support', `${label(r)}: ${d.name} = ${x} is outside the support of ${d.name}, ${describeSupport(d, bound)}`);
    }
  });
  const simplex = decls.map((d, k) => [d, k] as const).filter(([d]) => d.support.kind === 'simplex');
  if (simplex.length === 0) return;
  for (let r = 0; r < columns[0]!.length; r++) {
    let total = 0;
    for (const [, k] of simplex) total += columns[k]![r]!;
    if (!(total < 1)) throw new FisherError('support', `${label(r)}: ${simplex.map(([d]) => d.name).join(' + ')} = ${total}, but a point of the simplex sums to less than 1`);
  }
}

/** A membership test for one declaration's support (bounds evaluated with the constants). */
function membership(d: Declaration, bound: (e: Parameters<typeof evaluate>[0]) => number): (x: number) => boolean {
  const s = d.support;
  switch (s.kind) {
    case 'interval': {
      const range = iv(bound(s.lo), bound(s.hi), s.loOpen, s.hiOpen);
      return (x) => contains(range, x);
    }
    case 'integers': {
      const lo = bound(s.lo);
      const hi = bound(s.hi);
      return (x) => Number.isInteger(x) && x >= lo && x <= hi;
    }
    case 'set': {
      const values = s.values.map(bound);
      return (x) => values.includes(x);
    }
    case 'simplex':
      return (x) => x > 0 && x < 1;
  }
}

function describeSupport(d: Declaration, bound: (e: Parameters<typeof evaluate>[0]) => number): string {
  const s = d.support;
  if (s.kind === 'integers') {
    const lo = bound(s.lo);
    const hi = bound(s.hi);
    const whole = lo === -Infinity && hi === Infinity ? 'whole numbers' : hi === Infinity ? `whole numbers from ${lo}` : `whole numbers ${lo}..${hi}`;
    return `${d.label} (${whole})`;
  }
  if (s.kind === 'set') return `{${s.values.map(bound).join(', ')}}`;
  if (s.kind === 'interval') {
    const text = formatInterval(iv(bound(s.lo), bound(s.hi), s.loOpen, s.hiOpen));
    return d.label.replace(/\s/g, '') === text.replace(/\s/g, '') ? text : `${d.label} ${text}`;
  }
  return 'the open simplex (each value in (0, 1))';
}

// ---------------------------------------------------------------------------------------------
// Parameter values and the optimiser's coordinates.

/**
 * Named parameter values checked against the model: each a declared parameter, finite, strictly
 * inside its domain (where the likelihood is smooth and the optimiser can move).
 * @param what how the values are named in messages (`start`, `null`)
 */
export function paramValues(m: Model, values: ParamValues | undefined, what: string): Map<string, number> {
  const out = new Map<string, number>();
  if (values === undefined) return out;
  const entries = values instanceof Map ? [...values] : Object.entries(values as Record<string, number>);
  const params = m.params.map((p) => p.name);
  for (const [name, value] of entries) {
    const decl = m.symbols.get(name);
    if (decl === undefined || decl.role !== 'param') {
      const role = decl === undefined ? 'which the model does not declare' : decl.role === 'data' ? 'which is data, not a parameter' : decl.role === 'given' ? 'which is a covariate (a column of the data), not a parameter' : 'which is a constant of the model';
      throw new FisherError('bad-option', `${what} names '${name}', ${role}${decl === undefined ? suggest(name, params) : ''}; the parameters are: ${params.join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new FisherError('bad-value', `${what} ${name} = ${String(value)}: not a finite number`);
    if (!insideOpen(decl.range, value)) {
      throw new FisherError('bad-value', `${what} ${name} = ${value} is not inside ${name}'s domain ${formatInterval(decl.range)}${contains(decl.range, value) ? ' (it must lie strictly inside, away from the edge)' : ''}`);
    }
    out.set(name, value);
  }
  return out;
}

const insideOpen = (r: Interval, x: number): boolean => x > r.lo && x < r.hi;

/**
 * An unconstrained coordinate u for a parameter θ with domain (lo, hi): θ = u on the real line,
 * θ = lo + eᵘ above a bound, θ = hi − eᵘ below one, θ = lo + (hi − lo)·σ(u) between two.
 */
export interface Coordinate {
  /** 'identity', 'log' or 'logit': how u is made from θ. */
  readonly kind: 'identity' | 'log' | 'logit';
  readonly theta: (u: number) => number;
  readonly u: (theta: number) => number;
  /** dθ/du and d²θ/du². */
  readonly d1: (u: number) => number;
  readonly d2: (u: number) => number;
  /** The value θ tends to as u → +∞ (sign 1) or −∞ (sign −1): a bound, or ±Infinity. */
  readonly edge: (sign: 1 | -1) => number;
}

/**
 * The coordinate of a parameter from its declared domain.
 * @example coordinate(parse('x ~ Poisson(lambda)').params[0]).theta(0) // 1
 */
export function coordinate(decl: Declaration): Coordinate {
  if (decl.support.kind !== 'interval') {
    throw new FisherError('support', `fit estimates parameters on intervals; ${decl.name} takes ${decl.label}: declare it as a constant (const ${decl.name} = ...) if it is known`);
  }
  const { lo, hi } = decl.range;
  if (lo === -Infinity && hi === Infinity) {
    return { kind: 'identity', theta: (u) => u, u: (t) => t, d1: () => 1, d2: () => 0, edge: (s) => s * Infinity };
  }
  if (hi === Infinity) {
    return { kind: 'log', theta: (u) => lo + Math.exp(u), u: (t) => Math.log(t - lo), d1: (u) => Math.exp(u), d2: (u) => Math.exp(u), edge: (s) => (s > 0 ? Infinity : lo) };
  }
  if (lo === -Infinity) {
    return { kind: 'log', theta: (u) => hi - Math.exp(u), u: (t) => Math.log(hi - t), d1: (u) => -Math.exp(u), d2: (u) => -Math.exp(u), edge: (s) => (s > 0 ? -Infinity : hi) };
  }
  const w = hi - lo;
  return {
    kind: 'logit',
    theta: (u) => lo + w * sigmoid(u),
    u: (t) => logit((t - lo) / w),
    d1: (u) => w * sigmoid(u) * sigmoid(-u),
    d2: (u) => w * sigmoid(u) * sigmoid(-u) * (sigmoid(-u) - sigmoid(u)),
    edge: (s) => (s > 0 ? hi : lo),
  };
}

/** The natural centre of a domain: 0 on the line, bound ± 1 on a half-line, the midpoint between two bounds. */
export function domainCentre(r: Interval): number {
  if (r.lo === -Infinity && r.hi === Infinity) return 0;
  if (r.hi === Infinity) return r.lo + 1;
  if (r.lo === -Infinity) return r.hi - 1;
  return (r.lo + r.hi) / 2;
}

/**
 * Candidate starting values from the data: moments of each data column (mean, standard deviation,
 * variance, their reciprocals and ratios, the same of log x for positive data), the kind of values
 * a method-of-moments estimate of a location, scale, rate or shape takes.
 */
export function momentCandidates(columns: readonly Float64Array[]): number[] {
  const out: number[] = [];
  // Sums of x − shift (the first value): no cancellation in the variance of data far from 0.
  const add = (n: number, shift: number, sum: number, sumSq: number): void => {
    const d = sum / n;
    const mean = shift + d;
    const v = Math.max(0, sumSq - n * d * d) / Math.max(1, n - 1);
    const sd = Math.sqrt(v);
    out.push(mean, sd, v, 1 / mean, 1 / sd, 1 / v, mean / v, (mean * mean) / v, Math.abs(mean));
  };
  for (const c of columns) {
    const n = c.length;
    if (n === 0) continue;
    const shift = c[0]!;
    const logShift = shift > 0 ? Math.log(shift) : 0;
    let s = 0;
    let ss = 0;
    let ls = 0;
    let lss = 0;
    let positive = true;
    for (let i = 0; i < n; i++) {
      const x = c[i]!;
      s += x - shift;
      ss += (x - shift) ** 2;
      if (x > 0) {
        const l = Math.log(x) - logShift;
        ls += l;
        lss += l * l;
      } else positive = false;
    }
    add(n, shift, s, ss);
    if (positive) add(n, logShift, ls, lss);
  }
  return [...new Set(out.filter((x) => Number.isFinite(x)))];
}
