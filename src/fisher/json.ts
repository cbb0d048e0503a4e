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

/**
 * The JSON object of a model's score and Hessian (`fisherlab score --json`, without `version` and
 * `verb`): expressions in fisherlab's text syntax, numbers null where not finite.
 *
 * @example
 * JSON.stringify(toJSON(parse('x ~ Exponential(lam)'))); // → '{"params":["lam"],"data":["x"],"score":["1/lam - x"],"hessian":[["-1/lam^2"]],"warnings":[]}'
 */
export interface DerivativesJSON {
  /** The parameters, in order. */
  params: string[];
  /** The data. */
  data: string[];
  /** The score's entries. */
  score: string[];
  /** The Hessian's entries, by rows. */
  hessian: string[][];
  /** The model's warnings. */
  warnings: string[];
  /** With `at`: the point, by name (parameters and data). */
  at?: Record<string, number>;
  /** With `at`: the numbers there (null where not finite). */
  value?: {
    /** The score's values. */
    score: (number | null)[];
    /** The Hessian's values. */
    hessian: (number | null)[][];
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The score and the Hessian of a model as the stable JSON object of `fisherlab score --json`; with
 * `at`, their values there.
 *
 * @param at - Values of the parameters and the data.
 * @param derived - The score and the Hessian, when already derived (else they are derived here).
 * @throws {@link FisherError} as {@link hessian}; RangeError for a symbol without a value at `at`.
 * @example
 * toJSON(parse('x ~ Poisson(lam)'), new Map([['x', 3], ['lam', 2]])).value; // → { score: [0.5], hessian: [[-0.75]] }
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

/**
 * The JSON object of a Fisher matrix (`fisherlab fisher --json`, without `version` and `verb`).
 *
 * @example
 * const j = fisherToJSON(fisher(parse('x ~ Poisson(lam)'), { at: new Map([['lam', 4]]) }), new Map([['lam', 4]]));
 * JSON.stringify(j); // → '{"params":["lam"],"method":"score identity","closedForm":true,"estimator":"negative-hessian","fisher":[["1/lam"]],"latex":"\\mathcal{I}(\\mathit{lam}) = \\begin{pmatrix} \\frac{1}{\\mathit{lam}} \\end{pmatrix}","methods":[["score identity"]],"warnings":[],"irregular":[],"at":{"lam":4},"value":{"fisher":[[0.25]]},"errorEstimate":{"fisher":[[0]]}}'
 */
export interface FisherJSON {
  /** The parameters, in order. */
  params: string[];
  /** The rungs of the ladder used, in its order (see {@link FisherResult.method}). */
  method: string;
  /** True when every entry has a closed form. */
  closedForm: boolean;
  /** `negative-hessian` (E[−H]) or `score-outer-product` (E[s sᵀ], where log p is not smooth). */
  estimator: string;
  /** The Fisher matrix: entries in fisherlab's text syntax; null where no closed form was derived. */
  fisher: (string | null)[][];
  /** The whole matrix in LaTeX (entries without a closed form as expectations). */
  latex: string;
  /** The rung of the ladder behind each entry. */
  methods: string[][];
  /** Notes a reader must see. */
  warnings: string[];
  /** Parameters whose entries have no number because the support depends on them. */
  irregular: string[];
  /** With `at`: the point (parameters, and covariates), by name. */
  at?: Record<string, number>;
  /** With `at`: the numbers there (null where undefined). */
  value?: {
    /** The matrix's values. */
    fisher: (number | null)[][];
  };
  /** With `at`: an estimate of each number's absolute error (0 for a closed form). */
  errorEstimate?: {
    /** The error estimate of each entry. */
    fisher: (number | null)[][];
  };
}

/**
 * A Fisher matrix as the stable JSON object of `fisherlab fisher --json`.
 *
 * @param r - The result of {@link fisher}.
 * @param at - The point its values were computed at (written as `at` when it has values).
 * @example
 * fisherToJSON(fisher(parse('x ~ Normal(mu, sigma)'))).fisher; // → [['1/sigma^2', '0'], ['0', '2/sigma^2']]
 */
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

/**
 * I(θ) = (pmatrix) in LaTeX; an entry without a closed form shows as the expectation it stands for.
 *
 * @example
 * fisherLatex(fisher(parse('x ~ Poisson(lam)'))); // → '\mathcal{I}(\mathit{lam}) = \begin{pmatrix} \frac{1}{\mathit{lam}} \end{pmatrix}'
 * fisherLatex(fisher(parse('data x in real; param w in (0, 1); logp = log(w*exp(-x^2/2) + (1 - w)*exp(-(x - 1)^2/2)) - log(2*pi)/2'))); // → '\mathcal{I}(w) = \begin{pmatrix} \mathbb{E}\left[\frac{\left(e^{-\frac{x^{2}}{2}} - e^{-\frac{\left(x - 1\right)^{2}}{2}}\right)^{2}}{\left(w e^{-\frac{x^{2}}{2}} + \left(1 - w\right) e^{-\frac{\left(x - 1\right)^{2}}{2}}\right)^{2}}\right] \end{pmatrix}'
 */
export function fisherLatex(r: FisherResult): string {
  const ps = r.params.map(latexName).join(', ');
  const rows = r.matrix.map((row, i) =>
    row.map((e, j) => (e !== null ? toLatex(e) : `\\mathbb{E}\\left[${toLatex(r.targets[i]![j]!)}\\right]`)).join(' & '),
  );
  return `\\mathcal{I}(${ps}) = \\begin{pmatrix} ${rows.join(' \\\\ ')} \\end{pmatrix}`;
}
