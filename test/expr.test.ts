/**
 * The expression core: printer/parser round trip, the function table's derivative rules against
 * finite differences, the smart constructors' algebra, domain-aware simplification, and symbolic
 * differentiation of random expressions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Algebra } from '../src/expr/algebra';
import { diff, symbolic } from '../src/expr/diff';
import { FisherError } from '../src/expr/errors';
import { evaluate, numeric } from '../src/expr/evaluate';
import { add, call, children, mul, num, pow, subexpressions, sym, symbols, type Expr } from '../src/expr/expr';
import { FUNCTIONS, type FunctionDef } from '../src/expr/functions';
import { POSITIVE, REAL, UNIT_OPEN, type Interval } from '../src/expr/interval';
import { printExpr } from '../src/expr/print';
import { simplify } from '../src/expr/simplify';
import { parseExpr } from '../src/lang/parse';
import { exprArb, isFreeSymbol, pointArb } from './helpers/arbitrary';
import { centralDiff } from './helpers/diff';

const SEED = 20_240_611;

// ---------------------------------------------------------------------------------------------
// Numeric helpers.


/** |a - b| <= rel * max(|a|, |b|) + abs. */
const close = (a: number, b: number, rel: number, abs = 0): boolean =>
  a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;

/** A few points well inside an interval (away from its ends, where kernels are steep). */
function pointsIn(d: Interval): number[] {
  if (d.lo === -Infinity && d.hi === Infinity) return [-1.7, -0.45, 0.6, 2.3];
  if (d.hi === Infinity) return [d.lo + 0.35, d.lo + 1.3, d.lo + 3.7];
  if (d.lo === -Infinity) return [d.hi - 0.35, d.hi - 1.3, d.hi - 3.7];
  const w = d.hi - d.lo;
  return [d.lo + 0.2 * w, d.lo + 0.5 * w, d.lo + 0.85 * w];
}

/** Distance from x to the nearest finite end of d (Infinity if none). */
const distToEnd = (d: Interval, x: number): number => Math.min(Math.abs(x - d.lo), Math.abs(d.hi - x));

function cartesian<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>((acc, l) => acc.flatMap((prefix) => l.map((v) => [...prefix, v])), [[]]);
}

// ---------------------------------------------------------------------------------------------
// 1. parse(print(e)) === e.

