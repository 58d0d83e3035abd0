// npm run bench -- testing [--people N] [--seed S] [--batch N] [--positive-every N]
//
// A city-wide testing round at 10:1 on SQLite. Builds the demo city (default 1,000,000 people; cached
// under the temp dir, each run works on a fresh copy), opens a round over the whole city as a controlled
// area (pools of 10), then measures:
//   1. sampling: every person in a closed pool tube, uploaded in batches through sampleTubes;
//   2. the lab upload of every tube result in one applyLabResults call (the JSON rows read first, inside
//      the timing), one pool in 1,000 positive (the round reports positive pools on upload), and the
//      time from the start of the upload until every member of every positive pool is under control (an
//      open pooled_positive_pending_retest fact and a colour other than green) — read, the moment the
//      upload says its positives committed (afterPositives), through a second connection to the
//      database file, so only committed rows count;
//   3. coverage queries (the whole round, the city, a few of its areas).
// The limit: the same rows each phase wrote, inserted again through one raw better-sqlite3 prepared
// statement per table in one transaction into scratch tables with the same columns and indexes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database, { type Database as Sqlite } from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { createServices, type Services } from '../src/services.ts';
import { FakeClock } from '../src/platform/clock.ts';
import { generateDemoCity } from '../src/sim/city.ts';
import { areaId, CITY } from '../src/sim/city.plan.ts';
import { Random } from '../src/sim/random.ts';
import type { Actor, Role } from '../src/access/access.rules.ts';
import { createRound, createSite, createTable } from '../src/testing/testing.service.ts';
import { sampleTubes, type BulkTube } from '../src/testing/testing.tubes.ts';
import { applyLabResults, rowsFromJson } from '../src/testing/testing.lab.ts';
import { coverage } from '../src/testing/testing.coverage.ts';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const PEOPLE = Number(flag('people', '1000000'));
const SEED = Number(flag('seed', '1'));
const BATCH = Number(flag('batch', '10000'));
const POSITIVE_EVERY = Number(flag('positive-every', '1000'));
const POOL = 10;
const ROOT = path.join(os.tmpdir(), `cordon-bench-testing-p${PEOPLE}-s${SEED}`);
const CITY_DIR = path.join(ROOT, 'city');
const RUN_DIR = path.join(ROOT, 'run');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString()} rows/s`;

async function services(dir: string, now: number): Promise<{ s: Services; clock: FakeClock }> {
  const clock = new FakeClock(now);
  const config = {
    ...loadConfig({ ...process.env, CORDON_DATA_DIR: dir } as NodeJS.ProcessEnv),
    dataDir: dir,
    databaseUrl: undefined,
  };
  return { s: await createServices(config, { clock }), clock };
}

/** The demo city (one day of movements, the generator's minimum), built once and kept as a pristine copy. */
async function city(): Promise<{ now: number; persons: number }> {
  const ready = path.join(CITY_DIR, 'ready.json');
  if (!fs.existsSync(ready)) {
    fs.rmSync(CITY_DIR, { recursive: true, force: true });
    fs.mkdirSync(CITY_DIR, { recursive: true });
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const { s } = await services(CITY_DIR, now);
    try {
      console.log(`building the demo city: ${PEOPLE.toLocaleString()} people (cached in ${CITY_DIR})`);
      const summary = await generateDemoCity(s, { people: PEOPLE, days: 1, seed: SEED, force: true });
      console.log(
        `  built in ${sec(summary.elapsedMs)}: ${summary.households.toLocaleString()} households, ${summary.areas.toLocaleString()} areas`,
      );
      s.handle.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      fs.writeFileSync(ready, JSON.stringify({ now, persons: summary.persons }));
    } finally {
      await s.close();
    }
  }
  const built = JSON.parse(fs.readFileSync(ready, 'utf8')) as { now: number; persons: number };
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(RUN_DIR, { recursive: true });
  for (const f of fs.readdirSync(CITY_DIR))
    if (f !== 'ready.json') fs.copyFileSync(path.join(CITY_DIR, f), path.join(RUN_DIR, f));
  return built;
}

// ---- the raw limit: the same rows through one prepared statement per table, one transaction ----------

/** Scratch copies of tables (same columns and indexes), named bench_raw_*. */
function scratch(db: Sqlite, tables: readonly string[]): void {
  for (const t of tables) {
    db.exec(`drop table if exists bench_raw_${t}`);
    const ddl = db
      .prepare(`select type, name, sql from sqlite_master where tbl_name = ? and sql is not null order by type desc`)
      .all(t) as Array<{ type: string; name: string; sql: string }>;
    for (const d of ddl) {
      let sql = d.sql.replace(new RegExp(`(["\`]?)\\b${t}\\b\\1`, 'g'), `bench_raw_${t}`);
      if (d.type === 'index') sql = sql.replace(new RegExp(`(["\`]?)\\b${d.name}\\b\\1`), `bench_raw_${d.name}`);
      db.exec(sql);
    }
  }
}

