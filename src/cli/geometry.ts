/**
 * Verbs of the geometry stage: `fisherlab kl` (KL and other f-divergences between two members of
 * a model, with the second-order check against the Fisher matrix) and `fisherlab distance` (the
 * Fisher–Rao distance).
 */
import { Command, Option } from 'commander';
import { FisherError } from '../expr/errors';
import type { Expr } from '../expr/expr';
import { latexName, toLatex } from '../expr/latex';
import { printExpr } from '../expr/print';
import { parameterPoints } from '../fisher/points';
import { fisherRaoDistance, type DistanceResult } from '../geometry/distance';
import { divergence, parseDivergence, type Divergence } from '../geometry/fdiv';
import type { DivergenceValue } from '../geometry/kl';
import { checkLocalQuadratic, type LocalCheck } from '../geometry/local';
import { printConditions, type Inequality } from '../geometry/support';
import type { Model } from '../lang/model';
import { MODEL_HELP, finish, fmtNumber, loadModel, parseAt, print } from './common';

interface KlOptions {
  latex?: boolean;
  json?: boolean;
  from?: string;
  to?: string;
  reverse?: boolean;
  both?: boolean;
  divergence?: string;
  check?: boolean;
}

interface DistanceOptions {
  latex?: boolean;
  json?: boolean;
  from?: string;
  to?: string;
  shooting?: boolean;
  steps?: string;
}

const POINTS_HELP = `Points: --from gives θ1, --to gives θ2, by parameter name (--from mu=0,sigma=1); in results
their coordinates are named mu_1, sigma_1 and mu_2, sigma_2 (mu_p/mu_q if the model already uses
those names).`;

/** Register `kl` and `distance`. */
export function registerGeometry(p: Command): void {
  p.command('kl')
    .description('KL(p_θ1 ‖ p_θ2) between two members of a model (or another f-divergence): closed form in both points, numeric at --from/--to')
    .argument('<model>', 'the model text, or a file holding it')
    .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready) instead of text').conflicts('json'))
    .option('--json', 'print one JSON object: {"params", "first", "second", "divergence", "results", "value", ...}')
    .option('--from <values>', 'the first point θ1, e.g. --from mu=0,sigma=1')
    .option('--to <values>', 'the second point θ2, e.g. --to mu=1,sigma=1')
    .addOption(new Option('--reverse', 'KL(p_θ2 ‖ p_θ1) instead').conflicts('both'))
    .option('--both', 'both directions: KL(p_θ1 ‖ p_θ2) and KL(p_θ2 ‖ p_θ1)')
    .option('--divergence <name>', 'kl (default), hellinger (H² = 1 − ∫√(p1 p2)), chi2 (Pearson), alpha=A (Amari), tv, js')
    .option('--check', "check D ≈ f''(1)/2 · ΔᵀFΔ at shrinking steps from --from (towards --to), both directions")
    .addHelpText('after', `\n${POINTS_HELP}\n\n${MODEL_HELP}`)
    .action((m: string, o: KlOptions) => finish(runKl(m, o)));
  p.command('distance')
    .description('the Fisher–Rao distance between two members of a model: closed form where known, geodesic shooting otherwise')
    .argument('<model>', 'the model text, or a file holding it')
    .addOption(new Option('--latex', 'print LaTeX (KaTeX-ready) instead of text').conflicts('json'))
    .option('--json', 'print one JSON object: {"params", "first", "second", "expr", "method", "value", "error", ...}')
    .option('--from <values>', 'the first point θ1, e.g. --from mu=0,sigma=1')
    .option('--to <values>', 'the second point θ2')
    .option('--shooting', 'compute by geodesic shooting even where a closed form is known (a check)')
    .option('--steps <N>', 'Runge–Kutta steps of the shooting (default 64; the length uses twice as many)')
    .addHelpText('after', `\n${POINTS_HELP}\n\n${MODEL_HELP}`)
    .action((m: string, o: DistanceOptions) => finish(runDistance(m, o)));
}

