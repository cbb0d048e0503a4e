/**
 * A small algebra interface: derivative rules in the function table are written once against it,
 * and every mode instantiates it — symbolic (T = Expr), numeric (T = number), tagged dual numbers
 * (src/ad/forward.ts) and the reverse-mode tape's compiled partials (src/ad/kernels.ts).
 */
export interface Algebra<T> {
  /** The rational n/d (integers). */
  num(n: number, d?: number): T;
  /** A named constant: pi, e, euler_gamma. */
  constant(name: 'pi' | 'e' | 'euler_gamma'): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  pow(a: T, b: T): T;
  /** A call of a function of the table. */
  call(fn: string, args: readonly T[]): T;
}
