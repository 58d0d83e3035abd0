// The matching's rules: eligibility (health condition, skills, availability), the rest limits per day
// and per week, overlap, the explained score, and — property-based over random cities of volunteers and
// needs — that a batch's assignments never break a hard rule, never overfill a need, and that each
// unfilled seat had no eligible volunteer left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  areaDistance,
  AVAILABILITY_KEYS,
  checkAssignments,
  hardFault,
  matchBatch,
  rankCandidates,
  scoreMatch,
  type Booking,
  type Candidate,
  type MatchRules,
  type NeedSlot,
} from '../../src/volunteers/matching.rules.ts';
import { mondayOf, slotKeys, weekdayOf } from '../../src/volunteers/volunteers.rules.ts';

const H = 3_600_000;
const ZONE = 'Asia/Shanghai';
const RULES: MatchRules = {
  maxHoursPerDay: 10,
  maxHoursPerWeek: 48,
  weights: { base: 100, skill: 20, distanceStep: 8, weekHour: 1, sameTeam: 15 },
};
const SAT = Date.parse('2022-04-02T00:00:00+08:00');

function need(over: Partial<NeedSlot> = {}, fromHour = 8, hours = 3): NeedSlot {
  const k = slotKeys(SAT + fromHour * H, SAT + (fromHour + hours) * H, ZONE);
  return {
    ...k,
    id: 'n1',
    areaPath: '22/2204/220402/001/',
    seats: 1,
    skills: [],
    preferredSkills: ['data_entry'],
    health: 'none',
    testWithinHours: null,
    team: '',
    ...over,
  };
}

function volunteer(over: Partial<Candidate> = {}): Candidate {
  return {
    id: 'v1',
    areaPath: '22/2204/220402/001/',
    team: '',
    skills: [],
    availability: [...AVAILABILITY_KEYS],
    colour: 'green',
    negativeTestAt: null,
    bookings: [],
    ...over,
  };
}

function booking(fromHour: number, hours: number): Booking {
  const k = slotKeys(SAT + fromHour * H, SAT + (fromHour + hours) * H, ZONE);
  return { start: k.start, end: k.end, day: k.day, week: k.week };
}

test('calendar keys: weekday, Monday of the week, half-days a slot touches', () => {
  assert.equal(weekdayOf('2022-04-02'), 'sat');
  assert.equal(mondayOf('2022-04-03'), '2022-03-28');
  assert.deepEqual(slotKeys(SAT + 8 * H, SAT + 11 * H, ZONE).halves, ['sat_am']);
  assert.deepEqual(slotKeys(SAT + 11 * H, SAT + 13 * H, ZONE).halves, ['sat_am', 'sat_pm']);
  assert.deepEqual(slotKeys(SAT + 20 * H, SAT + 26 * H, ZONE).halves, ['sat_pm', 'sun_am']);
});

test('health: red never works; green and a test within the window when asked', () => {
  assert.equal(hardFault(volunteer({ colour: 'red' }), need(), RULES), 'health_red');
  assert.equal(hardFault(volunteer({ colour: 'yellow' }), need(), RULES), null);
  assert.equal(hardFault(volunteer({ colour: 'yellow' }), need({ health: 'green' }), RULES), 'health_colour');
  assert.equal(hardFault(volunteer({ colour: 'unknown' }), need({ health: 'green' }), RULES), 'health_colour');
  const n = need({ health: 'green_test', testWithinHours: 24 });
  assert.equal(hardFault(volunteer(), n, RULES), 'health_test');
  assert.equal(hardFault(volunteer({ negativeTestAt: n.start - 25 * H }), n, RULES), 'health_test');
  assert.equal(hardFault(volunteer({ negativeTestAt: n.start - 23 * H }), n, RULES), null);
});

test('skills and availability', () => {
  assert.equal(hardFault(volunteer(), need({ skills: ['driving_licence'] }), RULES), 'skill_missing');
  assert.equal(
    hardFault(volunteer({ skills: ['driving_licence'] }), need({ skills: ['driving_licence'] }), RULES),
    null,
  );
  assert.equal(hardFault(volunteer({ availability: ['sat_pm'] }), need(), RULES), 'unavailable');
  assert.equal(hardFault(volunteer({ availability: ['sat_am'] }), need({}, 11, 2), RULES), 'unavailable');
});

