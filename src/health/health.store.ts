// All SQL of the health domain. Batches are cut so that one statement stays under both dialects'
// bound-parameter limits (SQLite 32766, PostgreSQL 65535).
import { sql, type RawBuilder } from 'kysely';
import type {
  Dialect,
  Executor,
  HealthAppealTable,
  HealthApprovalTable,
  HealthColourHistoryTable,
  HealthFactTable,
  HealthOverrideTable,
  HealthStatusTable,
  HealthTestTable,
} from '../db/database.ts';
import { chunks } from '../db/sql.ts';
import { readSetting, writeSetting } from '../rules/ruleset.store.ts';

const MAX_PARAMS = 30_000;

/** Rows per insert for a table of `columns` columns. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(MAX_PARAMS / columns));
}

export const ID_CHUNK = 5_000;

// ---- facts -----------------------------------------------------------------------------------

export async function upsertFacts(ex: Executor, rows: HealthFactTable[]): Promise<void> {
  for (const part of chunks(rows, rowsPerInsert(13))) {
    await ex
      .insertInto('health_fact')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['person_id', 'kind', 'source_type', 'source_id']).doUpdateSet((eb) => ({
          since: eb.ref('excluded.since'),
          until: eb.ref('excluded.until'),
          detail: eb.ref('excluded.detail'),
          source_group: eb.ref('excluded.source_group'),
          ended_at: null,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

export interface FactSelection {
  sourceType: string;
  sourceId: string;
  personIds?: string[];
  kind?: string;
}

/** Facts of the selection still in force (not withdrawn). */
export async function openFactsOf(
  ex: Executor,
  where: FactSelection,
): Promise<Array<Pick<HealthFactTable, 'id' | 'person_id' | 'until'>>> {
  const base = () => {
    let q = ex
      .selectFrom('health_fact')
      .select(['id', 'person_id', 'until'])
      .where('source_type', '=', where.sourceType)
      .where('source_id', '=', where.sourceId)
      .where('ended_at', 'is', null);
    if (where.kind) q = q.where('kind', '=', where.kind);
    return q;
  };
  if (!where.personIds) return base().execute();
  const out: Array<Pick<HealthFactTable, 'id' | 'person_id' | 'until'>> = [];
  for (const part of chunks(where.personIds, ID_CHUNK)) {
    if (part.length) out.push(...(await base().where('person_id', 'in', part).execute()));
  }
  return out;
}

/** Withdraws facts: they stop holding at `at` (or earlier when they already ended before). */
export async function endFactRows(ex: Executor, ids: string[], at: number): Promise<void> {
  for (const part of chunks(ids, ID_CHUNK)) {
    await ex
      .updateTable('health_fact')
      .set((eb) => ({
        ended_at: at,
        updated_at: at,
        until: eb.case().when('until', 'is', null).then(at).when('until', '>', at).then(at).else(eb.ref('until')).end(),
      }))
      .where('id', 'in', part)
      .execute();
  }
}

/** Facts not withdrawn of a group (the contacts of a case), and of the case itself. */
export async function openFactsOfGroup(ex: Executor, group: string): Promise<HealthFactTable[]> {
  return ex
    .selectFrom('health_fact')
    .selectAll()
    .where('source_group', '=', group)
    .where('ended_at', 'is', null)
    .execute();
}

/** Facts that may still give a colour at `now` for these people. */
export async function liveFactsOf(ex: Executor, personIds: string[], now: number): Promise<HealthFactTable[]> {
  const out: HealthFactTable[] = [];
  for (const part of chunks(personIds, ID_CHUNK)) {
    if (!part.length) continue;
    out.push(
      ...(await ex
        .selectFrom('health_fact')
        .selectAll()
        .where('person_id', 'in', part)
        .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', now)]))
        .execute()),
    );
  }
  return out;
}

