/**
 * parse(text) -> Model. Lexes with moo, parses with the nearley grammar (exactly one parse),
 * then validates: unknown names and functions, arities, supports, families, domains. Every
 * mistake becomes a FisherError with the source span, formatted with line, column and a caret.
 */
import nearley from 'nearley';
import type { Token } from 'moo';
import { FisherError, type Span } from '../expr/errors';
import {
  MINUS_ONE,
  NAMED_CONSTANTS,
  ONE,
  ZERO,
  add,
  call,
  div,
  mul,
  neg,
  num,
  pow,
  sub,
  substitute,
  sym,
  symbols,
  type Expr,
} from '../expr/expr';
import { evaluate } from '../expr/evaluate';
import { FUNCTIONS, functionNames } from '../expr/functions';
import { NONNEGATIVE, POSITIVE, REAL, formatInterval, iv, point, type Interval } from '../expr/interval';
import { rangeOf } from '../expr/range';
import { qfromDecimal } from '../expr/rational';
import { printExpr } from '../expr/print';
import { NameMap } from '../expr/json';
import { FAMILIES, familyNames, type FamilyDef } from '../families/index';
import grammar from './grammar';
import { ASCII_HINTS, KEYWORD_SET, lexer } from './lexer';
import { supportSymbols, type Constant, type Declaration, type Draw, type Model, type Role, type Support, type VectorDecl } from './model';
import type { Name, Statement, SyntaxExpr, SyntaxSupport } from './syntax';
import { VGraph, broadcastLength, componentName, type VNode } from './vnode';

const compiled = /* @__PURE__ */ nearley.Grammar.fromCompiled(grammar as unknown as nearley.CompiledRules);

/** Names that are never user symbols. */
const RESERVED = new Set(['pi', 'e', 'euler_gamma', 'inf']);
/** Functions of vectors, beside the (elementwise) function table: name -> arity and description. */
export const VECTOR_FUNCTIONS: ReadonlyMap<string, { readonly arity: number; readonly description: string }> = new Map([
  ['dot', { arity: 2, description: 'dot(a, b): the inner product Σ a_k b_k of two vectors of one length' }],
  ['sum', { arity: 1, description: 'sum(v): the sum of the components of a vector' }],
]);
/** The longest vector a declaration may have (its scalar view has one symbol per component). */
export const MAX_VECTOR_LENGTH = 100_000;
const SUPPORT_NAMES = ['real', 'positive', 'nonnegative', 'negative', 'nonpositive', 'naturals', 'integers', 'simplex'];

/** The largest model text accepted, in characters. */
export const MAX_SOURCE_LENGTH = 200_000;

// ---------------------------------------------------------------------------------------------
// Tokens and the nearley run.

const BINARY_OPS = new Set(['+', '-', '*', '/', '^', '**', '=', ',', '~', '(', '[', '{', '..']);

function tokenize(source: string): Token[] {
  lexer.reset(source);
  const raw: Token[] = [];
  for (;;) {
    let t: Token | undefined;
    try {
      t = lexer.next();
    } catch {
      const offset = (lexer as unknown as { index: number }).index ?? 0;
      throw new FisherError('syntax', `unexpected character '${source[offset] ?? ''}'`, { start: offset, end: offset + 1 }, source);
    }
    if (t === undefined) break;
    if (t.type === 'error') {
      const ch = String.fromCodePoint(t.text.codePointAt(0) ?? 32);
      const hint = ASCII_HINTS[ch];
      throw new FisherError('syntax', `unexpected character '${ch}'${hint !== undefined ? ` (write ${hint})` : ''}`, { start: t.offset, end: t.offset + ch.length }, source);
    }
    if (t.type === 'ws' || t.type === 'comment') continue;
    raw.push(...asciiTokens(t));
  }
  // A newline ends a statement unless the statement obviously continues: inside brackets, after
  // an operator or comma, or before a line that starts with a binary operator.
  const out: Token[] = [];
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (t.type === 'nl') {
      const prev = out[out.length - 1];
      let j = i + 1;
      while (raw[j]?.type === 'nl') j++;
      const next = raw[j];
      const continues =
        depth > 0 ||
        (prev !== undefined && BINARY_OPS.has(prev.value)) ||
        (next !== undefined && ['+', '-', '*', '/', '^', '**', ')', ']', '}'].includes(next.value) && prev !== undefined);
      if (continues) continue;
      if (prev === undefined || prev.type === 'nl' || prev.value === ';') continue;
      out.push(t);
      continue;
    }
    if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
    if (t.value === ')' || t.value === ']' || t.value === '}') depth = Math.max(0, depth - 1);
    out.push(t);
  }
  return out;
}

/**
 * The ASCII tokens of a Unicode one, at the user's offsets: `−` is the operator `-`, `∞` the name
 * `inf`, `∈` the keyword `in`, and a superscript `⁻¹²` the three tokens `^`, `-`, `12` (the
 * number spans the digits, so a span still covers what the user typed).
 */
function asciiTokens(t: Token): Token[] {
  switch (t.type) {
    case 'uop':
      return [{ ...t, type: 'op', text: t.value }];
    case 'infinity':
      return [{ ...t, type: 'ident' }];
    case 'element':
      return [{ ...t, type: 'kw_in' }];
    case 'sup': {
      const sign = /^[+-]/.test(t.value) ? t.value[0]! : '';
      const digits = t.value.slice(sign.length);
      const out: Token[] = [{ ...t, type: 'pow', text: '^', value: '^' }];
      if (sign !== '') out.push({ ...t, type: 'op', text: sign, value: sign });
      out.push({ ...t, type: 'number', text: digits, value: digits, offset: t.offset + sign.length, col: t.col + sign.length });
      return out;
    }
    default:
      return [t];
  }
}

