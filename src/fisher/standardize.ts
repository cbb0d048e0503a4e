/**
 * Rung 3 of the method ladder: standardisation. If the log-density of x (or of y = log x, for
 * positive data) is that of a location–scale family, ℓ(x) = −log s + f₀((x − m)/s) with f₀ free
 * of θ, the Fisher matrix is
 *
 *   F(θ) = Jᵀ · (1/s²) [[I_ll, I_ls], [I_ls, I_ss]] · J,   J = ∂(m, s)/∂θ,
 *
 * where I_ll = E[ψ²], I_ls = E[ψ(1 + zψ)], I_ss = E[(1 + zψ)²], ψ = f₀′, are constants of the
 * standard density f₀ (Lehmann & Casella 1998, §2.6; Cox & Hinkley 1974, §4.8). The location m
 * and scale s are found from the structure of ℓ and confirmed numerically: ℓ(m + s z) + log s
 * must not change with θ. The constants come from a table of standard densities, recognised by
 * their values (so any way of writing them works), with the Student-t's degrees of freedom read
 * off the density itself and kept symbolic.
 */
import { diff } from '../expr/diff';
import { lgamma } from '../numeric/special';
import { evaluate } from '../expr/evaluate';
import {
  EULER_GAMMA,
  ONE,
  PI,
  ZERO,
  add,
  call,
  dependsOn,
  div,
  mul,
  num,
  pow,
  substitute,
  subexpressions,
  sym,
  symbols,
  type Expr,
} from '../expr/expr';
import { POSITIVE, isPositive } from '../expr/interval';
import { rangeOf, type SymbolRanges } from '../expr/range';
import { expandLogs, simplify } from '../expr/simplify';
import { supportSymbols, type Model } from '../lang/model';
import { constantValues } from './derivatives';
import { linearize } from './linearize';
import { parameterPoints } from './points';

/**
 * A standard density of a location–scale family (rung 3 of the ladder): the Fisher information of
 * the family at location 0 and scale 1 in (location, scale), whose three distinct entries
 * I_ll, I_ls, I_ss are constants (or functions of a shape parameter).
 *
 * @example
 * const t = fisher(parse('x ~ Cauchy(m, s)')).trace.standardisation.standard;
 * [t.name, t.I, t.halfLine]; // → ['Student-t with nu = 1', [1/2, 0, 1/2], false]
 */
export interface StandardDensity {
  /** The family's name (normal, Cauchy, logistic, ...). */
  readonly name: string;
  /** The constants I_ll, I_ls, I_ss as expressions (possibly in a shape parameter). */
  readonly I: readonly [Expr, Expr, Expr];
  /** Where z lives: the whole line, or z > 0 for scale families. */
  readonly halfLine: boolean;
}

export interface Standardisation {
  readonly transform: 'identity' | 'log';
  readonly location: Expr;
  readonly scale: Expr;
  readonly standard: StandardDensity;
  /** The Fisher matrix in the model's parameters. */
  readonly matrix: Expr[][];
}

const Z = /* @__PURE__ */ sym('z__std');

interface TableEntry {
  readonly name: string;
  readonly halfLine: boolean;
  /** log f₀(z), normalised. */
  readonly logf: (z: number) => number;
  readonly I: readonly [Expr, Expr, Expr];
}

const g1 = /* @__PURE__ */ add(ONE, /* @__PURE__ */ mul(/* @__PURE__ */ num(-1), EULER_GAMMA)); // 1 − γ
const gumbelScale = /* @__PURE__ */ add(/* @__PURE__ */ pow(g1, /* @__PURE__ */ num(2)), /* @__PURE__ */ mul(/* @__PURE__ */ num(1, 6), /* @__PURE__ */ pow(PI, /* @__PURE__ */ num(2)))); // (1 − γ)² + π²/6

/**
 * Standard densities with fixed shape. Constants: Normal and Laplace (Lehmann & Casella 1998,
 * Table 2.6.1); logistic 1/3 and (π² + 3)/9 (Johnson, Kotz & Balakrishnan 1995, ch. 23);
 * Gumbel (1, γ − 1, (1 − γ)² + π²/6) (Johnson, Kotz & Balakrishnan 1995, ch. 22), with the sign of
 * I_ls flipped for the minimum form z − e^z; half-normal, exponential and Rayleigh scale
 * families: E[(1 + zψ)²] = 2, 1, 4. Each is checked against quadrature in test/fisher.test.ts.
 */
