// The layering of DESIGN.md §2, checked: a stage imports only earlier stages, there are no import
// cycles, the library entries reach no Node built-in (they must run in a browser), and mathjs is
// imported only by src/interop (the fisherlab/mathjs entry), never on the command's path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Stages in data-flow order; a file may import its own stage or an earlier one. */
const STAGES = ['numeric', 'expr', 'families', 'lang', 'interop', 'ad', 'fisher', 'stats', 'geometry', 'optim', 'verify', 'render', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const cand of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (statSync(cand).isFile()) return cand;
    } catch {
      /* next */
    }
  }
  throw new Error(`${relative(src, from)} imports ${spec}, which does not exist`);
}

const stageOf = (file: string): string => {
  const rel = relative(src, file).split(/[\\/]/);
  return rel.length === 1 ? 'entry' : rel[0]!;
};

const all = files(src);
const graph = new Map(all.map((f) => [f, imports(f).map((s) => resolveLocal(f, s)).filter((x): x is string => x !== undefined)]));

describe('layering', () => {
  it('every folder of src is a known stage', () => {
    for (const f of all) {
      const s = stageOf(f);
      expect(s === 'entry' || STAGES.includes(s), `${relative(src, f)} is in an unknown stage '${s}'`).toBe(true);
    }
  });

  it('a stage imports only its own or earlier stages', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const s = stageOf(f);
      if (s === 'entry') continue;
      for (const d of deps) {
        const t = stageOf(d);
        if (t === 'entry' || STAGES.indexOf(t) > STAGES.indexOf(s)) bad.push(`${relative(src, f)} -> ${relative(src, d)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      state.set(f, 1);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 1) cycles.push([...path, f, d].map((p) => relative(src, p)).join(' -> '));
        else if (!state.has(d)) visit(d, [...path, f]);
      }
      state.set(f, 2);
    };
    for (const f of all) if (!state.has(f)) visit(f, []);
    expect(cycles).toEqual([]);
  });

  /** The files an entry reaches, and the bare (package) specifiers they import. */
  function reach(entry: string): { files: Set<string>; packages: Array<[string, string]> } {
    const seen = new Set<string>();
    const packages: Array<[string, string]> = [];
    const stack = [entry];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of imports(f)) {
        const local = resolveLocal(f, spec);
        if (local !== undefined) stack.push(local);
        else packages.push([relative(src, f), spec]);
      }
    }
    return { files: seen, packages };
  }

  it.each(['index.ts', 'interop/index.ts'])('the library entry %s reaches no Node built-in module', (entry) => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((b) => `node:${b}`)]);
    const { files, packages } = reach(join(src, entry));
    const offending = packages.filter(([, spec]) => builtins.has(spec) || spec.startsWith('node:')).map(([f, spec]) => `${f} imports ${spec}`);
    expect(offending).toEqual([]);
    expect(files.has(join(src, 'cli/main.ts'))).toBe(false);
  });

  it('mathjs is imported only in src/interop, and neither is on the command\'s path (nor the main entry\'s)', () => {
    const isMathjs = (spec: string): boolean => spec === 'mathjs' || spec.startsWith('mathjs/');
    const importers = all.filter((f) => imports(f).some(isMathjs)).map((f) => relative(src, f));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((f) => stageOf(join(src, f)) !== 'interop')).toEqual([]);
    for (const entry of ['cli/main.ts', 'cli/mc-worker.ts', 'index.ts']) {
      const { files, packages } = reach(join(src, entry));
      expect([...files].filter((f) => stageOf(f) === 'interop').map((f) => relative(src, f))).toEqual([]);
      expect(packages.filter(([, spec]) => isMathjs(spec))).toEqual([]);
    }
  });
});
