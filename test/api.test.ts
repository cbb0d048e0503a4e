// The public API, pinned and honest: the names each entry exports (so that a change to the surface
// is deliberate), a doc comment on every export and on every member of its interfaces and classes,
// an example for every function, class and constant, and every example run, with each `// → value`
// comment checked against what the code gives (test/helpers/api-docs.ts). TypeDoc validates the
// generated reference (`npm run docs:api`): nothing undocumented, no broken link, no type it
// cannot show.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as mathjs from 'mathjs';
import { describe, expect, it } from 'vitest';
import * as fisherlab from '../src/index';
import * as fisherlabMathjs from '../src/interop/index';
import { ENTRIES, ROOT, publicApi, runExample, type Example } from './helpers/api-docs';

const MODULES: Record<string, Record<string, unknown>> = { fisherlab, 'fisherlab/mathjs': fisherlabMathjs, mathjs };

/** The run-time names of `fisherlab`: what a user can call. Change it on purpose, with its docs. */
const RUNTIME = [
  'FAMILIES', 'FUNCTIONS', 'FisherError', 'Rng', 'Tape',
  'add', 'call', 'checkDerivation', 'checkFisher', 'checkLocalQuadratic', 'chiSquareSurvival', 'children', 'compile', 'compileColumns', 'crb',
  'dataMatrix', 'dataSampler', 'dataSet', 'dependsOn', 'derivationDocument', 'derivationLatex', 'derivationMarkdown', 'derivative', 'derive', 'diff', 'div', 'divergence',
  'empiricalFisher', 'evaluate', 'evaluateAt', 'expectation', 'expfamily',
  'familyNames', 'fisher', 'fisherLatex', 'fisherMetric', 'fisherRaoDistance', 'fisherToJSON', 'fit', 'fitLatex', 'fitText', 'fitToJSON', 'forwardAlgebra', 'functionNames',
  'gradForward', 'gradReverse', 'gradient', 'hessian', 'hessianForward', 'hessianOf', 'hessianReverse', 'hvp',
  'jeffreys', 'jvp', 'kl', 'klDivergence', 'latexMatrix', 'latexName', 'latexVector', 'logLikelihood',
  'mapBottomUp', 'model', 'modelRanges', 'monteCarloFisher', 'mul', 'neg', 'normalQuantile', 'num', 'numericFisher',
  'paramVector', 'parse', 'parseDivergence', 'parseExpr', 'pow', 'printExpr', 'printMatrix', 'printVector',
  'rangeOf', 'reparam', 'score', 'shoot', 'simplify', 'sqrt', 'sub', 'subexpressions', 'substitute', 'sym', 'symbolicDeterminant', 'symbolicInverse', 'symbols',
  'toJSON', 'toLatex', 'transformKernel', 'vectorEngine', 'verify', 'vjp',
];

const RUNTIME_MATHJS = ['fisherlabFunctions', 'fromMathjs', 'importFisherlab', 'toMathjs'];

const api = publicApi();
const [main, interop] = ENTRIES as [(typeof ENTRIES)[0], (typeof ENTRIES)[1]];

describe('the public surface', () => {
  it('fisherlab exports exactly the pinned run-time names', () => {
    expect(Object.keys(fisherlab).sort()).toEqual([...RUNTIME].sort());
  });

  it('fisherlab/mathjs exports exactly the pinned run-time names', () => {
    expect(Object.keys(fisherlabMathjs).sort()).toEqual([...RUNTIME_MATHJS].sort());
  });

  it('the compiler sees the same run-time names as the module (the type-only exports are the rest)', () => {
    for (const [entry, module] of [[main, fisherlab], [interop, fisherlabMathjs]] as const) {
      const seen = api.exports.get(entry)!.filter((x) => x.runtime).map((x) => x.name);
      expect(seen.sort()).toEqual(Object.keys(module).sort());
    }
  });

  it.each(ENTRIES.map((e) => [e.specifier, e] as const))('every export of %s has a doc comment, and so has every member of its interfaces and classes', (_, entry) => {
    const list = api.exports.get(entry)!;
    expect(list.length).toBeGreaterThan(0);
    expect(list.filter((x) => x.doc === '').map((x) => x.name)).toEqual([]);
    expect(list.flatMap((x) => x.undocumentedMembers)).toEqual([]);
  });

  it.each(ENTRIES.map((e) => [e.specifier, e] as const))('every function, class and constant of %s has an example', (_, entry) => {
    const list = api.exports.get(entry)!;
    expect(list.filter((x) => x.runtime && x.examples.length === 0).map((x) => x.name)).toEqual([]);
  });
});

const examples: Example[] = [...api.moduleExamples, ...[...api.exports.values()].flat().flatMap((x) => x.examples)];

describe('the examples of the docs', () => {
  it('there are examples, and each states at least one output', () => {
    expect(examples.length).toBeGreaterThan(RUNTIME.length);
    expect(examples.filter((ex) => !/\/\/\s*→/.test(ex.code)).map((ex) => `${ex.owner} (${ex.where})`)).toEqual([]);
  });

  it.each(examples.map((ex) => [`${ex.owner} (${ex.where})`, ex] as const))('%s runs and prints what its comments say', (_, ex) => {
    const results = runExample(ex, MODULES);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect({ line: r.line, actual: r.actual }).toEqual({ line: r.line, actual: r.ok ? r.actual : r.expected });
  });
});

describe('the generated API reference', () => {
  it('TypeDoc builds it without a warning (typedoc.json treats warnings as errors)', () => {
    const bin = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');
    const r = spawnSync(process.execPath, [bin, '--emit', 'none', '--logLevel', 'Warn'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});
