/**
 * Numeric integration and summation with error estimates, for expectations
 * E_θ[g(x)] = ∫ g(x) p(x|θ) dx (or Σ_k g(k) p(k|θ)) that have no closed form.
 *
 * - {@link integrate} / {@link integrateVec}: globally adaptive Gauss–Kronrod (G10–K21) on
 *   ranges that may be infinite. Always the panel with the largest error is bisected next
 *   (a max-heap of panels), until the summed error estimate meets the tolerance or the budget
 *   is spent.
 * - {@link sumSeries} / {@link sumSeriesVec}: compensated (Neumaier) summation, exact over
 *   finite ranges; infinite ranges stop on a geometric bound of the tail.
 *
 * Every routine returns `{ value, error, evals, converged }`; `error` estimates |value − true|
 * and is never knowingly optimistic: when the tolerance is not met the result says
 * `converged: false` and why, it never loops forever, and nothing throws.
 *
 * How a range becomes panels (for integrals). The range is cut at the user's breakpoints
 * (and at 0 for (−∞, ∞) without breakpoints) into segments. Each segment is written as
 * x = X(t), t ∈ [0, 1], with
 *   finite [l, r]:   x = l + (r − l)·t,
 *   [l, ∞):          x = l + σ·t/(1 − t)          (σ = options.scale, default 1),
 *   (−∞, r]:         x = r − σ·t/(1 − t),
 * composed with the cubic t = T(u) = u²(3 − 2u), T'(u) = 6u(1 − u), which flattens both ends:
 * an end behaviour (x − l)^α becomes u^(2α+1), so x^(−1/2) and the Beta(½, ½) density turn
 * smooth, log x turns into u·log u, and a tail f ~ x^(−1−δ) becomes (1 − u)^(2δ−1). Each
 * segment is integrated as two halves u ∈ [0, ½] and u ∈ [½, 1], the second written in
 * v = 1 − u, so that both ends of a segment sit at v = 0 where doubles are densest
 * (panels can shrink towards an end down to 1e-308, not 1e-16).
 *
 * The error of a panel is QUADPACK's (Piessens et al. 1983, routine QK21):
 * e = resasc·min(1, (200·|K21 − G10|/resasc)^1.5), at least 50·ε·∫|f|, where resasc = ∫|f − mean|.
 * A panel touching the end of a segment also gets an end-point term: with F₁, F₂ the integrand
 * at the two nodes nearest the end (distances d₁ < d₂), F ≈ C·v^β with β = log(F₂/F₁)/log(d₂/d₁);
 * for β < 0 the mass between the end and the first node, F₁·d₁/(β + 1), is a lower bound
 * for what the rule cannot see, and β ≤ −1 (not integrable) makes the error infinite.
 *
 * Non-finite integrand values (NaN, ±Infinity) at a node make that panel's error infinite, so
 * it is bisected first; once a panel with such nodes is narrower than 2^-40 (in v) they are
 * counted as 0, reported in `nonFinite`, and the panel's error becomes the larger of its own
 * estimate, its ∫|f|, and the end-point term of its last ancestor without such nodes (so that
 * 1/x on (0, 1), whose nodes overflow once x underflows, still reports an infinite error).
 *
 * Limitations. The error estimates are those of QUADPACK: they can be fooled by an integrand
 * that no node of the first panels sees (a peak much narrower than the initial node spacing,
 * or mass far away from where the map puts it, e.g. a Normal(1000, 1) density on (−∞, ∞) with
 * the default scale 1). Give such features as `breakpoints` (and `scale` for tails). A
 * function of x computed in doubles cannot resolve a singularity at x = c ≠ 0 closer than
 * ulp(c): ∫_0^1 (1 − x)^(−0.9) dx is reported as not converged, with an honest error, for
 * that reason. Closer still to non-integrable, the error itself is not a bound: two thirds of
 * ∫_0^1 (1 − x)^(−0.99) dx = 100 lie within 1e-16 of x = 1, where no double can go, and the
 * result (about 31, not converged) reports an error of about 33 (test/quadrature-coverage.test.ts
 * records the case).
 *
 * References: R. Piessens, E. de Doncker-Kapenga, C. Überhuber, D. Kahaner, QUADPACK (Springer,
 * 1983), routines QK21 (nodes, weights, error formula) and QAG (adaptive strategy);
 * A. Neumaier (1974), Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen,
 * ZAMM 54, 39-51 (compensated summation).
 *
 * @module
 */

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/** Why a result is not converged. */
export type QuadratureFailure =
  /** The evaluation budget (`maxEvals`, `maxTerms`) ran out. */
  | 'max-evals'
  /**
   * The remaining error sits where more work cannot reduce it: panels at the resolution of
   * doubles or at the rounding floor, a non-integrable singularity, a tail that is not
   * geometrically bounded.
   */
  | 'resolution'
  /** The integrand (or a term) was NaN or ±Infinity on a set that would not shrink away. */
  | 'non-finite'
  /** Bad arguments (NaN bounds, negative tolerances, dim < 1, ...). */
  | 'invalid';

/** Result of a scalar integral or sum. */
export interface QuadratureResult {
  /** The integral (or sum). */
  value: number;
  /** Estimate of |value − true value| (Infinity when nothing honest can be said). */
  error: number;
  /** Number of integrand (or term) evaluations. */
  evals: number;
  /** Whether `error` is within the tolerance. */
  converged: boolean;
  /** Number of nodes whose non-finite value was counted as 0 in `value` (0 normally). */
  nonFinite: number;
  /** Why `converged` is false (absent when it is true). */
  reason?: QuadratureFailure;
}

