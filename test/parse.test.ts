/**
 * The model language: every statement kind and lexical convenience, the errors a user can make
 * (each a FisherError with a code, a span on the offending text and a caret display), and a
 * fuzz property: no input makes parse() throw anything but a FisherError, or take long.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FisherError, type ErrorCode } from '../src/expr/errors';
import { sym } from '../src/expr/expr';
import { printExpr } from '../src/expr/print';
import type { Model } from '../src/lang/model';
import { MAX_SOURCE_LENGTH, parse, parseExpr } from '../src/lang/parse';

const SEED = 20_240_611;

/** The FisherError thrown by parse(text); fails the test if it returns or throws anything else. */
function parseError(text: string): FisherError {
  let model: Model | undefined;
  try {
    model = parse(text);
  } catch (err) {
    if (err instanceof FisherError) return err;
    throw new Error(`parse(${JSON.stringify(text)}) threw a non-FisherError: ${String(err)}`);
  }
  throw new Error(`parse(${JSON.stringify(text)}) accepted the text: logp = ${printExpr(model.logp)}`);
}

const names = (ds: readonly { name: string }[]): string[] => ds.map((d) => d.name);

// ---------------------------------------------------------------------------------------------
// Statements.

describe('statements', () => {
  it('data, param with and without a domain, logp', () => {
    const m = parse('data x in real; param mu; param sigma in positive; logp = -log(sigma) - (x - mu)^2/(2*sigma^2)');
    expect(names(m.data)).toEqual(['x']);
    expect(names(m.params)).toEqual(['mu', 'sigma']);
    const [mu, sigma] = m.params;
    expect(mu).toMatchObject({ role: 'param', label: 'real', explicit: false });
    expect(sigma).toMatchObject({ role: 'param', label: 'positive', explicit: true });
    expect(sigma!.range).toMatchObject({ lo: 0, hi: Infinity, loOpen: true });
    expect(m.logp).toBe(parseExpr('-log(sigma) - (x - mu)^2/(2*sigma^2)'));
    expect(m.warnings).toEqual([]);
    expect(m.source).toContain('logp');
  });

  it.each([
    ['real', 'real'],
    ['positive', 'positive'],
    ['nonnegative', 'nonnegative'],
    ['naturals', 'naturals'],
    ['integers', 'integers'],
    ['(0, 1)', '(0, 1)'],
    ['[0, inf)', '[0, inf)'],
    ['{0,1}', '{0,1}'],
    ['{0..5}', '{0..5}'],
  ])('data support %s', (support, label) => {
    const m = parse(`data x in ${support}; param t in positive; logp = x*log(t) - t`);
    expect(m.data[0]).toMatchObject({ name: 'x', role: 'data', label });
  });

  it('several names in one declaration', () => {
    const m = parse('data x, y in real; param a, b; logp = -(x - a)^2 - (y - b)^2');
    expect(names(m.data)).toEqual(['x', 'y']);
    expect(names(m.params)).toEqual(['a', 'b']);
  });

  it('const: a known number, kept symbolic in logp, usable in supports', () => {
    const m = parse('const n = 2*5; data x in {0..n}; param p in (0,1); logp = lchoose(n, x) + x*log(p) + (n - x)*log(1 - p)');
    expect(m.constants.get('n')).toMatchObject({ name: 'n', value: 10 });
    expect(m.symbols.get('n')?.role).toBe('const');
    expect(m.logp).toBe(parseExpr('lchoose(n, x) + x*log(p) + (n - x)*log(1 - p)'));
    expect(m.data[0]!.range).toMatchObject({ lo: 0, hi: 10 });
  });

  it('let: a name for an expression, expanded in logp', () => {
    const m = parse('data x in real; param mu; let r = x - mu; logp = -r^2/2');
    expect(m.logp).toBe(parseExpr('-(x - mu)^2/2'));
    expect(m.symbols.has('r')).toBe(false);
  });

  it('given: a covariate', () => {
    const m = parse('data y in {0,1}; given z in real; param b0, b1; logp = y*(b0 + b1*z) - log(1 + exp(b0 + b1*z))');
    expect(names(m.givens)).toEqual(['z']);
    expect(m.givens[0]!.role).toBe('given');
    expect(names(m.params)).toEqual(['b0', 'b1']);
  });

  it('x ~ Family(args) declares the data and the parameters with the family domains', () => {
    const m = parse('x ~ Normal(mu, sigma)');
    expect(names(m.data)).toEqual(['x']);
    expect(m.params.map((p) => `${p.name} in ${p.label}`)).toEqual(['mu in real', 'sigma in positive']);
    expect(m.logp).toBe(parseExpr('-log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)'));
  });

  it('a bare new name as a family argument is declared with the family domain (no typo check)', () => {
    const m = parse('x ~ Normal(mu, sigm)');
    expect(m.params.map((p) => `${p.name} in ${p.label}`)).toEqual(['mu in real', 'sigm in positive']);
  });

  it('family arguments may be expressions: Normal(mu, exp(s)) makes s a real parameter', () => {
    const m = parse('x ~ Normal(mu, exp(s))');
    expect(names(m.params)).toEqual(['mu', 's']);
    expect(m.params[1]).toMatchObject({ label: 'real', explicit: false });
    expect(m.logp).toBe(parseExpr('-s - log(2*pi)/2 - (x - mu)^2/(2*exp(s)^2)'));
  });

  it('family arguments may be numbers and constants', () => {
    expect(names(parse('x ~ StudentT(4, mu, sigma)').params)).toEqual(['mu', 'sigma']);
    expect(parse('x ~ Binomial(10, p)').data[0]!.label).toBe('{0..10}');
    expect(parse('const n = 10\nx ~ Binomial(n, p)').logp).toBe(parseExpr('lchoose(n, x) + x*log(p) + (n - x)*log(1 - p)'));
  });

  it('several ~ lines add their log-densities', () => {
    const m = parse('x ~ Normal(mu, sigma); y ~ Normal(mu, sigma)');
    expect(names(m.data)).toEqual(['x', 'y']);
    expect(names(m.params)).toEqual(['mu', 'sigma']);
  });
});

