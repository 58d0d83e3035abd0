// Coverage of a round per district, street, community, grid and building — target, sampled, resulted,
// positive pools (where their members live), missing, against the previous round — from grouped queries
// over the registry per view; the door-knock list of a building (people not yet sampled, masked) and the visit marks of the
// grid worker (a bedridden person gets a home-sampling task on the squad's list), and the home-sampling
// tasks other modules ask for (a quarantine order's test day at home).
import type { Actor } from '../access/access.rules.ts';
import type { TestingTaskTable, TestingVisitTable, Tx } from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId, sha256 } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Services } from '../services.ts';
import { areaById, areasByIds, areasUnder, type AreaRef } from '../db/sql.ts';
import { ageOn } from '../registry/registry.rules.ts';
import { todayOf } from '../registry/registry.service.ts';
import { compareDoors, refusesSamplesAt, type VisitOutcome } from './testing.rules.ts';
import type { CoverageView, VisitView } from './testing.schema.ts';
import * as store from './testing.store.ts';
import * as coverageStore from './testing.coverage.store.ts';
import { insertTasks, insertTasksOnce, openHomeTask } from './testing.pools.store.ts';
import { buildingById, buildingNames, personCountOfBuilding, personHomes } from '../registry/registry.store.ts';

interface Figures {
  target: number;
  sampled: number;
  resulted: number;
  positivePools: number;
}
interface PrevFigures {
  target: number;
  sampled: number;
  positivePools: number;
}

const rate = (sampled: number, target: number) => (target === 0 ? 0 : sampled / target);

function finish(f: Figures, prev: PrevFigures | null) {
  return {
    ...f,
    missing: Math.max(0, f.target - f.sampled),
    rate: rate(f.sampled, f.target),
    previous: prev
      ? { ...prev, missing: Math.max(0, prev.target - prev.sampled), rate: rate(prev.sampled, prev.target) }
      : null,
  };
}

async function roundFor(s: Services, actor: Actor, roundId: string) {
  const round = await store.roundById(s.db, roundId);
  if (!round) throw new AppError('ROUND_NOT_FOUND');
  const areas = await store.roundAreas(s.db, [roundId]);
  if (!areas.some((a) => a.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(a.area_path)))
    throw new AppError('OUT_OF_SCOPE');
  return { round, areas };
}

/** A row of the view: an area (its subtree) or a building (with the grid's people outside any building as null). */
interface RowKey {
  areaId: string | null;
  buildingId: string | null;
  name: string;
  level: string;
  holds: (place: { areaPath: string; buildingId: string | null }) => boolean;
}

/**
 * Rows are the children of the area (default: the round's outermost areas, or the viewer's own area
 * when it lies inside one); an area without child areas (a grid) is shown by building. Each row counts
 * the people living there — target, sampled, resulted — and the positive pools with a member living
 * there: a pool with members in two grids counts in both, and once in their community and the totals.
 * The previous round is taken over the same people, where it went (null where it did not).
 */
