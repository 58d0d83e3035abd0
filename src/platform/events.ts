// Event fan-out between the parts of one process and, when REDIS_URL is set, between server processes.
// Messages are small JSON notices ("something changed at venue X"); receivers read the truth from the
// database. Delivery is best effort: a lost notice delays a live view until the next one, nothing more.
//
// - LocalEventBus: an in-process EventEmitter.
// - RedisEventBus: the same, plus Redis pub/sub (ioredis). Local listeners are called at once; the
//   message also goes to Redis tagged with this process's id, and messages from Redis that carry
//   another process's id are delivered locally. So a Redis outage never silences this process.
//
// Every wait on Redis is bounded: connecting, each command (publish, subscribe, the heartbeat ping)
// and shutting down. While Redis is unreachable or not answering, notices to other processes are
// dropped, never queued (a live view catches up with the next notice, or polls), so memory stays flat
// however long Redis hangs. Channels on Redis carry the deployment's prefix (config.ts, redisPrefix),
// so deployments sharing one Redis never hear each other.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export type EventListener = (message: unknown) => void;

export interface EventBus {
  /** Delivers the message to every subscriber of the channel (here and, with Redis, on other nodes). */
  publish(channel: string, message: unknown): void;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, listener: EventListener): () => void;
  close(): Promise<void>;
  /** How the bus reaches other processes now, for the health report. */
  health(): EventBusHealth;
}

/** `off`: no Redis configured (one process); `up`/`down`: Redis connection state, with the last error. */
export interface EventBusHealth {
  redis: 'off' | 'up' | 'down';
  detail?: string;
}

function deliver(emitter: EventEmitter, channel: string, message: unknown): void {
  for (const listener of emitter.listeners(channel) as EventListener[]) {
    try {
      listener(message);
    } catch (err) {
      // One failing listener must not stop the others (or the publisher).
      console.error(`event listener on ${channel} failed:`, err);
    }
  }
}

export class LocalEventBus implements EventBus {
  protected readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(channel: string, message: unknown): void {
    deliver(this.emitter, channel, message);
  }

  subscribe(channel: string, listener: EventListener): () => void {
    this.emitter.on(channel, listener);
    return () => {
      this.emitter.off(channel, listener);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }

  health(): EventBusHealth {
    return { redis: 'off' };
  }
}

interface Envelope {
  /** The publishing process. */
  node: string;
  message: unknown;
}

export interface RedisEventBusOptions {
  /** Put before every channel name on Redis (e.g. `cordon:1a2b3c4d5e6f:`); '' for none. */
  prefix?: string;
  /** Longest wait for one command's answer, and for a TCP connection (ms). */
  commandTimeoutMs?: number;
  /** How often both connections are pinged to notice a Redis that stopped answering (ms). */
  heartbeatMs?: number;
  /** Most publishes waiting for Redis's answer at once; beyond that notices are dropped. */
  maxPending?: number;
  /** Longest wait for Redis to acknowledge QUIT on close before the sockets are cut (ms). */
  quitTimeoutMs?: number;
}

export const REDIS_DEFAULTS = {
  commandTimeoutMs: 2000,
  heartbeatMs: 5000,
  maxPending: 1000,
  quitTimeoutMs: 1000,
} as const;

/** Resolves after `ms` unless cleared; never keeps the process alive. */
function delay(ms: number): { promise: Promise<void>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms).unref();
  });
  return { promise, clear: () => clearTimeout(timer) };
}

function isTimeout(err: Error): boolean {
  return /timed out/i.test(err.message);
}

export class RedisEventBus extends LocalEventBus {
  readonly node = randomBytes(8).toString('hex');
  readonly prefix: string;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channels = new Set<string>();
  private readonly options: Required<Omit<RedisEventBusOptions, 'prefix'>>;
  private readonly heartbeat: NodeJS.Timeout;
  /** Publishes sent to Redis and not answered yet. */
  private inflight = 0;
  /** Notices not sent to Redis because it was unreachable, silent or too far behind. */
  private droppedCount = 0;
  /** A command timed out on this connection and no answer has come since. */
  private readonly stalled = new Set<Redis>();
  private closing = false;
  private lastError = 0;
  private lastErrorMessage: string | undefined;

