// Pure decisions of tracing (流调): the case status machine, what a venue co-presence of two visits
// amounts to under a rule set (both visits padded, the case's clipped to the contact window, the
// overlap measured and classified), how one person's encounters make one contact, the bounds that
// let the SQL interval join use its indexes, and whether a look-back reaches purged check-ins.
// Times are epoch milliseconds.
import { autoExitAt } from '../venues/venue.rules.ts';
import {
  classifyCoPresence,
  overlapMinutes,
  paddedVisit,
  type CoPresenceClass,
  type Interval,
  type RuleSetRef,
} from '../rules/ruleset.rules.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';

const MINUTE = 60_000;

export const CASE_CLASSIFICATIONS = ['confirmed', 'asymptomatic', 'suspected'] as const;
export type CaseClassification = (typeof CASE_CLASSIFICATIONS)[number];

export const CASE_SOURCES = ['testing_round', 'fever_clinic', 'checkpoint', 'self_report', 'contact_tracing'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

export const CASE_STATUSES = ['suspected', 'confirmed', 'recovered', 'released'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CONTACT_CLASSES = ['close', 'general', 'secondary'] as const;
export type ContactClass = (typeof CONTACT_CLASSES)[number];

export const CONTACT_BASES = ['household', 'venue', 'manual', 'secondary'] as const;
export type ContactBasis = (typeof CONTACT_BASES)[number];

export const REVIEW_STATUSES = ['pending', 'confirmed', 'reclassified', 'dismissed'] as const;

export const REVIEW_DECISIONS = ['confirm', 'reclassify', 'dismiss'] as const;

/** Who is a contact, as structured reasons (RULES.md §1, 8th/9th editions). */
export const CONTACT_REASONS = [
  'same_household', // 同住
  'carer_unprotected', // 未采取有效防护的护理、诊疗
  'same_office_workshop_classroom', // 同一办公室、车间、教室
  'same_elevator', // 同一电梯
  'same_canteen', // 同一食堂近距离接触
  'shared_meal', // 密闭环境共餐、娱乐
  'visitor', // 探视
  'same_vehicle', // 同一交通工具 1 m 内
  'venue_co_presence', // 同一场所同时段(一般接触或待研判)
  'other_investigator', // 调查人员判定的其他情形
] as const;
export type ContactReason = (typeof CONTACT_REASONS)[number];

/** The reason a co-presence at a venue of the category suggests. */
const CATEGORY_REASONS: Readonly<Record<string, ContactReason>> = {
  office: 'same_office_workshop_classroom',
  factory: 'same_office_workshop_classroom',
  school_building: 'same_office_workshop_classroom',
  restaurant: 'shared_meal',
  entertainment: 'shared_meal',
  nursing_home: 'visitor',
};

export function reasonForCategory(category: string): ContactReason {
  return CATEGORY_REASONS[category] ?? 'venue_co_presence';
}

// ---- case status -------------------------------------------------------------------------------

export function initialStatus(classification: CaseClassification): CaseStatus {
  return classification === 'suspected' ? 'suspected' : 'confirmed';
}

const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  suspected: ['confirmed'],
  confirmed: ['recovered', 'released'],
  recovered: ['released'],
  released: [],
};

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Release from isolation (解除隔离) is the one change that needs the rule set's test rule. */
export function needsReleaseRule(to: CaseStatus): boolean {
  return to === 'released';
}

// ---- venue co-presence -------------------------------------------------------------------------

/** One admitted visit as stored: the exit is null when nobody scanned out. */
export interface StoredVisit {
  checkinId: string;
  personId: string;
  enteredAt: number;
  exitedAt: number | null;
}

export interface VenueFacts {
  id: string;
  name: string;
  category: string;
  /** The venue's dwell (its own, else its category's default), for visits without an exit. */
  dwellMinutes: number;
}

export interface VisitEvidence {
  checkinId: string;
  enteredAt: number;
  /** The scan-out, or entry + dwell when nobody scanned out (exitRecorded false). */
  exitedAt: number;
  exitRecorded: boolean;
  /** The interval the visit counts for after padding (the case's is clipped to the window). */
  counted: Interval;
  /** The check-in is no longer in the table (purged): the visit is known from the stored evidence. */
  purged?: boolean;
}

export interface Encounter {
  venueId: string;
  venueName: string;
  category: string;
  caseVisit: VisitEvidence;
  contactVisit: VisitEvidence;
  overlapStart: number;
  overlapEnd: number;
  /** Minutes the padded visits share inside the window. */
  overlapMinutes: number;
  class: CoPresenceClass;
}

function effectiveExit(v: StoredVisit, dwellMinutes: number): number {
  return v.exitedAt ?? autoExitAt(v.enteredAt, dwellMinutes);
}

/**
 * What the anchor's visit and another person's visit to the same venue amount to inside the window:
 * both padded by the rule set (visits too short to count drop out), the anchor's clipped to the
 * window, the shared minutes classified by the venue's category; null when they make no contact.
 */
export function encounter(
  r: RuleSet,
  window: Interval,
  venue: VenueFacts,
  anchorVisit: StoredVisit,
  other: StoredVisit,
): Encounter | null {
  const aExit = effectiveExit(anchorVisit, venue.dwellMinutes);
  const oExit = effectiveExit(other, venue.dwellMinutes);
  const a = paddedVisit(r, { enteredAt: anchorVisit.enteredAt, exitedAt: aExit });
  const o = paddedVisit(r, { enteredAt: other.enteredAt, exitedAt: oExit });
  if (!a || !o) return null;
  const clipped: Interval = { start: Math.max(a.start, window.start), end: Math.min(a.end, window.end) };
  if (clipped.end <= clipped.start) return null;
  const minutes = overlapMinutes(clipped, o);
  const cls = classifyCoPresence(r, venue.category, minutes);
  if (!cls) return null;
  return {
    venueId: venue.id,
    venueName: venue.name,
    category: venue.category,
    caseVisit: {
      checkinId: anchorVisit.checkinId,
      enteredAt: anchorVisit.enteredAt,
      exitedAt: aExit,
      exitRecorded: anchorVisit.exitedAt !== null,
      counted: clipped,
    },
    contactVisit: {
      checkinId: other.checkinId,
      enteredAt: other.enteredAt,
      exitedAt: oExit,
      exitRecorded: other.exitedAt !== null,
      counted: o,
    },
    overlapStart: Math.max(clipped.start, o.start),
    overlapEnd: Math.min(clipped.end, o.end),
    overlapMinutes: minutes,
    class: cls,
  };
}

/**
 * Bounds for the SQL interval join that keep it on the (venue_id, entered_at) and (person_id,
 * entered_at) indexes and return a superset of the visits that can meet (the exact test is
 * `encounter`). They rest on the venue module's rule that a visit lasts at most its venue's dwell
 * (an open visit is closed at entry + dwell; a later scan starts a new visit), so a visit's padded
 * interval ends at most maxDwell + padCap after its entry.
 */
export interface JoinBounds {
  from: number;
  to: number;
  minOverlapMs: number;
  maxDwellMs: number;
  padCapMs: number;
  /** The longest a padded visit can be. */
  maxSpanMs: number;
}

export function joinBounds(r: RuleSet, window: Interval, maxDwellMinutes: number): JoinBounds {
  const v = r.venueCoPresence;
  const maxDwellMs = maxDwellMinutes * MINUTE;
  const padCapMs = v.padding.padCapMinutes * MINUTE;
  return {
    from: window.start,
    to: window.end,
    minOverlapMs: Math.ceil(v.minimumOverlapMinutes * MINUTE),
    maxDwellMs,
    padCapMs,
    maxSpanMs: maxDwellMs + padCapMs,
  };
}

// ---- contacts ----------------------------------------------------------------------------------

/** A contact as tracing finds it, before it is stored. */
export interface FoundContact {
  personId: string;
  class: ContactClass;
  candidate: boolean;
  basis: ContactBasis;
  reasonCode: ContactReason;
  /** Which rule of the set made it. */
  rule: string;
  firstExposureAt: number | null;
  lastExposureAt: number | null;
  /** Possibly a LazyEvidence: read fields by name, copy with `plainEvidence`. */
  evidence: Record<string, unknown>;
  /** For a secondary contact: the close contact (person) it was found through. */
  sourcePersonId?: string;
}

/** The order of one person's encounters in the evidence: by overlap start, then venue and visits. */
export function compareEncounters(x: Encounter, y: Encounter): number {
  return (
    x.overlapStart - y.overlapStart ||
    x.venueId.localeCompare(y.venueId) ||
    x.contactVisit.checkinId.localeCompare(y.contactVisit.checkinId) ||
    x.caseVisit.checkinId.localeCompare(y.caseVisit.checkinId)
  );
}

/** The contacts one person's encounters with the anchor make: one per person, the closest class wins. */
export function contactFromEncounters(personId: string, encounters: readonly Encounter[]): FoundContact {
  const sorted = [...encounters].sort(compareEncounters);
  const close = sorted.find((e) => e.class === 'close_candidate');
  const decisive = close ?? sorted[0]!;
  return {
    personId,
    class: close ? 'close' : 'general',
    candidate: Boolean(close),
    basis: 'venue',
    reasonCode: reasonForCategory(decisive.category),
    rule: close ? 'venueCoPresence.closeCategories' : 'venueCoPresence.generalCategories',
    firstExposureAt: Math.min(...sorted.map((e) => e.overlapStart)),
    lastExposureAt: Math.max(...sorted.map((e) => e.overlapEnd)),
    evidence: { encounters: sorted },
  };
}

/**
 * Evidence whose encounters are made when first read — `make(context, arg)`, a function shared by
 * many, with this evidence's own `arg` — in `compareEncounters` order: a batch finds millions of
 * contacts whose evidence is mostly never read. Other fields are its own; JSON and `plainEvidence`
 * give the same object an eager trace gives.
 */
export class LazyEvidence<C = unknown, A = unknown> {
  [key: string]: unknown;
  #make: ((context: C, arg: A) => Encounter[]) | null;
  #context: C | null;
  #arg: A | null;
  #encounters: Encounter[] | null = null;

  constructor(make: (context: C, arg: A) => Encounter[], context: C, arg: A) {
    this.#make = make;
    this.#context = context;
    this.#arg = arg;
  }

  get encounters(): Encounter[] {
    if (!this.#encounters) {
      this.#encounters = this.#make!(this.#context!, this.#arg!).sort(compareEncounters);
      this.#make = null;
      this.#context = null;
      this.#arg = null;
    }
    return this.#encounters;
  }

  toJSON(): Record<string, unknown> {
    return { ...this, encounters: this.encounters };
  }
}

/** The evidence as a plain object (a lazy one made), to store or copy. */
export function plainEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  return evidence instanceof LazyEvidence ? evidence.toJSON() : evidence;
}

