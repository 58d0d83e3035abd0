import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildingLabel, buildingNumberNames, parseBuildingSearch } from '../../src/registry/registry.rules.ts';
import { planCity } from '../../src/sim/city.plan.ts';

test('a building is labelled by its compound and name, the name alone without a compound', () => {
  assert.equal(buildingLabel('瑞景家园', '1号楼'), '瑞景家园 1号楼');
  assert.equal(buildingLabel('', '1号楼'), '1号楼');
  assert.equal(buildingLabel(null, '1号楼'), '1号楼');
  assert.equal(buildingLabel(' 瑞景家园 ', '1号楼'), '瑞景家园 1号楼');
  assert.equal(buildingLabel('瑞景家园', '瑞景家园1号楼'), '瑞景家园1号楼', 'a name that already says its compound');
});

test('a building search splits compound words from building numbers', () => {
  assert.deepEqual(parseBuildingSearch('瑞景 1'), { words: ['瑞景'], numbers: ['1'] });
  assert.deepEqual(parseBuildingSearch('瑞景家园1号楼'), { words: ['瑞景家园'], numbers: ['1'] });
  assert.deepEqual(parseBuildingSearch('瑞景家园 01栋'), { words: ['瑞景家园'], numbers: ['1'] });
  assert.deepEqual(parseBuildingSearch('１２号'), { words: [], numbers: ['12'] }, 'full-width digits');
  assert.deepEqual(parseBuildingSearch('  '), { words: [], numbers: [] });
  assert.deepEqual(parseBuildingSearch(undefined), { words: [], numbers: [] });
  assert.deepEqual(parseBuildingSearch('A座'), { words: ['A座'], numbers: [] });
  assert.deepEqual(buildingNumberNames('3'), ['3', '3号楼', '3号', '3栋', '3幢', '3座']);
});

test('the demo city gives every building its compound, one compound per grid', () => {
  const plan = planCity({ people: 3000, seed: 7, today: '2022-03-24' });
  assert.ok(plan.buildings.length > 0);
  for (const b of plan.buildings) {
    assert.ok(b.compound.length > 0, `${b.id} has a compound`);
    assert.ok(b.address.includes(`${b.compound}${b.name}`), `${b.address} names ${b.compound}${b.name}`);
  }
  const byGrid = new Map<string, Set<string>>();
  for (const b of plan.buildings) byGrid.set(b.areaId, (byGrid.get(b.areaId) ?? new Set()).add(b.compound));
  for (const set of byGrid.values()) assert.equal(set.size, 1);
});
