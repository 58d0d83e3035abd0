// The missed-test rule, pure: a scheduled test day counts as missed once its date's `missedAfter` time
// has passed with no sample that date, never before the order was made, in the deployment's zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missedTests } from '../../src/quarantine/care.rules.ts';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(`${iso}+08:00`);
const days = [
  { phase: 'centralised', day: 1, date: '2022-07-24' },
  { phase: 'centralised', day: 2, date: '2022-07-25' },
  { phase: 'centralised', day: 3, date: '2022-07-26' },
  { phase: 'home', day: 3 },
];

test('a test day is missed after its deadline without a sample that date', () => {
  const none = new Set<string>();
  assert.deepEqual(missedTests(days, none, '2022-07-24', at('2022-07-24T19:59:00'), TZ, '20:00'), []);
  assert.deepEqual(
    missedTests(days, none, '2022-07-24', at('2022-07-24T20:00:00'), TZ, '20:00').map((m) => m.date),
    ['2022-07-24'],
  );
  assert.deepEqual(missedTests(days, new Set(['2022-07-24']), '2022-07-24', at('2022-07-26T23:00:00'), TZ, '20:00'), [
    { phase: 'centralised', day: 2, date: '2022-07-25' },
    { phase: 'centralised', day: 3, date: '2022-07-26' },
  ]);
});

test('days before the order was made, and undated days, are never held against anyone', () => {
  assert.deepEqual(
    missedTests(days, new Set(), '2022-07-25', at('2022-07-25T21:00:00'), TZ, '20:00').map((m) => m.day),
    [2],
  );
});

test("the deadline is the zone's clock time (20:00 Beijing is 12:00 UTC)", () => {
  assert.equal(missedTests(days, new Set(), '2022-07-24', Date.parse('2022-07-24T11:59:00Z'), TZ, '20:00').length, 0);
  assert.equal(missedTests(days, new Set(), '2022-07-24', Date.parse('2022-07-24T12:00:00Z'), TZ, '20:00').length, 1);
});
