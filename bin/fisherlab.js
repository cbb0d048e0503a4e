#!/usr/bin/env node
// The fisherlab command. The CLI is bundled into dist/cli.js by `npm run build` (run by `npm ci`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('fisherlab is not built yet: run `npm run build` in the package folder.\n');
  process.exit(2);
}
// A closed pipe (fisherlab ... | head) ends the output quietly.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