/** Groups encounters by the other person and makes each group one contact, in person order. */
export function venueContacts(encounters: readonly (Encounter & { personId: string })[]): FoundContact[] {
  const byPerson = new Map<string, Encounter[]>();
  for (const { personId, ...e } of encounters) {
    const list = byPerson.get(personId) ?? [];
    list.push(e);
    byPerson.set(personId, list);
  }
  return [...byPerson.keys()].sort().map((p) => contactFromEncounters(p, byPerson.get(p)!));
}

// ---- secondary contacts --------------------------------------------------------------------------

/**
 * The venue rule that finds a close contact's own contacts (次密接): the rule set's close-contact venue
 * rule alone — the same minimum overlap and padding, close-contact categories only (co-presence in a
 * general category makes nobody a secondary contact). Null when the rule set identifies none.
 */
export function secondaryVenueRule(r: RuleSet): RuleSet | null {
  if (!r.secondaryContacts.identified) return null;
  return { ...r, venueCoPresence: { ...r.venueCoPresence, generalCategories: [] } };
}

/**
 * When a close contact's window for secondary contacts ends: their own isolation — the earliest of
 * the isolation times recorded for them at or after their first exposure (`from`) and not after now
 * — else now, while they are not isolated.
 */
export function secondaryUntil(from: number, isolations: readonly number[], now: number): number {
  let until = now;
  for (const at of isolations) if (at >= from && at < until) until = at;
  return until;
}

