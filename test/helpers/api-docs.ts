// The public entries read as a user reads them: their exports (through the TypeScript compiler's
// checker, so re-exports and aliases resolve to the declarations), the doc comment of each, and the
// code of every `@example`, which `runExample` runs and checks against its `// →` comments.
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A public entry: its source file and the specifier a user imports it by. */
export interface Entry {
  readonly file: string;
  readonly specifier: string;
}

export const ENTRIES: readonly Entry[] = [
  { file: 'src/index.ts', specifier: 'fisherlab' },
  { file: 'src/interop/index.ts', specifier: 'fisherlab/mathjs' },
];

/** One `@example` block: where it is written and its code (comment stars removed). */
export interface Example {
  /** The export (or `Export.member`, or `module`) whose comment holds it. */
  readonly owner: string;
  readonly entry: Entry;
  /** `path:line` of the tag. */
  readonly where: string;
  readonly code: string;
}

/** One export of an entry, as the compiler resolves it. */
export interface ExportInfo {
  readonly name: string;
  /** A value at run time (function, class, constant), or a type only. */
  readonly runtime: boolean;
  /** The kinds of its declarations: function, class, variable, interface, type. */
  readonly kinds: readonly string[];
  /** The doc comment's text (without tags), empty when there is none. */
  readonly doc: string;
  /** Its members (of a class or an interface) that have no doc comment. */
  readonly undocumentedMembers: readonly string[];
  readonly examples: readonly Example[];
}

const KIND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.FunctionDeclaration]: 'function',
  [ts.SyntaxKind.ClassDeclaration]: 'class',
  [ts.SyntaxKind.VariableDeclaration]: 'variable',
  [ts.SyntaxKind.InterfaceDeclaration]: 'interface',
  [ts.SyntaxKind.TypeAliasDeclaration]: 'type',
};

/** The JSDoc comments attached to a declaration (a variable's are on its statement). */
function jsDocs(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d));
}

/** The text of a tag's body with the comment's leading stars removed. */
function tagBody(tag: ts.JSDocTag, source: ts.SourceFile): string {
  const raw = source.text.slice(tag.tagName.end, tag.end).replace(/\*\/\s*$/, '');
  const lines = raw.split('\n').map((l, i) => (i === 0 ? l : l.replace(/^\s*\*(?: |$)/, '')));
  return lines.join('\n').replace(/^[ \t]+/, '').replace(/\s+$/, '');
}

function examplesOf(node: ts.Node, owner: string, entry: Entry): Example[] {
  const source = node.getSourceFile();
  return jsDocs(node).flatMap((doc) =>
    (doc.tags ?? [])
      .filter((t) => t.tagName.text === 'example')
      .map((t) => ({
        owner,
        entry,
        where: `${relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(t.pos).line + 1}`,
        code: tagBody(t, source),
      })),
  );
}

const docText = (node: ts.Node): string =>
  jsDocs(node)
    .map((d) => (typeof d.comment === 'string' ? d.comment : (d.comment ?? []).map((c) => c.getText()).join('')))
    .join('\n')
    .trim();

/** Members of a class or an interface (and the properties of object types inside a type alias). */
function members(decl: ts.Declaration): ts.NamedDeclaration[] {
  const out: ts.NamedDeclaration[] = [];
  const visitType = (t: ts.TypeNode | undefined): void => {
    if (t === undefined) return;
    if (ts.isTypeLiteralNode(t)) out.push(...t.members);
    else if (ts.isUnionTypeNode(t) || ts.isIntersectionTypeNode(t)) t.types.forEach(visitType);
  };
  if (ts.isClassDeclaration(decl)) {
    for (const m of decl.members) {
      if (ts.isConstructorDeclaration(m) || ts.isClassStaticBlockDeclaration(m)) continue;
      const mods = ts.getCombinedModifierFlags(m as ts.Declaration);
      if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (m.name !== undefined && ts.isPrivateIdentifier(m.name)) continue;
      out.push(m);
    }
  } else if (ts.isInterfaceDeclaration(decl)) out.push(...decl.members);
  else if (ts.isTypeAliasDeclaration(decl)) visitType(decl.type);
  return out;
}

