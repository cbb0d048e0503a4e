/**
 * Reverse-mode automatic differentiation on a flat tape.
 *
 * `Tape.record` walks the (interned) expression DAG once, without recursion, and lays it out in
 * typed arrays: one slot per distinct node (a shared subexpression is recorded once), and for
 * every operation its opcode, its argument slots and its constants. A sum of 10^6 terms is ONE
 * instruction with 10^6 arguments, not a chain. The tape is then reused for any number of points:
 *
 *   forward(x)   values of every slot                      (one loop, forwards)
 *   vjp(w)       wᵀ J, the gradient for w = [1]            (one loop, backwards)
 *   jvp(v)       J v                                        (tangent loop, forwards)
 *   hvp(v)       Σ_k w_k ∇²f_k · v, forward-over-reverse    (tangent loop, then a backward loop
 *                on (adjoint, adjoint tangent) pairs: H v without forming H)
 *
 * Every sweep is a `for` loop over typed arrays into buffers allocated once by `record`; the
 * returned arrays are those buffers (copy them to keep a result past the next call).
 *
 * Local derivatives follow the symbolic engine (src/expr/diff.ts): a sum passes its adjoint on,
 * a product by the product rule (prefix and suffix products, exact with zero factors), a power
 * with a constant rational exponent q by q b^(q−1) (real odd roots of negative bases as in
 * `evaluate`), a general power b^e by e b^(e−1) through the base and b^e log b through the
 * exponent, each only where that side depends on the variables, and a call by the function
 * table's rules, compiled once per function (src/ad/kernels.ts). An operand that does not depend
 * on the differentiation variables is inactive: no adjoint flows into it (a structural zero).
 */
import { FisherError } from '../expr/errors';
import { NAMED_CONSTANTS, type Expr } from '../expr/expr';
import { oddRootPower } from '../expr/compile';
import { qtoNumber } from '../expr/rational';
import { schedule } from './graph';
import { callKernels, type CallKernels } from './kernels';

const ADD = 0;
const MUL = 1;
/** b^q, q an exact rational constant. */
const POWQ = 2;
/** b^e, e not a number. */
const POW = 3;
const CALL = 4;

const ODD_ROOT = 1;
const EVEN_NUMERATOR = 2;

type Fn = (...a: number[]) => number;

/**
 * Options of {@link Tape.record}.
 *
 * @example
 * const t = Tape.record([parseExpr('x*log(lam) - lam')], ['lam', 'x'], { wrt: ['lam'] });
 * t.forward([2, 3]);
 * t.vjp([1]); // → [0.5]
 */
export interface TapeOptions {
  /** The variables to differentiate, a subset of the inputs (default: all inputs). */
  readonly wrt?: readonly string[];
  /** Values of the symbols that are not inputs (pi, e, euler_gamma need none). */
  readonly constants?: ReadonlyMap<string, number>;
}

function unique(names: readonly string[], what: string): Map<string, number> {
  const m = new Map(names.map((n, i) => [n, i]));
  if (m.size !== names.length) throw new FisherError('duplicate', `${what} lists a symbol twice`);
  return m;
}

/**
 * Reverse-mode automatic differentiation on a flat tape: expressions recorded once (made by
 * {@link Tape.record}) into typed arrays, one slot per distinct node (a shared subexpression once,
 * a sum of 10^6 terms one instruction), then swept by loops for any number of points: `forward`
 * (values), `vjp` (wᵀJ: the gradient), `jvp` (J v), `hvp` (H v by forward-over-reverse, without
 * forming H). The sweeps allocate nothing: the arrays they return are the tape's buffers, reused
 * by the next call (copy one to keep it).
 *
 * @example
 * const m = parse('x ~ Gamma(a, b)');
 * const tape = Tape.record([m.logp], ['a', 'b', 'x'], { wrt: ['a', 'b'] });
 * [tape.inputs, tape.wrt, tape.outputs]; // → [['a', 'b', 'x'], ['a', 'b'], 1]
 * tape.forward([2.5, 1.5, 2]); // → [-1.2312993293625902]
 * tape.vjp([1]); // → [0.39545564802286637, -0.3333333333333335]
 * tape.hvp([1, 0]); // → [-0.49035775610023485, 0.6666666666666666]
 * tape.hessian(); // → [[-0.49035775610023485, 0.6666666666666666], [0.6666666666666666, -1.1111111111111112]]
 * tape.forward([2.5, 1.5, 0.5]);
 * tape.vjp([1]); // → [-0.9908387130970241, 1.1666666666666665]
 */
