/**
 * f-divergences between two members of a model, D_f(P ‖ Q) = ∫ q f(p/q) (Csiszár 1967), written
 * here, with P = p_θ1, Q = p_θ2 and u = log q − log p, as expectations under P:
 *
 * | name        | D(P ‖ Q)                                         | f''(1) |
 * |-------------|--------------------------------------------------|--------|
 * | `kl`        | E_P[−u]                                          | 1      |
 * | `hellinger` | H² = 1 − ∫√(pq) = E_P[1 − e^(u/2)]  (H ∈ [0, 1])  | 1/4    |
 * | `chi2`      | Pearson χ² = ∫(p − q)²/q = E_P[e^(−u) − 1]        | 2      |
 * | `alpha=a`   | Amari: 4/(1 − a²) · (1 − ∫ p^((1−a)/2) q^((1+a)/2)) | 1      |
 * | `tv`        | ½∫|p − q| = E_P[1 − min(1, e^u)]                 | —      |
 * | `js`        | ½KL(P ‖ M) + ½KL(Q ‖ M), M = (P + Q)/2            | 1/4    |
 *
 * Amari's α-divergence (Amari & Nagaoka 2000, Methods of Information Geometry, §3.6) tends to
 * KL(P ‖ Q) as a → −1 and to KL(Q ‖ P) as a → 1; a = 0 gives 4H². For a smooth f,
 * D_f(p_θ ‖ p_θ+Δ) = f''(1)/2 · ΔᵀF(θ)Δ + O(|Δ|³) (Csiszár 1967; checked by `checkLocalQuadratic`);
 * the total variation is not smooth at 1 and has no such expansion.
 *
 * Closed forms: KL by kl.ts; the Chernoff coefficient c(β) = ∫ p^(1−β) q^β of an exponential
 * family is exp(A(η_β) − (1 − β)A(η1) − βA(η2)), η_β = (1 − β)η1 + βη2 (finite when η_β is a
 * natural parameter), which gives H², χ² and the α-divergences (chernoff.ts). Numerically
 * otherwise, by quadrature or summation under P (and under Q for the second half of JS), with
 * integrands written with expm1 so that small divergences keep their digits.
 */
import { FisherError } from '../expr/errors';
import { ONE, add, call, div, mul, neg, num, sub, sym, symbols, type Expr } from '../expr/expr';
import { evaluate } from '../expr/evaluate';
import { parameterPoints } from '../fisher/points';
import type { Model } from '../lang/model';
import { chernoffCoefficient, type Chernoff } from './chernoff';
import { confirmNormalised, klDivergence, numericExpectation, type DivergenceValue, type KLDivergence } from './kl';
import { checkPoint, pairEnv, pointPair, type PointPair } from './pair';
import { present } from './present';
import { holds, irregularParams, supportInclusion, type Inequality } from './support';

/**
 * The f-divergences fisherlab knows: `kl` (Kullback–Leibler), `hellinger` (squared Hellinger
 * distance H² = 1 − ∫√(p1 p2)), `chi2` (Pearson χ² = ∫(p1 − p2)²/p2), `alpha` (Amari's
 * α-divergence), `tv` (total variation ½∫|p1 − p2|), `js` (Jensen–Shannon).
 *
 * @example
 * parseDivergence('chi-squared').name; // → 'chi2'
 */
export type DivergenceName = 'kl' | 'hellinger' | 'chi2' | 'alpha' | 'tv' | 'js';

/**
 * Which divergence, with its parameter (see {@link parseDivergence} for the text form).
 *
 * @example
 * divergence(parse('x ~ Poisson(lam)'), { name: 'alpha', alpha: 0.5 }).expr; // → 16*(1 - exp(lam_1^(1/4)*lam_2^(3/4) - lam_1/4 - 3*lam_2/4))/3
 */
export interface DivergenceSpec {
  /** The divergence. */
  readonly name: DivergenceName;
  /** Amari's α, for `alpha`. */
  readonly alpha?: number;
}

/**
 * What a divergence is, for a reader and for the second-order check D ≈ f''(1)/2 · ΔᵀFΔ.
 *
 * @example
 * divergence(parse('x ~ Poisson(lam)'), { name: 'hellinger' }).info; // → { label: 'H²', latex: 'H^{2}', definition: 'squared Hellinger distance H²(p1, p2) = 1 − ∫ √(p1 p2)', curvature: 0.25, symmetric: true }
 */
export interface DivergenceInfo {
  /** Short label: KL, H², χ², D_α, TV, JS. */
  readonly label: string;
  /** LaTeX of the label. */
  readonly latex: string;
  /** The definition in words and symbols. */
  readonly definition: string;
  /** f''(1): D ≈ f''(1)/2 · ΔᵀFΔ for nearby points; null when f is not smooth at 1. */
  readonly curvature: number | null;
  /** D(P ‖ Q) = D(Q ‖ P). */
  readonly symmetric: boolean;
}

