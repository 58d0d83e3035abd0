// The day partitions of the check-in table on PostgreSQL (migration 0037): made ahead by the server's
// partition job (venue.jobs.ts), dropped whole by the retention purge (venue.service.ts). A partition
// holds one UTC day of entry times, [day, day + 1 day), and is named checkin_pYYYYMMDD; rows of days
// without one are in checkin_default. SQLite has no partitions: these are never called there.
//
// Making a day's partition: a plain table like checkin, the day's rows moved into it from the default
// partition, then attached — in one transaction holding the default partition against writes, so no
// row of that day lands there meanwhile. A day ahead has no rows: only the empty table is attached.
// Locks wait at most LOCK_TIMEOUT (a DDL never holds the door's check-ins for long); a partition not
// made this time is made by the next run.
import { sql } from 'kysely';
import type { Db, Executor } from '../db/database.ts';

export const DAY_MS = 86_400_000;
/** Days made ahead of today. */
export const PARTITION_AHEAD_DAYS = 7;
const LOCK_TIMEOUT = '5s';

export interface CheckinPartition {
  name: string;
  /** Entry times from (inclusive) … to (exclusive), epoch ms. */
  from: number;
  to: number;
}

/** The UTC day start at or before `ms`. */
export function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** checkin_pYYYYMMDD of the UTC day beginning at `day`. */
export function partitionName(day: number): string {
  return `checkin_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The day partitions of checkin (not the default one), oldest first. */
export async function listPartitions(ex: Executor): Promise<CheckinPartition[]> {
  const { rows } = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = to_regclass('checkin')`.execute(ex);
  const out: CheckinPartition[] = [];
  for (const r of rows) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(r.bound);
    if (m) out.push({ name: r.name, from: Number(m[1]), to: Number(m[2]) });
  }
  return out.sort((a, b) => a.from - b.from);
}

/** Check-ins in the default partition (rows of days without a partition of their own). */
export async function countInDefault(ex: Executor): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from checkin_default`.execute(ex);
  return Number(rows[0]!.n);
}

/**
 * Makes the missing day partitions of the days from `from` to `to` (both included), each in its own
 * transaction, moving the rows of its day out of the default partition. Returns those made.
 */
export async function ensurePartitions(db: Db, from: number, to: number): Promise<CheckinPartition[]> {
  const have = new Set((await listPartitions(db)).map((p) => p.from));
  const made: CheckinPartition[] = [];
  for (let day = dayStart(from); day <= dayStart(to); day += DAY_MS) {
    if (have.has(day)) continue;
    const p = { name: partitionName(day), from: day, to: day + DAY_MS };
    await db.transaction().execute(async (trx) => {
      const table = sql.id(p.name);
      const [lo, hi] = [sql.raw(String(p.from)), sql.raw(String(p.to))];
      await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
      await sql`lock table checkin_default in exclusive mode`.execute(trx);
      await sql`create table ${table} (like checkin including defaults)`.execute(trx);
      // The check lets the attach skip its scan of the new table.
      await sql`alter table ${table} add constraint ${sql.id(`${p.name}_day`)}
        check (entered_at >= ${lo} and entered_at < ${hi})`.execute(trx);
      await sql`insert into ${table} select * from checkin_default where entered_at >= ${lo} and entered_at < ${hi}`.execute(
        trx,
      );
      await sql`delete from checkin_default where entered_at >= ${lo} and entered_at < ${hi}`.execute(trx);
      await sql`alter table checkin attach partition ${table} for values from (${lo}) to (${hi})`.execute(trx);
    });
    made.push(p);
  }
  return made;
}

/** Drops a day partition in the caller's transaction; returns the check-ins it held. */
export async function dropPartition(trx: Executor, p: CheckinPartition): Promise<number> {
  await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(p.name)}`.execute(trx);
  await sql`alter table checkin detach partition ${sql.id(p.name)}`.execute(trx);
  await sql`drop table ${sql.id(p.name)}`.execute(trx);
  return Number(rows[0]!.n);
}
