// The rule set's scheduled work on risk areas in a serving process: every ten minutes, decided
// approvals are applied, areas checked against the downgrade rules, and new arrivals of high and
// medium areas given their facts (the first run sweeps each area's whole look-back, later runs the
// check-ins since the previous run). Started by `cordon serve` / `start`, never by build(): tests
// call runRiskAreaRules with their own clock.
import type { Services } from '../services.ts';
import { runRiskAreaRules } from './riskareas.service.ts';

export const RISK_AREA_EVERY_MS = 10 * 60_000;

export interface RiskAreaJobOptions {
  log?: (message: string) => void;
  everyMs?: number;
}

/** Starts the job (it runs once at start); returns the function that stops it. */
export function startRiskAreaJobs(s: Services, options: RiskAreaJobOptions = {}): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  const every = options.everyMs ?? RISK_AREA_EVERY_MS;
  let running = false;
  let lastStart: number | null = null;
  const run = async () => {
    if (running) return; // the previous run is still going: skip this tick
    running = true;
    const startedAt = s.clock.now();
    try {
      // Overlap the previous run by a minute: a check-in committed while it ran is not missed.
      const done = await runRiskAreaRules(s, lastStart === null ? {} : { arrivalsSince: lastStart - 60_000 });
      lastStart = startedAt;
      for (const c of done.changes) log(`risk area ${c.name}: ${c.from} → ${c.to} (${done.ruleSet.id} ${c.rule})`);
      if (done.newArrivals) log(`risk areas: ${done.newArrivals} new arrivals given their facts`);
    } catch (err) {
      s.handle.faults.jobFailed('risk-area rules', err, log);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(run, every).unref();
  void run();
  return () => clearInterval(timer);
}
