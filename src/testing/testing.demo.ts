// The demo city's nucleic-acid testing round in progress: one round over every community at the
// control level "controlled" (pool size from rules/pooling.json), started a few hours ago, with a few
// sites and tables, part of the population sampled in pooled tubes, most tubes resulted negative and
// one suspected-positive pool reported (its members under in-place control, re-sampling tasks open).
// Everything goes through the round's own services, so it is audited like any other round, and the
// same seed always samples the same people.
import type { Services } from '../services.ts';
import type { Actor, Role } from '../access/access.rules.ts';
import { Random } from '../sim/random.ts';
import { userByUsername } from '../access/access.store.ts';
import { areasUnder, rootArea } from '../db/sql.ts';
import { personsUnder } from '../registry/registry.store.ts';
import { roundCount } from './testing.store.ts';
import { poolingPolicy } from './pooling.policy.ts';
import { addStaff, createRound, createSite, createTable } from './testing.service.ts';
import { sampleTubes, type BulkTube } from './testing.tubes.ts';
import { applyLabResults, rowsFromJson } from './testing.lab.ts';
import { reportPool } from './testing.pools.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface DemoRoundOptions {
  seed: number;
  /** Share of the population sampled so far (0–1). */
  sampledShare?: number;
  /** Share of the sampled tubes the lab has resulted (0–1). */
  resultedShare?: number;
  /** How long ago the round started. */
  startedHoursAgo?: number;
  /** Communities that get a sampling site (two tables each). */
  sites?: number;
  /** Communities (by name) the suspected-positive pool is not drawn from, e.g. those with their own demo account, so their tours start clean. */
  quietCommunities?: string[];
}

export interface DemoRoundSummary {
  roundId: string;
  communities: number;
  sites: number;
  tables: number;
  tubes: number;
  sampled: number;
  resulted: number;
  poolId: string | null;
  poolMembers: number;
  elapsedMs: number;
}

/** The demo account of a role when there is one, else a system actor of that role over the whole city. */
async function actorFor(s: Services, username: string, role: Role, city: { id: string; path: string }): Promise<Actor> {
  const user = await userByUsername(s.db, username);
  if (user && user.role === role && city.path.startsWith(user.area_path)) {
    return {
      userId: user.id,
      username: user.username,
      displayName: user.display_name,
      role,
      areaId: user.area_id,
      areaPath: user.area_path,
      via: 'token',
    };
  }
  return {
    userId: 'system',
    username: 'system',
    displayName: 'system',
    role,
    areaId: city.id,
    areaPath: city.path,
    via: 'token',
  };
}

