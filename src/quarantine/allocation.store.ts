// SQL of allocation and transport: the rooms of sites with their current and planned occupants, the
// orders waiting for a room, stays (planned → current → ended), planned transfers and order events.
import { sql } from 'kysely';
import type { Dialect, Executor, Tx } from '../db/database.ts';
import { insertJsonRows, jsonIdList, type JsonCast } from '../db/sql.ts';
import { personHomes } from '../registry/registry.store.ts';

export interface SiteRow {
  id: string;
  name: string;
  area_path: string;
  status: string;
  address: string;
}

export async function sitesByIds(ex: Executor, ids: readonly string[]): Promise<SiteRow[]> {
  if (!ids.length) return [];
  return ex
    .selectFrom('quarantine_site')
    .select(['id', 'name', 'area_path', 'status', 'address'])
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * Holds the sites' rows until the transaction ends (PostgreSQL), so two plans, adjustments or moves on
 * one site take turns: the second sees the first's stays. SQLite's transactions begin IMMEDIATE already.
 */
export async function lockSitesTx(trx: Tx, dialect: Dialect, ids: readonly string[]): Promise<void> {
  if (dialect !== 'postgres' || !ids.length) return;
  await trx
    .selectFrom('quarantine_site')
    .select('id')
    .where('id', 'in', [...ids].sort())
    .orderBy('id')
    .forUpdate()
    .execute();
}

export interface RoomRow {
  id: string;
  site_id: string;
  floor: number;
  number: string;
  kind: string;
  beds: number;
  status: string;
  disinfection_due_at: number | null;
  disinfected_at: number | null;
}

export async function roomsOfSites(ex: Executor, siteIds: readonly string[]): Promise<RoomRow[]> {
  if (!siteIds.length) return [];
  return ex
    .selectFrom('quarantine_room')
    .select(['id', 'site_id', 'floor', 'number', 'kind', 'beds', 'status', 'disinfection_due_at', 'disinfected_at'])
    .where('site_id', 'in', [...siteIds])
    .orderBy('site_id')
    .orderBy('floor')
    .orderBy('number')
    .execute();
}

/** Rooms by id: one statement however many (a plan's rooms). */
export async function roomsByIds(ex: Executor, dialect: Dialect, ids: readonly string[]): Promise<RoomRow[]> {
  if (!ids.length) return [];
  return ex
    .selectFrom('quarantine_room')
    .select(['id', 'site_id', 'floor', 'number', 'kind', 'beds', 'status', 'disinfection_due_at', 'disinfected_at'])
    .where('id', 'in', jsonIdList(dialect, [...new Set(ids)]))
    .execute();
}

export async function roomById(ex: Executor, id: string): Promise<RoomRow | undefined> {
  return ex
    .selectFrom('quarantine_room')
    .select(['id', 'site_id', 'floor', 'number', 'kind', 'beds', 'status', 'disinfection_due_at', 'disinfected_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** An order as allocation reads it. */
export interface OrderRow {
  id: string;
  person_id: string;
  kind: string;
  place: string;
  status: string;
  area_path: string;
  household_id: string | null;
  guardian_person_id: string | null;
  care_needs: string;
  case_id: string | null;
  start_at: number;
}

const ORDER_COLUMNS = [
  'o.id',
  'o.person_id',
  'o.kind',
  'o.place',
  'o.status',
  'o.area_path',
  'o.household_id',
  'o.guardian_person_id',
  'o.care_needs',
  'o.case_id',
  'o.start_at',
] as const;

/** A stay's occupant: the order it serves, with what the sharing rule reads. */
export interface OccupantRow extends OrderRow {
  room_id: string;
  stay_id: string;
  stay_status: string;
}

/** The planned and current stays in the rooms of the sites, with their orders (through the rooms: the stays' room index). */
export async function occupantsOfSites(ex: Executor, siteIds: readonly string[]): Promise<OccupantRow[]> {
  if (!siteIds.length) return [];
  return ex
    .selectFrom('quarantine_room as r')
    .innerJoin('quarantine_stay as st', 'st.room_id', 'r.id')
    .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
    .select([...ORDER_COLUMNS, 'st.room_id', 'st.id as stay_id', 'st.status as stay_status'])
    .where('r.site_id', 'in', [...siteIds])
    .where('st.status', 'in', ['planned', 'current'])
    .execute();
}

/** The planned and current stays in these rooms, with their orders, except those of the plan named: one statement. */
export async function occupantsOfRooms(
  ex: Executor,
  dialect: Dialect,
  roomIds: readonly string[],
  exceptPlanId?: string,
): Promise<OccupantRow[]> {
  if (!roomIds.length) return [];
  let q = ex
    .selectFrom('quarantine_stay as st')
    .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
    .select([...ORDER_COLUMNS, 'st.room_id', 'st.id as stay_id', 'st.status as stay_status'])
    .where('st.room_id', 'in', jsonIdList(dialect, [...new Set(roomIds)]))
    .where('st.status', 'in', ['planned', 'current']);
  if (exceptPlanId) q = q.where((eb) => eb.or([eb('st.plan_id', 'is', null), eb('st.plan_id', '<>', exceptPlanId)]));
  return q.execute();
}

/** The rooms where these orders have a planned or current stay (a guardian's room): one statement. */
export async function roomsOfOrders(
  ex: Executor,
  dialect: Dialect,
  orderIds: readonly string[],
): Promise<Array<{ order_id: string; room_id: string; site_id: string }>> {
  if (!orderIds.length) return [];
  return ex
    .selectFrom('quarantine_stay')
    .select(['order_id', 'room_id', 'site_id'])
    .where('order_id', 'in', jsonIdList(dialect, [...new Set(orderIds)]))
    .where('status', 'in', ['planned', 'current'])
    .execute();
}

export async function occupantsOfRoom(ex: Executor, roomId: string): Promise<OccupantRow[]> {
  return ex
    .selectFrom('quarantine_stay as st')
    .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
    .select([...ORDER_COLUMNS, 'st.room_id', 'st.id as stay_id', 'st.status as stay_status'])
    .where('st.room_id', '=', roomId)
    .where('st.status', 'in', ['planned', 'current'])
    .execute();
}

/**
 * Active centralised orders with no planned or current stay, and not transferred to a designated
 * hospital (the order continues there): the ones named, or every one of a case.
 */
export async function ordersWaiting(
  ex: Executor,
  dialect: Dialect,
  by: { orderIds?: readonly string[]; caseId?: string },
): Promise<OrderRow[]> {
  const out: OrderRow[] = [];
  const base = () =>
    ex
      .selectFrom('quarantine_order as o')
      .select([...ORDER_COLUMNS])
      .where('o.status', '=', 'active')
      .where('o.place', '=', 'centralised')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('quarantine_stay as st')
              .select('st.id')
              .whereRef('st.order_id', '=', 'o.id')
              .where('st.status', 'in', ['planned', 'current']),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('quarantine_transfer as tr')
              .select('tr.id')
              .whereRef('tr.order_id', '=', 'o.id')
              .where('tr.kind', '=', 'hospital')
              .where('tr.status', '=', 'done'),
          ),
        ),
      );
  if (by.caseId) out.push(...(await base().where('o.case_id', '=', by.caseId).orderBy('o.id').execute()));
  if (by.orderIds?.length)
    out.push(
      ...(await base()
        .where('o.id', 'in', jsonIdList(dialect, [...new Set(by.orderIds)]))
        .execute()),
    );
  const seen = new Set<string>();
  return out.filter((o) => (seen.has(o.id) ? false : (seen.add(o.id), true)));
}

export async function orderById(ex: Executor, id: string): Promise<OrderRow | undefined> {
  return ex
    .selectFrom('quarantine_order as o')
    .select([...ORDER_COLUMNS])
    .where('o.id', '=', id)
    .executeTakeFirst();
}

/** Orders by id: one statement however many (the ids as one JSON parameter). */
export async function ordersByIds(ex: Executor, dialect: Dialect, ids: readonly string[]): Promise<OrderRow[]> {
  if (!ids.length) return [];
  return ex
    .selectFrom('quarantine_order as o')
    .select([...ORDER_COLUMNS])
    .where('o.id', 'in', jsonIdList(dialect, [...new Set(ids)]))
    .execute();
}

/** Each person's active order (a guardian's, for a child's allocation): one statement. */
export async function activeOrdersOfPersons(
  ex: Executor,
  dialect: Dialect,
  personIds: readonly string[],
): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  if (!personIds.length) return map;
  const rows = await ex
    .selectFrom('quarantine_order')
    .select(['id', 'person_id'])
    .where('person_id', 'in', jsonIdList(dialect, [...new Set(personIds)]))
    .where('status', '=', 'active')
    .execute();
  for (const r of rows) map.set(r.person_id, r.id);
  return map;
}

