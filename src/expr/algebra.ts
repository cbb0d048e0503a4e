/**
 * A small algebra interface: derivative rules in the function table are written once against it,
 * and every mode instantiates it — symbolic (T = Expr), numeric (T = number), tagged dual numbers
 * (src/ad/forward.ts) and the reverse-mode tape's compiled partials (src/ad/kernels.ts).
 *
 * @typeParam T - The values: expressions, numbers, dual numbers, ...
 * @example
 * // A derivative rule of the table, evaluated over numbers and over expressions.
 * const rule = FUNCTIONS.get('sigmoid').d[0];
 * rule(forwardAlgebra, [0]); // → 0.25
 * const symbolic = { num: (n, d = 1) => num(n, d), constant: sym, add, sub, mul, div, neg, pow, call };
 * rule(symbolic, [sym('t')]); // → (1 - sigmoid(t))*sigmoid(t)
 */
export interface Algebra<T> {
  /** The rational n/d (integers). */
  num(n: number, d?: number): T;
  /** A named constant: pi, e, euler_gamma. */
  constant(name: 'pi' | 'e' | 'euler_gamma'): T;
  /** a + b. */
  add(a: T, b: T): T;
  /** a − b. */
  sub(a: T, b: T): T;
  /** a·b. */
  mul(a: T, b: T): T;
  /** a / b. */
  div(a: T, b: T): T;
  /** −a. */
  neg(a: T): T;
  /** a^b. */
  pow(a: T, b: T): T;
  /** A call of a function of the table. */
  call(fn: string, args: readonly T[]): T;
}
