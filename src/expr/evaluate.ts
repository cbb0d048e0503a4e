/**
 * Numeric evaluation of expressions at a point, with the function table's kernels.
 * Values outside a function's domain come out NaN; nothing here throws on numbers.
 */
import type { Algebra } from './algebra';
import { NAMED_CONSTANTS, children, type Expr } from './expr';
import { FUNCTIONS } from './functions';
import { qtoNumber } from './rational';

/** The algebra of numbers: derivative rules instantiate to numeric values. */
export const numeric: Algebra<number> = {
  num: (n, d = 1) => n / d,
  constant: (name) => NAMED_CONSTANTS.get(name)!,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  pow: (a, b) => Math.pow(a, b),
  call: (fn, args) => FUNCTIONS.get(fn)!.eval(...args),
};

export type Env = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

const lookup = (env: Env, name: string): number | undefined =>
  env instanceof Map ? env.get(name) : (env as Record<string, number>)[name];

/**
 * Evaluate `e` with the symbols bound by `env` (and pi, e, euler_gamma).
 * @throws RangeError naming the first unbound symbol.
 */
export function evaluate(e: Expr, env: Env): number {
  const memo = new Map<Expr, number>();
  const stack: Array<[Expr, boolean]> = [[e, false]];
  while (stack.length > 0) {
    const [node, expanded] = stack.pop()!;
    if (memo.has(node)) continue;
    const kids = children(node);
    if (!expanded && kids.length > 0) {
      stack.push([node, true]);
      for (const k of kids) if (!memo.has(k)) stack.push([k, false]);
      continue;
    }
    memo.set(node, evalNode(node, (x) => memo.get(x)!, env));
  }
  return memo.get(e)!;
}

function evalNode(node: Expr, v: (x: Expr) => number, env: Env): number {
  switch (node.kind) {
    case 'num':
      return qtoNumber(node.value);
    case 'sym': {
      const x = lookup(env, node.name) ?? NAMED_CONSTANTS.get(node.name);
      if (x === undefined) throw new RangeError(`no value for ${node.name}`);
      return x;
    }
    case 'add': {
      let s = 0;
      for (const t of node.terms) s += v(t);
      return s;
    }
    case 'mul': {
      let p = 1;
      for (const f of node.factors) p *= v(f);
      return p;
    }
    case 'pow': {
      const b = v(node.base);
      const ex = node.exp;
      // An odd root of a negative number is real: (-8)^(1/3) = -2.
      if (b < 0 && ex.kind === 'num' && ex.value.d % 2n === 1n && ex.value.d !== 1n) {
        const r = Math.pow(-b, qtoNumber(ex.value));
        return ex.value.n % 2n === 0n ? r : -r;
      }
      return Math.pow(b, v(ex));
    }
    case 'call': {
      const def = FUNCTIONS.get(node.fn)!;
      return def.eval(...node.args.map(v));
    }
  }
}
