/**
 * `fisherlab fit MODEL --data file.csv`: the maximum-likelihood estimate from a data set, with
 * standard errors from the expected and the observed information, Wald intervals, and with
 * `--null` the Wald, score and likelihood-ratio tests.
 */
import { FisherError } from '../../expr/errors';
import type { Model } from '../../lang/model';
import { fit, type FitResult } from '../../stats/fit';
import { paramValues } from '../../stats/fitdata';
import { fitLatex, fitText, fitToJSON } from '../../stats/fitreport';
import { MODEL_HELP, dataName, loadModel, parseAt, positiveInteger, readCsv } from '../common';
import { defineVerb, displayLatex, schemaPath, type VerbContext } from '../registry';
import { MODEL_ARGUMENT } from './shared';

interface FitOptions {
  data: string;
  start?: string;
  null?: string;
  level?: string;
  maxIterations?: string;
}

interface Report {
  readonly r: FitResult;
  /** What the data set is called (a path, or standard input). */
  readonly source: string;
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

function run({ args, options: o, io }: VerbContext<FitOptions>): Report {
  const m = loadModel(args[0], io);
  const level = parseLevel(o.level);
  const start = o.start === undefined ? undefined : parseValuesFor(m, o.start, '--start');
  const nullValues = o.null === undefined ? undefined : parseValuesFor(m, o.null, '--null');
  const maxIterations = positiveInteger(o.maxIterations, '--max-iterations', 200);
  const source = dataName(o.data);
  const rows = readCsv(o.data, m, io);
  const r = fit(m, rows, {
    level,
    maxIterations,
    rowLabel: (i) => `${source}, row ${i + 2}`,
    ...(start !== undefined ? { start } : {}),
    ...(nullValues !== undefined ? { null: nullValues } : {}),
  });
  return { r, source };
}

function latex({ r, source }: Report): string[] {
  const out = [`% maximum-likelihood fit to ${r.n} rows of ${source}: ${r.converged ? `converged in ${r.iterations} iteration${r.iterations === 1 ? '' : 's'} (${r.algorithm})` : `no interior maximum (${r.status}): ${r.message}`}`];
  if (r.information.expectedMethod !== null) out.push(`% expected information: ${r.information.expectedMethod}`);
  return [...out, ...fitLatex(r)];
}

export const fitVerb = defineVerb({
  name: 'fit',
  summary: 'the maximum-likelihood estimate from a data set: standard errors (expected and observed information), Wald intervals, and with --null the Wald, score and likelihood-ratio tests',
  arguments: [MODEL_ARGUMENT],
  shared: [{ use: 'data', purpose: 'the data', required: true }, 'latex', 'json'],
  options: [
    { flags: '--start <values>', description: 'starting values of some parameters, e.g. --start mu=0,sigma=1 (default: moments of the data)' },
    { flags: '--null <values>', description: "a null hypothesis fixing some parameters, e.g. --null 'sigma=1': the Wald, score and likelihood-ratio tests (the others are re-fitted under the null)" },
    { flags: '--level <p>', description: 'confidence level of the Wald intervals (default 0.95)' },
    { flags: '--max-iterations <N>', description: 'Newton iterations allowed (default 200)' },
  ],
  help: MODEL_HELP,
  negative: 'no interior maximum (a maximum on the boundary or at infinity, or no convergence)',
  schema: schemaPath('fit'),
  run,
  json: (rep: Report) => ({ ...fitToJSON(rep.r), latex: displayLatex(latex(rep)) }),
  text: ({ r, source }: Report) => fitText(r, source),
  latex,
  warnings: ({ r }: Report) => r.warnings,
  exit: ({ r }: Report) => (r.converged ? 0 : 1),
});
