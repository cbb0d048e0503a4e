// fisherlab/mathjs: conversions both ways, checked against mathjs itself. Round trips through
// mathjs trees and mathjs's own text; mathjs's evaluation of converted expressions (fisherlab's
// special functions imported) against fisherlab's; mathjs's parser against fisherlab's; and
// mathjs's `derivative`, an independent implementation, as an oracle for fisherlab's `diff` on the
// elementary functions both know. The command's bundle never contains mathjs.
import { build } from 'esbuild';
import fc from 'fast-check';
import { all, create, derivative as mathDerivative, type MathNode } from 'mathjs';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FisherError, add, call, diff, evaluate, fisher, mul, num, parse, parseExpr, pow, printExpr, sub, subexpressions, type Expr } from '../src/index';
import { FUNCTIONS } from '../src/expr/functions';
import { contains } from '../src/expr/interval';
import { fisherlabFunctions, fromMathjs, importFisherlab, toMathjs } from '../src/interop/index';
import { SYMBOLS, exprArb, leafArb, pointArb } from './helpers/arbitrary';

const math = create(all!);
const imported = importFisherlab(math);

type Point = Record<(typeof SYMBOLS)[number], number>;

/**
 * Is every call of `e` inside its function's domain at the point, and every power real (a negative
 * base only with an integer exponent or fisherlab's odd roots)? Elsewhere fisherlab says NaN where
 * mathjs may say a complex number or log|Γ|: not a disagreement.
 */
function inDomain(e: Expr, env: Point, oddRootsReal = true): boolean {
  for (const n of subexpressions(e)) {
    if (n.kind === 'call') {
      const def = FUNCTIONS.get(n.fn)!;
      if (!n.args.every((a, i) => contains(def.domain[i]!, evaluate(a, env)))) return false;
    } else if (n.kind === 'pow') {
      const b = evaluate(n.base, env);
      const x = evaluate(n.exp, env);
      const oddRoot = oddRootsReal && n.exp.kind === 'num' && n.exp.value.d % 2n === 1n;
      if (b < 0 && !Number.isInteger(x) && !oddRoot) return false;
      if (b === 0 && x < 0) return false;
    }
  }
  return true;
}

/** Agreement to 1e-9 relative to the larger magnitude (or absolute near zero). */
const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

const mathValue = (node: MathNode, env: Readonly<Record<string, number>>): unknown => node.compile().evaluate({ ...env });

