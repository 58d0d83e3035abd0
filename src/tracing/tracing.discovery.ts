// Automatic contact discovery (自动流调): given a person, the case's times and a rule set, finds the
// household members (close contacts), the people whose padded visits to the same venue overlap the
// person's inside the contact window by the minimum (close-contact candidates or general contacts by
// category), and, where the rule set identifies them, the contacts of each close contact (secondary
// contacts): their household members, and the people who would be close contacts of the close contact
// by venue co-presence (close-contact categories, the same overlap and padding), both from the close
// contact's first exposure until their own isolation.
// Reads only; the case service stores the result. The venue side runs on the in-memory visit index
// when the server has one loaded (trace.index.ts), else as one SQL interval join per anchor: the same
// contacts either way. Many cases can be traced in one batch (traceContactsBatch).
import type { Executor } from '../db/database.ts';
import { AppError } from '../platform/errors.ts';
import {
  contactWindow,
  identifiesSecondaryContacts,
  type ContactWindow,
  type Interval,
} from '../rules/ruleset.rules.ts';
import type { RuleSet } from '../rules/ruleset.schema.ts';
import { venueCategories } from '../venues/venue.categories.ts';
import { dwellOf } from '../venues/venue.service.ts';
import { autoExitAt } from '../venues/venue.rules.ts';
import { latestPurgeCutoff } from '../venues/venue.store.ts';
import {
  encounter,
  joinBounds,
  LazyEvidence,
  preferSecondary,
  purgedBefore,
  reasonForCategory,
  secondaryUntil,
  secondaryVenueRule,
  traceParameters,
  venueContacts,
  type Encounter,
  type FoundContact,
  type JoinBounds,
  type SecondaryOffer,
  type StoredVisit,
  type TraceParameters,
  type VenueFacts,
} from './tracing.rules.ts';
import * as store from './tracing.store.ts';
import type { AnchorVisitRow, CoPresenceRow, TracedPerson } from './tracing.store.ts';
import { refreshVenues, visitIndexOf, type Segment, type VisitIndex } from './trace.index.ts';

const MINUTE = 60_000;

export interface TraceAnchor {
  personId: string;
  onsetAt?: number | null;
  sampledAt?: number | null;
  isolatedAt?: number | null;
}

export interface TraceOptions {
  now: number;
  timeZone: string;
  /**
   * false: direct contacts only, even where the rule set identifies secondary contacts (a caller that
   * wants the case's own contacts, like the benchmark against an SQL join of them). Default true.
   */
  secondaryContacts?: boolean;
}

export interface TraceResult {
  personId: string;
  window: ContactWindow;
  parameters: TraceParameters;
  /** The latest recorded purge's cutoff, when the window reaches further back (`purgedBefore`). */
  purgedBefore: number | null;
  contacts: FoundContact[];
}

/** A close contact whose own contacts are secondary contacts. */
export interface SecondarySource {
  personId: string;
  /** First exposure to the case: the secondary window starts here. */
  from: number;
  /**
   * The close contact's own isolation, where the secondary window ends: the earliest isolation time
   * recorded on a case of theirs at or after `from`, else now (not isolated yet). See `withIsolation`.
   */
  until: number;
  /** Still a candidate nobody has reviewed: its secondary contacts are candidates too, until it is. */
  pendingCandidate: boolean;
}

/** The longest any venue keeps an unclosed visit open: its own dwell or its category's default. */
async function maxDwellMinutes(ex: Executor): Promise<number> {
  const categoryMax = Math.max(...[...venueCategories().categories.values()].map((c) => c.defaultDwellMinutes));
  const override = await store.maxVenueDwellOverride(ex);
  return Math.max(categoryMax, override ?? 0);
}

function venueOf(row: CoPresenceRow | AnchorVisitRow): VenueFacts {
  return {
    id: row.venue_id,
    name: row.venue_name,
    category: row.category,
    dwellMinutes: dwellOf({ category: row.category, dwell_minutes: row.dwell_minutes }),
  };
}

/** The encounters the join's rows make inside the window, each with the other person. */
function encountersOf(
  r: RuleSet,
  rows: readonly CoPresenceRow[],
  window: Interval,
): Array<Encounter & { personId: string }> {
  const out: Array<Encounter & { personId: string }> = [];
  for (const row of rows) {
    const e = encounter(
      r,
      window,
      venueOf(row),
      { checkinId: row.a_id, personId: row.anchor_id, enteredAt: row.a_in, exitedAt: row.a_out },
      { checkinId: row.o_id, personId: row.o_person, enteredAt: row.o_in, exitedAt: row.o_out },
    );
    if (e) out.push({ ...e, personId: row.o_person });
  }
  return out;
}

