/**
 * The Model: what a model text declares (data, parameters, constants, covariates) and its
 * log-density of one observation, as an interned expression.
 */
import type { Span } from '../expr/errors';
import { evaluate } from '../expr/evaluate';
import { symbols, type Expr } from '../expr/expr';
import { contains, formatInterval, type Interval } from '../expr/interval';
import { splitComponent, type Role, type VNode } from './vnode';

export type { Role };

/**
 * Where a data symbol lives, or a parameter's domain, as declared (`in positive`, `in (0, n)`,
 * `in {0..n}`, `in {0, 1}`). Bounds are expressions: numbers, constants, parameters, ±inf.
 *
 * @example
 * parse('const n = 10; param p in (0, 1); data x in {0..n}; logp = x*log(p) + (n - x)*log(1 - p)').symbols.get('x').support;
 * // → { kind: 'integers', lo: 0, hi: n }
 */
export type Support =
  /** An interval of the reals. */
  | {
      /** The kind of support. */
      readonly kind: 'interval';
      /** The lower bound (`-inf` for none). */
      readonly lo: Expr;
      /** The upper bound (`inf` for none). */
      readonly hi: Expr;
      /** True when the lower bound is excluded. */
      readonly loOpen: boolean;
      /** True when the upper bound is excluded. */
      readonly hiOpen: boolean;
    }
  /** Whole numbers lo..hi (either end may be infinite). */
  | {
      /** The kind of support. */
      readonly kind: 'integers';
      /** The least value (`-inf` for none). */
      readonly lo: Expr;
      /** The greatest value (`inf` for none). */
      readonly hi: Expr;
    }
  /** A finite set of values, such as {0,1}. */
  | {
      /** The kind of support. */
      readonly kind: 'set';
      /** The values, in the order written. */
      readonly values: readonly Expr[];
    }
  /** The open simplex x_i > 0, Σ x_i < 1 (the free coordinates of a Dirichlet). */
  | {
      /** The kind of support. */
      readonly kind: 'simplex';
    };

/**
 * One declared scalar symbol of a model: a datum, a parameter, a covariate (`given`), or a component
 * of a declared vector (`beta[2]`).
 *
 * @example
 * const m = parse('x ~ Gamma(k, theta)');
 * m.params.map((d) => `${d.name} in ${d.label}`); // → ['k in positive', 'theta in positive']
 * m.data[0].range; // → { lo: 0, hi: Infinity, loOpen: true, hiOpen: true }
 */
export interface Declaration {
  /** The symbol's name, in ASCII (`sigma` for `σ`; `beta[2]` for a component). */
  readonly name: string;
  /** What the symbol is: data, a parameter, a covariate, a constant. */
  readonly role: Role;
  /** Where its values lie. */
  readonly support: Support;
  /** The support as the user would write it: `real`, `(0, 1)`, `{0..n}`. */
  readonly label: string;
  /** False when no domain was written (a parameter defaulted to real). */
  readonly explicit: boolean;
  /** The interval the symbol's values lie in, for sign reasoning (bounds evaluated). */
  readonly range: Interval;
  /** Where it is declared in the model text (absent for symbols a `~` line declared implicitly). */
  readonly span?: Span;
}

/**
 * A vector declaration (`param beta in real[3]`): its components are scalar declarations beta[1], beta[2], beta[3].
 *
 * @example
 * const m = parse('const d = 2; given z in real[d]; param beta in real[d]; y ~ Poisson(exp(dot(z, beta)))');
 * m.vectors.get('beta').components.map((c) => c.name); // → ['beta[1]', 'beta[2]']
 */
export interface VectorDecl {
  /** The vector's name (`beta`). */
  readonly name: string;
  /** What its components are. */
  readonly role: Role;
  /** The number of components. */
  readonly length: number;
  /** The components' declarations, in order (also in Model.symbols and the role's list). */
  readonly components: readonly Declaration[];
  /** The support as written: `real[3]`. */
  readonly label: string;
  /** Where it is declared in the model text. */
  readonly span?: Span;
}

/**
 * A named constant of a model (`const n = 10`), kept symbolic in the expressions and filled in when
 * they are evaluated.
 *
 * @example
 * parse('const n = 2^3; x ~ Binomial(n, p)').constants.get('n').value; // → 8
 */
export interface Constant {
  /** The constant's name. */
  readonly name: string;
  /** Its defining expression, as written (simplified). */
  readonly expr: Expr;
  /** Its value. */
  readonly value: number;
  /** Where it is declared in the model text. */
  readonly span?: Span;
}

