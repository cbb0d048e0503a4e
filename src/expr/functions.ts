/**
 * THE function table: for every function of the model language, one entry holding its numeric
 * evaluation, its derivative rule(s) written once over the `Algebra` interface (so the symbolic,
 * forward and reverse modes share them), its domain, its range for interval reasoning, its LaTeX;
 * its constructor-time simplifications sit beside the table in `FOLDS`. Adding a function touches
 * this file only; the test that loops over the table checks every rule against finite differences.
 */
import * as sp from '../numeric/special';
import type { Algebra } from './algebra';
import { EULER_GAMMA, HALF, ONE, PI, ZERO, call, mul, neg, num, pow, registerFold, type Expr } from './expr';
import {
  NONNEGATIVE,
  POSITIVE,
  REAL,
  UNIT_OPEN,
  isNonnegative,
  iv,
  ivMonotone,
  ivNeg,
  type Interval,
} from './interval';

/**
 * A derivative rule: ∂f/∂(argument i) as an expression in the arguments, written once over any
 * {@link Algebra}, so that the symbolic engine (expressions), the numeric one (numbers) and forward
 * mode (dual numbers) all use the same rule.
 *
 * @example
 * const dLgamma = FUNCTIONS.get('lgamma').d[0];
 * dLgamma(forwardAlgebra, [3]); // → 0.9227843350984671
 */
export type Rule = <T>(A: Algebra<T>, args: readonly T[]) => T;

/**
 * One function of the model language: its numerics, derivative rules, domain, range, LaTeX.
 *
 * @example
 * const f = FUNCTIONS.get('trigamma');
 * [f.arity, f.description]; // → [1, 'trigamma function ψ₁(x) = d²/dx² log Γ(x)']
 * f.eval(1); // → 1.6449340668482264
 * f.domain; // → [{ lo: 0, hi: Infinity, loOpen: true, hiOpen: true }]
 */
export interface FunctionDef {
  /** The name written in the language. */
  readonly name: string;
  /** The number of arguments. */
  readonly arity: number;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** Numeric value; NaN outside the domain. */
  readonly eval: (...args: number[]) => number;
  /** Partial derivative per argument; null for an integer index argument (polygamma's order). */
  readonly d: ReadonlyArray<Rule | null>;
  /** Where each argument must lie for the function to be real and finite. */
  readonly domain: readonly Interval[];
  /** The image of argument intervals (default: the real line). */
  readonly range?: (args: readonly Interval[]) => Interval;
  /** LaTeX of the call, from the LaTeX of the arguments (`wrap` adds parentheses if needed). */
  readonly latex: (args: readonly string[], wrap: (i: number, bareAtom?: boolean) => string) => string;
  /** Constructor-time simplification: log(1) = 0, log(exp(a)) = a, ... (written in `FOLDS` below). */
  readonly fold?: (args: readonly Expr[]) => Expr | undefined;
  /** Arguments that must be whole numbers (polygamma's order). */
  readonly integerArgs?: readonly number[];
  /** True when the derivative rule holds only almost everywhere (abs, sign): regularity needs care. */
  readonly nonsmooth?: boolean;
}

const isNumber = (e: Expr | undefined, n: number, d = 1): boolean =>
  e !== undefined && e.kind === 'num' && e.value.n === BigInt(n) && e.value.d === BigInt(d);

const inc = (f: (x: number) => number) => (a: readonly Interval[]) => ivMonotone(a[0]!, f, true);
const dec = (f: (x: number) => number) => (a: readonly Interval[]) => ivMonotone(a[0]!, f, false);
const op = (name: string, arg: string): string => `\\operatorname{${name}}${arg}`;

/**
 * Constructor-time simplifications, by function name: log(1) = 0, log(exp(a)) = a, ... They are
 * registered with `call` at load time, kept apart from the table so that code using only the
 * constructors does not carry the table (its numerics and the special functions) into a bundle.
 */
