// All SQL of testing rounds (Kysely, SQLite and PostgreSQL alike). The hot paths — sampling inserts,
// lab results and coverage — are batched or grouped: many rows per statement, one grouped query per view.
import { sql, type ExpressionBuilder } from 'kysely';
import { chunks } from '../db/sql.ts';
import type {
  Database,
  Dialect,
  Executor,
  TestingBoxTable,
  TestingCustodyTable,
  TestingNotificationTable,
  TestingPoolTable,
  TestingResultTable,
  TestingRoundAreaTable,
  TestingRoundTable,
  TestingTaskTable,
  TestingTubeMemberTable,
  TestingTubeTable,
  TestingVisitTable,
} from '../db/database.ts';

/** Rows per multi-row insert / ids per IN list: well under both dialects' parameter limits. */
export const CHUNK = 2000;

/** The list cut into pieces of at most CHUNK items (src/db/sql.ts chunks at this store's batch size). */
export function chunksOf<T>(items: readonly T[], size = CHUNK): T[][] {
  return chunks(items, size);
}

export async function insertMany<T extends keyof import('../db/database.ts').Database>(
  ex: Executor,
  table: T,
  rows: readonly object[],
  size = CHUNK,
): Promise<void> {
  for (const part of chunksOf(rows, size))
    if (part.length)
      await ex
        .insertInto(table)
        .values(part as never)
        .execute();
}

// ---- areas and people ---------------------------------------------------------------------------

export interface AreaLite {
  id: string;
  code: string;
  name: string;
  level: string;
  path: string;
  parent_id: string | null;
}

export async function areasByCodes(ex: Executor, codes: string[]): Promise<AreaLite[]> {
  if (!codes.length) return [];
  return ex
    .selectFrom('area')
    .select(['id', 'code', 'name', 'level', 'path', 'parent_id'])
    .where('code', 'in', codes)
    .execute();
}

export async function areaSubtree(ex: Executor, path: string): Promise<AreaLite[]> {
  return ex
    .selectFrom('area')
    .select(['id', 'code', 'name', 'level', 'path', 'parent_id'])
    .where('path', 'like', `${path}%`)
    .execute();
}

export interface PersonLite {
  id: string;
  name: string;
  household_id: string | null;
  area_id: string;
  area_path: string;
}

export async function personsByIds(ex: Executor, ids: string[]): Promise<PersonLite[]> {
  const out: PersonLite[] = [];
  for (const part of chunksOf([...new Set(ids)])) {
    out.push(
      ...(await ex
        .selectFrom('person')
        .innerJoin('area', 'area.id', 'person.area_id')
        .select(['person.id', 'person.name', 'person.household_id', 'person.area_id', 'area.path as area_path'])
        .where('person.id', 'in', part)
        .execute()),
    );
  }
  return out;
}

