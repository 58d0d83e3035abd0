// Allocation and transport (安置、转运): a plan for a batch of people under centralised orders (the
// stays written as `planned` under one plan id, hospital routings as planned transfers), adjusted by
// the command centre, confirmed whole (stays become current, each vehicle's pick-up list is made), and
// moves between rooms and sites that keep the order and its history. Every change is audited.
import type { Services } from '../services.ts';
import type { Actor } from '../access/access.rules.ts';
import { assertInScope } from '../access/access.scope.ts';
import { auditActor } from '../access/auth.ts';
import type { Dialect, Executor, Tx } from '../db/database.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { newId } from '../platform/crypto.ts';
import { maskName } from '../platform/mask.ts';
import {
  allocate,
  checkAllocation,
  type AllocPerson,
  type AllocRoom,
  type Allocation,
  type Occupant,
  type Violation,
} from './allocation.rules.ts';
import type { AdjustBody, ConfirmBody, MoveBody, PickupList, PlanBody, PlanView } from './allocation.schema.ts';
import * as store from './allocation.store.ts';
import { siteIdsOfUser } from './sites.store.ts';
import { carePolicy } from './care.policy.ts';

// ---- site access ----------------------------------------------------------------------------------------

/** A site the actor may work on: staff of the quarantine_site role on its roster, others by the site's area. */
export async function assertSiteAccess(ex: Executor, actor: Actor, site: store.SiteRow): Promise<void> {
  if (actor.role === 'quarantine_site') {
    const mine = await siteIdsOfUser(ex, actor.userId);
    if (!mine.includes(site.id)) throw new AppError('OUT_OF_SCOPE');
  }
  assertInScope(actor, site.area_path);
}

export async function siteFor(ex: Executor, actor: Actor, siteId: string): Promise<store.SiteRow> {
  const [site] = await store.sitesByIds(ex, [siteId]);
  if (!site)
    throw new AppError(
      'ALLOCATION_SITE_NOT_FOUND',
      { siteId },
      { faults: [{ field: 'siteId', code: 'ALLOCATION_SITE_NOT_FOUND', params: { siteId } }] },
    );
  await assertSiteAccess(ex, actor, site);
  return site;
}

// ---- from rows to the allocator's shapes ------------------------------------------------------------------

export function needsOf(careNeeds: string): Record<string, boolean | string> {
  try {
    const v = JSON.parse(careNeeds) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    // An order writes its needs as a list ({ needs: ['elderly', …] }): each named need holds.
    const { needs, ...rest } = v as Record<string, unknown>;
    const out = rest as Record<string, boolean | string>;
    if (Array.isArray(needs)) for (const n of needs) if (typeof n === 'string') out[n] = true;
    return out;
  } catch {
    return {};
  }
}

/** The needs shown to staff: the keys that hold (the household's choice to stay together is not a need). */
export function needList(careNeeds: string): string[] {
  return Object.entries(needsOf(careNeeds))
    .filter(([k, v]) => k !== 'together' && Boolean(v))
    .map(([k]) => k)
    .sort();
}

function occupantOf(o: store.OrderRow, guardians: Map<string, string>): Occupant {
  return {
    orderId: o.id,
    orderKind: o.kind,
    householdId: o.household_id,
    together: needsOf(o.care_needs).together === true,
    guardianOrderId: o.guardian_person_id ? (guardians.get(o.guardian_person_id) ?? null) : null,
  };
}

function personOf(o: store.OrderRow, guardians: Map<string, string>): AllocPerson {
  return { ...occupantOf(o, guardians), needs: needsOf(o.care_needs) };
}

function awaitingDisinfection(r: store.RoomRow): boolean {
  return r.disinfection_due_at !== null && (r.disinfected_at === null || r.disinfected_at < r.disinfection_due_at);
}

/** Rooms of the sites in the order of `siteIds`, with their occupants except the stays left out. */
async function roomsFor(
  ex: Executor,
  dialect: Dialect,
  siteIds: readonly string[],
  leaveOut: ReadonlySet<string> = new Set(),
): Promise<{ rooms: AllocRoom[]; byId: Map<string, store.RoomRow> }> {
  const [rows, occupants] = await Promise.all([store.roomsOfSites(ex, siteIds), store.occupantsOfSites(ex, siteIds)]);
  return roomsWith(ex, dialect, rows, occupants, siteIds, leaveOut);
}

