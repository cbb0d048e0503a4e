/**
 * Blocked kernels for weighted Gram matrices Σ_i w_i x_i y_iᵀ over the rows of a data set: the
 * XᵀWX of a generalised linear model's Fisher information, the Σ s sᵀ of an empirical Fisher.
 *
 * Rows are taken in panels of PANEL rows, copied once into a column-major buffer (a column of the
 * panel is contiguous, the weights already applied on one side), and the output is computed in
 * 4 × 4 tiles: sixteen running sums held in locals while the loop runs down the panel's rows,
 * eight loads for sixteen multiply-adds, instead of a load and a store of the output per
 * multiply-add in the naive triple loop. A symmetric product computes the tiles on and above the
 * diagonal only. Buffers are reused between calls; nothing is allocated per row.
 */

/** Rows per panel: 2 × 52 columns × 128 rows of doubles stay in the L2 cache. */
const PANEL = 128;

let packA = /* @__PURE__ */ new Float64Array(0);
const SUMS = /* @__PURE__ */ new Float64Array(16);
let packB = /* @__PURE__ */ new Float64Array(0);

function buffers(size: number): void {
  if (packA.length < size) {
    packA = new Float64Array(size);
    packB = new Float64Array(size);
  }
}

/** Columns of a panel rounded up to whole tiles (the padding is zero). */
const padded = (d: number): number => (d + 3) & ~3;

/**
 * Copy rows i0 ≤ i < i0 + nb of X (row-major, row stride ld, d columns from column `col`) into
 * `out` column by column (column j at j·PANEL), each row scaled by w[i] when w is given.
 */
function pack(X: Float64Array, ld: number, col: number, d: number, w: Float64Array | undefined, i0: number, nb: number, out: Float64Array): void {
  const dp = padded(d);
  for (let j = d; j < dp; j++) out.fill(0, j * PANEL, j * PANEL + nb);
  for (let r = 0; r < nb; r++) {
    const base = (i0 + r) * ld + col;
    const s = w === undefined ? 1 : w[i0 + r]!;
    for (let j = 0; j < d; j++) out[j * PANEL + r] = s * X[base + j]!;
  }
}

/**
 * out[ (j0 + a)·ldo + k0 + b ] += Σ_r A[a][r] B[b][r] for the 4 × 4 tile at (ja, kb) of two packed
 * panels; `upper` keeps only b ≥ a on a diagonal tile. Entries beyond (da, db) are padding.
 */
function tile(A: Float64Array, B: Float64Array, ja: number, kb: number, nb: number, out: Float64Array, ldo: number, oa: number, ob: number, da: number, db: number, diagonal: boolean): void {
  const a0 = ja * PANEL;
  const a1 = a0 + PANEL;
  const a2 = a1 + PANEL;
  const a3 = a2 + PANEL;
  const b0 = kb * PANEL;
  const b1 = b0 + PANEL;
  const b2 = b1 + PANEL;
  const b3 = b2 + PANEL;
  let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
  for (let r = 0; r < nb; r++) {
    const x0 = A[a0 + r]!, x1 = A[a1 + r]!, x2 = A[a2 + r]!, x3 = A[a3 + r]!;
    const y0 = B[b0 + r]!, y1 = B[b1 + r]!, y2 = B[b2 + r]!, y3 = B[b3 + r]!;
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
    s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
  }
  const sums = SUMS;
  sums[0] = s00; sums[1] = s01; sums[2] = s02; sums[3] = s03; sums[4] = s10; sums[5] = s11; sums[6] = s12; sums[7] = s13;
  sums[8] = s20; sums[9] = s21; sums[10] = s22; sums[11] = s23; sums[12] = s30; sums[13] = s31; sums[14] = s32; sums[15] = s33;
  for (let a = 0; a < 4; a++) {
    const j = ja + a;
    if (j >= da) break;
    for (let b = diagonal ? a : 0; b < 4; b++) {
      const k = kb + b;
      if (k >= db) break;
      out[(oa + j) * ldo + ob + k]! += sums[a * 4 + b]!;
    }
  }
}

/** Where a Gram product goes: the n × n output (row-major, stride ld) and the block's corner. */
export interface Block {
  readonly out: Float64Array;
  readonly ld: number;
  readonly row: number;
  readonly col: number;
}

/**
 * Σ_i w_i x_i x_iᵀ over rows 0 ≤ i < n of X (row-major, stride ld, d columns from `col`), added
 * into the symmetric block at (at.row, at.col) of at.out (both triangles).
 * @example
 * const out = new Float64Array(4);
 * gramSymmetric(Float64Array.of(1, 2, 3, 4), 2, 0, 2, undefined, 2, { out, ld: 2, row: 0, col: 0 }); // out = [10, 14, 14, 20]
 */
export function gramSymmetric(X: Float64Array, ld: number, col: number, d: number, w: Float64Array | undefined, n: number, at: Block): void {
  const dp = padded(d);
  buffers(dp * PANEL);
  // Accumulate the upper triangle, then mirror it.
  const upper = new Float64Array(d * d);
  for (let i0 = 0; i0 < n; i0 += PANEL) {
    const nb = Math.min(PANEL, n - i0);
    pack(X, ld, col, d, w, i0, nb, packA);
    pack(X, ld, col, d, undefined, i0, nb, packB);
    for (let ja = 0; ja < dp; ja += 4) for (let kb = ja; kb < dp; kb += 4) tile(packA, packB, ja, kb, nb, upper, d, 0, 0, d, d, ja === kb);
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = upper[j * d + k]!;
      at.out[(at.row + j) * at.ld + at.col + k]! += v;
      if (k !== j) at.out[(at.row + k) * at.ld + at.col + j]! += v;
    }
  }
}

/**
 * Σ_i w_i x_i y_iᵀ (dx × dy) over rows 0 ≤ i < n, added into the block at (at.row, at.col); with
 * `mirror`, its transpose also into the block at (at.col, at.row).
 */
export function gramCross(
  X: Float64Array, ldx: number, colx: number, dx: number,
  Y: Float64Array, ldy: number, coly: number, dy: number,
  w: Float64Array | undefined, n: number, at: Block, mirror: boolean,
): void {
  const px = padded(dx);
  const py = padded(dy);
  buffers(Math.max(px, py) * PANEL);
  const block = new Float64Array(dx * dy);
  for (let i0 = 0; i0 < n; i0 += PANEL) {
    const nb = Math.min(PANEL, n - i0);
    pack(X, ldx, colx, dx, w, i0, nb, packA);
    pack(Y, ldy, coly, dy, undefined, i0, nb, packB);
    for (let ja = 0; ja < px; ja += 4) for (let kb = 0; kb < py; kb += 4) tile(packA, packB, ja, kb, nb, block, dy, 0, 0, dx, dy, false);
  }
  for (let j = 0; j < dx; j++) {
    for (let k = 0; k < dy; k++) {
      const v = block[j * dy + k]!;
      at.out[(at.row + j) * at.ld + at.col + k]! += v;
      if (mirror) at.out[(at.col + k) * at.ld + at.row + j]! += v;
    }
  }
}
