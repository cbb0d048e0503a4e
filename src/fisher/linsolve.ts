/**
 * Small symbolic linear systems: the score identity E[∂ℓ/∂θ_i] = 0 written over data atoms is
 * Σ_k c_ik E[m_k] = −c_i0, solved for the E[m_k] it determines. Zero tests are symbolic and then
 * numeric at random points of the parameter domains, so that a coefficient that is zero but not
 * recognised as such is never used as a pivot.
 */
import { ZERO, add, div, mul, neg, size, type Expr } from '../expr/expr';

export interface LinearSystem {
  /** Rows: coefficient of each unknown (absent = 0). */
  readonly rows: ReadonlyArray<ReadonlyMap<Expr, Expr>>;
  /** Right-hand sides. */
  readonly rhs: readonly Expr[];
}

/**
 * Solve for the unknowns the system determines uniquely; the others are absent from the result.
 * `isZero` decides whether an expression vanishes identically; `tidy` simplifies.
 */
export function solveDetermined(
  sys: LinearSystem,
  unknowns: readonly Expr[],
  isZero: (e: Expr) => boolean,
  tidy: (e: Expr) => Expr,
): Map<Expr, Expr> {
  const rows = sys.rows.map((r, i) => ({ coef: new Map(r), rhs: sys.rhs[i]! }));
  const pivots: Array<{ row: (typeof rows)[number]; col: Expr }> = [];
  const used = new Set<number>();
  for (const col of unknowns) {
    // The pivot: the row with the shortest non-zero coefficient in this column.
    let best = -1;
    let bestLen = Infinity;
    rows.forEach((r, i) => {
      if (used.has(i)) return;
      const c = r.coef.get(col);
      if (c === undefined || isZero(c)) return;
      const l = size(c);
      if (l < bestLen) {
        best = i;
        bestLen = l;
      }
    });
    if (best < 0) continue;
    used.add(best);
    const p = rows[best]!;
    const pc = p.coef.get(col)!;
    // Normalise the pivot row, then eliminate the column from every other row.
    for (const [k, v] of p.coef) p.coef.set(k, tidy(div(v, pc)));
    p.rhs = tidy(div(p.rhs, pc));
    rows.forEach((r, i) => {
      if (i === best) return;
      const f = r.coef.get(col);
      if (f === undefined || isZero(f)) return;
      for (const [k, v] of p.coef) r.coef.set(k, tidy(add(r.coef.get(k) ?? ZERO, neg(mul(f, v)))));
      r.coef.delete(col);
      r.rhs = tidy(add(r.rhs, neg(mul(f, p.rhs))));
    });
    pivots.push({ row: p, col });
  }
  const out = new Map<Expr, Expr>();
  for (const { row, col } of pivots) {
    const others = [...row.coef].filter(([k, v]) => k !== col && !isZero(v));
    if (others.length === 0) out.set(col, row.rhs);
  }
  return out;
}