/** Of these people, those with a fact that may still give a colour. */
export async function peopleWithLiveFacts(ex: Executor, personIds: string[], now: number): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(personIds, ID_CHUNK)) {
    if (!part.length) continue;
    const rows = await ex
      .selectFrom('health_fact')
      .select('person_id')
      .distinct()
      .where('person_id', 'in', part)
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', now)]))
      .execute();
    for (const r of rows) out.push(r.person_id);
  }
  return out;
}

export async function factsOfPerson(ex: Executor, personId: string): Promise<HealthFactTable[]> {
  return ex.selectFrom('health_fact').selectAll().where('person_id', '=', personId).orderBy('since', 'desc').execute();
}

// ---- tests -----------------------------------------------------------------------------------

/**
 * Inserts or updates test results. The rows travel as one JSON parameter per slice (json_each /
 * json_to_recordset): a lab upload of a million results is a few statements, not a million binds.
 */
export async function upsertTests(ex: Executor, dialect: Dialect, rows: HealthTestTable[]): Promise<void> {
  for (const part of chunks(rows, JSON_SLICE)) {
    const data = JSON.stringify(
      part.map((r) => [
        r.person_id,
        r.source_type,
        r.source_id,
        r.sampled_at,
        r.reported_at,
        r.result,
        r.pooled,
        r.ct_n,
        r.ct_orf1ab,
        r.created_at,
      ]),
    );
    const update = sql`do update set sampled_at = excluded.sampled_at, reported_at = excluded.reported_at, result = excluded.result,
      pooled = excluded.pooled, ct_n = excluded.ct_n, ct_orf1ab = excluded.ct_orf1ab`;
    if (dialect === 'postgres') {
      await sql`insert into health_test (person_id, source_type, source_id, sampled_at, reported_at, result, pooled, ct_n, ct_orf1ab, created_at)
        select x->>0, x->>1, x->>2, (x->>3)::bigint, (x->>4)::bigint, x->>5, (x->>6)::integer, (x->>7)::double precision, (x->>8)::double precision, (x->>9)::bigint
        from json_array_elements(${data}::json) as x
        on conflict (person_id, source_id) ${update}`.execute(ex);
    } else {
      await sql`insert into health_test (person_id, source_type, source_id, sampled_at, reported_at, result, pooled, ct_n, ct_orf1ab, created_at)
        select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9
        from json_each(${data}) where true
        on conflict (person_id, source_id) ${update}`.execute(ex);
    }
  }
}

const JSON_SLICE = 20_000;

/**
 * Test results given as a query of the calling domain (its own SQL, e.g. the members of a lab upload's
 * negative tubes), with the columns person_id, source_id (the tube), sampled_at, result, pooled (0/1),
 * ct_n, ct_orf1ab — every one typed as stored (PostgreSQL casts included). The rows never travel
 * through JavaScript: the statements below read the query where it lies.
 */
export type TestRowSource = RawBuilder<{
  person_id: string;
  source_id: string;
  sampled_at: number;
  result: string;
  pooled: number;
  ct_n: number | null;
  ct_orf1ab: number | null;
}>;

/** upsertTests for the rows of a query (source_type tube): one statement; the number of rows written. */
export async function upsertTestsFrom(
  ex: Executor,
  dialect: Dialect,
  source: TestRowSource,
  reportedAt: number,
  createdAt: number,
): Promise<number> {
  const t = dialect === 'postgres' ? sql`::bigint` : sql``;
  const r =
    await sql`insert into health_test (person_id, source_type, source_id, sampled_at, reported_at, result, pooled, ct_n, ct_orf1ab, created_at)
    select x.person_id, 'tube', x.source_id, x.sampled_at, ${reportedAt}${t}, x.result, x.pooled, x.ct_n, x.ct_orf1ab, ${createdAt}${t}
    from (${source}) as x where true
    on conflict (person_id, source_id) do update set sampled_at = excluded.sampled_at, reported_at = excluded.reported_at, result = excluded.result,
      pooled = excluded.pooled, ct_n = excluded.ct_n, ct_orf1ab = excluded.ct_orf1ab`.execute(ex);
  return Number(r.numAffectedRows ?? 0n);
}

