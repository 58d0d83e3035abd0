import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { fileURLToPath } from 'node:url';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { TEST_PASSWORD } from '../support/password.ts';
import { build } from '../../src/app.ts';
import { createServices } from '../../src/services.ts';
import { loadConfig } from '../../src/config.ts';
import { connect, migrateToLatest } from '../../src/db/connect.ts';
import { RedisEventBus } from '../../src/platform/events.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys } from '../../src/platform/crypto.ts';
import { issuePersonalCode } from '../../src/venues/venue.codes.ts';
import { startVisitIndex } from '../../src/tracing/trace.index.start.ts';

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A person in 文苑 and an approved gate, through the API, for check-ins. */
async function checkinSetup(
  s: TestServices,
  call: (
    method: 'GET' | 'POST',
    url: string,
    headers?: Record<string, string>,
    payload?: object,
  ) => Promise<LightMyRequestResponse>,
) {
  const areas = await seedTestAreas(s);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan, 'li.ming');
  const person = await call('POST', '/persons', worker.headers, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '张建国',
    idNumber: '220402195304120318',
  });
  assert.equal(person.statusCode, 201, person.body);
  const venue = await call('POST', '/venues', worker.headers, {
    areaId: areas[AREAS.wenyuanGrid],
    capacity: 100000,
    name: '文苑小区北门',
    category: 'residential_gate',
    address: '文苑路1号',
  });
  assert.equal(venue.statusCode, 201, venue.body);
  assert.equal(
    (await call('POST', `/venues/${venue.json().id}/approve`, (await signIn(s, 'command', AREAS.city)).headers))
      .statusCode,
    200,
  );
  const poster = (await call('GET', `/venues/${venue.json().id}/code`, worker.headers)).json().url as string;
  const personalCode = () => issuePersonalCode(s.signing.personalPrivateKey, person.json().id, s.clock.now()).token;
  return { worker, poster, personalCode };
}

