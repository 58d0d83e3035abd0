// PostgreSQL under faults: connections dropped under a serving app (pg_terminate_backend) and it keeps
// serving; the timeouts set on every connection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { dialects, PG_URL } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { createServices } from '../../src/services.ts';
import { loadConfig } from '../../src/config.ts';
import { sql } from 'kysely';
import { connect, migrateToLatest } from '../../src/db/connect.ts';
import { faultOf } from '../../src/db/faults.ts';
import { startVenueJobs } from '../../src/venues/venue.jobs.ts';
import { closeExpiredVisits } from '../../src/venues/venue.service.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys } from '../../src/platform/crypto.ts';
import { issuePersonalCode } from '../../src/venues/venue.codes.ts';

const pgCase = (await dialects()).find((d) => d.dialect === 'postgres')!;

/** Services on a fresh schema whose pool's connections carry their own application_name. */
async function servicesWithNamedPool() {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const appName = `cordon_${schema}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const handle = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 3, applicationName: appName });
  await migrateToLatest(handle);
  const s = (await createServices(loadConfig({}, { dataDir: '/nonexistent-cordon-test-dir' }), {
    handle,
    clock: new FakeClock(),
    keys: generateKeys(),
    skipMigrations: true,
  })) as TestServices;
  const backends = async (where = 'true') =>
    (
      await admin.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = $1 and ${where}`, [
        appName,
      ])
    ).rows.map((r) => r.pid);
  const terminate = async (pids: number[]) => {
    for (const pid of pids) await admin.query('select pg_terminate_backend($1)', [pid]);
  };
  /** The pool's backends waiting on a lock, once there is one. */
  const waitingOnLock = async () => {
    for (let i = 0; i < 500; i += 1) {
      const pids = await backends(`wait_event_type = 'Lock'`);
      if (pids.length) return pids;
      await sleep(10);
    }
    throw new Error('no backend of the pool waited on the lock');
  };
  const close = async () => {
    await s.close();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  };
  return { s, backends, terminate, waitingOnLock, close };
}

