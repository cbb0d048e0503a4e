/**
 * `derive`: every LaTeX output of every reference case renders in KaTeX exactly as printed, a
 * standalone document compiles with a real LaTeX engine (where one is installed), and the steps
 * are what the engine did — checked against independent evidence: the linearisations and facts
 * printed are evaluated here and the facts integrated by this suite's own quadrature, the standard
 * densities' constants integrated from the densities, the matrix compared with the published one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { ONE, type Expr } from '../src/expr/expr';
import { toLatex } from '../src/expr/latex';
import { fisher } from '../src/fisher/fisher';
import { parse, parseExpr } from '../src/lang/parse';
import type { Model } from '../src/lang/model';
import { derive } from '../src/render/derive';
import { derivationLatex } from '../src/render/document';
import { numericCase, referenceCases, type ClosedCase } from './helpers/fixtures';
import { envOf, expectation } from './helpers/fisher-check';
import { integrate1 } from './helpers/quad';
import { runCli as run } from './helpers/run-cli';

/** Models beyond the reference cases: other families, parameterisations and rungs. */
const EXTRA = [
  'const n = 10; x ~ Binomial(n, theta)',
  'x ~ Weibull(k, lambda)', // score identity + standardisation of log x
  'x ~ StudentT(nu, mu, s)', // a shape parameter: Beta-function moments
  'x ~ Uniform(0, theta)', // irregular: no information
  'data x in real; param t in positive; logp = -(x - t)^2/(2*t^2) - log(t) - log(2*pi)/2', // curved: log-partition
  'const n = 10; param phi in positive; x ~ Binomial(n, phi/(1 + phi))', // the odds
  'x ~ Gamma(a, exp(s))',
  'x1, x2 ~ Dirichlet(a1, a2, a3)',
];

const cases = referenceCases();
const models = [...cases.map((c) => ({ name: c.id, model: c.model, at: c.closed_form ? undefined : c.check_points[0] })), ...EXTRA.map((model) => ({ name: model, model, at: undefined }))];

const atText = (at: Record<string, number>): string => Object.entries(at).map(([k, v]) => `${k}=${v}`).join(',');

/** Render with KaTeX, throwing on any error. */
const render = (tex: string, displayMode: boolean): string => katex.renderToString(tex, { displayMode, throwOnError: true, strict: 'error' });

/** Inline $...$ pieces of a text line. */
const inline = (line: string): string[] => [...line.matchAll(/\$([^$]+)\$/g)].map((m) => m[1]!);

describe('derive: KaTeX renders every output exactly as printed', () => {
  it.each(models.map((x) => [x.name, x] as const))('%s', (_name, { model, at }) => {
    const extra = at !== undefined ? ['--at', atText(at)] : [];
    const plain = run('derive', model, ...extra);
    expect(plain.code, plain.err).toBe(0);
    const out = plain.out.trim();
    expect(out.startsWith('\\begin{align*}') && out.endsWith('\\end{align*}')).toBe(true);
    expect(() => render(out, true)).not.toThrow();

    // --standalone: every align* block and every inline formula of the body.
    const doc = run('derive', model, '--standalone', ...extra).out;
    const body = doc.slice(doc.indexOf('\\begin{document}') + '\\begin{document}'.length, doc.indexOf('\\end{document}'));
    const blocks = [...body.matchAll(/\\begin\{align\*\}[\s\S]*?\\end\{align\*\}/g)].map((m) => m[0]);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const b of blocks) expect(() => render(b, true)).not.toThrow();
    const prose = body.replace(/\\begin\{align\*\}[\s\S]*?\\end\{align\*\}/g, '');
    for (const m of inline(prose)) expect(() => render(m, false)).not.toThrow();

    // --markdown: every $$ block and every inline formula.
    const md = run('derive', model, '--markdown', ...extra).out;
    const display = [...md.matchAll(/\$\$\n([\s\S]*?)\n\$\$/g)].map((m) => m[1]!);
    expect(display.length).toBeGreaterThanOrEqual(5);
    for (const d of display) expect(() => render(d, true)).not.toThrow();
    for (const line of md.replace(/\$\$\n[\s\S]*?\n\$\$/g, '').split('\n')) for (const m of inline(line)) expect(() => render(m, false)).not.toThrow();
  });
});

const engine = ['pdflatex', 'lualatex', 'xelatex', 'tectonic'].find((e) => spawnSync('which', [e]).status === 0);

