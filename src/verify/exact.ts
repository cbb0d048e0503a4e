/**
 * Exact evaluation of rational expressions at rational points: sums, products, whole powers and
 * exact roots of rationals, in bigint arithmetic. A claim and the engine's closed form that are
 * both rational are compared this way, so no rounding error can decide between them.
 */
import type { Expr } from '../expr/expr';
import { bigRoot, qadd, qmul, qpowInt, rat, type Rational } from '../expr/rational';

/** Why an expression has no exact value at a point. */
export type Inexact = 'not rational' | 'division by zero';

/**
 * The exact value of `e` where every symbol is bound to a rational; otherwise why not (a
 * function call, an irrational root, an unbound symbol such as pi, or a zero denominator).
 * @example exactValue(parseExpr('n/(theta*(1-theta))'), new Map([['n', rat(10)], ['theta', rat(3, 10)]])) // {n: 1000n, d: 21n}
 */
export function exactValue(e: Expr, env: ReadonlyMap<string, Rational>): Rational | Inexact {
  const memo = new Map<Expr, Rational | Inexact>();
  const go = (x: Expr): Rational | Inexact => {
    const hit = memo.get(x);
    if (hit !== undefined) return hit;
    let r: Rational | Inexact;
    switch (x.kind) {
      case 'num':
        r = x.value;
        break;
      case 'sym':
        r = env.get(x.name) ?? 'not rational';
        break;
      case 'add':
      case 'mul': {
        const parts = (x.kind === 'add' ? x.terms : x.factors).map(go);
        const bad = parts.find((p): p is Inexact => typeof p === 'string');
        r = bad ?? (parts as Rational[]).reduce(x.kind === 'add' ? qadd : qmul);
        break;
      }
      case 'pow':
        r = power(go(x.base), go(x.exp));
        break;
      case 'call':
        r = 'not rational';
        break;
    }
    memo.set(x, r);
    return r;
  };
  return go(e);
}

function power(b: Rational | Inexact, e: Rational | Inexact): Rational | Inexact {
  if (typeof b === 'string') return b;
  if (typeof e === 'string') return e;
  if (b.n === 0n) return e.n > 0n ? rat(0) : e.n === 0n ? rat(1) : 'division by zero';
  // Keep the numbers small enough to stay exact in reasonable time.
  if (e.n > 4096n || e.n < -4096n) return 'not rational';
  if (e.d === 1n) return qpowInt(b, e.n);
  if (b.n < 0n) return 'not rational';
  const rn = bigRoot(b.n, e.d);
  const rd = bigRoot(b.d, e.d);
  if (rn === undefined || rd === undefined) return 'not rational';
  return qpowInt(rat(rn, rd), e.n);
}
