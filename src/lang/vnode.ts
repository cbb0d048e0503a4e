/**
 * The vector view of a model. `parse` builds the log-density as a graph of VNodes in which a
 * vector is ONE node: declared vectors (`param beta in real[d]`), elementwise arithmetic and
 * calls of the function table (a scalar broadcasts), `dot`, `sum` and indexing `beta[2]`. The
 * scalar view that the symbolic engine reads (`Model.logp`) is this graph expanded component by
 * component (`expand`): beta becomes the symbols `beta[1]`, ..., `beta[d]`.
 *
 * Nodes are made only by a `VGraph`'s constructors, which share equal subgraphs (so a node is
 * computed once) and fold calculations on numbers; they do no other rewriting, so the expansion
 * builds exactly the expressions the smart constructors of src/expr would have built directly.
 * Shapes are checked by the parser (with positions) before a node is made.
 */
import { NAMED_CONSTANTS, add, call, children, mul, pow, sym, type Expr } from '../expr/expr';
import { evaluate } from '../expr/evaluate';
import { printExpr } from '../expr/print';

/**
 * What a declared symbol is: `data` (integrated over in an expectation), `param` (a parameter θ),
 * `given` (a covariate: known, not integrated over), `const` (a named constant).
 */
export type Role = 'data' | 'param' | 'const' | 'given';

interface VBase {
  /** Unique within its graph. */
  readonly id: number;
  /** 0 for a scalar, else the number of components. */
  readonly length: number;
  /** The node in the language's vector notation, `y*log(sigmoid(dot(z, beta)))` (`printVNode`). */
  toString(): string;
  /** The same text, so that `JSON.stringify` of a Model writes its vector view as text. */
  toJSON(): string;
}
/** A number or a named constant (pi), kept exact as an expression. */
export interface VConst extends VBase {
  readonly kind: 'const';
  readonly expr: Expr;
  readonly value: number;
}
/** A declared symbol: a parameter, data, a covariate or a constant; a vector when length > 0. */
export interface VInput extends VBase {
  readonly kind: 'input';
  readonly name: string;
  readonly role: Role;
}
/** Elementwise a + b (+ ...), a scalar broadcast over a vector. */
export interface VAdd extends VBase {
  readonly kind: 'add';
  readonly args: readonly VNode[];
}
/** Elementwise a * b (* ...). */
export interface VMul extends VBase {
  readonly kind: 'mul';
  readonly args: readonly VNode[];
}
/** Elementwise base ^ exp. */
export interface VPow extends VBase {
  readonly kind: 'pow';
  readonly base: VNode;
  readonly exp: VNode;
}
/** Elementwise call of a function of the table. */
export interface VCall extends VBase {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly VNode[];
}
/** Σ_k a_k b_k of two vectors of one length. */
export interface VDot extends VBase {
  readonly kind: 'dot';
  readonly a: VNode;
  readonly b: VNode;
}
/** Σ_k a_k. */
export interface VSum extends VBase {
  readonly kind: 'sum';
  readonly a: VNode;
}
/** The component a[index] (1-based). */
export interface VIndex extends VBase {
  readonly kind: 'index';
  readonly a: VNode;
  readonly index: number;
}
export type VNode = VConst | VInput | VAdd | VMul | VPow | VCall | VDot | VSum | VIndex;

/** The name of a vector's component in the scalar view: `beta[2]`. */
export const componentName = (vector: string, k: number): string => `${vector}[${k}]`;

/** `beta[2]` -> ['beta', 2]; undefined for a plain name. */
export function splitComponent(name: string): [string, number] | undefined {
  const m = /^(.*)\[(\d+)\]$/.exec(name);
  return m === null ? undefined : [m[1]!, Number(m[2])];
}

/** The direct operands of a node. */
export function operands(n: VNode): readonly VNode[] {
  switch (n.kind) {
    case 'const':
    case 'input':
      return [];
    case 'add':
    case 'mul':
    case 'call':
      return n.args;
    case 'pow':
      return [n.base, n.exp];
    case 'dot':
      return [n.a, n.b];
    case 'sum':
    case 'index':
      return [n.a];
  }
}

