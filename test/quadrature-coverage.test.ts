/**
 * Is the quadrature's error estimate an honest bound? Over integrals with known closed forms —
 * end-point singularities at 0 and at non-zero ends (the Jeffreys kernel 1/√(p(1−p)), x^(−0.9),
 * log x), heavy and light tails, oscillation, narrow peaks and kinks — and at several tolerances,
 * every result must satisfy |value − truth| ≤ error, and the error must not be absurdly
 * pessimistic: at most 1e4 times the true error, or below the requested tolerance.
 */
import { describe, expect, it } from 'vitest';
import { expectation } from '../src/fisher/numeric';
import { fisherRaoDistance } from '../src/geometry/distance';
import { parse, parseExpr } from '../src/lang/parse';
import { integrate } from '../src/numeric/quadrature';

/** The Euler–Mascheroni constant (DLMF 5.2.3). */
const G = 0.5772156649015329;
const SQ2PI = Math.sqrt(2 * Math.PI);
/** Γ(0.1) (DLMF 5.4: Γ(1.1)/0.1, Γ(1.1) = 0.9513507698668732). */
const GAMMA_0_1 = 9.513507698668732;
/** ∫ exp(−x²)/√|x| dx over the real line = Γ(1/4) = 3.6256099082219083. */
const GAMMA_1_4 = 3.6256099082219083;

type Case = readonly [name: string, f: (x: number) => number, a: number, b: number, truth: number, breakpoints?: number[]];

