// Monte Carlo Fisher information: estimates within 4 standard errors of the reference values,
// standard errors falling as 1/sqrt(N), reproducibility, and models with no closed form checked
// against quadrature.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { fisher } from '../src/fisher/fisher';
import { monteCarloFisher } from '../src/fisher/montecarlo';
import { numericFisher } from '../src/fisher/numeric';
import { empiricalFisher } from '../src/fisher/empirical';
import { parse, parseExpr } from '../src/lang/parse';
import { referenceCases, type RefCase } from './helpers/fixtures';

function reference(c: RefCase, k: number): ReadonlyArray<ReadonlyArray<number>> {
  if (!c.closed_form) return c.reference_at_points[k]!;
  const env = new Map(Object.entries({ ...c.constants, ...c.check_points[k]! }));
  return c.fisher.map((row) => row.map((e) => evaluate(parseExpr(e), env)));
}

function within(value: number[][], se: number[][], ref: ReadonlyArray<ReadonlyArray<number>>, z: number): string[] {
  const bad: string[] = [];
  value.forEach((row, i) =>
    row.forEach((v, j) => {
      const tol = z * se[i]![j]! + 1e-12 * Math.max(1, Math.abs(ref[i]![j]!));
      if (!(Math.abs(v - ref[i]![j]!) <= tol)) bad.push(`[${i}][${j}] ${v} vs ${ref[i]![j]} (se ${se[i]![j]})`);
    }),
  );
  return bad;
}

/**
 * Cases refused rather than guessed: the one-hot (y1, y2) are declared each in {0, 1}, and the
 * density does not sum to 1 over that product (y1 = y2 = 1 is impossible but not excluded).
 */
const REFUSED: ReadonlyMap<string, RegExp> = new Map([['categorical3_probs', /does not sum to 1 over the product of the declared supports.*Categorical\(p1, p2\)/]]);

describe('every reference case: |estimate − reference| ≤ 4 standard errors at N = 10^5', () => {
  for (const c of referenceCases()) {
    it(c.id, () => {
      const m = parse(c.model);
      const at = new Map(Object.entries(c.check_points[0]!));
      const refused = REFUSED.get(c.id);
      if (refused !== undefined) {
        expect(() => monteCarloFisher(m, at, { n: 100_000, seed: 11 })).toThrow(refused);
      } else {
        const r = monteCarloFisher(m, at, { n: 100_000, seed: 11 });
        const ref = reference(c, 0);
        expect(within(r.value, r.stderr, ref, 4)).toEqual([]);
        // Both estimators, where both are valid (not the Laplace's −H).
        if (r.estimates.hessian !== null && !/laplace/.test(c.id)) expect(within(r.estimates.hessian.value, r.estimates.hessian.stderr, ref, 4)).toEqual([]);
        expect(within(r.estimates.score.value, r.estimates.score.stderr, ref, 4)).toEqual([]);
      }
    });
  }
});

describe('standard errors and reproducibility', () => {
  const m = parse('x ~ Gamma(a, b)');
  const at = new Map([['a', 2.5], ['b', 1.5]]);

  it('the standard error falls as 1/sqrt(N)', () => {
    const small = monteCarloFisher(m, at, { n: 20_000, seed: 3, estimator: 'score' });
    const large = monteCarloFisher(m, at, { n: 320_000, seed: 3, estimator: 'score' });
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const ratio = small.stderr[i]![j]! / large.stderr[i]![j]!;
        expect(ratio).toBeGreaterThan(4 * 0.85);
        expect(ratio).toBeLessThan(4 * 1.15);
      }
    }
  });

  it('the same seed gives the same numbers, whatever the chunking of the work', () => {
    // The score estimator: the Gamma's −H does not depend on the data, so every seed agrees there.
    const a = monteCarloFisher(m, at, { n: 50_000, seed: 99, estimator: 'score' });
    const b = monteCarloFisher(m, at, { n: 50_000, seed: 99, estimator: 'score' });
    expect(b.value).toEqual(a.value);
    const c = monteCarloFisher(m, at, { n: 50_000, seed: 100, estimator: 'score' });
    expect(c.value).not.toEqual(a.value);
    // Chunks of another size draw other numbers but the same quantity: within 5 standard errors.
    const d = monteCarloFisher(m, at, { n: 50_000, seed: 99, estimator: 'score', chunkSize: 4096 });
    d.value.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - a.value[i]![j]!)).toBeLessThan(5 * Math.hypot(a.stderr[i]![j]!, d.stderr[i]![j]!))));
  });
});

describe('densities with no closed form, against quadrature', () => {
  const cases: Array<[string, Record<string, number>]> = [
    // A two-component Gaussian mixture in its weight and one mean.
    ['const m2 = 1.5; data x in real; param w in (0, 1); param m1; logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2', { w: 0.3, m1: -1 }],
    // A density written by hand: a skew-normal with shape 2, location and scale.
    ['data x in real; param mu; param s in positive; logp = log(2) - log(s) - log(2*pi)/2 - (x - mu)^2/(2*s^2) + log(erfc(-2*(x - mu)/(s*sqrt(2)))/2)', { mu: 0.4, s: 1.3 }],
    // Student-t with unknown degrees of freedom.
    ['x ~ StudentT(nu, mu, sigma)', { nu: 5, mu: 0, sigma: 2 }],
    // Negative binomial with unknown r: discrete, infinite support.
    ['x ~ NegativeBinomial(r, p)', { r: 2.5, p: 0.3 }],
  ];
  for (const [text, point] of cases) {
    it(text, () => {
      const m = parse(text);
      const at = new Map(Object.entries(point));
      const q = fisher(m, { at, numeric: numericFisher });
      const r = monteCarloFisher(m, at, { n: 100_000, seed: 5 });
      expect(within(r.value, r.stderr, q.value!, 4)).toEqual([]);
    });
  }
});

describe('the empirical Fisher information of a data set', () => {
  it('is the mean of score outer products over the rows', () => {
    const m = parse('x ~ Poisson(lam)');
    const xs = [0, 3, 5, 2, 7, 4];
    const lam = 3.5;
    const r = empiricalFisher(m, xs.map((x) => new Map([['x', x]])), new Map([['lam', lam]]));
    const want = xs.reduce((a, x) => a + (x / lam - 1) ** 2, 0) / xs.length;
    expect(r.value[0]![0]).toBeCloseTo(want, 12);
    // Observed information: mean of x/lam^2.
    expect(r.observed![0]![0]).toBeCloseTo(xs.reduce((a, x) => a + x / lam ** 2, 0) / xs.length, 12);
  });
});
