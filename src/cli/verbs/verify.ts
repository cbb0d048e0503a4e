/**
 * `fisherlab verify MODEL --fisher CLAIM` (or --score, --hessian, --jeffreys, --kl): is the
 * claimed formula right? Exit 0 when it holds, 1 when it does not (with a counterexample), 2 on
 * bad input. `fisherlab verify --file derivation.txt` checks a derivation line by line.
 */
import { readFileSync } from 'node:fs';
import { FisherError } from '../../expr/errors';
import { checkDerivation, type DerivationReport } from '../../verify/derivation';
import { verify, type ClaimKind, type Counterexample, type VerifyResult } from '../../verify/verify';
import { MODEL_HELP, fmtNumber, loadModel, positiveInteger } from '../common';
import { defineVerb, schemaPath, type VerbContext } from '../registry';
import { MODEL_ARGUMENT } from './shared';

interface VerifyOptions {
  fisher?: string;
  score?: string;
  hessian?: string;
  jeffreys?: string;
  kl?: string;
  file?: string;
  seed?: string;
}

const KINDS = ['fisher', 'score', 'hessian', 'jeffreys', 'kl'] as const;

const WHAT: Record<string, string> = { fisher: 'Fisher information', score: 'score', hessian: 'Hessian', jeffreys: 'Jeffreys prior', kl: 'KL divergence' };

type Report = { readonly kind: 'claim'; readonly r: VerifyResult; readonly claim: string; readonly seed: number } | { readonly kind: 'file'; readonly r: DerivationReport; readonly seed: number };