const FOLDS: Readonly<Record<string, NonNullable<FunctionDef['fold']>>> = {
  log: ([arg]) => {
    const x = arg!;
    if (x === ONE) return ZERO;
    if (x.kind === 'sym' && x.name === 'e') return ONE;
    if (x.kind === 'call' && x.fn === 'exp') return x.args[0]!;
    return undefined;
  },
  exp: ([arg]) => {
    const x = arg!;
    if (x === ZERO) return ONE;
    if (x.kind === 'call' && x.fn === 'log') return x.args[0]!;
    // exp(c*log(a)) = a^c where log(a) is defined.
    if (x.kind === 'mul' && x.factors.length === 2 && x.factors[0]!.kind === 'num') {
      const f = x.factors[1]!;
      if (f.kind === 'call' && f.fn === 'log') return pow(f.args[0]!, x.factors[0]!);
    }
    return undefined;
  },
  sqrt: ([x]) => pow(x!, HALF),
  abs: ([arg]) => {
    const x = arg!;
    if (x.kind === 'num') return num(x.value.n < 0n ? { n: -x.value.n, d: x.value.d } : x.value);
    if (x.kind === 'call' && (x.fn === 'abs' || x.fn === 'exp')) return x;
    if (x.kind === 'pow' && x.exp.kind === 'num' && x.exp.value.d === 1n && x.exp.value.n % 2n === 0n) return x;
    return undefined;
  },
  sign: ([arg]) => {
    const x = arg!;
    if (x.kind === 'num') return num(x.value.n > 0n ? 1 : x.value.n < 0n ? -1 : 0);
    if (x.kind === 'call' && (x.fn === 'exp' || x.fn === 'sign')) return x.fn === 'exp' ? ONE : x;
    return undefined;
  },
  log1p: ([x]) => (x === ZERO ? ZERO : undefined),
  expm1: ([x]) => (x === ZERO ? ZERO : undefined),
  sigmoid: ([x]) => (x === ZERO ? HALF : undefined),
  logit: ([x]) => (isNumber(x, 1, 2) ? ZERO : undefined),
  lgamma: ([x]) => (isNumber(x, 1) || isNumber(x, 2) ? ZERO : undefined),
  digamma: ([x]) => (x === ONE ? neg(EULER_GAMMA) : undefined),
  trigamma: ([x]) => (x === ONE ? mul(num(1, 6), pow(PI, num(2))) : undefined),
  polygamma: ([k, x]) => {
    if (k === ZERO) return call('digamma', [x!]);
    if (k === ONE) return call('trigamma', [x!]);
    return undefined;
  },
  lfact: ([x]) => (x === ZERO || x === ONE ? ZERO : undefined),
  erf: ([x]) => (x === ZERO ? ZERO : undefined),
  erfc: ([x]) => (x === ZERO ? ONE : undefined),
  besseli0: ([x]) => (x === ZERO ? ONE : undefined),
  besseli1: ([x]) => (x === ZERO ? ZERO : undefined),
  logbesseli0: ([x]) => (x === ZERO ? ZERO : undefined),
  sin: ([x]) => (x === ZERO ? ZERO : undefined),
  cos: ([x]) => (x === ZERO ? ONE : undefined),
  cosh: ([x]) => (x === ZERO ? ONE : undefined),
  sinh: ([x]) => (x === ZERO ? ZERO : undefined),
  tanh: ([x]) => (x === ZERO ? ZERO : undefined),
  atan: ([x]) => (x === ZERO ? ZERO : undefined),
};

for (const [name, fold] of Object.entries(FOLDS)) registerFold(name, fold);

