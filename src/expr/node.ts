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
export interface Num extends NodeBase {
  readonly kind: 'num';
  readonly value: Rational;
}
export interface Sym extends NodeBase {
  readonly kind: 'sym';
  readonly name: string;
}
/** A sum of at least two terms: no nested sums, like terms collected, the constant (if any) first. */
export interface Add extends NodeBase {
  readonly kind: 'add';
  readonly terms: readonly Expr[];
}
/** A product of at least two factors: no nested products, the rational coefficient (if not 1) first. */
export interface Mul extends NodeBase {
  readonly kind: 'mul';
  readonly factors: readonly Expr[];
}
export interface Pow extends NodeBase {
  readonly kind: 'pow';
  readonly base: Expr;
  readonly exp: Expr;
}
/** A call of a function of the function table. */
export interface Call extends NodeBase {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly Expr[];
}
export type Expr = Num | Sym | Add | Mul | Pow | Call;
