/**
 * The `fisherlab/mathjs` entry: conversions between fisherlab expressions and mathjs expression
 * trees, and fisherlab's special functions for a mathjs instance. mathjs is an optional peer
 * dependency: only this entry imports it.
 */
export { toMathjs, fromMathjs, importFisherlab, fisherlabFunctions, type MathjsNodes, type MathjsImport, type ExprArray } from './mathjs';
