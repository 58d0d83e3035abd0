// Cases and their contacts: register a case (its contacts are traced in the same transaction), change
// its times (traced again) or its status (release under the rule set's test rule), re-trace on demand,
// list and read, review a contact, enter a manual one. Each call checks permission and the area scope
// of the case's person, runs in one transaction and writes its audit event there. Re-tracing upserts
// contacts by their natural key: the investigator's review survives, stale unreviewed ones go — but
// not those whose evidence was purged from the check-in table since: their stored encounters count.
import type { Actor } from '../access/access.rules.ts';
import type { CaseRecordTable, ContactTable, Executor } from '../db/database.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import { maskPhone } from '../platform/mask.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import {
  contactWindow,
  identifiesSecondaryContacts,
  releasable,
  ruleSetRef,
  type IsolationTest,
} from '../rules/ruleset.rules.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { ruleSetById } from '../rules/ruleset.load.ts';
import type { AuditActor } from '../platform/audit.ts';
import {
  directContacts,
  secondaryContacts,
  tracedPerson,
  traceContacts,
  withIsolation,
  type SecondarySource,
  type TraceAnchor,
  type TraceResult,
} from './tracing.discovery.ts';
import {
  canTransition,
  checkinsBefore,
  compareEncounters,
  initialStatus,
  newEncounters,
  needsReleaseRule,
  plainEvidence,
  purgedBefore,
  purgedEncounters,
  secondaryVenueRule,
  storedEncounters,
  traceParameters,
  withPurgedEncounters,
  type CaseClassification,
  type CaseSource,
  type CaseStatus,
  type ContactClass,
  type Encounter,
  type FoundContact,
  type PurgedMark,
} from './tracing.rules.ts';
import type { Interval } from '../rules/ruleset.rules.ts';
import { latestPurgeCutoff } from '../venues/venue.store.ts';
import type {
  CaseCreateBody,
  CaseListQuery,
  CaseStatusBody,
  CaseTimesBody,
  CaseView,
  ContactListQuery,
  ContactView,
  ManualContactBody,
  ReviewBody,
} from './tracing.schema.ts';
import type { BulkReviewBody, ContactGroupQuery } from './tracing.schema.ts';
import {
  BULK_REVIEW_MAX,
  groupContacts,
  groupKeyOf,
  type ContactGroup,
  type GroupableContact,
} from './tracing.groups.rules.ts';
import * as store from './tracing.store.ts';
import { syncCallTasks } from '../notify/notify.service.ts';
import { syncCaseFacts } from '../health/health.tracing.ts';
import { basisOf } from '../health/basis.rules.ts';
import type { CaseRow, ContactListRow, Paging } from './tracing.store.ts';
import { listingScope } from '../access/access.scope.ts';

export { traceContacts };
export type { TraceAnchor, TraceResult };

// ---- views -------------------------------------------------------------------------------------

