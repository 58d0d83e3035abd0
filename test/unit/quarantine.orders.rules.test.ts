import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../support/errors.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import {
  dayOf,
  extendedSchedule,
  firstPositive,
  nextTest,
  orderSchedule,
  placeAt,
  releaseCheck,
  tickSchedule,
  type OrderSchedule,
  type PersonTest,
} from '../../src/quarantine/orders.rules.ts';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const eighth = ruleSetById('8th-edition');
const ninth = ruleSetById('9th-edition');
const twenty = ruleSetById('20-measures');

/** A negative single-tube test at 09:00 Beijing time on the date. */
const neg = (date: string, pooled = false): PersonTest => ({
  sampledAt: at(`${date}T09:00:00+08:00`),
  result: 'negative',
  pooled,
});
const order = (s: OrderSchedule, place = s.place) => ({ ...s, place });

describe('order schedules per rule set', () => {
  test('9th edition close contact: 7 days centralised + 3 home health monitoring, tests 1 2 3 5 7 and home 3', () => {
    const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    assert.equal(s.place, 'centralised');
    assert.equal(s.centralisedDays, 7);
    assert.equal(s.homeKind, 'home_health_monitoring');
    assert.equal(s.centralisedUntil, at('2022-03-28T00:00:00+08:00'), 'end of centralised day 7');
    assert.equal(s.endsAt, at('2022-03-31T00:00:00+08:00'), 'end of home day 3');
    assert.deepEqual(
      s.testDays.map((t) => `${t.phase}:${t.day}:${t.date}`),
      [
        'centralised:1:2022-03-21',
        'centralised:2:2022-03-22',
        'centralised:3:2022-03-23',
        'centralised:5:2022-03-25',
        'centralised:7:2022-03-27',
        'home:3:2022-03-30',
      ],
    );
    assert.deepEqual(s.ruleSet, { id: '9th-edition', version: ninth.version });
  });

  test('20 measures close contact: 5 + 3 home quarantine, tests 1 2 3 5 and home 1 3', () => {
    const s = orderSchedule(twenty, 'close_contact', at('2022-11-12T10:00:00+08:00'), ZONE);
    assert.equal(s.homeKind, 'home_quarantine');
    assert.equal(s.centralisedUntil, at('2022-11-18T00:00:00+08:00'));
    assert.equal(s.endsAt, at('2022-11-21T00:00:00+08:00'));
    assert.deepEqual(
      s.testDays.map((t) => `${t.phase}${t.day}`),
      ['centralised1', 'centralised2', 'centralised3', 'centralised5', 'home1', 'home3'],
    );
    assert.equal(s.testDays.find((t) => t.phase === 'home' && t.day === 1)!.date, '2022-11-18');
  });

  test('8th edition: 14 + 7, and the secondary contact 7 days centralised', () => {
    const s = orderSchedule(eighth, 'close_contact', at('2021-06-01T08:00:00+08:00'), ZONE);
    assert.equal(s.endsAt, at('2021-06-23T00:00:00+08:00'));
    const sec = orderSchedule(eighth, 'secondary_contact', at('2021-06-01T08:00:00+08:00'), ZONE);
    assert.equal(sec.place, 'centralised');
    assert.equal(sec.endsAt, sec.centralisedUntil, 'no home phase');
  });

  test('9th edition secondary contact and medium-risk arrivals are served at home', () => {
    const s = orderSchedule(ninth, 'secondary_contact', at('2022-07-01T08:00:00+08:00'), ZONE);
    assert.equal(s.place, 'home_quarantine');
    assert.equal(s.centralisedUntil, s.startAt);
    assert.equal(s.endsAt, at('2022-07-09T00:00:00+08:00'));
    assert.equal(orderSchedule(ninth, 'medium_risk_arrival', s.startAt, ZONE).place, 'home_quarantine');
  });

  test('the 20 measures identify no secondary contact: refused, naming the kind', () => {
    assert.throws(
      () => orderSchedule(twenty, 'secondary_contact', at('2022-11-12T10:00:00+08:00'), ZONE),
      hasCode('QUARANTINE_ORDER_KIND_NOT_MANAGED'),
    );
  });

  test("a released case's home health monitoring lasts the release section's days, with no scheduled test", () => {
    const s = orderSchedule(ninth, 'released_case', at('2022-07-01T16:00:00+08:00'), ZONE);
    assert.equal(s.place, 'home_health_monitoring');
    assert.equal(s.endsAt, at('2022-07-09T00:00:00+08:00'));
    assert.equal(s.testDays.length, 0);
  });
});

