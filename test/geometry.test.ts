// Geometry: KL and f-divergences between two members of a model, the Fisher–Rao distance, and
// their verbs. Every number is checked against independent evidence: published closed forms
// (cited beside each), the tests' own double-exponential quadrature (test/helpers/quad.ts), the
// Fisher matrix through the second-order expansion, and geodesic shooting against closed forms.
import katex from 'katex';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main';
import { evaluate } from '../src/expr/evaluate';
import { printExpr } from '../src/expr/print';
import { fisherRaoDistance } from '../src/geometry/distance';
import { divergence, parseDivergence } from '../src/geometry/fdiv';
import { kl, klDivergence } from '../src/geometry/kl';
import { checkLocalQuadratic } from '../src/geometry/local';
import { pointPair } from '../src/geometry/pair';
import { parse, parseExpr } from '../src/lang/parse';
import type { Model } from '../src/lang/model';
import { digamma, lgamma } from '../src/numeric/special';
import { referenceCase, referenceCases } from './helpers/fixtures';
import { Mismatches, envOf, randomParams, rng, seedOf, support1 } from './helpers/fisher-check';
import { integrate, integrate1, sumIntegers, sumValues } from './helpers/quad';

const P = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));
const EULER = 0.5772156649015329;

/** Random point pairs of a model, seeded by its text. */
function pairs(m: Model, n: number, text: string): Array<[Record<string, number>, Record<string, number>]> {
  const rand = rng(seedOf(text));
  return Array.from({ length: n }, () => [randomParams(m, rand), randomParams(m, rand)]);
}

/**
 * ∫ (or Σ) of h(ℓ1(x), ℓ2(x)) over the support of the first point, with ℓ1, ℓ2 the log-densities
 * at the two points, by the tests' own quadrature (one data value). Continuous ranges are cut at
 * the parameter values and where ℓ1 = ℓ2 (the kink of |p1 − p2|).
 */
function quadOf(m: Model, a: Record<string, number>, b: Record<string, number>, h: (l1: number, l2: number) => number, kinks = false): number {
  const x = m.data[0]!.name;
  const e1 = envOf(m, a);
  const e2 = envOf(m, b);
  const f = (v: number): number[] => {
    e1.set(x, v);
    e2.set(x, v);
    const l1 = evaluate(m.logp, e1);
    // Where p1 underflows to 0 the integrand is 0 (0 · log 0 included).
    return Math.exp(l1) === 0 ? [0] : [h(l1, evaluate(m.logp, e2))];
  };
  const sup = support1(m, e1);
  if (sup.kind === 'set') return sumValues(f, sup.values).value[0]!;
  if (sup.kind === 'integers') return sumIntegers(f, sup.lo, sup.hi).value[0]!;
  const points = [...Object.values(a), ...Object.values(b)];
  if (kinks) points.push(...crossings(m, e1, e2, sup.lo, sup.hi));
  return integrate((v) => f(v), sup.lo, sup.hi, { points }).value[0]!;
}

/** Where ℓ1 = ℓ2 on a grid of the range (cut at ±60 where infinite), refined by bisection. */
function crossings(m: Model, e1: Map<string, number>, e2: Map<string, number>, from: number, to: number): number[] {
  const x = m.data[0]!.name;
  const gap = (v: number): number => {
    e1.set(x, v);
    e2.set(x, v);
    return evaluate(m.logp, e1) - evaluate(m.logp, e2);
  };
  const lo = Number.isFinite(from) ? from : -60;
  const hi = Number.isFinite(to) ? to : 60;
  const grid = Array.from({ length: 2001 }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / 2001);
  const points: number[] = [];
  for (let i = 1; i < grid.length; i++) {
    let [u, w] = [grid[i - 1]!, grid[i]!];
    if (!(Math.sign(gap(u)) * Math.sign(gap(w)) < 0)) continue;
    for (let k = 0; k < 80; k++) {
      const c = (u + w) / 2;
      if (Math.sign(gap(c)) === Math.sign(gap(u))) u = c;
      else w = c;
    }
    points.push(u);
  }
  return points;
}

/** KL(p1 ‖ p2) = ∫ p1 (ℓ1 − ℓ2) by quadrature. */
const quadKL = (m: Model, a: Record<string, number>, b: Record<string, number>): number => quadOf(m, a, b, (l1, l2) => Math.exp(l1) * (l1 - l2));

