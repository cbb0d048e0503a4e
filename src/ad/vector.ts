/**
 * Vector reverse mode over data sets: the log-likelihood Σ_rows log p(row | θ) of a model, its
 * gradient, Hessian-vector products and Hessian, where a vector (a parameter `beta in real[d]`, a
 * covariate `z in real[d]`, `dot`, `sum`, an elementwise map) is ONE entry of the tape. The tape
 * of one observation has as many entries as the model's vector view has nodes, independent of d
 * and of n; each entry does O(d) work in an inner loop.
 *
 * The sweeps are generated code, one function per task (value; value + gradient; gradient +
 * Hessian-vector product by forward-over-reverse; per-row gradients), built from the tape and
 * the function table only: an entry becomes `v12`, `V12[k]`, `th[3 + k]`, `X0[o0 + k]`, a
 * function becomes `f2(...)` with its value, partials and second partials taken from the table
 * (`callKernels`), a number is read from a constant array. No name or text a user wrote reaches
 * the source. The loop over rows is inside the generated function; vector temporaries live in
 * buffers allocated once, so nothing is allocated per row. Entries that depend only on θ are
 * computed once per call, their adjoints summed over the rows and propagated once at the end.
 */
import { oddRootPower } from '../expr/compile';
import { FisherError } from '../expr/errors';
import { qsub, qtoNumber, rat, type Rational } from '../expr/rational';
import type { Model } from '../lang/model';
import { topological, type VNode } from '../lang/vnode';
import { rowInputs, type DataSet, type RowInput } from './dataset';
import { callKernels } from './kernels';

type Op = 'const' | 'param' | 'row' | 'add' | 'mul' | 'pow' | 'call' | 'dot' | 'sum' | 'index';

/** One entry of the tape: a scalar (length 0) or a whole vector. */
export interface Slot {
  readonly id: number;
  readonly op: Op;
  readonly length: number;
  readonly args: readonly Slot[];
  /** call: the function of the table. */
  readonly fn: string;
  /** param: offset in θ; row: number of the row input; index: the 0-based component. */
  readonly at: number;
  /** const: the value (and the exact rational, where it is one). */
  readonly value: number;
  readonly q: Rational | undefined;
  /** Depends on the parameters / on the row's data. */
  readonly p: boolean;
  readonly r: boolean;
}

/**
 * The tape of one observation.
 * @internal
 */
export interface VectorTape {
  readonly slots: readonly Slot[];
  readonly root: Slot;
  /** Parameters in the order of θ (the scalar view's order). */
  readonly params: readonly string[];
  readonly inputs: readonly RowInput[];
}

const broadcast = (xs: readonly Slot[]): number => xs.reduce((l, x) => Math.max(l, x.length), 0);

/** Offsets in θ (the scalar view's parameter order): a scalar parameter's, a vector's first component's. */
export function paramOffsets(m: Model): Map<string, number> {
  const out = new Map(m.params.map((p, i) => [p.name, i]));
  for (const v of m.vectors.values()) if (v.role === 'param') out.set(v.name, out.get(v.components[0]!.name)!);
  return out;
}

/**
 * The tape of a model's vector view: products become binary entries, entries free of θ and of
 * the data are folded to numbers, and log(1 − sigmoid(x)) becomes log(sigmoid(−x)).
 */
