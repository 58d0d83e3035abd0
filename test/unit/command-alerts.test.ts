// The alert rules: which conditions hold against rules/alerts.json, and how they meet the open alerts —
// opened once, held (deduplicated) while the condition holds, cleared when it goes; a rule whose facts
// were not read neither opens nor clears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertPolicy, parseAlertPolicy } from '../../src/command/alerts.policy.ts';
import { dutyOrder, evaluateAlerts, reconcileAlerts, type AlertFacts } from '../../src/command/alerts.rules.ts';
import { RuleFileError } from '../../src/platform/rule-file.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2022-04-10T12:00:00+08:00');
const place = (id: string) => ({ id, areaId: 'd1', areaPath: '220400/220402/' });
const rules = alertPolicy().rules;

test('the shipped rules: 6 h for pools, 12 h for contacts, 10 % free rooms, 30 min for fevers', () => {
  assert.equal(rules.pool_unresolved.afterHours, 6);
  assert.equal(rules.contact_unplaced.afterHours, 12);
  assert.equal(rules.rooms_low.freeShareBelow, 0.1);
  assert.equal(rules.fever_unanswered.afterMinutes, 30);
  assert.ok(rules.pool_unresolved.notify.includes('command'));
});

test('a bad rule file names the field', () => {
  const raw = structuredClone(alertPolicy()) as unknown as { rules: { rooms_low: { freeShareBelow: number } } };
  raw.rules.rooms_low.freeShareBelow = 2;
  assert.throws(
    () => parseAlertPolicy(raw),
    (e: unknown) => e instanceof RuleFileError && /rules\.rooms_low\.freeShareBelow/.test(e.message),
  );
});

test('each condition holds only past its threshold', () => {
  const facts: AlertFacts = {
    now: NOW,
    pools: [
      { ...place('p-old'), detectedAt: NOW - 6 * HOUR - 1, members: 10, status: 'detected' },
      { ...place('p-new'), detectedAt: NOW - 6 * HOUR, members: 10, status: 'reported' },
    ],
    unplacedOrders: [
      { ...place('o-old'), kind: 'close_contact', createdAt: NOW - 13 * HOUR },
      { ...place('o-new'), kind: 'close_contact', createdAt: NOW - 11 * HOUR },
    ],
    districts: [
      { ...place('d-low'), name: '龙山区', usable: 100, free: 9 },
      { ...place('d-ok'), name: '西安区', usable: 100, free: 10 },
      { ...place('d-none'), name: '东丰县', usable: 0, free: 0 },
    ],
    feverAlerts: [
      { ...place('f-late'), raisedAt: NOW - 31 * 60_000, siteId: 's1' },
      { ...place('f-soon'), raisedAt: NOW - 29 * 60_000, siteId: 's1' },
    ],
    venues: [
      { ...place('v-over'), name: '万达广场', count: 501, capacity: 500 },
      { ...place('v-full'), name: '大润发', count: 300, capacity: 300 },
    ],
  };
  const { candidates, evaluated } = evaluateAlerts(rules, facts);
  assert.deepEqual(candidates.map((c) => c.key).sort(), [
    'contact_unplaced:o-old',
    'fever_unanswered:f-late',
    'pool_unresolved:p-old',
    'rooms_low:d-low',
    'venue_over_capacity:v-over',
  ]);
  assert.equal(evaluated.size, 5);
  const pool = candidates.find((c) => c.rule === 'pool_unresolved')!;
  assert.equal(pool.severity, 'critical');
  assert.equal(pool.evidence.targetHours, 6);
  assert.ok(Number(pool.evidence.ageHours) >= 6);
  assert.deepEqual(candidates.find((c) => c.rule === 'rooms_low')!.evidence.freeShare, 0.09);
});

test('open once, held while the condition holds, cleared when it goes', () => {
  const pools = (ids: string[]) => ({
    now: NOW,
    pools: ids.map((id) => ({ ...place(id), detectedAt: NOW - 7 * HOUR, members: 10, status: 'detected' })),
  });
  // First run: two conditions, nothing open: both open.
  let run = evaluateAlerts(rules, pools(['a', 'b']));
  let plan = reconcileAlerts([], run.candidates, run.evaluated);
  assert.deepEqual(
    plan.open.map((c) => c.key),
    ['pool_unresolved:a', 'pool_unresolved:b'],
  );
  const open = plan.open.map((c, i) => ({ id: `alert-${i}`, rule: c.rule, key: c.key }));
  // Second run, same conditions: nothing new (deduplicated), both held.
  run = evaluateAlerts(rules, pools(['a', 'b']));
  plan = reconcileAlerts(open, run.candidates, run.evaluated);
  assert.deepEqual(plan.open, []);
  assert.deepEqual(
    plan.hold.map((h) => h.id),
    ['alert-0', 'alert-1'],
  );
  assert.deepEqual(plan.clear, []);
  // Pool b settled: its alert clears, a's holds.
  run = evaluateAlerts(rules, pools(['a']));
  plan = reconcileAlerts(open, run.candidates, run.evaluated);
  assert.deepEqual(plan.clear, ['alert-1']);
  assert.deepEqual(
    plan.hold.map((h) => h.id),
    ['alert-0'],
  );
  // The pools could not be read: nothing opens or clears.
  run = evaluateAlerts(rules, { now: NOW });
  plan = reconcileAlerts(open, run.candidates, run.evaluated);
  assert.deepEqual([plan.open, plan.hold, plan.clear], [[], [], []]);
  // A condition listed twice opens one alert.
  run = evaluateAlerts(rules, pools(['c', 'c']));
  plan = reconcileAlerts([], run.candidates, run.evaluated);
  assert.equal(plan.open.length, 1);
});

test('the duty list: most severe first, then the oldest', () => {
  const order = dutyOrder([
    { id: '1', severity: 'medium', openedAt: 1 },
    { id: '2', severity: 'critical', openedAt: 5 },
    { id: '3', severity: 'critical', openedAt: 2 },
    { id: '4', severity: 'high', openedAt: 0 },
  ]);
  assert.deepEqual(
    order.map((a) => a.id),
    ['3', '2', '4', '1'],
  );
});
