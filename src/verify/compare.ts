/**
 * Deciding whether two quantities are equal as functions of the parameters (and data), so that
 * neither a rounding error nor a lucky point decides:
 *
 * - at each random point, exactly (bigint rationals) where both sides are rational there;
 * - otherwise in floating point, with the rounding noise of the difference measured by
 *   re-evaluating at points moved by one part in 10^12 (an identity stays at noise level,
 *   a real difference does not move), and a difference confirmed at a second point moved by one
 *   part in 10^4 before it counts;
 * - a side known only numerically (the engine's quadrature) carries its error estimate, and is
 *   compared within it.
 *
 * One confirmed difference decides "not equal"; "equal" needs agreement at many points (and is
 * backed by simplification in `verify.ts`).
 */
import { evaluate } from '../expr/evaluate';
import { subexpressions, type Expr } from '../expr/expr';
import { qeq, qtoNumber, qtoString, rat, type Rational } from '../expr/rational';
import { Rng } from '../numeric/random';
import { exactValue, type Inexact } from './exact';
import type { SamplePoint } from './points';

/** One side of a comparison, evaluable at points. */
export interface Evaluator {
  /** The exact value, when the side is rational at the point. */
  readonly exact: (p: SamplePoint) => Rational | Inexact;
  /** The value in floating point at any point (also at moved points). */
  readonly float: (env: ReadonlyMap<string, number>) => number;
  /** Absolute error estimate at a point (quadrature), 0 for closed forms. */
  readonly error: (env: ReadonlyMap<string, number>) => number;
  /** The largest sum of absolute values of terms: the scale of rounding errors. */
  readonly magnitude: (env: ReadonlyMap<string, number>) => number;
  /** True for a side computed numerically (expensive: no noise probes). */
  readonly numeric: boolean;
}

/** The values of both sides at the point where they differ. */
export interface Difference {
  readonly at: ReadonlyMap<string, number>;
  readonly claimed: number;
  readonly expected: number;
  /** Both sides exactly, when they are rational there. */
  readonly exact?: { readonly claimed: string; readonly expected: string };
  /** The engine's error estimate there (numeric rung). */
  readonly error?: number;
}

/** Why the points did not decide: how many fell in each case. */
export interface Undecided {
  readonly equal: undefined;
  readonly agreed: number;
  readonly tried: number;
  /** Points where a side is undefined or infinite (or both divide by zero). */
  readonly undefinedAt: number;
  /** Points where the sides differ by more than rounding but too little to call a difference. */
  readonly near: number;
  /** The largest relative difference at those points. */
  readonly nearMax: number;
  /** Differences that a point nearby did not confirm (a pole, or noise). */
  readonly unconfirmed: number;
}

export type Outcome =
  | { readonly equal: true; readonly agreed: number; readonly exact: number }
  | { readonly equal: false; readonly difference: Difference }
  | Undecided;

/**
 * Floating-point thresholds, relative to the larger side (`scale`) and to the largest sum of
 * absolute values of terms (`magnitude`, the scale of rounding errors in a cancelling sum):
 * within AGREE the sides are equal to rounding (the special functions are accurate to about 1e-15,
 * a thousand times below); beyond DIFFER they differ, about a million rounding errors apart.
 * A claim wrong by one part in 10^10 or more is therefore refuted with a counterexample; between
 * the two the point is reported as near rounding, never silently skipped.
 */
const AGREE_REL = 1e-12;
const AGREE_MAG = 1e-13;
const DIFFER_REL = 1e-10;
const DIFFER_MAG = 1e-11;
/** Against quadrature the error estimate decides; beyond it, at least this relative difference. */
const DIFFER_REL_NUMERIC = 1e-8;

const safe = (f: () => number): number => {
  try {
    return f();
  } catch {
    return NaN;
  }
};

