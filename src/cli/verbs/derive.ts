/**
 * `fisherlab derive MODEL`: the derivation of the Fisher information, step by step, read off the
 * engine's trace — one align* block (KaTeX-ready), a standalone LaTeX document, or Markdown.
 */
import { fisherToJSON } from '../../fisher/json';
import { derive, type Derivation } from '../../render/derive';
import { derivationDocument, derivationLatex, derivationMarkdown } from '../../render/document';
import { MODEL_HELP, loadModel, parseParamsAt } from '../common';
import { defineVerb, schemaPath, type VerbContext } from '../registry';
import { MODEL_ARGUMENT } from './shared';

interface DeriveOptions {
  standalone?: boolean;
  markdown?: boolean;
  at?: string;
}

interface Report {
  readonly d: Derivation;
  readonly at?: ReadonlyMap<string, number>;
  readonly style: 'align' | 'standalone' | 'markdown';
}

function run({ args, options: o, io }: VerbContext<DeriveOptions>): Report {
  const m = loadModel(args[0], io);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const d = derive(m, at !== undefined ? { at } : {});
  return { d, ...(at !== undefined ? { at } : {}), style: o.standalone ? 'standalone' : o.markdown ? 'markdown' : 'align' };
}

function json({ d, at }: Report): Record<string, unknown> {
  const { latex: _matrix, ...fisher } = fisherToJSON(d.fisher, at);
  return { ...fisher, latex: derivationLatex(d), markdown: derivationMarkdown(d) };
}

export const deriveVerb = defineVerb({
  name: 'derive',
  summary: 'the derivation of the Fisher information step by step, in LaTeX (one align* block) or Markdown',
  arguments: [MODEL_ARGUMENT],
  shared: [{ use: 'at', purpose: 'parameter values for entries without a closed form (evaluated numerically)' }, 'json'],
  options: [
    { flags: '--standalone', description: 'a whole LaTeX document (article, amsmath) instead of one align* block', conflicts: ['markdown', 'json'] },
    { flags: '--markdown', description: 'Markdown: prose lines and $$ blocks', conflicts: ['json'] },
  ],
  help: MODEL_HELP,
  schema: schemaPath('derive'),
  run,
  json,
  text: ({ d, style }: Report) => [style === 'standalone' ? derivationDocument(d) : style === 'markdown' ? derivationMarkdown(d) : derivationLatex(d)],
  warnings: ({ d }: Report) => d.fisher.warnings,
});
