import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../support/errors.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import {
  arrivalGroup,
  classifyCoPresence,
  contactWindow,
  deriveColour,
  identifiesSecondaryContacts,
  inWindow,
  managementPlan,
  needsMassRecolourApproval,
  overlapMinutes,
  paddedVisit,
  releasable,
  riskAreaNextLevel,
  type ColourFact,
  type IsolationTest,
} from '../../src/rules/ruleset.rules.ts';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const HOUR = 60 * MIN;
const eighth = ruleSetById('8th-edition');
const ninth = ruleSetById('9th-edition');
const twenty = ruleSetById('20-measures');

describe('close-contact window', () => {
  const onset = at('2022-07-10T15:00:00+08:00');
  const now = at('2022-07-12T09:00:00+08:00');

  test('starts at 00:00 in Asia/Shanghai N days before onset: that instant is in, one ms before is out', () => {
    const w9 = contactWindow(ninth, { onsetAt: onset }, ZONE, now);
    assert.equal(w9.start, at('2022-07-06T00:00:00+08:00'));
    assert.equal(inWindow(w9, at('2022-07-06T00:00:00+08:00')), true);
    assert.equal(inWindow(w9, at('2022-07-06T00:00:00+08:00') - 1), false);
    assert.equal(w9.anchor, 'onset');
    const w8 = contactWindow(eighth, { onsetAt: onset }, ZONE, now);
    assert.equal(w8.start, at('2022-07-08T00:00:00+08:00'));
    assert.equal(inWindow(w8, at('2022-07-07T23:59:59.999+08:00')), false);
  });

  test("the day boundary is the zone's, not UTC's", () => {
    const early = at('2022-07-10T07:00:00+08:00'); // still 9 July in UTC
    assert.equal(contactWindow(ninth, { onsetAt: early }, ZONE, now).start, at('2022-07-06T00:00:00+08:00'));
    assert.equal(contactWindow(ninth, { onsetAt: early }, 'UTC', now).start, at('2022-07-05T00:00:00Z'));
  });

  test('an asymptomatic case counts back from first positive sampling; the window ends at isolation or now', () => {
    const sampled = at('2022-07-11T08:30:00+08:00');
    const open = contactWindow(twenty, { sampledAt: sampled }, ZONE, now);
    assert.deepEqual([open.start, open.end, open.anchor], [at('2022-07-07T00:00:00+08:00'), now, 'sampling']);
    const isolated = at('2022-07-11T20:00:00+08:00');
    const closed = contactWindow(twenty, { sampledAt: sampled, isolatedAt: isolated }, ZONE, now);
    assert.equal(closed.end, isolated);
    assert.equal(inWindow(closed, isolated + 1), false);
    assert.equal(contactWindow(twenty, { onsetAt: onset, sampledAt: sampled }, ZONE, now).anchor, 'onset');
  });

  test('no anchor, or an anchor in the future, is an error', () => {
    assert.throws(() => contactWindow(ninth, {}, ZONE, now), hasCode('CONTACT_WINDOW_ANCHOR_MISSING'));
    assert.throws(
      () => contactWindow(ninth, { onsetAt: now + 1 }, ZONE, now),
      hasCode('CONTACT_WINDOW_ANCHOR_IN_FUTURE'),
    );
  });
});

describe('venue co-presence', () => {
  const t0 = at('2022-07-09T12:00:00+08:00');
  const visit = (minutes: number) => ({ enteredAt: t0, exitedAt: t0 + minutes * MIN });

  test('short visits are dropped, the rest padded by their length up to 30 minutes', () => {
    assert.equal(paddedVisit(ninth, visit(5)), null);
    assert.equal(paddedVisit(ninth, { enteredAt: t0, exitedAt: t0 + 10 * MIN - 1 }), null);
    assert.deepEqual(paddedVisit(ninth, visit(10)), { start: t0, end: t0 + 20 * MIN });
    assert.deepEqual(paddedVisit(ninth, visit(20)), { start: t0, end: t0 + 40 * MIN });
    assert.deepEqual(paddedVisit(ninth, visit(30)), { start: t0, end: t0 + 60 * MIN });
    assert.deepEqual(paddedVisit(ninth, visit(60)), { start: t0, end: t0 + 90 * MIN });
    assert.equal(paddedVisit(ninth, { enteredAt: t0, exitedAt: t0 - MIN }), null);
  });

  test('overlap in minutes, zero when apart or touching', () => {
    const a = { start: t0, end: t0 + 40 * MIN };
    assert.equal(overlapMinutes(a, { start: t0 + 25 * MIN, end: t0 + 90 * MIN }), 15);
    assert.equal(overlapMinutes(a, { start: t0 + 40 * MIN, end: t0 + 90 * MIN }), 0);
    assert.equal(overlapMinutes(a, { start: t0 - 90 * MIN, end: t0 - MIN }), 0);
    assert.equal(overlapMinutes(a, { start: t0 + 5 * MIN, end: t0 + 6 * MIN }), 1);
  });

  test('enclosed shared places make close-contact candidates, open ones general contacts, both from the minimum up', () => {
    assert.equal(classifyCoPresence(ninth, 'office', 15), 'close_candidate');
    assert.equal(classifyCoPresence(ninth, 'restaurant', 60), 'close_candidate');
    assert.equal(classifyCoPresence(ninth, 'supermarket', 60), 'general');
    assert.equal(classifyCoPresence(ninth, 'transport_hub', 15), 'general');
    assert.equal(classifyCoPresence(ninth, 'office', 14.9), null);
    assert.equal(classifyCoPresence(ninth, 'supermarket', 14.9), null);
    assert.equal(classifyCoPresence(ninth, 'no_such_category', 600), null);
  });

  test('secondary contacts are identified under the 8th and 9th editions, not under the 20 measures', () => {
    assert.equal(identifiesSecondaryContacts(eighth), true);
    assert.equal(identifiesSecondaryContacts(ninth), true);
    assert.equal(identifiesSecondaryContacts(twenty), false);
    assert.equal(managementPlan(twenty, 'secondary_contact', t0, ZONE), null);
  });
});

