/**
 * fast-check arbitraries for expressions built with the smart constructors, shared by the
 * expression, LaTeX and parser tests.
 */
import fc from 'fast-check';
import { add, call, div, mul, num, pow, sub, subexpressions, sym, type Expr } from '../../src/expr/expr';
import { FUNCTIONS } from '../../src/expr/functions';

/** The free symbols of random expressions. */
export const SYMBOLS = ['a', 'b', 'x', 'mu', 'sigma', 'theta2'] as const;

/** A symbol, mostly the free symbols, sometimes a named constant (pi, e). */
export const symbolArb: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...SYMBOLS).map((s) => sym(s)) },
  { weight: 1, arbitrary: fc.constantFrom('pi', 'e').map((s) => sym(s)) },
);

/** Small integers, including negatives and zero. */
export const intArb: fc.Arbitrary<Expr> = fc.integer({ min: -6, max: 6 }).map((n) => num(n));

/** Small rationals n/d with d > 1 (may reduce to an integer). */
export const ratArb: fc.Arbitrary<Expr> = fc
  .tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 2, max: 7 }))
  .map(([n, d]) => num(n, d));

export const leafArb: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 6, arbitrary: symbolArb },
  { weight: 3, arbitrary: intArb },
  { weight: 2, arbitrary: ratArb },
);

/** Integer exponents -4..4 and rational exponents such as 1/2, -1/2, 2/3, -3/2. */
const intExpArb = fc.integer({ min: -4, max: 4 }).map((n) => num(n));
const ratExpArb = fc
  .tuple(fc.integer({ min: -5, max: 5 }), fc.constantFrom(2, 3, 4))
  .map(([n, d]) => num(n, d));

const FUNCTION_DEFS = [...FUNCTIONS.values()];

export interface ExprArbOptions {
  /** Maximal nesting depth (default 4). */
  readonly maxDepth?: number;
  /** Keep divisions by zero, 0^(-k) (default false: the parser rejects them, evaluation gives inf). */
  readonly allowDivisionByZero?: boolean;
}

/** Does e contain 0 to a power that is not a positive number (1/0, 0^(-1/3), 0^x)? */
export function hasZeroPower(e: Expr): boolean {
  for (const n of subexpressions(e)) if (n.kind === 'pow' && n.base.kind === 'num' && n.base.value.n === 0n) return true;
  return false;
}

/**
 * Random expressions from the smart constructors: symbols, small integers and rationals,
 * add/mul/sub/div, powers with integer, rational and symbolic exponents, and calls of every
 * function of the table with the right arity (polygamma's order a whole number 0..4).
 */
export function exprArb(options: ExprArbOptions = {}): fc.Arbitrary<Expr> {
  const maxDepth = options.maxDepth ?? 4;
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
    const sub_ = tie('expr');
    const callArb = fc.constantFrom(...FUNCTION_DEFS).chain((def) => {
      const argArbs = Array.from({ length: def.arity }, (_, i) =>
        def.integerArgs?.includes(i) ? fc.integer({ min: 0, max: 4 }).map((k) => num(k)) : sub_,
      );
      return fc.tuple(...argArbs).map((args) => call(def.name, args));
    });
    return {
      expr: fc.oneof(
        { depthSize: 'small', maxDepth, withCrossShrink: true },
        { weight: 4, arbitrary: leafArb },
        { weight: 2, arbitrary: fc.tuple(sub_, sub_).map(([a, b]) => add(a, b)) },
        { weight: 2, arbitrary: fc.tuple(sub_, sub_).map(([a, b]) => mul(a, b)) },
        { weight: 1, arbitrary: fc.tuple(sub_, sub_).map(([a, b]) => sub(a, b)) },
        { weight: 1, arbitrary: fc.tuple(sub_, sub_).map(([a, b]) => div(a, b)) },
        { weight: 1, arbitrary: fc.tuple(sub_, intExpArb).map(([a, k]) => pow(a, k)) },
        { weight: 1, arbitrary: fc.tuple(sub_, ratExpArb).map(([a, k]) => pow(a, k)) },
        { weight: 1, arbitrary: fc.tuple(sub_, sub_).map(([a, k]) => pow(a, k)) },
        { weight: 2, arbitrary: callArb },
      ),
    };
  });
  return options.allowDivisionByZero === true ? expr : expr.filter((e) => !hasZeroPower(e));
}

/**
 * A value for a symbol: a generic point in [min, max] (no exact zeros, integers or denormals,
 * where poles and 0*inf turn a finite expression into NaN or infinity).
 */
export const valueArb = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: Math.ceil(min * 1000), max: Math.floor(max * 1000) - 1 }).map((k) => (k + 0.371) / 1000);

/** Values for all the free symbols, each in [-3, 3] unless `ranges` narrows it. */
export function pointArb(ranges: Partial<Record<(typeof SYMBOLS)[number], [number, number]>> = {}): fc.Arbitrary<Record<(typeof SYMBOLS)[number], number>> {
  const entries = SYMBOLS.map((s) => {
    const [lo, hi] = ranges[s] ?? [-3, 3];
    return [s, valueArb(lo, hi)] as const;
  });
  return fc.record(Object.fromEntries(entries) as Record<(typeof SYMBOLS)[number], fc.Arbitrary<number>>);
}

/** The free (non-constant) symbols of the random expressions. */
export const isFreeSymbol = (name: string): boolean => (SYMBOLS as readonly string[]).includes(name);
