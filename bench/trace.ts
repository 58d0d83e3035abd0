// npm run bench -- trace [--people N] [--days D] [--seed S] [--singles N] [--batch N] [--secondary N] [--rules ID] [--build-only]
//
// Contact tracing at city scale. Builds the demo city (default 1,000,000 people over 14 days: tens of
// millions of check-ins) on SQLite — cached under the temp dir between runs, with the same visits
// exported for DuckDB — then loads Cordon's visit index, and traces (a) single cases one at a time
// and (b) a batch of cases in one call, with Cordon and with DuckDB (@duckdb/node-api) running the
// equivalent SQL interval join (padding, minimum overlap, window clipping) over the same visits. Checks
// that both find the same contacts (person and class per case) and prints times, ratios and memory.
// Then (c) a few cases with their secondary contacts: Cordon singles and a batch (which must agree), and
// DuckDB's SQL of the same rules (close contacts, then their close-category co-presence and households).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../src/config.ts';
import { createServices, type Services } from '../src/services.ts';
import { FakeClock } from '../src/platform/clock.ts';
import { generateDemoCity } from '../src/sim/city.ts';
import { Random } from '../src/sim/random.ts';
import { ruleSetById } from '../src/rules/ruleset.load.ts';
import type { RuleSet } from '../src/rules/ruleset.schema.ts';
import { contactWindow } from '../src/rules/ruleset.rules.ts';
import { venueCategories } from '../src/venues/venue.categories.ts';
import {
  traceContacts,
  traceContactsBatch,
  type TraceAnchor,
  type TraceResult,
} from '../src/tracing/tracing.discovery.ts';
import { attachVisitIndex, loadVisitIndex } from '../src/tracing/trace.index.ts';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const PEOPLE = Number(flag('people', '1000000'));
const DAYS = Number(flag('days', '14'));
const SEED = Number(flag('seed', '1'));
const SINGLES = Number(flag('singles', '100'));
const BATCH = Number(flag('batch', '1000'));
const SECONDARY = Number(flag('secondary', '10'));
const RULES = flag('rules', '9th-edition');
const BUILD_ONLY = process.argv.includes('--build-only');
const DIR = path.join(os.tmpdir(), `cordon-bench-trace-p${PEOPLE}-d${DAYS}-s${SEED}`);
const DAY = 86_400_000;
const MINUTE = 60_000;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function memory(): string {
  const m = process.memoryUsage();
  return `RSS ${mb(m.rss)} (heap ${mb(m.heapUsed)}, array buffers ${mb(m.arrayBuffers)})`;
}

async function services(now: number): Promise<Services> {
  const config = {
    ...loadConfig({ ...process.env, CORDON_DATA_DIR: DIR } as NodeJS.ProcessEnv),
    dataDir: DIR,
    databaseUrl: undefined,
  };
  return createServices(config, { clock: new FakeClock(now) });
}

interface Built {
  now: number;
  checkins: number;
  persons: number;
}

/** The demo city, built once per (people, days, seed) and kept in the temp dir; visits exported as CSV for DuckDB. */
async function city(): Promise<Built> {
  const ready = path.join(DIR, 'ready.json');
  if (fs.existsSync(ready)) return JSON.parse(fs.readFileSync(ready, 'utf8')) as Built;
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const s = await services(now);
  try {
    console.log(`building the demo city: ${PEOPLE.toLocaleString()} people over ${DAYS} days (cached in ${DIR})`);
    let lastPhase = '';
    const started = performance.now();
    const summary = await generateDemoCity(s, {
      people: PEOPLE,
      days: DAYS,
      seed: SEED,
      force: true,
      onProgress: (_d, _t, phase) => {
        if (phase !== lastPhase) console.log(`  ${phase} at ${sec(performance.now() - started)}`);
        lastPhase = phase;
      },
    });
    console.log(
      `  built in ${sec(summary.elapsedMs)}: ${summary.checkins.toLocaleString()} check-ins, ${summary.venues.toLocaleString()} venues (movements ${sec(summary.movementsMs)})`,
    );
    const t = performance.now();
    exportForDuckDb(s);
    console.log(`  exported for DuckDB in ${sec(performance.now() - t)}`);
    const built: Built = { now, checkins: summary.checkins, persons: summary.persons };
    fs.writeFileSync(ready, JSON.stringify(built));
    return built;
  } finally {
    await s.close();
  }
}