describe('management plans', () => {
  const exposure = at('2022-07-10T15:00:00+08:00');
  const dates = (plan: ReturnType<typeof managementPlan>, phase: 'centralised' | 'home') =>
    plan!.testDates.filter((t) => t.phase === phase).map((t) => t.date);

  test('8th edition: 14 d centralised + 7 d home monitoring, tests on days 1, 4, 7, 14', () => {
    const plan = managementPlan(eighth, 'close_contact', exposure, ZONE)!;
    assert.equal(plan.centralisedUntil, at('2022-07-25T00:00:00+08:00'));
    assert.equal(plan.homeUntil, at('2022-08-01T00:00:00+08:00'));
    assert.equal(plan.homeKind, 'home_health_monitoring');
    assert.deepEqual(dates(plan, 'centralised'), ['2022-07-11', '2022-07-14', '2022-07-17', '2022-07-24']);
    assert.deepEqual(dates(plan, 'home'), ['2022-07-26', '2022-07-31']);
  });

  test('9th edition: 7 d centralised + 3 d home monitoring, tests on days 1, 2, 3, 5, 7 and home day 3', () => {
    const plan = managementPlan(ninth, 'close_contact', exposure, ZONE)!;
    assert.equal(plan.centralisedUntil, at('2022-07-18T00:00:00+08:00'));
    assert.equal(plan.homeUntil, at('2022-07-21T00:00:00+08:00'));
    assert.deepEqual(dates(plan, 'centralised'), [
      '2022-07-11',
      '2022-07-12',
      '2022-07-13',
      '2022-07-15',
      '2022-07-17',
    ]);
    assert.deepEqual(dates(plan, 'home'), ['2022-07-20']);
    const secondary = managementPlan(ninth, 'secondary_contact', exposure, ZONE)!;
    assert.equal(secondary.centralisedUntil, exposure);
    assert.equal(secondary.homeUntil, at('2022-07-18T00:00:00+08:00'));
    assert.equal(secondary.homeKind, 'home_quarantine');
    assert.deepEqual(dates(secondary, 'home'), ['2022-07-11', '2022-07-14', '2022-07-17']);
  });

  test('20 measures: 5 d centralised + 3 d home quarantine, tests on days 1, 2, 3, 5 and home days 1, 3', () => {
    const plan = managementPlan(twenty, 'close_contact', exposure, ZONE)!;
    assert.equal(plan.centralisedUntil, at('2022-07-16T00:00:00+08:00'));
    assert.equal(plan.homeUntil, at('2022-07-19T00:00:00+08:00'));
    assert.equal(plan.homeKind, 'home_quarantine');
    assert.deepEqual(dates(plan, 'centralised'), ['2022-07-11', '2022-07-12', '2022-07-13', '2022-07-15']);
    assert.deepEqual(dates(plan, 'home'), ['2022-07-16', '2022-07-18']);
  });

  test('arrivals from risk areas by level', () => {
    assert.equal(arrivalGroup(ninth, 'high'), 'high_risk_arrival');
    assert.equal(arrivalGroup(ninth, 'medium'), 'medium_risk_arrival');
    assert.equal(arrivalGroup(ninth, 'low'), null);
    assert.equal(
      managementPlan(ninth, 'high_risk_arrival', exposure, ZONE)!.centralisedUntil,
      at('2022-07-18T00:00:00+08:00'),
    );
    assert.equal(
      managementPlan(ninth, 'medium_risk_arrival', exposure, ZONE)!.homeUntil,
      at('2022-07-18T00:00:00+08:00'),
    );
    assert.equal(arrivalGroup(twenty, 'medium'), null);
  });
});