/** The rooms as the allocator and the checker see them: with their occupants except the stays left out. */
async function roomsWith(
  ex: Executor,
  dialect: Dialect,
  rows: readonly store.RoomRow[],
  occupants: readonly store.OccupantRow[],
  siteIds: readonly string[],
  leaveOut: ReadonlySet<string>,
): Promise<{ rooms: AllocRoom[]; byId: Map<string, store.RoomRow> }> {
  const guardians = await store.activeOrdersOfPersons(
    ex,
    dialect,
    occupants.flatMap((o) => (o.guardian_person_id ? [o.guardian_person_id] : [])),
  );
  const byRoom = new Map<string, Occupant[]>();
  for (const o of occupants) {
    if (leaveOut.has(o.stay_id)) continue;
    const list = byRoom.get(o.room_id) ?? [];
    list.push(occupantOf(o, guardians));
    byRoom.set(o.room_id, list);
  }
  const order = new Map(siteIds.map((id, i) => [id, i]));
  const sorted = [...rows].sort((a, b) => (order.get(a.site_id) ?? 0) - (order.get(b.site_id) ?? 0));
  return {
    rooms: sorted.map((r) => ({
      id: r.id,
      siteId: r.site_id,
      kind: r.kind,
      beds: r.beds,
      status: r.status,
      awaitingDisinfection: awaitingDisinfection(r),
      occupants: byRoom.get(r.id) ?? [],
    })),
    byId: new Map(rows.map((r) => [r.id, r])),
  };
}

const VIOLATION_CODES: Array<[Violation['rule'], ErrorCode]> = [
  ['room_not_in_service', 'ALLOCATION_ROOM_NOT_IN_SERVICE'],
  ['room_not_disinfected', 'ALLOCATION_ROOM_NOT_DISINFECTED'],
  ['beds_exceeded', 'ALLOCATION_ROOM_TAKEN'],
  ['kinds_mixed', 'ALLOCATION_ROOM_KINDS_MIXED'],
  ['strangers_share', 'ALLOCATION_ROOM_SHARED'],
  ['hospital_need_in_room', 'ALLOCATION_HOSPITAL_NEEDED'],
  ['accessible_need_not_met', 'ALLOCATION_ACCESSIBLE_ROOM_NEEDED'],
  ['child_without_guardian', 'ALLOCATION_CHILD_WITHOUT_GUARDIAN'],
];

/** The first broken constraint as its coded error, naming the room. */
function refuse(violations: readonly Violation[], room: store.RoomRow | undefined, need?: string): never {
  for (const [rule, code] of VIOLATION_CODES) {
    const hit = violations.find((v) => v.rule === rule);
    if (!hit) continue;
    const params = {
      room: room?.number ?? hit.roomId ?? '',
      beds: room?.beds ?? 0,
      status: room?.status ?? '',
      need: need ?? '',
    };
    throw new AppError(code, params, { faults: [{ field: 'roomId', code, params }] });
  }
  throw new AppError('INTERNAL');
}

/** A hospital for each routing: active, of the designation, accepting red codes (people under orders), with a free bed. */
async function hospitalsFor(ex: Executor, routed: Allocation['hospital']): Promise<Map<string, store.HospitalRow>> {
  const hospitals = await store.activeHospitals(ex);
  const parse = (t: string) => {
    try {
      return JSON.parse(t) as string[];
    } catch {
      return [];
    }
  };
  const byDesignation = new Map<string, store.HospitalRow>();
  for (const d of new Set(routed.map((h) => h.designation))) {
    const h = hospitals.find(
      (x) => parse(x.designations).includes(d) && parse(x.accepts_colours).includes('red') && x.beds_free > 0,
    );
    if (h) byDesignation.set(d, h);
  }
  return byDesignation;
}

// ---- plan ---------------------------------------------------------------------------------------------------

