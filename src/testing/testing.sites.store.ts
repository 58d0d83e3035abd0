// The SQL of testing sites, their sampling tables and the staff a round assigns to them.
import type { Executor, TestingSiteTable, TestingStaffTable, TestingTableTable } from '../db/database.ts';
import { areasByIds } from '../db/sql.ts';

// ---- sites and tables ---------------------------------------------------------------------------

/** A sampling site's id, kind and area (other domains link to a site: a quarantine site samples at one). */
export async function testingSiteById(
  ex: Executor,
  id: string,
): Promise<{ id: string; kind: string; area_path: string } | undefined> {
  return ex.selectFrom('testing_site').select(['id', 'kind', 'area_path']).where('id', '=', id).executeTakeFirst();
}

export async function insertSite(ex: Executor, row: TestingSiteTable): Promise<void> {
  await ex.insertInto('testing_site').values(row).execute();
}

export async function siteById(ex: Executor, id: string): Promise<TestingSiteTable | undefined> {
  return ex.selectFrom('testing_site').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertTable(ex: Executor, row: TestingTableTable): Promise<void> {
  await ex.insertInto('testing_table').values(row).execute();
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

/** A page of the sites under `path` (with their area's name) and the tables of those sites. */
export async function sitesUnder(ex: Executor, path: string, paging: { limit: number; offset: number }) {
  const sites = await ex
    .selectFrom('testing_site')
    .select([
      'testing_site.id',
      'testing_site.area_id',
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
  const areaNames = new Map(
    (
      await areasByIds(
        ex,
        sites.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  const rows = sites.map((r) => ({ ...r, area_name: areaNames.get(r.area_id) ?? '' }));
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

// ---- staff --------------------------------------------------------------------------------------

/** True when the account already has this duty in the round, at this table (or with no table). */
export async function staffAssigned(
  ex: Executor,
  a: { roundId: string; userId: string; duty: string; tableId: string | null },
): Promise<boolean> {
  let q = ex
    .selectFrom('testing_staff')
    .select('id')
    .where('round_id', '=', a.roundId)
    .where('user_id', '=', a.userId)
    .where('duty', '=', a.duty);
  q = a.tableId ? q.where('table_id', '=', a.tableId) : q.where('table_id', 'is', null);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertStaff(ex: Executor, row: TestingStaffTable): Promise<void> {
  await ex.insertInto('testing_staff').values(row).execute();
}

/** The round's staff, in the order they were assigned. */
export async function staffOfRound(ex: Executor, roundId: string): Promise<TestingStaffTable[]> {
  return ex.selectFrom('testing_staff').selectAll().where('round_id', '=', roundId).orderBy('created_at').execute();
}

/** False when the round has no such assignment. */
export async function deleteStaff(ex: Executor, roundId: string, staffId: string): Promise<boolean> {
  const done = await ex
    .deleteFrom('testing_staff')
    .where('id', '=', staffId)
    .where('round_id', '=', roundId)
    .executeTakeFirst();
  return Number(done.numDeletedRows) > 0;
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

/** An account's duties in the rounds not yet closed, latest start first, with the round's, site's and table's names. */
export async function assignmentsOf(ex: Executor, userId: string) {
  return ex
    .selectFrom('testing_staff')
    .innerJoin('testing_round', 'testing_round.id', 'testing_staff.round_id')
    .leftJoin('testing_site', 'testing_site.id', 'testing_staff.site_id')
    .leftJoin('testing_table', 'testing_table.id', 'testing_staff.table_id')
    .select([
      'testing_round.id as round_id',
      'testing_round.name as round_name',
      'testing_round.starts_at',
      'testing_round.deadline_at',
      'testing_round.closed_at',
      'testing_staff.site_id',
      'testing_site.name as site_name',
      'testing_staff.table_id',
      'testing_table.name as table_name',
      'testing_staff.duty',
    ])
    .where('testing_staff.user_id', '=', userId)
    .where('testing_round.closed_at', 'is', null)
    .orderBy('testing_round.starts_at', 'desc')
    .execute();
}
