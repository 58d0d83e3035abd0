// The reserves' arithmetic: quantities in the units an item uses, days of supply from the last 7 days'
// outflow or from the per-person norm, the levels under the period's thresholds, and the rule file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseReservesPolicy, reservesPolicy } from '../../src/logistics/reserves.policy.ts';
import {
  fromMilli,
  levelOf,
  stockDeltas,
  supplyFigures,
  thresholdsOn,
  toMilli,
  unitsOf,
} from '../../src/logistics/reserves.rules.ts';
import { RuleFileError } from '../../src/platform/rule-file.ts';

const policy = reservesPolicy();
const item = (code: string) => policy.items.find((i) => i.code === code)!;

test('quantities: base unit and the units an item also uses, in thousandths; others refused', () => {
  assert.deepEqual(toMilli(item('vegetables'), 1172.54, 't'), { ok: true, milli: 1_172_540 });
  assert.deepEqual(toMilli(item('rice'), 2543.06, 't'), { ok: true, milli: 2_543_060 });
  // A box of vegetables is 5 kg.
  assert.deepEqual(toMilli(item('vegetables'), 300, 'box'), { ok: true, milli: 1_500 });
  // A box of masks is 50 pieces.
  assert.deepEqual(toMilli(item('masks'), 2, 'box'), { ok: true, milli: 100_000 });
  assert.deepEqual(toMilli(item('rice'), 1, 'piece'), { ok: false, code: 'STOCK_UNIT_NOT_USED' });
  assert.deepEqual(toMilli(item('oil'), 1, 't'), { ok: false, code: 'STOCK_UNIT_NOT_USED' });
  assert.deepEqual(toMilli(item('rice'), 0, 't'), { ok: false, code: 'STOCK_QUANTITY_INVALID' });
  assert.deepEqual(toMilli(item('rice'), -1, 't'), { ok: false, code: 'STOCK_QUANTITY_INVALID' });
  assert.deepEqual(toMilli(item('rice'), 0.0004, 't'), { ok: false, code: 'STOCK_QUANTITY_INVALID' });
  assert.deepEqual(unitsOf(item('vegetables')), ['t', 'box']);
  assert.equal(fromMilli(1_172_540), 1172.54);
});

test('quantities in thousandths add up exactly, whatever the order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 50 }), (millis) => {
      const tons = millis.map((m) => m / 1000);
      const back = tons.map((t) => {
        const r = toMilli(item('rice'), t, 't');
        assert.ok(r.ok);
        return r.milli;
      });
      assert.deepEqual(back, millis);
    }),
  );
});

test('days of supply from the last 7 days of outflow', () => {
  // 1,172.54 t on hand, 490 t out in 7 days: 70 t a day, 16.75 days.
  const f = supplyFigures({
    stockMilli: 1_172_540,
    outflowMilli: 490_000,
    population: 140_000,
    item: item('vegetables'),
    threshold: { warnDays: 7, criticalDays: 3 },
  });
  assert.equal(f.basis, 'outflow');
  assert.equal(f.dailyConsumption, 70);
  assert.equal(f.perCapitaDaily, 0.0005);
  assert.ok(Math.abs(f.daysOfSupply! - 16.750571) < 1e-5);
  assert.equal(f.level, 'ok');
});

test('days of supply from the per-person norm where nothing left in 7 days', () => {
  // 100,000 people at 0.3 kg of rice a day need 30 t a day; 90 t last 3 days: under 7 is critical.
  const f = supplyFigures({
    stockMilli: 90_000,
    outflowMilli: 0,
    population: 100_000,
    item: item('rice'),
    threshold: { warnDays: 15, criticalDays: 7 },
  });
  assert.equal(f.basis, 'norm');
  assert.equal(f.dailyConsumption, 30);
  assert.equal(f.daysOfSupply, 3);
  assert.equal(f.level, 'critical');
  // No outflow and nobody served: nothing consumed, no figure, no alarm.
  const none = supplyFigures({ stockMilli: 1, outflowMilli: 0, population: 0, item: item('rice') });
  assert.equal(none.basis, 'none');
  assert.equal(none.daysOfSupply, null);
  assert.equal(none.level, 'ok');
});

test('levels: empty, critical, warn, ok at the thresholds', () => {
  const t = { warnDays: 7, criticalDays: 3 };
  assert.equal(levelOf(0, 0, t), 'empty');
  assert.equal(levelOf(1, 2.9, t), 'critical');
  assert.equal(levelOf(1, 3, t), 'warn');
  assert.equal(levelOf(1, 6.99, t), 'warn');
  assert.equal(levelOf(1, 7, t), 'ok');
  assert.equal(levelOf(1, 1, undefined), 'ok');
});

test('days of supply never grow with more outflow, and grow with more stock', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e9 }),
      fc.integer({ min: 1, max: 1e9 }),
      fc.integer({ min: 1, max: 1e9 }),
      (stock, outflow, extra) => {
        const base = { population: 1000, item: item('rice') };
        const a = supplyFigures({ ...base, stockMilli: stock, outflowMilli: outflow }).daysOfSupply!;
        const more = supplyFigures({ ...base, stockMilli: stock, outflowMilli: outflow + extra }).daysOfSupply!;
        const richer = supplyFigures({ ...base, stockMilli: stock + extra, outflowMilli: outflow }).daysOfSupply!;
        assert.ok(more <= a && richer >= a);
      },
    ),
  );
});

test('movement deltas: in adds, out and distribution take, transfer moves', () => {
  assert.deepEqual(stockDeltas('in', 5), { from: 5, to: 0 });
  assert.deepEqual(stockDeltas('out', 5), { from: -5, to: 0 });
  assert.deepEqual(stockDeltas('distribution', 5), { from: -5, to: 0 });
  assert.deepEqual(stockDeltas('transfer', 5), { from: -5, to: 5 });
});

test('the rule file: thresholds by period, and faults that name the field', () => {
  assert.equal(thresholdsOn(policy, '2022-03-23').vegetables!.warnDays, 7);
  const raw = JSON.parse(JSON.stringify({ ...policy, periods: policy.periods }));
  raw.items[0].unit = 'kg';
  raw.periods[0].thresholds.rice.criticalDays = 99;
  raw.periods.push({ from: '2021-01-01', thresholds: {} });
  assert.throws(
    () => parseReservesPolicy(raw),
    (err: RuleFileError) =>
      err instanceof RuleFileError &&
      err.faults.some((f) => f.path === 'items[0].unit') &&
      err.faults.some((f) => f.path === 'periods[0].thresholds.rice.criticalDays') &&
      err.faults.some((f) => f.path === 'periods[1].from'),
  );
});
