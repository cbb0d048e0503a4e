/**
 * The `fisherlab` command: a thin layer over the library. User mistakes print one message (with
 * line, column and a caret where there is a place) and exit 2; nothing prints a stack trace.
 * Shared helpers live in `common.ts`; a verb in its own file exports `register…(program)` and is
 * added to the list in `program()` below.
 */
import { Command, CommanderError, Option } from 'commander';
import { FisherError } from '../expr/errors';
import type { Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { latexName, latexMatrix, latexVector } from '../expr/latex';
import { printExpr, printMatrix } from '../expr/print';
import { FAMILIES } from '../families/index';
import { evaluateAt, hessian, score } from '../fisher/derivatives';
import { fisher } from '../fisher/fisher';
import { empiricalFisher, logLikelihood, type LikelihoodMode } from '../fisher/empirical';
import { monteCarloFisher, type McEstimator } from '../fisher/montecarlo';
import { fisherLatex, fisherToJSON, toJSON } from '../fisher/json';
import { checkFisher } from '../fisher/check';
import { numericFisher } from '../fisher/numeric';
import type { Model } from '../lang/model';
import { VECTOR_FUNCTIONS } from '../lang/parse';
import { parallelMonteCarlo } from './parallel';
import { MODES, parseMode, runOnData, type DerivativeCliOptions } from './likelihood';
import { registerDerive } from './derive';
import { registerVerify } from './verify';
import { registerGeometry } from './geometry';
import { registerFit } from './fit';
import { registerStats } from './stats';
import {
  MODEL_HELP,
  finish,
  fmtNumber,
  fmtPoint,
  header,
  latexEquation,
  loadModel,
  paramOrder,
  parseAt,
  parseDataAt,
  parseParamsAt,
  positiveInteger,
  print,
  readDataSet,
  readModelArgument,
  requireValues,
  setWriter,
  takeResult,
  warn,
  type OutputOptions,
} from './common';

const VERSION = '0.1.0';

/** Values at a point by the engine `--mode` names (a data set of one row), or from the formulas. */
function valuesAt(m: Model, at: ReadonlyMap<string, number>, mode: LikelihoodMode | undefined, what: 'score' | 'hessian', formulas: () => number[][]): number[][] {
  if (mode === undefined) return formulas();
  const r = logLikelihood(m, [at], at, { mode, hessian: what === 'hessian' });
  return what === 'score' ? [[...r.score]] : r.hessian!.map((row) => [...row]);
}

/** The JSON of score|hessian at a point; with --mode, the numbers come from that engine. */
function derivativesJSON(m: Model, at: ReadonlyMap<string, number> | undefined, mode: LikelihoodMode | undefined, s: Expr[], h: Expr[][]): ReturnType<typeof toJSON> {
  const j = toJSON(m, at, { score: s, hessian: h });
  if (at === undefined || mode === undefined) return j;
  const r = logLikelihood(m, [at], at, { mode, hessian: true });
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return { ...j, value: { score: [...r.score].map(finite), hessian: r.hessian!.map((row) => [...row].map(finite)) } };
}

function runScore(modelArg: string, o: DerivativeCliOptions): void {
  const m = loadModel(modelArg);
  if (o.data !== undefined) return runOnData(m, o, 'score');
  const mode = parseMode(o.mode);
  const s = score(m);
  const at = o.at === undefined ? undefined : parseAt(m, o.at);
  if (at !== undefined) requireValues(m, s, at, 'score');
  if (o.json) {
    const h = hessian(m);
    if (at !== undefined) requireValues(m, h.flat(), at, 'Hessian');
    print(JSON.stringify(derivativesJSON(m, at, mode, s, h), null, 2));
    return;
  }
  warn(m, o.json);
  const names = m.params.map((p) => p.name);
  if (o.latex) {
    const ps = m.params.map((p) => latexName(p.name)).join(', ');
    print(latexEquation(m, names.length === 1 ? `\\frac{\\partial}{\\partial ${ps}}` : `\\nabla_{${ps}}`, names.length === 1 ? latexVector(s).replace(/^\\begin\{pmatrix\} | \\end\{pmatrix\}$/g, '') : latexVector(s)));
  } else {
    print(header(m, 'Score'));
    print(`[${s.map(printExpr).join(',\n ')}]`);
  }
  if (at !== undefined) {
    const v = valuesAt(m, at, mode, 'score', () => [evaluateAt(m, s, at)])[0]!;
    if (o.latex) print(`% at ${fmtPoint(at)}: (${v.map(fmtNumber).join(', ')})`);
    else print(`# at ${fmtPoint(at)}\n[${v.map(fmtNumber).join(', ')}]`);
  }
}

function runHessian(modelArg: string, o: DerivativeCliOptions): void {
  const m = loadModel(modelArg);
  if (o.data !== undefined) return runOnData(m, o, 'hessian');
  const mode = parseMode(o.mode);
  const h = hessian(m);
  const at = o.at === undefined ? undefined : parseAt(m, o.at);
  if (at !== undefined) requireValues(m, h.flat(), at, 'Hessian');
  if (o.json) {
    const s = score(m);
    if (at !== undefined) requireValues(m, s, at, 'score');
    print(JSON.stringify(derivativesJSON(m, at, mode, s, h), null, 2));
    return;
  }
  warn(m, o.json);
  if (o.latex) {
    const ps = m.params.map((p) => latexName(p.name)).join(', ');
    print(latexEquation(m, `\\nabla^{2}_{${ps}}`, latexMatrix(h)));
  } else {
    print(header(m, 'Hessian'));
    print(printMatrix(h, true));
  }
  if (at !== undefined) {
    const rows = valuesAt(m, at, mode, 'hessian', () => h.map((r) => evaluateAt(m, r, at))).map((r) => r.map(fmtNumber));
    if (o.latex) print(`% at ${fmtPoint(at)}: [${rows.map((r) => `[${r.join(', ')}]`).join(', ')}]`);
    else print(`# at ${fmtPoint(at)}\n[${rows.map((r) => `[${r.join(', ')}]`).join(',\n ')}]`);
  }
}

interface FisherCliOptions extends OutputOptions {
  check?: boolean;
  mc?: string;
  seed?: string;
  estimator?: string;
  quiet?: boolean;
  workers?: string;
  data?: string;
}

/** A progress bar on standard error for runs over a second, when it is a terminal. */
function progressBar(quiet: boolean | undefined): ((done: number, total: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const start = Date.now();
  let shown = false;
  return (done, total) => {
    if (Date.now() - start < 1000 && done < total) return;
    shown = true;
    const width = 30;
    const filled = Math.round((width * done) / total);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} draws`);
    if (done >= total && shown) process.stderr.write('\n');
  };
}

async function runMonteCarlo(m: Model, source: string, o: FisherCliOptions): Promise<number> {
  if (o.at === undefined) throw new FisherError('bad-option', '--mc needs --at with the parameter values to sample at');
  const at = parseParamsAt(m, o.at);
  const n = positiveInteger(o.mc, '--mc', 1);
  const seed = positiveInteger(o.seed, '--seed', 1);
  if (seed >= 2 ** 32) throw new FisherError('bad-option', `--seed must be below 4294967296, got ${seed}`);
  if (o.estimator !== undefined && o.estimator !== 'score' && o.estimator !== 'hessian') {
    throw new FisherError('bad-option', `--estimator must be 'score' or 'hessian', got '${o.estimator}'`);
  }
  const estimator = o.estimator as McEstimator | undefined;
  const onProgress = progressBar(o.quiet);
  const workers = positiveInteger(o.workers, '--workers', 1);
  const useWorkers = o.workers !== undefined ? workers > 1 : n >= 2_000_000;
  const r = useWorkers
    ? await parallelMonteCarlo(m, source, at, { n, seed, ...(estimator !== undefined ? { estimator } : {}), ...(o.workers !== undefined ? { workers } : {}), ...(onProgress !== undefined ? { onProgress } : {}) }, new URL('./mc-worker.js', import.meta.url))
    : monteCarloFisher(m, at, { n, seed, ...(estimator !== undefined ? { estimator } : {}), ...(onProgress !== undefined ? { onProgress } : {}) });
  const method = `monte-carlo (${r.n} draws, seed ${r.seed}, ${r.sampler}, ${r.estimator === 'hessian' ? 'mean of −H' : 'mean of s sᵀ'}${r.controlVariates ? ', the score as control variates' : ''})`;
  if (o.json) {
    print(JSON.stringify({ params: r.params, method: 'monte-carlo', closedForm: false, estimator: r.estimator, n: r.n, seed: r.seed, sampler: r.sampler, value: r.value, stderr: r.stderr, estimates: r.estimates, warnings: m.warnings }, null, 2));
    return 0;
  }
  for (const w of m.warnings) process.stderr.write(`warning: ${w}\n`);
  print(`# Fisher information of one observation, in the order (${r.params.join(', ')})`);
  print(`# method: ${method}`);
  print(`# at ${fmtPoint(at)}`);
  print(`[${r.value.map((row) => `[${row.map(fmtNumber).join(', ')}]`).join(',\n ')}]`);
  print(`# standard error: [${r.stderr.map((row) => `[${row.map((x) => x.toExponential(2)).join(', ')}]`).join(', ')}]`);
  return 0;
}

/** The empirical Fisher information of a data set: the mean of s sᵀ over its rows, at θ. */
function runEmpirical(m: Model, o: FisherCliOptions): number {
  if (o.at === undefined) throw new FisherError('bad-option', '--data needs --at with the parameter values');
  const at = parseDataAt(m, o.at);
  const r = empiricalFisher(m, readDataSet(o.data!, m), at);
  if (o.json) {
    print(JSON.stringify({ params: r.params, method: 'empirical', quantity: 'empirical Fisher information: mean of score outer products over the data set', rows: r.rows, value: r.value, stderr: r.stderr, observed: r.observed, expected: r.expected }, null, 2));
    return 0;
  }
  print(`# empirical Fisher information (mean of s sᵀ over ${r.rows} rows of ${o.data}), in the order (${paramOrder(m)}); not the expected information`);
  print(`# at ${fmtPoint(at)}`);
  print(`[${r.value.map((row) => `[${row.map(fmtNumber).join(', ')}]`).join(',\n ')}]`);
  print(`# standard error: [${r.stderr.map((row) => `[${row.map((x) => x.toExponential(2)).join(', ')}]`).join(', ')}]`);
  if (r.observed !== null) print(`# observed information (mean of −H over the rows): [${r.observed.map((row) => `[${row.map(fmtNumber).join(', ')}]`).join(', ')}]`);
  if (r.expected !== null) print(`# expected information given the rows' covariates (mean of I(θ | row)): [${r.expected.map((row) => `[${row.map(fmtNumber).join(', ')}]`).join(', ')}]`);
  return 0;
}

function runFisher(modelArg: string, o: FisherCliOptions): number {
  const m = loadModel(modelArg);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const r = fisher(m, { ...(at !== undefined ? { at } : {}), numeric: numericFisher });
  const checks = o.check ? checkFisher(m, r, at) : undefined;
  if (o.json) {
    const j = fisherToJSON(r);
    print(JSON.stringify(checks === undefined ? j : { ...j, checks }, null, 2));
    return checks !== undefined && checks.some((c) => !c.ok) ? 1 : 0;
  }
  if (!o.json) for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (o.latex) print(fisherLatex(r));
  else {
    const ps = r.params.join(', ');
    print(`# Fisher information of one observation, in the order (${ps})`);
    print(`# method: ${r.method}${r.estimator === 'score-outer-product' ? ' (as E[score scoreᵀ])' : ''}`);
    if (r.closedForm) print(printMatrix(r.matrix as Expr[][], true));
    else {
      const irregular = (i: number, j: number): boolean => r.irregular.includes(r.params[i]!) || r.irregular.includes(r.params[j]!);
      const pairs = (keep: (i: number, j: number) => boolean): string =>
        r.matrix.flatMap((row, i) => row.map((e, j) => (e === null && j >= i && keep(i, j) ? `(${r.params[i]}, ${r.params[j]})` : ''))).filter((x) => x !== '').join(', ');
      const open = pairs((i, j) => !irregular(i, j));
      const undefinedPairs = pairs(irregular);
      if (undefinedPairs !== '') print(`# undefined for ${undefinedPairs}: the support depends on ${r.irregular.join(', ')}, so the regularity conditions fail`);
      if (open !== '') print(`# no closed form for ${open}${at === undefined ? ': give --at to evaluate numerically' : ''}`);
      print(`[${r.matrix.map((row, i) => `[${row.map((e, j) => (e !== null ? printExpr(e) : irregular(i, j) ? 'undefined' : `E(${printExpr(r.targets[i]![j]!)})`)).join(', ')}]`).join(',\n ')}]`);
    }
  }
  if (r.value !== undefined && at !== undefined) {
    const show = (x: number): string => (Number.isNaN(x) ? 'undefined' : fmtNumber(x));
    const rows = r.value.map((row) => `[${row.map(show).join(', ')}]`);
    const prefix = o.latex ? '%' : '#';
    print(`${prefix} at ${fmtPoint(at)}`);
    print(`${o.latex ? '% ' : ''}[${rows.join(o.latex ? ', ' : ',\n ')}]`);
    if (!r.closedForm && r.error !== undefined) print(`${prefix} error estimate: [${r.error.map((row) => `[${row.map((x) => (Number.isNaN(x) ? '-' : x.toExponential(1))).join(', ')}]`).join(', ')}]`);
  } else if (!r.closedForm && at === undefined && !o.latex && r.matrix.some((row, i) => row.some((e, j) => e === null && !r.irregular.includes(r.params[i]!) && !r.irregular.includes(r.params[j]!)))) {
    process.stderr.write('note: some entries have no closed form; add --at to evaluate them numerically\n');
  }
  if (checks !== undefined) {
    for (const c of checks) print(`${o.latex ? '%' : '#'} check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    return checks.some((c) => !c.ok) ? 1 : 0;
  }
  return 0;
}

function runFamilies(o: { json?: boolean }): void {
  if (o.json) {
    print(JSON.stringify([...FAMILIES.values()].map((f) => ({ name: f.name, description: f.description, model: f.text })), null, 2));
    return;
  }
  for (const f of FAMILIES.values()) print(`${f.name.padEnd(20)} ${f.description}`);
}

function runFunctions(): void {
  for (const f of FUNCTIONS.values()) {
    const args = f.arity === 1 ? 'x' : f.name === 'polygamma' ? 'k, x' : f.name === 'lchoose' ? 'n, k' : 'a, b';
    print(`${`${f.name}(${args})`.padEnd(18)} ${f.description}`);
  }
  // Reductions of vectors (every function above applies elementwise to vectors).
  for (const [name, f] of VECTOR_FUNCTIONS) print(`${`${name}(${f.arity === 1 ? 'v' : 'a, b'})`.padEnd(18)} ${f.description.replace(/^\w+\([^)]*\): /, '')}`);
}

function program(): Command {
  const p = new Command('fisherlab')
    .description('Fisher information from a log-density: score, Hessian and more, as text, LaTeX or JSON.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  const common = (c: Command): Command =>
    c
      .argument('<model>', 'the model text, or a file holding it')
      .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready) instead of text').conflicts('json'))
      .option('--json', 'print one JSON object: {"params", "data", "score", "hessian", "warnings", "value"}')
      .option('--at <values>', 'evaluate at a point: parameters and data, e.g. --at x=1.3,mu=0.3,sigma=1.7 (a vector as beta=[0.1,0.2] or beta=0)')
      .option('--data <file.csv>', 'the total over a data set (a CSV whose header names the data and covariates; a vector z as z[1], z[2], ...), at the parameter values of --at')
      .addOption(new Option('--mode <engine>', 'the engine of the numbers: symbolic (compiled derivatives), forward or reverse (default: the fastest that applies)').choices([...MODES]))
      .addHelpText('after', `\n${MODEL_HELP}`);
  common(p.command('score').description('the score: gradient of log p with respect to the parameters')).action((m: string, o: DerivativeCliOptions) => runScore(m, o));
  common(p.command('hessian').description('the Hessian: second derivatives of log p in the parameters')).action((m: string, o: DerivativeCliOptions) => runHessian(m, o));
  p.command('fisher')
    .description('the expected Fisher information of one observation: closed form by the method ladder, numeric with --at')
    .argument('<model>', 'the model text, or a file holding it')
    .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready) instead of text').conflicts('json'))
    .option('--json', 'print one JSON object: {"params", "method", "closedForm", "matrix", "latex", "value", "error", ...}')
    .option('--at <values>', 'evaluate at parameter values, e.g. --at mu=0,sigma=2 (numerically where there is no closed form)')
    .option('--check', 'check the result: symmetric, positive semi-definite, E[score] = 0 and E[s sᵀ] = −E[H] by quadrature')
    .option('--mc <N>', 'estimate by Monte Carlo from N draws (with --at), with a standard error per entry')
    .option('--seed <S>', 'seed of the Monte Carlo draws (default 1); the same seed gives the same numbers')
    .option('--estimator <kind>', "Monte Carlo estimator: 'hessian' (mean of -H, the default where log p is smooth) or 'score' (mean of s sᵀ)")
    .option('--workers <K>', 'worker threads for --mc (default: all cores for 2000000 draws or more)')
    .option('--quiet', 'no progress bar')
    .option('--data <file.csv>', 'the empirical Fisher information of a data set (a CSV with a header row naming the data columns), with --at')
    .addHelpText('after', `\n${MODEL_HELP}`)
    .action((m: string, o: FisherCliOptions) => {
      if (o.mc !== undefined && o.data !== undefined) throw new FisherError('bad-option', '--mc and --data are different quantities: give one');
      if (o.data !== undefined) finish(runEmpirical(loadModel(m), o));
      else if (o.mc !== undefined) finish(runMonteCarlo(loadModel(m), readModelArgument(m), o));
      else finish(runFisher(m, o));
    });
  p.command('families')
    .description('list the built-in families usable as x ~ Family(...)')
    .option('--json', 'print JSON, with each family written in the model language')
    .action((o: { json?: boolean }) => runFamilies(o));
  p.command('functions').description('list the functions of the model language').action(() => runFunctions());
  // Verbs in their own files (each `register…(p)` adds one or more commands):
  registerDerive(p);
  registerVerify(p);
  registerGeometry(p);
  registerFit(p);
  registerStats(p);
  return p;
}

/**
 * Run the CLI on argv (without `node` and the script); returns the exit code.
 * Output goes to the given writer (standard output by default).
 */
export function main(argv: readonly string[], write?: (s: string) => void): number | Promise<number> {
  if (write !== undefined) setWriter(write);
  takeResult();
  try {
    program().parse([...argv], { from: 'user' });
    const r = takeResult();
    if (typeof r !== 'number') return r.catch((e: unknown) => report(e));
    return r;
  } catch (e) {
    return report(e);
  }
}

/** One message for the error, and the exit code: 0 for help, 2 for user errors, 1 for bugs. */
function report(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    return 2;
  }
  if (e instanceof FisherError) {
    process.stderr.write(`${e.format()}\n`);
    return 2;
  }
  if (e instanceof RangeError && /Maximum call stack|Invalid array length|too large/.test(e.message)) {
    process.stderr.write(`error: the expression is too large to handle (${e.message})\n`);
    return 2;
  }
  process.stderr.write(`internal error: ${(e as Error)?.message ?? String(e)}\nThis is a bug in fisherlab; please report it with the command you ran.\n`);
  if (process.env.FISHERLAB_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return 1;
}
