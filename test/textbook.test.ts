/**
 * Score and Hessian of classical families, written by hand from the textbooks, against
 * fisherlab's symbolic derivatives evaluated at random points (relative tolerance 1e-12).
 *
 * Sources for the formulas (log-likelihood of one observation, its first and second derivatives):
 * - Casella & Berger (2002), Statistical Inference, 2nd ed., Duxbury: Sec. 7.2.2 (maximum
 *   likelihood: Bernoulli, binomial, Poisson, normal, exponential, gamma likelihoods) and
 *   Sec. 7.3.2 (the information inequality, E[-d²/dθ² log f]);
 * - Lehmann & Casella (1998), Theory of Point Estimation, 2nd ed., Springer: Sec. 1.5
 *   (exponential families: gamma and beta in natural form, whose log-normaliser derivatives are
 *   digamma and trigamma) and Sec. 2.5-2.6 (the information inequality, one and several parameters);
 * - Johnson, Kotz & Balakrishnan (1995), Continuous Univariate Distributions, vol. 2, Ch. 25
 *   (beta: ∂/∂a log f = ψ(a+b) - ψ(a) + log x).
 * The special functions ψ (digamma) and ψ' (trigamma) are evaluated with the project's kernels,
 * which special.test.ts checks separately; what is tested here is the symbolic calculus.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { printExpr, printMatrix } from '../src/expr/print';
import { hessian, score } from '../src/fisher/derivatives';
import { parse } from '../src/lang/parse';
import { digamma, trigamma } from '../src/numeric/special';
import { Mismatches, fmtPoint, rng, seedOf } from './helpers/fisher-check';

type Pt = Record<string, number>;

interface Textbook {
  /** The model text. */
  readonly text: string;
  /** Parameter names, in the score's order. */
  readonly params: readonly string[];
  /** A random point (parameters and data) drawn with u(). */
  readonly draw: (u: () => number) => Pt;
  readonly score: (p: Pt) => number[];
  readonly hessian: (p: Pt) => number[][];
}

const { log } = Math;
const n10 = 10;

const CASES: Record<string, Textbook> = {
  // Casella & Berger Sec. 7.2.2: l = -log σ - log(2π)/2 - (x-μ)²/(2σ²).
  'Normal(mu, sigma)': {
    text: 'x ~ Normal(mu, sigma)',
    params: ['mu', 'sigma'],
    draw: (u) => ({ mu: -3 + 6 * u(), sigma: 0.3 + 3 * u(), x: -5 + 10 * u() }),
    score: ({ mu, sigma, x }) => [(x! - mu!) / sigma! ** 2, -1 / sigma! + (x! - mu!) ** 2 / sigma! ** 3],
    hessian: ({ mu, sigma, x }) => [
      [-1 / sigma! ** 2, (-2 * (x! - mu!)) / sigma! ** 3],
      [(-2 * (x! - mu!)) / sigma! ** 3, 1 / sigma! ** 2 - (3 * (x! - mu!) ** 2) / sigma! ** 4],
    ],
  },
  // Casella & Berger Sec. 7.2.2 (Bernoulli likelihood): l = x log p + (1-x) log(1-p).
  'Bernoulli(p)': {
    text: 'x ~ Bernoulli(p)',
    params: ['p'],
    draw: (u) => ({ p: 0.05 + 0.9 * u(), x: u() < 0.5 ? 0 : 1 }),
    score: ({ p, x }) => [x! / p! - (1 - x!) / (1 - p!)],
    hessian: ({ p, x }) => [[-x! / p! ** 2 - (1 - x!) / (1 - p!) ** 2]],
  },
  // Casella & Berger Sec. 7.2.2 (binomial, n known): l = log C(n,x) + x log p + (n-x) log(1-p).
  'Binomial(n, p), const n = 10': {
    text: `const n = ${n10}; x ~ Binomial(n, p)`,
    params: ['p'],
    draw: (u) => ({ p: 0.05 + 0.9 * u(), x: Math.floor(u() * (n10 + 1)) }),
    score: ({ p, x }) => [x! / p! - (n10 - x!) / (1 - p!)],
    hessian: ({ p, x }) => [[-x! / p! ** 2 - (n10 - x!) / (1 - p!) ** 2]],
  },
  // Casella & Berger Sec. 7.2.2 / 7.3.2 (Poisson): l = x log λ - λ - log x!.
  'Poisson(lambda)': {
    text: 'x ~ Poisson(lambda)',
    params: ['lambda'],
    draw: (u) => ({ lambda: 0.2 + 15 * u(), x: Math.floor(u() * 25) }),
    score: ({ lambda, x }) => [x! / lambda! - 1],
    hessian: ({ lambda, x }) => [[-x! / lambda! ** 2]],
  },
  // Casella & Berger Sec. 7.2.2 (exponential, rate λ): l = log λ - λx.
  'Exponential(lambda), rate': {
    text: 'x ~ Exponential(lambda)',
    params: ['lambda'],
    draw: (u) => ({ lambda: 0.1 + 8 * u(), x: 5 * u() }),
    score: ({ lambda, x }) => [1 / lambda! - x!],
    hessian: ({ lambda }) => [[-1 / lambda! ** 2]],
  },
  // Lehmann & Casella Sec. 1.5 / 2.5 (gamma, shape α, rate β): l = α log β - log Γ(α) + (α-1) log x - βx.
  'Gamma(alpha, beta), rate': {
    text: 'x ~ Gamma(alpha, beta)',
    params: ['alpha', 'beta'],
    draw: (u) => ({ alpha: 0.3 + 8 * u(), beta: 0.2 + 5 * u(), x: 0.01 + 6 * u() }),
    score: ({ alpha, beta, x }) => [log(beta!) - digamma(alpha!) + log(x!), alpha! / beta! - x!],
    hessian: ({ alpha, beta }) => [
      [-trigamma(alpha!), 1 / beta!],
      [1 / beta!, -alpha! / beta! ** 2],
    ],
  },
  // Lehmann & Casella Sec. 1.5 / 2.5; Johnson, Kotz & Balakrishnan Ch. 25 (beta):
  // l = log Γ(a+b) - log Γ(a) - log Γ(b) + (a-1) log x + (b-1) log(1-x).
  'Beta(a, b)': {
    text: 'x ~ Beta(a, b)',
    params: ['a', 'b'],
    draw: (u) => ({ a: 0.3 + 6 * u(), b: 0.3 + 6 * u(), x: 0.01 + 0.98 * u() }),
    score: ({ a, b, x }) => [digamma(a! + b!) - digamma(a!) + log(x!), digamma(a! + b!) - digamma(b!) + log(1 - x!)],
    hessian: ({ a, b }) => [
      [trigamma(a! + b!) - trigamma(a!), trigamma(a! + b!)],
      [trigamma(a! + b!), trigamma(a! + b!) - trigamma(b!)],
    ],
  },
};

