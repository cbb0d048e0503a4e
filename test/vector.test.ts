// Vector models: the language (declarations, dot, sum, elementwise maps, indexing, shape errors),
// the scalar view (symbolic closed forms, printing and LaTeX of components), the vector view's
// reverse mode against finite differences and the symbolic derivatives, data sets and the Fisher
// matrices of a data set against direct sums and published closed forms.
import { describe, expect, it } from 'vitest';
import { FisherError } from '../src/expr/errors';
import { evaluate } from '../src/expr/evaluate';
import { toLatex } from '../src/expr/latex';
import { printExpr } from '../src/expr/print';
import { fisher } from '../src/fisher/fisher';
import { hessian, score } from '../src/fisher/derivatives';
import { parse, parseExpr } from '../src/lang/parse';
import { cases } from './helpers/cases';

/** The FisherError a model text raises (fails the test when it parses). */
function parseError(text: string): FisherError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof FisherError) return e;
    throw e;
  }
  throw new Error(`expected an error for: ${text}`);
}

const LOGISTIC = (d: number): string => `const d = ${d}; given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))`;

describe('vector declarations and the scalar view', () => {
  it('a vector declares one scalar symbol per component, in order', () => {
    const m = parse(LOGISTIC(3));
    expect(m.params.map((p) => p.name)).toEqual(['beta[1]', 'beta[2]', 'beta[3]']);
    expect(m.givens.map((p) => p.name)).toEqual(['z[1]', 'z[2]', 'z[3]']);
    expect(m.vectors.get('beta')).toMatchObject({ role: 'param', length: 3, label: 'real[3]' });
    expect(m.warnings).toEqual([]);
  });

  it('dot, sum, elementwise functions and broadcasting expand to the written-out scalar model', () => {
    const pairs: Array<[string, string]> = [
      ['param b in real[3]; data x in real; logp = dot(b, b)*x - x^2', 'param b1, b2, b3; data x in real; logp = (b1^2 + b2^2 + b3^2)*x - x^2'],
      ['param b in positive[2]; data x in real; logp = -sum(log(b)) - x^2*b[1]/b[2]', 'param b1, b2 in positive; data x in real; logp = -log(b1) - log(b2) - x^2*b1/b2'],
      ['param b in real[2]; data x in real; logp = sum(exp(2*b + 1))*x - x^2', 'param b1, b2; data x in real; logp = (exp(2*b1 + 1) + exp(2*b2 + 1))*x - x^2'],
      ['param b in real[2]; given z in real[2]; data x in real; logp = sum((x - b)^2 * z)', 'param b1, b2; given z1, z2; data x in real; logp = (x - b1)^2*z1 + (x - b2)^2*z2'],
    ];
    for (const [vector, scalar] of pairs) {
      const mv = parse(vector);
      const ms = parse(scalar);
      // Rename the components to the written-out names and compare the interned expressions.
      const renamed = printExpr(mv.logp).replace(/\b([bz])\[(\d)\]/g, '$1$2');
      expect(parseExpr(renamed)).toBe(ms.logp);
    }
  });

  it('components print in the text syntax, read back to the same symbols, and set in LaTeX as subscripts', () => {
    const m = parse(LOGISTIC(2));
    for (const s of score(m)) expect(parseExpr(printExpr(s))).toBe(s);
    expect(toLatex(parseExpr('beta[1]*z[2]'))).toBe('\\beta_{1} z_{2}');
    expect(toLatex(parseExpr('sigma2[3]'))).toBe('{\\sigma_{2}}_{3}');
  });

  it('the index may be a constant; a let may hold a vector', () => {
    const m = parse('const k = 2; param b in real[3]; let w = exp(b); data x in real; logp = w[k]*x - sum(w) - x^2');
    expect(m.logp).toBe(parseExpr('x*exp(b[2]) - exp(b[1]) - exp(b[2]) - exp(b[3]) - x^2'));
  });

  it('unused components are named in a warning', () => {
    expect(parse('param b in real[3]; data x in real; logp = b[1]*x - x^2').warnings).toEqual([
      "the components b[2], b[3] of the parameter vector 'b' do not appear in the log-density",
    ]);
  });

  it('logistic regression (d = 2) in closed form: F = σ(η)(1 − σ(η)) z zᵀ, the reference case written both ways', () => {
    const ref = cases.find((c) => c.id === 'logistic_regression_2');
    expect(ref).toBeDefined();
    const scalar = parse(ref!.model);
    const vector = parse('given x in real[2]; data y in {0,1}; param b in real[2]; logp = y*dot(b, x) - log(1 + exp(dot(b, x)))');
    const family = parse(LOGISTIC(2));
    const fs = fisher(scalar);
    const fv = fisher(vector);
    const ff = fisher(family);
    expect(fv.closedForm && ff.closedForm && fs.closedForm).toBe(true);
    for (const point of ref!.check_points) {
      const env = new Map<string, number>([...Object.entries(ref!.constants), ...Object.entries(point)]);
      const venv = new Map([['x[1]', env.get('x1')!], ['x[2]', env.get('x2')!], ['b[1]', env.get('b1')!], ['b[2]', env.get('b2')!]]);
      const fenv = new Map([['z[1]', env.get('x1')!], ['z[2]', env.get('x2')!], ['beta[1]', env.get('b1')!], ['beta[2]', env.get('b2')!]]);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          // The published closed form (McCullagh & Nelder 1989: F = p(1 − p) x xᵀ), from cases.json.
          const want = evaluate(parseExpr(ref!.fisher![i]![j]!), env);
          expect(evaluate(fs.matrix[i]![j]!, env)).toBeCloseTo(want, 12);
          expect(evaluate(fv.matrix[i]![j]!, venv)).toBeCloseTo(want, 12);
          expect(evaluate(ff.matrix[i]![j]!, fenv)).toBeCloseTo(want, 12);
        }
      }
    }
  });

  it('d = 3: the Hessian is −σ(η)(1 − σ(η)) z_i z_j, entry by entry', () => {
    const m = parse(LOGISTIC(3));
    const h = hessian(m);
    const env = new Map([['y', 1], ['z[1]', 0.3], ['z[2]', -1.2], ['z[3]', 2], ['beta[1]', 0.5], ['beta[2]', 0.25], ['beta[3]', -0.4]]);
    const z = [0.3, -1.2, 2];
    const eta = 0.3 * 0.5 - 1.2 * 0.25 - 2 * 0.4;
    const s = 1 / (1 + Math.exp(-eta));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(evaluate(h[i]![j]!, env)).toBeCloseTo(-s * (1 - s) * z[i]! * z[j]!, 13);
  });
});

