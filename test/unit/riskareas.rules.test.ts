import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../support/errors.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import {
  areaHistory,
  arrivalFact,
  arrivalFactSince,
  arrivalFactsEnd,
  arrivalWindowStart,
  assertDesignable,
  calendarDays,
  checkDowngrade,
  liftingRule,
  startsEpisode,
  type AreaState,
} from '../../src/riskareas/riskareas.rules.ts';
import '../../src/riskareas/riskareas.schema.ts';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);
const eighth = ruleSetById('8th-edition');
const ninth = ruleSetById('9th-edition');
const twenty = ruleSetById('20-measures');
const designated = at('2022-03-20T15:00:00+08:00');
const high: AreaState = { level: 'high', levelSince: designated, episodeStart: designated };

describe('designation', () => {
  test('units and levels come from the rule set', () => {
    assertDesignable(ninth, 'street', 'medium');
    assertDesignable(twenty, 'building', 'high');
    assert.throws(() => assertDesignable(twenty, 'community', 'high'), hasCode('RISK_AREA_UNIT_NOT_IN_RULESET'));
    assert.throws(() => assertDesignable(twenty, 'building', 'medium'), hasCode('RISK_LEVEL_UNKNOWN'));
  });

  test('a run of designation starts when an area goes from nothing or low to high or medium', () => {
    assert.equal(startsEpisode(null, 'high'), true);
    assert.equal(startsEpisode('low', 'medium'), true);
    assert.equal(startsEpisode('medium', 'high'), false);
    assert.equal(startsEpisode(null, 'low'), false);
  });
});

describe('counting days for the downgrade rules', () => {
  test('calendar days in the zone, not 24-hour spans', () => {
    assert.equal(calendarDays(at('2022-03-20T23:30:00+08:00'), at('2022-03-21T00:10:00+08:00'), ZONE), 1);
    assert.equal(calendarDays(at('2022-03-20T00:10:00+08:00'), at('2022-03-20T23:50:00+08:00'), ZONE), 0);
  });

  test('days without a case count from the later of the latest case and the designation', () => {
    const now = at('2022-03-27T09:00:00+08:00');
    assert.equal(areaHistory(high, { lastCaseAt: null, negativeRoundsAt: [] }, now, ZONE).daysWithoutCase, 7);
    assert.equal(
      areaHistory(high, { lastCaseAt: at('2022-03-10T09:00:00+08:00'), negativeRoundsAt: [] }, now, ZONE)
        .daysWithoutCase,
      7,
    );
    assert.equal(
      areaHistory(high, { lastCaseAt: at('2022-03-22T09:00:00+08:00'), negativeRoundsAt: [] }, now, ZONE)
        .daysWithoutCase,
      5,
    );
  });

  test('negative rounds are numbered on the same count; rounds before it do not count', () => {
    const h = areaHistory(
      high,
      {
        lastCaseAt: null,
        negativeRoundsAt: [
          at('2022-03-19T10:00:00+08:00'),
          at('2022-03-23T10:00:00+08:00'),
          at('2022-03-27T07:00:00+08:00'),
        ],
      },
      at('2022-03-27T09:00:00+08:00'),
      ZONE,
    );
    assert.deepEqual(h.negativeRoundDays, [3, 7]);
  });
});

