// The health code's use cases: read a person's colour with its reasons, end conditions, latest test
// and history; two-person manual changes; appeals (GB/T 38963's correction channel); command-centre
// approvals of recolouring held by the circuit breaker; recompute and the end-condition sweep.
// Each call checks permission and the area scope of the people concerned, runs in one transaction
// and writes its audit events there. Colours change only through health.facts.ts (basis recorded).
import { can, inScope, type Actor } from '../access/access.rules.ts';
import type { Executor, HealthAppealTable, HealthApprovalTable, HealthOverrideTable, Tx } from '../db/database.ts';
import { chunks } from '../db/sql.ts';
import { personIdOfUser } from '../access/access.store.ts';
import { personAreaPaths, personBrief, personNames } from '../registry/registry.store.ts';
import { SYSTEM_ACTOR, type AuditActor } from '../platform/audit.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';
import type { Services } from '../services.ts';
import type { Colour } from '../rules/ruleset.rules.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import {
  addFacts,
  endFacts,
  holdForApproval,
  notifyApprovalDecided,
  overrideOf,
  recomputeColours,
  type ApprovalKind,
  type ColourBasis,
  type ColourChange,
  type NewFact,
} from './health.facts.ts';
import { healthPolicy } from './health.policy.ts';
import {
  appealDueAt,
  appealOverdue,
  breakerTrips,
  colourAt,
  isColour,
  nextChangeAt,
  twoPersonCheck,
  type StoredReason,
} from './health.rules.ts';
import type {
  AppealAnswerBody,
  AppealBody,
  AppealView,
  ApprovalView,
  DecisionBody,
  HealthView,
  OverrideBody,
  OverrideView,
  RecomputeBody,
  RecomputeResultView,
} from './health.schema.ts';
import { approvedBasis, basisOf, storedBasis, type BasisParams } from './basis.rules.ts';
import * as store from './health.store.ts';
import { basisReason, reasonOf } from '../audit/audit.rules.ts';

// ---- reading ---------------------------------------------------------------------------------

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function appealView(a: HealthAppealTable, name: string, now: number): AppealView {
  return {
    id: a.id,
    personId: a.person_id,
    maskedName: maskName(name),
    filedAt: Number(a.filed_at),
    dueAt: Number(a.due_at),
    overdue: appealOverdue({ status: a.status, dueAt: Number(a.due_at) }, now),
    colour: a.colour as Colour,
    statement: a.statement,
    status: a.status as AppealView['status'],
    reviewer: a.reviewer_name,
    answeredAt: a.answered_at === null ? null : Number(a.answered_at),
    answer: a.answer,
    overrideId: a.override_id,
  };
}

/** A history row's basis as data: as stored, or read from its sentence on rows from before kinds were stored. */
function basisView(h: {
  basis: string;
  basis_kind: string | null;
  basis_params: string | null;
}): Pick<HealthView['history'][number], 'basisKind' | 'basisParams'> {
  const b = storedBasis(h.basis_kind, h.basis_params, h.basis);
  return { basisKind: b.kind, basisParams: b.params };
}