function unclosedBracket(tokens: readonly Token[]): Token | undefined {
  const stack: Token[] = [];
  for (const t of tokens) {
    if (t.value === '(' || t.value === '[' || t.value === '{') stack.push(t);
    else if (t.value === ')' || t.value === ']' || t.value === '}') stack.pop();
  }
  return stack[stack.length - 1];
}

function describeToken(t: Token): string {
  if (t.type === 'nl') return 'end of line';
  if (t.type === 'ident') return `name '${t.value}'`;
  if (t.type === 'number') return `number ${t.value}`;
  if (t.type?.startsWith('kw_')) return `keyword '${t.value}'`;
  return `'${t.value}'`;
}

function runParser(source: string, tokens: Token[]): Statement[] {
  const parser = new nearley.Parser(compiled);
  let i = 0;
  // Feed pre-filtered tokens through a minimal lexer adaptor.
  parser.lexer = {
    reset: () => undefined,
    next: () => tokens[i++],
    save: () => ({}),
    formatError: () => '',
    has: () => true,
  } as unknown as nearley.Lexer;
  try {
    parser.feed('');
  } catch (err) {
    const t = (err as { token?: Token }).token ?? tokens[i - 1];
    if (t === undefined) throw new FisherError('syntax', 'could not parse the model', { start: 0, end: 1 }, source);
    const prev = tokens[i - 2];
    let hint = '';
    if (prev !== undefined && (t.type === 'ident' || t.type === 'number' || t.value === '(') && (prev.type === 'number' || prev.type === 'ident' || prev.value === ')')) {
      hint = " (missing an operator such as '*'?)";
    } else if (t.type === 'nl' || t.value === ';' || t.value === ')' || t.value === ',') {
      if (prev !== undefined && BINARY_OPS.has(prev.value)) hint = ` (something is missing after '${prev.value}')`;
    }
    // Where does the failing statement start? A data declaration without `in` is a common slip.
    let k = i - 2;
    while (k >= 0 && tokens[k]!.type !== 'nl' && tokens[k]!.value !== ';') k--;
    const head = tokens[k + 1];
    if (hint === '' && head?.type === 'kw_data' && !tokens.slice(k + 1, i).some((x) => x.type === 'kw_in')) {
      hint = ' (data needs a support, e.g. `data x in real`)';
    }
    throw new FisherError('syntax', `unexpected ${describeToken(t)}${hint}`, { start: t.offset, end: t.offset + Math.max(1, t.text.length) }, source);
  }
  const results = parser.results as Statement[][];
  if (results.length === 0) {
    const open = unclosedBracket(tokens);
    if (open !== undefined) {
      const close = open.value === '(' ? ')' : open.value === '[' ? ']' : '}';
      throw new FisherError('syntax', `missing '${close}': this '${open.value}' is never closed`, { start: open.offset, end: open.offset + 1 }, source);
    }
    const last = tokens[tokens.length - 1];
    const at = source.trimEnd().length;
    const what = last !== undefined && BINARY_OPS.has(last.value) ? `the text ends after '${last.value}'` : 'the text ends in the middle of a statement';
    throw new FisherError('syntax', `unexpected end of input: ${what}`, { start: Math.max(0, at - 1), end: Math.max(1, at) }, source);
  }
  if (results.length > 1) throw new FisherError('syntax', `ambiguous model text (${results.length} parses): please report this`, { start: 0, end: source.length }, source);
  return results[0]!;
}

// ---------------------------------------------------------------------------------------------
// Suggestions.

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** ` (did you mean 'sigma'?)` for the closest candidate within a small edit distance. */
export function suggest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (name.length < 2) return '';
  const limit = name.length <= 3 ? 1 : 2;
  return best !== undefined && bestD <= limit && best !== name ? ` (did you mean '${best}'?)` : '';
}

// ---------------------------------------------------------------------------------------------
// The builder: statements -> Model.

interface Scope {
  /** Scalar declarations, the components of vectors included (beta[1], ...). */
  decls: Map<string, Declaration>;
  lets: Map<string, VNode>;
  constants: Map<string, Constant>;
  vectors: Map<string, VectorDecl>;
}

interface FamilyModel {
  readonly def: FamilyDef;
  readonly model: Model;
}

const familyCache = new Map<string, FamilyModel>();

function familyModel(def: FamilyDef, text: string): FamilyModel {
  let fm = familyCache.get(text);
  if (fm === undefined) {
    fm = { def, model: build(text, runParser(text, tokenize(text)), { allowFamilies: false, requireParams: true }) };
    familyCache.set(text, fm);
  }
  return fm;
}

interface BuildOptions {
  readonly allowFamilies: boolean;
  readonly requireParams: boolean;
}

class Builder {
  // The maps a Model holds are NameMaps, written by JSON.stringify as objects keyed by name.
  readonly scope: Scope = { decls: new NameMap(), lets: new Map(), constants: new NameMap(), vectors: new NameMap() };
  readonly order: Declaration[] = [];
  readonly warnings: string[] = [];
  readonly graph = new VGraph();
  readonly logpTerms: VNode[] = [];
  /** parseExpr: an undeclared `beta[2]` is the symbol beta[2]. */
  freeComponents = false;
  readonly draws: Draw[] = [];
  logpSeen: Span | undefined;

