// Vector models: the language (declarations, dot, sum, elementwise maps, indexing, shape errors),
// the scalar view (symbolic closed forms, printing and LaTeX of components), the vector view's
// reverse mode against finite differences and the symbolic derivatives, data sets and the Fisher
// matrices of a data set against direct sums and published closed forms.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import katex from 'katex';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main';
import { dataSet, type DataSet } from '../src/ad/dataset';
import { linearStructure } from '../src/ad/linear';
import { vectorEngine } from '../src/ad/vector';
import { FisherError } from '../src/expr/errors';
import { evaluate } from '../src/expr/evaluate';
import { toLatex } from '../src/expr/latex';
import { printExpr } from '../src/expr/print';
import { fisher } from '../src/fisher/fisher';
import { constantValues, hessian, score } from '../src/fisher/derivatives';
import { dataMatrix, empiricalFisher, logLikelihood } from '../src/fisher/empirical';
import type { Model } from '../src/lang/model';
import { Rng } from '../src/numeric/random';
import { parse, parseExpr } from '../src/lang/parse';
import { closedCase } from './helpers/fixtures';

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
    const ref = closedCase('logistic_regression_2');
    const scalar = parse(ref.model);
    const vector = parse('given x in real[2]; data y in {0,1}; param b in real[2]; logp = y*dot(b, x) - log(1 + exp(dot(b, x)))');
    const family = parse(LOGISTIC(2));
    const fs = fisher(scalar);
    const fv = fisher(vector);
    const ff = fisher(family);
    expect(fv.closedForm && ff.closedForm && fs.closedForm).toBe(true);
    for (const point of ref.check_points) {
      const env = new Map<string, number>([...Object.entries(ref.constants), ...Object.entries(point)]);
      const venv = new Map([['x[1]', env.get('x1')!], ['x[2]', env.get('x2')!], ['b[1]', env.get('b1')!], ['b[2]', env.get('b2')!]]);
      const fenv = new Map([['z[1]', env.get('x1')!], ['z[2]', env.get('x2')!], ['beta[1]', env.get('b1')!], ['beta[2]', env.get('b2')!]]);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          // The published closed form (McCullagh & Nelder 1989: F = p(1 − p) x xᵀ), from the fixtures.
          const want = evaluate(parseExpr(ref.fisher[i]![j]!), env);
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

// ---------------------------------------------------------------------------------------------
// The vector view: reverse mode over data sets.

/** Seeded synthetic rows for a model: covariates N(0, 1), data from `draw` (given the row). */
function synthetic(m: Model, n: number, seed: number, draw: (row: Record<string, number | number[]>, rng: Rng) => Record<string, number>): DataSet {
  const rng = new Rng(seed);
  const rows = Array.from({ length: n }, () => {
    const row: Record<string, number | number[]> = {};
    for (const g of m.givens) {
      const v = /^(.*)\[(\d+)\]$/.exec(g.name);
      if (v === null) row[g.name] = rng.normal();
      else (row[v[1]!] ??= [] as number[], (row[v[1]!] as number[]).push(rng.normal()));
    }
    return { ...row, ...draw(row, rng) };
  });
  return dataSet(m, rows);
}

/** The scalar view's value at a row of a data set, by name. */
function rowEnv(m: Model, data: DataSet, r: number, theta: ArrayLike<number>): Map<string, number> {
  const env = new Map(constantValues(m));
  for (const inp of data.inputs) {
    const col = data.columns.get(inp.name)!;
    if (inp.length === 0) env.set(inp.name, col[r]!);
    else for (let k = 0; k < inp.length; k++) env.set(`${inp.name}[${k + 1}]`, col[r * inp.length + k]!);
  }
  m.params.forEach((p, i) => env.set(p.name, theta[i]!));
  return env;
}

/** Σ over the rows of expressions of the scalar view, evaluated one row at a time (the direct sum). */
function directSum(m: Model, data: DataSet, theta: ArrayLike<number>, es: readonly import('../src/expr/expr').Expr[]): number[] {
  const out = es.map(() => 0);
  for (let r = 0; r < data.rows; r++) {
    const env = rowEnv(m, data, r, theta);
    es.forEach((e, i) => (out[i]! += evaluate(e, env)));
  }
  return out;
}

/** Central finite differences of f at θ, step h·max(1, |θ_i|). */
function centralGradient(f: (t: Float64Array) => number, theta: Float64Array, h = 1e-5): number[] {
  return Array.from(theta, (t, i) => {
    const step = h * Math.max(1, Math.abs(t));
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[i] = t + step;
    down[i] = t - step;
    return (f(up) - f(down)) / (2 * step);
  });
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Models of several kinds, each with a seeded data set and a point θ. */
const MODELS: Array<{ name: string; text: string; draw: (row: Record<string, number | number[]>, rng: Rng) => Record<string, number>; theta: number[] }> = [
  {
    name: 'logistic regression (family), d = 5',
    text: LOGISTIC(5),
    draw: (row, rng) => ({ y: rng.uniform() < sigmoid((row.z as number[]).reduce((s, z, k) => s + z * (0.3 - 0.1 * k), 0)) ? 1 : 0 }),
    theta: [0.3, 0.2, 0.1, 0, -0.1],
  },
  {
    name: 'Poisson regression written out (raw logp)',
    text: 'data y in naturals; given x in real[4]; param b in real[4]; logp = y*dot(x, b) - exp(dot(b, x)) - lfact(y)',
    draw: (row, rng) => ({ y: Math.min(30, Math.floor(-Math.log(rng.uniform()) * Math.exp(0.2 * (row.x as number[])[0]!) * 2)) }),
    theta: [0.2, -0.1, 0.05, 0.3],
  },
  {
    name: 'normal linear regression with a log-scale',
    text: 'given z in real[3]; param b in real[3]; param s; y ~ Normal(dot(z, b), exp(s))',
    draw: (row, rng) => ({ y: (row.z as number[])[0]! - 0.5 * (row.z as number[])[2]! + rng.normal() }),
    theta: [0.8, 0.1, -0.4, 0.2],
  },
  {
    name: 'elementwise maps, a θ-only vector and a prior term',
    text: 'given z in real[3]; param b in real[3]; data y in real; logp = -(y - dot(z, exp(b)))^2/2 - sum(b^2)/2 + b[2]*tanh(y)',
    draw: (_row, rng) => ({ y: rng.normal() }),
    theta: [0.1, -0.3, 0.25],
  },
  {
    name: 'vector data, scalar broadcast, powers and lbeta',
    text: 'param w in positive[3]; param mu; data x in real[3]; logp = sum(log(w))/2 - sum(w*(x - mu)^2)/2 + lbeta(w[1], w[2]) - sum(w^1.5)/10',
    draw: (_row, rng) => Object.fromEntries([1, 2, 3].map((k) => [`x[${k}]`, rng.normal()])),
    theta: [0.7, 1.3, 2.1, 0.4],
  },
  {
    name: 'a scalar model (Gamma) through the same engine',
    text: 'x ~ Gamma(a, b)',
    draw: (_row, rng) => ({ x: 0.1 + 3 * rng.uniform() }),
    theta: [2.5, 1.5],
  },
];

describe('vector reverse mode', () => {
  for (const { name, text, draw, theta } of MODELS) {
    describe(name, () => {
      const m = parse(text);
      const data = synthetic(m, 40, 11, draw);
      const th = Float64Array.from(theta);
      const engine = vectorEngine(m);

      it('the total over the data set is the direct sum of log p over the rows', () => {
        const direct = directSum(m, data, th, [m.logp])[0]!;
        expect(engine.value(data, th)).toBeCloseTo(direct, 10);
      });

      it('the gradient agrees with central finite differences and with the scalar view’s symbolic score', () => {
        const g = engine.gradient(data, th).gradient;
        const fd = centralGradient((t) => engine.value(data, t), th);
        const sym = directSum(m, data, th, score(m));
        g.forEach((x, i) => {
          expect(x).toBeCloseTo(sym[i]!, 9);
          expect(Math.abs(x - fd[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(x)));
        });
      });

      it('the Hessian (and a Hessian-vector product) agrees with the symbolic Hessian and with differences of the gradient', () => {
        const h = logLikelihood(m, data, th, { hessian: true, mode: 'reverse' }).hessian!;
        const sym = hessian(m);
        const P = th.length;
        for (let i = 0; i < P; i++) {
          const want = directSum(m, data, th, sym[i]!);
          const fd = centralGradient((t) => engine.gradient(data, t).gradient[i]!, th);
          for (let j = 0; j < P; j++) {
            expect(h[i]![j]).toBeCloseTo(want[j]!, 8);
            expect(Math.abs(h[i]![j]! - fd[j]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[j]!)));
          }
        }
        const v = Float64Array.from(th, (_, i) => Math.cos(i + 1));
        const hv = engine.hvp(data, th, v).hvp;
        for (let i = 0; i < P; i++) expect(hv[i]).toBeCloseTo(h[i]!.reduce((s, x, j) => s + x * v[j]!, 0), 8);
      });

      it('symbolic, forward and reverse modes give the same totals', () => {
        const r = logLikelihood(m, data, th, { hessian: true, mode: 'reverse' });
        for (const mode of ['symbolic', 'forward'] as const) {
          const o = logLikelihood(m, data, th, { hessian: true, mode });
          expect(o.value).toBeCloseTo(r.value, 9);
          o.score.forEach((x, i) => expect(x).toBeCloseTo(r.score[i]!, 8));
          o.hessian!.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(r.hessian![i]![j]!, 7)));
        }
      });

      it('per-row gradients sum to the gradient; the empirical Fisher is the mean of s sᵀ', () => {
        const P = th.length;
        const S = new Float64Array(data.rows * P);
        engine.rowGradients(data, th, S);
        const total = engine.gradient(data, th).gradient;
        for (let i = 0; i < P; i++) expect(Array.from({ length: data.rows }, (_, r) => S[r * P + i]!).reduce((a, b) => a + b, 0)).toBeCloseTo(total[i]!, 9);
        const sym = score(m);
        const outer = Array.from({ length: P }, () => new Array<number>(P).fill(0));
        for (let r = 0; r < data.rows; r++) {
          const s = sym.map((e) => evaluate(e, rowEnv(m, data, r, th)));
          for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) outer[i]![j]! += s[i]! * s[j]!;
        }
        const emp = dataMatrix(m, data, th, 'empirical')!;
        const at = new Map(m.params.map((p, i) => [p.name, th[i]!]));
        const report = empiricalFisher(m, data, at);
        for (let i = 0; i < P; i++) {
          for (let j = 0; j < P; j++) {
            expect(emp[i * P + j]).toBeCloseTo(outer[i]![j]!, 8);
            expect(report.value[i]![j]).toBeCloseTo(outer[i]![j]! / data.rows, 9);
          }
        }
      });

      it('the sweeps are generated from the tape alone and allocate nothing per row', () => {
        for (const task of ['value', 'gradient', 'hvp', 'rows'] as const) {
          const src = engine.source(task);
          expect(src).not.toMatch(/\bnew\b|\[\s*\]|\{\s*\}|=>|function\s*\(/);
          for (const n of [...m.symbols.keys(), ...m.vectors.keys()].filter((x) => !/^[a-z]\w?$/.test(x) || x.length > 2)) expect(src).not.toContain(n);
        }
      });
    });
  }

  it('the tape of one observation has the same size for d = 3 and d = 300', () => {
    expect(vectorEngine(parse(LOGISTIC(300))).size).toBe(vectorEngine(parse(LOGISTIC(3))).size);
  });

  it('hostile names never reach the generated code', () => {
    const m = parse('given constructor, process in real[2]; param require in real[2]; param eval_ in positive; y ~ Normal(dot(constructor, require) + sum(process), eval_)');
    const src = vectorEngine(m).source('hvp');
    for (const n of ['constructor', 'process', 'require', 'eval_']) expect(src).not.toContain(n);
  });

  it('log(1 − sigmoid(x)) keeps its precision where σ(x) rounds to 1', () => {
    // 1 − σ(40) is 4.2e-18, but σ(40) is 1 in floating point: log(1 − σ(40)) would be −∞.
    const m = parse(LOGISTIC(1));
    const data = dataSet(m, { y: [0, 1], z: [40, -40] });
    const r = vectorEngine(m).gradient(data, [1]);
    const exact = -2 * (40 + Math.log1p(Math.exp(-40)));
    expect(r.value).toBeCloseTo(exact, 12);
    expect(r.gradient[0]).toBeCloseTo(-2 * 40 * sigmoid(40), 12);
  });
});

