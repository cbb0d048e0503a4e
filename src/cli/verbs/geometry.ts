/**
 * Verbs of the geometry stage: `fisherlab kl` (KL and other f-divergences between two members of
 * a model, with the second-order check against the Fisher matrix) and `fisherlab distance` (the
 * Fisher–Rao distance).
 */
import { FisherError } from '../../expr/errors';
import type { Expr } from '../../expr/expr';
import { latexName, toLatex } from '../../expr/latex';
import { printExpr } from '../../expr/print';
import { parameterPoints } from '../../fisher/points';
import { fisherRaoDistance, type DistanceResult } from '../../geometry/distance';
import { divergence, parseDivergence, type Divergence } from '../../geometry/fdiv';
import type { DivergenceValue } from '../../geometry/kl';
import { checkLocalQuadratic, type LocalCheck } from '../../geometry/local';
import { printConditions, type Inequality } from '../../geometry/support';
import type { Model } from '../../lang/model';
import { MODEL_HELP, fmtNumber, loadModel, parseAt } from '../common';
import { defineVerb, displayLatex, schemaPath, type Format, type VerbContext } from '../registry';
import { MODEL_ARGUMENT, finite } from './shared';

interface KlOptions {
  from?: string;
  to?: string;
  reverse?: boolean;
  both?: boolean;
  divergence?: string;
  check?: boolean;
}

interface DistanceOptions {
  from?: string;
  to?: string;
  shooting?: boolean;
  steps?: string;
}

type Points = { readonly from: Map<string, number>; readonly to: Map<string, number> };

const POINTS_HELP = `Points: --from gives θ1, --to gives θ2, by parameter name (--from mu=0,sigma=1); in results
their coordinates are named mu_1, sigma_1 and mu_2, sigma_2 (mu_p/mu_q if the model already uses
those names).`;

/** --from and --to: every parameter, each inside its domain; covariates may be given once. */
function readPoints(m: Model, o: { from?: string; to?: string }): Points | undefined {
  if (o.from === undefined && o.to === undefined) return undefined;
  if (o.from === undefined || o.to === undefined) throw new FisherError('bad-option', `${o.from === undefined ? '--to' : '--from'} needs ${o.from === undefined ? '--from' : '--to'} too: give both points, or neither for the closed form alone`);
  const read = (text: string, option: string): Map<string, number> => {
    let at: Map<string, number>;
    try {
      at = parseAt(m, text);
    } catch (e) {
      if (e instanceof FisherError) throw new FisherError(e.code, e.message.replaceAll('--at', option));
      throw e;
    }
    for (const name of at.keys()) {
      if (m.symbols.get(name)?.role === 'data') throw new FisherError('bad-option', `${option} ${name}: '${name}' is data, and divergences are expectations over the data; give parameter values only`);
    }
    const missing = m.params.map((d) => d.name).filter((n) => !at.has(n));
    if (missing.length > 0) throw new FisherError('bad-option', `${option} needs a value for ${missing.join(', ')} (e.g. ${option} ${missing.map((n) => `${n}=1`).join(',')})`);
    return at;
  };
  const from = read(o.from, '--from');
  const to = read(o.to, '--to');
  for (const g of m.givens) {
    const a = from.get(g.name);
    const b = to.get(g.name);
    if (a === undefined && b === undefined) throw new FisherError('bad-option', `--from needs a value for the covariate ${g.name}`);
    if (a !== undefined && b !== undefined && a !== b) throw new FisherError('bad-option', `the covariate ${g.name} must be the same at both points (${a} and ${b})`);
  }
  return { from, to };
}

/** p(x | mu_1, sigma_1) */
function density(m: Model, names: readonly string[], latex: boolean): string {
  const data = [...m.data, ...m.givens].map((d) => (latex ? latexName(d.name) : d.name)).join(', ');
  const ps = names.map((n) => (latex ? latexName(n) : n)).join(', ');
  return latex ? `p(${data} \\mid ${ps})` : `p(${data} | ${ps})`;
}

