/**
 * Claims as the user writes them: one expression (`n/(theta*(1-theta))`), a vector
 * `[a, b]` or a matrix `[[a, b], [b, c]]`, each entry an expression of fisherlab's language.
 * Mistakes are FisherErrors with the position in the claim text: a syntax error, an unbalanced
 * bracket, a name the model does not declare, a data symbol where the quantity cannot depend on it.
 */
import { FisherError } from '../expr/errors';
import { symbols, type Expr } from '../expr/expr';
import { normalizeName } from '../lang/lexer';
import type { Model } from '../lang/model';
import { parseExpr, suggest } from '../lang/parse';

/** A parsed claim: its shape and entries (row-major for a matrix). */
export type Claim =
  | { readonly shape: 'scalar'; readonly value: Expr }
  | { readonly shape: 'vector'; readonly items: readonly Expr[] }
  | { readonly shape: 'matrix'; readonly rows: readonly (readonly Expr[])[] };

interface Node {
  readonly start: number;
  readonly end: number;
  readonly list?: Node[];
}

/** Split the claim into nested bracket lists of entry texts (brackets only outside parentheses). */
function structure(text: string): Node {
  let i = 0;
  const err = (msg: string, at: number, len = 1): FisherError => new FisherError('syntax', msg, { start: at, end: at + len }, text);
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const entry = (): Node => {
    skip();
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      // An index such as beta[1] (a bracket right after a name) nests like a parenthesis.
      if (c === '(' || (c === '[' && i > start && /[\w\u0370-\u03ff]/.test(text[i - 1]!))) depth++;
      else if (depth > 0 && (c === ')' || c === ']')) depth--;
      else if (depth === 0 && (c === ',' || c === ']')) break;
      else if (depth === 0 && c === '[') throw err("unexpected '[' inside an entry", i);
      i++;
    }
    let end = i;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end === start) throw err('an entry is missing here', start);
    return { start, end };
  };
  const list = (): Node => {
    const open = i;
    i++; // '['
    const items: Node[] = [];
    for (;;) {
      skip();
      if (i >= text.length) throw err("missing ']': this '[' is never closed", open);
      items.push(text[i] === '[' ? list() : entry());
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return { start: open, end: i, list: items };
      }
      if (i >= text.length) throw err("missing ']': this '[' is never closed", open);
      throw err(`expected ',' or ']' here`, i);
    }
  };
  skip();
  const root = text[i] === '[' ? list() : entry();
  skip();
  if (i < text.length) throw err(text[i] === ']' ? "unexpected ']': no '[' to close" : 'unexpected text after the claim', i);
  return root;
}

/**
 * Parse a claim. `allowed` lists the names it may use; `data` the model's data symbols, which it
 * may use only when `dataAllowed` (the score and the Hessian, not the Fisher information).
 * @example parseClaim('[[1/sigma^2, 0], [0, 2/sigma^2]]', m, { dataAllowed: false, what: 'Fisher information' }).shape // 'matrix'
 */
export interface ClaimOptions {
  /** May the claim use the data symbols (the score and the Hessian)? */
  readonly dataAllowed: boolean;
  /** What is claimed, for messages: 'Fisher information'. */
  readonly what: string;
  /** Names it may use besides the model's (the two points of a KL divergence: mu_1, mu_2). */
  readonly extra?: readonly string[];
  /** Names of the model it may not use, with the reason. */
  readonly excluded?: ReadonlyMap<string, string>;
}

export function parseClaim(text: string, m: Model, options: ClaimOptions): Claim {
  if (text.trim() === '') throw new FisherError('syntax', `the claimed ${options.what} is empty`);
  const root = structure(text);
  const leaf = (n: Node): Expr => entryExpr(text, n, m, options);
  if (root.list === undefined) return { shape: 'scalar', value: leaf(root) };
  if (root.list.every((n) => n.list === undefined)) return { shape: 'vector', items: root.list.map(leaf) };
  if (root.list.every((n) => n.list !== undefined && n.list.every((c) => c.list === undefined))) {
    return { shape: 'matrix', rows: root.list.map((r) => r.list!.map(leaf)) };
  }
  const bad = root.list.find((n) => n.list === undefined) ?? root.list.flatMap((n) => n.list ?? []).find((c) => c.list !== undefined)!;
  throw new FisherError('syntax', 'mixed nesting: a matrix is [[a, b], [c, d]], a vector [a, b]', { start: bad.start, end: bad.end }, text);
}

function entryExpr(text: string, n: Node, m: Model, options: ClaimOptions): Expr {
  const slice = text.slice(n.start, n.end);
  let e: Expr;
  try {
    e = parseExpr(slice);
  } catch (err) {
    if (err instanceof FisherError && err.span !== undefined) {
      throw new FisherError(err.code, `in the claimed ${options.what}: ${err.message}`, { start: err.span.start + n.start, end: err.span.end + n.start }, text);
    }
    throw err;
  }
  const dataNames = new Set(m.data.map((d) => d.name));
  const known = [...m.symbols.values()].filter((d) => d.role !== 'data' || options.dataAllowed).map((d) => d.name);
  for (const s of symbols(e)) {
    if (['pi', 'e', 'euler_gamma'].includes(s) || (options.extra ?? []).includes(s)) continue;
    const where = locateName(slice, s);
    const span = { start: n.start + where, end: n.start + where + Math.max(1, nameLength(slice, where)) };
    if (dataNames.has(s) && !options.dataAllowed) {
      throw new FisherError('bad-value', `the claim uses the data symbol '${s}', but the ${options.what} is an expectation over the data and cannot depend on it`, span, text);
    }
    const why = options.excluded?.get(s);
    if (why !== undefined) throw new FisherError('unknown-name', why, span, text);
    if (!m.symbols.has(s)) {
      const names = [...known.filter((k) => !options.excluded?.has(k)), ...(options.extra ?? [])];
      throw new FisherError('unknown-name', `the claim uses '${s}', which the model does not declare${suggest(s, names)}; it may use ${names.join(', ')}`, span, text);
    }
  }
  return e;
}

const IDENT = /[A-Za-z_\u0370-\u03ff\u1f00-\u1fff][A-Za-z0-9_\u0370-\u03ff\u1f00-\u1fff]*/g;

/** Offset of the first identifier in `text` that reads as `name` (Greek letters normalised). */
function locateName(text: string, name: string): number {
  for (const m of text.matchAll(IDENT)) if (normalizeName(m[0]) === name) return m.index;
  return 0;
}

function nameLength(text: string, at: number): number {
  IDENT.lastIndex = 0;
  const m = new RegExp(IDENT.source, 'y');
  m.lastIndex = at;
  return m.exec(text)?.[0].length ?? 1;
}
