// Durability of check-ins (issue 3, "Bad input and failure"): a check-in is acknowledged only once it is
// committed. The real server runs as a child process on a SQLite data directory; guards stream assisted
// check-ins with distinct client ids; the server is killed with SIGKILL in the middle of the stream and
// started again; every acknowledged check-in must be there, each once. SQLite only: on PostgreSQL
// durability is the database server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { AREAS, seedTestAreas, signIn } from '../support/services.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GUARDS = 12;
const MAX_SCANS = 4_000;
const KILL_AFTER_ACKS = 300;
const STREAM_LIMIT_MS = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment of the child: SQLite in the data dir whatever the caller's shell says. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}

/** Starts `cordon serve` on the data dir and resolves once it listens. */
async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['bin/cordon.js', '--data-dir', dataDir, 'serve', '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Cordon listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

test('every acknowledged check-in survives SIGKILL of the server [sqlite only]', { timeout: 120_000 }, async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-durability-'));
  let child: ChildProcess | null = null;
  try {
    // The city, a person, an approved residential gate and a guard with a session, written before the server starts.
    const s = await createServices(loadConfig(childEnv(), { dataDir }));
    let fixture: { poster: string; personId: string; headers: Record<string, string> };
    try {
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false });
      const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
      // A venue is approved by someone other than the one who registered it.
      const approver = await signIn(s, 'command', AREAS.city);
      const call = async (method: 'GET' | 'POST', url: string, payload?: object, who = worker) => {
        const res = await app.inject({
          method,
          url: `/api/v1${url}`,
          headers: who.headers,
          ...(payload ? { payload } : {}),
        });
        assert.ok(res.statusCode < 300, res.body);
        return res.json();
      };
      const person = await call('POST', '/persons', { areaId: areas[AREAS.wenyuanGrid], name: '王秀兰' });
      const venue = await call('POST', '/venues', {
        areaId: areas[AREAS.wenyuanGrid],
        capacity: 1_000_000,
        name: '文苑小区南门',
        category: 'residential_gate',
      });
      await call('POST', `/venues/${venue.id}/approve`, undefined, approver);
      const poster = (await call('GET', `/venues/${venue.id}/code`)).url as string;
      const guard = await signIn(s, 'community_worker', AREAS.wenyuan);
      fixture = { poster, personId: person.id, headers: guard.headers };
      await app.close();
    } finally {
      await s.close();
    }

    const port = await freePort();
    child = await startServer(dataDir, port);
    const url = `http://127.0.0.1:${port}/api/v1/checkins`;
    const send = (clientId: string) =>
      fetch(url, {
        method: 'POST',
        headers: { ...fixture.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ code: fixture.poster, personId: fixture.personId, clientId }),
      });

    // Guards stream scans; the server is killed once enough have been acknowledged.
    const acknowledged: string[] = [];
    let sent = 0;
    let killed = false;
    const started = Date.now();
    const server = child;
    const guardLoop = async (g: number) => {
      for (let i = 0; sent < MAX_SCANS && Date.now() - started < STREAM_LIMIT_MS; i++) {
        const clientId = `scan-g${g}-${String(i).padStart(5, '0')}`;
        sent += 1;
        let res: Response;
        try {
          res = await send(clientId);
        } catch {
          return; // the server is gone
        }
        if (res.status === 201) acknowledged.push(clientId);
        else assert.ok(killed, `unexpected ${res.status}: ${await res.text()}`);
        await res.arrayBuffer().catch(() => {});
        if (!killed && acknowledged.length >= KILL_AFTER_ACKS) {
          killed = true;
          server.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: GUARDS }, (_, g) => guardLoop(g)));
    assert.ok(killed, `the server was killed mid-stream (acknowledged ${acknowledged.length} of ${sent} sent)`);
    await exited(server);
    assert.equal(server.signalCode, 'SIGKILL');
    assert.ok(acknowledged.length >= KILL_AFTER_ACKS);

    // Restarted, the server knows every acknowledged scan: re-sending one answers 200, a duplicate.
    child = await startServer(dataDir, port);
    for (const clientId of acknowledged.filter((_, i) => i % 25 === 0)) {
      const res = await send(clientId);
      assert.equal(res.status, 200, `re-sent ${clientId}: ${res.status}`);
      assert.equal((await res.json()).duplicate, true);
    }
    child.kill('SIGTERM');
    await exited(child);
    child = null;

    // In the database: every acknowledged check-in, each once.
    const db = new SQLite(path.join(dataDir, 'cordon.db'), { readonly: true });
    try {
      const stored = new Map<string, number>();
      for (const row of db
        .prepare('select client_id as c, count(*) as n from checkin group by client_id')
        .all() as Array<{ c: string; n: number }>) {
        stored.set(row.c, row.n);
      }
      const missing = acknowledged.filter((c) => !stored.has(c));
      assert.deepEqual(missing, [], `${missing.length} acknowledged check-ins lost`);
      assert.ok(
        [...stored.values()].every((n) => n === 1),
        'no check-in stored twice',
      );
      assert.ok(stored.size >= acknowledged.length);
    } finally {
      db.close();
    }
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
