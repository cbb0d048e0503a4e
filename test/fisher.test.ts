// The expected Fisher information: closed forms from the method ladder against published results
// (the reference cases of test/fixtures and textbook formulas) and against an independent quadrature of E[−H] (or of
// E[s sᵀ] where log p is not smooth) computed by the test's own integrator.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { children, type Expr } from '../src/expr/expr';
import { printExpr } from '../src/expr/print';
import { FAMILIES } from '../src/families/index';
import { fisher } from '../src/fisher/fisher';
import { expectation as numericExpectation, numericFisher } from '../src/fisher/numeric';
import type { Model } from '../src/lang/model';
import { parse, parseExpr } from '../src/lang/parse';
import { envOf, expectation, familyText, randomParams, rng, seedOf } from './helpers/fisher-check';
import { referenceCases } from './helpers/fixtures';

const cases = referenceCases();

/** Nodes of the expression as a tree (shared subtrees counted each time they appear). */
function treeSize(e: Expr): number {
  return 1 + children(e).reduce((n, c) => n + treeSize(c), 0);
}

/** E[target] by the test's own quadrature, entry by entry, at a parameter point. */
function quadratureFisher(m: Model, env: Map<string, number>): { value: number[][]; error: number[][] } {
  const r = fisher(m);
  const n = r.params.length;
  const flat = r.targets.flat();
  let values: number[];
  let errors: number[];
  try {
    const q = expectation(m, env, (e) => flat.map((t) => evaluate(t, e)));
    expect(Math.abs(q.value[0]! - 1)).toBeLessThan(1e-7);
    values = q.value.slice(1);
    errors = values.map(() => 0);
  } catch {
    // Endpoint singularities (chi-squared with k < 2, a Beta with b < 1) defeat the test's simple
    // integrator: the product's adaptive Gauss–Kronrod, with its error estimate, is the evidence there.
    const q = numericExpectation(m, flat, env);
    values = q.value;
    errors = q.error;
  }
  const at = (xs: number[]): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => xs[i * n + j]!));
  return { value: at(values), error: at(errors) };
}

