// Scheduled care work in a serving process: every five minutes, check slots past their deadline
// without a check raise a missed_check alert for the site's medical staff. Every process runs it; the
// alert's unique key lets one insert through, so each missed slot is raised once across processes.
// Started by `cordon serve` / `start`, never by build(): tests call sweepMissedChecks with their clock.
import type { Services } from '../services.ts';
import { sweepMissedChecks } from './care.service.ts';

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
    } catch (err) {
      s.handle.faults.jobFailed('quarantine missed-check sweep', err, log);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.everyMs ?? CARE_SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
