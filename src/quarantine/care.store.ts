// SQL of daily life at a site: health checks, the alerts they raise, requests from rooms, and what the
// rounds page and an occupant's detail read.
import type { Dialect, Executor, Tx } from '../db/database.ts';
import { chunks, insertJsonRows, jsonIdList, type JsonCast } from '../db/sql.ts';
import { personNames } from '../registry/registry.store.ts';

/** The rows with their person's name (from the order's `person_id`), asked of the registry after the query. */
async function withPersonNames<T extends { person_id: string }>(
  ex: Executor,
  rows: readonly T[],
): Promise<Array<Omit<T, 'person_id'> & { person_name: string }>> {
  const names = new Map(
    (
      await personNames(
        ex,
        rows.map((r) => r.person_id),
      )
    ).map((p) => [p.id, p.name]),
  );
  return rows.map(({ person_id, ...rest }) => ({ ...rest, person_name: names.get(person_id) ?? '' }));
}

export interface NewCheck {
  id: string;
  order_id: string;
  date: string;
  slot: string;
  temperature: number;
  symptoms: string;
  by: string;
  recorded_by: string | null;
  recorded_at: number;
  client_op_id: string | null;
}

const CHECK_COLUMNS: ReadonlyArray<readonly [keyof NewCheck, JsonCast]> = [
  ['id', 'text'],
  ['order_id', 'text'],
  ['date', 'text'],
  ['slot', 'text'],
  ['temperature', 'double precision'],
  ['symptoms', 'text'],
  ['by', 'text'],
  ['recorded_by', 'text'],
  ['recorded_at', 'bigint'],
  ['client_op_id', 'text'],
];

/** Inserts checks: a phone's whole batch is one statement. */
export async function insertChecksTx(trx: Tx, dialect: Dialect, rows: readonly NewCheck[]): Promise<void> {
  if (rows.length) await insertJsonRows(trx, dialect, 'quarantine_check', CHECK_COLUMNS, rows);
}

export type CheckRow = NewCheck;

export async function checkOfSlot(ex: Executor, orderId: string, date: string, slot: string) {
  return ex
    .selectFrom('quarantine_check')
    .select('id')
    .where('order_id', '=', orderId)
    .where('date', '=', date)
    .where('slot', '=', slot)
    .executeTakeFirst();
}

/** The (order, date, slot) keys among these that already have a check: one statement (the lists as JSON). */
export async function takenSlots(
  ex: Executor,
  dialect: Dialect,
  orderIds: readonly string[],
  dates: readonly string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  if (!dates.length || !orderIds.length) return out;
  const rows = await ex
    .selectFrom('quarantine_check')
    .select(['order_id', 'date', 'slot'])
    .where('order_id', 'in', jsonIdList(dialect, [...new Set(orderIds)]))
    .where('date', 'in', jsonIdList(dialect, [...new Set(dates)]))
    .execute();
  for (const r of rows) out.add(`${r.order_id}|${r.date}|${r.slot}`);
  return out;
}

/** The phone operation ids among these already applied: one statement. */
export async function knownClientOps(ex: Executor, dialect: Dialect, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (!ids.length) return out;
  const rows = await ex
    .selectFrom('quarantine_check')
    .select('client_op_id')
    .where('client_op_id', 'in', jsonIdList(dialect, ids))
    .execute();
  for (const r of rows) if (r.client_op_id) out.add(r.client_op_id);
  return out;
}

/** What a check needs to know of each order: its status and area, and its current stay's site and the site's area. */
export interface CheckTarget {
  id: string;
  status: string;
  area_path: string;
  site_id: string | null;
  room_id: string | null;
  site_path: string | null;
}

/** The orders among these with their current stay and site: one statement for a phone's whole batch. */
export async function checkTargets(
  ex: Executor,
  dialect: Dialect,
  orderIds: readonly string[],
): Promise<Map<string, CheckTarget>> {
  const out = new Map<string, CheckTarget>();
  if (!orderIds.length) return out;
  const rows = await ex
    .selectFrom('quarantine_order as o')
    .leftJoin('quarantine_stay as st', (j) => j.onRef('st.order_id', '=', 'o.id').on('st.status', '=', 'current'))
    .leftJoin('quarantine_site as s', 's.id', 'st.site_id')
    .select(['o.id', 'o.status', 'o.area_path', 'st.site_id', 'st.room_id', 's.area_path as site_path'])
    .where('o.id', 'in', jsonIdList(dialect, [...new Set(orderIds)]))
    .execute();
  for (const r of rows) out.set(r.id, r);
  return out;
}

export async function checksOfOrder(ex: Executor, orderId: string, limit = 28): Promise<CheckRow[]> {
  return ex
    .selectFrom('quarantine_check')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('date', 'desc')
    .orderBy('slot', 'desc')
    .limit(limit)
    .execute();
}

export async function checksOfDate(ex: Executor, orderIds: readonly string[], date: string): Promise<CheckRow[]> {
  const out: CheckRow[] = [];
  for (const part of chunks(orderIds))
    out.push(
      ...(await ex
        .selectFrom('quarantine_check')
        .selectAll()
        .where('order_id', 'in', part)
        .where('date', '=', date)
        .execute()),
    );
  return out;
}

