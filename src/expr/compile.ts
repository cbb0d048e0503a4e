/**
 * Compiled evaluation: a list of expressions becomes one JavaScript function, with common
 * subexpressions computed once. The source is generated from the tree alone: a symbol becomes a
 * numbered local or an indexed read (`v[3]`, `x0`, `p1`; its name never appears), a number becomes
 * a numeric literal, a function becomes `F[i](...)` with F the function table's kernels passed in
 * as a closure. No text a user typed can reach the generated code.
 *
 * Three shapes share one code generator (`lower`):
 * - `compile`: one point at a time over a Float64Array of variable values; subexpressions that
 *   depend only on `invariant` symbols (the parameters of a Monte Carlo run) are hoisted into
 *   `prepare`, which fills a cache once; `run` then evaluates the rest.
 * - `compileColumns`: a whole data set at once, the loop over rows generated inside the function,
 *   reading Float64Array columns and writing Float64Array outputs (or sums), with no allocation
 *   per row; invariant subexpressions are computed once per call, before the loop.
 * - `compileFunction`: one expression as a plain function of positional numbers, `(a0, a1) => …`
 *   (the automatic-differentiation tape uses it for the partial derivatives of the function table).
 */
import { FisherError } from './errors';
import { NAMED_CONSTANTS, children, type Expr } from './expr';
import { FUNCTIONS } from './functions';
import { qtoNumber } from './rational';

type Kernel = (...a: number[]) => number;

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
 * b^q for a rational q = n/d, real for a negative base when d is odd (as `evaluate` does):
 * (-8)^(1/3) = -2, (-8)^(2/3) = 4. `odd` says d is odd and not 1; `evenNumerator` that n is even.
 * @example oddRootPower(-8, 1 / 3, true, false) // -2
 */
export function oddRootPower(b: number, q: number, odd: boolean, evenNumerator: boolean): number {
  if (!odd || b >= 0) return Math.pow(b, q);
  const r = Math.pow(-b, q);
  return evenNumerator ? r : -r;
}

/** Integer exponents up to this size are written as products (x^3 → x*x*x, x^-2 → 1/(x*x)). */
const MAX_UNROLLED_POWER = 4;

const smallIntegerPower = (e: Expr): number | undefined => {
  if (e.kind !== 'pow' || e.exp.kind !== 'num' || e.exp.value.d !== 1n) return undefined;
  const n = Number(e.exp.value.n);
  return Math.abs(n) <= MAX_UNROLLED_POWER && n !== 0 && n !== 1 ? n : undefined;
};

/** How a generated function reads symbols and keeps its hoisted (invariant) values. */
interface Target {
  /** Code reading a symbol's value, or undefined when the symbol is not an input. */
  readonly symbol: (name: string) => string | undefined;
  /** Symbols that stay fixed while the generated function runs over many points. */
  readonly invariant: (name: string) => boolean;
  /** The name under which the k-th hoisted value is stored, and the line that stores it. */
  readonly hoistName: (k: number) => string;
  readonly hoistLine: (name: string, code: string) => string;
}

/** Straight-line code for a list of expressions. */
interface Lowered {
  /** Lines computing the invariant subexpressions (once, before the per-point code). */
  readonly hoisted: string[];
  /** Lines computing the shared per-point subexpressions into `const t<k>` temporaries. */
  readonly body: string[];
  /** The code of each expression's value. */
  readonly results: string[];
  /** The kernels referenced as F[i]. */
  readonly kernels: Kernel[];
  /** Symbols read by the per-point code or by the hoisted code. */
  readonly used: Set<string>;
}

