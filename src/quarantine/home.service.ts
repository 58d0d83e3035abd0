// Home quarantine and home health monitoring (居家隔离 / 居家健康监测) for the community worker: the homes
// under orders in their area with the door seal or sensor (and since when), the day's temperature
// report (by the person, or by the worker's phone call or visit), the test days with the home-sampling
// task each opens on the testing squad's list, and breaches. Every change is an event of the order and
// an audit event.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { personIdOfUser } from '../access/access.store.ts';
import { dateInZone } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import { homeTaskId, openHomeSamplingTasksTx } from '../testing/testing.coverage.ts';
import { tasksByIds } from '../testing/testing.pools.store.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { dayOf, nextTest } from './orders.rules.ts';
import type { BreachBody, DoorBody, HomeReportBody } from './orders.schema.ts';
import type { HomeServiceBody, HomeServiceKind, HomeServiceView } from './home.schema.ts';
import type { QuarantineHomeServiceTable } from '../db/database.ts';
import { listOrders, orderForActor, orderView, scheduleOf, testDaysOf } from './orders.service.ts';
import * as orders from './orders.store.ts';
import * as store from './home.store.ts';
import * as careStore from './care.store.ts';
import { carePolicy } from './care.policy.ts';
import { alertsOfCheck } from './care.rules.ts';

const HOME_PLACES = ['home_quarantine', 'home_health_monitoring'];
type TaskStatus = 'open' | 'sampled' | 'negative' | 'positive' | 'cancelled';

export async function homeList(s: Services, actor: Actor, areaId: string | undefined) {
  assertCan(actor, 'quarantine.home');
  const page = await listOrders(s, actor, { status: 'active', areaId }, { limit: 500, offset: 0 }, { home: true });
  const ids = page.items.map((o) => o.id);
  const [addresses, checks, breaches, services] = await Promise.all([
    store.addressesOf(
      s.db,
      page.items.map((o) => o.personId),
    ),
    store.latestChecks(s.db, ids),
    store.breachCounts(s.db, ids),
    store.latestServices(s.db, ids),
  ]);
  const now = s.clock.now();
  const today = dateInZone(now, s.config.timeZone);
  const tasks = new Map(
    (
      await tasksByIds(
        s.db,
        ids.map((id) => homeTaskId(samplingKey(id, today))),
      )
    ).map((t) => [t.id, t]),
  );
  return {
    items: page.items.map((o) => {
      const last = checks.get(o.id);
      const next = nextTest(o.testDays, now, s.config.timeZone);
      const task = tasks.get(homeTaskId(samplingKey(o.id, today)));
      return {
        order: o,
        address: addresses.get(o.personId) ?? '',
        reportedToday: last?.date === today,
        lastReport: last
          ? {
              temperature: Number(last.temperature),
              by: last.by,
              at: last.recorded_at,
              date: last.date,
              slot: last.slot,
            }
          : null,
        nextTest: next,
        testToday: next?.date === today,
        samplingTask: task ? { id: task.id, status: task.status as TaskStatus } : null,
        breaches: breaches.get(o.id) ?? 0,
        lastDelivery: serviceOrNull(services.get(o.id)?.delivery),
        lastGarbage: serviceOrNull(services.get(o.id)?.garbage),
      };
    }),
  };
}

/** What a home-sampling task is for: one order's test day. */
function samplingKey(orderId: string, date: string): string {
  return `quarantine|${orderId}|${date}`;
}

/**
 * Today's test days of the orders served at home open home-sampling tasks on the testing squad's list
 * (the testing module's tasks, sampled into single tubes whose results tick the schedule), each noted
 * as an event of its order. Runs in the care sweep of every process; a task is made once per order and
 * date. People no testing round covers yet wait for one (`waiting`).
 */
export async function openHomeSamplingTasks(s: Services): Promise<{ created: number; waiting: number }> {
  const now = s.clock.now();
  const today = dateInZone(now, s.config.timeZone);
  const due = (await store.activeHomeOrders(s.db)).filter((o) => testDaysOf(o).some((t) => t.date === today));
  if (!due.length) return { created: 0, waiting: 0 };
  return s.db.transaction().execute(async (trx) => {
    const outcome = await openHomeSamplingTasksTx(
      s,
      trx,
      due.map((o) => ({ key: samplingKey(o.id, today), personId: o.person_id })),
    );
    const byKey = new Map(outcome.map((x) => [x.key, x]));
    const created = due.flatMap((o) => {
      const x = byKey.get(samplingKey(o.id, today));
      return x?.created ? [{ order: o, taskId: x.taskId!, roundId: x.roundId! }] : [];
    });
    const day = (o: (typeof due)[number]) => testDaysOf(o).find((t) => t.date === today)!;
    await orders.insertEvents(
      trx,
      created.map((c) => ({
        id: newId(now),
        order_id: c.order.id,
        kind: 'sampling_task',
        detail: JSON.stringify({ taskId: c.taskId, roundId: c.roundId, date: today, day: day(c.order).day }),
        actor_id: null,
        at: now,
      })),
    );
    if (created.length)
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'quarantine.home.sampling_tasks',
        objectType: 'testing_task',
        detail: { date: today, created: created.length, orders: created.slice(0, 200).map((c) => c.order.id) },
      });
    return { created: created.length, waiting: outcome.filter((x) => !x.roundId).length };
  });
}

