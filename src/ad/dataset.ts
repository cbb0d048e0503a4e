/**
 * Data sets for the log-likelihood of many observations: the values of a model's data and
 * covariates (`data`, `given`) for n rows, held as Float64Array columns. A scalar symbol is one
 * column of n values; a vector `z in real[d]` is one block of n × d values, row by row (so that
 * `dot(z, beta)` reads d consecutive numbers), named component-wise `z[1]`, ..., `z[d]` in CSV
 * headers and in `--at`. Every value is checked against its declared support once, here.
 */
import { FisherError } from '../expr/errors';
import { NameMap } from '../expr/json';
import { supportTest, type Declaration, type Model } from '../lang/model';
import { componentName, splitComponent } from '../lang/vnode';

/**
 * One symbol a row holds: a scalar (length 0) or a vector.
 *
 * @example
 * const m = parse('const d = 2; given z in real[d]; param b in real[d]; y ~ Bernoulli(sigmoid(dot(z, b)))');
 * dataSet(m, { y: [1], z: [0.5, 1] }).inputs.map((i) => [i.name, i.role, i.length]); // → [['y', 'data', 0], ['z', 'given', 2]]
 */
export interface RowInput {
  /** The symbol's name (a vector's, not its components'). */
  readonly name: string;
  /** A datum or a covariate. */
  readonly role: 'data' | 'given';
  /** 0 for a scalar, else the vector's length. */
  readonly length: number;
  /** Its scalar declarations (the components of a vector). */
  readonly decls: readonly Declaration[];
}

/**
 * A data set for a model: the values of its data and covariates for n rows, as Float64Array
 * columns, checked against the declared supports (made by {@link dataSet}).
 *
 * @example
 * const m = parse('x ~ Poisson(lam)');
 * const d = dataSet(m, { x: [3, 5, 2] });
 * [d.rows, d.columns.get('x')]; // → [3, [3, 5, 2]]
 */
export interface DataSet {
  /** The number of rows n. */
  readonly rows: number;
  /** The symbols a row holds, in declaration order (data first, then covariates). */
  readonly inputs: readonly RowInput[];
  /** Values by symbol: n for a scalar, n × length row by row for a vector. */
  readonly columns: ReadonlyMap<string, Float64Array>;
}

/**
 * A column: numbers, or for a vector either n × length numbers row by row or one column per component.
 *
 * @example
 * const m = parse('const d = 2; given z in real[d]; param b in real[d]; y ~ Bernoulli(sigmoid(dot(z, b)))');
 * dataSet(m, { y: [1, 0], z: [[0.5, -1], [1, 2]] }).columns.get('z'); // → [0.5, 1, -1, 2]
 */
export type ColumnSource = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/**
 * Where a data set comes from: columns by name (`{ y: Float64Array, z: Float64Array(n*d) }`, a
 * vector also as `[col1, ..., cold]` or as columns `'z[1]'`, ...), or an array of rows
 * (`[{ y: 1, z: [0.3, -1.2] }, ...]`).
 *
 * @example
 * const m = parse('const d = 2; given z in real[d]; param b in real[d]; y ~ Bernoulli(sigmoid(dot(z, b)))');
 * dataSet(m, new Map([['y', [1, 0]], ['z[1]', [0.5, 1]], ['z[2]', [-1, 2]]])).columns.get('z'); // → [0.5, -1, 1, 2]
 */
export type DataSource = Readonly<Record<string, ColumnSource>> | ReadonlyMap<string, ColumnSource> | ReadonlyArray<Readonly<Record<string, number | ArrayLike<number>>>>;

/** The symbols a row of the model's data set holds: its data and covariates, a vector as one input. */
export function rowInputs(m: Model): RowInput[] {
  const out: RowInput[] = [];
  const seen = new Set<string>();
  for (const d of [...m.data, ...m.givens]) {
    const role = d.role as 'data' | 'given';
    const c = splitComponent(d.name);
    const v = c === undefined ? undefined : m.vectors.get(c[0]);
    if (v !== undefined) {
      if (!seen.has(v.name)) out.push({ name: v.name, role, length: v.length, decls: v.components });
      seen.add(v.name);
    } else out.push({ name: d.name, role, length: 0, decls: [d] });
  }
  return out;
}

