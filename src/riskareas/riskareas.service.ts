// Risk areas: designate a unit high / medium / low (a manual action with a reason and a legal basis),
// lift it, and let the rule set lower it day by day. Arrivals — residents of the unit and people
// admitted at venues inside it within the rule set's look-back — get the arrival fact through the
// health-facts contract in the same transaction as the designation; their facts end when the area is
// lifted or goes to a level without arrival rules. A manual change over the rule set's mass-recolour
// threshold is held for a command-centre approval: the designation keeps its level in force (or
// none) and shows the change as pending until the approval is decided. Every change appends to the
// area's history and to the audit chain in its own transaction.
import type { Actor } from '../access/access.rules.ts';
import type { Executor, RiskAreaHistoryTable, Tx } from '../db/database.ts';
import { areaByCode, areaById, areasByCodes, areasUnder, type AreaRef } from '../db/sql.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope, inScope, listingScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { ruleSetRef } from '../rules/ruleset.rules.ts';
import type { RiskLevel, RuleSet } from '../rules/ruleset.schema.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { buildingLabel } from '../registry/registry.rules.ts';
import { buildingById } from '../registry/registry.store.ts';
import {
  basisOf,
  onApprovalDecided,
  type ArrivalFact,
  type ColourBasis,
  type FactsOutcome,
} from './riskareas.health.ts';
import {
  areaLevelOfUnit,
  arrivalFact,
  arrivalFactSince,
  arrivalFactsEnd,
  arrivalWindowStart,
  assertDesignable,
  checkDowngrade,
  isElevated,
  isRiskLevel,
  liftingRule,
  requireText,
  startsEpisode,
  type HistoryKind,
  type RiskAreaStatus,
  type RiskAreaUnit,
  type RiskTarget,
} from './riskareas.rules.ts';
import type {
  DesignateBody,
  HistoryView,
  LiftBody,
  ListQuery,
  OutcomeView,
  RiskAreaView,
  TreeNode,
} from './riskareas.schema.ts';
import * as store from './riskareas.store.ts';
import type { Paging, RiskAreaRow, UnitRef } from './riskareas.store.ts';
import { basisReason } from '../audit/audit.rules.ts';

