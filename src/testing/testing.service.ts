// Testing rounds: rounds and their planner, sites, tables and staff, and sampling — tubes opened at a
// table, people scanned in under the pooling mode of the area's control level, tubes closed — online,
// through the offline queue (each client-id'd operation applied once) or in bulk. Every call checks
// permission and area scope, runs in one transaction and writes its audit event there.
import { can, isRole, type Actor, type Role } from '../access/access.rules.ts';
import type { Executor, TestingRoundTable, TestingSiteTable, TestingStaffTable, TestingTubeMemberTable, TestingTubeTable, Tx } from '../db/database.ts';
import { assertCan, assertInScope, auditActor } from '../platform/auth.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, messageFor, type Fault, type Lang } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { findPersonByIdNumber } from '../registry/registry.service.ts';
import { householdIdsOfBuilding } from '../registry/registry.store.ts';
import { isUniqueViolation } from '../db/sql.ts';
import { verifyPersonalCode } from '../venues/venue.codes.ts';
import { poolingPolicy } from './pooling.policy.ts';
import { parseAdvisorOptions, planRound, type ControlLevel } from './pooling.rules.ts';
import { testingPolicy } from './testing.policy.ts';
import {
  controlLevelAt, joinRefusal, missingCustody, personalControl, planFor, refusesSamplesAt, roundStatus, siteLevel, tubeModeFor, tubeTooSharedFor,
  type LabResult, type SiteKind, type StaffDuty, type TubeMode, type TubeStatus,
} from './testing.rules.ts';
import type {
  MemberAddBody, MemberView, OpDone, OpRefused, OpResult, PlanRow, RoundCreateBody, RoundPatchBody, RoundPoolingView, RoundSummary, RoundView, SiteCreateBody, SiteView,
  StaffCandidateQuery, StaffCreateBody, SyncOp, TubeOpenBody, TubeView,
} from './testing.schema.ts';
import { STAFF_ROLES } from './testing.schema.ts';
import './testing.schema.ts';
import * as store from './testing.store.ts';
import { factKindsAt } from './testing.health.ts';
import type { Static } from '@sinclair/typebox';
import { listingScope } from '../access/access.service.ts';

const HOUR = 3_600_000;
type Paging = { limit: number; offset: number };

/** Change notices to the live dashboard (best effort; readers take the truth from the database). */
export function roundChanged(s: Services, roundId: string, what: 'summary' | 'pool', extra: Record<string, unknown> = {}): void {
  s.events.publish(`testing:${roundId}`, { roundId, what, ...extra });
}

// ---- rounds -------------------------------------------------------------------------------------

async function roundOrThrow(ex: Executor, id: string): Promise<TestingRoundTable> {
  const r = await store.roundById(ex, id);
  if (!r) throw new AppError('ROUND_NOT_FOUND');
  return r;
}

/** The round is visible to an actor whose scope contains one of its areas, or lies inside one. */
function assertRoundInScope(actor: Actor, areas: ReadonlyArray<{ area_path: string }>): void {
  if (!areas.some((a) => a.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(a.area_path))) throw new AppError('OUT_OF_SCOPE');
}

/** Writes to a round need every one of its areas inside the actor's scope. */
function assertRoundWritable(actor: Actor, areas: ReadonlyArray<{ area_path: string }>): void {
  for (const a of areas) assertInScope(actor, a.area_path);
}

/** A round as listed and as shown on its page: its figures come from roundSummary, the one place they are computed. */
async function roundViews(s: Services, ex: Executor, rows: TestingRoundTable[]): Promise<RoundView[]> {
  const areas = await store.roundAreas(ex, rows.map((r) => r.id));
  const now = s.clock.now();
  const out: RoundView[] = [];
  for (const r of rows) {
    const own = areas.filter((a) => a.round_id === r.id);
    const summary = await roundSummary(ex, r.id);
    out.push({
      id: r.id, name: r.name, status: roundStatus(r, now), startsAt: Number(r.starts_at), deadlineAt: Number(r.deadline_at),
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
      areas: own.map((a) => ({ areaId: a.area_id, code: a.code, name: a.name, level: a.level, path: a.area_path, controlLevel: a.control_level as ControlLevel })),
      previousRoundId: r.previous_round_id, autoReport: r.auto_report === 1,
      target: summary.target, summary,
      rules: { pooling: r.pooling_version, testing: r.testing_version }, createdAt: Number(r.created_at),
    });
  }
  return out;
}

