/**
 * Domain-aware simplification: named rewrite rules, each with its mathematics and side
 * condition, applied bottom-up to a bounded fixed point. The smart constructors already do the
 * algebra that always holds (like terms, powers, constants); the rules here need either a sign
 * (sigma > 0 => sqrt(sigma^2) = sigma) or a choice of form (a single fraction where it is shorter).
 */
import {
  ONE,
  add,
  call,
  mapBottomUp,
  mul,
  num,
  pow,
  type Add,
  type Expr,
  type Num,
} from './expr';
import { isNegative, isNonnegative, isPositive, type Interval } from './interval';
import { isNegativeTerm, negated, negativeExponent, printExpr } from './print';
import { rangeOf, type SymbolRanges } from './range';
import { rationalForm } from './rationalform';
import { qsign, rat, type Rational } from './rational';

/**
 * What {@link simplify} may assume, and its budget.
 *
 * @example
 * simplify(parseExpr('log(exp(2*t))/t'), { maxPasses: 2 }); // → 2
 */
export interface SimplifyOptions {
  /** Intervals of the symbols (parameter domains, data supports); unknown symbols are real. */
  readonly ranges?: SymbolRanges;
  /** Passes over the whole tree before giving up on a fixed point (default 6). */
  readonly maxPasses?: number;
}

interface Ctx {
  readonly sign: (e: Expr) => 'pos' | 'nonneg' | 'neg' | 'unknown';
}

type Rule = (e: Expr, ctx: Ctx) => Expr | undefined;