/**
 * A divergence of a model, prepared once (closed form if any) and evaluated at pairs of points
 * (see {@link divergence}).
 *
 * @example
 * const d = divergence(parse('x ~ Normal(mu, sigma)'), { name: 'chi2' });
 * [d.info.label, d.expr, d.finiteWhen]; // → ['χ²', sigma_2*exp((sigma_2^2*log(2/sigma_1^2 - 1/sigma_2^2) - sigma_1^2*log(2/sigma_1^2 - 1/sigma_2^2)/2 - (mu_1 - mu_2)^2)/(sigma_1^2 - 2*sigma_2^2))/sigma_1^2 - 1, []]
 */
export interface Divergence extends KLDivergence {
  /** Which divergence. */
  readonly spec: DivergenceSpec;
  /** Its label, definition and f''(1). */
  readonly info: DivergenceInfo;
}

const NAMES: readonly string[] = ['kl', 'hellinger', 'chi2', 'alpha=A', 'tv', 'js'];

/**
 * Reads a divergence name: `kl`, `hellinger`, `chi2` (or `chi-squared`, `pearson`), `alpha=0.5`,
 * `tv` (or `total-variation`), `js` (or `jensen-shannon`); case does not matter.
 *
 * @throws {@link FisherError} `bad-option` for an unknown name or `alpha` without a number.
 * @example
 * parseDivergence('alpha=0.5'); // → { name: 'alpha', alpha: 0.5 }
 * parseDivergence('Hellinger'); // → { name: 'hellinger' }
 * parseDivergence('renyi'); // → throws FisherError (bad-option): unknown divergence 'renyi': use one of kl, hellinger, chi2, alpha=A, tv, js
 */
export function parseDivergence(text: string): DivergenceSpec {
  const t = text.trim().toLowerCase();
  const a = /^alpha\s*=\s*(.+)$/.exec(t);
  if (a !== null) {
    const alpha = Number(a[1]);
    if (!Number.isFinite(alpha)) throw new FisherError('bad-option', `--divergence alpha=${a[1]}: the value of alpha must be a number`);
    return { name: 'alpha', alpha };
  }
  const aliases: Record<string, DivergenceName> = { kl: 'kl', hellinger: 'hellinger', chi2: 'chi2', 'chi-squared': 'chi2', pearson: 'chi2', tv: 'tv', 'total-variation': 'tv', js: 'js', 'jensen-shannon': 'js' };
  const name = aliases[t];
  if (name === undefined) throw new FisherError('bad-option', `unknown divergence '${text}': use one of ${NAMES.join(', ')}`);
  if (t === 'alpha') throw new FisherError('bad-option', 'give the value of alpha: --divergence alpha=0.5');
  return { name };
}

/** Label, definition and f''(1) of a divergence. */
export function describeDivergence(spec: DivergenceSpec): DivergenceInfo {
  switch (spec.name) {
    case 'kl':
      return { label: 'KL', latex: '\\mathrm{KL}', definition: 'KL(p1 ‖ p2) = E_1[log p1 − log p2]', curvature: 1, symmetric: false };
    case 'hellinger':
      return { label: 'H²', latex: 'H^{2}', definition: 'squared Hellinger distance H²(p1, p2) = 1 − ∫ √(p1 p2)', curvature: 1 / 4, symmetric: true };
    case 'chi2':
      return { label: 'χ²', latex: '\\chi^{2}', definition: 'Pearson χ²(p1 ‖ p2) = ∫ (p1 − p2)²/p2', curvature: 2, symmetric: false };
    case 'alpha': {
      const a = spec.alpha!;
      return { label: `D_α (α = ${a})`, latex: `D_{${a}}`, definition: `Amari α-divergence, α = ${a}: 4/(1 − α²) (1 − ∫ p1^((1−α)/2) p2^((1+α)/2)); KL(p1 ‖ p2) at α = −1, KL(p2 ‖ p1) at α = 1`, curvature: 1, symmetric: a === 0 };
    }
    case 'tv':
      return { label: 'TV', latex: '\\mathrm{TV}', definition: 'total variation TV(p1, p2) = ½ ∫ |p1 − p2|', curvature: null, symmetric: true };
    case 'js':
      return { label: 'JS', latex: '\\mathrm{JS}', definition: 'Jensen–Shannon JS(p1, p2) = ½ KL(p1 ‖ m) + ½ KL(p2 ‖ m), m = (p1 + p2)/2', curvature: 1 / 4, symmetric: true };
  }
}

