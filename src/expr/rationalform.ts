/**
 * Rational functions in "atoms" (symbols and any non-polynomial subexpression, such as
 * trigamma(a) or sigmoid(t)): a normal form N/D with N an expanded polynomial and D a product of
 * polynomial factors, where a factor of D that divides N exactly is cancelled. This is what turns
 * the solution of a small linear system, full of nested fractions, back into p1 or
 * (1 − p2)/(p1 (1 − p1 − p2)). It is exact: no factor is cancelled unless the division leaves no
 * remainder. Sizes are bounded; past them the caller keeps its original expression.
 */
import { add, mul, num, pow, type Expr } from './expr';
import { ONE_Q, qadd, qdiv, qmul, type Rational } from './rational';

type Mono = ReadonlyArray<readonly [Expr, number]>; // atoms with positive exponents, sorted by id
interface Term {
  readonly mono: Mono;
  readonly coef: Rational;
}
type Poly = Map<string, Term>;

const MAX_TERMS = 400;

class TooLarge extends Error {}

const monoKey = (m: Mono): string => m.map(([a, k]) => `${a.id}^${k}`).join('*');

function polyConst(c: Rational): Poly {
  return c.n === 0n ? new Map() : new Map([['', { mono: [], coef: c }]]);
}

function polyAtom(a: Expr): Poly {
  const mono: Mono = [[a, 1]];
  return new Map([[monoKey(mono), { mono, coef: ONE_Q }]]);
}

function addInto(p: Map<string, Term>, mono: Mono, coef: Rational): void {
  const k = monoKey(mono);
  const prev = p.get(k);
  const c = prev === undefined ? coef : qadd(prev.coef, coef);
  if (c.n === 0n) p.delete(k);
  else p.set(k, { mono, coef: c });
  if (p.size > MAX_TERMS) throw new TooLarge();
}

function polyAdd(a: Poly, b: Poly, scaleB: Rational = ONE_Q): Poly {
  const out = new Map(a);
  for (const t of b.values()) addInto(out, t.mono, qmul(scaleB, t.coef));
  return out;
}

function monoMul(a: Mono, b: Mono): Mono {
  const m = new Map<Expr, number>();
  for (const [x, k] of [...a, ...b]) m.set(x, (m.get(x) ?? 0) + k);
  return [...m].sort((p, q) => p[0].id - q[0].id);
}

function polyMul(a: Poly, b: Poly): Poly {
  const out: Poly = new Map();
  for (const s of a.values()) for (const t of b.values()) addInto(out, monoMul(s.mono, t.mono), qmul(s.coef, t.coef));
  return out;
}

/** Lexicographic order on monomials by atom id: the leading term of a polynomial. */
function leading(p: Poly): Term | undefined {
  let best: Term | undefined;
  for (const t of p.values()) if (best === undefined || monoCompare(t.mono, best.mono) > 0) best = t;
  return best;
}

function monoCompare(a: Mono, b: Mono): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x[0] !== y[0]) return x[0].id < y[0].id ? 1 : -1;
    if (x[1] !== y[1]) return x[1] - y[1];
  }
  return 0;
}

function monoDiv(a: Mono, b: Mono): Mono | undefined {
  const m = new Map<Expr, number>(a);
  for (const [x, k] of b) {
    const have = m.get(x) ?? 0;
    if (have < k) return undefined;
    if (have === k) m.delete(x);
    else m.set(x, have - k);
  }
  return [...m].sort((p, q) => p[0].id - q[0].id);
}

/** a / b when b divides a exactly, else undefined. */
function polyDivExact(a: Poly, b: Poly): Poly | undefined {
  const lb = leading(b);
  if (lb === undefined) return undefined;
  let rem: Poly = new Map(a);
  const q: Poly = new Map();
  for (let guard = 0; rem.size > 0; guard++) {
    if (guard > 4 * MAX_TERMS) return undefined;
    const lr = leading(rem)!;
    const m = monoDiv(lr.mono, lb.mono);
    if (m === undefined) return undefined;
    const c = qdiv(lr.coef, lb.coef);
    addInto(q, m, c);
    rem = polyAdd(rem, polyMul(new Map([[monoKey(m), { mono: m, coef: c }]]), b), { n: -1n, d: 1n });
  }
  return q;
}

const isConst = (p: Poly): boolean => p.size === 0 || (p.size === 1 && p.has(''));

/** A rational function: numerator polynomial over a product of polynomial factors with multiplicities. */
interface RatFn {
  readonly n: Poly;
  readonly d: ReadonlyArray<{ readonly f: Poly; readonly k: number }>;
}

function cancel(r: RatFn): RatFn {
  let n = r.n;
  const d: Array<{ f: Poly; k: number }> = [];
  for (const { f, k } of r.d) {
    let kk = k;
    while (kk > 0 && n.size > 0) {
      const q = polyDivExact(n, f);
      if (q === undefined) break;
      n = q;
      kk--;
    }
    if (kk > 0) d.push({ f, k: kk });
  }
  // Merge equal factors (and factors equal up to a constant).
  const merged: Array<{ f: Poly; k: number }> = [];
  for (const x of d) {
    const same = merged.find((y) => {
      const q = polyDivExact(x.f, y.f);
      return q !== undefined && isConst(q) && q.size === 1;
    });
    if (same === undefined) merged.push({ ...x });
    else {
      const q = polyDivExact(x.f, same.f)!;
      const c = [...q.values()][0]!.coef;
      for (let i = 0; i < x.k; i++) n = polyMul(n, polyConst({ n: c.d, d: c.n }));
      same.k += x.k;
    }
  }
  return { n, d: merged };
}