async function resolveRoundAreas(ex: Executor, actor: Actor, input: ReadonlyArray<{ areaId: string; controlLevel?: ControlLevel }>) {
  const ids = [...new Set(input.map((a) => a.areaId))];
  const found = await store.areasByIds(ex, ids);
  const byId = new Map(found.map((a) => [a.id, a]));
  const out: Array<{ area_id: string; area_path: string; control_level: ControlLevel }> = [];
  for (const a of input) {
    const area = byId.get(a.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND', {}, { extra: { areaId: a.areaId } });
    assertInScope(actor, area.path);
    if (out.some((o) => o.area_id === area.id)) continue;
    out.push({ area_id: area.id, area_path: area.path, control_level: a.controlLevel ?? 'prevention' });
  }
  return out;
}

/** The round a new one is compared with: it exists, the actor sees it, and it went over at least one of the new round's areas. */
async function checkPreviousRound(ex: Executor, actor: Actor, previousRoundId: string, areas: ReadonlyArray<{ area_path: string }>): Promise<void> {
  const prev = await store.roundById(ex, previousRoundId);
  if (!prev) throw new AppError('ROUND_PREVIOUS_NOT_FOUND', { previousRoundId }, { extra: { field: 'previousRoundId' } });
  const theirs = await store.roundAreas(ex, [prev.id]);
  const visible = theirs.some((t) => t.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(t.area_path));
  if (!visible) throw new AppError('ROUND_PREVIOUS_OUT_OF_SCOPE', { previousRoundId }, { extra: { field: 'previousRoundId' } });
  const overlaps = theirs.some((t) => areas.some((a) => a.area_path.startsWith(t.area_path) || t.area_path.startsWith(a.area_path)));
  if (!overlaps) throw new AppError('ROUND_PREVIOUS_NO_OVERLAP', { name: prev.name }, { extra: { field: 'previousRoundId', previousRoundId } });
}

export async function createRound(s: Services, actor: Actor, body: RoundCreateBody): Promise<RoundView> {
  assertCan(actor, 'testing.round');
  const policy = testingPolicy();
  const deadlineAt = body.deadlineAt ?? body.startsAt + policy.roundDeadlineHours * HOUR;
  if (deadlineAt <= body.startsAt) throw new AppError('ROUND_DEADLINE_BEFORE_START');
  return s.db.transaction().execute(async (trx) => {
    const areas = await resolveRoundAreas(trx, actor, body.areas);
    if (body.previousRoundId) await checkPreviousRound(trx, actor, body.previousRoundId, areas);
    const now = s.clock.now();
    const row: TestingRoundTable = {
      id: newId(now), name: body.name.trim(), starts_at: body.startsAt, deadline_at: deadlineAt, closed_at: null,
      previous_round_id: body.previousRoundId ?? null, auto_report: (body.autoReport ?? policy.autoReportOnUpload) ? 1 : 0,
      pooling_version: poolingPolicy().version, testing_version: policy.version, created_by: actor.userId, created_at: now, updated_at: now,
    };
    await trx.insertInto('testing_round').values(row).execute();
    await trx.insertInto('testing_round_area').values(areas.map((a) => ({ round_id: row.id, ...a }))).execute();
    await s.audit(trx, auditActor(actor), {
      action: 'testing.round.create', objectType: 'testing_round', objectId: row.id,
      detail: { name: row.name, areas: areas.map((a) => ({ areaId: a.area_id, controlLevel: a.control_level })), startsAt: row.starts_at,
        deadlineAt, autoReport: row.auto_report === 1, rules: { pooling: row.pooling_version, testing: row.testing_version } },
    });
    return (await roundViews(s, trx, [row]))[0]!;
  });
}

export async function listRounds(s: Services, actor: Actor, status: string | undefined, paging: Paging): Promise<Page<RoundView>> {
  assertCan(actor, 'testing.view');
  const { rows, total } = await store.roundsInScope(s.db, actor.areaPath, status ? { limit: 1000, offset: 0 } : paging);
  if (status) {
    // Filtered by status first, so only the page shown has its figures computed.
    const now = s.clock.now();
    const matching = rows.filter((r) => roundStatus(r, now) === status);
    return { items: await roundViews(s, s.db, matching.slice(paging.offset, paging.offset + paging.limit)), total: matching.length, ...paging };
  }
  return { items: await roundViews(s, s.db, rows), total, ...paging };
}

export async function roundSummary(ex: Executor, roundId: string): Promise<RoundSummary> {
  const target = await store.roundTarget(ex, roundId);
  const c = await store.roundCounts(ex, roundId);
  return { target, ...c, missing: Math.max(0, target - c.sampled) };
}

export async function getRound(s: Services, actor: Actor, id: string): Promise<{ round: RoundView; summary: RoundSummary }> {
  assertCan(actor, 'testing.view');
  const row = await roundOrThrow(s.db, id);
  assertRoundInScope(actor, await store.roundAreas(s.db, [id]));
  const round = (await roundViews(s, s.db, [row]))[0]!;
  return { round, summary: round.summary };
}

export async function patchRound(s: Services, actor: Actor, id: string, body: RoundPatchBody): Promise<RoundView> {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    const row = await roundOrThrow(trx, id);
    assertRoundWritable(actor, await store.roundAreas(trx, [id]));
    if (row.closed_at !== null) throw new AppError('ROUND_CLOSED');
    const changes: Partial<TestingRoundTable> = { updated_at: s.clock.now() };
    if (body.name !== undefined) changes.name = body.name.trim();
    if (body.deadlineAt !== undefined) {
      if (body.deadlineAt <= row.starts_at) throw new AppError('ROUND_DEADLINE_BEFORE_START');
      changes.deadline_at = body.deadlineAt;
    }
    if (body.autoReport !== undefined) changes.auto_report = body.autoReport ? 1 : 0;
    await trx.updateTable('testing_round').set(changes).where('id', '=', id).execute();
    if (body.areas) {
      const areas = await resolveRoundAreas(trx, actor, body.areas);
      for (const a of areas) {
        const done = await trx.updateTable('testing_round_area').set({ control_level: a.control_level })
          .where('round_id', '=', id).where('area_id', '=', a.area_id).executeTakeFirst();
        if (Number(done.numUpdatedRows) === 0) await trx.insertInto('testing_round_area').values({ round_id: id, ...a }).execute();
      }
    }
    await s.audit(trx, auditActor(actor), { action: 'testing.round.update', objectType: 'testing_round', objectId: id, detail: { ...body } });
    return (await roundViews(s, trx, [(await store.roundById(trx, id))!]))[0]!;
  });
}

export async function closeRound(s: Services, actor: Actor, id: string): Promise<RoundView> {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    const row = await roundOrThrow(trx, id);
    assertRoundWritable(actor, await store.roundAreas(trx, [id]));
    if (row.closed_at === null) {
      const now = s.clock.now();
      await trx.updateTable('testing_round').set({ closed_at: now, updated_at: now }).where('id', '=', id).execute();
      await s.audit(trx, auditActor(actor), { action: 'testing.round.close', objectType: 'testing_round', objectId: id, detail: {} });
    }
    return (await roundViews(s, trx, [(await store.roundById(trx, id))!]))[0]!;
  });
}

export async function roundPlan(s: Services, actor: Actor, id: string): Promise<{ norms: ReturnType<typeof testingPolicy>['planning']; rows: Static<typeof PlanRow>[]; total: Static<typeof PlanRow> }> {
  assertCan(actor, 'testing.view');
  await roundOrThrow(s.db, id);
  const areas = await store.roundAreas(s.db, [id]);
  assertRoundInScope(actor, areas);
  const norms = testingPolicy().planning;
  // Override sub-areas are inside another listed area: plan the outermost ones only.
  const top = areas.filter((a) => !areas.some((b) => b !== a && a.area_path.startsWith(b.area_path) && b.area_path !== a.area_path));
  const rows: Static<typeof PlanRow>[] = [];
  const sum = { population: 0, sites: 0, tables: 0, samplers: 0 };
  for (const a of top) {
    const population = await store.populationUnder(s.db, a.area_path);
    const st = await store.sitesAndTablesUnder(s.db, a.area_path);
    const samplers = await store.samplersUnder(s.db, id, a.area_path);
    const f = planFor(population, norms, { sites: st.sites, tables: st.tables, samplers });
    rows.push({ areaId: a.area_id, name: a.name, level: a.level, ...f });
    sum.population += population; sum.sites += st.sites; sum.tables += st.tables; sum.samplers += samplers;
  }
  const total = { areaId: null, name: 'total', level: null, ...planFor(sum.population, norms, { sites: sum.sites, tables: sum.tables, samplers: sum.samplers }) };
  return { norms, rows, total };
}

/** Prevalence from the last rounds' counts, with half a positive added so that none seen is not zero. */
export function estimatePrevalence(resulted: number, positives: number): number | null {
  return resulted > 0 ? Math.min(0.5, (positives + 0.5) / (resulted + 1)) : null;
}

/** The rounds before this one: its chain of previous rounds, else the latest earlier rounds over any of its areas (three at most). */
async function lastRounds(ex: Executor, actor: Actor, round: TestingRoundTable, areas: ReadonlyArray<{ area_path: string }>): Promise<TestingRoundTable[]> {
  const out: TestingRoundTable[] = [];
  for (let id = round.previous_round_id; id && out.length < 3 && !out.some((r) => r.id === id) && id !== round.id;) {
    const prev = await store.roundById(ex, id);
    if (!prev) break;
    out.push(prev);
    id = prev.previous_round_id;
  }
  if (out.length) return out;
  const { rows } = await store.roundsInScope(ex, actor.areaPath, { limit: 50, offset: 0 });
  const earlier = rows.filter((r) => r.id !== round.id && Number(r.created_at) < Number(round.created_at));
  const theirs = await store.roundAreas(ex, earlier.map((r) => r.id));
  const overlaps = (id: string) => theirs.some((t) => t.round_id === id && areas.some((a) => a.area_path.startsWith(t.area_path) || t.area_path.startsWith(a.area_path)));
  return earlier.filter((r) => overlaps(r.id)).slice(0, 3);
}