  constructor(
    readonly source: string,
    readonly options: BuildOptions,
  ) {}

  err(code: ConstructorParameters<typeof FisherError>[0], message: string, span: Span): FisherError {
    return new FisherError(code, message, span, this.source);
  }

  symbolRange = (name: string): Interval | undefined => {
    const d = this.scope.decls.get(name);
    if (d !== undefined) return d.range;
    const l = this.scope.lets.get(name);
    return l === undefined || l.length > 0 ? undefined : rangeOf(this.graph.expandScalar(l), this.symbolRange);
  };

  known(name: string): boolean {
    return this.scope.decls.has(name) || this.scope.lets.has(name) || this.scope.vectors.has(name);
  }

  checkNewName(n: Name): void {
    if (RESERVED.has(n.name)) throw this.err('duplicate', `'${n.name}' is a built-in constant and cannot be declared`, n);
    if (FUNCTIONS.has(n.name) || VECTOR_FUNCTIONS.has(n.name)) throw this.err('duplicate', `'${n.name}' is a function name and cannot be declared`, n);
    if (KEYWORD_SET.has(n.name)) throw this.err('duplicate', `'${n.name}' is a keyword`, n);
    if (this.known(n.name)) {
      throw this.err('duplicate', `'${n.name}' is already declared`, n);
    }
  }

  declare(n: Name, role: Role, support: Support, label: string, explicit: boolean): Declaration {
    this.checkNewName(n);
    return this.addDeclaration(n.name, n, role, support, label, explicit);
  }

  addDeclaration(name: string, span: Span, role: Role, support: Support, label: string, explicit: boolean): Declaration {
    const decl: Declaration = { name, role, support, label, explicit, range: this.supportRange(support), span: { start: span.start, end: span.end } };
    this.scope.decls.set(name, decl);
    this.order.push(decl);
    return decl;
  }

  /** A vector: its components beta[1], ..., beta[length] are scalar declarations with the element support. */
  declareVector(n: Name, role: Role, length: number, support: Support, label: string, explicit: boolean): void {
    this.checkNewName(n);
    const components = Array.from({ length }, (_, k) => this.addDeclaration(componentName(n.name, k + 1), n, role, support, label, explicit));
    this.scope.vectors.set(n.name, { name: n.name, role, length, components, label: `${label}[${length}]`, span: { start: n.start, end: n.end } });
  }

  /** Declare names with a support; a support with a length (`real[d]`) declares vectors. */
  declareAll(names: readonly Name[], role: Role, s: SyntaxSupport | undefined, support: Support, label: string, explicit: boolean): void {
    const length = s?.length === undefined ? undefined : this.vectorLength(s.length);
    for (const n of names) {
      if (length === undefined) this.declare(n, role, support, label, explicit);
      else this.declareVector(n, role, length, support, label, explicit);
    }
  }

  vectorLength(x: SyntaxExpr): number {
    const { value } = this.constExpr(x, 'the length of a vector');
    if (!Number.isInteger(value) || value < 1) throw this.err('shape', `the length of a vector must be a whole number of at least 1, got ${value}`, x);
    if (value > MAX_VECTOR_LENGTH) throw this.err('too-large', `a vector of length ${value} is longer than the limit of ${MAX_VECTOR_LENGTH}`, x);
    return value;
  }

  /** The node of a declared scalar symbol. */
  inputOf = (name: string): VNode | undefined => {
    const d = this.scope.decls.get(name);
    return d === undefined ? undefined : this.graph.input(d.name, d.role, 0);
  };

  supportRange(s: Support): Interval {
    const lo = (e: Expr): number => rangeOf(e, this.symbolRange).lo;
    const hi = (e: Expr): number => rangeOf(e, this.symbolRange).hi;
    switch (s.kind) {
      case 'interval':
        return iv(lo(s.lo), hi(s.hi), s.loOpen, s.hiOpen);
      case 'integers':
        return iv(lo(s.lo), hi(s.hi));
      case 'set': {
        const vals = s.values.map((v) => rangeOf(v, this.symbolRange));
        return iv(Math.min(...vals.map((v) => v.lo)), Math.max(...vals.map((v) => v.hi)));
      }
      case 'simplex':
        return iv(0, 1, true, true);
    }
  }

  // -- expressions ------------------------------------------------------------------------------

  /** The scalar view of a scalar node; a vector is an error at `at`. */
  scalar(v: VNode, at: Span, what: string): Expr {
    if (v.length > 0) throw this.err('shape', `${what} must be a number, but this is a vector of length ${v.length} (reduce it with sum(...) or dot(...), or take a component such as v[1])`, at);
    return this.graph.expandScalar(v);
  }

  /** The components of a node's scalar view (a scalar is one component). */
  components(v: VNode): readonly Expr[] {
    const e = this.graph.expand(v);
    return Array.isArray(e) ? (e as readonly Expr[]) : [e as Expr];
  }

  /** Operands of an elementwise operation must be scalars or vectors of one length. */
  checkShapes(xs: readonly VNode[], spans: readonly Span[], what: string, at: Span): void {
    if (broadcastLength(xs) !== undefined) return;
    const i = xs.findIndex((x) => x.length > 0);
    const j = xs.findIndex((x) => x.length > 0 && x.length !== xs[i]!.length);
    const text = (k: number): string => this.source.slice(spans[k]!.start, spans[k]!.end);
    throw this.err('shape', `${what}: vectors of different lengths, ${text(i)} has ${xs[i]!.length} components and ${text(j)} has ${xs[j]!.length}`, at);
  }