const RULES: Record<Expr['kind'], Array<{ name: string; rule: Rule }>> = {
  num: [],
  sym: [],
  add: [
    // a/D + b/D = (a + b)/D when the numerators cancel: 1/l^2 + (k - 1)/l^2 = k/l^2.
    { name: 'combine-same-denominator', rule: (e) => combineSameDenominators(e as Add) },
    // a·(b + c) + d = a·b + a·c + d when the sum gets shorter (terms cancel).
    { name: 'expand-when-shorter', rule: (e) => expandWhenShorter(e as Add) },
    // a·u + a·v = a·(u + v) for a factor a common to every term, when shorter.
    { name: 'factor-common', rule: (e) => shorter(e, factorCommon(e as Add)) },
    // Terms over D and D^2 (D a sum) become one fraction over D^2 when that is shorter.
    { name: 'combine-shared-sum-denominator', rule: (e) => combineSharedSumDenominators(e as Add) },
  ],
  mul: [
    // exp(a) exp(b) = exp(a + b).
    { name: 'merge-exp', rule: (e) => mergeExp(e) },
    // exp(a)^k / (1 + exp(a))^k = sigmoid(a)^k.
    { name: 'sigmoid', rule: (e) => recogniseSigmoid(e) },
    // x (x/l)^(k-1) / l^2 = (x/l)^k / l: a product's own factors are absorbed into its power,
    // when the factors of the base are positive (so (a b)^y = a^y b^y holds).
    { name: 'absorb-into-power', rule: (e, ctx) => absorbIntoPower(e, ctx) },
    // A sum of fractions inside a product becomes one fraction, so that denominators cancel:
    // 5/(4 s^2 (u/(4 s^2) + 1)) = 5/(u + 4 s^2).
    { name: 'together-factor', rule: (e) => togetherFactors(e) },
    // (k u - k) / l = k (u - 1) / l: common factors of a sum inside a product come out, unless longer.
    {
      name: 'factor-common-in-product',
      rule: (e) => {
        if (e.kind !== 'mul') return undefined;
        let changed = false;
        const fs = e.factors.map((f) => {
          const g = f.kind === 'add' ? factorCommon(f) : undefined;
          if (g === undefined) return f;
          changed = true;
          return g;
        });
        if (!changed) return undefined;
        const r = mul(...fs);
        return r !== e && len(r) <= len(e) ? r : undefined;
      },
    },
    // (s - 1) c = −(1 − s) c for a sum that is negative on the whole domain (s a probability):
    // the factor reads as a positive quantity, p (1 − p).
    { name: 'negative-sum-out', rule: (e, ctx) => flipNegativeSums(e, ctx) },
    // The rational content of a sum factor moves to the coefficient: (2a - 4b) c = 2 (a - 2b) c.
    { name: 'extract-content', rule: (e) => extractContent(e) },
  ],
  pow: [
    // (a b)^q = a^q b^q for a, b >= 0 and a number q: sqrt(sigma^2 a^2) = sigma a. A symbolic
    // exponent keeps its base whole, (x/lambda)^k, as a textbook writes it.
    {
      name: 'split-numeric-power-of-product',
      rule: (e, ctx) => {
        const p = e as Extract<Expr, { kind: 'pow' }>;
        if (p.base.kind !== 'mul' || p.exp.kind !== 'num') return undefined;
        if (!p.base.factors.every((f) => ctx.sign(f) === 'pos' || ctx.sign(f) === 'nonneg')) return undefined;
        return mul(...p.base.factors.map((f) => pow(f, p.exp)));
      },
    },
    // (b^u)^v = b^(u v) for b >= 0; (b^(2k))^(1/(2k)) = |b| otherwise.
    {
      name: 'power-of-power',
      rule: (e, ctx) => {
        const p = e as Extract<Expr, { kind: 'pow' }>;
        if (p.base.kind !== 'pow') return undefined;
        const inner = p.base;
        const s = ctx.sign(inner.base);
        if (s === 'pos' || s === 'nonneg') return pow(inner.base, mul(inner.exp, p.exp));
        if (inner.exp.kind === 'num' && p.exp.kind === 'num') {
          const prod = mul(inner.exp, p.exp);
          if (prod === ONE && inner.exp.value.d === 1n && inner.exp.value.n % 2n === 0n) return call('abs', [inner.base]);
        }
        return undefined;
      },
    },
    // A power of a sum with a rational content: (2a - 2b)^n = 2^n (a - b)^n for integer n.
    {
      name: 'content-of-power-base',
      rule: (e) => {
        const p = e as Extract<Expr, { kind: 'pow' }>;
        if (p.base.kind !== 'add' || p.exp.kind !== 'num' || p.exp.value.d !== 1n) return undefined;
        if (p.exp.value.n > 16n || p.exp.value.n < -16n) return undefined;
        const [c, prim] = primitive(p.base, true);
        if (c.n === 1n && c.d === 1n) return undefined;
        return mul(pow(num(c), p.exp), pow(prim, p.exp));
      },
    },
  ],
  call: [
    // |a| = a for a >= 0, −a for a <= 0.
    {
      name: 'abs-of-signed',
      rule: (e, ctx) => {
        const c = e as Extract<Expr, { kind: 'call' }>;
        if (c.fn !== 'abs') return undefined;
        const s = ctx.sign(c.args[0]!);
        if (s === 'pos' || s === 'nonneg') return c.args[0];
        if (s === 'neg') return mul(num(-1), c.args[0]!);
        return undefined;
      },
    },
    // log(a^y) = y log(a) for a > 0.
    {
      name: 'log-of-power',
      rule: (e, ctx) => {
        const c = e as Extract<Expr, { kind: 'call' }>;
        if (c.fn !== 'log') return undefined;
        const a = c.args[0]!;
        if (a.kind !== 'pow' || ctx.sign(a.base) !== 'pos') return undefined;
        return mul(a.exp, call('log', [a.base]));
      },
    },
  ],
};

/**
 * Simplifies an expression by named rewrite rules, to a bounded fixed point: combining fractions
 * over a common denominator, cancelling rational functions, expanding where terms cancel, and the
 * rewrites that need a sign, which it reads from `ranges` (√(σ²) = σ for σ > 0, log(a·b) = log a +
 * log b for a, b > 0). Unknown symbols are real, so nothing that could be false is assumed.
 *
 * @example
 * simplify(parseExpr('sqrt(sigma^2)')); // → abs(sigma)
 * simplify(parseExpr('sqrt(sigma^2)'), { ranges: (name) => (name === 'sigma' ? { lo: 0, hi: Infinity, loOpen: true, hiOpen: true } : undefined) }); // → sigma
 * simplify(parseExpr('1/l^2 + (k - 1)/l^2')); // → k/l^2
 * const m = parse('x ~ Gamma(k, theta)');
 * simplify(parseExpr('sqrt(x^2*theta^2) + log(x^k)'), { ranges: modelRanges(m) }); // → k*log(x) + theta*x
 */
