/**
 * Geodesics of the Fisher metric by shooting. A geodesic θ(t), t ∈ [0, 1], solves
 *
 *   θ''^k = −Γ^k_ij(θ) θ'^i θ'^j,   Γ^k_ij = ½ g^kl (∂_i g_jl + ∂_j g_il − ∂_l g_ij),
 *
 * integrated by the classical Runge–Kutta method; Newton's method on the initial velocity (with a
 * finite-difference Jacobian, backtracking, and continuation along the segment when a direct shot
 * fails) makes θ(1) hit the endpoint. The length is ∫₀¹ √(θ'ᵀ g θ') dt (Simpson's rule on the
 * Runge–Kutta grid); repeating with twice the steps gives its error estimate. Do Carmo 1992,
 * Riemannian Geometry, ch. 3; for the Fisher metric, Amari & Nagaoka 2000, §1.6.
 *
 * A geodesic is the shortest path between its ends when geodesics are unique (simply connected
 * manifolds of non-positive curvature: location–scale families, the Gamma family); otherwise the
 * length found is an upper bound of the distance.
 */
import { solve } from '../fisher/montecarlo';

/**
 * A Riemannian metric for {@link shoot}: g(θ) and its derivatives ∂_k g(θ) at a point; false outside
 * the domain. {@link fisherMetric} gives a model's Fisher metric; any other works too.
 *
 * @example
 * // The hyperbolic half-plane (x, y > 0): g = I/y².
 * const halfPlane = {
 *   dim: 2,
 *   at: (t, g, dg) => {
 *     const y = t[1];
 *     if (!(y > 0)) return false;
 *     g.set([1 / y ** 2, 0, 0, 1 / y ** 2]);
 *     dg.set([0, 0, 0, 0, -2 / y ** 3, 0, 0, -2 / y ** 3]);
 *     return true;
 *   },
 * };
 * shoot(halfPlane, [0, 1], [0, 2]).length; // → 0.693147180...
 * Math.log(2); // → 0.693147180...
 */
export interface Metric {
  /** The dimension n. */
  readonly dim: number;
  /** Fill g (row-major n×n) and dg (dg[(k*n + i)*n + j] = ∂_k g_ij); false where undefined. */
  readonly at: (theta: readonly number[], g: Float64Array, dg: Float64Array) => boolean;
}

/**
 * A geodesic found by {@link shoot}.
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * const geo = shoot(fisherMetric(m, fisher(m), new Map()), [1], [4]);
 * [geo.length, geo.error, geo.residual, geo.velocity, geo.steps, geo.converged, geo.path.length]; // → [1.99999999..., 1.3...e-9, 4.4...e-16, [1.99999999...], 128, true, 129]
 */
export interface Geodesic {
  /** Length of the geodesic found. */
  readonly length: number;
  /** |L(N steps) − L(2N steps)|: an estimate of the integration error of `length`. */
  readonly error: number;
  /** Euclidean norm of θ(1) − endpoint. */
  readonly residual: number;
  /** Initial velocity θ'(0). */
  readonly velocity: number[];
  /** Points along the geodesic (the Runge–Kutta grid). */
  readonly path: number[][];
  /** Runge–Kutta steps of the reported length. */
  readonly steps: number;
  /** Whether Newton's method reached the endpoint within the tolerance. */
  readonly converged: boolean;
  /** Why not converged: Newton found no velocity, or the evaluation budget ran out. */
  readonly failure?: 'no geodesic found' | 'budget';
}

/**
 * Options of {@link shoot}.
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * shoot(fisherMetric(m, fisher(m), new Map()), [1], [4], { steps: 16, tolerance: 1e-8 }).length; // → 1.99999997...
 */
export interface ShootOptions {
  /** Runge–Kutta steps (default 64; the error estimate uses twice as many). */
  readonly steps?: number;
  /** Newton iterations per target (default 30). */
  readonly maxIterations?: number;
  /** Tolerance on the endpoint, relative to |b − a| (default 1e-11). */
  readonly tolerance?: number;
  /** Budget of metric evaluations for the search (default 1e6); past it the shooting gives up. */
  readonly maxEvaluations?: number;
}