/**
 * The pool-size advisor for this round (issue 5 §6): per round area its population (an override
 * sub-area's people counted there, not in its parent), the pool size its control level mandates, the
 * advisor's size, and the tubes, positive tubes, re-tests and people put under control to expect; at
 * the typed prevalence, or the one estimated from the last rounds.
 */
export async function roundPooling(s: Services, actor: Actor, id: string, typed: string | undefined): Promise<RoundPoolingView> {
  assertCan(actor, 'testing.view');
  const round = await roundOrThrow(s.db, id);
  const areas = await store.roundAreas(s.db, [id]);
  assertRoundInScope(actor, areas);
  const policy = poolingPolicy();
  const last = await lastRounds(s.db, actor, round, areas);
  const f = await store.prevalenceFigures(s.db, last.map((r) => r.id));
  const positives = f.positiveSingles + f.openPools;
  const estimated = estimatePrevalence(f.resulted, positives);
  const estimate = estimated === null ? null : { prevalence: estimated, resulted: f.resulted, positives, rounds: last.map((r) => ({ id: r.id, name: r.name })) };
  let prevalence: number | null = null;
  let source: RoundPoolingView['source'] = 'none';
  if (typed !== undefined && typed.trim() !== '') {
    prevalence = parseAdvisorOptions({ prevalence: typed }, policy).prevalence;
    source = 'typed';
  } else if (estimated !== null) {
    prevalence = estimated;
    source = 'estimated';
  }
  const own: Array<{ areaId: string; name: string; level: string; controlLevel: ControlLevel; population: number }> = [];
  for (const a of areas) {
    const inner = areas.filter((b) => b !== a && b.area_path.startsWith(a.area_path) && b.area_path !== a.area_path);
    const outermostInner = inner.filter((b) => !inner.some((c) => c !== b && b.area_path.startsWith(c.area_path) && b.area_path !== c.area_path));
    let population = await store.populationUnder(s.db, a.area_path);
    for (const b of outermostInner) population -= await store.populationUnder(s.db, b.area_path);
    own.push({ areaId: a.area_id, name: a.name, level: a.level, controlLevel: a.control_level as ControlLevel, population: Math.max(0, population) });
  }
  const plan = prevalence === null ? null : planRound({ areas: own, prevalence }, policy);
  return {
    prevalence, source, estimate,
    areas: own.map((a, i) => {
      const p = plan?.areas[i];
      const mandate = policy.controlLevels[a.controlLevel];
      return {
        ...a, mandatedPoolSize: mandate.poolSize, householdTube: mandate.householdTube,
        recommendedPoolSize: p?.recommendedPoolSize ?? null, reason: p?.reason ?? null, testsPerPerson: p?.testsPerPerson ?? null,
        expectedTubes: p?.expectedTubes ?? null, expectedPositiveTubes: p?.expectedPositiveTubes ?? null, expectedRetests: p?.expectedRetests ?? null,
        expectedControlled: p?.expectedControlled ?? null, expectedTests: p?.expectedTests ?? null,
      };
    }),
    totals: plan ? plan.totals : null,
    rules: { version: policy.version, effectiveFrom: policy.effectiveFrom },
  };
}

/**
 * Completion times of the all-negative rounds over a unit of a risk area, completed at or after
 * `since` (the port risk areas read, src/riskareas/riskareas.ports.ts). A round counts for a unit when
 * it is closed, one of its areas covers the unit, it sampled somebody there (tubes of the unit's
 * subtree; for a building, tubes with a member living in it), every one of those tubes has its result,
 * and none is positive — except a pooled positive whose members were all re-tested negative (its pool
 * released). It completed when it closed or when the last of those results came in, whichever is later.
 */
export async function negativeRoundsCompletedAt(ex: Executor, unit: { unit: string; target_id: string; area_path: string }, since: number): Promise<number[]> {
  const rounds = await store.closedRoundsCovering(ex, unit.area_path);
  if (rounds.length === 0) return [];
  const where = unit.unit === 'building' ? { householdIds: await householdIdsOfBuilding(ex, unit.target_id) } : { areaPath: unit.area_path };
  const out: number[] = [];
  for (const round of rounds) {
    const rows = await store.roundTubeOutcomes(ex, round.id, where);
    if (rows.length === 0) continue;
    if (rows.some((t) => t.result === null || t.result === undefined)) continue;
    if (rows.some((t) => t.result === 'positive' && t.pool_status !== 'released')) continue;
    const completedAt = Math.max(Number(round.closed_at), ...rows.map((t) => Number(t.resulted_at ?? 0)));
    if (completedAt >= since) out.push(completedAt);
  }
  return out.sort((a, b) => a - b);
}

// ---- sites, tables, staff -----------------------------------------------------------------------

export async function createSite(s: Services, actor: Actor, body: SiteCreateBody): Promise<SiteView> {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    const area = await store.areaById(trx, body.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
    const now = s.clock.now();
    const row: TestingSiteTable = {
      id: newId(now), area_id: area.id, area_path: area.path, name: body.name.trim(), address: body.address?.trim() ?? '', kind: body.kind ?? 'ordinary', created_at: now,
    };
    await trx.insertInto('testing_site').values(row).execute();
    await s.audit(trx, auditActor(actor), { action: 'testing.site.create', objectType: 'testing_site', objectId: row.id, detail: { areaId: area.id, name: row.name, kind: row.kind } });
    return { id: row.id, areaId: area.id, areaName: area.name, name: row.name, address: row.address, kind: row.kind as SiteKind, tables: [] };
  });
}

export async function listSites(s: Services, actor: Actor, areaId: string | undefined, paging: Paging): Promise<Page<SiteView>> {
  assertCan(actor, 'testing.view');
  const path = await listingScope(s.db, actor, areaId);
  const { rows, tables, total } = await store.sitesUnder(s.db, path, paging);
  return {
    items: rows.map((r) => ({
      id: r.id, areaId: r.area_id, areaName: r.area_name, name: r.name, address: r.address, kind: r.kind as SiteKind,
      tables: tables.filter((t) => t.site_id === r.id).map((t) => ({ id: t.id, siteId: t.site_id, name: t.name })),
    })),
    total, ...paging,
  };
}

export async function createTable(s: Services, actor: Actor, siteId: string, name: string): Promise<{ id: string; siteId: string; name: string }> {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    const site = await trx.selectFrom('testing_site').selectAll().where('id', '=', siteId).executeTakeFirst();
    if (!site) throw new AppError('SITE_NOT_FOUND');
    assertInScope(actor, site.area_path);
    const now = s.clock.now();
    const id = newId(now);
    await trx.insertInto('testing_table').values({ id, site_id: siteId, name: name.trim(), created_at: now }).execute();
    await s.audit(trx, auditActor(actor), { action: 'testing.table.create', objectType: 'testing_table', objectId: id, detail: { siteId, name } });
    return { id, siteId, name: name.trim() };
  });
}

