/**
 * The null space of a singular Fisher matrix, as `crb` names it: the symmetric eigen-decomposition
 * against matrices built from known eigenvectors, and the directions `crb` prints against null
 * spaces computed by hand from the models' Fisher matrices (F = ∇m ∇mᵀ for a normal mean m with
 * unit variance, so the null space is the orthogonal complement of ∇m).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli';
import { parse } from '../src/lang/parse';
import { numericFisher } from '../src/fisher/numeric';
import { crb } from '../src/stats/crb';
import { nullSpace, residual, symmetricEigen } from '../src/stats/linalg';

type Vec = readonly number[];
const dot = (u: Vec, v: Vec): number => u.reduce((s, x, i) => s + x * v[i]!, 0);
const norm = (v: Vec): number => Math.sqrt(dot(v, v));

/** Distance of v from the span of `basis` (Gram–Schmidt on the basis, then the residual). */
function distanceToSpan(v: Vec, basis: readonly Vec[]): number {
  const q: number[][] = [];
  for (const b of basis) {
    let w = [...b];
    for (const u of q) {
      const c = dot(w, u);
      w = w.map((x, i) => x - c * u[i]!);
    }
    const n = norm(w);
    if (n > 1e-12) q.push(w.map((x) => x / n));
  }
  let r = [...v];
  for (const u of q) {
    const c = dot(r, u);
    r = r.map((x, i) => x - c * u[i]!);
  }
  return norm(r) / norm(v);
}

/** The same subspace: equal dimensions and each spanning set inside the other's span. */
function sameSpan(a: readonly Vec[], b: readonly Vec[], tol = 1e-8): boolean {
  return a.length === b.length && a.every((v) => distanceToSpan(v, b) < tol) && b.every((v) => distanceToSpan(v, a) < tol);
}

/** The directions printed in a singular-matrix message. */
function printedDirections(message: string): number[][] {
  const tail = message.slice(message.indexOf('F·v = 0'));
  const vecs = [...tail.matchAll(/\(([-\d.e, ]+)\)/g)].map((m) => m[1]!.split(',').map(Number));
  return vecs.filter((v) => v.every(Number.isFinite));
}

function crbError(model: string, at?: Record<string, number>): string {
  const m = parse(model);
  try {
    crb(m, at === undefined ? {} : { at: new Map(Object.entries(at)), numeric: numericFisher });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`crb did not refuse ${model}`);
}

describe('symmetricEigen and nullSpace', () => {
  /** Q D Qᵀ for the orthonormal columns of Q given as rows `q`. */
  const compose = (q: readonly Vec[], d: Vec): number[][] => q[0]!.map((_, i) => q[0]!.map((_, j) => q.reduce((s, v, k) => s + d[k]! * v[i]! * v[j]!, 0)));
  const s2 = Math.SQRT1_2;
  const s3 = 1 / Math.sqrt(3);
  const s6 = 1 / Math.sqrt(6);
  const q3 = [[s3, s3, s3], [s2, -s2, 0], [s6, s6, -2 * s6]];

  it('recovers known eigenvalues and eigenvectors, including repeated ones', () => {
    for (const d of [[0.5, 2, 7], [3, 3, 1e-3], [1e6, 1, 1e-6], [4, 4, 4]]) {
      const a = compose(q3, d);
      const e = symmetricEigen(a);
      const sorted = [...d].sort((x, y) => x - y);
      e.values.forEach((v, k) => expect(Math.abs(v - sorted[k]!)).toBeLessThan(1e-12 * Math.max(...d)));
      // Each eigenvector satisfies A v = λ v, and together they are orthonormal.
      e.vectors.forEach((v, k) => {
        const av = a.map((r) => dot(r, v));
        expect(norm(av.map((x, i) => x - e.values[k]! * v[i]!))).toBeLessThan(1e-12 * Math.max(...d));
        e.vectors.forEach((w, l) => expect(Math.abs(dot(v, w) - (k === l ? 1 : 0))).toBeLessThan(1e-12));
      });
    }
  });

  it('finds null spaces of dimension 0, 1, 2 and 3', () => {
    expect(nullSpace(compose(q3, [1, 2, 3]))).toEqual([]);
    expect(sameSpan(nullSpace(compose(q3, [0, 2, 3])), [q3[0]!])).toBe(true);
    expect(sameSpan(nullSpace(compose(q3, [0, 0, 3])), [q3[0]!, q3[1]!])).toBe(true);
    expect(nullSpace([[0, 0, 0], [0, 0, 0], [0, 0, 0]])).toHaveLength(3);
    // The matrix of a + b: the one direction that keeps a + b fixed, not the one that moves it.
    const [v] = nullSpace([[1, 1], [1, 1]]);
    expect(Math.abs(v![0]! - s2) + Math.abs(v![1]! + s2)).toBeLessThan(1e-14);
    // A matrix that is only nearly singular (condition 1e6) has no null space at the default tolerance.
    expect(nullSpace(compose(q3, [1e-6, 1, 1]))).toEqual([]);
  });

  it('returns vectors that A maps to zero, in echelon form', () => {
    const a = [[1, 1, 1], [1, 1, 1], [1, 1, 1]];
    const basis = nullSpace(a);
    expect(basis).toHaveLength(2);
    for (const v of basis) expect(residual(a, v)).toBeLessThan(1e-14);
    // (1, 0, −1)/√2 and (0, 1, −1)/√2: a leading 1 (scaled) and a zero where the other leads.
    expect(basis[0]![1]).toBe(0);
    expect(basis[1]![0]).toBe(0);
    expect(sameSpan(basis, [[1, -1, 0], [1, 0, -1]])).toBe(true);
  });
});