const DAY_MS = 86_400_000;
const num = (v: number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

// ---- views -------------------------------------------------------------------------------------

function liftingView(r: RuleSet, level: RiskLevel | null): RiskAreaView['liftingRule'] {
  if (!level || !r.riskAreas.levels.includes(level)) return null;
  const d = liftingRule(r, level);
  return d
    ? {
        to: d.to,
        daysWithoutCase: d.daysWithoutCase,
        minDaysAtLevel: d.minDaysAtLevel ?? null,
        negativeRoundOnDay: d.negativeRoundOnDay ?? null,
      }
    : null;
}

/**
 * The designation's name as a citizen knows the place: a building by its compound and name as the
 * registry has them now ("瑞景家园 1号楼"), an area by its name.
 */
export function nameOf(row: Pick<RiskAreaRow, 'unit' | 'name' | 'building_compound' | 'building_name'>): string {
  return row.unit === 'building' && row.building_name
    ? buildingLabel(row.building_compound, row.building_name)
    : row.name;
}

/** A building designation's compound and building name; null for an area or a compound not known. */
function buildingParts(row: Pick<RiskAreaRow, 'unit' | 'building_compound' | 'building_name'>): {
  compound: string | null;
  building: string | null;
} {
  if (row.unit !== 'building') return { compound: null, building: null };
  return { compound: row.building_compound?.trim() || null, building: row.building_name ?? null };
}

function toView(
  row: RiskAreaRow,
  r: RuleSet,
  counts?: { total: number; active: number },
  place: string[] = [],
): RiskAreaView {
  const level = isRiskLevel(row.level) ? row.level : null;
  return {
    id: row.id,
    unit: row.unit as RiskAreaUnit,
    targetId: row.target_id,
    buildingId: row.building_id,
    areaId: row.area_id,
    areaName: row.area_name,
    place,
    name: nameOf(row),
    ...buildingParts(row),
    status: row.status as RiskAreaStatus,
    level,
    levelSince: num(row.level_since),
    episodeStart: num(row.episode_start),
    reason: row.reason,
    legalBasis: row.legal_basis,
    ruleSet: { id: row.ruleset_id, version: row.ruleset_version },
    pending: row.pending_approval_id
      ? {
          level: row.pending_level as RiskTarget,
          approvalId: row.pending_approval_id,
          reason: row.pending_reason ?? '',
          legalBasis: row.pending_legal_basis ?? '',
          by: row.pending_by,
          at: Number(row.pending_at ?? 0),
        }
      : null,
    liftingRule: row.status === 'active' ? liftingView(r, level) : null,
    arrivals: counts ?? { total: 0, active: 0 },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toHistoryView(h: RiskAreaHistoryTable): HistoryView {
  return {
    kind: h.kind as HistoryKind,
    from: h.from_level,
    to: h.to_level,
    at: Number(h.at),
    actorName: h.actor_name,
    manual: h.manual === 1,
    reason: h.reason,
    legalBasis: h.legal_basis,
    ruleSet: { id: h.ruleset_id, version: h.ruleset_version },
    rule: h.rule,
    evidence: JSON.parse(h.evidence) as Record<string, unknown>,
  };
}

/** District, street and community names above each designation (the unit itself left out). */
async function placesOf(
  ex: Executor,
  rows: ReadonlyArray<Pick<RiskAreaRow, 'id' | 'area_path' | 'target_id'>>,
): Promise<Map<string, string[]>> {
  const codes = rows.flatMap((row) => row.area_path.split('/').filter(Boolean));
  const byCode = new Map((await areasByCodes(ex, codes)).map((a) => [a.code, a]));
  return new Map(
    rows.map((row) => [
      row.id,
      row.area_path
        .split('/')
        .filter(Boolean)
        .map((c) => byCode.get(c))
        .filter(
          (a): a is AreaRef => !!a && ['district', 'street', 'community'].includes(a.level) && a.id !== row.target_id,
        )
        .map((a) => a.name),
    ]),
  );
}

async function viewOf(ex: Executor, r: RuleSet, id: string): Promise<RiskAreaView> {
  const row = await store.riskAreaById(ex, id);
  if (!row) throw new AppError('RISK_AREA_NOT_FOUND');
  const counts = await store.arrivalCounts(ex, [id]);
  return toView(row, r, counts.get(id), (await placesOf(ex, [row])).get(id));
}

// ---- shared steps ------------------------------------------------------------------------------

interface Target {
  unit: RiskAreaUnit;
  targetId: string;
  buildingId: string | null;
  areaId: string;
  areaPath: string;
  name: string;
}

async function resolveTarget(ex: Executor, unit: RiskAreaUnit, targetId: string): Promise<Target> {
  if (unit === 'building') {
    const b = await buildingById(ex, targetId);
    if (!b) throw new AppError('RISK_AREA_TARGET_NOT_FOUND', { unit });
    return {
      unit,
      targetId: b.id,
      buildingId: b.id,
      areaId: b.area_id,
      areaPath: b.area_path,
      name: buildingLabel(b.compound, b.name),
    };
  }
  const a = (await areaById(ex, targetId)) ?? (await areaByCode(ex, targetId));
  if (!a) throw new AppError('RISK_AREA_TARGET_NOT_FOUND', { unit });
  if (a.level !== areaLevelOfUnit(unit))
    throw new AppError('RISK_AREA_TARGET_LEVEL_MISMATCH', { name: a.name, actual: a.level, unit });
  return { unit, targetId: a.id, buildingId: null, areaId: a.id, areaPath: a.path, name: a.name };
}

function unitOf(row: Pick<RiskAreaRow, 'unit' | 'target_id' | 'area_path'>): UnitRef {
  return { unit: row.unit, target_id: row.target_id, area_path: row.area_path };
}

async function appendHistory(
  ex: Executor,
  row: { id: string },
  r: RuleSet,
  entry: {
    kind: HistoryKind;
    from: string | null;
    to: string;
    at: number;
    actor: AuditActor;
    manual: boolean;
    reason?: string;
    legalBasis?: string;
    rule?: string | null;
    evidence?: Record<string, unknown>;
  },
): Promise<void> {
  const n = (await store.historyCount(ex, row.id)) + 1;
  await store.insertHistory(ex, {
    id: `${row.id}-${String(n).padStart(4, '0')}`,
    risk_area_id: row.id,
    kind: entry.kind,
    from_level: entry.from,
    to_level: entry.to,
    at: entry.at,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    manual: entry.manual ? 1 : 0,
    reason: entry.reason ?? '',
    legal_basis: entry.legalBasis ?? '',
    ruleset_id: r.id,
    ruleset_version: r.version,
    rule: entry.rule ?? null,
    evidence: JSON.stringify(entry.evidence ?? {}),
  });
}

interface FactsStep {
  outcome: FactsOutcome | null;
  people: number;
  healthAvailable: boolean;
}

/** Sends the arrival fact for every open arrival of the area that has none yet. */
async function sendArrivalFacts(
  s: Services,
  trx: Tx,
  r: RuleSet,
  row: RiskAreaRow,
  level: RiskLevel,
  episodeStart: number,
  basis: ColourBasis,
): Promise<FactsStep> {
  const fact = arrivalFact(r, level);
  const health = s.ports.riskAreaHealth;
  const arrivals = await store.openArrivals(trx, row.id, true);
  if (!fact || !health || arrivals.length === 0)
    return { outcome: null, people: arrivals.length, healthAvailable: !!health };
  const facts: ArrivalFact[] = arrivals.map((a) => ({
    personId: a.person_id,
    kind: fact.kind,
    since: arrivalFactSince(a.last_stay_at, episodeStart),
    source: { type: 'risk_area', id: row.id },
    detail: {
      riskAreaId: row.id,
      area: nameOf(row),
      unit: row.unit,
      level,
      managementGroup: fact.group,
      stay: a.basis,
      lastStayAt: a.last_stay_at,
      ruleSet: ruleSetRef(r),
    },
  }));
  const outcome = await health.addFacts(s, trx, facts, basis);
  return { outcome, people: facts.length, healthAvailable: true };
}

/** Ends the arrival facts of the area (lifted, or down to a level without arrival rules). */
async function endArrivalFacts(
  s: Services,
  trx: Tx,
  row: RiskAreaRow,
  at: number,
  basis: ColourBasis,
): Promise<FactsStep> {
  const health = s.ports.riskAreaHealth;
  const open = await store.openArrivals(trx, row.id);
  if (!health || open.length === 0) return { outcome: null, people: open.length, healthAvailable: !!health };
  const outcome = await health.endFacts(s, trx, { sourceType: 'risk_area', sourceId: row.id }, at, basis);
  return { outcome, people: open.length, healthAvailable: true };
}

/**
 * A manual change held for approval (over the rule set's threshold): the risk area keeps its level and
 * carries the pending change (a rejected one goes back to pending), with a `held` history entry and
 * the `riskarea.held` audit event.
 */
async function holdChangeTx(
  s: Services,
  trx: Tx,
  row: RiskAreaRow,
  r: RuleSet,
  outcome: OutcomeView,
  change: {
    change: 'designate' | 'lift';
    /** The designated unit and target (a designation names them; a lift follows the row). */
    target?: { unit: string; targetId: string };
    from: RiskLevel | null;
    to: RiskLevel | 'lifted';
    actor: Actor;
    reason: string;
    legalBasis: string;
    now: number;
  },
): Promise<void> {
  const { from, to, reason, legalBasis, now } = change;
  const a = auditActor(change.actor);
  await store.updateRiskArea(trx, row.id, {
    ...(row.status === 'rejected' ? { status: 'pending' } : {}),
    pending_level: to,
    pending_approval_id: outcome.pendingApprovalId,
    pending_reason: reason,
    pending_legal_basis: legalBasis,
    pending_by: change.actor.username,
    pending_at: now,
    updated_at: now,
  });
  await appendHistory(trx, row, r, {
    kind: 'held',
    from,
    to,
    at: now,
    actor: a,
    manual: true,
    reason,
    legalBasis,
    evidence: { pendingApprovalId: outcome.pendingApprovalId, people: outcome.people, change: change.change },
  });
  await s.audit(trx, a, {
    action: 'riskarea.held',
    objectType: 'risk_area',
    objectId: row.id,
    reason,
    detail: {
      change: change.change,
      ...(change.target ? { unit: change.target.unit, targetId: change.target.targetId } : {}),
      from,
      to,
      legalBasis,
      pendingApprovalId: outcome.pendingApprovalId,
      people: outcome.people,
      ruleSet: ruleSetRef(r),
    },
  });
}

function outcomeView(step: FactsStep): OutcomeView {
  const o = step.outcome;
  if (o && !o.applied)
    return {
      applied: false,
      pendingApprovalId: o.pendingApprovalId,
      people: o.people,
      colourChanges: 0,
      healthAvailable: true,
    };
  return {
    applied: true,
    pendingApprovalId: null,
    people: step.people,
    colourChanges: o?.applied ? o.changes.length : 0,
    healthAvailable: step.healthAvailable,
  };
}

/**
 * Puts a change into force in the caller's transaction: arrivals' facts already sent are marked, facts
 * ended with their arrivals, the level and its dates written.
 */
async function putInForce(
  trx: Tx,
  row: RiskAreaRow,
  to: RiskTarget,
  at: number,
  factsSent: boolean,
  extra: { reason?: string; legalBasis?: string; ruleSet?: RuleSet } = {},
): Promise<void> {
  const from = row.status === 'active' && isRiskLevel(row.level) ? row.level : null;
  if (to === 'lifted' || !isElevated(to)) await store.endArrivals(trx, row.id, at);
  else if (factsSent) await store.markFactsSent(trx, row.id, 'all', at);
  await store.updateRiskArea(trx, row.id, {
    ...(to === 'lifted'
      ? { status: 'lifted', level_since: at }
      : {
          status: 'active',
          level: to,
          level_since: at,
          episode_start: startsEpisode(from, to) ? at : row.episode_start,
        }),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.legalBasis !== undefined ? { legal_basis: extra.legalBasis } : {}),
    ...(extra.ruleSet ? { ruleset_id: extra.ruleSet.id, ruleset_version: extra.ruleSet.version } : {}),
    pending_level: null,
    pending_approval_id: null,
    pending_reason: null,
    pending_legal_basis: null,
    pending_by: null,
    pending_at: null,
    updated_at: at,
  });
}

// ---- designate and lift ------------------------------------------------------------------------

export interface ChangeResult {
  riskArea: RiskAreaView;
  outcome: OutcomeView;
}

/** Designates (or re-levels) a unit: a manual action with a reason and a legal basis. */
export async function designate(s: Services, actor: Actor, body: DesignateBody): Promise<ChangeResult> {
  assertCan(actor, 'riskarea.manage');
  const reason = requireText(body.reason, 'RISK_AREA_REASON_REQUIRED');
  const legalBasis = requireText(body.legalBasis, 'RISK_AREA_LEGAL_BASIS_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const { ruleSet: r } = await activeChoice(s, trx);
    assertDesignable(r, body.unit, body.level);
    const target = await resolveTarget(trx, body.unit, body.targetId);
    assertInScope(actor, target.areaPath);
    const now = s.clock.now();
    let row = await store.riskAreaByTarget(trx, target.unit, target.targetId);
    if (row?.pending_approval_id)
      throw new AppError('RISK_AREA_CHANGE_PENDING', { approvalId: row.pending_approval_id });
    const from = row?.status === 'active' && isRiskLevel(row.level) ? row.level : null;
    if (from === body.level) throw new AppError('RISK_AREA_SAME_LEVEL', { level: body.level });
    if (!row) {
      const id = newId(now);
      await store.insertRiskArea(trx, {
        id,
        unit: target.unit,
        target_id: target.targetId,
        building_id: target.buildingId,
        area_id: target.areaId,
        area_path: target.areaPath,
        name: target.name,
        status: 'pending',
        level: null,
        level_since: null,
        episode_start: null,
        reason,
        legal_basis: legalBasis,
        ruleset_id: r.id,
        ruleset_version: r.version,
        pending_level: null,
        pending_approval_id: null,
        pending_reason: null,
        pending_legal_basis: null,
        pending_by: null,
        pending_at: null,
        created_at: now,
        updated_at: now,
      });
      row = (await store.riskAreaById(trx, id))!;
    }
    const a = auditActor(actor);
    const basis: ColourBasis = {
      actor: a,
      ...basisOf('risk_area_designated', { name: target.name, from: from ?? '', to: body.level, reason, legalBasis }),
      manual: true,
    };

    let step: FactsStep = { outcome: null, people: 0, healthAvailable: true };
    if (isElevated(body.level)) {
      const episodeStart = startsEpisode(from, body.level) ? now : Number(row.episode_start ?? now);
      const u = unitOf(row);
      await store.recordResidents(trx, row.id, u, now);
      await store.recordCheckins(trx, row.id, u, arrivalWindowStart(r, episodeStart, s.config.timeZone), now, now);
      step = await sendArrivalFacts(s, trx, r, row, body.level, episodeStart, basis);
    } else if (isElevated(from) && arrivalFactsEnd(r, body.level)) {
      step = await endArrivalFacts(s, trx, row, now, basis);
    }
    const outcome = outcomeView(step);

    if (!outcome.applied) {
      await holdChangeTx(s, trx, row, r, outcome, {
        change: 'designate',
        target: { unit: target.unit, targetId: target.targetId },
        from,
        to: body.level,
        actor,
        reason,
        legalBasis,
        now,
      });
    } else {
      await putInForce(trx, row, body.level, now, step.outcome !== null, { reason, legalBasis, ruleSet: r });
      await appendHistory(trx, row, r, {
        kind: 'designate',
        from,
        to: body.level,
        at: now,
        actor: a,
        manual: true,
        reason,
        legalBasis,
        evidence: {
          arrivals: outcome.people,
          colourChanges: outcome.colourChanges,
          healthAvailable: outcome.healthAvailable,
        },
      });
      await s.audit(trx, a, {
        action: 'riskarea.designate',
        objectType: 'risk_area',
        objectId: row.id,
        reason,
        detail: {
          unit: target.unit,
          targetId: target.targetId,
          name: target.name,
          from,
          to: body.level,
          legalBasis,
          arrivals: outcome.people,
          colourChanges: outcome.colourChanges,
          ruleSet: ruleSetRef(r),
        },
      });
    }
    return { riskArea: await viewOf(trx, r, row.id), outcome };
  });
}

/** Lifts a designation in force: its arrivals' facts end (held for approval over the threshold). */
export async function lift(s: Services, actor: Actor, id: string, body: LiftBody): Promise<ChangeResult> {
  assertCan(actor, 'riskarea.manage');
  const reason = requireText(body.reason, 'RISK_AREA_REASON_REQUIRED');
  const legalBasis = requireText(body.legalBasis, 'RISK_AREA_LEGAL_BASIS_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const row = await store.riskAreaById(trx, id);
    if (!row) throw new AppError('RISK_AREA_NOT_FOUND');
    assertInScope(actor, row.area_path);
    if (row.pending_approval_id)
      throw new AppError('RISK_AREA_CHANGE_PENDING', { approvalId: row.pending_approval_id });
    if (row.status !== 'active') throw new AppError('RISK_AREA_NOT_ACTIVE');
    const { ruleSet: r } = await activeChoice(s, trx);
    const now = s.clock.now();
    const a = auditActor(actor);
    const from = isRiskLevel(row.level) ? row.level : null;
    const basis: ColourBasis = {
      actor: a,
      ...basisOf('risk_area_lifted', { name: nameOf(row), reason, legalBasis }),
      manual: true,
    };
    const step = isElevated(from)
      ? await endArrivalFacts(s, trx, row, now, basis)
      : { outcome: null, people: 0, healthAvailable: true };
    const outcome = outcomeView(step);
    if (!outcome.applied) {
      await holdChangeTx(s, trx, row, r, outcome, {
        change: 'lift',
        from,
        to: 'lifted',
        actor,
        reason,
        legalBasis,
        now,
      });
    } else {
      await putInForce(trx, row, 'lifted', now, false, { reason, legalBasis });
      await appendHistory(trx, row, r, {
        kind: 'lift',
        from,
        to: 'lifted',
        at: now,
        actor: a,
        manual: true,
        reason,
        legalBasis,
        evidence: {
          arrivalsEnded: outcome.people,
          colourChanges: outcome.colourChanges,
          healthAvailable: outcome.healthAvailable,
        },
      });
      await s.audit(trx, a, {
        action: 'riskarea.lift',
        objectType: 'risk_area',
        objectId: row.id,
        reason,
        detail: {
          from,
          legalBasis,
          arrivalsEnded: outcome.people,
          colourChanges: outcome.colourChanges,
          ruleSet: ruleSetRef(r),
        },
      });
    }
    return { riskArea: await viewOf(trx, r, row.id), outcome };
  });
}

