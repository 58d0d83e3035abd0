// What the door reads from a health status row: the colour at the scan, the facts it rests on, the
// latest test — the pure part shared by the Kysely read and the check-in writer thread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doorFactsOf, type DoorStatusRow } from '../../src/venues/door.facts.ts';
import type { StoredReason } from '../../src/health/health.rules.ts';

const NOW = Date.UTC(2022, 2, 24, 8);
const DAY = 86_400_000;

function reason(fact: StoredReason['fact'], colour: 'red' | 'yellow', endsAt: number | null): StoredReason {
  return {
    fact,
    colour,
    endsAt,
    since: NOW - DAY,
    rule: `${fact}-rule`,
    endsWhen: { kind: 'days', days: 7 },
    source: { type: 'fact', id: fact },
    detail: {},
  };
}

function row(reasons: StoredReason[], extra: Partial<DoorStatusRow> = {}): DoorStatusRow {
  return {
    colour: 'red',
    reasons: JSON.stringify(reasons),
    override_id: null,
    override_colour: null,
    override_until: null,
    test_sampled_at: null,
    test_result: null,
    ...extra,
  };
}

test('no status row: green, nothing recorded', () => {
  assert.deepEqual(doorFactsOf(undefined, NOW), {
    colour: 'green',
    colourFacts: [],
    colourReason: 'no adverse facts recorded',
    latestTest: null,
    vaccinated: null,
  });
});

test('the facts of the colour shown, not of milder or ended reasons', () => {
  const facts = doorFactsOf(
    row([
      reason('close_contact', 'red', NOW + 7 * DAY),
      reason('fever', 'yellow', null),
      reason('centralised_quarantine', 'red', NOW - 1), // ended before the scan
      reason('close_contact', 'red', null),
    ]),
    NOW,
  );
  assert.equal(facts.colour, 'red');
  assert.deepEqual(facts.colourFacts, ['close_contact']);
  const later = doorFactsOf(
    row([reason('close_contact', 'red', NOW + DAY), reason('fever', 'yellow', null)]),
    NOW + 2 * DAY,
  );
  assert.equal(later.colour, 'yellow');
  assert.deepEqual(later.colourFacts, ['fever']);
});

test('a manual change in force is the basis; the latest test comes with its sampling time', () => {
  const facts = doorFactsOf(
    row([], {
      override_id: 'ov1',
      override_colour: 'yellow',
      override_until: NOW + DAY,
      test_sampled_at: NOW - 5 * 3600_000,
      test_result: 'negative',
    }),
    NOW,
  );
  assert.equal(facts.colour, 'yellow');
  assert.deepEqual(facts.colourFacts, ['manual_change']);
  assert.deepEqual(facts.latestTest, { sampledAt: NOW - 5 * 3600_000, result: 'negative' });
  assert.equal(doorFactsOf(row([], { test_sampled_at: NOW, test_result: 'pending' }), NOW).latestTest, null);
});
