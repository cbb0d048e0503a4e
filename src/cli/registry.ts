/**
 * The verb registry. Every verb of `fisherlab` is one spec: its arguments, its own options, the
 * shared options it uses (declared once, in `SHARED`), the JSON Schema its `--json` object follows
 * (`schema/<verb>.schema.json`), and its renderers: a JSON object, text lines, LaTeX lines. The
 * commander program, every `--help` (ending with the exit codes) and docs/cli.md are generated
 * from the specs; `execute` runs one spec and returns its exit code.
 */
import { Command, Option } from 'commander';
import { version } from '../../package.json';
import { FisherError } from '../expr/errors';
import type { Io } from './common';

/** fisherlab's version (package.json; the bundler inlines it). Every JSON object carries it. */
export const VERSION: string = version;

/** How a verb prints its result. */
export type Format = 'text' | 'latex' | 'json';

/** The exit codes of every verb. */
export const EXIT = {
  /** The result is printed. */
  ok: 0,
  /** A negative answer the user asked for (a claim that does not hold, a failing check, no interior maximum). */
  negative: 1,
  /** A mistake in the input. */
  user: 2,
  /** A bug in fisherlab (EX_SOFTWARE of sysexits.h). */
  internal: 70,
} as const;

export interface OptionSpec {
  /** As commander reads them: `--at <values>`, `--check`. */
  readonly flags: string;
  readonly description: string;
  readonly choices?: readonly string[];
  /** Options that may not be given with this one (by attribute name: `json`, `markdown`). */
  readonly conflicts?: readonly string[];
  readonly required?: boolean;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  /** A required argument; MODEL is optional everywhere (standard input takes its place). */
  readonly required?: boolean;
}

/**
 * The options several verbs share, declared once. A verb lists the ones it takes, optionally with
 * its purpose, which is put before the shared description.
 */
export const SHARED = {
  json: { flags: '--json', description: 'print one JSON object (its schema: schema/{verb}.schema.json); an error is then a JSON object too' },
  latex: { flags: '--latex', description: 'print LaTeX (KaTeX-ready) instead of text', conflicts: ['json'] },
  at: {
    flags: '--at <values>',
    description: 'name=value pairs, e.g. --at mu=0.3,sigma=1.7 (values may be expressions such as pi/4; a vector as beta=[0.1,0.2], or beta=0 for every component; Greek names as μ=0.3)',
  },
  data: { flags: '--data <file.csv>', description: 'a CSV file whose header row names the data and covariate columns (a vector z as z[1], z[2], ...); - reads standard input' },
  seed: { flags: '--seed <S>', description: 'the same seed gives the same numbers' },
  quiet: { flags: '--quiet', description: 'no progress bar' },
  from: { flags: '--from <values>', description: 'the first point θ1, e.g. --from mu=0,sigma=1' },
  to: { flags: '--to <values>', description: 'the second point θ2, e.g. --to mu=1,sigma=1' },
} as const satisfies Record<string, OptionSpec>;

export type SharedName = keyof typeof SHARED;

/** A shared option as a verb takes it: by name, or with its purpose (and whether it is required). */
export type SharedUse = SharedName | { readonly use: SharedName; readonly purpose?: string; readonly required?: boolean };

/** What a verb's `run` gets. */
export interface VerbContext<O> {
  /** The positional arguments, in the order of the spec's `arguments` (undefined where not given). */
  readonly args: readonly (string | undefined)[];
  readonly options: O;
  readonly format: Format;
  readonly io: Io;
}

/** One verb. `R` is what `run` computes; the renderers turn it into output. */
export interface VerbSpec<O extends object, R> {
  readonly name: string;
  /** One line: what the verb computes. */
  readonly summary: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly shared: readonly SharedUse[];
  readonly options: readonly OptionSpec[];
  /** Text after the options in `--help` (MODEL, points, ...). */
  readonly help?: string;
  /** What exit code 1 means for this verb; absent when the verb never answers no. */
  readonly negative?: string;
  /** The JSON Schema (draft 2020-12) of the `--json` object, a path in the package. */
  readonly schema: string;
  run(ctx: VerbContext<O>): R | Promise<R>;
  /** The `--json` object without `version` and `verb` (the registry puts those first). */
  json(r: R): Record<string, unknown>;
  /** Lines of standard output as text. */
  text(r: R): readonly string[];
  /** Lines of standard output with `--latex` (verbs that have it). */
  latex?(r: R): readonly string[];
  /** Warnings, printed to standard error as `warning: ...` before text or LaTeX (in JSON they are a field). */
  warnings?(r: R): readonly string[];
  /** Hints printed to standard error as `note: ...` after text or LaTeX. */
  notes?(r: R, format: Format): readonly string[];
  /** 1 for a negative answer (see `negative`); 0 by default. */
  exit?(r: R): 0 | 1;
}

/** A spec of any options and result: the registry's list holds specs of different O and R. */
export type AnyVerb = VerbSpec<any, any>;

/** A spec, typed (the identity: it lets TypeScript infer O and R from `run`). */
export const defineVerb = <O extends object, R>(spec: VerbSpec<O, R>): VerbSpec<O, R> => spec;

/** The schema file of a verb's JSON output. */
export const schemaPath = (name: string): string => `schema/${name}.schema.json`;