const TABLE: TableEntry[] = /* @__PURE__ */ (() => [
  { name: 'normal', halfLine: false, logf: (z) => -z * z / 2 - Math.log(2 * Math.PI) / 2, I: [ONE, ZERO, num(2)] },
  { name: 'Laplace', halfLine: false, logf: (z) => -Math.abs(z) - Math.LN2, I: [ONE, ZERO, ONE] },
  {
    name: 'logistic',
    halfLine: false,
    logf: (z) => -z - 2 * Math.log1p(Math.exp(-z)),
    I: [num(1, 3), ZERO, add(num(1, 3), mul(num(1, 9), pow(PI, num(2))))],
  },
  { name: 'Gumbel (maximum)', halfLine: false, logf: (z) => -z - Math.exp(-z), I: [ONE, mul(num(-1), g1), gumbelScale] },
  { name: 'Gumbel (minimum)', halfLine: false, logf: (z) => z - Math.exp(z), I: [ONE, g1, gumbelScale] },
  { name: 'half-normal', halfLine: true, logf: (z) => Math.log(2 / Math.PI) / 2 - z * z / 2, I: [ZERO, ZERO, num(2)] },
  { name: 'exponential', halfLine: true, logf: (z) => -z, I: [ZERO, ZERO, ONE] },
  { name: 'Rayleigh', halfLine: true, logf: (z) => Math.log(z) - z * z / 2, I: [ZERO, ZERO, num(4)] },
])();

const PROBES = [-2.3, -1.1, -0.4, 0.3, 0.9, 1.7, 2.6];
const HALF_PROBES = [0.2, 0.6, 1.1, 1.7, 2.4, 3.3];

/** Try to standardise the model; undefined when it is not a location–scale family (of x or log x). */
export function standardise(m: Model, ranges: SymbolRanges): Standardisation | undefined {
  if (m.data.length !== 1) return undefined;
  const x = m.data[0]!;
  if (x.support.kind !== 'interval') return undefined;
  const paramNames = new Set(m.params.map((p) => p.name));
  // A support that moves with θ is not a location–scale family in the regular sense.
  if (supportSymbols(x.support).some((s) => paramNames.has(s))) return undefined;
  const lo = x.range.lo;
  const hi = x.range.hi;
  const transforms: Array<['identity' | 'log', Expr, boolean]> = [];
  const y = sym(`${x.name}__y`);
  // Logs of products split into sums, so that log(x/lambda) shows its location log(lambda).
  const yRanges: SymbolRanges = (n) => (n === y.name ? (lo >= 0 ? POSITIVE : undefined) : ranges(n));
  const prep = (e: Expr): Expr => simplify(expandLogs(e, yRanges), { ranges: yRanges });
  if (lo === -Infinity && hi === Infinity) transforms.push(['identity', prep(substitute(m.logp, new Map([[x.name, y]]))), false]);
  if (lo === 0 && hi === Infinity) {
    transforms.push(['identity', prep(substitute(m.logp, new Map([[x.name, y]]))), true]);
    // y = log x: the density of y is p(e^y) e^y.
    const logRanges: SymbolRanges = (n) => (n === y.name ? undefined : ranges(n));
    transforms.push(['log', simplify(expandLogs(add(substitute(m.logp, new Map([[x.name, call('exp', [y])]])), y), logRanges), { ranges: logRanges }), false]);
  }
  const points = parameterPoints(m, 3, 777);
  const consts = constantValues(m);
  for (const [transform, L, halfLine] of transforms) {
    const found = tryLocationScale(L, y, m, ranges, halfLine, points, consts);
    if (found !== undefined) return { transform, ...found };
  }
  return undefined;
}

