// Check-ins partitioned by day on PostgreSQL (migration 0037, src/venues/checkin.partitions.ts): the
// partition job makes the days within the retention and a week ahead, moving their rows out of the
// default partition, and does nothing more when run again; a query bounded to a day reads that day's
// partition only (EXPLAIN); the batched writer stores into the day's partition; the retention purge
// drops the days wholly before its cutoff, deletes the rest, and records and audits both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import * as store from '../../src/venues/venue.store.ts';
import { ingestCheckin } from '../../src/venues/checkin.ingest.ts';
import {
  countInDefault,
  DAY_MS,
  dayStart,
  listPartitions,
  partitionName,
} from '../../src/venues/checkin.partitions.ts';
import { makeCheckinPartitions } from '../../src/venues/venue.jobs.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { entry, seed } from '../support/checkin.fixture.ts';

const pg = (await dialects()).find((d) => d.dialect === 'postgres') ?? { skip: 'PostgreSQL not selected' };

/** The tables an EXPLAIN's plan reads. */
function relations(plan: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(plan)) for (const p of plan) relations(p, out);
  else if (plan && typeof plan === 'object') {
    for (const [k, v] of Object.entries(plan)) {
      if (k === 'Relation Name') out.add(v as string);
      else relations(v, out);
    }
  }
  return out;
}

test(
  'day partitions on PostgreSQL: made ahead, rows moved, queries pruned, old days dropped by the purge',
  { skip: pg.skip },
  async () => {
    const s = await testServices('postgres');
    try {
      await seed(s, 100);
      const now = s.clock.now();
      const today = dayStart(now);
      const at = (days: number) => today + days * DAY_MS + 3_600_000;
      for (const d of [-40, -30, -15, -2, 0]) {
        const job = entry('p1', at(d));
        assert.ok(await store.insertCheckin(s.db, { ...job.row, decision: 'admitted', exited_at: at(d) + 60_000 }));
      }
      assert.deepEqual(await listPartitions(s.db), []);
      assert.equal(await countInDefault(s.db), 5);

      // The retention's days and a week ahead; the rows of those days leave the default partition.
      const made = await makeCheckinPartitions(s);
      assert.equal(made.length, s.config.retentionDays + 1 + 7);
      assert.equal(made[0], partitionName(dayStart(now - s.config.retentionDays * DAY_MS)));
      assert.equal(made.at(-1), partitionName(today + 7 * DAY_MS));
      assert.deepEqual(await makeCheckinPartitions(s), [], 'nothing more to make');
      assert.equal(await countInDefault(s.db), 2, 'days before the retention stay in the default partition');
      const inDay = async (day: number) =>
        (await sql<{ n: number }>`select count(*)::int as n from ${sql.id(partitionName(day))}`.execute(s.db)).rows[0]!
          .n;
      assert.equal(await inDay(today - 2 * DAY_MS), 1);
      assert.equal(await inDay(today - 15 * DAY_MS), 1);

      // A query bounded to a day (a venue's visits in a window, as tracing reads them) reads one partition.
      const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select id from checkin
      where venue_id = 'v1' and entered_at >= ${today} and entered_at < ${today + DAY_MS}`.execute(s.db);
      assert.deepEqual([...relations(rows[0]!['QUERY PLAN'])], [partitionName(today)]);
      const week = await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select id from checkin
      where entered_at >= ${today - 2 * DAY_MS} and entered_at < ${today + DAY_MS}`.execute(s.db);
      assert.deepEqual(
        [...relations(week.rows[0]!['QUERY PLAN'])].sort(),
        [-2, -1, 0].map((d) => partitionName(today + d * DAY_MS)).sort(),
      );

      // The door's batched writer stores into today's partition.
      const door = await ingestCheckin({ db: s.db, dialect: s.dialect, handle: s.handle }, entry('p2', now));
      assert.equal(door.row.decision, 'admitted');
      assert.equal(await inDay(today), 2);

      // Purge before ten days ago: the whole days before are dropped, the default partition's old rows deleted.
      const before = today - 10 * DAY_MS;
      const report = await purgeCheckins(s, before);
      assert.equal(report.checkins, 3);
      const left = await listPartitions(s.db);
      assert.equal(left[0]!.from, before);
      assert.equal(await countInDefault(s.db), 0);
      assert.equal((await s.db.selectFrom('checkin').select('id').execute()).length, 3);
      const purge = await s.db.selectFrom('checkin_purge').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual([purge.before, Number(purge.checkins)], [before, 3]);
      const audited = await s.db
        .selectFrom('audit_event')
        .select('detail')
        .where('action', '=', 'checkin.purge')
        .executeTakeFirstOrThrow();
      const detail = JSON.parse(audited.detail) as { checkins: number; partitions: string[] };
      assert.equal(detail.checkins, 3);
      assert.equal(detail.partitions.length, s.config.retentionDays - 10);
      assert.equal(detail.partitions[0], made[0]);
    } finally {
      await s.close();
    }
  },
);
