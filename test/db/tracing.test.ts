import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, testServices, type TestServices } from '../support/services.ts';
import type { Actor, Role } from '../../src/access/access.rules.ts';
import type { CheckinTable, PersonTable, VenueTable } from '../../src/db/database.ts';
import { AppError } from '../../src/platform/errors.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { Random } from '../../src/sim/random.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { contactWindow, type Interval } from '../../src/rules/ruleset.rules.ts';
import type { RuleSet } from '../../src/rules/ruleset.schema.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';
import { dwellMinutesOf } from '../../src/venues/venue.rules.ts';
import { encounter, venueContacts, type Encounter, type FoundContact } from '../../src/tracing/tracing.rules.ts';
import * as tracing from '../../src/tracing/tracing.service.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

// The clock of every test: 2022-03-24 08:00 (+08:00). The case: onset 03-20 10:00, isolated 03-22 12:00.
const NOW = at('2022-03-24T08:00:00+08:00');
const ONSET = at('2022-03-20T10:00:00+08:00');
const ISOLATED = at('2022-03-22T12:00:00+08:00');
const W0 = at('2022-03-16T00:00:00+08:00'); // 9th edition: 4 days before onset
const W1 = ISOLATED;

function hasCode(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

async function actorOf(s: TestServices, role: Role, areaCode: string): Promise<Actor> {
  const area = await s.db.selectFrom('area').select(['id', 'path']).where('code', '=', areaCode).executeTakeFirstOrThrow();
  return { userId: `u-${role}-${areaCode}`, username: `${role}@${areaCode}`, displayName: role, role, areaId: area.id, areaPath: area.path, via: 'session' };
}

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
    id: `ck${String(seq).padStart(7, '0')}`, venue_id: venueId, person_id: personId, client_id: null, method: 'assisted',
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

/** A rule set with other padding and overlap figures, to move every bound of the join. */
function variant(base: RuleSet): RuleSet {
  return {
    ...base, id: 'variant', version: 'test',
    venueCoPresence: { ...base.venueCoPresence, minimumOverlapMinutes: 7, padding: { dropVisitsShorterThanMinutes: 3, padFactor: 0.5, padCapMinutes: 12 } },
  };
}

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
          assert.deepEqual({ start: result.window.start, end: result.window.end }, { start: window.start, end: window.end });
          const sqlVenue = result.contacts.filter((c) => c.basis === 'venue');
          const expected = await bruteForce(s, r, 'case', window);
          assert.ok(expected.length >= 10, `${r.id}: the generated data should make contacts (${expected.length})`);
          assert.deepEqual(JSON.parse(JSON.stringify(sqlVenue)), JSON.parse(JSON.stringify(expected)), `${r.id}: SQL and brute force differ`);
          assert.deepEqual(result.contacts.filter((c) => c.basis === 'household').map((c) => [c.personId, c.class, c.candidate]), [['mate1', 'close', false], ['mate2', 'close', false]]);
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
        assert.deepEqual(enc.caseVisit.counted, { start: at('2022-03-18T10:00:00+08:00'), end: at('2022-03-18T10:40:00+08:00') });
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
      } finally { await s.close(); }
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
          personRow('case', grid, 'h1'), personRow('mate', grid, 'h1'),
          personRow('colleague', grid, 'h2'), personRow('spouse', grid, 'h2'), personRow('child', grid, 'h2'), personRow('gymmate', grid, null), personRow('shopper', grid, null),
        ]);
        await insertAll(s, 'venue', [venueRow('O', grid, 'office'), venueRow('G', grid, 'gym'), venueRow('S', grid, 'supermarket')]);
        const day = at('2022-03-19T09:00:00+08:00');
        await insertAll(s, 'checkin', [
          visit('O', 'case', day, day + 8 * 60 * MIN), visit('O', 'colleague', day, day + 8 * 60 * MIN),
          visit('S', 'case', day + 9 * 60 * MIN, day + 9.5 * 60 * MIN), visit('S', 'shopper', day + 9 * 60 * MIN, day + 9.5 * 60 * MIN),
          // The colleague at the gym the next day: secondary contacts are household members only, not the gymmate.
          visit('G', 'colleague', day + DAY, day + DAY + 60 * MIN), visit('G', 'gymmate', day + DAY, day + DAY + 60 * MIN),
        ]);
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');
        const investigator = await actorOf(s, 'investigator', AREAS.city);
        const detail = await tracing.registerCase(s, investigator, { personId: 'case', classification: 'confirmed', onsetAt: ONSET, source: 'fever_clinic', isolatedAt: ISOLATED });
        assert.equal(detail.case.status, 'confirmed');
        assert.deepEqual(detail.case.ruleSet, { id: '9th-edition', version: ruleSetById('9th-edition').version });
        assert.deepEqual(detail.history.map((h) => [h.from, h.to]), [[null, 'confirmed']]);
        assert.deepEqual(detail.trace!.found, { close: 2, general: 1, secondary: 2 });
        const list = async () => (await tracing.listContacts(s, investigator, detail.case.id, {}, { limit: 100, offset: 0 })).items;
        const byKey = (items: Awaited<ReturnType<typeof list>>) => Object.fromEntries(items.map((c) => [c.person.id, c]));
        let contacts = byKey(await list());
        assert.deepEqual(Object.keys(contacts).sort(), ['child', 'colleague', 'mate', 'shopper', 'spouse']);
        assert.equal(contacts.mate!.class, 'close');
        assert.equal(contacts.mate!.candidate, false);
        assert.equal(contacts.mate!.basis, 'household');
        assert.equal(contacts.mate!.reasonCode, 'same_household');
        assert.equal(contacts.colleague!.candidate, true);
        assert.equal(contacts.colleague!.rule.rule, 'venueCoPresence.closeCategories');
        assert.deepEqual(contacts.colleague!.rule.ruleSet, { id: '9th-edition', version: ruleSetById('9th-edition').version });
        const ev = contacts.colleague!.evidence as { encounters: Encounter[]; padding: unknown; minimumOverlapMinutes: number; window: Interval };
        assert.equal(ev.encounters[0]!.venueId, 'O');
        assert.equal(ev.minimumOverlapMinutes, 15);
        assert.deepEqual(ev.window, { start: W0, end: W1 });
        assert.equal(contacts.shopper!.class, 'general');
        assert.equal(contacts.spouse!.class, 'secondary');
        assert.equal(contacts.spouse!.sourceContactId, contacts.colleague!.id);
        assert.equal(contacts.spouse!.candidate, true, 'found through a candidate nobody has reviewed yet');
        assert.equal(contacts.child!.sourceContactId, contacts.colleague!.id);
        assert.equal(contacts.spouse!.reasonCode, 'same_household');

        // Idempotent: the same contacts, the same ids.
        const again = await tracing.retraceCase(s, investigator, detail.case.id);
        assert.equal(again.trace!.removed, 0);
        const after = byKey(await list());
        assert.deepEqual(Object.fromEntries(Object.entries(after).map(([k, c]) => [k, c.id])), Object.fromEntries(Object.entries(contacts).map(([k, c]) => [k, c.id])));
        assert.equal(Number((await s.db.selectFrom('contact').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 5);

        // The investigator's decisions survive a re-run; confirming the colleague settles the spouse.
        await tracing.reviewContact(s, investigator, contacts.colleague!.id, { decision: 'confirm', reason: 'same open-plan office, no masks' });
        await tracing.reviewContact(s, investigator, contacts.shopper!.id, { decision: 'reclassify', class: 'close', reason: 'queued together at the till' });
        await tracing.reviewContact(s, investigator, contacts.child!.id, { decision: 'dismiss', reason: 'away at boarding school' });
        await assert.rejects(tracing.reviewContact(s, investigator, contacts.mate!.id, { decision: 'reclassify', reason: 'x' }), hasCode('CONTACT_CLASS_REQUIRED'));
        await assert.rejects(tracing.reviewContact(s, investigator, contacts.mate!.id, { decision: 'confirm', reason: '  ' }), hasCode('CASE_REASON_REQUIRED'));
        await tracing.retraceCase(s, investigator, detail.case.id);
        contacts = byKey(await list());
        assert.equal(contacts.colleague!.review.status, 'confirmed');
        assert.equal(contacts.colleague!.review.reason, 'same open-plan office, no masks');
        assert.equal(contacts.shopper!.class, 'close', 'a reclassification survives the re-run');
        assert.equal(contacts.shopper!.review.status, 'reclassified');
        assert.equal((contacts.shopper!.evidence as { computedClass: string }).computedClass, 'general');
        assert.equal(contacts.child!.review.status, 'dismissed');
        assert.equal(contacts.spouse!.candidate, false, 'the source is confirmed now');

        // 20 measures: no secondary contacts; the unreviewed one goes, the reviewed one stays.
        await setActiveRuleSet(s, SYSTEM_ACTOR, '20-measures', 'test');
        const twenty = await tracing.retraceCase(s, investigator, detail.case.id);
        assert.equal(twenty.trace!.found.secondary, 0);
        assert.equal(twenty.trace!.removed, 1);
        assert.equal(twenty.case.ruleSet.id, '20-measures');
        contacts = byKey(await list());
        assert.equal(contacts.spouse, undefined);
        assert.equal(contacts.child!.review.status, 'dismissed');
        assert.equal(contacts.colleague!.rule.ruleSet.id, '20-measures');

        // The dry trace agrees: no secondary contacts under the 20 measures, two under the 9th edition.
        const dry20 = await tracing.traceContacts(s.db, ruleSetById('20-measures'), anchor, opts);
        assert.equal(dry20.contacts.filter((c) => c.class === 'secondary').length, 0);
        const dry9 = await tracing.traceContacts(s.db, ruleSetById('9th-edition'), anchor, opts);
        assert.deepEqual(dry9.contacts.filter((c) => c.class === 'secondary').map((c) => [c.personId, c.sourcePersonId]), [['child', 'colleague'], ['spouse', 'colleague']]);

        const audit = await verifyAuditChain(s.db);
        assert.equal(audit.ok, true);
        const actions = (await s.db.selectFrom('audit_event').select('action').orderBy('seq').execute()).map((r) => r.action);
        assert.ok(actions.includes('case.create') && actions.includes('case.trace') && actions.includes('contact.review') && actions.includes('case.contacts.read'));
      } finally { await s.close(); }
    });

    test('manual contacts with a reason; status changes with the release rule; look-back across purged data; errors', async () => {
      const s = await testServices(dialect);
      s.clock.set(NOW);
      try {
        const areas = await seedTestAreas(s);
        const grid = areas[AREAS.wenyuanGrid]!;
        await insertAll(s, 'person', [personRow('case', grid, null), personRow('driver', grid, null), personRow('old', grid, null)]);
        const investigator = await actorOf(s, 'investigator', AREAS.city);
        const nine = ruleSetById('9th-edition');
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');

        await assert.rejects(tracing.traceContacts(s.db, nine, { personId: 'nobody', onsetAt: ONSET }, opts), hasCode('PERSON_NOT_FOUND'));
        await assert.rejects(tracing.traceContacts(s.db, nine, { personId: 'case', onsetAt: NOW + 1 }, opts), hasCode('CONTACT_WINDOW_ANCHOR_IN_FUTURE'));
        await assert.rejects(tracing.traceContacts(s.db, nine, { personId: 'case' }, opts), hasCode('CONTACT_WINDOW_ANCHOR_MISSING'));
        const body = { personId: 'case', classification: 'suspected' as const, source: 'checkpoint' as const };
        await assert.rejects(tracing.registerCase(s, investigator, { ...body, personId: 'nobody', onsetAt: ONSET }), hasCode('PERSON_NOT_FOUND'));
        await assert.rejects(tracing.registerCase(s, investigator, { ...body, onsetAt: NOW + 60_000 }), hasCode('CONTACT_WINDOW_ANCHOR_IN_FUTURE'));
        await assert.rejects(tracing.registerCase(s, investigator, body), hasCode('CONTACT_WINDOW_ANCHOR_MISSING'));
        assert.equal(Number((await s.db.selectFrom('case_record').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0, 'nothing half-written');

        // Sampled 27 days ago: the 4-day look-back reaches past the 28 days of check-ins kept.
        const old = await tracing.traceContacts(s.db, nine, { personId: 'old', sampledAt: NOW - 27 * DAY }, opts);
        assert.equal(old.window.anchor, 'sampling');
        assert.equal(old.purgedBefore, NOW - 28 * DAY);
        const oldCase = await tracing.registerCase(s, investigator, { personId: 'old', classification: 'asymptomatic', firstPositiveSampledAt: NOW - 27 * DAY, source: 'testing_round' });
        assert.equal(oldCase.trace!.purgedBefore, NOW - 28 * DAY);

        const detail = await tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET });
        assert.equal(detail.case.status, 'suspected');
        await assert.rejects(tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET }), hasCode('CASE_ALREADY_OPEN'));
        const id = detail.case.id;

        const manual = { personId: 'driver', reasonCode: 'same_vehicle' as const, note: 'taxi on 03-19, front seat', firstExposureAt: at('2022-03-19T08:00:00+08:00'), lastExposureAt: at('2022-03-19T08:40:00+08:00') };
        const created = await tracing.addManualContact(s, investigator, id, manual);
        assert.equal(created.basis, 'manual');
        assert.equal(created.class, 'close');
        assert.equal(created.reasonCode, 'same_vehicle');
        assert.equal(created.review.status, 'confirmed');
        assert.equal((created.evidence as { note: string }).note, 'taxi on 03-19, front seat');
        await assert.rejects(tracing.addManualContact(s, investigator, id, manual), hasCode('CONTACT_DUPLICATE'));
        await assert.rejects(tracing.addManualContact(s, investigator, id, { ...manual, personId: 'case' }), hasCode('CONTACT_SELF'));
        await assert.rejects(tracing.addManualContact(s, investigator, id, { ...manual, personId: 'ghost' }), hasCode('PERSON_NOT_FOUND'));
        await assert.rejects(tracing.addManualContact(s, investigator, id, { ...manual, personId: 'old', lastExposureAt: NOW + 1 }), hasCode('CONTACT_EXPOSURE_INVALID'));
        // A re-run keeps the manual contact.
        await tracing.retraceCase(s, investigator, id);
        assert.equal((await tracing.listContacts(s, investigator, id, { class: 'close' }, { limit: 10, offset: 0 })).total, 1);

        await assert.rejects(tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'x' }), hasCode('CASE_STATUS_TRANSITION_INVALID'));
        await assert.rejects(tracing.changeCaseStatus(s, investigator, id, { to: 'confirmed', reason: '' }), hasCode('CASE_REASON_REQUIRED'));
        const confirmed = await tracing.changeCaseStatus(s, investigator, id, { to: 'confirmed', reason: 'PCR positive', classification: 'asymptomatic' });
        assert.equal(confirmed.case.status, 'confirmed');
        assert.equal(confirmed.case.classification, 'asymptomatic');
        const t1 = NOW - 3 * DAY;
        const lowCt = [{ sampledAt: t1, ct: { N: 36, ORF1ab: 37 } }, { sampledAt: t1 + 24 * 3600_000, ct: { N: 34, ORF1ab: 37 } }];
        await assert.rejects(tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'tests', tests: lowCt }), hasCode('CASE_RELEASE_RULE_NOT_MET'));
        const tooClose = [{ sampledAt: t1, ct: { N: 36, ORF1ab: 37 } }, { sampledAt: t1 + 23 * 3600_000, ct: { N: 38, ORF1ab: 37 } }];
        await assert.rejects(tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'tests', tests: tooClose }), hasCode('CASE_RELEASE_RULE_NOT_MET'));
        const good = [{ sampledAt: t1, ct: { N: 36, ORF1ab: 37 } }, { sampledAt: t1 + 24 * 3600_000, ct: { N: 35, ORF1ab: null } }];
        const released = await tracing.changeCaseStatus(s, investigator, id, { to: 'released', reason: 'two tests Ct ≥ 35', tests: good });
        assert.equal(released.case.status, 'released');
        assert.deepEqual(released.history.map((h) => [h.from, h.to]), [[null, 'suspected'], ['suspected', 'confirmed'], ['confirmed', 'released']]);
        const release = released.history[2]!.evidence.release as { releasable: boolean; ruleSet: { id: string }; ctThreshold: number };
        assert.equal(release.releasable, true);
        assert.equal(release.ctThreshold, 35);
        assert.equal(release.ruleSet.id, '9th-edition');
        // Released: a new case for the same person may be registered.
        await tracing.registerCase(s, investigator, { ...body, onsetAt: ONSET });

        // Permissions and scope.
        const worker = await actorOf(s, 'community_worker', AREAS.xingyang);
        await assert.rejects(tracing.getCase(s, worker, id), hasCode('OUT_OF_SCOPE'));
        await assert.rejects(tracing.retraceCase(s, await actorOf(s, 'community_worker', AREAS.wenyuan), id), hasCode('FORBIDDEN'));
        assert.equal((await tracing.getCase(s, await actorOf(s, 'community_worker', AREAS.wenyuan), id)).case.id, id);
        assert.equal((await tracing.listCases(s, worker, {}, { limit: 10, offset: 0 })).total, 0);
        assert.equal((await tracing.listCases(s, investigator, {}, { limit: 10, offset: 0 })).total, 3);
      } finally { await s.close(); }
    });
  });
}