// ---------------------------------------------------------------------------------------------
// Lexical conveniences.

describe('separators, comments and continuation lines', () => {
  const reference = parse('data x in real; param mu; param sigma in positive; logp = -log(sigma) - (x - mu)^2/(2*sigma^2)');

  it.each([
    ['newlines', 'data x in real\nparam mu\nparam sigma in positive\nlogp = -log(sigma) - (x - mu)^2/(2*sigma^2)'],
    ['mixed ; and newlines, blank lines, trailing ;', '\n\ndata x in real;\n\nparam mu; param sigma in positive\r\nlogp = -log(sigma) - (x - mu)^2/(2*sigma^2);\n\n'],
    ['# comments', '# a normal model\ndata x in real   # one observation\nparam mu # mean\nparam sigma in positive\n# the log-density:\nlogp = -log(sigma) - (x - mu)^2/(2*sigma^2) # done'],
    ['continued after an operator', 'data x in real; param mu; param sigma in positive\nlogp = -log(sigma) -\n  (x - mu)^2/\n  (2*sigma^2)'],
    ['continued before an operator', 'data x in real; param mu; param sigma in positive\nlogp = -log(sigma)\n  - (x - mu)^2\n  / (2*sigma^2)'],
    ['continued inside parentheses', 'data x in real; param mu; param sigma in positive\nlogp = -log(sigma) - (\n  x - mu\n)^2/(2*sigma^2)'],
    ['Unicode Greek', 'data x in real; param μ; param σ in positive; logp = -log(σ) - (x - μ)^2/(2*σ^2)'],
    ['** as power', 'data x in real; param mu; param sigma in positive; logp = -log(sigma) - (x - mu)**2/(2*sigma**2)'],
  ])('%s', (_what, text) => {
    const m = parse(text);
    expect(m.logp).toBe(reference.logp);
    expect(names(m.params)).toEqual(['mu', 'sigma']);
    expect(m.params.map((p) => p.label)).toEqual(['real', 'positive']);
  });

  it('Greek letters become their names: μ σ θ2 are mu sigma theta2', () => {
    const m = parse('x ~ Normal(μ, σ)');
    expect(names(m.params)).toEqual(['mu', 'sigma']);
    expect(parseExpr('θ2 + μ')).toBe(parseExpr('theta2 + mu'));
    expect(parseExpr('xμ')).toBe(sym('x_mu'));
  });

  it('the Unicode fisherlab prints is read back: −, ·, ×, ÷, superscripts, ∞, ∈', () => {
    expect(parse('data x ∈ real; param μ; param σ ∈ (0, ∞); logp = −log(σ) − (x − μ)²/(2·σ²)').logp).toBe(reference.logp);
    expect(parseExpr('a×b ÷ c')).toBe(parseExpr('a*b/c'));
    expect(parseExpr('x⁻¹')).toBe(parseExpr('x^-1'));
    expect(parseExpr('x⁻¹²')).toBe(parseExpr('x^(-12)'));
    expect(parseExpr('x³ + y⁺²')).toBe(parseExpr('x^3 + y^2'));
    // A superscript binds as ^ does: tighter than a unary minus, looser than a call.
    expect(parseExpr('−x²')).toBe(parseExpr('-(x^2)'));
    expect(parseExpr('exp(x)²')).toBe(parseExpr('exp(x)^2'));
    expect(parseExpr('2^x²')).toBe(parseExpr('2^(x^2)'));
  });

  it('columns count the characters typed, before and after Unicode that becomes ASCII', () => {
    // ² becomes two tokens (^ and 2) and ∞ the name inf: neither shifts the columns after it.
    const e = parseError('data x in real; param σ in (0, ∞); logp = −x²·σ + mux');
    expect(e.code).toBe('unknown-name');
    const text = 'data x in real; param σ in (0, ∞); logp = −x²·σ + mux';
    expect(e.span).toMatchObject({ start: text.indexOf('mux'), end: text.indexOf('mux') + 3 });
    expect(e.format()).toContain(`column ${text.indexOf('mux') + 1}`);
    // A character outside the Basic Multilingual Plane is one column, not two UTF-16 units.
    const astral = parseError('data x in real; param mu; logp = 𝜃 + x*mu');
    expect(astral.format()).toMatch(/unexpected character '𝜃'\n {2}at line 1, column 34\n/);
    const lines = astral.format().split('\n');
    expect(lines[3]!.indexOf('^') - lines[2]!.indexOf('|') - 2).toBe(33);
  });

  it('a character with no meaning gets a message naming the ASCII to write', () => {
    expect(parseError('data x in real; param mu; logp = -√(x*mu)').message).toBe("unexpected character '√' (write sqrt(x))");
    expect(parseError('data x in real; param mu; logp = x – mu').message).toBe("unexpected character '–' (write '-' for minus)");
    expect(parseError('data x in real; param mu; logp = ½*x*mu').message).toBe("unexpected character '½' (write 1/2)");
    expect(parseError('data x in real; param mu; logp = x*mu⁻').message).toMatch(/unexpected character '⁻' \(write x\^-1/);
  });

  it('a newline ends a statement that is complete', () => {
    const m = parse('data x in real\nparam mu\nlogp = -x^2\n-mu^2');
    // "-mu^2" on its own line starts with an operator, so it continues the expression.
    expect(m.logp).toBe(parseExpr('-x^2 - mu^2'));
  });
});

// ---------------------------------------------------------------------------------------------
// Errors.

interface BadCase {
  readonly what: string;
  readonly text: string;
  readonly code: ErrorCode;
  /** The text the span covers. */
  readonly at: string;
  /** Substrings of the message. */
  readonly says: readonly string[];
}

const BAD: readonly BadCase[] = [
  { what: 'syntax error', text: 'logp = x +* 2', code: 'syntax', at: '*', says: ["unexpected '*'"] },
  { what: 'missing operator', text: 'data x in real; param mu; logp = x mu', code: 'syntax', at: 'mu', says: ['missing an operator'] },
  { what: 'text ending after an operator', text: 'data x in real; param mu; logp = x*mu +', code: 'syntax', at: '+', says: ["ends after '+'"] },
  { what: 'unclosed parenthesis', text: 'data x in real; param mu; logp = -(x - mu^2', code: 'syntax', at: '(', says: ["missing ')'"] },
  {
    what: 'unknown name with a suggestion',
    text: 'data x in real; param mu; logp = -(x - mux)^2',
    code: 'unknown-name',
    at: 'mux',
    says: ["unknown name 'mux'", "did you mean 'mu'"],
  },
  { what: 'unknown function with a suggestion', text: 'logp = lgama(x)', code: 'unknown-function', at: 'lgama', says: ["unknown function 'lgama'", "did you mean 'lgamma'"] },
  { what: 'a parameter called like a function', text: 'data x in real; param mu; logp = mu(x)', code: 'unknown-function', at: 'mu', says: ["'mu' is a param"] },
  { what: 'a function used as a name', text: 'data x in real; param mu; logp = mu*log', code: 'unknown-name', at: 'log', says: ["'log' is a function"] },
  { what: 'unknown family (typo)', text: 'x ~ Normall(mu, s)', code: 'unknown-family', at: 'Normall', says: ["unknown family 'Normall'", "did you mean 'Normal'"] },
  { what: 'unknown family (case)', text: 'x ~ normal(mu, s)', code: 'unknown-family', at: 'normal', says: ["unknown family 'normal'", "did you mean 'Normal'"] },
  { what: 'family arity', text: 'x ~ Normal(mu)', code: 'arity', at: 'Normal(mu)', says: ['Normal takes 2 arguments', 'got 1'] },
  { what: 'function arity', text: 'data x in real; param mu; logp = log(x, mu)', code: 'arity', at: 'log(x, mu)', says: ['log takes 1 argument, got 2'] },
  {
    what: 'a parameter without the domain it needs',
    text: 'data x in real; param s; logp = -log(s) - x^2/(2*s^2)',
    code: 'domain',
    at: 's',
    says: ["the parameter 's' has no declared domain", 'param s in positive'],
  },
  { what: 'an argument never in the domain', text: 'data x in real; param mu; logp = mu*x + log(-1 - x^2)', code: 'domain', at: '-1 - x^2', says: ['log needs an argument in positive'] },
  { what: 'division by zero', text: 'data x in real; param mu; logp = mu*x/0', code: 'domain', at: 'mu*x/0', says: ['division by zero'] },
  { what: 'polygamma order not a whole number', text: 'data x in positive; param mu; logp = polygamma(mu, x)', code: 'domain', at: 'mu', says: ['must be a whole number'] },
  { what: 'missing logp', text: 'param p in (0,1)', code: 'missing-logp', at: ')', says: ['no log-density'] },
  { what: 'empty model', text: '', code: 'missing-logp', at: '', says: ['no log-density'] },
  { what: 'duplicate declaration', text: 'data x in real; param mu; param mu; logp = x*mu', code: 'duplicate', at: 'mu', says: ["'mu' is already declared"] },
  { what: 'duplicate logp', text: 'data x in real; param mu; logp = x*mu; logp = mu', code: 'duplicate', at: 'logp = mu', says: ['logp is already defined'] },
  { what: 'declaring a built-in constant', text: 'data x in real; param pi; logp = x*pi', code: 'duplicate', at: 'pi', says: ['built-in constant'] },
  { what: 'unknown support', text: 'data x in reals; param mu; logp = x*mu', code: 'support', at: 'reals', says: ["unknown support 'reals'", "did you mean 'real'"] },
  { what: 'empty support', text: 'data x in (1, 0); param mu; logp = x*mu', code: 'support', at: '(1, 0)', says: ['empty support'] },
  { what: 'a model without parameters', text: 'data x in real; logp = -x^2/2', code: 'no-params', at: 'data x in real; logp = -x^2/2', says: ['no parameters'] },
  { what: 'a fixed family argument that is not a number', text: 'x ~ Binomial(m, p)', code: 'unknown-name', at: 'm', says: ["Binomial's n must be a known number"] },
];

describe('errors', () => {
  it.each(BAD.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    const e = parseError(c.text);
    expect(e.code).toBe(c.code);
    for (const s of c.says) expect(e.message).toContain(s);
    expect(e.span).toBeDefined();
    const { start, end } = e.span!;
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    if (c.at !== '') expect(c.text.slice(start, end)).toBe(c.at);
    expect(e.source).toBe(c.text);
  });

  it('format() shows the line, the column and a caret under the offending text', () => {
    const text = 'data x in real\nparam mu\nlogp = -(x - mux)^2';
    const e = parseError(text);
    expect(e.code).toBe('unknown-name');
    expect(e.format()).toMatchInlineSnapshot(`
      "error: unknown name 'mux' (did you mean 'mu'?): declare it with data, param, const or let
        at line 3, column 14
        3 | logp = -(x - mux)^2
                         ^^^"
    `);
  });

  it.each(BAD.filter((c) => c.at !== '').map((c) => [c.what, c] as const))('format() of %s puts the caret under the span', (_what, c) => {
    const e = parseError(c.text);
    const lines = e.format().split('\n');
    expect(lines[0]).toBe(`error: ${e.message}`);
    const m = /^ {2}at line (\d+), column (\d+)$/.exec(lines[1]!);
    expect(m).not.toBeNull();
    const [line, column] = [Number(m![1]), Number(m![2])];
    const before = c.text.slice(0, e.span!.start);
    expect(line).toBe(before.split('\n').length);
    expect(column).toBe(before.length - before.lastIndexOf('\n'));
    const gutter = `  ${line} | `;
    expect(lines[2]!.startsWith(gutter)).toBe(true);
    const caret = lines[3]!;
    expect(caret.indexOf('^')).toBe(gutter.length + column - 1);
    // The caret covers the span, cut at the end of its line.
    const lineText = lines[2]!.slice(gutter.length);
    expect(caret.trim()).toBe('^'.repeat(Math.max(1, Math.min(c.at.length, lineText.length - column + 1))));
  });

  it('a text over the size limit is refused up front', () => {
    const e = parseError('#'.repeat(MAX_SOURCE_LENGTH + 1));
    expect(e.code).toBe('too-large');
  });

  it('an unexpected character is reported where it is', () => {
    const text = 'data x in real; param mu; logp = x @ mu';
    const e = parseError(text);
    expect(e.code).toBe('syntax');
    expect(e.message).toContain("unexpected character '@'");
    expect(text.slice(e.span!.start, e.span!.end)).toBe('@');
  });

  it('parseExpr errors point into the expression text', () => {
    let err: unknown;
    try {
      parseExpr('x + lgama(y)');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FisherError);
    const fe = err as FisherError;
    expect(fe.code).toBe('unknown-function');
    expect('x + lgama(y)'.slice(fe.span!.start, fe.span!.end)).toBe('lgama');
  });
});

