// The only SQL of the registry: areas, buildings, households and persons. Subtrees are path prefixes
// (area.path like '220400/220402/%'), so every list is filtered to the caller's scope in the query.
import { sql } from 'kysely';
import type { AreaTable, BuildingTable, Dialect, Executor, HouseholdTable, PersonTable } from '../db/database.ts';
import { chunks } from '../db/sql.ts';

export interface Paging {
  limit: number;
  offset: number;
}

/** An object named for a reader (the audit log): its id and a label that carries no sealed field. */
export interface ObjectLabel {
  id: string;
  label: string;
}

export interface AreaRow extends AreaTable {
  child_count: number;
}

export interface BuildingRow extends BuildingTable {
  area_name: string;
  area_path: string;
}

export interface BuildingListRow extends BuildingTable {
  area_name: string;
  households: number;
  persons: number;
}

export interface HouseholdRow extends HouseholdTable {
  area_path: string;
  building_name: string | null;
}

export interface HouseholdListRow extends HouseholdTable {
  head_name: string | null;
}

export interface PersonRow extends PersonTable {
  area_name: string;
  area_path: string;
  household_address: string | null;
}

export interface PersonByIdentifier {
  id: string;
  name: string;
  household_id: string | null;
  area_id: string;
  area_name: string;
  area_path: string;
}

