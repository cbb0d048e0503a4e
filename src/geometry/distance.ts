/**
 * The Fisher–Rao distance: the length of the shortest path between p_θ1 and p_θ2 in the metric
 * ds² = dθᵀ F(θ) dθ. In closed form where one is known, numerically otherwise:
 *
 * 1. one parameter: d = |G(θ2) − G(θ1)| with G an antiderivative of √F (Rao 1945): powers c·θ^a,
 *    exponentials, and the shapes θ^(−1/2)(1 − θ)^(−1/2) (2 asin √θ: Bernoulli, Binomial),
 *    θ^(−1/2)(1 + θ)^(−1) (2 atan √θ: odds), θ^(−1)(1 − θ)^(−1/2) (geometric, negative binomial),
 *    θ^(−1/2)(1 + θ)^(−1/2) (2 asinh √θ), each found by dividing √F by the shape and verified by
 *    differentiation; adaptive quadrature of √F otherwise (trigamma-type forms, numeric F);
 * 2. two parameters of a location–scale family (of x or log x, with (m, s) a diffeomorphic image
 *    of θ): F = (1/s²)[[I_ll, I_ls], [I_ls, I_ss]] in (m, s) is a hyperbolic half-plane. With
 *    D = I_ss − I_ls²/I_ll and m' = (m + (I_ls/I_ll) s)·√(I_ll/D), ds² = D (dm'² + ds²)/s², so
 *
 *      d = 2√D · asinh(√w) = √D · log((√w + √(1 + w))²),   w = ((m'₁ − m'₂)² + (s₁ − s₂)²)/(4 s₁ s₂),
 *
 *    the univariate normal's d = √2 acosh(1 + ((μ₁ − μ₂)²/2 + (σ₁ − σ₂)²)/(2σ₁σ₂)) (Atkinson &
 *    Mitchell 1981, Rao's distance measure, Sankhyā A 43; Costa, Santos & Strapasson 2015, Fisher
 *    information distance: a geometrical reading, Discrete Appl. Math. 197) in any of its
 *    parameterisations, and the same for Cauchy, Laplace, logistic, Student-t, Gumbel, Weibull;
 * 3. otherwise, geodesic shooting (geodesic.ts) with the Christoffel symbols from the symbolic
 *    derivatives of the closed-form F, or from central differences of a numeric F, in coordinates
 *    where every parameter ranges over the whole line (log θ for θ > 0, logit for an interval).
 */
import { diff } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { compile } from '../expr/compile';
import { evaluate } from '../expr/evaluate';
import { ONE, add, call, div, mul, num, pow, sqrt, sub, sym, symbols, type Expr } from '../expr/expr';
import { contains } from '../expr/interval';
import { simplify } from '../expr/simplify';
import { constantValues, modelRanges } from '../fisher/derivatives';
import { symmetricEigenvalues } from '../fisher/check';
import { fisher, type FisherResult } from '../fisher/fisher';
import { numericFisher } from '../fisher/numeric';
import { parameterPoints } from '../fisher/points';
import { standardise } from '../fisher/standardize';
import type { Model } from '../lang/model';
import { integrate } from '../numeric/quadrature';
import { shoot, unconstrainedChart, type Metric } from './geodesic';
import { standardName } from './locscale';
import { checkPoint, pointPair, type PointPair } from './pair';
import { present } from './present';
import { irregularParams } from './support';

/**
 * Options of {@link fisherRaoDistance}.
 *
 * @example
 * const from = new Map([['mu', 0], ['sigma', 1]]);
 * const to = new Map([['mu', 1], ['sigma', 1]]);
 * fisherRaoDistance(parse('x ~ Normal(mu, sigma)'), { from, to, method: 'shooting' }).value; // → 0.980258143...
 */
export interface DistanceOptions {
  /** θ1 by parameter name (covariates, if any, too). */
  readonly from?: ReadonlyMap<string, number>;
  /** θ2 by parameter name. */
  readonly to?: ReadonlyMap<string, number>;
  /** 'auto' (closed form where known) or 'shooting' (always shoot; for checking). Default 'auto'. */
  readonly method?: 'auto' | 'shooting';
  /** Runge–Kutta steps of the shooting (default 64 with a closed-form F, 16 with a numeric one; twice that for the reported length). */
  readonly steps?: number;
}

