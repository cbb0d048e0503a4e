/**
 * The LaTeX printer: \frac for quotients, Greek names as \mu, \sigma, subscripts from digits or
 * underscores (x1 -> x_{1}), functions from the function table's templates, pmatrix for matrices.
 */
import type { Expr } from './expr';
import { FUNCTIONS } from './functions';
import { Prec, displayFraction, displayTerms, factorContent, negateTerm, negativeExponent } from './print';

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
  'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Pi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega',
]);

const CONSTANTS: Record<string, string> = { pi: '\\pi', e: 'e', euler_gamma: '\\gamma_{\\mathrm{E}}', inf: '\\infty' };

/**
 * LaTeX for a symbol name: mu -> \mu, sigma2 -> \sigma_{2}, x_i -> x_{i}, beta[2] -> \beta_{2}, lam -> \mathit{lam}.
 * Every identifier of the language gives valid LaTeX: x2_3 -> {x_{2}}_{3} (no double subscript),
 * and underscores that cannot be subscripts (x_, _x, a__b) are escaped.
 *
 * @example
 * ['mu', 'sigma2', 'beta[2]', 'lam', 'x_i'].map(latexName); // → ['\mu', '\sigma_{2}', '\beta_{2}', '\mathit{lam}', 'x_{i}']
 */
export function latexName(name: string): string {
  const c = CONSTANTS[name];
  if (c !== undefined) return c;
  // A vector's component beta[2] -> \beta_{2}.
  const comp = /^(.+)\[(\d+)\]$/.exec(name);
  if (comp) {
    const head = latexName(comp[1]!);
    return `${head.includes('_') ? `{${head}}` : head}_{${comp[2]}}`;
  }
  const us = name.indexOf('_');
  if (us > 0 && us < name.length - 1) {
    const head = latexName(name.slice(0, us));
    const tail = name.slice(us + 1);
    const sub = /^\d+$/.test(tail) ? tail : latexName(tail);
    return `${head.includes('_') ? `{${head}}` : head}_{${sub}}`;
  }
  const m = /^([A-Za-z]+?)(\d+)$/.exec(name);
  if (m) return `${latexName(m[1]!)}_{${m[2]}}`;
  if (GREEK.has(name)) return `\\${name}`;
  if (name.length === 1 && name !== '_') return name;
  return `\\mathit{${name.replace(/_/g, '\\_')}}`;
}

interface Printed {
  readonly s: string;
  readonly prec: Prec;
}

/**
 * LaTeX of an expression, ready for KaTeX or a LaTeX document: fractions, Greek letters,
 * the special functions by their usual symbols (ψ, ψ₁, log Γ, B).
 *
 * @example
 * toLatex(parseExpr('n/(theta*(1-theta))')); // → '\frac{n}{\theta \left(1 - \theta\right)}'
 * toLatex(parseExpr('trigamma(k) - 1/k')); // → '\psi^{(1)}(k) - \frac{1}{k}'
 */
export function toLatex(e: Expr): string {
  return fmt(e).s;
}

const paren = (s: string): string => `\\left(${s}\\right)`;
const wrap = (p: Printed, min: Prec): string => (p.prec < min ? paren(p.s) : p.s);

function fmt(e: Expr): Printed {
  switch (e.kind) {
    case 'num': {
      const { n, d } = e.value;
      if (d === 1n) return { s: `${n}`, prec: n < 0n ? Prec.Neg : Prec.Atom };
      const f = `\\frac{${n < 0n ? -n : n}}{${d}}`;
      return n < 0n ? { s: `-${f}`, prec: Prec.Neg } : { s: f, prec: Prec.Atom };
    }
    case 'sym':
      return { s: latexName(e.name), prec: Prec.Atom };
    case 'call': {
      const def = FUNCTIONS.get(e.fn);
      const args = e.args.map((a) => fmt(factorContent(a)).s);
      if (def === undefined) return { s: `\\operatorname{${e.fn}}\\left(${args.join(', ')}\\right)`, prec: Prec.Atom };
      const w = (i: number, bareAtom = false): string => {
        const a = factorContent(e.args[i]!);
        const p = fmt(a);
        if (bareAtom && (a.kind === 'sym' || (a.kind === 'num' && a.value.d === 1n && a.value.n >= 0n))) return p.s;
        return p.s.includes('\\frac') ? paren(p.s) : `(${p.s})`;
      };
      return { s: def.latex(args, w), prec: Prec.Atom };
    }
    case 'add': {
      let s = '';
      for (const { term, negative } of displayTerms(e.terms)) {
        const body = wrap(fmt(negative ? negateTerm(term) : term), Prec.Mul);
        s = s === '' ? (negative ? `-${body}` : body) : `${s} ${negative ? '-' : '+'} ${body}`;
      }
      return { s, prec: Prec.Add };
    }
    case 'pow':
    case 'mul':
      return fmtProduct(e);
  }
}

