// Transfer stations (中转站 / 倒货区): the procedure of RULES.md §6 as the steps of a vehicle's visit —
// arrival (on the arrival list or not), disinfection with the crew inside, the crew's tests (antigen
// positive: isolated and transferred), single rest rooms or a relay driver, hand-over (unloading,
// trailer swap or relay), cab sealed, departure on the assigned route, delivered — each stamped with
// its time and who did it, in order, each in its own audited transaction. A visit past the station's
// window is flagged. The board shows every vehicle inside and its step.
import type { Actor } from '../access/access.rules.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Executor, StationVisitTable, TransferStationTable } from '../db/database.ts';
import { areaById } from '../db/sql.ts';
import { dateInZone, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Services } from '../services.ts';
import { checkPlate } from './enterprises.rules.ts';
import { logisticsRoleOf } from './enterprises.service.ts';
import * as enterprises from './enterprises.store.ts';
import { countyOfPath } from './passes.rules.ts';
import type { ArriveBody, BoardView, StationBody, StationView, StepBody, VisitView } from './stations.schema.ts';
import * as store from './stations.store.ts';
import { markArrivedTx } from './trips.service.ts';
import * as trips from './trips.store.ts';
import { applyStep, nextStep, overdue, STEPS, type CrewMember, type Handover, type Step } from './trips.rules.ts';

const STEP_WORDS: Record<Step, string> = {
  arrived: '到达',
  disinfected: '带人消杀',
  crew_tested: '人员检测',
  crew_rested: '单间休息或接驳',
  handed_over: '交接',
  sealed: '驾驶室封条',
  departed: '按指定路线出发',
  delivered: '交付',
};

function fault(code: ErrorCode, field: string, params: Record<string, string> = {}): AppError {
  return new AppError(code, { field, ...params }, { faults: [{ field, code, params: { field, ...params } }] });
}

function stationView(r: TransferStationTable): StationView {
  return {
    id: r.id,
    name: r.name,
    areaId: r.area_id,
    county: r.county,
    address: r.address,
    windowMinutes: Number(r.window_minutes),
  };
}

async function stationFor(ex: Executor, actor: Actor, id: string): Promise<TransferStationTable> {
  const st = await store.stationById(ex, id);
  if (!st) throw new AppError('STATION_NOT_FOUND');
  assertInScope(actor, st.area_path);
  return st;
}

export async function createStation(s: Services, actor: Actor, body: StationBody): Promise<StationView> {
  assertCan(actor, 'logistics.review');
  const area = await areaById(s.db, body.areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  const county = countyOfPath(area.path);
  if (!county) throw fault('ENTERPRISE_AREA_NO_COUNTY', 'areaId');
  const now = s.clock.now();
  const row: TransferStationTable = {
    id: newId(now),
    name: body.name.trim(),
    area_id: area.id,
    area_path: area.path,
    county,
    address: body.address?.trim() ?? '',
    window_minutes: body.windowMinutes,
    created_at: now,
  };
  await s.db.transaction().execute(async (trx) => {
    await store.insertStation(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.station.create',
      objectType: 'transfer_station',
      objectId: row.id,
      detail: { name: row.name, areaId: area.id, windowMinutes: row.window_minutes },
    });
  });
  return stationView(row);
}

export async function listStations(s: Services, actor: Actor, areaId?: string): Promise<StationView[]> {
  assertCan(actor, 'logistics.read');
  // An enterprise reports trips to stations anywhere: stations are public destinations, listed whole.
  const role = await logisticsRoleOf(s.db, actor);
  const scope = role.enterpriseId ? '' : await listingScope(s.db, actor, areaId);
  return (await store.listStations(s.db, scope)).map(stationView);
}

async function visitViews(ex: Executor, rows: StationVisitTable[], now: number): Promise<VisitView[]> {
  const steps = await store.stepsOf(
    ex,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    stationId: r.station_id,
    tripId: r.trip_id,
    plate: r.plate,
    onList: Number(r.on_list) === 1,
    step: r.step as Step,
    handover: r.handover as Handover | null,
    crew: (JSON.parse(r.crew) as CrewMember[]).map((c) => ({ ...c, name: maskName(c.name) })),
    relayDriver: r.relay_driver === null ? null : maskName(r.relay_driver),
    route: r.route,
    sealNumber: r.seal_number,
    arrivedAt: Number(r.arrived_at),
    dueAt: Number(r.due_at),
    overdue: overdue({ due_at: Number(r.due_at), closed_at: r.closed_at === null ? null : Number(r.closed_at) }, now),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    steps: steps
      .filter((x) => x.visit_id === r.id)
      .map((x) => ({ step: x.step as Step, at: Number(x.at), by: x.by_name, note: x.note })),
  }));
}

/** The board: every vehicle inside and its step, and the vehicles delivered today. */
export async function stationBoard(s: Services, actor: Actor, id: string): Promise<BoardView> {
  assertCan(actor, 'logistics.read');
  const st = await stationFor(s.db, actor, id);
  const now = s.clock.now();
  const dayStart = startOfDate(dateInZone(now, s.config.timeZone), s.config.timeZone);
  const visits = await visitViews(s.db, await store.visitsOf(s.db, st.id, dayStart), now);
  return {
    station: stationView(st),
    visits,
    inside: visits.filter((v) => v.closedAt === null).length,
    overdue: visits.filter((v) => v.overdue).length,
  };
}

