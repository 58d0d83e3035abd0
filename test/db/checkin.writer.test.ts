// The check-in writer thread (SQLite on a file): the capacity holds exactly under concurrent scans,
// the in-memory open-visit counts follow its own entries and exits and are read afresh after any
// other connection's commit (PRAGMA data_version), a failing job leaves the rest of its batch alone,
// the same personal code repeats its visit, and closing the database stops the thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import {
  closeVisit,
  ingestCheckin,
  ingestCheckins,
  writerFor,
  type WriteJob,
} from '../../src/venues/checkin.ingest.ts';
import * as store from '../../src/venues/venue.store.ts';

const DWELL_MS = 30 * 60_000;

async function fileServices(): Promise<{ s: Services; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-writer-'));
  const s = await createServices(loadConfig({}, { dataDir: dir }));
  const now = Date.now();
  await s.db
    .insertInto('area')
    .values({
      id: 'a1',
      code: '220400',
      name: '辽源市',
      level: 'city',
      parent_id: null,
      path: '220400/',
      created_at: now,
    })
    .execute();
  for (let i = 0; i < 10; i++) {
    await s.db
      .insertInto('person')
      .values({
        id: `p${i}`,
        name: `居民${i}`,
        area_id: 'a1',
        id_type: 'resident_id',
        created_at: now,
        updated_at: now,
      } as never)
      .execute();
  }
  await s.db
    .insertInto('venue')
    .values({
      id: 'v1',
      name: '便利店',
      category: 'supermarket',
      address: '',
      area_id: 'a1',
      capacity: 3,
      operator_user_id: null,
      status: 'approved',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: 0,
      dwell_minutes: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { s, dir };
}

let seq = 0;
function entry(personId: string, now: number, extra: Partial<WriteJob> = {}): WriteJob {
  seq += 1;
  return {
    venueId: 'v1',
    dwellMs: DWELL_MS,
    capacity: 3,
    sameScanSince: null,
    policy: { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: false },
    facts: { colour: 'green', latestTest: null, vaccinated: null },
    row: {
      id: `c${seq.toString().padStart(6, '0')}`,
      venue_id: 'v1',
      person_id: personId,
      client_id: `client-${seq}`,
      method: 'assisted',
      entered_at: now,
      exited_at: null,
      exit_kind: null,
      decision: 'refused',
      refusal_code: null,
      colour: 'green',
      reasons: null,
      test_sampled_at: null,
      test_result: null,
      vaccinated: null,
      created_at: now,
      scan_gap_ms: 0,
    },
    ...extra,
  };
}

test('the writer thread: exact capacity, in-memory counts kept right, failures isolated, clean stop', async () => {
  const { s, dir } = await fileServices();
  try {
    assert.equal(writerFor(s).constructor.name, 'ThreadWriter');
    const now = Date.now();
    // Eight scans at once for three places: three admitted, five refused as full, one batch or more.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ingestCheckin(s, entry(`p${i}`, now))));
    assert.deepEqual(results.map((r) => r.row.decision).sort(), [
      'admitted',
      'admitted',
      'admitted',
      'refused',
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
    assert.ok(results.filter((r) => r.row.decision === 'refused').every((r) => r.row.refusal_code === 'VENUE_FULL'));
    assert.equal(results[0]!.personName, '居民0');

    // A guard's scan-out through the writer frees a place.
    const admitted = results.filter((r) => r.row.decision === 'admitted').map((r) => r.row);
    const closed = await closeVisit(s, { kind: 'exit', checkinId: admitted[0]!.id, dwellMinutes: 30, now: now + 1000 });
    assert.deepEqual([closed.stored, closed.row.exit_kind], [true, 'guard']);
    assert.equal(
      (await closeVisit(s, { kind: 'exit', checkinId: admitted[0]!.id, dwellMinutes: 30, now: now + 2000 })).stored,
      false,
    );
    assert.equal((await ingestCheckin(s, entry('p8', now + 3000))).row.decision, 'admitted');
    assert.equal((await ingestCheckin(s, entry('p9', now + 3000))).row.refusal_code, 'VENUE_FULL');

    // Another connection closes a visit (the server's own Kysely connection): the writer sees it.
    assert.equal(await store.closeCheckin(s.db, admitted[1]!.id, now + 4000, 'scan'), true);
    assert.equal((await ingestCheckin(s, entry('p9', now + 5000))).row.decision, 'admitted');
    assert.equal((await ingestCheckin(s, entry('p7', now + 5000))).row.refusal_code, 'VENUE_FULL');
    assert.equal(await store.countOpen(s.db, 'v1', now + 5000 - DWELL_MS), 3);

    // Past the dwell, visits close by themselves (at entry + dwell) and places are free again.
    const later = now + DWELL_MS + 10_000;
    assert.equal((await ingestCheckin(s, entry('p1', later))).row.decision, 'admitted');
    const auto = await s.db
      .selectFrom('checkin')
      .select(['exit_kind', 'exited_at'])
      .where('id', '=', admitted[2]!.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(auto, { exit_kind: 'auto', exited_at: admitted[2]!.entered_at + DWELL_MS });
    assert.equal(await store.countOpen(s.db, 'v1', later - DWELL_MS), 1);

    // An unknown person fails alone; the scans beside it in the batch are stored.
    const mixed = await Promise.allSettled([
      ingestCheckin(s, entry('p2', later)),
      ingestCheckin(s, entry('nobody', later)),
      ingestCheckin(s, entry('p3', later)),
    ]);
    assert.deepEqual(
      mixed.map((m) => m.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(((mixed[1] as PromiseRejectedResult).reason as { code?: string }).code, 'PERSON_NOT_FOUND');

    // The same queued scan, and the same personal code at this door, answer with the first visit.
    const first = entry('p4', later + 1000, { sameScanSince: later + 500 });
    const stored = await ingestCheckin(s, first);
    assert.equal(stored.stored, true);
    assert.equal((await ingestCheckin(s, { ...first })).stored, false);
    const replay = await ingestCheckin(s, entry('p4', later + 20_000, { sameScanSince: later + 500 }));
    assert.deepEqual([replay.stored, replay.row.id], [false, stored.row.id]);
    assert.equal(await store.countOpen(s.db, 'v1', later + 20_000 - DWELL_MS), 3);
  } finally {
    await s.close(); // stops the writer thread: the test process ends by itself
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the writer thread reads the person's facts itself; an unexpected failure of one job leaves the rest of its batch stored", async () => {
  const { s, dir } = await fileServices();
  try {
    const now = Date.now();
    const reason = {
      fact: 'close_contact',
      since: now - 1000,
      rule: 'close-contact',
      colour: 'red',
      endsWhen: { kind: 'days', days: 7 },
      endsAt: now + 86_400_000,
      source: { type: 'contact', id: 'k1' },
      detail: {},
    };
    await s.db
      .insertInto('health_status')
      .values({
        person_id: 'p1',
        colour: 'red',
        reasons: JSON.stringify([reason]),
        ruleset_id: 'r',
        ruleset_version: '1',
        computed_at: now,
        changed_at: now,
        next_change_at: null,
        override_id: null,
        override_colour: null,
        override_until: null,
        test_source_id: 't1',
        test_sampled_at: now - 3_600_000,
        test_reported_at: now,
        test_result: 'negative',
        test_pooled: 1,
      })
      .execute();
    const red = await ingestCheckin(s, entry('p1', now, { facts: null }));
    assert.deepEqual(
      [red.row.decision, red.row.refusal_code, red.row.colour, red.row.test_sampled_at, red.row.test_result],
      ['refused', 'RED_CODE', 'red', now - 3_600_000, 'negative'],
    );
    assert.deepEqual(JSON.parse(red.row.reasons!), [{ code: 'RED_CODE', params: { facts: 'close_contact' } }]);
    const green = await ingestCheckin(s, entry('p2', now, { facts: null }));
    assert.deepEqual([green.row.decision, green.row.colour, green.row.test_result], ['admitted', 'green', null]);

    // A job that breaks a constraint after the venue's housekeeping ran (a row id already stored):
    // the batch is written again job by job, so only that job fails.
    const clash = entry('p3', now + 1);
    clash.row = { ...clash.row, id: green.row.id };
    const mixed = await Promise.allSettled([
      ingestCheckin(s, entry('p4', now + 1)),
      ingestCheckin(s, clash),
      ingestCheckin(s, entry('p5', now + 1)),
    ]);
    assert.deepEqual(
      mixed.map((m) => m.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((mixed[1] as PromiseRejectedResult).reason), /UNIQUE|PRIMARY/i);
    assert.equal(
      await store.countOpen(s.db, 'v1', now + 1 - DWELL_MS),
      3,
      'p2, p4 and p5 are in; the clash stored nothing',
    );
    assert.equal(
      (await ingestCheckin(s, entry('p6', now + 2))).row.refusal_code,
      'VENUE_FULL',
      'the in-memory count stayed exact',
    );
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a resident with dependants: written together or not at all; a second scan closes each visit', async () => {
  const { s, dir } = await fileServices();
  try {
    const now = Date.now();
    const family = (at: number, ids: string[]) =>
      ids.map((id) =>
        entry(id, at, {
          rescan: true,
          capacity: 10,
          row: { ...entry(id, at).row, method: id === ids[0] ? 'self' : 'dependant' },
        }),
      );
    // One member unknown: nobody of the group is stored, and the writer goes on.
    await assert.rejects(ingestCheckins(s, family(now, ['p1', 'nobody', 'p2'])), { code: 'PERSON_NOT_FOUND' });
    assert.equal(await store.countOpen(s.db, 'v1', now - DWELL_MS), 0);
    const [a, b] = await ingestCheckins(s, family(now, ['p1', 'p2']));
    assert.deepEqual([a!.row.decision, b!.row.decision, a!.stored, a!.exited], ['admitted', 'admitted', true, false]);
    // Within the grace period the same scan repeats its answer; later it closes the visits.
    const again = await ingestCheckins(s, family(now + 5_000, ['p1', 'p2']));
    assert.deepEqual(
      again.map((r) => [r.stored, r.exited, r.row.id]),
      [
        [false, false, a!.row.id],
        [false, false, b!.row.id],
      ],
    );
    const out = await ingestCheckins(s, family(now + 10 * 60_000, ['p1', 'p2']));
    assert.deepEqual(
      out.map((r) => [r.stored, r.exited, r.row.exit_kind, r.row.exited_at]),
      [
        [true, true, 'scan', now + 10 * 60_000],
        [true, true, 'scan', now + 10 * 60_000],
      ],
    );
    assert.equal(await store.countOpen(s.db, 'v1', now + 10 * 60_000 - DWELL_MS), 0);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