async function healthView(
  s: Services,
  ex: Executor,
  person: { id: string; name: string; area_id: string },
): Promise<HealthView> {
  const now = s.clock.now();
  const row = await store.statusOf(ex, person.id);
  const { ruleSet } = await activeChoice(s, ex);
  const reasons = row ? parseJson<StoredReason[]>(row.reasons, []) : [];
  const shown = colourAt(reasons, overrideOf(row), now);
  const tests = await store.testsOfPerson(ex, person.id, 20);
  const facts = await store.factsOfPerson(ex, person.id);
  const history = await store.historyOf(ex, person.id, 100);
  const appeals = await store.listAppeals(ex, { personId: person.id, limit: 20 });
  const latest =
    row?.test_sampled_at !== null && row?.test_sampled_at !== undefined
      ? {
          sampledAt: Number(row.test_sampled_at),
          reportedAt: Number(row.test_reported_at ?? row.test_sampled_at),
          result: row.test_result as 'negative' | 'positive',
          pooled: row.test_pooled === 1,
        }
      : null;
  return {
    person: { id: person.id, maskedName: maskName(person.name), areaId: person.area_id },
    colour: shown.colour,
    ruleSet: row ? { id: row.ruleset_id, version: row.ruleset_version } : { id: ruleSet.id, version: ruleSet.version },
    computedAt: row ? Number(row.computed_at) : null,
    changedAt: row ? Number(row.changed_at) : null,
    nextChangeAt: nextChangeAt(shown.reasons, shown.override, now),
    reasons: shown.reasons as HealthView['reasons'],
    override: shown.override,
    latestTest: latest,
    tests: tests.map((t) => ({
      sampledAt: Number(t.sampled_at),
      reportedAt: Number(t.reported_at),
      result: t.result as 'negative' | 'positive',
      pooled: t.pooled === 1,
    })),
    facts: facts.map((f) => ({
      kind: f.kind as FactKind,
      source: { type: f.source_type, id: f.source_id },
      since: Number(f.since),
      until: f.until === null ? null : Number(f.until),
      endedAt: f.ended_at === null ? null : Number(f.ended_at),
      detail: parseJson(f.detail, {}),
    })),
    history: history.map((h) => ({
      id: h.id,
      at: Number(h.at),
      from: h.from_colour as Colour,
      to: h.to_colour as Colour,
      basis: h.basis,
      ...basisView(h),
      actor: { id: h.actor_id, name: h.actor_name, role: h.actor_role },
      manual: h.manual === 1,
      ruleSet: { id: h.ruleset_id, version: h.ruleset_version },
      rules: parseJson<Array<{ rule?: string; override?: { id: string } }>>(h.reasons, [])
        .map((r) => r.rule ?? (r.override ? `override:${r.override.id}` : ''))
        .filter(Boolean),
      overrideId: h.override_id,
      approvalId: h.approval_id,
      auditSeq: h.audit_seq === null ? null : Number(h.audit_seq),
    })),
    appeals: appeals.map((a) => appealView(a, person.name, now)),
  };
}

/** A person's colour with reasons, end conditions, tests and history; a read of personal data, audited. */
export async function personHealth(s: Services, actor: Actor, personId: string): Promise<HealthView> {
  if (actor.role === 'resident') throw new AppError('FORBIDDEN', { permission: 'health.read' });
  assertCan(actor, 'health.read');
  return s.db.transaction().execute(async (trx) => {
    const person = await personBrief(trx, personId);
    if (!person) throw new AppError('HEALTH_PERSON_NOT_FOUND');
    assertInScope(actor, person.area_path);
    const view = await healthView(s, trx, person);
    await s.audit(trx, auditActor(actor), {
      action: 'health.read',
      objectType: 'person',
      objectId: personId,
      detail: { colour: view.colour },
    });
    return view;
  });
}

/** The same read for the operator at the terminal (`cordon health show`), audited. */
export async function personHealthAs(s: Services, actor: AuditActor, personId: string): Promise<HealthView> {
  return s.db.transaction().execute(async (trx) => {
    const person = await personBrief(trx, personId);
    if (!person) throw new AppError('HEALTH_PERSON_NOT_FOUND');
    const view = await healthView(s, trx, person);
    await s.audit(trx, actor, {
      action: 'health.read',
      objectType: 'person',
      objectId: personId,
      detail: { colour: view.colour },
    });
    return view;
  });
}

async function residentPersonId(ex: Executor, actor: Actor): Promise<string> {
  if (actor.role !== 'resident') throw new AppError('HEALTH_NOT_RESIDENT');
  const personId = await personIdOfUser(ex, actor.userId);
  if (!personId) throw new AppError('HEALTH_NOT_RESIDENT');
  return personId;
}

/** The resident's own colour (GB/T 38963: the holder sees what is recorded about them). */
export async function myHealth(s: Services, actor: Actor): Promise<HealthView> {
  return s.db.transaction().execute(async (trx) => {
    const personId = await residentPersonId(trx, actor);
    const person = await personBrief(trx, personId);
    if (!person) throw new AppError('HEALTH_PERSON_NOT_FOUND');
    const view = await healthView(s, trx, person);
    await s.audit(trx, auditActor(actor), {
      action: 'health.read',
      objectType: 'person',
      objectId: personId,
      ...reasonOf('own_colour'),
      detail: { colour: view.colour },
    });
    return view;
  });
}

