/**
 * `verify`: is a claimed formula right? The claim (a Fisher matrix, a score, a Hessian, a
 * Jeffreys prior up to a constant) is compared with what the engine derives, entry by entry:
 *
 * 1. by simplification: the difference tidies to 0 under the declared domains (a proof);
 * 2. by evaluation at many seeded random points inside the declared domains — exactly, in
 *    rationals, where both sides are rational; otherwise in floating point with the rounding
 *    noise measured and every difference confirmed at a second, nearby point (`compare.ts`);
 *    where the engine has no closed form, against its quadrature within the error estimate.
 *
 * The answer is equal, or not equal with a point where the two differ and both values there.
 */
import { FisherError } from '../expr/errors';
import { ZERO, add, mul, num, pow, symbols, type Expr } from '../expr/expr';
import { printExpr } from '../expr/print';
import { rat, type Rational } from '../expr/rational';
import { tidy } from '../expr/simplify';
import type { Model } from '../lang/model';
import { hessian, modelRanges, score } from '../fisher/derivatives';
import { fisher, type FisherResult } from '../fisher/fisher';
import { numericFisher } from '../fisher/numeric';
import { klDivergence } from '../geometry/kl';
import { determinantNumeric, inverseNumeric } from '../stats/crb';
import { jeffreys } from '../stats/jeffreys';
import { parseClaim, type Claim } from './claim';
import { decide, describeOutcome, exprEvaluator, scaled, undecidedReason, type Difference, type Evaluator, type Outcome } from './compare';
import { samplePoints, type SamplePoint } from './points';

/**
 * What a claim of {@link verify} states: the Fisher matrix, the score, the Hessian, the Jeffreys
 * prior (up to a constant), or KL(p_θ1 ‖ p_θ2) (in the names `mu_1`, `mu_2`, ...).
 *
 * @example
 * verify(parse('x ~ Poisson(lam)'), 'kl', 'lam_2 - lam_1 + lam_1*log(lam_1/lam_2)').equal; // → true
 */
export type ClaimKind = 'fisher' | 'score' | 'hessian' | 'jeffreys' | 'kl';

/**
 * A point where the claim and the engine differ, with both values.
 *
 * @example
 * verify(parse('const n = 10; x ~ Binomial(n, theta)'), 'fisher', 'n/theta').counterexample; // → { at: { theta: 0.7931034482758621 }, entry: ['theta', 'theta'], claimed: 12.608695652173912, expected: 60.94202898550725, expectedExpr: 'n/(theta*(1 - theta))', exact: { claimed: '290/23', expected: '4205/69' } }
 */
export interface Counterexample {
  /** The point: parameter values (and data values for the score and the Hessian). */
  readonly at: Record<string, number>;
  /** Which entry: parameter names, e.g. ['theta', 'theta'] for a matrix entry. */
  readonly entry: string[];
  /** The claim's value there (null where it is not finite). */
  readonly claimed: number | null;
  /** The engine's value there (null where it has none). */
  readonly expected: number | null;
  /** The engine's closed form for the entry (null where it has none). */
  readonly expectedExpr: string | null;
  /** Both values as exact fractions, where both sides are rational at the point. */
  readonly exact?: {
    /** The claim's value, as n/d. */
    readonly claimed: string;
    /** The engine's value, as n/d. */
    readonly expected: string;
  };
  /** The engine's error estimate there (where it has no closed form). */
  readonly error?: number;
  /** For a claim up to a constant: the point where the constant was fixed (both sides equal there). */
  readonly reference?: {
    /** The point. */
    readonly at: Record<string, number>;
    /** The claim's value there. */
    readonly claimed: number;
    /** The engine's value there. */
    readonly engine: number;
  };
  /** Why there is no engine value, when there is none (e.g. regularity fails). */
  readonly reason?: string;
}

/**
 * The verdict of {@link verify}.
 *
 * @example
 * verify(parse('const n = 10; x ~ Binomial(n, theta)'), 'fisher', 'n/(theta*(1 - theta))'); // → { kind: 'fisher', params: ['theta'], equal: true, decided: true, method: 'simplification, and exact evaluation at 40 rational points', counterexample: null }
 */