/** The two points in the pair's names, with the covariates (shared by both points). */
function pairPoint(m: Model, names: { params: readonly string[]; first: readonly string[]; second: readonly string[] }, p: Points): Array<[string, number]> {
  return [
    ...names.params.map((q, i): [string, number] => [names.first[i]!, p.from.get(q)!]),
    ...names.params.map((q, i): [string, number] => [names.second[i]!, p.to.get(q)!]),
    ...m.givens.map((g): [string, number] => [g.name, p.from.get(g.name) ?? p.to.get(g.name)!]),
  ];
}

/** `mu_1 = 0, sigma_1 = 1, mu_2 = 1, sigma_2 = 1` (and the covariates). */
const pointText = (m: Model, names: Parameters<typeof pairPoint>[1], p: Points): string => pairPoint(m, names, p).map(([k, v]) => `${k} = ${v}`).join(', ');

// ---------------------------------------------------------------------------------------------
// kl

interface Shown {
  readonly direction: 'p1 ‖ p2' | 'p2 ‖ p1';
  readonly expr: Expr | null;
  readonly method: string;
  readonly finiteWhen: readonly Inequality[];
  readonly value?: DivergenceValue;
}

interface KlReport {
  readonly m: Model;
  readonly d: Divergence;
  readonly shown: readonly Shown[];
  readonly points?: Points;
  readonly checks?: LocalCheck[];
}

function runKl({ args, options: o, io }: VerbContext<KlOptions>): KlReport {
  const m = loadModel(args[0], io);
  const spec = parseDivergence(o.divergence ?? 'kl');
  const points = readPoints(m, o);
  const d = divergence(m, spec);
  const swap = (c: Inequality): Inequality => ({ lhs: d.pair.swap(c.lhs), rhs: d.pair.swap(c.rhs) });
  const forward = (): Shown => ({ direction: 'p1 ‖ p2', expr: d.expr, method: d.method, finiteWhen: d.finiteWhen, ...(points ? { value: d.at(points.from, points.to) } : {}) });
  const reverse = (): Shown => ({
    direction: 'p2 ‖ p1',
    expr: d.expr === null ? null : d.pair.swap(d.expr),
    method: d.method,
    finiteWhen: d.finiteWhen.map(swap),
    ...(points ? { value: d.at(points.to, points.from) } : {}),
  });
  const shown = o.both ? [forward(), reverse()] : o.reverse ? [reverse()] : [forward()];
  const checks = o.check ? [localCheck(m, d, points)] : undefined;
  return { m, d, shown, ...(points !== undefined ? { points } : {}), ...(checks !== undefined ? { checks } : {}) };
}

/** The densities of one direction: (p_a ‖ p_b) in the pair's names. */
const sides = (d: Divergence, s: Shown): [readonly string[], readonly string[]] => (s.direction === 'p1 ‖ p2' ? [d.pair.first, d.pair.second] : [d.pair.second, d.pair.first]);

function klText(r: KlReport): string[] {
  return [...r.shown.flatMap((s) => textDivergence(r, s)), ...(r.checks ?? []).flatMap((c) => checkLines(c, r.d.info.label, false))];
}

function klLatex(r: KlReport): string[] {
  return [...r.shown.flatMap((s) => latexDivergence(r, s)), ...(r.checks ?? []).flatMap((c) => checkLines(c, r.d.info.label, true))];
}