function toRat(e: Expr): RatFn {
  switch (e.kind) {
    case 'num':
      return { n: polyConst(e.value), d: [] };
    case 'add': {
      let acc: RatFn = { n: new Map(), d: [] };
      for (const t of e.terms) acc = ratAdd(acc, toRat(t));
      return acc;
    }
    case 'mul': {
      let acc: RatFn = { n: polyConst(ONE_Q), d: [] };
      for (const f of e.factors) acc = ratMul(acc, toRat(f));
      return acc;
    }
    case 'pow': {
      if (e.exp.kind === 'num' && e.exp.value.d === 1n && e.exp.value.n !== 0n && e.exp.value.n <= 32n && e.exp.value.n >= -32n) {
        const k = Number(e.exp.value.n);
        const b = toRat(e.base);
        let acc: RatFn = { n: polyConst(ONE_Q), d: [] };
        for (let i = 0; i < Math.abs(k); i++) acc = ratMul(acc, b);
        return k > 0 ? acc : ratInv(acc);
      }
      return { n: polyAtom(e), d: [] };
    }
    default:
      return { n: polyAtom(e), d: [] };
  }
}

function ratMul(a: RatFn, b: RatFn): RatFn {
  return cancel({ n: polyMul(a.n, b.n), d: [...a.d, ...b.d] });
}

function ratInv(a: RatFn): RatFn {
  if (a.n.size === 0) throw new TooLarge();
  let n: Poly = polyConst(ONE_Q);
  for (const { f, k } of a.d) for (let i = 0; i < k; i++) n = polyMul(n, f);
  if (isConst(a.n)) return { n: polyMul(n, polyConst(invConst(a.n))), d: [] };
  return cancel({ n, d: [{ f: a.n, k: 1 }] });
}

function invConst(p: Poly): Rational {
  const c = p.get('')!.coef;
  return { n: c.d * (c.n < 0n ? -1n : 1n), d: c.n < 0n ? -c.n : c.n };
}

function ratAdd(a: RatFn, b: RatFn): RatFn {
  if (a.n.size === 0) return b;
  if (b.n.size === 0) return a;
  // Common denominator: the union of factors with the larger multiplicity.
  const d: Array<{ f: Poly; k: number }> = a.d.map((x) => ({ ...x }));
  for (const y of b.d) {
    const same = d.find((x) => samePoly(x.f, y.f));
    if (same === undefined) d.push({ ...y });
    else same.k = Math.max(same.k, y.k);
  }
  const lift = (r: RatFn): Poly => {
    let n = r.n;
    for (const x of d) {
      const own = r.d.find((y) => samePoly(x.f, y.f))?.k ?? 0;
      for (let i = own; i < x.k; i++) n = polyMul(n, x.f);
    }
    return n;
  };
  return cancel({ n: polyAdd(lift(a), lift(b)), d });
}

function samePoly(a: Poly, b: Poly): boolean {
  if (a.size !== b.size) return false;
  for (const [k, t] of a) {
    const u = b.get(k);
    if (u === undefined || u.coef.n !== t.coef.n || u.coef.d !== t.coef.d) return false;
  }
  return true;
}

function fromPoly(p: Poly): Expr {
  return add(...[...p.values()].map((t) => mul(num(t.coef), ...t.mono.map(([a, k]) => pow(a, num(k))))));
}

/** Sums that appear in the expression: likely factors of an expanded denominator. */
function candidateFactors(e: Expr): Poly[] {
  const out: Poly[] = [];
  const seen = new Set<Expr>();
  const stack = [e];
  while (stack.length > 0 && out.length < 24) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x.kind === 'add') {
      try {
        const r = toRat(x);
        if (r.d.length === 0 && !isConst(r.n) && r.n.size <= 8) out.push(r.n);
      } catch {
        /* not a polynomial */
      }
    }
    if (x.kind === 'add') stack.push(...x.terms);
    else if (x.kind === 'mul') stack.push(...x.factors);
    else if (x.kind === 'pow') stack.push(x.base);
  }
  return out;
}

/** Split denominator factors by the candidate factors that divide them exactly, then cancel again. */
function refine(r: RatFn, candidates: readonly Poly[]): RatFn {
  const d: Array<{ f: Poly; k: number }> = [];
  let n = r.n;
  for (const { f, k } of r.d) {
    let rest = f;
    for (const c of candidates) {
      for (let guard = 0; guard < 8 && !isConst(rest); guard++) {
        const q = polyDivExact(rest, c);
        if (q === undefined) break;
        d.push({ f: c, k });
        rest = q;
      }
    }
    if (!isConst(rest)) d.push({ f: rest, k });
    else if (rest.size === 1) {
      // A constant left over: 1/c^k moves to the numerator.
      const inv = invConst(rest);
      for (let i = 0; i < k; i++) n = polyMul(n, polyConst(inv));
    }
  }
  return cancel({ n, d });
}

/**
 * The expression as one cancelled fraction, or undefined when it is too large to normalise.
 * @example rationalForm(parseExpr('(1/p1 - 1/(1 - p1))/(1/p1 + 1/(1 - p1))')) // 1 - 2*p1
 */
export function rationalForm(e: Expr): Expr | undefined {
  try {
    const r = refine(toRat(e), candidateFactors(e));
    const den = r.d.map(({ f, k }) => pow(fromPoly(f), num(-k)));
    return mul(fromPoly(r.n), ...den);
  } catch (err) {
    if (err instanceof TooLarge) return undefined;
    throw err;
  }
}

