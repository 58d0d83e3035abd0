// A seeded case series for the 研判 page on first start: the demo city has no cases of its own, so an
// outbreak with a known R is registered among its residents — six imported cases 42 days ago, then a
// renewal process with R 1.6 for two weeks, 1.1 for two weeks and 0.75 since, on the rule file's serial
// interval, with a few arrivals found at checkpoints. Each local case names its infector; most infectors
// named them as a close contact (so the serial interval from pairs has its sample). Asymptomatic
// infections carry no onset (they count on their sample's day), as in the records. Then three
// projections made on past days (the two older ones scored against what followed) and one made today.
// The same generator gives tests and the benchmark a series whose true R is known.
import type { CaseRecordTable, ContactTable } from '../db/database.ts';
import { areaById, rootArea, type AreaRef } from '../db/sql.ts';
import { dateInZone, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { areaByNameAndLevel, personsUnder } from '../registry/registry.store.ts';
import { getActiveRuleSet } from '../rules/ruleset.service.ts';
import type { Services } from '../services.ts';
import { Random } from '../sim/random.ts';
import { insertCase, upsertContacts } from '../tracing/tracing.store.ts';
import { decisionPolicy, periodFor } from './decision.policy.ts';
import * as store from './decision.store.ts';
import { buildProjection, dateOfDay, dayNumber, scoreDueProjections } from './decision.service.ts';
import { samplePoisson } from './gamma.rules.ts';
import { serialInterval } from './rt.rules.ts';

const HOUR = 3_600_000;

export interface PlannedCase {
  /** Day of infection-to-onset reference (the onset day for symptomatic cases), from 0. */
  day: number;
  imported: boolean;
  /** Index of the infector in the plan; null for imported cases. */
  infector: number | null;
}

/** R on each day of the demo outbreak (the truth its estimates are checked against). */
export function demoR(day: number): number {
  return day < 14 ? 1.6 : day < 28 ? 1.1 : 0.75;
}

/**
 * A renewal process on `w` over `days` days: `seeds` imported cases on days 0–2, then each day
 * Poisson(R(t) · Λ_t) local cases with an infector drawn by weight I_{t−s} w_s, and an arrival found at a
 * checkpoint with probability `arrivals` per day.
 */
export function planOutbreak(
  random: () => number,
  o: { days: number; w: readonly number[]; r: (day: number) => number; seeds: number; arrivals: number },
): PlannedCase[] {
  const cases: PlannedCase[] = [];
  const byDay: number[][] = Array.from({ length: o.days }, () => []);
  for (let i = 0; i < o.seeds; i++) {
    const day = i % 3;
    byDay[day].push(cases.length);
    cases.push({ day, imported: true, infector: null });
  }
  for (let t = 1; t < o.days; t++) {
    const weights: Array<[number, number]> = [];
    let lambda = 0;
    for (let s = 1; s < o.w.length && s <= t; s++) {
      const n = byDay[t - s].length;
      if (n && o.w[s] > 0) {
        weights.push([t - s, n * o.w[s]]);
        lambda += n * o.w[s];
      }
    }
    const k = samplePoisson(random, o.r(t) * lambda);
    for (let j = 0; j < k; j++) {
      let u = random() * lambda;
      let from = weights[weights.length - 1][0];
      for (const [d, wt] of weights) {
        if (u < wt) {
          from = d;
          break;
        }
        u -= wt;
      }
      const pool = byDay[from];
      const infector = pool[Math.floor(random() * pool.length)];
      byDay[t].push(cases.length);
      cases.push({ day: t, imported: false, infector });
    }
    if (random() < o.arrivals) {
      byDay[t].push(cases.length);
      cases.push({ day: t, imported: true, infector: null });
    }
  }
  return cases;
}

export interface DemoOutbreakSummary {
  cases: number;
  contacts: number;
  projections: number;
  scored: number;
}

/**
 * Registers the outbreak among the people living under `area` (the city by default), ending yesterday,
 * and the demo's projections. Does nothing when there are too few people.
 */
export async function seedDemoOutbreak(
  s: Services,
  options: { seed?: number; areaId?: string; days?: number; maxCases?: number; quietCommunities?: string[] } = {},
): Promise<DemoOutbreakSummary> {
  const none = { cases: 0, contacts: 0, projections: 0, scored: 0 };
  const area: AreaRef | undefined = options.areaId ? await areaById(s.db, options.areaId) : await rootArea(s.db);
  if (!area) return none;
  const tz = s.config.timeZone;
  const now = s.clock.now();
  const today = dayNumber(dateInZone(now, tz));
  const days = options.days ?? 42;
  const firstDay = today - days;
  const period = periodFor(decisionPolicy(), dateOfDay(today));
  const w = serialInterval({ kind: 'parametric', ...period.serialInterval }, 30);
  const random = new Random(options.seed ?? 1);
  const next = () => random.next();
  // A renewal process from six seeds dies out or runs away by chance: the first plan of a readable
  // size (300–900 cases) is kept, drawn from the same seeded generator, so the demo is the same each time.
  let plan = planOutbreak(next, { days, w, r: demoR, seeds: 6, arrivals: 0.15 });
  for (let tries = 0; tries < 50 && (plan.length < 300 || plan.length > 900); tries++)
    plan = planOutbreak(next, { days, w, r: demoR, seeds: 6, arrivals: 0.15 });
  plan = plan.slice(0, options.maxCases ?? 2000);
  // The demo accounts' own communities stay quiet (their pages and tests start from no case).
  const quiet: string[] = [];
  for (const name of options.quietCommunities ?? []) {
    const c = await areaByNameAndLevel(s.db, name, 'community');
    if (c) quiet.push(c.path);
  }
  const people = (await personsUnder(s.db, area.path)).filter(
    (p) => p.household_id !== null && !quiet.some((q) => p.area_path.startsWith(q)),
  );
  if (people.length < 50) return none;
  // A small demo city takes the plan's first cases only (a prefix keeps every infector before its infectee).
  if (people.length < plan.length) plan = plan.slice(0, people.length);
  for (let i = people.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [people[i], people[j]] = [people[j], people[i]];
  }
  const ruleSet = await getActiveRuleSet(s);
  const dayStart = (day: number) => startOfDate(dateOfDay(firstDay + day), tz);
  const rows: CaseRecordTable[] = [];
  const contacts: ContactTable[] = [];
  for (let i = 0; i < plan.length; i++) {
    const p = plan[i];
    const symptomatic = p.imported || random.chance(0.65);
    const onsetAt = dayStart(p.day) + random.int(7, 20) * HOUR;
    const sampledAt = onsetAt + random.int(12, 36) * HOUR;
    let createdAt = sampledAt + random.int(6, 30) * HOUR;
    const infector = p.infector === null ? null : rows[p.infector];
    const traced = infector !== null && random.chance(0.7);
    if (infector && traced) {
      const namedAt = infector.created_at + random.int(2, 12) * HOUR;
      createdAt = Math.max(createdAt, namedAt + HOUR);
      contacts.push({
        id: newId(),
        case_id: infector.id,
        person_id: people[i].id,
        class: 'close',
        candidate: 0,
        basis: random.chance(0.5) ? 'household' : 'venue',
        reason_code: random.chance(0.5) ? 'same_household' : 'shared_meal',
        evidence: '{}',
        ruleset_id: ruleSet.id,
        ruleset_version: ruleSet.version,
        rule: 'demo',
        first_exposure_at: onsetAt - 3 * 24 * HOUR,
        last_exposure_at: onsetAt - 2 * 24 * HOUR,
        review_status: 'confirmed',
        reviewed_by: null,
        review_reason: null,
        reviewed_at: namedAt,
        source_contact_id: null,
        source_key: '',
        created_at: namedAt,
        updated_at: namedAt,
      });
    }
    createdAt = Math.min(createdAt, now - HOUR);
    rows.push({
      id: newId(),
      person_id: people[i].id,
      classification: symptomatic ? 'confirmed' : 'asymptomatic',
      onset_at: symptomatic ? onsetAt : null,
      first_positive_sampled_at: Math.min(sampledAt, createdAt),
      source: p.imported
        ? 'checkpoint'
        : traced
          ? 'contact_tracing'
          : random.chance(0.5)
            ? 'testing_round'
            : 'fever_clinic',
      isolated_at: createdAt,
      status: createdAt < now - 14 * 24 * HOUR ? 'recovered' : 'confirmed',
      ruleset_id: ruleSet.id,
      ruleset_version: ruleSet.version,
      traced_at: null,
      created_by: null,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  await s.db.transaction().execute(async (trx) => {
    for (const r of rows) await insertCase(trx, r);
    await upsertContacts(trx, contacts);
  });
  // Projections made on past days, from the cases registered by then, and one from yesterday.
  let projections = 0;
  for (const back of [28, 21, 1]) {
    const lastDay = today - back;
    try {
      const row = await buildProjection(
        s,
        area,
        lastDay,
        { seed: 1000 + back },
        null,
        startOfDate(dateOfDay(lastDay + 1), tz) + 8 * HOUR,
        startOfDate(dateOfDay(lastDay + 1), tz),
      );
      await store.insertProjection(s.db, row);
      projections++;
    } catch {
      /* too few cases then: no projection that day */
    }
  }
  const scored = await scoreDueProjections(s);
  return { cases: rows.length, contacts: contacts.length, projections, scored };
}
