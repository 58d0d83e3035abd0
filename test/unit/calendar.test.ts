// Instants typed by people (filters of the audit log and of check-in exports): one reading for all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstant } from '../../src/platform/calendar.ts';

const ZONE = 'Asia/Shanghai';

test('an instant from epoch ms, a date (a "to" date is that day\'s end) or an ISO time with its offset', () => {
  assert.equal(parseInstant(undefined, ZONE, 'from'), undefined);
  assert.equal(parseInstant('  ', ZONE, 'from'), undefined);
  assert.equal(parseInstant('1648080000000', ZONE, 'from'), 1648080000000);
  assert.equal(parseInstant('2022-03-24', ZONE, 'from'), Date.parse('2022-03-24T00:00:00+08:00'));
  assert.equal(parseInstant('2022-03-24', ZONE, 'to'), Date.parse('2022-03-25T00:00:00+08:00'));
  assert.equal(parseInstant(' 2022-03-24T08:30:00+08:00 ', ZONE, 'from'), Date.parse('2022-03-24T00:30:00Z'));
  assert.equal(parseInstant('2022-03-24T08:30Z', ZONE, 'to'), Date.parse('2022-03-24T08:30:00Z'));
});

test('a local time without its offset, a malformed date or words are not read (null: the caller refuses)', () => {
  for (const v of ['2022-03-24T08:30', '2022-02-30', '24/03/2022', 'yesterday', '2022-03-24T25:00:00Z']) {
    assert.equal(parseInstant(v, ZONE, 'from'), null, v);
  }
});
