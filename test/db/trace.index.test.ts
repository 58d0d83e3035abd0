// The visit index of contact tracing (trace.index.ts): loaded from the database it finds exactly what
// brute force over the raw rows finds, alone and in a batch, and stays exact when check-ins arrive,
// visits close and old check-ins are purged after it was loaded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import type { CheckinTable, PersonTable, VenueTable } from '../../src/db/database.ts';
import { newId } from '../../src/platform/crypto.ts';
import { Random } from '../../src/sim/random.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { contactWindow, type Interval } from '../../src/rules/ruleset.rules.ts';
import type { RuleSet } from '../../src/rules/ruleset.schema.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';
import { dwellMinutesOf } from '../../src/venues/venue.rules.ts';
import { closeCheckin, deleteCheckinBatch } from '../../src/venues/venue.store.ts';
import { encounter, venueContacts, type Encounter, type FoundContact } from '../../src/tracing/tracing.rules.ts';
import { traceContacts, traceContactsBatch } from '../../src/tracing/tracing.discovery.ts';
import { attachVisitIndex, detachVisitIndex, loadVisitIndex, visitIndexOf } from '../../src/tracing/trace.index.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

// The clock of every test: 2022-03-24 08:00 (+08:00). The case: onset 03-20 10:00, isolated 03-22 12:00.
const NOW = at('2022-03-24T08:00:00+08:00');
const ONSET = at('2022-03-20T10:00:00+08:00');
const ISOLATED = at('2022-03-22T12:00:00+08:00');
const W0 = at('2022-03-16T00:00:00+08:00'); // 9th edition: 4 days before onset
const W1 = ISOLATED;



function personRow(id: string, areaId: string, householdId: string | null, name = id): PersonTable {
  return {
    id, household_id: householdId, area_id: areaId, name, id_type: 'none', id_enc: null, id_hmac: null, birth_date: null, sex: null,
    phone_enc: null, phone_hmac: null, relation: '', elderly_alone: 0, bedridden: 0, pregnant: 0, dialysis: 0, no_smartphone: 0,
    note: '', created_at: NOW - 30 * DAY, updated_at: NOW - 30 * DAY,
  };
}

function venueRow(id: string, areaId: string, category: string, dwell: number | null = null): VenueTable {
  return {
    id, name: `venue ${id}`, category, address: '', area_id: areaId, capacity: 1000, operator_user_id: null, status: 'approved',
    approved_by: null, approved_at: null, code_version: 1, requires_presence: 0, dwell_minutes: dwell, created_at: NOW - 30 * DAY, updated_at: NOW - 30 * DAY,
  };
}

let seq = 0;
function visit(venueId: string, personId: string, enteredAt: number, exitedAt: number | null, decision = 'admitted'): CheckinTable {
  seq++;
  return {
    id: seq % 2 ? newId(enteredAt) : `ck${String(seq).padStart(7, '0')}`, venue_id: venueId, person_id: personId, client_id: null, method: 'assisted',
    entered_at: enteredAt, exited_at: exitedAt, exit_kind: exitedAt === null ? null : 'scan', decision,
    refusal_code: decision === 'admitted' ? null : 'NO_RECENT_TEST', colour: 'green', reasons: null,
    test_sampled_at: null, test_result: null, vaccinated: null, created_at: enteredAt,
  };
}

async function insertAll<T extends 'person' | 'venue' | 'checkin' | 'household'>(s: TestServices, table: T, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await s.db.insertInto(table).values(rows.slice(i, i + 200) as never).execute();
}

async function household(s: TestServices, id: string, areaId: string): Promise<void> {
  await s.db.insertInto('household').values({
    id, building_id: null, area_id: areaId, unit: '', door: id, address: `addr ${id}`, rooms: null, head_person_id: null, created_at: NOW, updated_at: NOW,
  }).execute();
}

