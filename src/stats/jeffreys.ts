/**
 * The Jeffreys prior, π(θ) ∝ sqrt(det F(θ)) (Jeffreys 1946, Proc. R. Soc. A 186, 453–461): the
 * determinant of the ladder's Fisher matrix, simplified under the declared domains, with constant
 * factors dropped (a prior is known up to a constant). The kernel is split into factors over
 * groups of parameters and each is recognised where it is a named kernel — flat (a location), a
 * power of θ on (0, ∞) (∝ 1/σ for a scale; Gamma(1/2, 0) for a Poisson rate), θ^a (1 − θ)^b on
 * (0, 1) (Beta), Π p_i^a_i (1 − Σp)^a_0 (Dirichlet) — and decided proper or improper: exactly from
 * the exponents of a named kernel, otherwise from the power law of the kernel at each end of the
 * domain, measured numerically, with the normalising constant by quadrature when it is finite.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { HALF, ONE, PI, ZERO, add, call, dependsOn, div, mul, num, pow, sqrt, sub, substitute, sym, type Expr } from '../expr/expr';
import { isPositive, type Interval } from '../expr/interval';
import { printExpr } from '../expr/print';
import { rangeOf, type SymbolRanges } from '../expr/range';
import { qadd, qtoNumber, rat, type Rational } from '../expr/rational';
import { simplify } from '../expr/simplify';
import { supportSymbols, type Model } from '../lang/model';
import { constantValues, modelRanges } from '../fisher/derivatives';
import { fisher, type FisherOptions, type FisherResult } from '../fisher/fisher';
import { parameterPoints, vanishesAt } from '../fisher/points';
import { integrate } from '../numeric/quadrature';
import { determinant, determinantNumeric, finalise } from './crb';

/**
 * One factor of a Jeffreys kernel: a function of a group of parameters that share no factor with
 * the others, so the prior is a product of independent priors.
 *
 * @example
 * jeffreys(parse('x ~ Normal(mu, sigma)')).factors.map((f) => [f.params, f.kernel, f.name, f.proper]); // → [[['mu'], 1, 'flat in mu (a location)', false], [['sigma'], 1/sigma^2, 'sigma^(-2)', false]]
 */
export interface PriorFactor {
  /** Its parameters. */
  readonly params: string[];
  /** The factor of the kernel. */
  readonly kernel: Expr;
  /** The named kernel it is, if any: 'flat', 'Beta(1/2, 1/2)', '1/sigma (scale)', ... */
  readonly name: string | null;
  /** true / false when decided, null when not. */
  readonly proper: boolean | null;
  /** Why it is proper or improper, or why that is not decided. */
  readonly reason: string;
  /** ∫ kernel over the domain when finite: symbolic where known, and its value with an error estimate. */
  readonly normaliser: Normaliser | null;
}

/**
 * The normalising constant ∫ kernel of a proper prior.
 *
 * @example
 * jeffreys(parse('const n = 5; x ~ Binomial(n, p)')).normaliser; // → { expr: pi, value: 3.141592653589793, error: 0, method: 'exact (Beta function)' }
 * jeffreys(parse('y1, y2 ~ Categorical(p1, p2)')).normaliser; // → { expr: 2*pi, value: 6.283185307179586, error: 0, method: 'exact (multivariate Beta function)' }
 */
export interface Normaliser {
  /** Its closed form, where known (null otherwise). */
  readonly expr: Expr | null;
  /** Its value. */
  readonly value: number;
  /** An estimate of the value's absolute error (0 for a closed form). */
  readonly error: number;
  /** How it was found (a closed form, quadrature, ...). */
  readonly method: string;
}

/**
 * The Jeffreys prior π(θ) ∝ √det F(θ) of a model (see {@link jeffreys}).
 *
 * @example
 * const j = jeffreys(parse('x ~ Gamma(k, b)'));
 * [j.determinant, j.kernel, j.name, j.proper]; // → [(k*trigamma(k) - 1)/b^2, sqrt(k*trigamma(k) - 1)/b, null, false]
 * j.reason; // → '∫ sqrt(k*trigamma(k) - 1) dk diverges at inf (the integrand behaves like k^(-1/2))'
 */