/** A secondary contact as offered for one person through one close contact. */
export interface SecondaryOffer {
  candidate: boolean;
  firstExposureAt: number | null;
  sourcePersonId: string;
  via: 'household' | 'venue';
}

/**
 * One secondary contact per person: of two offers, whether `a` is kept over `b` — a settled one
 * before a candidate, then the earliest exposure, then the close contact (by id), then household
 * before venue.
 */
export function preferSecondary(a: SecondaryOffer, b: SecondaryOffer): boolean {
  if (a.candidate !== b.candidate) return !a.candidate;
  if (a.firstExposureAt !== b.firstExposureAt) return (a.firstExposureAt ?? 0) < (b.firstExposureAt ?? 0);
  if (a.sourcePersonId !== b.sourcePersonId) return a.sourcePersonId < b.sourcePersonId;
  return a.via === 'household' && b.via !== 'household';
}

/** The parameters a trace used, printed and stored with its result. */
export interface TraceParameters {
  ruleSet: RuleSetRef;
  minimumOverlapMinutes: number;
  padding: RuleSet['venueCoPresence']['padding'];
  closeCategories: string[];
  generalCategories: string[];
  secondaryContacts: boolean;
}

export function traceParameters(r: RuleSet): TraceParameters {
  const v = r.venueCoPresence;
  return {
    ruleSet: { id: r.id, version: r.version },
    minimumOverlapMinutes: v.minimumOverlapMinutes,
    padding: { ...v.padding },
    closeCategories: [...v.closeCategories],
    generalCategories: [...v.generalCategories],
    secondaryContacts: r.secondaryContacts.identified,
  };
}

