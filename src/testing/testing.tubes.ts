// Tubes: opened at a table, people scanned in under the pooling mode of the area's control level,
// closed, resumed or voided; their views and custody; and bulk sampling (devices that upload whole
// tubes). The *Tx functions run inside the caller's transaction (an online call, or an operation of
// the offline queue in testing.sync.ts).
import { type Actor } from '../access/access.rules.ts';
import type { Executor, TestingRoundTable, TestingTubeMemberTable, TestingTubeTable, Tx } from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type Fault } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Services } from '../services.ts';
import { findPersonByIdNumber } from '../registry/registry.service.ts';
import { isUniqueViolation } from '../db/sql.ts';
import { verifyPersonalCode } from '../venues/venue.codes.ts';
import { poolingPolicy } from './pooling.policy.ts';
import { type ControlLevel } from './pooling.rules.ts';
import {
  controlLevelAt,
  joinRefusal,
  missingCustody,
  personalControl,
  refusesSamplesAt,
  siteLevel,
  tubeModeFor,
  tubeTooSharedFor,
  type LabResult,
  type SiteKind,
  type TubeMode,
  type TubeStatus,
} from './testing.rules.ts';
import type { MemberView, TubeView } from './testing.schema.ts';
import './testing.schema.ts';
import * as store from './testing.store.ts';
import { tableWithSite } from './testing.sites.store.ts';
import { householdsOfPersons, personHomes, personNames, type PersonHome } from '../registry/registry.store.ts';
import { factKindsAt } from './testing.health.ts';
import { roundChanged, roundOrThrow } from './testing.service.ts';

// ---- tube views ---------------------------------------------------------------------------------

export async function tubeViews(ex: Executor, tubes: TestingTubeTable[]): Promise<TubeView[]> {
  const ids = tubes.map((t) => t.id);
  const results = new Map((await store.resultsOf(ex, ids)).map((r) => [r.tube_id, r]));
  const pools = new Map((await store.poolsOfTubes(ex, ids)).map((p) => [p.tube_id, p.id]));
  return tubes.map((t) => {
    const r = results.get(t.id);
    return {
      id: t.id,
      roundId: t.round_id,
      barcode: t.barcode,
      siteId: t.site_id,
      tableId: t.table_id,
      areaId: t.area_id,
      mode: t.mode as TubeMode,
      capacity: t.capacity,
      controlLevel: t.control_level as ControlLevel,
      status: t.status as TubeStatus,
      members: Number(t.member_count),
      openedAt: Number(t.opened_at),
      openedBy: t.opened_by_name,
      closedAt: t.closed_at === null ? null : Number(t.closed_at),
      boxId: t.box_id,
      result: (r?.result ?? null) as LabResult | null,
      ctN: r?.ct_n ?? null,
      ctOrf1ab: r?.ct_orf1ab ?? null,
      testedAt: r ? Number(r.tested_at) : null,
      resultedAt: r ? Number(r.resulted_at) : null,
      poolId: pools.get(t.id) ?? null,
      taskId: t.task_id,
      rulesVersion: t.rules_version,
      custodyMissing: missingCustody(t.custody_gap),
    };
  });
}

export async function tubeView(ex: Executor, tube: TestingTubeTable): Promise<TubeView> {
  return (await tubeViews(ex, [tube]))[0]!;
}

/** The tube's members with their names (from the registry), in the order they were sampled. */
async function membersWithNames(ex: Executor, tubeId: string) {
  const members = await store.membersOfTube(ex, tubeId);
  const names = new Map(
    (
      await personNames(
        ex,
        members.map((m) => m.person_id),
      )
    ).map((p) => [p.id, p.name]),
  );
  return members.filter((m) => names.has(m.person_id)).map((m) => ({ ...m, name: names.get(m.person_id)! }));
}

function memberView(m: {
  person_id: string;
  name: string;
  household_id: string | null;
  sampled_at: number;
}): MemberView {
  return {
    personId: m.person_id,
    maskedName: maskName(m.name),
    householdId: m.household_id,
    sampledAt: Number(m.sampled_at),
  };
}

