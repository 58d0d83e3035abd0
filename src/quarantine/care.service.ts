// Daily life at a site (健康监测、人文关怀): twice-daily health checks entered by staff on their rounds
// or synced from their phones (idempotent by the phone's operation id), the alerts a fever, a symptom or
// a missed check raises for the site's medical staff with their follow-up, requests from rooms, the
// rounds page and an occupant's detail. Every change is audited; names are masked.
import type { Services } from '../services.ts';
import type { Actor } from '../access/access.rules.ts';
import { assertInScope, listingScope } from '../access/access.scope.ts';
import { auditActor } from '../access/auth.ts';
import type { Executor, Tx } from '../db/database.ts';
import { TransactionGroup, type Settled } from '../db/group-commit.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import { addDays, dateInZone, isCalendarDate, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import { assertSiteAccess, needList, siteFor } from './allocation.service.ts';
import * as allocationStore from './allocation.store.ts';
import { siteIdsOfUser } from './sites.store.ts';
import { samplingsOf as healthSamplings } from '../health/health.store.ts';
import { samplingsOf as testingSamplings } from '../testing/testing.store.ts';
import {
  alertsOfCheck,
  checkFaults,
  dayNumber,
  dueSlots,
  requestMayMove,
  missedTests,
  slotAt,
  type RequestStatus,
  type TestDayOfOrder,
} from './care.rules.ts';
import type {
  AlertView,
  CheckBody,
  FollowUpBody,
  OccupantView,
  RequestBody,
  RequestUpdateBody,
  RequestView,
  RoundsView,
  SyncBody,
  SyncResult,
} from './care.schema.ts';
import { carePolicy } from './care.policy.ts';
import * as store from './care.store.ts';

const DAY = 86_400_000;

type ExOrder = NonNullable<Awaited<ReturnType<typeof store.orderFull>>>;

/** The order, its current stay and site, when the actor may work on it (site staff: their roster's sites). */
async function orderForCare(ex: Executor, actor: Actor, orderId: string) {
  const order = await store.orderFull(ex, orderId);
  if (!order)
    throw new AppError(
      'CARE_ORDER_NOT_FOUND',
      { orderId },
      { faults: [{ field: 'orderId', code: 'CARE_ORDER_NOT_FOUND', params: { orderId } }] },
    );
  const stay = await allocationStore.currentStayOfOrder(ex, order.id);
  if (stay) {
    const [site] = await allocationStore.sitesByIds(ex, [stay.site_id]);
    await assertSiteAccess(ex, actor, site!);
  } else if (actor.role === 'quarantine_site') throw new AppError('OUT_OF_SCOPE');
  else assertInScope(actor, order.area_path);
  return { order, stay };
}

function notUnderOrder(order: ExOrder): AppError {
  return new AppError(
    'CHECK_NOT_UNDER_ORDER',
    { status: order.status },
    { faults: [{ field: 'orderId', code: 'CHECK_NOT_UNDER_ORDER', params: { status: order.status } }] },
  );
}

function faultError(
  faults: ReturnType<typeof checkFaults>,
  input: { temperature: number; symptoms: readonly string[]; slot: string },
  prefix = '',
): AppError {
  const p = carePolicy().checks;
  const params = (f: (typeof faults)[number]) =>
    f.code === 'CHECK_TEMPERATURE_OUT_OF_RANGE'
      ? { temperature: input.temperature, min: p.minTemperatureC, max: p.maxTemperatureC }
      : f.code === 'CHECK_SYMPTOM_UNKNOWN'
        ? { symptom: input.symptoms[Number(/\[(\d+)\]/.exec(f.field)?.[1] ?? 0)] ?? '' }
        : { slot: input.slot };
  const first = faults[0]!;
  return new AppError(first.code, params(first), {
    faults: faults.map((f) => ({ field: `${prefix}${f.field}`, code: f.code, params: params(f) })),
  });
}