/** A closed form as an evaluator. */
export function exprEvaluator(e: Expr): Evaluator {
  const sums = [...subexpressions(e)].filter((x): x is Extract<Expr, { kind: 'add' }> => x.kind === 'add');
  return {
    exact: (p) => exactValue(e, p.exact),
    float: (env) => safe(() => evaluate(e, env)),
    error: () => 0,
    magnitude: (env) => {
      let m = Math.abs(safe(() => evaluate(e, env)));
      if (sums.length > 200) return m;
      for (const s of sums) {
        let t = 0;
        for (const term of s.terms) t += Math.abs(safe(() => evaluate(term, env)));
        if (t > m) m = t;
      }
      return m;
    },
    numeric: false,
  };
}

/** k times an evaluator (a constant of proportionality): exact when k is rational. */
export function scaled(ev: Evaluator, k: Rational | number): Evaluator {
  const kf = typeof k === 'number' ? k : qtoNumber(k);
  return {
    exact: (p) => {
      if (typeof k === 'number') return 'not rational';
      const v = ev.exact(p);
      return typeof v === 'string' ? v : rat(v.n * k.n, v.d * k.d);
    },
    float: (env) => kf * ev.float(env),
    error: (env) => Math.abs(kf) * ev.error(env),
    magnitude: (env) => Math.abs(kf) * ev.magnitude(env),
    numeric: ev.numeric,
  };
}

export interface DecideOptions {
  /** Variables that may be moved a little (continuous ones); integers stay. */
  readonly continuous: readonly string[];
  /** Agreement needed for "equal" (default: 8, or every point when there are fewer). */
  readonly need?: number;
  readonly seed?: number;
}

/** Compare `claim` with `engine` at the points; the first confirmed difference decides. */
export function decide(claim: Evaluator, engine: Evaluator, points: readonly SamplePoint[], options: DecideOptions): Outcome {
  const rng = new Rng(options.seed ?? 99);
  let agreed = 0;
  let exact = 0;
  let undefinedAt = 0;
  let near = 0;
  let nearMax = 0;
  let unconfirmed = 0;
  for (const p of points) {
    const r = comparePoint(claim, engine, p, options.continuous, rng);
    if (r.kind === 'differ') return { equal: false, difference: r.difference };
    if (r.kind === 'agree') {
      agreed++;
      if (r.exact) exact++;
    } else if (r.kind === 'undefined') undefinedAt++;
    else if (r.kind === 'near') {
      near++;
      nearMax = Math.max(nearMax, r.rel);
    } else unconfirmed++;
  }
  const need = options.need ?? Math.min(8, points.length);
  // A point near rounding is a doubt that agreement elsewhere does not remove.
  if (agreed >= need && agreed > 0 && near === 0) return { equal: true, agreed, exact };
  return { equal: undefined, agreed, tried: points.length, undefinedAt, near, nearMax, unconfirmed };
}

/**
 * Why an outcome is undecided, in words (the cause with the most points first):
 * 'the two sides differ by up to 3.2e-11 (relative) at 12 of 40 points: more than rounding, too
 * little to call a difference'.
 */
export function undecidedReason(o: Undecided): string {
  const parts: Array<[number, string]> = [];
  if (o.near > 0) parts.push([o.near, `the two sides differ by up to ${Number(o.nearMax.toPrecision(2))} (relative) at ${o.near} of ${o.tried} points: more than rounding (or the engine's error estimate), too little to call a difference`]);
  if (o.undefinedAt > 0) parts.push([o.undefinedAt, `a side is undefined or infinite at ${o.undefinedAt} of ${o.tried} points`]);
  if (o.unconfirmed > 0) parts.push([o.unconfirmed, `a difference at ${o.unconfirmed} of ${o.tried} points was not confirmed at a point nearby (a pole or noise)`]);
  parts.sort((a, b) => b[0] - a[0]);
  const agreed = `they agree at ${o.agreed} of ${o.tried} points`;
  return parts.length === 0 ? `${agreed}, too few to decide` : `${parts.map((p) => p[1]).join('; ')}; ${agreed}`;
}

type PointResult = { kind: 'agree'; exact: boolean } | { kind: 'differ'; difference: Difference } | { kind: 'undefined' } | { kind: 'near'; rel: number } | { kind: 'unconfirmed' };

