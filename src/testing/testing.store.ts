// All SQL of testing rounds (Kysely, SQLite and PostgreSQL alike). The hot paths — sampling inserts,
// lab results and coverage — are batched or grouped: many rows per statement, one grouped query per view.
import { sql, type ExpressionBuilder } from 'kysely';
import { areasByIds, chunks } from '../db/sql.ts';
import type {
  Database,
  Dialect,
  Executor,
  TestingBoxTable,
  TestingCustodyTable,
  TestingPoolTable,
  TestingResultTable,
  TestingRoundAreaTable,
  TestingRoundTable,
  TestingTaskTable,
  TestingTubeMemberTable,
  TestingTubeTable,
  Tx,
} from '../db/database.ts';
import type { ObjectLabel } from '../registry/registry.store.ts';

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

// ---- rounds -------------------------------------------------------------------------------------

/** Mass-testing rounds by name (the audit log's labels). */
export async function labelsForTestingRounds(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  const out: ObjectLabel[] = [];
  for (const part of chunks([...new Set(ids)]))
    for (const r of await ex.selectFrom('testing_round').select(['id', 'name']).where('id', 'in', part).execute())
      out.push({ id: r.id, label: r.name });
  return out;
}

export async function roundById(ex: Executor, id: string): Promise<TestingRoundTable | undefined> {
  return ex.selectFrom('testing_round').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function roundAreas(
  ex: Executor,
  roundIds: string[],
): Promise<Array<TestingRoundAreaTable & { code: string; name: string; level: string }>> {
  if (!roundIds.length) return [];
  const rows = await ex
    .selectFrom('testing_round_area')
    .select(['round_id', 'area_id', 'area_path', 'control_level'])
    .where('round_id', 'in', roundIds)
    .orderBy('area_path')
    .execute();
  const areas = new Map(
    (
      await areasByIds(
        ex,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a]),
  );
  return rows
    .filter((r) => areas.has(r.area_id))
    .map((r) => {
      const a = areas.get(r.area_id)!;
      return { ...r, code: a.code, name: a.name, level: a.level };
    });
}

/** Stores a new round with its areas. */
export async function insertRoundTx(
  trx: Tx,
  row: TestingRoundTable,
  areas: ReadonlyArray<Omit<TestingRoundAreaTable, 'round_id'>>,
): Promise<void> {
  await trx.insertInto('testing_round').values(row).execute();
  await trx
    .insertInto('testing_round_area')
    .values(areas.map((a) => ({ round_id: row.id, ...a })))
    .execute();
}

export async function updateRound(ex: Executor, id: string, changes: Partial<TestingRoundTable>): Promise<void> {
  await ex.updateTable('testing_round').set(changes).where('id', '=', id).execute();
}

/** Each area's control level in the round; an area the round did not have is added. */
export async function setRoundAreasTx(
  trx: Tx,
  roundId: string,
  areas: ReadonlyArray<Omit<TestingRoundAreaTable, 'round_id'>>,
): Promise<void> {
  for (const a of areas) {
    const done = await trx
      .updateTable('testing_round_area')
      .set({ control_level: a.control_level })
      .where('round_id', '=', roundId)
      .where('area_id', '=', a.area_id)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0)
      await trx
        .insertInto('testing_round_area')
        .values({ round_id: roundId, ...a })
        .execute();
  }
}

export async function closeRoundAt(ex: Executor, id: string, now: number): Promise<void> {
  await ex.updateTable('testing_round').set({ closed_at: now, updated_at: now }).where('id', '=', id).execute();
}

/** How many rounds there are (the demo numbers its barcodes by it). */
export async function roundCount(ex: Executor): Promise<number> {
  const row = await ex
    .selectFrom('testing_round')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Those of the rounds that report their positive pools on upload. */
export async function autoReportingRounds(ex: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await ex
    .selectFrom('testing_round')
    .select(['id', 'auto_report'])
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.filter((r) => r.auto_report === 1).map((r) => r.id));
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

/** The areas of the rounds taking samples at the instant (begun, not closed), latest round first. */
export async function samplingRoundAreas(
  ex: Executor,
  now: number,
): Promise<Array<{ round_id: string; area_path: string }>> {
  return ex
    .selectFrom('testing_round as r')
    .innerJoin('testing_round_area as ra', 'ra.round_id', 'r.id')
    .select(['r.id as round_id', 'ra.area_path'])
    .where('r.starts_at', '<=', now)
    .where('r.closed_at', 'is', null)
    .orderBy('r.starts_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/** The paths of the round's areas. */
export async function roundAreaPaths(ex: Executor, roundId: string): Promise<string[]> {
  const areas = await ex.selectFrom('testing_round_area').select('area_path').where('round_id', '=', roundId).execute();
  return areas.map((a) => a.area_path);
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

/** The barcodes of the tubes: tube id → barcode. */
export async function barcodesOf(ex: Executor, tubeIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunksOf([...new Set(tubeIds)]))
    for (const t of await ex.selectFrom('testing_tube').select(['id', 'barcode']).where('id', 'in', part).execute())
      out.set(t.id, t.barcode);
  return out;
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

/** The tube's members in the order they were sampled. */
export async function membersOfTube(ex: Executor, tubeId: string): Promise<TestingTubeMemberTable[]> {
  return ex.selectFrom('testing_tube_member').selectAll().where('tube_id', '=', tubeId).orderBy('sampled_at').execute();
}

/** When each of these people was sampled into a tube since the instant (result or not yet). */
export async function samplingsOf(
  ex: Executor,
  personIds: readonly string[],
  since: number,
): Promise<Array<{ person_id: string; sampled_at: number }>> {
  const out: Array<{ person_id: string; sampled_at: number }> = [];
  if (!personIds.length) return out;
  // A sample is taken while its round is not closed: only rounds open since then hold one (the members'
  // index leads with the round).
  const rounds = (
    await ex
      .selectFrom('testing_round')
      .select('id')
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', since)]))
      .execute()
  ).map((r) => r.id);
  if (!rounds.length) return out;
  for (const part of chunksOf([...new Set(personIds)]))
    out.push(
      ...(await ex
        .selectFrom('testing_tube_member')
        .select(['person_id', 'sampled_at'])
        .where('round_id', 'in', rounds)
        .where('person_id', 'in', part)
        .where('sampled_at', '>=', since)
        .execute()),
    );
  return out.map((r) => ({ person_id: r.person_id, sampled_at: Number(r.sampled_at) }));
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