// ---- reads -------------------------------------------------------------------------------------

export async function listRiskAreas(
  s: Services,
  actor: Actor,
  q: ListQuery,
  paging: Paging,
): Promise<Page<RiskAreaView>> {
  assertCan(actor, 'riskarea.manage');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const { ruleSet: r } = await activeChoice(s);
  const words = (q.q ?? '').normalize('NFKC').trim().split(/\s+/).filter(Boolean).slice(0, 10);
  const { rows, total } = await store.listRiskAreas(
    s.db,
    { scopePath, status: q.status, level: q.level, words },
    paging,
  );
  const counts = await store.arrivalCounts(
    s.db,
    rows.map((row) => row.id),
  );
  const places = await placesOf(s.db, rows);
  return { items: rows.map((row) => toView(row, r, counts.get(row.id), places.get(row.id))), total, ...paging };
}

export async function getRiskArea(
  s: Services,
  actor: Actor,
  id: string,
): Promise<{ riskArea: RiskAreaView; history: HistoryView[] }> {
  assertCan(actor, 'riskarea.manage');
  const row = await store.riskAreaById(s.db, id);
  if (!row) throw new AppError('RISK_AREA_NOT_FOUND');
  assertInScope(actor, row.area_path);
  const { ruleSet: r } = await activeChoice(s);
  const counts = await store.arrivalCounts(s.db, [id]);
  return {
    riskArea: toView(row, r, counts.get(id), (await placesOf(s.db, [row])).get(id)),
    history: (await store.historyOf(s.db, id)).map(toHistoryView),
  };
}