function tryLocationScale(
  L: Expr,
  y: Expr,
  m: Model,
  ranges: SymbolRanges,
  halfLine: boolean,
  points: ReadonlyArray<ReadonlyMap<string, number>>,
  consts: ReadonlyMap<string, number>,
): Omit<Standardisation, 'transform'> | undefined {
  const yName = (y as Extract<Expr, { kind: 'sym' }>).name;
  const params = m.params.map((p) => p.name);
  const thetaDependent = (e: Expr): boolean => params.some((p) => dependsOn(e, p));
  const locations = halfLine ? [ZERO] : [...locationCandidates(L, yName, thetaDependent), ZERO];
  const scales = [...scaleCandidates(L, yName, thetaDependent, ranges), ONE];
  const tried = new Set<string>();
  for (const loc of locations) {
    for (const sc of scales) {
      const key = `${loc.id}/${sc.id}`;
      if (tried.has(key) || tried.size > 60) continue;
      tried.add(key);
      if (!thetaDependent(loc) && !thetaDependent(sc)) continue;
      const f = add(substitute(L, new Map([[yName, add(loc, mul(sc, Z))]])), call('log', [sc]));
      const probes = halfLine ? HALF_PROBES : PROBES;
      const values = points.map((p) => probes.map((z) => safeEval(f, new Map([...p, [Z.name, z]]))));
      if (!values[0]!.every(Number.isFinite)) continue;
      const same = values.every((row) => row.every((v, i) => Math.abs(v - values[0]![i]!) <= 1e-9 * Math.max(1, Math.abs(v))));
      if (!same) continue;
      const standard = recognise(f, points[0]!, consts, halfLine, values[0]!, probes);
      if (standard === undefined) continue;
      // Locations on a half line must stay at 0; the location row of I is then unused.
      const matrix = assemble(loc, sc, standard.I, params, ranges);
      return { location: loc, scale: sc, standard, matrix };
    }
  }
  return undefined;
}

function safeEval(e: Expr, env: ReadonlyMap<string, number>): number {
  try {
    return evaluate(e, env);
  } catch {
    return NaN;
  }
}

/** m from sums that hold the data linearly: y − μ gives μ. */
function locationCandidates(L: Expr, y: string, thetaDep: (e: Expr) => boolean): Expr[] {
  const out: Expr[] = [];
  for (const node of nodes(L)) {
    if (node.kind !== 'add' || !dependsOn(node, y)) continue;
    const lin = linearize(node, [y]);
    const c = lin.get(sym(y));
    if (lin.size > 2 || c === undefined || dependsOn(c, y) || thetaDep(c)) continue;
    const rest = lin.get(ONE) ?? ZERO;
    if (!thetaDep(rest)) continue;
    out.push(simplify(div(mul(num(-1), rest), c)));
  }
  return unique(out);
}

/** s from products that hold the data with θ-dependent factors: (y − μ)²/σ² gives σ. */
function scaleCandidates(L: Expr, y: string, thetaDep: (e: Expr) => boolean, ranges: SymbolRanges): Expr[] {
  const out: Expr[] = [];
  for (const node of nodes(L)) {
    if (node.kind !== 'mul' || !dependsOn(node, y)) continue;
    const dataFactors = node.factors.filter((f) => dependsOn(f, y));
    if (dataFactors.length !== 1) continue;
    const df = dataFactors[0]!;
    const k = df.kind === 'pow' && df.exp.kind === 'num' ? df.exp : ONE;
    // The θ-dependent factors (σ in (x − μ)²/(ν σ²)), each subset of them (σ alone when ν is a
    // shape parameter), and all the factors (a fixed scale s = 2).
    const thetaFactors = node.factors.filter((f) => !dependsOn(f, y) && thetaDep(f));
    const allFactors = node.factors.filter((f) => !dependsOn(f, y) && f.kind !== 'num');
    const subsets = thetaFactors.length <= 4 ? Array.from({ length: (1 << thetaFactors.length) - 1 }, (_, mask) => thetaFactors.filter((__, i) => ((mask + 1) >> i) & 1)) : [thetaFactors];
    for (const others of [...subsets, allFactors]) {
      if (others.length === 0) continue;
      const g = mul(...others);
      if (!isPositive(rangeOf(g, ranges))) continue;
      // g · u^k = (u/s)^k  =>  s = g^(−1/k)
      out.push(simplify(pow(g, div(num(-1), k)), { ranges }));
    }
  }
  for (const node of nodes(L)) {
    // (e^y/λ)^k = e^(k (y − log λ)): a θ-dependent positive exponent k gives s = 1/k.
    if (node.kind === 'pow' && dependsOn(node.base, y) && !dependsOn(node.exp, y) && thetaDep(node.exp) && isPositive(rangeOf(node.exp, ranges))) {
      out.push(simplify(pow(node.exp, num(-1)), { ranges }));
    }
  }
  for (const node of nodes(L)) {
    // exp(c (y − μ)) and (y/λ)^k forms: the coefficient of the data inside a sum.
    if (node.kind === 'call' && node.fn === 'exp' && dependsOn(node, y)) {
      const lin = linearize(node.args[0]!, [y]);
      const c = lin.get(sym(y));
      if (c !== undefined && thetaDep(c) && isPositive(rangeOf(c, ranges))) out.push(simplify(pow(c, num(-1)), { ranges }));
    }
  }
  return unique(out);
}

