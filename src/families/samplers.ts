/**
 * Random-variate samplers for the built-in families, for Monte Carlo estimates of Fisher
 * information. `SAMPLERS[name](rng, args, out)` draws one observation of family `name` with
 * parameters `args` (in the order of the family's `param` declarations, as in `./index`) and
 * writes its data values to `out` in the order of the family's `data` declarations (one value
 * for a univariate family).
 *
 * The samplers do not validate: parameters outside a family's domain give `NaN`s or nonsense,
 * and `out` must have the family's data length (k - 1 for Categorical(p1..p_{k-1}),
 * Multinomial(n, p1..p_{k-1}) and Dirichlet(a1..ak)). They allocate nothing. Each is exact in
 * distribution up to double rounding (see `../numeric/random` for the algorithms).
 *
 * @module
 */

import type { Rng } from '../numeric/random';

/** Draw one observation: `out` receives the data values of the family with parameters `args`. */
export type Sampler = (rng: Rng, args: readonly number[], out: Float64Array) => void;

/** The samplers, keyed by family name. */
export const SAMPLERS: Record<string, Sampler> = {
  /** Bernoulli(p): 1 with probability p. */
  Bernoulli: (rng, args, out) => {
    out[0] = rng.uniform() < args[0]! ? 1 : 0;
  },
  /** Binomial(n, p): successes in n trials. */
  Binomial: (rng, args, out) => {
    out[0] = rng.binomial(args[0]!, args[1]!);
  },
  /** Poisson(lambda). */
  Poisson: (rng, args, out) => {
    out[0] = rng.poisson(args[0]!);
  },
  /** Geometric(p): failures before the first success. */
  Geometric: (rng, args, out) => {
    out[0] = rng.geometric(args[0]!);
  },
  /** NegativeBinomial(r, p): failures before the r-th success. */
  NegativeBinomial: (rng, args, out) => {
    out[0] = rng.negativeBinomial(args[0]!, args[1]!);
  },
  /** ZeroInflatedPoisson(w, lambda): 0 with probability w, else Poisson(lambda). */
  ZeroInflatedPoisson: (rng, args, out) => {
    out[0] = rng.uniform() < args[0]! ? 0 : rng.poisson(args[1]!);
  },
  /** Normal(mu, sigma). */
  Normal: (rng, args, out) => {
    out[0] = args[0]! + args[1]! * rng.normal();
  },
  /** HalfNormal(sigma): |Z| sigma. */
  HalfNormal: (rng, args, out) => {
    out[0] = args[0]! * Math.abs(rng.normal());
  },
  /** LogNormal(mu, sigma): exp(mu + sigma Z). */
  LogNormal: (rng, args, out) => {
    out[0] = Math.exp(args[0]! + args[1]! * rng.normal());
  },
  /** Exponential(lambda): rate lambda. */
  Exponential: (rng, args, out) => {
    out[0] = rng.exponential() / args[0]!;
  },
  /** Gamma(alpha, beta): shape alpha, rate beta. */
  Gamma: (rng, args, out) => {
    out[0] = rng.gamma(args[0]!) / args[1]!;
  },
  /** InverseGamma(alpha, beta): beta / Gamma(alpha). */
  InverseGamma: (rng, args, out) => {
    out[0] = args[1]! / rng.gamma(args[0]!);
  },
  /** Beta(a, b). */
  Beta: (rng, args, out) => {
    out[0] = rng.beta(args[0]!, args[1]!);
  },
  /** Weibull(k, lambda): lambda E^(1/k), E standard exponential (inversion). */
  Weibull: (rng, args, out) => {
    out[0] = args[1]! * Math.exp(Math.log(rng.exponential()) / args[0]!);
  },
  /** StudentT(nu, mu, sigma): mu + sigma T_nu. */
  StudentT: (rng, args, out) => {
    out[0] = args[1]! + args[2]! * rng.studentT(args[0]!);
  },
  /** Cauchy(mu, sigma). */
  Cauchy: (rng, args, out) => {
    out[0] = args[0]! + args[1]! * rng.cauchy();
  },
  /** Laplace(mu, b). */
  Laplace: (rng, args, out) => {
    out[0] = args[0]! + args[1]! * rng.laplace();
  },
  /** Logistic(mu, s). */
  Logistic: (rng, args, out) => {
    out[0] = args[0]! + args[1]! * rng.logistic();
  },
  /** Gumbel(mu, beta), the maximum law: mu - beta log(-log U). */
  Gumbel: (rng, args, out) => {
    out[0] = args[0]! + args[1]! * rng.gumbel();
  },
  /** Rayleigh(sigma): sigma sqrt(2E) (inversion). */
  Rayleigh: (rng, args, out) => {
    out[0] = args[0]! * Math.sqrt(2 * rng.exponential());
  },
  /** Pareto(xm, alpha): xm exp(E/alpha) = xm U^(-1/alpha) (inversion). */
  Pareto: (rng, args, out) => {
    out[0] = args[0]! * Math.exp(rng.exponential() / args[1]!);
  },
  /** InverseGaussian(mu, lambda). */
  InverseGaussian: (rng, args, out) => {
    out[0] = rng.inverseGaussian(args[0]!, args[1]!);
  },
  /** VonMises(mu, kappa), in (-pi, pi]. */
  VonMises: (rng, args, out) => {
    out[0] = rng.vonMises(args[0]!, args[1]!);
  },
  /** Uniform(a, b). */
  Uniform: (rng, args, out) => {
    const a = args[0]!;
    out[0] = a + (args[1]! - a) * rng.uniform();
  },
  /**
   * Categorical(p1..p_{k-1}): one-hot y1..y_{k-1}; the last category (probability
   * 1 - p1 - ... - p_{k-1}) is all zeros.
   */
  Categorical: (rng, args, out) => {
    const u = rng.uniform();
    let cum = 0;
    let hit = -1;
    for (let i = 0; i < args.length; i++) {
      cum += args[i]!;
      out[i] = 0;
      if (hit < 0 && u < cum) hit = i;
    }
    if (hit >= 0) out[hit] = 1;
  },
  /** Multinomial(n, p1..p_{k-1}): counts x1..x_{k-1}; the last count is n minus their sum. */
  Multinomial: (rng, args, out) => {
    let rem = args[0]!;
    let mass = 1; // probability of the categories not yet drawn, the implied last one included
    for (let i = 1; i < args.length; i++) {
      const p = args[i]!;
      let x: number;
      if (rem === 0 || p <= 0) x = 0;
      else if (p >= mass) x = rem;
      else x = rng.binomial(rem, p / mass);
      out[i - 1] = x;
      rem -= x;
      mass -= p;
    }
  },
  /** Dirichlet(a1..ak): the free coordinates x1..x_{k-1}. */
  Dirichlet: (rng, args, out) => {
    rng.dirichlet(args, out);
  },
  /** BivariateNormal(mu1, mu2, sigma1, sigma2, rho): (x1, x2) by the Cholesky factor. */
  BivariateNormal: (rng, args, out) => {
    const rho = args[4]!;
    const z1 = rng.normal();
    const z2 = rng.normal();
    out[0] = args[0]! + args[2]! * z1;
    out[1] = args[1]! + args[3]! * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
  },
};
