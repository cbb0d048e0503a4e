/**
 * The text printer: fisherlab's own syntax, which `parseExpr` reads back to the same node.
 * Products with negative powers print as fractions, sums put positive terms first, and
 * x^(1/2) prints as sqrt(x): `1/sigma^2 - 3*(x - mu)^2/sigma^4`.
 */
import type { Add, Expr, Num } from './node';
import { qabs, qneg, qsign, rat, type Rational } from './rational';

/** The smart constructors the printer builds with. */
export interface Builders {
  readonly add: (...xs: Expr[]) => Expr;
  readonly mul: (...xs: Expr[]) => Expr;
  readonly num: (value: Rational | number | bigint) => Num;
  readonly pow: (b: Expr, e: Expr) => Expr;
  /** A sum's rational content and the sum divided by a rational (the canonical linear forms). */
  readonly sumContent: (s: Add) => Rational;
  readonly scaleSum: (s: Add, c: Rational) => Expr;
}

const unset = (): never => {
  throw new Error('internal: the printer was used before expr.ts handed it the constructors');
};
const build: { -readonly [K in keyof Builders]: Builders[K] } = { add: unset, mul: unset, num: unset, pow: unset, sumContent: unset, scaleSum: unset };

/**
 * Called once by expr.ts as it loads. expr.ts imports this module (every node prints through it),
 * so this module cannot import the constructors back without an import cycle; they are handed over.
 */
export function useBuilders(b: Builders): void {
  Object.assign(build, b);
}

/** Binding strength of a printed form: a child weaker than its context gets parentheses. */
export const enum Prec {
  Add = 1,
  Mul = 2,
  Neg = 3,
  Pow = 4,
  Atom = 5,
}

/** A product read as sign · (numerator factors) / (denominator factors), with integer coefficients. */
export interface Fraction {
  readonly negative: boolean;
  readonly numCoef: bigint;
  readonly denCoef: bigint;
  readonly num: readonly Expr[];
  readonly den: readonly Expr[];
}

/** Is the exponent "negative" (a negative number, or a product with a negative coefficient)? */
export function negativeExponent(e: Expr): boolean {
  if (e.kind === 'add') return e.terms.every(isNegativeTerm);
  return isNegativeTerm(e);
}

/** −e, distributed over a sum: −(−k − 1) = k + 1. */
export function negated(e: Expr): Expr {
  return e.kind === 'add' ? build.add(...e.terms.map(negated)) : build.mul(build.num(-1), e);
}

/**
 * Split a product (or a single factor) into sign, numerator and denominator.
 * With `roundTrip`, a power moves to the denominator only when the parser rebuilds the same node
 * from it (x^(-a - b) prints as 1/x^(a + b), which reads back to it: exponents are stored in
 * their distributed linear form).
 */
export function asFraction(e: Expr, roundTrip = false): Fraction {
  let coef: Rational = rat(1);
  let factors: readonly Expr[] = [e];
  if (e.kind === 'mul') {
    factors = e.factors;
    if (e.factors[0]!.kind === 'num') {
      coef = (e.factors[0] as Num).value;
      factors = e.factors.slice(1);
    }
  } else if (e.kind === 'num') {
    coef = e.value;
    factors = [];
  }
  const numF: Expr[] = [];
  const denF: Expr[] = [];
  for (const f of factors) {
    if (f.kind === 'pow' && negativeExponent(f.exp)) {
      const d = build.pow(f.base, negated(f.exp));
      if (!roundTrip || build.pow(d, build.num(-1)) === f) {
        denF.push(d);
        continue;
      }
    }
    numF.push(f);
  }
  const a = qabs(coef);
  return { negative: qsign(coef) < 0, numCoef: a.n, denCoef: a.d, num: displayOrder(numF), den: displayOrder(denF) };
}

/** Display order of factors: symbols, then sums, then function calls, then the rest: (a - 1)*log(x). */
function displayOrder(fs: Expr[]): Expr[] {
  const group = (f: Expr): number => {
    const b = f.kind === 'pow' ? f.base : f;
    return b.kind === 'sym' ? 0 : b.kind === 'add' ? 1 : b.kind === 'call' ? 2 : 3;
  };
  return fs.map((f, i) => [f, i] as const).sort((p, q) => group(p[0]) - group(q[0]) || p[1] - q[1]).map((p) => p[0]);
}