describe('reference cases (test/fixtures)', () => {
  for (const c of cases) {
    if (!c.closed_form) continue;
    it(`${c.id}: closed form equal to the reference and as simple`, () => {
      const m = parse(c.model);
      const r = fisher(m);
      expect(r.closedForm, `method: ${r.method}`).toBe(true);
      for (const point of c.check_points) {
        const env = new Map(Object.entries({ ...c.constants, ...point }));
        r.matrix.forEach((row, i) =>
          row.forEach((e, j) => {
            const ref = evaluate(parseExpr(c.fisher[i]![j]!), env);
            const got = evaluate(e!, env);
            expect(Math.abs(got - ref), `${c.id}[${i}][${j}] = ${printExpr(e!)} at ${JSON.stringify(point)}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(ref)));
          }),
        );
      }
      // As simple as the reference: no longer than it printed the same way, or no more nodes.
      r.matrix.forEach((row, i) =>
        row.forEach((e, j) => {
          const ref = parseExpr(c.fisher[i]![j]!);
          const simpler = printExpr(e!).length <= printExpr(ref).length || treeSize(e!) <= treeSize(ref);
          expect(simpler, `${c.id}[${i}][${j}]: ${printExpr(e!)} vs ${c.fisher[i]![j]}`).toBe(true);
        }),
      );
    });
  }
});

describe('numeric reference cases (test/fixtures)', () => {
  for (const c of cases) {
    if (c.closed_form) continue;
    it(`${c.id}: within 1e-8 relative of the reference at every check point`, () => {
      const m = parse(c.model);
      c.reference_at_points.forEach((ref, k) => {
        const at = new Map(Object.entries(c.check_points[k]!));
        const r = fisher(m, { at, numeric: numericFisher });
        expect(r.closedForm).toBe(false);
        r.value!.forEach((row, i) =>
          row.forEach((v, j) => {
            expect(Math.abs(v - ref[i]![j]!) / Math.abs(ref[i]![j]!), `${c.id} at ${JSON.stringify(c.check_points[k])}`).toBeLessThanOrEqual(1e-8);
            // The reported error is honest: at least the actual error.
            expect(r.error![i]![j]!).toBeGreaterThanOrEqual(Math.abs(v - ref[i]![j]!) * 0.1);
          }),
        );
      });
    });
  }
});

/** Closed forms in other parameterisations, from the textbooks (Lehmann & Casella 1998, §2.6–2.7). */
const TEXTBOOK: Array<[string, string[][]]> = [
  ['x ~ Normal(mu, sigma)', [['1/sigma^2', '0'], ['0', '2/sigma^2']]],
  ['x ~ Normal(mu, exp(s))', [['exp(-2*s)', '0'], ['0', '2']]],
  // Parameters come in declaration order: v first, then mu.
  ['param v in positive; x ~ Normal(mu, sqrt(v))', [['1/(2*v^2)', '0'], ['0', '1/v']]],
  ['x ~ Poisson(exp(t))', [['exp(t)']]],
  ['x ~ Bernoulli(sigmoid(t))', [['sigmoid(t)*(1 - sigmoid(t))']]],
  ['param theta in positive; x ~ Gamma(a, 1/theta)', [['a/theta^2', '1/theta'], ['1/theta', 'trigamma(a)']]],
  ['param m in positive; x ~ Exponential(1/m)', [['1/m^2']]],
  // The odds parameterisation of the Jeffreys-prior literature: n/(phi (1 + phi)^2).
  ['const n = 12; param phi in positive; x ~ Binomial(n, phi/(1 + phi))', [['n/(phi*(1 + phi)^2)']]],
  ['x ~ Gamma(a, b)', [['trigamma(a)', '-1/b'], ['-1/b', 'a/b^2']]],
  ['x ~ Beta(a, b)', [['trigamma(a) - trigamma(a + b)', '-trigamma(a + b)'], ['-trigamma(a + b)', 'trigamma(b) - trigamma(a + b)']]],
  ['x ~ Weibull(k, lambda)', [['((1 - euler_gamma)^2 + pi^2/6)/k^2', '-(1 - euler_gamma)/lambda'], ['-(1 - euler_gamma)/lambda', 'k^2/lambda^2']]],
  ['x ~ Logistic(mu, s)', [['1/(3*s^2)', '0'], ['0', '(pi^2 + 3)/(9*s^2)']]],
  ['x ~ Gumbel(mu, beta)', [['1/beta^2', '(euler_gamma - 1)/beta^2'], ['(euler_gamma - 1)/beta^2', '((1 - euler_gamma)^2 + pi^2/6)/beta^2']]],
  ['x ~ Rayleigh(sigma)', [['4/sigma^2']]],
  ['x ~ InverseGaussian(mu, lambda)', [['lambda/mu^3', '0'], ['0', '1/(2*lambda^2)']]],
  ['x ~ Cauchy(mu, exp(t))', [['exp(-2*t)/2', '0'], ['0', '1/2']]],
  ['x ~ VonMises(mu, kappa)', [['kappa*besseli1(kappa)/besseli0(kappa)', '0'], ['0', '1 - besseli1(kappa)/(kappa*besseli0(kappa)) - besseli1(kappa)^2/besseli0(kappa)^2']]],
];

describe('textbook closed forms in several parameterisations', () => {
  for (const [text, ref] of TEXTBOOK) {
    it(text, () => {
      const m = parse(text);
      const r = fisher(m);
      expect(r.closedForm, `method ${r.method}`).toBe(true);
      const rand = rng(seedOf(text));
      for (let k = 0; k < 4; k++) {
        const env = envOf(m, randomParams(m, rand));
        r.matrix.forEach((row, i) =>
          row.forEach((e, j) => {
            const want = evaluate(parseExpr(ref[i]![j]!), env);
            expect(Math.abs(evaluate(e!, env) - want), `${printExpr(e!)} vs ${ref[i]![j]}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want)));
          }),
        );
      }
    });
  }
});

