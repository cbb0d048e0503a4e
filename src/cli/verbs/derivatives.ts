/**
 * `fisherlab score MODEL` and `fisherlab hessian MODEL`: the score and Hessian of log p in closed
 * form (numbers with `--at`), or with `--data file.csv` the score and Hessian of the
 * log-likelihood of a data set (the total over its rows) by the engine `--mode` picks.
 */
import { FisherError } from '../../expr/errors';
import type { Expr } from '../../expr/expr';
import { latexMatrix, latexName, latexVector } from '../../expr/latex';
import { printExpr, printMatrix } from '../../expr/print';
import { evaluateAt, hessian, score } from '../../fisher/derivatives';
import { defaultMode, logLikelihood, type Likelihood, type LikelihoodMode } from '../../fisher/empirical';
import { toJSON } from '../../fisher/json';
import { displayNames, type Model } from '../../lang/model';
import { MODEL_HELP, dataName, fmtNumber, fmtPoint, header, latexEquation, loadModel, paramOrder, parseAt, parseDataAt, readDataSet, requireValues } from '../common';
import { defineVerb, displayLatex, schemaPath, type VerbContext } from '../registry';
import { MODEL_ARGUMENT, finite } from './shared';

interface DerivativeOptions {
  at?: string;
  data?: string;
  mode?: string;
}

/** The engines `--mode` may name. */
export const MODES: readonly LikelihoodMode[] = ['symbolic', 'forward', 'reverse'];

/** `--mode`, checked (commander checks the choices too; the library entry does not). */
function parseMode(text: string | undefined): LikelihoodMode | undefined {
  if (text === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(text)) throw new FisherError('bad-option', `--mode must be one of ${MODES.join(', ')}, got '${text}'`);
  return text as LikelihoodMode;
}

type What = 'score' | 'hessian';

/** The derivatives in closed form; numbers at `at` (from the engine `mode` names, or the formulas). */
interface Symbolic {
  readonly kind: 'symbolic';
  readonly what: What;
  readonly m: Model;
  /** The score (the score verb, or JSON). */
  readonly s?: Expr[];
  /** The Hessian (the hessian verb, or JSON). */
  readonly h?: Expr[][];
  readonly at?: ReadonlyMap<string, number>;
  readonly mode?: LikelihoodMode;
  readonly values?: { readonly score?: number[]; readonly hessian?: number[][] };
}

/** The derivatives of a data set's log-likelihood at `at`. */
interface OnData {
  readonly kind: 'data';
  readonly what: What;
  readonly m: Model;
  readonly r: Likelihood;
  readonly at: ReadonlyMap<string, number>;
  /** What the data set is called (a path, or standard input). */
  readonly source: string;
}

type Report = Symbolic | OnData;

function run(what: What, { args, options: o, format, io }: VerbContext<DerivativeOptions>): Report {
  const m = loadModel(args[0], io);
  if (o.data !== undefined) {
    if (o.at === undefined) throw new FisherError('bad-option', `--data needs --at with the parameter values (e.g. --at ${displayNames(m, m.params).map((n) => `${n}=0`).join(',')})`);
    const at = parseDataAt(m, o.at);
    const mode = parseMode(o.mode) ?? defaultMode(m);
    const r = logLikelihood(m, readDataSet(o.data, m, io), at, { hessian: what === 'hessian', mode });
    return { kind: 'data', what, m, r, at, source: dataName(o.data) };
  }
  const mode = parseMode(o.mode);
  const all = format === 'json';
  const first = what === 'score' ? score(m) : hessian(m);
  const at = o.at === undefined ? undefined : parseAt(m, o.at);
  const s = what === 'score' ? (first as Expr[]) : all ? score(m) : undefined;
  const h = what === 'hessian' ? (first as Expr[][]) : all ? hessian(m) : undefined;
  if (at === undefined) return { kind: 'symbolic', what, m, ...(s ? { s } : {}), ...(h ? { h } : {}) };
  // Every value the output shows must be there: the verb's own quantity first.
  for (const q of what === 'score' ? (['score', 'hessian'] as const) : (['hessian', 'score'] as const)) {
    if (q === 'score' && s !== undefined) requireValues(m, s, at, 'score');
    if (q === 'hessian' && h !== undefined) requireValues(m, h.flat(), at, 'Hessian');
  }
  const values = mode !== undefined ? engineValues(m, at, mode, h !== undefined) : { ...(s ? { score: evaluateAt(m, s, at) } : {}), ...(h ? { hessian: h.map((row) => evaluateAt(m, row, at)) } : {}) };
  return { kind: 'symbolic', what, m, ...(s ? { s } : {}), ...(h ? { h } : {}), at, ...(mode !== undefined ? { mode } : {}), values };
}

/** The numbers at a point from an engine (a data set of one row). */
function engineValues(m: Model, at: ReadonlyMap<string, number>, mode: LikelihoodMode, withHessian: boolean): { score: number[]; hessian?: number[][] } {
  const r = logLikelihood(m, [at], at, { mode, hessian: withHessian });
  return { score: [...r.score], ...(r.hessian !== undefined ? { hessian: r.hessian.map((row) => [...row]) } : {}) };
}

const rowText = (v: readonly number[]): string => `[${v.map(fmtNumber).join(', ')}]`;

function text(r: Report): string[] {
  if (r.kind === 'data') return dataText(r);
  const out: string[] = [];
  if (r.what === 'score') {
    out.push(header(r.m, 'Score'), `[${r.s!.map(printExpr).join(',\n ')}]`);
    if (r.at !== undefined) out.push(`# at ${fmtPoint(r.at)}\n${rowText(r.values!.score!)}`);
  } else {
    out.push(header(r.m, 'Hessian'), printMatrix(r.h!, true));
    if (r.at !== undefined) out.push(`# at ${fmtPoint(r.at)}\n[${r.values!.hessian!.map(rowText).join(',\n ')}]`);
  }
  return out;
}