export interface JeffreysResult {
  /** The parameters, in order. */
  readonly params: string[];
  /** The Fisher matrix the prior comes from. */
  readonly fisher: FisherResult;
  /** det F, simplified; null without a closed form. */
  readonly determinant: Expr | null;
  /** sqrt(det F) with constant factors dropped: the prior up to a constant. */
  readonly kernel: Expr | null;
  /** The kernel as a product of factors in separate groups of parameters. */
  readonly factors: PriorFactor[];
  /** The product of the factors' names where every factor is named. */
  readonly name: string | null;
  /** Whether the prior is proper (integrates to a finite constant): null when not decided. */
  readonly proper: boolean | null;
  /** Why it is proper or improper (the first improper factor), or why that is not decided. */
  readonly reason: string;
  /** The normalising constant of the kernel when the prior is proper. */
  readonly normaliser: Normaliser | null;
  /** At `at`: the kernel's value, and the normalised density's where proper. */
  readonly value?: {
    /** The kernel's value. */
    readonly kernel: number;
    /** The normalised density's value (null where the prior is improper). */
    readonly density: number | null;
  };
}

/**
 * Options of {@link jeffreys}.
 *
 * @example
 * jeffreys(parse('x ~ Bernoulli(p)'), { at: new Map([['p', 0.3]]) }).value; // → { kernel: 2.182178902359924, density: 0.6946091180428567 }
 */
export interface JeffreysOptions {
  /** The parameter values at which to evaluate the prior. */
  readonly at?: ReadonlyMap<string, number>;
  /** Numeric rung of the ladder, for the prior's value at `at` where F has no closed form. */
  readonly numeric?: FisherOptions['numeric'];
}

/**
 * The Jeffreys prior π(θ) ∝ √det F(θ) of a model, up to a constant: the kernel (simplified, in
 * factors of separate groups of parameters), its name where it is a known one (Beta(1/2, 1/2),
 * Dirichlet(1/2, ...), 1/σ for a scale), whether it is proper (by the kernel's behaviour at the ends
 * of the domain), and the normalising constant where proper.
 *
 * @throws {@link FisherError} `support` when the support depends on a parameter (no Fisher
 *   information); `domain` when F is singular (no prior); as {@link fisher} otherwise.
 * @example
 * const j = jeffreys(parse('x ~ Bernoulli(p)'));
 * j.kernel; // → 1/sqrt(p*(1 - p))
 * j.name; // → 'Beta(1/2, 1/2)'
 * j.normaliser.value; // → 3.141592653589793
 * jeffreys(parse('x ~ Normal(mu, sigma)')).kernel; // → 1/sigma^2
 * jeffreys(parse('x ~ Uniform(0, theta)')); // → throws FisherError (support): no Jeffreys prior: the support of the data depends on theta, so the Fisher information is not defined (the regularity conditions fail)
 */
export function jeffreys(m: Model, options: JeffreysOptions = {}): JeffreysResult {
  const params = m.params.map((p) => p.name);
  const moving = params.filter((p) => m.data.some((d) => supportSymbols(d.support).includes(p)));
  if (moving.length > 0) {
    throw new FisherError('support', `no Jeffreys prior: the support of the data depends on ${moving.join(' and ')}, so the Fisher information is not defined (the regularity conditions fail)`);
  }
  const ranges = modelRanges(m);
  const f = fisher(m, { ...(options.at !== undefined ? { at: options.at } : {}), ...(options.numeric !== undefined ? { numeric: options.numeric } : {}) });
  const points = parameterPoints(m, 4, 1946);
  if (!f.closedForm) {
    const value = options.at !== undefined && f.value !== undefined ? { kernel: Math.sqrt(determinantNumeric(f.value)), density: null } : undefined;
    return {
      params,
      fisher: f,
      determinant: null,
      kernel: null,
      factors: [],
      name: null,
      proper: null,
      reason: 'the Fisher matrix has no closed form here, so neither has the prior (its value at --at is sqrt(det F) computed numerically)',
      normaliser: null,
      ...(value !== undefined ? { value } : {}),
    };
  }
  const det = determinant(f.matrix as Expr[][], ranges);
  if (det === ZERO || vanishesAt(det, points)) {
    throw new FisherError('bad-value', `no Jeffreys prior: det F = 0 for every θ (the Fisher matrix is singular: the parameters are not identifiable from one observation)`);
  }
  const split = dropConstants(sqrtOfNonnegative(det, ranges), params, ranges);
  const factors = groupFactors(split, params).map((g) => classify(m, g.params, g.kernel));
  const kernel = sameRoots(split);
  const proper = factors.some((x) => x.proper === false) ? false : factors.every((x) => x.proper === true) ? true : null;
  const first = factors.find((x) => x.proper === false) ?? factors.find((x) => x.proper === null);
  const reason = proper === true ? factors.map((x) => x.reason).join('; ') : first!.reason;
  const normaliser = proper === true ? productOf(factors.map((x) => x.normaliser!)) : null;
  const name = factors.every((x) => x.name !== null) ? factors.map((x) => x.name).join(' × ') : null;
  let value: JeffreysResult['value'];
  if (options.at !== undefined) {
    const k = evaluate(kernel, new Map([...constantValues(m), ...options.at]));
    value = { kernel: k, density: normaliser !== null ? k / normaliser.value : null };
  }
  return { params, fisher: f, determinant: det, kernel, factors, name, proper, reason, normaliser, ...(value !== undefined ? { value } : {}) };
}