async function loadSites(ex: Executor, actor: Actor, siteIds: readonly string[]): Promise<store.SiteRow[]> {
  const unique = [...new Set(siteIds)];
  const sites = await store.sitesByIds(ex, unique);
  const byId = new Map(sites.map((x) => [x.id, x]));
  const out: store.SiteRow[] = [];
  for (const [i, id] of unique.entries()) {
    const site = byId.get(id);
    if (!site)
      throw new AppError(
        'ALLOCATION_SITE_NOT_FOUND',
        { siteId: id },
        { faults: [{ field: `siteIds[${i}]`, code: 'ALLOCATION_SITE_NOT_FOUND', params: { siteId: id } }] },
      );
    assertInScope(actor, site.area_path);
    if (site.status !== 'in_service')
      throw new AppError(
        'ALLOCATION_SITE_OUT_OF_SERVICE',
        { name: site.name },
        { faults: [{ field: `siteIds[${i}]`, code: 'ALLOCATION_SITE_OUT_OF_SERVICE', params: { name: site.name } }] },
      );
    out.push(site);
  }
  return out;
}

/** Plans rooms for a batch (orders named, or every waiting order of a case) in the sites chosen, in one transaction. */
export async function planAllocation(s: Services, actor: Actor, body: PlanBody): Promise<PlanView> {
  if (!body.orderIds?.length && !body.caseId) throw new AppError('ALLOCATION_NOTHING_TO_PLACE');
  const rules = carePolicy().allocation;
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const sites = await loadSites(trx, actor, body.siteIds);
    const siteIds = sites.map((x) => x.id);
    await store.lockSitesTx(trx, s.dialect, siteIds);
    const orders = await store.ordersWaiting(trx, s.dialect, { orderIds: body.orderIds, caseId: body.caseId });
    if (!orders.length) throw new AppError('ALLOCATION_NOTHING_TO_PLACE');
    for (const o of orders) assertInScope(actor, o.area_path);
    const [guardians, roomSet, persons] = await Promise.all([
      store.activeOrdersOfPersons(
        trx,
        s.dialect,
        orders.flatMap((o) => (o.guardian_person_id ? [o.guardian_person_id] : [])),
      ),
      roomsFor(trx, s.dialect, siteIds),
      store.personsByIds(
        trx,
        orders.map((o) => o.person_id),
      ),
    ]);
    const people = orders.map((o) => personOf(o, guardians));
    const result = allocate(people, roomSet.rooms, rules);
    // The plan's own check, over the same rows the allocator read: confirming checks only what may have changed since.
    if (checkAllocation(people, roomSet.rooms, rules, result).length) throw new AppError('INTERNAL');

    const planId = newId(now);
    const stays: store.NewStay[] = result.assignments.map((a) => ({
      id: newId(now),
      order_id: a.orderId,
      site_id: a.siteId,
      room_id: a.roomId,
      status: 'planned' as const,
      plan_id: planId,
      from_at: null,
      created_at: now,
    }));
    await store.insertStaysTx(trx, s.dialect, stays);
    const hospitals = await hospitalsFor(trx, result.hospital);
    const orderById = new Map(orders.map((o) => [o.id, o]));
    const routed: store.NewTransfer[] = result.hospital.map((h) => ({
      id: newId(now),
      order_id: h.orderId,
      person_id: orderById.get(h.orderId)!.person_id,
      kind: 'hospital' as const,
      from_site_id: null,
      to_site_id: null,
      hospital_id: hospitals.get(h.designation)?.id ?? null,
      need: h.need,
      vehicle: '',
      escort: '',
      status: 'planned' as const,
      at: now,
      actor_id: actor.userId,
      plan_id: planId,
    }));
    await store.insertTransfersTx(trx, s.dialect, routed);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.allocation.plan',
      objectType: 'allocation_plan',
      objectId: planId,
      detail: {
        caseId: body.caseId ?? null,
        siteIds,
        placed: result.assignments.length,
        hospital: result.hospital.length,
        unplaced: result.unplaced.length,
      },
    });
    // The plan as written, from what this transaction holds (nothing is read again).
    return viewOf({
      planId,
      status: 'planned',
      stays,
      routed,
      unplaced: result.unplaced,
      orders: orderById,
      persons,
      sites: new Map(sites.map((x) => [x.id, x])),
      rooms: roomSet.byId,
      hospitalNames: new Map([...hospitals.values()].map((h) => [h.id, h.name])),
      vehicles: 0,
    });
  });
}

/** The plan as the command centre sees it: who goes to which room or hospital (names masked). */
export async function getPlan(s: Services, actor: Actor, planId: string): Promise<PlanView> {
  return planView(s.db, s.dialect, actor, planId, []);
}

