import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import {
  canTransition,
  checkinsBefore,
  contactFromEncounters,
  encounter,
  initialStatus,
  joinBounds,
  LazyEvidence,
  needsReleaseRule,
  plainEvidence,
  preferSecondary,
  newEncounters,
  purgedBefore,
  purgedEncounters,
  reasonForCategory,
  secondaryUntil,
  secondaryVenueRule,
  storedEncounters,
  venueContacts,
  withPurgedEncounters,
  CASE_STATUSES,
  type Encounter,
} from '../../src/tracing/tracing.rules.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const nine = ruleSetById('9th-edition');
const T = Date.parse('2022-03-18T10:00:00+08:00');
const window = { start: T - DAY, end: T + DAY };
const office = { id: 'O', name: 'Office', category: 'office', dwellMinutes: 540 };
const market = { id: 'M', name: 'Market', category: 'market', dwellMinutes: 60 };
const v = (id: string, enteredAt: number, exitedAt: number | null) => ({
  checkinId: id,
  personId: id,
  enteredAt,
  exitedAt,
});

test('case status: suspected → confirmed → recovered → released; only release needs the test rule', () => {
  assert.equal(initialStatus('suspected'), 'suspected');
  assert.equal(initialStatus('asymptomatic'), 'confirmed');
  const allowed = CASE_STATUSES.flatMap((from) =>
    CASE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
  );
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
  assert.equal(
    encounter(nine, window, market, v('a', T, T + 20 * MIN), v('b', T + 25 * MIN + 1, T + 35 * MIN + 1)),
    null,
  );
  // Visits under 10 minutes do not count at all.
  assert.equal(encounter(nine, window, office, v('a', T, T + 60 * MIN), v('b', T, T + 10 * MIN - 1)), null);
  assert.equal(
    encounter(nine, window, office, v('a', T, T + 60 * MIN), v('b', T, T + 20 * MIN))?.class,
    'close_candidate',
  );
});

test('an encounter is clipped to the window, and an open visit lasts the venue dwell', () => {
  const w = { start: T, end: T + 10 * MIN };
  // The case's visit sits across the window end: only 10 minutes inside it.
  assert.equal(
    encounter(nine, w, office, v('a', T - 60 * MIN, T + 60 * MIN), v('b', T - 60 * MIN, T + 60 * MIN)),
    null,
  );
  const wide = { start: T, end: T + 15 * MIN };
  assert.equal(
    encounter(nine, wide, office, v('a', T - 60 * MIN, T + 60 * MIN), v('b', T - 60 * MIN, T + 60 * MIN))
      ?.overlapMinutes,
    15,
  );
  // Open: ends at entry + dwell (60) then padded by 30 → T+90; the other from T+75 shares 15 minutes.
  const open = encounter(nine, window, market, v('a', T, null), v('b', T + 75 * MIN, T + 100 * MIN));
  assert.equal(open?.overlapMinutes, 15);
  assert.equal(open?.caseVisit.exitedAt, T + 60 * MIN);
  assert.equal(open?.caseVisit.exitRecorded, false);
  // A category in neither list makes no contact however long the overlap.
  assert.equal(
    encounter(nine, window, { ...office, category: 'spaceport' }, v('a', T, T + 60 * MIN), v('b', T, T + 60 * MIN)),
    null,
  );
});

test('one contact per person: the closest class decides, exposure spans every encounter', () => {
  const general = encounter(nine, window, market, v('a1', T, T + 30 * MIN), v('b1', T, T + 30 * MIN))!;
  const close = encounter(
    nine,
    window,
    office,
    v('a2', T + 120 * MIN, T + 180 * MIN),
    v('b2', T + 120 * MIN, T + 180 * MIN),
  )!;
  const c = contactFromEncounters('p', [close, general]);
  assert.equal(c.class, 'close');
  assert.equal(c.candidate, true);
  assert.equal(c.reasonCode, 'same_office_workshop_classroom');
  assert.equal(c.rule, 'venueCoPresence.closeCategories');
  assert.equal(c.firstExposureAt, T);
  assert.equal(c.lastExposureAt, T + 210 * MIN);
  assert.deepEqual(
    (c.evidence.encounters as Encounter[]).map((e) => e.venueId),
    ['M', 'O'],
  );
  const g = contactFromEncounters('q', [general]);
  assert.deepEqual([g.class, g.candidate, g.reasonCode], ['general', false, 'venue_co_presence']);
  assert.deepEqual(
    venueContacts([
      { ...general, personId: 'z' },
      { ...close, personId: 'y' },
    ]).map((x) => x.personId),
    ['y', 'z'],
  );
});

