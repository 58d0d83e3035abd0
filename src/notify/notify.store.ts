// The only SQL of the call lists: the tasks (one per contact) and their call attempts (insert only).
// The list filters and sorts on the person, household, building and contact of each task in the query;
// the areas' names are read after the page.
import { sql } from 'kysely';
import type { CallAttemptTable, CallTaskTable, Executor } from '../db/database.ts';
import { areasByIds } from '../db/sql.ts';

const CHUNK = 400;

export interface Paging {
  limit: number;
  offset: number;
}

export async function tasksOfCase(ex: Executor, caseId: string): Promise<CallTaskTable[]> {
  return ex.selectFrom('call_task').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

/** Inserts new tasks; a contact that already has one keeps it (the unique contact_id). */
export async function insertTasks(ex: Executor, rows: readonly CallTaskTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await ex
      .insertInto('call_task')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.column('contact_id').doNothing())
      .execute();
  }
}

export async function setTaskStatus(ex: Executor, ids: readonly string[], status: string, now: number): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await ex
      .updateTable('call_task')
      .set({ status, updated_at: now })
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
  }
}

export async function updateTask(ex: Executor, id: string, changes: Partial<Omit<CallTaskTable, 'id'>>): Promise<void> {
  await ex.updateTable('call_task').set(changes).where('id', '=', id).execute();
}

/**
 * Counts one more call on the task and sets its outcome, in one statement (the row lock orders two
 * callers recording at once); the new count.
 */