/** What a plan's view is made of, read or already in hand. */
interface PlanParts {
  planId: string;
  status: PlanView['status'];
  stays: ReadonlyArray<Pick<store.PlanStayRow, 'id' | 'order_id' | 'site_id' | 'room_id'>>;
  /** The plan's hospital routings. */
  routed: ReadonlyArray<Pick<store.TransferRow, 'id' | 'order_id' | 'need' | 'hospital_id'>>;
  unplaced: Allocation['unplaced'];
  orders: ReadonlyMap<string, store.OrderRow>;
  persons: ReadonlyMap<string, store.PersonRef>;
  sites: ReadonlyMap<string, store.SiteRow>;
  rooms: ReadonlyMap<string, store.RoomRow>;
  hospitalNames: ReadonlyMap<string, string>;
  vehicles: number;
}

const byStay = (a: PlanParts['stays'][number], b: PlanParts['stays'][number]) =>
  a.site_id < b.site_id
    ? -1
    : a.site_id > b.site_id
      ? 1
      : a.room_id < b.room_id
        ? -1
        : a.room_id > b.room_id
          ? 1
          : a.id < b.id
            ? -1
            : a.id > b.id
              ? 1
              : 0;

function viewOf(p: PlanParts): PlanView {
  const nameOf = (orderId: string) => {
    const o = p.orders.get(orderId);
    return maskName(p.persons.get(o?.person_id ?? '')?.name ?? '');
  };
  const rules = carePolicy().allocation;
  return {
    planId: p.planId,
    status: p.status,
    placed: [...p.stays].sort(byStay).map((x) => {
      const o = p.orders.get(x.order_id)!;
      const r = p.rooms.get(x.room_id)!;
      return {
        stayId: x.id,
        orderId: x.order_id,
        personName: nameOf(x.order_id),
        orderKind: o.kind,
        needs: needList(o.care_needs),
        siteId: x.site_id,
        siteName: p.sites.get(x.site_id)?.name ?? '',
        roomId: x.room_id,
        roomNumber: r.number,
        roomKind: r.kind,
        floor: r.floor,
      };
    }),
    hospital: [...p.routed]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((t) => ({
        orderId: t.order_id ?? '',
        personName: nameOf(t.order_id ?? ''),
        need: t.need ?? '',
        designation: rules.hospitalNeeds[t.need ?? ''] ?? (t.need === 'accessible' ? 'treatment' : ''),
        hospitalId: t.hospital_id,
        hospitalName: t.hospital_id ? (p.hospitalNames.get(t.hospital_id) ?? null) : null,
      })),
    unplaced: p.unplaced.map((u) => ({ orderId: u.orderId, personName: nameOf(u.orderId), reason: u.reason })),
    vehicles: p.vehicles,
  };
}

async function planView(
  ex: Executor,
  dialect: Dialect,
  actor: Actor,
  planId: string,
  unplaced: Allocation['unplaced'],
): Promise<PlanView> {
  const [stays, transfers] = await Promise.all([store.staysOfPlan(ex, planId), store.transfersOfPlan(ex, planId)]);
  if (!stays.length && !transfers.length && !unplaced.length) throw new AppError('ALLOCATION_PLAN_NOT_FOUND');
  const routed = transfers.filter((t) => t.kind === 'hospital');
  const orderIds = [
    ...stays.map((x) => x.order_id),
    ...routed.flatMap((t) => (t.order_id ? [t.order_id] : [])),
    ...unplaced.map((u) => u.orderId),
  ];
  const orders = new Map((await store.ordersByIds(ex, dialect, orderIds)).map((o) => [o.id, o]));
  for (const o of orders.values()) assertInScope(actor, o.area_path);
  const siteIds = [...new Set(stays.map((x) => x.site_id))];
  const [persons, sites, rooms, hospitalNames] = await Promise.all([
    store.personsByIds(
      ex,
      [...orders.values()].map((o) => o.person_id),
    ),
    store.sitesByIds(ex, siteIds),
    store.roomsByIds(
      ex,
      dialect,
      stays.map((x) => x.room_id),
    ),
    store.hospitalNames(
      ex,
      routed.flatMap((t) => (t.hospital_id ? [t.hospital_id] : [])),
    ),
  ]);
  return viewOf({
    planId,
    status: stays.some((x) => x.status === 'planned') || !stays.length ? 'planned' : 'confirmed',
    stays,
    routed,
    unplaced,
    orders,
    persons,
    sites: new Map(sites.map((x) => [x.id, x])),
    rooms: new Map(rooms.map((r) => [r.id, r])),
    hospitalNames,
    vehicles: new Set(transfers.filter((t) => t.kind === 'pickup').map((t) => t.vehicle)).size,
  });
}

