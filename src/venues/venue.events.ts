// Occupancy change notices: published after every committed check-in, exit and auto-close, carried by
// s.events (in-process, and across nodes through Redis when REDIS_URL is set). A notice says only
// which venue changed; live views read the fresh count from the database, the source of truth.
import type { Services } from '../services.ts';

export const OCCUPANCY_CHANNEL = 'cordon:occupancy';

export interface OccupancyNotice {
  venueId: string;
}

/** Call after the change has committed. */
export function publishOccupancy(s: Pick<Services, 'events'>, venueIds: Iterable<string>): void {
  for (const venueId of new Set(venueIds)) s.events.publish(OCCUPANCY_CHANNEL, { venueId } satisfies OccupancyNotice);
}

export function onOccupancy(s: Pick<Services, 'events'>, listener: (venueId: string) => void): () => void {
  return s.events.subscribe(OCCUPANCY_CHANNEL, (message) => {
    const venueId = (message as Partial<OccupancyNotice> | null)?.venueId;
    if (typeof venueId === 'string') listener(venueId);
  });
}