/** A vehicle arrives: matched to its trip on the arrival list (or not), its crew inside. */
export async function arrive(s: Services, actor: Actor, stationId: string, body: ArriveBody): Promise<VisitView> {
  assertCan(actor, 'checkpoint.check');
  const st = await stationFor(s.db, actor, stationId);
  const plate = checkPlate(body.plate);
  if (!plate.ok) throw fault(plate.code, 'plate');
  const now = s.clock.now();
  const vehicle = await enterprises.vehicleByPlate(s.db, plate.value);
  const trip = vehicle
    ? (await trips.approvedTripsOfVehicle(s.db, vehicle.id, now, 12 * 3_600_000)).find(
        (t) => t.destination_id === st.id,
      )
    : undefined;
  let names = (body.crew ?? []).map((n) => n.trim()).filter(Boolean);
  if (!names.length && trip) {
    const ids = (JSON.parse(trip.crew) as { driverId: string }[]).map((c) => c.driverId);
    const byId = new Map((await enterprises.driversByIds(s.db, ids)).map((d) => [d.id, d.name]));
    names = ids.map((i) => byId.get(i)).filter((x): x is string => !!x);
  }
  if (!names.length) throw fault('STATION_CREW_REQUIRED', 'crew');
  const id = newId(now);
  const crew: CrewMember[] = names.map((name) => ({ name, antigen: null, pcrSampled: false, state: 'inside' }));
  await s.db.transaction().execute(async (trx) => {
    if (await store.openVisitOfPlate(trx, st.id, plate.value))
      throw new AppError('STATION_VISIT_OPEN', { plate: plate.value });
    await store.insertVisit(trx, {
      id,
      station_id: st.id,
      area_path: st.area_path,
      trip_id: trip?.id ?? null,
      check_id: body.checkId ?? null,
      plate: plate.value,
      on_list: trip ? 1 : 0,
      step: 'arrived',
      handover: null,
      crew: JSON.stringify(crew),
      relay_driver: null,
      route: null,
      seal_number: null,
      arrived_at: now,
      due_at: now + Number(st.window_minutes) * 60_000,
      closed_at: null,
      updated_at: now,
    });
    await store.insertStep(trx, {
      id: `${id}-arrived`,
      visit_id: id,
      step: 'arrived',
      at: now,
      by_user: actor.userId,
      by_name: actor.displayName,
      note: trip ? '' : '不在到达清单',
    });
    if (trip) await markArrivedTx(trx, trip.id, now);
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.station.arrive',
      objectType: 'station_visit',
      objectId: id,
      detail: { stationId: st.id, plate: plate.value, tripId: trip?.id ?? null, onList: !!trip, crew: crew.length },
    });
  });
  return (await visitViews(s.db, [(await store.visitById(s.db, id))!], now))[0]!;
}

async function visitFor(ex: Executor, actor: Actor, id: string): Promise<StationVisitTable> {
  const v = await store.visitById(ex, id);
  if (!v) throw new AppError('STATION_VISIT_NOT_FOUND');
  assertInScope(actor, v.area_path);
  return v;
}

export async function getVisit(s: Services, actor: Actor, id: string): Promise<VisitView> {
  assertCan(actor, 'logistics.read');
  return (await visitViews(s.db, [await visitFor(s.db, actor, id)], s.clock.now()))[0]!;
}

/** Stamps the visit's next step, with its time and who did it. */
export async function stamp(s: Services, actor: Actor, visitId: string, body: StepBody): Promise<VisitView> {
  assertCan(actor, 'checkpoint.check');
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const v = await visitFor(trx, actor, visitId);
    if (v.closed_at !== null) throw new AppError('STATION_VISIT_CLOSED');
    const current = v.step as Step;
    const expected = nextStep(current);
    if (body.step !== expected)
      throw new AppError('STATION_STEP_ORDER', {
        step: STEP_WORDS[current],
        next: expected ? STEP_WORDS[expected] : '—',
      });
    const out = applyStep(body.step, JSON.parse(v.crew) as CrewMember[], body, { relayDriver: v.relay_driver });
    if (!out.ok) throw fault(out.code, out.field);
    const changed = await store.advanceVisit(trx, v.id, current, {
      step: body.step,
      crew: JSON.stringify(out.crew),
      ...(out.relayDriver ? { relay_driver: out.relayDriver } : {}),
      ...(out.handover ? { handover: out.handover } : {}),
      ...(out.sealNumber ? { seal_number: out.sealNumber } : {}),
      ...(out.route ? { route: out.route } : {}),
      ...(body.step === 'delivered' ? { closed_at: now } : {}),
      updated_at: now,
    });
    if (!changed) throw new AppError('STATION_STEP_ORDER', { step: STEP_WORDS[current], next: STEP_WORDS[expected!] });
    await store.insertStep(trx, {
      id: `${v.id}-${body.step}`,
      visit_id: v.id,
      step: body.step,
      at: now,
      by_user: actor.userId,
      by_name: actor.displayName,
      note: body.note?.trim() ?? '',
    });
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.station.step',
      objectType: 'station_visit',
      objectId: v.id,
      detail: {
        plate: v.plate,
        step: body.step,
        ...(out.isolated.length ? { isolated: out.isolated.length } : {}),
        ...(out.handover ? { handover: out.handover } : {}),
      },
    });
  });
  return (await visitViews(s.db, [(await store.visitById(s.db, visitId))!], now))[0]!;
}

/** The visit with full crew names and its station, for the printed hand-over slip. */
export async function visitForSlip(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{ visit: StationVisitTable; station: TransferStationTable; steps: VisitView['steps'] }> {
  assertCan(actor, 'checkpoint.check');
  const visit = await visitFor(s.db, actor, id);
  const station = (await store.stationById(s.db, visit.station_id))!;
  const [view] = await visitViews(s.db, [visit], s.clock.now());
  return { visit, station, steps: view!.steps };
}

export { STEPS, STEP_WORDS };
