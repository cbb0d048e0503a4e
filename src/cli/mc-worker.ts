/** A Monte Carlo worker: builds the plan from the model text and runs the chunks it is given. */
import { parentPort, workerData } from 'node:worker_threads';
import { monteCarloPlan } from '../fisher/montecarlo';
import { parse } from '../lang/parse';

const { source, at, seed, chunkSize, n, chunks } = workerData as {
  source: string;
  at: Array<[string, number]>;
  seed: number;
  chunkSize: number;
  n: number;
  chunks: number[];
};
const plan = monteCarloPlan(parse(source), new Map(at));
for (const c of chunks) {
  const r = plan.runChunk(c, Math.min(chunkSize, n - c * chunkSize), seed);
  parentPort!.postMessage({ chunk: c, n: r.n, sum: r.sum, cross: r.cross }, [r.sum.buffer as ArrayBuffer, r.cross.buffer as ArrayBuffer]);
}
