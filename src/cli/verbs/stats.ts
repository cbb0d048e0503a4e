/**
 * The verbs of the statistics stage: `expfamily`, `reparam`, `jeffreys`, `crb`. Each prints a
 * `# ...` header and the results in fisherlab's text syntax (they parse back), `--latex` lines
 * that render with KaTeX, or `--json` one object with `"value"` holding the numbers at `--at`.
 */
import type { Expr } from '../../expr/expr';
import { latexMatrix, latexName, latexVector, toLatex } from '../../expr/latex';
import { printExpr, printMatrix } from '../../expr/print';
import { numericFisher } from '../../fisher/numeric';
import type { Model } from '../../lang/model';
import { crb, type CrbResult } from '../../stats/crb';
import { expfamily, type ExpFamilyResult, type ExponentialFamily } from '../../stats/expfamily';
import { jeffreys, type JeffreysResult } from '../../stats/jeffreys';
import { reparam, type ReparamResult } from '../../stats/reparam';
import { MODEL_HELP, fmtNumber, fmtPoint, loadModel, parseParamsAt, positiveInteger } from '../common';
import { defineVerb, displayLatex, schemaPath, type SharedUse, type VerbContext } from '../registry';
import { MODEL_ARGUMENT, exprMatrix, exprText, finite, numberMatrix, pointJSON } from './shared';

interface AtOptions {
  at?: string;
}

interface ReparamOptions extends AtOptions {
  with: string;
  domain?: string;
}

interface CrbOptions extends AtOptions {
  n?: string;
  for?: string;
}

const SHARED_OPTIONS: readonly SharedUse[] = ['latex', 'json', { use: 'at', purpose: 'evaluate at parameter values' }];

const showRow = (v: readonly number[]): string => `[${v.map(fmtNumber).join(', ')}]`;
const showMatrix = (m: readonly (readonly number[])[]): string => `[${m.map(showRow).join(',\n ')}]`;
const texParams = (ps: readonly string[]): string => ps.map(latexName).join(', ');
const atJSON = (at: ReadonlyMap<string, number> | undefined): Record<string, unknown> => (at !== undefined ? { at: pointJSON(at) } : {});

// ---------------------------------------------------------------------------------------------
// expfamily

interface ExpfamilyReport {
  readonly m: Model;
  readonly r: ExpFamilyResult;
  readonly at?: ReadonlyMap<string, number>;
}

function runExpfamily({ args, options: o, io }: VerbContext<AtOptions>): ExpfamilyReport {
  const m = loadModel(args[0], io);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  return { m, r: expfamily(m, at !== undefined ? { at } : {}), ...(at !== undefined ? { at } : {}) };
}

function expfamilyText({ r, at }: ExpfamilyReport): string[] {
  if (!r.exponentialFamily) return [`# ${r.certain ? 'not an exponential family' : 'not recognised as an exponential family'}, because ${r.reason}`];
  const ps = r.params.join(', ');
  const ds = r.data.join(', ');
  const out = [
    `# exponential family in (${ps}): log p(${ds} | ${ps}) = η·T(${ds}) − A + log h(${ds})${r.curved ? `, curved (${r.eta.length} natural parameters, ${r.rank} free)` : ''}`,
    '# natural parameters η',
    `[${r.eta.map(printExpr).join(', ')}]`,
    '# sufficient statistics T',
    `[${r.stats.map(printExpr).join(', ')}]`,
    `# log-partition A(${ps})`,
    printExpr(r.logPartition),
  ];
  if (r.logPartitionNatural !== null && r.inverse !== null) {
    out.push(`# A(${r.naturalNames.join(', ')}), with ${[...r.inverse].map(([k, v]) => `${k} = ${printExpr(v)}`).join(', ')}`, printExpr(r.logPartitionNatural));
  }
  out.push(`# log base measure log h(${ds})`, printExpr(r.logBase));
  out.push(`# mean parameters E[T] (${[...new Set(r.meanSources)].join(', ')})`, `[${r.mean.map((e) => (e === null ? 'no closed form' : printExpr(e))).join(', ')}]`);
  if (r.natural !== null) out.push(`# Fisher information in natural coordinates, Cov[T] = ∇²A(η) (by ${r.naturalSource})`, printMatrix(r.natural, true));
  else out.push('# Fisher information in natural coordinates, Cov[T]: no closed form (give --at for numbers)');
  if (r.meanCoordinates !== null) out.push('# Fisher information in mean coordinates, Cov[T]⁻¹', printMatrix(r.meanCoordinates, true));
  if (r.fisher !== null) {
    const agree = r.agreesWithLadder === true ? ', equal to the method ladder’s' : r.agreesWithLadder === false ? ', DIFFERENT from the method ladder’s' : '';
    out.push(`# Fisher information in (${ps}), Jᵀ Cov[T] J with J = ∂η/∂(${ps})${agree}`, printMatrix(r.fisher, true));
  }
  for (const n of r.notes) out.push(`# note: ${n}`);
  return [...out, ...expfamilyPoint(r, at, '#')];
}

