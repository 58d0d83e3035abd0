// Quarantine orders (隔离医学观察): issued for one person or a batch (every confirmed close contact of a
// case, a suspected-positive pool's members, a risk area's arrivals), extended on a new exposure,
// cancelled, released when the rule set's conditions hold (with the home phase that follows as an
// order of its own), and converted when the person becomes a case. Every schedule comes from the active
// rule set; the person's quarantine facts (health codes) move with the order in the same transaction;
// every change is an event of the order and an audit event with its basis.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope, inScope, listingScope } from '../access/access.scope.ts';
import { personIdOfUser } from '../access/access.store.ts';
import type { Executor, QuarantineOrderTable, Tx } from '../db/database.ts';
import type { AuditActor } from '../platform/audit.ts';
import { dateInZone } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import { arrivalGroup } from '../rules/ruleset.rules.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { ruleSetById } from '../rules/ruleset.load.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import type { CaseRegistered, Services } from '../services.ts';
import { testsOfPerson } from '../health/health.store.ts';
import {
  caseById,
  contactById,
  contactsOfCase,
  openCaseOfPerson,
  personById,
  personsByIds,
} from '../tracing/tracing.store.ts';
import type { TracedPerson } from '../tracing/tracing.store.ts';
import { membersOfTubes } from '../testing/testing.store.ts';
import { poolById } from '../testing/testing.pools.store.ts';
import { openArrivals, riskAreaById } from '../riskareas/riskareas.store.ts';
import { basisOf, type OrderFact } from './orders.health.ts';
import {
  dayOf,
  extendedSchedule,
  firstPositive,
  nextTest,
  orderSchedule,
  releaseCheck,
  tickSchedule,
  type OrderKind,
  type OrderPlace,
  type OrderSchedule,
  type OrderSource,
  type PersonTest,
  type ReleaseCheck,
  type ScheduledTest,
} from './orders.rules.ts';
import type {
  BatchOrderBody,
  CreateOrderBody,
  ExtendBody,
  ListQuery,
  OrderDetail,
  OrderView,
  ReleaseBody,
} from './orders.schema.ts';
import * as store from './orders.store.ts';
import { missedTestAlerts } from './care.store.ts';
import type { OrderRow } from './orders.store.ts';
import { certificateToken, verifyCertificateToken } from './certificate.ts';

// ---- views ----------------------------------------------------------------------------------------

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function testDaysOf(o: Pick<QuarantineOrderTable, 'test_days'>): ScheduledTest[] {
  return parseJson<ScheduledTest[]>(o.test_days, []);
}

/** The stored order as the rules read it. */
export function scheduleOf(o: QuarantineOrderTable) {
  return {
    startAt: o.start_at,
    centralisedUntil: o.centralised_until,
    homeUntil: o.home_until,
    homeKind: o.home_kind as 'home_quarantine' | 'home_health_monitoring',
    place: o.place as OrderPlace,
    testDays: testDaysOf(o),
  };
}

export function orderView(s: Services, o: OrderRow): OrderView {
  const now = s.clock.now();
  const at = o.status === 'active' ? now : Math.min(now, o.released_at ?? o.updated_at);
  const d = dayOf(scheduleOf(o), at, s.config.timeZone);
  return {
    id: o.id,
    personId: o.person_id,
    personName: maskName(o.person_name),
    areaId: o.area_id,
    areaName: o.area_name,
    kind: o.kind as OrderView['kind'],
    place: o.place as OrderView['place'],
    status: o.status as OrderView['status'],
    sourceType: o.source_type as OrderView['sourceType'],
    sourceId: o.source_id,
    caseId: o.case_id,
    ruleSetId: o.rule_set_id,
    startAt: o.start_at,
    centralisedUntil: o.centralised_until,
    homeUntil: o.home_until,
    endsAt: o.ends_at,
    homeKind: o.home_kind as OrderView['homeKind'],
    testDays: testDaysOf(o),
    day: d.day,
    phase: d.phase,
    phaseDay: d.phaseDay,
    doorMeasure: o.door_measure as OrderView['doorMeasure'],
    doorMeasureAt: o.door_measure_at,
    releasedAt: o.released_at,
    followOrderId: o.follow_order_id,
    createdAt: o.created_at,
  };
}

/** A person's test results as the rules read them (the health domain's record). */
export async function personTests(ex: Executor, personId: string): Promise<PersonTest[]> {
  return (await testsOfPerson(ex, personId, 200)).map((t) => ({
    sampledAt: Number(t.sampled_at),
    result: t.result === 'positive' ? 'positive' : 'negative',
    pooled: Number(t.pooled) === 1,
  }));
}

