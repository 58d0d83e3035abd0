// Suspected-positive pools (混管可疑阳性 — never a case) and the one-click report (一键即报): in one
// transaction the emergency sampling squad, each member's community and the public-security contact are
// notified (an outbox, nothing sent from here), every member is put under in-place control through the
// health facts, and one single-tube home re-sampling task per member goes on the squad's list. When
// every re-test is negative the control is lifted at once; a positive single tube becomes a case.
import type { Actor } from '../access/access.rules.ts';
import type {
  Executor,
  TestingNotificationTable,
  TestingPoolTable,
  TestingTaskTable,
  TestingTubeTable,
  Tx,
} from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import type { AuditActor } from '../platform/audit.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { basisOf, recordResults, type PoolFact } from './testing.health.ts';
import { testingPolicy } from './testing.policy.ts';
import {
  poolAge,
  releaseDecision,
  type LabResult,
  type NotificationKind,
  type PoolStatus,
  type TaskKind,
  type TaskStatus,
} from './testing.rules.ts';
import type { PoolView, TaskView } from './testing.schema.ts';
import { roundChanged } from './testing.service.ts';
import * as store from './testing.store.ts';
import * as poolStore from './testing.pools.store.ts';
import { areasByCodes, areasByIds } from '../db/sql.ts';
import { personHomes } from '../registry/registry.store.ts';
import { listingScope } from '../access/access.scope.ts';
import { inScope } from '../access/access.rules.ts';

const HOUR = 3_600_000;
const targetMs = () => testingPolicy().retestTargetHours * HOUR;
/** The hours within which a suspected-positive pool is to be settled (rules/testing.json: the command wall's target). */
export const poolTargetHours = (): number => testingPolicy().retestTargetHours;

// ---- views --------------------------------------------------------------------------------------
//
// Who reads what: a pool (its tube, counts and status) is read by the area it was sampled in and by
// every area one of its members lives in; a member is read as a row only inside the area they live in.
// Everyone else's members are a count: membersOutside, "n members outside your area".

/**
 * The views of the pools for a reader whose scope is `readerPath` (membersOutside counts the members
 * living outside it); without a reader (the system, a lab upload) every member counts as inside.
 */
