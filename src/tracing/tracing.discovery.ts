// Automatic contact discovery (自动流调): given a person, the case's times and a rule set, finds the
// household members (close contacts), the people whose padded visits to the same venue overlap the
// person's inside the contact window by the minimum (close-contact candidates or general contacts by
// category), and, where the rule set identifies them, the contacts of each close contact (secondary
// contacts: their household members, from first exposure to now).
// Reads only; the case service stores the result. The venue side runs on the in-memory visit index
// when the server has one loaded (trace.index.ts), else as one SQL interval join per anchor: the same
// contacts either way. Many cases can be traced in one batch (traceContactsBatch).
import type { Executor } from '../db/database.ts';
import { AppError } from '../platform/errors.ts';
import { contactWindow, identifiesSecondaryContacts, type ContactWindow, type Interval } from '../rules/ruleset.rules.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import { venueCategories } from '../venues/venue.categories.ts';
import { dwellOf } from '../venues/venue.service.ts';
import { autoExitAt } from '../venues/venue.rules.ts';
import '../registry/registry.schema.ts'; // registers PERSON_NOT_FOUND

const MINUTE = 60_000;
import {
  contactFromEncounters, encounter, joinBounds, purgedBefore, traceParameters, venueContacts,
  type Encounter, type FoundContact, type JoinBounds, type StoredVisit, type TraceParameters, type VenueFacts,
} from './tracing.rules.ts';
import * as store from './tracing.store.ts';
import type { CoPresenceRow, TracedPerson } from './tracing.store.ts';
import { refreshVenues, visitIndexOf, type VenueRange } from './trace.index.ts';

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

interface VenueAnchor {
  personId: string;
  window: Interval;
  bounds: JoinBounds;
}

/**
 * The venue contacts of each anchor inside its window. With a visit index attached to the database:
 * the anchors' own visits read from the database, the venues they visited brought up to date in one
 * pass, then a binary search per visit and the encounter test on times before anything is allocated.
 * Without one: the SQL interval join. Both give the same contacts.
 */
async function venueContactsOf(ex: Executor, r: RuleSet, anchors: readonly VenueAnchor[]): Promise<Map<string, FoundContact[]>> {
  const out = new Map<string, FoundContact[]>();
  if (!anchors.length) return out;
  const v = r.venueCoPresence;
  const categories = [...v.closeCategories, ...v.generalCategories];
  const index = visitIndexOf(ex);
  if (!index) {
    for (const a of anchors) {
      const rows = await store.coPresence(ex, [a.personId], categories, a.bounds);
      out.set(a.personId, venueContacts(encountersOf(r, rows, a.window)));
    }
    return out;
  }
  const anchorOf = new Map(anchors.map((a) => [a.personId, a]));
  const union: JoinBounds = {
    ...anchors[0]!.bounds,
    from: Math.min(...anchors.map((a) => a.bounds.from)),
    to: Math.max(...anchors.map((a) => a.bounds.to)),
  };
  const visits = (await store.anchorVisits(ex, [...anchorOf.keys()], categories, union)).filter((a) => {
    const b = anchorOf.get(a.anchor_id)!.bounds;
    return a.a_in >= b.from - b.maxSpanMs && a.a_in <= b.to - b.minOverlapMs
      && (a.a_out ?? a.a_in + b.maxDwellMs) + b.padCapMs >= b.from + b.minOverlapMs;
  });
  const ranges: Array<VenueRange & { reach: number }> = visits.map((a) => {
    const b = anchorOf.get(a.anchor_id)!.bounds;
    return {
      venueId: a.venue_id,
      lo: a.a_in - b.maxSpanMs,
      hi: Math.min((a.a_out ?? a.a_in + b.maxDwellMs) + b.padCapMs - b.minOverlapMs, b.to - b.minOverlapMs),
      reach: Math.max(a.a_in, b.from) + b.minOverlapMs,
    };
  });
  await refreshVenues(ex, index, ranges.filter((x) => x.lo <= x.hi));
  const byAnchor = new Map<string, Map<string, Encounter[]>>();
  visits.forEach((a, i) => {
    const range = ranges[i]!;
    if (range.lo > range.hi) return;
    const { window, bounds: b } = anchorOf.get(a.anchor_id)!;
    const venue: VenueFacts = { id: a.venue_id, name: a.venue_name, category: a.category, dwellMinutes: dwellOf({ category: a.category, dwell_minutes: a.dwell_minutes }) };
    const mine: StoredVisit = { checkinId: a.a_id, personId: a.anchor_id, enteredAt: a.a_in, exitedAt: a.a_out };
    let byPerson = byAnchor.get(a.anchor_id);
    if (!byPerson) byAnchor.set(a.anchor_id, byPerson = new Map());
    const people = byPerson;
    index.visitsAt(a.venue_id, range.lo, range.hi, a.anchor_id, b.maxDwellMs, b.padCapMs, range.reach, meets(r, window, venue, mine), (o) => {
      const e = encounter(r, window, venue, mine, o);
      if (!e) return;
      const list = people.get(o.personId);
      if (list) list.push(e);
      else people.set(o.personId, [e]);
    });
  });
  for (const a of anchors) {
    const people = byAnchor.get(a.personId);
    out.set(a.personId, people ? [...people.keys()].sort().map((p) => contactFromEncounters(p, people.get(p)!)) : []);
  }
  return out;
}