function expfamilyPoint(r: ExponentialFamily, at: ReadonlyMap<string, number> | undefined, c: string): string[] {
  if (r.value === undefined || at === undefined) return [];
  const v = r.value;
  const flat = (m: readonly (readonly number[])[]): string => showMatrix(m).replace(/\n/g, '');
  return [
    `${c} at ${fmtPoint(at)}`,
    `${c} η = ${showRow(v.eta)}, E[T] = ${showRow(v.mean)}, A = ${fmtNumber(v.logPartition)}`,
    ...(v.natural !== null ? [`${c} Cov[T] = ${flat(v.natural)}`] : []),
    ...(v.meanCoordinates !== null ? [`${c} Cov[T]⁻¹ = ${flat(v.meanCoordinates)}`] : []),
    ...(v.fisher !== null ? [`${c} Jᵀ Cov[T] J = ${flat(v.fisher)}`] : []),
  ];
}

function expfamilyLatex({ r, at }: ExpfamilyReport): string[] {
  if (!r.exponentialFamily) return [`\\text{${r.certain ? 'not an exponential family' : 'not recognised as an exponential family'}}\n% ${r.reason}`];
  const ps = texParams(r.params);
  const ds = r.data.map(latexName).join(', ');
  const lines = [
    `\\log p(${ds} \\mid ${ps}) = \\eta^{\\top} T(${ds}) - A + \\log h(${ds}), \\quad \\eta = ${latexVector(r.eta)}, \\quad T(${ds}) = ${latexVector(r.stats)}`,
    `A(${ps}) = ${toLatex(r.logPartition)}, \\quad \\log h(${ds}) = ${toLatex(r.logBase)}`,
  ];
  if (r.logPartitionNatural !== null) lines.push(`A(${texParams(r.naturalNames)}) = ${toLatex(r.logPartitionNatural)}`);
  if (r.mean.every((e) => e !== null)) lines.push(`\\mathbb{E}[T] = ${latexVector(r.mean as Expr[])}`);
  if (r.natural !== null) lines.push(`\\operatorname{Cov}[T] = \\nabla^{2}_{\\eta} A = ${latexMatrix(r.natural)}`);
  if (r.meanCoordinates !== null) lines.push(`\\operatorname{Cov}[T]^{-1} = ${latexMatrix(r.meanCoordinates)}`);
  if (r.fisher !== null) lines.push(`\\mathcal{I}(${ps}) = J^{\\top} \\operatorname{Cov}[T] \\, J = ${latexMatrix(r.fisher)}`);
  return [lines.join('\n'), ...expfamilyPoint(r, at, '%')];
}