const isInternal = (node: ts.Node): boolean => jsDocs(node).some((d) => (d.tags ?? []).some((t) => t.tagName.text === 'internal'));

let cached: { program: ts.Program; exports: Map<Entry, ExportInfo[]>; moduleExamples: Example[] } | undefined;

/** The exports of every entry, read once per process (a program over src/ takes a few seconds). */
export function publicApi(): { exports: Map<Entry, ExportInfo[]>; moduleExamples: Example[] } {
  if (cached !== undefined) return cached;
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e.file)),
    { ...parsed.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const exports = new Map<Entry, ExportInfo[]>();
  const moduleExamples: Example[] = [];
  for (const entry of ENTRIES) {
    const source = program.getSourceFile(join(ROOT, entry.file))!;
    // The entry's own comment (@packageDocumentation) is the first statement's first JSDoc.
    const first = source.statements[0];
    if (first !== undefined) moduleExamples.push(...examplesOf(first, 'module', entry).filter(() => jsDocs(first).some((d) => d.getText().includes('@packageDocumentation'))));
    const list: ExportInfo[] = [];
    for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const decls = (target.declarations ?? []).filter((d) => KIND[d.kind] !== undefined);
      const runtime = (target.flags & ts.SymbolFlags.Value) !== 0 && !(sym.declarations ?? []).every((d) => ts.isTypeOnlyExportDeclaration(d) || (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)));
      const undocumentedMembers: string[] = [];
      const examples: Example[] = [];
      for (const d of decls) {
        examples.push(...examplesOf(d, sym.name, entry));
        for (const m of members(d)) {
          if (isInternal(m)) continue;
          const mname = `${sym.name}.${m.name?.getText() ?? '?'}`;
          if (docText(m) === '' && jsDocs(m).length === 0) undocumentedMembers.push(mname);
          examples.push(...examplesOf(m, mname, entry));
        }
      }
      list.push({ name: sym.name, runtime, kinds: [...new Set(decls.map((d) => KIND[d.kind]!))], doc: decls.map(docText).join('\n').trim(), undocumentedMembers, examples });
    }
    exports.set(entry, list);
  }
  cached = { program, exports, moduleExamples };
  return cached;
}

// ── Running an example ───────────────────────────────────────────────────────────────────────────

/**
 * A value as the examples' `// →` comments write it: strings in single quotes, expressions and
 * rationals as their text, arrays and typed arrays as [a, b], Maps as Map { 'k' => v }, plain
 * objects as { k: v }, numbers as JavaScript prints them.
 */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'string') return `'${v.replace(/\n/g, '\\n')}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return `[Function ${v.name || '(anonymous)'}]`;
  if (typeof v === 'symbol') return v.toString();
  const o = v as Record<string, unknown>;
  if (depth > 8) return '…';
  // An expression node or a rational: its exact text.
  if (('kind' in o && 'id' in o && typeof o.kind === 'string') || (typeof o.n === 'bigint' && typeof o.d === 'bigint')) return String(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return `[${Array.from(v as ArrayLike<unknown>, (x) => show(x, depth + 1)).join(', ')}]`;
  if (v instanceof Map) return `Map { ${[...v].map(([k, x]) => `${show(k, depth + 1)} => ${show(x, depth + 1)}`).join(', ')} }`;
  if (v instanceof Set) return `Set { ${[...v].map((x) => show(x, depth + 1)).join(', ')} }`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  const entries = Object.entries(o).filter(([, x]) => typeof x !== 'function');
  const key = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${key(k)}: ${show(x, depth + 1)}`).join(', ')} }`;
}

/** A thrown error as a `// → throws ...` comment writes it: the class, the code of a FisherError, the message. */
export const showThrown = (e: unknown): string => {
  if (!(e instanceof Error)) return `throws ${show(e)}`;
  const code = (e as { code?: unknown }).code;
  return `throws ${e.name}${typeof code === 'string' ? ` (${code})` : ''}: ${e.message}`;
};

