import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMobile, checkResidentId } from '../../src/registry/registry.rules.ts';
import { hasCode } from '../support/errors.ts';
import {
  PHONE_PREFIXES,
  planCity,
  RESERVED_ID_NUMBERS,
  RESERVED_PHONES,
  ResidentIdAllocator,
  type CityPlan,
  type PlannedArea,
} from '../../src/sim/city.plan.ts';
import { chineseNumber, gridName } from '../../src/sim/names.ts';
import { Random } from '../../src/sim/random.ts';

const TODAY = '2022-03-24';
const SAMPLE_ROSTER_IDS = ['220402195304120318', '220402195508230324', '22040219880615102X', '220403194011050047'];

function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return birthDate.slice(5) > today.slice(5) ? years - 1 : years;
}

function byPath(plan: CityPlan, ...names: string[]): PlannedArea | undefined {
  let parent: PlannedArea | undefined = plan.areas.find((a) => a.level === 'city');
  for (const name of names) {
    parent = plan.areas.find((a) => a.parentId === parent?.id && a.name === name);
    if (!parent) return undefined;
  }
  return parent;
}

const medium = planCity({ people: 5000, seed: 1, today: TODAY });
const large = planCity({ people: 60_000, seed: 3, today: TODAY });

describe('random', () => {
  test('the same seed and label give the same sequence; forks are independent of each other', () => {
    const a = new Random(42, 'x');
    const b = new Random(42, 'x');
    assert.deepEqual(
      Array.from({ length: 20 }, () => a.nextUint32()),
      Array.from({ length: 20 }, () => b.nextUint32()),
    );
    assert.notDeepEqual(
      Array.from({ length: 5 }, () => new Random(42).fork('p').next()),
      Array.from({ length: 5 }, () => new Random(42).fork('q').next()),
    );
    const r = new Random(7);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(3, 5);
      assert.ok(v >= 3 && v <= 5 && Number.isInteger(v));
    }
  });

  test('Chinese numerals for grid names', () => {
    assert.deepEqual([1, 2, 10, 11, 15, 20, 35].map(chineseNumber), [
      '一',
      '二',
      '十',
      '十一',
      '十五',
      '二十',
      '三十五',
    ]);
    assert.equal(gridName(2), '第二网格');
  });
});