/** Existence and household of many people (the bulk sampling path: no joins). */
/** The household of each registered person among `ids` (absent: not registered); the ids as one JSON parameter per slice. */
export async function householdsOf(ex: Executor, dialect: Dialect, ids: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const part of chunksOf([...new Set(ids)], RESULT_JSON_SLICE)) {
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

// ---- rounds -------------------------------------------------------------------------------------

export async function roundById(ex: Executor, id: string): Promise<TestingRoundTable | undefined> {
  return ex.selectFrom('testing_round').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function roundAreas(
  ex: Executor,
  roundIds: string[],
): Promise<Array<TestingRoundAreaTable & { code: string; name: string; level: string }>> {
  if (!roundIds.length) return [];
  return ex
    .selectFrom('testing_round_area')
    .innerJoin('area', 'area.id', 'testing_round_area.area_id')
    .select([
      'testing_round_area.round_id',
      'testing_round_area.area_id',
      'testing_round_area.area_path',
      'testing_round_area.control_level',
      'area.code',
      'area.name',
      'area.level',
    ])
    .where('testing_round_area.round_id', 'in', roundIds)
    .orderBy('testing_round_area.area_path')
    .execute();
}

/** Rounds with at least one area inside the scope (or containing it), newest first. */
export async function roundsInScope(
  ex: Executor,
  scopePath: string,
  paging: { limit: number; offset: number },
): Promise<{ rows: TestingRoundTable[]; total: number }> {
  const inScope = (eb: ExpressionBuilder<Database, 'testing_round'>) =>
    eb.exists(
      eb
        .selectFrom('testing_round_area as ra')
        .select(sql`1`.as('one'))
        .whereRef('ra.round_id', '=', 'testing_round.id')
        .where((w) =>
          w.or([
            w('ra.area_path', 'like', `${scopePath}%`),
            w(sql.val(scopePath), 'like', sql<string>`ra.area_path || '%'`),
          ]),
        ),
    );
  const rows = await ex
    .selectFrom('testing_round')
    .selectAll()
    .where(inScope)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  const total = await ex
    .selectFrom('testing_round')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inScope)
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** People registered in the round's areas: the sum over its outermost areas (override sub-areas lie inside them). */
export async function roundTarget(ex: Executor, roundId: string): Promise<number> {
  const areas = await ex.selectFrom('testing_round_area').select('area_path').where('round_id', '=', roundId).execute();
  const top = areas.filter(
    (a) => !areas.some((b) => b.area_path !== a.area_path && a.area_path.startsWith(b.area_path)),
  );
  let n = 0;
  for (const a of top) n += await populationUnder(ex, a.area_path);
  return n;
}

export async function roundCounts(ex: Executor, roundId: string) {
  const people = await sql<{ sampled: number | string; resulted: number | string; negative: number | string }>`
    select count(*) as sampled, coalesce(sum(s.resulted), 0) as resulted, coalesce(sum(s.negative), 0) as negative from (
      select m.person_id,
        max(case when r.tube_id is not null then 1 else 0 end) as resulted,
        max(case when r.result = 'negative' then 1 else 0 end) as negative
      from testing_tube_member m left join testing_result r on r.tube_id = m.tube_id
      where m.round_id = ${roundId} group by m.person_id) s`.execute(ex);
  const tubes = await ex
    .selectFrom('testing_tube')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('round_id', '=', roundId)
    .groupBy('status')
    .execute();
  const pools = await ex
    .selectFrom('testing_pool')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('round_id', '=', roundId)
    .groupBy('status')
    .execute();
  const p = people.rows[0];
  return {
    sampled: Number(p?.sampled ?? 0),
    resulted: Number(p?.resulted ?? 0),
    negative: Number(p?.negative ?? 0),
    tubes: tubes.reduce((a, t) => a + Number(t.n), 0),
    openTubes: Number(tubes.find((t) => t.status === 'open')?.n ?? 0),
    positivePools: pools.reduce((a, t) => a + Number(t.n), 0),
    openPools: pools
      .filter((t) => t.status === 'detected' || t.status === 'reported')
      .reduce((a, t) => a + Number(t.n), 0),
    custodyGaps: Number(
      (
        await ex
          .selectFrom('testing_tube')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('round_id', '=', roundId)
          .where('custody_gap', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
}

// ---- planner ------------------------------------------------------------------------------------

export async function populationUnder(ex: Executor, path: string): Promise<number> {
  const r = await ex
    .selectFrom('person')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('area.path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * What the last rounds say of prevalence: people with a result, positive single tubes (re-tests, home
 * and single samples) and pools still open (each holds at least one positive person not yet found).
 */
export async function prevalenceFigures(
  ex: Executor,
  roundIds: string[],
): Promise<{ resulted: number; positiveSingles: number; openPools: number }> {
  if (!roundIds.length) return { resulted: 0, positiveSingles: 0, openPools: 0 };
  const resulted = await ex
    .selectFrom('testing_tube_member as m')
    .innerJoin('testing_result as r', 'r.tube_id', 'm.tube_id')
    .select((eb) => eb.fn.count<number>('m.person_id').distinct().as('n'))
    .where('m.round_id', 'in', roundIds)
    .executeTakeFirstOrThrow();
  const singles = await ex
    .selectFrom('testing_result as r')
    .innerJoin('testing_tube as t', 't.id', 'r.tube_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('t.round_id', 'in', roundIds)
    .where('r.result', '=', 'positive')
    .where('t.member_count', '=', 1)
    .executeTakeFirstOrThrow();
  const pools = await ex
    .selectFrom('testing_pool')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('round_id', 'in', roundIds)
    .where('status', 'in', ['detected', 'reported'])
    .executeTakeFirstOrThrow();
  return { resulted: Number(resulted.n), positiveSingles: Number(singles.n), openPools: Number(pools.n) };
}

export async function sitesAndTablesUnder(ex: Executor, path: string): Promise<{ sites: number; tables: number }> {
  const sites = await ex
    .selectFrom('testing_site')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('area_path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  const tables = await ex
    .selectFrom('testing_table')
    .innerJoin('testing_site', 'testing_site.id', 'testing_table.site_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('testing_site.area_path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return { sites: Number(sites.n), tables: Number(tables.n) };
}

export async function samplersUnder(ex: Executor, roundId: string, path: string): Promise<number> {
  const r = await ex
    .selectFrom('testing_staff')
    .innerJoin('testing_site', 'testing_site.id', 'testing_staff.site_id')
    .select((eb) => eb.fn.count<number>('testing_staff.user_id').distinct().as('n'))
    .where('testing_staff.round_id', '=', roundId)
    .where('testing_staff.duty', '=', 'sampler')
    .where('testing_site.area_path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- tubes --------------------------------------------------------------------------------------

export type TubeRow = TestingTubeTable;

export async function tubeById(ex: Executor, id: string): Promise<TubeRow | undefined> {
  return ex.selectFrom('testing_tube').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openTubesAtTable(ex: Executor, tableId: string, roundId: string): Promise<TubeRow[]> {
  return ex
    .selectFrom('testing_tube')
    .selectAll()
    .where('table_id', '=', tableId)
    .where('round_id', '=', roundId)
    .where('status', '=', 'open')
    .orderBy('opened_at')
    .orderBy('barcode')
    .limit(200)
    .execute();
}

/** Deletes the tube when it is still open and has no member (guarded against a scan landing meanwhile). */
export async function deleteEmptyOpenTube(ex: Executor, tubeId: string): Promise<boolean> {
  const member = await ex
    .selectFrom('testing_tube_member')
    .select('person_id')
    .where('tube_id', '=', tubeId)
    .limit(1)
    .executeTakeFirst();
  if (member) return false;
  const done = await ex
    .deleteFrom('testing_tube')
    .where('id', '=', tubeId)
    .where('status', '=', 'open')
    .where('member_count', '=', 0)
    .executeTakeFirst();
  return Number(done.numDeletedRows) === 1;
}

export async function tubeByBarcode(ex: Executor, barcode: string): Promise<TubeRow | undefined> {
  return ex.selectFrom('testing_tube').selectAll().where('barcode', '=', barcode).executeTakeFirst();
}

export async function tubesByBarcodes(ex: Executor, barcodes: string[]): Promise<TubeRow[]> {
  const out: TubeRow[] = [];
  for (const part of chunksOf([...new Set(barcodes)]))
    out.push(...(await ex.selectFrom('testing_tube').selectAll().where('barcode', 'in', part).execute()));
  return out;
}

export async function resultsOf(ex: Executor, tubeIds: string[]): Promise<TestingResultTable[]> {
  const out: TestingResultTable[] = [];
  for (const part of chunksOf([...new Set(tubeIds)]))
    out.push(...(await ex.selectFrom('testing_result').selectAll().where('tube_id', 'in', part).execute()));
  return out;
}

export async function poolsOfTubes(ex: Executor, tubeIds: string[]): Promise<Array<{ id: string; tube_id: string }>> {
  if (!tubeIds.length) return [];
  return ex.selectFrom('testing_pool').select(['id', 'tube_id']).where('tube_id', 'in', tubeIds).execute();
}

export async function membersOfTube(
  ex: Executor,
  tubeId: string,
): Promise<Array<TestingTubeMemberTable & { name: string }>> {
  return ex
    .selectFrom('testing_tube_member')
    .innerJoin('person', 'person.id', 'testing_tube_member.person_id')
    .select([
      'testing_tube_member.tube_id',
      'testing_tube_member.person_id',
      'testing_tube_member.round_id',
      'testing_tube_member.household_id',
      'testing_tube_member.sampled_at',
      'person.name',
    ])
    .where('testing_tube_member.tube_id', '=', tubeId)
    .orderBy('testing_tube_member.sampled_at')
    .execute();
}

export async function membersOfTubes(
  ex: Executor,
  tubeIds: string[],
): Promise<Array<{ tube_id: string; person_id: string; sampled_at: number }>> {
  const out: Array<{ tube_id: string; person_id: string; sampled_at: number }> = [];
  for (const part of chunksOf(tubeIds, 1000)) {
    out.push(
      ...(await ex
        .selectFrom('testing_tube_member')
        .select(['tube_id', 'person_id', 'sampled_at'])
        .where('tube_id', 'in', part)
        .execute()),
    );
  }
  return out;
}

// ---- lab results, set-based (the rows travel as one JSON parameter per statement) -----------------

/** Tube results per statement: the JSON of a slice stays a few megabytes. */
export const RESULT_JSON_SLICE = 20_000;

const jsonRows = (dialect: Dialect, data: string) =>
  dialect === 'postgres' ? sql`json_array_elements(${data}::json) as j(value)` : sql`json_each(${data}) as j`;

/** How a column's JSON value becomes its SQL type on PostgreSQL (SQLite takes JSON numbers as they are). */
type JsonCast = 'text' | 'bigint' | 'integer' | 'double precision';

/**
 * Inserts rows as one INSERT … SELECT over a JSON array parameter per slice (bulk sampling, lab
 * results): far fewer statements and parameters than a multi-row VALUES list.
 */
async function insertJsonRows<T extends object>(
  ex: Executor,
  dialect: Dialect,
  table: string,
  columns: ReadonlyArray<readonly [keyof T & string, JsonCast]>,
  rows: readonly T[],
): Promise<void> {
  const names = sql.raw(columns.map(([c]) => c).join(', '));
  const values = sql.raw(
    columns
      .map(([, cast], i) =>
        dialect === 'postgres' && cast !== 'text' ? `(j.value->>${i})::${cast}` : `j.value->>${i}`,
      )
      .join(', '),
  );
  for (const part of chunksOf(rows, RESULT_JSON_SLICE)) {
    const data = JSON.stringify(part.map((r) => columns.map(([c]) => (r as Record<string, unknown>)[c] ?? null)));
    await sql`insert into ${sql.table(table)} (${names}) select ${values} from ${jsonRows(dialect, data)}`.execute(ex);
  }
}

const TUBE_COLUMNS: ReadonlyArray<readonly [keyof TestingTubeTable, JsonCast]> = [
  ['id', 'text'],
  ['round_id', 'text'],
  ['barcode', 'text'],
  ['site_id', 'text'],
  ['table_id', 'text'],
  ['area_id', 'text'],
  ['area_path', 'text'],
  ['mode', 'text'],
  ['capacity', 'integer'],
  ['control_level', 'text'],
  ['status', 'text'],
  ['member_count', 'integer'],
  ['opened_at', 'bigint'],
  ['opened_by', 'text'],
  ['opened_by_name', 'text'],
  ['closed_at', 'bigint'],
  ['closed_by_name', 'text'],
  ['box_id', 'text'],
  ['task_id', 'text'],
  ['rules_version', 'text'],
];

/** Stores closed tubes (bulk sampling). */
export function insertTubes(ex: Executor, dialect: Dialect, rows: readonly TestingTubeTable[]): Promise<void> {
  return insertJsonRows(ex, dialect, 'testing_tube', TUBE_COLUMNS, rows);
}

/** Stores tube members (bulk sampling). */
export function insertTubeMembers(
  ex: Executor,
  dialect: Dialect,
  rows: readonly TestingTubeMemberTable[],
): Promise<void> {
  return insertJsonRows(
    ex,
    dialect,
    'testing_tube_member',
    [
      ['tube_id', 'text'],
      ['person_id', 'text'],
      ['round_id', 'text'],
      ['household_id', 'text'],
      ['sampled_at', 'bigint'],
    ],
    rows,
  );
}

/** Stores lab results. */
export function insertResults(ex: Executor, dialect: Dialect, rows: readonly TestingResultTable[]): Promise<void> {
  return insertJsonRows(
    ex,
    dialect,
    'testing_result',
    [
      ['tube_id', 'text'],
      ['round_id', 'text'],
      ['result', 'text'],
      ['ct_n', 'double precision'],
      ['ct_orf1ab', 'double precision'],
      ['tested_at', 'bigint'],
      ['resulted_at', 'bigint'],
      ['upload_id', 'text'],
    ],
    rows,
  );
}

/**
 * The tubes of these barcodes with the result already stored for each (null when none): the lab
 * upload's check, one statement per slice, the barcodes as one JSON parameter.
 */
export type LabTube = Pick<
  TubeRow,
  'id' | 'round_id' | 'barcode' | 'area_id' | 'area_path' | 'mode' | 'status' | 'member_count' | 'closed_at' | 'task_id'
> & { stored_result: string | null };

export async function labTubes(ex: Executor, dialect: Dialect, barcodes: readonly string[]): Promise<LabTube[]> {
  const out: LabTube[] = [];
  for (const part of chunksOf([...new Set(barcodes)], RESULT_JSON_SLICE)) {
    const codes =
      dialect === 'postgres'
        ? sql`json_array_elements_text(${JSON.stringify(part)}::json) as j(value)`
        : sql`json_each(${JSON.stringify(part)}) as j`;
    // Only the columns the check and the apply read: half the row, a third less time at 100,000 tubes.
    const rows =
      await sql<LabTube>`select t.id, t.round_id, t.barcode, t.area_id, t.area_path, t.mode, t.status, t.member_count, t.closed_at, t.task_id,
      r.result as stored_result
      from ${codes} join testing_tube t on t.barcode = j.value left join testing_result r on r.tube_id = t.id`.execute(
        ex,
      );
    out.push(...rows.rows);
  }
  return out;
}

/** Sets tubes resulted: one UPDATE per slice of ids. */
export async function markResulted(ex: Executor, dialect: Dialect, tubeIds: readonly string[]): Promise<void> {
  for (const part of chunksOf(tubeIds, RESULT_JSON_SLICE)) {
    const ids =
      dialect === 'postgres'
        ? sql`select json_array_elements_text(${JSON.stringify(part)}::json)`
        : sql`select value from json_each(${JSON.stringify(part)})`;
    // A result accepted before the chain box → transport → received was complete keeps the step reached.
    await sql`update testing_tube set custody_gap = case when status = 'received' then null else status end, status = 'resulted' where id in (${ids})`.execute(
      ex,
    );
  }
}

export interface ResultedTube {
  tubeId: string;
  result: string;
  pooled: boolean;
  ctN: number | null;
  ctOrf1ab: number | null;
}

/**
 * The members of resulted tubes as test results (the health port's TestRowSource): person_id,
 * source_id (the tube), sampled_at, result, pooled, ct_n, ct_orf1ab — a query over the members table
 * joined to the tubes given as one JSON parameter, read by the health statements where it lies.
 */
type MemberResult = {
  person_id: string;
  source_id: string;
  sampled_at: number;
  result: string;
  pooled: number;
  ct_n: number | null;
  ct_orf1ab: number | null;
};

export function resultMembersSource(dialect: Dialect, tubes: readonly ResultedTube[]) {
  const data = JSON.stringify(tubes.map((t) => [t.tubeId, t.result, t.pooled ? 1 : 0, t.ctN, t.ctOrf1ab]));
  if (dialect === 'postgres') {
    return sql<MemberResult>`select m.person_id, j.value->>0 as source_id, m.sampled_at, j.value->>1 as result,
      (j.value->>2)::integer as pooled, (j.value->>3)::double precision as ct_n, (j.value->>4)::double precision as ct_orf1ab
      from ${jsonRows(dialect, data)} join testing_tube_member m on m.tube_id = j.value->>0`;
  }
  return sql<MemberResult>`select m.person_id, j.value->>0 as source_id, m.sampled_at, j.value->>1 as result,
    j.value->>2 as pooled, j.value->>3 as ct_n, j.value->>4 as ct_orf1ab
    from ${jsonRows(dialect, data)} join testing_tube_member m on m.tube_id = j.value->>0`;
}

/** Open tubes of the round already holding any of these people: person → barcode. */
export async function openTubesOf(
  ex: Executor,
  roundId: string,
  personIds: string[],
  exceptTubeId?: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunksOf([...new Set(personIds)])) {
    let q = ex
      .selectFrom('testing_tube_member')
      .innerJoin('testing_tube', 'testing_tube.id', 'testing_tube_member.tube_id')
      .select(['testing_tube_member.person_id', 'testing_tube.barcode'])
      .where('testing_tube_member.round_id', '=', roundId)
      .where('testing_tube_member.person_id', 'in', part)
      .where('testing_tube.status', '=', 'open');
    if (exceptTubeId) q = q.where('testing_tube.id', '<>', exceptTubeId);
    for (const r of await q.execute()) out.set(r.person_id, r.barcode);
  }
  return out;
}

/** Every person in an open tube of the round: person → barcode (open tubes are few at any moment). */
export async function openTubeMembersOfRound(ex: Executor, roundId: string): Promise<Map<string, string>> {
  const rows = await ex
    .selectFrom('testing_tube')
    .innerJoin('testing_tube_member', 'testing_tube_member.tube_id', 'testing_tube.id')
    .select(['testing_tube_member.person_id', 'testing_tube.barcode'])
    .where('testing_tube.round_id', '=', roundId)
    .where('testing_tube.status', '=', 'open')
    .execute();
  return new Map(rows.map((r) => [r.person_id, r.barcode]));
}

export async function tubeHouseholds(ex: Executor, tubeId: string): Promise<Array<string | null>> {
  const rows = await ex
    .selectFrom('testing_tube_member')
    .select('household_id')
    .where('tube_id', '=', tubeId)
    .limit(1)
    .execute();
  return rows.map((r) => r.household_id);
}

export async function isMember(ex: Executor, tubeId: string, personId: string): Promise<boolean> {
  return !!(await ex
    .selectFrom('testing_tube_member')
    .select('person_id')
    .where('tube_id', '=', tubeId)
    .where('person_id', '=', personId)
    .executeTakeFirst());
}

export async function barcodeTaken(ex: Executor, barcodes: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunksOf([...new Set(barcodes)])) {
    for (const r of await ex.selectFrom('testing_tube').select('barcode').where('barcode', 'in', part).execute())
      out.add(r.barcode);
  }
  return out;
}

export async function custodyOfTube(ex: Executor, tube: TubeRow): Promise<TestingCustodyTable[]> {
  let q = ex.selectFrom('testing_custody').selectAll().where('tube_id', '=', tube.id);
  if (tube.box_id)
    q = ex
      .selectFrom('testing_custody')
      .selectAll()
      .where((eb) =>
        eb.or([eb('tube_id', '=', tube.id), eb.and([eb('box_id', '=', tube.box_id!), eb('tube_id', 'is', null)])]),
      );
  return q.orderBy('at').orderBy('id').execute();
}

// ---- sites, tables, staff -----------------------------------------------------------------------

/** A sampling site's id, kind and area (other domains link to a site: a quarantine site samples at one). */
export async function testingSiteById(
  ex: Executor,
  id: string,
): Promise<{ id: string; kind: string; area_path: string } | undefined> {
  return ex.selectFrom('testing_site').select(['id', 'kind', 'area_path']).where('id', '=', id).executeTakeFirst();
}

export async function tableWithSite(ex: Executor, tableId: string) {
  return ex
    .selectFrom('testing_table')
    .innerJoin('testing_site', 'testing_site.id', 'testing_table.site_id')
    .select([
      'testing_table.id as table_id',
      'testing_table.name as table_name',
      'testing_site.id as site_id',
      'testing_site.name as site_name',
      'testing_site.area_id',
      'testing_site.area_path',
      'testing_site.kind',
    ])
    .where('testing_table.id', '=', tableId)
    .executeTakeFirst();
}

export async function sitesUnder(ex: Executor, path: string, paging: { limit: number; offset: number }) {
  const rows = await ex
    .selectFrom('testing_site')
    .innerJoin('area', 'area.id', 'testing_site.area_id')
    .select([
      'testing_site.id',
      'testing_site.area_id',
      'area.name as area_name',
      'testing_site.name',
      'testing_site.address',
      'testing_site.kind',
    ])
    .where('testing_site.area_path', 'like', `${path}%`)
    .orderBy('testing_site.area_path')
    .orderBy('testing_site.name')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  const total = await ex
    .selectFrom('testing_site')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('area_path', 'like', `${path}%`)
    .executeTakeFirstOrThrow();
  const tables = rows.length
    ? await ex
        .selectFrom('testing_table')
        .select(['id', 'site_id', 'name'])
        .where(
          'site_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('name')
        .execute()
    : [];
  return { rows, tables, total: Number(total.n) };
}

export interface StaffCandidateRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  area_id: string;
  area_name: string;
}

/**
 * Enabled accounts of the given roles whose area lies in the subtree, by username or display-name prefix
 * (the prefix's own LIKE wildcards escaped), names first.
 */
export async function staffCandidates(
  ex: Executor,
  path: string,
  roles: readonly string[],
  q: string,
  limit: number,
): Promise<StaffCandidateRow[]> {
  const like = (v: string) => `${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  let query = ex
    .selectFrom('app_user')
    .innerJoin('area', 'area.id', 'app_user.area_id')
    .select([
      'app_user.id',
      'app_user.username',
      'app_user.display_name',
      'app_user.role',
      'app_user.area_id',
      'area.name as area_name',
    ])
    .where('area.path', 'like', `${path}%`)
    .where('app_user.disabled', '=', 0)
    .where('app_user.role', 'in', [...roles]);
  if (q) {
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(app_user.username) like ${like(q.toLowerCase())} escape '\\'`,
        sql<boolean>`lower(app_user.display_name) like ${like(q.toLowerCase())} escape '\\'`,
      ]),
    );
  }
  return query.orderBy('app_user.display_name').orderBy('app_user.username').limit(limit).execute();
}

export async function staffDutiesOf(ex: Executor, roundId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!userIds.length) return out;
  for (const r of await ex
    .selectFrom('testing_staff')
    .select(['user_id', 'duty'])
    .where('round_id', '=', roundId)
    .where('user_id', 'in', userIds)
    .orderBy('created_at')
    .execute()) {
    const list = out.get(r.user_id) ?? [];
    if (!list.includes(r.duty)) list.push(r.duty);
    out.set(r.user_id, list);
  }
  return out;
}

// ---- boxes --------------------------------------------------------------------------------------

export async function boxById(ex: Executor, id: string): Promise<TestingBoxTable | undefined> {
  return ex.selectFrom('testing_box').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- pools and tasks ----------------------------------------------------------------------------

export async function poolById(ex: Executor, id: string): Promise<TestingPoolTable | undefined> {
  return ex.selectFrom('testing_pool').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The condition "a reader under `path` may read this pool" on testing_pool: it was sampled in their
 * area, or one of its members lives there.
 */
export function poolReadableBy(path: string) {
  return (eb: ExpressionBuilder<Database, 'testing_pool'>) =>
    eb.or([
      eb('testing_pool.area_path', 'like', `${path}%`),
      eb.exists(
        eb
          .selectFrom('testing_tube_member')
          .innerJoin('person', 'person.id', 'testing_tube_member.person_id')
          .innerJoin('area', 'area.id', 'person.area_id')
          .select(sql<number>`1`.as('one'))
          .whereRef('testing_tube_member.tube_id', '=', 'testing_pool.tube_id')
          .where('area.path', 'like', `${path}%`),
      ),
    ]);
}

/** True when one of the tube's members lives under `path`. */
export async function hasMemberWithin(ex: Executor, tubeId: string, path: string): Promise<boolean> {
  const row = await ex
    .selectFrom('testing_tube_member')
    .innerJoin('person', 'person.id', 'testing_tube_member.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select('testing_tube_member.person_id')
    .where('testing_tube_member.tube_id', '=', tubeId)
    .where('area.path', 'like', `${path}%`)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/** By tube: how many of its members live outside `path` (tubes with none are absent). */
export async function membersOutside(ex: Executor, tubeIds: string[], path: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunksOf(tubeIds)) {
    const rows = await ex
      .selectFrom('testing_tube_member')
      .innerJoin('person', 'person.id', 'testing_tube_member.person_id')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select(['testing_tube_member.tube_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('testing_tube_member.tube_id', 'in', part)
      .where('area.path', 'not like', `${path}%`)
      .groupBy('testing_tube_member.tube_id')
      .execute();
    for (const r of rows) out.set(r.tube_id, Number(r.n));
  }
  return out;
}

/** A pool's notifications, each with the path of the area it went to (null: the squad, the police). */
export async function poolNotifications(ex: Executor, poolId: string) {
  return ex
    .selectFrom('testing_notification')
    .leftJoin('area', 'area.id', 'testing_notification.area_id')
    .selectAll('testing_notification')
    .select('area.path as area_path')
    .where('testing_notification.pool_id', '=', poolId)
    .orderBy('testing_notification.kind')
    .execute();
}

/** How many of the box's tubes were sampled outside `path`. */
export async function boxTubesOutside(ex: Executor, boxId: string, path: string): Promise<number> {
  const row = await ex
    .selectFrom('testing_tube')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('box_id', '=', boxId)
    .where('area_path', 'not like', `${path}%`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function taskCounts(ex: Executor, poolIds: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  if (!poolIds.length) return out;
  const rows = await ex
    .selectFrom('testing_task')
    .select(['pool_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('pool_id', 'in', poolIds)
    .groupBy(['pool_id', 'status'])
    .execute();
  for (const r of rows) {
    const m = out.get(r.pool_id!) ?? {};
    m[r.status] = Number(r.n);
    out.set(r.pool_id!, m);
  }
  return out;
}

export async function taskStatusesOfPools(ex: Executor, poolIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunksOf(poolIds, 1000)) {
    for (const r of await ex
      .selectFrom('testing_task')
      .select(['pool_id', 'status'])
      .where('pool_id', 'in', part)
      .execute()) {
      out.set(r.pool_id!, [...(out.get(r.pool_id!) ?? []), r.status]);
    }
  }
  return out;
}

export async function tasksByIds(ex: Executor, ids: string[]): Promise<TestingTaskTable[]> {
  const out: TestingTaskTable[] = [];
  for (const part of chunksOf([...new Set(ids)]))
    out.push(...(await ex.selectFrom('testing_task').selectAll().where('id', 'in', part).execute()));
  return out;
}

export async function insertPools(ex: Executor, rows: TestingPoolTable[]): Promise<void> {
  await insertMany(ex, 'testing_pool', rows);
}
export async function insertNotifications(ex: Executor, rows: TestingNotificationTable[]): Promise<void> {
  await insertMany(ex, 'testing_notification', rows);
}
export async function insertTasks(ex: Executor, rows: TestingTaskTable[]): Promise<void> {
  await insertMany(ex, 'testing_task', rows);
}
export async function insertVisit(ex: Executor, row: TestingVisitTable): Promise<void> {
  await ex.insertInto('testing_visit').values(row).execute();
}

// ---- coverage -----------------------------------------------------------------------------------

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
  const r = await sql<{ pool_id: string; path: string; building_id: string | null }>`
    select distinct pl.id as pool_id, a.path, ${building} as building_id from testing_pool pl
    join testing_tube_member m on m.tube_id = pl.tube_id
    join person p on p.id = m.person_id
    join area a on a.id = p.area_id
    ${joinHousehold}
    where pl.round_id = ${roundId} and a.path like ${`${path}%`}`.execute(ex);
  return r.rows.map((x) => ({ poolId: x.pool_id, areaPath: x.path, buildingId: x.building_id }));
}

export async function unsampledInBuilding(ex: Executor, roundId: string, buildingId: string) {
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

export async function peopleInBuilding(ex: Executor, buildingId: string): Promise<number> {
  const r = await ex
    .selectFrom('person')
    .innerJoin('household', 'household.id', 'person.household_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('household.building_id', '=', buildingId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
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

export type { TestingBoxTable, TestingPoolTable, TestingTaskTable, TestingTubeTable, TestingResultTable };

// ---- rounds as risk areas read them -------------------------------------------------------------

/** Closed rounds one of whose areas covers the path (contains it or is it). */
export async function closedRoundsCovering(
  ex: Executor,
  areaPath: string,
): Promise<Array<{ id: string; closed_at: number }>> {
  const rows = await ex
    .selectFrom('testing_round as r')
    .select(['r.id', 'r.closed_at'])
    .where('r.closed_at', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('testing_round_area as ra')
          .select('ra.round_id')
          .whereRef('ra.round_id', '=', 'r.id')
          .where(sql<boolean>`${areaPath} like ${sql.ref('ra.area_path')} || '%'`),
      ),
    )
    .execute();
  return rows.map((r) => ({ id: r.id, closed_at: Number(r.closed_at) }));
}

/**
 * The round's tubes sampled in a subtree (by area path) or holding a member of one of the households
 * (a building), each with its result and its pool's status.
 */
export async function roundTubeOutcomes(
  ex: Executor,
  roundId: string,
  where: { areaPath: string } | { householdIds: readonly string[] },
) {
  let tubes = ex
    .selectFrom('testing_tube as t')
    .leftJoin('testing_result as res', 'res.tube_id', 't.id')
    .leftJoin('testing_pool as p', 'p.tube_id', 't.id')
    .select(['t.id', 'res.result', 'res.resulted_at', 'p.status as pool_status'])
    .where('t.round_id', '=', roundId);
  if ('householdIds' in where) {
    if (where.householdIds.length === 0) return [];
    const ids = [...where.householdIds];
    tubes = tubes.where((eb) =>
      eb.exists(
        eb
          .selectFrom('testing_tube_member as m')
          .select('m.tube_id')
          .whereRef('m.tube_id', '=', 't.id')
          .where('m.household_id', 'in', ids),
      ),
    );
  } else {
    tubes = tubes.where('t.area_path', 'like', `${where.areaPath}%`);
  }
  return tubes.execute();
}

// ---- idempotent operations ----------------------------------------------------------------------

/** The stored outcome of a user's operation by its client id. */
export async function storedOutcome(
  ex: Executor,
  userId: string,
  clientId: string,
): Promise<{ op_type: string; outcome: string } | undefined> {
  return ex
    .selectFrom('testing_sync_op')
    .select(['op_type', 'outcome'])
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

export async function insertOutcome(
  ex: Executor,
  row: { user_id: string; client_id: string; op_type: string; outcome: string; at: number },
): Promise<void> {
  await ex.insertInto('testing_sync_op').values(row).execute();
}

// ---- one tube at a table (the online and offline sampling path) ---------------------------------

export async function insertTube(ex: Executor, row: TestingTubeTable): Promise<void> {
  await ex.insertInto('testing_tube').values(row).execute();
}

export async function insertTubeMember(ex: Executor, row: TestingTubeMemberTable): Promise<void> {
  await ex.insertInto('testing_tube_member').values(row).execute();
}

/** One more member in an open tube, guarded: two devices adding at once cannot overfill it. False: full or no longer open. */
export async function growOpenTube(ex: Executor, tubeId: string, capacity: number): Promise<boolean> {
  const grew = await ex
    .updateTable('testing_tube')
    .set((eb) => ({ member_count: eb('member_count', '+', 1) }))
    .where('id', '=', tubeId)
    .where('status', '=', 'open')
    .where('member_count', '<', capacity)
    .executeTakeFirst();
  return Number(grew.numUpdatedRows) > 0;
}

/** False when the person was not in the tube. */
export async function deleteTubeMember(ex: Executor, tubeId: string, personId: string): Promise<boolean> {
  const done = await ex
    .deleteFrom('testing_tube_member')
    .where('tube_id', '=', tubeId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(done.numDeletedRows) > 0;
}

export async function shrinkTube(ex: Executor, tubeId: string): Promise<void> {
  await ex
    .updateTable('testing_tube')
    .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
    .where('id', '=', tubeId)
    .execute();
}

export async function closeOpenTube(
  ex: Executor,
  tubeId: string,
  closedAt: number,
  closedByName: string,
): Promise<void> {
  await ex
    .updateTable('testing_tube')
    .set({ status: 'closed', closed_at: closedAt, closed_by_name: closedByName })
    .where('id', '=', tubeId)
    .where('status', '=', 'open')
    .execute();
}
