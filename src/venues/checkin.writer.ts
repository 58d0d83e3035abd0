// The write of check-ins on SQLite, shared by the writer thread (checkin.worker.ts, file databases)
// and the in-process writer (in-memory databases): a batch of jobs in one IMMEDIATE transaction (one
// fsync), one after another, so each job sees the visits stored by the jobs before it and the
// capacity holds exactly. A job that fails unexpectedly sends the batch round again with each job in
// its own savepoint (writeBatch). Prepared better-sqlite3 statements only; no Kysely,
// nothing async — the caller answers each job once `writeBatch` returned (after COMMIT).
//
// Per job: the same queued scan (venue, client id) answers with its first row; the same personal code
// at the same venue inside its life answers with the visit it produced; otherwise the venue's visits
// past their dwell are closed, the open ones counted, the entry decided by the category's policy
// (venue.rules.ts) with that count, and the row stored.
//
// Open visits are counted in memory: per venue, the entry times of its open admitted visits, loaded
// from the database on first use and kept up to date by this writer's own entries and exits. Any
// commit by another connection (the server's own Kysely connection: self check-ins, the auto-close
// job, purges; another process) changes SQLite's `PRAGMA data_version`, read at the start of every
// batch under the write lock — then every venue is loaded afresh. So the count is always the
// database's, without reading it for every scan.
import type SQLite from 'better-sqlite3';
import type { CheckinTable } from '../db/database.ts';
import type { ErrorCode } from '../platform/errors.ts';
import { leaveCheckpointsToThread } from '../db/checkpointer.ts';
import { DOOR_STATUS_COLUMNS, doorFactsOf, type DoorStatusRow } from './door.facts.ts';
import {
  autoExitAt,
  decideEntry,
  isVisitExpired,
  rescanAction,
  type DoorFacts,
  type EntryPolicy,
  type RescanAction,
} from './venue.rules.ts';
import { CHECKIN_COLUMNS } from './venue.store.ts';

/** One check-in to write; plain data (it crosses to the writer thread). */
export interface WriteJob {
  venueId: string;
  /** The venue's dwell: open visits that began longer ago are closed at entry + dwell first. */
  dwellMs: number;
  /** The venue's entry policy and capacity. */
  policy: EntryPolicy;
  capacity: number;
  /**
   * What is known about the person at the scan time; null: read by the write itself, in the same
   * transaction as the entry (the person's health status row, door.facts.ts).
   */
  facts: DoorFacts | null;
  /**
   * The scan of a personal code: a visit of the same person at the same venue that began at or after
   * this time (the code's issue) was made with this code, or during its life — the same scan. null
   * for other scans.
   */
  sameScanSince: number | null;
  /**
   * A resident's own scan (self, dependant): their visit here still open is closed by it (exit_kind
   * 'scan'), and a scan within the grace period repeats the previous answer (rescanAction).
   */
  rescan?: boolean;
  /**
   * The row to store; decision, refusal_code and reasons are filled in by the write, and the person's
   * facts (colour, test_sampled_at, test_result, vaccinated) too when `facts` is null.
   */
  row: CheckinTable;
}

/** The entries of one request (a resident and their dependants): all written, or none. */
export interface GroupJob {
  kind: 'group';
  entries: WriteJob[];
}

/** What a resident's scan does, given their latest visit at the venue (rescanAction of the stored row). */
export function rescanOf(last: CheckinTable | undefined, job: WriteJob): RescanAction {
  return rescanAction(
    last && {
      decision: last.decision,
      enteredAt: last.entered_at,
      exitedAt: last.exited_at,
      exitKind: last.exit_kind,
    },
    job.dwellMs / 60_000,
    job.row.entered_at,
  );
}

/** The answer to a scan within the grace period: the previous one's, nothing written. */
export function repeatOf(action: 'repeat-entry' | 'repeat-exit', last: CheckinTable, personName: string): EntryOutcome {
  return { row: last, stored: false, personName, exited: action === 'repeat-exit' };
}

/** The row with the person's facts at the door recorded on it. */
function withFacts(row: CheckinTable, facts: DoorFacts): CheckinTable {
  return {
    ...row,
    colour: facts.colour,
    test_sampled_at: facts.latestTest?.sampledAt ?? null,
    test_result: facts.latestTest?.result ?? null,
    vaccinated: facts.vaccinated === null ? null : facts.vaccinated ? 1 : 0,
  };
}

/**
 * The row of an entry, decided: the job's entry policy and capacity applied to the person's facts and
 * the venue's `open` visits (decideEntry), the facts and every reason recorded on it.
 */