// ---- access ---------------------------------------------------------------------------------------

/** Read access: the order's area in the actor's subtree; a site's staff only for the people of their sites. */
export async function assertSeesOrder(ex: Executor, actor: Actor, o: QuarantineOrderTable): Promise<void> {
  assertInScope(actor, o.area_path);
  if (actor.role === 'quarantine_site' && !(await store.staffSeesOrder(ex, actor.userId, o.id)))
    throw new AppError('OUT_OF_SCOPE');
}

export async function orderForActor(ex: Executor, actor: Actor, id: string): Promise<OrderRow> {
  const o = await store.orderById(ex, id);
  if (!o) throw new AppError('QUARANTINE_ORDER_NOT_FOUND');
  await assertSeesOrder(ex, actor, o);
  return o;
}

function assertActive(o: QuarantineOrderTable): void {
  if (o.status !== 'active') throw new AppError('QUARANTINE_ORDER_NOT_ACTIVE', { status: o.status });
}

// ---- facts ----------------------------------------------------------------------------------------

/** The quarantine facts of an order's schedule: centralised while it lasts, home quarantine after (not monitoring). */
export function factsOf(o: QuarantineOrderTable, from: number): OrderFact[] {
  const facts: OrderFact[] = [];
  const source = { type: 'quarantine' as const, id: o.id };
  const detail = { orderId: o.id, kind: o.kind, ruleSet: o.rule_set_id };
  if (o.place === 'centralised' && o.centralised_until > o.start_at)
    facts.push({
      personId: o.person_id,
      kind: 'centralised_quarantine',
      since: Math.min(from, o.start_at),
      until: o.centralised_until,
      source,
      group: o.id,
      detail,
    });
  if (o.home_kind === 'home_quarantine' && o.home_until > o.centralised_until)
    facts.push({
      personId: o.person_id,
      kind: 'home_quarantine',
      since:
        o.place === 'centralised' ? o.centralised_until : Math.min(from, Math.max(o.start_at, o.centralised_until)),
      until: o.home_until,
      source,
      group: o.id,
      detail,
    });
  return facts;
}

async function addOrderFacts(
  s: Services,
  trx: Tx,
  orders: readonly QuarantineOrderTable[],
  actor: AuditActor,
  basis: ReturnType<typeof basisOf>,
): Promise<void> {
  const port = s.ports.quarantineHealth;
  if (!port) return;
  const facts = orders.flatMap((o) => factsOf(o, o.start_at));
  if (facts.length) await port.addFacts(s, trx, facts, { actor, ...basis });
}

async function endOrderFacts(
  s: Services,
  trx: Tx,
  o: QuarantineOrderTable,
  at: number,
  actor: AuditActor,
  basis: ReturnType<typeof basisOf>,
): Promise<void> {
  const port = s.ports.quarantineHealth;
  if (!port) return;
  await port.endFacts(s, trx, { sourceType: 'quarantine', sourceId: o.id }, at, { actor, ...basis });
}

async function event(
  trx: Tx,
  orderId: string,
  kind: string,
  detail: Record<string, unknown>,
  actorId: string | null,
  at: number,
): Promise<void> {
  await store.insertEvents(trx, [
    { id: newId(at), order_id: orderId, kind, detail: JSON.stringify(detail), actor_id: actorId, at },
  ]);
}

// ---- creating orders ------------------------------------------------------------------------------

interface Candidate {
  person: TracedPerson;
  kind: OrderKind;
  startAt: number;
  sourceType: OrderSource;
  sourceId: string | null;
  caseId: string | null;
  careNeeds?: string[];
}