/** Records one check (staff on their rounds, or a phone call); a fever or a symptom raises its alert at once. */
export async function recordCheck(s: Services, actor: Actor, body: CheckBody) {
  const policy = carePolicy().checks;
  const symptoms = body.symptoms ?? [];
  const faults = checkFaults({ temperature: body.temperature, symptoms, slot: body.slot }, policy);
  if (faults.length) throw faultError(faults, { temperature: body.temperature, symptoms, slot: body.slot });
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const today = dateInZone(now, tz);
  const date = body.date ?? today;
  if (!isCalendarDate(date) || date > today)
    throw new AppError(
      'CHECK_DATE_INVALID',
      { date },
      { faults: [{ field: 'date', code: 'CHECK_DATE_INVALID', params: { date } }] },
    );
  return s.db.transaction().execute(async (trx) => {
    const { order, stay } = await orderForCare(trx, actor, body.orderId);
    if (order.status !== 'active') throw notUnderOrder(order);
    if (await store.checkOfSlot(trx, order.id, date, body.slot))
      throw new AppError(
        'CHECK_DUPLICATE',
        { date, slot: body.slot },
        { faults: [{ field: 'slot', code: 'CHECK_DUPLICATE', params: { date, slot: body.slot } }] },
      );
    const check: store.NewCheck = {
      id: newId(now),
      order_id: order.id,
      date,
      slot: body.slot,
      temperature: body.temperature,
      symptoms: JSON.stringify(symptoms),
      by: body.by ?? 'staff',
      recorded_by: actor.userId,
      recorded_at: now,
      client_op_id: null,
    };
    await store.insertChecksTx(trx, s.dialect, [check]);
    const kinds = alertsOfCheck({ temperature: body.temperature, symptoms }, policy);
    await store.raiseAlertsTx(
      trx,
      s.dialect,
      kinds.map((kind) => ({
        id: newId(now),
        order_id: order.id,
        site_id: stay?.site_id ?? null,
        kind,
        date,
        slot: body.slot,
        detail: JSON.stringify({ temperature: body.temperature, symptoms }),
        raised_at: now,
      })),
    );
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.check',
      objectType: 'quarantine_order',
      objectId: order.id,
      detail: { date, slot: body.slot, temperature: body.temperature, symptoms, alerts: kinds },
    });
    return {
      check: {
        id: check.id,
        orderId: order.id,
        date,
        slot: body.slot,
        temperature: body.temperature,
        symptoms,
        by: check.by,
        recordedAt: now,
      },
      alerts: kinds,
    };
  });
}

/** One phone's sync request, as it waits for its group's commit. */
interface SyncRequest {
  actor: Actor;
  body: SyncBody;
}

const syncGroups = new WeakMap<Services['handle'], TransactionGroup<SyncRequest, SyncResult>>();

/** The services' group of check syncs, made on first use and drained when the database closes. */
function syncGroupOf(s: Services): TransactionGroup<SyncRequest, SyncResult> {
  let group = syncGroups.get(s.handle);
  if (!group) {
    const g = new TransactionGroup<SyncRequest, SyncResult>(s.db, (trx, requests) => syncChecksTx(s, trx, requests), {
      maxBatch: 64,
    });
    group = g;
    syncGroups.set(s.handle, g);
    s.handle.onClose(async () => {
      syncGroups.delete(s.handle);
      await g.drain();
    });
  }
  return group;
}

/**
 * Checks synced from staff phones: an operation already applied (its client_op_id known) is
 * `replayed`, one that breaks a rule is `refused` with its code and field and changes nothing, the
 * others are `applied` with their alerts. The phones' requests that arrive together are written as one
 * group — one transaction, one durable commit (src/db/group-commit.ts) — and each is answered with its
 * own results once the group committed.
 */
export async function syncChecks(s: Services, actor: Actor, body: SyncBody): Promise<SyncResult> {
  return syncGroupOf(s).enqueue({ actor, body });
}

