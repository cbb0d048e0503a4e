/**
 * Derivation files: a model, then chains of claimed steps, checked line by line.
 *
 * ```
 * const n = 10                          # the model: every line before the first chain
 * x ~ Binomial(n, theta)
 *
 * fisher[theta, theta]                  # a chain starts with a quantity or an expression
 *   = E[-d2/dtheta2 logp]               # each '= expr' line must equal the line before it
 *   = E[x/theta^2 + (n - x)/(1 - theta)^2]
 *   using E[x] = n*theta                # a fact, itself checked against the engine
 *   = n*theta/theta^2 + (n - n*theta)/(1 - theta)^2
 *   = n/(theta*(1 - theta))
 * ```
 *
 * Besides the model's expressions, a step may use `logp` (the log-density), `score[theta]`,
 * `hessian[mu, sigma]`, `fisher[mu, sigma]` (names or 1-based indices; without brackets in a
 * one-parameter model), `E[...]` (the expectation over the data at fixed parameters),
 * `d/dtheta X` and `d2/dtheta2 X` or `d2/dmu dsigma X` (derivatives of the name, call, bracket
 * or parenthesised expression X right after the operator). Two consecutive values are compared
 * like a `verify` claim: by simplification and at random points, exactly where rational, against
 * quadrature where an expectation has no closed form. The first line that does not follow is
 * reported with a point where the two sides differ.
 */
import { FisherError, type Span } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { ZERO, add, mul, num, substitute, sym, symbols, type Expr } from '../expr/expr';
import { printExpr } from '../expr/print';
import { simplify, tidy } from '../expr/simplify';
import { diff } from '../expr/diff';
import { normalizeName } from '../lang/lexer';
import type { Model } from '../lang/model';
import { parse, parseExpr, suggest } from '../lang/parse';
import { constantValues, hessian, modelRanges, score } from '../fisher/derivatives';
import { almostEverywhere, fisher, type FisherResult } from '../fisher/fisher';
import { combine, linearize } from '../fisher/linearize';
import { dataMoments } from '../fisher/moments';
import { expectation, numericFisher } from '../fisher/numeric';
import { parameterPoints } from '../fisher/points';
import { decide, describeOutcome, exprEvaluator, undecidedReason, type Evaluator } from './compare';
import { samplePoints } from './points';
import type { Counterexample } from './verify';

/**
 * One line of a derivation, checked.
 *
 * @example
 * const text = 'x ~ Poisson(lam)\nfisher[lam, lam]\n  = E[x/lam^2]\n  using E[x] = lam\n  = 1/lam';
 * checkDerivation(text).steps; // → [{ line: 2, text: 'fisher[lam, lam]', kind: 'start', ok: true, method: '' }, { line: 3, text: '= E[x/lam^2]', kind: 'step', ok: true, method: 'simplification, and exact evaluation at 40 rational points' }, { line: 4, text: 'using E[x] = lam', kind: 'fact', ok: true, method: 'fisherlab: lam (score identity)' }, { line: 5, text: '= 1/lam', kind: 'step', ok: true, method: 'simplification, and exact evaluation at 40 rational points' }]
 */
export interface DerivationStepReport {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The line's text, without its comment. */
  readonly text: string;
  /** The first item of a chain, a step `= ...`, or a fact `using E[...] = ...`. */
  readonly kind: 'start' | 'step' | 'fact';
  /** Whether it follows (a fact: agrees with the engine). */
  readonly ok: boolean;
  /** How the step was decided (or the fact's source in the engine). */
  readonly method: string;
}

/**
 * The first line of a derivation that does not follow.
 *
 * @example
 * const bad = 'x ~ Poisson(lam)\nfisher[lam, lam]\n  = E[x/lam^2]\n  = 1/lam^2';
 * const f = checkDerivation(bad).failure;
 * [f.line, f.previousLine, f.message]; // → [4, 3, 'the two sides differ']
 */
export interface DerivationFailure {
  /** The failing line (1-based). */
  readonly line: number;
  /** The line it should follow from (absent for a fact, which is checked against the engine). */
  readonly previousLine?: number;
  /** What is wrong, in words. */
  readonly message: string;
  /** `claimed` is this line's value, `expected` the previous line's (or the engine's, for a fact). */
  readonly counterexample: Counterexample | null;
}