// ---- venue co-presence ---------------------------------------------------------------------------

interface VenueAnchor {
  personId: string;
  window: Interval;
  bounds: JoinBounds;
}

/** One visit of an anchor, ready to be matched on the visit index. */
interface AnchorVisit {
  window: Interval;
  venue: VenueFacts;
  mine: StoredVisit;
  /** The entry times of other visits that can meet it, and how far their padded end must reach. */
  lo: number;
  hi: number;
  reach: number;
  /** The anchor's padded visit clipped to the window; end ≤ start when it meets nobody. */
  start: number;
  end: number;
  close: boolean;
}

/**
 * The venue side of a trace, prepared for a set of anchors: with a visit index, their own visits read
 * from the database and the venues they visited brought up to date in one pass; without one, nothing
 * (the SQL join runs per anchor when matched).
 */
interface VenueJob {
  r: RuleSet;
  anchors: readonly VenueAnchor[];
  index: VisitIndex | undefined;
  /** Per anchor, its visits (with the index). */
  visits: AnchorVisit[][];
}

/** The padded end of a visit under the rule set, or null when it is too short to count (as `paddedVisit`). */
function paddedEnd(r: RuleSet, enteredAt: number, exitedAt: number): number | null {
  const p = r.venueCoPresence.padding;
  const duration = exitedAt - enteredAt;
  if (duration < 0 || duration < p.dropVisitsShorterThanMinutes * MINUTE) return null;
  return exitedAt + Math.min(duration * p.padFactor, p.padCapMinutes * MINUTE);
}

async function prepareVenue(ex: Executor, r: RuleSet, anchors: readonly VenueAnchor[]): Promise<VenueJob> {
  const index = visitIndexOf(ex);
  const job: VenueJob = { r, anchors, index, visits: anchors.map(() => []) };
  if (!index || !anchors.length) return job;
  const v = r.venueCoPresence;
  const categories = [...v.closeCategories, ...v.generalCategories];
  const union: JoinBounds = {
    ...anchors[0]!.bounds,
    from: Math.min(...anchors.map((a) => a.bounds.from)),
    to: Math.max(...anchors.map((a) => a.bounds.to)),
  };
  const byPerson = new Map<string, AnchorVisitRow[]>();
  for (const a of anchors) byPerson.set(a.personId, []);
  for (const row of await store.anchorVisits(ex, [...byPerson.keys()], categories, union))
    byPerson.get(row.anchor_id)!.push(row);
  const ranges: Array<{ venueId: string; lo: number; hi: number }> = [];
  anchors.forEach((a, k) => {
    const b = a.bounds;
    for (const row of byPerson.get(a.personId)!) {
      if (row.a_in < b.from - b.maxSpanMs || row.a_in > b.to - b.minOverlapMs) continue;
      if ((row.a_out ?? row.a_in + b.maxDwellMs) + b.padCapMs < b.from + b.minOverlapMs) continue;
      const lo = row.a_in - b.maxSpanMs;
      const hi = Math.min((row.a_out ?? row.a_in + b.maxDwellMs) + b.padCapMs - b.minOverlapMs, b.to - b.minOverlapMs);
      if (lo > hi) continue;
      ranges.push({ venueId: row.venue_id, lo, hi });
      const venue = venueOf(row);
      const mine: StoredVisit = {
        checkinId: row.a_id,
        personId: row.anchor_id,
        enteredAt: row.a_in,
        exitedAt: row.a_out,
      };
      const end = paddedEnd(r, row.a_in, row.a_out ?? autoExitAt(row.a_in, venue.dwellMinutes));
      job.visits[k]!.push({
        window: a.window,
        venue,
        mine,
        lo,
        hi,
        reach: Math.max(row.a_in, b.from) + b.minOverlapMs,
        start: Math.max(row.a_in, a.window.start),
        end: end === null ? -Infinity : Math.min(end, a.window.end),
        close: v.closeCategories.includes(row.category),
      });
    }
  });
  await refreshVenues(ex, index, ranges);
  return job;
}

/** Per index, a person-numbered scratch list head (−1 = none), kept all −1 between uses. */
const scratch = new WeakMap<VisitIndex, Int32Array>();

