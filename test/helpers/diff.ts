// Finite differences for tests that check derivatives against independent numbers.

/** Central difference with one Richardson step: O(h^4). Also returns the two raw estimates and the largest |f| used. */
export function centralDiff(f: (x: number) => number, x: number, h: number): { value: number; d1: number; d2: number; fmax: number } {
  const fp = f(x + h);
  const fm = f(x - h);
  const fp2 = f(x + h / 2);
  const fm2 = f(x - h / 2);
  const d1 = (fp - fm) / (2 * h);
  const d2 = (fp2 - fm2) / h;
  return { value: (4 * d2 - d1) / 3, d1, d2, fmax: Math.max(Math.abs(fp), Math.abs(fm), Math.abs(fp2), Math.abs(fm2)) };
}
