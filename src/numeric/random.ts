/**
 * Seeded, reproducible pseudo-random numbers and random variates for Monte Carlo estimation.
 *
 * Reproducibility. The generator uses only 32-bit integer arithmetic (`Math.imul`, shifts,
 * `>>> 0`), so a (seed, stream) pair gives the same bits on every JavaScript engine. The
 * transforms use only IEEE-754 arithmetic and `Math.log`, `Math.exp` and `Math.sqrt` (never
 * `Math.random`, `Math.pow`, `Math.log1p`, `Math.atan`, ...): the von Mises sampler's arctangent
 * is the fdlibm algorithm written out in plain arithmetic ({@link fdlibmAtan}), log1p is Kahan's
 * correction of `Math.log`, and the tables of the normal ziggurat are computed at load time with
 * the same functions (and the stdlib erfc, itself plain arithmetic on `Math.exp`). Where engines'
 * `Math.log` and `Math.exp` agree (V8 and SpiderMonkey use fdlibm ports; `sqrt` is correctly
 * rounded everywhere) every variate is bit-for-bit identical across machines.
 *
 * Parallel Monte Carlo. `new Rng(seed, k)` gives stream k of a seed: the 128-bit state is an
 * injective function of the 64 bits (seed, stream), so distinct pairs never share a state, and
 * the state words are splitmix32 outputs, so neighbouring seeds and streams are unrelated.
 * Give chunk k of a run stream k and the result does not depend on the number of workers.
 *
 * Exactness. Every variate is drawn by an exact method (inversion, or rejection from a
 * dominating hat): the only departures from the target law are the rounding of double
 * arithmetic and the 2^-53 granularity of {@link Rng.uniform}.
 *
 * References:
 * - D. Blackman and S. Vigna (2021), Scrambled linear pseudorandom number generators,
 *   ACM TOMS 47(4):36 (xoshiro128**); G. Steele, D. Lea and C. Flood (2014), Fast splittable
 *   pseudorandom number generators, OOPSLA (splitmix), with the 32-bit finaliser of MurmurHash3.
 * - G. Marsaglia and W. W. Tsang (2000), The ziggurat method for generating random variables,
 *   J. Stat. Software 5(8); J. A. Doornik (2005), An improved ziggurat method to generate normal
 *   random samples (independent layer and value bits); G. Marsaglia (1964), Generating a variable
 *   from the tail of the normal distribution, Technometrics 6, 101-102.
 * - G. Marsaglia and W. W. Tsang (2000), A simple method for generating gamma variables,
 *   ACM TOMS 26(3), 363-372.
 * - W. Hörmann (1993), The transformed rejection method for generating Poisson random variables,
 *   Insurance: Mathematics and Economics 12, 39-45 (PTRS); W. Hörmann (1993), The generation of
 *   binomial random variates, J. Stat. Comput. Simul. 46, 101-110 (BTRS);
 *   V. Kachitvichyanukul and B. W. Schmeiser (1988), Binomial random variate generation,
 *   CACM 31, 216-222 (BINV).
 * - C. Loader (2000), Fast and accurate computation of binomial probabilities (stirlerr, bd0).
 * - D. J. Best and N. I. Fisher (1979), Efficient simulation of the von Mises distribution,
 *   Applied Statistics 28, 152-157.
 * - J. R. Michael, W. R. Schucany and R. W. Haas (1976), Generating random variates using
 *   transformations with multiple roots, The American Statistician 30, 88-90.
 * - L. Devroye (1986), Non-Uniform Random Variate Generation, Springer (inversion formulas,
 *   the gamma-Poisson mixture, Dirichlet from gammas, conditional binomials for the multinomial).
 *
 * @module
 */

import { erfc } from './special';

/**
 * Anything indexable and writable by number, e.g. a `Float64Array` or a `number[]`.
 *
 * @example
 * const out = new Float64Array(3);
 * new Rng(1).multinomial(10, [0.2, 0.3, 0.5], out);
 * out; // → [3, 2, 5]
 */
