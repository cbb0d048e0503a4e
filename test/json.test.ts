// Results that programs can hold: every expression prints (String, JSON, Node's inspector) as the
// text parseExpr reads back to the same interned node, rationals serialise exactly, and
// JSON.stringify of every library result works, holds no Map, typed array, bigint or cycle that
// JSON would mangle, and round-trips through JSON.parse with the fields a program reads.
import { build } from 'esbuild';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  FAMILIES,
  FisherError,
  add,
  checkDerivation,
  checkLocalQuadratic,
  crb,
  dataSet,
  derive,
  divergence,
  empiricalFisher,
  expfamily,
  fisher,
  fisherRaoDistance,
  fit,
  hessian,
  jeffreys,
  kl,
  klDivergence,
  logLikelihood,
  monteCarloFisher,
  num,
  numericFisher,
  parse,
  parseExpr,
  pow,
  printExpr,
  reparam,
  score,
  sym,
  verify,
  type Expr,
} from '../src/index';
import { exprArb } from './helpers/arbitrary';

/** Where JSON.stringify would lose or reject something: Maps and Sets (written {}), typed arrays, bigints, cycles, class instances. */
function jsonProblems(v: unknown, path = '$', stack: readonly object[] = []): string[] {
  if (typeof v === 'bigint') return [`${path}: a bigint`];
  if (v === null || typeof v !== 'object') return [];
  if (stack.includes(v)) return [`${path}: a cycle`];
  const o = v as { toJSON?: () => unknown };
  if (typeof o.toJSON === 'function') return jsonProblems(o.toJSON(), path, [...stack, v]);
  if (v instanceof Map || v instanceof Set) return [`${path}: a ${v.constructor.name}`];
  if (ArrayBuffer.isView(v)) return [`${path}: a ${v.constructor.name}`];
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return [`${path}: an instance of ${(proto as { constructor?: { name?: string } }).constructor?.name}`];
  return Object.entries(v).flatMap(([k, x]) => jsonProblems(x, `${path}.${k}`, [...stack, v]));
}

/** JSON.parse(JSON.stringify(x)), after checking that nothing on the way is mangled. */
function roundTrip(x: unknown): any {
  expect(jsonProblems(x)).toEqual([]);
  const text = JSON.stringify(x);
  expect(typeof text).toBe('string');
  return JSON.parse(text);
}

/** A serialised expression is its text, which parses back to the same interned node. */
function expectSameExpr(text: unknown, e: Expr | null): void {
  if (e === null) {
    expect(text).toBeNull();
    return;
  }
  expect(typeof text).toBe('string');
  expect(parseExpr(text as string)).toBe(e);
}

function expectSameMatrix(json: unknown, m: readonly (readonly (Expr | null)[])[]): void {
  expect(Array.isArray(json)).toBe(true);
  const rows = json as unknown[][];
  expect(rows.length).toBe(m.length);
  m.forEach((row, i) => row.forEach((e, j) => expectSameExpr(rows[i]![j], e)));
}

const at = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

