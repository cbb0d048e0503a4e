/**
 * `verify`: correct published formulas are accepted and altered ones rejected, each rejection
 * with a counterexample whose two values are re-evaluated here and really differ. The reference
 * formulas are the reference cases of test/fixtures (textbook results, each verified by quadrature);
 * KL divergences and numeric-only entries are checked against this suite's own quadrature
 * (test/helpers/quad.ts), not fisherlab's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { printExpr } from '../src/expr/print';
import { parse, parseExpr } from '../src/lang/parse';
import type { Model } from '../src/lang/model';
import { checkDerivation } from '../src/verify/derivation';
import { verify, type Counterexample } from '../src/verify/verify';
import { closedCase, numericCase, referenceCases, type ClosedCase } from './helpers/fixtures';
import { envOf, expectation } from './helpers/fisher-check';
import { runCli as run } from './helpers/run-cli';

const cases = referenceCases();
const root = new URL('..', import.meta.url);

const matrixText = (f: ReadonlyArray<ReadonlyArray<string | null>>): string => `[${f.map((r) => `[${r.join(', ')}]`).join(', ')}]`;

/** Evaluate a formula at a counterexample's point, with the model's constants. */
const valueAt = (m: Model, formula: string, at: Record<string, number>): number => evaluate(parseExpr(formula), envOf(m, at));

/** The counterexample's values are what the claim and the reference give there, and they differ. */
function expectRealDifference(m: Model, c: Counterexample | null, claimed: string, reference: string): void {
  expect(c).not.toBeNull();
  const a = valueAt(m, claimed, c!.at);
  const b = valueAt(m, reference, c!.at);
  expect(c!.claimed).toBeCloseTo(a, 8);
  expect(c!.expected).toBeCloseTo(b, 8);
  expect(Math.abs(a - b)).toBeGreaterThan(1e-6 * Math.max(1, Math.abs(b)));
}

/** Alter one entry of a reference matrix. */
function alter(f: ReadonlyArray<ReadonlyArray<string>>, i: number, j: number, change: (e: string) => string): string[][] {
  return f.map((r, a) => r.map((e, b) => (a === i && b === j ? change(e) : e)));
}

/** The first entry that is not identically 0. */
function nonzeroEntry(f: ReadonlyArray<ReadonlyArray<string>>): [number, number] {
  for (let i = 0; i < f.length; i++) for (let j = 0; j < f.length; j++) if (f[i]![j]!.trim() !== '0') return [i, j];
  throw new Error('zero matrix');
}

