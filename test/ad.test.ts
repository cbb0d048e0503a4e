/**
 * Automatic differentiation and compiled evaluation, checked against independent evidence:
 *
 * - the four-way agreement: symbolic (diff + evaluate), forward (tagged duals), reverse (tape) and
 *   central finite differences, for gradients and Hessians, on random expressions at random points
 *   inside the function table's domains, on every built-in family and on the reference cases;
 * - perturbation confusion of nested forward modes (Siskind & Pearlmutter 2005);
 * - the symbolic engine's conventions for powers, abs/sign and polygamma's index argument;
 * - stack safety on a nesting 10^6 deep and a sum of 10^6 terms, against loops written out here;
 * - a tape reused over many points against the Normal's closed-form score and Hessian;
 * - compiled column evaluation against `evaluate` and the closed form, and its generated source
 *   against hostile symbol names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dual, Tape, derivative, forwardAlgebra, gradForward, gradReverse, hessianForward, hessianReverse, hvp, jvp, vjp, type Num } from '../src/ad/index';
import { compile, compileColumns, compileFunction } from '../src/expr/compile';
import { diff, hessianOf } from '../src/expr/diff';
import { FisherError } from '../src/expr/errors';
import { evaluate } from '../src/expr/evaluate';
import { add, call, mul, num, pow, subexpressions, sym, symbols, type Expr } from '../src/expr/expr';
import { FUNCTIONS } from '../src/expr/functions';
import { contains, REAL } from '../src/expr/interval';
import { printExpr } from '../src/expr/print';
import { FAMILIES } from '../src/families/index';
import { constantValues, hessian, score } from '../src/fisher/derivatives';
import type { Model } from '../src/lang/model';
import { parse, parseExpr } from '../src/lang/parse';
import { exprArb, isFreeSymbol, pointArb } from './helpers/arbitrary';
import { referenceCases } from './helpers/fixtures';
import { familyText, randomInRange, rng, seedOf } from './helpers/fisher-check';
import { centralDiff } from './helpers/diff';

const SEED = 20_251_103;

// ---------------------------------------------------------------------------------------------
// Yardsticks.

/** |a - b| <= rel * max(|a|, |b|, scale) + abs (NaN never passes). */
const close = (a: number, b: number, rel: number, scale = 0, abs = 0): boolean =>
  a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), scale) + abs;

/**
 * Central difference of f at x with one Richardson step (O(h^4)), with the two raw estimates:
 * where they disagree, f is not smooth on [x - h, x + h] and the estimate means nothing.
 */
function smoothDiff(f: (x: number) => number, x: number, h: number): { value: number; smooth: boolean; fmax: number } {
  const { value, d1, d2, fmax } = centralDiff(f, x, h);
  const smooth = Number.isFinite(value) && close(d1, d2, 1e-4, 0, 1e-8 + (1e-13 * fmax) / h);
  return { value, smooth, fmax };
}

interface Derivatives {
  readonly gradient: ArrayLike<number>;
  readonly hessian: ReadonlyArray<ArrayLike<number>>;
}

/** Gradient and Hessian by the symbolic engine: diff, then evaluate. */
function symbolicDerivatives(e: Expr, vars: readonly string[], env: ReadonlyMap<string, number>): Derivatives {
  return {
    gradient: vars.map((v) => evaluate(diff(e, v), env)),
    hessian: hessianOf(e, vars).map((row) => row.map((h) => evaluate(h, env))),
  };
}

/**
 * Finite differences: the gradient from differences of e itself, the Hessian from differences of
 * `grad` (a gradient already checked against differences of e). Undefined where not smooth.
 */
function finiteDifferences(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
  grad: (env: ReadonlyMap<string, number>) => ArrayLike<number>,
  step: (v: string, x: number) => number,
): Derivatives | undefined {
  const at = (v: string, t: number): Map<string, number> => new Map([...env, [v, t]]);
  const gradient: number[] = [];
  const hessian: number[][] = vars.map(() => []);
  for (const [j, v] of vars.entries()) {
    const x = env.get(v)!;
    const h = step(v, x);
    const d = smoothDiff((t) => evaluate(e, at(v, t)), x, h);
    if (!d.smooth) return undefined;
    gradient.push(d.value);
    for (let i = 0; i < vars.length; i++) {
      const di = smoothDiff((t) => grad(at(v, t))[i]!, x, h);
      if (!di.smooth) return undefined;
      hessian[i]![j] = di.value;
    }
  }
  return { gradient, hessian };
}