describe('expressions and rationals as text', () => {
  it('String, a template literal, JSON.stringify and util.inspect of a node', () => {
    const e = add(sym('mu'), num(1));
    expect(String(e)).toBe('mu + 1');
    expect(`${e}`).toBe('mu + 1');
    expect(JSON.stringify(e)).toBe('"mu + 1"');
    expect(JSON.stringify({ e, list: [num(1, 2), pow(sym('sigma'), num(-2))] })).toBe('{"e":"mu + 1","list":["1/2","1/sigma^2"]}');
    expect(inspect(e)).toBe('Expr<mu + 1>');
    expect(inspect({ matrix: [[parseExpr('1/sigma^2'), num(0)]] })).toBe('{ matrix: [ [ Expr<1/sigma^2>, Expr<0> ] ] }');
    // The methods live on the prototype and are not enumerable: a node's own keys are its data.
    expect(Object.keys(e)).toEqual(['kind', 'id', 'terms']);
    const seen: string[] = [];
    for (const k in e) seen.push(k);
    expect(seen).toEqual(['kind', 'id', 'terms']);
    expect(Object.isFrozen(e)).toBe(true);
  });

  it('random expressions: the JSON string read by parseExpr is the same interned node', () => {
    let parsed = 0;
    fc.assert(
      fc.property(exprArb(), (e) => {
        const text = JSON.parse(JSON.stringify(e)) as string;
        expect(text).toBe(printExpr(e));
        expect(String(e)).toBe(text);
        expect(inspect(e)).toBe(`Expr<${text}>`);
        let back: Expr;
        try {
          back = parseExpr(text);
        } catch (err) {
          // The parser rightly refuses log(-6) or lbeta(-1, 0), which the constructors build.
          if (err instanceof FisherError && err.code === 'domain') return;
          throw err;
        }
        expect(back).toBe(e);
        parsed++;
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(parsed).toBeGreaterThan(200);
  });

  it('rationals: exact text in String and JSON (no bigint reaches JSON), Rational<...> in the inspector', () => {
    const third = num(1, 3).value;
    expect(String(third)).toBe('1/3');
    expect(JSON.stringify(third)).toBe('"1/3"');
    expect(inspect(third)).toBe('Rational<1/3>');
    expect(JSON.stringify(num(-6, 2).value)).toBe('"-3"');
    // Beyond the double range: still exact, and parseExpr reads it back to the same node.
    const big = num(2n ** 80n + 1n, 3n);
    expect(JSON.stringify(big.value)).toBe(`"${2n ** 80n + 1n}/3"`);
    expect(parseExpr(JSON.parse(JSON.stringify(big)) as string)).toBe(big);
    // A literal {n, d} handed to num is reduced to lowest terms and gains the text form.
    const q = num({ n: 6n, d: -4n });
    expect(q).toBe(num(-3, 2));
    expect(JSON.stringify(q.value)).toBe('"-3/2"');
  });

  it('a bundle that imports only num and sym from the entry prints nodes (no registration elsewhere is needed)', async () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const out = await build({
      stdin: { contents: `import { num, sym, add, pow } from ${JSON.stringify(entry)};\nresult = [String(num(1)), String(add(sym('mu'), num(1, 2))), JSON.stringify(pow(sym('s'), num(-2)))];`, resolveDir: '.', loader: 'ts' },
      bundle: true,
      treeShaking: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent',
    });
    const context = vm.createContext({ result: undefined as unknown });
    vm.runInContext(out.outputFiles[0]!.text, context);
    expect(context.result).toEqual(['1', 'mu + 1/2', '"1/s^2"']);
  });
});

describe('JSON.stringify of every result', () => {
  const normal = parse('x ~ Normal(mu, sigma)');
  const gamma = parse('x ~ Gamma(a, b)');
  const bernoulli = parse('x ~ Bernoulli(p)');
  const logistic = parse('param beta in real[2]; given z in real[2]; data y in {0,1}; y ~ Bernoulli(sigmoid(dot(z, beta)))');
  const mixture = parse('const m1 = -1; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2');

  it('Model: declarations, constants and vectors as objects, the log-density and its vector view as text', () => {
    for (const m of [normal, gamma, bernoulli, logistic, mixture]) {
      const j = roundTrip(m);
      expect(j.source).toBe(m.source);
      expectSameExpr(j.logp, m.logp);
      expect(j.params.map((p: { name: string }) => p.name)).toEqual(m.params.map((p) => p.name));
      expect(Object.keys(j.symbols).sort()).toEqual([...m.symbols.keys()].sort());
      expect(Object.keys(j.constants)).toEqual([...m.constants.keys()]);
      for (const [name, c] of m.constants) expect(j.constants[name].value).toBe(c.value);
      expect(Object.keys(j.vectors)).toEqual([...m.vectors.keys()]);
      // The vector view, written as a log-density with the model's declarations, parses to the same scalar view.
      const decls = [...m.constants.values()].map((c) => `const ${c.name} = ${printExpr(c.expr)}`);
      const vectorNames = new Set([...m.vectors.values()].flatMap((v) => v.components.map((d) => d.name)));
      for (const v of m.vectors.values()) decls.push(`${v.role} ${v.name} in ${v.label}`);
      for (const d of [...m.data, ...m.params, ...m.givens]) if (!vectorNames.has(d.name)) decls.push(`${d.role} ${d.name} in ${d.label}`);
      expect(typeof j.vectorLogp).toBe('string');
      expect(parse(`${decls.join('; ')}; logp = ${j.vectorLogp}`).logp).toBe(m.logp);
    }
    expect(roundTrip(logistic).vectorLogp).toBe('y*log(sigmoid(dot(z, beta))) + log(1 - sigmoid(dot(z, beta)))*(1 - y)');
    expect(roundTrip(logistic).vectors.beta).toMatchObject({ name: 'beta', role: 'param', length: 2, label: 'real[2]' });
  });

  it('score and Hessian: arrays of expression text', () => {
    const s = score(gamma);
    const h = hessian(gamma);
    roundTrip(s).forEach((t: string, i: number) => expectSameExpr(t, s[i]!));
    expectSameMatrix(roundTrip(h), h);
  });

  it('FisherResult: the matrix, targets and trace as expression text; the numeric rung\'s point as an object', () => {
    for (const m of [normal, gamma, bernoulli, parse('x ~ StudentT(nu, mu, s)')]) {
      const r = fisher(m);
      const j = roundTrip(r);
      expectSameMatrix(j.matrix, r.matrix);
      expectSameMatrix(j.targets, r.targets);
      expect(j.method).toBe(r.method);
      r.trace.entries.forEach((e, k) => {
        expectSameExpr(j.trace.entries[k].target, e.target);
        expectSameExpr(j.trace.entries[k].result, e.result);
        e.linear?.forEach((t, l) => expectSameExpr(j.trace.entries[k].linear[l].coef, t.coef));
      });
    }
    const r = fisher(mixture, { at: at({ w: 0.3 }), numeric: numericFisher });
    expect(r.closedForm).toBe(false);
    const j = roundTrip(r);
    expect(j.trace.numeric.at).toEqual({ w: 0.3 });
    expect(j.value[0][0]).toBe(r.value![0]![0]);
    expect(j.matrix).toEqual([[null]]);
  });

  it('ExpFamilyResult: η, T, A and θ(η) (an object keyed by parameter) as text', () => {
    for (const m of [normal, gamma, bernoulli]) {
      const r = expfamily(m);
      if (!r.exponentialFamily) throw new Error(`${m.source} is an exponential family`);
      const j = roundTrip(r);
      r.eta.forEach((e, k) => expectSameExpr(j.eta[k], e));
      r.stats.forEach((e, k) => expectSameExpr(j.stats[k], e));
      expectSameExpr(j.logPartition, r.logPartition);
      expect(Object.keys(j.inverse)).toEqual([...r.inverse!.keys()]);
      for (const [p, e] of r.inverse!) expectSameExpr(j.inverse[p], e);
      expectSameMatrix(j.ladder.matrix, r.ladder.matrix);
    }
    const cauchy = roundTrip(expfamily(parse('x ~ Cauchy(mu, s)')));
    expect(cauchy.exponentialFamily).toBe(false);
    expect(typeof cauchy.reason).toBe('string');
  });

  it('JeffreysResult, CrbResult, Derivation', () => {
    const j = jeffreys(bernoulli, { at: at({ p: 0.3 }) });
    const jj = roundTrip(j);
    expectSameExpr(jj.kernel, j.kernel);
    expect(jj.name).toBe('Beta(1/2, 1/2)');
    expect(jj.normaliser.value).toBe(j.normaliser!.value);
    expectSameMatrix(jj.fisher.matrix, j.fisher.matrix);

    const c = crb(normal, { n: 10, target: 'mu/sigma', at: at({ mu: 1, sigma: 2 }) });
    const cj = roundTrip(c);
    expectSameMatrix(cj.bound, c.bound!);
    expectSameExpr(cj.target.bound, c.target!.bound);
    expect(cj.value).toEqual(c.value);

    const d = derive(gamma);
    const dj = roundTrip(d);
    expect(dj.steps.map((s: { title: string }) => s.title)).toEqual(d.steps.map((s) => s.title));
    expectSameMatrix(dj.fisher.matrix, d.fisher.matrix);
  });

  it('KLResult, a prepared divergence (its methods left out), DistanceResult', () => {
    const from = at({ mu: 0, sigma: 1 });
    const to = at({ mu: 1, sigma: 2 });
    const r = kl(normal, { from, to });
    const j = roundTrip(r);
    expectSameExpr(j.expr, r.expr);
    expect(j.value.value).toBe(r.value!.value);
    expect(j.first).toEqual(['mu_1', 'sigma_1']);

    const prepared = klDivergence(normal);
    const pj = roundTrip(prepared);
    expectSameExpr(pj.expr, prepared.expr);
    expect(pj.pair.first).toEqual(['mu_1', 'sigma_1']);
    expect(pj.at).toBeUndefined();

    const h = divergence(normal, { name: 'hellinger' });
    const hj = roundTrip(h);
    expectSameExpr(hj.expr, h.expr);
    expect(hj.info.curvature).toBe(h.info.curvature);

    const dist = fisherRaoDistance(normal, { from, to });
    expect(roundTrip(dist).value).toBe(dist.value);
  });

  it('VerifyResult, DerivationReport, LocalCheck', () => {
    const v = verify(bernoulli, 'fisher', '1/p');
    const vj = roundTrip(v);
    expect(vj.equal).toBe(false);
    expect(vj.counterexample.expectedExpr).toBe('1/(p*(1 - p))');
    expect(vj.counterexample.at).toEqual(v.counterexample!.at);

    const rep = checkDerivation('x ~ Poisson(lam)\nfisher[lam] = 1/lam');
    expect(roundTrip(rep).equal).toBe(rep.equal);

    const prepared = klDivergence(normal);
    const local = checkLocalQuadratic(normal, prepared.at, at({ mu: 0.5, sigma: 1.5 }));
    const lj = roundTrip(local);
    expect(lj.at).toEqual({ mu: 0.5, sigma: 1.5 });
    expect(lj.steps.length).toBe(local.steps.length);
  });

  it('ReparamResult: the map as an object of expression text, both models and matrices', () => {
    const r = reparam(normal, 'sigma = exp(s)', { at: at({ mu: 0, s: 0.5 }) });
    const j = roundTrip(r);
    expect(Object.keys(j.map)).toEqual(['sigma']);
    expectSameExpr(j.map.sigma, r.map.get('sigma')!);
    expect(j.model.source).toBe(r.model.source);
    expectSameExpr(j.model.logp, r.model.logp);
    expectSameMatrix(j.fisher.matrix, r.fisher.matrix);
    expectSameMatrix(j.pullback, r.pullback!);
  });

  it('FitResult, MonteCarloResult, EmpiricalFisher, Likelihood, DataSet: numbers and arrays of numbers', () => {
    const poisson = parse('x ~ Poisson(lam)');
    const f = fit(poisson, { x: [1, 2, 3, 4] }, { null: { lam: 2 } });
    const fj = roundTrip(f);
    expect(fj.estimate).toEqual(f.estimate);
    expect(fj.estimate[0]).toBeCloseTo(2.5, 12);
    expect(fj.tests.null).toEqual({ lam: 2 });
    expect(fj.information.expected).toEqual(f.information.expected);

    const mc = monteCarloFisher(gamma, at({ a: 2, b: 1.5 }), { n: 2000, seed: 3 });
    const mj = roundTrip(mc);
    expect(mj.value).toEqual(mc.value);
    expect(mj.estimates.score.stderr).toEqual(mc.estimates.score.stderr);

    const rows = [at({ x: 3 }), at({ x: 5 })];
    const e = empiricalFisher(poisson, rows, at({ lam: 4 }));
    expect(roundTrip(e).value).toEqual(e.value);

    for (const mode of ['symbolic', 'forward', 'reverse'] as const) {
      const l = logLikelihood(gamma, [at({ x: 1.5 }), at({ x: 0.5 })], at({ a: 2, b: 1.5 }), { hessian: true, mode });
      const lj = roundTrip(l);
      expect(lj.score).toEqual(Array.from(l.score));
      expect(lj.hessian).toEqual(l.hessian!.map((row) => Array.from(row)));
      expect(lj.value).toBe(l.value);
      expect(lj.mode).toBe(mode);
      // The JSON form is not an enumerable field: spreads and Object.keys see only the data.
      expect(Object.keys(l)).not.toContain('toJSON');
    }

    const ds = dataSet(logistic, { y: [0, 1, 1], z: [[0.5, 1, -1], [2, 0, 1]] });
    const dj = roundTrip(ds);
    expect(dj.rows).toBe(3);
    expect(dj.columns).toEqual({ y: [0, 1, 1], z: [0.5, 2, 1, 0, -1, 1] });
  });

  it('FAMILIES: an object keyed by name', () => {
    const j = roundTrip(FAMILIES);
    expect(Object.keys(j)).toEqual([...FAMILIES.keys()]);
    expect(j.Normal.text).toBe(FAMILIES.get('Normal')!.text);
  });

  it('util.inspect of a result shows its expressions as Expr<...>', () => {
    const text = inspect(fisher(normal).matrix);
    expect(text).toBe('[ [ Expr<1/sigma^2>, Expr<0> ], [ Expr<0>, Expr<2/sigma^2> ] ]');
    expect(inspect(logistic.vectorLogp)).toBe('VNode<y*log(sigmoid(dot(z, beta))) + log(1 - sigmoid(dot(z, beta)))*(1 - y)>');
  });
});