for (const { dialect, skip } of await dialects()) {
  describe(`health and database faults [${dialect}]`, { skip }, () => {
    test('health reports every dependency; ready answers 200; a low disk is degraded, still ready', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.equal(res.statusCode, 200, res.body);
        const h = res.json();
        assert.equal(h.status, 'ok');
        assert.equal(h.db, dialect);
        assert.deepEqual(h.checks.database, { status: 'up', writable: true });
        assert.deepEqual(h.checks.redis, { status: 'off' });
        // Both dialects batch check-ins in a writer started by the first check-in.
        assert.deepEqual(h.checks.checkinWriter, { status: 'idle', queued: 0 });
        assert.equal(h.checks.disk.status, 'unknown', 'the test data directory does not exist');
        assert.deepEqual(h.checks.tracingIndex, { status: 'off' });
        const ready = await app.inject({ method: 'GET', url: '/api/v1/health/ready' });
        assert.equal(ready.statusCode, 200);
        assert.deepEqual(ready.json(), { ready: true, status: 'ok', reasons: [] });

        // Free space under the threshold: degraded, and still ready for traffic.
        s.config.dataDir = os.tmpdir();
        s.config.diskMinFreeBytes = Number.MAX_SAFE_INTEGER;
        const low = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.equal(low.statusCode, 200);
        assert.equal(low.json().status, 'degraded');
        assert.equal(low.json().checks.disk.status, 'low');
        assert.ok(low.json().checks.disk.freeBytes > 0);
        assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health/ready' })).statusCode, 200);

        // The tracing index: loading, then loaded (the server's start does this).
        const stop = startVisitIndex(s, { log: () => {} });
        try {
          const status = async () =>
            (await app.inject({ method: 'GET', url: '/api/v1/health' })).json().checks.tracingIndex.status;
          assert.ok(['loading', 'loaded'].includes(await status()));
          for (let i = 0; i < 500 && (await status()) === 'loading'; i += 1)
            await new Promise((r) => setTimeout(r, 10));
          assert.equal(await status(), 'loaded');
        } finally {
          stop();
        }
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('health reports a Redis that does not answer as down: degraded, still ready', async () => {
      const base = await testServices(dialect);
      const bus = new RedisEventBus(`redis://127.0.0.1:${await closedPort()}`);
      const s = { ...base, events: bus } as TestServices;
      const app = await build(s, { serveWeb: false });
      try {
        const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
        assert.equal(res.statusCode, 200);
        assert.equal(res.json().status, 'degraded');
        assert.deepEqual(
          res.json().checks.redis,
          { status: 'down' },
          'no error message (it names hosts) without sign-in',
        );
        assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health/ready' })).statusCode, 200);

        // The error message only for an administrator of the whole deployment: not for another role,
        // nor for an administrator of one community.
        await seedTestAreas(s);
        const detailFor = async (role: 'admin' | 'auditor', area: string) => {
          const who = await signIn(s, role, area);
          return (await app.inject({ method: 'GET', url: '/api/v1/health', headers: who.headers })).json().checks.redis
            .detail;
        };
        assert.ok(typeof (await detailFor('admin', AREAS.city)) === 'string', 'the last Redis error');
        assert.equal(await detailFor('admin', AREAS.wenyuan), undefined);
        assert.equal(await detailFor('auditor', AREAS.city), undefined);
        const admin = await signIn(s, 'admin', AREAS.city);
        assert.ok(
          !(await app.inject({ method: 'GET', url: '/api/v1/health', headers: admin.headers })).body.includes(
            'redis://',
          ),
          'never the connection string',
        );
      } finally {
        await app.close();
        await base.close();
        await Promise.race([bus.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
      }
    });

    test('the migration error names the migration that failed', async () => {
      const s = await testServices(dialect);
      try {
        const { migrations } = await import('../../src/db/migrations/index.ts');
        await assert.rejects(
          migrateToLatest(s.handle, {
            ...migrations,
            '9999_broken': {
              up: async () => {
                throw new Error('no such column: nothing');
              },
            },
          } as typeof migrations),
          /migration 9999_broken failed: no such column: nothing/,
        );
      } finally {
        await s.close();
      }
    });
  });
}

describe('a full disk (SQLite, max_page_count)', () => {
  /** Services on an in-memory SQLite whose pages are then limited to those in use, and every free byte filled. */
  async function fullDisk() {
    const s = await testServices('sqlite');
    const app = await build(s, { serveWeb: false, logger: { level: 'error' } });
    const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: object) =>
      app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
    const setup = await checkinSetup(s, call);
    const sqlite = s.handle.sqlite!;
    const fill = () => {
      sqlite.exec('create table if not exists filler (x blob)');
      sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
      for (const size of [4000, 1000, 100, 10, 1]) {
        for (;;) {
          try {
            sqlite.prepare('insert into filler values (randomblob(?))').run(size);
          } catch {
            break;
          }
        }
      }
    };
    return { s, app, call, fill, ...setup };
  }

  test('a check-in on a full disk answers 503 STORAGE_FULL; health says the disk is full and the server not ready', async () => {
    const { s, app, call, fill, worker, poster, personalCode } = await fullDisk();
    try {
      fill();
      let res;
      for (let i = 0; i < 100; i += 1) {
        s.clock.advance(60_000);
        res = await call('POST', '/checkins', worker.headers, { code: poster, personalCode: personalCode() });
        if (res.statusCode !== 201) break;
      }
      assert.equal(res!.statusCode, 503, res!.body);
      assert.equal(res!.json().code, 'STORAGE_FULL');
      assert.equal(res!.headers['retry-after'], '60');
      const health = await call('GET', '/health');
      assert.equal(health.statusCode, 503);
      assert.equal(health.json().status, 'down');
      assert.equal(health.json().checks.disk.status, 'full');
      assert.deepEqual(health.json().checks.database, { status: 'up', writable: false });
      assert.equal(health.json().checks.checkinWriter.status, 'up');
      const ready = await call('GET', '/health/ready');
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().ready, false);
      assert.ok(ready.json().reasons.includes('disk full'));
      // Reads still answer.
      assert.equal((await call('GET', '/auth/me', worker.headers)).statusCode, 200);
    } finally {
      await app.close();
      await s.close();
    }
  });

  test('a sign-in on a full disk answers 503 STORAGE_FULL, not "cannot rollback"', async () => {
    const { s, app, call, fill } = await fullDisk();
    try {
      fill();
      let res;
      for (let i = 0; i < 100; i += 1) {
        res = await call('POST', '/auth/login', {}, { username: 'li.ming', password: TEST_PASSWORD });
        if (res.statusCode !== 200) break;
      }
      assert.equal(res!.statusCode, 503, res!.body);
      assert.equal(res!.json().code, 'STORAGE_FULL');
    } finally {
      await app.close();
      await s.close();
    }
  });
});

const pgSkip = (await dialects()).find((d) => d.dialect === 'postgres')?.skip ?? 'PostgreSQL not asked for';

describe('a full disk (PostgreSQL 53100 disk_full, raised by a trigger)', { skip: pgSkip }, () => {
  test('a check-in and a sign-in answer 503 STORAGE_FULL; health says the disk is full', async () => {
    const s = await testServices('postgres');
    const app = await build(s, { serveWeb: false });
    try {
      const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
      const { worker, poster, personalCode } = await checkinSetup(s, call);
      await sql
        .raw(
          `create function disk_full() returns trigger language plpgsql as $$
        begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`,
        )
        .execute(s.db);
      for (const table of ['checkin', 'session']) {
        await sql
          .raw(`create trigger ${table}_disk_full before insert on ${table} for each row execute function disk_full()`)
          .execute(s.db);
      }
      const res = await call('POST', '/checkins', worker.headers, { code: poster, personalCode: personalCode() });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().code, 'STORAGE_FULL');
      assert.equal(res.headers['retry-after'], '60');
      const login = await call('POST', '/auth/login', {}, { username: 'li.ming', password: TEST_PASSWORD });
      assert.equal(login.statusCode, 503, login.body);
      assert.equal(login.json().code, 'STORAGE_FULL');
      const health = await call('GET', '/health');
      assert.equal(health.statusCode, 503);
      assert.equal(health.json().checks.disk.status, 'full');
      assert.equal((await call('GET', '/health/ready')).statusCode, 503);
    } finally {
      await app.close();
      await s.close();
    }
  });
});