interface Shot {
  readonly end: number[];
  readonly path: number[][];
  readonly velocities: number[][];
}

/**
 * The geodesic from a to b of a metric, by shooting: the geodesic equation θ'' = −Γ(θ', θ') with
 * the metric's Christoffel symbols, integrated by RK4, and Newton's method on the initial velocity
 * so that the path ends at b; its length with an error estimate (the difference from twice the
 * steps). The points are in the metric's coordinates; a metric that returns false outside its
 * domain keeps the search inside.
 *
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * const geo = shoot(fisherMetric(m, fisher(m), new Map()), [0, 1], [1, 1]);
 * [geo.length, geo.converged]; // → [0.980258143..., true]
 * fisherRaoDistance(m, { from: new Map([['mu', 0], ['sigma', 1]]), to: new Map([['mu', 1], ['sigma', 1]]) }).value; // → 0.980258143...
 */
export function shoot(exact: Metric, a: readonly number[], b: readonly number[], options: ShootOptions = {}): Geodesic {
  const n = exact.dim;
  // The search runs on a budget: every metric evaluation counts, and past the budget none succeeds.
  let evaluations = 0;
  const budget = options.maxEvaluations ?? 1e6;
  const metric: Metric = { dim: n, at: (theta, g, dg) => ++evaluations <= budget && exact.at(theta, g, dg) };
  const steps = options.steps ?? 64;
  // Relative to the distance between the ends, so that short geodesics keep their digits.
  const tol = (options.tolerance ?? 1e-11) * Math.hypot(...b.map((x, i) => x - a[i]!)) + 1e-14 * (1 + Math.hypot(...b));
  let v = solveBoundary(metric, a, b, b.map((x, i) => x - a[i]!), steps, options, tol);
  let converged = v !== undefined;
  if (v === undefined) {
    // Continuation: walk the target from a to b, each shot starting from the last velocity.
    for (const pieces of [4, 16]) {
      let w: number[] | undefined = b.map((x, i) => (x - a[i]!) / pieces);
      for (let k = 1; k <= pieces && w !== undefined; k++) {
        const target = b.map((x, i) => a[i]! + ((x - a[i]!) * k) / pieces);
        const guess: number[] = w.map((x) => (x * k) / Math.max(1, k - 1));
        w = solveBoundary(metric, a, target, k === 1 ? w : guess, steps, options, tol);
      }
      if (w !== undefined) {
        v = w;
        converged = true;
        break;
      }
    }
  }
  if (v === undefined) {
    return { length: NaN, error: Infinity, residual: Infinity, velocity: [], path: [], steps, converged: false, failure: evaluations > budget ? 'budget' : 'no geodesic found' };
  }
  // The same boundary problem with twice the steps: its length is reported, the difference is the error.
  const fine = solveBoundary(metric, a, b, v, 2 * steps, options, tol) ?? v;
  const coarse = lengthOf(exact, integrate(exact, a, v, steps)!, n);
  const shot = integrate(exact, a, fine, 2 * steps)!;
  const length = lengthOf(exact, shot, n);
  const residual = Math.hypot(...shot.end.map((x, i) => x - b[i]!));
  return { length, error: Math.abs(length - coarse), residual, velocity: fine, path: shot.path, steps: 2 * steps, converged: converged && residual <= 100 * tol };
}