export async function coverage(
  s: Services,
  actor: Actor,
  roundId: string,
  areaId: string | undefined,
): Promise<CoverageView> {
  assertCan(actor, 'testing.view');
  const { round, areas } = await roundFor(s, actor, roundId);
  let area: AreaRef | null = null;
  if (areaId) {
    area = (await areaById(s.db, areaId)) ?? null;
    if (!area) throw new AppError('AREA_NOT_FOUND');
    assertInScope(actor, area.path);
  }
  const top = areas
    .filter((a) => !areas.some((b) => b !== a && a.area_path.startsWith(b.area_path) && a.area_path !== b.area_path))
    .filter((a) => a.area_path.startsWith(actor.areaPath) || actor.areaPath.startsWith(a.area_path));
  // The subtree queried: the area, or the common scope of the round's areas.
  const basePath = area ? area.path : top.length === 1 ? top[0]!.area_path : actor.areaPath;
  const scopePath = basePath.startsWith(actor.areaPath) ? basePath : actor.areaPath;

  let rowAreas: AreaRef[] = [];
  let byBuilding = false;
  if (area) {
    const subtree = await areasUnder(s.db, area.path);
    rowAreas = subtree.filter((a) => a.parent_id === area!.id);
    byBuilding = rowAreas.length === 0;
  } else {
    // A viewer inside a round area starts at their own area, not at the whole round area.
    const ids = top.map((a) =>
      actor.areaPath.startsWith(a.area_path) && actor.areaPath !== a.area_path ? actor.areaId : a.area_id,
    );
    rowAreas = await areasByIds(s.db, [...new Set(ids)]);
  }
  rowAreas.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const inRound = (path: string) => areas.some((a) => path.startsWith(a.area_path));
  const prevAreas = round.previous_round_id ? await store.roundAreas(s.db, [round.previous_round_id]) : [];
  const inPrev = (path: string) => prevAreas.some((a) => path.startsWith(a.area_path));
  const leaves = (await coverageStore.coverageLeaves(s.db, roundId, scopePath, byBuilding)).filter((l) =>
    inRound(l.areaPath),
  );
  const pools = (await coverageStore.positivePoolPlaces(s.db, roundId, scopePath, byBuilding)).filter((p) =>
    inRound(p.areaPath),
  );
  const prev = round.previous_round_id
    ? {
        leaves: (await coverageStore.coverageLeaves(s.db, round.previous_round_id, scopePath, byBuilding)).filter(
          (l) => inRound(l.areaPath) && inPrev(l.areaPath),
        ),
        pools: (await coverageStore.positivePoolPlaces(s.db, round.previous_round_id, scopePath, byBuilding)).filter(
          (p) => inRound(p.areaPath) && inPrev(p.areaPath),
        ),
      }
    : null;

  const keys: RowKey[] = [];
  if (byBuilding) {
    const ids = [...new Set(leaves.map((l) => l.buildingId).filter((k): k is string => !!k))];
    const names = new Map((await buildingNames(s.db, ids)).map((b) => [b.id, b.name]));
    for (const b of [...new Set(leaves.map((l) => l.buildingId))]) {
      keys.push({
        areaId: null,
        buildingId: b,
        name: b ? (names.get(b) ?? '') : '—',
        level: 'building',
        holds: (x) => x.buildingId === b,
      });
    }
  } else {
    for (const a of rowAreas)
      keys.push({
        areaId: a.id,
        buildingId: null,
        name: a.name,
        level: a.level,
        holds: (x) => x.areaPath.startsWith(a.path),
      });
  }

  const rows: CoverageView['rows'] = [];
  const allPools = new Set<string>();
  const allPrevPools = new Set<string>();
  const totals: Figures = { target: 0, sampled: 0, resulted: 0, positivePools: 0 };
  const prevTotals: PrevFigures = { target: 0, sampled: 0, positivePools: 0 };
  let anyPrev = false;
  for (const k of keys) {
    const f: Figures = { target: 0, sampled: 0, resulted: 0, positivePools: 0 };
    for (const l of leaves)
      if (k.holds(l)) {
        f.target += l.target;
        f.sampled += l.sampled;
        f.resulted += l.resulted;
      }
    const own = new Set(pools.filter((p) => k.holds(p)).map((p) => p.poolId));
    f.positivePools = own.size;
    for (const id of own) allPools.add(id);
    let pf: PrevFigures | null = null;
    // Where the previous round went: any of its areas inside the row, or the row inside one of its areas.
    const rowPath = k.areaId ? rowAreas.find((a) => a.id === k.areaId)!.path : area!.path;
    if (prev && prevAreas.some((a) => a.area_path.startsWith(rowPath) || rowPath.startsWith(a.area_path))) {
      pf = { target: 0, sampled: 0, positivePools: 0 };
      for (const l of prev.leaves)
        if (k.holds(l)) {
          pf.target += l.target;
          pf.sampled += l.sampled;
        }
      const prevOwn = new Set(prev.pools.filter((p) => k.holds(p)).map((p) => p.poolId));
      pf.positivePools = prevOwn.size;
      for (const id of prevOwn) allPrevPools.add(id);
      prevTotals.target += pf.target;
      prevTotals.sampled += pf.sampled;
      anyPrev = true;
    }
    totals.target += f.target;
    totals.sampled += f.sampled;
    totals.resulted += f.resulted;
    rows.push({ ...finish(f, pf), areaId: k.areaId, buildingId: k.buildingId, name: k.name, level: k.level });
  }
  totals.positivePools = allPools.size;
  prevTotals.positivePools = allPrevPools.size;
  return {
    round: { id: round.id, name: round.name, previousRoundId: round.previous_round_id },
    area: area ? { id: area.id, name: area.name, level: area.level } : null,
    totals: finish(totals, anyPrev ? prevTotals : null),
    rows,
  };
}