/** The column names of an input in a CSV file: `y`, or `z[1]`, ..., `z[d]`. */
export const columnNames = (input: RowInput): string[] =>
  input.length === 0 ? [input.name] : Array.from({ length: input.length }, (_, k) => componentName(input.name, k + 1));

const isArrayLike = (x: unknown): x is ArrayLike<unknown> => x !== null && typeof x === 'object' && typeof (x as ArrayLike<unknown>).length === 'number';

/**
 * A data set for a model, from columns or rows: the values of its data and covariates are copied
 * into Float64Arrays (a vector n × d, row by row) and checked against the declared supports, once.
 *
 * @param source - Columns by name, or rows ({@link DataSource}).
 * @param options - `rowLabel`: how messages name row r (default `row r+1`; the CLI names the file
 *   and line).
 * @throws {@link FisherError} `bad-value` naming a missing column, a column of the wrong length or
 *   a value that is not a number; `support` naming the row and column of a value outside its
 *   support; `shape` for a vector of the wrong length.
 * @example
 * const m = parse('const d = 2; given z in real[d]; param b in real[d]; y ~ Bernoulli(sigmoid(dot(z, b)))');
 * dataSet(m, [{ y: 1, z: [0.5, 1] }, { y: 0, z: [-1, 2] }]).columns.get('z'); // → [0.5, 1, -1, 2]
 * dataSet(m, { y: [1, 2], z: [0.5, 1, -1, 2] }); // → throws FisherError (bad-value): row 2, y = 2: y takes the values 0, 1
 */
export function dataSet(m: Model, source: DataSource, options: { rowLabel?: (row: number) => string } = {}): DataSet {
  const inputs = rowInputs(m);
  const data = Array.isArray(source) ? fromRows(inputs, source as ReadonlyArray<Readonly<Record<string, number | ArrayLike<number>>>>) : fromColumns(inputs, source as Readonly<Record<string, ColumnSource>> | ReadonlyMap<string, ColumnSource>);
  checkSupports(m, data, options.rowLabel ?? ((r) => `row ${r + 1}`));
  return data;
}

function fromColumns(inputs: readonly RowInput[], source: Readonly<Record<string, ColumnSource>> | ReadonlyMap<string, ColumnSource>): DataSet {
  const get = (name: string): ColumnSource | undefined =>
    source instanceof Map ? (source as ReadonlyMap<string, ColumnSource>).get(name) : Object.prototype.hasOwnProperty.call(source, name) ? (source as Record<string, ColumnSource>)[name] : undefined;
  const missing: string[] = [];
  const found = new Map<RowInput, ColumnSource | ArrayLike<number>[]>();
  for (const input of inputs) {
    const whole = get(input.name);
    if (whole !== undefined) {
      found.set(input, whole);
      continue;
    }
    const parts = columnNames(input).map(get);
    const absent = columnNames(input).filter((_, k) => parts[k] === undefined);
    if (input.length === 0 || absent.length > 0) missing.push(...(absent.length === input.length ? [input.name] : absent));
    else found.set(input, parts as ArrayLike<number>[]);
  }
  if (missing.length > 0) throw missingError(inputs, missing);
  let rows: number | undefined;
  const columns = new NameMap<Float64Array>();
  const setRows = (n: number, what: string): void => {
    if (rows === undefined) rows = n;
    else if (n !== rows) throw new FisherError('bad-value', `the data columns have different lengths: ${what} has ${n} rows, another column ${rows}`);
  };
  for (const input of inputs) {
    const col = found.get(input)!;
    const L = input.length;
    const isColumnList = L > 0 && col.length === L && Array.from(col as ArrayLike<unknown>).every(isArrayLike);
    if (isColumnList) {
      const parts = col as ReadonlyArray<ArrayLike<number>>;
      parts.forEach((p, k) => setRows(p.length, componentName(input.name, k + 1)));
      const out = new Float64Array(rows! * L);
      parts.forEach((p, k) => {
        for (let r = 0; r < rows!; r++) out[r * L + k] = Number(p[r]);
      });
      columns.set(input.name, out);
    } else {
      const flat = col as ArrayLike<number>;
      if (L > 0 && flat.length % L !== 0) throw new FisherError('bad-value', `the column ${input.name} holds ${flat.length} numbers, not a whole number of rows of ${L} (a vector's values go row by row)`);
      setRows(L === 0 ? flat.length : flat.length / L, input.name);
      columns.set(input.name, Float64Array.from(flat as ArrayLike<number>, Number));
    }
  }
  return { rows: rows ?? 0, inputs, columns };
}

