// The scheduled jobs of the server processes: each job runs once per period across every Cordon process
// on one database, whichever processes are up.
//
// Each job has a lease row (job_lease, migration 0033). Every process ticks each job a few times per
// period; a tick claims the row by one conditional update — the lease is free (`until` null: the last
// run ended) and the job is due (its last run started a period ago or more), or the lease has expired
// (`until` passed: its holder died mid-run) — and the process whose update changed the row runs the
// job. On PostgreSQL two such updates on one row are serialised by the row lock and the second finds
// the condition false; on SQLite there is one writer anyway. While a run goes on its holder renews the
// lease; when it ends, the holder releases it and records the outcome (last_ok_at, last_error), which
// the health report shows (src/ops). Times come from the injected clock (services.clock).
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import type { Services } from '../services.ts';

/** What a run is told: when it started, and when the latest successful run (on any process) started. */
export interface JobContext {
  startedAt: number;
  /** null before the first successful run of the deployment. */
  lastOkAt: number | null;
}

export interface Job {
  /** The lease row's key: unique in the deployment, stable across releases (`venues.purge`). */
  name: string;
  /** How often it runs across all processes (ms). */
  everyMs: number;
  /** The work. A line it returns is logged; a throw is recorded as the run's error. */
  run(s: Services, ctx: JobContext): Promise<string | null | void>;
  /** How long a holder that stopped answering keeps the job from the others (ms; default LEASE_MS). */
  leaseMs?: number;
}

/** A tick's outcome for one job: it ran here (ok or failed), or another process holds it or ran it within the period. */
export type TickOutcome = 'ran' | 'failed' | 'skipped' | 'busy' | 'error';

/** The default lease: renewed every third of it while a run goes on, so only a dead holder loses it. */
export const LEASE_MS = 5 * 60_000;
const ERROR_CHARS = 1000;

export interface JobRunnerOptions {
  log?: (message: string) => void;
  /** This process's name on the lease (default: host, process id and a random suffix). */
  holder?: string;
}

/** This process's name on a lease: host, process id, and a suffix telling two runners of one process apart. */
export function holderName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** How often a process looks whether a job is due: a quarter of its period, between 1 s and 1 min. */
export function tickEvery(everyMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor(everyMs / 4)));
}

