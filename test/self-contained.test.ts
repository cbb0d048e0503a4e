/**
 * The repository is complete in itself: no file of src/, test/, bench/, examples/ (or the build
 * and test configurations at the root) names a path outside it — a clone in an empty folder runs
 * everything. The scanner (test/helpers/escapes.ts) is checked first on synthetic strings.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escapes, scanFiles, scanSource, sourceFiles, type Base } from './helpers/escapes';

/** The repository root: this file's folder is test/. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Test data for the scanner, which it does not scan (see test/helpers/escapes.ts). */
const synthetic = (s: TemplateStringsArray, ...values: unknown[]): string => String.raw(s, ...values);

describe('the path scanner, on synthetic strings', () => {
  const inTest = join(ROOT, 'test', 'x.test.ts');
  const inHelpers = join(ROOT, 'test', 'helpers', 'x.ts');
  const esc = (literal: string, file = inTest, base: Base = 'file'): string | undefined => escapes(literal, file, ROOT, base);

  it('relative paths are resolved from the folder of the file that holds them', () => {
    expect(esc(synthetic`../src/index.ts`)).toBeUndefined();
    expect(esc(synthetic`..`)).toBeUndefined(); // test/.. is the root
    expect(esc(synthetic`./helpers/quad`)).toBeUndefined();
    expect(esc(synthetic`../../src/expr/expr`, inHelpers)).toBeUndefined();
    expect(esc(synthetic`../fixtures/cases.json`, inHelpers)).toBeUndefined();
    expect(esc(synthetic`../../shared/cases/cases.json`)).toMatch(/resolved from test\/ leaves the repository/);
    expect(esc(synthetic`../../../shared/cases/cases.json`, inHelpers)).toMatch(/resolved from test\/helpers\/ leaves/);
    expect(esc(synthetic`../..`)).toMatch(/leaves the repository/);
    expect(esc(synthetic`..\..\shared`)).toMatch(/leaves the repository/);
    // A climb that comes back inside is inside.
    expect(esc(synthetic`../test/../src/../bench/run.mjs`)).toBeUndefined();
  });

  it('where the base cannot be seen, the root must be a safe base too', () => {
    expect(esc(synthetic`../src`, inTest, 'path')).toMatch(/when resolved from the root/);
    expect(esc(synthetic`../src`, inTest, 'unknown')).toMatch(/when resolved from the root/);
    expect(esc(synthetic`..`, inTest, 'path')).toMatch(/when resolved from the root/); // join(root, '..')
    expect(esc(synthetic`examples/derivations/binomial.txt`, inTest, 'path')).toBeUndefined();
    // A bare '..' that the code does not use as a path is the model language's range operator.
    expect(esc(synthetic`..`, inTest, 'unknown')).toBeUndefined();
  });

  it('absolute paths, file: URLs, home and Windows paths, alone or inside a command line', () => {
    expect(esc(synthetic`/work/shared/cases/cases.json`)).toMatch(/is an absolute path/);
    expect(esc(synthetic`/work`)).toMatch(/is an absolute path/);
    expect(esc(synthetic`/tmp/fisherlab/x.csv`)).toMatch(/is an absolute path/);
    expect(esc(synthetic`file:///work/shared/cases/cases.json`)).toMatch(/is a file: URL/);
    expect(esc(synthetic`~/cases.json`)).toMatch(/home folder/);
    expect(esc(synthetic`C:\data\cases.json`)).toMatch(/Windows/);
    expect(esc(synthetic`fisherlab verify --file /work/shared/x.txt`)).toMatch(/\/work\/shared\/x\.txt is an absolute path/);
    expect(esc(synthetic`cat ../../shared/x`)).toMatch(/inside a longer string/);
  });

  it('mathematics and messages are not paths', () => {
    for (const s of ['1/sigma', '/2', '(x - mu)^2/sigma^3 - 1/sigma', '/sigma', 'a/b^2', 'x ~ Normal(mu, sigma)', '[[1/p]]', 'p/(1 - p)', '.5', '...', 'd/dtheta', '--at mu=1', 'no such file: ', String.raw` \\[6pt]`, "x in {0..n}, the '..' range"]) {
      expect(esc(s), s).toBeUndefined();
    }
  });

  it('finds exactly the escaping literals of a source text, by line, and not comments or regular expressions', () => {
    const text = synthetic`// Reads ../shared/cases (a comment, not a read).
import { parse } from '../src/lang/parse';
const a = readFileSync(new URL('../../shared/cases/cases.json', import.meta.url));
const b = /\/work\/shared/;
const c = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const d = join(root, '..', 'shared');
const e = ${'`'}${'$'}{root}/../shared/cases.json${'`'};
const f = '/work/shared/cases/cases.json';
const g = new URL('../src/index.ts', import.meta.url);
const h = ${'`'}${'$'}{lo}..${'$'}{hi}${'`'};
type E = import('../src/expr/expr').Expr;
`;
    const found = scanSource(text, inTest, ROOT);
    expect(found.map((x) => [x.line, x.literal])).toEqual([
      [3, synthetic`../../shared/cases/cases.json`],
      [6, '..'],
      [7, synthetic`/../shared/cases.json`],
      [8, synthetic`/work/shared/cases/cases.json`],
    ]);
    expect(found.every((x) => x.file === join('test', 'x.test.ts'))).toBe(true);
  });
});

describe('the repository reads nothing outside itself', () => {
  it('no source file of src/, test/, bench/, examples/ or the root configurations names a path outside the repository', () => {
    const files = [...sourceFiles(ROOT, ['src', 'test', 'bench', 'examples']), ...['vitest.config.ts', 'tsup.config.ts'].map((f) => join(ROOT, f))];
    // The scan saw the tree: the library, the tests, the benchmark and the examples.
    for (const f of ['src/index.ts', 'test/helpers/fixtures.ts', 'bench/run.mjs', 'examples/fit.mjs']) expect(files).toContain(join(ROOT, f));
    expect(files.length).toBeGreaterThan(80);
    expect(scanFiles(files, ROOT).map((e) => `${e.file}:${e.line}: '${e.literal}' — ${e.why}`)).toEqual([]);
  });
});
