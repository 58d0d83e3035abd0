import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCity } from '../../src/sim/city.plan.ts';
import { MovementPlanner, planVenues, STAY_MINUTES, type PlannedVisit } from '../../src/sim/movements.plan.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';

const NOW = Date.UTC(2022, 2, 24, 3, 17, 0); // 2022-03-24 11:17 in Asia/Shanghai (a Thursday)
const DAYS = 7;
const dwellMinutes: Record<string, number> = {};
for (const c of venueCategories().categories.values()) dwellMinutes[c.key] = c.defaultDwellMinutes;

function planAll(seed: number) {
  const city = planCity({ people: 1_500, seed, today: '2022-03-24' });
  const venues = planVenues(city.areas, city.persons.length, seed);
  const planner = new MovementPlanner(city.areas, venues, {
    seed,
    now: NOW,
    days: DAYS,
    utcOffsetMinutes: 480,
    dwellMinutes,
  });
  const visits = new Map<string, PlannedVisit[]>(city.persons.map((p, i) => [p.id, planner.visitsOf(p, i)]));
  return { city, venues, visits };
}

test('venues: every category of rules/venue-categories.json, distinct ids, a gate per grid', () => {
  const { city, venues } = planAll(7);
  const categories = new Set(venues.map((v) => v.category));
  assert.deepEqual([...categories].sort(), [...venueCategories().categories.keys()].sort());
  assert.equal(new Set(venues.map((v) => v.id)).size, venues.length);
  assert.equal(new Set(venues.map((v) => v.name)).size, venues.length, 'venue names are distinct');
  const grids = city.areas.filter((a) => a.level === 'grid');
  assert.equal(venues.filter((v) => v.category === 'residential_gate').length, grids.length);
  for (const v of venues) assert.ok(v.capacity > 0 && v.name.length > 1);
  assert.ok(venues.some((v) => v.name === '大润发超市') && venues.some((v) => v.name === '辽源市中心医院门诊楼'));
});

test('movements are deterministic: the same seed gives the same visits, another seed others', () => {
  const a = planAll(7);
  const b = planAll(7);
  assert.deepEqual([...a.visits.entries()], [...b.visits.entries()]);
  const c = planAll(8);
  assert.notDeepEqual([...a.visits.values()].flat().slice(0, 50), [...c.visits.values()].flat().slice(0, 50));
});

test('every visit lies in the window, a person never is in two places, stays follow the category', () => {
  const { venues, visits } = planAll(7);
  const venueById = new Map(venues.map((v) => [v.id, v]));
  const start = NOW - DAYS * 86_400_000;
  let total = 0;
  let open = 0;
  const categoriesSeen = new Set<string>();
  for (const list of visits.values()) {
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!;
      total += 1;
      categoriesSeen.add(v.category);
      assert.equal(venueById.get(v.venueId)?.category, v.category);
      assert.ok(v.enteredAt >= start && v.enteredAt <= NOW, 'entered inside the window');
      if (v.exitedAt === null) {
        open += 1;
        assert.equal(v.exitKind, null);
      } else {
        assert.ok(v.exitedAt > v.enteredAt && v.exitedAt <= NOW, 'left after entering, not after now');
        const minutes = (v.exitedAt - v.enteredAt) / 60_000;
        if (v.exitKind === 'auto')
          assert.equal(minutes, dwellMinutes[v.category], `auto exit after the ${v.category} dwell`);
        else {
          const [, max] = STAY_MINUTES[v.category];
          assert.ok(minutes >= 1 && minutes <= Math.max(max, 260), `${v.category} stay of ${minutes} min`);
        }
      }
      const next = list[i + 1];
      if (next) assert.ok((v.exitedAt ?? NOW) < next.enteredAt, `no overlap: ${v.category} then ${next.category}`);
    }
  }
  // A city of 1,500 over a week: a few check-ins per person per day, some visits going on now.
  assert.ok(total > 1_500 * DAYS * 1.5 && total < 1_500 * DAYS * 6, `${total} visits`);
  assert.ok(open > 0, 'some visits are going on now');
  const ids = [...visits.values()].flat().map((v) => v.id);
  assert.equal(new Set(ids).size, ids.length, 'visit ids are unique');
  for (const c of [
    'residential_gate',
    'office',
    'factory',
    'school_building',
    'supermarket',
    'market',
    'restaurant',
    'transport_hub',
  ]) {
    assert.ok(categoriesSeen.has(c), `movements reach ${c}`);
  }
});

test('school on weekdays only; a weekend day has no school visit', () => {
  const { visits } = planAll(7);
  for (const list of visits.values()) {
    for (const v of list) {
      if (v.category !== 'school_building') continue;
      const local = new Date(v.enteredAt + 8 * 3_600_000);
      const weekday = local.getUTCDay();
      // Teachers and pupils: Monday to Friday.
      assert.ok(weekday >= 1 && weekday <= 5, `school visit on day ${weekday}`);
    }
  }
});
