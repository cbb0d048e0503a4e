/**
 * Small dense symmetric matrices: the eigen-decomposition by cyclic Jacobi rotations and the null
 * space it reveals (the directions of the parameters that a singular Fisher matrix cannot see).
 * Sizes are one row per parameter, so the O(n³) sweeps cost nothing; Jacobi is chosen for its
 * accuracy: it finds small eigenvalues to high relative accuracy of the matrix's norm, and its
 * eigenvectors are orthonormal to rounding even for repeated eigenvalues (a null space of
 * dimension 2 or more).
 */

/** Eigenvalues in increasing order and the matching orthonormal eigenvectors (`vectors[k]` goes with `values[k]`). */
export interface SymmetricEigen {
  readonly values: number[];
  readonly vectors: number[][];
}

/**
 * The eigen-decomposition A = V Λ Vᵀ of a small symmetric matrix (its symmetric part (A + Aᵀ)/2 is
 * used), by cyclic Jacobi rotations until the off-diagonal part is below rounding of ‖A‖.
 * @example symmetricEigen([[2, 1], [1, 2]]).values // [1, 3] (to rounding)
 */
export function symmetricEigen(a: readonly (readonly number[])[]): SymmetricEigen {
  const n = a.length;
  const m = a.map((r, i) => r.map((x, j) => (x + a[j]![i]!) / 2));
  const v: number[][] = a.map((_, i) => a.map((_, j) => (i === j ? 1 : 0)));
  let norm2 = 0;
  for (const r of m) for (const x of r) norm2 += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (!(off > 1e-34 * norm2)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (apq === 0) continue;
        // The rotation in the (p, q) plane that zeroes m[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k]![p]!;
          const akq = m[k]![q]!;
          m[k]![p] = c * akp - s * akq;
          m[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p]![k]!;
          const aqk = m[q]![k]!;
          m[p]![k] = c * apk - s * aqk;
          m[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = m.map((_, i) => i).sort((i, j) => m[i]![i]! - m[j]![j]!);
  return { values: order.map((i) => m[i]![i]!), vectors: order.map((i) => v.map((row) => row[i]!)) };
}

/**
 * A basis of unit vectors of the numerical null space of a symmetric matrix, from the eigenvectors whose
 * eigenvalue is at most `relTol` × ‖A‖ in absolute value, each checked to satisfy
 * ‖A v‖ ≤ `relTol` × ‖A‖. The basis is written in reduced row-echelon form and each vector scaled
 * to unit length with its first non-zero component positive, so that it does not depend on the
 * rotation Jacobi happened to end in: for A = [[1, 1, 1], ...] (the model a + b + c) the basis is
 * (1, 0, −1)/√2, (0, 1, −1)/√2. Empty for a non-singular matrix (or one with non-finite entries).
 * @example nullSpace([[1, 1], [1, 1]]) // [[0.7071067811865475, -0.7071067811865475]]
 */
export function nullSpace(a: readonly (readonly number[])[], relTol = 1e-9): number[][] {
  if (a.length === 0 || !a.every((r) => r.every(Number.isFinite))) return [];
  const { values, vectors } = symmetricEigen(a);
  const norm = Math.max(0, ...values.map(Math.abs));
  if (norm === 0) return a.map((_, i) => a.map((_, j) => (i === j ? 1 : 0)));
  const basis = vectors.filter((_, k) => Math.abs(values[k]!) <= relTol * norm);
  if (basis.length === 0) return [];
  return echelon(basis).filter((v) => residual(a, v) <= relTol * norm);
}

/** ‖A v‖ (Euclidean). */
export function residual(a: readonly (readonly number[])[], v: readonly number[]): number {
  return Math.hypot(...a.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0)));
}

/**
 * The rows of an orthonormal basis brought to reduced row-echelon form (Gauss–Jordan with
 * partial pivoting on the columns), then each row to unit length with a positive leading entry:
 * the same subspace, spanned by vectors that read well.
 */
function echelon(rows: readonly (readonly number[])[]): number[][] {
  const m = rows.map((r) => [...r]);
  const k = m.length;
  const n = m[0]?.length ?? 0;
  let row = 0;
  for (let c = 0; c < n && row < k; c++) {
    let p = row;
    for (let r = row + 1; r < k; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    // A column that the remaining rows barely touch is not a pivot (the rows are orthonormal, so a
    // pivot of an independent set is at least of order 1/√n).
    if (!(Math.abs(m[p]![c]!) > 1e-6)) continue;
    [m[row], m[p]] = [m[p]!, m[row]!];
    const pv = m[row]![c]!;
    for (let j = 0; j < n; j++) m[row]![j]! /= pv;
    for (let r = 0; r < k; r++) {
      if (r === row) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < n; j++) m[r]![j]! -= f * m[row]![j]!;
    }
    m[row]![c] = 1;
    for (let r = 0; r < k; r++) if (r !== row) m[r]![c] = 0;
    row++;
  }
  return m.slice(0, row).map((r) => {
    const len = Math.hypot(...r);
    const clean = r.map((x) => (Math.abs(x) <= 1e-12 * len ? 0 : x / len));
    const lead = clean.find((x) => x !== 0) ?? 1;
    return lead < 0 ? clean.map((x) => -x) : clean;
  });
}