/** The nodes `root` reaches, operands before their users (a topological order), without recursion. */
export function topological(root: VNode): VNode[] {
  const order: VNode[] = [];
  const seen = new Set<VNode>();
  const stack: Array<[VNode, boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [n, expanded] = stack.pop()!;
    if (expanded) {
      order.push(n);
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push([n, true]);
    for (const k of operands(n)) if (!seen.has(k)) stack.push([k, false]);
  }
  return order;
}

/** The common length of elementwise operands (0 when all are scalars); undefined when two vectors differ. */
export function broadcastLength(xs: readonly VNode[]): number | undefined {
  let len = 0;
  for (const x of xs) {
    if (x.length === 0) continue;
    if (len !== 0 && x.length !== len) return undefined;
    len = x.length;
  }
  return len;
}

// ---------------------------------------------------------------------------------------------
// Printing: the language's own notation, which `parse` reads back (as a `logp = ...` line).

const enum VPrec {
  Add = 1,
  Mul = 2,
  Neg = 3,
  Pow = 4,
  Atom = 5,
}

/** The binding strength of an exact constant's printed form (`-1/2` is a negation of a quotient). */
function constPrec(e: Expr, text: string): VPrec {
  if (text.startsWith('-')) return VPrec.Neg;
  switch (e.kind) {
    case 'num':
      return e.value.d === 1n ? VPrec.Atom : VPrec.Mul;
    case 'sym':
    case 'call':
      return VPrec.Atom;
    case 'add':
      return VPrec.Add;
    case 'mul':
      return VPrec.Mul;
    case 'pow':
      return text.startsWith('sqrt(') ? VPrec.Atom : VPrec.Pow;
  }
}

function fmtV(n: VNode): { s: string; prec: VPrec } {
  const wrap = (x: VNode, min: VPrec): string => {
    const p = fmtV(x);
    return p.prec < min ? `(${p.s})` : p.s;
  };
  switch (n.kind) {
    case 'const': {
      const s = printExpr(n.expr);
      return { s, prec: constPrec(n.expr, s) };
    }
    case 'input':
      return { s: n.name, prec: VPrec.Atom };
    case 'add': {
      let s = fmtV(n.args[0]!).s;
      for (const a of n.args.slice(1)) {
        const p = fmtV(a);
        // A negated term reads as a subtraction: a + -2*b is a - 2*b.
        if (p.prec === VPrec.Neg) s += ` - ${p.s.slice(1)}`;
        else s += ` + ${p.prec < VPrec.Mul ? `(${p.s})` : p.s}`;
      }
      return { s, prec: VPrec.Add };
    }
    case 'mul': {
      // -1*x reads -x; a negative product binds like a negation.
      const first = n.args[0]!;
      const minus = first.kind === 'const' && first.expr.kind === 'num' && first.expr.value.n === -1n && first.expr.value.d === 1n;
      const factors = minus ? n.args.slice(1) : n.args;
      const s = factors.map((a, i) => wrap(a, i === 0 ? VPrec.Mul : VPrec.Pow)).join('*');
      return minus ? { s: `-${factors.length === 1 ? wrap(factors[0]!, VPrec.Mul) : s}`, prec: VPrec.Neg } : { s, prec: s.startsWith('-') ? VPrec.Neg : VPrec.Mul };
    }
    case 'pow':
      return { s: `${wrap(n.base, VPrec.Atom)}^${wrap(n.exp, VPrec.Atom)}`, prec: VPrec.Pow };
    case 'call':
      return { s: `${n.fn}(${n.args.map((a) => fmtV(a).s).join(', ')})`, prec: VPrec.Atom };
    case 'dot':
      return { s: `dot(${fmtV(n.a).s}, ${fmtV(n.b).s})`, prec: VPrec.Atom };
    case 'sum':
      return { s: `sum(${fmtV(n.a).s})`, prec: VPrec.Atom };
    case 'index':
      return { s: `${wrap(n.a, VPrec.Atom)}[${n.index}]`, prec: VPrec.Atom };
  }
}

/**
 * A node in the language's vector notation: a log-density `logp = <this text>` parses (with the
 * model's declarations) to the same scalar view.
 * @example
 * printVNode(parse('param beta in real[2]; given z in real[2]; data y in {0,1}; y ~ Bernoulli(sigmoid(dot(z, beta)))').vectorLogp)
 * // 'y*log(sigmoid(dot(z, beta))) + log(1 - sigmoid(dot(z, beta)))*(1 - y)'
 */
export function printVNode(n: VNode): string {
  return fmtV(n).s;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Methods every node has: its text, as `String(n)`, in JSON and in Node's inspector. */
class VNodeMethods {
  toString(this: VNode): string {
    return printVNode(this);
  }
  toJSON(this: VNode): string {
    return printVNode(this);
  }
  [INSPECT](this: VNode): string {
    return `VNode<${printVNode(this)}>`;
  }
}
const PROTOTYPE: object = Object.freeze(VNodeMethods.prototype);

/** A graph of vector expressions: the constructors share equal nodes and fold numbers. */
export class VGraph {
  private readonly table = new Map<string, VNode>();
  private readonly scalars = new Map<VNode, Expr | readonly Expr[]>();
  private nextId = 1;

  private node<T extends VNode>(key: string, make: (id: number) => Omit<T, 'toString' | 'toJSON'>): T {
    const hit = this.table.get(key);
    if (hit !== undefined) return hit as T;
    const n: T = Object.freeze(Object.assign(Object.create(PROTOTYPE) as T, make(this.nextId++)));
    this.table.set(key, n);
    return n;
  }

  /** A number or named constant, as an exact expression. */
  constant(expr: Expr): VConst {
    return this.node(`k${expr.id}`, (id) => ({ kind: 'const', id, length: 0, expr, value: evaluate(expr, NAMED_CONSTANTS) }));
  }

  input(name: string, role: Role, length: number): VInput {
    return this.node(`i${name}`, (id) => ({ kind: 'input', id, length, name, role }));
  }

  add(a: VNode, b: VNode): VNode {
    if (a.kind === 'const' && b.kind === 'const') return this.constant(add(a.expr, b.expr));
    return this.node(`+${a.id},${b.id}`, (id) => ({ kind: 'add', id, length: broadcastLength([a, b]) ?? 0, args: [a, b] }));
  }

  mul(a: VNode, b: VNode): VNode {
    if (a.kind === 'const' && b.kind === 'const') return this.constant(mul(a.expr, b.expr));
    return this.node(`*${a.id},${b.id}`, (id) => ({ kind: 'mul', id, length: broadcastLength([a, b]) ?? 0, args: [a, b] }));
  }

  /** An n-ary sum or product (from an expression's terms), kept as one node. */
  nary(kind: 'add' | 'mul', args: readonly VNode[]): VNode {
    if (args.length === 1) return args[0]!;
    if (args.every((a) => a.kind === 'const')) {
      const es = args.map((a) => (a as VConst).expr);
      return this.constant(kind === 'add' ? add(...es) : mul(...es));
    }
    return this.node(`${kind === 'add' ? '+' : '*'}${args.map((a) => a.id).join(',')}`, (id) => ({ kind, id, length: broadcastLength(args) ?? 0, args: [...args] }));
  }

  pow(base: VNode, exp: VNode): VNode {
    if (base.kind === 'const' && exp.kind === 'const') return this.constant(pow(base.expr, exp.expr));
    return this.node(`^${base.id},${exp.id}`, (id) => ({ kind: 'pow', id, length: broadcastLength([base, exp]) ?? 0, base, exp }));
  }

  call(fn: string, args: readonly VNode[]): VNode {
    if (args.every((a) => a.kind === 'const')) return this.constant(call(fn, args.map((a) => (a as VConst).expr)));
    return this.node(`c${fn}(${args.map((a) => a.id).join(',')})`, (id) => ({ kind: 'call', id, length: broadcastLength(args) ?? 0, fn, args: [...args] }));
  }

  dot(a: VNode, b: VNode): VNode {
    return this.node(`d${a.id},${b.id}`, (id) => ({ kind: 'dot', id, length: 0, a, b }));
  }

  sum(a: VNode): VNode {
    return this.node(`s${a.id}`, (id) => ({ kind: 'sum', id, length: 0, a }));
  }

  index(a: VNode, index: number): VNode {
    return this.node(`[${a.id},${index}`, (id) => ({ kind: 'index', id, length: 0, a, index }));
  }

  /**
   * A scalar expression as a node, its symbols given by `lookup` (named constants by default):
   * how a family's log-density joins the graph with its arguments in place of its parameters.
   */
  fromExpr(e: Expr, lookup: (name: string) => VNode | undefined): VNode {
    const done = new Map<Expr, VNode>();
    const stack: Array<[Expr, boolean]> = [[e, false]];
    while (stack.length > 0) {
      const [x, expanded] = stack.pop()!;
      if (done.has(x)) continue;
      const kids = children(x);
      if (!expanded && kids.length > 0) {
        stack.push([x, true]);
        for (const k of kids) if (!done.has(k)) stack.push([k, false]);
        continue;
      }
      const v = (k: Expr): VNode => done.get(k)!;
      let out: VNode;
      switch (x.kind) {
        case 'num':
          out = this.constant(x);
          break;
        case 'sym': {
          const found = lookup(x.name);
          if (found !== undefined) out = found;
          else if (NAMED_CONSTANTS.has(x.name)) out = this.constant(x);
          else throw new Error(`fromExpr: no node for the symbol ${x.name}`);
          break;
        }
        case 'add':
          out = this.nary('add', x.terms.map(v));
          break;
        case 'mul':
          out = this.nary('mul', x.factors.map(v));
          break;
        case 'pow':
          out = this.pow(v(x.base), v(x.exp));
          break;
        case 'call':
          out = this.call(x.fn, x.args.map(v));
          break;
      }
      done.set(x, out);
    }
    return done.get(e)!;
  }

  /**
   * The scalar view of a node: an expression for a scalar, one per component for a vector, built
   * by the smart constructors (memoised per node).
   */
  expand(root: VNode): Expr | readonly Expr[] {
    return expandNodes(root, this.scalars);
  }

  /** The scalar view of a scalar node. */
  expandScalar(n: VNode): Expr {
    const e = this.expand(n);
    if (Array.isArray(e)) throw new Error('expandScalar: a vector');
    return e as Expr;
  }
}

/**
 * The scalar view of a node, reusing (and filling) `memo`: nodes already in it expand to their
 * entry, so a caller may stand a symbol in for a whole subgraph (a linear predictor as eta1).
 */
export function expandNodes(root: VNode, memo: Map<VNode, Expr | readonly Expr[]>): Expr | readonly Expr[] {
  const seen = new Set<VNode>();
  const stack: Array<[VNode, boolean]> = [[root, false]];
  while (stack.length > 0) {
    const [n, expanded] = stack.pop()!;
    if (memo.has(n)) continue;
    if (expanded) {
      memo.set(n, expandNode(n, memo));
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push([n, true]);
    for (const k of operands(n)) if (!memo.has(k)) stack.push([k, false]);
  }
  return memo.get(root)!;
}

function expandNode(n: VNode, memo: ReadonlyMap<VNode, Expr | readonly Expr[]>): Expr | readonly Expr[] {
  const get = (x: VNode): Expr | readonly Expr[] => memo.get(x)!;
  // Component k of an operand (a scalar broadcasts).
  const at = (x: VNode, k: number): Expr => {
    const e = get(x);
    return Array.isArray(e) ? (e as readonly Expr[])[k]! : (e as Expr);
  };
  const map = (xs: readonly VNode[], f: (parts: Expr[]) => Expr): Expr | Expr[] => {
    if (n.length === 0) return f(xs.map((x) => at(x, 0)));
    return Array.from({ length: n.length }, (_, k) => f(xs.map((x) => at(x, k))));
  };
  switch (n.kind) {
    case 'const':
      return n.expr;
    case 'input':
      return n.length === 0 ? sym(n.name) : Array.from({ length: n.length }, (_, k) => sym(componentName(n.name, k + 1)));
    case 'add':
      return map(n.args, (p) => add(...p));
    case 'mul':
      return map(n.args, (p) => mul(...p));
    case 'pow':
      return map([n.base, n.exp], ([b, e]) => pow(b!, e!));
    case 'call':
      return map(n.args, (p) => call(n.fn, p));
    case 'dot':
      return add(...Array.from({ length: n.a.length }, (_, k) => mul(at(n.a, k), at(n.b, k))));
    case 'sum':
      return add(...(get(n.a) as readonly Expr[]));
    case 'index':
      return at(n.a, n.index - 1);
  }
}
