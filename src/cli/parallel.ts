/**
 * Monte Carlo across worker threads. Chunk k always draws from stream k of the seeded generator
 * and chunk sums are added in chunk order, so the result is the same for any number of workers.
 * Node-only: the library's Monte Carlo runs in one thread anywhere; this spreads its chunks.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { defaultChunkSize, finish, monteCarloPlan, type ChunkSums, type McEstimator, type MonteCarloResult } from '../fisher/montecarlo';
import type { Model } from '../lang/model';

export interface ParallelOptions {
  readonly n: number;
  readonly seed: number;
  readonly estimator?: McEstimator;
  readonly chunkSize?: number;
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Run the chunks of a Monte Carlo estimate on worker threads (falls back to this thread for small runs). */
export async function parallelMonteCarlo(m: Model, source: string, at: ReadonlyMap<string, number>, o: ParallelOptions, workerUrl: URL): Promise<MonteCarloResult> {
  const plan = monteCarloPlan(m, at);
  const chunkSize = o.chunkSize ?? defaultChunkSize(plan);
  const n = Math.floor(o.n);
  const chunks = Math.ceil(n / chunkSize);
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), chunks));
  const results: Array<ChunkSums | undefined> = new Array(chunks);
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = Array.from({ length: chunks }, (__, c) => c).filter((c) => c % workers === w);
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerUrl, { workerData: { source, at: [...at], seed: o.seed, chunkSize, n, chunks: mine } });
        worker.on('message', (msg: { chunk: number; n: number; sum: Float64Array; cross: Float64Array }) => {
          results[msg.chunk] = { n: msg.n, sum: msg.sum, cross: msg.cross };
          done += Math.min(chunkSize, n - msg.chunk * chunkSize);
          o.onProgress?.(done, n);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a Monte Carlo worker stopped with code ${code}`))));
      });
    }),
  );
  return finish(m, plan, results as ChunkSums[], o.seed, o.estimator, true);
}