/** Raw log-densities in other parameterisations (precision, scale, mean-shape, logit, log-link...). */
const RAW: Array<[string, string[][] | null]> = [
  ['data x in real; param mu; param tau in positive; logp = log(tau)/2 - log(2*pi)/2 - tau*(x-mu)^2/2', [['tau', '0'], ['0', '1/(2*tau^2)']]],
  ['data x in positive; param theta in positive; logp = -log(theta) - x/theta', [['1/theta^2']]],
  ['data x in positive; param k in positive; param theta in positive; logp = -lgamma(k) - k*log(theta) + (k-1)*log(x) - x/theta', [['trigamma(k)', '1/theta'], ['1/theta', 'k/theta^2']]],
  ['data x in positive; param mu in positive; param k in positive; logp = k*log(k/mu) - lgamma(k) + (k-1)*log(x) - k*x/mu', [['k/mu^2', '0'], ['0', 'trigamma(k) - 1/k']]],
  ['const n = 8; data x in {0..n}; param eta; logp = lchoose(n, x) + x*eta - n*log(1 + exp(eta))', [['n*exp(eta)/(1 + exp(eta))^2']]],
  ['data x in {1..inf}; param p in (0,1); logp = log(p) + (x-1)*log(1-p)', [['1/(p^2*(1 - p))']]],
  ['const r = 2.5; data x in naturals; param mu in positive; logp = lgamma(x + r) - lgamma(r) - lfact(x) + r*log(r/(r+mu)) + x*log(mu/(r+mu))', [['r/(mu*(mu + r))']]],
  ['data x in (0,1); param mu in (0,1); param phi in positive; logp = lgamma(phi) - lgamma(mu*phi) - lgamma((1-mu)*phi) + (mu*phi-1)*log(x) + ((1-mu)*phi-1)*log(1-x)', null],
  ['const k = 2; data x in positive; param lam in positive; logp = log(k) - log(lam) + (k-1)*log(x/lam) - (x/lam)^k', [['k^2/lam^2']]],
  // Maxwell–Boltzmann with scale a: 6/a^2.
  ['data x in positive; param a in positive; logp = log(2/pi)/2 + 2*log(x) - 3*log(a) - x^2/(2*a^2)', [['6/a^2']]],
  ['data x in positive; param k in positive; logp = -(k/2)*log(2) - lgamma(k/2) + (k/2 - 1)*log(x) - x/2', [['trigamma(k/2)/4']]],
  // Half-Cauchy scale: as the Cauchy's, 1/(2 s^2).
  ['data x in positive; param s in positive; logp = log(2/pi) - log(s) - log(1 + x^2/s^2)', [['1/(2*s^2)']]],
  ['data y in real; given z in real; param b0; param b1; param sigma in positive; logp = -log(sigma) - log(2*pi)/2 - (y - b0 - b1*z)^2/(2*sigma^2)', [['1/sigma^2', 'z/sigma^2', '0'], ['z/sigma^2', 'z^2/sigma^2', '0'], ['0', '0', '2/sigma^2']]],
  ['data y in naturals; given z in real; param b0; param b1; logp = y*(b0 + b1*z) - exp(b0 + b1*z) - lfact(y)', [['exp(b0 + b1*z)', 'z*exp(b0 + b1*z)'], ['z*exp(b0 + b1*z)', 'z^2*exp(b0 + b1*z)']]],
  ['const s = 2; data x in real; param mu; logp = -log(pi) - log(s) - log(1 + (x-mu)^2/s^2)', [['1/(2*s^2)']]],
  // The logistic written with cosh: 1/(3 s^2) and (pi^2 + 3)/(9 s^2).
  ['data x in real; param mu; param s in positive; logp = -log(4*s) - 2*log(cosh((x-mu)/(2*s)))', [['1/(3*s^2)', '0'], ['0', '(pi^2 + 3)/(9*s^2)']]],
  // Log-logistic through log x.
  ['data x in positive; param mu in real; param s in positive; logp = -log(x) - log(s) - (log(x) - mu)/s - 2*log(1 + exp(-(log(x) - mu)/s))', [['1/(3*s^2)', '0'], ['0', '(pi^2 + 3)/(9*s^2)']]],
  ['data x in positive; param lam in positive; param k in positive; logp = log(k/lam) + (k-1)*log(x/lam) - (x/lam)^k', [['k^2/lam^2', '-(1 - euler_gamma)/lam'], ['-(1 - euler_gamma)/lam', '((1 - euler_gamma)^2 + pi^2/6)/k^2']]],
  // N(t, t^2), a curved family: 3/t^2.
  ['data x in real; param t in positive; logp = -log(2*pi)/2 - log(t) - (x - t)^2/(2*t^2)', [['3/t^2']]],
  // Curved exponential families, through the log-partition of the full family.
  ['data x in real; param theta; logp = -log(2*pi)/2 - log(abs(theta)) - (x - theta)^2/(2*theta^2)', [['3/theta^2']]],
  ['data x in positive; param a in positive; logp = -lgamma(a) + (a-1)*log(x) - x*exp(-a) - a^2', [['a + 2 + trigamma(a)']]],
  ['data x in (-pi, pi); param kappa in positive; logp = kappa*cos(x) - log(2*pi) - log(besseli0(kappa))', [['1 - besseli1(kappa)/(kappa*besseli0(kappa)) - besseli1(kappa)^2/besseli0(kappa)^2']]],
];