/** The four modes at one point; a list of disagreements (empty when all agree). */
function fourWay(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
  options: { step: (v: string, x: number) => number; symbolic?: Derivatives; rel?: number },
): { problems: string[]; compared: boolean } {
  const sym = options.symbolic ?? symbolicDerivatives(e, vars, env);
  const fwd = hessianForward(e, vars, env);
  const rev = hessianReverse(e, vars, env);
  const fwdGrad = gradForward(e, vars, env).gradient;
  const revGrad = gradReverse(e, vars, env).gradient;
  const all = [sym, fwd, rev].flatMap((d) => [...Array.from(d.gradient), ...d.hessian.flatMap((r) => Array.from(r))]);
  if (!all.every(Number.isFinite)) {
    // Not finite in one mode means not finite in all: the modes fail together or not at all.
    const finite = [sym, fwd, rev].map((d) => [...Array.from(d.gradient), ...d.hessian.flatMap((r) => Array.from(r))].every(Number.isFinite));
    return { problems: finite.every((f) => f === finite[0]) ? [] : [`finite in some modes only: ${finite}`], compared: false };
  }
  const fd = finiteDifferences(e, vars, env, (p) => symbolicDerivatives(e, vars, p).gradient, options.step);
  const scale = Math.max(...all.map(Math.abs), Math.abs(evaluate(e, env)));
  const rel = options.rel ?? 1e-9;
  const problems: string[] = [];
  const where = `${printExpr(e)} at ${JSON.stringify(Object.fromEntries(env))}`;
  const check = (what: string, a: number, b: number, tol: number, s: number): void => {
    if (!close(a, b, tol, s)) problems.push(`${what} of ${where}: ${a} vs ${b}`);
  };
  vars.forEach((v, i) => {
    const s = sym.gradient[i]!;
    check(`forward d/d${v}`, fwd.gradient[i]!, s, rel, 1e-3 * scale);
    check(`forward (first order) d/d${v}`, fwdGrad[i]!, s, rel, 1e-3 * scale);
    check(`reverse d/d${v}`, rev.gradient[i]!, s, rel, 1e-3 * scale);
    check(`reverse (vjp) d/d${v}`, revGrad[i]!, s, rel, 1e-3 * scale);
    if (fd !== undefined) check(`finite difference d/d${v}`, fd.gradient[i]!, s, 1e-5, 1e-3 * scale);
    vars.forEach((w, j) => {
      const h = sym.hessian[i]![j]!;
      check(`forward d2/d${v}d${w}`, fwd.hessian[i]![j]!, h, rel, 1e-3 * scale);
      check(`reverse d2/d${v}d${w}`, rev.hessian[i]![j]!, h, rel, 1e-3 * scale);
      if (fd !== undefined) check(`finite difference d2/d${v}d${w}`, fd.hessian[i]![j]!, h, 1e-5, 1e-3 * scale);
    });
  });
  return { problems, compared: fd !== undefined };
}

/**
 * Is the point comfortably inside every domain along e: each call's arguments inside the
 * function table's domain intervals (away from their ends and from the kinks of abs and sign),
 * real powers of positive bases, no poles, every value finite?
 */
