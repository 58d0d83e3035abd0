// Testing rounds: rounds and their planner (the pool-size advisor), sites, tables and staff. Every
// call checks permission and area scope, runs in one transaction and writes its audit event there.
// Tubes and sampling are in testing.tubes.ts, the idempotent operations and the offline queue in
// testing.sync.ts.
import { can, isRole, type Actor, type Role } from '../access/access.rules.ts';
import type { Executor, TestingRoundTable, TestingSiteTable, TestingStaffTable } from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { areaById, areasByIds } from '../db/sql.ts';
import { householdIdsOfBuilding } from '../registry/registry.store.ts';
import { countPersonsInSubtree } from '../registry/roster.store.ts';
import { poolingPolicy } from './pooling.policy.ts';
import { parseAdvisorOptions, planRound, type ControlLevel } from './pooling.rules.ts';
import { testingPolicy } from './testing.policy.ts';
import { planFor, roundStatus, type SiteKind, type StaffDuty } from './testing.rules.ts';
import type {
  PlanRow,
  RoundCreateBody,
  RoundPatchBody,
  RoundPoolingView,
  RoundSummary,
  RoundView,
  SiteCreateBody,
  SiteView,
  StaffCandidateQuery,
  StaffCreateBody,
} from './testing.schema.ts';
import { STAFF_ROLES } from './testing.schema.ts';
import * as store from './testing.store.ts';
import * as sites from './testing.sites.store.ts';
import { activeUsersUnder, displayNames, userById } from '../access/access.store.ts';
import type { Static } from '@sinclair/typebox';
import { listingScope } from '../access/access.scope.ts';

const HOUR = 3_600_000;
type Paging = { limit: number; offset: number };

/** Change notices to the live dashboard (best effort; readers take the truth from the database). */
export function roundChanged(
  s: Services,
  roundId: string,
  what: 'summary' | 'pool',
  extra: Record<string, unknown> = {},
): void {
  s.events.publish(`testing:${roundId}`, { roundId, what, ...extra });
}

// ---- rounds -------------------------------------------------------------------------------------

export async function roundOrThrow(ex: Executor, id: string): Promise<TestingRoundTable> {
  const r = await store.roundById(ex, id);
  if (!r) throw new AppError('ROUND_NOT_FOUND');
  return r;
}

/** The round is visible to an actor whose scope contains one of its areas, or lies inside one. */
function assertRoundInScope(actor: Actor, areas: ReadonlyArray<{ area_path: string }>): void {
  if (!areas.some((a) => a.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(a.area_path)))
    throw new AppError('OUT_OF_SCOPE');
}

/** Writes to a round need every one of its areas inside the actor's scope. */
function assertRoundWritable(actor: Actor, areas: ReadonlyArray<{ area_path: string }>): void {
  for (const a of areas) assertInScope(actor, a.area_path);
}

/** A round as listed and as shown on its page: its figures come from roundSummary, the one place they are computed. */
async function roundViews(s: Services, ex: Executor, rows: TestingRoundTable[]): Promise<RoundView[]> {
  const areas = await store.roundAreas(
    ex,
    rows.map((r) => r.id),
  );
  const now = s.clock.now();
  const out: RoundView[] = [];
  for (const r of rows) {
    const own = areas.filter((a) => a.round_id === r.id);
    const summary = await roundSummary(ex, r.id);
    out.push({
      id: r.id,
      name: r.name,
      status: roundStatus(r, now),
      startsAt: Number(r.starts_at),
      deadlineAt: Number(r.deadline_at),
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
      areas: own.map((a) => ({
        areaId: a.area_id,
        code: a.code,
        name: a.name,
        level: a.level,
        path: a.area_path,
        controlLevel: a.control_level as ControlLevel,
      })),
      previousRoundId: r.previous_round_id,
      autoReport: r.auto_report === 1,
      target: summary.target,
      summary,
      rules: { pooling: r.pooling_version, testing: r.testing_version },
      createdAt: Number(r.created_at),
    });
  }
  return out;
}

