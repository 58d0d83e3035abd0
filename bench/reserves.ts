// npm run bench -- reserves [--movements N] [--batch N] [--pg URL]
//
// Supply reserves at a city's scale on SQLite (a fresh database file under the temp dir), or on
// PostgreSQL with --pg (a fresh schema of that database, dropped at the end):
//   1. load: N stock movements (default 500,000: in, out, transfer between warehouses, distribution to
//      communities) over 30 days into 12 warehouses of 2 districts, through the import path
//      (importMovements: every row checked against the catalogue, its units and the warehouses, then
//      applied in one transaction per batch of B rows (default 5,000) with stock taken only while
//      enough is on hand). Peer: the same rows inserted again through one prepared statement in one
//      transaction into a scratch table of the same columns without indexes (the limit).
//   2. figures: the days of supply of every item per district and in all (computeReserves: stock by
//      warehouse area and item, 7 days' outflow, population per district). Peer: one plain
//      GROUP BY (area_path, item) summing the same window's outflow over the scratch table.
// Each prints its time, this process's CPU, and the ratio peer / Cordon (1 = as fast as the peer).
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
import { computeReserves, createWarehouse, importMovements } from '../src/logistics/reserves.service.ts';
import type { MovementBody } from '../src/logistics/reserves.schema.ts';
import { installErrorCatalogue } from '../src/errors.catalogue.ts';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const MOVEMENTS = Number(flag('movements', '500000'));
const BATCH = Number(flag('batch', '5000'));
const PG_URL = flag('pg', '');
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-reserves-'));
const DAY = 86_400_000;
const NOW = Date.parse('2022-03-23T18:00:00+08:00');
const PG_SCHEMA = `bench_r_${randomBytes(4).toString('hex')}`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

installErrorCatalogue();

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

const cpuSince = (u: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000;
};

const actor: Actor = {
  userId: 'bench',
  username: 'bench',
  displayName: 'bench',
  role: 'logistics',
  areaId: 'a_city',
  areaPath: '220400/',
  via: 'token',
};

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seedAreas(s: Services): Promise<string[]> {
  const rows = [
    ['a_city', '220400', '辽源市', 'city', null, '220400/'],
    ['a_d1', '220402', '龙山区', 'district', 'a_city', '220400/220402/'],
    ['a_d2', '220403', '西安区', 'district', 'a_city', '220400/220403/'],
    ['a_s1', '220402001', '向阳街道', 'street', 'a_d1', '220400/220402/220402001/'],
    ['a_s2', '220403001', '仙城街道', 'street', 'a_d2', '220400/220403/220403001/'],
    ['a_c1', '220402001001', '文苑社区', 'community', 'a_s1', '220400/220402/220402001/220402001001/'],
    ['a_c2', '220402001002', '兴阳社区', 'community', 'a_s1', '220400/220402/220402001/220402001002/'],
    ['a_c3', '220403001001', '桥北社区', 'community', 'a_s2', '220400/220403/220403001/220403001001/'],
  ] as const;
  await s.db
    .insertInto('area')
    .values(
      rows.map(([id, code, name, level, parent_id, p]) => ({
        id,
        code,
        name,
        level,
        parent_id,
        path: p,
        created_at: NOW,
      })),
    )
    .execute();
  return ['a_c1', 'a_c2', 'a_c3'];
}

const ITEMS: Array<[string, string, number]> = [
  ['vegetables', 't', 5],
  ['rice', 't', 5],
  ['flour', 't', 2],
  ['oil', 'barrel', 200],
  ['pork', 't', 1],
  ['milk', 'box', 100],
  ['medicines', 'box', 20],
  ['masks', 'box', 20],
  ['protective_suits', 'box', 5],
  ['antigen_kits', 'box', 20],
];

/** N movements that never take more than the generator knows is on hand, oldest first. */
function movements(n: number, warehouses: Array<{ id: string; district: string }>, communities: string[]) {
  const rand = rng(18);
  const stock = new Map<string, number>();
  const out: Array<{ row: number; body: MovementBody }> = [];
  const start = NOW - 30 * DAY;
  for (let i = 0; i < n; i++) {
    const w = warehouses[Math.floor(rand() * warehouses.length)]!;
    const [item, unit, size] = ITEMS[Math.floor(rand() * ITEMS.length)]!;
    const qty = Math.max(1, Math.round(rand() * size * 1000)) / 1000;
    const key = `${w.id}|${item}`;
    const have = stock.get(key) ?? 0;
    const occurredAt = start + Math.floor((i / n) * 30 * DAY);
    const pick = rand();
    let body: MovementBody;
    if (have < qty * 1.001 || pick < 0.45) {
      body = { kind: 'in', warehouseId: w.id, item, unit, quantity: qty * 2, reference: `TRIP-${i}`, occurredAt };
      stock.set(key, have + qty * 2);
    } else if (pick < 0.8) {
      body = { kind: 'out', warehouseId: w.id, item, unit, quantity: qty, occurredAt };
      stock.set(key, have - qty);
    } else if (pick < 0.9) {
      const to = warehouses[(warehouses.indexOf(w) + 1) % warehouses.length]!;
      body = { kind: 'transfer', warehouseId: w.id, toWarehouseId: to.id, item, unit, quantity: qty, occurredAt };
      stock.set(key, have - qty);
      stock.set(`${to.id}|${item}`, (stock.get(`${to.id}|${item}`) ?? 0) + qty);
    } else {
      const community = communities[Math.floor(rand() * communities.length)]!;
      body = { kind: 'distribution', warehouseId: w.id, communityId: community, item, unit, quantity: qty, occurredAt };
      stock.set(key, have - qty);
    }
    out.push({ row: i + 2, body });
  }
  return out;
}

