// npm run bench -- volunteers [--volunteers N] [--needs N] [--seed N] [--subsets N]
//
// Matching volunteers to a day's needs (src/volunteers/matching.rules.ts), in memory: a city of 10,000
// places (10 districts × 10 streets × 10 communities × 10 grids), 20,000 volunteers living in them
// (skills, availability by half-day, health codes and tests, 0–3 bookings earlier in the week) and a day
// of 2,000 needs at random places and times.
//   1. The whole day through matchBatch: its time, against a peer measured in the same run — one bare
//      pass over every (need, volunteer) pair that only tests the static hard rules and scores the
//      eligible (the least any matcher that looks at every pair must do).
//   2. Every assignment checked by a checker written here, independently of the rules file: health,
//      skills, availability from the slot's own hours, overlaps, hours per day and per week.
//   3. Quality: on subsets small enough for an exact min-cost assignment (one district's volunteers and
//      the needs of one morning there, all overlapping, so each volunteer takes at most one and the
//      problem is an assignment problem), the greedy's total score against the Hungarian algorithm's
//      optimum of the same objective (target ≥ 95 %).
import { performance } from 'node:perf_hooks';
import {
  AVAILABILITY_KEYS,
  healthFault,
  matchBatch,
  scoreMatch,
  type Assignment,
  type Booking,
  type Candidate,
  type MatchRules,
  type NeedSlot,
} from '../src/volunteers/matching.rules.ts';
import { volunteerPolicy, periodOn } from '../src/volunteers/volunteers.policy.ts';
import { Random } from '../src/sim/random.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const VOLUNTEERS = flag('volunteers', 20_000);
const NEEDS = flag('needs', 2_000);
const SEED = flag('seed', 1);
const SUBSETS = flag('subsets', 3);
const H = 3_600_000;
// A Wednesday, midnight in UTC+8: days and weeks computed here by fixed offset, independently of the zone code.
const DAY0 = Date.parse('2022-04-06T00:00:00+08:00');
const WEEK = '2022-04-04';
const DAYS = ['2022-04-04', '2022-04-05', '2022-04-06'];
const period = periodOn(volunteerPolicy(), '2022-04-06');
const RULES: MatchRules = {
  maxHoursPerDay: period.maxHoursPerDay,
  maxHoursPerWeek: period.maxHoursPerWeek,
  weights: period.weights,
};
const SKILLS = volunteerPolicy().skills.map((s) => s.code);
const TASKS = volunteerPolicy().taskTypes;

const rng = new Random(SEED, 'volunteers-bench');
const place = () =>
  `22/22${rng.int(0, 9)}/22${rng.int(0, 9)}${rng.int(0, 9)}/c${rng.int(0, 9)}/g${rng.int(0, 9)}/`.replace(
    /^22\/22(\d)\/22(\d)(\d)/,
    (_m, d, s1, s2) => `22/22${d}/22${d}${s1}${s2}`,
  );

/** Halves of a slot on DAY0 + d days, from its hours (fixed UTC+8). */
function halvesOf(day: number, from: number, to: number): string[] {
  const wd = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][(2 + day) % 7]!;
  const out: string[] = [];
  if (from < 12) out.push(`${wd}_am`);
  if (to > 12) out.push(`${wd}_pm`);
  return out;
}

function makeVolunteer(i: number): Candidate {
  const held: Booking[] = [];
  for (let k = rng.int(0, 3); k > 0; k--) {
    const d = rng.int(-2, 0);
    const from = rng.int(6, 18);
    const hours = rng.int(2, 5);
    const start = DAY0 + d * 24 * H + from * H;
    if (held.some((b) => b.start < start + hours * H && start < b.end)) continue;
    const sameDay = held.filter((b) => b.day === DAYS[d + 2]).reduce((a, b) => a + (b.end - b.start) / H, 0);
    if (sameDay + hours > 8) continue;
    held.push({ start, end: start + hours * H, day: DAYS[d + 2]!, week: WEEK });
  }
  const roll = rng.next();
  return {
    id: `v${i}`,
    areaPath: place(),
    team: rng.chance(0.7) ? `t${rng.int(0, 40)}` : '',
    skills: SKILLS.filter(() => rng.chance(0.18)),
    availability: AVAILABILITY_KEYS.filter(() => rng.chance(0.6)),
    colour: roll < 0.9 ? 'green' : roll < 0.95 ? 'yellow' : roll < 0.97 ? 'red' : 'unknown',
    negativeTestAt: rng.chance(0.7) ? DAY0 - rng.int(0, 72) * H : null,
    bookings: held,
  };
}