export function toCaseView(row: CaseRow): CaseView {
  return {
    id: row.id,
    personId: row.person_id,
    personName: row.person_name,
    areaId: row.area_id,
    areaName: row.area_name,
    classification: row.classification as CaseClassification,
    onsetAt: num(row.onset_at),
    firstPositiveSampledAt: num(row.first_positive_sampled_at),
    source: row.source as CaseSource,
    isolatedAt: num(row.isolated_at),
    status: row.status as CaseStatus,
    ruleSet: { id: row.ruleset_id, version: row.ruleset_version },
    tracedAt: num(row.traced_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function num(v: number | null): number | null {
  return v === null ? null : Number(v);
}

export function toContactView(s: Pick<Services, 'cipher'>, row: ContactListRow): ContactView {
  const phone = row.phone_enc ? maskPhone(s.cipher.decrypt(row.phone_enc)) : null;
  return {
    id: row.id,
    caseId: row.case_id,
    person: { id: row.person_id, name: row.person_name, phone, areaName: row.area_name },
    class: row.class as ContactClass,
    candidate: row.candidate === 1,
    basis: row.basis as ContactView['basis'],
    reasonCode: row.reason_code,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>,
    rule: { ruleSet: { id: row.ruleset_id, version: row.ruleset_version }, rule: row.rule },
    firstExposureAt: num(row.first_exposure_at),
    lastExposureAt: num(row.last_exposure_at),
    review: {
      status: row.review_status as ContactView['review']['status'],
      by: row.reviewed_by,
      reason: row.review_reason,
      at: num(row.reviewed_at),
    },
    sourceContactId: row.source_contact_id,
  };
}

// ---- tracing a stored case ---------------------------------------------------------------------

export interface TraceSummary {
  window: { start: number; end: number; anchor: string; lookBackDays: number };
  parameters: ReturnType<typeof traceParameters>;
  purgedBefore: number | null;
  found: { close: number; general: number; secondary: number };
  /** Unreviewed contacts of an earlier trace that this one no longer finds, deleted. */
  removed: number;
  /** Contacts that keep encounters from their stored evidence whose visits were purged since. */
  keptPurged: number;
}

function keyOf(c: Pick<ContactTable, 'person_id' | 'basis' | 'source_key'>): string {
  return `${c.person_id}\u0000${c.basis}\u0000${c.source_key}`;
}

function contactRow(
  caseId: string,
  r: RuleSet,
  f: FoundContact,
  now: number,
  source: ContactTable | null,
  extra: Record<string, unknown>,
): ContactTable {
  return {
    id: newId(now),
    case_id: caseId,
    person_id: f.personId,
    class: f.class,
    candidate: f.candidate ? 1 : 0,
    basis: f.basis,
    reason_code: f.reasonCode,
    evidence: JSON.stringify({ ...plainEvidence(f.evidence), computedClass: f.class, ...extra }),
    ruleset_id: r.id,
    ruleset_version: r.version,
    rule: f.rule,
    first_exposure_at: f.firstExposureAt,
    last_exposure_at: f.lastExposureAt,
    review_status: 'pending',
    reviewed_by: null,
    review_reason: null,
    reviewed_at: null,
    source_contact_id: source?.id ?? null,
    source_key: source?.id ?? '',
    created_at: now,
    updated_at: now,
  };
}

/**
 * What a purge took from the case's stored evidence: the latest cutoff, each stored contact's
 * encounters (by row id) and the check-ins of them no longer in the table. Null when no purge is
 * recorded or none of the evidence's visits is gone (a trace is then exactly what the table shows).
 */
interface PurgedEvidence {
  cutoff: number;
  encounters: Map<string, Encounter[]>;
  gone: Set<string>;
}

async function purgedEvidence(
  trx: Executor,
  stored: readonly ContactTable[],
  cutoff: number | null,
): Promise<PurgedEvidence | null> {
  if (cutoff === null) return null;
  const encounters = new Map<string, Encounter[]>();
  const before = new Set<string>();
  for (const row of stored) {
    if (row.basis !== 'venue' && row.basis !== 'secondary') continue;
    const list = storedEncounters(JSON.parse(row.evidence) as Record<string, unknown>);
    if (!list.length) continue;
    encounters.set(row.id, list);
    for (const id of checkinsBefore(list, cutoff)) before.add(id);
  }
  if (!before.size) return null;
  const present = await store.presentCheckins(trx, [...before]);
  const gone = new Set([...before].filter((id) => !present.has(id)));
  return gone.size ? { cutoff, encounters, gone } : null;
}

/**
 * The case's venue contacts with what their stored evidence keeps of purged visits: a contact the
 * trace finds again gets its purged encounters back, one it no longer finds stays on them alone (as
 * long as they still count under the rule set and window: `purgedEncounters`). Household contacts as
 * found; venue contacts in person order, as the trace gives them.
 */
function directWithPurged(
  r: RuleSet,
  window: Interval,
  direct: readonly FoundContact[],
  stored: readonly ContactTable[],
  p: PurgedEvidence,
): FoundContact[] {
  const venue = new Map(direct.filter((f) => f.basis === 'venue').map((f) => [f.personId, f]));
  for (const row of stored) {
    if (row.basis !== 'venue') continue;
    const kept = purgedEncounters(r, window, p.encounters.get(row.id) ?? [], p.gone);
    const found = venue.get(row.person_id);
    if (kept.length && (!found || newEncounters(storedEncounters(found.evidence), kept).length)) {
      venue.set(row.person_id, withPurgedEncounters(row.person_id, found, kept, p.cutoff));
    }
  }
  return [...direct.filter((f) => f.basis !== 'venue'), ...[...venue.keys()].sort().map((id) => venue.get(id)!)];
}

/**
 * The secondary contacts by venue with what their stored evidence keeps of purged visits (judged
 * again under the secondary venue rule and the source's window): one found again through the same
 * close contact gets them back; one no longer found at all stays on them alone while its close contact
 * is still a source. One secondary contact per person, as a trace gives.
 */
function secondaryWithPurged(
  r: RuleSet,
  found: readonly FoundContact[],
  stored: readonly ContactTable[],
  sources: ReadonlyMap<string, SecondarySource>,
  sourceRow: ReadonlyMap<string, ContactTable>,
  exclude: ReadonlySet<string>,
  p: PurgedEvidence,
): FoundContact[] {
  const rule = secondaryVenueRule(r);
  if (!rule) return [...found];
  const byPerson = new Map(found.map((f) => [f.personId, f]));
  const sourceOfRow = new Map([...sourceRow.values()].map((row) => [row.id, row.person_id]));
  for (const row of stored) {
    if (row.basis !== 'secondary' || !row.source_contact_id) continue;
    const sourcePersonId = sourceOfRow.get(row.source_contact_id);
    const src = sourcePersonId === undefined ? undefined : sources.get(sourcePersonId);
    if (!src || exclude.has(row.person_id)) continue;
    const window = { start: src.from, end: Math.max(src.from, src.until) };
    const kept = purgedEncounters(rule, window, p.encounters.get(row.id) ?? [], p.gone);
    if (!kept.length) continue;
    const now = byPerson.get(row.person_id);
    // Found through another close contact, or as a household member: that one stands.
    if (now && (now.sourcePersonId !== src.personId || now.evidence.via !== 'venue')) continue;
    const live = now ? storedEncounters(now.evidence) : [];
    const more = newEncounters(live, kept);
    if (!more.length) continue;
    const all = [...live, ...more].sort(compareEncounters);
    const mark: PurgedMark = { before: p.cutoff, encounters: more.length };
    byPerson.set(row.person_id, {
      personId: row.person_id,
      class: 'secondary',
      candidate: now ? now.candidate : row.candidate === 1,
      basis: 'secondary',
      reasonCode: now?.reasonCode ?? (row.reason_code as FoundContact['reasonCode']),
      rule: 'secondaryContacts.identified',
      firstExposureAt: Math.min(...all.map((e) => e.overlapStart)),
      lastExposureAt: Math.max(...all.map((e) => e.overlapEnd)),
      sourcePersonId: src.personId,
      evidence: { via: 'venue', sourcePersonId: src.personId, window, encounters: all, checkinsPurged: mark },
    });
  }
  return [...byPerson.values()];
}

/** Whether the contact keeps encounters on purged visits (a lazy evidence never does: it is all found). */
function isPurgedMarked(f: FoundContact): boolean {
  return f.evidence.checkinsPurged !== undefined;
}

/**
 * Traces the case under the rule set and stores the result in the caller's transaction: direct
 * contacts upserted, then secondary contacts of the stored close contacts that nobody dismissed (the
 * venue co-presence of settled ones only), then unreviewed automatic contacts this trace no longer
 * finds deleted. Contacts are records, not a cache: encounters of their stored evidence whose visits a
 * purge deleted still count (marked `purged`, the evidence saying how many in `checkinsPurged`), so a
 * re-trace after a purge keeps the contacts and their call tasks and only adds what it newly finds.
 * What it may still remove is what it removed before: a contact whose evidence is all still in the
 * table and no longer qualifies (a corrected check-in or case time, another rule set), a household
 * member who moved, the unreviewed secondary contacts of a dismissed close contact.
 */
async function traceCase(s: Services, trx: Executor, c: CaseRecordTable, r: RuleSet): Promise<TraceSummary> {
  const now = s.clock.now();
  const person = await tracedPerson(trx, c.person_id);
  const window = contactWindow(
    r,
    { onsetAt: c.onset_at, sampledAt: c.first_positive_sampled_at, isolatedAt: c.isolated_at },
    s.config.timeZone,
    now,
  );
  const params = traceParameters(r);
  const extra = {
    window: { start: window.start, end: window.end },
    minimumOverlapMinutes: params.minimumOverlapMinutes,
    padding: params.padding,
  };
  const traced = await directContacts(trx, r, person, window);
  // Read after the check-ins: a purge committing in between is recorded by the time its deletions are seen.
  const cutoff = await latestPurgeCutoff(trx);
  const before = cutoff === null ? [] : await store.contactsOfCase(trx, c.id);
  const purged = await purgedEvidence(trx, before, cutoff);
  const direct = purged ? directWithPurged(r, window, traced, before, purged) : traced;
  let keptPurged = direct.filter(isPurgedMarked).length;
  await store.upsertContacts(
    trx,
    direct.map((f) => contactRow(c.id, r, f, now, null, f.basis === 'venue' ? extra : { window: extra.window })),
  );
  const kept = new Set(direct.map((f) => keyOf({ person_id: f.personId, basis: f.basis, source_key: '' })));

  let secondaryFound = 0;
  if (identifiesSecondaryContacts(r)) {
    const stored = await store.contactsOfCase(trx, c.id);
    const closeRows = stored.filter(
      (row) =>
        row.class === 'close' &&
        row.basis !== 'secondary' &&
        row.review_status !== 'dismissed' &&
        (row.basis === 'manual' || kept.has(keyOf(row))),
    );
    // One source per person: the earliest exposure; a candidate only while every row of it is unreviewed.
    const sourceRow = new Map<string, ContactTable>();
    const sources = new Map<string, Omit<SecondarySource, 'until'>>();
    for (const row of closeRows) {
      const from = Number(row.first_exposure_at ?? window.start);
      const pending = row.candidate === 1 && row.review_status === 'pending';
      const prev = sources.get(row.person_id);
      if (!prev || from < prev.from) sourceRow.set(row.person_id, row);
      sources.set(
        row.person_id,
        prev
          ? {
              personId: row.person_id,
              from: Math.min(prev.from, from),
              pendingCandidate: prev.pendingCandidate && pending,
            }
          : { personId: row.person_id, from, pendingCandidate: pending },
      );
    }
    const exclude = new Set([person.id, ...sources.keys()]);
    const isolated = await withIsolation(trx, [...sources.values()], now);
    // A venue candidate nobody has reviewed brings its household members only; its own venue contacts
    // are searched once it is confirmed (reviewContact traces the case again).
    let found = await secondaryContacts(trx, r, isolated, exclude, false);
    const purgedSince = await purgedEvidence(
      trx,
      stored.filter((row) => row.basis === 'secondary'),
      await latestPurgeCutoff(trx),
    );
    if (purgedSince) {
      found = secondaryWithPurged(
        r,
        found,
        stored,
        new Map(isolated.map((src) => [src.personId, src])),
        sourceRow,
        exclude,
        purgedSince,
      );
      keptPurged += found.filter(isPurgedMarked).length;
    }
    const venueExtra = { minimumOverlapMinutes: params.minimumOverlapMinutes, padding: params.padding };
    const rows = found.map((f) =>
      contactRow(c.id, r, f, now, sourceRow.get(f.sourcePersonId!)!, f.evidence.via === 'venue' ? venueExtra : {}),
    );
    await store.upsertContacts(trx, rows);
    for (const row of rows) kept.add(keyOf(row));
    secondaryFound = rows.length;
  }

  const stale = (await store.contactsOfCase(trx, c.id))
    .filter((row) => row.basis !== 'manual' && row.review_status === 'pending' && !kept.has(keyOf(row)))
    .map((row) => row.id);
  const removed = await store.deleteContacts(trx, stale);
  await syncCallTasks(s, trx, c.id); // a call task per contact found (通知), withdrawn when it goes
  await store.updateCase(trx, c.id, { ruleset_id: r.id, ruleset_version: r.version, traced_at: now, updated_at: now });
  return {
    window: { start: window.start, end: window.end, anchor: window.anchor, lookBackDays: window.lookBackDays },
    parameters: params,
    purgedBefore: purgedBefore(window.start, cutoff),
    found: {
      close: direct.filter((f) => f.class === 'close').length,
      general: direct.filter((f) => f.class === 'general').length,
      secondary: secondaryFound,
    },
    removed,
    keptPurged,
  };
}

// ---- cases -------------------------------------------------------------------------------------

/** History rows are numbered within their case, so that changes in the same millisecond keep their order. */
function historyId(caseId: string, n: number): string {
  return `${caseId}-${String(n).padStart(4, '0')}`;
}

async function caseInScope(ex: Executor, actor: Actor, id: string): Promise<CaseRow> {
  const row = await store.caseById(ex, id);
  if (!row) throw new AppError('CASE_NOT_FOUND');
  assertInScope(actor, row.area_path);
  return row;
}

function requireReason(reason: string | undefined): string {
  const why = (reason ?? '').trim();
  if (!why) throw new AppError('CASE_REASON_REQUIRED');
  return why;
}

function assertNotFuture(now: number, times: Record<string, number | null | undefined>): void {
  for (const [field, at] of Object.entries(times)) {
    if (at !== null && at !== undefined && at > now) throw new AppError('CASE_TIME_IN_FUTURE', { field });
  }
}

export interface CaseDetail {
  case: CaseView;
  history: Array<{
    kind: 'registered' | 'status';
    from: string | null;
    to: string;
    at: number;
    actorId: string | null;
    reason: string;
    evidence: Record<string, unknown>;
  }>;
  contacts: {
    total: number;
    byClass: Record<string, number>;
    byReview: Record<string, number>;
    pendingCandidates: number;
  };
  trace?: TraceSummary;
}

async function detailOf(ex: Executor, id: string, trace?: TraceSummary): Promise<CaseDetail> {
  const row = (await store.caseById(ex, id))!;
  const history = (await store.statusHistory(ex, id)).map((h) => ({
    // The first row's stored reason is the word "registered", not a person's words: readers get the kind.
    kind: h.from_status === null ? ('registered' as const) : ('status' as const),
    from: h.from_status,
    to: h.to_status,
    at: Number(h.at),
    actorId: h.actor_id,
    reason: h.from_status === null && h.reason === 'registered' ? '' : h.reason,
    evidence: JSON.parse(h.evidence) as Record<string, unknown>,
  }));
  const counts = await store.contactCounts(ex, id);
  const byClass: Record<string, number> = {};
  const byReview: Record<string, number> = {};
  let total = 0;
  let pendingCandidates = 0;
  for (const c of counts) {
    total += c.n;
    byClass[c.class] = (byClass[c.class] ?? 0) + c.n;
    byReview[c.review_status] = (byReview[c.review_status] ?? 0) + c.n;
    if (c.candidate === 1 && c.review_status === 'pending') pendingCandidates += c.n;
  }
  return {
    case: toCaseView(row),
    history,
    contacts: { total, byClass, byReview, pendingCandidates },
    ...(trace ? { trace } : {}),
  };
}

function traceAudit(t: TraceSummary): Record<string, unknown> {
  return {
    ruleSet: t.parameters.ruleSet,
    window: t.window,
    found: t.found,
    removed: t.removed,
    keptPurged: t.keptPurged,
    purgedBefore: t.purgedBefore,
  };
}

/** Registers a case for a registered person and traces its contacts in the same transaction. */
export async function registerCase(s: Services, actor: Actor, body: CaseCreateBody): Promise<CaseDetail> {
  assertCan(actor, 'case.manage');
  return s.db.transaction().execute(async (trx) => {
    const person = await tracedPerson(trx, body.personId);
    assertInScope(actor, person.area_path);
    const now = s.clock.now();
    assertNotFuture(now, { firstPositiveSampledAt: body.firstPositiveSampledAt, isolatedAt: body.isolatedAt });
    const open = await store.openCaseOfPerson(trx, person.id);
    if (open) throw new AppError('CASE_ALREADY_OPEN', {}, { extra: { existing: { id: open.id } } });
    const { ruleSet } = await activeChoice(s, trx);
    const status = initialStatus(body.classification);
    const row: CaseRecordTable = {
      id: newId(now),
      person_id: person.id,
      classification: body.classification,
      onset_at: body.onsetAt ?? null,
      first_positive_sampled_at: body.firstPositiveSampledAt ?? null,
      source: body.source,
      isolated_at: body.isolatedAt ?? null,
      status,
      ruleset_id: ruleSet.id,
      ruleset_version: ruleSet.version,
      traced_at: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    await store.insertCase(trx, row);
    await store.insertStatusHistory(trx, {
      id: historyId(row.id, 1),
      case_id: row.id,
      from_status: null,
      to_status: status,
      at: now,
      actor_id: actor.userId,
      reason: 'registered',
      evidence: JSON.stringify({ classification: body.classification, source: body.source }),
    });
    const trace = await traceCase(s, trx, row, ruleSet);
    await syncCaseFacts(s, trx, row.id, {
      actor: auditActor(actor),
      ...basisOf('case_registered', { caseId: row.id, status }),
    });
    await s.ports.caseRegistered?.(s, trx, {
      caseId: row.id,
      personId: person.id,
      classification: body.classification,
      at: now,
      actor: auditActor(actor),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'case.create',
      objectType: 'case',
      objectId: row.id,
      detail: {
        personId: person.id,
        classification: body.classification,
        source: body.source,
        status,
        trace: traceAudit(trace),
      },
    });
    return detailOf(trx, row.id, trace);
  });
}

/** Corrects the case's onset, first positive sampling or isolation time, and traces again. */
export async function updateCaseTimes(s: Services, actor: Actor, id: string, body: CaseTimesBody): Promise<CaseDetail> {
  assertCan(actor, 'case.manage');
  const reason = requireReason(body.reason);
  return s.db.transaction().execute(async (trx) => {
    const c = await caseInScope(trx, actor, id);
    const now = s.clock.now();
    assertNotFuture(now, { firstPositiveSampledAt: body.firstPositiveSampledAt, isolatedAt: body.isolatedAt });
    const changes: Partial<CaseRecordTable> = {};
    if (body.onsetAt !== undefined) changes.onset_at = body.onsetAt;
    if (body.firstPositiveSampledAt !== undefined) changes.first_positive_sampled_at = body.firstPositiveSampledAt;
    if (body.isolatedAt !== undefined) changes.isolated_at = body.isolatedAt;
    const before = {
      onsetAt: num(c.onset_at),
      firstPositiveSampledAt: num(c.first_positive_sampled_at),
      isolatedAt: num(c.isolated_at),
    };
    await store.updateCase(trx, id, { ...changes, updated_at: now });
    const { ruleSet } = await activeChoice(s, trx);
    const trace = await traceCase(s, trx, { ...c, ...changes }, ruleSet);
    await syncCaseFacts(s, trx, id, {
      actor: auditActor(actor),
      ...basisOf('case_times_changed', { caseId: id, reason }),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'case.update',
      objectType: 'case',
      objectId: id,
      reason,
      detail: {
        before,
        changes: {
          onsetAt: changes.onset_at,
          firstPositiveSampledAt: changes.first_positive_sampled_at,
          isolatedAt: changes.isolated_at,
        },
        trace: traceAudit(trace),
      },
    });
    return detailOf(trx, id, trace);
  });
}

/** Traces the case again under the active rule set (on demand). */
export async function retraceCase(s: Services, actor: Actor, id: string): Promise<CaseDetail> {
  assertCan(actor, 'case.manage');
  return s.db.transaction().execute(async (trx) => {
    const c = await caseInScope(trx, actor, id);
    const { ruleSet } = await activeChoice(s, trx);
    const trace = await traceCase(s, trx, c, ruleSet);
    await syncCaseFacts(s, trx, id, { actor: auditActor(actor), ...basisOf('case_traced', { caseId: id }) });
    await s.audit(trx, auditActor(actor), {
      action: 'case.trace',
      objectType: 'case',
      objectId: id,
      detail: traceAudit(trace),
    });
    return detailOf(trx, id, trace);
  });
}

/**
 * Moves the case along suspected → confirmed → recovered → released, appending a history row with the
 * reason and evidence. Release needs the active rule set's release rule met by the tests given.
 */
export async function changeCaseStatus(
  s: Services,
  actor: Actor,
  id: string,
  body: CaseStatusBody,
): Promise<CaseDetail> {
  assertCan(actor, 'case.manage');
  const reason = requireReason(body.reason);
  return s.db.transaction().execute(async (trx) => {
    const c = await caseInScope(trx, actor, id);
    const from = c.status as CaseStatus;
    if (!canTransition(from, body.to)) throw new AppError('CASE_STATUS_TRANSITION_INVALID', { from, to: body.to });
    const now = s.clock.now();
    const evidence: Record<string, unknown> = { ...(body.evidence ?? {}) };
    if (needsReleaseRule(body.to)) {
      const { ruleSet } = await activeChoice(s, trx);
      const tests: IsolationTest[] = (body.tests ?? []).map((t) => ({
        sampledAt: t.sampledAt,
        reportedAt: t.reportedAt ?? null,
        ct: t.ct,
      }));
      assertNotFuture(now, Object.fromEntries(tests.map((t, i) => [`tests[${i}].sampledAt`, t.sampledAt])));
      const decision = releasable(ruleSet, tests);
      if (!decision.releasable) {
        throw new AppError('CASE_RELEASE_RULE_NOT_MET', {
          tests: ruleSet.release.tests,
          ctThreshold: ruleSet.release.ctThreshold,
          hours: ruleSet.release.minHoursApart,
        });
      }
      evidence.release = { ...decision, tests };
    }
    const changes: Partial<CaseRecordTable> = { status: body.to, updated_at: now };
    if (from === 'suspected' && body.to === 'confirmed')
      changes.classification = (body.classification ?? 'confirmed') as CaseClassification;
    await store.updateCase(trx, id, changes);
    const n = (await store.statusHistory(trx, id)).length + 1;
    await store.insertStatusHistory(trx, {
      id: historyId(id, n),
      case_id: id,
      from_status: from,
      to_status: body.to,
      at: now,
      actor_id: actor.userId,
      reason,
      evidence: JSON.stringify(evidence),
    });
    await syncCaseFacts(s, trx, id, {
      actor: auditActor(actor),
      ...basisOf('case_status', { caseId: id, from, to: body.to, reason }),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'case.status',
      objectType: 'case',
      objectId: id,
      reason,
      detail: {
        from,
        to: body.to,
        classification: changes.classification ?? c.classification,
        ruleSet: (evidence.release as { ruleSet?: unknown } | undefined)?.ruleSet ?? null,
      },
    });
    return detailOf(trx, id);
  });
}

export async function getCase(s: Services, actor: Actor, id: string): Promise<CaseDetail> {
  assertCan(actor, 'case.read');
  return s.db.transaction().execute(async (trx) => {
    await caseInScope(trx, actor, id);
    await s.audit(trx, auditActor(actor), { action: 'case.read', objectType: 'case', objectId: id });
    return detailOf(trx, id);
  });
}

export async function listCases(
  s: Services,
  actor: Actor,
  query: CaseListQuery,
  paging: Paging,
): Promise<Page<CaseView>> {
  assertCan(actor, 'case.read');
  return s.db.transaction().execute(async (trx) => {
    const path = await listingScope(trx, actor, query.areaId);
    const { rows, total } = await store.listCases(
      trx,
      { path, status: query.status, classification: query.classification },
      paging,
    );
    await s.audit(trx, auditActor(actor), {
      action: 'case.list',
      objectType: 'case',
      objectId: null,
      detail: {
        areaId: query.areaId ?? null,
        status: query.status ?? null,
        classification: query.classification ?? null,
        results: total,
      },
    });
    return { items: rows.map(toCaseView), total, ...paging };
  });
}

/**
 * How many cases the cases page lists in the actor's area: all, and those registered since `since`
 * (the command centre's home page). Counts only, no personal data: not audited.
 */
export async function caseCounts(s: Services, actor: Actor, since: number): Promise<{ total: number; since: number }> {
  assertCan(actor, 'case.read');
  const none = { limit: 0, offset: 0 };
  const [all, recent] = await Promise.all([
    store.listCases(s.db, { path: actor.areaPath }, none),
    store.listCases(s.db, { path: actor.areaPath, createdSince: since }, none),
  ]);
  return { total: all.total, since: recent.total };
}

// ---- contacts ----------------------------------------------------------------------------------

export async function listContacts(
  s: Services,
  actor: Actor,
  caseId: string,
  query: ContactListQuery,
  paging: Paging,
): Promise<Page<ContactView>> {
  assertCan(actor, 'case.read');
  return s.db.transaction().execute(async (trx) => {
    await caseInScope(trx, actor, caseId);
    const f = { caseId, class: query.class, reviewStatus: query.reviewStatus };
    let found: { rows: ContactListRow[]; total: number };
    if (query.group) {
      const ids = (await store.groupableContacts(trx, f))
        .filter((r) => groupKeyOf(groupable(r)) === query.group)
        .map((r) => r.id);
      found = {
        rows: await store.contactsWithPersonByIds(trx, ids.slice(paging.offset, paging.offset + paging.limit)),
        total: ids.length,
      };
    } else {
      found = await store.listContacts(trx, f, paging);
    }
    const { rows, total } = found;
    await s.audit(trx, auditActor(actor), {
      action: 'case.contacts.read',
      objectType: 'case',
      objectId: caseId,
      detail: {
        class: query.class ?? null,
        reviewStatus: query.reviewStatus ?? null,
        group: query.group ?? null,
        results: total,
        offset: paging.offset,
      },
    });
    return {
      items: await withScanGaps(
        trx,
        rows.map((r) => toContactView(s, r)),
      ),
      total,
      ...paging,
    };
  });
}

type VisitShown = { checkinId?: unknown; scanGapMs?: number };

/**
 * The contacts with each venue visit of their evidence marked with how long after the scan it reached
 * the server (`scanGapMs`), when it waited in a guard device's queue: the visit's time is the device's
 * word, bounded by the queue window, and investigators see which visits arrived late. One read for
 * the page.
 */
export async function withScanGaps<V extends Pick<ContactView, 'evidence'>>(ex: Executor, views: V[]): Promise<V[]> {
  const visits: VisitShown[] = [];
  for (const v of views) {
    const encounters = v.evidence.encounters;
    if (!Array.isArray(encounters)) continue;
    for (const e of encounters as Array<{ caseVisit?: VisitShown; contactVisit?: VisitShown }>) {
      for (const visit of [e?.caseVisit, e?.contactVisit])
        if (visit && typeof visit.checkinId === 'string') visits.push(visit);
    }
  }
  if (!visits.length) return views;
  const gaps = await store.scanGapsOf(
    ex,
    visits.map((v) => v.checkinId as string),
  );
  for (const visit of visits) {
    const gap = gaps.get(visit.checkinId as string);
    if (gap !== undefined) visit.scanGapMs = gap;
  }
  return views;
}

async function contactView(s: Services, ex: Executor, contactId: string): Promise<ContactView> {
  return toContactView(s, (await store.contactWithPerson(ex, contactId))!);
}

/** An investigator confirms, reclassifies or dismisses a contact, with a reason; re-traces keep it. */
export async function reviewContact(
  s: Services,
  actor: Actor,
  contactId: string,
  body: ReviewBody,
): Promise<ContactView> {
  assertCan(actor, 'case.manage');
  const reason = requireReason(body.reason);
  if (body.decision === 'reclassify' && !body.class) throw new AppError('CONTACT_CLASS_REQUIRED');
  return s.db.transaction().execute(async (trx) => {
    const contact = await store.contactById(trx, contactId);
    if (!contact) throw new AppError('CONTACT_NOT_FOUND');
    const c = await caseInScope(trx, actor, contact.case_id);
    const now = s.clock.now();
    const status =
      body.decision === 'confirm' ? 'confirmed' : body.decision === 'dismiss' ? 'dismissed' : 'reclassified';
    const cls = body.decision === 'reclassify' ? body.class! : contact.class;
    await store.reviewContact(trx, contactId, {
      class: cls,
      review_status: status,
      reviewed_by: actor.userId,
      review_reason: reason,
      reviewed_at: now,
      updated_at: now,
    });
    // A close contact settled or dismissed changes the case's secondary contacts (its venue contacts
    // are searched once it is confirmed; a dismissed one's unreviewed secondaries go): trace again
    // under the case's rule set.
    if (contact.basis !== 'secondary' && (contact.class === 'close' || cls === 'close')) {
      const r = ruleSetById(c.ruleset_id);
      if (identifiesSecondaryContacts(r)) await traceCase(s, trx, c, r);
    }
    await syncCallTasks(s, trx, contact.case_id, auditActor(actor));
    await syncCaseFacts(s, trx, contact.case_id, {
      actor: auditActor(actor),
      ...basisOf('contact_reviewed', { contactId, status, reason }),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'contact.review',
      objectType: 'contact',
      objectId: contactId,
      reason,
      detail: {
        caseId: contact.case_id,
        personId: contact.person_id,
        decision: body.decision,
        from: { class: contact.class, review: contact.review_status },
        to: { class: cls, review: status },
      },
    });
    return contactView(s, trx, contactId);
  });
}

function groupable(r: Pick<ContactTable, 'id' | 'class' | 'basis' | 'candidate' | 'evidence'>): GroupableContact {
  return {
    id: r.id,
    class: r.class,
    basis: r.basis,
    candidate: Number(r.candidate) === 1,
    evidence: JSON.parse(r.evidence) as Record<string, unknown>,
  };
}

/**
 * The case's contacts in review groups (venue and the case's visit there, household, secondary,
 * interview), with counts, overlap range and classes: no names, but what was read is audited.
 */
export async function contactGroups(
  s: Services,
  actor: Actor,
  caseId: string,
  query: ContactGroupQuery,
): Promise<{ items: ContactGroup[]; total: number }> {
  assertCan(actor, 'case.read');
  return s.db.transaction().execute(async (trx) => {
    await caseInScope(trx, actor, caseId);
    const rows = await store.groupableContacts(trx, { caseId, class: query.class, reviewStatus: query.reviewStatus });
    const items = groupContacts(rows.map(groupable));
    await s.audit(trx, auditActor(actor), {
      action: 'case.contacts.groups',
      objectType: 'case',
      objectId: caseId,
      detail: {
        class: query.class ?? null,
        reviewStatus: query.reviewStatus ?? null,
        groups: items.length,
        results: rows.length,
      },
    });
    return { items, total: rows.length };
  });
}

/**
 * One decision with one reason for many contacts of a case — a review group, a filter, listed ids, or
 * ids within a group or filter — in one transaction: all reviewed or none, at most BULK_REVIEW_MAX,
 * ids that are not the case's refused. The case is traced again once (not per contact) when a close
 * contact is among them, its call tasks and colours follow, and one audit event lists every contact
 * with what it was before.
 */
export async function bulkReview(
  s: Services,
  actor: Actor,
  caseId: string,
  body: BulkReviewBody,
): Promise<{ reviewed: number; decision: BulkReviewBody['decision']; ids: string[] }> {
  assertCan(actor, 'case.manage');
  const reason = requireReason(body.reason);
  if (body.decision === 'reclassify' && !body.class) throw new AppError('CONTACT_CLASS_REQUIRED');
  const sel = body.select;
  return s.db.transaction().execute(async (trx) => {
    const c = await caseInScope(trx, actor, caseId);
    let rows = await store.groupableContacts(trx, { caseId, class: sel.class, reviewStatus: sel.reviewStatus });
    if (sel.group) rows = rows.filter((r) => groupKeyOf(groupable(r)) === sel.group);
    if (sel.ids) {
      const wanted = new Set(sel.ids);
      const inCase = new Set((await store.groupableContacts(trx, { caseId })).map((r) => r.id));
      const foreign = sel.ids.filter((id) => !inCase.has(id));
      if (foreign.length)
        throw new AppError(
          'CONTACT_BULK_NOT_IN_CASE',
          { count: foreign.length },
          { extra: { ids: foreign.slice(0, 20) } },
        );
      rows = rows.filter((r) => wanted.has(r.id));
    }
    if (!rows.length) throw new AppError('CONTACT_BULK_EMPTY');
    if (rows.length > BULK_REVIEW_MAX)
      throw new AppError('CONTACT_BULK_TOO_MANY', { max: BULK_REVIEW_MAX, count: rows.length });
    const now = s.clock.now();
    const status =
      body.decision === 'confirm' ? 'confirmed' : body.decision === 'dismiss' ? 'dismissed' : 'reclassified';
    const ids = rows.map((r) => r.id);
    await store.reviewContacts(trx, caseId, ids, {
      review_status: status,
      reviewed_by: actor.userId,
      review_reason: reason,
      reviewed_at: now,
      updated_at: now,
      ...(body.decision === 'reclassify' ? { class: body.class! } : {}),
    });
    // As for one contact (reviewContact): a close contact settled or dismissed changes the case's
    // secondary contacts — traced again once for them all.
    const touchesClose = rows.some(
      (r) =>
        r.basis !== 'secondary' && (r.class === 'close' || (body.decision === 'reclassify' && body.class === 'close')),
    );
    if (touchesClose) {
      const r = ruleSetById(c.ruleset_id);
      if (identifiesSecondaryContacts(r)) await traceCase(s, trx, c, r);
    }
    await syncCallTasks(s, trx, caseId, auditActor(actor));
    await syncCaseFacts(s, trx, caseId, {
      actor: auditActor(actor),
      ...basisOf('contacts_reviewed', { count: ids.length, status, reason }),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'contact.review.bulk',
      objectType: 'case',
      objectId: caseId,
      reason,
      detail: {
        decision: body.decision,
        to: { class: body.decision === 'reclassify' ? body.class : null, review: status },
        select: {
          group: sel.group ?? null,
          class: sel.class ?? null,
          reviewStatus: sel.reviewStatus ?? null,
          ids: sel.ids?.length ?? null,
        },
        count: ids.length,
        contacts: rows.map((r) => ({
          id: r.id,
          personId: r.person_id,
          from: { class: r.class, review: r.review_status },
        })),
      },
    });
    return { reviewed: ids.length, decision: body.decision, ids };
  });
}

/** A contact the investigator found by interview, with a structured reason (RULES.md §1). */
export async function addManualContact(
  s: Services,
  actor: Actor,
  caseId: string,
  body: ManualContactBody,
): Promise<ContactView> {
  assertCan(actor, 'case.manage');
  return s.db.transaction().execute(async (trx) => {
    const c = await caseInScope(trx, actor, caseId);
    const person = await tracedPerson(trx, body.personId);
    if (person.id === c.person_id) throw new AppError('CONTACT_SELF');
    const now = s.clock.now();
    if (body.firstExposureAt > body.lastExposureAt || body.lastExposureAt > now)
      throw new AppError('CONTACT_EXPOSURE_INVALID');
    const existing = (await store.contactsOfCase(trx, caseId)).find(
      (r) => r.person_id === person.id && r.basis === 'manual',
    );
    if (existing) throw new AppError('CONTACT_DUPLICATE', {}, { extra: { existing: { id: existing.id } } });
    const { ruleSet } = await activeChoice(s, trx);
    const cls = body.class ?? 'close';
    const id = newId(now);
    const note = body.note?.trim() ?? '';
    await store.upsertContacts(trx, [
      {
        id,
        case_id: caseId,
        person_id: person.id,
        class: cls,
        candidate: 0,
        basis: 'manual',
        reason_code: body.reasonCode,
        evidence: JSON.stringify({ note, enteredBy: actor.userId, computedClass: cls }),
        ruleset_id: ruleSet.id,
        ruleset_version: ruleSet.version,
        rule: 'manual',
        first_exposure_at: body.firstExposureAt,
        last_exposure_at: body.lastExposureAt,
        review_status: 'confirmed',
        reviewed_by: actor.userId,
        review_reason: note || body.reasonCode,
        reviewed_at: now,
        source_contact_id: null,
        source_key: '',
        created_at: now,
        updated_at: now,
      },
    ]);
    await syncCallTasks(s, trx, caseId, auditActor(actor));
    await syncCaseFacts(s, trx, caseId, {
      actor: auditActor(actor),
      ...basisOf('contact_entered', { contactId: id, reasonCode: body.reasonCode }),
    });
    await s.audit(trx, auditActor(actor), {
      action: 'contact.create',
      objectType: 'contact',
      objectId: id,
      reason: note,
      detail: {
        caseId,
        personId: person.id,
        class: cls,
        reasonCode: body.reasonCode,
        firstExposureAt: body.firstExposureAt,
        lastExposureAt: body.lastExposureAt,
        ruleSet: ruleSetRef(ruleSet),
      },
    });
    return contactView(s, trx, id);
  });
}

// ---- dry trace ---------------------------------------------------------------------------------

export interface DryTrace extends TraceResult {
  /** Names of the contacts (and the person traced), for the operator at the terminal. */
  names: Record<string, string>;
}

/**
 * Traces a person without registering a case (`cordon trace`): the active rule set unless one is
 * named. Reads personal data, so the run is audited with its parameters and counts.
 */
export async function dryTrace(
  s: Services,
  actor: AuditActor,
  anchor: TraceAnchor,
  ruleSetId?: string,
): Promise<DryTrace> {
  return s.db.transaction().execute(async (trx) => {
    const ruleSet = ruleSetId ? ruleSetById(ruleSetId) : (await activeChoice(s, trx)).ruleSet;
    const result = await traceContacts(trx, ruleSet, anchor, { now: s.clock.now(), timeZone: s.config.timeZone });
    const people = await store.personsByIds(trx, [result.personId, ...result.contacts.map((c) => c.personId)]);
    await s.audit(trx, actor, {
      action: 'case.trace.dry',
      objectType: 'person',
      objectId: result.personId,
      detail: {
        ruleSet: result.parameters.ruleSet,
        window: { start: result.window.start, end: result.window.end },
        purgedBefore: result.purgedBefore,
        contacts: result.contacts.length,
      },
    });
    return { ...result, names: Object.fromEntries(people.map((p) => [p.id, p.name])) };
  });
}