/**
 * Prepares an f-divergence D(p_θ1 ‖ p_θ2) of a model: its closed form where one is derived (KL as
 * {@link klDivergence}; for exponential families H², χ² and the α-divergences through the Chernoff
 * coefficient ∫ p1^(1−β) p2^β = exp(A(η_β) − (1 − β)A(η1) − βA(η2)), infinite where η_β leaves the
 * natural parameter space), and `at` to evaluate it (numerically without a closed form, with
 * integrands that keep small divergences' digits).
 *
 * @throws {@link FisherError} as {@link kl}.
 * @example
 * const d = divergence(parse('x ~ Normal(mu, sigma)'), { name: 'hellinger' });
 * d.expr; // → 1 - exp(-(mu_1 - mu_2)^2/(4*(sigma_1^2 + sigma_2^2)))/(sqrt(sigma_1)*sqrt(sigma_2)*sqrt((1/sigma_1^2 + 1/sigma_2^2)/2))
 * d.at(new Map([['mu', 0], ['sigma', 1]]), new Map([['mu', 1], ['sigma', 1]])).value; // → 0.117503097...
 * divergence(parse('x ~ Normal(mu, sigma)'), { name: 'tv' }).at(new Map([['mu', 0], ['sigma', 1]]), new Map([['mu', 1], ['sigma', 1]])).value; // → 0.382924922...
 */
export function divergence(m: Model, spec: DivergenceSpec): Divergence {
  const info = describeDivergence(spec);
  if (spec.name === 'kl' || (spec.name === 'alpha' && Math.abs(spec.alpha!) === 1)) {
    const d = klDivergence(m);
    if (spec.name === 'kl' || spec.alpha === -1) return { ...d, spec, info };
    // α = 1: KL(p2 ‖ p1).
    return {
      ...d,
      spec,
      info,
      expr: d.expr === null ? null : d.pair.swap(d.expr),
      finiteWhen: d.finiteWhen.map((c) => swapped(d.pair, c)),
      at: (from, to) => d.at(to, from),
    };
  }
  const pair = pointPair(m);
  const inclusion = supportInclusion(m, pair);
  const regular = irregularParams(m).size === 0;
  // u = ℓ(x; θ2) − ℓ(x; θ): θ is the point the expectation is taken at.
  const u = add(pair.toSecond(m.logp), neg(m.logp));
  const inSecond = regular ? ONE : indicator(m, pair);
  const beta = spec.name === 'hellinger' ? 1 / 2 : spec.name === 'chi2' ? -1 : spec.name === 'alpha' ? (1 + spec.alpha!) / 2 : undefined;
  // ∫ p^(1−β) q^β needs supp p ⊆ supp q for β < 0 (χ²), supp q ⊆ supp p for β > 1; the others are always finite.
  const finiteWhen = beta === undefined || (beta > 0 && beta < 1) ? [] : beta <= 0 ? inclusion : inclusion.map((c) => swapped(pair, c));
  const closed = beta !== undefined ? chernoffClosedForm(m, pair, spec) : undefined;
  if (closed !== undefined && !m.familiesOnly) confirmNormalised(m, parameterPoints(m, 1, 2024)[0]!);
  const integrand = integrandOf(spec, u, inSecond, regular);
  const at = (from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): DivergenceValue => {
    checkPoint(m, from, 'the first point');
    checkPoint(m, to, 'the second point');
    const env = pairEnv(m, pair, from, to);
    if (!holds(finiteWhen, env)) return { value: Infinity, error: 0, method: 'infinite: the supports do not nest as this divergence needs', converged: true };
    if (closed !== undefined) {
      if (!closed.natural(env)) return { value: Infinity, error: 0, method: 'infinite: (1 − β)η1 + βη2 is not a natural parameter, so ∫ p1^(1−β) p2^β diverges', converged: true };
      return { value: evaluate(closed.expr, env), error: 0, method: closed.method, converged: true };
    }
    const first = numericExpectation(m, integrand.under, env);
    const scale = integrand.scale;
    if (spec.name !== 'js') return { ...first, value: scale * first.value + integrand.shift, error: Math.abs(scale) * first.error };
    // JS: the same integrand under Q, with the roles of the points exchanged.
    const second = numericExpectation(m, integrand.under, pairEnv(m, pair, to, from));
    return {
      value: 0.5 * (first.value + second.value),
      error: 0.5 * (first.error + second.error),
      method: first.method,
      converged: first.converged && second.converged,
    };
  };
  return { pair, spec, info, expr: closed?.expr ?? null, method: closed?.method ?? 'none', finiteWhen, warnings: [...m.warnings], at };
}