describe('the matrices of a data set', () => {
  it('expected Fisher of logistic regression = Σ σ(η)(1 − σ(η)) z zᵀ (XᵀWX, McCullagh & Nelder 1989, §4.4)', () => {
    const d = 7;
    const m = parse(LOGISTIC(d));
    const data = synthetic(m, 300, 5, (row, rng) => ({ y: rng.uniform() < sigmoid((row.z as number[])[0]!) ? 1 : 0 }));
    const th = Float64Array.from({ length: d }, (_, k) => 0.2 * Math.sin(k + 1));
    const want = new Float64Array(d * d);
    const z = data.columns.get('z')!;
    for (let i = 0; i < data.rows; i++) {
      let eta = 0;
      for (let k = 0; k < d; k++) eta += z[i * d + k]! * th[k]!;
      const w = sigmoid(eta) * (1 - sigmoid(eta));
      for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) want[j * d + k]! += w * z[i * d + j]! * z[i * d + k]!;
    }
    const got = dataMatrix(m, data, th, 'expected')!;
    const observed = dataMatrix(m, data, th, 'observed')!;
    want.forEach((x, i) => {
      expect(got[i]).toBeCloseTo(x, 10);
      // For the canonical link the observed information equals the expected one.
      expect(observed[i]).toBeCloseTo(x, 10);
    });
  });

  it('expected Fisher of a normal linear regression = [[XᵀX/σ², 0], [0, 2n/σ²]]; of a Poisson regression Σ exp(η) x xᵀ', () => {
    const m = parse('given x in real[3]; param b in real[3]; param sigma in positive; y ~ Normal(dot(x, b), sigma)');
    const data = synthetic(m, 50, 3, (_row, rng) => ({ y: rng.normal() }));
    const th = [0.5, -0.2, 0.1, 1.7];
    const F = dataMatrix(m, data, th, 'expected')!;
    const x = data.columns.get('x')!;
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        let xtx = 0;
        for (let i = 0; i < data.rows; i++) xtx += x[i * 3 + j]! * x[i * 3 + k]!;
        expect(F[j * 4 + k]).toBeCloseTo(xtx / 1.7 ** 2, 10);
      }
      expect(F[j * 4 + 3]).toBe(0);
    }
    expect(F[15]).toBeCloseTo((2 * data.rows) / 1.7 ** 2, 10);

    const p = parse('given x in real[2]; param b in real[2]; y ~ Poisson(exp(dot(x, b)))');
    const pd = synthetic(p, 60, 4, (_row, rng) => ({ y: Math.floor(3 * rng.uniform()) }));
    const G = dataMatrix(p, pd, [0.3, -0.6], 'expected')!;
    const px = pd.columns.get('x')!;
    const want = [0, 0, 0, 0];
    for (let i = 0; i < pd.rows; i++) {
      const w = Math.exp(0.3 * px[2 * i]! - 0.6 * px[2 * i + 1]!);
      for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) want[j * 2 + k]! += w * px[2 * i + j]! * px[2 * i + k]!;
    }
    want.forEach((v, i) => expect(G[i]).toBeCloseTo(v, 9));
  });

  it('a model whose vector parameter enters other than through dot products has no linear structure, and no expected matrix at data scale', () => {
    const m = parse(MODELS[3]!.text);
    expect(linearStructure(m)).toBeUndefined();
    const data = synthetic(m, 10, 1, (_row, rng) => ({ y: rng.normal() }));
    expect(dataMatrix(m, data, [0, 0, 0], 'expected')).toBeNull();
  });

  it('the blocked Gram product equals the direct sum for lengths that are not multiples of the tile, over many panels', () => {
    for (const d of [1, 3, 4, 5, 50]) {
      const m = parse(LOGISTIC(d));
      const data = synthetic(m, 1000, d, (_row, rng) => ({ y: rng.uniform() < 0.4 ? 1 : 0 }));
      const th = Float64Array.from({ length: d }, (_, k) => 0.1 * Math.cos(k));
      const got = dataMatrix(m, data, th, 'empirical')!;
      const z = data.columns.get('z')!;
      const y = data.columns.get('y')!;
      const want = new Float64Array(d * d);
      for (let i = 0; i < data.rows; i++) {
        let eta = 0;
        for (let k = 0; k < d; k++) eta += z[i * d + k]! * th[k]!;
        const r = y[i]! - sigmoid(eta);
        for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) want[j * d + k]! += r * r * z[i * d + j]! * z[i * d + k]!;
      }
      want.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 8));
    }
  });
});

