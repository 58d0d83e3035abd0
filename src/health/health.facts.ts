// The health-facts port: other domains add or end facts about people and record test results here,
// inside their own transaction; the colour each person shows follows from the facts by the active
// rule set (deriveColour), and every change of colour writes a history row with its basis and an
// audit event in that same transaction. Other domains never set a colour.
//
// Set-based: a batch of a million negative results for people with no facts costs one batched insert
// of the results and one batched upsert of the latest test, no per-person recompute; given as a query
// of the calling domain (recordTestResultsFrom) they are three INSERT … SELECT statements.
import type { HealthColourHistoryTable, HealthFactTable, HealthStatusTable, Tx, Executor } from '../db/database.ts';
import { chunks } from '../db/sql.ts';
import type { Services } from '../services.ts';
import type { AuditActor } from '../platform/audit.ts';
import { newId } from '../platform/crypto.ts';
import type { FactKind, RuleSet } from '../rules/ruleset.schema.ts';
import { deriveColour, ruleSetRef, type Colour, type ColourFact, type NegativeTest } from '../rules/ruleset.rules.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import {
  breakerTrips,
  derivedColourAt,
  isColour,
  nextChangeAt,
  overrideOf,
  type OverrideInForce,
  type StoredReason,
} from './health.rules.ts';
import * as store from './health.store.ts';
import type { BasisKind, BasisParams } from './basis.rules.ts';
import { basisReason } from '../audit/audit.rules.ts';

export type FactSourceType = 'case' | 'contact' | 'pool' | 'risk_area' | 'quarantine' | 'test_schedule' | 'manual';

export interface NewFact {
  personId: string;
  kind: FactKind;
  since: number;
  until?: number | null;
  /** (personId, kind, source) is unique: adding again updates. */
  source: { type: FactSourceType; id: string };
  /** Evidence shown with the reason (no raw personal data). */
  detail?: Record<string, unknown>;
  /** What the source belongs to (e.g. the case of a contact), to find and end its facts together. */
  group?: string;
}

export interface ColourBasis {
  /** SYSTEM_ACTOR for rule-driven changes. */
  actor: AuditActor;
  /** Words for the record, e.g. "pool T2203240001 reported suspected positive". */
  reason: string;
  /** The same basis as data, shown to each reader in their language (basis.rules.ts: basisOf); without it the words are read back. */
  kind?: BasisKind;
  params?: BasisParams;
  /** A person's decision (designation, override): subject to the circuit breaker. */
  manual?: boolean;
}

export interface ColourChange {
  personId: string;
  from: Colour;
  to: Colour;
  reasons: string[];
}

export type FactsOutcome =
  { applied: true; changes: ColourChange[] } | { applied: false; pendingApprovalId: string; people: number };

export interface TestResultFact {
  personId: string;
  sampledAt: number;
  reportedAt: number;
  result: 'negative' | 'positive';
  pooled: boolean;
  /** id = tube id; unique with personId. */
  source: { type: 'tube'; id: string };
  ct?: { N: number | null; ORF1ab: number | null };
}

/** Links a colour change to the manual decision behind it. */
export interface ChangeLink {
  overrideId?: string | null;
  approvalId?: string | null;
}

interface InternalOptions extends ChangeLink {
  /** Set when a command-centre approval already cleared the circuit breaker. */
  approved?: boolean;
}

const AUDIT_CHUNK = 500;
const RECOMPUTE_CHUNK = 2_000;

// ---- facts -----------------------------------------------------------------------------------