export class Tape {
  /** Values of every slot, after `forward`. */
  private readonly val: Float64Array;
  private readonly adj: Float64Array;
  private readonly dot: Float64Array;
  private readonly adjDot: Float64Array;
  private readonly outBuf: Float64Array;
  private readonly outDot: Float64Array;
  private readonly grad: Float64Array;
  private readonly hv: Float64Array;
  /** Prefix products (and their tangents) of a product's factors. */
  private readonly pre: Float64Array;
  private readonly preDot: Float64Array;
  private readonly callArgs: number[];
  private evaluated = false;

  private constructor(
    /** Symbols read from `x`, in order. */
    readonly inputs: readonly string[],
    /** Differentiation variables, in the order of gradients. */
    readonly wrt: readonly string[],
    /** Number of slots (distinct nodes). */
    readonly size: number,
    private readonly constVal: Float64Array,
    private readonly inputSlot: Int32Array,
    private readonly wrtSlot: Int32Array,
    private readonly outSlot: Int32Array,
    private readonly active: Uint8Array,
    private readonly dst: Int32Array,
    private readonly op: Uint8Array,
    private readonly argStart: Int32Array,
    private readonly args: Int32Array,
    private readonly q: Float64Array,
    private readonly qFlags: Uint8Array,
    private readonly kern: Int32Array,
    private readonly fns: readonly CallKernels[],
    maxArity: number,
  ) {
    this.val = Float64Array.from(constVal);
    this.adj = new Float64Array(size);
    this.dot = new Float64Array(size);
    this.adjDot = new Float64Array(size);
    this.outBuf = new Float64Array(outSlot.length);
    this.outDot = new Float64Array(outSlot.length);
    this.grad = new Float64Array(wrt.length);
    this.hv = new Float64Array(wrt.length);
    this.pre = new Float64Array(maxArity + 1);
    this.preDot = new Float64Array(maxArity + 1);
    this.callArgs = new Array<number>(maxArity).fill(0);
  }