describe.skipIf(engine === undefined)(`derive --standalone compiles with ${engine ?? 'a LaTeX engine (none installed: skipped)'}`, () => {
  it.each(['const n = 10; x ~ Binomial(n, theta)', 'x ~ Normal(mu, sigma)', 'x ~ Weibull(k, lambda)', 'x ~ StudentT(nu, mu, s)', 'x ~ Laplace(mu, b)', 'x ~ Uniform(0, theta)'])('%s', (model) => {
    const dir = mkdtempSync(join(tmpdir(), 'fisherlab-tex-'));
    writeFileSync(join(dir, 'd.tex'), run('derive', model, '--standalone').out);
    const args = engine === 'tectonic' ? ['d.tex'] : ['-interaction=nonstopmode', '-halt-on-error', 'd.tex'];
    const r = spawnSync(engine!, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stdout.split('\n').filter((l) => l.startsWith('!')).join('\n')).toBe(0);
    expect(existsSync(join(dir, 'd.pdf'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The steps are the engine's.

const point = (m: Model, values: Record<string, number>): Map<string, number> => envOf(m, values);

/** Σ c_k m_k at a point. */
const linearValue = (terms: ReadonlyArray<{ atom: Expr; coef: Expr }>, env: ReadonlyMap<string, number>): number =>
  terms.reduce((s, t) => s + evaluate(t.coef, env) * (t.atom === ONE ? 1 : evaluate(t.atom, env)), 0);

describe('derive: what is printed is what the engine did', () => {
  it('the Binomial derivation names E[x] = nθ from the score identity and ends at n/(θ(1 − θ)) and Beta(1/2, 1/2)', () => {
    const out = run('derive', 'const n = 10; x ~ Binomial(n, theta)').out;
    // Casella & Berger (2002), Example 7.3.13: I(θ) = n/(θ(1 − θ)); Jeffreys (1946): Beta(1/2, 1/2).
    expect(out).toContain('\\mathbb{E}\\left[x\\right] = n \\theta \\text{ (score identity)}');
    expect(out).toContain('\\mathcal{I}(\\theta) &= \\begin{pmatrix} \\frac{n}{\\theta \\left(1 - \\theta\\right)} \\end{pmatrix}');
    expect(out).toContain('\\text{Beta(1/2, 1/2)}');
    // The order of a textbook: model, score, second derivative, expectation, matrix, prior.
    const titles = [...out.matchAll(/\\textbf\{\d+\. ([^}]*)\}/g)].map((m) => m[1]);
    expect(titles).toEqual(['The model', 'The score', 'Second derivatives', 'Expectations', 'The Fisher information matrix', 'Determinant and Jeffreys prior']);
  });

  it.each(models.map((x) => [x.name, x] as const))('%s: the matrix printed is fisher()\'s, and every fact it used is printed', (_name, { model, at }) => {
    const m = parse(model);
    const d = derive(m, at !== undefined ? { at: new Map(Object.entries(at)) } : {});
    const direct = fisher(m);
    const out = derivationLatex(d);
    d.fisher.matrix.forEach((row, i) => row.forEach((e, j) => {
      expect(e).toBe(direct.matrix[i]![j]); // interned: the same expression
      if (e !== null) expect(out).toContain(toLatex(e));
    }));
    if (at === undefined) expect(d.fisher.methods).toEqual(direct.methods);
    for (const e of d.fisher.trace.entries) for (const f of e.facts ?? []) expect(out).toContain(`\\mathbb{E}\\left[${toLatex(f.atom)}\\right] = ${toLatex(f.value)}`);
  });

  const oneData = cases.filter((c): c is ClosedCase => c.closed_form && parse(c.model).data.length === 1);

  it.each(oneData.map((c) => [c.id, c] as const))('%s: linearisations, facts and results hold at the check points, by this suite\'s quadrature', (_id, c) => {
    const m = parse(c.model);
    const r = derive(m).fisher;
    const x = m.data[0]!.name;
    for (const p of c.check_points) {
      const env = point(m, p);
      for (const e of r.trace.entries) {
        // The published entry (cases.json), and the result printed.
        const published = evaluate(parseExpr(c.fisher[e.i]![e.j]!), env);
        if (e.result !== null) expect(evaluate(e.result, env)).toBeCloseTo(published, 8);
        if (e.linear === undefined) continue;
        // Σ c_k m_k is the target, at data values inside the support.
        for (const xv of [0, 1, 2, 0.37, 1.9]) {
          const ex = new Map(env).set(x, xv);
          const t = evaluate(e.target, ex);
          if (Number.isFinite(t)) expect(linearValue(e.linear, ex)).toBeCloseTo(t, 8);
        }
        // Each fact E[m_k] = v by quadrature or summation over the data.
        for (const f of e.facts ?? []) {
          const q = expectation(m, env, (ee) => [evaluate(f.atom, ee)]);
          expect(evaluate(f.value, env)).toBeCloseTo(q.value[1]! / q.value[0]!, 7);
        }
        if (e.substituted !== undefined) expect(evaluate(e.substituted, env)).toBeCloseTo(published, 8);
      }
      // The score identity's equations, with the facts put in, are 0.
      for (const eq of r.trace.scoreEquations ?? []) {
        const facts = new Map(r.trace.entries.flatMap((e) => (e.facts ?? []).map((f) => [f.atom, evaluate(f.value, env)] as const)));
        if (!eq.every((t) => t.atom === ONE || facts.has(t.atom))) continue;
        const v = eq.reduce((s, t) => s + evaluate(t.coef, env) * (t.atom === ONE ? 1 : facts.get(t.atom)!), 0);
        expect(Math.abs(v)).toBeLessThan(1e-9);
      }
    }
  });

  it.each([
    // (model, a check point, the standard density's log f0 and its derivative ψ = (log f0)')
    ['x ~ Cauchy(mu, s)', { mu: 0.3, s: 1.7 }, (z: number) => -Math.log(Math.PI) - Math.log1p(z * z), (z: number) => (-2 * z) / (1 + z * z)],
    ['x ~ Logistic(mu, s)', { mu: -0.4, s: 0.8 }, (z: number) => -Math.abs(z) - 2 * Math.log1p(Math.exp(-Math.abs(z))), (z: number) => -Math.tanh(z / 2)],
    ['x ~ Weibull(k, lambda)', { k: 1.6, lambda: 2.2 }, (z: number) => z - Math.exp(z), (z: number) => 1 - Math.exp(z)],
    ['x ~ Gumbel(mu, beta)', { mu: 0.5, beta: 1.3 }, (z: number) => -z - Math.exp(-z), (z: number) => Math.exp(-z) - 1],
  ] as const)('%s: the printed constants I0 are integrals of the standard density, and J^T (I0/s^2) J is the matrix', (model, p, logf0, psi) => {
    const m = parse(model);
    const d = derive(m);
    const st = d.fisher.trace.standardisation!;
    expect(st).toBeDefined();
    // I_ll = E[ψ²], I_ls = E[ψ(1 + zψ)], I_ss = E[(1 + zψ)²] by double-exponential quadrature (tails where f0 underflows count 0).
    const E = (g: (z: number) => number): number => {
      const f = (z: number): number => {
        const w = Math.exp(logf0(z));
        return w > 0 ? w * g(z) : 0;
      };
      return integrate1(f, -Infinity, 0) + integrate1(f, 0, Infinity);
    };
    const I = [E((z) => psi(z) ** 2), E((z) => psi(z) * (1 + z * psi(z))), E((z) => (1 + z * psi(z)) ** 2)];
    st.standard.I.forEach((c, k) => expect(evaluate(c, new Map())).toBeCloseTo(I[k]!, 8));
    // Jᵀ (I0/s²) J from the printed m, s and J, against the printed matrix.
    const env = point(m, p);
    const s = evaluate(st.scale, env);
    const J = [st.dLocation.map((e) => evaluate(e, env)), st.dScale.map((e) => evaluate(e, env))];
    const n = m.params.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const f = (I[0]! * J[0]![i]! * J[0]![j]! + I[1]! * (J[0]![i]! * J[1]![j]! + J[1]![i]! * J[0]![j]!) + I[2]! * J[1]![i]! * J[1]![j]!) / s ** 2;
        expect(evaluate(d.fisher.matrix[i]![j]!, env)).toBeCloseTo(f, 6);
      }
    }
    const out = derivationLatex(d);
    expect(out).toContain(`m &= ${toLatex(st.location)}`);
    expect(out).toContain(`s &= ${toLatex(st.scale)}`);
  });

  it('an irregular model gets no information and no prior, and says why', () => {
    const out = run('derive', 'x ~ Uniform(0, theta)').out;
    expect(out).toContain('regularity fails: the support depends on theta');
    expect(out).not.toContain('Jeffreys');
  });

  it('the numeric rung prints the quadrature value at --at, which matches the published number', () => {
    const c = numericCase('gauss_mixture_weight');
    const out = run('derive', c.model, '--at', atText(c.check_points[0]!)).out;
    const v = /\\approx ([\d.]+) \\pm/.exec(out);
    expect(v).not.toBeNull();
    expect(Number(v![1])).toBeCloseTo(c.reference_at_points[0]![0]![0]!, 8);
    expect(out).toContain('numeric (adaptive Gauss--Kronrod quadrature)');
    const without = run('derive', c.model).out;
    expect(without).toContain('no closed form: evaluate numerically at parameter values (--at)');
  });

  it('bad input exits 2 with one message', () => {
    const r = run('derive', 'x ~ Normal(mu, sigma', '--standalone');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing '\)'/);
    expect(run('derive', 'x ~ Normal(mu, sigma)', '--at', 'mu=1').code).toBe(2);
    expect(run('derive', 'x ~ Normal(mu, sigma)', '--standalone', '--markdown').code).toBe(2);
  });
});
