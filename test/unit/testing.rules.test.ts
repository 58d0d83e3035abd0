import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolingPolicy } from '../../src/testing/pooling.policy.ts';
import { jsonCopy } from '../support/json.ts';
import { loadTestingPolicy, parseTestingPolicy, testingPolicy } from '../../src/testing/testing.policy.ts';
import {
  allowedModes,
  controlLevelAt,
  joinRefusal,
  mapLabHeader,
  parseCt,
  parseLabResult,
  parseTestTime,
  planFor,
  poolAge,
  refusesSamplesAt,
  releaseDecision,
  roundStatus,
  siteLevel,
  tubeModeFor,
} from '../../src/testing/testing.rules.ts';

const policy = poolingPolicy();
const HOUR = 3_600_000;

test('pooling mode by control level: sealed 1:1 or household, controlled 10:1, prevention 20:1, quarantine sites and key groups 1:1', () => {
  assert.deepEqual(tubeModeFor(policy, 'controlled', {}), { ok: true, mode: 'pool', capacity: 10 });
  assert.deepEqual(tubeModeFor(policy, 'prevention', {}), { ok: true, mode: 'pool', capacity: 20 });
  assert.deepEqual(tubeModeFor(policy, 'prevention', { poolSize: 10 }), { ok: true, mode: 'pool', capacity: 10 });
  assert.deepEqual(tubeModeFor(policy, 'prevention', { poolSize: 5 }), { ok: true, mode: 'pool', capacity: 5 });
  assert.equal(tubeModeFor(policy, 'prevention', { poolSize: 7 }).ok, false, 'only validated sizes');
  assert.equal(tubeModeFor(policy, 'controlled', { poolSize: 20 }).ok, false, 'never above the level');
  assert.deepEqual(tubeModeFor(policy, 'controlled', { poolSize: 1 }), { ok: true, mode: 'single', capacity: 1 });
  assert.deepEqual(tubeModeFor(policy, 'sealed', {}), { ok: true, mode: 'household', capacity: 20 });
  assert.deepEqual(tubeModeFor(policy, 'sealed', { mode: 'single' }), { ok: true, mode: 'single', capacity: 1 });
  const refused = tubeModeFor(policy, 'sealed', { mode: 'pool' });
  assert.equal(refused.ok, false);
  assert.deepEqual(!refused.ok && refused.allowed, { modes: ['household', 'single'], maxPoolSize: 1 });
  for (const level of ['quarantine_site', 'key_group'] as const) {
    assert.deepEqual(tubeModeFor(policy, level, {}), { ok: true, mode: 'single', capacity: 1 });
    assert.equal(tubeModeFor(policy, level, { mode: 'household' }).ok, false);
    assert.deepEqual(allowedModes(policy, level).modes, ['single']);
  }
  assert.equal(siteLevel('prevention', 'quarantine_site'), 'quarantine_site');
  assert.equal(siteLevel('prevention', 'ordinary'), 'prevention');
});

test('the control level of an area is the innermost round area containing it', () => {
  const areas = [
    { area_path: '1/2/', control_level: 'prevention' },
    { area_path: '1/2/3/', control_level: 'sealed' },
  ];
  assert.equal(controlLevelAt('1/2/3/4/', areas), 'sealed');
  assert.equal(controlLevelAt('1/2/5/', areas), 'prevention');
  assert.equal(controlLevelAt('1/9/', areas), null);
});

test('joining a tube: closed, twice, another open tube of the round, full, household', () => {
  const open = { status: 'open', mode: 'pool', capacity: 10, memberCount: 9 };
  const ok = { inThisTube: false, otherOpenTube: null, household: 'h1', tubeHouseholds: [] };
  assert.equal(joinRefusal(open, ok), null);
  assert.equal(joinRefusal({ ...open, memberCount: 10 }, ok), 'TUBE_FULL');
  assert.equal(joinRefusal({ ...open, status: 'closed' }, ok), 'TUBE_CLOSED');
  assert.equal(joinRefusal(open, { ...ok, inThisTube: true }), 'PERSON_ALREADY_IN_TUBE');
  assert.equal(joinRefusal(open, { ...ok, otherOpenTube: 'T1' }), 'PERSON_IN_OPEN_TUBE');
  const household = { status: 'open', mode: 'household', capacity: 20, memberCount: 1 };
  assert.equal(joinRefusal(household, { ...ok, tubeHouseholds: ['h1'] }), null);
  assert.equal(joinRefusal(household, { ...ok, tubeHouseholds: ['h2'] }), 'TUBE_HOUSEHOLD_MISMATCH');
  assert.equal(joinRefusal(household, { ...ok, household: null, tubeHouseholds: [null] }), 'TUBE_HOUSEHOLD_MISMATCH');
  assert.equal(joinRefusal({ ...household, memberCount: 0 }, { ...ok, household: null }), null);
});

test('planner norms: a site per 2,000–3,000, a table per 600–800, samplers = population ÷ 360', () => {
  const norms = testingPolicy().planning;
  const f = planFor(1_000_000, norms, { sites: 300, tables: 1000, samplers: 2000 });
  assert.deepEqual(f.needed, { sites: { min: 334, max: 500 }, tables: { min: 1250, max: 1667 }, samplers: 2778 });
  assert.deepEqual(f.short, { sites: 34, tables: 250, samplers: 778 });
  assert.deepEqual(planFor(0, norms, { sites: 1, tables: 1, samplers: 1 }).short, { sites: 0, tables: 0, samplers: 0 });
  assert.deepEqual(planFor(16, norms, { sites: 0, tables: 0, samplers: 0 }).needed, {
    sites: { min: 1, max: 1 },
    tables: { min: 1, max: 1 },
    samplers: 1,
  });
});