/** The city, district, street and community areas of the actor's subtree with their designations. */
export async function riskAreaTree(
  s: Services,
  actor: Actor,
): Promise<{
  items: TreeNode[];
  ruleSet: { id: string; version: string };
  units: RiskAreaUnit[];
  levels: RiskLevel[];
}> {
  assertCan(actor, 'riskarea.manage');
  const { ruleSet: r } = await activeChoice(s);
  const areas = await areasUnder(s.db, actor.areaPath, ['city', 'district', 'street', 'community']);
  const { rows } = await store.listRiskAreas(s.db, { scopePath: actor.areaPath }, { limit: 100_000, offset: 0 });
  const own = new Map(
    rows.filter((r) => r.unit !== 'building' && r.status !== 'rejected').map((r) => [r.target_id, r]),
  );
  const active = rows.filter((r) => r.status === 'active' && isRiskLevel(r.level));
  return {
    ruleSet: ruleSetRef(r),
    units: [...r.riskAreas.designationUnits],
    levels: [...r.riskAreas.levels],
    items: areas.map((a) => {
      const mine = own.get(a.id);
      const below = { high: 0, medium: 0, low: 0 };
      for (const d of active) if (d.target_id !== a.id && d.area_path.startsWith(a.path)) below[d.level as RiskLevel]++;
      return {
        id: a.id,
        code: a.code,
        name: a.name,
        level: a.level,
        parentId: a.parent_id,
        riskAreaId: mine?.id ?? null,
        riskLevel: mine && mine.status === 'active' && isRiskLevel(mine.level) ? mine.level : null,
        status: (mine?.status as RiskAreaStatus | undefined) ?? null,
        below,
      };
    }),
  };
}

