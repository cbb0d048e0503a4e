/**
 * The one error type for mistakes a user can make (bad syntax, unknown names, wrong supports,
 * expressions too large). It carries a code for programs and, where known, the source span.
 */
/**
 * Where something is in a source text: 0-based offsets in UTF-16 units, end exclusive.
 *
 * @example
 * parse('x ~ Normal(mu, sigma)').params[0].span; // → { start: 11, end: 13 }
 */
export interface Span {
  /** The offset of the first character. */
  readonly start: number;
  /** The offset just past the last character. */
  readonly end: number;
}

/**
 * What kind of mistake a {@link FisherError} reports, for programs:
 *
 * - `syntax`: the text does not parse;
 * - `unknown-name`, `unknown-function`, `unknown-family`: a name that is not declared or known;
 * - `arity`: a function or family called with the wrong number of arguments;
 * - `domain`: a value or an argument outside where it is defined (log of a negative constant, a
 *   parameter outside its domain);
 * - `support`: a support that does not fit the data or the family;
 * - `duplicate`: a name declared twice;
 * - `missing-logp`, `no-params`: a model without a log-density or without parameters;
 * - `not-differentiable`: a derivative that does not exist (in an integer argument);
 * - `too-large`: past a budget (nodes, text length, nesting);
 * - `bad-value`: a value or option that is not usable (a non-finite number, a missing value);
 * - `shape`: a vector where a number is needed, lengths that differ, an index out of range;
 * - `bad-option`: options that do not fit together or do not apply to the model;
 * - `io`: reading a file or a data set failed.
 *
 * @example
 * try {
 *   parse('x ~ Normal(mu)');
 * } catch (e) {
 *   e.code; // → 'arity'
 * }
 */
export type ErrorCode =
  | 'syntax'
  | 'unknown-name'
  | 'unknown-function'
  | 'unknown-family'
  | 'arity'
  | 'domain'
  | 'support'
  | 'duplicate'
  | 'missing-logp'
  | 'no-params'
  | 'not-differentiable'
  | 'too-large'
  | 'bad-value'
  /** A vector where a number is needed, lengths that differ, an index out of range. */
  | 'shape'
  | 'bad-option'
  | 'io';

/**
 * The one error type for mistakes a user can make: bad syntax, unknown names, wrong supports,
 * values outside a domain, expressions past a budget. It carries a {@link ErrorCode} for programs
 * and, for mistakes in a text, the span and the text, which `format()` draws with a caret. Other
 * errors (a `RangeError` for a missing value in {@link evaluate}, `Error` for a bug) are not
 * FisherErrors.
 *
 * @example
 * try {
 *   parse('data x in real\nparam mu in real\nlogp = -(x - mu)^^2');
 * } catch (e) {
 *   e instanceof FisherError; // → true
 *   e.code; // → 'syntax'
 *   e.span; // → { start: 49, end: 50 }
 *   e.format(); // → 'error: unexpected '^'\n  at line 3, column 18\n  3 | logp = -(x - mu)^^2\n                       ^'
 * }
 */
export class FisherError extends Error {
  /** Always `'FisherError'`. */
  override readonly name = 'FisherError';
  /**
   * An error of a kind, with its message and, for a mistake in a text, where it is.
   *
   * @param code - What kind of mistake.
   * @param message - One sentence saying what is wrong, in the user's terms.
   * @param span - Where in `source` the mistake is.
   * @param source - The text the span points into.
   */
  constructor(
    /** What kind of mistake. */
    readonly code: ErrorCode,
    message: string,
    /** Where the mistake is in `source`, when it is in a text. */
    readonly span?: Span,
    /** The source text the span points into, for a caret display. */
    readonly source?: string,
  ) {
    super(message);
  }

  /**
   * The message with line:column and a caret under the offending text, when a span is known;
   * `error: message` otherwise.
   */
  format(): string {
    if (this.span === undefined || this.source === undefined) return `error: ${this.message}`;
    const { line, column, lineText } = locate(this.source, this.span.start);
    // The caret counts characters (code points), as the column does.
    const lineEnd = this.source.indexOf('\n', this.span.start);
    const width = Math.max(1, [...this.source.slice(this.span.start, Math.min(this.span.end, lineEnd === -1 ? this.source.length : lineEnd))].length);
    const gutter = `${line} | `;
    return [
      `error: ${this.message}`,
      `  at line ${line}, column ${column}`,
      `  ${gutter}${lineText}`,
      `  ${' '.repeat(gutter.length + column - 1)}${'^'.repeat(width)}`,
    ].join('\n');
  }
}

/**
 * 1-based line and column of an offset, with the text of that line. The column counts the
 * characters the user typed (code points: `𝜃` is one, not two UTF-16 units).
 */
export function locate(source: string, offset: number): { line: number; column: number; lineText: string } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const endIdx = source.indexOf('\n', lineStart);
  const lineText = source.slice(lineStart, endIdx === -1 ? undefined : endIdx);
  return { line, column: [...source.slice(lineStart, Math.min(offset, source.length))].length + 1, lineText };
}
