/**
 * Rung 1 of the method ladder, linearity of expectation: write an expression as
 * Σ_k c_k(θ) · m_k(x), where each atom m_k carries all of the dependence on the data and each
 * coefficient c_k none of it. Sums containing data are expanded (x − μ)² = x² − 2μx + μ², so that
 * the same atom is recognised wherever it appears; anything else that depends on the data
 * (log x, 1/(1 + z²), sign(x − μ)) is an atom as a whole.
 */
import { FisherError } from '../expr/errors';
import { ONE, add, dependsOn, mul, type Expr } from '../expr/expr';

/** atom -> coefficient; the atom ONE holds the data-free part. */
export type Linear = Map<Expr, Expr>;

export interface LinearizeOptions {
  /** Give up (throw too-large) past this many terms (default 5000). */
  readonly maxTerms?: number;
  /** Expand integer powers of sums up to this exponent (default 12). */
  readonly maxPower?: number;
}

/**
 * Split `e` into data atoms and their coefficients.
 * @example linearize(parseExpr('(x - mu)^2/sigma^2'), ['x']) // {x^2: 1/sigma^2, x: -2*mu/sigma^2, 1: mu^2/sigma^2}
 */
export function linearize(e: Expr, data: readonly string[], options: LinearizeOptions = {}): Linear {
  const maxTerms = options.maxTerms ?? 5000;
  const maxPower = options.maxPower ?? 12;
  const hasData = (x: Expr): boolean => data.some((d) => dependsOn(x, d));
  const memo = new Map<Expr, Array<[Expr, Expr]>>();

  // Terms as [coefficient, atom] pairs, not yet collected.
  const terms = (x: Expr): Array<[Expr, Expr]> => {
    const hit = memo.get(x);
    if (hit !== undefined) return hit;
    let r: Array<[Expr, Expr]>;
    if (!hasData(x)) r = [[x, ONE]];
    else if (x.kind === 'add') r = x.terms.flatMap(terms);
    else if (x.kind === 'mul') {
      r = [[ONE, ONE]];
      for (const f of x.factors) {
        const ft = terms(f);
        const next: Array<[Expr, Expr]> = [];
        for (const [c1, a1] of r) for (const [c2, a2] of ft) next.push([mul(c1, c2), mul(a1, a2)]);
        if (next.length > maxTerms) throw new FisherError('too-large', `expanding the expectation produced more than ${maxTerms} terms`);
        r = next;
      }
    } else if (x.kind === 'pow' && x.base.kind === 'add' && x.exp.kind === 'num' && x.exp.value.d === 1n && x.exp.value.n > 1n && x.exp.value.n <= BigInt(maxPower)) {
      const base = terms(x.base);
      r = [[ONE, ONE]];
      for (let i = 0n; i < x.exp.value.n; i++) {
        const next: Array<[Expr, Expr]> = [];
        for (const [c1, a1] of r) for (const [c2, a2] of base) next.push([mul(c1, c2), mul(a1, a2)]);
        if (next.length > maxTerms) throw new FisherError('too-large', `expanding the expectation produced more than ${maxTerms} terms`);
        r = collectPairs(next);
      }
    } else r = [[ONE, x]];
    memo.set(x, r);
    return r;
  };

  const out: Linear = new Map();
  for (const [c, a] of collectPairs(terms(e))) out.set(a, c);
  return out;
}

/** Collect equal atoms: Σ c_i a = (Σ c_i) a. */
function collectPairs(pairs: Array<[Expr, Expr]>): Array<[Expr, Expr]> {
  const m = new Map<Expr, Expr[]>();
  for (const [c, a] of pairs) {
    const l = m.get(a);
    if (l === undefined) m.set(a, [c]);
    else l.push(c);
  }
  const out: Array<[Expr, Expr]> = [];
  for (const [a, cs] of m) {
    const c = add(...cs);
    if (c.kind === 'num' && c.value.n === 0n) continue;
    out.push([c, a]);
  }
  return out;
}

/** Σ c_k · values(m_k), or undefined when an atom has no value. */
export function combine(lin: Linear, value: (atom: Expr) => Expr | undefined): Expr | undefined {
  const parts: Expr[] = [];
  for (const [atom, c] of lin) {
    const v = atom === ONE ? ONE : value(atom);
    if (v === undefined) return undefined;
    parts.push(mul(c, v));
  }
  return add(...parts);
}

