/**
 * Adaptive quadrature and series summation (src/numeric/quadrature.ts) against integrals and
 * sums known in closed form. Every test also checks that the reported error is honest:
 * |value − true| ≤ max(error, 1e-14·scale), scale = |true| (or ∫|f| where that is larger).
 */
import { describe, expect, it } from 'vitest';
import {
  integrate,
  integrateVec,
  sumSeries,
  sumSeriesVec,
  type QuadratureResult,
  type QuadratureVecResult,
} from '../src/numeric/quadrature';

/** The Euler–Mascheroni constant γ (DLMF 5.2.3). */
const EULER_GAMMA = 0.5772156649015329;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

function expectHonest(r: QuadratureResult, truth: number, scale = Math.abs(truth)): void {
  const actual = Math.abs(r.value - truth);
  const allowed = Math.max(r.error, 1e-14 * Math.max(scale, 1e-300));
  if (!(actual <= allowed)) {
    throw new Error(`dishonest error: value ${r.value}, true ${truth}, |diff| ${actual.toExponential(3)} > reported ${r.error.toExponential(3)}`);
  }
}

function expectHonestVec(r: QuadratureVecResult, truth: readonly number[], scale: readonly number[]): void {
  truth.forEach((t, j) => {
    const actual = Math.abs(r.value[j]! - t);
    const allowed = Math.max(r.error[j]!, 1e-14 * scale[j]!);
    if (!(actual <= allowed)) {
      throw new Error(`component ${j}: value ${r.value[j]}, true ${t}, |diff| ${actual.toExponential(3)} > reported ${r.error[j]!.toExponential(3)}`);
    }
  });
}

/** Converged, honest, and within the default tolerance max(1e-12, 1e-10·|true|). */
function expectConverged(r: QuadratureResult, truth: number, scale = Math.abs(truth)): void {
  expect(r.converged, `not converged: ${JSON.stringify(r)}`).toBe(true);
  expect(r.reason).toBeUndefined();
  expect(r.nonFinite).toBe(0);
  expectHonest(r, truth, scale);
  expect(r.error).toBeLessThanOrEqual(Math.max(1e-12, 1e-10 * Math.abs(r.value)));
  expect(Math.abs(r.value - truth)).toBeLessThanOrEqual(Math.max(1e-12, 1e-10 * Math.abs(truth)));
}

const normalPdf = (x: number, mu: number, sigma: number): number => Math.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * SQRT_2PI);

