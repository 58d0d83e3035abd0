// Every SQL statement on quarantine orders and their events (quarantine_order, quarantine_order_event),
// and the reads of stays that decide what a site's staff may see of them.
import type { Executor, QuarantineOrderEventTable, QuarantineOrderTable } from '../db/database.ts';
import { chunks, withAreaNames } from '../db/sql.ts';
import { personNames } from '../registry/registry.store.ts';

export interface OrderRow extends QuarantineOrderTable {
  person_name: string;
  area_name: string;
}

const NUMERIC = [
  'start_at',
  'centralised_until',
  'home_until',
  'ends_at',
  'door_measure_at',
  'released_at',
  'created_at',
  'updated_at',
] as const;

/** PostgreSQL answers bigint columns as strings: every time back to a number. */
export function normalise<T extends Partial<QuarantineOrderTable>>(r: T): T {
  const out = { ...r } as Record<string, unknown>;
  for (const k of NUMERIC) if (out[k] !== undefined && out[k] !== null) out[k] = Number(out[k]);
  return out as T;
}

function orderQuery(ex: Executor) {
  return ex.selectFrom('quarantine_order').selectAll('quarantine_order');
}

/** The orders normalised, with their person's name and area's name asked of the registry and the area tree. */
async function orderRows(ex: Executor, rows: readonly QuarantineOrderTable[]): Promise<OrderRow[]> {
  const names = new Map(
    (
      await personNames(
        ex,
        rows.map((r) => r.person_id),
      )
    ).map((p) => [p.id, p.name]),
  );
  return (await withAreaNames(ex, rows)).map((r) => ({ ...normalise(r), person_name: names.get(r.person_id) ?? '' }));
}

export async function insertOrders(ex: Executor, rows: readonly QuarantineOrderTable[]): Promise<void> {
  for (const part of chunks([...rows], 20)) await ex.insertInto('quarantine_order').values(part).execute();
}

export async function orderById(ex: Executor, id: string): Promise<OrderRow | undefined> {
  const row = await orderQuery(ex).where('quarantine_order.id', '=', id).executeTakeFirst();
  return row && (await orderRows(ex, [row]))[0];
}

export async function ordersByIds(ex: Executor, ids: readonly string[]): Promise<OrderRow[]> {
  const out: QuarantineOrderTable[] = [];
  for (const part of chunks([...new Set(ids)]))
    out.push(...(await orderQuery(ex).where('quarantine_order.id', 'in', part).execute()));
  return orderRows(ex, out);
}

/** The active orders of these people (at most one each). */
export async function activeOrdersOf(ex: Executor, personIds: readonly string[]): Promise<QuarantineOrderTable[]> {
  const out: QuarantineOrderTable[] = [];
  for (const part of chunks([...new Set(personIds)]))
    out.push(
      ...(
        await ex
          .selectFrom('quarantine_order')
          .selectAll()
          .where('person_id', 'in', part)
          .where('status', '=', 'active')
          .execute()
      ).map(normalise),
    );
  return out;
}

/** Every order of one person, newest first (their own page). */
export async function ordersOfPerson(ex: Executor, personId: string): Promise<OrderRow[]> {
  return orderRows(
    ex,
    await orderQuery(ex)
      .where('quarantine_order.person_id', '=', personId)
      .orderBy('quarantine_order.created_at', 'desc')
      .limit(20)
      .execute(),
  );
}

export async function updateOrder(
  ex: Executor,
  id: string,
  set: Partial<Omit<QuarantineOrderTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('quarantine_order').set(set).where('id', '=', id).execute();
}

export interface OrderFilter {
  path: string;
  status?: string;
  kind?: string;
  place?: string;
  caseId?: string;
  endsBefore?: number;
  /** Only orders with a planned or current stay at a site where this account is on the roster. */
  staffUserId?: string;
  /** Served at home now (home quarantine or home health monitoring). */
  home?: boolean;
}