export interface NewAlert {
  id: string;
  order_id: string;
  site_id: string | null;
  kind: string;
  date: string;
  slot: string | null;
  detail: string;
  raised_at: number;
}

const ALERT_COLUMNS: ReadonlyArray<readonly [keyof NewAlert | 'status', JsonCast]> = [
  ['id', 'text'],
  ['order_id', 'text'],
  ['site_id', 'text'],
  ['kind', 'text'],
  ['date', 'text'],
  ['slot', 'text'],
  ['detail', 'text'],
  ['status', 'text'],
  ['raised_at', 'bigint'],
];

/**
 * Raises alerts once: an (order, kind, date, slot) already raised — by this process or another — is left
 * alone. One statement for the batch; the ids of the alerts raised.
 */
export async function raiseAlertsTx(trx: Executor, dialect: Dialect, rows: readonly NewAlert[]): Promise<string[]> {
  if (!rows.length) return [];
  return insertJsonRows(
    trx,
    dialect,
    'quarantine_alert',
    ALERT_COLUMNS,
    rows.map((r) => ({ ...r, status: 'open' })),
    { onConflict: ['order_id', 'kind', 'date', 'slot'], returning: 'id' },
  );
}

export interface AlertRow {
  id: string;
  order_id: string;
  site_id: string | null;
  kind: string;
  date: string;
  slot: string | null;
  detail: string;
  status: string;
  follow_up: string | null;
  handled_by: string | null;
  handled_at: number | null;
  raised_at: number;
  person_name: string;
  area_path: string;
}

function alertQuery(ex: Executor) {
  return ex
    .selectFrom('quarantine_alert as a')
    .innerJoin('quarantine_order as o', 'o.id', 'a.order_id')
    .select([
      'a.id',
      'a.order_id',
      'a.site_id',
      'a.kind',
      'a.date',
      'a.slot',
      'a.detail',
      'a.status',
      'a.follow_up',
      'a.handled_by',
      'a.handled_at',
      'a.raised_at',
      'o.person_id',
      'o.area_path',
    ]);
}

export async function alertById(ex: Executor, id: string): Promise<AlertRow | undefined> {
  const row = await alertQuery(ex).where('a.id', '=', id).executeTakeFirst();
  return row ? (await withPersonNames(ex, [row]))[0] : undefined;
}

export async function listAlerts(
  ex: Executor,
  f: { siteIds?: readonly string[]; areaPath: string; status?: string; orderId?: string },
  page: { limit: number; offset: number },
): Promise<{ items: AlertRow[]; total: number }> {
  let q = alertQuery(ex).where('o.area_path', 'like', `${f.areaPath}%`);
  if (f.siteIds) q = q.where('a.site_id', 'in', f.siteIds.length ? [...f.siteIds] : ['']);
  if (f.status) q = q.where('a.status', '=', f.status);
  if (f.orderId) q = q.where('a.order_id', '=', f.orderId);
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const items = await q.orderBy('a.raised_at', 'desc').orderBy('a.id').limit(page.limit).offset(page.offset).execute();
  return { items: await withPersonNames(ex, items), total: Number(total.n) };
}

export async function followUpAlertTx(
  trx: Tx,
  id: string,
  v: { status: string; follow_up: string; handled_by: string; handled_at: number },
): Promise<void> {
  await trx.updateTable('quarantine_alert').set(v).where('id', '=', id).execute();
}

export interface RequestRow {
  id: string;
  order_id: string;
  site_id: string | null;
  kind: string;
  detail: string;
  status: string;
  note: string | null;
  created_by: string | null;
  handled_by: string | null;
  created_at: number;
  updated_at: number;
  person_name: string;
  area_path: string;
}

function requestQuery(ex: Executor) {
  return ex
    .selectFrom('quarantine_request as r')
    .innerJoin('quarantine_order as o', 'o.id', 'r.order_id')
    .select([
      'r.id',
      'r.order_id',
      'r.site_id',
      'r.kind',
      'r.detail',
      'r.status',
      'r.note',
      'r.created_by',
      'r.handled_by',
      'r.created_at',
      'r.updated_at',
      'o.person_id',
      'o.area_path',
    ]);
}

export async function insertRequestTx(
  trx: Tx,
  row: Omit<RequestRow, 'person_name' | 'area_path' | 'note' | 'handled_by'>,
): Promise<void> {
  await trx
    .insertInto('quarantine_request')
    .values({ ...row, note: null, handled_by: null })
    .execute();
}

export async function requestById(ex: Executor, id: string): Promise<RequestRow | undefined> {
  const row = await requestQuery(ex).where('r.id', '=', id).executeTakeFirst();
  return row ? (await withPersonNames(ex, [row]))[0] : undefined;
}