describe('integrate: known integrals', () => {
  it('integrates low-degree polynomials exactly on the first panels (checks the K21/G10 tables)', () => {
    // ∫_0^1 x^n dx = 1/(n+1). After the end-flattening cubic x = v²(3 − 2v), x^5 dx is a
    // polynomial of degree 17 in v: exact for both G10 (degree 19) and K21 (degree 31).
    for (let n = 0; n <= 5; n++) {
      const r = integrate((x) => x ** n, 0, 1);
      expect(Math.abs(r.value - 1 / (n + 1))).toBeLessThanOrEqual(4e-16);
      expect(r.evals).toBe(42); // two half-segments, one 21-point panel each
      expectConverged(r, 1 / (n + 1));
    }
  });

  it('∫_0^1 x^(-1/2) dx = 2 (end-point singularity)', () => {
    // 2·sqrt(x) is an antiderivative.
    const r = integrate((x) => 1 / Math.sqrt(x), 0, 1);
    expectConverged(r, 2);
    expect(r.evals).toBeLessThan(2000);
  });

  it('∫_0^1 log x dx = −1 (logarithmic end-point singularity)', () => {
    // x·log x − x is an antiderivative.
    const r = integrate(Math.log, 0, 1);
    expectConverged(r, -1, 1);
  });

  it('∫_0^1 x^(-0.9) dx = 10 (a strong end-point singularity)', () => {
    // x^0.1/0.1 is an antiderivative.
    const r = integrate((x) => x ** -0.9, 0, 1);
    expectConverged(r, 10);
  });

  it('∫ exp(−x²/2) dx over the real line = sqrt(2π)', () => {
    // The Gaussian integral (DLMF 7.4.1 with erf(∞) = 1).
    const r = integrate((x) => Math.exp((-x * x) / 2), -Infinity, Infinity);
    expectConverged(r, SQRT_2PI);
  });

  it('∫_0^∞ x³ e^(−x) dx = Γ(4) = 6', () => {
    // Euler's integral for Γ (DLMF 5.2.1).
    const r = integrate((x) => x ** 3 * Math.exp(-x), 0, Infinity);
    expectConverged(r, 6);
  });

  it('the Cauchy density integrates to 1 (heavy, algebraic tails)', () => {
    // ∫ dx/(π(1 + x²)) = [atan x]/π over the real line.
    const r = integrate((x) => 1 / (Math.PI * (1 + x * x)), -Infinity, Infinity);
    expectConverged(r, 1);
  });

  it('E|z|^(1/2) under the standard Cauchy = sqrt(2) (cusp at 0, tail x^(-3/2))', () => {
    // 2/π ∫_0^∞ x^(1/2)/(1 + x²) dx, and ∫_0^∞ x^(μ−1)/(1 + x^ν) dx = (π/ν)/sin(μπ/ν)
    // (Gradshteyn & Ryzhik 3.241.2) with μ = 3/2, ν = 2 gives (π/2)/sin(3π/4) = π/sqrt(2).
    const r = integrate((x) => Math.sqrt(Math.abs(x)) / (Math.PI * (1 + x * x)), -Infinity, Infinity);
    expectConverged(r, Math.SQRT2);
  });

  it('the Laplace density, kink given as a breakpoint, integrates to 1', () => {
    // ∫ exp(−|x − μ|)/2 dx = 1 for any μ.
    const at0 = integrate((x) => 0.5 * Math.exp(-Math.abs(x)), -Infinity, Infinity, { breakpoints: [0] });
    expectConverged(at0, 1);
    const at07 = integrate((x) => 0.5 * Math.exp(-Math.abs(x - 0.7)), -Infinity, Infinity, { breakpoints: [0.7] });
    expectConverged(at07, 1);
    expect(at07.evals).toBeLessThan(1000);
    // Without the breakpoint the kink costs more evaluations but the error stays honest.
    const blind = integrate((x) => 0.5 * Math.exp(-Math.abs(x - 0.7)), -Infinity, Infinity);
    expectConverged(blind, 1);
  });

  it('∫_0^∞ (log x)² e^(−x) dx = γ² + π²/6', () => {
    // Γ''(1) = Γ(1)(ψ(1)² + ψ'(1)), ψ(1) = −γ (DLMF 5.4.12), ψ'(1) = π²/6 (DLMF 5.15.2).
    const truth = EULER_GAMMA ** 2 + Math.PI ** 2 / 6;
    const r = integrate((x) => Math.log(x) ** 2 * Math.exp(-x), 0, Infinity);
    expectConverged(r, truth);
  });

  it('a narrow peak: the Normal(0.3, 0.001) density on the real line integrates to 1', () => {
    // A density integrates to 1. The peak is given as a breakpoint (the engine knows the
    // location); with the scale as well the tails are mapped at the right width.
    const f = (x: number): number => normalPdf(x, 0.3, 1e-3);
    const r = integrate(f, -Infinity, Infinity, { breakpoints: [0.3] });
    expectConverged(r, 1);
    const scaled = integrate(f, -Infinity, Infinity, { breakpoints: [0.3], scale: 1e-3 });
    expectConverged(scaled, 1);
    expect(scaled.evals).toBeLessThanOrEqual(r.evals);
  });

  it('the Beta(1/2, 1/2) density integrates to 1 (singular at both ends)', () => {
    // B(1/2, 1/2) = Γ(1/2)²/Γ(1) = π (DLMF 5.12.1, 5.4.6).
    const r = integrate((x) => 1 / (Math.PI * Math.sqrt(x * (1 - x))), 0, 1);
    expectConverged(r, 1);
  });

  it('an interior singularity at a breakpoint: ∫_0^1 |x − 1/3|^(-1/2) dx', () => {
    // 2·sqrt(1/3) + 2·sqrt(2/3) by the antiderivative ±2·sqrt|x − 1/3| on each side.
    const c = 1 / 3;
    const truth = 2 * Math.sqrt(c) + 2 * Math.sqrt(1 - c);
    const r = integrate((x) => Math.abs(x - c) ** -0.5, 0, 1, { breakpoints: [c] });
    expectConverged(r, truth);
    // Without it the singularity cannot be resolved below ulp(1/3) in x: not converged, honest.
    const blind = integrate((x) => Math.abs(x - c) ** -0.5, 0, 1);
    expectHonest(blind, truth);
  });

  it('reversed bounds change the sign; equal bounds give 0', () => {
    const r = integrate((x) => Math.exp(-x), 1, 0);
    expectConverged(r, -(1 - Math.exp(-1)));
    const r2 = integrate((x) => Math.exp(x), -Infinity, 0);
    expectConverged(r2, 1);
    const z = integrate((x) => x, 2, 2);
    expect(z).toEqual({ value: 0, error: 0, evals: 0, converged: true, nonFinite: 0 });
  });

  it('an honest error at every tolerance, for smooth, singular and oscillating integrands', () => {
    const cases: Array<[(x: number) => number, number, number, number]> = [
      [(x) => Math.cos(20 * x), 0, 10, Math.sin(200) / 20],
      [(x) => x ** -0.75, 0, 1, 4],
      [(x) => (x > 1 ? x ** -1.25 : 0), 0, Infinity, 4],
      [(x) => 0.3 * normalPdf(x, 2, 0.1) + 0.7 * normalPdf(x, -1, 2), -Infinity, Infinity, 1],
    ];
    for (const relTol of [1e-3, 1e-6, 1e-9, 1e-12]) {
      for (const [f, a, b, truth] of cases) {
        const r = integrate(f, a, b, { relTol, absTol: 0, breakpoints: [1] });
        expectHonest(r, truth);
        // At 1e-12 the cancelling cos(20x) sits at the rounding floor, 50·ε·∫|f|: 'resolution'.
        expect(r.converged || (relTol < 1e-9 && r.reason === 'resolution')).toBe(true);
      }
    }
  });
});