function headsFor(index: VisitIndex): Int32Array {
  let heads = scratch.get(index);
  if (!heads || heads.length < index.personCount()) {
    heads = new Int32Array(Math.max(1024, Math.ceil(index.personCount() * 1.25))).fill(-1);
    scratch.set(index, heads);
  }
  return heads;
}

/**
 * The venue contacts of the job's anchors (those numbered in `which`), one list per anchor in person
 * order. With the index: a binary search per visit of the anchor, the rule set's encounter test on
 * the times alone (the arithmetic of `encounter`: padding, clipping, minimum overlap), the encounters
 * kept as positions and grouped by person in a scratch array; each contact's evidence is made from
 * them when read. Without it: the SQL interval join. Both give the same contacts.
 */
async function venueContactsOf(ex: Executor, job: VenueJob, which: readonly number[]): Promise<FoundContact[][]> {
  const { r, index } = job;
  if (!index) {
    const v = r.venueCoPresence;
    const categories = [...v.closeCategories, ...v.generalCategories];
    const out: FoundContact[][] = [];
    for (const k of which) {
      const a = job.anchors[k]!;
      out.push(
        venueContacts(encountersOf(r, await store.coPresence(ex, [a.personId], categories, a.bounds), a.window)),
      );
    }
    return out;
  }
  return which.map((k) => matchAnchor(index, r, job.anchors[k]!, job.visits[k]!));
}

/** Encounters found for one anchor, as parallel lists (no object per encounter). */
interface Hits {
  visit: AnchorVisit[];
  seg: Segment[];
  pos: number[];
  person: number[];
  start: number[];
  end: number[];
  next: number[];
}

function newHits(): Hits {
  return { visit: [], seg: [], pos: [], person: [], start: [], end: [], next: [] };
}

/**
 * Scans the anchor's visits on the index and calls `onHit` for every encounter the rule set makes:
 * the arithmetic of `encounter` on times alone (padding, clipping, minimum overlap), nothing allocated
 * per visit of the other side. `onHit` gets the anchor's visit, the position, the person's number and
 * the overlap [start, end).
 */
function scanEncounters(
  index: VisitIndex,
  r: RuleSet,
  bounds: JoinBounds,
  personId: string,
  visits: readonly AnchorVisit[],
  onHit: (av: AnchorVisit, seg: Segment, i: number, person: number, start: number, end: number) => void,
): void {
  const v = r.venueCoPresence;
  const dropMs = v.padding.dropVisitsShorterThanMinutes * MINUTE;
  const capMs = v.padding.padCapMinutes * MINUTE;
  const padFactor = v.padding.padFactor;
  const minimum = v.minimumOverlapMinutes;
  const { maxDwellMs, padCapMs } = bounds;
  const except = index.personNumber(personId);
  for (const av of visits) {
    if (av.end <= av.start) continue;
    const seg = index.segmentOf(av.venue.id);
    if (!seg) continue;
    const dwellMinutes = av.venue.dwellMinutes;
    const start = av.start;
    const end = av.end;
    index.scan(seg, av.lo, av.hi, except, maxDwellMs, padCapMs, av.reach, (sg, i, p, en, x) => {
      const ox = x === x ? x : autoExitAt(en, dwellMinutes);
      const duration = ox - en;
      if (duration < 0 || duration < dropMs) return;
      const oEnd = ox + Math.min(duration * padFactor, capMs);
      const s = Math.max(start, en);
      const e = Math.min(end, oEnd);
      if (Math.max(0, e - s) / MINUTE < minimum) return;
      onHit(av, sg, i, p, s, e);
    });
  }
}

/** Records a hit, chained per person from `heads`; a person's first hit adds them to `touched`. */
function recordHit(
  hits: Hits,
  heads: Int32Array,
  touched: number[],
  av: AnchorVisit,
  sg: Segment,
  i: number,
  p: number,
  s: number,
  e: number,
): void {
  const h = hits.pos.length;
  hits.visit.push(av);
  hits.seg.push(sg);
  hits.pos.push(i);
  hits.person.push(p);
  hits.start.push(s);
  hits.end.push(e);
  const prev = heads[p]!;
  if (prev < 0) touched.push(p);
  hits.next.push(prev);
  heads[p] = h;
}