const nodes = (e: Expr): Expr[] => [...subexpressions(e)];

const unique = (xs: Expr[]): Expr[] => [...new Set(xs)];

/** Which standard density is f₀? Fixed shapes by their values; the Student-t by its kernel. */
function recognise(
  f: Expr,
  point: ReadonlyMap<string, number>,
  consts: ReadonlyMap<string, number>,
  halfLine: boolean,
  values: readonly number[],
  probes: readonly number[],
): StandardDensity | undefined {
  for (const t of TABLE) {
    if (t.halfLine !== halfLine) continue;
    if (probes.every((z, i) => Math.abs(t.logf(z) - values[i]!) <= 1e-9 * Math.max(1, Math.abs(values[i]!)))) {
      return { name: t.name, I: t.I, halfLine };
    }
  }
  if (halfLine) {
    // |z| for a symmetric z: f0(z) = log 2 + g(z) on z > 0 has the scale information of g.
    const full = recognise(f, point, consts, false, values.map((v) => v - Math.LN2), probes);
    if (full !== undefined && full.I[1] === ZERO && ['normal', 'Laplace', 'logistic'].some((n) => full.name === n || full.name.startsWith('Student-t'))) {
      return { name: `half-${full.name}`, I: [ZERO, ZERO, full.I[2]], halfLine: true };
    }
    return undefined;
  }
  // Student-t: the data enters as c · log(a + b z²) with c = −(ν + 1)/2 and ν = a/b.
  const f0 = simplify(substitute(f, new Map([...point].filter(([k]) => !consts.has(k)).map(([k, v]) => [k, num(Math.round(v * 1e6), 1e6)]))));
  const lin = linearize(f0, [Z.name]);
  const zTerms = [...lin].filter(([a]) => a !== ONE);
  if (zTerms.length !== 1) return undefined;
  const [atom, c] = zTerms[0]!;
  if (atom.kind !== 'call' || atom.fn !== 'log') return undefined;
  const inner = linearize(atom.args[0]!, [Z.name]);
  const a = inner.get(ONE);
  const b = inner.get(pow(Z, num(2)));
  if (a === undefined || b === undefined || inner.size !== 2) return undefined;
  const nu = simplify(div(a, b));
  const nuValue = safeEval(nu, consts);
  if (!(nuValue > 0)) return undefined;
  // The whole density must be the t density with this ν (normalisation included).
  const tlog = (z: number): number => studentTLogDensity(nuValue, z);
  if (!probes.every((z, i) => Math.abs(tlog(z) - values[i]!) <= 1e-8 * Math.max(1, Math.abs(values[i]!)))) return undefined;
  if (Math.abs(safeEval(c, consts) + (nuValue + 1) / 2) > 1e-9 * (nuValue + 1)) return undefined;
  // I_ll = (ν + 1)/(ν + 3), I_ss = 2ν/(ν + 3) (Lange, Little & Taylor 1989, JASA 84, 881–896).
  const nu3 = add(nu, num(3));
  return {
    name: `Student-t with nu = ${nuValue}`,
    I: [div(add(nu, ONE), nu3), ZERO, div(mul(num(2), nu), nu3)],
    halfLine: false,
  };
}