/** The kernel without its constant factors (numbers, constants, anything free of the parameters). */
function dropConstants(e: Expr, params: readonly string[], ranges: SymbolRanges): Expr {
  const hasParam = (x: Expr): boolean => params.some((p) => dependsOn(x, p));
  if (!hasParam(e)) return ONE;
  if (e.kind !== 'mul') return e;
  return simplify(mul(...e.factors.filter(hasParam)), { ranges });
}

/**
 * sqrt(d) for d ≥ 0 (a determinant of a positive semi-definite matrix): the factors of d known to
 * be positive come out of the root one by one, and the rest stays under it, where it must be ≥ 0.
 */
function sqrtOfNonnegative(d: Expr, ranges: SymbolRanges): Expr {
  const factors = d.kind === 'mul' ? d.factors : [d];
  const positive = factors.filter((f) => isPositive(rangeOf(f, ranges)));
  const rest = factors.filter((f) => !positive.includes(f));
  // One factor b^k left, k odd: it is ≥ 0, so b ≥ 0 and sqrt(b^k) = b^(k/2).
  const single = rest.length === 1 ? rest[0]! : undefined;
  const oddPower = single?.kind === 'pow' && single.exp.kind === 'num' && single.exp.value.d === 1n && single.exp.value.n % 2n !== 0n;
  const root = rest.length === 0 ? [] : [oddPower ? pow((single as Extract<Expr, { kind: 'pow' }>).base, mul(HALF, (single as Extract<Expr, { kind: 'pow' }>).exp)) : sqrt(mul(...rest))];
  return simplify(mul(...positive.map((f) => simplify(sqrt(f), { ranges })), ...root), { ranges });
}

/** Π b_i^q as (Π b_i)^q for a shared non-integer exponent q, for display: 1/sqrt(p*(1 - p)). */
function sameRoots(e: Expr): Expr {
  if (e.kind !== 'mul') return e;
  const byExp = new Map<Expr, Expr[]>();
  const others: Expr[] = [];
  for (const f of e.factors) {
    if (f.kind === 'pow' && f.exp.kind === 'num' && f.exp.value.d !== 1n) byExp.set(f.exp, [...(byExp.get(f.exp) ?? []), f.base]);
    else others.push(f);
  }
  const roots = [...byExp].map(([q, bases]) => (bases.length === 1 ? pow(bases[0]!, q) : pow(mul(...bases), q)));
  return mul(...others, ...roots);
}