/** Order terms of a sum for display: positive terms first, constants after symbols. */
export function displayTerms(terms: readonly Expr[]): Array<{ term: Expr; negative: boolean }> {
  const pos: Expr[] = [];
  const negs: Expr[] = [];
  let posConst: Expr | undefined;
  let negConst: Expr | undefined;
  for (const t of terms) {
    const negative = isNegativeTerm(t);
    if (t.kind === 'num') {
      if (negative) negConst = t;
      else posConst = t;
    } else (negative ? negs : pos).push(t);
  }
  // "1 - theta" and "1 + exp(eta)" keep the constant first; "a + b + 1" and "x^2 + 1" put it last.
  if (posConst !== undefined) {
    if (pos.every(isMonomial) && pos.length > 0) pos.push(posConst);
    else pos.unshift(posConst);
  }
  if (negConst !== undefined) negs.push(negConst);
  return [...pos.map((term) => ({ term, negative: false })), ...negs.map((term) => ({ term, negative: true }))];
}

/** A product of symbols with positive whole exponents (and a coefficient): n, 2*a*b, x^2. */
function isMonomial(t: Expr): boolean {
  const fs = t.kind === 'mul' ? t.factors : [t];
  return fs.every((f) => f.kind === 'num' || f.kind === 'sym' || (f.kind === 'pow' && f.base.kind === 'sym' && f.exp.kind === 'num' && f.exp.value.d === 1n && f.exp.value.n > 0n));
}

export function isNegativeTerm(t: Expr): boolean {
  if (t.kind === 'num') return qsign(t.value) < 0;
  return t.kind === 'mul' && t.factors[0]!.kind === 'num' && qsign((t.factors[0] as Num).value) < 0;
}

/** −t for a term printed after a minus sign. */
export function negateTerm(t: Expr): Expr {
  if (t.kind === 'num') return build.num(qneg(t.value));
  return build.mul(build.num(-1), t);
}

/**
 * A sum in an operand position (a function's argument, an exponent, the base of a root) as a
 * textbook prints it: a common rational factored out when what remains is a sum of terms with
 * coefficients ±1, −2*a − 2*b*z as −2*(a + b*z) and x/2 + y/2 as (x + y)/2 (but 4*a + 6*b and
 * sqrt(u) - a/2 - b/2 stay as they are). The canonical form stores the distributed sum
 * (`linearForm` in expr.ts), so both read back to the same node. A content of ±1 stays in the
 * sum (−a − b, not −(a + b)).
 */
export function factorContent(e: Expr): Expr {
  if (e.kind !== 'add') return e;
  const c = build.sumContent(e);
  if (c.d === 1n && (c.n === 1n || c.n === -1n)) return e;
  const s = build.scaleSum(e, c);
  const unit = (t: Expr): boolean => {
    const k = t.kind === 'num' ? t.value : t.kind === 'mul' && t.factors[0]!.kind === 'num' ? (t.factors[0] as Num).value : undefined;
    return k === undefined || (k.d === 1n && (k.n === 1n || k.n === -1n));
  };
  return s.kind === 'add' && s.terms.every(unit) ? build.mul(build.num(c), s) : e;
}

interface Printed {
  readonly s: string;
  readonly prec: Prec;
}

/**
 * An expression in fisherlab's syntax, as a reader writes it: quotients for negative powers,
 * `sqrt` for powers 1/2, a leading minus pulled out. {@link parseExpr} reads it back to the same
 * node; `String(e)` is the same text.
 *
 * @example
 * printExpr(parseExpr('-(x-mu)^2/(2*sigma^2)')); // → '-(x - mu)^2/(2*sigma^2)'
 * printExpr(pow(sym('x'), num(-1, 2))); // → '1/sqrt(x)'
 */
export function printExpr(e: Expr): string {
  return fmt(e).s;
}

const wrap = (p: Printed, min: Prec): string => (p.prec < min ? `(${p.s})` : p.s);