function visitView(v: TestingVisitTable): VisitView {
  return {
    id: v.id,
    personId: v.person_id,
    outcome: v.outcome as VisitOutcome,
    note: v.note,
    at: Number(v.at),
    by: v.by_name,
    taskId: v.task_id,
  };
}

/** The door-knock list: people of the building not yet sampled in the round, masked, with their last visit. */
export async function doorKnock(s: Services, actor: Actor, roundId: string, buildingId: string) {
  assertCan(actor, 'testing.doorknock');
  await roundFor(s, actor, roundId);
  const building = await buildingById(s.db, buildingId);
  if (!building) throw new AppError('BUILDING_NOT_FOUND');
  assertInScope(actor, building.area_path);
  const people = await coverageStore.unsampledInBuilding(s.db, roundId, buildingId);
  const target = await personCountOfBuilding(s.db, buildingId);
  const visits = await coverageStore.lastVisits(
    s.db,
    roundId,
    people.map((p) => p.id),
  );
  const today = todayOf(s);
  const households = new Map<
    string,
    {
      householdId: string | null;
      unit: string;
      door: string;
      people: Array<{
        personId: string;
        maskedName: string;
        age: number | null;
        careTags: string[];
        lastVisit: VisitView | null;
      }>;
    }
  >();
  for (const p of people) {
    const h = households.get(p.household_id) ?? { householdId: p.household_id, unit: p.unit, door: p.door, people: [] };
    const careTags = (['elderly_alone', 'bedridden', 'pregnant', 'dialysis', 'no_smartphone'] as const).filter(
      (k) => p[k] === 1,
    );
    const v = visits.get(p.id);
    h.people.push({
      personId: p.id,
      maskedName: maskName(p.name),
      age: ageOn(p.birth_date, today),
      careTags,
      lastVisit: v ? visitView(v) : null,
    });
    households.set(p.household_id, h);
  }
  await s.audit(s.db, auditActor(actor), {
    action: 'testing.doorknock.read',
    objectType: 'building',
    objectId: buildingId,
    detail: { roundId, people: people.length },
  });
  return {
    building: { id: building.id, name: building.name, address: building.address, areaId: building.area_id },
    target,
    missing: people.length,
    households: [...households.values()].sort(compareDoors),
  };
}