function fmtPower(base: Expr, exp: Expr): Printed {
  if (exp.kind === 'num' && exp.value.d === 2n && exp.value.n === 1n) return { s: `\\sqrt{${fmt(factorContent(base)).s}}`, prec: Prec.Atom };
  const bp = fmt(exp.kind === 'num' && exp.value.d === 1n ? base : factorContent(base));
  const b = base.kind === 'call' || bp.prec < Prec.Atom || bp.s.startsWith('\\frac') ? paren(bp.s) : bp.s;
  const es = exp.kind === 'num' && exp.value.d !== 1n ? `${exp.value.n}/${exp.value.d}` : fmt(factorContent(exp)).s;
  return { s: `${b}^{${es}}`, prec: Prec.Pow };
}

function fmtFactor(f: Expr): string {
  if (f.kind === 'pow') return fmtPower(f.base, f.exp).s;
  return wrap(fmt(f), Prec.Pow);
}

/** Join factors by juxtaposition, with \cdot where a digit would run into the previous factor. */
function juxtapose(parts: readonly string[]): string {
  let s = '';
  for (const p of parts) s = s === '' ? p : /^[\d.]/.test(p) ? `${s} \\cdot ${p}` : `${s} ${p}`;
  return s;
}

function fmtProduct(e: Expr): Printed {
  if (e.kind === 'pow' && !negativeExponent(e.exp)) return fmtPower(e.base, e.exp);
  const fr = displayFraction(e);
  const numParts: string[] = [];
  if (fr.numCoef !== 1n || fr.num.length === 0) numParts.push(`${fr.numCoef}`);
  for (const f of fr.num) numParts.push(fmtFactor(f));
  const denParts: string[] = [];
  if (fr.denCoef !== 1n) denParts.push(`${fr.denCoef}`);
  for (const f of fr.den) denParts.push(fmtFactor(f));
  let s = juxtapose(numParts);
  if (denParts.length > 0) s = `\\frac{${s}}{${juxtapose(denParts)}}`;
  if (fr.negative) s = `-${s}`;
  return { s, prec: fr.negative ? Prec.Neg : denParts.length > 0 ? Prec.Atom : numParts.length > 1 ? Prec.Mul : Prec.Pow };
}

/**
 * A column vector as a `pmatrix`, each entry by {@link toLatex}.
 *
 * @example
 * latexVector(score(parse('x ~ Poisson(lam)'))); // → '\begin{pmatrix} \frac{x}{\mathit{lam}} - 1 \end{pmatrix}'
 */
export const latexVector = (v: readonly Expr[]): string =>
  `\\begin{pmatrix} ${v.map(toLatex).join(' \\\\ ')} \\end{pmatrix}`;

/**
 * A matrix as a `pmatrix`, each entry by {@link toLatex}.
 *
 * @example
 * latexMatrix(fisher(parse('x ~ Normal(mu, sigma)')).matrix); // → '\begin{pmatrix} \frac{1}{\sigma^{2}} & 0 \\ 0 & \frac{2}{\sigma^{2}} \end{pmatrix}'
 */
export const latexMatrix = (m: readonly (readonly Expr[])[]): string =>
  `\\begin{pmatrix} ${m.map((r) => r.map(toLatex).join(' & ')).join(' \\\\ ')} \\end{pmatrix}`;
