/**
 * `fisherlab fisher MODEL`: the expected Fisher information of one observation, in closed form by
 * the method ladder (numbers with `--at`, checks with `--check`); by Monte Carlo with `--mc N`;
 * and with `--data file.csv` the empirical Fisher information of a data set.
 */
import { FisherError } from '../../expr/errors';
import type { Expr } from '../../expr/expr';
import { printExpr, printMatrix } from '../../expr/print';
import { checkFisher, type Check } from '../../fisher/check';
import { empiricalFisher, type EmpiricalFisher } from '../../fisher/empirical';
import { fisher, type FisherResult } from '../../fisher/fisher';
import { fisherLatex, fisherToJSON } from '../../fisher/json';
import { monteCarloFisher, type McEstimator, type MonteCarloResult } from '../../fisher/montecarlo';
import { numericFisher } from '../../fisher/numeric';
import type { Model } from '../../lang/model';
import { MODEL_HELP, dataName, fmtNumber, fmtPoint, loadModel, paramOrder, parseDataAt, parseParamsAt, positiveInteger, readDataSet } from '../common';
import { parallelMonteCarlo } from '../parallel';
import { progressBar } from '../progress';
import { defineVerb, displayLatex, schemaPath, type Format, type VerbContext } from '../registry';
import { MODEL_ARGUMENT, numberMatrix, pointJSON } from './shared';

interface FisherOptions {
  json?: boolean;
  at?: string;
  check?: boolean;
  mc?: string;
  seed?: string;
  estimator?: string;
  quiet?: boolean;
  workers?: string;
  data?: string;
}

/** The method ladder's result (numbers at `at`, checks with --check). */
interface Ladder {
  readonly kind: 'ladder';
  readonly r: FisherResult;
  readonly at?: ReadonlyMap<string, number>;
  readonly checks?: Check[];
}

interface MonteCarlo {
  readonly kind: 'monte-carlo';
  readonly m: Model;
  readonly r: MonteCarloResult;
  readonly at: ReadonlyMap<string, number>;
}

interface Empirical {
  readonly kind: 'empirical';
  readonly m: Model;
  readonly r: EmpiricalFisher;
  readonly at: ReadonlyMap<string, number>;
  readonly source: string;
}

type Report = Ladder | MonteCarlo | Empirical;

/** The JSON names of the two estimators, as the method ladder names them. */
const ESTIMATOR_NAME: Record<McEstimator, string> = { hessian: 'negative-hessian', score: 'score-outer-product' };

function run({ args, options: o, format, io }: VerbContext<FisherOptions>): Report | Promise<Report> {
  if (o.mc !== undefined && o.data !== undefined) throw new FisherError('bad-option', '--mc and --data are different quantities: give one');
  const m = loadModel(args[0], io);
  if (o.data !== undefined) {
    if (o.at === undefined) throw new FisherError('bad-option', '--data needs --at with the parameter values');
    const at = parseDataAt(m, o.at);
    return { kind: 'empirical', m, r: empiricalFisher(m, readDataSet(o.data, m, io), at), at, source: dataName(o.data) };
  }
  if (o.mc !== undefined) return runMonteCarlo(m, o, format, io.stderr);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const r = fisher(m, { ...(at !== undefined ? { at } : {}), numeric: numericFisher });
  const checks = o.check ? checkFisher(m, r, at) : undefined;
  return { kind: 'ladder', r, ...(at !== undefined ? { at } : {}), ...(checks !== undefined ? { checks } : {}) };
}

async function runMonteCarlo(m: Model, o: FisherOptions, format: Format, stderr: VerbContext<FisherOptions>['io']['stderr']): Promise<MonteCarlo> {
  if (o.at === undefined) throw new FisherError('bad-option', '--mc needs --at with the parameter values to sample at');
  const at = parseParamsAt(m, o.at);
  const n = positiveInteger(o.mc, '--mc', 1);
  const seed = positiveInteger(o.seed, '--seed', 1);
  if (seed >= 2 ** 32) throw new FisherError('bad-option', `--seed must be below 4294967296, got ${seed}`);
  if (o.estimator !== undefined && o.estimator !== 'score' && o.estimator !== 'hessian') {
    throw new FisherError('bad-option', `--estimator must be 'score' or 'hessian', got '${o.estimator}'`);
  }
  const estimator = o.estimator as McEstimator | undefined;
  const onProgress = progressBar(stderr, { ...(o.quiet ? { quiet: true } : {}), json: format === 'json' });
  const workers = positiveInteger(o.workers, '--workers', 1);
  const useWorkers = o.workers !== undefined ? workers > 1 : n >= 2_000_000;
  const options = { n, seed, ...(estimator !== undefined ? { estimator } : {}), ...(onProgress !== undefined ? { onProgress } : {}) };
  const r = useWorkers
    ? await parallelMonteCarlo(m, m.source, at, { ...options, ...(o.workers !== undefined ? { workers } : {}) }, new URL('./mc-worker.js', import.meta.url))
    : monteCarloFisher(m, at, options);
  return { kind: 'monte-carlo', m, r, at };
}

