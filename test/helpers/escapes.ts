/**
 * Path strings in source files that reach outside the repository, found in the string literals of
 * the syntax tree (TypeScript's parser, so comments and regular expressions are not mistaken for
 * paths):
 * - an absolute path (`/work/...`, `C:\...`, `~/...`, a `file:` URL), anywhere in a literal: the
 *   repository must not depend on where it is checked out or on what sits beside it;
 * - a relative path (`./x`, `../x`, `..`) resolved against the folder of the file that holds it
 *   (module specifiers, `new URL(path, import.meta.url)`, `resolve(<the file's folder>, path)`),
 *   and, where the base the code joins it to cannot be seen, against both that folder and the
 *   repository root (the working folder of `npm test` and of the CLI): it must stay inside the root;
 * - a `..` after an interpolation of a template literal, whose base cannot be known.
 *
 * Literals passed to the tag `synthetic` are data for the scanner's own tests and are not scanned.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One path string that escapes the repository. */
export interface Escape {
  /** The file, relative to the root, with the line of the literal. */
  readonly file: string;
  readonly line: number;
  readonly literal: string;
  readonly why: string;
}

/**
 * What the code does with a literal: resolves it against the file's own folder ('file'), passes it
 * to a path or file-system function whose base is not visible here ('path'), or nothing that shows
 * it is a path ('unknown': `'..'` is also the range operator of the model language).
 */
export type Base = 'file' | 'path' | 'unknown';

/** The source extensions scanned. */
const SOURCE = /\.(?:[cm]?ts|[cm]?js)$/;

/** Tag of the literals that are the scanner's own test data. */
const SYNTHETIC_TAG = 'synthetic';

/** Top-level folders of a Unix filesystem: `/work` alone is a path, `/sigma` is not taken for one. */
const ROOTS = new Set(['bin', 'dev', 'etc', 'home', 'lib', 'mnt', 'opt', 'private', 'proc', 'root', 'srv', 'sys', 'tmp', 'Users', 'usr', 'var', 'Volumes', 'work']);

/** Is `p` the root itself or inside it? */
const inside = (root: string, p: string): boolean => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
};

