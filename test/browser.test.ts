// The library entry runs without Node: bundled for the browser platform by esbuild and evaluated
// in a fresh V8 context that has no process, require, Buffer or module system.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { expect, it } from 'vitest';

it('bundles for the browser and derives a Fisher matrix in a context without Node globals', async () => {
  const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'fisherlab',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const context = vm.createContext({ console: { log: () => undefined }, result: undefined as unknown });
  vm.runInContext(
    `${code}\nresult = (() => { const m = fisherlab.parse('x ~ Gamma(a, b)'); const r = fisherlab.fisher(m); return { matrix: r.matrix.map((row) => row.map((e) => fisherlab.printExpr(e))), hasProcess: typeof process !== 'undefined', hasRequire: typeof require !== 'undefined' }; })();`,
    context,
  );
  const r = context.result as { matrix: string[][]; hasProcess: boolean; hasRequire: boolean };
  expect(r.hasProcess).toBe(false);
  expect(r.hasRequire).toBe(false);
  expect(r.matrix).toEqual([['trigamma(a)', '-1/b'], ['-1/b', 'a/b^2']]);
});
