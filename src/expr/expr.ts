/**
 * Immutable, interned expression nodes and their smart constructors.
 *
 * Every node is created by `num`, `sym`, `add`, `mul`, `pow` or `call`; these flatten, fold
 * constants, collect like terms and powers, sort operands into a canonical order and intern the
 * result, so that two equal expressions are the same object (`a === b`) and can key a `Map`.
 * A linear form has one node wherever `add` does not absorb it: a function's argument, an exponent
 * and a root's base hold the distributed sum (exp(−2*(a + b)) is exp(−2*a − 2*b)), and a sum that is
 * a factor of a product or the base of an integer power gives its rational content to the
 * coefficient (y*(2*a + 2*b) is 2*y*(a + b)). The sign of a sum with terms of both signs is not
 * normalised there: y*(a − b) and −y*(b − a) are two nodes (`simplify` identifies them).
 * Roles of symbols (data, parameter, constant) live in the Model, never in the tree.
 */
import {
  ONE_Q,
  ZERO_Q,
  bigRoot,
  qadd,
  qcmp,
  qdiv,
  qeq,
  qisInt,
  qmul,
  qpowInt,
  qsign,
  normalised,
  rat,
  type Rational,
} from './rational';
import type { Add, Call, Expr, Mul, Num, Pow, Sym } from './node';
import { printExpr, useBuilders } from './print';

export type { Add, Call, Expr, Mul, Num, Pow, Sym } from './node';

// ---------------------------------------------------------------------------------------------
// The nodes' shared prototype: results that hold expressions print, serialise and inspect as text.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Methods every node has (class methods, so they are not enumerable and `for...in` sees only data). */
class ExprMethods {
  /** The text form, e.g. `String(parseExpr('mu + 1'))` is `'mu + 1'`. */
  toString(this: Expr): string {
    return printExpr(this);
  }
  /** `JSON.stringify` writes a node as its text form, which `parseExpr` reads back to the same node. */
  toJSON(this: Expr): string {
    return printExpr(this);
  }
  /** Node's `util.inspect` (and `console.log`) show `Expr<mu + 1>`; the key is a registered symbol, so no `node:util` import. */
  [INSPECT](this: Expr): string {
    return `Expr<${printExpr(this)}>`;
  }
}
const PROTOTYPE: object = Object.freeze(ExprMethods.prototype);

// The printer builds nodes (a negated term, a denominator) with the constructors below, which are
// handed to it here rather than imported by it: this module imports the printer, and a module that
// makes nodes is loaded before any node exists, so the printer always has them.
useBuilders({ add, mul, num, pow, sumContent, scaleSum });

// ---------------------------------------------------------------------------------------------
// Interning. Nodes are held weakly so that a long-lived process (a browser page) does not leak.

let nextId = 1;
const table = new Map<string, WeakRef<Expr>>();
const registry = /* @__PURE__ */ new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref !== undefined && ref.deref() === undefined) table.delete(key);
});

/** A node with the shared prototype and these fields, frozen. */
function makeNode<T extends Expr>(fields: Omit<T, 'toString' | 'toJSON'>): T {
  return Object.freeze(Object.assign(Object.create(PROTOTYPE) as T, fields));
}

function intern<T extends Expr>(key: string, make: (id: number) => T): T {
  const hit = table.get(key)?.deref();
  if (hit !== undefined) return hit as T;
  const node = make(nextId++);
  table.set(key, new WeakRef<Expr>(node));
  registry.register(node, key);
  return node;
}

const ids = (xs: readonly Expr[]): string => xs.map((x) => x.id).join(',');

// ---------------------------------------------------------------------------------------------
// Leaves.

/**
 * The number value/den, exact (a rational in lowest terms).
 *
 * @param value - An integer (a number or a bigint), or a {@link Rational}.
 * @param den - The denominator, 1 if omitted.
 * @throws RangeError for a zero denominator or a number that is not an integer (write 0.1 as
 *   `num(1, 10)`).
 * @example
 * num(6, 4); // → 3/2
 * num(3n) === parseExpr('3'); // → true
 * num(0.5); // → throws RangeError: The number 0.5 cannot be converted to a BigInt because it is not an integer
 */
export function num(value: Rational | number | bigint, den?: number | bigint): Num {
  const q = typeof value === 'object' ? normalised(value) : rat(value, den ?? 1n);
  return intern(`n${q.n}/${q.d}`, (id) => makeNode<Num>({ kind: 'num', id, value: q }));
}

