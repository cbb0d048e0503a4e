/**
 * A derivation of the Fisher information a person can read and check, step by step the way a
 * textbook writes it: the log-density with its declarations, the score, the second derivatives,
 * each expectation with the facts it used (E[x] = nθ by the score identity, the log-partition, a
 * standardisation with the standard density's constants, "constant in the data", numeric), the
 * Fisher matrix, its determinant and the Jeffreys prior.
 *
 * Every step is read off the trace of `fisher()` — what the ladder actually did — never from a
 * template that could disagree with it. `document.ts` prints a `Derivation` as LaTeX or Markdown.
 */
import { FisherError } from '../expr/errors';
import { ONE, add, mul, sym, type Expr } from '../expr/expr';
import { latexName, toLatex } from '../expr/latex';
import { hessian, score } from '../fisher/derivatives';
import { fisher, type EntryTrace, type FisherResult, type LinearTerm, type MomentFact } from '../fisher/fisher';
import { numericFisher } from '../fisher/numeric';
import type { Declaration, Model } from '../lang/model';
import { jeffreys, type JeffreysResult } from '../stats/jeffreys';

/**
 * A piece of prose: plain text and inline mathematics (LaTeX), in order.
 *
 * @example
 * derive(parse('x ~ Poisson(lam)')).title; // → [{ text: 'Fisher information of one observation of ' }, { math: 'x \sim \mathrm{Poisson}(\mathit{lam})' }]
 */
export type Rich = ReadonlyArray<
  | {
      /** Plain text. */
      readonly text: string;
    }
  | {
      /** Inline mathematics, in LaTeX. */
      readonly math: string;
    }
>;

/**
 * One relation of a row: `= rhs`, `\approx rhs` or `\propto rhs`, with an optional note.
 *
 * @example
 * const d = derive(parse('x ~ Poisson(lam)'));
 * d.steps[3].rows[0].chain; // → [{ rel: '=', rhs: '\mathbb{E}\left[\frac{\partial \ell}{\partial \mathit{lam}}\right]' }, { rel: '=', rhs: '\frac{\mathbb{E}\left[x\right]}{\mathit{lam}} - 1' }]
 */
export interface Link {
  /** The relation (LaTeX), or none. */
  readonly rel: '=' | '\\approx' | '\\propto' | '';
  /** The right-hand side (LaTeX). */
  readonly rhs: string;
  /** Why it holds: the fact or the rung used. */
  readonly note?: Rich;
}

/**
 * A displayed row: a left-hand side and a chain of relations (LaTeX).
 *
 * @example
 * const d = derive(parse('x ~ Poisson(lam)'));
 * d.steps[1].rows; // → [{ lhs: '\frac{\partial \ell}{\partial \mathit{lam}}', chain: [{ rel: '=', rhs: '\frac{x}{\mathit{lam}} - 1' }] }]
 */
export interface Row {
  /** The left-hand side (LaTeX). */
  readonly lhs: string;
  /** The relations, in order: lhs = a = b ... */
  readonly chain: readonly Link[];
}

/**
 * One step of a derivation: a title, prose and displayed rows.
 *
 * @example
 * const d = derive(parse('x ~ Poisson(lam)'));
 * [d.steps[0].title, d.steps[0].prose]; // → ['The model', [[{ text: 'The model: ' }, { math: 'x \sim \mathrm{Poisson}(\mathit{lam})' }, { text: '.' }], [{ text: 'The log-density of one observation, with its declarations:' }]]]
 */
export interface Step {
  /** The step's title. */
  readonly title: string;
  /** Prose before the rows. */
  readonly prose: readonly Rich[];
  /** The displayed rows. */
  readonly rows: readonly Row[];
}

/**
 * A derivation of a model's Fisher information, step by step (see {@link derive}).
 *
 * @example
 * const d = derive(parse('x ~ Poisson(lam)'));
 * [d.fisher.matrix, d.jeffreys.kernel]; // → [[[1/lam]], 1/sqrt(lam)]
 */
export interface Derivation {
  /** What is derived, as prose: "Fisher information of x ~ Binomial(n, theta)". */
  readonly title: Rich;
  /** The steps, in order. */
  readonly steps: readonly Step[];
  /** The engine's result the steps were read from. */
  readonly fisher: FisherResult;
  /** The Jeffreys prior (determinant, kernel, name, properness), when the matrix has a closed form. */
  readonly jeffreys?: JeffreysResult;
}