/** Result of a vector integral or sum: one value and one error per component. */
export interface QuadratureVecResult {
  value: Float64Array;
  /** Per-component estimate of |value[j] − true value[j]|. */
  error: Float64Array;
  evals: number;
  /** Whether every component meets its tolerance max(absTol, relTol·|value[j]|). */
  converged: boolean;
  nonFinite: number;
  reason?: QuadratureFailure;
}

/** Options of {@link integrate} and {@link integrateVec}. */
export interface IntegrateOptions {
  /** Absolute tolerance (default 1e-12). */
  absTol?: number;
  /** Relative tolerance (default 1e-10); each component must meet max(absTol, relTol·|value|). */
  relTol?: number;
  /** Budget of integrand evaluations (default 200000; the first 21-point panel of each half-segment is always evaluated). */
  maxEvals?: number;
  /**
   * Points inside the range where the integrand has a kink, a peak, a singularity or a change
   * of scale (e.g. x = μ for a Laplace density, the mode of a narrow density). The range is cut
   * there, so panels never straddle them and nodes cluster next to them.
   */
  breakpoints?: readonly number[];
  /**
   * Typical width of the integrand's mass for infinite ranges (default 1): a tail beyond a
   * point c is mapped as x = c ± scale·t/(1 − t). The adaptivity copes with a scale that is off
   * by a few orders of magnitude, but a peak much narrower than the node spacing it starts
   * with can only be found if its location is a breakpoint.
   */
  scale?: number;
}

/** Options of {@link sumSeries} and {@link sumSeriesVec}. */
export interface SeriesOptions {
  /** Absolute tolerance (default 1e-12). */
  absTol?: number;
  /** Relative tolerance (default 1e-10). */
  relTol?: number;
  /** Budget of terms (default 1e7). */
  maxTerms?: number;
  /**
   * The probability mass function of the distribution the sum is an expectation under. An
   * infinite sum stops only where the pmf is strictly decreasing (in the direction of
   * summation) and the terms' ratios give a geometric tail bound below the tolerance.
   */
  probability?: (k: number) => number;
  /** For sums over all integers: where to start summing outwards (default 0). */
  start?: number;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Machine epsilon 2^-52. */
const EPS = 2.220446049250313e-16;

/** Smallest positive normal double. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Abscissae of the 21-point Kronrod rule on [−1, 1], the non-negative half (QUADPACK QK21,
 * XGK): entries 1, 3, 5, 7, 9 are the abscissae of the 10-point Gauss rule, the others
 * the Kronrod extension; the last is the centre.
 */
const XGK: readonly number[] = [
  0.995657163025808080735527280689003, 0.973906528517171720077964012084452, 0.930157491355708226001207180059508,
  0.865063366688984510732096688423493, 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
  0.562757134668604683339000099272694, 0.433395394129247190799265943165784, 0.294392862701460198131126603103866,
  0.14887433898163121088482600112972, 0,
];

/** Weights of the 21-point Kronrod rule, matching {@link XGK} (QUADPACK QK21, WGK). */
const WGK: readonly number[] = [
  0.011694638867371874278064396062192, 0.03255816230796472747881897245939, 0.05475589657435199603138130024458,
  0.07503967481091995276704314091619, 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
  0.12349197626206585107720897722052, 0.134709217311473325928054001771707, 0.142775938577060080797094273138717,
  0.147739104901338491374841515972068, 0.149445554002916905664936468389821,
];

/** Weights of the 10-point Gauss rule at XGK[1], XGK[3], ..., XGK[9] (QUADPACK QK21, WG). */
const WG: readonly number[] = [
  0.066671344308688137593568809893332, 0.149451349150580593145776339657697, 0.219086362515982043995534934228163,
  0.269266719309996355091226921569469, 0.295524224714752870173892994651338,
];

/** log(d₂/d₁): the distances of the two nodes nearest a panel end, in ratio. */
const LOG_END_RATIO = /* @__PURE__ */ Math.log((1 - XGK[1]!) / (1 - XGK[0]!));

/** Panels with non-finite nodes narrower than this in v (halves have length ½) stop being bisected. */
const TINY = 2 ** -40;

/** Nodes per panel. */
const NODES = 21;

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

const toScalar = (r: QuadratureVecResult): QuadratureResult => {
  const out: QuadratureResult = {
    value: r.value[0]!,
    error: r.error[0]!,
    evals: r.evals,
    converged: r.converged,
    nonFinite: r.nonFinite,
  };
  if (r.reason !== undefined) out.reason = r.reason;
  return out;
};

function vecResult(
  value: Float64Array,
  error: Float64Array,
  evals: number,
  converged: boolean,
  nonFinite: number,
  reason: QuadratureFailure | undefined,
): QuadratureVecResult {
  const out: QuadratureVecResult = { value, error, evals, converged, nonFinite };
  if (!converged) out.reason = reason ?? 'resolution';
  return out;
}

function invalidResult(dim: number): QuadratureVecResult {
  const n = Number.isInteger(dim) && dim > 0 && dim < 2 ** 24 ? dim : 0;
  return vecResult(new Float64Array(n).fill(NaN), new Float64Array(n).fill(Infinity), 0, false, 0, 'invalid');
}

const isTol = (t: number): boolean => t >= 0 && t < Infinity;

// ---------------------------------------------------------------------------
// Integration: the map from a half-segment v ∈ [0, ½] to x
// ---------------------------------------------------------------------------

/**
 * One half of a segment. With T = v²(3 − 2v) and T' = 6v(1 − v):
 * - kind 0 (finite):       x = anchor + dir·len·T,           |dx/dv| = len·T'
 * - kind 1 (near a tail):  x = anchor + dir·len·T/(1 − T),   |dx/dv| = len·T'/(1 − T)²
 * - kind 2 (far in a tail): x = anchor + dir·len·(1 − T)/T,  |dx/dv| = len·T'/T²
 * v = 0 is an end of the segment (the anchor, or ±∞ for kind 2); v = ½ is its middle.
 */
interface Half {
  readonly kind: 0 | 1 | 2;
  readonly anchor: number;
  readonly dir: 1 | -1;
  readonly len: number;
}

/** A panel [v0, v1] of a half, with its per-component results. */
interface Panel {
  readonly half: number;
  readonly v0: number;
  readonly v1: number;
  readonly val: Float64Array;
  readonly err: Float64Array;
  /** ∫|f| over the panel, per component. */
  readonly abs: Float64Array;
  /** Number of nodes with a non-finite value (any component), counted as 0. */
  readonly bad: number;
  /** End-point terms (per component) when the panel touches the end of a segment. */
  readonly endErr: Float64Array | null;
  /** End-point terms of the nearest ancestor without non-finite nodes. */
  readonly inherit: Float64Array | null;
  /** Heap key: the largest err[j] / weight[j]. */
  key: number;
  /** True when bisecting cannot help: at the rounding floor or the resolution of doubles. */
  readonly done: boolean;
}

interface Ctx {
  readonly f: (x: number, out: Float64Array) => void;
  readonly dim: number;
  readonly halves: readonly Half[];
  readonly out: Float64Array;
  /** Node values, node-major: fv[node·dim + j]. */
  readonly fv: Float64Array;
  /** Per node and component: 1 where the value was not finite. */
  readonly badv: Uint8Array;
  /** Calls of f. */
  evals: number;
  /** Nodes visited, whether f was called there or not (what the budget counts). */
  nodes: number;
}

/** x at v on a half (see {@link Half}). */
function xAt(h: Half, v: number): number {
  const T = v * v * (3 - 2 * v);
  if (h.kind === 0) return h.anchor + h.dir * h.len * T;
  if (h.kind === 1) return h.anchor + (h.dir * h.len * T) / (1 - T);
  return h.anchor + (h.dir * h.len * (1 - T)) / T;
}

/** True when the panel's ends are within a few ulps of each other in x (or not finite). */
function atResolution(h: Half, v0: number, v1: number): boolean {
  const x0 = xAt(h, v0);
  const x1 = xAt(h, v1);
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) return true;
  return Math.abs(x1 - x0) <= 64 * EPS * Math.max(Math.abs(x0), Math.abs(x1));
}

