/**
 * The faces of a fit: one JSON object (the `--json` contract), a LaTeX table ready for KaTeX, and
 * the text lines the command prints.
 */
import { latexName } from '../expr/latex';
import type { FitResult, TestResult } from './fit';

/** JSON numbers: ±Infinity and NaN have no JSON form; limits at infinity are written "inf" / "-inf". */
const finiteOrNull = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);
const limitJSON = (x: number): number | string => (Number.isFinite(x) ? x : x > 0 ? 'inf' : '-inf');

/**
 * A fit as the JSON object of `fisherlab fit --json` (without `version` and `verb`): the fields of
 * {@link FitResult}, numbers null where not finite, limits at infinity as `"inf"`/`"-inf"`.
 *
 * @example
 * JSON.stringify(fitToJSON(fit(parse('x ~ Poisson(lam)'), { x: [2, 4, 3, 5] }))); // → '{"params":["lam"],"rows":4,"estimate":[3.5],"stderr":{"expected":[0.935414346...],"observed":[0.935414346...]},"interval":{"level":0.95,"basis":"expected","lower":[1.66662156...],"upper":[5.33337843...]},"logLikelihood":-6.91177066...,"iterations":1,"converged":true,"status":"converged","start":[3.5],"algorithm":"Newton","information":{"expected":[[1.14285714...]],"expectedMethod":"closed form by the ladder (score identity)","observed":[[1.14285714...]]},"warnings":[]}'
 */
export interface FitJSON {
  /** The parameters, in order. */
  readonly params: string[];
  /** Rows of the data set. */
  readonly rows: number;
  /** θ̂ (null for a parameter running to ±∞). */
  readonly estimate: (number | null)[];
  /** Standard errors from the expected and the observed information. */
  readonly stderr: {
    /** From the expected information. */
    readonly expected: (number | null)[] | null;
    /** From the observed information. */
    readonly observed: (number | null)[] | null;
  };
  /** The Wald intervals. */
  readonly interval: FitResult['interval'];
  /** ℓ(θ̂). */
  readonly logLikelihood: number | null;
  /** Newton iterations taken. */
  readonly iterations: number;
  /** Whether an interior maximum was found. */
  readonly converged: boolean;
  /** How the fit ended. */
  readonly status: FitResult['status'];
  /** Why the fit did not converge. */
  readonly message?: string;
  /** The limits the parameters run to (`boundary`, `unbounded`). */
  readonly limits?: Record<string, number | string>;
  /** The starting values. */
  readonly start: number[];
  /** The steps taken. */
  readonly algorithm: string;
  /** The information matrices at θ̂. */
  readonly information: FitResult['information'];
  /** With a null hypothesis: the tests. */
  readonly tests?: {
    /** The null values. */
    readonly null: Record<string, number>;
    /** The restricted estimate. */
    readonly restricted: number[];
    /** ℓ under the null. */
    readonly restrictedLogLikelihood: number | null;
    /** The information the Wald and score statistics use. */
    readonly information: 'expected' | 'observed';
    /** The Wald test. */
    readonly wald: TestResult | null;
    /** Rao's score test. */
    readonly rao: TestResult | null;
    /** The likelihood-ratio test. */
    readonly lr: TestResult | null;
  };
  /** Notes a reader must see. */
  readonly warnings: string[];
}

/**
 * The fit as one JSON-ready object: params, rows, estimate, stderr {expected, observed},
 * interval, logLikelihood, iterations, converged, status, information, tests {wald, rao, lr:
 * {statistic, df, pValue}}, warnings. A parameter that runs to ±∞ has estimate null and its limit
 * in `limits`.
 *
 * @example
 * const j = fitToJSON(fit(parse('x ~ Bernoulli(p)'), { x: [0, 0, 0] }));
 * [j.status, j.estimate, j.limits]; // → ['boundary', [0], { p: 0 }]
 */