/**
 * The Fisher–Rao distance between two members of a model (see {@link fisherRaoDistance}).
 *
 * @example
 * const r = fisherRaoDistance(parse('x ~ Gamma(k, b)'), { from: new Map([['k', 1], ['b', 1]]), to: new Map([['k', 3], ['b', 2]]) });
 * [r.expr, r.value, r.valueMethod]; // → [null, 0.991483673..., 'geodesic shooting (RK4, 128 steps, Newton on the initial velocity; Christoffel symbols from the symbolic derivatives of F)']
 * r.geodesic; // → { residual: 1.6...e-15, velocity: [0.930459963..., 0.278781743...], steps: 128, converged: true }
 */
export interface DistanceResult {
  /** The model's parameters. */
  readonly params: string[];
  /** Names of θ1's coordinates in `expr`. */
  readonly first: string[];
  /** Names of θ2's coordinates in `expr`. */
  readonly second: string[];
  /** The distance in closed form, or null. */
  readonly expr: Expr | null;
  /** How the closed form was found ('none' without one). */
  readonly method: string;
  /** Notes a reader must see. */
  readonly warnings: string[];
  /** With `from` and `to`: the distance. */
  readonly value?: number;
  /** With `from` and `to`: an estimate of the distance's absolute error. */
  readonly error?: number;
  /** With `from` and `to`: how the number was computed. */
  readonly valueMethod?: string;
  /**
   * When shot: how far the geodesic ends from θ2 and its initial velocity, both in the coordinates
   * it is integrated in (logs of positive parameters, logits of bounded ones), and whether Newton converged.
   */
  readonly geodesic?: {
    /** How far the geodesic ends from θ2. */
    readonly residual: number;
    /** The initial velocity. */
    readonly velocity: number[];
    /** Runge–Kutta steps of the reported length. */
    readonly steps: number;
    /** Whether Newton's method on the initial velocity converged. */
    readonly converged: boolean;
  };
}

/**
 * The Fisher–Rao distance between two members of a model: the length of the shortest path in the
 * metric dθᵀF(θ)dθ. One parameter: |G(θ2) − G(θ1)| with G = ∫√F dθ in closed form for common shapes
 * (by quadrature otherwise); two parameters of a location–scale family: the hyperbolic half-plane;
 * otherwise, at `from`/`to`, by geodesic shooting (RK4 with the Christoffel symbols of F, Newton on
 * the initial velocity, in coordinates where every parameter ranges over the whole line).
 *
 * @throws {@link FisherError} `support` when the support depends on a parameter (F is not a
 *   metric); `domain` when F is singular at θ1; `bad-option`, `bad-value` for the points.
 * @example
 * const r = fisherRaoDistance(parse('x ~ Normal(mu, sigma)'), { from: new Map([['mu', 0], ['sigma', 1]]), to: new Map([['mu', 1], ['sigma', 1]]) });
 * r.expr; // → log((sqrt((mu_1 - mu_2)^2 + 2*(sigma_1 + sigma_2)^2) + sqrt((mu_1 - mu_2)^2 + 2*(sigma_1 - sigma_2)^2))^2/(8*sigma_1*sigma_2))*sqrt(2)
 * r.value; // → 0.980258143...
 * // √2 acosh(5/4):
 * Math.SQRT2 * Math.acosh(5 / 4); // → 0.980258143...
 * fisherRaoDistance(parse('x ~ Bernoulli(p)')).expr; // → abs(2*(atan(sqrt(p_2)/sqrt(1 - p_2)) - atan(sqrt(p_1)/sqrt(1 - p_1))))
 */