function staffView(r: TestingStaffTable & { display_name: string }) {
  return { id: r.id, roundId: r.round_id, userId: r.user_id, displayName: r.display_name, siteId: r.site_id, tableId: r.table_id, duty: r.duty as StaffDuty };
}

export async function addStaff(s: Services, actor: Actor, roundId: string, body: StaffCreateBody) {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    await roundOrThrow(trx, roundId);
    assertRoundWritable(actor, await store.roundAreas(trx, [roundId]));
    const user = await trx.selectFrom('app_user').innerJoin('area', 'area.id', 'app_user.area_id')
      .select(['app_user.id', 'app_user.username', 'app_user.display_name', 'app_user.role', 'app_user.disabled', 'area.path'])
      .where('app_user.id', '=', body.userId).executeTakeFirst();
    // An account outside the planner's area is as unknown to them as one that does not exist.
    if (!user || !user.path.startsWith(actor.areaPath)) throw new AppError('STAFF_USER_NOT_FOUND');
    if (user.disabled || !isRole(user.role) || user.role === 'resident') throw new AppError('STAFF_USER_NOT_ASSIGNABLE', { username: user.username });
    if (!dutyFits(user.role, body.duty)) throw new AppError('STAFF_ROLE_UNFIT', { username: user.username, role: user.role, duty: body.duty });
    let siteId = body.siteId ?? null;
    if (body.tableId) {
      const t = await store.tableWithSite(trx, body.tableId);
      if (!t) throw new AppError('TABLE_NOT_FOUND');
      assertInScope(actor, t.area_path);
      siteId = t.site_id;
    } else if (siteId) {
      const site = await trx.selectFrom('testing_site').select('area_path').where('id', '=', siteId).executeTakeFirst();
      if (!site) throw new AppError('SITE_NOT_FOUND');
      assertInScope(actor, site.area_path);
    }
    let same = trx.selectFrom('testing_staff').select('id').where('round_id', '=', roundId).where('user_id', '=', user.id).where('duty', '=', body.duty);
    same = body.tableId ? same.where('table_id', '=', body.tableId) : same.where('table_id', 'is', null);
    if (await same.executeTakeFirst()) throw new AppError('STAFF_ALREADY_ASSIGNED', { username: user.display_name });
    const now = s.clock.now();
    const row: TestingStaffTable = { id: newId(now), round_id: roundId, user_id: user.id, site_id: siteId, table_id: body.tableId ?? null, duty: body.duty, created_at: now };
    await trx.insertInto('testing_staff').values(row).execute();
    await s.audit(trx, auditActor(actor), { action: 'testing.staff.add', objectType: 'testing_staff', objectId: row.id, detail: { roundId, userId: user.id, siteId, tableId: row.table_id, duty: row.duty } });
    return staffView({ ...row, display_name: user.display_name });
  });
}

/** Sampling and the squad's home re-sampling need an account that may sample; a registrar may be any staff account. */
export function dutyFits(role: Role, duty: string): boolean {
  if (role === 'resident') return false;
  return duty === 'registrar' || can(role, 'testing.sample');
}

/**
 * Accounts the planner may staff the round with: enabled, of the role asked for (else of any staff
 * role), inside the planner's area (or a sub-area of it), by name or username prefix; each with the
 * duties it already has in the round.
 */
export async function staffCandidates(s: Services, actor: Actor, roundId: string, query: StaffCandidateQuery) {
  assertCan(actor, 'testing.round');
  await roundOrThrow(s.db, roundId);
  assertRoundInScope(actor, await store.roundAreas(s.db, [roundId]));
  const path = await listingScope(s.db, actor, query.areaId);
  const roles = query.role ? [query.role] : STAFF_ROLES;
  const rows = await store.staffCandidates(s.db, path, roles, (query.q ?? '').trim(), query.limit ?? 20);
  const duties = await store.staffDutiesOf(s.db, roundId, rows.map((r) => r.id));
  return {
    items: rows.map((r) => ({
      userId: r.id, username: r.username, displayName: r.display_name, role: r.role, areaId: r.area_id, areaName: r.area_name, duties: (duties.get(r.id) ?? []) as StaffDuty[],
    })),
  };
}

export async function listStaff(s: Services, actor: Actor, roundId: string) {
  assertCan(actor, 'testing.view');
  await roundOrThrow(s.db, roundId);
  assertRoundInScope(actor, await store.roundAreas(s.db, [roundId]));
  const rows = await s.db.selectFrom('testing_staff').innerJoin('app_user', 'app_user.id', 'testing_staff.user_id')
    .selectAll('testing_staff').select('app_user.display_name').where('testing_staff.round_id', '=', roundId).orderBy('testing_staff.created_at').execute();
  return { items: rows.map(staffView) };
}

export async function removeStaff(s: Services, actor: Actor, roundId: string, staffId: string): Promise<void> {
  assertCan(actor, 'testing.round');
  await s.db.transaction().execute(async (trx) => {
    await roundOrThrow(trx, roundId);
    assertRoundWritable(actor, await store.roundAreas(trx, [roundId]));
    const done = await trx.deleteFrom('testing_staff').where('id', '=', staffId).where('round_id', '=', roundId).executeTakeFirst();
    if (Number(done.numDeletedRows) === 0) throw new AppError('STAFF_NOT_FOUND');
    await s.audit(trx, auditActor(actor), { action: 'testing.staff.remove', objectType: 'testing_staff', objectId: staffId, detail: { roundId } });
  });
}

export async function myAssignments(s: Services, actor: Actor) {
  assertCan(actor, 'testing.view');
  const rows = await s.db.selectFrom('testing_staff')
    .innerJoin('testing_round', 'testing_round.id', 'testing_staff.round_id')
    .leftJoin('testing_site', 'testing_site.id', 'testing_staff.site_id')
    .leftJoin('testing_table', 'testing_table.id', 'testing_staff.table_id')
    .select(['testing_round.id as round_id', 'testing_round.name as round_name', 'testing_round.starts_at', 'testing_round.deadline_at',
      'testing_round.closed_at', 'testing_staff.site_id', 'testing_site.name as site_name', 'testing_staff.table_id',
      'testing_table.name as table_name', 'testing_staff.duty'])
    .where('testing_staff.user_id', '=', actor.userId).where('testing_round.closed_at', 'is', null).orderBy('testing_round.starts_at', 'desc').execute();
  const now = s.clock.now();
  return {
    items: rows.map((r) => ({
      roundId: r.round_id, roundName: r.round_name, roundStatus: roundStatus({ starts_at: Number(r.starts_at), deadline_at: Number(r.deadline_at), closed_at: r.closed_at }, now),
      siteId: r.site_id, siteName: r.site_name, tableId: r.table_id, tableName: r.table_name, duty: r.duty as StaffDuty,
    })),
  };
}

// ---- tube views ---------------------------------------------------------------------------------