export interface WritableArrayLike {
  /** The number of entries. */
  readonly length: number;
  /** The entry at an index. */
  [index: number]: number;
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_POW_M52 = 2.220446049250313e-16; // 2^-52
const TWO_POW_26 = 67108864;
const TWO_POW_29 = 536870912;
const PI = Math.PI;
const TWO_PI = 2 * Math.PI;
/** log(sqrt(2*pi)). */
const LN_SQRT_2PI = 0.9189385332046728;
/** log(2*pi). */
const LN_2PI = 1.8378770664093453;
/** Below this concentration the von Mises law is the uniform one to double precision. */
const VM_KAPPA_UNIFORM = 1e-300;

// ---------------------------------------------------------------------------
// splitmix32 and seeding
// ---------------------------------------------------------------------------

/**
 * log(1 + x) for x > -1 by Kahan's correction of the rounded 1 + x (Goldberg 1991, Theorem 4):
 * a few ulps, deterministic given `Math.log`, and several times faster than a full log1p kernel.
 */
function log1p(x: number): number {
  const w = 1 + x;
  return w === 1 ? x : (Math.log(w) * x) / (w - 1);
}

/** The 32-bit finaliser of MurmurHash3 (a bijection of the 32-bit words). */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function toUint32(x: number, what: string): number {
  if (!Number.isInteger(x) || x < -2147483648 || x >= 4294967296) {
    throw new RangeError(`Rng: the ${what} must be an integer in [-2^31, 2^32), got ${x}`);
  }
  return x >>> 0;
}

// ---------------------------------------------------------------------------
// Normal ziggurat tables (256 layers), built once at load time
// ---------------------------------------------------------------------------

const ZIG_N = 256;
/** Layer right edges: X[0] = v/f(r) (base strip), X[1] = r, decreasing, X[N] = 0. */
const ZIG_X = /* @__PURE__ */ new Float64Array(ZIG_N + 1);
/** F[i] = f(X[i]) = exp(-X[i]^2/2); F[N] = 1. */
const ZIG_F = /* @__PURE__ */ new Float64Array(ZIG_N + 1);
/** K[i] = X[i+1]/X[i]: |u| < K[i] means the point lies wholly under the curve. */
const ZIG_K = /* @__PURE__ */ new Float64Array(ZIG_N);

/**
 * Lay the ziggurat for a trial tail start r: layers of equal area v (the base strip holds the
 * rectangle [0, r] x [0, f(r)] and the tail). Returns top-layer area minus v (> 0: r too large),
 * or -1 when the layers reach the mode before N of them (r too small). With `fill`, writes the
 * tables.
 */
function zigLay(r: number, fill: boolean): number {
  const fr = Math.exp(-0.5 * r * r);
  const v = r * fr + 1.2533141373155003 * erfc(r * Math.SQRT1_2); // sqrt(pi/2) erfc(r/sqrt 2)
  if (fill) {
    ZIG_X[0] = v / fr;
    ZIG_X[1] = r;
  }
  let x = r;
  for (let i = 1; i < ZIG_N - 1; i++) {
    const t = v / x + Math.exp(-0.5 * x * x);
    if (t >= 1) return -1;
    x = Math.sqrt(-2 * Math.log(t));
    if (fill) ZIG_X[i + 1] = x;
  }
  return x * (1 - Math.exp(-0.5 * x * x)) - v;
}

/**
 * The tail start r of the 256-layer ziggurat, solved by bisection to double precision. Laying it
 * fills ZIG_X, ZIG_F and ZIG_K, which are read only where ZIG_R is (so a bundler may drop all four).
 */
const ZIG_R = /* @__PURE__ */ ((): number => {
  let lo = 3; // too small: the layers reach the mode early
  let hi = 4.5; // too large: the top layer is wider than the others
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (zigLay(mid, false) > 0) hi = mid;
    else lo = mid;
  }
  // The closure error of the top layer is about 1e-14 of a layer's area at the better end.
  const r = Math.abs(zigLay(lo, false)) <= Math.abs(zigLay(hi, false)) ? lo : hi;
  zigLay(r, true);
  ZIG_X[ZIG_N] = 0;
  for (let i = 0; i <= ZIG_N; i++) ZIG_F[i] = Math.exp(-0.5 * ZIG_X[i]! * ZIG_X[i]!);
  ZIG_F[ZIG_N] = 1;
  for (let i = 0; i < ZIG_N; i++) ZIG_K[i] = ZIG_X[i + 1]! / ZIG_X[i]!;
  return r;
})();

// ---------------------------------------------------------------------------
// Log-probabilities for the rejection steps (Loader 2000)
// ---------------------------------------------------------------------------

/** stirlerr(n) = log n! - ((n + 1/2) log n - n + log sqrt(2 pi)) for n = 0..15 (0 unused). */
const STIRLERR: readonly number[] = [
  0, 0.0810614667953272582196702, 0.0413406959554092940938221, 0.02767792568499833914878929,
  0.02079067210376509311152277, 0.01664469118982119216319487, 0.01387612882307074799874573,
  0.01189670994589177009505572, 0.010411265261972096497478567, 0.009255462182712732917728637,
  0.008330563433362871256469318, 0.007573675487951840794972024, 0.006942840107209529865664152,
  0.006408994188004207068439631, 0.005951370112758847735624416, 0.005554733551962801371038690,
];

/** The error of Stirling's formula for log n!, for integers n >= 1 (Loader 2000). */
function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR[n]!;
  const nn = n * n;
  return (
    (0.08333333333333333 -
      (0.002777777777777778 - (0.0007936507936507937 - (0.0005952380952380953 - 0.0008417508417508417 / nn) / nn) / nn) / nn) /
    n
  );
}