function latex(r: Report): string[] {
  if (r.kind === 'data') return dataLatex(r);
  const ps = r.m.params.map((p) => latexName(p.name)).join(', ');
  if (r.what === 'score') {
    const one = r.m.params.length === 1;
    const body = one ? latexVector(r.s!).replace(/^\\begin\{pmatrix\} | \\end\{pmatrix\}$/g, '') : latexVector(r.s!);
    const out = [latexEquation(r.m, one ? `\\frac{\\partial}{\\partial ${ps}}` : `\\nabla_{${ps}}`, body)];
    if (r.at !== undefined) out.push(`% at ${fmtPoint(r.at)}: (${r.values!.score!.map(fmtNumber).join(', ')})`);
    return out;
  }
  const out = [latexEquation(r.m, `\\nabla^{2}_{${ps}}`, latexMatrix(r.h!))];
  if (r.at !== undefined) out.push(`% at ${fmtPoint(r.at)}: [${r.values!.hessian!.map(rowText).join(', ')}]`);
  return out;
}

/** A number for LaTeX: 1.5e-7 becomes 1.5 \times 10^{-7}. */
const latexNumber = (x: number): string => fmtNumber(x).replace(/^(-?[\d.]+)e([+-])(\d+)$/, (_, a: string, s: string, e: string) => `${a} \\times 10^{${s === '-' ? '-' : ''}${e}}`);

const engineText = (r: Likelihood): string => `${r.mode}${r.method !== undefined ? `: ${r.method}` : ''}`;

function dataText({ what, m, r, at, source }: OnData): string[] {
  return [
    `# ${what === 'score' ? 'Score' : 'Hessian'} of the log-likelihood of ${r.rows} rows of ${source}, in the order (${paramOrder(m)})`,
    `# engine: ${engineText(r)}`,
    `# at ${fmtPoint(at)}`,
    `# log-likelihood: ${fmtNumber(r.value)}`,
    what === 'score' ? rowText([...r.score]) : `[${r.hessian!.map((row) => rowText([...row])).join(',\n ')}]`,
  ];
}

function dataLatex({ what, m, r, at, source }: OnData): string[] {
  const ps = displayNames(m, m.params).map(latexName).join(', ');
  const ds = displayNames(m, [...m.data, ...m.givens]).map((d) => `${latexName(d)}_i`).join(', ');
  const lhs = `\\sum_{i=1}^{${r.rows}} ${what === 'score' ? `\\nabla_{${ps}}` : `\\nabla^{2}_{${ps}}`} \\log p(${ds}${ds === '' ? '' : ' \\mid '}${ps})`;
  const body = what === 'score' ? [...r.score].map(latexNumber).join(' \\\\ ') : r.hessian!.map((row) => [...row].map(latexNumber).join(' & ')).join(' \\\\ ');
  return [`${lhs} = \\begin{pmatrix} ${body} \\end{pmatrix}`, `% at ${fmtPoint(at)}; log-likelihood ${fmtNumber(r.value)}; ${r.rows} rows of ${source}; engine ${engineText(r)}`];
}

function warnings(r: Report): string[] {
  const ws = [...r.m.warnings];
  if (r.kind === 'data' && !Number.isFinite(r.r.value)) ws.push('the log-likelihood is not finite at these parameter values (a row where the density is 0, or an overflow)');
  return ws;
}

function json(r: Report): Record<string, unknown> {
  const tex = displayLatex(latex(r));
  if (r.kind === 'data') {
    const l = r.r;
    return {
      params: l.params,
      data: r.m.data.map((d) => d.name),
      rows: l.rows,
      mode: l.mode,
      ...(l.method !== undefined ? { method: l.method } : {}),
      at: Object.fromEntries(r.at),
      value: { logLikelihood: finite(l.value), score: [...l.score].map(finite), ...(l.hessian !== undefined ? { hessian: l.hessian.map((row) => [...row].map(finite)) } : {}) },
      latex: tex,
      warnings: warnings(r),
    };
  }
  const j = toJSON(r.m, r.at, { score: r.s!, hessian: r.h! });
  if (r.mode === undefined || r.values === undefined) return { ...j, latex: tex };
  // With --mode the numbers come from that engine.
  return { ...j, latex: tex, mode: r.mode, value: { score: r.values.score!.map(finite), hessian: r.values.hessian!.map((row) => row.map(finite)) } };
}

const SHARED_OPTIONS = [
  'latex',
  'json',
  { use: 'at', purpose: 'evaluate at a point: parameters and data (with --data, parameter values only)' },
  { use: 'data', purpose: 'the total over the rows of a data set, at the parameter values of --at' },
] as const;

const MODE_OPTION = {
  flags: '--mode <engine>',
  description: 'the engine of the numbers: symbolic (compiled derivatives), forward or reverse (default: the fastest that applies)',
  choices: MODES,
};

const verb = (what: What, summary: string) =>
  defineVerb({
    name: what,
    summary,
    arguments: [MODEL_ARGUMENT],
    shared: SHARED_OPTIONS,
    options: [MODE_OPTION],
    help: MODEL_HELP,
    schema: schemaPath(what),
    run: (ctx: VerbContext<DerivativeOptions>) => run(what, ctx),
    json,
    text,
    latex,
    warnings,
  });

export const scoreVerb = verb('score', 'the score: gradient of log p with respect to the parameters');
export const hessianVerb = verb('hessian', 'the Hessian: second derivatives of log p in the parameters');
