/**
 * The shapes of expression nodes (types only). The smart constructors that make them, and the
 * shared prototype that gives every node `toString`, `toJSON` and a readable form in Node's
 * inspector, live in `expr.ts`; the types live here so that the printer can name them without
 * importing the constructors' module (which imports the printer).
 */
import type { Rational } from './rational';

interface NodeBase {
  /** Unique per interned node: equal ids mean equal expressions. */
  readonly id: number;
  /** The text form (what `printExpr` prints, which `parseExpr` reads back to this node). */
  toString(): string;
  /** The text form, so that `JSON.stringify` of any result holding expressions works. */
  toJSON(): string;
}
/**
 * An exact rational number. Decimals in the text are exact too: `0.1` is 1/10.
 *
 * @example
 * const q = parseExpr('0.25');
 * q.kind; // → 'num'
 * q.value; // → 1/4
 */
export interface Num extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'num';
  /** The number, in lowest terms. */
  readonly value: Rational;
}
/**
 * A symbol: a name of the model (`x`, `sigma`, `beta[2]`) or a named constant (`pi`, `e`,
 * `euler_gamma`). What a symbol is (data, parameter, ...) is the model's business, not the node's.
 *
 * @example
 * sym('sigma') === parseExpr('σ'); // → true
 */
export interface Sym extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'sym';
  /** The name, in ASCII. */
  readonly name: string;
}
/**
 * A sum of at least two terms: no nested sums, like terms collected, the constant (if any) first.
 *
 * @example
 * const s = parseExpr('x + 1 + x');
 * s.kind; // → 'add'
 * s.terms; // → [1, 2*x]
 */
export interface Add extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'add';
  /** The terms, in canonical order. */
  readonly terms: readonly Expr[];
}
/**
 * A product of at least two factors: no nested products, the rational coefficient (if not 1) first.
 * A quotient is a product with a negative power: `x/y` is `x*y^(-1)`.
 *
 * @example
 * parseExpr('-2*x/y').factors; // → [-2, x, 1/y]
 */
export interface Mul extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'mul';
  /** The factors, in canonical order. */
  readonly factors: readonly Expr[];
}
/**
 * A power base^exp; a square root is the power 1/2.
 *
 * @example
 * const r = parseExpr('sqrt(x)');
 * [r.kind, r.base, r.exp]; // → ['pow', x, 1/2]
 */
export interface Pow extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'pow';
  /** The base. */
  readonly base: Expr;
  /** The exponent. */
  readonly exp: Expr;
}
/**
 * A call of a function of the function table ({@link FUNCTIONS}).
 *
 * @example
 * const c = parseExpr('lgamma(a + 1)');
 * [c.fn, c.args]; // → ['lgamma', [a + 1]]
 */
export interface Call extends NodeBase {
  /** Tells the node kinds apart. */
  readonly kind: 'call';
  /** The function's name in the table. */
  readonly fn: string;
  /** The arguments. */
  readonly args: readonly Expr[];
}
/**
 * An expression: an immutable, interned node, so equal expressions are the same object (`===` is
 * equality, and a `Map` or `WeakMap` keyed by nodes memoises). Nodes are made only by the smart
 * constructors ({@link num}, {@link sym}, {@link add}, {@link mul}, {@link pow}, {@link call}),
 * which keep one canonical form: sums and products flattened and sorted, like terms collected,
 * numbers folded exactly. `String(e)` and `JSON.stringify(e)` give the text {@link parseExpr} reads
 * back to the same node.
 *
 * @example
 * const e = add(mul(num(2), sym('x')), sym('x'));
 * String(e); // → '3*x'
 * e === parseExpr('3*x'); // → true
 * JSON.stringify({ e }); // → '{"e":"3*x"}'
 * e.kind === 'mul' ? e.factors.length : 0; // → 2
 */
export type Expr = Num | Sym | Add | Mul | Pow | Call;
