/** The expression core: nodes, the function table, differentiation, simplification, printers. */
export * from './expr';
export * from './functions';
export { FisherError, locate, type Span, type ErrorCode } from './errors';
export { diff, gradient, hessianOf, symbolic, type DiffOptions } from './diff';
export { evaluate, numeric, type Env } from './evaluate';
export { simplify, type SimplifyOptions } from './simplify';
export { printExpr, printMatrix, printVector } from './print';
export { toLatex, latexMatrix, latexVector, latexName } from './latex';
export { rangeOf, type SymbolRanges } from './range';
export * from './interval';
export type { Algebra } from './algebra';
export { rat, qtoNumber, type Rational } from './rational';