export async function tubeViews(ex: Executor, tubes: TestingTubeTable[]): Promise<TubeView[]> {
  const ids = tubes.map((t) => t.id);
  const results = new Map((await store.resultsOf(ex, ids)).map((r) => [r.tube_id, r]));
  const pools = new Map((await store.poolsOfTubes(ex, ids)).map((p) => [p.tube_id, p.id]));
  return tubes.map((t) => {
    const r = results.get(t.id);
    return {
      id: t.id, roundId: t.round_id, barcode: t.barcode, siteId: t.site_id, tableId: t.table_id, areaId: t.area_id, mode: t.mode as TubeMode,
      capacity: t.capacity, controlLevel: t.control_level as ControlLevel, status: t.status as TubeStatus, members: Number(t.member_count), openedAt: Number(t.opened_at),
      openedBy: t.opened_by_name, closedAt: t.closed_at === null ? null : Number(t.closed_at), boxId: t.box_id,
      result: (r?.result ?? null) as LabResult | null, ctN: r?.ct_n ?? null, ctOrf1ab: r?.ct_orf1ab ?? null, testedAt: r ? Number(r.tested_at) : null,
      resultedAt: r ? Number(r.resulted_at) : null, poolId: pools.get(t.id) ?? null, taskId: t.task_id, rulesVersion: t.rules_version,
      custodyMissing: missingCustody(t.custody_gap),
    };
  });
}

export async function tubeView(ex: Executor, tube: TestingTubeTable): Promise<TubeView> {
  return (await tubeViews(ex, [tube]))[0]!;
}

function memberView(m: { person_id: string; name: string; household_id: string | null; sampled_at: number }): MemberView {
  return { personId: m.person_id, maskedName: maskName(m.name), householdId: m.household_id, sampledAt: Number(m.sampled_at) };
}

async function tubeInScope(ex: Executor, actor: Actor, where: { id?: string; barcode?: string }): Promise<TestingTubeTable> {
  const tube = where.id ? await store.tubeById(ex, where.id) : await store.tubeByBarcode(ex, where.barcode!);
  if (!tube) throw new AppError('TUBE_NOT_FOUND');
  assertInScope(actor, tube.area_path);
  return tube;
}

export async function getTube(s: Services, actor: Actor, where: { id?: string; barcode?: string }) {
  assertCan(actor, 'testing.view');
  const tube = await tubeInScope(s.db, actor, where);
  const members = await store.membersOfTube(s.db, tube.id);
  return { tube: await tubeView(s.db, tube), members: members.map(memberView) };
}

export async function tubeCustody(s: Services, actor: Actor, id: string) {
  assertCan(actor, 'testing.view');
  const tube = await tubeInScope(s.db, actor, { id });
  const events: Array<{ kind: string; at: number; actorName: string; boxId: string | null; detail: Record<string, unknown> }> = [
    { kind: 'tube_opened', at: Number(tube.opened_at), actorName: tube.opened_by_name, boxId: null, detail: { barcode: tube.barcode, tableId: tube.table_id, mode: tube.mode, capacity: tube.capacity } },
  ];
  if (tube.closed_at !== null) events.push({ kind: 'tube_closed', at: Number(tube.closed_at), actorName: tube.closed_by_name ?? '', boxId: null, detail: { members: Number(tube.member_count) } });
  for (const e of await store.custodyOfTube(s.db, tube)) {
    events.push({ kind: e.kind, at: Number(e.at), actorName: e.actor_name, boxId: e.box_id, detail: JSON.parse(e.detail) as Record<string, unknown> });
  }
  const [result] = await store.resultsOf(s.db, [tube.id]);
  if (result) events.push({ kind: 'resulted', at: Number(result.resulted_at), actorName: 'lab', boxId: tube.box_id, detail: { uploadId: result.upload_id, testedAt: Number(result.tested_at) } });
  events.sort((a, b) => a.at - b.at);
  return { tube: await tubeView(s.db, tube), events };
}

// ---- sampling core (inside the caller's transaction) --------------------------------------------

interface PersonRef { personCode?: string; idNumber?: string; idType?: string; personId?: string }

async function resolvePerson(s: Services, ex: Executor, ref: PersonRef, at: number): Promise<store.PersonLite> {
  let personId: string | undefined;
  if (ref.personCode) {
    const v = verifyPersonalCode(s.signing.personalPublicKey, ref.personCode, at);
    if (!v.ok) throw new AppError(v.code);
    personId = v.personId;
  } else if (ref.idNumber) {
    const found = await findPersonByIdNumber(ex, s.cipher, ref.idType ?? 'resident_id', ref.idNumber.trim().toUpperCase());
    if (!found) throw new AppError('PERSON_NOT_FOUND');
    personId = found.id;
  } else if (ref.personId) {
    personId = ref.personId;
  } else {
    throw new AppError('PERSON_IDENTIFIER_REQUIRED');
  }
  const [person] = await store.personsByIds(ex, [personId]);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  return person;
}

/** ROUND_NOT_OPEN unless the round takes samples made at `at` (testing.rules.ts refusesSamplesAt). */
function takesSamplesAt(round: TestingRoundTable, at: number): void {
  const status = refusesSamplesAt({
    starts_at: Number(round.starts_at), deadline_at: Number(round.deadline_at), closed_at: round.closed_at === null ? null : Number(round.closed_at),
  }, at);
  if (status) throw new AppError('ROUND_NOT_OPEN', { status });
}

interface TubeSpec { roundId: string; tableId: string; barcode: string; mode?: TubeMode; poolSize?: number }

/** The table's site, scope and the pooling decision of its control level in the round. */
async function tubePlan(ex: Executor, actor: Actor, round: TestingRoundTable, spec: Pick<TubeSpec, 'tableId' | 'mode' | 'poolSize'>) {
  const table = await store.tableWithSite(ex, spec.tableId);
  if (!table) throw new AppError('TABLE_NOT_FOUND');
  assertInScope(actor, table.area_path);
  const areaLevel = controlLevelAt(table.area_path, await store.roundAreas(ex, [round.id]));
  if (!areaLevel) throw new AppError('TABLE_NOT_IN_ROUND');
  const level = siteLevel(areaLevel, table.kind as SiteKind);
  const policy = poolingPolicy();
  const decision = spec.mode === 'retest' ? null : tubeModeFor(policy, level, { mode: spec.mode, poolSize: spec.poolSize });
  if (!decision || !decision.ok) {
    const rule = policy.controlLevels[level];
    throw new AppError('TUBE_MODE_NOT_ALLOWED', { level, maxPoolSize: rule.poolSize }, {
      extra: { allowed: decision && !decision.ok ? decision.allowed : { modes: ['single'], maxPoolSize: rule.poolSize } },
    });
  }
  return { table, level, mode: decision.mode, capacity: decision.capacity, rulesVersion: policy.version };
}

