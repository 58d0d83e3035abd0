// The event bus against a Redis that hangs (a TCP listener that accepts and never answers, and one that
// answers the handshake and then falls silent), and deployments sharing one real Redis through prefixes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Redis } from 'ioredis';
import { loadConfig, redisPrefix } from '../../src/config.ts';
import { RedisEventBus } from '../../src/platform/events.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (up to a generous bound) until `check` holds; fails with `what` otherwise. */
async function until(check: () => boolean, what: string, boundMs = 10_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > boundMs) assert.fail(`never: ${what}`);
    await sleep(20);
  }
}

/** Resolves 'closed' when close() finished, 'hung' if it did not within `boundMs`. */
async function closesWithin(bus: RedisEventBus, boundMs: number): Promise<'closed' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), boundMs);
  });
  const outcome = await Promise.race([bus.close().then(() => 'closed' as const), hung]);
  clearTimeout(timer);
  return outcome;
}

/**
 * A Redis stand-in on 127.0.0.1. `answering` false: accepts connections and never answers. While
 * true it answers the handshake (INFO), PING, PUBLISH and SUBSCRIBE like Redis; set it to false later
 * and it falls silent on the connections it holds.
 */
async function fakeRedis(answering: boolean) {
  const sockets = new Set<net.Socket>();
  const state = { answering, connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) break;
        buffer = buffer.subarray(parsed.used);
        if (state.answering) socket.write(reply(parsed.args));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function bulk(s: string): string {
  return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}

function reply(args: string[]): string {
  const name = (args[0] ?? '').toLowerCase();
  if (name === 'info') return bulk('# Server\r\nredis_version:7.2.0\r\nloading:0\r\n');
  if (name === 'ping') return '+PONG\r\n';
  if (name === 'publish') return ':0\r\n';
  if (name === 'subscribe')
    return args
      .slice(1)
      .map((c, i) => `*3\r\n${bulk('subscribe')}${bulk(c)}:${i + 1}\r\n`)
      .join('');
  return '+OK\r\n';
}

/** One RESP command (an array of bulk strings) from the front of `buf`, or null when incomplete. */
function parseCommand(buf: Buffer): { args: string[]; used: number } | null {
  let at = 0;
  const line = (): string | null => {
    const end = buf.indexOf('\r\n', at);
    if (end < 0) return null;
    const text = buf.subarray(at, end).toString();
    at = end + 2;
    return text;
  };
  const head = line();
  if (head === null) return null;
  const count = Number(head.slice(1));
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = line();
    if (len === null) return null;
    const n = Number(len.slice(1));
    if (buf.length < at + n + 2) return null;
    args.push(buf.subarray(at, at + n).toString());
    at += n + 2;
  }
  return { args, used: at };
}

const OPTIONS = { commandTimeoutMs: 200, heartbeatMs: 100, maxPending: 500, quitTimeoutMs: 300 } as const;

describe('event bus: a Redis that hangs', () => {
  test('accepts and never answers: publishes are dropped, not hoarded; health says down; close is prompt', async () => {
    const redis = await fakeRedis(false);
    const bus = new RedisEventBus(redis.url, OPTIONS);
    try {
      await until(() => redis.state.connections >= 2, 'both connections accepted');
      let heard = 0;
      bus.subscribe('cordon:occupancy', () => {
        heard++;
      });
      for (let i = 0; i < 100_000; i++) bus.publish('cordon:occupancy', { venueId: `v${i}` });
      assert.equal(heard, 100_000, 'listeners in this process hear every notice');
      const backlog = bus.backlog();
      assert.ok(backlog.inflight <= OPTIONS.maxPending, `in flight ${backlog.inflight}`);
      assert.ok(backlog.queued <= OPTIONS.maxPending + 10, `queued ${backlog.queued}`);
      assert.equal(backlog.dropped, 100_000, 'nothing was sent to a Redis that never became ready');
      assert.equal(bus.health().redis, 'down');
      assert.equal(typeof bus.health().detail, 'string');
      await assert.rejects(bus.ready(300), /not ready/);
      assert.equal(await closesWithin(bus, 5000), 'closed');
    } finally {
      await bus.close();
      await redis.close();
    }
  });

  test('answers the handshake then falls silent: the stall is noticed, the backlog stays bounded, close is prompt', async () => {
    const redis = await fakeRedis(true);
    const bus = new RedisEventBus(redis.url, OPTIONS);
    try {
      bus.subscribe('cordon:occupancy', () => {});
      await bus.ready(5000);
      assert.equal(bus.health().redis, 'up');
      redis.state.answering = false;
      for (let i = 0; i < 100_000; i++) bus.publish('cordon:occupancy', { venueId: `v${i}` });
      assert.ok(bus.backlog().inflight <= OPTIONS.maxPending, `in flight ${bus.backlog().inflight}`);
      assert.ok(bus.backlog().dropped >= 100_000 - OPTIONS.maxPending);
      // The commands time out: the bus says so and drops the silent connections.
      await until(() => bus.health().redis === 'down', 'health says down');
      await until(() => bus.backlog().inflight === 0, 'in-flight publishes settled');
      const held = bus.backlog().queued;
      assert.ok(held <= OPTIONS.maxPending + 10, `queued ${held}`);
      for (let i = 0; i < 100_000; i++) bus.publish('cordon:occupancy', { venueId: `w${i}` });
      const backlog = bus.backlog();
      assert.equal(backlog.inflight, 0, 'nothing is sent while Redis is silent');
      assert.ok(backlog.queued <= held, `queued ${backlog.queued}, was ${held}: the backlog does not grow`);
      assert.equal(bus.health().redis, 'down');
      assert.equal(await closesWithin(bus, 5000), 'closed');
    } finally {
      await bus.close();
      await redis.close();
    }
  });

  test('a silent subscriber connection is noticed by the heartbeat', async () => {
    const redis = await fakeRedis(true);
    const bus = new RedisEventBus(redis.url, OPTIONS);
    try {
      await bus.ready(5000);
      redis.state.answering = false; // no publish at all: only the heartbeat can tell
      await until(() => bus.health().redis === 'down', 'health says down');
      redis.state.answering = true; // Redis is back: the bus reconnects and is up again
      await until(() => bus.health().redis === 'up', 'health says up again');
    } finally {
      assert.equal(await closesWithin(bus, 5000), 'closed');
      await redis.close();
    }
  });
});

