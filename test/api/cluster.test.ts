// Several Cordon processes over one database and one Redis: two app instances in one test — two
// createServices and build, each with its own connection pool to one PostgreSQL schema and its own
// Redis connections — and whatever a request does on one holds on the other: a scheduled job runs
// once across them, a dead holder's job is taken over, a session made on one is accepted by the other,
// a login lockout and a rate limit count attempts on both, a guard's offline queue is applied once
// whichever process each send lands on, a check-in through one reaches the other's
// live stream and its tracing index. [PostgreSQL and Redis; on SQLite one process owns the file]
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { dialects, freshDatabase, PG_URL } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn } from '../support/services.ts';
import { TEST_PASSWORD } from '../support/password.ts';
import { build, type BuildOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { connect } from '../../src/db/connect.ts';
import { createServices, type Services } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys } from '../../src/platform/crypto.ts';
import { RedisEventBus } from '../../src/platform/events.ts';
import type { App } from '../../src/platform/http.ts';
import { JobRunner, LEASE_MS, type Job } from '../../src/platform/jobs.ts';
import { rateLimitRedis } from '../../src/platform/ratelimit.ts';
import { LogSmsSender } from '../../src/platform/sms.ts';
import { venueJobs } from '../../src/venues/venue.jobs.ts';
import { healthJobs } from '../../src/health/health.jobs.ts';
import { riskAreaJobs } from '../../src/riskareas/riskareas.jobs.ts';
import { ruleSetById } from '../../src/rules/ruleset.load.ts';
import { issuePersonalCode } from '../../src/venues/venue.codes.ts';
import { guardDevice } from '../support/queued.scan.ts';
import { traceContacts } from '../../src/tracing/tracing.discovery.ts';
import { attachVisitIndex, loadVisitIndex, visitIndexOf } from '../../src/tracing/trace.index.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY = 86_400_000;

/** null when Redis answers, else why not (CORDON_REQUIRE_PG=1, the CI setting, makes that a failure). */
async function probeRedis(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    const reason = `Redis not reachable at ${REDIS_URL}: ${(err as Error).message}`;
    if (process.env.CORDON_REQUIRE_PG === '1') throw new Error(`CORDON_REQUIRE_PG=1 but ${reason}`);
    return reason;
  } finally {
    client.disconnect();
  }
}

function ready(client: Redis): Promise<void> {
  return client.status === 'ready'
    ? Promise.resolve()
    : new Promise((resolve) => client.once('ready', () => resolve()));
}

interface Node {
  s: Services;
  app: App;
  /** The rate limits' Redis of this node (closed with it). */
  limits: Redis;
}

/**
 * Two nodes of one deployment: one PostgreSQL schema (two pools), one Redis, the same keys and
 * configuration, and one clock (the processes' wall clock). `access`: the routes' options (lower limits).
 */
async function cluster(access: BuildOptions['access'] = {}) {
  const clock = new FakeClock();
  const keys = generateKeys();
  const config = loadConfig({}, { dataDir: '/nonexistent-cordon-test-dir', redisUrl: REDIS_URL });
  config.lockout = { maxFailures: 4, lockMs: 15 * 60_000 };
  const first = await freshDatabase('postgres');
  config.databaseUrl = PG_URL;
  // One Redis prefix for both processes and none other's: a test schema may be one an earlier test used.
  config.redisPrefix = `cordon-test:${randomBytes(6).toString('hex')}:`;
  const second = connect({ databaseUrl: PG_URL, pgSchema: first.pgSchema, poolSize: 4 });
  const nodes: Node[] = [];
  for (const handle of [first, second]) {
    const s = await createServices(config, { handle, clock, keys, skipMigrations: true, sms: new LogSmsSender() });
    const limits = rateLimitRedis(s)!;
    const app = await build(s, { serveWeb: false, access: { ...access, rateLimitRedis: limits } });
    nodes.push({ s, app, limits });
  }
  for (const n of nodes) await Promise.all([(n.s.events as RedisEventBus).ready(), ready(n.limits)]);
  const [a, b] = nodes as [Node, Node];
  return {
    clock,
    a,
    b,
    close: async () => {
      for (const n of [b, a]) {
        await n.app.close();
        n.limits.disconnect();
        await n.s.close(); // the first node's handle drops the schema
      }
    },
  };
}

