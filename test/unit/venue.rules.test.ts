import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  autoExitAt,
  crowdLevel,
  decideEntry,
  dwellMinutesOf,
  expiredBefore,
  hoursSince,
  isVisitExpired,
  type Colour,
  type EntryInput,
  type EntryPolicy,
} from '../../src/venues/venue.rules.ts';
import {
  loadVenueCategories,
  parseVenueCategories,
  VENUE_CATEGORIES_FILE,
  type VenueCategoriesSchema,
} from '../../src/venues/venue.categories.ts';
import fs from 'node:fs';
import type { Static } from '@sinclair/typebox';
import { malformed } from '../support/json.ts';

const NOW = Date.parse('2022-03-24T08:00:00+08:00');
const H = 3600_000;
const negative = (hoursAgo: number) => ({ sampledAt: NOW - hoursAgo * H, result: 'negative' as const });

function input(over: Partial<EntryInput> = {}): EntryInput {
  return { colour: 'green', latestTest: negative(10), vaccinated: true, occupancy: 0, capacity: 100, ...over };
}
const codes = (d: ReturnType<typeof decideEntry>) => d.reasons.map((r) => r.code);

test('the shipped category file is valid and covers the required categories', () => {
  const rules = loadVenueCategories();
  assert.match(rules.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/);
  for (const key of [
    'supermarket',
    'restaurant',
    'school_building',
    'hospital',
    'office',
    'factory',
    'transport_hub',
    'residential_gate',
    'market',
    'hotel',
    'entertainment',
  ]) {
    const c = rules.categories.get(key);
    assert.ok(c, `missing ${key}`);
    assert.ok(c.name.zh && c.name.en);
    assert.ok(c.defaultDwellMinutes > 0);
  }
});

test('each colour × test age × category policy of the shipped file', () => {
  const rules = loadVenueCategories();
  const ages = [null, 10, 23, 24, 25, 47, 49, 71, 73, 200];
  for (const category of rules.categories.values()) {
    const policy = category.entryPolicy;
    for (const colour of ['green', 'yellow', 'red'] as Colour[]) {
      for (const age of ages) {
        const latestTest = age === null ? null : negative(age);
        const d = decideEntry(input({ colour, latestTest }), policy, NOW);
        const colourOk = policy.allowedColours.includes(colour);
        const testOk = policy.testWithinHours === null || (age !== null && age <= policy.testWithinHours);
        const vaccineOk = true; // vaccinated in this input
        assert.equal(d.admit, colourOk && testOk && vaccineOk, `${category.key} ${colour} test ${age}h`);
        assert.equal(codes(d).includes('RED_CODE'), colour === 'red' && !colourOk);
        assert.equal(codes(d).includes('YELLOW_CODE'), colour === 'yellow' && !colourOk);
        const noTest = d.reasons.find((r) => r.code === 'NO_RECENT_TEST');
        assert.equal(Boolean(noTest), !testOk, `${category.key} ${age}h`);
        if (noTest) assert.deepEqual(noTest.params, { hours: policy.testWithinHours });
      }
    }
  }
});

test('test windows count from sampling time, inclusive at the boundary', () => {
  const p48: EntryPolicy = { allowedColours: ['green'], testWithinHours: 48, vaccinationRequired: false };
  assert.equal(
    decideEntry(input({ latestTest: { sampledAt: NOW - 48 * H, result: 'negative' } }), p48, NOW).admit,
    true,
  );
  assert.deepEqual(
    codes(decideEntry(input({ latestTest: { sampledAt: NOW - 48 * H - 1, result: 'negative' } }), p48, NOW)),
    ['NO_RECENT_TEST'],
  );
  const p24 = { ...p48, testWithinHours: 24 as const };
  assert.deepEqual(codes(decideEntry(input({ latestTest: negative(30) }), p24, NOW)), ['NO_RECENT_TEST']);
  assert.deepEqual(codes(decideEntry(input({ latestTest: null }), p24, NOW)), ['NO_RECENT_TEST']);
});

test('a positive latest test refuses even where no test is required, and is not also "no recent test"', () => {
  const none: EntryPolicy = { allowedColours: ['green', 'yellow'], testWithinHours: null, vaccinationRequired: false };
  const p72: EntryPolicy = { ...none, testWithinHours: 72 };
  const positive = { sampledAt: NOW - 5 * H, result: 'positive' as const };
  assert.deepEqual(codes(decideEntry(input({ latestTest: positive }), none, NOW)), ['TEST_POSITIVE']);
  assert.deepEqual(codes(decideEntry(input({ latestTest: positive }), p72, NOW)), ['TEST_POSITIVE']);
});

test('vaccination: required means proven; unknown is refused; not required ignores it', () => {
  const req: EntryPolicy = { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: true };
  assert.equal(decideEntry(input({ vaccinated: true }), req, NOW).admit, true);
  assert.deepEqual(codes(decideEntry(input({ vaccinated: false }), req, NOW)), ['NOT_VACCINATED']);
  assert.deepEqual(codes(decideEntry(input({ vaccinated: null }), req, NOW)), ['NOT_VACCINATED']);
  assert.equal(decideEntry(input({ vaccinated: null }), { ...req, vaccinationRequired: false }, NOW).admit, true);
});

