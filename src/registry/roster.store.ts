// The SQL of roster import and export: lookups in bulk (IN lists in chunks) and multi-row inserts,
// so that 100k rows cost a few hundred statements on SQLite and PostgreSQL alike.
import { sql } from 'kysely';
import type { AreaTable, BuildingTable, Executor, HouseholdTable, PersonTable } from '../db/database.ts';
import { chunks } from '../db/sql.ts';

/** Rows per multi-row insert / values per IN list; keeps every statement under SQLite's 32766 parameters. */
const INSERT_CHUNK = 500;
const IN_CHUNK = 500;

export type AreaRow = Pick<AreaTable, 'id' | 'code' | 'name' | 'level' | 'parent_id' | 'path'>;

const AREA_COLUMNS = ['id', 'code', 'name', 'level', 'parent_id', 'path'] as const;

/** Areas of a level with one of the names, anywhere in the tree (the caller applies scope). */
export async function areasByName(ex: Executor, level: string, names: string[]): Promise<AreaRow[]> {
  const out: AreaRow[] = [];
  for (const part of chunks(names, IN_CHUNK)) {
    out.push(
      ...(await ex
        .selectFrom('area')
        .select(AREA_COLUMNS)
        .where('level', '=', level)
        .where('name', 'in', part)
        .execute()),
    );
  }
  return out;
}

/** Direct children of the given areas. */
export async function childAreas(ex: Executor, parentIds: string[]): Promise<AreaRow[]> {
  const out: AreaRow[] = [];
  for (const part of chunks(parentIds, IN_CHUNK)) {
    out.push(...(await ex.selectFrom('area').select(AREA_COLUMNS).where('parent_id', 'in', part).execute()));
  }
  return out;
}

/** The area and every area below it. */
export async function areasInSubtree(ex: Executor, path: string): Promise<AreaRow[]> {
  return ex.selectFrom('area').select(AREA_COLUMNS).where('path', 'like', `${path}%`).execute();
}

export interface StoredIdHolder {
  id: string;
  name: string;
  id_hmac: string;
  area_id: string;
  area_name: string;
  area_path: string;
  household_id: string | null;
}

/** Persons already holding one of the ID lookup digests. */
export async function personsByIdHmac(ex: Executor, hmacs: string[]): Promise<StoredIdHolder[]> {
  const out: StoredIdHolder[] = [];
  for (const part of chunks(hmacs, IN_CHUNK)) {
    const rows = await ex
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select([
        'person.id',
        'person.name',
        'person.id_hmac',
        'person.area_id',
        'area.name as area_name',
        'area.path as area_path',
        'person.household_id',
      ])
      .where('person.id_hmac', 'in', part)
      .execute();
    for (const r of rows) out.push({ ...r, id_hmac: r.id_hmac! });
  }
  return out;
}

export type BuildingRow = Pick<BuildingTable, 'id' | 'area_id' | 'name' | 'compound'>;

