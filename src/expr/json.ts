/**
 * JSON forms of library values, so that `JSON.stringify` of any result works and means something.
 *
 * Results are plain data (strings, numbers, booleans, arrays, plain objects) that JSON writes as
 * they are, apart from these, each of which knows its own JSON form:
 * - an expression writes its text (`"mu/sigma^2"`, which `parseExpr` reads back to the same node),
 *   a rational its exact text (`"1/2"`, `"3"`): see `expr.ts` and `rational.ts`;
 * - a map keyed by names (a model's declarations, θ(η), a substitution) is a `NameMap`, written as
 *   an object;
 * - a result holding Float64Arrays (a log-likelihood's score, a data set's columns) writes them as
 *   arrays of numbers (`withJSON`).
 * Numbers that are not finite become `null`, as in any JSON (an interval's `lo: null` is −∞, its
 * `hi: null` +∞; a declaration's `label` and `support` keep the bound as text).
 * Function-valued fields (the `at` of a prepared divergence) are methods, not data, and are left out.
 */

/**
 * Typed arrays as arrays and maps as objects (or [key, value] pairs), through arrays and plain objects.
 * @example JSON.stringify(plainJSON({ score: Float64Array.of(1, 2), at: new Map([['mu', 0]]) })) // '{"score":[1,2],"at":{"mu":0}}'
 */
export function plainJSON(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (ArrayBuffer.isView(x)) return x instanceof DataView ? undefined : Array.from(x as unknown as ArrayLike<number>);
  // A value with its own JSON form (an expression, a NameMap) is left to JSON.stringify.
  if (typeof (x as { toJSON?: unknown }).toJSON === 'function') return x;
  if (x instanceof Map) {
    const entries = [...(x as Map<unknown, unknown>)];
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries.map(([k, v]) => [k, plainJSON(v)])) : entries.map(([k, v]) => [plainJSON(k), plainJSON(v)]);
  }
  if (x instanceof Set) return [...(x as Set<unknown>)].map(plainJSON);
  if (Array.isArray(x)) return x.map(plainJSON);
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plainJSON(v)]));
}

/**
 * A Map keyed by names whose JSON form is an object (a plain Map would be written as `{}`).
 * @example JSON.stringify(new NameMap([['sigma', parseExpr('exp(s)')]])) // '{"sigma":"exp(s)"}'
 */
export class NameMap<V> extends Map<string, V> {
  toJSON(): Record<string, unknown> {
    return plainJSON(new Map(this)) as Record<string, unknown>;
  }
}

/**
 * `r` with a `toJSON` (not enumerable, so a spread or `Object.keys` does not see it) that writes
 * its typed arrays as arrays and its maps as objects.
 * @example JSON.stringify(withJSON({ value: 1.5, score: Float64Array.of(0.5, -1) })) // '{"value":1.5,"score":[0.5,-1]}'
 */
export function withJSON<T extends object>(r: T): T {
  Object.defineProperty(r, 'toJSON', {
    value(this: T): unknown {
      return plainJSON({ ...this });
    },
    enumerable: false,
  });
  return r;
}