/** The colour and latest test signed into a personal code (no audit: it is the holder's own code). */
export async function codeFacts(
  ex: Executor,
  personId: string,
  now: number,
): Promise<{ colour: Colour; latestTest: { sampledAt: number; result: 'negative' | 'positive' } | null }> {
  const row = await store.statusOf(ex, personId);
  if (!row) return { colour: 'green', latestTest: null };
  const shown = colourAt(parseJson<StoredReason[]>(row.reasons, []), overrideOf(row), now);
  const result = row.test_result;
  return {
    colour: shown.colour,
    latestTest:
      row.test_sampled_at !== null && (result === 'negative' || result === 'positive')
        ? { sampledAt: Number(row.test_sampled_at), result }
        : null,
  };
}

// ---- manual changes (two-person rule) --------------------------------------------------------

function requireText(value: string | undefined, code: ErrorCode, min = 1): string {
  const text = (value ?? '').trim();
  if ([...text].length < min) throw new AppError(code, { min });
  return text;
}

/** The narrowest area path covering all the paths (their common prefix, cut at a "/"). */
export function commonPath(paths: readonly string[]): string {
  if (!paths.length) return '';
  let prefix = paths[0]!;
  for (const p of paths) {
    while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  }
  return prefix;
}

async function peopleInScope(
  ex: Executor,
  actor: Actor,
  personIds: readonly string[],
): Promise<Array<{ id: string; area_path: string }>> {
  const rows = (await personAreaPaths(ex, personIds)).map((r) => ({ id: r.id, area_path: r.area_path }));
  if (rows.length !== new Set(personIds).size) throw new AppError('HEALTH_PERSON_NOT_FOUND');
  for (const r of rows) assertInScope(actor, r.area_path);
  return rows;
}

/** Rows decided before the command centre's reason was kept apart carry both reasons in one text. */
const LEGACY_COMMAND_REASON = /^(.*) \/ command centre: (.*)$/s;

/** The command centre's decision on an override held by the circuit breaker: its approval's. */
async function commandDecisionOf(
  ex: Executor,
  o: HealthOverrideTable,
  legacyReason: string | undefined,
): Promise<OverrideView['commandDecision']> {
  if (!o.approval_id) return null;
  const a = await store.approvalById(ex, o.approval_id);
  if (!a || a.status === 'pending') return null;
  return {
    approved: a.status === 'approved',
    name: a.decided_by_name ?? '',
    at: a.decided_at === null ? null : Number(a.decided_at),
    reason: legacyReason ?? a.decision_reason,
  };
}

async function overrideView(ex: Executor, o: HealthOverrideTable): Promise<OverrideView> {
  const legacy = o.decision_reason ? LEGACY_COMMAND_REASON.exec(o.decision_reason) : null;
  const ids = parseJson<string[]>(o.person_ids, []);
  const shown = ids.slice(0, 20);
  const names = await personNames(ex, shown);
  const byId = new Map(names.map((n) => [n.id, n.name]));
  return {
    id: o.id,
    persons: shown.map((id) => ({ id, maskedName: maskName(byId.get(id) ?? '') })),
    people: o.people,
    colour: o.colour as Colour,
    legalBasis: o.legal_basis,
    reason: o.reason,
    endsAt: Number(o.ends_at),
    status: o.status as OverrideView['status'],
    requestedBy: { id: o.requested_by, name: o.requested_by_name },
    requestedAt: Number(o.requested_at),
    decidedBy: o.decided_by ? { id: o.decided_by, name: o.decided_by_name ?? '' } : null,
    decidedAt: o.decided_at === null ? null : Number(o.decided_at),
    decisionReason: legacy ? legacy[1]! : o.decision_reason,
    commandDecision: await commandDecisionOf(ex, o, legacy?.[2]),
    appealId: o.appeal_id,
    approvalId: o.approval_id,
    ruleSet: { id: o.ruleset_id, version: o.ruleset_version },
  };
}