/**
 * The symbol named `name`. Names are not checked: `sym('beta[2]')` is the component written
 * `beta[2]`, and `pi`, `e`, `euler_gamma` are the named constants.
 *
 * @example
 * mul(num(2), sym('pi')); // → 2*pi
 */
export function sym(name: string): Sym {
  return intern(`s${name}`, (id) => makeNode<Sym>({ kind: 'sym', id, name }));
}

export const ZERO = /* @__PURE__ */ num(0);
export const ONE = /* @__PURE__ */ num(1);
export const TWO = /* @__PURE__ */ num(2);
export const HALF = /* @__PURE__ */ num(1, 2);
export const MINUS_ONE = /* @__PURE__ */ num(-1);
/** Symbols with a fixed numeric value. */
export const PI = /* @__PURE__ */ sym('pi');
export const E = /* @__PURE__ */ sym('e');
export const EULER_GAMMA = /* @__PURE__ */ sym('euler_gamma');
export const NAMED_CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
  ['euler_gamma', 0.5772156649015329],
  ['inf', Infinity],
]);

export const isNum = (e: Expr): e is Num => e.kind === 'num';
export const isZero = (e: Expr): boolean => e === ZERO;
export const isOne = (e: Expr): boolean => e === ONE;

// ---------------------------------------------------------------------------------------------
// Canonical order: a deterministic total order on nodes, so sums and products have one form.

const RANK: Record<Expr['kind'], number> = { num: 0, sym: 1, call: 2, pow: 3, mul: 4, add: 5 };

/** Total order used to sort operands; powers sort next to their base (x, x^2, y). */
export function compare(a: Expr, b: Expr): number {
  if (a === b) return 0;
  if (a.kind === 'pow' || b.kind === 'pow') {
    const ab = a.kind === 'pow' ? a.base : a;
    const bb = b.kind === 'pow' ? b.base : b;
    if (ab !== a || bb !== b) {
      const c = compare(ab, bb);
      if (c !== 0) return c;
      return compare(a.kind === 'pow' ? a.exp : ONE, b.kind === 'pow' ? b.exp : ONE);
    }
  }
  const r = RANK[a.kind] - RANK[b.kind];
  if (r !== 0) return r;
  switch (a.kind) {
    case 'num':
      return qcmp(a.value, (b as Num).value);
    case 'sym': {
      const n = (b as Sym).name;
      return a.name < n ? -1 : a.name > n ? 1 : 0;
    }
    case 'call': {
      const c = b as Call;
      if (a.fn !== c.fn) return a.fn < c.fn ? -1 : 1;
      return compareLists(a.args, c.args);
    }
    case 'pow':
      return compare(a.base, (b as Pow).base) || compare(a.exp, (b as Pow).exp);
    case 'mul':
      return compareLists(a.factors, (b as Mul).factors);
    case 'add':
      return compareLists(a.terms, (b as Add).terms);
  }
}

