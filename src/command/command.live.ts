// The situation wall's live stream (server-sent events): `event: figures` with the whole figure set of
// the viewer's area whenever it changed, and the `bus` frames every live view carries (platform/sse.ts).
// While any wall is open the figures of each distinct viewing area are recomputed every `refreshMs`
// (the database is the truth, so a change made on any process shows within that time) and at once when
// a notice comes on the command channel (published, through Redis across processes, by the command
// centre's own changes: an alert opened, an order issued). A set equal to the last one sent is not sent.
import type { ServerResponse } from 'node:http';
import type { Actor } from '../access/access.rules.ts';
import { LiveStreams, type LiveStreamOptions } from '../platform/sse.ts';
import type { Services } from '../services.ts';
import { wallFigures } from './command.wall.service.ts';

export const COMMAND_CHANNEL = 'command';
export const WALL_REFRESH_MS = 5_000;

export interface WallHubOptions extends LiveStreamOptions {
  refreshMs?: number;
}

interface Viewer {
  out: ServerResponse;
  actor: Actor;
}

interface Group {
  actor: Actor;
  viewers: Set<Viewer>;
  last: string | null;
}

/** Tells every wall to look again now (any process: the notice goes through the event bus). */
export function wallChanged(s: Services, what: string): void {
  s.events.publish(COMMAND_CHANNEL, { what });
}

export class WallHub {
  private readonly streams: LiveStreams;
  private readonly groups = new Map<string, Group>();
  private readonly refreshMs: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly s: Services,
    options: WallHubOptions = {},
  ) {
    this.streams = new LiveStreams(s.events, options);
    this.refreshMs = options.refreshMs ?? WALL_REFRESH_MS;
  }

  /** The figures are computed for the role and area: viewers of one role and area share one computation. */
  private static key(actor: Actor): string {
    return `${actor.role}|${actor.areaPath}`;
  }

  attach(out: ServerResponse, actor: Actor): void {
    const key = WallHub.key(actor);
    const group = this.groups.get(key) ?? { actor, viewers: new Set<Viewer>(), last: null };
    this.groups.set(key, group);
    const viewer = { out, actor };
    group.viewers.add(viewer);
    this.streams.open(out, () => {
      group.viewers.delete(viewer);
      if (group.viewers.size === 0) this.groups.delete(key);
      if (this.groups.size === 0) this.stop();
    });
    // The first set for the newcomer at once (the others of its group got it already).
    void wallFigures(this.s, actor).then(
      (figures) => out.write(frame(figures)),
      (err: Error) => console.error(`command wall: ${err.message}`),
    );
    this.start();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.refresh(), this.refreshMs).unref();
    this.unsubscribe = this.s.events.subscribe(COMMAND_CHANNEL, () => this.refresh());
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Recomputes each group's figures (one run at a time; a notice during a run asks for one more). */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        for (const group of [...this.groups.values()]) {
          try {
            const figures = await wallFigures(this.s, group.actor);
            const { at: _at, ...rest } = figures;
            const signature = JSON.stringify(rest);
            if (signature === group.last) continue;
            group.last = signature;
            const text = frame(figures);
            for (const v of group.viewers) v.out.write(text);
          } catch (err) {
            console.error(`command wall: ${(err as Error).message}`);
          }
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  get size(): number {
    return this.streams.size;
  }

  close(): void {
    this.stop();
    this.streams.close();
    this.groups.clear();
  }
}

function frame(figures: unknown): string {
  return `event: figures\ndata: ${JSON.stringify(figures)}\n\n`;
}