/** β of the Chernoff coefficient ∫ p^(1−β) q^β behind H² (1/2), χ² (−1) and D_α ((1 + α)/2), exactly. */
function betaOf(spec: DivergenceSpec): Expr {
  if (spec.name === 'hellinger') return num(1, 2);
  if (spec.name === 'chi2') return num(-1);
  return mul(num(1, 2), add(ONE, exactNumber(spec.alpha!)));
}

const swapped = (pair: PointPair, c: Inequality): Inequality => ({ lhs: pair.swap(c.lhs), rhs: pair.swap(c.rhs) });

/**
 * D = scale · E_P[under] + shift. With a support that moves with θ, q vanishes outside its own
 * support, which the log-density does not say: the indicator `inSecond` carries it.
 */
function integrandOf(spec: DivergenceSpec, u: Expr, inSecond: Expr, regular: boolean): { under: Expr; scale: number; shift: number } {
  const expm1 = (e: Expr): Expr => call('expm1', [e]);
  const exp = (e: Expr): Expr => call('exp', [e]);
  // E_P[1 − I·e^(βu)] = E_P[−expm1(βu)] when I = 1 (normalised P).
  const oneMinus = (e: Expr): Expr => (regular ? neg(expm1(e)) : add(ONE, neg(mul(inSecond, exp(e)))));
  switch (spec.name) {
    case 'hellinger':
      return { under: oneMinus(mul(num(1, 2), u)), scale: 1, shift: 0 };
    case 'chi2':
      return { under: regular ? expm1(neg(u)) : exp(neg(u)), scale: 1, shift: regular ? 0 : -1 };
    case 'alpha': {
      const a = spec.alpha!;
      return { under: oneMinus(mul(betaOf(spec), u)), scale: 4 / (1 - a * a), shift: 0 };
    }
    case 'tv':
      // 1 − min(1, e^u) = −expm1((u − |u|)/2).
      return { under: oneMinus(mul(num(1, 2), add(u, neg(call('abs', [u]))))), scale: 1, shift: 0 };
    case 'js':
      // log 2 − log(1 + q/p) = −log1p(expm1(u)/2); with q = 0 outside its support, log 2.
      return {
        under: regular ? neg(call('log1p', [mul(num(1, 2), expm1(u))])) : add(call('log', [num(2)]), neg(mul(inSecond, call('softplus', [u])))),
        scale: 1,
        shift: 0,
      };
    default:
      throw new Error(`no integrand for ${spec.name}`);
  }
}

/**
 * A double as an exact rational through its shortest decimal form (0.5 -> 1/2, 0.1 -> 1/10), so
 * that exponents and factors of the integrands stay exact.
 */
export function exactNumber(x: number): Expr {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (m === null) throw new FisherError('bad-option', `${x} is not a finite number`);
  const frac = m[3] ?? '';
  const shift = Number(m[4] ?? 0) - frac.length;
  const digits = BigInt(`${m[1]}${m[2]}${frac}`);
  return shift >= 0 ? num(digits * 10n ** BigInt(shift)) : num(digits, 10n ** BigInt(-shift));
}

/** 1 where x lies in the support at θ2, 0 outside: products of (1 ± sign(·))/2 over the moving bounds. */
function indicator(m: Model, pair: PointPair): Expr {
  const params = new Set(pair.params);
  const moves = (e: Expr): boolean => [...symbols(e)].some((s) => params.has(s));
  const factors: Expr[] = [];
  const step = (e: Expr): Expr => mul(num(1, 2), add(ONE, call('sign', [e])));
  for (const d of m.data) {
    const x = sym(d.name);
    const s = d.support;
    if (s.kind !== 'interval' && s.kind !== 'integers') continue;
    const slack = s.kind === 'integers' ? num(1, 2) : num(0);
    if (moves(s.lo)) factors.push(step(add(x, neg(pair.toSecond(s.lo)), slack)));
    if (moves(s.hi)) factors.push(step(add(pair.toSecond(s.hi), neg(x), slack)));
  }
  return mul(...factors);
}

/** H², χ², D_α from the Chernoff coefficient c(β) of an exponential family, when it is known. */
function chernoffClosedForm(m: Model, pair: PointPair, spec: DivergenceSpec): (Chernoff & { expr: Expr }) | undefined {
  const c = chernoffCoefficient(m, pair, betaOf(spec));
  if (c === undefined) return undefined;
  let e: Expr;
  if (spec.name === 'hellinger') e = add(ONE, neg(c.expr));
  else if (spec.name === 'chi2') e = add(c.expr, num(-1));
  else {
    const a = exactNumber(spec.alpha!);
    e = mul(div(num(4), sub(ONE, mul(a, a))), add(ONE, neg(c.expr)));
  }
  return { ...c, expr: present(e, pair.ranges) };
}
