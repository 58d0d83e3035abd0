// The write of check-ins on PostgreSQL: a batch of jobs (door scans gathered while the previous batch
// was being written, checkin.ingest.ts) in one transaction with one COMMIT, and a fixed number of round
// trips whatever the batch's size — the same steps and answers as the SQLite writer (checkin.writer.ts):
//
//   1. the batch's venues locked (transaction-level advisory locks, taken in key order): two processes
//      writing the same venue take turns, so the capacity holds exactly across the cluster;
//   2. one statement closes each venue's admitted visits past their dwell and returns the entry times
//      of the visits open at the batch's earliest scan (the statement's snapshot is before its update);
//   3. one statement reads, for every entry, its person with the health status row, the row of the same
//      queued scan (venue, client id), the resident's latest visit (rescans) and the visit of the same
//      personal code; one more reads the visits that scan-outs close;
//   4. the jobs decided in memory, in order, each seeing the rows of the jobs before it;
//   5. one multi-row insert (jsonb_populate_recordset) and one update (closes), then COMMIT.
//
// Nothing is written before step 5, so a job refused (unknown person or check-in) or a group with one
// unknown member writes nothing. Each job is answered by the caller only after the COMMIT. A failure
// before the COMMIT rolls the whole batch back (`BatchNotWritten`): nothing of it is stored.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { CheckinTable, Db, Executor } from '../db/database.ts';
import { DOOR_STATUS_COLUMNS, doorFactsOf, type DoorStatusRow } from './door.facts.ts';
import { autoExitAt, isVisitExpired } from './venue.rules.ts';
import { CHECKIN_COLUMNS } from './venue.store.ts';
import {
  decidedRow,
  repeatOf,
  rescanOf,
  type AnyJob,
  type EntryOutcome,
  type ExitJob,
  type WriteJob,
  type WriteOutcome,
} from './checkin.writer.ts';

/** The batch failed before its COMMIT was sent: it was rolled back, nothing of it is stored. */
export class BatchNotWritten extends Error {
  constructor(readonly reason: unknown) {
    super(`check-in batch not written: ${(reason as Error)?.message ?? String(reason)}`);
  }
}

/** A job refused before anything was written. */
class JobRefused extends Error {
  constructor(readonly code: 'PERSON_NOT_FOUND' | 'CHECKIN_NOT_FOUND' | 'CHECKIN_NOT_ADMITTED') {
    super(code);
  }
}

/** The advisory-lock key of a venue's check-ins (a signed 64-bit integer, as text). */
export function venueLockKey(venueId: string): bigint {
  return createHash('sha256').update(`checkin:${venueId}`).digest().readBigInt64BE(0);
}

type PersonRow = { name: string } & { [K in keyof DoorStatusRow]: DoorStatusRow[K] | null };

interface EntryReads {
  person: PersonRow | null;
  byClient: CheckinTable | null;
  byClientName: string | null;
  last: CheckinTable | null;
  same: CheckinTable | null;
}

/** Later visit first: by entry time, then id (as the SQLite writer's `order by entered_at desc, id desc`). */
function later(a: CheckinTable | null | undefined, b: CheckinTable | null | undefined): CheckinTable | null {
  if (!a) return b ?? null;
  if (!b) return a;
  if (a.entered_at !== b.entered_at) return a.entered_at > b.entered_at ? a : b;
  return a.id > b.id ? a : b;
}

