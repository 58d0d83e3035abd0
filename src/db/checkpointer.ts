// WAL checkpoints of a busy SQLite file, off the writers' path. By default SQLite checkpoints inside
// the COMMIT that takes the WAL past 1,000 pages: that commit then also copies every page back into
// the database file and fsyncs it, and a hot page (the last page of an index) is copied back again
// every few commits. Under a stream of check-ins that is most of the disk's work, done on the thread
// that every door is waiting for.
//
// With a checkpointer, a thread of its own (checkpoint.worker.ts) checkpoints every interval instead,
// PASSIVE, and the process's connections do not checkpoint at all (wal_autocheckpoint = 0): the check-in
// writer's (checkin.worker.ts) and the handle's own, so the event loop never waits for a checkpoint
// either. If the thread stops, the handle's connection checkpoints as before.
//
// The WAL starts again from its beginning only when a transaction begins after a checkpoint copied
// every frame back. Under a steady stream of commits the thread's checkpoint never does: the writer
// commits while it copies. So a connection that writes continuously (the check-in writer) finishes
// each of the thread's checkpoints itself, between two of its transactions (WalRestarts): it copies
// back the few frames committed meanwhile, and its next transaction restarts the WAL. Without that the
// WAL grows by every commit's pages for as long as the doors scan (1.5 GB in 30 seconds of the
// check-in benchmark).
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { DbHandle } from './connect.ts';
import { startWorker } from '../platform/workers.ts';
import type { CheckpointWorkerData } from './checkpoint.worker.ts';

/** How often the WAL is copied back: long enough that a hot page is copied once for many commits. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** SQLite's own default, restored when the checkpoint thread stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** A restarted WAL is truncated to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

const running = new WeakMap<DbHandle, Worker>();
/** Per handle: how many checkpoints its thread has completed (an Int32Array over shared memory). */
const counters = new WeakMap<DbHandle, SharedArrayBuffer>();

/**
 * The handle's checkpoint counter: incremented by its checkpoint thread after each checkpoint, read
 * by the writers of the file (WalRestarts), on any thread.
 */
export function checkpointCounter(handle: DbHandle): SharedArrayBuffer {
  let counter = counters.get(handle);
  if (!counter) {
    counter = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    counters.set(handle, counter);
  }
  return counter;
}

/** A connection of a process whose checkpoint thread runs: it never checkpoints, and keeps the WAL small. */
export function leaveCheckpointsToThread(sqlite: SQLite.Database): void {
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  sqlite.pragma('wal_autocheckpoint = 0');
}

/**
 * Starts the checkpoint thread of the handle's SQLite file, once per handle, and returns it (null for
 * PostgreSQL or memory); it stops with the handle. Connections opened afterwards for writing (the
 * check-in writer) call leaveCheckpointsToThread themselves.
 */
export function startCheckpointer(handle: DbHandle, intervalMs = CHECKPOINT_INTERVAL_MS): Worker | null {
  const sqlite = handle.sqlite;
  if (!sqlite || sqlite.memory) return null;
  const started = running.get(handle);
  if (started) return started;
  const data: CheckpointWorkerData = { file: sqlite.name, intervalMs, counter: checkpointCounter(handle) };
  const worker = startWorker(new URL('./checkpoint.worker.ts', import.meta.url), data);
  worker.unref();
  running.set(handle, worker);
  leaveCheckpointsToThread(sqlite);
  let stopped = false;
  const restore = () => {
    if (stopped) return;
    stopped = true;
    running.delete(handle);
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', restore);
  worker.on('exit', restore);
  handle.onClose(async () => {
    if (stopped) return;
    const exited = once(worker, 'exit');
    worker.ref();
    worker.postMessage('close');
    await exited;
  });
  return worker;
}

/**
 * Restarts of the WAL, on a connection that writes continuously: after a commit, once the checkpoint
 * thread has completed a checkpoint since the last time (or, should the thread have stopped, after
 * a few of its intervals), this connection checkpoints too, PASSIVE: it copies back what was committed
 * since the thread's checkpoint began, so the WAL is copied back whole and this connection's next
 * transaction starts it again from the beginning. Call `afterCommit` between transactions, once the
 * commit has been answered: its own checkpoint is short but still a write and an fsync of the file.
 */
export class WalRestarts {
  private readonly completed: Int32Array;
  private seen: number;
  private lastAt = performance.now();

  constructor(
    private readonly sqlite: SQLite.Database,
    counter: SharedArrayBuffer,
    private readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    this.completed = new Int32Array(counter);
    this.seen = Atomics.load(this.completed, 0);
  }

  afterCommit(): void {
    const completed = Atomics.load(this.completed, 0);
    const now = performance.now();
    if (completed === this.seen && now - this.lastAt < STALLED_INTERVALS * this.intervalMs) return;
    this.seen = completed;
    this.lastAt = now;
    try {
      this.sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Another connection holds the checkpoint lock: the next time.
    }
  }
}

/** A checkpoint thread that completed none for this many intervals has stopped: the writer checkpoints. */
const STALLED_INTERVALS = 5;