function compareLists(a: readonly Expr[], b: readonly Expr[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// Sums.

/** Split a term into its rational coefficient and the rest: 3*x*y -> [3, x*y]. */
export function splitCoefficient(e: Expr): [Rational, Expr] {
  if (e.kind === 'num') return [e.value, ONE];
  if (e.kind === 'mul' && e.factors[0]!.kind === 'num') {
    const rest = e.factors.slice(1);
    return [(e.factors[0] as Num).value, rest.length === 1 ? rest[0]! : rawMul(rest)];
  }
  return [ONE_Q, e];
}

function rawMul(factors: readonly Expr[]): Mul {
  return intern(`*${ids(factors)}`, (id) => makeNode<Mul>({ kind: 'mul', id, factors }));
}

/** c*core with core free of a coefficient, without renormalising. */
function scaleTerm(c: Rational, core: Expr): Expr {
  if (qeq(c, ONE_Q)) return core;
  if (core === ONE) return num(c);
  const f = core.kind === 'mul' ? core.factors : [core];
  return rawMul([num(c), ...f]);
}

/**
 * The canonical sum of its arguments: nested sums flattened, like terms collected (2x + x = 3x),
 * numbers added exactly, terms sorted; a number times a sum is distributed when it meets other
 * terms, so that 1 - (1 - x) is x. No argument gives 0.
 *
 * @example
 * add(sym('x'), num(1), sym('x')); // → 2*x + 1
 * add(num(1), sub(sym('y'), num(1))); // → y
 */
export function add(...xs: Expr[]): Expr {
  let constant = ZERO_Q;
  const coefs = new Map<Expr, Rational>();
  const nonzero = xs.filter((x) => x !== ZERO);
  if (nonzero.length === 1) return nonzero[0]!;
  const visit = (x: Expr, scale: Rational): void => {
    if (x.kind === 'num') constant = qadd(constant, qmul(scale, x.value));
    else if (x.kind === 'add') for (const t of x.terms) visit(t, scale);
    else if (x.kind === 'mul' && x.factors.length === 2 && x.factors[0]!.kind === 'num' && x.factors[1]!.kind === 'add') {
      // c*(a + b) meeting other terms is distributed so that like terms can cancel.
      const [c, sum] = x.factors as [Num, Add];
      for (const t of sum.terms) visit(t, qmul(scale, c.value));
    } else {
      const [c0, core] = splitCoefficient(x);
      const c = qmul(scale, c0);
      const prev = coefs.get(core);
      coefs.set(core, prev === undefined ? c : qadd(prev, c));
    }
  };
  for (const x of nonzero) visit(x, ONE_Q);
  const cores: Expr[] = [];
  for (const [core, c] of coefs) if (c.n !== 0n) cores.push(core);
  cores.sort(compare);
  const terms = cores.map((core) => scaleTerm(coefs.get(core)!, core));
  if (constant.n !== 0n) terms.unshift(num(constant));
  if (terms.length === 0) return ZERO;
  if (terms.length === 1) return terms[0]!;
  return intern(`+${ids(terms)}`, (id) => makeNode<Add>({ kind: 'add', id, terms }));
}

/**
 * a − b, as the canonical sum a + (−1)·b.
 *
 * @example
 * sub(sym('x'), sym('mu')); // → x - mu
 * sub(sym('x'), sym('x')); // → 0
 */
export const sub = (a: Expr, b: Expr): Expr => add(a, neg(b));
/**
 * −a, as the canonical product (−1)·a.
 *
 * @example
 * neg(sub(sym('x'), num(1))); // → -(x - 1)
 */
export const neg = (a: Expr): Expr => mul(MINUS_ONE, a);

const bigGcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

/**
 * The rational content of a sum: the c with sum = c·S′ where S′'s coefficients are whole numbers
 * without a common factor; c is negative exactly when every coefficient is. 2*a + 2*b*z has
 * content 2, -2*a - 2*b has −2, x/2 - mu/2 has 1/2, x - mu has 1.
 */
export function sumContent(s: Add): Rational {
  const hit = contents.get(s);
  if (hit !== undefined) return hit;
  const c = computeContent(s);
  contents.set(s, c);
  return c;
}

/** sumContent per interned sum (nodes are immutable, so the content never changes). */
const contents = new WeakMap<Add, Rational>();

function computeContent(s: Add): Rational {
  let g = 0n;
  let l = 1n;
  let negative = true;
  for (const t of s.terms) {
    const [c] = splitCoefficient(t);
    g = bigGcd(g, c.n);
    l = (l / bigGcd(l, c.d)) * c.d;
    if (c.n > 0n) negative = false;
  }
  return rat(negative ? -g : g, l);
}

/** The sum divided by a rational: each coefficient divided (the primitive part S′ for c = sumContent(S)). */
export function scaleSum(s: Add, c: Rational): Expr {
  return add(...s.terms.map((t) => {
    const [k, core] = splitCoefficient(t);
    return scaleTerm(qdiv(k, c), core);
  }));
}

/**
 * The canonical form of an operand that `add` does not absorb (a function's argument, an
 * exponent, the base of a non-integer power): a rational times a sum is distributed,
 * −2*(a + b*z) → −2*a − 2*b*z, so that exp(−2*(a + b*z)) and exp(−2*a − 2*b*z) are one node.
 * The printers factor the content back out for display (`factorContent` in print.ts).
 */
export function linearForm(e: Expr): Expr {
  if (e.kind !== 'mul' || e.factors.length !== 2 || e.factors[0]!.kind !== 'num' || e.factors[1]!.kind !== 'add') return e;
  const c = (e.factors[0] as Num).value;
  return add(...(e.factors[1] as Add).terms.map((t) => mul(num(c), t)));
}

// ---------------------------------------------------------------------------------------------
// Products.

/**
 * The canonical product of its arguments: nested products flattened, powers of one base merged
 * (x·x² = x³), the rational coefficient first, factors sorted. No argument gives 1.
 *
 * @example
 * mul(num(2), sym('x'), pow(sym('x'), num(2)), num(1, 4)); // → x^3/2
 * mul(sym('x'), pow(sym('x'), num(-1))); // → 1
 */
export function mul(...xs: Expr[]): Expr {
  // A lone operand is already canonical (a sum stays a sum: mul(2*a + 2*b) is not 2*(a + b)).
  const nonUnit = xs.filter((x) => x !== ONE);
  if (nonUnit.length === 1) return nonUnit[0]!;
  let coef = ONE_Q;
  const exps = new Map<Expr, Expr[]>();
  const pending = [...nonUnit];
  let guard = 0;
  while (pending.length > 0) {
    if (++guard > 100_000) throw new RangeError('product too large');
    const x = pending.pop()!;
    if (x.kind === 'num') {
      coef = qmul(coef, x.value);
      if (coef.n === 0n) return ZERO;
    } else if (x.kind === 'mul') pending.push(...x.factors);
    else if (x.kind === 'add' && !qeq(sumContent(x), ONE_Q)) {
      // A sum factor with a rational content gives it to the coefficient: y*(2*a + 2*b) is
      // 2*y*(a + b), one node whichever way it was written.
      const c = sumContent(x);
      coef = qmul(coef, c);
      pending.push(scaleSum(x, c));
    } else {
      const base = x.kind === 'pow' ? x.base : x;
      const e = x.kind === 'pow' ? x.exp : ONE;
      const list = exps.get(base);
      if (list === undefined) exps.set(base, [e]);
      else list.push(e);
    }
  }
  const factors: Expr[] = [];
  for (const [base, es] of exps) {
    const p = es.length === 1 ? (es[0] === ONE ? base : pow(base, es[0]!)) : pow(base, add(...es));
    if (p.kind === 'num') coef = qmul(coef, p.value);
    else if (p.kind === 'mul') {
      // A power that split into a product (rare: (a*b)^n was already distributed); fold again.
      for (const f of p.factors) {
        if (f.kind === 'num') coef = qmul(coef, f.value);
        else factors.push(f);
      }
    } else factors.push(p);
  }
  if (coef.n === 0n) return ZERO;
  if (factors.length === 0) return num(coef);
  factors.sort(compare);
  // A number times a sum stays a product here, -2*(x - mu), as a textbook writes it; `add`
  // distributes it when it meets other terms, so that 1 - (1 - x) is x.
  if (factors.length === 1 && qeq(coef, ONE_Q)) return factors[0]!;
  if (!qeq(coef, ONE_Q)) factors.unshift(num(coef));
  return rawMul(factors);
}

/**
 * a / b, as the canonical product a·b^(−1). Dividing by the number 0 is a power 0^(−1) left
 * unevaluated (it evaluates to Infinity).
 *
 * @example
 * div(sym('x'), mul(num(2), sym('sigma'))); // → x/(2*sigma)
 */
export const div = (a: Expr, b: Expr): Expr => mul(a, pow(b, MINUS_ONE));

// ---------------------------------------------------------------------------------------------
// Powers.

const MAX_EXACT_POWER_BITS = 4096;

/**
 * The canonical power b^e. Rational powers of rationals fold where exact (4^(1/2) = 2), integer
 * powers distribute over products and powers ((x y)^2 = x^2 y^2, (x^a)^2 = x^(2a)), e^y is exp(y),
 * and |u|^(2k) = u^(2k); rewrites that need a sign (√(x²) = |x|) are left to {@link simplify}.
 *
 * @example
 * pow(num(4), num(1, 2)); // → 2
 * pow(mul(num(3), sym('x')), num(2)); // → 9*x^2
 * pow(pow(sym('x'), num(2)), num(1, 2)); // → sqrt(x^2)
 */
export function pow(b: Expr, e: Expr): Expr {
  e = linearForm(e);
  if (!(e.kind === 'num' && qisInt(e.value))) b = linearForm(b);
  if (e.kind === 'num') {
    const q = e.value;
    if (q.n === 0n) return ONE;
    if (qeq(q, ONE_Q)) return b;
    if (b.kind === 'num') {
      const folded = foldNumericPower(b.value, q);
      if (folded !== undefined) return folded;
    }
    if (qisInt(q)) {
      // (b^a)^n = b^(a n) and (x y)^n = x^n y^n hold for integer n.
      if (b.kind === 'pow') return pow(b.base, mul(b.exp, e));
      if (b.kind === 'mul') return mul(...b.factors.map((f) => pow(f, e)));
      // (c S′)^n = c^n S′^n: the content of a sum base goes to the coefficient, (2*a + 2*b)^2 = 4*(a + b)^2,
      // while c^n stays within 2^53 (a coefficient that doubles, and so mathjs, still hold exactly).
      if (b.kind === 'add') {
        const c = sumContent(b);
        const bits = Math.max(c.n < 0n ? (-c.n).toString(2).length : c.n.toString(2).length, c.d.toString(2).length);
        if (!qeq(c, ONE_Q) && Math.abs(Number(q.n)) * bits <= 53) return mul(num(qpowInt(c, q.n)), pow(scaleSum(b, c), e));
      }
    }
  }
  if (b === ONE) return ONE;
  if (b === ZERO && e.kind === 'num' && qsign(e.value) > 0) return ZERO;
  // |u|^(2k) = u^(2k).
  if (b.kind === 'call' && b.fn === 'abs' && e.kind === 'num' && qisInt(e.value) && e.value.n % 2n === 0n) return pow(b.args[0]!, e);
  if (b === E) return call('exp', [e]);
  // exp(a)^y = exp(a y) for every real y, since exp(a) > 0.
  if (b.kind === 'call' && b.fn === 'exp') return call('exp', [mul(b.args[0]!, e)]);
  return intern(`^${b.id},${e.id}`, (id) => makeNode<Pow>({ kind: 'pow', id, base: b, exp: e }));
}

function foldNumericPower(b: Rational, q: Rational): Expr | undefined {
  if (b.n === 0n) return qsign(q) > 0 ? ZERO : undefined;
  if (b.n === 1n && b.d === 1n) return ONE;
  const size = Math.max(b.n.toString(2).length, b.d.toString(2).length);
  if (Math.abs(Number(q.n)) * size > MAX_EXACT_POWER_BITS) return undefined;
  if (qisInt(q)) return num(qpowInt(b, q.n));
  if (b.n < 0n) return undefined;
  const rn = bigRoot(b.n, q.d);
  const rd = bigRoot(b.d, q.d);
  if (rn === undefined || rd === undefined) return undefined;
  return num(qpowInt(rat(rn, rd), q.n));
}

/**
 * √a, as the power a^(1/2).
 *
 * @example
 * sqrt(mul(num(2), sym('pi'))); // → sqrt(2*pi)
 * sqrt(num(9)); // → 3
 */
export const sqrt = (a: Expr): Expr => pow(a, HALF);

// ---------------------------------------------------------------------------------------------
// Calls. The function table registers a folding hook per function (log(1) = 0, ...).

type Fold = (args: readonly Expr[]) => Expr | undefined;
const folds = new Map<string, Fold>();

/** Used by the function table to register a function's constructor-time simplifications. */
export function registerFold(fn: string, fold: Fold): void {
  folds.set(fn, fold);
}

/**
 * The canonical call fn(args) of a function of the table ({@link FUNCTIONS}); the table's folds
 * apply (log(1) = 0, exp(log a) = a, digamma(1) = −γ, sqrt(a) = a^(1/2)) after each argument is put
 * in linear form (a rational times a sum distributed: −2*(a + b*z) is −2*a − 2*b*z). The name and
 * the number of arguments are not checked here (the parser checks them): evaluating or
 * differentiating a call of an unknown function throws.
 *
 * @example
 * call('lgamma', [add(sym('a'), num(1))]); // → lgamma(a + 1)
 * call('log', [num(1)]); // → 0
 * call('exp', [call('log', [sym('a')])]); // → a
 * call('exp', [mul(num(-2), add(sym('a'), sym('b')))]) === parseExpr('exp(-2*a - 2*b)'); // → true
 */
export function call(fn: string, argsIn: readonly Expr[]): Expr {
  const args = argsIn.map(linearForm);
  const fold = folds.get(fn);
  if (fold !== undefined) {
    const r = fold(args);
    if (r !== undefined) return r;
  }
  return intern(`c${fn}(${ids(args)})`, (id) => makeNode<Call>({ kind: 'call', id, fn, args: [...args] }));
}

// ---------------------------------------------------------------------------------------------
// Traversal helpers.

/**
 * The direct children of a node: a sum's terms, a product's factors, a power's base and exponent,
 * a call's arguments; none for numbers and symbols.
 *
 * @example
 * children(parseExpr('x^2 + log(y)')); // → [x^2, log(y)]
 * children(parseExpr('x^2')); // → [x, 2]
 */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'num':
    case 'sym':
      return [];
    case 'add':
      return e.terms;
    case 'mul':
      return e.factors;
    case 'pow':
      return [e.base, e.exp];
    case 'call':
      return e.args;
  }
}