export function fisherRaoDistance(m: Model, options: DistanceOptions = {}): DistanceResult {
  const irregular = irregularParams(m);
  if (irregular.size > 0) {
    throw new FisherError('support', `the support depends on ${[...irregular].join(', ')}: the Fisher information is not a metric there (the regularity conditions fail), so there is no Fisher–Rao distance`);
  }
  const pair = pointPair(m);
  const F = fisher(m);
  const warnings = [...m.warnings, ...F.warnings.filter((w) => !m.warnings.includes(w))];
  const closed = options.method === 'shooting' ? undefined : closedForm(m, pair, F, warnings);
  const base = { params: [...pair.params], first: [...pair.first], second: [...pair.second], expr: closed?.expr ?? null, method: closed?.method ?? 'none', warnings };
  const { from, to } = options;
  if (from === undefined || to === undefined) {
    if (from !== undefined || to !== undefined) throw new FisherError('bad-option', 'give both points (from and to), or neither for the closed form alone');
    return base;
  }
  checkPoint(m, from, 'the first point');
  checkPoint(m, to, 'the second point');
  const env = constantValues(m);
  for (const g of m.givens) {
    const v = from.get(g.name) ?? to.get(g.name);
    if (v === undefined) throw new FisherError('bad-option', `a value for the covariate ${g.name} is needed`);
    env.set(g.name, v);
  }
  if (closed !== undefined) {
    pair.params.forEach((p, i) => {
      env.set(pair.first[i]!, from.get(p)!);
      env.set(pair.second[i]!, to.get(p)!);
    });
    return { ...base, value: evaluate(closed.expr, env), error: 0, valueMethod: closed.method };
  }
  const a = pair.params.map((p) => from.get(p)!);
  const b = pair.params.map((p) => to.get(p)!);
  if (pair.params.length === 1 && options.method !== 'shooting') return { ...base, ...lineIntegral(m, F, env, a[0]!, b[0]!) };
  const metric = fisherMetric(m, F, env);
  requireRegular(metric, a, pair.params);
  // A numeric F costs a quadrature per evaluation: fewer Runge–Kutta steps, with the error estimate saying what that costs.
  // Shot in unconstrained coordinates (logs of positive parameters, logits of bounded ones).
  const chart = unconstrainedChart(metric, m.params.map((p) => p.range));
  const geo = shoot(chart.metric, chart.toChart(a), chart.toChart(b), { steps: options.steps ?? (F.closedForm ? 64 : 16), maxEvaluations: F.closedForm ? 1e6 : 5000 });
  if (!geo.converged) {
    const why = geo.failure === 'budget' ? `it ran out of its budget of ${F.closedForm ? 'a million' : '5000 numeric'} evaluations of the Fisher matrix` : 'the points may be too far apart for this metric, or the geodesic leaves the parameter domain';
    throw new FisherError('bad-value', `geodesic shooting did not reach the second point${Number.isFinite(geo.residual) ? ` (residual ${geo.residual.toExponential(2)})` : ''}: ${why}`);
  }
  return {
    ...base,
    value: geo.length,
    error: geo.error,
    valueMethod: `geodesic shooting (RK4, ${geo.steps} steps, Newton on the initial velocity; Christoffel symbols from ${F.closedForm ? 'the symbolic derivatives of F' : 'central differences of the numeric F'})`,
    geodesic: { residual: geo.residual, velocity: geo.velocity, steps: geo.steps, converged: geo.converged },
  };
}

function closedForm(m: Model, pair: PointPair, F: FisherResult, warnings: string[]): { expr: Expr; method: string } | undefined {
  const n = pair.params.length;
  if (n === 1 && F.matrix[0]![0] !== null) {
    const G = antiderivative(m, F.matrix[0]![0]!);
    if (G === undefined) return undefined;
    const d = call('abs', [sub(pair.toSecond(G.expr), pair.toFirst(G.expr))]);
    return { expr: present(d, pair.ranges), method: `|G(θ2) − G(θ1)| with G = ∫√F dθ (${G.shape})` };
  }
  if (n === 2) return hyperbolic(m, pair, warnings);
  return undefined;
}

interface Shape {
  readonly name: string;
  /** The shape s(θ) whose multiples have the antiderivative below. */
  readonly shape: (t: Expr) => Expr;
  readonly integral: (t: Expr) => Expr;
}

const minusHalf = /* @__PURE__ */ num(-1, 2);
const oneMinus = (t: Expr): Expr => sub(ONE, t);
const onePlus = (t: Expr): Expr => add(ONE, t);

/** Antiderivatives of the shapes √F takes in the common one-parameter families. */
const SHAPES: readonly Shape[] = [
  { name: '2·asin(√θ)', shape: (t) => mul(pow(t, minusHalf), pow(oneMinus(t), minusHalf)), integral: (t) => mul(num(2), call('atan', [sqrt(div(t, oneMinus(t)))])) },
  { name: '2·atan(√θ)', shape: (t) => mul(pow(t, minusHalf), pow(onePlus(t), num(-1))), integral: (t) => mul(num(2), call('atan', [sqrt(t)])) },
  { name: 'log((1 − √(1 − θ))/(1 + √(1 − θ)))', shape: (t) => mul(pow(t, num(-1)), pow(oneMinus(t), minusHalf)), integral: (t) => call('log', [div(sub(ONE, sqrt(oneMinus(t))), add(ONE, sqrt(oneMinus(t))))]) },
  { name: '2·asinh(√θ)', shape: (t) => mul(pow(t, minusHalf), pow(onePlus(t), minusHalf)), integral: (t) => mul(num(2), call('log', [add(sqrt(t), sqrt(onePlus(t)))])) },
];