describe('round trips', () => {
  it('fromMathjs(toMathjs(e)) is the same interned node, for random expressions over the whole function table', () => {
    fc.assert(
      fc.property(exprArb(), (e) => {
        expect(fromMathjs(toMathjs(e))).toBe(e);
        expect(fromMathjs(toMathjs(e, math))).toBe(e);
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it("through mathjs's own text: fromMathjs(math.parse(toMathjs(e).toString())) is e (an instance with exact integers)", () => {
    // mathjs's default numbers are doubles, whose text rounds integers past 2^53; bigint keeps them.
    const exact = create(all!, { number: 'bigint' });
    fc.assert(
      fc.property(exprArb(), (e) => {
        const text = toMathjs(e, exact).toString();
        expect(fromMathjs(exact.parse(text))).toBe(e);
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(toMathjs(num(2n ** 60n), exact).toString()).toBe('1152921504606846976');
  });

  it('matrices convert whole, entry by entry; a null entry (no closed form) is an error naming it', () => {
    const F = fisher(parse('x ~ Gamma(a, b)')).matrix;
    const node = toMathjs(F);
    expect(node.type).toBe('ArrayNode');
    expect(node.toString()).toBe('[[trigamma(a), -1 / b], [-1 / b, a / b ^ 2]]');
    const items = (node as unknown as { items: Array<{ items: MathNode[] }> }).items;
    items.forEach((row, i) => row.items.forEach((entry, j) => expect(fromMathjs(entry)).toBe(F[i]![j])));
    expect(() => toMathjs([[num(1), null]])).toThrow(/the entry \[0\]\[1\] is null/);
  });

  it('names are names: Greek letters spelled out, vector components as 1-based indices', () => {
    expect(toMathjs(parseExpr('beta[1]*z[1] + beta[2]')).toString()).toBe('beta[2] + beta[1] * z[1]');
    expect(mathValue(toMathjs(parseExpr('beta[1]*z[1] + beta[2]')), { beta: [2, 3], z: [5, 7] } as never)).toBe(13);
    expect(fromMathjs(math.parse('beta[2] * z[1]'))).toBe(parseExpr('beta[2]*z[1]'));
    expect(fromMathjs(math.parse('σ^2 + μ'))).toBe(parseExpr('sigma^2 + mu'));
    expect(fromMathjs(math.parse('pi * e + euler_gamma'))).toBe(parseExpr('pi*e + euler_gamma'));
    // mathjs's other constants are names to fisherlab (as they are to mathjs when the scope gives them).
    expect(fromMathjs(math.parse('tau + PI'))).toBe(add(parseExpr('tau'), parseExpr('PI')));
    // `i` is mathjs's imaginary unit but a fine fisherlab name.
    expect(fromMathjs(math.parse('2 i'))).toBe(mul(num(2), parseExpr('i')));
  });
});

describe('evaluation: mathjs on converted expressions agrees with fisherlab', () => {
  it("importFisherlab adds exactly the table's functions mathjs lacks (and euler_gamma), leaving mathjs's own", () => {
    const own = [...FUNCTIONS.keys()].filter((n) => typeof (create(all!) as unknown as Record<string, unknown>)[n] === 'function');
    expect(own.sort()).toEqual(['abs', 'atan', 'cos', 'cosh', 'erf', 'exp', 'expm1', 'lgamma', 'log', 'log1p', 'sign', 'sin', 'sinh', 'sqrt', 'tanh']);
    expect(imported.sort()).toEqual([...[...FUNCTIONS.keys()].filter((n) => !own.includes(n)), 'euler_gamma'].sort());
    // A second import adds nothing; a function the instance already has is not replaced.
    expect(importFisherlab(math)).toEqual([]);
    const other = create(all!);
    other.import({ sigmoid: () => 42 });
    expect(importFisherlab(other)).not.toContain('sigmoid');
    expect(other.evaluate('sigmoid(0)')).toBe(42);
    // Reference values: ψ'(1) = π²/6, ψ(1) = −γ, lbeta(2, 3) = log(1/12), the Bessel I0(0) = 1.
    expect(math.evaluate('trigamma(1)')).toBeCloseTo(Math.PI ** 2 / 6, 14);
    expect(math.evaluate('digamma(1) + euler_gamma')).toBeCloseTo(0, 14);
    expect(math.evaluate('lbeta(2, 3)')).toBeCloseTo(Math.log(1 / 12), 14);
    expect(math.evaluate('besseli0(0) + polygamma(0, 1) + euler_gamma')).toBeCloseTo(1, 14);
    // Other number types are converted to numbers; a matrix argument is a typed error, not NaN.
    const big = create(all!, { number: 'BigNumber' });
    importFisherlab(big);
    expect(Number(big.evaluate('trigamma(2)'))).toBeCloseTo(Math.PI ** 2 / 6 - 1, 14);
    expect(() => math.evaluate('digamma([1, 2])')).toThrow(TypeError);
    expect(Object.keys(fisherlabFunctions(create(all!))).length).toBe(imported.length);
    // The module namespace of 'mathjs' has no import: a clear error, not a TypeError deep inside.
    expect(() => importFisherlab({ ...math, import: undefined } as never)).toThrow(/needs a mathjs instance, such as create\(all\)/);
    // Fractions and bigints reach the double-precision kernels as numbers, and a number comes out
    // (where mathjs's own log or sqrt refuse a Fraction outright).
    const frac = create(all!, { number: 'Fraction' });
    importFisherlab(frac);
    expect(frac.evaluate('trigamma(2)')).toBeCloseTo(Math.PI ** 2 / 6 - 1, 14);
    const bigint = create(all!, { number: 'bigint' });
    importFisherlab(bigint);
    expect(bigint.evaluate('exp(lchoose(10, 3))')).toBeCloseTo(120, 10);
  });

  it('random expressions over the whole table at random points (inside the domains)', () => {
    let compared = 0;
    fc.assert(
      fc.property(exprArb(), pointArb(), (e, point) => {
        const want = evaluate(e, point);
        if (!Number.isFinite(want) || !inDomain(e, point)) return;
        const got = mathValue(toMathjs(e, math), point);
        expect(typeof got, `${printExpr(e)} at ${JSON.stringify(point)}: mathjs gives ${String(got)}`).toBe('number');
        expect(close(got as number, want, 1e-8), `${printExpr(e)} at ${JSON.stringify(point)}: mathjs ${String(got)}, fisherlab ${want}`).toBe(true);
        compared++;
      }),
      { numRuns: 600, seed: 7 },
    );
    expect(compared).toBeGreaterThan(200);
  });

  it('Fisher matrices evaluate in mathjs as in fisherlab; a Fraction instance gives them exactly', () => {
    const cases: Array<[string, Record<string, number>]> = [
      ['x ~ Gamma(a, b)', { a: 2.5, b: 1.5 }],
      ['x ~ Beta(a, b)', { a: 0.7, b: 3 }],
      ['x ~ StudentT(nu, mu, s)', { nu: 4.5, mu: 0.3, s: 2 }],
      ['x ~ VonMises(mu, kappa)', { mu: 0.3, kappa: 2.5 }],
      ['x ~ InverseGamma(a, b)', { a: 3.5, b: 0.5 }],
      ['x ~ Weibull(k, lambda)', { k: 1.7, lambda: 2 }],
    ];
    for (const [text, at] of cases) {
      const F = fisher(parse(text)).matrix;
      const values = (toMathjs(F, math).compile().evaluate({ ...at }) as { toArray(): number[][] }).toArray();
      F.forEach((row, i) => row.forEach((entry, j) => expect(close(values[i]![j]!, evaluate(entry!, at), 1e-12), `${text} [${i}][${j}]`).toBe(true)));
    }
    // Binomial(n = 10, θ = 1/3): F = n/(θ(1 − θ)) = 45 exactly.
    const exact = create(all!, { number: 'Fraction' });
    const F = fisher(parse('const n = 10; x ~ Binomial(n, theta)')).matrix;
    const v = toMathjs(F, exact).compile().evaluate({ n: exact.fraction(10), theta: exact.fraction(1, 3) }) as { toArray(): Array<Array<{ n: bigint; d: bigint }>> };
    const entry = v.toArray()[0]![0]!;
    expect([entry.n, entry.d]).toEqual([45n, 1n]);
  });
});

describe("mathjs's parser against fisherlab's", () => {
  it('the same text parsed by mathjs and converted is what parseExpr gives (random printed expressions)', () => {
    let compared = 0;
    fc.assert(
      fc.property(exprArb(), (e) => {
        const text = printExpr(e);
        let want: Expr;
        try {
          want = parseExpr(text);
        } catch (err) {
          // The parser refuses log(-6) and the like, which the constructors build.
          if (err instanceof FisherError && err.code === 'domain') return;
          throw err;
        }
        expect(fromMathjs(math.parse(text))).toBe(want);
        compared++;
      }),
      { numRuns: 400, seed: 13 },
    );
    expect(compared).toBeGreaterThan(250);
  });

  it.each([
    '-(x - mu)^2/(2*sigma^2) - log(sigma) - log(2*pi)/2',
    'a*log(b) - lgamma(a) + (a - 1)*log(x) - b*x',
    'x*log(p) + (1 - x)*log(1 - p)',
    '-log(pi*s*(1 + (x - mu)^2/s^2))',
    'lchoose(n, x) + x*log(theta) + (n - x)*log(1 - theta)',
    'polygamma(2, x)*sqrt(x)^3 - trigamma(x)/x',
    '-x^2 + 2^3^2 - 2/3/4',
    '1.5e-3*x + 0.25 - .5e2',
    'σ^2 + μ*θ',
    'log(sigmoid(z)) + softplus(-z) + erfc(x/sqrt(2))/2',
    'exp(-x/theta)/theta',
  ])('%s', (text) => {
    expect(fromMathjs(math.parse(text))).toBe(parseExpr(text));
  });

  it("mathjs functions fisherlab writes another way keep mathjs's value", () => {
    const cases: Array<[string, Record<string, number>]> = [
      ['log(x, 2) + log10(x) + log2(x) + log1p(x, 3)', { x: 3.7 }],
      ['gamma(x) + factorial(x) + combinations(n, k) + x!', { x: 2.3, n: 7, k: 3 }],
      ['cbrt(x) + nthRoot(x, 5) + nthRoot(y) + square(x) + cube(x)', { x: -2.7, y: 1.9 }],
      ['tan(x) + cot(x) + sec(x) + csc(x)', { x: 0.7 }],
      ['coth(x) + sech(x) + csch(x)', { x: 1.3 }],
      ['add(x, y, 2) - subtract(x, y) + multiply(x, y) / divide(x, y) + pow(x, y) + unaryMinus(x) + unaryPlus(y)', { x: 1.7, y: 0.4 }],
      ['x .* y ./ 2 + x .^ 2', { x: 1.7, y: 0.4 }],
    ];
    for (const [text, at] of cases) {
      const e = fromMathjs(math.parse(text));
      expect(close(evaluate(e, at), math.evaluate(text, { ...at }) as number, 1e-12), text).toBe(true);
    }
    expect(fromMathjs(math.parse('tan(x)'))).toBe(parseExpr('sin(x)/cos(x)'));
    // What mathjs's own algebra makes reads back too.
    expect(fromMathjs(math.simplify('x^2 + 2x + 3 x * y / y'))).toBe(parseExpr('x^2 + 5*x'));
    expect(fromMathjs(math.parse('log(x, b)'))).toBe(parseExpr('log(x)/log(b)'));
  });

  it.each([
    ['[1, 2]', 'syntax', /a matrix or vector/],
    ['x = 2', 'syntax', /AssignmentNode/],
    ['f(x) = x^2', 'syntax', /FunctionAssignmentNode/],
    ['x < 2', 'syntax', /the operator '<'/],
    ['x > 0 ? x : 0', 'syntax', /ConditionalNode/],
    ['1:3', 'syntax', /RangeNode/],
    ['x mod 2', 'syntax', /the operator 'mod'/],
    ['a.b', 'syntax', /only a component of a named vector/],
    ['beta[0]', 'syntax', /only a component of a named vector/],
    ['asin(x)', 'unknown-function', /the mathjs function 'asin' has no fisherlab counterpart \(in asin\(x\)\)/],
    ['log(x, 2, 3)', 'arity', /log takes 1 or 2 arguments, not 3/],
    ['trigamma(x, y)', 'arity', /trigamma takes 1 argument, not 2/],
    ['polygamma(x, y)', 'domain', /the argument 1 of polygamma must be a whole number/],
    ['1/0', 'domain', /division by zero/],
    ['"text"', 'bad-value', /is not a number/],
    ['Infinity * x', 'domain', /may only be a bound of a support/],
    ['NaN', 'bad-value', /NaN/],
    ['log', 'unknown-name', /'log' is a function/],
    ['data + 1', 'unknown-name', /'data'/],
  ])('%s is a FisherError (%s)', (text, code, message) => {
    let error: unknown;
    try {
      fromMathjs(math.parse(text));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FisherError);
    expect((error as FisherError).code).toBe(code);
    expect((error as FisherError).message).toMatch(message);
  });

  it('constants of every mathjs number type are read exactly', () => {
    const big = create(all!, { number: 'BigNumber', precision: 64 });
    expect(fromMathjs(big.parse('0.1000000000000000000000000000001'))).toBe(parseExpr('0.1000000000000000000000000000001'));
    const frac = create(all!, { number: 'Fraction' });
    expect(fromMathjs(new frac.ConstantNode(frac.fraction(-2, 6)))).toBe(num(-1, 3));
    const bigint = create(all!, { number: 'bigint' });
    expect(fromMathjs(bigint.parse('123456789012345678901234567890'))).toBe(num(123456789012345678901234567890n));
    expect(fromMathjs(math.parse('0.1'))).toBe(num(1, 10));
    // Constants go back in the instance's own type: exact integers beyond 2^53 with bigint.
    expect(toMathjs(num(2n ** 80n + 1n, 3n), bigint).toString()).toBe(`${2n ** 80n + 1n} / 3`);
  });
});

// ---------------------------------------------------------------------------------------------
// mathjs's derivative as an oracle.

/** Random expressions in the elementary functions that both mathjs's derivative and fisherlab know. */
const ELEMENTARY = ['exp', 'log', 'sin', 'cos', 'tanh', 'sinh', 'cosh', 'atan', 'abs'] as const;
const elementaryArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    { weight: 4, arbitrary: leafArb },
    { weight: 2, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => add(a, b)) },
    { weight: 2, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => mul(a, b)) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => sub(a, b)) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => mul(a, pow(b, num(-1)))) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), fc.integer({ min: -3, max: 4 })).map(([a, k]) => pow(a, num(k))) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), fc.constantFrom(num(1, 2), num(-1, 2), num(1, 3), num(2, 3), num(3, 2), num(-1, 5))).map(([a, k]) => pow(a, k)) },
    { weight: 1, arbitrary: fc.tuple(tie('e'), tie('e')).map(([a, b]) => pow(a, b)) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ELEMENTARY), tie('e')).map(([f, a]) => call(f, [a])) },
  ),
})).e;

