// Group commit: requests that arrive while a batch is being written wait together and are written as
// the next batch, in one transaction — one durable commit (one fsync on SQLite) for all of them. Each
// request is answered with its own outcome, and only once its batch committed. At most `maxInFlight`
// batches are being written at once (1: while one batch is written, the next gathers).
//
// `GroupCommit` is the queue and its pump, whatever writes the batch: the check-in writer's thread or
// in-process writer (src/venues/checkin.ingest.ts), or `TransactionGroup` below — a batch run in one
// Kysely transaction, for writes whose requests are many and small (a site's staff phones syncing
// their checks at once). A `TransactionGroup` whose batch fails as a whole writes each request of it
// again alone, in a transaction of its own, so a failing request fails alone.
import type { Db, Tx } from './database.ts';

/** A request waiting for its batch's commit. */
export interface Waiting<J> {
  job: J;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  /** At most this many requests per transaction. */
  maxBatch?: number;
}

export abstract class GroupCommit<J, O> {
  protected queue: Array<Waiting<J>> = [];
  protected inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  protected readonly maxBatch: number;
  readonly stats = { batches: 0, jobs: 0 };

  constructor(
    options: GroupCommitOptions = {},
    private readonly maxInFlight = 1,
  ) {
    this.maxBatch = options.maxBatch ?? 512;
  }

  protected get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Queues the request; resolves (or rejects) with its own outcome once its batch committed. */
  protected submit<R>(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as Waiting<J>['resolve'], reject });
      this.pump();
    });
  }

  /** Resolves once every request queued so far has been written. */
  drain(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  protected pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0 && this.canWrite()) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.write(batch);
    }
  }

  /** Called once a batch has its outcomes, one per request in order (or failed as a whole). */
  protected finished(batch: Array<Waiting<J>>, outcomes: O[] | Error): void {
    this.inFlight -= 1;
    if (outcomes instanceof Error) {
      for (const p of batch) p.reject(outcomes);
    } else {
      this.stats.batches += 1;
      this.stats.jobs += batch.length;
      batch.forEach((p, i) => this.settle(p, outcomes[i]!));
    }
    this.pump();
    if (!this.busy && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  protected canWrite(): boolean {
    return true;
  }

  /** Writes the batch, then calls `finished`. */
  protected abstract write(batch: Array<Waiting<J>>): void;
  /** Answers one request with its outcome. */
  protected abstract settle(waiting: Waiting<J>, outcome: O): void;
}

/** One request's outcome inside a batch: its answer, or the error that refuses it alone. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * A batch of requests in one Kysely transaction. `run` handles the whole batch in the transaction it
 * is given and returns one outcome per request, in order; a request refused on its own (its error in
 * its outcome) must have written nothing. When `run` throws, the transaction is rolled back and each
 * request runs again alone in a transaction of its own. Never await a request from inside a
 * transaction of the same database: it would wait on itself (SQLite has one connection).
 */
export class TransactionGroup<J, R> extends GroupCommit<J, Settled<R>> {
  constructor(
    private readonly db: Db,
    private readonly run: (trx: Tx, jobs: J[]) => Promise<Array<Settled<R>>>,
    options?: GroupCommitOptions,
  ) {
    super(options);
  }

  enqueue(job: J): Promise<R> {
    return this.submit<R>(job);
  }

  protected settle(waiting: Waiting<J>, outcome: Settled<R>): void {
    if (outcome.ok) waiting.resolve(outcome.value);
    else waiting.reject(outcome.error);
  }

  protected write(batch: Array<Waiting<J>>): void {
    // Let the requests of this moment arrive first, then write them together.
    setImmediate(() => {
      void this.writeBatch(batch).then(
        (outcomes) => this.finished(batch, outcomes),
        (err: Error) => this.finished(batch, err),
      );
    });
  }

  private async writeBatch(batch: Array<Waiting<J>>): Promise<Array<Settled<R>>> {
    const jobs = batch.map((w) => w.job);
    try {
      return await this.db.transaction().execute((trx) => this.run(trx, jobs));
    } catch (err) {
      if (jobs.length === 1) return [{ ok: false, error: err }];
    }
    const out: Array<Settled<R>> = [];
    for (const job of jobs) {
      try {
        out.push((await this.db.transaction().execute((trx) => this.run(trx, [job])))[0]!);
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }
}
