// The scheduled anchor of the audit chain in a serving process: every CORDON_AUDIT_ANCHOR_MINUTES
// (10 by default) a signed head is appended to the anchor directory, so all processes of a deployment
// must share the directory (a shared mount) or each ship theirs to the same place.
//
// Two leases, on purpose. The job runner's (jobs.ts) runs the check on one process at a time, a few
// times per period, and shows its outcome in the health report. The period itself is claimed by the
// lease on the head row (audit_head.anchored_at, audit.anchors.ts), whose conditional update returns
// the head it moved in the same statement: the anchor signs exactly the head it claimed, and an anchor
// written by `cordon audit` or by a process of an older release counts for the period too.
// Started by `cordon serve` / `start`, never by build(): tests call anchorIfDue with their own clock.
import type { Services } from '../services.ts';
import { anchorIfDue } from './audit.anchors.ts';
import { startJobs, type Job } from './jobs.ts';

/** The anchor job (none when anchors are switched off); `everyMs` overrides the configured period. */
export function auditAnchorJobs(s: Services, options: { everyMs?: number } = {}): Job[] {
  const every = options.everyMs ?? s.config.auditAnchors.everyMs;
  if (every <= 0) return [];
  return [
    {
      name: 'audit.anchor',
      // Checked a few times per period, so an anchor is at most a check late.
      everyMs: Math.max(1000, Math.floor(every / 4)),
      run: async (s) => {
        await anchorIfDue(s, every);
      },
    },
  ];
}

/** Starts the job on a runner of its own; returns the function that stops it. */
export function startAuditAnchorJob(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  const jobs = auditAnchorJobs(s, options);
  return jobs.length ? startJobs(s, jobs, { log: options.log }) : () => {};
}
