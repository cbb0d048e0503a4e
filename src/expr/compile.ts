/**
 * Compiled evaluation: a list of expressions becomes one JavaScript function over a Float64Array
 * of variable values, with common subexpressions computed once. The source is generated from the
 * tree alone: a symbol becomes `v[i]` (its name never appears), a number becomes a numeric
 * literal, a function becomes `F[i](...)` with F the function table's kernels passed in as a
 * closure. No text a user typed can reach the generated code.
 *
 * Subexpressions that depend only on `invariant` symbols (the parameters, fixed during a Monte
 * Carlo run) are hoisted into `prepare`, which fills a cache once; `run` then evaluates the rest.
 */
import { NAMED_CONSTANTS, children, type Expr } from './expr';
import { FUNCTIONS } from './functions';
import { qtoNumber } from './rational';

export interface Compiled {
  /** Symbol names in the order of `v`. */
  readonly names: readonly string[];
  /** Fill the cache of invariant subexpressions from v (call when an invariant symbol changes). */
  readonly prepare: (v: Float64Array) => void;
  /** Evaluate every expression into out, reading v and the prepared cache. */
  readonly run: (v: Float64Array, out: Float64Array) => void;
}

const literal = (x: number): string => {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  const s = String(x);
  // String(number) yields only digits, '.', 'e', '+', '-': safe inside generated source.
  if (!/^-?[\d.]+(e[+-]?\d+)?$/.test(s)) throw new Error(`unexpected numeric literal ${s}`);
  return x < 0 ? `(${s})` : s;
};

/**
 * Compile expressions over the given symbol order.
 * @example
 * const c = compile([parseExpr('(x - mu)^2')], ['x', 'mu'], ['mu']);
 * const v = new Float64Array([3, 1]); const out = new Float64Array(1);
 * c.prepare(v); c.run(v, out); // out[0] === 4
 */
export function compile(exprs: readonly Expr[], names: readonly string[], invariant: readonly string[] = []): Compiled {
  const index = new Map(names.map((n, i) => [n, i]));
  const inv = new Set(invariant);
  const kernels: Array<(...a: number[]) => number> = [];
  const kernelIndex = new Map<string, number>();
  const kernel = (fn: string): number => {
    let k = kernelIndex.get(fn);
    if (k === undefined) {
      const def = FUNCTIONS.get(fn);
      if (def === undefined) throw new Error(`no kernel for ${fn}`);
      k = kernels.length;
      kernels.push(def.eval);
      kernelIndex.set(fn, k);
    }
    return k;
  };

  // Count uses so that shared subtrees get a temporary; decide which nodes are invariant.
  const uses = new Map<Expr, number>();
  const isInvariant = new Map<Expr, boolean>();
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const stack: Array<[Expr, boolean]> = exprs.map((e) => [e, false]);
  for (const e of exprs) uses.set(e, (uses.get(e) ?? 0) + 1);
  while (stack.length > 0) {
    const [n, expanded] = stack.pop()!;
    if (expanded) {
      const kids = children(n);
      const invariantHere =
        n.kind === 'num' ||
        (n.kind === 'sym' ? inv.has(n.name) || (NAMED_CONSTANTS.has(n.name) && !index.has(n.name)) : kids.every((k) => isInvariant.get(k)));
      isInvariant.set(n, invariantHere);
      order.push(n);
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push([n, true]);
    for (const k of children(n)) {
      uses.set(k, (uses.get(k) ?? 0) + 1);
      if (!seen.has(k)) stack.push([k, false]);
    }
  }

  const prepareLines: string[] = [];
  const runLines: string[] = [];
  const name = new Map<Expr, string>();
  let cacheSize = 0;
  let temps = 0;
  const ref = (n: Expr): string => name.get(n) ?? code(n);
  const code = (n: Expr): string => {
    switch (n.kind) {
      case 'num':
        return literal(qtoNumber(n.value));
      case 'sym': {
        const i = index.get(n.name);
        if (i !== undefined) return `v[${i}]`;
        const c = NAMED_CONSTANTS.get(n.name);
        if (c !== undefined) return literal(c);
        throw new Error(`no value for ${n.name}`);
      }
      case 'add':
        return `(${n.terms.map(ref).join(' + ')})`;
      case 'mul':
        return `(${n.factors.map(ref).join(' * ')})`;
      case 'pow': {
        const ex = n.exp;
        if (ex.kind === 'num' && ex.value.d === 1n && ex.value.n === 2n) return `(${ref(n.base)} * ${ref(n.base)})`;
        if (ex.kind === 'num' && ex.value.d === 1n && ex.value.n === -1n) return `(1 / ${ref(n.base)})`;
        if (ex.kind === 'num' && ex.value.d === 2n && ex.value.n === 1n) return `Math.sqrt(${ref(n.base)})`;
        if (ex.kind === 'num' && ex.value.d !== 1n && ex.value.d % 2n === 1n) return `R(${ref(n.base)}, ${literal(qtoNumber(ex.value))}, ${ex.value.n % 2n === 0n ? 1 : 0})`;
        return `Math.pow(${ref(n.base)}, ${ref(ex)})`;
      }
      case 'call':
        return `F[${kernel(n.fn)}](${n.args.map(ref).join(', ')})`;
    }
  };
  for (const n of order) {
    if (n.kind === 'num' || n.kind === 'sym') continue;
    const shared = (uses.get(n) ?? 0) > 1;
    if (isInvariant.get(n)) {
      // Invariant nodes are computed once in prepare; the largest ones are what run reads.
      const slot = cacheSize++;
      prepareLines.push(`c[${slot}] = ${code(n)};`);
      name.set(n, `c[${slot}]`);
    } else if (shared) {
      const t = `t${temps++}`;
      runLines.push(`const ${t} = ${code(n)};`);
      name.set(n, t);
    }
  }
  exprs.forEach((e, i) => runLines.push(`out[${i}] = ${ref(e)};`));
  const cache = new Float64Array(Math.max(1, cacheSize));
  // R: a real power with an odd root, defined for negative bases as evaluate() does.
  const R = (b: number, q: number, even: number): number => {
    if (b >= 0) return Math.pow(b, q);
    const r = Math.pow(-b, q);
    return even ? r : -r;
  };
  const prepare = new Function('F', 'R', 'c', `return function prepare(v) {\n${prepareLines.join('\n')}\n};`)(kernels, R, cache) as (v: Float64Array) => void;
  const run = new Function('F', 'R', 'c', `return function run(v, out) {\n${runLines.join('\n')}\n};`)(kernels, R, cache) as (v: Float64Array, out: Float64Array) => void;
  return { names, prepare, run };
}
