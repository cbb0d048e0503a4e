/**
 * Location–scale families in geometry. When ℓ(x; θ) = −log s(θ) + f₀((y − m(θ))/s(θ)) with y = x
 * or y = log x (recognised by `standardise` of src/fisher/standardize.ts), a divergence between
 * two members reduces to one of the standard density f₀: with x drawn at θ1, y = m₁ + s₁ z and
 *
 *   KL(p_θ1 ‖ p_θ2) = log(s₂/s₁) + E[f₀(z)] − E[f₀(a + b z)],   a = (m₁ − m₂)/s₂,  b = s₁/s₂,
 *
 * (a bijection of the data, y = log x, changes no divergence). The table below holds the closed
 * forms for the standard densities where one is known.
 */
import { EULER_GAMMA, ONE, add, call, div, mul, neg, num, pow, type Expr } from '../expr/expr';
import type { Standardisation } from '../fisher/standardize';

type PairKL = (m1: Expr, s1: Expr, m2: Expr, s2: Expr) => Expr;

const abs = (e: Expr): Expr => call('abs', [e]);
const exp = (e: Expr): Expr => call('exp', [e]);
const log = (e: Expr): Expr => call('log', [e]);
const sq = (e: Expr): Expr => pow(e, num(2));
const minus = (a: Expr, b: Expr): Expr => add(a, neg(b));
const MINUS_ONE = /* @__PURE__ */ num(-1);

/**
 * KL between two members (m₁, s₁) and (m₂, s₂), by the standard density's name in `standardise`;
 * with a = (m₁ − m₂)/s₂ and b = s₁/s₂ each is log(s₂/s₁) + E[f₀(z)] − E[f₀(a + b z)]:
 * - normal: (a² + b² − 1)/2;
 * - Laplace: E|a + b z| = |a| + b e^(−|a|/b) for z standard Laplace, so
 *   log(s₂/s₁) + |m₁ − m₂|/s₂ + (s₁/s₂) e^(−|m₁ − m₂|/s₁) − 1 (Gil, Alajaji & Linder 2013, Rényi
 *   divergence measures for commonly used univariate continuous distributions, Inf. Sci. 249);
 * - Cauchy (the Student-t with ν = 1): E log(1 + (a + b z)²) = log((1 + b)² + a²), so
 *   log(((s₁ + s₂)² + (m₁ − m₂)²)/(4 s₁ s₂)) (Chyzak & Nielsen 2019, A closed-form formula for the
 *   Kullback–Leibler divergence between Cauchy distributions, arXiv:1905.10965);
 * - Gumbel (maximum), f₀(u) = −u − e^(−u): E z = γ and E e^(−b z) = Γ(1 + b), so
 *   a + γ(b − 1) + Γ(1 + b) e^(−a) − 1; the minimum form mirrors it (a → −a);
 * - scale families on z > 0 (m = 0): exponential b − 1 − log b, half-normal (b² − 1)/2 − log b,
 *   Rayleigh (E z² = 2) b² − 1 − 2 log b.
 */
const KL_TABLE: ReadonlyMap<string, PairKL> = /* @__PURE__ */ new Map<string, PairKL>([
  ['normal', (m1, s1, m2, s2) => add(log(div(s2, s1)), div(add(sq(s1), sq(minus(m1, m2))), mul(num(2), sq(s2))), num(-1, 2))],
  ['Laplace', (m1, s1, m2, s2) => add(log(div(s2, s1)), div(abs(minus(m1, m2)), s2), mul(div(s1, s2), exp(neg(div(abs(minus(m1, m2)), s1)))), MINUS_ONE)],
  ['Student-t with nu = 1', (m1, s1, m2, s2) => log(div(add(sq(add(s1, s2)), sq(minus(m1, m2))), mul(num(4), s1, s2)))],
  ['Gumbel (maximum)', (m1, s1, m2, s2) => gumbel(div(minus(m1, m2), s2), s1, s2)],
  ['Gumbel (minimum)', (m1, s1, m2, s2) => gumbel(div(minus(m2, m1), s2), s1, s2)],
  ['exponential', (_m1, s1, _m2, s2) => add(log(div(s2, s1)), div(s1, s2), MINUS_ONE)],
  ['half-Laplace', (_m1, s1, _m2, s2) => add(log(div(s2, s1)), div(s1, s2), MINUS_ONE)],
  ['half-normal', (_m1, s1, _m2, s2) => add(log(div(s2, s1)), div(minus(sq(s1), sq(s2)), mul(num(2), sq(s2))))],
  ['Rayleigh', (_m1, s1, _m2, s2) => add(mul(num(2), log(div(s2, s1))), div(sq(s1), sq(s2)), MINUS_ONE)],
]);

/** Gumbel (maximum) with a = (m₁ − m₂)/s₂: log(s₂/s₁) + a + γ(b − 1) + e^(lgamma(1 + b) − a) − 1, b = s₁/s₂. */
function gumbel(a: Expr, s1: Expr, s2: Expr): Expr {
  const b = div(s1, s2);
  return add(log(div(s2, s1)), a, mul(EULER_GAMMA, add(b, MINUS_ONE)), exp(add(call('lgamma', [add(ONE, b)]), neg(a))), MINUS_ONE);
}

/** Readable names of the standard densities. */
export function standardName(st: Standardisation): string {
  const n = st.standard.name === 'Student-t with nu = 1' ? 'Cauchy' : st.standard.name;
  return st.transform === 'log' ? `${n} of the log of the data` : n;
}

/**
 * KL(p_θ1 ‖ p_θ2) of a location–scale family in closed form, with `first`/`second` renaming the
 * location and scale to the two points; undefined when f₀ has no entry in the table.
 */
export function locationScaleKL(st: Standardisation, first: (e: Expr) => Expr, second: (e: Expr) => Expr): Expr | undefined {
  const f = KL_TABLE.get(st.standard.name);
  return f?.(first(st.location), first(st.scale), second(st.location), second(st.scale));
}