  /** Convert a syntax expression to a node of the vector view; `onUnknown` may declare a name instead of failing. */
  expr(x: SyntaxExpr, onUnknown?: (n: Name) => VNode | undefined): VNode {
    const g = this.graph;
    switch (x.t) {
      case 'num': {
        const exp = Number(/[eE]([+-]?\d+)$/.exec(x.text)?.[1] ?? '0');
        if (Math.abs(exp) > 400) throw this.err('bad-value', `the number ${x.text} is out of range`, x);
        return g.constant(num(qfromDecimal(x.text)));
      }
      case 'name':
        return this.resolve(x, onUnknown);
      case 'index':
        return this.index(x, onUnknown);
      case 'neg':
        return g.mul(g.constant(MINUS_ONE), this.expr(x.a, onUnknown));
      case 'bin': {
        const a = this.expr(x.a, onUnknown);
        const b = this.expr(x.b, onUnknown);
        this.checkShapes([a, b], [x.a, x.b], `'${x.op}'`, x);
        switch (x.op) {
          case '+':
            return g.add(a, b);
          case '-':
            return g.add(a, g.mul(g.constant(MINUS_ONE), b));
          case '*':
            return g.mul(a, b);
          case '/':
            if (b.kind === 'const' && b.expr === ZERO) throw this.err('domain', 'division by zero', x);
            return g.mul(a, g.pow(b, g.constant(MINUS_ONE)));
          case '^':
            return this.power(a, b, x);
        }
      }
      // falls through (unreachable)
      case 'call':
        return this.callExpr(x as Extract<SyntaxExpr, { t: 'call' }>, onUnknown);
    }
  }

  power(a: VNode, b: VNode, x: SyntaxExpr): VNode {
    const as = this.components(a);
    const bs = this.components(b);
    for (let k = 0; k < Math.max(as.length, bs.length); k++) {
      const base = as[Math.min(k, as.length - 1)]!;
      const exp = bs[Math.min(k, bs.length - 1)]!;
      if (exp.kind === 'num' && exp.value.d !== 1n && exp.value.d % 2n === 0n) this.checkDomain(base, NONNEGATIVE, `a power with exponent ${printExpr(exp)}`, x);
      if (base === ZERO && exp.kind === 'num' && exp.value.n < 0n) throw this.err('domain', 'division by zero (0 to a negative power)', x);
    }
    return this.graph.pow(a, b);
  }

  resolve(n: Name, onUnknown?: (n: Name) => VNode | undefined): VNode {
    const l = this.scope.lets.get(n.name);
    if (l !== undefined) return l;
    const v = this.scope.vectors.get(n.name);
    if (v !== undefined) return this.graph.input(v.name, v.role, v.length);
    const d = this.scope.decls.get(n.name);
    if (d !== undefined) return this.graph.input(d.name, d.role, 0);
    if (NAMED_CONSTANTS.has(n.name)) {
      if (n.name === 'inf') throw this.err('domain', "'inf' may only be a bound of a support, as in (0, inf)", n);
      return this.graph.constant(sym(n.name));
    }
    if (FUNCTIONS.has(n.name) || VECTOR_FUNCTIONS.has(n.name)) throw this.err('unknown-name', `'${n.name}' is a function: call it as ${n.name}(...)`, n);
    const made = onUnknown?.(n);
    if (made !== undefined) return made;
    const known = [...this.scope.decls.keys(), ...this.scope.vectors.keys(), ...this.scope.lets.keys(), 'pi', 'e', 'euler_gamma'];
    throw this.err('unknown-name', `unknown name '${n.name}'${suggest(n.name, known)}: declare it with data, param, const or let`, n);
  }

  /** `beta[2]`: a component of a vector, the index a whole number 1..length (a literal or a constant). */
  index(x: Extract<SyntaxExpr, { t: 'index' }>, onUnknown?: (n: Name) => VNode | undefined): VNode {
    const { value: k } = this.constExpr(x.index, 'an index');
    if (!Number.isInteger(k) || k < 1) throw this.err('shape', `an index counts from 1: ${x.vector.name}[${k}] has no meaning (write ${x.vector.name}[1] for the first component)`, x.index);
    if (this.freeComponents && !this.known(x.vector.name) && !NAMED_CONSTANTS.has(x.vector.name)) {
      const made = onUnknown?.({ ...x.vector, name: componentName(x.vector.name, k) });
      if (made !== undefined) return made;
    }
    const v = this.resolve(x.vector);
    if (v.length === 0) throw this.err('shape', `'${x.vector.name}' is a number, not a vector: it has no component [${k}]`, x);
    if (k > v.length) throw this.err('shape', `index ${k} is out of range: '${x.vector.name}' has ${v.length} components (1..${v.length})`, x.index);
    return this.graph.index(v, k);
  }

