/**
 * The LaTeX printer: every string it makes renders with KaTeX, on random expressions, on names
 * the lexer accepts, and on the Hessians of the built-in families; a few well-known forms are
 * pinned by inline snapshots.
 */
import fc from 'fast-check';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { sym } from '../src/expr/expr';
import { latexMatrix, latexName, latexVector, toLatex } from '../src/expr/latex';
import { printExpr } from '../src/expr/print';
import { FAMILIES } from '../src/families/index';
import { hessian, score } from '../src/fisher/derivatives';
import { parse, parseExpr } from '../src/lang/parse';
import { exprArb } from './helpers/arbitrary';

const SEED = 20_240_611;

/**
 * Asserts that KaTeX renders s: with throwOnError its parser throws on anything it cannot typeset,
 * so not throwing is the property checked.
 */
function render(s: string): void {
  expect(() => katex.renderToString(s, { throwOnError: true, displayMode: true }), `KaTeX cannot render ${JSON.stringify(s)}`).not.toThrow();
}

describe('toLatex renders with KaTeX', () => {
  it('on random expressions', () => {
    fc.assert(
      fc.property(exprArb({ allowDivisionByZero: true }), (e) => {
        render(toLatex(e));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('on every name the lexer accepts', () => {
    // Identifiers of the language: [A-Za-z_][A-Za-z0-9_]* (Greek letters become ASCII names).
    const ident = fc
      .tuple(
        fc.constantFrom(...'abxyzABmu_'.split('')),
        fc.array(fc.constantFrom(...'abmu_0123sigma'.split('')), { maxLength: 8 }),
      )
      .map(([h, t]) => h + t.join(''));
    fc.assert(
      fc.property(ident, (name) => {
        render(latexName(name));
        render(toLatex(sym(name)));
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it.each(['x_', '_x', '_', '__', 'a__b', 'x2_3', 'mu_', 'theta_12', 'e_', 'sigma_1_2'])('on the awkward name %s', (name) => {
    render(latexName(name));
  });

  it.each([
    ['x ~ Normal(mu, sigma)'],
    ['x ~ Gamma(a, b)'],
    ['x ~ Beta(a, b)'],
    ['x ~ StudentT(4, mu, sigma)'],
    ['x ~ Laplace(mu, b)'],
    ['x ~ VonMises(mu, kappa)'],
    ['x ~ Normal(mu, exp(s))'],
    ['data y in {0,1}; given z in real; param b0; param b1; logp = y*(b0 + b1*z) - log(1 + exp(b0 + b1*z))'],
  ])('on the score and Hessian of %s', (text) => {
    const m = parse(text);
    const h = hessian(m);
    render(latexMatrix(h));
    render(latexVector(score(m)));
    for (const row of h) for (const entry of row) render(toLatex(entry));
  });

  it.each([...FAMILIES.values()].map((f) => [f.name, f.text] as const))('on the Hessian of the %s family', (_name, text) => {
    render(latexMatrix(hessian(parse(text))));
  });
});

describe('well-known forms', () => {
  it('the Normal Hessian', () => {
    const h = hessian(parse('x ~ Normal(mu, sigma)'));
    const s = latexMatrix(h);
    expect(s).toContain('\\frac{1}{\\sigma^{2}}');
    expect(s).toMatchInlineSnapshot(`"\\begin{pmatrix} -\\frac{1}{\\sigma^{2}} & -\\frac{2 \\left(x - \\mu\\right)}{\\sigma^{3}} \\\\ -\\frac{2 \\left(x - \\mu\\right)}{\\sigma^{3}} & \\frac{1}{\\sigma^{2}} - \\frac{3 \\left(x - \\mu\\right)^{2}}{\\sigma^{4}} \\end{pmatrix}"`);
  });

  it('special functions', () => {
    expect(toLatex(parseExpr('trigamma(a)'))).toMatchInlineSnapshot(`"\\psi^{(1)}(a)"`);
    expect(toLatex(parseExpr('lgamma(a)'))).toMatchInlineSnapshot(`"\\log\\Gamma(a)"`);
    expect(toLatex(parseExpr('digamma(a)'))).toMatchInlineSnapshot(`"\\psi(a)"`);
    expect(toLatex(parseExpr('polygamma(3, a + b)'))).toMatchInlineSnapshot(`"\\psi^{(3)}(a + b)"`);
    expect(toLatex(parseExpr('lbeta(a, b)'))).toMatchInlineSnapshot(`"\\log B\\left(a, b\\right)"`);
  });

  it('names', () => {
    expect(latexName('sigma2')).toMatchInlineSnapshot(`"\\sigma_{2}"`);
    expect(latexName('x_i')).toMatchInlineSnapshot(`"x_{i}"`);
    expect(latexName('lam')).toMatchInlineSnapshot(`"\\mathit{lam}"`);
    expect(latexName('x2_3')).toMatchInlineSnapshot(`"{x_{2}}_{3}"`);
    expect(latexName('euler_gamma')).toMatchInlineSnapshot(`"\\gamma_{\\mathrm{E}}"`);
  });

  it('quotients and products', () => {
    expect(toLatex(parseExpr('n/(theta*(1-theta))'))).toMatchInlineSnapshot(`"\\frac{n}{\\theta \\left(1 - \\theta\\right)}"`);
    expect(toLatex(parseExpr('-(x - mu)^2/(2*sigma^2)'))).toMatchInlineSnapshot(`"-\\frac{\\left(x - \\mu\\right)^{2}}{2 \\sigma^{2}}"`);
    expect(toLatex(parseExpr('2*3^x'))).toMatchInlineSnapshot(`"2 \\cdot 3^{x}"`);
    expect(toLatex(parseExpr('x^(2/3) + sqrt(x)'))).toMatchInlineSnapshot(`"\\sqrt{x} + x^{2/3}"`);
  });

  it('a difference of quotients in both printers', () => {
    const e = parseExpr('a/(2*b) - 3*x^(-2)');
    expect(printExpr(e)).toMatchInlineSnapshot(`"a/(2*b) - 3/x^2"`);
    expect(toLatex(e)).toMatchInlineSnapshot(`"\\frac{a}{2 b} - \\frac{3}{x^{2}}"`);
  });
});