function textDivergence({ m, d, points }: KlReport, s: Shown): string[] {
  const [a, b] = sides(d, s);
  const out = [`# ${d.info.label}(${density(m, a, false)} ‖ ${density(m, b, false)})${d.info.label === 'KL' ? '' : `: ${d.info.definition}`}`];
  if (s.expr !== null) {
    out.push(`# method: ${s.method}`);
    if (s.finiteWhen.length > 0) out.push(`# finite where ${printConditions(s.finiteWhen)} (the supports nest); infinite elsewhere`);
    out.push(printExpr(s.expr));
  } else out.push(`# no closed form${points === undefined ? ': give --from and --to to evaluate numerically' : ''}`);
  if (s.value !== undefined && points !== undefined) {
    out.push(`# at ${pointText(m, d.pair, points)}${s.expr === null ? `, by ${s.value.method}` : ''}`);
    out.push(s.value.value === Infinity ? 'inf' : fmtNumber(s.value.value));
    if (s.value.value === Infinity) out.push(`# ${s.value.method}`);
    else if (s.value.error > 0) out.push(`# error estimate: ${s.value.error.toExponential(1)}`);
  }
  return out;
}

function latexDivergence({ m, d, points }: KlReport, s: Shown): string[] {
  const [a, b] = sides(d, s);
  const lhs = `${d.info.latex}\\left(${density(m, a, true)} \\,\\middle\\|\\, ${density(m, b, true)}\\right)`;
  const value = s.value === undefined ? undefined : s.value.value === Infinity ? '+\\infty' : fmtNumber(s.value.value);
  if (s.expr !== null) {
    const cond = s.finiteWhen.length > 0 ? ` \\quad \\text{where } ${s.finiteWhen.map((c) => `${toLatex(c.lhs)} \\le ${toLatex(c.rhs)}`).join(',\\ ')}\\text{; } +\\infty \\text{ elsewhere}` : '';
    const out = [`${lhs} = ${toLatex(s.expr)}${cond}`, `% method: ${s.method}`];
    if (value !== undefined && points !== undefined) out.push(`% at ${pointText(m, d.pair, points)}: ${value}`);
    return out;
  }
  if (value !== undefined && points !== undefined) return [`${lhs} ${s.value!.value === Infinity ? '=' : '\\approx'} ${value}`, `% no closed form; at ${pointText(m, d.pair, points)}, by ${s.value!.method}`];
  return [`% ${d.info.label}: no closed form; give --from and --to to evaluate numerically`];
}

/** The second-order check at --from (or a sample point), along the ray towards --to (or a random one). */
function localCheck(m: Model, d: Divergence, points: Points | undefined): LocalCheck {
  if (d.info.curvature === null) throw new FisherError('bad-option', `${d.info.label} is not smooth where the points meet (f(t) = |t − 1|/2): it has no second-order expansion to check`);
  const at = points?.from ?? parameterPoints(m, 1, 2024)[0]!;
  const direction = points === undefined ? undefined : new Map(m.params.map((p) => [p.name, points.to.get(p.name)! - points.from.get(p.name)!]));
  return checkLocalQuadratic(m, d.at, at, { name: d.info.label, curvature: d.info.curvature, ...(direction !== undefined ? { direction } : {}) });
}

function checkLines(c: LocalCheck, label: string, latex: boolean): string[] {
  const pre = latex ? '%' : '#';
  const col = (s: string): string => s.padEnd(16);
  return [
    `${pre} check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`,
    `${pre}   at ${Object.entries(c.at).map(([k, v]) => `${k} = ${fmtNumber(v)}`).join(', ')}, Δ = (${Object.values(c.direction).map(fmtNumber).join(', ')})`,
    `${pre}   ${col('t')}${col(`${label}(θ ‖ θ+tΔ)`)}${col(`${label}(θ+tΔ ‖ θ)`)}${c.curvature === 1 ? '' : `${c.curvature}·`}½t²ΔᵀFΔ`,
    ...c.steps.map((s) => `${pre}   ${col(String(s.t))}${col(s.forward.toExponential(6))}${col(s.reverse.toExponential(6))}${s.quadratic.toExponential(6)}`),
  ];
}

