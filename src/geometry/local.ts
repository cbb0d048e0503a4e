/**
 * The local check of a divergence against the Fisher metric: for a smooth f-divergence,
 *
 *   D_f(p_θ ‖ p_θ+tΔ) = f''(1)/2 · t² ΔᵀF(θ)Δ + O(t³),
 *
 * in both directions (Amari & Nagaoka 2000, Methods of Information Geometry, §3.2; for KL,
 * f''(1) = 1). Along a ray θ + tΔ at halving steps t, the ratio D/(f''(1)/2 · t²ΔᵀFΔ) must tend to
 * 1 and the residual D − f''(1)/2 · t²ΔᵀFΔ must shrink like t³: its observed order, the slope of
 * log|residual| against log t, is reported.
 */
import { FisherError } from '../expr/errors';
import { fisher } from '../fisher/fisher';
import { numericFisher } from '../fisher/numeric';
import type { Model } from '../lang/model';
import { Rng } from '../numeric/random';
import type { DivergenceValue } from './kl';
import { irregularParams } from './support';

/**
 * One step t of the second-order check: both directions of the divergence and the quadratic form.
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * checkLocalQuadratic(m, klDivergence(m).at, new Map([['lam', 2]]), { direction: new Map([['lam', 1]]), steps: 2 }).steps; // → [{ t: 1, forward: 0.009379640391350391, reverse: 0.009682395569514696, quadratic: 0.010000000000000002 }, { t: 0.5, forward: 0.0024196716611359775, reverse: 0.0024593447558072246, quadratic: 0.0025000000000000005 }]
 */
export interface LocalStep {
  /** The step t along the ray θ + tΔ. */
  readonly t: number;
  /** D(p_θ ‖ p_θ+tΔ). */
  readonly forward: number;
  /** D(p_θ+tΔ ‖ p_θ). */
  readonly reverse: number;
  /** f''(1)/2 · t² ΔᵀF(θ)Δ. */
  readonly quadratic: number;
}

/**
 * The second-order check of a divergence at a point (see {@link checkLocalQuadratic}).
 *
 * @example
 * const m = parse('x ~ Gamma(k, b)');
 * const c = checkLocalQuadratic(m, klDivergence(m).at, new Map([['k', 2], ['b', 1]]), { direction: new Map([['k', 0.1], ['b', 0.1]]) });
 * [c.name, c.ok, c.curvature, c.at, c.direction]; // → ['KL ≈ ½ΔᵀFΔ to second order', true, 1, { k: 2, b: 1 }, { k: 0.1, b: 0.1 }]
 * c.order; // → [2.97509747654634, 2.9629283642610926]
 * c.detail; // → 'KL/(½ΔᵀFΔ) at t = 0.0625: 0.995487 forward, 0.990996 reverse; order of the residual in t: 2.98 forward, 2.96 reverse (expected ≥ 3)'
 */
export interface LocalCheck {
  /** What is checked. */
  readonly name: string;
  /** Whether the divergence is quadratic to second order, with the residual of order ≥ 3. */
  readonly ok: boolean;
  /** The numbers behind the verdict. */
  readonly detail: string;
  /** θ by parameter name. */
  readonly at: Record<string, number>;
  /** Δ by parameter name. */
  readonly direction: Record<string, number>;
  /** f''(1) of the divergence (1 for KL). */
  readonly curvature: number;
  /** The steps t = 1, 1/2, 1/4, ... */
  readonly steps: readonly LocalStep[];
  /** Observed order of the residual in t, forward and reverse (≈ 3; Infinity when it vanishes to rounding). */
  readonly order: readonly [number, number];
}

/**
 * Options of {@link checkLocalQuadratic}.
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * const d = divergence(m, { name: 'hellinger' });
 * checkLocalQuadratic(m, d.at, new Map([['lam', 2]]), { name: d.info.label, curvature: d.info.curvature }).ok; // → true
 */
export interface LocalOptions {
  /** Name of the divergence in the report (default 'KL'). */
  readonly name?: string;
  /** f''(1) (default 1). */
  readonly curvature?: number;
  /** The ray's direction by parameter name; default: a seeded random direction scaled to the domains. */
  readonly direction?: ReadonlyMap<string, number>;
  /** Number of halvings (default 5). */
  readonly steps?: number;
  /** Seed of the random direction (default 1). */
  readonly seed?: number;
}

/**
 * Checks that a divergence is locally the Fisher quadratic form, D(p_θ ‖ p_θ+tΔ) ≈ f''(1)/2 ·
 * t²ΔᵀF(θ)Δ, at shrinking t in both directions, and that the residual is of order ≥ 3 in t: a
 * check of a divergence's closed form (or quadrature) against the Fisher matrix, two independent
 * derivations.
 *
 * @param divergence - The divergence at two points: `klDivergence(m).at` or `divergence(m, spec).at`.
 * @param at - θ by parameter name.
 * @throws {@link FisherError} `support` where the support depends on a parameter (no second-order
 *   behaviour); `bad-value`, `bad-option` for a point outside the domains or a bad direction.
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * checkLocalQuadratic(m, klDivergence(m).at, new Map([['mu', 0], ['sigma', 1]])).ok; // → true
 */