describe('data sets', () => {
  const m = parse('given z in real[2]; param b in real[2]; y ~ Bernoulli(sigmoid(dot(z, b)))');

  it('columns, component columns, columns of a vector and rows give the same data set', () => {
    const a = dataSet(m, { y: [1, 0], z: [0.5, 1, -1, 2] });
    const b = dataSet(m, { y: Float64Array.of(1, 0), 'z[1]': [0.5, -1], 'z[2]': [1, 2] });
    const c = dataSet(m, { y: [1, 0], z: [[0.5, -1], [1, 2]] });
    const d = dataSet(m, [{ y: 1, z: [0.5, 1] }, { y: 0, 'z[1]': -1, 'z[2]': 2 }]);
    for (const x of [b, c, d]) {
      expect(x.rows).toBe(2);
      expect([...x.columns.get('z')!]).toEqual([...a.columns.get('z')!]);
      expect([...x.columns.get('y')!]).toEqual([1, 0]);
    }
  });

  it('missing columns are named, values outside the support and unequal lengths are errors', () => {
    expect(() => dataSet(m, { y: [1] })).toThrow(/no value for z \(a vector z of length 2 is the columns z\[1\], z\[2\]/);
    expect(() => dataSet(m, { y: [1], 'z[1]': [2] })).toThrow(/no value for z\[2\]/);
    expect(() => dataSet(m, { y: [2], z: [1, 1] })).toThrow(/row 1, y = 2: y takes the values 0, 1/);
    expect(() => dataSet(m, { y: [1, 0], z: [1, 1] })).toThrow(/different lengths/);
    expect(() => dataSet(m, { y: [1], z: [1, NaN] })).toThrow(/row 1, z\[2\] = NaN: z\[2\] is not a finite number/);
  });
});

describe('property: vector reverse mode equals the scalar expansion', () => {
  // Random vector expressions over a (real[3]), b (positive[3]), the covariate z and a scalar t.
  const vec = fc.letrec<{ v: string }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', 'z', 'b', 'log(b)', 'sqrt(b)'),
      fc.tuple(tie('v'), fc.constantFrom('+', '-', '*'), tie('v')).map(([x, o, y]) => `(${x} ${o} ${y})`),
      fc.tuple(fc.constantFrom('exp', 'sin', 'tanh', 'sigmoid', 'softplus', 'atan', 'cos'), tie('v')).map(([f, x]) => `${f}(${x})`),
      tie('v').map((x) => `t*${x}`),
      tie('v').map((x) => `(${x})^2`),
    ),
  })).v;
  const scalar = fc.oneof(
    vec.map((v) => `sum(${v})`),
    fc.tuple(vec, vec).map(([x, y]) => `dot(${x}, ${y})`),
    fc.tuple(fc.constantFrom('a', 'b', 'z', 'w'), fc.integer({ min: 1, max: 3 }), vec).map(([n, k, v]) => `${n}[${k}]*sum(${v})`),
  );
  it('gradients and Hessian-vector products of random models at random points', () => {
    fc.assert(
      fc.property(vec, fc.array(scalar, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 1000 }), (let_, terms, seed) => {
        const m = parse(`param a in real[3]; param b in positive[3]; param t; given z in real[3]; data x in real; let w = ${let_}; logp = (${terms.join(' + ')} + w[2])*x/10 - x^2/2`);
        const rng = new Rng(seed);
        const data = dataSet(m, Array.from({ length: 3 }, () => ({ x: rng.normal(), z: [rng.normal(), rng.normal(), rng.normal()] })));
        const th = Float64Array.from(m.params, (p) => (p.name.startsWith('b') ? 0.5 + rng.uniform() : rng.uniform() - 0.5));
        const e = vectorEngine(m);
        const g = e.gradient(data, th).gradient;
        const want = directSum(m, data, th, score(m));
        g.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 7));
        const v = Float64Array.from(th, () => rng.uniform() - 0.5);
        const hv = e.hvp(data, th, v).hvp;
        const H = hessian(m).map((row) => directSum(m, data, th, row));
        hv.forEach((x, i) => expect(x).toBeCloseTo(H[i]!.reduce((s, h, j) => s + h * v[j]!, 0), 6));
      }),
      { numRuns: 30, seed: 20240611 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The command line with --data.

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((x: string | Uint8Array) => {
    err += String(x);
    return true;
  });
  try {
    const code = main(argv, (x) => {
      out += `${x}\n`;
    });
    if (typeof code !== 'number') throw new Error('asynchronous verb');
    return { code, out, err };
  } finally {
    spy.mockRestore();
  }
}

