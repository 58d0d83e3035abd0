// The generated city of the tracing tests (test/db/tracing.test.ts, test/db/trace.index.test.ts) and
// the brute-force oracle both check against: every pair of admitted visits tried with the rule set's
// own `encounter`, households and isolation read from the raw rows, secondary contacts worked out the
// slow way. Times: the clock of every test is 2022-03-24 08:00 (+08:00); the case's onset is 03-20
// 10:00, isolation 03-22 12:00.
import type { CaseRecordTable, CheckinTable, PersonTable, VenueTable } from '../../src/db/database.ts';
import { newId } from '../../src/platform/crypto.ts';
import { Random } from '../../src/sim/random.ts';
import { contactWindow, type Interval } from '../../src/rules/ruleset.rules.ts';
import type { RuleSet } from '../../src/rules/ruleset.schema.ts';
import { venueCategories } from '../../src/venues/venue.categories.ts';
import { dwellMinutesOf } from '../../src/venues/venue.rules.ts';
import { encounter, venueContacts, type Encounter, type FoundContact } from '../../src/tracing/tracing.rules.ts';
import type { TraceAnchor } from '../../src/tracing/tracing.discovery.ts';
import { AREAS, seedTestAreas, type TestServices } from './services.ts';

export const MIN = 60_000;
export const DAY = 86_400_000;
export const at = (iso: string) => Date.parse(iso);

export const NOW = at('2022-03-24T08:00:00+08:00');
export const ONSET = at('2022-03-20T10:00:00+08:00');
export const ISOLATED = at('2022-03-22T12:00:00+08:00');
export const W0 = at('2022-03-16T00:00:00+08:00'); // 9th edition: 4 days before onset
export const W1 = ISOLATED;

export const opts = { now: NOW, timeZone: 'Asia/Shanghai' };
export const anchor: TraceAnchor = { personId: 'case', onsetAt: ONSET, isolatedAt: ISOLATED };

/** A value as JSON gives it back (lazy evidence made, undefined fields gone). */
export const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

export function personRow(id: string, areaId: string, householdId: string | null, name = id): PersonTable {
  return {
    id,
    household_id: householdId,
    area_id: areaId,
    name,
    id_type: 'none',
    id_enc: null,
    id_hmac: null,
    birth_date: null,
    sex: null,
    phone_enc: null,
    phone_hmac: null,
    relation: '',
    elderly_alone: 0,
    bedridden: 0,
    pregnant: 0,
    dialysis: 0,
    no_smartphone: 0,
    note: '',
    created_at: NOW - 30 * DAY,
    updated_at: NOW - 30 * DAY,
  };
}

export function venueRow(id: string, areaId: string, category: string, dwell: number | null = null): VenueTable {
  return {
    id,
    name: `venue ${id}`,
    category,
    address: '',
    area_id: areaId,
    capacity: 1000,
    operator_user_id: null,
    status: 'approved',
    approved_by: null,
    approved_at: null,
    code_version: 1,
    requires_presence: 0,
    dwell_minutes: dwell,
    created_at: NOW - 30 * DAY,
    updated_at: NOW - 30 * DAY,
  };
}

let seq = 0;
/** A check-in; ids alternate between the server's format (packed by the index) and another (kept as they are). */
export function visit(
  venueId: string,
  personId: string,
  enteredAt: number,
  exitedAt: number | null,
  decision = 'admitted',
): CheckinTable {
  seq++;
  return {
    id: seq % 2 ? newId(enteredAt) : `ck${String(seq).padStart(7, '0')}`,
    venue_id: venueId,
    person_id: personId,
    client_id: null,
    method: 'assisted',
    entered_at: enteredAt,
    exited_at: exitedAt,
    exit_kind: exitedAt === null ? null : 'scan',
    decision,
    refusal_code: decision === 'admitted' ? null : 'NO_RECENT_TEST',
    colour: 'green',
    reasons: null,
    test_sampled_at: null,
    test_result: null,
    vaccinated: null,
    created_at: enteredAt,
    scan_gap_ms: 0,
  };
}

