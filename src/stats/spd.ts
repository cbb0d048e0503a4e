/**
 * Symmetric positive-definite matrices by their Cholesky factor: the test "is this information
 * matrix positive definite?", solves with it, and its inverse (the covariance of an estimate).
 * Small dense matrices (one row and column per parameter).
 */

/**
 * The lower-triangular Cholesky factor L of a symmetric matrix A = L Lᵀ, or `undefined` when A is
 * not (numerically) positive definite: a pivot that is not finite or falls to 1e-13 of A's
 * diagonal scale or below.
 * @example cholesky([[4, 2], [2, 2]]) // [[2, 0], [1, 1]]
 */
export function cholesky(a: readonly (readonly number[])[]): number[][] | undefined {
  const n = a.length;
  const scale = Math.max(0, ...a.map((r, i) => Math.abs(r[i]!)));
  if (!(scale > 0) || !Number.isFinite(scale)) return n === 0 ? [] : undefined;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! * l[j]![k]!;
    if (!(d > 1e-13 * scale) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solve A x = b given the Cholesky factor L of A (forward, then back substitution).
 * @example solveCholesky(cholesky([[4, 2], [2, 2]])!, [2, 1]) // [0.5, 0]
 */
export function solveCholesky(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/**
 * The inverse of a symmetric positive-definite matrix, or `undefined` when it is not positive
 * definite.
 * @example inverseSpd([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function inverseSpd(a: readonly (readonly number[])[]): number[][] | undefined {
  const l = cholesky(a);
  if (l === undefined) return undefined;
  const cols = a.map((_, j) => solveCholesky(l, a.map((__, i) => (i === j ? 1 : 0))));
  // Column j of the inverse is cols[j]; the inverse is symmetric, average out rounding.
  return a.map((_, i) => a.map((__, j) => (cols[j]![i]! + cols[i]![j]!) / 2));
}

/**
 * The quadratic form vᵀ A⁻¹ v for a symmetric positive-definite A, or `undefined` when A is not.
 * @example quadraticFormInverse([[4, 0], [0, 1]], [2, 1]) // 2
 */
export function quadraticFormInverse(a: readonly (readonly number[])[], v: readonly number[]): number | undefined {
  const l = cholesky(a);
  if (l === undefined) return undefined;
  const x = solveCholesky(l, v);
  return v.reduce((s, vi, i) => s + vi * x[i]!, 0);
}
