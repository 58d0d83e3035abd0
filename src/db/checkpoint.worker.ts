// The checkpoint thread of a SQLite file (checkpointer.ts): its own connection copies the WAL's
// committed pages back into the database file every `intervalMs`, PASSIVE — it never waits for, nor
// blocks, a reader or a writer — and counts each checkpoint in the shared `counter`, for the writers
// that finish it (WalRestarts). A 'close' message closes it.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
  /** One Int32: the checkpoints completed. */
  counter: SharedArrayBuffer;
}

const { file, intervalMs, counter } = workerData as CheckpointWorkerData;
const sqlite = new SQLite(file);
const completed = new Int32Array(counter);

function checkpoint(): void {
  try {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
    Atomics.add(completed, 0, 1);
  } catch {
    // Another connection holds the checkpoint lock (a CLI process checkpointing): next time.
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  sqlite.close();
  process.exit(0); // ends this thread only
});