/**
 * The encounter test of the rule set on times alone — the same arithmetic as `encounter` (padding,
 * the anchor's visit clipped to the window, the minimum overlap) — so that the index hands over only
 * the visits that make an encounter; `encounter` still decides each of them.
 */
function meets(r: RuleSet, window: Interval, venue: VenueFacts, mine: StoredVisit): (enteredAt: number, exitedAt: number | null) => boolean {
  const p = r.venueCoPresence.padding;
  const dropMs = p.dropVisitsShorterThanMinutes * MINUTE;
  const capMs = p.padCapMinutes * MINUTE;
  const minimum = r.venueCoPresence.minimumOverlapMinutes;
  const paddedEnd = (enteredAt: number, exitedAt: number): number | null => {
    const duration = exitedAt - enteredAt;
    if (duration < 0 || duration < dropMs) return null;
    return exitedAt + Math.min(duration * p.padFactor, capMs);
  };
  const aEnd = paddedEnd(mine.enteredAt, mine.exitedAt ?? autoExitAt(mine.enteredAt, venue.dwellMinutes));
  if (aEnd === null) return () => false;
  const start = Math.max(mine.enteredAt, window.start);
  const end = Math.min(aEnd, window.end);
  if (end <= start) return () => false;
  return (enteredAt, exitedAt) => {
    const oEnd = paddedEnd(enteredAt, exitedAt ?? autoExitAt(enteredAt, venue.dwellMinutes));
    return oEnd !== null && Math.max(0, Math.min(end, oEnd) - Math.max(start, enteredAt)) / MINUTE >= minimum;
  };
}

/** Household members and venue co-presence of the person inside the window. */
export async function directContacts(ex: Executor, r: RuleSet, person: Pick<TracedPerson, 'id' | 'household_id'>, window: Interval): Promise<FoundContact[]> {
  const household: FoundContact[] = (await store.householdMembersOf(ex, [person.id])).map((m) => ({
    personId: m.member_id, class: 'close', candidate: false, basis: 'household', reasonCode: 'same_household',
    rule: 'closeContact.sameHousehold', firstExposureAt: window.start, lastExposureAt: window.end,
    evidence: { householdId: person.household_id },
  }));
  const venue = await venueContactsOf(ex, r, [{ personId: person.id, window, bounds: joinBounds(r, window, await maxDwellMinutes(ex)) }]);
  return [...household, ...venue.get(person.id)!];
}

/**
 * The secondary contacts of the sources: their household members, from each source's first exposure
 * until now, leaving out `exclude` (the case and its close contacts). One contact per (source,
 * person). Venue co-presence of close contacts is not searched: a close contact meets as many
 * people as the case (thousands a fortnight in the dense demo city), so a case's secondary contacts
 * would be its close contacts × that — each source costs a whole trace even on the visit index — for
 * people the rule sets do not name.
 */
export async function secondaryContacts(ex: Executor, sources: readonly SecondarySource[], exclude: ReadonlySet<string>, now: number): Promise<FoundContact[]> {
  if (!sources.length) return [];
  return secondaryOf(await store.householdMembersOf(ex, sources.map((src) => src.personId)), sources, exclude, now);
}