/**
 * A group of phones' sync requests in one transaction: three reads for all of them (operation ids
 * already applied; the orders with their current stay and site; the slots already checked), each
 * request's operations decided in order (a slot or an operation id taken by an earlier request of the
 * group counts as taken), two writes (the checks; the alerts) and one audit event per request that
 * applied a check.
 */
async function syncChecksTx(
  s: Services,
  trx: Tx,
  requests: readonly SyncRequest[],
): Promise<Array<Settled<SyncResult>>> {
  const policy = carePolicy().checks;
  const now = s.clock.now();
  const today = dateInZone(now, s.config.timeZone);
  const allOps = requests.flatMap((r) => r.body.ops);
  const orderIds = [...new Set(allOps.map((o) => o.orderId))];
  const [known, targets, taken] = await Promise.all([
    store.knownClientOps(
      trx,
      s.dialect,
      allOps.map((o) => o.clientOpId),
    ),
    store.checkTargets(trx, s.dialect, orderIds),
    store.takenSlots(
      trx,
      s.dialect,
      orderIds,
      allOps.map((o) => o.date),
    ),
  ]);
  const sitesOfUser = new Map<string, Set<string>>();
  const checks: store.NewCheck[] = [];
  const alerts: store.NewAlert[] = [];
  const inBatch = new Set<string>();
  const out: Array<{ actor: Actor; results: SyncResult['results']; checks: store.NewCheck[]; alerts: number }> = [];
  for (const { actor, body } of requests) {
    let mine: Set<string> | null = null;
    if (actor.role === 'quarantine_site') {
      mine = sitesOfUser.get(actor.userId) ?? new Set(await siteIdsOfUser(trx, actor.userId));
      sitesOfUser.set(actor.userId, mine);
    }
    const results: SyncResult['results'] = [];
    const mineChecks: store.NewCheck[] = [];
    let mineAlerts = 0;
    for (const op of body.ops) {
      const refuse = (code: string, field: string) =>
        results.push({ clientOpId: op.clientOpId, outcome: 'refused', code, field, alerts: [] });
      if (known.has(op.clientOpId) || inBatch.has(op.clientOpId)) {
        results.push({ clientOpId: op.clientOpId, outcome: 'replayed', code: null, field: null, alerts: [] });
        continue;
      }
      const symptoms = op.symptoms ?? [];
      const faults = checkFaults({ temperature: op.temperature, symptoms, slot: op.slot }, policy);
      if (faults.length) {
        refuse(faults[0]!.code, faults[0]!.field);
        continue;
      }
      if (!isCalendarDate(op.date) || op.date > today) {
        refuse('CHECK_DATE_INVALID', 'date');
        continue;
      }
      const order = targets.get(op.orderId);
      if (!order) {
        refuse('CARE_ORDER_NOT_FOUND', 'orderId');
        continue;
      }
      const allowed =
        order.site_id !== null
          ? (order.site_path ?? '').startsWith(actor.areaPath) && (!mine || mine.has(order.site_id))
          : !mine && order.area_path.startsWith(actor.areaPath);
      if (!allowed) {
        refuse('OUT_OF_SCOPE', 'orderId');
        continue;
      }
      if (order.status !== 'active') {
        refuse('CHECK_NOT_UNDER_ORDER', 'orderId');
        continue;
      }
      const key = `${order.id}|${op.date}|${op.slot}`;
      if (taken.has(key)) {
        refuse('CHECK_DUPLICATE', 'slot');
        continue;
      }
      taken.add(key);
      inBatch.add(op.clientOpId);
      const check: store.NewCheck = {
        id: newId(now),
        order_id: order.id,
        date: op.date,
        slot: op.slot,
        temperature: op.temperature,
        symptoms: JSON.stringify(symptoms),
        by: op.by ?? 'staff',
        recorded_by: actor.userId,
        recorded_at: Math.min(op.at, now),
        client_op_id: op.clientOpId,
      };
      checks.push(check);
      mineChecks.push(check);
      const kinds = alertsOfCheck({ temperature: op.temperature, symptoms }, policy);
      for (const kind of kinds)
        alerts.push({
          id: newId(now),
          order_id: order.id,
          site_id: order.site_id,
          kind,
          date: op.date,
          slot: op.slot,
          detail: JSON.stringify({ temperature: op.temperature, symptoms }),
          raised_at: now,
        });
      mineAlerts += kinds.length;
      results.push({ clientOpId: op.clientOpId, outcome: 'applied', code: null, field: null, alerts: kinds });
    }
    out.push({ actor, results, checks: mineChecks, alerts: mineAlerts });
  }
  await store.insertChecksTx(trx, s.dialect, checks);
  await store.raiseAlertsTx(trx, s.dialect, alerts);
  for (const r of out)
    if (r.checks.length)
      await s.audit(trx, auditActor(r.actor), {
        action: 'quarantine.check.sync',
        objectType: 'quarantine_check',
        detail: {
          applied: r.checks.length,
          alerts: r.alerts,
          orders: new Set(r.checks.map((c) => c.order_id)).size,
        },
      });
  return out.map(({ results }) => {
    const count = (o: string) => results.filter((x) => x.outcome === o).length;
    return {
      ok: true as const,
      value: { results, applied: count('applied'), replayed: count('replayed'), refused: count('refused') },
    };
  });
}

