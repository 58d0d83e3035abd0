// Scheduled care work, run once across the server processes (src/platform/jobs.ts): every five
// minutes, check slots past their deadline without a check raise a missed_check alert for the site's
// medical staff, scheduled test days with no sample a missed_test alert, and today's test days of
// orders served at home open home-sampling tasks for the testing squad. The alert's unique key, and
// the task's id made from the order and the date, keep each one single even if two runs overlapped.
// Started by `cordon serve` / `start`, never by build(): tests call the sweeps with their clock.
import type { Services } from '../services.ts';
import { startJobs, type Job } from '../platform/jobs.ts';
import { sweepMissedChecks, sweepMissedTests } from './care.service.ts';
import { openHomeSamplingTasks } from './home.service.ts';

export const CARE_SWEEP_EVERY_MS = 5 * 60_000;

export function careJobs(options: { everyMs?: number } = {}): Job[] {
  return [
    {
      name: 'quarantine.care-sweep',
      everyMs: options.everyMs ?? CARE_SWEEP_EVERY_MS,
      run: async (s) => {
        const lines: string[] = [];
        const n = await sweepMissedChecks(s);
        if (n) lines.push(`quarantine: ${n} missed check(s) raised as alerts`);
        const t = await sweepMissedTests(s);
        if (t) lines.push(`quarantine: ${t} missed test day(s) raised as alerts`);
        const h = await openHomeSamplingTasks(s);
        if (h.created) lines.push(`quarantine: ${h.created} home sampling task(s) for today's test days`);
        return lines.join('\n') || null;
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