function newOrderRow(
  s: Services,
  r: RuleSet,
  c: Candidate,
  sched: OrderSchedule,
  actorId: string,
  now: number,
): QuarantineOrderTable {
  return {
    id: newId(now),
    person_id: c.person.id,
    area_id: c.person.area_id,
    area_path: c.person.area_path,
    kind: c.kind,
    place: sched.place,
    status: 'active',
    source_type: c.sourceType,
    source_id: c.sourceId,
    case_id: c.caseId,
    household_id: c.person.household_id,
    rule_set_id: r.id,
    start_at: sched.startAt,
    centralised_until: sched.centralisedUntil,
    home_until: sched.homeUntil,
    ends_at: sched.endsAt,
    home_kind: sched.homeKind,
    test_days: JSON.stringify(sched.testDays),
    care_needs: JSON.stringify({ needs: c.careNeeds ?? [] }),
    guardian_person_id: null,
    door_measure: 'none',
    door_measure_at: null,
    released_at: null,
    release_basis: null,
    follow_order_id: null,
    created_by: actorId,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Writes the orders of the candidates who can take one (in scope, no active order, no open case) with
 * their facts, events and one audit event; the others are returned with the code that kept them out.
 */
async function issueTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  candidates: readonly Candidate[],
  basisWords: { source: string; sourceId: string | null; reason?: string },
): Promise<{ created: QuarantineOrderTable[]; skipped: Array<{ personId: string; code: ErrorCode }> }> {
  const now = s.clock.now();
  const { ruleSet } = await activeChoice(s, trx);
  const active = new Set(
    (
      await store.activeOrdersOf(
        trx,
        candidates.map((c) => c.person.id),
      )
    ).map((o) => o.person_id),
  );
  const created: QuarantineOrderTable[] = [];
  const skipped: Array<{ personId: string; code: ErrorCode }> = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.person.id)) continue;
    seen.add(c.person.id);
    if (!inScope(actor.areaPath, c.person.area_path)) {
      skipped.push({ personId: c.person.id, code: 'OUT_OF_SCOPE' });
      continue;
    }
    if (active.has(c.person.id)) {
      skipped.push({ personId: c.person.id, code: 'QUARANTINE_ORDER_EXISTS' });
      continue;
    }
    if (await openCaseOfPerson(trx, c.person.id)) {
      skipped.push({ personId: c.person.id, code: 'QUARANTINE_ORDER_PERSON_IS_CASE' });
      continue;
    }
    if (c.startAt > now) throw new AppError('QUARANTINE_ORDER_START_IN_FUTURE', { field: 'startAt' });
    const sched = orderSchedule(ruleSet, c.kind, c.startAt, s.config.timeZone);
    created.push(newOrderRow(s, ruleSet, c, sched, actor.userId, now));
  }
  if (!created.length) return { created, skipped };
  await store.insertOrders(trx, created);
  await store.insertEvents(
    trx,
    created.map((o) => ({
      id: newId(now),
      order_id: o.id,
      kind: 'created',
      detail: JSON.stringify({
        source: o.source_type,
        sourceId: o.source_id,
        ruleSet: ruleSet.id,
        ruleSetVersion: ruleSet.version,
        startAt: o.start_at,
        endsAt: o.ends_at,
        reason: basisWords.reason ?? null,
      }),
      actor_id: actor.userId,
      at: now,
    })),
  );
  const audit = auditActor(actor);
  const first = created[0]!;
  await addOrderFacts(
    s,
    trx,
    created,
    audit,
    basisOf('quarantine_ordered', {
      orderId: created.length === 1 ? first.id : `${created.length}`,
      kind: first.kind,
      place: first.place,
    }),
  );
  await s.audit(trx, audit, {
    action: 'quarantine.order.create',
    objectType: 'quarantine_order',
    objectId: created.length === 1 ? first.id : null,
    reason: basisWords.reason,
    detail: {
      source: basisWords.source,
      sourceId: basisWords.sourceId,
      ruleSet: ruleSet.id,
      ruleSetVersion: ruleSet.version,
      orders: created.map((o) => ({
        id: o.id,
        personId: o.person_id,
        kind: o.kind,
        place: o.place,
        startAt: o.start_at,
        endsAt: o.ends_at,
      })),
      skipped,
    },
  });
  return { created, skipped };
}

async function views(s: Services, ex: Executor, rows: readonly QuarantineOrderTable[]): Promise<OrderView[]> {
  const full = await store.ordersByIds(
    ex,
    rows.map((r) => r.id),
  );
  const byId = new Map(full.map((r) => [r.id, r]));
  return rows.map((r) => orderView(s, byId.get(r.id)!));
}

