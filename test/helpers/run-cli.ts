// Run the CLI in-process through main(), capturing standard output and standard error.
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `fisherlab ...argv` for a verb that runs synchronously: its exit code and what it printed. */
export function runCli(...argv: string[]): CliRun {
  let out = '';
  let err = '';
  const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    const code = main(argv, (s) => {
      out += `${s}\n`;
    });
    if (typeof code !== 'number') throw new Error('this verb runs asynchronously');
    return { code, out, err };
  } finally {
    spyErr.mockRestore();
    spyOut.mockRestore();
  }
}