const show = (x: number): string => (Number.isNaN(x) ? 'undefined' : fmtNumber(x));
const matrixText = (v: readonly (readonly number[])[], sep = ',\n '): string => `[${v.map((row) => `[${row.map(fmtNumber).join(', ')}]`).join(sep)}]`;
const stderrText = (v: readonly (readonly number[])[]): string => `[${v.map((row) => `[${row.map((x) => x.toExponential(2)).join(', ')}]`).join(', ')}]`;

function text(rep: Report): string[] {
  if (rep.kind === 'monte-carlo') return monteCarloText(rep);
  if (rep.kind === 'empirical') return empiricalText(rep);
  const { r, at } = rep;
  const out = [`# Fisher information of one observation, in the order (${r.params.join(', ')})`, `# method: ${r.method}${r.estimator === 'score-outer-product' ? ' (as E[score scoreᵀ])' : ''}`];
  if (r.closedForm) out.push(printMatrix(r.matrix as Expr[][], true));
  else {
    const irregular = (i: number, j: number): boolean => r.irregular.includes(r.params[i]!) || r.irregular.includes(r.params[j]!);
    const pairs = (keep: (i: number, j: number) => boolean): string =>
      r.matrix.flatMap((row, i) => row.map((e, j) => (e === null && j >= i && keep(i, j) ? `(${r.params[i]}, ${r.params[j]})` : ''))).filter((x) => x !== '').join(', ');
    const open = pairs((i, j) => !irregular(i, j));
    const undefinedPairs = pairs(irregular);
    if (undefinedPairs !== '') out.push(`# undefined for ${undefinedPairs}: the support depends on ${r.irregular.join(', ')}, so the regularity conditions fail`);
    if (open !== '') out.push(`# no closed form for ${open}${at === undefined ? ': give --at to evaluate numerically' : ''}`);
    out.push(`[${r.matrix.map((row, i) => `[${row.map((e, j) => (e !== null ? printExpr(e) : irregular(i, j) ? 'undefined' : `E(${printExpr(r.targets[i]![j]!)})`)).join(', ')}]`).join(',\n ')}]`);
  }
  return [...out, ...pointLines(rep, false), ...checkLines(rep, '#')];
}

function latex(rep: Report): string[] {
  if (rep.kind !== 'ladder') return text(rep);
  return [fisherLatex(rep.r), ...pointLines(rep, true), ...checkLines(rep, '%')];
}

/** The numbers at --at, and their error estimate where there is no closed form. */
function pointLines({ r, at }: Ladder, latex: boolean): string[] {
  if (r.value === undefined || at === undefined) return [];
  const prefix = latex ? '%' : '#';
  const rows = r.value.map((row) => `[${row.map(show).join(', ')}]`);
  const out = [`${prefix} at ${fmtPoint(at)}`, `${latex ? '% ' : ''}[${rows.join(latex ? ', ' : ',\n ')}]`];
  if (!r.closedForm && r.error !== undefined) out.push(`${prefix} error estimate: [${r.error.map((row) => `[${row.map((x) => (Number.isNaN(x) ? '-' : x.toExponential(1))).join(', ')}]`).join(', ')}]`);
  return out;
}

const checkLines = (rep: Ladder, prefix: string): string[] => (rep.checks ?? []).map((c) => `${prefix} check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);

function monteCarloText({ r, at }: MonteCarlo): string[] {
  const method = `monte-carlo (${r.n} draws, seed ${r.seed}, ${r.sampler}, ${r.estimator === 'hessian' ? 'mean of −H' : 'mean of s sᵀ'}${r.controlVariates ? ', the score as control variates' : ''})`;
  return [
    `# Fisher information of one observation, in the order (${r.params.join(', ')})`,
    `# method: ${method}`,
    `# at ${fmtPoint(at)}`,
    matrixText(r.value),
    `# standard error: ${stderrText(r.stderr)}`,
  ];
}

