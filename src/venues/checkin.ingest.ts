// Check-in ingest, the hot path of every door: the write of one check-in — close the venue's visits
// past their dwell, count those still open, decide (the caller's rule, given that count), store the row
// unless the same queued scan (venue, client id) is already stored — acknowledged only once committed.
//
// SQLite: group commit. Request handlers enqueue jobs; a writer runs every job of a batch with
// prepared better-sqlite3 statements inside one transaction (one fsync for the batch) as soon as the
// batch holds `maxBatch` jobs or `maxDelayMs` after its first one, and each job's promise resolves
// only after that COMMIT. Jobs of a batch run one after another, so each sees the visits stored by the
// jobs before it (capacity holds exactly); a job that throws is rolled back to its savepoint alone.
// The writer takes Kysely's single SQLite connection for the batch, so it never interleaves with a
// Kysely transaction; never await a job from inside a Kysely transaction (that would wait on itself).
//
// PostgreSQL: the same steps in one Kysely transaction per job (the server does its own group commit).
import type SQLite from 'better-sqlite3';
import type { CheckinTable, Db, Dialect } from '../db/database.ts';
import type { DbHandle } from '../db/connect.ts';
import * as store from './venue.store.ts';

export interface CheckinJob {
  venueId: string;
  /** The venue's dwell: open visits that began longer ago are closed at entry + dwell first. */
  dwellMinutes: number;
  /** A queued scan's client id: the same (venue, client id) is stored once. */
  clientId: string | null;
  now: number;
  /** Builds the row to store from the venue's open visits now; runs inside the write, synchronously. */
  build(openVisits: number): CheckinTable;
}

export interface IngestResult {
  /** The stored row: this job's, or the first one stored for the same (venue, client id). */
  row: CheckinTable;
  /** false: a duplicate of an already stored scan; nothing was written. */
  stored: boolean;
}

export interface IngestOptions {
  /** A batch is written as soon as it holds this many jobs. */
  maxBatch?: number;
  /** …or this long after its first job arrived. */
  maxDelayMs?: number;
}

type IngestServices = { db: Db; dialect: Dialect; handle: DbHandle };

const writers = new WeakMap<DbHandle, GroupCommitWriter>();

/** Stores one check-in durably; resolves after its transaction committed. */
export function ingestCheckin(s: IngestServices, job: CheckinJob): Promise<IngestResult> {
  if (s.dialect === 'sqlite' && s.handle.sqlite) return writerFor(s).enqueue(job);
  return ingestWithKysely(s.db, job);
}

/** The handle's group-commit writer (SQLite), created on first use. */
export function writerFor(s: IngestServices, options?: IngestOptions): GroupCommitWriter {
  let writer = writers.get(s.handle);
  if (!writer) {
    writer = new GroupCommitWriter(s.db, s.handle.sqlite!, options);
    writers.set(s.handle, writer);
  }
  return writer;
}

const COLUMNS = [
  'id', 'venue_id', 'person_id', 'client_id', 'method', 'entered_at', 'exited_at', 'exit_kind', 'decision', 'refusal_code',
  'colour', 'reasons', 'test_sampled_at', 'test_result', 'vaccinated', 'created_at',
] as const satisfies ReadonlyArray<keyof CheckinTable>;

interface Pending {
  job: CheckinJob;
  resolve(result: IngestResult): void;
  reject(err: unknown): void;
}

interface Statements {
  begin: SQLite.Statement;
  commit: SQLite.Statement;
  rollback: SQLite.Statement;
  savepoint: SQLite.Statement;
  release: SQLite.Statement;
  rollbackToSavepoint: SQLite.Statement;
  byClient: SQLite.Statement<[string, string], CheckinTable>;
  autoClose: SQLite.Statement<[number, string, number]>;
  countOpen: SQLite.Statement<[string, number], number>;
  insert: SQLite.Statement<[CheckinTable]>;
}