/** One person's order: from a contact (its case and last exposure), or with the kind and start given. */
export async function createOrder(s: Services, actor: Actor, body: CreateOrderBody): Promise<OrderView> {
  assertCan(actor, 'quarantine.order');
  return s.db.transaction().execute(async (trx) => {
    const person = await personById(trx, body.personId);
    if (!person) throw new AppError('QUARANTINE_ORDER_PERSON_NOT_FOUND');
    assertInScope(actor, person.area_path);
    let kind = body.kind;
    let startAt = body.startAt;
    let caseId: string | null = null;
    let sourceType: OrderSource = 'manual';
    let sourceId: string | null = null;
    if (body.contactId) {
      const contact = (await contactById(trx, body.contactId)) ?? null;
      if (!contact || contact.person_id !== person.id)
        throw new AppError('QUARANTINE_ORDER_SOURCE_NOT_FOUND', { source: 'contact' });
      kind ??= contact.class === 'secondary' ? 'secondary_contact' : 'close_contact';
      startAt ??= Number(contact.last_exposure_at ?? contact.first_exposure_at ?? contact.created_at);
      caseId = contact.case_id;
      sourceType = 'contact';
      sourceId = contact.id;
    }
    if (!kind) throw new AppError('QUARANTINE_ORDER_KIND_REQUIRED', { field: 'kind' });
    if (startAt === undefined) throw new AppError('QUARANTINE_ORDER_START_REQUIRED', { field: 'startAt' });
    const out = await issueTx(
      s,
      trx,
      actor,
      [{ person, kind, startAt, sourceType, sourceId, caseId, careNeeds: body.careNeeds }],
      { source: sourceType, sourceId, reason: body.reason },
    );
    const refused = out.skipped[0];
    if (refused) throw new AppError(refused.code);
    return (await views(s, trx, out.created))[0]!;
  });
}

/** The contacts of a case that carry their colour: not dismissed, and a co-presence candidate only once confirmed. */
function countsAsContact(c: { review_status: string; candidate: number }): boolean {
  return c.review_status !== 'dismissed' && !(c.candidate === 1 && c.review_status === 'pending');
}

/**
 * Orders for a batch, committed whole: every confirmed close contact of a case (or secondary, by the
 * kind asked), every member of a suspected-positive pool, every open arrival of a risk area. People
 * already under an order, open cases and people outside the actor's area are skipped and named.
 */
export async function batchOrders(
  s: Services,
  actor: Actor,
  body: BatchOrderBody,
): Promise<{ created: OrderView[]; skipped: Array<{ personId: string; code: string }> }> {
  assertCan(actor, 'quarantine.order');
  return s.db.transaction().execute(async (trx) => {
    const candidates: Candidate[] = [];
    if (body.source === 'case') {
      const c = await caseById(trx, body.sourceId);
      if (!c) throw new AppError('QUARANTINE_ORDER_SOURCE_NOT_FOUND', { source: 'case' });
      assertInScope(actor, c.area_path);
      const kind: OrderKind = body.kind ?? 'close_contact';
      const cls = kind === 'secondary_contact' ? 'secondary' : 'close';
      const contacts = (await contactsOfCase(trx, c.id)).filter((x) => x.class === cls && countsAsContact(x));
      const people = new Map(
        (
          await personsByIds(
            trx,
            contacts.map((x) => x.person_id),
          )
        ).map((p) => [p.id, p]),
      );
      for (const x of contacts) {
        const person = people.get(x.person_id);
        if (!person) continue;
        candidates.push({
          person,
          kind,
          startAt: Number(x.last_exposure_at ?? x.first_exposure_at ?? x.created_at),
          sourceType: 'contact',
          sourceId: x.id,
          caseId: c.id,
        });
      }
    } else if (body.source === 'pool') {
      const pool = await poolById(trx, body.sourceId);
      if (!pool) throw new AppError('QUARANTINE_ORDER_SOURCE_NOT_FOUND', { source: 'pool' });
      assertInScope(actor, pool.area_path);
      if (!body.kind) throw new AppError('QUARANTINE_ORDER_KIND_REQUIRED', { field: 'kind' });
      const members = await membersOfTubes(trx, [pool.tube_id]);
      const people = new Map(
        (
          await personsByIds(
            trx,
            members.map((m) => m.person_id),
          )
        ).map((p) => [p.id, p]),
      );
      for (const m of members) {
        const person = people.get(m.person_id);
        if (person)
          candidates.push({
            person,
            kind: body.kind,
            startAt: Number(m.sampled_at),
            sourceType: 'pool',
            sourceId: pool.id,
            caseId: null,
          });
      }
    } else {
      const area = await riskAreaById(trx, body.sourceId);
      if (!area) throw new AppError('QUARANTINE_ORDER_SOURCE_NOT_FOUND', { source: 'risk_area' });
      assertInScope(actor, area.area_path);
      const { ruleSet } = await activeChoice(s, trx);
      const group = arrivalGroup(ruleSet, area.level as 'high' | 'medium' | 'low');
      if (!group)
        throw new AppError('QUARANTINE_ORDER_KIND_NOT_MANAGED', {
          kind: `${area.level}_risk_arrival`,
          ruleSet: ruleSet.id,
        });
      const arrivals = await openArrivals(trx, area.id);
      const people = new Map(
        (
          await personsByIds(
            trx,
            arrivals.map((a) => a.person_id),
          )
        ).map((p) => [p.id, p]),
      );
      for (const a of arrivals) {
        const person = people.get(a.person_id);
        if (person)
          candidates.push({
            person,
            kind: group,
            startAt: Math.min(a.last_stay_at, s.clock.now()),
            sourceType: 'risk_area',
            sourceId: area.id,
            caseId: null,
          });
      }
    }
    if (!candidates.length) throw new AppError('QUARANTINE_ORDER_BATCH_EMPTY');
    const out = await issueTx(s, trx, actor, candidates, {
      source: body.source,
      sourceId: body.sourceId,
      reason: body.reason,
    });
    return { created: await views(s, trx, out.created), skipped: out.skipped };
  });
}

