/**
 * The JSON objects of `fisherlab score|hessian --json` and `fisherlab fisher --json`, for other
 * programs (the contract: schema/*.schema.json and the README's glossary). Expressions are
 * strings in fisherlab's text syntax; numbers are plain JSON numbers, null where not finite;
 * `value` holds the numbers at the point, keyed by the quantity (`value.score`, `value.fisher`).
 * The command line adds `version` and `verb`.
 */
import type { Expr } from '../expr/expr';
import { latexName, toLatex } from '../expr/latex';
import { printExpr } from '../expr/print';
import type { Model } from '../lang/model';
import { evaluateAt, hessian, score } from './derivatives';
import type { FisherResult } from './fisher';

export interface DerivativesJSON {
  params: string[];
  data: string[];
  score: string[];
  hessian: string[][];
  warnings: string[];
  /** With `at`: the point, by name (parameters and data). */
  at?: Record<string, number>;
  value?: { score: (number | null)[]; hessian: (number | null)[][] };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Score and Hessian of a model as the stable JSON object; with `at`, their values there.
 * @example toJSON(parse('x ~ Poisson(lam)'), new Map([['x', 3], ['lam', 2]])).value.score // [0.5]
 */
export function toJSON(m: Model, at?: ReadonlyMap<string, number>, derived?: { score: Expr[]; hessian: Expr[][] }): DerivativesJSON {
  const s = derived?.score ?? score(m);
  const h = derived?.hessian ?? hessian(m);
  const out: DerivativesJSON = {
    params: m.params.map((p) => p.name),
    data: m.data.map((d) => d.name),
    score: s.map(printExpr),
    hessian: h.map((r) => r.map(printExpr)),
    warnings: [...m.warnings],
  };
  if (at !== undefined) {
    out.at = Object.fromEntries(at);
    out.value = {
      score: evaluateAt(m, s, at).map(finite),
      hessian: h.map((r) => evaluateAt(m, r, at).map(finite)),
    };
  }
  return out;
}

export interface FisherJSON {
  params: string[];
  method: string;
  closedForm: boolean;
  /** `negative-hessian` (E[−H]) or `score-outer-product` (E[s sᵀ], where log p is not smooth). */
  estimator: string;
  /** The Fisher matrix: entries in fisherlab's text syntax; null where no closed form was derived. */
  fisher: (string | null)[][];
  /** The whole matrix in LaTeX (entries without a closed form as expectations). */
  latex: string;
  /** The rung of the ladder behind each entry. */
  methods: string[][];
  warnings: string[];
  /** Parameters whose entries have no number because the support depends on them. */
  irregular: string[];
  /** With `at`: the point (parameters, and covariates), by name. */
  at?: Record<string, number>;
  /** With `at`: the numbers there (null where undefined). */
  value?: { fisher: (number | null)[][] };
  /** With `at`: an estimate of each number's absolute error (0 for a closed form). */
  errorEstimate?: { fisher: (number | null)[][] };
}

/** The stable JSON object of `fisherlab fisher --json` (`at`: the point the values were computed at). */
export function fisherToJSON(r: FisherResult, at?: ReadonlyMap<string, number>): FisherJSON {
  const out: FisherJSON = {
    params: r.params,
    method: r.method,
    closedForm: r.closedForm,
    estimator: r.estimator,
    fisher: r.matrix.map((row) => row.map((e) => (e === null ? null : printExpr(e)))),
    latex: fisherLatex(r),
    methods: r.methods,
    warnings: r.warnings,
    irregular: r.irregular,
  };
  if (at !== undefined && r.value !== undefined) out.at = Object.fromEntries(at);
  if (r.value !== undefined) out.value = { fisher: r.value.map((row) => row.map(finite)) };
  if (r.error !== undefined) out.errorEstimate = { fisher: r.error.map((row) => row.map(finite)) };
  return out;
}

/** I(θ) as a pmatrix; an entry without a closed form shows as the expectation it stands for. */
export function fisherLatex(r: FisherResult): string {
  const ps = r.params.map(latexName).join(', ');
  const rows = r.matrix.map((row, i) =>
    row.map((e, j) => (e !== null ? toLatex(e) : `\\mathbb{E}\\left[${toLatex(r.targets[i]![j]!)}\\right]`)).join(' & '),
  );
  return `\\mathcal{I}(${ps}) = \\begin{pmatrix} ${rows.join(' \\\\ ')} \\end{pmatrix}`;
}