export async function bumpAttempt(
  ex: Executor,
  id: string,
  changes: { status: string; last_attempt_at: number; last_note: string | null; updated_at: number },
): Promise<number> {
  const row = await ex
    .updateTable('call_task')
    .set((eb) => ({ ...changes, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  return Number(row.attempts);
}

export async function insertAttempt(ex: Executor, row: CallAttemptTable): Promise<void> {
  await ex.insertInto('call_attempt').values(row).execute();
}

export async function attemptsOf(ex: Executor, taskId: string): Promise<CallAttemptTable[]> {
  return ex.selectFrom('call_attempt').selectAll().where('task_id', '=', taskId).orderBy('at').orderBy('id').execute();
}

export interface TaskRow extends CallTaskTable {
  person_name: string;
  phone_enc: string | null;
  person_area_name: string;
  address: string | null;
  community_name: string;
  contact_review_status: string | null;
  person_area_id: string;
  building_id: string | null;
  building_name: string | null;
  first_exposure_at: number | null;
  last_exposure_at: number | null;
}

export interface TaskFilter {
  /** Subtree of the contacts' own areas. */
  path: string;
  status?: string;
  /** Only pending and not_reached. */
  open?: boolean;
  caseId?: string;
  /** The people whose household is in this building. */
  buildingId?: string;
  class?: string;
  /** Last exposure in [from, to) (ms). */
  exposedFrom?: number;
  exposedTo?: number;
  /** Part of the name. */
  name?: string;
}

export type TaskOrder = {
  sort: 'priority' | 'name' | 'exposure' | 'address' | 'attempts' | 'lastCall';
  dir: 'asc' | 'desc';
};

function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function taskQuery(ex: Executor) {
  return ex
    .selectFrom('call_task')
    .innerJoin('person', 'person.id', 'call_task.person_id')
    .leftJoin('household', 'household.id', 'person.household_id')
    .leftJoin('building', 'building.id', 'household.building_id')
    .leftJoin('contact', 'contact.id', 'call_task.contact_id');
}

const TASK_COLUMNS = [
  'person.name as person_name',
  'person.phone_enc',
  'household.address',
  'contact.review_status as contact_review_status',
  'person.area_id as person_area_id',
  'building.id as building_id',
  'building.name as building_name',
  'contact.first_exposure_at',
  'contact.last_exposure_at',
] as const;

function filtered(ex: Executor, f: TaskFilter) {
  let q = taskQuery(ex).where('call_task.area_path', 'like', `${f.path}%`);
  if (f.status) q = q.where('call_task.status', '=', f.status);
  if (f.open) q = q.where('call_task.status', 'in', ['pending', 'not_reached']);
  if (f.caseId) q = q.where('call_task.case_id', '=', f.caseId);
  if (f.buildingId) q = q.where('household.building_id', '=', f.buildingId);
  if (f.class) q = q.where('call_task.class', '=', f.class);
  if (f.exposedFrom !== undefined) q = q.where('contact.last_exposure_at', '>=', f.exposedFrom);
  if (f.exposedTo !== undefined) q = q.where('contact.last_exposure_at', '<', f.exposedTo);
  if (f.name) q = q.where(sql<boolean>`person.name like ${containsPattern(f.name)} escape '\\'`);
  return q;
}

/** The list's order, each ending with the task id so pages never overlap or skip. */
function ordered<Q extends ReturnType<typeof filtered>>(q: Q, o: TaskOrder): Q {
  const d = o.dir;
  const nullsLast = (col: string) => sql`case when ${sql.ref(col)} is null then 1 else 0 end`;
  let r: ReturnType<typeof filtered> = q;
  switch (o.sort) {
    case 'name':
      r = r.orderBy('person.name', d);
      break;
    case 'exposure':
      r = r.orderBy(nullsLast('contact.last_exposure_at')).orderBy('contact.last_exposure_at', d);
      break;
    case 'address':
      r = r
        .orderBy(nullsLast('building.name'))
        .orderBy('building.name', d)
        .orderBy('household.unit', d)
        .orderBy('household.door', d)
        .orderBy('household.address', d)
        .orderBy('person.name');
      break;
    case 'attempts':
      r = r.orderBy('call_task.attempts', d);
      break;
    case 'lastCall':
      r = r.orderBy(nullsLast('call_task.last_attempt_at')).orderBy('call_task.last_attempt_at', d);
      break;
    default:
      r = r.orderBy(ORDER, d).orderBy(CLASS_ORDER, d).orderBy('call_task.created_at', d);
  }
  return r.orderBy('call_task.id', d) as Q;
}

const ORDER = sql`case call_task.status when 'pending' then 0 when 'not_reached' then 1 when 'refused' then 2 when 'reached' then 3 else 4 end`;
const CLASS_ORDER = sql`case call_task.class when 'close' then 0 when 'secondary' then 1 else 2 end`;

/** A page of tasks with the names of the person's area and of the task's community (the shared area reader, after the page). */
async function withAreaNames(
  ex: Executor,
  rows: Array<Omit<TaskRow, 'person_area_name' | 'community_name'>>,
): Promise<TaskRow[]> {
  const names = new Map(
    (await areasByIds(ex, [...rows.map((r) => r.person_area_id), ...rows.map((r) => r.area_id)])).map((a) => [
      a.id,
      a.name,
    ]),
  );
  return rows.map((r) => ({
    ...r,
    person_area_name: names.get(r.person_area_id) ?? '',
    community_name: names.get(r.area_id) ?? '',
  }));
}

const PRIORITY: TaskOrder = { sort: 'priority', dir: 'asc' };

export async function listTasks(
  ex: Executor,
  f: TaskFilter,
  paging: Paging,
  order: TaskOrder = PRIORITY,
): Promise<{ rows: TaskRow[]; total: number }> {
  const q = filtered(ex, f);
  const [rows, total] = await Promise.all([
    ordered(q.selectAll('call_task').select([...TASK_COLUMNS]), order)
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await withAreaNames(ex, rows), total: Number(total.n) };
}

export async function taskById(ex: Executor, id: string): Promise<TaskRow | undefined> {
  const row = await taskQuery(ex)
    .selectAll('call_task')
    .select([...TASK_COLUMNS])
    .where('call_task.id', '=', id)
    .executeTakeFirst();
  return row && (await withAreaNames(ex, [row]))[0];
}

export async function countTasks(ex: Executor, f: TaskFilter): Promise<number> {
  return Number(
    (
      await filtered(ex, f)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/** A page of the export in list order, after the keyset (offset paging is fine at call-list sizes). */
export async function exportPage(
  ex: Executor,
  f: TaskFilter,
  offset: number,
  limit: number,
  order: TaskOrder = PRIORITY,
): Promise<TaskRow[]> {
  const rows = await ordered(
    filtered(ex, f)
      .selectAll('call_task')
      .select([...TASK_COLUMNS]),
    order,
  )
    .limit(limit)
    .offset(offset)
    .execute();
  return withAreaNames(ex, rows);
}

export interface FacetRow {
  id: string;
  name: string;
  total: number;
  open: number;
}

const openCount = sql<number>`sum(case when call_task.status in ('pending', 'not_reached') then 1 else 0 end)`;

/** The grids (people's own areas) of the filtered tasks, with the area above each (grid names repeat across communities) and their counts. */
export async function gridFacets(
  ex: Executor,
  f: TaskFilter,
): Promise<Array<FacetRow & { parentName: string | null }>> {
  const rows = await filtered(ex, f)
    .innerJoin('area as pa', 'pa.id', 'person.area_id')
    .leftJoin('area as gp', 'gp.id', 'pa.parent_id')
    .select(['pa.id as id', 'pa.name as name', 'pa.path as path', 'gp.name as parent_name'])
    .select((eb) => [eb.fn.countAll().as('total'), openCount.as('open')])
    .groupBy(['pa.id', 'pa.name', 'pa.path', 'gp.name'])
    .orderBy('pa.path')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    parentName: r.parent_name ?? null,
    total: Number(r.total),
    open: Number(r.open ?? 0),
  }));
}

/** The buildings of the filtered tasks, with their counts, at most `limit` (by area, then name). */
export async function buildingFacets(
  ex: Executor,
  f: TaskFilter,
  limit: number,
): Promise<Array<FacetRow & { areaId: string; areaName: string }>> {
  const rows = await filtered(ex, f)
    .innerJoin('area as ba', 'ba.id', 'building.area_id')
    .select([
      'building.id as id',
      'building.name as name',
      'ba.id as area_id',
      'ba.name as area_name',
      'ba.path as area_path',
    ])
    .select((eb) => [eb.fn.countAll().as('total'), openCount.as('open')])
    .groupBy(['building.id', 'building.name', 'ba.id', 'ba.name', 'ba.path'])
    .orderBy('ba.path')
    .orderBy('building.name')
    .orderBy('building.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id!,
    name: r.name!,
    areaId: r.area_id,
    areaName: r.area_name,
    total: Number(r.total),
    open: Number(r.open ?? 0),
  }));
}