const CASES: readonly Case[] = [
  // End-point singularities (at 0, at 1, at both).
  ['1/sqrt(p(1 - p)) on (0, 1) = pi', (p) => 1 / Math.sqrt(p * (1 - p)), 0, 1, Math.PI],
  ['1/sqrt(p - p^2) on (0, 1) = pi (cancellation at p = 1)', (p) => 1 / Math.sqrt(p - p * p), 0, 1, Math.PI],
  ['1/sqrt(1 - x^2) on (0, 1) = pi/2', (x) => 1 / Math.sqrt(1 - x * x), 0, 1, Math.PI / 2],
  ['1/sqrt(1 - x^2) on (-1, 1) = pi', (x) => 1 / Math.sqrt(1 - x * x), -1, 1, Math.PI],
  ['x^(-1/2) on (0, 1) = 2', (x) => 1 / Math.sqrt(x), 0, 1, 2],
  ['x^(-0.9) on (0, 1) = 10', (x) => x ** -0.9, 0, 1, 10],
  ['(1 - x)^(-1/2) on (0, 1) = 2', (x) => 1 / Math.sqrt(1 - x), 0, 1, 2],
  ['(1 - x)^(-0.75) on (0, 1) = 4', (x) => (1 - x) ** -0.75, 0, 1, 4],
  ['(x - 1)^(-0.9) on (1, 2) = 10', (x) => (x - 1) ** -0.9, 1, 2, 10],
  ['(3 - x)^(-0.9) on (2, 3) = 10', (x) => (3 - x) ** -0.9, 2, 3, 10],
  ['x^(-0.7) (1 - x)^(-0.3) = pi/sin(0.3 pi)', (x) => x ** -0.7 * (1 - x) ** -0.3, 0, 1, Math.PI / Math.sin(0.3 * Math.PI)],
  ['log x on (0, 1) = -1', (x) => Math.log(x), 0, 1, -1],
  ['log(1 - x) on (0, 1) = -1', (x) => Math.log(1 - x), 0, 1, -1],
  ['log x log(1 - x) = 2 - pi^2/6', (x) => Math.log(x) * Math.log(1 - x), 0, 1, 2 - Math.PI ** 2 / 6],
  ['log(x)/sqrt(x) on (0, 1) = -4', (x) => Math.log(x) / Math.sqrt(x), 0, 1, -4],
  ['x^2 log x on (0, 1) = -1/9', (x) => x * x * Math.log(x), 0, 1, -1 / 9],
  ['sqrt(x(1 - x)) = pi/8', (x) => Math.sqrt(x * (1 - x)), 0, 1, Math.PI / 8],
  ['|x - 1/3|^(-1/2), breakpoint at 1/3', (x) => 1 / Math.sqrt(Math.abs(x - 1 / 3)), 0, 1, 2 * (Math.sqrt(1 / 3) + Math.sqrt(2 / 3)), [1 / 3]],
  // Tails.
  ['exp(-x^2/2) on the line = sqrt(2 pi)', (x) => Math.exp(-x * x / 2), -Infinity, Infinity, SQ2PI],
  ['x^3 exp(-x) = 6', (x) => x ** 3 * Math.exp(-x), 0, Infinity, 6],
  ['exp(-x)/sqrt(x) = sqrt(pi)', (x) => Math.exp(-x) / Math.sqrt(x), 0, Infinity, Math.sqrt(Math.PI)],
  ['x^(-0.9) exp(-x) = Gamma(0.1)', (x) => Math.exp(-x) * x ** -0.9, 0, Infinity, GAMMA_0_1],
  ['the Cauchy density = 1', (x) => 1 / (Math.PI * (1 + x * x)), -Infinity, Infinity, 1],
  ['x^(-1.25) on (1, inf) = 4', (x) => x ** -1.25, 1, Infinity, 4],
  ['x^(-1.1) on (1, inf) = 10', (x) => x ** -1.1, 1, Infinity, 10],
  ['1/(1 + x)^2 on (0, inf) = 1', (x) => 1 / (1 + x) ** 2, 0, Infinity, 1],
  ['log(x)^2 exp(-x) = gamma^2 + pi^2/6', (x) => Math.log(x) ** 2 * Math.exp(-x), 0, Infinity, G * G + Math.PI ** 2 / 6],
  ['log(x) exp(-x) = -gamma', (x) => Math.log(x) * Math.exp(-x), 0, Infinity, -G],
  ['the LogNormal(0, 1) density = 1', (x) => Math.exp(-0.5 * Math.log(x) ** 2) / (x * SQ2PI), 0, Infinity, 1],
  ['exp(-x^2)/sqrt|x| = Gamma(1/4)', (x) => Math.exp(-x * x) / Math.sqrt(Math.abs(x)), -Infinity, Infinity, GAMMA_1_4, [0]],
  // Oscillation.
  ['cos(20x) on (0, 10) = sin(200)/20', (x) => Math.cos(20 * x), 0, 10, Math.sin(200) / 20],
  ['sin(100x)^2 on (0, pi) = pi/2', (x) => Math.sin(100 * x) ** 2, 0, Math.PI, Math.PI / 2],
  ['cos(x) exp(-x) = 1/2', (x) => Math.cos(x) * Math.exp(-x), 0, Infinity, 0.5],
  ['sin(x)/x exp(-x) = pi/4', (x) => (x === 0 ? 1 : Math.sin(x) / x) * Math.exp(-x), 0, Infinity, Math.PI / 4],
  // Peaks, kinks, smooth.
  ['a narrow Normal(0.3, 0.001) density, mode as breakpoint = 1', (x) => Math.exp(-0.5 * ((x - 0.3) / 0.001) ** 2) / (0.001 * SQ2PI), -Infinity, Infinity, 1, [0.3]],
  ['a two-component normal mixture = 1', (x) => 0.3 * Math.exp(-0.5 * ((x - 2) / 0.1) ** 2) / (0.1 * SQ2PI) + 0.7 * Math.exp(-0.5 * ((x + 1) / 2) ** 2) / (2 * SQ2PI), -Infinity, Infinity, 1],
  ['the Laplace density, kink as breakpoint = 1', (x) => 0.5 * Math.exp(-Math.abs(x - 0.7)), -Infinity, Infinity, 1, [0.7]],
  ['Runge 1/(1 + 25x^2) on (-1, 1) = 2 atan(5)/5', (x) => 1 / (1 + 25 * x * x), -1, 1, 0.4 * Math.atan(5)],
  ['exp(x) on (0, 1) = e - 1', (x) => Math.exp(x), 0, 1, Math.E - 1],
];