/** Checks one person's placement in a room against every hard constraint; throws the first broken one. */
async function assertPlacement(
  trx: Tx,
  dialect: Dialect,
  order: store.OrderRow,
  room: store.RoomRow,
  leaveOut: ReadonlySet<string>,
  alsoSites: readonly string[],
): Promise<void> {
  const rules = carePolicy().allocation;
  const guardians = await store.activeOrdersOfPersons(
    trx,
    dialect,
    order.guardian_person_id ? [order.guardian_person_id] : [],
  );
  const person = personOf(order, guardians);
  const { rooms } = await roomsFor(trx, dialect, [...new Set([room.site_id, ...alsoSites])], leaveOut);
  const violations = checkAllocation([person], rooms, rules, {
    assignments: [{ orderId: order.id, roomId: room.id, siteId: room.site_id }],
    hospital: [],
    unplaced: [],
  });
  const need = Object.keys(rules.hospitalNeeds).find((n) => Boolean(person.needs[n]));
  if (violations.length) refuse(violations, room, need);
}

async function roomOrRefuse(ex: Executor, actor: Actor, roomId: string): Promise<store.RoomRow> {
  const room = await store.roomById(ex, roomId);
  if (!room)
    throw new AppError(
      'ALLOCATION_ROOM_NOT_FOUND',
      { roomId },
      { faults: [{ field: 'roomId', code: 'ALLOCATION_ROOM_NOT_FOUND', params: { roomId } }] },
    );
  const [site] = await store.sitesByIds(ex, [room.site_id]);
  assertInScope(actor, site!.area_path);
  return room;
}

/**
 * Places a person whose order continues (back from a designated hospital) in a room, under every
 * constraint a move meets: the room in the actor's scope, disinfected, not shared across orders. The
 * caller's transaction records the transfer and the event.
 */
export async function placeInRoomTx(
  trx: Tx,
  dialect: Dialect,
  actor: Actor,
  order: store.OrderRow,
  roomId: string,
  at: number,
  stayId: string,
): Promise<store.RoomRow> {
  const room = await roomOrRefuse(trx, actor, roomId);
  await store.lockSitesTx(trx, dialect, [room.site_id]);
  await assertPlacement(trx, dialect, order, room, new Set(), []);
  await store.insertStaysTx(trx, dialect, [
    {
      id: stayId,
      order_id: order.id,
      site_id: room.site_id,
      room_id: room.id,
      status: 'current',
      plan_id: null,
      from_at: at,
      created_at: at,
    },
  ]);
  return room;
}

/** Moves one planned placement of the plan to another room (of any site in scope), under every constraint. */
export async function adjustPlan(s: Services, actor: Actor, planId: string, body: AdjustBody): Promise<PlanView> {
  return s.db.transaction().execute(async (trx) => {
    const stays = await store.staysOfPlan(trx, planId);
    if (!stays.length) throw new AppError('ALLOCATION_PLAN_NOT_FOUND');
    const stay = stays.find((x) => x.id === body.stayId);
    if (!stay) throw new AppError('ALLOCATION_STAY_NOT_IN_PLAN');
    if (stay.status !== 'planned') throw new AppError('ALLOCATION_PLAN_CONFIRMED');
    const room = await roomOrRefuse(trx, actor, body.roomId);
    await store.lockSitesTx(trx, s.dialect, [stay.site_id, room.site_id]);
    const order = (await store.orderById(trx, stay.order_id))!;
    assertInScope(actor, order.area_path);
    await assertPlacement(trx, s.dialect, order, room, new Set([stay.id]), [stay.site_id]);
    await store.moveStayTx(trx, stay.id, room.id, room.site_id);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.allocation.adjust',
      objectType: 'allocation_plan',
      objectId: planId,
      detail: { orderId: order.id, fromRoomId: stay.room_id, roomId: room.id },
    });
    return planView(trx, s.dialect, actor, planId, []);
  });
}

