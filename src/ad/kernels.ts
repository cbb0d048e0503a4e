/**
 * Numeric kernels of the function table for the reverse-mode tape: a function's value, its
 * partial derivatives ∂_i f and second partials ∂_i ∂_j f as plain functions of the argument
 * values. They are derived from the table and nothing else: rule i is instantiated with the
 * symbolic algebra at placeholder arguments (u0, u1, …), its own partials by `diff` (which uses
 * the same rules again), and each expression is compiled once (`compileFunction`). A sweep then
 * calls `d[i](a0, a1)` — no argument arrays, no closures built per point, no allocation.
 */
import { compileFunction } from '../expr/compile';
import { diff, symbolic } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { sym, type Expr } from '../expr/expr';
import { FUNCTIONS, type FunctionDef } from '../expr/functions';

type Fn = (...a: number[]) => number;

export interface CallKernels {
  readonly def: FunctionDef;
  /** f(a0, …). */
  readonly value: Fn;
  /** ∂f/∂a_i, null for an index argument (polygamma's order). */
  readonly d: ReadonlyArray<Fn | null>;
  /** ∂²f/∂a_i∂a_j, null where i or j is an index argument. */
  readonly d2: ReadonlyArray<ReadonlyArray<Fn | null>>;
}

const cache = new Map<string, CallKernels>();

/**
 * The kernels of one function of the table (built on first use, then shared).
 * @example callKernels('lgamma').d[0]!(3) // digamma(3) = 0.9227843350984671
 */
export function callKernels(fn: string): CallKernels {
  const hit = cache.get(fn);
  if (hit !== undefined) return hit;
  const def = FUNCTIONS.get(fn);
  if (def === undefined) throw new FisherError('unknown-function', `unknown function ${fn}`);
  const names = Array.from({ length: def.arity }, (_, i) => `u${i}`);
  const args = names.map((n) => sym(n));
  const isIndex = (i: number): boolean => def.d[i] === null || def.d[i] === undefined;
  const partials: Array<Expr | null> = def.d.map((rule) => (rule === null || rule === undefined ? null : rule(symbolic, args)));
  const compiled = (e: Expr | null): Fn | null => (e === null ? null : compileFunction(e, names));
  const kernels: CallKernels = {
    def,
    value: def.eval,
    d: partials.map(compiled),
    d2: partials.map((p, i) => names.map((n, j) => (p === null || isIndex(i) || isIndex(j) ? null : compiled(diff(p, n))))),
  };
  cache.set(fn, kernels);
  return kernels;
}