test('overlap and rest limits per day and per week', () => {
  assert.equal(hardFault(volunteer({ bookings: [booking(10, 2)] }), need(), RULES), 'overlap');
  assert.equal(hardFault(volunteer({ bookings: [booking(11, 2)] }), need(), RULES), null, 'back to back is fine');
  assert.equal(hardFault(volunteer({ bookings: [booking(12, 7)] }), need(), RULES), null, '10 hours in the day');
  assert.equal(hardFault(volunteer({ bookings: [booking(12, 8)] }), need(), RULES), 'rest_day');
  // 46 hours earlier in the week (Monday to Friday), then 3 more on Saturday: 49 > 48.
  const week = [0, 1, 2, 3, 4].map((d) => booking(-24 * (5 - d) + 8, d === 4 ? 6 : 10));
  assert.equal(hardFault(volunteer({ bookings: week }), need(), RULES), 'rest_week');
  assert.equal(hardFault(volunteer({ bookings: week }), need({}, 8, 2), RULES), null);
});

test('the score is explained: preferred skills, distance in the area tree, hours this week, team', () => {
  assert.equal(areaDistance('22/2204/220402/001/', '22/2204/220402/001/'), 0);
  assert.equal(areaDistance('22/2204/220402/001/', '22/2204/220402/002/'), 2);
  assert.equal(areaDistance('22/2204/', '22/2204/220402/001/'), 2);
  const e = scoreMatch(
    volunteer({ skills: ['data_entry'], team: 'T', areaPath: '22/2204/220402/002/', bookings: [booking(-24, 5)] }),
    need({ team: 'T' }),
    RULES,
  );
  assert.deepEqual(e, {
    skills: ['data_entry'],
    distance: 2,
    weekHours: 5,
    sameTeam: true,
    score: 100 + 20 - 16 - 5 + 15,
  });
  const ranked = rankCandidates(need(), [volunteer({ id: 'far', areaPath: '23/' }), volunteer({ id: 'near' })], RULES);
  assert.deepEqual(
    ranked.map((r) => r.candidate.id),
    ['near', 'far'],
  );
});

// ---- property-based: the hard rules hold in every batch ------------------------------------------

const AREA_PATHS = ['22/2204/220402/001/', '22/2204/220402/002/', '22/2204/220403/001/', '22/2205/220501/001/'];
const SKILLS = ['data_entry', 'driving_licence', 'sampling', 'translation'];

const arbCandidate = (i: number) =>
  fc
    .record({
      areaPath: fc.constantFrom(...AREA_PATHS),
      team: fc.constantFrom('', 'A', 'B'),
      skills: fc.subarray(SKILLS),
      availability: fc.subarray([...AVAILABILITY_KEYS], { minLength: 1 }),
      colour: fc.constantFrom('green', 'green', 'green', 'yellow', 'red', 'unknown'),
      tested: fc.option(fc.integer({ min: -72, max: 0 }), { nil: null }),
      held: fc.array(
        fc.record({
          day: fc.integer({ min: -5, max: 1 }),
          from: fc.integer({ min: 6, max: 20 }),
          hours: fc.integer({ min: 1, max: 8 }),
        }),
        { maxLength: 4 },
      ),
    })
    .map((r): Candidate => ({
      id: `v${i}`,
      areaPath: r.areaPath,
      team: r.team,
      skills: r.skills,
      availability: r.availability,
      colour: r.colour as Candidate['colour'],
      negativeTestAt: r.tested === null ? null : SAT + r.tested * H,
      bookings: r.held.map((b) => booking(b.day * 24 + b.from, b.hours)),
    }));

