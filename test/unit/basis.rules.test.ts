// A colour change's basis as data: every kind's English sentence reads back as the same kind and
// params (rows stored before kinds were stored), and stored kinds win over the sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  approvedBasis,
  basisFromText,
  basisOf,
  storedBasis,
  BASIS_KINDS,
  type BasisKind,
  type BasisParams,
} from '../../src/health/basis.rules.ts';

const SAMPLES: Record<Exclude<BasisKind, 'approved'>, BasisParams> = {
  case_registered: { caseId: 'c-1', status: 'confirmed' },
  case_times_changed: { caseId: 'c-1', reason: 'onset corrected: 3 days earlier' },
  case_traced: { caseId: 'c-1' },
  case_status: { caseId: 'c-1', from: 'suspected', to: 'confirmed', reason: '核酸阳性' },
  contact_reviewed: { contactId: 'k-9', status: 'confirmed', reason: 'same office' },
  contacts_reviewed: { count: 312, status: 'dismissed', reason: '超市 14:00–15:00' },
  contact_entered: { contactId: 'k-9', reasonCode: 'same_household' },
  manual_change: { overrideId: 'o-1', legalBasis: '《传染病防治法》第三十九条' },
  recomputed: { ruleSet: '9th-edition', version: '9.0.0' },
  end_reached: {},
  pool_positive: { barcode: 'T2203240001' },
  pools_positive: { count: 2, barcodes: 'T1, T2' },
  pool_retests_negative: { poolId: 'pool-1' },
  lab_results: { file: 'results.xlsx' },
  risk_area_designated: { name: '瑞景家园 1号楼', from: '', to: 'high', reason: '两例确诊', legalBasis: '指挥部令' },
  risk_area_lifted: { name: '瑞景家园 1号楼', reason: '连续 14 天无新增', legalBasis: '指挥部令' },
  risk_area_downgraded: {
    name: '瑞景家园 1号楼',
    from: 'high',
    to: 'medium',
    ruleSet: '9th-edition',
    rule: 'riskAreas.downgrades[0]',
  },
  risk_area_arrival: { level: 'high', name: '瑞景家园 1号楼', ruleSet: '9th-edition' },
  quarantine_ordered: { orderId: 'q-1', kind: 'close_contact', place: 'centralised' },
  quarantine_extended: { orderId: 'q-1', reason: '同住人员确诊' },
  quarantine_released: { orderId: 'q-1' },
  quarantine_cancelled: { orderId: 'q-1', reason: '身份核实有误' },
  quarantine_converted: { orderId: 'q-1', caseId: 'c-2' },
  other: { text: 'something else entirely' },
};

test('every kind reads back from its own sentence with the same params', () => {
  for (const [kind, params] of Object.entries(SAMPLES) as Array<[BasisKind, BasisParams]>) {
    const made = basisOf(kind, params);
    const back = basisFromText(made.reason);
    assert.equal(back.kind, kind, made.reason);
    assert.deepEqual(
      Object.fromEntries(Object.entries(back.params).map(([k, v]) => [k, String(v)])),
      Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
      made.reason,
    );
  }
  assert.deepEqual(new Set([...Object.keys(SAMPLES), 'approved']), new Set(BASIS_KINDS));
});

test('an approval carries the request inside: its kind and params, and the decision', () => {
  const held = basisOf('risk_area_arrival', { level: 'high', name: '瑞景家园 1号楼', ruleSet: '9th-edition' });
  const made = approvedBasis(held, '人数核实无误');
  assert.equal(made.reason, `${held.reason} (approved by the command centre: 人数核实无误)`);
  assert.equal(made.params.requestedKind, 'risk_area_arrival');
  const back = basisFromText(made.reason);
  assert.equal(back.kind, 'approved');
  assert.equal(back.params.requestedKind, 'risk_area_arrival');
  assert.equal(back.params.name, '瑞景家园 1号楼');
  assert.equal(back.params.decision, '人数核实无误');
});

test('old English sentences map to kinds; a stored kind wins; unreadable params fall back to the sentence', () => {
  assert.deepEqual(basisFromText('recomputed under rule set 8th-edition 8.0.0'), {
    kind: 'recomputed',
    params: { ruleSet: '8th-edition', version: '8.0.0' },
  });
  assert.deepEqual(basisFromText('risk area 文苑社区: none → high (reason; basis)').params.from, '');
  assert.deepEqual(storedBasis('lab_results', '{"file":"a.csv"}', 'anything'), {
    kind: 'lab_results',
    params: { file: 'a.csv' },
  });
  assert.deepEqual(storedBasis('lab_results', 'not json', 'case c-1 traced again'), {
    kind: 'case_traced',
    params: { caseId: 'c-1' },
  });
  assert.deepEqual(storedBasis('no_such_kind', '{}', 'free words'), { kind: 'other', params: { text: 'free words' } });
});
