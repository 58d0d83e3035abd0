import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESCAN_GRACE_MS, rescanAction } from '../../src/venues/venue.rules.ts';
import { isDependant } from '../../src/residents/residents.rules.ts';

const T = Date.parse('2022-03-24T08:00:00+08:00');
const MIN = 60_000;
const open = { decision: 'admitted', enteredAt: T, exitedAt: null, exitKind: null };

test('a resident’s second scan: enter, exit, or repeat within the grace period', () => {
  assert.equal(rescanAction(undefined, 60, T), 'enter');
  assert.equal(rescanAction(open, 60, T + 5_000), 'repeat-entry', 'a double tap');
  assert.equal(rescanAction(open, 60, T + RESCAN_GRACE_MS), 'exit');
  assert.equal(rescanAction(open, 60, T + 59 * MIN), 'exit');
  assert.equal(rescanAction(open, 60, T + 60 * MIN), 'enter', 'past the dwell the visit is over: a new one starts');
  const refused = { ...open, decision: 'refused' };
  assert.equal(rescanAction(refused, 60, T + 5_000), 'repeat-entry');
  assert.equal(rescanAction(refused, 60, T + 2 * MIN), 'enter', 'trying again after a refusal');
  const scannedOut = { ...open, exitedAt: T + 10 * MIN, exitKind: 'scan' };
  assert.equal(rescanAction(scannedOut, 60, T + 10 * MIN + 5_000), 'repeat-exit');
  assert.equal(rescanAction(scannedOut, 60, T + 12 * MIN), 'enter');
  const guardClosed = { ...open, exitedAt: T + 10 * MIN, exitKind: 'guard' };
  assert.equal(rescanAction(guardClosed, 60, T + 10 * MIN + 5_000), 'enter');
});

test('dependants: children under 18, elderly from 70, anyone without a smartphone', () => {
  const today = '2022-03-24';
  const m = (birth_date: string | null, no_smartphone = 0) => ({ id: 'p', birth_date, no_smartphone });
  assert.equal(isDependant(m('2004-03-25'), today), true, '17 until tomorrow');
  assert.equal(isDependant(m('2004-03-24'), today), false, '18 today');
  assert.equal(isDependant(m('1952-03-24'), today), true, '70 today');
  assert.equal(isDependant(m('1952-03-25'), today), false);
  assert.equal(isDependant(m('1985-01-01', 1), today), true);
  assert.equal(isDependant(m(null), today), false);
});