/** --from and --to: every parameter, each inside its domain; covariates may be given once. */
function readPoints(m: Model, o: { from?: string; to?: string }): { from: Map<string, number>; to: Map<string, number> } | undefined {
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

/** `mu_1 = 0, sigma_1 = 1, mu_2 = 1, sigma_2 = 1` (and the covariates, shared by both points). */
function pointText(m: Model, names: { params: readonly string[]; first: readonly string[]; second: readonly string[] }, from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): string {
  const coords = [...names.params.map((p, i) => `${names.first[i]} = ${from.get(p)}`), ...names.params.map((p, i) => `${names.second[i]} = ${to.get(p)}`)];
  const givens = m.givens.map((g) => `${g.name} = ${from.get(g.name) ?? to.get(g.name)}`);
  return [...coords, ...givens].join(', ');
}

interface Shown {
  readonly direction: 'p1 ‖ p2' | 'p2 ‖ p1';
  readonly expr: Expr | null;
  readonly method: string;
  readonly finiteWhen: readonly Inequality[];
  readonly value?: DivergenceValue;
}

function runKl(modelArg: string, o: KlOptions): number {
  const m = loadModel(modelArg);
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
  const failed = checks !== undefined && checks.some((c) => !c.ok);
  if (o.json) {
    print(JSON.stringify(klJSON(d, shown, points !== undefined, checks), null, 2));
    return failed ? 1 : 0;
  }
  for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
  for (const s of shown) {
    const [a, b] = s.direction === 'p1 ‖ p2' ? [d.pair.first, d.pair.second] : [d.pair.second, d.pair.first];
    if (o.latex) printLatexDivergence(m, d, s, a, b, points);
    else printTextDivergence(m, d, s, a, b, points);
  }
  if (d.expr === null && points === undefined) process.stderr.write('note: no closed form was derived; add --from and --to to evaluate numerically\n');
  if (checks !== undefined) for (const c of checks) printCheck(c, d.info.label, o.latex === true);
  return failed ? 1 : 0;
}

/** The `kl --json` object: `value` is a number, or [forward, reverse] with --both; null where infinite. */
function klJSON(d: Divergence, shown: readonly Shown[], withPoints: boolean, checks: readonly LocalCheck[] | undefined): object {
  const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
  const results = shown.map((s) => ({
    direction: s.direction,
    expr: s.expr === null ? null : printExpr(s.expr),
    latex: s.expr === null ? null : toLatex(s.expr),
    method: s.method,
    finiteWhen: s.finiteWhen.map((c) => printConditions([c])),
    ...(s.value !== undefined ? { value: finite(s.value.value), infinite: s.value.value === Infinity, error: finite(s.value.error), valueMethod: s.value.method, converged: s.value.converged } : {}),
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
    results,
    warnings: [...d.warnings],
    ...(withPoints ? { value: shown.length === 1 ? finite(shown[0]!.value!.value) : shown.map((s) => finite(s.value!.value)) } : {}),
    ...(checks !== undefined ? { checks } : {}),
  };
}

function printTextDivergence(m: Model, d: Divergence, s: Shown, a: readonly string[], b: readonly string[], points: { from: Map<string, number>; to: Map<string, number> } | undefined): void {
  print(`# ${d.info.label}(${density(m, a, false)} ‖ ${density(m, b, false)})${d.info.label === 'KL' ? '' : `: ${d.info.definition}`}`);
  if (s.expr !== null) {
    print(`# method: ${s.method}`);
    if (s.finiteWhen.length > 0) print(`# finite where ${printConditions(s.finiteWhen)} (the supports nest); infinite elsewhere`);
    print(printExpr(s.expr));
  } else print(`# no closed form${points === undefined ? ': give --from and --to to evaluate numerically' : ''}`);
  if (s.value !== undefined && points !== undefined) {
    print(`# at ${pointText(m, d.pair, points.from, points.to)}${s.expr === null ? `, by ${s.value.method}` : ''}`);
    print(s.value.value === Infinity ? 'inf' : fmtNumber(s.value.value));
    if (s.value.value === Infinity) print(`# ${s.value.method}`);
    else if (s.value.error > 0) print(`# error estimate: ${s.value.error.toExponential(1)}`);
    if (!s.value.converged) process.stderr.write(`warning: the numeric integral did not reach its tolerance; the error estimate is ${s.value.error.toExponential(1)}\n`);
  }
}

function printLatexDivergence(m: Model, d: Divergence, s: Shown, a: readonly string[], b: readonly string[], points: { from: Map<string, number>; to: Map<string, number> } | undefined): void {
  const lhs = `${d.info.latex}\\left(${density(m, a, true)} \\,\\middle\\|\\, ${density(m, b, true)}\\right)`;
  const value = s.value === undefined ? undefined : s.value.value === Infinity ? '+\\infty' : fmtNumber(s.value.value);
  if (s.expr !== null) {
    const cond = s.finiteWhen.length > 0 ? ` \\quad \\text{where } ${s.finiteWhen.map((c) => `${toLatex(c.lhs)} \\le ${toLatex(c.rhs)}`).join(',\\ ')}\\text{; } +\\infty \\text{ elsewhere}` : '';
    print(`${lhs} = ${toLatex(s.expr)}${cond}`);
    print(`% method: ${s.method}`);
    if (value !== undefined && points !== undefined) print(`% at ${pointText(m, d.pair, points.from, points.to)}: ${value}`);
  } else if (value !== undefined && points !== undefined) {
    print(`${lhs} ${s.value!.value === Infinity ? '=' : '\\approx'} ${value}`);
    print(`% no closed form; at ${pointText(m, d.pair, points.from, points.to)}, by ${s.value!.method}`);
  } else print(`% ${d.info.label}: no closed form; give --from and --to to evaluate numerically`);
}

/** The second-order check at --from (or a sample point), along the ray towards --to (or a random one). */
function localCheck(m: Model, d: Divergence, points: { from: Map<string, number>; to: Map<string, number> } | undefined): LocalCheck {
  if (d.info.curvature === null) throw new FisherError('bad-option', `${d.info.label} is not smooth where the points meet (f(t) = |t − 1|/2): it has no second-order expansion to check`);
  const at = points?.from ?? parameterPoints(m, 1, 2024)[0]!;
  const direction = points === undefined ? undefined : new Map(m.params.map((p) => [p.name, points.to.get(p.name)! - points.from.get(p.name)!]));
  return checkLocalQuadratic(m, d.at, at, { name: d.info.label, curvature: d.info.curvature, ...(direction !== undefined ? { direction } : {}) });
}

function printCheck(c: LocalCheck, label: string, latex: boolean): void {
  const pre = latex ? '%' : '#';
  print(`${pre} check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  print(`${pre}   at ${Object.entries(c.at).map(([k, v]) => `${k} = ${fmtNumber(v)}`).join(', ')}, Δ = (${Object.values(c.direction).map(fmtNumber).join(', ')})`);
  const col = (s: string): string => s.padEnd(16);
  print(`${pre}   ${col('t')}${col(`${label}(θ ‖ θ+tΔ)`)}${col(`${label}(θ+tΔ ‖ θ)`)}${c.curvature === 1 ? '' : `${c.curvature}·`}½t²ΔᵀFΔ`);
  for (const s of c.steps) print(`${pre}   ${col(String(s.t))}${col(s.forward.toExponential(6))}${col(s.reverse.toExponential(6))}${s.quadratic.toExponential(6)}`);
}

function runDistance(modelArg: string, o: DistanceOptions): number {
  const m = loadModel(modelArg);
  const points = readPoints(m, o);
  const steps = o.steps === undefined ? undefined : Number(o.steps);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 4 && steps <= 100000 && steps % 2 === 0)) throw new FisherError('bad-option', `--steps must be an even whole number between 4 and 100000, got '${o.steps}'`);
  const r = fisherRaoDistance(m, { ...(points ?? {}), ...(o.shooting ? { method: 'shooting' as const } : {}), ...(steps !== undefined ? { steps } : {}) });
  if (o.json) {
    print(JSON.stringify(distanceJSON(r), null, 2));
    return 0;
  }
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  const pairText = (latex: boolean): string => `${density(m, r.first, latex)}${latex ? ', ' : ' and '}${density(m, r.second, latex)}`;
  const at = points === undefined ? '' : pointText(m, r, points.from, points.to);
  if (o.latex) {
    const lhs = `d_{\\mathrm{FR}}\\left(${pairText(true)}\\right)`;
    if (r.expr !== null) print(`${lhs} = ${toLatex(r.expr)}`);
    else if (r.value !== undefined) print(`${lhs} \\approx ${fmtNumber(r.value)}`);
    else print('% no closed form; give --from and --to to compute the distance by geodesic shooting');
    print(`% method: ${r.expr !== null ? r.method : (r.valueMethod ?? r.method)}`);
    if (r.value !== undefined) print(`% at ${at}: ${fmtNumber(r.value)}${r.error ? ` (error estimate ${r.error.toExponential(1)})` : ''}`);
    return 0;
  }
  print(`# Fisher–Rao distance between ${pairText(false)}`);
  if (r.expr !== null) {
    print(`# method: ${r.method}`);
    print(printExpr(r.expr));
  } else print(`# no closed form${points === undefined ? ': give --from and --to to compute it by geodesic shooting (or quadrature, for one parameter)' : ''}`);
  if (r.value !== undefined) {
    print(`# at ${at}${r.expr === null ? `, by ${r.valueMethod}` : ''}`);
    print(fmtNumber(r.value));
    if (r.expr === null) print(`# error estimate: ${(r.error ?? 0).toExponential(1)}${r.geodesic !== undefined ? `; the geodesic ends ${r.geodesic.residual.toExponential(1)} from θ2` : ''}`);
  }
  if (r.expr === null && points === undefined) process.stderr.write('note: no closed form was derived; add --from and --to to compute the distance numerically\n');
  return 0;
}

function distanceJSON(r: DistanceResult): object {
  const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    params: r.params,
    first: r.first,
    second: r.second,
    expr: r.expr === null ? null : printExpr(r.expr),
    latex: r.expr === null ? null : toLatex(r.expr),
    method: r.method,
    closedForm: r.expr !== null,
    warnings: r.warnings,
    ...(r.value !== undefined ? { value: finite(r.value), error: finite(r.error), valueMethod: r.valueMethod } : {}),
    ...(r.geodesic !== undefined ? { geodesic: r.geodesic } : {}),
  };
}
