/**
 * Symmetric positive-definite matrices by a Cholesky factor: the test "is this information matrix
 * positive definite?", solves with it, and its inverse (the covariance of an estimate). Small
 * dense matrices (one row and column per parameter).
 */

/**
 * A symmetric positive-definite matrix A factored as A = D^½ L Lᵀ D^½, with D its diagonal: the
 * Cholesky factor of the matrix scaled to a unit diagonal. The scaling makes the test of positive
 * definiteness independent of the units of each row (an information matrix mixes a location known
 * to 1e-9 with a log-scale known to 0.1).
 */
export interface SpdFactor {
  /** Cholesky factor of D^-½ A D^-½. */
  readonly l: number[][];
  /** sqrt of A's diagonal. */
  readonly scale: number[];
}

/**
 * Factor a symmetric matrix, or `undefined` when it is not (numerically) positive definite: a
 * diagonal entry that is not positive and finite, or a pivot of the unit-diagonal matrix at or
 * below 1e-13.
 * @example factorSpd([[4, 2], [2, 2]])!.scale // [2, 1.4142135623730951]
 */
export function factorSpd(a: readonly (readonly number[])[]): SpdFactor | undefined {
  const n = a.length;
  const scale = a.map((r, i) => Math.sqrt(r[i]!));
  if (!scale.every((x) => x > 0 && Number.isFinite(x))) return undefined;
  const l = a.map(() => new Array<number>(n).fill(0));
  const s = (i: number, j: number): number => a[i]![j]! / (scale[i]! * scale[j]!);
  for (let j = 0; j < n; j++) {
    let d = s(j, j);
    for (let k = 0; k < j; k++) d -= l[j]![k]! * l[j]![k]!;
    if (!(d > 1e-13) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let x = s(i, j);
      for (let k = 0; k < j; k++) x -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = x / ljj;
    }
  }
  return { l, scale };
}

/**
 * Solve A x = b given the factor of A.
 * @example solveSpd(factorSpd([[4, 2], [2, 2]])!, [2, 1]) // [0.5, 0]
 */
export function solveSpd(f: SpdFactor, b: readonly number[]): number[] {
  const { l, scale } = f;
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]! / scale[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x.map((xi, i) => xi / scale[i]!);
}

/**
 * The inverse of a symmetric positive-definite matrix, or `undefined` when it is not positive
 * definite.
 * @example inverseSpd([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function inverseSpd(a: readonly (readonly number[])[]): number[][] | undefined {
  const f = factorSpd(a);
  if (f === undefined) return undefined;
  const cols = a.map((_, j) => solveSpd(f, a.map((__, i) => (i === j ? 1 : 0))));
  // Column j of the inverse is cols[j]; the inverse is symmetric, average out rounding.
  return a.map((_, i) => a.map((__, j) => (cols[j]![i]! + cols[i]![j]!) / 2));
}

/**
 * The quadratic form vᵀ A⁻¹ v for a symmetric positive-definite A, or `undefined` when A is not.
 * @example quadraticFormInverse([[4, 0], [0, 1]], [2, 1]) // 2
 */
export function quadraticFormInverse(a: readonly (readonly number[])[], v: readonly number[]): number | undefined {
  const f = factorSpd(a);
  if (f === undefined) return undefined;
  const x = solveSpd(f, v);
  return v.reduce((s, vi, i) => s + vi * x[i]!, 0);
}