/** Every encounter of the anchor's visits as a hit chained per person; returns the persons touched (heads to be reset). */
function scanVisits(
  index: VisitIndex,
  r: RuleSet,
  bounds: JoinBounds,
  personId: string,
  visits: readonly AnchorVisit[],
  hits: Hits,
  heads: Int32Array,
): number[] {
  const touched: number[] = [];
  scanEncounters(index, r, bounds, personId, visits, (av, sg, i, p, s, e) =>
    recordHit(hits, heads, touched, av, sg, i, p, s, e),
  );
  return touched;
}

function matchAnchor(
  index: VisitIndex,
  r: RuleSet,
  anchor: VenueAnchor,
  visits: readonly AnchorVisit[],
): FoundContact[] {
  const hits = newHits();
  const heads = headsFor(index);
  const touched = scanVisits(index, r, anchor.bounds, anchor.personId, visits, hits, heads);
  touched.sort((a, b) => index.comparePersons(a, b));
  const context: HitContext = { index, r, hits };
  const out: FoundContact[] = new Array(touched.length);
  for (let t = 0; t < touched.length; t++) {
    const p = touched[t]!;
    out[t] = contactOf(context, heads[p]!, index.personIdOf(p));
    heads[p] = -1;
  }
  return out;
}

/** The order of `compareEncounters` on two hits, ids read only on a tie. */
function compareHits(index: VisitIndex, hits: Hits, a: number, b: number): number {
  const d = hits.start[a]! - hits.start[b]!;
  if (d) return d;
  const va = hits.visit[a]!;
  const vb = hits.visit[b]!;
  return (
    va.venue.id.localeCompare(vb.venue.id) ||
    hits.seg[a]!.id(hits.pos[a]!).localeCompare(hits.seg[b]!.id(hits.pos[b]!)) ||
    va.mine.checkinId.localeCompare(vb.mine.checkinId)
  );
}

/**
 * What one person's hits (a chain from `first`) amount to, as `contactFromEncounters` decides it, left
 * in these (no object per contact): the first and last exposure, the decisive encounter (the first
 * close one in evidence order, else the first of all), whether any is close, and the hits — one hit's
 * number, or a list.
 */
let sumFirst = 0;
let sumLast = 0;
let sumDecisive = -1;
let sumClose = false;
let sumHits: number | number[] = -1;

function summarize(index: VisitIndex, hits: Hits, first: number): void {
  let firstAt = Infinity;
  let lastAt = -Infinity;
  let decisive = -1;
  let close = false;
  let n = 0;
  for (let h = first; h >= 0; h = hits.next[h]!) {
    n++;
    if (hits.start[h]! < firstAt) firstAt = hits.start[h]!;
    if (hits.end[h]! > lastAt) lastAt = hits.end[h]!;
    const c = hits.visit[h]!.close;
    if (decisive < 0 || (c && !close) || (c === close && compareHits(index, hits, h, decisive) < 0)) decisive = h;
    if (c) close = true;
  }
  sumFirst = firstAt;
  sumLast = lastAt;
  sumDecisive = decisive;
  sumClose = close;
  if (n === 1) sumHits = first;
  else {
    const list: number[] = [];
    for (let h = first; h >= 0; h = hits.next[h]!) list.push(h);
    sumHits = list;
  }
}

/** What the evidence of hits is made from when read. */
interface HitContext {
  index: VisitIndex;
  r: RuleSet;
  hits: Hits;
}

function hitEncounter(c: HitContext, h: number): Encounter {
  const av = c.hits.visit[h]!;
  return encounter(c.r, av.window, av.venue, av.mine, c.index.visitOf(c.hits.seg[h]!, c.hits.pos[h]!))!;
}

function makeEncounters(c: HitContext, arg: number | number[]): Encounter[] {
  return typeof arg === 'number' ? [hitEncounter(c, arg)] : arg.map((h) => hitEncounter(c, h));
}

/** One person's contact from their hits (a chain from `first`): what `contactFromEncounters` gives. */
function contactOf(context: HitContext, first: number, personId: string): FoundContact {
  summarize(context.index, context.hits, first);
  return {
    personId,
    class: sumClose ? 'close' : 'general',
    candidate: sumClose,
    basis: 'venue',
    reasonCode: reasonForCategory(context.hits.visit[sumDecisive]!.venue.category),
    rule: sumClose ? 'venueCoPresence.closeCategories' : 'venueCoPresence.generalCategories',
    firstExposureAt: sumFirst,
    lastExposureAt: sumLast,
    evidence: new LazyEvidence(makeEncounters, context, sumHits),
  };
}

