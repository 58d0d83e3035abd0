// Scoring stored projections, run once across the server processes (src/platform/jobs.ts): every
// scoring.everyMinutes (rules/decision.json), each projection whose last day ended settleDays ago is
// scored against the cases by onset of its days. Scoring a row is a conditional update (only while
// unscored), so two overlapping runs score it once. Started by `cordon serve` / `start`.
import type { Job } from '../platform/jobs.ts';
import { decisionPolicy } from './decision.policy.ts';
import { scoreDueProjections } from './decision.service.ts';

export function decisionJobs(options: { everyMs?: number } = {}): Job[] {
  return [
    {
      name: 'decision.score-projections',
      everyMs: options.everyMs ?? decisionPolicy().scoring.everyMinutes * 60_000,
      run: async (s) => {
        const n = await scoreDueProjections(s);
        return n ? `decision: ${n} projection(s) scored` : null;
      },
    },
  ];
}