// ---------------------------------------------------------------------------------------------
// Robustness.

const VALID = [
  'x ~ Normal(mu, sigma)',
  'data x in real; param mu in real; param sigma in positive; logp = -log(sigma) - (x - mu)^2/(2*sigma^2)',
  'const n = 10; data x in {0..n}; param p in (0,1); logp = lchoose(n, x) + x*log(p) + (n - x)*log(1 - p)',
  'data x in real\nparam mu   # the mean\nlet r = x - mu\nlogp = -r^2/2',
  'data y in {0,1}; given z in real; param b0, b1; logp = y*(b0 + b1*z) - log(1 + exp(b0 + b1*z))',
  'x ~ Normal(μ, exp(σ))\ny ~ Gamma(a, b)',
  'data x in (0, 1); param a in positive; param b in positive; logp = lbeta(a, b) + polygamma(2, a)**2',
  'x ~ StudentT(4, mu, sigma)',
  'x ~ Binomial(10, p)',
  'x ~ Uniform(a, b)',
];

/** Pieces of model text: characters, keywords, names, numbers, operators. */
const piece = fc.constantFrom(
  ...'abxyz019 _.,;:()[]{}+-*/^~=#\n\t@$\'"\\μσ∞e'.split(''),
  'data', 'param', 'logp', 'in', 'const', 'let', 'given', '**', '..', 'Normal', 'Gamma', 'inf', 'log', 'exp',
  'pi', 'polygamma', 'lgamma', 'real', 'positive', 'simplex', '1e308', '1e-400', '0.', '.5', '0^x', '1/0',
);