export interface VerifyResult {
  /** What was claimed. */
  readonly kind: ClaimKind;
  /** The model's parameters. */
  readonly params: string[];
  /** True when the claim holds; false when it does not or could not be decided. */
  readonly equal: boolean;
  /** False when the evaluation could not decide either way (`method` says why). */
  readonly decided: boolean;
  /** How it was decided, e.g. 'simplification, and exact evaluation at 40 points'. */
  readonly method: string;
  /** Where the claim fails (null when it holds). */
  readonly counterexample: Counterexample | null;
}

/**
 * Options of {@link verify}.
 *
 * @example
 * verify(parse('x ~ Exponential(lam)'), 'score', '1/lam - x', { points: 10, seed: 7 }).method; // → 'simplification, and exact evaluation at 10 rational points'
 */
export interface VerifyOptions {
  /** Random points per entry (default 40; 5 where the engine computes numerically). */
  readonly points?: number;
  /** The seed of the random points. */
  readonly seed?: number;
}

const WHAT: Record<ClaimKind, string> = { fisher: 'Fisher information', score: 'score', hessian: 'Hessian', jeffreys: 'Jeffreys prior', kl: 'KL divergence' };

/**
 * Checks a claimed formula against the engine: parses the claim (a number or a matrix `[[a, b],
 * [b, c]]`, in the model's names), then decides equality entry by entry by simplification of the
 * difference, and by evaluation at random points of the domains — exactly, in rationals, where
 * both sides are rational there; else with the rounding noise measured and a confirming second
 * point; against quadrature within its error where the engine has no closed form. A failure comes
 * with a counterexample.
 *
 * @param kind - What the claim states.
 * @param claimText - The formula, in the model language.
 * @throws {@link FisherError} (with the position in the claim text) for a claim that does not
 *   parse (`syntax`), has the wrong shape (`bad-value`), or uses names it may not (`unknown-name`).
 * @example
 * const r = verify(parse('const n = 10; x ~ Binomial(n, theta)'), 'fisher', 'n/theta');
 * [r.equal, r.decided, r.method]; // → [false, true, 'exact evaluation']
 * verify(parse('x ~ Normal(mu, sigma)'), 'jeffreys', '1/sigma^2').equal; // → true
 * verify(parse('x ~ Normal(mu, sigma)'), 'fisher', '[[1/sigma^2, 0]]'); // → throws FisherError (bad-value): the model has 2 parameters (mu, sigma): the claimed Fisher information must be a 2×2 matrix [[a, b], [c, d]]; got 1 rows of 2 entries
 */
