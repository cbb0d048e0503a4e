/**
 * `fisherlab fit MODEL --data file.csv`: the maximum-likelihood estimate from a data set, with
 * standard errors from the expected and the observed information, Wald intervals, and with
 * `--null` the Wald, score and likelihood-ratio tests.
 */
import { Command, Option } from 'commander';
import { FisherError } from '../expr/errors';
import type { Model } from '../lang/model';
import { fit } from '../stats/fit';
import { paramValues } from '../stats/fitdata';
import { fitLatex, fitText, fitToJSON } from '../stats/fitreport';
import { MODEL_HELP, finish, loadModel, parseAt, positiveInteger, print, readCsv, type OutputOptions } from './common';

interface FitCliOptions extends Omit<OutputOptions, 'at'> {
  data: string;
  start?: string;
  null?: string;
  level?: string;
  maxIterations?: string;
}

/**
 * Parameter values for --start or --null: `name=value` pairs read as --at reads them (expressions
 * allowed), each a parameter strictly inside its domain.
 */
function parseValuesFor(m: Model, text: string, flag: string): Map<string, number> {
  let values: Map<string, number>;
  try {
    values = parseAt(m, text);
  } catch (e) {
    if (e instanceof FisherError) throw new FisherError(e.code, e.message.replace(/--at\b/g, flag));
    throw e;
  }
  return paramValues(m, values, flag);
}

function parseLevel(text: string | undefined): number {
  if (text === undefined) return 0.95;
  const v = Number(text);
  if (!(v > 0 && v < 1)) throw new FisherError('bad-option', `--level must be a number strictly between 0 and 1 (e.g. 0.95), got '${text}'`);
  return v;
}

function runFit(modelArg: string, o: FitCliOptions): number {
  const m = loadModel(modelArg);
  const level = parseLevel(o.level);
  const start = o.start === undefined ? undefined : parseValuesFor(m, o.start, '--start');
  const nullValues = o.null === undefined ? undefined : parseValuesFor(m, o.null, '--null');
  const maxIterations = positiveInteger(o.maxIterations, '--max-iterations', 200);
  const rows = readCsv(o.data, m);
  const r = fit(m, rows, {
    level,
    maxIterations,
    rowLabel: (i) => `${o.data}, row ${i + 2}`,
    ...(start !== undefined ? { start } : {}),
    ...(nullValues !== undefined ? { null: nullValues } : {}),
  });
  if (o.json) {
    print(JSON.stringify(fitToJSON(r), null, 2));
    return r.converged ? 0 : 1;
  }
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (o.latex) {
    print(`% maximum-likelihood fit to ${r.n} rows of ${o.data}: ${r.converged ? `converged in ${r.iterations} iteration${r.iterations === 1 ? '' : 's'} (${r.algorithm})` : `no interior maximum (${r.status}): ${r.message}`}`);
    if (r.information.expectedMethod !== null) print(`% expected information: ${r.information.expectedMethod}`);
    for (const block of fitLatex(r)) print(block);
  } else {
    for (const line of fitText(r, o.data)) print(line);
  }
  return r.converged ? 0 : 1;
}

/** Register `fit`. */
export function registerFit(p: Command): void {
  p.command('fit')
    .description('the maximum-likelihood estimate from a data set: standard errors (expected and observed information), Wald intervals, and with --null the Wald, score and likelihood-ratio tests')
    .argument('<model>', 'the model text, or a file holding it')
    .requiredOption('--data <file.csv>', 'the data: a CSV file with a header row naming the data (and covariate) columns')
    .option('--start <values>', 'starting values of some parameters, e.g. --start mu=0,sigma=1 (default: moments of the data)')
    .option('--null <values>', "a null hypothesis fixing some parameters, e.g. --null 'sigma=1': the Wald, score and likelihood-ratio tests (the others are re-fitted under the null)")
    .option('--level <p>', 'confidence level of the Wald intervals (default 0.95)')
    .option('--max-iterations <N>', 'Newton iterations allowed (default 200)')
    .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready): a table of estimates and the tests').conflicts('json'))
    .option('--json', 'print one JSON object: {"params", "estimate", "stderr": {"expected", "observed"}, "interval", "loglik", "n", "iterations", "converged", "tests": {"wald", "score", "lr"}, ...}')
    .addHelpText('after', `\nExit status: 0 with an interior maximum, 1 when there is none (a maximum on the boundary or at infinity, no convergence), 2 for bad input.\n\n${MODEL_HELP}`)
    .action((m: string, o: FitCliOptions) => finish(runFit(m, o)));
}