/** An antiderivative of √F in the single parameter, verified by differentiation; undefined if none is found. */
function antiderivative(m: Model, f: Expr): { expr: Expr; shape: string } | undefined {
  const ranges = modelRanges(m);
  const p = m.params[0]!.name;
  const t = sym(p);
  const g = simplify(sqrt(f), { ranges });
  const free = (e: Expr): boolean => !symbols(e).has(p);
  const candidates: Array<{ expr: Expr; shape: string }> = [];
  // g = c θ^a: θ g'/g = a.
  const a = simplify(div(mul(t, diff(g, p)), g), { ranges });
  if (a.kind === 'num') {
    candidates.push(a === num(-1) ? { expr: mul(t, g, call('log', [t])), shape: 'c·log θ' } : { expr: div(mul(t, g), add(a, ONE)), shape: 'c·θ^(a+1)/(a+1)' });
  }
  // g = c e^(kθ): g'/g = k.
  const k = simplify(div(diff(g, p), g), { ranges });
  if (free(k) && k !== num(0)) candidates.push({ expr: div(g, k), shape: 'c·e^(kθ)/k' });
  for (const s of SHAPES) {
    const c = simplify(div(g, s.shape(t)), { ranges });
    if (free(c)) candidates.push({ expr: mul(c, s.integral(t)), shape: s.name });
  }
  const points = parameterPoints(m, 5, 77);
  const dg = (G: Expr): Expr => diff(G, p);
  return candidates.find((c) => points.every((pt) => {
    const want = evaluate(g, pt);
    const got = evaluate(dg(c.expr), pt);
    return Number.isFinite(want) && Math.abs(got - want) <= 1e-9 * Math.abs(want);
  }));
}

/** Location–scale with two parameters: the hyperbolic half-plane. */
function hyperbolic(m: Model, pair: PointPair, warnings: string[]): { expr: Expr; method: string } | undefined {
  const ranges = modelRanges(m);
  const st = standardise(m, ranges);
  if (st === undefined || st.standard.halfLine) return undefined;
  const [p1, p2] = pair.params as [string, string];
  const jac = [diff(st.location, p1), diff(st.location, p2), diff(st.scale, p1), diff(st.scale, p2)];
  const det = sub(mul(jac[0]!, jac[3]!), mul(jac[1]!, jac[2]!));
  // (m, s) must be a local diffeomorphism of θ: its Jacobian invertible at sample points.
  if (!parameterPoints(m, 4, 5).every((pt) => Math.abs(evaluate(det, pt)) > 1e-12)) return undefined;
  if (m.params.some((p) => p.label !== 'real' && p.label !== 'positive')) {
    warnings.push('the parameter domains are narrower than the real line or the positive half-line: the distance is that of the whole location–scale family, whose geodesic may leave the declared domain');
  }
  const [Ill, Ils, Iss] = st.standard.I;
  // In (m + k s, s), k = I_ls/I_ll, the metric is (I_ll dm''² + D ds²)/s²; with c = D/I_ll,
  // d = √D log((√N₋ + √N₊)²/(4 c s₁ s₂)), N± = (m''₁ − m''₂)² + c (s₁ ± s₂)² (= 2√D asinh(√w)).
  const k = simplify(div(Ils, Ill));
  const c = simplify(div(sub(Iss, div(mul(Ils, Ils), Ill)), Ill));
  const D = simplify(mul(c, Ill));
  const [m1, m2, s1, s2] = [pair.toFirst(st.location), pair.toSecond(st.location), pair.toFirst(st.scale), pair.toSecond(st.scale)];
  const dm = simplify(add(sub(m1, m2), mul(k, sub(s1, s2))), { ranges: pair.ranges });
  const N = (sign: number): Expr => add(pow(dm, num(2)), mul(c, pow(add(s1, mul(num(sign), s2)), num(2))));
  const d = mul(sqrt(D), call('log', [div(pow(add(sqrt(N(-1)), sqrt(N(1))), num(2)), mul(num(4), c, s1, s2))]));
  return { expr: simplify(d, { ranges: pair.ranges }), method: `hyperbolic half-plane of the location–scale family (${standardName(st)})` };
}