test('a full venue refuses with VENUE_FULL; every reason is listed, most serious first', () => {
  const p: EntryPolicy = { allowedColours: ['green'], testWithinHours: 72, vaccinationRequired: true };
  assert.deepEqual(codes(decideEntry(input({ occupancy: 99 }), p, NOW)), []);
  const full = decideEntry(input({ occupancy: 100 }), p, NOW);
  assert.deepEqual(full.reasons, [{ code: 'VENUE_FULL', params: { capacity: 100 } }]);
  const all = decideEntry(input({ colour: 'red', latestTest: null, vaccinated: null, occupancy: 120 }), p, NOW);
  assert.deepEqual(codes(all), ['RED_CODE', 'NO_RECENT_TEST', 'NOT_VACCINATED', 'VENUE_FULL']);
  assert.equal(all.admit, false);
});

test('a colour refusal names the facts the colour rests on; a refused green names none', () => {
  const p: EntryPolicy = { allowedColours: ['green'], testWithinHours: null, vaccinationRequired: false };
  const red = decideEntry(input({ colour: 'red', colourFacts: ['close_contact', 'centralised_quarantine'] }), p, NOW);
  assert.deepEqual(red.reasons, [{ code: 'RED_CODE', params: { facts: 'close_contact,centralised_quarantine' } }]);
  assert.deepEqual(decideEntry(input({ colour: 'yellow' }), p, NOW).reasons, [{ code: 'YELLOW_CODE', params: {} }]);
  const onlyRed: EntryPolicy = { ...p, allowedColours: ['red'] };
  assert.deepEqual(decideEntry(input({ colour: 'green', colourFacts: ['fever'] }), onlyRed, NOW).reasons, [
    { code: 'GREEN_CODE', params: {} },
  ]);
});

test('crowd levels: relaxed < 50 %, moderate < 80 %, crowded < 100 %, full', () => {
  assert.equal(crowdLevel(0, 100), 'relaxed');
  assert.equal(crowdLevel(49, 100), 'relaxed');
  assert.equal(crowdLevel(50, 100), 'moderate');
  assert.equal(crowdLevel(79, 100), 'moderate');
  assert.equal(crowdLevel(80, 100), 'crowded');
  assert.equal(crowdLevel(99, 100), 'crowded');
  assert.equal(crowdLevel(100, 100), 'full');
  assert.equal(crowdLevel(130, 100), 'full');
  assert.equal(crowdLevel(1, 3), 'relaxed');
  assert.equal(crowdLevel(2, 3), 'moderate');
  assert.equal(crowdLevel(0, 0), 'full');
});

test('dwell: override wins, visits close at entry + dwell and expire exactly then', () => {
  assert.equal(dwellMinutesOf(null, 45), 45);
  assert.equal(dwellMinutesOf(20, 45), 20);
  const entered = NOW - 45 * 60_000;
  assert.equal(autoExitAt(entered, 45), NOW);
  assert.equal(isVisitExpired(entered, 45, NOW), true);
  assert.equal(isVisitExpired(entered + 1, 45, NOW), false);
  assert.equal(expiredBefore(45, NOW), entered);
  assert.equal(hoursSince(NOW - 5 * H - 1, NOW), 5);
  assert.equal(hoursSince(NOW + H, NOW), 0);
});

test('the category loader names the bad field', () => {
  const good = JSON.parse(fs.readFileSync(VENUE_CATEGORIES_FILE, 'utf8')) as Static<typeof VenueCategoriesSchema>;
  const broken = (mutate: (r: typeof good) => void) => {
    const copy = structuredClone(good);
    mutate(copy);
    return () => parseVenueCategories(copy);
  };
  assert.throws(
    broken((r) => {
      r.categories.hotel.entryPolicy.testWithinHours = malformed(36);
    }),
    /categories\.hotel\.entryPolicy\.testWithinHours/,
  );
  assert.throws(
    broken((r) => {
      r.categories.market.entryPolicy.allowedColours = malformed(['blue']);
    }),
    /categories\.market\.entryPolicy\.allowedColours/,
  );
  assert.throws(
    broken((r) => {
      r.categories.office.defaultDwellMinutes = 0;
    }),
    /categories\.office\.defaultDwellMinutes/,
  );
  assert.throws(
    broken((r) => {
      Reflect.deleteProperty(r.categories.gym.name, 'zh');
    }),
    /categories\.gym\.name\.zh/,
  );
  assert.throws(
    broken((r) => {
      r.categories.factory.entryPolicy.vaccinationRequired = malformed('yes');
    }),
    /vaccinationRequired/,
  );
  assert.throws(
    broken((r) => {
      r.effectiveFrom = 'soon';
    }),
    /effectiveFrom/,
  );
  assert.throws(
    broken((r) => {
      r.categories['Bad Key'] = r.categories.gym;
    }),
    /categories\.Bad Key/,
  );
  assert.doesNotThrow(broken(() => {}));
});
