// The checkpoint rules per period (rules/checkpoint.json): a person's check (fever, code colour, a test
// within its validity, else antigen on the spot with a PCR sample), the vehicle's decision before and
// after the mid-2022 rule that trucks are never turned back, the officer's queue per vehicle class,
// the queued-check window, counts per hour; the trip window and the station's steps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkpointPeriodOn,
  checkpointPolicy,
  parseCheckpointPolicy,
  type CheckpointPeriod,
} from '../../src/logistics/checkpoint.policy.ts';
import {
  checkPerson,
  countsByHour,
  decideVehicle,
  mayResolve,
  queuedCheckAccepted,
  type PersonFacts,
} from '../../src/logistics/checkpoint.rules.ts';
import { applyStep, checkWindow, nextStep, overdue, slotSpan, STEPS } from '../../src/logistics/trips.rules.ts';

const H = 3_600_000;
const policy = checkpointPolicy();
const april = checkpointPeriodOn(policy, '2022-04-20');
const june = checkpointPeriodOn(policy, '2022-06-15');
const AT = Date.parse('2022-06-15T10:00:00+08:00');

const well: PersonFacts = {
  temperature: 36.5,
  colourShown: 'green',
  colourKnown: null,
  testSampledAt: AT - 20 * H,
  antigen: null,
  pcrSampled: false,
};

describe('checkpoint rules file', () => {
  test('the periods: turning back allowed in April, never from June on', () => {
    assert.equal(april.turnBack, true);
    assert.equal(june.turnBack, false);
    assert.equal(june.testValidityHours, 48);
    assert.equal(checkpointPeriodOn(policy, '2021-01-01'), policy.periods[0]);
  });

  test('a malformed file is refused naming the field', () => {
    assert.throws(
      () =>
        parseCheckpointPolicy({
          version: 'x',
          periods: [
            { ...june, from: '2022-06-01' },
            { ...april, from: '2022-04-11' },
          ],
        }),
      /periods\[1\]\.from/,
    );
    assert.throws(() => parseCheckpointPolicy({ version: 'x', periods: [{ ...june, turnBack: 'no' }] }), /turnBack/);
  });
});

describe('a person at the checkpoint', () => {
  test('a green code and a PCR within 48 h passes', () => {
    assert.deepEqual(checkPerson(june, well, AT), { outcome: 'passed', colour: 'green', reasons: ['test_valid'] });
  });

  test('fever, a yellow or red code fail; the colour the city holds counts when worse than the one shown', () => {
    assert.deepEqual(checkPerson(june, { ...well, temperature: 37.3 }, AT), {
      outcome: 'failed',
      colour: 'green',
      reasons: ['fever'],
    });
    assert.deepEqual(checkPerson(june, { ...well, colourKnown: 'red' }, AT), {
      outcome: 'failed',
      colour: 'red',
      reasons: ['code_red'],
    });
    assert.equal(checkPerson(june, { ...well, colourShown: 'yellow', colourKnown: 'green' }, AT).colour, 'yellow');
  });

  test('an older test: antigen on the spot, with a PCR sample, else the check is incomplete', () => {
    const stale = { ...well, testSampledAt: AT - 49 * H };
    assert.deepEqual(checkPerson(june, stale, AT), { outcome: 'incomplete', colour: 'green', missing: 'antigen' });
    assert.deepEqual(checkPerson(june, { ...stale, antigen: 'negative' }, AT), {
      outcome: 'incomplete',
      colour: 'green',
      missing: 'pcr_sample',
    });
    assert.deepEqual(checkPerson(june, { ...stale, antigen: 'negative', pcrSampled: true }, AT), {
      outcome: 'passed',
      colour: 'green',
      reasons: ['antigen_negative'],
    });
    assert.equal(checkPerson(june, { ...stale, antigen: 'positive', pcrSampled: true }, AT).outcome, 'failed');
    // No test at all is the same as an old one; a test dated after the check does not count.
    assert.equal(checkPerson(june, { ...well, testSampledAt: null }, AT).outcome, 'incomplete');
    assert.equal(checkPerson(june, { ...well, testSampledAt: AT + H }, AT).outcome, 'incomplete');
  });

  test('a period without antigen on the spot fails a person without a valid test', () => {
    const strict: CheckpointPeriod = { ...june, antigenOnSpot: false };
    assert.deepEqual(checkPerson(strict, { ...well, testSampledAt: null }, AT), {
      outcome: 'failed',
      colour: 'green',
      reasons: ['no_valid_test'],
    });
  });
});