/** The health status columns a test result writes (a status row made for it is green with no reasons). */
const STATUS_TEST_COLUMNS = sql`(person_id, colour, reasons, ruleset_id, ruleset_version, computed_at, changed_at, test_source_id, test_sampled_at, test_reported_at, test_result, test_pooled)`;
/** A person's latest test replaces the stored one only when sampled no earlier. */
const LATEST_TEST_UPDATE = sql`do update set test_source_id = excluded.test_source_id, test_sampled_at = excluded.test_sampled_at,
  test_reported_at = excluded.test_reported_at, test_result = excluded.test_result, test_pooled = excluded.test_pooled
  where health_status.test_sampled_at is null or health_status.test_sampled_at <= excluded.test_sampled_at`;

/**
 * upsertLatestTests for the rows of a query: each person's latest sample (by sampling time) goes on the
 * status row, a green row created for a person with none. SQLite applies the rows in order, so of one
 * person's several rows the latest wins by the same "not earlier than the stored one" condition;
 * PostgreSQL cannot touch a row twice in one statement, so it keeps each person's latest first.
 */
export async function upsertLatestTestsFrom(
  ex: Executor,
  dialect: Dialect,
  source: TestRowSource,
  at: { reportedAt: number; now: number; rulesetId: string; rulesetVersion: string },
): Promise<void> {
  if (dialect === 'postgres') {
    await sql`insert into health_status ${STATUS_TEST_COLUMNS}
      select distinct on (x.person_id) x.person_id, 'green', '[]', ${at.rulesetId}::text, ${at.rulesetVersion}::text, ${at.now}::bigint, ${at.now}::bigint,
        x.source_id, x.sampled_at, ${at.reportedAt}::bigint, x.result, x.pooled
      from (${source}) as x order by x.person_id, x.sampled_at desc, x.source_id desc
      on conflict (person_id) ${LATEST_TEST_UPDATE}`.execute(ex);
  } else {
    await sql`insert into health_status ${STATUS_TEST_COLUMNS}
      select x.person_id, 'green', '[]', ${at.rulesetId}, ${at.rulesetVersion}, ${at.now}, ${at.now}, x.source_id, x.sampled_at, ${at.reportedAt}, x.result, x.pooled
      from (${source}) as x where true
      on conflict (person_id) ${LATEST_TEST_UPDATE}`.execute(ex);
  }
}

/** Of the people of a query's rows, those with a fact that may still give a colour at `now`. */
export async function peopleWithLiveFactsFrom(
  ex: Executor,
  dialect: Dialect,
  source: TestRowSource,
  now: number,
): Promise<string[]> {
  const t = dialect === 'postgres' ? sql`::bigint` : sql``;
  // Driven by the source, each of its people one probe of the facts' person index (measured: about twice
  // as fast in SQLite as materialising the source for an IN list).
  const rows = await sql<{ person_id: string }>`select distinct x.person_id from (${source}) as x
    join health_fact f on f.person_id = x.person_id where f.until is null or f.until > ${now}${t}`.execute(ex);
  return rows.rows.map((r) => r.person_id);
}

export async function negativeTestsOf(
  ex: Executor,
  personIds: string[],
): Promise<Array<Pick<HealthTestTable, 'person_id' | 'sampled_at' | 'reported_at'>>> {
  const out: Array<Pick<HealthTestTable, 'person_id' | 'sampled_at' | 'reported_at'>> = [];
  for (const part of chunks(personIds, ID_CHUNK)) {
    if (!part.length) continue;
    out.push(
      ...(await ex
        .selectFrom('health_test')
        .select(['person_id', 'sampled_at', 'reported_at'])
        .where('person_id', 'in', part)
        .where('result', '=', 'negative')
        .execute()),
    );
  }
  return out;
}

