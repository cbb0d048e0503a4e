// Write docs/cli.md from the verb registry of the built command (`npm run docs:cli`).
import { writeFileSync } from 'node:fs';

const { cliReference } = await import(new URL('../dist/cli.js', import.meta.url).href);
writeFileSync(new URL('../docs/cli.md', import.meta.url), cliReference());
process.stdout.write('docs/cli.md written\n');
