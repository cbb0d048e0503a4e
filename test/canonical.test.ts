/**
 * Identically zero entries print as 0: a linear argument has one canonical node however it was
 * written (exp(-2*(a + b*z)) and exp(-2*a - 2*b*z)), so the differences the ladder builds cancel
 * at construction. The Fisher matrices are checked against hand derivations and, at a point,
 * against quadrature of E[−∂²ℓ] (an independent path: no symbolic expectation involved).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { toLatex } from '../src/expr/latex';
import { printExpr } from '../src/expr/print';
import { fisher } from '../src/fisher/fisher';
import { hessian } from '../src/fisher/derivatives';
import { expectation } from '../src/fisher/numeric';
import { parse, parseExpr } from '../src/lang/parse';

const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** The closed form equals the hand-derived matrix node for node, and quadrature at `at` agrees. */
function checkFisher(model: string, expected: string[][], at: Record<string, number>): void {
  const m = parse(model);
  const f = fisher(m);
  const want = expected.map((row) => row.map((t) => parseExpr(t)));
  expect(f.closedForm).toBe(true);
  f.matrix.forEach((row, i) =>
    row.forEach((e, j) => {
      expect(printExpr(e!)).toBe(printExpr(want[i]![j]!));
      expect(e).toBe(want[i]![j]);
    }),
  );
  // Quadrature of E[−H] at a point, entry by entry.
  const env = new Map(Object.entries(at));
  const h = hessian(m);
  const q = expectation(m, h.flat(), env);
  const n = f.params.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const numeric = -q.value[i * n + j]!;
      expect(close(evaluate(want[i]![j]!, env), numeric, 1e-7)).toBe(true);
    }
  }
}

describe('orthogonal parameters print as 0', () => {
  it('y ~ Normal(mu, exp(a + b*z)): [[exp(-2*(a + b*z)), 0, 0], [0, 2, 2*z], [0, 2*z, 2*z^2]]', () => {
    // Mean mu, log-sd a + b z: F_mu,mu = 1/σ² = exp(−2(a + bz)); the log-sd has information 2, and
    // its gradient (1, z) in (a, b) gives 2 (1, z)ᵀ(1, z); the mean and the log-sd are orthogonal.
    checkFisher('given z in real; y ~ Normal(mu, exp(a + b*z))', [
      ['exp(-2*(a + b*z))', '0', '0'],
      ['0', '2', '2*z'],
      ['0', '2*z', '2*z^2'],
    ], { mu: 0.4, a: -0.3, b: 0.7, z: 1.3 });
  });

  it('the same model with the sd written as exp(a)*exp(b*z) and as exp(-(a + b*z)/(-1))', () => {
    for (const sd of ['exp(a)*exp(b*z)', 'exp(-(a + b*z)/(-1))']) {
      checkFisher(`given z in real; y ~ Normal(mu, ${sd})`, [
        ['exp(-2*(a + b*z))', '0', '0'],
        ['0', '2', '2*z'],
        ['0', '2*z', '2*z^2'],
      ], { mu: 1.1, a: 0.2, b: -0.5, z: 0.6 });
    }
  });

  it('a rate with a covariate in a Gamma model: the shape and log-rate block', () => {
    // y ~ Gamma(k, rate exp(-(a + b z))): E[y] = k exp(a + b z), ℓ = k log(rate) + (k−1) log y − rate·y − lgamma(k).
    // F_kk = trigamma(k); F_k,a = 1, F_k,b = z (from ∂²ℓ/∂k∂log-rate = 1 times −(1, z));
    // F over log-rate is k, so F_(a,b) = k (1, z)ᵀ(1, z).
    checkFisher('given z in real; y ~ Gamma(k, exp(-a - b*z))', [
      ['trigamma(k)', '1', 'z'],
      ['1', 'k', 'k*z'],
      ['z', 'k*z', 'k*z^2'],
    ], { k: 2.5, a: 0.3, b: -0.4, z: 0.8 });
  });
});

describe('a linear argument prints as a textbook writes it', () => {
  it('the common factor out of the sum, in text and in LaTeX, whichever way it was written', () => {
    for (const t of ['exp(-2*a - 2*b*z)', 'exp(-2*(a + b*z))', 'exp((-a - b*z)*2)']) {
      const e = parseExpr(t);
      expect(printExpr(e)).toBe('exp(-2*(a + b*z))');
      expect(toLatex(e)).toBe('e^{-2 \\left(a + b z\\right)}');
    }
  });
});
