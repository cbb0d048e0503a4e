/**
 * The verbs of the statistics stage: `expfamily`, `reparam`, `jeffreys`, `crb`. Each prints a
 * `# ...` header and the results in fisherlab's text syntax (they parse back), `--latex` lines
 * that render with KaTeX, or `--json` one object with `"value"` holding the numbers at `--at`.
 */
import { Command, Option } from 'commander';
import type { Expr } from '../expr/expr';
import { latexMatrix, latexName, latexVector, toLatex } from '../expr/latex';
import { printExpr, printMatrix } from '../expr/print';
import { numericFisher } from '../fisher/numeric';
import { crb, type CrbResult } from '../stats/crb';
import { expfamily, type ExpFamilyResult, type ExponentialFamily } from '../stats/expfamily';
import { jeffreys, type JeffreysResult } from '../stats/jeffreys';
import { reparam, type ReparamResult } from '../stats/reparam';
import { MODEL_HELP, finish, fmtNumber, fmtPoint, loadModel, parseParamsAt, positiveInteger, print, type OutputOptions } from './common';

/** Register `expfamily`, `reparam`, `jeffreys` and `crb`. */
export function registerStats(p: Command): void {
  const verb = (name: string, description: string, json: string): Command =>
    p
      .command(name)
      .description(description)
      .argument('<model>', 'the model text, or a file holding it')
      .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready) instead of text').conflicts('json'))
      .option('--json', `print one JSON object: ${json}`)
      .option('--at <values>', 'evaluate at parameter values, e.g. --at mu=0,sigma=2')
      .addHelpText('after', `\n${MODEL_HELP}`);
  verb('expfamily', 'is the model an exponential family? natural parameters, statistics, log-partition, mean parameters, Fisher matrices in natural and mean coordinates', '{"exponentialFamily", "eta", "stats", "logPartition", "mean", "natural", "fisher", ..., "value"}').action(
    (m: string, o: OutputOptions) => finish(runExpfamily(m, o)),
  );
  verb('reparam', 'substitute theta = g(phi) and show that the Fisher matrix of the new density is Jᵀ F(g(phi)) J', '{"params", "map", "fisher", "jacobian", "pullback", "agreement", ..., "value"}')
    .requiredOption('--with <substitutions>', "the substitution(s), e.g. 'theta = phi/(1 + phi)' or 'mu = m; sigma = exp(s)'")
    .option('--domain <domains>', "domains of the new parameters, e.g. 'phi in positive' (inferred from the map when left out)")
    .action((m: string, o: ReparamCliOptions) => finish(runReparam(m, o)));
  verb('jeffreys', 'the Jeffreys prior, sqrt(det F) up to a constant: named kernel, proper or not, normalising constant', '{"params", "kernel", "name", "proper", "reason", "normaliser", ..., "value"}').action(
    (m: string, o: OutputOptions) => finish(runJeffreys(m, o)),
  );
  verb('crb', 'the Cramér–Rao bound F⁻¹/n for unbiased estimators of the parameters, and of a function g(theta)', '{"params", "n", "bound", "target", ..., "value"}')
    .option('--n <N>', 'number of independent observations (default 1)')
    .option('--for <g>', "a function of the parameters to bound, e.g. 'mu/sigma'")
    .action((m: string, o: CrbCliOptions) => finish(runCrb(m, o)));
}

interface ReparamCliOptions extends OutputOptions {
  with: string;
  domain?: string;
}

interface CrbCliOptions extends OutputOptions {
  n?: string;
  for?: string;
}

const str = (e: Expr | null): string | null => (e === null ? null : printExpr(e));
const strs = (m: ReadonlyArray<ReadonlyArray<Expr | null>> | null): (string | null)[][] | null => (m === null ? null : m.map((r) => r.map(str)));
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
const nums = (m: readonly (readonly number[])[] | null | undefined): (number | null)[][] | null => (m == null ? null : m.map((r) => r.map(finite)));
const showRow = (v: readonly number[]): string => `[${v.map(fmtNumber).join(', ')}]`;
const showMatrix = (m: readonly (readonly number[])[]): string => `[${m.map(showRow).join(',\n ')}]`;
const texParams = (ps: readonly string[]): string => ps.map(latexName).join(', ');
const stderrWarnings = (ws: readonly string[]): void => ws.forEach((w) => process.stderr.write(`warning: ${w}\n`));