/** The first index whose time is > t. */
function after(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The health status columns of the door, as jsonb_build_object arguments. */
const PERSON_FIELDS = sql.raw(DOOR_STATUS_COLUMNS.map((c) => `'${c}', h.${c}`).join(', '));

const key = (a: string, b: string) => `${a}\u0000${b}`;

/** One batch: its reads, the decisions made in memory, and the writes held until the end. */
class Batch {
  private readonly entries: WriteJob[] = [];
  private reads: EntryReads[] = [];
  private readonly exitRows = new Map<string, CheckinTable>();
  /** Open admitted visits per venue: entry times, ascending. */
  private readonly open = new Map<string, { dwellMs: number; times: number[] }>();
  /** Rows this batch stores, by id (a later close in the batch changes them here). */
  private readonly inserts = new Map<string, CheckinTable>();
  private readonly byClient = new Map<string, CheckinTable>();
  /** The latest visit of (person, venue) written or changed by this batch. */
  private readonly latest = new Map<string, CheckinTable>();
  /** Rows known to the batch as changed (closed) by it, by id. */
  private readonly changed = new Map<string, CheckinTable>();
  private readonly closes = new Map<string, { at: number; kind: string }>();

  constructor(
    private readonly trx: Executor,
    private readonly jobs: AnyJob[],
  ) {
    for (const job of jobs) {
      if (!('kind' in job)) this.entries.push(job);
      else if (job.kind === 'group') this.entries.push(...job.entries);
    }
  }

  async run(): Promise<WriteOutcome[]> {
    await this.lockVenues();
    await this.openVisits();
    await this.readEntries();
    await this.readExits();
    let next = 0;
    const out: WriteOutcome[] = [];
    for (const job of this.jobs) {
      if ('kind' in job && job.kind === 'exit') {
        out.push(this.attempt(() => ({ ok: true, ...this.applyExit(job) })));
        continue;
      }
      const entries = 'kind' in job ? job.entries : [job];
      const from = next;
      next += entries.length;
      out.push(
        this.attempt(() => {
          // A group with an unknown member writes nothing.
          for (let i = from; i < next; i++) if (!this.reads[i]!.person) throw new JobRefused('PERSON_NOT_FOUND');
          const results = entries.map((e, i) => this.applyEntry(e, this.reads[from + i]!));
          return 'kind' in job ? { ok: true, group: results } : { ok: true, ...results[0]! };
        }),
      );
    }
    await this.write();
    return out;
  }

  private attempt(f: () => WriteOutcome): WriteOutcome {
    try {
      return f();
    } catch (err) {
      if (err instanceof JobRefused) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  }

  private async lockVenues(): Promise<void> {
    const keys = [...new Set(this.entries.map((e) => venueLockKey(e.venueId)))].sort((a, b) => (a < b ? -1 : 1));
    if (!keys.length) return;
    await sql`select pg_advisory_xact_lock(k) from unnest(${keys.map(String)}::bigint[]) as k`.execute(this.trx);
  }

  private async openVisits(): Promise<void> {
    const venues = new Map<string, { dwell: number; lo: number; hi: number }>();
    for (const e of this.entries) {
      const by = e.row.created_at - e.dwellMs;
      const v = venues.get(e.venueId);
      if (!v) venues.set(e.venueId, { dwell: e.dwellMs, lo: by, hi: by });
      else {
        v.lo = Math.min(v.lo, e.row.created_at - v.dwell);
        v.hi = Math.max(v.hi, e.row.created_at - v.dwell);
      }
    }
    if (!venues.size) return;
    const ids = [...venues.keys()];
    const col = (f: (v: { dwell: number; lo: number; hi: number }) => number) =>
      ids.map((id) => String(f(venues.get(id)!)));
    // The update closes what the batch's latest scan finds expired; the select (the statement's snapshot,
    // before the update) returns what was open at its earliest scan, expired job by job below. The
    // `venue_id = any(…)` beside the join lets each partition read its open-visit index (checkin_open_idx)
    // instead of a hash join over every row.
    const { rows } = await sql<{ venue_id: string; entered_at: number }>`
      with v as (
        select * from unnest(${ids}::text[], ${col((v) => v.dwell)}::bigint[], ${col((v) => v.lo)}::bigint[],
          ${col((v) => v.hi)}::bigint[]) as v(venue_id, dwell, lo, hi)
      ), closed as (
        update checkin c set exited_at = c.entered_at + v.dwell, exit_kind = 'auto' from v
        where c.venue_id = any(${ids}::text[]) and c.venue_id = v.venue_id and c.entered_at <= v.hi
          and c.exited_at is null and c.decision = 'admitted'
        returning c.id
      )
      select c.venue_id, c.entered_at from checkin c join v on c.venue_id = v.venue_id
      where c.venue_id = any(${ids}::text[]) and c.entered_at > v.lo and c.exited_at is null and c.decision = 'admitted'
      order by c.venue_id, c.entered_at`.execute(this.trx);
    for (const id of ids) this.open.set(id, { dwellMs: venues.get(id)!.dwell, times: [] });
    for (const r of rows) this.open.get(r.venue_id)!.times.push(Number(r.entered_at));
  }

  private async readEntries(): Promise<void> {
    const e = this.entries;
    if (!e.length) return;
    const { rows } = await sql<{
      person: PersonRow | null;
      by_client: CheckinTable | null;
      by_client_name: string | null;
      last: CheckinTable | null;
      same: CheckinTable | null;
    }>`
      select
        (select jsonb_build_object('name', p.name, ${PERSON_FIELDS})
           from person p left join health_status h on h.person_id = p.id where p.id = j.person_id) as person,
        bc.row as by_client,
        (select p.name from person p where p.id = bc.row->>'person_id') as by_client_name,
        case when j.rescan then (select to_jsonb(c) from checkin c where c.person_id = j.person_id
          and c.venue_id = j.venue_id order by c.entered_at desc, c.id desc limit 1) end as last,
        case when j.since is not null then (select to_jsonb(c) from checkin c where c.person_id = j.person_id
          and c.venue_id = j.venue_id and c.entered_at >= j.since order by c.entered_at desc, c.id desc limit 1)
          end as same
      from unnest(${e.map((x) => x.venueId)}::text[], ${e.map((x) => x.row.client_id)}::text[],
        ${e.map((x) => x.row.person_id)}::text[], ${e.map((x) => x.rescan === true)}::boolean[],
        ${e.map((x) => (x.sameScanSince === null ? null : String(x.sameScanSince)))}::bigint[])
        with ordinality as j(venue_id, client_id, person_id, rescan, since, n)
      left join lateral (select to_jsonb(c) as row from checkin c
        where j.client_id is not null and c.venue_id = j.venue_id and c.client_id = j.client_id limit 1) bc on true
      order by j.n`.execute(this.trx);
    this.reads = rows.map((r) => ({
      person: r.person,
      byClient: r.by_client,
      byClientName: r.by_client_name,
      last: r.last,
      same: r.same,
    }));
  }

  private async readExits(): Promise<void> {
    const ids = this.jobs.filter((j): j is ExitJob => 'kind' in j && j.kind === 'exit').map((j) => j.checkinId);
    if (!ids.length) return;
    const { rows } = await sql<{ row: CheckinTable }>`select to_jsonb(c) as row from checkin c
      where c.id = any(${ids}::text[])`.execute(this.trx);
    for (const r of rows) this.exitRows.set(r.row.id, r.row);
  }

  /** The row as this batch left it. */
  private current(row: CheckinTable | null | undefined): CheckinTable | null {
    if (!row) return null;
    return this.inserts.get(row.id) ?? this.changed.get(row.id) ?? row;
  }

  private close(row: CheckinTable, at: number, kind: string): CheckinTable {
    const closed = { ...row, exited_at: at, exit_kind: kind };
    if (this.inserts.has(row.id)) this.inserts.set(row.id, closed);
    else {
      this.changed.set(row.id, closed);
      this.closes.set(row.id, { at, kind });
    }
    const k = key(row.person_id, row.venue_id);
    if (this.latest.get(k)?.id === row.id) this.latest.set(k, closed);
    const visits = this.open.get(row.venue_id);
    if (visits) {
      const i = after(visits.times, row.entered_at - 1);
      if (visits.times[i] === row.entered_at) visits.times.splice(i, 1);
    }
    return closed;
  }

  private applyExit(job: ExitJob): EntryOutcome {
    const row = this.current(this.exitRows.get(job.checkinId));
    if (!row) throw new JobRefused('CHECKIN_NOT_FOUND');
    if (row.decision !== 'admitted') throw new JobRefused('CHECKIN_NOT_ADMITTED');
    if (row.exited_at !== null) return { row, stored: false, personName: '', exited: true };
    const expired = isVisitExpired(row.entered_at, job.dwellMinutes, job.now);
    const at = expired ? autoExitAt(row.entered_at, job.dwellMinutes) : Math.max(job.now, row.entered_at);
    return { row: this.close(row, at, expired ? 'auto' : 'guard'), stored: true, personName: '', exited: true };
  }

  private applyEntry(job: WriteJob, reads: EntryReads): EntryOutcome {
    const template = job.row;
    if (template.client_id !== null) {
      const mine = this.byClient.get(key(job.venueId, template.client_id));
      if (mine) return { row: this.current(mine)!, stored: false, personName: reads.person!.name, exited: false };
      if (reads.byClient)
        return {
          row: this.current(reads.byClient)!,
          stored: false,
          personName: reads.byClientName ?? '',
          exited: false,
        };
    }
    const person = reads.person!;
    const k = key(template.person_id, job.venueId);
    if (job.rescan) {
      const last = this.current(later(reads.last, this.latest.get(k)));
      const action = rescanOf(last ?? undefined, job);
      if (action === 'repeat-entry' || action === 'repeat-exit') return repeatOf(action, last!, person.name);
      if (action === 'exit') {
        const closed = this.close(last!, Math.max(template.entered_at, last!.entered_at), 'scan');
        return { row: closed, stored: true, personName: person.name, exited: true };
      }
    }
    if (job.sameScanSince !== null) {
      const mine = this.latest.get(k);
      const same = this.current(later(reads.same, mine && mine.entered_at >= job.sameScanSince ? mine : null));
      if (same) return { row: same, stored: false, personName: person.name, exited: false };
    }
    const facts =
      job.facts ?? doorFactsOf(person.colour === null ? null : (person as DoorStatusRow), template.entered_at);
    const visits = this.open.get(job.venueId)!;
    visits.times.splice(0, after(visits.times, template.created_at - visits.dwellMs));
    const row = decidedRow(job, facts, visits.times.length);
    this.inserts.set(row.id, row);
    if (row.client_id !== null) this.byClient.set(key(job.venueId, row.client_id), row);
    this.latest.set(k, later(this.latest.get(k), row)!);
    // An entry already past the dwell (a late queued scan) is not open now.
    if (row.decision === 'admitted' && row.entered_at > template.created_at - job.dwellMs)
      visits.times.splice(after(visits.times, row.entered_at), 0, row.entered_at);
    return { row, stored: true, personName: person.name, exited: false };
  }

  private async write(): Promise<void> {
    if (this.inserts.size) {
      const rows = [...this.inserts.values()].map((r) => Object.fromEntries(CHECKIN_COLUMNS.map((c) => [c, r[c]])));
      const cols = sql.raw(CHECKIN_COLUMNS.join(', '));
      const { rows: stored } = await sql<{ id: string }>`insert into checkin (${cols})
        select ${cols} from jsonb_populate_recordset(null::checkin, ${JSON.stringify(rows)}::jsonb)
        on conflict do nothing returning id`.execute(this.trx);
      // Under the venue locks no other writer stores the same scan; if one did, the batch is not written.
      if (stored.length !== rows.length) throw new Error('check-in conflict inside a locked batch');
    }
    if (this.closes.size) {
      const ids = [...this.closes.keys()];
      await sql`update checkin c set exited_at = u.at, exit_kind = u.kind
        from unnest(${ids}::text[], ${ids.map((id) => String(this.closes.get(id)!.at))}::bigint[],
          ${ids.map((id) => this.closes.get(id)!.kind)}::text[]) as u(id, at, kind)
        where c.id = u.id and c.exited_at is null`.execute(this.trx);
    }
  }
}

/**
 * Writes the jobs in one transaction on one connection and returns each one's outcome, in order, after
 * the COMMIT. Throws `BatchNotWritten` when it failed before the COMMIT was sent (rolled back), any other
 * error when the COMMIT itself failed (its outcome unknown).
 */
export async function writeBatchPg(db: Db, jobs: AnyJob[]): Promise<WriteOutcome[]> {
  return db.connection().execute(async (conn) => {
    let out: WriteOutcome[];
    try {
      await sql`begin`.execute(conn);
      out = await new Batch(conn, jobs).run();
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw new BatchNotWritten(err);
    }
    await sql`commit`.execute(conn);
    return out;
  });
}