function insideDomains(e: Expr, env: ReadonlyMap<string, number>, margin = 1e-2): boolean {
  for (const n of subexpressions(e)) {
    const v = evaluate(n, env);
    if (!Number.isFinite(v)) return false;
    if (n.kind === 'call') {
      const def = FUNCTIONS.get(n.fn)!;
      for (const [i, a] of n.args.entries()) {
        if (def.integerArgs?.includes(i)) continue;
        const x = evaluate(a, env);
        const dom = def.domain[i] ?? REAL;
        if (!contains(dom, x) || Math.abs(x - dom.lo) < margin || Math.abs(x - dom.hi) < margin) return false;
        if (def.nonsmooth === true && Math.abs(x) < margin) return false;
      }
    }
    if (n.kind === 'pow') {
      const b = evaluate(n.base, env);
      const integer = n.exp.kind === 'num' && n.exp.value.d === 1n;
      if (!integer && !(b > margin) && !(n.exp.kind === 'num' && n.exp.value.d % 2n === 1n)) return false;
      if (Math.abs(b) < margin) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// 1. The four-way agreement on random expressions.

describe('symbolic, forward, reverse and finite differences agree', () => {
  it('on random expressions at random points inside the domains (gradients and Hessians)', () => {
    let compared = 0;
    let withFiniteDifferences = 0;
    fc.assert(
      fc.property(exprArb({ maxDepth: 4 }), pointArb(), (e, point) => {
        const vars = [...symbols(e)].filter(isFreeSymbol).sort().slice(0, 3);
        fc.pre(vars.length > 0);
        const env = new Map(Object.entries(point));
        fc.pre(insideDomains(e, env));
        const r = fourWay(e, vars, env, { step: (_v, x) => 1e-4 * Math.max(1, Math.abs(x)), rel: 1e-8 });
        if (r.problems.length > 0) throw new Error(r.problems.join('\n'));
        compared++;
        if (r.compared) withFiniteDifferences++;
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(compared).toBeGreaterThan(100);
    expect(withFiniteDifferences).toBeGreaterThan(60);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Every built-in family and every reference case.

/** A data point inside the model's supports (bounds evaluated at env), written into env. */
function drawData(m: Model, env: Map<string, number>, rand: () => number): void {
  const simplex = m.data.filter((d) => d.support.kind === 'simplex').length;
  for (const d of m.data) {
    const s = d.support;
    let x: number;
    if (s.kind === 'interval') x = randomInRange({ lo: evaluate(s.lo, env), hi: evaluate(s.hi, env) }, rand());
    else if (s.kind === 'integers') {
      const lo = evaluate(s.lo, env);
      x = lo + Math.floor(rand() * Math.min(evaluate(s.hi, env) - lo + 1, 6));
    } else if (s.kind === 'set') x = evaluate(s.values[Math.floor(rand() * s.values.length)]!, env);
    else x = (0.2 + 0.8 * rand()) / (simplex + 1);
    env.set(d.name, x);
  }
}

/** Parameter values (or the given points) and data, retried until the log-density is finite. */
function modelPoints(m: Model, seed: number, given: ReadonlyArray<Record<string, number>> = []): Array<Map<string, number>> {
  const rand = rng(seed);
  const out: Array<Map<string, number>> = [];
  const targets = given.length > 0 ? given.length * 2 : 4;
  for (let tries = 0; out.length < targets && tries < 200; tries++) {
    const env = constantValues(m);
    const g = given[out.length % Math.max(1, given.length)];
    for (const p of m.params) env.set(p.name, g?.[p.name] ?? randomInRange(p.range, rand()));
    for (const c of m.givens) env.set(c.name, randomInRange(c.range, rand()));
    drawData(m, env, rand);
    if (Number.isFinite(evaluate(m.logp, env))) out.push(env);
  }
  return out;
}

/** The four-way check of a model's score and Hessian in its parameters (symbolic: the simplified ones of src/fisher). */
function checkModel(m: Model, points: ReadonlyArray<Map<string, number>>): { problems: string[]; compared: number } {
  const vars = m.params.map((p) => p.name);
  const s = score(m);
  const h = hessian(m);
  const problems: string[] = [];
  let compared = 0;
  for (const env of points) {
    const symbolic = { gradient: s.map((g) => evaluate(g, env)), hessian: h.map((row) => row.map((x) => evaluate(x, env))) };
    const step = (v: string, x: number): number => {
      const r = m.symbols.get(v)!.range;
      return 1e-4 * Math.min(Math.max(1, Math.abs(x)), Math.abs(x - r.lo), Math.abs(r.hi - x));
    };
    const r = fourWay(m.logp, vars, env, { step, symbolic });
    problems.push(...r.problems);
    if (r.compared) compared++;
  }
  return { problems, compared };
}

describe('the four modes on the models', () => {
  const families = [...FAMILIES.keys()];
  it.each(families)('family %s', (name) => {
    const m = parse(familyText(name));
    const points = modelPoints(m, seedOf(name));
    expect(points.length, 'points with a finite log-density').toBeGreaterThan(0);
    const r = checkModel(m, points);
    expect(r.problems).toEqual([]);
    expect(r.compared, 'points compared with finite differences').toBeGreaterThan(0);
  });

  it.each(referenceCases().map((c) => [c.id, c] as const))('reference case %s', (_id, c) => {
    const m = parse(c.model);
    const points = modelPoints(m, seedOf(c.id), c.check_points);
    const r = checkModel(m, points);
    expect(r.problems).toEqual([]);
    expect(r.compared).toBeGreaterThan(0);
  });

  it('raw logp models in other parameterisations', () => {
    const texts = [
      // Normal by mean and log-variance, Gamma by shape and scale, Weibull written out, a probit link.
      'data x in real; param mu; param lv; logp = -lv/2 - log(2*pi)/2 - (x - mu)^2*exp(-lv)/2',
      'data x in positive; param k in positive; param s in positive; logp = -lgamma(k) - k*log(s) + (k - 1)*log(x) - x/s',
      'data x in positive; param k in positive; param lam in positive; logp = log(k) - log(lam) + (k - 1)*log(x/lam) - (x/lam)^k',
      'data y in {0,1}; param a; param b; const z = 0.8; logp = y*log(erfc(-(a + b*z)/sqrt(2))/2) + (1 - y)*log(erfc((a + b*z)/sqrt(2))/2)',
    ];
    for (const t of texts) {
      const m = parse(t);
      const r = checkModel(m, modelPoints(m, seedOf(t)));
      expect(r.problems, t).toEqual([]);
      expect(r.compared, t).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Nested forward modes keep their perturbations apart.

describe('perturbation confusion', () => {
  const A = forwardAlgebra;

  it('d/dx [x · d/dy (x + y)] is 1 at any x (untagged duals give 2)', () => {
    for (const x0 of [-2, 0, 1, 3.5]) {
      expect(derivative((x) => A.mul(x, derivative((y) => A.add(x, y), 1)), x0)).toBe(1);
    }
    // The same computation with one shared, untagged ε: the inner derivative sees x's ε as its own.
    class Plain {
      constructor(readonly p: number, readonly t: number) {}
    }
    const lift = (a: Plain | number): Plain => (typeof a === 'number' ? new Plain(a, 0) : a);
    const addP = (a: Plain | number, b: Plain | number): Plain => new Plain(lift(a).p + lift(b).p, lift(a).t + lift(b).t);
    const mulP = (a: Plain | number, b: Plain | number): Plain => new Plain(lift(a).p * lift(b).p, lift(a).t * lift(b).p + lift(a).p * lift(b).t);
    const dP = (f: (x: Plain) => Plain | number, x: number): number => lift(f(new Plain(x, 1))).t;
    expect(dP((x) => mulP(x, dP((y) => addP(x, y), 1)), 1)).toBe(2);
  });

  it('nested derivatives of a closed-over variable: d/dx [x^2 · d/dy (x y^3)] at y = 2 is 36 x^2', () => {
    // d/dy (x y^3) = 3 x y^2 = 12 x; x^2 · 12 x = 12 x^3; d/dx = 36 x^2.
    for (const x0 of [0.5, 1, -1.5]) {
      const f = (x: Num): Num => A.mul(A.mul(x, x), derivative((y) => A.mul(x, A.pow(y, 3)), 2));
      expect(derivative(f, x0)).toBeCloseTo(36 * x0 * x0, 12);
    }
  });

  it('a second derivative by nesting: d²/dx² exp(sin x) against the closed form', () => {
    const f = (x: Num): Num => A.call('exp', [A.call('sin', [x])]);
    for (const x0 of [-1, 0.3, 2]) {
      const d2 = derivative((x) => derivative(f, x), x0) as number;
      const expected = Math.exp(Math.sin(x0)) * (Math.cos(x0) ** 2 - Math.sin(x0));
      expect(d2).toBeCloseTo(expected, 12);
    }
  });

  it('dual numbers are tagged values, not strings or closures', () => {
    const d = derivative((x) => x, 2);
    expect(d).toBe(1);
    expect(new Dual(1, 2, 3).tangent).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. The symbolic engine's conventions.

describe('the same conventions as the symbolic engine', () => {
  const modes = (e: Expr, vars: string[], env: Map<string, number>) => ({
    symbolic: symbolicDerivatives(e, vars, env),
    forward: hessianForward(e, vars, env),
    reverse: hessianReverse(e, vars, env),
  });

  it.each([
    // Integer powers of negative numbers, real odd roots, the zero of x^2, a^x with a > 0, x^y with x > 0.
    ['x^3', { x: -1.5 }],
    ['x^(-2)', { x: -0.7 }],
    ['x^(1/3)', { x: -8 }],
    ['x^(2/3)*y', { x: -8, y: 1.5 }],
    ['x^(-5/3)', { x: -2.5 }],
    ['x^2', { x: 0 }],
    ['a^x', { a: 2.5, x: -0.4 }],
    // A symbolic exponent that is not differentiated is a constant: a x^(a-1), even at x = 0 or x < 0.
    ['x^a', { x: 0, a: 2 }],
    ['x^a', { x: -2, a: 3 }],
    ['x^y', { x: 1.7, y: -2.2 }],
    ['(x + y)^(x*y)', { x: 0.6, y: 1.1 }],
    // abs and sign: the derivative of abs is sign (0 at 0), sign's is 0.
    ['abs(x - y)*y', { x: 0.4, y: 1.3 }],
    ['abs(x)', { x: 0 }],
    ['sign(x)*x^2', { x: -0.5 }],
    // polygamma's order is an index: differentiated in x only.
    ['polygamma(2, x*y)', { x: 1.3, y: 0.9 }],
    ['lbeta(x, y) + lchoose(x + 3, y)', { x: 1.3, y: 0.9 }],
  ])('%s at %j', (text, point) => {
    const e = parseExpr(text);
    const vars = Object.keys(point).filter((v) => v !== 'a');
    const env = new Map(Object.entries(point));
    const m = modes(e, vars, env);
    for (const mode of [m.forward, m.reverse]) {
      vars.forEach((_v, i) => {
        expect(close(mode.gradient[i]!, m.symbolic.gradient[i]!, 1e-12, 1e-300)).toBe(true);
        vars.forEach((_w, j) => expect(close(mode.hessian[i]![j]!, m.symbolic.hessian[i]![j]!, 1e-12, 1e-300)).toBe(true));
      });
    }
  });

  it('(-8)^(1/3) is -2 with derivative 1/12 in every mode', () => {
    const e = parseExpr('x^(1/3)');
    const env = new Map([['x', -8]]);
    expect(gradForward(e, ['x'], env).value).toBe(-2);
    expect(gradForward(e, ['x'], env).gradient[0]).toBeCloseTo(1 / 12, 15);
    expect(gradReverse(e, ['x'], env).value).toBe(-2);
    expect(gradReverse(e, ['x'], env).gradient[0]).toBeCloseTo(1 / 12, 15);
    // Second derivative: (1/3)(-2/3) x^(-5/3) = -2/9 · (-8)^(-5/3) = -2/9 · (-1/32) = 1/144.
    expect(hessianForward(e, ['x'], env).hessian[0]![0]).toBeCloseTo(1 / 144, 15);
    expect(hessianReverse(e, ['x'], env).hessian[0]![0]).toBeCloseTo(1 / 144, 15);
  });

  it('abs has derivative sign: 0 at 0, ±1 elsewhere, in every mode', () => {
    const e = parseExpr('abs(x)');
    for (const [x0, d] of [[0, 0], [-2, -1], [3, 1]] as const) {
      const env = new Map([['x', x0]]);
      expect(evaluate(diff(e, 'x'), env)).toBe(d);
      expect(gradForward(e, ['x'], env).gradient[0]).toBe(d);
      expect(gradReverse(e, ['x'], env).gradient[0]).toBe(d);
      expect(hessianReverse(e, ['x'], env).hessian[0]![0]).toBe(0);
    }
  });

  it('refuses to differentiate polygamma in its order, as diff does', () => {
    const e = call('polygamma', [sym('k'), sym('x')]);
    const env = new Map([['k', 1], ['x', 2]]);
    expect(() => diff(e, 'k')).toThrow(FisherError);
    for (const f of [gradForward, gradReverse, hessianForward, hessianReverse]) {
      expect(() => f(e, ['k', 'x'], env)).toThrow(/not differentiable in its argument 1/);
    }
    // In x alone it is fine: d/dx ψ^(1)(x) = ψ^(2)(x).
    expect(gradReverse(e, ['x'], env).gradient[0]).toBeCloseTo(evaluate(call('polygamma', [num(2), sym('x')]), env), 14);
  });

  it('names a symbol without a value, and refuses malformed directions', () => {
    const e = parseExpr('x*y');
    const env = new Map([['x', 1]]);
    for (const f of [gradForward, gradReverse, hessianForward, hessianReverse]) {
      expect(() => f(e, ['x'], env)).toThrow(/no value for y/);
    }
    expect(() => jvp(e, ['x'], new Map([['x', 1], ['y', 2]]), [1, 2])).toThrow(FisherError);
    expect(() => Tape.record([e], ['x', 'x'])).toThrow(FisherError);
    expect(() => Tape.record([e], ['x', 'y'], { wrt: ['z'] })).toThrow(/not an input/);
    const t = Tape.record([e], ['x', 'y']);
    expect(() => t.vjp([1])).toThrow(/forward/);
    expect(() => t.forward([1])).toThrow(FisherError);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Stack safety: no recursion anywhere.

describe('very large expressions', () => {
  it('a nesting 10^6 deep: sin(sin(...sin(x))) against the chain rule written as a loop', () => {
    const depth = 1_000_000;
    let e: Expr = sym('x');
    for (let i = 0; i < depth; i++) e = call('sin', [e]);
    const x0 = 0.9;
    // f = s_n with s_0 = x, s_k = sin(s_{k-1}); f' = d_n and f'' = c_n by the recurrences
    // d_k = cos(s_{k-1}) d_{k-1}, c_k = cos(s_{k-1}) c_{k-1} - sin(s_{k-1}) d_{k-1}^2.
    let s = x0;
    let d = 1;
    let c = 0;
    for (let i = 0; i < depth; i++) {
      const co = Math.cos(s);
      const si = Math.sin(s);
      c = co * c - si * d * d;
      d = co * d;
      s = si;
    }
    const tape = Tape.record([e], ['x']);
    expect(tape.forward([x0])[0]).toBe(s);
    expect(close(tape.vjp([1])[0]!, d, 1e-12)).toBe(true);
    expect(close(tape.hvp([1])[0]!, c, 1e-12)).toBe(true);
    const fwd = gradForward(e, ['x'], new Map([['x', x0]]));
    expect(fwd.value).toBe(s);
    expect(close(fwd.gradient[0]!, d, 1e-12)).toBe(true);
  }, 300_000);

  it('a sum of 10^6 terms: theta * (x_1 + ... + x_n), its gradient and a Hessian column against loops', () => {
    const n = 1_000_000;
    const names = Array.from({ length: n }, (_, k) => `x${k}`);
    const chunks: Expr[] = [];
    for (let i = 0; i < n; i += 10_000) chunks.push(add(...names.slice(i, i + 10_000).map((v) => sym(v))));
    const sum = add(...chunks);
    expect(sum.kind === 'add' && sum.terms.length).toBe(n);
    const e = mul(sym('theta'), sum);
    const inputs = ['theta', ...names];
    const x = Float64Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 0.7 : 1 + 0.5 * Math.sin(k)));
    let total = 0;
    for (let k = 1; k <= n; k++) total += x[k]!;
    const tape = Tape.record([e], inputs);
    expect(close(tape.forward(x)[0]!, 0.7 * total, 1e-12)).toBe(true);
    // ∂/∂theta = Σ x_k, ∂/∂x_k = theta.
    const g = tape.vjp([1]);
    expect(close(g[0]!, total, 1e-12)).toBe(true);
    for (let k = 1; k <= n; k++) if (g[k] !== 0.7) throw new Error(`d/dx${k - 1} = ${g[k]}`);
    // The Hessian column of theta: ∂²/∂theta∂x_k = 1, ∂²/∂theta² = 0.
    const v = new Float64Array(n + 1);
    v[0] = 1;
    const hv = tape.hvp(v);
    expect(hv[0]).toBe(0);
    for (let k = 1; k <= n; k++) if (hv[k] !== 1) throw new Error(`d2/dtheta dx${k - 1} = ${hv[k]}`);
    // Forward mode along a direction: theta' Σ x_k + theta Σ x_k'.
    const env = new Map(inputs.map((name, k) => [name, x[k]!]));
    const dir = Float64Array.from({ length: n + 1 }, (_, k) => (k % 3) - 1);
    let expected = dir[0]! * total;
    for (let k = 1; k <= n; k++) expected += 0.7 * dir[k]!;
    expect(close(jvp(e, inputs, env, dir).derivative, expected, 1e-12, n)).toBe(true);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// 6. One tape, many points.

describe('a tape reused over many points', () => {
  const m = parse('x ~ Normal(mu, sigma)');
  // Closed forms (e.g. Casella & Berger, Statistical Inference, §7.3): with z = x - μ,
  // ∂/∂μ = z/σ², ∂/∂σ = -1/σ + z²/σ³; ∂²/∂μ² = -1/σ², ∂²/∂μ∂σ = -2z/σ³, ∂²/∂σ² = 1/σ² - 3z²/σ⁴.
  const closedForm = (x: number, mu: number, s: number) => {
    const z = x - mu;
    return {
      value: -Math.log(s) - Math.log(2 * Math.PI) / 2 - (z * z) / (2 * s * s),
      gradient: [z / s ** 2, -1 / s + z ** 2 / s ** 3],
      hessian: [
        [-1 / s ** 2, (-2 * z) / s ** 3],
        [(-2 * z) / s ** 3, 1 / s ** 2 - (3 * z ** 2) / s ** 4],
      ],
    };
  };

  it('forward, vjp, jvp and hvp at 200 points match the closed form, in the same buffers', () => {
    const tape = Tape.record([m.logp], ['mu', 'sigma', 'x'], { wrt: ['mu', 'sigma'] });
    const rand = rng(7);
    const first = { out: tape.forward([0, 1, 0]), grad: tape.vjp([1]), hv: tape.hvp([1, 0]), jv: tape.jvp([1, 0]) };
    for (let i = 0; i < 200; i++) {
      const [x, mu, s] = [4 * rand() - 2, 2 * rand() - 1, 0.3 + 2 * rand()];
      const cf = closedForm(x, mu, s);
      const out = tape.forward([mu, s, x]);
      expect(out).toBe(first.out);
      expect(close(out[0]!, cf.value, 1e-13)).toBe(true);
      const grad = tape.vjp([1]);
      expect(grad).toBe(first.grad);
      cf.gradient.forEach((gk, k) => expect(close(grad[k]!, gk, 1e-12, 1e-12)).toBe(true));
      const v = [rand() - 0.5, rand() - 0.5];
      const jv = tape.jvp(v);
      expect(jv).toBe(first.jv);
      expect(close(jv[0]!, cf.gradient[0]! * v[0]! + cf.gradient[1]! * v[1]!, 1e-12, 1e-12)).toBe(true);
      const hv = tape.hvp(v);
      expect(hv).toBe(first.hv);
      for (let k = 0; k < 2; k++) {
        const expected = cf.hessian[k]![0]! * v[0]! + cf.hessian[k]![1]! * v[1]!;
        expect(close(hv[k]!, expected, 1e-11, 1e-11)).toBe(true);
      }
    }
  });

  it('several outputs: vjp and a weighted hvp equal the sums of the single-output ones', () => {
    const es = [parseExpr('x*y^2'), parseExpr('exp(x - y)'), parseExpr('log(x)*y')];
    const env = new Map([['x', 1.4], ['y', 0.3]]);
    const w = [2, -1, 0.5];
    const got = vjp(es, ['x', 'y'], env, w);
    const expected = [0, 1].map((k) => es.reduce((s, e, i) => s + w[i]! * gradReverse(e, ['x', 'y'], env).gradient[k]!, 0));
    expected.forEach((g, k) => expect(got[k]).toBeCloseTo(g, 13));
    const tape = Tape.record(es, ['x', 'y'], { constants: new Map() });
    tape.forward([1.4, 0.3]);
    const hv = tape.hvp([0.6, -0.8], w);
    const sum = [0, 1].map((k) => es.reduce((s, e, i) => s + w[i]! * hvp(e, ['x', 'y'], env, [0.6, -0.8])[k]!, 0));
    sum.forEach((h, k) => expect(hv[k]).toBeCloseTo(h, 12));
  });

  it('a shared subexpression is recorded once', () => {
    const z = parseExpr('(x - mu)/sigma');
    const e = add(mul(z, z), call('exp', [z]), pow(z, num(3)));
    const tape = Tape.record([e], ['x', 'mu', 'sigma']);
    // Slots: x, mu, sigma, -1, -mu, x - mu, sigma^-1, z, z^2, exp(z), z^3, the sum (and 3 nums).
    const distinct = subexpressions(e).size;
    expect(tape.size).toBe(distinct);
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Compiled evaluation over columns.

describe('compiled evaluation over Float64Array columns', () => {
  it('map and sum agree with evaluate on random expressions, with fixed symbols hoisted', () => {
    fc.assert(
      fc.property(fc.array(exprArb({ maxDepth: 3 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (es, rows, seed) => {
        const rand = rng(seed);
        const names = ['a', 'b', 'x', 'mu', 'sigma', 'theta2'];
        const invariant = ['mu', 'sigma'];
        const k = compileColumns(es, names, invariant);
        const cols = k.columnNames.map(() => Float64Array.from({ length: rows }, () => 6 * rand() - 3));
        const fixed = invariant.map(() => 6 * rand() - 3);
        const out = es.map(() => new Float64Array(rows));
        k.map(cols, fixed, out);
        const sums = new Float64Array(es.length);
        k.sum(cols, fixed, sums);
        es.forEach((e, i) => {
          let total = 0;
          let mag = 0;
          for (let r = 0; r < rows; r++) {
            const env = new Map<string, number>([...k.columnNames.map((n, c) => [n, cols[c]![r]!] as const), ...invariant.map((n, j) => [n, fixed[j]!] as const)]);
            const want = evaluate(e, env);
            const got = out[i]![r]!;
            if (Number.isNaN(want)) expect(got).toBeNaN();
            else if (!Number.isFinite(want)) expect(got).toBe(want);
            else expect(close(got, want, 1e-12, 0, 1e-300)).toBe(true);
            total += got;
            mag += Math.abs(got);
          }
          if (Number.isFinite(total)) expect(close(sums[i]!, total, 1e-12, mag)).toBe(true);
        });
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('the score and Hessian of Normal(mu, sigma) with x, mu, sigma varying per row match the closed form', () => {
    const m = parse('x ~ Normal(mu, sigma)');
    const s = score(m);
    const h = hessian(m);
    const k = compileColumns([s[0]!, s[1]!, h[0]![0]!, h[0]![1]!, h[1]![1]!], ['x', 'mu', 'sigma']);
    const n = 1000;
    const rand = rng(11);
    const cols = [0, 1, 2].map((c) => Float64Array.from({ length: n }, () => (c === 2 ? 0.2 + 3 * rand() : 6 * rand() - 3)));
    const out = Array.from({ length: 5 }, () => new Float64Array(n));
    k.map(cols, [], out);
    for (let r = 0; r < n; r++) {
      const [x, mu, sg] = [cols[0]![r]!, cols[1]![r]!, cols[2]![r]!];
      const z = x - mu;
      // Casella & Berger §7.3 (as above).
      const want = [z / sg ** 2, -1 / sg + z ** 2 / sg ** 3, -1 / sg ** 2, (-2 * z) / sg ** 3, 1 / sg ** 2 - (3 * z ** 2) / sg ** 4];
      want.forEach((w, i) => expect(close(out[i]![r]!, w, 1e-12, 1 / sg ** 4)).toBe(true));
    }
    // Row ranges and sums over chunks add up to the sum over all rows.
    const all = new Float64Array(5);
    k.sum(cols, [], all);
    const chunked = new Float64Array(5);
    k.sum(cols, [], chunked, 0, 400);
    k.sum(cols, [], chunked, 400, n);
    all.forEach((v, i) => expect(close(chunked[i]!, v, 1e-12, 1)).toBe(true));
  });

  it('generates source from the tree only: hostile symbol names never reach it', () => {
    const hostile = ['constructor', '__proto__', 'toString', 'eval', 'Function', 'σ', 'x$', '});process.exit(1);//', 'return', 'this'];
    const [a, b, c, d, e2, f, g, h, i, j] = hostile.map((n) => sym(n)) as [Expr, Expr, Expr, Expr, Expr, Expr, Expr, Expr, Expr, Expr];
    const es = [add(mul(a, b), call('log', [c]), pow(d, num(2))), mul(e2, call('exp', [add(f, g)])), add(mul(h, i), j)];
    const k = compileColumns(es, hostile, ['eval', 'σ']);
    const c1 = compile(es, hostile, ['Function']);
    const fn = compileFunction(es[0]!, hostile);
    // The generator's own vocabulary: numbered locals and a few keywords and Math functions.
    const vocabulary = /^(?:[CPOSFRcvxphtsa]\d*|r|r0|r1|const|let|for|return|function|map|sum|prepare|run|out|Math|sqrt|pow|NaN|Infinity|e|use|strict|true|false)$/;
    for (const source of [k.source, c1.source, fn.toString()]) {
      for (const name of hostile) if (!vocabulary.test(name)) expect(source.includes(name), name).toBe(false);
      // Every identifier of the generated code is one of the generator's own.
      for (const id of new Set(source.match(/[A-Za-z_$][\w$]*/g))) expect(id).toMatch(vocabulary);
    }
    // And the values are right.
    const values = hostile.map((_n, q) => 0.5 + q / 10);
    const env = new Map(hostile.map((n, q) => [n, values[q]!]));
    const cols = k.columnNames.map((n) => Float64Array.of(env.get(n)!));
    const out = es.map(() => new Float64Array(1));
    k.map(cols, k.fixedNames.map((n) => env.get(n)!), out);
    es.forEach((e, q) => expect(out[q]![0]).toBeCloseTo(evaluate(e, env), 14));
    expect(fn(...values)).toBeCloseTo(evaluate(es[0]!, env), 14);
  });

  it('refuses mismatched columns, rows and names with one clear message', () => {
    const k = compileColumns([parseExpr('x*mu')], ['x', 'mu'], ['mu']);
    const out = [new Float64Array(3)];
    expect(() => k.map([], [1], out)).toThrow(/expected 1 data columns/);
    expect(() => k.map([new Float64Array(3)], [], out)).toThrow(/fixed values/);
    expect(() => k.map([new Float64Array(3)], [1], [new Float64Array(2)])).toThrow(/at least 3 rows/);
    expect(() => k.map([new Float64Array(3)], [1], out, 2, 5)).toThrow(/not within/);
    expect(() => k.sum([[1, 2] as unknown as Float64Array], [1], new Float64Array(1))).toThrow(/Float64Array/);
    expect(() => compileColumns([parseExpr('x*y')], ['x'])).toThrow(/no value for y/);
    expect(() => compileColumns([parseExpr('x')], ['x', 'x'])).toThrow(FisherError);
    expect(() => compileColumns([parseExpr('x')], ['x'], ['z'])).toThrow(/not one of the compiled names/);
  });
});
