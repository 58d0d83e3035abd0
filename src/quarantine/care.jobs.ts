// Scheduled care work in a serving process: every five minutes, check slots past their deadline
// without a check raise a missed_check alert for the site's medical staff, scheduled test days with no
// sample a missed_test alert, and today's test days of orders served at home open home-sampling tasks
// for the testing squad. Every process runs it; the alert's unique key, and the task's id made from
// the order and the date, let one insert through, so each is raised once across processes.
// Started by `cordon serve` / `start`, never by build(): tests call sweepMissedChecks with their clock.
import type { Services } from '../services.ts';
import { sweepMissedChecks, sweepMissedTests } from './care.service.ts';
import { openHomeSamplingTasks } from './home.service.ts';

export const CARE_SWEEP_EVERY_MS = 5 * 60_000;

export function startCareJobs(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const n = await sweepMissedChecks(s);
      if (n) log(`quarantine: ${n} missed check(s) raised as alerts`);
      const t = await sweepMissedTests(s);
      if (t) log(`quarantine: ${t} missed test day(s) raised as alerts`);
      const h = await openHomeSamplingTasks(s);
      if (h.created) log(`quarantine: ${h.created} home sampling task(s) for today's test days`);
    } catch (err) {
      s.handle.faults.jobFailed('quarantine care sweep', err, log);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.everyMs ?? CARE_SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
