// Venue rows in memory for the door's hot path (each check-in reads its venue). An entry is dropped
// when the venue changes: this process drops it right after its own change commits and tells the
// other server processes through s.events (Redis when REDIS_URL is set), which drop theirs. Entries
// also expire after a short time, a safety net for changes made by processes that share no event bus.
import type { Services } from '../services.ts';
import type { DbHandle } from '../db/connect.ts';
import * as store from './venue.store.ts';
import type { VenueRow } from './venue.store.ts';

export const VENUE_CHANNEL = 'cordon:venue';
/** How long a cached venue row is trusted without a change notice. */
export const VENUE_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  row: VenueRow | undefined;
  loadedAt: number;
}

class VenueCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every change notice: a read that began before it is not cached. */
  private generation = 0;

  constructor(private readonly s: Pick<Services, 'db' | 'events'>) {
    s.events.subscribe(VENUE_CHANNEL, (message) => {
      const id = (message as { venueId?: unknown } | null)?.venueId;
      this.forget(typeof id === 'string' ? id : null);
    });
  }

  async get(id: string): Promise<VenueRow | undefined> {
    const hit = this.entries.get(id);
    if (hit && performance.now() - hit.loadedAt < VENUE_CACHE_TTL_MS) return hit.row;
    const generation = this.generation;
    const row = await store.venueById(this.s.db, id);
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(id, { row, loadedAt: performance.now() });
    }
    return row;
  }

  /** Drops one venue (or all when null). */
  forget(id: string | null): void {
    this.generation += 1;
    if (id === null) this.entries.clear();
    else this.entries.delete(id);
  }
}

const caches = new WeakMap<DbHandle, VenueCache>();

function cacheOf(s: Pick<Services, 'db' | 'events' | 'handle'>): VenueCache {
  let cache = caches.get(s.handle);
  if (!cache) {
    cache = new VenueCache(s);
    caches.set(s.handle, cache);
  }
  return cache;
}

/** The venue row (with its area), from memory when fresh. Outside transactions only. */
export function cachedVenue(s: Pick<Services, 'db' | 'events' | 'handle'>, id: string): Promise<VenueRow | undefined> {
  return cacheOf(s).get(id);
}

/** Call after a change to the venue committed: every process drops its copy. */
export function venueChanged(s: Pick<Services, 'db' | 'events' | 'handle'>, venueId: string): void {
  cacheOf(s);
  s.events.publish(VENUE_CHANNEL, { venueId });
}
