/**
 * The reference cases of test/fixtures/cases.json (textbook Fisher informations, each
 * verified there by quadrature or exact summation): every model parses with the case's parameters
 * in order; the score and Hessian agree with central finite differences at the check points; and
 * the expected information computed here by quadrature/summation of p(x)·(-H) and of
 * p(x)·score·scoreᵀ agrees with the published matrix (or the numeric reference for cases with no
 * closed form).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { parse, parseExpr } from '../src/lang/parse';
import type { Model } from '../src/lang/model';
import { Mismatches, checkDerivativesAt, derive, envOf, expectation, fmtPoint, rng, seedOf, typicalData, type Derived } from './helpers/fisher-check';
import type { QuadResult } from './helpers/quad';
import { integrate, sumValues } from './helpers/quad';
import { referenceCases, type RefCase } from './helpers/fixtures';

const cases = referenceCases();

/**
 * Cases where E[-H] is not the Fisher information: Laplace's |x - mu| has a Dirac delta as second
 * derivative in mu (see the case's notes), so only E[score scoreᵀ] is compared there.
 */
const OUTER_PRODUCT_ONLY = new Set(['laplace_mu_b']);

/** One-hot outcomes of the 3-category case: (y1, y2) with y3 = 1 - y1 - y2. */
const ONEHOT3: Array<Record<string, number>> = [
  { y1: 1, y2: 0 },
  { y1: 0, y2: 1 },
  { y1: 0, y2: 0 },
];

/** Data points for the derivative checks at one parameter point. */
function dataPoints(c: RefCase, m: Model, params: Record<string, number>, rand: () => number): Array<Record<string, number>> {
  if (c.support_label === 'onehot3') return ONEHOT3;
  if (c.support_label === 'simplex3') {
    // Uniform on the simplex via normalised exponentials, kept away from the faces.
    return Array.from({ length: 3 }, () => {
      const e = [0, 0, 0].map(() => -Math.log(0.05 + 0.9 * rand()));
      const s = e[0]! + e[1]! + e[2]!;
      return { [m.data[0]!.name]: e[0]! / s, [m.data[1]!.name]: e[1]! / s };
    });
  }
  if (m.data.length !== 1) throw new Error(`${c.id}: no data points for ${m.data.length} data symbols`);
  const x = m.data[0]!.name;
  const s = m.data[0]!.support;
  const env = envOf(m, params);
  const xs = s.kind === 'set' ? s.values.map((v) => evaluate(v, env)) : typicalData(m, env, rand, 3);
  return xs.map((v) => ({ [x]: v }));
}

/** E over the data of [p, p·(-H)_ij..., p·(s sᵀ)_ij...] (entries row-major). */
function information(c: RefCase, d: Derived, params: Record<string, number>): QuadResult {
  const k = d.names.length;
  const integrand = (e: Map<string, number>): number[] => {
    const s = d.score.map((g) => evaluate(g, e));
    const out: number[] = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out.push(-evaluate(d.hessian[i]![j]!, e));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out.push(s[i]! * s[j]!);
    return out;
  };
  const env = envOf(d.m, params);
  if (c.support_label === 'onehot3') {
    return sumValues((i) => {
      const e = new Map([...env, ...Object.entries(ONEHOT3[i]!)]);
      const p = Math.exp(evaluate(d.m.logp, e));
      return [p, ...integrand(e).map((v) => p * v)];
    }, [0, 1, 2]);
  }
  if (c.support_label === 'simplex3') {
    // (x1, x2) over the open simplex x1, x2 > 0, x1 + x2 < 1: tanh-sinh in x2 on (0, 1 − x1)
    // inside tanh-sinh in x1 on (0, 1); the end-point singularities x_i^(a_i − 1) are integrable.
    const [x1, x2] = d.m.data.map((s) => s.name) as [string, string];
    const e = new Map(env);
    const zero = new Array<number>(1 + 2 * k * k).fill(0);
    const at = (u: number, v: number): number[] => {
      e.set(x1, u).set(x2, v);
      const p = Math.exp(evaluate(d.m.logp, e));
      return p > 0 ? [p, ...integrand(e).map((y) => p * y)] : zero;
    };
    return integrate((u) => integrate((v) => at(u, v), 0, 1 - u, { tol: 1e-9 }).value, 0, 1, { tol: 1e-9 });
  }
  if (d.m.data.length !== 1) throw new Error(`${c.id}: no rule for the expectation over ${d.m.data.length} data symbols`);
  return expectation(d.m, env, integrand);
}