export function decidedRow(job: WriteJob, facts: DoorFacts, open: number): CheckinTable {
  const decision = decideEntry({ ...facts, occupancy: open, capacity: job.capacity }, job.policy, job.row.entered_at);
  return {
    ...withFacts(job.row, facts),
    decision: decision.admit ? 'admitted' : 'refused',
    refusal_code: decision.reasons[0]?.code ?? null,
    reasons: decision.reasons.length ? JSON.stringify(decision.reasons) : null,
  };
}

/** A scan-out of an admitted visit: closed now, or at entry + dwell when the dwell ran out first. */
export interface ExitJob {
  kind: 'exit';
  checkinId: string;
  dwellMinutes: number;
  now: number;
}

export type AnyJob = WriteJob | ExitJob | GroupJob;

/** What one entry or exit did. */
export interface EntryOutcome {
  /** The stored row: this job's, the first one stored for the same scan, or the visit it closed. */
  row: CheckinTable;
  /** false: nothing was written (a repeat). */
  stored: boolean;
  personName: string;
  /** This scan closed the visit, or repeats the scan that did. */
  exited: boolean;
}

export type WriteOutcome =
  | ({ ok: true } & EntryOutcome)
  | { ok: true; group: EntryOutcome[] }
  | { ok: false; code: string | null; message: string; cause?: string };

/** The error's own code (SQLITE_FULL, SQLITE_IOERR…), carried to the main thread with its message. */
function causeOf(err: unknown): { cause?: string } {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? { cause: code } : {};
}

/** The error codes a job fails with (else an unexpected error). */
export const JOB_ERRORS = [
  'PERSON_NOT_FOUND',
  'CHECKIN_NOT_FOUND',
  'CHECKIN_NOT_ADMITTED',
] as const satisfies readonly ErrorCode[];

export interface Statements {
  begin: SQLite.Statement;
  commit: SQLite.Statement;
  rollback: SQLite.Statement;
  savepoint: SQLite.Statement;
  release: SQLite.Statement;
  rollbackToSavepoint: SQLite.Statement;
  byClient: SQLite.Statement<[string, string], CheckinTable>;
  sameScan: SQLite.Statement<[string, string, number], CheckinTable>;
  personName: SQLite.Statement<[string], string>;
  personAtDoor: SQLite.Statement<[string], PersonAtDoorRow>;
  autoClose: SQLite.Statement<[number, string, number]>;
  countOpen: SQLite.Statement<[string, number], number>;
  insert: SQLite.Statement<[CheckinTable]>;
  byId: SQLite.Statement<[string], CheckinTable>;
  close: SQLite.Statement<[number, string, string]>;
  openTimes: SQLite.Statement<[string, number], number>;
  dataVersion: SQLite.Statement<[], number>;
}

/** A person's name with their health status columns (null when no status row). */
type PersonAtDoorRow = { name: string } & { [K in keyof DoorStatusRow]: DoorStatusRow[K] | null };

export function prepareStatements(sqlite: SQLite.Database): Statements {
  const q = (text: string) => sqlite.prepare(text);
  // The open-visit conditions are written out literally so that SQLite uses the partial index
  // checkin_open_idx (migration 0004).
  return {
    begin: q('begin immediate'),
    commit: q('commit'),
    rollback: q('rollback'),
    savepoint: q('savepoint checkin_job'),
    release: q('release checkin_job'),
    rollbackToSavepoint: q('rollback to checkin_job'),
    byClient: q('select * from checkin where venue_id = ? and client_id = ?') as Statements['byClient'],
    sameScan: q(`select * from checkin where person_id = ? and venue_id = ? and entered_at >= ?
      order by entered_at desc, id desc limit 1`) as Statements['sameScan'],
    personName: q('select name from person where id = ?').pluck() as Statements['personName'],
    personAtDoor: q(`select p.name, ${DOOR_STATUS_COLUMNS.map((c) => `h.${c}`).join(', ')}
      from person p left join health_status h on h.person_id = p.id where p.id = ?`) as Statements['personAtDoor'],
    autoClose: q(`update checkin set exited_at = entered_at + ?, exit_kind = 'auto'
      where venue_id = ? and entered_at <= ? and exited_at is null and decision = 'admitted'`) as Statements['autoClose'],
    countOpen: q(`select count(*) from checkin
      where venue_id = ? and entered_at > ? and exited_at is null and decision = 'admitted'`).pluck() as Statements['countOpen'],
    insert:
      q(`insert into checkin (${CHECKIN_COLUMNS.join(', ')}) values (${CHECKIN_COLUMNS.map((c) => `@${c}`).join(', ')})
      on conflict (venue_id, client_id) do nothing`) as Statements['insert'],
    byId: q('select * from checkin where id = ?') as Statements['byId'],
    close: q(
      'update checkin set exited_at = ?, exit_kind = ? where id = ? and exited_at is null',
    ) as Statements['close'],
    openTimes: q(`select entered_at from checkin
      where venue_id = ? and entered_at > ? and exited_at is null and decision = 'admitted' order by entered_at`).pluck() as Statements['openTimes'],
    dataVersion: q('pragma data_version').pluck() as Statements['dataVersion'],
  };
}