function dropScratch(db: Sqlite, tables: readonly string[]): void {
  for (const t of tables) db.exec(`drop table if exists bench_raw_${t}`);
}

/** Inserts the rows again into the scratch tables; returns the milliseconds of the insert transaction. */
function rawInsert(db: Sqlite, sets: ReadonlyArray<{ table: string; rows: Array<Record<string, unknown>> }>): number {
  const statements = sets.map(({ table, rows }) => {
    const cols = Object.keys(rows[0] ?? {});
    return {
      rows,
      cols,
      stmt: db.prepare(
        `insert into bench_raw_${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`,
      ),
    };
  });
  const t0 = performance.now();
  db.transaction(() => {
    for (const { rows, cols, stmt } of statements) {
      for (const r of rows) stmt.run(cols.map((c) => r[c]));
    }
  })();
  return performance.now() - t0;
}

// ---- the run -----------------------------------------------------------------------------------

const built = await city();
const { s, clock } = await services(RUN_DIR, built.now);
const db = s.handle.sqlite!;
const cityArea = db.prepare('select id, path from area where id = ?').get(areaId(CITY.code)) as {
  id: string;
  path: string;
};
const actor = (role: Role): Actor => ({
  userId: `bench-${role}`,
  username: `bench-${role}`,
  displayName: role,
  role,
  areaId: cityArea.id,
  areaPath: cityArea.path,
  via: 'token',
});
console.log(
  `city: ${built.persons.toLocaleString()} people; round at ${POOL}:1 over the whole city; ${os.cpus().length} cores (shared)`,
);

// Round over the city as a controlled area (pools of 10), reported on upload; one site and table per
// area holding people's areas (their parent), people in tubes in the order of their area and household.
const start = built.now + HOUR;
clock.set(start);
const round = await createRound(s, actor('command'), {
  name: 'bench',
  startsAt: start,
  autoReport: true,
  areas: [{ areaId: cityArea.id, controlLevel: 'controlled' }],
});
const people = db
  .prepare(
    `select p.id, coalesce(a.parent_id, a.id) as site_area from person p join area a on a.id = p.area_id order by a.path, p.household_id, p.id`,
  )
  .raw()
  .all() as Array<[string, string]>;
const tableOf = new Map<string, string>();
for (const [, siteArea] of people) {
  if (tableOf.has(siteArea)) continue;
  const site = await createSite(s, actor('command'), { areaId: siteArea, name: `site ${tableOf.size + 1}` });
  tableOf.set(siteArea, (await createTable(s, actor('command'), site.id, 'table 1')).id);
}
const sampledAt = start + 30 * MINUTE;
const tubes: BulkTube[] = [];
for (let i = 0; i < people.length;) {
  const siteArea = people[i]![1];
  const personIds: string[] = [];
  while (i < people.length && personIds.length < POOL && people[i]![1] === siteArea) personIds.push(people[i++]![0]);
  tubes.push({
    barcode: `B${String(tubes.length).padStart(9, '0')}`,
    tableId: tableOf.get(siteArea)!,
    personIds,
    sampledAt,
    mode: 'pool',
    poolSize: POOL,
  });
}
console.log(`${tubes.length.toLocaleString()} tubes at ${tableOf.size.toLocaleString()} sites`);

// 1. Sampling.
const sampler = actor('sampler');
let t0 = performance.now();
let members = 0;
for (let i = 0; i < tubes.length; i += BATCH)
  members += (await sampleTubes(s, sampler, round.id, tubes.slice(i, i + BATCH))).members;
const samplingMs = performance.now() - t0;
const samplingRows = tubes.length + members;

const sampleTables = ['testing_tube', 'testing_tube_member'];
scratch(db, sampleTables);
const sampleRaw = rawInsert(
  db,
  sampleTables.map((table) => ({
    table,
    rows: db.prepare(`select * from ${table} where round_id = ?`).all(round.id) as Array<Record<string, unknown>>,
  })),
);
dropScratch(db, sampleTables);

// 2. The lab upload: every tube, one pool in POSITIVE_EVERY positive.
const rnd = new Random(SEED, 'bench/testing');
const positiveAt = new Set<number>();
const positives = Math.max(1, Math.round(tubes.length / POSITIVE_EVERY));
while (positiveAt.size < positives) positiveAt.add(rnd.int(0, tubes.length - 1));
const results = tubes.map((t, i) =>
  positiveAt.has(i)
    ? { barcode: t.barcode, result: 'positive', ctN: 31.5, ctOrf1ab: 32.1, testedAt: start + 2 * HOUR }
    : { barcode: t.barcode, result: 'negative', testedAt: start + 2 * HOUR },
);
clock.set(start + 3 * HOUR);
// Every member of every positive pool: an open pending-retest fact and a colour other than green. Read
// through a second connection: only what the upload has committed.
const reader = new Database(db.name, { readonly: true });
const poolMembersQ = reader
  .prepare(
    `select m.person_id from testing_pool p join testing_tube_member m on m.tube_id = p.tube_id where p.round_id = ?`,
  )
  .pluck();
