// Check-in ingest, the hot path of every door: the write of one check-in — answer a repeated queued
// scan or personal code with its first visit, close the venue's visits past their dwell, count those
// still open, decide the entry with that count (the category's policy, venue.rules.ts), store the row —
// acknowledged only once committed. The writing itself is checkin.writer.ts.
//
// SQLite on a file: group commit on a writer thread (checkin.worker.ts) with its own connection.
// Request handlers enqueue jobs; while the thread writes one batch (one transaction, one fsync) the
// next one gathers, and is sent as soon as the thread is free; each job's promise resolves only after
// its batch's COMMIT. The event loop never waits for the disk. Other transactions of the server run on
// the main connection and begin IMMEDIATE (src/db/connect.ts), so they and the writer take turns on
// SQLite's write lock.
// SQLite in memory (tests): the same batches in this thread, holding Kysely's single connection so a
// batch never interleaves with a Kysely transaction; never await a job from inside a Kysely
// transaction (that would wait on itself).
// PostgreSQL: the same group commit in this process (checkin.pgwriter.ts): while one batch is written
// (one transaction, a fixed number of round trips, one COMMIT) the next gathers; the batch's venues are
// locked with advisory locks, so several processes keep each venue's capacity exact. A batch that fails
// before its COMMIT is rolled back whole and its jobs are written again one transaction each, so one bad
// job fails alone. Entries of one request (a resident and their dependants) are written together: a
// group job, all or none.
import { once } from 'node:events';
import { sql } from 'kysely';
import type { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { CheckinTable, Db, Dialect, Executor } from '../db/database.ts';
import type { DbHandle } from '../db/connect.ts';
import { AppError } from '../platform/errors.ts';
import { GroupCommit, type Waiting } from '../db/group-commit.ts';
import { startWorker } from '../platform/workers.ts';
import { checkpointCounter, startCheckpointer } from '../db/checkpointer.ts';
import { autoExitAt, isVisitExpired } from './venue.rules.ts';
import { personName as personNameOf } from '../registry/registry.store.ts';
import * as store from './venue.store.ts';
import {
  CheckinWriter,
  decidedRow,
  JOB_ERRORS,
  repeatOf,
  rescanOf,
  type AnyJob,
  type EntryOutcome,
  type ExitJob,
  type GroupJob,
  type WriteJob,
  type WriteOutcome,
} from './checkin.writer.ts';
import { factsFor } from './door.facts.ts';
import { BatchNotWritten, venueLockKey, writeBatchPg } from './checkin.pgwriter.ts';
import { faultOf } from '../db/faults.ts';
import type { WorkerInit } from './checkin.worker.ts';

export type { ExitJob, WriteJob } from './checkin.writer.ts';

/**
 * What one entry did: `row` is the stored row (this job's, the first one stored for the same scan,
 * or the visit a resident's scan closed); `stored` false: a repeat, nothing written; `personName`:
 * the registry name (for the masked name on the door screen); `exited`: the scan closed the visit.
 */
export type IngestResult = EntryOutcome;

export interface IngestOptions {
  /** At most this many jobs per transaction. */
  maxBatch?: number;
}

type IngestServices = { db: Db; dialect: Dialect; handle: DbHandle };

/** The handle's group-commit writer (SQLite); null on PostgreSQL. */
/** A group's results, one per entry; a single entry's or exit's result. */
type ResultOf<J extends AnyJob> = J extends GroupJob ? IngestResult[] : IngestResult;

interface Writer {
  enqueue<J extends AnyJob>(job: J): Promise<ResultOf<J>>;
  /** Resolves once every job enqueued so far has been written. */
  drain(): Promise<void>;
  /** Batches and jobs written so far. */
  readonly stats: { batches: number; jobs: number };
  health(): WriterHealth;
}

/**
 * The check-in writer for the health report: `off` on PostgreSQL (each check-in is its own
 * transaction), `idle` before the first check-in started it, `up` with the jobs queued or being
 * written, `down` once its thread stopped (every check-in then fails).
 */
export interface WriterHealth {
  status: 'off' | 'idle' | 'up' | 'down';
  queued: number;
  detail?: string;
}

export function writerHealth(s: IngestServices): WriterHealth {
  return writers.get(s.handle)?.health() ?? { status: 'idle', queued: 0 };
}

const writers = new WeakMap<DbHandle, Writer>();

/** Stores one check-in durably; resolves after its transaction committed. */
export function ingestCheckin(s: IngestServices, job: WriteJob): Promise<IngestResult> {
  return writerFor(s).enqueue(job);
}

/** The per-request path on PostgreSQL: one entry in its own transaction (a batch's fallback). */
function entryAlone(db: Db, job: WriteJob): Promise<IngestResult> {
  return db.transaction().execute(async (trx) => {
    await lockVenue(trx, job.venueId);
    return entryWithKysely(trx, job);
  });
}

/**
 * Stores the entries of one request (a resident and their dependants) durably, all or none, in
 * order; resolves after the commit.
 */
export function ingestCheckins(s: IngestServices, entries: WriteJob[]): Promise<IngestResult[]> {
  return writerFor(s).enqueue({ kind: 'group', entries });
}

/** A group in its own transaction (a batch's fallback on PostgreSQL). */
function groupAlone(db: Db, entries: WriteJob[]): Promise<IngestResult[]> {
  return db.transaction().execute(async (trx) => {
    for (const venueId of [...new Set(entries.map((e) => e.venueId))].sort((a, b) =>
      venueLockKey(a) < venueLockKey(b) ? -1 : 1,
    ))
      await lockVenue(trx, venueId);
    const out: IngestResult[] = [];
    for (const entry of entries) out.push(await entryWithKysely(trx, entry));
    return out;
  });
}

/**
 * Closes an admitted visit (scan-out) durably: at `now`, or at entry + dwell when the dwell ran out
 * first; a closed visit stays as it was (stored: false). Resolves with the row after the commit.
 */
export async function closeVisit(s: IngestServices, job: ExitJob): Promise<IngestResult> {
  return writerFor(s).enqueue(job);
}

/** A scan-out in its own transaction (a batch's fallback on PostgreSQL). */
function exitAlone(db: Db, job: ExitJob): Promise<IngestResult> {
  return db.transaction().execute(async (trx) => {
    const row = await store.checkinById(trx, job.checkinId);
    if (!row) throw new AppError('CHECKIN_NOT_FOUND');
    if (row.decision !== 'admitted') throw new AppError('CHECKIN_NOT_ADMITTED');
    if (row.exited_at !== null) return { row, stored: false, personName: '', exited: true };
    const expired = isVisitExpired(row.entered_at, job.dwellMinutes, job.now);
    const at = expired ? autoExitAt(row.entered_at, job.dwellMinutes) : Math.max(job.now, row.entered_at);
    const closed = await store.closeCheckin(trx, row.id, at, expired ? 'auto' : 'guard');
    return { row: (await store.checkinById(trx, row.id))!, stored: closed, personName: '', exited: true };
  });
}

/**
 * The handle's writer, created on first use: on SQLite a writer thread for a file, in-process for
 * memory; on PostgreSQL batches in this process (checkin.pgwriter.ts).
 */
export function writerFor(s: IngestServices, options?: IngestOptions): Writer {
  let writer = writers.get(s.handle);
  if (!writer && !s.handle.sqlite) {
    const w = new PgWriter(s.db, options);
    writer = w;
    writers.set(s.handle, w);
    s.handle.onClose(async () => {
      writers.delete(s.handle);
      await w.close();
    });
  }
  if (!writer) {
    const sqlite = s.handle.sqlite!;
    const w = sqlite.memory
      ? new InProcessWriter(s.db, sqlite, options)
      : new ThreadWriter({ file: sqlite.name, checkpoints: checkpointCounter(s.handle) }, options);
    writer = w;
    writers.set(s.handle, w);
    s.handle.onClose(async () => {
      writers.delete(s.handle);
      await w.close();
    });
    // The writer thread does not checkpoint: the checkpoint thread does (stopped after the writer).
    if (!sqlite.memory) startCheckpointer(s.handle);
  }
  return writer;
}

type Pending = Waiting<AnyJob>;

function isJobError(code: string | null): code is (typeof JOB_ERRORS)[number] {
  return (JOB_ERRORS as readonly (string | null)[]).includes(code);
}

function settle(p: Pending, outcome: WriteOutcome | Error): void {
  if (outcome instanceof Error) p.reject(outcome);
  else if (outcome.ok && 'group' in outcome) p.resolve(outcome.group);
  else if (outcome.ok)
    p.resolve({ row: outcome.row, stored: outcome.stored, personName: outcome.personName, exited: outcome.exited });
  else if (isJobError(outcome.code)) p.reject(new AppError(outcome.code));
  // The SQLite error code crosses the thread with the message (SQLITE_FULL answers STORAGE_FULL).
  else p.reject(Object.assign(new Error(outcome.message), outcome.cause ? { code: outcome.cause } : {}));
}

/**
 * Pipelined group commit (src/db/group-commit.ts): while the writer works on a batch the next one
 * gathers. On SQLite `maxInFlight` is 1: a second batch waiting at the writer thread saves the thread's
 * wait for the next message but makes batches smaller and COMMITs (each an fsync) more frequent —
 * measured slower when the disk is busy. A job's outcome may be an error of its own (PostgreSQL's
 * one-by-one fallback).
 */
abstract class BatchingWriter extends GroupCommit<AnyJob, WriteOutcome | Error> implements Writer {
  constructor(options: IngestOptions = {}, maxInFlight = 1) {
    super(options, maxInFlight);
  }

  /** Jobs in the batch being written are not counted apart: the queue is what waits. */
  health(): WriterHealth {
    return { status: 'up', queued: this.queue.length };
  }

  enqueue<J extends AnyJob>(job: J): Promise<ResultOf<J>> {
    return this.submit<ResultOf<J>>(job);
  }

  protected settle(p: Pending, outcome: WriteOutcome | Error): void {
    settle(p, outcome);
  }

  abstract close(): Promise<void>;
}

/** SQLite file: batches written by a worker thread on its own connection. */
class ThreadWriter extends BatchingWriter {
  private readonly worker: Worker;
  private ready = false;
  private failure: Error | null = null;
  /** Batches sent to the thread, oldest first (it answers in order). */
  private sent: Pending[][] = [];
  private nextId = 1;

  constructor(init: WorkerInit, options?: IngestOptions) {
    super(options);
    this.worker = startWorker(new URL('./checkin.worker.ts', import.meta.url), init);
    this.worker.unref();
    this.worker.on('message', (message: 'ready' | { id: number; outcomes: string }) => {
      if (message === 'ready') {
        this.ready = true;
        this.pump();
        return;
      }
      const batch = this.sent.shift() ?? [];
      this.finished(batch, JSON.parse(message.outcomes) as WriteOutcome[]);
      // An idle writer does not keep the process alive.
      if (!this.busy && this.queue.length === 0) this.worker.unref();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`check-in writer thread exited (${code})`)));
  }

  override health(): WriterHealth {
    if (this.failure) return { status: 'down', queued: 0, detail: this.failure.message };
    return { status: 'up', queued: this.queue.length + this.sent.reduce((n, b) => n + b.length, 0) };
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const batch of this.sent.splice(0)) this.finished(batch, err);
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  override enqueue<J extends AnyJob>(job: J): Promise<ResultOf<J>> {
    if (this.failure) return Promise.reject(this.failure);
    // Keep the process alive while jobs wait or are being written.
    this.worker.ref();
    return super.enqueue(job);
  }

  protected override canWrite(): boolean {
    return this.ready && !this.failure;
  }

  protected write(batch: Pending[]): void {
    this.sent.push(batch);
    this.worker.postMessage({ id: this.nextId++, jobs: JSON.stringify(batch.map((p) => p.job)) });
  }

  async close(): Promise<void> {
    if (!this.failure) await this.drain();
    if (this.failure) return;
    this.failure = new Error('check-in writer closed');
    const exited = once(this.worker, 'exit');
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}

/** SQLite in memory: the same batches in this thread, on Kysely's single connection. */
class InProcessWriter extends BatchingWriter {
  private writer: CheckinWriter | null = null;

  constructor(
    private readonly db: Db,
    private readonly sqlite: SQLite.Database,
    options?: IngestOptions,
  ) {
    super(options);
  }

  protected write(batch: Pending[]): void {
    // Let the requests of this moment arrive first, then take the single connection for the batch.
    setImmediate(() => {
      this.db
        .connection()
        .execute(async () => {
          this.writer ??= new CheckinWriter(this.sqlite, true);
          return this.writer.writeBatch(batch.map((p) => p.job));
        })
        .then(
          (outcomes) => this.finished(batch, outcomes),
          (err: Error) => this.finished(batch, err),
        );
    });
  }

  async close(): Promise<void> {
    await this.drain();
  }
}

/**
 * PostgreSQL: batches written in this process, `maxInFlight` at a time on connections of the pool (two:
 * one batch commits while the next one reads; batches of the same venue take turns on its lock).
 */
class PgWriter extends BatchingWriter {
  constructor(
    private readonly db: Db,
    options?: IngestOptions,
  ) {
    super(options, 2);
  }

  protected write(batch: Pending[]): void {
    // Let the requests of this moment arrive first.
    setImmediate(() => {
      writeBatchPg(
        this.db,
        batch.map((p) => p.job),
      ).then(
        (outcomes) => this.finished(batch, outcomes),
        (err: Error) => {
          if (!(err instanceof BatchNotWritten)) return this.finished(batch, err);
          // The database failed (connection lost, timeout, disk full), not a job: every job of the batch
          // gets that fault (503 with a retry hint) rather than a second wait on a database that is not there.
          if (faultOf(err.reason)) return this.finished(batch, err.reason as Error);
          // Rolled back whole: each job again on its own, so that only a bad one fails.
          void Promise.allSettled(batch.map((p) => this.alone(p.job))).then((results) =>
            this.finished(
              batch,
              results.map((r) =>
                r.status === 'fulfilled'
                  ? Array.isArray(r.value)
                    ? { ok: true, group: r.value }
                    : { ok: true, ...r.value }
                  : r.reason instanceof Error
                    ? r.reason
                    : new Error(String(r.reason)),
              ),
            ),
          );
        },
      );
    });
  }

  private alone(job: AnyJob): Promise<IngestResult | IngestResult[]> {
    if (!('kind' in job)) return entryAlone(this.db, job);
    if (job.kind === 'exit') return exitAlone(this.db, job);
    return groupAlone(this.db, job.entries);
  }

  async close(): Promise<void> {
    await this.drain();
  }
}

/** The venue's check-in lock (the one the batches take), for the rest of the transaction. */
async function lockVenue(trx: Executor, venueId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${String(venueLockKey(venueId))}::bigint)`.execute(trx);
}

/** PostgreSQL: the same steps as the writer's (checkin.writer.ts), in the caller's Kysely transaction. */
async function entryWithKysely(trx: Executor, job: WriteJob): Promise<IngestResult> {
  const template = job.row;
  const earlier = async (row: CheckinTable): Promise<IngestResult> => ({
    row,
    stored: false,
    personName: (await personNameOf(trx, row.person_id)) ?? '',
    exited: false,
  });
  if (template.client_id !== null) {
    const first = await store.checkinByClientId(trx, job.venueId, template.client_id);
    if (first) return earlier(first);
  }
  const personName = await personNameOf(trx, template.person_id);
  if (personName === undefined) throw new AppError('PERSON_NOT_FOUND');
  if (job.rescan) {
    const last = await store.latestVisit(trx, job.venueId, template.person_id);
    const action = rescanOf(last, job);
    if (action === 'repeat-entry' || action === 'repeat-exit') return repeatOf(action, last!, personName);
    if (action === 'exit') {
      const closed = await store.closeCheckin(trx, last!.id, Math.max(template.entered_at, last!.entered_at), 'scan');
      return { row: (await store.checkinById(trx, last!.id))!, stored: closed, personName, exited: true };
    }
  }
  if (job.sameScanSince !== null) {
    const same = await store.latestVisitSince(trx, job.venueId, template.person_id, job.sameScanSince);
    if (same) return { row: same, stored: false, personName, exited: false };
  }
  const facts = job.facts ?? (await factsFor(trx, template.person_id, template.entered_at));
  const enteredBy = template.created_at - job.dwellMs;
  await store.autoCloseAtVenue(trx, job.venueId, job.dwellMs, enteredBy);
  const open = await store.countOpen(trx, job.venueId, enteredBy);
  const row = decidedRow(job, facts, open);
  if (await store.insertCheckin(trx, row)) return { row, stored: true, personName, exited: false };
  // A concurrent submission of the same queued scan committed first: answer with its row.
  const first = row.client_id === null ? undefined : await store.checkinByClientId(trx, row.venue_id, row.client_id);
  if (!first) throw new Error('check-in conflict without a stored row');
  return earlier(first);
}