export async function tubeInScope(
  ex: Executor,
  actor: Actor,
  where: { id?: string; barcode?: string },
): Promise<TestingTubeTable> {
  const tube = where.id ? await store.tubeById(ex, where.id) : await store.tubeByBarcode(ex, where.barcode!);
  if (!tube) throw new AppError('TUBE_NOT_FOUND');
  assertInScope(actor, tube.area_path);
  return tube;
}

export async function getTube(s: Services, actor: Actor, where: { id?: string; barcode?: string }) {
  assertCan(actor, 'testing.view');
  const tube = await tubeInScope(s.db, actor, where);
  const members = await membersWithNames(s.db, tube.id);
  return { tube: await tubeView(s.db, tube), members: members.map(memberView) };
}

export async function tubeCustody(s: Services, actor: Actor, id: string) {
  assertCan(actor, 'testing.view');
  const tube = await tubeInScope(s.db, actor, { id });
  const events: Array<{
    kind: string;
    at: number;
    actorName: string;
    boxId: string | null;
    detail: Record<string, unknown>;
  }> = [
    {
      kind: 'tube_opened',
      at: Number(tube.opened_at),
      actorName: tube.opened_by_name,
      boxId: null,
      detail: { barcode: tube.barcode, tableId: tube.table_id, mode: tube.mode, capacity: tube.capacity },
    },
  ];
  if (tube.closed_at !== null)
    events.push({
      kind: 'tube_closed',
      at: Number(tube.closed_at),
      actorName: tube.closed_by_name ?? '',
      boxId: null,
      detail: { members: Number(tube.member_count) },
    });
  for (const e of await store.custodyOfTube(s.db, tube)) {
    events.push({
      kind: e.kind,
      at: Number(e.at),
      actorName: e.actor_name,
      boxId: e.box_id,
      detail: JSON.parse(e.detail) as Record<string, unknown>,
    });
  }
  const [result] = await store.resultsOf(s.db, [tube.id]);
  if (result)
    events.push({
      kind: 'resulted',
      at: Number(result.resulted_at),
      actorName: 'lab',
      boxId: tube.box_id,
      detail: { uploadId: result.upload_id, testedAt: Number(result.tested_at) },
    });
  events.sort((a, b) => a.at - b.at);
  return { tube: await tubeView(s.db, tube), events };
}

// ---- sampling core (inside the caller's transaction) --------------------------------------------

interface PersonRef {
  personCode?: string;
  idNumber?: string;
  idType?: string;
  personId?: string;
}

async function resolvePerson(s: Services, ex: Executor, ref: PersonRef, at: number): Promise<PersonHome> {
  let personId: string | undefined;
  if (ref.personCode) {
    const v = verifyPersonalCode(s.signing.personalPublicKey, ref.personCode, at);
    if (!v.ok) throw new AppError(v.code);
    personId = v.personId;
  } else if (ref.idNumber) {
    const found = await findPersonByIdNumber(
      ex,
      s.cipher,
      ref.idType ?? 'resident_id',
      ref.idNumber.trim().toUpperCase(),
    );
    if (!found) throw new AppError('PERSON_NOT_FOUND');
    personId = found.id;
  } else if (ref.personId) {
    personId = ref.personId;
  } else {
    throw new AppError('PERSON_IDENTIFIER_REQUIRED');
  }
  const [person] = await personHomes(ex, [personId]);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  return person;
}

/** ROUND_NOT_OPEN unless the round takes samples made at `at` (testing.rules.ts refusesSamplesAt). */
function takesSamplesAt(round: TestingRoundTable, at: number): void {
  const status = refusesSamplesAt(
    {
      starts_at: Number(round.starts_at),
      deadline_at: Number(round.deadline_at),
      closed_at: round.closed_at === null ? null : Number(round.closed_at),
    },
    at,
  );
  if (status) throw new AppError('ROUND_NOT_OPEN', { status });
}