export async function buildingsInAreas(ex: Executor, areaIds: string[]): Promise<BuildingRow[]> {
  const out: BuildingRow[] = [];
  for (const part of chunks(areaIds, IN_CHUNK)) {
    out.push(
      ...(await ex
        .selectFrom('building')
        .select(['id', 'area_id', 'name', 'compound'])
        .where('area_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

export type HouseholdRow = Pick<
  HouseholdTable,
  'id' | 'building_id' | 'area_id' | 'unit' | 'door' | 'address' | 'head_person_id'
>;

const HOUSEHOLD_COLUMNS = ['id', 'building_id', 'area_id', 'unit', 'door', 'address', 'head_person_id'] as const;

export async function householdsInBuildings(ex: Executor, buildingIds: string[]): Promise<HouseholdRow[]> {
  const out: HouseholdRow[] = [];
  for (const part of chunks(buildingIds, IN_CHUNK)) {
    out.push(
      ...(await ex.selectFrom('household').select(HOUSEHOLD_COLUMNS).where('building_id', 'in', part).execute()),
    );
  }
  return out;
}

/** Households known only by an address (no building) in the given areas. */
export async function householdsByAddress(ex: Executor, areaIds: string[]): Promise<HouseholdRow[]> {
  const out: HouseholdRow[] = [];
  for (const part of chunks(areaIds, IN_CHUNK)) {
    out.push(
      ...(await ex
        .selectFrom('household')
        .select(HOUSEHOLD_COLUMNS)
        .where('area_id', 'in', part)
        .where('building_id', 'is', null)
        .execute()),
    );
  }
  return out;
}

/** The name and ID lookup of households' heads, to check a file's head against. */
export type HeadRow = Pick<PersonTable, 'id' | 'name' | 'id_hmac'>;

export async function headsByIds(ex: Executor, ids: string[]): Promise<HeadRow[]> {
  const out: HeadRow[] = [];
  for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
    out.push(...(await ex.selectFrom('person').select(['id', 'name', 'id_hmac']).where('id', 'in', part).execute()));
  }
  return out;
}

export async function insertBuildings(ex: Executor, rows: BuildingTable[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) await ex.insertInto('building').values(part).execute();
}

/** Records a building's compound (小区) when it has none yet; false when it already had one. */
export async function fillBuildingCompound(ex: Executor, id: string, compound: string): Promise<boolean> {
  const r = await ex
    .updateTable('building')
    .set({ compound })
    .where('id', '=', id)
    .where('compound', '=', '')
    .executeTakeFirst();
  return Number(r.numUpdatedRows ?? 0) > 0;
}

export async function insertHouseholds(ex: Executor, rows: HouseholdTable[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) await ex.insertInto('household').values(part).execute();
}

export async function insertPersons(ex: Executor, rows: PersonTable[]): Promise<void> {
  for (const part of chunks(rows, INSERT_CHUNK)) await ex.insertInto('person').values(part).execute();
}

/** Sets the head only where the household has none yet. */
export async function setHouseholdHead(
  ex: Executor,
  householdId: string,
  personId: string,
  now: number,
): Promise<void> {
  await ex
    .updateTable('household')
    .set({ head_person_id: personId, updated_at: now })
    .where('id', '=', householdId)
    .where('head_person_id', 'is', null)
    .execute();
}

// ---- export ----

export interface ExportHousehold {
  id: string;
  area_id: string;
  unit: string;
  door: string;
  address: string;
  head_person_id: string | null;
  building_name: string | null;
  building_compound: string | null;
}

/** Every household in a subtree with its building's name (sorting happens in the caller). */
export async function householdsInSubtree(ex: Executor, path: string): Promise<ExportHousehold[]> {
  return ex
    .selectFrom('household')
    .innerJoin('area', 'area.id', 'household.area_id')
    .leftJoin('building', 'building.id', 'household.building_id')
    .select([
      'household.id',
      'household.area_id',
      'household.unit',
      'household.door',
      'household.address',
      'household.head_person_id',
      'building.name as building_name',
      'building.compound as building_compound',
    ])
    .where('area.path', 'like', `${path}%`)
    .execute();
}

export type ExportPerson = Pick<
  PersonTable,
  | 'id'
  | 'household_id'
  | 'area_id'
  | 'name'
  | 'id_type'
  | 'id_enc'
  | 'birth_date'
  | 'sex'
  | 'phone_enc'
  | 'relation'
  | 'elderly_alone'
  | 'bedridden'
  | 'pregnant'
  | 'dialysis'
  | 'no_smartphone'
  | 'note'
  | 'created_at'
>;

const EXPORT_PERSON_COLUMNS = [
  'id',
  'household_id',
  'area_id',
  'name',
  'id_type',
  'id_enc',
  'birth_date',
  'sex',
  'phone_enc',
  'relation',
  'elderly_alone',
  'bedridden',
  'pregnant',
  'dialysis',
  'no_smartphone',
  'note',
  'created_at',
] as const;

export async function personsOfHouseholds(ex: Executor, householdIds: string[]): Promise<ExportPerson[]> {
  const out: ExportPerson[] = [];
  for (const part of chunks(householdIds, IN_CHUNK)) {
    out.push(
      ...(await ex.selectFrom('person').select(EXPORT_PERSON_COLUMNS).where('household_id', 'in', part).execute()),
    );
  }
  return out;
}

/** Persons with no household in a subtree, a page at a time by id. */
export async function personsWithoutHousehold(
  ex: Executor,
  path: string,
  afterId: string,
  limit: number,
): Promise<ExportPerson[]> {
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select(EXPORT_PERSON_COLUMNS.map((c) => `person.${c}` as const))
    .where('person.household_id', 'is', null)
    .where('area.path', 'like', `${path}%`)
    .where('person.id', '>', afterId)
    .orderBy('person.id')
    .limit(limit)
    .execute();
}

export async function countPersonsInSubtree(ex: Executor, path: string): Promise<number> {
  const r = await ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('area.path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Serialises whole-roster writes on PostgreSQL (SQLite runs one write transaction at a time already). */
export async function lockRosterWrites(ex: Executor, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('cordon.roster.import'))`.execute(ex);
}