/**
 * The rooms a plan's stays go to, as they are now (their other occupants: current stays and other
 * plans'), with the rooms of the sites where the plan's children's guardians already stay. Every hard
 * constraint is a room's or a person's, so these are all confirming must check again: the plan's own
 * checker already ran over the sites' other rooms when it was made.
 */
async function roomsOfPlan(
  trx: Tx,
  dialect: Dialect,
  planId: string,
  stays: readonly store.PlanStayRow[],
  guardianOrders: readonly string[],
): Promise<{ rooms: AllocRoom[]; byId: Map<string, store.RoomRow> }> {
  const siteIds = [...new Set(stays.map((x) => x.site_id))];
  const sites = new Set(siteIds);
  const guardianRooms = (await store.roomsOfOrders(trx, dialect, guardianOrders)).filter((x) => sites.has(x.site_id));
  const roomIds = [...new Set([...stays.map((x) => x.room_id), ...guardianRooms.map((x) => x.room_id)])];
  const [rows, occupants] = await Promise.all([
    store.roomsByIds(trx, dialect, roomIds),
    store.occupantsOfRooms(trx, dialect, roomIds, planId),
  ]);
  return roomsWith(trx, dialect, rows, occupants, siteIds, new Set(stays.map((x) => x.id)));
}

/** Confirms the plan whole: stays become current, each vehicle's pick-up list is made, every order gets its event. */
export async function confirmPlan(s: Services, actor: Actor, planId: string, body: ConfirmBody): Promise<PlanView> {
  const seats = body.vehicleSeats ?? carePolicy().allocation.vehicleSeats;
  const rules = carePolicy().allocation;
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const all = await store.staysOfPlan(trx, planId);
    const stays = all.filter((x) => x.status === 'planned');
    if (!stays.length) throw new AppError(all.length ? 'ALLOCATION_PLAN_CONFIRMED' : 'ALLOCATION_PLAN_NOT_FOUND');
    const siteIds = [...new Set(stays.map((x) => x.site_id))];
    await store.lockSitesTx(trx, s.dialect, siteIds);
    const routed = await store.transfersOfPlan(trx, planId, 'hospital');
    const orders = await store.ordersByIds(trx, s.dialect, [
      ...stays.map((x) => x.order_id),
      ...routed.flatMap((t) => (t.order_id ? [t.order_id] : [])),
    ]);
    for (const o of orders) assertInScope(actor, o.area_path);
    const orderById = new Map(orders.map((o) => [o.id, o]));
    const placedOrders = stays.map((x) => orderById.get(x.order_id)!);
    // Checked again: nothing may have changed the plan's rooms since the plan was made.
    const guardians = await store.activeOrdersOfPersons(
      trx,
      s.dialect,
      placedOrders.flatMap((o) => (o.guardian_person_id ? [o.guardian_person_id] : [])),
    );
    const [{ rooms, byId }, persons, sites] = await Promise.all([
      roomsOfPlan(trx, s.dialect, planId, stays, [...guardians.values()]),
      store.personsByIds(
        trx,
        orders.map((o) => o.person_id),
      ),
      store.sitesByIds(trx, siteIds),
    ]);
    const violations = checkAllocation(
      placedOrders.map((o) => personOf(o, guardians)),
      rooms,
      rules,
      {
        assignments: stays.map((x) => ({ orderId: x.order_id, roomId: x.room_id, siteId: x.site_id })),
        hospital: [],
        unplaced: [],
      },
    ).filter((v) => v.rule !== 'missing');
    if (violations.length) refuse(violations, byId.get(violations[0]!.roomId ?? ''));

    await store.confirmPlanTx(trx, planId, now);
    // Vehicles: per site, people of one address ride together, in seats of `seats`.
    await store.deletePlannedPickupsTx(trx, planId);
    const transfers: store.NewTransfer[] = [];
    let vehicleNo = 0;
    const bySite = new Map<string, store.PlanStayRow[]>();
    for (const x of stays) {
      const list = bySite.get(x.site_id);
      if (list) list.push(x);
      else bySite.set(x.site_id, [x]);
    }
    for (const siteId of siteIds) {
      const byAddress = new Map<string, store.PlanStayRow[]>();
      for (const x of bySite.get(siteId) ?? []) {
        const address = persons.get(orderById.get(x.order_id)!.person_id)?.address ?? '';
        const list = byAddress.get(address);
        if (list) list.push(x);
        else byAddress.set(address, [x]);
      }
      let load = seats;
      let vehicle = '';
      for (const [, group] of [...byAddress.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (load + group.length > seats) {
          vehicleNo += 1;
          vehicle = `V${String(vehicleNo).padStart(2, '0')}`;
          load = 0;
        }
        load += group.length;
        for (const x of group)
          transfers.push({
            id: newId(now),
            order_id: x.order_id,
            person_id: orderById.get(x.order_id)!.person_id,
            kind: 'pickup',
            from_site_id: null,
            to_site_id: siteId,
            hospital_id: null,
            need: null,
            vehicle,
            escort: '',
            status: 'planned',
            at: now,
            actor_id: actor.userId,
            plan_id: planId,
          });
      }
    }
    await store.insertTransfersTx(trx, s.dialect, transfers);
    await store.insertOrderEventsTx(
      trx,
      s.dialect,
      stays.map((x) => ({
        id: newId(now),
        order_id: x.order_id,
        kind: 'allocated',
        detail: JSON.stringify({ planId, siteId: x.site_id, roomId: x.room_id }),
        actor_id: actor.userId,
        at: now,
      })),
    );
    // One audit event for the whole confirmation (the plan id leads to every order's `allocated` event).
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.allocation.confirm',
      objectType: 'allocation_plan',
      objectId: planId,
      reason: body.note,
      detail: { placed: stays.length, vehicles: vehicleNo, seats },
    });
    const hospitalNames = await store.hospitalNames(
      trx,
      routed.flatMap((t) => (t.hospital_id ? [t.hospital_id] : [])),
    );
    return viewOf({
      planId,
      status: 'confirmed',
      stays: all,
      routed,
      unplaced: [],
      orders: orderById,
      persons,
      sites: new Map(sites.map((x) => [x.id, x])),
      rooms: byId,
      hospitalNames,
      vehicles: new Set(transfers.map((t) => t.vehicle)).size,
    });
  });
}

