// Scheduled health-code work, run once across the server processes (src/platform/jobs.ts): every
// minute, colours whose end condition has been reached (a quarantine over, a manual change ended) are
// recomputed and the change recorded with its basis; after the active rule set changes, everyone with
// a fact or a colour is recomputed under it. The door already shows the right colour before (reasons
// past their end do not count there). Started by `cordon serve` / `start`, never by build(): tests
// call sweepEndConditions with their clock.
import type { Services } from '../services.ts';
import { startJobs, type Job } from '../platform/jobs.ts';
import { recomputeIfRuleSetChanged, sweepEndConditions } from './health.service.ts';

export const SWEEP_EVERY_MS = 60_000;

export function healthJobs(options: { everyMs?: number } = {}): Job[] {
  return [
    {
      name: 'health.end-conditions',
      everyMs: options.everyMs ?? SWEEP_EVERY_MS,
      run: async (s) => {
        const lines: string[] = [];
        const re = await recomputeIfRuleSetChanged(s);
        if (re?.changes)
          lines.push(
            `health: rule set ${re.ruleSet.id} ${re.ruleSet.version} in force, ${re.changes} colour change(s) recorded`,
          );
        const n = await sweepEndConditions(s);
        if (n) lines.push(`health: ${n} colour change(s) recorded at their end condition`);
        return lines.join('\n') || null;
      },
    },
  ];
}

/** Starts the health jobs on a runner of their own; returns the function that stops them. */
export function startHealthJobs(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  return startJobs(s, healthJobs(options), { log: options.log });
}