/**
 * Raises a missed_check alert for every check slot of today and yesterday past its deadline without a
 * check, for each person staying at a site since before the slot began. Every serving process runs it;
 * the alert's unique key (order, kind, date, slot) lets exactly one insert through, so an alert is
 * raised once however many processes sweep.
 */
export async function sweepMissedChecks(s: Services): Promise<number> {
  const policy = carePolicy().checks;
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const stays = await store.staysForSweep(s.db);
  if (!stays.length) return 0;
  const dates = [addDays(dateInZone(now, tz), -1), dateInZone(now, tz)];
  const taken = await store.takenSlots(
    s.db,
    s.dialect,
    stays.map((x) => x.order_id),
    dates,
  );
  const alerts: store.NewAlert[] = [];
  for (const st of stays) {
    for (const due of dueSlots(st.from_at ?? st.created_at, now, tz, policy.slots)) {
      if (taken.has(`${st.order_id}|${due.date}|${due.slot}`)) continue;
      alerts.push({
        id: newId(now),
        order_id: st.order_id,
        site_id: st.site_id,
        kind: 'missed_check',
        date: due.date,
        slot: due.slot,
        detail: '{}',
        raised_at: now,
      });
    }
  }
  if (!alerts.length) return 0;
  return s.db.transaction().execute(async (trx) => {
    const raised = await store.raiseAlertsTx(trx, s.dialect, alerts);
    if (raised.length)
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'quarantine.alert.missed_check',
        objectType: 'quarantine_alert',
        detail: { raised: raised.length },
      });
    return raised.length;
  });
}

/**
 * Raises a missed_test alert for every scheduled test day of an active order past the rules file's
 * `tests.missedAfter` with no sample that date — in the testing module's tubes (result or not) or in
 * the person's results. Like the missed-check sweep it may run in every process: the alert's unique
 * key (order, kind, date, slot = the phase) lets exactly one insert through.
 */
