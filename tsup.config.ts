import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: ESM + CJS + types, no Node built-ins (it runs in a browser). The entry
    // fisherlab/mathjs (src/interop) is built with it, so that the two share one copy of the core
    // (one table of interned expressions); mathjs, an optional peer dependency, stays external.
    entry: { index: 'src/index.ts', mathjs: 'src/interop/index.ts' },
    external: ['mathjs'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    // The grammar's nearley runtime is CommonJS; bundle the small runtime dependencies.
    noExternal: [/^nearley/, /^moo/, /^@stdlib\//],
  },
  {
    // The command: one ESM file with everything bundled, for a fast cold start.
    entry: { cli: 'src/cli/main.ts', 'mc-worker': 'src/cli/mc-worker.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    noExternal: [/.*/],
    minify: true,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
]);
