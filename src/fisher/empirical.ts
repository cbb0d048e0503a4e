/**
 * The empirical Fisher information of a data set, (1/n) Σ s(x_i) s(x_i)ᵀ at θ, and the observed
 * information (1/n) Σ −H(x_i): quantities of the data, clearly not the expected information.
 */
import { compile } from '../expr/compile';
import { FisherError } from '../expr/errors';
import { mul, num, type Expr } from '../expr/expr';
import type { Model } from '../lang/model';
import { constantValues, hessian, score } from './derivatives';

export interface EmpiricalFisher {
  readonly params: string[];
  readonly rows: number;
  /** Mean of s sᵀ over the rows. */
  readonly value: number[][];
  /** Standard error of each mean over the rows. */
  readonly stderr: number[][];
  /** Mean of −H over the rows (null where the Hessian is not available). */
  readonly observed: number[][] | null;
}

/**
 * @param rows values of the data (and covariates) per row
 * @example empiricalFisher(parse('x ~ Poisson(lam)'), [new Map([['x', 3]]), new Map([['x', 5]])], new Map([['lam', 4]]))
 */
export function empiricalFisher(m: Model, rows: ReadonlyArray<ReadonlyMap<string, number>>, at: ReadonlyMap<string, number>): EmpiricalFisher {
  if (rows.length < 2) throw new FisherError('bad-value', `the data set needs at least 2 rows, it has ${rows.length}`);
  const p = m.params.length;
  const s = score(m);
  let h: Expr[][] | null;
  try {
    h = hessian(m);
  } catch {
    h = null;
  }
  const exprs: Expr[] = [];
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) exprs.push(mul(s[i]!, s[j]!));
  if (h !== null) for (let i = 0; i < p; i++) for (let j = i; j < p; j++) exprs.push(mul(num(-1), h[i]![j]!));
  const env = new Map([...constantValues(m), ...at]);
  const rowNames = [...m.data, ...m.givens].map((d) => d.name);
  const fixed = [...env.keys()].filter((k) => !rowNames.includes(k));
  const names = [...rowNames, ...fixed];
  const c = compile(exprs, names, fixed);
  const v = new Float64Array(names.length);
  fixed.forEach((k, i) => (v[rowNames.length + i] = env.get(k)!));
  c.prepare(v);
  const out = new Float64Array(exprs.length);
  const sum = new Float64Array(exprs.length);
  const sq = new Float64Array(exprs.length);
  rows.forEach((row, r) => {
    rowNames.forEach((n, i) => {
      const x = row.get(n);
      if (x === undefined) throw new FisherError('bad-value', `row ${r + 1} has no value for ${n}`);
      v[i] = x;
    });
    c.run(v, out);
    for (let k = 0; k < out.length; k++) {
      sum[k]! += out[k]!;
      sq[k]! += out[k]! * out[k]!;
    }
  });
  const n = rows.length;
  const q = (p * (p + 1)) / 2;
  const square = (offset: number, f: (k: number) => number): number[][] => {
    const mat = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    let k = offset;
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++, k++) mat[i]![j] = mat[j]![i] = f(k);
    return mat;
  };
  const mean = (k: number): number => sum[k]! / n;
  const se = (k: number): number => Math.sqrt(Math.max(0, (sq[k]! - n * mean(k) ** 2) / (n - 1)) / n);
  return {
    params: m.params.map((x) => x.name),
    rows: n,
    value: square(0, mean),
    stderr: square(0, se),
    observed: h === null ? null : square(q, mean),
  };
}