export class JobRunner {
  readonly holder: string;
  private readonly log: (message: string) => void;
  private readonly running = new Map<string, Promise<TickOutcome>>();
  private readonly known = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly s: Services,
    readonly jobs: readonly Job[],
    options: JobRunnerOptions = {},
  ) {
    const names = new Set<string>();
    for (const job of jobs) {
      if (names.has(job.name)) throw new Error(`two scheduled jobs named ${job.name}`);
      names.add(job.name);
    }
    this.holder = options.holder ?? holderName();
    this.log = options.log ?? ((m: string) => console.error(m));
  }

  /** Tries every job once, in order (the tests' tick, and the first at start). */
  async tick(): Promise<Record<string, TickOutcome>> {
    const out: Record<string, TickOutcome> = {};
    for (const job of this.jobs) out[job.name] = await this.tickJob(job);
    return out;
  }

  /** Tries one job: runs it here when this process claims its lease. */
  tickJob(job: Job): Promise<TickOutcome> {
    if (this.stopped) return Promise.resolve('skipped');
    if (this.running.has(job.name)) return Promise.resolve('busy');
    const done = this.attempt(job).finally(() => this.running.delete(job.name));
    this.running.set(job.name, done);
    return done;
  }

  /**
   * Runs the first tick (every job in order: a job's first run may rely on an earlier one's) and ticks
   * each job on its own timer from now on (a job still running is not started again); returns stop.
   */
  start(): () => Promise<void> {
    void this.tick();
    for (const job of this.jobs)
      this.timers.push(setInterval(() => void this.tickJob(job), tickEvery(job.everyMs)).unref());
    return () => this.stop();
  }

  /** No more ticks; resolves once the runs going on here have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running.values()]);
  }

  private async attempt(job: Job): Promise<TickOutcome> {
    const s = this.s;
    const leaseMs = job.leaseMs ?? LEASE_MS;
    let claim: { startedAt: number; lastOkAt: number | null } | null;
    try {
      claim = await this.claim(job, leaseMs);
    } catch (err) {
      s.handle.faults.jobFailed(`${job.name} (lease)`, err, this.log);
      return 'error';
    }
    if (!claim) return 'skipped';
    const { startedAt } = claim;
    const renew = setInterval(
      () => void this.renew(job, startedAt, leaseMs),
      Math.max(1000, Math.floor(leaseMs / 3)),
    ).unref();
    let error: unknown = null;
    try {
      const line = await job.run(s, claim);
      if (line) this.log(line);
    } catch (err) {
      error = err ?? new Error('failed');
      s.handle.faults.jobFailed(job.name, err, this.log);
    } finally {
      clearInterval(renew);
    }
    try {
      await this.release(job, startedAt, error);
    } catch (err) {
      s.handle.faults.jobFailed(`${job.name} (lease)`, err, this.log);
    }
    return error ? 'failed' : 'ran';
  }

  /** The conditional update that takes the lease; null when another process holds it or the job is not due. */
  private async claim(job: Job, leaseMs: number): Promise<{ startedAt: number; lastOkAt: number | null } | null> {
    const db = this.s.db;
    if (!this.known.has(job.name)) {
      await db
        .insertInto('job_lease')
        .values({ name: job.name, holder: null, until: null, last_run_at: null, last_ok_at: null, last_error: null })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      this.known.add(job.name);
    }
    const now = this.s.clock.now();
    const row = await db
      .updateTable('job_lease')
      .set({ holder: this.holder, until: now + leaseMs, last_run_at: now })
      .where('name', '=', job.name)
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '<=', now)]))
      .where((eb) =>
        eb.or([
          // expired while held: the holder stopped mid-run
          eb('until', 'is not', null),
          eb('last_run_at', 'is', null),
          eb('last_run_at', '<=', now - job.everyMs),
          // a start dated ahead (a clock set wrong) does not hold the job back
          eb('last_run_at', '>', now + job.everyMs),
        ]),
      )
      .returning(['last_ok_at'])
      .executeTakeFirst();
    return row ? { startedAt: now, lastOkAt: row.last_ok_at === null ? null : Number(row.last_ok_at) } : null;
  }

  private async renew(job: Job, startedAt: number, leaseMs: number): Promise<void> {
    try {
      await this.own(job, startedAt)
        .set({ until: this.s.clock.now() + leaseMs })
        .execute();
    } catch (err) {
      this.s.handle.faults.jobFailed(`${job.name} (lease)`, err, this.log);
    }
  }

  private async release(job: Job, startedAt: number, error: unknown): Promise<void> {
    const update = this.own(job, startedAt);
    const done = await (
      error
        ? update.set({ until: null, last_error: String((error as Error)?.message ?? error).slice(0, ERROR_CHARS) })
        : update.set({ until: null, last_ok_at: startedAt, last_error: null })
    ).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0)
      this.log(`${job.name}: the lease passed to another process before this run ended (it ran longer than its lease)`);
  }

  /** Narrows an update to this runner's own current lease of the job. */
  private own(job: Job, startedAt: number) {
    return this.s.db
      .updateTable('job_lease')
      .where('name', '=', job.name)
      .where('holder', '=', this.holder)
      .where('last_run_at', '=', startedAt);
  }
}

/** Starts a runner over the jobs (each runs once at start, in order, where due); returns the function that stops it. */
export function startJobs(s: Services, jobs: readonly Job[], options: JobRunnerOptions = {}): () => void {
  const runner = new JobRunner(s, jobs, options);
  const stop = runner.start();
  return () => void stop();
}

/** running: a holder is at it; abandoned: its holder stopped mid-run (the next tick anywhere takes it over). */
export type JobState = 'never' | 'ok' | 'failed' | 'running' | 'abandoned';

export interface JobStatus {
  name: string;
  state: JobState;
  holder: string | null;
  lastRunAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
}

/** Every job's lease and last outcome, by name (the health report). */
export async function jobStatuses(ex: Executor, now: number): Promise<JobStatus[]> {
  const rows = await ex.selectFrom('job_lease').selectAll().orderBy('name').execute();
  return rows.map((r) => {
    const until = r.until === null ? null : Number(r.until);
    const state: JobState =
      until !== null
        ? until > now
          ? 'running'
          : 'abandoned'
        : r.last_run_at === null
          ? 'never'
          : r.last_error !== null
            ? 'failed'
            : 'ok';
    return {
      name: r.name,
      state,
      holder: r.holder,
      lastRunAt: r.last_run_at === null ? null : Number(r.last_run_at),
      lastOkAt: r.last_ok_at === null ? null : Number(r.last_ok_at),
      lastError: r.last_error,
    };
  });
}