interface TubeSpec {
  roundId: string;
  tableId: string;
  barcode: string;
  mode?: TubeMode;
  poolSize?: number;
}

/** The table's site, scope and the pooling decision of its control level in the round. */
async function tubePlan(
  ex: Executor,
  actor: Actor,
  round: TestingRoundTable,
  spec: Pick<TubeSpec, 'tableId' | 'mode' | 'poolSize'>,
) {
  const table = await tableWithSite(ex, spec.tableId);
  if (!table) throw new AppError('TABLE_NOT_FOUND');
  assertInScope(actor, table.area_path);
  const areaLevel = controlLevelAt(table.area_path, await store.roundAreas(ex, [round.id]));
  if (!areaLevel) throw new AppError('TABLE_NOT_IN_ROUND');
  const level = siteLevel(areaLevel, table.kind as SiteKind);
  const policy = poolingPolicy();
  const decision =
    spec.mode === 'retest' ? null : tubeModeFor(policy, level, { mode: spec.mode, poolSize: spec.poolSize });
  if (!decision || !decision.ok) {
    const rule = policy.controlLevels[level];
    throw new AppError(
      'TUBE_MODE_NOT_ALLOWED',
      { level, maxPoolSize: rule.poolSize },
      {
        extra: {
          allowed: decision && !decision.ok ? decision.allowed : { modes: ['single'], maxPoolSize: rule.poolSize },
        },
      },
    );
  }
  return { table, level, mode: decision.mode, capacity: decision.capacity, rulesVersion: policy.version };
}

export async function openTubeTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  spec: TubeSpec,
  at: number,
): Promise<TestingTubeTable> {
  const round = await roundOrThrow(trx, spec.roundId);
  takesSamplesAt(round, at);
  const plan = await tubePlan(trx, actor, round, spec);
  const taken = await store.tubeByBarcode(trx, spec.barcode);
  if (taken) {
    // An open tube of this round at this table: the sampler is told which, to resume it (or close or void it).
    const resumable = taken.status === 'open' && taken.round_id === round.id && taken.table_id === plan.table.table_id;
    throw new AppError(
      'TUBE_BARCODE_TAKEN',
      { barcode: spec.barcode },
      resumable
        ? {
            extra: {
              resumable: {
                tubeId: taken.id,
                members: Number(taken.member_count),
                openedBy: taken.opened_by_name,
                openedAt: Number(taken.opened_at),
              },
            },
          }
        : {},
    );
  }
  const row: TestingTubeTable = {
    id: newId(s.clock.now()),
    round_id: round.id,
    barcode: spec.barcode,
    site_id: plan.table.site_id,
    table_id: plan.table.table_id,
    area_id: plan.table.area_id,
    area_path: plan.table.area_path,
    mode: plan.mode,
    capacity: plan.capacity,
    control_level: plan.level,
    status: 'open',
    member_count: 0,
    opened_at: at,
    opened_by: actor.userId,
    opened_by_name: actor.displayName,
    closed_at: null,
    closed_by_name: null,
    box_id: null,
    task_id: null,
    rules_version: plan.rulesVersion,
  };
  try {
    await store.insertTube(trx, row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('TUBE_BARCODE_TAKEN', { barcode: spec.barcode });
    throw err;
  }
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.open',
    objectType: 'testing_tube',
    objectId: row.id,
    detail: {
      roundId: round.id,
      barcode: row.barcode,
      tableId: row.table_id,
      mode: row.mode,
      capacity: row.capacity,
      controlLevel: row.control_level,
      rules: row.rules_version,
    },
  });
  return row;
}

