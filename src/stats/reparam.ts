/**
 * Reparameterisation θ = g(φ): substitute into the density, derive the Fisher matrix of the new
 * density by the ladder, and show that it equals Jᵀ F(g(φ)) J with J = ∂θ/∂φ (the chain rule for
 * the score: s_φ = Jᵀ s_θ, so E[s_φ s_φᵀ] = Jᵀ E[s_θ s_θᵀ] J) — decided symbolically (the
 * difference cancels) and numerically at random points of the new domain.
 *
 * The new parameters' domains are given (`phi in positive`) or inferred. A new parameter that is
 * the only one in the map of an old one gets the preimage of the old domain: exactly for an
 * affine map (rho = r keeps (−1, 1); a shift carries naturals), and for a map monotone on real,
 * positive or negative by its limits and the points where it crosses the old domain's ends (kept
 * when those are whole numbers or simple fractions). Otherwise the first of real, positive,
 * negative, (−1, 1) and (0, 1) on which g is defined and maps into the old domain, shown by
 * interval arithmetic (src/expr/range.ts) or by monotonicity (the sign of g′ on the domain) and
 * the limits of g at the domain's ends; failing both, an error that asks for --domain.
 */
import { diff } from '../expr/diff';
import { FisherError } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { NAMED_CONSTANTS, ZERO, dependsOn, subexpressions, substitute, sub, sym, symbols, type Expr } from '../expr/expr';
import { FUNCTIONS } from '../expr/functions';
import { POSITIVE, REAL, UNIT_OPEN, contains, formatInterval, isNegative, isNonnegative, isPositive, iv, within, type Interval } from '../expr/interval';
import { printExpr } from '../expr/print';
import { rangeOf, type SymbolRanges } from '../expr/range';
import { rationalForm } from '../expr/rationalform';
import { simplify } from '../expr/simplify';
import { NameMap } from '../expr/json';
import { normalizeName } from '../lang/lexer';
import { supportSymbols, type Declaration, type Model, type Support } from '../lang/model';
import { parse, parseExpr, suggest } from '../lang/parse';
import { constantValues, modelRanges } from '../fisher/derivatives';
import { fisher, type FisherOptions, type FisherResult } from '../fisher/fisher';
import { parameterPoints } from '../fisher/points';
import { congruence, finalise } from './crb';

/**
 * One assignment old = g(new) of a reparameterisation.
 *
 * @example
 * reparam(parse('x ~ Normal(mu, sigma)'), [{ param: 'sigma', expr: parseExpr('exp(s)') }]).fisher.matrix; // → [[exp(-2*s), 0], [0, 2]]
 */
export interface Substitution {
  /** The old parameter. */
  readonly param: string;
  /** g, in the new parameters (and the model's constants). */
  readonly expr: Expr;
}

/**
 * A parameter of the new model and where its domain came from.
 *
 * @example
 * const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
 * r.newParams; // → [{ name: 'phi', domain: { lo: 0, hi: Infinity, loOpen: true, hiOpen: true }, label: 'positive', origin: 'inferred' }]
 */
export interface NewParameter {
  /** Its name. */
  readonly name: string;
  /** Its domain. */
  readonly domain: Interval;
  /** As written in the new model: `positive`, `(0, 1)`, ... */
  readonly label: string;
  /** Given with --domain, inferred from the map, or kept from the old model. */
  readonly origin: 'given' | 'inferred' | 'kept';
}

/**
 * Does g map the new domain into the old parameter's domain, and how was that shown?
 *
 * @example
 * const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
 * r.checks; // → [{ param: 'theta', ok: true, how: 'monotone (increasing), with image (0, 1)' }]
 */
export interface MapCheck {
  /** The old parameter. */
  readonly param: string;
  /** Whether g maps the new domain into its domain. */
  readonly ok: boolean;
  /** 'interval arithmetic', 'monotone, with its limits at the ends', 'sampled at N points', or the counterexample. */
  readonly how: string;
}

/**
 * The check of the transformation rule F_new(φ) = Jᵀ F(g(φ)) J.
 *
 * @example
 * const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
 * r.agreement; // → { symbolic: true, points: 8, maxRelDiff: 0, ok: true }
 */
export interface Agreement {
  /** Every entry of F_new − Jᵀ F J cancels symbolically. */
  readonly symbolic: boolean;
  /** Points of the new domain where the two were compared numerically. */
  readonly points: number;
  /** Largest relative difference at those points. */
  readonly maxRelDiff: number;
  /** The verdict: symbolically equal, or equal at every point to rounding. */
  readonly ok: boolean;
}

/**
 * A reparameterisation θ = g(φ) of a model (see {@link reparam}).
 *
 * @example
 * const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
 * r.model.source; // → 'const n = 10\nparam phi in positive\ndata x in {0..n}\nlogp = lchoose(n, x) + x*log(phi/(phi + 1)) + (n - x)*log(1 - phi/(phi + 1))'
 * [r.map, r.jacobian, r.pullback]; // → [Map { 'theta' => phi/(phi + 1) }, [[1/(phi + 1)^2]], [[n/(phi*(phi + 1)^2)]]]
 */
