// Checkpoints (卡口): every vehicle and every person checked is recorded (逢车必检、逢人必查). The
// phone looks the vehicle up (a scanned or typed pass, or the plate) and sees its trip and the crew's
// colours and latest tests; each person's check and the vehicle's decision follow the period's rules
// (rules/checkpoint.json, checkpoint.rules.ts): proceed on the trip's path, the named officer's queue,
// turned back where the period allows it, or trans-shipped with the failing crew controlled on the
// spot. A check queued on the phone while offline carries its own id and time: sent twice it is stored
// once; sent later than the period's window it is refused. Counts per checkpoint per hour.
import { permissionsOf, type Actor } from '../access/access.rules.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { userByUsername } from '../access/access.store.ts';
import type { CheckpointCheckTable, CheckpointPersonCheckTable, Executor } from '../db/database.ts';
import { areaById } from '../db/sql.ts';
import { statusesOf } from '../health/health.store.ts';
import { dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, messageFor, type ErrorCode, type Lang } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { checkpointPeriodOn, checkpointPolicy, type DestinationKind } from './checkpoint.policy.ts';
import {
  checkPerson,
  countsByHour,
  decideVehicle,
  mayResolve,
  queuedCheckAccepted,
  testValid,
  type Colour,
  type Control,
  type Decision,
  type OriginRisk,
  type PersonVerdict,
  type VehicleClass,
  type VehiclePath,
} from './checkpoint.rules.ts';
import type {
  CheckBody,
  CheckListQuery,
  CheckpointBody,
  CheckpointView,
  CheckView,
  CountsView,
  LookupBody,
  LookupView,
  ResolveBody,
  SyncBody,
} from './checkpoints.schema.ts';
import * as store from './checkpoints.store.ts';
import { checkPlate, normalisePlate } from './enterprises.rules.ts';
import * as enterprises from './enterprises.store.ts';
import type { Paging } from './enterprises.store.ts';
import { verifyPass } from './passes.service.ts';
import type { PassView } from './passes.schema.ts';
import { markArrivedTx, tripViews } from './trips.service.ts';
import * as trips from './trips.store.ts';
import type { TripRow } from './trips.store.ts';

/** How far outside its reported window a vehicle's trip is still matched at the checkpoint. */
const TRIP_SLACK_MS = 6 * 3_600_000;
/** A check sent more than this after it was made counts as queued. */
const ONLINE_GAP_MS = 60_000;

type CrewEntry = { driverId: string; role: 'driver' | 'escort' };

function fault(code: ErrorCode, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError(code, { field, ...params }, { faults: [{ field, code, params: { field, ...params } }] });
}

function checkpointView(r: {
  id: string;
  name: string;
  area_id: string;
  officer_user_id: string | null;
}): CheckpointView {
  return { id: r.id, name: r.name, areaId: r.area_id, officerUserId: r.officer_user_id };
}

async function checkpointFor(ex: Executor, actor: Actor, id: string) {
  const cp = await store.checkpointById(ex, id);
  if (!cp) throw new AppError('CHECKPOINT_NOT_FOUND');
  assertInScope(actor, cp.area_path);
  return cp;
}

// ---- checkpoints -------------------------------------------------------------------------------

export async function createCheckpoint(s: Services, actor: Actor, body: CheckpointBody): Promise<CheckpointView> {
  assertCan(actor, 'logistics.review');
  const area = await areaById(s.db, body.areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  let officer: string | null = null;
  if (body.officer?.trim()) {
    const u = await userByUsername(s.db, body.officer.trim());
    if (!u) throw fault('CHECKPOINT_OFFICER_UNKNOWN', 'officer');
    officer = u.id;
  }
  const now = s.clock.now();
  const row = {
    id: newId(now),
    name: body.name.trim(),
    area_id: area.id,
    area_path: area.path,
    officer_user_id: officer,
    created_at: now,
  };
  await s.db.transaction().execute(async (trx) => {
    await store.insertCheckpoint(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.checkpoint.create',
      objectType: 'checkpoint',
      objectId: row.id,
      detail: { name: row.name, areaId: area.id, officer },
    });
  });
  return checkpointView(row);
}

export async function listCheckpoints(s: Services, actor: Actor, areaId?: string): Promise<CheckpointView[]> {
  assertCan(actor, 'checkpoint.check');
  const scope = await listingScope(s.db, actor, areaId);
  return (await store.listCheckpoints(s.db, scope)).map(checkpointView);
}