/** visits.csv (person, venue as numbers; entry, exit) and venues.csv (venue, category, dwell). */
function exportForDuckDb(s: Services): void {
  const db = s.handle.sqlite!;
  const dwell = new Map([...venueCategories().categories.values()].map((c) => [c.key, c.defaultDwellMinutes]));
  const venueNo = new Map<string, number>();
  const venues = fs.openSync(path.join(DIR, 'venues.csv'), 'w');
  fs.writeSync(venues, 'venue,id,category,dwell\n');
  for (const v of db.prepare('select id, category, dwell_minutes from venue order by id').iterate() as Iterable<{
    id: string;
    category: string;
    dwell_minutes: number | null;
  }>) {
    venueNo.set(v.id, venueNo.size);
    fs.writeSync(venues, `${venueNo.size - 1},${v.id},${v.category},${v.dwell_minutes ?? dwell.get(v.category)}\n`);
  }
  fs.closeSync(venues);
  const personNo = new Map<string, number>();
  const persons = fs.openSync(path.join(DIR, 'persons.csv'), 'w');
  fs.writeSync(persons, 'person,id\n');
  let buf = '';
  for (const p of db.prepare('select id from person order by id').pluck().iterate() as Iterable<string>) {
    personNo.set(p, personNo.size);
    buf += `${personNo.size - 1},${p}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(persons, buf);
      buf = '';
    }
  }
  fs.writeSync(persons, buf);
  fs.closeSync(persons);
  const visits = fs.openSync(path.join(DIR, 'visits.csv'), 'w');
  fs.writeSync(visits, 'person,venue,entered,exited\n');
  buf = '';
  const rows = db
    .prepare(`select person_id, venue_id, entered_at, exited_at from checkin where decision = 'admitted'`)
    .raw()
    .iterate() as Iterable<[string, string, number, number | null]>;
  for (const [p, v, e, x] of rows) {
    buf += `${personNo.get(p)},${venueNo.get(v)},${e},${x ?? ''}\n`;
    if (buf.length > 1 << 22) {
      fs.writeSync(visits, buf);
      buf = '';
    }
  }
  fs.writeSync(visits, buf);
  fs.closeSync(visits);
}

// ---- DuckDB ------------------------------------------------------------------------------------

async function duckdb(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(Math.max(1, os.cpus().length)) });
  const c = await instance.connect();
  const csv = (f: string) => `'${path.join(DIR, f).replace(/'/g, "''")}'`;
  await c.run(
    `create table venues as select * from read_csv(${csv('venues.csv')}, header = true, columns = {'venue': 'INTEGER', 'id': 'VARCHAR', 'category': 'VARCHAR', 'dwell': 'INTEGER'})`,
  );
  await c.run(
    `create table persons as select * from read_csv(${csv('persons.csv')}, header = true, columns = {'person': 'INTEGER', 'id': 'VARCHAR'})`,
  );
  await c.run(
    `create table visits as select * from read_csv(${csv('visits.csv')}, header = true, columns = {'person': 'INTEGER', 'venue': 'INTEGER', 'entered': 'BIGINT', 'exited': 'BIGINT'})`,
  );
  return c;
}

/** The interval join of the rule set in SQL: padded visits, the case's clipped to its window, minimum overlap, class by category. */
function duckSql(r: RuleSet, cases: ReadonlyArray<{ person: string; start: number; end: number }>): string {
  const v = r.venueCoPresence;
  const p = v.padding;
  const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `'${x}'`).join(',') : `''`);
  const values = cases.map((c) => `('${c.person}', ${c.start}, ${c.end})`).join(',');
  const padded = (alias: string) => `(select v.person, v.venue, vn.category, v.entered as s,
      coalesce(v.exited, v.entered + vn.dwell * ${MINUTE}) as x from visits v join venues vn on vn.venue = v.venue
      where vn.category in (${list([...v.closeCategories, ...v.generalCategories])})) ${alias}`;
  const end = (a: string) =>
    `(${a}.x + least((${a}.x - ${a}.s) * ${p.padFactor}::double, ${p.padCapMinutes * MINUTE}))`;
  const ok = (a: string) => `${a}.x >= ${a}.s and ${a}.x - ${a}.s >= ${p.dropVisitsShorterThanMinutes * MINUTE}`;
  return `with c(id, wstart, wend) as (values ${values}),
    cp as (select persons.person, c.wstart, c.wend, c.id from c join persons on persons.id = c.id),
    a as (select cp.id as case_id, a.person, a.venue, a.category, greatest(a.s, cp.wstart) as cs, least(${end('a')}, cp.wend::double) as ce
      from cp join ${padded('a')} on a.person = cp.person where ${ok('a')}),
    m as (select a.case_id, o.person, a.category,
        (least(a.ce, ${end('o')}) - greatest(a.cs, o.s)) / ${MINUTE}.0 as minutes
      from a join ${padded('o')} on o.venue = a.venue and o.person <> a.person
      where a.ce > a.cs and ${ok('o')} and o.s < a.ce and ${end('o')} > a.cs)
    select m.case_id, persons.id as person, max(case when m.category in (${list(v.closeCategories)}) then 1 else 0 end) as close
    from m join persons on persons.person = m.person
    where m.minutes >= ${v.minimumOverlapMinutes}
    group by m.case_id, persons.id`;
}