/** A shared option as the verb takes it. */
export function sharedOption(verb: string, u: SharedUse): OptionSpec & { readonly name: SharedName } {
  const name = typeof u === 'string' ? u : u.use;
  const base: OptionSpec = SHARED[name];
  const purpose = typeof u === 'string' ? undefined : u.purpose;
  const description = (purpose !== undefined ? `${purpose}: ${base.description}` : base.description).replace('{verb}', verb);
  return { ...base, name, description, ...(typeof u !== 'string' && u.required ? { required: true } : {}) };
}

/** Every option of a verb, shared ones first, in the order `--help` shows them. */
export function verbOptions(spec: AnyVerb): OptionSpec[] {
  return [...spec.shared.map((u) => sharedOption(spec.name, u)), ...spec.options];
}

/** The exit-code table that ends every `--help` (`spec` undefined: the program's own help). */
export function exitCodeHelp(spec?: AnyVerb, all: readonly AnyVerb[] = []): string {
  const negatives = spec !== undefined ? (spec.negative !== undefined ? [spec.negative] : []) : all.filter((v) => v.negative !== undefined).map((v) => `${v.name}: ${v.negative}`);
  const rows: Array<[number, string]> = [
    [EXIT.ok, 'success: the result is printed'],
    ...(negatives.length > 0 ? [[EXIT.negative, negatives.join('; ')] as [number, string]] : []),
    [EXIT.user, 'a mistake in the input or the options: one message, with line, column and a caret where there is a place'],
    [EXIT.internal, 'an internal error, a bug in fisherlab: the message asks you to report it'],
  ];
  const json = spec === undefined || spec.shared.includes('json')
    ? `\n\n${wrap('With --json, an error is also one JSON object on standard output: {"version", "verb", "error": {"code", "message", "line", "column"}} (schema/error.schema.json).', 0)}`
    : '';
  return `Exit codes:\n${rows.map(([c, t]) => `  ${String(c).padEnd(4)}${wrap(t, 6)}`).join('\n')}${json}`;
}

/** Words wrapped at 80 columns, continuation lines indented by `indent` (the first line is placed by the caller). */
function wrap(text: string, indent: number, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** What a run of the program needs from its caller. */
export interface ProgramIo {
  readonly io: Io;
  /** One line (or several) of standard output. */
  readonly print: (s: string) => void;
  /** The exit code of the verb that ran, or a promise of it. */
  readonly done: (code: number | Promise<number>) => void;
}

/** The commander program of the verbs, in their order. */
export function buildProgram(verbs: readonly AnyVerb[], p: ProgramIo): Command {
  const program = new Command('fisherlab')
    .description('Fisher information from a log-density: score, Hessian and more, as text, LaTeX or JSON.')
    .version(VERSION, '-V, --version', 'print the version number')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => p.print(s.replace(/\n$/, '')), writeErr: (s) => p.io.stderr.write(s) })
    .addHelpText('after', `\n${exitCodeHelp(undefined, verbs)}`);
  for (const spec of verbs) {
    const c = program.command(spec.name).description(spec.summary);
    for (const a of spec.arguments) c.argument(a.required ? `<${a.name}>` : `[${a.name}]`, a.description);
    for (const o of verbOptions(spec)) {
      const opt = new Option(o.flags, o.description);
      if (o.choices !== undefined) opt.choices([...o.choices]);
      if (o.conflicts !== undefined) opt.conflicts([...o.conflicts]);
      if (o.required) opt.makeOptionMandatory();
      c.addOption(opt);
    }
    c.addHelpText('after', `${spec.help !== undefined ? `\n${spec.help}\n` : ''}\n${exitCodeHelp(spec)}`);
    c.action((...a: unknown[]) => {
      const options = (a[a.length - 1] as Command).opts();
      const args = spec.arguments.map((_, i) => a[i] as string | undefined);
      const format: Format = options.json ? 'json' : options.latex ? 'latex' : 'text';
      p.done(execute(spec, { args, options, format, io: p.io }, p.print));
    });
  }
  return program;
}

/** Run one verb and print its result; the exit code (or a promise of it, for a verb that runs asynchronously). */
export function execute<O extends object, R>(spec: VerbSpec<O, R>, ctx: VerbContext<O>, print: (s: string) => void): number | Promise<number> {
  // Standard input holds one thing: with --data - the model must come as text or a file.
  const data = (ctx.options as { data?: unknown }).data;
  if (data === '-' && spec.arguments[0]?.name === 'model' && (ctx.args[0] === undefined || ctx.args[0] === '-')) {
    throw new FisherError('bad-option', '--data - reads standard input: give the model as text or a file');
  }
  const r = spec.run(ctx);
  return r instanceof Promise ? r.then((x) => emit(spec, x, ctx, print)) : emit(spec, r, ctx, print);
}

function emit<O extends object, R>(spec: VerbSpec<O, R>, r: R, ctx: VerbContext<O>, print: (s: string) => void): number {
  if (ctx.format === 'json') {
    print(JSON.stringify({ version: VERSION, verb: spec.name, ...spec.json(r) }, null, 2));
  } else {
    for (const w of spec.warnings?.(r) ?? []) ctx.io.stderr.write(`warning: ${w}\n`);
    const lines = ctx.format === 'latex' && spec.latex !== undefined ? spec.latex(r) : spec.text(r);
    for (const line of lines) print(line);
    for (const n of spec.notes?.(r, ctx.format) ?? []) ctx.io.stderr.write(`note: ${n}\n`);
  }
  return spec.exit?.(r) ?? EXIT.ok;
}

/** LaTeX lines without their `%` comments: the display math a JSON object carries as `latex`. */
export const displayLatex = (lines: readonly string[]): string => lines.filter((l) => !l.startsWith('%')).join('\n');