describe('shape errors name the place', () => {
  const cases: Array<[string, RegExp, string]> = [
    ['param b in real[3]; param c in real[4]; data x in real; logp = dot(b, c)*x - x^2', /dot needs two vectors of one length, but b has 3 components and c has 4/, 'dot(b, c)'],
    ['param b in real[2]; data x in real; logp = b*x', /log-density must be a number, but this is a vector of length 2/, 'b*x'],
    ['const d = 100; param beta in real[d]; data x in real; logp = beta[0]*x - x^2', /an index counts from 1/, '0'],
    ['const d = 100; param beta in real[d]; data x in real; logp = beta[101]*x - x^2', /index 101 is out of range: 'beta' has 100 components/, '101'],
    ['param b in real[2]; param c in real[3]; data x in real; logp = sum(b + c)*x', /vectors of different lengths, b has 2 components and c has 3/, 'b + c'],
    ['param b in real[2]; x ~ Normal(b, 1)', /Normal's mu must be a number, but this is a vector of length 2/, 'b'],
    ['param b; data x in real; logp = b[1]*x', /'b' is a number, not a vector/, 'b[1]'],
    ['param b in real[2]; data x in real; logp = sum(x)*b[1]', /sum needs a vector, but x is a number/, 'x'],
    ['param b in real[0]; data x in real; logp = x', /at least 1, got 0/, '0'],
    ['param b in real[2]; data x in real; logp = b(1)*x', /'b' is a param, not a function/, 'b'],
    ['param b in real[2]; param b in real; data x in real; logp = x', /'b' is already declared/, 'b'],
    ['param sum in real; data x in real; logp = x', /function name/, 'sum'],
    ['param b in positive[2]; data x in real; logp = sum(log(-b))*x', /log needs an argument in positive, but -b\[1\] is never there/, '-b'],
  ];
  for (const [text, message, at] of cases) {
    it(`${text.slice(0, 70)}`, () => {
      const e = parseError(text);
      expect(e.message).toMatch(message);
      expect(e.span).toBeDefined();
      expect(text.slice(e.span!.start, e.span!.end)).toBe(at);
    });
  }
});
