// Trip pre-registrations (报备): an enterprise reports a trip before it arrives — its pass, vehicle,
// crew, cargo, origin (with the risk areas it had then), destination (a closed-loop enterprise, a
// warehouse or a transfer station) and arrival window, at least the period's hours ahead
// (rules/checkpoint.json). The department that reviews the cargo approves or refuses it with a reason;
// the destination sees what is coming, and each transfer station has its 08:00 and 16:00 arrival
// lists. Every change is audited in its own transaction.
import type { Actor } from '../access/access.rules.ts';
import { assertInScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Executor } from '../db/database.ts';
import { dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { divisionName } from '../registry/registry.rules.ts';
import { checkpointPeriodOn, checkpointPolicy, type DestinationKind } from './checkpoint.policy.ts';
import type { OriginRisk } from './checkpoint.rules.ts';
import { assertEnterpriseAccess, enterpriseFor, logisticsRoleOf, type LogisticsRole } from './enterprises.service.ts';
import * as enterprises from './enterprises.store.ts';
import type { Paging } from './enterprises.store.ts';
import { logisticsPolicy } from './logistics.policy.ts';
import { checkCountyCode, departmentFor, isCargoCategory, passState } from './passes.rules.ts';
import * as passes from './passes.store.ts';
import * as stations from './stations.store.ts';
import { checkWindow, mayChangeTrip, needsPass, slotSpan, type TripAction, type TripStatus } from './trips.rules.ts';
import type { ArrivalListView, ArrivalQuery, TripBody, TripListQuery, TripView } from './trips.schema.ts';
import * as store from './trips.store.ts';
import type { TripRow } from './trips.store.ts';

type CrewEntry = { driverId: string; role: 'driver' | 'escort' };

function fault(code: ErrorCode, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError(code, { field, ...params }, { faults: [{ field, code, params: { field, ...params } }] });
}

const place = (code: string) => ({ code, name: divisionName(code) });

export async function tripViews(s: Services, ex: Executor, rows: TripRow[]): Promise<TripView[]> {
  const ids = [...new Set(rows.flatMap((r) => (JSON.parse(r.crew) as CrewEntry[]).map((c) => c.driverId)))];
  const drivers = new Map((await enterprises.driversByIds(ex, ids)).map((d) => [d.id, d]));
  return rows.map((r) => ({
    id: r.id,
    status: r.status as TripStatus,
    enterpriseId: r.enterprise_id,
    enterpriseName: r.enterprise_name,
    passId: r.pass_id,
    passNumber: r.pass_number,
    vehicleId: r.vehicle_id,
    plate: r.plate,
    crew: (JSON.parse(r.crew) as CrewEntry[]).map((c) => {
      const d = drivers.get(c.driverId);
      return {
        driverId: c.driverId,
        role: c.role,
        name: d?.name ?? '',
        phone: d ? (maskPhone(s.cipher.decrypt(d.phone_enc)) ?? '') : '',
      };
    }),
    cargoCategory: r.cargo_category,
    cargoName: r.cargo_name,
    quantity: Number(r.quantity),
    unit: r.unit as TripView['unit'],
    origin: place(r.origin),
    originRisk: r.origin_risk as OriginRisk,
    destinationKind: r.destination_kind as DestinationKind,
    destinationId: r.destination_id,
    destinationName: r.destination_name,
    intent: r.intent as TripView['intent'],
    arriveFrom: Number(r.arrive_from),
    arriveUntil: Number(r.arrive_until),
    department: r.department,
    reportedAt: Number(r.reported_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    decisionNote: r.decision_note,
    arrivedAt: r.arrived_at === null ? null : Number(r.arrived_at),
  }));
}

async function tripView(s: Services, ex: Executor, r: TripRow): Promise<TripView> {
  return (await tripViews(s, ex, [r]))[0]!;
}

// ---- report ------------------------------------------------------------------------------------

export async function reportTrip(s: Services, actor: Actor, body: TripBody): Promise<TripView> {
  assertCan(actor, 'logistics.enterprise');
  const vehicle = await enterprises.vehicleById(s.db, body.vehicleId);
  if (!vehicle) throw new AppError('VEHICLE_NOT_FOUND');
  const enterprise = await enterpriseFor(s, s.db, actor, vehicle.enterprise_id);
  if (enterprise.status !== 'active') throw new AppError('ENTERPRISE_SUSPENDED');
  if (vehicle.status !== 'active') throw new AppError('PASS_VEHICLE_RETIRED');
  const ids = body.crew.map((c) => c.driverId);
  if (new Set(ids).size !== ids.length) throw fault('TRIP_CREW_OTHER', 'crew');
  const crew = await enterprises.driversByIds(s.db, ids);
  if (crew.length !== ids.length || crew.some((d) => d.enterprise_id !== enterprise.id || d.status !== 'active'))
    throw fault('TRIP_CREW_OTHER', 'crew');
  if (!body.crew.some((c) => c.role === 'driver')) throw fault('TRIP_CREW_NO_DRIVER', 'crew');
  const origin = checkCountyCode(body.origin);
  if (!origin.ok) throw fault('DIVISION_CODE_INVALID', 'origin');
  const policy = logisticsPolicy();
  if (!isCargoCategory(policy, body.cargoCategory)) throw fault('PASS_CARGO_UNKNOWN', 'cargoCategory');
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const arrivalDay = dateInZone(body.arriveFrom, tz);
  const period = checkpointPeriodOn(checkpointPolicy(), arrivalDay);
  const window = checkWindow(period, now, body.arriveFrom, body.arriveUntil);
  if (!window.ok) throw fault(window.code, window.field, window.params ?? {});

  // The destination, and the county a pass's route must end in.
  let destinationId: string | null = null;
  let destinationName: string;
  let destinationCounty: string;
  if (body.destinationKind === 'transfer_station') {
    const station = body.destinationId ? await stations.stationById(s.db, body.destinationId) : undefined;
    if (!station) throw fault('TRIP_DESTINATION_UNKNOWN', 'destinationId');
    destinationId = station.id;
    destinationName = station.name;
    destinationCounty = station.county;
  } else if (body.destinationKind === 'closed_loop_enterprise') {
    const target = body.destinationId ? await enterprises.enterpriseById(s.db, body.destinationId) : undefined;
    if (!target) throw fault('TRIP_DESTINATION_UNKNOWN', 'destinationId');
    destinationId = target.id;
    destinationName = target.name;
    destinationCounty = target.county;
  } else {
    const name = body.destinationName?.trim();
    if (!name) throw fault('TRIP_DESTINATION_NAME', 'destinationName');
    destinationName = name;
    destinationCounty = enterprise.county;
  }

  let passId: string | null = null;
  let department = departmentFor(policy, body.cargoCategory, arrivalDay)!;
  if (body.passId) {
    const pass = await passes.passById(s.db, body.passId);
    if (!pass || pass.enterprise_id !== enterprise.id) throw fault('PASS_NOT_FOUND', 'passId');
    if (pass.vehicle_id !== vehicle.id) throw fault('TRIP_PASS_OTHER_VEHICLE', 'passId', { plate: pass.plate });
    const lastDay = dateInZone(body.arriveUntil, tz);
    if (
      pass.status !== 'issued' ||
      passState('issued', pass.valid_from, pass.valid_until, arrivalDay) !== 'issued' ||
      passState('issued', pass.valid_from, pass.valid_until, lastDay) !== 'issued'
    )
      throw fault('TRIP_PASS_INVALID', 'passId');
    if (
      pass.origin !== origin.value ||
      (body.destinationKind !== 'warehouse' && pass.destination !== destinationCounty)
    )
      throw fault('TRIP_PASS_OFF_ROUTE', 'passId', { origin: pass.origin, destination: pass.destination });
    if (body.destinationKind === 'warehouse') destinationCounty = pass.destination;
    passId = pass.id;
    department = pass.department;
  } else if (needsPass(period, body.destinationKind)) throw fault('TRIP_PASS_REQUIRED', 'passId');

  const id = newId(now);
  await s.db.transaction().execute(async (trx) => {
    await store.insertTrip(trx, {
      id,
      enterprise_id: enterprise.id,
      area_path: enterprise.area_path,
      pass_id: passId,
      vehicle_id: vehicle.id,
      crew: JSON.stringify(body.crew.map((c) => ({ driverId: c.driverId, role: c.role }))),
      cargo_category: body.cargoCategory,
      cargo_name: body.cargoName.trim(),
      quantity: body.quantity,
      unit: body.unit,
      origin: origin.value,
      origin_risk: body.originRisk,
      destination_kind: body.destinationKind,
      destination_id: destinationId,
      destination_name: destinationName,
      destination_county: destinationCounty,
      intent: body.intent,
      arrive_from: body.arriveFrom,
      arrive_until: body.arriveUntil,
      department,
      status: 'reported',
      rules_version: checkpointPolicy().version,
      reported_by: actor.userId,
      reported_at: now,
      decided_by: null,
      decided_at: null,
      decision_note: null,
      arrived_at: null,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.trip.report',
      objectType: 'trip',
      objectId: id,
      detail: {
        enterpriseId: enterprise.id,
        plate: vehicle.plate,
        passId,
        origin: origin.value,
        originRisk: body.originRisk,
        destinationKind: body.destinationKind,
        destinationId,
        arriveFrom: body.arriveFrom,
        arriveUntil: body.arriveUntil,
      },
    });
  });
  return tripView(s, s.db, (await store.tripById(s.db, id))!);
}

// ---- reads -------------------------------------------------------------------------------------

/** A trip is seen by its enterprise (and the area above it), and read by the enterprise it is going to. */
async function tripFor(
  ex: Executor,
  actor: Actor,
  id: string,
  mode: 'read' | 'write',
): Promise<{ row: TripRow; role: LogisticsRole }> {
  const role = await logisticsRoleOf(ex, actor);
  const row = await store.tripById(ex, id);
  if (!row) throw new AppError('TRIP_NOT_FOUND');
  const incoming = mode === 'read' && role.enterpriseId !== null && role.enterpriseId === row.destination_id;
  if (!incoming) assertEnterpriseAccess(actor, role, { id: row.enterprise_id, area_path: row.area_path });
  return { row, role };
}

export async function getTrip(s: Services, actor: Actor, id: string): Promise<TripView> {
  assertCan(actor, 'logistics.read');
  return tripView(s, s.db, (await tripFor(s.db, actor, id, 'read')).row);
}

export async function listTrips(s: Services, actor: Actor, q: TripListQuery, page: Paging): Promise<Page<TripView>> {
  assertCan(actor, 'logistics.read');
  const role = await logisticsRoleOf(s.db, actor);
  let span: { from?: number; to?: number } = {};
  if (q.date) {
    if (!isCalendarDate(q.date)) throw fault('VALIDATION', 'date', { detail: 'date' });
    const from = startOfDate(q.date, s.config.timeZone);
    span = { from, to: from + 24 * 3_600_000 };
  }
  const filter =
    q.incoming && role.enterpriseId
      ? { scopePath: '', destinationId: role.enterpriseId }
      : { scopePath: actor.areaPath, enterpriseId: role.enterpriseId ?? undefined };
  const { rows, total } = await store.listTrips(
    s.db,
    {
      ...filter,
      status: q.status,
      department: q.mine && role.department ? role.department : undefined,
      ...span,
      q: q.q,
    },
    page,
  );
  return { items: await tripViews(s, s.db, rows), total, ...page };
}

/** A station's arrival list for 08:00 (08:00–16:00) or 16:00 (16:00–08:00 the next day). */
export async function arrivalList(
  s: Services,
  actor: Actor,
  stationId: string,
  q: ArrivalQuery,
): Promise<ArrivalListView> {
  assertCan(actor, 'logistics.read');
  const station = await stations.stationById(s.db, stationId);
  if (!station) throw new AppError('STATION_NOT_FOUND');
  assertInScope(actor, station.area_path);
  if (!isCalendarDate(q.date)) throw fault('VALIDATION', 'date', { detail: 'date' });
  const span = slotSpan(startOfDate(q.date, s.config.timeZone), q.slot);
  const { rows } = await store.listTrips(
    s.db,
    { scopePath: '', destinationId: station.id, statuses: ['approved', 'arrived'], from: span.from, to: span.to },
    { limit: 1000, offset: 0 },
  );
  return {
    stationId: station.id,
    stationName: station.name,
    date: q.date,
    slot: q.slot,
    from: span.from,
    to: span.to,
    trips: await tripViews(s, s.db, rows),
  };
}

// ---- review ------------------------------------------------------------------------------------

const ACTION_WORDS: Record<TripAction, string> = { approve: '同意', refuse: '退回', withdraw: '撤回', arrive: '到达' };

export async function decideTrip(
  s: Services,
  actor: Actor,
  id: string,
  action: 'approve' | 'refuse' | 'withdraw',
  text: string,
): Promise<TripView> {
  assertCan(actor, action === 'withdraw' ? 'logistics.enterprise' : 'logistics.review');
  const note = text.trim();
  if (action === 'refuse' && !note)
    throw new AppError('TRIP_REASON_REQUIRED', {}, { faults: [{ field: 'reason', code: 'TRIP_REASON_REQUIRED' }] });
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const { row, role } = await tripFor(trx, actor, id, 'write');
    if (action !== 'withdraw' && role.department && role.department !== row.department) {
      const d = logisticsPolicy().departments.find((x) => x.code === row.department);
      throw new AppError('TRIP_DEPARTMENT', { department: d?.zh ?? row.department });
    }
    if (!mayChangeTrip(row.status as TripStatus, action))
      throw new AppError('TRIP_STATE', { status: row.status, action: ACTION_WORDS[action] });
    await store.updateTrip(trx, id, {
      status: action === 'approve' ? 'approved' : action === 'refuse' ? 'refused' : 'withdrawn',
      decided_by: actor.userId,
      decided_at: now,
      decision_note: note || null,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: `logistics.trip.${action}`,
      objectType: 'trip',
      objectId: id,
      ...(note ? { reason: note } : {}),
      detail: { plate: row.plate, department: row.department },
    });
  });
  return tripView(s, s.db, (await store.tripById(s.db, id))!);
}

/** Marks the trip arrived (from a checkpoint's check or a station's arrival), inside the caller's transaction. */
export async function markArrivedTx(ex: Executor, tripId: string, at: number): Promise<void> {
  const row = await store.tripById(ex, tripId);
  if (row && mayChangeTrip(row.status as TripStatus, 'arrive'))
    await store.updateTrip(ex, tripId, { status: 'arrived', arrived_at: at, updated_at: at });
}