describe('integrate: failures are reported, not hidden', () => {
  it('∫_0^1 1/x dx (not integrable) is not converged, with an infinite error, quickly', () => {
    const r = integrate((x) => 1 / x, 0, 1);
    expect(r.converged).toBe(false);
    expect(r.error).toBe(Infinity);
    expect(r.reason).toBeDefined();
    expect(r.evals).toBeLessThan(50000);
  });

  it('∫_1^∞ dx/x (a divergent tail) is not converged', () => {
    const r = integrate((x) => 1 / x, 1, Infinity);
    expect(r.converged).toBe(false);
    expect(r.error).toBe(Infinity);
  });

  it('stops at maxEvals', () => {
    const r = integrate((x) => Math.cos(1000 * x), 0, 100, { maxEvals: 500 });
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('max-evals');
    expect(r.evals).toBeLessThanOrEqual(500);
    expectHonest(r, Math.sin(100000) / 1000, 100);
  });

  it('NaN at isolated points is a signal to subdivide', () => {
    // NaN on the grid k/64, like sin(x)/x at 0 (0/0): the first panels' centres land on it
    // (x = 5/32 and 27/32), their children's nodes do not. ∫_0^1 e^x dx = e − 1.
    let sawNaN = 0;
    const f = (x: number): number => {
      if (Number.isInteger(x * 64)) {
        sawNaN++;
        return NaN;
      }
      return Math.exp(x);
    };
    const r = integrate(f, 0, 1);
    expect(sawNaN).toBeGreaterThan(0);
    expectConverged(r, Math.E - 1);
  });

  it('non-finite values on a set of tiny measure are counted as 0 and reported', () => {
    // (1 − x)^(−0.9) with x a double: 1 − x cannot go below 2^-53, and at x = 1 the integrand
    // is Infinity. The part of the integral that doubles cannot see, ∫ over the last ulp,
    // is 10·(2^-53)^0.1 ≈ 0.25: the error says so. ∫_0^1 (1 − x)^(−0.9) dx = 10.
    const f = (x: number): number => (1 - x) ** -0.9;
    const r = integrate(f, 0, 1);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('non-finite');
    expect(r.nonFinite).toBeGreaterThan(0);
    expectHonest(r, 10);
    expect(r.error).toBeLessThan(1);
    // With a tolerance that allows for that, it converges, still reporting the zeroed nodes.
    const loose = integrate(f, 0, 1, { relTol: 0.05 });
    expect(loose.converged).toBe(true);
    expect(loose.nonFinite).toBeGreaterThan(0);
    expectHonest(loose, 10);
  });

  it('NaN on a set of positive measure: not converged, bounded work', () => {
    const r = integrate((x) => (Math.abs(x - 0.4) < 0.05 ? NaN : 1), 0, 1, { maxEvals: 20000 });
    expect(r.converged).toBe(false);
    expect(r.nonFinite).toBeGreaterThan(0);
    expect(r.evals).toBeLessThanOrEqual(20000);
  });

  it('bad arguments give NaN, not an exception', () => {
    for (const r of [
      integrate((x) => x, NaN, 1),
      integrate((x) => x, 0, 1, { relTol: -1 }),
      integrate((x) => x, 0, 1, { scale: 0 }),
    ]) {
      expect(r.value).toBeNaN();
      expect(r.converged).toBe(false);
      expect(r.reason).toBe('invalid');
    }
  });
});