export async function addMemberTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  tube: TestingTubeTable,
  ref: PersonRef,
  at: number,
): Promise<{ tube: TestingTubeTable; member: MemberView }> {
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
    throw new AppError(
      'PERSON_UNDER_CONTROL',
      { capacity: tube.capacity },
      {
        extra: {
          reason: control.reason,
          controlLevel: control.level,
          personId: person.id,
          offer: { mode: 'single', poolSize: 1 },
        },
      },
    );
  }
  const member: TestingTubeMemberTable = {
    tube_id: tube.id,
    person_id: person.id,
    round_id: tube.round_id,
    household_id: person.household_id,
    sampled_at: at,
  };
  await store.insertTubeMember(trx, member);
  // Guarded: two devices adding to one tube at once cannot overfill it.
  if (!(await store.growOpenTube(trx, tube.id, tube.capacity)))
    throw new AppError('TUBE_FULL', { capacity: tube.capacity });
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.add',
    objectType: 'testing_tube',
    objectId: tube.id,
    detail: { barcode: tube.barcode, personId: person.id, sampledAt: at },
  });
  const updated = (await store.tubeById(trx, tube.id))!;
  return { tube: updated, member: memberView({ ...member, name: person.name }) };
}

export async function removeMemberTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  tube: TestingTubeTable,
  personId: string,
): Promise<TestingTubeTable> {
  assertInScope(actor, tube.area_path);
  if (tube.status !== 'open') throw new AppError('TUBE_CLOSED', { barcode: tube.barcode });
  if (!(await store.deleteTubeMember(trx, tube.id, personId))) throw new AppError('PERSON_NOT_FOUND');
  await store.shrinkTube(trx, tube.id);
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.remove',
    objectType: 'testing_tube',
    objectId: tube.id,
    detail: { barcode: tube.barcode, personId },
  });
  return (await store.tubeById(trx, tube.id))!;
}

export async function closeTubeTx(
  s: Services,
  trx: Tx,
  actor: Actor,
  tube: TestingTubeTable,
  at: number,
): Promise<TestingTubeTable> {
  assertInScope(actor, tube.area_path);
  if (tube.status !== 'open') return tube;
  if (Number(tube.member_count) === 0) throw new AppError('TUBE_EMPTY');
  await store.closeOpenTube(trx, tube.id, Math.max(at, Number(tube.opened_at)), actor.displayName);
  await s.audit(trx, auditActor(actor), {
    action: 'testing.tube.close',
    objectType: 'testing_tube',
    objectId: tube.id,
    detail: { barcode: tube.barcode, members: Number(tube.member_count) },
  });
  return (await store.tubeById(trx, tube.id))!;
}

export async function removeMember(s: Services, actor: Actor, tubeId: string, personId: string): Promise<TubeView> {
  assertCan(actor, 'testing.sample');
  return s.db.transaction().execute(async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    return tubeView(trx, await removeMemberTx(s, trx, actor, tube, personId));
  });
}

// ---- open tubes of a table: resume, close, void -------------------------------------------------

/** The table's open tubes in a round (oldest first), whoever opened them and on whichever device. */
export async function openTubesAtTable(
  s: Services,
  actor: Actor,
  tableId: string,
  roundId: string,
): Promise<{ items: TubeView[] }> {
  assertCan(actor, 'testing.sample');
  const table = await tableWithSite(s.db, tableId);
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
      action: 'testing.tube.resume',
      objectType: 'testing_tube',
      objectId: tube.id,
      detail: { barcode: tube.barcode, members: Number(tube.member_count), openedBy: tube.opened_by_name },
    });
    return { tube: await tubeView(trx, tube), members: (await membersWithNames(trx, tube.id)).map(memberView) };
  });
}

