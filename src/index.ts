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
export type { Model, Declaration, Support, Role, Constant, VectorDecl } from './lang/model';
export { paramNames } from './lang/model';
export { FAMILIES, familyNames, type FamilyDef } from './families/index';
export { score, hessian, evaluateAt, constantValues, modelRanges, type DerivativeOptions } from './fisher/derivatives';
export { toJSON, type DerivativesJSON } from './fisher/json';
export { fisher, almostEverywhere, type FisherResult, type FisherOptions, type Estimator, type FisherTrace, type EntryTrace, type StandardisationTrace, type MomentFact, type LinearTerm, type Rung } from './fisher/fisher';
export { fisherToJSON, fisherLatex, type FisherJSON } from './fisher/json';
export { expectation, numericFisher, type Expectation, type NumericFisher } from './fisher/numeric';
export { checkFisher, type Check } from './fisher/check';
export { linearize } from './fisher/linearize';
export { standardise, type Standardisation } from './fisher/standardize';
export { monteCarloFisher, monteCarloPlan, finish as finishMonteCarlo, type MonteCarloOptions, type MonteCarloResult, type McEstimator, type ChunkSums, type McPlan } from './fisher/montecarlo';
export { dataSampler, type DataSampler } from './fisher/sample';
export { empiricalFisher, logLikelihood, dataMatrix, asDataSet, defaultMode, type EmpiricalFisher, type Likelihood, type LikelihoodMode, type Rows } from './fisher/empirical';
export { VectorEngine, vectorEngine, vectorTape, paramVector, type VectorTape, type GradientResult } from './ad/vector';
export { dataSet, rowInputs, columnNames, type DataSet, type DataSource, type RowInput, type ColumnSource } from './ad/dataset';
export { linearStructure, reducedModel, type LinearStructure, type Channel } from './ad/linear';
export { gramSymmetric, gramCross } from './ad/gram';
export { compile, compileColumns, compileFunction, oddRootPower, type Compiled, type ColumnKernel } from './expr/compile';
export { Dual, derivative, forwardAlgebra, gradForward, hessianForward, jvp, makeDual, newTag, primalOf, tangentOf, type Num } from './ad/forward';
export { Tape, gradReverse, hessianReverse, hvp, vjp, type TapeOptions } from './ad/reverse';
export { callKernels, type CallKernels } from './ad/kernels';
export { schedule, topologicalOrder, type Schedule } from './ad/graph';
export { Rng } from './numeric/random';
export { SAMPLERS } from './families/samplers';
export { expfamily, solveSystem, type ExpFamilyResult, type ExponentialFamily, type NotExponentialFamily, type ExpFamilyOptions, type ExpFamilyValues } from './stats/expfamily';
export { reparam, parseSubstitutions, type ReparamResult, type ReparamOptions, type Substitution, type NewParameter, type MapCheck, type Agreement } from './stats/reparam';
export { jeffreys, transformKernel, type JeffreysResult, type JeffreysOptions, type PriorFactor, type Normaliser } from './stats/jeffreys';
export { crb, determinant as symbolicDeterminant, inverse as symbolicInverse, determinantNumeric, inverseNumeric, type CrbResult, type CrbOptions, type CrbTarget } from './stats/crb';
export { kl, klDivergence, type KLResult, type KLOptions, type KLDivergence, type DivergenceValue } from './geometry/kl';
export { divergence, parseDivergence, describeDivergence, type Divergence, type DivergenceSpec, type DivergenceName, type DivergenceInfo } from './geometry/fdiv';
export { checkLocalQuadratic, type LocalCheck, type LocalOptions, type LocalStep } from './geometry/local';
export { fisherRaoDistance, fisherMetric, type DistanceResult, type DistanceOptions } from './geometry/distance';
export { shoot, type Geodesic, type Metric, type ShootOptions } from './geometry/geodesic';
export { pointPair, type PointPair } from './geometry/pair';
export { fit, type FitResult, type FitOptions, type FitStatus, type FitTests, type TestResult, type FitData, type ParamValues, type RowLabel } from './stats/fit';
export { fitToJSON, fitLatex, fitText, type FitJSON } from './stats/fitreport';
export { chiSquareSurvival, normalQuantile, gammaQ } from './numeric/special';
export { derive, type Derivation, type DeriveOptions, type Step, type Row, type Link, type Rich } from './render/derive';
export { derivationLatex, derivationDocument, derivationMarkdown } from './render/document';
export { verify, type VerifyResult, type VerifyOptions, type ClaimKind, type Counterexample } from './verify/verify';
export { checkDerivation, type DerivationReport, type DerivationStepReport, type DerivationFailure } from './verify/derivation';