/** Factors of the kernel grouped so that no two groups share a parameter. */
function groupFactors(kernel: Expr, params: readonly string[]): Array<{ params: string[]; kernel: Expr }> {
  const factors = kernel.kind === 'mul' ? kernel.factors : [kernel];
  const groups: Array<{ params: Set<string>; factors: Expr[] }> = params.map((p) => ({ params: new Set([p]), factors: [] }));
  for (const fac of factors) {
    const ps = params.filter((p) => dependsOn(fac, p));
    if (ps.length === 0) continue;
    const hit = groups.filter((g) => ps.some((p) => g.params.has(p)));
    const merged = { params: new Set(hit.flatMap((g) => [...g.params])), factors: [...hit.flatMap((g) => g.factors), fac] };
    for (const g of hit) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  const order = (g: { params: Set<string> }): number => Math.min(...[...g.params].map((p) => params.indexOf(p)));
  return groups.sort((a, b) => order(a) - order(b)).map((g) => ({ params: params.filter((p) => g.params.has(p)), kernel: mul(...g.factors) }));
}

// ---------------------------------------------------------------------------------------------
// Classification of one factor.

function classify(m: Model, params: string[], kernel: Expr): PriorFactor {
  if (params.length === 1) {
    const p = params[0]!;
    const r = m.symbols.get(p)!.range;
    return kernel === ONE ? flat(p, r) : (powerLaw(p, kernel, r) ?? numeric1d(m, p, kernel, r));
  }
  return dirichletKernel(m, params, kernel) ?? slices(m, params, kernel);
}

const show = (e: Expr): string => printExpr(sameRoots(e));
const fmt = (x: number): string => `${Number(x.toPrecision(6))}`;
/** A measured exponent, as a fraction with a small denominator when it is within 0.01 of one. */
function fmtExponent(a: number): string {
  for (const d of [1, 2, 3, 4]) {
    const n = Math.round(a * d);
    if (Math.abs(a - n / d) < 0.01) return d === 1 ? `${n}` : `${n}/${d}`;
  }
  return fmt(a);
}
const qnum = (q: Rational): Expr => num(q);
const qshow = (q: Rational): string => show(num(q));

function flat(p: string, r: Interval): PriorFactor {
  const bounded = Number.isFinite(r.lo) && Number.isFinite(r.hi);
  if (!bounded) {
    const where = r.lo === -Infinity && r.hi === Infinity ? 'the real line' : `(${fmtEnd(r.lo)}, ${fmtEnd(r.hi)})`;
    return { params: [p], kernel: ONE, name: r.lo === -Infinity && r.hi === Infinity ? `flat in ${p} (a location)` : `flat in ${p}`, proper: false, reason: `∫ 1 d${p} over ${where} diverges`, normaliser: null };
  }
  const width = r.hi - r.lo;
  return { params: [p], kernel: ONE, name: `Uniform(${fmtEnd(r.lo)}, ${fmtEnd(r.hi)})`, proper: true, reason: `∫ 1 d${p} over (${fmtEnd(r.lo)}, ${fmtEnd(r.hi)}) = ${fmt(width)}`, normaliser: { expr: num(rat(width)), value: width, error: 0, method: 'exact' } };
}

const fmtEnd = (x: number): string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : `${x}`);

/**
 * θ^a on (0, ∞), or θ^a (1 − θ)^b on (0, 1): exponents read off the factors exactly.
 */
function powerLaw(p: string, kernel: Expr, r: Interval): PriorFactor | undefined {
  const x = kernel.kind === 'mul' ? kernel.factors : [kernel];
  const theta = p;
  let a: Rational = rat(0);
  let b: Rational = rat(0);
  for (const f of x) {
    const [base, q] = f.kind === 'pow' && f.exp.kind === 'num' ? [f.base, f.exp.value] : [f, rat(1)];
    if (base.kind === 'sym' && base.name === theta) a = qadd(a, q);
    else if (isOneMinus(base, theta)) b = qadd(b, q);
    else return undefined;
  }
  const fa = qtoNumber(a);
  const fb = qtoNumber(b);
  if (r.lo === 0 && r.hi === Infinity && b.n === 0n) {
    // ∫_0^∞ θ^a dθ diverges for every a: at 0 when a ≤ −1, at ∞ when a ≥ −1.
    const name = fa === -1 ? `1/${p} (a scale: log-uniform)` : fa > -1 ? `Gamma(${qshow(qadd(a, rat(1)))}, 0)` : `${p}^(${qshow(a)})`;
    const where = fa <= -1 ? `0 (it grows like ${p}^(${qshow(a)}))` : `∞ (it falls off like ${p}^(${qshow(a)}), no faster than 1/${p})`;
    return { params: [p], kernel, name, proper: false, reason: `∫ ${show(kernel)} d${p} diverges at ${where}`, normaliser: null };
  }
  if (r.lo === 0 && r.hi === 1) {
    const alpha = qadd(a, rat(1));
    const beta = qadd(b, rat(1));
    const name = `Beta(${qshow(alpha)}, ${qshow(beta)})`;
    if (fa <= -1 || fb <= -1) {
      const end = fa <= -1 ? `0 (it grows like ${p}^(${qshow(a)}))` : `1 (it grows like (1 - ${p})^(${qshow(b)}))`;
      return { params: [p], kernel, name, proper: false, reason: `∫ ${show(kernel)} d${p} diverges at ${end}`, normaliser: null };
    }
    const expr = betaFunction([alpha, beta]);
    return { params: [p], kernel, name, proper: true, reason: `∫_0^1 ${show(kernel)} d${p} = B(${qshow(alpha)}, ${qshow(beta)}) = ${show(expr)}`, normaliser: { expr, value: evaluate(expr, new Map()), error: 0, method: 'exact (Beta function)' } };
  }
  return undefined;
}

