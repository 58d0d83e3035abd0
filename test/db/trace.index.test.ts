// The visit index of contact tracing (trace.index.ts): loaded from the database it finds exactly what
// brute force over the raw rows finds, alone and in a batch, and stays exact when check-ins arrive,
// visits close and old check-ins are purged after it was loaded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, testServices, type TestServices } from '../support/services.ts';
import {
  anchor,
  at,
  bruteForceTrace,
  DAY,
  generatedCity,
  json,
  MIN,
  NOW,
  ONSET,
  ISOLATED,
  opts,
  personRow,
  variant,
  venueRow,
  visit,
} from '../support/tracing.city.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import type { RuleSet } from '../../src/rules/ruleset.schema.ts';
import { closeCheckin, deleteCheckinBatch } from '../../src/venues/venue.store.ts';
import type { FoundContact } from '../../src/tracing/tracing.rules.ts';
import { traceContacts, traceContactsBatch, type TraceAnchor } from '../../src/tracing/tracing.discovery.ts';
import { attachVisitIndex, detachVisitIndex, loadVisitIndex, visitIndexOf } from '../../src/tracing/trace.index.ts';

async function withIndex(s: TestServices): Promise<void> {
  attachVisitIndex(s.db, await loadVisitIndex(s.db, s.handle.sqlite));
}

/** The trace on the index (direct and secondary contacts) equals brute force; returns its venue contacts. */
async function assertExact(
  s: TestServices,
  r: RuleSet,
  personId: string,
  label: string,
  a: TraceAnchor = { ...anchor, personId },
): Promise<FoundContact[]> {
  const viaIndex = (await traceContacts(s.db, r, a, opts)).contacts;
  const expected = await bruteForceTrace(s, r, a);
  assert.deepEqual(json(viaIndex), json(expected), `${label} (${r.id}, ${personId}): index and brute force differ`);
  return viaIndex.filter((c) => c.basis === 'venue');
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
        assert.ok(
          visitIndexOf(await s.db.transaction().execute(async (trx) => trx)),
          'a transaction finds the index of its database',
        );
        for (const [i, r] of sets.entries()) {
          const found = await assertExact(s, r, 'case', 'loaded');
          assert.ok(found.length >= 10, `${r.id}: the generated data should make contacts (${found.length})`);
          const result = await traceContacts(s.db, r, anchor, opts);
          assert.deepEqual(json(result), json(sqlResults[i]), `${r.id}: index and SQL differ`);
          const secondary = result.contacts.filter((c) => c.basis === 'secondary');
          if (r.secondaryContacts.identified) {
            const via = (v: string) => secondary.filter((c) => c.evidence.via === v).length;
            assert.ok(
              via('venue') >= 20 && via('household') >= 1,
              `${r.id}: the generated data should make secondary contacts both ways (${via('venue')}, ${via('household')})`,
            );
          } else assert.equal(secondary.length, 0, `${r.id} identifies no secondary contacts`);
        }
        // Other cases, alone: a household with members, another anchor, a window ending earlier.
        const anchors: TraceAnchor[] = [
          anchor,
          { personId: 'p001', onsetAt: ONSET - DAY, isolatedAt: ISOLATED },
          { personId: 'p002', sampledAt: ONSET, isolatedAt: ISOLATED - DAY },
        ];
        for (const a of anchors.slice(1)) await assertExact(s, nine, a.personId, 'another case', a);
        // A batch gives what each trace alone gives.
        for (const r of [nine, ruleSetById('20-measures')]) {
          const batch = await traceContactsBatch(s.db, r, anchors, opts);
          for (const [i, a] of anchors.entries())
            assert.deepEqual(
              json(batch[i]),
              json(await traceContacts(s.db, r, a, opts)),
              `${r.id}: batch differs for ${a.personId}`,
            );
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
        // New check-ins at the case's venues, one in a venue the index never saw, and by people it never saw
        // (numbered after the load: their place in the order of contacts comes from their ids).
        const grid = (
          await s.db.selectFrom('area').select('id').where('code', '=', AREAS.wenyuanGrid).executeTakeFirstOrThrow()
        ).id;
        await s.db
          .insertInto('venue')
          .values(venueRow('N', grid, 'office'))
          .execute();
        await s.db
          .insertInto('person')
          .values([personRow('a-newcomer', grid, null), personRow('zz-newcomer', grid, null)])
          .execute();
        await s.db
          .insertInto('checkin')
          .values([
            visit('O', 'case', T, T + 60 * MIN),
            visit('O', 'p010', T + 5 * MIN, T + 50 * MIN),
            visit('O', 'a-newcomer', T + 5 * MIN, T + 50 * MIN),
            visit('O', 'zz-newcomer', T + 5 * MIN, T + 50 * MIN),
            visit('N', 'case', T + 2 * 60 * MIN, T + 3 * 60 * MIN),
            visit('N', 'p011', T + 2 * 60 * MIN, T + 3 * 60 * MIN),
          ])
          .execute();
        let found = await assertExact(s, nine, 'case', 'after new check-ins');
        assert.ok(['p010', 'p011', 'a-newcomer', 'zz-newcomer'].every((p) => found.some((c) => c.personId === p)));
        assert.ok(visitIndexOf(s.db)!.stats().reloadedVenues >= 2);

        // Close every open visit at entry + 1 minute: the gym's e8/e9 no longer meet the case.
        const open = await s.db
          .selectFrom('checkin')
          .select(['id', 'entered_at'])
          .where('exited_at', 'is', null)
          .where('decision', '=', 'admitted')
          .execute();
        assert.ok(open.length > 0);
        for (const o of open) assert.ok(await closeCheckin(s.db, o.id, Number(o.entered_at) + MIN, 'scan'));
        found = await assertExact(s, nine, 'case', 'after closing open visits');
        assert.ok(!found.some((c) => c.personId === 'e8'));

        // Purge everything entered before the 19th: the window still reaches back, the rows are gone.
        while ((await deleteCheckinBatch(s.db, at('2022-03-19T00:00:00+08:00'), 500)) > 0);
        found = await assertExact(s, nine, 'case', 'after the purge');
        assert.ok(!found.some((c) => c.personId === 'e1'), 'a purged visit is not found');
        // A trace inside a transaction sees the transaction's own writes too.
        await s.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('checkin')
            .values([visit('O', 'case', T + DAY, T + DAY + 60 * MIN), visit('O', 'p012', T + DAY, T + DAY + 60 * MIN)])
            .execute();
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
