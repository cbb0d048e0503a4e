/**
 * The expression DAG in evaluation order, for the AD modes. Expressions are interned, so a shared
 * subexpression is one node and appears once; the walk uses an explicit stack (no recursion, and
 * no argument spreading), so a sum of 10^6 terms or a nesting 10^6 deep is fine.
 */
import { children, type Expr } from '../expr/expr';

/** The distinct nodes in evaluation order, each node's position, and its children's positions. */
export interface Schedule {
  /** Children before parents, each node once. */
  readonly order: readonly Expr[];
  /** Position of every node in `order`. */
  readonly index: ReadonlyMap<Expr, number>;
  /** Children of order[i] are at positions kids[kidStart[i]] .. kids[kidStart[i + 1] - 1]. */
  readonly kidStart: Int32Array;
  readonly kids: Int32Array;
}

const PENDING = -1;

/**
 * Schedule the DAG of `roots`: see `Schedule`.
 * @example schedule([parseExpr('x*y + x')]).order // [x, y, x*y, x*y + x]
 */
export function schedule(roots: readonly Expr[]): Schedule {
  const order: Expr[] = [];
  const index = new Map<Expr, number>();
  const stack: Expr[] = [];
  let kidCount = 0;
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
  while (stack.length > 0) {
    const n = stack[stack.length - 1]!;
    const s = index.get(n);
    if (s === PENDING) {
      index.set(n, order.length);
      order.push(n);
    }
    if (s !== undefined) {
      stack.pop();
      continue;
    }
    index.set(n, PENDING);
    const ks = children(n);
    kidCount += ks.length;
    for (let i = ks.length - 1; i >= 0; i--) if (!index.has(ks[i]!)) stack.push(ks[i]!);
  }
  const kidStart = new Int32Array(order.length + 1);
  const kids = new Int32Array(kidCount);
  let k = 0;
  for (let i = 0; i < order.length; i++) {
    kidStart[i] = k;
    for (const c of children(order[i]!)) kids[k++] = index.get(c)!;
  }
  kidStart[order.length] = k;
  return { order, index, kidStart, kids };
}

/**
 * The distinct nodes of `roots`, children before parents, each once.
 * @example topologicalOrder([parseExpr('x*y + x')]) // [x, y, x*y, x*y + x]
 */
export const topologicalOrder = (roots: readonly Expr[]): Expr[] => [...schedule(roots).order];
