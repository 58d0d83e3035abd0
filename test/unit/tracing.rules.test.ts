import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import {
  canTransition, contactFromEncounters, encounter, initialStatus, joinBounds, needsReleaseRule, purgedBefore, reasonForCategory,
  venueContacts, CASE_STATUSES, type Encounter,
} from '../../src/tracing/tracing.rules.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const nine = ruleSetById('9th-edition');
const T = Date.parse('2022-03-18T10:00:00+08:00');
const window = { start: T - DAY, end: T + DAY };
const office = { id: 'O', name: 'Office', category: 'office', dwellMinutes: 540 };
const market = { id: 'M', name: 'Market', category: 'market', dwellMinutes: 60 };
const v = (id: string, enteredAt: number, exitedAt: number | null) => ({ checkinId: id, personId: id, enteredAt, exitedAt });

test('case status: suspected → confirmed → recovered → released; only release needs the test rule', () => {
  assert.equal(initialStatus('suspected'), 'suspected');
  assert.equal(initialStatus('asymptomatic'), 'confirmed');
  const allowed = CASE_STATUSES.flatMap((from) => CASE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
  assert.deepEqual(allowed, ['suspected→confirmed', 'confirmed→recovered', 'confirmed→released', 'recovered→released']);
  assert.equal(needsReleaseRule('released'), true);
  assert.equal(needsReleaseRule('recovered'), false);
});

test('an encounter: both visits padded, the minimum overlap inclusive, 1 ms short is none', () => {
  // Case [T, T+20] → [T, T+40]; other [T+25, T+35] → [T+25, T+45]: 15 minutes exactly.
  const e = encounter(nine, window, market, v('a', T, T + 20 * MIN), v('b', T + 25 * MIN, T + 35 * MIN));
  assert.ok(e);
  assert.equal(e.overlapMinutes, 15);
  assert.equal(e.class, 'general');
  assert.deepEqual([e.overlapStart, e.overlapEnd], [T + 25 * MIN, T + 40 * MIN]);
  assert.equal(encounter(nine, window, market, v('a', T, T + 20 * MIN), v('b', T + 25 * MIN + 1, T + 35 * MIN + 1)), null);
  // Visits under 10 minutes do not count at all.
  assert.equal(encounter(nine, window, office, v('a', T, T + 60 * MIN), v('b', T, T + 10 * MIN - 1)), null);
  assert.equal(encounter(nine, window, office, v('a', T, T + 60 * MIN), v('b', T, T + 20 * MIN))?.class, 'close_candidate');
});

test('an encounter is clipped to the window, and an open visit lasts the venue dwell', () => {
  const w = { start: T, end: T + 10 * MIN };
  // The case's visit sits across the window end: only 10 minutes inside it.
  assert.equal(encounter(nine, w, office, v('a', T - 60 * MIN, T + 60 * MIN), v('b', T - 60 * MIN, T + 60 * MIN)), null);
  const wide = { start: T, end: T + 15 * MIN };
  assert.equal(encounter(nine, wide, office, v('a', T - 60 * MIN, T + 60 * MIN), v('b', T - 60 * MIN, T + 60 * MIN))?.overlapMinutes, 15);
  // Open: ends at entry + dwell (60) then padded by 30 → T+90; the other from T+75 shares 15 minutes.
  const open = encounter(nine, window, market, v('a', T, null), v('b', T + 75 * MIN, T + 100 * MIN));
  assert.equal(open?.overlapMinutes, 15);
  assert.equal(open?.caseVisit.exitedAt, T + 60 * MIN);
  assert.equal(open?.caseVisit.exitRecorded, false);
  // A category in neither list makes no contact however long the overlap.
  assert.equal(encounter(nine, window, { ...office, category: 'spaceport' }, v('a', T, T + 60 * MIN), v('b', T, T + 60 * MIN)), null);
});

test('one contact per person: the closest class decides, exposure spans every encounter', () => {
  const general = encounter(nine, window, market, v('a1', T, T + 30 * MIN), v('b1', T, T + 30 * MIN))!;
  const close = encounter(nine, window, office, v('a2', T + 120 * MIN, T + 180 * MIN), v('b2', T + 120 * MIN, T + 180 * MIN))!;
  const c = contactFromEncounters('p', [close, general]);
  assert.equal(c.class, 'close');
  assert.equal(c.candidate, true);
  assert.equal(c.reasonCode, 'same_office_workshop_classroom');
  assert.equal(c.rule, 'venueCoPresence.closeCategories');
  assert.equal(c.firstExposureAt, T);
  assert.equal(c.lastExposureAt, T + 210 * MIN);
  assert.deepEqual((c.evidence.encounters as Encounter[]).map((e) => e.venueId), ['M', 'O']);
  const g = contactFromEncounters('q', [general]);
  assert.deepEqual([g.class, g.candidate, g.reasonCode], ['general', false, 'venue_co_presence']);
  assert.deepEqual(venueContacts([{ ...general, personId: 'z' }, { ...close, personId: 'y' }]).map((x) => x.personId), ['y', 'z']);
});

test('join bounds, purged look-back and reasons', () => {
  const b = joinBounds(nine, window, 720);
  assert.deepEqual(b, { from: window.start, to: window.end, minOverlapMs: 15 * MIN, maxDwellMs: 720 * MIN, padCapMs: 30 * MIN, maxSpanMs: 750 * MIN });
  const now = T + 10 * DAY;
  assert.equal(purgedBefore(now - 28 * DAY, now, 28), null);
  assert.equal(purgedBefore(now - 28 * DAY - 1, now, 28), now - 28 * DAY);
  assert.equal(reasonForCategory('restaurant'), 'shared_meal');
  assert.equal(reasonForCategory('gym'), 'venue_co_presence');
});
