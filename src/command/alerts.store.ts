// Every SQL statement on command_alert: alerts opened once per condition (the unique open_key), held
// with fresh evidence, acknowledged, closed; the duty officer's list by severity and age.
import { sql } from 'kysely';
import type { CommandAlertTable, Executor } from '../db/database.ts';
import { isUniqueViolation } from '../db/sql.ts';

export type AlertRow = CommandAlertTable;

/** Alerts not closed (open or acknowledged): the ones the job compares with the conditions. */
export async function unclosedAlerts(ex: Executor): Promise<Array<{ id: string; rule: string; key: string }>> {
  const rows = await ex
    .selectFrom('command_alert')
    .select(['id', 'rule', 'open_key'])
    .where('status', '!=', 'closed')
    .execute();
  return rows.map((r) => ({ id: r.id, rule: r.rule, key: r.open_key ?? '' }));
}

/** Opens the alert unless one of its key is open already (another process's run): false then. */
export async function insertAlert(ex: Executor, row: AlertRow): Promise<boolean> {
  try {
    // A savepoint keeps a unique violation from aborting the caller's transaction on PostgreSQL.
    await sql`savepoint command_alert_insert`.execute(ex);
    await ex.insertInto('command_alert').values(row).execute();
    await sql`release savepoint command_alert_insert`.execute(ex);
    return true;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql`rollback to savepoint command_alert_insert`.execute(ex);
    return false;
  }
}

export async function holdAlert(ex: Executor, id: string, evidence: string, at: number): Promise<void> {
  await ex
    .updateTable('command_alert')
    .set({ evidence, seen_at: at })
    .where('id', '=', id)
    .where('status', '!=', 'closed')
    .execute();
}

/** Closes an alert not yet closed; false when it was closed already. */
export async function closeAlert(
  ex: Executor,
  id: string,
  v: { close_reason: string; close_note: string | null; closed_by: string | null; closed_at: number },
): Promise<boolean> {
  const done = await ex
    .updateTable('command_alert')
    .set({ ...v, status: 'closed', open_key: null })
    .where('id', '=', id)
    .where('status', '!=', 'closed')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** Acknowledges an open alert; false when it was not open (acknowledged already, or closed). */
export async function acknowledgeAlert(ex: Executor, id: string, by: string, at: number): Promise<boolean> {
  const done = await ex
    .updateTable('command_alert')
    .set({ status: 'acknowledged', acknowledged_by: by, acknowledged_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

export async function alertById(ex: Executor, id: string): Promise<AlertRow | undefined> {
  return ex.selectFrom('command_alert').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function alertsByIds(ex: Executor, ids: readonly string[]): Promise<AlertRow[]> {
  if (!ids.length) return [];
  return ex
    .selectFrom('command_alert')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

const SEVERITY_RANK = sql<number>`case severity when 'critical' then 0 when 'high' then 1 else 2 end`;

/** Alerts under the path, by severity then age (oldest first); `status` 'active' = open or acknowledged. */
export async function listAlerts(
  ex: Executor,
  f: { path: string; status?: string; rule?: string },
  page: { limit: number; offset: number },
): Promise<{ rows: AlertRow[]; total: number }> {
  let q = ex.selectFrom('command_alert').where('area_path', 'like', `${f.path}%`);
  if (f.status === 'active') q = q.where('status', '!=', 'closed');
  else if (f.status) q = q.where('status', '=', f.status);
  if (f.rule) q = q.where('rule', '=', f.rule);
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy(SEVERITY_RANK)
      .orderBy('opened_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Alerts not closed under the path, by severity: the wall's panel. */
export async function activeAlertCounts(ex: Executor, path: string): Promise<Array<{ severity: string; n: number }>> {
  const rows = await ex
    .selectFrom('command_alert')
    .select(['severity', (eb) => eb.fn.countAll().as('n')])
    .where('area_path', 'like', `${path}%`)
    .where('status', '!=', 'closed')
    .groupBy('severity')
    .execute();
  return rows.map((r) => ({ severity: r.severity, n: Number(r.n) }));
}