/** The public list: high and medium areas in force, with since when and the rule that lowers them. */
export async function publicRiskAreas(s: Services): Promise<{
  ruleSet: { id: string; version: string; name: { zh: string; en: string } };
  items: Array<{
    id: string;
    unit: RiskAreaUnit;
    name: string;
    compound: string | null;
    building: string | null;
    areaNames: string[];
    level: RiskLevel;
    since: number;
    liftingRule: RiskAreaView['liftingRule'];
  }>;
  updatedAt: number;
}> {
  const { ruleSet: r } = await activeChoice(s);
  const rows = await store.activeRiskAreas(s.db, ['high', 'medium']);
  const places = await placesOf(s.db, rows);
  const items = rows.map((row) => ({
    id: row.id,
    unit: row.unit as RiskAreaUnit,
    name: nameOf(row),
    ...buildingParts(row),
    areaNames: places.get(row.id) ?? [],
    level: row.level as RiskLevel,
    since: Number(row.level_since ?? row.updated_at),
    liftingRule: liftingView(r, row.level as RiskLevel),
  }));
  items.sort((x, y) => (x.level === y.level ? y.since - x.since : x.level === 'high' ? -1 : 1));
  return { ruleSet: { ...ruleSetRef(r), name: r.name }, items, updatedAt: s.clock.now() };
}