/** Drops a plan's planned placements and routings (nothing confirmed is touched). */
export async function cancelPlan(s: Services, actor: Actor, planId: string): Promise<{ dropped: number }> {
  return s.db.transaction().execute(async (trx) => {
    const stays = await store.staysOfPlan(trx, planId);
    if (!stays.length) throw new AppError('ALLOCATION_PLAN_NOT_FOUND');
    const orders = await store.ordersByIds(
      trx,
      s.dialect,
      stays.map((x) => x.order_id),
    );
    for (const o of orders) assertInScope(actor, o.area_path);
    if (!stays.some((x) => x.status === 'planned')) throw new AppError('ALLOCATION_PLAN_CONFIRMED');
    const dropped = await store.dropPlanTx(trx, planId);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.allocation.cancel',
      objectType: 'allocation_plan',
      objectId: planId,
      detail: { dropped },
    });
    return { dropped };
  });
}

/** Each vehicle's pick-up list: its site, its stops (home addresses) and the people at each (names masked). */
export async function pickupList(s: Services, actor: Actor, planId: string): Promise<PickupList> {
  const [stays, transfers] = await Promise.all([store.staysOfPlan(s.db, planId), store.transfersOfPlan(s.db, planId)]);
  if (!stays.length) throw new AppError('ALLOCATION_PLAN_NOT_FOUND');
  const orders = new Map(
    (
      await store.ordersByIds(
        s.db,
        s.dialect,
        stays.map((x) => x.order_id),
      )
    ).map((o) => [o.id, o]),
  );
  for (const o of orders.values()) assertInScope(actor, o.area_path);
  const siteIds = [...new Set(stays.map((x) => x.site_id))];
  const [persons, siteRows, roomRows] = await Promise.all([
    store.personsByIds(
      s.db,
      [...orders.values()].map((o) => o.person_id),
    ),
    store.sitesByIds(s.db, siteIds),
    store.roomsByIds(
      s.db,
      s.dialect,
      stays.map((x) => x.room_id),
    ),
  ]);
  const sites = new Map(siteRows.map((x) => [x.id, x]));
  const rooms = new Map(roomRows.map((r) => [r.id, r]));
  const stayOf = new Map(stays.map((x) => [x.order_id, x]));
  const seats = carePolicy().allocation.vehicleSeats;
  const vehicles = new Map<string, PickupList['vehicles'][number]>();
  for (const t of transfers) {
    if (t.kind !== 'pickup' || !t.order_id) continue;
    const o = orders.get(t.order_id);
    const x = stayOf.get(t.order_id);
    if (!o || !x) continue;
    const site = sites.get(x.site_id);
    let v = vehicles.get(t.vehicle);
    if (!v) {
      v = {
        vehicle: t.vehicle,
        siteId: x.site_id,
        siteName: site?.name ?? '',
        siteAddress: site?.address ?? '',
        seats,
        stops: [],
      };
      vehicles.set(t.vehicle, v);
    }
    const person = persons.get(o.person_id);
    const address = person?.address ?? '';
    let stop = v.stops.find((st) => st.address === address);
    if (!stop) v.stops.push((stop = { address, people: [] }));
    stop.people.push({
      orderId: o.id,
      name: maskName(person?.name ?? ''),
      roomNumber: rooms.get(x.room_id)?.number ?? '',
      needs: needList(o.care_needs),
    });
  }
  return { planId, vehicles: [...vehicles.values()] };
}