function run({ args, options: o, io }: VerbContext<VerifyOptions>): Report {
  const modelArg = args[0];
  const given = KINDS.filter((k) => o[k] !== undefined);
  const seed = positiveInteger(o.seed, '--seed', 2024);
  if (o.file !== undefined) {
    if (modelArg !== undefined || given.length > 0) throw new FisherError('bad-option', '--file holds the model and the claims: give no MODEL and no --fisher/--score/... with it');
    let text: string;
    if (o.file === '-') text = io.stdin('the derivation');
    else {
      try {
        text = readFileSync(o.file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new FisherError('io', code === 'EISDIR' ? `${o.file} is a directory; give a derivation file (or - for standard input)` : `cannot read the derivation file ${o.file}`);
      }
    }
    return { kind: 'file', r: checkDerivation(text, { seed }), seed };
  }
  if (given.length !== 1) throw new FisherError('bad-option', given.length === 0 ? 'give the claim to check: --fisher, --score, --hessian, --jeffreys or --kl' : `give one claim at a time (got ${given.map((k) => `--${k}`).join(', ')})`);
  if (modelArg === undefined && io.stdinIsTTY) throw new FisherError('bad-option', "verify needs a MODEL and a claim (e.g. --fisher 'n/(theta*(1-theta))'), or --file derivation.txt");
  const kind = given[0]!;
  const m = loadModel(modelArg, io);
  return { kind: 'claim', r: verify(m, kind as ClaimKind, o[kind]!, { seed }), claim: o[kind]!, seed };
}

const point = (at: Record<string, number>): string => Object.entries(at).map(([k, v]) => `${k} = ${fmtNumber(v)}`).join(', ');
const num = (x: number | null): string => (x === null ? 'undefined' : fmtNumber(x));

function describe(c: Counterexample): string[] {
  return [
    `  claimed    ${num(c.claimed)}${c.exact !== undefined ? `  (exactly ${c.exact.claimed})` : ''}`,
    `  fisherlab  ${num(c.expected)}${c.exact !== undefined ? `  (exactly ${c.exact.expected})` : ''}${c.error !== undefined ? `  ± ${c.error.toExponential(1)} (quadrature)` : ''}${c.expectedExpr !== null ? `, from ${c.expectedExpr}` : ''}`,
  ];
}

function claimText(r: VerifyResult): string[] {
  const what = WHAT[r.kind]!;
  if (r.equal) return [`equal: the claimed ${what} is right`, `# decided by ${r.method}`];
  if (!r.decided) return [`undecided: the claimed ${what} could not be confirmed (${r.method})`];
  const c = r.counterexample!;
  if (c.reason !== undefined) return [`not equal: fisherlab finds no ${what} for this model: ${c.reason}`];
  if (c.reference !== undefined) {
    return [
      `not equal: the claimed ${what} is not proportional to fisherlab's${c.expectedExpr !== null ? ` ${c.expectedExpr}` : ''}`,
      `  the constant factor fixed at ${point(c.reference.at)}, where the claim is ${fmtNumber(c.reference.claimed)} and fisherlab's ${fmtNumber(c.reference.engine)}:`,
      `  at ${point(c.at)} the claim is ${c.claimed === null ? 'undefined' : fmtNumber(c.claimed)}, fisherlab's times that factor ${c.expected === null ? 'undefined' : fmtNumber(c.expected)}`,
    ];
  }
  const entry = c.entry.length > 0 ? ` (entry ${c.entry.join(', ')})` : '';
  return [`not equal: the claimed ${what} differs from fisherlab's at ${point(c.at)}${entry}`, ...describe(c)];
}

function fileText(r: DerivationReport): string[] {
  const out = r.steps.map((s) => `line ${String(s.line).padEnd(4)} ${s.ok ? 'ok  ' : 'FAIL'} ${s.text}${s.ok && s.method !== '' ? `   # ${s.method}` : ''}`);
  if (r.equal) return [...out, `# every step follows (${r.steps.length} lines checked)`];
  const f = r.failure!;
  out.push(`# line ${f.line} does not follow${f.previousLine !== undefined ? ` from line ${f.previousLine}` : ''}: ${f.message}`);
  const c = f.counterexample;
  if (c !== null) {
    out.push(
      `#   at ${point(c.at)}`,
      `#   ${f.previousLine !== undefined ? `line ${f.previousLine}` : 'fisherlab'}: ${num(c.expected)}${c.exact !== undefined ? `  (exactly ${c.exact.expected})` : ''}`,
      `#   line ${f.line}: ${num(c.claimed)}${c.exact !== undefined ? `  (exactly ${c.exact.claimed})` : ''}`,
    );
  }
  return out;
}

/**
 * A counterexample for JSON: `claimed` is the claim's number, `reference` the number it should
 * equal (fisherlab's, or in a derivation the previous line's); `factor` is where a claim up to a
 * constant had its constant fixed.
 */
function counterexampleJSON(c: Counterexample | null): Record<string, unknown> | null {
  if (c === null) return null;
  return {
    at: c.at,
    entry: c.entry,
    claimed: c.claimed,
    reference: c.expected,
    referenceExpr: c.expectedExpr,
    ...(c.exact !== undefined ? { exact: { claimed: c.exact.claimed, reference: c.exact.expected } } : {}),
    ...(c.error !== undefined ? { errorEstimate: c.error } : {}),
    ...(c.reference !== undefined ? { factor: { at: c.reference.at, claimed: c.reference.claimed, reference: c.reference.engine } } : {}),
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
  };
}

function json(rep: Report): Record<string, unknown> {
  if (rep.kind === 'claim') {
    const r = rep.r;
    return { quantity: r.kind, claim: rep.claim, params: r.params, equal: r.equal, decided: r.decided, method: r.method, seed: rep.seed, counterexample: counterexampleJSON(r.counterexample) };
  }
  const r = rep.r;
  return {
    params: r.params,
    equal: r.equal,
    seed: rep.seed,
    steps: r.steps.map((s) => ({ line: s.line, text: s.text, kind: s.kind, ok: s.ok, method: s.method })),
    failure: r.failure === null ? null : { line: r.failure.line, previousLine: r.failure.previousLine ?? null, message: r.failure.message, counterexample: counterexampleJSON(r.failure.counterexample) },
  };
}

export const verifyVerb = defineVerb({
  name: 'verify',
  summary: 'check a claimed formula (Fisher information, score, Hessian, Jeffreys prior, KL divergence) or a derivation file: equal, or a counterexample',
  arguments: [MODEL_ARGUMENT],
  shared: ['json', { use: 'seed', purpose: 'seed of the random points (default 2024)' }],
  options: [
    { flags: '--fisher <claim>', description: "the claimed Fisher information: 'n/(theta*(1-theta))', or a matrix '[[a, b], [b, c]]'" },
    { flags: '--score <claim>', description: "the claimed score: one expression, or a vector '[a, b]' (may use the data)" },
    { flags: '--hessian <claim>', description: "the claimed Hessian: '[[a, b], [b, c]]' (may use the data)" },
    { flags: '--jeffreys <claim>', description: 'the claimed Jeffreys prior, up to a constant factor' },
    { flags: '--kl <claim>', description: 'the claimed KL divergence between two parameter points' },
    { flags: '--file <derivation.txt>', description: 'check a derivation file line by line (the model and the steps are in the file; - reads standard input)' },
  ],
  help: MODEL_HELP,
  negative: 'the claim does not hold, or could not be decided (a derivation: a line does not follow)',
  schema: schemaPath('verify'),
  run,
  json,
  text: (rep: Report) => (rep.kind === 'claim' ? claimText(rep.r) : fileText(rep.r)),
  exit: (rep: Report) => (rep.r.equal ? 0 : 1),
});
