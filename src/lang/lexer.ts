/**
 * The moo lexer of the model language. Greek letters are identifier characters (μ, σ, θ);
 * `^` and `**` both mean power; `#` starts a comment.
 */
import moo from 'moo';

const KEYWORDS = ['data', 'param', 'const', 'let', 'given', 'logp', 'in'] as const;

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
