// Event fan-out between the parts of one process and, when REDIS_URL is set, between server processes.
// Messages are small JSON notices ("something changed at venue X"); receivers read the truth from the
// database. Delivery is best effort: a lost notice delays a live view until the next one, nothing more.
//
// - LocalEventBus: an in-process EventEmitter.
// - RedisEventBus: the same, plus Redis pub/sub (ioredis). Local listeners are called at once; the
//   message also goes to Redis tagged with this process's id, and messages from Redis that carry
//   another process's id are delivered locally. So a Redis outage never silences this process.
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
    return () => { this.emitter.off(channel, listener); };
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

export class RedisEventBus extends LocalEventBus {
  readonly node = randomBytes(8).toString('hex');
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channels = new Set<string>();
  private lastError = 0;
  private lastErrorMessage: string | undefined;

  constructor(url: string) {
    super();
    const options = { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true };
    this.pub = new Redis(url, options);
    this.sub = new Redis(url, options);
    for (const client of [this.pub, this.sub]) client.on('error', (err: Error) => this.reportError(err));
    this.sub.on('message', (channel: string, raw: string) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(raw) as Envelope;
      } catch {
        return;
      }
      if (envelope.node !== this.node) deliver(this.emitter, channel, envelope.message);
    });
  }

  /** Resolves once both connections are up (the subscriber has joined the channels asked for so far). */
  async ready(): Promise<void> {
    await Promise.all([this.pub.ping(), this.sub.ping()]);
  }

  override health(): EventBusHealth {
    const up = this.pub.status === 'ready' && this.sub.status === 'ready';
    return up ? { redis: 'up' } : { redis: 'down', detail: this.lastErrorMessage ?? `connection ${this.pub.status}` };
  }

  private reportError(err: Error): void {
    this.lastErrorMessage = err.message;
    // Redis down: say so at most once a minute, keep serving from this process.
    const now = Date.now();
    if (now - this.lastError < 60_000) return;
    this.lastError = now;
    console.error(`redis event bus: ${err.message}`);
  }

  override publish(channel: string, message: unknown): void {
    super.publish(channel, message);
    const envelope: Envelope = { node: this.node, message };
    this.pub.publish(channel, JSON.stringify(envelope)).catch((err: Error) => this.reportError(err));
  }

  override subscribe(channel: string, listener: EventListener): () => void {
    if (!this.channels.has(channel)) {
      this.channels.add(channel);
      this.sub.subscribe(channel).catch((err: Error) => this.reportError(err));
    }
    return super.subscribe(channel, listener);
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

/** Redis pub/sub when a URL is given, else in-process only. */
export function createEventBus(redisUrl: string | undefined): EventBus {
  return redisUrl ? new RedisEventBus(redisUrl) : new LocalEventBus();
}
