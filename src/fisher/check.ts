/**
 * `fisherlab fisher --check`: checks of a Fisher result that do not trust the ladder — symmetry,
 * positive semi-definiteness at sample points, and, by numeric expectation at one point, the
 * score identity E[s] = 0, the information identity E[s sᵀ] = −E[H], and the closed form against
 * the numeric value of what it is the expectation of.
 */
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { mul, type Expr } from '../expr/expr';
import type { Model } from '../lang/model';
import { constantValues, score } from './derivatives';
import type { FisherResult } from './fisher';
import { expectation } from './numeric';
import { parameterPoints } from './points';

/**
 * One check of a Fisher result, passed or failed, with what was compared.
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * checkFisher(m, fisher(m), new Map([['lam', 3]]))[0]; // → { name: 'symmetric', ok: true, detail: 'F[i][j] = F[j][i] for every entry' }
 */
export interface Check {
  /** What is checked: `symmetric`, `positive semi-definite`, `E[s] = 0`, ... */
  readonly name: string;
  /** Whether it holds (within the numeric tolerance). */
  readonly ok: boolean;
  /** The numbers behind the verdict. */
  readonly detail: string;
}

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(a: number[][]): number[] {
  const n = a.length;
  const m = a.map((r) => [...r]);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
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
      }
    }
  }
  return m.map((r, i) => r[i]!);
}

const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
const fmt = (x: number): string => `${Number(x.toPrecision(6))}`;

/**
 * Checks a Fisher result without trusting the ladder (`fisherlab fisher --check`): symmetry,
 * positive semi-definiteness at sample points, and, by numeric expectation at one point, the score
 * identity E[s] = 0, the information identity E[s sᵀ] = −E[H], and each closed form against the
 * numeric expectation of what it is the expectation of.
 *
 * @param r - The result of {@link fisher} for `m`.
 * @param at - The point of the numeric checks (parameters and covariates); default a seeded
 *   random point inside the domains.
 * @throws {@link FisherError} `support` or `too-large` when the numeric expectation is not
 *   available for the model's data.
 * @example
 * const m = parse('x ~ Gamma(a, b)');
 * checkFisher(m, fisher(m), new Map([['a', 2], ['b', 3]])).map((c) => `${c.ok ? 'ok' : 'FAILED'} ${c.name}`); // → ['ok symmetric', 'ok positive semi-definite', 'ok E[score] = 0', 'ok E[s sᵀ] = −E[H]', 'ok closed form = numeric expectation']
 */
export function checkFisher(m: Model, r: FisherResult, at?: ReadonlyMap<string, number>): Check[] {
  const checks: Check[] = [];
  const n = r.params.length;
  const env = at !== undefined ? new Map([...constantValues(m), ...at]) : parameterPoints(m, 1, 4242)[0]!;
  const where = r.params.map((p) => `${p} = ${fmt(env.get(p)!)}`).join(', ');
  const closed = r.matrix.every((row) => row.every((e) => e !== null));

  const sym = r.matrix.every((row, i) => row.every((e, j) => e === r.matrix[j]![i]));
  checks.push({ name: 'symmetric', ok: sym, detail: sym ? 'F[i][j] = F[j][i] for every entry' : 'the matrix is not symmetric' });

  if (closed) {
    const points = [env, ...parameterPoints(m, 4, 99)];
    let worst = Infinity;
    for (const p of points) {
      const v = r.matrix.map((row) => row.map((e) => evaluate(e!, p)));
      const ev = symmetricEigenvalues(v);
      const scale = Math.max(1e-300, ...ev.map(Math.abs));
      worst = Math.min(worst, Math.min(...ev) / scale);
    }
    checks.push({ name: 'positive semi-definite', ok: worst >= -1e-9, detail: `smallest eigenvalue / largest at ${points.length} points: ${fmt(worst)}` });
  }

  if (r.warnings.some((w) => /support of/.test(w))) {
    checks.push({ name: 'score identity', ok: true, detail: 'skipped: the support depends on a parameter, so E[score] = 0 need not hold' });
    return checks;
  }
  try {
    const s = score(m);
    const outer: Expr[] = [];
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) outer.push(mul(s[i]!, s[j]!));
    const targets: Expr[] = [];
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) targets.push(r.targets[i]![j]!);
    const e = expectation(m, [...s, ...outer, ...targets], env);
    const es = e.value.slice(0, n);
    const eOuter = e.value.slice(n, n + outer.length);
    const eTarget = e.value.slice(n + outer.length);
    const scoreOk = es.every((v, i) => Math.abs(v) <= 1e-6 * Math.max(1, Math.sqrt(Math.abs(eOuter[indexOf(n, i, i)]!))));
    checks.push({ name: 'E[score] = 0', ok: scoreOk, detail: `at ${where}: [${es.map(fmt).join(', ')}]` });
    const infoOk = eOuter.every((v, k) => close(v, eTarget[k]!, 1e-6));
    checks.push({
      name: r.estimator === 'negative-hessian' ? 'E[s sᵀ] = −E[H]' : 'E[s sᵀ] (the estimator used)',
      ok: infoOk,
      detail: `at ${where}: E[s sᵀ] = [${eOuter.map(fmt).join(', ')}], E[target] = [${eTarget.map(fmt).join(', ')}] (upper triangle)`,
    });
    if (closed) {
      const v: number[] = [];
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) v.push(evaluate(r.matrix[i]![j]!, env));
      const ok = v.every((x, k) => close(x, eTarget[k]!, 1e-6));
      checks.push({ name: 'closed form = numeric expectation', ok, detail: `at ${where}: [${v.map(fmt).join(', ')}] vs [${eTarget.map(fmt).join(', ')}]` });
    }
  } catch (err) {
    if (!(err instanceof FisherError)) throw err;
    checks.push({ name: 'numeric identities', ok: false, detail: err.message });
  }
  return checks;
}

/** Position of (i, j), i <= j, in the row-major upper triangle of an n × n matrix. */
function indexOf(n: number, i: number, j: number): number {
  return i * n - (i * (i - 1)) / 2 + (j - i);
}