/** Voids an open tube nobody was sampled into (abandoned): the row goes, the audit event keeps what it was. */
export async function voidTube(
  s: Services,
  actor: Actor,
  tubeId: string,
  reason: string | undefined,
): Promise<{ barcode: string; voided: true }> {
  assertCan(actor, 'testing.sample');
  const out = await s.db.transaction().execute(async (trx) => {
    const tube = await tubeInScope(trx, actor, { id: tubeId });
    if (tube.status !== 'open') throw new AppError('TUBE_CLOSED', { barcode: tube.barcode });
    if (Number(tube.member_count) > 0 || !(await store.deleteEmptyOpenTube(trx, tube.id))) {
      throw new AppError('TUBE_NOT_EMPTY', { barcode: tube.barcode, members: Number(tube.member_count) });
    }
    await s.audit(trx, auditActor(actor), {
      action: 'testing.tube.void',
      objectType: 'testing_tube',
      objectId: tube.id,
      detail: {
        roundId: tube.round_id,
        barcode: tube.barcode,
        tableId: tube.table_id,
        openedBy: tube.opened_by_name,
        openedAt: Number(tube.opened_at),
        reason: reason?.trim() || null,
      },
    });
    return { roundId: tube.round_id, barcode: tube.barcode };
  });
  roundChanged(s, out.roundId, 'summary');
  return { barcode: out.barcode, voided: true };
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
export async function sampleTubes(
  s: Services,
  actor: Actor,
  roundId: string,
  tubes: BulkTube[],
): Promise<{ tubes: number; members: number }> {
  assertCan(actor, 'testing.sample');
  const result = await s.db.transaction().execute(async (trx) => {
    const round = await roundOrThrow(trx, roundId);
    const faults: Fault[] = [];
    const plans = new Map<string, Awaited<ReturnType<typeof tubePlan>>>();
    const personIds = tubes.flatMap((t) => t.personIds);
    const households = await householdsOfPersons(trx, s.dialect, personIds, store.RESULT_JSON_SLICE);
    const inOpen = await store.openTubeMembersOfRound(trx, roundId);
    const taken = await store.barcodeTaken(
      trx,
      tubes.map((t) => t.barcode),
    );
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
        if (!plan) {
          plan = await tubePlan(trx, actor, round, t);
          plans.set(key, plan);
        }
        if (taken.has(t.barcode) || seenBarcode.has(t.barcode))
          throw new AppError('TUBE_BARCODE_TAKEN', { barcode: t.barcode });
        seenBarcode.add(t.barcode);
        if (t.personIds.length === 0) throw new AppError('TUBE_EMPTY');
        if (t.personIds.length > plan.capacity) throw new AppError('TUBE_FULL', { capacity: plan.capacity });
        if (new Set(t.personIds).size !== t.personIds.length) throw new AppError('PERSON_ALREADY_IN_TUBE');
        if (t.personIds.some((id) => !households.has(id))) throw new AppError('PERSON_NOT_FOUND');
        const open = t.personIds.find((id) => inOpen.has(id));
        if (open) throw new AppError('PERSON_IN_OPEN_TUBE', { barcode: inOpen.get(open)! });
        if (plan.mode === 'household' && new Set(t.personIds.map((id) => households.get(id) ?? `none:${id}`)).size > 1)
          throw new AppError('TUBE_HOUSEHOLD_MISMATCH');
        const id = newId(now) + String(seq++).padStart(6, '0');
        tubeRows.push({
          id,
          round_id: round.id,
          barcode: t.barcode,
          site_id: plan.table.site_id,
          table_id: plan.table.table_id,
          area_id: plan.table.area_id,
          area_path: plan.table.area_path,
          mode: plan.mode,
          capacity: plan.capacity,
          control_level: plan.level,
          status: 'closed',
          member_count: t.personIds.length,
          opened_at: t.sampledAt,
          opened_by: actor.userId,
          opened_by_name: actor.displayName,
          closed_at: t.sampledAt,
          closed_by_name: actor.displayName,
          box_id: null,
          task_id: null,
          rules_version: plan.rulesVersion,
        });
        for (const pid of t.personIds)
          memberRows.push({
            tube_id: id,
            person_id: pid,
            round_id: round.id,
            household_id: households.get(pid) ?? null,
            sampled_at: t.sampledAt,
          });
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
      action: 'testing.tube.bulk',
      objectType: 'testing_round',
      objectId: round.id,
      detail: {
        tubes: tubeRows.length,
        members: memberRows.length,
        first: tubeRows[0]?.barcode ?? null,
        last: tubeRows.at(-1)?.barcode ?? null,
      },
    });
    return { tubes: tubeRows.length, members: memberRows.length };
  });
  roundChanged(s, roundId, 'summary');
  return result;
}
