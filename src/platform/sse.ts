// Server-sent event streams of the live views (occupancy, a testing round's dashboard), with what
// keeps them honest: every stream starts with, and regularly repeats, an `event: bus` frame saying
// whether this process hears the other processes' changes ({"live": true}) or not ({"live": false}:
// Redis is down or silent, so figures changed on another process may be missing). A change of state
// is sent at once. The repeated frame doubles as the heartbeat: a page that hears nothing for a
// while knows the stream itself is gone. Either way the page says its figures may be stale and
// polls the REST figures until the stream is live again (web/src/liveStream.ts).
import type { ServerResponse } from 'node:http';
import type { EventBus } from './events.ts';

/** How often every stream gets a `bus` frame even when nothing changed (proxies keep idle streams open). */
export const HEARTBEAT_MS = 15_000;
/** How often the bus's health is looked at, to tell the streams of a change at once. */
export const BUS_CHECK_MS = 1_000;

export interface LiveStreamOptions {
  heartbeatMs?: number;
  busCheckMs?: number;
}

/** The `bus` frame's data. */
export interface BusState {
  live: boolean;
}

/** Live unless Redis is configured and down: alone ('off') this process hears every change itself. */
export function busState(bus: Pick<EventBus, 'health'>): BusState {
  return { live: bus.health().redis !== 'down' };
}

function busFrame(state: BusState): string {
  return `event: bus\ndata: ${JSON.stringify(state)}\n\n`;
}

/**
 * The open streams of one kind (one per route module): starts them, keeps their heartbeat, tells them
 * when the bus goes down or comes back, and ends them all when the server closes.
 */
export class LiveStreams {
  private readonly streams = new Set<ServerResponse>();
  private readonly heartbeatMs: number;
  private readonly busCheckMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private check: NodeJS.Timeout | null = null;
  private last: BusState | null = null;

  constructor(
    private readonly bus: Pick<EventBus, 'health'>,
    options: LiveStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.busCheckMs = options.busCheckMs ?? BUS_CHECK_MS;
  }

  /** Sends the headers and the first frames on a response the caller has hijacked; `onClose` when it ends. */
  open(out: ServerResponse, onClose: () => void = () => {}): void {
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx: do not buffer the stream.
      'x-accel-buffering': 'no',
    });
    out.write(': connected\n\n');
    const now = busState(this.bus);
    if (this.last && this.last.live !== now.live) this.broadcast(now);
    this.last = now;
    out.write(busFrame(now));
    this.streams.add(out);
    out.on('close', () => {
      this.streams.delete(out);
      if (this.streams.size === 0) this.idle();
      onClose();
    });
    this.heartbeat ??= setInterval(() => this.broadcast(busState(this.bus)), this.heartbeatMs).unref();
    this.check ??= setInterval(() => {
      const now = busState(this.bus);
      if (now.live !== this.last?.live) this.broadcast(now);
    }, this.busCheckMs).unref();
  }

  get size(): number {
    return this.streams.size;
  }

  private broadcast(state: BusState): void {
    this.last = state;
    const frame = busFrame(state);
    for (const out of this.streams) out.write(frame);
  }

  private idle(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.check) clearInterval(this.check);
    this.heartbeat = null;
    this.check = null;
    this.last = null;
  }

  /** Ends every stream (server shutdown: streams never end by themselves). */
  close(): void {
    for (const out of [...this.streams]) out.end();
    this.streams.clear();
    this.idle();
  }
}
