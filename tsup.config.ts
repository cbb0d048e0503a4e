import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin as EsbuildPlugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

// Every runtime dependency is a devDependency bundled into dist/: the published package lists no
// dependencies, so installing it installs one package. The bundles carry no license comments; the
// licenses of what they contain are written to dist/THIRD_PARTY_LICENSES.md instead (below).

/**
 * The library bundle is one ESM file that `import` and `require` (Node's require(esm)) share, so
 * there is one intern table per process. Its CommonJS dependencies (nearley, moo, stdlib) become
 * `var require_x = __commonJS({...})` and `var import_x = __toESM(require_x())` at the top level;
 * marking these calls pure lets an application's bundler drop the dependencies its imports do not
 * reach (the rest of the library's top-level code is annotated in the source).
 */
const pureCommonJs: NonNullable<Options['plugins']>[number] = {
  name: 'pure-commonjs-wrappers',
  renderChunk(code) {
    const out = code
      .replace(/^var (require_[\w$]+) = __commonJS\(/gm, 'var $1 = /* @__PURE__ */ __commonJS(')
      .replace(/^var (import_[\w$]+) = __toESM\((require_[\w$]+)\(\)/gm, 'var $1 = /* @__PURE__ */ __toESM(/* @__PURE__ */ $2()');
    return { code: out };
  },
};

const noLicenseComments: Options['esbuildOptions'] = (o) => {
  o.legalComments = 'none';
};

/** The packages of node_modules that went into the bundles, by directory, across both builds. */
const bundled = new Set<string>();

function packageDir(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
  return m?.[1];
}

/** Writes dist/THIRD_PARTY_LICENSES.md: each bundled package with its license and notice files. */
const thirdPartyLicenses: EsbuildPlugin = {
  name: 'third-party-licenses',
  setup(build) {
    build.onEnd((result) => {
      for (const input of Object.keys(result.metafile?.inputs ?? {})) {
        const dir = packageDir(input);
        if (dir !== undefined) bundled.add(dir);
      }
      // Packages with the same license text share one copy of it.
      const groups = new Map<string, string[]>();
      for (const dir of [...bundled].sort()) {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
        const files = readdirSync(dir).filter((f) => /^(licen[cs]e|notice|copying)(\.(md|txt))?$/i.test(f)).sort();
        const text = files.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n') || `(no license file; package.json says ${pkg.license ?? 'nothing'})`;
        const list = groups.get(text) ?? [];
        list.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})`);
        groups.set(text, list);
      }
      const parts = ['# Third-party software bundled in this package\n', 'The files of dist/ contain code of the packages below, under their licenses.\n'];
      for (const [text, names] of groups) parts.push(`## ${names.join(', ')}\n\n\`\`\`\n${text}\n\`\`\`\n`);
      const out = 'dist/THIRD_PARTY_LICENSES.md';
      if (!existsSync(dirname(out))) mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, parts.join('\n'));
    });
  },
};

export default defineConfig([
  {
    // The library: one ESM file and its types, no Node built-ins (it runs in a browser).
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    // No source maps in the package: the library bundle is unminified, readable code, and the maps
    // (2 MB each) would point into src/, which is not published.
    sourcemap: false,
    target: 'es2022',
    platform: 'neutral',
    // Bundle the runtime dependencies (devDependencies); peer dependencies stay imports.
    noExternal: [/^nearley/, /^moo/, /^@stdlib\//],
    esbuildOptions: noLicenseComments,
    plugins: [pureCommonJs],
    esbuildPlugins: [thirdPartyLicenses],
  },
  {
    // The command: one ESM file with everything bundled, for a fast cold start.
    entry: { cli: 'src/cli/main.ts', 'mc-worker': 'src/cli/mc-worker.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    noExternal: [/.*/],
    minify: true,
    esbuildOptions: noLicenseComments,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    esbuildPlugins: [thirdPartyLicenses],
  },
]);