async function resolveRoundAreas(
  ex: Executor,
  actor: Actor,
  input: ReadonlyArray<{ areaId: string; controlLevel?: ControlLevel }>,
) {
  const ids = [...new Set(input.map((a) => a.areaId))];
  const found = await areasByIds(ex, ids);
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
async function checkPreviousRound(
  ex: Executor,
  actor: Actor,
  previousRoundId: string,
  areas: ReadonlyArray<{ area_path: string }>,
): Promise<void> {
  const prev = await store.roundById(ex, previousRoundId);
  if (!prev)
    throw new AppError('ROUND_PREVIOUS_NOT_FOUND', { previousRoundId }, { extra: { field: 'previousRoundId' } });
  const theirs = await store.roundAreas(ex, [prev.id]);
  const visible = theirs.some((t) => t.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(t.area_path));
  if (!visible)
    throw new AppError('ROUND_PREVIOUS_OUT_OF_SCOPE', { previousRoundId }, { extra: { field: 'previousRoundId' } });
  const overlaps = theirs.some((t) =>
    areas.some((a) => a.area_path.startsWith(t.area_path) || t.area_path.startsWith(a.area_path)),
  );
  if (!overlaps)
    throw new AppError(
      'ROUND_PREVIOUS_NO_OVERLAP',
      { name: prev.name },
      { extra: { field: 'previousRoundId', previousRoundId } },
    );
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
      id: newId(now),
      name: body.name.trim(),
      starts_at: body.startsAt,
      deadline_at: deadlineAt,
      closed_at: null,
      previous_round_id: body.previousRoundId ?? null,
      auto_report: (body.autoReport ?? policy.autoReportOnUpload) ? 1 : 0,
      pooling_version: poolingPolicy().version,
      testing_version: policy.version,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    await store.insertRoundTx(trx, row, areas);
    await s.audit(trx, auditActor(actor), {
      action: 'testing.round.create',
      objectType: 'testing_round',
      objectId: row.id,
      detail: {
        name: row.name,
        areas: areas.map((a) => ({ areaId: a.area_id, controlLevel: a.control_level })),
        startsAt: row.starts_at,
        deadlineAt,
        autoReport: row.auto_report === 1,
        rules: { pooling: row.pooling_version, testing: row.testing_version },
      },
    });
    return (await roundViews(s, trx, [row]))[0]!;
  });
}

export async function listRounds(
  s: Services,
  actor: Actor,
  status: string | undefined,
  paging: Paging,
): Promise<Page<RoundView>> {
  assertCan(actor, 'testing.view');
  const { rows, total } = await store.roundsInScope(s.db, actor.areaPath, status ? { limit: 1000, offset: 0 } : paging);
  if (status) {
    // Filtered by status first, so only the page shown has its figures computed.
    const now = s.clock.now();
    const matching = rows.filter((r) => roundStatus(r, now) === status);
    return {
      items: await roundViews(s, s.db, matching.slice(paging.offset, paging.offset + paging.limit)),
      total: matching.length,
      ...paging,
    };
  }
  return { items: await roundViews(s, s.db, rows), total, ...paging };
}

/** People registered in the round's areas: the sum over its outermost areas (override sub-areas lie inside them). */
async function roundTarget(ex: Executor, roundId: string): Promise<number> {
  const paths = await store.roundAreaPaths(ex, roundId);
  const top = paths.filter((a) => !paths.some((b) => b !== a && a.startsWith(b)));
  let n = 0;
  for (const path of top) n += await countPersonsInSubtree(ex, path);
  return n;
}

export async function roundSummary(ex: Executor, roundId: string): Promise<RoundSummary> {
  const target = await roundTarget(ex, roundId);
  const c = await store.roundCounts(ex, roundId);
  return { target, ...c, missing: Math.max(0, target - c.sampled) };
}

export async function getRound(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{ round: RoundView; summary: RoundSummary }> {
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
    await store.updateRound(trx, id, changes);
    if (body.areas) await store.setRoundAreasTx(trx, id, await resolveRoundAreas(trx, actor, body.areas));
    await s.audit(trx, auditActor(actor), {
      action: 'testing.round.update',
      objectType: 'testing_round',
      objectId: id,
      detail: { ...body },
    });
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
      await store.closeRoundAt(trx, id, now);
      await s.audit(trx, auditActor(actor), {
        action: 'testing.round.close',
        objectType: 'testing_round',
        objectId: id,
        detail: {},
      });
    }
    return (await roundViews(s, trx, [(await store.roundById(trx, id))!]))[0]!;
  });
}