test('release decision: all negative → release at once, any positive → case, otherwise wait', () => {
  assert.equal(releaseDecision(['negative', 'negative', 'negative']), 'release');
  assert.equal(releaseDecision(['negative', 'sampled', 'negative']), 'wait');
  assert.equal(releaseDecision(['negative', 'open']), 'wait');
  assert.equal(releaseDecision(['negative', 'positive', 'open']), 'case_found');
  assert.equal(releaseDecision(['negative', 'cancelled']), 'release');
  assert.equal(releaseDecision([]), 'wait');
});

test('pool age against the 6-hour re-test target, and round status', () => {
  assert.deepEqual(poolAge({ detected_at: 0, closed_at: null }, 7 * HOUR, 6 * HOUR, false), {
    ageMs: 7 * HOUR,
    overdue: true,
  });
  assert.deepEqual(poolAge({ detected_at: 0, closed_at: null }, 7 * HOUR, 6 * HOUR, true), {
    ageMs: 7 * HOUR,
    overdue: false,
  });
  assert.deepEqual(poolAge({ detected_at: 0, closed_at: 2 * HOUR }, 9 * HOUR, 6 * HOUR, false), {
    ageMs: 2 * HOUR,
    overdue: false,
  });
  const r = { starts_at: 10, deadline_at: 20, closed_at: null };
  assert.equal(roundStatus(r, 5), 'planned');
  assert.equal(roundStatus(r, 15), 'open');
  assert.equal(roundStatus(r, 25), 'overdue');
  assert.equal(roundStatus({ ...r, closed_at: 18 }, 15), 'closed');
  // Samples and door-knock marks: from the start until the close; one made before a later close is kept.
  assert.equal(refusesSamplesAt(r, 5), 'planned');
  assert.equal(refusesSamplesAt(r, 15), null);
  assert.equal(refusesSamplesAt(r, 25), null, 'stragglers after the deadline');
  assert.equal(refusesSamplesAt({ ...r, closed_at: 18 }, 15), null, 'made before the close, synced after');
  assert.equal(refusesSamplesAt({ ...r, closed_at: 18 }, 18), 'closed');
});

test('lab rows: header in Chinese or English, result words, Ct range, test time in the deployment zone', () => {
  const h = mapLabHeader(['管码', '结果', 'N基因Ct', 'ORF1ab基因Ct', '检测时间']);
  assert.equal(h.ok, true);
  assert.equal(mapLabHeader(['Tube barcode', 'Result', 'Ct N', 'Ct ORF1ab', 'Test time']).ok, true);
  const bad = mapLabHeader(['barcode', 'result', 'when']);
  assert.deepEqual(!bad.ok && bad.missing, ['ctN', 'ctOrf1ab', 'testedAt']);
  assert.deepEqual(!bad.ok && bad.unknown, ['when']);
  assert.equal(parseLabResult('阴性'), 'negative');
  assert.equal(parseLabResult(' Positive '), 'positive');
  assert.equal(parseLabResult('maybe'), null);
  const range = { min: 0, max: 50 };
  assert.deepEqual(parseCt('', range), { ok: true, value: null });
  assert.deepEqual(parseCt('未检出', range), { ok: true, value: null });
  assert.deepEqual(parseCt('33.5', range), { ok: true, value: 33.5 });
  assert.deepEqual(parseCt('51', range), { ok: false });
  assert.deepEqual(parseCt('-3', range), { ok: false });
  assert.equal(parseTestTime('2022-04-02 08:30', 'Asia/Shanghai'), Date.parse('2022-04-02T08:30:00+08:00'));
  assert.equal(parseTestTime('2022/4/2 8:30:15', 'Asia/Shanghai'), Date.parse('2022-04-02T08:30:15+08:00'));
  assert.equal(parseTestTime('2022-04-02T00:30:00.000Z', 'Asia/Shanghai'), Date.parse('2022-04-02T00:30:00Z'));
  assert.equal(parseTestTime('yesterday', 'Asia/Shanghai'), null);
  assert.equal(parseTestTime('2022-13-02 08:30', 'Asia/Shanghai'), null);
});

test('rules/testing.json is valid and errors name the field', () => {
  const p = loadTestingPolicy();
  assert.equal(p.roundDeadlineHours, 24);
  assert.equal(p.retestTargetHours, 6);
  const raw = jsonCopy(p);
  raw.planning.peoplePerSite.min = 0;
  assert.throws(() => parseTestingPolicy(raw), /planning\.peoplePerSite\.min/);
  assert.throws(
    () => parseTestingPolicy({ ...p, positiveSingleClassification: 'case' }),
    /positiveSingleClassification/,
  );
  assert.throws(() => parseTestingPolicy({ ...p, ct: { min: 10, max: 5 } }), /ct\.max/);
});

test('a unit reads N单元 once, whether the roster stored "2" or "2单元"', async () => {
  const { unitLabel } = await import('../../src/testing/testing.pools.ts');
  assert.equal(unitLabel('2'), '2单元');
  assert.equal(unitLabel('2单元'), '2单元');
});
