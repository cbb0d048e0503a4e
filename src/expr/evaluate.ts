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

/**
 * Values of symbols by name: a Map, or a plain object (`{ mu: 0, sigma: 1 }`); a vector's
 * components by their names (`'beta[2]'`).
 *
 * @example
 * evaluate(parseExpr('beta[1] + 2*beta[2]'), { 'beta[1]': 1, 'beta[2]': 3 }); // → 7
 */
export type Env = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

const lookup = (env: Env, name: string): number | undefined =>
  env instanceof Map ? env.get(name) : (env as Record<string, number>)[name];

/**
 * The value of `e` in double precision, with the symbols bound by `env` (and pi, e, euler_gamma
 * known). Outside a function's domain the value is NaN, as in floating point (log(−1) is NaN),
 * never an exception; shared subexpressions are evaluated once.
 *
 * @throws RangeError naming the first unbound symbol.
 * @example
 * evaluate(parseExpr('-(x - mu)^2/(2*sigma^2)'), { x: 1.3, mu: 0.3, sigma: 2 }); // → -0.125
 * evaluate(parseExpr('trigamma(k) + euler_gamma'), new Map([['k', 1]])); // → 2.2221497317497594
 * evaluate(parseExpr('log(x)'), { x: -1 }); // → NaN
 * evaluate(parseExpr('x + y'), { x: 1 }); // → throws RangeError: no value for y
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

/**
 * A fast numeric evaluator of `e`: the tree becomes nested closures over the function table's
 * kernels (no source text is generated, so no user text can reach JavaScript). Symbols are read
 * from `env` at each call, so one compiled function serves every point.
 * @example const f = compileClosure(parseExpr('x^2 + mu'), env); env.set('x', 3); f();
 */
export function compileClosure(e: Expr, env: Map<string, number>): () => number {
  const memo = new Map<Expr, () => number>();
  const build = (n: Expr): (() => number) => {
    const hit = memo.get(n);
    if (hit !== undefined) return hit;
    let f: () => number;
    switch (n.kind) {
      case 'num': {
        const v = qtoNumber(n.value);
        f = () => v;
        break;
      }
      case 'sym': {
        const name = n.name;
        const c = NAMED_CONSTANTS.get(name);
        f = c !== undefined && !env.has(name) ? () => c : () => {
          const v = env.get(name);
          if (v === undefined) throw new RangeError(`no value for ${name}`);
          return v;
        };
        break;
      }
      case 'add': {
        const ts = n.terms.map(build);
        f = () => {
          let s = 0;
          for (let i = 0; i < ts.length; i++) s += ts[i]!();
          return s;
        };
        break;
      }
      case 'mul': {
        const fs = n.factors.map(build);
        f = () => {
          let p = 1;
          for (let i = 0; i < fs.length; i++) p *= fs[i]!();
          return p;
        };
        break;
      }
      case 'pow': {
        const b = build(n.base);
        const ex = n.exp;
        if (ex.kind === 'num' && ex.value.d !== 1n && ex.value.d % 2n === 1n) {
          const q = qtoNumber(ex.value);
          const even = ex.value.n % 2n === 0n;
          f = () => {
            const v = b();
            if (v >= 0) return Math.pow(v, q);
            const r = Math.pow(-v, q);
            return even ? r : -r;
          };
        } else if (ex.kind === 'num' && ex.value.d === 1n && ex.value.n === 2n) {
          f = () => {
            const v = b();
            return v * v;
          };
        } else {
          const x = build(ex);
          f = () => Math.pow(b(), x());
        }
        break;
      }
      case 'call': {
        const k = FUNCTIONS.get(n.fn)!.eval;
        const args = n.args.map(build);
        if (args.length === 1) {
          const a = args[0]!;
          f = () => k(a());
        } else {
          f = () => k(...args.map((a) => a()));
        }
        break;
      }
    }
    memo.set(n, f);
    return f;
  };
  return build(e);
}
