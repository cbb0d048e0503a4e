/**
 * The `fisherlab/mathjs` entry: conversions between fisherlab expressions and mathjs expression
 * trees, and fisherlab's special functions for a mathjs instance. mathjs is an optional peer
 * dependency: only this entry imports it.
 *
 * @example
 * import { create, all } from 'mathjs';
 * import { fisher, parse } from 'fisherlab';
 * import { importFisherlab, toMathjs } from 'fisherlab/mathjs';
 *
 * const math = create(all);
 * importFisherlab(math);
 * const F = toMathjs(fisher(parse('x ~ Gamma(k, theta)')).matrix, math);
 * F.toString(); // → '[[trigamma(k), -1 / theta], [-1 / theta, k / theta ^ 2]]'
 * F.evaluate({ k: 2.5, theta: 1.5 }).toString(); // → '[[0.49035775610023485, -0.6666666666666666], [-0.6666666666666666, 1.1111111111111112]]'
 *
 * @packageDocumentation
 * @module fisherlab/mathjs
 */
export { toMathjs, fromMathjs, importFisherlab, fisherlabFunctions, type MathjsNodes, type MathjsImport, type ExprArray } from './mathjs';
