// Scheduled health-code work in a serving process: every minute, colours whose end condition has been
// reached (a quarantine over, a manual change ended) are recomputed and the change recorded with its
// basis; after the active rule set changes, everyone with a fact or a colour is recomputed under it.
// The door already shows the right colour before (reasons past their end do not count there).
// Started by `cordon serve` / `start`, never by build(): tests call sweepEndConditions with their clock.
import type { Services } from '../services.ts';
import { recomputeIfRuleSetChanged, sweepEndConditions } from './health.service.ts';

export const SWEEP_EVERY_MS = 60_000;

export function startHealthJobs(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const re = await recomputeIfRuleSetChanged(s);
      if (re?.changes)
        log(
          `health: rule set ${re.ruleSet.id} ${re.ruleSet.version} in force, ${re.changes} colour change(s) recorded`,
        );
      const n = await sweepEndConditions(s);
      if (n) log(`health: ${n} colour change(s) recorded at their end condition`);
    } catch (err) {
      s.handle.faults.jobFailed('health sweep', err, log);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.everyMs ?? SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