/** log of the standard Student-t density with nu degrees of freedom at z. */
function studentTLogDensity(nu: number, z: number): number {
  return lgamma((nu + 1) / 2) - lgamma(nu / 2) - Math.log(nu * Math.PI) / 2 - ((nu + 1) / 2) * Math.log1p((z * z) / nu);
}

/** F = Jᵀ (1/s²) I J with J the Jacobian of (m, s) in the parameters. */
function assemble(loc: Expr, sc: Expr, I: readonly [Expr, Expr, Expr], params: readonly string[], ranges: SymbolRanges): Expr[][] {
  const jm = params.map((p) => diff(loc, p));
  const js = params.map((p) => diff(sc, p));
  const inv = pow(sc, num(-2));
  return params.map((_, i) =>
    params.map((__, j) =>
      simplify(
        mul(
          inv,
          add(mul(I[0], jm[i]!, jm[j]!), mul(I[1], add(mul(jm[i]!, js[j]!), mul(js[i]!, jm[j]!))), mul(I[2], js[i]!, js[j]!)),
        ),
        { ranges },
      ),
    ),
  );
}


/**
 * Standardisation with a shape parameter: ℓ(x) = −log s + f₀((x − m)/s; ν) where the standard
 * density is a Student-t whose degrees of freedom ν are themselves parameters. Each entry is then
 * an expectation over z ~ t_ν of atoms z^(2j) (c + d z²)^(−k) and log(c + d z²) (d/c = 1/ν), exact
 * by the Beta-function integrals (Lange, Little & Taylor 1989):
 *
 *   E[z^(2j) (1 + z²/ν)^(−k)] = ν^j (1/2)_j (ν/2)_(k−j) / ((ν+1)/2)_k,
 *   E[log(1 + z²/ν)] = ψ((ν+1)/2) − ψ(ν/2),
 *
 * and odd powers of z have mean zero. Returns the entries it could derive (null elsewhere).
 */
export function standardiseWithShape(m: Model, ranges: SymbolRanges, targets: readonly (readonly Expr[])[]): { name: string; matrix: (Expr | null)[][] } | undefined {
  if (m.data.length !== 1) return undefined;
  const x = m.data[0]!;
  if (!(x.support.kind === 'interval' && x.range.lo === -Infinity && x.range.hi === Infinity)) return undefined;
  const params = m.params.map((p) => p.name);
  const thetaDependent = (e: Expr): boolean => params.some((p) => dependsOn(e, p));
  const L = substitute(m.logp, new Map([[x.name, sym(`${x.name}__y`)]]));
  const yName = `${x.name}__y`;
  for (const loc of [...locationCandidates(L, yName, thetaDependent), ZERO]) {
    for (const sc of [...scaleCandidates(L, yName, thetaDependent, ranges), ONE]) {
      const ls = new Set([...symbols(loc), ...symbols(sc)].filter((s) => params.includes(s)));
      const shape = params.filter((p) => !ls.has(p));
      if (shape.length === 0) continue;
      const f = simplify(add(substitute(L, new Map([[yName, add(loc, mul(sc, Z))]])), call('log', [sc])), { ranges });
      if ([...symbols(f)].some((s) => ls.has(s))) continue;
      // f must be a Student-t log-density in z: c·log(a + b z²) + a constant, with ν = a/b.
      const lin = linearize(f, [Z.name]);
      const zTerms = [...lin].filter(([a]) => a !== ONE);
      if (zTerms.length !== 1) continue;
      const [atom, coef] = zTerms[0]!;
      if (atom.kind !== 'call' || atom.fn !== 'log') continue;
      const inner = linearize(atom.args[0]!, [Z.name]);
      const a = inner.get(ONE);
      const b = inner.get(pow(Z, num(2)));
      if (a === undefined || b === undefined || inner.size !== 2) continue;
      const nu = simplify(div(a, b), { ranges });
      if (simplify(add(coef, mul(num(1, 2), add(nu, ONE))), { ranges }) !== ZERO) continue;
      // The normalising constant too: compare with the t density at sample points.
      const points = parameterPoints(m, 2, 31);
      const ok = points.every((p) => {
        const v = safeEval(nu, p);
        if (!(v > 0)) return false;
        return PROBES.every((zz) => {
          const got = safeEval(f, new Map([...p, [Z.name, zz]]));
          const want = studentTLogDensity(v, zz);
          return Math.abs(got - want) <= 1e-8 * Math.max(1, Math.abs(want));
        });
      });
      if (!ok) continue;
      const sub = new Map([[x.name, add(loc, mul(sc, Z))]]);
      const matrix = targets.map((row) =>
        row.map((t) => {
          const tz = simplify(substitute(t, sub), { ranges: (n) => (n === Z.name ? undefined : ranges(n)) });
          const parts: Expr[] = [];
          for (const [at, c] of linearize(tz, [Z.name])) {
            const e = at === ONE ? ONE : tMoment(at, nu, ranges);
            if (e === undefined) return null;
            parts.push(mul(c, e));
          }
          return simplify(add(...parts), { ranges });
        }),
      );
      return { name: 'Student-t with its degrees of freedom a parameter', matrix };
    }
  }
  return undefined;
}