  callExpr(x: Extract<SyntaxExpr, { t: 'call' }>, onUnknown?: (n: Name) => VNode | undefined): VNode {
    const vf = VECTOR_FUNCTIONS.get(x.fn.name);
    if (vf !== undefined) return this.vectorCall(x, vf.arity, onUnknown);
    const def = FUNCTIONS.get(x.fn.name);
    if (def === undefined) {
      const known = this.scope.decls.get(x.fn.name) ?? this.scope.vectors.get(x.fn.name);
      if (known !== undefined) throw this.err('unknown-function', `'${x.fn.name}' is a ${known.role}, not a function (write '*' to multiply${this.scope.vectors.has(x.fn.name) ? ", or [k] for a component" : ''})`, x.fn);
      throw this.err('unknown-function', `unknown function '${x.fn.name}'${suggest(x.fn.name, [...functionNames(), ...VECTOR_FUNCTIONS.keys()])}`, x.fn);
    }
    if (x.args.length !== def.arity) {
      throw this.err('arity', `${def.name} takes ${def.arity} argument${def.arity === 1 ? '' : 's'}, got ${x.args.length}`, x);
    }
    const args = x.args.map((a) => this.expr(a, onUnknown));
    this.checkShapes(args, x.args, def.name, x);
    args.forEach((a, i) => {
      if (def.integerArgs?.includes(i) && !(a.kind === 'const' && a.expr.kind === 'num' && a.expr.value.d === 1n && a.expr.value.n >= 0n)) {
        throw this.err('domain', `the argument ${i + 1} of ${def.name} must be a whole number 0, 1, 2, ...`, x.args[i]!);
      }
      for (const c of this.components(a)) this.checkDomain(c, def.domain[i] ?? REAL, `${def.name}`, x.args[i]!);
    });
    return this.graph.call(def.name, args);
  }

  /** dot(a, b) and sum(v): their arguments must be vectors (of one length for dot). */
  vectorCall(x: Extract<SyntaxExpr, { t: 'call' }>, arity: number, onUnknown?: (n: Name) => VNode | undefined): VNode {
    const name = x.fn.name;
    if (x.args.length !== arity) throw this.err('arity', `${name} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${x.args.length}`, x);
    const args = x.args.map((a) => this.expr(a, onUnknown));
    args.forEach((a, i) => {
      if (a.length === 0) throw this.err('shape', `${name} needs ${arity === 1 ? 'a vector' : 'vectors'}, but ${this.source.slice(x.args[i]!.start, x.args[i]!.end)} is a number`, x.args[i]!);
    });
    if (name === 'sum') return this.graph.sum(args[0]!);
    if (args[0]!.length !== args[1]!.length) {
      throw this.err('shape', `dot needs two vectors of one length, but ${this.source.slice(x.args[0]!.start, x.args[0]!.end)} has ${args[0]!.length} components and ${this.source.slice(x.args[1]!.start, x.args[1]!.end)} has ${args[1]!.length}`, x);
    }
    return this.graph.dot(args[0]!, args[1]!);
  }

  /**
   * A value must lie in `domain`. It is an error when it cannot, or when a parameter declared
   * without a domain makes it possible that it does not.
   */
  checkDomain(value: Expr, domain: Interval, what: string, at: Span): void {
    const r = rangeOf(value, this.symbolRange);
    const inside = r.lo >= domain.lo && r.hi <= domain.hi;
    if (inside) return;
    const disjoint = r.hi < domain.lo || r.lo > domain.hi || (r.hi === domain.lo && domain.loOpen) || (r.lo === domain.hi && domain.hiOpen);
    const want = domain === POSITIVE || (domain.lo === 0 && domain.loOpen && domain.hi === Infinity) ? 'positive' : formatInterval(domain);
    if (disjoint) throw this.err('domain', `${what} needs an argument in ${want}, but ${printExpr(value)} is never there`, at);
    const implicit = [...symbols(value)].map((s) => this.scope.decls.get(s)).filter((d) => d !== undefined && d.role === 'param' && !d.explicit);
    if (implicit.length > 0) {
      const d = implicit[0]!;
      throw this.err(
        'domain',
        `${what} needs ${printExpr(value)} to be ${want === 'positive' ? 'positive' : `in ${want}`}, but the parameter '${d.name}' has no declared domain (real): declare it, e.g. \`param ${d.name} in positive\``,
        at,
      );
    }
  }

  constExpr(x: SyntaxExpr, what: string): { expr: Expr; value: number } {
    const e = this.scalar(this.expr(x), x, what);
    for (const s of symbols(e)) {
      const d = this.scope.decls.get(s);
      if (d !== undefined && d.role !== 'const') throw this.err('domain', `${what} must be a known number, but it depends on the ${d.role} '${s}'`, x);
    }
    const value = evaluate(e, this.constValues());
    if (!Number.isFinite(value)) throw this.err('bad-value', `${what} is not a finite number (${value})`, x);
    return { expr: e, value };
  }

  constValues(): Map<string, number> {
    return new Map([...this.scope.constants.values()].map((c) => [c.name, c.value]));
  }

  // -- supports ---------------------------------------------------------------------------------

