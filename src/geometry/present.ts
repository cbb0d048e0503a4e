/**
 * The printed form of a divergence. `tidy` prefers one fraction, which for a divergence hides its
 * structure; two more candidates are tried and the shortest printed form wins:
 *
 * - sums of logarithms with rational coefficients joined into one logarithm where every argument
 *   is positive under the domains (log(σ₂) − log(σ₁) → log(σ₂/σ₁));
 * - completed squares, a² − 2ab + b² → (a − b)² (with a common factor: c a² R − 2c a b R + c b² R);
 * - logarithms taken out of exponentials, exp(c log u + r) → u^c exp(r), the rest tidied on its
 *   own (the Chernoff coefficients of exponential families).
 */
import { add, call, mapBottomUp, mul, num, pow, type Expr } from '../expr/expr';
import { isPositive } from '../expr/interval';
import { printExpr } from '../expr/print';
import { rangeOf, type SymbolRanges } from '../expr/range';
import { simplify, tidy } from '../expr/simplify';

const TWO = /* @__PURE__ */ num(2);
const MINUS_TWO = /* @__PURE__ */ num(-2);

/**
 * A divergence as a reader wants it: tidied, with logs joined and squares completed if shorter.
 * @example present(parseExpr('log(s2) - log(s1) + (a^2 - 2*a*b + b^2)/2'), ranges) // log(s2/s1) + (a - b)^2/2
 */
export function present(e: Expr, ranges: SymbolRanges): Expr {
  const t = tidy(e, { ranges });
  const s = simplify(e, { ranges });
  const candidates = [t, completeSquares(t), completeSquares(joinLogs(t, ranges)), completeSquares(joinLogs(s, ranges))];
  const e2 = splitExps(s, ranges);
  if (e2 !== s) candidates.push(e2, tidy(e2, { ranges }));
  // Terms split into logs and the rest, the rest tidied on its own.
  if (s.kind === 'add') {
    const isLog = (x: Expr): boolean => x.kind === 'call' && x.fn === 'log' || (x.kind === 'mul' && x.factors.length === 2 && x.factors[0]!.kind === 'num' && x.factors[1]!.kind === 'call' && x.factors[1]!.fn === 'log');
    const logs = s.terms.filter(isLog);
    const rest = s.terms.filter((x) => !isLog(x));
    if (logs.length > 0 && rest.length > 0) candidates.push(completeSquares(add(joinLogs(add(...logs), ranges), tidy(add(...rest), { ranges }))));
  }
  let best = t;
  for (const c of candidates) if (printExpr(c).length < printExpr(best).length) best = c;
  return best;
}

/** Σ c_i log(u_i) → log(Π u_i^c_i) inside every sum, where each u_i > 0 and c_i is rational. */
export function joinLogs(e: Expr, ranges: SymbolRanges): Expr {
  const memo = new Map();
  const positive = (x: Expr): boolean => isPositive(rangeOf(x, ranges, memo));
  const asLog = (x: Expr): [Expr, Expr] | undefined => {
    if (x.kind === 'call' && x.fn === 'log' && positive(x.args[0]!)) return [num(1), x.args[0]!];
    if (x.kind === 'mul' && x.factors.length === 2 && x.factors[0]!.kind === 'num') {
      const f = x.factors[1]!;
      if (f.kind === 'call' && f.fn === 'log' && positive(f.args[0]!)) return [x.factors[0]!, f.args[0]!];
    }
    return undefined;
  };
  return mapBottomUp(e, (_node, r) => {
    if (r.kind !== 'add') return r;
    const logs = r.terms.map(asLog);
    if (logs.filter((l) => l !== undefined).length < 2) return r;
    const arg = tidy(mul(...logs.filter((l) => l !== undefined).map(([c, u]) => pow(u, c))), { ranges });
    return add(call('log', [arg]), ...r.terms.filter((_, i) => logs[i] === undefined));
  });
}

/** c a² R + c b² R ∓ 2c a b R → c (a ∓ b)² R inside every sum. */
export function completeSquares(e: Expr): Expr {
  return mapBottomUp(e, (_node, r) => {
    let cur = r;
    for (let guard = 0; guard < 8 && cur.kind === 'add'; guard++) {
      const next = oneSquare(cur.terms);
      if (next === undefined) break;
      cur = next;
    }
    return cur;
  });
}

function oneSquare(terms: readonly Expr[]): Expr | undefined {
  // For each term with a squared factor a²: the rest c·R, keyed, with the term and a.
  const byRest = new Map<Expr, Array<{ term: Expr; base: Expr }>>();
  for (const term of terms) {
    const factors = term.kind === 'mul' ? term.factors : [term];
    for (const f of factors) {
      if (f.kind !== 'pow' || f.exp !== TWO) continue;
      const rest = mul(term, pow(f.base, MINUS_TWO));
      const list = byRest.get(rest) ?? [];
      list.push({ term, base: f.base });
      byRest.set(rest, list);
    }
  }
  const present = new Set(terms);
  for (const [rest, list] of byRest) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const { term: ta, base: a } = list[i]!;
        const { term: tb, base: b } = list[j]!;
        if (ta === tb) continue;
        for (const sign of [-1, 1]) {
          const cross = mul(num(2 * sign), rest, a, b);
          if (!present.has(cross)) continue;
          const others = terms.filter((x) => x !== ta && x !== tb && x !== cross);
          const square = mul(rest, pow(add(a, mul(num(sign), b)), TWO));
          return add(square, ...others);
        }
      }
    }
  }
  return undefined;
}

/** exp(Σ c_i log u_i + r) → Π u_i^c_i · exp(r) with u_i > 0, r tidied and its squares completed. */
export function splitExps(e: Expr, ranges: SymbolRanges): Expr {
  const memo = new Map();
  const positive = (x: Expr): boolean => isPositive(rangeOf(x, ranges, memo));
  return mapBottomUp(e, (_node, r) => {
    if (r.kind !== 'call' || r.fn !== 'exp') return r;
    const arg = r.args[0]!;
    const terms = arg.kind === 'add' ? arg.terms : [arg];
    const powers: Expr[] = [];
    const rest: Expr[] = [];
    for (const t of terms) {
      const [c, f] = t.kind === 'mul' && t.factors.length === 2 && t.factors[0]!.kind === 'num' ? [t.factors[0]!, t.factors[1]!] : [num(1), t];
      if (f.kind === 'call' && f.fn === 'log' && positive(f.args[0]!)) powers.push(pow(f.args[0]!, c));
      else rest.push(t);
    }
    if (powers.length === 0) return r;
    const r2 = completeSquares(tidy(add(...rest), { ranges }));
    return mul(...powers, call('exp', [r2]));
  });
}