/**
 * Options of {@link derive}.
 *
 * @example
 * const d = derive(parse('x ~ Cauchy(m, s)'), { at: new Map([['m', 0], ['s', 2]]) });
 * d.fisher.value; // → [[0.125, 0], [0, 0.125]]
 */
export interface DeriveOptions {
  /** Parameter values for entries without a closed form (numeric rung). */
  readonly at?: ReadonlyMap<string, number>;
}

/**
 * The derivation of a model's Fisher information the way a textbook writes it — the log-density
 * with its declarations, the score, the second derivatives, each expectation with the facts it
 * used (E[x] = nθ by the score identity, a log-partition, a standardisation, constant in the
 * data, numeric), the Fisher matrix, its determinant and the Jeffreys prior — read off the
 * engine's own trace ({@link FisherTrace}), never from a template that could disagree with it.
 * Print it with {@link derivationLatex}, {@link derivationDocument} or {@link derivationMarkdown}.
 *
 * @throws {@link FisherError} as {@link fisher}.
 * @example
 * const d = derive(parse('const n = 10; x ~ Binomial(n, theta)'));
 * d.steps.map((s) => s.title); // → ['The model', 'The score', 'Second derivatives', 'Expectations', 'The Fisher information matrix', 'Determinant and Jeffreys prior']
 */