/**
 * The secondary contacts of the rule set in SQL, for comparing sets: the case's close contacts (close-
 * category co-presence or household; from their first exposure — the earliest encounter of any
 * category, or the window start for a household member — until now: the bench city has no case of
 * its own, so nobody is isolated), then everyone they met at a close-category venue for the minimum
 * overlap inside that, and their household members; never the case or its close contacts.
 */
function duckSecondarySql(
  r: RuleSet,
  cases: ReadonlyArray<{ person: string; start: number; end: number }>,
  now: number,
): string {
  const v = r.venueCoPresence;
  const p = v.padding;
  const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `'${x}'`).join(',') : `''`);
  const values = cases.map((c) => `('${c.person}', ${c.start}, ${c.end})`).join(',');
  const padded = (
    alias: string,
    categories: readonly string[],
  ) => `(select v.person, v.venue, vn.category, v.entered as s,
      coalesce(v.exited, v.entered + vn.dwell * ${MINUTE}) as x from visits v join venues vn on vn.venue = v.venue
      where vn.category in (${list(categories)})) ${alias}`;
  const all = [...v.closeCategories, ...v.generalCategories];
  const end = (a: string) =>
    `(${a}.x + least((${a}.x - ${a}.s) * ${p.padFactor}::double, ${p.padCapMinutes * MINUTE}))`;
  const ok = (a: string) => `${a}.x >= ${a}.s and ${a}.x - ${a}.s >= ${p.dropVisitsShorterThanMinutes * MINUTE}`;
  return `with c(id, wstart, wend) as (values ${values}),
    cp as (select persons.person, c.wstart, c.wend, c.id from c join persons on persons.id = c.id),
    a as (select cp.id as case_id, a.person, a.venue, a.category, greatest(a.s, cp.wstart) as cs, least(${end('a')}, cp.wend::double) as ce
      from cp join ${padded('a', all)} on a.person = cp.person where ${ok('a')}),
    m as (select a.case_id, o.person, a.category, greatest(a.cs, o.s) as os,
        (least(a.ce, ${end('o')}) - greatest(a.cs, o.s)) / ${MINUTE}.0 as minutes
      from a join ${padded('o', all)} on o.venue = a.venue and o.person <> a.person
      where a.ce > a.cs and ${ok('o')} and o.s < a.ce and ${end('o')} > a.cs),
    vsrc as (select case_id, person, min(os) as f from m where minutes >= ${v.minimumOverlapMinutes} group by case_id, person
      having max(case when category in (${list(v.closeCategories)}) then 1 else 0 end) = 1),
    hsrc as (select cp.id as case_id, h2.person, cp.wstart as f from cp join households h1 on h1.person = cp.person
      join households h2 on h2.household = h1.household and h2.person <> cp.person),
    src as (select case_id, person, min(f) as f from (select * from vsrc union all select * from hsrc) group by case_id, person),
    sa as (select src.case_id, src.person as sp, v.venue, greatest(v.s, src.f) as cs, least(${end('v')}, ${now}::double) as ce
      from src join ${padded('v', v.closeCategories)} on v.person = src.person where ${ok('v')}),
    sm as (select sa.case_id, o.person from sa join ${padded('o', v.closeCategories)} on o.venue = sa.venue and o.person <> sa.sp
      where sa.ce > sa.cs and ${ok('o')} and o.s < sa.ce and ${end('o')} > sa.cs
        and (least(sa.ce, ${end('o')}) - greatest(sa.cs, o.s)) / ${MINUTE}.0 >= ${v.minimumOverlapMinutes}),
    sh as (select src.case_id, h2.person from src join households h1 on h1.person = src.person
      join households h2 on h2.household = h1.household and h2.person <> src.person),
    sec as (select case_id, person from sm union select case_id, person from sh)
    select sec.case_id, persons.id as person from sec join persons on persons.person = sec.person
    where not exists (select 1 from src where src.case_id = sec.case_id and src.person = sec.person)
      and not exists (select 1 from cp where cp.id = sec.case_id and cp.person = sec.person)`;
}