async function createOverride(
  s: Services,
  trx: Tx,
  actor: Actor,
  body: OverrideBody,
  appealId: string | null,
): Promise<HealthOverrideTable> {
  const policy = healthPolicy();
  const legalBasis = requireText(body.legalBasis, 'HEALTH_LEGAL_BASIS_REQUIRED', policy.legalBasisMinLength);
  const reason = requireText(body.reason, 'HEALTH_REASON_REQUIRED');
  const now = s.clock.now();
  if (body.endsAt <= now || body.endsAt > now + policy.overrideMaxDays * 86_400_000) {
    throw new AppError('HEALTH_OVERRIDE_END_INVALID', { days: policy.overrideMaxDays });
  }
  const people = await peopleInScope(trx, actor, body.personIds);
  const { ruleSet } = await activeChoice(s, trx);
  const row: HealthOverrideTable = {
    id: newId(now),
    person_ids: JSON.stringify(body.personIds),
    people: body.personIds.length,
    area_path: commonPath(people.map((p) => p.area_path)),
    colour: body.colour,
    legal_basis: legalBasis,
    reason,
    ends_at: body.endsAt,
    appeal_id: appealId,
    status: 'pending',
    requested_by: actor.userId,
    requested_by_name: actor.displayName || actor.username,
    requested_at: now,
    decided_by: null,
    decided_by_name: null,
    decided_at: null,
    decision_reason: null,
    approval_id: null,
    ruleset_id: ruleSet.id,
    ruleset_version: ruleSet.version,
  };
  await store.insertOverride(trx, row);
  await s.audit(trx, auditActor(actor), {
    action: 'health.override.request',
    objectType: 'health_override',
    objectId: row.id,
    reason: legalBasis,
    detail: {
      people: row.people,
      colour: row.colour,
      endsAt: row.ends_at,
      appealId,
      why: reason,
      ruleSet: ruleSet.id,
      ruleSetVersion: ruleSet.version,
    },
  });
  return row;
}

/** One authorised user asks for a manual colour with a written legal basis and an end time. */
export async function requestOverride(s: Services, actor: Actor, body: OverrideBody): Promise<OverrideView> {
  assertCan(actor, 'health.override');
  return s.db.transaction().execute(async (trx) => overrideView(trx, await createOverride(s, trx, actor, body, null)));
}

/** Sets the override on the people and recomputes them: the change's basis names the override. */
async function applyOverride(
  s: Services,
  trx: Tx,
  o: HealthOverrideTable,
  basisActor: AuditActor,
  approvalId: string | null,
): Promise<ColourChange[]> {
  const now = s.clock.now();
  const ids = parseJson<string[]>(o.person_ids, []);
  const { ruleSet } = await activeChoice(s, trx);
  await store.setOverride(
    trx,
    ids,
    { id: o.id, colour: o.colour, until: Number(o.ends_at) },
    {
      colour: 'green',
      reasons: '[]',
      ruleset_id: ruleSet.id,
      ruleset_version: ruleSet.version,
      computed_at: now,
      changed_at: now,
      next_change_at: null,
      test_source_id: null,
      test_sampled_at: null,
      test_reported_at: null,
      test_result: null,
      test_pooled: null,
    },
  );
  const basis: ColourBasis = {
    actor: basisActor,
    ...basisOf('manual_change', { overrideId: o.id, legalBasis: o.legal_basis }),
    manual: true,
  };
  const changes = await recomputeColours(s, trx, ids, basis, { overrideId: o.id, approvalId });
  if (o.appeal_id) {
    await store.updateAppeal(trx, o.appeal_id, { status: 'corrected', updated_at: now });
  }
  return changes;
}

/**
 * A second authorised user approves or rejects a pending request; the requester cannot. Approval of
 * more people than the rule set's threshold is held for a command-centre approval (circuit breaker).
 */
