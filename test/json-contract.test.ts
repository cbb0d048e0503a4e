// The --json contract: every verb's object, over many models and options, validated against its
// JSON Schema (schema/<verb>.schema.json, draft 2020-12) by a real validator (ajv), and every
// error object against schema/error.schema.json — with the exit codes and the version.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { main, VERBS } from '../src/cli/main';
import type { Io } from '../src/cli/common';
import { schemaPath } from '../src/cli/registry';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; files: string[] };

// Every schema file is loaded under its $id, so that `defs.schema.json#/$defs/...` resolves.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const schemaFiles = readdirSync(join(root, 'schema')).filter((f) => f.endsWith('.schema.json'));
for (const f of schemaFiles) ajv.addSchema(JSON.parse(readFileSync(join(root, 'schema', f), 'utf8')) as object);
const validator = (file: string): ValidateFunction => {
  const v = ajv.getSchema(file.replace(/^schema\//, ''));
  if (v === undefined) throw new Error(`no schema ${file}`);
  return v;
};

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `fisherlab ...argv` in-process, with its own standard input and standard error. */
async function run(argv: readonly string[], stdin?: string, stdinIsTTY = stdin === undefined): Promise<Run> {
  let out = '';
  let err = '';
  const io: Io = {
    stdinIsTTY,
    stderr: { write: (s: string) => (err += s) },
    stdin: () => {
      if (stdin === undefined) throw new Error('the test gave no standard input');
      return stdin;
    },
  };
  const code = await main(argv, (s) => (out += `${s}\n`), io);
  return { code, out, err };
}

function expectValid(v: ValidateFunction, j: unknown, what: string): void {
  const ok = v(j);
  expect(ok, `${what}: ${ajv.errorsText(v.errors, { separator: '\n' })}`).toBe(true);
}

/** Independent shape checks the schemas cannot state: matrices are params × params, vectors have one entry per parameter. */
function expectShapes(j: Record<string, unknown>, what: string): void {
  const params = j.params as string[] | undefined;
  if (params === undefined) return;
  const p = params.length;
  const square = (m: unknown, name: string): void => {
    if (m === null || m === undefined) return;
    expect((m as unknown[]).length, `${what}: ${name} rows`).toBe(p);
    for (const row of m as unknown[][]) expect(row.length, `${what}: ${name} columns`).toBe(p);
  };
  const vector = (v: unknown, name: string): void => {
    if (v !== null && v !== undefined) expect((v as unknown[]).length, `${what}: ${name}`).toBe(p);
  };
  for (const k of ['fisher', 'hessian', 'fisherInverse', 'bound', 'jacobian', 'pullback']) if (k in j && j.verb !== 'expfamily') square(j[k], k);
  if (j.verb === 'expfamily') square(j.fisher, 'fisher');
  vector(j.score, 'score');
  const value = j.value as Record<string, unknown> | undefined;
  if (value !== undefined && typeof value === 'object' && value !== null) {
    for (const k of ['fisher', 'hessian', 'bound', 'empirical', 'observed', 'expected', 'pullback']) if (k in value && !(j.verb === 'reparam' && k === 'pullback')) square(value[k], `value.${k}`);
    if (j.verb !== 'expfamily') vector(value.score, 'value.score');
  }
  if (j.verb === 'fit') {
    vector(j.estimate, 'estimate');
    vector((j.stderr as { expected: unknown }).expected, 'stderr.expected');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fisherlab-json-'));
const csv = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const counts = csv('counts.csv', 'x\n0\n3\n5\n2\n1\n4\n');
const zeros = csv('zeros.csv', 'x\n0\n0\n0\n0\n');
const derivation = join(root, 'examples/derivations/binomial.txt');
const wrongDerivation = join(root, 'examples/derivations/binomial-wrong.txt');
const poisson = join(root, 'examples/data/poisson.csv');
const dose = join(root, 'examples/data/dose.csv');
const logistic = join(root, 'examples/logistic.csv');

const LOGISTIC = 'const d = 3; given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))';
const MIXTURE = 'const m1 = -1.0; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2';
const REGRESSION = 'given z in real[2]; param b in real[2]; param s in positive; y ~ Normal(dot(z, b), s)';

/** [argv, the exit code it must give]: every verb, over scalar, vector and numeric-only models and their options. */
const CASES: Array<[string[], number]> = [
  [['score', 'x ~ Normal(mu, sigma)'], 0],
  [['score', 'x ~ Normal(mu, sigma)', '--at', 'x=1.3,mu=0.3,sigma=1.7'], 0],
  [['score', 'x ~ Normal(μ, σ)', '--at', 'x=−1.3,μ=0.3,σ=1.7'], 0],
  [['score', MIXTURE, '--at', 'x=0.2,w=0.3'], 0],
  [['score', REGRESSION, '--at', 'y=0.4,z=[1,-2],b=[0.3,0.1],s=1.5', '--mode', 'forward'], 0],
  [['score', LOGISTIC, '--data', logistic, '--at', 'beta=[0.5,-1,0.25]'], 0],
  [['score', 'x ~ Uniform(0, t)'], 0],
  [['hessian', 'x ~ Gamma(a, b)', '--at', 'x=2,a=3,b=0.5'], 0],
  [['hessian', REGRESSION, '--at', 'y=0.4,z=[1,-2],b=[0.3,0.1],s=1.5', '--mode', 'reverse'], 0],
  [['hessian', LOGISTIC, '--data', logistic, '--at', 'beta=0', '--mode', 'symbolic'], 0],
  [['hessian', 'x ~ Poisson(lam)', '--data', counts, '--at', 'lam=2'], 0],
  [['fisher', 'x ~ Normal(mu, sigma)'], 0],
  [['fisher', 'x ~ Weibull(k, lambda)', '--check', '--at', 'k=1.7,lambda=2.5'], 0],
  [['fisher', MIXTURE], 0],
  [['fisher', MIXTURE, '--at', 'w=0.3'], 0],
  [['fisher', 'x ~ Uniform(a, b)'], 0],
  [['fisher', 'x ~ Uniform(0, t)', '--at', 't=2'], 0],
  [['fisher', 'x ~ Laplace(mu, b)', '--at', 'mu=0,b=2'], 0],
  [['fisher', 'const d = 2; given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))'], 0],
  [['fisher', 'x ~ Gamma(a, b)', '--mc', '5000', '--seed', '3', '--at', 'a=2.5,b=1.5'], 0],
  [['fisher', 'x ~ Laplace(mu, b)', '--mc', '5000', '--at', 'mu=0,b=1'], 0],
  [['fisher', LOGISTIC, '--data', logistic, '--at', 'beta=[0.5,-1,0.25]'], 0],
  [['fisher', 'x ~ Poisson(lam)', '--data', counts, '--at', 'lam=2.5'], 0],
  [['families'], 0],
  [['functions'], 0],
  [['derive', 'const n = 10; x ~ Binomial(n, theta)'], 0],
  [['derive', MIXTURE, '--at', 'w=0.3'], 0],
  [['verify', 'const n = 10; x ~ Binomial(n, theta)', '--fisher', 'n/theta'], 1],
  [['verify', 'const n = 10; x ~ Binomial(n, theta)', '--fisher', 'n/(theta*(1-theta))'], 0],
  [['verify', 'x ~ Exponential(lam)', '--jeffreys', 'lam^2'], 1],
  [['verify', 'x ~ Normal(mu, sigma)', '--score', '[(x - mu)/sigma^2, (x - mu)^2/sigma^3 - 1/sigma]'], 0],
  [['verify', 'x ~ Uniform(0, t)', '--fisher', '1/t^2'], 1],
  [['verify', '--file', derivation], 0],
  [['verify', '--file', wrongDerivation], 1],
  [['kl', 'x ~ Normal(mu, sigma)'], 0],
  [['kl', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=2', '--both'], 0],
  [['kl', 'x ~ StudentT(4, mu, s)', '--from', 'mu=0,s=1', '--to', 'mu=1,s=2'], 0],
  [['kl', 'x ~ Uniform(0, theta)', '--from', 'theta=2', '--to', 'theta=1'], 0],
  [['kl', 'x ~ Gamma(k, b)', '--from', 'k=2,b=1', '--to', 'k=3,b=2', '--check', '--reverse'], 0],
  [['kl', 'x ~ Poisson(lam)', '--divergence', 'hellinger', '--from', 'lam=2', '--to', 'lam=3'], 0],
  [['kl', 'x ~ Normal(mu, sigma)', '--divergence', 'tv', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=1'], 0],
  [['distance', 'x ~ Normal(mu, sigma)', '--from', 'mu=0,sigma=1', '--to', 'mu=1,sigma=1'], 0],
  [['distance', 'x ~ Bernoulli(p)'], 0],
  [['distance', 'x ~ Gamma(k, b)', '--from', 'k=1,b=1', '--to', 'k=3,b=2'], 0],
  [['fit', 'x ~ Poisson(lambda)', '--data', poisson, '--null', 'lambda=3'], 0],
  [['fit', 'given dose in real; y ~ Bernoulli(sigmoid(a + b*dose))', '--data', dose, '--null', 'b=0'], 0],
  [['fit', 'x ~ Bernoulli(p)', '--data', zeros], 1],
  [['expfamily', 'x ~ Normal(mu, sigma)', '--at', 'mu=1,sigma=2'], 0],
  [['expfamily', 'x ~ Normal(theta, theta)'], 0],
  [['expfamily', 'x ~ Cauchy(mu, s)'], 0],
  [['reparam', 'const n = 10; x ~ Binomial(n, theta)', '--with', 'theta = phi/(1+phi)'], 0],
  [['reparam', 'x ~ Normal(mu, sigma)', '--with', 'mu = m, sigma = exp(s)', '--at', 'm=1,s=0.5'], 0],
  [['jeffreys', 'x ~ Bernoulli(p)', '--at', 'p=0.3'], 0],
  [['jeffreys', 'x ~ Gamma(k, b)'], 0],
  [['jeffreys', 'y1, y2 ~ Categorical(p1, p2)'], 0],
  [['crb', 'x ~ Normal(mu, sigma)', '--n', '10', '--for', 'sigma^2', '--at', 'mu=0,sigma=2'], 0],
  [['crb', 'x ~ Poisson(lam)'], 0],
];

describe('every verb --json follows its schema', () => {
  it('every verb has a schema file, a case below, and --json', () => {
    const covered = new Set(CASES.map(([argv]) => argv[0]));
    for (const v of VERBS) {
      expect(v.schema).toBe(schemaPath(v.name));
      expect(schemaFiles).toContain(`${v.name}.schema.json`);
      expect(covered.has(v.name), `no case for ${v.name}`).toBe(true);
      expect(v.shared.some((u) => u === 'json' || (typeof u === 'object' && u.use === 'json')), `${v.name} has no --json`).toBe(true);
    }
    expect(pkg.files).toContain('schema');
  });

  for (const [argv, exit] of CASES) {
    it(argv.join(' ').slice(0, 110), async () => {
      const r = await run([...argv, '--json']);
      expect(r.code, r.err).toBe(exit);
      const j = JSON.parse(r.out) as Record<string, unknown>;
      expect(j.version).toBe(pkg.version);
      expect(j.verb).toBe(argv[0]);
      expect(Object.keys(j).slice(0, 2)).toEqual(['version', 'verb']);
      expectValid(validator(schemaPath(argv[0]!)), j, argv.join(' '));
      expectShapes(j, argv.join(' '));
      // Under --json standard error holds no warnings: they are in the object.
      expect(r.err).toBe('');
    });
  }

  it('the schemas reject what the contract forbids (a sanity check of the validator)', async () => {
    const j = JSON.parse((await run(['fisher', 'x ~ Normal(mu, sigma)', '--json'])).out) as Record<string, unknown>;
    const v = validator(schemaPath('fisher'));
    expect(v(j)).toBe(true);
    expect(v({ ...j, matrix: j.fisher })).toBe(false); // the 0.1.0 name
    expect(v({ ...j, verb: 'score' })).toBe(false);
    const { fisher: _f, ...noFisher } = j;
    expect(v(noFisher)).toBe(false);
    expect(v({ ...j, fisher: [[1, 0], [0, 2]] })).toBe(false); // numbers where expressions belong
  });
});

describe('errors under --json', () => {
  const errorSchema = validator('error.schema.json');
  const syntax = 'data x in real\nparam mu\nlogp = -(x - mu)^2 +* 2';
  const unknown = 'data x in real; param mu; logp = -(x - mux)^2';
  const cases: Array<{ argv: string[]; code: string; verb: string | null; line: number | null; column: number | null; message: RegExp }> = [
    { argv: ['hessian', syntax], code: 'syntax', verb: 'hessian', line: 3, column: 21, message: /unexpected '\*'/ },
    { argv: ['score', unknown], code: 'unknown-name', verb: 'score', line: 1, column: unknown.indexOf('mux') + 1, message: /unknown name 'mux' \(did you mean 'mu'\?\)/ },
    { argv: ['fisher', 'x ~ Normall(mu, sigma)'], code: 'unknown-family', verb: 'fisher', line: 1, column: 5, message: /did you mean 'Normal'/ },
    { argv: ['score', 'x ~ Normal(mu, sigma)', '--bogus'], code: 'bad-option', verb: 'score', line: null, column: null, message: /unknown option '--bogus'/ },
    { argv: ['score', LOGISTIC, '--data', logistic, '--at', 'beta=0', '--mode', 'fast'], code: 'bad-option', verb: 'score', line: null, column: null, message: /Allowed choices are symbolic, forward, reverse/ },
    { argv: ['score', 'x ~ Normal(mu, sigma)', '--at', 'mu=0,sigma=-1,x=0'], code: 'bad-value', verb: 'score', line: null, column: null, message: /sigma must lie in positive/ },
    { argv: ['score', 'model.flab'], code: 'io', verb: 'score', line: null, column: null, message: /no such file: model\.flab/ },
    { argv: ['fisher', 'x ~ Poisson(lam)', '--data', join(dir, 'missing.csv'), '--at', 'lam=1'], code: 'io', verb: 'fisher', line: null, column: null, message: /cannot read the data file/ },
    { argv: ['fit', 'x ~ Poisson(lambda)'], code: 'bad-option', verb: 'fit', line: null, column: null, message: /required option '--data <file.csv>' not specified/ },
    { argv: ['frobnicate', 'x'], code: 'usage', verb: null, line: null, column: null, message: /unknown command 'frobnicate'/ },
    { argv: ['reparam', 'x ~ Bernoulli(p)', '--with', 'p = phi/(1+'], code: 'syntax', verb: 'reparam', line: 1, column: 9, message: /missing '\)'/ },
    { argv: ['fisher', 'data x in real; param mu; logp = -(x - mu)^2/4'], code: 'bad-value', verb: 'fisher', line: null, column: null, message: /not normalised/ },
  ];
  for (const c of cases) {
    it(`${c.argv.join(' ').slice(0, 80)} -> ${c.code}`, async () => {
      const r = await run([...c.argv, '--json']);
      expect(r.code).toBe(2);
      const j = JSON.parse(r.out) as { version: string; verb: string | null; error: { code: string; message: string; line: number | null; column: number | null } };
      expectValid(errorSchema, j, c.argv.join(' '));
      expect(j.version).toBe(pkg.version);
      expect(j.verb).toBe(c.verb);
      expect(j.error.code).toBe(c.code);
      expect(j.error.message).toMatch(c.message);
      expect({ line: j.error.line, column: j.error.column }).toEqual({ line: c.line, column: c.column });
      // The message is on standard error as well, without a stack trace.
      expect(r.err).toContain(j.error.message.split('\n')[0]!);
      expect(r.err).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
    });
  }

  it('a line and column count the characters of the user text, after Unicode that becomes ASCII', async () => {
    const model = 'data x ∈ real; param σ ∈ (0, ∞); logp = −x²·σ + mux';
    const j = JSON.parse((await run(['fisher', model, '--json'])).out) as { error: { line: number; column: number } };
    expect(j.error).toMatchObject({ line: 1, column: model.indexOf('mux') + 1 });
  });

  it('an internal error exits 70, asks for a report, and is an error object with code "internal"', async () => {
    // Standard input that fails in a way no user can cause stands for a bug in fisherlab.
    const err: string[] = [];
    const io: Io = {
      stdinIsTTY: false,
      stderr: { write: (s: string) => err.push(s) },
      stdin: () => {
        throw new TypeError('the standard input stand-in failed');
      },
    };
    let out = '';
    const code = await main(['score', '--json'], (s) => (out += s), io);
    expect(code).toBe(70);
    const j = JSON.parse(out) as { error: { code: string; message: string } };
    expectValid(errorSchema, j, 'internal');
    expect(j.error.code).toBe('internal');
    expect(j.error.message).toMatch(/bug in fisherlab; please report it/);
    expect(err.join('')).toMatch(/^internal error: the standard input stand-in failed\nThis is a bug in fisherlab; please report it/);
  });

  it('without --json an error prints nothing on standard output', async () => {
    const r = await run(['hessian', syntax]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('line 3, column 21');
  });

  it('the error codes of the schema are the library’s FisherError codes, and usage and internal', () => {
    const union = readFileSync(join(root, 'src/expr/errors.ts'), 'utf8').match(/export type ErrorCode =([^;]*);/)![1]!;
    const codes = [...union.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]);
    const schema = JSON.parse(readFileSync(join(root, 'schema/error.schema.json'), 'utf8')) as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect([...schema.properties.error.properties.code.enum].sort()).toEqual([...codes, 'usage', 'internal'].sort());
  });
});