// ---- reading --------------------------------------------------------------------------------------

export async function listOrders(
  s: Services,
  actor: Actor,
  q: ListQuery,
  paging: { limit: number; offset: number },
  options: { home?: boolean } = {},
): Promise<Page<OrderView>> {
  assertCan(actor, 'quarantine.read');
  const path = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await store.listOrders(
    s.db,
    {
      path,
      status: q.status,
      kind: q.kind,
      place: q.place,
      caseId: q.caseId,
      endsBefore: q.endsBefore,
      home: options.home,
      staffUserId: actor.role === 'quarantine_site' ? actor.userId : undefined,
    },
    paging,
  );
  return { items: rows.map((r) => orderView(s, r)), total, limit: paging.limit, offset: paging.offset };
}

function detailOf(
  s: Services,
  o: OrderRow,
  events: Awaited<ReturnType<typeof store.eventsOf>>,
  tests: PersonTest[],
  missed: Awaited<ReturnType<typeof missedTestAlerts>> = [],
): OrderDetail {
  const now = s.clock.now();
  const check = releaseCheck(ruleSetOfOrder(o), scheduleOf(o), tests, now, s.config.timeZone);
  return {
    order: orderView(s, o),
    ticks: tickSchedule(testDaysOf(o), tests, now, s.config.timeZone),
    missedTests: missed.map((a) => {
      const d = parseJson<{ phase?: string; day?: number }>(a.detail, {});
      return {
        alertId: a.id,
        phase: d.phase === 'home' ? 'home' : 'centralised',
        day: d.day ?? 0,
        date: a.date,
        status: a.status as OrderDetail['missedTests'][number]['status'],
        followUp: a.follow_up,
      };
    }),
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind as OrderDetail['events'][number]['kind'],
      detail: parseJson<Record<string, unknown>>(e.detail, {}),
      actorId: e.actor_id,
      at: e.at,
    })),
    release: {
      releasable: o.status === 'active' && check.releasable,
      phase: check.phase,
      lastDay: check.lastDay,
      lastDate: check.lastDate,
      faults: check.faults,
    },
  };
}

/** The rule set an order was made under (its schedule and release rules). */
function ruleSetOfOrder(o: QuarantineOrderTable): RuleSet {
  return ruleSetById(o.rule_set_id);
}

export async function getOrder(s: Services, actor: Actor, id: string): Promise<OrderDetail> {
  assertCan(actor, 'quarantine.read');
  const o = await orderForActor(s.db, actor, id);
  return detailOf(
    s,
    o,
    await store.eventsOf(s.db, id),
    await personTests(s.db, o.person_id),
    await missedTestAlerts(s.db, id),
  );
}

// ---- changing orders ------------------------------------------------------------------------------