describe('KL closed forms against published ones', () => {
  // Each entry: the model, and KL(p1 ‖ p2) as a function of the two points, from the literature.
  const published: Array<[string, string, (a: Record<string, number>, b: Record<string, number>) => number]> = [
    // Kullback (1959), Information Theory and Statistics, ch. 1: normal with unequal variances.
    ['x ~ Normal(mu, sigma)', 'Kullback 1959', (a, b) => Math.log(b.sigma! / a.sigma!) + (a.sigma! ** 2 + (a.mu! - b.mu!) ** 2) / (2 * b.sigma! ** 2) - 0.5],
    // Poisson: λ1 log(λ1/λ2) + λ2 − λ1 (Cover & Thomas 2006, Elements of Information Theory, ex. 2).
    ['x ~ Poisson(lam)', 'Cover & Thomas', (a, b) => a.lam! * Math.log(a.lam! / b.lam!) + b.lam! - a.lam!],
    // Bernoulli: the binary relative entropy (Cover & Thomas 2006, §2.3).
    ['x ~ Bernoulli(p)', 'Cover & Thomas §2.3', (a, b) => a.p! * Math.log(a.p! / b.p!) + (1 - a.p!) * Math.log((1 - a.p!) / (1 - b.p!))],
    // Exponential with rate λ: log(λ1/λ2) + λ2/λ1 − 1 (Gil, Alajaji & Linder 2013, Table 3).
    ['x ~ Exponential(lam)', 'Gil et al. 2013', (a, b) => Math.log(a.lam! / b.lam!) + b.lam! / a.lam! - 1],
    // Gamma, shape k and rate b (Penny 2001, KL-divergences of Normal, Gamma, Dirichlet and Wishart densities, eq. 12).
    ['x ~ Gamma(k, b)', 'Penny 2001', (a, b) => (a.k! - b.k!) * digamma(a.k!) - lgamma(a.k!) + lgamma(b.k!) + b.k! * (Math.log(a.b!) - Math.log(b.b!)) + (a.k! * (b.b! - a.b!)) / a.b!],
    // Beta: log B(a2, b2)/B(a1, b1) + (a1 − a2)ψ(a1) + (b1 − b2)ψ(b1) + (a2 − a1 + b2 − b1)ψ(a1 + b1) (Penny 2001 via the Dirichlet).
    ['x ~ Beta(a, b)', 'Penny 2001', (a, b) => lgamma(b.a!) + lgamma(b.b!) - lgamma(b.a! + b.b!) - lgamma(a.a!) - lgamma(a.b!) + lgamma(a.a! + a.b!) + (a.a! - b.a!) * digamma(a.a!) + (a.b! - b.b!) * digamma(a.b!) + (b.a! - a.a! + b.b! - a.b!) * digamma(a.a! + a.b!)],
    // Cauchy: log(((s1 + s2)² + (m1 − m2)²)/(4 s1 s2)) (Chyzak & Nielsen 2019, arXiv:1905.10965).
    ['x ~ Cauchy(m, s)', 'Chyzak & Nielsen 2019', (a, b) => Math.log(((a.s! + b.s!) ** 2 + (a.m! - b.m!) ** 2) / (4 * a.s! * b.s!))],
    // Laplace: log(b2/b1) + |m1 − m2|/b2 + (b1/b2) e^(−|m1 − m2|/b1) − 1 (Gil, Alajaji & Linder 2013).
    ['x ~ Laplace(m, b)', 'Gil et al. 2013', (a, b) => Math.log(b.b! / a.b!) + Math.abs(a.m! - b.m!) / b.b! + (a.b! / b.b!) * Math.exp(-Math.abs(a.m! - b.m!) / a.b!) - 1],
    // Weibull (Bauckhage 2013, Computing the Kullback–Leibler divergence between two Weibull distributions, arXiv:1310.3713).
    ['x ~ Weibull(k, lam)', 'Bauckhage 2013', (a, b) => Math.log(a.k! / a.lam! ** a.k!) - Math.log(b.k! / b.lam! ** b.k!) + (a.k! - b.k!) * (Math.log(a.lam!) - EULER / a.k!) + (a.lam! / b.lam!) ** b.k! * Math.exp(lgamma(b.k! / a.k! + 1)) - 1],
    // Dirichlet (Penny 2001, eq. 16): lnΓ(a0) − Σ lnΓ(a_i) − lnΓ(b0) + Σ lnΓ(b_i) + Σ (a_i − b_i)(ψ(a_i) − ψ(a0)).
    [
      'x1, x2 ~ Dirichlet(a1, a2, a3)',
      'Penny 2001',
      (a, b) => {
        const A = [a.a1!, a.a2!, a.a3!];
        const B = [b.a1!, b.a2!, b.a3!];
        const a0 = A[0]! + A[1]! + A[2]!;
        const b0 = B[0]! + B[1]! + B[2]!;
        return lgamma(a0) - A.reduce((s, x) => s + lgamma(x), 0) - lgamma(b0) + B.reduce((s, x) => s + lgamma(x), 0) + A.reduce((s, x, i) => s + (x - B[i]!) * (digamma(x) - digamma(a0)), 0);
      },
    ],
  ];
  for (const [text, source, want] of published) {
    it(`${text} (${source})`, () => {
      const m = parse(text);
      const d = klDivergence(m);
      expect(d.expr, `${text}: no closed form (${d.method})`).not.toBeNull();
      const out = new Mismatches();
      for (const [a, b] of pairs(m, 6, text)) out.check(`KL at ${JSON.stringify(a)} → ${JSON.stringify(b)}`, d.at(P(a), P(b)).value, want(a, b), 1e-10, 1e-12);
      expect(out.list).toEqual([]);
    });
  }

  it('names the two points mu_1, sigma_1 and mu_2, sigma_2, and avoids the model own names', () => {
    const r = kl(parse('x ~ Normal(mu, sigma)'));
    expect([r.first, r.second]).toEqual([['mu_1', 'sigma_1'], ['mu_2', 'sigma_2']]);
    // The expression is KL(p1 ‖ p2) itself: at sigma_1 = sigma_2 it is (mu_1 − mu_2)²/(2 sigma²).
    expect(evaluate(r.expr!, P({ mu_1: 0.3, mu_2: -1.1, sigma_1: 2, sigma_2: 2 }))).toBeCloseTo((1.4 * 1.4) / 8, 14);
    // A model with a parameter named mu_1 gets the suffixes _p and _q instead.
    const clash = pointPair(parse('param mu; param mu_1 in positive; x ~ Normal(mu, mu_1)'));
    expect(clash.first).toEqual(['mu_p', 'mu_1_p']);
    expect(clash.second).toEqual(['mu_q', 'mu_1_q']);
  });

  it('is Bregman for exponential families in any parameterisation, and standardisation for location–scale ones', () => {
    expect(kl(parse('x ~ Normal(mu, exp(s))')).method).toMatch(/^Bregman divergence of the log-partition/);
    expect(kl(parse('data x in naturals; param t; logp = x*t - exp(t) - lfact(x)')).method).toMatch(/^Bregman/);
    expect(kl(parse('x ~ Cauchy(m, s)')).method).toBe('standardisation (Cauchy)');
    expect(kl(parse('x ~ Weibull(k, lam)')).method).toBe('standardisation (Gumbel (minimum) of the log of the data)');
    // No closed form: the Student-t with fixed ν, the logistic, a mixture.
    for (const t of ['x ~ StudentT(4, mu, s)', 'x ~ Logistic(mu, s)', referenceCase('gauss_mixture_weight').model]) expect(kl(parse(t)).expr).toBeNull();
  });
});