export function verify(m: Model, kind: ClaimKind, claimText: string, options: VerifyOptions = {}): VerifyResult {
  if (kind === 'kl') return compareKl(m, claimText, options);
  const withData = kind === 'score' || kind === 'hessian';
  const claim = parseClaim(claimText, m, { dataAllowed: withData, what: WHAT[kind] });
  const params = m.params.map((p) => p.name);
  switch (kind) {
    case 'score':
      return compareEntries(m, kind, asVector(claim, params, claimText, 'score'), score(m).map((e, i) => ({ entry: [params[i]!], engine: e })), options);
    case 'hessian': {
      const h = hessian(m);
      return compareEntries(m, kind, asMatrix(claim, params, claimText, 'Hessian'), cells(params, (i, j) => h[i]![j]!), options);
    }
    case 'fisher': {
      const r = fisher(m, { numeric: numericFisher });
      return compareFisher(m, r, asMatrix(claim, params, claimText, 'Fisher information'), options);
    }
    case 'jeffreys':
      if (claim.shape !== 'scalar') throw shapeError(claimText, 'the Jeffreys prior is one expression (up to a constant factor)');
      return compareProportional(m, claim.value, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Shapes.

function shapeError(text: string, message: string): FisherError {
  return new FisherError('bad-value', message, { start: 0, end: Math.max(1, text.length) }, text);
}

function asVector(c: Claim, params: readonly string[], text: string, what: string): Expr[] {
  const n = params.length;
  if (c.shape === 'scalar' && n === 1) return [c.value];
  if (c.shape === 'vector' && c.items.length === n) return [...c.items];
  const got = c.shape === 'scalar' ? 'one expression' : c.shape === 'vector' ? `a vector of ${c.items.length}` : `a ${c.rows.length}×${c.rows[0]?.length ?? 0} matrix`;
  throw shapeError(text, `the model has ${n} parameter${n === 1 ? '' : 's'} (${params.join(', ')}): the claimed ${what} must be a vector of ${n} entries [a, b, ...]; got ${got}`);
}

function asMatrix(c: Claim, params: readonly string[], text: string, what: string): Expr[][] {
  const n = params.length;
  if (c.shape === 'scalar' && n === 1) return [[c.value]];
  if (c.shape === 'matrix' && c.rows.length === n && c.rows.every((r) => r.length === n)) return c.rows.map((r) => [...r]);
  const got = c.shape === 'scalar' ? 'one expression' : c.shape === 'vector' ? `a vector of ${c.items.length}` : `${c.rows.length} rows of ${c.rows.map((r) => r.length).join(', ')} entries`;
  throw shapeError(text, `the model has ${n} parameter${n === 1 ? '' : 's'} (${params.join(', ')}): the claimed ${what} must be a ${n}×${n} matrix [[a, b], [c, d]]; got ${got}`);
}

function cells<T>(params: readonly string[], f: (i: number, j: number) => T): Array<{ entry: string[]; engine: T; i: number; j: number }> {
  return params.flatMap((a, i) => params.map((b, j) => ({ entry: [a, b], engine: f(i, j), i, j })));
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

const record = (m: Model, env: ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries([...env].filter(([k]) => m.symbols.get(k)?.role !== 'const'));

const continuousVars = (m: Model): string[] => [...m.symbols.values()].filter((d) => d.role !== 'const' && (d.support.kind === 'interval' || d.support.kind === 'simplex')).map((d) => d.name);

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

interface EntryCheck {
  readonly entry: string[];
  readonly claim: Expr;
  readonly engine: Evaluator;
  /** The engine's closed form, when it has one (for the proof by simplification). */
  readonly engineExpr: Expr | null;
  readonly points: readonly SamplePoint[];
}

/** Decide every entry; the first that differs gives the counterexample. */
function decideAll(m: Model, kind: ClaimKind, checks: readonly EntryCheck[]): VerifyResult {
  const ranges = modelRanges(m);
  const params = m.params.map((p) => p.name);
  const continuous = continuousVars(m);
  let proofs = 0;
  let exactPoints = 0;
  let floatPoints = 0;
  let undecided: string | undefined;
  for (const c of checks) {
    const proved = c.engineExpr !== null && tidy(add(c.claim, mul(num(-1), c.engineExpr)), { ranges }) === ZERO;
    if (proved) proofs++;
    const o = decide(exprEvaluator(c.claim), c.engine, c.points, { continuous, ...(proved ? { need: 1 } : {}) });
    if (o.equal === false) return notEqual(m, kind, params, c, o.difference);
    if (o.equal === undefined) {
      if (!proved) undecided ??= `${checks.length > 1 ? `entry ${c.entry.join(', ')}: ` : ''}${undecidedReason(o)}`;
    } else {
      exactPoints = Math.max(exactPoints, o.exact);
      floatPoints = Math.max(floatPoints, o.agreed - o.exact);
    }
  }
  if (undecided !== undefined) return { kind, params, equal: false, decided: false, method: `undecided: ${undecided}`, counterexample: null };
  const numeric = checks.some((c) => c.engine.numeric);
  const method = describeOutcome({ agreed: exactPoints + floatPoints, exact: exactPoints }, proofs === checks.length, numeric);
  return { kind, params, equal: true, decided: true, method, counterexample: null };
}

function notEqual(m: Model, kind: ClaimKind, params: string[], c: EntryCheck, d: Difference): VerifyResult {
  const counterexample: Counterexample = {
    at: record(m, d.at),
    entry: c.entry,
    claimed: finiteOrNull(d.claimed),
    expected: finiteOrNull(d.expected),
    expectedExpr: c.engineExpr === null ? null : printExpr(c.engineExpr),
    ...(d.exact !== undefined ? { exact: d.exact } : {}),
    ...(d.error !== undefined ? { error: d.error } : {}),
  };
  return { kind, params, equal: false, decided: true, method: d.exact !== undefined ? 'exact evaluation' : 'evaluation', counterexample };
}

function compareEntries(m: Model, kind: ClaimKind, claim: Expr[] | Expr[][], engine: Array<{ entry: string[]; engine: Expr }>, options: VerifyOptions): VerifyResult {
  const withData = kind === 'score' || kind === 'hessian';
  const points = samplePoints(m, withData ? ['param', 'given', 'data'] : ['param', 'given'], options.points ?? 40, options.seed ?? 2024);
  const flat = claim.flat() as Expr[];
  return decideAll(
    m,
    kind,
    engine.map((e, k) => ({ entry: e.entry, claim: flat[k]!, engine: exprEvaluator(e.engine), engineExpr: e.engine, points })),
  );
}

function compareFisher(m: Model, r: FisherResult, claim: Expr[][], options: VerifyOptions): VerifyResult {
  const points = samplePoints(m, ['param', 'given'], options.points ?? 40, options.seed ?? 2024);
  const numericPoints = points.slice(0, 5);
  const cache = new Map<string, FisherResult>();
  const at = (env: ReadonlyMap<string, number>): FisherResult => {
    const key = [...env].map(([k, v]) => `${k}=${v}`).join(',');
    let hit = cache.get(key);
    if (hit === undefined) {
      const vars = new Map([...env].filter(([k]) => m.symbols.get(k)?.role === 'param' || m.symbols.get(k)?.role === 'given'));
      hit = fisher(m, { at: vars, numeric: numericFisher, checkNormalised: false });
      cache.set(key, hit);
    }
    return hit;
  };
  const checks: EntryCheck[] = [];
  for (const c of cells(r.params, (i, j) => r.matrix[i]![j]!)) {
    const e = c.engine;
    if (e !== null) {
      checks.push({ entry: c.entry, claim: claim[c.i]![c.j]!, engine: exprEvaluator(e), engineExpr: e, points });
      continue;
    }
    const method = r.methods[c.i]![c.j]!;
    if (method.startsWith('irregular')) {
      const p = points[0]!;
      return {
        kind: 'fisher',
        params: r.params,
        equal: false,
        decided: true,
        method: 'the engine finds no Fisher information here',
        counterexample: {
          at: record(m, p.float),
          entry: c.entry,
          claimed: finiteOrNull(exprEvaluator(claim[c.i]![c.j]!).float(p.float)),
          expected: null,
          expectedExpr: null,
          reason: `${method.replace(/^irregular: /, '')}, so the regularity conditions fail and the entry is undefined`,
        },
      };
    }
    const engine: Evaluator = {
      exact: () => 'not rational',
      float: (env) => at(env).value?.[c.i]?.[c.j] ?? NaN,
      error: (env) => at(env).error?.[c.i]?.[c.j] ?? 0,
      magnitude: (env) => Math.abs(at(env).value?.[c.i]?.[c.j] ?? 0),
      numeric: true,
    };
    checks.push({ entry: c.entry, claim: claim[c.i]![c.j]!, engine, engineExpr: null, points: numericPoints });
  }
  return decideAll(m, 'fisher', checks);
}

/**
 * A claim up to a positive constant factor (the Jeffreys prior): claim/kernel must be one positive
 * constant. Squares are compared (claim² against ρ²·kernel², ρ fixed at a reference point), so
 * that square roots of rational functions are compared exactly; the sign separately.
 */
function compareProportional(m: Model, claim: Expr, options: VerifyOptions): VerifyResult {
  const params = m.params.map((p) => p.name);
  const ranges = modelRanges(m);
  const points = samplePoints(m, ['param', 'given'], options.points ?? 40, options.seed ?? 2024);
  let j: ReturnType<typeof jeffreys>;
  try {
    j = jeffreys(m);
  } catch (e) {
    if (!(e instanceof FisherError)) throw e;
    const p = points[0]!;
    return {
      kind: 'jeffreys',
      params,
      equal: false,
      decided: true,
      method: 'the engine finds no Jeffreys prior here',
      counterexample: { at: record(m, p.float), entry: [], claimed: finiteOrNull(exprEvaluator(claim).float(p.float)), expected: null, expectedExpr: null, reason: e.message.replace(/^no Jeffreys prior: /, '') },
    };
  }
  const kernel = j.kernel;
  const claimEv = exprEvaluator(claim);
  const use = kernel !== null ? points : points.slice(0, 5);
  const cache = new Map<ReadonlyMap<string, number>, { value: number; error: number }>();
  const numericKernel = (env: ReadonlyMap<string, number>): { value: number; error: number } => {
    let v = cache.get(env);
    if (v === undefined) {
      const vars = new Map([...env].filter(([k]) => m.symbols.get(k)?.role === 'param' || m.symbols.get(k)?.role === 'given'));
      const f = fisher(m, { at: vars, numeric: numericFisher, checkNormalised: false });
      v = f.value !== undefined ? sqrtDeterminant(f.value, f.error) : { value: NaN, error: Infinity };
      cache.set(env, v);
    }
    return v;
  };
  const kernelEv: Evaluator = kernel !== null
    ? exprEvaluator(kernel)
    : { exact: () => 'not rational', float: (env) => numericKernel(env).value, error: (env) => numericKernel(env).error, magnitude: (env) => Math.abs(numericKernel(env).value), numeric: true };
  // The reference point: the first where both are finite and non-zero.
  const ref = use.find((p) => {
    const c = claimEv.float(p.float);
    const k = kernelEv.float(p.float);
    return Number.isFinite(c) && Number.isFinite(k) && c !== 0 && k !== 0;
  });
  if (ref === undefined) return { kind: 'jeffreys', params, equal: false, decided: false, method: 'undecided: no point where both are defined and non-zero', counterexample: null };
  const c0 = claimEv.float(ref.float);
  const k0 = kernelEv.float(ref.float);
  const counter = (p: SamplePoint, note?: string): VerifyResult => {
    const c = claimEv.float(p.float);
    return {
      kind: 'jeffreys',
      params,
      equal: false,
      decided: true,
      method: note ?? 'evaluation',
      counterexample: {
        at: record(m, p.float),
        entry: [],
        claimed: finiteOrNull(c),
        expected: finiteOrNull((c0 / k0) * kernelEv.float(p.float)),
        expectedExpr: kernel === null ? null : printExpr(kernel),
        reference: { at: record(m, ref.float), claimed: c0, engine: k0 },
      },
    };
  };
  // A prior is positive: a claim that is negative (or zero) somewhere is wrong there.
  const negative = use.find((p) => claimEv.float(p.float) <= 0 && kernelEv.float(p.float) > 0);
  if (negative !== undefined) return counter(negative, 'the claimed prior is not positive here');
  const square = (e: Evaluator): Evaluator => ({
    exact: (p) => {
      const v = e.exact(p);
      return typeof v === 'string' ? v : rat(v.n * v.n, v.d * v.d);
    },
    float: (env) => e.float(env) ** 2,
    error: (env) => 2 * Math.abs(e.float(env)) * e.error(env),
    magnitude: (env) => e.magnitude(env) ** 2,
    numeric: e.numeric,
  });
  const claimSq = exprEvaluator(pow(claim, num(2)));
  const kernelSq = kernel !== null ? exprEvaluator(pow(kernel, num(2))) : square(kernelEv);
  const ce = claimSq.exact(ref);
  const ke = kernelSq.exact(ref);
  const ratio: Rational | number = typeof ce !== 'string' && typeof ke !== 'string' ? rat(ce.n * ke.d, ce.d * ke.n) : (c0 / k0) ** 2;
  const proved = kernel !== null && (() => {
    const q = tidy(mul(pow(claim, num(2)), pow(kernel, num(-2))), { ranges });
    return ![...symbols(q)].some((s) => params.includes(s)) && q !== ZERO;
  })();
  const o: Outcome = decide(claimSq, scaled(kernelSq, ratio), use, { continuous: continuousVars(m), ...(proved ? { need: 1 } : {}) });
  if (o.equal === false) {
    const p = use.find((q) => q.float === o.difference.at) ?? { float: o.difference.at, exact: new Map() };
    return counter(p);
  }
  if (o.equal === undefined) return { kind: 'jeffreys', params, equal: false, decided: false, method: `undecided: ${undecidedReason(o)}`, counterexample: null };
  const how = [proved ? 'simplification (the ratio is a constant)' : '', o.exact > 0 ? `exact evaluation of the squared ratio at ${o.exact} rational points` : '', o.agreed > o.exact ? `evaluation at ${o.agreed - o.exact} points` : ''].filter((x) => x !== '');
  return { kind: 'jeffreys', params, equal: true, decided: true, method: how.join(', and '), counterexample: null };
}


/**
 * KL(p_θ1 ‖ p_θ2), named as the KL engine names the two points (mu_1, sigma_1 and mu_2, sigma_2):
 * compared at pairs of random points, against the closed form or the engine's quadrature.
 */
function compareKl(m: Model, claimText: string, options: VerifyOptions): VerifyResult {
  const d = klDivergence(m);
  const { first, second, params } = d.pair;
  const excluded = new Map(params.map((p, i) => [p, `a KL claim names the two points ${first.join(', ')} and ${second.join(', ')}; '${p}' alone does not say which (write ${first[i]} or ${second[i]})`]));
  const claim = parseClaim(claimText, m, { dataAllowed: false, what: 'KL divergence', extra: [...first, ...second], excluded });
  if (claim.shape !== 'scalar') throw shapeError(claimText, 'a KL divergence is one expression');
  const n = d.expr !== null ? options.points ?? 40 : 5;
  const a = samplePoints(m, ['param', 'given'], n, options.seed ?? 2024);
  const b = samplePoints(m, ['param'], n, (options.seed ?? 2024) + 1);
  // θ1 from one draw, θ2 from another; the model's own parameter names stand for θ1.
  const points: SamplePoint[] = a.map((p, k) => {
    const q = b[k % b.length]!;
    const float = new Map(p.float);
    const exact = new Map(p.exact);
    params.forEach((name, i) => {
      float.set(first[i]!, p.float.get(name)!);
      float.set(second[i]!, q.float.get(name)!);
      const e1 = p.exact.get(name);
      const e2 = q.exact.get(name);
      if (e1 !== undefined) exact.set(first[i]!, e1);
      if (e2 !== undefined) exact.set(second[i]!, e2);
    });
    return { float, exact };
  });
  const split = (env: ReadonlyMap<string, number>): [Map<string, number>, Map<string, number>] => {
    const from = new Map(m.givens.map((g) => [g.name, env.get(g.name)!]));
    const to = new Map(from);
    params.forEach((p, i) => {
      from.set(p, env.get(first[i]!)!);
      to.set(p, env.get(second[i]!)!);
    });
    return [from, to];
  };
  const valueAt = (env: ReadonlyMap<string, number>): { value: number; error: number } => {
    try {
      const r = d.at(...split(env));
      return { value: r.value, error: r.error };
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
      return { value: NaN, error: NaN };
    }
  };
  const engine: Evaluator = d.expr !== null ? exprEvaluator(d.expr) : { exact: () => 'not rational', float: (env) => valueAt(env).value, error: (env) => valueAt(env).error, magnitude: (env) => Math.abs(valueAt(env).value), numeric: true };
  const continuous = [...first, ...second].filter((_, k) => m.params[k % params.length]!.support.kind === 'interval');
  const ranges = (name: string) => d.pair.ranges(name);
  const proved = d.expr !== null && tidy(add(claim.value, mul(num(-1), d.expr)), { ranges }) === ZERO;
  const o = decide(exprEvaluator(claim.value), engine, points, { continuous, ...(proved ? { need: 1 } : d.expr === null ? { need: 4 } : {}) });
  if (o.equal === false) {
    const diff = o.difference;
    const at = Object.fromEntries([...diff.at].filter(([k]) => first.includes(k) || second.includes(k) || m.symbols.get(k)?.role === 'given'));
    return {
      kind: 'kl',
      params: [...params],
      equal: false,
      decided: true,
      method: diff.exact !== undefined ? 'exact evaluation' : 'evaluation',
      counterexample: {
        at,
        entry: [],
        claimed: finiteOrNull(diff.claimed),
        expected: finiteOrNull(diff.expected),
        expectedExpr: d.expr === null ? null : printExpr(d.expr),
        ...(diff.exact !== undefined ? { exact: diff.exact } : {}),
        ...(diff.error !== undefined ? { error: diff.error } : {}),
      },
    };
  }
  if (o.equal === undefined) return { kind: 'kl', params: [...params], equal: false, decided: false, method: `undecided: ${undecidedReason(o)}`, counterexample: null };
  return { kind: 'kl', params: [...params], equal: true, decided: true, method: describeOutcome(o, proved, d.expr === null), counterexample: null };
}

/**
 * √det F with its error from the entries' errors, to first order: δ det = Σ cof_ij δF_ij with
 * cof = det·F⁻ᵀ, and δ√det = δ det / (2√det). Entries without an error (closed forms) count as
 * exact up to rounding (2ε of the entry).
 */
function sqrtDeterminant(value: readonly (readonly number[])[], error?: readonly (readonly number[])[]): { value: number; error: number } {
  const det = determinantNumeric(value);
  const root = Math.sqrt(det);
  const inv = inverseNumeric(value);
  if (!(det > 0) || inv === undefined) return { value: root, error: Infinity };
  let dDet = 0;
  value.forEach((row, i) => row.forEach((x, k) => {
    const e = Math.max(error?.[i]?.[k] ?? 0, 2.220446049250313e-16 * 2 * Math.abs(x));
    dDet += Math.abs(det * inv[k]![i]!) * e;
  }));
  return { value: root, error: dDet / (2 * root) };
}