/** Why one whitespace-free token is an absolute path, or undefined if it is not one. */
function absoluteToken(t: string): string | undefined {
  if (/^file:\//i.test(t)) return 'is a file: URL';
  if (/^[A-Za-z]:[\\/]/.test(t) || /^\\\\[\w.-]+\\[\w.$-]+/.test(t)) return 'is an absolute Windows path';
  if (/^~[\\/]/.test(t)) return 'is a path in the home folder';
  const m = /^\/([A-Za-z_.][\w.@+-]*)((?:\/[\w.@+-]*)*)$/.exec(t);
  if (m !== null && (m[2] !== '' || ROOTS.has(m[1]!))) return 'is an absolute path';
  return undefined;
}

/** Is the literal a relative path (`.`, `..`, `./x`, `../x`, or with backslashes)? */
const relativeWhole = (t: string): boolean => /^\.\.?(?:[\\/]|$)/.test(t);

/** Is a token inside a longer string a relative path (`./x`, `../x`: a bare `..` is prose there)? */
const relativeToken = (t: string): boolean => /^\.\.?[\\/]\S/.test(t);

/** A `..` step next to a separator, after an interpolation: `${dir}/..`, `${dir}/../x`. */
const climbs = (t: string): boolean => /[\\/]\.\.(?:[\\/]|$)|^\.\.[\\/]/.test(t);

/** The tokens of a literal that could be paths: a command line holds several. */
const tokens = (s: string): string[] => s.split(/[\s=,;()'"`<>|]+/).filter((x) => x !== '');

/**
 * Why a literal found in `file` (a path) escapes `root`, or undefined. `base` says whether the
 * code resolves it against the file's folder ('file') or against something not visible here;
 * `glued` that the literal continues an interpolation of a template (`${dir}/../x`), so that its
 * first token is a continuation of an unknown path.
 */
export function escapes(literal: string, file: string, root: string, base: Base, glued = false): string | undefined {
  const dir = dirname(file);
  const all = tokens(literal);
  const rest = glued && !/^[\s=,;()'"`<>|]/.test(literal) ? all.slice(1) : all;
  if (rest !== all && climbs(all[0]!)) return `${all[0]} climbs with '..' from an interpolated folder, which cannot be checked`;
  for (const t of rest) {
    const abs = absoluteToken(t);
    if (abs !== undefined) return `${t} ${abs}`;
  }
  const whole = literal.trim();
  // A bare '.' or '..' is a path only where the code treats it as one.
  const isPath = relativeWhole(whole) && (/[\\/]/.test(whole) || base !== 'unknown');
  if (!glued && isPath) {
    const path = whole.replace(/\\/g, '/');
    if (!inside(root, resolve(dir, path))) return `${whole} resolved from ${relative(root, dir) || '.'}/ leaves the repository`;
    if (base !== 'file' && !inside(root, resolve(root, path))) return `${whole} leaves the repository when resolved from the root (the base it is joined to is not visible)`;
    return undefined;
  }
  // A relative path inside a longer string (a command line): its base is never visible.
  for (const t of rest) {
    if (relativeToken(t) && !(inside(root, resolve(dir, t)) && inside(root, resolve(root, t)))) return `${t} (inside a longer string) leaves the repository`;
  }
  return undefined;
}

/** Does the text of a call argument name the file's own location? */
const namesOwnLocation = (n: ts.Node): boolean => /\bimport\.meta\.url\b|\b__dirname\b|\b__filename\b/.test(n.getText());

/** Functions whose arguments are paths (by the last name of the callee: `path.join`, `fs.readFileSync`). */
const PATH_FUNCTIONS = /(?:^|\.)(?:join|resolve|normalize|relative|dirname|basename|URL|fileURLToPath|pathToFileURL|(?:read|write|append|copy|cp|rm|mkdir|mkdtemp|stat|lstat|exists|access|open|readdir|realpath|rename|unlink|rmdir|opendir)(?:File)?(?:Sync)?|create(?:Read|Write)Stream|spawn(?:Sync)?|exec(?:File)?(?:Sync)?|fork)$/;

/** Option names whose values are paths (`{ cwd: '..' }`). */
const PATH_OPTIONS = new Set(['cwd', 'root', 'dir', 'path', 'file', 'outDir', 'outFile', 'entry', 'include', 'entryPoints']);

/** What the code does with a string literal (see `Base`). */
function baseOf(node: ts.Node): Base {
  let parent = node.parent;
  // Module specifiers: import/export ... from 'x', import x = require('x'), import('x').Type, declare module 'x'.
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isExternalModuleReference(parent) || ts.isModuleDeclaration(parent)) return 'file';
  if (ts.isLiteralTypeNode(parent) && ts.isImportTypeNode(parent.parent)) return 'file';
  // Inside an array literal (an option list, `include: ['x']`), judge by the array's context.
  let at: ts.Node = node;
  while (ts.isArrayLiteralExpression(parent)) {
    at = parent;
    parent = parent.parent;
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const args = parent.arguments ?? ts.factory.createNodeArray();
    const i = args.indexOf(at as ts.Expression);
    const callee = parent.expression.getText();
    // import('x'), require('x'), vi.mock('x'), vi.importActual('x'): module specifiers.
    if (parent.expression.kind === ts.SyntaxKind.ImportKeyword || /^(?:require|vi\.(?:mock|doMock|unmock|importActual|importMock))$/.test(callee)) return 'file';
    // new URL(path, import.meta.url); resolve(<the file's folder>, path), join(...) likewise.
    if (i >= 0 && args.slice(0, i).concat(callee === 'URL' ? args.slice(i + 1) : []).some(namesOwnLocation)) return 'file';
    if (PATH_FUNCTIONS.test(callee)) return 'path';
  }
  if (ts.isPropertyAssignment(parent) && parent.initializer === at && PATH_OPTIONS.has(parent.name.getText())) return 'path';
  return 'unknown';
}

/** Every escaping path string of one source text (`file` is its path, for resolving). */
export function scanSource(text: string, file: string, root: string): Escape[] {
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out: Escape[] = [];
  const report = (node: ts.Node, literal: string, why: string): void => {
    out.push({ file: relative(root, file), line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, literal, why });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText(sf) === SYNTHETIC_TAG) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const why = escapes(node.text, file, root, baseOf(node));
      if (why !== undefined) report(node, node.text, why);
    } else if (ts.isTemplateHead(node)) {
      const why = escapes(node.text, file, root, baseOf(node.parent));
      if (why !== undefined) report(node, node.text, why);
    } else if (ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const why = escapes(node.text, file, root, 'unknown', true);
      if (why !== undefined) report(node, node.text, why);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The source files under `dirs` of `root` (skipping node_modules and dist). */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      if (f === 'node_modules' || f === 'dist') return [];
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : SOURCE.test(f) && !f.endsWith('.d.ts') ? [p] : [];
    });
  return dirs.flatMap((d) => walk(join(root, d)));
}

/** Every escaping path string in the files given. */
export function scanFiles(files: readonly string[], root: string): Escape[] {
  return files.flatMap((f) => scanSource(readFileSync(f, 'utf8'), f, root));
}