function expfamilyJSON(rep: ExpfamilyReport): Record<string, unknown> {
  const { m, r, at } = rep;
  const latex = displayLatex(expfamilyLatex(rep).flatMap((l) => l.split('\n')));
  const warnings = [...m.warnings];
  if (!r.exponentialFamily) {
    return { params: r.params, data: m.data.map((d) => d.name), exponentialFamily: false, certain: r.certain, reason: r.reason, term: exprText(r.term), minDimension: r.span ?? null, latex, warnings };
  }
  const v = r.value;
  return {
    params: r.params,
    data: r.data,
    exponentialFamily: true,
    curved: r.curved,
    dimension: r.eta.length,
    rank: r.rank,
    eta: r.eta.map(printExpr),
    stats: r.stats.map(printExpr),
    logPartition: printExpr(r.logPartition),
    naturalNames: r.naturalNames,
    paramsOfNatural: r.inverse === null ? null : Object.fromEntries([...r.inverse].map(([k, e]) => [k, printExpr(e)])),
    logPartitionNatural: exprText(r.logPartitionNatural),
    logBase: printExpr(r.logBase),
    fullFamily: r.fullFamily,
    mean: r.mean.map(exprText),
    meanMethods: r.meanSources,
    fisherNatural: exprMatrix(r.natural),
    fisherNaturalMethod: r.naturalSource,
    fisherMean: exprMatrix(r.meanCoordinates),
    fisher: exprMatrix(r.fisher),
    agreesWithLadder: r.agreesWithLadder ?? null,
    notes: r.notes,
    latex,
    warnings,
    ...(v !== undefined
      ? {
          ...atJSON(at),
          value: { eta: v.eta.map(finite), mean: v.mean.map(finite), logPartition: finite(v.logPartition), fisherNatural: numberMatrix(v.natural), fisherMean: numberMatrix(v.meanCoordinates), fisher: numberMatrix(v.fisher) },
        }
      : {}),
  };
}

export const expfamilyVerb = defineVerb({
  name: 'expfamily',
  summary: 'is the model an exponential family? natural parameters, statistics, log-partition, mean parameters, Fisher matrices in natural and mean coordinates',
  arguments: [MODEL_ARGUMENT],
  shared: SHARED_OPTIONS,
  options: [],
  help: MODEL_HELP,
  schema: schemaPath('expfamily'),
  run: runExpfamily,
  json: expfamilyJSON,
  text: expfamilyText,
  latex: expfamilyLatex,
  warnings: (r: ExpfamilyReport) => r.m.warnings,
});

// ---------------------------------------------------------------------------------------------
// reparam

interface ReparamReport {
  readonly r: ReparamResult;
  readonly at?: ReadonlyMap<string, number>;
}

function runReparam({ args, options: o, io }: VerbContext<ReparamOptions>): ReparamReport {
  const m = loadModel(args[0], io);
  const domains = o.domain !== undefined ? { domains: o.domain } : {};
  // --at names the new parameters: parse it against the new model.
  const r0 = reparam(m, o.with, domains);
  const at = o.at === undefined ? undefined : parseParamsAt(r0.model, o.at);
  const r = at === undefined ? r0 : reparam(m, o.with, { ...domains, at, numeric: numericFisher });
  return { r, ...(at !== undefined ? { at } : {}) };
}

function reparamLines({ r, at }: ReparamReport, latex: boolean): string[] {
  const c = latex ? '%' : '#';
  const out: string[] = [];
  if (r.agreement !== null) {
    const a = r.agreement;
    const how = a.symbolic ? `symbolically, and numerically at ${a.points} points of the new domain` : `numerically at ${a.points} points of the new domain (not shown symbolically)`;
    out.push(a.ok ? `${c} equal: ${how} (largest relative difference ${a.maxRelDiff.toExponential(1)})` : `${c} NOT equal: largest relative difference ${a.maxRelDiff.toExponential(2)} at ${a.points} points`);
  } else out.push(`${c} Jᵀ F J not compared: ${r.oldFisher.closedForm ? 'the new density has' : 'the old density has'} no closed-form Fisher matrix${at === undefined ? ' (give --at for numbers)' : ''}`);
  if (r.value !== undefined && at !== undefined) {
    out.push(`${c} at ${fmtPoint(at)}`);
    if (r.value.fisher !== null) out.push(`${c} F = ${showMatrix(r.value.fisher).replace(/\n/g, '')}`);
    if (r.value.pullback !== null) out.push(`${c} Jᵀ F J = ${showMatrix(r.value.pullback).replace(/\n/g, '')}`);
  }
  return out;
}

