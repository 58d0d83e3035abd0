// Scheduled venue work in a serving process: every minute, visits past their dwell are closed (and
// live views told); every hour, check-ins older than the retention are purged (audited, only when
// there is something to delete). Started by `cordon serve` / `start`, never by build(): tests drive
// these functions with their own clock.
import type { Services } from '../services.ts';
import { closeExpiredVisits, purgeCheckins } from './venue.service.ts';
import { countCheckinsBefore } from './venue.store.ts';

export const AUTO_CLOSE_EVERY_MS = 60_000;
export const PURGE_EVERY_MS = 3600_000;
const DAY_MS = 86_400_000;

export interface VenueJobOptions {
  log?: (message: string) => void;
  autoCloseEveryMs?: number;
  purgeEveryMs?: number;
}

/** The purge, skipped (and not audited) when nothing is old enough. */
export async function purgeIfDue(s: Services): Promise<number> {
  const before = s.clock.now() - s.config.retentionDays * DAY_MS;
  if ((await countCheckinsBefore(s.db, before)) === 0) return 0;
  return (await purgeCheckins(s, before)).checkins;
}

/**
 * Starts both jobs (each runs once at start: first the closing of expired visits, then the purge, so
 * visits are closed — and live views told — before old ones are deleted); returns the function that
 * stops them.
 */
export function startVenueJobs(s: Services, options: VenueJobOptions = {}): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  const every = (ms: number, name: string, job: () => Promise<string | null>): Promise<void> => {
    let running = false;
    const run = async () => {
      if (running) return; // the previous run is still going: skip this tick
      running = true;
      try {
        const done = await job();
        if (done) log(done);
      } catch (err) {
        s.handle.faults.jobFailed(name, err, log);
      } finally {
        running = false;
      }
    };
    timers.push(setInterval(run, ms).unref());
    return run();
  };
  const firstClose = every(options.autoCloseEveryMs ?? AUTO_CLOSE_EVERY_MS, 'closing expired visits', async () => {
    await closeExpiredVisits(s);
    return null;
  });
  void firstClose.then(() => {
    if (stopped) return;
    void every(options.purgeEveryMs ?? PURGE_EVERY_MS, 'check-in purge', async () => {
      const n = await purgeIfDue(s);
      return n ? `purged ${n} check-ins older than ${s.config.retentionDays} days` : null;
    });
  });
  return () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
  };
}