/** The K21 nodes mapped to [0, 1] and their weights, for {@link endTerm}. */
const UNIT_NODES: readonly number[] = /* @__PURE__ */ (() => [...XGK.slice(0, 10).map((x) => (1 - x) / 2), 0.5, ...XGK.slice(0, 10).map((x) => (1 + x) / 2)])();
const UNIT_WEIGHTS: readonly number[] = /* @__PURE__ */ (() => [...WGK.slice(0, 10).map((w) => w / 2), WGK[10]! / 2, ...WGK.slice(0, 10).map((w) => w / 2)])();

/**
 * Error of the K21 rule on a panel [0, 2·hw] at the end of a segment, for an integrand that
 * grows towards the end: F₁ > F₂ at the two nodes nearest it. The integrand is modelled as
 * C·v^β through those two nodes, β = log(F₂/F₁)/log(d₂/d₁) < 0, and the rule's error on that
 * model, C·(2hw)^(β+1)·|1/(β+1) − Σ wᵢ uᵢ^β| (u, w the rule on [0, 1]), is returned doubled.
 * β ≤ −1 (not integrable) gives Infinity. Bounded integrands give β → 0 and a term → 0.
 */
function endTerm(F1: number, F2: number, hw: number): number {
  if (!(F1 > F2)) return 0;
  const beta = F2 === 0 ? -Infinity : Math.log(F2 / F1) / LOG_END_RATIO;
  if (!(beta > -1)) return Infinity;
  let rule = 0;
  for (let i = 0; i < NODES; i++) rule += UNIT_WEIGHTS[i]! * Math.pow(UNIT_NODES[i]!, beta);
  const unitErr = Math.abs(1 / (beta + 1) - rule);
  // C·(2hw)^(β+1) = F₁·(2hw/d₁)^β·2hw with d₁/(2hw) = UNIT_NODES[0].
  return 2 * F1 * 2 * hw * Math.pow(UNIT_NODES[0]!, -beta) * unitErr;
}

/** Node i of a panel with centre c and half-width hw: 0..9 left of c, 10 the centre, 11..20 right. */
function nodeAt(c: number, hw: number, i: number): number {
  return i < 10 ? c - hw * XGK[i]! : i === 10 ? c : c + hw * XGK[i - 11]!;
}

