// The command line: output contracts, exit codes and messages, run in-process through main()
// and, for the real binary, as a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import katex from 'katex';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main';
import { runCli } from './helpers/run-cli';

const root = fileURLToPath(new URL('..', import.meta.url));

const run = runCli;

async function runAsync(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(argv, (s) => {
      out += `${s}\n`;
    });
    return { code, out, err };
  } finally {
    spy.mockRestore();
  }
}

describe('fisherlab hessian / score', () => {
  it('prints the Normal Hessian as a textbook does', () => {
    const r = run('hessian', 'x ~ Normal(mu, sigma)');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[[-1/sigma^2, -2*(x - mu)/sigma^3],\n [-2*(x - mu)/sigma^3, 1/sigma^2 - 3*(x - mu)^2/sigma^4]]');
  });

  it('evaluates at a point given with --at, data included', () => {
    const r = run('score', 'x ~ Normal(mu, sigma)', '--at', 'x=1.3,mu=0.3,sigma=1.7');
    expect(r.code).toBe(0);
    const last = r.out.trim().split('\n').pop()!;
    const [a, b] = JSON.parse(last) as number[];
    // (x - mu)/sigma^2 and (x - mu)^2/sigma^3 - 1/sigma by hand.
    expect(a).toBeCloseTo(1 / 1.7 ** 2, 10);
    expect(b).toBeCloseTo(1 / 1.7 ** 3 - 1 / 1.7, 10);
  });

  it('--json follows the documented contract', () => {
    const r = run('hessian', 'x ~ Gamma(a, b)', '--json', '--at', 'x=2,a=3,b=0.5');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual(['at', 'data', 'hessian', 'latex', 'params', 'score', 'value', 'verb', 'version', 'warnings']);
    expect(j.at).toEqual({ x: 2, a: 3, b: 0.5 });
    expect(j.params).toEqual(['a', 'b']);
    expect(j.data).toEqual(['x']);
    expect(j.hessian).toEqual([['-trigamma(a)', '1/b'], ['1/b', '-a/b^2']]);
    expect(j.score).toEqual(['log(b) + log(x) - digamma(a)', 'a/b - x']);
    // trigamma(3) = pi^2/6 - 1 - 1/4 (Abramowitz & Stegun 6.4.2 with the recurrence).
    expect(j.value.hessian[0][0]).toBeCloseTo(-(Math.PI ** 2 / 6 - 1.25), 12);
    expect(j.value.hessian[1][1]).toBeCloseTo(-3 / 0.25, 12);
    expect(j.value.score[1]).toBeCloseTo(3 / 0.5 - 2, 12);
  });

  it('--latex renders in KaTeX', () => {
    for (const verb of ['score', 'hessian']) {
      for (const m of ['x ~ Normal(mu, sigma)', 'x ~ Beta(a, b)', 'x ~ Poisson(lambda)']) {
        const r = run(verb, m, '--latex');
        expect(r.code).toBe(0);
        const tex = r.out.trim().split('\n')[0]!;
        expect(() => katex.renderToString(tex, { throwOnError: true, displayMode: true })).not.toThrow();
      }
    }
  });

  it('reads the model from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fisherlab-'));
    const f = join(dir, 'bern.flab');
    writeFileSync(f, '# a Bernoulli model\ndata x in {0,1}\nparam p in (0, 1)\nlogp = x*log(p) + (1 - x)*log(1 - p)\n');
    const r = run('score', f);
    expect(r.code).toBe(0);
    expect(r.out).toContain('x/p - (1 - x)/(1 - p)');
  });
});