export async function sweepMissedTests(s: Services): Promise<number> {
  const missedAfter = carePolicy().tests.missedAfter;
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const orders = await store.ordersForTestSweep(s.db);
  if (!orders.length) return 0;
  const since = orders.reduce((m, o) => Math.min(m, o.created_at), now) - DAY;
  const personIds = orders.map((o) => o.person_id);
  const sampled = new Map<string, Set<string>>();
  for (const r of [
    ...(await testingSamplings(s.db, personIds, since)),
    ...(await healthSamplings(s.db, personIds, since)),
  ]) {
    const set = sampled.get(r.person_id) ?? new Set<string>();
    set.add(dateInZone(r.sampled_at, tz));
    sampled.set(r.person_id, set);
  }
  const alerts: store.NewAlert[] = [];
  for (const o of orders) {
    const days = parseTestDays(o.test_days);
    const missed = missedTests(
      days,
      sampled.get(o.person_id) ?? new Set(),
      dateInZone(o.created_at, tz),
      now,
      tz,
      missedAfter,
    );
    for (const m of missed)
      alerts.push({
        id: newId(now),
        order_id: o.order_id,
        site_id: o.site_id,
        kind: 'missed_test',
        date: m.date,
        slot: m.phase,
        detail: JSON.stringify({ phase: m.phase, day: m.day }),
        raised_at: now,
      });
  }
  if (!alerts.length) return 0;
  return s.db.transaction().execute(async (trx) => {
    const raised = await store.raiseAlertsTx(trx, s.dialect, alerts);
    if (raised.length)
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'quarantine.alert.missed_test',
        objectType: 'quarantine_alert',
        detail: { raised: raised.length },
      });
    return raised.length;
  });
}

function parseTestDays(text: string): TestDayOfOrder[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as TestDayOfOrder[]) : [];
  } catch {
    return [];
  }
}

async function alertViews(ex: Executor, rows: readonly store.AlertRow[]): Promise<AlertView[]> {
  const rooms = await store.currentRooms(
    ex,
    rows.map((r) => r.order_id),
  );
  return rows.map((r) => {
    const d = JSON.parse(r.detail) as { temperature?: number; symptoms?: string[] };
    return {
      id: r.id,
      orderId: r.order_id,
      personName: maskName(r.person_name),
      siteId: r.site_id,
      roomNumber: rooms.get(r.order_id)?.number ?? null,
      kind: r.kind as AlertView['kind'],
      date: r.date,
      slot: r.slot,
      temperature: d.temperature ?? null,
      symptoms: d.symptoms ?? [],
      status: r.status as AlertView['status'],
      followUp: r.follow_up,
      handledBy: r.handled_by,
      handledAt: r.handled_at,
      raisedAt: r.raised_at,
    };
  });
}

/** The sites a listing covers: the one named (if the actor may see it), or for site staff their roster's sites. */
async function siteFilter(ex: Executor, actor: Actor, siteId: string | undefined): Promise<string[] | undefined> {
  if (siteId) return [(await siteFor(ex, actor, siteId)).id];
  if (actor.role === 'quarantine_site') return siteIdsOfUser(ex, actor.userId);
  return undefined;
}

export async function listAlerts(
  s: Services,
  actor: Actor,
  q: { siteId?: string; status?: string },
  page: { limit: number; offset: number },
): Promise<Page<AlertView>> {
  const siteIds = await siteFilter(s.db, actor, q.siteId);
  const areaPath = q.siteId ? '' : await listingScope(s.db, actor, undefined);
  const { items, total } = await store.listAlerts(s.db, { siteIds, areaPath, status: q.status }, page);
  return { items: await alertViews(s.db, items), total, ...page };
}

/** The medical staff's follow-up of an alert (a note; closing it when settled). */
export async function followUpAlert(s: Services, actor: Actor, id: string, body: FollowUpBody): Promise<AlertView> {
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const alert = await store.alertById(trx, id);
    if (!alert) throw new AppError('ALERT_NOT_FOUND');
    await orderForCare(trx, actor, alert.order_id);
    if (alert.status === 'closed') throw new AppError('ALERT_CLOSED');
    const status = body.close ? 'closed' : 'followed_up';
    await store.followUpAlertTx(trx, id, { status, follow_up: body.note, handled_by: actor.username, handled_at: now });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.alert.follow_up',
      objectType: 'quarantine_alert',
      objectId: id,
      reason: body.note,
      detail: { kind: alert.kind, status },
    });
    return (await alertViews(trx, [(await store.alertById(trx, id))!]))[0]!;
  });
}

