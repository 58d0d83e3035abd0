// The only SQL of risk areas: designations (one row per unit), their history (insert only), the
// arrivals found inside them, and the reads the rules rest on — the units' residents, check-ins at
// venues inside them, their latest case, and the mass-testing rounds over them (a port, below).
import { sql, type Expression } from 'kysely';
import type { Executor, RiskAreaHistoryTable, RiskAreaTable } from '../db/database.ts';
import type { ObjectLabel } from '../registry/registry.store.ts';
import { areasByIds, chunks } from '../db/sql.ts';
import { buildingNames } from '../registry/registry.store.ts';

export interface Paging {
  limit: number;
  offset: number;
}

const big = (n: number) => sql<number>`cast(${Math.trunc(n)} as bigint)`;
const noTime = () => sql<null>`cast(null as bigint)`;
const text = (v: string) => sql<string>`cast(${v} as text)`;

// ---- designations ------------------------------------------------------------------------------

/** A designation with its area's name, and for a building its compound and name as they are now. */
export type RiskAreaRow = RiskAreaTable & {
  area_name: string;
  building_compound: string | null;
  building_name: string | null;
};

function riskAreaQuery(ex: Executor) {
  return ex.selectFrom('risk_area').selectAll('risk_area');
}

/** Designations with their area's name (the shared area reader) and their building's (the registry's), after the rows. */
async function withPlaces(ex: Executor, rows: RiskAreaTable[]): Promise<RiskAreaRow[]> {
  if (!rows.length) return [];
  const areas = new Map(
    (
      await areasByIds(
        ex,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  const buildings = new Map(
    (
      await buildingNames(
        ex,
        rows.flatMap((r) => (r.building_id ? [r.building_id] : [])),
      )
    ).map((b) => [b.id, b]),
  );
  return rows.flatMap((r) => {
    const areaName = areas.get(r.area_id);
    if (areaName === undefined) return [];
    const b = r.building_id ? buildings.get(r.building_id) : undefined;
    return [{ ...r, area_name: areaName, building_compound: b?.compound ?? null, building_name: b?.name ?? null }];
  });
}

async function oneWithPlaces(ex: Executor, row: RiskAreaTable | undefined): Promise<RiskAreaRow | undefined> {
  return row && (await withPlaces(ex, [row]))[0];
}

export async function riskAreaById(ex: Executor, id: string): Promise<RiskAreaRow | undefined> {
  return oneWithPlaces(ex, await riskAreaQuery(ex).where('risk_area.id', '=', id).executeTakeFirst());
}

/** How the audit log names designations: by name. */
export async function labelsForRiskAreas(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex.selectFrom('risk_area').select(['id', 'name']).where('id', 'in', part).execute())
      out.push({ id: r.id, label: r.name });
  return out;
}

export async function riskAreaByTarget(ex: Executor, unit: string, targetId: string): Promise<RiskAreaRow | undefined> {
  return oneWithPlaces(
    ex,
    await riskAreaQuery(ex)
      .where('risk_area.unit', '=', unit)
      .where('risk_area.target_id', '=', targetId)
      .executeTakeFirst(),
  );
}

export async function insertRiskArea(ex: Executor, row: RiskAreaTable): Promise<void> {
  await ex.insertInto('risk_area').values(row).execute();
}

export async function updateRiskArea(
  ex: Executor,
  id: string,
  changes: Partial<Omit<RiskAreaTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('risk_area').set(changes).where('id', '=', id).execute();
}

export interface RiskAreaFilter {
  scopePath: string;
  status?: string;
  level?: string;
  /** Words that must each appear in the designation's name, or its building's compound or name. */
  words?: string[];
}

/** A pattern for LIKE matching text anywhere, its own wildcard characters escaped (with ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listRiskAreas(
  ex: Executor,
  f: RiskAreaFilter,
  paging: Paging,
): Promise<{ rows: RiskAreaRow[]; total: number }> {
  let q = ex
    .selectFrom('risk_area')
    .leftJoin('building', 'building.id', 'risk_area.building_id')
    .where('risk_area.area_path', 'like', `${f.scopePath}%`);
  if (f.status) q = q.where('risk_area.status', '=', f.status);
  if (f.level) q = q.where('risk_area.level', '=', f.level);
  for (const word of f.words ?? []) {
    const like = containsPattern(word);
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`risk_area.name like ${like} escape '\\'`,
        sql<boolean>`building.compound like ${like} escape '\\'`,
        sql<boolean>`building.name like ${like} escape '\\'`,
      ]),
    );
  }
  const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const rows = await q
    .selectAll('risk_area')
    // high first, then medium, low; pending before lifted; newest change first
    .orderBy(sql`case risk_area.status when 'active' then 0 when 'pending' then 1 when 'lifted' then 2 else 3 end`)
    .orderBy(sql`case risk_area.level when 'high' then 0 when 'medium' then 1 when 'low' then 2 else 3 end`)
    .orderBy('risk_area.updated_at', 'desc')
    .orderBy('risk_area.id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  return { rows: await withPlaces(ex, rows), total };
}

/** Designations in force, optionally only at the given levels (the jobs, the public list, the tree). */
export async function activeRiskAreas(
  ex: Executor,
  levels?: readonly string[],
  scopePath = '',
): Promise<RiskAreaRow[]> {
  let q = riskAreaQuery(ex)
    .where('risk_area.status', '=', 'active')
    .where('risk_area.area_path', 'like', `${scopePath}%`);
  if (levels) q = q.where('risk_area.level', 'in', [...levels]);
  return withPlaces(ex, await q.orderBy('risk_area.area_path').orderBy('risk_area.id').execute());
}

export async function riskAreaByApproval(ex: Executor, approvalId: string): Promise<RiskAreaRow | undefined> {
  return oneWithPlaces(
    ex,
    await riskAreaQuery(ex).where('risk_area.pending_approval_id', '=', approvalId).executeTakeFirst(),
  );
}

/** Designations with a change held for an approval. */
export async function heldRiskAreas(ex: Executor): Promise<RiskAreaRow[]> {
  return withPlaces(
    ex,
    await riskAreaQuery(ex).where('risk_area.pending_approval_id', 'is not', null).orderBy('risk_area.id').execute(),
  );
}

// ---- history -----------------------------------------------------------------------------------

export async function insertHistory(ex: Executor, row: RiskAreaHistoryTable): Promise<void> {
  await ex.insertInto('risk_area_history').values(row).execute();
}

export async function historyOf(ex: Executor, riskAreaId: string): Promise<RiskAreaHistoryTable[]> {
  return ex.selectFrom('risk_area_history').selectAll().where('risk_area_id', '=', riskAreaId).orderBy('id').execute();
}

export async function historyCount(ex: Executor, riskAreaId: string): Promise<number> {
  const row = await ex
    .selectFrom('risk_area_history')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('risk_area_id', '=', riskAreaId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- arrivals ----------------------------------------------------------------------------------

export interface UnitRef {
  unit: string;
  target_id: string;
  area_path: string;
}

/**
 * Records the unit's residents as arrivals: the people of a building's households, or everyone
 * registered in a community's or street's subtree.
 */
export async function recordResidents(ex: Executor, riskAreaId: string, u: UnitRef, at: number): Promise<void> {
  let people = ex
    .selectFrom('person')
    .select([
      text(riskAreaId).as('risk_area_id'),
      'person.id as person_id',
      sql<string>`'residence'`.as('basis'),
      big(at).as('last_stay_at'),
      noTime().as('fact_since'),
      noTime().as('ended_at'),
      big(at).as('created_at'),
      big(at).as('updated_at'),
    ]);
  if (u.unit === 'building') {
    people = people
      .innerJoin('household', 'household.id', 'person.household_id')
      .where('household.building_id', '=', u.target_id);
  } else {
    people = people.innerJoin('area', 'area.id', 'person.area_id').where('area.path', 'like', `${u.area_path}%`);
  }
  await upsertArrivals(ex, people);
}

/**
 * Records people admitted at venues inside the unit from `since` until `until` as arrivals (their
 * latest entry); with `storedSince`, only check-ins stored from then on (an incremental sweep: a scan
 * queued offline arrives with its own, earlier entry time). Venues belong to areas, not buildings: a
 * building's arrivals are its residents.
 */
export async function recordCheckins(
  ex: Executor,
  riskAreaId: string,
  u: UnitRef,
  since: number,
  until: number,
  at: number,
  storedSince?: number,
): Promise<void> {
  if (u.unit === 'building') return;
  let visits = ex
    .selectFrom('checkin')
    .innerJoin('venue', 'venue.id', 'checkin.venue_id')
    .innerJoin('area', 'area.id', 'venue.area_id')
    .where('area.path', 'like', `${u.area_path}%`)
    .where('checkin.entered_at', '>=', since)
    .where('checkin.entered_at', '<=', until)
    .where('checkin.decision', '=', 'admitted')
    .groupBy('checkin.person_id')
    .select([
      text(riskAreaId).as('risk_area_id'),
      'checkin.person_id as person_id',
      sql<string>`'checkin'`.as('basis'),
      sql<number>`max(checkin.entered_at)`.as('last_stay_at'),
      noTime().as('fact_since'),
      noTime().as('ended_at'),
      big(at).as('created_at'),
      big(at).as('updated_at'),
    ]);
  if (storedSince !== undefined) visits = visits.where('checkin.created_at', '>=', storedSince);
  await upsertArrivals(ex, visits);
}

async function upsertArrivals(ex: Executor, select: Expression<unknown>): Promise<void> {
  await ex
    .insertInto('risk_area_exposure')
    .columns([
      'risk_area_id',
      'person_id',
      'basis',
      'last_stay_at',
      'fact_since',
      'ended_at',
      'created_at',
      'updated_at',
    ])
    .expression(select)
    // An arrival of an earlier run of designation (ended) starts again; an open one keeps its row.
    .onConflict((oc) =>
      oc
        .columns(['risk_area_id', 'person_id'])
        .doUpdateSet((eb) => ({
          basis: eb.ref('excluded.basis'),
          last_stay_at: eb.ref('excluded.last_stay_at'),
          fact_since: sql<null>`cast(null as bigint)`,
          ended_at: sql<null>`cast(null as bigint)`,
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('risk_area_exposure.ended_at', 'is not', null),
    )
    .execute();
}

export interface ArrivalRow {
  person_id: string;
  basis: string;
  last_stay_at: number;
  fact_since: number | null;
}

/** Arrivals of the area not ended; only those without a fact yet when asked. */
export async function openArrivals(ex: Executor, riskAreaId: string, withoutFactOnly = false): Promise<ArrivalRow[]> {
  let q = ex
    .selectFrom('risk_area_exposure')
    .select(['person_id', 'basis', 'last_stay_at', 'fact_since'])
    .where('risk_area_id', '=', riskAreaId)
    .where('ended_at', 'is', null);
  if (withoutFactOnly) q = q.where('fact_since', 'is', null);
  const rows = await q.orderBy('person_id').execute();
  return rows.map((r) => ({
    ...r,
    last_stay_at: Number(r.last_stay_at),
    fact_since: r.fact_since === null ? null : Number(r.fact_since),
  }));
}

export async function markFactsSent(
  ex: Executor,
  riskAreaId: string,
  personIds: readonly string[] | 'all',
  at: number,
): Promise<void> {
  const q = ex
    .updateTable('risk_area_exposure')
    .set({ fact_since: at, updated_at: at })
    .where('risk_area_id', '=', riskAreaId)
    .where('ended_at', 'is', null)
    .where('fact_since', 'is', null);
  if (personIds !== 'all') {
    if (personIds.length === 0) return;
    for (let i = 0; i < personIds.length; i += 500) {
      await q.where('person_id', 'in', personIds.slice(i, i + 500)).execute();
    }
    return;
  }
  await q.execute();
}

export async function endArrivals(ex: Executor, riskAreaId: string, at: number): Promise<number> {
  const r = await ex
    .updateTable('risk_area_exposure')
    .set({ ended_at: at, updated_at: at })
    .where('risk_area_id', '=', riskAreaId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0);
}

export async function arrivalCounts(
  ex: Executor,
  riskAreaIds: readonly string[],
): Promise<Map<string, { total: number; active: number }>> {
  const out = new Map<string, { total: number; active: number }>();
  for (let i = 0; i < riskAreaIds.length; i += 500) {
    const part = riskAreaIds.slice(i, i + 500);
    const rows = await ex
      .selectFrom('risk_area_exposure')
      .select([
        'risk_area_id',
        (eb) => eb.fn.countAll<number>().as('total'),
        sql<number>`sum(case when ended_at is null then 1 else 0 end)`.as('active'),
      ])
      .where('risk_area_id', 'in', part)
      .groupBy('risk_area_id')
      .execute();
    for (const r of rows) out.set(r.risk_area_id, { total: Number(r.total), active: Number(r.active ?? 0) });
  }
  return out;
}

// ---- evidence for the downgrade rules ----------------------------------------------------------

/**
 * When the latest infection among the unit's residents became known (case_record → person → household
 * → building / area): the time its case was confirmed (registered as confirmed or asymptomatic, or
 * confirmed after being suspected). A suspected case that is not confirmed is not a new infection.
 */
export async function lastCaseAt(ex: Executor, u: UnitRef): Promise<number | null> {
  let q = ex
    .selectFrom('case_status_history as h')
    .innerJoin('case_record', 'case_record.id', 'h.case_id')
    .innerJoin('person', 'person.id', 'case_record.person_id')
    .where('h.to_status', '=', 'confirmed');
  if (u.unit === 'building') {
    q = q
      .innerJoin('household', 'household.id', 'person.household_id')
      .where('household.building_id', '=', u.target_id);
  } else {
    q = q.innerJoin('area', 'area.id', 'person.area_id').where('area.path', 'like', `${u.area_path}%`);
  }
  const row = await q.select((eb) => eb.fn.max('h.at').as('at')).executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
