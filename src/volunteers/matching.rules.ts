// Matching volunteers to needs (精准支援、分类服务). Pure: no I/O, no clock.
//
// Hard constraints, never broken: the health condition the need asks for (a red code never works; green
// code; a negative test sampled within N hours of the slot's start), every skill the need requires, the
// volunteer's availability (each weekday half-day the slot touches), no two bookings of one volunteer
// overlapping, and the rest limits (hours per day and per week from rules/volunteers.json), counting
// the bookings the volunteer already has and those this batch gives them.
//
// The soft score orders those who pass, and is explained per match: the task type's preferred skills
// held, the distance from home area to the need's area in the area tree, hours already booked this week,
// and the team the unit prefers. A batch is assigned greedily — every feasible (need, volunteer) pair
// in order of score, taken while the need has seats and the volunteer stays within every hard rule —
// then improved by moving a seat to a better free volunteer while one exists.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const HALVES = ['am', 'pm'] as const;
/** Every availability key: "mon_am" … "sun_pm". */
export const AVAILABILITY_KEYS: readonly string[] = WEEKDAYS.flatMap((d) => HALVES.map((h) => `${d}_${h}`));

export type HealthRequirement = 'none' | 'green' | 'green_test';
export type Colour = 'green' | 'yellow' | 'red' | 'unknown';

export interface Booking {
  start: number;
  end: number;
  /** The calendar day (YYYY-MM-DD, the deployment's zone) of the start. */
  day: string;
  /** The Monday (YYYY-MM-DD) of the start's week. */
  week: string;
}

export interface Candidate {
  id: string;
  areaPath: string;
  team: string;
  skills: readonly string[];
  /** Availability keys ("mon_am", …). */
  availability: readonly string[];
  /** The health code now; 'unknown' when the volunteer has no record in the registry. */
  colour: Colour;
  /** The latest negative test's sampling time, if any. */
  negativeTestAt: number | null;
  /** Bookings the volunteer holds already (offered or accepted). */
  bookings: readonly Booking[];
}

export interface NeedSlot extends Booking {
  id: string;
  areaPath: string;
  /** Seats to fill. */
  seats: number;
  skills: readonly string[];
  /** The task type's preferred skills (soft). */
  preferredSkills: readonly string[];
  health: HealthRequirement;
  testWithinHours: number | null;
  team: string;
  /** The availability keys the slot touches. */
  halves: readonly string[];
}

export interface MatchRules {
  maxHoursPerDay: number;
  maxHoursPerWeek: number;
  weights: { base: number; skill: number; distanceStep: number; weekHour: number; sameTeam: number };
}

export type HardFault =
  | 'health_red'
  | 'health_colour'
  | 'health_test'
  | 'skill_missing'
  | 'unavailable'
  | 'overlap'
  | 'rest_day'
  | 'rest_week';

export const HARD_FAULTS: readonly HardFault[] = [
  'health_red',
  'health_colour',
  'health_test',
  'skill_missing',
  'unavailable',
  'overlap',
  'rest_day',
  'rest_week',
];

export interface Explain {
  /** Preferred skills of the task type the volunteer holds. */
  skills: string[];
  /** Steps in the area tree from home to the need's area. */
  distance: number;
  /** Hours already booked in the slot's week. */
  weekHours: number;
  sameTeam: boolean;
  score: number;
}

export interface Assignment {
  needId: string;
  volunteerId: string;
  score: number;
  explain: Explain;
}

export interface MatchResult {
  assignments: Assignment[];
  /** Needs left with empty seats, and why the others could not take them (counts per first fault). */
  unfilled: Array<{ needId: string; missing: number; reasons: Partial<Record<HardFault, number>> }>;
}

const HOUR = 3_600_000;

export function hoursOf(b: { start: number; end: number }): number {
  return (b.end - b.start) / HOUR;
}

function depth(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}

/** Steps between two areas in the tree (paths of codes each followed by "/"): up to the common ancestor and down. */
export function areaDistance(a: string, b: string): number {
  let common = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) break;
    if (a.charCodeAt(i) === 47) common++;
  }
  return depth(a) + depth(b) - 2 * common;
}

/** The health condition alone (also what the door would check). */
export function healthFault(
  c: Pick<Candidate, 'colour' | 'negativeTestAt'>,
  n: Pick<NeedSlot, 'health' | 'testWithinHours' | 'start'>,
): HardFault | null {
  if (c.colour === 'red') return 'health_red';
  if (n.health === 'none') return null;
  if (c.colour !== 'green') return 'health_colour';
  if (n.health === 'green_test') {
    const within = (n.testWithinHours ?? 0) * HOUR;
    if (c.negativeTestAt === null || c.negativeTestAt < n.start - within) return 'health_test';
  }
  return null;
}

