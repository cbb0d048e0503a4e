/**
 * Exponential families, reparameterisation, Jeffreys priors and Cramér–Rao bounds, each checked
 * against evidence that does not come from the code under test: the reference cases' published
 * Fisher matrices and Jeffreys priors, textbook closed forms (cited), quadrature and summation
 * (src/fisher/numeric.ts `expectation`, and the tests' own double-exponential rules), the method
 * ladder run on the reparameterised density, and simulation.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli';
import { evaluate } from '../src/expr/evaluate';
import { mul, type Expr } from '../src/expr/expr';
import { constantValues } from '../src/fisher/derivatives';
import { fisher } from '../src/fisher/fisher';
import { expectation, numericFisher } from '../src/fisher/numeric';
import { parameterPoints } from '../src/fisher/points';
import { parse, parseExpr } from '../src/lang/parse';
import { Rng } from '../src/numeric/random';
import { crb } from '../src/stats/crb';
import { expfamily, type ExponentialFamily } from '../src/stats/expfamily';
import { jeffreys, transformKernel } from '../src/stats/jeffreys';
import { reparam } from '../src/stats/reparam';
import { closedCase, numericCase, referenceCase, referenceCases, type ClosedCase } from './helpers/fixtures';
import { integrate1 } from './helpers/quad';

const cases = referenceCases();
const env = (m: ReturnType<typeof parse>, p: Record<string, number> | ReadonlyMap<string, number>): Map<string, number> =>
  new Map([...constantValues(m), ...(p instanceof Map ? p : Object.entries(p))]);
const close = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** Is f/g the same number at every point (a prior known up to a constant)? */
function constantRatio(f: Expr, g: Expr, points: ReadonlyArray<ReadonlyMap<string, number>>, rel = 1e-9): { ok: boolean; ratios: number[] } {
  const ratios = points.map((p) => evaluate(f, p) / evaluate(g, p));
  return { ok: ratios.every((r) => Number.isFinite(r) && close(r, ratios[0]!, rel)), ratios };
}

/** A small Gauss–Jordan inverse, written here so that the bound is checked against it. */
function invert(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...a.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]!;
    m[c] = m[c]!.map((x) => x / d);
    for (let r = 0; r < n; r++) if (r !== c) m[r] = m[r]!.map((x, k) => x - m[r]![c]! * m[c]![k]!);
  }
  return m.map((r) => r.slice(n));
}

function ef(text: string): ExponentialFamily {
  const r = expfamily(parse(text));
  if (!r.exponentialFamily) throw new Error(`${text} was not recognised: ${r.reason}`);
  return r;
}

// ---------------------------------------------------------------------------------------------

