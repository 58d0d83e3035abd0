// The only SQL on checkpoints and the vehicles and persons checked there.
import type { CheckpointCheckTable, CheckpointPersonCheckTable, CheckpointTable, Executor } from '../db/database.ts';
import type { Paging } from './enterprises.store.ts';

const count = (v: unknown) => Number(v ?? 0);

export async function checkpointById(ex: Executor, id: string): Promise<CheckpointTable | undefined> {
  return ex.selectFrom('checkpoint').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertCheckpoint(ex: Executor, row: CheckpointTable): Promise<void> {
  await ex.insertInto('checkpoint').values(row).execute();
}

export async function listCheckpoints(ex: Executor, scopePath: string): Promise<CheckpointTable[]> {
  return ex
    .selectFrom('checkpoint')
    .selectAll()
    .where('area_path', 'like', `${scopePath}%`)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function checkById(ex: Executor, id: string): Promise<CheckpointCheckTable | undefined> {
  return ex.selectFrom('checkpoint_check').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function checkByClientId(
  ex: Executor,
  checkpointId: string,
  clientId: string,
): Promise<CheckpointCheckTable | undefined> {
  return ex
    .selectFrom('checkpoint_check')
    .selectAll()
    .where('checkpoint_id', '=', checkpointId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

export async function insertCheck(
  ex: Executor,
  row: CheckpointCheckTable,
  persons: CheckpointPersonCheckTable[],
): Promise<void> {
  await ex.insertInto('checkpoint_check').values(row).execute();
  if (persons.length) await ex.insertInto('checkpoint_person_check').values(persons).execute();
}

export async function updateCheck(
  ex: Executor,
  id: string,
  changes: Partial<Omit<CheckpointCheckTable, 'id'>>,
): Promise<boolean> {
  const r = await ex
    .updateTable('checkpoint_check')
    .set(changes)
    .where('id', '=', id)
    .where('queue_status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function personsOf(ex: Executor, checkIds: string[]): Promise<CheckpointPersonCheckTable[]> {
  if (!checkIds.length) return [];
  return ex
    .selectFrom('checkpoint_person_check')
    .selectAll()
    .where('check_id', 'in', checkIds)
    .orderBy('check_id')
    .orderBy('id')
    .execute();
}

export interface CheckFilter {
  scopePath: string;
  checkpointId?: string;
  decision?: string;
  queueStatus?: string;
  from?: number;
  to?: number;
}

export async function listChecks(
  ex: Executor,
  f: CheckFilter,
  page: Paging,
): Promise<{ rows: CheckpointCheckTable[]; total: number }> {
  let q = ex.selectFrom('checkpoint_check').where('area_path', 'like', `${f.scopePath}%`);
  if (f.checkpointId) q = q.where('checkpoint_id', '=', f.checkpointId);
  if (f.decision) q = q.where('decision', '=', f.decision);
  if (f.queueStatus) q = q.where('queue_status', '=', f.queueStatus);
  if (f.from !== undefined) q = q.where('checked_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('checked_at', '<', f.to);
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('checked_at', 'desc').orderBy('id').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}

/** A day's checks at a checkpoint with the number of persons checked in each. */
export async function dayChecks(
  ex: Executor,
  checkpointId: string,
  from: number,
  to: number,
): Promise<{ checked_at: number; decision: string; persons: number }[]> {
  const rows = await ex
    .selectFrom('checkpoint_check as c')
    .leftJoin('checkpoint_person_check as p', 'p.check_id', 'c.id')
    .select(['c.id', 'c.checked_at', 'c.decision'])
    .select((eb) => eb.fn.count('p.id').as('persons'))
    .where('c.checkpoint_id', '=', checkpointId)
    .where('c.checked_at', '>=', from)
    .where('c.checked_at', '<', to)
    .groupBy(['c.id', 'c.checked_at', 'c.decision'])
    .execute();
  return rows.map((r) => ({ checked_at: Number(r.checked_at), decision: r.decision, persons: count(r.persons) }));
}