const REL = 1e-12;
/** Relative tolerance, with an absolute floor of REL for values that cancel to (near) zero. */
const within = (bad: Mismatches, what: string, actual: number, expected: number): void => bad.check(what, actual, expected, REL, REL);

describe('textbook score and Hessian', () => {
  describe.each(Object.keys(CASES))('%s', (label) => {
    const tb = CASES[label]!;
    it('parameters are in the textbook order', () => {
      expect(parse(tb.text).params.map((p) => p.name)).toEqual(tb.params);
    });
    it('score and Hessian equal the textbook formulas at random points', () => {
      const m = parse(tb.text);
      const s = score(m);
      const h = hessian(m);
      const u = rng(seedOf(`textbook:${label}`));
      const bad = new Mismatches();
      for (let k = 0; k < 8; k++) {
        const pt = tb.draw(u);
        const env = new Map(Object.entries(pt));
        for (const c of m.constants.values()) env.set(c.name, c.value);
        const ws = tb.score(pt);
        const wh = tb.hessian(pt);
        tb.params.forEach((pi, i) => {
          within(bad, `${tb.text}: score[${pi}] at ${fmtPoint(pt)} (printed ${printExpr(s[i]!)})`, evaluate(s[i]!, env), ws[i]!);
          tb.params.forEach((pj, j) => {
            within(bad, `${tb.text}: hessian[${pi}][${pj}] at ${fmtPoint(pt)} (printed ${printExpr(h[i]![j]!)})`, evaluate(h[i]![j]!, env), wh[i]![j]!);
          });
        });
      }
      expect(bad.list).toEqual([]);
    });
  });
});

describe('canonical printed forms', () => {
  it('Normal(mu, sigma): Hessian', () => {
    expect(printMatrix(hessian(parse('x ~ Normal(mu, sigma)')))).toBe(
      '[[-1/sigma^2, -2*(x - mu)/sigma^3], [-2*(x - mu)/sigma^3, 1/sigma^2 - 3*(x - mu)^2/sigma^4]]',
    );
  });
  it('Gamma(a, b): Hessian', () => {
    expect(printMatrix(hessian(parse('x ~ Gamma(a, b)')))).toBe('[[-trigamma(a), 1/b], [1/b, -a/b^2]]');
  });
  it('Poisson(lam): score', () => {
    expect(score(parse('x ~ Poisson(lam)')).map(printExpr)).toEqual(['x/lam - 1']);
  });
});
