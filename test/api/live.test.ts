import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Redis } from 'ioredis';
import { dialects, freshDatabase } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys } from '../../src/platform/crypto.ts';
import { RedisEventBus } from '../../src/platform/events.ts';
import type { App } from '../../src/platform/http.ts';
import { closeExpiredVisits } from '../../src/venues/venue.service.ts';
import { onOccupancy } from '../../src/venues/venue.events.ts';
import { purgeIfDue, startVenueJobs } from '../../src/venues/venue.jobs.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

function harness(app: App) {
  return async function call(method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) {
    return app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  };
}

async function city(s: Services, app: App) {
  const call = harness(app);
  const areas = await seedTestAreas(s);
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const person = await call('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name: '张建国' });
  assert.equal(person.statusCode, 201, person.body);
  const venue = async (
    { pending, ...body }: Record<string, unknown>,
    who: SignedIn = worker,
    areaCode: string = AREAS.wenyuanGrid,
  ) => {
    const res = await call('POST', '/venues', who, {
      areaId: areas[areaCode],
      capacity: 100,
      category: 'residential_gate',
      ...body,
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    if (pending !== true)
      assert.equal(
        (await call('POST', `/venues/${id}/approve`, await signIn(s, 'command', AREAS.city))).statusCode,
        200,
      );
    return { id, code: (await call('GET', `/venues/${id}/code`, who)).json().url as string };
  };
  const checkIn = async (code: string, who: SignedIn = worker) => {
    const res = await call('POST', '/checkins', who, { code, personId: person.json().id });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { checkinId: string; decision: string };
  };
  return { call, areas, worker, venue, checkIn, personId: person.json().id as string };
}

interface SseEvent {
  event: string;
  data: string;
}

/** A real HTTP client on an SSE stream: collects frames and waits for one that matches. */
function openStream(url: string): Promise<{
  comments: string[];
  next(match: (e: SseEvent) => boolean): Promise<SseEvent>;
  received(): SseEvent[];
  close(): void;
  headers: http.IncomingHttpHeaders;
}> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    let waiters: Array<() => void> = [];
    let buffer = '';
    const request = http.get(url, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: 'message', data: '' };
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data += line.slice(6);
          }
          if (e.data) events.push(e);
        }
        for (const w of waiters) w();
      });
      const next = (match: (e: SseEvent) => boolean) =>
        new Promise<SseEvent>((ok, fail) => {
          const timer = setTimeout(() => fail(new Error(`no matching event; got ${JSON.stringify(events)}`)), 5000);
          const check = () => {
            const i = events.findIndex(match);
            if (i < 0) return;
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            ok(events.splice(i, 1)[0]!);
          };
          waiters.push(check);
          check();
        });
      const connected = () =>
        new Promise<void>((ok) => {
          const check = () => {
            if (comments.includes('connected')) {
              waiters = waiters.filter((w) => w !== check);
              ok();
            }
          };
          waiters.push(check);
          check();
        });
      void connected().then(() =>
        resolve({ comments, next, received: () => [...events], close: () => request.destroy(), headers: res.headers }),
      );
    });
    request.on('error', (err) => {
      if ((err as { code?: string }).code !== 'ECONNRESET') reject(err);
    });
  });
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const redisSkip = await probeRedis();

