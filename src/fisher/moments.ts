/**
 * Closed-form expectations of data atoms: E_θ[m(x)] for the functions m of the data that appear
 * linearly in a log-density (x, x^2, log x, lgamma(x + 1), ...). The ladder's rungs 2 and 2b:
 *
 * - the score identity E_θ[∂ℓ/∂θ_i] = 0, linearised over data atoms, is a linear system whose
 *   determined unknowns are E[atom] (an exponential family's E[T] = ∇A, in any parameterisation);
 * - failing that, a curved exponential family's full family gives E[T] and E[T Tᵀ] through its
 *   log-partition.
 *
 * The Fisher matrix (fisher.ts), KL divergences and derivations all take their expectations here,
 * so that every consumer names the same facts ("E[x] = n*theta, by the score identity").
 */
import { FisherError } from '../expr/errors';
import { ONE, ZERO, mul, num, type Expr } from '../expr/expr';
import type { SymbolRanges } from '../expr/range';
import { rationalForm } from '../expr/rationalform';
import { simplify } from '../expr/simplify';
import type { Model } from '../lang/model';
import { score } from './derivatives';
import { exponentialFamilyMoments } from './expfamily';
import { combine, linearize, type Linear } from './linearize';
import { solveDetermined } from './linsolve';
import { vanishesAt } from './points';

/**
 * How an atom's expectation was found: the score identity, or the log-partition of a full family.
 *
 * @example
 * fisher(parse('x ~ Poisson(lam)')).trace.entries[0].facts.map((f) => f.source); // → ['score identity']
 */
export type MomentSource = 'score identity' | `log-partition (${string} family)`;

export interface DataMoments {
  /** E_θ[atom], where derived. */
  readonly value: (atom: Expr) => Expr | undefined;
  /** Which rung gave E_θ[atom]. */
  readonly source: (atom: Expr) => MomentSource | undefined;
  /** Every atom with a known expectation, in the order found. */
  readonly known: ReadonlyMap<Expr, { value: Expr; source: MomentSource }>;
  /** E_θ[e] for e = Σ c_k(θ) m_k(x), when every atom's expectation is known; and the rung used. */
  readonly expect: (lin: Linear) => { value: Expr; source: MomentSource } | undefined;
}

export interface MomentOptions {
  readonly ranges: SymbolRanges;
  /** Parameter points deciding which pivots vanish (see `parameterPoints`). */
  readonly points: ReadonlyArray<ReadonlyMap<string, number>>;
  /** Continuous data: derivatives of abs/sign terms hold almost everywhere. */
  readonly almostEverywhere?: (e: Expr) => Expr;
}

const minusOne: Expr = /* @__PURE__ */ num(-1);

/**
 * Solve for the expectations of the data atoms of `wanted` (and of the score): the score identity
 * first, the log-partition of a recognised full family for the atoms it leaves open.
 * @example
 * const m = parse('x ~ Binomial(10, theta)');
 * dataMoments(m, [linearize(sym('x'), ['x'])], opts).value(sym('x')) // 10*theta
 */
export function dataMoments(m: Model, wanted: readonly Linear[], options: MomentOptions): DataMoments {
  const data = m.data.map((d) => d.name);
  const isZero = (e: Expr): boolean => e === ZERO || vanishesAt(e, options.points);
  // Pivot arithmetic stays small as one cancelled fraction; consumers tidy the results once.
  const t = (e: Expr): Expr => rationalForm(e) ?? simplify(e, { ranges: options.ranges });
  const known = new Map<Expr, { value: Expr; source: MomentSource }>();
  const ae = options.almostEverywhere ?? ((e: Expr) => e);
  try {
    const scoreLin = score(m).map((e) => linearize(ae(e), data));
    const unknowns = new Set<Expr>();
    for (const l of [...scoreLin, ...wanted]) for (const a of l.keys()) if (a !== ONE) unknowns.add(a);
    const sys = {
      rows: scoreLin.map((l) => new Map([...l].filter(([a]) => a !== ONE))),
      rhs: scoreLin.map((l) => mul(minusOne, l.get(ONE) ?? ZERO)),
    };
    for (const [a, v] of solveDetermined(sys, [...unknowns], isZero, t)) known.set(a, { value: v, source: 'score identity' });
  } catch (e) {
    if (!(e instanceof FisherError)) throw e;
  }
  // The log-partition is consulted only when some wanted atom is still open (it costs a recognition).
  const open = wanted.some((l) => [...l.keys()].some((a) => a !== ONE && !known.has(a)));
  if (open) {
    try {
      const ef = exponentialFamilyMoments(m, options.ranges, options.points);
      if (ef !== undefined) {
        const source: MomentSource = `log-partition (${ef.family} family)`;
        for (const [a, v] of ef.moments) if (!known.has(a)) known.set(a, { value: v, source });
      }
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
    }
  }
  const value = (a: Expr): Expr | undefined => known.get(a)?.value;
  return {
    value,
    source: (a) => known.get(a)?.source,
    known,
    expect: (lin) => {
      const v = combine(lin, value);
      if (v === undefined) return undefined;
      const partition = [...lin.keys()].map((a) => known.get(a)?.source).find((s) => s !== undefined && s !== 'score identity');
      return { value: v, source: partition ?? 'score identity' };
    },
  };
}