function requestView(r: store.RequestRow, room: string | null): RequestView {
  return {
    id: r.id,
    orderId: r.order_id,
    personName: maskName(r.person_name),
    siteId: r.site_id,
    roomNumber: room,
    kind: r.kind as RequestView['kind'],
    detail: r.detail,
    status: r.status as RequestView['status'],
    note: r.note,
    handledBy: r.handled_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A request from a room (a meal for a diet, medicine, necessities, psychological support, a call with family…). */
export async function createRequest(s: Services, actor: Actor, body: RequestBody): Promise<RequestView> {
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const { order, stay } = await orderForCare(trx, actor, body.orderId);
    if (order.status !== 'active') throw notUnderOrder(order);
    const id = newId(now);
    await store.insertRequestTx(trx, {
      id,
      order_id: order.id,
      site_id: stay?.site_id ?? null,
      kind: body.kind,
      detail: body.detail ?? '',
      status: 'open',
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.request',
      objectType: 'quarantine_request',
      objectId: id,
      detail: { orderId: order.id, kind: body.kind },
    });
    const rooms = await store.currentRooms(trx, [order.id]);
    return requestView((await store.requestById(trx, id))!, rooms.get(order.id)?.number ?? null);
  });
}

export async function updateRequest(
  s: Services,
  actor: Actor,
  id: string,
  body: RequestUpdateBody,
): Promise<RequestView> {
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const req = await store.requestById(trx, id);
    if (!req) throw new AppError('REQUEST_NOT_FOUND');
    await orderForCare(trx, actor, req.order_id);
    if (!requestMayMove(req.status as RequestStatus, body.status))
      throw new AppError(
        'REQUEST_STATUS_INVALID',
        { from: req.status, to: body.status },
        {
          faults: [{ field: 'status', code: 'REQUEST_STATUS_INVALID', params: { from: req.status, to: body.status } }],
        },
      );
    await store.updateRequestTx(trx, id, {
      status: body.status,
      note: body.note ?? req.note,
      handled_by: actor.username,
      updated_at: now,
    });
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.request.update',
      objectType: 'quarantine_request',
      objectId: id,
      detail: { from: req.status, to: body.status },
    });
    const rooms = await store.currentRooms(trx, [req.order_id]);
    return requestView((await store.requestById(trx, id))!, rooms.get(req.order_id)?.number ?? null);
  });
}

export async function listRequests(
  s: Services,
  actor: Actor,
  q: { siteId?: string; status?: string },
  page: { limit: number; offset: number },
): Promise<Page<RequestView>> {
  const siteIds = await siteFilter(s.db, actor, q.siteId);
  const areaPath = q.siteId ? '' : await listingScope(s.db, actor, undefined);
  const { items, total } = await store.listRequests(s.db, { siteIds, areaPath, status: q.status }, page);
  const rooms = await store.currentRooms(
    s.db,
    items.map((r) => r.order_id),
  );
  return { items: items.map((r) => requestView(r, rooms.get(r.order_id)?.number ?? null)), total, ...page };
}

