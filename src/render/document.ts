/**
 * A `Derivation` printed three ways: one `align*` block (KaTeX-ready in display mode, and valid
 * amsmath), a standalone LaTeX document (article + amsmath, compiles with pdflatex), and Markdown
 * with `$$` blocks and prose lines.
 */
import { normalizeName } from '../lang/lexer';
import type { Derivation, Rich, Row, Step } from './derive';

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '–': '--',
  '—': '---',
  '−': '-',
  'ᵀ': '$^{\\top}$',
  '·': '$\\cdot$',
};

/** Plain text for LaTeX's text mode (inside \text{} too): specials escaped, Greek as math. */
export function latexText(s: string): string {
  let out = '';
  for (const ch of s) {
    const sp = LATEX_SPECIAL[ch];
    if (sp !== undefined) out += sp;
    else if (ch.charCodeAt(0) < 128) out += ch;
    else {
      const g = normalizeName(ch);
      out += g !== ch && /^[A-Za-z]+$/.test(g) ? `$\\${g}$` : '?';
    }
  }
  return out;
}

/** Rich text inside mathematics: \text{...} pieces and inline LaTeX. */
const richMath = (r: Rich): string => r.map((p) => ('text' in p ? `\\text{${latexText(p.text)}}` : p.math)).join(' ');

/** Rich text in a LaTeX paragraph. */
const richLatex = (r: Rich): string => r.map((p) => ('text' in p ? latexText(p.text) : `$${p.math}$`)).join('');

/** Rich text in Markdown: inline mathematics between single dollars. */
const richMarkdown = (r: Rich): string => r.map((p) => ('text' in p ? p.text.replace(/([*_`\\])/g, '\\$1') : `$${p.math}$`)).join('');

/** The rows of a step as lines of an aligned environment (without the environment). */
function alignedRows(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    row.chain.forEach((l, k) => {
      const lhs = k === 0 ? row.lhs : '';
      const rel = l.rel === '' ? '' : `${l.rel} `;
      const note = l.note !== undefined ? ` && ${richMath(l.note)}` : '';
      lines.push(`${lhs}${lhs === '' ? '' : ' '}&${rel === '' ? ' ' : rel}${l.rhs}${note}`.replace(/ +$/, ''));
    });
  }
  return lines;
}

const heading = (s: Step, k: number): string => `${k + 1}. ${s.title}`;

/**
 * The whole derivation as one `align*` block: step titles in bold, notes in a third column.
 * Render with KaTeX in display mode, or paste into a LaTeX document with amsmath and amssymb.
 *
 * @example
 * derivationLatex(derive(parse('x ~ Poisson(lam)'))).split('\n').slice(0, 4); // → ['\begin{align*}', '& \textbf{1. The model} \\', '\ell(\mathit{lam}) &= \log p(x \mid \mathit{lam}) \\', '&= x \log \mathit{lam} - \mathit{lam} - \log (x)! \\']
 */
export function derivationLatex(d: Derivation): string {
  const steps = d.steps.map((s, k) => [`& \\textbf{${latexText(heading(s, k))}}`, ...alignedRows(s.rows)].join(' \\\\\n'));
  return ['\\begin{align*}', steps.join(' \\\\[6pt]\n'), '\\end{align*}'].join('\n');
}

/**
 * A complete LaTeX document (article, amsmath, amssymb): prose paragraphs and an align* per step.
 *
 * @example
 * derivationDocument(derive(parse('x ~ Poisson(lam)'))).split('\n').slice(0, 8); // → ['\documentclass{article}', '\usepackage{amsmath}', '\usepackage{amssymb}', '\allowdisplaybreaks', '\begin{document}', '\section*{Fisher information of one observation of $x \sim \mathrm{Poisson}(\mathit{lam})$}', '', '\subsection*{1. The model}']
 */
export function derivationDocument(d: Derivation): string {
  const out = [
    '\\documentclass{article}',
    '\\usepackage{amsmath}',
    '\\usepackage{amssymb}',
    '\\allowdisplaybreaks',
    '\\begin{document}',
    `\\section*{${richLatex(d.title)}}`,
  ];
  d.steps.forEach((s, k) => {
    out.push('', `\\subsection*{${latexText(heading(s, k))}}`);
    for (const p of s.prose) out.push(`${richLatex(p)}`, '');
    const rows = alignedRows(s.rows);
    if (rows.length > 0) out.push('\\begin{align*}', rows.join(' \\\\\n'), '\\end{align*}');
  });
  out.push('', '\\end{document}');
  return out.join('\n');
}

/**
 * Markdown: a heading, prose lines with inline $...$, and one $$ \begin{aligned} block per step
 * (for GitHub, Jupyter, or any renderer with KaTeX or MathJax).
 *
 * @example
 * derivationMarkdown(derive(parse('x ~ Poisson(lam)'))).split('\n').slice(0, 12); // → ['## Fisher information of one observation of $x \sim \mathrm{Poisson}(\mathit{lam})$', '', '**1. The model.**', '', 'The model: $x \sim \mathrm{Poisson}(\mathit{lam})$.', '', 'The log-density of one observation, with its declarations:', '', '$$', '\begin{aligned}', '\ell(\mathit{lam}) &= \log p(x \mid \mathit{lam}) \\', '&= x \log \mathit{lam} - \mathit{lam} - \log (x)! \\']
 */
export function derivationMarkdown(d: Derivation): string {
  const out = [`## ${richMarkdown(d.title)}`];
  d.steps.forEach((s, k) => {
    out.push('', `**${heading(s, k)}.**`);
    for (const p of s.prose) out.push('', richMarkdown(p));
    const rows = alignedRows(s.rows);
    if (rows.length > 0) out.push('', '$$', '\\begin{aligned}', rows.join(' \\\\\n'), '\\end{aligned}', '$$');
  });
  return out.join('\n');
}