export async function poolViews(
  s: Services,
  ex: Executor,
  pools: TestingPoolTable[],
  readerPath = '',
): Promise<PoolView[]> {
  if (!pools.length) return [];
  const counts = await poolStore.taskCounts(
    ex,
    pools.map((p) => p.id),
  );
  const outside = readerPath
    ? await poolStore.membersOutside(
        ex,
        pools.map((p) => p.tube_id),
        readerPath,
      )
    : new Map<string, number>();
  const tubes = new Map(
    (
      await poolStore.poolTubes(
        ex,
        pools.map((p) => p.id),
      )
    ).map((t) => [t.id, t]),
  );
  const areaNames = new Map(
    (
      await areasByIds(
        ex,
        pools.map((p) => p.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  const now = s.clock.now();
  return pools.map((p) => {
    const c = counts.get(p.id) ?? {};
    const total = Object.values(c).reduce((a, n) => a + n, 0);
    const pending = c.open ?? 0;
    const sampled = total - pending - (c.cancelled ?? 0);
    const everyoneSampled = total > 0 && pending === 0;
    const { ageMs, overdue } = poolAge(
      { detected_at: Number(p.detected_at), closed_at: p.closed_at === null ? null : Number(p.closed_at) },
      now,
      targetMs(),
      everyoneSampled,
    );
    const t = tubes.get(p.id);
    return {
      id: p.id,
      roundId: p.round_id,
      tubeId: p.tube_id,
      barcode: t?.barcode ?? '',
      areaId: p.area_id,
      areaName: areaNames.get(p.area_id) ?? '',
      siteName: t?.site_name ?? null,
      members: Number(p.members),
      membersOutside: outside.get(p.tube_id) ?? 0,
      status: p.status as PoolStatus,
      detectedAt: Number(p.detected_at),
      reportedAt: p.reported_at === null ? null : Number(p.reported_at),
      releasedAt: p.status === 'released' && p.closed_at !== null ? Number(p.closed_at) : null,
      ageMs,
      targetMs: targetMs(),
      overdue,
      retests: { total, sampled, negative: c.negative ?? 0, positive: c.positive ?? 0, pending },
    };
  });
}

async function taskViews(ex: Executor, tasks: TestingTaskTable[]): Promise<TaskView[]> {
  if (!tasks.length) return [];
  const people = await personHomes(
    ex,
    tasks.map((t) => t.person_id),
  );
  const byPerson = new Map(people.map((p) => [p.id, p]));
  const barcodes = await store.barcodesOf(
    ex,
    tasks.map((t) => t.tube_id).filter((x): x is string => !!x),
  );
  return tasks.map((t) => {
    const p = byPerson.get(t.person_id);
    const address = p
      ? p.building_name
        ? [p.building_name, p.unit && unitLabel(p.unit), p.door].filter(Boolean).join(' ')
        : (p.address ?? '')
      : '';
    return {
      id: t.id,
      kind: t.kind as TaskKind,
      roundId: t.round_id,
      poolId: t.pool_id,
      personId: t.person_id,
      maskedName: p ? maskName(p.name) : '',
      address,
      areaId: t.area_id,
      areaName: p?.area_name ?? '',
      status: t.status as TaskStatus,
      createdAt: Number(t.created_at),
      sampledAt: t.sampled_at === null ? null : Number(t.sampled_at),
      tubeId: t.tube_id,
      barcode: t.tube_id ? (barcodes.get(t.tube_id) ?? null) : null,
      resultAt: t.result_at === null ? null : Number(t.result_at),
      caseId: t.case_id,
    };
  });
}

/** A unit as written on a door list: rosters store "2" or "2单元"; both read 2单元. */
export function unitLabel(unit: string): string {
  return unit.endsWith('单元') ? unit : `${unit}单元`;
}

async function poolInScope(ex: Executor, actor: Actor, id: string): Promise<TestingPoolTable> {
  const pool = await poolStore.poolById(ex, id);
  if (!pool) throw new AppError('POOL_NOT_FOUND');
  assertInScope(actor, pool.area_path);
  return pool;
}

/** A pool the actor may read: sampled in their area, or with a member living in it (else OUT_OF_SCOPE). */
async function poolReadable(ex: Executor, actor: Actor, id: string): Promise<TestingPoolTable> {
  const pool = await poolStore.poolById(ex, id);
  if (!pool) throw new AppError('POOL_NOT_FOUND');
  if (!inScope(actor.areaPath, pool.area_path) && !(await poolStore.hasMemberWithin(ex, pool.tube_id, actor.areaPath)))
    throw new AppError('OUT_OF_SCOPE');
  return pool;
}

// ---- detection and report -----------------------------------------------------------------------

export function newPool(
  tube: Pick<TestingTubeTable, 'id' | 'round_id' | 'area_id' | 'area_path' | 'member_count'>,
  detectedAt: number,
): TestingPoolTable {
  return {
    id: `pool_${tube.id}`,
    tube_id: tube.id,
    round_id: tube.round_id,
    area_id: tube.area_id,
    area_path: tube.area_path,
    status: 'detected',
    members: Number(tube.member_count),
    detected_at: detectedAt,
    reported_at: null,
    reported_by_name: null,
    closed_at: null,
  };
}

/** The communities of areas by their paths: the ancestor of level community named in each path. */
async function communitiesOf(ex: Executor, paths: string[]): Promise<Map<string, { id: string; name: string }>> {
  const codes = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))];
  const communities = (await areasByCodes(ex, codes)).filter((a) => a.level === 'community');
  const out = new Map<string, { id: string; name: string }>();
  for (const path of paths) {
    const c = communities.find((a) => path.startsWith(a.path));
    if (c) out.set(path, { id: c.id, name: c.name });
  }
  return out;
}

export interface ReportOutcome {
  alreadyReported: boolean;
  controlled: number;
  colourChanges: number;
  pendingApprovalId: string | null;
}

/**
 * The one-click report inside the caller's transaction: notifications, in-place control of every
 * member (fact pooled_positive_pending_retest, source the pool) and one re-sampling task each.
 */
export async function reportPoolTx(
  s: Services,
  trx: Tx,
  actor: AuditActor,
  actorName: string,
  pool: TestingPoolTable,
  note: string | null,
): Promise<ReportOutcome> {
  if (pool.status === 'reported')
    return { alreadyReported: true, controlled: 0, colourChanges: 0, pendingApprovalId: null };
  if (pool.status !== 'detected') throw new AppError('POOL_CLOSED');
  return (await reportPoolsTx(s, trx, actor, actorName, [pool], note)).get(pool.id)!;
}

/**
 * The one-click report of several detected pools at once (a lab upload reporting its positive pools):
 * the same rows as reporting each in turn — notifications, tasks, each pool's audit event — with the
 * reads, inserts and the members' in-place control grouped, one recolouring for all of them (each
 * member's history row names their pool in its reasons).
 */
export async function reportPoolsTx(
  s: Services,
  trx: Tx,
  actor: AuditActor,
  actorName: string,
  pools: readonly TestingPoolTable[],
  note: string | null,
): Promise<Map<string, ReportOutcome>> {
  const out = new Map<string, ReportOutcome>();
  if (!pools.length) return out;
  const now = s.clock.now();
  const barcodes = await store.barcodesOf(
    trx,
    pools.map((p) => p.tube_id),
  );
  const allMembers = await poolStore.poolMembersWithHomes(
    trx,
    pools.map((p) => p.tube_id),
  );
  const membersOf = new Map<string, typeof allMembers>();
  for (const m of allMembers) {
    const list = membersOf.get(m.tube_id);
    if (list) list.push(m);
    else membersOf.set(m.tube_id, [m]);
  }
  const policy = testingPolicy();
  const communities = await communitiesOf(
    trx,
    allMembers.map((m) => m.path),
  );
  const notices: TestingNotificationTable[] = [];
  const tasks: TestingTaskTable[] = [];
  const facts: PoolFact[] = [];
  for (const pool of pools) {
    const barcode = barcodes.get(pool.tube_id)!;
    const members = membersOf.get(pool.tube_id) ?? [];
    const payload = JSON.stringify({
      poolId: pool.id,
      barcode,
      roundId: pool.round_id,
      members: members.length,
      areaId: pool.area_id,
      detectedAt: Number(pool.detected_at),
      note,
    });
    const mine = new Map(
      members
        .map((m) => communities.get(m.path))
        .filter((c): c is { id: string; name: string } => !!c)
        .map((c) => [c.id, c]),
    );
    notices.push(
      {
        id: `${pool.id}_squad`,
        pool_id: pool.id,
        kind: 'squad',
        recipient: policy.notify.squad,
        area_id: pool.area_id,
        payload,
        status: 'recorded',
        created_at: now,
      },
      ...[...mine.values()].map((c) => ({
        id: `${pool.id}_c_${c.id}`,
        pool_id: pool.id,
        kind: 'community',
        recipient: c.name,
        area_id: c.id,
        payload,
        status: 'recorded',
        created_at: now,
      })),
      {
        id: `${pool.id}_police`,
        pool_id: pool.id,
        kind: 'police',
        recipient: policy.notify.police,
        area_id: pool.area_id,
        payload,
        status: 'recorded',
        created_at: now,
      },
    );
    tasks.push(
      ...members.map((m, i) => ({
        id: `${pool.id}_t${String(i).padStart(2, '0')}`,
        kind: 'retest',
        round_id: pool.round_id,
        pool_id: pool.id,
        person_id: m.person_id,
        area_id: m.area_id,
        area_path: m.path,
        status: 'open',
        tube_id: null,
        sampled_at: null,
        result_at: null,
        case_id: null,
        case_error: null,
        created_at: now,
        updated_at: now,
      })),
    );
    facts.push(
      ...members.map((m) => ({
        personId: m.person_id,
        kind: 'pooled_positive_pending_retest' as const,
        since: now,
        source: { type: 'pool' as const, id: pool.id },
        detail: { barcode, roundId: pool.round_id, sampledAt: Number(m.sampled_at) },
      })),
    );
  }
  await poolStore.insertNotifications(trx, notices);
  await poolStore.insertTasks(trx, tasks);
  let changed = new Set<string>();
  let pendingApprovalId: string | null = null;
  const health = s.ports.testingHealth;
  if (health) {
    const names = pools.map((p) => barcodes.get(p.tube_id)!);
    const basis =
      names.length === 1
        ? basisOf('pool_positive', { barcode: names[0]! })
        : basisOf('pools_positive', {
            count: names.length,
            barcodes: `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
          });
    const outcome = await health.addFacts(s, trx, facts, { actor, ...basis });
    if (outcome.applied) changed = new Set(outcome.changes.map((c) => c.personId));
    else pendingApprovalId = outcome.pendingApprovalId;
  }
  await poolStore.markPoolsReported(
    trx,
    pools.map((p) => p.id),
    now,
    actorName,
  );
  for (const pool of pools) {
    const members = membersOf.get(pool.tube_id) ?? [];
    const colourChanges = members.filter((m) => changed.has(m.person_id)).length;
    const mine = notices.filter((n) => n.pool_id === pool.id);
    await s.audit(trx, actor, {
      action: 'testing.pool.report',
      objectType: 'testing_pool',
      objectId: pool.id,
      detail: {
        barcode: barcodes.get(pool.tube_id)!,
        roundId: pool.round_id,
        members: members.length,
        notifications: mine.map((n) => ({ kind: n.kind, recipient: n.recipient })),
        tasks: members.length,
        colourChanges,
        pendingApprovalId,
        note,
      },
    });
    out.set(pool.id, { alreadyReported: false, controlled: members.length, colourChanges, pendingApprovalId });
  }
  return out;
}

export async function reportPool(s: Services, actor: Actor, id: string, note: string | undefined) {
  assertCan(actor, 'testing.report');
  const result = await s.db.transaction().execute(async (trx) => {
    const pool = await poolInScope(trx, actor, id);
    const outcome = await reportPoolTx(s, trx, auditActor(actor), actor.displayName, pool, note ?? null);
    const [view] = await poolViews(s, trx, [(await poolStore.poolById(trx, id))!], actor.areaPath);
    return { pool: view!, ...outcome };
  });
  roundChanged(s, result.pool.roundId, 'pool', { poolId: id, status: result.pool.status });
  return result;
}

// ---- re-test results ----------------------------------------------------------------------------

/**
 * Pools whose re-tests just came back: all negative → control lifted at once (endFacts) and the pool
 * released; any positive → the pool closes as case_found (the case itself is registered by the caller).
 */
export async function settlePools(
  s: Services,
  trx: Tx,
  poolIds: string[],
  actor: AuditActor,
): Promise<{ released: string[]; caseFound: string[] }> {
  const released: string[] = [];
  const caseFound: string[] = [];
  if (!poolIds.length) return { released, caseFound };
  const statuses = await poolStore.taskStatusesOfPools(trx, poolIds);
  const now = s.clock.now();
  const health = s.ports.testingHealth;
  for (const id of poolIds) {
    const pool = await poolStore.poolById(trx, id);
    if (!pool || (pool.status !== 'reported' && pool.status !== 'detected')) continue;
    const decision = releaseDecision(statuses.get(id) ?? []);
    if (decision === 'release') {
      if (health)
        await health.endFacts(
          s,
          trx,
          { sourceType: 'pool', sourceId: id, kind: 'pooled_positive_pending_retest' },
          now,
          { actor, ...basisOf('pool_retests_negative', { poolId: id }) },
        );
      await poolStore.closePool(trx, id, 'released', now);
      await s.audit(trx, actor, {
        action: 'testing.pool.release',
        objectType: 'testing_pool',
        objectId: id,
        detail: { retests: (statuses.get(id) ?? []).length },
      });
      released.push(id);
    } else if (decision === 'case_found') {
      await poolStore.closePool(trx, id, 'case_found', now);
      await s.audit(trx, actor, {
        action: 'testing.pool.case_found',
        objectType: 'testing_pool',
        objectId: id,
        detail: {},
      });
      caseFound.push(id);
    }
  }
  return { released, caseFound };
}

// ---- lists --------------------------------------------------------------------------------------

export async function listPools(
  s: Services,
  actor: Actor,
  q: { roundId?: string; status?: string },
  paging: { limit: number; offset: number },
): Promise<Page<PoolView>> {
  assertCan(actor, 'testing.view');
  const { rows, total } = await poolStore.readablePools(
    s.db,
    actor.areaPath,
    { roundId: q.roundId, status: q.status ?? 'open' },
    paging,
  );
  return { items: await poolViews(s, s.db, rows, actor.areaPath), total, ...paging };
}

export async function commandPools(s: Services, actor: Actor, roundId: string | undefined) {
  assertCan(actor, 'testing.report');
  const pools = await poolStore.openReadablePools(s.db, actor.areaPath, roundId, 1000);
  const items = await poolViews(s, s.db, pools, actor.areaPath);
  return {
    targetMs: targetMs(),
    items,
    notReSampled: items.reduce((a, p) => a + p.retests.pending + (p.status === 'detected' ? p.members : 0), 0),
  };
}

export async function getPool(s: Services, actor: Actor, id: string) {
  assertCan(actor, 'testing.view');
  const pool = await poolReadable(s.db, actor, id);
  const [view] = await poolViews(s, s.db, [pool], actor.areaPath);
  // Rows only for the members living in the reader's area; the others are view.membersOutside.
  const inTube = await poolStore.tubeMembersInOrder(s.db, pool.tube_id);
  const homes = new Map(
    (
      await personHomes(
        s.db,
        inTube.map((m) => m.person_id),
      )
    ).map((p) => [p.id, p]),
  );
  const members = inTube
    .map((m) => homes.get(m.person_id))
    .filter((p): p is NonNullable<typeof p> => !!p && inScope(actor.areaPath, p.area_path));
  const memberIds = members.map((m) => m.id);
  const tasks = await poolStore.tasksOfPool(s.db, id, memberIds);
  const tviews = new Map((await taskViews(s.db, tasks)).map((t) => [t.personId, t]));
  const results = new Map(
    (
      await store.resultsOf(
        s.db,
        tasks.map((t) => t.tube_id).filter((x): x is string => !!x),
      )
    ).map((r) => [r.tube_id, r.result]),
  );
  // A community's notice is read by that community (and above); the squad's and the police's by every reader.
  const notifications = (await poolStore.poolNotifications(s.db, id)).filter(
    (n) => n.area_path === null || inScope(actor.areaPath, n.area_path),
  );
  await s.audit(s.db, auditActor(actor), {
    action: 'testing.pool.read',
    objectType: 'testing_pool',
    objectId: id,
    detail: { members: members.length, membersOutside: view!.membersOutside },
  });
  return {
    pool: view!,
    members: members.map((m) => {
      const t = tviews.get(m.id);
      return {
        personId: m.id,
        maskedName: maskName(m.name),
        address: t?.address ?? '',
        taskId: t?.id ?? null,
        taskStatus: t?.status ?? null,
        sampledAt: t?.sampledAt ?? null,
        result: (t?.tubeId ? (results.get(t.tubeId) ?? null) : null) as LabResult | null,
      };
    }),
    notifications: notifications.map((n) => ({
      id: n.id,
      kind: n.kind as NotificationKind,
      recipient: n.recipient,
      areaId: n.area_id,
      createdAt: Number(n.created_at),
      status: n.status,
    })),
  };
}

// ---- tasks --------------------------------------------------------------------------------------

export async function listTasks(
  s: Services,
  actor: Actor,
  q: { roundId?: string; kind?: string; status?: string; areaId?: string },
  paging: { limit: number; offset: number },
): Promise<Page<TaskView>> {
  assertCan(actor, 'testing.view');
  const path = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await poolStore.tasksUnder(
    s.db,
    path,
    { roundId: q.roundId, kind: q.kind, status: q.status ?? 'open' },
    paging,
  );
  return { items: await taskViews(s.db, rows), total, ...paging };
}

/** A task done at home: one closed single tube with that person, ready to box. */
export async function sampleTaskTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  taskId: string,
  barcode: string,
  at: number,
): Promise<TaskView> {
  const [task] = await poolStore.tasksByIds(trx, [taskId]);
  if (!task) throw new AppError('TASK_NOT_FOUND');
  assertInScope(actor, task.area_path);
  if (task.status !== 'open') throw new AppError('TASK_NOT_OPEN');
  if (await store.tubeByBarcode(trx, barcode)) throw new AppError('TUBE_BARCODE_TAKEN', { barcode });
  const [person] = await personHomes(trx, [task.person_id]);
  if (!person) throw new Error(`task ${task.id}: person ${task.person_id} is not registered`);
  const tubeId = newId(s.clock.now());
  await store.insertTube(trx, {
    id: tubeId,
    round_id: task.round_id,
    barcode,
    site_id: null,
    table_id: null,
    area_id: task.area_id,
    area_path: task.area_path,
    mode: task.kind === 'retest' ? 'retest' : 'single',
    capacity: 1,
    control_level: task.kind === 'retest' ? 'key_group' : 'sealed',
    status: 'closed',
    member_count: 1,
    opened_at: at,
    opened_by: actor.userId,
    opened_by_name: actor.displayName,
    closed_at: at,
    closed_by_name: actor.displayName,
    box_id: null,
    task_id: task.id,
    rules_version: testingPolicy().version,
  });
  await store.insertTubeMember(trx, {
    tube_id: tubeId,
    person_id: task.person_id,
    round_id: task.round_id,
    household_id: person.household_id,
    sampled_at: at,
  });
  await poolStore.markTaskSampled(trx, task.id, tubeId, at, s.clock.now());
  await s.audit(trx, auditActor(actor), {
    action: 'testing.task.sample',
    objectType: 'testing_task',
    objectId: task.id,
    detail: { barcode, personId: task.person_id, poolId: task.pool_id },
  });
  const [updated] = await poolStore.tasksByIds(trx, [task.id]);
  return (await taskViews(trx, [updated!]))[0]!;
}

export { recordResults };