function makeNeed(i: number, areaPath = place(), fixed?: { from: number; to: number }): NeedSlot {
  const from = fixed?.from ?? rng.int(6, 18);
  const to = fixed?.to ?? Math.min(23, from + rng.int(2, 6));
  const task = rng.pick(TASKS);
  const health = rng.pick(['none', 'green', 'green', 'green_test'] as const);
  return {
    id: `n${i}`,
    start: DAY0 + from * H,
    end: DAY0 + to * H,
    day: DAYS[2]!,
    week: WEEK,
    halves: halvesOf(0, from, to),
    areaPath,
    seats: rng.int(1, 6),
    skills: rng.chance(0.25) ? [rng.pick(SKILLS)] : [],
    preferredSkills: task.preferredSkills,
    health,
    testWithinHours: health === 'green_test' ? rng.pick(period.testWithinHours) : null,
    team: rng.chance(0.2) ? `t${rng.int(0, 40)}` : '',
  };
}

// ---- the independent checker -------------------------------------------------------------------

function check(needs: NeedSlot[], volunteers: Candidate[], assignments: Assignment[]): string[] {
  const need = new Map(needs.map((n) => [n.id, n]));
  const vol = new Map(volunteers.map((v) => [v.id, v]));
  const faults: string[] = [];
  const seats = new Map<string, number>();
  const taken = new Map<string, Array<{ start: number; end: number; day: string; week: string }>>();
  for (const a of assignments) {
    const n = need.get(a.needId)!;
    const v = vol.get(a.volunteerId)!;
    seats.set(n.id, (seats.get(n.id) ?? 0) + 1);
    if (v.colour === 'red') faults.push(`${v.id}: red code`);
    if (n.health !== 'none' && v.colour !== 'green') faults.push(`${v.id}: not green for ${n.id}`);
    if (
      n.health === 'green_test' &&
      !(v.negativeTestAt !== null && n.start - v.negativeTestAt <= n.testWithinHours! * H)
    )
      faults.push(`${v.id}: no test for ${n.id}`);
    for (const sk of n.skills) if (!v.skills.includes(sk)) faults.push(`${v.id}: lacks ${sk} for ${n.id}`);
    const fromHour = (n.start - DAY0) / H;
    const toHour = (n.end - DAY0) / H;
    for (const h of halvesOf(0, fromHour, toHour))
      if (!v.availability.includes(h)) faults.push(`${v.id}: not available ${h}`);
    taken.set(v.id, [...(taken.get(v.id) ?? []), n]);
  }
  for (const [id, count] of seats) if (count > need.get(id)!.seats) faults.push(`${id}: overfilled`);
  for (const [id, list] of taken) {
    const all = [...vol.get(id)!.bookings, ...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < all.length; i++) if (all[i]!.start < all[i - 1]!.end) faults.push(`${id}: overlap`);
    const perDay = new Map<string, number>();
    let week = 0;
    for (const b of all) {
      perDay.set(b.day, (perDay.get(b.day) ?? 0) + (b.end - b.start) / H);
      if (b.week === WEEK) week += (b.end - b.start) / H;
    }
    for (const [d, h] of perDay)
      if (h > RULES.maxHoursPerDay && list.some((n) => n.day === d)) faults.push(`${id}: ${h} h on ${d}`);
    if (week > RULES.maxHoursPerWeek) faults.push(`${id}: ${week} h in the week`);
  }
  return faults;
}

// ---- exact optimum: the Hungarian algorithm (rows = seats, columns = volunteers + a dummy per seat) -----

function hungarianMax(score: number[][], cols: number): number {
  const n = score.length;
  const m = cols + n; // dummies: leaving a seat empty scores 0
  const INF = 1e15;
  const cost = (i: number, j: number) => (j < cols ? (Number.isNaN(score[i]![j]!) ? INF : -score[i]![j]!) : 0);
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  let total = 0;
  for (let j = 1; j <= m; j++) if (p[j] && j <= cols) total += score[p[j]! - 1]![j - 1]!;
  return total;
}

