/**
 * The reference cases of test/fixtures/cases.json (textbook Fisher informations, each with its
 * published `source`; see test/fixtures/README.md), read and checked here and nowhere else.
 *
 * A missing or malformed file is an error that names the file and the field, never an empty list:
 * a test over the reference cases must not pass by having nothing to check.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The matrix of a case: one expression (or number) per entry, in the order of `params`. */
type Matrix<T> = ReadonlyArray<ReadonlyArray<T>>;
type Values = Readonly<Record<string, number>>;

interface CaseFields {
  readonly id: string;
  readonly family: string;
  /** The model in fisherlab's language, ready to parse. */
  readonly model: string;
  readonly logdensity: string;
  /** Support per data symbol, and the parameters' domains (in the parameter order). */
  readonly data: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly constants: Values;
  /** The Jeffreys prior up to a constant, or null where there is none. */
  readonly jeffreys: string | null;
  /** Where the result is published. */
  readonly source: string;
  /** Parameter points to evaluate at. */
  readonly check_points: readonly Values[];
  readonly notes: string;
  /** `simplex3` (Dirichlet's free coordinates), `onehot3` (a three-category outcome). */
  readonly support_label?: string;
  readonly data_constraint?: string;
  readonly param_constraint?: string;
}

/** A case whose Fisher information is published in closed form. */
export interface ClosedCase extends CaseFields {
  readonly closed_form: true;
  readonly fisher: Matrix<string>;
  readonly reference_at_points?: undefined;
}

/** A case with a numeric reference only: the Fisher matrix at each check point. */
export interface NumericCase extends CaseFields {
  readonly closed_form: false;
  /** The entries that have a closed form (null elsewhere), or null. */
  readonly fisher: Matrix<string | null> | null;
  readonly reference_at_points: ReadonlyArray<Matrix<number>>;
}

export type RefCase = ClosedCase | NumericCase;

/** The fixture file, beside this folder. */
export const CASES_PATH = fileURLToPath(new URL('../fixtures/cases.json', import.meta.url));

const FIELDS = new Set([
  'id', 'family', 'model', 'logdensity', 'data', 'params', 'constants', 'fisher', 'jeffreys', 'closed_form',
  'source', 'check_points', 'notes', 'support_label', 'data_constraint', 'param_constraint', 'reference_at_points',
]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Check the parsed JSON against `RefCase`, throwing with the file, the case and the field on the
 * first thing that is wrong. Exported for the loader's own tests.
 */
export function checkReferenceCases(json: unknown, path: string): RefCase[] {
  const fail = (where: string, what: string): never => {
    throw new Error(`reference cases ${path}: ${where}: ${what}`);
  };
  if (!Array.isArray(json)) return fail('top level', 'expected an array of cases');
  if (json.length === 0) return fail('top level', 'no cases');
  const ids = new Set<string>();
  json.forEach((c: unknown, n) => {
    if (!isRecord(c)) return fail(`case ${n}`, 'expected an object');
    const at = `case ${n} (${typeof c.id === 'string' ? c.id : '?'})`;
    const bad = (field: string, what: string): never => fail(at, `'${field}' ${what}`);
    for (const key of Object.keys(c)) if (!FIELDS.has(key)) bad(key, 'is not a known field (add it to RefCase in test/helpers/fixtures.ts)');
    for (const key of ['id', 'family', 'model', 'logdensity', 'source']) if (!isText(c[key])) bad(key, 'must be a non-empty string');
    for (const key of ['notes', 'support_label', 'data_constraint', 'param_constraint']) {
      if (c[key] !== undefined && typeof c[key] !== 'string') bad(key, 'must be a string');
    }
    if (typeof c.notes !== 'string') bad('notes', 'must be a string');
    if (ids.has(c.id as string)) bad('id', 'is not unique');
    ids.add(c.id as string);
    const texts = (field: string): string[] => {
      const v = c[field];
      if (!isRecord(v) || Object.keys(v).length === 0 || !Object.values(v).every(isText)) return bad(field, 'must map names to non-empty strings');
      return Object.keys(v);
    };
    texts('data');
    const params = texts('params');
    const k = params.length;
    const numbers = (v: unknown): v is Record<string, number> => isRecord(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!numbers(c.constants)) bad('constants', 'must map names to finite numbers');
    const points = c.check_points;
    if (!Array.isArray(points) || points.length === 0) return bad('check_points', 'must be a non-empty array');
    points.forEach((p: unknown, i) => {
      if (!numbers(p) || Object.keys(p).join() !== params.join()) bad(`check_points[${i}]`, `must give a finite value to each of ${params.join(', ')}, in order`);
    });
    const matrix = (v: unknown, entry: (x: unknown) => boolean): boolean =>
      Array.isArray(v) && v.length === k && v.every((row) => Array.isArray(row) && row.length === k && row.every(entry));
    if (c.jeffreys !== null && !isText(c.jeffreys)) bad('jeffreys', 'must be a non-empty string or null');
    if (c.closed_form === true) {
      if (!matrix(c.fisher, isText)) bad('fisher', `must be a ${k}×${k} matrix of expressions when closed_form is true`);
      if (c.reference_at_points !== undefined) bad('reference_at_points', 'is only for cases without a closed form');
    } else if (c.closed_form === false) {
      if (c.fisher !== null && !matrix(c.fisher, (x) => x === null || isText(x))) bad('fisher', `must be null or a ${k}×${k} matrix of expressions and nulls`);
      const refs = c.reference_at_points;
      const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
      if (!Array.isArray(refs) || refs.length !== points.length || !refs.every((r) => matrix(r, finite))) {
        bad('reference_at_points', `must hold one ${k}×${k} matrix of finite numbers per check point (${points.length}) when closed_form is false`);
      }
    } else {
      bad('closed_form', 'must be true or false');
    }
  });
  return json as RefCase[];
}

/** Read and check a file of reference cases. */
export function loadReferenceCases(path: string): RefCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`reference cases ${path}: cannot be read (${(e as Error).message}); it is part of the repository (see test/fixtures/README.md)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`reference cases ${path}: not valid JSON (${(e as Error).message})`);
  }
  return checkReferenceCases(json, path);
}

/** Freeze a parsed JSON value all the way down, so that no test can change a case for the next one. */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

let loaded: readonly RefCase[] | undefined;

/** Every reference case of test/fixtures/cases.json, in the file's order. */
export function referenceCases(): readonly RefCase[] {
  loaded ??= deepFreeze(loadReferenceCases(CASES_PATH));
  return loaded;
}

/** The reference case with this id; an unknown id is an error that lists the known ones. */
export function referenceCase(id: string): RefCase {
  const all = referenceCases();
  const c = all.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no reference case '${id}' in ${CASES_PATH} (known: ${all.map((x) => x.id).join(', ')})`);
  return c;
}

/** The reference case with this id, which must have a published closed form. */
export function closedCase(id: string): ClosedCase {
  const c = referenceCase(id);
  if (!c.closed_form) throw new Error(`reference case '${id}' has no closed form (closed_form: false in ${CASES_PATH})`);
  return c;
}

/** The reference case with this id, which must have a numeric reference only. */
export function numericCase(id: string): NumericCase {
  const c = referenceCase(id);
  if (c.closed_form) throw new Error(`reference case '${id}' has a closed form, not a numeric reference (closed_form: true in ${CASES_PATH})`);
  return c;
}
