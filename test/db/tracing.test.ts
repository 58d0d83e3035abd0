import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { actorOf, AREAS, seedTestAreas, testServices } from '../support/services.ts';
import { hasCode } from '../support/errors.ts';
import {
  anchor,
  at,
  bruteForce,
  bruteForceTrace,
  DAY,
  generatedCity,
  household,
  insertAll,
  isolatedCase,
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
  W0,
  W1,
} from '../support/tracing.city.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { contactWindow, type Interval } from '../../src/rules/ruleset.rules.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import type { Encounter } from '../../src/tracing/tracing.rules.ts';
import * as tracing from '../../src/tracing/tracing.service.ts';
import { purgeCheckins } from '../../src/venues/venue.service.ts';

for (const { dialect, skip } of await dialects()) {
  describe(`contact tracing [${dialect}]`, { skip }, () => {
    test('the SQL interval join finds exactly the contacts brute force finds, edges included, under every rule set', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        await generatedCity(s, 20220324);
        const nine = ruleSetById('9th-edition');
        for (const r of [nine, ruleSetById('8th-edition'), ruleSetById('20-measures'), variant(nine)]) {
          const result = await tracing.traceContacts(s.db, r, anchor, opts);
          const window = contactWindow(r, anchor, opts.timeZone, NOW);
          assert.deepEqual(
            { start: result.window.start, end: result.window.end },
            { start: window.start, end: window.end },
          );
          const sqlVenue = result.contacts.filter((c) => c.basis === 'venue');
          const expected = await bruteForce(s, r, 'case', window);
          assert.ok(expected.length >= 10, `${r.id}: the generated data should make contacts (${expected.length})`);
          assert.deepEqual(json(sqlVenue), json(expected), `${r.id}: SQL and brute force differ`);
          assert.deepEqual(
            result.contacts.filter((c) => c.basis === 'household').map((c) => [c.personId, c.class, c.candidate]),
            [
              ['mate1', 'close', false],
              ['mate2', 'close', false],
            ],
          );
          // The whole trace, secondary contacts included.
          assert.deepEqual(
            json(result.contacts),
            json(await bruteForceTrace(s, r, anchor)),
            `${r.id}: the trace and brute force differ`,
          );
          assert.equal(result.parameters.ruleSet.id, r.id);
        }

        // The edges, stated on their own (9th edition) so that a fault shared by both sides still fails.
        const result = await tracing.traceContacts(s.db, nine, anchor, opts);
        const byPerson = new Map(result.contacts.filter((c) => c.basis === 'venue').map((c) => [c.personId, c]));
        assert.equal(byPerson.get('e1')?.class, 'close', 'a visit exactly at the window start counts');
        assert.equal(byPerson.get('e1')?.candidate, true);
        assert.equal(byPerson.get('e1')?.firstExposureAt, W0);
        assert.equal(byPerson.get('e1')?.reasonCode, 'same_office_workshop_classroom');
        const e2 = byPerson.get('e2')!;
        assert.equal(e2.class, 'general');
        const enc = (e2.evidence.encounters as Encounter[])[0]!;
        assert.equal(enc.overlapMinutes, 15);
        assert.equal(enc.venueId, 'S');
        assert.deepEqual(enc.caseVisit.counted, {
          start: at('2022-03-18T10:00:00+08:00'),
          end: at('2022-03-18T10:40:00+08:00'),
        });
        assert.equal(byPerson.has('e3'), false, '1 ms short of the minimum after padding');
        assert.equal(byPerson.has('e4'), false, 'before the window');
        assert.equal(byPerson.has('e5'), false, '1 ms after isolation');
        assert.equal(byPerson.get('e6')?.class, 'general', 'clipped to the window end, exactly the minimum');
        assert.equal(byPerson.get('e6')?.lastExposureAt, W1);
        assert.equal(byPerson.has('e7'), false);
        assert.equal(byPerson.get('e8')?.class, 'close', 'open visits end at the dwell');
        assert.equal((byPerson.get('e8')!.evidence.encounters as Encounter[])[0]!.caseVisit.exitRecorded, false);
        assert.equal(byPerson.has('e9'), false);
        assert.equal(byPerson.get('e10')?.reasonCode, 'shared_meal', "the venue's own dwell applies");
        assert.equal(byPerson.has('e11'), false);
        assert.equal(byPerson.has('e12'), false, 'refused at the door');
        assert.equal(byPerson.has('e13'), false, 'too short to count');
        assert.equal(result.purgedBefore, null);
      } finally {
        await s.close();
      }
    });

    test('a case registered: household → close, venue → candidates, secondary contacts on for the 9th edition and off for the 20 measures', async () => {
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
          personRow('child', grid, 'h2'),
          personRow('gymmate', grid, null),
          personRow('shopper', grid, null),
          personRow('latecomer', grid, null),
          personRow('marketmate', grid, null),
        ]);
        await insertAll(s, 'venue', [
          venueRow('O', grid, 'office'),
          venueRow('G', grid, 'gym'),
          venueRow('S', grid, 'supermarket'),
        ]);
        const day = at('2022-03-19T09:00:00+08:00');
        await insertAll(s, 'checkin', [
          visit('O', 'case', day, day + 8 * 60 * MIN),
          visit('O', 'colleague', day, day + 8 * 60 * MIN),
          visit('S', 'case', day + 9 * 60 * MIN, day + 9.5 * 60 * MIN),
          visit('S', 'shopper', day + 9 * 60 * MIN, day + 9.5 * 60 * MIN),
          // The colleague at the gym the next day: the gymmate is a secondary contact (a close contact of the colleague);
          // at the supermarket (a general category) the marketmate is not; after the colleague's own isolation nobody is.
          visit('G', 'colleague', day + DAY, day + DAY + 60 * MIN),
          visit('G', 'gymmate', day + DAY, day + DAY + 60 * MIN),
          visit('S', 'colleague', day + DAY + 2 * 60 * MIN, day + DAY + 3 * 60 * MIN),
          visit('S', 'marketmate', day + DAY + 2 * 60 * MIN, day + DAY + 3 * 60 * MIN),
          visit('G', 'colleague', day + 2 * DAY + 60 * MIN, day + 2 * DAY + 2 * 60 * MIN),
          visit('G', 'latecomer', day + 2 * DAY + 60 * MIN, day + 2 * DAY + 2 * 60 * MIN),
        ]);
        // The colleague became a case of their own and was isolated on the 21st.
        const colleagueIsolated = day + 2 * DAY;
        await insertAll(s, 'case_record', [isolatedCase('case-colleague', 'colleague', colleagueIsolated)]);
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');
        const investigator = await actorOf(s, 'investigator', AREAS.city);
        const detail = await tracing.registerCase(s, investigator, {
          personId: 'case',
          classification: 'confirmed',
          onsetAt: ONSET,
          source: 'fever_clinic',
          isolatedAt: ISOLATED,
        });
        assert.equal(detail.case.status, 'confirmed');
        assert.deepEqual(detail.case.ruleSet, { id: '9th-edition', version: ruleSetById('9th-edition').version });
        assert.deepEqual(
          detail.history.map((h) => [h.from, h.to]),
          [[null, 'confirmed']],
        );
        // The colleague is a venue candidate nobody has reviewed: their household comes in as secondary
        // contacts now, the people they met at venues once an investigator confirms them.
        assert.deepEqual(detail.trace!.found, { close: 2, general: 1, secondary: 2 });
        const list = async () =>
          (await tracing.listContacts(s, investigator, detail.case.id, {}, { limit: 100, offset: 0 })).items;
        const byKey = (items: Awaited<ReturnType<typeof list>>) =>
          Object.fromEntries(items.map((c) => [c.person.id, c]));
        let contacts = byKey(await list());
        assert.deepEqual(Object.keys(contacts).sort(), ['child', 'colleague', 'mate', 'shopper', 'spouse']);
        assert.equal(contacts.mate!.class, 'close');
        assert.equal(contacts.mate!.candidate, false);
        assert.equal(contacts.mate!.basis, 'household');
        assert.equal(contacts.mate!.reasonCode, 'same_household');
        assert.equal(contacts.colleague!.candidate, true);
        assert.equal(contacts.colleague!.rule.rule, 'venueCoPresence.closeCategories');
        assert.deepEqual(contacts.colleague!.rule.ruleSet, {
          id: '9th-edition',
          version: ruleSetById('9th-edition').version,
        });
        const ev = contacts.colleague!.evidence as {
          encounters: Encounter[];
          padding: unknown;
          minimumOverlapMinutes: number;
          window: Interval;
        };
        assert.equal(ev.encounters[0]!.venueId, 'O');
        assert.equal(ev.minimumOverlapMinutes, 15);
        assert.deepEqual(ev.window, { start: W0, end: W1 });
        assert.equal(contacts.shopper!.class, 'general');
        assert.equal(contacts.spouse!.class, 'secondary');
        assert.equal(contacts.spouse!.sourceContactId, contacts.colleague!.id);
        assert.equal(contacts.spouse!.candidate, true, 'found through a candidate nobody has reviewed yet');
        assert.equal(contacts.child!.sourceContactId, contacts.colleague!.id);
        assert.equal(contacts.spouse!.reasonCode, 'same_household');
        assert.deepEqual(
          (contacts.spouse!.evidence as { window: Interval }).window,
          { start: day, end: colleagueIsolated },
          "from first exposure to the source's own isolation",
        );
        assert.equal(contacts.spouse!.lastExposureAt, colleagueIsolated);

        // Idempotent: the same contacts, the same ids.
        const again = await tracing.retraceCase(s, investigator, detail.case.id);
        assert.equal(again.trace!.removed, 0);
        const after = byKey(await list());
        assert.deepEqual(
          Object.fromEntries(Object.entries(after).map(([k, c]) => [k, c.id])),
          Object.fromEntries(Object.entries(contacts).map(([k, c]) => [k, c.id])),
        );
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('contact')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          5,
        );

        // The investigator's decisions survive a re-run; confirming the colleague settles the spouse and
        // brings the people the colleague met at close-contact venues before their own isolation.
        await tracing.reviewContact(s, investigator, contacts.colleague!.id, {
          decision: 'confirm',
          reason: 'same open-plan office, no masks',
        });
        const gym = byKey(await list()).gymmate!;
        assert.deepEqual(
          [gym.class, gym.basis, gym.candidate, gym.rule.rule, gym.sourceContactId],
          ['secondary', 'secondary', true, 'secondaryContacts.identified', contacts.colleague!.id],
        );
        const gymEv = gym.evidence as {
          via: string;
          encounters: Encounter[];
          window: Interval;
          minimumOverlapMinutes: number;
        };
        assert.equal(gymEv.via, 'venue');
        assert.deepEqual(gymEv.window, { start: day, end: colleagueIsolated });
        assert.equal(gymEv.minimumOverlapMinutes, 15);
        assert.deepEqual(
          gymEv.encounters.map((e) => [e.venueId, e.overlapMinutes]),
          [['G', 90]],
        );
        assert.equal(gym.firstExposureAt, day + DAY);
        await tracing.reviewContact(s, investigator, contacts.shopper!.id, {
          decision: 'reclassify',
          class: 'close',
          reason: 'queued together at the till',
        });
        await tracing.reviewContact(s, investigator, contacts.child!.id, {
          decision: 'dismiss',
          reason: 'away at boarding school',
        });
        await assert.rejects(
          tracing.reviewContact(s, investigator, contacts.mate!.id, { decision: 'reclassify', reason: 'x' }),
          hasCode('CONTACT_CLASS_REQUIRED'),
        );
        await assert.rejects(
          tracing.reviewContact(s, investigator, contacts.mate!.id, { decision: 'confirm', reason: '  ' }),
          hasCode('CASE_REASON_REQUIRED'),
        );
        await tracing.retraceCase(s, investigator, detail.case.id);
        contacts = byKey(await list());
        assert.equal(contacts.colleague!.review.status, 'confirmed');
        assert.equal(contacts.colleague!.review.reason, 'same open-plan office, no masks');
        assert.equal(contacts.shopper!.class, 'close', 'a reclassification survives the re-run');
        assert.equal(contacts.shopper!.review.status, 'reclassified');
        assert.equal((contacts.shopper!.evidence as { computedClass: string }).computedClass, 'general');
        assert.equal(contacts.child!.review.status, 'dismissed');
        assert.equal(contacts.spouse!.candidate, false, 'the source is confirmed now');
        assert.equal(contacts.gymmate!.candidate, true, 'venue co-presence stays a candidate until reviewed');

        // 20 measures: no secondary contacts; the unreviewed one goes, the reviewed one stays.
        await setActiveRuleSet(s, SYSTEM_ACTOR, '20-measures', 'test');
        const twenty = await tracing.retraceCase(s, investigator, detail.case.id);
        assert.equal(twenty.trace!.found.secondary, 0);
        assert.equal(twenty.trace!.removed, 2);
        assert.equal(twenty.case.ruleSet.id, '20-measures');
        contacts = byKey(await list());
        assert.equal(contacts.spouse, undefined);
        assert.equal(contacts.child!.review.status, 'dismissed');
        assert.equal(contacts.colleague!.rule.ruleSet.id, '20-measures');

        // The dry trace agrees: no secondary contacts under the 20 measures, two under the 9th edition.
        const dry20 = await tracing.traceContacts(s.db, ruleSetById('20-measures'), anchor, opts);
        assert.equal(dry20.contacts.filter((c) => c.class === 'secondary').length, 0);
        const dry9 = await tracing.traceContacts(s.db, ruleSetById('9th-edition'), anchor, opts);
        assert.deepEqual(
          dry9.contacts.filter((c) => c.class === 'secondary').map((c) => [c.personId, c.sourcePersonId]),
          [
            ['child', 'colleague'],
            ['gymmate', 'colleague'],
            ['spouse', 'colleague'],
          ],
        );
        // Without secondary contacts when asked for the direct ones alone.
        assert.equal(
          (
            await tracing.traceContacts(s.db, ruleSetById('9th-edition'), anchor, { ...opts, secondaryContacts: false })
          ).contacts.filter((c) => c.class === 'secondary').length,
          0,
        );

        // Back under the 9th edition the secondary contacts return; dismissing their source takes them away.
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');
        assert.equal((await tracing.retraceCase(s, investigator, detail.case.id)).trace!.found.secondary, 3);
        await tracing.reviewContact(s, investigator, contacts.colleague!.id, {
          decision: 'dismiss',
          reason: 'worked from home that day',
        });
        const withoutSource = await tracing.retraceCase(s, investigator, detail.case.id);
        assert.equal(withoutSource.trace!.found.secondary, 0);
        contacts = byKey(await list());
        assert.equal(contacts.gymmate, undefined);
        assert.equal(contacts.spouse, undefined);
        assert.equal(contacts.child!.review.status, 'dismissed');

        const audit = await verifyAuditChain(s.db);
        assert.equal(audit.ok, true);
        const actions = (await s.db.selectFrom('audit_event').select('action').orderBy('seq').execute()).map(
          (r) => r.action,
        );
        assert.ok(
          actions.includes('case.create') &&
            actions.includes('case.trace') &&
            actions.includes('contact.review') &&
            actions.includes('case.contacts.read'),
        );
      } finally {
        await s.close();
      }
    });

    test('manual contacts with a reason; status changes with the release rule; look-back across purged data; errors', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        const areas = await seedTestAreas(s);
        const grid = areas[AREAS.wenyuanGrid]!;
        await insertAll(s, 'person', [
          personRow('case', grid, null),
          personRow('driver', grid, null),
          personRow('old', grid, null),
        ]);
        const investigator = await actorOf(s, 'investigator', AREAS.city);
        const nine = ruleSetById('9th-edition');
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');

        await assert.rejects(
          tracing.traceContacts(s.db, nine, { personId: 'nobody', onsetAt: ONSET }, opts),
          hasCode('PERSON_NOT_FOUND'),
        );
        await assert.rejects(
          tracing.traceContacts(s.db, nine, { personId: 'case', onsetAt: NOW + 1 }, opts),
          hasCode('CONTACT_WINDOW_ANCHOR_IN_FUTURE'),
        );
        await assert.rejects(
          tracing.traceContacts(s.db, nine, { personId: 'case' }, opts),
          hasCode('CONTACT_WINDOW_ANCHOR_MISSING'),
        );
        const body = { personId: 'case', classification: 'suspected' as const, source: 'checkpoint' as const };
        await assert.rejects(
          tracing.registerCase(s, investigator, { ...body, personId: 'nobody', onsetAt: ONSET }),
          hasCode('PERSON_NOT_FOUND'),
        );
        await assert.rejects(
          tracing.registerCase(s, investigator, { ...body, onsetAt: NOW + 60_000 }),
          hasCode('CONTACT_WINDOW_ANCHOR_IN_FUTURE'),
        );
        await assert.rejects(tracing.registerCase(s, investigator, body), hasCode('CONTACT_WINDOW_ANCHOR_MISSING'));
        assert.equal(
          Number(
            (
              await s.db
                .selectFrom('case_record')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
          0,
          'nothing half-written',
        );

        // Sampled 27 days ago: the 4-day look-back reaches past the 28 days of check-ins kept — once a
        // purge has run (the warning comes from the purges recorded, not from the configured retention).
        const oldAnchor = { personId: 'old', sampledAt: NOW - 27 * DAY };
        assert.equal(
          (await tracing.traceContacts(s.db, nine, oldAnchor, opts)).purgedBefore,
          null,
          'nothing purged yet',
        );
        await purgeCheckins(s);
        const old = await tracing.traceContacts(s.db, nine, oldAnchor, opts);
        assert.equal(old.window.anchor, 'sampling');
        assert.equal(old.purgedBefore, NOW - 28 * DAY);
        const oldCase = await tracing.registerCase(s, investigator, {
          personId: 'old',
          classification: 'asymptomatic',
          firstPositiveSampledAt: NOW - 27 * DAY,
          source: 'testing_round',
        });
        assert.equal(oldCase.trace!.purgedBefore, NOW - 28 * DAY);

        const detail = await tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET });
        assert.equal(detail.case.status, 'suspected');
        await assert.rejects(
          tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET }),
          hasCode('CASE_ALREADY_OPEN'),
        );
        const id = detail.case.id;

        const manual = {
          personId: 'driver',
          reasonCode: 'same_vehicle' as const,
          note: 'taxi on 03-19, front seat',
          firstExposureAt: at('2022-03-19T08:00:00+08:00'),
          lastExposureAt: at('2022-03-19T08:40:00+08:00'),
        };
        const created = await tracing.addManualContact(s, investigator, id, manual);
        assert.equal(created.basis, 'manual');
        assert.equal(created.class, 'close');
        assert.equal(created.reasonCode, 'same_vehicle');
        assert.equal(created.review.status, 'confirmed');
        assert.equal((created.evidence as { note: string }).note, 'taxi on 03-19, front seat');
        await assert.rejects(tracing.addManualContact(s, investigator, id, manual), hasCode('CONTACT_DUPLICATE'));
        await assert.rejects(
          tracing.addManualContact(s, investigator, id, { ...manual, personId: 'case' }),
          hasCode('CONTACT_SELF'),
        );
        await assert.rejects(
          tracing.addManualContact(s, investigator, id, { ...manual, personId: 'ghost' }),
          hasCode('PERSON_NOT_FOUND'),
        );
        await assert.rejects(
          tracing.addManualContact(s, investigator, id, { ...manual, personId: 'old', lastExposureAt: NOW + 1 }),
          hasCode('CONTACT_EXPOSURE_INVALID'),
        );
        // A re-run keeps the manual contact.
        await tracing.retraceCase(s, investigator, id);
        assert.equal(
          (await tracing.listContacts(s, investigator, id, { class: 'close' }, { limit: 10, offset: 0 })).total,
          1,
        );

        await assert.rejects(
          tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'x' }),
          hasCode('CASE_STATUS_TRANSITION_INVALID'),
        );
        await assert.rejects(
          tracing.changeCaseStatus(s, investigator, id, { to: 'confirmed', reason: '' }),
          hasCode('CASE_REASON_REQUIRED'),
        );
        const confirmed = await tracing.changeCaseStatus(s, investigator, id, {
          to: 'confirmed',
          reason: 'PCR positive',
          classification: 'asymptomatic',
        });
        assert.equal(confirmed.case.status, 'confirmed');
        assert.equal(confirmed.case.classification, 'asymptomatic');
        const t1 = NOW - 3 * DAY;
        const lowCt = [
          { sampledAt: t1, ct: { N: 36, ORF1ab: 37 } },
          { sampledAt: t1 + 24 * 3600_000, ct: { N: 34, ORF1ab: 37 } },
        ];
        await assert.rejects(
          tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'tests', tests: lowCt }),
          hasCode('CASE_RELEASE_RULE_NOT_MET'),
        );
        const tooClose = [
          { sampledAt: t1, ct: { N: 36, ORF1ab: 37 } },
          { sampledAt: t1 + 23 * 3600_000, ct: { N: 38, ORF1ab: 37 } },
        ];
        await assert.rejects(
          tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'tests', tests: tooClose }),
          hasCode('CASE_RELEASE_RULE_NOT_MET'),
        );
        const good = [
          { sampledAt: t1, ct: { N: 36, ORF1ab: 37 } },
          { sampledAt: t1 + 24 * 3600_000, ct: { N: 35, ORF1ab: null } },
        ];
        const released = await tracing.changeCaseStatus(s, investigator, id, {
          to: 'released',
          reason: 'two tests Ct ≥ 35',
          tests: good,
        });
        assert.equal(released.case.status, 'released');
        assert.deepEqual(
          released.history.map((h) => [h.from, h.to]),
          [
            [null, 'suspected'],
            ['suspected', 'confirmed'],
            ['confirmed', 'released'],
          ],
        );
        const release = released.history[2]!.evidence.release as {
          releasable: boolean;
          ruleSet: { id: string };
          ctThreshold: number;
        };
        assert.equal(release.releasable, true);
        assert.equal(release.ctThreshold, 35);
        assert.equal(release.ruleSet.id, '9th-edition');
        // Released: a new case for the same person may be registered.
        await tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET });

        // Permissions and scope.
        const worker = await actorOf(s, 'community_worker', AREAS.xingyang);
        await assert.rejects(tracing.getCase(s, worker, id), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(
          tracing.retraceCase(s, await actorOf(s, 'community_worker', AREAS.wenyuan), id),
          hasCode('FORBIDDEN'),
        );
        assert.equal((await tracing.getCase(s, await actorOf(s, 'community_worker', AREAS.wenyuan), id)).case.id, id);
        assert.equal((await tracing.listCases(s, worker, {}, { limit: 10, offset: 0 })).total, 0);
        assert.equal((await tracing.listCases(s, investigator, {}, { limit: 10, offset: 0 })).total, 3);
      } finally {
        await s.close();
      }
    });
  });
}