export async function listOrders(
  ex: Executor,
  f: OrderFilter,
  paging: { limit: number; offset: number },
): Promise<{ rows: OrderRow[]; total: number }> {
  let q = ex.selectFrom('quarantine_order').where('quarantine_order.area_path', 'like', `${f.path}%`);
  if (f.status) q = q.where('quarantine_order.status', '=', f.status);
  if (f.kind) q = q.where('quarantine_order.kind', '=', f.kind);
  if (f.place) q = q.where('quarantine_order.place', '=', f.place);
  if (f.home) q = q.where('quarantine_order.place', 'in', ['home_quarantine', 'home_health_monitoring']);
  if (f.caseId) q = q.where('quarantine_order.case_id', '=', f.caseId);
  if (f.endsBefore !== undefined) q = q.where('quarantine_order.ends_at', '<', f.endsBefore);
  if (f.staffUserId) {
    const userId = f.staffUserId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('quarantine_stay')
          .innerJoin('quarantine_staff', 'quarantine_staff.site_id', 'quarantine_stay.site_id')
          .select('quarantine_stay.id')
          .whereRef('quarantine_stay.order_id', '=', 'quarantine_order.id')
          .where('quarantine_stay.status', 'in', ['planned', 'current'])
          .where('quarantine_staff.user_id', '=', userId)
          .where('quarantine_staff.active', '=', 1),
      ),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .selectAll('quarantine_order')
      .orderBy('quarantine_order.created_at', 'desc')
      .orderBy('quarantine_order.id')
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await orderRows(ex, rows), total: Number(total.n) };
}

/** Whether the account is on the roster of a site where the order has a planned or current stay. */
export async function staffSeesOrder(ex: Executor, userId: string, orderId: string): Promise<boolean> {
  const row = await ex
    .selectFrom('quarantine_stay')
    .innerJoin('quarantine_staff', 'quarantine_staff.site_id', 'quarantine_stay.site_id')
    .select('quarantine_stay.id')
    .where('quarantine_stay.order_id', '=', orderId)
    .where('quarantine_stay.status', 'in', ['planned', 'current'])
    .where('quarantine_staff.user_id', '=', userId)
    .where('quarantine_staff.active', '=', 1)
    .executeTakeFirst();
  return !!row;
}

/** The room a person under the order stays in now (for the room's terminal disinfection after release). */
export async function endCurrentStays(ex: Executor, orderId: string, at: number): Promise<string[]> {
  const stays = await ex
    .selectFrom('quarantine_stay')
    .select(['id', 'room_id'])
    .where('order_id', '=', orderId)
    .where('status', 'in', ['planned', 'current'])
    .execute();
  if (!stays.length) return [];
  await ex
    .updateTable('quarantine_stay')
    .set({ status: 'ended', to_at: at })
    .where(
      'id',
      'in',
      stays.map((s) => s.id),
    )
    .execute();
  return [...new Set(stays.map((s) => s.room_id))];
}

/** A room whose last occupant left: terminal disinfection due (cleared when it is logged). */
export async function markRoomsDisinfectionDue(ex: Executor, roomIds: readonly string[], at: number): Promise<void> {
  for (const roomId of roomIds) {
    const occupied = await ex
      .selectFrom('quarantine_stay')
      .select('id')
      .where('room_id', '=', roomId)
      .where('status', '=', 'current')
      .executeTakeFirst();
    if (occupied) continue;
    await ex
      .updateTable('quarantine_room')
      .set({ status: 'cleaning', disinfection_due_at: at, updated_at: at })
      .where('id', '=', roomId)
      .execute();
  }
}

// ---- events ---------------------------------------------------------------------------------------

export async function insertEvents(ex: Executor, rows: readonly QuarantineOrderEventTable[]): Promise<void> {
  for (const part of chunks([...rows], 100)) await ex.insertInto('quarantine_order_event').values(part).execute();
}

export async function eventsOf(ex: Executor, orderId: string): Promise<QuarantineOrderEventTable[]> {
  const rows = await ex
    .selectFrom('quarantine_order_event')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}