/** A prefix pattern for LIKE with the wildcard characters of the prefix itself escaped (use with ESCAPE '\'). */
function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A pattern for LIKE matching text anywhere, its own wildcard characters escaped (use with ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function count(value: unknown): number {
  return Number(value ?? 0);
}

// ---- areas -------------------------------------------------------------------------------------

function areaQuery(ex: Executor) {
  return ex
    .selectFrom('area')
    .selectAll('area')
    .select((eb) =>
      eb
        .selectFrom('area as child')
        .select((c) => c.fn.countAll().as('n'))
        .whereRef('child.parent_id', '=', 'area.id')
        .as('child_count'),
    );
}

function toAreaRow<T extends { child_count: unknown }>(row: T): T & { child_count: number } {
  return { ...row, child_count: count(row.child_count) };
}

/** An area with the number of its children (the registry's own area view). */
export async function areaWithChildCount(ex: Executor, id: string): Promise<AreaRow | undefined> {
  const row = await areaQuery(ex).where('area.id', '=', id).executeTakeFirst();
  return row && toAreaRow(row);
}

export async function areaChildren(
  ex: Executor,
  parentId: string,
  page: Paging,
): Promise<{ rows: AreaRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    areaQuery(ex)
      .where('area.parent_id', '=', parentId)
      .orderBy('area.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    ex
      .selectFrom('area')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('parent_id', '=', parentId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toAreaRow), total: count(total.n) };
}

/** The first area (by code) of this name at this level: the demo accounts' areas are named so. */
export async function areaByNameAndLevel(ex: Executor, name: string, level: string): Promise<AreaTable | undefined> {
  return ex
    .selectFrom('area')
    .selectAll()
    .where('name', '=', name)
    .where('level', '=', level)
    .orderBy('code')
    .executeTakeFirst();
}

export async function areasByCodes(ex: Executor, codes: string[]): Promise<AreaRow[]> {
  if (!codes.length) return [];
  const rows = await areaQuery(ex).where('area.code', 'in', codes).execute();
  return rows.map(toAreaRow);
}

/** Buildings, households and persons anywhere in the subtree under `path`. */
export async function subtreeCounts(
  ex: Executor,
  path: string,
): Promise<{ buildings: number; households: number; persons: number }> {
  const like = prefixPattern(path);
  const [buildings, households, persons] = await Promise.all([
    ex
      .selectFrom('building')
      .innerJoin('area', 'area.id', 'building.area_id')
      .where('area.path', 'like', like)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
    ex
      .selectFrom('household')
      .innerJoin('area', 'area.id', 'household.area_id')
      .where('area.path', 'like', like)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
    ex
      .selectFrom('person')
      .innerJoin('area', 'area.id', 'person.area_id')
      .where('area.path', 'like', like)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { buildings: count(buildings.n), households: count(households.n), persons: count(persons.n) };
}

// ---- buildings ---------------------------------------------------------------------------------

export async function buildingById(ex: Executor, id: string): Promise<BuildingRow | undefined> {
  return ex
    .selectFrom('building')
    .innerJoin('area', 'area.id', 'building.area_id')
    .selectAll('building')
    .select(['area.name as area_name', 'area.path as area_path'])
    .where('building.id', '=', id)
    .executeTakeFirst();
}

export async function buildingByName(ex: Executor, areaId: string, name: string): Promise<BuildingTable | undefined> {
  return ex
    .selectFrom('building')
    .selectAll()
    .where('area_id', '=', areaId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/**
 * The building of that name in the area: the existing one, or `row` inserted. A building created at
 * the same moment by another transaction is found, not duplicated (unique area + name).
 */
export async function claimBuilding(ex: Executor, row: BuildingTable): Promise<{ id: string; created: boolean }> {
  const inserted = await ex
    .insertInto('building')
    .values(row)
    .onConflict((oc) => oc.columns(['area_id', 'name']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await buildingByName(ex, row.area_id, row.name);
  if (!existing) throw new Error(`building ${row.name} in ${row.area_id} neither inserted nor found`);
  return { id: existing.id, created: false };
}

/** What a building list is narrowed to: words of the compound or name, and building names by number. */
export interface BuildingFilter {
  words?: string[];
  /** Any of these exact names (a building number's spellings). */
  names?: string[];
}

/** Buildings in the subtree under `path`, with how many households and persons each holds; by compound, then number. */
export async function buildingsInSubtree(
  ex: Executor,
  path: string,
  page: Paging,
  filter: BuildingFilter = {},
): Promise<{ rows: BuildingListRow[]; total: number }> {
  let base = ex
    .selectFrom('building')
    .innerJoin('area', 'area.id', 'building.area_id')
    .where('area.path', 'like', prefixPattern(path));
  for (const word of filter.words ?? []) {
    const like = containsPattern(word);
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`building.compound like ${like} escape '\\'`,
        sql<boolean>`building.name like ${like} escape '\\'`,
      ]),
    );
  }
  if (filter.names?.length) base = base.where('building.name', 'in', filter.names);
  const [rows, total] = await Promise.all([
    base
      .selectAll('building')
      .select('area.name as area_name')
      .select((eb) => [
        eb
          .selectFrom('household')
          .select((c) => c.fn.countAll().as('n'))
          .whereRef('household.building_id', '=', 'building.id')
          .as('households'),
        eb
          .selectFrom('person')
          .innerJoin('household', 'household.id', 'person.household_id')
          .select((c) => c.fn.countAll().as('n'))
          .whereRef('household.building_id', '=', 'building.id')
          .as('persons'),
      ])
      .orderBy('area.path')
      .orderBy('building.compound')
      .orderBy(sql`length(building.name)`)
      .orderBy('building.name')
      .orderBy('building.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, households: count(r.households), persons: count(r.persons) })),
    total: count(total.n),
  };
}

// ---- households --------------------------------------------------------------------------------

export async function householdById(ex: Executor, id: string): Promise<HouseholdRow | undefined> {
  return ex
    .selectFrom('household')
    .innerJoin('area', 'area.id', 'household.area_id')
    .leftJoin('building', 'building.id', 'household.building_id')
    .selectAll('household')
    .select(['area.path as area_path', 'building.name as building_name'])
    .where('household.id', '=', id)
    .executeTakeFirst();
}

export async function householdsOfBuilding(
  ex: Executor,
  buildingId: string,
  page: Paging,
): Promise<{ rows: HouseholdListRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    ex
      .selectFrom('household')
      .leftJoin('person as head', 'head.id', 'household.head_person_id')
      .selectAll('household')
      .select('head.name as head_name')
      .where('household.building_id', '=', buildingId)
      .orderBy(sql`length(household.unit)`)
      .orderBy('household.unit')
      .orderBy(sql`length(household.door)`)
      .orderBy('household.door')
      .orderBy('household.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    ex
      .selectFrom('household')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('building_id', '=', buildingId)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}

export type MemberFlags = Pick<
  PersonTable,
  'household_id' | 'elderly_alone' | 'bedridden' | 'pregnant' | 'dialysis' | 'no_smartphone'
>;

/** The care flags of every member of the given households, for household summaries. */
export async function memberFlags(ex: Executor, householdIds: string[]): Promise<MemberFlags[]> {
  if (!householdIds.length) return [];
  return ex
    .selectFrom('person')
    .select(['household_id', 'elderly_alone', 'bedridden', 'pregnant', 'dialysis', 'no_smartphone'])
    .where('household_id', 'in', householdIds)
    .execute();
}

export async function insertHousehold(ex: Executor, row: HouseholdTable): Promise<void> {
  await ex.insertInto('household').values(row).execute();
}

export async function updateHousehold(
  ex: Executor,
  id: string,
  changes: Partial<Omit<HouseholdTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('household').set(changes).where('id', '=', id).execute();
}

// ---- persons -----------------------------------------------------------------------------------

function personQuery(ex: Executor) {
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .leftJoin('household', 'household.id', 'person.household_id')
    .selectAll('person')
    .select(['area.name as area_name', 'area.path as area_path', 'household.address as household_address']);
}

export async function personById(ex: Executor, id: string): Promise<PersonRow | undefined> {
  return personQuery(ex).where('person.id', '=', id).executeTakeFirst();
}

export async function personsOfHousehold(ex: Executor, householdId: string): Promise<PersonRow[]> {
  return personQuery(ex)
    .where('person.household_id', '=', householdId)
    .orderBy('person.created_at')
    .orderBy('person.id')
    .execute();
}

/** A person's name and area (health shows the one and scopes by the other), or undefined. */
export async function personBrief(
  ex: Executor,
  personId: string,
): Promise<{ id: string; name: string; area_path: string; area_id: string } | undefined> {
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select(['person.id as id', 'person.name as name', 'area.path as area_path', 'person.area_id as area_id'])
    .where('person.id', '=', personId)
    .executeTakeFirst();
}

/** A person with their area's name and path and their sealed phone (tracing's view of a person). */
export interface PersonWithArea {
  id: string;
  name: string;
  household_id: string | null;
  area_id: string;
  area_name: string;
  area_path: string;
  phone_enc: string | null;
}

function personWithAreaQuery(ex: Executor) {
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select([
      'person.id',
      'person.name',
      'person.household_id',
      'person.area_id',
      'area.name as area_name',
      'area.path as area_path',
      'person.phone_enc',
    ]);
}

export async function personWithArea(ex: Executor, id: string): Promise<PersonWithArea | undefined> {
  return personWithAreaQuery(ex).where('person.id', '=', id).executeTakeFirst();
}

export async function personsWithArea(ex: Executor, ids: readonly string[]): Promise<PersonWithArea[]> {
  const out: PersonWithArea[] = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await personWithAreaQuery(ex).where('person.id', 'in', part).execute()));
  return out;
}

/** The other members of each given person's household: (person, member) pairs. */
export async function householdMembersOfPersons(
  ex: Executor,
  personIds: readonly string[],
): Promise<Array<{ person_id: string; member_id: string }>> {
  const out: Array<{ person_id: string; member_id: string }> = [];
  for (const part of chunks([...new Set(personIds)])) {
    out.push(
      ...(await ex
        .selectFrom('person as p')
        .innerJoin('person as m', 'm.household_id', 'p.household_id')
        .select(['p.id as person_id', 'm.id as member_id'])
        .where('p.id', 'in', part)
        .where('p.household_id', 'is not', null)
        .whereRef('m.id', '<>', 'p.id')
        .orderBy('p.id')
        .orderBy('m.id')
        .execute()),
    );
  }
  return out;
}

/**
 * The household of each registered person among `ids` (absent: not registered) — testing's bulk sampling
 * path (10,000 tubes): no joins, the ids as one JSON parameter per slice of `slice` ids.
 */
export async function householdsOfPersons(
  ex: Executor,
  dialect: Dialect,
  ids: readonly string[],
  slice: number,
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const part of chunks([...new Set(ids)], slice)) {
    const list =
      dialect === 'postgres'
        ? sql`json_array_elements_text(${JSON.stringify(part)}::json) as j(value)`
        : sql`json_each(${JSON.stringify(part)}) as j`;
    const rows = await sql<{
      id: string;
      household_id: string | null;
    }>`select p.id, p.household_id from ${list} join person p on p.id = j.value`.execute(ex);
    for (const r of rows.rows) out.set(r.id, r.household_id);
  }
  return out;
}

/** Each person's area and its path (other domains scope and group their records by it). */
export async function personAreaPaths(
  ex: Executor,
  ids: readonly string[],
): Promise<Array<{ id: string; area_id: string; area_path: string }>> {
  const out: Array<{ id: string; area_id: string; area_path: string }> = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(
      ...(await ex
        .selectFrom('person')
        .innerJoin('area', 'area.id', 'person.area_id')
        .select(['person.id as id', 'person.area_id as area_id', 'area.path as area_path'])
        .where('person.id', 'in', part)
        .execute()),
    );
  return out;
}

/** A person's name (a door's answer shows it masked), or undefined when there is no such person. */
export async function personName(ex: Executor, id: string): Promise<string | undefined> {
  return (await ex.selectFrom('person').select('name').where('id', '=', id).executeTakeFirst())?.name;
}

/** Names of the persons with these ids (other domains mask them for display). */
export async function personNames(ex: Executor, ids: readonly string[]): Promise<Array<{ id: string; name: string }>> {
  const out: Array<{ id: string; name: string }> = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await ex.selectFrom('person').select(['id', 'name']).where('id', 'in', part).execute()));
  return out;
}

/** How the audit log names households: by address. */
export async function labelsForHouseholds(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex.selectFrom('household').select(['id', 'address']).where('id', 'in', part).execute())
      out.push({ id: r.id, label: r.address });
  return out;
}

/** Buildings' compound and name (risk areas show them as they are now). */
export async function buildingNames(
  ex: Executor,
  ids: readonly string[],
): Promise<Array<{ id: string; compound: string; name: string }>> {
  const out: Array<{ id: string; compound: string; name: string }> = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await ex.selectFrom('building').select(['id', 'compound', 'name']).where('id', 'in', part).execute()));
  return out;
}