describe('KL against quadrature at random pairs of points', () => {
  const models = [
    'x ~ Normal(mu, exp(s))',
    'data x in real; param mu; param v in positive; logp = -log(v)/2 - log(2*pi)/2 - (x-mu)^2/(2*v)',
    'const n = 10; param phi in positive; x ~ Binomial(n, phi/(1 + phi))',
    'data x in naturals; param t; logp = x*t - exp(t) - lfact(x)',
    'x ~ Geometric(p)',
    'x ~ LogNormal(mu, sigma)',
    'x ~ InverseGaussian(mu, lambda)',
    'x ~ InverseGamma(a, b)',
    'x ~ Rayleigh(s)',
    'x ~ HalfNormal(s)',
    'x ~ Gumbel(mu, beta)',
    'data x in real; param mu; param beta in positive; logp = -log(beta) + (x - mu)/beta - exp((x - mu)/beta)',
    'x ~ StudentT(4, mu, s)',
    'x ~ Logistic(mu, s)',
    'x ~ VonMises(mu, kappa)',
    'x ~ NegativeBinomial(r, p)',
  ];
  for (const text of models) {
    it(text, () => {
      const m = parse(text);
      const d = klDivergence(m);
      const out = new Mismatches();
      for (const [a, b] of pairs(m, 3, text)) {
        const want = quadKL(m, a, b);
        const got = d.at(P(a), P(b));
        out.check(`KL at ${JSON.stringify(a)} → ${JSON.stringify(b)} (${got.method})`, got.value, want, 1e-8, 1e-10);
      }
      expect(out.list).toEqual([]);
    });
  }
});

describe('KL ≈ ½ΔᵀFΔ to second order on every reference case, both directions', () => {
  for (const c of referenceCases()) {
    it(c.id, () => {
      const m = parse(c.model);
      const d = klDivergence(m);
      const r = checkLocalQuadratic(m, d.at, P(c.check_points[0]!));
      expect(r.ok, r.detail).toBe(true);
      const last = r.steps[r.steps.length - 1]!;
      // The ratio tends to 1 like t: at the last step it is within 2% in both directions, and its
      // error shrinks (the residual KL − ½t²ΔᵀFΔ is O(t³)).
      expect(Math.abs(last.forward / last.quadratic - 1)).toBeLessThan(0.02);
      expect(Math.abs(last.reverse / last.quadratic - 1)).toBeLessThan(0.02);
      for (const o of r.order) expect(o).toBeGreaterThan(2.7);
    });
  }
});

describe('supports that move with θ', () => {
  it('Uniform(0, θ): KL(p1 ‖ p2) = log(θ2/θ1) where θ1 ≤ θ2, infinite otherwise', () => {
    const m = parse('x ~ Uniform(0, theta)');
    const d = klDivergence(m);
    expect(d.finiteWhen.map((c) => `${printExpr(c.lhs)} <= ${printExpr(c.rhs)}`)).toEqual(['theta_1 <= theta_2']);
    expect(d.at(P({ theta: 1 }), P({ theta: 3 })).value).toBeCloseTo(Math.log(3), 14);
    expect(d.at(P({ theta: 3 }), P({ theta: 1 })).value).toBe(Infinity);
  });

  it('Pareto: finite only when the first scale is at least the second', () => {
    const m = parse('x ~ Pareto(xm, alpha)');
    const d = klDivergence(m);
    const a = { xm: 2, alpha: 3 };
    const b = { xm: 1.5, alpha: 2 };
    // Independent: the tests' quadrature over the first support.
    expect(d.at(P(a), P(b)).value).toBeCloseTo(quadKL(m, a, b), 9);
    expect(d.at(P(b), P(a)).value).toBe(Infinity);
  });

  it('f-divergences that stay finite are integrated over both supports', () => {
    const m = parse('x ~ Uniform(0, theta)');
    const at = (name: string, a: number, b: number): number => divergence(m, parseDivergence(name)).at(P({ theta: a }), P({ theta: b })).value;
    // Uniform(0, 2) against Uniform(0, 1), by hand: ∫√(p1 p2) = 1/√2; ½∫|p1 − p2| = 1/2.
    expect(at('hellinger', 2, 1)).toBeCloseTo(1 - Math.SQRT1_2, 9);
    expect(at('tv', 2, 1)).toBeCloseTo(0.5, 9);
    // JS by hand: on (0, 1) p1 = 1/2, p2 = 1, m = 3/4; on (1, 2) p1 = 1/2, p2 = 0, m = 1/4.
    const js = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) + 0.5 * Math.log(1 / 0.75);
    expect(at('js', 2, 1)).toBeCloseTo(js, 9);
    expect(at('chi2', 2, 1)).toBe(Infinity);
    // χ²(U(0, 1) ‖ U(0, 2)) = ∫ p1²/p2 − 1 = 2 − 1.
    expect(at('chi2', 1, 2)).toBeCloseTo(1, 9);
  });
});