describe('fisherlab score|hessian|fisher --data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fisherlab-vector-'));
  const csv = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const model = LOGISTIC(3);
  const rows = [
    [1, 0.5, 1, -1],
    [0, -1, 2, 0.3],
    [1, 0.2, 0.1, 0.7],
    [0, 1.5, -0.4, 0.2],
  ];
  const file = csv('logit.csv', `y,z[1],z[2],z[3],ignored\n${rows.map((r) => `${r.join(',')},x`).join('\n')}\n`);
  const beta = [0.5, -0.25, 1];
  // The direct sums: Σ (y − σ(η)) z and −Σ σ(η)(1 − σ(η)) z zᵀ.
  const eta = rows.map((r) => r.slice(1).reduce((s, z, k) => s + z * beta[k]!, 0));
  const wantScore = [0, 1, 2].map((k) => rows.reduce((s, r, i) => s + (r[0]! - sigmoid(eta[i]!)) * r[k + 1]!, 0));
  const wantHessian = [0, 1, 2].map((j) => [0, 1, 2].map((k) => -rows.reduce((s, r, i) => s + sigmoid(eta[i]!) * (1 - sigmoid(eta[i]!)) * r[j + 1]! * r[k + 1]!, 0)));

  it('score --json: the total over the rows, the same for every engine', () => {
    for (const mode of ['reverse', 'symbolic', 'forward']) {
      const r = cli('score', model, '--data', file, '--at', 'beta=[0.5, -0.25, 1]', '--mode', mode, '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expect(j).toMatchObject({ params: ['beta[1]', 'beta[2]', 'beta[3]'], rows: 4, mode });
      j.value.score.forEach((x: number, k: number) => expect(x).toBeCloseTo(wantScore[k]!, 12));
      expect(j.value.hessian).toBeUndefined();
    }
  });

  it('hessian: text, JSON and KaTeX-ready LaTeX', () => {
    const text = cli('hessian', model, '--data', file, '--at', 'beta=[0.5,-0.25,1]');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^# Hessian of the log-likelihood of 4 rows of .*logit\.csv, in the order \(beta\[1\.\.3\]\)\n# engine: reverse: linear predictors/);
    const j = JSON.parse(cli('hessian', model, '--data', file, '--at', 'beta=[0.5,-0.25,1]', '--json').out);
    j.value.hessian.forEach((row: number[], a: number) => row.forEach((x, b) => expect(x).toBeCloseTo(wantHessian[a]![b]!, 12)));
    const latex = cli('hessian', model, '--data', file, '--at', 'beta=[0.5,-0.25,1]', '--latex').out.split('\n')[0]!;
    expect(latex).toMatch(/^\\sum_\{i=1\}\^\{4\} \\nabla\^\{2\}_\{\\beta\} \\log p\(y_i, z_i \\mid \\beta\) = \\begin\{pmatrix\}/);
    expect(() => katex.renderToString(latex, { throwOnError: true })).not.toThrow();
  });

  it('fisher --data: empirical, observed and expected information of a vector model', () => {
    const j = JSON.parse(cli('fisher', model, '--data', file, '--at', 'beta=[0.5,-0.25,1]', '--json').out);
    expect(j.rows).toBe(4);
    // The canonical link: observed = expected = −H/n.
    j.value.expected.forEach((row: number[], a: number) => row.forEach((x, b) => expect(x).toBeCloseTo(-wantHessian[a]![b]! / 4, 12)));
    j.value.observed.forEach((row: number[], a: number) => row.forEach((x, b) => expect(x).toBeCloseTo(-wantHessian[a]![b]! / 4, 12)));
  });

  it('--mode at a point: the three engines give the numbers of the formulas', () => {
    const plain = JSON.parse(cli('hessian', 'given z in real[2]; param b in real[2]; param s in positive; y ~ Normal(dot(z, b), s)', '--at', 'y=0.4,z=[1,-2],b=[0.3,0.1],s=1.5', '--json').out);
    for (const mode of ['symbolic', 'forward', 'reverse']) {
      const j = JSON.parse(cli('hessian', 'given z in real[2]; param b in real[2]; param s in positive; y ~ Normal(dot(z, b), s)', '--at', 'y=0.4,z=[1,-2],b=[0.3,0.1],s=1.5', '--json', '--mode', mode).out);
      j.value.score.forEach((x: number, i: number) => expect(x).toBeCloseTo(plain.value.score[i], 12));
      j.value.hessian.forEach((row: number[], i: number) => row.forEach((x, k) => expect(x).toBeCloseTo(plain.value.hessian[i][k], 12)));
    }
  });

  const bad: Array<[string[], RegExp]> = [
    [['--data', csv('missing.csv', 'y,z[1],z[2]\n1,0.5,1\n'), '--at', 'beta=0'], /has no column 'z\[3\]' .*a vector z in real\[3\] is the columns z\[1\], \.\.\., z\[3\]/],
    [['--data', csv('text.csv', 'y,z[1],z[2],z[3]\n1,0.5,1,2\n0,abc,1,2\n'), '--at', 'beta=0'], /text\.csv, row 3, column 'z\[1\]': 'abc' is not a number/],
    [['--data', csv('support.csv', 'y,z[1],z[2],z[3]\n1,0.5,1,2\n2,0.5,1,2\n'), '--at', 'beta=0'], /support\.csv, row 3, y = 2: y takes the values 0, 1/],
    [['--data', file], /--data needs --at with the parameter values \(e\.g\. --at beta=0\)/],
    [['--data', file, '--at', 'beta=[1,2]'], /--at beta: 2 values for a vector of length 3/],
    [['--data', file, '--at', 'beta=0,z=1'], /with --data the values of the covariates come from the file/],
    [['--data', file, '--at', 'beta=0', '--mode', 'fast'], /Allowed choices are symbolic, forward, reverse/],
    [['--data', join(dir, 'none.csv'), '--at', 'beta=0'], /cannot read the data file/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 with one message: ${args.slice(2).join(' ') || args.join(' ')}`.slice(0, 90), () => {
      const r = cli('score', model, ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    });
  }
});