describe('PostgreSQL faults while serving', { skip: pgCase.skip }, () => {
  test('terminated backends: the process keeps serving, a read retries once, a write answers 503 DB_UNAVAILABLE with Retry-After', async () => {
    const { s, backends, terminate, waitingOnLock, close } = await servicesWithNamedPool();
    const app = await build(s, { serveWeb: false });
    const locker = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${s.handle.pgSchema}` });
    await locker.connect();
    try {
      const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
      const areas = await seedTestAreas(s);
      const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
      const person = await call('POST', '/persons', worker.headers, {
        areaId: areas[AREAS.wenyuanGrid],
        name: '张建国',
        idNumber: '220402195304120318',
      });
      assert.equal(person.statusCode, 201, person.body);
      const venue = (
        await call('POST', '/venues', worker.headers, {
          areaId: areas[AREAS.wenyuanGrid],
          capacity: 100,
          name: '文苑小区北门',
          category: 'residential_gate',
          address: '文苑路1号',
        })
      ).json();
      assert.equal(
        (await call('POST', `/venues/${venue.id}/approve`, (await signIn(s, 'command', AREAS.city)).headers))
          .statusCode,
        200,
      );
      const poster = (await call('GET', `/venues/${venue.id}/code`, worker.headers)).json().url as string;
      const checkIn = () =>
        call('POST', '/checkins', worker.headers, {
          code: poster,
          personalCode: issuePersonalCode(s.signing.personalPrivateKey, person.json().id, s.clock.now()).token,
        });

      // Idle connections terminated (a database restart): the pool drops them, the process lives on.
      for (let round = 0; round < 3; round += 1) {
        const pids = await backends();
        assert.ok(pids.length > 0, 'the pool holds connections');
        await terminate(pids);
        for (let i = 0; i < 500 && s.handle.pool!.totalCount > 0; i += 1) await sleep(10);
        assert.equal(s.handle.pool!.totalCount, 0, 'the pool dropped its broken connections');
        s.clock.advance(60_000);
        const res = await checkIn();
        assert.equal(res.statusCode, 201, res.body);
        assert.equal((await call('GET', `/venues/${venue.id}/occupancy`)).statusCode, 200);
      }

      // A read whose connection is terminated mid-query runs again on another connection.
      await locker.query('begin');
      await locker.query('lock table venue, checkin in access exclusive mode');
      const read = call('GET', `/venues/${venue.id}/occupancy`);
      await terminate(await waitingOnLock());
      await waitingOnLock(); // the retry waits on the lock in its turn
      await locker.query('commit');
      const answered = await read;
      assert.equal(answered.statusCode, 200, answered.body);

      // A write whose connection is terminated mid-transaction: 503 with its code and a retry hint.
      await locker.query('begin');
      await locker.query('lock table venue, checkin in access exclusive mode');
      s.clock.advance(60_000);
      const write = checkIn();
      await terminate(await waitingOnLock());
      const refused = await write;
      await locker.query('commit');
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.json().code, 'DB_UNAVAILABLE');
      assert.equal(refused.headers['retry-after'], '5');

      // And the next one is served.
      s.clock.advance(60_000);
      assert.equal((await checkIn()).statusCode, 201);
      const health = await call('GET', '/health');
      assert.equal(health.statusCode, 200);
      assert.equal(health.json().checks.database.status, 'up');
    } finally {
      await locker.end();
      await app.close();
      await close();
    }
  });

  test('the statement and idle-in-transaction timeouts are set on every connection; a statement over its time is a timeout fault', async () => {
    const handle = connect({
      databaseUrl: PG_URL,
      poolSize: 1,
      timeouts: { connectMs: 5000, statementMs: 300, idleInTransactionMs: 4000 },
    });
    try {
      const show = async (name: string) =>
        (await sql.raw<Record<string, string>>(`show ${name}`).execute(handle.db)).rows[0]![name];
      assert.equal(await show('statement_timeout'), '300ms');
      assert.equal(await show('idle_in_transaction_session_timeout'), '4s');
      await assert.rejects(sql`select pg_sleep(5)`.execute(handle.db), (err: Error) => {
        assert.equal((err as Error & { code?: string }).code, '57014');
        assert.equal(faultOf(err), 'timeout');
        return true;
      });
      assert.equal(
        (await sql<{ n: number }>`select 1 as n`.execute(handle.db)).rows[0]!.n,
        1,
        'the connection serves on',
      );
    } finally {
      await handle.close();
    }
  });

  test('a scheduled job whose connection is terminated logs the fault once and the next run works', async () => {
    const { s, terminate, waitingOnLock, close } = await servicesWithNamedPool();
    const locker = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${s.handle.pgSchema}` });
    await locker.connect();
    const jobLines: string[] = [];
    const faultLines: string[] = [];
    s.handle.faults.setLogger((m) => faultLines.push(m));
    let stop = () => {};
    try {
      await locker.query('begin');
      await locker.query('lock table checkin in access exclusive mode');
      stop = startVenueJobs(s, { log: (m) => jobLines.push(m), autoCloseEveryMs: 3600_000, purgeEveryMs: 3600_000 });
      await terminate(await waitingOnLock());
      for (let i = 0; i < 500 && faultLines.length === 0; i += 1) await sleep(10);
      await locker.query('commit');
      assert.ok(
        faultLines.some((l) => /connection-lost/.test(l)),
        faultLines.join('\n'),
      );
      assert.deepEqual(
        jobLines.filter((l) => /failed/.test(l)),
        [],
        "a database fault is not the job's own failure",
      );
      assert.equal(await closeExpiredVisits(s), 0, 'the next run works');
    } finally {
      stop();
      await locker.end();
      await close();
    }
  });
});