export async function openTubeTx(s: Services, trx: Tx, actor: Actor, spec: TubeSpec, at: number): Promise<TestingTubeTable> {
  const round = await roundOrThrow(trx, spec.roundId);
  takesSamplesAt(round, at);
  const plan = await tubePlan(trx, actor, round, spec);
  const taken = await store.tubeByBarcode(trx, spec.barcode);
  if (taken) {
    // An open tube of this round at this table: the sampler is told which, to resume it (or close or void it).
    const resumable = taken.status === 'open' && taken.round_id === round.id && taken.table_id === plan.table.table_id;
    throw new AppError('TUBE_BARCODE_TAKEN', { barcode: spec.barcode }, resumable
      ? { extra: { resumable: { tubeId: taken.id, members: Number(taken.member_count), openedBy: taken.opened_by_name, openedAt: Number(taken.opened_at) } } }
      : {});
  }
  const row: TestingTubeTable = {
    id: newId(s.clock.now()), round_id: round.id, barcode: spec.barcode, site_id: plan.table.site_id, table_id: plan.table.table_id,
    area_id: plan.table.area_id, area_path: plan.table.area_path, mode: plan.mode, capacity: plan.capacity, control_level: plan.level,
    status: 'open', member_count: 0, opened_at: at, opened_by: actor.userId, opened_by_name: actor.displayName, closed_at: null,
    closed_by_name: null, box_id: null, task_id: null, rules_version: plan.rulesVersion,
  };
  try {
    await trx.insertInto('testing_tube').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('TUBE_BARCODE_TAKEN', { barcode: spec.barcode });
    throw err;
  }
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.open', objectType: 'testing_tube', objectId: row.id,
    detail: { roundId: round.id, barcode: row.barcode, tableId: row.table_id, mode: row.mode, capacity: row.capacity, controlLevel: row.control_level, rules: row.rules_version },
  });
  return row;
}

export async function addMemberTx(s: Services, trx: Tx, actor: Actor, tube: TestingTubeTable, ref: PersonRef, at: number): Promise<{ tube: TestingTubeTable; member: MemberView }> {
  assertInScope(actor, tube.area_path);
  const person = await resolvePerson(s, trx, ref, at);
  const refusal = joinRefusal(
    { status: tube.status, mode: tube.mode, capacity: tube.capacity, memberCount: Number(tube.member_count) },
    {
      inThisTube: await store.isMember(trx, tube.id, person.id),
      otherOpenTube: (await store.openTubesOf(trx, tube.round_id, [person.id], tube.id)).get(person.id) ?? null,
      household: person.household_id,
      tubeHouseholds: tube.mode === 'household' ? await store.tubeHouseholds(trx, tube.id) : [],
    },
  );
  if (refusal === 'PERSON_IN_OPEN_TUBE') {
    const barcode = (await store.openTubesOf(trx, tube.round_id, [person.id], tube.id)).get(person.id)!;
    throw new AppError(refusal, { barcode }, { extra: { barcode } });
  }
  if (refusal) throw new AppError(refusal, { barcode: tube.barcode, capacity: tube.capacity });
  // A person under control is sampled one per tube (RULES.md §4): refused from a shared tube, a single tube offered.
  const control = personalControl(await factKindsAt(s, trx, person.id, at));
  if (control && tubeTooSharedFor(poolingPolicy(), control.level, tube)) {
    throw new AppError('PERSON_UNDER_CONTROL', { capacity: tube.capacity }, {
      extra: { reason: control.reason, controlLevel: control.level, personId: person.id, offer: { mode: 'single', poolSize: 1 } },
    });
  }
  const member: TestingTubeMemberTable = { tube_id: tube.id, person_id: person.id, round_id: tube.round_id, household_id: person.household_id, sampled_at: at };
  await trx.insertInto('testing_tube_member').values(member).execute();
  // Guarded: two devices adding to one tube at once cannot overfill it.
  const grew = await trx.updateTable('testing_tube').set((eb) => ({ member_count: eb('member_count', '+', 1) }))
    .where('id', '=', tube.id).where('status', '=', 'open').where('member_count', '<', tube.capacity).executeTakeFirst();
  if (Number(grew.numUpdatedRows) === 0) throw new AppError('TUBE_FULL', { capacity: tube.capacity });
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.add', objectType: 'testing_tube', objectId: tube.id, detail: { barcode: tube.barcode, personId: person.id, sampledAt: at },
  });
  const updated = (await store.tubeById(trx, tube.id))!;
  return { tube: updated, member: memberView({ ...member, name: person.name }) };
}

export async function removeMemberTx(s: Services, trx: Tx, actor: Actor, tube: TestingTubeTable, personId: string): Promise<TestingTubeTable> {
  assertInScope(actor, tube.area_path);
  if (tube.status !== 'open') throw new AppError('TUBE_CLOSED', { barcode: tube.barcode });
  const done = await trx.deleteFrom('testing_tube_member').where('tube_id', '=', tube.id).where('person_id', '=', personId).executeTakeFirst();
  if (Number(done.numDeletedRows) === 0) throw new AppError('PERSON_NOT_FOUND');
  await trx.updateTable('testing_tube').set((eb) => ({ member_count: eb('member_count', '-', 1) })).where('id', '=', tube.id).execute();
  await s.audit(trx, auditActor(actor), { action: 'testing.tube.remove', objectType: 'testing_tube', objectId: tube.id, detail: { barcode: tube.barcode, personId } });
  return (await store.tubeById(trx, tube.id))!;
}

export async function closeTubeTx(s: Services, trx: Tx, actor: Actor, tube: TestingTubeTable, at: number): Promise<TestingTubeTable> {
  assertInScope(actor, tube.area_path);
  if (tube.status !== 'open') return tube;
  if (Number(tube.member_count) === 0) throw new AppError('TUBE_EMPTY');
  await trx.updateTable('testing_tube').set({ status: 'closed', closed_at: Math.max(at, Number(tube.opened_at)), closed_by_name: actor.displayName })
    .where('id', '=', tube.id).where('status', '=', 'open').execute();
  await s.audit(trx, auditActor(actor), { action: 'testing.tube.close', objectType: 'testing_tube', objectId: tube.id, detail: { barcode: tube.barcode, members: Number(tube.member_count) } });
  return (await store.tubeById(trx, tube.id))!;
}

// ---- idempotent operations (online with clientId, and the offline queue) -------------------------

/** An operation's result as stored for its client id: whether it was done, or refused and why. */
type Outcome = Omit<OpDone, 'duplicate'> | Omit<OpRefused, 'duplicate'>;

async function storedOutcome(ex: Executor, actor: Actor, clientId: string): Promise<{ op_type: string; outcome: string } | undefined> {
  return ex.selectFrom('testing_sync_op').select(['op_type', 'outcome']).where('user_id', '=', actor.userId).where('client_id', '=', clientId).executeTakeFirst();
}

async function storeOutcome(s: Services, ex: Executor, actor: Actor, clientId: string, opType: string, outcome: Outcome): Promise<void> {
  await ex.insertInto('testing_sync_op').values({ user_id: actor.userId, client_id: clientId, op_type: opType, outcome: JSON.stringify(outcome), at: s.clock.now() }).execute();
}

/**
 * Runs one operation once per (user, clientId): its changes and its stored outcome commit together;
 * a repeat returns the stored outcome and changes nothing. With `keepErrors` a refused operation's
 * error is stored too, so a resent queue gets the same answers.
 */
