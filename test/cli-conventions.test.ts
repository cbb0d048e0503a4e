// Conventions of the command line: --version, standard input (a piped model without -, --data -,
// verify --file -), a directory given as a model, Unicode in --at, the exit-code table in every
// --help, and the Monte Carlo progress bar.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processIo, type Io } from '../src/cli/common';
import { cliReference, main, VERBS } from '../src/cli/main';
import { formatDuration, formatRate, progressBar } from '../src/cli/progress';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const bin = join(root, 'bin/fisherlab.js');
const built = existsSync(join(root, 'dist/cli.js'));

/** `fisherlab ...argv` in-process; `stdin` is what a pipe holds (undefined: standard input is a terminal). */
async function run(argv: readonly string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stderr = { write: (s: string) => (err += s) };
  const io: Io = stdin === undefined ? { stdinIsTTY: true, stderr, stdin: () => { throw new Error('standard input is a terminal in this test'); } } : processIo(() => stdin, false, stderr);
  const code = await main(argv, (s) => (out += `${s}\n`), io);
  return { code, out, err };
}

describe('--version', () => {
  it('prints the version of package.json', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  });

  it.runIf(built)('the installed binary prints it too', () => {
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe('standard input', () => {
  const normal = 'x ~ Normal(mu, sigma)';

  it('a model piped in is read without -, and with -', async () => {
    const piped = await run(['fisher'], normal);
    const dash = await run(['fisher', '-'], normal);
    const given = await run(['fisher', normal]);
    expect(piped.code).toBe(0);
    expect(piped.out).toContain('[[1/sigma^2, 0],\n [0, 2/sigma^2]]');
    expect(dash.out).toBe(given.out);
    expect(piped.out).toBe(given.out);
  });

  it('without MODEL on a terminal: one message saying how to give it', async () => {
    const r = await run(['score']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: give the model: its text, a file holding it, or pipe it on standard input/);
  });

  it('an empty pipe is a message, not a parse error', async () => {
    const r = await run(['score'], '  \n');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/standard input is empty/);
  });

  it('--data - reads the CSV from standard input', async () => {
    const r = await run(['fisher', normal, '--data', '-', '--at', 'mu=0,sigma=2', '--json'], 'x\n1\n-2\n3\n0.5\n');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows).toBe(4);
    // The empirical Fisher information: the mean of s sᵀ, with s = ((x − μ)/σ², (x − μ)²/σ³ − 1/σ).
    const s = [1, -2, 3, 0.5].map((x) => [x / 4, x ** 2 / 8 - 1 / 2]);
    const want = [0, 1].map((i) => [0, 1].map((k) => s.reduce((a, v) => a + v[i]! * v[k]!, 0) / 4));
    j.value.empirical.forEach((row: number[], i: number) => row.forEach((x, k) => expect(x).toBeCloseTo(want[i]![k]!, 12)));
    const text = await run(['score', normal, '--data', '-', '--at', 'mu=0,sigma=2'], 'x\n1\n-2\n');
    expect(text.out).toMatch(/^# Score of the log-likelihood of 2 rows of standard input/);
    const bad = await run(['score', normal, '--data', '-', '--at', 'mu=0,sigma=2'], 'x\n1\nabc\n');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/standard input, row 3, column 'x': 'abc' is not a number/);
  });

  it('verify --file - reads the derivation from standard input', async () => {
    const text = readFileSync(join(root, 'examples/derivations/binomial.txt'), 'utf8');
    const ok = await run(['verify', '--file', '-'], text);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/# every step follows/);
    const wrong = await run(['verify', '--file', '-'], readFileSync(join(root, 'examples/derivations/binomial-wrong.txt'), 'utf8'));
    expect(wrong.code).toBe(1);
  });

  it('the model and the data cannot both come from standard input', async () => {
    const r = await run(['fisher', '--data', '-', '--at', 'mu=0,sigma=1'], 'x\n1\n');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--data - reads standard input: give the model as text or a file/);
  });

  it.runIf(built)('the installed binary reads a piped model', () => {
    const r = spawnSync(process.execPath, [bin, 'hessian'], { input: 'data x in real\nparam mu\nlogp = -(x - mu)^2/2\n', encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('[[-1]]');
  });
});

describe('a directory as the model', () => {
  it('says it is a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fisherlab-dir-'));
    const r = await run(['fisher', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: ${dir} is a directory; give a model file or the model text\n`);
    const data = await run(['fisher', 'x ~ Poisson(lam)', '--data', dir, '--at', 'lam=1']);
    expect(data.code).toBe(2);
    expect(data.err).toMatch(/is a directory; give a CSV file/);
  });
});

describe('Unicode fisherlab prints is accepted in input', () => {
  it('Greek names and − in --at, · and ² in the model', async () => {
    const ascii = await run(['score', 'x ~ Normal(mu, sigma)', '--at', 'x=-1.5,mu=0.25,sigma=2']);
    const greek = await run(['score', 'x ~ Normal(μ, σ)', '--at', 'x=−1.5,μ=0.25,σ=2']);
    expect(greek.code).toBe(0);
    expect(greek.out).toBe(ascii.out);
    const model = await run(['fisher', 'data x ∈ real; param μ; param σ ∈ (0, ∞); logp = −log(σ) − log(2·π)/2 − (x − μ)²/(2·σ²)']);
    expect(model.out).toContain('[[1/sigma^2, 0],\n [0, 2/sigma^2]]');
    // A vector's components by Greek name.
    const v = await run(['hessian', 'param β in real[2]; given z in real[2]; y ~ Normal(dot(z, β), 1)', '--at', 'y=0,z=[1,2],β[1]=0.5,β[2]=−1', '--json']);
    expect(JSON.parse(v.out).at).toEqual({ y: 0, 'z[1]': 1, 'z[2]': 2, 'beta[1]': 0.5, 'beta[2]': -1 });
  });

  it('a character with no meaning names the ASCII to write', async () => {
    const r = await run(['score', 'x ~ Normal(mu, sigma)', '--at', 'x=√2,mu=0,sigma=1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--at x=√2: unexpected character '√' \(write sqrt\(x\)\)/);
    const m = await run(['score', 'data x in real; param mu; logp = -(x – mu)^2']);
    expect(m.err).toMatch(/unexpected character '–' \(write '-' for minus\)/);
  });
});

describe('--help', () => {
  for (const v of VERBS) {
    it(`${v.name} --help ends with the exit codes`, async () => {
      const r = await run([v.name, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: fisherlab ${v.name} `));
      const table = r.out.slice(r.out.indexOf('Exit codes:'));
      expect(table).toMatch(/\n {2}0 {3}success/);
      expect(table).toMatch(/\n {2}2 {3}a mistake in the input/);
      expect(table).toMatch(/\n {2}70 {2}an internal error, a bug in fisherlab/);
      // 1 only for the verbs that can answer no, with what it means there.
      if (v.negative !== undefined) expect(table).toContain(`\n  1   ${v.negative.split(' ').slice(0, 3).join(' ')}`);
      else expect(table).not.toMatch(/\n {2}1 /);
    });
  }

  it('fisherlab --help lists every verb and the exit codes', async () => {
    const r = await run(['--help']);
    for (const v of VERBS) expect(r.out).toMatch(new RegExp(`\\n  ${v.name} `));
    expect(r.out).toMatch(/Exit codes:\n {2}0 /);
  });
});

