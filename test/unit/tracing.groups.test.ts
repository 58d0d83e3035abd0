// Review groups (pure): a venue contact goes to the group of its longest encounter (the case's visit
// there), households and the rest each together; counts, candidates, overlap range and classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupContacts, groupKeyOf, type GroupableContact } from '../../src/tracing/tracing.groups.rules.ts';

const enc = (venueId: string, caseCheckin: string, overlapMinutes: number, overlapStart = 0) => ({
  venueId,
  venueName: venueId === 'v1' ? '超市' : '写字楼',
  category: 'supermarket',
  caseVisit: {
    checkinId: caseCheckin,
    enteredAt: 1000,
    exitedAt: 2000,
    exitRecorded: true,
    counted: { start: 1000, end: 2000 },
  },
  contactVisit: {
    checkinId: `x-${overlapMinutes}`,
    enteredAt: 1000,
    exitedAt: 2000,
    exitRecorded: true,
    counted: { start: 1000, end: 2000 },
  },
  overlapStart,
  overlapEnd: overlapStart + overlapMinutes * 60_000,
  overlapMinutes,
  class: 'general',
});
const venue = (id: string, encounters: unknown[], cls = 'general', candidate = false): GroupableContact => ({
  id,
  class: cls,
  basis: 'venue',
  candidate,
  evidence: { encounters },
});

test('a venue contact is grouped by its longest encounter; household first, then the largest venue slot', () => {
  const contacts: GroupableContact[] = [
    venue('a', [enc('v1', 'c1', 20)]),
    venue('b', [enc('v1', 'c1', 35.6)]),
    venue('c', [enc('v2', 'c2', 10), enc('v1', 'c1', 16)]),
    venue('d', [enc('v2', 'c2', 120)], 'close', true),
    { id: 'h', class: 'close', basis: 'household', candidate: false, evidence: {} },
    { id: 'm', class: 'close', basis: 'manual', candidate: false, evidence: { note: '' } },
  ];
  assert.equal(groupKeyOf(contacts[2]!), 'venue:v1:c1');
  const groups = groupContacts(contacts);
  assert.deepEqual(
    groups.map((g) => [g.key, g.count]),
    [
      ['household', 1],
      ['venue:v1:c1', 3],
      ['venue:v2:c2', 1],
      ['manual', 1],
    ],
  );
  const v1 = groups[1]!;
  assert.deepEqual(
    [v1.overlapMin, v1.overlapMax, v1.byClass, v1.candidates, v1.slotStart, v1.slotEnd],
    [16, 36, { general: 3 }, 0, 1000, 2000],
  );
  assert.equal(groups[2]!.candidates, 1);
  assert.equal(groups[0]!.overlapMin, null);
});

test('a venue contact without encounters is grouped with the interview contacts, not lost', () => {
  assert.equal(groupKeyOf({ basis: 'venue', evidence: {} }), 'manual');
});