export async function decideOverride(s: Services, actor: Actor, id: string, body: DecisionBody): Promise<OverrideView> {
  assertCan(actor, 'health.approve');
  const reason = requireText(body.reason, 'HEALTH_REASON_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const o = await store.overrideById(trx, id);
    if (!o) throw new AppError('HEALTH_OVERRIDE_NOT_FOUND');
    assertInScope(actor, o.area_path);
    const verdict = twoPersonCheck({ requestedBy: o.requested_by, status: o.status }, actor.userId);
    if (verdict === 'NOT_PENDING') throw new AppError('HEALTH_OVERRIDE_NOT_PENDING');
    if (verdict === 'SAME_USER') throw new AppError('HEALTH_SAME_USER');
    const now = s.clock.now();
    const decided = {
      decided_by: actor.userId,
      decided_by_name: actor.displayName || actor.username,
      decided_at: now,
      decision_reason: reason,
    };
    if (!body.approve) {
      await store.updateOverride(trx, id, { ...decided, status: 'rejected' });
      if (o.appeal_id) await store.updateAppeal(trx, o.appeal_id, { status: 'correction_rejected', updated_at: now });
      await s.audit(trx, auditActor(actor), {
        action: 'health.override.reject',
        objectType: 'health_override',
        objectId: id,
        reason,
      });
      return overrideView(trx, (await store.overrideById(trx, id))!);
    }
    const { ruleSet } = await activeChoice(s, trx);
    if (breakerTrips(ruleSet.massRecolourThreshold, o.people, true)) {
      const approvalId = await holdForApproval(s, trx, ruleSet, 'override', { overrideId: id }, o.people, {
        actor: auditActor(actor),
        ...basisOf('manual_change', { overrideId: id, legalBasis: o.legal_basis }),
        manual: true,
      });
      await store.updateOverride(trx, id, { ...decided, status: 'held', approval_id: approvalId });
      await s.audit(trx, auditActor(actor), {
        action: 'health.override.approve',
        objectType: 'health_override',
        objectId: id,
        reason,
        detail: { held: approvalId, people: o.people },
      });
      return overrideView(trx, (await store.overrideById(trx, id))!);
    }
    await store.updateOverride(trx, id, { ...decided, status: 'approved' });
    await s.audit(trx, auditActor(actor), {
      action: 'health.override.approve',
      objectType: 'health_override',
      objectId: id,
      reason,
      detail: { people: o.people },
    });
    await applyOverride(s, trx, o, auditActor(actor), null);
    return overrideView(trx, (await store.overrideById(trx, id))!);
  });
}

export async function listOverrides(
  s: Services,
  actor: Actor,
  status: string | undefined,
  limit = 100,
): Promise<OverrideView[]> {
  if (!can(actor.role, 'health.override')) assertCan(actor, 'health.approve');
  return s.db.transaction().execute(async (trx) => {
    const rows = await store.listOverrides(trx, { status, areaPath: actor.areaPath, limit });
    const out: OverrideView[] = [];
    for (const r of rows) out.push(await overrideView(trx, r));
    await s.audit(trx, auditActor(actor), {
      action: 'health.override.list',
      objectType: 'health_override',
      detail: { status: status ?? null, results: out.length },
    });
    return out;
  });
}

// ---- circuit breaker approvals ---------------------------------------------------------------

function approvalView(a: Omit<HealthApprovalTable, 'payload'>, changes?: number): ApprovalView {
  return {
    id: a.id,
    kind: a.kind as ApprovalKind,
    people: a.people,
    threshold: a.threshold,
    reason: a.reason,
    status: a.status as ApprovalView['status'],
    ...basisView({ basis: a.reason, basis_kind: null, basis_params: null }),
    requestedBy: { id: a.requested_by, name: a.requested_by_name, role: a.requested_by_role },
    requestedAt: Number(a.requested_at),
    decidedBy: a.decided_by ? { id: a.decided_by, name: a.decided_by_name ?? '' } : null,
    decidedAt: a.decided_at === null ? null : Number(a.decided_at),
    decisionReason: a.decision_reason,
    ruleSet: { id: a.ruleset_id, version: a.ruleset_version },
    ...(changes === undefined ? {} : { changes }),
  };
}

/** The distinct area paths of these people (the registry's). */
async function areaPathsOf(ex: Executor, personIds: readonly string[]): Promise<string[]> {
  return [...new Set((await personAreaPaths(ex, personIds)).map((r) => r.area_path))];
}

/**
 * The narrowest area covering everyone a held recolouring would change: the manual change's area; the
 * people of the facts it would add; the people whose facts it would end (while pending, those still
 * in force; once decided, everyone the selection names — wider, never narrower). '' when unknown.
 */
async function approvalAreaPath(ex: Executor, a: HealthApprovalTable): Promise<string> {
  const payload = parseJson<Record<string, unknown>>(a.payload, {});
  if (a.kind === 'override') return (await store.overrideById(ex, String(payload.overrideId)))?.area_path ?? '';
  if (a.kind === 'add_facts') {
    const facts = Array.isArray(payload.facts) ? (payload.facts as Array<{ personId?: unknown }>) : [];
    return commonPath(
      await areaPathsOf(
        ex,
        facts.map((f) => String(f?.personId ?? '')),
      ),
    );
  }
  if (a.kind === 'end_facts' && payload.where && typeof payload.where === 'object') {
    return commonPath(
      await areaPathsOf(
        ex,
        await store.peopleOfFacts(ex, payload.where as store.FactSelection, a.status === 'pending'),
      ),
    );
  }
  return '';
}