/** households.csv (person number, household), written from the database on first use. */
async function duckHouseholds(c: DuckDBConnection, s: Services): Promise<void> {
  const file = path.join(DIR, 'households.csv');
  if (!fs.existsSync(file)) {
    const out = fs.openSync(`${file}.part`, 'w');
    fs.writeSync(out, 'id,household\n');
    let buf = '';
    for (const [id, h] of s.handle
      .sqlite!.prepare('select id, household_id from person where household_id is not null')
      .raw()
      .iterate() as Iterable<[string, string]>) {
      buf += `${id},${h}\n`;
      if (buf.length > 1 << 20) {
        fs.writeSync(out, buf);
        buf = '';
      }
    }
    fs.writeSync(out, buf);
    fs.closeSync(out);
    fs.renameSync(`${file}.part`, file);
  }
  await c.run(`create table households as select persons.person, h.household from read_csv('${file.replace(/'/g, "''")}', header = true,
    columns = {'id': 'VARCHAR', 'household': 'VARCHAR'}) h join persons on persons.id = h.id`);
}

type ContactSets = Map<string, Set<string>>;

async function duckTrace(
  c: DuckDBConnection,
  r: RuleSet,
  cases: ReadonlyArray<{ person: string; start: number; end: number }>,
): Promise<ContactSets> {
  const reader = await c.runAndReadAll(duckSql(r, cases));
  const out: ContactSets = new Map(cases.map((x) => [x.person, new Set<string>()]));
  for (const [caseId, person, close] of reader.getRows() as Array<[string, string, number]>)
    out.get(caseId)!.add(`${person}:${Number(close) ? 'close' : 'general'}`);
  return out;
}

function cordonSet(t: TraceResult): Set<string> {
  return new Set(t.contacts.filter((x) => x.basis === 'venue').map((x) => `${x.personId}:${x.class}`));
}

