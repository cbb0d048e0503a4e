// Maximum likelihood (fit) and the Wald, score and likelihood-ratio tests, each checked against
// independent evidence: closed-form MLEs, textbook standard errors and test statistics, an
// independent root solve for the MLEs without a closed form, identities of the chi-square and
// normal distributions, and a simulation of the MLE's variance against the Cramér–Rao bound.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli';
import { dataSampler } from '../src/fisher/sample';
import { parse } from '../src/lang/parse';
import { Rng } from '../src/numeric/random';
import { chiSquareSurvival, digamma, erfc, normalQuantile, trigamma } from '../src/numeric/special';
import { fit, type FitResult } from '../src/stats/fit';
import { fitLatex, fitToJSON } from '../src/stats/fitreport';
import { factorSpd, inverseSpd, quadraticFormInverse, solveSpd } from '../src/stats/spd';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => sum(xs) / xs.length;
const relClose = (a: number, b: number, tol: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

/** Bisection for the root of a decreasing (or increasing) function on [lo, hi], in log space. */
function bisectLog(f: (x: number) => number, lo: number, hi: number): number {
  const sLo = Math.sign(f(lo));
  for (let i = 0; i < 300; i++) {
    const mid = Math.sqrt(lo * hi);
    if (Math.sign(f(mid)) === sLo) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

const xs = [1.2, 3.4, 2.2, 5.1, 0.3, 0.9, 2.5, 1.7, 4.4, 0.8];
const counts = [3, 5, 2, 4, 1, 3, 6, 2, 4, 3, 2, 5, 3, 4, 1, 2, 3, 7, 4, 3];
const bits = [0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0];

function converged(r: FitResult): FitResult {
  expect(r.status).toBe('converged');
  expect(r.converged).toBe(true);
  return r;
}

describe('maximum-likelihood estimates with closed forms', () => {
  it('Normal: the sample mean and the biased (1/n) standard deviation; se σ/√n and σ/√(2n) from both informations', () => {
    const r = converged(fit(parse('x ~ Normal(mu, sigma)'), { x: xs }));
    const m = mean(xs);
    const s = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
    relClose(r.estimate[0]!, m, 1e-10);
    relClose(r.estimate[1]!, s, 1e-10);
    const n = xs.length;
    // Fisher information of N(μ, σ): diag(1/σ², 2/σ²) per observation (e.g. Casella & Berger, Ex. 7.3.?).
    for (const se of [r.stderr.expected!, r.stderr.observed!]) {
      relClose(se[0]!, s / Math.sqrt(n), 1e-8);
      relClose(se[1]!, s / Math.sqrt(2 * n), 1e-8);
    }
    // Wald interval at 95%: estimate ± 1.959963984540054 se.
    relClose(r.interval!.lower[0]!, m - 1.959963984540054 * (s / Math.sqrt(n)), 1e-8);
    relClose(r.interval!.upper[1]!, s + 1.959963984540054 * (s / Math.sqrt(2 * n)), 1e-8);
  });

  it('Normal written by hand in (mu, log sigma): s = log σ̂, se(s) = 1/√(2n); rows as objects or Maps give the same', () => {
    const m = parse('data x in real; param mu; param s; logp = -s - log(2*pi)/2 - (x - mu)^2/(2*exp(2*s))');
    const r = converged(fit(m, xs.map((x) => ({ x }))));
    const mu = mean(xs);
    const sigma = Math.sqrt(mean(xs.map((x) => (x - mu) ** 2)));
    relClose(r.estimate[0]!, mu, 1e-10);
    relClose(r.estimate[1]!, Math.log(sigma), 1e-10);
    relClose(r.stderr.expected![1]!, 1 / Math.sqrt(2 * xs.length), 1e-8);
    const viaMaps = converged(fit(m, xs.map((x) => new Map([['x', x]]))));
    relClose(viaMaps.estimate[1]!, Math.log(sigma), 1e-10);
  });

  it('Poisson: the sample mean, se sqrt(x̄/n); in log coordinates t = log x̄ with se 1/sqrt(n x̄)', () => {
    const r = converged(fit(parse('x ~ Poisson(lambda)'), { x: counts }));
    const m = mean(counts);
    relClose(r.estimate[0]!, m, 1e-12);
    relClose(r.stderr.expected![0]!, Math.sqrt(m / counts.length), 1e-10);
    relClose(r.stderr.observed![0]!, Math.sqrt(m / counts.length), 1e-10);
    const t = converged(fit(parse('x ~ Poisson(exp(t))'), { x: counts }));
    relClose(t.estimate[0]!, Math.log(m), 1e-10);
    relClose(t.stderr.expected![0]!, 1 / Math.sqrt(counts.length * m), 1e-8);
  });

  it('Exponential: the rate is 1/mean with se λ̂/√n; in the mean parameterisation the mean is x̄ with se x̄/√n', () => {
    const r = converged(fit(parse('x ~ Exponential(lambda)'), { x: xs }));
    const m = mean(xs);
    relClose(r.estimate[0]!, 1 / m, 1e-10);
    relClose(r.stderr.expected![0]!, 1 / m / Math.sqrt(xs.length), 1e-8);
    const b = converged(fit(parse('param b in positive; x ~ Exponential(1/b)'), { x: xs }));
    relClose(b.estimate[0]!, m, 1e-10);
    relClose(b.stderr.observed![0]!, m / Math.sqrt(xs.length), 1e-8);
  });

  it('Bernoulli: the proportion with se sqrt(p̂(1 − p̂)/n); the logit of it by hand in the natural parameter', () => {
    const r = converged(fit(parse('x ~ Bernoulli(p)'), { x: bits }));
    const p = mean(bits);
    const n = bits.length;
    relClose(r.estimate[0]!, p, 1e-12);
    relClose(r.stderr.expected![0]!, Math.sqrt((p * (1 - p)) / n), 1e-10);
    relClose(r.stderr.observed![0]!, Math.sqrt((p * (1 - p)) / n), 1e-10);
    const eta = converged(fit(parse('data x in {0,1}; param eta; logp = x*eta - log(1 + exp(eta))'), { x: bits }));
    relClose(eta.estimate[0]!, Math.log(p / (1 - p)), 1e-10);
    relClose(eta.stderr.expected![0]!, 1 / Math.sqrt(n * p * (1 - p)), 1e-8);
  });

  it('Binomial with a known n: successes over trials', () => {
    const r = converged(fit(parse('const n = 10; x ~ Binomial(n, p)'), { x: [3, 4, 10, 2, 0, 7] }));
    relClose(r.estimate[0]!, 26 / 60, 1e-12);
    relClose(r.stderr.expected![0]!, Math.sqrt(((26 / 60) * (34 / 60)) / 60), 1e-10);
  });

  it('Gamma (shape, rate): an independent bisection of log k − ψ(k) = log x̄ − mean(log x), rate k/x̄; the same in (shape, scale)', () => {
    // The MLE equations of the gamma distribution (Choi & Wette 1969, Technometrics 11, 683–690).
    const target = Math.log(mean(xs)) - mean(xs.map(Math.log));
    const k = bisectLog((a) => Math.log(a) - digamma(a) - target, 1e-8, 1e8);
    const r = converged(fit(parse('x ~ Gamma(alpha, beta)'), { x: xs }));
    relClose(r.estimate[0]!, k, 1e-9);
    relClose(r.estimate[1]!, k / mean(xs), 1e-9);
    // The expected information n·[[ψ'(k), −1/β], [−1/β, k/β²]]: var(k̂) = k/(n(kψ'(k) − 1)).
    relClose(r.stderr.expected![0]!, Math.sqrt(k / (xs.length * (k * trigamma(k) - 1))), 1e-7);
    const scale = converged(fit(parse('data x in positive; param k in positive; param theta in positive; logp = -lgamma(k) - k*log(theta) + (k - 1)*log(x) - x/theta'), { x: xs }));
    relClose(scale.estimate[0]!, k, 1e-9);
    relClose(scale.estimate[1]!, mean(xs) / k, 1e-9);
  });

  it('Weibull: an independent bisection of the profile equation 1/k + mean(log x) = Σ xᵏ log x / Σ xᵏ', () => {
    // Cohen (1965), Technometrics 7, 579–588: the shape solves this equation, λ = (mean xᵏ)^(1/k).
    const lx = mean(xs.map(Math.log));
    const k = bisectLog((a) => 1 / a + lx - sum(xs.map((x) => x ** a * Math.log(x))) / sum(xs.map((x) => x ** a)), 1e-3, 1e3);
    const lambda = mean(xs.map((x) => x ** k)) ** (1 / k);
    const r = converged(fit(parse('x ~ Weibull(k, lambda)'), { x: xs }));
    relClose(r.estimate[0]!, k, 1e-9);
    relClose(r.estimate[1]!, lambda, 1e-9);
  });

  it('Laplace (a kink at each point): the sample median and the mean absolute deviation from it', () => {
    // Norton (1984), The American Statistician 38, 135–136.
    const data = [1.2, 3.4, 2.2, 5.1, 0.3, 0.9, 2.5];
    const r = converged(fit(parse('x ~ Laplace(mu, b)'), { x: data }));
    relClose(r.estimate[0]!, 2.2, 1e-8);
    relClose(r.estimate[1]!, mean(data.map((x) => Math.abs(x - 2.2))), 1e-7);
    expect(r.stderr.observed).toBeNull();
    // Laplace information diag(1/b², 1/b²): se b/√n for both.
    relClose(r.stderr.expected![0]!, r.estimate[1]! / Math.sqrt(data.length), 1e-7);
    expect(r.warnings.join(' ')).toMatch(/not differentiable/);
  });

  it('Normal linear regression with a covariate: least squares, σ̂² = RSS/n, se(b) = σ̂/sqrt(Sxx)', () => {
    const z = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = z.map((zi, i) => 1 + 0.5 * zi + xs[i]! - 2.2);
    const r = converged(fit(parse('given z in real; y ~ Normal(a + b*z, sigma)'), { y, z }));
    const zb = mean(z);
    const yb = mean(y);
    const sxx = sum(z.map((v) => (v - zb) ** 2));
    const b = sum(z.map((v, i) => (v - zb) * (y[i]! - yb))) / sxx;
    const a = yb - b * zb;
    const sigma = Math.sqrt(mean(y.map((v, i) => (v - a - b * z[i]!) ** 2)));
    relClose(r.estimate[0]!, a, 1e-9);
    relClose(r.estimate[1]!, b, 1e-9);
    relClose(r.estimate[2]!, sigma, 1e-9);
    relClose(r.stderr.expected![1]!, sigma / Math.sqrt(sxx), 1e-7);
    expect(r.information.expectedMethod).toMatch(/closed form/);
  });

  it('logistic regression: the score equations Σ(y − p̂) = 0 and Σ(y − p̂)z = 0 hold at the estimate', () => {
    const z = [0.5, 0.5, 0.5, 1, 1, 1.5, 1.5, 2, 2, 2.5, 2.5, 3];
    const y = [0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1];
    const r = converged(fit(parse('given z in real; y ~ Bernoulli(sigmoid(a + b*z))'), { y, z }));
    const [a, b] = r.estimate as [number, number];
    const res = y.map((yi, i) => yi - 1 / (1 + Math.exp(-(a + b * z[i]!))));
    expect(Math.abs(sum(res))).toBeLessThan(1e-9);
    expect(Math.abs(sum(res.map((e, i) => e * z[i]!)))).toBeLessThan(1e-9);
    // Expected and observed information agree for a canonical link: Σ p(1 − p) [1 z; z z²].
    relClose(r.stderr.expected![1]!, r.stderr.observed![1]!, 1e-8);
  });

  it('a density with no closed-form Fisher information: the expected information numerically (Cauchy location, F = 1/2)', () => {
    const m = parse('data x in real; param m; logp = -log(pi) - log(1 + (x - m)^2)');
    const r = converged(fit(m, { x: xs }));
    // The Cauchy score equation Σ 2(x − m)/(1 + (x − m)²) = 0 at the estimate.
    expect(Math.abs(sum(xs.map((x) => (2 * (x - r.estimate[0]!)) / (1 + (x - r.estimate[0]!) ** 2))))).toBeLessThan(1e-9);
    // Fisher information of the standard Cauchy location: 1/2 per observation.
    relClose(r.stderr.expected![0]!, Math.sqrt(2 / xs.length), 1e-6);
  });

  it('starts far from the optimum and still converges (Gamma from shape 50, rate 0.01)', () => {
    const target = Math.log(mean(xs)) - mean(xs.map(Math.log));
    const k = bisectLog((a) => Math.log(a) - digamma(a) - target, 1e-8, 1e8);
    const r = converged(fit(parse('x ~ Gamma(alpha, beta)'), { x: xs }, { start: { alpha: 50, beta: 0.01 } }));
    relClose(r.estimate[0]!, k, 1e-9);
    expect(r.start).toEqual([50, 0.01]);
  });

  it('a non-identifiable model (only a + b is determined): no standard errors, and a warning saying why', () => {
    const r = fit(parse('x ~ Normal(a + b, sigma)'), { x: xs });
    relClose(r.estimate[0]! + r.estimate[1]!, mean(xs), 1e-9);
    expect(r.stderr.observed!.every((s) => s === null)).toBe(true);
    expect(r.interval).toBeNull();
    expect(r.warnings.join(' ')).toMatch(/not positive definite/);
  });
});

describe('no interior maximum: said so, with the limit, and no standard error', () => {
  it('all-zero Bernoulli data: p → 0; all ones: p → 1', () => {
    for (const [value, limit] of [[0, 0], [1, 1]] as const) {
      const r = fit(parse('x ~ Bernoulli(p)'), { x: [value, value, value, value, value] });
      expect(r.status).toBe('boundary');
      expect(r.converged).toBe(false);
      expect(r.limits).toEqual({ p: limit });
      expect(r.estimate[0]).toBe(limit);
      expect(r.stderr).toEqual({ expected: null, observed: null });
      expect(r.interval).toBeNull();
      expect(r.message).toMatch(/boundary/);
    }
  });

  it('all-zero Poisson counts: lambda → 0; constant data for a Normal: sigma → 0', () => {
    const p = fit(parse('x ~ Poisson(lambda)'), { x: [0, 0, 0] });
    expect(p.status).toBe('boundary');
    expect(p.limits).toEqual({ lambda: 0 });
    const n = fit(parse('x ~ Normal(mu, sigma)'), { x: [2, 2, 2, 2] });
    expect(n.status).toBe('boundary');
    expect(n.limits).toEqual({ sigma: 0 });
  });

  it('separated data in a logistic regression: the slope runs to +∞ (no MLE), even with a null hypothesis', () => {
    const r = fit(parse('given z in real; y ~ Bernoulli(sigmoid(b0 + b1*z))'), { y: [0, 0, 0, 1, 1, 1], z: [-3, -2, -1, 1, 2, 3] }, { null: { b1: 0 } });
    expect(r.status).toBe('unbounded');
    expect(r.limits).toEqual({ b1: Infinity });
    expect(r.tests).toBeUndefined();
    expect(r.message).toMatch(/b1 → \+∞/);
    const j = fitToJSON(r);
    expect(j.estimate[1]).toBeNull();
    expect(j.limits).toEqual({ b1: 'inf' });
  });
});

describe('tests of a null hypothesis against their textbook formulas', () => {
  it('Poisson λ = λ₀: score (Σx − nλ₀)²/(nλ₀), Wald (x̄ − λ₀)²/(x̄/n), LR 2[Σx log(x̄/λ₀) − n(x̄ − λ₀)]', () => {
    const n = counts.length;
    const m = mean(counts);
    for (const l0 of [2, 3, 4.5]) {
      const t = converged(fit(parse('x ~ Poisson(lambda)'), { x: counts }, { null: { lambda: l0 } })).tests!;
      relClose(t.score!.statistic, (sum(counts) - n * l0) ** 2 / (n * l0), 1e-9);
      relClose(t.wald!.statistic, (m - l0) ** 2 / (m / n), 1e-9);
      relClose(t.lr!.statistic, 2 * (sum(counts) * Math.log(m / l0) - n * (m - l0)), 1e-9);
      for (const s of [t.wald!, t.score!, t.lr!]) {
        expect(s.df).toBe(1);
        // χ²₁ = Z²: P(χ²₁ > x) = erfc(sqrt(x/2)).
        relClose(s.pValue, erfc(Math.sqrt(s.statistic / 2)), 1e-10);
      }
    }
  });

  it('Bernoulli p = p₀: score n(p̂ − p₀)²/(p₀(1 − p₀)), Wald n(p̂ − p₀)²/(p̂(1 − p̂)), LR by the binomial log-likelihoods', () => {
    const n = bits.length;
    const k = sum(bits);
    const p = k / n;
    const p0 = 0.3;
    const t = converged(fit(parse('x ~ Bernoulli(p)'), { x: bits }, { null: { p: p0 } })).tests!;
    relClose(t.score!.statistic, (n * (p - p0) ** 2) / (p0 * (1 - p0)), 1e-9);
    relClose(t.wald!.statistic, (n * (p - p0) ** 2) / (p * (1 - p)), 1e-9);
    relClose(t.lr!.statistic, 2 * (k * Math.log(p / p0) + (n - k) * Math.log((1 - p) / (1 - p0))), 1e-9);
    expect(t.information).toBe('expected');
  });

  it('Normal μ = μ₀ with σ a nuisance re-fitted under the null: σ̃² = mean((x − μ₀)²), Wald n(x̄ − μ₀)²/σ̂², score n(x̄ − μ₀)²/σ̃², LR n log(σ̃²/σ̂²)', () => {
    const n = xs.length;
    const m = mean(xs);
    const s2 = mean(xs.map((x) => (x - m) ** 2));
    const mu0 = 1.5;
    const t2 = mean(xs.map((x) => (x - mu0) ** 2));
    const r = converged(fit(parse('x ~ Normal(mu, sigma)'), { x: xs }, { null: { mu: mu0 } }));
    const t = r.tests!;
    expect(t.null).toEqual({ mu: mu0 });
    relClose(t.restricted[0]!, mu0, 0);
    relClose(t.restricted[1]!, Math.sqrt(t2), 1e-9);
    relClose(t.wald!.statistic, (n * (m - mu0) ** 2) / s2, 1e-8);
    relClose(t.score!.statistic, (n * (m - mu0) ** 2) / t2, 1e-8);
    relClose(t.lr!.statistic, n * Math.log(t2 / s2), 1e-8);
    // The textbook ordering for a normal mean: W ≥ LR ≥ S.
    expect(t.wald!.statistic).toBeGreaterThan(t.lr!.statistic);
    expect(t.lr!.statistic).toBeGreaterThan(t.score!.statistic);
  });

  it('logistic regression slope = 0: the score test is the Cochran–Armitage trend statistic [Σ(y − ȳ)z]²/(ȳ(1 − ȳ)Σ(z − z̄)²)', () => {
    // Agresti (2002), Categorical Data Analysis, §5.3.5: the score test of β = 0 in a logistic model.
    const z = [0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1.5, 1.5, 1.5, 1.5, 2, 2, 2, 2, 2.5, 2.5, 2.5, 2.5, 3, 3, 3, 3];
    const y = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1];
    const t = converged(fit(parse('given dose in real; y ~ Bernoulli(sigmoid(a + b*dose))'), { y, dose: z }, { null: { b: 0 } })).tests!;
    const yb = mean(y);
    const zb = mean(z);
    const ca = sum(y.map((yi, i) => (yi - yb) * z[i]!)) ** 2 / (yb * (1 - yb) * sum(z.map((v) => (v - zb) ** 2)));
    relClose(t.score!.statistic, ca, 1e-9);
    // Under the null the intercept is the logit of the overall proportion.
    relClose(t.restricted[0]!, Math.log(yb / (1 - yb)), 1e-9);
  });

  it('a joint null on two parameters: 2 degrees of freedom, LR = 2(ℓ̂ − ℓ(θ₀)), p = exp(−LR/2)', () => {
    const r = converged(fit(parse('x ~ Normal(mu, sigma)'), { x: xs }, { null: { mu: 2, sigma: 1 } }));
    const t = r.tests!;
    const ll0 = sum(xs.map((x) => -0.5 * Math.log(2 * Math.PI) - (x - 2) ** 2 / 2));
    relClose(t.restrictedLoglik!, ll0, 1e-12);
    relClose(t.lr!.statistic, 2 * (r.loglik - ll0), 1e-9);
    expect(t.lr!.df).toBe(2);
    relClose(t.lr!.pValue, Math.exp(-t.lr!.statistic / 2), 1e-10);
    // The Wald statistic with the information diag(n/σ̂², 2n/σ̂²) at the estimate.
    const n = xs.length;
    const [m, s] = r.estimate as [number, number];
    relClose(t.wald!.statistic, (n * (m - 2) ** 2) / s ** 2 + (2 * n * (s - 1) ** 2) / s ** 2, 1e-8);
  });
});

describe('chi-square tail, normal quantile and positive-definite algebra', () => {
  it('chi-square p-values: the 5% critical values 3.841 (1 df) and 7.815 (3 df); exp(−x/2) with 2 df; erfc(sqrt(x/2)) with 1 df', () => {
    // Critical values from Abramowitz & Stegun, Table 26.8.
    relClose(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12);
    relClose(chiSquareSurvival(7.814727903251178, 3), 0.05, 1e-12);
    relClose(chiSquareSurvival(6.634896601021214, 1), 0.01, 1e-12);
    for (const x of [0.01, 0.5, 2, 10, 50, 300]) {
      relClose(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-12);
      expect(Math.abs(chiSquareSurvival(x, 1) - erfc(Math.sqrt(x / 2)))).toBeLessThanOrEqual(1e-12 * erfc(Math.sqrt(x / 2)) + 1e-300);
    }
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-1, 3)).toBe(1);
    expect(chiSquareSurvival(1, 0)).toBeNaN();
  });

  it('normal quantiles: 1.6449, 1.9600, 2.5758, and Φ(Φ⁻¹(p)) = p through erfc', () => {
    relClose(normalQuantile(0.95), 1.6448536269514722, 1e-14);
    relClose(normalQuantile(0.975), 1.959963984540054, 1e-14);
    relClose(normalQuantile(0.995), 2.5758293035489004, 1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [1e-10, 0.01, 0.3, 0.7, 0.999]) relClose(0.5 * erfc(-normalQuantile(p) / Math.SQRT2), p, 1e-12);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('positive-definite factor, solve, inverse; badly scaled but positive definite; singular refused', () => {
    const a = [[4, 2], [2, 2]];
    const x = solveSpd(factorSpd(a)!, [2, 1]);
    relClose(x[0]!, 0.5, 1e-15);
    relClose(x[1]!, 0, 1e-15);
    const inv = inverseSpd(a)!;
    [[0.5, -0.5], [-0.5, 1]].forEach((row, i) => row.forEach((v, j) => relClose(inv[i]![j]!, v, 1e-14)));
    relClose(quadraticFormInverse([[4, 0], [0, 1]], [2, 1])!, 2, 1e-15);
    // An information matrix mixing units: 3e18 and 6 on the diagonal is positive definite.
    expect(factorSpd([[3e18, 1e8], [1e8, 6]])).toBeDefined();
    expect(factorSpd([[1, 1], [1, 1]])).toBeUndefined();
    expect(factorSpd([[1, 2], [2, 1]])).toBeUndefined();
  });
});

/** Draw R data sets of size n from the model at `truth` and fit each; the sample variance of estimate `index`. */
function simulate(model: string, truth: Record<string, number>, n: number, replications: number, index: number, seed: number): { mean: number; variance: number } {
  const m = parse(model);
  const sampler = dataSampler(m, new Map(Object.entries(truth)));
  const rng = new Rng(seed);
  const out = new Float64Array(1);
  const estimates: number[] = [];
  for (let r = 0; r < replications; r++) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sampler.sample(rng, out);
      x[i] = out[0]!;
    }
    estimates.push(converged(fit(m, { x }, { expected: false })).estimate[index]!);
  }
  const mu = mean(estimates);
  return { mean: mu, variance: sum(estimates.map((e) => (e - mu) ** 2)) / (replications - 1) };
}