export function simplify(e: Expr, options: SimplifyOptions = {}): Expr {
  const ranges = options.ranges ?? (() => undefined);
  const memo = new Map();
  const ctx: Ctx = {
    sign: (x) => {
      const r = rangeOf(x, ranges, memo);
      return isPositive(r) ? 'pos' : isNonnegative(r) ? 'nonneg' : isNegative(r) ? 'neg' : 'unknown';
    },
  };
  let cur = e;
  for (let pass = 0; pass < (options.maxPasses ?? 6); pass++) {
    const next = mapBottomUp(cur, (_node, rebuilt) => applyRules(rebuilt, ctx));
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

function applyRules(e: Expr, ctx: Ctx): Expr {
  let cur = e;
  for (let guard = 0; guard < 20; guard++) {
    let changed = false;
    for (const { rule } of RULES[cur.kind]) {
      const r = rule(cur, ctx);
      if (r !== undefined && r !== cur) {
        cur = r;
        changed = true;
        break;
      }
    }
    if (!changed) return cur;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Fractions.

/** A term as coefficient · numerator / denominator, with the denominator as base -> exponent. */
interface TermFraction {
  readonly term: Expr;
  readonly den: Map<Expr, Expr>;
  readonly denCoef: bigint;
}

function termFraction(t: Expr): TermFraction {
  const den = new Map<Expr, Expr>();
  let denCoef = 1n;
  const factors = t.kind === 'mul' ? t.factors : [t];
  for (const f of factors) {
    if (f.kind === 'num') denCoef = f.value.d;
    else if (f.kind === 'pow' && negativeExponent(f.exp)) den.set(f.base, mul(num(-1), f.exp));
  }
  return { term: t, den, denCoef };
}

const gcdBig = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

/** The least common denominator of terms; exponents combine by max when numeric, else must agree. */
function commonDenominator(fs: readonly TermFraction[]): Expr | undefined {
  const lcm = new Map<Expr, Expr>();
  let coef = 1n;
  for (const f of fs) {
    coef = (coef * f.denCoef) / gcdBig(coef, f.denCoef);
    for (const [b, k] of f.den) {
      const prev = lcm.get(b);
      if (prev === undefined) lcm.set(b, k);
      else if (prev !== k) {
        if (prev.kind !== 'num' || k.kind !== 'num') return undefined;
        if (qsign({ n: k.value.n * prev.value.d - prev.value.n * k.value.d, d: 1n }) > 0) lcm.set(b, k);
      }
    }
  }
  return mul(num(coef), ...[...lcm].map(([b, k]) => pow(b, k)));
}

/** Σ terms as one fraction N/D, or undefined when the denominators do not combine. */
function together(terms: readonly Expr[]): Expr | undefined {
  const fs = terms.map(termFraction);
  const d = commonDenominator(fs);
  if (d === undefined || d === ONE) return undefined;
  const n = add(...terms.map((t) => mul(t, d)));
  return mul(n, pow(d, num(-1)));
}

const lengths = new WeakMap<Expr, number>();
/** Printed length, memoised per node: the measure of "shorter" in the rules below. */
const len = (e: Expr): number => {
  let l = lengths.get(e);
  if (l === undefined) {
    l = printExpr(e).length;
    lengths.set(e, l);
  }
  return l;
};

function hasFraction(e: Expr): boolean {
  return e.kind === 'add' && e.terms.some((t) => {
    const f = termFraction(t);
    return f.den.size > 0 || f.denCoef !== 1n;
  });
}

function togetherFactors(e: Expr): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  let changed = false;
  const fs = e.factors.map((f) => {
    const base = f.kind === 'pow' && f.exp.kind === 'num' && f.exp.value.d === 1n ? f.base : f;
    if (!hasFraction(base)) return f;
    const t = together((base as Add).terms);
    if (t === undefined) return f;
    changed = true;
    return base === f ? t : pow(t, (f as Extract<Expr, { kind: 'pow' }>).exp);
  });
  if (!changed) return undefined;
  const r = mul(...fs);
  return len(r) < len(e) ? r : undefined;
}

/** The rational content c and primitive part p of a sum, s = c·p; with `positiveLead`, the sign goes to c when all terms are negative. */
function primitive(s: Add, positiveLead: boolean): [Rational, Expr] {
  let g = 0n;
  let l = 1n;
  for (const t of s.terms) {
    const c = t.kind === 'num' ? t.value : t.kind === 'mul' && t.factors[0]!.kind === 'num' ? (t.factors[0] as Num).value : rat(1);
    g = gcdBig(g, c.n);
    l = (l * c.d) / gcdBig(l, c.d);
  }
  let content = rat(g, l);
  const allNeg = s.terms.every((t) => (t.kind === 'num' ? qsign(t.value) < 0 : t.kind === 'mul' && t.factors[0]!.kind === 'num' && qsign((t.factors[0] as Num).value) < 0));
  if (positiveLead && allNeg) content = { n: -content.n, d: content.d };
  if (content.n === 1n && content.d === 1n) return [content, s];
  const inv = rat(content.d, content.n);
  return [content, add(...s.terms.map((t) => mul(num(inv), t)))];
}

function extractContent(e: Expr): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  let coef: Rational = rat(1);
  let changed = false;
  const fs = e.factors.map((f) => {
    if (f.kind !== 'add') return f;
    const [c, p] = primitive(f, true);
    if (c.n === 1n && c.d === 1n) return f;
    changed = true;
    coef = { n: coef.n * c.n, d: coef.d * c.d };
    return p;
  });
  if (!changed) return undefined;
  return mul(num(rat(coef.n, coef.d)), ...fs);
}

function combineSameDenominators(s: Add): Expr | undefined {
  const groups = new Map<string, Expr[]>();
  const key = (t: Expr): string => {
    const f = termFraction(t);
    return [...f.den].map(([b, k]) => `${b.id}^${k.id}`).sort().join('*');
  };
  for (const t of s.terms) {
    const k = key(t);
    if (k === '') continue;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  let changed = false;
  const out: Expr[] = [];
  const used = new Set<Expr>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const fs = g.map(termFraction);
    const d = mul(...[...fs[0]!.den].map(([b, k]) => pow(b, k)));
    const numer = add(...g.map((t) => mul(t, d)));
    const before = g.reduce((n, t) => n + (mul(t, d).kind === 'add' ? (mul(t, d) as Add).terms.length : 1), 0);
    const after = numer.kind === 'add' ? numer.terms.length : numer === num(0) ? 0 : 1;
    if (after >= before) continue;
    changed = true;
    g.forEach((t) => used.add(t));
    out.push(mul(numer, pow(d, num(-1))));
  }
  if (!changed) return undefined;
  return add(...s.terms.filter((t) => !used.has(t)), ...out);
}

function combineSharedSumDenominators(s: Add): Expr | undefined {
  // Group the terms by the sums in their denominators; combine a group when shorter.
  const bySum = new Map<Expr, Expr[]>();
  for (const t of s.terms) {
    for (const b of termFraction(t).den.keys()) {
      if (b.kind === 'add') bySum.set(b, [...(bySum.get(b) ?? []), t]);
    }
  }
  for (const group of bySum.values()) {
    if (group.length < 2) continue;
    const t = together(group);
    if (t === undefined) continue;
    const combined = simplifyNumerator(t);
    const rest = s.terms.filter((x) => !group.includes(x));
    const candidate = add(...rest, combined);
    if (len(candidate) < len(s)) return candidate;
  }
  return undefined;
}

/** Tidy the numerator of a fraction: common factors out, content out: (10 u w - 40 v w)/D = 10 w (u - 4 v)/D. */
function simplifyNumerator(e: Expr): Expr {
  if (e.kind !== 'mul') return e;
  const fs = e.factors.map((f) => (f.kind === 'add' ? (factorCommon(f) ?? f) : f));
  const m = mul(...fs);
  return extractContent(m) ?? m;
}

const shorter = (before: Expr, after: Expr | undefined): Expr | undefined =>
  after !== undefined && after !== before && len(after) < len(before) ? after : undefined;

/** The factors (base -> positive numeric exponent) of a term, without its coefficient. */
function positiveFactors(t: Expr): Map<Expr, Rational> {
  const out = new Map<Expr, Rational>();
  for (const f of t.kind === 'mul' ? t.factors : [t]) {
    if (f.kind === 'num') continue;
    if (f.kind === 'pow') {
      if (f.exp.kind === 'num' && qsign(f.exp.value) > 0) out.set(f.base, f.exp.value);
      else if (!negativeExponent(f.exp)) out.set(f, rat(1));
    } else out.set(f, rat(1));
  }
  return out;
}

/** Σ t_i = g · Σ (t_i / g) with g the largest product of factors common to all terms. */
function factorCommon(s: Add): Expr | undefined {
  const maps = s.terms.map(positiveFactors);
  const common: Expr[] = [];
  for (const [b, k0] of maps[0]!) {
    let k = k0;
    let inAll = true;
    for (const m of maps.slice(1)) {
      const kk = m.get(b);
      if (kk === undefined) {
        inAll = false;
        break;
      }
      if (qsign({ n: kk.n * k.d - k.n * kk.d, d: 1n }) < 0) k = kk;
    }
    if (inAll) common.push(pow(b, num(k)));
  }
  if (common.length === 0) return undefined;
  const g = mul(...common);
  const inner = add(...s.terms.map((t) => mul(t, pow(g, num(-1)))));
  return mul(g, inner);
}

function expandWhenShorter(s: Add): Expr | undefined {
  for (const t of s.terms) {
    if (t.kind !== 'mul') continue;
    const sumIdx = t.factors.findIndex((f) => f.kind === 'add');
    if (sumIdx < 0) continue;
    const sum = t.factors[sumIdx] as Add;
    const rest = t.factors.filter((_, i) => i !== sumIdx);
    const expanded = add(...sum.terms.map((u) => mul(u, ...rest)));
    const candidate = add(...s.terms.filter((x) => x !== t), expanded);
    const r = shorter(s, candidate);
    if (r !== undefined) return r;
  }
  return undefined;
}

function flipNegativeSums(e: Expr, ctx: Ctx): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  const i = e.factors.findIndex((f) => f.kind === 'add' && ctx.sign(f) === 'neg');
  if (i < 0) return undefined;
  return mul(num(-1), negated(e.factors[i]!), ...e.factors.filter((_, j) => j !== i));
}

function absorbIntoPower(e: Expr, ctx: Ctx): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  for (const p of e.factors) {
    if (p.kind !== 'pow' || p.base.kind !== 'mul' || p.exp.kind === 'num') continue;
    const base = p.base;
    if (!base.factors.every((f) => f.kind === 'num' || ctx.sign(f) === 'pos')) continue;
    const parts = base.factors.map((f) => (f.kind === 'pow' && f.exp.kind === 'num' ? ([f.base, f.exp.value] as const) : ([f, rat(1)] as const)));
    if (parts.some(([b]) => b.kind === 'num')) continue;
    // How many whole copies of the base (or of its inverse) the other factors hold.
    const others = new Map<Expr, Rational>();
    for (const f of e.factors) {
      if (f === p || f.kind === 'num') continue;
      if (f.kind === 'pow' && f.exp.kind === 'num') others.set(f.base, f.exp.value);
      else if (!(f.kind === 'pow')) others.set(f, rat(1));
    }
    const copies = (sign: 1 | -1): number => {
      let n = Infinity;
      for (const [b, k] of parts) {
        const have = others.get(b);
        if (have === undefined) return 0;
        const ratio = (Number(have.n) / Number(have.d)) / ((sign * Number(k.n)) / Number(k.d));
        n = Math.min(n, ratio >= 1 ? Math.floor(ratio) : 0);
      }
      return n === Infinity ? 0 : n;
    };
    for (const sign of [1, -1] as const) {
      const n = copies(sign);
      if (n <= 0) continue;
      const c = num(sign * n);
      return mul(...e.factors.filter((f) => f !== p), pow(base, mul(num(-sign * n), num(1))), pow(base, add(p.exp, c)));
    }
  }
  return undefined;
}