const redisSkip = await probeRedis();

describe('event bus: deployments on one Redis', { skip: redisSkip ?? false }, () => {
  const buses: RedisEventBus[] = [];
  after(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });
  const bus = (prefix: string) => {
    const b = new RedisEventBus(REDIS_URL, { prefix });
    buses.push(b);
    return b;
  };

  test('two prefixes do not hear each other; the same prefix does', async () => {
    const run = Math.random().toString(36).slice(2, 10);
    const [a1, a2, b1, b2] = [
      bus(`cordon:a${run}:`),
      bus(`cordon:a${run}:`),
      bus(`cordon:b${run}:`),
      bus(`cordon:b${run}:`),
    ];
    const heardA: unknown[] = [];
    const heardB: unknown[] = [];
    a2.subscribe('cordon:occupancy', (m) => heardA.push(m));
    b2.subscribe('cordon:occupancy', (m) => heardB.push(m));
    await Promise.all([a1, a2, b1, b2].map((b) => b.ready()));

    a1.publish('cordon:occupancy', { venueId: 'from-a' });
    await until(() => heardA.length === 1, 'a2 hears a1');
    // Redis had delivered a1's message to every subscriber by then; b2 hears b1's after it, in order.
    b1.publish('cordon:occupancy', { venueId: 'from-b' });
    await until(() => heardB.length === 1, 'b2 hears b1');
    assert.deepEqual(heardA, [{ venueId: 'from-a' }]);
    assert.deepEqual(heardB, [{ venueId: 'from-b' }]);
  });
});

describe('the deployment’s Redis prefix', () => {
  test('derived from the database, without the password; CORDON_REDIS_PREFIX wins', () => {
    const pg = (url: string, schema?: string) => redisPrefix(loadConfig({ DATABASE_URL: url }), schema);
    const sqlite = (dir: string) => redisPrefix(loadConfig({ CORDON_DATA_DIR: dir }));
    assert.match(pg('postgres://cordon:pw@db:5432/cordon'), /^cordon:[0-9a-f]{12}:$/);
    assert.equal(
      pg('postgres://cordon:pw@db:5432/cordon'),
      pg('postgres://cordon:other@db:5432/cordon'),
      'the password is not part of it',
    );
    assert.notEqual(pg('postgres://cordon:pw@db:5432/cordon'), pg('postgres://cordon:pw@db:5432/cordon_b'));
    assert.notEqual(pg('postgres://cordon:pw@db:5432/cordon', 's1'), pg('postgres://cordon:pw@db:5432/cordon', 's2'));
    assert.equal(sqlite('/srv/a'), sqlite('/srv/a/'));
    assert.notEqual(sqlite('/srv/a'), sqlite('/srv/b'));
    assert.notEqual(sqlite('/srv/a'), pg('postgres://cordon:pw@db:5432/cordon'));
    assert.equal(
      redisPrefix(loadConfig({ CORDON_REDIS_PREFIX: 'city-a:', DATABASE_URL: 'postgres://x@y/z' })),
      'city-a:',
    );
    assert.ok(!pg('postgres://cordon:secret-pw@db/cordon').includes('secret'));
  });
});
