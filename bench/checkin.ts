// npm run bench -- checkin [--people N] [--seconds S] [--connections C] [--slices K] [--floors] [--pg]
//
// Verified check-ins over loopback HTTP against the Cordon server on SQLite, and in the same run a bare
// Node HTTP server answering 204 doing nothing, driven by the same client (keep-alive agents, C
// concurrent guards); the two take turns in K slices. The mix: 95 % green admissions by assisted check-in (person reference, one in ten
// by signed personal code) at residential gates, 3 % refusals (a supermarket needs a recent test;
// nobody in the demo city has one on record), 2 % scan-outs of earlier admissions. Every check-in
// carries a client id, as a guard device's queued scans do. A personal code drawn again at a gate
// where it was already scanned answers with the first scan (200, a repeat) and is counted apart.
// Prints check-ins per second, p50/p99, the ratio to the bare server and the CPU time per request of
// each server and of the load generator, then checks that every acknowledged check-in is in the database.
// --floors: four more servers take their turns, each doing only part of a check-in behind the same
// route and schemas (bench/floors/server.ts: the route alone; + the cheapest durable append; + the
// appended rows indexed behind in large batches; + Cordon's own durable write), each on a copy of the
// city, so the run shows what each part costs.
// --pg: the same on PostgreSQL (a database of its own on CORDON_BENCH_PG_URL's server, default
// postgres://postgres@127.0.0.1:5432/postgres, dropped at the end), with 1, 2 and 4 Cordon processes
// over that one database taking their turns with the bare server (the guards spread over the processes
// of a turn), and the CPU time per request of the Cordon processes and of PostgreSQL (the database's
// backends, the WAL writer, the checkpointer and the background writer, from /proc).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createServices } from '../src/services.ts';
import { createSession } from '../src/access/session.ts';
import { hashPassword, newId } from '../src/platform/crypto.ts';
import { generateDemoCity } from '../src/sim/city.ts';
import { issuePersonalCode, posterUrl } from '../src/venues/venue.codes.ts';
import { FLOORS } from './floors/names.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const PEOPLE = flag('people', 20_000);
const SECONDS = flag('seconds', 10);
const CONNECTIONS = flag('connections', 32);
const SLICES = flag('slices', 5);
/** --floors: servers doing only part of a check-in take turns too (bench/floors/server.ts). */
const WITH_FLOORS = process.argv.includes('--floors');
const WARMUP_SECONDS = 2;
/** --pg: PostgreSQL instead of SQLite, with 1, 2 and 4 Cordon processes. */
const PG = process.argv.includes('--pg');
const PG_ADMIN_URL = process.env.CORDON_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = `cordon_bench_${process.pid}`;
const PG_URL = (() => {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${PG_DB}`;
  return u.toString();
})();
const PROCESS_COUNTS = [1, 2, 4];

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** PostgreSQL's processes working for the bench database: its backends and the shared writers. */
async function postgresPids(): Promise<number[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity where (datname = $1 and pid <> pg_backend_pid())
        or backend_type in ('walwriter', 'checkpointer', 'background writer')`,
      [PG_DB],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete e.DATABASE_URL;
  delete e.REDIS_URL;
  if (PG) e.DATABASE_URL = PG_URL;
  return e;
}

async function spawnUntil(args: string[], ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      if (out.includes(ready)) resolve();
    });
    child.stderr!.on('data', (c: Buffer) => {
      out += c;
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}:\n${out}`)));
  });
  child.removeAllListeners('exit');
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Shot {
  method: 'POST';
  path: string;
  body: string;
  kind: 'admit' | 'refuse' | 'exit';
  clientId?: string;
}

interface RunResult {
  requests: number;
  seconds: number;
  latencies: number[];
  byStatus: Map<number, number>;
  byKind: Map<string, number>;
}

/** C concurrent loops over keep-alive connections for `seconds`; `next` gives each request. */
async function drive(
  ports: number[],
  seconds: number,
  next: () => Shot,
  onAnswer: (shot: Shot, status: number, body: string) => void,
): Promise<RunResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  const byStatus = new Map<number, number>();
  const byKind = new Map<string, number>();
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const one = (port: number, shot: Shot) =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port, method: shot.method, path: shot.path, agent, headers: headersFor(shot) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            byStatus.set(res.statusCode!, (byStatus.get(res.statusCode!) ?? 0) + 1);
            byKind.set(shot.kind, (byKind.get(shot.kind) ?? 0) + 1);
            onAnswer(shot, res.statusCode!, Buffer.concat(chunks).toString());
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(shot.body);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      const port = ports[i % ports.length]!;
      while (performance.now() < until) await one(port, next());
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: latencies.length, seconds: elapsed, latencies, byStatus, byKind };
}

let authHeaders: Record<string, string> = {};
function headersFor(shot: Shot): Record<string, string> {
  return shot.body ? { ...authHeaders, 'content-type': 'application/json' } : authHeaders;
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux). */
function cpuMsOfPid(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) of a child process so far, in ms, from /proc (Linux): its main thread and the others. */
function cpuMsOf(child: ChildProcess): { main: number; others: number } {
  const ticks = (file: string) => {
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  };
  try {
    const all = ticks(`/proc/${child.pid}/stat`);
    const main = ticks(`/proc/${child.pid}/task/${child.pid}/stat`);
    return { main, others: all - main };
  } catch {
    return { main: NaN, others: NaN };
  }
}
const CLOCK_TICKS = 100;

/** A run with the server's CPU (main thread, other threads) and the load generator's (this process). */
async function measured(
  servers: ChildProcess[],
  run: () => Promise<RunResult>,
  dbPids: () => Promise<number[]> = async () => [],
): Promise<{ run: RunResult; main: number; others: number; client: number; database: number }> {
  const sum = () =>
    servers
      .map(cpuMsOf)
      .reduce((a, b) => ({ main: a.main + b.main, others: a.others + b.others }), { main: 0, others: 0 });
  // PostgreSQL's backends come and go with the pools' connections: those alive at the end count from
  // their CPU at the start, or from 0 when they started during the slice.
  const dbCpu = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuMsOfPid(pid)]));
  const server0 = sum();
  const db0 = dbCpu(await dbPids());
  const client0 = process.cpuUsage();
  const result = await run();
  const client = process.cpuUsage(client0);
  const server1 = sum();
  return {
    run: result,
    main: server1.main - server0.main,
    others: server1.others - server0.others,
    client: (client.user + client.system) / 1000,
    database: [...dbCpu(await dbPids())].reduce((n, [pid, ms]) => n + ms - (db0.get(pid) ?? 0), 0),
  };
}

interface Cpu {
  main: number;
  others: number;
  client: number;
  /** PostgreSQL's processes (--pg). */
  database: number;
}

/** A server of the run, with what it answered and the CPU it took. */
interface Contender {
  name: string;
  children: ChildProcess[];
  ports: number[];
  next: () => Shot;
  onAnswer: (shot: Shot, status: number, body: string) => void;
  run: RunResult;
  cpu: Cpu;
}

function contender(
  name: string,
  children: ChildProcess[],
  ports: number[],
  next: Contender['next'],
  onAnswer: Contender['onAnswer'],
): Contender {
  return {
    name,
    children,
    ports,
    next,
    onAnswer,
    run: emptyRun(),
    cpu: { main: 0, others: 0, client: 0, database: 0 },
  };
}

function emptyRun(): RunResult {
  return { requests: 0, seconds: 0, latencies: [], byStatus: new Map(), byKind: new Map() };
}

function add(total: RunResult, cpu: Cpu, slice: Awaited<ReturnType<typeof measured>>): void {
  total.requests += slice.run.requests;
  total.seconds += slice.run.seconds;
  for (const l of slice.run.latencies) total.latencies.push(l);
  for (const [k, n] of slice.run.byStatus) total.byStatus.set(k, (total.byStatus.get(k) ?? 0) + n);
  for (const [k, n] of slice.run.byKind) total.byKind.set(k, (total.byKind.get(k) ?? 0) + n);
  cpu.main += slice.main;
  cpu.others += slice.others;
  cpu.client += slice.client;
  cpu.database += slice.database;
}

/** "201:n 200:m …" */
function statusesOf(r: RunResult): string {
  return [...r.byStatus.entries()].map(([k, n]) => `${k}:${n}`).join(' ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(r: RunResult) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return { rate: r.requests / r.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-bench-'));
  const children: ChildProcess[] = [];
  if (PG) await adminQuery(`create database ${PG_DB}`);
  try {
    // ---- the city: persons, approved demo venues, a guard with a session ----------------------------
    const s = await createServices(loadConfig(env(), { dataDir }));
    let gates: string[];
    let shops: string[];
    let personIds: string[];
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    try {
      const built = await generateDemoCity(s, { people: PEOPLE, days: 1, seed: 1 });
      console.log(
        `demo city: ${built.persons.toLocaleString()} persons, ${built.venues} venues, ${built.checkins.toLocaleString()} check-ins of the last day (built in ${(built.elapsedMs / 1000).toFixed(1)} s)`,
      );
      const venues = await s.db
        .selectFrom('venue')
        .select(['id', 'category', 'code_version'])
        .where('status', '=', 'approved')
        .execute();
      gates = venues
        .filter((v) => v.category === 'residential_gate')
        .map((v) => posterUrl(base, s.signing.venueCodeKey, v.id, v.code_version));
      shops = venues
        .filter((v) => v.category === 'supermarket')
        .map((v) => posterUrl(base, s.signing.venueCodeKey, v.id, v.code_version));
      // Gates hold the compound's comings and goings: room for the benchmark's admissions.
      await s.db.updateTable('venue').set({ capacity: 1_000_000 }).where('category', '=', 'residential_gate').execute();
      personIds = (await s.db.selectFrom('person').select('id').execute()).map((p) => p.id);
      const city = await s.db.selectFrom('area').select('id').where('level', '=', 'city').executeTakeFirstOrThrow();
      const userId = newId(s.clock.now());
      await s.db
        .insertInto('app_user')
        .values({
          id: userId,
          username: 'bench-guard',
          display_name: '门岗',
          password_hash: await hashPassword('bench guard password'),
          role: 'community_worker',
          area_id: city.id,
          failed_logins: 0,
          locked_until: null,
          disabled: 0,
          created_at: s.clock.now(),
          updated_at: s.clock.now(),
        })
        .execute();
      const session = await createSession(s, userId);
      authHeaders = { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken };
    } finally {
      await s.close();
    }
    // Personal codes come from the residents' pages (signed there by the server), not from the measured
    // requests: 2,000 residents' codes, each signed again once it is half a minute old (a code lives
    // 60 s; the page shows a fresh one in time).
    const keys = await createServices(loadConfig(env(), { dataDir }));
    const privateKey = keys.signing.personalPrivateKey;
    await keys.close();
    const personalCodes = personIds.slice(0, 2_000).map((id) => ({ id, token: '', issuedAt: 0 }));
    const personalCode = (): string => {
      const code = pick(personalCodes);
      const now = Date.now();
      if (now - code.issuedAt > 30_000)
        Object.assign(code, { token: issuePersonalCode(privateKey, code.id, now).token, issuedAt: now });
      return code.token;
    };

    // ---- the load ----------------------------------------------------------------------------------
    let seq = 0;
    const admitted: string[] = [];
    const acknowledged = new Set<string>();
    const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
    const nextCheckin = (): Shot => {
      const roll = Math.random();
      const clientId = `bench-${(seq++).toString(36).padStart(8, '0')}`;
      if (roll < 0.02 && admitted.length > 0) {
        const id = admitted.splice(Math.floor(Math.random() * admitted.length), 1)[0]!;
        return { method: 'POST', path: `/api/v1/checkins/${id}/exit`, body: '', kind: 'exit' };
      }
      if (roll < 0.05)
        return {
          method: 'POST',
          path: '/api/v1/checkins',
          body: JSON.stringify({ code: pick(shops), personId: pick(personIds), clientId }),
          kind: 'refuse',
          clientId,
        };
      const person = Math.random() < 0.1 ? { personalCode: personalCode() } : { personId: pick(personIds) };
      return {
        method: 'POST',
        path: '/api/v1/checkins',
        body: JSON.stringify({ code: pick(gates), ...person, clientId }),
        kind: 'admit',
        clientId,
      };
    };
    const decisions = new Map<string, number>();
    const failures: string[] = [];
    let counting = false;
    const onCheckin = (shot: Shot, status: number, body: string) => {
      if (shot.kind === 'exit') {
        if (status !== 200 && failures.length < 5) failures.push(`exit ${status} ${body}`);
        return;
      }
      const v =
        status === 200 || status === 201
          ? (JSON.parse(body) as { checkinId: string; decision: string; duplicate: boolean })
          : null;
      if (status === 200 && v!.duplicate) {
        // The same personal code scanned again at the same gate within its minute: the first scan answers.
        if (counting) decisions.set('repeat', (decisions.get('repeat') ?? 0) + 1);
        return;
      }
      if (status !== 201 || !v) {
        if (failures.length < 5) failures.push(`${status} ${body}`);
        return;
      }
      acknowledged.add(shot.clientId!);
      if (v.decision === 'admitted' && admitted.length < 50_000) admitted.push(v.checkinId);
      if (counting) decisions.set(`${shot.kind}:${v.decision}`, (decisions.get(`${shot.kind}:${v.decision}`) ?? 0) + 1);
    };

    // CORDON_BENCH_CPU_PROF=DIR: the server writes a CPU profile there (node --cpu-prof) when it stops.
    // CORDON_BENCH_NODE_ARGS: more options of the server's node (--perf-basic-prof for `perf record`).
    const profile = [
      ...(process.env.CORDON_BENCH_CPU_PROF
        ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(process.env.CORDON_BENCH_CPU_PROF)]
        : []),
      ...(process.env.CORDON_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ];
    // Each floor works on its own copy of the city (made while no server has it open).
    for (const floor of WITH_FLOORS ? FLOORS : []) fs.cpSync(dataDir, `${dataDir}-${floor}`, { recursive: true });
    const cordons: Array<{ child: ChildProcess; port: number }> = [];
    for (let i = 0; i < (PG ? Math.max(...PROCESS_COUNTS) : 1); i++) {
      const p = i === 0 ? port : await freePort();
      const child = await spawnUntil(
        [...profile, 'bin/cordon.js', '--data-dir', dataDir, 'serve', '--port', String(p), '--host', '127.0.0.1'],
        'Cordon listening',
      );
      children.push(child);
      cordons.push({ child, port: p });
    }
    const cordon = cordons[0]!.child;
    const barePort = await freePort();
    const bare = await spawnUntil(
      [
        '-e',
        `require('http').createServer((q, r) => { q.resume(); q.on('end', () => { r.statusCode = 204; r.end(); }); }).listen(${barePort}, '127.0.0.1', () => console.log('bare listening'))`,
      ],
      'bare listening',
    );
    children.push(bare);
    const bareShot = (): Shot => ({ ...nextCheckin(), kind: 'admit' });
    // The floors answer the same requests; what they store is not Cordon's and is not checked.
    const floors: Contender[] = [];
    for (const floor of WITH_FLOORS ? FLOORS : []) {
      const floorPort = await freePort();
      const child = await spawnUntil(
        ['--import', 'tsx', 'bench/floors/server.ts', floor, `${dataDir}-${floor}`, String(floorPort)],
        'floor listening',
      );
      children.push(child);
      floors.push(contender(`floor: ${floor}`, [child], [floorPort], bareShot, () => {}));
    }
    const cordonSide = contender('cordon', [cordon], [port], nextCheckin, onCheckin);
    // --pg: 2 and 4 processes over the one database, the guards spread over them.
    const clusters = PG
      ? PROCESS_COUNTS.filter((n) => n > 1).map((n) =>
          contender(
            `cordon ×${n}`,
            cordons.slice(0, n).map((c) => c.child),
            cordons.slice(0, n).map((c) => c.port),
            nextCheckin,
            onCheckin,
          ),
        )
      : [];
    const bareSide = contender('bare', [bare], [barePort], bareShot, () => {});
    const contenders = [cordonSide, ...clusters, ...floors, bareSide];
    for (const c of contenders) await drive(c.ports, WARMUP_SECONDS, c.next, c.onAnswer);
    const dbPids = PG ? postgresPids : undefined;
    counting = true;
    // The servers take turns in short slices, so that a change in the machine's speed during the run
    // (other tenants of a shared host) weighs on all alike.
    let walBytes = 0;
    const walFile = path.join(dataDir, 'cordon.db-wal');
    for (let slice = 0; slice < SLICES; slice++) {
      for (const c of contenders) {
        add(
          c.run,
          c.cpu,
          await measured(c.children, () => drive(c.ports, SECONDS / SLICES, c.next, c.onAnswer), dbPids),
        );
        if (c === cordonSide && !PG)
          walBytes = Math.max(walBytes, fs.statSync(walFile, { throwIfNoEntry: false })?.size ?? 0);
      }
    }
    for (const child of children) await stop(child);

    // ---- durability: every acknowledged check-in is stored -----------------------------------------
    const stored = new Set<string>();
    if (PG) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      const { rows } = await client.query<{ client_id: string }>(
        "select client_id from checkin where client_id like 'bench-%'",
      );
      for (const r of rows) stored.add(r.client_id);
      await client.end();
    } else {
      const db = new SQLite(path.join(dataDir, 'cordon.db'), { readonly: true });
      for (const c of db
        .prepare("select client_id from checkin where client_id like 'bench-%'")
        .pluck()
        .all() as string[])
        stored.add(c);
      db.close();
    }
    const lost = [...acknowledged].filter((c) => !stored.has(c));

    const cordonRun = cordonSide.run;
    const c = summary(cordonRun);
    const b = summary(bareSide.run);
    const checkinRate = (cordonRun.requests - (cordonRun.byKind.get('exit') ?? 0)) / cordonRun.seconds;
    const f = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });
    const perRequest = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(0)} µs`;
    const cpu = (t: Cpu, r: RunResult) =>
      `${perRequest(t.main + t.others, r.requests)} (main thread ${perRequest(t.main, r.requests)}, other threads ${perRequest(t.others, r.requests)})${PG ? `; PostgreSQL ${perRequest(t.database, r.requests)}` : ''}; the load generator ${perRequest(t.client, r.requests)}`;
    console.log(
      `\ncheck-in benchmark: ${SECONDS} s per server in ${SLICES} alternating slices, ${CONNECTIONS} connections, ${os.cpus().length} CPUs, Node ${process.version}, ${PG ? `PostgreSQL on ${new URL(PG_ADMIN_URL).host}` : 'SQLite (WAL, synchronous=FULL)'}`,
    );
    console.log(
      `  cordon  ${f(c.rate)} req/s (${f(checkinRate)} check-ins/s)  p50 ${c.p50.toFixed(2)} ms  p99 ${c.p99.toFixed(2)} ms`,
    );
    for (const cl of clusters) {
      const r = summary(cl.run);
      const rate = (cl.run.requests - (cl.run.byKind.get('exit') ?? 0)) / cl.run.seconds;
      console.log(
        `  ${cl.name.padEnd(8)}${f(r.rate)} req/s (${f(rate)} check-ins/s) = ${((100 * r.rate) / b.rate).toFixed(1)} % of bare  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`,
      );
      console.log(`          CPU per request ${cpu(cl.cpu, cl.run)}`);
    }
    console.log(`  bare    ${f(b.rate)} req/s  p50 ${b.p50.toFixed(2)} ms  p99 ${b.p99.toFixed(2)} ms`);
    console.log(`  CPU per request: cordon ${cpu(cordonSide.cpu, cordonRun)}`);
    console.log(`                   bare   ${cpu(bareSide.cpu, bareSide.run)}`);
    console.log(
      `  ratio   ${((100 * c.rate) / b.rate).toFixed(1)} % of the bare server (target ≥ 50 %), p99 ${c.p99 < 50 ? 'under' : 'OVER'} 50 ms`,
    );
    for (const fl of floors) {
      const r = summary(fl.run);
      console.log(
        `  ${fl.name.padEnd(14)} ${f(r.rate)} req/s = ${((100 * r.rate) / b.rate).toFixed(1)} % of bare  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  statuses ${statusesOf(fl.run)}`,
      );
      console.log(`  ${''.padEnd(14)} CPU per request ${cpu(fl.cpu, fl.run)}`);
    }
    console.log(
      `  mix     ${[...decisions.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}, exits ${cordonRun.byKind.get('exit') ?? 0}; statuses ${statusesOf(cordonRun)}`,
    );
    if (failures.length) console.log(`  unexpected answers (first ${failures.length}): ${failures.join(' | ')}`);
    if (!PG)
      console.log(
        `  WAL     ${(walBytes / 1024 / 1024).toFixed(1)} MB at most after a slice (it restarts from its beginning once checkpointed)`,
      );
    console.log(
      `  durable ${acknowledged.size - lost.length} of ${acknowledged.size} acknowledged check-ins found in the database${lost.length ? ` — ${lost.length} LOST` : ''}`,
    );
    if (lost.length) process.exitCode = 1;
  } finally {
    for (const child of children) await stop(child);
    for (const dir of [dataDir, ...FLOORS.map((floor) => `${dataDir}-${floor}`)])
      fs.rmSync(dir, { recursive: true, force: true });
    if (PG) await adminQuery(`drop database if exists ${PG_DB} with (force)`);
  }
}

await main();
