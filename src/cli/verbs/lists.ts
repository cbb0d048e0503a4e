/**
 * `fisherlab families` and `fisherlab functions`: what the model language offers, as a list (or
 * one JSON object).
 */
import { FUNCTIONS } from '../../expr/functions';
import { FAMILIES } from '../../families/index';
import { VECTOR_FUNCTIONS } from '../../lang/parse';
import { defineVerb, schemaPath } from '../registry';

interface Family {
  readonly name: string;
  readonly description: string;
  readonly model: string;
}

export const familiesVerb = defineVerb({
  name: 'families',
  summary: 'list the built-in families usable as x ~ Family(...)',
  arguments: [],
  shared: ['json'],
  options: [],
  schema: schemaPath('families'),
  run: (): Family[] => [...FAMILIES.values()].map((f) => ({ name: f.name, description: f.description, model: f.text })),
  json: (fs: Family[]) => ({ families: fs }),
  text: (fs: Family[]) => fs.map((f) => `${f.name.padEnd(20)} ${f.description}`),
});

interface Fn {
  readonly name: string;
  readonly arguments: string[];
  readonly description: string;
  /** A reduction of vectors (dot, sum); every other function applies elementwise. */
  readonly reduction: boolean;
}

function functionList(): Fn[] {
  const scalar = [...FUNCTIONS.values()].map((f) => ({
    name: f.name,
    arguments: f.arity === 1 ? ['x'] : f.name === 'polygamma' ? ['k', 'x'] : f.name === 'lchoose' ? ['n', 'k'] : ['a', 'b'],
    description: f.description,
    reduction: false,
  }));
  const vector = [...VECTOR_FUNCTIONS].map(([name, f]) => ({ name, arguments: f.arity === 1 ? ['v'] : ['a', 'b'], description: f.description.replace(/^\w+\([^)]*\): /, ''), reduction: true }));
  return [...scalar, ...vector];
}

export const functionsVerb = defineVerb({
  name: 'functions',
  summary: 'list the functions of the model language',
  arguments: [],
  shared: ['json'],
  options: [],
  help: 'Every function applies elementwise to vectors; dot and sum reduce them.',
  schema: schemaPath('functions'),
  run: functionList,
  json: (fs: Fn[]) => ({ functions: fs }),
  text: (fs: Fn[]) => fs.map((f) => `${`${f.name}(${f.arguments.join(', ')})`.padEnd(18)} ${f.description}`),
});
