/**
 * The moo lexer of the model language. Greek letters are identifier characters (μ, σ, θ);
 * `^` and `**` both mean power; `#` starts a comment. The Unicode fisherlab prints is read back:
 * `−` (U+2212) is minus, `·`, `⋅` and `×` are `*`, `÷` is `/`, superscripts `²`, `³`, `⁻¹` are
 * powers, `∞` is `inf` and `∈` is `in` (each token keeps the offset and length of what the user
 * typed, so error columns stay right; `tokenize` in parse.ts turns them into their ASCII tokens).
 */
import moo from 'moo';

const KEYWORDS = ['data', 'param', 'const', 'let', 'given', 'logp', 'in'] as const;

/** Operators fisherlab prints (or a reader pastes from a paper) and their ASCII forms. */
const UNICODE_OPS: Record<string, string> = { '−': '-', '·': '*', '⋅': '*', '×': '*', '∗': '*', '÷': '/', '∕': '/' };

/** Superscript digits and signs: `x²` is `x^2`, `x⁻¹` is `x^-1`. */
const SUPERSCRIPTS: Record<string, string> = {
  '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁺': '+', '⁻': '-',
};

/**
 * Characters the language cannot read, with the ASCII to write instead (for the message of
 * `unexpected character`).
 */
export const ASCII_HINTS: Readonly<Record<string, string>> = {
  '√': 'sqrt(x)',
  '∛': 'x^(1/3)',
  '–': "'-' for minus",
  '—': "'-' for minus",
  '‐': "'-' for minus",
  '½': '1/2',
  '⅓': '1/3',
  '¼': '1/4',
  '¾': '3/4',
  '⁻': 'x^-1 (a superscript sign needs digits after it)',
  '⁺': 'x^2 (a superscript sign needs digits after it)',
  'ⁿ': 'x^n',
  '₀': 'x0 or x_0 for a subscript',
  '₁': 'x1 or x_1 for a subscript',
  '₂': 'x2 or x_2 for a subscript',
  '₃': 'x3 or x_3 for a subscript',
  '∑': 'sum(v) for a vector, or the terms with +',
  '≤': 'a support such as (0, inf) or [0, 1]; the language has no comparisons',
  '≥': 'a support such as (0, inf) or [0, 1]; the language has no comparisons',
  'ℝ': 'real',
  '′': "a name such as mu2 (primes are not part of names)",
  '’': "a name such as mu2 (primes are not part of names)",
};

export const lexer = /* @__PURE__ */ (() =>
  moo.compile({
    ws: /[ \t\r\f\v\u00a0]+/,
    comment: /#[^\n]*/,
    nl: { match: /\n/, lineBreaks: true },
    dotdot: '..',
    number: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/,
    ident: {
      match: /[A-Za-z_\u0370-\u03ff\u1f00-\u1fff][A-Za-z0-9_\u0370-\u03ff\u1f00-\u1fff]*/,
      type: moo.keywords(Object.fromEntries(KEYWORDS.map((k) => [`kw_${k}`, k]))),
    },
    pow: ['**', '^'],
    op: ['+', '-', '*', '/', '=', '~', '(', ')', '[', ']', '{', '}', ',', ';'],
    uop: { match: Object.keys(UNICODE_OPS), value: (s: string) => UNICODE_OPS[s]! },
    sup: { match: /[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+/, value: (s: string) => [...s].map((c) => SUPERSCRIPTS[c]!).join('') },
    infinity: { match: '∞', value: () => 'inf' },
    element: { match: '∈', value: () => 'in' },
    error: moo.error,
  }))();

export const KEYWORD_SET: ReadonlySet<string> = /* @__PURE__ */ new Set(KEYWORDS);

const GREEK: Record<string, string> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ϵ: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta',
  ϑ: 'theta', ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', ο: 'omicron', π: 'pi', ρ: 'rho',
  σ: 'sigma', ς: 'sigma', τ: 'tau', υ: 'upsilon', φ: 'phi', ϕ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
  Γ: 'Gamma', Δ: 'Delta', Θ: 'Theta', Λ: 'Lambda', Ξ: 'Xi', Π: 'Pi', Σ: 'Sigma', Υ: 'Upsilon', Φ: 'Phi',
  Ψ: 'Psi', Ω: 'Omega',
};

/** Unicode Greek letters to their ASCII names: μ -> mu, σ2 -> sigma2 (so `μ` and `mu` are one symbol). */
export function normalizeName(name: string): string {
  if (/^[\x00-\x7f]*$/.test(name)) return name;
  let out = '';
  for (const ch of name) {
    const g = GREEK[ch];
    if (g === undefined) {
      out += ch;
      continue;
    }
    // Keep names readable when letters run together: xμ -> x_mu.
    out += out !== '' && /[A-Za-z]$/.test(out) ? `_${g}` : g;
  }
  return out;
}