export async function addFacts(
  s: Services,
  trx: Tx,
  facts: NewFact[],
  basis: ColourBasis,
  opts: InternalOptions = {},
): Promise<FactsOutcome> {
  if (!facts.length) return { applied: true, changes: [] };
  const { ruleSet } = await activeChoice(s, trx);
  const people = [...new Set(facts.map((f) => f.personId))];
  if (!opts.approved && breakerTrips(ruleSet.massRecolourThreshold, people.length, !!basis.manual)) {
    const id = await holdForApproval(s, trx, ruleSet, 'add_facts', { facts }, people.length, basis);
    return { applied: false, pendingApprovalId: id, people: people.length };
  }
  const now = s.clock.now();
  // The same (person, kind, source) twice in one batch: the last one counts (one statement cannot touch a row twice).
  const unique = [
    ...new Map(facts.map((f) => [`${f.personId}|${f.kind}|${f.source.type}|${f.source.id}`, f])).values(),
  ];
  const rows: HealthFactTable[] = unique.map((f) => ({
    id: newId(now),
    person_id: f.personId,
    kind: f.kind,
    source_type: f.source.type,
    source_id: f.source.id,
    source_group: f.group ?? null,
    since: f.since,
    until: f.until ?? null,
    ended_at: null,
    detail: JSON.stringify(f.detail ?? {}),
    created_at: now,
    updated_at: now,
  }));
  await store.upsertFacts(trx, rows);
  const changes = await applyColours(s, trx, ruleSet, people, basis, opts);
  return { applied: true, changes };
}

export async function endFacts(
  s: Services,
  trx: Tx,
  where: { sourceType: FactSourceType; sourceId: string; personIds?: string[]; kind?: FactKind },
  at: number,
  basis: ColourBasis,
  opts: InternalOptions = {},
): Promise<FactsOutcome> {
  const open = await store.openFactsOf(trx, where);
  if (!open.length) return { applied: true, changes: [] };
  const { ruleSet } = await activeChoice(s, trx);
  const people = [...new Set(open.map((f) => f.person_id))];
  if (!opts.approved && breakerTrips(ruleSet.massRecolourThreshold, people.length, !!basis.manual)) {
    const id = await holdForApproval(s, trx, ruleSet, 'end_facts', { where, at }, people.length, basis);
    return { applied: false, pendingApprovalId: id, people: people.length };
  }
  await store.endFactRows(
    trx,
    open.map((f) => f.id),
    at,
  );
  const changes = await applyColours(s, trx, ruleSet, people, basis, opts);
  return { applied: true, changes };
}

/** Withdraws the facts of these ids (rule-driven reconciliation, e.g. a case's contacts). */
export async function endFactsById(
  s: Services,
  trx: Tx,
  facts: ReadonlyArray<{ id: string; person_id: string }>,
  at: number,
  basis: ColourBasis,
): Promise<ColourChange[]> {
  if (!facts.length) return [];
  const { ruleSet } = await activeChoice(s, trx);
  await store.endFactRows(
    trx,
    facts.map((f) => f.id),
    at,
  );
  return applyColours(
    s,
    trx,
    ruleSet,
    facts.map((f) => f.person_id),
    basis,
    {},
  );
}

// ---- test results ----------------------------------------------------------------------------

/** Records results (latest test shown at the door) and recomputes colours whose end conditions depend on tests. */
/** The kinds of the facts holding for each of these people at `at` (the testing round's control check). */
export async function liveFactKinds(ex: Executor, personIds: string[], at: number): Promise<Map<string, FactKind[]>> {
  const out = new Map<string, FactKind[]>();
  for (const f of await store.liveFactsOf(ex, personIds, at)) {
    if (Number(f.since) > at) continue;
    out.set(f.person_id, [...(out.get(f.person_id) ?? []), f.kind as FactKind]);
  }
  return out;
}

export async function recordTestResults(
  s: Services,
  trx: Tx,
  results: TestResultFact[],
  basis: ColourBasis,
): Promise<ColourChange[]> {
  if (!results.length) return [];
  const now = s.clock.now();
  const { ruleSet } = await activeChoice(s, trx);
  const unique = [...new Map(results.map((r) => [`${r.personId}|${r.source.id}`, r])).values()];
  await store.upsertTests(
    trx,
    s.dialect,
    unique.map((r) => ({
      person_id: r.personId,
      source_type: r.source.type,
      source_id: r.source.id,
      sampled_at: r.sampledAt,
      reported_at: r.reportedAt,
      result: r.result,
      pooled: r.pooled ? 1 : 0,
      ct_n: r.ct?.N ?? null,
      ct_orf1ab: r.ct?.ORF1ab ?? null,
      created_at: now,
    })),
  );
  const latest = new Map<string, TestResultFact>();
  for (const r of results) {
    const seen = latest.get(r.personId);
    if (!seen || r.sampledAt > seen.sampledAt || (r.sampledAt === seen.sampledAt && r.reportedAt >= seen.reportedAt))
      latest.set(r.personId, r);
  }
  const ref = ruleSetRef(ruleSet);
  await store.upsertLatestTests(
    trx,
    s.dialect,
    [...latest.values()].map((r) => ({
      person_id: r.personId,
      colour: 'green',
      reasons: '[]',
      ruleset_id: ref.id,
      ruleset_version: ref.version,
      computed_at: now,
      changed_at: now,
      next_change_at: null,
      override_id: null,
      override_colour: null,
      override_until: null,
      test_source_id: r.source.id,
      test_sampled_at: r.sampledAt,
      test_reported_at: r.reportedAt,
      test_result: r.result,
      test_pooled: r.pooled ? 1 : 0,
    })),
  );
  // Only people with facts can change colour with a test: most of a mass round has none.
  const withFacts = await store.peopleWithLiveFacts(trx, [...latest.keys()], now);
  return applyColours(s, trx, ruleSet, withFacts, basis, {});
}