const isOneMinus = (e: Expr, p: string): boolean => e === sub(ONE, sym(p));

/** Γ(q) exactly for whole and half-whole q > 0, else exp(lgamma(q)). */
function gammaOf(q: Rational): Expr {
  const x = qtoNumber(q);
  if (q.d === 1n && x >= 1 && x <= 40) {
    let f = 1n;
    for (let k = 2n; k < q.n; k++) f *= k;
    return num(f);
  }
  if (q.d === 2n && x > 0 && x <= 40) {
    // Γ(n + 1/2) = (2n)! / (4^n n!) · √π
    const n = (q.n - 1n) / 2n;
    let top = 1n;
    for (let k = 2n; k <= 2n * n; k++) top *= k;
    let bottom = 1n;
    for (let k = 2n; k <= n; k++) bottom *= k;
    return mul(num(rat(top, 4n ** n * bottom)), sqrt(PI));
  }
  return call('exp', [call('lgamma', [qnum(q)])]);
}

/** B(α_1, …, α_k) = Π Γ(α_i) / Γ(Σ α_i), simplified. */
function betaFunction(alphas: readonly Rational[]): Expr {
  const total = alphas.reduce((s, a) => qadd(s, a), rat(0));
  return simplify(div(mul(...alphas.map(gammaOf)), gammaOf(total)));
}

/**
 * Π p_i^(a_i) · (1 − Σ p_i)^(a_0) over parameters in (0, 1): a Dirichlet(a_1 + 1, …, a_0 + 1) kernel
 * on the simplex where 1 − Σ p_i > 0 (where the Fisher matrix is defined).
 */
function dirichletKernel(m: Model, params: string[], kernel: Expr): PriorFactor | undefined {
  if (!params.every((p) => m.symbols.get(p)!.range.lo === 0 && m.symbols.get(p)!.range.hi === 1)) return undefined;
  const lastBase = sub(ONE, add(...params.map(sym)));
  const exps = new Map<string, Rational>(params.map((p) => [p, rat(0)]));
  let last: Rational = rat(0);
  for (const f of kernel.kind === 'mul' ? kernel.factors : [kernel]) {
    const [base, q] = f.kind === 'pow' && f.exp.kind === 'num' ? [f.base, f.exp.value] : [f, rat(1)];
    if (base.kind === 'sym' && exps.has(base.name)) exps.set(base.name, qadd(exps.get(base.name)!, q));
    else if (base === lastBase) last = qadd(last, q);
    else return undefined;
  }
  const alphas = [...params.map((p) => qadd(exps.get(p)!, rat(1))), qadd(last, rat(1))];
  const name = `Dirichlet(${alphas.map(qshow).join(', ')}) on the simplex ${params.join(' + ')} < 1`;
  const bad = alphas.findIndex((a) => qtoNumber(a) <= 0);
  if (bad >= 0) {
    const which = bad < params.length ? `${params[bad]} → 0` : `${params.join(' + ')} → 1`;
    return { params, kernel, name, proper: false, reason: `∫ ${show(kernel)} diverges as ${which}`, normaliser: null };
  }
  const expr = betaFunction(alphas);
  return { params, kernel, name, proper: true, reason: `∫ ${show(kernel)} over the simplex = B(${alphas.map(qshow).join(', ')}) = ${show(expr)}`, normaliser: { expr, value: evaluate(expr, new Map()), error: 0, method: 'exact (multivariate Beta function)' } };
}