const controlledQ = reader
  .prepare(
    `select count(distinct m.person_id) from testing_pool p join testing_tube_member m on m.tube_id = p.tube_id
  join health_fact f on f.person_id = m.person_id and f.kind = 'pooled_positive_pending_retest' and f.source_type = 'pool' and f.source_id = p.id and f.ended_at is null
  join health_status h on h.person_id = m.person_id and coalesce(h.override_colour, h.colour) <> 'green'
  where p.round_id = ?`,
  )
  .pluck();
const negativesQ = reader
  .prepare(`select count(*) from testing_result where round_id = ? and result = 'negative'`)
  .pluck();
let control = null as { ms: number; controlled: number; members: number; negativesVisible: number } | null;
let checkedMs = 0;
t0 = performance.now();
const rows = rowsFromJson(results);
const lab = await applyLabResults(s, actor('lab'), rows, {
  roundId: round.id,
  fileName: 'bench.json',
  afterCheck: () => {
    checkedMs = performance.now() - t0;
  },
  afterPositives: () => {
    const members = poolMembersQ.all(round.id) as string[];
    control = {
      ms: performance.now() - t0,
      controlled: controlledQ.get(round.id) as number,
      members: members.length,
      negativesVisible: negativesQ.get(round.id) as number,
    };
  },
});
const labMs = performance.now() - t0;
const poolMembers = poolMembersQ.all(round.id) as string[];
const controlled = controlledQ.get(round.id) as number;
const controlAt = control;
const controlMs = controlAt?.ms ?? labMs;
reader.close();

const labTables = ['testing_result', 'health_test', 'health_status'];
const labSets = labTables.map((table) => ({
  table,
  rows: db.prepare(`select * from ${table}`).all() as Array<Record<string, unknown>>,
}));
const labRows = labSets.reduce((n, x) => n + x.rows.length, 0);
scratch(db, labTables);
const labRaw = rawInsert(db, labSets);
dropScratch(db, labTables);

// 3. Coverage.
const areas = db
  .prepare(`select id from area where parent_id = ? order by id limit 3`)
  .pluck()
  .all(cityArea.id) as string[];
const coverageTimes: Array<[string, number, number]> = [];
for (const a of [undefined, cityArea.id, ...areas]) {
  t0 = performance.now();
  const c = await coverage(s, actor('command'), round.id, a);
  coverageTimes.push([a ?? '(round)', performance.now() - t0, c.totals.target]);
}

const ratio = (ms: number, raw: number) => `${((raw / ms) * 100).toFixed(1)} %`;
console.log(
  `\n1. sampling: ${tubes.length.toLocaleString()} tubes + ${members.toLocaleString()} members = ${samplingRows.toLocaleString()} rows in ${sec(samplingMs)} (batches of ${BATCH.toLocaleString()} tubes): ${rate(samplingRows, samplingMs)}`,
);
console.log(
  `   raw prepared insert of the same rows: ${sec(sampleRaw)}: ${rate(samplingRows, sampleRaw)}; Cordon at ${ratio(samplingMs, sampleRaw)} of raw (target ≥ 50 %)`,
);
console.log(
  `2. lab upload: ${lab.applied.toLocaleString()} results (${lab.positive} positive pools, ${lab.people.toLocaleString()} people negative) in ${sec(labMs)}; ${labRows.toLocaleString()} rows written to ${labTables.join(', ')}: ${rate(labRows, labMs)}`,
);
console.log(
  `   raw prepared insert of the same rows: ${sec(labRaw)}: ${rate(labRows, labRaw)}; Cordon at ${ratio(labMs, labRaw)} of raw (target ≥ 50 %)`,
);
console.log(
  `   positive pools under control: ${controlAt?.controlled ?? controlled}/${controlAt?.members ?? poolMembers.length} members committed and visible ${sec(controlMs)} after the upload started (the call, JSON rows read included; target < 1 s)${controlAt ? `, ${controlAt.negativesVisible.toLocaleString()} negatives written by then` : ''}; after the upload: ${controlled}/${poolMembers.length}`,
);
console.log(
  `   of which checking every row (the whole file valid before anything is written): ${sec(checkedMs)}; control committed ${sec(controlMs - checkedMs)} after the file was checked`,
);
console.log(
  `3. coverage: ${coverageTimes.map(([a, ms, target]) => `${a} ${ms.toFixed(0)} ms (${target.toLocaleString()} people)`).join('; ')}`,
);
await s.close();
process.exit(
  controlled === new Set(poolMembers).size &&
    poolMembers.length > 0 &&
    (!controlAt || controlAt.controlled === controlled)
    ? 0
    : 1,
);