function eligibleScore(v: Candidate, n: NeedSlot): number {
  if (healthFault(v, n)) return NaN;
  if (n.skills.some((s) => !v.skills.includes(s))) return NaN;
  if (n.halves.some((h) => !v.availability.includes(h))) return NaN;
  let day = (n.end - n.start) / H;
  let week = day;
  for (const b of v.bookings) {
    if (b.start < n.end && n.start < b.end) return NaN;
    if (b.day === n.day) day += (b.end - b.start) / H;
    week += (b.end - b.start) / H;
  }
  if (day > RULES.maxHoursPerDay || week > RULES.maxHoursPerWeek) return NaN;
  return scoreMatch(v, n, RULES).score;
}

// ---- the run ---------------------------------------------------------------------------------------

const volunteers = Array.from({ length: VOLUNTEERS }, (_, i) => makeVolunteer(i));
const needs = Array.from({ length: NEEDS }, (_, i) => makeNeed(i));
const seats = needs.reduce((a, n) => a + n.seats, 0);
console.log(
  `volunteers: ${VOLUNTEERS.toLocaleString()} volunteers, ${NEEDS.toLocaleString()} needs (${seats.toLocaleString()} seats) at 10,000 places; rules ${volunteerPolicy().version}`,
);

let t = performance.now();
let eligible = 0;
let sink = 0;
for (const n of needs)
  for (const v of volunteers) {
    const s = eligibleScore(v, n);
    if (!Number.isNaN(s)) {
      eligible++;
      sink += s;
    }
  }
const peerMs = performance.now() - t;

t = performance.now();
const day = matchBatch(needs, volunteers, RULES);
const matchMs = performance.now() - t;
const faults = check(needs, volunteers, day.assignments);
const filled = day.assignments.length;
console.log(
  `day: ${filled.toLocaleString()} of ${seats.toLocaleString()} seats filled, ${day.unfilled.length} needs short; ${eligible.toLocaleString()} eligible pairs (checksum ${Math.round(sink) % 1000})`,
);
console.log(
  `time: matching ${(matchMs / 1000).toFixed(2)} s; peer (every pair's hard rules and score, once) ${(peerMs / 1000).toFixed(2)} s; ratio ${(matchMs / peerMs).toFixed(2)}×`,
);
console.log(
  `hard rules (independent checker): ${faults.length ? `${faults.length} FAULTS, e.g. ${faults.slice(0, 3).join('; ')}` : 'all held'}`,
);

const qualities: number[] = [];
for (let k = 0; k < SUBSETS; k++) {
  const district = `22/22${k}/`;
  const pool = volunteers.filter((v) => v.areaPath.startsWith(district));
  const sub = Array.from({ length: 60 }, (_, i) =>
    makeNeed(100_000 + k * 100 + i, `${district}22${k}${rng.int(0, 9)}${rng.int(0, 9)}/c${rng.int(0, 9)}/g0/`, {
      from: 8,
      to: 12,
    }),
  );
  const rows: number[][] = [];
  for (const n of sub) {
    const line = pool.map((v) => eligibleScore(v, n));
    for (let s = 0; s < n.seats; s++) rows.push(line);
  }
  const t0 = performance.now();
  const greedy = matchBatch(sub, pool, RULES);
  const gMs = performance.now() - t0;
  const t1 = performance.now();
  const optimum = hungarianMax(rows, pool.length);
  const oMs = performance.now() - t1;
  const total = greedy.assignments.reduce((a, x) => a + x.score, 0);
  const subFaults = check(sub, pool, greedy.assignments);
  qualities.push(total / optimum);
  console.log(
    `subset ${k + 1}: ${sub.length} needs (${rows.length} seats, all 08:00–12:00) × ${pool.length.toLocaleString()} volunteers of one district: greedy ${total.toFixed(0)} (${greedy.assignments.length} seats, ${gMs.toFixed(0)} ms) vs exact ${optimum.toFixed(0)} (${(oMs / 1000).toFixed(1)} s) = ${((100 * total) / optimum).toFixed(2)} %${subFaults.length ? `; ${subFaults.length} FAULTS` : ''}`,
  );
}
const worst = Math.min(...qualities);
console.log(`quality: worst ${(100 * worst).toFixed(2)} % of the exact optimum (target ≥ 95 %)`);
if (faults.length || worst < 0.95) process.exitCode = 1;