export class GroupCommitWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private statements: Statements | null = null;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  /** Batches and jobs written so far (for the benchmark's report). */
  readonly stats = { batches: 0, jobs: 0 };

  constructor(private readonly db: Db, private readonly sqlite: SQLite.Database, options: IngestOptions = {}) {
    this.maxBatch = options.maxBatch ?? 512;
    this.maxDelayMs = options.maxDelayMs ?? 2;
  }

  enqueue(job: CheckinJob): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.schedule(0);
      else if (this.queue.length === 1) this.schedule(this.maxDelayMs);
    });
  }

  /** Resolves once every job enqueued so far has been written. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.writing) await this.writing;
      else if (this.queue.length > 0) this.schedule(0);
      else return;
    }
  }

  private schedule(delayMs: number): void {
    if (this.writing) return; // the running batch schedules the next one when it ends
    if (this.timer) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = null;
    if (delayMs > 0) {
      this.timer = setTimeout(() => { this.timer = null; this.start(); }, delayMs);
    } else {
      this.start();
    }
  }

  private start(): void {
    if (this.writing || this.queue.length === 0) return;
    this.writing = this.writeBatches().finally(() => {
      this.writing = null;
      if (this.queue.length > 0) this.schedule(this.queue.length >= this.maxBatch ? 0 : this.maxDelayMs);
    });
  }

  /** Takes the single connection, then writes the jobs queued by then, batch after batch. */
  private async writeBatches(): Promise<void> {
    await this.db.connection().execute(async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.writeBatch(batch);
        // Let the requests of this batch answer and new ones arrive before the next.
        if (this.queue.length < this.maxBatch) break;
      }
    });
  }

  private writeBatch(batch: Pending[]): void {
    const st = this.prepared();
    const done: Array<[Pending, IngestResult]> = [];
    try {
      st.begin.run();
      for (const p of batch) {
        st.savepoint.run();
        try {
          done.push([p, this.apply(st, p.job)]);
          st.release.run();
        } catch (err) {
          st.rollbackToSavepoint.run();
          st.release.run();
          p.reject(err);
        }
      }
      st.commit.run();
    } catch (err) {
      if (this.sqlite.inTransaction) st.rollback.run();
      for (const [p] of done) p.reject(err);
      return;
    }
    this.stats.batches += 1;
    this.stats.jobs += done.length;
    for (const [p, result] of done) p.resolve(result);
  }

  private apply(st: Statements, job: CheckinJob): IngestResult {
    if (job.clientId !== null) {
      const first = st.byClient.get(job.venueId, job.clientId);
      if (first) return { row: first, stored: false };
    }
    const dwellMs = job.dwellMinutes * 60_000;
    const enteredBy = job.now - dwellMs;
    st.autoClose.run(dwellMs, job.venueId, enteredBy);
    const open = st.countOpen.get(job.venueId, enteredBy) ?? 0;
    const row = job.build(open);
    if (st.insert.run(row).changes > 0) return { row, stored: true };
    const first = row.client_id === null ? undefined : st.byClient.get(row.venue_id, row.client_id);
    if (!first) throw new Error('check-in conflict without a stored row');
    return { row: first, stored: false };
  }

  private prepared(): Statements {
    if (this.statements) return this.statements;
    const q = (text: string) => this.sqlite.prepare(text);
    // The open-visit conditions are written out literally so that SQLite uses the partial index
    // checkin_open_idx (migration 0004).
    this.statements = {
      begin: q('begin immediate'),
      commit: q('commit'),
      rollback: q('rollback'),
      savepoint: q('savepoint checkin_job'),
      release: q('release checkin_job'),
      rollbackToSavepoint: q('rollback to checkin_job'),
      byClient: q('select * from checkin where venue_id = ? and client_id = ?') as Statements['byClient'],
      autoClose: q(`update checkin set exited_at = entered_at + ?, exit_kind = 'auto'
        where venue_id = ? and entered_at <= ? and exited_at is null and decision = 'admitted'`) as Statements['autoClose'],
      countOpen: q(`select count(*) from checkin
        where venue_id = ? and entered_at > ? and exited_at is null and decision = 'admitted'`).pluck() as Statements['countOpen'],
      insert: q(`insert into checkin (${COLUMNS.join(', ')}) values (${COLUMNS.map((c) => `@${c}`).join(', ')})
        on conflict (venue_id, client_id) do nothing`) as Statements['insert'],
    };
    return this.statements;
  }
}

/** PostgreSQL: the same steps as one Kysely transaction. */
async function ingestWithKysely(db: Db, job: CheckinJob): Promise<IngestResult> {
  return db.transaction().execute(async (trx) => {
    if (job.clientId !== null) {
      const first = await store.checkinByClientId(trx, job.venueId, job.clientId);
      if (first) return { row: first, stored: false };
    }
    const dwellMs = job.dwellMinutes * 60_000;
    const enteredBy = job.now - dwellMs;
    await store.autoCloseAtVenue(trx, job.venueId, dwellMs, enteredBy);
    const row = job.build(await store.countOpen(trx, job.venueId, enteredBy));
    if (await store.insertCheckin(trx, row)) return { row, stored: true };
    // A concurrent submission of the same queued scan committed first: answer with its row.
    const first = row.client_id === null ? undefined : await store.checkinByClientId(trx, row.venue_id, row.client_id);
    if (!first) throw new Error('check-in conflict without a stored row');
    return { row: first, stored: false };
  });
}