function reparamText(rep: ReparamReport): string[] {
  const { r } = rep;
  const ps = r.model.params.map((p) => p.name);
  const oldPs = r.original.params.map((p) => p.name);
  const out = [`# reparameterisation ${[...r.map].map(([k, v]) => `${k} = ${printExpr(v)}`).join(', ')}, with ${r.newParams.map((p) => `${p.name} in ${p.label}${p.origin === 'inferred' ? ' (inferred)' : ''}`).join(', ')}`];
  for (const c of r.checks) out.push(`# ${c.param} = g(${ps.join(', ')}) maps the new domain into ${r.original.symbols.get(c.param)!.label}: ${c.how}`);
  out.push(
    `# new model: ${r.model.source.replace(/\n/g, '; ')}`,
    `# Fisher information of the new density, in the order (${ps.join(', ')}) (method: ${r.fisher.method})`,
    r.fisher.closedForm ? printMatrix(r.fisher.matrix as Expr[][], true) : '# no closed form',
    `# Jacobian J = ∂(${oldPs.join(', ')})/∂(${ps.join(', ')})`,
    printMatrix(r.jacobian, true),
  );
  if (r.pullback !== null) out.push(`# Jᵀ F(g(${ps.join(', ')})) J`, printMatrix(r.pullback, true));
  return [...out, ...reparamLines(rep, false)];
}

function reparamLatex(rep: ReparamReport): string[] {
  const { r } = rep;
  const ps = texParams(r.model.params.map((p) => p.name));
  const subs = [...r.map].map(([k, v]) => `${latexName(k)} = ${toLatex(v)}`).join(', \\; ');
  const lines = [`${subs}, \\quad J = ${latexMatrix(r.jacobian)}`];
  if (r.fisher.closedForm) lines.push(`\\mathcal{I}(${ps}) = ${latexMatrix(r.fisher.matrix as Expr[][])}`);
  if (r.pullback !== null) lines.push(`J^{\\top} \\mathcal{I}(g(${ps})) \\, J = ${latexMatrix(r.pullback)}`);
  return [lines.join('\n'), ...reparamLines(rep, true)];
}

function reparamJSON(rep: ReparamReport): Record<string, unknown> {
  const { r, at } = rep;
  const ps = r.model.params.map((p) => p.name);
  return {
    params: ps,
    oldParams: r.original.params.map((p) => p.name),
    map: Object.fromEntries([...r.map].map(([k, v]) => [k, printExpr(v)])),
    domains: r.newParams.map((p) => ({ name: p.name, domain: p.label, origin: p.origin })),
    checks: r.checks.map((c) => ({ name: `${c.param} = g(${ps.join(', ')}) maps the new domain into ${r.original.symbols.get(c.param)!.label}`, ok: c.ok, detail: c.how, param: c.param })),
    model: r.model.source,
    method: r.fisher.method,
    fisher: exprMatrix(r.fisher.matrix),
    jacobian: exprMatrix(r.jacobian),
    pullback: exprMatrix(r.pullback),
    agreement: r.agreement,
    latex: displayLatex(reparamLatex(rep).flatMap((l) => l.split('\n'))),
    warnings: [...r.model.warnings, ...r.warnings],
    ...(r.value !== undefined ? { ...atJSON(at), value: { fisher: numberMatrix(r.value.fisher), pullback: numberMatrix(r.value.pullback) } } : {}),
  };
}

export const reparamVerb = defineVerb({
  name: 'reparam',
  summary: 'substitute theta = g(phi) and show that the Fisher matrix of the new density is Jᵀ F(g(phi)) J',
  arguments: [MODEL_ARGUMENT],
  shared: ['latex', 'json', { use: 'at', purpose: 'evaluate at values of the new parameters' }],
  options: [
    { flags: '--with <substitutions>', description: "the substitution(s), e.g. 'theta = phi/(1 + phi)' or 'mu = m; sigma = exp(s)'", required: true },
    { flags: '--domain <domains>', description: "domains of the new parameters, e.g. 'phi in positive' (inferred from the map when left out)" },
  ],
  help: MODEL_HELP,
  negative: 'Jᵀ F J differs from the Fisher matrix of the new density',
  schema: schemaPath('reparam'),
  run: runReparam,
  json: reparamJSON,
  text: reparamText,
  latex: reparamLatex,
  warnings: ({ r }: ReparamReport) => [...r.model.warnings, ...r.warnings],
  exit: ({ r }: ReparamReport) => (r.agreement === null || r.agreement.ok ? 0 : 1),
});

// ---------------------------------------------------------------------------------------------
// jeffreys

