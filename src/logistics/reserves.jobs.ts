// The reserves' alert sweep as a scheduled job: once an hour across every process (src/platform/jobs.ts),
// the days of supply of each item per district are computed and alerts raised, kept current or cleared
// (reserves.service.ts sweepReserveAlerts). The figures themselves are computed on read; only the
// alerts, which the command centre reads as records, need the job.
import type { Job } from '../platform/jobs.ts';
import { sweepReserveAlerts } from './reserves.service.ts';

export const reserveJobs = (): Job[] => [
  {
    name: 'logistics.reserve-alerts',
    everyMs: 60 * 60_000,
    run: async (s, { startedAt }) => {
      const r = await sweepReserveAlerts(s, startedAt);
      return r.raised || r.cleared
        ? `reserves: ${r.raised} alert(s) raised, ${r.cleared} cleared, ${r.open} open`
        : null;
    },
  },
];