  /**
   * Records expressions over the given inputs. Symbols that are not inputs take their values from
   * `options.constants` (or are pi, e, euler_gamma); any other symbol is an error.
   *
   * @param es - The expressions (the outputs).
   * @param inputs - The symbols read from `x` by `forward`, in order.
   * @throws {@link FisherError} `duplicate` (a symbol listed twice), `bad-value` (a variable that is
   *   not an input, a symbol without a value), `unknown-function`, `not-differentiable`.
   * @example
   * const t = Tape.record([parseExpr('x^2*y'), parseExpr('x + y')], ['x', 'y']);
   * t.forward([3, 2]); // → [18, 5]
   * t.vjp([1, 0]); // → [12, 9]
   * t.jvp([0, 1]); // → [9, 1]
   */
  static record(es: readonly Expr[], inputs: readonly string[], options: TapeOptions = {}): Tape {
    const inputIndex = unique(inputs, 'the inputs');
    const wrt = options.wrt ?? inputs;
    const wrtIndex = unique(wrt, 'the differentiation variables');
    for (const w of wrt) if (!inputIndex.has(w)) throw new FisherError('bad-value', `the variable ${w} is not an input of the tape`);
    const { order, index: slot, kidStart, kids } = schedule(es);
    const size = order.length;
    const constVal = new Float64Array(size);
    const inputSlot = new Int32Array(inputs.length).fill(-1);
    const wrtSlot = new Int32Array(wrt.length).fill(-1);
    const active = new Uint8Array(size);
    let instructions = 0;
    let argCount = 0;
    for (let k = 0; k < size; k++) {
      const n = order[k]!;
      if (n.kind === 'num' || n.kind === 'sym') continue;
      instructions++;
      // A power with a numeric exponent keeps the exponent as a constant of the instruction.
      argCount += n.kind === 'pow' && n.exp.kind === 'num' ? 1 : kidStart[k + 1]! - kidStart[k]!;
    }
    const dst = new Int32Array(instructions);
    const op = new Uint8Array(instructions);
    const argStart = new Int32Array(instructions + 1);
    const args = new Int32Array(argCount);
    const q = new Float64Array(instructions);
    const qFlags = new Uint8Array(instructions);
    const kern = new Int32Array(instructions).fill(-1);
    const fns: CallKernels[] = [];
    const fnIndex = new Map<string, number>();
    let maxArity = 2;
    let i = 0;
    let a = 0;
    /** Append the k-th child of node s as an argument of instruction i. */
    const push = (s: number, k: number): void => {
      const c = kids[kidStart[s]! + k]!;
      args[a++] = c;
      if (active[c] === 1) active[s] = 1;
    };
    for (let s = 0; s < size; s++) {
      const n = order[s]!;
      if (n.kind === 'num') {
        constVal[s] = qtoNumber(n.value);
        continue;
      }
      if (n.kind === 'sym') {
        const k = inputIndex.get(n.name);
        if (k !== undefined) {
          inputSlot[k] = s;
          const w = wrtIndex.get(n.name);
          if (w !== undefined) {
            wrtSlot[w] = s;
            active[s] = 1;
          }
          continue;
        }
        const c = options.constants?.get(n.name) ?? NAMED_CONSTANTS.get(n.name);
        if (c === undefined) throw new FisherError('bad-value', `no value for ${n.name}`);
        constVal[s] = c;
        continue;
      }
      const arity = kidStart[s + 1]! - kidStart[s]!;
      dst[i] = s;
      argStart[i] = a;
      switch (n.kind) {
        case 'add':
          op[i] = ADD;
          for (let k = 0; k < arity; k++) push(s, k);
          break;
        case 'mul':
          op[i] = MUL;
          for (let k = 0; k < arity; k++) push(s, k);
          maxArity = Math.max(maxArity, arity);
          break;
        case 'pow':
          push(s, 0);
          if (n.exp.kind === 'num') {
            const r = n.exp.value;
            op[i] = POWQ;
            q[i] = qtoNumber(r);
            qFlags[i] = (r.d !== 1n && r.d % 2n === 1n ? ODD_ROOT : 0) | (r.n % 2n === 0n ? EVEN_NUMERATOR : 0);
          } else {
            op[i] = POW;
            push(s, 1);
          }
          break;
        case 'call': {
          op[i] = CALL;
          let f = fnIndex.get(n.fn);
          if (f === undefined) {
            f = fns.length;
            fns.push(callKernels(n.fn));
            fnIndex.set(n.fn, f);
          }
          kern[i] = f;
          for (let k = 0; k < arity; k++) {
            if (active[kids[kidStart[s]! + k]!] === 1 && fns[f]!.d[k] === null) {
              throw new FisherError(
                'not-differentiable',
                `${n.fn} is not differentiable in its argument ${k + 1}, which depends on a differentiation variable (it must be a whole number)`,
              );
            }
            push(s, k);
          }
          maxArity = Math.max(maxArity, arity);
          break;
        }
      }
      i++;
    }
    argStart[instructions] = a;
    const outSlot = Int32Array.from(es, (e) => slot.get(e)!);
    return new Tape(inputs, wrt, size, constVal, inputSlot, wrtSlot, outSlot, active, dst, op, argStart, args, q, qFlags, kern, fns, maxArity);
  }

  /** Number of recorded expressions. */
  get outputs(): number {
    return this.outSlot.length;
  }

  /** f(argument values of instruction i). */
  private apply(f: Fn, a0: number, a1: number): number {
    const { val, args } = this;
    if (a1 - a0 === 1) return f(val[args[a0]!]!);
    if (a1 - a0 === 2) return f(val[args[a0]!]!, val[args[a0 + 1]!]!);
    const xs = this.callArgs;
    xs.length = a1 - a0;
    for (let j = a0; j < a1; j++) xs[j - a0] = val[args[j]!]!;
    return f.apply(null, xs);
  }