export interface PersonRef {
  id: string;
  name: string;
  address: string;
  area_id: string;
}

/** People's names and home addresses (the household's, else the building's), asked of the registry. */
export async function personsByIds(ex: Executor, ids: readonly string[]): Promise<Map<string, PersonRef>> {
  const map = new Map<string, PersonRef>();
  for (const r of await personHomes(ex, ids)) {
    const home = r.address || [r.building_address, r.unit, r.door].filter(Boolean).join(' ');
    map.set(r.id, { id: r.id, name: r.name, address: home ?? '', area_id: r.area_id });
  }
  return map;
}

export interface NewStay {
  id: string;
  order_id: string;
  site_id: string;
  room_id: string;
  status: 'planned' | 'current';
  plan_id: string | null;
  from_at: number | null;
  created_at: number;
}

const STAY_COLUMNS: ReadonlyArray<readonly [keyof NewStay, JsonCast]> = [
  ['id', 'text'],
  ['order_id', 'text'],
  ['site_id', 'text'],
  ['room_id', 'text'],
  ['status', 'text'],
  ['plan_id', 'text'],
  ['from_at', 'bigint'],
  ['created_at', 'bigint'],
];

/** Inserts stays: a plan's are one statement. */
export async function insertStaysTx(trx: Tx, dialect: Dialect, rows: readonly NewStay[]): Promise<void> {
  if (rows.length) await insertJsonRows(trx, dialect, 'quarantine_stay', STAY_COLUMNS, rows);
}