/** (a)_n = a (a+1) ... (a+n−1) for a whole n (negative n: 1/((a+n) ... (a−1))). */
function pochhammer(a: Expr, n: number): Expr {
  const fs: Expr[] = [];
  if (n >= 0) for (let i = 0; i < n; i++) fs.push(add(a, num(i)));
  else for (let i = n; i < 0; i++) fs.push(pow(add(a, num(i)), num(-1)));
  return mul(...fs);
}

/** E[atom(z)] for z ~ t_ν, for the atoms of the t family; undefined for any other atom. */
function tMoment(atom: Expr, nu: Expr, ranges: SymbolRanges): Expr | undefined {
  let power = 0;
  let k = 0;
  let scale: Expr = ONE;
  let logTerm: Expr | undefined;
  const half = num(1, 2);
  const factors = atom.kind === 'mul' ? atom.factors : [atom];
  for (const f of factors) {
    if (f === Z) power += 1;
    else if (f.kind === 'pow' && f.base === Z && f.exp.kind === 'num' && f.exp.value.d === 1n && f.exp.value.n > 0n) power += Number(f.exp.value.n);
    else if (f.kind === 'pow' && f.exp.kind === 'num' && f.exp.value.d === 1n && f.exp.value.n < 0n && k === 0) {
      const lin = linearize(f.base, [Z.name]);
      const c = lin.get(ONE);
      const d = lin.get(pow(Z, num(2)));
      if (c === undefined || d === undefined || lin.size !== 2) return undefined;
      if (simplify(add(div(c, d), mul(num(-1), nu)), { ranges }) !== ZERO) return undefined;
      k = -Number(f.exp.value.n);
      scale = pow(c, num(-k));
    } else if (f.kind === 'call' && f.fn === 'log' && logTerm === undefined && factors.length === 1) {
      const lin = linearize(f.args[0]!, [Z.name]);
      const c = lin.get(ONE);
      const d = lin.get(pow(Z, num(2)));
      if (c === undefined || d === undefined || lin.size !== 2) return undefined;
      if (simplify(add(div(c, d), mul(num(-1), nu)), { ranges }) !== ZERO) return undefined;
      // log(c + d z²) = log c + log(1 + z²/ν)
      logTerm = add(call('log', [c]), call('digamma', [mul(half, add(nu, ONE))]), mul(num(-1), call('digamma', [mul(half, nu)])));
    } else return undefined;
  }
  if (logTerm !== undefined) return logTerm;
  if (power % 2 === 1) return ZERO;
  if (k === 0) return undefined; // plain moments of t exist only for small powers: not needed here
  const j = power / 2;
  // ν^j (1/2)_j (ν/2)_(k−j) / ((ν+1)/2)_k
  const e = mul(scale, pow(nu, num(j)), pochhammer(half, j), pochhammer(mul(half, nu), k - j), pow(pochhammer(mul(half, add(nu, ONE)), k), num(-1)));
  return simplify(e, { ranges });
}