  /**
   * Evaluate every slot at the inputs x (in the order of `inputs`); returns the outputs' values
   * (a buffer reused by the next call).
   */
  forward(x: ArrayLike<number>): Float64Array {
    if (x.length !== this.inputs.length) throw new FisherError('bad-value', `expected ${this.inputs.length} input values, got ${x.length}`);
    const { val, dst, op, argStart, args, q, qFlags, kern, fns, inputSlot, outSlot } = this;
    for (let k = 0; k < inputSlot.length; k++) if (inputSlot[k]! >= 0) val[inputSlot[k]!] = x[k]!;
    const m = dst.length;
    for (let i = 0; i < m; i++) {
      const a0 = argStart[i]!;
      const a1 = argStart[i + 1]!;
      let r: number;
      switch (op[i]) {
        case ADD:
          r = 0;
          for (let j = a0; j < a1; j++) r += val[args[j]!]!;
          break;
        case MUL:
          r = 1;
          for (let j = a0; j < a1; j++) r *= val[args[j]!]!;
          break;
        case POWQ:
          r = oddRootPower(val[args[a0]!]!, q[i]!, (qFlags[i]! & ODD_ROOT) !== 0, (qFlags[i]! & EVEN_NUMERATOR) !== 0);
          break;
        case POW:
          r = Math.pow(val[args[a0]!]!, val[args[a0 + 1]!]!);
          break;
        default:
          r = this.apply(fns[kern[i]!]!.value, a0, a1);
      }
      val[dst[i]!] = r;
    }
    for (let k = 0; k < outSlot.length; k++) this.outBuf[k] = val[outSlot[k]!]!;
    this.evaluated = true;
    return this.outBuf;
  }

  private ready(): void {
    if (!this.evaluated) throw new Error('Tape: call forward(x) before a derivative sweep');
  }

  /** q b^(q−1) for the power instruction i (odd roots kept real: q − 1 flips the numerator's parity). */
  private powq1(i: number, b: number): number {
    const qi = this.q[i]!;
    const odd = (this.qFlags[i]! & ODD_ROOT) !== 0;
    const even = (this.qFlags[i]! & EVEN_NUMERATOR) !== 0;
    return qi * oddRootPower(b, qi - 1, odd, odd ? !even : even);
  }

  /** q (q−1) b^(q−2) for the power instruction i. */
  private powq2(i: number, b: number): number {
    const qi = this.q[i]!;
    return qi * (qi - 1) * oddRootPower(b, qi - 2, (this.qFlags[i]! & ODD_ROOT) !== 0, (this.qFlags[i]! & EVEN_NUMERATOR) !== 0);
  }

  /** Tangent sweep: dot = J v over every slot (v over the differentiation variables). */
  private tangents(v: ArrayLike<number>): void {
    if (v.length !== this.wrt.length) throw new FisherError('bad-value', `expected a direction of ${this.wrt.length} entries, got ${v.length}`);
    const { val, dot, active, dst, op, argStart, args, kern, fns, wrtSlot } = this;
    dot.fill(0);
    for (let k = 0; k < wrtSlot.length; k++) if (wrtSlot[k]! >= 0) dot[wrtSlot[k]!]! += v[k]!;
    const m = dst.length;
    for (let i = 0; i < m; i++) {
      const s = dst[i]!;
      if (active[s] === 0) continue;
      const a0 = argStart[i]!;
      const a1 = argStart[i + 1]!;
      let t = 0;
      switch (op[i]) {
        case ADD:
          for (let j = a0; j < a1; j++) t += dot[args[j]!]!;
          break;
        case MUL: {
          // Σ_j ḟ_j Π_{k≠j} f_k, by prefix products and a running suffix.
          let pre = 1;
          for (let j = a0; j < a1; j++) {
            t = t * val[args[j]!]! + pre * dot[args[j]!]!;
            pre *= val[args[j]!]!;
          }
          break;
        }
        case POWQ: {
          const b = args[a0]!;
          t = this.powq1(i, val[b]!) * dot[b]!;
          break;
        }
        case POW: {
          const b = args[a0]!;
          const e = args[a0 + 1]!;
          if (active[b] === 1) t += val[e]! * Math.pow(val[b]!, val[e]! - 1) * dot[b]!;
          if (active[e] === 1) t += val[s]! * Math.log(val[b]!) * dot[e]!;
          break;
        }
        default: {
          const d = fns[kern[i]!]!.d;
          for (let j = a0; j < a1; j++) if (active[args[j]!] === 1) t += this.apply(d[j - a0]!, a0, a1) * dot[args[j]!]!;
        }
      }
      dot[s] = t;
    }
  }