export async function visitTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  roundId: string,
  body: { personId: string; outcome: string; note?: string },
  at: number,
): Promise<VisitView> {
  const round = await store.roundById(trx, roundId);
  if (!round) throw new AppError('ROUND_NOT_FOUND');
  // Like the sampler's operations: a mark made before the round starts or after it closed is refused;
  // one made before the close (queued offline, synced late) is kept. A resend of a stored mark never
  // gets here (answered as first).
  const refused = refusesSamplesAt(
    {
      starts_at: Number(round.starts_at),
      deadline_at: Number(round.deadline_at),
      closed_at: round.closed_at === null ? null : Number(round.closed_at),
    },
    at,
  );
  if (refused) throw new AppError('ROUND_NOT_OPEN', { status: refused });
  const [person] = await personHomes(trx, [body.personId]);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  assertInScope(actor, person.area_path);
  const areas = await store.roundAreas(trx, [roundId]);
  if (!areas.some((a) => person.area_path.startsWith(a.area_path))) throw new AppError('PERSON_NOT_IN_ROUND');
  const now = s.clock.now();
  let taskId: string | null = null;
  if (body.outcome === 'bedridden') {
    taskId = await openHomeTask(trx, roundId, person.id);
    if (!taskId) {
      const task: TestingTaskTable = {
        id: newId(now),
        kind: 'home',
        round_id: roundId,
        pool_id: null,
        person_id: person.id,
        area_id: person.area_id,
        area_path: person.area_path,
        status: 'open',
        tube_id: null,
        sampled_at: null,
        result_at: null,
        case_id: null,
        case_error: null,
        created_at: now,
        updated_at: now,
      };
      await insertTasks(trx, [task]);
      taskId = task.id;
    }
  }
  const row: TestingVisitTable = {
    id: newId(now),
    round_id: roundId,
    person_id: person.id,
    building_id: person.building_id ?? null,
    outcome: body.outcome,
    note: body.note?.trim() ?? '',
    at,
    by_id: actor.userId,
    by_name: actor.displayName,
    task_id: taskId,
  };
  await coverageStore.insertVisit(trx, row);
  await s.audit(trx, auditActor(actor), {
    action: 'testing.visit',
    objectType: 'person',
    objectId: person.id,
    detail: { roundId, outcome: body.outcome, taskId },
  });
  return visitView(row);
}

/** The id of the home-sampling task asked for under a key: the same key gives the same task, in any process. */
export function homeTaskId(key: string): string {
  return `hs${sha256(`home-sampling|${key}`).slice(0, 24)}`;
}

export interface HomeSamplingWanted {
  /** What the task is for, unique (e.g. an order and a date): asking twice makes one task. */
  key: string;
  personId: string;
}

/**
 * Home-sampling tasks on the squad's list for people who must be sampled at home today (a quarantine
 * order's test day), each in the latest round taking samples that covers the person's home area. A
 * person no round covers waits (roundId null) until one is opened. Asking again for a key adds nothing:
 * the task's id is made from the key, so processes sweeping at once insert it once.
 */
export async function openHomeSamplingTasksTx(
  s: Services,
  trx: Tx,
  wanted: readonly HomeSamplingWanted[],
): Promise<Array<{ key: string; taskId: string | null; roundId: string | null; created: boolean }>> {
  if (!wanted.length) return [];
  const now = s.clock.now();
  const rounds = await store.samplingRoundAreas(trx, now);
  const homes = new Map((await personHomes(trx, [...new Set(wanted.map((w) => w.personId))])).map((p) => [p.id, p]));
  const rows: TestingTaskTable[] = [];
  const out: Array<{ key: string; taskId: string | null; roundId: string | null; created: boolean }> = [];
  for (const w of wanted) {
    const person = homes.get(w.personId);
    const round = person ? rounds.find((r) => person.area_path.startsWith(r.area_path)) : undefined;
    if (!person || !round) {
      out.push({ key: w.key, taskId: null, roundId: null, created: false });
      continue;
    }
    const id = homeTaskId(w.key);
    rows.push({
      id,
      kind: 'home',
      round_id: round.round_id,
      pool_id: null,
      person_id: person.id,
      area_id: person.area_id,
      area_path: person.area_path,
      status: 'open',
      tube_id: null,
      sampled_at: null,
      result_at: null,
      case_id: null,
      case_error: null,
      created_at: now,
      updated_at: now,
    });
    out.push({ key: w.key, taskId: id, roundId: round.round_id, created: false });
  }
  const inserted = new Set(await insertTasksOnce(trx, rows));
  for (const o of out) if (o.taskId && inserted.has(o.taskId)) o.created = true;
  return out;
}
