/**
 * The `fisherlab` command: the program built from the verb registry (`registry.ts`, the verbs in
 * `verbs/`), and the one place errors become messages and exit codes. A mistake in the input
 * prints one message (with line, column and a caret where there is a place) and exits 2; a bug
 * exits 70 asking for a report; nothing prints a stack trace. With `--json` an error is also one
 * JSON object on standard output (schema/error.schema.json).
 */
import { CommanderError } from 'commander';
import { FisherError, locate } from '../expr/errors';
import { processIo, type Io } from './common';
import { cliReference as reference } from './docs';
import { EXIT, VERSION, buildProgram } from './registry';
import { VERBS } from './verbs/index';

export { VERSION } from './registry';
export { VERBS } from './verbs/index';

/** docs/cli.md, from the registry (`npm run docs:cli`). */
export const cliReference = (): string => reference(VERBS);

/**
 * Run the CLI on argv (without `node` and the script); returns the exit code, or a promise of it
 * for a verb that runs asynchronously (Monte Carlo on worker threads).
 * @param write one line of standard output (default: process.stdout)
 * @param io standard input and standard error (default: the process's)
 */
export function main(argv: readonly string[], write?: (s: string) => void, io?: Io): number | Promise<number> {
  const print = write ?? ((s: string) => void process.stdout.write(`${s}\n`));
  const sys = io ?? processIo();
  const context = errorContext(argv);
  const ran: { code: number | Promise<number> } = { code: EXIT.ok };
  try {
    buildProgram(VERBS, { io: sys, print, done: (r) => (ran.code = r) }).parse([...argv], { from: 'user' });
  } catch (e) {
    return report(e, context, print, sys);
  }
  return typeof ran.code === 'number' ? ran.code : ran.code.catch((e: unknown) => report(e, context, print, sys));
}

/** What an error object needs to know about the command line, read before commander parses it. */
interface ErrorContext {
  /** --json was given: the error is also a JSON object on standard output. */
  readonly json: boolean;
  /** The verb, where the command line names one. */
  readonly verb: string | null;
}

function errorContext(argv: readonly string[]): ErrorContext {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const first = args.find((a) => !a.startsWith('-'));
  return { json: args.includes('--json'), verb: first !== undefined && VERBS.some((v) => v.name === first) ? first : null };
}

/** The error object of `--json` (schema/error.schema.json). */
export interface ErrorJSON {
  readonly code: string;
  readonly message: string;
  /** 1-based line and column (in characters) in the text the message is about; null where there is no place. */
  readonly line: number | null;
  readonly column: number | null;
}

/** commander's errors about options, and about the command line's shape. */
const OPTION_ERRORS = new Set(['commander.unknownOption', 'commander.optionMissingArgument', 'commander.missingMandatoryOptionValue', 'commander.conflictingOption', 'commander.invalidArgument']);

/** One message for the error on standard error (and the error object under --json); the exit code. */
function report(e: unknown, context: ErrorContext, print: (s: string) => void, io: Io): number {
  let error: ErrorJSON;
  let exit: number;
  if (e instanceof CommanderError) {
    // Help and --version were printed and are not errors; commander printed its own message.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
    const message = e.code === 'commander.help' ? 'no verb given: fisherlab VERB MODEL [options] (see fisherlab --help)' : e.message.replace(/^error: /, '').trim();
    error = { code: OPTION_ERRORS.has(e.code) ? 'bad-option' : 'usage', message, line: null, column: null };
    exit = EXIT.user;
  } else if (e instanceof FisherError) {
    io.stderr.write(`${e.format()}\n`);
    const place = e.span !== undefined && e.source !== undefined ? locate(e.source, e.span.start) : undefined;
    error = { code: e.code, message: e.message, line: place?.line ?? null, column: place?.column ?? null };
    exit = EXIT.user;
  } else if (e instanceof RangeError && /Maximum call stack|Invalid array length|too large/.test(e.message)) {
    const message = `the expression is too large to handle (${e.message})`;
    io.stderr.write(`error: ${message}\n`);
    error = { code: 'too-large', message, line: null, column: null };
    exit = EXIT.user;
  } else {
    const what = e instanceof Error ? e.message : String(e);
    const message = `internal error: ${what}. This is a bug in fisherlab; please report it with the command you ran.`;
    io.stderr.write(`internal error: ${what}\nThis is a bug in fisherlab; please report it with the command you ran.\n`);
    if (process.env.FISHERLAB_DEBUG && e instanceof Error) io.stderr.write(`${e.stack ?? ''}\n`);
    error = { code: 'internal', message, line: null, column: null };
    exit = EXIT.internal;
  }
  if (context.json) print(JSON.stringify({ version: VERSION, verb: context.verb, error }, null, 2));
  return exit;
}