export function fitToJSON(r: FitResult): FitJSON {
  return {
    params: r.params,
    rows: r.n,
    estimate: r.estimate.map(finiteOrNull),
    stderr: r.stderr,
    interval: r.interval,
    logLikelihood: finiteOrNull(r.loglik),
    iterations: r.iterations,
    converged: r.converged,
    status: r.status,
    ...(r.message !== undefined ? { message: r.message } : {}),
    ...(r.limits !== undefined ? { limits: Object.fromEntries(Object.entries(r.limits).map(([k, v]) => [k, limitJSON(v)])) } : {}),
    start: r.start,
    algorithm: r.algorithm,
    information: r.information,
    ...(r.tests !== undefined
      ? { tests: { null: r.tests.null, restricted: r.tests.restricted, restrictedLogLikelihood: r.tests.restrictedLoglik, information: r.tests.information, wald: r.tests.wald, rao: r.tests.score, lr: r.tests.lr } }
      : {}),
    warnings: r.warnings,
  };
}

/** A number for a table: six significant digits, no trailing zeros. */
export const short = (x: number): string => (Number.isFinite(x) ? `${Number(x.toPrecision(6))}` : x > 0 ? 'inf' : x < 0 ? '-inf' : 'NaN');

/** A p-value: four significant digits, and `< 1e-300` rather than 0. */
const pText = (p: number): string => (p === 0 ? '< 1e-300' : `${Number(p.toPrecision(4))}`);

/** A number in LaTeX: 1.2e-5 → 1.2 \times 10^{-5}. */
function latexNumber(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '\\infty' : x < 0 ? '-\\infty' : '\\text{NaN}';
  const s = short(x);
  const m = /^(-?[\d.]+)e([+-]\d+)$/.exec(s);
  return m ? `${m[1]} \\times 10^{${Number(m[2])}}` : s;
}

const percent = (level: number): string => `${Number((100 * level).toPrecision(6))}`;

/**
 * The fit as LaTeX (KaTeX-ready): a table of estimates, standard errors and Wald intervals, and
 * an aligned block with the log-likelihood and, with a null hypothesis, the three statistics and
 * their p-values.
 *
 * @returns Two display blocks.
 * @example
 * fitLatex(fit(parse('x ~ Poisson(lambda)'), { x: [2, 4, 3, 5] })); // → ['\begin{array}{lrrrc}  & \hat{\theta} & \text{se (expected)} & \text{se (observed)} & 95\%\ \text{Wald interval} \\ \hline \lambda & 3.5 & 0.935414 & 0.935414 & [1.66662,\ 5.33338] \end{array}', '\begin{aligned} \ell(\hat{\theta}) &= -6.91177, & n &= 4 \end{aligned}']
 */
export function fitLatex(r: FitResult): string[] {
  const cell = (x: number | null | undefined): string => (x === null || x === undefined ? '\\text{--}' : latexNumber(x));
  const head = ['', '\\hat{\\theta}', '\\text{se (expected)}', '\\text{se (observed)}', `${percent(r.interval?.level ?? 0.95)}\\%\\ \\text{Wald interval}`];
  const rows = r.params.map((p, i) => {
    const ci = r.interval === null ? '\\text{--}' : `[${latexNumber(r.interval.lower[i]!)},\\ ${latexNumber(r.interval.upper[i]!)}]`;
    return [latexName(p), cell(r.estimate[i]), cell(r.stderr.expected?.[i]), cell(r.stderr.observed?.[i]), ci].join(' & ');
  });
  const table = `\\begin{array}{lrrrc} ${head.join(' & ')} \\\\ \\hline ${rows.join(' \\\\ ')} \\end{array}`;
  const lines = [`\\ell(\\hat{\\theta}) &= ${cell(r.loglik)}, & n &= ${r.n}`];
  const t = r.tests;
  if (t !== undefined) {
    const hypothesis = Object.entries(t.null).map(([k, v]) => `${latexName(k)} = ${latexNumber(v)}`).join(',\\ ');
    const line = (name: string, x: TestResult | null): string =>
      x === null ? `${name} &= \\text{--}` : `${name} &= ${latexNumber(x.statistic)}, & p &= ${latexNumber(x.pValue)} \\quad (\\chi^2_{${x.df}})`;
    lines.push(`\\text{test of } ${hypothesis}: & &`, line('W', t.wald), line('S', t.score), line('2(\\hat{\\ell} - \\tilde{\\ell})', t.lr));
  }
  return [table, `\\begin{aligned} ${lines.join(' \\\\ ')} \\end{aligned}`];
}

