/**
 * `fisherlab derive MODEL`: the derivation of the Fisher information, step by step, read off the
 * engine's trace — one align* block (KaTeX-ready), a standalone LaTeX document, or Markdown.
 */
import { Option, type Command } from 'commander';
import { derive } from '../render/derive';
import { derivationDocument, derivationLatex, derivationMarkdown } from '../render/document';
import { MODEL_HELP, finish, loadModel, parseParamsAt, print } from './common';

interface DeriveCliOptions {
  standalone?: boolean;
  markdown?: boolean;
  at?: string;
}

function runDerive(modelArg: string, o: DeriveCliOptions): number {
  const m = loadModel(modelArg);
  const at = o.at === undefined ? undefined : parseParamsAt(m, o.at);
  const d = derive(m, at !== undefined ? { at } : {});
  for (const w of d.fisher.warnings) process.stderr.write(`warning: ${w}\n`);
  print(o.standalone ? derivationDocument(d) : o.markdown ? derivationMarkdown(d) : derivationLatex(d));
  return 0;
}

/** Register `derive`. */
export function registerDerive(p: Command): void {
  p.command('derive')
    .description('the derivation of the Fisher information step by step, in LaTeX (one align* block) or Markdown')
    .argument('<model>', 'the model text, or a file holding it')
    .addOption(new Option('--standalone', 'a whole LaTeX document (article, amsmath) instead of one align* block').conflicts('markdown'))
    .option('--markdown', 'Markdown: prose lines and $$ blocks')
    .option('--at <values>', 'parameter values for entries without a closed form (evaluated numerically), e.g. --at w=0.3')
    .addHelpText('after', `\n${MODEL_HELP}`)
    .action((m: string, o: DeriveCliOptions) => finish(runDerive(m, o)));
}