// ---- the rule set's work: downgrades, arrivals, approvals ---------------------------------------

export interface DowngradeRun {
  ruleSet: { id: string; version: string };
  at: number;
  checked: number;
  changes: Array<{
    id: string;
    name: string;
    from: RiskLevel;
    to: RiskLevel;
    rule: string;
    history: Record<string, unknown>;
  }>;
  waiting: Array<{
    id: string;
    name: string;
    level: RiskLevel;
    reason: string;
    history: Record<string, unknown> | null;
  }>;
  newArrivals: number;
  resolved: number;
}

export interface RunOptions {
  /** Only check-ins stored from this instant on are swept for new arrivals (default: each area's whole look-back). */
  arrivalsSince?: number;
  actor?: AuditActor;
}

/**
 * Everything the rule set does on its own, in order: decided approvals of held changes applied, each
 * area in force checked against the downgrade rule for its level (one step per run; the change
 * records the rule), then new arrivals of high and medium areas given their facts. Each area's
 * change is its own transaction.
 */
export async function runRiskAreaRules(s: Services, options: RunOptions = {}): Promise<DowngradeRun> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const { ruleSet: r } = await activeChoice(s);
  const resolved = await resolveApprovals(s, actor);
  const now = s.clock.now();
  const zone = s.config.timeZone;
  const run: DowngradeRun = {
    ruleSet: ruleSetRef(r),
    at: now,
    checked: 0,
    changes: [],
    waiting: [],
    newArrivals: 0,
    resolved,
  };

  for (const row of await store.activeRiskAreas(s.db)) {
    if (!isRiskLevel(row.level)) continue;
    run.checked++;
    if (row.pending_approval_id) {
      run.waiting.push({ id: row.id, name: nameOf(row), level: row.level, reason: 'change_pending', history: null });
      continue;
    }
    const state = {
      level: row.level,
      levelSince: Number(row.level_since ?? row.created_at),
      episodeStart: Number(row.episode_start ?? row.level_since ?? row.created_at),
    };
    const u = unitOf(row);
    const evidence = {
      lastCaseAt: await store.lastCaseAt(s.db, u),
      negativeRoundsAt: await s.ports.testingRounds.negativeRoundsCompletedAt(s, u, state.episodeStart),
    };
    const check = checkDowngrade(r, state, evidence, now, zone);
    if (!check.change) {
      run.waiting.push({
        id: row.id,
        name: nameOf(row),
        level: row.level,
        reason: check.reason,
        history: check.history ? { ...check.history } : null,
      });
      continue;
    }
    const change = check.change;
    const done = await s.db.transaction().execute(async (trx) => {
      const current = await store.riskAreaById(trx, row.id);
      if (!current || current.status !== 'active' || current.level !== change.from || current.pending_approval_id)
        return false;
      const basis: ColourBasis = {
        actor,
        ...basisOf('risk_area_downgraded', {
          name: nameOf(row),
          from: change.from,
          to: change.to,
          ruleSet: r.id,
          rule: change.rule,
        }),
      };
      const words = basis.reason;
      let step: FactsStep = { outcome: null, people: 0, healthAvailable: true };
      if (isElevated(change.from) && arrivalFactsEnd(r, change.to))
        step = await endArrivalFacts(s, trx, current, now, basis);
      await putInForce(trx, current, change.to, now, false);
      const evidenceRecord = {
        ...change.history,
        lastCaseAt: evidence.lastCaseAt,
        negativeRoundsAt: evidence.negativeRoundsAt,
        downgrade: change.downgrade,
        arrivalsEnded: step.outcome ? step.people : 0,
      };
      await appendHistory(trx, current, r, {
        kind: 'downgrade',
        from: change.from,
        to: change.to,
        at: now,
        actor,
        manual: false,
        reason: words,
        rule: change.rule,
        evidence: evidenceRecord,
      });
      await s.audit(trx, actor, {
        action: 'riskarea.downgrade',
        objectType: 'risk_area',
        objectId: row.id,
        ...basisReason(basis),
        detail: {
          from: change.from,
          to: change.to,
          rule: change.rule,
          ruleSet: ruleSetRef(r),
          history: change.history,
          arrivalsEnded: step.people,
        },
      });
      return true;
    });
    if (done)
      run.changes.push({
        id: row.id,
        name: nameOf(row),
        from: change.from,
        to: change.to,
        rule: change.rule,
        history: { ...change.history },
      });
  }

  run.newArrivals = await sweepArrivals(s, r, actor, options.arrivalsSince);
  return run;
}