/** Per index, the best source per person number while a case's secondary contacts are matched. */
interface BestOffers {
  start: Float64Array;
  /** −1 = none (kept so between uses). */
  source: Int32Array;
}

const bestScratch = new WeakMap<VisitIndex, BestOffers>();

function bestFor(index: VisitIndex): BestOffers {
  let b = bestScratch.get(index);
  if (!b || b.source.length < index.personCount()) {
    const n = Math.max(1024, Math.ceil(index.personCount() * 1.25));
    b = { start: new Float64Array(n), source: new Int32Array(n).fill(-1) };
    bestScratch.set(index, b);
  }
  return b;
}

/**
 * The secondary contacts by venue of one case's sources on the index (the close-contact venue rule
 * alone), one per person: the earliest exposure, then the source by id (`preferSecondary` among
 * offers that are all candidates). A first pass over every source finds each person's best source
 * without keeping anything; a second records the encounters of each person with their best source
 * alone, as the evidence. The case and its close contacts are left out.
 */
function secondaryByVenue(
  index: VisitIndex,
  r: RuleSet,
  sources: readonly SecondarySource[],
  visits: ReadonlyArray<readonly AnchorVisit[]>,
  bounds: readonly JoinBounds[],
  exclude: ReadonlySet<string>,
): FoundContact[] {
  const best = bestFor(index);
  const people: number[] = [];
  sources.forEach((src, k) => {
    scanEncounters(index, r, bounds[k]!, src.personId, visits[k]!, (_av, _sg, _i, p, s) => {
      const had = best.source[p]!;
      if (had < 0) people.push(p);
      else if (s > best.start[p]! || (s === best.start[p]! && (had === k || !(src.personId < sources[had]!.personId))))
        return;
      best.start[p] = s;
      best.source[p] = k;
    });
  });
  const winners = new Set<number>();
  for (const p of people) winners.add(best.source[p]!);
  const hits = newHits();
  const heads = headsFor(index);
  const touched: number[] = [];
  sources.forEach((src, k) => {
    if (!winners.has(k)) return;
    scanEncounters(index, r, bounds[k]!, src.personId, visits[k]!, (av, sg, i, p, s, e) => {
      if (best.source[p] === k) recordHit(hits, heads, touched, av, sg, i, p, s, e);
    });
  });
  // In the order of the result: by source id, then person id.
  const order = sources.map((_, k) => k).sort((a, b) => compareIds(sources[a]!.personId, sources[b]!.personId));
  const sourceRank = new Int32Array(sources.length);
  order.forEach((k, i) => {
    sourceRank[k] = i;
  });
  people.sort((a, b) => sourceRank[best.source[a]!]! - sourceRank[best.source[b]!]! || index.comparePersons(a, b));
  const context: HitContext = { index, r, hits };
  const out: FoundContact[] = [];
  for (const p of people) {
    const first = heads[p]!;
    heads[p] = -1;
    const src = sources[best.source[p]!]!;
    best.source[p] = -1;
    const personId = index.personIdOf(p);
    if (exclude.has(personId)) continue;
    summarize(index, hits, first);
    const evidence = new LazyEvidence(makeEncounters, context, sumHits);
    Object.assign(evidence, { via: 'venue', sourcePersonId: src.personId, window: secondaryWindow(src) });
    out.push({
      personId,
      class: 'secondary',
      candidate: true,
      basis: 'secondary',
      reasonCode: reasonForCategory(hits.visit[sumDecisive]!.venue.category),
      rule: 'secondaryContacts.identified',
      firstExposureAt: sumFirst,
      lastExposureAt: sumLast,
      sourcePersonId: src.personId,
      evidence,
    });
  }
  return out;
}

// ---- households and secondary contacts ------------------------------------------------------------

function householdContacts(
  person: Pick<TracedPerson, 'id' | 'household_id'>,
  memberIds: readonly string[],
  window: Interval,
): FoundContact[] {
  return memberIds.map((id) => ({
    personId: id,
    class: 'close',
    candidate: false,
    basis: 'household',
    reasonCode: 'same_household',
    rule: 'closeContact.sameHousehold',
    firstExposureAt: window.start,
    lastExposureAt: window.end,
    evidence: { householdId: person.household_id },
  }));
}

