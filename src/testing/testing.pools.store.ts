// The SQL of suspected-positive pools, their notifications and the re-sampling and home-sampling tasks.
import { sql, type ExpressionBuilder } from 'kysely';
import type {
  Database,
  Executor,
  TestingNotificationTable,
  TestingPoolTable,
  TestingTaskTable,
  TestingTubeMemberTable,
} from '../db/database.ts';
import { areasByIds } from '../db/sql.ts';
import { chunksOf, insertMany } from './testing.store.ts';

// ---- pools --------------------------------------------------------------------------------------

export async function poolById(ex: Executor, id: string): Promise<TestingPoolTable | undefined> {
  return ex.selectFrom('testing_pool').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The condition "a reader under `path` may read this pool" on testing_pool: it was sampled in their
 * area, or one of its members lives there.
 */
export function poolReadableBy(path: string) {
  // reads person, area (owner: registry): where the members live is the lists' scope condition, inside the query
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
  // reads person, area (owner: registry): the same scope condition as poolReadableBy, for one pool
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
    // reads person, area (owner: registry): counted in the database for a page of up to 1,000 pools
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

/** A pool's notifications, each with the path of the area it went to (null: none, or an unknown one). */
export async function poolNotifications(
  ex: Executor,
  poolId: string,
): Promise<Array<TestingNotificationTable & { area_path: string | null }>> {
  const rows = await ex
    .selectFrom('testing_notification')
    .selectAll()
    .where('pool_id', '=', poolId)
    .orderBy('kind')
    .execute();
  const areaIds = rows.map((n) => n.area_id).filter((id): id is string => id !== null);
  const paths = new Map((await areasByIds(ex, areaIds)).map((a) => [a.id, a.path]));
  return rows.map((n) => ({ ...n, area_path: n.area_id === null ? null : (paths.get(n.area_id) ?? null) }));
}

/** The pools' tube barcodes and sampling sites' names (null: sampled at home). */
export async function poolTubes(
  ex: Executor,
  poolIds: readonly string[],
): Promise<Array<{ id: string; barcode: string; site_name: string | null }>> {
  const out: Array<{ id: string; barcode: string; site_name: string | null }> = [];
  for (const part of chunksOf([...poolIds]))
    out.push(
      ...(await ex
        .selectFrom('testing_pool')
        .innerJoin('testing_tube', 'testing_tube.id', 'testing_pool.tube_id')
        .leftJoin('testing_site', 'testing_site.id', 'testing_tube.site_id')
        .select(['testing_pool.id', 'testing_tube.barcode', 'testing_site.name as site_name'])
        .where('testing_pool.id', 'in', part)
        .execute()),
    );
  return out;
}

export interface PoolMemberHome {
  tube_id: string;
  person_id: string;
  sampled_at: number;
  area_id: string;
  path: string;
}

/** The members of these tubes with the area each lives in (the pools a report puts under control), by tube. */
export async function poolMembersWithHomes(ex: Executor, tubeIds: readonly string[]): Promise<PoolMemberHome[]> {
  const out: PoolMemberHome[] = [];
  for (const part of chunksOf([...tubeIds])) {
    // reads person, area (owner: registry): the lab upload's positive pools' member homes, one statement per slice
    out.push(
      ...(await ex
        .selectFrom('testing_tube_member')
        .innerJoin('person', 'person.id', 'testing_tube_member.person_id')
        .innerJoin('area', 'area.id', 'person.area_id')
        .select([
          'testing_tube_member.tube_id',
          'testing_tube_member.person_id',
          'testing_tube_member.sampled_at',
          'person.area_id',
          'area.path',
        ])
        .where('testing_tube_member.tube_id', 'in', part)
        .orderBy('testing_tube_member.tube_id')
        .execute()),
    );
  }
  return out;
}

/** The tube's members in the order they were sampled. */
export async function tubeMembersInOrder(
  ex: Executor,
  tubeId: string,
): Promise<Array<Pick<TestingTubeMemberTable, 'person_id' | 'sampled_at'>>> {
  return ex
    .selectFrom('testing_tube_member')
    .select(['person_id', 'sampled_at'])
    .where('tube_id', '=', tubeId)
    .orderBy('sampled_at')
    .execute();
}

export async function markPoolsReported(
  ex: Executor,
  poolIds: readonly string[],
  at: number,
  byName: string,
): Promise<void> {
  for (const part of chunksOf([...poolIds])) {
    await ex
      .updateTable('testing_pool')
      .set({ status: 'reported', reported_at: at, reported_by_name: byName })
      .where('id', 'in', part)
      .execute();
  }
}

/** Closes the pool: released (every re-test negative) or case_found. */
export async function closePool(
  ex: Executor,
  id: string,
  status: 'released' | 'case_found',
  closedAt: number,
): Promise<void> {
  await ex.updateTable('testing_pool').set({ status, closed_at: closedAt }).where('id', '=', id).execute();
}

/**
 * A page of the pools a reader under `path` may read (poolReadableBy), of a round when given, by status
 * ('open': detected or reported; 'all'), oldest first, and how many there are.
 */
export async function readablePools(
  ex: Executor,
  path: string,
  q: { roundId?: string; status: string },
  paging: { limit: number; offset: number },
): Promise<{ rows: TestingPoolTable[]; total: number }> {
  let base = ex.selectFrom('testing_pool').where(poolReadableBy(path));
  if (q.roundId) base = base.where('round_id', '=', q.roundId);
  if (q.status === 'open') base = base.where('status', 'in', ['detected', 'reported']);
  else if (q.status !== 'all') base = base.where('status', '=', q.status);
  const rows = await base
    .selectAll()
    .orderBy('detected_at')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The open pools (detected or reported) a reader under `path` may read, of a round when given, oldest first. */
export async function openReadablePools(
  ex: Executor,
  path: string,
  roundId: string | undefined,
  limit: number,
): Promise<TestingPoolTable[]> {
  let base = ex
    .selectFrom('testing_pool')
    .selectAll()
    .where(poolReadableBy(path))
    .where('status', 'in', ['detected', 'reported']);
  if (roundId) base = base.where('round_id', '=', roundId);
  return base.orderBy('detected_at').limit(limit).execute();
}

export async function insertPools(ex: Executor, rows: TestingPoolTable[]): Promise<void> {
  await insertMany(ex, 'testing_pool', rows);
}
export async function insertNotifications(ex: Executor, rows: TestingNotificationTable[]): Promise<void> {
  await insertMany(ex, 'testing_notification', rows);
}

// ---- tasks --------------------------------------------------------------------------------------

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

export async function insertTasks(ex: Executor, rows: TestingTaskTable[]): Promise<void> {
  await insertMany(ex, 'testing_task', rows);
}

/** Inserts tasks whose id is not taken yet (ids made from what the task is for): the ids inserted. */
export async function insertTasksOnce(ex: Executor, rows: readonly TestingTaskTable[]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunksOf(rows, 50)) {
    const done = await ex
      .insertInto('testing_task')
      .values([...part])
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    out.push(...done.map((d) => d.id));
  }
  return out;
}

/** The pool's re-sampling tasks of these people. */
export async function tasksOfPool(
  ex: Executor,
  poolId: string,
  personIds: readonly string[],
): Promise<TestingTaskTable[]> {
  if (!personIds.length) return [];
  return ex
    .selectFrom('testing_task')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('person_id', 'in', [...personIds])
    .execute();
}

/** A page of the tasks under `path` (of a round, of a kind when given; by status unless 'all'), oldest first. */
export async function tasksUnder(
  ex: Executor,
  path: string,
  q: { roundId?: string; kind?: string; status: string },
  paging: { limit: number; offset: number },
): Promise<{ rows: TestingTaskTable[]; total: number }> {
  let base = ex.selectFrom('testing_task').where('area_path', 'like', `${path}%`);
  if (q.roundId) base = base.where('round_id', '=', q.roundId);
  if (q.kind) base = base.where('kind', '=', q.kind);
  if (q.status !== 'all') base = base.where('status', '=', q.status);
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The person's open home-sampling task in the round, if any. */
export async function openHomeTask(ex: Executor, roundId: string, personId: string): Promise<string | null> {
  const open = await ex
    .selectFrom('testing_task')
    .select('id')
    .where('round_id', '=', roundId)
    .where('person_id', '=', personId)
    .where('kind', '=', 'home')
    .where('status', '=', 'open')
    .executeTakeFirst();
  return open?.id ?? null;
}

/** The task's tube sampled at home. */
export async function markTaskSampled(
  ex: Executor,
  taskId: string,
  tubeId: string,
  sampledAt: number,
  now: number,
): Promise<void> {
  await ex
    .updateTable('testing_task')
    .set({ status: 'sampled', tube_id: tubeId, sampled_at: sampledAt, updated_at: now })
    .where('id', '=', taskId)
    .execute();
}

/** The task's tube resulted: the task takes the result as its status. */
export async function setTaskResult(ex: Executor, taskId: string, result: string, now: number): Promise<void> {
  await ex
    .updateTable('testing_task')
    .set({ status: result, result_at: now, updated_at: now })
    .where('id', '=', taskId)
    .execute();
}

/** The case registered for the task's positive tube, or why none was. */
export async function setTaskCase(
  ex: Executor,
  taskId: string,
  caseId: string | null,
  error: string | null,
  now: number,
): Promise<void> {
  await ex
    .updateTable('testing_task')
    .set({ case_id: caseId, case_error: error, updated_at: now })
    .where('id', '=', taskId)
    .execute();
}