describe('printer and parser', () => {
  it('parse(print(e)) is the same interned node for random expressions', () => {
    let rejected = 0;
    fc.assert(
      fc.property(exprArb(), (e) => {
        const text = printExpr(e);
        let back: Expr;
        try {
          back = parseExpr(text);
        } catch (err) {
          // The parser rightly refuses expressions that are never in a function's domain, such
          // as log(-6) or 1/0, which the constructors build without complaint.
          if (err instanceof FisherError && err.code === 'domain') {
            rejected++;
            fc.pre(false);
          }
          throw err;
        }
        if (back !== e) throw new Error(`round trip of ${text} gave ${printExpr(back)}`);
      }),
      { numRuns: 500, seed: SEED },
    );
    expect(rejected).toBeLessThan(100);
  });

  it.each([
    // x^(-a - b) and x^(-(a + b)) are one node (the exponent's linear form is canonical), so the
    // fraction reads back to it.
    ['x^(-a - b)', '1/x^(a + b)'],
    ['1/x^(a + b)', '1/x^(a + b)'],
    ['-(x - mu)^2/(2*sigma^2)', '-(x - mu)^2/(2*sigma^2)'],
    ['2*x/4', 'x/2'],
    ['x^(-1/2)', '1/sqrt(x)'],
    ['(-8)^(1/3)', '(-8)^(1/3)'],
    ['(1/2)^x', '(1/2)^x'],
    ['2^(-x)', '1/2^x'],
    // Linear arguments print with their common rational factored out when the rest has unit
    // coefficients, however they were written.
    ['exp(-2*a - 2*b*z)', 'exp(-2*(a + b*z))'],
    ['exp(-2*(a + b*z))', 'exp(-2*(a + b*z))'],
    ['exp(x/2 + y/2)', 'exp((x + y)/2)'],
    ['exp(4*a + 6*b)', 'exp(4*a + 6*b)'],
    ['exp(-a - b)', 'exp(-a - b)'],
    ['sqrt(2*a + 2*b)', 'sqrt(2*(a + b))'],
    ['x^(2*a + 2*b)', 'x^(2*(a + b))'],
    ['y*(2*a + 2*b)', '2*y*(a + b)'],
    ['(2*a + 2*b)^2', '4*(a + b)^2'],
  ])('prints %s as %s and reads it back', (input, printed) => {
    const e = parseExpr(input);
    expect(printExpr(e)).toBe(printed);
    expect(parseExpr(printed)).toBe(e);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The function table: every rule against finite differences.

interface RuleProblem {
  readonly fn: string;
  readonly arg: number;
  readonly at?: readonly number[];
  readonly what: string;
}

const argNames = (def: FunctionDef): Expr[] =>
  Array.from({ length: def.arity }, (_, i) => sym(`u${i}`));

/** Evaluation points for each argument: whole numbers 0..4 for index arguments. */
function argPoints(def: FunctionDef): number[][] {
  return Array.from({ length: def.arity }, (_, i) =>
    def.integerArgs?.includes(i) ? [0, 1, 2, 3, 4] : pointsIn(def.domain[i] ?? REAL),
  );
}

/**
 * Check the derivative rules of one entry. `withDiff` also differentiates the call symbolically
 * (only meaningful for entries of the real table, since diff looks rules up there).
 */
function checkEntry(def: FunctionDef, withDiff: boolean): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (def.d.length !== def.arity) problems.push({ fn: def.name, arg: -1, what: `${def.d.length} rules for arity ${def.arity}` });
  if (def.domain.length !== def.arity) problems.push({ fn: def.name, arg: -1, what: `${def.domain.length} domains for arity ${def.arity}` });
  const names = argNames(def);
  for (let i = 0; i < def.arity; i++) {
    const rule = def.d[i];
    const isIndex = def.integerArgs?.includes(i) ?? false;
    if (rule === null || rule === undefined) {
      if (!isIndex) problems.push({ fn: def.name, arg: i, what: 'no derivative rule for a real argument' });
      continue;
    }
    const points = cartesian(argPoints(def));
    let checked = 0;
    for (const at of points) {
      const x = at[i]!;
      const dom = def.domain[i] ?? REAL;
      const h = 1e-3 * Math.max(1, Math.abs(x)) * Math.min(1, distToEnd(dom, x));
      const f = (t: number): number => def.eval(...at.map((v, j) => (j === i ? t : v)));
      const fd = centralDiff(f, x, h);
      if (!Number.isFinite(fd.value) || !Number.isFinite(f(x))) continue;
      checked++;
      const tol = (a: number): boolean => close(a, fd.value, 1e-6, 1e-9 + (1e-13 * fd.fmax) / h);
      // The rule over the numeric algebra.
      const viaNumeric = rule(numeric, at);
      if (!tol(viaNumeric)) problems.push({ fn: def.name, arg: i, at, what: `numeric rule ${viaNumeric} vs finite difference ${fd.value}` });
      // The rule over the symbolic algebra, then evaluated.
      const env = new Map(names.map((_n, j) => [`u${j}`, at[j]!]));
      // Index arguments are literal whole numbers: polygamma(2, u1).
      const args = names.map((n, j) => (def.integerArgs?.includes(j) ? num(at[j]!) : n));
      const ruleExpr = rule(symbolic, args);
      const viaSymbolicRule = evaluate(ruleExpr, env);
      if (!tol(viaSymbolicRule)) problems.push({ fn: def.name, arg: i, at, what: `symbolic rule ${printExpr(ruleExpr)} = ${viaSymbolicRule} vs finite difference ${fd.value}` });
      if (withDiff) {
        const d = diff(call(def.name, args), `u${i}`);
        const viaDiff = evaluate(d, env);
        if (!tol(viaDiff)) problems.push({ fn: def.name, arg: i, at, what: `diff ${printExpr(d)} = ${viaDiff} vs finite difference ${fd.value}` });
      }
    }
    if (checked < 2) problems.push({ fn: def.name, arg: i, what: `only ${checked} points with a finite value` });
  }
  return problems;
}

describe('the function table', () => {
  const defs = [...FUNCTIONS.values()];

  it('is not empty and names its entries by their keys', () => {
    expect(defs.length).toBeGreaterThan(20);
    for (const [k, def] of FUNCTIONS) expect(def.name).toBe(k);
  });

  it.each(defs.map((d) => [d.name, d] as const))('%s: derivative rules match finite differences of eval', (_name, def) => {
    expect(checkEntry(def, true)).toEqual([]);
  });

  it('the check fails for a wrong rule and for a missing rule of a real argument', () => {
    const sin = FUNCTIONS.get('sin')!;
    const wrongSign: FunctionDef = { ...sin, d: [<T,>(A: Algebra<T>, [x]: readonly T[]) => A.neg(A.call('cos', [x!]))] };
    expect(checkEntry(wrongSign, false).length).toBeGreaterThan(0);
    const lbeta = FUNCTIONS.get('lbeta')!;
    const missing: FunctionDef = { ...lbeta, d: [lbeta.d[0]!, null] };
    expect(checkEntry(missing, false)).toContainEqual(expect.objectContaining({ fn: 'lbeta', arg: 1, what: 'no derivative rule for a real argument' }));
    const tooFew: FunctionDef = { ...lbeta, d: [lbeta.d[0]!] };
    expect(checkEntry(tooFew, false).length).toBeGreaterThan(0);
    // A rule off by a small factor is caught too.
    const exp = FUNCTIONS.get('exp')!;
    const scaled: FunctionDef = { ...exp, d: [<T,>(A: Algebra<T>, [x]: readonly T[]) => A.mul(A.num(1001, 1000), A.call('exp', [x!]))] };
    expect(checkEntry(scaled, false).length).toBeGreaterThan(0);
  });

  it('polygamma refuses to differentiate in its order', () => {
    const k = sym('k');
    expect(() => diff(call('polygamma', [k, sym('x')]), 'k')).toThrowError(FisherError);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The smart constructors' algebra.

describe('constructor algebra', () => {
  it.each([
    'x + x => 2*x',
    'x*x => x^2',
    'x^2*x^-2 => 1',
    '2*(a+b) - 2*a => 2*b',
    '1 - (1 - x) => x',
    '(x^2)^3 => x^6',
    'sqrt(4) => 2',
    '8^(2/3) => 4',
    'log(exp(x)) => x',
    'exp(log(x)) => x',
    'exp(a)^2 => exp(2*a)',
    'polygamma(1, x) => trigamma(x)',
    'polygamma(0, x) => digamma(x)',
    'e^x => exp(x)',
    '0.25 => 1/4',
    '1e-3 => 1/1000',
    'x - x => 0',
    '0*x => 0',
    'x/x => 1',
    'a*b - b*a => 0',
    '2^3*x => 8*x',
    '(a*b)^2 => a^2*b^2',
    'sqrt(x)^2 => x',
    '(1/4)^(1/2) => 1/2',
    'log(1) => 0',
    'abs(-3) => 3',
    'lgamma(1) => 0',
    // One node for a linear argument however it is written (a rational distributed over a sum).
    'exp(-2*(a + b*z)) - exp(-2*a - 2*b*z) => 0',
    'log(2*(a + b)) - log(2*a + 2*b) => 0',
    'lgamma(3*(x - 1)) - lgamma(3*x - 3) => 0',
    'x^(2*(a + b)) - x^(2*a + 2*b) => 0',
    'sqrt(2*a + 2*b) - sqrt(2*(a + b)) => 0',
    'y*(2*a + 2*b) - 2*y*(a + b) => 0',
    '(2*a + 2*b)^2 => 4*(a + b)^2',
    '(-a - b)^3 => -(a + b)^3',
    '1/(2*a + 2*b) - 1/(2*(a + b)) => 0',
  ])('%s', (line) => {
    const [input, expected] = line.split(' => ') as [string, string];
    const got = parseExpr(input);
    const want = parseExpr(expected);
    expect(printExpr(got)).toBe(printExpr(want));
    expect(got).toBe(want);
  });

  it('a rational times a sum is one node with the distributed sum in every operand position', () => {
    // For random u, v and a rational c: c*(u + v) and c*u + c*v give the same node as a function's
    // argument, an exponent and the base of a root; as a factor of a product and the base of an
    // integer power for c > 0 (the sign of a sum with terms of both signs there, y*(a - b) against
    // -y*(b - a) or (a - b)^2 against (b - a)^2, is not made canonical).
    const positions: Array<(a: Expr) => Expr> = [
      (a) => call('exp', [a]),
      (a) => call('log', [a]),
      (a) => call('lgamma', [a]),
      (a) => pow(sym('x'), a),
      (a) => pow(a, num(1, 2)),
    ];
    const integerPowers: Array<(a: Expr) => Expr> = [(a) => mul(sym('y'), a), (a) => pow(a, num(-2)), (a) => pow(a, num(3))];
    fc.assert(
      fc.property(exprArb({ maxDepth: 2 }), exprArb({ maxDepth: 2 }), fc.integer({ min: -9, max: 9 }).filter((n) => n !== 0), fc.integer({ min: 1, max: 6 }), (u, v, n, d) => {
        const c = num(n, d);
        const factored = mul(c, add(u, v));
        const distributed = add(mul(c, u), mul(c, v));
        for (const f of [...positions, ...(n > 0 ? integerPowers : [])]) {
          if (f(factored) !== f(distributed)) throw new Error(`${printExpr(f(factored))} ≠ ${printExpr(f(distributed))}`);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(call('exp', [parseExpr('-2*(a + b*z)')])).toBe(call('exp', [parseExpr('-2*a - 2*b*z')]));
  });

  it('interns: equal expressions are the same object', () => {
    expect(parseExpr('(x - mu)^2/(2*sigma^2)')).toBe(parseExpr('(-mu + x)^2 / (sigma^2 * 2)'));
    expect(num(2, 4)).toBe(num(1, 2));
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Domain-aware simplification.

describe('simplify with domains', () => {
  const positive = new Set(['sigma', 'a']);
  const unit = new Set(['theta2']);
  const ranges = (name: string): Interval | undefined =>
    positive.has(name) ? POSITIVE : unit.has(name) ? UNIT_OPEN : undefined;

  it.each([
    ['sqrt(sigma^2)', 'sigma'],
    ['abs(sigma)', 'sigma'],
    ['sqrt(x^2)', 'abs(x)'],
    ['log(sigma^2)', '2*log(sigma)'],
    ['abs(-sigma)', 'sigma'],
    ['abs(x)', 'abs(x)'],
    ['log(x^2)', 'log(x^2)'],
    ['sqrt(sigma^2*a^2)', 'a*sigma'],
    ['exp(a)*exp(b)', 'exp(a + b)'],
  ])('%s => %s', (input, expected) => {
    expect(simplify(parseExpr(input), { ranges })).toBe(parseExpr(expected));
  });

  it('never changes the value of random expressions at points inside the domains', () => {
    const point = pointArb({ sigma: [0.05, 4], a: [0.05, 4], theta2: [0.02, 0.98] });
    let compared = 0;
    fc.assert(
      fc.property(exprArb(), point, (e, env) => {
        // Points where every subexpression is finite: a value reached through an infinity
        // (trigamma(-5) in an exponent) is not one simplify has to keep.
        fc.pre(allFinite(e, env));
        const before = evaluate(e, env);
        const s = simplify(e, { ranges });
        // Exact coefficients beyond the double range (5^864 from (x/5 + 1)^864) overflow.
        fc.pre(!hasHugeNumber(s));
        const after = evaluate(s, env);
        compared++;
        const scale = Math.max(1, magnitude(e, env), magnitude(s, env));
        if (!(Math.abs(after - before) <= 1e-9 * scale)) {
          throw new Error(`simplify(${printExpr(e)}) = ${printExpr(s)}: ${before} became ${after} at ${JSON.stringify(env)}`);
        }
      }),
      { numRuns: 400, seed: SEED },
    );
    expect(compared).toBeGreaterThan(200);
  });

  // The range of x^(1/3) covers negatives: evaluate takes odd roots of negatives as real values
  // ((-8)^(1/3) = -2), so abs must stay.
  it('keeps abs of an odd root of a real symbol: abs(x^(1/3)) at x = -8 is 2', () => {
    const e = parseExpr('abs(x^(1/3))');
    const s = simplify(e, { ranges });
    expect(evaluate(s, { x: -8 })).toBeCloseTo(evaluate(e, { x: -8 }), 12);
  });
});

/** Is every subexpression of e finite at env? */
function allFinite(e: Expr, env: Record<string, number>): boolean {
  for (const n of subexpressions(e)) if (!Number.isFinite(evaluate(n, env))) return false;
  return true;
}

/** Does e hold a rational whose numerator or denominator is beyond the double range? */
function hasHugeNumber(e: Expr): boolean {
  for (const n of subexpressions(e)) {
    if (n.kind === 'num' && !(Number.isFinite(Number(n.value.n)) && Number.isFinite(Number(n.value.d)))) return true;
  }
  return false;
}

/** The largest finite absolute value of any subexpression: the scale of rounding errors. */
function magnitude(e: Expr, env: Record<string, number>): number {
  let m = 0;
  const seen = new Set<Expr>();
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const v = Math.abs(evaluate(n, env));
    if (Number.isFinite(v)) m = Math.max(m, v);
    stack.push(...children(n));
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// 5. diff against finite differences on random expressions.

describe('diff', () => {
  it.each([
    ['x^2*log(x)', 'x', '2*x*log(x) + x'],
    ['exp(-x^2/2)', 'x', '-x*exp(-x^2/2)'],
    ['log(sigma)', 'sigma', '1/sigma'],
    ['a^x', 'x', 'a^x*log(a)'],
    ['lgamma(a)', 'a', 'digamma(a)'],
    ['digamma(a)', 'a', 'trigamma(a)'],
    ['trigamma(a)', 'a', 'polygamma(2, a)'],
    ['mu*x', 'sigma', '0'],
  ])('d/d%2$s of %1$s is %3$s', (input, v, expected) => {
    expect(diff(parseExpr(input), v)).toBe(parseExpr(expected));
  });

  it('matches central finite differences on random expressions where they are finite', () => {
    const point = pointArb();
    let compared = 0;
    fc.assert(
      fc.property(exprArb(), point, fc.nat(), (e, env, pick) => {
        const free = [...symbols(e)].filter(isFreeSymbol).sort();
        fc.pre(free.length > 0);
        const v = free[pick % free.length]!;
        const x0 = env[v as keyof typeof env];
        const f = (t: number): number => evaluate(e, { ...env, [v]: t });
        const h = 1e-4 * Math.max(1, Math.abs(x0));
        const fd = centralDiff(f, x0, h);
        fc.pre(Number.isFinite(f(x0)) && Number.isFinite(fd.value) && Number.isFinite(fd.d1) && Number.isFinite(fd.d2));
        // Only where e is smooth on [x0 - h, x0 + h]: the two estimates agree and f(x0) lies on
        // the chord (a symmetric pole such as lgamma's at 0 fools a central difference).
        const roundoff = (1e-13 * fd.fmax) / h;
        fc.pre(close(fd.d1, fd.d2, 1e-4, 1e-8 + roundoff));
        const f0 = f(x0);
        fc.pre(close(f0, (f(x0 + h / 2) + f(x0 - h / 2)) / 2, 1e-6, 1e-10 + 1e-13 * fd.fmax));
        const d = diff(e, v);
        const got = evaluate(d, env);
        // 0*inf at a removable singularity (a/trigamma(a) at a = 0) gives NaN, not a wrong value.
        fc.pre(Number.isFinite(got));
        compared++;
        if (!close(got, fd.value, 1e-6, 1e-8 + 10 * roundoff)) {
          throw new Error(`d/d${v} ${printExpr(e)} = ${printExpr(d)} is ${got} at ${JSON.stringify(env)}, finite difference ${fd.value}`);
        }
      }),
      { numRuns: 400, seed: SEED },
    );
    expect(compared).toBeGreaterThan(100);
  });
});