/** Household members and venue co-presence of the person inside the window. */
export async function directContacts(
  ex: Executor,
  r: RuleSet,
  person: Pick<TracedPerson, 'id' | 'household_id'>,
  window: Interval,
): Promise<FoundContact[]> {
  const members = (await store.householdMembersOf(ex, [person.id])).map((m) => m.member_id);
  const job = await prepareVenue(ex, r, [
    { personId: person.id, window, bounds: joinBounds(r, window, await maxDwellMinutes(ex)) },
  ]);
  return [...householdContacts(person, members, window), ...(await venueContactsOf(ex, job, [0]))[0]!];
}

/** Close contacts found directly, as sources of secondary contacts (one per person, earliest exposure); `until` still to be read. */
export function sourcesOf(contacts: readonly FoundContact[]): Array<Omit<SecondarySource, 'until'>> {
  const byPerson = new Map<string, Omit<SecondarySource, 'until'>>();
  for (const c of contacts) {
    if (c.class !== 'close' || c.basis === 'secondary') continue;
    const from = c.firstExposureAt ?? 0;
    const prev = byPerson.get(c.personId);
    byPerson.set(
      c.personId,
      prev
        ? {
            personId: c.personId,
            from: Math.min(prev.from, from),
            pendingCandidate: prev.pendingCandidate && c.candidate,
          }
        : { personId: c.personId, from, pendingCandidate: c.candidate },
    );
  }
  return [...byPerson.values()];
}

/**
 * Each source's own isolation (`secondaryUntil`): from the isolation times recorded on cases of
 * theirs; the records hold no other isolation of a contact (quarantine orders follow from the
 * contact itself), so a close contact without a case of their own counts as not isolated yet.
 */
export async function withIsolation(
  ex: Executor,
  sources: ReadonlyArray<Omit<SecondarySource, 'until'>>,
  now: number,
): Promise<SecondarySource[]> {
  if (!sources.length) return [];
  const byPerson = new Map<string, number[]>();
  for (const row of await store.isolationsOf(
    ex,
    sources.map((src) => src.personId),
  )) {
    const list = byPerson.get(row.person_id);
    if (list) list.push(row.isolated_at);
    else byPerson.set(row.person_id, [row.isolated_at]);
  }
  return sources.map((src) => ({ ...src, until: secondaryUntil(src.from, byPerson.get(src.personId) ?? [], now) }));
}

/** The secondary window of a source. */
function secondaryWindow(src: SecondarySource): Interval {
  return { start: src.from, end: Math.max(src.from, src.until) };
}

interface SecondaryGroup {
  sources: readonly SecondarySource[];
  /** The case and its close contacts: never secondary contacts of it. */
  exclude: ReadonlySet<string>;
  /**
   * Whether the venue co-presence of close contacts still pending review is searched too (a dry trace
   * does); otherwise only their household members are offered until an investigator settles them.
   */
  venueOfCandidates: boolean;
}

/**
 * The secondary contacts of each group (a case's sources): household members of each source, and the
 * people a source met at a venue of a close-contact category for the rule set's minimum overlap (after
 * padding) inside the source's window — people who would be close-contact candidates of the source.
 * One contact per person (`preferSecondary`).
 */