/** Whether two half-open intervals overlap. */
export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The booking-dependent rules: no overlap, rest per day and per week (with `held` the volunteer's bookings). */
export function bookingFault(
  held: readonly Booking[],
  n: Booking,
  rules: Pick<MatchRules, 'maxHoursPerDay' | 'maxHoursPerWeek'>,
): HardFault | null {
  let day = hoursOf(n);
  let week = day;
  for (const b of held) {
    if (overlaps(b, n)) return 'overlap';
    if (b.day === n.day) day += hoursOf(b);
    if (b.week === n.week) week += hoursOf(b);
  }
  if (day > rules.maxHoursPerDay + 1e-9) return 'rest_day';
  if (week > rules.maxHoursPerWeek + 1e-9) return 'rest_week';
  return null;
}

/** The first hard rule the volunteer fails for the need, given the bookings they would hold; null when eligible. */
export function hardFault(
  c: Candidate,
  n: NeedSlot,
  rules: MatchRules,
  extra: readonly Booking[] = [],
): HardFault | null {
  const health = healthFault(c, n);
  if (health) return health;
  for (const s of n.skills) if (!c.skills.includes(s)) return 'skill_missing';
  for (const h of n.halves) if (!c.availability.includes(h)) return 'unavailable';
  return bookingFault(extra.length ? [...c.bookings, ...extra] : c.bookings, n, rules);
}

/** Hours the volunteer holds in the week. */
export function weekHours(bookings: readonly Booking[], week: string): number {
  let h = 0;
  for (const b of bookings) if (b.week === week) h += hoursOf(b);
  return h;
}

/** The soft score of an eligible match and its explanation. */
export function scoreMatch(
  c: Candidate,
  n: NeedSlot,
  rules: MatchRules,
  distance = areaDistance(c.areaPath, n.areaPath),
): Explain {
  const w = rules.weights;
  const skills = n.preferredSkills.filter((s) => c.skills.includes(s));
  const hours = weekHours(c.bookings, n.week);
  const sameTeam = n.team !== '' && c.team === n.team;
  const score =
    w.base + w.skill * skills.length - w.distanceStep * distance - w.weekHour * hours + (sameTeam ? w.sameTeam : 0);
  return { skills, distance, weekHours: hours, sameTeam, score: Math.round(score * 100) / 100 };
}

/** Every volunteer eligible for the need, best first (the refill's order). */
export function rankCandidates(
  n: NeedSlot,
  candidates: readonly Candidate[],
  rules: MatchRules,
  exclude: ReadonlySet<string> = new Set(),
): Array<{ candidate: Candidate; explain: Explain }> {
  const out: Array<{ candidate: Candidate; explain: Explain }> = [];
  for (const c of candidates) {
    if (exclude.has(c.id) || hardFault(c, n, rules)) continue;
    out.push({ candidate: c, explain: scoreMatch(c, n, rules) });
  }
  out.sort((a, b) => b.explain.score - a.explain.score || (a.candidate.id < b.candidate.id ? -1 : 1));
  return out;
}

function availabilityMask(keys: readonly string[]): number {
  let m = 0;
  for (const k of keys) {
    const i = AVAILABILITY_KEYS.indexOf(k);
    if (i >= 0) m |= 1 << i;
  }
  return m;
}

/**
 * Assigns a batch of needs. `exclude` names pairs never to propose again (declines). Each need keeps its
 * best `depth` eligible candidates (at least 8 per seat) as the pairs the greedy pass considers.
 */
export function matchBatch(
  needs: readonly NeedSlot[],
  candidates: readonly Candidate[],
  rules: MatchRules,
  options: { exclude?: ReadonlyMap<string, ReadonlySet<string>>; depthPerSeat?: number } = {},
): MatchResult {
  const perSeat = options.depthPerSeat ?? 8;
  // Indexes of the candidates: availability mask, skills, their areas' ancestors (by depth) and who
  // lives under each, hours booked per week.
  const masks = candidates.map((c) => availabilityMask(c.availability));
  const skillSets = candidates.map((c) => new Set(c.skills));
  const prefixIds = new Map<string, number>();
  const idOf = (p: string) => {
    let i = prefixIds.get(p);
    if (i === undefined) prefixIds.set(p, (i = prefixIds.size));
    return i;
  };
  /** The ids of a path's ancestors by depth: [root, first level, …, the path itself]. */
  const ancestors = (path: string): number[] => {
    const out = [idOf('')];
    for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) out.push(idOf(path.slice(0, i + 1)));
    return out;
  };
  const candAnc = candidates.map((c) => ancestors(c.areaPath));
  const members: number[][] = [];
  /** The shallowest home under each prefix: a ring's nearest possible member. */
  const minDepth: number[] = [];
  candAnc.forEach((anc, ci) =>
    anc.forEach((p) => {
      (members[p] ??= []).push(ci);
      minDepth[p] = Math.min(minDepth[p] ?? Infinity, anc.length - 1);
    }),
  );
  const weekCache = new Map<string, Float64Array>();
  const hoursIn = (week: string) => {
    let a = weekCache.get(week);
    if (!a) weekCache.set(week, (a = Float64Array.from(candidates, (c) => weekHours(c.bookings, week))));
    return a;
  };
  const w = rules.weights;
  const held: Booking[][] = candidates.map((c) => [...c.bookings]);

  // Pairs: need index, candidate index, score.
  const pairNeed: number[] = [];
  const pairCand: number[] = [];
  const pairScore: number[] = [];
  const reasons: Array<Partial<Record<HardFault, number>>> = needs.map(() => ({}));
  const pool: number[][] = needs.map(() => []);

  needs.forEach((n, ni) => {
    const need = availabilityMask(n.halves);
    const excluded = options.exclude?.get(n.id);
    const nAnc = ancestors(n.areaPath);
    const dN = nAnc.length - 1;
    const hours = hoursIn(n.week);
    const keepN = Math.max(perSeat * n.seats, 8);
    /** The slot alone against the rest limits (a volunteer with no other booking). */
    const alone = bookingFault([], n, rules);
    const top = w.base + w.skill * n.preferredSkills.length + (n.team !== '' ? w.sameTeam : 0);
    // The best keepN so far, in pool order (score down, then candidate index).
    const found: Array<{ ci: number; score: number }> = [];
    const admit = (ci: number, score: number) => {
      const last = found[found.length - 1];
      if (found.length >= keepN && last && (score < last.score || (score === last.score && ci > last.ci))) return;
      let lo = 0;
      let hi = found.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = found[mid]!;
        if (m.score > score || (m.score === score && m.ci < ci)) lo = mid + 1;
        else hi = mid;
      }
      found.splice(lo, 0, { ci, score });
      if (found.length > keepN) found.pop();
    };
    /** The best score any member of the rings beyond ring c could reach (they are at least this far). */
    const beyond = (c: number) => {
      let best = -Infinity;
      for (let r = c - 1; r >= 0; r--) {
        const nearest = dN - r + Math.max(0, (minDepth[nAnc[r]!] ?? Infinity) - r);
        best = Math.max(best, top - w.distanceStep * nearest);
      }
      return best;
    };
    // Rings outward from the need's area: those sharing c levels of the tree with it, c from its depth
    // down to the root. Once the kept candidates all score above what a further ring could reach, the
    // rest cannot enter the pool: it is the pool a full scan would keep.
    for (let c = dN; c >= 0; c--) {
      const inner = c < dN ? nAnc[c + 1]! : -1;
      for (const ci of members[nAnc[c]!] ?? []) {
        const anc = candAnc[ci]!;
        if (inner >= 0 && anc[c + 1] === inner) continue; // an inner ring's
        const cand = candidates[ci]!;
        if (excluded?.has(cand.id)) continue;
        // The cheapest test first (availability is a bit mask); the reasons count each refusal's first fault in this order.
        let fault: HardFault | null = (masks[ci]! & need) !== need ? 'unavailable' : healthFault(cand, n);
        if (!fault) for (const s of n.skills) if (!skillSets[ci]!.has(s)) fault = 'skill_missing';
        if (!fault) fault = cand.bookings.length ? bookingFault(cand.bookings, n, rules) : alone;
        if (fault) {
          reasons[ni]![fault] = (reasons[ni]![fault] ?? 0) + 1;
          continue;
        }
        const distance = anc.length - 1 + dN - 2 * c;
        let skills = 0;
        for (const s of n.preferredSkills) if (skillSets[ci]!.has(s)) skills++;
        const sameTeam = n.team !== '' && cand.team === n.team;
        const score =
          w.base + w.skill * skills - w.distanceStep * distance - w.weekHour * hours[ci]! + (sameTeam ? w.sameTeam : 0);
        admit(ci, Math.round(score * 100) / 100);
      }
      if (c > 0 && found.length >= keepN && found[keepN - 1]!.score > beyond(c)) break;
    }
    const keep = found.slice(0, keepN);
    pool[ni] = keep.map((k) => k.ci);
    for (const k of keep) {
      pairNeed.push(ni);
      pairCand.push(k.ci);
      pairScore.push(k.score);
    }
  });

  const order = pairScore.map((_, i) => i);
  order.sort((a, b) => pairScore[b]! - pairScore[a]! || pairNeed[a]! - pairNeed[b]! || pairCand[a]! - pairCand[b]!);
  const seatsLeft = needs.map((n) => n.seats);
  const chosen: Array<Array<{ ci: number; score: number }>> = needs.map(() => []);
  const taken = (ni: number, ci: number) => chosen[ni]!.some((x) => x.ci === ci);

  for (const p of order) {
    const ni = pairNeed[p]!;
    const ci = pairCand[p]!;
    if (seatsLeft[ni]! <= 0 || taken(ni, ci)) continue;
    if (bookingFault(held[ci]!, needs[ni]!, rules)) continue;
    held[ci]!.push(needs[ni]!);
    chosen[ni]!.push({ ci, score: pairScore[p]! });
    seatsLeft[ni]!--;
  }

  // Improvement: a seat moves to a better candidate of its pool who can still take it.
  let improved = true;
  for (let round = 0; improved && round < 3; round++) {
    improved = false;
    needs.forEach((n, ni) => {
      for (const seat of chosen[ni]!) {
        for (const ci of pool[ni]!) {
          if (ci === seat.ci || taken(ni, ci)) continue;
          const s = scoreMatch(candidates[ci]!, n, rules).score;
          if (s <= seat.score + 1e-9) break; // the pool is in score order
          if (bookingFault(held[ci]!, n, rules)) continue;
          const from = held[seat.ci]!;
          from.splice(from.indexOf(n), 1);
          held[ci]!.push(n);
          seat.ci = ci;
          seat.score = s;
          improved = true;
          break;
        }
      }
    });
  }

  const assignments: Assignment[] = [];
  needs.forEach((n, ni) => {
    for (const seat of chosen[ni]!) {
      const c = candidates[seat.ci]!;
      const explain = scoreMatch(c, n, rules);
      assignments.push({ needId: n.id, volunteerId: c.id, score: explain.score, explain });
    }
  });
  const unfilled = needs.flatMap((n, ni) =>
    seatsLeft[ni]! > 0 ? [{ needId: n.id, missing: seatsLeft[ni]!, reasons: reasons[ni]! }] : [],
  );
  return { assignments, unfilled };
}