describe('docs/cli.md', () => {
  it('is what the registry generates (run npm run docs:cli after changing a verb)', () => {
    const committed = readFileSync(join(root, 'docs/cli.md'), 'utf8');
    expect(committed).toBe(cliReference());
    for (const v of VERBS) expect(committed).toContain(`## fisherlab ${v.name}\n`);
  });
});

describe('the Monte Carlo progress bar', () => {
  /** A terminal stand-in that records what was written, and a clock the test moves. */
  function terminal(isTTY = true): { stream: { isTTY: boolean; write: (s: string) => boolean }; writes: string[]; clock: { t: number } } {
    const writes: string[] = [];
    return { stream: { isTTY, write: (s) => writes.push(s) > 0 }, writes, clock: { t: 0 } };
  }

  it('shows draws per second and the time left, then clears its line', () => {
    const { stream, writes, clock } = terminal();
    const bar = progressBar(stream, {}, () => clock.t)!;
    clock.t = 500;
    bar(10_000, 100_000); // within the first second: nothing
    expect(writes).toEqual([]);
    clock.t = 2000;
    bar(40_000, 100_000); // 20k draws/s, 60k left: 3 s
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\[#{12} {18}\] 40000\/100000 draws, 20\.0k draws\/s, 3 s left$/);
    clock.t = 2050;
    bar(41_000, 100_000); // less than 0.1 s later: not redrawn
    expect(writes).toHaveLength(1);
    clock.t = 4000;
    bar(80_000, 100_000);
    expect(writes[1]).toMatch(/80000\/100000 draws, 20\.0k draws\/s, 1 s left/);
    bar(100_000, 100_000);
    // Done: the line is blanked (spaces as wide as the widest bar) and the cursor returned.
    const width = Math.max(writes[0]!.length, writes[1]!.length) - 1;
    expect(writes[2]).toBe(`\r${' '.repeat(width)}\r`);
    bar(100_000, 100_000);
    expect(writes).toHaveLength(3);
  });

  it('draws nothing off a terminal, with --quiet or with --json; a quick run leaves nothing behind', () => {
    expect(progressBar(terminal(false).stream)).toBeUndefined();
    expect(progressBar(terminal().stream, { quiet: true })).toBeUndefined();
    expect(progressBar(terminal().stream, { json: true })).toBeUndefined();
    const { stream, writes, clock } = terminal();
    const bar = progressBar(stream, {}, () => clock.t)!;
    clock.t = 300;
    bar(100, 100);
    expect(writes).toEqual([]);
  });

  it('formats rates and durations for people', () => {
    expect([formatRate(950), formatRate(45_300), formatRate(2_500_000)]).toEqual(['950', '45.3k', '2.50M']);
    expect([formatDuration(0.2), formatDuration(59), formatDuration(125), formatDuration(3725)]).toEqual(['1 s', '59 s', '2 min 05 s', '1 h 02 min']);
  });
});
