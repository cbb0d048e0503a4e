/**
 * The range of an expression by interval arithmetic, given intervals for its symbols: the sign
 * reasoning behind domain checks and domain-aware simplification.
 */
import { NAMED_CONSTANTS, type Expr } from './expr';
import { FUNCTIONS } from './functions';
import { REAL, ivAdd, ivMonotone, ivMul, ivPowInt, ivPowReal, isPositive, iv, point, POSITIVE, type Interval } from './interval';
import { qtoNumber } from './rational';

/**
 * The interval each symbol lies in, by name; undefined for a symbol with no assumption (real).
 * {@link modelRanges} gives a model's (its declared domains and supports).
 *
 * @example
 * const ranges = modelRanges(parse('x ~ Beta(a, b)'));
 * [ranges('x'), ranges('a'), ranges('y')]; // → [{ lo: 0, hi: 1, loOpen: true, hiOpen: true }, { lo: 0, hi: Infinity, loOpen: true, hiOpen: true }, undefined]
 */
export type SymbolRanges = (name: string) => Interval | undefined;

/**
 * An interval holding every value of `e` when each symbol lies in its interval (unknown: real),
 * by interval arithmetic with the function table's ranges: the sign reasoning behind domain checks
 * and {@link simplify}. The interval may be wider than the true range, never narrower.
 *
 * @param ranges - The intervals of the symbols.
 * @param memo - A cache of results by node, shared between calls with the same `ranges`.
 * @example
 * const ranges = modelRanges(parse('x ~ Gamma(k, theta)'));
 * rangeOf(parseExpr('k*theta^2 + 1'), ranges); // → { lo: 1, hi: Infinity, loOpen: true, hiOpen: true }
 * rangeOf(parseExpr('sigmoid(x) - 1'), ranges); // → { lo: -0.5, hi: 0, loOpen: true, hiOpen: true }
 */
export function rangeOf(e: Expr, ranges: SymbolRanges, memo: Map<Expr, Interval> = new Map()): Interval {
  const hit = memo.get(e);
  if (hit !== undefined) return hit;
  const r = compute(e, ranges, memo);
  memo.set(e, r);
  return r;
}

function compute(e: Expr, ranges: SymbolRanges, memo: Map<Expr, Interval>): Interval {
  const of = (x: Expr): Interval => rangeOf(x, ranges, memo);
  switch (e.kind) {
    case 'num':
      return point(qtoNumber(e.value));
    case 'sym': {
      const c = NAMED_CONSTANTS.get(e.name);
      if (c !== undefined && e.name !== 'inf') return point(c);
      return ranges(e.name) ?? REAL;
    }
    case 'add':
      return e.terms.map(of).reduce(ivAdd);
    case 'mul':
      return e.factors.map(of).reduce(ivMul);
    case 'pow': {
      const b = of(e.base);
      // 0^x with x a whole number is the indicator [x = 0].
      if (e.base.kind === 'num' && e.base.value.n === 0n) return iv(0, 1);
      if (e.exp.kind === 'num') {
        const { n, d } = e.exp.value;
        // An odd root is real and increasing on the whole line: x^(n/d) = (x^(1/d))^n, d odd.
        if (d !== 1n && d % 2n === 1n && b.lo < 0) {
          const root = (x: number): number => Math.sign(x) * Math.abs(x) ** (1 / Number(d));
          return ivPowInt(ivMonotone(b, root, true), Number(n));
        }
        return ivPowReal(b, point(qtoNumber(e.exp.value)));
      }
      if (isPositive(b)) return POSITIVE;
      return REAL;
    }
    case 'call': {
      const def = FUNCTIONS.get(e.fn);
      return def?.range?.(e.args.map(of)) ?? REAL;
    }
  }
}