/** New arrivals of every high and medium area in force get their facts (rule-driven, not manual). */
export async function sweepArrivals(
  s: Services,
  r: RuleSet,
  actor: AuditActor = SYSTEM_ACTOR,
  since?: number,
): Promise<number> {
  const now = s.clock.now();
  let total = 0;
  for (const row of await store.activeRiskAreas(s.db, ['high', 'medium'])) {
    if (row.pending_approval_id) continue;
    const level = row.level as RiskLevel;
    const episodeStart = Number(row.episode_start ?? row.level_since ?? row.created_at);
    total += await s.db.transaction().execute(async (trx) => {
      const u = unitOf(row);
      await store.recordResidents(trx, row.id, u, now);
      // Incremental: check-ins stored since the previous run, entered at most a day before it.
      const windowStart = arrivalWindowStart(r, episodeStart, s.config.timeZone);
      const from = since === undefined ? windowStart : Math.max(windowStart, since - DAY_MS);
      await store.recordCheckins(trx, row.id, u, from, now, now, since);
      const basis: ColourBasis = {
        actor,
        ...basisOf('risk_area_arrival', { level, name: nameOf(row), ruleSet: r.id }),
      };
      const step = await sendArrivalFacts(s, trx, r, row, level, episodeStart, basis);
      if (!step.outcome) return 0;
      await store.markFactsSent(trx, row.id, 'all', now);
      await s.audit(trx, actor, {
        action: 'riskarea.arrivals',
        objectType: 'risk_area',
        objectId: row.id,
        ...basisReason(basis),
        detail: { arrivals: step.people, level, ruleSet: ruleSetRef(r), applied: step.outcome.applied },
      });
      return step.people;
    });
  }
  return total;
}