/** Evaluates the K21/G10 pair on [v0, v1] of a half. */
function evalPanel(ctx: Ctx, half: number, v0: number, v1: number, inherit: Float64Array | null): Panel {
  const { f, dim, out, fv, badv } = ctx;
  const h = ctx.halves[half]!;
  const c = 0.5 * (v0 + v1);
  const hw = 0.5 * (v1 - v0);
  let bad = 0;
  ctx.nodes += NODES;
  for (let i = 0; i < NODES; i++) {
    const v = nodeAt(c, hw, i);
    const T = v * v * (3 - 2 * v);
    const Tp = 6 * v * (1 - v);
    let x: number;
    let J: number;
    if (h.kind === 0) {
      x = h.anchor + h.dir * h.len * T;
      J = h.len * Tp;
    } else if (h.kind === 1) {
      const s = 1 - T;
      x = h.anchor + (h.dir * h.len * T) / s;
      J = (h.len * Tp) / (s * s);
    } else {
      x = h.anchor + (h.dir * h.len * (1 - T)) / T;
      J = (h.len * Tp) / (T * T);
    }
    const base = i * dim;
    if (J === 0) {
      // A node on the very end (v underflowed to 0): zero weight, nothing to evaluate.
      for (let j = 0; j < dim; j++) {
        fv[base + j] = 0;
        badv[base + j] = 0;
      }
      continue;
    }
    let nodeBad = false;
    if (!Number.isFinite(x) || !Number.isFinite(J)) {
      nodeBad = true;
      for (let j = 0; j < dim; j++) {
        fv[base + j] = 0;
        badv[base + j] = 1;
      }
    } else {
      out.fill(NaN);
      f(x, out);
      ctx.evals++;
      for (let j = 0; j < dim; j++) {
        const y = out[j]!;
        const F = y === 0 ? 0 : y * J;
        if (Number.isFinite(F)) {
          fv[base + j] = F;
          badv[base + j] = 0;
        } else {
          fv[base + j] = 0;
          badv[base + j] = 1;
          nodeBad = true;
        }
      }
    }
    if (nodeBad) bad++;
  }

  const val = new Float64Array(dim);
  const err = new Float64Array(dim);
  const abs = new Float64Array(dim);
  const endErr = v0 === 0 ? new Float64Array(dim) : null;
  const tiny = v1 - v0 <= TINY || atResolution(h, v0, v1);
  let done = true;
  for (let j = 0; j < dim; j++) {
    const fc = fv[10 * dim + j]!;
    let resk = WGK[10]! * fc;
    let resg = 0;
    let resabs = Math.abs(resk);
    for (let k = 0; k < 10; k++) {
      const f1 = fv[k * dim + j]!;
      const f2 = fv[(11 + k) * dim + j]!;
      resk += WGK[k]! * (f1 + f2);
      resabs += WGK[k]! * (Math.abs(f1) + Math.abs(f2));
      if (k % 2 === 1) resg += WG[(k - 1) / 2]! * (f1 + f2);
    }
    const reskh = 0.5 * resk;
    let resasc = WGK[10]! * Math.abs(fc - reskh);
    for (let k = 0; k < 10; k++) {
      resasc += WGK[k]! * (Math.abs(fv[k * dim + j]! - reskh) + Math.abs(fv[(11 + k) * dim + j]! - reskh));
    }
    const result = resk * hw;
    resabs *= hw;
    resasc *= hw;
    let e = Math.abs((resk - resg) * hw);
    if (resasc !== 0 && e !== 0) e = resasc * Math.min(1, Math.pow((200 * e) / resasc, 1.5));
    const floor = 50 * EPS * resabs;
    let atFloor = e <= floor;
    if (resabs > MIN_NORMAL / (50 * EPS)) e = Math.max(floor, e);

    // End-point term: a panel at the end of a segment with an integrand growing towards it.
    if (endErr !== null && badv[j] === 0 && badv[dim + j] === 0) {
      const term = endTerm(Math.abs(fv[j]!), Math.abs(fv[dim + j]!), hw);
      endErr[j] = term;
      if (term > e) {
        e = term;
        atFloor = false;
      }
    }

    let compBad = false;
    if (bad > 0) for (let i = 0; i < NODES; i++) if (badv[i * dim + j] === 1) compBad = true;
    if (compBad) {
      if (tiny) {
        e = Math.max(e, resabs, inherit?.[j] ?? 0);
      } else {
        e = Infinity;
        atFloor = false;
      }
    }
    val[j] = result;
    err[j] = e;
    abs[j] = resabs;
    if (!(atFloor || e === 0 || (compBad && tiny))) done = false;
  }
  if (!(v0 < c && c < v1)) done = true; // cannot be bisected any more
  return { half, v0, v1, val, err, abs, bad, endErr, inherit, key: 0, done };
}

// ---------------------------------------------------------------------------
// Integration: a max-heap of panels keyed by scaled error
// ---------------------------------------------------------------------------

class PanelHeap {
  readonly items: Panel[] = [];

  get size(): number {
    return this.items.length;
  }

  push(p: Panel): void {
    const a = this.items;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.key >= p.key) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = p;
  }

  pop(): Panel | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    this.siftDown(last, 0);
    return top;
  }

  private siftDown(p: Panel, start: number): void {
    const a = this.items;
    const n = a.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && a[child + 1]!.key > a[child]!.key) child++;
      if (a[child]!.key <= p.key) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = p;
  }

  /** Rebuilds the heap after every key changed. */
  heapify(): void {
    const a = this.items;
    for (let i = (a.length >> 1) - 1; i >= 0; i--) this.siftDown(a[i]!, i);
  }
}