/** One parameter without an antiderivative: ∫ √F dθ by adaptive quadrature. */
function lineIntegral(m: Model, F: FisherResult, env: Map<string, number>, a: number, b: number): { value: number; error: number; valueMethod: string } {
  const p = m.params[0]!.name;
  const e = new Map(env);
  const entry = F.matrix[0]![0] ?? null;
  // √F at t; for a numeric F, the largest error of √F at a node, δ√F = δF/(2√F), bounds what
  // those errors add to the integral: |b − a|·max δ√F.
  let worst = 0;
  const f = entry !== null
    ? (t: number): number => {
        e.set(p, t);
        return Math.sqrt(evaluate(entry, e));
      }
    : (t: number): number => {
        e.set(p, t);
        const nf = numericFisher(m, F.targets, e);
        const root = Math.sqrt(nf.value[0]![0]!);
        worst = Math.max(worst, nf.error[0]![0]! / (2 * root));
        return root;
      };
  const r = integrate(f, Math.min(a, b), Math.max(a, b), { relTol: entry !== null ? 1e-10 : 1e-7 });
  const error = r.error + Math.abs(b - a) * worst;
  if (!r.converged || !Number.isFinite(r.value)) throw new FisherError('bad-value', `the integral of √F between the points did not converge (error estimate ${error.toExponential(2)})`);
  return { value: r.value, error, valueMethod: `adaptive quadrature of √F dθ${entry === null ? ' (F numeric at each node)' : ''}` };
}

/** The metric must be positive definite where the geodesic starts (identifiable parameters). */
function requireRegular(metric: Metric, a: readonly number[], params: readonly string[]): void {
  const n = metric.dim;
  const g = new Float64Array(n * n);
  if (!metric.at(a, g, new Float64Array(n * n * n))) throw new FisherError('bad-value', 'the Fisher matrix has no finite value at the first point');
  const ev = symmetricEigenvalues(Array.from({ length: n }, (_, i) => Array.from(g.subarray(i * n, (i + 1) * n))));
  const max = Math.max(...ev.map(Math.abs));
  if (!(Math.min(...ev) > 1e-13 * max)) {
    throw new FisherError('bad-value', `the Fisher matrix is singular at the first point (eigenvalues ${ev.map((x) => x.toExponential(2)).join(', ')}): (${params.join(', ')}) are not all identifiable from one observation there, so the Fisher information is not a Riemannian metric and there is no Fisher–Rao distance`);
  }
}

/**
 * The Fisher metric g(θ) = F(θ) of a model, for {@link shoot}, at given constants and covariates:
 * the compiled closed-form F and its symbolic derivatives, or the numeric F with central
 * differences where F has no closed form.
 *
 * @param F - The model's Fisher matrix ({@link fisher}).
 * @param env - Values of the model's constants and covariates (the constants are filled in).
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * const g = new Float64Array(4);
 * const dg = new Float64Array(8);
 * fisherMetric(m, fisher(m), new Map()).at([0, 2], g, dg); // → true
 * g; // → [0.25, 0, 0, 0.5]
 * dg; // → [0, 0, 0, 0, -0.25, 0, 0, -0.5]
 */
export function fisherMetric(m: Model, F: FisherResult, env: ReadonlyMap<string, number>): Metric {
  const params = m.params.map((p) => p.name);
  const n = params.length;
  const inside = (theta: readonly number[]): boolean => m.params.every((p, i) => contains(p.range, theta[i]!));
  if (F.closedForm) {
    const entries = F.matrix as Expr[][];
    const exprs = [...entries.flat(), ...params.flatMap((p) => entries.flat().map((e) => diff(e, p)))];
    const others = [...env.keys()].filter((k) => !params.includes(k));
    const c = compile(exprs, [...params, ...others]);
    const v = new Float64Array(params.length + others.length);
    others.forEach((k, i) => (v[n + i] = env.get(k)!));
    const out = new Float64Array(exprs.length);
    return {
      dim: n,
      at: (theta, g, dg) => {
        if (!inside(theta)) return false;
        theta.forEach((x, i) => (v[i] = x));
        c.prepare(v);
        c.run(v, out);
        g.set(out.subarray(0, n * n));
        dg.set(out.subarray(n * n));
        return out.every(Number.isFinite);
      },
    };
  }
  const e = new Map(env);
  const numericG = (theta: readonly number[]): number[] => {
    params.forEach((p, i) => e.set(p, theta[i]!));
    return numericFisher(m, F.targets, e).value.flat();
  };
  return {
    dim: n,
    at: (theta, g, dg) => {
      if (!inside(theta)) return false;
      g.set(numericG(theta));
      for (let k = 0; k < n; k++) {
        const h = 1e-4 * Math.max(1, Math.abs(theta[k]!));
        const up = [...theta];
        const down = [...theta];
        up[k]! += h;
        down[k]! -= h;
        if (!inside(up) || !inside(down)) return false;
        const gu = numericG(up);
        const gd = numericG(down);
        for (let q = 0; q < n * n; q++) dg[k * n * n + q] = (gu[q]! - gd[q]!) / (2 * h);
      }
      return g.every(Number.isFinite) && dg.every(Number.isFinite);
    },
  };
}