/**
 * The verdict of {@link checkDerivation}.
 *
 * @example
 * const text = 'x ~ Poisson(lam)\nfisher[lam, lam]\n  = E[x/lam^2]\n  using E[x] = lam\n  = 1/lam';
 * const r = checkDerivation(text);
 * [r.equal, r.params, r.failure]; // → [true, ['lam'], null]
 */
export interface DerivationReport {
  /** Every step follows. */
  readonly equal: boolean;
  /** The model's parameters. */
  readonly params: string[];
  /** The lines checked, in order, up to the first that fails. */
  readonly steps: DerivationStepReport[];
  /** The first line that does not follow (null when every one does). */
  readonly failure: DerivationFailure | null;
}

// ---------------------------------------------------------------------------------------------
// The file: model text, then chains of items.

interface Segment {
  readonly text: string;
  /** Offset of text in the file. */
  readonly start: number;
}

type Item =
  | { readonly kind: 'start' | 'step'; readonly line: number; readonly seg: Segment }
  | { readonly kind: 'fact'; readonly line: number; readonly inner: Segment; readonly rhs: Segment; readonly seg: Segment };

const CHAIN_START = /^(?:(?:fisher|score|hessian)\s*(?:\[|=|$)|E\s*\[|d\d?\s*\/)/;

function trimmed(text: string, start: number): Segment {
  const lead = text.length - text.trimStart().length;
  return { text: text.trim(), start: start + lead };
}

/** Split at top-level occurrences of `sep` (outside parentheses and brackets). */
function splitTop(seg: Segment, sep: string): Segment[] {
  const out: Segment[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < seg.text.length; i++) {
    const c = seg.text[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      out.push(trimmed(seg.text.slice(from, i), seg.start + from));
      from = i + 1;
    }
  }
  out.push(trimmed(seg.text.slice(from), seg.start + from));
  return out;
}

interface Parsed {
  readonly model: Model;
  readonly chains: Item[][];
}

function readFile(text: string): Parsed {
  const lines: Array<{ text: string; start: number; number: number }> = [];
  let offset = 0;
  text.split('\n').forEach((raw, k) => {
    const body = raw.replace(/#.*$/, '').replace(/\s+$/, '');
    lines.push({ text: body, start: offset, number: k + 1 });
    offset += raw.length + 1;
  });
  const first = lines.findIndex((l) => CHAIN_START.test(l.text.trim()));
  if (first < 0) throw new FisherError('syntax', 'the derivation file has a model but no chain of steps: start one with a quantity such as fisher[theta, theta] or E[...], then lines "= expr"');
  const model = parse(text.slice(0, lines[first]!.start));
  const err = (msg: string, span: Span): FisherError => new FisherError('syntax', msg, span, text);
  const chains: Item[][] = [];
  for (const l of lines.slice(first)) {
    const seg = trimmed(l.text, l.start);
    if (seg.text === '') continue;
    if (seg.text.startsWith('=')) {
      if (chains.length === 0) throw err('a step needs a chain to continue', { start: seg.start, end: seg.start + 1 });
      for (const s of splitTop(trimmed(seg.text.slice(1), seg.start + 1), '=')) chains[chains.length - 1]!.push(step('step', l.number, s));
    } else if (/^using\b/.test(seg.text)) {
      if (chains.length === 0) throw err('a fact needs a chain to belong to', { start: seg.start, end: seg.start + 5 });
      for (const f of splitTop(trimmed(seg.text.slice(5), seg.start + 5), ',')) chains[chains.length - 1]!.push(fact(l.number, f));
    } else if (CHAIN_START.test(seg.text)) {
      const parts = splitTop(seg, '=');
      chains.push([step('start', l.number, parts[0]!), ...parts.slice(1).map((p) => step('step', l.number, p))]);
    } else {
      throw err("expected '= expr' (a step), 'using E[...] = expr' (a fact), or the start of a new chain (fisher[...], score[...], hessian[...], E[...]); model statements go before the first chain", { start: seg.start, end: seg.start + Math.max(1, seg.text.indexOf(' ') > 0 ? seg.text.indexOf(' ') : seg.text.length) });
    }
  }
  return { model, chains };

  function step(kind: 'start' | 'step', line: number, s: Segment): Item {
    if (s.text === '') throw err('an expression is missing here', { start: s.start, end: s.start + 1 });
    return { kind, line, seg: s };
  }
  function fact(line: number, f: Segment): Item {
    const sides = splitTop(f, '=');
    const lhs = sides[0]!;
    const m = /^E\s*\[([\s\S]*)\]$/.exec(lhs.text);
    if (sides.length !== 2 || m === null || sides[1]!.text === '') {
      throw err('a fact reads: using E[expression of the data] = expression of the parameters', { start: f.start, end: f.start + Math.max(1, f.text.length) });
    }
    const innerStart = lhs.text.indexOf('[') + 1;
    return { kind: 'fact', line, inner: trimmed(m[1]!, lhs.start + innerStart), rhs: sides[1]!, seg: f };
  }
}

// ---------------------------------------------------------------------------------------------
// Values: closed forms, with numeric expectations where there is none.

interface Value {
  readonly expr: Expr;
  /** Symbols in `expr` that stand for numbers known only at a point (quadrature), with their error. */
  readonly numeric: ReadonlyMap<string, (env: ReadonlyMap<string, number>) => { value: number; error: number }>;
}

const closed = (expr: Expr): Value => ({ expr, numeric: new Map() });

type Hole =
  | { readonly kind: 'logp' }
  | { readonly kind: 'E'; readonly inner: Segment }
  | { readonly kind: 'quantity'; readonly which: 'fisher' | 'score' | 'hessian'; readonly args: Segment[]; readonly span: Span }
  | { readonly kind: 'd'; readonly vars: string[]; readonly operand: Segment; readonly span: Span };

const IDENT = /[A-Za-z_\u0370-\u03ff\u1f00-\u1fff][A-Za-z0-9_\u0370-\u03ff\u1f00-\u1fff]*/y;
const NAME_CHAR = /[A-Za-z0-9_.\u0370-\u03ff\u1f00-\u1fff]/;

class Checker {
  readonly ranges;
  readonly data: string[];
  readonly params: string[];
  readonly continuous: boolean;
  /** Facts the file has established (checked): E[atom] = value. */
  readonly facts = new Map<Expr, Expr>();
  private fisherResult: FisherResult | undefined;
  private holeCount = 0;

  constructor(
    readonly text: string,
    readonly m: Model,
    readonly seed: number,
  ) {
    this.ranges = modelRanges(m);
    this.data = m.data.map((d) => d.name);
    this.params = m.params.map((p) => p.name);
    this.continuous = m.data.every((d) => d.support.kind === 'interval' || d.support.kind === 'simplex');
  }

  err(msg: string, span: Span, code: ConstructorParameters<typeof FisherError>[0] = 'syntax'): FisherError {
    return new FisherError(code, msg, span, this.text);
  }

  get fisher(): FisherResult {
    this.fisherResult ??= fisher(this.m, { numeric: numericFisher });
    return this.fisherResult;
  }

  /** The value of a chain expression. */
  value(seg: Segment, dataAllowed = true): Value {
    const holes = new Map<string, Hole>();
    const { out, map, original } = this.desugar(seg, holes);
    let e: Expr;
    try {
      e = parseExpr(out);
    } catch (x) {
      if (x instanceof FisherError && x.span !== undefined) {
        const start = seg.start + map(x.span.start);
        const message = x.message.replace(/__h\d+__/g, (h) => original(h) ?? 'E[...]');
        throw new FisherError(x.code, message, { start, end: Math.max(start + 1, seg.start + map(x.span.end)) }, this.text);
      }
      throw x;
    }
    for (const s of symbols(e)) {
      if (holes.has(s) || ['pi', 'e', 'euler_gamma'].includes(s)) continue;
      const decl = this.m.symbols.get(s);
      const at = locate(seg, s);
      if (decl === undefined) {
        const names = [...this.m.symbols.keys(), 'logp', 'E[...]', 'fisher[...]', 'score[...]', 'hessian[...]'];
        throw this.err(`'${s}' is not declared in the model${suggest(s, this.m.symbols.keys())}; a step may use ${names.join(', ')}`, at, 'unknown-name');
      }
      if (decl.role === 'data' && !dataAllowed) throw this.err(`a fact's right-hand side is a function of the parameters; it cannot use the data symbol '${s}'`, at, 'bad-value');
    }
    const numeric = new Map<string, (env: ReadonlyMap<string, number>) => { value: number; error: number }>();
    const sub = new Map<string, Expr>();
    for (const [name, h] of holes) {
      const v = this.hole(h);
      sub.set(name, v.expr);
      // An expectation known only numerically stays a symbol, evaluated at each point.
      for (const [k, f] of v.numeric) numeric.set(k, f);
    }
    return { expr: simplify(substitute(e, sub), { ranges: this.ranges }), numeric };
  }

  /** Replace logp, E[...], fisher[...], d/dθ ... by placeholder names; map offsets back. */
  desugar(seg: Segment, holes: Map<string, Hole>): { out: string; map: (o: number) => number; original: (name: string) => string | undefined } {
    const s = seg.text;
    let out = '';
    const marks: Array<{ outStart: number; outEnd: number; start: number; end: number }> = [];
    let i = 0;
    const hole = (h: Hole, start: number, end: number): void => {
      const name = `__h${this.holeCount++}__`;
      holes.set(name, h);
      marks.push({ outStart: out.length, outEnd: out.length + name.length, start, end });
      out += name;
      i = end;
    };
    while (i < s.length) {
      const c = s[i]!;
      IDENT.lastIndex = i;
      const id = i > 0 && NAME_CHAR.test(s[i - 1]!) ? null : IDENT.exec(s);
      if (id === null) {
        out += c;
        i++;
        continue;
      }
      const name = id[0];
      const after = skipSpace(s, i + name.length);
      if (name === 'logp') hole({ kind: 'logp' }, i, i + name.length);
      else if (name === 'E' && s[after] === '[') {
        const close = matching(s, after, this, seg);
        hole({ kind: 'E', inner: trimmed(s.slice(after + 1, close), seg.start + after + 1) }, i, close + 1);
      } else if (name === 'fisher' || name === 'score' || name === 'hessian') {
        const span = { start: seg.start + i, end: seg.start + i + name.length };
        if (s[after] === '[') {
          const close = matching(s, after, this, seg);
          const args = splitTop(trimmed(s.slice(after + 1, close), seg.start + after + 1), ',');
          hole({ kind: 'quantity', which: name, args, span: { start: span.start, end: seg.start + close + 1 } }, i, close + 1);
        } else hole({ kind: 'quantity', which: name, args: [], span }, i, i + name.length);
      } else if (/^d\d?$/.test(name) && s[after] === '/') {
        const op = this.operator(s, i, after + 1, seg);
        hole({ kind: 'd', vars: op.vars, operand: op.operand, span: { start: seg.start + i, end: seg.start + op.end } }, i, op.end);
      } else {
        out += name;
        i += name.length;
      }
    }
    const map = (o: number): number => {
      let delta = 0;
      for (const mk of marks) {
        if (o >= mk.outStart && o < mk.outEnd) return mk.start;
        if (o >= mk.outEnd) delta = mk.end - mk.outEnd;
      }
      return o + delta;
    };
    const original = (name: string): string | undefined => {
      const mk = marks.find((x) => out.slice(x.outStart, x.outEnd) === name);
      return mk === undefined ? undefined : s.slice(mk.start, mk.end);
    };
    return { out, map, original };
  }

  /** d/dθ, d2/dθ2, d2/dθ^2, d2/dμ dσ: the variables, and the operand right after. */
  operator(s: string, opStart: number, slash: number, seg: Segment): { vars: string[]; operand: Segment; end: number } {
    const order = Number(/^d(\d?)/.exec(s.slice(opStart))![1] || '1');
    const known = (n: string): boolean => this.m.symbols.get(n)?.role === 'param' || this.m.symbols.get(n)?.role === 'data' || this.m.symbols.get(n)?.role === 'given';
    const vars: string[] = [];
    let i = skipSpace(s, slash);
    while (vars.length < order) {
      IDENT.lastIndex = i;
      const id = IDENT.exec(s);
      if (id === null || !id[0].startsWith('d')) throw this.err(`expected d<name> after '/' in a derivative (d/dtheta, d2/dtheta2, d2/dmu dsigma)`, { start: seg.start + i, end: seg.start + i + 1 });
      let name = normalizeName(id[0].slice(1));
      i += id[0].length;
      let times = 1;
      if (s[i] === '^' && /\d/.test(s[i + 1] ?? '')) {
        times = Number(s[i + 1]);
        i += 2;
      } else if (!known(name) && /\d$/.test(name) && known(name.replace(/\d+$/, ''))) {
        times = Number(/\d+$/.exec(name)![0]);
        name = name.replace(/\d+$/, '');
      }
      if (!known(name)) throw this.err(`'${name}' is not a parameter or data symbol of the model, so d/d${name} means nothing here${suggest(name, this.params)}`, { start: seg.start + i - id[0].length, end: seg.start + i }, 'unknown-name');
      for (let k = 0; k < times; k++) vars.push(name);
      i = skipSpace(s, i);
    }
    if (vars.length !== order) throw this.err(`d${order} needs ${order} variables, got ${vars.length}`, { start: seg.start + opStart, end: seg.start + i });
    const end = this.operandEnd(s, i, seg);
    const operand = s[i] === '(' ? trimmed(s.slice(i + 1, end - 1), seg.start + i + 1) : trimmed(s.slice(i, end), seg.start + i);
    return { vars, operand, end };
  }

  /** Where the operand of a derivative ends: a parenthesised group, or a name with its call or brackets, or another derivative. */
  operandEnd(s: string, i: number, seg: Segment): number {
    if (s[i] === '(') return matching(s, i, this, seg) + 1;
    IDENT.lastIndex = i;
    const id = IDENT.exec(s);
    if (id === null) throw this.err('a derivative applies to the name, call, E[...] or parenthesised expression right after it', { start: seg.start + i, end: seg.start + i + 1 });
    let j = i + id[0].length;
    if (/^d\d?$/.test(id[0]) && s[skipSpace(s, j)] === '/') return this.operator(s, i, skipSpace(s, j) + 1, seg).end;
    const k = skipSpace(s, j);
    if (s[k] === '(' || s[k] === '[') j = matching(s, k, this, seg) + 1;
    return j;
  }

  hole(h: Hole): Value {
    switch (h.kind) {
      case 'logp':
        return closed(this.m.logp);
      case 'quantity':
        return this.quantity(h);
      case 'd': {
        const v = this.value(h.operand);
        if (v.numeric.size > 0) throw this.err('cannot differentiate an expectation that has no closed form', h.span, 'bad-value');
        let e = v.expr;
        for (const x of h.vars) e = simplify(diff(e, x), { ranges: this.ranges });
        return closed(e);
      }
      case 'E': {
        const v = this.value(h.inner);
        if (v.numeric.size > 0) throw this.err('an expectation inside an expectation must have a closed form', h.inner.text === '' ? { start: h.inner.start, end: h.inner.start + 1 } : { start: h.inner.start, end: h.inner.start + h.inner.text.length }, 'bad-value');
        return this.expect(v.expr, true).value;
      }
    }
  }

  quantity(h: Extract<Hole, { kind: 'quantity' }>): Value {
    const want = h.which === 'score' ? 1 : 2;
    const idx = h.args.map((a) => this.index(a));
    if (idx.length === 0 && this.params.length === 1) idx.push(...Array<number>(want).fill(0));
    if (idx.length === 1 && want === 2) idx.push(idx[0]!);
    if (idx.length !== want) throw this.err(`${h.which}[...] takes ${want === 1 ? 'one parameter' : 'two parameters'} (names or 1-based indices)${this.params.length === 1 ? '' : `: the model has ${this.params.join(', ')}`}`, h.span, 'bad-value');
    if (h.which === 'score') return closed(score(this.m)[idx[0]!]!);
    if (h.which === 'hessian') return closed(hessian(this.m)[idx[0]!]![idx[1]!]!);
    const [i, j] = idx as [number, number];
    const r = this.fisher;
    const e = r.matrix[i]![j];
    if (e !== null && e !== undefined) return closed(e);
    if (r.methods[i]![j]!.startsWith('irregular')) throw this.err(`fisher[${this.params[i]}, ${this.params[j]}] is undefined: ${r.methods[i]![j]!.replace(/^irregular: /, '')} (the regularity conditions fail)`, h.span, 'bad-value');
    const name = `__h${this.holeCount++}__`;
    const cache = new Map<string, FisherResult>();
    const at = (env: ReadonlyMap<string, number>): FisherResult => {
      const vars = new Map([...env].filter(([k]) => this.m.symbols.get(k)?.role === 'param' || this.m.symbols.get(k)?.role === 'given'));
      const key = [...vars].join(';');
      let hit = cache.get(key);
      if (hit === undefined) {
        hit = fisher(this.m, { at: vars, numeric: numericFisher, checkNormalised: false });
        cache.set(key, hit);
      }
      return hit;
    };
    return { expr: sym(name), numeric: new Map([[name, (env) => ({ value: at(env).value?.[i]?.[j] ?? NaN, error: at(env).error?.[i]?.[j] ?? NaN })]]) };
  }

  index(a: Segment): number {
    const k = /^\d+$/.test(a.text) ? Number(a.text) - 1 : this.params.indexOf(normalizeName(a.text));
    if (k < 0 || k >= this.params.length) {
      throw this.err(`'${a.text}' is not a parameter of the model (or an index 1..${this.params.length})${suggest(a.text, this.params)}; the parameters are ${this.params.join(', ')}`, { start: a.start, end: a.start + Math.max(1, a.text.length) }, 'unknown-name');
    }
    return k;
  }

  /**
   * E_θ[g]: by linearity over the data atoms, each atom's expectation from the file's checked
   * facts (when `useFacts`) or the engine's moments; numerically at each point otherwise.
   */
  expect(g: Expr, useFacts: boolean): { value: Value; source: string } {
    if (![...symbols(g)].some((s) => this.data.includes(s))) return { value: closed(g), source: 'constant in the data' };
    try {
      const ae = this.continuous ? almostEverywhere(g) : g;
      const lin = linearize(ae, this.data);
      const mo = dataMoments(this.m, [lin], { ranges: this.ranges, points: parameterPoints(this.m, 3), ...(this.continuous ? { almostEverywhere } : {}) });
      const sources = new Set<string>();
      const v = combine(lin, (a) => {
        const f = useFacts ? this.facts.get(a) : undefined;
        if (f !== undefined) {
          sources.add('the facts above');
          return f;
        }
        const k = mo.known.get(a);
        if (k !== undefined) sources.add(k.source);
        return k?.value;
      });
      if (v !== undefined) return { value: closed(tidy(v, { ranges: this.ranges })), source: [...sources].join(', ') || 'linearity' };
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
    }
    const name = `__h${this.holeCount++}__`;
    const consts = constantValues(this.m);
    const f = (env: ReadonlyMap<string, number>): { value: number; error: number } => {
      try {
        const r = expectation(this.m, [g], new Map([...consts, ...env]), 1e-10, false);
        return { value: r.value[0]!, error: r.error[0]! };
      } catch {
        return { value: NaN, error: NaN };
      }
    };
    return { value: { expr: sym(name), numeric: new Map([[name, f]]) }, source: 'quadrature' };
  }
}

const skipSpace = (s: string, i: number): number => {
  while (i < s.length && /\s/.test(s[i]!)) i++;
  return i;
};

/** The index of the bracket closing the one at `open`. */
function matching(s: string, open: number, c: Checker, seg: Segment): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') depth++;
    else if (s[i] === ')' || s[i] === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw c.err(`missing '${s[open] === '(' ? ')' : ']'}': this '${s[open]}' is never closed`, { start: seg.start + open, end: seg.start + open + 1 });
}

function locate(seg: Segment, name: string): Span {
  const re = new RegExp(IDENT.source, 'g');
  for (const m of seg.text.matchAll(re)) if (normalizeName(m[0]) === name) return { start: seg.start + m.index, end: seg.start + m.index + m[0].length };
  return { start: seg.start, end: seg.start + Math.max(1, seg.text.length) };
}

// ---------------------------------------------------------------------------------------------
// Checking.

function evaluator(v: Value): Evaluator {
  if (v.numeric.size === 0) return exprEvaluator(v.expr);
  const at = (env: ReadonlyMap<string, number>): { env: Map<string, number>; errors: Map<string, number> } => {
    const full = new Map(env);
    const errors = new Map<string, number>();
    for (const [k, f] of v.numeric) {
      const r = f(env);
      full.set(k, r.value);
      errors.set(k, r.error);
    }
    return { env: full, errors };
  };
  const value = (env: ReadonlyMap<string, number>): number => {
    try {
      return evaluate(v.expr, at(env).env);
    } catch {
      return NaN;
    }
  };
  return {
    exact: () => 'not rational',
    float: value,
    error: (env) => {
      const { env: full, errors } = at(env);
      const base = evaluate(v.expr, full);
      let err = 0;
      for (const [k, e] of errors) {
        const moved = new Map(full).set(k, full.get(k)! + e);
        err += Math.abs(evaluate(v.expr, moved) - base);
      }
      return err;
    },
    magnitude: (env) => Math.abs(value(env)),
    numeric: true,
  };
}

/**
 * Checks a derivation written as text, line by line: the model, then chains that start at a
 * quantity (`score[theta]`, `fisher[theta, theta]`, an expression) and continue with steps
 * `= expr` (each must equal the previous line: decided as {@link verify} decides, at random points)
 * and facts `using E[...] = ...` (checked against the engine), with `E[...]`, `d/dθ`, `d2/dθ2`,
 * `logp`, `score[...]` and `fisher[...]` available in expressions. It stops at the first line that
 * does not follow, with a counterexample (see `examples/derivations/` for files).
 *
 * @param text - The derivation file's text.
 * @param options - `seed`: the seed of the random points.
 * @throws {@link FisherError} (with line, column and a caret) for a file that does not parse.
 * @example
 * const text = [
 *   'const n = 10',
 *   'x ~ Binomial(n, theta)',
 *   'fisher[theta, theta]',
 *   '  = E[-d2/dtheta2 logp]',
 *   '  = E[x/theta^2 + (n - x)/(1 - theta)^2]',
 *   '  using E[x] = n*theta',
 *   '  = n/theta + n/(1 - theta)',
 *   '  = n/(theta*(1 - theta))',
 * ].join('\n');
 * checkDerivation(text).equal; // → true
 * checkDerivation(text.replace('n/theta + n', 'n/theta + 2*n')).failure.message; // → 'the two sides differ'
 */
export function checkDerivation(text: string, options: { readonly seed?: number } = {}): DerivationReport {
  const { model: m, chains } = readFile(text);
  const c = new Checker(text, m, options.seed ?? 2024);
  // Parse (and evaluate) everything first, so that a mistake in the text is reported before any check.
  const values = chains.map((chain) => chain.map((it) => (it.kind === 'fact' ? { fact: c.value(it.inner), rhs: c.value(it.rhs, false) } : { value: c.value(it.seg) })));
  const steps: DerivationStepReport[] = [];
  const lineText = (line: number): string => text.split('\n')[line - 1]!.replace(/#.*$/, '').trim();
  for (let k = 0; k < chains.length; k++) {
    const chain = chains[k]!;
    let prev: { value: Value; line: number } | undefined;
    for (let n = 0; n < chain.length; n++) {
      const it = chain[n]!;
      const v = values[k]![n]!;
      if (it.kind === 'fact') {
        const f = v as { fact: Value; rhs: Value };
        if (f.fact.numeric.size > 0) throw c.err('the expression under E[...] in a fact must have a closed form', { start: it.inner.start, end: it.inner.start + it.inner.text.length }, 'bad-value');
        const engine = c.expect(f.fact.expr, false);
        const out = compareValues(c, f.rhs, engine.value);
        if (out.ok === false) {
          steps.push({ line: it.line, text: lineText(it.line), kind: 'fact', ok: false, method: out.method });
          return { equal: false, params: c.params, steps, failure: { line: it.line, message: `the fact E[${printExpr(f.fact.expr)}] = ${printExpr(f.rhs.expr)} is not what fisherlab finds${engine.value.numeric.size === 0 ? ` (E[${printExpr(f.fact.expr)}] = ${printExpr(engine.value.expr)}, ${engine.source})` : ' (by quadrature)'}`, counterexample: out.counterexample } };
        }
        // A checked fact may stand for its expectation in later steps.
        if (f.rhs.numeric.size === 0) c.facts.set(f.fact.expr, f.rhs.expr);
        steps.push({ line: it.line, text: lineText(it.line), kind: 'fact', ok: true, method: `fisherlab: ${engine.value.numeric.size === 0 ? `${printExpr(engine.value.expr)} (${engine.source})` : 'by quadrature'}` });
        continue;
      }
      // Values were computed before any fact was checked; with facts established, again, so that they apply.
      const value = c.facts.size > 0 ? c.value(it.seg) : (v as { value: Value }).value;
      if (it.kind === 'start' || prev === undefined) {
        steps.push({ line: it.line, text: lineText(it.line), kind: 'start', ok: true, method: '' });
        prev = { value, line: it.line };
        continue;
      }
      const out = compareValues(c, value, prev.value);
      if (out.ok === false) {
        steps.push({ line: it.line, text: lineText(it.line), kind: 'step', ok: false, method: out.method });
        return { equal: false, params: c.params, steps, failure: { line: it.line, previousLine: prev.line, message: out.method.startsWith('undecided') ? `could not be decided (${out.method.replace(/^undecided: /, '')})` : 'the two sides differ', counterexample: out.counterexample } };
      }
      // Several steps on one line are reported once.
      const last = steps[steps.length - 1];
      if (last !== undefined && last.line === it.line) steps[steps.length - 1] = { ...last, kind: 'step', method: out.method };
      else steps.push({ line: it.line, text: lineText(it.line), kind: 'step', ok: true, method: out.method });
      prev = { value, line: it.line };
    }
  }
  return { equal: true, params: c.params, steps, failure: null };
}

/** Is `claim` equal to `expected` (as functions of the parameters, and of the data if either uses it)? */
function compareValues(c: Checker, claim: Value, expected: Value): { ok: true; method: string } | { ok: false; method: string; counterexample: Counterexample | null } {
  const usesData = [claim, expected].some((v) => [...symbols(v.expr)].some((s) => c.data.includes(s)));
  const numeric = claim.numeric.size > 0 || expected.numeric.size > 0;
  const points = samplePoints(c.m, usesData ? ['param', 'given', 'data'] : ['param', 'given'], numeric ? 5 : 40, c.seed);
  const proved = !numeric && tidy(add(claim.expr, mul(num(-1), expected.expr)), { ranges: c.ranges }) === ZERO;
  const continuous = [...c.m.symbols.values()].filter((d) => d.role !== 'const' && (d.support.kind === 'interval' || d.support.kind === 'simplex')).map((d) => d.name);
  const o = decide(evaluator(claim), evaluator(expected), points, { continuous, ...(proved ? { need: 1 } : numeric ? { need: 4 } : {}) });
  if (o.equal === true) return { ok: true, method: describeOutcome(o, proved, numeric) };
  if (o.equal === undefined) return { ok: false, method: `undecided: ${undecidedReason(o)}`, counterexample: null };
  const d = o.difference;
  const at = Object.fromEntries([...d.at].filter(([k]) => c.m.symbols.get(k)?.role !== 'const'));
  return {
    ok: false,
    method: d.exact !== undefined ? 'exact evaluation' : 'evaluation',
    counterexample: {
      at,
      entry: [],
      claimed: Number.isFinite(d.claimed) ? d.claimed : null,
      expected: Number.isFinite(d.expected) ? d.expected : null,
      expectedExpr: expected.numeric.size === 0 ? printExpr(expected.expr) : null,
      ...(d.exact !== undefined ? { exact: d.exact } : {}),
      ...(d.error !== undefined ? { error: d.error } : {}),
    },
  };
}