/**
 * A held change whose approval was decided, in the deciding transaction: an approved one takes effect
 * now (the health module applied the held facts; arrivals are marked, or ended by a lift), a rejected
 * one is dropped (a designation never in force becomes rejected). False when nothing was held under it.
 */
async function applyApprovalDecision(
  s: Services,
  trx: Tx,
  approvalId: string,
  approved: boolean,
  actor: AuditActor,
): Promise<boolean> {
  const current = await store.riskAreaByApproval(trx, approvalId);
  if (!current) return false;
  const { ruleSet: r } = await activeChoice(s, trx);
  const now = s.clock.now();
  const from = current.status === 'active' && isRiskLevel(current.level) ? current.level : null;
  const to = current.pending_level as RiskTarget;
  if (approved) {
    await putInForce(trx, current, to, now, to !== 'lifted' && isElevated(to), {
      reason: current.pending_reason ?? current.reason,
      legalBasis: current.pending_legal_basis ?? current.legal_basis,
      ruleSet: r,
    });
  } else {
    await store.updateRiskArea(trx, current.id, {
      ...(current.status === 'pending' ? { status: 'rejected' } : {}),
      pending_level: null,
      pending_approval_id: null,
      pending_reason: null,
      pending_legal_basis: null,
      pending_by: null,
      pending_at: null,
      updated_at: now,
    });
    // Arrivals recorded for the change that did not happen end, unless the area stays high or medium.
    if (!isElevated(from)) await store.endArrivals(trx, current.id, now);
  }
  const kind = approved ? 'approved' : 'rejected';
  await appendHistory(trx, current, r, {
    kind,
    from,
    to,
    at: now,
    actor,
    manual: true,
    reason: current.pending_reason ?? '',
    legalBasis: current.pending_legal_basis ?? '',
    evidence: { approvalId, requestedBy: current.pending_by, requested: to },
  });
  await s.audit(trx, actor, {
    action: `riskarea.${kind}`,
    objectType: 'risk_area',
    objectId: current.id,
    reason: current.pending_reason ?? '',
    detail: { approvalId, from, to, ruleSet: ruleSetRef(r) },
  });
  return true;
}

// The health module tells every domain when a held recolouring is decided, inside that transaction.
onApprovalDecided(async (s, trx, decision) => {
  await applyApprovalDecision(s, trx, decision.approvalId, decision.approved, SYSTEM_ACTOR);
});

/** Held changes whose approval was decided but not yet applied here (a decision this process did not see). */
async function resolveApprovals(s: Services, actor: AuditActor): Promise<number> {
  let n = 0;
  for (const row of await store.heldRiskAreas(s.db)) {
    const state = await s.ports.approvals.approvalState(s, row.pending_approval_id!);
    if (state === 'pending') continue;
    const did = await s.db
      .transaction()
      .execute((trx) => applyApprovalDecision(s, trx, row.pending_approval_id!, state === 'approved', actor));
    if (did) n++;
  }
  return n;
}

/** The rule set's run started by a person (command centre or CLI): recorded under their name; the answer lists the areas in their scope. */
export async function runRiskAreaRulesAs(
  s: Services,
  actor: Actor,
  options: Omit<RunOptions, 'actor'> = {},
): Promise<DowngradeRun> {
  assertCan(actor, 'riskarea.manage');
  const run = await runRiskAreaRules(s, { ...options, actor: auditActor(actor) });
  const ids = [...run.changes.map((c) => c.id), ...run.waiting.map((w) => w.id)];
  const paths = new Map<string, string>();
  for (const id of new Set(ids)) {
    const row = await store.riskAreaById(s.db, id);
    if (row) paths.set(id, row.area_path);
  }
  const mine = (id: string) => inScope(actor.areaPath, paths.get(id) ?? '');
  return { ...run, changes: run.changes.filter((c) => mine(c.id)), waiting: run.waiting.filter((w) => mine(w.id)) };
}