// ---- what the phone sees before the check ------------------------------------------------------

async function tripAt(ex: Executor, vehicleId: string, at: number): Promise<TripRow | null> {
  const rows = await trips.approvedTripsOfVehicle(ex, vehicleId, at, TRIP_SLACK_MS);
  const open = rows.find((r) => r.status === 'approved') ?? rows[0];
  return open ?? null;
}

async function passOf(s: Services, actor: Actor, body: { code?: string; number?: string; plate?: string }) {
  if (!body.code?.trim() && !body.number?.trim()) return null;
  return (await verifyPass(s, actor, { code: body.code, number: body.number, plate: body.plate })).pass;
}

function plateOf(raw: string | undefined, pass: PassView | null): string {
  if (raw?.trim()) {
    const p = checkPlate(raw);
    if (!p.ok) throw fault(p.code, 'plate');
    return p.value;
  }
  if (pass) return pass.plate;
  throw new AppError('PASS_VERIFY_INPUT');
}

/** The pass (verified), the vehicle's trip arriving now and its crew's colours and latest tests. */
export async function lookup(s: Services, actor: Actor, checkpointId: string, body: LookupBody): Promise<LookupView> {
  assertCan(actor, 'checkpoint.check');
  await checkpointFor(s.db, actor, checkpointId);
  const pass = await passOf(s, actor, body);
  const plate = plateOf(body.plate, pass);
  const now = s.clock.now();
  const period = checkpointPeriodOn(checkpointPolicy(), dateInZone(now, s.config.timeZone));
  const vehicle = await enterprises.vehicleByPlate(s.db, plate);
  const trip = vehicle ? await tripAt(s.db, vehicle.id, now) : null;
  const crewEntries: CrewEntry[] = trip
    ? (JSON.parse(trip.crew) as CrewEntry[])
    : (pass?.drivers ?? []).map((d) => ({ driverId: d.id, role: 'driver' as const }));
  const drivers = await enterprises.driversByIds(
    s.db,
    crewEntries.map((c) => c.driverId),
  );
  const byId = new Map(drivers.map((d) => [d.id, d]));
  const personIds = drivers.map((d) => d.person_id).filter((x): x is string => x !== null);
  const statuses = new Map((await statusesOf(s.db, personIds)).map((h) => [h.person_id, h]));
  const crew = crewEntries
    .filter((c) => byId.has(c.driverId))
    .map((c) => {
      const d = byId.get(c.driverId)!;
      const h = d.person_id ? statuses.get(d.person_id) : undefined;
      const sampled = h?.test_sampled_at == null ? null : Number(h.test_sampled_at);
      return {
        driverId: d.id,
        role: c.role,
        name: maskName(d.name),
        resident: d.person_id !== null,
        colour: h ? ((h.override_colour ?? h.colour) as Colour) : null,
        testSampledAt: sampled,
        testResult: h?.test_result ?? null,
        testValid: h?.test_result === 'negative' && testValid(period, sampled, now),
      };
    });
  return {
    plate,
    pass,
    trip: trip ? (await tripViews(s, s.db, [trip]))[0]! : null,
    crew,
    testValidityHours: period.testValidityHours,
    rulesVersion: checkpointPolicy().version,
  };
}

// ---- the check ---------------------------------------------------------------------------------

function checkView(r: CheckpointCheckTable, persons: CheckpointPersonCheckTable[]): CheckView {
  return {
    id: r.id,
    checkpointId: r.checkpoint_id,
    clientId: r.client_id,
    plate: r.plate,
    passId: r.pass_id,
    tripId: r.trip_id,
    vehicleClass: r.vehicle_class as VehicleClass,
    decision: r.decision as Decision,
    path: r.path as VehiclePath | null,
    reasons: JSON.parse(r.reasons) as string[],
    note: r.note,
    queueStatus: r.queue_status as CheckView['queueStatus'],
    officerUserId: r.officer_user_id,
    resolutionNote: r.resolution_note,
    handedToAreaId: r.handed_to_area_id,
    persons: persons.map((p) => ({
      name: maskName(p.name),
      role: p.role,
      temperature: Number(p.temperature),
      colour: p.colour as Colour,
      testSampledAt: p.test_sampled_at === null ? null : Number(p.test_sampled_at),
      antigen: p.antigen,
      pcrSampled: Number(p.pcr_sampled) === 1,
      outcome: p.outcome as 'passed' | 'failed',
      reasons: JSON.parse(p.reasons) as string[],
      control: p.control as Control,
    })),
    rulesVersion: r.rules_version,
    checkedAt: Number(r.checked_at),
    syncGapMs: Number(r.sync_gap_ms),
  };
}