async function homeOrder(s: Services, trx: Parameters<typeof orderForActor>[0], actor: Actor, id: string) {
  const o = await orderForActor(trx, actor, id);
  if (o.status !== 'active') throw new AppError('QUARANTINE_ORDER_NOT_ACTIVE', { status: o.status });
  if (!HOME_PLACES.includes(o.place)) throw new AppError('QUARANTINE_HOME_NOT_HOME_ORDER');
  return o;
}

/** The door seal or electronic sensor fitted (or removed), with its date. */
export async function setDoor(s: Services, actor: Actor, id: string, body: DoorBody) {
  assertCan(actor, 'quarantine.home');
  return s.db.transaction().execute(async (trx) => {
    const o = await homeOrder(s, trx, actor, id);
    const now = s.clock.now();
    const at = Math.min(body.at ?? now, now);
    await orders.updateOrder(trx, id, { door_measure: body.measure, door_measure_at: at, updated_at: now });
    const detail = { from: o.door_measure, to: body.measure, at };
    await orders.insertEvents(trx, [
      { id: newId(now), order_id: id, kind: 'door', detail: JSON.stringify(detail), actor_id: actor.userId, at: now },
    ]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.home.door',
      objectType: 'quarantine_order',
      objectId: id,
      detail,
    });
    return orderView(s, (await orders.orderById(trx, id))!);
  });
}

/** The temperature range a report may carry: the care rules' (rules/quarantine-ops.json). */
function checkTemperature(t: number): void {
  const { minTemperatureC, maxTemperatureC } = carePolicy().checks;
  if (!Number.isFinite(t) || t < minTemperatureC || t > maxTemperatureC)
    throw new AppError('QUARANTINE_HOME_TEMPERATURE_RANGE', { field: 'temperature' });
}

async function report(
  s: Services,
  trx: Parameters<typeof orderForActor>[0],
  actor: Actor,
  o: { id: string },
  body: HomeReportBody,
) {
  checkTemperature(body.temperature);
  const now = s.clock.now();
  const date = dateInZone(now, s.config.timeZone);
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: s.config.timeZone, hour: '2-digit', hourCycle: 'h23' }).format(now),
  );
  const slot = body.slot ?? (hour < 14 ? 'morning' : 'evening');
  const by = body.by === 'visit' ? 'staff' : body.by;
  await store.upsertCheck(trx, {
    id: newId(now),
    order_id: o.id,
    date,
    slot,
    temperature: body.temperature,
    symptoms: JSON.stringify(body.symptoms ?? []),
    by,
    recorded_by: actor.userId,
    recorded_at: now,
    client_op_id: null,
  });
  // A fever or a symptom raises the same alert as a check on the site's rounds (care rules), to the
  // site's medical staff when the person is in a room, else on the order for the community's worker.
  const symptoms = body.symptoms ?? [];
  const kinds = alertsOfCheck({ temperature: body.temperature, symptoms }, carePolicy().checks);
  const fever = kinds.length > 0;
  const siteId = (await careStore.checkTargets(trx, s.dialect, [o.id])).get(o.id)?.site_id ?? null;
  await careStore.raiseAlertsTx(
    trx,
    s.dialect,
    kinds.map((kind) => ({
      id: newId(now),
      order_id: o.id,
      site_id: siteId,
      kind,
      date,
      slot,
      detail: JSON.stringify({ temperature: body.temperature, symptoms, by }),
      raised_at: now,
    })),
  );
  const detail = { date, slot, temperature: body.temperature, symptoms, by: body.by, fever, alerts: kinds };
  await orders.insertEvents(trx, [
    { id: newId(now), order_id: o.id, kind: 'report', detail: JSON.stringify(detail), actor_id: actor.userId, at: now },
  ]);
  await s.audit(trx, auditActor(actor), {
    action: 'quarantine.home.report',
    objectType: 'quarantine_order',
    objectId: o.id,
    detail,
  });
  return { date, slot, temperature: body.temperature, fever };
}

/** The day's temperature as the worker took it by phone or on a visit. */
export async function homeReport(s: Services, actor: Actor, id: string, body: HomeReportBody) {
  assertCan(actor, 'quarantine.home');
  if (body.by === 'self') body = { ...body, by: 'phone' };
  return s.db.transaction().execute(async (trx) => report(s, trx, actor, await homeOrder(s, trx, actor, id), body));
}

/** The person's own report from their phone (their own active home order). */
export async function myReport(s: Services, actor: Actor, body: HomeReportBody) {
  if (actor.role !== 'resident') throw new AppError('QUARANTINE_ORDER_NOT_RESIDENT');
  return s.db.transaction().execute(async (trx) => {
    const personId = await personIdOfUser(trx, actor.userId);
    if (!personId) throw new AppError('QUARANTINE_ORDER_NOT_RESIDENT');
    const active = (await orders.activeOrdersOf(trx, [personId]))[0];
    if (!active) throw new AppError('QUARANTINE_ORDER_NOT_FOUND');
    return report(s, trx, actor, active, { ...body, by: 'self' });
  });
}