const APPROVAL_PAGE = 100;

/**
 * Held recolourings whose people all live inside the caller's area subtree (a street's command user
 * sees its street's, the city's sees all), newest first.
 */
export async function listApprovals(
  s: Services,
  actor: Actor,
  status: string | undefined,
  limit = 100,
): Promise<ApprovalView[]> {
  assertCan(actor, 'recolour.approve');
  const out: ApprovalView[] = [];
  for (let offset = 0; out.length < limit; offset += APPROVAL_PAGE) {
    const rows = await store.approvalsPage(s.db, { status, limit: APPROVAL_PAGE, offset });
    for (const r of rows) {
      if (out.length >= limit) break;
      const path = await approvalAreaPath(s.db, r);
      if (path && inScope(actor.areaPath, path)) out.push(approvalView(r));
    }
    if (rows.length < APPROVAL_PAGE) break;
  }
  return out;
}

/** A command-centre user (not the requester) approves or rejects a held mass recolouring. */
export async function decideApproval(s: Services, actor: Actor, id: string, body: DecisionBody): Promise<ApprovalView> {
  assertCan(actor, 'recolour.approve');
  const reason = requireText(body.reason, 'HEALTH_REASON_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const a = await store.approvalById(trx, id);
    // An action outside the caller's area is not theirs to see, nor to decide.
    if (!a || !inScope(actor.areaPath, await approvalAreaPath(trx, a))) throw new AppError('HEALTH_APPROVAL_NOT_FOUND');
    if (a.status !== 'pending') throw new AppError('HEALTH_APPROVAL_NOT_PENDING');
    if (a.requested_by !== null && a.requested_by === actor.userId) throw new AppError('HEALTH_SAME_USER');
    const payload = parseJson<Record<string, unknown>>(a.payload, {});
    if (a.kind === 'override') {
      // Whoever asked for the manual change cannot clear it past the breaker either.
      const asked = await store.overrideById(trx, String(payload.overrideId));
      if (asked?.requested_by === actor.userId) throw new AppError('HEALTH_SAME_USER');
    }
    const now = s.clock.now();
    const claimed = await store.decideApproval(trx, id, {
      status: body.approve ? 'approved' : 'rejected',
      decided_by: actor.userId,
      decided_by_name: actor.displayName || actor.username,
      decided_at: now,
      decision_reason: reason,
    });
    if (!claimed) throw new AppError('HEALTH_APPROVAL_NOT_PENDING');
    await s.audit(trx, auditActor(actor), {
      action: body.approve ? 'health.recolour.approve' : 'health.recolour.reject',
      objectType: 'health_approval',
      objectId: id,
      reason,
      detail: { kind: a.kind, people: a.people, threshold: a.threshold },
    });
    let changes: ColourChange[] = [];
    if (body.approve) {
      const requested = (payload.basis as
        { actor: AuditActor; reason: string; kind?: string; params?: BasisParams } | undefined) ?? {
        actor: SYSTEM_ACTOR,
        reason: a.reason,
      };
      const asked = {
        ...storedBasis(
          requested.kind ?? null,
          requested.params ? JSON.stringify(requested.params) : null,
          requested.reason,
        ),
        reason: requested.reason,
      };
      const basis: ColourBasis = { actor: auditActor(actor), ...approvedBasis(asked, reason), manual: true };
      if (a.kind === 'add_facts') {
        const out = await addFacts(s, trx, payload.facts as NewFact[], basis, { approved: true, approvalId: id });
        changes = out.applied ? out.changes : [];
      } else if (a.kind === 'end_facts') {
        const out = await endFacts(s, trx, payload.where as Parameters<typeof endFacts>[2], Number(payload.at), basis, {
          approved: true,
          approvalId: id,
        });
        changes = out.applied ? out.changes : [];
      } else {
        const o = await store.overrideById(trx, String(payload.overrideId));
        if (o) {
          await store.updateOverride(trx, o.id, { status: 'approved' });
          changes = await applyOverride(s, trx, o, auditActor(actor), id);
        }
      }
    } else if (a.kind === 'override') {
      const o = await store.overrideById(trx, String(payload.overrideId));
      if (o) {
        // The command centre's own reason stays on its approval (commandDecision of the override's view).
        await store.updateOverride(trx, o.id, { status: 'rejected' });
        if (o.appeal_id) await store.updateAppeal(trx, o.appeal_id, { status: 'correction_rejected', updated_at: now });
      }
    }
    await notifyApprovalDecided(s, trx, {
      approvalId: id,
      kind: a.kind as ApprovalKind,
      approved: body.approve,
      changes,
    });
    return approvalView((await store.approvalById(trx, id))!, changes.length);
  });
}

