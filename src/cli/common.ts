/**
 * What every verb of the command line shares: reading MODEL (an argument, a file, or standard
 * input), `--at` values checked against the declarations, CSV data sets (a file or standard
 * input), and number formatting. The verbs themselves are specs in `verbs/`, run by `registry.ts`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { parse as parseCsv } from 'csv-parse/sync';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { symbols, type Expr } from '../expr/expr';
import { latexName } from '../expr/latex';
import { columnNames, dataSet, rowInputs, type DataSet } from '../ad/dataset';
import { constantValues } from '../fisher/derivatives';
import { normalizeName } from '../lang/lexer';
import { displayNames, supportTest, type Declaration, type Model } from '../lang/model';
import { parse, parseExpr, suggest } from '../lang/parse';
import { splitComponent } from '../lang/vnode';

/**
 * Standard input and the terminal, as a verb sees them (main() makes one per run; tests pass
 * their own). Standard input is read at most once, for one purpose.
 */
export interface Io {
  /** All of standard input; `what` names its use ("the model", "the data"), for the message when two things ask for it. */
  stdin(what: string): string;
  /** Standard input is a terminal (so a missing MODEL is not waiting in a pipe). */
  readonly stdinIsTTY: boolean;
  /** Standard error: messages, warnings, notes, the progress bar (only where `isTTY`). */
  readonly stderr: { readonly isTTY?: boolean; readonly columns?: number; write(s: string): unknown };
}

/**
 * The Io of a process: standard input read whole, once; standard error.
 * @param read reads all of standard input (tests give their own)
 */
export function processIo(read: () => string = () => readFileSync(0, 'utf8'), stdinIsTTY = isatty(0), stderr: Io['stderr'] = process.stderr): Io {
  let usedFor: string | undefined;
  return {
    stdinIsTTY,
    stderr,
    stdin(what) {
      if (usedFor !== undefined) throw new FisherError('bad-option', `standard input is already read as ${usedFor}: give ${what} as a file or as text`);
      usedFor = what;
      let text: string;
      try {
        text = read();
      } catch (e) {
        throw new FisherError('io', `cannot read ${what} from standard input (${(e as Error).message})`);
      }
      if (text.trim() === '') throw new FisherError('io', `standard input is empty: pipe ${what} into fisherlab, or give ${what === 'the model' ? 'the model text or a file' : 'a file'}`);
      return text;
    },
  };
}

/** Shown for a missing MODEL on a terminal. */
const NO_MODEL = 'give the model: its text, a file holding it, or pipe it on standard input (e.g. fisherlab fisher \'x ~ Normal(mu, sigma)\')';

/**
 * Read MODEL: a path to a file holding the model, `-` or nothing (with a pipe) for standard
 * input, or the model text itself. A directory is an error that says so.
 */