  /**
   * Jacobian-vector product: the directional derivatives of the outputs along v (over `wrt`),
   * after `forward`. Returns a buffer reused by the next call.
   */
  jvp(v: ArrayLike<number>): Float64Array {
    this.ready();
    this.tangents(v);
    for (let k = 0; k < this.outSlot.length; k++) this.outDot[k] = this.dot[this.outSlot[k]!]!;
    return this.outDot;
  }

  private seed(cotangent: ArrayLike<number>): void {
    if (cotangent.length !== this.outSlot.length) throw new FisherError('bad-value', `expected ${this.outSlot.length} cotangent entries, got ${cotangent.length}`);
    this.adj.fill(0);
    for (let k = 0; k < this.outSlot.length; k++) if (this.active[this.outSlot[k]!] === 1) this.adj[this.outSlot[k]!]! += cotangent[k]!;
  }

  /**
   * Vector-Jacobian product wᵀ J over the differentiation variables, after `forward`: with one
   * output and w = [1], the gradient. Returns a buffer reused by the next call.
   */
  vjp(cotangent: ArrayLike<number>): Float64Array {
    this.ready();
    this.seed(cotangent);
    const { val, adj, active, dst, op, argStart, args, kern, fns, pre } = this;
    for (let i = dst.length - 1; i >= 0; i--) {
      const s = dst[i]!;
      if (active[s] === 0) continue;
      const g = adj[s]!;
      const a0 = argStart[i]!;
      const a1 = argStart[i + 1]!;
      switch (op[i]) {
        case ADD:
          for (let j = a0; j < a1; j++) if (active[args[j]!] === 1) adj[args[j]!]! += g;
          break;
        case MUL: {
          pre[0] = 1;
          for (let j = a0; j < a1; j++) pre[j - a0 + 1] = pre[j - a0]! * val[args[j]!]!;
          let suf = 1;
          for (let j = a1 - 1; j >= a0; j--) {
            const x = args[j]!;
            if (active[x] === 1) adj[x]! += g * pre[j - a0]! * suf;
            suf *= val[x]!;
          }
          break;
        }
        case POWQ: {
          const b = args[a0]!;
          adj[b]! += g * this.powq1(i, val[b]!);
          break;
        }
        case POW: {
          const b = args[a0]!;
          const e = args[a0 + 1]!;
          if (active[b] === 1) adj[b]! += g * val[e]! * Math.pow(val[b]!, val[e]! - 1);
          if (active[e] === 1) adj[e]! += g * val[s]! * Math.log(val[b]!);
          break;
        }
        default: {
          const d = fns[kern[i]!]!.d;
          for (let j = a0; j < a1; j++) if (active[args[j]!] === 1) adj[args[j]!]! += g * this.apply(d[j - a0]!, a0, a1);
        }
      }
    }
    for (let k = 0; k < this.wrtSlot.length; k++) this.grad[k] = this.wrtSlot[k]! >= 0 ? adj[this.wrtSlot[k]!]! : 0;
    return this.grad;
  }