export function derive(m: Model, options: DeriveOptions = {}): Derivation {
  const r = fisher(m, { ...(options.at !== undefined ? { at: options.at } : {}), numeric: numericFisher });
  const steps: Step[] = [modelStep(m), scoreStep(m), secondStep(m, r)];
  steps.push(expectationStep(m, r));
  steps.push(matrixStep(m, r));
  let prior: JeffreysResult | undefined;
  if (r.closedForm) {
    try {
      prior = jeffreys(m);
    } catch (e) {
      if (!(e instanceof FisherError)) throw e;
      steps.push({ title: 'Determinant and Jeffreys prior', prose: [[text(e.message.replace(/^no Jeffreys prior: /, 'There is no Jeffreys prior: ') + '.')]], rows: [] });
    }
    if (prior !== undefined && prior.determinant !== null && prior.kernel !== null) steps.push(jeffreysStep(r, prior));
  }
  return {
    title: titleOf(m),
    steps,
    fisher: r,
    ...(prior !== undefined ? { jeffreys: prior } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Notation.

const names = (m: Model): string[] => m.params.map((p) => p.name);
const ell = '\\ell';
const E = (inner: string): string => `\\mathbb{E}\\left[${inner}\\right]`;
const text = (t: string): { text: string } => ({ text: t });
const math = (t: string): { math: string } => ({ math: t });

/** ∂ℓ/∂θ. */
const d1 = (p: string): string => `\\frac{\\partial ${ell}}{\\partial ${latexName(p)}}`;

/** ∂²ℓ/∂θ_i∂θ_j. */
function d2(a: string, b: string): string {
  if (a === b) return `\\frac{\\partial^{2} ${ell}}{\\partial ${latexName(a)}^{2}}`;
  return `\\frac{\\partial^{2} ${ell}}{\\partial ${latexName(a)} \\, \\partial ${latexName(b)}}`;
}

/** 𝓘_{θ_i θ_j}. */
const entryName = (a: string, b: string): string => `\\mathcal{I}_{${latexName(a)} ${latexName(b)}}`;

/** 𝓘(θ) with the parameters listed. */
const infoOf = (r: FisherResult): string => `\\mathcal{I}(${r.params.map(latexName).join(', ')})`;

function titleOf(m: Model): Rich {
  const what = m.draws.length > 0 && m.familiesOnly ? m.draws.map(drawLatex).join(', \\; ') : `p(${[...m.data, ...m.givens].map((d) => latexName(d.name)).join(', ')} \\mid ${names(m).map(latexName).join(', ')})`;
  return [text('Fisher information of one observation of '), math(what)];
}

function drawLatex(d: Model['draws'][number]): string {
  return `${d.data.map(latexName).join(', ')} \\sim \\mathrm{${d.family}}(${d.args.map(toLatex).join(', ')})`;
}

/** A support or domain as LaTeX: ℝ, (0, 1), {0, …, n}, {0, 1, 2, …}. */
export function supportLatex(d: Declaration): string {
  const s = d.support;
  switch (s.kind) {
    case 'interval': {
      if (d.label === 'real') return '\\mathbb{R}';
      const lo = toLatex(s.lo);
      const hi = toLatex(s.hi);
      return `${s.loOpen ? '(' : '['}${lo}, ${hi}${s.hiOpen ? ')' : ']'}`;
    }
    case 'integers': {
      const lo = toLatex(s.lo);
      if (s.hi.kind === 'sym' && s.hi.name === 'inf') return s.lo.kind === 'mul' ? '\\mathbb{Z}' : `\\{${lo}, ${toLatex(add(s.lo, ONE))}, \\dots\\}`;
      return `\\{${lo}, \\dots, ${toLatex(s.hi)}\\}`;
    }
    case 'set':
      return `\\{${s.values.map(toLatex).join(', ')}\\}`;
    case 'simplex':
      return '\\text{the simplex}';
  }
}

/**
 * Σ c_k E[m_k]: the linearisation with each data atom under an expectation, printed as one
 * expression (so fractions and signs come out as in any other result).
 */
export function expectationLatex(terms: readonly LinearTerm[]): string {
  const holders = new Map<string, string>();
  const parts = terms.map((t, k) => {
    if (t.atom === ONE) return t.coef;
    const name = `EXPECTATIONOF${k}`;
    holders.set(latexName(name), E(toLatex(t.atom)));
    return mul(t.coef, sym(name));
  });
  let s = toLatex(add(...parts));
  for (const [h, e] of holders) s = s.split(h).join(e);
  return s;
}

/** "using E[x] = μ, E[x²] = μ² + σ² (score identity)": the facts, grouped by their source. */
function factsNote(facts: readonly MomentFact[]): Rich {
  const out: Array<{ text: string } | { math: string }> = [text('using ')];
  const sources = [...new Set(facts.map((f) => f.source))];
  sources.forEach((src, k) => {
    if (k > 0) out.push(text('; '));
    out.push(math(facts.filter((f) => f.source === src).map(factLatex).join(', \\; ')), text(` (${sourceText(src)})`));
  });
  return out;
}

const factLatex = (f: MomentFact): string => `${E(toLatex(f.atom))} = ${toLatex(f.value)}`;

/** Where a fact came from, as a reader would say it. */
function sourceText(source: string): string {
  if (source === 'score identity') return 'score identity';
  return source.replace(/^log-partition \((.*) family\)$/, 'log-partition of the $1 family');
}

// ---------------------------------------------------------------------------------------------
// Steps.

function modelStep(m: Model): Step {
  const ps = names(m).map(latexName).join(', ');
  const ds = [...m.data, ...m.givens].map((d) => latexName(d.name)).join(', ');
  const rows: Row[] = [{ lhs: `${ell}(${ps})`, chain: [{ rel: '=', rhs: `\\log p(${ds} \\mid ${ps})` }, { rel: '=', rhs: toLatex(m.logp) }] }];
  const decl: string[] = [];
  const dataDecl = m.data.filter((d) => d.support.kind !== 'simplex').map((d) => `${latexName(d.name)} \\in ${supportLatex(d)}`);
  const simplex = m.data.filter((d) => d.support.kind === 'simplex').map((d) => latexName(d.name));
  if (simplex.length > 0) dataDecl.push(`${simplex.join(', ')} > 0, \\; ${simplex.join(' + ')} < 1`);
  decl.push(...dataDecl);
  decl.push(...m.givens.map((d) => `${latexName(d.name)} \\in ${supportLatex(d)}`));
  decl.push(...m.params.map((d) => `${latexName(d.name)} \\in ${supportLatex(d)}`));
  decl.push(...[...m.constants.values()].map((c) => `${latexName(c.name)} = ${toLatex(c.expr)}`));
  const prose: Rich[] = [];
  if (m.draws.length > 0) prose.push([text('The model: '), math(m.draws.map(drawLatex).join(', \\; ')), text('.')]);
  prose.push([text('The log-density of one observation, with its declarations:')]);
  for (const w of m.warnings) prose.push([text(`Note: ${w}.`)]);
  return { title: 'The model', prose, rows: [...rows, { lhs: '', chain: [{ rel: '', rhs: decl.join(', \\quad ') }] }] };
}

function scoreStep(m: Model): Step {
  const s = score(m);
  return {
    title: 'The score',
    prose: [[text('Differentiate the log-density once in each parameter:')]],
    rows: names(m).map((p, i) => ({ lhs: d1(p), chain: [{ rel: '=', rhs: toLatex(s[i]!) }] })),
  };
}

function secondStep(m: Model, r: FisherResult): Step {
  const ps = names(m);
  if (r.estimator === 'score-outer-product') {
    return {
      title: 'Products of the score',
      prose: [[text('The log-density is not differentiable in the parameters everywhere, so the information is taken as '), math(`\\mathcal{I} = ${E('s \\, s^{\\top}')}`), text(', the expectation of the products of the score:')]],
      rows: r.trace.entries.map((e) => ({ lhs: `${d1(ps[e.i]!)} ${d1(ps[e.j]!)}`, chain: [{ rel: '=', rhs: toLatex(e.target) }] })),
    };
  }
  const h = hessian(m);
  const rows: Row[] = [];
  for (let i = 0; i < ps.length; i++) for (let j = i; j < ps.length; j++) rows.push({ lhs: d2(ps[i]!, ps[j]!), chain: [{ rel: '=', rhs: toLatex(h[i]![j]!) }] });
  return { title: 'Second derivatives', prose: [[text('Differentiate the score again:')]], rows };
}

function expectationStep(m: Model, r: FisherResult): Step {
  const ps = names(m);
  const prose: Rich[] = [];
  const rows: Row[] = [];
  const { trace } = r;
  prose.push(
    r.estimator === 'score-outer-product'
      ? [text('Each entry is '), math(`\\mathcal{I}_{ij} = ${E('\\partial_i \\ell \\, \\partial_j \\ell')}`), text(', an expectation over the data at fixed parameters:')]
      : [text('Each entry is '), math(`\\mathcal{I}_{ij} = ${E('-\\partial_i \\partial_j \\ell')}`), text(', an expectation over the data at fixed parameters:')],
  );
  if (trace.scoreEquations !== undefined) {
    const facts = uniqueFacts(trace.entries).filter((f) => f.source === 'score identity');
    prose.push([text('The score has mean zero (the score identity), which gives linear equations for the expectations of the data terms:')]);
    trace.scoreEquations.forEach((eq, i) => {
      rows.push({ lhs: '0', chain: [{ rel: '=', rhs: E(d1(ps[i]!)) }, { rel: '=', rhs: expectationLatex(eq) }] });
    });
    if (facts.length > 0) rows.push({ lhs: '', chain: [{ rel: '', rhs: `\\Rightarrow \\quad ${facts.map(factLatex).join(', \\quad ')}`, note: [text('the score identity, solved exactly')] }] });
  }
  const partition = uniqueFacts(trace.entries).filter((f) => f.source !== 'score identity');
  if (partition.length > 0) {
    const fam = sourceText(partition[0]!.source);
    prose.push([text(`The log-density is a sub-family of a full exponential family (the ${fam.replace(/^log-partition of the /, '')}); the derivatives of its log-partition `), math('A(\\eta)'), text(' give '), math('\\mathbb{E}[T] = \\nabla A'), text(' and '), math('\\mathrm{Cov}[T] = \\nabla^{2} A'), text(':')]);
    rows.push({ lhs: '', chain: [{ rel: '', rhs: partition.map(factLatex).join(', \\quad '), note: [text(fam)] }] });
  }
  const st = trace.standardisation;
  if (st !== undefined) standardisationRows(r, prose, rows);
  if (trace.shape !== undefined) {
    prose.push([text('With the degrees of freedom a parameter, '), math('z = (x - m)/s'), text(' has a Student-t density with '), math('\\nu'), text(' degrees of freedom, and each entry is an expectation over it, exact by the Beta-function integrals of its moments (Lange, Little and Taylor 1989).')]);
  }
  for (const e of trace.entries) rows.push(entryRow(m, r, e));
  return { title: 'Expectations', prose, rows };
}

function uniqueFacts(entries: readonly EntryTrace[]): MomentFact[] {
  const seen = new Map<Expr, MomentFact>();
  for (const e of entries) for (const f of e.facts ?? []) if (!seen.has(f.atom)) seen.set(f.atom, f);
  return [...seen.values()];
}

function standardisationRows(r: FisherResult, prose: Rich[], rows: Row[]): void {
  const st = r.trace.standardisation!;
  const x = latexName(st.data);
  const y = st.transform === 'log' ? `\\log ${x}` : x;
  const [ill, ils, iss] = st.standard.I;
  prose.push([
    text('The log-density is a location–scale family of '),
    math(y),
    text(': '),
    math(`${y} = m + s z`),
    text(' with '),
    math(`z`),
    text(` from the standard ${st.standard.name} density `),
    math('f_0'),
    text(', so '),
    math(`${ell} = -\\log s + \\log f_0\\left(\\frac{${y} - m}{s}\\right)${st.transform === 'log' ? ` - ${y}` : ''}`),
    text(' and '),
    math(`\\mathcal{I} = J^{\\top} \\frac{I_0}{s^{2}} J`),
    text(', where '),
    math('J = \\partial(m, s)/\\partial\\theta'),
    text(' and '),
    math('I_0'),
    text(' holds the constants '),
    math(`I_{ll} = ${E("\\psi^{2}")}`),
    text(', '),
    math(`I_{ls} = ${E('\\psi (1 + z \\psi)')}`),
    text(', '),
    math(`I_{ss} = ${E('(1 + z\\psi)^{2}')}`),
    text(' of the standard density ('),
    math("\\psi = f_0'/f_0"),
    text(').'),
  ]);
  const ps = r.params.map(latexName);
  rows.push({ lhs: 'm', chain: [{ rel: '=', rhs: toLatex(st.location) }] });
  rows.push({ lhs: 's', chain: [{ rel: '=', rhs: toLatex(st.scale) }] });
  rows.push({
    lhs: '\\left(I_{ll}, I_{ls}, I_{ss}\\right)',
    chain: [{ rel: '=', rhs: `\\left(${toLatex(ill)}, ${toLatex(ils)}, ${toLatex(iss)}\\right)`, note: [text(`the standard ${st.standard.name} density`)] }],
  });
  rows.push({
    lhs: `J = \\frac{\\partial(m, s)}{\\partial(${ps.join(', ')})}`,
    chain: [{ rel: '=', rhs: `\\begin{pmatrix} ${st.dLocation.map(toLatex).join(' & ')} \\\\ ${st.dScale.map(toLatex).join(' & ')} \\end{pmatrix}` }],
  });
}

function entryRow(m: Model, r: FisherResult, e: EntryTrace): Row {
  const ps = names(m);
  const [a, b] = [ps[e.i]!, ps[e.j]!];
  const what = r.estimator === 'score-outer-product' ? E(`${d1(a)} ${d1(b)}`) : E(`-${d2(a, b)}`);
  const chain: Link[] = [{ rel: '=', rhs: what }, { rel: '=', rhs: E(toLatex(e.target)) }];
  const result = e.result !== null ? toLatex(e.result) : undefined;
  // A step that changes nothing is not repeated; its note goes to the line it repeats, if that has none.
  const push = (l: Link): void => {
    const last = chain[chain.length - 1]!;
    if (last.rhs !== l.rhs) chain.push(l);
    else if (l.note !== undefined && last.note === undefined) chain[chain.length - 1] = { ...last, note: l.note };
  };
  switch (e.rung) {
    case 'constant in the data':
      push({ rel: '=', rhs: result!, note: [text('constant in the data')] });
      break;
    case 'score identity':
    case 'log-partition': {
      const facts = e.facts ?? [];
      push({ rel: '=', rhs: expectationLatex(e.linear ?? []), note: [text('linearity')] });
      const note: Rich = facts.length === 0 ? [text('constant in the data')] : factsNote(facts);
      if (e.substituted !== undefined) push({ rel: '=', rhs: toLatex(e.substituted), note });
      push({ rel: '=', rhs: result!, note: [text('simplified')] });
      break;
    }
    case 'standardisation':
      if (r.trace.shape !== undefined && e.method.includes(r.trace.shape)) push({ rel: '=', rhs: result!, note: [text('Student-t moments of '), math('z')] });
      else {
        const ij = `${e.i + 1}${e.j + 1}`;
        push({ rel: '=', rhs: `\\left[J^{\\top} \\frac{I_0}{s^{2}} J\\right]_{${ij}}` });
        push({ rel: '=', rhs: result!, note: [text('standardisation')] });
      }
      break;
    case 'numeric': {
      const v = r.value?.[e.i]?.[e.j];
      const err = r.error?.[e.i]?.[e.j];
      const at = r.trace.numeric?.at;
      push({
        rel: '\\approx',
        rhs: `${fmt(v ?? NaN)} \\pm ${(err ?? NaN).toExponential(1).replace(/e([+-]\d+)$/, ' \\times 10^{$1}').replace('{+', '{')}`,
        note: [text(`${e.method}`), ...(at !== undefined ? [text(' at '), math(pointLatex(at))] : [])],
      });
      break;
    }
    case 'irregular':
      push({ rel: '', rhs: '\\text{undefined}', note: [text(`regularity fails: ${e.method.replace(/^irregular: /, '')}`)] });
      break;
    case 'open':
      push({ rel: '', rhs: '', note: [text('no closed form: evaluate numerically at parameter values (--at)')] });
      break;
  }
  return { lhs: entryName(a, b), chain };
}

const fmt = (x: number): string => (Number.isFinite(x) ? `${Number(x.toPrecision(10))}`.replace(/e([+-]\d+)$/, ' \\times 10^{$1}') : '\\text{undefined}');

const pointLatex = (at: ReadonlyMap<string, number>): string => [...at].map(([k, v]) => `${latexName(k)} = ${fmt(v)}`).join(', ');

function matrixStep(m: Model, r: FisherResult): Step {
  const irregular = (i: number, j: number): boolean => r.irregular.includes(r.params[i]!) || r.irregular.includes(r.params[j]!);
  const cell = (i: number, j: number): string => {
    const e = r.matrix[i]![j]!;
    if (e !== null) return toLatex(e);
    if (irregular(i, j)) return '\\text{undefined}';
    return E(toLatex(r.targets[i]![j]!));
  };
  const body = r.matrix.map((row, i) => row.map((_, j) => cell(i, j)).join(' & ')).join(' \\\\ ');
  const chain: Link[] = [{ rel: '=', rhs: `\\begin{pmatrix} ${body} \\end{pmatrix}`, note: [text(`method: ${r.method}`)] }];
  if (r.value !== undefined && r.trace.numeric !== undefined) {
    const vals = r.value.map((row) => row.map(fmt).join(' & ')).join(' \\\\ ');
    chain.push({ rel: '\\approx', rhs: `\\begin{pmatrix} ${vals} \\end{pmatrix}`, note: [text('at '), math(pointLatex(r.trace.numeric.at))] });
  }
  const prose: Rich[] = [[text('Collecting the entries:')], ...r.warnings.filter((w) => !m.warnings.includes(w)).map((w) => [text(`Note: ${w}.`)])];
  return { title: 'The Fisher information matrix', prose, rows: [{ lhs: infoOf(r), chain }] };
}

function jeffreysStep(r: FisherResult, j: JeffreysResult): Step {
  const ps = r.params.map(latexName).join(', ');
  const named = j.name !== null ? [text(`It is ${j.name}`), text(j.proper === true ? ', a proper prior.' : j.proper === false ? ', an improper prior: ' : '.')] : [text(j.proper === true ? 'It is a proper prior.' : j.proper === false ? 'It is an improper prior: ' : '')];
  const reason = j.proper === false ? [text(`${j.reason}.`)] : [];
  return {
    title: 'Determinant and Jeffreys prior',
    prose: [[text('The Jeffreys prior is proportional to the square root of the determinant of the Fisher information (constant factors dropped).')], [...named, ...reason]],
    rows: [
      { lhs: `\\det ${infoOf(r)}`, chain: [{ rel: '=', rhs: toLatex(j.determinant!) }] },
      { lhs: `\\pi_{J}(${ps})`, chain: [{ rel: '\\propto', rhs: `\\sqrt{\\det ${infoOf(r)}}` }, { rel: '\\propto', rhs: toLatex(j.kernel!), note: [text(j.name ?? 'constant factors dropped')] }] },
    ],
  };
}
