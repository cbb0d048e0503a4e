/**
 * The expression DAG in evaluation order, for the AD modes. Expressions are interned, so a shared
 * subexpression is one node and appears once; the walk uses an explicit stack (no recursion, and
 * no argument spreading), so a sum of 10^6 terms or a nesting 10^6 deep is fine.
 */
import { children, type Expr } from '../expr/expr';

/**
 * The distinct nodes of `roots`, children before parents, each once.
 * @example topologicalOrder([parseExpr('x*y + x')]) // [x, y, x*y, x*y + x] (children first)
 */
export function topologicalOrder(roots: readonly Expr[]): Expr[] {
  const order: Expr[] = [];
  const state = new Map<Expr, 1 | 2>(); // 1: children pending, 2: placed
  const stack: Expr[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
  while (stack.length > 0) {
    const n = stack[stack.length - 1]!;
    const s = state.get(n);
    if (s === 2) {
      stack.pop();
      continue;
    }
    if (s === 1) {
      stack.pop();
      state.set(n, 2);
      order.push(n);
      continue;
    }
    state.set(n, 1);
    const kids = children(n);
    for (let i = kids.length - 1; i >= 0; i--) if (!state.has(kids[i]!)) stack.push(kids[i]!);
  }
  return order;
}