function fmt(e: Expr): Printed {
  switch (e.kind) {
    case 'num': {
      const { n, d } = e.value;
      if (d === 1n) return { s: `${n}`, prec: n < 0n ? Prec.Neg : Prec.Atom };
      return { s: `${n}/${d}`, prec: n < 0n ? Prec.Neg : Prec.Mul };
    }
    case 'sym':
      return { s: e.name, prec: Prec.Atom };
    case 'call':
      return { s: `${e.fn}(${e.args.map((a) => fmt(factorContent(a)).s).join(', ')})`, prec: Prec.Atom };
    case 'add': {
      let s = '';
      for (const { term, negative } of displayTerms(e.terms)) {
        const p = fmt(negative ? negateTerm(term) : term);
        const body = wrap(p, Prec.Mul);
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
  if (exp.kind === 'num' && exp.value.n === 1n && exp.value.d === 2n) return { s: `sqrt(${fmt(factorContent(base)).s})`, prec: Prec.Atom };
  const b = wrap(fmt(exp.kind === 'num' && exp.value.d === 1n ? base : factorContent(base)), Prec.Atom);
  const ep = fmt(factorContent(exp));
  const es = ep.prec === Prec.Atom && !(exp.kind === 'num' && exp.value.n < 0n) ? ep.s : `(${ep.s})`;
  return { s: `${b}^${es}`, prec: Prec.Pow };
}

function fmtFactor(f: Expr): string {
  if (f.kind === 'pow') return fmtPower(f.base, f.exp).s;
  return wrap(fmt(f), Prec.Pow);
}

/**
 * The fraction of a product as printed: the coefficient multiplied into the one sum among the
 * numerator's factors when that prints shorter. The canonical form keeps the rational content of
 * a sum factor in the coefficient (y*(2*a + 2*b) is 2*y*(a + b)); a textbook writes
 * (pi^2/6 + (1 - euler_gamma)^2)/k^2 rather than (pi^2 + 6*(1 - euler_gamma)^2)/(6*k^2). Both read
 * back to the same node.
 */
export function displayFraction(e: Expr, roundTrip = false): Fraction {
  const fr = asFraction(e, roundTrip);
  if (fr.numCoef === 1n && fr.denCoef === 1n) return fr;
  const sums = fr.num.filter((f) => f.kind === 'add');
  // With no other factor, c*(a + b) is a node of its own (a product), not the sum c*a + c*b.
  if (sums.length !== 1 || fr.num.length + fr.den.length < 2) return fr;
  const s = sums[0] as Extract<Expr, { kind: 'add' }>;
  const c = build.num(rat(fr.numCoef, fr.denCoef));
  const scaled = build.add(...s.terms.map((t) => build.mul(c, t)));
  const alt: Fraction = { ...fr, numCoef: 1n, denCoef: 1n, num: fr.num.map((f) => (f === s ? scaled : f)) };
  return fractionText(alt).length < fractionText(fr).length ? alt : fr;
}

function fmtProduct(e: Expr): Printed {
  if (e.kind === 'pow' && !negativeExponent(e.exp)) return fmtPower(e.base, e.exp);
  const fr = displayFraction(e, true);
  return { s: fractionText(fr), prec: fr.negative ? Prec.Neg : Prec.Mul };
}

function fractionText(fr: Fraction): string {
  const numParts: string[] = [];
  if (fr.numCoef !== 1n || fr.num.length === 0) numParts.push(`${fr.numCoef}`);
  for (const f of fr.num) numParts.push(fmtFactor(f));
  const denParts: string[] = [];
  if (fr.denCoef !== 1n) denParts.push(`${fr.denCoef}`);
  for (const f of fr.den) denParts.push(fmtFactor(f));
  let s = numParts.join('*');
  if (denParts.length > 0) s = `${s}/${denParts.length > 1 ? `(${denParts.join('*')})` : denParts[0]!}`;
  return fr.negative ? `-${s}` : s;
}

/**
 * A vector as `[a, b]`, each entry by {@link printExpr}.
 *
 * @example
 * printVector(score(parse('x ~ Normal(mu, sigma)'))); // → '[(x - mu)/sigma^2, (x - mu)^2/sigma^3 - 1/sigma]'
 */
export const printVector = (v: readonly Expr[]): string => `[${v.map(printExpr).join(', ')}]`;

/**
 * A matrix as `[[a, b], [c, d]]`, each entry by {@link printExpr}; `null` entries (no closed form)
 * print as `null`.
 *
 * @param multiline - One row per line.
 * @example
 * const F = fisher(parse('x ~ Gamma(a, b)')).matrix;
 * printMatrix(F); // → '[[trigamma(a), -1/b], [-1/b, a/b^2]]'
 * printMatrix(F, true); // → '[[trigamma(a), -1/b],\n [-1/b, a/b^2]]'
 */
export function printMatrix(m: readonly (readonly Expr[])[], multiline = false): string {
  const rows = m.map((r) => `[${r.map(printExpr).join(', ')}]`);
  return multiline ? `[${rows.join(',\n ')}]` : `[${rows.join(', ')}]`;
}