/** When each of these people was sampled since the instant (any result): a quarantine schedule's test days. */
export async function samplingsOf(
  ex: Executor,
  personIds: readonly string[],
  since: number,
): Promise<Array<{ person_id: string; sampled_at: number }>> {
  const out: Array<{ person_id: string; sampled_at: number }> = [];
  for (const part of chunks([...new Set(personIds)], ID_CHUNK))
    out.push(
      ...(await ex
        .selectFrom('health_test')
        .select(['person_id', 'sampled_at'])
        .where('person_id', 'in', part)
        .where('sampled_at', '>=', since)
        .execute()),
    );
  return out.map((r) => ({ person_id: r.person_id, sampled_at: Number(r.sampled_at) }));
}

export async function testsOfPerson(ex: Executor, personId: string, limit = 20): Promise<HealthTestTable[]> {
  return ex
    .selectFrom('health_test')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('sampled_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Sets each person's latest test on the status row (creating a green row for a person with none)
 * unless the row already holds a later sample. One statement per slice, rows as one JSON parameter.
 */
export async function upsertLatestTests(ex: Executor, dialect: Dialect, rows: HealthStatusTable[]): Promise<void> {
  for (const part of chunks(rows, JSON_SLICE)) {
    const data = JSON.stringify(
      part.map((r) => [
        r.person_id,
        r.colour,
        r.reasons,
        r.ruleset_id,
        r.ruleset_version,
        r.computed_at,
        r.changed_at,
        r.test_source_id,
        r.test_sampled_at,
        r.test_reported_at,
        r.test_result,
        r.test_pooled,
      ]),
    );
    if (dialect === 'postgres') {
      await sql`insert into health_status ${STATUS_TEST_COLUMNS}
        select x->>0, x->>1, x->>2, x->>3, x->>4, (x->>5)::bigint, (x->>6)::bigint, x->>7, (x->>8)::bigint, (x->>9)::bigint, x->>10, (x->>11)::integer
        from json_array_elements(${data}::json) as x
        on conflict (person_id) ${LATEST_TEST_UPDATE}`.execute(ex);
    } else {
      await sql`insert into health_status ${STATUS_TEST_COLUMNS}
        select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8, value->>9, value->>10, value->>11
        from json_each(${data}) where true
        on conflict (person_id) ${LATEST_TEST_UPDATE}`.execute(ex);
    }
  }
}

// ---- status ----------------------------------------------------------------------------------

export async function statusesOf(ex: Executor, personIds: string[]): Promise<HealthStatusTable[]> {
  const out: HealthStatusTable[] = [];
  for (const part of chunks(personIds, ID_CHUNK)) {
    if (part.length)
      out.push(...(await ex.selectFrom('health_status').selectAll().where('person_id', 'in', part).execute()));
  }
  return out;
}

/** The door's read: one primary-key lookup for colour, reasons, override and latest test. */
export async function statusOf(ex: Executor, personId: string): Promise<HealthStatusTable | undefined> {
  return ex.selectFrom('health_status').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/** Writes the colour part of status rows (the latest test columns are left as they are). */
export async function upsertColours(ex: Executor, rows: HealthStatusTable[]): Promise<void> {
  for (const part of chunks(rows, rowsPerInsert(17))) {
    await ex
      .insertInto('health_status')
      .values(part)
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => ({
          colour: eb.ref('excluded.colour'),
          reasons: eb.ref('excluded.reasons'),
          ruleset_id: eb.ref('excluded.ruleset_id'),
          ruleset_version: eb.ref('excluded.ruleset_version'),
          computed_at: eb.ref('excluded.computed_at'),
          changed_at: eb.ref('excluded.changed_at'),
          next_change_at: eb.ref('excluded.next_change_at'),
          override_id: eb.ref('excluded.override_id'),
          override_colour: eb.ref('excluded.override_colour'),
          override_until: eb.ref('excluded.override_until'),
        })),
      )
      .execute();
  }
}

export async function setOverride(
  ex: Executor,
  personIds: string[],
  o: { id: string; colour: string; until: number },
  base: Omit<HealthStatusTable, 'person_id' | 'override_id' | 'override_colour' | 'override_until'>,
): Promise<void> {
  const rows = personIds.map((person_id) => ({
    ...base,
    person_id,
    override_id: o.id,
    override_colour: o.colour,
    override_until: o.until,
  }));
  for (const part of chunks(rows, rowsPerInsert(17))) {
    await ex
      .insertInto('health_status')
      .values(part)
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet((eb) => ({
          override_id: eb.ref('excluded.override_id'),
          override_colour: eb.ref('excluded.override_colour'),
          override_until: eb.ref('excluded.override_until'),
        })),
      )
      .execute();
  }
}