/** Test results given as a query of the calling domain (see health.store TestRowSource for its columns). */
export type TestResultSource = store.TestRowSource;

/**
 * recordTestResults for results given as a query rather than a list (a lab upload's negative tubes and
 * their members): the same rows written — health_test, the latest test on health_status, colours
 * recomputed for the people with live facts — but set-based, three statements whatever the size, no
 * row passing through JavaScript. All results of the source are reported at `reportedAt`.
 */
export async function recordTestResultsFrom(
  s: Services,
  trx: Tx,
  source: TestResultSource,
  reportedAt: number,
  basis: ColourBasis,
): Promise<{ recorded: number; changes: ColourChange[] }> {
  const now = s.clock.now();
  const { ruleSet } = await activeChoice(s, trx);
  const recorded = await store.upsertTestsFrom(trx, s.dialect, source, reportedAt, now);
  if (!recorded) return { recorded, changes: [] };
  const ref = ruleSetRef(ruleSet);
  await store.upsertLatestTestsFrom(trx, s.dialect, source, {
    reportedAt,
    now,
    rulesetId: ref.id,
    rulesetVersion: ref.version,
  });
  const withFacts = await store.peopleWithLiveFactsFrom(trx, s.dialect, source, now);
  return { recorded, changes: await applyColours(s, trx, ruleSet, withFacts, basis, {}) };
}

// ---- recompute -------------------------------------------------------------------------------

export async function recomputeColours(
  s: Services,
  trx: Tx,
  personIds: string[],
  basis: ColourBasis,
  link: ChangeLink = {},
): Promise<ColourChange[]> {
  const { ruleSet } = await activeChoice(s, trx);
  return applyColours(s, trx, ruleSet, personIds, basis, link);
}

/** Every fact of one person as the rule set reads it, each kept with its source. */
function reasonsFor(
  ruleSet: RuleSet,
  facts: readonly HealthFactTable[],
  tests: readonly NegativeTest[],
  now: number,
): StoredReason[] {
  const reasons: Array<StoredReason & { order: number }> = [];
  for (const f of facts) {
    const fact: ColourFact = { kind: f.kind as FactKind, since: f.since, until: f.until, negativeTests: tests };
    const decision = deriveColour(ruleSet, [fact], now);
    const r = decision.reasons[0];
    if (!r) continue;
    let detail: Record<string, unknown> = {};
    try {
      detail = JSON.parse(f.detail) as Record<string, unknown>;
    } catch {
      /* stored by this module: always JSON */
    }
    reasons.push({
      ...r,
      source: { type: f.source_type, id: f.source_id },
      detail,
      order: ruleSet.colourRules.findIndex((x) => x.id === r.rule),
    });
  }
  const sev = (c: Colour) => (c === 'red' ? 2 : c === 'yellow' ? 1 : 0);
  reasons.sort((a, b) => sev(b.colour) - sev(a.colour) || a.order - b.order || a.since - b.since);
  return reasons.map(({ order: _o, ...r }) => r);
}

/** The manual change on a status row (a pure rule, kept in health.rules.ts). */
export { overrideOf };

/**
 * Derives the colour of each person now, stores what changed, and for every change of colour writes
 * a history row with its basis and an audit event (one per few hundred changes) in `trx`.
 */