describe('f-divergences', () => {
  // Pairs of points per model, apart enough for the integrals to be far from zero, near enough for χ² to be finite.
  const models: Record<string, Array<[Record<string, number>, Record<string, number>]>> = {
    'x ~ Normal(mu, sigma)': [[{ mu: 0.3, sigma: 1.2 }, { mu: -0.4, sigma: 1.5 }], [{ mu: 1, sigma: 0.8 }, { mu: 1.5, sigma: 0.7 }]],
    'x ~ Poisson(lam)': [[{ lam: 2.5 }, { lam: 3.7 }], [{ lam: 0.6 }, { lam: 0.5 }]],
    'x ~ Gamma(k, b)': [[{ k: 2, b: 1 }, { k: 2.6, b: 1.4 }], [{ k: 0.8, b: 2 }, { k: 0.7, b: 1.8 }]],
    'x ~ Beta(a, b)': [[{ a: 2, b: 3 }, { a: 2.5, b: 2.2 }], [{ a: 0.9, b: 1.5 }, { a: 1.1, b: 1.3 }]],
    'x ~ Bernoulli(p)': [[{ p: 0.3 }, { p: 0.45 }], [{ p: 0.8 }, { p: 0.6 }]],
    'x ~ Cauchy(m, s)': [[{ m: 0, s: 1 }, { m: 0.7, s: 1.3 }], [{ m: 2, s: 0.5 }, { m: 1.8, s: 0.6 }]],
    'x ~ Normal(mu, exp(s))': [[{ mu: 0, s: 0 }, { mu: 0.5, s: 0.2 }], [{ mu: -1, s: 0.5 }, { mu: -0.6, s: 0.3 }]],
  };
  // Each divergence from its definition, as an integrand in p1 = e^ℓ1 and p2 = e^ℓ2.
  const definitions: Record<string, (l1: number, l2: number) => number> = {
    hellinger: (l1, l2) => Math.exp(l1) - Math.exp((l1 + l2) / 2),
    chi2: (l1, l2) => Math.exp(2 * l1 - l2) - Math.exp(l1),
    'alpha=0.5': (l1, l2) => (16 / 3) * (Math.exp(l1) - Math.exp(0.25 * l1 + 0.75 * l2)),
    'alpha=-0.3': (l1, l2) => (4 / 0.91) * (Math.exp(l1) - Math.exp(0.65 * l1 + 0.35 * l2)),
    tv: (l1, l2) => 0.5 * Math.abs(Math.exp(l1) - Math.exp(l2)),
    // ½ p1 log(2 p1/(p1 + p2)) + ½ p2 log(2 p2/(p1 + p2)), the supports being the same.
    js: (l1, l2) => {
      const lm = Math.max(l1, l2) + Math.log1p(Math.exp(-Math.abs(l1 - l2))) - Math.LN2;
      return 0.5 * (Math.exp(l1) * (l1 - lm) + Math.exp(l2) * (l2 - lm));
    },
  };
  for (const [text, points] of Object.entries(models)) {
    it(`${text}: closed forms and numbers against quadrature of the definitions`, () => {
      const m = parse(text);
      const out = new Mismatches();
      for (const [name, h] of Object.entries(definitions)) {
        const d = divergence(m, parseDivergence(name));
        for (const [a, b] of points) {
          out.check(`${name} at ${JSON.stringify(a)} → ${JSON.stringify(b)} (${d.method})`, d.at(P(a), P(b)).value, quadOf(m, a, b, h, name === 'tv'), 1e-7, 1e-10);
        }
      }
      expect(out.list).toEqual([]);
    });
  }

  it('closed forms for exponential families through the log-partition (Bhattacharyya coefficient of the normal)', () => {
    const m = parse('x ~ Normal(mu, sigma)');
    const h = divergence(m, parseDivergence('hellinger'));
    expect(h.expr).not.toBeNull();
    // 1 − √(2σ1σ2/(σ1² + σ2²)) e^(−(μ1 − μ2)²/(4(σ1² + σ2²))) (Pardo 2006, Statistical Inference Based on Divergence Measures, p. 51).
    const [a, b] = [{ mu: 0.4, sigma: 0.7 }, { mu: -1, sigma: 1.9 }];
    const s2 = a.sigma ** 2 + b.sigma ** 2;
    expect(h.at(P(a), P(b)).value).toBeCloseTo(1 - Math.sqrt((2 * a.sigma * b.sigma) / s2) * Math.exp(-((a.mu - b.mu) ** 2) / (4 * s2)), 13);
    // χ² is infinite when 2η1 − η2 leaves the natural parameter space: σ2² ≤ σ1²/2.
    expect(divergence(m, parseDivergence('chi2')).at(P({ mu: 0, sigma: 1 }), P({ mu: 0, sigma: 0.6 })).value).toBe(Infinity);
    // Equal means: ∫ p1²/p2 = σ2/(σ1² √(2/σ1² − 1/σ2²)), by completing the square.
    expect(divergence(m, parseDivergence('chi2')).at(P({ mu: 0, sigma: 1 }), P({ mu: 0, sigma: 0.8 })).value).toBeCloseTo(0.8 / Math.sqrt(2 - 1 / 0.64) - 1, 12);
  });

  it('Amari α-divergences tend to KL(p1 ‖ p2) at α → −1 and KL(p2 ‖ p1) at α → 1; α = 0 is 4H²', () => {
    const m = parse('x ~ Gamma(k, b)');
    const [a, b] = [P({ k: 2, b: 1 }), P({ k: 3.5, b: 2.5 })];
    const klf = klDivergence(m).at(a, b).value;
    const klr = klDivergence(m).at(b, a).value;
    const at = (s: string): number => divergence(m, parseDivergence(s)).at(a, b).value;
    expect(at('alpha=-1')).toBe(klf);
    expect(at('alpha=1')).toBe(klr);
    // D_α − KL = O(1 + α): at α = −0.999 the two agree to about 1e-3 relative.
    expect(Math.abs(at('alpha=-0.999') / klf - 1)).toBeLessThan(5e-3);
    expect(Math.abs(at('alpha=0.999') / klr - 1)).toBeLessThan(5e-3);
    expect(at('alpha=0')).toBeCloseTo(4 * at('hellinger'), 12);
  });

  it("each smooth divergence is f''(1)/2 · ΔᵀFΔ to second order (closed form and numeric, raw logp too)", () => {
    const models2 = ['x ~ Normal(mu, sigma)', 'x ~ Poisson(lam)', 'x ~ Cauchy(m, s)', 'data x in positive; param k in positive; param t in positive; logp = log(k) - log(t) + (k - 1)*log(x/t) - (x/t)^k'];
    const out: string[] = [];
    for (const text of models2) {
      const m = parse(text);
      const at = P(Object.fromEntries(m.params.map((p) => [p.name, p.range.lo === 0 ? 1.3 : 0.4])));
      for (const name of ['hellinger', 'chi2', 'alpha=0.5', 'alpha=2', 'js']) {
        const d = divergence(m, parseDivergence(name));
        const r = checkLocalQuadratic(m, d.at, at, { name, curvature: d.info.curvature! });
        if (!r.ok) out.push(`${text} ${name}: ${r.detail}`);
      }
    }
    expect(out).toEqual([]);
    expect([describeCurvature('hellinger'), describeCurvature('chi2'), describeCurvature('alpha=0.3'), describeCurvature('js'), describeCurvature('tv')]).toEqual([0.25, 2, 1, 0.25, null]);
  });

  it('total variation of two normals with one σ: 2Φ(|μ1 − μ2|/(2σ)) − 1', () => {
    const m = parse('x ~ Normal(mu, sigma)');
    const tv = divergence(m, parseDivergence('tv')).at(P({ mu: 0, sigma: 1.5 }), P({ mu: 1.2, sigma: 1.5 }));
    const phi = (z: number): number => 0.5 + integrate1((t) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI), 0, z);
    expect(tv.value).toBeCloseTo(2 * phi(1.2 / 3) - 1, 10);
  });
});