/** People whose colour may have changed by itself by `now` (an end condition reached). */
export async function duePeople(ex: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await ex
    .selectFrom('health_status')
    .select('person_id')
    .where('next_change_at', 'is not', null)
    .where('next_change_at', '<=', now)
    .limit(limit)
    .execute();
  return rows.map((r) => r.person_id);
}

/** Everyone with a status row or a fact (a full recompute's population), in pages. */
export async function peoplePage(ex: Executor, after: string, limit: number): Promise<string[]> {
  const rows = await ex
    .selectFrom('health_fact')
    .select('person_id')
    .distinct()
    .where('person_id', '>', after)
    .union(
      ex.selectFrom('health_status').select('person_id').where('person_id', '>', after).where('colour', '!=', 'green'),
    )
    .orderBy('person_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.person_id);
}

/** The rule set (id@version) the stored colours were last recomputed under as a whole. */
export const COLOURS_RULESET_KEY = 'health.colours_ruleset';

/** True once any fact was ever recorded. */
export async function anyFact(ex: Executor): Promise<boolean> {
  return !!(await ex.selectFrom('health_fact').select('id').limit(1).executeTakeFirst());
}

export function readColoursRuleSet(ex: Executor): Promise<string | null> {
  return readSetting(ex, COLOURS_RULESET_KEY);
}

export function writeColoursRuleSet(ex: Executor, value: string, now: number): Promise<void> {
  return writeSetting(ex, COLOURS_RULESET_KEY, value, now);
}

// ---- history ---------------------------------------------------------------------------------

export async function insertHistory(ex: Executor, rows: HealthColourHistoryTable[]): Promise<void> {
  for (const part of chunks(rows, rowsPerInsert(19)))
    await ex.insertInto('health_colour_history').values(part).execute();
}

export async function historyOf(ex: Executor, personId: string, limit = 100): Promise<HealthColourHistoryTable[]> {
  return ex
    .selectFrom('health_colour_history')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('audit_seq', 'desc')
    .limit(limit)
    .execute();
}

// ---- overrides -------------------------------------------------------------------------------

export async function insertOverride(ex: Executor, row: HealthOverrideTable): Promise<void> {
  await ex.insertInto('health_override').values(row).execute();
}

export async function overrideById(ex: Executor, id: string): Promise<HealthOverrideTable | undefined> {
  return ex.selectFrom('health_override').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOverride(ex: Executor, id: string, set: Partial<HealthOverrideTable>): Promise<void> {
  await ex.updateTable('health_override').set(set).where('id', '=', id).execute();
}

export async function listOverrides(
  ex: Executor,
  q: { status?: string; areaPath: string; limit: number },
): Promise<HealthOverrideTable[]> {
  let query = ex.selectFrom('health_override').selectAll().where('area_path', 'like', `${q.areaPath}%`);
  if (q.status) query = query.where('status', '=', q.status);
  return query.orderBy('requested_at', 'desc').limit(q.limit).execute();
}

// ---- appeals ---------------------------------------------------------------------------------

export async function insertAppeal(ex: Executor, row: HealthAppealTable): Promise<void> {
  await ex.insertInto('health_appeal').values(row).execute();
}

export async function appealById(ex: Executor, id: string): Promise<HealthAppealTable | undefined> {
  return ex.selectFrom('health_appeal').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateAppeal(ex: Executor, id: string, set: Partial<HealthAppealTable>): Promise<void> {
  await ex.updateTable('health_appeal').set(set).where('id', '=', id).execute();
}

export async function listAppeals(
  ex: Executor,
  q: { status?: string; areaPath?: string; personId?: string; limit: number },
): Promise<HealthAppealTable[]> {
  let query = ex.selectFrom('health_appeal').selectAll();
  if (q.areaPath) query = query.where('area_path', 'like', `${q.areaPath}%`);
  if (q.personId) query = query.where('person_id', '=', q.personId);
  if (q.status) query = query.where('status', '=', q.status);
  return query.orderBy('due_at', 'asc').limit(q.limit).execute();
}

export async function openAppealOf(ex: Executor, personId: string): Promise<HealthAppealTable | undefined> {
  return ex
    .selectFrom('health_appeal')
    .selectAll()
    .where('person_id', '=', personId)
    .where('status', 'in', ['open', 'correction_pending'])
    .executeTakeFirst();
}

// ---- approvals (circuit breaker) -------------------------------------------------------------

export async function insertApproval(ex: Executor, row: HealthApprovalTable): Promise<void> {
  await ex.insertInto('health_approval').values(row).execute();
}

export async function approvalById(ex: Executor, id: string): Promise<HealthApprovalTable | undefined> {
  return ex.selectFrom('health_approval').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Claims a pending approval (only one decision can win). */
export async function decideApproval(ex: Executor, id: string, set: Partial<HealthApprovalTable>): Promise<boolean> {
  const r = await ex
    .updateTable('health_approval')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Held recolourings with their payload, newest first, a page at a time (the listing scopes them by area). */
export async function approvalsPage(
  ex: Executor,
  q: { status?: string; limit: number; offset: number },
): Promise<HealthApprovalTable[]> {
  let query = ex.selectFrom('health_approval').selectAll();
  if (q.status) query = query.where('status', '=', q.status);
  return query.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
}

/** The distinct people a fact selection names (only those whose fact is still in force when `open`). */
export async function peopleOfFacts(ex: Executor, where: FactSelection, open: boolean): Promise<string[]> {
  const base = () => {
    let q = ex
      .selectFrom('health_fact')
      .select('health_fact.person_id')
      .distinct()
      .where('health_fact.source_type', '=', where.sourceType)
      .where('health_fact.source_id', '=', where.sourceId);
    if (open) q = q.where('health_fact.ended_at', 'is', null);
    if (where.kind) q = q.where('health_fact.kind', '=', where.kind);
    return q;
  };
  const out = new Set<string>();
  for (const part of where.personIds ? chunks(where.personIds, ID_CHUNK) : [null]) {
    if (part && !part.length) continue;
    const rows = await (part ? base().where('health_fact.person_id', 'in', part) : base()).execute();
    for (const r of rows) out.add(r.person_id);
  }
  return [...out];
}

// ---- people ----------------------------------------------------------------------------------

/** People of an area subtree by their stored colour. */
export async function colourCounts(ex: Executor, path: string): Promise<Array<{ colour: string; n: number }>> {
  const rows = await ex
    .selectFrom('health_status')
    .innerJoin('person', 'person.id', 'health_status.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .where('area.path', 'like', `${path}%`)
    .select(['health_status.colour', (eb) => eb.fn.countAll().as('n')])
    .groupBy('health_status.colour')
    .execute();
  return rows.map((r) => ({ colour: r.colour, n: Number(r.n) }));
}