describe('day numbers in the zone', () => {
  test('an exposure at 23:30 Beijing time (15:30 UTC) is day 0 of its Beijing date', () => {
    const start = at('2022-03-20T23:30:00+08:00');
    const s = orderSchedule(ninth, 'close_contact', start, ZONE);
    assert.equal(s.testDays[0]!.date, '2022-03-21');
    assert.equal(dayOf(s, at('2022-03-21T00:10:00+08:00'), ZONE).day, 1, 'ten past midnight is already day 1');
    assert.equal(dayOf(s, at('2022-03-20T23:59:00+08:00'), ZONE).day, 0);
  });

  test('an exposure at 00:30 Beijing time (the previous UTC date) counts from the Beijing date', () => {
    const start = at('2022-03-20T00:30:00+08:00');
    const s = orderSchedule(ninth, 'close_contact', start, ZONE);
    assert.equal(s.testDays[0]!.date, '2022-03-21');
    assert.equal(s.centralisedUntil, at('2022-03-28T00:00:00+08:00'));
  });

  test('the home phase numbers its days after the centralised days', () => {
    const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    assert.deepEqual(dayOf(s, at('2022-03-27T20:00:00+08:00'), ZONE), { day: 7, phase: 'centralised', phaseDay: 7 });
    assert.deepEqual(dayOf(s, at('2022-03-28T08:00:00+08:00'), ZONE), { day: 8, phase: 'home', phaseDay: 1 });
    assert.equal(placeAt(s, at('2022-03-28T08:00:00+08:00')), 'home_health_monitoring');
    assert.equal(nextTest(s.testDays, at('2022-03-24T08:00:00+08:00'), ZONE)!.day, 5);
  });

  test('another zone counts its own calendar days', () => {
    const start = at('2022-03-20T23:30:00+08:00'); // 17:30 in Berlin, 2022-03-20
    const s = orderSchedule(ninth, 'close_contact', start, 'Europe/Berlin');
    assert.equal(s.testDays[0]!.date, '2022-03-21');
    const utc = orderSchedule(ninth, 'close_contact', at('2022-03-21T06:30:00+08:00'), 'UTC');
    assert.equal(utc.testDays[0]!.date, '2022-03-21', '22:30 UTC of the 20th: day 1 is the 21st');
  });
});

describe('extension and early positive', () => {
  test('a positive in the household restarts the schedule from the new exposure', () => {
    const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    const next = extendedSchedule(ninth, s, at('2022-03-24T19:00:00+08:00'), ZONE);
    assert.equal(next.startAt, at('2022-03-24T19:00:00+08:00'));
    assert.equal(next.endsAt, at('2022-04-04T00:00:00+08:00'));
    assert.equal(next.testDays[0]!.date, '2022-03-25');
  });

  test('an extension must come after the start and end later', () => {
    const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    assert.throws(
      () => extendedSchedule(ninth, s, at('2022-03-19T15:00:00+08:00'), ZONE),
      hasCode('QUARANTINE_ORDER_EXTENSION_BEFORE_START'),
    );
    assert.throws(
      () => extendedSchedule(ninth, s, at('2022-03-20T18:00:00+08:00'), ZONE),
      hasCode('QUARANTINE_ORDER_EXTENSION_NOT_LATER'),
    );
  });

  test('a positive on day 3 is found and ticks the schedule', () => {
    const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    const results: PersonTest[] = [
      neg('2022-03-21'),
      neg('2022-03-22'),
      { sampledAt: at('2022-03-23T09:00:00+08:00'), result: 'positive', pooled: false },
    ];
    assert.equal(firstPositive(s.startAt, results)!.sampledAt, at('2022-03-23T09:00:00+08:00'));
    const ticks = tickSchedule(s.testDays, results, at('2022-03-23T12:00:00+08:00'), ZONE);
    assert.deepEqual(
      ticks.map((t) => t.state),
      ['negative', 'negative', 'positive', 'due', 'due', 'due'],
    );
    assert.equal(firstPositive(s.startAt, [neg('2022-03-21')]), null);
  });
});

