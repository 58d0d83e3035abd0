// npm run bench -- quarantine [--people N] [--sites N] [--rooms N] [--checks N] [--batch N] [--phones N] [--pg URL]
//
// Quarantine allocation and health checks on SQLite (a fresh database file under the temp dir), or on
// PostgreSQL with --pg (a fresh schema of that database, dropped at the end):
//   1. orders and allocation: N people under close-contact orders (default 10,000; households that stay
//      together, children with guardians, elderly and disabled needing accessible rooms, dialysis
//      patients routed to a designated hospital) planned into S sites of R rooms (default 50 × 250) and
//      confirmed, through the service (planAllocation + confirmPlan, each one transaction). An
//      independent checker then reads the stays back from the database and verifies every hard
//      constraint (checkAllocation over what was written, and one current stay per order).
//   2. checks: C people's morning and evening checks (default 20,000, so 40,000 checks) synced in
//      batches from P staff phones at once (default 40; each phone sends its own batches one after
//      another, as a phone's offline queue does) through syncChecks, which writes the requests that
//      arrive together as one group (one transaction, one commit). --phones 1: one batch at a time.
// The limit for each: the same rows inserted again through one raw prepared statement per table
// (better-sqlite3, or pg's named statement) in one transaction into scratch tables of the same columns
// and no index; the ratio is limit / service time (target ≥ 0.3 for allocation, ≥ 0.5 for checks).
// The floors below it, to show where the time goes: the same rows through the same statements into
// copies of the real tables with their indexes and constraints, in one transaction ("indexed"), and
// for the checks in one transaction per batch as the phones send them, committed as Cordon commits
// (SQLite synchronous=FULL) ("per batch"). CPU is this process's (user + system) during each phase.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { connect } from '../src/db/connect.ts';
import { loadConfig } from '../src/config.ts';
import { createServices, type Services } from '../src/services.ts';
import { FakeClock } from '../src/platform/clock.ts';
import type { Actor } from '../src/access/access.rules.ts';
import { confirmPlan, planAllocation } from '../src/quarantine/allocation.service.ts';
import { syncChecks } from '../src/quarantine/care.service.ts';
import { checkAllocation, type AllocPerson, type AllocRoom } from '../src/quarantine/allocation.rules.ts';
import { carePolicy } from '../src/quarantine/care.policy.ts';
import { installErrorCatalogue } from '../src/errors.catalogue.ts';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const PEOPLE = Number(flag('people', '10000'));
const SITES = Number(flag('sites', '50'));
const ROOMS = Number(flag('rooms', '250'));
const CHECK_PEOPLE = Number(flag('checks', '20000'));
const BATCH = Number(flag('batch', '500'));
const PHONES = Number(flag('phones', '40'));
const PG_URL = flag('pg', '');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-quarantine-'));
const DAY = 86_400_000;
const NOW = Date.parse('2022-04-05T07:00:00+08:00');
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

installErrorCatalogue();

const PG_SCHEMA = `bench_q_${randomBytes(4).toString('hex')}`;