describe('health code colour', () => {
  const since = at('2022-07-10T15:00:00+08:00');
  const now = at('2022-07-12T09:00:00+08:00');

  test('green with no facts, and the decision names its rule set', () => {
    const d = deriveColour(ninth, [], now);
    assert.equal(d.colour, 'green');
    assert.deepEqual(d.reasons, []);
    assert.deepEqual(d.ruleSet, { id: '9th-edition', version: ninth.version });
  });

  test('a close contact is red until the end of quarantine, then green', () => {
    const until = managementPlan(ninth, 'close_contact', since, ZONE)!.centralisedUntil;
    const facts: ColourFact[] = [{ kind: 'close_contact', since, until }];
    const d = deriveColour(ninth, facts, now);
    assert.equal(d.colour, 'red');
    assert.deepEqual(d.reasons, [
      {
        fact: 'close_contact',
        since,
        rule: 'close-contact',
        colour: 'red',
        endsWhen: { kind: 'quarantine_end' },
        endsAt: until,
      },
    ]);
    assert.equal(deriveColour(ninth, facts, until - 1).colour, 'red');
    assert.equal(deriveColour(ninth, facts, until).colour, 'green');
  });

  test('a pooled-positive member is yellow until a negative re-test sampled after the pool', () => {
    const before = { sampledAt: since - HOUR };
    const pending: ColourFact = { kind: 'pooled_positive_pending_retest', since, negativeTests: [before] };
    const d = deriveColour(ninth, [pending], now);
    assert.equal(d.colour, 'yellow');
    assert.deepEqual(d.reasons[0]!.endsWhen, { kind: 'negative_tests', count: 1, minHoursApart: 0 });
    assert.equal(d.reasons[0]!.endsAt, null);
    const retested: ColourFact = {
      ...pending,
      negativeTests: [before, { sampledAt: since + 3 * HOUR, reportedAt: since + 8 * HOUR }],
    };
    assert.equal(deriveColour(ninth, [retested], since + 8 * HOUR - 1).colour, 'yellow');
    assert.equal(deriveColour(ninth, [retested], since + 8 * HOUR).colour, 'green');
  });

  test('red beats yellow, and every reason that applies is listed, red first', () => {
    const facts: ColourFact[] = [
      { kind: 'pooled_positive_pending_retest', since },
      { kind: 'confirmed', since: since + HOUR },
    ];
    const d = deriveColour(ninth, facts, now);
    assert.equal(d.colour, 'red');
    assert.deepEqual(
      d.reasons.map((r) => [r.fact, r.colour, r.endsWhen.kind]),
      [
        ['confirmed', 'red', 'released'],
        ['pooled_positive_pending_retest', 'yellow', 'negative_tests'],
      ],
    );
  });

  test('expired facts and facts not yet begun give green', () => {
    const facts: ColourFact[] = [
      { kind: 'home_quarantine', since: since - 10 * 24 * HOUR, until: since - 3 * 24 * HOUR },
      { kind: 'confirmed', since: since - 30 * 24 * HOUR, until: since - 20 * 24 * HOUR },
      { kind: 'fever', since: now + HOUR },
    ];
    assert.equal(deriveColour(ninth, facts, now).colour, 'green');
  });

  test('two negative tests must be 24 h apart for a space-time companion', () => {
    const fact = (gapHours: number): ColourFact => ({
      kind: 'space_time_companion',
      since,
      negativeTests: [{ sampledAt: since + HOUR }, { sampledAt: since + HOUR + gapHours * HOUR }],
    });
    const later = since + 3 * 24 * HOUR;
    assert.equal(deriveColour(ninth, [fact(23)], later).colour, 'yellow');
    assert.equal(deriveColour(ninth, [fact(24)], later).colour, 'green');
  });

  test('a secondary contact is yellow under the 9th edition; the 20 measures have no such rule', () => {
    const facts: ColourFact[] = [{ kind: 'secondary_contact', since, until: since + 7 * 24 * HOUR }];
    assert.equal(deriveColour(ninth, facts, now).colour, 'yellow');
    assert.equal(deriveColour(twenty, facts, now).colour, 'green');
  });

  test('a days end condition ends that many days after the fact, or earlier when the fact ends', () => {
    const r = {
      ...ninth,
      colourRules: [
        {
          id: 'fever-days',
          colour: 'yellow' as const,
          when: 'fever' as const,
          endsWhen: { kind: 'days' as const, days: 3 },
        },
      ],
    };
    const fever: ColourFact = { kind: 'fever', since };
    assert.equal(deriveColour(r, [fever], since + 3 * 24 * HOUR - 1).reasons[0]!.endsAt, since + 3 * 24 * HOUR);
    assert.equal(deriveColour(r, [fever], since + 3 * 24 * HOUR).colour, 'green');
    assert.equal(deriveColour(r, [{ ...fever, until: since + HOUR }], since + 2 * HOUR).colour, 'green');
  });

  test('the circuit breaker threshold', () => {
    assert.equal(needsMassRecolourApproval(ninth, ninth.massRecolourThreshold), false);
    assert.equal(needsMassRecolourApproval(ninth, ninth.massRecolourThreshold + 1), true);
  });
});

