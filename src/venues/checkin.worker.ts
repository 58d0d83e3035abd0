// The check-in writer thread: owns one SQLite connection to the database file and writes the batches
// the main thread sends (checkin.writer.ts), answering each batch after its COMMIT. The fsync of every
// COMMIT (synchronous=FULL) happens here, so the server's event loop never waits on the disk for it.
// Once a batch is answered, it finishes the checkpoint thread's latest checkpoint when there is one, so
// that the WAL starts again from its beginning (WalRestarts, src/db/checkpointer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { WalRestarts } from '../db/checkpointer.ts';
import { CheckinWriter, configureWriterConnection, type AnyJob } from './checkin.writer.ts';

export interface WorkerInit {
  file: string;
  /** The checkpoint thread's counter (checkpointCounter). */
  checkpoints: SharedArrayBuffer;
}

/** A batch crosses the thread boundary as JSON text: cheaper than cloning many small objects. */
export interface BatchMessage {
  id: number;
  /** JSON of AnyJob[]. */
  jobs: string;
}

const { file, checkpoints } = workerData as WorkerInit;
const sqlite = new SQLite(file);
configureWriterConnection(sqlite);
const writer = new CheckinWriter(sqlite);
const walRestarts = new WalRestarts(sqlite, checkpoints);

parentPort!.on('message', (message: BatchMessage | 'close') => {
  if (message === 'close') {
    sqlite.close();
    process.exit(0); // ends this thread only
  }
  const outcomes = writer.writeBatch(JSON.parse(message.jobs) as AnyJob[]);
  parentPort!.postMessage({ id: message.id, outcomes: JSON.stringify(outcomes) });
  walRestarts.afterCommit();
});
parentPort!.postMessage('ready');