async function secondaryGroups(
  ex: Executor,
  r: RuleSet,
  groups: readonly SecondaryGroup[],
  maxDwell: number,
): Promise<FoundContact[][]> {
  const all: SecondarySource[] = groups.flatMap((g) => g.sources);
  const rule = secondaryVenueRule(r);
  if (!all.length || !rule) return groups.map(() => []);
  const members = new Map<string, string[]>();
  for (const m of await store.householdMembersOf(ex, [...new Set(all.map((src) => src.personId))])) {
    const list = members.get(m.person_id);
    if (list) list.push(m.member_id);
    else members.set(m.person_id, [m.member_id]);
  }
  const anchors = all.map((src) => {
    const window = secondaryWindow(src);
    return { personId: src.personId, window, bounds: joinBounds(rule, window, maxDwell) };
  });
  const job = await prepareVenue(ex, rule, anchors);
  // Without the index, every source's venue contacts from the SQL join, offered one by one.
  const venue = job.index
    ? null
    : await venueContactsOf(
        ex,
        job,
        all.map((_, k) => k),
      );
  let k = 0;
  return groups.map((g) => {
    const from = k;
    k += g.sources.length;
    const best = (offers: Map<string, FoundContact>, c: FoundContact) => {
      if (g.exclude.has(c.personId)) return;
      const prev = offers.get(c.personId);
      if (!prev || preferSecondary(offerOf(c), offerOf(prev))) offers.set(c.personId, c);
    };
    const household = new Map<string, FoundContact>();
    for (const src of g.sources) {
      const window = secondaryWindow(src);
      for (const id of members.get(src.personId) ?? []) {
        best(household, {
          personId: id,
          class: 'secondary',
          candidate: src.pendingCandidate,
          basis: 'secondary',
          reasonCode: 'same_household',
          rule: 'secondaryContacts.identified',
          firstExposureAt: window.start,
          lastExposureAt: window.end,
          sourcePersonId: src.personId,
          evidence: { via: 'household', sourcePersonId: src.personId, window },
        });
      }
    }
    // By venue: on the index one per person already (in result order); from the SQL join, the best of each person's.
    const searched = (src: SecondarySource) => g.venueOfCandidates || !src.pendingCandidate;
    let byVenue: FoundContact[];
    if (job.index) {
      const keep = g.sources.map(searched);
      const pick = <T>(list: readonly T[]) => list.filter((_, i) => keep[i]);
      byVenue = secondaryByVenue(
        job.index,
        rule,
        pick(g.sources),
        pick(job.visits.slice(from, k)),
        pick(anchors.slice(from, k).map((a) => a.bounds)),
        g.exclude,
      );
    } else {
      const offers = new Map<string, FoundContact>();
      g.sources.forEach((src, i) => {
        if (!searched(src)) return;
        const window = secondaryWindow(src);
        for (const c of venue![from + i]!) {
          if (c.class !== 'close') continue;
          best(offers, {
            personId: c.personId,
            class: 'secondary',
            candidate: true,
            basis: 'secondary',
            reasonCode: c.reasonCode,
            rule: 'secondaryContacts.identified',
            firstExposureAt: c.firstExposureAt,
            lastExposureAt: c.lastExposureAt,
            sourcePersonId: src.personId,
            evidence: { via: 'venue', sourcePersonId: src.personId, window, encounters: c.evidence.encounters },
          });
        }
      });
      byVenue = [...offers.values()];
    }
    // One per person: a person found both ways keeps the preferred.
    const out: FoundContact[] = [];
    for (const c of byVenue) {
      const h = household.get(c.personId);
      if (h) {
        if (!preferSecondary(offerOf(c), offerOf(h))) continue;
        household.delete(c.personId);
      }
      out.push(c);
    }
    out.push(...household.values());
    return out.sort((a, b) => compareIds(a.sourcePersonId!, b.sourcePersonId!) || compareIds(a.personId, b.personId));
  });
}

/** Ids as strings sort. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function offerOf(c: FoundContact): SecondaryOffer {
  return {
    candidate: c.candidate,
    firstExposureAt: c.firstExposureAt,
    sourcePersonId: c.sourcePersonId!,
    via: c.evidence.via as SecondaryOffer['via'],
  };
}

/**
 * The secondary contacts of the sources (see `secondaryGroups`), leaving out `exclude` (the case and
 * its close contacts), one per person. `venueOfCandidates` false: a source still pending review
 * brings only its household members (the case service: a venue candidate's own venue contacts are
 * searched once an investigator confirms it).
 */
export async function secondaryContacts(
  ex: Executor,
  r: RuleSet,
  sources: readonly SecondarySource[],
  exclude: ReadonlySet<string>,
  venueOfCandidates = true,
): Promise<FoundContact[]> {
  if (!sources.length) return [];
  return (await secondaryGroups(ex, r, [{ sources, exclude, venueOfCandidates }], await maxDwellMinutes(ex)))[0]!;
}

/** The person traced, or PERSON_NOT_FOUND. */
export async function tracedPerson(ex: Executor, personId: string): Promise<TracedPerson> {
  const person = await store.personById(ex, personId);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  return person;
}

function wantsSecondary(r: RuleSet, opts: TraceOptions): boolean {
  return identifiesSecondaryContacts(r) && opts.secondaryContacts !== false;
}

/**
 * A dry trace: every contact the rule set finds for the person and times, with the parameters used;
 * nothing is written. The case service stores the same direct contacts and derives secondary ones
 * from the stored close contacts (so an investigator's dismissal counts).
 */