for (const { dialect, skip } of await dialects()) {
  describe(`live occupancy [${dialect}]`, { skip }, () => {
    test('public list, today’s curve and the most crowded venues', async () => {
      const s: TestServices = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const t = await city(s, app);
        const { call } = t;
        const gate = await t.venue({ name: '文苑小区北门', capacity: 10, dwellMinutes: 60 });
        const shop = await t.venue({ name: '文苑超市', capacity: 2, dwellMinutes: 60 });
        await t.venue({ name: '未批准的场所', pending: true });
        const quiet = await t.venue({ name: '文苑书店', capacity: 100 });
        const xyWorker = await signIn(s, 'community_worker', AREAS.xingyang);
        const kiosk = await t.venue({ name: '兴阳报亭', capacity: 1, dwellMinutes: 60 }, xyWorker, AREAS.xingyangGrid);

        // 08:00 two at the gate, 08:30 one more, 08:45 one leaves (the other stays until its dwell ends at
        // 09:00), 09:10 one more; one at the shop and one at the kiosk.
        const first = await t.checkIn(gate.code);
        await t.checkIn(gate.code);
        s.clock.advance(30 * 60_000);
        await t.checkIn(gate.code);
        await t.checkIn(shop.code);
        await t.checkIn(kiosk.code, xyWorker);
        s.clock.advance(15 * 60_000);
        assert.equal((await call('POST', `/checkins/${first.checkinId}/exit`, t.worker)).statusCode, 200);
        s.clock.advance(25 * 60_000); // 09:10
        await t.checkIn(gate.code);
        s.clock.advance(10 * 60_000); // 09:20

        // Public: no sign-in; approved venues only; counts and levels.
        const all = await call('GET', '/venues/public?limit=50');
        assert.equal(all.statusCode, 200, all.body);
        const byName = new Map(all.json().items.map((v: { name: string }) => [v.name, v]));
        assert.equal(all.json().total, 4);
        assert.ok(!byName.has('未批准的场所'));
        assert.deepEqual(byName.get('文苑小区北门'), {
          id: gate.id,
          name: '文苑小区北门',
          category: 'residential_gate',
          categoryName: { zh: '小区门口', en: 'Residential gate' },
          areaName: '第一网格',
          count: 2,
          capacity: 10,
          level: 'relaxed',
        });
        assert.equal((byName.get('文苑超市') as { level: string }).level, 'moderate');
        assert.equal((byName.get('兴阳报亭') as { level: string }).level, 'full');
        assert.equal((byName.get('文苑书店') as { count: number }).count, 0);
        const wenyuan = await call('GET', `/venues/public?areaId=${t.areas[AREAS.wenyuan]}`);
        assert.deepEqual(
          wenyuan
            .json()
            .items.map((v: { name: string }) => v.name)
            .sort(),
          ['文苑书店', '文苑小区北门', '文苑超市'].sort(),
        );
        assert.equal((await call('GET', '/venues/public?areaId=nope')).json().code, 'AREA_NOT_FOUND');
        assert.ok(!all.body.includes(t.personId) && !all.body.includes('张'), 'no person in the public list');

        // Today's curve for the operator (venue.manage, in scope).
        const today = await call('GET', `/venues/${gate.id}/today`, t.worker);
        assert.equal(today.statusCode, 200, today.body);
        const hours = today.json().hours as Array<{ hour: string; entries: number; peak: number }>;
        assert.deepEqual(
          hours.map((h) => h.hour),
          ['00:00', '01:00', '02:00', '03:00', '04:00', '05:00', '06:00', '07:00', '08:00', '09:00'],
        );
        assert.deepEqual(hours.slice(7), [
          { hour: '07:00', entries: 0, peak: 0 },
          { hour: '08:00', entries: 3, peak: 3 },
          { hour: '09:00', entries: 1, peak: 2 },
        ]);
        assert.equal((await call('GET', `/venues/${kiosk.id}/today`, t.worker)).json().code, 'OUT_OF_SCOPE');
        const resident = await signIn(s, 'resident', AREAS.wenyuan);
        assert.equal((await call('GET', `/venues/${gate.id}/today`, resident)).statusCode, 403);

        // The command centre: highest count / capacity first, empty venues absent.
        const command = await signIn(s, 'command', AREAS.city);
        const crowded = await call('GET', '/command/crowded?limit=10', command);
        assert.equal(crowded.statusCode, 200, crowded.body);
        assert.deepEqual(
          crowded.json().items.map((v: { name: string; count: number }) => [v.name, v.count]),
          [
            ['兴阳报亭', 1],
            ['文苑超市', 1],
            ['文苑小区北门', 2],
          ],
        );
        assert.deepEqual(
          (await call('GET', '/command/crowded?limit=1', command)).json().items.map((v: { id: string }) => v.id),
          [kiosk.id],
        );
        const admin = await signIn(s, 'admin', AREAS.wenyuan);
        assert.deepEqual(
          (await call('GET', '/command/crowded', admin)).json().items.map((v: { name: string }) => v.name),
          ['文苑超市', '文苑小区北门'],
          'scoped to the admin’s subtree',
        );
        const forbidden = await call('GET', '/command/crowded', t.worker);
        assert.equal(forbidden.statusCode, 403);
        assert.equal(forbidden.json().code, 'FORBIDDEN');

        // Past the dwell the counts drop (read-only: nothing has to close the visits first).
        s.clock.advance(60 * 60_000);
        const later = new Map(
          (await call('GET', '/venues/public'))
            .json()
            .items.map((v: { name: string; count: number }) => [v.name, v.count]),
        );
        assert.equal(later.get('文苑小区北门'), 0);
        assert.equal(quiet.id.length > 0, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('server-sent events: a check-in, an exit and an auto-close each push the fresh count', async () => {
      const s: TestServices = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      let stream: Awaited<ReturnType<typeof openStream>> | undefined;
      let other: Awaited<ReturnType<typeof openStream>> | undefined;
      try {
        const t = await city(s, app);
        const gate = await t.venue({ name: '文苑小区北门', capacity: 2, dwellMinutes: 30 });
        const xyWorker = await signIn(s, 'community_worker', AREAS.xingyang);
        const kiosk = await t.venue({ name: '兴阳报亭', capacity: 5 }, xyWorker, AREAS.xingyangGrid);
        const base = await listen(app);
        stream = await openStream(`${base}/api/v1/live/occupancy?areaId=${t.areas[AREAS.wenyuan]}`);
        assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
        assert.match(String(stream.headers['cache-control']), /no-cache/);
        other = await openStream(`${base}/api/v1/live/occupancy?areaId=${t.areas[AREAS.xingyang]}`);

        const visit = await t.checkIn(gate.code);
        const entered = await stream.next((e) => e.event === 'occupancy');
        assert.deepEqual(JSON.parse(entered.data), { venueId: gate.id, count: 1, capacity: 2, level: 'moderate' });
        await t.checkIn(gate.code);
        assert.deepEqual(JSON.parse((await stream.next((e) => JSON.parse(e.data).count === 2)).data).level, 'full');

        assert.equal((await t.call('POST', `/checkins/${visit.checkinId}/exit`, t.worker)).statusCode, 200);
        assert.equal(JSON.parse((await stream.next((e) => JSON.parse(e.data).count === 1)).data).venueId, gate.id);

        s.clock.advance(30 * 60_000);
        assert.equal(await closeExpiredVisits(s), 1);
        assert.equal(JSON.parse((await stream.next((e) => JSON.parse(e.data).count === 0)).data).venueId, gate.id);

        // A viewer of another area hears only its own venues.
        await t.checkIn(kiosk.code, xyWorker);
        assert.deepEqual(JSON.parse((await other.next((e) => e.event === 'occupancy')).data), {
          venueId: kiosk.id,
          count: 1,
          capacity: 5,
          level: 'relaxed',
        });
        await t.checkIn(gate.code);
        await stream.next((e) => JSON.parse(e.data).venueId === gate.id);
        assert.deepEqual(
          stream.received().filter((e) => JSON.parse(e.data).venueId === kiosk.id),
          [],
          'frames arrive in order: none for the kiosk came first',
        );
        assert.equal((await t.call('GET', '/live/occupancy?areaId=nope')).json().code, 'AREA_NOT_FOUND');
      } finally {
        stream?.close();
        other?.close();
        await app.close();
        await s.close();
      }
    });

    test('server-sent events: the stream says whether this process hears the others (bus state), at once when it changes', async () => {
      const s: TestServices = await testServices(dialect);
      let redis: 'up' | 'down' = 'down';
      s.events.health = () => ({ redis }); // as a Redis event bus reports an outage
      const app = await build(s, { serveWeb: false });
      let stream: Awaited<ReturnType<typeof openStream>> | undefined;
      try {
        const t = await city(s, app);
        const gate = await t.venue({ name: '文苑小区北门', capacity: 4 });
        const base = await listen(app);
        stream = await openStream(`${base}/api/v1/live/occupancy`);
        // Redis down: the first frame says the figures may be missing changes made on other processes.
        assert.deepEqual(JSON.parse((await stream.next((e) => e.event === 'bus')).data), { live: false });
        // This process's own changes still stream meanwhile.
        await t.checkIn(gate.code);
        assert.deepEqual(JSON.parse((await stream.next((e) => e.event === 'occupancy')).data), {
          venueId: gate.id,
          count: 1,
          capacity: 4,
          level: 'relaxed',
        });
        redis = 'up';
        assert.deepEqual(JSON.parse((await stream.next((e) => e.event === 'bus')).data), { live: true });
        redis = 'down';
        assert.deepEqual(JSON.parse((await stream.next((e) => e.event === 'bus')).data), { live: false });
        // A stream opened while the bus is fine starts live.
        redis = 'up';
        const fresh = await openStream(`${base}/api/v1/live/occupancy`);
        try {
          assert.deepEqual(JSON.parse((await fresh.next((e) => e.event === 'bus')).data), { live: true });
        } finally {
          fresh.close();
        }
      } finally {
        stream?.close();
        await app.close();
        await s.close();
      }
    });

    test('scheduled jobs: expired visits close (and live views hear of it); the purge runs only when due', async () => {
      const s: TestServices = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      let stop = () => {};
      try {
        const t = await city(s, app);
        const gate = await t.venue({ name: '文苑小区北门' }); // default dwell 5 minutes
        await t.checkIn(gate.code);
        s.clock.advance(29 * 86_400_000); // past the dwell and the 28-day retention
        const notices: string[] = [];
        const unsubscribe = onOccupancy(s, (venueId) => notices.push(venueId));
        const logged: string[] = [];
        const purged = new Promise<void>((resolve) => {
          stop = startVenueJobs(s, {
            log: (m) => {
              logged.push(m);
              if (/purged/.test(m)) resolve();
            },
          });
        });
        await purged;
        unsubscribe();
        assert.deepEqual(notices, [gate.id]);
        // (On PostgreSQL the partition job logs the day partitions it made first.)
        assert.deepEqual(
          logged.filter((m) => !m.startsWith('made check-in partitions')),
          ['purged 1 check-ins older than 28 days'],
        );
        assert.equal(await purgeIfDue(s), 0);
        const purges = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'checkin.purge')
          .execute();
        assert.equal(purges.length, 1, 'a purge with nothing to delete is not audited');
      } finally {
        stop();
        await app.close();
        await s.close();
      }
    });

    test(
      'with Redis, two server processes on one database see each other’s check-ins',
      { skip: redisSkip ?? false },
      async () => {
        const handle = await freshDatabase(dialect);
        const clock = new FakeClock();
        const keys = generateKeys();
        const config = loadConfig({}, { dataDir: '/nonexistent-cordon-test-dir', redisUrl: REDIS_URL });
        const a = await createServices(config, { handle, clock, keys, skipMigrations: true });
        const b = await createServices(config, { handle, clock, keys, skipMigrations: true });
        assert.ok(a.events instanceof RedisEventBus && b.events instanceof RedisEventBus);
        const appA = await build(a, { serveWeb: false });
        const appB = await build(b, { serveWeb: false });
        let stream: Awaited<ReturnType<typeof openStream>> | undefined;
        try {
          const t = await city(b, appB);
          const gate = await t.venue({ name: '文苑小区北门', capacity: 4 });
          const base = await listen(appA);
          stream = await openStream(`${base}/api/v1/live/occupancy`);
          await (a.events as RedisEventBus).ready(); // the subscription is in place
          await t.checkIn(gate.code); // on node B
          const seen = await stream.next((e) => JSON.parse(e.data).venueId === gate.id);
          assert.deepEqual(JSON.parse(seen.data), { venueId: gate.id, count: 1, capacity: 4, level: 'relaxed' });
        } finally {
          stream?.close();
          await appA.close();
          await appB.close();
          await b.events.close(); // b shares a's database handle: a closes it
          await a.close();
        }
      },
    );
  });
}