/** Neumaier-compensated sum of component j over panels. */
function sumPanels(panels: readonly Panel[], j: number, pick: (p: Panel) => Float64Array): number {
  let s = 0;
  let comp = 0;
  for (const p of panels) {
    const x = pick(p)[j]!;
    const t = s + x;
    comp += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + comp;
}

/**
 * Builds the half-segments of [a, b] (a < b), cut at the breakpoints inside it.
 * Returns undefined when a finite segment's length overflows.
 */
function makeHalves(a: number, b: number, breakpoints: readonly number[], scale: number): Half[] | undefined {
  const cuts = [...new Set(breakpoints.filter((p) => Number.isFinite(p) && p > a && p < b))].sort((x, y) => x - y);
  if (cuts.length === 0 && a === -Infinity && b === Infinity) cuts.push(0);
  const pts = [a, ...cuts, b];
  const halves: Half[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const l = pts[i]!;
    const r = pts[i + 1]!;
    if (Number.isFinite(l) && Number.isFinite(r)) {
      const len = r - l;
      if (!Number.isFinite(len)) return undefined;
      halves.push({ kind: 0, anchor: l, dir: 1, len }, { kind: 0, anchor: r, dir: -1, len });
    } else if (Number.isFinite(l)) {
      halves.push({ kind: 1, anchor: l, dir: 1, len: scale }, { kind: 2, anchor: l, dir: 1, len: scale });
    } else {
      halves.push({ kind: 1, anchor: r, dir: -1, len: scale }, { kind: 2, anchor: r, dir: -1, len: scale });
    }
  }
  return halves;
}

/**
 * ∫_a^b f(x) dx for `dim` functions at once, sharing the nodes: `f(x, out)` must write all
 * `dim` components of the integrand at x into `out`. Bounds may be ±Infinity; a > b gives
 * −∫_b^a. The panel bisected next is the one with the largest error relative to each
 * component's tolerance max(absTol, relTol·|value[j]|); the result has converged when every
 * component meets its tolerance. See the module comment for the method.
 *
 * @example
 * ```ts
 * // E[1], E[x], E[x²] under a standard normal, in one pass.
 * const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
 * const r = integrateVec((x, out) => { const p = phi(x); out[0] = p; out[1] = x * p; out[2] = x * x * p; },
 *   3, -Infinity, Infinity);
 * // r.value ≈ [1, 0, 1], r.converged === true
 * ```
 */

export function integrateVec(
  f: (x: number, out: Float64Array) => void,
  dim: number,
  a: number,
  b: number,
  options: IntegrateOptions = {},
): QuadratureVecResult {
  const absTol = options.absTol ?? 1e-12;
  const relTol = options.relTol ?? 1e-10;
  const maxEvals = options.maxEvals ?? 200000;
  const scale = options.scale ?? 1;
  if (
    !(Number.isInteger(dim) && dim >= 1 && dim < 2 ** 24) ||
    Number.isNaN(a) ||
    Number.isNaN(b) ||
    !isTol(absTol) ||
    !isTol(relTol) ||
    !(maxEvals >= 0) ||
    !(scale > 0 && scale < Infinity)
  ) {
    return invalidResult(dim);
  }
  if (a === b) return vecResult(new Float64Array(dim), new Float64Array(dim), 0, true, 0, undefined);
  const sign = a < b ? 1 : -1;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const halves = makeHalves(lo, hi, options.breakpoints ?? [], scale);
  if (halves === undefined) return invalidResult(dim);

  const ctx: Ctx = {
    f,
    dim,
    halves,
    out: new Float64Array(dim),
    fv: new Float64Array(NODES * dim),
    badv: new Uint8Array(NODES * dim),
    evals: 0,
    nodes: 0,
  };

  const heap = new PanelHeap();
  const finals: Panel[] = [];
  // Running totals: value over all panels; errors split into heap and final panels, with the
  // infinite ones counted apart so that Infinity − Infinity never happens.
  const val = new Float64Array(dim);
  const errH = new Float64Array(dim);
  const errF = new Float64Array(dim);
  const infH = new Int32Array(dim);
  const infF = new Int32Array(dim);
  const weight = new Float64Array(dim); // tolerances the heap keys were computed with
  const tol = new Float64Array(dim);

  const keyOf = (p: Panel): number => {
    let k = 0;
    for (let j = 0; j < dim; j++) {
      const e = p.err[j]! / weight[j]!;
      if (e > k) k = e;
    }
    return k;
  };
  const account = (p: Panel, s: 1 | -1): void => {
    const inHeap = !p.done;
    for (let j = 0; j < dim; j++) {
      val[j] = val[j]! + s * p.val[j]!;
      const e = p.err[j]!;
      if (e === Infinity) {
        if (inHeap) infH[j] = infH[j]! + s;
        else infF[j] = infF[j]! + s;
      } else if (inHeap) errH[j] = errH[j]! + s * e;
      else errF[j] = errF[j]! + s * e;
    }
  };
  const add = (p: Panel): void => {
    account(p, 1);
    if (p.done) finals.push(p);
    else {
      p.key = keyOf(p);
      heap.push(p);
    }
  };
  const recompute = (): void => {
    const all = [...heap.items, ...finals];
    for (let j = 0; j < dim; j++) {
      val[j] = sumPanels(all, j, (p) => p.val);
      let eh = 0;
      let ih = 0;
      for (const p of heap.items) {
        const e = p.err[j]!;
        if (e === Infinity) ih++;
        else eh += e;
      }
      let ef = 0;
      let inf = 0;
      for (const p of finals) {
        const e = p.err[j]!;
        if (e === Infinity) inf++;
        else ef += e;
      }
      errH[j] = eh;
      errF[j] = ef;
      infH[j] = ih;
      infF[j] = inf;
    }
  };
  const updateTol = (): boolean => {
    let stale = false;
    for (let j = 0; j < dim; j++) {
      const t = Math.max(absTol, relTol * Math.abs(val[j]!), MIN_NORMAL);
      tol[j] = t;
      if (!(t <= 2 * weight[j]! && t >= 0.5 * weight[j]!)) stale = true;
    }
    return stale;
  };

  // Initial panels: each half whole.
  for (let j = 0; j < dim; j++) weight[j] = Math.max(absTol, MIN_NORMAL);
  for (let h = 0; h < halves.length; h++) add(evalPanel(ctx, h, 0, 0.5, null));

  let converged = false;
  let outOfBudget = false;
  for (let iter = 1; ; iter++) {
    if (iter % 64 === 0) recompute();
    if (updateTol()) {
      weight.set(tol);
      for (const p of heap.items) p.key = keyOf(p);
      heap.heapify();
    }
    let allConv = true;
    let stop = true;
    for (let j = 0; j < dim; j++) {
      const conv = infH[j] === 0 && infF[j] === 0 && errH[j]! + errF[j]! <= tol[j]!;
      if (!conv) allConv = false;
      // A component that cannot converge (its final panels alone exceed the tolerance) is
      // refined only until the part that can still shrink is no larger than the part that can't.
      const hopeless = (infF[j]! > 0 || errF[j]! > tol[j]!) && infH[j] === 0 && errH[j]! <= errF[j]!;
      if (!conv && !hopeless) stop = false;
    }
    if (allConv) {
      recompute();
      updateTol();
      converged = true;
      for (let j = 0; j < dim; j++) {
        if (!(infH[j] === 0 && infF[j] === 0 && errH[j]! + errF[j]! <= tol[j]!)) converged = false;
      }
      if (converged) break;
      continue;
    }
    if (stop || heap.size === 0) break;
    if (ctx.nodes + 2 * NODES > maxEvals) {
      outOfBudget = true;
      break;
    }
    const p = heap.pop()!;
    account(p, -1);
    const mid = 0.5 * (p.v0 + p.v1);
    const inherit = p.bad > 0 ? p.inherit : p.endErr;
    add(evalPanel(ctx, p.half, p.v0, mid, inherit));
    add(evalPanel(ctx, p.half, mid, p.v1, inherit));
  }

  recompute();
  const all = [...heap.items, ...finals];
  const value = new Float64Array(dim);
  const error = new Float64Array(dim);
  let nonFinite = 0;
  for (const p of all) nonFinite += p.bad;
  for (let j = 0; j < dim; j++) {
    value[j] = sign * val[j]!;
    const absSum = sumPanels(all, j, (p) => p.abs);
    // Rounding of the final sum on top of the truncation estimates.
    const e = infH[j]! + infF[j]! > 0 ? Infinity : errH[j]! + errF[j]! + 2 * EPS * absSum;
    error[j] = e;
  }
  let reason: QuadratureFailure | undefined;
  if (!converged) reason = outOfBudget ? 'max-evals' : nonFinite > 0 ? 'non-finite' : 'resolution';
  return vecResult(value, error, ctx.evals, converged, nonFinite, reason);
}

/**
 * ∫_a^b f(x) dx by adaptive Gauss–Kronrod (G10–K21) quadrature; a and b may be ±Infinity.
 * Handles integrable end-point singularities (x^(−1/2), log x), kinks given as `breakpoints`,
 * and NaN/±Infinity at isolated points. Never throws and never loops forever: `converged`
 * says whether `error`, an estimate of |value − true|, met max(absTol, relTol·|value|).
 * See {@link integrateVec} and the module comment for the method.
 *
 * @example
 * ```ts
 * integrate((x) => Math.exp(-x * x / 2), -Infinity, Infinity).value; // ≈ 2.5066282746310002 (√(2π))
 * integrate((x) => 1 / Math.sqrt(x), 0, 1).value;                     // ≈ 2
 * integrate((x) => 1 / x, 0, 1).converged;                            // false (not integrable)
 * ```
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  options: IntegrateOptions = {},
): QuadratureResult {
  return toScalar(
    integrateVec(
      (x, out) => {
        out[0] = f(x);
      },
      1,
      a,
      b,
      options,
    ),
  );
}

// ---------------------------------------------------------------------------
// Summation
// ---------------------------------------------------------------------------

/** Consecutive term ratios the tail test looks at. */
const WINDOW = 4;

/** Slack for "the term ratios are non-increasing", to absorb rounding in the terms. */
const RATIO_SLACK = 1e-10;

/** The tail bound is trusted once (1 − ρ)·(terms summed) reaches this (see sumDirection). */
const MIN_DECAY = 20;

class Accumulator {
  readonly s: Float64Array;
  readonly c: Float64Array;
  readonly sabs: Float64Array;
  readonly last: Float64Array;
  terms = 0;
  nonFinite = 0;

  constructor(
    readonly f: (k: number, out: Float64Array) => void,
    readonly dim: number,
  ) {
    this.s = new Float64Array(dim);
    this.c = new Float64Array(dim);
    this.sabs = new Float64Array(dim);
    this.last = new Float64Array(dim);
  }

  /** Adds f(k); returns false when a component is not finite. */
  add(k: number): boolean {
    const { s, c, sabs, last, dim } = this;
    for (let j = 0; j < dim; j++) last[j] = NaN;
    this.f(k, last);
    this.terms++;
    let ok = true;
    for (let j = 0; j < dim; j++) {
      const x = last[j]!;
      if (!Number.isFinite(x)) ok = false;
      const sj = s[j]!;
      const t = sj + x;
      c[j] = c[j]! + (Math.abs(sj) >= Math.abs(x) ? sj - t + x : x - t + sj);
      s[j] = t;
      sabs[j] = sabs[j]! + Math.abs(x);
    }
    if (!ok) this.nonFinite++;
    return ok;
  }

  value(j: number): number {
    return this.s[j]! + this.c[j]!;
  }

  /** Bound on the rounding error of the compensated sum (Neumaier; Ogita, Rump & Oishi 2005). */
  rounding(j: number): number {
    const nu = this.terms * EPS;
    return 2 * EPS * Math.abs(this.value(j)) + 2 * nu * nu * this.sabs[j]!;
  }
}

interface TailOutcome {
  /** Bound on Σ|f_j| over the terms not summed (per component), or Infinity. */
  readonly tail: Float64Array;
  readonly converged: boolean;
  readonly outOfBudget: boolean;
  readonly nonFinite: boolean;
}

/**
 * Sums f(k) for k = start, start + step, ... while k is within `limit` (inclusive), stopping
 * early when the tail is geometrically bounded below `share`·tolerance.
 *
 * The tail test. With M_k = max_j |f_j(k)|/tol_j (tol_j the current tolerance of component j)
 * and ρ_k = M_k/M_{k−1}: over the last WINDOW steps every M_k > 0, the pmf strictly decreasing
 * (when given), every ρ_k < 1 and no ρ_k larger than the one before. Assuming the ratios keep
 * not increasing (log-concave terms: the moments of Poisson, binomial, negative binomial and
 * geometric pmfs), Σ_{i>K} M_i ≤ M_K·ρ/(1 − ρ) with ρ the largest ratio in the window, and so
 * Σ_{i>K} |f_j(i)| ≤ tol_j·M_K·ρ/(1 − ρ).
 *
 * Ratios creeping up to 1 (a power law k^(−q), for which that bound is too small by a factor
 * (q − 1)/q) look non-increasing once their increase is below rounding. Such sequences have
 * (1 − ρ)·n ≈ q after n terms, while a geometric decay has to reach (1 − ρ)·n ≈ log(1/tol) to
 * get below the tolerance at all; so the bound is trusted only once (1 − ρ)·n ≥ MIN_DECAY.
 */
function sumDirection(
  acc: Accumulator,
  start: number,
  step: 1 | -1,
  limit: number,
  opts: { absTol: number; relTol: number; maxTerms: number; probability: ((k: number) => number) | undefined },
  share: number,
): TailOutcome {
  const { dim } = acc;
  const tail = new Float64Array(dim).fill(Infinity);
  const prev = new Float64Array(dim);
  const tol = new Float64Array(dim);
  const ratios = new Float64Array(WINDOW);
  const pmf = opts.probability;
  const { absTol, relTol, maxTerms } = opts;
  const { s, c } = acc;
  let havePrev = false;
  let prevP = Infinity;
  let prevRatio = Infinity;
  let run = 0; // consecutive steps that pass the test
  let n = 0; // terms summed in this direction
  let lastBound = Infinity;
  for (let k = start; ; k += step) {
    if (step > 0 ? k > limit : k < limit) {
      tail.fill(0);
      return { tail, converged: true, outOfBudget: false, nonFinite: false };
    }
    if (acc.terms >= maxTerms) break;
    if (!acc.add(k)) return { tail, converged: false, outOfBudget: false, nonFinite: true };
    n++;
    const last = acc.last;
    let M = 0;
    let Mprev = 0;
    for (let j = 0; j < dim; j++) {
      const v = Math.abs(s[j]! + c[j]!);
      const t = share * Math.max(absTol, relTol * v, 4 * EPS * v, MIN_NORMAL);
      tol[j] = t;
      const m = Math.abs(last[j]!) / t;
      if (m > M) M = m;
      const mp = prev[j]! / t;
      if (mp > Mprev) Mprev = mp;
      prev[j] = Math.abs(last[j]!);
    }
    let good = havePrev && M > 0 && Mprev > 0 && M < Infinity;
    if (pmf !== undefined) {
      const p = pmf(k);
      if (!(p < prevP && p >= 0)) good = false;
      prevP = p;
    }
    havePrev = true;
    const r = good ? M / Mprev : NaN;
    if (good && r < 1) {
      run = r <= prevRatio * (1 + RATIO_SLACK) ? run + 1 : 1;
      ratios[run % WINDOW] = r;
      prevRatio = r;
    } else {
      run = 0;
      prevRatio = Infinity;
    }
    lastBound = Infinity;
    if (run < WINDOW) continue;
    let rho = 0;
    for (let i = 0; i < WINDOW; i++) if (ratios[i]! > rho) rho = ratios[i]!;
    if ((1 - rho) * n < MIN_DECAY) continue;
    const bound = (M * rho) / (1 - rho); // in units of tol
    lastBound = bound;
    if (bound <= 1) {
      for (let j = 0; j < dim; j++) tail[j] = bound * tol[j]!;
      return { tail, converged: true, outOfBudget: false, nonFinite: false };
    }
  }
  // Out of budget: the geometric bound if the test held at the last term, else nothing.
  if (lastBound < Infinity) for (let j = 0; j < dim; j++) tail[j] = lastBound * tol[j]!;
  return { tail, converged: false, outOfBudget: true, nonFinite: false };
}

/**
 * Σ_{k=from}^{to} f(k) for `dim` series at once (`f(k, out)` writes all components), over the
 * integers in [from, to]; from may be −Infinity and to Infinity.
 *
 * Finite ranges of at most `maxTerms` terms are summed exactly (Neumaier-compensated; `error`
 * is the rounding bound). Infinite ranges (and longer finite ones) are summed outwards until
 * the pmf given as `options.probability` is strictly decreasing and the ratio test bounds the
 * tail of every component below its tolerance max(absTol, relTol·|value[j]|); that bound is
 * reported in `error`. The bound assumes the term ratios do not increase past the stopping
 * point (log-concave terms); a series whose ratios creep up to 1 (power-law tails, divergent
 * series) runs to `maxTerms` and is reported with `converged: false` and error Infinity.
 * A non-finite term stops the sum: value NaN or ±Infinity, `converged: false`.
 *
 * @example
 * ```ts
 * // E[k] and E[k²] under Poisson(3): [3, 12].
 * const lambda = 3;
 * const pmf = (k: number) => Math.exp(k * Math.log(lambda) - lambda - lgamma(k + 1));
 * const r = sumSeriesVec((k, out) => { const p = pmf(k); out[0] = k * p; out[1] = k * k * p; },
 *   2, 0, Infinity, { probability: pmf });
 * ```
 */
export function sumSeriesVec(
  f: (k: number, out: Float64Array) => void,
  dim: number,
  from: number,
  to: number,
  options: SeriesOptions = {},
): QuadratureVecResult {
  const absTol = options.absTol ?? 1e-12;
  const relTol = options.relTol ?? 1e-10;
  const maxTerms = options.maxTerms ?? 1e7;
  const start = options.start ?? 0;
  if (
    !(Number.isInteger(dim) && dim >= 1 && dim < 2 ** 24) ||
    Number.isNaN(from) ||
    Number.isNaN(to) ||
    from === Infinity ||
    to === -Infinity ||
    !isTol(absTol) ||
    !isTol(relTol) ||
    !(maxTerms >= 0) ||
    !Number.isFinite(start)
  ) {
    return invalidResult(dim);
  }
  const lo = Math.ceil(from);
  const hi = Math.floor(to);
  if (lo > hi) return vecResult(new Float64Array(dim), new Float64Array(dim), 0, true, 0, undefined);
  const acc = new Accumulator(f, dim);
  const opts = { absTol, relTol, maxTerms, probability: options.probability };

  const tail = new Float64Array(dim);
  let converged = true;
  let reason: QuadratureFailure | undefined;
  const merge = (o: TailOutcome): void => {
    for (let j = 0; j < dim; j++) tail[j] = tail[j]! + o.tail[j]!;
    if (!o.converged) {
      converged = false;
      reason ??= o.nonFinite ? 'non-finite' : o.outOfBudget ? 'max-evals' : 'resolution';
    }
  };

  if (hi - lo + 1 <= maxTerms) {
    for (let k = lo; k <= hi; k++) {
      if (!acc.add(k)) {
        converged = false;
        reason = 'non-finite';
        tail.fill(Infinity);
        break;
      }
    }
  } else if (lo === -Infinity && hi === Infinity) {
    const s0 = Math.round(start);
    merge(sumDirection(acc, s0, 1, Infinity, opts, 0.5));
    if (converged) merge(sumDirection(acc, s0 - 1, -1, -Infinity, opts, 0.5));
    else tail.fill(Infinity);
  } else if (lo === -Infinity) {
    merge(sumDirection(acc, hi, -1, -Infinity, opts, 1));
  } else {
    merge(sumDirection(acc, lo, 1, hi, opts, 1));
  }

  const value = new Float64Array(dim);
  const error = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    value[j] = acc.value(j);
    error[j] = acc.nonFinite > 0 ? Infinity : tail[j]! + acc.rounding(j);
  }
  return vecResult(value, error, acc.terms, converged, acc.nonFinite, reason);
}

/**
 * Σ_{k=from}^{to} f(k) over the integers in [from, to]; `to` may be Infinity (and `from`
 * −Infinity). Finite ranges are summed exactly with Neumaier compensation; infinite ones stop
 * when `options.probability` (the pmf) is decreasing and a geometric ratio bound on the tail
 * of |f| is below max(absTol, relTol·|value|), and that bound is the reported `error`.
 * See {@link sumSeriesVec}.
 *
 * @example
 * ```ts
 * // Σ k·p(1−p)^k = (1−p)/p for the geometric distribution on {0, 1, ...}.
 * const p = 0.01;
 * const pmf = (k: number) => p * Math.pow(1 - p, k);
 * sumSeries((k) => k * pmf(k), 0, Infinity, { probability: pmf }).value; // ≈ 99
 * ```
 */
export function sumSeries(
  f: (k: number) => number,
  from: number,
  to: number,
  options: SeriesOptions = {},
): QuadratureResult {
  return toScalar(
    sumSeriesVec(
      (k, out) => {
        out[0] = f(k);
      },
      1,
      from,
      to,
      options,
    ),
  );
}
