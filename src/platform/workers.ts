// Cordon's worker threads: TypeScript modules started on a thread of their own through the tsx boot
// file, with their data.
import { Worker } from 'node:worker_threads';

/** Starts the TypeScript module `entry` (a file URL) on a worker thread; it reads `data` as workerData. */
export function startWorker(entry: URL, data: object): Worker {
  return new Worker(new URL('./worker.boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}