describe("mathjs's derivative as an independent oracle for diff", () => {
  it('d/dv of random elementary expressions: mathjs derivative, evaluated, equals fisherlab diff, evaluated', () => {
    let compared = 0;
    fc.assert(
      fc.property(elementaryArb, fc.constantFrom('x', 'mu', 'sigma'), pointArb(), (e, v, point) => {
        // mathjs differentiates cbrt(x) as 1/(3 x^(2/3)), complex for x < 0: odd roots of negatives are left out.
        if (!Number.isFinite(evaluate(e, point)) || !inDomain(e, point, false)) return;
        const want = evaluate(diff(e, v), point);
        if (!Number.isFinite(want)) return;
        const oracle = mathDerivative(toMathjs(e), v, { simplify: false });
        const got = mathValue(oracle, point);
        expect(typeof got, `d/d${v} ${printExpr(e)}: mathjs gives ${String(got)}`).toBe('number');
        expect(close(got as number, want, 1e-7), `d/d${v} ${printExpr(e)} at ${JSON.stringify(point)}: mathjs ${String(got)}, fisherlab ${want}`).toBe(true);
        // mathjs's derivative tree read back by fromMathjs evaluates the same in fisherlab.
        const back = evaluate(fromMathjs(oracle), point);
        expect(close(back, got as number, 1e-9), `fromMathjs of mathjs's d/d${v} ${printExpr(e)}`).toBe(true);
        compared++;
      }),
      { numRuns: 500, seed: 17 },
    );
    expect(compared).toBeGreaterThan(250);
  });

  it.each([
    ['x^2*sin(x)', 'x'],
    ['log(cosh(x - mu))', 'mu'],
    ['-(x - mu)^2/(2*sigma^2) - log(sigma)', 'sigma'],
    ['atan(x/sigma)*abs(x)', 'x'],
    ['x^(2/3) + x^sigma', 'x'],
  ])('%s, d/d%s', (text, v) => {
    const e = parseExpr(text);
    const point = { x: -1.3, mu: 0.4, sigma: 1.7 };
    const at = text.includes('x^') ? { ...point, x: 1.3 } : point;
    const got = mathValue(mathDerivative(toMathjs(e), v, { simplify: false }), at) as number;
    expect(close(got, evaluate(diff(e, v), at), 1e-12)).toBe(true);
  });
});

describe("the command's bundle", () => {
  it('never contains mathjs or src/interop (esbuild metafile of the command and its worker)', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const out = await build({
      entryPoints: ['src/cli/main.ts', 'src/cli/mc-worker.ts'].map((f) => `${root}/${f}`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      outdir: `${root}/.esbuild-check`,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((p) => p.includes('src/cli/main.ts'))).toBe(true);
    expect(inputs.filter((p) => /node_modules\/mathjs\//.test(p) || p.includes('src/interop/'))).toEqual([]);
    // The built command, where the build has run (npm ci builds it), names no mathjs either.
    const cli = `${root}/dist/cli.js`;
    if (existsSync(cli)) expect(readFileSync(cli, 'utf8')).not.toMatch(/mathjs/);
  });
});