describe('verify: the reference formulas', () => {
  const closed = cases.filter((c): c is ClosedCase => c.closed_form);

  it.each(closed.map((c) => [c.id, c] as const))('accepts the published Fisher matrix of %s', (_id, c) => {
    const r = verify(parse(c.model), 'fisher', matrixText(c.fisher));
    expect(r.equal, r.method).toBe(true);
    expect(r.decided).toBe(true);
    expect(r.counterexample).toBeNull();
  });

  it.each(cases.filter((c) => c.jeffreys !== null).map((c) => [c.id, c] as const))('accepts the published Jeffreys prior of %s, and 7/3 times it', (_id, c) => {
    const m = parse(c.model);
    expect(verify(m, 'jeffreys', c.jeffreys!).equal).toBe(true);
    // Up to a constant factor.
    expect(verify(m, 'jeffreys', `7*(${c.jeffreys})/3`).equal).toBe(true);
  });

  it.each(closed.map((c) => [c.id, c] as const))('rejects a wrong constant, a missing factor and a wrong sign in %s', (_id, c) => {
    const m = parse(c.model);
    const f = c.fisher;
    const [i, j] = nonzeroEntry(f);
    const param = Object.keys(c.params)[i]!;
    const alterations = [
      alter(f, i, j, (e) => `2*(${e})`), // a wrong constant
      alter(f, i, j, (e) => `(${e})/${param}`), // a missing (or extra) factor
      alter(f, i, j, (e) => `-(${e})`), // a wrong sign
    ];
    for (const bad of alterations) {
      const r = verify(m, 'fisher', matrixText(bad));
      expect(r.equal, matrixText(bad)).toBe(false);
      expect(r.decided).toBe(true);
      const k = m.params.findIndex((p) => p.name === r.counterexample!.entry[0]);
      const l = m.params.findIndex((p) => p.name === r.counterexample!.entry[1]);
      expectRealDifference(m, r.counterexample, bad[k]![l]!, f[k]![l]!);
    }
  });

  it.each(closed.filter((c) => Object.keys(c.params).length >= 2).map((c) => [c.id, c] as const))('rejects the matrix of %s with two parameters swapped', (_id, c) => {
    const m = parse(c.model);
    const [a, b] = Object.keys(c.params) as [string, string];
    const swap = (e: string): string => printExpr(parseExpr(e)).replace(new RegExp(`\\b(${a}|${b})\\b`, 'g'), (n) => (n === a ? b : a));
    const f = c.fisher;
    const swapped = f.map((r) => r.map(swap));
    const r = verify(m, 'fisher', matrixText(swapped));
    expect(r.equal).toBe(false);
    const k = m.params.findIndex((p) => p.name === r.counterexample!.entry[0]);
    const l = m.params.findIndex((p) => p.name === r.counterexample!.entry[1]);
    expectRealDifference(m, r.counterexample, swapped[k]![l]!, f[k]![l]!);
  });

  it('rejects a Jeffreys prior with a wrong power, with the constant fixed at a reference point', () => {
    const m = parse('x ~ Bernoulli(p)');
    const r = verify(m, 'jeffreys', '1/(p*(1-p))');
    expect(r.equal).toBe(false);
    const c = r.counterexample!;
    // At the reference point both are scaled to agree; at the counterexample they do not.
    const k = (p: number): number => 1 / Math.sqrt(p * (1 - p)); // Jeffreys (1946): Beta(1/2, 1/2)
    const claim = (p: number): number => 1 / (p * (1 - p));
    const p0 = c.reference!.at.p!;
    const p1 = c.at.p!;
    expect(c.claimed).toBeCloseTo(claim(p1), 10);
    expect(c.expected).toBeCloseTo((claim(p0) / k(p0)) * k(p1), 10);
    expect(Math.abs(c.claimed! - c.expected!)).toBeGreaterThan(1e-3);
  });

  it('rejects a prior that is negative somewhere', () => {
    const r = verify(parse('x ~ Normal(mu, sigma)'), 'jeffreys', 'mu/sigma^2');
    expect(r.equal).toBe(false);
    expect(r.counterexample!.claimed).toBeLessThanOrEqual(0);
  });
});

describe('verify: neither a lucky point nor a rounding error decides', () => {
  it('rejects a claim that agrees with the truth at some points only', () => {
    // Equal to n/(theta (1 - theta)) at theta = 1/2 and theta = 3/10, different elsewhere.
    const m = parse('const n = 10; x ~ Binomial(n, theta)');
    const claim = 'n/(theta*(1-theta)) + (theta - 1/2)*(theta - 3/10)';
    const r = verify(m, 'fisher', claim);
    expect(r.equal).toBe(false);
    expectRealDifference(m, r.counterexample, claim, 'n/(theta*(1-theta))');
    // Rational on both sides: decided in exact arithmetic, fractions shown.
    expect(r.counterexample!.exact).toBeDefined();
  });

  it('rejects a difference of one part in a million, away from rational arithmetic', () => {
    const m = parse('x ~ Gamma(k, b)');
    const r = verify(m, 'fisher', '[[trigamma(k)*(1 + 1e-6), -1/b], [-1/b, k/b^2]]');
    expect(r.equal).toBe(false);
    expect(r.counterexample!.entry).toEqual(['k', 'k']);
    expect(r.counterexample!.exact).toBeUndefined();
  });

  it('accepts identities the simplifier does not prove, despite rounding in lgamma', () => {
    // lgamma(k + 1) - lgamma(k) = log(k) (Abramowitz & Stegun 6.1.15), so this is trigamma(k).
    const m = parse('x ~ Gamma(k, b)');
    const r = verify(m, 'fisher', '[[trigamma(k) + lgamma(k + 1) - lgamma(k) - log(k), -1/b], [-1/b, k/b^2]]');
    expect(r.equal, r.method).toBe(true);
    expect(r.method).toContain('evaluation at');
  });

  it("accepts the Student-t information in Lange, Little & Taylor's form (JASA 1989, 84, 881) and rejects a slip in it", () => {
    const m = parse('x ~ StudentT(nu, mu, s)');
    const claim = (c: string): string => `[[trigamma(nu/2)/4 - trigamma((nu+1)/2)/4 - ${c}, 0, -2/(s*(nu+1)*(nu+3))], [0, (nu+1)/((nu+3)*s^2), 0], [-2/(s*(nu+1)*(nu+3)), 0, 2*nu/((nu+3)*s^2)]]`;
    expect(verify(m, 'fisher', claim('(nu+5)/(2*nu*(nu+1)*(nu+3))')).equal).toBe(true);
    const r = verify(m, 'fisher', claim('(nu+5)/(2*nu*(nu+1)*(nu+2))'));
    expect(r.equal).toBe(false);
    expect(r.counterexample!.entry).toEqual(['nu', 'nu']);
  });

  it('accepts the logistic regression information written with the sigmoid (Agresti 2013, §5.4)', () => {
    const c = closedCase('logistic_regression_2');
    const m = parse(c.model);
    const s = 'sigmoid(b1*x1 + b2*x2)*(1 - sigmoid(b1*x1 + b2*x2))';
    expect(verify(m, 'fisher', `[[x1^2*${s}, x1*x2*${s}], [x1*x2*${s}, x2^2*${s}]]`).equal).toBe(true);
    expect(verify(m, 'fisher', `[[x1^2*${s}, x1*x2*${s}], [x1*x2*${s}, x2*${s}]]`).equal).toBe(false);
  });
});

