import { parse } from '../../src/lang/parse';
import { FAMILIES } from '../../src/families/index';
/**
 * Shared numerical yardsticks for the family, textbook and reference-case tests: a seeded PRNG,
 * parameter and data points inside their domains, central finite differences, expectations over
 * the data by quadrature or summation, and a tolerant comparison that reports every mismatch.
 *
 * Only `parse`d models and `evaluate` are used from fisherlab: the derivatives are checked against
 * differences of the log-density itself, never against themselves.
 */
import { evaluate } from '../../src/expr/evaluate';
import type { Expr } from '../../src/expr/expr';
import { constantValues, hessian, score } from '../../src/fisher/derivatives';
import type { Model } from '../../src/lang/model';
import { integrate, sumIntegers, sumValues, type QuadResult } from './quad';

// ---------------------------------------------------------------------------------------------
// Randomness.

/** mulberry32: a small deterministic PRNG, uniform on [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

/** |actual - expected| <= abs + rel·|expected| (NaN never passes). */
export function close(actual: number, expected: number, rel: number, abs: number): boolean {
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}

/** Collects mismatches so one test reports all of them (input, expected, actual). */
export class Mismatches {
  readonly list: string[] = [];
  check(what: string, actual: number, expected: number, rel: number, abs: number): void {
    if (!close(actual, expected, rel, abs)) {
      this.list.push(`${what}: expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected).toExponential(2)})`);
    }
  }
  fail(message: string): void {
    this.list.push(message);
  }
}

export const fmtPoint = (p: ReadonlyMap<string, number> | Readonly<Record<string, number>>): string => {
  const entries = p instanceof Map ? [...p.entries()] : Object.entries(p);
  return `{${entries.map(([k, v]) => `${k}=${+v.toPrecision(12)}`).join(', ')}}`;
};

// ---------------------------------------------------------------------------------------------
// Points in domains.

/**
 * A point inside a parameter's declared interval, away from its ends: real -> [-2, 2],
 * (0, inf) -> [0.5, 4] (log-uniform), a finite interval -> its middle 80%.
 */
export function randomInRange(r: { lo: number; hi: number }, u: number): number {
  const { lo, hi } = r;
  if (lo === -Infinity && hi === Infinity) return -2 + 4 * u;
  if (Number.isFinite(lo) && hi === Infinity) return lo + Math.exp(Math.log(0.5) + u * Math.log(8));
  if (lo === -Infinity && Number.isFinite(hi)) return hi - Math.exp(Math.log(0.5) + u * Math.log(8));
  return lo + (hi - lo) * (0.1 + 0.8 * u);
}

/** A random point of the model's parameters (each inside its declared range). */
export function randomParams(m: Model, rand: () => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of m.params) out[p.name] = randomInRange(p.range, rand());
  return out;
}

/** The environment of an evaluation: the model's constants, then the given values. */
export function envOf(m: Model, ...parts: ReadonlyArray<Readonly<Record<string, number>>>): Map<string, number> {
  const env = constantValues(m);
  for (const part of parts) for (const [k, v] of Object.entries(part)) env.set(k, v);
  return env;
}

export type Support1 =
  | { readonly kind: 'interval'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'integers'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'set'; readonly values: readonly number[] };

/** The numeric support of the model's only data symbol, bounds evaluated at `env`. */
export function support1(m: Model, env: ReadonlyMap<string, number>): Support1 {
  if (m.data.length !== 1) throw new Error(`expected one data symbol, got ${m.data.length}`);
  const s = m.data[0]!.support;
  switch (s.kind) {
    case 'interval':
      return { kind: 'interval', lo: evaluate(s.lo, env), hi: evaluate(s.hi, env) };
    case 'integers':
      return { kind: 'integers', lo: evaluate(s.lo, env), hi: evaluate(s.hi, env) };
    case 'set':
      return { kind: 'set', values: s.values.map((v) => evaluate(v, env)) };
    case 'simplex':
      throw new Error('a simplex is not one-dimensional');
  }
}

function logspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

/**
 * Random data values in the support where the density is not negligible (log-density within
 * `window` of the largest found on a grid), at least `avoid` away from every parameter value.
 */