async function applyColours(
  s: Services,
  trx: Tx,
  ruleSet: RuleSet,
  personIds: readonly string[],
  basis: ColourBasis,
  link: ChangeLink,
): Promise<ColourChange[]> {
  const ids = [...new Set(personIds)];
  if (!ids.length) return [];
  const now = s.clock.now();
  const ref = ruleSetRef(ruleSet);
  const testDependent = new Set(
    ruleSet.colourRules.filter((r) => r.endsWhen.kind === 'negative_tests').map((r) => r.when as string),
  );
  const all: ColourChange[] = [];
  for (const part of chunks(ids, RECOMPUTE_CHUNK)) {
    const facts = await store.liveFactsOf(trx, part, now);
    const statuses = await store.statusesOf(trx, part);
    const byPerson = new Map<string, HealthFactTable[]>();
    for (const f of facts) {
      const list = byPerson.get(f.person_id);
      if (list) list.push(f);
      else byPerson.set(f.person_id, [f]);
    }
    const needTests = [...byPerson.entries()]
      .filter(([, fs]) => fs.some((f) => testDependent.has(f.kind)))
      .map(([p]) => p);
    const testsBy = new Map<string, NegativeTest[]>();
    for (const t of await store.negativeTestsOf(trx, needTests)) {
      const list = testsBy.get(t.person_id);
      const test = { sampledAt: Number(t.sampled_at), reportedAt: Number(t.reported_at) };
      if (list) list.push(test);
      else testsBy.set(t.person_id, [test]);
    }
    const statusBy = new Map(statuses.map((r) => [r.person_id, r]));
    const rows: HealthStatusTable[] = [];
    const changes: Array<ColourChange & { stored: StoredReason[]; override: OverrideInForce | null }> = [];
    for (const personId of part) {
      const prev = statusBy.get(personId);
      const personFacts = (byPerson.get(personId) ?? []).map(normaliseFact);
      const reasons = reasonsFor(ruleSet, personFacts, testsBy.get(personId) ?? [], now);
      const storedOverride = overrideOf(prev);
      const override = storedOverride && storedOverride.until > now ? storedOverride : null;
      const derived = derivedColourAt(reasons, now);
      const colour = override ? override.colour : derived;
      // The colour may change by itself when a reason ends, or when a fact recorded ahead of time starts.
      const starts = personFacts.filter((f) => f.since > now).map((f) => f.since);
      const ends = nextChangeAt(reasons, override, now);
      const next = starts.length ? Math.min(ends ?? Infinity, ...starts) : ends;
      const reasonsJson = JSON.stringify(reasons);
      const from: Colour = prev && isColour(prev.colour) ? prev.colour : 'green';
      if (!prev && colour === 'green' && !reasons.length && next === null) continue;
      if (
        prev &&
        prev.colour === colour &&
        prev.reasons === reasonsJson &&
        numOrNull(prev.next_change_at) === next &&
        prev.ruleset_id === ref.id &&
        prev.ruleset_version === ref.version &&
        (prev.override_id ?? null) === (override?.id ?? null)
      )
        continue;
      rows.push({
        person_id: personId,
        colour,
        reasons: reasonsJson,
        ruleset_id: ref.id,
        ruleset_version: ref.version,
        computed_at: now,
        changed_at: from !== colour || !prev ? now : Number(prev.changed_at),
        next_change_at: next,
        override_id: override?.id ?? null,
        override_colour: override?.colour ?? null,
        override_until: override?.until ?? null,
        test_source_id: null,
        test_sampled_at: null,
        test_reported_at: null,
        test_result: null,
        test_pooled: null,
      });
      if (from !== colour) {
        const words = override ? [`override:${override.id}`] : reasons.map((r) => r.rule);
        changes.push({ personId, from, to: colour, reasons: words, stored: reasons, override });
      }
    }
    await store.upsertColours(trx, rows);
    await recordChanges(s, trx, ref, changes, basis, link, now);
    all.push(...changes.map(({ stored: _s, override: _o, ...c }) => c));
  }
  return all;
}

function normaliseFact(f: HealthFactTable): HealthFactTable {
  return { ...f, since: Number(f.since), until: f.until === null ? null : Number(f.until) };
}

function numOrNull(v: number | null): number | null {
  return v === null ? null : Number(v);
}