/** Seeds the round on a freshly built demo city; returns what it wrote. */
export async function seedDemoRound(s: Services, options: DemoRoundOptions): Promise<DemoRoundSummary> {
  const started = performance.now();
  const rng = new Random(options.seed, 'testing-round');
  const sampledShare = options.sampledShare ?? 0.6;
  const resultedShare = options.resultedShare ?? 0.85;
  const now = s.clock.now();
  const startsAt = now - (options.startedHoursAgo ?? 5) * HOUR;

  const city = await rootArea(s.db);
  if (!city) throw new Error('the demo city has no areas');
  // In code order, compared here so that both databases' collations give the same draw.
  const communities = (await areasUnder(s.db, city.path, ['community'])).sort((x, y) =>
    x.code < y.code ? -1 : x.code > y.code ? 1 : 0,
  );
  if (!communities.length) throw new Error('the demo city has no communities');
  const command = await actorFor(s, 'command', 'command', city);
  const sampler = await actorFor(s, 'sampler', 'sampler', city);
  const lab = await actorFor(s, 'lab', 'lab', city);

  // The round: every community controlled (10:1 by the pooling rules); the round's services refuse more than 200 areas.
  const level = 'controlled' as const;
  const poolSize = poolingPolicy().controlLevels[level].poolSize;
  const roundAreas = communities.length <= 200 ? communities : [city];
  const barcodePrefix = `DEMO${options.seed}R${(await roundCount(s.db)) + 1}-`;
  const round = await createRound(s, command, {
    name: '全员核酸检测（演示）',
    startsAt,
    areas: roundAreas.map((a) => ({ areaId: a.id, controlLevel: level })),
  });

  // A few sites (in the first communities), two tables each; the sampler account staffs the first table.
  const tableIds: string[] = [];
  const siteCommunities = communities.slice(0, Math.max(1, options.sites ?? 3));
  for (const c of siteCommunities) {
    const site = await createSite(s, command, { areaId: c.id, name: `${c.name}核酸采样点`, address: `${c.name}广场` });
    for (const n of [1, 2]) tableIds.push((await createTable(s, command, site.id, `${n}号采样台`)).id);
  }
  if (sampler.userId !== 'system')
    await addStaff(s, command, round.id, { userId: sampler.userId, tableId: tableIds[0]!, duty: 'sampler' });

  // Whole households come together; about sampledShare of them have been sampled, pooled by community.
  const people = (await personsUnder(s.db, city.path)).map((p) => ({
    id: p.id,
    household_id: p.household_id,
    path: p.area_path,
  }));
  // Ordered here, not in SQL, so both databases' collations give the same draw.
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  people.sort((x, y) => cmp(x.path, y.path) || cmp(x.household_id ?? '', y.household_id ?? '') || cmp(x.id, y.id));
  const draw = new Map<string, boolean>();
  const byCommunity = new Map<string, string[]>();
  for (const p of people) {
    const key = p.household_id ?? `p:${p.id}`;
    let take = draw.get(key);
    if (take === undefined) {
      take = rng.next() < sampledShare;
      draw.set(key, take);
    }
    if (!take) continue;
    const community = communities.find((c) => p.path.startsWith(c.path))?.id ?? city.id;
    let list = byCommunity.get(community);
    if (!list) byCommunity.set(community, (list = []));
    list.push(p.id);
  }
  const quiet = new Set(communities.filter((c) => options.quietCommunities?.includes(c.name)).map((c) => c.id));
  const groups: Array<{ personIds: string[]; quiet: boolean }> = [];
  for (const [community, ids] of byCommunity) {
    for (let i = 0; i < ids.length; i += poolSize)
      groups.push({ personIds: ids.slice(i, i + poolSize), quiet: quiet.has(community) });
  }
  // Sampling times spread from a quarter of an hour after the start to an hour and a half ago, in the tubes' order.
  const firstAt = startsAt + 15 * MINUTE;
  const lastAt = Math.max(firstAt, now - 90 * MINUTE);
  const tubes: Array<BulkTube & { quiet: boolean }> = groups.map(({ personIds, quiet }, i) => ({
    barcode: `${barcodePrefix}${String(i + 1).padStart(6, '0')}`,
    tableId: tableIds[i % tableIds.length]!,
    personIds,
    sampledAt: Math.round(firstAt + (lastAt - firstAt) * (groups.length > 1 ? i / (groups.length - 1) : 0)),
    mode: 'pool',
    poolSize,
    quiet,
  }));
  tubes.sort((a, b) => a.sampledAt - b.sampledAt);
  const sampled = tubes.length ? await sampleTubes(s, sampler, round.id, tubes) : { tubes: 0, members: 0 };

  // The lab has resulted the earlier tubes: all negative but one pool of full size.
  const resulted = tubes.slice(0, Math.floor(tubes.length * resultedShare));
  const whole = resulted.filter((t) => t.personIds.length === poolSize);
  const full = whole.some((t) => !t.quiet) ? whole.filter((t) => !t.quiet) : whole;
  const positive = full.length ? full[rng.int(0, full.length - 1)]! : null;
  let poolId: string | null = null;
  if (resulted.length) {
    const outcome = await applyLabResults(
      s,
      lab,
      rowsFromJson(
        resulted.map((t) => {
          const testedAt = Math.min(now, t.sampledAt + 75 * MINUTE);
          return t === positive
            ? { barcode: t.barcode, result: 'positive', ctN: 34.2, ctOrf1ab: 35.1, testedAt }
            : { barcode: t.barcode, result: 'negative', testedAt };
        }),
      ),
      { roundId: round.id, fileName: 'demo-lab-results.json' },
    );
    const pool = outcome.pools[0];
    if (pool) {
      poolId = pool.id;
      if (!pool.reported) await reportPool(s, command, pool.id, '演示：混管阳性，已通知社区与应急采样小分队');
    }
  }
  return {
    roundId: round.id,
    communities: communities.length,
    sites: siteCommunities.length,
    tables: tableIds.length,
    tubes: sampled.tubes,
    sampled: sampled.members,
    resulted: resulted.length,
    poolId,
    poolMembers: positive?.personIds.length ?? 0,
    elapsedMs: Math.round(performance.now() - started),
  };
}