/** bd0(x, m) = x log(x/m) + m - x, the deviance term, without cancellation when x ~ m (Loader 2000). */
function bd0(x: number, m: number): number {
  const d = x - m;
  if (Math.abs(d) < 0.1 * (x + m)) {
    const v = d / (x + m);
    let s = d * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 3; j < 2000; j += 2) {
      ej *= v2;
      const s1 = s + ej / j;
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/** log P(X = k) for X ~ Poisson(lambda), integer k >= 0, lambda > 0. */
function logPoissonPmf(k: number, lambda: number): number {
  if (k === 0) return -lambda;
  return -stirlerr(k) - bd0(k, lambda) - 0.5 * (LN_2PI + Math.log(k));
}

/** log P(X = k) for X ~ Binomial(n, p), integer 0 <= k <= n, 0 < p < 1, q = 1 - p. */
function logBinomialPmf(k: number, n: number, p: number, q: number): number {
  if (k === 0) return n * log1p(-p);
  if (k === n) return n * Math.log(p);
  return (
    stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q) - 0.5 * (LN_2PI + Math.log(k) + log1p(-k / n))
  );
}

// ---------------------------------------------------------------------------
// Deterministic arctangent
// ---------------------------------------------------------------------------

const ATAN_HI = [4.63647609000806093515e-1, 7.85398163397448278999e-1, 9.82793723247329054082e-1, 1.570796326794896558e0];
const ATAN_LO = [2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17];

/**
 * `atan(x)` by the fdlibm algorithm (s_atan.c: argument reduction to |x| < 7/16 about
 * atan(1/2), atan(1), atan(3/2) and atan(inf), then an odd minimax polynomial of degree 23),
 * written in plain double arithmetic so that it gives the same bits on every engine (error
 * below 1 ulp; it matches V8's `Math.atan`, which is the same algorithm).
 */
export function fdlibmAtan(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const neg = x < 0;
  let a = neg ? -x : x;
  let id: number;
  if (a >= 7.378697629483821e19) {
    // |x| >= 2^66
    const z = ATAN_HI[3]! + ATAN_LO[3]!;
    return neg ? -z : z;
  }
  if (a < 0.4375) {
    if (a < 7.450580596923828e-9) return x; // |x| < 2^-27
    id = -1;
    a = x;
  } else if (a < 1.1875) {
    if (a < 0.6875) {
      id = 0;
      a = (2 * a - 1) / (2 + a);
    } else {
      id = 1;
      a = (a - 1) / (a + 1);
    }
  } else if (a < 2.4375) {
    id = 2;
    a = (a - 1.5) / (1 + 1.5 * a);
  } else {
    id = 3;
    a = -1 / a;
  }
  const z = a * a;
  const w = z * z;
  const s1 =
    z *
    (3.33333333333329318027e-1 +
      w *
        (1.42857142725034663711e-1 +
          w * (9.09088713343650656196e-2 + w * (6.66107313738753120669e-2 + w * (4.97687799461593236017e-2 + w * 1.62858201153657823623e-2)))));
  const s2 =
    w *
    (-1.99999999998764832476e-1 +
      w * (-1.1111110405462355788e-1 + w * (-7.69187620504482999495e-2 + w * (-5.83357013379057348645e-2 + w * -3.6531572744216915527e-2))));
  if (id < 0) return a - a * (s1 + s2);
  const r = ATAN_HI[id]! - (a * (s1 + s2) - ATAN_LO[id]! - a);
  return neg ? -r : r;
}

/** Reduce an angle to (-pi, pi]. */
function wrapAngle(y: number): number {
  if (y > -PI && y <= PI) return y;
  if (!Number.isFinite(y)) return NaN;
  y -= TWO_PI * Math.ceil((y - PI) / TWO_PI);
  if (y <= -PI) y += TWO_PI;
  else if (y > PI) y -= TWO_PI;
  return y;
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/**
 * A seeded xoshiro128** generator with methods for the common random variates: the randomness of
 * every sampler and of Monte Carlo in fisherlab, always injected and seeded.
 *
 * All methods are allocation-free. Parameters outside a distribution's domain give `NaN`
 * (never an exception). The sequence a method consumes is part of this module's contract:
 * a change of algorithm changes the numbers, and would be a breaking change.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // → 0.5012848291504971
 * rng.gamma(2.5) / 1.5; // → 1.806419558405274
 * rng.poisson(3); // → 7
 * rng.beta(-1, 2); // → NaN
 * // Independent streams of one seed, one per chunk of a parallel run:
 * [new Rng(42, 0).next32(), new Rng(42, 1).next32()]; // → [2153001933, 2553772645]
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  // Set-up caches (a pure function of the parameters: they save time, never change a number).
  private pLambda = NaN;
  private pP0 = 0;
  private pA = 0;
  private pB = 0;
  private pInvAlpha = 0;
  private pM = 0;
  private pFm = 0;
  private pVr = 0;
  private bN = NaN;
  private bP = NaN;
  private bPP = 0;
  private bQ = 0;
  private bInvert = true;
  private bS = 0;
  private bG = 0;
  private bF0 = 0;
  private bA = 0;
  private bB = 0;
  private bC = 0;
  private bVr = 0;
  private bAlpha = 0;
  private bLogAlpha = 0;
  private bM = 0;
  private bLogFm = 0;
  private gP = NaN;
  private gLogQ = 0;
  private vmKappa = NaN;
  private vmRm1 = 0;
  private vmKr = 0;
  private vmS = 0;

  /**
   * A generator for a seed and a stream.
   *
   * @param seed - the seed, an integer in [-2^31, 2^32) (taken modulo 2^32).
   * @param stream - the stream index, an integer in [-2^31, 2^32): independent streams of one
   *   seed, e.g. one per chunk of a parallel Monte Carlo run.
   *
   * Seeding: two splitmix32 sequences (Weyl increment then the MurmurHash3 finaliser), one
   * started at the seed and one at a hash of the stream index with a different increment, give
   * the state `s0 = a0`, `s_i = a_i XOR b_i` (i = 1..3). `s0` determines the seed and, given
   * the seed, `s1` determines the stream, so distinct (seed, stream) pairs get distinct states.
   */
  constructor(seed: number, stream = 0) {
    let a = toUint32(seed, 'seed') | 0;
    let b = fmix32(toUint32(stream, 'stream') ^ 0x6a09e667);
    const nextA = (): number => fmix32((a = (a + 0x9e3779b9) | 0));
    const nextB = (): number => fmix32((b = (b + 0xbb67ae85) | 0));
    this.s0 = nextA();
    this.s1 = nextA() ^ nextB();
    this.s2 = nextA() ^ nextB();
    this.s3 = nextA() ^ nextB();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // xoshiro's one forbidden state
  }

  /**
   * The next 32 random bits, as an unsigned integer in [0, 2^32).
   *
   * Algorithm: xoshiro128** 1.1 (Blackman & Vigna 2021): output `rotl(s1 * 5, 7) * 9`, state
   * update by xor/shift/rotate; period 2^128 - 1.
   */
  next32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * A uniform double in the open interval (0, 1): `k / 2^53` for a uniform 53-bit integer k
   * built from two draws (27 + 26 bits), redrawn in the 2^-53 event k = 0. Never 0 or 1, so
   * `Math.log(rng.uniform())` is always finite.
   */
  uniform(): number {
    for (;;) {
      const k = (this.next32() >>> 5) * TWO_POW_26 + (this.next32() >>> 6);
      if (k !== 0) return k * TWO_POW_M53;
    }
  }

  /**
   * A standard normal variate.
   *
   * Algorithm: the ziggurat of Marsaglia & Tsang (2000) with 256 layers, with Doornik's (2005)
   * correction: the layer (8 bits), the sign (1 bit) and the 52-bit magnitude come from
   * disjoint bits of two draws. Wedges are resolved by exact rejection against
   * exp(-x^2/2) and the base strip's tail beyond r = 3.6541528853610088 by Marsaglia's (1964)
   * exact tail method. The tail start r is solved to double precision at load time so that the
   * 256 layers have equal area.
   */
  normal(): number {
    for (;;) {
      const a = this.next32();
      const b = this.next32();
      const i = a & 255;
      const u = ((a >>> 9) * TWO_POW_29 + (b >>> 3) + 0.5) * TWO_POW_M52; // (0, 1)
      const x = u * ZIG_X[i]!;
      if (u < ZIG_K[i]!) return a & 256 ? -x : x;
      if (i === 0) {
        // Tail beyond r (Marsaglia 1964).
        let t: number;
        let e: number;
        do {
          t = -Math.log(this.uniform()) / ZIG_R;
          e = -Math.log(this.uniform());
        } while (e + e < t * t);
        return a & 256 ? -(ZIG_R + t) : ZIG_R + t;
      }
      const fi = ZIG_F[i]!;
      if (fi + this.uniform() * (ZIG_F[i + 1]! - fi) < Math.exp(-0.5 * x * x)) return a & 256 ? -x : x;
    }
  }

  /** A standard exponential variate (rate 1), by inversion: `-log(U)`. */
  exponential(): number {
    return -Math.log(this.uniform());
  }

  /**
   * A Gamma(shape, rate 1) variate; `NaN` unless shape > 0.
   *
   * Algorithm: Marsaglia & Tsang (2000): d = shape - 1/3, c = 1/sqrt(9d), x ~ N(0,1),
   * v = (1 + cx)^3, accept d*v when U < 1 - 0.0331 x^4 (squeeze) or
   * log U < x^2/2 + d(1 - v + log v). For shape < 1 the boost Gamma(shape + 1) * U^(1/shape).
   * For shape well below 1 the result can underflow to 0 (with probability about
   * exp(-745 * shape)); {@link Rng.beta}, {@link Rng.dirichlet} and {@link Rng.studentT}
   * work in log space and do not suffer from this.
   */
  gamma(shape: number): number {
    if (!(shape > 0)) return NaN;
    if (shape >= 1) return this.gammaMT(shape);
    const g = this.gammaMT(shape + 1);
    return g * Math.exp(Math.log(this.uniform()) / shape);
  }

  /** Marsaglia-Tsang for shape >= 1. */
  private gammaMT(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** log of a Gamma(shape) variate, without underflow for small shapes. */
  private logGamma(shape: number): number {
    if (shape >= 1) return Math.log(this.gammaMT(shape));
    const lg = Math.log(this.gammaMT(shape + 1));
    return lg + Math.log(this.uniform()) / shape;
  }

  /**
   * A Beta(a, b) variate; `NaN` unless a, b > 0.
   *
   * Algorithm: X / (X + Y) for independent X ~ Gamma(a), Y ~ Gamma(b) (Devroye 1986, IX.4);
   * when a or b is below 1 the gammas are drawn as logarithms and combined as
   * 1 / (1 + exp(log Y - log X)), so tiny shapes neither underflow nor give 0/0.
   */
  beta(a: number, b: number): number {
    if (!(a > 0 && b > 0)) return NaN;
    if (a >= 1 && b >= 1) {
      const x = this.gammaMT(a);
      return x / (x + this.gammaMT(b));
    }
    const d = this.logGamma(b) - this.logGamma(a);
    if (d > 0) {
      const e = Math.exp(-d);
      return e / (1 + e);
    }
    return 1 / (1 + Math.exp(d));
  }

  /**
   * A Poisson(lambda) variate; `NaN` unless lambda >= 0 (0 for lambda = 0, Infinity for Infinity).
   *
   * Algorithm: for lambda < 10, inversion by sequential search from 0 (Devroye 1986, X.3.3),
   * restarted with a fresh uniform if the search runs past k = 200 (P(X > 200) < 1e-200, so
   * this only catches a uniform above the rounded cumulative sum, an event of order 1e-16).
   * For lambda >= 10, PTRS, Hörmann's (1993) transformed rejection with squeeze, whose
   * acceptance test takes P(X = k) as P(X = m) times the ratios lambda/i when |k - m| <= 15
   * (m = floor(lambda)), and from Loader's (2000) cancellation-free log-probability otherwise.
   * Exact for lambda up to about 2^52. The set-up for the last lambda is kept, so repeated draws
   * with one lambda skip it (the numbers do not depend on this).
   */
  poisson(lambda: number): number {
    if (lambda !== this.pLambda) {
      if (!(lambda > 0 && lambda < Infinity)) return lambda === 0 ? 0 : lambda === Infinity ? Infinity : NaN;
      this.poissonSetup(lambda);
    }
    if (lambda < 10) {
      const p0 = this.pP0;
      for (;;) {
        let u = this.uniform();
        let p = p0;
        let k = 0;
        while (u > p) {
          u -= p;
          k++;
          if (k > 200) break;
          p *= lambda / k;
        }
        if (k <= 200) return k;
      }
    }
    // PTRS (Hörmann 1993).
    const a = this.pA;
    const b = this.pB;
    const vr = this.pVr;
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (k < 0) continue;
      if (us >= 0.07 && v <= vr) return k;
      if (us < 0.013 && v > us) continue;
      const m = this.pM;
      if (k - m <= 15 && m - k <= 15) {
        // P(X = k) = P(X = m) times the ratios P(X = i)/P(X = i - 1) = lambda/i, without logarithms.
        if (Number.isNaN(this.pFm)) this.pFm = Math.exp(logPoissonPmf(m, lambda));
        let f = this.pFm;
        if (k > m) for (let i = m + 1; i <= k; i++) f *= lambda / i;
        else for (let i = k + 1; i <= m; i++) f *= i / lambda;
        if (v * this.pInvAlpha <= f * (a / (us * us) + b)) return k;
        continue;
      }
      if (Math.log(v) + Math.log(this.pInvAlpha) - Math.log(a / (us * us) + b) <= logPoissonPmf(k, lambda)) return k;
    }
  }

  private poissonSetup(lambda: number): void {
    this.pLambda = lambda;
    if (lambda < 10) {
      this.pP0 = Math.exp(-lambda);
      return;
    }
    const b = 0.931 + 2.53 * Math.sqrt(lambda);
    this.pB = b;
    this.pA = -0.059 + 0.02483 * b;
    this.pInvAlpha = 1.1239 + 1.1328 / (b - 3.4);
    this.pM = Math.floor(lambda);
    this.pFm = NaN; // P(X = m), computed when a draw first needs it
    this.pVr = 0.9277 - 3.6224 / (b - 2);
  }

  /**
   * A Binomial(n, p) variate: successes in n trials; `NaN` unless n is a whole number
   * (n <= 2^53) and 0 <= p <= 1.
   *
   * Algorithm: with p' = min(p, 1 - p) (the count is reflected when p > 1/2): for n p' < 10,
   * inversion by sequential search from 0 (BINV, Kachitvichyanukul & Schmeiser 1988),
   * restarted with a fresh uniform if the search runs past min(n, 110) (P(X > 110) < 1e-50, so
   * this only catches a uniform above the rounded cumulative sum, an event of order 1e-16); otherwise BTRS, Hörmann's (1993) transformed rejection with squeeze, with the
   * acceptance ratio f(k)/f(mode) as a product of the ratios f(i)/f(i-1) when |k - mode| <= 15
   * (as in Hörmann's BTRD) and from Loader's (2000) cancellation-free log-probabilities otherwise.
   * Exact in distribution (up to double rounding) for every n and p. The set-up for the last
   * (n, p) is kept, so repeated draws skip it (the numbers do not depend on this).
   */
  binomial(n: number, p: number): number {
    if (n !== this.bN || p !== this.bP) {
      if (!(n >= 0 && n <= 9007199254740992 && Number.isInteger(n) && p >= 0 && p <= 1)) return NaN;
      if (n === 0 || p === 0) return 0;
      if (p === 1) return n;
      this.binomialSetup(n, p);
    }
    const x = this.bInvert ? this.binomialInversion(n) : this.binomialBTRS(n);
    return p > 0.5 ? n - x : x;
  }

  private binomialSetup(n: number, p: number): void {
    this.bN = n;
    this.bP = p;
    const pp = p > 0.5 ? 1 - p : p;
    const q = 1 - pp;
    this.bPP = pp;
    this.bQ = q;
    this.bInvert = n * pp < 10;
    this.bS = pp / q;
    this.bG = this.bS * (n + 1);
    if (this.bInvert) {
      this.bF0 = Math.exp(n * log1p(-pp));
      return;
    }
    const spq = Math.sqrt(n * pp * q);
    const b = 1.15 + 2.53 * spq;
    this.bB = b;
    this.bA = -0.0873 + 0.0248 * b + 0.01 * pp;
    this.bC = n * pp + 0.5;
    this.bVr = 0.92 - 4.2 / b;
    this.bAlpha = (2.83 + 5.1 / b) * spq;
    this.bLogAlpha = Math.log(this.bAlpha);
    this.bM = Math.floor((n + 1) * pp);
    this.bLogFm = NaN; // log f(mode), computed when a draw first needs it
  }

  /** BINV for the set-up (n, p'): the number of successes with probability p' <= 1/2. */
  private binomialInversion(n: number): number {
    const s = this.bS;
    const g = this.bG;
    const cap = n < 110 ? n : 110;
    for (;;) {
      let u = this.uniform();
      let f = this.bF0;
      let x = 0;
      while (u > f) {
        u -= f;
        x++;
        if (x > cap) break;
        f *= g / x - s;
      }
      if (x <= cap) return x;
    }
  }

  /** BTRS for the set-up (n, p'): the number of successes with probability p' <= 1/2. */
  private binomialBTRS(n: number): number {
    const a = this.bA;
    const b = this.bB;
    const c = this.bC;
    const vr = this.bVr;
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor((2 * a / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      const m = this.bM;
      if (k - m <= 15 && m - k <= 15) {
        // f(k)/f(m) as a product of the ratios f(i)/f(i-1) = (n + 1 - i) s / i (as in BTRD).
        const g = this.bG;
        const s = this.bS;
        let f = 1;
        if (k > m) for (let i = m + 1; i <= k; i++) f *= g / i - s;
        else for (let i = k + 1; i <= m; i++) f /= g / i - s;
        if (v * this.bAlpha <= f * (a / (us * us) + b)) return k;
        continue;
      }
      if (Number.isNaN(this.bLogFm)) this.bLogFm = logBinomialPmf(m, n, this.bPP, this.bQ);
      if (Math.log(v) + this.bLogAlpha - Math.log(a / (us * us) + b) <= logBinomialPmf(k, n, this.bPP, this.bQ) - this.bLogFm) return k;
    }
  }

  /**
   * A Geometric(p) variate: the number of failures before the first success, support
   * 0, 1, 2, ...; `NaN` unless 0 < p <= 1.
   *
   * Algorithm: inversion, floor(log U / log(1 - p)) (Devroye 1986, X.2), with log1p for small p
   * (kept for the last p).
   */
  geometric(p: number): number {
    if (p !== this.gP) {
      if (!(p > 0 && p <= 1)) return NaN;
      if (p === 1) return 0;
      this.gP = p;
      this.gLogQ = log1p(-p);
    }
    return Math.floor(Math.log(this.uniform()) / this.gLogQ);
  }

  /**
   * A NegativeBinomial(r, p) variate: failures before the r-th success (r real > 0, mean
   * r(1-p)/p); `NaN` unless r > 0 and 0 < p <= 1.
   *
   * Algorithm: the gamma-Poisson mixture Poisson(G (1-p)/p), G ~ Gamma(r) (Devroye 1986, X.4.7).
   */
  negativeBinomial(r: number, p: number): number {
    if (!(r > 0 && r < Infinity && p > 0 && p <= 1)) return NaN;
    if (p === 1) return 0;
    return this.poisson((this.gamma(r) * (1 - p)) / p);
  }

  /** A chi-square variate with k > 0 degrees of freedom: 2 Gamma(k/2). */
  chi2(k: number): number {
    return 2 * this.gamma(0.5 * k);
  }

  /**
   * A standard Student t variate with nu > 0 degrees of freedom (Infinity gives a normal).
   *
   * Algorithm: Z / sqrt(V/nu) with Z ~ N(0,1), V ~ chi-square(nu) = 2 Gamma(nu/2)
   * (Devroye 1986, IX.5); the gamma is drawn as a logarithm when nu < 2, so that small nu do not
   * give 0/0.
   */
  studentT(nu: number): number {
    if (!(nu > 0)) return NaN;
    const z = this.normal();
    if (nu === Infinity) return z;
    if (nu >= 2) return z * Math.sqrt(nu / (2 * this.gammaMT(0.5 * nu)));
    return z * Math.sqrt(0.5 * nu) * Math.exp(-0.5 * this.logGamma(0.5 * nu));
  }

  /**
   * A standard Cauchy variate.
   *
   * Algorithm: y/x for (x, y) uniform on the unit disc, drawn by rejection from the square
   * (Devroye 1986, IX.3): tan of a uniform angle without any trigonometric function.
   */
  cauchy(): number {
    for (;;) {
      const x = 2 * this.uniform() - 1;
      const y = 2 * this.uniform() - 1;
      if (x * x + y * y <= 1 && x !== 0) return y / x;
    }
  }

  /**
   * A standard Laplace variate (density exp(-|x|)/2), by inversion:
   * log(2U) for U < 1/2, -log(2(1 - U)) otherwise.
   */
  laplace(): number {
    const u = this.uniform();
    return u < 0.5 ? Math.log(2 * u) : -Math.log(2 * (1 - u));
  }

  /** A standard logistic variate, by inversion: log(U / (1 - U)) (1 - U is exact). */
  logistic(): number {
    const u = this.uniform();
    return Math.log(u / (1 - u));
  }

  /**
   * A standard Gumbel (maximum) variate, CDF exp(-exp(-x)), by inversion: -log(-log U).
   */
  gumbel(): number {
    return -Math.log(-Math.log(this.uniform()));
  }

  /**
   * A von Mises(mu, kappa) variate on the circle, returned in (-pi, pi]; `NaN` unless mu is
   * finite and kappa >= 0 (kappa = Infinity gives mu wrapped).
   *
   * Algorithm: Best & Fisher (1979): rejection from a wrapped Cauchy envelope with
   * r = 1 + rm1 given by tau = 1 + sqrt(1 + 4 kappa^2), rho = (tau - sqrt(2 tau))/(2 kappa),
   * r = (1 + rho^2)/(2 rho), accepting when c(2 - c) > U2 or log(c/U2) + 1 - c >= 0 with
   * c = kappa (r - f). Rewritten to be exact and stable for every kappa: rho and r - 1 are
   * computed without cancellation (rho = 2 kappa/(tau + sqrt(2 tau))); the uniform angle
   * phi of the original is replaced by t = tan(phi/2), a standard Cauchy variate, so that
   * z = cos(phi) = (1 - t^2)/(1 + t^2) and the returned angle is
   * theta = 2 atan(t sqrt((r - 1)/(r + 1))) (the same as +-acos(f), with the sign from t),
   * computed with a deterministic port of fdlibm's atan. For kappa < 1e-300 the law equals the
   * uniform one to double precision and a uniform angle is returned.
   */
  vonMises(mu: number, kappa: number): number {
    if (!(kappa >= 0) || !Number.isFinite(mu)) return NaN;
    if (kappa === Infinity) return wrapAngle(mu);
    let theta: number;
    if (kappa < VM_KAPPA_UNIFORM) {
      theta = PI * (2 * this.uniform() - 1);
    } else {
      if (kappa !== this.vmKappa) this.vonMisesSetup(kappa);
      const rm1 = this.vmRm1;
      const kr = this.vmKr;
      for (;;) {
        const t = this.cauchy();
        const c = kr / (rm1 + 2 / (1 + t * t)); // kappa (r^2 - 1)/(r + z)
        const u = this.uniform();
        if (c * (2 - c) > u || Math.log(c / u) + 1 - c >= 0) {
          theta = 2 * fdlibmAtan(this.vmS * t);
          break;
        }
      }
    }
    return wrapAngle(mu + theta);
  }

  private vonMisesSetup(kappa: number): void {
    this.vmKappa = kappa;
    const k2 = 2 * kappa;
    const root = kappa < 1e8 ? Math.sqrt(1 + k2 * k2) : k2 * Math.sqrt(1 + 1 / (k2 * k2)); // sqrt(1 + 4 kappa^2)
    const tau = 1 + root;
    const sq = Math.sqrt(2 * tau);
    const rho = k2 / (tau + sq);
    const oneMinusRho = (1 + 1 / (root + k2) + sq) / (tau + sq); // tau - 2 kappa = 1 + 1/(root + 2 kappa)
    const rm1 = (oneMinusRho * oneMinusRho) / (2 * rho); // r - 1
    this.vmRm1 = rm1;
    this.vmKr = kappa * rm1 * (rm1 + 2); // kappa (r^2 - 1)
    this.vmS = Math.sqrt(rm1 / (rm1 + 2)); // tan(theta/2) / tan(phi/2)
  }

  /**
   * An InverseGaussian(mu, lambda) variate (mean mu, shape lambda); `NaN` unless mu, lambda > 0.
   *
   * Algorithm: Michael, Schucany & Haas (1976): with y = Z^2, a = mu y/(2 lambda), the smaller
   * root x1 = mu/d, d = 1 + a + sqrt(a(a + 2)) (the usual mu + mu a - mu sqrt(a^2 + 2a),
   * written without cancellation), taken with probability mu/(mu + x1) = d/(d + 1), else the
   * larger root mu^2/x1 = mu d.
   */
  inverseGaussian(mu: number, lambda: number): number {
    if (!(mu > 0 && lambda > 0)) return NaN;
    const z = this.normal();
    const a = (mu * z * z) / (2 * lambda);
    const d = 1 + a + Math.sqrt(a) * Math.sqrt(a + 2);
    return this.uniform() * (d + 1) <= d ? mu / d : mu * d;
  }

  /**
   * A category index i in 0..k-1 drawn with probability probs[i] / sum(probs) (the weights need
   * not be normalised; they must be >= 0 with a positive sum, else `NaN`).
   *
   * Algorithm: inversion by sequential search over the cumulative weights; a rounding
   * leftover goes to the last category with positive weight.
   */
  categorical(probs: ArrayLike<number>): number {
    const k = probs.length;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const p = probs[i]!;
      if (!(p >= 0)) return NaN;
      total += p;
    }
    if (!(total > 0 && total < Infinity)) return NaN;
    const u = this.uniform() * total;
    let cum = 0;
    let last = 0;
    for (let i = 0; i < k; i++) {
      const p = probs[i]!;
      if (p > 0) {
        cum += p;
        last = i;
        if (u < cum) return i;
      }
    }
    return last;
  }

  /**
   * Multinomial(n, probs) counts: `out[i]` receives the count of category i for
   * i < min(out.length, k), so `out` may hold all k counts or only the first k - 1 (the last is
   * then n minus their sum). The weights need not be normalised. Writes `NaN`s when n is not a
   * whole number or a weight is negative or the weights do not have a positive finite sum.
   *
   * Algorithm: conditional binomials, count_i ~ Binomial(n - earlier counts,
   * p_i / (remaining probability)) (Devroye 1986, XI.1), each by {@link Rng.binomial};
   * the last category takes what is left.
   */
  multinomial(n: number, probs: ArrayLike<number>, out: WritableArrayLike): void {
    const k = probs.length;
    const m = Math.min(out.length, k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const p = probs[i]!;
      if (!(p >= 0)) total = NaN;
      total += p;
    }
    if (!(total > 0 && total < Infinity && n >= 0 && Number.isInteger(n))) {
      for (let i = 0; i < m; i++) out[i] = NaN;
      return;
    }
    let rem = n;
    let mass = total;
    for (let i = 0; i < m; i++) {
      const p = probs[i]!;
      let x: number;
      if (rem === 0 || p === 0) x = 0;
      else if (i === k - 1 || p >= mass) x = rem;
      else x = this.binomial(rem, p / mass);
      out[i] = x;
      rem -= x;
      mass -= p;
    }
  }

  /**
   * A Dirichlet(alphas) point of the simplex: `out[i]` receives coordinate i for
   * i < min(out.length, k), so `out` may hold all k coordinates or only the k - 1 free ones.
   * Writes `NaN`s unless every alpha is > 0 and finite.
   *
   * Algorithm: normalised independent Gamma(alpha_i) variates (Devroye 1986, XI.4); when some
   * alpha is below 1 the gammas are drawn as logarithms and normalised with a running
   * log-sum-exp, so tiny alphas neither underflow nor give 0/0.
   */
  dirichlet(alphas: ArrayLike<number>, out: WritableArrayLike): void {
    const k = alphas.length;
    const m = Math.min(out.length, k);
    let small = false;
    for (let i = 0; i < k; i++) {
      const a = alphas[i]!;
      if (!(a > 0 && a < Infinity)) {
        for (let j = 0; j < m; j++) out[j] = NaN;
        return;
      }
      if (a < 1) small = true;
    }
    if (!small) {
      let sum = 0;
      for (let i = 0; i < k; i++) {
        const g = this.gammaMT(alphas[i]!);
        if (i < m) out[i] = g;
        sum += g;
      }
      for (let i = 0; i < m; i++) out[i] = out[i]! / sum;
      return;
    }
    let mx = -Infinity;
    let s = 0;
    for (let i = 0; i < k; i++) {
      const lg = this.logGamma(alphas[i]!);
      if (i < m) out[i] = lg;
      if (lg > mx) {
        s = s * Math.exp(mx - lg) + 1;
        mx = lg;
      } else {
        s += Math.exp(lg - mx);
      }
    }
    for (let i = 0; i < m; i++) out[i] = Math.exp(out[i]! - mx) / s;
  }
}

/** The tail start r of the normal ziggurat (exposed for tests). */
export const ZIGGURAT_R: number = ZIG_R;