/** The basis of each change: a history row and, per few hundred changes, one audit event. */
async function recordChanges(
  s: Services,
  trx: Tx,
  ref: { id: string; version: string },
  changes: Array<ColourChange & { stored: StoredReason[]; override: OverrideInForce | null }>,
  basis: ColourBasis,
  link: ChangeLink,
  now: number,
): Promise<void> {
  for (const part of chunks(changes, AUDIT_CHUNK)) {
    if (!part.length) continue;
    const seq = await s.audit(trx, basis.actor, {
      action: 'health.colour.change',
      objectType: 'person',
      objectId: part.length === 1 ? part[0]!.personId : null,
      ...basisReason(basis),
      detail: {
        ruleSet: ref.id,
        ruleSetVersion: ref.version,
        manual: !!basis.manual,
        overrideId: link.overrideId ?? null,
        approvalId: link.approvalId ?? null,
        changes: part.map((c) => ({ personId: c.personId, from: c.from, to: c.to, rules: c.reasons })),
      },
    });
    const rows: HealthColourHistoryTable[] = part.map((c) => ({
      id: newId(now),
      person_id: c.personId,
      from_colour: c.from,
      to_colour: c.to,
      reasons: JSON.stringify(c.override ? [{ override: c.override }, ...c.stored] : c.stored),
      at: now,
      actor_id: basis.actor.id,
      actor_name: basis.actor.name,
      actor_role: basis.actor.role,
      basis: basis.reason,
      basis_kind: basis.kind ?? null,
      basis_params: basis.kind ? JSON.stringify(basis.params ?? {}) : null,
      manual: basis.manual ? 1 : 0,
      ruleset_id: ref.id,
      ruleset_version: ref.version,
      override_id: link.overrideId ?? null,
      approval_id: link.approvalId ?? null,
      audit_seq: seq,
    }));
    await store.insertHistory(trx, rows);
  }
}

// ---- circuit breaker -------------------------------------------------------------------------

export type ApprovalKind = 'add_facts' | 'end_facts' | 'override';

export async function holdForApproval(
  s: Services,
  trx: Tx,
  ruleSet: RuleSet,
  kind: ApprovalKind,
  payload: Record<string, unknown>,
  people: number,
  basis: ColourBasis,
): Promise<string> {
  const now = s.clock.now();
  const id = newId(now);
  await store.insertApproval(trx, {
    id,
    kind,
    people,
    payload: JSON.stringify({
      ...payload,
      basis: { actor: basis.actor, reason: basis.reason, kind: basis.kind, params: basis.params },
    }),
    reason: basis.reason,
    status: 'pending',
    requested_by: basis.actor.id,
    requested_by_name: basis.actor.name,
    requested_by_role: basis.actor.role,
    requested_at: now,
    decided_by: null,
    decided_by_name: null,
    decided_at: null,
    decision_reason: null,
    ruleset_id: ruleSet.id,
    ruleset_version: ruleSet.version,
    threshold: ruleSet.massRecolourThreshold,
  });
  await s.audit(trx, basis.actor, {
    action: 'health.recolour.held',
    objectType: 'health_approval',
    objectId: id,
    ...basisReason(basis),
    detail: {
      kind,
      people,
      threshold: ruleSet.massRecolourThreshold,
      ruleSet: ruleSet.id,
      ruleSetVersion: ruleSet.version,
    },
  });
  return id;
}

/** Told when a held recolouring is approved or rejected (inside the deciding transaction). */
export type ApprovalListener = (
  s: Services,
  trx: Tx,
  decision: { approvalId: string; kind: ApprovalKind; approved: boolean; changes: ColourChange[] },
) => Promise<void>;
const listeners: ApprovalListener[] = [];

export function onApprovalDecided(listener: ApprovalListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

export async function notifyApprovalDecided(
  s: Services,
  trx: Tx,
  decision: Parameters<ApprovalListener>[2],
): Promise<void> {
  for (const l of listeners) await l(s, trx, decision);
}

/** The state of a held recolouring (for domains that keep the approval id). */
export async function approvalStatus(ex: Executor, id: string): Promise<'pending' | 'approved' | 'rejected' | null> {
  const row = await store.approvalById(ex, id);
  return (row?.status as 'pending' | 'approved' | 'rejected' | undefined) ?? null;
}