describe('raw log-densities in other parameterisations', () => {
  for (const [text, ref] of RAW) {
    it(text, () => {
      const m = parse(text);
      const r = fisher(m);
      expect(r.closedForm, `method ${r.method}`).toBe(true);
      if (ref === null) return;
      const rand = rng(seedOf(text));
      for (let k = 0; k < 3; k++) {
        const env = envOf(m, randomParams(m, rand), { z: 0.7 });
        r.matrix.forEach((row, i) =>
          row.forEach((e, j) => {
            const want = evaluate(parseExpr(ref[i]![j]!), env);
            expect(Math.abs(evaluate(e!, env) - want), `${printExpr(e!)} vs ${ref[i]![j]}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want)));
          }),
        );
      }
    });
  }
});

describe('every closed form agrees with quadrature of its defining expectation', () => {
  const models = [
    ...RAW.map(([t]) => t).filter((t) => !t.includes('given')),
    ...[...FAMILIES.keys()].filter((n) => parse(FAMILIES.get(n)!.text).data.length === 1).map(familyText),
    ...TEXTBOOK.map(([t]) => t),
  ];
  for (const text of models) {
    it(text, () => {
      const m = parse(text);
      const r = fisher(m);
      if (!r.closedForm) {
        // Nothing claimed: every entry is either derived or honestly absent.
        expect(r.matrix.flat().some((e) => e === null)).toBe(true);
        return;
      }
      const rand = rng(seedOf(`q${text}`));
      for (let k = 0; k < 2; k++) {
        const env = envOf(m, randomParams(m, rand));
        const q = quadratureFisher(m, env);
        r.matrix.forEach((row, i) =>
          row.forEach((e, j) => {
            const v = evaluate(e!, env);
            const want = q.value[i]![j]!;
            const tol = Math.max(1e-6 * Math.max(1, Math.abs(want)), 10 * q.error[i]![j]!);
            expect(Math.abs(v - want), `${text} [${i}][${j}] = ${printExpr(e!)}: ${v} vs quadrature ${want}`).toBeLessThanOrEqual(tol);
          }),
        );
      }
    });
  }
});


describe('properties', () => {
  it('is symmetric and positive semi-definite at random points', () => {
    for (const text of ['x ~ Gamma(a, b)', 'x ~ Weibull(k, l)', 'x ~ Gumbel(m, s)', 'x ~ Beta(a, b)', 'data y1, y2 in {0,1}; param p1 in (0,1); param p2 in (0,1); logp = y1*log(p1) + y2*log(p2) + (1-y1-y2)*log(1-p1-p2)']) {
      const m = parse(text);
      const r = fisher(m);
      const rand = rng(seedOf(text));
      const env = envOf(m, randomParams(m, rand));
      const v = r.matrix.map((row) => row.map((e) => evaluate(e!, env)));
      expect(v[0]![1]).toBe(v[1]![0]);
      // 2x2 leading block: trace and determinant non-negative.
      expect(v[0]![0]! + v[1]![1]!).toBeGreaterThan(0);
      expect(v[0]![0]! * v[1]![1]! - v[0]![1]! ** 2).toBeGreaterThanOrEqual(-1e-12);
    }
  });

  it('a support that depends on the parameter gives a warning and no number for that parameter', () => {
    const r = fisher(parse('x ~ Uniform(0, theta)'));
    expect(r.warnings.join(' ')).toMatch(/support of 'x' depends on the parameter 'theta'/);
    expect(r.closedForm).toBe(false);
    expect(r.matrix[0]![0]).toBeNull();
    expect(r.methods[0]![0]).toMatch(/irregular/);
    // Pareto: the shape alpha is regular (1/alpha^2), the scale xm is not.
    const p = fisher(parse('x ~ Pareto(xm, alpha)'));
    expect(p.matrix[1]![1] && printExpr(p.matrix[1]![1])).toBe('1/alpha^2');
    expect(p.matrix[0]![0]).toBeNull();
    expect(p.matrix[0]![1]).toBeNull();
  });

  it('a log-density that is not smooth in θ is handled as E[s sᵀ] with a warning (Laplace)', () => {
    const r = fisher(parse('x ~ Laplace(mu, b)'));
    expect(r.estimator).toBe('score-outer-product');
    expect(r.warnings.join(' ')).toMatch(/not differentiable/);
    expect(r.matrix.map((row) => row.map((e) => printExpr(e!)))).toEqual([['1/b^2', '0'], ['0', '1/b^2']]);
  });

  it('Student-t with its degrees of freedom a parameter: the closed form of Lange, Little & Taylor (1989, JASA 84, 881–896)', () => {
    const r = fisher(parse('x ~ StudentT(nu, mu, sigma)'));
    expect(r.closedForm, r.method).toBe(true);
    const ref = [
      ['(trigamma(nu/2) - trigamma((nu + 1)/2))/4 - (nu + 5)/(2*nu*(nu + 1)*(nu + 3))', '0', '-2/(sigma*(nu + 1)*(nu + 3))'],
      ['0', '(nu + 1)/((nu + 3)*sigma^2)', '0'],
      ['-2/(sigma*(nu + 1)*(nu + 3))', '0', '2*nu/((nu + 3)*sigma^2)'],
    ];
    for (const env of [new Map([['nu', 5], ['mu', 0.3], ['sigma', 2]]), new Map([['nu', 0.7], ['mu', -1], ['sigma', 0.4]]), new Map([['nu', 31], ['mu', 2], ['sigma', 1.1]])]) {
      r.matrix.forEach((row, i) => row.forEach((e, j) => expect(evaluate(e!, env)).toBeCloseTo(evaluate(parseExpr(ref[i]![j]!), env), 12)));
    }
  });

  it('does not claim a closed form it has not derived (a mixture, the negative binomial with unknown r)', () => {
    for (const text of ['const m1 = -1; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2', 'x ~ NegativeBinomial(r, p)']) {
      const r = fisher(parse(text));
      expect(r.closedForm).toBe(false);
      expect(r.matrix.flat().some((e) => e === null)).toBe(true);
    }
  });
});

describe('multivariate families', () => {
  /** E[target] over a finite joint support by exact summation. */
  function sumOver(m: Model, env: Map<string, number>, points: Array<Record<string, number>>, targets: Expr[]): number[] {
    const out = targets.map(() => 0);
    let mass = 0;
    for (const pt of points) {
      const e = new Map([...env, ...Object.entries(pt)]);
      const p = Math.exp(evaluate(m.logp, e));
      mass += p;
      targets.forEach((t, k) => (out[k]! += p * evaluate(t, e)));
    }
    expect(mass).toBeCloseTo(1, 12);
    return out;
  }

  it('Categorical and Multinomial: the closed form equals the exact sum over the outcomes', () => {
    const cat = parse('y1, y2, y3 ~ Categorical(p1, p2, p3)');
    const onehot = [{ y1: 1, y2: 0, y3: 0 }, { y1: 0, y2: 1, y3: 0 }, { y1: 0, y2: 0, y3: 1 }, { y1: 0, y2: 0, y3: 0 }];
    const mult = parse('x1, x2 ~ Multinomial(6, p1, p2)');
    const counts: Array<Record<string, number>> = [];
    for (let a = 0; a <= 6; a++) for (let b = 0; a + b <= 6; b++) counts.push({ x1: a, x2: b });
    for (const [m, pts, env] of [
      [cat, onehot, new Map([['p1', 0.2], ['p2', 0.3], ['p3', 0.1]])],
      [mult, counts, new Map([['p1', 0.25], ['p2', 0.45]])],
    ] as const) {
      const r = fisher(m);
      expect(r.closedForm, r.method).toBe(true);
      const want = sumOver(m, new Map(env), [...pts], r.targets.flat());
      r.matrix.flat().forEach((e, k) => expect(evaluate(e!, new Map(env))).toBeCloseTo(want[k]!, 10));
    }
  });

  it('BivariateNormal: the published information matrix (Anderson 2003, An Introduction to Multivariate Statistical Analysis, §3)', () => {
    const m = parse('x1, x2 ~ BivariateNormal(m1, m2, s1, s2, r)');
    const r = fisher(m);
    expect(r.closedForm, r.method).toBe(true);
    const ref = [
      ['1/(s1^2*(1 - r^2))', '-r/(s1*s2*(1 - r^2))', '0', '0', '0'],
      ['-r/(s1*s2*(1 - r^2))', '1/(s2^2*(1 - r^2))', '0', '0', '0'],
      ['0', '0', '(2 - r^2)/(s1^2*(1 - r^2))', '-r^2/(s1*s2*(1 - r^2))', '-r/(s1*(1 - r^2))'],
      ['0', '0', '-r^2/(s1*s2*(1 - r^2))', '(2 - r^2)/(s2^2*(1 - r^2))', '-r/(s2*(1 - r^2))'],
      ['0', '0', '-r/(s1*(1 - r^2))', '-r/(s2*(1 - r^2))', '(1 + r^2)/(1 - r^2)^2'],
    ];
    const env = new Map([['m1', 0.3], ['m2', -1.1], ['s1', 1.7], ['s2', 0.6], ['r', -0.35]]);
    r.matrix.forEach((row, i) => row.forEach((e, j) => expect(evaluate(e!, env)).toBeCloseTo(evaluate(parseExpr(ref[i]![j]!), env), 12)));
  });

  it('Dirichlet: trigamma(a_i) on the diagonal minus trigamma(a0) everywhere (reference case dirichlet3, in 4 dimensions)', () => {
    const r = fisher(parse('x1, x2, x3 ~ Dirichlet(a1, a2, a3, a4)'));
    expect(r.closedForm).toBe(true);
    expect(printExpr(r.matrix[0]![0]!)).toBe('trigamma(a1) - trigamma(a1 + a2 + a3 + a4)');
    expect(printExpr(r.matrix[1]![3]!)).toBe('-trigamma(a1 + a2 + a3 + a4)');
  });
});