/** The table, in the order of the language reference (built on first use of the table). */
const DEFS: FunctionDef[] = /* @__PURE__ */ (() => [
  {
    name: 'log',
    arity: 1,
    description: 'natural logarithm',
    // Math.log is NaN below 0 by itself; a NaN constant here would box every result in optimised loops.
    eval: Math.log,
    d: [(A, [x]) => A.div(A.num(1), x!)],
    domain: [POSITIVE],
    range: inc(Math.log),
    latex: (_a, w) => `\\log ${w(0, true)}`,
  },
  {
    name: 'exp',
    arity: 1,
    description: 'exponential',
    eval: Math.exp,
    d: [(A, [x]) => A.call('exp', [x!])],
    domain: [REAL],
    range: inc(Math.exp),
    latex: ([x]) => `e^{${x}}`,
  },
  {
    name: 'sqrt',
    arity: 1,
    description: 'square root (stored as a power x^(1/2))',
    eval: (x) => Math.sqrt(x),
    d: [(A, [x]) => A.div(A.num(1), A.mul(A.num(2), A.call('sqrt', [x!])))],
    domain: [NONNEGATIVE],
    range: inc(Math.sqrt),
    latex: ([x]) => `\\sqrt{${x}}`,
  },
  {
    name: 'abs',
    arity: 1,
    description: 'absolute value',
    eval: Math.abs,
    nonsmooth: true,
    d: [(A, [x]) => A.call('sign', [x!])],
    domain: [REAL],
    range: ([a]) => (isNonnegative(a!) ? a! : a!.hi <= 0 ? ivNeg(a!) : iv(0, Math.max(-a!.lo, a!.hi))),
    latex: ([x]) => `\\left|${x}\\right|`,
  },
  {
    name: 'sign',
    arity: 1,
    description: 'sign of x: -1, 0 or 1 (the derivative of abs; its own derivative is 0 away from x = 0)',
    eval: Math.sign,
    // Zero almost everywhere: the jump at 0 is where a density such as the Laplace is not smooth.
    d: [(A) => A.num(0)],
    domain: [REAL],
    range: () => iv(-1, 1),
    latex: (_a, w) => op('sign', w(0)),
    nonsmooth: true,
  },
  {
    name: 'log1p',
    arity: 1,
    description: 'log(1 + x), accurate for small x',
    eval: sp.log1p,
    d: [(A, [x]) => A.div(A.num(1), A.add(A.num(1), x!))],
    domain: [iv(-1, Infinity, true)],
    range: inc(Math.log1p),
    latex: ([x]) => `\\log\\left(1 + ${x}\\right)`,
  },
  {
    name: 'expm1',
    arity: 1,
    description: 'exp(x) - 1, accurate for small x',
    eval: sp.expm1,
    d: [(A, [x]) => A.call('exp', [x!])],
    domain: [REAL],
    range: inc(Math.expm1),
    latex: ([x]) => `\\left(e^{${x}} - 1\\right)`,
  },
  {
    name: 'sigmoid',
    arity: 1,
    description: 'logistic function 1/(1 + exp(-x))',
    eval: sp.sigmoid,
    // σ'(x) = σ(x) (1 − σ(x))
    d: [(A, [x]) => A.mul(A.call('sigmoid', [x!]), A.sub(A.num(1), A.call('sigmoid', [x!])))],
    domain: [REAL],
    range: inc(sp.sigmoid),
    latex: (_a, w) => op('sigmoid', w(0)),
  },
  {
    name: 'logit',
    arity: 1,
    description: 'log(p/(1 - p))',
    eval: sp.logit,
    d: [(A, [p]) => A.div(A.num(1), A.mul(p!, A.sub(A.num(1), p!)))],
    domain: [UNIT_OPEN],
    range: inc(sp.logit),
    latex: (_a, w) => op('logit', w(0)),
  },
  {
    name: 'softplus',
    arity: 1,
    description: 'log(1 + exp(x))',
    eval: sp.softplus,
    d: [(A, [x]) => A.call('sigmoid', [x!])],
    domain: [REAL],
    range: inc(sp.softplus),
    latex: ([x]) => `\\log\\left(1 + e^{${x}}\\right)`,
  },
  {
    name: 'lgamma',
    arity: 1,
    description: 'log of the gamma function, log Γ(x)',
    eval: sp.lgamma,
    d: [(A, [x]) => A.call('digamma', [x!])],
    domain: [POSITIVE],
    latex: (_a, w) => `\\log\\Gamma${w(0)}`,
  },
  {
    name: 'digamma',
    arity: 1,
    description: 'digamma function ψ(x) = d/dx log Γ(x)',
    eval: sp.digamma,
    d: [(A, [x]) => A.call('trigamma', [x!])],
    domain: [POSITIVE],
    range: ([a]) => (a!.lo >= 0 ? ivMonotone(a!, sp.digamma, true) : REAL),
    latex: (_a, w) => `\\psi${w(0)}`,
  },
  {
    name: 'trigamma',
    arity: 1,
    description: 'trigamma function ψ₁(x) = d²/dx² log Γ(x)',
    eval: sp.trigamma,
    d: [(A, [x]) => A.call('polygamma', [A.num(2), x!])],
    domain: [POSITIVE],
    range: ([a]) => (a!.lo >= 0 ? ivMonotone(a!, sp.trigamma, false) : REAL),
    latex: (_a, w) => `\\psi^{(1)}${w(0)}`,
  },
  {
    name: 'polygamma',
    arity: 2,
    description: 'polygamma function ψ^(k)(x), k = 0, 1, 2, ... (a whole number)',
    eval: (k, x) => sp.polygamma(k, x),
    d: [null, (A, [k, x]) => A.call('polygamma', [A.add(k!, A.num(1)), x!])],
    domain: [iv(0, Infinity), POSITIVE],
    integerArgs: [0],
    latex: ([k], w) => `\\psi^{(${k})}${w(1)}`,
  },
  {
    name: 'lbeta',
    arity: 2,
    description: 'log of the beta function, log B(a, b)',
    eval: sp.lbeta,
    // ∂/∂a log B(a, b) = ψ(a) − ψ(a + b)
    d: [
      (A, [a, b]) => A.sub(A.call('digamma', [a!]), A.call('digamma', [A.add(a!, b!)])),
      (A, [a, b]) => A.sub(A.call('digamma', [b!]), A.call('digamma', [A.add(a!, b!)])),
    ],
    domain: [POSITIVE, POSITIVE],
    latex: ([a, b]) => `\\log B\\left(${a}, ${b}\\right)`,
  },
  {
    name: 'lchoose',
    arity: 2,
    description: 'log of the binomial coefficient, log C(n, k)',
    eval: sp.lchoose,
    // log C(n,k) = log Γ(n+1) − log Γ(k+1) − log Γ(n−k+1)
    d: [
      (A, [n, k]) => A.sub(A.call('digamma', [A.add(n!, A.num(1))]), A.call('digamma', [A.add(A.sub(n!, k!), A.num(1))])),
      (A, [n, k]) => A.sub(A.call('digamma', [A.add(A.sub(n!, k!), A.num(1))]), A.call('digamma', [A.add(k!, A.num(1))])),
    ],
    domain: [NONNEGATIVE, NONNEGATIVE],
    latex: ([n, k]) => `\\log\\binom{${n}}{${k}}`,
  },
  {
    name: 'lfact',
    arity: 1,
    description: 'log of the factorial, log n! = log Γ(n + 1)',
    eval: sp.lfact,
    d: [(A, [n]) => A.call('digamma', [A.add(n!, A.num(1))])],
    domain: [NONNEGATIVE],
    latex: (_a, w) => `\\log ${w(0)}!`,
  },
  {
    name: 'erf',
    arity: 1,
    description: 'error function',
    eval: sp.erf,
    // erf'(x) = 2/√π · exp(−x²)
    d: [(A, [x]) => A.mul(A.div(A.num(2), A.pow(A.constant('pi'), A.num(1, 2))), A.call('exp', [A.neg(A.mul(x!, x!))]))],
    domain: [REAL],
    range: inc(sp.erf),
    latex: (_a, w) => op('erf', w(0)),
  },
  {
    name: 'erfc',
    arity: 1,
    description: 'complementary error function 1 - erf(x)',
    eval: sp.erfc,
    d: [(A, [x]) => A.neg(A.mul(A.div(A.num(2), A.pow(A.constant('pi'), A.num(1, 2))), A.call('exp', [A.neg(A.mul(x!, x!))])))],
    domain: [REAL],
    range: dec(sp.erfc),
    latex: (_a, w) => op('erfc', w(0)),
  },
  {
    name: 'besseli0',
    arity: 1,
    description: 'modified Bessel function of the first kind, order 0',
    eval: sp.besselI0,
    d: [(A, [x]) => A.call('besseli1', [x!])],
    domain: [REAL],
    range: ([a]) => (isNonnegative(a!) ? ivMonotone(a!, sp.besselI0, true) : iv(1, Infinity)),
    latex: (_a, w) => `I_0${w(0)}`,
  },
  {
    name: 'besseli1',
    arity: 1,
    description: 'modified Bessel function of the first kind, order 1',
    eval: sp.besselI1,
    // I1'(x) = I0(x) − I1(x)/x
    d: [(A, [x]) => A.sub(A.call('besseli0', [x!]), A.div(A.call('besseli1', [x!]), x!))],
    domain: [REAL],
    range: inc(sp.besselI1),
    latex: (_a, w) => `I_1${w(0)}`,
  },
  {
    name: 'logbesseli0',
    arity: 1,
    description: 'log I0(x), without overflow for large x',
    eval: sp.logBesselI0,
    // (log I0)' = I1/I0 = exp(log I1 − log I0)
    d: [(A, [x]) => A.div(A.call('besseli1', [x!]), A.call('besseli0', [x!]))],
    domain: [REAL],
    latex: (_a, w) => `\\log I_0${w(0)}`,
  },
  {
    name: 'logbesseli1',
    arity: 1,
    description: 'log I1(x) for x > 0, without overflow for large x',
    eval: sp.logBesselI1,
    // (log I1)' = I0/I1 − 1/x
    d: [(A, [x]) => A.sub(A.div(A.call('besseli0', [x!]), A.call('besseli1', [x!])), A.div(A.num(1), x!))],
    domain: [POSITIVE],
    latex: (_a, w) => `\\log I_1${w(0)}`,
  },
  {
    name: 'sin',
    arity: 1,
    description: 'sine',
    eval: Math.sin,
    d: [(A, [x]) => A.call('cos', [x!])],
    domain: [REAL],
    range: () => iv(-1, 1),
    latex: (_a, w) => `\\sin ${w(0, true)}`,
  },
  {
    name: 'cos',
    arity: 1,
    description: 'cosine',
    eval: Math.cos,
    d: [(A, [x]) => A.neg(A.call('sin', [x!]))],
    domain: [REAL],
    range: () => iv(-1, 1),
    latex: (_a, w) => `\\cos ${w(0, true)}`,
  },
  {
    name: 'cosh',
    arity: 1,
    description: 'hyperbolic cosine',
    eval: Math.cosh,
    d: [(A, [x]) => A.call('sinh', [x!])],
    domain: [REAL],
    range: ([a]) => (isNonnegative(a!) ? ivMonotone(a!, Math.cosh, true) : a!.hi <= 0 ? ivMonotone(a!, Math.cosh, false) : iv(1, Math.max(Math.cosh(a!.lo), Math.cosh(a!.hi)))),
    latex: (_a, w) => `\\cosh ${w(0, true)}`,
  },
  {
    name: 'sinh',
    arity: 1,
    description: 'hyperbolic sine',
    eval: Math.sinh,
    d: [(A, [x]) => A.call('cosh', [x!])],
    domain: [REAL],
    range: inc(Math.sinh),
    latex: (_a, w) => `\\sinh ${w(0, true)}`,
  },
  {
    name: 'tanh',
    arity: 1,
    description: 'hyperbolic tangent',
    eval: Math.tanh,
    d: [(A, [x]) => A.sub(A.num(1), A.pow(A.call('tanh', [x!]), A.num(2)))],
    domain: [REAL],
    range: inc(Math.tanh),
    latex: (_a, w) => `\\tanh ${w(0, true)}`,
  },
  {
    name: 'atan',
    arity: 1,
    description: 'arctangent',
    eval: Math.atan,
    d: [(A, [x]) => A.div(A.num(1), A.add(A.num(1), A.mul(x!, x!)))],
    domain: [REAL],
    range: inc(Math.atan),
    latex: (_a, w) => `\\arctan ${w(0, true)}`,
  },
])();

/**
 * The function table, by name (read-only): every function the model language knows, with its
 * numeric evaluation, its derivative rules, its domain, its range and its LaTeX. The symbolic,
 * forward and reverse modes all read their derivatives from here.
 *
 * @example
 * FUNCTIONS.get('lbeta').description; // → 'log of the beta function, log B(a, b)'
 * FUNCTIONS.get('softplus').eval(0); // → 0.6931471805599453
 * FUNCTIONS.has('asin'); // → false
 */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = /* @__PURE__ */ new Map(
  /* @__PURE__ */ DEFS.map((d): [string, FunctionDef] => {
    const fold = FOLDS[d.name];
    return [d.name, fold === undefined ? d : { ...d, fold }];
  }),
);

/** Look up a function; undefined for unknown names. */
export const lookupFunction = (name: string): FunctionDef | undefined => FUNCTIONS.get(name);

/**
 * The names of all functions of the table, in its order (the order of `fisherlab functions`).
 *
 * @example
 * functionNames().slice(0, 8); // → ['log', 'exp', 'sqrt', 'abs', 'sign', 'log1p', 'expm1', 'sigmoid']
 */
export const functionNames = (): string[] => DEFS.map((d) => d.name);