describe('PostgreSQL that does not answer', () => {
  test('start fails within the connect timeout, naming the host and port and what timed out, never the password', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
    }); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const config = loadConfig(
        {
          DATABASE_URL: `postgres://cordon:s3cret-pw@127.0.0.1:${port}/cordon`,
          CORDON_PG_CONNECT_TIMEOUT_MS: '300',
        },
        { dataDir: '/nonexistent-cordon-test-dir' },
      );
      await assert.rejects(createServices(config, { clock: new FakeClock(), keys: generateKeys() }), (err: Error) => {
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match(err.message, /connect timeout/);
        assert.match(err.message, /300 ms/);
        assert.doesNotMatch(err.message, /s3cret/);
        return true;
      });
      // Without the start-up check, the migrations say the same.
      const handle = connect({
        databaseUrl: `postgres://cordon:s3cret-pw@127.0.0.1:${port}/cordon`,
        timeouts: { connectMs: 300, statementMs: 0, idleInTransactionMs: 0 },
      });
      try {
        await assert.rejects(migrateToLatest(handle), (err: Error) => {
          assert.match(
            err.message,
            /^migrations could not start: PostgreSQL at cordon@127\.0\.0\.1:\d+\/cordon did not complete the connection within 300 ms/,
          );
          assert.doesNotMatch(err.message, /s3cret/);
          return true;
        });
      } finally {
        await handle.close();
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  test('cordon serve against it exits at start with the error, not a hang', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const root = fileURLToPath(new URL('../..', import.meta.url));
      const child = spawn(process.execPath, ['bin/cordon.js', 'serve', '--port', '0'], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: `postgres://cordon:s3cret-pw@127.0.0.1:${port}/cordon`,
          CORDON_PG_CONNECT_TIMEOUT_MS: '500',
          CORDON_DATA_DIR: os.tmpdir(),
        },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const [code] = await new Promise<[number | null]>((resolve) => child.on('exit', (c) => resolve([c])));
      assert.equal(code, 1, stderr);
      assert.match(
        stderr,
        new RegExp(
          `error: PostgreSQL at cordon@127\\.0\\.0\\.1:${port}/cordon did not complete the connection within 500 ms \\(connect timeout, CORDON_PG_CONNECT_TIMEOUT_MS\\)`,
        ),
      );
      assert.doesNotMatch(stderr, /s3cret/);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