  /**
   * Hessian-vector product (Σ_k w_k ∇²f_k) v by forward-over-reverse, after `forward`, without
   * forming the Hessian: a tangent sweep along v, then a reverse sweep on adjoints and their
   * tangents. The cotangent w defaults to [1] for one output. Returns a buffer reused by the next
   * call; `gradient` then holds wᵀ J as well.
   */
  hvp(v: ArrayLike<number>, cotangent: ArrayLike<number> = [1]): Float64Array {
    this.ready();
    this.tangents(v);
    this.seed(cotangent);
    const { val, dot, adj, adjDot, active, dst, op, argStart, args, kern, fns, pre, preDot } = this;
    adjDot.fill(0);
    for (let i = dst.length - 1; i >= 0; i--) {
      const s = dst[i]!;
      if (active[s] === 0) continue;
      const g = adj[s]!;
      const gd = adjDot[s]!;
      const a0 = argStart[i]!;
      const a1 = argStart[i + 1]!;
      switch (op[i]) {
        case ADD:
          for (let j = a0; j < a1; j++) {
            const x = args[j]!;
            if (active[x] === 1) {
              adj[x]! += g;
              adjDot[x]! += gd;
            }
          }
          break;
        case MUL: {
          // ∂/∂f_j = P_j S_j (prefix and suffix products of the others), its tangent P'_j S_j + P_j S'_j.
          pre[0] = 1;
          preDot[0] = 0;
          for (let j = a0; j < a1; j++) {
            const x = args[j]!;
            const r = j - a0;
            pre[r + 1] = pre[r]! * val[x]!;
            preDot[r + 1] = preDot[r]! * val[x]! + pre[r]! * dot[x]!;
          }
          let suf = 1;
          let sufDot = 0;
          for (let j = a1 - 1; j >= a0; j--) {
            const x = args[j]!;
            const r = j - a0;
            if (active[x] === 1) {
              const p = pre[r]! * suf;
              const pd = preDot[r]! * suf + pre[r]! * sufDot;
              adj[x]! += g * p;
              adjDot[x]! += gd * p + g * pd;
            }
            sufDot = sufDot * val[x]! + suf * dot[x]!;
            suf *= val[x]!;
          }
          break;
        }
        case POWQ: {
          const b = args[a0]!;
          const p = this.powq1(i, val[b]!);
          adj[b]! += g * p;
          adjDot[b]! += gd * p + g * this.powq2(i, val[b]!) * dot[b]!;
          break;
        }
        case POW: {
          // f = b^e: f_b = e b^(e−1), f_e = b^e log b, f_bb = e (e−1) b^(e−2),
          // f_be = b^(e−1) (1 + e log b), f_ee = b^e log² b; only the active sides enter.
          const b = args[a0]!;
          const e = args[a0 + 1]!;
          const bv = val[b]!;
          const ev = val[e]!;
          const bActive = active[b] === 1;
          const eActive = active[e] === 1;
          const log = eActive ? Math.log(bv) : 0;
          const fbe = bActive && eActive ? Math.pow(bv, ev - 1) * (1 + ev * log) : 0;
          if (bActive) {
            const p = ev * Math.pow(bv, ev - 1);
            let pd = ev * (ev - 1) * Math.pow(bv, ev - 2) * dot[b]!;
            if (eActive) pd += fbe * dot[e]!;
            adj[b]! += g * p;
            adjDot[b]! += gd * p + g * pd;
          }
          if (eActive) {
            const p = val[s]! * log;
            let pd = p * log * dot[e]!;
            if (bActive) pd += fbe * dot[b]!;
            adj[e]! += g * p;
            adjDot[e]! += gd * p + g * pd;
          }
          break;
        }
        default: {
          const k = fns[kern[i]!]!;
          for (let j = a0; j < a1; j++) {
            const x = args[j]!;
            if (active[x] === 0) continue;
            const p = this.apply(k.d[j - a0]!, a0, a1);
            let pd = 0;
            const row = k.d2[j - a0]!;
            for (let l = a0; l < a1; l++) if (active[args[l]!] === 1) pd += this.apply(row[l - a0]!, a0, a1) * dot[args[l]!]!;
            adj[x]! += g * p;
            adjDot[x]! += gd * p + g * pd;
          }
        }
      }
    }
    for (let k = 0; k < this.wrtSlot.length; k++) {
      const s = this.wrtSlot[k]!;
      this.grad[k] = s >= 0 ? adj[s]! : 0;
      this.hv[k] = s >= 0 ? adjDot[s]! : 0;
    }
    return this.hv;
  }

  /** The gradient of the last `vjp` or `hvp` (a buffer reused by the next call). */
  get gradient(): Float64Array {
    return this.grad;
  }