export interface ReparamResult {
  /** The model before. */
  readonly original: Model;
  /** The reparameterised model. */
  readonly model: Model;
  /** old parameter → g(new parameters) (identity maps omitted). */
  readonly map: ReadonlyMap<string, Expr>;
  /** The new model's parameters, with their domains. */
  readonly newParams: NewParameter[];
  /** For each mapped old parameter: g maps into its domain, and how that was shown. */
  readonly checks: MapCheck[];
  /** ∂θ/∂φ: one row per old parameter, one column per new parameter. */
  readonly jacobian: Expr[][];
  /** The Fisher matrix of the new density, by the ladder. */
  readonly fisher: FisherResult;
  /** The old Fisher matrix at θ = g(φ). */
  readonly oldFisher: FisherResult;
  /** Jᵀ F(g(φ)) J, where the old matrix has a closed form. */
  readonly pullback: Expr[][] | null;
  /** F_new = Jᵀ F(g(φ)) J, checked (null where the pullback has no closed form). */
  readonly agreement: Agreement | null;
  /** Notes a reader must see. */
  readonly warnings: string[];
  /** At `at` (new parameters): both matrices' numbers. */
  readonly value?: {
    /** The new Fisher matrix's numbers. */
    readonly fisher: number[][] | null;
    /** The pullback's numbers. */
    readonly pullback: number[][] | null;
  };
}

/**
 * Options of {@link reparam}.
 *
 * @example
 * const r = reparam(parse('x ~ Exponential(lam)'), 'lam = 1/mu', { domains: 'mu in positive', at: new Map([['mu', 2]]) });
 * [r.fisher.matrix, r.value]; // → [[[1/mu^2]], { fisher: [[0.25]], pullback: [[0.25]] }]
 */
export interface ReparamOptions {
  /** Domains of new parameters, `phi in positive; s in real` (others are inferred). */
  readonly domains?: string;
  /** Values of the new parameters at which to evaluate both matrices. */
  readonly at?: ReadonlyMap<string, number>;
  /** The numeric evaluator of entries without a closed form at `at` (see {@link FisherOptions.numeric}). */
  readonly numeric?: FisherOptions['numeric'];
}

/**
 * Read `theta = phi/(1+phi)` or several assignments separated by `;` or commas.
 * @example parseSubstitutions('mu = m, sigma = exp(s)').map((s) => s.param) // ['mu', 'sigma']
 */