describe('integrateVec', () => {
  it('the Fisher matrix of Normal(μ, σ) from E[score scoreᵀ], all entries in one pass', () => {
    // I = diag(1/σ², 2/σ²) (e.g. Lehmann & Casella, Theory of Point Estimation, Table 2.5.1).
    // Components: ∫p = 1, ∫p s_μ², ∫p s_μ s_σ, ∫p s_σ², ∫p s_μ (= 0, the score has mean 0).
    const mu = 1;
    const sigma = 2;
    const f = (x: number, out: Float64Array): void => {
      const p = normalPdf(x, mu, sigma);
      const z = (x - mu) / sigma;
      const sMu = z / sigma;
      const sSigma = (z * z - 1) / sigma;
      out[0] = p;
      out[1] = p * sMu * sMu;
      out[2] = p * sMu * sSigma;
      out[3] = p * sSigma * sSigma;
      out[4] = p * sMu;
    };
    const r = integrateVec(f, 5, -Infinity, Infinity, { breakpoints: [mu], scale: sigma });
    const truth = [1, 1 / sigma ** 2, 0, 2 / sigma ** 2, 0];
    expect(r.converged).toBe(true);
    expectHonestVec(r, truth, [1, 0.25, 0.25, 0.5, 0.25]);
    truth.forEach((t, j) => expect(r.error[j]!).toBeLessThanOrEqual(Math.max(1e-12, 1e-10 * Math.abs(t))));
    // Sharing nodes: no more evaluations than the hardest component alone.
    const alone = integrate((x) => normalPdf(x, mu, sigma) * ((((x - mu) / sigma) ** 2 - 1) / sigma) ** 2, -Infinity, Infinity, {
      breakpoints: [mu],
      scale: sigma,
    });
    expect(r.evals).toBeLessThanOrEqual(4 * alone.evals);
  });

  it('each component meets its own relative tolerance, whatever the others’ sizes', () => {
    // ∫_0^∞ x^k e^(−x) dx = k! for k = 0, 10 (Γ(k+1), DLMF 5.2.1), and 1e-20·∫ e^(−x) dx.
    const r = integrateVec(
      (x, out) => {
        const e = Math.exp(-x);
        out[0] = e;
        out[1] = x ** 10 * e;
        out[2] = 1e-20 * e;
      },
      3,
      0,
      Infinity,
      { absTol: 0 },
    );
    expect(r.converged).toBe(true);
    expectHonestVec(r, [1, 3628800, 1e-20], [1, 3628800, 1e-20]);
    expect(r.error[2]!).toBeLessThanOrEqual(1e-30);
  });
});

/** Poisson(λ) pmf by the recurrence p(k) = p(k−1)·λ/k from e^(−λ) (rounding grows like sqrt(k)·ε). */
function poissonPmf(lambda: number, n: number): (k: number) => number {
  const t = new Float64Array(n);
  t[0] = Math.exp(-lambda);
  for (let k = 1; k < n; k++) t[k] = (t[k - 1]! * lambda) / k;
  return (k) => t[k] ?? 0;
}

