/**
 * Every built-in family, used as `x ~ Name(params)`, checked against independent numerics:
 * (a) exp(logp) integrates (sums) to 1 over the data support at random parameter points;
 * (b) each score entry equals a central finite difference of logp;
 * (c) each Hessian entry equals a central finite difference of the score;
 * (d) E[score] = 0 (Bartlett's first identity) by quadrature/summation, except for families whose
 *     support depends on a parameter (Pareto's xm, Uniform), where the model must warn instead.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { FAMILIES } from '../src/families/index';
import { parse } from '../src/lang/parse';
import type { Model } from '../src/lang/model';
import {
  Mismatches,
  checkDerivativesAt,
  derive, envOf, expectation, familyText, fmtPoint, randomParams, rng, seedOf, support1, typicalData, type Derived } from './helpers/fisher-check';
import { integrate1, sumIntegers } from './helpers/quad';

/** Families whose data support moves with a parameter: no E[score] = 0, a warning instead. */
const SUPPORT_DEPENDS = new Set(['Pareto', 'Uniform']);

/** Random parameter points: each parameter inside its domain, away from the ends. */
function paramPoints(name: string, m: Model, n: number): Array<Record<string, number>> {
  const rand = rng(seedOf(`params:${name}`));
  return Array.from({ length: n }, () => {
    const p = randomParams(m, rand);
    // Uniform(a, b) needs a < b: b = a + a width in [0.5, 2.5].
    if (name === 'Uniform') p['b'] = p['a']! + 0.5 + 2 * rand();
    return p;
  });
}

const cache = new Map<string, { m: Model; d: Derived; points: Array<Record<string, number>> }>();
function family(name: string): { m: Model; d: Derived; points: Array<Record<string, number>> } {
  let c = cache.get(name);
  if (c === undefined) {
    const m = parse(familyText(name));
    c = { m, d: derive(m), points: paramPoints(name, m, 3) };
    cache.set(name, c);
  }
  return c;
}

describe('quadrature helper (sanity of the yardstick)', () => {
  it('integrates known densities, including infinite ranges, end singularities and kinks', () => {
    const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    expect(integrate1(phi, -Infinity, Infinity)).toBeCloseTo(1, 12);
    expect(integrate1((x) => x * x * phi(x), -Infinity, Infinity)).toBeCloseTo(1, 12);
    expect(integrate1((x) => 0.5 / Math.sqrt(x), 0, 1)).toBeCloseTo(1, 10);
    expect(integrate1((x) => 1 / (Math.PI * (1 + x * x)), -Infinity, Infinity)).toBeCloseTo(1, 12);
    expect(integrate1((x) => Math.exp(-Math.abs(x - 1.3)) / 2, -Infinity, Infinity, { points: [1.3] })).toBeCloseTo(1, 12);
    expect(integrate1((x) => Math.exp(-x), 2, Infinity)).toBeCloseTo(Math.exp(-2), 14);
  });
  it('sums series until the terms are negligible', () => {
    const lam = 7.5;
    const r = sumIntegers((k) => {
      let p = Math.exp(-lam);
      for (let i = 1; i <= k; i++) p *= lam / i;
      return [p, k * p, k * k * p];
    }, 0, Infinity);
    expect(r.value[0]).toBeCloseTo(1, 14);
    expect(r.value[1]).toBeCloseTo(lam, 12);
    expect(r.value[2]).toBeCloseTo(lam + lam * lam, 11);
  });
});

// One data value: checked here by 1-D quadrature; the multivariate families in fisher.test.ts.
const NAMES = [...FAMILIES.keys()].filter((n) => parse(FAMILIES.get(n)!.text).data.length === 1);

describe('built-in families', () => {
  it('every family is covered', () => {
    expect(NAMES.length).toBeGreaterThan(0);
    for (const n of NAMES) expect(() => parse(familyText(n)), n).not.toThrow();
  });

  describe.each(NAMES)('%s', (name) => {
    it('exp(logp) integrates to 1 over the data support', () => {
      const { m, points } = family(name);
      const bad = new Mismatches();
      for (const p of points) {
        const env = envOf(m, p);
        const total = expectation(m, env, () => []).value[0]!;
        bad.check(`${familyText(name)}: integral of exp(logp) over ${JSON.stringify(support1(m, env))} at ${fmtPoint(p)}`, total, 1, 0, 1e-6);
      }
      expect(bad.list).toEqual([]);
    });

    it('score and Hessian match central finite differences', () => {
      const { m, d, points } = family(name);
      const rand = rng(seedOf(`data:${name}`));
      const bad = new Mismatches();
      let checked = 0;
      for (const p of points) {
        const env = envOf(m, p);
        const xs = typicalData(m, env, rand, 3);
        for (const x of xs) {
          // Laplace: logp is not differentiable in mu at x = mu (a null set); typicalData keeps
          // x at least 1e-3 away from every parameter value, far beyond the difference step.
          checkDerivativesAt(d, envOf(m, p, { [m.data[0]!.name]: x }), bad);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(3);
      expect(bad.list).toEqual([]);
    });

    if (SUPPORT_DEPENDS.has(name)) {
      it("warns that the support depends on a parameter (no E[score] = 0 check)", () => {
        const { m } = family(name);
        expect(m.warnings.some((w) => w.includes('support'))).toBe(true);
      });
    } else {
      it('E[score] = 0 by quadrature/summation', () => {
        const { m, d, points } = family(name);
        const p = points[0]!;
        const env = envOf(m, p);
        const r = expectation(m, env, (e) => d.score.map((s) => evaluate(s, e)));
        const bad = new Mismatches();
        bad.check(`${familyText(name)}: integral of p at ${fmtPoint(p)}`, r.value[0]!, 1, 0, 1e-6);
        d.names.forEach((n, i) => {
          // Relative to E|p·score|, the natural scale of the integral.
          const scale = Math.max(1, r.l1[i + 1]!);
          bad.check(`${familyText(name)}: E[score[${n}]] at ${fmtPoint(p)} (E|p*score| = ${r.l1[i + 1]})`, r.value[i + 1]!, 0, 0, 1e-6 * scale);
        });
        expect(bad.list).toEqual([]);
        expect(m.warnings.filter((w) => w.includes('support'))).toEqual([]);
      });
    }
  });
});