describe('verify: score, Hessian and KL claims', () => {
  const normal = parse('x ~ Normal(mu, sigma)');

  it('checks the score and the Hessian as functions of the data too', () => {
    expect(verify(normal, 'score', '[(x - mu)/sigma^2, (x - mu)^2/sigma^3 - 1/sigma]').equal).toBe(true);
    const wrong = '[(x - mu)/sigma^2, (x - mu)^2/sigma^3 - 2/sigma]';
    const r = verify(normal, 'score', wrong);
    expect(r.equal).toBe(false);
    expect(r.counterexample!.entry).toEqual(['sigma']);
    expect(Object.keys(r.counterexample!.at).sort()).toEqual(['mu', 'sigma', 'x']);
    expectRealDifference(normal, r.counterexample, '(x - mu)^2/sigma^3 - 2/sigma', '(x - mu)^2/sigma^3 - 1/sigma');
    expect(verify(normal, 'hessian', '[[-1/sigma^2, -2*(x - mu)/sigma^3], [-2*(x - mu)/sigma^3, 1/sigma^2 - 3*(x - mu)^2/sigma^4]]').equal).toBe(true);
    expect(verify(normal, 'hessian', '[[-1/sigma^2, -2*(x - mu)/sigma^3], [-2*(x - mu)/sigma^3, 1/sigma^2 - 3*(x - mu)^2/sigma^3]]').equal).toBe(false);
  });

  /** KL(p1 ‖ p2) = E_1[log p1 − log p2] by this suite's quadrature. */
  function klByQuadrature(m: Model, first: Record<string, number>, second: Record<string, number>): number {
    const env1 = envOf(m, first);
    const q = expectation(m, env1, (e) => [evaluate(m.logp, e) - evaluate(m.logp, new Map([...e, ...Object.entries(second)]))]);
    return q.value[1]! / q.value[0]!;
  }

  it('accepts the normal KL divergence (Kullback 1959) and rejects it with the points swapped', () => {
    const right = 'log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2)/(2*sigma_2^2) - 1/2';
    expect(verify(normal, 'kl', right).equal).toBe(true);
    const swapped = 'log(sigma_1/sigma_2) + (sigma_2^2 + (mu_1 - mu_2)^2)/(2*sigma_1^2) - 1/2';
    const r = verify(normal, 'kl', swapped);
    expect(r.equal).toBe(false);
    const at = r.counterexample!.at;
    const q = klByQuadrature(normal, { mu: at.mu_1!, sigma: at.sigma_1! }, { mu: at.mu_2!, sigma: at.sigma_2! });
    expect(r.counterexample!.expected).toBeCloseTo(q, 7);
    expect(r.counterexample!.claimed).toBeCloseTo(evaluate(parseExpr(swapped), at), 10);
    expect(Math.abs(r.counterexample!.claimed! - q)).toBeGreaterThan(1e-6);
  });

  it('accepts the Poisson KL divergence and the Cauchy one (Chyzak & Nielsen 2019)', () => {
    expect(verify(parse('x ~ Poisson(lam)'), 'kl', 'lam_1*log(lam_1/lam_2) - lam_1 + lam_2').equal).toBe(true);
    expect(verify(parse('x ~ Cauchy(mu, s)'), 'kl', 'log(((s_1 + s_2)^2 + (mu_1 - mu_2)^2)/(4*s_1*s_2))').equal).toBe(true);
  });
});