export interface PlanStayRow {
  id: string;
  order_id: string;
  site_id: string;
  room_id: string;
  status: string;
}

export async function staysOfPlan(ex: Executor, planId: string): Promise<PlanStayRow[]> {
  return ex
    .selectFrom('quarantine_stay')
    .select(['id', 'order_id', 'site_id', 'room_id', 'status'])
    .where('plan_id', '=', planId)
    .orderBy('site_id')
    .orderBy('room_id')
    .orderBy('id')
    .execute();
}

export async function moveStayTx(trx: Tx, stayId: string, roomId: string, siteId: string): Promise<void> {
  await trx.updateTable('quarantine_stay').set({ room_id: roomId, site_id: siteId }).where('id', '=', stayId).execute();
}

export async function confirmPlanTx(trx: Tx, planId: string, now: number): Promise<number> {
  const res = await trx
    .updateTable('quarantine_stay')
    .set({ status: 'current', from_at: now })
    .where('plan_id', '=', planId)
    .where('status', '=', 'planned')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function dropPlanTx(trx: Tx, planId: string): Promise<number> {
  await trx.deleteFrom('quarantine_transfer').where('plan_id', '=', planId).where('status', '=', 'planned').execute();
  const res = await trx
    .deleteFrom('quarantine_stay')
    .where('plan_id', '=', planId)
    .where('status', '=', 'planned')
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function currentStayOfOrder(ex: Executor, orderId: string): Promise<PlanStayRow | undefined> {
  return ex
    .selectFrom('quarantine_stay')
    .select(['id', 'order_id', 'site_id', 'room_id', 'status'])
    .where('order_id', '=', orderId)
    .where('status', '=', 'current')
    .executeTakeFirst();
}

/** Ends a stay; when its room is then empty, the room awaits its terminal disinfection. */
export async function endStayTx(trx: Tx, stay: PlanStayRow, now: number): Promise<{ roomEmptied: boolean }> {
  await trx.updateTable('quarantine_stay').set({ status: 'ended', to_at: now }).where('id', '=', stay.id).execute();
  const left = await trx
    .selectFrom('quarantine_stay')
    .select(sql<number>`count(*)`.as('n'))
    .where('room_id', '=', stay.room_id)
    .where('status', 'in', ['planned', 'current'])
    .executeTakeFirstOrThrow();
  if (Number(left.n) > 0) return { roomEmptied: false };
  await trx
    .updateTable('quarantine_room')
    .set({ status: 'cleaning', disinfection_due_at: now, updated_at: now })
    .where('id', '=', stay.room_id)
    .execute();
  return { roomEmptied: true };
}

export interface NewTransfer {
  id: string;
  /** None for a case's transfer. */
  order_id: string | null;
  person_id: string;
  kind: 'pickup' | 'move' | 'hospital' | 'return';
  from_site_id: string | null;
  to_site_id: string | null;
  hospital_id: string | null;
  need: string | null;
  vehicle: string;
  escort: string;
  status: 'planned' | 'done';
  at: number;
  actor_id: string | null;
  plan_id: string | null;
}

const TRANSFER_COLUMNS: ReadonlyArray<readonly [keyof NewTransfer, JsonCast]> = [
  ['id', 'text'],
  ['order_id', 'text'],
  ['person_id', 'text'],
  ['kind', 'text'],
  ['from_site_id', 'text'],
  ['to_site_id', 'text'],
  ['hospital_id', 'text'],
  ['need', 'text'],
  ['vehicle', 'text'],
  ['escort', 'text'],
  ['status', 'text'],
  ['at', 'bigint'],
  ['actor_id', 'text'],
  ['plan_id', 'text'],
];

/** Inserts transfers: a plan's pick-ups are one statement. */
export async function insertTransfersTx(trx: Tx, dialect: Dialect, rows: readonly NewTransfer[]): Promise<void> {
  if (rows.length) await insertJsonRows(trx, dialect, 'quarantine_transfer', TRANSFER_COLUMNS, rows);
}

export interface TransferRow {
  id: string;
  order_id: string | null;
  person_id: string;
  kind: string;
  to_site_id: string | null;
  hospital_id: string | null;
  need: string | null;
  vehicle: string;
  status: string;
}

export async function transfersOfPlan(ex: Executor, planId: string, kind?: string): Promise<TransferRow[]> {
  let q = ex
    .selectFrom('quarantine_transfer')
    .select(['id', 'order_id', 'person_id', 'kind', 'to_site_id', 'hospital_id', 'need', 'vehicle', 'status'])
    .where('plan_id', '=', planId);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('vehicle').orderBy('id').execute();
}

/** The order's latest leg to or from a designated hospital: a `hospital` leg means the person is there now. */
export async function lastHospitalLeg(
  ex: Executor,
  orderId: string,
): Promise<{ id: string; kind: string; hospital_id: string | null; at: number } | undefined> {
  const r = await ex
    .selectFrom('quarantine_transfer')
    .select(['id', 'kind', 'hospital_id', 'at'])
    .where('order_id', '=', orderId)
    .where('status', '=', 'done')
    .where('kind', 'in', ['hospital', 'return'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return r ? { ...r, at: Number(r.at) } : undefined;
}

export async function deletePlannedPickupsTx(trx: Tx, planId: string): Promise<void> {
  await trx
    .deleteFrom('quarantine_transfer')
    .where('plan_id', '=', planId)
    .where('kind', '=', 'pickup')
    .where('status', '=', 'planned')
    .execute();
}

export interface HospitalRow {
  id: string;
  name: string;
  designations: string;
  accepts_colours: string;
  beds_free: number;
}

export async function activeHospitals(ex: Executor): Promise<HospitalRow[]> {
  return ex
    .selectFrom('hospital')
    .select(['id', 'name', 'designations', 'accepts_colours', 'beds_free'])
    .where('active', '=', 1)
    .orderBy('name')
    .execute();
}

export async function hospitalNames(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await ex
    .selectFrom('hospital')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface OrderEvent {
  id: string;
  order_id: string;
  kind: string;
  detail: string;
  actor_id: string | null;
  at: number;
}

const EVENT_COLUMNS: ReadonlyArray<readonly [keyof OrderEvent, JsonCast]> = [
  ['id', 'text'],
  ['order_id', 'text'],
  ['kind', 'text'],
  ['detail', 'text'],
  ['actor_id', 'text'],
  ['at', 'bigint'],
];

/** Inserts order events: a confirmation's are one statement. */
export async function insertOrderEventsTx(trx: Tx, dialect: Dialect, rows: readonly OrderEvent[]): Promise<void> {
  if (rows.length) await insertJsonRows(trx, dialect, 'quarantine_order_event', EVENT_COLUMNS, rows);
}
