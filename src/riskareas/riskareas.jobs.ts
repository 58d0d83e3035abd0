// The rule set's scheduled work on risk areas, run once across the server processes
// (src/platform/jobs.ts): every ten minutes, decided approvals are applied, areas checked against the
// downgrade rules, and new arrivals of high and medium areas given their facts (the deployment's first
// run sweeps each area's whole look-back, later runs the check-ins since the start of the latest
// successful run, on whichever process it ran). Started by `cordon serve` / `start`, never by build():
// tests call runRiskAreaRules with their own clock.
import type { Services } from '../services.ts';
import { startJobs, type Job } from '../platform/jobs.ts';
import { runRiskAreaRules } from './riskareas.service.ts';

export const RISK_AREA_EVERY_MS = 10 * 60_000;
/** Arrivals are read from this long before the previous run's start: a check-in committed while it ran is not missed. */
const OVERLAP_MS = 60_000;

export interface RiskAreaJobOptions {
  log?: (message: string) => void;
  everyMs?: number;
}

export function riskAreaJobs(options: Omit<RiskAreaJobOptions, 'log'> = {}): Job[] {
  return [
    {
      name: 'riskareas.rules',
      everyMs: options.everyMs ?? RISK_AREA_EVERY_MS,
      run: async (s, { lastOkAt }) => {
        const done = await runRiskAreaRules(s, lastOkAt === null ? {} : { arrivalsSince: lastOkAt - OVERLAP_MS });
        const lines = done.changes.map(
          (c) => `risk area ${c.name}: ${c.from} → ${c.to} (${done.ruleSet.id} ${c.rule})`,
        );
        if (done.newArrivals) lines.push(`risk areas: ${done.newArrivals} new arrivals given their facts`);
        return lines.join('\n') || null;
      },
    },
  ];
}

/** Starts the job on a runner of its own (it runs at start where due); returns the function that stops it. */
export function startRiskAreaJobs(s: Services, options: RiskAreaJobOptions = {}): () => void {
  return startJobs(s, riskAreaJobs(options), { log: options.log });
}
