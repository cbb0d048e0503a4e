/**
 * fisherlab ↔ mathjs. `toMathjs` turns an expression (or a matrix of them) into a mathjs
 * expression tree, `fromMathjs` reads a mathjs tree back into an interned expression, and
 * `importFisherlab` gives a mathjs instance the special functions it lacks (digamma, trigamma,
 * lbeta, ...) from fisherlab's own numerics, so that `toMathjs(F).evaluate(scope)` works.
 *
 * This is the `fisherlab/mathjs` entry: mathjs is an optional peer dependency, imported here and
 * nowhere else (never on the command line's path: loading mathjs takes about a second).
 *
 * Names are names in both directions: a symbol is a mathjs SymbolNode of the same name (pi, e and
 * euler_gamma included), a vector component `beta[2]` is the 1-based index `beta[2]`, and every
 * function of fisherlab's table is a FunctionNode of the same name. mathjs functions fisherlab writes
 * another way are rewritten on the way in (`log(x, b)` is log(x)/log(b), `tan` is sin/cos, `gamma(x)`
 * is exp(lgamma(x)), Γ for x > 0); anything else (matrices, assignments, comparisons, units,
 * functions without a counterpart) is a FisherError naming it.
 */
import * as defaultMath from 'mathjs';
import type { MathJsInstance, MathNode } from 'mathjs';
import { FisherError } from '../expr/errors';
import { ZERO, add, call, div, mul, neg, num, pow, sub, sym, type Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { asFraction, displayTerms, negateTerm, negativeExponent } from '../expr/print';
import { qfromDecimal, rat, type Rational } from '../expr/rational';
import { normalizeName } from '../lang/lexer';
import { parseExpr } from '../lang/parse';

/**
 * What the conversions use of a mathjs instance: its node classes and its number type. Any
 * instance made by mathjs's `create` has them.
 *
 * @example
 * import { create, all } from 'mathjs';
 * import { parseExpr } from 'fisherlab';
 * const exact = create(all, { number: 'Fraction' });
 * toMathjs(parseExpr('x/3 + 1/2'), exact).evaluate({ x: exact.fraction(1) }).toFraction(); // → '5/6'
 */
export type MathjsNodes = Pick<MathJsInstance, 'ConstantNode' | 'SymbolNode' | 'OperatorNode' | 'FunctionNode' | 'AccessorNode' | 'IndexNode' | 'ArrayNode' | 'numeric' | 'config'>;

/**
 * What {@link importFisherlab} and {@link fisherlabFunctions} use of a mathjs instance.
 *
 * @example
 * import { create, all } from 'mathjs';
 * Object.keys(fisherlabFunctions(create(all))).slice(0, 4); // → ['sigmoid', 'logit', 'softplus', 'digamma']
 */
export type MathjsImport = Pick<MathJsInstance, 'typed' | 'import' | 'number'>;

/**
 * An expression, a vector or a matrix of them (null: an entry without a closed form), as
 * {@link toMathjs} takes it.
 *
 * @example
 * import { parse, score } from 'fisherlab';
 * toMathjs(score(parse('x ~ Poisson(lam)'))).toString(); // → '[x / lam - 1]'
 */
export type ExprArray = Expr | null | readonly ExprArray[];

const DEFAULT = defaultMath as unknown as MathjsNodes;

// ---------------------------------------------------------------------------------------------
// fisherlab → mathjs.

/**
 * A mathjs expression tree of `e`; a (nested) array becomes an ArrayNode, so a Fisher matrix
 * converts whole. Names stay names (`pi`, `e`, `euler_gamma` too; `beta[2]` is mathjs's 1-based
 * index); every function is a FunctionNode of its own name. Constants are exact integers of the
 * instance's number type (a rational is a quotient of two); an odd root is `cbrt` or `nthRoot`,
 * real for a negative base as in fisherlab.
 *
 * @param math - The mathjs instance whose node classes to use (default: mathjs's own).
 * @throws `FisherError` (of `fisherlab`) `bad-value` for a null entry (no closed form), naming it.
 * @example
 * import { fisher, parse, parseExpr } from 'fisherlab';
 * import { toMathjs } from 'fisherlab/mathjs';
 * const node = toMathjs(fisher(parse('x ~ Normal(mu, sigma)')).matrix);
 * node.toString(); // → '[[1 / sigma ^ 2, 0], [0, 2 / sigma ^ 2]]'
 * node.evaluate({ sigma: 2 }).toString(); // → '[[0.25, 0], [0, 0.5]]'
 * toMathjs([parseExpr('x'), null]); // → throws FisherError (bad-value): toMathjs: the entry [1] is null (no closed form)
 */
export function toMathjs(e: ExprArray, math: MathjsNodes = DEFAULT): MathNode {
  const out = new ToMathjs(math);
  const convert = (x: ExprArray, where: readonly number[]): MathNode => {
    if (x === null) throw new FisherError('bad-value', `toMathjs: the entry ${where.map((i) => `[${i}]`).join('')} is null (no closed form)`);
    if (isExprArray(x)) return new math.ArrayNode(x.map((y, i) => convert(y, [...where, i])));
    return out.node(x);
  };
  return convert(e, []);
}

const isExprArray = (x: ExprArray): x is readonly ExprArray[] => Array.isArray(x);

class ToMathjs {
  private readonly memo = new Map<Expr, MathNode>();
  private readonly numberType: string;

  constructor(private readonly math: MathjsNodes) {
    this.numberType = (math.config as unknown as () => { number?: string })().number ?? 'number';
  }

  node(e: Expr): MathNode {
    const hit = this.memo.get(e);
    if (hit !== undefined) return hit;
    const made = this.make(e);
    this.memo.set(e, made);
    return made;
  }

  /** A non-negative integer in the instance's number type. */
  private integer(k: bigint): MathNode {
    const value = this.numberType === 'number' ? Number(k) : this.math.numeric(k.toString(), this.numberType as 'BigNumber');
    return new this.math.ConstantNode(value as number);
  }

  private op(op: string, fn: string, args: MathNode[]): MathNode {
    return new this.math.OperatorNode(op as never, fn as never, args);
  }

  private fn(name: string, args: MathNode[]): MathNode {
    return new this.math.FunctionNode(new this.math.SymbolNode(name), args);
  }

  private rational(q: Rational): MathNode {
    const a = q.n < 0n ? -q.n : q.n;
    const magnitude = q.d === 1n ? this.integer(a) : this.op('/', 'divide', [this.integer(a), this.integer(q.d)]);
    return q.n < 0n ? this.op('-', 'unaryMinus', [magnitude]) : magnitude;
  }

  private symbol(name: string): MathNode {
    if (name === 'inf') return new this.math.ConstantNode(this.numberType === 'number' ? Infinity : (this.math.numeric('Infinity', 'BigNumber') as never));
    const component = /^(.*)\[(\d+)\]$/.exec(name);
    if (component !== null) return new this.math.AccessorNode(new this.math.SymbolNode(component[1]!), new this.math.IndexNode([this.integer(BigInt(component[2]!))]));
    return new this.math.SymbolNode(name);
  }

  /** b^p: sqrt for 1/2, cbrt or nthRoot for an odd root (real for b < 0, as fisherlab evaluates it). */
  private power(base: Expr, exp: Expr): MathNode {
    const b = this.node(base);
    if (exp.kind === 'num' && exp.value.d !== 1n) {
      const { n, d } = exp.value;
      if (n === 1n && d === 2n) return this.fn('sqrt', [b]);
      if (d % 2n === 1n) {
        const root = d === 3n ? this.fn('cbrt', [b]) : this.fn('nthRoot', [b, this.integer(d)]);
        return n === 1n ? root : this.op('^', 'pow', [root, this.rational(rat(n))]);
      }
    }
    return this.op('^', 'pow', [b, this.node(exp)]);
  }

  private product(parts: readonly MathNode[]): MathNode {
    return parts.slice(1).reduce((acc, p) => this.op('*', 'multiply', [acc, p]), parts[0]!);
  }

  private factor(f: Expr): MathNode {
    return f.kind === 'pow' ? this.power(f.base, f.exp) : this.node(f);
  }

  private make(e: Expr): MathNode {
    switch (e.kind) {
      case 'num':
        return this.rational(e.value);
      case 'sym':
        return this.symbol(e.name);
      case 'call':
        return this.fn(e.fn, e.args.map((a) => this.node(a)));
      case 'add': {
        // As fisherlab prints it: positive terms first, the others subtracted.
        let acc: MathNode | undefined;
        for (const { term, negative } of displayTerms(e.terms)) {
          if (acc === undefined) acc = this.node(term);
          else acc = negative ? this.op('-', 'subtract', [acc, this.node(negateTerm(term))]) : this.op('+', 'add', [acc, this.node(term)]);
        }
        return acc!;
      }
      case 'pow':
      case 'mul': {
        if (e.kind === 'pow' && !negativeExponent(e.exp)) return this.power(e.base, e.exp);
        // A product, or a negative power: a quotient as fisherlab prints it.
        const fr = asFraction(e, true);
        const top: MathNode[] = [];
        if (fr.numCoef !== 1n || fr.num.length === 0) top.push(this.integer(fr.numCoef));
        for (const f of fr.num) top.push(this.factor(f));
        const bottom: MathNode[] = [];
        if (fr.denCoef !== 1n) bottom.push(this.integer(fr.denCoef));
        for (const f of fr.den) bottom.push(this.factor(f));
        // The sign goes on the first factor: -2 * x / 3, as it is read.
        if (fr.negative) top[0] = this.op('-', 'unaryMinus', [top[0]!]);
        return bottom.length === 0 ? this.product(top) : this.op('/', 'divide', [this.product(top), this.product(bottom)]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// mathjs → fisherlab.

/** A mathjs node as fisherlab reads it: only the fields the conversion looks at. */
interface AnyNode {
  readonly type: string;
  readonly name?: string;
  readonly fn?: string | AnyNode;
  readonly op?: string;
  readonly args?: readonly AnyNode[];
  readonly content?: AnyNode;
  readonly value?: unknown;
  readonly object?: AnyNode;
  readonly index?: AnyNode;
  readonly dimensions?: readonly AnyNode[];
  readonly dotNotation?: boolean;
  toString(): string;
}

const fail = (code: 'syntax' | 'unknown-function' | 'unknown-name' | 'arity' | 'domain' | 'bad-value', message: string, node: AnyNode): never => {
  throw new FisherError(code, `fromMathjs: ${message} (in ${node.toString()})`);
};

const log = (x: Expr): Expr => call('log', [x]);
const reciprocal = (x: Expr): Expr => pow(x, num(-1));

/**
 * mathjs functions that fisherlab writes another way, by name and number of arguments. Each is an
 * identity on the real line (gamma and factorial where Γ is positive: x > 0, x > −1).
 */
const REWRITES: ReadonlyMap<string, { readonly arity: readonly number[]; readonly to: (a: readonly Expr[]) => Expr }> = new Map([
  ['log', { arity: [2], to: ([x, b]: readonly Expr[]) => div(log(x!), log(b!)) }],
  ['log1p', { arity: [2], to: ([x, b]: readonly Expr[]) => div(call('log1p', [x!]), log(b!)) }],
  ['log10', { arity: [1], to: ([x]: readonly Expr[]) => div(log(x!), log(num(10))) }],
  ['log2', { arity: [1], to: ([x]: readonly Expr[]) => div(log(x!), log(num(2))) }],
  ['gamma', { arity: [1], to: ([x]: readonly Expr[]) => call('exp', [call('lgamma', [x!])]) }],
  ['factorial', { arity: [1], to: ([x]: readonly Expr[]) => call('exp', [call('lfact', [x!])]) }],
  ['combinations', { arity: [2], to: ([n, k]: readonly Expr[]) => call('exp', [call('lchoose', [n!, k!])]) }],
  ['cbrt', { arity: [1], to: ([x]: readonly Expr[]) => pow(x!, num(1, 3)) }],
  ['nthRoot', { arity: [1, 2], to: ([x, k]: readonly Expr[]) => pow(x!, reciprocal(k ?? num(2))) }],
  ['square', { arity: [1], to: ([x]: readonly Expr[]) => pow(x!, num(2)) }],
  ['cube', { arity: [1], to: ([x]: readonly Expr[]) => pow(x!, num(3)) }],
  ['tan', { arity: [1], to: ([x]: readonly Expr[]) => div(call('sin', [x!]), call('cos', [x!])) }],
  ['cot', { arity: [1], to: ([x]: readonly Expr[]) => div(call('cos', [x!]), call('sin', [x!])) }],
  ['sec', { arity: [1], to: ([x]: readonly Expr[]) => reciprocal(call('cos', [x!])) }],
  ['csc', { arity: [1], to: ([x]: readonly Expr[]) => reciprocal(call('sin', [x!])) }],
  ['coth', { arity: [1], to: ([x]: readonly Expr[]) => div(call('cosh', [x!]), call('sinh', [x!])) }],
  ['sech', { arity: [1], to: ([x]: readonly Expr[]) => reciprocal(call('cosh', [x!])) }],
  ['csch', { arity: [1], to: ([x]: readonly Expr[]) => reciprocal(call('sinh', [x!])) }],
  // The operators called as functions: add(x, y), pow(x, 2), ...
  ['add', { arity: [2, 3, 4, 5, 6, 7, 8], to: (a: readonly Expr[]) => add(...a) }],
  ['multiply', { arity: [2, 3, 4, 5, 6, 7, 8], to: (a: readonly Expr[]) => mul(...a) }],
  ['subtract', { arity: [2], to: ([a, b]: readonly Expr[]) => sub(a!, b!) }],
  ['divide', { arity: [2], to: ([a, b]: readonly Expr[]) => div(a!, b!) }],
  ['pow', { arity: [2], to: ([a, b]: readonly Expr[]) => pow(a!, b!) }],
  ['unaryMinus', { arity: [1], to: ([a]: readonly Expr[]) => neg(a!) }],
  ['unaryPlus', { arity: [1], to: ([a]: readonly Expr[]) => a! }],
]);

/** Operators by mathjs function name; the elementwise ones act on numbers as the plain ones. */
const OPERATORS: ReadonlyMap<string, string> = new Map([
  ['add', 'add'],
  ['subtract', 'subtract'],
  ['multiply', 'multiply'],
  ['dotMultiply', 'multiply'],
  ['divide', 'divide'],
  ['dotDivide', 'divide'],
  ['pow', 'pow'],
  ['dotPow', 'pow'],
  ['unaryMinus', 'unaryMinus'],
  ['unaryPlus', 'unaryPlus'],
  ['factorial', 'factorial'],
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names already checked (bounded: a long-lived page converting many names does not grow it forever). */
const names = new Map<string, Expr>();
const MAX_NAMES = 10_000;

/** A mathjs symbol name as a fisherlab symbol: Greek letters spelled out, the name checked by the parser. */
function symbolOf(name: string, node: AnyNode): Expr {
  const hit = names.get(name);
  if (hit !== undefined) return hit;
  const ascii = normalizeName(name);
  if (!IDENTIFIER.test(ascii)) fail('unknown-name', `the name '${name}' is not a fisherlab name (letters, digits and _)`, node);
  let e: Expr | undefined;
  try {
    e = parseExpr(ascii);
  } catch (err) {
    if (err instanceof FisherError) fail(err.code === 'domain' ? 'domain' : 'unknown-name', `the name '${name}': ${err.message}`, node);
    throw err;
  }
  if (e.kind !== 'sym') fail('unknown-name', `the name '${name}' is not a fisherlab symbol`, node);
  if (names.size >= MAX_NAMES) names.clear();
  names.set(name, e);
  return e;
}

/** A decimal string (an optional sign, digits, a fraction, an exponent) as an exact rational. */
function decimal(text: string, node: AnyNode): Expr {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  let q: Rational;
  try {
    q = qfromDecimal(body);
  } catch {
    return fail('bad-value', `the number ${text} has no exact value`, node);
  }
  return num(negative ? rat(-q.n, q.d) : q);
}

interface BigNumberLike {
  readonly isBigNumber: true;
  isFinite(): boolean;
  isNaN(): boolean;
  toFixed(): string;
}
interface FractionLike {
  readonly s: bigint | number;
  readonly n: bigint | number;
  readonly d: bigint | number;
}

/** A ConstantNode's value: numbers exactly (0.1 is 1/10, the shortest decimal JavaScript prints). */
function constantOf(value: unknown, node: AnyNode): Expr {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return fail('bad-value', 'NaN is not a number fisherlab can hold', node);
    if (!Number.isFinite(value)) return fail('domain', `${value} is not an expression: fisherlab's 'inf' may only be a bound of a support`, node);
    return decimal(String(value), node);
  }
  if (typeof value === 'bigint') return num(value);
  if (value !== null && typeof value === 'object') {
    const v = value as Partial<BigNumberLike> & Partial<FractionLike> & { isFraction?: boolean; isComplex?: boolean };
    if (v.isBigNumber === true) {
      const b = value as BigNumberLike;
      if (b.isNaN() || !b.isFinite()) return fail('bad-value', `${String(value)} is not a finite number`, node);
      return decimal(b.toFixed(), node);
    }
    if (v.isFraction === true && v.n !== undefined && v.d !== undefined && v.s !== undefined) return num(rat(BigInt(v.s) * BigInt(v.n), BigInt(v.d)));
    if (v.isComplex === true) return fail('bad-value', 'a complex number', node);
  }
  return fail('bad-value', `the constant ${JSON.stringify(value) ?? String(value)} is not a number`, node);
}

/** A quotient or power that the parser would refuse as a division by zero. */
function checkedPower(b: Expr, e: Expr, node: AnyNode): Expr {
  if (b === ZERO && e.kind === 'num' && e.value.n < 0n) fail('domain', 'division by zero', node);
  return pow(b, e);
}

function callOf(name: string, args: readonly Expr[], node: AnyNode): Expr {
  const def = FUNCTIONS.get(name);
  const rewrite = REWRITES.get(name);
  if (def !== undefined && args.length === def.arity) {
    def.integerArgs?.forEach((i) => {
      const a = args[i]!;
      if (!(a.kind === 'num' && a.value.d === 1n && a.value.n >= 0n)) fail('domain', `the argument ${i + 1} of ${name} must be a whole number 0, 1, 2, ...`, node);
    });
    return call(name, args);
  }
  if (rewrite !== undefined && rewrite.arity.includes(args.length)) {
    if (name === 'divide') return mul(args[0]!, checkedPower(args[1]!, num(-1), node));
    if (name === 'pow') return checkedPower(args[0]!, args[1]!, node);
    return rewrite.to(args);
  }
  if (def !== undefined || rewrite !== undefined) {
    const want = [...new Set([...(def !== undefined ? [def.arity] : []), ...(rewrite?.arity ?? [])])].sort((a, b) => a - b);
    return fail('arity', `${name} takes ${want.join(' or ')} argument${want.length === 1 && want[0] === 1 ? '' : 's'}, not ${args.length}`, node);
  }
  return fail('unknown-function', `the mathjs function '${name}' has no fisherlab counterpart`, node);
}

/**
 * The fisherlab expression of a mathjs expression tree (from `math.parse`, `math.derivative`,
 * `math.simplify`, or built by hand), interned: equal expressions are the same object. Numbers
 * are read exactly (0.1 is 1/10; BigNumbers, Fractions and bigints too), Greek letters spelled
 * out; mathjs functions fisherlab writes another way are rewritten (`log(x, b)`, `log10`, `tan`,
 * `cbrt`, `square`, `gamma` through `lgamma`, ...).
 *
 * @throws `FisherError` (of `fisherlab`) naming the node for what fisherlab cannot hold: matrices, assignments,
 *   comparisons, strings, complex numbers, functions without a counterpart (`unknown-function`), a
 *   division by zero.
 * @example
 * import { parse as mathParse, derivative } from 'mathjs';
 * import { diff, parseExpr, printExpr, simplify, sub } from 'fisherlab';
 * printExpr(fromMathjs(mathParse('-(x - mu)^2 / (2 sigma^2) - log(sigma)'))); // → '-log(sigma) - (x - mu)^2/(2*sigma^2)'
 * fromMathjs(mathParse('log(gamma(k)) + 0.1 * σ')); // → sigma/10 + lgamma(k)
 * // mathjs's derivative and fisherlab's, in two forms of one function:
 * const theirs = fromMathjs(derivative('x^2 * log(x)', 'x'));
 * const ours = diff(parseExpr('x^2*log(x)'), 'x');
 * [theirs, ours]; // → [x*(1 + 2*log(x)), x + 2*x*log(x)]
 * simplify(sub(theirs, ours)); // → 0
 * fromMathjs(mathParse('asin(x)')); // → throws FisherError (unknown-function): fromMathjs: the mathjs function 'asin' has no fisherlab counterpart (in asin(x))
 */
export function fromMathjs(root: MathNode): Expr {
  const visit = (node: AnyNode): Expr => {
    switch (node.type) {
      case 'ParenthesisNode':
        return visit(node.content!);
      case 'ConstantNode':
        return constantOf(node.value, node);
      case 'SymbolNode':
        return symbolOf(node.name!, node);
      case 'AccessorNode': {
        // beta[2]: a component of a vector (1-based in mathjs's expressions, as in fisherlab's).
        const idx = node.index!;
        const dims = idx.dimensions ?? [];
        const k = dims.length === 1 && dims[0]!.type === 'ConstantNode' ? dims[0]!.value : undefined;
        const whole = typeof k === 'number' ? Number.isInteger(k) && k >= 1 : typeof k === 'bigint' && k >= 1n;
        if (node.object?.type !== 'SymbolNode' || idx.dotNotation === true || !whole) {
          return fail('syntax', 'only a component of a named vector, such as beta[2], can be indexed', node);
        }
        const v = symbolOf(node.object.name!, node.object) as Extract<Expr, { kind: 'sym' }>;
        return sym(`${v.name}[${String(k)}]`);
      }
      case 'OperatorNode': {
        const fn = OPERATORS.get(node.fn as string);
        if (fn === undefined) return fail('syntax', `the operator '${node.op}' (${String(node.fn)}) has no fisherlab counterpart`, node);
        const args = node.args!.map(visit);
        switch (fn) {
          case 'add':
            return add(...args);
          case 'multiply':
            return mul(...args);
          case 'subtract':
            return sub(args[0]!, args[1]!);
          case 'divide':
            return mul(args[0]!, checkedPower(args[1]!, num(-1), node));
          case 'pow':
            return checkedPower(args[0]!, args[1]!, node);
          case 'unaryMinus':
            return neg(args[0]!);
          case 'unaryPlus':
            return args[0]!;
          default:
            return callOf('factorial', args, node);
        }
      }
      case 'FunctionNode': {
        const f = node.fn;
        if (typeof f !== 'object' || f.type !== 'SymbolNode') return fail('syntax', 'only a function called by name can be converted', node);
        return callOf(f.name!, node.args!.map(visit), node);
      }
      case 'ArrayNode':
        return fail('syntax', 'a matrix or vector: fromMathjs converts one expression (convert the entries of node.items one by one)', node);
      default:
        return fail('syntax', `a mathjs ${node.type} has no fisherlab counterpart (an expression of numbers, names, + - * / ^ and functions)`, node);
    }
  };
  return visit(root as unknown as AnyNode);
}

// ---------------------------------------------------------------------------------------------
// fisherlab's functions for a mathjs instance.

const NUMERIC_TYPES = 'number | BigNumber | Fraction | bigint';

/**
 * The functions of fisherlab's table that `math` does not define (digamma, trigamma, polygamma,
 * lbeta, lchoose, lfact, sigmoid, logit, softplus, erfc, the Bessel functions), as typed functions
 * over fisherlab's own double-precision numerics, plus the constant euler_gamma. Arguments of any
 * mathjs number type (BigNumber, Fraction, bigint) are converted to numbers, and a number comes out;
 * a matrix argument is mathjs's TypeError (these functions do not map over matrices).
 *
 * @example
 * import { create, all } from 'mathjs';
 * const fns = fisherlabFunctions(create(all));
 * fns.trigamma(1); // → 1.6449340668482264
 * fns.euler_gamma; // → 0.5772156649015329
 */
export function fisherlabFunctions(math: MathjsImport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const has = (name: string): boolean => (math as unknown as Record<string, unknown>)[name] !== undefined;
  for (const def of FUNCTIONS.values()) {
    if (has(def.name)) continue;
    const signature = Array.from({ length: def.arity }, () => NUMERIC_TYPES).join(', ');
    const f = def.eval;
    out[def.name] = math.typed(def.name, { [signature]: (...args: unknown[]) => f(...args.map((a) => (typeof a === 'number' ? a : (math.number(a as never) as number)))) });
  }
  if (!has('euler_gamma')) out.euler_gamma = 0.5772156649015329;
  return out;
}

/**
 * Imports fisherlab's functions that `math` lacks into it (a function it already has is left
 * alone), so that mathjs can evaluate a converted Fisher matrix: `toMathjs(F).evaluate(scope)`.
 *
 * @returns The names added.
 * @example
 * import { create, all } from 'mathjs';
 * const math = create(all);
 * importFisherlab(math); // → ['sigmoid', 'logit', 'softplus', 'digamma', 'trigamma', 'polygamma', 'lbeta', 'lchoose', 'lfact', 'erfc', 'besseli0', 'besseli1', 'logbesseli0', 'logbesseli1', 'euler_gamma']
 * // π²/6:
 * math.evaluate('trigamma(1)'); // → 1.6449340668482264
 */
export function importFisherlab(math: MathjsImport): string[] {
  if (typeof (math as Partial<MathjsImport>).import !== 'function' || typeof (math as Partial<MathjsImport>).typed !== 'function') {
    throw new FisherError('bad-value', "importFisherlab needs a mathjs instance, such as create(all) from 'mathjs' (the module's own namespace cannot be extended)");
  }
  const fns = fisherlabFunctions(math);
  math.import(fns, {});
  return Object.keys(fns);
}