// ---------------------------------------------------------------------------------------------
// Numeric decisions.

/**
 * The local power-law exponent a of f(t) ~ t^a as t → an end of r (the distance to a finite end,
 * the magnitude towards an infinite one), measured over decades until f stops being finite: the
 * last two slopes of log|f| against log t that agree to 0.02; −∞ for a decay faster than any
 * power; undefined when no power law shows.
 */
function endExponent(f: (t: number) => number, r: Interval, side: 'lo' | 'hi'): number | undefined {
  const end = side === 'lo' ? r.lo : r.hi;
  const finite = Number.isFinite(end);
  const at = (s: number): number => (finite ? (side === 'lo' ? end + s : end - s) : side === 'hi' ? s : -s);
  const steps: number[] = [];
  const logs: number[] = [];
  let underflow = false;
  // Half decades: 10^(±k/2), towards the end.
  for (let k = 1; k <= 24; k++) {
    const s = 10 ** ((finite ? -k : k) / 2);
    if (finite && s >= (r.hi - r.lo) / 2) continue;
    const v = Math.log(Math.abs(f(at(s))));
    underflow = v === -Infinity;
    if (!Number.isFinite(v)) break;
    steps.push(Math.log(s));
    logs.push(v);
  }
  const slopes = logs.slice(1).map((v, i) => (v - logs[i]!) / (steps[i + 1]! - steps[i]!));
  for (let i = slopes.length - 1; i >= 1; i--) {
    if (Math.abs(slopes[i]! - slopes[i - 1]!) <= 0.02) return slopes[i]!;
  }
  // No power law, but ever steeper (or down to 0) towards an infinite end: exponential decay.
  const last = slopes[slopes.length - 1];
  const steepening = slopes.length >= 2 && slopes[slopes.length - 1]! < slopes[slopes.length - 2]! - 0.5;
  if (!finite && last !== undefined && last < -2 && (underflow || steepening)) return -Infinity;
  return undefined;
}

/** Integrability at an end from the exponent: ∫ t^a converges at 0 iff a > −1 and at ∞ iff a < −1 (a ≈ −1 counts as divergent, logarithmically). */
function integrableAt(a: number, finite: boolean): boolean {
  if (Math.abs(a + 1) < 0.02) return false;
  return finite ? a > -1 : a < -1;
}

/** The kernel as a function of one parameter, the others held at `fixed`; NaN where it cannot be evaluated. */
function slice(kernel: Expr, p: string, fixed: ReadonlyMap<string, number>): (t: number) => number {
  const env = new Map(fixed);
  return (t) => {
    env.set(p, t);
    try {
      return evaluate(kernel, env);
    } catch {
      return NaN;
    }
  };
}

function numeric1d(m: Model, p: string, kernel: Expr, r: Interval): PriorFactor {
  const f = slice(kernel, p, constantValues(m));
  for (const side of ['lo', 'hi'] as const) {
    const end = side === 'lo' ? r.lo : r.hi;
    const a = endExponent(f, r, side);
    if (a === undefined) return { params: [p], kernel, name: null, proper: null, reason: `the behaviour of ${show(kernel)} as ${p} → ${fmtEnd(end)} could not be measured`, normaliser: null };
    if (!integrableAt(a, Number.isFinite(end))) {
      const e = fmtExponent(a);
      const like = Number.isFinite(end) ? (end === 0 ? `${p}^(${e})` : `|${p} - ${fmtEnd(end)}|^(${e})`) : end > 0 && r.lo >= 0 ? `${p}^(${e})` : `|${p}|^(${e})`;
      return { params: [p], kernel, name: null, proper: false, reason: `∫ ${show(kernel)} d${p} diverges at ${fmtEnd(end)} (the integrand behaves like ${like})`, normaliser: null };
    }
  }
  const q = integrate(f, r.lo, r.hi, { relTol: 1e-9 });
  if (!q.converged) return { params: [p], kernel, name: null, proper: null, reason: `the quadrature of ${show(kernel)} over ${p} did not converge (${q.reason ?? 'unknown'})`, normaliser: null };
  return { params: [p], kernel, name: null, proper: true, reason: `∫ ${show(kernel)} d${p} = ${fmt(q.value)} (adaptive quadrature, error ${q.error.toExponential(1)})`, normaliser: { expr: null, value: q.value, error: q.error, method: 'adaptive Gauss–Kronrod quadrature' } };
}

