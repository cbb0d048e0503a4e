/**
 * fisherlab: the score, the Hessian and the Fisher information of a model written as a
 * log-density, in closed form where one exists (else by quadrature or Monte Carlo), and what follows
 * from the Fisher matrix: exponential families, reparameterisation, Jeffreys priors, Cramér–Rao
 * bounds, KL and f-divergences, the Fisher–Rao distance, maximum likelihood, derivations and their
 * checks.
 *
 * This is the public entry: every name below is documented, with an example whose output is the
 * one printed (`test/api.test.ts` runs them). The stages' other functions are internals.
 *
 * @example
 * import { model, fisher, printMatrix } from 'fisherlab';
 *
 * const m = model('x ~ Normal(mu, sigma)');
 * printMatrix(fisher(m).matrix); // → '[[1/sigma^2, 0], [0, 2/sigma^2]]'
 *
 * @packageDocumentation
 * @module fisherlab
 */

// ── The model: text → Model ────────────────────────────────────────────────────────────────────
export { parse, parse as model, parseExpr } from './lang/parse';
export type { Model, Declaration, Support, Role, Constant, VectorDecl, Draw } from './lang/model';
export { FAMILIES, familyNames, type FamilyDef } from './families/index';

// ── Expressions: build, inspect, differentiate, simplify, evaluate, print ──────────────────────
export type { Expr, Num, Sym, Add, Mul, Pow, Call } from './expr/node';
export type { Rational } from './expr/rational';
export { num, sym, add, sub, mul, div, neg, pow, sqrt, call, children, mapBottomUp, subexpressions, symbols, dependsOn, substitute } from './expr/expr';
export { FUNCTIONS, functionNames, type FunctionDef, type Rule } from './expr/functions';
export type { Algebra } from './expr/algebra';
export { diff, gradient, hessianOf, type DiffOptions } from './expr/diff';
export { evaluate, type Env } from './expr/evaluate';
export { simplify, type SimplifyOptions } from './expr/simplify';
export { rangeOf, type SymbolRanges } from './expr/range';
export type { Interval } from './expr/interval';
export { printExpr, printVector, printMatrix } from './expr/print';
export { toLatex, latexVector, latexMatrix, latexName } from './expr/latex';
export { compile, compileColumns, type Compiled, type ColumnKernel } from './expr/compile';
export { FisherError, type ErrorCode, type Span } from './expr/errors';

// ── Derivatives of a model ─────────────────────────────────────────────────────────────────────
export { score, hessian, evaluateAt, modelRanges, type DerivativeOptions } from './fisher/derivatives';
export { toJSON, type DerivativesJSON } from './fisher/json';

// ── The Fisher information ─────────────────────────────────────────────────────────────────────
export { fisher, type FisherResult, type FisherOptions, type Estimator, type FisherTrace, type EntryTrace, type StandardisationTrace, type MomentFact, type LinearTerm, type Rung } from './fisher/fisher';
export type { StandardDensity } from './fisher/standardize';
export type { MomentSource } from './fisher/moments';
export { fisherToJSON, fisherLatex, type FisherJSON } from './fisher/json';
export { checkFisher, type Check } from './fisher/check';
export { expectation, numericFisher, type Expectation, type NumericFisher } from './fisher/numeric';
export { monteCarloFisher, type MonteCarloOptions, type MonteCarloResult, type McEstimator, type Estimate } from './fisher/montecarlo';
export { dataSampler, type DataSampler } from './fisher/sample';
export { Rng, type WritableArrayLike } from './numeric/random';

// ── Data sets: log-likelihood, empirical Fisher, the vector engine ─────────────────────────────
export { dataSet, type DataSet, type DataSource, type ColumnSource, type RowInput } from './ad/dataset';
export { empiricalFisher, logLikelihood, dataMatrix, type EmpiricalFisher, type Likelihood, type LikelihoodMode, type Rows } from './fisher/empirical';
export { vectorEngine, paramVector, type VectorEngine, type GradientResult } from './ad/vector';

// ── Automatic differentiation: forward and reverse mode ────────────────────────────────────────
export { derivative, forwardAlgebra, gradForward, hessianForward, jvp, type Dual, type Num as DualNum } from './ad/forward';
export { Tape, gradReverse, hessianReverse, hvp, vjp, type TapeOptions } from './ad/reverse';

// ── Consumers of the Fisher matrix ─────────────────────────────────────────────────────────────
export { expfamily, type ExpFamilyResult, type ExponentialFamily, type NotExponentialFamily, type ExpFamilyOptions, type ExpFamilyValues } from './stats/expfamily';
export { reparam, type ReparamResult, type ReparamOptions, type Substitution, type NewParameter, type MapCheck, type Agreement } from './stats/reparam';
export { jeffreys, transformKernel, type JeffreysResult, type JeffreysOptions, type PriorFactor, type Normaliser } from './stats/jeffreys';
export { crb, determinant as symbolicDeterminant, inverse as symbolicInverse, type CrbResult, type CrbOptions, type CrbTarget, type Matrix, type InverseOptions } from './stats/crb';
export { kl, klDivergence, type KLResult, type KLOptions, type KLDivergence, type DivergenceValue } from './geometry/kl';
export { divergence, parseDivergence, type Divergence, type DivergenceSpec, type DivergenceName, type DivergenceInfo } from './geometry/fdiv';
export { checkLocalQuadratic, type LocalCheck, type LocalOptions, type LocalStep } from './geometry/local';
export { fisherRaoDistance, fisherMetric, type DistanceResult, type DistanceOptions } from './geometry/distance';
export { shoot, type Geodesic, type Metric, type ShootOptions } from './geometry/geodesic';
export type { PointPair } from './geometry/pair';
export type { Inequality } from './geometry/support';

// ── Maximum likelihood ─────────────────────────────────────────────────────────────────────────
export { fit, type FitResult, type FitOptions, type FitStatus, type FitTests, type TestResult, type FitData, type ParamValues, type RowLabel } from './stats/fit';
export { fitToJSON, fitLatex, fitText, type FitJSON } from './stats/fitreport';
export { chiSquareSurvival, normalQuantile } from './numeric/special';

// ── Derivations: written out, and checked ──────────────────────────────────────────────────────
export { derive, type Derivation, type DeriveOptions, type Step, type Row, type Link, type Rich } from './render/derive';
export { derivationLatex, derivationDocument, derivationMarkdown } from './render/document';
export { verify, type VerifyResult, type VerifyOptions, type ClaimKind, type Counterexample } from './verify/verify';
export { checkDerivation, type DerivationReport, type DerivationStepReport, type DerivationFailure } from './verify/derivation';
