// Scheduled care work, run once across the server processes (src/platform/jobs.ts): every five
// minutes, check slots past their deadline without a check raise a missed_check alert for the site's
// medical staff, scheduled test days with no sample a missed_test alert, and today's test days of
// orders served at home open home-sampling tasks for the testing squad. The alert's unique key, and
// the task's id made from the order and the date, keep each one single even if two runs overlapped.
// Started by `cordon serve` / `start`, never by build(): tests call the sweeps with their clock.
import type { Services } from '../services.ts';
import { startJobs, type Job } from '../platform/jobs.ts';
import { sweepMissedChecks } from './care.service.ts';

export const CARE_SWEEP_EVERY_MS = 5 * 60_000;

export function careJobs(options: { everyMs?: number } = {}): Job[] {
  return [
    {
      name: 'quarantine.care-sweep',
      everyMs: options.everyMs ?? CARE_SWEEP_EVERY_MS,
      run: async (s) => {
        const n = await sweepMissedChecks(s);
        return n ? `quarantine: ${n} missed check(s) raised as alerts` : null;
      },
    },
  ];
}

/** Starts the care jobs on a runner of their own; returns the function that stops them. */
export function startCareJobs(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  return startJobs(s, careJobs(options), { log: options.log });
}