const describeCurvature = (name: string): number | null => divergence(parse('x ~ Poisson(lam)'), parseDivergence(name)).info.curvature;

describe('Fisher–Rao distance', () => {
  it('closed forms of one-parameter families: Bernoulli 2|asin√p2 − asin√p1|, Poisson 2|√λ2 − √λ1|, exponential |log(λ2/λ1)| (Atkinson & Mitchell 1981)', () => {
    const d = (t: string, a: Record<string, number>, b: Record<string, number>): number => fisherRaoDistance(parse(t), { from: P(a), to: P(b) }).value!;
    expect(d('x ~ Bernoulli(p)', { p: 0.2 }, { p: 0.7 })).toBeCloseTo(2 * Math.abs(Math.asin(Math.sqrt(0.7)) - Math.asin(Math.sqrt(0.2))), 13);
    expect(d('const n = 10; x ~ Binomial(n, p)', { p: 0.2 }, { p: 0.7 })).toBeCloseTo(2 * Math.sqrt(10) * Math.abs(Math.asin(Math.sqrt(0.7)) - Math.asin(Math.sqrt(0.2))), 12);
    expect(d('x ~ Poisson(lam)', { lam: 2 }, { lam: 5 })).toBeCloseTo(2 * (Math.sqrt(5) - Math.sqrt(2)), 13);
    expect(d('x ~ Exponential(lam)', { lam: 5 }, { lam: 2 })).toBeCloseTo(Math.log(5 / 2), 13);
    // Odds: F = n/(φ(1 + φ)²), ∫√F = 2√n atan(√φ); the same distance as in p = φ/(1 + φ) (invariance).
    expect(d('const n = 10; param phi in positive; x ~ Binomial(n, phi/(1 + phi))', { phi: 0.25 }, { phi: 7 / 3 })).toBeCloseTo(d('const n = 10; x ~ Binomial(n, p)', { p: 0.2 }, { p: 0.7 }), 12);
    // A trigamma-type F: quadrature of √trigamma(k), against the tests' own quadrature.
    const gammaShape = 'data x in positive; param k in positive; logp = -lgamma(k) + (k-1)*log(x) - x';
    const trigamma = (k: number): number => integrate1((t) => (t * Math.exp(-k * t)) / -Math.expm1(-t), 0, Infinity);
    expect(d(gammaShape, { k: 1.5 }, { k: 4 })).toBeCloseTo(integrate1((k) => Math.sqrt(trigamma(k)), 1.5, 4, { tol: 1e-8 }), 7);
  });

  it('the normal in (μ, σ), (μ, v = σ²) and (μ, log σ): √2 acosh(1 + ((μ1 − μ2)²/2 + (σ1 − σ2)²)/(2σ1σ2)) (Costa, Santos & Strapasson 2015)', () => {
    const want = (m1: number, s1: number, m2: number, s2: number): number => Math.SQRT2 * Math.acosh(1 + ((m1 - m2) ** 2 / 2 + (s1 - s2) ** 2) / (2 * s1 * s2));
    const [m1, s1, m2, s2] = [0.3, 0.8, -1.1, 2.5];
    const sd = fisherRaoDistance(parse('x ~ Normal(mu, sigma)'), { from: P({ mu: m1, sigma: s1 }), to: P({ mu: m2, sigma: s2 }) });
    const variance = fisherRaoDistance(parse('data x in real; param mu; param v in positive; logp = -log(v)/2 - log(2*pi)/2 - (x-mu)^2/(2*v)'), { from: P({ mu: m1, v: s1 ** 2 }), to: P({ mu: m2, v: s2 ** 2 }) });
    const logScale = fisherRaoDistance(parse('x ~ Normal(mu, exp(s))'), { from: P({ mu: m1, s: Math.log(s1) }), to: P({ mu: m2, s: Math.log(s2) }) });
    for (const r of [sd, variance, logScale]) {
      expect(r.method).toMatch(/hyperbolic half-plane/);
      expect(r.value!).toBeCloseTo(want(m1, s1, m2, s2), 12);
    }
    // README: the same unit shift of the mean is ten times shorter at σ = 10.
    expect(fisherRaoDistance(parse('x ~ Normal(mu, sigma)'), { from: P({ mu: 0, sigma: 10 }), to: P({ mu: 1, sigma: 10 }) }).value!).toBeCloseTo(want(0, 10, 1, 10), 14);
  });

  it('geodesic shooting agrees with the closed forms (normal, Cauchy, Weibull, one-parameter families)', () => {
    const out = new Mismatches();
    const tests: Array<[string, Record<string, number>, Record<string, number>]> = [
      ['x ~ Normal(mu, sigma)', { mu: 0.3, sigma: 0.8 }, { mu: -1.1, sigma: 2.5 }],
      ['x ~ Normal(mu, exp(s))', { mu: 0, s: 0 }, { mu: 2, s: 1 }],
      ['x ~ Cauchy(m, s)', { m: 0, s: 1 }, { m: 1, s: 2 }],
      ['x ~ Weibull(k, lam)', { k: 1, lam: 1 }, { k: 2, lam: 3 }],
      ['x ~ Bernoulli(p)', { p: 0.2 }, { p: 0.7 }],
      ['x ~ Poisson(lam)', { lam: 2 }, { lam: 5 }],
    ];
    for (const [t, a, b] of tests) {
      const m = parse(t);
      const closed = fisherRaoDistance(m, { from: P(a), to: P(b) });
      const shot = fisherRaoDistance(m, { from: P(a), to: P(b), method: 'shooting' });
      expect(closed.expr, t).not.toBeNull();
      expect(shot.geodesic!.converged).toBe(true);
      out.check(`${t}: shooting (residual ${shot.geodesic!.residual.toExponential(1)})`, shot.value!, closed.value!, 1e-8, 1e-10);
      expect(Math.abs(shot.value! - closed.value!)).toBeLessThanOrEqual(10 * shot.error! + 1e-12);
    }
    expect(out.list).toEqual([]);
  });

  it('Gamma(k, b), no closed form: shooting is symmetric and obeys the triangle inequality', () => {
    const m = parse('x ~ Gamma(k, b)');
    const r = fisherRaoDistance(m, { from: P({ k: 1, b: 1 }), to: P({ k: 3, b: 2 }) });
    expect(r.expr).toBeNull();
    expect(r.valueMethod).toMatch(/geodesic shooting/);
    const pts = [{ k: 1, b: 1 }, { k: 3, b: 2 }, { k: 0.6, b: 3 }, { k: 5, b: 0.7 }];
    const d = (a: Record<string, number>, b: Record<string, number>): number => fisherRaoDistance(m, { from: P(a), to: P(b) }).value!;
    const R = pts.map((a) => pts.map((b) => (a === b ? { value: 0, error: 0 } : fisherRaoDistance(m, { from: P(a), to: P(b) }))));
    const D = R.map((row) => row.map((r) => r.value!));
    for (let i = 0; i < pts.length; i++) {
      for (let j = 0; j < pts.length; j++) {
        // Symmetric within the integration error estimates (about 1e-9 here).
        expect(Math.abs(D[i]![j]! - D[j]![i]!)).toBeLessThanOrEqual(10 * (R[i]![j]!.error! + R[j]![i]!.error!) + 1e-12);
        for (let k = 0; k < pts.length; k++) expect(D[i]![k]!).toBeLessThanOrEqual(D[i]![j]! + D[j]![k]! + 1e-9);
      }
    }
    // Short distances approach √(ΔᵀF(θ + Δ/2)Δ) to second order, F = [[trigamma(k), −1/b], [−1/b, k/b²]].
    const [k, b, dk, db] = [2, 1.5, 1e-3, -2e-3];
    const [km, bm] = [k + dk / 2, b + db / 2];
    const tg = integrate1((t) => (t * Math.exp(-km * t)) / -Math.expm1(-t), 0, Infinity);
    const local = Math.sqrt(tg * dk * dk - (2 * dk * db) / bm + (km * db * db) / (bm * bm));
    expect(Math.abs(d({ k, b }, { k: k + dk, b: b + db }) / local - 1)).toBeLessThan(1e-5);
  });

  it('shoots between far-apart points, symmetrically, above the spherical bound 2·acos(∫√(p1 p2))', () => {
    // p ↦ 2√p maps the Fisher metric isometrically into the sphere of radius 2 in L², so any path
    // between p1 and p2 is at least the great-circle arc 2·acos(∫√(p1 p2)) (Amari & Nagaoka 2000, §2.5),
    // and for nearby points the two agree to third order.
    const m = parse('x ~ Gamma(k, b)');
    const sphere = (a: Record<string, number>, b: Record<string, number>): number => 2 * Math.acos(Math.min(1, quadOf(m, a, b, (l1, l2) => Math.exp((l1 + l2) / 2))));
    const pairsOf: Array<[Record<string, number>, Record<string, number>]> = [
      [{ k: 0.1, b: 10 }, { k: 50, b: 0.1 }],
      [{ k: 1, b: 1 }, { k: 3, b: 2 }],
      [{ k: 2, b: 0.5 }, { k: 0.7, b: 0.4 }],
    ];
    for (const [a, b] of pairsOf) {
      const ab = fisherRaoDistance(m, { from: P(a), to: P(b) });
      const ba = fisherRaoDistance(m, { from: P(b), to: P(a) });
      expect(ab.geodesic!.converged && ba.geodesic!.converged).toBe(true);
      expect(Math.abs(ab.value! - ba.value!)).toBeLessThanOrEqual(10 * (ab.error! + ba.error!) + 1e-12);
      expect(ab.value!).toBeGreaterThan(sphere(a, b));
    }
    const [a, b] = [{ k: 2, b: 1.5 }, { k: 2.03, b: 1.47 }];
    expect(fisherRaoDistance(m, { from: P(a), to: P(b) }).value! / sphere(a, b)).toBeCloseTo(1, 4);
  });

  it('refuses a singular Fisher matrix (parameters not identifiable at the point)', () => {
    const m = parse('data y in {0,1}; given z in real; param b0; param b1; logp = y*(b0 + b1*z) - log(1 + exp(b0 + b1*z))');
    expect(() => fisherRaoDistance(m, { from: P({ b0: 0.1, b1: -0.3, z: 0.5 }), to: P({ b0: 0.2, b1: 0.1 }) })).toThrow(/singular/);
  });

  it('has no Fisher–Rao distance where the support moves with θ', () => {
    expect(() => fisherRaoDistance(parse('x ~ Uniform(0, theta)'))).toThrow(/support depends on theta/);
  });
});