/** The `kl --json` object: one entry of `results` per direction, its number in `value` (null where infinite). */
function klJSON(r: KlReport): Record<string, unknown> {
  const { m, d, points } = r;
  const results = r.shown.map((s) => ({
    direction: s.direction,
    expr: s.expr === null ? null : printExpr(s.expr),
    latex: displayLatex(latexDivergence(r, s)),
    method: s.method,
    finiteWhen: s.finiteWhen.map((c) => printConditions([c])),
    ...(s.value !== undefined ? { value: finite(s.value.value), infinite: s.value.value === Infinity, errorEstimate: finite(s.value.error), valueMethod: s.value.method, converged: s.value.converged } : {}),
  }));
  return {
    params: [...d.pair.params],
    first: [...d.pair.first],
    second: [...d.pair.second],
    divergence: d.spec.name === 'alpha' ? `alpha=${d.spec.alpha}` : d.spec.name,
    label: d.info.label,
    definition: d.info.definition,
    curvature: d.info.curvature,
    closedForm: d.expr !== null,
    ...(points !== undefined ? { at: Object.fromEntries(pairPoint(m, d.pair, points)) } : {}),
    results,
    warnings: klWarnings(r),
    ...(r.checks !== undefined ? { checks: r.checks.map(({ direction, steps, ...c }) => ({ ...c, delta: direction, table: steps })) } : {}),
  };
}

function klWarnings(r: KlReport): string[] {
  const unconverged = r.shown.filter((s) => s.value !== undefined && !s.value.converged);
  return [...r.d.warnings, ...unconverged.map((s) => `the numeric integral did not reach its tolerance; the error estimate is ${s.value!.error.toExponential(1)}`)];
}

export const klVerb = defineVerb({
  name: 'kl',
  summary: 'KL(p_θ1 ‖ p_θ2) between two members of a model (or another f-divergence): closed form in both points, numeric at --from/--to',
  arguments: [MODEL_ARGUMENT],
  shared: ['latex', 'json', 'from', 'to'],
  options: [
    { flags: '--reverse', description: 'KL(p_θ2 ‖ p_θ1) instead', conflicts: ['both'] },
    { flags: '--both', description: 'both directions: KL(p_θ1 ‖ p_θ2) and KL(p_θ2 ‖ p_θ1)' },
    { flags: '--divergence <name>', description: 'kl (default), hellinger (H² = 1 − ∫√(p1 p2)), chi2 (Pearson), alpha=A (Amari), tv, js' },
    { flags: '--check', description: "check D ≈ f''(1)/2 · ΔᵀFΔ at shrinking steps from --from (towards --to), both directions" },
  ],
  help: `${POINTS_HELP}\n\n${MODEL_HELP}`,
  negative: 'the check of --check fails',
  schema: schemaPath('kl'),
  run: runKl,
  json: klJSON,
  text: klText,
  latex: klLatex,
  warnings: klWarnings,
  notes: (r: KlReport) => (r.d.expr === null && r.points === undefined ? ['no closed form was derived; add --from and --to to evaluate numerically'] : []),
  exit: (r: KlReport) => (r.checks?.some((c) => !c.ok) ? 1 : 0),
});

// ---------------------------------------------------------------------------------------------
// distance

interface DistanceReport {
  readonly m: Model;
  readonly r: DistanceResult;
  readonly points?: Points;
}

function runDistance({ args, options: o, io }: VerbContext<DistanceOptions>): DistanceReport {
  const m = loadModel(args[0], io);
  const points = readPoints(m, o);
  const steps = o.steps === undefined ? undefined : Number(o.steps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 4 && steps <= 100000 && steps % 2 === 0)) throw new FisherError('bad-option', `--steps must be an even whole number between 4 and 100000, got '${o.steps}'`);
  const r = fisherRaoDistance(m, { ...(points ?? {}), ...(o.shooting ? { method: 'shooting' as const } : {}), ...(steps !== undefined ? { steps } : {}) });
  return { m, r, ...(points !== undefined ? { points } : {}) };
}

