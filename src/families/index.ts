/**
 * The built-in families, each written as a model in fisherlab's own language. A family's
 * parameters are its `param` declarations in order; `x ~ Family(args)` substitutes the arguments
 * for them and the observed names for its data. Adding a family means adding one entry here.
 *
 * Log-densities are normalised with respect to Lebesgue measure (continuous data) or counting
 * measure (discrete data); the family tests integrate or sum exp(logp) to 1 for every entry.
 */
import { NameMap } from '../expr/json';

/**
 * A built-in family: a model text whose `param` declarations, in order, are the arguments of
 * `x ~ Name(args)`.
 *
 * @example
 * FAMILIES.get('Exponential'); // → { name: 'Exponential', description: 'Exponential(lambda): rate lambda, mean 1/lambda', text: 'data x in nonnegative; param lambda in positive; logp = log(lambda) - lambda*x' }
 */
export interface FamilyDef {
  /** The name used after `~`. */
  readonly name: string;
  /** The model text: data and parameter declarations and `logp`, in the parameters' argument order. */
  readonly text: string;
  /** Parameters that must be known numbers (a constant or a literal), not estimated: Binomial's n. */
  readonly fixed?: readonly string[];
  /** One line: the parameterisation, as a reader would want to know it. */
  readonly description: string;
  /** For a family with a variable number of arguments: its model text for k arguments (undefined if k is not allowed). */
  readonly forArgs?: (k: number) => string | undefined;
}

const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i + 1);

/** Categorical with k categories from its k − 1 free probabilities; one-hot data y1..y_{k−1}. */
function categorical(free: number): string | undefined {
  if (free < 1 || free > 50) return undefined;
  const i = range(free);
  return [
    `data ${i.map((j) => `y${j}`).join(', ')} in {0,1}`,
    ...i.map((j) => `param p${j} in (0,1)`),
    `logp = ${i.map((j) => `y${j}*log(p${j})`).join(' + ')} + (1 - ${i.map((j) => `y${j}`).join(' - ')})*log(1 - ${i.map((j) => `p${j}`).join(' - ')})`,
  ].join('; ');
}

/** Multinomial(n, p1..p_{k−1}): counts x1..x_{k−1} of n trials, the last count n − Σx. */
function multinomial(args: number): string | undefined {
  const free = args - 1;
  if (free < 1 || free > 50) return undefined;
  const i = range(free);
  const rest = `(n - ${i.map((j) => `x${j}`).join(' - ')})`;
  return [
    'param n in naturals',
    `data ${i.map((j) => `x${j}`).join(', ')} in {0..n}`,
    ...i.map((j) => `param p${j} in (0,1)`),
    `logp = lfact(n) - ${i.map((j) => `lfact(x${j})`).join(' - ')} - lfact${rest} + ${i.map((j) => `x${j}*log(p${j})`).join(' + ')} + ${rest}*log(1 - ${i.map((j) => `p${j}`).join(' - ')})`,
  ].join('; ');
}

/** Dirichlet(a1..ak) on the free coordinates x1..x_{k−1} of the simplex. */
function dirichlet(k: number): string | undefined {
  if (k < 2 || k > 50) return undefined;
  const i = range(k - 1);
  const all = range(k);
  return [
    `data ${i.map((j) => `x${j}`).join(', ')} in simplex`,
    ...all.map((j) => `param a${j} in positive`),
    `logp = lgamma(${all.map((j) => `a${j}`).join(' + ')}) - ${all.map((j) => `lgamma(a${j})`).join(' - ')} + ${i.map((j) => `(a${j} - 1)*log(x${j})`).join(' + ')} + (a${k} - 1)*log(1 - ${i.map((j) => `x${j}`).join(' - ')})`,
  ].join('; ');
}