export function checkLocalQuadratic(
  m: Model,
  divergence: (from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>) => DivergenceValue,
  at: ReadonlyMap<string, number>,
  options: LocalOptions = {},
): LocalCheck {
  const name = options.name ?? 'KL';
  const c = options.curvature ?? 1;
  const irregular = irregularParams(m);
  if (irregular.size > 0) {
    throw new FisherError('support', `the support depends on ${[...irregular].join(', ')}: the divergence is not locally quadratic there (it is of first order, or infinite), so there is no second-order check`);
  }
  const params = m.params.map((p) => p.name);
  const F = fisher(m, { at, numeric: numericFisher }).value;
  if (F === undefined || F.flat().some((x) => !Number.isFinite(x))) throw new FisherError('bad-value', 'the Fisher matrix has no finite value at this point, so there is no second-order check');
  const dir = direction(m, at, options);
  const widths = params.map((p) => dir.get(p)!);
  const quad = (c / 2) * widths.reduce((s, di, i) => s + di * widths.reduce((t, dj, j) => t + F[i]![j]! * dj, 0), 0);
  const steps: LocalStep[] = [];
  const noise: number[] = [];
  for (let k = 0; k < (options.steps ?? 5); k++) {
    const t = 2 ** -k;
    const moved = new Map(at);
    params.forEach((p, i) => moved.set(p, at.get(p)! + t * widths[i]!));
    const f = divergence(at, moved);
    const r = divergence(moved, at);
    steps.push({ t, forward: f.value, reverse: r.value, quadratic: quad * t * t });
    noise.push(Math.max(f.error, r.error));
  }
  const ratio = (s: LocalStep, v: number): number => v / s.quadratic;
  const order = [0, 1].map((which) => observedOrder(steps.map((s) => [s.t, (which === 0 ? s.forward : s.reverse) - s.quadratic]), noise)) as [number, number];
  const last = steps[steps.length - 1]!;
  const rf = ratio(last, last.forward);
  const rr = ratio(last, last.reverse);
  const ok = quad > 0 && Math.abs(rf - 1) <= 0.05 && Math.abs(rr - 1) <= 0.05 && order.every((o) => o >= 2.5);
  const fmt = (o: number): string => (o === Infinity ? 'none above rounding' : o.toFixed(2));
  const detail = quad > 0
    ? `${name}/(${c === 1 ? '' : `${c}·`}½ΔᵀFΔ) at t = ${last.t}: ${rf.toFixed(6)} forward, ${rr.toFixed(6)} reverse; order of the residual in t: ${fmt(order[0])} forward, ${fmt(order[1])} reverse (expected ≥ 3)`
    : 'ΔᵀFΔ is not positive along this direction';
  return {
    name: `${name} ≈ ${c === 1 ? '' : `${c}·`}½ΔᵀFΔ to second order`,
    ok,
    detail,
    at: Object.fromEntries(params.map((p) => [p, at.get(p)!])),
    direction: Object.fromEntries(dir),
    curvature: c,
    steps,
    order,
  };
}

/**
 * The slope of log|r| against log t over the steps where r stands clear of the evaluation's error
 * (ten times the quadrature's estimate, and 1e-13 for the rounding of a closed form such as
 * exp(…) − 1).
 */
function observedOrder(points: Array<[number, number]>, noise: readonly number[]): number {
  const usable = points.filter(([, r], i) => Math.abs(r) > 10 * noise[i]! + 1e-13);
  if (usable.length < 2) return Infinity;
  const xs = usable.map(([t]) => Math.log(t));
  const ys = usable.map(([, r]) => Math.log(Math.abs(r)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

/**
 * The ray's direction, each coordinate at most a tenth of the room its parameter has (its
 * distance to the domain's edge, at most max(|θ_i|, 1)) so that the ray stays inside: the given
 * direction scaled down to fit, or a seeded random one.
 */
function direction(m: Model, at: ReadonlyMap<string, number>, options: LocalOptions): Map<string, number> {
  const room = m.params.map((p) => {
    const v = at.get(p.name)!;
    return 0.1 * Math.min(Math.max(Math.abs(v), 1), v - p.range.lo, p.range.hi - v);
  });
  if (options.direction !== undefined) {
    const d = m.params.map((p) => options.direction!.get(p.name) ?? 0);
    if (d.every((x) => x === 0)) throw new FisherError('bad-option', 'the direction of the check is zero: give two different points');
    const scale = Math.min(...d.map((x, i) => (x === 0 ? Infinity : room[i]! / Math.abs(x))));
    return new Map(m.params.map((p, i) => [p.name, d[i]! * scale]));
  }
  const rng = new Rng(options.seed ?? 1);
  return new Map(m.params.map((p, i) => {
    const u = 0.3 + 0.7 * rng.uniform();
    return [p.name, (rng.uniform() < 0.5 ? -1 : 1) * u * room[i]!];
  }));
}