/** The staff's rounds: the site's rooms with their occupants, today's checks per slot, open alerts, the next room. */
export async function rounds(s: Services, actor: Actor, siteId: string): Promise<RoundsView> {
  const site = await siteFor(s.db, actor, siteId);
  const policy = carePolicy().checks;
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const date = dateInZone(now, tz);
  const slot = slotAt(now, tz, policy.slots);
  const [rooms, occupants] = await Promise.all([
    allocationStore.roomsOfSites(s.db, [site.id]),
    store.currentOccupants(s.db, site.id),
  ]);
  const checks = await store.checksOfDate(
    s.db,
    occupants.map((o) => o.order_id),
    date,
  );
  const alerts = await store.listAlerts(
    s.db,
    { siteIds: [site.id], areaPath: '', status: 'open' },
    { limit: 200, offset: 0 },
  );
  const requests = await store.listRequests(
    s.db,
    { siteIds: [site.id], areaPath: '', status: 'open' },
    { limit: 1, offset: 0 },
  );
  const openBy = new Map<string, number>();
  for (const a of alerts.items) openBy.set(a.order_id, (openBy.get(a.order_id) ?? 0) + 1);
  const list = rooms.map((r) => {
    const here = occupants.filter((o) => o.room_id === r.id);
    const people = here.map((o) => {
      const mine = checks.filter((c) => c.order_id === o.order_id);
      return {
        orderId: o.order_id,
        personName: maskName(o.person_name),
        orderKind: o.kind,
        day: dayNumber(o.start_at, now, tz),
        needs: needList(o.care_needs),
        checks: Object.fromEntries(
          policy.slots.map((sl) => [sl.key, mine.find((c) => c.slot === sl.key)?.temperature ?? null]),
        ),
        openAlerts: openBy.get(o.order_id) ?? 0,
      };
    });
    return {
      roomId: r.id,
      number: r.number,
      floor: r.floor,
      status: r.status,
      done: people.every((p) => p.checks[slot] !== null),
      occupants: people,
    };
  });
  const next = list.find((r) => r.occupants.length && !r.done)?.roomId ?? null;
  return {
    siteId: site.id,
    siteName: site.name,
    date,
    slot,
    slots: policy.slots.map((x) => x.key),
    next,
    rooms: list,
    alerts: await alertViews(s.db, alerts.items),
    openRequests: requests.total,
  };
}

/** One occupant as the site board shows them (masked): day, room, test days, checks, alerts and requests. */
export async function occupant(s: Services, actor: Actor, orderId: string): Promise<OccupantView> {
  const { order, stay } = await orderForCare(s.db, actor, orderId);
  const now = s.clock.now();
  const tz = s.config.timeZone;
  const [site] = stay ? await allocationStore.sitesByIds(s.db, [stay.site_id]) : [];
  const room = stay ? await allocationStore.roomById(s.db, stay.room_id) : undefined;
  const checks = await store.checksOfOrder(s.db, order.id);
  const alerts = await store.listAlerts(s.db, { areaPath: '', orderId: order.id }, { limit: 50, offset: 0 });
  const requests = await store.listRequests(s.db, { areaPath: '', orderId: order.id }, { limit: 50, offset: 0 });
  const startDate = dateInZone(order.start_at, tz);
  const centralisedDays = Math.max(0, dayNumber(order.start_at, order.centralised_until, tz));
  const today = dateInZone(now, tz);
  let testDays: Array<{ phase: string; day: number; date?: string }> = [];
  try {
    testDays = JSON.parse(order.test_days) as typeof testDays;
  } catch {
    testDays = [];
  }
  await s.audit(s.db, auditActor(actor), {
    action: 'quarantine.occupant.read',
    objectType: 'quarantine_order',
    objectId: order.id,
  });
  return {
    orderId: order.id,
    personName: maskName(order.person_name),
    orderKind: order.kind,
    status: order.status,
    day: dayNumber(order.start_at, now, tz),
    startAt: order.start_at,
    centralisedUntil: order.centralised_until,
    endsAt: order.ends_at,
    needs: needList(order.care_needs),
    siteId: site?.id ?? null,
    siteName: site?.name ?? null,
    roomNumber: room?.number ?? null,
    testDays: testDays.map((t) => {
      const date = t.date ?? addDays(startDate, t.phase === 'home' ? centralisedDays + t.day : t.day);
      return { phase: t.phase, day: t.day, date, due: date <= today };
    }),
    checks: checks.map((c) => ({
      id: c.id,
      orderId: c.order_id,
      date: c.date,
      slot: c.slot,
      temperature: c.temperature,
      symptoms: JSON.parse(c.symptoms) as string[],
      by: c.by,
      recordedAt: c.recorded_at,
    })),
    alerts: await alertViews(s.db, alerts.items),
    requests: requests.items.map((r) => requestView(r, room?.number ?? null)),
  };
}

/** Start of a date in the deployment's zone (exported for the jobs' and tests' arithmetic). */
export function dayStart(s: Services, date: string): number {
  return startOfDate(date, s.config.timeZone);
}