/** Newton on the initial velocity: θ(1; v) = b. */
function solveBoundary(metric: Metric, a: readonly number[], b: readonly number[], v0: readonly number[], steps: number, options: ShootOptions, tol: number): number[] | undefined {
  const n = metric.dim;
  let v = [...v0];
  let shot = integrate(metric, a, v, steps);
  if (shot === undefined) return undefined;
  let r = shot.end.map((x, i) => x - b[i]!);
  let norm = Math.hypot(...r);
  for (let it = 0; it < (options.maxIterations ?? 30); it++) {
    if (norm <= tol) return v;
    const J: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let j = 0; j < n; j++) {
      const h = 1e-7 * Math.max(1, Math.abs(v[j]!));
      const vj = [...v];
      vj[j]! += h;
      const sj = integrate(metric, a, vj, steps);
      if (sj === undefined) return undefined;
      for (let i = 0; i < n; i++) J[i]![j] = (sj.end[i]! - shot.end[i]!) / h;
    }
    const dv = solve(J, r);
    if (dv === undefined) return undefined;
    // Backtracking: the full Newton step, halved until the residual falls and the path stays inside.
    let lambda = 1;
    let accepted = false;
    for (let k = 0; k < 30; k++, lambda /= 2) {
      const cand = v.map((x, i) => x - lambda * dv[i]!);
      const s = integrate(metric, a, cand, steps);
      if (s === undefined) continue;
      const rc = s.end.map((x, i) => x - b[i]!);
      const nc = Math.hypot(...rc);
      if (nc < norm) {
        v = cand;
        shot = s;
        r = rc;
        norm = nc;
        accepted = true;
        break;
      }
    }
    if (!accepted) return undefined;
  }
  return norm <= tol ? v : undefined;
}

/** RK4 on (θ, θ') from (a, v) over t ∈ [0, 1]; undefined when the path leaves the domain. */
function integrate(metric: Metric, a: readonly number[], v: readonly number[], steps: number): Shot | undefined {
  const n = metric.dim;
  const g = new Float64Array(n * n);
  const dg = new Float64Array(n * n * n);
  const accel = (theta: readonly number[], vel: readonly number[]): number[] | undefined => {
    if (!metric.at(theta, g, dg)) return undefined;
    // Christoffel symbols of the first kind contracted with v twice: c_l = Σ_ij Γ_l,ij v^i v^j.
    const c = new Array<number>(n).fill(0);
    for (let l = 0; l < n; l++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const gamma = 0.5 * (dg[(i * n + j) * n + l]! + dg[(j * n + i) * n + l]! - dg[(l * n + i) * n + j]!);
          s += gamma * vel[i]! * vel[j]!;
        }
      }
      c[l] = -s;
    }
    const G = Array.from({ length: n }, (_, i) => Array.from(g.subarray(i * n, (i + 1) * n)));
    const out = solve(G, c);
    return out !== undefined && out.every(Number.isFinite) ? out : undefined;
  };
  const h = 1 / steps;
  let theta = [...a];
  let vel = [...v];
  const path = [theta];
  const velocities = [vel];
  const add = (x: readonly number[], y: readonly number[], s: number): number[] => x.map((xi, i) => xi + s * y[i]!);
  for (let k = 0; k < steps; k++) {
    const a1 = accel(theta, vel);
    if (a1 === undefined) return undefined;
    const t2 = add(theta, vel, h / 2);
    const v2 = add(vel, a1, h / 2);
    const a2 = accel(t2, v2);
    if (a2 === undefined) return undefined;
    const t3 = add(theta, v2, h / 2);
    const v3 = add(vel, a2, h / 2);
    const a3 = accel(t3, v3);
    if (a3 === undefined) return undefined;
    const t4 = add(theta, v3, h);
    const v4 = add(vel, a3, h);
    const a4 = accel(t4, v4);
    if (a4 === undefined) return undefined;
    theta = theta.map((x, i) => x + (h / 6) * (vel[i]! + 2 * v2[i]! + 2 * v3[i]! + v4[i]!));
    vel = vel.map((x, i) => x + (h / 6) * (a1[i]! + 2 * a2[i]! + 2 * a3[i]! + a4[i]!));
    if (!theta.every(Number.isFinite)) return undefined;
    path.push(theta);
    velocities.push(vel);
  }
  // The end point itself must lie in the domain.
  if (!metric.at(theta, g, dg)) return undefined;
  return { end: theta, path, velocities };
}