/**
 * An independent check of a batch's assignments: each against every hard rule, with the bookings held
 * before and those the same batch gives the volunteer. Returns the faults found (empty when all hold).
 */
export function checkAssignments(
  needs: readonly NeedSlot[],
  candidates: readonly Candidate[],
  assignments: readonly Assignment[],
  rules: MatchRules,
): string[] {
  const needById = new Map(needs.map((n) => [n.id, n]));
  const candById = new Map(candidates.map((c) => [c.id, c]));
  const faults: string[] = [];
  const perNeed = new Map<string, number>();
  const byVolunteer = new Map<string, NeedSlot[]>();
  for (const a of assignments) {
    const n = needById.get(a.needId);
    const c = candById.get(a.volunteerId);
    if (!n || !c) {
      faults.push(`${a.needId}/${a.volunteerId}: unknown`);
      continue;
    }
    perNeed.set(n.id, (perNeed.get(n.id) ?? 0) + 1);
    byVolunteer.set(c.id, [...(byVolunteer.get(c.id) ?? []), n]);
  }
  for (const [id, count] of perNeed) if (count > needById.get(id)!.seats) faults.push(`${id}: more than its seats`);
  for (const [vid, list] of byVolunteer) {
    const c = candById.get(vid)!;
    const ids = new Set<string>();
    for (const n of list) {
      if (ids.has(n.id)) faults.push(`${vid}: twice on ${n.id}`);
      ids.add(n.id);
      const others = list.filter((x) => x !== n);
      const f = hardFault(c, n, rules, others);
      if (f) faults.push(`${vid} on ${n.id}: ${f}`);
    }
  }
  return faults;
}