test('join bounds, purged look-back and reasons', () => {
  const b = joinBounds(nine, window, 720);
  assert.deepEqual(b, {
    from: window.start,
    to: window.end,
    minOverlapMs: 15 * MIN,
    maxDwellMs: 720 * MIN,
    padCapMs: 30 * MIN,
    maxSpanMs: 750 * MIN,
  });
  const now = T + 10 * DAY;
  assert.equal(purgedBefore(now - 28 * DAY, null), null, 'no purge recorded');
  assert.equal(purgedBefore(now - 28 * DAY, now - 28 * DAY), null);
  assert.equal(purgedBefore(now - 28 * DAY - 1, now - 28 * DAY), now - 28 * DAY);
  assert.equal(reasonForCategory('restaurant'), 'shared_meal');
  assert.equal(reasonForCategory('gym'), 'venue_co_presence');
});

test('secondary contacts: the close-contact venue rule alone, where the rule set identifies them', () => {
  assert.equal(secondaryVenueRule(ruleSetById('20-measures')), null, 'the 20 measures identify no secondary contacts');
  for (const id of ['8th-edition', '9th-edition']) {
    const r = secondaryVenueRule(ruleSetById(id))!;
    assert.ok(r, `${id} identifies secondary contacts`);
    assert.deepEqual(r.venueCoPresence.generalCategories, []);
    assert.deepEqual(r.venueCoPresence.closeCategories, ruleSetById(id).venueCoPresence.closeCategories);
    assert.equal(r.venueCoPresence.minimumOverlapMinutes, ruleSetById(id).venueCoPresence.minimumOverlapMinutes);
  }
  const r = secondaryVenueRule(nine)!;
  // A close contact's hour at the office makes a candidate of the colleague; at the market, nobody.
  assert.equal(
    encounter(r, window, office, v('a', T, T + 60 * MIN), v('b', T, T + 60 * MIN))?.class,
    'close_candidate',
  );
  assert.equal(encounter(r, window, market, v('a', T, T + 60 * MIN), v('b', T, T + 60 * MIN)), null);
  // The same minimum after the same padding: 15 minutes counts, 1 ms short does not.
  assert.equal(
    encounter(r, window, office, v('a', T, T + 20 * MIN), v('b', T + 25 * MIN, T + 35 * MIN))?.overlapMinutes,
    15,
  );
  assert.equal(encounter(r, window, office, v('a', T, T + 20 * MIN), v('b', T + 25 * MIN + 1, T + 35 * MIN + 1)), null);
});

test("secondary window: from first exposure until the close contact's own isolation, else now", () => {
  const from = T;
  const now = T + 5 * DAY;
  assert.equal(secondaryUntil(from, [], now), now, 'not isolated: until now');
  assert.equal(secondaryUntil(from, [T + 2 * DAY], now), T + 2 * DAY);
  assert.equal(secondaryUntil(from, [T + 3 * DAY, T + DAY], now), T + DAY, 'the earliest isolation after exposure');
  assert.equal(
    secondaryUntil(from, [T - DAY], now),
    now,
    'an isolation before the exposure (an earlier episode) does not end it',
  );
  assert.equal(secondaryUntil(from, [T - DAY, T + 4 * DAY], now), T + 4 * DAY);
  assert.equal(secondaryUntil(from, [T], now), T, 'isolated at the exposure itself: an empty window');
  assert.equal(secondaryUntil(from, [now + 1], now), now, 'an isolation time in the future is not yet');
  // Visits after the isolation fall outside the window like any visit after a case's isolation.
  const r = secondaryVenueRule(nine)!;
  const w = { start: from, end: secondaryUntil(from, [T + DAY], now) };
  assert.ok(encounter(r, w, office, v('a', T + DAY - 60 * MIN, T + DAY), v('b', T + DAY - 60 * MIN, T + DAY)));
  assert.equal(
    encounter(r, w, office, v('a', T + DAY + 1, T + DAY + 60 * MIN), v('b', T + DAY + 1, T + DAY + 60 * MIN)),
    null,
  );
});

test('one secondary contact per person: settled before candidate, then earliest, then source, household before venue', () => {
  const o = (candidate: boolean, firstExposureAt: number, sourcePersonId: string, via: 'household' | 'venue') => ({
    candidate,
    firstExposureAt,
    sourcePersonId,
    via,
  });
  assert.equal(preferSecondary(o(false, T + DAY, 'b', 'household'), o(true, T, 'a', 'venue')), true);
  assert.equal(preferSecondary(o(true, T, 'b', 'venue'), o(true, T + 1, 'a', 'venue')), true);
  assert.equal(preferSecondary(o(true, T, 'a', 'venue'), o(true, T, 'b', 'household')), true);
  assert.equal(preferSecondary(o(true, T, 'a', 'household'), o(true, T, 'a', 'venue')), true);
  assert.equal(preferSecondary(o(true, T, 'a', 'venue'), o(true, T, 'a', 'household')), false);
});