/** `...` in an expected value stands for any text; everything else is literal. */
export function matches(actual: string, expected: string): boolean {
  const pattern = expected
    .split('...')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(actual);
}

/** One `// → value` claim of an example, on the statement it follows. */
export interface Claim {
  readonly line: number;
  readonly expected: string;
}

/**
 * The example's code with each claimed statement rewritten into a check: an expression statement
 * `e; // → v` becomes `__check(() => (e), i)`, a declaration `const x = e; // → v` is followed by
 * `__check(() => x, i)`. A claim is written at the end of the statement's last line or on the
 * comment lines right after it; `// → throws ...` claims that the statement throws.
 */
export function instrument(code: string): { code: string; claims: Claim[] } {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const claims: Claim[] = [];
  const edits: Array<{ start: number; end: number; text: string }> = [];
  // Statements in order, each with where the text after it ends (the next statement, or the end
  // of its block), inside blocks too (try, if, loops).
  const statements: Array<{ st: ts.Statement; until: number }> = [];
  const visit = (node: ts.Node): void => {
    const list = (node as { statements?: ts.NodeArray<ts.Statement> }).statements;
    if (list !== undefined) {
      const end = ts.isSourceFile(node) ? code.length : node.end - 1;
      list.forEach((st, i) => statements.push({ st, until: i + 1 < list.length ? list[i + 1]!.getStart(source) : end }));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  statements.forEach(({ st, until }) => {
    const between = code.slice(st.end, until);
    const arrows = [...between.matchAll(/\/\/\s*→\s?(.*)$/gm)];
    if (arrows.length === 0) return;
    if (arrows.length > 1) throw new Error(`example line ${source.getLineAndCharacterOfPosition(st.end).line + 1}: more than one → for one statement`);
    const expected = arrows[0]![1]!.trim();
    const index = claims.length;
    claims.push({ line: source.getLineAndCharacterOfPosition(st.getStart(source)).line + 1, expected });
    const throws = expected.startsWith('throws ');
    if (ts.isExpressionStatement(st)) {
      edits.push({ start: st.getStart(source), end: st.end, text: `__check(() => (${st.expression.getText(source)}), ${index});` });
    } else if (ts.isVariableStatement(st) && !throws) {
      const last = st.declarationList.declarations.at(-1)!;
      if (!ts.isIdentifier(last.name)) throw new Error(`example: a → after a destructuring declaration (line ${claims[index]!.line})`);
      edits.push({ start: st.end, end: st.end, text: ` __check(() => ${last.name.text}, ${index});` });
    } else {
      throw new Error(`example line ${claims[index]!.line}: a → must follow an expression or a declaration`);
    }
  });
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, claims };
}

/** The outcome of a claim: what was expected and what the code gave. */
export interface ClaimResult extends Claim {
  readonly actual: string;
  readonly ok: boolean;
}

/**
 * Runs an example: its imports of `fisherlab`, `fisherlab/mathjs` and `mathjs` resolve to `modules`,
 * the names of its own entry are in scope without an import, and every `// →` claim is checked.
 */
export function runExample(ex: Example, modules: Readonly<Record<string, Record<string, unknown>>>): ClaimResult[] {
  const { code, claims } = instrument(ex.code);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const results: ClaimResult[] = [];
  const check = (f: () => unknown, i: number): void => {
    const claim = claims[i]!;
    let actual: string;
    try {
      actual = show(f());
      if (claim.expected.startsWith('throws ')) actual = `returned ${actual}`;
    } catch (e) {
      actual = showThrown(e);
    }
    results.push({ ...claim, actual, ok: matches(actual, claim.expected) });
  };
  const require = (spec: string): unknown => {
    const m = modules[spec];
    if (m === undefined) throw new Error(`example imports ${spec}, which the examples do not provide`);
    return m;
  };
  const scope = modules[ex.entry.specifier]!;
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  // The body is a block, so that an example may declare a name the entry also exports.
  const run = new Function('require', 'exports', '__check', ...names, `{\n${js}\n}`) as (...a: unknown[]) => void;
  run(require, {}, check, ...names.map((n) => scope[n]));
  return results;
}