function mergeExp(e: Expr): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  const exps = e.factors.filter((f) => f.kind === 'call' && f.fn === 'exp');
  if (exps.length < 2) return undefined;
  const others = e.factors.filter((f) => !(f.kind === 'call' && f.fn === 'exp'));
  return mul(...others, call('exp', [add(...exps.map((f) => (f as Extract<Expr, { kind: 'call' }>).args[0]!))]));
}

/** exp(a)^k (exp(a) + 1)^(-k) = sigmoid(a)^k. */
function recogniseSigmoid(e: Expr): Expr | undefined {
  if (e.kind !== 'mul') return undefined;
  for (const f of e.factors) {
    if (!(f.kind === 'pow' && f.base.kind === 'add' && f.base.terms.length === 2 && f.base.terms[0] === ONE && f.exp.kind === 'num')) continue;
    const other = f.base.terms[1]!;
    if (!(other.kind === 'call' && other.fn === 'exp')) continue;
    const a = other.args[0]!;
    const k = mul(num(-1), f.exp);
    const want = call('exp', [mul(a, k)]);
    if (!e.factors.includes(want)) continue;
    const rest = e.factors.filter((x) => x !== f && x !== want);
    return mul(...rest, pow(call('sigmoid', [a]), k));
  }
  return undefined;
}