/**
 * A parsed model: its declarations and the log-density of one observation, log p(x | θ), as an
 * expression. Made by {@link parse}; every consumer of fisherlab takes one.
 *
 * @example
 * const m = parse('x ~ Normal(mu, sigma)');
 * String(m.logp); // → '-log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)'
 * m.data.map((d) => d.name); // → ['x']
 * m.params.map((d) => d.name); // → ['mu', 'sigma']
 */
export interface Model {
  /** The text the model was parsed from. */
  readonly source: string;
  /** Data symbols, in declaration order. */
  readonly data: readonly Declaration[];
  /** Parameters, in declaration order: the order of score entries and Hessian rows. */
  readonly params: readonly Declaration[];
  /** Covariates (`given`): known inputs, not integrated over. */
  readonly givens: readonly Declaration[];
  /** The constants (`const n = 10`) by name. */
  readonly constants: ReadonlyMap<string, Constant>;
  /** The log-density of one observation, with `let` names expanded and constants kept symbolic. */
  readonly logp: Expr;
  /** Notes a reader must see: supports that depend on parameters, unused declarations. */
  readonly warnings: readonly string[];
  /** Every declaration by name. */
  readonly symbols: ReadonlyMap<string, Declaration>;
  /** True when the log-density comes only from `~` lines (built-in families, normalised by construction). */
  readonly familiesOnly: boolean;
  /** The `~` lines in order: which family draws which data, with what arguments (for sampling). */
  readonly draws: ReadonlyArray<Draw>;
  /** Vector declarations by name (their components are scalar declarations in the lists above). */
  readonly vectors: ReadonlyMap<string, VectorDecl>;
  /**
   * The log-density in the vector view, where `dot`, `sum` and elementwise maps are whole nodes
   * (for numerics over data sets); `logp` is its expansion into scalar symbols.
   * @internal
   */
  readonly vectorLogp: VNode;
}

/**
 * One `~` line: `data ~ family(args)`, the arguments as expressions in the model's symbols.
 *
 * @example
 * parse('x ~ Normal(mu, exp(s))').draws[0]; // → { family: 'Normal', args: [mu, exp(s)], data: ['x'] }
 */
export interface Draw {
  /** The family's name, as in {@link FAMILIES}. */
  readonly family: string;
  /** The family's arguments. */
  readonly args: readonly Expr[];
  /** The data it draws (one name, or several for a multivariate family). */
  readonly data: readonly string[];
}

/** Parameter names in order. */
export const paramNames = (m: Model): string[] => m.params.map((p) => p.name);

/** The symbols a support's bounds or values mention (a parameter here breaks regularity). */
export function supportSymbols(s: Support): string[] {
  const out = new Set<string>();
  if (s.kind === 'interval' || s.kind === 'integers') {
    symbols(s.lo, out);
    symbols(s.hi, out);
  } else if (s.kind === 'set') s.values.forEach((v) => symbols(v, out));
  return [...out];
}

/**
 * Names of declarations for display, the components of a vector collapsed into its name:
 * [y, z[1], z[2], beta[1], beta[2]] -> ['y', 'z', 'beta'].
 */
export function displayNames(m: Model, decls: readonly Declaration[]): string[] {
  const out: string[] = [];
  for (const d of decls) {
    const c = splitComponent(d.name);
    const name = c !== undefined && m.vectors.has(c[0]) ? c[0] : d.name;
    if (out[out.length - 1] !== name || name === d.name) out.push(name);
  }
  return out;
}

/**
 * A test of values against a declaration's support (bounds that depend on parameters are taken
 * at their widest): undefined when `v` may be a value of the symbol, else what is wrong with it.
 * @example supportTest(m.symbols.get('y')!, new Map())(2) // 'takes the values 0, 1'
 */
export function supportTest(d: Declaration, constants: ReadonlyMap<string, number>): (v: number) => string | undefined {
  const where = `must lie in ${d.label === 'real' ? formatInterval(d.range) : d.label}`;
  const allowed = d.support.kind === 'set' ? new Set(d.support.values.map((e) => evaluate(e, constants))) : undefined;
  const whole = d.support.kind === 'integers';
  return (v) => {
    if (!Number.isFinite(v)) return 'is not a finite number';
    if (allowed !== undefined) return allowed.has(v) ? undefined : `takes the values ${[...allowed].join(', ')}`;
    if (!contains(d.range, v)) return where;
    if (whole && !Number.isInteger(v)) return 'takes whole values';
    return undefined;
  };
}
