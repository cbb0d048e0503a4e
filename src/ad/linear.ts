/**
 * Linear predictors. Many models at data scale reach their parameters only through a few
 * channels c_1..c_K: linear predictors η = dot(z, β) of a covariate vector and a parameter vector
 * (also written sum(z*β)), and scalar parameters (or components β[k]). Then, with ℓ(y, c) the
 * log-density of one row in the channels and J_i the Jacobian of the channels (row j of J_i is
 * z_i over β's block for a linear predictor, a unit vector for a scalar), every matrix of the
 * data set is a weighted Gram product Σ_i J_iᵀ W_i J_i:
 *
 *   Hessian            W_i = ∂²ℓ/∂c∂cᵀ
 *   empirical Fisher   W_i = (∂ℓ/∂c)(∂ℓ/∂c)ᵀ
 *   expected Fisher    W_i = I_c(c_i), the Fisher information of ℓ in the channels
 *
 * (XᵀWX for a generalised linear model: McCullagh & Nelder 1989, §2.5), computed by the blocked
 * kernels of gram.ts in O(n d²) with small constants instead of d Hessian-vector products.
 */
import { REAL } from '../expr/interval';
import { neg, sym, type Expr } from '../expr/expr';
import { NameMap } from '../expr/json';
import type { Declaration, Model } from '../lang/model';
import { VGraph, componentName, expandNodes, operands, type VNode } from '../lang/vnode';
import { rowInputs, type DataSet, type RowInput } from './dataset';
import { gramCross, gramSymmetric } from './gram';
import { paramOffsets } from './vector';

/** One channel through which the parameters reach the log-density. */
export interface Channel {
  /** Its symbol in the reduced log-density (a fresh name for a linear predictor). */
  readonly name: string;
  /** The block of θ it depends on: offset and length (1 for a scalar parameter). */
  readonly offset: number;
  readonly length: number;
  /** For a linear predictor: the covariate vector, as the number of the row input. */
  readonly input: number | undefined;
  /** Its declaration in the reduced model (real for a linear predictor, the parameter's own otherwise). */
  readonly decl: Declaration;
}

export interface LinearStructure {
  readonly channels: readonly Channel[];
  /** The log-density of one row in the channel symbols and the row's values. */
  readonly reduced: Expr;
  readonly inputs: readonly RowInput[];
  /** Number of parameters (the length of θ). */
  readonly params: number;
  /** Every linear predictor's covariates are `given` (not data): then E over the data keeps the channels fixed. */
  readonly givenCovariates: boolean;
}

/**
 * The channels of a model, or undefined when a parameter vector reaches the log-density other
 * than through dot products with covariate vectors (then only the general engine applies).
 * @example linearStructure(parse('given z in real[3]; param b in real[3]; y ~ Bernoulli(sigmoid(dot(z, b)))'))!.reduced
 * // y*log(sigmoid(eta1)) + (1 - y)*log(1 - sigmoid(eta1))
 */
export function linearStructure(m: Model): LinearStructure | undefined {
  const offsets = paramOffsets(m);
  const inputs = rowInputs(m);
  const inputIndex = new Map(inputs.map((inp, j) => [inp.name, j]));
  const taken = new Set([...m.symbols.keys(), ...m.vectors.keys()]);
  const fresh = (): string => {
    let i = 1;
    while (taken.has(`eta${i}`)) i++;
    taken.add(`eta${i}`);
    return `eta${i}`;
  };
  const channels = new Map<VNode, Channel>();
  const memo = new Map<VNode, Expr | readonly Expr[]>();
  const isParamVector = (n: VNode): boolean => n.kind === 'input' && n.role === 'param' && n.length > 0;
  const isCovariateVector = (n: VNode): boolean => n.kind === 'input' && (n.role === 'given' || n.role === 'data') && n.length > 0;
  /** dot(z, β), dot(β, z), sum(z*β), sum(β*z): [covariate, parameter]. */
  const predictor = (n: VNode): [VNode, VNode] | undefined => {
    const pair = n.kind === 'dot' ? [n.a, n.b] : n.kind === 'sum' && n.a.kind === 'mul' && n.a.args.length === 2 ? n.a.args : undefined;
    if (pair === undefined) return undefined;
    const [a, b] = pair as [VNode, VNode];
    if (isCovariateVector(a) && isParamVector(b)) return [a, b];
    if (isParamVector(a) && isCovariateVector(b)) return [b, a];
    return undefined;
  };
  const stack: VNode[] = [m.vectorLogp];
  const seen = new Set<VNode>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const lp = predictor(n);
    if (lp !== undefined) {
      const [z, beta] = lp as [Extract<VNode, { kind: 'input' }>, Extract<VNode, { kind: 'input' }>];
      const name = fresh();
      const decl: Declaration = { name, role: 'param', support: { kind: 'interval', lo: neg(sym('inf')), hi: sym('inf'), loOpen: true, hiOpen: true }, label: 'real', explicit: true, range: REAL };
      channels.set(n, { name, offset: offsets.get(beta.name)!, length: beta.length, input: inputIndex.get(z.name)!, decl });
      memo.set(n, sym(name));
      continue;
    }
    if (n.kind === 'index' && isParamVector(n.a)) {
      const name = componentName((n.a as Extract<VNode, { kind: 'input' }>).name, n.index);
      channels.set(n, { name, offset: offsets.get(name)!, length: 1, input: undefined, decl: m.symbols.get(name)! });
      continue;
    }
    if (n.kind === 'input' && n.role === 'param') {
      if (n.length > 0) return undefined;
      channels.set(n, { name: n.name, offset: offsets.get(n.name)!, length: 1, input: undefined, decl: m.symbols.get(n.name)! });
      continue;
    }
    stack.push(...operands(n));
  }
  const reduced = expandNodes(m.vectorLogp, memo) as Expr;
  // One channel per symbol (β[2] may appear as a component and through a let).
  const unique = [...new Map([...channels.values()].map((c) => [c.name, c])).values()].sort((a, b) => a.offset - b.offset || (a.input ?? -1) - (b.input ?? -1));
  const givenCovariates = unique.every((c) => c.input === undefined || inputs[c.input]!.role === 'given');
  return { channels: unique, reduced, inputs, params: m.params.length, givenCovariates };
}