  constructor(url: string, options: RedisEventBusOptions = {}) {
    super();
    this.prefix = options.prefix ?? '';
    this.options = {
      commandTimeoutMs: options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
      heartbeatMs: options.heartbeatMs ?? REDIS_DEFAULTS.heartbeatMs,
      maxPending: options.maxPending ?? REDIS_DEFAULTS.maxPending,
      quitTimeoutMs: options.quitTimeoutMs ?? REDIS_DEFAULTS.quitTimeoutMs,
    };
    const clientOptions = {
      lazyConnect: false,
      connectTimeout: this.options.commandTimeoutMs,
      commandTimeout: this.options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      // Nothing waits for a connection: a command sent while Redis is away fails at once.
      enableOfflineQueue: false,
      // Subscriptions are renewed on every 'ready' below (they could not be queued while away).
      autoResubscribe: false,
      // Notices that timed out are not sent again after a reconnect: they are stale by then.
      autoResendUnfulfilledCommands: false,
    };
    this.pub = new Redis(url, clientOptions);
    this.sub = new Redis(url, clientOptions);
    for (const client of [this.pub, this.sub]) {
      client.on('error', (err: Error) => this.reportError(err));
      client.on('ready', () => this.stalled.delete(client));
    }
    this.sub.on('ready', () => {
      void this.resubscribe();
    });
    this.sub.on('message', (redisChannel: string, raw: string) => {
      if (!redisChannel.startsWith(this.prefix)) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(raw) as Envelope;
      } catch {
        return;
      }
      if (envelope.node !== this.node) deliver(this.emitter, redisChannel.slice(this.prefix.length), envelope.message);
    });
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs).unref();
  }

  /**
   * Resolves once both connections are up and the subscriber has joined the channels asked for so
   * far; rejects after `timeoutMs` otherwise.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const wait = delay(timeoutMs);
    const up = (client: Redis) =>
      client.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => client.once('ready', () => resolve()));
    try {
      const done = Promise.all([up(this.pub), up(this.sub)]).then(async () => {
        await this.resubscribe();
        await Promise.all([this.pub.ping(), this.sub.ping()]);
      });
      done.catch(() => {}); // a failure after the timeout has nobody to tell
      const outcome = await Promise.race([
        done.then(() => 'ready' as const),
        wait.promise.then(() => 'timeout' as const),
      ]);
      if (outcome === 'timeout')
        throw new Error(`redis event bus not ready within ${timeoutMs} ms (${this.health().detail ?? ''})`);
    } finally {
      wait.clear();
    }
  }

  override health(): EventBusHealth {
    const up = this.pub.status === 'ready' && this.sub.status === 'ready' && this.stalled.size === 0;
    if (up) return { redis: 'up' };
    const why =
      this.stalled.size > 0
        ? `redis did not answer within ${this.options.commandTimeoutMs} ms`
        : (this.lastErrorMessage ?? `connection ${this.pub.status === 'ready' ? this.sub.status : this.pub.status}`);
    return { redis: 'down', detail: why };
  }

  /**
   * What waits on Redis now — publishes unanswered, and commands held by the clients (sent, queued,
   * or kept from a dropped connection): bounded by maxPending — and how many notices were dropped.
   */
  backlog(): { inflight: number; queued: number; dropped: number } {
    type Queues = { offlineQueue?: { length: number }; prevCommandQueue?: { length: number } | null };
    const queued = (client: Redis) => {
      const { offlineQueue, prevCommandQueue } = client as unknown as Queues;
      const kept = prevCommandQueue && prevCommandQueue !== client.commandQueue ? prevCommandQueue.length : 0;
      return client.commandQueue.length + (offlineQueue?.length ?? 0) + kept;
    };
    return { inflight: this.inflight, queued: queued(this.pub) + queued(this.sub), dropped: this.droppedCount };
  }

  private reportError(err: Error): void {
    this.lastErrorMessage = err.message;
    // Redis down: say so at most once a minute, keep serving from this process.
    const now = Date.now();
    if (now - this.lastError < 60_000) return;
    this.lastError = now;
    console.error(`redis event bus: ${err.message}`);
  }

  /**
   * A command on `client` failed. A timeout means Redis holds the connection without answering:
   * everything written to it would wait in its command queue, so the connection is dropped and
   * made anew (ioredis reconnects with backoff; until Redis answers the ready check it stays down).
   */
  private failed(client: Redis, err: Error): void {
    this.reportError(err);
    if (!isTimeout(err) || this.closing) return;
    this.stalled.add(client);
    if (client.status === 'ready') client.disconnect(true);
  }

  private answered(client: Redis): void {
    this.stalled.delete(client);
  }

  private beat(): void {
    for (const client of [this.pub, this.sub]) {
      if (client.status !== 'ready') continue;
      client.ping().then(
        () => this.answered(client),
        (err: Error) => this.failed(client, err),
      );
    }
  }

  private async resubscribe(): Promise<void> {
    if (this.channels.size === 0 || this.sub.status !== 'ready') return;
    try {
      await this.sub.subscribe(...[...this.channels].map((c) => this.prefix + c));
      this.answered(this.sub);
    } catch (err) {
      this.failed(this.sub, err as Error);
    }
  }

  override publish(channel: string, message: unknown): void {
    super.publish(channel, message);
    // Best effort: while Redis is away, silent or far behind, the notice is dropped, not kept.
    if (
      this.closing ||
      this.pub.status !== 'ready' ||
      this.stalled.has(this.pub) ||
      this.inflight >= this.options.maxPending
    ) {
      this.droppedCount++;
      return;
    }
    const envelope: Envelope = { node: this.node, message };
    this.inflight++;
    this.pub.publish(this.prefix + channel, JSON.stringify(envelope)).then(
      () => {
        this.inflight--;
        this.answered(this.pub);
      },
      (err: Error) => {
        this.inflight--;
        this.droppedCount++;
        this.failed(this.pub, err);
      },
    );
  }

  override subscribe(channel: string, listener: EventListener): () => void {
    if (!this.channels.has(channel)) {
      this.channels.add(channel);
      if (this.sub.status === 'ready') {
        this.sub.subscribe(this.prefix + channel).then(
          () => this.answered(this.sub),
          (err: Error) => this.failed(this.sub, err),
        );
      }
    }
    return super.subscribe(channel, listener);
  }

  /** Within about quitTimeoutMs whatever Redis does: QUIT when it answers, then the sockets are cut. */
  override async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    await super.close();
    const wait = delay(this.options.quitTimeoutMs);
    const quit = (client: Redis) =>
      client.status === 'ready'
        ? client.quit().then(
            () => {},
            () => {},
          )
        : Promise.resolve();
    await Promise.race([Promise.all([quit(this.pub), quit(this.sub)]), wait.promise]);
    wait.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

/** Redis pub/sub when a URL is given, else in-process only. */
export function createEventBus(redisUrl: string | undefined, options: RedisEventBusOptions = {}): EventBus {
  return redisUrl ? new RedisEventBus(redisUrl, options) : new LocalEventBus();
}
