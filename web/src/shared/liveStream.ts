// Live figures pushed by the server (server-sent events), and what a page does when they may be stale.
// Every stream carries `event: bus` frames: {"live": true} while the serving process hears every change,
// {"live": false} while its Redis is down (changes made on other server processes may be missing); the
// frame repeats every 15 s as the heartbeat. A stream counts as stale while the bus is not live, while
// the connection is lost (EventSource reconnects by itself) or when nothing came for SILENCE_MS (a new
// connection is opened then). Meanwhile the page shows <StaleBanner> and polls the REST figures
// (usePollWhileStale) until the stream is live again.
import { useEffect, useRef, useState } from 'react';
import type { Occupancy } from '../venues/types.ts';

/** The server's heartbeat (src/platform/sse.ts). */
export const HEARTBEAT_MS = 15_000;
/** No frame for this long: the stream is silently gone. */
export const SILENCE_MS = 2 * HEARTBEAT_MS + 5_000;
/** How often a stale page polls its figures. */
export const STALE_POLL_MS = 5_000;

export interface LiveStatus {
  /** The figures may be missing changes: show the banner and poll. */
  stale: boolean;
  /** When the stream last brought figures (ms), null before the first. */
  lastEventAt: number | null;
}

/** Listens to `url`'s events (name → handler of the data) and says whether the stream can be trusted. */
export function useLiveStream(url: string | null, handlers: Record<string, (data: string) => void>): LiveStatus {
  const current = useRef(handlers);
  current.current = handlers;
  const [stale, setStale] = useState(false);
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') return;
    let source: EventSource;
    let busLive = true;
    let connected = true;
    let silent = false;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const update = () => setStale(!connected || !busLive || silent);
    const arm = () => {
      clearTimeout(silence);
      // Nothing for SILENCE_MS: the connection is dead without saying so; open a new one.
      silence = setTimeout(() => {
        silent = true;
        update();
        source.close();
        open();
      }, SILENCE_MS);
    };
    const heard = () => {
      arm();
      if (silent) {
        silent = false;
        update();
      }
    };
    const open = () => {
      source = new EventSource(url);
      source.onopen = () => {
        connected = true;
        update();
      };
      source.onerror = () => {
        connected = false;
        update();
        // Refused outright (an error status, e.g. a proxy's 502): EventSource gives up; try again later.
        if (source.readyState === EventSource.CLOSED) {
          clearTimeout(silence);
          silence = setTimeout(open, STALE_POLL_MS);
        }
      };
      source.addEventListener('bus', (e: MessageEvent<string>) => {
        try {
          busLive = (JSON.parse(e.data) as { live?: unknown }).live !== false;
        } catch {
          // a malformed frame changes nothing; the next heartbeat says it again
        }
        heard();
        update();
      });
      for (const name of Object.keys(current.current)) {
        source.addEventListener(name, (e: MessageEvent<string>) => {
          heard();
          setLastEventAt(Date.now());
          current.current[name]?.(e.data);
        });
      }
      arm();
    };
    open();
    return () => {
      clearTimeout(silence);
      source.close();
      setStale(false);
    };
  }, [url]);
  return { stale, lastEventAt };
}

/** Live head-counts (GET /api/v1/live/occupancy): one `occupancy` event per change. */
export function useOccupancyStream(
  areaId: string | undefined,
  onChange: (o: Occupancy) => void,
  enabled = true,
): LiveStatus {
  const handler = useRef(onChange);
  handler.current = onChange;
  const url = enabled ? `/api/v1/live/occupancy${areaId ? `?areaId=${encodeURIComponent(areaId)}` : ''}` : null;
  return useLiveStream(url, {
    occupancy: (data) => {
      try {
        const o = JSON.parse(data) as Occupancy;
        if (o && typeof o.venueId === 'string') handler.current(o);
      } catch {
        // a malformed event is skipped; the next one carries the full count again
      }
    },
  });
}

/** While `stale`: reloads at once and every STALE_POLL_MS; once live again, reloads once to catch up. */
export function usePollWhileStale(stale: boolean, reload: () => void): void {
  const current = useRef(reload);
  current.current = reload;
  const wasStale = useRef(false);
  useEffect(() => {
    if (!stale) {
      if (wasStale.current) current.current();
      wasStale.current = false;
      return;
    }
    wasStale.current = true;
    current.current();
    const timer = setInterval(() => current.current(), STALE_POLL_MS);
    return () => clearInterval(timer);
  }, [stale]);
}

/** When `value` last changed (ms): the time of a page's last loaded figures. */
export function useChangedAt(value: unknown): number | null {
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => {
    if (value !== undefined && value !== null) setAt(Date.now());
  }, [value]);
  return at;
}

/** The later of two times, either possibly unknown. */
export function latest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