/** A valid model with characters deleted, inserted or replaced. */
const mutated = fc
  .tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.nat(2), piece), { minLength: 1, maxLength: 4 }))
  .map(([src, ops]) => {
    let s = src;
    for (const [pos, kind, p] of ops) {
      const i = pos % (s.length + 1);
      if (kind === 0) s = s.slice(0, i) + s.slice(i + 1);
      else if (kind === 1) s = s.slice(0, i) + p + s.slice(i);
      else s = s.slice(0, i) + p + s.slice(i + 1);
    }
    return s;
  });

const anyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(piece, { maxLength: 40 }).map((a) => a.join('')),
  mutated,
);

describe('robustness', () => {
  it('parse() returns a Model or throws a FisherError, quickly, on any text', () => {
    let models = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const t0 = performance.now();
        try {
          const m = parse(text);
          models++;
          expect(m.params.length).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof FisherError)) throw new Error(`parse(${JSON.stringify(text)}) threw ${String(err)}`);
          expect(typeof err.format()).toBe('string');
        }
        const ms = performance.now() - t0;
        if (ms > 1000) throw new Error(`parse(${JSON.stringify(text)}) took ${ms.toFixed(0)} ms`);
      }),
      { numRuns: 1500, seed: SEED },
    );
    expect(models).toBeGreaterThan(0);
  });

  it.each([
    ['deeply nested parentheses', `data x in real; param mu; logp = ${'('.repeat(2000)}x*mu${')'.repeat(2000)}`],
    ['a long chain of minus signs', `data x in real; param mu; logp = ${'-'.repeat(20000)}x*mu`],
    ['deeply nested calls', `data x in real; param mu; logp = ${'exp('.repeat(3000)}x*mu${')'.repeat(3000)}`],
    ['many unclosed parentheses', `data x in real; param mu; logp = ${'('.repeat(5000)}`],
    ['a huge exponent', 'data x in real; param mu; logp = x*mu^99999999999999999999'],
    ['a huge power of a number', 'data x in real; param mu; logp = x*mu*10^10^10'],
  ])('%s: a Model or a FisherError', (_what, text) => {
    const t0 = performance.now();
    try {
      parse(text);
    } catch (err) {
      expect(err).toBeInstanceOf(FisherError);
    }
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  // A literal such as 1e-99999999 would build 10^99999999 exactly: it is refused at once.
  it('a decimal literal with a huge exponent is refused or read quickly', () => {
    const t0 = performance.now();
    try {
      parseExpr('x*1e-99999999');
    } catch (err) {
      expect(err).toBeInstanceOf(FisherError);
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