/** A new exposure (a positive in the household, another contact): the schedule restarts from it. */
export async function extendOrder(s: Services, actor: Actor, id: string, body: ExtendBody): Promise<OrderDetail> {
  assertCan(actor, 'quarantine.order');
  const reason = body.reason.trim();
  if (!reason) throw new AppError('QUARANTINE_ORDER_REASON_REQUIRED', { field: 'reason' });
  await s.db.transaction().execute(async (trx) => {
    const o = await orderForActor(trx, actor, id);
    assertActive(o);
    const now = s.clock.now();
    if (body.exposureAt > now) throw new AppError('QUARANTINE_ORDER_START_IN_FUTURE', { field: 'exposureAt' });
    const r = ruleSetOfOrder(o);
    const next = extendedSchedule(
      r,
      { kind: o.kind as OrderKind, startAt: o.start_at, endsAt: o.ends_at },
      body.exposureAt,
      s.config.timeZone,
    );
    // A follow-on order stays at home: only its home phase moves.
    const place: OrderPlace =
      o.place === 'centralised' || next.place === 'centralised' ? next.place : (o.place as OrderPlace);
    const set = {
      start_at: next.startAt,
      centralised_until: next.centralisedUntil,
      home_until: next.homeUntil,
      ends_at: next.endsAt,
      place: o.source_type === 'order' ? o.place : place,
      test_days: JSON.stringify(
        o.source_type === 'order' ? next.testDays.filter((t) => t.phase === 'home') : next.testDays,
      ),
      updated_at: now,
    };
    await store.updateOrder(trx, id, set);
    const audit = auditActor(actor);
    const basis = basisOf('quarantine_extended', { orderId: id, reason });
    // The facts move with the order: the old ones end now, the new schedule's start again.
    await endOrderFacts(s, trx, o, now, audit, basis);
    await addOrderFacts(s, trx, [{ ...o, ...set }], audit, basis);
    const detail = {
      reason,
      exposureAt: body.exposureAt,
      householdCaseId: body.householdCaseId ?? null,
      from: { startAt: o.start_at, endsAt: o.ends_at },
      to: { startAt: next.startAt, endsAt: next.endsAt },
      ruleSet: r.id,
    };
    await event(trx, id, 'extended', detail, actor.userId, now);
    await s.audit(trx, audit, {
      action: 'quarantine.order.extend',
      objectType: 'quarantine_order',
      objectId: id,
      reason,
      detail,
    });
  });
  return getOrder(s, actor, id);
}

export async function cancelOrder(s: Services, actor: Actor, id: string, reasonText: string): Promise<OrderDetail> {
  assertCan(actor, 'quarantine.order');
  const reason = reasonText.trim();
  if (!reason) throw new AppError('QUARANTINE_ORDER_REASON_REQUIRED', { field: 'reason' });
  await s.db.transaction().execute(async (trx) => {
    const o = await orderForActor(trx, actor, id);
    assertActive(o);
    const now = s.clock.now();
    await store.updateOrder(trx, id, { status: 'cancelled', updated_at: now });
    const rooms = await store.endCurrentStays(trx, id, now);
    await store.markRoomsDisinfectionDue(trx, rooms, now);
    const audit = auditActor(actor);
    await endOrderFacts(s, trx, o, now, audit, basisOf('quarantine_cancelled', { orderId: id, reason }));
    await event(trx, id, 'cancelled', { reason, rooms }, actor.userId, now);
    await s.audit(trx, audit, {
      action: 'quarantine.order.cancel',
      objectType: 'quarantine_order',
      objectId: id,
      reason,
      detail: { rooms },
    });
  });
  return getOrder(s, actor, id);
}

export interface ReleaseOutcome {
  order: OrderView;
  followOn: OrderView | null;
  certificateUrl: string;
}

/** The refusal names the first unmet condition (its own code and words) and lists every one of them. */
function refusal(check: ReleaseCheck): AppError {
  const params = (f: ReleaseCheck['faults'][number]) =>
    Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'code')) as Record<string, string | number>;
  const first = check.faults[0]!;
  return new AppError(first.code, params(first), {
    faults: check.faults.map((f) => ({
      field: 'date' in f ? `testDays.${f.date}` : 'day',
      code: f.code,
      params: params(f),
    })),
    extra: { releasable: false, phase: check.phase, lastDay: check.lastDay, lastDate: check.lastDate },
  });
}

/**
 * Releases the order's current phase when the rule set's conditions hold, else refuses naming each
 * missing day or test. A centralised release hands the home phase that follows to an order of its own
 * (served at home, the person's community sees it); the room's terminal disinfection is then due.
 */
export async function releaseOrder(s: Services, actor: Actor, id: string, body: ReleaseBody): Promise<ReleaseOutcome> {
  assertCan(actor, 'quarantine.order');
  const followId = await s.db.transaction().execute(async (trx) => {
    const o = await orderForActor(trx, actor, id);
    assertActive(o);
    return releaseOrderTx(s, trx, actor, o, body);
  });
  const o = await store.orderById(s.db, id);
  const f = followId ? await store.orderById(s.db, followId) : null;
  return {
    order: orderView(s, o!),
    followOn: f ? orderView(s, f) : null,
    certificateUrl: `/api/v1/quarantine/orders/${id}/certificate.pdf`,
  };
}

