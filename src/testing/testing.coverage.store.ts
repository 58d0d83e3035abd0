// The SQL of a round's coverage — grouped over the registry's people per view — the door-knock list of a
// building and the grid workers' visit marks.
import { sql } from 'kysely';
import type { Executor, TestingVisitTable } from '../db/database.ts';
import { chunksOf } from './testing.store.ts';

export async function insertVisit(ex: Executor, row: TestingVisitTable): Promise<void> {
  await ex.insertInto('testing_visit').values(row).execute();
}

export interface LeafCoverage {
  areaId: string;
  areaPath: string;
  buildingId: string | null;
  target: number;
  sampled: number;
  resulted: number;
}

/**
 * People of the subtree grouped by their area (and, with byBuilding, their household's building), with
 * how many were sampled and resulted in the round. Two grouped queries on equi-joins only (targets,
 * then the round's members), merged here; the caller keeps the leaves inside the round's areas.
 */
export async function coverageLeaves(
  ex: Executor,
  roundId: string,
  path: string,
  byBuilding: boolean,
): Promise<LeafCoverage[]> {
  const building = byBuilding ? sql`h.building_id` : sql`null`;
  const joinHousehold = byBuilding ? sql`left join household h on h.id = p.household_id` : sql``;
  const groupBuilding = byBuilding ? sql`, h.building_id` : sql``;
  const like = `${path}%`;
  // reads person, area, household (owner: registry): a round's 100,000+ people grouped by home, one query per view
  const targets = await sql<{ area_id: string; path: string; building_id: string | null; n: number | string }>`
    select p.area_id, a.path, ${building} as building_id, count(*) as n
    from person p join area a on a.id = p.area_id ${joinHousehold}
    where a.path like ${like}
    group by p.area_id, a.path${groupBuilding}`.execute(ex);
  const sampled = await sql<{
    area_id: string;
    building_id: string | null;
    sampled: number | string;
    resulted: number | string;
  }>`
    select p.area_id, ${building} as building_id, count(distinct m.person_id) as sampled,
      count(distinct case when r.tube_id is not null then m.person_id end) as resulted
    from testing_tube_member m
    join person p on p.id = m.person_id
    join area a on a.id = p.area_id
    ${joinHousehold}
    left join testing_result r on r.tube_id = m.tube_id
    where m.round_id = ${roundId} and a.path like ${like}
    group by p.area_id${groupBuilding}`.execute(ex);
  const key = (areaId: string, buildingId: string | null) => `${areaId}|${buildingId ?? ''}`;
  const got = new Map(sampled.rows.map((r) => [key(r.area_id, r.building_id), r]));
  return targets.rows.map((t) => {
    const s = got.get(key(t.area_id, t.building_id));
    return {
      areaId: t.area_id,
      areaPath: t.path,
      buildingId: t.building_id,
      target: Number(t.n),
      sampled: Number(s?.sampled ?? 0),
      resulted: Number(s?.resulted ?? 0),
    };
  });
}

/**
 * Where the round's positive pools are: one row per pool and area (and, with byBuilding, building) of
 * its members' homes, so a pool with members in two grids is in both; the caller counts distinct pools.
 */
export async function positivePoolPlaces(
  ex: Executor,
  roundId: string,
  path: string,
  byBuilding: boolean,
): Promise<Array<{ poolId: string; areaPath: string; buildingId: string | null }>> {
  const building = byBuilding ? sql`h.building_id` : sql`null`;
  const joinHousehold = byBuilding ? sql`left join household h on h.id = p.household_id` : sql``;
  // reads person, area, household (owner: registry): the homes of the round's pool members, grouped in the database
  const r = await sql<{ pool_id: string; path: string; building_id: string | null }>`
    select distinct pl.id as pool_id, a.path, ${building} as building_id from testing_pool pl
    join testing_tube_member m on m.tube_id = pl.tube_id
    join person p on p.id = m.person_id
    join area a on a.id = p.area_id
    ${joinHousehold}
    where pl.round_id = ${roundId} and a.path like ${`${path}%`}`.execute(ex);
  return r.rows.map((x) => ({ poolId: x.pool_id, areaPath: x.path, buildingId: x.building_id }));
}

/** The people of the building not sampled in the round, with their household's door (the door-knock list). */
export async function unsampledInBuilding(ex: Executor, roundId: string, buildingId: string) {
  // reads person, household (owner: registry): "not sampled" is a not-exists over the round's members, in the query
  return ex
    .selectFrom('person')
    .innerJoin('household', 'household.id', 'person.household_id')
    .select([
      'person.id',
      'person.name',
      'person.birth_date',
      'person.elderly_alone',
      'person.bedridden',
      'person.pregnant',
      'person.dialysis',
      'person.no_smartphone',
      'household.id as household_id',
      'household.unit',
      'household.door',
    ])
    .where('household.building_id', '=', buildingId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('testing_tube_member as m')
            .select(sql`1`.as('one'))
            .where('m.round_id', '=', roundId)
            .whereRef('m.person_id', '=', 'person.id'),
        ),
      ),
    )
    .execute();
}

export async function lastVisits(
  ex: Executor,
  roundId: string,
  personIds: string[],
): Promise<Map<string, TestingVisitTable>> {
  const out = new Map<string, TestingVisitTable>();
  for (const part of chunksOf(personIds)) {
    const rows = await ex
      .selectFrom('testing_visit')
      .selectAll()
      .where('round_id', '=', roundId)
      .where('person_id', 'in', part)
      .orderBy('at')
      .execute();
    for (const r of rows) out.set(r.person_id, r);
  }
  return out;
}