describe('the vehicle', () => {
  const trip = {
    originRisk: 'none' as const,
    destinationKind: 'warehouse' as const,
    intent: 'unload_return' as const,
    crewMatches: true,
  };
  const ok = { outcome: 'passed' as const };
  const bad = { outcome: 'failed' as const };

  test('a reported supply vehicle with a fit crew proceeds on its path', () => {
    assert.deepEqual(decideVehicle(june, { vehicleClass: 'supply', trip, persons: [ok, ok] }), {
      decision: 'proceed',
      path: 'unload_return_escorted',
      reasons: ['trip_checked'],
      controls: ['none', 'none'],
    });
    const stay = decideVehicle(june, { vehicleClass: 'supply', trip: { ...trip, intent: 'stay' }, persons: [ok] });
    assert.equal(stay.path, 'crew_to_community');
    assert.deepEqual(stay.controls, ['handed_to_community']);
    const station = decideVehicle(june, {
      vehicleClass: 'supply',
      trip: { ...trip, destinationKind: 'transfer_station' },
      persons: [ok],
    });
    assert.equal(station.path, 'transfer_station');
  });

  test('a failing driver: turned back in April, controlled with the cargo trans-shipped from June', () => {
    assert.deepEqual(decideVehicle(april, { vehicleClass: 'supply', trip, persons: [bad, ok] }), {
      decision: 'turned_back',
      path: null,
      reasons: ['person_failed'],
      controls: ['turned_back', 'turned_back'],
    });
    assert.deepEqual(decideVehicle(june, { vehicleClass: 'supply', trip, persons: [bad, ok] }), {
      decision: 'trans_ship',
      path: 'transfer_station',
      reasons: ['person_failed'],
      controls: ['controlled', 'none'],
    });
    assert.equal(mayResolve(april, 'turned_back'), true);
    assert.equal(mayResolve(june, 'turned_back'), false);
    assert.equal(mayResolve(june, 'trans_ship'), true);
  });

  test("the officer's queue by vehicle class and period", () => {
    const officer = (p: CheckpointPeriod, v: Parameters<typeof decideVehicle>[1]) => decideVehicle(p, v);
    assert.deepEqual(officer(june, { vehicleClass: 'supply', trip: null, persons: [ok] }).reasons, ['unreported']);
    assert.deepEqual(officer(june, { vehicleClass: 'non_essential', trip, persons: [ok] }).reasons, ['non_essential']);
    assert.deepEqual(
      officer(june, { vehicleClass: 'supply', trip: { ...trip, originRisk: 'low' }, persons: [ok] }).reasons,
      ['origin_low'],
    );
    // In April a supply vehicle from a county with low-risk areas only was waved on.
    assert.equal(
      officer(april, { vehicleClass: 'supply', trip: { ...trip, originRisk: 'low' }, persons: [ok] }).decision,
      'proceed',
    );
    assert.deepEqual(
      officer(june, { vehicleClass: 'supply', trip: { ...trip, originRisk: 'medium_high' }, persons: [ok] }).reasons,
      ['origin_medium_high'],
    );
    assert.deepEqual(
      officer(june, { vehicleClass: 'supply', trip: { ...trip, crewMatches: false }, persons: [ok] }).reasons,
      ['crew_mismatch'],
    );
  });

  test('a queued check is accepted within the window only', () => {
    const now = AT;
    assert.equal(queuedCheckAccepted(june, now - 119 * 60_000, now), true);
    assert.equal(queuedCheckAccepted(june, now - 121 * 60_000, now), false);
    assert.equal(queuedCheckAccepted(june, now + 10 * 60_000, now), false);
  });

  test('counts per hour in the deployment zone', () => {
    const c = countsByHour(
      [
        { checkedAt: Date.parse('2022-06-15T08:10:00+08:00'), decision: 'proceed', persons: 2 },
        { checkedAt: Date.parse('2022-06-15T08:50:00+08:00'), decision: 'officer', persons: 1 },
        { checkedAt: Date.parse('2022-06-15T23:59:00+08:00'), decision: 'trans_ship', persons: 1 },
      ],
      'Asia/Shanghai',
    );
    assert.equal(c.length, 24);
    assert.deepEqual(c[8], { hour: 8, vehicles: 2, persons: 3, proceed: 1, officer: 1, turnedBack: 0, transShip: 0 });
    assert.equal(c[23]!.transShip, 1);
  });
});

