// Scheduled venue work, run once across the server processes (src/platform/jobs.ts): every minute,
// visits past their dwell are closed (and live views told); every hour, check-ins older than the
// retention are purged (audited, only when there is something to delete); on PostgreSQL, every hour, the
// check-in table's day partitions are made for the days within the retention and a week ahead
// (checkin.partitions.ts), before the purge drops the old ones. Started by `cordon serve` /
// `start`, never by build(): tests drive these functions with their own clock, or tick a JobRunner.
import type { Services } from '../services.ts';
import { startJobs, type Job } from '../platform/jobs.ts';
import { closeExpiredVisits, purgeCheckins } from './venue.service.ts';
import { countCheckinsBefore } from './venue.store.ts';
import { ensurePartitions, PARTITION_AHEAD_DAYS } from './checkin.partitions.ts';

export const AUTO_CLOSE_EVERY_MS = 60_000;
export const PURGE_EVERY_MS = 3600_000;
export const PARTITIONS_EVERY_MS = 3600_000;
const DAY_MS = 86_400_000;

export interface VenueJobOptions {
  log?: (message: string) => void;
  autoCloseEveryMs?: number;
  purgeEveryMs?: number;
  partitionsEveryMs?: number;
}

/** PostgreSQL: the day partitions within the retention and a week ahead; returns those made. */
export async function makeCheckinPartitions(s: Services): Promise<string[]> {
  if (s.dialect !== 'postgres') return [];
  const now = s.clock.now();
  const made = await ensurePartitions(s.db, now - s.config.retentionDays * DAY_MS, now + PARTITION_AHEAD_DAYS * DAY_MS);
  return made.map((p) => p.name);
}

/** The purge, skipped (and not audited) when nothing is old enough. */
export async function purgeIfDue(s: Services): Promise<number> {
  const before = s.clock.now() - s.config.retentionDays * DAY_MS;
  if ((await countCheckinsBefore(s.db, before)) === 0) return 0;
  return (await purgeCheckins(s, before)).checkins;
}

/**
 * The venue jobs, in the order a runner's first tick runs them: first the closing of expired visits,
 * then the partitions (PostgreSQL), then the purge, so visits are closed — and live views told — before old ones are deleted.
 */
export function venueJobs(options: Omit<VenueJobOptions, 'log'> = {}): Job[] {
  return [
    {
      name: 'venues.close-expired-visits',
      everyMs: options.autoCloseEveryMs ?? AUTO_CLOSE_EVERY_MS,
      run: async (s) => {
        await closeExpiredVisits(s);
      },
    },
    {
      name: 'venues.checkin-partitions',
      everyMs: options.partitionsEveryMs ?? PARTITIONS_EVERY_MS,
      run: async (s) => {
        const made = await makeCheckinPartitions(s);
        return made.length ? `made check-in partitions ${made.join(', ')}` : null;
      },
    },
    {
      name: 'venues.checkin-purge',
      everyMs: options.purgeEveryMs ?? PURGE_EVERY_MS,
      run: async (s) => {
        const n = await purgeIfDue(s);
        return n ? `purged ${n} check-ins older than ${s.config.retentionDays} days` : null;
      },
    },
  ];
}

/** Starts the venue jobs on a runner of their own; returns the function that stops them. */
export function startVenueJobs(s: Services, options: VenueJobOptions = {}): () => void {
  return startJobs(s, venueJobs(options), { log: options.log });
}