// ---------------------------------------------------------------------------------------------
// expfamily

function runExpfamily(modelArg: string, o: OutputOptions): number {
  const m = loadModel(modelArg);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const r = expfamily(m, at !== undefined ? { at } : {});
  if (o.json) {
    print(JSON.stringify(expfamilyJSON(r), null, 2));
    return 0;
  }
  stderrWarnings(m.warnings);
  if (!r.exponentialFamily) {
    const head = r.certain ? 'not an exponential family' : 'not recognised as an exponential family';
    if (o.latex) print(`\\text{${head}}\n% ${r.reason}`);
    else print(`# ${head}, because ${r.reason}`);
    return 0;
  }
  if (o.latex) print(expfamilyLatex(r));
  else printExpfamilyText(r);
  if (r.value !== undefined && at !== undefined) {
    const c = o.latex ? '%' : '#';
    const v = r.value;
    print(`${c} at ${fmtPoint(at)}`);
    print(`${c} η = ${showRow(v.eta)}, E[T] = ${showRow(v.mean)}, A = ${fmtNumber(v.logPartition)}`);
    if (v.natural !== null) print(`${c} Cov[T] = ${showMatrix(v.natural).replace(/\n/g, '')}`);
    if (v.meanCoordinates !== null) print(`${c} Cov[T]⁻¹ = ${showMatrix(v.meanCoordinates).replace(/\n/g, '')}`);
    if (v.fisher !== null) print(`${c} Jᵀ Cov[T] J = ${showMatrix(v.fisher).replace(/\n/g, '')}`);
  }
  return 0;
}

function printExpfamilyText(r: ExponentialFamily): void {
  const ps = r.params.join(', ');
  const ds = r.data.join(', ');
  print(`# exponential family in (${ps}): log p(${ds} | ${ps}) = η·T(${ds}) − A + log h(${ds})${r.curved ? `, curved (${r.eta.length} natural parameters, ${r.rank} free)` : ''}`);
  print('# natural parameters η');
  print(`[${r.eta.map(printExpr).join(', ')}]`);
  print('# sufficient statistics T');
  print(`[${r.stats.map(printExpr).join(', ')}]`);
  print(`# log-partition A(${ps})`);
  print(printExpr(r.logPartition));
  if (r.logPartitionNatural !== null && r.inverse !== null) {
    print(`# A(${r.naturalNames.join(', ')}), with ${[...r.inverse].map(([k, v]) => `${k} = ${printExpr(v)}`).join(', ')}`);
    print(printExpr(r.logPartitionNatural));
  }
  print(`# log base measure log h(${ds})`);
  print(printExpr(r.logBase));
  print(`# mean parameters E[T] (${[...new Set(r.meanSources)].join(', ')})`);
  print(`[${r.mean.map((e) => (e === null ? 'no closed form' : printExpr(e))).join(', ')}]`);
  if (r.natural !== null) {
    print(`# Fisher information in natural coordinates, Cov[T] = ∇²A(η) (by ${r.naturalSource})`);
    print(printMatrix(r.natural, true));
  } else print('# Fisher information in natural coordinates, Cov[T]: no closed form (give --at for numbers)');
  if (r.meanCoordinates !== null) {
    print('# Fisher information in mean coordinates, Cov[T]⁻¹');
    print(printMatrix(r.meanCoordinates, true));
  }
  if (r.fisher !== null) {
    const agree = r.agreesWithLadder === true ? ', equal to the method ladder’s' : r.agreesWithLadder === false ? ', DIFFERENT from the method ladder’s' : '';
    print(`# Fisher information in (${ps}), Jᵀ Cov[T] J with J = ∂η/∂(${ps})${agree}`);
    print(printMatrix(r.fisher, true));
  }
  for (const n of r.notes) print(`# note: ${n}`);
}