interface JeffreysReport {
  readonly m: Model;
  readonly j: JeffreysResult;
  readonly at?: ReadonlyMap<string, number>;
}

function runJeffreys({ args, options: o, io }: VerbContext<AtOptions>): JeffreysReport {
  const m = loadModel(args[0], io);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  return { m, j: jeffreys(m, at !== undefined ? { at, numeric: numericFisher } : {}), ...(at !== undefined ? { at } : {}) };
}

const properness = (j: JeffreysResult): string => (j.proper === true ? 'proper' : j.proper === false ? 'improper' : 'properness not decided');

function jeffreysPoint({ j, at }: JeffreysReport, c: string): string[] {
  if (j.value === undefined || at === undefined) return [];
  return [`${c} at ${fmtPoint(at)}: ${j.kernel === null ? 'sqrt(det F)' : 'kernel'} ${fmtNumber(j.value.kernel)}${j.value.density !== null ? `, normalised density ${fmtNumber(j.value.density)}` : ''}`];
}

function jeffreysText(rep: JeffreysReport): string[] {
  const { j } = rep;
  const ps = j.params.join(', ');
  const out = [`# Jeffreys prior of (${ps}): π(${ps}) ∝ sqrt(det F)`, j.kernel === null ? '# no closed form (the Fisher matrix has none)' : printExpr(j.kernel)];
  if (j.name !== null) out.push(`# kernel: ${j.name}`);
  out.push(`# ${properness(j)}: ${j.reason}`);
  if (j.normaliser !== null) out.push(`# normalising constant: ${j.normaliser.expr !== null ? `${printExpr(j.normaliser.expr)} = ` : ''}${fmtNumber(j.normaliser.value)}${j.normaliser.error > 0 ? ` (± ${j.normaliser.error.toExponential(1)}, ${j.normaliser.method})` : ''}`);
  return [...out, ...jeffreysPoint(rep, '#')];
}

function jeffreysLatex(rep: JeffreysReport): string[] {
  const { j } = rep;
  const lhs = `\\pi(${texParams(j.params)})`;
  const out = [j.kernel === null ? `${lhs} \\propto \\sqrt{\\det \\mathcal{I}(${texParams(j.params)})}` : `${lhs} \\propto ${toLatex(j.kernel)}`];
  if (j.normaliser?.expr != null && j.kernel !== null) out.push(`${lhs} = \\frac{1}{${toLatex(j.normaliser.expr)}} ${toLatex(j.kernel)}`);
  out.push(`% ${j.name !== null ? `${j.name}; ` : ''}${properness(j)}: ${j.reason}`);
  return [...out, ...jeffreysPoint(rep, '%')];
}

function jeffreysJSON(rep: JeffreysReport): Record<string, unknown> {
  const { m, j, at } = rep;
  return {
    params: j.params,
    determinant: exprText(j.determinant),
    kernel: exprText(j.kernel),
    kernelName: j.name,
    proper: j.proper,
    reason: j.reason,
    normaliser: j.normaliser === null ? null : { expr: exprText(j.normaliser.expr), value: finite(j.normaliser.value), errorEstimate: finite(j.normaliser.error), method: j.normaliser.method },
    factors: j.factors.map((f) => ({ params: f.params, kernel: printExpr(f.kernel), kernelName: f.name, proper: f.proper, reason: f.reason })),
    latex: displayLatex(jeffreysLatex(rep)),
    warnings: [...m.warnings],
    ...(j.value !== undefined ? { ...atJSON(at), value: { kernel: finite(j.value.kernel), density: j.value.density === null ? null : finite(j.value.density) } } : {}),
  };
}

export const jeffreysVerb = defineVerb({
  name: 'jeffreys',
  summary: 'the Jeffreys prior, sqrt(det F) up to a constant: named kernel, proper or not, normalising constant',
  arguments: [MODEL_ARGUMENT],
  shared: SHARED_OPTIONS,
  options: [],
  help: MODEL_HELP,
  schema: schemaPath('jeffreys'),
  run: runJeffreys,
  json: jeffreysJSON,
  text: jeffreysText,
  latex: jeffreysLatex,
  warnings: (r: JeffreysReport) => r.m.warnings,
});

// ---------------------------------------------------------------------------------------------
// crb