const TOLERANCES = [1e-6, 1e-9, 1e-10, 1e-12];

describe('the quadrature error covers the true error', () => {
  it(`has ${CASES.length} integrals`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const [name, f, a, b, truth, breakpoints] of CASES) {
    it(name, () => {
      for (const relTol of TOLERANCES) {
        const r = integrate(f, a, b, { relTol, absTol: 0, ...(breakpoints !== undefined ? { breakpoints } : {}) });
        const actual = Math.abs(r.value - truth);
        const where = `relTol ${relTol}: value ${r.value}, |value − truth| ${actual.toExponential(2)}, reported ${r.error.toExponential(2)} (${r.converged ? 'converged' : r.reason})`;
        // Honest: the reported error covers the true error.
        expect(actual <= r.error, where).toBe(true);
        // Not absurd: within 1e4 of the true error (rounding counts as 1e-16 of the value), or below the tolerance asked for.
        expect(r.error <= Math.max(1e4 * Math.max(actual, 1e-16 * Math.abs(truth)), relTol * Math.abs(truth)), where).toBe(true);
        // A converged result meets the tolerance asked for.
        if (r.converged) expect(actual <= Math.max(relTol * Math.abs(truth), 1e-15), where).toBe(true);
      }
    });
  }

  it('a known limit, recorded: (1 − x)^(−0.99) on (0, 1), whose mass sits below the resolution of doubles', () => {
    // ∫_0^1 (1 − x)^(−0.99) dx = 100, but ∫ over 1 − x < 1e-16 alone is 100·(1e-16)^0.01 ≈ 69:
    // no double x in (0, 1) gets there. The result must at least say it did not converge.
    const r = integrate((x) => (1 - x) ** -0.99, 0, 1);
    expect(r.converged).toBe(false);
    expect(Math.abs(r.value - 100)).toBeGreaterThan(10);
  });
});

describe('error estimates downstream of the quadrature', () => {
  it('an expectation over a finite support carries a rounding bound, not 0, and it covers', () => {
    // x ~ Binomial(10, 0.3): E[x] = np = 3, E[x²] = np(1 − p) + (np)² = 11.1.
    const m = parse('const n = 10; x ~ Binomial(n, p)');
    const r = expectation(m, [parseExpr('x'), parseExpr('x^2')], new Map([['n', 10], ['p', 0.3]]));
    [3, 11.1].forEach((truth, j) => {
      expect(r.error[j]!).toBeGreaterThan(0);
      expect(Math.abs(r.value[j]! - truth)).toBeLessThanOrEqual(r.error[j]!);
      expect(r.error[j]!).toBeLessThan(1e-12 * truth);
    });
  });

  it('a Fisher–Rao distance through a numeric F: the error covers the exact distance', () => {
    // logp = −log(1 + u⁴) − log(π/√2), u = x − a: F = (16√2/π)∫ u⁶/(1 + u⁴)³ du = (16√2/π)(3π√2/64) = 3/2
    // (Beta integrals, Γ(1/4)Γ(3/4) = π√2), so d(a1, a2) = √(3/2)|a2 − a1|.
    const m = parse('data x in real; param a in real; logp = -log(1 + (x - a)^4) - log(pi/sqrt(2))');
    const r = fisherRaoDistance(m, { from: new Map([['a', 0]]), to: new Map([['a', 1.5]]) });
    const truth = Math.sqrt(1.5) * 1.5;
    expect(r.error!).toBeGreaterThan(0);
    expect(Math.abs(r.value! - truth)).toBeLessThanOrEqual(r.error!);
  });
});