/** `secondaryContacts` from the household pairs already read (pairs of other persons are skipped). */
function secondaryOf(pairs: ReadonlyArray<{ person_id: string; member_id: string }>, sources: readonly SecondarySource[], exclude: ReadonlySet<string>, now: number): FoundContact[] {
  if (!sources.length) return [];
  const bySource = new Map(sources.map((src) => [src.personId, src]));
  const out: FoundContact[] = [];
  for (const m of pairs) {
    const src = bySource.get(m.person_id);
    if (!src) continue;
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

/** Cases traced together per step of a batch: their encounters are held in memory at once. */
const BATCH_STEP = 25;

/**
 * Dry traces of many cases under one rule set (the same results as tracing each alone), a step of
 * cases at a time: persons, households and the anchors' visits read in a few queries per step, the
 * venues brought up to date once per step, then each case matched in memory. With `each`, every
 * result is handed over as soon as it is ready and not kept (the returned list is then empty).
 */
export async function traceContactsBatch(
  ex: Executor, r: RuleSet, anchors: readonly TraceAnchor[], opts: TraceOptions, each?: (result: TraceResult, i: number) => void,
): Promise<TraceResult[]> {
  const out: TraceResult[] = [];
  const maxDwell = await maxDwellMinutes(ex);
  for (let from = 0; from < anchors.length; from += BATCH_STEP) {
    const step = anchors.slice(from, from + BATCH_STEP);
    const persons = new Map((await store.personsByIds(ex, step.map((a) => a.personId))).map((p) => [p.id, p]));
    for (const a of step) if (!persons.has(a.personId)) throw new AppError('PERSON_NOT_FOUND');
    const windows = step.map((a) => contactWindow(r, { onsetAt: a.onsetAt, sampledAt: a.sampledAt, isolatedAt: a.isolatedAt }, opts.timeZone, opts.now));
    const venue = await venueContactsOf(ex, r, step.map((a, i) => ({ personId: a.personId, window: windows[i]!, bounds: joinBounds(r, windows[i]!, maxDwell) })));
    const members = new Map<string, string[]>();
    for (const m of await store.householdMembersOf(ex, step.map((a) => a.personId))) {
      const list = members.get(m.person_id);
      if (list) list.push(m.member_id);
      else members.set(m.person_id, [m.member_id]);
    }
    const directs = step.map((a, i) => {
      const person = persons.get(a.personId)!;
      const window = windows[i]!;
      const household: FoundContact[] = (members.get(person.id) ?? []).map((id) => ({
        personId: id, class: 'close', candidate: false, basis: 'household', reasonCode: 'same_household',
        rule: 'closeContact.sameHousehold', firstExposureAt: window.start, lastExposureAt: window.end,
        evidence: { householdId: person.household_id },
      }));
      return [...household, ...venue.get(person.id)!];
    });
    // The households of every case's close contacts, read once for the step.
    const sourcesAll = identifiesSecondaryContacts(r) ? directs.map((direct) => sourcesOf(direct)) : null;
    const sourceMembers = new Map<string, Array<{ person_id: string; member_id: string }>>();
    if (sourcesAll) {
      const ids = new Set<string>();
      for (const sources of sourcesAll) for (const src of sources) ids.add(src.personId);
      for (const m of await store.householdMembersOf(ex, [...ids])) {
        const list = sourceMembers.get(m.person_id);
        if (list) list.push(m);
        else sourceMembers.set(m.person_id, [m]);
      }
    }
    for (let i = 0; i < step.length; i++) {
      const person = persons.get(step[i]!.personId)!;
      const window = windows[i]!;
      const direct = directs[i]!;
      let secondary: FoundContact[] = [];
      if (sourcesAll) {
        const sources = sourcesAll[i]!;
        const pairs = sources.flatMap((src) => sourceMembers.get(src.personId) ?? []);
        secondary = secondaryOf(pairs, sources, new Set([person.id, ...sources.map((src) => src.personId)]), opts.now);
      }
      const result: TraceResult = {
        personId: person.id, window, parameters: traceParameters(r),
        purgedBefore: purgedBefore(window.start, opts.now, opts.retentionDays),
        contacts: [...direct, ...secondary],
      };
      if (each) each(result, from + i);
      else out.push(result);
    }
  }
  return out;
}