/** Rebuild a node of the same kind from new children (through the smart constructors). */
export function rebuild(e: Expr, kids: readonly Expr[]): Expr {
  switch (e.kind) {
    case 'num':
    case 'sym':
      return e;
    case 'add':
      return add(...kids);
    case 'mul':
      return mul(...kids);
    case 'pow':
      return pow(kids[0]!, kids[1]!);
    case 'call':
      return call(e.fn, kids);
  }
}

/**
 * Bottom-up map over the distinct subtrees of `e` (each shared subtree is visited once), using an
 * explicit stack so that very deep trees cannot overflow the call stack. `f` receives each node and
 * the node rebuilt (through the smart constructors) from its children's results, and returns the
 * node's result.
 *
 * @example
 * // Replace every log by log1p of its argument minus 1.
 * mapBottomUp(parseExpr('log(x) + log(y^2)'), (_node, r) => (r.kind === 'call' && r.fn === 'log' ? call('log1p', [sub(r.args[0], num(1))]) : r)); // → log1p(x - 1) + log1p(y^2 - 1)
 */
export function mapBottomUp(e: Expr, f: (node: Expr, rebuilt: Expr) => Expr): Expr {
  const done = new Map<Expr, Expr>();
  const stack: Array<[Expr, boolean]> = [[e, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (done.has(node)) continue;
    const kids = children(node);
    if (!expanded && kids.length > 0) {
      stack.push([node, true]);
      for (const k of kids) if (!done.has(k)) stack.push([k, false]);
      continue;
    }
    const newKids = kids.map((k) => done.get(k)!);
    const same = newKids.every((k, i) => k === kids[i]);
    done.set(node, f(node, same ? node : rebuild(node, newKids)));
  }
  return done.get(e)!;
}

/**
 * The distinct subexpressions of `e` (itself included), each once, without recursion: the nodes of
 * `e` as a DAG, so a shared subtree counts once.
 *
 * @example
 * [...subexpressions(parseExpr('(x + 1)^2 * log(x + 1)'))].map(String); // → ['(x + 1)^2*log(x + 1)', '(x + 1)^2', '2', 'x + 1', 'x', '1', 'log(x + 1)']
 */
export function subexpressions(e: Expr): Set<Expr> {
  const seen = new Set<Expr>();
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...children(n));
  }
  return seen;
}