describe('trips and stations', () => {
  test('the arrival window and the 48 h rule', () => {
    const now = AT;
    assert.deepEqual(checkWindow(june, now, now + 48 * H, now + 52 * H), { ok: true });
    assert.equal((checkWindow(june, now, now + 47 * H, now + 52 * H) as { code: string }).code, 'TRIP_REPORT_LATE');
    assert.equal((checkWindow(june, now, now + 50 * H, now + 49 * H) as { code: string }).code, 'TRIP_WINDOW_ORDER');
    assert.equal((checkWindow(june, now, now + 50 * H, now + 150 * H) as { code: string }).code, 'TRIP_WINDOW_LONG');
    assert.deepEqual(checkWindow({ ...june, reportAheadHours: 0 }, now, now + H, now + 2 * H), { ok: true });
  });

  test('the 08:00 list covers 08:00–16:00, the 16:00 list 16:00 to 08:00 the next day', () => {
    const day = Date.parse('2022-06-15T00:00:00+08:00');
    assert.deepEqual(slotSpan(day, '08'), { from: day + 8 * H, to: day + 16 * H });
    assert.deepEqual(slotSpan(day, '16'), { from: day + 16 * H, to: day + 32 * H });
  });

  test('the steps in order; antigen-positive crew isolated; a relay driver when nobody may drive on', () => {
    assert.deepEqual(
      [...STEPS],
      ['arrived', 'disinfected', 'crew_tested', 'crew_rested', 'handed_over', 'sealed', 'departed', 'delivered'],
    );
    assert.equal(nextStep('arrived'), 'disinfected');
    assert.equal(nextStep('delivered'), null);
    const crew = [
      { name: '李卫东', antigen: null, pcrSampled: false, state: 'inside' as const },
      { name: '赵强', antigen: null, pcrSampled: false, state: 'inside' as const },
    ];
    const tested = applyStep(
      'crew_tested',
      crew,
      {
        results: [
          { antigen: 'positive', pcrSampled: true },
          { antigen: 'negative', pcrSampled: true },
        ],
      },
      { relayDriver: null },
    );
    assert.ok(tested.ok);
    assert.deepEqual(tested.isolated, ['李卫东']);
    assert.equal(applyStep('crew_tested', crew, { results: [] }, { relayDriver: null }).ok, false);
    const allIsolated = crew.map((c) => ({ ...c, state: 'isolated' as const }));
    assert.deepEqual(applyStep('crew_rested', allIsolated, {}, { relayDriver: null }), {
      ok: false,
      code: 'STATION_RELAY_REQUIRED',
      field: 'relayDriver',
    });
    const rested = applyStep('crew_rested', tested.crew, {}, { relayDriver: null });
    assert.ok(rested.ok);
    assert.deepEqual(
      rested.crew.map((c) => c.state),
      ['isolated', 'resting'],
    );
    assert.equal(
      (applyStep('sealed', crew, {}, { relayDriver: null }) as { code: string }).code,
      'STATION_SEAL_REQUIRED',
    );
    assert.equal(
      (applyStep('handed_over', crew, { handover: 'relay' }, { relayDriver: null }) as { code: string }).code,
      'STATION_RELAY_REQUIRED',
    );
    assert.equal(overdue({ due_at: 100, closed_at: null }, 101), true);
    assert.equal(overdue({ due_at: 100, closed_at: 50 }, 101), false);
  });
});