test('lazy evidence: made when read, the same JSON as eager evidence', () => {
  const e1 = encounter(
    nine,
    window,
    office,
    v('a2', T + 120 * MIN, T + 180 * MIN),
    v('b2', T + 120 * MIN, T + 180 * MIN),
  )!;
  const e2 = encounter(nine, window, market, v('a1', T, T + 30 * MIN), v('b1', T, T + 30 * MIN))!;
  let made = 0;
  const lazy = new LazyEvidence(
    (list: Encounter[]) => {
      made++;
      return [...list];
    },
    [e1, e2],
    null,
  );
  assert.equal(made, 0);
  const eager = contactFromEncounters('p', [e1, e2]).evidence;
  assert.deepEqual(JSON.parse(JSON.stringify(lazy)), JSON.parse(JSON.stringify(eager)));
  assert.deepEqual(
    lazy.encounters.map((e) => e.venueId),
    ['M', 'O'],
    'in evidence order',
  );
  assert.equal(made, 1, 'made once');
  Object.assign(lazy, { via: 'venue' });
  assert.deepEqual(Object.keys(plainEvidence(lazy)), ['via', 'encounters']);
  assert.equal(plainEvidence(eager), eager);
});

test('purged evidence: stored encounters on purged visits judged again as if still in the table, marked; others left to the trace', () => {
  const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as Encounter;
  // Stored as a trace stores them (JSON): a close one at the office (the other's visit open: dwell assumed), a general one at the market.
  const close = json(encounter(nine, window, office, v('a1', T, T + 60 * MIN), v('b1', T, null)));
  const general = json(
    encounter(nine, window, market, v('a2', T + 600 * MIN, T + 630 * MIN), v('b2', T + 600 * MIN, T + 630 * MIN)),
  );
  assert.deepEqual(checkinsBefore([close, general], T + 1), ['a1', 'b1']);
  assert.deepEqual(checkinsBefore([close, general], T), []);
  assert.deepEqual(storedEncounters({ encounters: [close] }), [close]);
  assert.deepEqual(storedEncounters({ householdId: 'h' }), []);

  // Only encounters touching a purged check-in; the same encounter, its purged visit marked, the exit as it was recorded (or not).
  const kept = purgedEncounters(nine, window, [close, general], new Set(['b1']));
  assert.equal(kept.length, 1);
  assert.deepEqual(json(kept[0]), { ...close, contactVisit: { ...close.contactVisit, purged: true } });
  assert.equal(kept[0]!.contactVisit.exitRecorded, false);
  assert.equal(kept[0]!.caseVisit.purged, undefined);
  assert.deepEqual(purgedEncounters(nine, window, [close, general], new Set(['zz'])), []);
  // A window that no longer holds it (a corrected case time), or a rule set under which it is no contact: gone.
  assert.deepEqual(purgedEncounters(nine, { start: T + 120 * MIN, end: T + DAY }, [close], new Set(['a1', 'b1'])), []);
  assert.deepEqual(
    purgedEncounters(
      { ...nine, venueCoPresence: { ...nine.venueCoPresence, minimumOverlapMinutes: 24 * 60 } },
      window,
      [close],
      new Set(['a1']),
    ),
    [],
  );

  // Merged with what the trace found: one contact, decided over both, the evidence saying how many rest on purged visits.
  const found = contactFromEncounters('p', [general]);
  const merged = withPurgedEncounters('p', found, kept, T + 1);
  assert.deepEqual(
    [merged.class, merged.candidate, merged.firstExposureAt, merged.lastExposureAt],
    ['close', true, T, general.overlapEnd],
  );
  assert.deepEqual(merged.evidence.checkinsPurged, { before: T + 1, encounters: 1 });
  assert.deepEqual(
    (merged.evidence.encounters as Encounter[]).map((e) => e.venueId),
    ['O', 'M'],
  );
  // A visit both found and gone (a purge committing while the trace reads) counts once.
  assert.deepEqual(newEncounters([close], kept), []);
  assert.deepEqual(newEncounters([general], kept), kept);
  const alone = withPurgedEncounters('p', undefined, kept, T + 1);
  assert.deepEqual([alone.class, alone.basis, alone.rule], ['close', 'venue', 'venueCoPresence.closeCategories']);
});