/** A job failed after it may have written: the batch is written again, each job in a savepoint. */
class RetryWithSavepoints extends Error {}

/** A job refused before it wrote anything. */
class JobError extends Error {
  constructor(readonly code: (typeof JOB_ERRORS)[number]) {
    super(code);
  }
}

/** The entry times of a venue's open admitted visits, ascending. */
interface OpenVisits {
  dwellMs: number;
  times: number[];
}

/** The first index whose time is > t (`after`), or ≥ t. */
function bound(times: number[], t: number, after: boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? times[mid]! <= t : times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A change to the in-memory counts, applied as the job writes (a rollback empties the counts). */
type CountChange = { venueId: string; add?: number; remove?: number };

/** The writer's connection with its statements and in-memory open-visit counts. */
export class CheckinWriter {
  private readonly st: Statements;
  private readonly open = new Map<string, OpenVisits>();
  private dataVersion: number | null = null;

  /**
   * `sharedConnection`: the connection is also the server's Kysely connection (an in-memory database),
   * whose own commits `data_version` does not show — counts are then read afresh for every batch.
   */
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly sharedConnection = false,
  ) {
    this.st = prepareStatements(sqlite);
  }

  /** Open visits of the venue at `now`: visits past the dwell are closed (at entry + dwell) first. */
  private openAt(venueId: string, dwellMs: number, now: number): OpenVisits {
    const enteredBy = now - dwellMs;
    let visits = this.open.get(venueId);
    if (!visits || visits.dwellMs !== dwellMs) {
      this.st.autoClose.run(dwellMs, venueId, enteredBy);
      visits = { dwellMs, times: this.st.openTimes.all(venueId, enteredBy) };
      this.open.set(venueId, visits);
      return visits;
    }
    const expired = bound(visits.times, enteredBy, true);
    if (expired > 0) {
      this.st.autoClose.run(dwellMs, venueId, enteredBy);
      visits.times.splice(0, expired);
    }
    return visits;
  }

  private earlier(row: CheckinTable): EntryOutcome {
    return { row, stored: false, personName: this.st.personName.get(row.person_id) ?? '', exited: false };
  }

  private apply(job: AnyJob): WriteOutcome {
    if (!('kind' in job)) return { ok: true, ...this.applyEntry(job) };
    if (job.kind === 'exit') return { ok: true, ...this.applyExit(job) };
    return { ok: true, group: job.entries.map((entry) => this.applyEntry(entry)) };
  }

  private applyExit(job: ExitJob): EntryOutcome {
    const { st } = this;
    const row = st.byId.get(job.checkinId);
    if (!row) throw new JobError('CHECKIN_NOT_FOUND');
    if (row.decision !== 'admitted') throw new JobError('CHECKIN_NOT_ADMITTED');
    if (row.exited_at !== null) return { row, stored: false, personName: '', exited: true };
    const expired = isVisitExpired(row.entered_at, job.dwellMinutes, job.now);
    const at = expired ? autoExitAt(row.entered_at, job.dwellMinutes) : Math.max(job.now, row.entered_at);
    st.close.run(at, expired ? 'auto' : 'guard', row.id);
    this.count({ venueId: row.venue_id, remove: row.entered_at });
    return {
      row: { ...row, exited_at: at, exit_kind: expired ? 'auto' : 'guard' },
      stored: true,
      personName: '',
      exited: true,
    };
  }

  private applyEntry(job: WriteJob): EntryOutcome {
    const { st } = this;
    const { row: template } = job;
    if (template.client_id !== null) {
      const first = st.byClient.get(job.venueId, template.client_id);
      if (first) return this.earlier(first);
    }
    const person = st.personAtDoor.get(template.person_id);
    if (person === undefined) throw new JobError('PERSON_NOT_FOUND');
    const personName = person.name;
    if (job.rescan) {
      const last = st.sameScan.get(template.person_id, job.venueId, Number.MIN_SAFE_INTEGER);
      const action = rescanOf(last, job);
      if (action === 'repeat-entry' || action === 'repeat-exit') return repeatOf(action, last!, personName);
      if (action === 'exit') {
        const at = Math.max(template.entered_at, last!.entered_at);
        st.close.run(at, 'scan', last!.id);
        this.count({ venueId: job.venueId, remove: last!.entered_at });
        return { row: { ...last!, exited_at: at, exit_kind: 'scan' }, stored: true, personName, exited: true };
      }
    }
    if (job.sameScanSince !== null) {
      const same = st.sameScan.get(template.person_id, job.venueId, job.sameScanSince);
      if (same) return { row: same, stored: false, personName, exited: false };
    }
    const facts =
      job.facts ?? doorFactsOf(person.colour === null ? null : (person as DoorStatusRow), template.entered_at);
    const open = this.openAt(job.venueId, job.dwellMs, template.created_at).times.length;
    const row = decidedRow(job, facts, open);
    if (st.insert.run(row).changes > 0) {
      // An entry already past the dwell (a late queued scan) is not open now.
      if (row.decision === 'admitted' && row.entered_at > template.created_at - job.dwellMs)
        this.count({ venueId: job.venueId, add: row.entered_at });
      return { row, stored: true, personName, exited: false };
    }
    const first = row.client_id === null ? undefined : st.byClient.get(row.venue_id, row.client_id);
    if (!first) throw new Error('check-in conflict without a stored row');
    return this.earlier(first);
  }

  private count(change: CountChange): void {
    const visits = this.open.get(change.venueId);
    if (!visits) return;
    if (change.add !== undefined) visits.times.splice(bound(visits.times, change.add, true), 0, change.add);
    if (change.remove !== undefined) {
      const i = bound(visits.times, change.remove, false);
      if (visits.times[i] === change.remove) visits.times.splice(i, 1);
    }
  }

  /**
   * Writes the jobs in one transaction and returns each one's outcome, in order. A single entry or
   * exit refused with a JobError (unknown person or check-in) has written nothing: it fails alone.
   * Any other error, or any error inside a group, may leave part of a job's writes: the transaction is
   * rolled back and the batch written again with each job in its own savepoint, so only that job
   * fails. When the COMMIT fails, every job fails.
   */
  writeBatch(jobs: AnyJob[]): WriteOutcome[] {
    try {
      return this.inTransaction(jobs, false);
    } catch (err) {
      if (!(err instanceof RetryWithSavepoints)) return this.failAll(jobs, err as Error);
    }
    try {
      return this.inTransaction(jobs, true);
    } catch (err) {
      return this.failAll(jobs, err as Error);
    }
  }

  private inTransaction(jobs: AnyJob[], savepoints: boolean): WriteOutcome[] {
    const { st } = this;
    const out: WriteOutcome[] = [];
    try {
      st.begin.run();
      // Another connection committed since this writer last looked: its counts may be stale.
      const version = st.dataVersion.get()!;
      if (version !== this.dataVersion || this.sharedConnection) this.open.clear();
      this.dataVersion = version;
      for (const job of jobs) {
        if (savepoints) st.savepoint.run();
        try {
          out.push(this.apply(job));
          if (savepoints) st.release.run();
        } catch (err) {
          const wroteNothing = err instanceof JobError && !('kind' in job && job.kind === 'group');
          if (!savepoints && !wroteNothing) throw new RetryWithSavepoints();
          // A full disk or an I/O error may make SQLite roll back the whole transaction, savepoints and
          // all: every job of the batch fails with that error (not with "no such savepoint").
          if (!this.sqlite.inTransaction) throw err;
          if (savepoints) {
            st.rollbackToSavepoint.run();
            st.release.run();
            // The counts may include the rolled-back writes: read afresh.
            this.open.clear();
          }
          out.push({
            ok: false,
            code: err instanceof JobError ? err.code : null,
            message: (err as Error).message,
            ...causeOf(err),
          });
        }
      }
      st.commit.run();
    } catch (err) {
      // A failed COMMIT on a full disk may have ended the transaction already; a failing ROLLBACK must
      // not replace the error that caused it.
      if (this.sqlite.inTransaction) {
        try {
          st.rollback.run();
        } catch {
          /* the cause is rethrown below */
        }
      }
      // The counts may include changes of the rolled-back jobs: read afresh next time.
      this.open.clear();
      throw err;
    }
    return out;
  }

  private failAll(jobs: AnyJob[], err: Error): WriteOutcome[] {
    const failed: WriteOutcome = {
      ok: false,
      code: null,
      message: `check-in batch failed: ${err.message}`,
      ...causeOf(err),
    };
    return jobs.map(() => failed);
  }
}

/**
 * The pragmas of the writer thread's connection (as src/db/connect.ts). It never checkpoints: the
 * checkpoint thread started with it does (src/db/checkpointer.ts).
 */
export function configureWriterConnection(sqlite: SQLite.Database): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed transaction survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  leaveCheckpointsToThread(sqlite);
}
