// The scheduled anchor of the audit chain in a serving process: every CORDON_AUDIT_ANCHOR_MINUTES
// (10 by default) a signed head is appended to the anchor directory. Every process tries; the lease
// on the head row lets one of them write per period, so all processes of a deployment must share the
// directory (a shared mount) or each ship theirs to the same place. Started by `cordon serve` /
// `start`, never by build(): tests call anchorIfDue with their own clock.
import type { Services } from '../services.ts';
import { anchorIfDue } from './audit.anchors.ts';

/** Starts the job (it runs once at start); returns the function that stops it. */
export function startAuditAnchorJob(
  s: Services,
  options: { log?: (message: string) => void; everyMs?: number } = {},
): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  const every = options.everyMs ?? s.config.auditAnchors.everyMs;
  if (every <= 0) return () => {};
  let running = false;
  const run = async () => {
    if (running) return; // the previous run is still going: skip this tick
    running = true;
    try {
      await anchorIfDue(s, every);
    } catch (err) {
      log(`audit anchor failed: ${(err as Error)?.message ?? err}`);
    } finally {
      running = false;
    }
  };
  void run();
  // Ticks a little more often than the period, so an anchor is at most a tick late.
  const timer = setInterval(() => void run(), Math.max(1000, Math.floor(every / 4)));
  timer.unref();
  return () => clearInterval(timer);
}