describe('release conditions', () => {
  const s = orderSchedule(ninth, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
  const all = ['2022-03-21', '2022-03-22', '2022-03-23', '2022-03-25', '2022-03-27'].map((d) => neg(d));

  test('day 7 with every centralised test negative: released, the home phase follows', () => {
    const c = releaseCheck(ninth, order(s), all, at('2022-03-27T15:00:00+08:00'), ZONE);
    assert.equal(c.releasable, true, JSON.stringify(c.faults));
    assert.equal(c.phase, 'centralised');
    assert.equal(c.lastDay, 7);
    assert.deepEqual(c.followOn && { place: c.followOn.place, until: c.followOn.until }, {
      place: 'home_health_monitoring',
      until: s.endsAt,
    });
    assert.deepEqual(
      c.followOn!.testDays.map((t) => t.day),
      [3],
    );
  });

  test('before the last day: refused naming the day', () => {
    const c = releaseCheck(ninth, order(s), all.slice(0, 4), at('2022-03-26T15:00:00+08:00'), ZONE);
    assert.equal(c.releasable, false);
    assert.deepEqual(c.faults[0], {
      code: 'QUARANTINE_RELEASE_DAYS_NOT_SERVED',
      day: 6,
      lastDay: 7,
      date: '2022-03-27',
    });
  });

  test('a missing test of the schedule is named by its day and date', () => {
    const c = releaseCheck(
      ninth,
      order(s),
      [all[0]!, all[1]!, all[3]!, all[4]!],
      at('2022-03-27T18:00:00+08:00'),
      ZONE,
    );
    assert.deepEqual(c.faults, [
      { code: 'QUARANTINE_RELEASE_TEST_MISSING', phase: 'centralised', day: 3, date: '2022-03-23' },
    ]);
  });

  test('a positive refuses the release', () => {
    const results = [...all.slice(0, 4), { ...neg('2022-03-27'), result: 'positive' as const }];
    const c = releaseCheck(ninth, order(s), results, at('2022-03-27T18:00:00+08:00'), ZONE);
    assert.equal(c.faults[0]!.code, 'QUARANTINE_RELEASE_TEST_POSITIVE');
  });

  test('the release test is a single tube', () => {
    const results = [...all.slice(0, 4), neg('2022-03-27', true)];
    const c = releaseCheck(ninth, order(s), results, at('2022-03-27T18:00:00+08:00'), ZONE);
    assert.deepEqual(
      c.faults.map((f) => f.code),
      ['QUARANTINE_RELEASE_TEST_POOLED'],
    );
    // A community round pooled the person early the same day, a single tube followed: the single one counts.
    const both = [
      ...all.slice(0, 4),
      { sampledAt: at('2022-03-27T07:00:00+08:00'), result: 'negative' as const, pooled: true },
      neg('2022-03-27'),
    ];
    assert.equal(releaseCheck(ninth, order(s), both, at('2022-03-27T18:00:00+08:00'), ZONE).releasable, true);
  });

  test('the last two tests at least the release section’s hours apart', () => {
    const results = [
      ...all.slice(0, 3),
      { sampledAt: at('2022-03-25T23:30:00+08:00'), result: 'negative' as const, pooled: false },
      { sampledAt: at('2022-03-27T00:30:00+08:00'), result: 'negative' as const, pooled: false },
    ];
    assert.equal(releaseCheck(ninth, order(s), results, at('2022-03-27T18:00:00+08:00'), ZONE).releasable, true);
    // A rule set testing on days 6 and 7: two tests two hours apart across midnight are too close.
    const tight = {
      ...ninth,
      management: {
        ...ninth.management,
        close_contact: { ...ninth.management.close_contact!, testDays: { centralised: [1, 6, 7], home: [] } },
      },
    };
    const t = orderSchedule(tight, 'close_contact', at('2022-03-20T15:00:00+08:00'), ZONE);
    const close = [
      neg('2022-03-21'),
      { sampledAt: at('2022-03-26T23:00:00+08:00'), result: 'negative' as const, pooled: false },
      { sampledAt: at('2022-03-27T01:00:00+08:00'), result: 'negative' as const, pooled: false },
    ];
    const c = releaseCheck(tight, order(t), close, at('2022-03-27T12:00:00+08:00'), ZONE);
    assert.deepEqual(c.faults, [{ code: 'QUARANTINE_RELEASE_TESTS_TOO_CLOSE', hours: 2, minHours: 24 }]);
  });

  test('the home phase: ends with the home tests (20 measures home days 1 and 3)', () => {
    const twentyS = orderSchedule(twenty, 'close_contact', at('2022-11-12T10:00:00+08:00'), ZONE);
    const home = order(twentyS, 'home_quarantine');
    const c = releaseCheck(twenty, home, [neg('2022-11-18')], at('2022-11-20T12:00:00+08:00'), ZONE);
    assert.equal(c.phase, 'home');
    assert.equal(c.lastDay, 8);
    assert.deepEqual(c.faults, [
      { code: 'QUARANTINE_RELEASE_TEST_MISSING', phase: 'home', day: 3, date: '2022-11-20' },
    ]);
    assert.equal(c.followOn, null);
    const ok = releaseCheck(
      twenty,
      home,
      [neg('2022-11-18'), neg('2022-11-20')],
      at('2022-11-20T12:00:00+08:00'),
      ZONE,
    );
    assert.equal(ok.releasable, true);
  });

  test('8th edition: day 14 test after day 7', () => {
    const e = orderSchedule(eighth, 'close_contact', at('2021-06-01T08:00:00+08:00'), ZONE);
    const tests = ['2021-06-02', '2021-06-05', '2021-06-08', '2021-06-15'].map((d) => neg(d));
    assert.equal(releaseCheck(eighth, order(e), tests, at('2021-06-15T12:00:00+08:00'), ZONE).releasable, true);
    assert.equal(releaseCheck(eighth, order(e), tests, at('2021-06-14T12:00:00+08:00'), ZONE).releasable, false);
  });
});

test('rule sets differ: each its own days', () => {
  const start = at('2022-03-20T15:00:00+08:00');
  const ends = [eighth, ninth, twenty].map(
    (r) => (orderSchedule(r, 'close_contact', start, ZONE).endsAt - start) / HOUR,
  );
  assert.deepEqual(ends, [21 * 24 + 9, 10 * 24 + 9, 8 * 24 + 9]);
});