function fromRows(inputs: readonly RowInput[], rows: ReadonlyArray<Readonly<Record<string, number | ArrayLike<number>>>>): DataSet {
  const n = rows.length;
  const columns = new NameMap(inputs.map((input) => [input.name, new Float64Array(n * Math.max(1, input.length))]));
  rows.forEach((row, r) => {
    for (const input of inputs) {
      const out = columns.get(input.name)!;
      const L = input.length;
      const v = row[input.name];
      if (L === 0) {
        if (typeof v !== 'number') throw missingError(inputs, [input.name], r);
        out[r] = v;
      } else if (v !== undefined && isArrayLike(v)) {
        if (v.length !== L) throw new FisherError('bad-value', `row ${r + 1}: ${input.name} has ${v.length} components, the model declares ${L}`);
        for (let k = 0; k < L; k++) out[r * L + k] = Number(v[k]);
      } else {
        const names = columnNames(input);
        const absent = names.filter((c) => typeof row[c] !== 'number');
        if (absent.length > 0) throw missingError(inputs, absent.length === L ? [input.name] : absent, r);
        names.forEach((c, k) => (out[r * L + k] = row[c] as number));
      }
    }
  });
  return { rows: n, inputs, columns };
}

function missingError(inputs: readonly RowInput[], missing: readonly string[], row?: number): FisherError {
  const vectors = inputs.filter((i) => i.length > 0 && missing.includes(i.name));
  const hint = vectors.length > 0 ? ` (a vector ${vectors[0]!.name} of length ${vectors[0]!.length} is the columns ${columnNames(vectors[0]!).slice(0, 2).join(', ')}, ..., ${columnNames(vectors[0]!).at(-1)})` : '';
  const where = row === undefined ? 'the data' : `row ${row + 1} of the data`;
  return new FisherError('bad-value', `${where} has no value for ${missing.join(', ')}${hint}`);
}

function checkSupports(m: Model, data: DataSet, rowLabel: (row: number) => string): void {
  const consts = new Map([...m.constants].map(([name, c]) => [name, c.value]));
  for (const input of data.inputs) {
    const test = supportTest(input.decls[0]!, consts);
    const col = data.columns.get(input.name)!;
    const L = Math.max(1, input.length);
    for (let i = 0; i < col.length; i++) {
      const why = test(col[i]!);
      if (why !== undefined) {
        const name = input.length === 0 ? input.name : componentName(input.name, (i % L) + 1);
        throw new FisherError('bad-value', `${rowLabel(Math.floor(i / L))}, ${name} = ${col[i]}: ${name} ${why}`);
      }
    }
  }
}

/**
 * A column per symbol of the scalar view (`y`, `z[1]`, ..., `z[d]`): a scalar's own column, a
 * component's values copied out of its vector's block. Built once per data set.
 */
export function scalarColumns(data: DataSet): Map<string, Float64Array> {
  let out = scalarCache.get(data);
  if (out === undefined) {
    out = new Map();
    for (const inp of data.inputs) {
      const col = data.columns.get(inp.name)!;
      const L = inp.length;
      if (L === 0) out.set(inp.name, col);
      else for (let k = 0; k < L; k++) out.set(componentName(inp.name, k + 1), Float64Array.from({ length: data.rows }, (_, i) => col[i * L + k]!));
    }
    scalarCache.set(data, out);
  }
  return out;
}

const scalarCache = new WeakMap<DataSet, Map<string, Float64Array>>();
