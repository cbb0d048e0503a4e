/**
 * The Monte Carlo progress bar on standard error: draws done, draws per second and the time left,
 * shown only on a terminal, only for runs longer than a second, and cleared when the run is done
 * (the line is blanked, so the terminal shows the result alone).
 */

/** Where the bar is drawn: a terminal's standard error (or a test's stand-in). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(s: string): unknown;
}

/** 1234 → `1234`, 45300 → `45.3k`, 2.5e6 → `2.50M` (draws per second). */
export function formatRate(perSecond: number): string {
  if (perSecond < 1000) return `${Math.round(perSecond)}`;
  if (perSecond < 1e6) return `${(perSecond / 1e3).toFixed(1)}k`;
  return `${(perSecond / 1e6).toFixed(2)}M`;
}

/** Seconds left as `7 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * A progress callback `(done, total)` for a long computation, or undefined where no bar is wanted
 * (not a terminal, or `--quiet`, or `--json`).
 * @param now the clock in milliseconds (tests pass their own)
 */
export function progressBar(stream: ProgressStream, options: { quiet?: boolean; json?: boolean } = {}, now: () => number = Date.now): ((done: number, total: number) => void) | undefined {
  if (options.quiet || options.json || stream.isTTY !== true) return undefined;
  const start = now();
  let last = -Infinity;
  let width = 0;
  let cleared = false;
  return (done, total) => {
    if (cleared) return;
    const t = now();
    if (done >= total) {
      // Blank the line the bar took, and leave the cursor at its start.
      if (width > 0) stream.write(`\r${' '.repeat(width)}\r`);
      cleared = true;
      return;
    }
    // Nothing for the first second (a quick run shows no bar), then at most ten redraws a second.
    if (t - start < 1000 || t - last < 100) return;
    last = t;
    const bar = 30;
    const filled = Math.min(bar, Math.round((bar * done) / total));
    const rate = done / ((t - start) / 1000);
    const left = rate > 0 ? formatDuration((total - done) / rate) : '?';
    const line = `[${'#'.repeat(filled)}${' '.repeat(bar - filled)}] ${done}/${total} draws, ${formatRate(rate)} draws/s, ${left} left`;
    stream.write(`\r${line}${' '.repeat(Math.max(0, width - line.length))}`);
    width = Math.max(width, line.length);
  };
}
