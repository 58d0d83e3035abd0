// An audit event's reason as data: a service's reason is written with its kind and params (in the
// hashed detail), read back as them; events stored before kinds were are read from the sentences
// the services wrote; a user's own words have no kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basisReason, reasonOf, storedReason } from '../../src/audit/audit.rules.ts';
import { basisOf } from '../../src/health/basis.rules.ts';

test('a kinded reason keeps its English sentence and is read back from the detail, the rest of the detail kept', () => {
  const r = reasonOf('retention', { days: 30 });
  assert.deepEqual(r, { reason: 'retention 30 days', reasonKind: 'retention', reasonParams: { days: 30 } });
  const detail = { checkins: 4, reasonKind: r.reasonKind, reasonParams: r.reasonParams };
  assert.deepEqual(storedReason('checkin.purge', r.reason, detail), {
    kind: 'retention',
    params: { days: 30 },
    rest: { checkins: 4 },
  });
});

test('a colour basis travels with its kind as basisKind', () => {
  const basis = basisOf('pool_positive', { barcode: 'T2203240001' });
  assert.deepEqual(basisReason(basis), {
    reason: 'pool T2203240001 reported suspected positive',
    reasonKind: 'colour_basis',
    reasonParams: { barcode: 'T2203240001', basisKind: 'pool_positive' },
  });
  assert.deepEqual(basisReason({ reason: 'words only' }), { reason: 'words only' });
});

test('events stored before kinds: the services’ sentences are read back, by the action that wrote them', () => {
  assert.deepEqual(storedReason('health.read', 'own colour', {}).kind, 'own_colour');
  assert.deepEqual(storedReason('person.read', 'resident page', {}).kind, 'resident_page');
  assert.deepEqual(storedReason('person.lookup', 'assisted check-in', {}).kind, 'assisted_checkin');
  assert.deepEqual(storedReason('checkin.purge', 'retention 30 days', {}).params, { days: '30' });
  const pool = storedReason('health.colour.change', 'pool T1 reported suspected positive', { changes: [] });
  assert.deepEqual(pool, {
    kind: 'colour_basis',
    params: { barcode: 'T1', basisKind: 'pool_positive' },
    rest: { changes: [] },
  });
  assert.equal(
    storedReason('health.recompute', 'recomputed under rule set 9th-edition 9.0.0', {}).kind,
    'colour_basis',
  );
});

test('a user’s own words, an unknown sentence or an unknown stored kind are shown as written', () => {
  assert.equal(storedReason('person.read', '流调核实', {}).kind, null);
  assert.equal(storedReason('person.reveal', 'own colour', {}).kind, null, 'the sentence of another action');
  assert.equal(storedReason('health.colour.change', 'something else entirely', {}).kind, null);
  const unknown = storedReason('x.y', 'why', { reasonKind: 'from_the_future', reasonParams: {} });
  assert.equal(unknown.kind, null);
  assert.deepEqual(unknown.rest, { reasonKind: 'from_the_future', reasonParams: {} });
});
