/**
 * Syntax nodes built by the grammar's postprocessors: plain data with source offsets, no
 * validation. `parse.ts` turns them into a Model of interned expressions.
 */
import type { Token } from 'moo';
import { normalizeName } from './lexer';

export interface Spanned {
  readonly start: number;
  readonly end: number;
}

export type SyntaxExpr =
  | (Spanned & { readonly t: 'num'; readonly text: string })
  | (Spanned & { readonly t: 'name'; readonly name: string })
  | (Spanned & { readonly t: 'bin'; readonly op: '+' | '-' | '*' | '/' | '^'; readonly a: SyntaxExpr; readonly b: SyntaxExpr })
  | (Spanned & { readonly t: 'neg'; readonly a: SyntaxExpr })
  | (Spanned & { readonly t: 'call'; readonly fn: Name; readonly args: readonly SyntaxExpr[] })
  /** A component of a vector, `beta[2]` (1-based). */
  | (Spanned & { readonly t: 'index'; readonly vector: Name; readonly index: SyntaxExpr });

export interface Name extends Spanned {
  readonly t: 'name';
  readonly name: string;
}

/** The support of one value; with `length`, of each component of a vector (`real[d]`). */
export type SyntaxSupport = ElementSupport & { readonly length?: SyntaxExpr };

export type ElementSupport =
  | (Spanned & { readonly k: 'named'; readonly name: Name })
  | (Spanned & {
      readonly k: 'interval';
      readonly lo: SyntaxExpr;
      readonly hi: SyntaxExpr;
      readonly loOpen: boolean;
      readonly hiOpen: boolean;
    })
  | (Spanned & { readonly k: 'set'; readonly values: readonly SyntaxExpr[] })
  | (Spanned & { readonly k: 'range'; readonly lo: SyntaxExpr; readonly hi: SyntaxExpr });

export type Statement =
  | (Spanned & { readonly s: 'data'; readonly names: readonly Name[]; readonly support: SyntaxSupport })
  | (Spanned & { readonly s: 'param'; readonly names: readonly Name[]; readonly support?: SyntaxSupport })
  | (Spanned & { readonly s: 'given'; readonly names: readonly Name[]; readonly support?: SyntaxSupport })
  | (Spanned & { readonly s: 'const'; readonly name: Name; readonly value: SyntaxExpr })
  | (Spanned & { readonly s: 'let'; readonly name: Name; readonly value: SyntaxExpr })
  | (Spanned & { readonly s: 'logp'; readonly value: SyntaxExpr })
  | (Spanned & {
      readonly s: 'tilde';
      readonly names: readonly Name[];
      readonly family: Name;
      readonly args: readonly SyntaxExpr[];
      readonly close: number;
    });

// Postprocessors: each receives nearley's data array `d`.
/* eslint-disable @typescript-eslint/no-explicit-any */
type D = any[];

const tokSpan = (t: Token): Spanned => ({ start: t.offset, end: t.offset + t.text.length });
const spanOf = (x: any): Spanned => ('offset' in x ? tokSpan(x as Token) : { start: x.start, end: x.end });
const from = (a: any, b: any): Spanned => ({ start: spanOf(a).start, end: spanOf(b).end });

export const first = (d: D): any => d[0];
export const nothing = (): null => null;

export const program = (d: D): Statement[] => {
  const body = d[1];
  if (body === null) return [];
  return [body[0], ...body[1].map((x: any) => x[1])];
};

export const name = (d: D): Name => ({ t: 'name', name: normalizeName((d[0] as Token).value), ...tokSpan(d[0]) });
export const names = (d: D): Name[] => [d[0], ...d[1].map((x: any) => x[1])];

const lastOf = (names: readonly Name[]): Name => names[names.length - 1]!;

export const dataStmt = (d: D): Statement => ({ s: 'data', names: d[1], support: d[3], ...from(d[0], d[3]) });
export const paramStmt = (d: D): Statement =>
  d[2] === null
    ? { s: 'param', names: d[1], ...from(d[0], lastOf(d[1])) }
    : { s: 'param', names: d[1], support: d[2][1], ...from(d[0], d[2][1]) };
export const givenStmt = (d: D): Statement =>
  d[2] === null
    ? { s: 'given', names: d[1], ...from(d[0], lastOf(d[1])) }
    : { s: 'given', names: d[1], support: d[2][1], ...from(d[0], d[2][1]) };
export const constStmt = (d: D): Statement => ({ s: 'const', name: d[1], value: d[3], ...from(d[0], d[3]) });
export const letStmt = (d: D): Statement => ({ s: 'let', name: d[1], value: d[3], ...from(d[0], d[3]) });
export const logpStmt = (d: D): Statement => ({ s: 'logp', value: d[2], ...from(d[0], d[2]) });
export const tildeStmt = (d: D): Statement => ({
  s: 'tilde',
  names: d[0],
  family: d[2],
  args: d[4] ?? [],
  close: (d[5] as Token).offset,
  ...from(d[0][0], d[5]),
});

export const namedSupport = (d: D): SyntaxSupport => ({ k: 'named', name: d[0], ...spanOf(d[0]) });
export const intervalSupport = (d: D): SyntaxSupport => ({
  k: 'interval',
  lo: d[1],
  hi: d[3],
  loOpen: d[0][0].value === '(',
  hiOpen: d[4][0].value === ')',
  ...from(d[0][0], d[4][0]),
});
export const setSupport = (d: D): SyntaxSupport => ({
  k: 'set',
  values: [d[1], ...d[2].map((x: any) => x[1])],
  ...from(d[0], d[3]),
});
export const rangeSupport = (d: D): SyntaxSupport => ({ k: 'range', lo: d[1], hi: d[3], ...from(d[0], d[4]) });
export const vectorSupport = (d: D): SyntaxSupport => ({ ...d[0], length: d[2], end: (d[3] as Token).offset + 1 });

export const binary = (d: D): SyntaxExpr => ({ t: 'bin', op: d[1][0].value, a: d[0], b: d[2], ...from(d[0], d[2]) });
export const unary = (d: D): SyntaxExpr =>
  d[0][0].value === '-' ? { t: 'neg', a: d[1], ...from(d[0][0], d[1]) } : { ...d[1], start: d[0][0].offset };
export const power = (d: D): SyntaxExpr => ({ t: 'bin', op: '^', a: d[0], b: d[2], ...from(d[0], d[2]) });
export const number = (d: D): SyntaxExpr => ({ t: 'num', text: (d[0] as Token).value, ...tokSpan(d[0]) });
export const call = (d: D): SyntaxExpr => ({ t: 'call', fn: d[0], args: d[2] ?? [], ...from(d[0], d[3]) });
export const index = (d: D): SyntaxExpr => ({ t: 'index', vector: d[0], index: d[2], ...from(d[0], d[3]) });
export const group = (d: D): SyntaxExpr => ({ ...d[1], start: d[0].offset, end: d[2].offset + 1 });
export const args = (d: D): SyntaxExpr[] => [d[0], ...d[1].map((x: any) => x[1])];