export function vectorTape(m: Model): VectorTape {
  const offsets = paramOffsets(m);
  const inputs = rowInputs(m);
  const inputIndex = new Map(inputs.map((inp, j) => [inp.name, j]));
  const slots: Slot[] = [];
  const shared = new Map<string, Slot>();
  const make = (op: Op, args: readonly Slot[], extra: { fn?: string; at?: number; value?: number; q?: Rational; length?: number } = {}): Slot => {
    const key = `${op}|${extra.fn ?? ''}|${extra.at ?? ''}|${extra.value ?? ''}|${args.map((a) => a.id).join(',')}`;
    const hit = shared.get(key);
    if (hit !== undefined) return hit;
    const leaf = op === 'param' || op === 'row';
    let slot: Slot = {
      id: slots.length,
      op,
      length: extra.length ?? (op === 'dot' || op === 'sum' || op === 'index' ? 0 : broadcast(args)),
      args,
      fn: extra.fn ?? '',
      at: extra.at ?? 0,
      value: extra.value ?? NaN,
      q: extra.q,
      p: op === 'param' || (!leaf && args.some((a) => a.p)),
      r: op === 'row' || (!leaf && args.some((a) => a.r)),
    };
    if (op !== 'const' && !slot.p && !slot.r && slot.length === 0) slot = { ...slot, op: 'const', args: [], value: fold(slot), q: undefined };
    slots.push(slot);
    shared.set(key, slot);
    return slot;
  };
  const constant = (value: number, q?: Rational): Slot => make('const', [], { value, ...(q !== undefined ? { q } : {}) });
  const minusOne = (): Slot => constant(-1, rat(-1));
  const neg = (x: Slot): Slot => make('mul', [minusOne(), x]);
  const isConst = (s: Slot, v: number): boolean => s.op === 'const' && s.value === v;
  /**
   * log(a), with log(1 − sigmoid(x)) = log(sigmoid(−x)): the same value without the cancellation
   * of 1 − σ(x) (which is 0 in floating point from x ≈ 37 on), exact until σ underflows (|x| > 745).
   */
  const log = (a: Slot): Slot => {
    if (a.op === 'add' && a.args.length === 2) {
      const [c, t] = isConst(a.args[0]!, 1) ? [a.args[0]!, a.args[1]!] : [a.args[1]!, a.args[0]!];
      if (isConst(c, 1) && t.op === 'mul' && isConst(t.args[0]!, -1) && t.args[1]!.op === 'call' && t.args[1]!.fn === 'sigmoid') {
        return make('call', [make('call', [neg(t.args[1]!.args[0]!)], { fn: 'sigmoid' })], { fn: 'log' });
      }
    }
    return make('call', [a], { fn: 'log' });
  };
  const map = new Map<VNode, Slot>();
  for (const n of topological(m.vectorLogp)) {
    const a = (x: VNode): Slot => map.get(x)!;
    let s: Slot;
    switch (n.kind) {
      case 'const':
        s = constant(n.value, n.expr.kind === 'num' ? n.expr.value : undefined);
        break;
      case 'input':
        if (n.role === 'param') s = make('param', [], { at: offsets.get(n.name)!, length: n.length });
        else if (n.role === 'const') s = constant(m.constants.get(n.name)!.value);
        else s = make('row', [], { at: inputIndex.get(n.name)!, length: n.length });
        break;
      case 'add':
        s = make('add', n.args.map(a));
        break;
      case 'mul':
        s = n.args.map(a).reduce((x, y) => make('mul', [x, y]));
        break;
      case 'pow':
        s = make('pow', [a(n.base), a(n.exp)]);
        break;
      case 'call':
        s = n.fn === 'log' ? log(a(n.args[0]!)) : make('call', n.args.map(a), { fn: n.fn });
        break;
      case 'dot':
        s = make('dot', [a(n.a), a(n.b)]);
        break;
      case 'sum':
        s = make('sum', [a(n.a)]);
        break;
      case 'index':
        s = make('index', [a(n.a)], { at: n.index - 1 });
        break;
    }
    map.set(n, s);
  }
  // Keep only the entries the root reaches (rewrites may have left some behind), in order. A
  // root that is an input gets an entry of its own, so that its adjoint has a place.
  const top = map.get(m.vectorLogp)!;
  const root = top.op === 'param' || top.op === 'row' ? make('add', [top]) : top;
  const reach = new Set<Slot>([root]);
  for (let i = slots.length - 1; i >= 0; i--) if (reach.has(slots[i]!)) for (const x of slots[i]!.args) reach.add(x);
  return { slots: slots.filter((s) => reach.has(s)), root, params: m.params.map((p) => p.name), inputs };
}