/** The generated city: the case person, hand-made edge cases around the window, and random visits. */
async function generatedCity(s: TestServices, seed: number) {
  const areas = await seedTestAreas(s);
  const grid = areas[AREAS.wenyuanGrid]!;
  const rnd = new Random(seed, 'tracing');
  await household(s, 'h-case', grid);
  const persons: PersonTable[] = [personRow('case', grid, 'h-case'), personRow('mate1', grid, 'h-case'), personRow('mate2', grid, 'h-case')];
  for (let i = 0; i < 300; i++) persons.push(personRow(`p${String(i).padStart(3, '0')}`, grid, null));
  for (let i = 1; i <= 13; i++) persons.push(personRow(`e${i}`, grid, null));
  await insertAll(s, 'person', persons);
  const venues = [
    venueRow('O', grid, 'office'), venueRow('R', grid, 'restaurant', 200), venueRow('S', grid, 'supermarket'),
    venueRow('T', grid, 'transport_hub'), venueRow('P', grid, 'pharmacy'), venueRow('G', grid, 'gym'),
  ];
  await insertAll(s, 'venue', venues);

  const T2 = at('2022-03-18T10:00:00+08:00');
  const T4 = at('2022-03-19T18:00:00+08:00');
  const T5 = at('2022-03-20T12:00:00+08:00');
  const visits: CheckinTable[] = [
    // Exactly at the window start.
    visit('O', 'case', W0, W0 + 60 * MIN), visit('O', 'e1', W0, W0 + 60 * MIN),
    // Case [T2, T2+20] padded to +40; e2 padded [T2+25, T2+45]: exactly 15 min. e3 1 ms later: short of it.
    visit('S', 'case', T2, T2 + 20 * MIN), visit('S', 'e2', T2 + 25 * MIN, T2 + 35 * MIN), visit('S', 'e3', T2 + 25 * MIN + 1, T2 + 35 * MIN + 1),
    // Before the window: the case's padded visit ends exactly at its start.
    visit('P', 'case', W0 - 40 * MIN, W0 - 20 * MIN), visit('P', 'e4', W0 - 40 * MIN, W0 - 20 * MIN),
    // After isolation by 1 ms; and across the window end (clipped): e6 exactly 15 min inside, e7 1 ms short.
    visit('T', 'case', W1 + 1, W1 + 40 * MIN), visit('T', 'e5', W1 + 1, W1 + 40 * MIN),
    visit('T', 'case', W1 - 15 * MIN, W1 + 30 * MIN), visit('T', 'e6', W1 - 15 * MIN, W1 + 30 * MIN), visit('T', 'e7', W1 - 15 * MIN + 1, W1 + 30 * MIN),
    // Open visits: the gym's dwell (90) ends them; e8 shares 20 min, e9 14.
    visit('G', 'case', T4, null), visit('G', 'e8', T4 + 100 * MIN, null), visit('G', 'e9', T4 + 106 * MIN, null),
    // The restaurant's own dwell (200 min, not the category's 90): e10 exactly 15 min, e11 1 ms short.
    visit('R', 'case', T5, null), visit('R', 'e10', T5 + 215 * MIN, T5 + 240 * MIN), visit('R', 'e11', T5 + 215 * MIN + 1, T5 + 240 * MIN),
    // Refused at the door, and too short to count.
    visit('O', 'e12', W0, W0 + 60 * MIN, 'refused'), visit('O', 'e13', W0 + 10 * MIN, W0 + 15 * MIN),
  ];

  // Random visits over ten days, exits within each venue's dwell (the venue module's rule), some open,
  // some refused; the case visits more often.
  const dwell = (v: VenueTable) => dwellMinutesOf(v.dwell_minutes, venueCategories().categories.get(v.category)!.defaultDwellMinutes);
  const from = NOW - 10 * DAY;
  const randomVisit = (personId: string) => {
    const v = rnd.pick(venues);
    const entered = from + rnd.int(0, 10 * 24 * 60) * MIN + (rnd.chance(0.3) ? rnd.int(0, MIN - 1) : 0);
    const exit = rnd.chance(0.2) ? null : entered + rnd.int(0, dwell(v)) * MIN;
    visits.push(visit(v.id, personId, entered, exit, rnd.chance(0.05) ? 'refused' : 'admitted'));
  };
  for (let i = 0; i < 40; i++) randomVisit('case');
  for (const p of persons.slice(3, 303)) for (let i = rnd.int(4, 12); i > 0; i--) randomVisit(p.id);
  await insertAll(s, 'checkin', visits);
  return { areas, grid };
}