function empiricalText({ m, r, at, source }: Empirical): string[] {
  const out = [
    `# empirical Fisher information (mean of s sᵀ over ${r.rows} rows of ${source}), in the order (${paramOrder(m)}); not the expected information`,
    `# at ${fmtPoint(at)}`,
    matrixText(r.value),
    `# standard error: ${stderrText(r.stderr)}`,
  ];
  if (r.observed !== null) out.push(`# observed information (mean of −H over the rows): ${matrixText(r.observed, ', ')}`);
  if (r.expected !== null) out.push(`# expected information given the rows' covariates (mean of I(θ | row)): ${matrixText(r.expected, ', ')}`);
  return out;
}

function json(rep: Report): Record<string, unknown> {
  if (rep.kind === 'monte-carlo') {
    const { m, r, at } = rep;
    const estimate = (e: { value: number[][]; stderr: number[][] }) => ({ value: { fisher: numberMatrix(e.value) }, stderr: { fisher: numberMatrix(e.stderr) } });
    return {
      params: r.params,
      method: 'monte-carlo',
      closedForm: false,
      estimator: ESTIMATOR_NAME[r.estimator],
      draws: r.n,
      seed: r.seed,
      sampler: r.sampler,
      controlVariates: r.controlVariates,
      at: pointJSON(at),
      value: { fisher: numberMatrix(r.value) },
      stderr: { fisher: numberMatrix(r.stderr) },
      estimates: [
        { estimator: ESTIMATOR_NAME.score, ...estimate(r.estimates.score) },
        ...(r.estimates.hessian !== null ? [{ estimator: ESTIMATOR_NAME.hessian, ...estimate(r.estimates.hessian) }] : []),
      ],
      warnings: [...m.warnings],
    };
  }
  if (rep.kind === 'empirical') {
    const { m, r, at } = rep;
    return {
      params: r.params,
      method: 'empirical',
      description: 'the empirical Fisher information: the mean of score outer products s sᵀ over the rows of the data set (not the expected information)',
      rows: r.rows,
      at: pointJSON(at),
      value: { empirical: numberMatrix(r.value), observed: numberMatrix(r.observed), expected: numberMatrix(r.expected) },
      stderr: { empirical: numberMatrix(r.stderr) },
      warnings: [...m.warnings],
    };
  }
  const j = fisherToJSON(rep.r, rep.at);
  return { ...j, latex: displayLatex(latex(rep)), ...(rep.checks !== undefined ? { checks: rep.checks } : {}) };
}

function notes(rep: Report, format: Format): string[] {
  if (rep.kind !== 'ladder') return [];
  const { r, at } = rep;
  const open = r.matrix.some((row, i) => row.some((e, j) => e === null && !r.irregular.includes(r.params[i]!) && !r.irregular.includes(r.params[j]!)));
  return !r.closedForm && at === undefined && format !== 'latex' && open ? ['some entries have no closed form; add --at to evaluate them numerically'] : [];
}

export const fisherVerb = defineVerb({
  name: 'fisher',
  summary: 'the expected Fisher information of one observation: closed form by the method ladder, numeric with --at',
  arguments: [MODEL_ARGUMENT],
  shared: [
    'latex',
    'json',
    { use: 'at', purpose: 'evaluate at parameter values, numerically where there is no closed form' },
    { use: 'seed', purpose: 'seed of the Monte Carlo draws (default 1)' },
    'quiet',
    { use: 'data', purpose: 'the empirical Fisher information of a data set, at the parameter values of --at' },
  ],
  options: [
    { flags: '--check', description: 'check the result: symmetric, positive semi-definite, E[score] = 0 and E[s sᵀ] = −E[H] by quadrature' },
    { flags: '--mc <N>', description: 'estimate by Monte Carlo from N draws (with --at), with a standard error per entry' },
    { flags: '--estimator <kind>', description: "Monte Carlo estimator: 'hessian' (mean of -H, the default where log p is smooth) or 'score' (mean of s sᵀ)" },
    { flags: '--workers <K>', description: 'worker threads for --mc (default: all cores for 2000000 draws or more)' },
  ],
  help: MODEL_HELP,
  negative: 'a check of --check fails',
  schema: schemaPath('fisher'),
  run,
  json,
  text,
  latex,
  warnings: (rep: Report) => (rep.kind === 'ladder' ? rep.r.warnings : rep.m.warnings),
  notes,
  exit: (rep: Report) => (rep.kind === 'ladder' && rep.checks?.some((c) => !c.ok) ? 1 : 0),
});