async function storedView(ex: Executor, r: CheckpointCheckTable): Promise<CheckView> {
  return checkView(r, await store.personsOf(ex, [r.id]));
}

/** Records one vehicle's check: its persons, the decision by the rules, the officer's queue. */
export async function recordCheck(
  s: Services,
  actor: Actor,
  checkpointId: string,
  body: CheckBody,
): Promise<CheckView> {
  assertCan(actor, 'checkpoint.check');
  const cp = await checkpointFor(s.db, actor, checkpointId);
  const existing = await store.checkByClientId(s.db, cp.id, body.clientId);
  if (existing) return storedView(s.db, existing);
  const now = s.clock.now();
  const at = Math.min(body.checkedAt ?? now, now);
  const tz = s.config.timeZone;
  const period = checkpointPeriodOn(checkpointPolicy(), dateInZone(at, tz));
  const queued = body.checkedAt !== undefined && now - body.checkedAt > ONLINE_GAP_MS;
  if (queued && !queuedCheckAccepted(period, body.checkedAt!, now))
    throw new AppError('CHECKPOINT_QUEUE_EXPIRED', { minutes: period.queuedCheckMinutes });

  const pass = await passOf(s, actor, body);
  const plate = plateOf(body.plate, pass);
  const vehicle = await enterprises.vehicleByPlate(s.db, normalisePlate(plate));
  const trip = vehicle ? await tripAt(s.db, vehicle.id, at) : null;

  // Each person: the registered driver's identity and the colour and test the city holds.
  const driverIds = body.persons.map((p) => p.driverId).filter((x): x is string => !!x);
  const drivers = new Map((await enterprises.driversByIds(s.db, driverIds)).map((d) => [d.id, d]));
  const personIds = [...drivers.values()].map((d) => d.person_id).filter((x): x is string => x !== null);
  const statuses = new Map((await statusesOf(s.db, personIds)).map((h) => [h.person_id, h]));
  const verdicts: {
    verdict: Extract<PersonVerdict, { outcome: 'passed' | 'failed' }>;
    name: string;
    personId: string | null;
    sampled: number | null;
  }[] = [];
  body.persons.forEach((p, i) => {
    const row = i + 1;
    const d = p.driverId ? drivers.get(p.driverId) : undefined;
    if (p.driverId && !d) throw fault('DRIVER_NOT_FOUND', `persons[${i}].driverId`);
    const name = d?.name ?? p.name?.trim();
    if (!name) throw fault('CHECKPOINT_PERSON_NAME', `persons[${i}].name`, { row });
    const h = d?.person_id ? statuses.get(d.person_id) : undefined;
    const known = h ? ((h.override_colour ?? h.colour) as Colour) : null;
    const held = h?.test_result === 'negative' && h.test_sampled_at != null ? Number(h.test_sampled_at) : null;
    const shown = p.testSampledAt ?? null;
    const sampled = held !== null && (shown === null || held > shown) ? held : shown;
    const verdict = checkPerson(
      period,
      {
        temperature: p.temperature,
        colourShown: p.colourShown,
        colourKnown: known === 'green' || known === 'yellow' || known === 'red' ? known : null,
        testSampledAt: sampled,
        antigen: p.antigen ?? null,
        pcrSampled: p.pcrSampled ?? false,
      },
      at,
    );
    if (verdict.outcome === 'incomplete')
      throw fault(
        verdict.missing === 'antigen' ? 'CHECKPOINT_ANTIGEN_REQUIRED' : 'CHECKPOINT_PCR_SAMPLE_REQUIRED',
        `persons[${i}]`,
        { row },
      );
    verdicts.push({ verdict, name, personId: d?.person_id ?? null, sampled });
  });

  const crew = trip ? (JSON.parse(trip.crew) as CrewEntry[]).map((c) => c.driverId).sort() : [];
  const present = [...new Set(driverIds)].sort();
  const v = decideVehicle(period, {
    vehicleClass: body.vehicleClass,
    trip: trip
      ? {
          originRisk: trip.origin_risk as OriginRisk,
          destinationKind: trip.destination_kind as DestinationKind,
          intent: trip.intent as 'unload_return' | 'stay',
          crewMatches: crew.length === present.length && crew.every((x, i) => x === present[i]),
        }
      : null,
    persons: verdicts.map((x) => ({ outcome: x.verdict.outcome })),
  });
  let handedTo: string | null = null;
  if (v.path === 'crew_to_community') {
    const area = body.handedToAreaId ? await areaById(s.db, body.handedToAreaId) : undefined;
    if (!area) throw fault('CHECKPOINT_COMMUNITY_REQUIRED', 'handedToAreaId');
    handedTo = area.id;
  }

  const id = newId(now);
  const row: CheckpointCheckTable = {
    id,
    checkpoint_id: cp.id,
    area_path: cp.area_path,
    client_id: body.clientId,
    plate,
    vehicle_id: vehicle?.id ?? null,
    pass_id: pass?.id ?? trip?.pass_id ?? null,
    trip_id: trip?.id ?? null,
    vehicle_class: body.vehicleClass,
    decision: v.decision,
    path: v.path,
    reasons: JSON.stringify(v.reasons),
    note: body.note?.trim() ?? '',
    queue_status: v.decision === 'officer' ? 'open' : null,
    officer_user_id: v.decision === 'officer' ? cp.officer_user_id : null,
    resolved_by: null,
    resolved_at: null,
    resolution_note: null,
    handed_to_area_id: handedTo,
    rules_version: checkpointPolicy().version,
    checked_by: actor.userId,
    checked_at: at,
    sync_gap_ms: Math.max(0, now - at),
    recorded_at: now,
  };
  const persons: CheckpointPersonCheckTable[] = verdicts.map((x, i) => ({
    id: `${id}-${i + 1}`,
    check_id: id,
    driver_id: body.persons[i]!.driverId ?? null,
    person_id: x.personId,
    name: x.name,
    role: body.persons[i]!.role,
    temperature: body.persons[i]!.temperature,
    colour: x.verdict.colour,
    test_sampled_at: x.sampled,
    antigen: body.persons[i]!.antigen ?? null,
    pcr_sampled: body.persons[i]!.pcrSampled ? 1 : 0,
    outcome: x.verdict.outcome,
    reasons: JSON.stringify(x.verdict.reasons),
    control: v.controls[i]!,
  }));
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertCheck(trx, row, persons);
      if (trip && (v.decision === 'proceed' || v.decision === 'trans_ship')) await markArrivedTx(trx, trip.id, at);
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.checkpoint.check',
        objectType: 'checkpoint_check',
        objectId: id,
        detail: {
          checkpointId: cp.id,
          plate,
          tripId: row.trip_id,
          decision: v.decision,
          path: v.path,
          reasons: v.reasons,
          persons: persons.length,
          controlled: v.controls.filter((c) => c === 'controlled').length,
          queued,
        },
      });
    });
  } catch (e) {
    // The same queued check sent twice at once: the other request stored it.
    const again = await store.checkByClientId(s.db, cp.id, body.clientId);
    if (again) return storedView(s.db, again);
    throw e;
  }
  return checkView(row, persons);
}