/** Move the continuous variables by a relative amount of about `rel`. */
function moved(env: ReadonlyMap<string, number>, continuous: readonly string[], rel: number, rng: Rng): Map<string, number> {
  const out = new Map(env);
  for (const v of continuous) {
    const x = env.get(v);
    if (x === undefined) continue;
    out.set(v, x + (x === 0 ? rel : x * rel) * (2 * rng.uniform() - 1));
  }
  return out;
}

function comparePoint(A: Evaluator, B: Evaluator, p: SamplePoint, continuous: readonly string[], rng: Rng): PointResult {
  const ea = A.exact(p);
  const eb = B.exact(p);
  if (typeof ea !== 'string' && typeof eb !== 'string') {
    if (qeq(ea, eb)) return { kind: 'agree', exact: true };
    return { kind: 'differ', difference: { at: p.float, claimed: qtoNumber(ea), expected: qtoNumber(eb), exact: { claimed: qtoString(ea), expected: qtoString(eb) } } };
  }
  if (ea === 'division by zero' && eb === 'division by zero') return { kind: 'undefined' };
  const first = floatVerdict(A, B, p.float, continuous, rng);
  if (first.kind === 'agree') return { kind: 'agree', exact: false };
  if (first.kind !== 'differ') return first;
  // A difference counts only if it is there again at a nearby point (not a pole, not noise).
  const second = floatVerdict(A, B, moved(p.float, continuous, 1e-4, rng), continuous, rng);
  if (second.kind !== 'differ') return second.kind === 'near' ? second : { kind: 'unconfirmed' };
  const err = B.error(p.float);
  return { kind: 'differ', difference: { at: p.float, claimed: first.a, expected: first.b, ...(B.numeric ? { error: err } : {}) } };
}

type FloatVerdict = { kind: 'agree' } | { kind: 'undefined' } | { kind: 'near'; rel: number } | { kind: 'differ'; a: number; b: number };

function floatVerdict(A: Evaluator, B: Evaluator, env: ReadonlyMap<string, number>, continuous: readonly string[], rng: Rng): FloatVerdict {
  const a = A.float(env);
  const b = B.float(env);
  const fa = Number.isFinite(a);
  const fb = Number.isFinite(b);
  // Both infinite with one sign agree; both undefined (NaN) is no evidence either way.
  if (!fa && !fb) return a === b ? { kind: 'agree' } : { kind: 'undefined' };
  // One side undefined (or infinite) where the other is a number.
  if (!fa || !fb) return fb ? { kind: 'differ', a, b } : { kind: 'undefined' };
  const d = Math.abs(a - b);
  const scale = Math.max(Math.abs(a), Math.abs(b));
  if (d === 0) return { kind: 'agree' };
  const err = A.error(env) + B.error(env);
  const mag = Math.max(scale, A.magnitude(env), B.magnitude(env));
  let spread = 0;
  if (!A.numeric && !B.numeric) {
    for (let k = 0; k < 4; k++) {
      const e = moved(env, continuous, 1e-12, rng);
      const dk = A.float(e) - B.float(e);
      if (Number.isFinite(dk)) spread = Math.max(spread, Math.abs(dk - (a - b)));
    }
  }
  if (d <= Math.max(AGREE_REL * scale, AGREE_MAG * mag, 10 * spread, 10 * err)) return { kind: 'agree' };
  const numeric = A.numeric || B.numeric;
  const differs = d > Math.max(numeric ? DIFFER_REL_NUMERIC * scale : DIFFER_REL * scale, DIFFER_MAG * mag, 1e3 * spread, 100 * err);
  return differs ? { kind: 'differ', a, b } : { kind: 'near', rel: d / scale };
}

/** How an "equal" was reached, in words: 'simplification, and exact evaluation at 40 rational points'. */
export function describeOutcome(o: { readonly agreed: number; readonly exact: number }, proved: boolean, numeric: boolean): string {
  const how: string[] = [];
  if (proved) how.push('simplification');
  if (o.exact > 0) how.push(`exact evaluation at ${o.exact} rational points`);
  if (o.agreed > o.exact) how.push(`${numeric ? 'evaluation against quadrature' : 'evaluation'} at ${o.agreed - o.exact} points`);
  return how.join(', and ');
}