describe("simulation: the MLE's variance approaches the Cramér–Rao bound 1/(n F) as n grows", () => {
  it('Exponential rate λ = 2: var/CRB matches the exact n³/((n − 1)²(n − 2)) — 1.54 at n = 10, 1.004 at n = 1000', () => {
    // λ̂ = n/Σx with Σx ~ Gamma(n, λ): Var λ̂ = n²λ²/((n − 1)²(n − 2)); the bound is λ²/n (F = 1/λ²).
    // Tolerances: about 3.5 standard errors of a sample variance over the replications.
    const small = simulate('x ~ Exponential(lambda)', { lambda: 2 }, 10, 2000, 0, 7);
    const ratioSmall = small.variance / (4 / 10);
    expect(Math.abs(ratioSmall / (1000 / (81 * 8)) - 1)).toBeLessThan(0.2);
    expect(ratioSmall).toBeGreaterThan(1.3);
    const large = simulate('x ~ Exponential(lambda)', { lambda: 2 }, 1000, 1000, 0, 8);
    const ratioLarge = large.variance / (4 / 1000);
    expect(Math.abs(ratioLarge - 1)).toBeLessThan(0.15);
    expect(Math.abs(ratioLarge - 1)).toBeLessThan(Math.abs(ratioSmall - 1));
  });

  it('Gamma shape α = 3 (rate 2 a nuisance): var/CRB far above 1 at n = 10, within 0.2 of 1 at n = 1000', () => {
    // CRB for the shape with the rate unknown: α/(n(αψ'(α) − 1)), from the inverse of the Fisher matrix.
    const crb = (n: number): number => 3 / (n * (3 * trigamma(3) - 1));
    const small = simulate('x ~ Gamma(alpha, beta)', { alpha: 3, beta: 2 }, 10, 1000, 0, 11);
    const large = simulate('x ~ Gamma(alpha, beta)', { alpha: 3, beta: 2 }, 1000, 400, 0, 12);
    const rs = small.variance / crb(10);
    const rl = large.variance / crb(1000);
    expect(rs).toBeGreaterThan(2);
    expect(Math.abs(rl - 1)).toBeLessThan(0.2);
    // The MLE is consistent: its mean approaches α.
    expect(Math.abs(large.mean - 3)).toBeLessThan(0.05);
  });
});