  support(s: SyntaxSupport, forData: boolean): { support: Support; label: string } {
    const bound = (x: SyntaxExpr): Expr => {
      if (x.t === 'name' && x.name === 'inf') return sym('inf');
      if (x.t === 'neg' && x.a.t === 'name' && x.a.name === 'inf') return neg(sym('inf'));
      const e = this.scalar(this.expr(x), x, 'a bound of a support');
      for (const n of symbols(e)) {
        const d = this.scope.decls.get(n);
        if (d !== undefined && (d.role === 'data' || d.role === 'given')) throw this.err('support', `a bound cannot depend on the ${d.role} '${n}'`, x);
      }
      return e;
    };
    const text = this.source.slice(s.start, s.end);
    switch (s.k) {
      case 'named': {
        const inf = sym('inf');
        const ninf = neg(inf);
        switch (s.name.name) {
          case 'real':
            return { support: { kind: 'interval', lo: ninf, hi: inf, loOpen: true, hiOpen: true }, label: 'real' };
          case 'positive':
            return { support: { kind: 'interval', lo: ZERO, hi: inf, loOpen: true, hiOpen: true }, label: 'positive' };
          case 'nonnegative':
            return { support: { kind: 'interval', lo: ZERO, hi: inf, loOpen: false, hiOpen: true }, label: 'nonnegative' };
          case 'negative':
            return { support: { kind: 'interval', lo: ninf, hi: ZERO, loOpen: true, hiOpen: true }, label: 'negative' };
          case 'nonpositive':
            return { support: { kind: 'interval', lo: ninf, hi: ZERO, loOpen: true, hiOpen: false }, label: 'nonpositive' };
          case 'naturals':
            return { support: { kind: 'integers', lo: ZERO, hi: inf }, label: 'naturals' };
          case 'integers':
            return { support: { kind: 'integers', lo: ninf, hi: inf }, label: 'integers' };
          case 'simplex':
            if (!forData) throw this.err('support', "'simplex' is a support for data (data x1, x2 in simplex)", s);
            return { support: { kind: 'simplex' }, label: 'simplex' };
          default:
            throw this.err('support', `unknown support '${s.name.name}'${suggest(s.name.name, SUPPORT_NAMES)}: use one of ${SUPPORT_NAMES.join(', ')}, an interval such as (0, 1), or a set such as {0,1} or {0..n}`, s);
        }
      }
      case 'interval': {
        const lo = bound(s.lo);
        const hi = bound(s.hi);
        this.checkOrdered(lo, hi, s);
        return { support: { kind: 'interval', lo, hi, loOpen: s.loOpen, hiOpen: s.hiOpen }, label: text };
      }
      case 'range': {
        const lo = bound(s.lo);
        const hi = bound(s.hi);
        this.checkOrdered(lo, hi, s);
        return { support: { kind: 'integers', lo, hi }, label: text };
      }
      case 'set': {
        const values = s.values.map((v) => this.constExpr(v, 'a value of a finite support').expr);
        return { support: { kind: 'set', values }, label: text };
      }
    }
  }

  checkOrdered(lo: Expr, hi: Expr, at: Span): void {
    const l = rangeOf(lo, this.symbolRange);
    const h = rangeOf(hi, this.symbolRange);
    if (l.lo >= h.hi) throw this.err('support', `empty support: the lower bound ${printExpr(lo)} is not below the upper bound ${printExpr(hi)}`, at);
  }

  // -- statements -------------------------------------------------------------------------------

  statement(st: Statement): void {
    switch (st.s) {
      case 'data': {
        const { support, label } = this.support(st.support, true);
        if (support.kind === 'simplex' && st.names.length < 1) throw this.err('support', 'a simplex needs at least one coordinate', st);
        this.declareAll(st.names, 'data', st.support, support, label, true);
        return;
      }
      case 'param':
      case 'given': {
        const { support, label } = st.support === undefined ? { support: this.support({ k: 'named', name: { t: 'name', name: 'real', start: st.start, end: st.end }, start: st.start, end: st.end }, false).support, label: 'real' } : this.support(st.support, false);
        if (support.kind === 'simplex') throw this.err('support', "'simplex' is a support for data", st);
        this.declareAll(st.names, st.s, st.support, support, label, st.support !== undefined);
        return;
      }
      case 'const': {
        const { expr, value } = this.constExpr(st.value, `the constant ${st.name.name}`);
        const decl = this.declare(st.name, 'const', { kind: 'set', values: [expr] }, `${value}`, true);
        (decl as { range: Interval }).range = point(value);
        this.scope.constants.set(st.name.name, { name: st.name.name, expr, value, span: { start: st.name.start, end: st.name.end } });
        return;
      }
      case 'let': {
        const value = this.expr(st.value);
        this.checkNewName(st.name);
        this.scope.lets.set(st.name.name, value);
        return;
      }
      case 'logp': {
        if (this.logpSeen !== undefined) throw this.err('duplicate', 'logp is already defined (a model has one log-density; sum the terms)', st);
        this.logpSeen = st;
        const value = this.expr(st.value);
        this.scalar(value, st.value, 'the log-density');
        this.logpTerms.push(value);
        return;
      }
      case 'tilde':
        this.tilde(st);
        return;
    }
  }

