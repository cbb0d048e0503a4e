/**
 * Pieces the verb specs share: the MODEL argument, and the conversions every JSON object uses
 * (numbers that are not finite become null, expressions become strings of the text syntax).
 */
import type { Expr } from '../../expr/expr';
import { printExpr } from '../../expr/print';
import type { ArgumentSpec } from '../registry';

/** MODEL: optional, since standard input takes its place when it is a pipe. */
export const MODEL_ARGUMENT: ArgumentSpec = { name: 'model', description: 'the model text, or a file holding it (none, or -: standard input)' };

/** A JSON number: null where the value is not finite. */
export const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A matrix of numbers for JSON (null entries where not finite; null for a missing matrix). */
export const numberMatrix = (m: readonly (readonly number[])[] | null | undefined): (number | null)[][] | null => (m == null ? null : m.map((r) => r.map(finite)));

/** An expression for JSON (null where there is none). */
export const exprText = (e: Expr | null | undefined): string | null => (e == null ? null : printExpr(e));
export const exprMatrix = (m: ReadonlyArray<ReadonlyArray<Expr | null>> | null): (string | null)[][] | null => (m === null ? null : m.map((r) => r.map(exprText)));

/** A point for JSON: values by name. */
export const pointJSON = (at: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries(at);