export async function once(
  s: Services, actor: Actor, clientId: string | undefined, opType: string, lang: Lang, keepErrors: boolean,
  run: (trx: Tx) => Promise<Omit<OpDone, 'clientId' | 'ok' | 'duplicate'>>,
): Promise<OpResult> {
  const cid = clientId ?? '';
  const replay = async (): Promise<OpResult | null> => {
    if (!clientId) return null;
    const prior = await storedOutcome(s.db, actor, clientId);
    if (!prior) return null;
    if (prior.op_type !== opType) {
      return { clientId: cid, ok: false, duplicate: true, error: { code: 'SYNC_CLIENT_ID_REUSED', message: messageFor('SYNC_CLIENT_ID_REUSED', {}, lang) } };
    }
    return { ...(JSON.parse(prior.outcome) as Outcome), duplicate: true };
  };
  const first = await replay();
  if (first) return first;
  try {
    return await s.db.transaction().execute(async (trx) => {
      const body = await run(trx);
      const outcome: Outcome = { clientId: cid, ok: true, ...body };
      if (clientId) await storeOutcome(s, trx, actor, clientId, opType, outcome);
      return { ...outcome, duplicate: false };
    });
  } catch (err) {
    if (isUniqueViolation(err) && clientId) {
      const again = await replay();
      if (again) return again;
    }
    if (!(err instanceof AppError) || !keepErrors) throw err;
    const outcome: Outcome = { clientId: cid, ok: false, error: { code: err.code, message: messageFor(err.code, err.params, lang) } };
    if (clientId) {
      try {
        await storeOutcome(s, s.db, actor, clientId, opType, outcome);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const again = await replay();
        if (again) return again;
      }
    }
    return { ...outcome, duplicate: false };
  }
}

/** The operation done, or its refusal thrown (an online call's answer). */
export function unwrap(r: OpResult): OpDone {
  if (!r.ok) throw new AppError(r.error.code);
  return r;
}

export async function openTube(s: Services, actor: Actor, body: TubeOpenBody, lang: Lang): Promise<{ tube: TubeView; duplicate: boolean }> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(await once(s, actor, body.clientId, 'tube.open', lang, false, async (trx) => {
    const tube = await openTubeTx(s, trx, actor, body, atOf(s, body.at));
    return { tube: await tubeView(trx, tube) };
  }));
  roundChanged(s, body.roundId, 'summary');
  return { tube: r.tube!, duplicate: r.duplicate };
}

export async function addMember(s: Services, actor: Actor, tubeId: string, body: MemberAddBody, lang: Lang): Promise<{ tube: TubeView; member: MemberView }> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(await once(s, actor, body.clientId, 'tube.add', lang, false, async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    const done = await addMemberTx(s, trx, actor, tube, body, atOf(s, body.at));
    return { tube: await tubeView(trx, done.tube), member: done.member };
  }));
  roundChanged(s, r.tube!.roundId, 'summary');
  return { tube: r.tube!, member: r.member! };
}

export async function removeMember(s: Services, actor: Actor, tubeId: string, personId: string): Promise<TubeView> {
  assertCan(actor, 'testing.sample');
  return s.db.transaction().execute(async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    return tubeView(trx, await removeMemberTx(s, trx, actor, tube, personId));
  });
}

export async function closeTube(s: Services, actor: Actor, tubeId: string, body: { clientId?: string; at?: number }, lang: Lang): Promise<TubeView> {
  assertCan(actor, 'testing.sample');
  const r = unwrap(await once(s, actor, body.clientId, 'tube.close', lang, false, async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    return { tube: await tubeView(trx, await closeTubeTx(s, trx, actor, tube, atOf(s, body.at))) };
  }));
  return r.tube!;
}

// ---- open tubes of a table: resume, close, void -------------------------------------------------

/** The table's open tubes in a round (oldest first), whoever opened them and on whichever device. */
export async function openTubesAtTable(s: Services, actor: Actor, tableId: string, roundId: string): Promise<{ items: TubeView[] }> {
  assertCan(actor, 'testing.sample');
  const table = await store.tableWithSite(s.db, tableId);
  if (!table) throw new AppError('TABLE_NOT_FOUND');
  assertInScope(actor, table.area_path);
  return { items: await tubeViews(s.db, await store.openTubesAtTable(s.db, tableId, roundId)) };
}

/** Takes up an open tube again (after signing in again, or on another phone): its members, and who resumed it audited. */
export async function resumeTube(s: Services, actor: Actor, tubeId: string) {
  assertCan(actor, 'testing.sample');
  return s.db.transaction().execute(async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    if (tube.status !== 'open') throw new AppError('TUBE_CLOSED', { barcode: tube.barcode });
    await s.audit(trx, auditActor(actor), {
      action: 'testing.tube.resume', objectType: 'testing_tube', objectId: tube.id,
      detail: { barcode: tube.barcode, members: Number(tube.member_count), openedBy: tube.opened_by_name },
    });
    return { tube: await tubeView(trx, tube), members: (await store.membersOfTube(trx, tube.id)).map(memberView) };
  });
}

/** Voids an open tube nobody was sampled into (abandoned): the row goes, the audit event keeps what it was. */
export async function voidTube(s: Services, actor: Actor, tubeId: string, reason: string | undefined): Promise<{ barcode: string; voided: true }> {
  assertCan(actor, 'testing.sample');
  const out = await s.db.transaction().execute(async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    if (tube.status !== 'open') throw new AppError('TUBE_CLOSED', { barcode: tube.barcode });
    if (Number(tube.member_count) > 0 || !(await store.deleteEmptyOpenTube(trx, tube.id))) {
      throw new AppError('TUBE_NOT_EMPTY', { barcode: tube.barcode, members: Number(tube.member_count) });
    }
    await s.audit(trx, auditActor(actor), {
      action: 'testing.tube.void', objectType: 'testing_tube', objectId: tube.id,
      detail: { roundId: tube.round_id, barcode: tube.barcode, tableId: tube.table_id, openedBy: tube.opened_by_name, openedAt: Number(tube.opened_at), reason: reason?.trim() || null },
    });
    return { roundId: tube.round_id, barcode: tube.barcode };
  });
  roundChanged(s, out.roundId, 'summary');
  return { barcode: out.barcode, voided: true };
}

// ---- offline queue ------------------------------------------------------------------------------

/** The time of an online operation: now, or the device's time when given (inside the offline window). */
export function atOf(s: Services, at: number | undefined): number {
  if (at === undefined) return s.clock.now();
  checkOpTime(s, at);
  return at;
}

function checkOpTime(s: Services, at: number): void {
  const p = testingPolicy();
  const now = s.clock.now();
  if (at > now + p.clockSkewMinutes * 60_000 || at < now - p.offlineWindowHours * HOUR) throw new AppError('SYNC_TIME_INVALID');
}

async function tubeByBarcodeForOp(trx: Tx, actor: Actor, barcode: string): Promise<TestingTubeTable> {
  return tubeInScope(trx, actor, { barcode });
}