/** How the audit log names buildings: by address, or by name when it has none. */
export async function labelsForBuildings(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex.selectFrom('building').select(['id', 'name', 'address']).where('id', 'in', part).execute())
      out.push({ id: r.id, label: r.address || r.name });
  return out;
}

// For a resident's own view and their account: a person's household and registry phone digest.
export type ResidentPerson = Pick<
  PersonTable,
  'id' | 'name' | 'household_id' | 'area_id' | 'birth_date' | 'relation' | 'no_smartphone'
>;

const PERSON_COLUMNS = ['id', 'name', 'household_id', 'area_id', 'birth_date', 'relation', 'no_smartphone'] as const;

export async function residentPerson(ex: Executor, personId: string): Promise<ResidentPerson | undefined> {
  return ex.selectFrom('person').select(PERSON_COLUMNS).where('id', '=', personId).executeTakeFirst();
}

/** Everyone else in the household, oldest record first. */
export async function householdMembers(
  ex: Executor,
  householdId: string,
  exceptPersonId: string,
): Promise<ResidentPerson[]> {
  return ex
    .selectFrom('person')
    .select(PERSON_COLUMNS)
    .where('household_id', '=', householdId)
    .where('id', '!=', exceptPersonId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The registry phone digest of a person (compared, never decrypted). */
export async function personPhoneHmac(ex: Executor, personId: string): Promise<string | null> {
  const row = await ex.selectFrom('person').select('phone_hmac').where('id', '=', personId).executeTakeFirst();
  return row?.phone_hmac ?? null;
}

/** A person with the registry's sealed phone, for opening their account. */
export async function personForAccount(
  ex: Executor,
  personId: string,
): Promise<Pick<PersonTable, 'id' | 'name' | 'area_id' | 'phone_enc'> | undefined> {
  return ex
    .selectFrom('person')
    .select(['id', 'name', 'area_id', 'phone_enc'])
    .where('id', '=', personId)
    .executeTakeFirst();
}

export interface PersonFilter {
  /** The subtree to search in (already checked against the caller's scope). */
  path: string;
  idHmacs?: string[];
  phoneHmac?: string;
  namePrefix?: string;
}

export async function searchPersons(
  ex: Executor,
  filter: PersonFilter,
  page: Paging,
): Promise<{ rows: PersonRow[]; total: number }> {
  let base = ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .leftJoin('household', 'household.id', 'person.household_id')
    .where('area.path', 'like', prefixPattern(filter.path));
  if (filter.idHmacs) base = base.where('person.id_hmac', 'in', filter.idHmacs.length ? filter.idHmacs : ['']);
  if (filter.phoneHmac) base = base.where('person.phone_hmac', '=', filter.phoneHmac);
  if (filter.namePrefix)
    base = base.where(sql<boolean>`person.name like ${prefixPattern(filter.namePrefix)} escape '\\'`);
  const [rows, total] = await Promise.all([
    base
      .selectAll('person')
      .select(['area.name as area_name', 'area.path as area_path', 'household.address as household_address'])
      .orderBy('person.name')
      .orderBy('person.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}

/** The person holding any of the ID lookup digests, wherever they are registered. */
export async function personByIdHmac(ex: Executor, hmacs: string[]): Promise<PersonByIdentifier | undefined> {
  if (!hmacs.length) return undefined;
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select([
      'person.id',
      'person.name',
      'person.household_id',
      'person.area_id',
      'area.name as area_name',
      'area.path as area_path',
    ])
    .where('person.id_hmac', 'in', hmacs)
    .executeTakeFirst();
}

export async function insertPerson(ex: Executor, row: PersonTable): Promise<void> {
  await ex.insertInto('person').values(row).execute();
}

export async function updatePerson(ex: Executor, id: string, changes: Partial<Omit<PersonTable, 'id'>>): Promise<void> {
  await ex.updateTable('person').set(changes).where('id', '=', id).execute();
}

/** The ids of the households living in a building (other domains ask here rather than reading `household`). */
export async function householdIdsOfBuilding(ex: Executor, buildingId: string): Promise<string[]> {
  return (await ex.selectFrom('household').select('id').where('building_id', '=', buildingId).execute()).map(
    (h) => h.id,
  );
}

/** How many people live in the building's households. */
export async function personCountOfBuilding(ex: Executor, buildingId: string): Promise<number> {
  const r = await ex
    .selectFrom('person')
    .innerJoin('household', 'household.id', 'person.household_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('household.building_id', '=', buildingId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Where a person lives: their name, area, household and building (null without a household or building). */
export interface PersonHome {
  id: string;
  name: string;
  household_id: string | null;
  area_id: string;
  area_name: string;
  area_path: string;
  building_id: string | null;
  building_name: string | null;
  building_address: string | null;
  unit: string | null;
  door: string | null;
  address: string | null;
}

/** Where each of these people lives (other domains show a masked name and an address, or check a scope). */
export async function personHomes(ex: Executor, ids: readonly string[]): Promise<PersonHome[]> {
  const out: PersonHome[] = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(
      ...(await ex
        .selectFrom('person')
        .innerJoin('area', 'area.id', 'person.area_id')
        .leftJoin('household', 'household.id', 'person.household_id')
        .leftJoin('building', 'building.id', 'household.building_id')
        .select([
          'person.id',
          'person.name',
          'person.household_id',
          'person.area_id',
          'area.name as area_name',
          'area.path as area_path',
          'household.building_id',
          'building.name as building_name',
          'building.address as building_address',
          'household.unit',
          'household.door',
          'household.address',
        ])
        .where('person.id', 'in', part)
        .execute()),
    );
  return out;
}

/** Every person living under `path`: id, household and area path (the demo round draws its sample from them). */
export async function personsUnder(
  ex: Executor,
  path: string,
): Promise<Array<{ id: string; household_id: string | null; area_path: string }>> {
  return ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select(['person.id', 'person.household_id', 'area.path as area_path'])
    .where('area.path', 'like', `${path}%`)
    .execute();
}