/**
 * A factor in several parameters that is no named kernel: if, with the other parameters held at
 * sample values, the integral over one of them diverges, the whole integral does (Tonelli).
 * Otherwise properness is left undecided.
 */
function slices(m: Model, params: string[], kernel: Expr): PriorFactor {
  const pts = parameterPoints(m, 3, 4);
  for (const p of params) {
    const r = m.symbols.get(p)!.range;
    const verdicts = pts.map((pt) => {
      const f = slice(kernel, p, pt);
      for (const side of ['lo', 'hi'] as const) {
        const a = endExponent(f, r, side);
        const end = side === 'lo' ? r.lo : r.hi;
        if (a !== undefined && !integrableAt(a, Number.isFinite(end))) return { end, a };
      }
      return undefined;
    });
    if (verdicts.every((v) => v !== undefined)) {
      const v = verdicts[0]!;
      const others = params.filter((q) => q !== p);
      return {
        params,
        kernel,
        name: null,
        proper: false,
        reason: `with ${others.join(', ')} held fixed, ∫ ${show(kernel)} d${p} diverges at ${fmtEnd(v.end)} (the integrand behaves like a power ${fmtExponent(v.a)} of ${p} there), so the integral over (${params.join(', ')}) diverges`,
        normaliser: null,
      };
    }
  }
  return { params, kernel, name: null, proper: null, reason: `properness of ${show(kernel)} over (${params.join(', ')}) is not decided (every one-parameter slice converges)`, normaliser: null };
}

function productOf(ns: readonly Normaliser[]): Normaliser {
  const exprs = ns.map((n) => n.expr);
  const expr = exprs.every((e) => e !== null) ? simplify(mul(...(exprs as Expr[]))) : null;
  const value = ns.reduce((s, n) => s * n.value, 1);
  const error = Math.abs(value) * ns.reduce((s, n) => s + (n.value !== 0 ? n.error / Math.abs(n.value) : 0), 0);
  const methods = [...new Set(ns.map((n) => n.method))];
  return { expr, value, error, method: methods.join(' × ') };
}

/**
 * A prior kernel of θ carried to new coordinates θ = g(φ): π_θ(g(φ)) |det ∂θ/∂φ|. Jeffreys' rule
 * is invariant: for a Jeffreys kernel this equals the Jeffreys kernel computed in φ, up to a
 * constant.
 *
 * @param kernel - The kernel in θ.
 * @param map - θ = g(φ): each old parameter's expression in the new ones.
 * @param jacobian - ∂θ/∂φ, one row per old parameter (as {@link ReparamResult.jacobian}).
 * @param ranges - The new parameters' intervals, for simplification.
 * @example
 * transformKernel(parseExpr('1/sigma'), new Map([['sigma', parseExpr('exp(s)')]]), [[parseExpr('exp(s)')]]); // → 1
 * const r = reparam(parse('x ~ Normal(mu, sigma)'), 'sigma = sqrt(v)');
 * transformKernel(jeffreys(parse('x ~ Normal(mu, sigma)')).kernel, r.map, r.jacobian, modelRanges(r.model)); // → 1/(2*v^(3/2))
 * jeffreys(r.model).kernel; // → 1/v^(3/2)
 */
export function transformKernel(kernel: Expr, map: ReadonlyMap<string, Expr>, jacobian: readonly (readonly Expr[])[], ranges?: SymbolRanges): Expr {
  const det = determinant(jacobian, ranges);
  return finalise(mul(substitute(kernel, map), call('abs', [det])), ranges);
}
