/**
 * The guard of vitest.config.ts (`expect.requireAssertions`): a test that makes no assertion
 * fails. Proved by running vitest, with this repository's configuration, in a child process on a
 * temporary folder holding a test that asserts nothing and one that asserts; and, as the control,
 * the same folder with the guard switched off on the command line, where the empty test passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fisherlab-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The configuration includes test/**/*.test.ts of its root; --globals spares the files an import
// of vitest, which would not resolve from a folder outside the repository.
mkdirSync(join(tmp, 'test'));
writeFileSync(join(tmp, 'test', 'guard.test.ts'), [
  "it('computes but asserts nothing', () => { const x = Math.sqrt(2); if (x > 2) throw new Error('no'); });",
  "it('asserts', () => { expect(Math.sqrt(4)).toBe(2); });",
  '',
].join('\n'));

interface Outcome {
  readonly status: number | null;
  readonly tests: ReadonlyArray<{ title: string; status: string; failureMessages: string[] }>;
}

/** vitest run on the temporary folder with this repository's vitest.config.ts, plus extra options. */
function runVitest(name: string, ...extra: string[]): Outcome {
  const report = join(tmp, `${name}.json`);
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(ROOT, 'vitest.config.ts'), '--root', tmp, '--globals', '--reporter=json', `--outputFile=${report}`, ...extra],
    // Without .ci/run's report variable: this run writes its own report, not the suite's.
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '1', FISHERLAB_TEST_REPORT: '' } },
  );
  const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ assertionResults: Outcome['tests'] }> };
  return { status: r.status, tests: json.testResults.flatMap((f) => f.assertionResults) };
}

describe('expect.requireAssertions', () => {
  it('fails a test that asserts nothing, and passes one that asserts', () => {
    const on = runVitest('on');
    expect(on.tests.map((t) => [t.title, t.status])).toEqual([
      ['computes but asserts nothing', 'failed'],
      ['asserts', 'passed'],
    ]);
    expect(on.tests[0]!.failureMessages.join('\n')).toMatch(/expected any number of assertion, but got none/);
    expect(on.status).toBe(1);
  });

  it('control: with the guard switched off the same empty test passes', () => {
    const off = runVitest('off', '--expect.requireAssertions=false');
    expect(off.tests.map((t) => [t.title, t.status])).toEqual([
      ['computes but asserts nothing', 'passed'],
      ['asserts', 'passed'],
    ]);
    expect(off.status).toBe(0);
  });
});