describe('crb on singular models names the true null directions', () => {
  // Each model: its exact null space (by hand) at the point the message must use.
  const table: Array<{ model: string; at?: Record<string, number>; null: (p: Record<string, number>) => number[][] }> = [
    // F = [[1, 1], [1, 1]]: null (1, −1).
    { model: 'x ~ Normal(a + b, 1)', null: () => [[1, -1]] },
    { model: 'x ~ Normal(a + b, 1)', at: { a: 1, b: 2 }, null: () => [[1, -1]] },
    // F = [[b², ab], [ab, a²]] = ∇m ∇mᵀ with ∇m = (b, a): null (a, −b).
    { model: 'x ~ Normal(a*b, 1)', at: { a: 1, b: 2 }, null: (p) => [[p.a!, -p.b!]] },
    { model: 'x ~ Normal(a*b, 1)', at: { a: -0.5, b: 3 }, null: (p) => [[p.a!, -p.b!]] },
    // Three parameters, a 2-D null space: the complement of (1, 1, 1).
    { model: 'x ~ Normal(a + b + c, 1)', at: { a: 1, b: 2, c: 3 }, null: () => [[1, -1, 0], [1, 0, -1]] },
    // With a covariate: the complement of (1, 1, z).
    { model: 'given z in real; y ~ Normal(a + b + c*z, 1)', at: { a: 1, b: 2, c: 3, z: 0.5 }, null: (p) => [[1, -1, 0], [p.z!, 0, -1]] },
    // A scale that is identified: F = diag-block [[1, 1], [1, 1]]/s² ⊕ 2/s², null (1, −1, 0).
    { model: 'x ~ Normal(a + b, s)', at: { a: 0.3, b: -1, s: 2 }, null: () => [[1, -1, 0]] },
    // Poisson with rate exp(a + b): F = e^{a+b} [[1, 1], [1, 1]].
    { model: 'x ~ Poisson(exp(a + b))', at: { a: 0.2, b: 0.1 }, null: () => [[1, -1]] },
    // No closed form (a quartic density, by quadrature): F ∝ ∇m ∇mᵀ with m = a·b, null (a, −b).
    { model: 'data x in real; param a in real; param b in real; logp = -log(1 + (x - a*b)^4) - log(pi/sqrt(2))', at: { a: 0.3, b: 0.2 }, null: (p) => [[p.a!, -p.b!]] },
  ];

  for (const c of table) {
    it(`${c.model}${c.at ? ` at ${JSON.stringify(c.at)}` : ''}`, () => {
      const msg = crbError(c.model, c.at);
      expect(msg).toMatch(/singular/);
      const printed = printedDirections(msg);
      const p: Record<string, number> = c.at ?? Object.fromEntries([...msg.matchAll(/(\w+) = (-?[\d.]+)/g)].map((m) => [m[1]!, Number(m[2])]));
      const exact = c.null(p);
      // Printed to 4 decimals: the same subspace to that precision, and of the same dimension.
      expect(printed).toHaveLength(exact.length);
      expect(sameSpan(printed, exact, 2e-4)).toBe(true);
      if (c.at !== undefined) {
        // The point printed is the user's.
        for (const [k, v] of Object.entries(c.at)) expect(msg).toContain(`${k} = ${v}`);
      }
      if (exact.length > 1) expect(msg).toMatch(new RegExp(`${exact.length}-dimensional span`));
    });
  }

  it('a matrix singular at one point only says so, at that point', () => {
    // x ~ Normal(a³, 1): F = 9a⁴, zero at a = 0 only; a stays identifiable.
    const msg = crbError('x ~ Normal(a^3, 1)', { a: 0 });
    expect(msg).toMatch(/singular at a = 0/);
    expect(msg).not.toMatch(/not identifiable/);
    expect(printedDirections(msg)).toEqual([[1]]);
  });

  it('the command line prints the directions at the point given with --at', () => {
    const r = runCli('crb', 'x ~ Normal(a*b, 1)', '--at', 'a=1,b=2');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/at a = 1, b = 2, F·v = 0 for v = \(0\.4472, -0\.8944\)/);
  });
});