describe('verify: where the engine has no closed form', () => {
  it('compares against quadrature within its error estimate, and the counterexample is checked by independent quadrature', () => {
    const c = numericCase('gauss_mixture_weight');
    const m = parse(c.model);
    const r = verify(m, 'fisher', '1/(w*(1 - w))');
    expect(r.equal).toBe(false);
    const w = r.counterexample!.at.w!;
    // E[(f1 - f2)^2/(w f1 + (1 - w) f2)^2] by this suite's double-exponential quadrature.
    const g = parseExpr('(exp(-(x-m1)^2/2) - exp(-(x-m2)^2/2))^2/(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2))^2');
    const q = expectation(m, envOf(m, { w }), (e) => [evaluate(g, e)]);
    expect(r.counterexample!.expected).toBeCloseTo(q.value[1]! / q.value[0]!, 7);
    expect(r.counterexample!.error).toBeLessThan(1e-6);
    expect(r.counterexample!.claimed).toBeCloseTo(1 / (w * (1 - w)), 10);
  });
});

describe('fisherlab verify: exit codes and output', () => {
  const binomial = 'const n = 10; x ~ Binomial(n, theta)';

  it('exits 0 when the claim holds and 1 with a counterexample when it does not', () => {
    const ok = run('verify', binomial, '--fisher', 'n/(theta*(1-theta))');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^equal/);
    const bad = run('verify', binomial, '--fisher', 'n/theta');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^not equal: .* at theta = /);
    expect(bad.out).toContain('from n/(theta*(1 - theta))');
  });

  it('--json prints {"equal", "counterexample", ...}', () => {
    const r = run('verify', binomial, '--fisher', 'n/theta', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual(['claim', 'counterexample', 'decided', 'equal', 'method', 'params', 'quantity', 'seed', 'verb', 'version']);
    expect(j).toMatchObject({ quantity: 'fisher', claim: 'n/theta', seed: 2024 });
    expect(j.equal).toBe(false);
    const theta = j.counterexample.at.theta as number;
    expect(j.counterexample.claimed).toBeCloseTo(10 / theta, 10);
    expect(j.counterexample.reference).toBeCloseTo(10 / (theta * (1 - theta)), 10);
    const ok = JSON.parse(run('verify', binomial, '--fisher', '10/(theta - theta^2)', '--json').out);
    expect(ok).toMatchObject({ equal: true, decided: true, counterexample: null });
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unparsable claim, with its position', ['--fisher', 'n/(theta*(1-theta)'], /missing '\)'[\s\S]*column 3/],
    ['an unknown name', ['--fisher', 'n/(thet*(1-theta))'], /'thet'.*did you mean 'theta'[\s\S]*column 4/],
    ['the data symbol in a Fisher claim', ['--fisher', 'x/theta^2'], /data symbol 'x'/],
    ['a wrong shape', ['--fisher', '[[n, 0], [0, n]]'], /1×1 matrix/],
    ['an unbalanced bracket', ['--fisher', '[[n/theta]'], /never closed/],
    ['no claim at all', [], /give the claim/],
    ['two claims at once', ['--fisher', 'n', '--score', 'x'], /one claim at a time/],
    ['a KL claim with a bare parameter', ['--kl', 'theta_1*log(theta)'], /'theta' alone/],
  ];
  it.each(bad)('exits 2 on %s', (_what, args, message) => {
    const r = run('verify', binomial, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('derivation files', () => {
  const example = (name: string): string => readFileSync(new URL(`examples/derivations/${name}`, root), 'utf8');

  it('the Binomial derivation in examples/ passes, every line', () => {
    const r = checkDerivation(example('binomial.txt'));
    expect(r.equal).toBe(true);
    expect(r.steps.filter((s) => s.kind === 'fact')).toHaveLength(1);
    expect(r.steps.every((s) => s.ok)).toBe(true);
    expect(run('verify', '--file', new URL('examples/derivations/binomial.txt', root).pathname).code).toBe(0);
  });

  it('a wrong middle step is reported at its line, with both sides evaluated at a point', () => {
    const text = example('binomial-wrong.txt');
    const r = checkDerivation(text);
    expect(r.equal).toBe(false);
    const lines = text.split('\n');
    const bad = lines.findIndex((l) => l.includes('n/theta + n/(1 - theta)^2')) + 1;
    expect(r.failure!.line).toBe(bad);
    expect(r.failure!.previousLine).toBe(bad - 1);
    const m = parse('const n = 10; x ~ Binomial(n, theta)');
    const expr = (k: number): string => lines[k - 1]!.replace(/#.*$/, '').trim().replace(/^=\s*/, '');
    expectRealDifference(m, r.failure!.counterexample, expr(bad), expr(bad - 1));
    const cli = run('verify', '--file', new URL('examples/derivations/binomial-wrong.txt', root).pathname, '--json');
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.out).failure.line).toBe(bad);
  });

  const file = (text: string): string => {
    const f = join(mkdtempSync(join(tmpdir(), 'fisherlab-derivation-')), 'd.txt');
    writeFileSync(f, text);
    return f;
  };

  it('a checked fact stands for an expectation the engine has no closed form for', () => {
    // E[log x] = log(lambda) - gamma/k for the Weibull (Johnson, Kotz & Balakrishnan 1994, ch. 21):
    // the score identity does not determine it, so the fact is checked by quadrature, then used.
    const text = 'x ~ Weibull(k, lambda)\nE[log(x)]\n  using E[log(x)] = log(lambda) - euler_gamma/k\nE[2*log(x) + 1]\n  = 2*log(lambda) - 2*euler_gamma/k + 1\n';
    const r = checkDerivation(text);
    expect(r.equal).toBe(true);
    expect(r.steps.find((x) => x.line === 3)!.method).toContain('quadrature');
    expect(r.steps.find((x) => x.line === 5)!.method).toContain('simplification');
    const wrong = checkDerivation(text.replace('euler_gamma/k\n', 'euler_gamma/k^2\n'));
    expect(wrong.failure!.line).toBe(3);
  });

  it('a wrong fact is reported at its line, against the engine', () => {
    const r = checkDerivation('x ~ Poisson(lam)\nfisher[lam, lam]\n  = E[x/lam^2]\n  using E[x] = lam^2\n  = 1/lam\n');
    expect(r.equal).toBe(false);
    expect(r.failure!.line).toBe(4);
    const lam = r.failure!.counterexample!.at.lam!;
    expect(r.failure!.counterexample!.claimed).toBeCloseTo(lam ** 2, 10);
    expect(r.failure!.counterexample!.expected).toBeCloseTo(lam, 10); // the Poisson mean
  });

  it('scores, Hessians, several steps on a line, and derivatives in two parameters', () => {
    const text = [
      'x ~ Normal(mu, sigma)',
      'score[sigma] = d/dsigma logp = (x - mu)^2/sigma^3 - 1/sigma',
      'hessian[mu, sigma] = d2/dmu dsigma logp = -2*(x - mu)/sigma^3',
      'fisher[2, 2]',
      '  = E[-d2/dsigma^2 logp]',
      '  = E[3*(x - mu)^2/sigma^4 - 1/sigma^2]',
      '  using E[(x - mu)^2] = sigma^2',
      '  = 2/sigma^2',
    ].join('\n');
    const r = checkDerivation(text);
    expect(r.equal, JSON.stringify(r.failure)).toBe(true);
    expect(r.steps.map((s) => s.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('steps through an expectation with no closed form are checked by quadrature', () => {
    const c = numericCase('gauss_mixture_weight');
    const chain = 'fisher[w, w]\n = E[-d2/dw2 logp]\n = E[(exp(-(x-m1)^2/2) - exp(-(x-m2)^2/2))^2/(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2))^2]\n';
    expect(checkDerivation(`${c.model}\n${chain}`).equal).toBe(true);
    const wrong = checkDerivation(`${c.model}\n${chain} = 1/(w*(1 - w))\n`);
    expect(wrong.equal).toBe(false);
    expect(wrong.failure!.line).toBe(c.model.split('\n').length + 4);
  });

  it('parse errors come with line, column and a caret, and exit 2', () => {
    const r = run('verify', '--file', file('const n = 10\nx ~ Binomial(n, theta)\n\nfisher[theta, theta]\n  = E[-d2/dtheta2 logp]\n  = n/(theta*(1 - theta)\n'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing '\)'[\s\S]*line 6, column 7[\s\S]*\^/);
    const u = run('verify', '--file', file('x ~ Poisson(lam)\nfisher\n  = 1/lamb\n'));
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/'lamb'.*did you mean 'lam'[\s\S]*line 3, column 7/);
    const idx = run('verify', '--file', file('x ~ Poisson(lam)\nfisher[2, 1] = 1/lam\n'));
    expect(idx.code).toBe(2);
    expect(idx.err).toMatch(/'2' is not a parameter/);
    expect(run('verify', '--file', file('x ~ Poisson(lam)\n')).code).toBe(2);
  });

  it('a fact states an expectation as a function of the parameters only', () => {
    const r = run('verify', '--file', file('x ~ Poisson(lam)\nfisher\n  = E[x/lam^2]\n  using E[x] = x\n'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot use the data symbol 'x'[\s\S]*line 4/);
  });
});