/**
 * The fit as the text lines the command prints: a header, a table, and the tests.
 *
 * @param source - What the data are called (a file name), for the header.
 * @example
 * fitText(fit(parse('x ~ Poisson(lambda)'), { x: [2, 4, 3, 5] }, { null: { lambda: 2 } }), 'counts.csv').join('\n'); // → '# maximum-likelihood fit to 4 rows of counts.csv, in the order (lambda)\n# converged in 1 iteration (Newton); log-likelihood -6.91177\n# expected information: n·F(θ̂), closed form by the ladder (score identity); observed: −H(θ̂)\nparam   estimate  se (expected)  se (observed)  95% Wald interval (expected)\nlambda  3.5       0.935414       0.935414       [1.66662, 5.33338]\n# test of lambda = 2 (chi-square, 1 degree of freedom; Wald and score with the expected information)\nWald              2.57143      p = 0.1088\nscore (Rao)       4.5          p = 0.03389\nlikelihood ratio  3.66924      p = 0.05543'
 */
export function fitText(r: FitResult, source: string): string[] {
  const out: string[] = [];
  out.push(`# maximum-likelihood fit to ${r.n} rows of ${source}, in the order (${r.params.join(', ')})`);
  if (!r.converged) {
    out.push(`# no interior maximum (${r.status}, after ${r.iterations} iterations): ${r.message ?? ''}`);
    if (r.limits !== undefined) out.push(`# limit: ${Object.entries(r.limits).map(([k, v]) => `${k} → ${short(v)}`).join(', ')}`);
    out.push(`# log-likelihood at the last iterate: ${short(r.loglik)}`);
    return out;
  }
  out.push(`# converged in ${r.iterations} iteration${r.iterations === 1 ? '' : 's'} (${r.algorithm}); log-likelihood ${short(r.loglik)}`);
  if (r.information.expectedMethod !== null) out.push(`# expected information: n·F(θ̂), ${r.information.expectedMethod}; observed: −H(θ̂)`);
  const level = r.interval === null ? '' : `${percent(r.interval.level)}% Wald interval (${r.interval.basis})`;
  const table: string[][] = [['param', 'estimate', 'se (expected)', 'se (observed)', level]];
  r.params.forEach((p, i) => {
    const se = (v: (number | null)[] | null): string => (v === null || v[i] === null ? '-' : short(v[i]!));
    const ci = r.interval === null ? '-' : `[${short(r.interval.lower[i]!)}, ${short(r.interval.upper[i]!)}]`;
    table.push([p, short(r.estimate[i]!), se(r.stderr.expected), se(r.stderr.observed), ci]);
  });
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) out.push(row.map((x, c) => x.padEnd(widths[c]!)).join('  ').trimEnd());
  const t = r.tests;
  if (t !== undefined) {
    const hypothesis = Object.entries(t.null).map(([k, v]) => `${k} = ${v}`).join(', ');
    const df = t.wald?.df ?? t.score?.df ?? t.lr?.df ?? Object.keys(t.null).length;
    out.push(`# test of ${hypothesis} (chi-square, ${df} degree${df === 1 ? '' : 's'} of freedom; Wald and score with the ${t.information} information)`);
    if (t.restrictedLoglik !== null && t.restricted.length > Object.keys(t.null).length) {
      out.push(`# under the null: ${r.params.map((p, i) => `${p} = ${short(t.restricted[i]!)}`).join(', ')}; log-likelihood ${short(t.restrictedLoglik)}`);
    }
    const line = (name: string, x: TestResult | null): string => `${name.padEnd(17)} ${x === null ? '-' : `${short(x.statistic).padEnd(12)} p = ${pText(x.pValue)}`}`;
    out.push(line('Wald', t.wald), line('score (Rao)', t.score), line('likelihood ratio', t.lr));
  }
  return out;
}