async function services(): Promise<Services> {
  const config = {
    ...loadConfig({ ...process.env, CORDON_DATA_DIR: DIR } as NodeJS.ProcessEnv),
    dataDir: DIR,
    databaseUrl: PG_URL || undefined,
  };
  if (!PG_URL) return createServices(config, { clock: new FakeClock(NOW) });
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${PG_SCHEMA}`);
  await admin.end();
  const handle = connect({ databaseUrl: PG_URL, pgSchema: PG_SCHEMA, poolSize: 4 });
  return createServices(config, { clock: new FakeClock(NOW), handle });
}

async function dropPgSchema(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`drop schema if exists ${PG_SCHEMA} cascade`);
  await admin.end();
}

type Rows = Record<string, Array<Record<string, unknown>>>;

/** How a set of rows is inserted: into scratch tables without indexes, or copies of the real tables. */
type Target = 'raw' | 'indexed';

/** SQLite: the statements that make `copy`, a copy of the table with its indexes and constraints. */
function indexedCopySqlite(db: Database.Database, table: string, copy: string): string[] {
  const defs = db
    .prepare(`SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC`)
    .all(table) as Array<{ type: string; sql: string }>;
  return defs.map((d) =>
    d.type === 'table'
      ? d.sql.replace(/^CREATE TABLE "?\w+"?/i, `CREATE TABLE "${copy}"`)
      : d.sql
          .replace(/^CREATE (UNIQUE )?INDEX "?(\w+)"?/i, 'CREATE $1INDEX "copy_$2"')
          .replace(new RegExp(`\\bon "?${table}"?`, 'i'), `on "${copy}"`),
  );
}

/**
 * The rows inserted again through one prepared statement per table, into fresh tables of the `target`
 * kind, in one transaction or in one transaction per `batch` rows of each table; milliseconds.
 */
async function insertAgain(s: Services, tables: Rows, target: Target, batch = 0): Promise<number> {
  const name = (t: string) => `${target}_${t}`;
  if (s.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${PG_SCHEMA}` });
    await client.connect();
    try {
      for (const t of Object.keys(tables)) {
        await client.query(`DROP TABLE IF EXISTS ${name(t)}`);
        await client.query(
          target === 'raw'
            ? `CREATE TABLE ${name(t)} AS SELECT * FROM ${t} WHERE false`
            : `CREATE TABLE ${name(t)} (LIKE ${t} INCLUDING ALL)`,
        );
      }
      const t0 = performance.now();
      for (const [t, rows] of Object.entries(tables)) {
        if (!rows.length) continue;
        const cols = Object.keys(rows[0]!);
        const text = `INSERT INTO ${name(t)} (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`;
        const size = batch || rows.length;
        for (let j = 0; j < rows.length; j += size) {
          await client.query('BEGIN');
          for (const r of rows.slice(j, j + size))
            await client.query({ name: `ins_${name(t)}`, text, values: cols.map((c) => r[c]) });
          await client.query('COMMIT');
        }
      }
      return performance.now() - t0;
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(DIR, 'cordon.db'));
  try {
    db.pragma('journal_mode = WAL');
    // One transaction: as the limit always ran. Per batch: committed as Cordon commits.
    db.pragma(batch ? 'synchronous = FULL' : 'synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    for (const t of Object.keys(tables)) {
      db.exec(`DROP TABLE IF EXISTS ${name(t)}`);
      if (target === 'raw') db.exec(`CREATE TABLE ${name(t)} AS SELECT * FROM ${t} WHERE 0`);
      else for (const stmt of indexedCopySqlite(db, t, name(t))) db.exec(stmt);
    }
    const t0 = performance.now();
    for (const [t, rows] of Object.entries(tables)) {
      if (!rows.length) continue;
      const cols = Object.keys(rows[0]!);
      const stmt = db.prepare(
        `INSERT INTO ${name(t)} (${cols.map((c) => `"${c}"`).join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
      );
      const size = batch || rows.length;
      for (let j = 0; j < rows.length; j += size)
        db.transaction(() => {
          for (const r of rows.slice(j, j + size)) stmt.run(...cols.map((c) => r[c] as never));
        })();
    }
    return performance.now() - t0;
  } finally {
    db.close();
  }
}

const cpuSince = (u: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000;
};

const actor: Actor = {
  userId: 'bench',
  username: 'bench',
  displayName: 'bench',
  role: 'command',
  areaId: 'a_city',
  areaPath: '220400/',
  via: 'token',
};

async function seed(s: Services) {
  const now = NOW;
  await s.db
    .insertInto('area')
    .values([
      {
        id: 'a_city',
        code: '220400',
        name: '辽源市',
        level: 'city',
        parent_id: null,
        path: '220400/',
        created_at: now,
      },
      {
        id: 'a_d',
        code: '220402',
        name: '龙山区',
        level: 'district',
        parent_id: 'a_city',
        path: '220400/220402/',
        created_at: now,
      },
    ])
    .execute();
  const path = '220400/220402/';
  const sites: string[] = [];
  const rooms: Array<Record<string, unknown>> = [];
  for (let i = 0; i < SITES; i++) {
    const id = `site${String(i).padStart(3, '0')}`;
    sites.push(id);
    await s.db
      .insertInto('quarantine_site')
      .values({
        id,
        area_id: 'a_d',
        area_path: path,
        name: `隔离点${i}`,
        address: '',
        kind: 'hotel',
        zones: '{}',
        status: 'in_service',
        testing_site_id: null,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (let r = 0; r < ROOMS; r++) {
      const kind = r % 25 === 0 ? 'accessible' : r % 10 === 1 ? 'family' : r % 5 === 2 ? 'double' : 'single';
      rooms.push({
        id: `${id}-r${r}`,
        site_id: id,
        floor: 1 + Math.floor(r / 25),
        number: String(100 * (1 + Math.floor(r / 25)) + (r % 25)),
        kind,
        beds: kind === 'family' ? 4 : kind === 'double' ? 2 : 1,
        own_bathroom: 1,
        status: 'in_service',
        disinfection_due_at: null,
        disinfected_at: null,
        created_at: now,
        updated_at: now,
      });
    }
  }
  for (let i = 0; i < rooms.length; i += 500)
    await s.db
      .insertInto('quarantine_room')
      .values(rooms.slice(i, i + 500) as never)
      .execute();
  await s.db
    .insertInto('hospital')
    .values({
      id: 'h1',
      area_id: 'a_d',
      area_path: path,
      name: '透析中心',
      address: '',
      phone: '',
      designations: '["dialysis","treatment","maternity"]',
      accepts_colours: '["red","yellow","green"]',
      beds: 500,
      beds_free: 500,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { sites, path };
}

/** People under orders: households of 1–4 (a third stay together, children with a parent as guardian). */
async function people(s: Services, n: number, prefix: string, path: string, caseId: string) {
  const persons: Array<Record<string, unknown>> = [];
  const orders: Array<Record<string, unknown>> = [];
  const households: Array<Record<string, unknown>> = [];
  let i = 0;
  let hh = 0;
  while (i < n) {
    const size = Math.min(n - i, 1 + (hh % 4));
    const household = `${prefix}h${hh}`;
    const together = hh % 3 === 0;
    households.push({
      id: household,
      building_id: null,
      area_id: 'a_d',
      unit: '',
      door: '',
      address: `向阳路 ${hh % 300} 号 ${hh} 室`,
      rooms: null,
      head_person_id: null,
      created_at: NOW,
      updated_at: NOW,
    });
    let guardian: string | null = null;
    for (let k = 0; k < size; k++, i++) {
      const id = `${prefix}p${i}`;
      const needs: Record<string, boolean> = {};
      if (together) needs.together = true;
      if (i % 97 === 0) needs.elderly = true;
      if (i % 251 === 0) needs.disabled = true;
      if (i % 499 === 0) needs.dialysis = true;
      const child = k > 0 && k === size - 1 && size >= 3;
      persons.push({
        id,
        household_id: household,
        area_id: 'a_d',
        name: `隔离${i}`,
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
        created_at: NOW,
        updated_at: NOW,
      });
      orders.push({
        id: `${prefix}o${i}`,
        person_id: id,
        area_id: 'a_d',
        area_path: path,
        kind: 'close_contact',
        place: 'centralised',
        status: 'active',
        source_type: 'contact',
        source_id: null,
        case_id: caseId,
        household_id: household,
        rule_set_id: '9th-edition',
        start_at: NOW - DAY,
        centralised_until: NOW + 6 * DAY,
        home_until: NOW + 9 * DAY,
        ends_at: NOW + 9 * DAY,
        home_kind: 'home_health_monitoring',
        test_days: '[]',
        care_needs: JSON.stringify(child ? { ...needs, child: true } : needs),
        guardian_person_id: child ? guardian : null,
        door_measure: 'none',
        door_measure_at: null,
        released_at: null,
        release_basis: null,
        follow_order_id: null,
        created_by: null,
        created_at: NOW,
        updated_at: NOW,
      });
      if (k === 0) guardian = id;
    }
    hh++;
  }
  for (let j = 0; j < households.length; j += 400)
    await s.db
      .insertInto('household')
      .values(households.slice(j, j + 400) as never)
      .execute();
  for (let j = 0; j < persons.length; j += 400)
    await s.db
      .insertInto('person')
      .values(persons.slice(j, j + 400) as never)
      .execute();
  for (let j = 0; j < orders.length; j += 200)
    await s.db
      .insertInto('quarantine_order')
      .values(orders.slice(j, j + 200) as never)
      .execute();
  return orders;
}

async function main() {
  const s = await services();
  try {
    const { sites, path: areaPath } = await seed(s);
    await people(s, PEOPLE, 'c', areaPath, 'case-bench');
    console.log(
      `quarantine bench: ${PEOPLE.toLocaleString()} people into ${SITES} sites × ${ROOMS} rooms (${PG_URL ? `PostgreSQL, schema ${PG_SCHEMA}` : `SQLite, ${DIR}`})`,
    );

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const plan = await planAllocation(s, actor, { caseId: 'case-bench', siteIds: sites });
    const t1 = performance.now();
    await confirmPlan(s, actor, plan.planId, {});
    const t2 = performance.now();
    const allocMs = t2 - t0;
    const allocCpu = cpuSince(cpu0);
    console.log(
      `  allocation: plan ${sec(t1 - t0)} + confirm ${sec(t2 - t1)} = ${sec(allocMs)} (CPU ${sec(allocCpu)}); placed ${plan.placed.length}, hospital ${plan.hospital.length}, unplaced ${plan.unplaced.length}`,
    );

    // The independent checker: what the database holds, against every hard constraint.
    const rules = carePolicy().allocation;
    const orders = await s.db.selectFrom('quarantine_order').selectAll().where('case_id', '=', 'case-bench').execute();
    const stays = await s.db.selectFrom('quarantine_stay').selectAll().where('plan_id', '=', plan.planId).execute();
    const transfers = await s.db
      .selectFrom('quarantine_transfer')
      .selectAll()
      .where('plan_id', '=', plan.planId)
      .execute();
    const roomRows = await s.db.selectFrom('quarantine_room').selectAll().execute();
    const orderOfPerson = new Map(orders.map((o) => [o.person_id, o.id]));
    const people2: AllocPerson[] = orders.map((o) => {
      const needs = JSON.parse(o.care_needs) as Record<string, boolean>;
      return {
        orderId: o.id,
        orderKind: o.kind,
        householdId: o.household_id,
        together: needs.together === true,
        guardianOrderId: o.guardian_person_id ? (orderOfPerson.get(o.guardian_person_id) ?? null) : null,
        needs,
      };
    });
    const rooms2: AllocRoom[] = roomRows.map((r) => ({
      id: r.id,
      siteId: r.site_id,
      kind: r.kind,
      beds: r.beds,
      status: r.status,
      awaitingDisinfection: false,
      occupants: [],
    }));
    const placedIds = new Set(stays.map((x) => x.order_id));
    const violations = checkAllocation(people2, rooms2, rules, {
      assignments: stays.map((x) => ({ orderId: x.order_id, roomId: x.room_id, siteId: x.site_id })),
      hospital: transfers
        .filter((t) => t.kind === 'hospital')
        .map((t) => ({ orderId: t.order_id!, need: t.need!, designation: '' })),
      unplaced: plan.unplaced.map((u) => ({ orderId: u.orderId, reason: u.reason })),
    });
    const notCurrent = stays.filter((x) => x.status !== 'current').length;
    const twice = stays.length - placedIds.size;
    const bad = violations.length + notCurrent + twice;
    console.log(
      `  checker: ${bad === 0 ? 'every hard constraint holds' : `${bad} VIOLATIONS`} (${violations
        .slice(0, 3)
        .map((v) => v.rule)
        .join(', ')})`,
    );

    const events = await s.db
      .selectFrom('quarantine_order_event')
      .selectAll()
      .where('kind', '=', 'allocated')
      .execute();
    const allocRows: Rows = {
      quarantine_stay: stays as never,
      quarantine_transfer: transfers as never,
      quarantine_order_event: events as never,
    };
    const rawAlloc = await insertAgain(s, allocRows, 'raw');
    const idxAlloc = await insertAgain(s, allocRows, 'indexed');
    console.log(
      `  raw insert of the same ${stays.length + transfers.length + events.length} rows: ${sec(rawAlloc)}; ratio ${(rawAlloc / allocMs).toFixed(3)} (target ≥ 0.3)`,
    );
    console.log(
      `    floor: into the real tables' indexed copies ${sec(idxAlloc)} (ratio ${(rawAlloc / idxAlloc).toFixed(3)})`,
    );

    // Checks: people in current stays, each with a morning and an evening check, synced in batches.
    const checkOrders = await people(s, CHECK_PEOPLE, 'k', areaPath, 'case-checks');
    const stayRows = checkOrders.map((o, i) => ({
      id: `ks${i}`,
      order_id: o.id as string,
      site_id: sites[i % sites.length]!,
      room_id: `${sites[i % sites.length]}-r${i % ROOMS}`,
      status: 'current',
      plan_id: null,
      from_at: NOW - DAY,
      to_at: null,
      created_at: NOW - DAY,
    }));
    for (let j = 0; j < stayRows.length; j += 500)
      await s.db
        .insertInto('quarantine_stay')
        .values(stayRows.slice(j, j + 500))
        .execute();
    const ops = checkOrders.flatMap((o, i) =>
      (['morning', 'evening'] as const).map((slot) => ({
        clientOpId: `phone-${i % 40}-${o.id as string}-${slot}`,
        orderId: o.id as string,
        slot,
        date: '2022-04-04',
        temperature: i % 500 === 0 && slot === 'evening' ? 37.8 : 36.5,
        at: NOW - 12 * 3_600_000,
      })),
    );
    const cpuC = process.cpuUsage();
    const c0 = performance.now();
    let applied = 0;
    const phoneOps = Array.from({ length: PHONES }, (_, p) => ops.filter((_o, k) => Math.floor(k / 2) % PHONES === p));
    await Promise.all(
      phoneOps.map(async (mine) => {
        for (let j = 0; j < mine.length; j += BATCH) {
          const answer = await syncChecks(s, actor, { ops: mine.slice(j, j + BATCH) });
          applied += answer.applied;
        }
      }),
    );
    const checksMs = performance.now() - c0;
    const checksCpu = cpuSince(cpuC);
    console.log(
      `  checks: ${applied.toLocaleString()} of ${ops.length.toLocaleString()} synced in batches of ${BATCH} from ${PHONES} phones at once: ${sec(checksMs)} (CPU ${sec(checksCpu)})`,
    );
    const checkRows = await s.db.selectFrom('quarantine_check').selectAll().execute();
    const alertRows = await s.db.selectFrom('quarantine_alert').selectAll().execute();
    const checkTables: Rows = { quarantine_check: checkRows as never, quarantine_alert: alertRows as never };
    const rawChecks = await insertAgain(s, checkTables, 'raw');
    const idxChecks = await insertAgain(s, checkTables, 'indexed');
    const batchChecks = await insertAgain(s, { quarantine_check: checkRows as never }, 'indexed', BATCH);
    console.log(
      `  raw insert of the same ${checkRows.length + alertRows.length} rows: ${sec(rawChecks)}; ratio ${(rawChecks / checksMs).toFixed(3)} (target ≥ 0.5)`,
    );
    console.log(
      `    floors: into the real tables' indexed copies ${sec(idxChecks)} (ratio ${(rawChecks / idxChecks).toFixed(3)}); the checks alone, one transaction per batch of ${BATCH} ${sec(batchChecks)} (ratio ${(rawChecks / batchChecks).toFixed(3)})`,
    );
  } finally {
    await s.close();
    if (PG_URL) await dropPgSchema();
    fs.rmSync(DIR, { recursive: true, force: true });
  }
}

await main();