function login(app: App, username: string, password = TEST_PASSWORD) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
}

/** A real HTTP client on an SSE stream: resolves with the first data frame that matches. */
function firstEvent(url: string, match: (data: unknown) => boolean): { seen: Promise<unknown>; close(): void } {
  let request: http.ClientRequest | undefined;
  const seen = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching event within 5 s')), 5000);
    request = http.get(url, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('');
          if (data && match(JSON.parse(data))) {
            clearTimeout(timer);
            resolve(JSON.parse(data));
          }
        }
      });
    });
    request.on('error', () => {});
  });
  return { seen, close: () => request?.destroy() };
}

const redisSkip = await probeRedis();

for (const { dialect, skip } of await dialects()) {
  const why =
    dialect === 'sqlite'
      ? 'one process owns an SQLite file: several processes need PostgreSQL'
      : skip || (redisSkip ?? false);
  describe(`several processes, one database [${dialect}]`, { skip: why }, () => {
    test('every scheduled job runs once across the two processes, whichever ticks first', async () => {
      const c = await cluster();
      try {
        const jobs = () => [...venueJobs(), ...riskAreaJobs(), ...healthJobs()];
        const ra = new JobRunner(c.a.s, jobs(), { holder: 'node-a' });
        const rb = new JobRunner(c.b.s, jobs(), { holder: 'node-b' });
        const check = async () => {
          const [oa, ob] = await Promise.all([ra.tick(), rb.tick()]);
          for (const name of Object.keys(oa))
            assert.deepEqual([oa[name], ob[name]].sort(), ['ran', 'skipped'], `${name}: ${oa[name]} / ${ob[name]}`);
        };
        await check();
        c.clock.advance(30_000);
        const [oa, ob] = await Promise.all([ra.tick(), rb.tick()]);
        assert.ok(
          [...Object.values(oa), ...Object.values(ob)].every((o) => o === 'skipped'),
          'not due again yet',
        );
        c.clock.advance(60 * 60_000); // every job's period (the purge's is the longest)
        await check();
        // Both processes' health reports show the same leases.
        await seedTestAreas(c.a.s);
        const admin = await signIn(c.a.s, 'admin', AREAS.city);
        const report = (
          await c.b.app.inject({ method: 'GET', url: '/api/v1/health', headers: admin.headers })
        ).json() as { jobs: Array<{ name: string; state: string; holder: string }> };
        assert.deepEqual(
          report.jobs.map((j) => j.name),
          [
            'health.end-conditions',
            'riskareas.rules',
            'venues.checkin-partitions',
            'venues.checkin-purge',
            'venues.close-expired-visits',
          ],
        );
        for (const j of report.jobs) {
          assert.equal(j.state, 'ok', j.name);
          assert.ok(['node-a', 'node-b'].includes(j.holder), j.holder);
        }
        const anonymous = (await c.a.app.inject({ method: 'GET', url: '/api/v1/health' })).json() as {
          jobs: Array<Record<string, unknown>>;
        };
        assert.ok(
          anonymous.jobs.every((j) => !('holder' in j) && !('lastError' in j)),
          'holders and errors for administrators only',
        );
      } finally {
        await c.close();
      }
    });

    test("a process that died holding a job's lease: the other takes the job over once the lease expires", async () => {
      const c = await cluster();
      try {
        const runs: string[] = [];
        const job = (who: string, hang: boolean): Job => ({
          name: 'test.takeover',
          everyMs: 60 * 60_000,
          run: () => {
            runs.push(who);
            return hang ? new Promise<void>(() => {}) : Promise.resolve();
          },
        });
        void new JobRunner(c.a.s, [job('a', true)], { holder: 'node-a' }).tick(); // node A "dies" mid-run
        while (runs.length === 0) await new Promise((r) => setTimeout(r, 5));
        const rb = new JobRunner(c.b.s, [job('b', false)], { holder: 'node-b' });
        assert.equal((await rb.tick())['test.takeover'], 'skipped');
        c.clock.advance(LEASE_MS);
        assert.equal((await rb.tick())['test.takeover'], 'ran');
        assert.deepEqual(runs, ['a', 'b']);
      } finally {
        await c.close();
      }
    });

    test('a session made on one process is accepted by the other, CSRF token included; signing out on one ends it on both', async () => {
      const c = await cluster();
      try {
        await seedTestAreas(c.a.s);
        await signIn(c.a.s, 'community_worker', AREAS.wenyuan, 'wang.fang');
        const res = await login(c.a.app, 'wang.fang');
        assert.equal(res.statusCode, 200, res.body);
        const cookie = `cordon_session=${res.cookies.find((k) => k.name === 'cordon_session')!.value}`;
        const csrf = (res.json() as { csrfToken: string }).csrfToken;
        const me = await c.b.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
        assert.equal(me.statusCode, 200, me.body);
        assert.equal(me.json().user.username, 'wang.fang');
        const noToken = await c.b.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
        assert.equal(noToken.json().code, 'CSRF_TOKEN_INVALID');
        const out = await c.b.app.inject({
          method: 'POST',
          url: '/api/v1/auth/logout',
          headers: { cookie, 'x-csrf-token': csrf },
        });
        assert.ok(out.statusCode < 300, out.body);
        // Node A had the session in its cache: the sign-out on B reached it through Redis.
        let status = 200;
        for (let i = 0; i < 100 && status === 200; i++) {
          status = (await c.a.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode;
          if (status === 200) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(status, 401);
      } finally {
        await c.close();
      }
    });

    test('a login lockout counts the failures made on both processes', async () => {
      const c = await cluster();
      try {
        await seedTestAreas(c.a.s);
        await signIn(c.a.s, 'investigator', AREAS.wenyuan, 'li.na');
        const apps = [c.a.app, c.b.app];
        for (let i = 0; i < 3; i++)
          assert.equal((await login(apps[i % 2]!, 'li.na', 'wrong wrong wrong')).statusCode, 401);
        const locked = await login(c.b.app, 'li.na', 'wrong wrong wrong'); // the 4th failure, 2 on each
        assert.equal(locked.json().code, 'ACCOUNT_LOCKED');
        assert.equal((await login(c.a.app, 'li.na')).json().code, 'ACCOUNT_LOCKED', 'locked on the other too');
      } finally {
        await c.close();
      }
    });

    test('the sign-in rate limit counts the attempts made on both processes (in Redis)', async () => {
      const c = await cluster({ loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
      try {
        const codes: number[] = [];
        for (const app of [c.a.app, c.b.app, c.a.app, c.b.app])
          codes.push((await login(app, 'nobody', 'wrong wrong wrong')).statusCode);
        assert.deepEqual(codes, [401, 401, 401, 429]);
      } finally {
        await c.close();
      }
    });

    test("a check-in through one process reaches the other's live stream and its tracing index", async () => {
      const c = await cluster();
      let stream: ReturnType<typeof firstEvent> | undefined;
      try {
        const areas = await seedTestAreas(c.a.s);
        const worker = await signIn(c.a.s, 'community_worker', AREAS.wenyuan);
        const command = await signIn(c.a.s, 'command', AREAS.city);
        const call = (method: 'GET' | 'POST', url: string, who: typeof worker, payload?: object) =>
          c.a.app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
        const person = async (name: string) => {
          const res = await call('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name });
          assert.equal(res.statusCode, 201, res.body);
          return res.json().id as string;
        };
        const [caseId, neighbourId] = [await person('张建国'), await person('李秀英')];
        const venue = await call('POST', '/venues', worker, {
          areaId: areas[AREAS.wenyuanGrid],
          name: '文苑小区北门',
          capacity: 40,
          category: 'residential_gate',
          dwellMinutes: 60, // a visit long enough to be a contact
        });
        const venueId = venue.json().id as string;
        assert.equal((await call('POST', `/venues/${venueId}/approve`, command)).statusCode, 200);
        const code = (await call('GET', `/venues/${venueId}/code`, worker)).json().url as string;

        // Node B: its visit index loaded before the check-ins, its live stream open.
        attachVisitIndex(c.b.s.db, await loadVisitIndex(c.b.s.db));
        assert.equal(visitIndexOf(c.b.s.db)!.stats().checkins, 0);
        await c.b.app.listen({ port: 0, host: '127.0.0.1' });
        const port = (c.b.app.server.address() as { port: number }).port;
        stream = firstEvent(
          `http://127.0.0.1:${port}/api/v1/live/occupancy`,
          (d) => (d as { venueId?: string }).venueId === venueId && (d as { count: number }).count === 2,
        );
        await new Promise((r) => setTimeout(r, 200)); // the stream's subscription is in place

        for (const personId of [caseId, neighbourId]) {
          const res = await call('POST', '/checkins', worker, { code, personId });
          assert.equal(res.statusCode, 201, res.body);
        }
        assert.deepEqual(await stream.seen, { venueId, count: 2, capacity: 40, level: 'relaxed' });

        const now = c.clock.now();
        const traced = await traceContacts(
          c.b.s.db,
          ruleSetById('9th-edition'),
          { personId: caseId, onsetAt: now + DAY, isolatedAt: now + DAY },
          { now: now + DAY, timeZone: c.b.s.config.timeZone },
        );
        assert.deepEqual(
          traced.contacts.filter((k) => k.basis === 'venue').map((k) => k.personId),
          [neighbourId],
          "node B's index found the co-presence written through node A",
        );
        assert.equal(visitIndexOf(c.b.s.db)!.stats().checkins, 2, 'the index read the venue again');
      } finally {
        stream?.close();
        await c.close();
      }
    });

    test("a guard's offline queue is applied once, whichever process the first send and its resend land on", async () => {
      const c = await cluster();
      try {
        const areas = await seedTestAreas(c.a.s);
        const worker = await signIn(c.a.s, 'community_worker', AREAS.wenyuan);
        const command = await signIn(c.a.s, 'command', AREAS.city);
        const on =
          (app: App) =>
          (method: 'GET' | 'POST', url: string, who: typeof worker = worker, payload?: unknown) =>
            app.inject({
              method,
              url: `/api/v1${url}`,
              headers: who.headers,
              ...(payload !== undefined ? { payload: payload as object } : {}),
            });
        const [callA, callB] = [on(c.a.app), on(c.b.app)];
        const person = await callA('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name: '张建国' });
        const venue = await callA('POST', '/venues', worker, {
          areaId: areas[AREAS.wenyuanGrid],
          name: '文苑小区北门',
          capacity: 40,
          category: 'residential_gate',
        });
        const venueId = venue.json().id as string;
        assert.equal((await callA('POST', `/venues/${venueId}/approve`, command)).statusCode, 200);
        const code = (await callA('GET', `/venues/${venueId}/code`)).json().url as string;
        const device = await guardDevice(callA, worker); // the queue key issued by node A
        const scannedAt = c.clock.now();
        const personalCode = issuePersonalCode(
          c.a.s.signing.personalPrivateKey,
          person.json().id as string,
          scannedAt - 10_000,
        ).token;
        const body = device.sign({ code, personalCode, clientId: 'guard-q-0001', scannedAt });
        c.clock.advance(20 * 60_000); // back online 20 minutes later
        const first = await callB('POST', '/checkins', worker, body);
        assert.equal(first.statusCode, 201, first.body);
        const again = await callA('POST', '/checkins', worker, body); // the answer was lost: sent again
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.json().checkinId, first.json().checkinId);
        const rows = await c.a.s.db.selectFrom('checkin').select('id').where('venue_id', '=', venueId).execute();
        assert.equal(rows.length, 1);
      } finally {
        await c.close();
      }
    });
  });
}
