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

/** Where a data symbol lives, or a parameter's domain. Bounds are expressions (constants, parameters, ±inf). */
export type Support =
  | { readonly kind: 'interval'; readonly lo: Expr; readonly hi: Expr; readonly loOpen: boolean; readonly hiOpen: boolean }
  /** Whole numbers lo..hi (either end may be infinite). */
  | { readonly kind: 'integers'; readonly lo: Expr; readonly hi: Expr }
  /** A finite set of values, such as {0,1}. */
  | { readonly kind: 'set'; readonly values: readonly Expr[] }
  /** The open simplex x_i > 0, Σ x_i < 1 (the free coordinates of a Dirichlet). */
  | { readonly kind: 'simplex' };

export interface Declaration {
  readonly name: string;
  readonly role: Role;
  readonly support: Support;
  /** The support as the user would write it: `real`, `(0, 1)`, `{0..n}`. */
  readonly label: string;
  /** False when no domain was written (a parameter defaulted to real). */
  readonly explicit: boolean;
  /** The interval the symbol's values lie in, for sign reasoning (bounds evaluated). */
  readonly range: Interval;
  readonly span?: Span;
}

/** A vector declaration (`param beta in real[3]`): its components are scalar declarations beta[1], beta[2], beta[3]. */
export interface VectorDecl {
  readonly name: string;
  readonly role: Role;
  readonly length: number;
  /** The components' declarations, in order (also in Model.symbols and the role's list). */
  readonly components: readonly Declaration[];
  /** The support as written: `real[3]`. */
  readonly label: string;
  readonly span?: Span;
}

export interface Constant {
  readonly name: string;
  readonly expr: Expr;
  readonly value: number;
  readonly span?: Span;
}

export interface Model {
  /** The text the model was parsed from. */
  readonly source: string;
  /** Data symbols, in declaration order. */
  readonly data: readonly Declaration[];
  /** Parameters, in declaration order: the order of score entries and Hessian rows. */
  readonly params: readonly Declaration[];
  /** Covariates (`given`): known inputs, not integrated over. */
  readonly givens: readonly Declaration[];
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
   */
  readonly vectorLogp: VNode;
}

/** One `~` line: `data ~ family(args)`, the arguments as expressions in the model's symbols. */
export interface Draw {
  readonly family: string;
  readonly args: readonly Expr[];
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