  tilde(st: Extract<Statement, { s: 'tilde' }>): void {
    if (!this.options.allowFamilies) throw this.err('syntax', 'families cannot be used inside a family definition', st);
    const def = FAMILIES.get(st.family.name);
    if (def === undefined) {
      const ci = familyNames().find((f) => f.toLowerCase() === st.family.name.toLowerCase());
      const hint = ci !== undefined ? ` (did you mean '${ci}'?)` : suggest(st.family.name, familyNames());
      throw this.err('unknown-family', `unknown family '${st.family.name}'${hint}; known families: ${familyNames().join(', ')}`, st.family);
    }
    const text = def.forArgs === undefined ? def.text : def.forArgs(st.args.length);
    if (text === undefined) {
      throw this.err('arity', `${def.name} cannot take ${st.args.length} argument${st.args.length === 1 ? '' : 's'}: ${def.description}`, { start: st.family.start, end: st.close + 1 });
    }
    const fam = familyModel(def, text).model;
    const fparams = fam.params;
    if (st.args.length !== fparams.length) {
      const sig = `${def.name}(${fparams.map((p) => p.name).join(', ')})`;
      throw this.err('arity', `${def.name} takes ${fparams.length} argument${fparams.length === 1 ? '' : 's'}, ${sig}, got ${st.args.length}`, { start: st.family.start, end: st.close + 1 });
    }
    if (st.names.length !== fam.data.length) {
      throw this.err('arity', `${def.name} describes ${fam.data.length} data value${fam.data.length === 1 ? '' : 's'}, but ${st.names.length} name${st.names.length === 1 ? ' is' : 's are'} on the left of '~'`, st.names[0]!);
    }
    // The family's symbols: as expressions (scalar view, supports) and as nodes (vector view).
    const map = new Map<string, Expr>();
    const nodes = new Map<string, VNode>();
    fparams.forEach((fp, i) => {
      const a = st.args[i]!;
      const fixed = def.fixed?.includes(fp.name) ?? false;
      if (fixed) {
        if (a.t === 'name' && !this.known(a.name)) {
          throw this.err('unknown-name', `${def.name}'s ${fp.name} must be a known number: write a number or declare \`const ${a.name} = ...\` first`, a);
        }
        const { expr, value } = this.constExpr(a, `${def.name}'s ${fp.name}`);
        if (fp.support.kind === 'integers' && !Number.isInteger(value)) throw this.err('domain', `${def.name}'s ${fp.name} must be a whole number, got ${value}`, a);
        map.set(fp.name, expr);
        nodes.set(fp.name, this.graph.fromExpr(expr, this.inputOf));
        return;
      }
      // A bare new name becomes a parameter with the family's domain; new names inside a larger
      // expression become real parameters (x ~ Normal(mu, exp(s)): s is real).
      let node: VNode;
      if (a.t === 'name' && !this.known(a.name) && !NAMED_CONSTANTS.has(a.name) && !FUNCTIONS.has(a.name) && !VECTOR_FUNCTIONS.has(a.name)) {
        this.declare(a, 'param', substituteSupport(fp.support, map), fp.label, true);
        node = this.inputOf(a.name)!;
      } else {
        node = this.expr(a, (n) => {
          this.declare(n, 'param', { kind: 'interval', lo: neg(sym('inf')), hi: sym('inf'), loOpen: true, hiOpen: true }, 'real', false);
          return this.inputOf(n.name);
        });
      }
      const value = this.scalar(node, a, `${def.name}'s ${fp.name}`);
      this.checkDomain(value, fp.range, `${def.name}'s ${fp.name}`, a);
      map.set(fp.name, value);
      nodes.set(fp.name, node);
    });
    fam.data.forEach((fd, i) => {
      const n = st.names[i]!;
      const vector = this.scope.vectors.get(n.name);
      if (vector !== undefined) throw this.err('shape', `'${n.name}' is a vector of length ${vector.length}, but ${def.name} describes ${fam.data.length === 1 ? 'one value' : `${fam.data.length} values, each a number`}`, n);
      const existing = this.scope.decls.get(n.name);
      if (existing === undefined) this.declare(n, 'data', substituteSupport(fd.support, map), substituteLabel(fd, map), true);
      else if (existing.role !== 'data') throw this.err('duplicate', `'${n.name}' is a ${existing.role}, not data`, n);
      map.set(fd.name, sym(n.name));
      nodes.set(fd.name, this.inputOf(n.name)!);
    });
    this.logpTerms.push(this.graph.fromExpr(fam.logp, (name) => nodes.get(name)));
    this.draws.push({ family: def.name, args: fparams.map((fp) => map.get(fp.name)!), data: st.names.map((n) => n.name) });
  }

  finish(): Model {
    if (this.logpTerms.length === 0) {
      const at = this.source.trimEnd().length;
      throw this.err('missing-logp', 'no log-density: add `logp = ...` or a line such as `x ~ Normal(mu, sigma)`', { start: Math.max(0, at - 1), end: Math.max(1, at) });
    }
    const logp = add(...this.logpTerms.map((t) => this.graph.expandScalar(t)));
    const params = this.order.filter((d) => d.role === 'param');
    const data = this.order.filter((d) => d.role === 'data');
    if (this.options.requireParams && params.length === 0) {
      throw this.err('no-params', 'the model has no parameters: declare one with `param`, e.g. `param theta in (0, 1)`', { start: 0, end: Math.max(1, this.source.length) });
    }
    const used = symbols(logp);
    const paramSupport = (d: Declaration): boolean => supportSymbols(d.support).some((s) => this.scope.decls.get(s)?.role === 'param');
    const inVector = new Set([...this.scope.vectors.values()].flatMap((v) => v.components));
    for (const d of this.order) {
      // A density constant on a parameter-dependent support (Uniform(0, theta)) rightly omits x.
      if (d.role === 'data' && paramSupport(d)) continue;
      if (inVector.has(d)) continue;
      if ((d.role === 'param' || d.role === 'data') && !used.has(d.name)) this.warnings.push(`the ${d.role === 'param' ? 'parameter' : 'data symbol'} '${d.name}' does not appear in the log-density`);
    }
    for (const v of this.scope.vectors.values()) {
      if (v.role !== 'param' && v.role !== 'data') continue;
      const unused = v.components.filter((c) => !used.has(c.name)).map((c) => c.name);
      const what = v.role === 'param' ? 'parameter' : 'data';
      if (unused.length === v.length) this.warnings.push(`the ${what} vector '${v.name}' does not appear in the log-density`);
      else if (unused.length > 0) this.warnings.push(`the component${unused.length > 1 ? 's' : ''} ${unused.join(', ')} of the ${what} vector '${v.name}' ${unused.length > 1 ? 'do' : 'does'} not appear in the log-density`);
    }
    for (const d of data) {
      const deps = supportSymbols(d.support).filter((s) => this.scope.decls.get(s)?.role === 'param');
      if (deps.length > 0) {
        this.warnings.push(`the support of '${d.name}' depends on the parameter${deps.length > 1 ? 's' : ''} ${deps.map((s) => `'${s}'`).join(', ')}: the regularity conditions fail, so the score need not have mean zero and the Fisher information identities do not hold`);
      }
    }
    return {
      source: this.source,
      data,
      params,
      givens: this.order.filter((d) => d.role === 'given'),
      constants: this.scope.constants,
      logp,
      warnings: this.warnings,
      symbols: this.scope.decls,
      familiesOnly: this.logpSeen === undefined,
      draws: this.draws,
      vectors: this.scope.vectors,
      vectorLogp: this.graph.nary('add', this.logpTerms),
    };
  }
}

