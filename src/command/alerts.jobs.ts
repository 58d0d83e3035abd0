// The alert rules' scheduled run, once across the server processes (src/platform/jobs.ts), every
// rules/alerts.json `everyMinutes`. Started by `cordon serve`; tests call runAlerts with their clock.
import type { Job } from '../platform/jobs.ts';
import { alertPolicy } from './alerts.policy.ts';
import { runAlerts } from './alerts.service.ts';

export function commandJobs(options: { everyMs?: number } = {}): Job[] {
  return [
    {
      name: 'command.alerts',
      everyMs: options.everyMs ?? alertPolicy().everyMinutes * 60_000,
      run: async (s) => {
        const done = await runAlerts(s);
        return done.opened || done.cleared ? `command alerts: ${done.opened} opened, ${done.cleared} cleared` : null;
      },
    },
  ];
}