/**
 * When the window begins before the latest cutoff of the purges recorded (check-ins that began before
 * it were deleted), the trace cannot see the visits in between: that cutoff, else null. From what was
 * purged, not from the retention a process is configured with (a purge from the CLI may use another).
 */
export function purgedBefore(windowStart: number, purgeCutoff: number | null): number | null {
  return purgeCutoff !== null && windowStart < purgeCutoff ? purgeCutoff : null;
}

// ---- contacts whose check-ins are purged ---------------------------------------------------------

/** What a contact's evidence says when some of its visits are no longer in the check-in table. */
export interface PurgedMark {
  /** The latest purge's cutoff when the trace ran. */
  before: number;
  /** Encounters of the evidence that rest on a purged visit (those visits carry `purged: true`). */
  encounters: number;
}

/** The encounters stored in a contact's evidence (none for household or manual evidence). */
export function storedEncounters(evidence: Record<string, unknown>): Encounter[] {
  return Array.isArray(evidence.encounters) ? (evidence.encounters as Encounter[]) : [];
}

/**
 * The check-ins of stored encounters that began before the purge cutoff: the only ones a purge can
 * have taken (the caller asks the check-in table which of them are gone).
 */
export function checkinsBefore(encounters: readonly Encounter[], cutoff: number): string[] {
  const out = new Set<string>();
  for (const e of encounters) {
    for (const v of [e.caseVisit, e.contactVisit]) if (v.enteredAt < cutoff) out.add(v.checkinId);
  }
  return [...out];
}

/**
 * The stored encounters that rest on a purged visit (`gone`), judged again by `encounter` under the
 * rule set and window as if their visits were still in the check-in table (their stored times: the
 * recorded or assumed exit), each purged visit marked. A trace no longer finds them in the table; this
 * way the contact keeps them exactly as long as they would still count — a corrected case time or
 * another rule set may still drop them. Encounters on visits still in the table are the trace's own to
 * find, and are left out.
 */
export function purgedEncounters(
  r: RuleSet,
  window: Interval,
  encounters: readonly Encounter[],
  gone: ReadonlySet<string>,
): Encounter[] {
  const out: Encounter[] = [];
  for (const e of encounters) {
    const caseGone = gone.has(e.caseVisit.checkinId);
    const contactGone = gone.has(e.contactVisit.checkinId);
    if (!caseGone && !contactGone) continue;
    const visit = (v: VisitEvidence): StoredVisit => ({
      checkinId: v.checkinId,
      personId: '',
      enteredAt: v.enteredAt,
      exitedAt: v.exitedAt,
    });
    const again = encounter(
      r,
      window,
      { id: e.venueId, name: e.venueName, category: e.category, dwellMinutes: 0 },
      visit(e.caseVisit),
      visit(e.contactVisit),
    );
    if (!again) continue;
    again.caseVisit.exitRecorded = e.caseVisit.exitRecorded;
    again.contactVisit.exitRecorded = e.contactVisit.exitRecorded;
    if (caseGone) again.caseVisit.purged = true;
    if (contactGone) again.contactVisit.purged = true;
    out.push(again);
  }
  return out;
}

/**
 * The kept encounters the trace did not find itself (by their two check-ins): a purge committing while
 * a trace reads may leave a visit both found and gone.
 */
export function newEncounters(found: readonly Encounter[], kept: readonly Encounter[]): Encounter[] {
  const pair = (e: Encounter) => `${e.caseVisit.checkinId}\u0000${e.contactVisit.checkinId}`;
  const seen = new Set(found.map(pair));
  return kept.filter((e) => !seen.has(pair(e)));
}

/**
 * A venue contact with the encounters kept from its stored evidence whose visits are purged: one
 * contact from the encounters the trace found (if any) and the kept ones together, decided as
 * `contactFromEncounters` decides any, its evidence saying how many rest on purged visits.
 */
export function withPurgedEncounters(
  personId: string,
  found: FoundContact | undefined,
  kept: readonly Encounter[],
  cutoff: number,
): FoundContact {
  const live = found ? storedEncounters(found.evidence) : [];
  const more = newEncounters(live, kept);
  const contact = contactFromEncounters(personId, [...live, ...more]);
  const mark: PurgedMark = { before: cutoff, encounters: more.length };
  return { ...contact, evidence: { ...contact.evidence, checkinsPurged: mark } };
}