describe('expfamily: exponential families by structure, in any parameterisation', () => {
  it('the normal in (mu, sigma): η, T, A(θ), A(η), h, E[T] as published', () => {
    // Wainwright & Jordan (2008), Graphical Models, Exponential Families, and Variational
    // Inference, Example 3.3: η = (μ/σ², −1/(2σ²)), T = (x, x²), A(η) = −η1²/(4η2) − log(−2η2)/2.
    const r = ef('x ~ Normal(mu, sigma)');
    expect(r.curved).toBe(false);
    expect(r.stats).toEqual([parseExpr('x'), parseExpr('x^2')]);
    expect(r.eta).toEqual([parseExpr('mu/sigma^2'), parseExpr('-1/(2*sigma^2)')]);
    expect(r.mean).toEqual([parseExpr('mu'), parseExpr('mu^2 + sigma^2')]);
    const published = parseExpr('-eta1^2/(4*eta2) - log(-2*eta2)/2');
    for (const [e1, e2] of [[0.3, -0.2], [-1.5, -2], [4, -0.01]] as const) {
      const at = new Map([['eta1', e1], ['eta2', e2]]);
      expect(close(evaluate(r.logPartitionNatural!, at), evaluate(published, at), 1e-12)).toBe(true);
    }
    // A(θ) and log h together give back the density's constant: log p = η·T − A + log h.
    const m = parse('x ~ Normal(mu, sigma)');
    const rebuilt = r.eta.reduce<Expr[]>((acc, e, k) => [...acc, mul(e, r.stats[k]!)], []);
    for (const p of parameterPoints(m, 3)) {
      p.set('x', 0.7);
      const lhs = evaluate(m.logp, p);
      const rhs = rebuilt.reduce((s, t) => s + evaluate(t, p), 0) - evaluate(r.logPartition, p) + evaluate(r.logBase, p);
      expect(close(lhs, rhs, 1e-12)).toBe(true);
    }
  });

  it.each([
    ['x ~ Poisson(lam)', 'x', 'log(lam)', 'lam'],
    ['x ~ Bernoulli(p)', 'x', 'log(p) - log(1 - p)', 'p'],
    ['x ~ Poisson(exp(t))', 'x', 't', 'exp(t)'],
    ['x ~ Exponential(lam)', 'x', '-lam', '1/lam'],
    ['x ~ Geometric(p)', 'x', 'log(1 - p)', '(1 - p)/p'],
    ['const b = 2; x ~ Gumbel(mu, b)', 'exp(-x/b)', '-exp(mu/b)', 'exp(-mu/b)'],
    ['data x in {0,1}; param t; logp = log(sigmoid(t)^x*(1-sigmoid(t))^(1-x))', 'x', 'log(sigmoid(t)) - log(1 - sigmoid(t))', 'sigmoid(t)'],
    // A function of a two-valued datum is the line through its two values.
    ['data x in {0,1}; param t; logp = log(x*sigmoid(t) + (1-x)*(1-sigmoid(t)))', 'x', 'log(sigmoid(t)) - log(1 - sigmoid(t))', 'sigmoid(t)'],
  ])('%s: one statistic %s, η = %s, E[T] = %s (textbook means)', (text, t, eta, mean) => {
    const r = ef(text);
    expect(r.stats).toEqual([parseExpr(t)]);
    expect(r.eta).toEqual([parseExpr(eta)]);
    // Compare the mean numerically: its printed form may differ.
    const m = parse(text);
    for (const p of parameterPoints(m, 3)) expect(close(evaluate(r.mean[0]!, p), evaluate(parseExpr(mean), p), 1e-12)).toBe(true);
  });

  it('sees the exponential family behind reparameterised and hand-written densities', () => {
    expect(ef('x ~ Normal(mu, exp(s))').eta).toEqual([parseExpr('mu*exp(-2*s)'), parseExpr('-exp(-2*s)/2')]);
    expect(ef('const k = 1.5; x ~ Weibull(k, l)').stats).toEqual([parseExpr('x^k')]);
    // The von Mises through cos(x − μ) = cos x cos μ + sin x sin μ: T = (cos x, sin x).
    const vm = ef('x ~ VonMises(mu, kappa)');
    expect(vm.stats).toEqual([parseExpr('cos(x)'), parseExpr('sin(x)')]);
    expect(vm.eta).toEqual([parseExpr('kappa*cos(mu)'), parseExpr('kappa*sin(mu)')]);
    // The ladder has no closed form here; Jᵀ Cov[T] J = σ(t)(1 − σ(t)) agrees with its numeric rung.
    expect(ef('data x in {0,1}; param t; logp = log(sigmoid(t)^x*(1-sigmoid(t))^(1-x))').agreesWithLadder).toBe(true);
    // Statistics with proportional natural parameters are merged (a minimal representation).
    // N(−1, 1/t): −t(x + 1)²/2 gives x² and x the coefficients −t/2 and −t, so T = x² + 2x.
    const merged = ef('data x in real; param t in positive; logp = -t*(x + 1)^2/2 + log(t)/2 - log(2*pi)/2');
    expect(merged.stats.length).toBe(1);
    const product = mul(merged.eta[0]!, merged.stats[0]!);
    for (const [t, x] of [[0.5, 1.3], [2, -0.7]] as const) {
      expect(close(evaluate(product, new Map([['t', t], ['x', x]])), (-t * (x * x + 2 * x)) / 2, 1e-14)).toBe(true);
    }
  });

  it('multivariate families: Categorical, Multinomial, Dirichlet, bivariate normal', () => {
    expect(ef('y1, y2 ~ Categorical(p1, p2)').stats).toEqual([parseExpr('y1'), parseExpr('y2')]);
    expect(ef('x1, x2 ~ Multinomial(5, p1, p2)').eta).toEqual([parseExpr('log(p1) - log(1 - p1 - p2)'), parseExpr('log(p2) - log(1 - p1 - p2)')]);
    const d = ef('x1, x2 ~ Dirichlet(a1, a2, a3)');
    expect(d.stats).toEqual([parseExpr('log(x1)'), parseExpr('log(x2)'), parseExpr('log(1 - x1 - x2)')]);
    // Cov[log x] = diag(ψ′(a_i)) − ψ′(a0) 1 1ᵀ (the reference case's Fisher matrix, in natural coordinates).
    const ref = closedCase('dirichlet3').fisher.map((r) => r.map(parseExpr));
    const m = parse('x1, x2 ~ Dirichlet(a1, a2, a3)');
    for (const p of parameterPoints(m, 2)) {
      d.natural!.forEach((row, i) => row.forEach((e, j) => expect(close(evaluate(e, p), evaluate(ref[i]![j]!, p), 1e-10)).toBe(true)));
    }
    const bvn = ef('x1, x2 ~ BivariateNormal(m1, m2, s1, s2, r)');
    expect(bvn.stats.length).toBe(5);
    expect(bvn.curved).toBe(false);
    expect(bvn.agreesWithLadder).toBe(true);
  });

  it('curved families say so: N(θ, θ²) lies on a curve of the normal family', () => {
    const r = ef('x ~ Normal(theta, theta^2)');
    expect(r.curved).toBe(true);
    expect(r.eta.length).toBe(2);
    expect(r.rank).toBe(1);
    expect(r.fullFamily).toBe('normal');
    expect(r.notes.join(' ')).toMatch(/curved/);
    // Its Fisher information, Jᵀ Cov[T] J: for N(θ, σ = θ²), 1/θ⁴ + 8/θ² (the normal's
    // 1/σ² + 2σ′²/σ² with σ = θ², σ′ = 2θ).
    const m = parse('x ~ Normal(theta, theta^2)');
    for (const p of parameterPoints(m, 3)) {
      const t = p.get('theta')!;
      expect(close(evaluate(r.fisher![0]![0]!, p), 1 / t ** 4 + 8 / t ** 2, 1e-12)).toBe(true);
    }
  });

  it.each([
    ['x ~ Normal(mu, sigma)', { mu: 0.4, sigma: 1.3 }],
    ['x ~ Gamma(a, b)', { a: 2.5, b: 1.5 }],
    ['x ~ Beta(a, b)', { a: 1.7, b: 0.8 }],
    ['x ~ Poisson(lam)', { lam: 3.2 }],
    ['const n = 12; x ~ Binomial(n, p)', { p: 0.35 }],
    ['x ~ InverseGaussian(mu, lam)', { mu: 1.4, lam: 2.2 }],
    ['x ~ LogNormal(mu, s)', { mu: 0.2, s: 0.6 }],
    ['x ~ VonMises(mu, kappa)', { mu: 0.5, kappa: 1.8 }],
    ['x ~ Normal(theta, theta^2)', { theta: 1.2 }],
    ['x ~ Normal(mu, exp(s))', { mu: -0.3, s: 0.25 }],
    ['x1, x2 ~ Multinomial(4, p1, p2)', { p1: 0.3, p2: 0.45 }],
  ])('%s: E[T] and Cov[T] = ∇²A agree with quadrature / summation at %o', (text, point) => {
    const m = parse(text);
    const r = ef(text);
    const at = env(m, point);
    const gs: Expr[] = [...r.stats];
    for (let j = 0; j < r.stats.length; j++) for (let k = j; k < r.stats.length; k++) gs.push(mul(r.stats[j]!, r.stats[k]!));
    const q = expectation(m, gs, at, 1e-12).value;
    const s = r.stats.length;
    r.mean.forEach((e, k) => expect(close(evaluate(e!, at), q[k]!, 1e-8)).toBe(true));
    let idx = s;
    for (let j = 0; j < s; j++) {
      for (let k = j; k < s; k++) {
        const cov = q[idx++]! - q[j]! * q[k]!;
        expect(close(evaluate(r.natural![j]![k]!, at), cov, 1e-7)).toBe(true);
      }
    }
    // Mean coordinates: the inverse of Cov[T].
    if (r.meanCoordinates !== null) {
      const c = r.natural!.map((row) => row.map((e) => evaluate(e, at)));
      const inv = invert(c);
      r.meanCoordinates.forEach((row, i) => row.forEach((e, j) => expect(close(evaluate(e, at), inv[i]![j]!, 1e-9)).toBe(true)));
    }
  });

  it('the Fisher matrix in θ, Jᵀ Cov[T] J, is the reference cases’ published matrix', () => {
    // (logistic_regression_2 is singular: one statistic for two parameters.)
    let checked = 0;
    for (const c of cases.filter((x): x is ClosedCase => x.closed_form && x.id !== 'logistic_regression_2')) {
      const m = parse(c.model);
      const r = expfamily(m);
      if (!r.exponentialFamily) continue;
      checked++;
      const ref = c.fisher.map((row) => row.map(parseExpr));
      for (const p of c.check_points) {
        const at = env(m, p);
        r.fisher!.forEach((row, i) => row.forEach((e, j) => expect(close(evaluate(e, at), evaluate(ref[i]![j]!, at), 1e-10), `${c.id} (${i}, ${j})`).toBe(true)));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('Categorical: E[T] and Cov[T] against the sum over the three outcomes', () => {
    // One-hot data (y1, y2) ∈ {(1,0), (0,1), (0,0)}: summed here, since the product of the
    // supports also holds the impossible (1, 1).
    const m = parse('y1, y2 ~ Categorical(p1, p2)');
    const r = ef('y1, y2 ~ Categorical(p1, p2)');
    const at = env(m, { p1: 0.2, p2: 0.5 });
    const outcomes = [[1, 0], [0, 1], [0, 0]] as const;
    const p = outcomes.map(([a, b]) => Math.exp(evaluate(m.logp, new Map([...at, ['y1', a], ['y2', b]]))));
    expect(close(p.reduce((x, y) => x + y, 0), 1, 1e-14)).toBe(true);
    const e = [0, 1].map((k) => outcomes.reduce((s, o, i) => s + p[i]! * o[k]!, 0));
    const exx = (j: number, k: number): number => outcomes.reduce((s, o, i) => s + p[i]! * o[j]! * o[k]!, 0);
    r.mean.forEach((x, k) => expect(close(evaluate(x!, at), e[k]!, 1e-14)).toBe(true));
    for (const [j, k] of [[0, 0], [0, 1], [1, 1]] as const) expect(close(evaluate(r.natural![j]![k]!, at), exx(j, k) - e[j]! * e[k]!, 1e-14)).toBe(true);
  });

  it.each([
    ['cauchy_loc_scale', /log\(1 \+ \(x - mu\)\^2\/s\^2\) mixes the data with mu, s and does not separate into η\(θ\)·T\(x\)/],
    ['student_t_loc_scale_nu4', /log\(1 \+ \(x - mu\)\^2\/\(4\*sigma\^2\)\)|log\(1 \+ \(x - mu\)\^2\/\(nu\*sigma\^2\)\)/],
    ['laplace_mu_b', /abs\(x - mu\) mixes the data with mu/],
    ['gauss_mixture_weight', /log\(w\*exp.* mixes the data with w/],
  ])('%s is not an exponential family, with the term that does not separate', (id, why) => {
    const r = expfamily(parse(referenceCase(id).model));
    expect(r.exponentialFamily).toBe(false);
    if (r.exponentialFamily) return;
    expect(r.reason).toMatch(why);
    expect(r.certain).toBe(true);
    expect(r.span).toBeGreaterThan(3);
  });

  it.each([
    ['x ~ Uniform(0, theta)', /support \(0, theta\) of x depends on theta/],
    ['x ~ Pareto(xm, alpha)', /support \(xm, inf\) of x depends on xm/],
  ])('%s: a support that moves with θ is the reason', (text, why) => {
    const r = expfamily(parse(text));
    expect(r.exponentialFamily).toBe(false);
    if (!r.exponentialFamily) expect(r.reason).toMatch(why);
  });

  it('Pareto with its scale known is an exponential family in the shape', () => {
    const r = ef('x ~ Pareto(1, alpha)');
    expect(r.stats).toEqual([parseExpr('log(x)')]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('reparam: the Fisher matrix transforms as Jᵀ F J', () => {
  it('the Binomial in odds: n/(phi*(1+phi)^2), the example of the Jeffreys-prior literature', () => {
    const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
    expect(r.fisher.matrix[0]![0]).toBe(parseExpr('n/(phi*(1+phi)^2)'));
    expect(r.pullback![0]![0]).toBe(parseExpr('n/(phi*(1+phi)^2)'));
    expect(r.newParams).toEqual([expect.objectContaining({ name: 'phi', label: 'positive', origin: 'inferred' })]);
    expect(r.agreement).toMatchObject({ symbolic: true, ok: true });
  });

  it.each([
    // map, model, published Fisher matrix in the new coordinates
    ['log rate', 'x ~ Poisson(lam)', 'lam = exp(t)', [['exp(t)']]],
    ['logit', 'x ~ Bernoulli(p)', 'p = sigmoid(a)', [['sigmoid(a)*(1 - sigmoid(a))']]],
    // Normal in precision τ = 1/σ²: F = diag(τ, 1/(2τ²)) (Lehmann & Casella 1998, Table 2.5.1 with the chain rule).
    ['precision', 'x ~ Normal(mu, sigma)', 'sigma = 1/sqrt(tau)', [['tau', '0'], ['0', '1/(2*tau^2)']]],
    // Normal in variance: the reference case normal_mu_var.
    ['variance', 'x ~ Normal(mu, sigma)', 'sigma = sqrt(v)', closedCase('normal_mu_var').fisher],
    ['log scale', 'x ~ Cauchy(mu, s)', 's = exp(t)', [['exp(-2*t)/2', '0'], ['0', '1/2']]],
    // Gamma in (shape k, mean m): orthogonal, diag(ψ′(k) − 1/k, k/m²) (Cox & Reid 1987, JRSS B 49, §2).
    ['shape and mean', 'x ~ Gamma(a, b)', 'a = k; b = k/m', [['trigamma(k) - 1/k', '0'], ['0', 'k/m^2']]],
  ])('%s: the ladder on the new density equals Jᵀ F J and the published matrix', (_name, text, map, published) => {
    const r = reparam(parse(text), map);
    expect(r.agreement?.ok).toBe(true);
    expect(r.agreement?.symbolic).toBe(true);
    const ref = (published as ReadonlyArray<ReadonlyArray<string>>).map((row) => row.map(parseExpr));
    for (const p of parameterPoints(r.model, 4)) {
      r.fisher.matrix.forEach((row, i) => row.forEach((e, j) => expect(close(evaluate(e!, p), evaluate(ref[i]![j]!, p), 1e-10)).toBe(true)));
    }
  });

  it('infers the largest domain the map sends into the old one, and says when it does not', () => {
    expect(reparam(parse('x ~ Normal(mu, sigma)'), 'sigma = exp(s)').newParams[1]).toMatchObject({ name: 's', label: 'real' });
    expect(reparam(parse('x ~ Bernoulli(p)'), 'p = phi^2').newParams[0]).toMatchObject({ label: '(0, 1)' });
    expect(() => reparam(parse('x ~ Bernoulli(p)'), 'p = phi', { domains: 'phi in (0, 2)' })).toThrow(/does not map the new domain \(phi in \(0, 2\)\) into the domain \(0,1\) of p: at phi = [\d.]+ it gives p = [\d.]+/);
    // An affine map's preimage is exact: s − 1 > 0 for s in (1, inf).
    expect(reparam(parse('x ~ Normal(mu, sigma)'), 'sigma = s - 1').newParams[1]).toMatchObject({ name: 's', label: '(1, inf)' });
    expect(() => reparam(parse('x ~ Bernoulli(p)'), 'p = sin(t)')).toThrow(/cannot infer the domain of t .* --domain 't in \.\.\.'/);
    expect(reparam(parse('x ~ Normal(mu, sigma)'), 'sigma = s - 1', { domains: 's in (1, inf)' }).agreement?.ok).toBe(true);
    expect(() => reparam(parse('x ~ Normal(mu, sigma)'), 'x = 2*y')).toThrow(/cannot substitute x: it is data/);
    expect(() => reparam(parse('x ~ Normal(mu, sigma)'), 'sigma = sigma^2')).toThrow(/appears on both sides/);
  });

  it('numbers at a point of the new domain: the two matrices agree where the old one is numeric only', () => {
    const text = 'const m1 = -1; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2';
    const r = reparam(parse(text), 'w = sigmoid(a)', { at: new Map([['a', 0.4]]), numeric: numericFisher });
    expect(r.value!.fisher![0]![0]).toBeCloseTo(r.value!.pullback![0]![0]!, 8);
  });
});

// ---------------------------------------------------------------------------------------------

describe('jeffreys: sqrt(det F), named, proper or not, normalised', () => {
  it('matches the reference cases’ Jeffreys priors up to a constant', () => {
    let checked = 0;
    for (const c of cases) {
      const ref = c.jeffreys;
      const m = parse(c.model);
      if (ref === null) {
        // No prior: a Fisher matrix without a closed form, or a singular one (logistic regression).
        let kernel: Expr | null = null;
        try {
          kernel = jeffreys(m).kernel;
        } catch (e) {
          expect((e as Error).message).toMatch(/singular/);
        }
        expect(kernel).toBeNull();
        continue;
      }
      const j = jeffreys(m);
      const points = c.check_points.map((p) => env(m, p));
      const r = constantRatio(j.kernel!, parseExpr(ref), points);
      expect(r.ok, `${c.id}: ratios ${r.ratios.join(', ')}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('names the kernels of the textbooks', () => {
    const bern = jeffreys(parse('x ~ Bernoulli(p)'));
    expect(bern.kernel).toBe(parseExpr('1/sqrt(p*(1 - p))'));
    expect(bern.name).toBe('Beta(1/2, 1/2)');
    expect(jeffreys(parse('const n = 7; x ~ Binomial(n, p)')).name).toBe('Beta(1/2, 1/2)');
    expect(jeffreys(parse('x ~ Poisson(lam)'))).toMatchObject({ name: 'Gamma(1/2, 0)', proper: false });
    expect(jeffreys(parse('const m = 1; x ~ Normal(m, sigma)')).name).toMatch(/^1\/sigma \(a scale/);
    expect(jeffreys(parse('const s = 2; x ~ Normal(mu, s)')).name).toBe('flat in mu (a location)');
    expect(jeffreys(parse('x ~ Normal(mu, sigma)')).kernel).toBe(parseExpr('1/sigma^2'));
    expect(jeffreys(parse('x ~ Gamma(k, b)')).kernel).toBe(parseExpr('sqrt(k*trigamma(k) - 1)/b'));
    expect(jeffreys(parse('x ~ Geometric(p)')).name).toBe('Beta(0, 1/2)');
    expect(jeffreys(parse('y1, y2 ~ Categorical(p1, p2)')).name).toMatch(/^Dirichlet\(1\/2, 1\/2, 1\/2\)/);
  });

  it('says why an improper prior is improper', () => {
    expect(jeffreys(parse('const m = 1; x ~ Normal(m, sigma)')).reason).toBe('∫ 1/sigma dsigma diverges at 0 (it grows like sigma^(-1))');
    expect(jeffreys(parse('x ~ Normal(mu, sigma)')).reason).toBe('∫ 1 dmu over the real line diverges');
    expect(jeffreys(parse('x ~ Poisson(lam)')).reason).toMatch(/diverges at ∞/);
    const gamma = jeffreys(parse('x ~ Gamma(k, b)'));
    expect(gamma.proper).toBe(false);
    // √(kψ′(k) − 1) ~ 1/√(2k) as k → ∞ (ψ′(k) = 1/k + 1/(2k²) + …, Abramowitz & Stegun 6.4.12).
    expect(gamma.reason).toMatch(/diverges at inf \(the integrand behaves like k\^\(-1\/2\)\)/);
    expect(jeffreys(parse('x ~ Beta(a, b)')).proper).toBe(false);
  });

  it('normalising constants agree with quadrature', () => {
    // Beta(1/2, 1/2): B(1/2, 1/2) = π.
    const bern = jeffreys(parse('x ~ Bernoulli(p)'));
    expect(bern.normaliser!.expr).toBe(parseExpr('pi'));
    expect(integrate1((p) => 1 / Math.sqrt(p * (1 - p)), 0, 1, { tol: 1e-8 })).toBeCloseTo(bern.normaliser!.value, 7);
    // Dirichlet(1/2, 1/2, 1/2) over the simplex: B = Γ(1/2)³/Γ(3/2) = 2π; by nested quadrature.
    const cat = jeffreys(parse('y1, y2 ~ Categorical(p1, p2)'));
    expect(cat.normaliser!.expr).toBe(parseExpr('2*pi'));
    const inner = (p1: number): number => integrate1((p2) => 1 / Math.sqrt(p1 * p2 * (1 - p1 - p2)), 0, 1 - p1, { tol: 1e-7 });
    expect(integrate1(inner, 0, 1, { tol: 1e-6 })).toBeCloseTo(cat.normaliser!.value, 5);
    // No named kernel, so numeric: the logit of a Bernoulli, √(σ(a)(1 − σ(a))) on the real line,
    // integrates to π (it is Beta(1/2, 1/2) carried to a = logit p).
    const logit = jeffreys(parse('x ~ Bernoulli(sigmoid(a))'));
    expect(logit.proper).toBe(true);
    expect(logit.normaliser!.expr).toBeNull();
    expect(logit.normaliser!.value).toBeCloseTo(Math.PI, 6);
    // p = φ² with φ in (0, 1): 2/√(1 − φ²), kernel 1/√(1 − φ²), ∫ = π/2.
    const sq = jeffreys(reparam(parse('x ~ Bernoulli(p)'), 'p = phi^2').model);
    expect(sq.normaliser!.value).toBeCloseTo(integrate1((f) => evaluate(sq.kernel!, new Map([['phi', f]])), 0, 1, { tol: 1e-8 }), 7);
    expect(sq.normaliser!.value).toBeCloseTo(Math.PI / 2, 8);
    // At a point, the normalised density is the kernel over the constant.
    const at = jeffreys(parse('x ~ Bernoulli(p)'), { at: new Map([['p', 0.3]]) }).value!;
    expect(at.density).toBeCloseTo(1 / (Math.PI * Math.sqrt(0.3 * 0.7)), 12);
  });

  it('is invariant: the Normal in σ and in v = σ² (reference cases), and under reparam', () => {
    const sd = referenceCase('normal_mu_sigma');
    const vr = referenceCase('normal_mu_var');
    const jsd = jeffreys(parse(sd.model));
    const jv = jeffreys(parse(vr.model));
    // p_σ(μ, σ) ∝ p_v(μ, σ²)·|∂v/∂σ| = p_v(μ, σ²)·2σ.
    const carried = transformKernel(jv.kernel!, new Map([['v', parseExpr('sigma^2')]]), [[parseExpr('1'), parseExpr('0')], [parseExpr('0'), parseExpr('2*sigma')]]);
    const pts = parameterPoints(parse(sd.model), 4);
    expect(constantRatio(carried, jsd.kernel!, pts).ok).toBe(true);

    for (const [text, map] of [
      ['const n = 10; x ~ Binomial(n, theta)', 'theta = phi/(1+phi)'],
      ['x ~ Poisson(lam)', 'lam = exp(t)'],
      ['x ~ Bernoulli(p)', 'p = sigmoid(a)'],
      ['x ~ Normal(mu, sigma)', 'sigma = 1/sqrt(tau)'],
      ['x ~ Gamma(a, b)', 'a = k; b = k/m'],
      ['x ~ Exponential(lam)', 'lam = 1/beta'],
    ] as const) {
      const m = parse(text);
      const r = reparam(m, map);
      const direct = jeffreys(r.model).kernel!;
      const old = jeffreys(m).kernel!;
      const carriedK = transformKernel(old, r.map, r.jacobian);
      const check = constantRatio(direct, carriedK, parameterPoints(r.model, 5));
      expect(check.ok, `${text} with ${map}: ratios ${check.ratios.join(', ')}`).toBe(true);
    }
  });

  it('refuses where there is no prior, with the reason', () => {
    expect(() => jeffreys(parse('x ~ Uniform(0, t)'))).toThrow(/support of the data depends on t/);
    expect(() => jeffreys(parse(referenceCase('logistic_regression_2').model))).toThrow(/det F = 0/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('crb: the Cramér–Rao bound', () => {
  it('equals the inverse of the reference cases’ published Fisher matrices, over n', () => {
    for (const c of cases.filter((x): x is ClosedCase => x.closed_form && x.id !== 'logistic_regression_2')) {
      const m = parse(c.model);
      const r = crb(m, { n: 7 });
      const ref = c.fisher.map((row) => row.map(parseExpr));
      for (const p of c.check_points) {
        const at = env(m, p);
        const inv = invert(ref.map((row) => row.map((e) => evaluate(e, at))));
        r.bound!.forEach((row, i) => row.forEach((e, j) => expect(close(evaluate(e, at), inv[i]![j]! / 7, 1e-9), `${c.id} (${i}, ${j})`).toBe(true)));
      }
    }
  });

  it('for a function g(θ): the delta-method bounds of the textbooks', () => {
    // Odds p/(1 − p) of a Bernoulli: (∂g/∂p)² p(1 − p)/n = p/(n (1 − p)³).
    expect(crb(parse('x ~ Bernoulli(p)'), { target: 'p/(1-p)' }).target!.bound).toBe(parseExpr('p/(1 - p)^3'));
    // σ² of a normal from n observations: 2σ⁴/n (Casella & Berger 2002, Example 7.3.16).
    const r = crb(parse('x ~ Normal(mu, sigma)'), { target: 'sigma^2', n: 20, at: new Map([['mu', 0.5], ['sigma', 1.5]]) });
    expect(r.target!.bound).toBe(parseExpr('sigma^4/10'));
    expect(r.target!.value).toBeCloseTo((2 * 1.5 ** 4) / 20, 12);
  });

  it('the MLE of an exponential rate approaches the bound λ²/n as n grows (simulation)', () => {
    const lam = 2;
    const bound = (n: number): number => evaluate(crb(parse('x ~ Exponential(lam)'), { n }).bound![0]![0]!, new Map([['lam', lam]]));
    const rng = new Rng(20240611);
    const ratio = (n: number, reps: number): number => {
      let s = 0;
      let s2 = 0;
      for (let r = 0; r < reps; r++) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += -Math.log(1 - rng.uniform()) / lam;
        const mle = n / sum;
        s += mle;
        s2 += mle * mle;
      }
      const v = s2 / reps - (s / reps) ** 2;
      return v / bound(n);
    };
    // Exact variance ratio n³/((n − 1)²(n − 2)): 1.68 at n = 5, 1.04 at n = 100.
    const small = ratio(5, 20000);
    const large = ratio(100, 8000);
    expect(small).toBeGreaterThan(1.4);
    expect(Math.abs(large - 1)).toBeLessThan(0.08);
  });

  it('refuses irregular and singular models with the reason', () => {
    expect(() => crb(parse('x ~ Uniform(0, theta)'))).toThrow(/does not apply: the support \(0, theta\) of x depends on theta/);
    expect(() => crb(parse(referenceCase('logistic_regression_2').model))).toThrow(/singular.*F·v = 0 for v = \(/);
    expect(() => crb(parse('x ~ Normal(mu, sigma)'), { target: 'x + mu' })).toThrow(/depend on the parameters only, but it uses the data 'x'/);
  });

  it('numeric bounds where F has no closed form', () => {
    const c = numericCase('gauss_mixture_weight');
    const m = parse(c.model);
    c.check_points.forEach((p, k) => {
      const r = crb(m, { at: env(m, p), numeric: numericFisher });
      expect(r.bound).toBeNull();
      expect(close(r.value![0]![0]!, 1 / c.reference_at_points[k]![0]![0]!, 1e-7)).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------

const run = runCli;

const renders = (s: string): void => {
  for (const line of s.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('%'))) katex.renderToString(line, { throwOnError: true, displayMode: true });
};

describe('the command line: expfamily, reparam, jeffreys, crb', () => {
  it('expfamily prints η, T, A, h, E[T] and the three Fisher matrices; --json is one object', () => {
    const r = run('expfamily', 'x ~ Gamma(a, b)');
    expect(r.code).toBe(0);
    expect(r.out).toContain('# natural parameters η\n[-b, a - 1]');
    expect(r.out).toContain('# sufficient statistics T\n[x, log(x)]');
    expect(r.out).toContain('lgamma(eta2 + 1) - (eta2 + 1)*log(-eta1)');
    const j = JSON.parse(run('expfamily', 'x ~ Gamma(a, b)', '--json', '--at', 'a=2,b=3').out);
    expect(j.exponentialFamily).toBe(true);
    expect(j.stats).toEqual(['x', 'log(x)']);
    // Cov[x] = a/b² for the gamma distribution.
    expect(j.value.fisherNatural[0][0]).toBeCloseTo(2 / 9, 12);
    const no = run('expfamily', 'x ~ Cauchy(mu, s)');
    expect(no.code).toBe(0);
    expect(no.out).toMatch(/^# not an exponential family, because log\(1 \+ \(x - mu\)\^2\/s\^2\) mixes/);
    expect(JSON.parse(run('expfamily', 'x ~ Laplace(mu, b)', '--json').out)).toMatchObject({ exponentialFamily: false, certain: true });
  });

  it('reparam prints the new density’s matrix and Jᵀ F J, and exits 1 only when they differ', () => {
    const r = run('reparam', 'const n = 10; x ~ Binomial(n, theta)', '--with', 'theta = phi/(1+phi)');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[[n/(phi*(phi + 1)^2)]]');
    expect(r.out).toMatch(/# equal: symbolically/);
    const j = JSON.parse(run('reparam', 'x ~ Normal(mu, sigma)', '--with', 'mu = m, sigma = exp(s)', '--json', '--at', 'm=1,s=0.5').out);
    expect(j.params).toEqual(['m', 's']);
    expect(j.fisher).toEqual([['exp(-2*s)', '0'], ['0', '2']]);
    expect(j.value.fisher[0][0]).toBeCloseTo(Math.exp(-1), 12);
    expect(j.value.pullback[0][0]).toBeCloseTo(Math.exp(-1), 12);
  });

  it('jeffreys and crb print the kernel, its name and properness, and the bound with --at', () => {
    const jf = run('jeffreys', 'x ~ Bernoulli(p)', '--at', 'p=0.3');
    expect(jf.out).toContain('1/sqrt(p*(1 - p))\n# kernel: Beta(1/2, 1/2)\n# proper');
    expect(jf.out).toMatch(/normalised density 0\.6946/);
    const j = JSON.parse(run('jeffreys', 'x ~ Exponential(lam)', '--json').out);
    expect(j).toMatchObject({ kernel: '1/lam', proper: false });
    const c = run('crb', 'x ~ Normal(mu, sigma)', '--n', '10', '--for', 'mu/sigma', '--at', 'mu=1,sigma=2');
    expect(c.code).toBe(0);
    expect(c.out).toContain('[[sigma^2/10, 0],\n [0, sigma^2/20]]');
    // (1/σ)²σ²/n + (μ/σ²)²σ²/(2n) at μ = 1, σ = 2, n = 10: 0.1 + 0.0125.
    expect(c.out).toContain('bound for mu/sigma: 0.1125');
    const cj = JSON.parse(run('crb', 'x ~ Poisson(lam)', '--json', '--at', 'lam=4', '--n', '8').out);
    expect(cj.value.bound[0][0]).toBeCloseTo(0.5, 12);
  });

  it('every verb’s --latex renders with KaTeX', () => {
    for (const argv of [
      ['expfamily', 'x ~ Normal(mu, sigma)', '--latex'],
      ['expfamily', 'x1, x2 ~ Dirichlet(a1, a2, a3)', '--latex'],
      ['expfamily', 'x ~ Cauchy(mu, s)', '--latex'],
      ['reparam', 'const n = 10; x ~ Binomial(n, theta)', '--with', 'theta = phi/(1+phi)', '--latex'],
      ['jeffreys', 'x ~ Gamma(k, b)', '--latex'],
      ['jeffreys', 'y1, y2 ~ Categorical(p1, p2)', '--latex'],
      ['crb', 'x ~ Normal(mu, sigma)', '--for', 'sigma^2', '--n', '5', '--latex'],
    ]) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      renders(r.out);
    }
  });

  it('bad input: one message, exit 2, no stack trace', () => {
    for (const [argv, msg] of [
      [['reparam', 'x ~ Bernoulli(p)', '--with', 'q = r'], /cannot substitute q: it is not a name of the model/],
      [['reparam', 'x ~ Bernoulli(p)', '--with', 'p = phi/(1+'], /error: missing '\)'.*\n.*\n  1 \| p = phi\/\(1\+/],
      [['reparam', 'x ~ Bernoulli(p)', '--with', 'p = phi', '--domain', 'phi in (0, 2)'], /does not map the new domain/],
      [['reparam', 'x ~ Bernoulli(p)', '--with', 'p = phi', '--domain', 'psi in positive'], /--domain names 'psi', which is not a parameter of the new model/],
      [['crb', 'x ~ Uniform(0, t)'], /the Cramér–Rao bound does not apply/],
      [['crb', 'x ~ Normal(mu, sigma)', '--n', '0'], /--n must be a whole number/],
      [['crb', 'x ~ Normal(mu, sigma)', '--for', 'nu*2'], /uses 'nu', which is not a parameter/],
      [['jeffreys', 'x ~ Uniform(0, t)'], /no Jeffreys prior: the support/],
      [['expfamily', 'x ~ Normal(mu, sigma)', '--at', 'mu=1'], /--at needs a value for sigma/],
    ] as const) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at .*\.ts:\d+/);
    }
  });
});
