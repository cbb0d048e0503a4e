// Run by `npm run grammar` after nearleyc: the generated grammar object calls `lexer.has(...)` while
// it is built, a top-level side effect that would keep the parser (and moo) in any bundle importing
// the library. Wrapping the object in an IIFE marked pure lets a bundler drop it when unused.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../src/lang/grammar.ts', import.meta.url);
const text = readFileSync(file, 'utf8');
const open = 'const grammar: Grammar = {\n';
const close = '\n};\n\nexport default grammar;';
if (text.split(open).length !== 2 || text.split(close).length !== 2) {
  throw new Error('src/lang/grammar.ts does not have the shape nearleyc gives: update scripts/pure-grammar.mjs');
}
writeFileSync(file, text.replace(open, 'const grammar: Grammar = /* @__PURE__ */ (() => ({\n').replace(close, '\n}))();\n\nexport default grammar;'));