/** sum · factors without letting the constructors pull the sum's content back out. */
function rawProduct(sum: Expr, factors: readonly Expr[]): Expr {
  return factors.length === 0 ? sum : mul(sum, ...factors);
}

/**
 * The shortest of a few equivalent forms of a final result: the simplified sum, the same over a
 * common denominator (1/p + 1/(1 − p) = 1/(p (1 − p))), and with common factors taken out.
 * @example tidy(parseExpr('1/p + 1/(1 - p)')) // 1/(p*(1 - p))
 */
export function tidy(e: Expr, options: SimplifyOptions = {}): Expr {
  const s = simplify(e, options);
  const candidates: Expr[] = [s];
  // c·(a + b) as c·a + c·b: -(trigamma(a + b) - trigamma(a)) reads better as trigamma(a) - trigamma(a + b).
  if (s.kind === 'mul' && s.factors.length === 2 && s.factors[0]!.kind === 'num' && s.factors[1]!.kind === 'add') {
    const [c, sum] = s.factors as [Num, Add];
    candidates.push(add(...sum.terms.map((t) => mul(c, t))));
  }
  // c·(a + b)·rest with the coefficient moved into the sum: (π² + 6 u²)/(6 b²) = (u² + π²/6)/b².
  if (s.kind === 'mul' && s.factors[0]!.kind === 'num') {
    const [c, ...rest] = s.factors as [Num, ...Expr[]];
    const k = rest.findIndex((f) => f.kind === 'add');
    if (k >= 0) {
      const sum = rest[k] as Add;
      const inner = add(...sum.terms.map((t) => mul(c, t)));
      if (inner.kind === 'add') candidates.push(rawProduct(inner, rest.filter((_, i) => i !== k)));
    }
  }
  const r = rationalForm(s);
  if (r !== undefined && r !== s) candidates.push(simplify(simplifyNumerator(r), options));
  if (s.kind === 'add') {
    const t = together(s.terms);
    if (t !== undefined) candidates.push(simplify(simplifyNumerator(t), options));
    const f = factorCommon(s);
    if (f !== undefined) candidates.push(simplify(f, options));
  }
  // Shortest wins; each extra top-level term costs a little, so p (1 − p) beats p − p².
  const cost = (x: Expr): number => len(x) + (x.kind === 'add' ? 2 * (x.terms.length - 1) : 0) + (printExpr(x).startsWith('-(') ? 6 : 0);
  let best = s;
  for (const c of candidates) if (cost(c) < cost(best)) best = c;
  return best;
}

/**
 * log(a·b) = log a + log b and log(a^y) = y·log a where the factors are positive: used where a
 * sum is more useful than a product (finding the location of log x), not in printed results.
 */
export function expandLogs(e: Expr, ranges: SymbolRanges): Expr {
  const memo = new Map<Expr, Interval>();
  const positive = (x: Expr): boolean => isPositive(rangeOf(x, ranges, memo));
  return mapBottomUp(e, (_node, r) => {
    if (r.kind !== 'call' || r.fn !== 'log') return r;
    const a = r.args[0]!;
    if (a.kind === 'mul' && a.factors.every((f) => f.kind === 'num' ? qsign(f.value) > 0 : positive(f))) {
      return add(...a.factors.map((f) => logOf(f, positive)));
    }
    if (a.kind === 'pow' && positive(a.base)) return mul(a.exp, logOf(a.base, positive));
    return r;
  });
}

function logOf(f: Expr, positive: (x: Expr) => boolean): Expr {
  if (f.kind === 'pow' && positive(f.base)) return mul(f.exp, call('log', [f.base]));
  return call('log', [f]);
}
