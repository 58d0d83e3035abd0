// Automatic contact discovery (自动流调): given a person, the case's times and a rule set, finds the
// household members (close contacts), the people whose padded visits to the same venue overlap the
// person's inside the contact window by the minimum (close-contact candidates or general contacts by
// category), and, where the rule set identifies them, the contacts of each close contact (secondary
// contacts: their household members, from first exposure to now).
// Reads only; the case service stores the result. One interval join per anchor set.
import type { Executor } from '../db/database.ts';
import { AppError } from '../platform/errors.ts';
import { contactWindow, identifiesSecondaryContacts, type ContactWindow, type Interval } from '../rules/ruleset.rules.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import { venueCategories } from '../venues/venue.categories.ts';
import { dwellOf } from '../venues/venue.service.ts';
import '../registry/registry.schema.ts'; // registers PERSON_NOT_FOUND
import {
  encounter, joinBounds, purgedBefore, traceParameters, venueContacts,
  type Encounter, type FoundContact, type TraceParameters, type VenueFacts,
} from './tracing.rules.ts';
import * as store from './tracing.store.ts';
import type { CoPresenceRow, TracedPerson } from './tracing.store.ts';

export interface TraceAnchor {
  personId: string;
  onsetAt?: number | null;
  sampledAt?: number | null;
  isolatedAt?: number | null;
}

export interface TraceOptions {
  now: number;
  timeZone: string;
  /** Check-ins older than this many days are purged: a window reaching further says so. */
  retentionDays: number;
}

export interface TraceResult {
  personId: string;
  window: ContactWindow;
  parameters: TraceParameters;
  purgedBefore: number | null;
  contacts: FoundContact[];
}

/** A close contact whose own contacts are secondary contacts. */
export interface SecondarySource {
  personId: string;
  /** First exposure to the case: the secondary window starts here. */
  from: number;
  /** Still a candidate nobody has reviewed: its secondary contacts are candidates too, until it is. */
  pendingCandidate: boolean;
}

/** The longest any venue keeps an unclosed visit open: its own dwell or its category's default. */
async function maxDwellMinutes(ex: Executor): Promise<number> {
  const categoryMax = Math.max(...[...venueCategories().categories.values()].map((c) => c.defaultDwellMinutes));
  const override = await store.maxVenueDwellOverride(ex);
  return Math.max(categoryMax, override ?? 0);
}

function venueOf(row: CoPresenceRow): VenueFacts {
  return { id: row.venue_id, name: row.venue_name, category: row.category, dwellMinutes: dwellOf({ category: row.category, dwell_minutes: row.dwell_minutes }) };
}

/** The encounters the join's rows make inside the window, each with the other person. */
function encountersOf(r: RuleSet, rows: readonly CoPresenceRow[], window: Interval): Array<Encounter & { personId: string }> {
  const out: Array<Encounter & { personId: string }> = [];
  for (const row of rows) {
    const e = encounter(r, window, venueOf(row),
      { checkinId: row.a_id, personId: row.anchor_id, enteredAt: row.a_in, exitedAt: row.a_out },
      { checkinId: row.o_id, personId: row.o_person, enteredAt: row.o_in, exitedAt: row.o_out });
    if (e) out.push({ ...e, personId: row.o_person });
  }
  return out;
}

/** Household members and venue co-presence of the person inside the window. */
export async function directContacts(ex: Executor, r: RuleSet, person: Pick<TracedPerson, 'id' | 'household_id'>, window: Interval): Promise<FoundContact[]> {
  const household: FoundContact[] = (await store.householdMembersOf(ex, [person.id])).map((m) => ({
    personId: m.member_id, class: 'close', candidate: false, basis: 'household', reasonCode: 'same_household',
    rule: 'closeContact.sameHousehold', firstExposureAt: window.start, lastExposureAt: window.end,
    evidence: { householdId: person.household_id },
  }));
  const v = r.venueCoPresence;
  const rows = await store.coPresence(ex, [person.id], [...v.closeCategories, ...v.generalCategories], joinBounds(r, window, await maxDwellMinutes(ex)));
  return [...household, ...venueContacts(encountersOf(r, rows, window))];
}

/**
 * The secondary contacts of the sources: their household members, from each source's first exposure
 * until now, leaving out `exclude` (the case and its close contacts). One contact per (source,
 * person). Venue co-presence of close contacts is not searched: on a dense city it multiplies the
 * contacts by hundreds and the time by as much, for people the rule sets do not name.
 */
export async function secondaryContacts(ex: Executor, sources: readonly SecondarySource[], exclude: ReadonlySet<string>, now: number): Promise<FoundContact[]> {
  if (!sources.length) return [];
  const bySource = new Map(sources.map((src) => [src.personId, src]));
  const out: FoundContact[] = [];
  for (const m of await store.householdMembersOf(ex, [...bySource.keys()])) {
    const src = bySource.get(m.person_id)!;
    if (exclude.has(m.member_id)) continue;
    out.push({
      personId: m.member_id, class: 'secondary', candidate: src.pendingCandidate, basis: 'secondary',
      reasonCode: 'same_household', rule: 'secondaryContacts.identified', firstExposureAt: src.from, lastExposureAt: now,
      sourcePersonId: src.personId, evidence: { via: 'household', sourcePersonId: src.personId, window: { start: src.from, end: now } },
    });
  }
  return out.sort((a, b) => a.sourcePersonId!.localeCompare(b.sourcePersonId!) || a.personId.localeCompare(b.personId));
}

/** Close contacts found directly, as sources of secondary contacts (one per person, earliest exposure). */
export function sourcesOf(contacts: readonly FoundContact[]): SecondarySource[] {
  const byPerson = new Map<string, SecondarySource>();
  for (const c of contacts) {
    if (c.class !== 'close' || c.basis === 'secondary') continue;
    const from = c.firstExposureAt ?? 0;
    const prev = byPerson.get(c.personId);
    byPerson.set(c.personId, prev
      ? { personId: c.personId, from: Math.min(prev.from, from), pendingCandidate: prev.pendingCandidate && c.candidate }
      : { personId: c.personId, from, pendingCandidate: c.candidate });
  }
  return [...byPerson.values()];
}

/** The person traced, or PERSON_NOT_FOUND. */
export async function tracedPerson(ex: Executor, personId: string): Promise<TracedPerson> {
  const person = await store.personById(ex, personId);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  return person;
}

/**
 * A dry trace: every contact the rule set finds for the person and times, with the parameters used;
 * nothing is written. The case service stores the same direct contacts and derives secondary ones
 * from the stored close contacts (so an investigator's dismissal counts).
 */
export async function traceContacts(ex: Executor, r: RuleSet, anchor: TraceAnchor, opts: TraceOptions): Promise<TraceResult> {
  const person = await tracedPerson(ex, anchor.personId);
  const window = contactWindow(r, { onsetAt: anchor.onsetAt, sampledAt: anchor.sampledAt, isolatedAt: anchor.isolatedAt }, opts.timeZone, opts.now);
  const direct = await directContacts(ex, r, person, window);
  let secondary: FoundContact[] = [];
  if (identifiesSecondaryContacts(r)) {
    const sources = sourcesOf(direct);
    const exclude = new Set([person.id, ...sources.map((src) => src.personId)]);
    secondary = await secondaryContacts(ex, sources, exclude, opts.now);
  }
  return {
    personId: person.id, window, parameters: traceParameters(r),
    purgedBefore: purgedBefore(window.start, opts.now, opts.retentionDays),
    contacts: [...direct, ...secondary],
  };
}