/**
 * The release inside the caller's transaction, for an active order the actor may see: refused naming
 * each missing day or test, else the order released with its basis, its stays ended, its facts ended and
 * the follow-on order made. Answers the follow-on order's id.
 */
export async function releaseOrderTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  o: OrderRow,
  body: ReleaseBody,
): Promise<string | null> {
  const id = o.id;
  const now = s.clock.now();
  const r = ruleSetOfOrder(o);
  const tests = await personTests(trx, o.person_id);
  const check = releaseCheck(r, scheduleOf(o), tests, now, s.config.timeZone);
  if (!check.releasable) throw refusal(check);
  const audit = auditActor(actor);
  let follow: QuarantineOrderTable | null = null;
  if (check.followOn) {
    const { person_name: _name, area_name: _area, ...row } = o;
    follow = {
      ...row,
      id: newId(now),
      place: check.followOn.place,
      status: 'active',
      source_type: 'order',
      source_id: o.id,
      test_days: JSON.stringify(check.followOn.testDays),
      door_measure: 'none',
      door_measure_at: null,
      released_at: null,
      release_basis: null,
      follow_order_id: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
  }
  const basisRecord = {
    ruleSet: r.id,
    ruleSetVersion: r.version,
    phase: check.phase,
    lastDay: check.lastDay,
    tests: check.ticks.map((t) => ({
      phase: t.phase,
      day: t.day,
      date: t.date,
      state: t.state,
      sampledAt: t.sampledAt,
    })),
    note: body.note ?? null,
  };
  await store.updateOrder(trx, id, {
    status: 'released',
    released_at: now,
    release_basis: JSON.stringify(basisRecord),
    follow_order_id: follow?.id ?? null,
    updated_at: now,
  });
  const rooms = await store.endCurrentStays(trx, id, now);
  await store.markRoomsDisinfectionDue(trx, rooms, now);
  await endOrderFacts(s, trx, o, now, audit, basisOf('quarantine_released', { orderId: id }));
  if (follow) {
    await store.insertOrders(trx, [follow]);
    await addOrderFacts(
      s,
      trx,
      [follow],
      audit,
      basisOf('quarantine_ordered', { orderId: follow.id, kind: follow.kind, place: follow.place }),
    );
    await event(
      trx,
      follow.id,
      'created',
      { source: 'order', sourceId: id, ruleSet: r.id, endsAt: follow.ends_at },
      actor.userId,
      now,
    );
  }
  await event(trx, id, 'released', { ...basisRecord, followOrderId: follow?.id ?? null, rooms }, actor.userId, now);
  await s.audit(trx, audit, {
    action: 'quarantine.order.release',
    objectType: 'quarantine_order',
    objectId: id,
    detail: { ...basisRecord, followOrderId: follow?.id ?? null, rooms },
  });
  return follow?.id ?? null;
}

/**
 * A case registered for a person under an active order (a positive during quarantine — the lab's
 * single positive makes a suspected case at once, and tracing starts): the order is converted, says
 * which case, its quarantine facts end (the case's own fact keeps the colour) and its room is vacated.
 */
export async function convertOnCase(s: Services, trx: Tx, c: CaseRegistered): Promise<void> {
  const orders = await store.activeOrdersOf(trx, [c.personId]);
  for (const o of orders) {
    await store.updateOrder(trx, o.id, { status: 'converted', updated_at: c.at });
    const rooms = await store.endCurrentStays(trx, o.id, c.at);
    await store.markRoomsDisinfectionDue(trx, rooms, c.at);
    await endOrderFacts(s, trx, o, c.at, c.actor, basisOf('quarantine_converted', { orderId: o.id, caseId: c.caseId }));
    const tests = await personTests(trx, o.person_id);
    const positive = firstPositive(o.start_at, tests);
    const d = dayOf(scheduleOf(o), positive?.sampledAt ?? c.at, s.config.timeZone);
    const detail = {
      caseId: c.caseId,
      classification: c.classification,
      positiveSampledAt: positive?.sampledAt ?? null,
      day: d.day,
      phase: d.phase,
      phaseDay: d.phaseDay,
      rooms,
    };
    await store.insertEvents(trx, [
      {
        id: newId(c.at),
        order_id: o.id,
        kind: 'positive',
        detail: JSON.stringify(detail),
        actor_id: c.actor.id,
        at: c.at,
      },
    ]);
    await s.audit(trx, c.actor, {
      action: 'quarantine.order.convert',
      objectType: 'quarantine_order',
      objectId: o.id,
      detail,
    });
  }
}

// ---- the certificate ------------------------------------------------------------------------------

export interface CertificateData {
  order: OrderRow;
  token: string;
  follow: OrderRow | null;
}

/** The released order and its signed token (the certificate's QR). Reading it is audited. */
export async function certificateData(s: Services, actor: Actor, id: string): Promise<CertificateData> {
  assertCan(actor, 'quarantine.read');
  return s.db.transaction().execute(async (trx) => {
    const o = await orderForActor(trx, actor, id);
    return certificateOf(s, trx, actor, o);
  });
}

async function certificateOf(s: Services, trx: Tx, actor: Actor, o: OrderRow): Promise<CertificateData> {
  if (o.status !== 'released' || o.released_at === null) throw new AppError('QUARANTINE_CERTIFICATE_NOT_RELEASED');
  const follow = o.follow_order_id ? ((await store.orderById(trx, o.follow_order_id)) ?? null) : null;
  const token = certificateToken(s.signing.personalPrivateKey, {
    orderId: o.id,
    personName: maskName(o.person_name),
    kind: o.kind,
    startAt: o.start_at,
    releasedAt: o.released_at,
    followOn: follow ? { place: follow.place, until: follow.ends_at } : null,
  });
  await s.audit(trx, auditActor(actor), {
    action: 'quarantine.certificate.print',
    objectType: 'quarantine_order',
    objectId: o.id,
    detail: { personId: o.person_id },
  });
  return { order: o, token, follow };
}

/** The resident's own certificate. */
export async function myCertificateData(s: Services, actor: Actor, id: string): Promise<CertificateData> {
  return s.db.transaction().execute(async (trx) => {
    const personId = await residentPerson(trx, actor);
    const o = await store.orderById(trx, id);
    if (!o || o.person_id !== personId) throw new AppError('QUARANTINE_ORDER_NOT_FOUND');
    return certificateOf(s, trx, actor, o);
  });
}

/** A certificate's QR checked on the server: signed by us, and the order still released. */
export async function verifyCertificate(s: Services, token: string) {
  const claims = verifyCertificateToken(s.signing.personalPublicKey, token);
  if (!claims) return { valid: false, reason: 'invalid' as const, certificate: null };
  const o = await store.orderById(s.db, claims.orderId);
  if (!o) return { valid: false, reason: 'unknown' as const, certificate: null };
  if (o.status !== 'released' || o.released_at !== claims.releasedAt)
    return { valid: false, reason: 'revoked' as const, certificate: null };
  return {
    valid: true,
    reason: null,
    certificate: {
      orderId: o.id,
      personName: claims.personName,
      idNumber: null,
      kind: o.kind as OrderKind,
      startAt: claims.startAt,
      releasedAt: claims.releasedAt,
      followOn: claims.followOn,
    },
  };
}

// ---- the resident's own page ----------------------------------------------------------------------

async function residentPerson(ex: Executor, actor: Actor): Promise<string> {
  if (actor.role !== 'resident') throw new AppError('QUARANTINE_ORDER_NOT_RESIDENT');
  const personId = await personIdOfUser(ex, actor.userId);
  if (!personId) throw new AppError('QUARANTINE_ORDER_NOT_RESIDENT');
  return personId;
}

/** The person's own orders: day number, schedule with results, next test, release date. */
export async function myQuarantine(s: Services, actor: Actor) {
  return s.db.transaction().execute(async (trx) => {
    const personId = await residentPerson(trx, actor);
    const orders = await store.ordersOfPerson(trx, personId);
    const tests = await personTests(trx, personId);
    const now = s.clock.now();
    const tz = s.config.timeZone;
    await s.audit(trx, auditActor(actor), {
      action: 'quarantine.order.read',
      objectType: 'person',
      objectId: personId,
      reason: 'own quarantine',
      detail: { orders: orders.length },
    });
    return {
      orders: orders.map((o) => {
        const since = tests.filter((t) => t.sampledAt >= o.start_at && t.sampledAt < (o.released_at ?? o.ends_at));
        const end = o.place === 'centralised' ? o.centralised_until : o.ends_at;
        return {
          order: orderView(s, o),
          ticks: tickSchedule(testDaysOf(o), tests, now, tz),
          nextTest: o.status === 'active' ? nextTest(testDaysOf(o), now, tz) : null,
          releaseDate: dateInZone(end - 1, tz),
          results: since,
        };
      }),
    };
  });
}