export async function roundPlan(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{
  norms: ReturnType<typeof testingPolicy>['planning'];
  rows: Static<typeof PlanRow>[];
  total: Static<typeof PlanRow>;
}> {
  assertCan(actor, 'testing.view');
  await roundOrThrow(s.db, id);
  const areas = await store.roundAreas(s.db, [id]);
  assertRoundInScope(actor, areas);
  const norms = testingPolicy().planning;
  // Override sub-areas are inside another listed area: plan the outermost ones only.
  const top = areas.filter(
    (a) => !areas.some((b) => b !== a && a.area_path.startsWith(b.area_path) && b.area_path !== a.area_path),
  );
  const rows: Static<typeof PlanRow>[] = [];
  const sum = { population: 0, sites: 0, tables: 0, samplers: 0 };
  for (const a of top) {
    const population = await countPersonsInSubtree(s.db, a.area_path);
    const st = await store.sitesAndTablesUnder(s.db, a.area_path);
    const samplers = await store.samplersUnder(s.db, id, a.area_path);
    const f = planFor(population, norms, { sites: st.sites, tables: st.tables, samplers });
    rows.push({ areaId: a.area_id, name: a.name, level: a.level, ...f });
    sum.population += population;
    sum.sites += st.sites;
    sum.tables += st.tables;
    sum.samplers += samplers;
  }
  const total = {
    areaId: null,
    name: 'total',
    level: null,
    ...planFor(sum.population, norms, { sites: sum.sites, tables: sum.tables, samplers: sum.samplers }),
  };
  return { norms, rows, total };
}

/** Prevalence from the last rounds' counts, with half a positive added so that none seen is not zero. */
export function estimatePrevalence(resulted: number, positives: number): number | null {
  return resulted > 0 ? Math.min(0.5, (positives + 0.5) / (resulted + 1)) : null;
}

/** The rounds before this one: its chain of previous rounds, else the latest earlier rounds over any of its areas (three at most). */
async function lastRounds(
  ex: Executor,
  actor: Actor,
  round: TestingRoundTable,
  areas: ReadonlyArray<{ area_path: string }>,
): Promise<TestingRoundTable[]> {
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
  const theirs = await store.roundAreas(
    ex,
    earlier.map((r) => r.id),
  );
  const overlaps = (id: string) =>
    theirs.some(
      (t) =>
        t.round_id === id &&
        areas.some((a) => a.area_path.startsWith(t.area_path) || t.area_path.startsWith(a.area_path)),
    );
  return earlier.filter((r) => overlaps(r.id)).slice(0, 3);
}

/**
 * The pool-size advisor for this round (issue 5 §6): per round area its population (an override
 * sub-area's people counted there, not in its parent), the pool size its control level mandates, the
 * advisor's size, and the tubes, positive tubes, re-tests and people put under control to expect; at
 * the typed prevalence, or the one estimated from the last rounds.
 */
export async function roundPooling(
  s: Services,
  actor: Actor,
  id: string,
  typed: string | undefined,
): Promise<RoundPoolingView> {
  assertCan(actor, 'testing.view');
  const round = await roundOrThrow(s.db, id);
  const areas = await store.roundAreas(s.db, [id]);
  assertRoundInScope(actor, areas);
  const policy = poolingPolicy();
  const last = await lastRounds(s.db, actor, round, areas);
  const f = await store.prevalenceFigures(
    s.db,
    last.map((r) => r.id),
  );
  const positives = f.positiveSingles + f.openPools;
  const estimated = estimatePrevalence(f.resulted, positives);
  const estimate =
    estimated === null
      ? null
      : {
          prevalence: estimated,
          resulted: f.resulted,
          positives,
          rounds: last.map((r) => ({ id: r.id, name: r.name })),
        };
  let prevalence: number | null = null;
  let source: RoundPoolingView['source'] = 'none';
  if (typed !== undefined && typed.trim() !== '') {
    prevalence = parseAdvisorOptions({ prevalence: typed }, policy).prevalence;
    source = 'typed';
  } else if (estimated !== null) {
    prevalence = estimated;
    source = 'estimated';
  }
  const own: Array<{ areaId: string; name: string; level: string; controlLevel: ControlLevel; population: number }> =
    [];
  for (const a of areas) {
    const inner = areas.filter((b) => b !== a && b.area_path.startsWith(a.area_path) && b.area_path !== a.area_path);
    const outermostInner = inner.filter(
      (b) => !inner.some((c) => c !== b && b.area_path.startsWith(c.area_path) && b.area_path !== c.area_path),
    );
    let population = await countPersonsInSubtree(s.db, a.area_path);
    for (const b of outermostInner) population -= await countPersonsInSubtree(s.db, b.area_path);
    own.push({
      areaId: a.area_id,
      name: a.name,
      level: a.level,
      controlLevel: a.control_level as ControlLevel,
      population: Math.max(0, population),
    });
  }
  const plan = prevalence === null ? null : planRound({ areas: own, prevalence }, policy);
  return {
    prevalence,
    source,
    estimate,
    areas: own.map((a, i) => {
      const p = plan?.areas[i];
      const mandate = policy.controlLevels[a.controlLevel];
      return {
        ...a,
        mandatedPoolSize: mandate.poolSize,
        householdTube: mandate.householdTube,
        recommendedPoolSize: p?.recommendedPoolSize ?? null,
        reason: p?.reason ?? null,
        testsPerPerson: p?.testsPerPerson ?? null,
        expectedTubes: p?.expectedTubes ?? null,
        expectedPositiveTubes: p?.expectedPositiveTubes ?? null,
        expectedRetests: p?.expectedRetests ?? null,
        expectedControlled: p?.expectedControlled ?? null,
        expectedTests: p?.expectedTests ?? null,
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
export async function negativeRoundsCompletedAt(
  ex: Executor,
  unit: { unit: string; target_id: string; area_path: string },
  since: number,
): Promise<number[]> {
  const rounds = await store.closedRoundsCovering(ex, unit.area_path);
  if (rounds.length === 0) return [];
  const where =
    unit.unit === 'building'
      ? { householdIds: await householdIdsOfBuilding(ex, unit.target_id) }
      : { areaPath: unit.area_path };
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
    const area = await areaById(trx, body.areaId);
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
    const now = s.clock.now();
    const row: TestingSiteTable = {
      id: newId(now),
      area_id: area.id,
      area_path: area.path,
      name: body.name.trim(),
      address: body.address?.trim() ?? '',
      kind: body.kind ?? 'ordinary',
      created_at: now,
    };
    await sites.insertSite(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'testing.site.create',
      objectType: 'testing_site',
      objectId: row.id,
      detail: { areaId: area.id, name: row.name, kind: row.kind },
    });
    return {
      id: row.id,
      areaId: area.id,
      areaName: area.name,
      name: row.name,
      address: row.address,
      kind: row.kind as SiteKind,
      tables: [],
    };
  });
}

export async function listSites(
  s: Services,
  actor: Actor,
  areaId: string | undefined,
  paging: Paging,
): Promise<Page<SiteView>> {
  assertCan(actor, 'testing.view');
  const path = await listingScope(s.db, actor, areaId);
  const { rows, tables, total } = await sites.sitesUnder(s.db, path, paging);
  return {
    items: rows.map((r) => ({
      id: r.id,
      areaId: r.area_id,
      areaName: r.area_name,
      name: r.name,
      address: r.address,
      kind: r.kind as SiteKind,
      tables: tables.filter((t) => t.site_id === r.id).map((t) => ({ id: t.id, siteId: t.site_id, name: t.name })),
    })),
    total,
    ...paging,
  };
}

export async function createTable(
  s: Services,
  actor: Actor,
  siteId: string,
  name: string,
): Promise<{ id: string; siteId: string; name: string }> {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    const site = await sites.siteById(trx, siteId);
    if (!site) throw new AppError('SITE_NOT_FOUND');
    assertInScope(actor, site.area_path);
    const now = s.clock.now();
    const id = newId(now);
    await sites.insertTable(trx, { id, site_id: siteId, name: name.trim(), created_at: now });
    await s.audit(trx, auditActor(actor), {
      action: 'testing.table.create',
      objectType: 'testing_table',
      objectId: id,
      detail: { siteId, name },
    });
    return { id, siteId, name: name.trim() };
  });
}

function staffView(r: TestingStaffTable & { display_name: string }) {
  return {
    id: r.id,
    roundId: r.round_id,
    userId: r.user_id,
    displayName: r.display_name,
    siteId: r.site_id,
    tableId: r.table_id,
    duty: r.duty as StaffDuty,
  };
}

export async function addStaff(s: Services, actor: Actor, roundId: string, body: StaffCreateBody) {
  assertCan(actor, 'testing.round');
  return s.db.transaction().execute(async (trx) => {
    await roundOrThrow(trx, roundId);
    assertRoundWritable(actor, await store.roundAreas(trx, [roundId]));
    const user = await userById(trx, body.userId);
    // An account outside the planner's area is as unknown to them as one that does not exist.
    if (!user || !user.area_path.startsWith(actor.areaPath)) throw new AppError('STAFF_USER_NOT_FOUND');
    if (user.disabled || !isRole(user.role) || user.role === 'resident')
      throw new AppError('STAFF_USER_NOT_ASSIGNABLE', { username: user.username });
    if (!dutyFits(user.role, body.duty))
      throw new AppError('STAFF_ROLE_UNFIT', { username: user.username, role: user.role, duty: body.duty });
    let siteId = body.siteId ?? null;
    if (body.tableId) {
      const t = await sites.tableWithSite(trx, body.tableId);
      if (!t) throw new AppError('TABLE_NOT_FOUND');
      assertInScope(actor, t.area_path);
      siteId = t.site_id;
    } else if (siteId) {
      const site = await sites.siteById(trx, siteId);
      if (!site) throw new AppError('SITE_NOT_FOUND');
      assertInScope(actor, site.area_path);
    }
    if (await sites.staffAssigned(trx, { roundId, userId: user.id, duty: body.duty, tableId: body.tableId ?? null }))
      throw new AppError('STAFF_ALREADY_ASSIGNED', { username: user.display_name });
    const now = s.clock.now();
    const row: TestingStaffTable = {
      id: newId(now),
      round_id: roundId,
      user_id: user.id,
      site_id: siteId,
      table_id: body.tableId ?? null,
      duty: body.duty,
      created_at: now,
    };
    await sites.insertStaff(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'testing.staff.add',
      objectType: 'testing_staff',
      objectId: row.id,
      detail: { roundId, userId: user.id, siteId, tableId: row.table_id, duty: row.duty },
    });
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
  const rows = await activeUsersUnder(s.db, path, roles, (query.q ?? '').trim(), query.limit ?? 20);
  const duties = await sites.staffDutiesOf(
    s.db,
    roundId,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      userId: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      areaId: r.area_id,
      areaName: r.area_name,
      duties: (duties.get(r.id) ?? []) as StaffDuty[],
    })),
  };
}