/** The reference Fisher matrix at check point i, from the case's expressions or its numeric values. */
function reference(c: RefCase, i: number): ReadonlyArray<ReadonlyArray<number | null>> {
  if (!c.closed_form) return c.reference_at_points[i]!;
  const env = new Map([...Object.entries(c.constants), ...Object.entries(c.check_points[i]!)]);
  return c.fisher.map((row) => row.map((s) => evaluate(parseExpr(s), env)));
}

function compareMatrix(bad: Mismatches, what: string, got: (i: number, j: number) => number, ref: ReadonlyArray<ReadonlyArray<number | null>>): void {
  const k = ref.length;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const r = ref[i]![j];
      if (r === null || r === undefined) continue;
      // 1e-6 relative, an off-diagonal zero measured against its row and column (√(F_ii F_jj)).
      const dii = ref[i]![i] ?? 0;
      const djj = ref[j]![j] ?? 0;
      const scale = Math.max(Math.abs(r), Math.sqrt(Math.abs(dii * djj)));
      bad.check(`${what}[${i}][${j}]`, got(i, j), r, 0, 1e-6 * scale);
    }
  }
}

describe('reference cases (test/fixtures/cases.json)', () => {
  const derived = new Map<string, Derived>();
  const get = (c: RefCase): Derived => {
    let d = derived.get(c.id);
    if (d === undefined) {
      d = derive(parse(c.model));
      derived.set(c.id, d);
    }
    return d;
  };

  // E[p, p·(−H), p·s sᵀ] at each check point, computed once for the two tests that read it.
  const info = new Map<string, QuadResult>();
  const informationAt = (c: RefCase, idx: number): QuadResult => {
    const key = `${c.id}@${idx}`;
    let r = info.get(key);
    if (r === undefined) {
      r = information(c, get(c), c.check_points[idx]!);
      info.set(key, r);
    }
    return r;
  };

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    it('parses, with the parameters in the case order', () => {
      const m = parse(c.model);
      expect(m.params.map((p) => p.name)).toEqual(Object.keys(c.params));
      expect(m.data.map((p) => p.name)).toEqual(Object.keys(c.data));
      for (const [name, value] of Object.entries(c.constants)) expect(m.constants.get(name)?.value, name).toBe(value);
    });

    it('score and Hessian match central finite differences at the check points', () => {
      const d = get(c);
      const rand = rng(seedOf(`case:${c.id}`));
      const bad = new Mismatches();
      let n = 0;
      for (const pt of c.check_points) {
        for (const x of dataPoints(c, d.m, pt, rand)) {
          checkDerivativesAt(d, envOf(d.m, pt, x), bad);
          n++;
        }
      }
      expect(n).toBeGreaterThanOrEqual(c.check_points.length * 2);
      expect(bad.list).toEqual([]);
    });

    if (!OUTER_PRODUCT_ONLY.has(c.id)) {
      it('E[-H] by quadrature/summation matches the reference Fisher information', () => {
        const d = get(c);
        const k = d.names.length;
        const bad = new Mismatches();
        c.check_points.forEach((pt, idx) => {
          const r = informationAt(c, idx);
          bad.check(`${c.id}: total probability at ${fmtPoint(pt)}`, r.value[0]!, 1, 0, 1e-8);
          const ref = reference(c, idx);
          compareMatrix(bad, `${c.id}: E[-H] at ${fmtPoint(pt)}`, (i, j) => r.value[1 + i * k + j]!, ref);
        });
        expect(bad.list).toEqual([]);
      });
    }

    it('E[score scoreᵀ] by quadrature/summation matches the reference Fisher information', () => {
      const d = get(c);
      const k = d.names.length;
      const bad = new Mismatches();
      c.check_points.forEach((pt, idx) => {
        const r = informationAt(c, idx);
        const ref = reference(c, idx);
        compareMatrix(bad, `${c.id}: E[score score^T] at ${fmtPoint(pt)}`, (i, j) => r.value[1 + k * k + i * k + j]!, ref);
      });
      expect(bad.list).toEqual([]);
    });
  });
});