// ---- appeals ---------------------------------------------------------------------------------

/** A resident appeals their own colour; a reviewer must answer by the due time. */
export async function fileAppeal(s: Services, actor: Actor, body: AppealBody): Promise<AppealView> {
  const statement = requireText(body.statement, 'APPEAL_STATEMENT_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const personId = await residentPersonId(trx, actor);
    const person = await personBrief(trx, personId);
    if (!person) throw new AppError('HEALTH_PERSON_NOT_FOUND');
    if (await store.openAppealOf(trx, personId)) throw new AppError('APPEAL_ALREADY_OPEN');
    const now = s.clock.now();
    const { colour } = await codeFacts(trx, personId, now);
    const row: HealthAppealTable = {
      id: newId(now),
      person_id: personId,
      area_path: person.area_path,
      filed_by: actor.userId,
      filed_at: now,
      due_at: appealDueAt(now, healthPolicy().appealAnswerHours),
      colour,
      statement,
      status: 'open',
      reviewer_id: null,
      reviewer_name: null,
      answered_at: null,
      answer: null,
      override_id: null,
      updated_at: now,
    };
    await store.insertAppeal(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'health.appeal.file',
      objectType: 'health_appeal',
      objectId: row.id,
      reason: statement,
      detail: { personId, colour },
    });
    return appealView(row, person.name, now);
  });
}

export async function myAppeals(s: Services, actor: Actor): Promise<AppealView[]> {
  const personId = await residentPersonId(s.db, actor);
  const person = await personBrief(s.db, personId);
  const rows = await store.listAppeals(s.db, { personId, limit: 50 });
  return rows.map((a) => appealView(a, person?.name ?? '', s.clock.now()));
}

export async function listAppeals(
  s: Services,
  actor: Actor,
  status: string | undefined,
  limit = 100,
): Promise<AppealView[]> {
  assertCan(actor, 'appeal.review');
  return s.db.transaction().execute(async (trx) => {
    const rows = await store.listAppeals(trx, { status, areaPath: actor.areaPath, limit });
    const names = await personNames(
      trx,
      rows.map((r) => r.person_id),
    );
    const byId = new Map(names.map((n) => [n.id, n.name]));
    await s.audit(trx, auditActor(actor), {
      action: 'health.appeal.list',
      objectType: 'health_appeal',
      detail: { status: status ?? null, results: rows.length },
    });
    return rows.map((a) => appealView(a, byId.get(a.person_id) ?? '', s.clock.now()));
  });
}

/**
 * A reviewer answers: uphold the colour (with reasons), or correct it — a correction is a manual
 * change, so it becomes a request another authorised user must approve (two-person rule).
 */
