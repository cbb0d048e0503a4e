/**
 * docs/cli.md, generated from the verb registry: every verb's usage, options (shared ones with the
 * verb's purpose), help text, exit codes and JSON Schema. `npm run docs:cli` writes it; a test
 * checks that the committed file is what the registry gives.
 */
import { MODEL_HELP } from './common';
import { EXIT, exitCodeHelp, verbOptions, type AnyVerb } from './registry';

/** A table cell: pipes escaped, one line. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function usage(v: AnyVerb): string {
  const args = v.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ');
  const required = verbOptions(v).filter((o) => o.required).map((o) => o.flags);
  return ['fisherlab', v.name, ...(args !== '' ? [args] : []), ...required, '[options]'].join(' ');
}

function verbSection(v: AnyVerb): string {
  const lines = [`## fisherlab ${v.name}`, '', `${v.summary[0]!.toUpperCase()}${v.summary.slice(1)}.`, '', '```', usage(v), '```', ''];
  if (v.arguments.length > 0) {
    lines.push('| argument | |', '|---|---|', ...v.arguments.map((a) => `| \`${a.name}\` | ${cell(a.description)} |`), '');
  }
  lines.push('| option | |', '|---|---|');
  for (const o of verbOptions(v)) {
    const extra = [...(o.required ? ['required'] : []), ...(o.choices !== undefined ? [`one of ${o.choices.join(', ')}`] : []), ...(o.conflicts !== undefined ? [`not with ${o.conflicts.map((c) => `--${c}`).join(', ')}`] : [])];
    lines.push(`| \`${o.flags}\` | ${cell(o.description)}${extra.length > 0 ? ` (${extra.join('; ')})` : ''} |`);
  }
  lines.push('');
  if (v.help !== undefined && v.help !== MODEL_HELP) lines.push('```', v.help.replace(`\n\n${MODEL_HELP}`, ''), '```', '');
  lines.push(`Exit codes: ${EXIT.ok} success${v.negative !== undefined ? `; ${EXIT.negative} ${v.negative}` : ''}; ${EXIT.user} a mistake in the input; ${EXIT.internal} a bug.`, '');
  lines.push(`JSON: \`${v.schema}\`.`, '');
  return lines.join('\n');
}

/** The Markdown of docs/cli.md. */
export function cliReference(verbs: readonly AnyVerb[]): string {
  return [
    '# The fisherlab command line',
    '',
    '<!-- Generated from the verb registry (src/cli/verbs/) by `npm run docs:cli`: do not edit by hand. -->',
    '',
    `Verbs: ${verbs.map((v) => `[\`${v.name}\`](#fisherlab-${v.name})`).join(', ')}. Every verb takes \`--help\` and \`--json\`.`,
    '',
    '```',
    MODEL_HELP,
    '```',
    '',
    '```',
    exitCodeHelp(undefined, verbs),
    '```',
    '',
    'The JSON objects are described by JSON Schema files (draft 2020-12) in the folder `schema/` of the',
    'package, one per verb; `schema/README.md` explains their field names.',
    '',
    ...verbs.map(verbSection),
  ].join('\n');
}