function substituteSupport(s: Support, map: ReadonlyMap<string, Expr>): Support {
  switch (s.kind) {
    case 'interval':
      return { ...s, lo: substitute(s.lo, map), hi: substitute(s.hi, map) };
    case 'integers':
      return { ...s, lo: substitute(s.lo, map), hi: substitute(s.hi, map) };
    case 'set':
      return { ...s, values: s.values.map((v) => substitute(v, map)) };
    case 'simplex':
      return s;
  }
}

function substituteLabel(d: Declaration, map: ReadonlyMap<string, Expr>): string {
  const s = d.support;
  const p = (e: Expr): string => printExpr(substitute(e, map)).replace(/^-inf$/, '-inf');
  if (s.kind === 'interval' && (supportSymbols(s).some((n) => map.has(n)))) return `${s.loOpen ? '(' : '['}${p(s.lo)}, ${p(s.hi)}${s.hiOpen ? ')' : ']'}`;
  if (s.kind === 'integers' && supportSymbols(s).some((n) => map.has(n))) return `{${p(s.lo)}..${p(s.hi)}}`;
  return d.label;
}

function build(source: string, statements: Statement[], options: BuildOptions): Model {
  const b = new Builder(source, options);
  for (const st of statements) b.statement(st);
  return b.finish();
}

/**
 * Parses a model text into a {@link Model}: declarations (`data`, `param`, `given`, `const`, `let`),
 * `~` lines drawing data from the built-in families, and `logp = ...`, the log-density of one
 * observation. Also exported as `model`.
 *
 * @param source - The model text: statements separated by newlines or `;`, `#` comments. Greek
 *   letters and the Unicode fisherlab prints (`σ²`, `−`, `·`) read as their ASCII names.
 * @returns The model, with the log-density as an interned expression.
 * @throws {@link FisherError} with the span of the mistake and a caret display (`format()`):
 *   `syntax`, `unknown-name`, `unknown-function`, `unknown-family`, `arity`, `domain`, `support`,
 *   `duplicate`, `missing-logp`, `no-params`, `shape`, `too-large` (a text over 200,000 characters).
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * m.params.map((p) => p.name); // → ['mu', 'sigma']
 * parse('data x in positive; param k in positive; logp = log(k) - k*x').logp; // → log(k) - k*x
 * parse('data x in real; param mu in real; logp = -(x - nu)^2/2'); // → throws FisherError (unknown-name): unknown name 'nu' (did you mean 'mu'?): declare it with data, param, const or let
 */
export function parse(source: string): Model {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new FisherError('too-large', `the model text is ${source.length} characters long; the limit is ${MAX_SOURCE_LENGTH}`);
  }
  return guardDepth(() => build(source, runParser(source, tokenize(source)), { allowFamilies: true, requireParams: true }));
}

/** Turn a stack overflow on absurdly nested input into a user error instead of a crash. */
function guardDepth<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new FisherError('too-large', 'the expression is nested too deeply to handle; split it with `let` names');
    }
    throw e;
  }
}

/**
 * Parses a single expression in the model language; names need no declaration (every name is a
 * symbol). The result is the canonical interned node, so `parseExpr(String(e)) === e`.
 *
 * @param text - An expression such as `x^2*log(x)`, `sqrt(2*pi)*sigma` or `beta[2]`.
 * @throws {@link FisherError} `syntax`, `unknown-function`, `arity` (with the span), `too-large`.
 * @example
 * printExpr(parseExpr('2*x/4')); // → 'x/2'
 * parseExpr('σ²') === parseExpr('sigma^2'); // → true
 * parseExpr('x +'); // → throws FisherError (syntax): unexpected end of input: the text ends after '+'
 */
export function parseExpr(text: string): Expr {
  const prefix = 'logp = ';
  const source = prefix + text;
  let statements: Statement[];
  try {
    statements = guardDepth(() => runParser(source, tokenize(source)));
  } catch (e) {
    throw shiftError(e, prefix.length, text);
  }
  const st = statements[0];
  if (statements.length !== 1 || st === undefined || st.s !== 'logp') {
    throw new FisherError('syntax', 'expected one expression', { start: 0, end: Math.max(1, text.length) }, text);
  }
  const b = new Builder(source, { allowFamilies: false, requireParams: false });
  b.freeComponents = true;
  try {
    return guardDepth(() => b.scalar(b.expr(st.value, (n) => (RESERVED.has(n.name) ? undefined : b.graph.input(n.name, 'param', 0))), st.value, 'the expression'));
  } catch (e) {
    throw shiftError(e, prefix.length, text);
  }
}

function shiftError(e: unknown, by: number, text: string): unknown {
  if (!(e instanceof FisherError) || e.span === undefined) return e;
  const start = Math.max(0, e.span.start - by);
  return new FisherError(e.code, e.message, { start, end: Math.max(start + 1, e.span.end - by) }, text);
}