export async function answerAppeal(s: Services, actor: Actor, id: string, body: AppealAnswerBody): Promise<AppealView> {
  assertCan(actor, 'appeal.review');
  const answer = requireText(body.answer, 'APPEAL_ANSWER_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const a = await store.appealById(trx, id);
    if (!a) throw new AppError('APPEAL_NOT_FOUND');
    assertInScope(actor, a.area_path);
    if (a.status !== 'open') throw new AppError('APPEAL_NOT_OPEN');
    const now = s.clock.now();
    const reviewer = {
      reviewer_id: actor.userId,
      reviewer_name: actor.displayName || actor.username,
      answered_at: now,
      answer,
      updated_at: now,
    };
    if (body.decision === 'uphold') {
      await store.updateAppeal(trx, id, { ...reviewer, status: 'upheld' });
      await s.audit(trx, auditActor(actor), {
        action: 'health.appeal.uphold',
        objectType: 'health_appeal',
        objectId: id,
        reason: answer,
      });
    } else {
      assertCan(actor, 'health.override');
      if (!body.colour || !isColour(body.colour) || body.endsAt === undefined || !body.legalBasis)
        throw new AppError('APPEAL_CORRECTION_INCOMPLETE');
      const o = await createOverride(
        s,
        trx,
        actor,
        {
          personIds: [a.person_id],
          colour: body.colour,
          legalBasis: body.legalBasis,
          reason: `appeal ${id}: ${answer}`,
          endsAt: body.endsAt,
        },
        id,
      );
      await store.updateAppeal(trx, id, { ...reviewer, status: 'correction_pending', override_id: o.id });
      await s.audit(trx, auditActor(actor), {
        action: 'health.appeal.correct',
        objectType: 'health_appeal',
        objectId: id,
        reason: answer,
        detail: { overrideId: o.id },
      });
    }
    const row = (await store.appealById(trx, id))!;
    const person = await personBrief(trx, row.person_id);
    return appealView(row, person?.name ?? '', now);
  });
}

// ---- recompute -------------------------------------------------------------------------------

/** Recomputes the people (or everyone with a fact or a colour) under the active rule set. */
export async function recompute(s: Services, actor: AuditActor, body: RecomputeBody): Promise<RecomputeResultView> {
  const { ruleSet } = await activeChoice(s);
  const basis: ColourBasis = { actor, ...basisOf('recomputed', { ruleSet: ruleSet.id, version: ruleSet.version }) };
  let people = 0;
  let changes = 0;
  if (body.personIds?.length) {
    for (const part of chunks(body.personIds, healthPolicy().sweepBatch)) {
      changes += (await s.db.transaction().execute((trx) => recomputeColours(s, trx, part, basis))).length;
      people += part.length;
    }
  } else if (body.all) {
    let after = '';
    for (;;) {
      const page = await store.peoplePage(s.db, after, healthPolicy().sweepBatch);
      if (!page.length) break;
      changes += (await s.db.transaction().execute((trx) => recomputeColours(s, trx, page, basis))).length;
      people += page.length;
      after = page[page.length - 1]!;
    }
  }
  await s.db.transaction().execute((trx) =>
    s.audit(trx, actor, {
      action: 'health.recompute',
      objectType: 'health',
      ...basisReason(basis),
      detail: { people, changes, all: !!body.all, ruleSet: ruleSet.id, ruleSetVersion: ruleSet.version },
    }),
  );
  return { people, changes, ruleSet: { id: ruleSet.id, version: ruleSet.version } };
}

/**
 * When the active rule set is not the one the colours were last recomputed under (an administrator
 * chose another, or a new edition came into force), recomputes everyone with a fact or a colour.
 */
export async function recomputeIfRuleSetChanged(s: Services): Promise<RecomputeResultView | null> {
  const { ruleSet } = await activeChoice(s);
  const current = `${ruleSet.id}@${ruleSet.version}`;
  const last = await store.readColoursRuleSet(s.db);
  if (last === current) return null;
  const result =
    last === null && !(await store.anyFact(s.db))
      ? { people: 0, changes: 0, ruleSet: { id: ruleSet.id, version: ruleSet.version } }
      : await recompute(s, SYSTEM_ACTOR, { all: true });
  await store.writeColoursRuleSet(s.db, current, s.clock.now());
  return result;
}

/** Records the colour changes whose end condition has been reached (quarantine over, override ended). */
export async function sweepEndConditions(s: Services): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await store.duePeople(s.db, s.clock.now(), healthPolicy().sweepBatch);
    if (!due.length) return total;
    const changes = await s.db
      .transaction()
      .execute((trx) => recomputeColours(s, trx, due, { actor: SYSTEM_ACTOR, ...basisOf('end_reached') }));
    total += changes.length;
    if (due.length < healthPolicy().sweepBatch) return total;
  }
}

/** People of the actor's area by health-code colour, as stored (counts only, not audited). */
export async function colourCounts(s: Services, actor: Actor): Promise<Record<Colour, number>> {
  assertCan(actor, 'health.read');
  const counts: Record<Colour, number> = { green: 0, yellow: 0, red: 0 };
  for (const row of await store.colourCounts(s.db, actor.areaPath))
    if (isColour(row.colour)) counts[row.colour] += row.n;
  return counts;
}