/** The value of a scalar entry whose operands are numbers. */
function fold(s: Slot): number {
  const v = s.args.map((a) => a.value);
  switch (s.op) {
    case 'add':
      return v.reduce((x, y) => x + y, 0);
    case 'mul':
      return v[0]! * v[1]!;
    case 'pow': {
      const q = s.args[1]!.q;
      return q !== undefined ? oddRootPower(v[0]!, v[1]!, q.d % 2n === 1n && q.d !== 1n, q.n % 2n === 0n) : Math.pow(v[0]!, v[1]!);
    }
    case 'call':
      return callKernels(s.fn).value(...v);
    default:
      throw new Error(`fold: ${s.op}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Code generation.

interface Mode {
  /** Adjoints: the gradient. */
  readonly reverse: boolean;
  /** Tangents along u, and their adjoints: the Hessian-vector product. */
  readonly tangent: boolean;
  /** The gradient of each row into its own row of g (no hoisting: every θ entry is per row). */
  readonly perRow: boolean;
}

/** A generated sweep: returns Σ_rows log p; writes the gradient to g and H·u to hv (as the mode asks). */
type Sweep = (X: readonly Float64Array[], th: Float64Array, g: Float64Array, u: Float64Array, hv: Float64Array, r0: number, r1: number) => number;

type Fn = (...a: number[]) => number;

class Generator {
  readonly consts: number[] = [];
  private readonly constIndex = new Map<number, number>();
  readonly kernels: Fn[] = [];
  private readonly kernelIndex = new Map<Fn, number>();
  readonly buffers: Float64Array[] = [];
  private readonly bufferIndex = new Map<string, number>();
  readonly usedInputs = new Set<number>();
  private readonly hoisted: (s: Slot) => boolean;

  constructor(
    readonly tape: VectorTape,
    readonly mode: Mode,
  ) {
    this.hoisted = (s) => !s.r && !(mode.perRow && s.p);
  }

  // -- names ------------------------------------------------------------------------------------

  k(x: number): string {
    let i = this.constIndex.get(x);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(x);
      this.constIndex.set(x, i);
    }
    return `k${i}`;
  }

  kernel(f: Fn): string {
    let i = this.kernelIndex.get(f);
    if (i === undefined) {
      i = this.kernels.length;
      this.kernels.push(f);
      this.kernelIndex.set(f, i);
    }
    return `f${i}`;
  }

  buffer(kind: 'V' | 'T' | 'A' | 'B', s: Slot): string {
    const key = `${kind}${s.id}`;
    if (!this.bufferIndex.has(key)) {
      this.bufferIndex.set(key, this.buffers.length);
      this.buffers.push(new Float64Array(s.length));
    }
    return key;
  }

  /** Component k of a slot (a scalar broadcasts): k is the loop variable or a fixed index. */
  val(s: Slot, k: string | number): string {
    switch (s.op) {
      case 'const':
        return this.k(s.value);
      case 'param':
        return s.length === 0 ? `th[${s.at}]` : typeof k === 'number' ? `th[${s.at + k}]` : `th[${s.at} + ${k}]`;
      case 'row':
        this.usedInputs.add(s.at);
        return s.length === 0 ? `x${s.at}` : `X${s.at}[o${s.at} + ${k}]`;
      default:
        return s.length === 0 ? `v${s.id}` : `${this.buffer('V', s)}[${k}]`;
    }
  }

  /** Its tangent along u, or null where it does not depend on θ. */
  tan(s: Slot, k: string | number): string | null {
    if (!s.p || !this.mode.tangent) return null;
    if (s.op === 'param') return s.length === 0 ? `u[${s.at}]` : typeof k === 'number' ? `u[${s.at + k}]` : `u[${s.at} + ${k}]`;
    return s.length === 0 ? `t${s.id}` : `${this.buffer('T', s)}[${k}]`;
  }

  /** Where its adjoint accumulates (a parameter's goes straight into the gradient). */
  adj(s: Slot, k: string | number): string {
    if (s.op === 'param') {
      const base = this.mode.perRow ? `go + ${s.at}` : `${s.at}`;
      return s.length === 0 ? `g[${base}]` : typeof k === 'number' && !this.mode.perRow ? `g[${s.at + k}]` : `g[${base} + ${k}]`;
    }
    return s.length === 0 ? `a${s.id}` : `${this.buffer('A', s)}[${k}]`;
  }

  /** Where the tangent of its adjoint accumulates (a parameter's goes into H·u). */
  tadj(s: Slot, k: string | number): string {
    if (s.op === 'param') return s.length === 0 ? `hv[${s.at}]` : typeof k === 'number' ? `hv[${s.at + k}]` : `hv[${s.at} + ${k}]`;
    return s.length === 0 ? `b${s.id}` : `${this.buffer('B', s)}[${k}]`;
  }

  // -- local derivatives --------------------------------------------------------------------------

  /** b^q for a known exponent, as code. */
  power(b: string, q: number, qr: Rational | undefined): string {
    if (q === 0) return this.k(1);
    if (q === 1) return b;
    if (q === 2) return `(${b} * ${b})`;
    if (q === 3) return `(${b} * ${b} * ${b})`;
    if (q === -1) return `(1 / ${b})`;
    if (q === -2) return `(1 / (${b} * ${b}))`;
    if (q === 0.5) return `Math.sqrt(${b})`;
    if (qr !== undefined && qr.d % 2n === 1n && qr.d !== 1n) return `R(${b}, ${this.k(q)}, true, ${qr.n % 2n === 0n})`;
    return `Math.pow(${b}, ${this.k(q)})`;
  }

  /** The value of an elementwise slot at component k. */
  elementValue(s: Slot, k: string): string {
    const v = s.args.map((a) => this.val(a, k));
    switch (s.op) {
      case 'add':
        return v.join(' + ');
      case 'mul':
        return `${v[0]} * ${v[1]}`;
      case 'pow': {
        const e = s.args[1]!;
        return e.op === 'const' ? this.power(v[0]!, e.value, e.q) : `Math.pow(${v[0]}, ${v[1]})`;
      }
      case 'call':
        return `${this.kernel(callKernels(s.fn).value)}(${v.join(', ')})`;
      default:
        throw new Error(`elementValue: ${s.op}`);
    }
  }

  /**
   * ∂s/∂(operand i) at component k, and (in tangent mode) its tangent Σ_j ∂²s/∂i∂j · ṫ_j; null
   * for an operand that does not depend on θ.
   */
  partial(s: Slot, i: number, k: string): { c: string; dc: string | null } | null {
    const a = s.args[i]!;
    if (!a.p) return null;
    const v = s.args.map((x) => this.val(x, k));
    const t = s.args.map((x) => this.tan(x, k));
    const sumTerms = (terms: Array<string | null>): string | null => {
      const ts = terms.filter((x): x is string => x !== null);
      return ts.length === 0 ? null : ts.join(' + ');
    };
    switch (s.op) {
      case 'add':
        return { c: '', dc: null };
      case 'mul': {
        const o = 1 - i;
        return { c: v[o]!, dc: t[o]! };
      }
      case 'pow': {
        const [b, e] = [v[0]!, v[1]!];
        const ex = s.args[1]!;
        if (ex.op === 'const') {
          // d/db b^q = q b^(q−1); d²/db² = q (q − 1) b^(q−2)
          const q = ex.value;
          const q1 = ex.q === undefined ? undefined : qsub(ex.q, rat(1));
          const q2 = ex.q === undefined ? undefined : qsub(ex.q, rat(2));
          const c = `${this.k(q)} * ${this.power(b, q1 === undefined ? q - 1 : qtoNumber(q1), q1)}`;
          const dc = t[0] === null ? null : `${this.k(q * (q - 1))} * ${this.power(b, q2 === undefined ? q - 2 : qtoNumber(q2), q2)} * ${t[0]}`;
          return { c, dc };
        }
        // d/db = e b^(e−1), d/de = b^e log b; d²/db² = e(e−1) b^(e−2), d²/dbde = b^(e−1)(1 + e log b), d²/de² = b^e (log b)²
        const cross = `Math.pow(${b}, ${e} - 1) * (1 + ${e} * Math.log(${b}))`;
        if (i === 0) {
          return { c: `${e} * Math.pow(${b}, ${e} - 1)`, dc: sumTerms([t[0] === null ? null : `${e} * (${e} - 1) * Math.pow(${b}, ${e} - 2) * ${t[0]}`, t[1] === null ? null : `${cross} * ${t[1]}`]) };
        }
        return { c: `Math.pow(${b}, ${e}) * Math.log(${b})`, dc: sumTerms([t[0] === null ? null : `${cross} * ${t[0]}`, t[1] === null ? null : `Math.pow(${b}, ${e}) * Math.log(${b}) * Math.log(${b}) * ${t[1]}`]) };
      }
      case 'call': {
        const ker = callKernels(s.fn);
        const d = ker.d[i];
        if (d === null || d === undefined) throw new FisherError('not-differentiable', `${s.fn} is not differentiable in its argument ${i + 1}`);
        const args = v.join(', ');
        const dc = sumTerms(t.map((tj, j) => (tj === null ? null : `${this.kernel(ker.d2[i]![j]!)}(${args}) * ${tj}`)));
        return { c: `${this.kernel(d)}(${args})`, dc };
      }
      default:
        throw new Error(`partial: ${s.op}`);
    }
  }

  // -- emission -----------------------------------------------------------------------------------

  /** Lines computing a slot's value (and tangent). */
  forward(s: Slot): string[] {
    const tangent = this.mode.tangent && s.p;
    const L = s.length;
    switch (s.op) {
      case 'const':
      case 'param':
      case 'row':
        return [];
      case 'dot':
      case 'sum': {
        const [a, b] = s.args as [Slot, Slot | undefined];
        const term = b === undefined ? this.val(a, 'k') : `${this.val(a, 'k')} * ${this.val(b, 'k')}`;
        const lines = [`let v${s.id} = 0;`];
        const body = [`v${s.id} += ${term};`];
        if (tangent) {
          lines.push(`let t${s.id} = 0;`);
          const ta = this.tan(a, 'k');
          const tb = b === undefined ? null : this.tan(b, 'k');
          const parts = b === undefined ? [ta] : [ta === null ? null : `${ta} * ${this.val(b, 'k')}`, tb === null ? null : `${this.val(a, 'k')} * ${tb}`];
          body.push(`t${s.id} += ${parts.filter((x) => x !== null).join(' + ')};`);
        }
        return [...lines, `for (let k = 0; k < ${s.args[0]!.length}; k++) { ${body.join(' ')} }`];
      }
      case 'index': {
        const a = s.args[0]!;
        const lines = [`const v${s.id} = ${this.val(a, s.at)};`];
        if (tangent) lines.push(`const t${s.id} = ${this.tan(a, s.at)};`);
        return lines;
      }
      default: {
        const k = L === 0 ? '0' : 'k';
        const value = this.elementValue(s, k);
        let tv: string | null = null;
        if (tangent) {
          const terms = s.args.map((a, i) => {
            const ta = this.tan(a, k);
            if (ta === null) return null;
            const p = this.partial(s, i, k)!;
            return p.c === '' ? ta : `${p.c} * ${ta}`;
          });
          tv = terms.filter((x) => x !== null).join(' + ');
        }
        if (L === 0) return [`const v${s.id} = ${value};`, ...(tv !== null ? [`const t${s.id} = ${tv};`] : [])];
        const body = [`${this.val(s, 'k')} = ${value};`, ...(tv !== null ? [`${this.tan(s, 'k')} = ${tv};`] : [])];
        return [`for (let k = 0; k < ${L}; k++) { ${body.join(' ')} }`];
      }
    }
  }

  /** Declarations of a slot's adjoint (and its tangent), zero. */
  zero(s: Slot): string[] {
    if (s.op === 'param' || !s.p) return [];
    const lines: string[] = [];
    const kinds: Array<'A' | 'B'> = this.mode.tangent ? ['A', 'B'] : ['A'];
    for (const kind of kinds) {
      if (s.length === 0) lines.push(`let ${kind === 'A' ? 'a' : 'b'}${s.id} = 0;`);
      else lines.push(`${this.buffer(kind, s)}.fill(0);`);
    }
    return lines;
  }

  /** Lines passing a slot's adjoint (and its tangent) to its operands. */
  backward(s: Slot): string[] {
    if (!s.p || s.op === 'param' || s.op === 'const' || s.op === 'row') return [];
    const tangent = this.mode.tangent;
    const L = s.length;
    switch (s.op) {
      case 'dot':
      case 'sum':
      case 'index': {
        const as = this.adj(s, 0);
        const bs = tangent ? this.tadj(s, 0) : null;
        const lines: string[] = [];
        s.args.forEach((a, i) => {
          if (!a.p) return;
          const k: string | number = s.op === 'index' ? s.at : 'k';
          const other = s.op === 'dot' ? s.args[1 - i]! : undefined;
          const c = other === undefined ? '' : ` * ${this.val(other, k)}`;
          const body = [`${this.adj(a, k)} += ${as}${c};`];
          if (bs !== null) {
            const to = other === undefined ? null : this.tan(other, k);
            body.push(`${this.tadj(a, k)} += ${bs}${c}${to === null ? '' : ` + ${as} * ${to}`};`);
          }
          lines.push(s.op === 'index' ? body.join(' ') : `for (let k = 0; k < ${a.length}; k++) { ${body.join(' ')} }`);
        });
        return lines;
      }
      default: {
        const k = L === 0 ? '0' : 'k';
        const as = this.adj(s, k);
        const bs = tangent ? this.tadj(s, k) : null;
        const body: string[] = [];
        s.args.forEach((a, i) => {
          const p = this.partial(s, i, k);
          if (p === null) return;
          const ka = a.length === 0 ? 0 : k;
          body.push(`${this.adj(a, ka)} += ${as}${p.c === '' ? '' : ` * ${p.c}`};`);
          if (bs !== null) body.push(`${this.tadj(a, ka)} += ${bs}${p.c === '' ? '' : ` * ${p.c}`}${p.dc === null ? '' : ` + ${as} * (${p.dc})`};`);
        });
        if (body.length === 0) return [];
        return L === 0 ? body : [`for (let k = 0; k < ${L}; k++) { ${body.join(' ')} }`];
      }
    }
  }

  /** The source of the sweep. */
  source(): string {
    const { slots, root, inputs } = this.tape;
    const { reverse, perRow } = this.mode;
    const P = this.tape.params.length;
    const pre = slots.filter((s) => this.hoisted(s));
    const row = slots.filter((s) => !this.hoisted(s));
    const body: string[] = [];
    body.push(...pre.flatMap((s) => this.forward(s)));
    if (reverse) body.push(...pre.flatMap((s) => this.zero(s)));
    body.push('let total = 0;');
    const loop: string[] = [];
    if (perRow) loop.push(`const go = (r - r0) * ${P};`, `for (let k = 0; k < ${P}; k++) g[go + k] = 0;`);
    loop.push(...row.flatMap((s) => this.forward(s)));
    if (!this.hoisted(root)) loop.push(`total += ${this.val(root, 0)};`);
    if (reverse && !this.hoisted(root) && root.p) {
      loop.push(...row.flatMap((s) => this.zero(s)));
      loop.push(`${this.adj(root, 0)} = 1;`);
      for (let i = row.length - 1; i >= 0; i--) loop.push(...this.backward(row[i]!));
    }
    const reads = [...this.usedInputs].sort((a, b) => a - b).map((j) => (inputs[j]!.length === 0 ? `const x${j} = X${j}[r];` : `const o${j} = r * ${inputs[j]!.length};`));
    body.push('for (let r = r0; r < r1; r++) {', ...reads, ...loop, '}');
    if (this.hoisted(root)) {
      body.push(`total = (r1 - r0) * ${this.val(root, 0)};`);
      if (reverse && root.p) body.push(`${this.adj(root, 0)} += r1 - r0;`);
    }
    if (reverse) for (let i = pre.length - 1; i >= 0; i--) body.push(...this.backward(pre[i]!));
    body.push('return total;');
    // Declarations last: the code above registered the constants, kernels, buffers and inputs it reads.
    const decls = [
      ...this.consts.map((_, i) => `const k${i} = K[${i}];`),
      ...this.kernels.map((_, i) => `const f${i} = F[${i}];`),
      ...[...this.bufferIndex].map(([name, i]) => `const ${name} = BUF[${i}];`),
      ...[...this.usedInputs].sort((a, b) => a - b).map((j) => `const X${j} = X[${j}];`),
    ];
    return `return function sweep(X, th, g, u, hv, r0, r1) {\n${[...decls, ...body].join('\n')}\n};`;
  }
}

function generate(tape: VectorTape, mode: Mode): { sweep: Sweep; source: string } {
  const gen = new Generator(tape, mode);
  const source = gen.source();
  // The source holds only numbered locals, indices and operators; values come in through K, F, BUF.
  const sweep = new Function('K', 'F', 'BUF', 'R', source)(Float64Array.from(gen.consts), gen.kernels, gen.buffers, oddRootPower) as Sweep;
  return { sweep, source };
}

// ---------------------------------------------------------------------------------------------
// The engine.

/**
 * The log-likelihood of a data set and its gradient in θ (see {@link VectorEngine.gradient}).
 *
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * vectorEngine(m).gradient(dataSet(m, { x: [0, 2] }), [1, 1]); // → { value: -2.8378770664093453, gradient: [0, 0] }
 */
export interface GradientResult {
  /** Σ_rows log p. */
  readonly value: number;
  /** Σ_rows ∇ log p, in the order of θ. */
  readonly gradient: Float64Array;
}

/**
 * The vector reverse mode for one model (get one by {@link vectorEngine}): the log-density is
 * recorded once as a tape in which a vector (`dot(z, beta)`, `sum`, elementwise maps) is one
 * entry, and a generated sweep over the rows of a {@link DataSet} computes the log-likelihood, its
 * gradient, Hessian-vector products and per-row gradients, allocating nothing per row. θ is in the
 * order of `model.params` (a vector's components in order).
 *
 * @example
 * const m = parse('const d = 2; given z in real[d]; param beta in real[d]; y ~ Poisson(exp(dot(z, beta)))');
 * const e = vectorEngine(m);
 * const data = dataSet(m, { y: [2, 0, 1], z: [1, 0.5, 1, -1, 1, 0] });
 * [e.params, e.size]; // → [['beta[1]', 'beta[2]'], 12]
 * e.value(data, [0.1, 0.2]); // → -3.4245582748317225
 * e.hessian(data, [0.1, 0.2]).hessian; // → [[-3.2314110942717775, 0.2941360389558745], [0.2941360389558745, -1.210188107576002]]
 * const rows = new Float64Array(6);
 * e.rowGradients(data, [0.1, 0.2], rows);
 * rows; // → [0.77859724183983, 0.389298620919915, -0.9048374180359595, 0.9048374180359595, -0.1051709180756477, 0]
 */
export class VectorEngine {
  /** @internal */
  readonly tape: VectorTape;
  private readonly sweeps = new Map<Mode, { sweep: Sweep; source: string }>();
  private readonly empty = new Float64Array(0);
  private readonly checked = new WeakMap<DataSet, Float64Array[]>();

  /** @internal Use {@link vectorEngine}, which keeps one engine per model. */
  constructor(
    /** The model. */
    readonly model: Model,
  ) {
    this.tape = vectorTape(model);
  }

  /** Parameters in the order of θ. */
  get params(): readonly string[] {
    return this.tape.params;
  }

  /** Entries of the tape of one observation (independent of the vectors' lengths and of n). */
  get size(): number {
    return this.tape.slots.length;
  }

  private get(mode: Mode): { sweep: Sweep; source: string } {
    let s = this.sweeps.get(mode);
    if (s === undefined) {
      s = generate(this.tape, mode);
      this.sweeps.set(mode, s);
    }
    return s;
  }

  /** The generated source of a sweep (for inspection: it holds no name from the model). */
  source(task: 'value' | 'gradient' | 'hvp' | 'rows'): string {
    return this.get(MODES[task]).source;
  }

  /** The data set's columns in the order of the tape's row inputs (checked once per data set). */
  private columns(data: DataSet): Float64Array[] {
    const hit = this.checked.get(data);
    if (hit !== undefined) return hit;
    const want = this.tape.inputs;
    if (data.inputs.length !== want.length || data.inputs.some((inp, j) => inp.name !== want[j]!.name || inp.length !== want[j]!.length)) {
      throw new FisherError('bad-value', `the data set holds ${data.inputs.map((i) => i.name).join(', ') || 'nothing'}, the model needs ${want.map((i) => i.name).join(', ') || 'nothing'}`);
    }
    const cols = want.map((inp) => data.columns.get(inp.name)!);
    this.checked.set(data, cols);
    return cols;
  }

  private theta(theta: ArrayLike<number>): Float64Array {
    const P = this.tape.params.length;
    if (theta.length !== P) throw new FisherError('bad-value', `θ has ${theta.length} entries, the model has ${P} parameters`);
    return theta instanceof Float64Array ? theta : Float64Array.from(theta);
  }

  /**
   * Σ_rows log p(row | θ).
   *
   * @throws {@link FisherError} `bad-value` for θ of the wrong length or a data set of another model.
   * @example
   * const m = parse('x ~ Normal(mu, 1)');
   * vectorEngine(m).value(dataSet(m, { x: [0, 2] }), [1]); // → -2.8378770664093453
   * -(1 + Math.log(2 * Math.PI)); // → -2.8378770664093453
   */
  value(data: DataSet, theta: ArrayLike<number>): number {
    return this.get(MODES.value).sweep(this.columns(data), this.theta(theta), this.empty, this.empty, this.empty, 0, data.rows);
  }

  /**
   * Σ_rows log p and its gradient in θ, by one forward and one reverse sweep per row.
   *
   * @param out - Where to write the gradient (a new array by default).
   */
  gradient(data: DataSet, theta: ArrayLike<number>, out?: Float64Array): GradientResult {
    const g = out ?? new Float64Array(this.tape.params.length);
    g.fill(0);
    const value = this.get(MODES.gradient).sweep(this.columns(data), this.theta(theta), g, this.empty, this.empty, 0, data.rows);
    return { value, gradient: g };
  }

  /**
   * Σ_rows ∇² log p · v, by forward-over-reverse (without forming the Hessian); also the gradient.
   *
   * @param v - The direction, in the order of θ.
   * @param out - Where to write the product (a new array by default).
   */
  hvp(
    data: DataSet,
    theta: ArrayLike<number>,
    v: ArrayLike<number>,
    out?: Float64Array,
  ): {
    /** Σ_rows log p. */
    value: number;
    /** Σ_rows ∇ log p. */
    gradient: Float64Array;
    /** Σ_rows ∇² log p · v. */
    hvp: Float64Array;
  } {
    const P = this.tape.params.length;
    if (v.length !== P) throw new FisherError('bad-value', `the direction has ${v.length} entries, the model has ${P} parameters`);
    const g = new Float64Array(P);
    const hv = out ?? new Float64Array(P);
    hv.fill(0);
    const u = v instanceof Float64Array ? v : Float64Array.from(v);
    const value = this.get(MODES.hvp).sweep(this.columns(data), this.theta(theta), g, u, hv, 0, data.rows);
    return { value, gradient: g, hvp: hv };
  }

  /** Σ_rows ∇² log p, one Hessian-vector product per parameter. */
  hessian(
    data: DataSet,
    theta: ArrayLike<number>,
  ): {
    /** Σ_rows log p. */
    value: number;
    /** Σ_rows ∇ log p. */
    gradient: Float64Array;
    /** Σ_rows ∇² log p, by rows (exactly symmetric). */
    hessian: Float64Array[];
  } {
    const P = this.tape.params.length;
    const e = new Float64Array(P);
    const hessian: Float64Array[] = [];
    let value = NaN;
    let gradient: Float64Array = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      e.fill(0);
      e[i] = 1;
      const r = this.hvp(data, theta, e);
      hessian.push(r.hvp);
      value = r.value;
      gradient = r.gradient;
    }
    if (P === 0) value = this.value(data, theta);
    // Symmetrise the rounding: H_ij and H_ji come from different sweeps.
    for (let i = 0; i < P; i++) for (let j = i + 1; j < P; j++) hessian[i]![j] = hessian[j]![i] = (hessian[i]![j]! + hessian[j]![i]!) / 2;
    return { value, gradient, hessian };
  }

  /**
   * The gradient of each row r in start ≤ r < end, into out[(r − start)·P + j]; returns the sum
   * of the rows' log p.
   */
  rowGradients(data: DataSet, theta: ArrayLike<number>, out: Float64Array, start = 0, end = data.rows): number {
    const P = this.tape.params.length;
    if (!(start >= 0 && end <= data.rows && start <= end) || out.length < (end - start) * P) throw new FisherError('bad-value', `rowGradients: rows ${start}..${end} do not fit`);
    return this.get(MODES.rows).sweep(this.columns(data), this.theta(theta), out, this.empty, this.empty, start, end);
  }
}

const MODES: Record<'value' | 'gradient' | 'hvp' | 'rows', Mode> = {
  value: { reverse: false, tangent: false, perRow: false },
  gradient: { reverse: true, tangent: false, perRow: false },
  hvp: { reverse: true, tangent: true, perRow: false },
  rows: { reverse: true, tangent: false, perRow: true },
};

const engines = new WeakMap<Model, VectorEngine>();

/**
 * The vector reverse-mode engine of a model (built once per model, then kept).
 *
 * @throws {@link FisherError} `too-large` for a tape past its budget.
 * @example
 * const m = parse('const d = 3; given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))');
 * const data = dataSet(m, { y: [1, 0], z: [0.5, 1, -1, 2, 0, 1] });
 * // Σ_i (y_i − σ(z_i·β)) z_i:
 * vectorEngine(m).gradient(data, [0.1, 0.2, 0.3]).gradient; // → [-0.9886699641616036, 0.5124973964842103, -1.1349567276860646]
 * vectorEngine(m) === vectorEngine(m); // → true
 */
export function vectorEngine(m: Model): VectorEngine {
  let e = engines.get(m);
  if (e === undefined) {
    e = new VectorEngine(m);
    engines.set(m, e);
  }
  return e;
}

/**
 * θ in the engine's order (the order of `model.params`) from values by name: scalar parameters
 * and components (`beta[2]`).
 *
 * @throws {@link FisherError} `bad-option` naming the parameters without a value.
 * @example
 * const m = parse('const d = 2; given z in real[d]; param beta in real[d]; param s in positive; y ~ Normal(dot(z, beta), s)');
 * paramVector(m, new Map([['s', 2], ['beta[1]', 0.5], ['beta[2]', -1]])); // → [0.5, -1, 2]
 * paramVector(m, new Map([['s', 2]])); // → throws FisherError (bad-option): no value for the parameters beta[1], beta[2]
 */
export function paramVector(m: Model, at: ReadonlyMap<string, number>): Float64Array {
  const missing = m.params.filter((p) => !at.has(p.name)).map((p) => p.name);
  if (missing.length > 0) throw new FisherError('bad-option', `no value for the parameter${missing.length > 1 ? 's' : ''} ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''}`);
  return Float64Array.from(m.params, (p) => at.get(p.name)!);
}