export async function traceContacts(
  ex: Executor,
  r: RuleSet,
  anchor: TraceAnchor,
  opts: TraceOptions,
): Promise<TraceResult> {
  const person = await tracedPerson(ex, anchor.personId);
  const window = contactWindow(
    r,
    { onsetAt: anchor.onsetAt, sampledAt: anchor.sampledAt, isolatedAt: anchor.isolatedAt },
    opts.timeZone,
    opts.now,
  );
  const direct = await directContacts(ex, r, person, window);
  let secondary: FoundContact[] = [];
  if (wantsSecondary(r, opts)) {
    const sources = await withIsolation(ex, sourcesOf(direct), opts.now);
    secondary = await secondaryContacts(ex, r, sources, new Set([person.id, ...sources.map((src) => src.personId)]));
  }
  return {
    personId: person.id,
    window,
    parameters: traceParameters(r),
    purgedBefore: purgedBefore(window.start, await latestPurgeCutoff(ex)),
    contacts: [...direct, ...secondary],
  };
}

/** Cases traced together per step of a batch: their contacts are held in memory at once. */
const BATCH_STEP = 25;

/**
 * Dry traces of many cases under one rule set (the same results as tracing each alone): the cases'
 * visits read and their venues brought up to date once for the whole batch, then a step of cases at a
 * time matched in memory, with persons, households and (where the rule set has them) the secondary
 * contacts of the step's close contacts read in a few queries per step. With `each`, every result is
 * handed over as soon as it is ready and not kept (the returned list is then empty).
 */
export async function traceContactsBatch(
  ex: Executor,
  r: RuleSet,
  anchors: readonly TraceAnchor[],
  opts: TraceOptions,
  each?: (result: TraceResult, i: number) => void,
): Promise<TraceResult[]> {
  const out: TraceResult[] = [];
  const maxDwell = await maxDwellMinutes(ex);
  const windows = anchors.map((a) =>
    contactWindow(r, { onsetAt: a.onsetAt, sampledAt: a.sampledAt, isolatedAt: a.isolatedAt }, opts.timeZone, opts.now),
  );
  const job = await prepareVenue(
    ex,
    r,
    anchors.map((a, i) => ({
      personId: a.personId,
      window: windows[i]!,
      bounds: joinBounds(r, windows[i]!, maxDwell),
    })),
  );
  const secondary = wantsSecondary(r, opts);
  const cutoff = await latestPurgeCutoff(ex);
  for (let from = 0; from < anchors.length; from += BATCH_STEP) {
    const step = anchors.slice(from, from + BATCH_STEP);
    const persons = new Map(
      (
        await store.personsByIds(
          ex,
          step.map((a) => a.personId),
        )
      ).map((p) => [p.id, p]),
    );
    for (const a of step) if (!persons.has(a.personId)) throw new AppError('PERSON_NOT_FOUND');
    const venue = await venueContactsOf(
      ex,
      job,
      step.map((_, i) => from + i),
    );
    const members = new Map<string, string[]>();
    for (const m of await store.householdMembersOf(
      ex,
      step.map((a) => a.personId),
    )) {
      const list = members.get(m.person_id);
      if (list) list.push(m.member_id);
      else members.set(m.person_id, [m.member_id]);
    }
    const directs = step.map((a, i) => {
      const person = persons.get(a.personId)!;
      return [...householdContacts(person, members.get(person.id) ?? [], windows[from + i]!), ...venue[i]!];
    });
    let secondaries: FoundContact[][] = step.map(() => []);
    if (secondary) {
      const sources = directs.map((direct) => sourcesOf(direct));
      const isolated = await withIsolation(ex, sources.flat(), opts.now);
      let k = 0;
      const groups = step.map((a, i) => {
        const mine = isolated.slice(k, (k += sources[i]!.length));
        return {
          sources: mine,
          exclude: new Set([a.personId, ...mine.map((src) => src.personId)]),
          venueOfCandidates: true,
        };
      });
      secondaries = await secondaryGroups(ex, r, groups, maxDwell);
    }
    for (let i = 0; i < step.length; i++) {
      const window = windows[from + i]!;
      const result: TraceResult = {
        personId: step[i]!.personId,
        window,
        parameters: traceParameters(r),
        purgedBefore: purgedBefore(window.start, cutoff),
        contacts: [...directs[i]!, ...secondaries[i]!],
      };
      if (each) each(result, from + i);
      else out.push(result);
    }
  }
  return out;
}