/** Every pair of visits, by brute force over the raw rows, with the rule set's own functions. */
async function bruteForce(s: TestServices, r: RuleSet, personId: string, window: Interval): Promise<FoundContact[]> {
  const venues = new Map((await s.db.selectFrom('venue').selectAll().execute()).map((v) => [v.id, v]));
  const all = (await s.db.selectFrom('checkin').selectAll().execute()).filter((c) => c.decision === 'admitted');
  const mine = all.filter((c) => c.person_id === personId);
  const found: Array<Encounter & { personId: string }> = [];
  for (const a of mine) {
    const v = venues.get(a.venue_id)!;
    const facts = { id: v.id, name: v.name, category: v.category, dwellMinutes: dwellMinutesOf(v.dwell_minutes === null ? null : Number(v.dwell_minutes), venueCategories().categories.get(v.category)!.defaultDwellMinutes) };
    for (const o of all) {
      if (o.venue_id !== a.venue_id || o.person_id === personId) continue;
      const e = encounter(r, window, facts,
        { checkinId: a.id, personId, enteredAt: Number(a.entered_at), exitedAt: a.exited_at === null ? null : Number(a.exited_at) },
        { checkinId: o.id, personId: o.person_id, enteredAt: Number(o.entered_at), exitedAt: o.exited_at === null ? null : Number(o.exited_at) });
      if (e) found.push({ ...e, personId: o.person_id });
    }
  }
  return venueContacts(found);
}

const opts = { now: NOW, timeZone: 'Asia/Shanghai', retentionDays: 28 };
const anchor = { personId: 'case', onsetAt: ONSET, isolatedAt: ISOLATED };
const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

function variant(base: RuleSet): RuleSet {
  return {
    ...base, id: 'variant', version: 'test',
    venueCoPresence: { ...base.venueCoPresence, minimumOverlapMinutes: 7, padding: { dropVisitsShorterThanMinutes: 3, padFactor: 0.5, padCapMinutes: 12 } },
  };
}

async function withIndex(s: TestServices): Promise<void> {
  attachVisitIndex(s.db, await loadVisitIndex(s.db, s.handle.sqlite));
}

async function assertExact(s: TestServices, r: RuleSet, personId: string, label: string): Promise<FoundContact[]> {
  const a = { ...anchor, personId };
  const window = contactWindow(r, a, opts.timeZone, NOW);
  const viaIndex = (await traceContacts(s.db, r, a, opts)).contacts.filter((c) => c.basis === 'venue');
  const expected = await bruteForce(s, r, personId, window);
  assert.deepEqual(json(viaIndex), json(expected), `${label} (${r.id}, ${personId}): index and brute force differ`);
  return viaIndex;
}