export function readModelArgument(arg: string | undefined, io: Io): string {
  if (arg === undefined) {
    if (io.stdinIsTTY) throw new FisherError('bad-option', NO_MODEL);
    return io.stdin('the model');
  }
  if (arg === '-') return io.stdin('the model');
  if (!arg.includes('\n') && arg.length < 4096 && existsSync(arg)) {
    const st = statSync(arg);
    if (st.isDirectory()) throw new FisherError('io', `${arg} is a directory; give a model file or the model text`);
    if (st.isFile()) {
      try {
        return readFileSync(arg, 'utf8');
      } catch (e) {
        throw new FisherError('io', `cannot read the model file ${arg} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
  }
  return arg;
}

/** Read and parse MODEL (see `readModelArgument`). */
export function loadModel(arg: string | undefined, io: Io): Model {
  const text = readModelArgument(arg, io);
  try {
    return parse(text);
  } catch (e) {
    if (arg !== undefined && e instanceof FisherError && /^[\w./\\-]+\.\w+$/.test(arg.trim()) && !existsSync(arg)) {
      throw new FisherError('io', `no such file: ${arg} (and it does not read as a model either: ${e.message})`);
    }
    throw e;
  }
}

/** Split `a=1, b=[1, 2], c=lbeta(1, 2)` at the commas and semicolons outside brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if ((c === ',' || c === ';') && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((x) => x.trim()).filter((x) => x !== '');
}

/** One `--at` value: an expression of numbers and constants, inside the declaration's support. */
function atValue(decl: Declaration, valueText: string, consts: ReadonlyMap<string, number>, label = decl.name): number {
  let value: number;
  try {
    value = evaluate(parseExpr(valueText), consts);
  } catch (e) {
    // A character the language cannot read: its message names the ASCII to write.
    const why = e instanceof FisherError && e.code === 'syntax' && e.message.startsWith('unexpected character') ? e.message : 'not a number';
    throw new FisherError('bad-value', `--at ${label}=${valueText}: ${why}`);
  }
  if (!Number.isFinite(value)) throw new FisherError('bad-value', `--at ${label}=${valueText}: not a finite number`);
  const why = supportTest(decl, consts)(value);
  if (why !== undefined) throw new FisherError('bad-value', `--at ${label}=${valueText}: ${decl.name} ${why}`);
  return value;
}

/**
 * Parse `--at mu=0.3,sigma=1.7` into values, checked against the model's declarations. A vector
 * takes a list, `beta=[0.1, -0.2, 0.3]`, or one value for every component, `beta=0`; a component
 * is named as `beta[2]=0.5`.
 */
export function parseAt(m: Model, text: string): Map<string, number> {
  const out = new Map<string, number>();
  const consts = constantValues(m);
  for (const part of splitTopLevel(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FisherError('bad-option', `--at expects name=value pairs separated by commas, got '${part}'`);
    // Greek names as the model language reads them: μ=0 is mu=0.
    const name = normalizeName(part.slice(0, eq).trim());
    const valueText = part.slice(eq + 1).trim();
    const vector = m.vectors.get(name);
    if (vector !== undefined) {
      const list = /^\[([^]*)\]$/.exec(valueText);
      const texts = list === null ? vector.components.map(() => valueText) : splitTopLevel(list[1]!);
      if (texts.length !== vector.length) throw new FisherError('bad-value', `--at ${name}: ${texts.length} value${texts.length === 1 ? '' : 's'} for a vector of length ${vector.length}`);
      vector.components.forEach((c, k) => out.set(c.name, atValue(c, texts[k]!, consts, c.name)));
      continue;
    }
    const decl = m.symbols.get(name);
    if (decl === undefined || decl.role === 'const') {
      const known = displayNames(m, [...m.symbols.values()].filter((d) => d.role !== 'const'));
      const what = decl?.role === 'const' ? `'${name}' is a constant of the model (its value is fixed in the model text)` : `--at names '${name}', which the model does not declare${suggest(name, known)}`;
      throw new FisherError('bad-option', `${what}; the model's parameters and data are: ${known.join(', ')}`);
    }
    out.set(name, atValue(decl, valueText, consts));
  }
  return out;
}

/** Every symbol the expressions need must have a value. */
export function requireValues(m: Model, es: readonly Expr[], at: ReadonlyMap<string, number>, what: string): void {
  const missing = new Set<string>();
  for (const e of es) {
    for (const s of symbols(e)) {
      if (!at.has(s) && m.symbols.get(s)?.role !== 'const' && m.symbols.has(s)) missing.add(s);
    }
  }
  if (missing.size > 0) {
    throw new FisherError('bad-option', `--at needs a value for ${[...missing].join(', ')} to evaluate the ${what} (e.g. --at ${[...missing].map((s) => `${s}=1`).join(',')})`);
  }
}

export const fmtNumber = (x: number): string => (Number.isFinite(x) ? `${Number(x.toPrecision(12))}` : `${x}`);
/** `mu = 0.3, beta = [0.1, 0.2]`: the components of a vector, in order from [1], as one list. */
export function fmtPoint(at: ReadonlyMap<string, number>): string {
  const parts: string[] = [];
  let vector: { name: string; values: number[] } | undefined;
  const flush = (): void => {
    if (vector !== undefined) parts.push(`${vector.name} = [${vector.values.join(', ')}]`);
    vector = undefined;
  };
  for (const [k, v] of at) {
    const c = splitComponent(k);
    if (c !== undefined && vector?.name === c[0] && c[1] === vector.values.length + 1) vector.values.push(v);
    else if (c !== undefined && c[1] === 1) {
      flush();
      vector = { name: c[0], values: [v] };
    } else {
      flush();
      parts.push(`${k} = ${v}`);
    }
  }
  flush();
  return parts.join(', ');
}

/** The parameters in the order of results, a vector's components as a range: `beta[1..100], sigma`. */
export function paramOrder(m: Model): string {
  return displayNames(m, m.params)
    .map((n) => (m.vectors.has(n) ? `${n}[1..${m.vectors.get(n)!.length}]` : n))
    .join(', ');
}

export function header(m: Model, what: string): string {
  const ps = displayNames(m, m.params).join(', ');
  const ds = displayNames(m, [...m.data, ...m.givens]).join(', ');
  return `# ${what} of log p(${ds}${ds === '' ? '' : ' | '}${ps}), in the order (${paramOrder(m)})`;
}

export function latexEquation(m: Model, lhs: string, body: string): string {
  const ps = displayNames(m, m.params).map(latexName).join(', ');
  const ds = displayNames(m, [...m.data, ...m.givens]).map(latexName).join(', ');
  return `${lhs} \\log p(${ds}${ds === '' ? '' : ' \\mid '}${ps}) = ${body}`;
}

export function positiveInteger(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(v) || v < 1 || !Number.isInteger(v)) throw new FisherError('bad-option', `${what} must be a whole number of at least 1, got '${text}'`);
  return v;
}

/**
 * Read a CSV data set (a header row naming the columns) for a model: one Float64Array per data
 * symbol and covariate, a vector `z in real[d]` as the columns `z[1]`, ..., `z[d]`. Extra columns
 * are ignored; a missing column or a cell that is not a number is an error naming it.
 */
export function readCsvColumns(path: string, m: Model, io: Io): Record<string, Float64Array> {
  let text: string;
  if (path === '-') text = io.stdin('the data');
  else {
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new FisherError('io', code === 'EISDIR' ? `${path} is a directory; give a CSV file (or - for standard input)` : `cannot read the data file ${path}`);
    }
  }
  const file = dataName(path);
  let records: string[][];
  try {
    records = parseCsv(text, { skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new FisherError('io', `${file} is not a CSV file with a header row: ${(e as Error).message}`);
  }
  const header = records[0] ?? [];
  const column = new Map(header.map((h, i) => [h, i]));
  const inputs = rowInputs(m);
  const need = inputs.flatMap(columnNames);
  const missing = need.filter((n) => !column.has(n));
  if (missing.length > 0) {
    const vectors = inputs.filter((i) => i.length > 0 && columnNames(i).some((c) => missing.includes(c)));
    const hint = vectors.length > 0 ? `; a vector ${vectors[0]!.name} in ${vectors[0]!.decls[0]!.label}[${vectors[0]!.length}] is the columns ${vectors[0]!.name}[1], ..., ${vectors[0]!.name}[${vectors[0]!.length}]` : '';
    const shown = missing.length > 6 ? [...missing.slice(0, 5), `... (${missing.length} in all)`] : missing;
    throw new FisherError('io', `${file} has no column ${shown.map((x) => (x.startsWith('...') ? x : `'${x}'`)).join(', ')} (its header: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''})${hint}`);
  }
  const rows = records.length - 1;
  const out: Record<string, Float64Array> = {};
  for (const name of need) {
    const j = column.get(name)!;
    const col = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const cell = records[r + 1]![j];
      const v = Number(cell);
      if (cell === undefined || cell === '' || !Number.isFinite(v)) throw new FisherError('io', `${file}, row ${r + 2}, column '${name}': '${cell ?? ''}' is not a number`);
      col[r] = v;
    }
    out[name] = col;
  }
  return out;
}

/** What a data set is called in messages and headers: its path, or "standard input" for `-`. */
export const dataName = (path: string): string => (path === '-' ? 'standard input' : path);

/** A CSV data set for the vector engine: columns read by `readCsvColumns`, values checked against the supports. */
export function readDataSet(path: string, m: Model, io: Io): DataSet {
  return dataSet(m, readCsvColumns(path, m, io), { rowLabel: (r) => `${dataName(path)}, row ${r + 2}` });
}

/** A CSV data set as rows of values by name (see `readCsvColumns`). */
export function readCsv(path: string, m: Model, io: Io): Array<Map<string, number>> {
  const cols = Object.entries(readCsvColumns(path, m, io));
  const rows = cols[0]?.[1].length ?? 0;
  return Array.from({ length: rows }, (_, r) => new Map(cols.map(([name, c]) => [name, c[r]!])));
}

/**
 * `--at` beside `--data`: parameter values only, every parameter given (the data and covariates
 * come from the file).
 */
export function parseDataAt(m: Model, text: string): Map<string, number> {
  const at = parseAt(m, text);
  for (const name of at.keys()) {
    const d = m.symbols.get(name)!;
    if (d.role !== 'param') throw new FisherError('bad-option', `--at ${name}: with --data the values of the ${d.role === 'data' ? 'data' : 'covariates'} come from the file; give parameter values only`);
  }
  const missing = m.params.filter((p) => !at.has(p.name));
  if (missing.length > 0) {
    const names = displayNames(m, missing);
    throw new FisherError('bad-option', `--at needs a value for ${names.join(', ')} (e.g. --at ${names.map((n) => `${n}=${m.vectors.has(n) ? '0' : '1'}`).join(',')})`);
  }
  return at;
}

/** `--at` for the Fisher matrix: parameters (and covariates) only, since it is an expectation over the data. */
export function parseParamsAt(m: Model, text: string): Map<string, number> {
  const at = parseAt(m, text);
  for (const name of at.keys()) {
    if (m.symbols.get(name)?.role === 'data') {
      throw new FisherError('bad-option', `--at ${name}: '${name}' is data, and the Fisher information is an expectation over the data; give parameter values only`);
    }
  }
  const missing = [...m.params, ...m.givens].map((d) => d.name).filter((n) => !at.has(n));
  if (missing.length > 0) throw new FisherError('bad-option', `--at needs a value for ${missing.join(', ')} (e.g. --at ${missing.map((n) => `${n}=1`).join(',')})`);
  return at;
}

export const MODEL_HELP = `MODEL is the model text or a path to a file holding it; without MODEL (or with -) the model
is read from standard input, e.g.
  fisherlab fisher 'x ~ Normal(mu, sigma)'
  fisherlab fisher 'data x in {0,1}; param p in (0,1); logp = x*log(p) + (1-x)*log(1-p)'
  echo 'x ~ Gamma(a, b)' | fisherlab fisher`;