/** A phone's queue sent at once: each check stored or refused on its own, in order. */
export async function syncChecks(s: Services, actor: Actor, checkpointId: string, body: SyncBody, lang: Lang) {
  assertCan(actor, 'checkpoint.check');
  await checkpointFor(s.db, actor, checkpointId);
  const results = [];
  for (const c of body.checks) {
    try {
      results.push({ clientId: c.clientId, ok: true, check: await recordCheck(s, actor, checkpointId, c) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      results.push({ clientId: c.clientId, ok: false, code: e.code, message: messageFor(e.code, e.params, lang) });
    }
  }
  return { results };
}

export async function getCheck(s: Services, actor: Actor, id: string): Promise<CheckView> {
  assertCan(actor, 'checkpoint.check');
  const r = await store.checkById(s.db, id);
  if (!r) throw new AppError('CHECK_NOT_FOUND');
  assertInScope(actor, r.area_path);
  return storedView(s.db, r);
}

export async function listChecks(s: Services, actor: Actor, q: CheckListQuery, page: Paging): Promise<Page<CheckView>> {
  assertCan(actor, 'checkpoint.check');
  let span: { from?: number; to?: number } = {};
  if (q.date) {
    if (!isCalendarDate(q.date)) throw fault('VALIDATION', 'date', { detail: 'date' });
    const from = startOfDate(q.date, s.config.timeZone);
    span = { from, to: from + 24 * 3_600_000 };
  }
  if (q.checkpointId) await checkpointFor(s.db, actor, q.checkpointId);
  const { rows, total } = await store.listChecks(
    s.db,
    { scopePath: actor.areaPath, checkpointId: q.checkpointId, decision: q.decision, queueStatus: q.queue, ...span },
    page,
  );
  const persons = await store.personsOf(
    s.db,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) =>
    checkView(
      r,
      persons.filter((p) => p.check_id === r.id),
    ),
  );
  return { items, total, ...page };
}

/** The named officer (or a reviewing department) decides a queued vehicle, with the reason. */
export async function resolveCheck(s: Services, actor: Actor, id: string, body: ResolveBody): Promise<CheckView> {
  assertCan(actor, 'checkpoint.check');
  const now = s.clock.now();
  await s.db.transaction().execute(async (trx) => {
    const r = await store.checkById(trx, id);
    if (!r) throw new AppError('CHECK_NOT_FOUND');
    assertInScope(actor, r.area_path);
    if (r.queue_status !== 'open') throw new AppError('CHECK_NOT_QUEUED');
    const reviewer = permissionsOf(actor.role).includes('logistics.review');
    if (r.officer_user_id && r.officer_user_id !== actor.userId && !reviewer) throw new AppError('CHECK_NOT_OFFICER');
    const period = checkpointPeriodOn(checkpointPolicy(), dateInZone(now, s.config.timeZone));
    if (!mayResolve(period, body.resolution)) throw new AppError('CHECKPOINT_TURN_BACK_FORBIDDEN');
    const path: VehiclePath | null =
      body.resolution === 'trans_ship'
        ? 'transfer_station'
        : body.resolution === 'proceed'
          ? (body.path ?? 'unload_return_escorted')
          : null;
    let handedTo: string | null = null;
    if (path === 'crew_to_community') {
      const area = body.handedToAreaId ? await areaById(trx, body.handedToAreaId) : undefined;
      if (!area) throw fault('CHECKPOINT_COMMUNITY_REQUIRED', 'handedToAreaId');
      handedTo = area.id;
    }
    const changed = await store.updateCheck(trx, id, {
      decision: body.resolution,
      path,
      queue_status: 'resolved',
      resolved_by: actor.userId,
      resolved_at: now,
      resolution_note: body.reason.trim(),
      handed_to_area_id: handedTo,
    });
    if (!changed) throw new AppError('CHECK_NOT_QUEUED');
    if (r.trip_id && body.resolution !== 'turned_back') await markArrivedTx(trx, r.trip_id, now);
    await s.audit(trx, auditActor(actor), {
      action: 'logistics.checkpoint.resolve',
      objectType: 'checkpoint_check',
      objectId: id,
      reason: body.reason.trim(),
      detail: { plate: r.plate, resolution: body.resolution, path },
    });
  });
  return storedView(s.db, (await store.checkById(s.db, id))!);
}

/** Vehicles and persons checked per hour of a day at a checkpoint, with the decisions. */
export async function checkpointCounts(s: Services, actor: Actor, id: string, date: string): Promise<CountsView> {
  assertCan(actor, 'checkpoint.check');
  const cp = await checkpointFor(s.db, actor, id);
  if (!isCalendarDate(date)) throw fault('VALIDATION', 'date', { detail: 'date' });
  const from = startOfDate(date, s.config.timeZone);
  const rows = await store.dayChecks(s.db, cp.id, from, from + 24 * 3_600_000);
  const hours = countsByHour(
    rows.map((r) => ({ checkedAt: r.checked_at, decision: r.decision as Decision, persons: r.persons })),
    s.config.timeZone,
  );
  return {
    checkpointId: cp.id,
    date,
    hours,
    vehicles: rows.length,
    persons: rows.reduce((n, r) => n + r.persons, 0),
  };
}