const DEFS: FamilyDef[] = [
  {
    name: 'Bernoulli',
    description: 'Bernoulli(p): P(x = 1) = p',
    text: 'data x in {0,1}; param p in (0,1); logp = x*log(p) + (1-x)*log(1-p)',
  },
  {
    name: 'Binomial',
    description: 'Binomial(n, p): successes in n trials with success probability p (n known)',
    fixed: ['n'],
    text: 'param n in naturals; data x in {0..n}; param p in (0,1); logp = lchoose(n, x) + x*log(p) + (n-x)*log(1-p)',
  },
  {
    name: 'Poisson',
    description: 'Poisson(lambda): mean lambda',
    text: 'data x in naturals; param lambda in positive; logp = x*log(lambda) - lambda - lfact(x)',
  },
  {
    name: 'Geometric',
    description: 'Geometric(p): failures before the first success, success probability p',
    text: 'data x in naturals; param p in (0,1); logp = log(p) + x*log(1-p)',
  },
  {
    name: 'NegativeBinomial',
    description: 'NegativeBinomial(r, p): failures before the r-th success, success probability p',
    text: 'data x in naturals; param r in positive; param p in (0,1); logp = lgamma(x + r) - lgamma(r) - lfact(x) + r*log(p) + x*log(1-p)',
  },
  {
    name: 'ZeroInflatedPoisson',
    description: 'ZeroInflatedPoisson(w, lambda): a structural zero with probability w, else Poisson(lambda)',
    text: 'data x in naturals; param w in (0,1); param lambda in positive; logp = log(w*0^x + (1-w)*exp(x*log(lambda) - lambda - lfact(x)))',
  },
  {
    name: 'Normal',
    description: 'Normal(mu, sigma): mean mu, standard deviation sigma',
    text: 'data x in real; param mu in real; param sigma in positive; logp = -log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)',
  },
  {
    name: 'HalfNormal',
    description: 'HalfNormal(sigma): |z| for z ~ Normal(0, sigma)',
    text: 'data x in nonnegative; param sigma in positive; logp = log(2)/2 - log(pi)/2 - log(sigma) - x^2/(2*sigma^2)',
  },
  {
    name: 'LogNormal',
    description: 'LogNormal(mu, sigma): log x ~ Normal(mu, sigma)',
    text: 'data x in positive; param mu in real; param sigma in positive; logp = -log(x) - log(sigma) - log(2*pi)/2 - (log(x) - mu)^2/(2*sigma^2)',
  },
  {
    name: 'Exponential',
    description: 'Exponential(lambda): rate lambda, mean 1/lambda',
    text: 'data x in nonnegative; param lambda in positive; logp = log(lambda) - lambda*x',
  },
  {
    name: 'Gamma',
    description: 'Gamma(alpha, beta): shape alpha, rate beta, mean alpha/beta',
    text: 'data x in positive; param alpha in positive; param beta in positive; logp = alpha*log(beta) - lgamma(alpha) + (alpha - 1)*log(x) - beta*x',
  },
  {
    name: 'InverseGamma',
    description: 'InverseGamma(alpha, beta): 1/x ~ Gamma(alpha, rate beta)',
    text: 'data x in positive; param alpha in positive; param beta in positive; logp = alpha*log(beta) - lgamma(alpha) - (alpha + 1)*log(x) - beta/x',
  },
  {
    name: 'Beta',
    description: 'Beta(a, b): density proportional to x^(a-1) (1-x)^(b-1) on (0, 1)',
    text: 'data x in (0,1); param a in positive; param b in positive; logp = lgamma(a + b) - lgamma(a) - lgamma(b) + (a - 1)*log(x) + (b - 1)*log(1 - x)',
  },
  {
    name: 'Weibull',
    description: 'Weibull(k, lambda): shape k, scale lambda',
    text: 'data x in positive; param k in positive; param lambda in positive; logp = log(k) - log(lambda) + (k - 1)*(log(x) - log(lambda)) - (x/lambda)^k',
  },
  {
    name: 'StudentT',
    description: 'StudentT(nu, mu, sigma): nu degrees of freedom, location mu, scale sigma',
    text: 'data x in real; param nu in positive; param mu in real; param sigma in positive; logp = lgamma((nu + 1)/2) - lgamma(nu/2) - log(nu*pi)/2 - log(sigma) - (nu + 1)/2*log(1 + (x - mu)^2/(nu*sigma^2))',
  },
  {
    name: 'Cauchy',
    description: 'Cauchy(mu, sigma): location mu, scale sigma',
    text: 'data x in real; param mu in real; param sigma in positive; logp = -log(pi) - log(sigma) - log(1 + (x - mu)^2/sigma^2)',
  },
  {
    name: 'Laplace',
    description: 'Laplace(mu, b): location mu, scale b',
    text: 'data x in real; param mu in real; param b in positive; logp = -log(2*b) - abs(x - mu)/b',
  },
  {
    name: 'Logistic',
    description: 'Logistic(mu, s): location mu, scale s',
    text: 'data x in real; param mu in real; param s in positive; logp = -(x - mu)/s - log(s) - 2*log(1 + exp(-(x - mu)/s))',
  },
  {
    name: 'Gumbel',
    description: 'Gumbel(mu, beta): location mu, scale beta (maximum)',
    text: 'data x in real; param mu in real; param beta in positive; logp = -log(beta) - (x - mu)/beta - exp(-(x - mu)/beta)',
  },
  {
    name: 'Rayleigh',
    description: 'Rayleigh(sigma): scale sigma',
    text: 'data x in positive; param sigma in positive; logp = log(x) - 2*log(sigma) - x^2/(2*sigma^2)',
  },
  {
    name: 'Pareto',
    description: 'Pareto(xm, alpha): scale xm (the support x > xm depends on it), shape alpha',
    text: 'param xm in positive; data x in (xm, inf); param alpha in positive; logp = log(alpha) + alpha*log(xm) - (alpha + 1)*log(x)',
  },
  {
    name: 'InverseGaussian',
    description: 'InverseGaussian(mu, lambda): mean mu, shape lambda',
    text: 'data x in positive; param mu in positive; param lambda in positive; logp = log(lambda)/2 - log(2*pi)/2 - 3*log(x)/2 - lambda*(x - mu)^2/(2*mu^2*x)',
  },
  {
    name: 'VonMises',
    description: 'VonMises(mu, kappa): circular location mu, concentration kappa, x in (-pi, pi)',
    text: 'data x in (-pi, pi); param mu in real; param kappa in positive; logp = kappa*cos(x - mu) - log(2*pi) - logbesseli0(kappa)',
  },
  {
    name: 'Categorical',
    description: 'Categorical(p1, ..., p_{k-1}): k categories, one-hot data y1..y_{k-1} (the last category is 1 - p1 - ... )',
    text: /* @__PURE__ */ categorical(2)!,
    forArgs: categorical,
  },
  {
    name: 'Multinomial',
    description: 'Multinomial(n, p1, ..., p_{k-1}): counts x1..x_{k-1} of n trials (n known), the last count n - x1 - ...',
    fixed: ['n'],
    text: /* @__PURE__ */ multinomial(3)!,
    forArgs: multinomial,
  },
  {
    name: 'Dirichlet',
    description: 'Dirichlet(a1, ..., ak): the free coordinates x1..x_{k-1} of a point of the simplex',
    text: /* @__PURE__ */ dirichlet(3)!,
    forArgs: dirichlet,
  },
  {
    name: 'BivariateNormal',
    description: 'BivariateNormal(mu1, mu2, sigma1, sigma2, rho): means, standard deviations and correlation of (x1, x2)',
    text: 'data x1, x2 in real; param mu1 in real; param mu2 in real; param sigma1 in positive; param sigma2 in positive; param rho in (-1, 1); let z1 = (x1 - mu1)/sigma1; let z2 = (x2 - mu2)/sigma2; logp = -log(2*pi) - log(sigma1) - log(sigma2) - log(1 - rho^2)/2 - (z1^2 - 2*rho*z1*z2 + z2^2)/(2*(1 - rho^2))',
  },
  {
    name: 'Uniform',
    description: 'Uniform(a, b): constant density on (a, b); the support depends on both parameters',
    text: 'param a in real; param b in real; data x in (a, b); logp = -log(b - a)',
  },
];

/**
 * The built-in families by name (read-only), each a model in fisherlab's own language, normalised
 * with respect to Lebesgue measure (continuous data) or counting measure (discrete data).
 *
 * @example
 * FAMILIES.get('Poisson').text; // → 'data x in naturals; param lambda in positive; logp = x*log(lambda) - lambda - lfact(x)'
 * FAMILIES.get('Gamma').description; // → 'Gamma(alpha, beta): shape alpha, rate beta, mean alpha/beta'
 */
export const FAMILIES: ReadonlyMap<string, FamilyDef> = /* @__PURE__ */ new NameMap(/* @__PURE__ */ DEFS.map((f) => [f.name, f]));

/**
 * The names of the built-in families, in the order `fisherlab families` lists them.
 *
 * @example
 * familyNames().slice(0, 5); // → ['Bernoulli', 'Binomial', 'Poisson', 'Geometric', 'NegativeBinomial']
 * familyNames().length; // → 28
 */
export const familyNames = (): string[] => DEFS.map((f) => f.name);