describe('bad input: one clear message', () => {
  const poisson = parse('x ~ Poisson(lambda)');
  it('data outside the support, with the row: negative or fractional counts, a 2 for a Bernoulli', () => {
    expect(() => fit(poisson, { x: [1, -1, 2] })).toThrow(/row 2: x = -1 is outside the support of x, naturals/);
    expect(() => fit(poisson, { x: [1.5] })).toThrow(/row 1: x = 1.5 is outside the support/);
    expect(() => fit(parse('x ~ Bernoulli(p)'), [{ x: 0 }, { x: 2 }])).toThrow(/row 2: x = 2 is outside the support of x, \{0, 1\}/);
    expect(() => fit(parse('x ~ Exponential(lambda)'), { x: [1, -0.5] })).toThrow(/row 2: x = -0.5 is outside/);
  });

  it('missing columns or values, values that are not numbers, no rows, columns of different lengths', () => {
    expect(() => fit(poisson, { y: [1, 2] })).toThrow(/no column 'x'/);
    expect(() => fit(poisson, [{ x: 1 }, { y: 2 } as unknown as { x: number }])).toThrow(/row 2 has no value for x/);
    expect(() => fit(poisson, { x: [1, Number.NaN] })).toThrow(/row 2: x = NaN is not a finite number/);
    expect(() => fit(poisson, { x: [] })).toThrow(/no rows/);
    expect(() => fit(parse('given z in real; y ~ Normal(a*z, 1)'), { y: [1, 2], z: [1] })).toThrow(/has 1 values/);
  });

  it('a null or a start naming an unknown parameter, data, or a value outside the domain', () => {
    expect(() => fit(poisson, { x: counts }, { null: { lamda: 2 } })).toThrow(/null names 'lamda', which the model does not declare.*did you mean 'lambda'/);
    expect(() => fit(poisson, { x: counts }, { null: { x: 2 } })).toThrow(/which is data, not a parameter/);
    expect(() => fit(poisson, { x: counts }, { start: { lambda: -1 } })).toThrow(/start lambda = -1 is not inside lambda's domain/);
    expect(() => fit(parse('x ~ Bernoulli(p)'), { x: bits }, { null: { p: 0 } })).toThrow(/null p = 0 is not inside p's domain/);
    expect(() => fit(parse('data x in {0,1}; param p in [0,1]; logp = x*log(p) + (1-x)*log(1-p)'), { x: bits }, { null: { p: 1 } })).toThrow(/strictly inside/);
    expect(() => fit(poisson, { x: counts }, { level: 1.5 })).toThrow(/between 0 and 1/);
  });

  it('a support that moves with a parameter: refused, with the reason', () => {
    expect(() => fit(parse('x ~ Uniform(0, theta)'), { x: [0.2, 0.5] })).toThrow(/support of the data depends on theta/);
  });
});

// ---------------------------------------------------------------------------------------------
// The command line.

const cli = runCli;

describe('fisherlab fit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fisherlab-fit-'));
  const csv = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const poissonCsv = csv('poisson.csv', `x\n${counts.join('\n')}\n`);

  it('text: the estimate, both standard errors, the interval, and the three tests', () => {
    const r = cli('fit', 'x ~ Poisson(lambda)', '--data', poissonCsv, '--null', 'lambda=3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# maximum-likelihood fit to 20 rows of .*poisson\.csv, in the order \(lambda\)/);
    expect(r.out).toMatch(/lambda\s+3\.35\s+0\.409268\s+0\.409268\s+\[2\.54785, 4\.15215\]/);
    // Score statistic (67 − 60)²/60.
    expect(r.out).toMatch(/score \(Rao\)\s+0\.816667/);
    expect(r.out).toMatch(/likelihood ratio/);
  });

  it('--json: one object with the documented keys', () => {
    const r = cli('fit', 'x ~ Poisson(lambda)', '--data', poissonCsv, '--null', 'lambda=3', '--level', '0.9', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const key of ['params', 'estimate', 'stderr', 'interval', 'logLikelihood', 'rows', 'iterations', 'converged', 'tests']) expect(j).toHaveProperty(key);
    expect(j.rows).toBe(20);
    expect(j.params).toEqual(['lambda']);
    relClose(j.estimate[0], 3.35, 1e-12);
    relClose(j.stderr.expected[0], Math.sqrt(3.35 / 20), 1e-10);
    expect(j.interval.level).toBe(0.9);
    relClose(j.interval.upper[0], 3.35 + 1.6448536269514722 * Math.sqrt(3.35 / 20), 1e-10);
    relClose(j.tests.rao.statistic, 49 / 60, 1e-10);
    expect(Object.keys(j.tests.lr)).toEqual(['statistic', 'df', 'pValue']);
  });

  it('--latex: blocks KaTeX renders', () => {
    const r = cli('fit', 'x ~ Poisson(lambda)', '--data', poissonCsv, '--null', 'lambda=3', '--latex');
    expect(r.code).toBe(0);
    const blocks = r.out.split('\n').filter((l) => l !== '' && !l.startsWith('%'));
    expect(blocks.length).toBe(2);
    for (const b of blocks) expect(() => katex.renderToString(b, { throwOnError: true, displayMode: true })).not.toThrow();
    const fromLibrary = fitLatex(converged(fit(parse('x ~ Normal(mu, sigma)'), { x: xs })));
    for (const b of fromLibrary) expect(() => katex.renderToString(b, { throwOnError: true, displayMode: true })).not.toThrow();
  });

  it('covariates from the CSV (a regression), and a start', () => {
    const path = csv('dose.csv', 'dose,y\n0.5,0\n0.5,1\n1,0\n1,1\n1.5,1\n1.5,0\n2,1\n2,1\n2.5,1\n3,1\n0.5,0\n3,0\n');
    const r = cli('fit', 'given dose in real; y ~ Bernoulli(sigmoid(a + b*dose))', '--data', path, '--start', 'a=0,b=0', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.converged).toBe(true);
    expect(j.start).toEqual([0, 0]);
  });

  it('all-zero Bernoulli data: exit 1, the boundary reported, no standard error', () => {
    const path = csv('zeros.csv', 'x\n0\n0\n0\n0\n');
    const t = cli('fit', 'x ~ Bernoulli(p)', '--data', path);
    expect(t.code).toBe(1);
    expect(t.out).toMatch(/p → 0/);
    expect(t.out).not.toMatch(/se \(expected\)/);
    const j = JSON.parse(cli('fit', 'x ~ Bernoulli(p)', '--data', path, '--json').out);
    expect(j.status).toBe('boundary');
    expect(j.converged).toBe(false);
    expect(j.stderr).toEqual({ expected: null, observed: null });
    expect(j.limits).toEqual({ p: 0 });
  });

  it('bad input: exit 2 and one message, with the CSV row', () => {
    const cases: Array<[string[], RegExp]> = [
      [['x ~ Poisson(lambda)', '--data', csv('neg.csv', 'x\n1\n-1\n')], /neg\.csv, row 3: x = -1 is outside the support of x/],
      [['x ~ Poisson(lambda)', '--data', csv('nocol.csv', 'y\n1\n')], /has no column 'x'/],
      [['x ~ Poisson(lambda)', '--data', csv('text.csv', 'x\n1\nabc\n')], /row 3, column 'x': 'abc' is not a number/],
      [['x ~ Poisson(lambda)', '--data', poissonCsv, '--null', 'lamda=3'], /--null names 'lamda'.*did you mean 'lambda'/],
      [['x ~ Poisson(lambda)', '--data', poissonCsv, '--null', 'x=3'], /--null names 'x', which is data/],
      [['x ~ Poisson(lambda)', '--data', poissonCsv, '--start', 'lambda=-1'], /--start lambda=-1: lambda must lie in positive/],
      [['x ~ Poisson(lambda)', '--data', poissonCsv, '--level', '95'], /--level must be a number strictly between 0 and 1/],
      [['x ~ Poisson(lambda)', '--data', join(dir, 'missing.csv')], /cannot read the data file/],
      [['x ~ Uniform(0, theta)', '--data', poissonCsv], /support of the data depends on theta/],
    ];
    for (const [args, message] of cases) {
      const r = cli('fit', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/ at .*\.ts:\d+/);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
