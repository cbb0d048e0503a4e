/**
 * Symbolic differentiation. Sums, products and powers by the usual rules; calls by the rules of
 * the function table, instantiated with the symbolic algebra. Shared subtrees are differentiated
 * once (memoised per call), and the result is canonical because it is built by smart constructors.
 */
import type { Algebra } from './algebra';
import { FisherError } from './errors';
import { E, EULER_GAMMA, PI, ZERO, ONE, add, call, children, div, mul, neg, num, pow, sub, symbols, type Expr } from './expr';
import { lookupFunction } from './functions';

/** The algebra of expressions: derivative rules instantiate to expression trees. */
export const symbolic: Algebra<Expr> = {
  num: (n, d = 1) => num(n, d),
  constant: (name) => (name === 'pi' ? PI : name === 'e' ? E : EULER_GAMMA),
  add: (a, b) => add(a, b),
  sub,
  mul: (a, b) => mul(a, b),
  div,
  neg,
  pow,
  call: (fn, args) => call(fn, args),
};

/**
 * Options of symbolic differentiation: its budget.
 *
 * @example
 * diff(parseExpr('exp(x^2)'), 'x', { maxNodes: 1000 }); // → 2*x*exp(x^2)
 * diff(parseExpr('exp(x^2)'), 'x', { maxNodes: 2 }); // → throws FisherError (too-large): the derivative with respect to x grew past 2 nodes
 */
export interface DiffOptions {
  /** Stop with a "too large" error past this many distinct result nodes (default 200000). */
  readonly maxNodes?: number;
}

/**
 * The symbolic derivative ∂e/∂name, by the chain rule with the function table's rules, in
 * canonical form but not simplified (see {@link simplify}). Shared subexpressions are derived once.
 *
 * @param name - The symbol to differentiate by (other symbols are constants).
 * @throws {@link FisherError} `too-large` past `maxNodes` result nodes; `unknown-function` for a
 *   call of a function not in the table; `not-differentiable` where an integer-only argument
 *   (polygamma's order) depends on `name`.
 * @example
 * diff(parseExpr('x^2*log(x)'), 'x'); // → x + 2*x*log(x)
 * diff(parseExpr('lgamma(a)*x'), 'a'); // → x*digamma(a)
 * diff(call('polygamma', [sym('k'), sym('x')]), 'k'); // → throws FisherError (not-differentiable): polygamma is not differentiable in its argument 1, which depends on k (it must be a whole number)
 */
export function diff(e: Expr, name: string, options: DiffOptions = {}): Expr {
  const maxNodes = options.maxNodes ?? 200_000;
  const memo = new Map<Expr, Expr>();
  const dependsMemo = new Map<Expr, boolean>();
  const depends = (x: Expr): boolean => {
    let r = dependsMemo.get(x);
    if (r === undefined) {
      r = x.kind === 'sym' ? x.name === name : x.kind === 'num' ? false : symbols(x).has(name);
      dependsMemo.set(x, r);
    }
    return r;
  };
  // Iterative post-order so that long sums and deep trees cannot overflow the stack.
  const stack: Array<[Expr, boolean]> = [[e, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (memo.has(node)) continue;
    if (!depends(node)) {
      memo.set(node, ZERO);
      continue;
    }
    if (!expanded) {
      stack.push([node, true]);
      for (const k of children(node)) if (!memo.has(k)) stack.push([k, false]);
      continue;
    }
    const d = (x: Expr): Expr => memo.get(x)!;
    memo.set(node, derivative(node, d, name));
    if (memo.size > maxNodes) {
      throw new FisherError('too-large', `the derivative with respect to ${name} grew past ${maxNodes} nodes`);
    }
  }
  return memo.get(e)!;
}

function derivative(node: Expr, d: (x: Expr) => Expr, name: string): Expr {
  switch (node.kind) {
    case 'num':
      return ZERO;
    case 'sym':
      return node.name === name ? ONE : ZERO;
    case 'add':
      return add(...node.terms.map(d));
    case 'mul': {
      // Product rule: Σ_i f_i' Π_{j≠i} f_j
      const fs = node.factors;
      const terms: Expr[] = [];
      for (let i = 0; i < fs.length; i++) {
        const di = d(fs[i]!);
        if (di === ZERO) continue;
        terms.push(mul(di, ...fs.filter((_, j) => j !== i)));
      }
      return add(...terms);
    }
    case 'pow': {
      const { base, exp } = node;
      const db = d(base);
      const de = d(exp);
      // (b^c)' = c b^(c−1) b'   (c constant)
      if (de === ZERO) return mul(exp, pow(base, sub(exp, ONE)), db);
      // (a^e)' = a^e log(a) e'   (a constant)
      if (db === ZERO) return mul(node, call('log', [base]), de);
      // (b^e)' = b^e (e' log b + e b'/b)
      return mul(node, add(mul(de, call('log', [base])), mul(exp, db, pow(base, num(-1)))));
    }
    case 'call': {
      const def = lookupFunction(node.fn);
      if (def === undefined) throw new FisherError('unknown-function', `unknown function ${node.fn}`);
      const terms: Expr[] = [];
      node.args.forEach((a, i) => {
        const da = d(a);
        if (da === ZERO) return;
        const rule = def.d[i];
        if (rule === null || rule === undefined) {
          throw new FisherError(
            'not-differentiable',
            `${node.fn} is not differentiable in its argument ${i + 1}, which depends on ${name} (it must be a whole number)`,
          );
        }
        terms.push(mul(rule(symbolic, node.args), da));
      });
      return add(...terms);
    }
  }
}

/**
 * The gradient of e with respect to the named symbols, in their order (not simplified).
 *
 * @throws {@link FisherError} as {@link diff}.
 * @example
 * gradient(parseExpr('a*x^2 + b*x'), ['a', 'b']); // → [x^2, x]
 */
export const gradient = (e: Expr, names: readonly string[], options?: DiffOptions): Expr[] =>
  names.map((n) => diff(e, n, options));

/**
 * The Hessian of e: the symmetric matrix of second derivatives in the named symbols, each entry
 * derived once (not simplified).
 *
 * @throws {@link FisherError} as {@link diff}.
 * @example
 * hessianOf(parseExpr('a*b^2'), ['a', 'b']); // → [[0, 2*b], [2*b, 2*a]]
 */
export function hessianOf(e: Expr, names: readonly string[], options?: DiffOptions): Expr[][] {
  const g = gradient(e, names, options);
  const h: Expr[][] = names.map(() => []);
  for (let i = 0; i < names.length; i++) {
    for (let j = i; j < names.length; j++) {
      const v = diff(g[i]!, names[j]!, options);
      h[i]![j] = v;
      h[j]![i] = v;
    }
  }
  return h;
}