export async function recordBreach(s: Services, actor: Actor, id: string, body: BreachBody) {
  assertCan(actor, 'quarantine.home');
  return s.db.transaction().execute(async (trx) => {
    const o = await homeOrder(s, trx, actor, id);
    const now = s.clock.now();
    const row = {
      id: newId(now),
      order_id: id,
      kind: body.kind,
      note: body.note ?? '',
      recorded_by: actor.userId,
      at: now,
    };
    await store.insertBreach(trx, row);
    const d = dayOf(scheduleOf(o), now, s.config.timeZone);
    const detail = { breachId: row.id, kind: body.kind, note: row.note, day: d.day, testDays: testDaysOf(o).length };
    await orders.insertEvents(trx, [
      { id: newId(now), order_id: id, kind: 'breach', detail: JSON.stringify(detail), actor_id: actor.userId, at: now },
    ]);
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.home.breach',
      objectType: 'quarantine_order',
      objectId: id,
      detail,
    });
    return orderView(s, o);
  });
}

function serviceView(r: QuarantineHomeServiceTable): HomeServiceView {
  return {
    id: r.id,
    orderId: r.order_id,
    kind: r.kind as HomeServiceKind,
    items: r.items,
    bags: r.bags,
    handledBy: r.handled_by,
    note: r.note,
    at: r.at,
    recordedAt: r.recorded_at,
  };
}

function serviceOrNull(r: QuarantineHomeServiceTable | undefined): HomeServiceView | null {
  return r ? serviceView(r) : null;
}

/**
 * A delivery to the home (what, when, by whom) or a collection of its garbage (bags, when, by whom),
 * recorded by the community worker: a row of its own, an event of the order and an audit event, in one
 * transaction. A delivery names its items, a collection its bags; the time is neither in the future
 * nor before the order starts.
 */
export async function recordService(
  s: Services,
  actor: Actor,
  id: string,
  body: HomeServiceBody,
): Promise<HomeServiceView> {
  assertCan(actor, 'quarantine.home');
  const items = (body.items ?? '').trim();
  if (body.kind === 'delivery' && !items)
    throw new AppError(
      'QUARANTINE_HOME_SERVICE_ITEMS_REQUIRED',
      { field: 'items' },
      { faults: [{ field: 'items', code: 'QUARANTINE_HOME_SERVICE_ITEMS_REQUIRED', params: { field: 'items' } }] },
    );
  const bags = body.bags ?? null;
  if (body.kind === 'garbage' && (bags === null || bags < 1 || bags > 50))
    throw new AppError(
      'QUARANTINE_HOME_SERVICE_BAGS_REQUIRED',
      { field: 'bags' },
      { faults: [{ field: 'bags', code: 'QUARANTINE_HOME_SERVICE_BAGS_REQUIRED', params: { field: 'bags' } }] },
    );
  const now = s.clock.now();
  return s.db.transaction().execute(async (trx) => {
    const o = await homeOrder(s, trx, actor, id);
    const at = body.at ?? now;
    if (at > now || at < Number(o.start_at))
      throw new AppError(
        'QUARANTINE_HOME_SERVICE_TIME_INVALID',
        { field: 'at' },
        { faults: [{ field: 'at', code: 'QUARANTINE_HOME_SERVICE_TIME_INVALID', params: { field: 'at' } }] },
      );
    const row: QuarantineHomeServiceTable = {
      id: newId(now),
      order_id: id,
      kind: body.kind,
      items: body.kind === 'delivery' ? items : '',
      bags: body.kind === 'garbage' ? bags : null,
      handled_by: body.handledBy.trim(),
      note: body.note?.trim() ?? '',
      at,
      recorded_by: actor.userId,
      recorded_at: now,
    };
    await store.insertService(trx, row);
    const detail = {
      serviceId: row.id,
      ...(row.kind === 'delivery' ? { items: row.items } : { bags: row.bags }),
      handledBy: row.handled_by,
      doneAt: at,
      ...(row.note ? { note: row.note } : {}),
    };
    await orders.insertEvents(trx, [
      { id: newId(now), order_id: id, kind: row.kind, detail: JSON.stringify(detail), actor_id: actor.userId, at },
    ]);
    await s.audit(trx, auditActor(actor), {
      action: `quarantine.home.${row.kind}`,
      objectType: 'quarantine_order',
      objectId: id,
      detail,
    });
    return serviceView(row);
  });
}

/** The deliveries and garbage collections of one home order, latest first. */
export async function listServices(s: Services, actor: Actor, id: string): Promise<{ items: HomeServiceView[] }> {
  assertCan(actor, 'quarantine.home');
  const o = await orderForActor(s.db, actor, id);
  if (!HOME_PLACES.includes(o.place)) throw new AppError('QUARANTINE_HOME_NOT_HOME_ORDER');
  return { items: (await store.servicesOf(s.db, id)).map(serviceView) };
}
