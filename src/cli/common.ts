/**
 * What every verb of the command line shares: reading MODEL, `--at` values checked against the
 * declarations, CSV data sets, number formatting, and the output writer. A verb lives in its own
 * file, exports a `register…(program)` function, and is registered in `main.ts`; its action
 * returns the exit code (or a promise of it) through `finish`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { symbols, type Expr } from '../expr/expr';
import { contains, formatInterval } from '../expr/interval';
import { latexName } from '../expr/latex';
import { constantValues } from '../fisher/derivatives';
import type { Model } from '../lang/model';
import { parse, parseExpr, suggest } from '../lang/parse';

let out: (s: string) => void = (s) => process.stdout.write(`${s}\n`);
/** Print one line (or several) to the verb's output. */
export const print = (s: string): void => out(s);
/** Redirect `print` (main() does this for in-process runs). */
export function setWriter(write: (s: string) => void): void {
  out = write;
}

let result: number | Promise<number> = 0;
/** A verb's action reports its exit code (0 ok, 1 a claim or check failed) or a promise of it. */
export function finish(r: number | Promise<number> | void): void {
  result = r ?? 0;
}
/** Read and reset the last verb's result (main.ts). */
export function takeResult(): number | Promise<number> {
  const r = result;
  result = 0;
  return r;
}

export interface OutputOptions {
  latex?: boolean;
  json?: boolean;
  at?: string;
}

/** Read MODEL: a path to a file holding the model, `-` for standard input, or the model text itself. */
export function readModelArgument(arg: string): string {
  if (arg === '-') return readFileSync(0, 'utf8');
  if (!arg.includes('\n') && arg.length < 4096 && existsSync(arg) && statSync(arg).isFile()) return readFileSync(arg, 'utf8');
  return arg;
}

export function loadModel(arg: string): Model {
  const text = readModelArgument(arg);
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof FisherError && /^[\w./\\-]+\.\w+$/.test(arg.trim()) && !existsSync(arg)) {
      throw new FisherError('io', `no such file: ${arg} (and it does not read as a model either: ${e.message})`);
    }
    throw e;
  }
}

/** Parse `--at mu=0.3,sigma=1.7` into values, checked against the model's declarations. */
export function parseAt(m: Model, text: string): Map<string, number> {
  const out = new Map<string, number>();
  const consts = constantValues(m);
  for (const part of text.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FisherError('bad-option', `--at expects name=value pairs separated by commas, got '${part}'`);
    const name = part.slice(0, eq).trim();
    const valueText = part.slice(eq + 1).trim();
    const decl = m.symbols.get(name);
    if (decl === undefined || decl.role === 'const') {
      const known = [...m.symbols.values()].filter((d) => d.role !== 'const').map((d) => d.name);
      const what = decl?.role === 'const' ? `'${name}' is a constant of the model (its value is fixed in the model text)` : `--at names '${name}', which the model does not declare${suggest(name, known)}`;
      throw new FisherError('bad-option', `${what}; the model's parameters and data are: ${known.join(', ')}`);
    }
    let value: number;
    try {
      value = evaluate(parseExpr(valueText), consts);
    } catch {
      throw new FisherError('bad-value', `--at ${name}=${valueText}: not a number`);
    }
    if (!Number.isFinite(value)) throw new FisherError('bad-value', `--at ${name}=${valueText}: not a finite number`);
    if (!contains(decl.range, value)) {
      throw new FisherError('bad-value', `--at ${name}=${valueText}: ${name} must lie in ${decl.label === 'real' ? formatInterval(decl.range) : decl.label}`);
    }
    if (decl.support.kind === 'integers' && !Number.isInteger(value)) throw new FisherError('bad-value', `--at ${name}=${valueText}: ${name} takes whole values`);
    if (decl.support.kind === 'set') {
      const allowed = decl.support.values.map((v) => evaluate(v, consts));
      if (!allowed.includes(value)) throw new FisherError('bad-value', `--at ${name}=${valueText}: ${name} takes the values ${allowed.join(', ')}`);
    }
    out.set(name, value);
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
export const fmtPoint = (at: ReadonlyMap<string, number>): string => [...at].map(([k, v]) => `${k} = ${v}`).join(', ');

export function header(m: Model, what: string): string {
  const ps = m.params.map((p) => p.name).join(', ');
  const ds = [...m.data, ...m.givens].map((d) => d.name).join(', ');
  return `# ${what} of log p(${ds}${ds === '' ? '' : ' | '}${ps}), in the order (${ps})`;
}

export function latexEquation(m: Model, lhs: string, body: string): string {
  const ps = m.params.map((p) => latexName(p.name)).join(', ');
  const ds = [...m.data, ...m.givens].map((d) => latexName(d.name)).join(', ');
  return `${lhs} \\log p(${ds}${ds === '' ? '' : ' \\mid '}${ps}) = ${body}`;
}

export function warn(m: Model, json: boolean | undefined): void {
  if (json) return;
  for (const w of m.warnings) process.stderr.write(`warning: ${w}\n`);
}

export function positiveInteger(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(v) || v < 1 || !Number.isInteger(v)) throw new FisherError('bad-option', `${what} must be a whole number of at least 1, got '${text}'`);
  return v;
}

export function readCsv(path: string, m: Model): Array<Map<string, number>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FisherError('io', `cannot read the data file ${path}`);
  }
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (e) {
    throw new FisherError('io', `${path} is not a CSV file with a header row: ${(e as Error).message}`);
  }
  const need = [...m.data, ...m.givens].map((d) => d.name);
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  const missing = need.filter((n) => !header.includes(n));
  if (missing.length > 0) throw new FisherError('io', `${path} has no column ${missing.map((x) => `'${x}'`).join(', ')} (its header: ${header.join(', ')})`);
  return records.map((rec, i) =>
    new Map(
      need.map((name) => {
        const v = Number(rec[name]);
        if (rec[name] === '' || !Number.isFinite(v)) throw new FisherError('io', `${path}, row ${i + 2}, column '${name}': '${rec[name]}' is not a number`);
        return [name, v];
      }),
    ),
  );
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

export const MODEL_HELP = `MODEL is the model text or a path to a file holding it (- reads standard input), e.g.
  'x ~ Normal(mu, sigma)'
  'data x in {0,1}; param p in (0,1); logp = x*log(p) + (1-x)*log(1-p)'`;