export async function listRequests(
  ex: Executor,
  f: { siteIds?: readonly string[]; areaPath: string; status?: string; orderId?: string },
  page: { limit: number; offset: number },
): Promise<{ items: RequestRow[]; total: number }> {
  let q = requestQuery(ex).where('o.area_path', 'like', `${f.areaPath}%`);
  if (f.siteIds) q = q.where('r.site_id', 'in', f.siteIds.length ? [...f.siteIds] : ['']);
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.orderId) q = q.where('r.order_id', '=', f.orderId);
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const items = await q.orderBy('r.created_at', 'desc').orderBy('r.id').limit(page.limit).offset(page.offset).execute();
  return { items: await withPersonNames(ex, items), total: Number(total.n) };
}

export async function updateRequestTx(
  trx: Tx,
  id: string,
  v: { status: string; note: string | null; handled_by: string; updated_at: number },
): Promise<void> {
  await trx.updateTable('quarantine_request').set(v).where('id', '=', id).execute();
}

/** The current stays of a site with their orders and people (the rounds page, the site board). */
export async function currentOccupants(ex: Executor, siteId: string) {
  const rows = await ex
    .selectFrom('quarantine_stay as st')
    .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
    .select([
      'st.room_id',
      'st.from_at',
      'o.id as order_id',
      'o.kind',
      'o.start_at',
      'o.care_needs',
      'o.area_path',
      'o.person_id',
    ])
    .where('st.site_id', '=', siteId)
    .where('st.status', '=', 'current')
    .where('o.status', '=', 'active')
    .execute();
  return withPersonNames(ex, rows);
}

/** Active orders in a current stay, for the missed-check sweep: their site and since when they are there. */
export async function staysForSweep(ex: Executor) {
  return ex
    .selectFrom('quarantine_stay as st')
    .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
    .select(['o.id as order_id', 'st.site_id', 'st.from_at', 'st.created_at'])
    .where('st.status', '=', 'current')
    .where('o.status', '=', 'active')
    .execute();
}

export async function orderFull(ex: Executor, id: string) {
  const row = await ex
    .selectFrom('quarantine_order as o')
    .select([
      'o.id',
      'o.kind',
      'o.status',
      'o.place',
      'o.area_path',
      'o.start_at',
      'o.centralised_until',
      'o.ends_at',
      'o.care_needs',
      'o.test_days',
      'o.person_id',
    ])
    .where('o.id', '=', id)
    .executeTakeFirst();
  return row ? (await withPersonNames(ex, [row]))[0] : undefined;
}

/** Each order's current room (site and number). */
export async function currentRooms(
  ex: Executor,
  orderIds: readonly string[],
): Promise<Map<string, { site_id: string; room_id: string; number: string }>> {
  const map = new Map<string, { site_id: string; room_id: string; number: string }>();
  for (const part of chunks([...new Set(orderIds)])) {
    const rows = await ex
      .selectFrom('quarantine_stay as st')
      .innerJoin('quarantine_room as r', 'r.id', 'st.room_id')
      .select(['st.order_id', 'st.site_id', 'st.room_id', 'r.number'])
      .where('st.order_id', 'in', part)
      .where('st.status', '=', 'current')
      .execute();
    for (const r of rows) map.set(r.order_id, { site_id: r.site_id, room_id: r.room_id, number: r.number });
  }
  return map;
}

/** Active orders with their schedules and current site (none at home), for the missed-test sweep. */
export async function ordersForTestSweep(ex: Executor) {
  return ex
    .selectFrom('quarantine_order as o')
    .leftJoin('quarantine_stay as st', (j) => j.onRef('st.order_id', '=', 'o.id').on('st.status', '=', 'current'))
    .select(['o.id as order_id', 'o.person_id', 'o.test_days', 'o.created_at', 'st.site_id'])
    .where('o.status', '=', 'active')
    .where('o.test_days', '!=', '[]')
    .execute();
}

/** The missed-test alerts of an order (the order page shows them). */
export async function missedTestAlerts(ex: Executor, orderId: string) {
  return ex
    .selectFrom('quarantine_alert')
    .select(['id', 'date', 'slot', 'detail', 'status', 'follow_up', 'raised_at'])
    .where('order_id', '=', orderId)
    .where('kind', '=', 'missed_test')
    .orderBy('date')
    .execute();
}

/** Open site alerts of a kind under `path` raised before `before` (the command centre's "unanswered" alert). */
export async function openAlertsBefore(
  ex: Executor,
  path: string,
  kind: string,
  before: number,
): Promise<Array<{ id: string; site_id: string | null; raised_at: number; area_id: string; area_path: string }>> {
  const rows = await ex
    .selectFrom('quarantine_alert as a')
    .innerJoin('quarantine_order as o', 'o.id', 'a.order_id')
    .select(['a.id', 'a.site_id', 'a.raised_at', 'o.area_id', 'o.area_path'])
    .where('a.kind', '=', kind)
    .where('a.status', '=', 'open')
    .where('a.raised_at', '<', before)
    .where('o.area_path', 'like', `${path}%`)
    .execute();
  return rows.map((r) => ({ ...r, raised_at: Number(r.raised_at) }));
}
