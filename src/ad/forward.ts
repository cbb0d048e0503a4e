/**
 * Forward-mode automatic differentiation with tagged dual numbers.
 *
 * A `Dual` is a + b·ε_k: a primal and a tangent for ONE perturbation ε_k, named by its tag k. The
 * primal and the tangent may themselves be duals of older perturbations, so nesting gives higher
 * derivatives (forward-over-forward: a Hessian entry is ε_i ε_j of a dual of duals). Arithmetic
 * always splits on the newest tag present, which keeps perturbations of different derivatives
 * apart: d/dx [x · d/dy (x + y)] is 1, where untagged duals confuse the two ε and give 2
 * (Siskind & Pearlmutter, "Perturbation confusion and referential transparency", 2005).
 *
 * The arithmetic is the `Algebra` of src/expr/algebra.ts, so the derivative rules of calls come
 * from the one function table: f(a + b ε) = f(a) + f'(a) b ε with f' = the table's rule evaluated
 * over this same algebra (so at a nested level the rule itself is differentiated). A tangent that
 * is the plain number 0 is a structural zero: no dual is built and no term is added, as the
 * symbolic engine drops the terms of arguments that do not depend on the variable.
 */
import type { Algebra } from '../expr/algebra';
import { FisherError } from '../expr/errors';
import { NAMED_CONSTANTS, type Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { qtoNumber, type Rational } from '../expr/rational';
import { oddRootPower } from '../expr/compile';
import { schedule, type Schedule } from './graph';

/**
 * A dual number a + b·ε_tag, with a and b numbers or duals of older tags: what
 * {@link forwardAlgebra} computes with inside {@link derivative}. The tag names the perturbation,
 * so nested derivatives keep theirs apart.
 *
 * @example
 * const A = forwardAlgebra;
 * // Inside derivative, x is a Dual; its tangent is 1.
 * derivative((x) => A.mul(x, x), 3); // → 6
 */
export class Dual {
  /** @internal Made by {@link derivative} and the forward-mode functions. */
  constructor(
    /** The perturbation ε this dual carries, newer tags for inner derivatives. */
    readonly tag: number,
    /** The part free of ε. */
    readonly primal: Num,
    /** The coefficient of ε. */
    readonly tangent: Num,
  ) {}
}

/**
 * A number, or a dual number (possibly nested): the values of {@link forwardAlgebra}. Exported as
 * `DualNum`.
 *
 * @example
 * derivative((x) => forwardAlgebra.call('lgamma', [x]), 3); // → 0.9227843350984671
 */
export type Num = number | Dual;

let lastTag = 0;
/** A fresh perturbation tag, newer than every tag handed out before. */
export const newTag = (): number => ++lastTag;

const tagOf = (a: Num): number => (typeof a === 'number' ? 0 : a.tag);

/** The part of `a` free of ε_tag. */
export const primalOf = (a: Num, tag: number): Num => (typeof a !== 'number' && a.tag === tag ? a.primal : a);

/** The coefficient of ε_tag in `a` (0 if `a` does not depend on it). */
export const tangentOf = (a: Num, tag: number): Num => (typeof a !== 'number' && a.tag === tag ? a.tangent : 0);

/** p + t·ε_tag, or p itself when t is a structural zero. */
export const makeDual = (tag: number, p: Num, t: Num): Num => (t === 0 ? p : new Dual(tag, p, t));

/** The plain number of a value that should hold no perturbation. */
function real(a: Num): number {
  if (typeof a !== 'number') throw new Error('internal: a perturbation escaped its derivative');
  return a;
}

function add(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  const k = Math.max(tagOf(a), tagOf(b));
  return makeDual(k, add(primalOf(a, k), primalOf(b, k)), add(tangentOf(a, k), tangentOf(b, k)));
}

function neg(a: Num): Num {
  if (typeof a === 'number') return -a;
  return new Dual(a.tag, neg(a.primal), neg(a.tangent));
}

const sub = (a: Num, b: Num): Num => add(a, neg(b));

function mul(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const k = Math.max(tagOf(a), tagOf(b));
  const pa = primalOf(a, k);
  const pb = primalOf(b, k);
  const ta = tangentOf(a, k);
  const tb = tangentOf(b, k);
  // (a + a'ε)(b + b'ε) = ab + (a'b + ab')ε, a structural zero adding nothing.
  return makeDual(k, mul(pa, pb), add(ta === 0 ? 0 : mul(ta, pb), tb === 0 ? 0 : mul(pa, tb)));
}

function div(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  const k = Math.max(tagOf(a), tagOf(b));
  const pb = primalOf(b, k);
  const q = div(primalOf(a, k), pb);
  const ta = tangentOf(a, k);
  const tb = tangentOf(b, k);
  // (a/b)' = (a' − (a/b) b') / b
  return makeDual(k, q, tb === 0 ? div(ta, pb) : div(sub(ta, mul(q, tb)), pb));
}

/**
 * a^b with both sides possibly perturbed, by the symbolic engine's rules: a constant exponent
 * gives b a^(b−1) a', a constant base a^b log(a) b', and both add up.
 */
function pow(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') return Math.pow(a, b);
  const k = Math.max(tagOf(a), tagOf(b));
  const pa = primalOf(a, k);
  const pb = primalOf(b, k);
  const ta = tangentOf(a, k);
  const tb = tangentOf(b, k);
  const v = pow(pa, pb);
  const viaBase = ta === 0 ? 0 : mul(mul(pb, pow(pa, sub(pb, 1))), ta);
  const viaExponent = tb === 0 ? 0 : mul(mul(v, call('log', [pa])), tb);
  return makeDual(k, v, add(viaBase, viaExponent));
}

/**
 * a^q for an exact rational exponent, real for a negative base when q's denominator is odd, as
 * `evaluate` does: (-8)^(1/3) = -2, and its derivative q a^(q−1) by the same rule.
 */
function powRational(a: Num, q: Rational): Num {
  const odd = q.d !== 1n && q.d % 2n === 1n;
  if (typeof a === 'number') return oddRootPower(a, qtoNumber(q), odd, q.n % 2n === 0n);
  const pa = a.primal;
  const qm1: Rational = { n: q.n - q.d, d: q.d };
  return new Dual(a.tag, powRational(pa, q), mul(mul(qtoNumber(q), powRational(pa, qm1)), a.tangent));
}

/** f(a + a'ε) = f(a) + Σ_i ∂_i f(a) a_i' ε, with ∂_i f the function table's rule i. */
function call(fn: string, args: readonly Num[]): Num {
  const def = FUNCTIONS.get(fn);
  if (def === undefined) throw new FisherError('unknown-function', `unknown function ${fn}`);
  let k = 0;
  for (const x of args) k = Math.max(k, tagOf(x));
  if (k === 0) return def.eval(...(args as number[]));
  const ps = args.map((x) => primalOf(x, k));
  let t: Num = 0;
  args.forEach((x, i) => {
    const ti = tangentOf(x, k);
    if (ti === 0) return;
    const rule = def.d[i];
    if (rule === null || rule === undefined) {
      throw new FisherError(
        'not-differentiable',
        `${fn} is not differentiable in its argument ${i + 1}, which depends on a differentiation variable (it must be a whole number)`,
      );
    }
    t = add(t, mul(rule(forwardAlgebra, ps), ti));
  });
  return makeDual(k, call(fn, ps), t);
}

/**
 * The algebra of (nested, tagged) dual numbers: the function table's derivative rules evaluate
 * over it, and user code can build functions with it for {@link derivative}. On plain numbers it is
 * ordinary arithmetic (and `call` evaluates a function of the table).
 *
 * @example
 * const A = forwardAlgebra;
 * A.call('digamma', [1]); // → -0.5772156649015329
 * A.pow(A.num(1, 2), 2); // → 0.25
 * derivative((x) => A.call('softplus', [x]), 0); // → 0.5
 */
export const forwardAlgebra: Algebra<Num> = {
  num: (n, d = 1) => n / d,
  constant: (name) => NAMED_CONSTANTS.get(name)!,
  add,
  sub,
  mul,
  div,
  neg,
  pow,
  call,
};

/**
 * The derivative f'(x) of a function of one variable, by a fresh perturbation: safe to nest (each
 * call has its own tag), so higher derivatives and derivatives of functions that themselves take
 * derivatives come out right (no perturbation confusion). Write f with {@link forwardAlgebra}.
 *
 * @example
 * const A = forwardAlgebra;
 * // d/dx [x · d/dy (x + y)] at x = 1 is 1; untagged duals would give 2.
 * derivative((x) => A.mul(x, derivative((y) => A.add(x, y), 1)), 1); // → 1
 * // The second derivative of x³ at 2.
 * derivative((x) => derivative((y) => A.pow(y, A.num(3)), x), 2); // → 12
 */
export function derivative(f: (x: Num) => Num, x: Num): Num {
  const tag = newTag();
  return tangentOf(f(new Dual(tag, x, 1)), tag);
}

/** An expression scheduled once (its nodes in evaluation order), evaluated over dual numbers by a loop. */
class Walk {
  private readonly s: Schedule;
  private readonly v: Num[];
  constructor(e: Expr) {
    this.s = schedule([e]);
    this.v = new Array<Num>(this.s.order.length).fill(0);
  }

  /** The value of the expression with each symbol's value from `leaf`. */
  run(leaf: (name: string) => Num): Num {
    const { order, kidStart, kids } = this.s;
    const v = this.v;
    for (let i = 0; i < order.length; i++) {
      const n = order[i]!;
      const k0 = kidStart[i]!;
      const k1 = kidStart[i + 1]!;
      let r: Num;
      switch (n.kind) {
        case 'num':
          r = qtoNumber(n.value);
          break;
        case 'sym':
          r = leaf(n.name);
          break;
        case 'add':
          r = 0;
          for (let k = k0; k < k1; k++) r = add(r, v[kids[k]!]!);
          break;
        case 'mul':
          r = 1;
          for (let k = k0; k < k1; k++) r = mul(r, v[kids[k]!]!);
          break;
        case 'pow':
          r = n.exp.kind === 'num' ? powRational(v[kids[k0]!]!, n.exp.value) : pow(v[kids[k0]!]!, v[kids[k0 + 1]!]!);
          break;
        case 'call': {
          const args: Num[] = [];
          for (let k = k0; k < k1; k++) args.push(v[kids[k]!]!);
          r = call(n.fn, args);
          break;
        }
      }
      v[i] = r;
    }
    return v[order.length - 1]!;
  }
}

/** The value of a symbol that is not differentiated: env, then pi, e, euler_gamma. */
function fixedValue(env: ReadonlyMap<string, number>, name: string): number {
  const x = env.get(name) ?? NAMED_CONSTANTS.get(name);
  if (x === undefined) throw new FisherError('bad-value', `no value for ${name}`);
  return x;
}

function checkVars(vars: readonly string[]): Map<string, number> {
  const index = new Map(vars.map((v, i) => [v, i]));
  if (index.size !== vars.length) throw new FisherError('duplicate', 'a differentiation variable is listed twice');
  return index;
}

/**
 * The directional derivative ∇e · direction at a point, in one forward pass.
 *
 * @param vars - The variables, in the order of `direction`.
 * @param env - The value of every symbol (the variables' too); pi, e, euler_gamma need none.
 * @throws {@link FisherError} `bad-value` (a symbol without a value, a direction of the wrong
 *   length), `duplicate` (a variable listed twice), `not-differentiable`.
 * @example
 * jvp(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]]), [1, 0]); // → { value: 18, derivative: 12 }
 */
export function jvp(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
  direction: ArrayLike<number>,
): {
  /** The value of e. */
  value: number;
  /** ∇e · direction. */
  derivative: number;
} {
  if (direction.length !== vars.length) throw new FisherError('bad-value', `the direction has ${direction.length} entries for ${vars.length} variables`);
  return jvpWith(new Walk(e), vars, env, direction);
}

function jvpWith(w: Walk, vars: readonly string[], env: ReadonlyMap<string, number>, direction: ArrayLike<number>): { value: number; derivative: number } {
  const index = checkVars(vars);
  const tag = newTag();
  const r = w.run((name) => {
    const i = index.get(name);
    return i === undefined ? fixedValue(env, name) : makeDual(tag, fixedValue(env, name), direction[i]!);
  });
  return { value: real(primalOf(r, tag)), derivative: real(tangentOf(r, tag)) };
}

/**
 * The value and gradient of e with respect to `vars` by forward mode (one pass per variable).
 *
 * @param env - The value of every symbol (the variables' too); pi, e, euler_gamma need none.
 * @throws {@link FisherError} as {@link jvp}.
 * @example
 * gradForward(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]])); // → { value: 18, gradient: [12, 9] }
 * const m = parse('x ~ Gamma(a, b)');
 * gradForward(m.logp, ['a', 'b'], new Map([['x', 1.2], ['a', 2.5], ['b', 1.5]])); // → { value: -0.797537765011576, gradient: [-0.11536997574312421, 0.46666666666666656] }
 */
export function gradForward(
  e: Expr,
  vars: readonly string[],
  env: ReadonlyMap<string, number>,
): {
  /** The value of e. */
  value: number;
  /** ∇e, in the order of `vars`. */
  gradient: Float64Array;
} {
  const w = new Walk(e);
  const gradient = new Float64Array(vars.length);
  const unit = new Float64Array(vars.length);
  let value = vars.length === 0 ? real(w.run((n) => fixedValue(env, n))) : NaN;
  for (let i = 0; i < vars.length; i++) {
    unit.fill(0);
    unit[i] = 1;
    const r = jvpWith(w, vars, env, unit);
    value = r.value;
    gradient[i] = r.derivative;
  }
  return { value, gradient };
}

/**
 * Value, gradient and Hessian of e with respect to `vars` by forward-over-forward: entry (i, j)
 * is the ε_i ε_j coefficient of e at x + ε_i e_i + ε_j e_j (a hyper-dual number built from two
 * tagged duals), one pass per pair i ≤ j.
 *
 * @param env - The value of every symbol (the variables' too); pi, e, euler_gamma need none.
 * @throws {@link FisherError} as {@link jvp}.
 * @example
 * hessianForward(parseExpr('x^2*y'), ['x', 'y'], new Map([['x', 3], ['y', 2]])); // → { value: 18, gradient: [12, 9], hessian: [[4, 6], [6, 0]] }
 */
export function hessianForward(
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
  const index = checkVars(vars);
  const w = new Walk(e);
  const n = vars.length;
  const gradient = new Float64Array(n);
  const hessian = Array.from({ length: n }, () => new Float64Array(n));
  let value = n === 0 ? real(w.run((name) => fixedValue(env, name))) : NaN;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const inner = newTag();
      const outer = newTag();
      const r = w.run((name) => {
        const k = index.get(name);
        const x = fixedValue(env, name);
        if (k === undefined) return x;
        return makeDual(outer, makeDual(inner, x, k === i ? 1 : 0), k === j ? 1 : 0);
      });
      const p = primalOf(r, outer);
      const t = tangentOf(r, outer);
      value = real(primalOf(p, inner));
      if (j === i) gradient[i] = real(tangentOf(p, inner));
      const h = real(tangentOf(t, inner));
      hessian[i]![j] = h;
      hessian[j]![i] = h;
    }
  }
  return { value, gradient, hessian };
}