export function parseSubstitutions(text: string): Substitution[] {
  const out: Substitution[] = [];
  for (const { start, part } of clauses(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FisherError('syntax', `expected an assignment 'old = expression', got '${part.trim()}'`, { start, end: start + Math.max(1, part.length) }, text);
    const name = normalizeName(part.slice(0, eq).trim());
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new FisherError('syntax', `'${part.slice(0, eq).trim()}' is not a parameter name`, { start, end: start + eq }, text);
    const exprText = part.slice(eq + 1);
    let expr: Expr;
    try {
      expr = parseExpr(exprText);
    } catch (e) {
      if (e instanceof FisherError && e.span !== undefined) {
        const shift = start + eq + 1;
        throw new FisherError(e.code, e.message, { start: e.span.start + shift, end: e.span.end + shift }, text);
      }
      throw e;
    }
    if (out.some((s) => s.param === name)) throw new FisherError('duplicate', `${name} is assigned twice`, { start, end: start + eq }, text);
    out.push({ param: name, expr });
  }
  if (out.length === 0) throw new FisherError('syntax', "expected at least one assignment such as 'theta = phi/(1 + phi)'");
  return out;
}

/** Split on `;`, and on commas that start a new `name =` (commas inside calls stay). */
function clauses(text: string): Array<{ start: number; part: string }> {
  const out: Array<{ start: number; part: string }> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    const cut = i === text.length || ch === ';' || (ch === ',' && depth === 0 && /^\s*[^\s=,;()]+\s*=/.test(text.slice(i + 1)));
    if (cut) {
      const part = text.slice(start, i);
      if (part.trim() !== '') out.push({ start, part });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Reparameterises a model by θ = g(φ): substitutes g into the density, infers the new parameters'
 * domains (the largest of real, positive, negative and (0, 1) that g is defined on and maps into
 * the old domain, by interval arithmetic or by monotonicity and limits) unless given, derives the
 * new Fisher matrix by the ladder and checks the transformation rule F_new(φ) = Jᵀ F(g(φ)) J with
 * J = ∂θ/∂φ, symbolically and at random points of the new domain.
 *
 * @param substitutions - `theta = phi/(1+phi)`, several separated by `;` or commas, or
 *   {@link Substitution}s.
 * @throws {@link FisherError} `syntax` for an assignment that does not parse (with its span);
 *   `unknown-name` for a substitution of a non-parameter; `domain` for a map that leaves the old
 *   domain (with a counterexample) or a domain that cannot be inferred (give it with `domains`).
 * @example
 * const r = reparam(parse('const n = 10; x ~ Binomial(n, theta)'), 'theta = phi/(1+phi)');
 * printExpr(r.fisher.matrix[0][0]); // → 'n/(phi*(phi + 1)^2)'
 * // Inferred: g maps (0, inf) into (0, 1).
 * r.newParams[0].label; // → 'positive'
 * // F_new = Jᵀ F(g(φ)) J:
 * r.agreement.ok; // → true
 * reparam(parse('x ~ Poisson(lam)'), 'mu = phi'); // → throws FisherError (bad-option): cannot substitute mu: it is not a name of the model; the model's parameters are lam
 * reparam(parse('x ~ Poisson(lam)'), 'lam = phi - 1', { domains: 'phi in real' }); // → throws FisherError (domain): lam = phi - 1 does not map the new domain (phi in real) into the domain positive of lam: at phi = -318310000 it gives lam = -318310000
 */
export function reparam(m: Model, substitutions: string | readonly Substitution[], options: ReparamOptions = {}): ReparamResult {
  const subs = typeof substitutions === 'string' ? parseSubstitutions(substitutions) : substitutions;
  const oldParams = m.params.map((p) => p.name);
  const map = new NameMap<Expr>();
  for (const s of subs) {
    const d = m.symbols.get(s.param);
    if (d === undefined || d.role !== 'param') {
      const what = d === undefined ? `is not a name of the model${suggest(s.param, oldParams)}` : `is ${d.role === 'data' ? 'data' : d.role === 'const' ? 'a constant' : 'a covariate'}`;
      throw new FisherError('bad-option', `cannot substitute ${s.param}: it ${what}; the model's parameters are ${oldParams.join(', ')}`);
    }
    map.set(s.param, s.expr);
  }
  const newNames = newParameterNames(m, map);
  const given = parseDomains(options.domains, newNames);
  const notes: string[] = [];
  const newParams = assignDomains(m, newNames, map, given, notes);
  const newRanges: SymbolRanges = (name) => newParams.find((p) => p.name === name)?.domain ?? modelRanges(m)(name);
  const checks = subs.map((s) => checkMap(s, m.symbols.get(s.param)!, newRanges, newParams));
  const bad = checks.find((c) => !c.ok);
  if (bad !== undefined) throw new FisherError('domain', `${bad.param} = ${printExpr(map.get(bad.param)!)} does not map the new domain (${newParams.map((p) => `${p.name} in ${p.label}`).join(', ')}) into the domain ${m.symbols.get(bad.param)!.label} of ${bad.param}: ${bad.how}`);

  const model = buildModel(m, map, newParams);
  const newNamesOrdered = model.params.map((p) => p.name);
  const jacobian = oldParams.map((o) => newNamesOrdered.map((n) => simplify(diff(map.get(o) ?? sym(o), n), { ranges: newRanges })));
  const fisherOpts = (at?: ReadonlyMap<string, number>): FisherOptions => ({ ...(at !== undefined ? { at } : {}), ...(options.numeric !== undefined ? { numeric: options.numeric } : {}) });
  const fNew = fisher(model, fisherOpts(options.at));
  const oldAt = options.at === undefined ? undefined : mappedPoint(m, map, options.at);
  const fOld = fisher(m, fisherOpts(oldAt));
  const warnings = [...notes, ...singularJacobian(model, jacobian)];
  let pullback: Expr[][] | null = null;
  if (fOld.closedForm) {
    const at = (fOld.matrix as Expr[][]).map((row) => row.map((e) => substitute(e, map)));
    pullback = congruence(at, jacobian, newRanges);
  }
  const agreement = pullback !== null && fNew.closedForm ? compare(fNew.matrix as Expr[][], pullback, model) : null;
  let value: ReparamResult['value'];
  if (options.at !== undefined) {
    const env = new Map([...constantValues(model), ...options.at]);
    const j = jacobian.map((row) => row.map((e) => evaluate(e, env)));
    const fo = fOld.value;
    const pb = fo === undefined ? null : j[0]!.map((_, p) => j[0]!.map((_, q) => fo.reduce((s, row, a) => s + row.reduce((t, x, b) => t + j[a]![p]! * x * j[b]![q]!, 0), 0)));
    value = { fisher: fNew.value ?? null, pullback: pb };
  }
  return { original: m, model, map, newParams, checks, jacobian, fisher: fNew, oldFisher: fOld, pullback, agreement, warnings, ...(value !== undefined ? { value } : {}) };
}

/** The new parameters in order: each substituted parameter's place goes to the new names of its map. */
function newParameterNames(m: Model, map: ReadonlyMap<string, Expr>): string[] {
  const names: string[] = [];
  for (const p of m.params) {
    const g = map.get(p.name);
    if (g === undefined) {
      if (!names.includes(p.name)) names.push(p.name);
      continue;
    }
    for (const s of orderedSymbols(g)) {
      if (NAMED_CONSTANTS.has(s) || names.includes(s)) continue;
      const d = m.symbols.get(s);
      if (d?.role === 'const') continue;
      if (d?.role === 'data' || d?.role === 'given') throw new FisherError('bad-option', `${p.name} = ${printExpr(g)} uses the ${d.role === 'data' ? 'data' : 'covariate'} '${s}': a parameter must be a function of parameters only`);
      if (map.has(s)) throw new FisherError('bad-option', `${s} appears on both sides of the substitution; give the new parameter a new name (e.g. ${s}2)`);
      names.push(s);
    }
  }
  if (names.length === 0) throw new FisherError('no-params', 'the substitution leaves the model without parameters');
  return names;
}

/** Symbols of an expression in the order a reader meets them in its printed form. */
function orderedSymbols(e: Expr): string[] {
  const text = printExpr(e);
  return [...symbols(e)].sort((a, b) => text.search(new RegExp(`\\b${a}\\b`)) - text.search(new RegExp(`\\b${b}\\b`)));
}

/** `phi in positive; s in real` → name → support text. */
function parseDomains(text: string | undefined, names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (text === undefined) return out;
  for (const { part } of clauses(text.replace(/,(?=\s*[A-Za-z_\u0370-\u03ff]\w*\s+in\b)/g, ';'))) {
    const m = /^\s*([^\s]+)\s+in\s+(.+?)\s*$/.exec(part);
    if (m === null) throw new FisherError('bad-option', `--domain expects 'name in domain' (e.g. 'phi in positive'), got '${part.trim()}'`);
    const name = normalizeName(m[1]!);
    if (!names.includes(name)) throw new FisherError('bad-option', `--domain names '${name}', which is not a parameter of the new model${suggest(name, names)} (its parameters: ${names.join(', ')})`);
    out.set(name, m[2]!);
  }
  return out;
}

const NEGATIVE = /* @__PURE__ */ iv(-Infinity, 0, true, true);
const CANDIDATES: ReadonlyArray<[string, Interval]> = [
  ['real', REAL],
  ['positive', POSITIVE],
  ['negative', NEGATIVE],
  ['(-1, 1)', /* @__PURE__ */ iv(-1, 1, true, true)],
  ['(0, 1)', UNIT_OPEN],
];

function assignDomains(m: Model, names: readonly string[], map: ReadonlyMap<string, Expr>, given: ReadonlyMap<string, string>, notes: string[] = []): NewParameter[] {
  const out: NewParameter[] = [];
  const known = new Map<string, Interval>();
  // Given domains first: parse them through a throwaway declaration to reuse the language's supports.
  for (const [name, text] of given) {
    let d: Declaration | undefined;
    try {
      d = parse(`param ${name} in ${text}; data __x in real; logp = -__x^2/2 - log(2*pi)/2`).symbols.get(name);
    } catch (e) {
      if (e instanceof FisherError) throw new FisherError('bad-option', `--domain ${name} in ${text}: ${e.message}`);
      throw e;
    }
    known.set(name, d!.range);
  }
  const kept = (n: string): Declaration | undefined => (map.has(n) ? undefined : m.symbols.get(n)?.role === 'param' ? m.symbols.get(n) : undefined);
  for (const n of names) {
    const k = kept(n);
    if (k !== undefined && !given.has(n)) known.set(n, k.range);
  }
  // A new parameter that is the only one in the map of one old parameter: its domain is the
  // preimage of the old domain (the largest set that the map sends into it), where that is an
  // interval with exact ends.
  const labels = new Map<string, string>();
  const suggestions: string[] = [];
  const approximate = new Map<string, string>();
  for (const [old, g] of map) {
    const free = [...symbols(g)].filter((s) => names.includes(s) && !known.has(s));
    if (free.length !== 1 || [...symbols(g)].some((s) => names.includes(s) && s !== free[0])) continue;
    if ([...map.values()].filter((h) => dependsOn(h, free[0]!)).length !== 1) continue;
    const pre = preimage(g, free[0]!, m.symbols.get(old)!, (s) => known.get(s) ?? m.symbols.get(s)?.range);
    if (pre === undefined) continue;
    if ('suggestion' in pre) {
      suggestions.push(`${free[0]} in ${pre.suggestion}`);
      approximate.set(free[0]!, pre.suggestion);
      continue;
    }
    known.set(free[0]!, pre.domain);
    labels.set(free[0]!, pre.label);
  }
  // The others jointly: the first assignment of candidate domains (largest first) under which
  // every map is defined and shown to land in its old domain.
  const open = names.filter((n) => !known.has(n));
  const uses = [...map].filter(([, g]) => open.some((n) => dependsOn(g, n)));
  const found = search(open, (choice) => {
    const ranges: SymbolRanges = (s) => choice.get(s) ?? known.get(s) ?? m.symbols.get(s)?.range ?? REAL;
    return uses.every(([old, g]) => definedOn(g, ranges) && provedInto(g, ranges, m.symbols.get(old)!.range) !== undefined);
  });
  if (found === undefined) {
    const eg = suggestions.length > 0 ? suggestions.join('; ') : open.map((n) => `${n} in ...`).join('; ');
    const near = suggestions.length > 0 ? ` (the map sends about ${suggestions.join(', ')} into it, but those ends are not exact numbers)` : '';
    throw new FisherError('domain', `cannot infer the domain of ${open.join(', ')} from ${uses.map(([o, g]) => `${o} = ${printExpr(g)}`).join(', ')}: neither the preimage of the old domain${near} nor a choice among ${CANDIDATES.map(([l]) => l).join(', ')} is shown to map into it; give it with --domain '${eg}'`);
  }
  for (const [n, r] of found) {
    known.set(n, r);
    labels.set(n, CANDIDATES.find(([, c]) => c === r)![0]);
    const whole = approximate.get(n);
    if (whole !== undefined) notes.push(`${n} in ${labels.get(n)} is a part of the domain the map allows, about ${whole} (its ends are not exact numbers): give --domain '${n} in ...' for more`);
  }
  for (const n of names) {
    const k = kept(n);
    const origin: NewParameter['origin'] = given.has(n) ? 'given' : k !== undefined ? 'kept' : 'inferred';
    const domain = known.get(n)!;
    const label = given.get(n) ?? k?.label ?? labels.get(n)!;
    out.push({ name: n, domain, label, origin });
  }
  return out;
}

/**
 * The preimage under θ = g(φ) of θ's declared domain, for g of the one new parameter φ: the
 * largest set of φ that g is defined on and sends into the domain, as a domain of the language.
 * - g affine, a·φ + b with rational a ≠ 0 and b: the domain's ends mapped back exactly, so
 *   rho = r on (−1, 1) gives r in (−1, 1), p = (t + 1)/2 gives t in (−1, 1); a whole-number
 *   domain ({0..n}, naturals) is carried by a shift (a = ±1, whole b) and refused otherwise.
 * - g monotone on real, positive or negative (the first on which it is defined with a slope of
 *   one sign, by interval arithmetic on g′): the ends solved for by bisection on the limits of g,
 *   kept when they are whole numbers or simple fractions (else a suggestion for --domain).
 * Undefined when neither applies (the candidate search decides then).
 */
function preimage(
  g: Expr,
  n: string,
  old: Declaration,
  rangeOfSymbol: (s: string) => Interval | undefined,
): { domain: Interval; label: string } | { suggestion: string } | undefined {
  const target = old.range;
  const discrete = old.support.kind === 'integers';
  if (!(old.support.kind === 'interval' || discrete)) return undefined;
  // Constants at their values (their ranges are points).
  const env = new Map<string, number>();
  for (const s of symbols(g)) {
    if (s === n || NAMED_CONSTANTS.has(s)) continue;
    const r = rangeOfSymbol(s);
    if (r === undefined || r.lo !== r.hi) return undefined;
    env.set(s, r.lo);
  }
  const at = (t: number): number => {
    try {
      return evaluate(g, new Map([...env, [n, t]]));
    } catch {
      return NaN;
    }
  };
  const d1 = simplify(diff(g, n));
  if (d1.kind === 'num' && d1.value.n !== 0n && simplify(diff(d1, n)) === ZERO) {
    const a = Number(d1.value.n) / Number(d1.value.d);
    const b = at(0);
    if (!Number.isFinite(b)) return undefined;
    if (discrete && !(Math.abs(a) === 1 && Number.isInteger(b))) return undefined;
    const back = (y: number): number => (y === Infinity || y === -Infinity ? (a > 0 ? y : -y) : (y - b) / a);
    const ends = a > 0 ? [back(target.lo), back(target.hi), target.loOpen, target.hiOpen] as const : [back(target.hi), back(target.lo), target.hiOpen, target.loOpen] as const;
    const lo = snap(ends[0]);
    const hi = snap(ends[1]);
    if (lo === undefined || hi === undefined) return { suggestion: domainLabel(iv(ends[0], ends[1], ends[2], ends[3]), discrete, true) };
    const domain = iv(lo, hi, ends[2], ends[3]);
    return { domain, label: domainLabel(domain, discrete) };
  }
  if (discrete) return undefined;
  for (const dom of [REAL, POSITIVE, NEGATIVE]) {
    const ranges: SymbolRanges = (s) => (s === n ? dom : rangeOfSymbol(s));
    if (!definedOn(g, ranges)) continue;
    const slope = rangeOf(d1, ranges);
    const up = isPositive(slope);
    if (!up && !isNegative(slope)) continue;
    const gLo = limit(g, n, dom, 'lo', env);
    const gHi = limit(g, n, dom, 'hi', env);
    if (gLo === undefined || gHi === undefined) return undefined;
    // φ where g crosses a finite end of the target (g is continuous and strictly monotone on dom).
    const solve = (y: number): number | undefined => {
      let a = dom.lo === -Infinity ? -1 : dom.lo;
      let b = dom.hi === Infinity ? 1 : dom.hi;
      // An open end where g is undefined (log at 0): just inside it.
      if (Number.isNaN(at(a))) a += Number.MIN_VALUE;
      if (Number.isNaN(at(b))) b -= Number.MIN_VALUE;
      const side = (t: number): number => Math.sign((at(t) - y) * (up ? 1 : -1));
      for (let k = 0; k < 200 && dom.lo === -Infinity && !(side(a) < 0); k++) a = a * 2 - 1;
      for (let k = 0; k < 200 && dom.hi === Infinity && !(side(b) > 0); k++) b = b * 2 + 1;
      if (!(side(a) <= 0 && side(b) >= 0)) return undefined;
      for (let k = 0; k < 200; k++) {
        const c = 0.5 * (a + b);
        if (c === a || c === b) break;
        if (side(c) > 0) b = c;
        else a = c;
      }
      return 0.5 * (a + b);
    };
    // The image is open at both ends (dom is open and g strictly monotone): (imLo, imHi).
    const [imLo, imHi] = up ? [gLo, gHi] : [gHi, gLo];
    if (imHi <= target.lo || imLo >= target.hi) continue;
    // Where the image reaches past an end of the target, φ's end is where g crosses it.
    const yLo = imLo >= target.lo ? undefined : solve(target.lo);
    const yHi = imHi <= target.hi ? undefined : solve(target.hi);
    if ((imLo < target.lo && yLo === undefined) || (imHi > target.hi && yHi === undefined)) return undefined;
    // In φ: for increasing g, the target's lower end gives φ's lower end.
    let lo = up ? (yLo ?? dom.lo) : (yHi ?? dom.lo);
    let hi = up ? (yHi ?? dom.hi) : (yLo ?? dom.hi);
    const loOpen = lo === dom.lo ? dom.loOpen : up ? target.loOpen : target.hiOpen;
    const hiOpen = hi === dom.hi ? dom.hiOpen : up ? target.hiOpen : target.loOpen;
    const sl = lo === dom.lo ? lo : snap(lo);
    const sh = hi === dom.hi ? hi : snap(hi);
    if (sl === undefined || sh === undefined) return { suggestion: domainLabel(iv(lo, hi, loOpen, hiOpen), false, true) };
    lo = sl;
    hi = sh;
    const domain = iv(lo, hi, loOpen, hiOpen);
    return { domain, label: domainLabel(domain, false) };
  }
  return undefined;
}

/** A whole number or a fraction with a denominator up to 12 within 1e-9, else undefined (±inf stay). */
function snap(x: number): number | undefined {
  if (!Number.isFinite(x)) return x;
  for (let d = 1; d <= 12; d++) {
    const k = Math.round(x * d);
    if (Math.abs(x - k / d) <= 1e-9 * Math.max(1, Math.abs(x))) return k / d;
  }
  return undefined;
}

/** A domain in the language's words: real, positive, (−1, 1), [0, 2), {1..inf}, naturals. */
function domainLabel(r: Interval, discrete: boolean, approximate = false): string {
  const num = (x: number): string => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : approximate ? `${Number(x.toPrecision(6))}` : fraction(x));
  if (discrete) {
    if (r.lo === 0 && r.hi === Infinity) return 'naturals';
    if (r.lo === -Infinity && r.hi === Infinity) return 'integers';
    return `{${num(r.lo)}..${num(r.hi)}}`;
  }
  if (r.lo === -Infinity && r.hi === Infinity) return 'real';
  if (r.lo === 0 && r.hi === Infinity) return r.loOpen ? 'positive' : 'nonnegative';
  if (r.lo === -Infinity && r.hi === 0) return r.hiOpen ? 'negative' : 'nonpositive';
  return `${r.loOpen ? '(' : '['}${num(r.lo)}, ${num(r.hi)}${r.hiOpen ? ')' : ']'}`;
}

/** A number that snap() accepted, as a whole number or n/d. */
function fraction(x: number): string {
  for (let d = 1; d <= 12; d++) {
    const k = Math.round(x * d);
    if (Math.abs(x - k / d) <= 1e-9 * Math.max(1, Math.abs(x))) return d === 1 ? `${k}` : `${k}/${d}`;
  }
  return `${x}`;
}

/** The first assignment of CANDIDATES to the names (in order, larger domains first) that passes. */
function search(names: readonly string[], ok: (choice: ReadonlyMap<string, Interval>) => boolean): Map<string, Interval> | undefined {
  if (names.length > 4) return undefined;
  const total = CANDIDATES.length ** names.length;
  for (let k = 0; k < total; k++) {
    const choice = new Map<string, Interval>();
    let rest = k;
    for (let i = names.length - 1; i >= 0; i--) {
      choice.set(names[i]!, CANDIDATES[rest % CANDIDATES.length]![1]);
      rest = Math.floor(rest / CANDIDATES.length);
    }
    if (ok(choice)) return choice;
  }
  return undefined;
}

/** Is every function of g applied inside its domain (and no division by a range holding 0)? */
function definedOn(g: Expr, ranges: SymbolRanges): boolean {
  const memo = new Map<Expr, Interval>();
  for (const n of subexpressions(g)) {
    if (n.kind === 'call') {
      const def = FUNCTIONS.get(n.fn);
      if (def === undefined) return false;
      if (!n.args.every((a, i) => within(rangeOf(a, ranges, memo), def.domain[i] ?? REAL))) return false;
    } else if (n.kind === 'pow' && n.exp.kind === 'num') {
      const b = rangeOf(n.base, ranges, memo);
      const q = n.exp.value;
      if (q.n < 0n && !(isPositive(b) || isNegative(b))) return false;
      if (q.d !== 1n && q.d % 2n === 0n && !isNonnegative(b)) return false;
    } else if (n.kind === 'pow' && !isPositive(rangeOf(n.base, ranges, memo))) return false;
  }
  return true;
}

/**
 * How g is shown to map into `target`: by interval arithmetic, or, for one free parameter, by
 * monotonicity and its limits at the ends; undefined when neither shows it.
 */
function provedInto(g: Expr, ranges: SymbolRanges, target: Interval): string | undefined {
  if (within(rangeOf(g, ranges), target)) return 'interval arithmetic';
  const free = [...symbols(g)].filter((s) => !NAMED_CONSTANTS.has(s) && ranges(s) !== undefined && !isPoint(ranges(s)!));
  if (free.length !== 1) return undefined;
  const n = free[0]!;
  const slope = rangeOf(simplify(diff(g, n), { ranges }), ranges);
  if (!isPositive(slope) && !isNegative(slope)) return undefined;
  const dom = ranges(n)!;
  // Other symbols (constants) at their values: their ranges are points.
  const env = new Map([...symbols(g)].filter((s) => s !== n && ranges(s) !== undefined).map((s) => [s, ranges(s)!.lo]));
  const lo = limit(g, n, dom, 'lo', env);
  const hi = limit(g, n, dom, 'hi', env);
  if (lo === undefined || hi === undefined) return undefined;
  const image = isPositive(slope) ? iv(lo, hi, dom.loOpen, dom.hiOpen) : iv(hi, lo, dom.hiOpen, dom.loOpen);
  return within(image, target) ? `monotone (${isPositive(slope) ? 'increasing' : 'decreasing'}), with image ${formatInterval(image)}` : undefined;
}

const isPoint = (r: Interval): boolean => r.lo === r.hi;

/**
 * The limit of g(φ) as φ → an end of the domain: g at a finite end where it is finite there (g is
 * continuous), else numerically along 10^±k, snapped to a nearby whole number.
 */
function limit(g: Expr, n: string, dom: Interval, side: 'lo' | 'hi', env: ReadonlyMap<string, number>): number | undefined {
  const end = side === 'lo' ? dom.lo : dom.hi;
  const at = (t: number): number => evaluate(g, new Map([...env, [n, t]]));
  if (Number.isFinite(end)) {
    const v = at(end);
    if (Number.isFinite(v)) return v;
  }
  const values: number[] = [];
  for (let k = 4; k <= 12; k += 4) values.push(at(Number.isFinite(end) ? end + (side === 'lo' ? 1 : -1) * 10 ** -k : (side === 'lo' ? -1 : 1) * 10 ** k));
  const [v1, v2, v3] = values as [number, number, number];
  if (Number.isNaN(v3)) return undefined;
  // Growing without bound: |g| increases and its steps do not shrink (log, sqrt, powers).
  if (!Number.isFinite(v3) || (Math.abs(v3) > Math.abs(v2) && Math.abs(v2) > Math.abs(v1) && Math.abs(v3 - v2) >= 0.9 * Math.abs(v2 - v1))) return v3 > 0 ? Infinity : -Infinity;
  if (Math.abs(v3 - v2) > 1e-6 * Math.max(1, Math.abs(v3))) return undefined;
  const r = Math.round(v3);
  return Math.abs(v3 - r) < 1e-6 ? r : v3;
}

/** The check reported for one substitution (the domains are already settled). */
function checkMap(s: Substitution, old: Declaration, ranges: SymbolRanges, newParams: readonly NewParameter[]): MapCheck {
  const g = s.expr;
  if (!definedOn(g, ranges)) return { param: s.param, ok: false, how: `${printExpr(g)} is not defined everywhere on the new domain` };
  const proof = provedInto(g, ranges, old.range);
  if (proof !== undefined) return { param: s.param, ok: true, how: proof };
  // Not shown either way: sample the new domain, near its ends too, for a counterexample.
  const points = samplePoints(newParams, 400);
  for (const p of points) {
    const v = evaluate(g, p);
    if (!contains(old.range, v)) return { param: s.param, ok: false, how: `at ${[...p].map(([k, x]) => `${k} = ${Number(x.toPrecision(6))}`).join(', ')} it gives ${s.param} = ${Number(v.toPrecision(6))}` };
  }
  return { param: s.param, ok: true, how: `not proved; sampled at ${points.length} points of the new domain` };
}

function samplePoints(ps: readonly NewParameter[], count: number): Array<Map<string, number>> {
  const out: Array<Map<string, number>> = [];
  for (let i = 0; i < count; i++) {
    const env = new Map<string, number>();
    ps.forEach((p, k) => {
      const u = ((i * (k + 1) * 0.6180339887 + 0.5 * k) % 1 + 1) % 1;
      env.set(p.name, spreadIn(p.domain, u));
    });
    out.push(env);
  }
  return out;
}

/** A point of an interval, reaching close to its ends (u in [0, 1)). */
function spreadIn(r: Interval, u: number): number {
  const v = Math.max(1e-9, Math.min(1 - 1e-9, u));
  if (Number.isFinite(r.lo) && Number.isFinite(r.hi)) return r.lo + (r.hi - r.lo) * v;
  const t = Math.tan(Math.PI * (v - 0.5)); // all of the real line
  if (Number.isFinite(r.lo)) return r.lo + Math.exp(t);
  if (Number.isFinite(r.hi)) return r.hi - Math.exp(t);
  return t;
}

// ---------------------------------------------------------------------------------------------
// The new model.

/** The model text of the reparameterised density, parsed by the language itself. */
function buildModel(m: Model, map: ReadonlyMap<string, Expr>, ps: readonly NewParameter[]): Model {
  const lines: string[] = [];
  for (const c of m.constants.values()) lines.push(`const ${c.name} = ${printExpr(c.expr)}`);
  for (const p of ps) lines.push(`param ${p.name} in ${p.label}`);
  for (const g of m.givens) lines.push(`given ${g.name} in ${g.label}`);
  const simplex = m.data.filter((d) => d.support.kind === 'simplex').map((d) => d.name);
  if (simplex.length > 0) lines.push(`data ${simplex.join(', ')} in simplex`);
  for (const d of m.data) if (d.support.kind !== 'simplex') lines.push(`data ${d.name} in ${supportText(d, map)}`);
  lines.push(`logp = ${printExpr(substitute(m.logp, map))}`);
  const text = lines.join('\n');
  let parsed: Model;
  try {
    parsed = parse(text);
  } catch (e) {
    if (e instanceof FisherError) throw new FisherError(e.code, `the reparameterised model: ${e.message}`, e.span, text);
    throw e;
  }
  // The substitution keeps a normalised density normalised, and the families' samplers still apply.
  return { ...parsed, familiesOnly: m.familiesOnly, draws: m.draws.map((d) => ({ ...d, args: d.args.map((a) => substitute(a, map)) })) };
}

function supportText(d: Declaration, map: ReadonlyMap<string, Expr>): string {
  const s: Support = d.support;
  if (!supportSymbols(s).some((n) => map.has(n))) return d.label;
  const p = (e: Expr): string => printExpr(substitute(e, map));
  if (s.kind === 'interval') return `${s.loOpen ? '(' : '['}${p(s.lo)}, ${p(s.hi)}${s.hiOpen ? ')' : ']'}`;
  if (s.kind === 'integers') return `{${p(s.lo)}..${p(s.hi)}}`;
  if (s.kind === 'set') return `{${s.values.map(p).join(', ')}}`;
  return d.label;
}

/** θ = g(φ) at given φ, for the old model's evaluation. */
function mappedPoint(m: Model, map: ReadonlyMap<string, Expr>, at: ReadonlyMap<string, number>): Map<string, number> {
  const env = new Map([...constantValues(m), ...at]);
  const out = new Map<string, number>();
  for (const p of m.params) out.set(p.name, map.has(p.name) ? evaluate(map.get(p.name)!, env) : at.get(p.name)!);
  for (const g of m.givens) if (at.has(g.name)) out.set(g.name, at.get(g.name)!);
  return out;
}

/** A warning where ∂θ/∂φ loses rank at sample points (the map is not locally invertible). */
function singularJacobian(model: Model, j: readonly (readonly Expr[])[]): string[] {
  if (j.length !== j[0]!.length) return j.length > j[0]!.length ? ['fewer new parameters than old: this is a sub-model, and Jᵀ F J is its Fisher matrix'] : [];
  const pts = parameterPoints(model, 3, 5);
  for (const p of pts) {
    const v = j.map((row) => row.map((e) => evaluate(e, p)));
    const det = v.length === 1 ? v[0]![0]! : v.length === 2 ? v[0]![0]! * v[1]![1]! - v[0]![1]! * v[1]![0]! : NaN;
    if (det === 0) return [`∂θ/∂φ is singular at ${[...p].filter(([k]) => model.symbols.get(k)?.role === 'param').map(([k, x]) => `${k} = ${Number(x.toPrecision(6))}`).join(', ')}: the map is not locally invertible there`];
  }
  return [];
}

/** F_new against Jᵀ F J: symbolically, then at random points of the new domain. */
function compare(a: readonly (readonly Expr[])[], b: readonly (readonly Expr[])[], model: Model): Agreement {
  const ranges = modelRanges(model);
  const symbolic = a.every((row, i) => row.every((e, j) => {
    const d = sub(e, b[i]![j]!);
    return d === ZERO || rationalForm(d) === ZERO || finalise(d, ranges) === ZERO;
  }));
  const pts = parameterPoints(model, 8, 2718);
  let maxRelDiff = 0;
  for (const p of pts) {
    a.forEach((row, i) => row.forEach((e, j) => {
      const x = evaluate(e, p);
      const y = evaluate(b[i]![j]!, p);
      const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);
      maxRelDiff = Math.max(maxRelDiff, x === y ? 0 : rel);
    }));
  }
  return { symbolic, points: pts.length, maxRelDiff, ok: symbolic || maxRelDiff < 1e-9 };
}