describe("downgrades reuse the rule set's decision", () => {
  test('9th edition: high → medium needs 7 days without a case AND a negative round on day 7', () => {
    const day7 = at('2022-03-27T09:00:00+08:00');
    const noRound = checkDowngrade(ninth, high, { lastCaseAt: null, negativeRoundsAt: [] }, day7, ZONE);
    assert.equal(noRound.change, null);
    assert.equal(noRound.change === null && noRound.reason, 'not_met');
    const round = checkDowngrade(
      ninth,
      high,
      { lastCaseAt: null, negativeRoundsAt: [at('2022-03-27T06:00:00+08:00')] },
      day7,
      ZONE,
    );
    assert.ok(round.change);
    assert.equal(round.change.to, 'medium');
    assert.equal(round.change.rule, 'riskAreas.downgrades[0]');
    assert.equal(round.change.history.daysWithoutCase, 7);
    const day6 = checkDowngrade(
      ninth,
      high,
      { lastCaseAt: null, negativeRoundsAt: [at('2022-03-26T06:00:00+08:00')] },
      at('2022-03-26T22:00:00+08:00'),
      ZONE,
    );
    assert.equal(day6.change, null);
  });

  test('9th edition: medium → low after 3 more days at medium without a case', () => {
    const medium: AreaState = {
      level: 'medium',
      levelSince: at('2022-03-27T09:00:00+08:00'),
      episodeStart: designated,
    };
    assert.equal(
      checkDowngrade(ninth, medium, { lastCaseAt: null, negativeRoundsAt: [] }, at('2022-03-29T23:00:00+08:00'), ZONE)
        .change,
      null,
    );
    const met = checkDowngrade(
      ninth,
      medium,
      { lastCaseAt: null, negativeRoundsAt: [] },
      at('2022-03-30T00:30:00+08:00'),
      ZONE,
    );
    assert.equal(met.change?.to, 'low');
    assert.equal(met.change?.rule, 'riskAreas.downgrades[1]');
    // A new case at medium starts the count again.
    const caseAt = at('2022-03-29T10:00:00+08:00');
    assert.equal(
      checkDowngrade(ninth, medium, { lastCaseAt: caseAt, negativeRoundsAt: [] }, at('2022-03-30T00:30:00+08:00'), ZONE)
        .change,
      null,
    );
  });

  test('20 measures: high → low after 5 days without a case, no round needed', () => {
    const b: AreaState = { level: 'high', levelSince: designated, episodeStart: designated };
    assert.equal(
      checkDowngrade(twenty, b, { lastCaseAt: null, negativeRoundsAt: [] }, at('2022-03-24T23:00:00+08:00'), ZONE)
        .change,
      null,
    );
    assert.equal(
      checkDowngrade(twenty, b, { lastCaseAt: null, negativeRoundsAt: [] }, at('2022-03-25T00:00:00+08:00'), ZONE)
        .change?.to,
      'low',
    );
  });

  test('8th edition: 14 days each step', () => {
    const c = checkDowngrade(
      eighth,
      high,
      { lastCaseAt: null, negativeRoundsAt: [] },
      at('2022-04-03T08:00:00+08:00'),
      ZONE,
    );
    assert.equal(c.change?.to, 'medium');
  });

  test('low has no rule; a level the active rule set does not know is left alone', () => {
    const low: AreaState = { level: 'low', levelSince: designated, episodeStart: designated };
    const r = checkDowngrade(
      ninth,
      low,
      { lastCaseAt: null, negativeRoundsAt: [] },
      at('2022-05-01T00:00:00+08:00'),
      ZONE,
    );
    assert.equal(r.change === null && r.reason, 'no_rule');
    const medium: AreaState = { level: 'medium', levelSince: designated, episodeStart: designated };
    const m = checkDowngrade(
      twenty,
      medium,
      { lastCaseAt: null, negativeRoundsAt: [] },
      at('2022-05-01T00:00:00+08:00'),
      ZONE,
    );
    assert.equal(m.change === null && m.reason, 'level_not_in_ruleset');
  });

  test("the lifting rule shown to the public is the rule set's", () => {
    assert.deepEqual(liftingRule(ninth, 'high'), {
      from: 'high',
      to: 'medium',
      daysWithoutCase: 7,
      negativeRoundOnDay: 7,
    });
    assert.equal(liftingRule(ninth, 'low'), null);
  });
});

describe('arrivals', () => {
  test('high and medium arrivals get the pending-test fact with their management group; low gets none', () => {
    assert.deepEqual(arrivalFact(ninth, 'high'), {
      kind: 'risk_area_arrival_pending_test',
      group: 'high_risk_arrival',
    });
    assert.deepEqual(arrivalFact(ninth, 'medium'), {
      kind: 'risk_area_arrival_pending_test',
      group: 'medium_risk_arrival',
    });
    assert.equal(arrivalFact(ninth, 'low'), null);
    assert.equal(arrivalFact(twenty, 'medium'), null);
  });

  test('facts end when the area is lifted or goes to a level without arrival rules', () => {
    assert.equal(arrivalFactsEnd(ninth, 'lifted'), true);
    assert.equal(arrivalFactsEnd(ninth, 'low'), true);
    assert.equal(arrivalFactsEnd(ninth, 'medium'), false);
  });

  test('stays count from 00:00 of the day arrivalLookBackDays before the designation', () => {
    assert.equal(arrivalWindowStart(ninth, designated, ZONE), at('2022-03-13T00:00:00+08:00'));
    assert.equal(arrivalWindowStart(eighth, designated, ZONE), at('2022-03-06T00:00:00+08:00'));
    assert.equal(arrivalFactSince(at('2022-03-15T10:00:00+08:00'), designated), designated);
    assert.equal(arrivalFactSince(at('2022-03-22T10:00:00+08:00'), designated), at('2022-03-22T10:00:00+08:00'));
  });
});