export async function listStaff(s: Services, actor: Actor, roundId: string) {
  assertCan(actor, 'testing.view');
  await roundOrThrow(s.db, roundId);
  assertRoundInScope(actor, await store.roundAreas(s.db, [roundId]));
  const rows = await sites.staffOfRound(s.db, roundId);
  const names = await displayNames(
    s.db,
    rows.map((r) => r.user_id),
  );
  return {
    items: rows
      .filter((r) => names.has(r.user_id))
      .map((r) => staffView({ ...r, display_name: names.get(r.user_id)! })),
  };
}

export async function removeStaff(s: Services, actor: Actor, roundId: string, staffId: string): Promise<void> {
  assertCan(actor, 'testing.round');
  await s.db.transaction().execute(async (trx) => {
    await roundOrThrow(trx, roundId);
    assertRoundWritable(actor, await store.roundAreas(trx, [roundId]));
    if (!(await sites.deleteStaff(trx, roundId, staffId))) throw new AppError('STAFF_NOT_FOUND');
    await s.audit(trx, auditActor(actor), {
      action: 'testing.staff.remove',
      objectType: 'testing_staff',
      objectId: staffId,
      detail: { roundId },
    });
  });
}

export async function myAssignments(s: Services, actor: Actor) {
  assertCan(actor, 'testing.view');
  const rows = await sites.assignmentsOf(s.db, actor.userId);
  const now = s.clock.now();
  return {
    items: rows.map((r) => ({
      roundId: r.round_id,
      roundName: r.round_name,
      roundStatus: roundStatus(
        { starts_at: Number(r.starts_at), deadline_at: Number(r.deadline_at), closed_at: r.closed_at },
        now,
      ),
      siteId: r.site_id,
      siteName: r.site_name,
      tableId: r.table_id,
      tableName: r.table_name,
      duty: r.duty as StaffDuty,
    })),
  };
}