/** The movement rows inserted again through one prepared statement, one transaction, no index; ms. */
async function rawInsert(s: Services, rows: Array<Record<string, unknown>>): Promise<number> {
  const cols = Object.keys(rows[0]!);
  if (s.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${PG_SCHEMA}` });
    await client.connect();
    try {
      await client.query('CREATE TABLE raw_stock_movement AS SELECT * FROM stock_movement WHERE false');
      const text = `INSERT INTO raw_stock_movement (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`;
      const t0 = performance.now();
      await client.query('BEGIN');
      for (const r of rows) await client.query({ name: 'ins_raw', text, values: cols.map((c) => r[c]) });
      await client.query('COMMIT');
      return performance.now() - t0;
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(DIR, 'cordon.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE raw_stock_movement AS SELECT * FROM stock_movement WHERE 0');
    const stmt = db.prepare(
      `INSERT INTO raw_stock_movement (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`,
    );
    const t0 = performance.now();
    db.transaction(() => {
      for (const r of rows) stmt.run(...cols.map((c) => r[c] as never));
    })();
    return performance.now() - t0;
  } finally {
    db.close();
  }
}

/** The plain GROUP BY of the same window's outflow over the scratch table; ms (best of 3). */
async function plainGroupBy(s: Services): Promise<{ ms: number; groups: number }> {
  const text = `SELECT area_path, item, SUM(qty_milli) AS q FROM raw_stock_movement
    WHERE kind IN ('out', 'distribution') AND occurred_at >= ${NOW - 7 * DAY} AND occurred_at <= ${NOW}
    GROUP BY area_path, item`;
  let best = Infinity;
  let groups = 0;
  for (let k = 0; k < 3; k++) {
    if (s.dialect === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${PG_SCHEMA}` });
      await client.connect();
      const t0 = performance.now();
      groups = (await client.query(text)).rowCount ?? 0;
      best = Math.min(best, performance.now() - t0);
      await client.end();
    } else {
      const db = new Database(path.join(DIR, 'cordon.db'), { readonly: true });
      const t0 = performance.now();
      groups = db.prepare(text).all().length;
      best = Math.min(best, performance.now() - t0);
      db.close();
    }
  }
  return { ms: best, groups };
}

async function main() {
  const s = await services();
  try {
    const communities = await seedAreas(s);
    const warehouses: Array<{ id: string; district: string }> = [];
    for (let i = 0; i < 12; i++) {
      const district = i % 2 ? 'a_d2' : 'a_d1';
      const w = await createWarehouse(s, actor, { name: `储备库${i + 1}`, areaId: district, ownerUnit: '商务局' });
      warehouses.push({ id: w.id, district });
    }
    const rows = movements(MOVEMENTS, warehouses, communities);
    console.log(
      `reserves on ${s.dialect}: ${MOVEMENTS.toLocaleString()} movements into ${warehouses.length} warehouses, batches of ${BATCH.toLocaleString()}`,
    );

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let j = 0; j < rows.length; j += BATCH)
      await importMovements(s, actor, rows.slice(j, j + BATCH), { audit: 'summary' });
    const loadMs = performance.now() - t0;
    const loadCpu = cpuSince(cpu0);

    const stored = await s.db.selectFrom('stock_movement').selectAll().execute();
    const rawMs = await rawInsert(s, stored as unknown as Array<Record<string, unknown>>);
    console.log(
      `load     ${sec(loadMs)} (CPU ${sec(loadCpu)}), ${Math.round(MOVEMENTS / (loadMs / 1000)).toLocaleString()} movements/s;` +
        ` raw insert ${sec(rawMs)}; ratio ${(rawMs / loadMs).toFixed(3)}`,
    );

    // Days of supply: best of 3, as the peer.
    let figMs = Infinity;
    let figRows = 0;
    const cpu1 = process.cpuUsage();
    for (let k = 0; k < 3; k++) {
      const t1 = performance.now();
      figRows = (await computeReserves(s, s.db, '220400/', NOW)).rows.length;
      figMs = Math.min(figMs, performance.now() - t1);
    }
    const figCpu = cpuSince(cpu1) / 3;
    const peer = await plainGroupBy(s);
    console.log(
      `figures  ${sec(figMs)} (CPU ${sec(figCpu)}), ${figRows} rows (items × districts and totals);` +
        ` plain GROUP BY ${sec(peer.ms)} (${peer.groups} groups); ratio ${(peer.ms / figMs).toFixed(3)}`,
    );
  } finally {
    await s.close();
    if (PG_URL) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop schema if exists ${PG_SCHEMA} cascade`);
      await admin.end();
    }
    fs.rmSync(DIR, { recursive: true, force: true });
  }
}

await main();