function sameSets(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

// ---- the run -----------------------------------------------------------------------------------

const built = await city();
if (BUILD_ONLY) process.exit(0);
const r = ruleSetById(RULES);
const s = await services(built.now);
// (a) and (b) compare the case's own contacts (household and venue: DuckDB's join finds the venue ones)
// with secondary contacts left out; (c) traces a few cases with them, as the case service does.
const opts = { now: built.now, timeZone: s.config.timeZone, secondaryContacts: false };
console.log(
  `city: ${built.persons.toLocaleString()} people, ${built.checkins.toLocaleString()} check-ins over ${DAYS} days; rule set ${r.id}; ${os.cpus().length} cores (shared)`,
);
console.log(`before the index: ${memory()}`);

let t = performance.now();
const index = await loadVisitIndex(s.db, s.handle.sqlite);
attachVisitIndex(s.db, index);
const st = index.stats();
console.log(
  `visit index loaded in ${sec(performance.now() - t)}: ${st.checkins.toLocaleString()} check-ins, ${st.venues.toLocaleString()} venues, ${st.persons.toLocaleString()} persons, ${mb(st.bytes)} in arrays`,
);
global.gc?.();
console.log(`with the index loaded: ${memory()}`);

t = performance.now();
const duck = await duckdb();
console.log(`DuckDB loaded the same visits in ${sec(performance.now() - t)}; ${memory()}`);

// Cases: people who visited somewhere, onset 3 days before now, isolated 1 day before now.
const rnd = new Random(SEED, 'bench/trace');
const people = s.handle
  .sqlite!.prepare('select distinct person_id from checkin where entered_at > ? limit 200000')
  .pluck()
  .all(built.now - 3 * DAY) as string[];
const used = new Set<string>();
const pick = (n: number): TraceAnchor[] =>
  Array.from({ length: Math.min(n, people.length - used.size) }, () => {
    let personId = people[rnd.int(0, people.length - 1)]!;
    while (used.has(personId)) personId = people[rnd.int(0, people.length - 1)]!;
    used.add(personId);
    const onsetAt = built.now - rnd.int(2 * 24 * 60, 5 * 24 * 60) * MINUTE;
    return { personId, onsetAt, isolatedAt: onsetAt + rnd.int(12 * 60, 36 * 60) * MINUTE };
  });
const windowsOf = (results: readonly TraceResult[]) =>
  results.map((x) => ({ person: x.personId, start: x.window.start, end: x.window.end }));

// Warm-up (JIT, caches) on cases outside the measured sets.
for (const a of pick(5)) {
  const x = await traceContacts(s.db, r, a, opts);
  await duckTrace(duck, r, windowsOf([x]));
}

// (a) single cases one at a time.
const singles = pick(SINGLES);
const cordonMs: number[] = [];
const cordonCpuMs: number[] = [];
const duckMs: number[] = [];
let mismatches = 0;
let contacts = 0;
for (const a of singles) {
  let t0 = performance.now();
  const c0 = process.cpuUsage();
  const x = await traceContacts(s.db, r, a, opts);
  cordonMs.push(performance.now() - t0);
  const c1 = process.cpuUsage(c0);
  cordonCpuMs.push((c1.user + c1.system) / 1000);
  t0 = performance.now();
  const d = await duckTrace(duck, r, windowsOf([x]));
  duckMs.push(performance.now() - t0);
  const mine = cordonSet(x);
  contacts += mine.size;
  if (!sameSets(mine, d.get(x.personId)!)) mismatches++;
}
// Reading the evidence (made on first read) of every contact of a case, as storing it does: not in the times above.
const evidenceMs: number[] = [];
for (const a of singles.slice(0, 20)) {
  const x = await traceContacts(s.db, r, a, opts);
  const t0 = performance.now();
  JSON.stringify(x.contacts);
  evidenceMs.push(performance.now() - t0);
}
const p50c = percentile(cordonMs, 0.5);
const p50d = percentile(duckMs, 0.5);
console.log(
  `\n(a) ${SINGLES} single cases, ${(contacts / SINGLES).toFixed(0)} venue contacts each on average (direct contacts; Cordon's evidence is made when read)`,
);
console.log(
  `  Cordon  p50 ${p50c.toFixed(1)} ms, p90 ${percentile(cordonMs, 0.9).toFixed(1)} ms, max ${Math.max(...cordonMs).toFixed(1)} ms`,
);
console.log(
  `  Cordon  CPU time p50 ${percentile(cordonCpuMs, 0.5).toFixed(1)} ms, p90 ${percentile(cordonCpuMs, 0.9).toFixed(1)} ms (the wall times above include waiting for the shared cores)`,
);
console.log(
  `  DuckDB  p50 ${p50d.toFixed(1)} ms, p90 ${percentile(duckMs, 0.9).toFixed(1)} ms, max ${Math.max(...duckMs).toFixed(1)} ms`,
);
console.log(
  `  Cordon is ${(p50d / p50c).toFixed(1)}× faster at p50 (target ≥ 50×, p50 < 20 ms); contact sets ${mismatches ? `DIFFER in ${mismatches} cases` : 'identical'}`,
);
console.log(
  `  reading all of a case's evidence afterwards (made on first read, then JSON): p50 ${percentile(evidenceMs, 0.5).toFixed(1)} ms more`,
);

// (b) one batch: the results are compared as they come and not kept.
const batch = pick(BATCH);
const batchWindows = batch.map((a) => {
  const w = contactWindow(r, a, opts.timeZone, opts.now);
  return { person: a.personId, start: w.start, end: w.end };
});
let batchContacts = 0;
const mineOf = new Map<string, Set<string>>();
let t0 = performance.now();
const bc0 = process.cpuUsage();
await traceContactsBatch(s.db, r, batch, opts, (x) => {
  const mine = cordonSet(x);
  batchContacts += mine.size;
  mineOf.set(x.personId, mine);
});
const batchCordon = performance.now() - t0;
const bc1 = process.cpuUsage(bc0);
t0 = performance.now();
const d = await duckTrace(duck, r, batchWindows);
const batchDuck = performance.now() - t0;
let batchMismatch = 0;
for (const [p, mine] of mineOf) if (!sameSets(mine, d.get(p) ?? new Set())) batchMismatch++;
console.log(
  `\n(b) ${BATCH} cases in one batch (${batchContacts.toLocaleString()} venue contacts; direct contacts, evidence made when read)`,
);
console.log(
  `  Cordon ${sec(batchCordon)} (CPU ${sec((bc1.user + bc1.system) / 1000)}), DuckDB ${sec(batchDuck)}: Cordon is ${(batchDuck / batchCordon).toFixed(1)}× as fast (target ≥ 1×); contact sets ${batchMismatch ? `DIFFER in ${batchMismatch} cases` : 'identical'}`,
);
global.gc?.();
console.log(`\nprocess memory after (a) and (b) (Cordon's index and DuckDB's tables in one process): ${memory()}`);
console.log(`Cordon's share: the visit index holds ${mb(index.stats().bytes)} in typed arrays`);

// (c) secondary contacts (the rule set's, as the case service finds them): Cordon singles and a batch; DuckDB's SQL.
let secondaryMismatch = 0;
if (SECONDARY > 0 && r.secondaryContacts.identified) {
  const withSecondary = { ...opts, secondaryContacts: true };
  const cases = pick(SECONDARY);
  const ms: number[] = [];
  let venueSec = 0;
  let householdSec = 0;
  const singlesOf = new Map<string, string>();
  const key = (x: TraceResult) =>
    x.contacts
      .map((c) => `${c.personId}:${c.class}:${c.basis}:${c.sourcePersonId ?? ''}`)
      .sort()
      .join(',');
  for (const a of cases) {
    const t0 = performance.now();
    const x = await traceContacts(s.db, r, a, withSecondary);
    ms.push(performance.now() - t0);
    for (const c of x.contacts)
      if (c.basis === 'secondary') {
        if (c.evidence.via === 'venue') venueSec++;
        else householdSec++;
      }
    singlesOf.set(a.personId, key(x));
  }
  const secondaryOf = new Map<string, Set<string>>();
  const t0 = performance.now();
  await traceContactsBatch(s.db, r, cases, withSecondary, (x) => {
    if (singlesOf.get(x.personId) !== key(x)) secondaryMismatch++;
    secondaryOf.set(x.personId, new Set(x.contacts.filter((c) => c.basis === 'secondary').map((c) => c.personId)));
  });
  const batchMs = performance.now() - t0;
  // DuckDB: the same secondary contacts (as sets of persons) by the SQL of the same rules.
  await duckHouseholds(duck, s);
  const windows = cases.map((a) => {
    const w = contactWindow(r, a, opts.timeZone, opts.now);
    return { person: a.personId, start: w.start, end: w.end };
  });
  const d0 = performance.now();
  const reader = await duck.runAndReadAll(duckSecondarySql(r, windows, opts.now));
  const duckSecondaryMs = performance.now() - d0;
  const theirs = new Map(cases.map((a) => [a.personId, new Set<string>()]));
  for (const [caseId, person] of reader.getRows() as Array<[string, string]>) theirs.get(caseId)!.add(person);
  let duckSecondaryMismatch = 0;
  for (const [p, mine] of secondaryOf) if (!sameSets(mine, theirs.get(p)!)) duckSecondaryMismatch++;
  secondaryMismatch += duckSecondaryMismatch;
  console.log(
    `\n(c) ${cases.length} cases with their secondary contacts (${r.id}): ${(venueSec / cases.length).toFixed(0)} by venue co-presence and ${(householdSec / cases.length).toFixed(0)} by household each on average`,
  );
  console.log(
    `  Cordon  single p50 ${percentile(ms, 0.5).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms; the ${cases.length} in one batch ${sec(batchMs)}; batch and singles ${secondaryMismatch - duckSecondaryMismatch ? `DIFFER in ${secondaryMismatch - duckSecondaryMismatch} cases` : 'agree'}`,
  );
  console.log(
    `  DuckDB  the same ${cases.length} cases' secondary contacts in one query ${sec(duckSecondaryMs)}; secondary contact sets ${duckSecondaryMismatch ? `DIFFER in ${duckSecondaryMismatch} cases` : 'identical'}`,
  );
}
await s.close();
process.exit(mismatches || batchMismatch || secondaryMismatch ? 1 : 0);
