/**
 * fisherlab: Fisher information from a log-density string.
 *
 * @example
 * import { model, score, hessian, printMatrix } from 'fisherlab';
 * const m = model('x ~ Normal(mu, sigma)');
 * printMatrix(hessian(m)); // [[-1/sigma^2, -2*(x - mu)/sigma^3], [..., 1/sigma^2 - 3*(x - mu)^2/sigma^4]]
 */
export * from './expr/index';
export { parse, parseExpr, parse as model } from './lang/parse';
export type { Model, Declaration, Support, Role, Constant } from './lang/model';
export { paramNames } from './lang/model';
export { FAMILIES, familyNames, type FamilyDef } from './families/index';
export { score, hessian, evaluateAt, constantValues, modelRanges, type DerivativeOptions } from './fisher/derivatives';
export { toJSON, type DerivativesJSON } from './fisher/json';
export { fisher, almostEverywhere, type FisherResult, type FisherOptions, type Estimator } from './fisher/fisher';
export { fisherToJSON, fisherLatex, type FisherJSON } from './fisher/json';
export { expectation, numericFisher, type Expectation, type NumericFisher } from './fisher/numeric';
export { checkFisher, type Check } from './fisher/check';
export { linearize } from './fisher/linearize';
export { standardise, type Standardisation } from './fisher/standardize';
export { monteCarloFisher, monteCarloPlan, finish as finishMonteCarlo, type MonteCarloOptions, type MonteCarloResult, type McEstimator, type ChunkSums, type McPlan } from './fisher/montecarlo';
export { dataSampler, type DataSampler } from './fisher/sample';
export { empiricalFisher, type EmpiricalFisher } from './fisher/empirical';
export { compile, type Compiled } from './expr/compile';
export { Rng } from './numeric/random';
export { SAMPLERS } from './families/samplers';