const pairText = ({ m, r }: DistanceReport, latex: boolean): string => `${density(m, r.first, latex)}${latex ? ', ' : ' and '}${density(m, r.second, latex)}`;

function distanceLatex(rep: DistanceReport): string[] {
  const { m, r, points } = rep;
  const lhs = `d_{\\mathrm{FR}}\\left(${pairText(rep, true)}\\right)`;
  const out: string[] = [];
  if (r.expr !== null) out.push(`${lhs} = ${toLatex(r.expr)}`);
  else if (r.value !== undefined) out.push(`${lhs} \\approx ${fmtNumber(r.value)}`);
  else out.push('% no closed form; give --from and --to to compute the distance by geodesic shooting');
  out.push(`% method: ${r.expr !== null ? r.method : (r.valueMethod ?? r.method)}`);
  if (r.value !== undefined && points !== undefined) out.push(`% at ${pointText(m, r, points)}: ${fmtNumber(r.value)}${r.error ? ` (error estimate ${r.error.toExponential(1)})` : ''}`);
  return out;
}

function distanceText(rep: DistanceReport): string[] {
  const { m, r, points } = rep;
  const out = [`# Fisher–Rao distance between ${pairText(rep, false)}`];
  if (r.expr !== null) out.push(`# method: ${r.method}`, printExpr(r.expr));
  else out.push(`# no closed form${points === undefined ? ': give --from and --to to compute it by geodesic shooting (or quadrature, for one parameter)' : ''}`);
  if (r.value !== undefined && points !== undefined) {
    out.push(`# at ${pointText(m, r, points)}${r.expr === null ? `, by ${r.valueMethod}` : ''}`, fmtNumber(r.value));
    if (r.expr === null) out.push(`# error estimate: ${(r.error ?? 0).toExponential(1)}${r.geodesic !== undefined ? `; the geodesic ends ${r.geodesic.residual.toExponential(1)} from θ2` : ''}`);
  }
  return out;
}

function distanceJSON(rep: DistanceReport): Record<string, unknown> {
  const { m, r, points } = rep;
  const g = r.geodesic;
  return {
    params: r.params,
    first: r.first,
    second: r.second,
    expr: r.expr === null ? null : printExpr(r.expr),
    latex: displayLatex(distanceLatex(rep)),
    method: r.method,
    closedForm: r.expr !== null,
    warnings: r.warnings,
    ...(points !== undefined ? { at: Object.fromEntries(pairPoint(m, r, points)) } : {}),
    ...(r.value !== undefined ? { value: finite(r.value), errorEstimate: r.error === undefined ? null : finite(r.error), valueMethod: r.valueMethod } : {}),
    ...(g !== undefined ? { geodesic: { residual: g.residual, velocity: g.velocity, rungeKuttaSteps: g.steps, converged: g.converged } } : {}),
  };
}

export const distanceVerb = defineVerb({
  name: 'distance',
  summary: 'the Fisher–Rao distance between two members of a model: closed form where known, geodesic shooting otherwise',
  arguments: [MODEL_ARGUMENT],
  shared: ['latex', 'json', 'from', 'to'],
  options: [
    { flags: '--shooting', description: 'compute by geodesic shooting even where a closed form is known (a check)' },
    { flags: '--steps <N>', description: 'Runge–Kutta steps of the shooting (default 64; the length uses twice as many)' },
  ],
  help: `${POINTS_HELP}\n\n${MODEL_HELP}`,
  schema: schemaPath('distance'),
  run: runDistance,
  json: distanceJSON,
  text: distanceText,
  latex: distanceLatex,
  warnings: (r: DistanceReport) => r.r.warnings,
  notes: (r: DistanceReport, format: Format) => (r.r.expr === null && r.points === undefined && format === 'text' ? ['no closed form was derived; add --from and --to to compute the distance numerically'] : []),
});