/** Moves a person to another room (of this or another site); the order and its history stay the same. */
export async function moveOrder(s: Services, actor: Actor, body: MoveBody) {
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const order = await store.orderById(trx, body.orderId);
    if (!order)
      throw new AppError(
        'ALLOCATION_ORDER_NOT_FOUND',
        { orderId: body.orderId },
        { faults: [{ field: 'orderId', code: 'ALLOCATION_ORDER_NOT_FOUND', params: { orderId: body.orderId } }] },
      );
    assertInScope(actor, order.area_path);
    const stay = await store.currentStayOfOrder(trx, order.id);
    if (!stay || order.status !== 'active') throw new AppError('ALLOCATION_NO_CURRENT_STAY');
    const room = await roomOrRefuse(trx, actor, body.roomId);
    if (room.id === stay.room_id) throw new AppError('ALLOCATION_SAME_ROOM');
    await store.lockSitesTx(trx, s.dialect, [stay.site_id, room.site_id]);
    await assertPlacement(trx, s.dialect, order, room, new Set([stay.id]), [stay.site_id]);
    const { roomEmptied } = await store.endStayTx(trx, stay, now);
    const stayId = newId(now);
    await store.insertStaysTx(trx, s.dialect, [
      {
        id: stayId,
        order_id: order.id,
        site_id: room.site_id,
        room_id: room.id,
        status: 'current',
        plan_id: null,
        from_at: now,
        created_at: now,
      },
    ]);
    await store.insertTransfersTx(trx, s.dialect, [
      {
        id: newId(now),
        order_id: order.id,
        person_id: order.person_id,
        kind: 'move',
        from_site_id: stay.site_id,
        to_site_id: room.site_id,
        hospital_id: null,
        need: null,
        vehicle: body.vehicle ?? '',
        escort: '',
        status: 'done',
        at: now,
        actor_id: actor.userId,
        plan_id: null,
      },
    ]);
    await store.insertOrderEventsTx(trx, s.dialect, [
      {
        id: newId(now),
        order_id: order.id,
        kind: 'moved',
        detail: JSON.stringify({
          fromSiteId: stay.site_id,
          fromRoomId: stay.room_id,
          siteId: room.site_id,
          roomId: room.id,
          reason: body.reason,
        }),
        actor_id: actor.userId,
        at: now,
      },
    ]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.move',
      objectType: 'quarantine_order',
      objectId: order.id,
      reason: body.reason,
      detail: { fromSiteId: stay.site_id, fromRoomId: stay.room_id, siteId: room.site_id, roomId: room.id },
    });
    return {
      orderId: order.id,
      stayId,
      fromSiteId: stay.site_id,
      fromRoomId: stay.room_id,
      siteId: room.site_id,
      roomId: room.id,
      fromRoomAwaitsDisinfection: roomEmptied,
    };
  });
}