/**
 * The names of the symbols in `e` (named constants such as pi included).
 *
 * @param out - A set to add the names to (a new one by default).
 * @example
 * symbols(parseExpr('-(x - mu)^2/(2*sigma^2) - log(sqrt(2*pi)*sigma)')); // → Set { 'x', 'mu', 'sigma', 'pi' }
 */
export function symbols(e: Expr, out: Set<string> = new Set()): Set<string> {
  for (const n of subexpressions(e)) if (n.kind === 'sym') out.add(n.name);
  return out;
}

/**
 * Whether `e` contains the symbol `name`.
 *
 * @example
 * dependsOn(parseExpr('x*log(theta)'), 'theta'); // → true
 * dependsOn(parseExpr('x*log(theta)'), 'mu'); // → false
 */
export function dependsOn(e: Expr, name: string): boolean {
  return symbols(e).has(name);
}

/** Number of distinct nodes in `e` (its size as a DAG). */
export const size = (e: Expr): number => subexpressions(e).size;

/**
 * Substitutes symbols by expressions, simultaneously (a replacement is not substituted into again),
 * and rebuilds the result in canonical form.
 *
 * @param map - Expressions by the names of the symbols they replace.
 * @example
 * substitute(parseExpr('x*log(theta) + theta'), new Map([['theta', parseExpr('exp(eta)')], ['x', sym('theta')]])); // → exp(eta) + eta*theta
 */
export function substitute(e: Expr, map: ReadonlyMap<string, Expr>): Expr {
  if (map.size === 0) return e;
  return mapBottomUp(e, (node, rebuilt) => (node.kind === 'sym' ? (map.get(node.name) ?? node) : rebuilt));
}