describe('bad input', () => {
  const cases: Array<[string[], RegExp]> = [
    [['hessian', 'x ~ Normal(mu, sigma'], /missing '\)'/],
    [['hessian', 'data x in real; param mu; logp = -(x - mux)^2'], /unknown name 'mux' \(did you mean 'mu'\?\)/],
    [['hessian', 'x ~ Normall(mu, sigma)'], /unknown family 'Normall' \(did you mean 'Normal'\?\)/],
    [['hessian', 'x ~ Normal(mu)'], /Normal takes 2 arguments/],
    [['hessian', 'data x in real; param s; logp = -log(s) - x^2/(2*s^2)'], /parameter 's' has no declared domain/],
    [['hessian', 'param p in (0,1)'], /no log-density/],
    [['hessian', 'data x in real; param mu; logp = lgama(x - mu)'], /unknown function 'lgama' \(did you mean 'lgamma'\?\)/],
    [['score', 'x ~ Normal(mu, sigma)', '--at', 'mu=0,sigma=-1,x=0'], /sigma must lie in positive/],
    [['score', 'x ~ Normal(mu, sigma)', '--at', 'mu=0,sigma=1'], /--at needs a value for x/],
    [['score', 'x ~ Normal(mu, sigma)', '--at', 'mu=0,sigmaa=1,x=1'], /did you mean 'sigma'/],
    [['score', 'model.flab'], /no such file: model.flab/],
    [['frobnicate', 'x'], /unknown command/],
  ];
  for (const [argv, message] of cases) {
    it(`${argv.join(' ')} -> exit 2 with a clear message`, () => {
      const r = run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
    });
  }

  it('a syntax error shows line, column and a caret', () => {
    const r = run('hessian', 'data x in real\nparam mu\nlogp = -(x - mu)^2 +* 2');
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 3, column 21');
    const lines = r.err.split('\n');
    const src = lines.findIndex((l) => l.includes('logp = -(x - mu)^2 +* 2'));
    expect(lines[src + 1]!.indexOf('^')).toBe(lines[src]!.indexOf('*', lines[src]!.indexOf('+')));
  });
});

describe('help', () => {
  for (const verb of ['score', 'hessian', 'families', 'functions']) {
    it(`${verb} --help`, () => {
      const r = run(verb, '--help');
      expect(r.code).toBe(0);
      expect(r.out + r.err).toMatch(/Usage: fisherlab/);
    });
  }
});