interface CrbReport {
  readonly r: CrbResult;
  readonly at?: ReadonlyMap<string, number>;
}

function runCrb({ args, options: o, io }: VerbContext<CrbOptions>): CrbReport {
  const m = loadModel(args[0], io);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const n = positiveInteger(o.n, '--n', 1);
  const r = crb(m, { n, ...(o.for !== undefined ? { target: o.for } : {}), ...(at !== undefined ? { at, numeric: numericFisher } : {}) });
  return { r, ...(at !== undefined ? { at } : {}) };
}

function crbPoint({ r, at }: CrbReport, latex: boolean): string[] {
  if (r.value === undefined || at === undefined) return [];
  const c = latex ? '%' : '#';
  const out = [`${c} at ${fmtPoint(at)}`, `${latex ? '% ' : ''}${showMatrix(r.value).replace(/\n/g, latex ? '' : '\n')}`];
  if (r.target?.value !== undefined) out.push(`${c} bound for ${printExpr(r.target.expr)}: ${fmtNumber(r.target.value)} (standard deviation ≥ ${fmtNumber(Math.sqrt(r.target.value))})`);
  return out;
}

function crbText(rep: CrbReport): string[] {
  const { r } = rep;
  const obs = r.n === 1 ? 'one observation' : `n = ${r.n} observations`;
  const out = [
    `# Cramér–Rao bound for unbiased estimators of (${r.params.join(', ')}) from ${obs}: Cov ⪰ F⁻¹/n (method: ${r.fisher.method})`,
    r.bound !== null ? printMatrix(r.bound, true) : '# no closed form (the Fisher matrix has none): give --at for numbers',
  ];
  if (r.target !== undefined) {
    out.push(
      `# for g = ${printExpr(r.target.expr)}: Var ≥ ∇gᵀ F⁻¹ ∇g / n, with ∇g = [${r.target.gradient.map(printExpr).join(', ')}]`,
      r.target.bound !== null ? printExpr(r.target.bound) : '# no closed form: give --at for a number',
    );
  }
  return [...out, ...crbPoint(rep, false)];
}

function crbLatex(rep: CrbReport): string[] {
  const { r } = rep;
  const tp = texParams(r.params);
  const out: string[] = [];
  if (r.bound !== null) out.push(`\\operatorname{Cov}(\\hat{${r.params.length === 1 ? tp : '\\theta'}}) \\succeq \\frac{1}{${r.n}} \\mathcal{I}(${tp})^{-1} = ${latexMatrix(r.bound)}`);
  if (r.target?.bound != null) out.push(`\\operatorname{Var}(\\widehat{${toLatex(r.target.expr)}}) \\geq ${toLatex(r.target.bound)}`);
  return [...out, ...crbPoint(rep, true)];
}

function crbJSON(rep: CrbReport): Record<string, unknown> {
  const { r, at } = rep;
  const t = r.target;
  return {
    params: r.params,
    observations: r.n,
    method: r.fisher.method,
    fisher: exprMatrix(r.fisher.matrix),
    fisherInverse: exprMatrix(r.inverse),
    bound: exprMatrix(r.bound),
    target: t === undefined ? null : { g: printExpr(t.expr), gradient: t.gradient.map(printExpr), bound: exprText(t.bound), ...(t.value !== undefined ? { value: { bound: finite(t.value) } } : {}) },
    latex: displayLatex(crbLatex(rep)),
    warnings: r.fisher.warnings,
    ...(r.value !== undefined ? { ...atJSON(at), value: { bound: numberMatrix(r.value) } } : {}),
  };
}

export const crbVerb = defineVerb({
  name: 'crb',
  summary: 'the Cramér–Rao bound F⁻¹/n for unbiased estimators of the parameters, and of a function g(theta)',
  arguments: [MODEL_ARGUMENT],
  shared: SHARED_OPTIONS,
  options: [
    { flags: '--n <N>', description: 'number of independent observations (default 1)' },
    { flags: '--for <g>', description: "a function of the parameters to bound, e.g. 'mu/sigma'" },
  ],
  help: MODEL_HELP,
  schema: schemaPath('crb'),
  run: runCrb,
  json: crbJSON,
  text: crbText,
  latex: crbLatex,
  warnings: (r: CrbReport) => r.r.fisher.warnings,
});