describe('city plan', () => {
  test('the same seed gives the same city byte for byte; another seed another city', () => {
    const again = planCity({ people: 5000, seed: 1, today: TODAY });
    assert.equal(JSON.stringify(again), JSON.stringify(medium));
    const other = planCity({ people: 5000, seed: 2, today: TODAY });
    assert.notEqual(JSON.stringify(other.persons), JSON.stringify(medium.persons));
  });

  test('exactly the requested number of people, for tiny and larger cities', () => {
    for (const people of [1, 7, 200, 5000]) {
      const plan = people === 5000 ? medium : planCity({ people, seed: 9, today: TODAY });
      assert.equal(plan.persons.length, people);
      const members = new Map<string, number>();
      for (const p of plan.persons) members.set(p.householdId, (members.get(p.householdId) ?? 0) + 1);
      assert.equal(members.size, plan.households.length, 'every household has members');
    }
  });

  test('area codes nest: district 6 digits, then 3 digits per level; paths are codes joined by /', () => {
    const byId = new Map(large.areas.map((a) => [a.id, a]));
    const widths = { city: 6, district: 6, street: 9, community: 12, grid: 15 } as const;
    for (const a of large.areas) {
      assert.equal(a.id, `a_${a.code}`);
      assert.match(a.code, /^\d+$/);
      assert.equal(a.code.length, widths[a.level], `${a.code} ${a.level}`);
      if (a.level === 'city') {
        assert.deepEqual([a.code, a.name, a.path, a.parentId], ['220400', '辽源市', '220400/', null]);
        continue;
      }
      const parent = byId.get(a.parentId!)!;
      assert.ok(parent, `parent of ${a.code} is planned before or with it`);
      assert.equal(a.path, `${parent.path}${a.code}/`);
      if (a.level !== 'district') assert.ok(a.code.startsWith(parent.code) && a.code.length === parent.code.length + 3);
    }
    assert.deepEqual(
      large.areas.filter((a) => a.level === 'district').map((a) => `${a.code}${a.name}`),
      ['220402龙山区', '220403西安区'],
    );
    assert.equal(new Set(large.areas.map((a) => a.code)).size, large.areas.length);
    const firstSeen = new Set<string>();
    for (const a of large.areas) {
      if (a.parentId) assert.ok(firstSeen.has(a.parentId), 'parents come before children');
      firstSeen.add(a.id);
    }
    assert.equal(
      byPath(large, '龙山区', '向阳街道', '文苑社区', '第一网格')!.path,
      '220400/220402/220402001/220402001001/220402001001001/',
    );
  });

  test('grids hold about 300–500 households and communities about 5–15 grids', () => {
    const perGrid = new Map<string, number>();
    for (const h of large.households) perGrid.set(h.areaId, (perGrid.get(h.areaId) ?? 0) + 1);
    const grids = large.areas.filter((a) => a.level === 'grid');
    for (const g of grids) {
      const n = perGrid.get(g.id) ?? 0;
      assert.ok(n >= 250 && n <= 560, `${g.code} has ${n} households`);
    }
    const communities = large.areas.filter((a) => a.level === 'community');
    const gridCounts = communities.map((c) => grids.filter((g) => g.parentId === c.id).length);
    const inRange = gridCounts.filter((n) => n >= 5 && n <= 15).length;
    assert.ok(inRange >= communities.length - 1, `grids per community: ${gridCounts.join(',')}`);
  });

  test('the named communities exist even in a city of 200, with the sample roster buildings', () => {
    for (const plan of [planCity({ people: 200, seed: 1, today: TODAY }), large]) {
      const wenyuan1 = byPath(plan, '龙山区', '向阳街道', '文苑社区', '第一网格');
      const wenyuan2 = byPath(plan, '龙山区', '向阳街道', '文苑社区', '第二网格');
      assert.ok(wenyuan1 && wenyuan2);
      assert.ok(byPath(plan, '龙山区', '向阳街道', '兴阳社区'));
      assert.ok(byPath(plan, '西安区', '仙城街道', '桥北社区'));
      assert.equal(byPath(plan, '龙山区', '向阳街道', '文苑社区')!.code, '220402001001');
      assert.equal(byPath(plan, '龙山区', '向阳街道', '兴阳社区')!.code, '220402001002');
      assert.ok(plan.buildings.some((b) => b.areaId === wenyuan1.id && b.name === '3号楼'));
      const b5 = plan.buildings.find((b) => b.areaId === wenyuan2.id && b.name === '5号楼');
      assert.ok(b5 && b5.units >= 2);
    }
  });

  test('buildings: 6 floors, 2–4 units, doors 101…602; one household per door', () => {
    for (const b of large.buildings) assert.ok(b.floors === 6 && b.units >= 2 && b.units <= 4);
    const units = new Map(large.buildings.map((b) => [b.id, b.units]));
    const seen = new Set<string>();
    for (const h of large.households) {
      assert.match(h.door, /^[1-6]0[12]$/);
      const unit = Number(/^(\d)单元$/.exec(h.unit)![1]);
      assert.ok(unit >= 1 && unit <= units.get(h.buildingId)!);
      const key = `${h.buildingId}|${h.unit}|${h.door}`;
      assert.ok(!seen.has(key), key);
      seen.add(key);
      assert.ok(h.address.startsWith('辽源市') && h.address.endsWith(`${h.unit}${h.door}室`));
    }
  });

  test('household sizes follow 1: 25%, 2: 30%, 3: 25%, 4: 12%, 5+: 8% on 5,000 people', () => {
    const sizes = new Map<string, number>();
    for (const p of medium.persons) sizes.set(p.householdId, (sizes.get(p.householdId) ?? 0) + 1);
    const counts = [0, 0, 0, 0, 0];
    for (const n of sizes.values()) counts[Math.min(5, n) - 1]!++;
    const expected = [0.25, 0.3, 0.25, 0.12, 0.08];
    counts.forEach((c, i) => {
      const share = c / sizes.size;
      assert.ok(Math.abs(share - expected[i]!) < 0.035, `size ${i + 1}: ${(share * 100).toFixed(1)}%`);
    });
  });

  test('every household has exactly one head (本人) who is its head person, and known relations', () => {
    const heads = new Map<string, string>();
    for (const p of large.persons) {
      assert.ok(['本人', '配偶', '子女', '父母', '孙子女', '其他'].includes(p.relation), p.relation);
      if (p.relation === '本人') {
        assert.ok(!heads.has(p.householdId));
        heads.set(p.householdId, p.id);
      }
    }
    for (const h of large.households) assert.equal(heads.get(h.id), h.headPersonId);
  });

  test('resident ID numbers are valid, unique, match birth date and sex, and carry the district code', () => {
    const areaPath = new Map(large.areas.map((a) => [a.id, a.path]));
    const ids = new Set<string>();
    let residents = 0;
    for (const p of large.persons) {
      if (p.idType !== 'resident_id') continue;
      residents++;
      const r = checkResidentId(p.idNumber!, TODAY);
      assert.ok(r.ok, `${p.idNumber}: ${!r.ok && r.code}`);
      assert.equal(r.birthDate, p.birthDate);
      assert.equal(r.sex, p.sex);
      assert.equal(p.idNumber!.slice(0, 6), areaPath.get(p.areaId)!.split('/')[1]);
      assert.ok(!ids.has(p.idNumber!), `duplicate ${p.idNumber}`);
      ids.add(p.idNumber!);
    }
    assert.ok(residents > large.persons.length * 0.85);
    for (const sample of SAMPLE_ROSTER_IDS) assert.ok(!ids.has(sample));
  });

  test('the ID allocator never hands out a reserved number, even when it draws one', () => {
    assert.deepEqual([...RESERVED_ID_NUMBERS].sort(), [...SAMPLE_ROSTER_IDS].sort());
    // Find a seed whose first draw for this birth date and sex is exactly the reserved 220402195304120318.
    const reserved = '220402195304120318';
    let seed = 0;
    for (; seed < 200_000; seed++) {
      if (new ResidentIdAllocator([]).allocate(new Random(seed), '220402', '1953-04-12', 'M') === reserved) break;
    }
    assert.ok(seed < 200_000, 'a seed drawing the reserved number exists');
    const got = new ResidentIdAllocator().allocate(new Random(seed), '220402', '1953-04-12', 'M');
    assert.notEqual(got, reserved);
    assert.ok(checkResidentId(got, TODAY).ok);
  });

  test('phones: 11 digits with real prefixes, unique, none for children under 14, never the sample roster', () => {
    const phones = new Set<string>();
    for (const p of large.persons) {
      const age = ageOn(p.birthDate!, TODAY);
      if (age < 14) assert.equal(p.phone, null);
      if (!p.phone) continue;
      assert.ok(checkMobile(p.phone).ok);
      assert.ok(PHONE_PREFIXES.includes(p.phone.slice(0, 3)));
      assert.ok(!phones.has(p.phone));
      phones.add(p.phone);
    }
    for (const sample of RESERVED_PHONES) assert.ok(!phones.has(sample));
    assert.ok(phones.size > large.persons.length * 0.7);
  });

  test('ages look like a north-eastern city: about a fifth to a quarter aged 60+, few children', () => {
    const ages = large.persons.map((p) => ageOn(p.birthDate!, TODAY));
    const share = (f: (a: number) => boolean) => ages.filter(f).length / ages.length;
    assert.ok(ages.every((a) => a >= 0 && a <= 99));
    const old = share((a) => a >= 60);
    assert.ok(old >= 0.18 && old <= 0.3, `60+: ${old}`);
    const children = share((a) => a < 15);
    assert.ok(children >= 0.07 && children <= 0.17, `under 15: ${children}`);
    const males = large.persons.filter((p) => p.sex === 'M').length / large.persons.length;
    assert.ok(males > 0.46 && males < 0.54);
  });

  test('care tags: elderly alone live alone and are 60+; pregnancy 22–40 women; most 75+ and young children without smartphone', () => {
    const size = new Map<string, number>();
    for (const p of large.persons) size.set(p.householdId, (size.get(p.householdId) ?? 0) + 1);
    let elderlyAlone = 0;
    let old = 0;
    let oldNoPhone = 0;
    let bedridden = 0;
    for (const p of large.persons) {
      const age = ageOn(p.birthDate!, TODAY);
      const alone = size.get(p.householdId) === 1;
      assert.equal(p.careTags.includes('elderly_alone'), alone && age >= 60 && p.idType !== 'passport', p.id);
      if (p.careTags.includes('elderly_alone')) elderlyAlone++;
      if (p.careTags.includes('pregnant')) assert.ok(p.sex === 'F' && age >= 22 && age <= 40);
      if (p.careTags.includes('bedridden')) bedridden++;
      if (age < 10) assert.ok(p.careTags.includes('no_smartphone'));
      if (age >= 75) {
        old++;
        if (p.careTags.includes('no_smartphone')) oldNoPhone++;
      }
    }
    assert.ok(elderlyAlone > 0 && bedridden > 0);
    assert.ok(oldNoPhone / old > 0.6);
    const pregnant = large.persons.filter((p) => p.careTags.includes('pregnant')).length;
    const dialysis = large.persons.filter((p) => p.careTags.includes('dialysis')).length;
    assert.ok(pregnant > 0 && dialysis > 0 && dialysis < large.persons.length * 0.003);
  });

  test('children under 10 mostly have no ID number (noted); a few foreign residents have passports', () => {
    const young = large.persons.filter((p) => ageOn(p.birthDate!, TODAY) < 10);
    const without = young.filter((p) => p.idType === 'none');
    assert.ok(without.length / young.length > 0.7);
    for (const p of without) assert.equal(p.note, '未办理身份证');
    for (const p of large.persons.filter((q) => q.idType === 'none')) assert.equal(p.idNumber, null);
    const foreign = large.persons.filter((p) => p.idType === 'passport');
    assert.ok(foreign.length > 0 && foreign.length < large.persons.length * 0.02);
    for (const p of foreign) assert.match(p.idNumber!, /^[A-Z0-9]{5,20}$/);
    assert.equal(new Set(foreign.map((p) => p.idNumber)).size, foreign.length);
  });

  test('names are Chinese surname + given name, surnames by frequency (王李张 lead)', () => {
    const counts = new Map<string, number>();
    for (const p of large.persons.filter((q) => q.idType !== 'passport')) {
      assert.match(p.name, /^[\u4e00-\u9fff]{2,4}$/);
      counts.set(p.name[0]!, (counts.get(p.name[0]!) ?? 0) + 1);
    }
    const top = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([s]) => s)
      .sort();
    assert.deepEqual(top, ['张', '李', '王'].sort());
  });

  test('options out of range are refused with DEMO_OPTION_INVALID', () => {
    for (const people of [0, -5, 1.5, Number.NaN, 2_000_000]) {
      assert.throws(() => planCity({ people, seed: 1, today: TODAY }), hasCode('DEMO_OPTION_INVALID'));
    }
    assert.throws(() => planCity({ people: 10, seed: -1, today: TODAY }), hasCode('DEMO_OPTION_INVALID'));
  });
});