export async function insertAll<T extends 'person' | 'venue' | 'checkin' | 'household' | 'case_record'>(
  s: TestServices,
  table: T,
  rows: readonly object[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await s.db
      .insertInto(table)
      .values(rows.slice(i, i + 200) as never)
      .execute();
}

export async function household(s: TestServices, id: string, areaId: string): Promise<void> {
  await s.db
    .insertInto('household')
    .values({
      id,
      building_id: null,
      area_id: areaId,
      unit: '',
      door: id,
      address: `addr ${id}`,
      rooms: null,
      head_person_id: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

/**
 * 文苑大厦, an approved office (id v-office) in the area, and two hours there from `enteredAt` for each
 * of the people (check-ins c1, c2, … in their order): the shared visit the HTTP tracing suites trace.
 */
export async function officeVisit(
  s: TestServices,
  areaId: string,
  enteredAt: number,
  personIds: readonly string[],
): Promise<void> {
  await s.db
    .insertInto('venue')
    .values({
      id: 'v-office',
      name: '文苑大厦',
      category: 'office',
      address: '',
      area_id: areaId,
      capacity: 100,
      operator_user_id: null,
      status: 'approved',
      approved_by: null,
      approved_at: null,
      code_version: 1,
      requires_presence: 0,
      dwell_minutes: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  await s.db
    .insertInto('checkin')
    .values(
      personIds.map((personId, i) => ({
        id: `c${i + 1}`,
        venue_id: 'v-office',
        person_id: personId,
        client_id: null,
        method: 'assisted',
        entered_at: enteredAt,
        exited_at: enteredAt + 120 * MIN,
        exit_kind: 'scan',
        decision: 'admitted',
        refusal_code: null,
        colour: 'green',
        reasons: null,
        test_sampled_at: null,
        test_result: null,
        vaccinated: null,
        created_at: enteredAt,
      })),
    )
    .execute();
}

/** A case of the person with an isolation time (for the end of their secondary window). */
export function isolatedCase(id: string, personId: string, isolatedAt: number | null): CaseRecordTable {
  return {
    id,
    person_id: personId,
    classification: 'confirmed',
    onset_at: null,
    first_positive_sampled_at: null,
    source: 'contact_tracing',
    isolated_at: isolatedAt,
    status: 'confirmed',
    ruleset_id: '9th-edition',
    ruleset_version: 'test',
    traced_at: null,
    created_by: null,
    created_at: NOW - DAY,
    updated_at: NOW - DAY,
  };
}

/**
 * The generated city: the case person and two household members, hand-made edge cases around the
 * window, random visits of 300 people (twenty households of three among them), and cases of their
 * own for some of them with isolation times spread over the fortnight.
 */
export async function generatedCity(s: TestServices, seed: number) {
  const areas = await seedTestAreas(s);
  const grid = areas[AREAS.wenyuanGrid]!;
  const rnd = new Random(seed, 'tracing');
  await household(s, 'h-case', grid);
  for (let h = 0; h < 20; h++) await household(s, `h${h}`, grid);
  const persons: PersonTable[] = [
    personRow('case', grid, 'h-case'),
    personRow('mate1', grid, 'h-case'),
    personRow('mate2', grid, 'h-case'),
  ];
  for (let i = 0; i < 300; i++)
    persons.push(personRow(`p${String(i).padStart(3, '0')}`, grid, i < 60 ? `h${Math.floor(i / 3)}` : null));
  for (let i = 1; i <= 13; i++) persons.push(personRow(`e${i}`, grid, null));
  await insertAll(s, 'person', persons);
  const venues = [
    venueRow('O', grid, 'office'),
    venueRow('R', grid, 'restaurant', 200),
    venueRow('S', grid, 'supermarket'),
    venueRow('T', grid, 'transport_hub'),
    venueRow('P', grid, 'pharmacy'),
    venueRow('G', grid, 'gym'),
  ];
  await insertAll(s, 'venue', venues);

  const T2 = at('2022-03-18T10:00:00+08:00');
  const T4 = at('2022-03-19T18:00:00+08:00');
  const T5 = at('2022-03-20T12:00:00+08:00');
  const visits: CheckinTable[] = [
    // Exactly at the window start.
    visit('O', 'case', W0, W0 + 60 * MIN),
    visit('O', 'e1', W0, W0 + 60 * MIN),
    // Case [T2, T2+20] padded to +40; e2 padded [T2+25, T2+45]: exactly 15 min. e3 1 ms later: short of it.
    visit('S', 'case', T2, T2 + 20 * MIN),
    visit('S', 'e2', T2 + 25 * MIN, T2 + 35 * MIN),
    visit('S', 'e3', T2 + 25 * MIN + 1, T2 + 35 * MIN + 1),
    // Before the window: the case's padded visit ends exactly at its start.
    visit('P', 'case', W0 - 40 * MIN, W0 - 20 * MIN),
    visit('P', 'e4', W0 - 40 * MIN, W0 - 20 * MIN),
    // After isolation by 1 ms; and across the window end (clipped): e6 exactly 15 min inside, e7 1 ms short.
    visit('T', 'case', W1 + 1, W1 + 40 * MIN),
    visit('T', 'e5', W1 + 1, W1 + 40 * MIN),
    visit('T', 'case', W1 - 15 * MIN, W1 + 30 * MIN),
    visit('T', 'e6', W1 - 15 * MIN, W1 + 30 * MIN),
    visit('T', 'e7', W1 - 15 * MIN + 1, W1 + 30 * MIN),
    // Open visits: the gym's dwell (90) ends them; e8 shares 20 min, e9 14.
    visit('G', 'case', T4, null),
    visit('G', 'e8', T4 + 100 * MIN, null),
    visit('G', 'e9', T4 + 106 * MIN, null),
    // The restaurant's own dwell (200 min, not the category's 90): e10 exactly 15 min, e11 1 ms short.
    visit('R', 'case', T5, null),
    visit('R', 'e10', T5 + 215 * MIN, T5 + 240 * MIN),
    visit('R', 'e11', T5 + 215 * MIN + 1, T5 + 240 * MIN),
    // Refused at the door, and too short to count.
    visit('O', 'e12', W0, W0 + 60 * MIN, 'refused'),
    visit('O', 'e13', W0 + 10 * MIN, W0 + 15 * MIN),
  ];

  // Random visits over ten days, exits within each venue's dwell (the venue module's rule), some open,
  // some refused; the case visits more often.
  const dwell = (v: VenueTable) =>
    dwellMinutesOf(v.dwell_minutes, venueCategories().categories.get(v.category)!.defaultDwellMinutes);
  const from = NOW - 10 * DAY;
  const randomVisit = (personId: string) => {
    const v = rnd.pick(venues);
    const entered = from + rnd.int(0, 10 * 24 * 60) * MIN + (rnd.chance(0.3) ? rnd.int(0, MIN - 1) : 0);
    const exit = rnd.chance(0.2) ? null : entered + rnd.int(0, dwell(v)) * MIN;
    visits.push(visit(v.id, personId, entered, exit, rnd.chance(0.05) ? 'refused' : 'admitted'));
  };
  for (let i = 0; i < 40; i++) randomVisit('case');
  for (const p of persons.slice(3, 303)) for (let i = rnd.int(4, 12); i > 0; i--) randomVisit(p.id);
  await insertAll(s, 'checkin', visits);
  // Every seventh random person a case of their own, isolated at some point of the ten days (or not yet).
  const cases = persons
    .slice(3, 303)
    .filter((_, i) => i % 7 === 0)
    .map((p, i) => isolatedCase(`case-${p.id}`, p.id, i % 5 === 4 ? null : from + rnd.int(0, 10 * 24 * 60) * MIN));
  await insertAll(s, 'case_record', cases);
  return { areas, grid };
}

// ---- the oracle ------------------------------------------------------------------------------------

interface Raw {
  venues: Map<string, VenueTable>;
  admitted: CheckinTable[];
  persons: PersonTable[];
  isolations: Map<string, number[]>;
}

async function raw(s: TestServices): Promise<Raw> {
  const isolations = new Map<string, number[]>();
  for (const c of await s.db.selectFrom('case_record').selectAll().execute()) {
    if (c.isolated_at === null) continue;
    isolations.set(c.person_id, [...(isolations.get(c.person_id) ?? []), Number(c.isolated_at)]);
  }
  return {
    venues: new Map((await s.db.selectFrom('venue').selectAll().execute()).map((v) => [v.id, v])),
    admitted: (await s.db.selectFrom('checkin').selectAll().execute()).filter((c) => c.decision === 'admitted'),
    persons: await s.db.selectFrom('person').selectAll().execute(),
    isolations,
  };
}

function venueOf(
  d: Raw,
  c: CheckinTable,
  r: RuleSet,
  personId: string,
  window: Interval,
  o: CheckinTable,
): Encounter | null {
  const v = d.venues.get(c.venue_id)!;
  const facts = {
    id: v.id,
    name: v.name,
    category: v.category,
    dwellMinutes: dwellMinutesOf(
      v.dwell_minutes === null ? null : Number(v.dwell_minutes),
      venueCategories().categories.get(v.category)!.defaultDwellMinutes,
    ),
  };
  return encounter(
    r,
    window,
    facts,
    {
      checkinId: c.id,
      personId,
      enteredAt: Number(c.entered_at),
      exitedAt: c.exited_at === null ? null : Number(c.exited_at),
    },
    {
      checkinId: o.id,
      personId: o.person_id,
      enteredAt: Number(o.entered_at),
      exitedAt: o.exited_at === null ? null : Number(o.exited_at),
    },
  );
}

function bruteVenue(d: Raw, r: RuleSet, personId: string, window: Interval): FoundContact[] {
  const found: Array<Encounter & { personId: string }> = [];
  for (const a of d.admitted) {
    if (a.person_id !== personId) continue;
    for (const o of d.admitted) {
      if (o.venue_id !== a.venue_id || o.person_id === personId) continue;
      const e = venueOf(d, a, r, personId, window, o);
      if (e) found.push({ ...e, personId: o.person_id });
    }
  }
  return venueContacts(found);
}

/** Every pair of visits, by brute force over the raw rows, with the rule set's own functions. */
export async function bruteForce(
  s: TestServices,
  r: RuleSet,
  personId: string,
  window: Interval,
): Promise<FoundContact[]> {
  return bruteVenue(await raw(s), r, personId, window);
}

function membersOf(d: Raw, personId: string): string[] {
  const h = d.persons.find((p) => p.id === personId)?.household_id ?? null;
  return h === null
    ? []
    : d.persons
        .filter((p) => p.household_id === h && p.id !== personId)
        .map((p) => p.id)
        .sort();
}

/**
 * The whole dry trace, the slow way: household members, venue contacts, and where the rule set
 * identifies them the secondary contacts — for each close contact (earliest first exposure; a
 * candidate while every finding of them is), from that exposure until the earliest isolation on a
 * case of theirs at or after it (else now): their household members, and everyone they met for the
 * minimum overlap at a venue of a close-contact category; never the case or its close contacts; one
 * per person (settled before candidate, earliest exposure, then source id, then household first).
 */
export async function bruteForceTrace(s: TestServices, r: RuleSet, a: TraceAnchor, now = NOW): Promise<FoundContact[]> {
  const d = await raw(s);
  const window = contactWindow(r, a, opts.timeZone, now);
  const household: FoundContact[] = membersOf(d, a.personId).map((id) => ({
    personId: id,
    class: 'close',
    candidate: false,
    basis: 'household',
    reasonCode: 'same_household',
    rule: 'closeContact.sameHousehold',
    firstExposureAt: window.start,
    lastExposureAt: window.end,
    evidence: { householdId: d.persons.find((p) => p.id === a.personId)!.household_id },
  }));
  const direct = [...household, ...bruteVenue(d, r, a.personId, window)];
  if (!r.secondaryContacts.identified) return direct;
  const sources = new Map<string, { from: number; pending: boolean }>();
  for (const c of direct) {
    if (c.class !== 'close') continue;
    const prev = sources.get(c.personId);
    sources.set(c.personId, {
      from: Math.min(prev?.from ?? Infinity, c.firstExposureAt!),
      pending: (prev?.pending ?? true) && c.candidate,
    });
  }
  const closeOnly: RuleSet = { ...r, venueCoPresence: { ...r.venueCoPresence, generalCategories: [] } };
  const offers: Array<FoundContact & { via: string }> = [];
  for (const [src, { from, pending }] of sources) {
    const isolated = (d.isolations.get(src) ?? []).filter((t) => t >= from && t <= now);
    const sw = { start: from, end: Math.max(from, isolated.length ? Math.min(...isolated) : now) };
    for (const id of membersOf(d, src)) {
      offers.push({
        personId: id,
        class: 'secondary',
        candidate: pending,
        basis: 'secondary',
        reasonCode: 'same_household',
        rule: 'secondaryContacts.identified',
        firstExposureAt: sw.start,
        lastExposureAt: sw.end,
        sourcePersonId: src,
        evidence: { via: 'household', sourcePersonId: src, window: sw },
        via: 'household',
      });
    }
    for (const c of bruteVenue(d, closeOnly, src, sw)) {
      offers.push({
        personId: c.personId,
        class: 'secondary',
        candidate: true,
        basis: 'secondary',
        reasonCode: c.reasonCode,
        rule: 'secondaryContacts.identified',
        firstExposureAt: c.firstExposureAt,
        lastExposureAt: c.lastExposureAt,
        sourcePersonId: src,
        evidence: { via: 'venue', sourcePersonId: src, window: sw, encounters: c.evidence.encounters },
        via: 'venue',
      });
    }
  }
  const rank = (o: (typeof offers)[number]) =>
    [o.candidate ? 1 : 0, o.firstExposureAt!, o.sourcePersonId!, o.via === 'household' ? 0 : 1] as const;
  const best = new Map<string, (typeof offers)[number]>();
  for (const o of offers) {
    if (o.personId === a.personId || sources.has(o.personId)) continue;
    const prev = best.get(o.personId);
    if (!prev) {
      best.set(o.personId, o);
      continue;
    }
    const [x, y] = [rank(o), rank(prev)];
    const better =
      x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] !== y[2] ? x[2] < y[2] : x[3] < y[3];
    if (better) best.set(o.personId, o);
  }
  const secondary = [...best.values()]
    .map(({ via: _via, ...c }) => c as FoundContact)
    .sort((x, y) =>
      x.sourcePersonId! < y.sourcePersonId!
        ? -1
        : x.sourcePersonId! > y.sourcePersonId!
          ? 1
          : x.personId < y.personId
            ? -1
            : 1,
    );
  return [...direct, ...secondary];
}

/** A rule set with other padding and overlap figures, to move every bound of the join. */
export function variant(base: RuleSet): RuleSet {
  return {
    ...base,
    id: 'variant',
    version: 'test',
    venueCoPresence: {
      ...base.venueCoPresence,
      minimumOverlapMinutes: 7,
      padding: { dropVisitsShorterThanMinutes: 3, padFactor: 0.5, padCapMinutes: 12 },
    },
  };
}