describe('release from isolation', () => {
  const t0 = at('2022-07-20T08:00:00+08:00');
  const test_ = (hoursAfter: number, n: number | null, orf: number | null): IsolationTest => ({
    sampledAt: t0 + hoursAfter * HOUR,
    ct: { N: n, ORF1ab: orf },
  });

  test('Ct ≥ 35 twice 24 h apart releases under the 9th edition, not under the 8th (Ct ≥ 40)', () => {
    const tests = [test_(0, 36, 37), test_(24, 35, 38)];
    const d9 = releasable(ninth, tests);
    assert.equal(d9.releasable, true);
    assert.equal(d9.ctThreshold, 35);
    assert.equal(d9.releasedAt, t0 + 24 * HOUR);
    assert.equal(d9.homeMonitoringUntil, t0 + 24 * HOUR + 7 * 24 * HOUR);
    assert.equal(releasable(eighth, tests).releasable, false);
    const d8 = releasable(eighth, [test_(0, 40, null), test_(30, null, 41)]);
    assert.equal(d8.releasable, true);
    assert.equal(d8.homeMonitoringUntil, t0 + 30 * HOUR + 14 * 24 * HOUR);
    assert.equal(releasable(twenty, tests).releasable, true);
  });

  test('tests 23 h apart are rejected; a third test a day later completes the pair', () => {
    assert.equal(releasable(ninth, [test_(0, 36, 36), test_(23, 36, 36)]).releasable, false);
    const d = releasable(ninth, [test_(0, 36, 36), test_(23, 36, 36), test_(24, 36, 36)]);
    assert.equal(d.releasable, true);
    assert.deepEqual(
      d.basis.map((t) => t.sampledAt),
      [t0, t0 + 24 * HOUR],
    );
  });

  test('one gene below the threshold fails and starts the count again; a missing gene fails', () => {
    assert.equal(releasable(ninth, [test_(0, 36, 36), test_(24, 36, 34)]).releasable, false);
    assert.equal(releasable(ninth, [test_(0, 36, 36), test_(24, 30, 30), test_(48, 36, 36)]).releasable, false);
    assert.equal(
      releasable(ninth, [test_(0, 36, 36), test_(24, 30, 30), test_(48, 36, 36), test_(72, 36, 36)]).releasable,
      true,
    );
    assert.equal(
      releasable(ninth, [
        { sampledAt: t0, ct: { N: 36 } },
        { sampledAt: t0 + 24 * HOUR, ct: { N: 36 } },
      ]).releasable,
      false,
    );
    assert.equal(releasable(ninth, []).releasable, false);
  });
});

describe('risk areas', () => {
  test('9th edition: high → medium after 7 days and a negative round on day 7; medium → low after 3 more days', () => {
    assert.equal(riskAreaNextLevel(ninth, 'high', { daysWithoutCase: 7, negativeRoundDays: [3, 7] }).level, 'medium');
    assert.equal(riskAreaNextLevel(ninth, 'high', { daysWithoutCase: 7, negativeRoundDays: [3, 6] }).level, 'high');
    assert.equal(riskAreaNextLevel(ninth, 'high', { daysWithoutCase: 6, negativeRoundDays: [6] }).level, 'high');
    assert.equal(riskAreaNextLevel(ninth, 'medium', { daysWithoutCase: 9, daysAtLevel: 2 }).level, 'medium');
    const down = riskAreaNextLevel(ninth, 'medium', { daysWithoutCase: 10, daysAtLevel: 3 });
    assert.equal(down.level, 'low');
    assert.deepEqual(down.downgrade, ninth.riskAreas.downgrades[1]);
    assert.deepEqual(riskAreaNextLevel(ninth, 'low', { daysWithoutCase: 100 }), { level: 'low', downgrade: null });
  });

  test('20 measures: per building, high → low after 5 days; no medium level', () => {
    assert.equal(riskAreaNextLevel(twenty, 'high', { daysWithoutCase: 4 }).level, 'high');
    assert.equal(riskAreaNextLevel(twenty, 'high', { daysWithoutCase: 5 }).level, 'low');
    assert.deepEqual(twenty.riskAreas.designationUnits, ['building']);
    assert.throws(() => riskAreaNextLevel(twenty, 'medium', { daysWithoutCase: 5 }), hasCode('RISK_LEVEL_UNKNOWN'));
  });
});