/** Topological order of the distinct nodes, use counts, and which nodes are invariant. */
function plan(exprs: readonly Expr[], target: Target): { order: Expr[]; uses: Map<Expr, number>; invariant: Set<Expr> } {
  const uses = new Map<Expr, number>();
  const invariant = new Set<Expr>();
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const stack: Array<[Expr, boolean]> = exprs.map((e) => [e, false]);
  const use = (n: Expr, k = 1): void => void uses.set(n, (uses.get(n) ?? 0) + k);
  for (const e of exprs) use(e);
  while (stack.length > 0) {
    const [n, expanded] = stack.pop()!;
    const kids = children(n);
    if (expanded) {
      const inv =
        n.kind === 'num' ||
        (n.kind === 'sym' ? target.invariant(n.name) : kids.every((k) => invariant.has(k)));
      if (inv) invariant.add(n);
      order.push(n);
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push([n, true]);
    // An unrolled power reads its base several times: give the base a name.
    const p = smallIntegerPower(n);
    for (const k of kids) {
      use(k, p !== undefined && n.kind === 'pow' && k === n.base ? Math.abs(p) : 1);
      if (!seen.has(k)) stack.push([k, false]);
    }
  }
  return { order, uses, invariant };
}

/** Lower expressions to straight-line code for a target; see `Lowered`. */
function lower(exprs: readonly Expr[], target: Target): Lowered {
  const { order, uses, invariant } = plan(exprs, target);
  const kernels: Kernel[] = [];
  const kernelIndex = new Map<string, number>();
  const used = new Set<string>();
  const kernel = (fn: string): number => {
    let k = kernelIndex.get(fn);
    if (k === undefined) {
      const def = FUNCTIONS.get(fn);
      if (def === undefined) throw new FisherError('unknown-function', `unknown function ${fn}`);
      k = kernels.length;
      kernels.push(def.eval);
      kernelIndex.set(fn, k);
    }
    return k;
  };
  const name = new Map<Expr, string>();
  const ref = (n: Expr): string => name.get(n) ?? code(n);
  const product = (fs: readonly Expr[]): string => fs.map(ref).join(' * ');
  const code = (n: Expr): string => {
    switch (n.kind) {
      case 'num':
        return literal(qtoNumber(n.value));
      case 'sym': {
        const s = target.symbol(n.name);
        if (s !== undefined) {
          used.add(n.name);
          return s;
        }
        const c = NAMED_CONSTANTS.get(n.name);
        if (c !== undefined) return literal(c);
        throw new FisherError('bad-value', `no value for ${n.name}`);
      }
      case 'add': {
        // a + (-c)*b is written a - c*b (the same number, one multiplication fewer), positive terms first.
        const negated = (t: Expr): string | undefined => {
          if (t.kind !== 'mul' || name.has(t) || t.factors[0]!.kind !== 'num' || t.factors[0]!.value.n >= 0n) return undefined;
          const c = -qtoNumber(t.factors[0]!.value);
          const rest = product(t.factors.slice(1));
          return c === 1 ? rest : `${literal(c)} * ${rest}`;
        };
        const plus: string[] = [];
        const minus: string[] = [];
        for (const t of n.terms) {
          const m = negated(t);
          if (m === undefined) plus.push(ref(t));
          else minus.push(m);
        }
        const head = plus.length > 0 ? plus.join(' + ') : `-${minus.shift()!}`;
        return `(${[head, ...minus].join(' - ')})`;
      }
      case 'mul': {
        const f0 = n.factors[0]!;
        if (f0.kind === 'num' && f0.value.n === -1n && f0.value.d === 1n) return `(-${product(n.factors.slice(1))})`;
        return `(${product(n.factors)})`;
      }
      case 'pow': {
        const ex = n.exp;
        const b = ref(n.base);
        const k = smallIntegerPower(n);
        if (k !== undefined) {
          const p = Array.from({ length: Math.abs(k) }, () => b).join(' * ');
          return k > 0 ? `(${p})` : `(1 / (${p}))`;
        }
        if (ex.kind === 'num' && ex.value.d === 1n && ex.value.n === -1n) return `(1 / ${b})`;
        if (ex.kind === 'num' && ex.value.d === 2n && ex.value.n === 1n) return `Math.sqrt(${b})`;
        if (ex.kind === 'num' && ex.value.d === 2n && ex.value.n === -1n) return `(1 / Math.sqrt(${b}))`;
        if (ex.kind === 'num' && ex.value.d !== 1n && ex.value.d % 2n === 1n) {
          return `R(${b}, ${literal(qtoNumber(ex.value))}, true, ${ex.value.n % 2n === 0n})`;
        }
        return `Math.pow(${b}, ${ref(ex)})`;
      }
      case 'call':
        return `F[${kernel(n.fn)}](${n.args.map(ref).join(', ')})`;
    }
  };
  const hoisted: string[] = [];
  const body: string[] = [];
  let temps = 0;
  for (const n of order) {
    if (n.kind === 'num' || n.kind === 'sym') continue;
    if (invariant.has(n)) {
      // Every invariant node is computed once, before the per-point code reads it.
      const h = target.hoistName(hoisted.length);
      hoisted.push(target.hoistLine(h, code(n)));
      name.set(n, h);
    } else if ((uses.get(n) ?? 0) > 1) {
      const t = `t${temps++}`;
      body.push(`const ${t} = ${code(n)};`);
      name.set(n, t);
    }
  }
  const results = exprs.map(ref);
  return { hoisted, body, results, kernels, used };
}

/**
 * Build a generated function. Its only free names are F (the kernels), R (odd-root powers) and
 * c (a cache of hoisted values, for `compile`).
 */
function build<T>(source: string, kernels: readonly Kernel[], cache?: Float64Array): T {
  return new Function('F', 'R', 'c', `"use strict";\n${source}`)(kernels, oddRootPower, cache) as T;
}

function checkNames(names: readonly string[], invariant: readonly string[]): void {
  const set = new Set(names);
  if (set.size !== names.length) throw new FisherError('duplicate', 'a symbol is listed twice in the compiled names');
  for (const n of invariant) {
    if (!set.has(n)) throw new FisherError('bad-value', `the invariant symbol ${n} is not one of the compiled names`);
  }
}

/**
 * Expressions compiled for evaluation one point at a time: `prepare` computes the subexpressions of
 * the invariant symbols, `run` the rest. See {@link compile}.
 *
 * @example
 * const c = compile([parseExpr('x*log(lam) - lam')], ['x', 'lam'], ['lam']);
 * c.names; // → ['x', 'lam']
 */
export interface Compiled {
  /** Symbol names in the order of `v`. */
  readonly names: readonly string[];
  /** Fill the cache of invariant subexpressions from v (call when an invariant symbol changes). */
  readonly prepare: (v: Float64Array) => void;
  /** Evaluate every expression into out, reading v and the prepared cache. */
  readonly run: (v: Float64Array, out: Float64Array) => void;
  /** The generated source (for inspection: it holds no symbol name). */
  readonly source: string;
}

/**
 * Compiles expressions into one generated JavaScript function over the symbols in the order of
 * `names`, for fast evaluation at many points. Subexpressions shared between the expressions are
 * computed once; those of the `invariant` symbols once per `prepare`. The generated code names
 * symbols by position only (`v[0]`), so no user text reaches it.
 *
 * @param exprs - The expressions to evaluate together.
 * @param names - Every symbol the expressions use, in the order of the input vector `v`.
 * @param invariant - The symbols that change rarely (parameters, while data vary).
 * @throws {@link FisherError} `duplicate` (a name listed twice), `bad-value` (an invariant symbol
 *   not among the names, or a symbol of the expressions missing from them), `unknown-function`.
 * @example
 * const c = compile([parseExpr('(x - mu)^2'), parseExpr('log(sigma)')], ['x', 'mu', 'sigma'], ['mu', 'sigma']);
 * const v = new Float64Array([3, 1, 2]);
 * const out = new Float64Array(2);
 * c.prepare(v);
 * c.run(v, out);
 * out; // → [4, 0.6931471805599453]
 */
export function compile(exprs: readonly Expr[], names: readonly string[], invariant: readonly string[] = []): Compiled {
  checkNames(names, invariant);
  const index = new Map(names.map((n, i) => [n, i]));
  const inv = new Set(invariant);
  const low = lower(exprs, {
    symbol: (n) => (index.has(n) ? `v[${index.get(n)!}]` : undefined),
    invariant: (n) => inv.has(n) || (NAMED_CONSTANTS.has(n) && !index.has(n)),
    hoistName: (k) => `c[${k}]`,
    hoistLine: (h, code) => `${h} = ${code};`,
  });
  const cache = new Float64Array(Math.max(1, low.hoisted.length));
  const prepareSource = `return function prepare(v) {\n${low.hoisted.join('\n')}\n};`;
  const runLines = [...low.body, ...low.results.map((r, i) => `out[${i}] = ${r};`)];
  const runSource = `return function run(v, out) {\n${runLines.join('\n')}\n};`;
  // Both functions close over the same cache of hoisted values.
  const prepare = build<(v: Float64Array) => void>(prepareSource, low.kernels, cache);
  const run = build<(v: Float64Array, out: Float64Array) => void>(runSource, low.kernels, cache);
  return { names, prepare, run, source: `${prepareSource}\n${runSource}` };
}

/**
 * Compile one expression as a function of positional arguments, in the order of `names`.
 * Subexpressions free of every name (constants such as log(2*pi)) are computed once, here.
 * @example compileFunction(parseExpr('x*y + 1'), ['x', 'y'])(2, 3) // 7
 */
export function compileFunction(e: Expr, names: readonly string[]): Kernel {
  checkNames(names, []);
  const index = new Map(names.map((n, i) => [n, i]));
  const low = lower([e], {
    symbol: (n) => (index.has(n) ? `a${index.get(n)!}` : undefined),
    invariant: (n) => !index.has(n),
    hoistName: (k) => `h${k}`,
    hoistLine: (h, code) => `const ${h} = ${code};`,
  });
  const params = names.map((_, i) => `a${i}`).join(', ');
  const source = `${low.hoisted.join('\n')}\nreturn function (${params}) {\n${low.body.join('\n')}\nreturn ${low.results[0]!};\n};`;
  return build<Kernel>(source, low.kernels);
}

/**
 * Evaluation of expressions over a data set held as columns; see {@link compileColumns}.
 *
 * @example
 * const k = compileColumns([parseExpr('x - mu')], ['x', 'mu'], ['mu']);
 * [k.columnNames, k.fixedNames, k.outputs]; // → [['x'], ['mu'], 1]
 */
export interface ColumnKernel {
  /** The symbols read per row, in the order of the `columns` argument (names minus invariant). */
  readonly columnNames: readonly string[];
  /** The symbols fixed for a whole call, in the order of the `fixed` argument (as given). */
  readonly fixedNames: readonly string[];
  /** Number of expressions. */
  readonly outputs: number;
  /** The generated source of `map` and `sum` (for inspection: it holds no symbol name). */
  readonly source: string;
  /** out[k][r] = expression k at row r, for rows start ≤ r < end (default: every row). */
  map(columns: readonly Float64Array[], fixed: ArrayLike<number>, out: readonly Float64Array[], start?: number, end?: number): void;
  /** sums[k] += Σ_r expression k at row r, for rows start ≤ r < end (default: every row). */
  sum(columns: readonly Float64Array[], fixed: ArrayLike<number>, sums: Float64Array, start?: number, end?: number): void;
}

/**
 * Compiles expressions to loops over Float64Array columns of data: the loop over rows is part of
 * the generated function, each row reads its column values into locals, shared subexpressions are
 * computed once per row, subexpressions of the fixed symbols once per call, and nothing is
 * allocated per row. Column i holds the values of `columnNames[i]`; `fixed[j]` the value of
 * `invariant[j]`.
 *
 * @param exprs - The expressions, evaluated per row.
 * @param names - Every symbol the expressions use.
 * @param invariant - The symbols fixed for a whole call (parameters); the others are columns.
 * @throws {@link FisherError} as {@link compile}; the kernel's `map` and `sum` throw `bad-value`
 *   for columns of the wrong number, type or length.
 * @example
 * const k = compileColumns([parseExpr('(x - mu)/sigma^2')], ['x', 'mu', 'sigma'], ['mu', 'sigma']);
 * const out = [new Float64Array(2)];
 * k.map([new Float64Array([1, 3])], [1, 2], out);
 * out; // → [[0, 0.5]]
 * const sums = new Float64Array(1);
 * k.sum([new Float64Array([1, 3])], [1, 2], sums);
 * sums; // → [0.5]
 */
export function compileColumns(exprs: readonly Expr[], names: readonly string[], invariant: readonly string[] = []): ColumnKernel {
  checkNames(names, invariant);
  const inv = new Set(invariant);
  const columnNames = names.filter((n) => !inv.has(n));
  const column = new Map(columnNames.map((n, i) => [n, i]));
  const fixed = new Map(invariant.map((n, j) => [n, j]));
  const low = lower(exprs, {
    symbol: (n) => (column.has(n) ? `x${column.get(n)!}` : fixed.has(n) ? `p${fixed.get(n)!}` : undefined),
    invariant: (n) => !column.has(n),
    hoistName: (k) => `h${k}`,
    hoistLine: (h, code) => `const ${h} = ${code};`,
  });
  const readColumns = columnNames.flatMap((n, i) => (low.used.has(n) ? [`const C${i} = C[${i}];`] : []));
  const readRow = columnNames.flatMap((n, i) => (low.used.has(n) ? [`const x${i} = C${i}[r];`] : []));
  const readFixed = invariant.flatMap((n, j) => (low.used.has(n) ? [`const p${j} = P[${j}];`] : []));
  const prologue = [...readColumns, ...readFixed, ...low.hoisted];
  const loop = (inner: string[]): string[] => ['for (let r = r0; r < r1; r++) {', ...readRow, ...low.body, ...inner, '}'];
  const k = low.results.length;
  const mapSource = [
    'return function map(C, P, O, r0, r1) {',
    ...prologue,
    ...low.results.map((_, i) => `const O${i} = O[${i}];`),
    ...loop(low.results.map((r, i) => `O${i}[r] = ${r};`)),
    '};',
  ].join('\n');
  const sumSource = [
    'return function sum(C, P, S, r0, r1) {',
    ...prologue,
    ...low.results.map((_, i) => `let s${i} = 0;`),
    ...loop(low.results.map((r, i) => `s${i} += ${r};`)),
    ...low.results.map((_, i) => `S[${i}] += s${i};`),
    '};',
  ].join('\n');
  type Loop = (c: readonly Float64Array[], p: ArrayLike<number>, o: unknown, r0: number, r1: number) => void;
  const mapFn = build<Loop>(mapSource, low.kernels);
  const sumFn = build<Loop>(sumSource, low.kernels);

  const rowsOf = (columns: readonly Float64Array[], fixedValues: ArrayLike<number>, fallback: number | undefined): number => {
    if (columns.length !== columnNames.length) {
      throw new FisherError('bad-value', `expected ${columnNames.length} data columns, got ${columns.length}`);
    }
    if (fixedValues.length < invariant.length) {
      throw new FisherError('bad-value', `expected ${invariant.length} fixed values, got ${fixedValues.length}`);
    }
    const rows = columns[0]?.length ?? fallback ?? 0;
    columns.forEach((c, i) => {
      if (!(c instanceof Float64Array)) throw new FisherError('bad-value', `column ${i + 1} is not a Float64Array`);
      if (c.length !== rows) throw new FisherError('bad-value', `column ${i + 1} has ${c.length} rows, column 1 has ${rows}`);
    });
    return rows;
  };
  const range = (rows: number, start: number, end: number | undefined): [number, number] => {
    const e = end ?? rows;
    if (!Number.isInteger(start) || !Number.isInteger(e) || start < 0 || e < start || e > rows) {
      throw new FisherError('bad-value', `rows ${start}..${e} are not within the ${rows} rows of the data`);
    }
    return [start, e];
  };
  return {
    columnNames,
    fixedNames: [...invariant],
    outputs: k,
    source: `${mapSource}\n${sumSource}`,
    map(columns, fixedValues, out, start = 0, end) {
      const rows = rowsOf(columns, fixedValues, out[0]?.length);
      if (out.length !== k) throw new FisherError('bad-value', `expected ${k} output columns, got ${out.length}`);
      const [r0, r1] = range(rows, start, end);
      out.forEach((o, i) => {
        if (!(o instanceof Float64Array) || o.length < r1) throw new FisherError('bad-value', `output ${i + 1} must be a Float64Array of at least ${r1} rows`);
      });
      mapFn(columns, fixedValues, out, r0, r1);
    },
    sum(columns, fixedValues, sums, start = 0, end) {
      const rows = rowsOf(columns, fixedValues, end);
      if (sums.length < k) throw new FisherError('bad-value', `expected ${k} sums, got ${sums.length}`);
      const [r0, r1] = range(rows, start, end);
      sumFn(columns, fixedValues, sums, r0, r1);
    },
  };
}
