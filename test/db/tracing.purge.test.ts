// Contacts are records, not a cache: after check-ins are purged, re-tracing a case (as confirming a
// contact does) keeps the contacts found before, with their stored evidence marked as purged and their
// call tasks, and still adds what it newly finds; what it removed before (evidence still in the table
// that no longer qualifies, a corrected case time) it still removes. The "window reaches past the data"
// warning comes from the purges recorded, also when one ran with a shorter retention than the server's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { actorOf, AREAS, seedTestAreas, testServices } from '../support/services.ts';
import {
  at,
  DAY,
  household,
  insertAll,
  ISOLATED,
  MIN,
  NOW,
  ONSET,
  opts,
  personRow,
  venueRow,
  visit,
  W0,
} from '../support/tracing.city.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import type { Services } from '../../src/services.ts';
import type { Encounter, PurgedMark } from '../../src/tracing/tracing.rules.ts';
import * as tracing from '../../src/tracing/tracing.service.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';

type Evidence = { encounters?: Encounter[]; checkinsPurged?: PurgedMark };

for (const { dialect, skip } of await dialects()) {
  describe(`re-tracing after a purge [${dialect}]`, { skip }, () => {
    test('keeps the contacts found before and their call tasks, marks their evidence purged, adds what is new, removes only what no longer qualifies', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        const areas = await seedTestAreas(s);
        const grid = areas[AREAS.wenyuanGrid]!;
        await household(s, 'h1', grid);
        await household(s, 'h2', grid);
        await insertAll(s, 'person', [
          personRow('case', grid, 'h1'),
          personRow('mate', grid, 'h1'),
          personRow('colleague', grid, 'h2'),
          personRow('spouse', grid, 'h2'),
          personRow('coworker', grid, null),
          personRow('deskmate', grid, null),
          personRow('shopper', grid, null),
          personRow('gymmate', grid, null),
          personRow('late', grid, null),
          personRow('split', grid, null),
          personRow('newcomer', grid, null),
        ]);
        await insertAll(s, 'venue', [
          venueRow('O', grid, 'office'),
          venueRow('G', grid, 'gym'),
          venueRow('S', grid, 'supermarket'),
        ]);
        // The 16th: the office (close candidates), the supermarket (general), the colleague at the gym that
        // evening (a secondary contact once the colleague is confirmed). The 21st: the office again.
        const d16 = at('2022-03-16T09:00:00+08:00');
        const d21 = at('2022-03-21T09:00:00+08:00');
        await insertAll(s, 'checkin', [
          visit('O', 'case', d16, d16 + 8 * 60 * MIN),
          visit('O', 'colleague', d16, d16 + 8 * 60 * MIN),
          visit('O', 'coworker', d16, d16 + 8 * 60 * MIN),
          visit('O', 'deskmate', d16, d16 + 8 * 60 * MIN),
          visit('S', 'case', d16 + 9 * 60 * MIN, d16 + 9.5 * 60 * MIN),
          visit('S', 'shopper', d16 + 9 * 60 * MIN, d16 + 9.5 * 60 * MIN),
          visit('G', 'colleague', d16 + 10 * 60 * MIN, d16 + 11 * 60 * MIN),
          visit('G', 'gymmate', d16 + 10 * 60 * MIN, d16 + 11 * 60 * MIN),
          // The split contact met the case on both days: the 16th's encounter is purged, the 21st's stays.
          visit('O', 'split', d16 + 60 * MIN, d16 + 3 * 60 * MIN),
          visit('O', 'case', d21, d21 + 4 * 60 * MIN),
          visit('O', 'late', d21, d21 + 4 * 60 * MIN),
          visit('O', 'split', d21, d21 + 20 * MIN),
        ]);
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');
        const investigator = await actorOf(s, 'investigator', AREAS.city);
        const detail = await tracing.registerCase(s, investigator, {
          personId: 'case',
          classification: 'confirmed',
          onsetAt: ONSET,
          source: 'fever_clinic',
          isolatedAt: ISOLATED,
        });
        const caseId = detail.case.id;
        assert.equal(detail.trace!.purgedBefore, null, 'nothing purged yet');
        const list = async () =>
          Object.fromEntries(
            (await tracing.listContacts(s, investigator, caseId, {}, { limit: 100, offset: 0 })).items.map((c) => [
              c.person.id,
              c,
            ]),
          );
        let contacts = await list();
        await tracing.reviewContact(s, investigator, contacts.colleague!.id, {
          decision: 'confirm',
          reason: 'same open-plan office',
        });
        contacts = await list();
        assert.deepEqual(Object.keys(contacts).sort(), [
          'colleague',
          'coworker',
          'deskmate',
          'gymmate',
          'late',
          'mate',
          'shopper',
          'split',
          'spouse',
        ]);
        assert.equal(contacts.split!.class, 'close');
        assert.deepEqual(contacts.split!.firstExposureAt, d16 + 60 * MIN);
        const tasks = async () =>
          Object.fromEntries(
            (
              await s.db
                .selectFrom('call_task')
                .select(['id', 'contact_id', 'status'])
                .where('case_id', '=', caseId)
                .execute()
            ).map((t) => [t.contact_id, { id: t.id, status: t.status }]),
          );
        const tasksBefore = await tasks();
        assert.equal(Object.keys(tasksBefore).length, 9);

        // A purge from the command line with a 7-day retention; the server runs with 28.
        assert.equal(s.config.retentionDays, 28);
        const cli: Services = { ...s, config: { ...s.config, retentionDays: 7 } };
        const cutoff = NOW - 7 * DAY;
        const purge = await purgeCheckins(cli, undefined, {
          actor: { id: null, name: 'cli:operator', role: 'system' },
        });
        assert.equal(purge.before, cutoff);
        assert.equal(purge.checkins, 9, 'every visit of the 16th');
        const records = await s.db.selectFrom('checkin_purge').selectAll().execute();
        assert.deepEqual(
          records.map((r) => [Number(r.before), Number(r.retention_days), Number(r.checkins)]),
          [[cutoff, 7, 9]],
        );
        assert.ok(W0 < cutoff);

        // Confirming the deskmate traces the case again: nothing is lost.
        await tracing.reviewContact(s, investigator, contacts.deskmate!.id, {
          decision: 'confirm',
          reason: 'shares the desk',
        });
        const after = await list();
        assert.deepEqual(
          Object.fromEntries(Object.entries(after).map(([k, c]) => [k, c.id])),
          Object.fromEntries(Object.entries(contacts).map(([k, c]) => [k, c.id])),
          'the same contacts, the same records',
        );
        assert.deepEqual(await tasks(), tasksBefore, 'no call task withdrawn');
        for (const who of ['coworker', 'shopper', 'colleague', 'deskmate', 'gymmate']) {
          const c = after[who]!;
          const ev = c.evidence as Evidence;
          assert.deepEqual(
            ev.checkinsPurged,
            { before: cutoff, encounters: 1 },
            `${who}: the evidence says its visits are purged`,
          );
          assert.equal(ev.encounters!.length, 1, `${who}: the stored encounter kept`);
          assert.equal(ev.encounters![0]!.caseVisit.purged ?? ev.encounters![0]!.contactVisit.purged, true);
          assert.deepEqual(
            [c.class, c.firstExposureAt, c.lastExposureAt],
            [contacts[who]!.class, contacts[who]!.firstExposureAt, contacts[who]!.lastExposureAt],
            `${who}: the same contact`,
          );
          assert.deepEqual(
            ev.encounters,
            (contacts[who]!.evidence as Evidence).encounters!.map((e) => ({
              ...e,
              caseVisit: { ...e.caseVisit, purged: true },
              contactVisit: { ...e.contactVisit, purged: true },
            })),
            `${who}: the stored encounter, its visits marked`,
          );
        }
        assert.equal(after.coworker!.candidate, true, 'still a candidate for the investigator');
        assert.equal(after.coworker!.review.status, 'pending');
        assert.equal(after.gymmate!.sourceContactId, contacts.colleague!.id);
        // The split contact: the purged encounter kept beside the one still in the table, the class it made kept.
        const split = after.split!.evidence as Evidence;
        assert.deepEqual(split.checkinsPurged, { before: cutoff, encounters: 1 });
        assert.deepEqual(
          split.encounters!.map((e) => [e.overlapStart >= cutoff, Boolean(e.contactVisit.purged)]),
          [
            [false, true],
            [true, false],
          ],
        );
        assert.equal(after.split!.firstExposureAt, d16 + 60 * MIN);
        assert.equal(
          (after.late!.evidence as Evidence).checkinsPurged,
          undefined,
          'evidence still in the table is not marked',
        );

        // The trace summary says how far back the data is gone, from the purge recorded.
        const again = await tracing.retraceCase(s, investigator, caseId);
        assert.equal(again.trace!.purgedBefore, cutoff, 'the window reaches past the check-ins the 7-day purge left');
        assert.equal(again.trace!.removed, 0);
        assert.equal(again.trace!.keptPurged, 6);
        const dry = await tracing.dryTrace(s, SYSTEM_ACTOR, { personId: 'case', onsetAt: ONSET, isolatedAt: ISOLATED });
        assert.equal(dry.purgedBefore, cutoff);
        assert.ok(!dry.contacts.some((c) => c.personId === 'coworker'), 'a dry trace shows what the table holds');
        assert.equal(
          (
            await tracing.traceContacts(
              s.db,
              ruleSetById('9th-edition'),
              { personId: 'case', onsetAt: at('2022-03-23T08:00:00+08:00') },
              opts,
            )
          ).purgedBefore,
          null,
          'a window inside the data says nothing',
        );

        // Newly found contacts still come in (a check-in that reached the server late).
        const d22 = at('2022-03-22T08:00:00+08:00');
        await insertAll(s, 'checkin', [
          visit('O', 'case', d22, d22 + 2 * 60 * MIN),
          visit('O', 'newcomer', d22, d22 + 2 * 60 * MIN),
        ]);
        const withNew = await tracing.retraceCase(s, investigator, caseId);
        assert.equal(withNew.trace!.removed, 0);
        const found = await list();
        assert.equal(found.newcomer!.class, 'close');
        assert.equal(Object.keys(found).length, 10);
        assert.equal((await tasks())[found.newcomer!.id]!.status, 'pending', 'the new contact gets its call task');

        // Evidence still in the table that no longer qualifies goes as before: the late contact's
        // check-in corrected to a 5-minute visit.
        const lateCheckin = (after.late!.evidence as Evidence).encounters![0]!.contactVisit.checkinId;
        await s.db
          .updateTable('checkin')
          .set({ exited_at: d21 + 5 * MIN })
          .where('id', '=', lateCheckin)
          .execute();
        const corrected = await tracing.retraceCase(s, investigator, caseId);
        assert.equal(corrected.trace!.removed, 1);
        assert.equal((await list()).late, undefined);
        assert.equal((await tasks())[after.late!.id]!.status, 'withdrawn');

        // A corrected case time still decides what counts: onset on the 22nd starts the window on the
        // 18th, so the purged encounters of the 16th no longer count and their unreviewed contacts go
        // (the reviewed ones stay, as a review always does).
        const moved = await tracing.updateCaseTimes(s, investigator, caseId, {
          onsetAt: at('2022-03-22T06:00:00+08:00'),
          reason: 'onset corrected after interview',
        });
        const left = await list();
        assert.equal(left.coworker, undefined);
        assert.equal(left.shopper, undefined);
        assert.equal(left.colleague!.review.status, 'confirmed');
        assert.equal(left.deskmate!.review.status, 'confirmed');
        assert.equal(left.split!.firstExposureAt, d21, 'the encounter inside the new window alone');
        assert.equal((left.split!.evidence as Evidence).checkinsPurged, undefined);
        assert.ok(moved.trace!.removed >= 2);
        assert.equal(moved.trace!.purgedBefore, null, 'the new window starts after the cutoff');
      } finally {
        await s.close();
      }
    });
  });
}
