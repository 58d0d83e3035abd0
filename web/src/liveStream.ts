// Live head-counts pushed by the server (GET /api/v1/live/occupancy, server-sent events): one
// `occupancy` event per change. EventSource reconnects by itself after a network drop.
import { useEffect, useRef } from 'react';
import type { Occupancy } from './types.ts';

export function useOccupancyStream(areaId: string | undefined, onChange: (o: Occupancy) => void, enabled = true): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const qs = areaId ? `?areaId=${encodeURIComponent(areaId)}` : '';
    const source = new EventSource(`/api/v1/live/occupancy${qs}`);
    const listener = (e: MessageEvent<string>) => {
      try {
        const o = JSON.parse(e.data) as Occupancy;
        if (o && typeof o.venueId === 'string') handler.current(o);
      } catch {
        // a malformed event is skipped; the next one carries the full count again
      }
    };
    source.addEventListener('occupancy', listener);
    return () => {
      source.removeEventListener('occupancy', listener);
      source.close();
    };
  }, [areaId, enabled]);
}