// ---------------------------------------------------------------------------------------------
// The command line.

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

function run(...argv: string[]): { code: number; out: string; err: string } {
  const code = main(argv, (s) => {
    out += `${s}\n`;
  });
  if (typeof code !== 'number') throw new Error('expected a synchronous verb');
  return { code, out, err };
}

const render = (s: string): void => {
  for (const line of s.split('\n').filter((l) => l !== '' && !l.startsWith('%'))) {
    try {
      katex.renderToString(line, { throwOnError: true, displayMode: true });
    } catch (e) {
      throw new Error(`KaTeX cannot render ${JSON.stringify(line)}: ${(e as Error).message}`);
    }
  }
};

describe('fisherlab kl', () => {
  it('prints the README example: 1/2 at sigma = 1, 1/200 at sigma = 10', () => {
    const a = run('kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=1');
    expect(a.code).toBe(0);
    expect(a.out).toContain('log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2 - sigma_2^2)/(2*sigma_2^2)');
    expect(a.out.trim().split('\n').pop()).toBe('0.5');
    out = '';
    const b = run('kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=10', '--to', 'mu=1,sigma=10');
    expect(Number(b.out.trim().split('\n').pop())).toBeCloseTo(1 / 200, 15);
    // The printed closed form parses back to the same expression.
    const expr = b.out.split('\n').find((l) => l.startsWith('log('))!;
    expect(evaluate(parseExpr(expr), P({ mu_1: 0, sigma_1: 10, mu_2: 1, sigma_2: 10 }))).toBeCloseTo(0.005, 15);
  });

  it('--both prints both directions, --json holds the numbers in "value"', () => {
    const r = run('kl', 'x ~ Exponential(lam)', '--from', 'lam=1', '--to', 'lam=3', '--both', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual(['at', 'closedForm', 'curvature', 'definition', 'divergence', 'first', 'label', 'params', 'results', 'second', 'verb', 'version', 'warnings']);
    expect(j.at).toEqual({ lam_1: 1, lam_2: 3 });
    // log(λ1/λ2) + λ2/λ1 − 1 both ways.
    expect(j.results[0].value).toBeCloseTo(Math.log(1 / 3) + 3 - 1, 14);
    expect(j.results[1].value).toBeCloseTo(Math.log(3) + 1 / 3 - 1, 14);
    expect(j.results.map((x: { direction: string }) => x.direction)).toEqual(['p1 ‖ p2', 'p2 ‖ p1']);
  });

  it('says infinite for a support that moves, and never prints a finite number there', () => {
    const r = run('kl', 'x ~ Uniform(0, theta)', '--from', 'theta=2', '--to', 'theta=1', '--json');
    const j = JSON.parse(r.out);
    expect(j.results[0].value).toBeNull();
    expect(j.results[0].infinite).toBe(true);
    expect(j.results[0].finiteWhen).toEqual(['theta_1 <= theta_2']);
    out = '';
    const t = run('kl', 'x ~ Uniform(0, theta)', '--from', 'theta=2', '--to', 'theta=1');
    expect(t.out).toMatch(/\ninf\n/);
  });

  it('--check reports the second-order agreement and exits 0', () => {
    const r = run('kl', 'x ~ Beta(a, b)', '--from', 'a=2,b=3', '--to', 'a=2.5,b=2', '--check');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/# check ok {3}KL ≈ ½ΔᵀFΔ to second order/);
  });

  it('numeric without a closed form, with an error estimate; other divergences', () => {
    const r = run('kl', 'x ~ StudentT(4, mu, s)', '--from', 'mu=0,s=1', '--to', 'mu=1,s=2', '--json');
    const j = JSON.parse(r.out);
    expect(j.closedForm).toBe(false);
    const m = parse('x ~ StudentT(4, mu, s)');
    expect(j.results[0].value).toBeCloseTo(quadKL(m, { mu: 0, s: 1 }, { mu: 1, s: 2 }), 9);
    expect(j.results[0].errorEstimate).toBeLessThan(1e-8);
    out = '';
    const h = run('kl', 'x ~ Poisson(lam)', '--from', 'lam=2', '--to', 'lam=3', '--divergence', 'hellinger');
    expect(h.out).toContain('1 - exp(sqrt(lam_1)*sqrt(lam_2) - lam_1/2 - lam_2/2)');
  });

  it('bad input: one message, exit 2, no stack trace', () => {
    const bad: Array<[string[], RegExp]> = [
      [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0', '--to', 'mu=1,sigma=1'], /--from needs a value for sigma/],
      [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=-1', '--to', 'mu=1,sigma=1'], /--from sigma=-1: sigma must lie in positive/],
      [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1,nu=3', '--to', 'mu=1,sigma=1'], /--from names 'nu', which the model does not declare/],
      [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1,x=2', '--to', 'mu=1,sigma=1'], /'x' is data/],
      [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1'], /--from needs --to too/],
      [['kl', 'x ~ Normal(mu, sigma)', '--divergence', 'renyi'], /unknown divergence 'renyi'/],
      [['kl', 'x ~ Normal(mu, sigma)', '--divergence', 'tv', '--check'], /not smooth/],
      [['kl', 'x ~ Uniform(0, theta)', '--check'], /support depends on theta/],
      [['kl', 'x ~ Normal(mu, sigma', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=1'], /error/],
      [['distance', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1'], /--to needs a value for sigma/],
      [['distance', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=2', '--steps', '7'], /--steps must be an even whole number/],
    ];
    for (const [argv, message] of bad) {
      out = '';
      err = '';
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err).not.toMatch(/\bat \S+:\d+:\d+/); // a stack frame
    }
  });
});

describe('fisherlab distance', () => {
  it('prints the closed form and its value; shooting where there is none', () => {
    const r = run('distance', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=1');
    expect(r.code).toBe(0);
    expect(Number(r.out.trim().split('\n').pop())).toBeCloseTo(Math.SQRT2 * Math.acosh(1.25), 11);
    out = '';
    const g = run('distance', 'x ~ Gamma(k, b)', '--from', 'k=1,b=1', '--to', 'k=3,b=2', '--json');
    const j = JSON.parse(g.out);
    expect(j.closedForm).toBe(false);
    expect(j.geodesic.converged).toBe(true);
    expect(j.geodesic.residual).toBeLessThan(1e-8);
  });
});

describe('--latex renders with KaTeX', () => {
  const commands: string[][] = [
    ['kl', 'x ~ Normal(mu, sigma)', '--latex'],
    ['kl', 'x ~ Normal(mu, sigma)', '--latex', '--both', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=2'],
    ['kl', 'x ~ Uniform(0, theta)', '--latex'],
    ['kl', 'x ~ Cauchy(m, s)', '--latex'],
    ['kl', 'x ~ StudentT(4, mu, s)', '--latex', '--from', 'mu=0,s=1', '--to', 'mu=1,s=2'],
    ['kl', 'x ~ Gamma(k, b)', '--latex', '--divergence', 'hellinger'],
    ['kl', 'x ~ Beta(a, b)', '--latex', '--divergence', 'alpha=0.5'],
    ['kl', 'x ~ Logistic(mu, s)', '--latex'],
    ['distance', 'x ~ Normal(mu, sigma)', '--latex'],
    ['distance', 'x ~ Bernoulli(p)', '--latex'],
    ['distance', 'x ~ Gumbel(mu, beta)', '--latex'],
    ['distance', 'x ~ Gamma(k, b)', '--latex', '--from', 'k=1,b=1', '--to', 'k=2,b=1'],
  ];
  for (const argv of commands) {
    it(argv.join(' '), () => {
      out = '';
      const r = run(...argv);
      expect(r.code).toBe(0);
      expect(r.out.trim()).not.toBe('');
      render(r.out);
    });
  }
});