export function typicalData(m: Model, env: ReadonlyMap<string, number>, rand: () => number, n: number, window = 6, avoid = 1e-3): number[] {
  const x = m.data[0]!.name;
  const sup = support1(m, env);
  const e = new Map(env);
  const logp = (v: number): number => {
    e.set(x, v);
    return evaluate(m.logp, e);
  };
  let cands: number[];
  let discrete = false;
  if (sup.kind === 'set') {
    cands = [...sup.values];
    discrete = true;
  } else if (sup.kind === 'integers') {
    cands = [];
    for (let k = sup.lo; k <= Math.min(sup.hi, sup.lo + 300); k++) cands.push(k);
    discrete = true;
  } else {
    const { lo, hi } = sup;
    if (Number.isFinite(lo) && Number.isFinite(hi)) cands = Array.from({ length: 61 }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / 61);
    else if (Number.isFinite(lo)) cands = logspace(-3, 3, 121).map((d) => lo + d);
    else if (Number.isFinite(hi)) cands = logspace(-3, 3, 121).map((d) => hi - d);
    else {
      const anchors = [0, ...[...env.values()].filter((v) => Number.isFinite(v))];
      cands = anchors.flatMap((a) => logspace(-2, 2, 61).flatMap((d) => [a - d, a + d]));
    }
  }
  cands = [...new Set(cands)].sort((a, b) => a - b);
  const lps = cands.map(logp);
  const best = Math.max(...lps.filter((v) => Number.isFinite(v)));
  const params = m.params.map((p) => env.get(p.name)!);
  const ok = (v: number): boolean => {
    const l = logp(v);
    return Number.isFinite(l) && l >= best - window && (discrete || params.every((t) => Math.abs(v - t) > avoid));
  };
  const good = cands.filter((_, i) => Number.isFinite(lps[i]!) && lps[i]! >= best - window);
  if (good.length === 0) throw new Error(`no data value with a finite log-density at ${fmtPoint(env)}`);
  const out: number[] = [];
  for (let tries = 0; out.length < n && tries < 200; tries++) {
    const i = Math.floor(rand() * good.length);
    let v = good[i]!;
    if (!discrete && i + 1 < good.length) v = v + rand() * (good[i + 1]! - v);
    if (ok(v)) out.push(v);
  }
  if (discrete && out.length < n) out.push(...good.slice(0, n - out.length));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Derivatives of the model, once per model.

export interface Derived {
  readonly m: Model;
  readonly names: string[];
  readonly score: Expr[];
  readonly hessian: Expr[][];
}

export function derive(m: Model): Derived {
  return { m, names: m.params.map((p) => p.name), score: score(m), hessian: hessian(m) };
}

/** Central-difference step for a parameter value: 1e-5 relative, at least 1e-6. */
export const stepFor = (v: number): number => 1e-5 * Math.max(Math.abs(v), 0.1);

/** ∂f/∂name by a central difference at env (env is not modified). */
export function centralDiff(f: (env: Map<string, number>) => number, env: ReadonlyMap<string, number>, name: string): number {
  const v = env.get(name)!;
  const h = stepFor(v);
  const e = new Map(env);
  e.set(name, v + h);
  const up = f(e);
  e.set(name, v - h);
  const down = f(e);
  return (up - down) / (2 * h);
}

/**
 * Check score entries against central differences of logp, and Hessian entries against central
 * differences of the score, at one point (parameters and data in env).
 */
export function checkDerivativesAt(d: Derived, env: ReadonlyMap<string, number>, out: Mismatches, tol = 1e-6): void {
  const where = fmtPoint(env);
  const logp = (e: Map<string, number>): number => evaluate(d.m.logp, e);
  d.names.forEach((ni, i) => {
    const s = evaluate(d.score[i]!, env);
    const fd = centralDiff(logp, env, ni);
    out.check(`score[${ni}] at ${where} (vs finite difference of logp)`, s, fd, tol, tol);
    d.names.forEach((nj, j) => {
      const h = evaluate(d.hessian[i]![j]!, env);
      const fdh = centralDiff((e) => evaluate(d.score[i]!, e), env, nj);
      out.check(`hessian[${ni}][${nj}] at ${where} (vs finite difference of score[${ni}])`, h, fdh, tol, tol);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Expectations over the data.

/**
 * ∫ or Σ over the single data symbol of [p(x), p(x)·g(x)...], p = exp(logp). Values where the
 * density underflows count as zero, and so do non-finite g where p < 1e-100 (far tails, where a
 * formula such as (f1 - f2)^2/(w*f1 + (1-w)*f2)^2 underflows to 0/0); elsewhere a non-finite g
 * is an error.
 * Continuous ranges are split at parameter and constant values lying inside the support.
 */
export function expectation(m: Model, env: ReadonlyMap<string, number>, g: (e: Map<string, number>) => number[]): QuadResult {
  const x = m.data[0]!.name;
  const e = new Map(env);
  let width = -1;
  const f = (v: number): number[] => {
    e.set(x, v);
    const p = Math.exp(evaluate(m.logp, e));
    if (width < 0) width = g(e).length;
    if (!(p > 0)) return new Array<number>(width + 1).fill(0);
    const vals = g(e);
    if (vals.some((y) => !Number.isFinite(y))) {
      if (p < 1e-100) return new Array<number>(width + 1).fill(0);
      throw new Error(`integrand not finite at ${x} = ${v} (density ${p}): [${vals.join(', ')}]`);
    }
    return [p, ...vals.map((y) => p * y)];
  };
  const sup = support1(m, env);
  switch (sup.kind) {
    case 'set':
      return sumValues(f, sup.values);
    case 'integers':
      return sumIntegers(f, sup.lo, sup.hi);
    case 'interval': {
      const points = [...env.entries()].filter(([k]) => k !== x).map(([, v]) => v);
      return integrate(f, sup.lo, sup.hi, { points });
    }
  }
}

/** The model text `x ~ Name(p1, p2, ...)` with the family's own names (Binomial: n = 10). */
export function familyText(name: string): string {
  const def = FAMILIES.get(name)!;
  const own = parse(def.text);
  const args = own.params.map((p) => (def.fixed?.includes(p.name) ? '10' : p.name));
  return `${own.data.map((d) => d.name).join(', ')} ~ ${name}(${args.join(', ')})`;
}