  /**
   * The Hessian Σ_k w_k ∇²f_k over `wrt` at the last `forward` point, one `hvp` per row, made
   * exactly symmetric by averaging with its transpose. Allocates its result.
   */
  hessian(cotangent: ArrayLike<number> = [1]): Float64Array[] {
    const n = this.wrt.length;
    const h = Array.from({ length: n }, () => new Float64Array(n));
    const unit = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      unit.fill(0);
      unit[i] = 1;
      h[i]!.set(this.hvp(unit, cotangent));
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const m = (h[i]![j]! + h[j]![i]!) / 2;
        h[i]![j] = m;
        h[j]![i] = m;
      }
    }
    return h;
  }
}

/** A tape of `es` over `vars`, evaluated at the values of `env` (which holds every symbol's value), and the outputs' values. */
function tapeAt(es: readonly Expr[], vars: readonly string[], env: ReadonlyMap<string, number>): [Tape, Float64Array] {
  const tape = Tape.record(es, vars, { constants: env });
  const x = vars.map((v) => {
    const value = env.get(v);
    if (value === undefined) throw new FisherError('bad-value', `no value for ${v}`);
    return value;
  });
  return [tape, Float64Array.from(tape.forward(x))];
}

/**
 * The value and gradient of e with respect to `vars` by reverse mode (one backward sweep).
 *
 * @param env - The value of every symbol (the variables' too); pi, e, euler_gamma need none.
 * @throws {@link FisherError} as {@link Tape.record}.
 * @example
 * gradReverse(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]])); // → { value: 18, gradient: [12, 9] }
 */
export function gradReverse(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
): {
  /** The value of e. */
  value: number;
  /** ∇e, in the order of `vars`. */
  gradient: Float64Array;
} {
  const [tape, out] = tapeAt([e], vars, env);
  return { value: out[0]!, gradient: Float64Array.from(tape.vjp([1])) };
}

/**
 * The vector-Jacobian product wᵀ J of several expressions with respect to `vars` (one backward
 * sweep for all of them).
 *
 * @param env - The value of every symbol (the variables' too).
 * @param cotangent - w, one entry per expression.
 * @throws {@link FisherError} as {@link Tape.record}; `bad-value` for a cotangent of the wrong length.
 * @example
 * vjp([parseExpr('x*y'), parseExpr('x + y')], ['x', 'y'], new Map([['x', 3], ['y', 2]]), [1, 10]); // → [12, 13]
 */
export function vjp(es: readonly Expr[], vars: readonly string[], env: ReadonlyMap<string, number>, cotangent: ArrayLike<number>): Float64Array {
  return Float64Array.from(tapeAt(es, vars, env)[0].vjp(cotangent));
}

/**
 * Value, gradient and Hessian of e with respect to `vars` by forward-over-reverse (one
 * Hessian-vector product per variable on one tape).
 *
 * @param env - The value of every symbol (the variables' too).
 * @throws {@link FisherError} as {@link Tape.record}.
 * @example
 * hessianReverse(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]])); // → { value: 18, gradient: [12, 9], hessian: [[4, 6], [6, 0]] }
 */
export function hessianReverse(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
): {
  /** The value of e. */
  value: number;
  /** ∇e, in the order of `vars`. */
  gradient: Float64Array;
  /** ∇²e, by rows. */
  hessian: Float64Array[];
} {
  const [tape, out] = tapeAt([e], vars, env);
  const gradient = Float64Array.from(tape.vjp([1]));
  return { value: out[0]!, gradient, hessian: tape.hessian() };
}

/**
 * The Hessian-vector product ∇²e · v with respect to `vars`, by forward-over-reverse without
 * forming the Hessian.
 *
 * @param env - The value of every symbol (the variables' too).
 * @param v - The direction, in the order of `vars`.
 * @throws {@link FisherError} as {@link Tape.record}; `bad-value` for a direction of the wrong length.
 * @example
 * hvp(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]]), [1, 0]); // → [4, 6]
 */
export function hvp(e: Expr, vars: readonly string[], env: ReadonlyMap<string, number>, v: ArrayLike<number>): Float64Array {
  return Float64Array.from(tapeAt([e], vars, env)[0].hvp(v));
}