/** Applies the queued operations in order, each once; a refused one does not stop the others. */
export async function syncOps(s: Services, actor: Actor, ops: SyncOp[], lang: Lang, hooks: SyncHooks): Promise<{ results: OpResult[] }> {
  // The sampler's queue (tubes, tasks) and the grid worker's (visits) share the endpoint; each op needs its own permission.
  if (!can(actor.role, 'testing.sample') && !can(actor.role, 'testing.doorknock')) throw new AppError('FORBIDDEN', { permission: 'testing.sample' });
  const results: OpResult[] = [];
  const rounds = new Set<string>();
  for (const op of ops) {
    const r = await once(s, actor, op.clientId, op.type, lang, true, async (trx) => {
      checkOpTime(s, op.at);
      if (op.type !== 'visit') assertCan(actor, 'testing.sample');
      switch (op.type) {
        case 'tube.open': {
          const tube = await openTubeTx(s, trx, actor, op, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, tube) };
        }
        case 'tube.add': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          const done = await addMemberTx(s, trx, actor, tube, op, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, done.tube), member: done.member };
        }
        case 'tube.remove': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          return { tube: await tubeView(trx, await removeMemberTx(s, trx, actor, tube, op.personId)) };
        }
        case 'tube.close': {
          const tube = await tubeByBarcodeForOp(trx, actor, op.barcode);
          return { tube: await tubeView(trx, await closeTubeTx(s, trx, actor, tube, op.at)) };
        }
        case 'tube.fill': {
          let tube = await openTubeTx(s, trx, actor, op, op.at);
          for (const p of op.people) tube = (await addMemberTx(s, trx, actor, tube, p, p.at)).tube;
          tube = await closeTubeTx(s, trx, actor, tube, op.at);
          rounds.add(tube.round_id);
          return { tube: await tubeView(trx, tube) };
        }
        case 'task.sample':
          return { task: await hooks.sampleTaskTx(s, trx, actor, op.taskId, op.barcode, op.at) };
        case 'visit':
          assertCan(actor, 'testing.doorknock');
          return { visit: await hooks.visitTx(s, trx, actor, op.roundId, { personId: op.personId, outcome: op.outcome, note: op.note }, op.at) };
      }
    });
    results.push(r);
  }
  for (const id of rounds) roundChanged(s, id, 'summary');
  return { results };
}

/** Operations implemented by the pools and coverage modules (kept there with their own rules). */
export interface SyncHooks {
  sampleTaskTx(s: Services, trx: Tx, actor: Actor, taskId: string, barcode: string, at: number): Promise<import('./testing.schema.ts').TaskView>;
  visitTx(s: Services, trx: Tx, actor: Actor, roundId: string, body: { personId: string; outcome: string; note?: string }, at: number): Promise<import('./testing.schema.ts').VisitView>;
}

// ---- bulk sampling (devices that upload whole tubes; the benchmark's entry point) ----------------

export interface BulkTube {
  barcode: string;
  tableId: string;
  personIds: string[];
  sampledAt: number;
  mode?: TubeMode;
  poolSize?: number;
}

/**
 * Records whole tubes — opened, filled and closed — set-based: a few grouped reads to check every
 * tube and person, then multi-row inserts. Whole or nothing: any fault refuses the batch
 * (SAMPLES_INVALID with faults naming the tube's index).
 */
export async function sampleTubes(s: Services, actor: Actor, roundId: string, tubes: BulkTube[]): Promise<{ tubes: number; members: number }> {
  assertCan(actor, 'testing.sample');
  const result = await s.db.transaction().execute(async (trx) => {
    const round = await roundOrThrow(trx, roundId);
    const faults: Fault[] = [];
    const plans = new Map<string, Awaited<ReturnType<typeof tubePlan>>>();
    const personIds = tubes.flatMap((t) => t.personIds);
    const households = await store.householdsOf(trx, s.dialect, personIds);
    const inOpen = await store.openTubeMembersOfRound(trx, roundId);
    const taken = await store.barcodeTaken(trx, tubes.map((t) => t.barcode));
    const seenBarcode = new Set<string>();
    const tubeRows: TestingTubeTable[] = [];
    const memberRows: TestingTubeMemberTable[] = [];
    const now = s.clock.now();
    let seq = 0;
    for (const [i, t] of tubes.entries()) {
      const row = i + 1;
      try {
        takesSamplesAt(round, t.sampledAt);
        const key = `${t.tableId}|${t.mode ?? ''}|${t.poolSize ?? ''}`;
        let plan = plans.get(key);
        if (!plan) { plan = await tubePlan(trx, actor, round, t); plans.set(key, plan); }
        if (taken.has(t.barcode) || seenBarcode.has(t.barcode)) throw new AppError('TUBE_BARCODE_TAKEN', { barcode: t.barcode });
        seenBarcode.add(t.barcode);
        if (t.personIds.length === 0) throw new AppError('TUBE_EMPTY');
        if (t.personIds.length > plan.capacity) throw new AppError('TUBE_FULL', { capacity: plan.capacity });
        if (new Set(t.personIds).size !== t.personIds.length) throw new AppError('PERSON_ALREADY_IN_TUBE');
        if (t.personIds.some((id) => !households.has(id))) throw new AppError('PERSON_NOT_FOUND');
        const open = t.personIds.find((id) => inOpen.has(id));
        if (open) throw new AppError('PERSON_IN_OPEN_TUBE', { barcode: inOpen.get(open)! });
        if (plan.mode === 'household' && new Set(t.personIds.map((id) => households.get(id) ?? `none:${id}`)).size > 1) throw new AppError('TUBE_HOUSEHOLD_MISMATCH');
        const id = newId(now) + String(seq++).padStart(6, '0');
        tubeRows.push({
          id, round_id: round.id, barcode: t.barcode, site_id: plan.table.site_id, table_id: plan.table.table_id, area_id: plan.table.area_id,
          area_path: plan.table.area_path, mode: plan.mode, capacity: plan.capacity, control_level: plan.level, status: 'closed',
          member_count: t.personIds.length, opened_at: t.sampledAt, opened_by: actor.userId, opened_by_name: actor.displayName,
          closed_at: t.sampledAt, closed_by_name: actor.displayName, box_id: null, task_id: null, rules_version: plan.rulesVersion,
        });
        for (const pid of t.personIds) memberRows.push({ tube_id: id, person_id: pid, round_id: round.id, household_id: households.get(pid) ?? null, sampled_at: t.sampledAt });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        faults.push({ row, field: 'tubes', code: err.code, params: { ...err.params, barcode: t.barcode } });
        if (faults.length >= 1000) break;
      }
    }
    if (faults.length) throw new AppError('SAMPLES_INVALID', { count: faults.length }, { faults });
    await store.insertTubes(trx, s.dialect, tubeRows);
    await store.insertTubeMembers(trx, s.dialect, memberRows);
    await s.audit(trx, auditActor(actor), {
      action: 'testing.tube.bulk', objectType: 'testing_round', objectId: round.id,
      detail: { tubes: tubeRows.length, members: memberRows.length, first: tubeRows[0]?.barcode ?? null, last: tubeRows.at(-1)?.barcode ?? null },
    });
    return { tubes: tubeRows.length, members: memberRows.length };
  });
  roundChanged(s, roundId, 'summary');
  return result;
}
