/**
 * `fisherlab score|hessian MODEL --data file.csv --at ...`: the score and Hessian of the
 * log-likelihood of a data set (the total over its rows), by the engine `--mode` picks.
 */
import { FisherError } from '../expr/errors';
import { latexName } from '../expr/latex';
import { defaultMode, logLikelihood, type Likelihood, type LikelihoodMode } from '../fisher/empirical';
import { displayNames, type Model } from '../lang/model';
import { fmtNumber, fmtPoint, paramOrder, parseDataAt, print, readDataSet, type OutputOptions } from './common';

export interface DerivativeCliOptions extends OutputOptions {
  data?: string;
  mode?: string;
}

/** The engines `--mode` may name. */
export const MODES: readonly LikelihoodMode[] = ['symbolic', 'forward', 'reverse'];

/** `--mode`, checked (commander checks the choices too; the library entry does not). */
export function parseMode(text: string | undefined): LikelihoodMode | undefined {
  if (text === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(text)) throw new FisherError('bad-option', `--mode must be one of ${MODES.join(', ')}, got '${text}'`);
  return text as LikelihoodMode;
}

/** The JSON object of `score|hessian --data`: see the README. */
export interface LikelihoodJSON {
  params: string[];
  rows: number;
  mode: LikelihoodMode;
  logLikelihood: number | null;
  score: (number | null)[];
  hessian?: (number | null)[][];
  method?: string;
  warnings: string[];
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The stable JSON object of a data set's log-likelihood, score and (from `hessian`) Hessian. */
export function likelihoodJSON(m: Model, r: Likelihood): LikelihoodJSON {
  return {
    params: r.params,
    rows: r.rows,
    mode: r.mode,
    logLikelihood: finite(r.value),
    score: [...r.score].map(finite),
    ...(r.hessian !== undefined ? { hessian: r.hessian.map((row) => [...row].map(finite)), method: r.method! } : {}),
    warnings: [...m.warnings],
  };
}

/** A number for LaTeX: 1.5e-7 becomes 1.5 \times 10^{-7}. */
const latexNumber = (x: number): string => fmtNumber(x).replace(/^(-?[\d.]+)e([+-])(\d+)$/, (_, a: string, s: string, e: string) => `${a} \\times 10^{${s === '-' ? '-' : ''}${e}}`);

/** Print the score (or Hessian) of a data set's log-likelihood. */
export function runOnData(m: Model, o: DerivativeCliOptions, what: 'score' | 'hessian'): void {
  if (o.at === undefined) throw new FisherError('bad-option', `--data needs --at with the parameter values (e.g. --at ${displayNames(m, m.params).map((n) => `${n}=0`).join(',')})`);
  const at = parseDataAt(m, o.at);
  const mode = parseMode(o.mode) ?? defaultMode(m);
  const data = readDataSet(o.data!, m);
  const r = logLikelihood(m, data, at, { hessian: what === 'hessian', mode });
  if (o.json) {
    print(JSON.stringify(likelihoodJSON(m, r), null, 2));
    return;
  }
  for (const w of m.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!Number.isFinite(r.value)) process.stderr.write('warning: the log-likelihood is not finite at these parameter values (a row where the density is 0, or an overflow)\n');
  const engine = `${r.mode}${r.method !== undefined ? `: ${r.method}` : ''}`;
  if (o.latex) {
    const ps = displayNames(m, m.params).map(latexName).join(', ');
    const ds = displayNames(m, [...m.data, ...m.givens]).map((d) => `${latexName(d)}_i`).join(', ');
    const lhs = `\\sum_{i=1}^{${r.rows}} ${what === 'score' ? `\\nabla_{${ps}}` : `\\nabla^{2}_{${ps}}`} \\log p(${ds}${ds === '' ? '' : ' \\mid '}${ps})`;
    const body = what === 'score' ? [...r.score].map(latexNumber).join(' \\\\ ') : r.hessian!.map((row) => [...row].map(latexNumber).join(' & ')).join(' \\\\ ');
    print(`${lhs} = \\begin{pmatrix} ${body} \\end{pmatrix}`);
    print(`% at ${fmtPoint(at)}; log-likelihood ${fmtNumber(r.value)}; ${r.rows} rows of ${o.data}; engine ${engine}`);
    return;
  }
  print(`# ${what === 'score' ? 'Score' : 'Hessian'} of the log-likelihood of ${r.rows} rows of ${o.data}, in the order (${paramOrder(m)})`);
  print(`# engine: ${engine}`);
  print(`# at ${fmtPoint(at)}`);
  print(`# log-likelihood: ${fmtNumber(r.value)}`);
  if (what === 'score') print(`[${[...r.score].map(fmtNumber).join(', ')}]`);
  else print(`[${r.hessian!.map((row) => `[${[...row].map(fmtNumber).join(', ')}]`).join(',\n ')}]`);
}