function expfamilyLatex(r: ExponentialFamily): string {
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
  return lines.join('\n');
}

function expfamilyJSON(r: ExpFamilyResult): object {
  if (!r.exponentialFamily) return { params: r.params, exponentialFamily: false, certain: r.certain, reason: r.reason, term: r.term === undefined ? null : printExpr(r.term), span: r.span ?? null };
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
    inverse: r.inverse === null ? null : Object.fromEntries([...r.inverse].map(([k, v]) => [k, printExpr(v)])),
    logPartitionNatural: str(r.logPartitionNatural),
    logBase: printExpr(r.logBase),
    fullFamily: r.fullFamily,
    mean: r.mean.map(str),
    meanSources: r.meanSources,
    natural: strs(r.natural),
    naturalSource: r.naturalSource,
    meanCoordinates: strs(r.meanCoordinates),
    fisher: strs(r.fisher),
    agreesWithLadder: r.agreesWithLadder ?? null,
    notes: r.notes,
    ...(r.value !== undefined
      ? { value: { eta: r.value.eta.map(finite), mean: r.value.mean.map(finite), logPartition: finite(r.value.logPartition), natural: nums(r.value.natural), meanCoordinates: nums(r.value.meanCoordinates), fisher: nums(r.value.fisher) } }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// reparam

function runReparam(modelArg: string, o: ReparamCliOptions): number {
  const m = loadModel(modelArg);
  // --at names the new parameters: parse it against the new model.
  const r0 = reparam(m, o.with, { ...(o.domain !== undefined ? { domains: o.domain } : {}) });
  const at = o.at === undefined ? undefined : parseParamsAt(r0.model, o.at);
  const r = at === undefined ? r0 : reparam(m, o.with, { ...(o.domain !== undefined ? { domains: o.domain } : {}), at, numeric: numericFisher });
  const ok = r.agreement === null || r.agreement.ok;
  if (o.json) {
    print(JSON.stringify(reparamJSON(r), null, 2));
    return ok ? 0 : 1;
  }
  stderrWarnings([...r.model.warnings, ...r.warnings]);
  const ps = r.model.params.map((p) => p.name);
  const oldPs = r.original.params.map((p) => p.name);
  if (o.latex) print(reparamLatex(r));
  else {
    print(`# reparameterisation ${[...r.map].map(([k, v]) => `${k} = ${printExpr(v)}`).join(', ')}, with ${r.newParams.map((p) => `${p.name} in ${p.label}${p.origin === 'inferred' ? ' (inferred)' : ''}`).join(', ')}`);
    for (const c of r.checks) print(`# ${c.param} = g(${ps.join(', ')}) maps the new domain into ${r.original.symbols.get(c.param)!.label}: ${c.how}`);
    print(`# new model: ${r.model.source.replace(/\n/g, '; ')}`);
    print(`# Fisher information of the new density, in the order (${ps.join(', ')}) (method: ${r.fisher.method})`);
    print(r.fisher.closedForm ? printMatrix(r.fisher.matrix as Expr[][], true) : '# no closed form');
    print(`# Jacobian J = ∂(${oldPs.join(', ')})/∂(${ps.join(', ')})`);
    print(printMatrix(r.jacobian, true));
    if (r.pullback !== null) {
      print(`# Jᵀ F(g(${ps.join(', ')})) J`);
      print(printMatrix(r.pullback, true));
    }
  }
  const c = o.latex ? '%' : '#';
  if (r.agreement !== null) {
    const a = r.agreement;
    const how = a.symbolic ? `symbolically, and numerically at ${a.points} points of the new domain` : `numerically at ${a.points} points of the new domain (not shown symbolically)`;
    print(a.ok ? `${c} equal: ${how} (largest relative difference ${a.maxRelDiff.toExponential(1)})` : `${c} NOT equal: largest relative difference ${a.maxRelDiff.toExponential(2)} at ${a.points} points`);
  } else print(`${c} Jᵀ F J not compared: ${r.oldFisher.closedForm ? 'the new density has' : 'the old density has'} no closed-form Fisher matrix${o.at === undefined ? ' (give --at for numbers)' : ''}`);
  if (r.value !== undefined && at !== undefined) {
    print(`${c} at ${fmtPoint(at)}`);
    if (r.value.fisher !== null) print(`${c} F = ${showMatrix(r.value.fisher).replace(/\n/g, '')}`);
    if (r.value.pullback !== null) print(`${c} Jᵀ F J = ${showMatrix(r.value.pullback).replace(/\n/g, '')}`);
  }
  return ok ? 0 : 1;
}

function reparamLatex(r: ReparamResult): string {
  const ps = texParams(r.model.params.map((p) => p.name));
  const subs = [...r.map].map(([k, v]) => `${latexName(k)} = ${toLatex(v)}`).join(', \\; ');
  const lines = [`${subs}, \\quad J = ${latexMatrix(r.jacobian)}`];
  if (r.fisher.closedForm) lines.push(`\\mathcal{I}(${ps}) = ${latexMatrix(r.fisher.matrix as Expr[][])}`);
  if (r.pullback !== null) lines.push(`J^{\\top} \\mathcal{I}(g(${ps})) \\, J = ${latexMatrix(r.pullback)}`);
  return lines.join('\n');
}

function reparamJSON(r: ReparamResult): object {
  return {
    params: r.model.params.map((p) => p.name),
    oldParams: r.original.params.map((p) => p.name),
    map: Object.fromEntries([...r.map].map(([k, v]) => [k, printExpr(v)])),
    domains: r.newParams.map((p) => ({ name: p.name, domain: p.label, origin: p.origin })),
    checks: r.checks,
    model: r.model.source,
    method: r.fisher.method,
    fisher: strs(r.fisher.matrix),
    jacobian: strs(r.jacobian),
    pullback: strs(r.pullback),
    agreement: r.agreement,
    warnings: [...r.model.warnings, ...r.warnings],
    ...(r.value !== undefined ? { value: { fisher: nums(r.value.fisher), pullback: nums(r.value.pullback) } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// jeffreys

function runJeffreys(modelArg: string, o: OutputOptions): number {
  const m = loadModel(modelArg);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const j = jeffreys(m, at !== undefined ? { at, numeric: numericFisher } : {});
  if (o.json) {
    print(JSON.stringify(jeffreysJSON(j), null, 2));
    return 0;
  }
  stderrWarnings(m.warnings);
  const ps = j.params.join(', ');
  if (o.latex) {
    const lhs = `\\pi(${texParams(j.params)})`;
    print(j.kernel === null ? `${lhs} \\propto \\sqrt{\\det \\mathcal{I}(${texParams(j.params)})}` : `${lhs} \\propto ${toLatex(j.kernel)}`);
    if (j.normaliser?.expr != null && j.kernel !== null) print(`${lhs} = \\frac{1}{${toLatex(j.normaliser.expr)}} ${toLatex(j.kernel)}`);
    print(`% ${j.name !== null ? `${j.name}; ` : ''}${j.proper === true ? 'proper' : j.proper === false ? 'improper' : 'properness not decided'}: ${j.reason}`);
  } else {
    print(`# Jeffreys prior of (${ps}): π(${ps}) ∝ sqrt(det F)`);
    print(j.kernel === null ? '# no closed form (the Fisher matrix has none)' : printExpr(j.kernel));
    if (j.name !== null) print(`# kernel: ${j.name}`);
    print(`# ${j.proper === true ? 'proper' : j.proper === false ? 'improper' : 'properness not decided'}: ${j.reason}`);
    if (j.normaliser !== null) print(`# normalising constant: ${j.normaliser.expr !== null ? `${printExpr(j.normaliser.expr)} = ` : ''}${fmtNumber(j.normaliser.value)}${j.normaliser.error > 0 ? ` (± ${j.normaliser.error.toExponential(1)}, ${j.normaliser.method})` : ''}`);
  }
  if (j.value !== undefined && at !== undefined) {
    const c = o.latex ? '%' : '#';
    print(`${c} at ${fmtPoint(at)}: ${j.kernel === null ? 'sqrt(det F)' : 'kernel'} ${fmtNumber(j.value.kernel)}${j.value.density !== null ? `, normalised density ${fmtNumber(j.value.density)}` : ''}`);
  }
  return 0;
}

function jeffreysJSON(j: JeffreysResult): object {
  return {
    params: j.params,
    determinant: str(j.determinant),
    kernel: str(j.kernel),
    latex: j.kernel === null ? null : toLatex(j.kernel),
    name: j.name,
    proper: j.proper,
    reason: j.reason,
    normaliser: j.normaliser === null ? null : { expr: str(j.normaliser.expr), value: j.normaliser.value, error: j.normaliser.error, method: j.normaliser.method },
    factors: j.factors.map((f) => ({ params: f.params, kernel: printExpr(f.kernel), name: f.name, proper: f.proper, reason: f.reason })),
    ...(j.value !== undefined ? { value: { kernel: finite(j.value.kernel), density: j.value.density === null ? null : finite(j.value.density) } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// crb

function runCrb(modelArg: string, o: CrbCliOptions): number {
  const m = loadModel(modelArg);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const n = positiveInteger(o.n, '--n', 1);
  const r = crb(m, { n, ...(o.for !== undefined ? { target: o.for } : {}), ...(at !== undefined ? { at, numeric: numericFisher } : {}) });
  if (o.json) {
    print(JSON.stringify(crbJSON(r), null, 2));
    return 0;
  }
  stderrWarnings(r.fisher.warnings);
  const ps = r.params.join(', ');
  const obs = n === 1 ? 'one observation' : `n = ${n} observations`;
  if (o.latex) {
    const tp = texParams(r.params);
    if (r.bound !== null) print(`\\operatorname{Cov}(\\hat{${r.params.length === 1 ? tp : '\\theta'}}) \\succeq \\frac{1}{${n}} \\mathcal{I}(${tp})^{-1} = ${latexMatrix(r.bound)}`);
    if (r.target?.bound != null) print(`\\operatorname{Var}(\\widehat{${toLatex(r.target.expr)}}) \\geq ${toLatex(r.target.bound)}`);
  } else {
    print(`# Cramér–Rao bound for unbiased estimators of (${ps}) from ${obs}: Cov ⪰ F⁻¹/n (method: ${r.fisher.method})`);
    print(r.bound !== null ? printMatrix(r.bound, true) : '# no closed form (the Fisher matrix has none): give --at for numbers');
    if (r.target !== undefined) {
      print(`# for g = ${printExpr(r.target.expr)}: Var ≥ ∇gᵀ F⁻¹ ∇g / n, with ∇g = [${r.target.gradient.map(printExpr).join(', ')}]`);
      print(r.target.bound !== null ? printExpr(r.target.bound) : '# no closed form: give --at for a number');
    }
  }
  if (r.value !== undefined && at !== undefined) {
    const c = o.latex ? '%' : '#';
    print(`${c} at ${fmtPoint(at)}`);
    print(`${o.latex ? '% ' : ''}${showMatrix(r.value).replace(/\n/g, o.latex ? '' : '\n')}`);
    if (r.target?.value !== undefined) print(`${c} bound for ${printExpr(r.target.expr)}: ${fmtNumber(r.target.value)} (standard deviation ≥ ${fmtNumber(Math.sqrt(r.target.value))})`);
  }
  return 0;
}

function crbJSON(r: CrbResult): object {
  return {
    params: r.params,
    n: r.n,
    method: r.fisher.method,
    fisher: strs(r.fisher.matrix),
    inverse: strs(r.inverse),
    bound: strs(r.bound),
    target: r.target === undefined ? null : { expr: printExpr(r.target.expr), gradient: r.target.gradient.map(printExpr), bound: str(r.target.bound) },
    warnings: r.fisher.warnings,
    ...(r.value !== undefined ? { value: { bound: nums(r.value), target: r.target?.value !== undefined ? finite(r.target.value) : null } } : {}),
  };
}

