/**
 * The JSON contract of `fisherlab score|hessian --json`, for other programs (kept stable; see
 * the README): entries are strings in fisherlab's text syntax, numbers are plain JSON numbers
 * (null where the value is not a finite number).
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
  estimator: string;
  /** Entries in fisherlab's text syntax; null where no closed form was derived. */
  matrix: (string | null)[][];
  /** The whole matrix in LaTeX (entries without a closed form as expectations). */
  latex: string;
  /** The rung of the ladder behind each entry. */
  methods: string[][];
  warnings: string[];
  /** Parameters whose entries have no number because the support depends on them. */
  irregular: string[];
  value?: (number | null)[][];
  error?: (number | null)[][];
}

/** The stable JSON object of `fisherlab fisher --json`. */
export function fisherToJSON(r: FisherResult): FisherJSON {
  const out: FisherJSON = {
    params: r.params,
    method: r.method,
    closedForm: r.closedForm,
    estimator: r.estimator,
    matrix: r.matrix.map((row) => row.map((e) => (e === null ? null : printExpr(e)))),
    latex: fisherLatex(r),
    methods: r.methods,
    warnings: r.warnings,
    irregular: r.irregular,
  };
  if (r.value !== undefined) out.value = r.value.map((row) => row.map(finite));
  if (r.error !== undefined) out.error = r.error.map((row) => row.map(finite));
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