describe('the installed binary', () => {
  const bin = join(root, 'bin/fisherlab.js');
  const built = existsSync(join(root, 'dist/cli.js'));
  it.runIf(built)('exits 0 on success and 2 on a user error, without a stack trace', () => {
    const ok = spawnSync(process.execPath, [bin, 'hessian', 'x ~ Normal(mu, sigma)'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('1/sigma^2 - 3*(x - mu)^2/sigma^4');
    const bad = spawnSync(process.execPath, [bin, 'hessian', 'x ~ Normal(mu, sigma) +'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: /);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('fisherlab fisher', () => {
  it('prints the closed form and the rung that produced it', () => {
    const r = run('fisher', 'x ~ Normal(mu, sigma)');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[[1/sigma^2, 0],\n [0, 2/sigma^2]]');
    expect(r.out).toMatch(/# method: .*score identity/);
  });

  it('--json follows the documented contract, with values at --at', () => {
    const r = run('fisher', 'const n = 10; x ~ Binomial(n, theta)', '--json', '--at', 'theta=0.3');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['params', 'method', 'closedForm', 'fisher', 'latex', 'value', 'errorEstimate']) expect(j).toHaveProperty(k);
    expect(j.params).toEqual(['theta']);
    expect(j.closedForm).toBe(true);
    expect(j.fisher).toEqual([['n/(theta*(1 - theta))']]);
    expect(j.value.fisher[0][0]).toBeCloseTo(10 / (0.3 * 0.7), 12);
    expect(() => katex.renderToString(j.latex, { throwOnError: true })).not.toThrow();
  });

  it('evaluates entries without a closed form numerically, with an error estimate', () => {
    // The two-component mixture of the reference cases (test/fixtures) (reference by mpmath: 3.2132055023036385 at w = 0.3).
    const r = run('fisher', 'const m1 = -1.0; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2', '--json', '--at', 'w=0.3');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.closedForm).toBe(false);
    expect(j.method).toMatch(/numeric/);
    expect(j.value.fisher[0][0]).toBeCloseTo(3.2132055023036385, 9);
    expect(j.errorEstimate.fisher[0][0]).toBeLessThan(1e-8);
  });

  it('gives Student-t with unknown nu in closed form', () => {
    const r = run('fisher', 'x ~ StudentT(nu, mu, sigma)', '--json', '--at', 'nu=5,mu=0,sigma=2');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.closedForm).toBe(true);
    expect(j.method).toMatch(/Student-t/);
    expect(j.value.fisher[0][2]).toBeCloseTo(-2 / (2 * 6 * 8), 12);
  });

  it('--check confirms the identities and exits 0', () => {
    const r = run('fisher', 'x ~ Weibull(k, lambda)', '--check', '--at', 'k=1.7,lambda=2.5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/check ok {3}E\[score\] = 0/);
    expect(r.out).toMatch(/check ok {3}closed form = numeric expectation/);
    expect(r.out).not.toMatch(/FAIL/);
  });

  it('refuses a density that is not normalised', () => {
    const r = run('fisher', 'data x in real; param mu; logp = -(x - mu)^2/4');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not normalised: exp\(logp\) integrates to 3.5449/);
  });

  it('--at takes parameters only', () => {
    const r = run('fisher', 'x ~ Normal(mu, sigma)', '--at', 'x=1,mu=0,sigma=1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'x' is data/);
  });

  it('--latex renders in KaTeX', () => {
    const r = run('fisher', 'x ~ Gumbel(mu, beta)', '--latex');
    expect(r.code).toBe(0);
    expect(() => katex.renderToString(r.out.trim().split('\n')[0]!, { throwOnError: true, displayMode: true })).not.toThrow();
  });
});

describe('fisherlab fisher --mc', () => {
  it('--json gives value and stderr matrices and method "monte-carlo"', async () => {
    const r = await runAsync('fisher', 'x ~ Gamma(a, b)', '--mc', '100000', '--seed', '3', '--at', 'a=2.5,b=1.5', '--estimator', 'score', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.method).toBe('monte-carlo');
    expect(j.closedForm).toBe(false);
    expect(j.draws).toBe(100000);
    expect(j.estimator).toBe('score-outer-product');
    // Within 4 standard errors of the closed form [[trigamma(2.5), -1/1.5], [-1/1.5, 2.5/1.5^2]].
    const ref = [[0.49035775610023485, -1 / 1.5], [-1 / 1.5, 2.5 / 2.25]];
    for (let i = 0; i < 2; i++) for (let k = 0; k < 2; k++) expect(Math.abs(j.value.fisher[i][k] - ref[i]![k]!)).toBeLessThanOrEqual(4 * j.stderr.fisher[i][k]);
  });

  it('refuses bad options with exit 2', async () => {
    for (const [args, msg] of [
      [['--mc', '1000'], /--mc needs --at/],
      [['--mc', 'lots', '--at', 'a=1,b=1'], /--mc must be a whole number/],
      [['--mc', '1000', '--at', 'a=1,b=1', '--estimator', 'both'], /--estimator must be/],
    ] as const) {
      const r = await runAsync('fisher', 'x ~ Gamma(a, b)', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });

  it('the empirical Fisher of a CSV data set is a separate, named quantity', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fisherlab-'));
    const f = join(dir, 'counts.csv');
    writeFileSync(f, 'x,other\n0,a\n3,b\n5,c\n2,d\n');
    const r = run('fisher', 'x ~ Poisson(lam)', '--data', f, '--at', 'lam=2.5', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.method).toBe('empirical');
    expect(j.description).toMatch(/empirical Fisher information/);
    const want = [0, 3, 5, 2].reduce((a, x) => a + (x / 2.5 - 1) ** 2, 0) / 4;
    expect(j.value.empirical[0][0]).toBeCloseTo(want, 12);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'y\n1\n2\n');
    const e = run('fisher', 'x ~ Poisson(lam)', '--data', bad, '--at', 'lam=2.5');
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/has no column 'x'/);
  });
});

describe('the installed binary, Monte Carlo across workers', () => {
  const bin = join(root, 'bin/fisherlab.js');
  const built = existsSync(join(root, 'dist/mc-worker.js'));
  it.runIf(built)('gives the same numbers for the same seed with 1 or 3 workers', () => {
    const go = (workers: string): string => {
      const r = spawnSync(process.execPath, [bin, 'fisher', 'x ~ Weibull(k, l)', '--mc', '300000', '--seed', '5', '--at', 'k=1.5,l=2', '--workers', workers, '--json'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout).value.fisher;
    };
    expect(go('3')).toEqual(go('1'));
  });
});
