/**
 * The one error type for mistakes a user can make (bad syntax, unknown names, wrong supports,
 * expressions too large). It carries a code for programs and, where known, the source span.
 */
export interface Span {
  /** 0-based offsets into the source text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

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

export class FisherError extends Error {
  override readonly name = 'FisherError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly span?: Span,
    /** The source text the span points into, for a caret display. */
    readonly source?: string,
  ) {
    super(message);
  }

  /** The message with line:column and a caret under the offending text, when a span is known. */
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
