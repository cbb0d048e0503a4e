/**
 * `fisherlab verify MODEL --fisher CLAIM` (or --score, --hessian, --jeffreys, --kl): is the
 * claimed formula right? Exit 0 when it holds, 1 when it does not (with a counterexample), 2 on
 * bad input. `fisherlab verify --file derivation.txt` checks a derivation line by line.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FisherError } from '../expr/errors';
import { checkDerivation, type DerivationReport } from '../verify/derivation';
import { verify, type ClaimKind, type Counterexample, type VerifyResult } from '../verify/verify';
import { MODEL_HELP, finish, fmtNumber, loadModel, positiveInteger, print } from './common';

interface VerifyCliOptions {
  fisher?: string;
  score?: string;
  hessian?: string;
  jeffreys?: string;
  kl?: string;
  file?: string;
  json?: boolean;
  seed?: string;
}

const KINDS = ['fisher', 'score', 'hessian', 'jeffreys', 'kl'] as const;

const WHAT: Record<string, string> = { fisher: 'Fisher information', score: 'score', hessian: 'Hessian', jeffreys: 'Jeffreys prior', kl: 'KL divergence' };

const point = (at: Record<string, number>): string => Object.entries(at).map(([k, v]) => `${k} = ${fmtNumber(v)}`).join(', ');

function describe(c: Counterexample): string[] {
  const lines: string[] = [];
  const num = (x: number | null): string => (x === null ? 'undefined' : fmtNumber(x));
  lines.push(`  claimed    ${num(c.claimed)}${c.exact !== undefined ? `  (exactly ${c.exact.claimed})` : ''}`);
  lines.push(`  fisherlab  ${num(c.expected)}${c.exact !== undefined ? `  (exactly ${c.exact.expected})` : ''}${c.error !== undefined ? `  ± ${c.error.toExponential(1)} (quadrature)` : ''}${c.expectedExpr !== null ? `, from ${c.expectedExpr}` : ''}`);
  return lines;
}

function report(r: VerifyResult, json: boolean | undefined): number {
  if (json) {
    print(JSON.stringify({ equal: r.equal, decided: r.decided, kind: r.kind, params: r.params, method: r.method, counterexample: r.counterexample }, null, 2));
    return r.equal ? 0 : 1;
  }
  const what = WHAT[r.kind]!;
  if (r.equal) {
    print(`equal: the claimed ${what} is right`);
    print(`# decided by ${r.method}`);
    return 0;
  }
  if (!r.decided) {
    print(`undecided: the claimed ${what} could not be confirmed (${r.method})`);
    return 1;
  }
  const c = r.counterexample!;
  if (c.reason !== undefined) {
    print(`not equal: fisherlab finds no ${what} for this model: ${c.reason}`);
    return 1;
  }
  if (c.reference !== undefined) {
    print(`not equal: the claimed ${what} is not proportional to fisherlab's${c.expectedExpr !== null ? ` ${c.expectedExpr}` : ''}`);
    print(`  the constant factor fixed at ${point(c.reference.at)}, where the claim is ${fmtNumber(c.reference.claimed)} and fisherlab's ${fmtNumber(c.reference.engine)}:`);
    print(`  at ${point(c.at)} the claim is ${c.claimed === null ? 'undefined' : fmtNumber(c.claimed)}, fisherlab's times that factor ${c.expected === null ? 'undefined' : fmtNumber(c.expected)}`);
    return 1;
  }
  const entry = c.entry.length > 0 ? ` (entry ${c.entry.join(', ')})` : '';
  print(`not equal: the claimed ${what} differs from fisherlab's at ${point(c.at)}${entry}`);
  for (const l of describe(c)) print(l);
  return 1;
}

function reportDerivation(r: DerivationReport, json: boolean | undefined): number {
  if (json) {
    print(JSON.stringify(r, null, 2));
    return r.equal ? 0 : 1;
  }
  for (const s of r.steps) print(`line ${String(s.line).padEnd(4)} ${s.ok ? 'ok  ' : 'FAIL'} ${s.text}${s.ok && s.method !== '' ? `   # ${s.method}` : ''}`);
  if (r.equal) {
    print(`# every step follows (${r.steps.length} lines checked)`);
    return 0;
  }
  const f = r.failure!;
  print(`# line ${f.line} does not follow${f.previousLine !== undefined ? ` from line ${f.previousLine}` : ''}: ${f.message}`);
  if (f.counterexample !== null) {
    const num = (x: number | null): string => (x === null ? 'undefined' : fmtNumber(x));
    print(`#   at ${point(f.counterexample.at)}`);
    print(`#   ${f.previousLine !== undefined ? `line ${f.previousLine}` : 'fisherlab'}: ${num(f.counterexample.expected)}${f.counterexample.exact !== undefined ? `  (exactly ${f.counterexample.exact.expected})` : ''}`);
    print(`#   line ${f.line}: ${num(f.counterexample.claimed)}${f.counterexample.exact !== undefined ? `  (exactly ${f.counterexample.exact.claimed})` : ''}`);
  }
  return 1;
}

function runVerify(modelArg: string | undefined, o: VerifyCliOptions): number {
  const given = KINDS.filter((k) => o[k] !== undefined);
  const seed = positiveInteger(o.seed, '--seed', 2024);
  if (o.file !== undefined) {
    if (modelArg !== undefined || given.length > 0) throw new FisherError('bad-option', '--file holds the model and the claims: give no MODEL and no --fisher/--score/... with it');
    let text: string;
    try {
      text = readFileSync(o.file, 'utf8');
    } catch {
      throw new FisherError('io', `cannot read the derivation file ${o.file}`);
    }
    return reportDerivation(checkDerivation(text, { seed }), o.json);
  }
  if (modelArg === undefined) throw new FisherError('bad-option', 'verify needs a MODEL and a claim (e.g. --fisher \'n/(theta*(1-theta))\'), or --file derivation.txt');
  if (given.length !== 1) throw new FisherError('bad-option', given.length === 0 ? 'give the claim to check: --fisher, --score, --hessian, --jeffreys or --kl' : `give one claim at a time (got ${given.map((k) => `--${k}`).join(', ')})`);
  const kind = given[0]!;
  const m = loadModel(modelArg);
  return report(verify(m, kind as ClaimKind, o[kind]!, { seed }), o.json);
}

/** Register `verify`. */
export function registerVerify(p: Command): void {
  p.command('verify')
    .description('check a claimed formula (Fisher information, score, Hessian, Jeffreys prior, KL divergence) or a derivation file: equal, or a counterexample')
    .argument('[model]', 'the model text, or a file holding it')
    .option('--fisher <claim>', "the claimed Fisher information: 'n/(theta*(1-theta))', or a matrix '[[a, b], [b, c]]'")
    .option('--score <claim>', "the claimed score: one expression, or a vector '[a, b]' (may use the data)")
    .option('--hessian <claim>', "the claimed Hessian: '[[a, b], [b, c]]' (may use the data)")
    .option('--jeffreys <claim>', 'the claimed Jeffreys prior, up to a constant factor')
    .option('--kl <claim>', 'the claimed KL divergence between two parameter points')
    .option('--file <derivation.txt>', 'check a derivation file line by line (the model and the steps are in the file)')
    .option('--seed <S>', 'seed of the random points (default 2024)')
    .option('--json', 'print one JSON object: {"equal": true|false, "counterexample": {...}, ...}')
    .addHelpText('after', `\n${MODEL_HELP}\n\nExit codes: 0 the claim holds, 1 it does not (or could not be decided), 2 bad input.`)
    .action((m: string | undefined, o: VerifyCliOptions) => finish(runVerify(m, o)));
}