for (const { dialect, skip } of await dialects()) {
  describe(`visit index [${dialect}]`, { skip }, () => {
    test('finds exactly what brute force and the SQL join find, alone and in a batch, under every rule set', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        await generatedCity(s, 20220324);
        const nine = ruleSetById('9th-edition');
        const sets = [nine, ruleSetById('8th-edition'), ruleSetById('20-measures'), variant(nine)];
        const sqlResults = [];
        for (const r of sets) sqlResults.push(await traceContacts(s.db, r, anchor, opts));
        await withIndex(s);
        assert.ok(visitIndexOf(s.db));
        assert.ok(visitIndexOf(await s.db.transaction().execute(async (trx) => trx)), 'a transaction finds the index of its database');
        for (const [i, r] of sets.entries()) {
          const found = await assertExact(s, r, 'case', 'loaded');
          assert.ok(found.length >= 10, `${r.id}: the generated data should make contacts (${found.length})`);
          assert.deepEqual(json(await traceContacts(s.db, r, anchor, opts)), json(sqlResults[i]), `${r.id}: index and SQL differ`);
        }
        // A batch gives what each trace alone gives.
        const anchors = [anchor, { personId: 'p001', onsetAt: ONSET - DAY, isolatedAt: ISOLATED }, { personId: 'p002', sampledAt: ONSET, isolatedAt: ISOLATED - DAY }];
        for (const r of [nine, ruleSetById('20-measures')]) {
          const batch = await traceContactsBatch(s.db, r, anchors, opts);
          for (const [i, a] of anchors.entries()) assert.deepEqual(json(batch[i]), json(await traceContacts(s.db, r, a, opts)), `${r.id}: batch differs for ${a.personId}`);
          detachVisitIndex(s.db);
          const sqlBatch = await traceContactsBatch(s.db, r, anchors, opts);
          await withIndex(s);
          assert.deepEqual(json(sqlBatch), json(batch), `${r.id}: the batch without the index differs`);
        }
        assert.equal(visitIndexOf(s.db)!.stats().reloadedVenues, 0, 'nothing changed: no venue is read again');
      } finally {
        detachVisitIndex(s.db);
        await s.close();
      }
    });

    test('stays exact after new check-ins, visits closed and a purge since it was loaded', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        await generatedCity(s, 7);
        await withIndex(s);
        const nine = ruleSetById('9th-edition');
        const T = at('2022-03-19T09:00:00+08:00');
        // New check-ins at the case's venues, one in a venue the index never saw.
        await s.db.insertInto('venue').values(venueRow('N', (await s.db.selectFrom('area').select('id').where('code', '=', AREAS.wenyuanGrid).executeTakeFirstOrThrow()).id, 'office')).execute();
        await s.db.insertInto('checkin').values([
          visit('O', 'case', T, T + 60 * MIN), visit('O', 'p010', T + 5 * MIN, T + 50 * MIN),
          visit('N', 'case', T + 2 * 60 * MIN, T + 3 * 60 * MIN), visit('N', 'p011', T + 2 * 60 * MIN, T + 3 * 60 * MIN),
        ]).execute();
        let found = await assertExact(s, nine, 'case', 'after new check-ins');
        assert.ok(found.some((c) => c.personId === 'p010') && found.some((c) => c.personId === 'p011'));
        assert.ok(visitIndexOf(s.db)!.stats().reloadedVenues >= 2);

        // Close every open visit at entry + 1 minute: the gym's e8/e9 no longer meet the case.
        const open = await s.db.selectFrom('checkin').select(['id', 'entered_at']).where('exited_at', 'is', null).where('decision', '=', 'admitted').execute();
        assert.ok(open.length > 0);
        for (const o of open) assert.ok(await closeCheckin(s.db, o.id, Number(o.entered_at) + MIN, 'scan'));
        found = await assertExact(s, nine, 'case', 'after closing open visits');
        assert.ok(!found.some((c) => c.personId === 'e8'));

        // Purge everything entered before the 19th: the window still reaches back, the rows are gone.
        while (await deleteCheckinBatch(s.db, at('2022-03-19T00:00:00+08:00'), 500) > 0);
        found = await assertExact(s, nine, 'case', 'after the purge');
        assert.ok(!found.some((c) => c.personId === 'e1'), 'a purged visit is not found');
        // A trace inside a transaction sees the transaction's own writes too.
        await s.db.transaction().execute(async (trx) => {
          await trx.insertInto('checkin').values([visit('O', 'case', T + DAY, T + DAY + 60 * MIN), visit('O', 'p012', T + DAY, T + DAY + 60 * MIN)]).execute();
          const inside = (await traceContacts(trx, nine, anchor, opts)).contacts;
          assert.ok(inside.some((c) => c.personId === 'p012'));
        });
        await assertExact(s, nine, 'case', 'after the transaction');
      } finally {
        detachVisitIndex(s.db);
        await s.close();
      }
    });
  });
}