describe('sumSeries', () => {
  it.each([0.3, 7, 150])('Poisson(%s): Σ k² p(k) = λ + λ²', (lambda) => {
    // E[k²] = Var + mean² = λ + λ² (e.g. Johnson, Kemp & Kotz, Univariate Discrete Distributions, §4.3).
    const pmf = poissonPmf(lambda, 5000);
    const r = sumSeries((k) => k * k * pmf(k), 0, Infinity, { probability: pmf });
    expectConverged(r, lambda + lambda * lambda);
    expect(r.evals).toBeLessThan(lambda + 40 * Math.sqrt(lambda) + 40);
  });

  it('a slowly decaying geometric (p = 0.01): E[k] = q/p and E[k²] = q(1 + q)/p²', () => {
    // Geometric on {0, 1, ...}, pmf p·q^k: mean q/p, variance q/p² (Johnson, Kemp & Kotz §5.2).
    const p = 0.01;
    const q = 1 - p;
    const pmf = (k: number): number => p * q ** k;
    const mean = sumSeries((k) => k * pmf(k), 0, Infinity, { probability: pmf });
    expectConverged(mean, q / p);
    const second = sumSeries((k) => k * k * pmf(k), 0, Infinity, { probability: pmf });
    expectConverged(second, (q * (1 + q)) / (p * p));
  });

  it('a finite binomial sum is exact: Σ k² C(n,k) p^k q^(n−k) = npq + (np)²', () => {
    const n = 60;
    const p = 0.3;
    const pmf = new Float64Array(n + 1);
    pmf[0] = (1 - p) ** n;
    for (let k = 1; k <= n; k++) pmf[k] = (pmf[k - 1]! * (n - k + 1) * p) / (k * (1 - p));
    const r = sumSeries((k) => k * k * pmf[k]!, 0, n);
    expect(r.evals).toBe(n + 1);
    expectConverged(r, n * p * (1 - p) + (n * p) ** 2);
    expect(r.error).toBeLessThan(1e-12);
  });

  it('sums over all integers outwards from `start`', () => {
    // Discrete Laplace pmf (1−a)/(1+a)·a^|k|: E[k²] = 2a/(1−a)² (Inusah & Kozubowski 2006).
    const a = 0.6;
    const pmf = (k: number): number => ((1 - a) / (1 + a)) * a ** Math.abs(k);
    const r = sumSeries((k) => k * k * pmf(k), -Infinity, Infinity, { probability: pmf });
    expectConverged(r, (2 * a) / (1 - a) ** 2);
    const mass = sumSeries(pmf, -Infinity, Infinity, { probability: pmf, start: 3 });
    expectConverged(mass, 1);
    const left = sumSeries(pmf, -Infinity, 0, { probability: (k) => pmf(k) });
    expectConverged(left, 1 / (1 + a));
  });

  it('a finite range longer than maxTerms falls back to the tail bound', () => {
    const p = 0.5;
    const pmf = (k: number): number => p * (1 - p) ** k;
    const r = sumSeries(pmf, 0, 1e15, { probability: pmf });
    expectConverged(r, 1 - (1 - p) ** (1e15 + 1));
    expect(r.evals).toBeLessThan(100);
  });

  it('a divergent sum is not converged (and does not hang)', () => {
    // p(k) = 1/(k(k+1)) on {1, 2, ...} sums to 1 (telescoping) but E[k] = Σ 1/(k+1) = ∞.
    const pmf = (k: number): number => 1 / (k * (k + 1));
    const r = sumSeries((k) => k * pmf(k), 1, Infinity, { probability: pmf, maxTerms: 1e5 });
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('max-evals');
    expect(r.error).toBe(Infinity);
    expect(r.evals).toBe(1e5);
  });

  it('a power-law tail gets no geometric bound: Σ 1/k² is reported unconverged, not wrong', () => {
    // ζ(2) = π²/6 (DLMF 25.6.1); its tail after K terms is ≈ 1/K, beyond any ratio test.
    const r = sumSeries((k) => 1 / (k * k), 1, Infinity, { maxTerms: 1e5 });
    expect(r.converged).toBe(false);
    expectHonest(r, Math.PI ** 2 / 6);
  });

  it('a non-finite term stops the sum', () => {
    const r = sumSeries((k) => (k === 5 ? NaN : 2 ** -k), 0, Infinity);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('non-finite');
    expect(r.value).toBeNaN();
    expect(r.error).toBe(Infinity);
  });

  it('empty ranges sum to 0; bad arguments give NaN', () => {
    expect(sumSeries((k) => k, 3, 2)).toEqual({ value: 0, error: 0, evals: 0, converged: true, nonFinite: 0 });
    const bad = sumSeries((k) => k, NaN, 2);
    expect(bad.value).toBeNaN();
    expect(bad.reason).toBe('invalid');
  });
});

describe('sumSeriesVec', () => {
  it('Poisson(4): Σ p, Σ k p, Σ k² p, the Fisher information Σ p (k/λ − 1)² = 1/λ, and a zero component', () => {
    // Mean λ, E[k²] = λ + λ²; Fisher information of Poisson in λ: 1/λ (Lehmann & Casella §2.5).
    const lambda = 4;
    const pmf = poissonPmf(lambda, 200);
    const r = sumSeriesVec(
      (k, out) => {
        const p = pmf(k);
        out[0] = p;
        out[1] = k * p;
        out[2] = k * k * p;
        out[3] = (k / lambda - 1) ** 2 * p;
        out[4] = 0;
      },
      5,
      0,
      Infinity,
      { probability: pmf },
    );
    expect(r.converged).toBe(true);
    const truth = [1, lambda, lambda + lambda ** 2, 1 / lambda, 0];
    expectHonestVec(r, truth, [1, lambda, 20, 0.25, 1]);
    truth.forEach((t, j) => expect(r.error[j]!).toBeLessThanOrEqual(Math.max(1e-12, 1e-10 * Math.abs(t))));
  });
});