/**
 * The reduced model: the same data, covariates and constants, the channels as its parameters,
 * the reduced log-density. The Fisher ladder applied to it gives I_c in closed form.
 */
export function reducedModel(m: Model, s: LinearStructure): Model {
  const params = s.channels.map((c) => c.decl);
  const symbols = new NameMap<Declaration>([...[...m.symbols].filter(([, d]) => d.role !== 'param'), ...params.map((d) => [d.name, d] as const)]);
  const graph = new VGraph();
  const vectorLogp = graph.fromExpr(s.reduced, (name) => {
    const d = symbols.get(name);
    return d === undefined ? undefined : graph.input(name, d.role, 0);
  });
  return { ...m, params, symbols, logp: s.reduced, warnings: [], draws: [], vectors: new NameMap(), vectorLogp };
}

/** Per-row values of the channels: z_i·β for a linear predictor, the parameter's value otherwise. */
export function channelValues(s: LinearStructure, data: DataSet, theta: Float64Array): Float64Array[] {
  const n = data.rows;
  return s.channels.map((c) => {
    const out = new Float64Array(n);
    if (c.input === undefined) return out.fill(theta[c.offset]!);
    const Z = data.columns.get(s.inputs[c.input]!.name)!;
    const L = c.length;
    for (let i = 0; i < n; i++) {
      let t = 0;
      const o = i * L;
      for (let k = 0; k < L; k++) t += Z[o + k]! * theta[c.offset + k]!;
      out[i] = t;
    }
    return out;
  });
}

/**
 * Σ_i J_iᵀ W_i J_i as a P × P matrix (row-major), with W_i given by `weight(j, k)`: the column of
 * per-row weights of channels j ≤ k (undefined where it is zero).
 */
export function channelGram(s: LinearStructure, data: DataSet, weight: (j: number, k: number) => Float64Array | undefined): Float64Array {
  const P = s.params;
  const n = data.rows;
  const out = new Float64Array(P * P);
  const ones = new Float64Array(n).fill(1);
  const feature = (c: Channel): { X: Float64Array; ld: number; d: number } =>
    c.input === undefined ? { X: ones, ld: 1, d: 1 } : { X: data.columns.get(s.inputs[c.input]!.name)!, ld: c.length, d: c.length };
  const K = s.channels.length;
  for (let j = 0; j < K; j++) {
    for (let k = j; k < K; k++) {
      const w = weight(j, k);
      if (w === undefined) continue;
      const cj = s.channels[j]!;
      const ck = s.channels[k]!;
      const fj = feature(cj);
      const fk = feature(ck);
      if (cj.input === undefined && ck.input === undefined) {
        // Two scalar channels: Σ_i w_i.
        let t = 0;
        for (let i = 0; i < n; i++) t += w[i]!;
        out[cj.offset * P + ck.offset]! += t;
        if (j !== k) out[ck.offset * P + cj.offset]! += t;
      } else if (j === k) gramSymmetric(fj.X, fj.ld, 0, fj.d, w, n, { out, ld: P, row: cj.offset, col: cj.offset });
      else gramCross(fj.X, fj.ld, 0, fj.d, fk.X, fk.ld, 0, fk.d, w, n, { out, ld: P, row: cj.offset, col: ck.offset }, true);
    }
  }
  return out;
}