/** ∫₀¹ √(θ'ᵀ g θ') dt by Simpson's rule on the grid (steps is even). */
function lengthOf(metric: Metric, shot: Shot, n: number): number {
  const g = new Float64Array(n * n);
  const dg = new Float64Array(n * n * n);
  const speed = shot.path.map((theta, k) => {
    metric.at(theta, g, dg);
    const v = shot.velocities[k]!;
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += g[i * n + j]! * v[i]! * v[j]!;
    return Math.sqrt(Math.max(0, s));
  });
  const steps = speed.length - 1;
  let sum = speed[0]! + speed[steps]!;
  for (let k = 1; k < steps; k++) sum += (k % 2 === 1 ? 4 : 2) * speed[k]!;
  return sum / (3 * steps);
}

/** A metric in coordinates where every parameter ranges over the whole line, and the maps to and from them. */
export interface Chart {
  readonly metric: Metric;
  readonly toChart: (theta: readonly number[]) => number[];
  readonly fromChart: (phi: readonly number[]) => number[];
}

interface CoordinateMap {
  readonly to: (theta: number) => number;
  /** θ(φ), θ'(φ), θ''(φ). */
  readonly from: (phi: number) => [number, number, number];
}

/** θ = lo + e^φ, hi − e^φ, lo + (hi − lo)·sigmoid(φ), or φ itself. */
function coordinate(lo: number, hi: number): CoordinateMap {
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const w = hi - lo;
    return {
      to: (t) => Math.log((t - lo) / (hi - t)),
      from: (p) => {
        const s = 1 / (1 + Math.exp(-p));
        return [lo + w * s, w * s * (1 - s), w * s * (1 - s) * (1 - 2 * s)];
      },
    };
  }
  if (Number.isFinite(lo)) return { to: (t) => Math.log(t - lo), from: (p) => [lo + Math.exp(p), Math.exp(p), Math.exp(p)] };
  if (Number.isFinite(hi)) return { to: (t) => Math.log(hi - t), from: (p) => [hi - Math.exp(p), -Math.exp(p), -Math.exp(p)] };
  return { to: (t) => t, from: (p) => [p, 1, 0] };
}

/**
 * The metric pulled back to unconstrained coordinates φ (logs of positive parameters, logits of
 * bounded ones): g̃_ij = g_ij θ_i' θ_j' and ∂_k g̃_ij = ∂_k g_ij θ_k' θ_i' θ_j' + g_ij (δ_ik θ_i'' θ_j' +
 * δ_jk θ_i' θ_j''). Geodesics and lengths do not depend on the coordinates; in these a Runge–Kutta
 * step cannot leave the domain, and scales are evened out.
 */
export function unconstrainedChart(metric: Metric, ranges: ReadonlyArray<{ readonly lo: number; readonly hi: number }>): Chart {
  const n = metric.dim;
  const maps = ranges.map((r) => coordinate(r.lo, r.hi));
  const g = new Float64Array(n * n);
  const dg = new Float64Array(n * n * n);
  return {
    toChart: (theta) => theta.map((t, i) => maps[i]!.to(t)),
    fromChart: (phi) => phi.map((p, i) => maps[i]!.from(p)[0]),
    metric: {
      dim: n,
      at: (phi, gt, dgt) => {
        const m = phi.map((p, i) => maps[i]!.from(p));
        if (!metric.at(m.map((x) => x[0]), g, dg)) return false;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gt[i * n + j] = g[i * n + j]! * m[i]![1] * m[j]![1];
        for (let k = 0; k < n; k++) {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let v = dg[(k * n + i) * n + j]! * m[k]![1] * m[i]![1] * m[j]![1];
              if (k === i) v += g[i * n + j]! * m[i]![2] * m[j]![1];
              if (k === j) v += g[i * n + j]! * m[i]![1] * m[j]![2];
              dgt[(k * n + i) * n + j] = v;
            }
          }
        }
        return gt.every(Number.isFinite) && dgt.every(Number.isFinite);
      },
    },
  };
}