const arbNeed = (i: number) =>
  fc
    .record({
      areaPath: fc.constantFrom(...AREA_PATHS),
      day: fc.integer({ min: 0, max: 1 }),
      from: fc.integer({ min: 6, max: 20 }),
      hours: fc.integer({ min: 1, max: 6 }),
      seats: fc.integer({ min: 1, max: 4 }),
      skills: fc.subarray(SKILLS, { maxLength: 1 }),
      health: fc.constantFrom('none', 'green', 'green_test'),
      team: fc.constantFrom('', 'A'),
    })
    .map((r): NeedSlot => {
      const k = slotKeys(SAT + (r.day * 24 + r.from) * H, SAT + (r.day * 24 + r.from + r.hours) * H, ZONE);
      return {
        ...k,
        id: `n${i}`,
        areaPath: r.areaPath,
        seats: r.seats,
        skills: r.skills,
        preferredSkills: ['data_entry'],
        health: r.health as NeedSlot['health'],
        testWithinHours: r.health === 'green_test' ? 48 : null,
        team: r.team,
      };
    });

const arbCity = fc
  .tuple(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 12 }))
  .chain(([nv, nn]) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: nv }, (_, i) => arbCandidate(i))),
      fc.tuple(...Array.from({ length: nn }, (_, i) => arbNeed(i))),
    ),
  );

test('property: a batch never breaks a hard rule nor overfills a need', () => {
  fc.assert(
    fc.property(arbCity, ([candidates, needs]) => {
      const result = matchBatch(needs, candidates, RULES, { depthPerSeat: 3 });
      assert.deepEqual(checkAssignments(needs, candidates, result.assignments, RULES), []);
      for (const a of result.assignments) {
        const c = candidates.find((x) => x.id === a.volunteerId)!;
        const n = needs.find((x) => x.id === a.needId)!;
        assert.equal(a.score, scoreMatch(c, n, RULES).score);
      }
    }),
    { numRuns: 300 },
  );
});

test('property: an unfilled seat had no volunteer left who could take it', () => {
  fc.assert(
    fc.property(arbCity, ([candidates, needs]) => {
      const result = matchBatch(needs, candidates, RULES, { depthPerSeat: 1000 });
      const held = new Map<string, Booking[]>();
      for (const a of result.assignments)
        held.set(a.volunteerId, [...(held.get(a.volunteerId) ?? []), needs.find((n) => n.id === a.needId)!]);
      for (const u of result.unfilled) {
        const n = needs.find((x) => x.id === u.needId)!;
        const on = new Set(result.assignments.filter((a) => a.needId === n.id).map((a) => a.volunteerId));
        for (const c of candidates)
          if (!on.has(c.id))
            assert.notEqual(hardFault(c, n, RULES, held.get(c.id) ?? []), null, `${c.id} could take ${n.id}`);
      }
    }),
    { numRuns: 200 },
  );
});

test('declined pairs are never proposed again', () => {
  const n = need({ seats: 1 });
  const c = [volunteer({ id: 'a' }), volunteer({ id: 'b', areaPath: '23/' })];
  const first = matchBatch([n], c, RULES);
  assert.equal(first.assignments[0]!.volunteerId, 'a');
  const again = matchBatch([n], c, RULES, { exclude: new Map([['n1', new Set(['a'])]]) });
  assert.equal(again.assignments[0]!.volunteerId, 'b');
});

test('rules/volunteers.json loads, and a bad file names the field', async () => {
  const { volunteerPolicy, parseVolunteerPolicy } = await import('../../src/volunteers/volunteers.policy.ts');
  const p = volunteerPolicy();
  assert.ok(p.skills.find((k) => k.code === 'medical_licence')?.proof);
  assert.ok(p.orgKinds.some((o) => o.code === 'veterans'));
  const raw = JSON.parse(
    JSON.stringify({
      ...p,
      skills: p.skills.map((k) => ({
        ...k,
        proof: k.proof ? { ...k.proof, pattern: k.proof.pattern.source } : undefined,
      })),
    }),
  );
  raw.taskTypes[0].preferredSkills = ['juggling'];
  assert.throws(() => parseVolunteerPolicy(raw), /taskTypes\[0\]\.preferredSkills\[0\]/);
});
