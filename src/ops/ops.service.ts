// The health report: each dependency probed with its own time limit (a hanging database or disk
// answers "down" within the limit, never holds the report), then the overall status (ops.rules.ts).
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Services } from '../services.ts';
import { VERSION } from '../version.ts';
import { writerHealth } from '../venues/checkin.ingest.ts';
import { visitIndexState } from '../tracing/trace.index.start.ts';
import { jobStatuses } from '../platform/jobs.ts';
import { overallStatus } from './ops.rules.ts';
import type { HealthChecks, HealthReport, JobView, Readiness } from './ops.schema.ts';

/** Each probe's time limit. */
export const PROBE_MS = 2000;
/** A full disk seen within this long makes the database not writable in the report. */
export const STORAGE_FULL_MEMORY_MS = 60_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

const message = (err: unknown) => (err as Error)?.message ?? String(err);

async function probeDatabase(s: Services, ms: number): Promise<HealthChecks['database']> {
  const full = s.handle.faults.recent('storage-full', STORAGE_FULL_MEMORY_MS);
  try {
    let readOnly = false;
    let why = '';
    if (s.dialect === 'postgres') {
      // A standby (after a failover the URL may point at one) answers reads and refuses every write.
      const { rows } = await withTimeout(
        sql<{ recovery: boolean; read_only: string }>`
        select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') as read_only`.execute(s.db),
        ms,
        'the database',
      );
      readOnly = !!rows[0]?.recovery || rows[0]?.read_only === 'on';
      if (readOnly) why = 'the database is read-only (a standby?)';
    } else {
      await withTimeout(sql`select 1`.execute(s.db), ms, 'the database');
      readOnly = !!s.handle.sqlite?.readonly;
      if (readOnly) why = 'the database file is open read-only';
    }
    if (full) return { status: 'up', writable: false, detail: `disk full: ${full.message}` };
    return { status: 'up', writable: !readOnly, ...(why ? { detail: why } : {}) };
  } catch (err) {
    return { status: 'down', writable: false, detail: message(err) };
  }
}

async function probeDisk(s: Services, ms: number): Promise<HealthChecks['disk']> {
  const minFreeBytes = s.config.diskMinFreeBytes;
  const full = s.handle.faults.recent('storage-full', STORAGE_FULL_MEMORY_MS);
  let freeBytes: number | null = null;
  let detail: string | undefined;
  try {
    const st = await withTimeout(fs.promises.statfs(s.config.dataDir), ms, 'the data directory');
    freeBytes = Number(st.bavail) * Number(st.bsize);
  } catch (err) {
    detail = message(err);
  }
  if (full) return { status: 'full', freeBytes, minFreeBytes, detail: full.message };
  if (freeBytes === null) return { status: 'unknown', freeBytes, minFreeBytes, ...(detail ? { detail } : {}) };
  return { status: freeBytes < minFreeBytes ? 'low' : 'ok', freeBytes, minFreeBytes };
}

/** The jobs' leases; with `details`, the holder and the last error (they name hosts and may quote data). */
async function jobViews(s: Services, ms: number, details: boolean): Promise<JobView[]> {
  try {
    const jobs = await withTimeout(jobStatuses(s.db, s.clock.now()), ms, 'the database');
    return jobs.map(({ holder, lastError, ...rest }) => (details ? { ...rest, holder, lastError } : rest));
  } catch {
    return []; // the database check says why
  }
}

/** Each check without its `detail` (error messages may name internal hosts and ports). */
function withoutDetails(checks: HealthChecks): HealthChecks {
  const strip = <T extends { detail?: string }>({ detail: _detail, ...rest }: T) => rest as T;
  return {
    database: strip(checks.database),
    redis: strip(checks.redis),
    checkinWriter: strip(checks.checkinWriter),
    disk: strip(checks.disk),
    tracingIndex: strip(checks.tracingIndex),
  };
}

/**
 * Every dependency's state and the overall status; bounded by PROBE_MS whatever hangs. `details`:
 * with each check's last error message (for the deployment's administrators only).
 */
export async function healthReport(
  s: Services,
  options: { details?: boolean; probeMs?: number } = {},
): Promise<HealthReport> {
  const probeMs = options.probeMs ?? PROBE_MS;
  const [database, disk, jobs] = await Promise.all([
    probeDatabase(s, probeMs),
    probeDisk(s, probeMs),
    jobViews(s, probeMs, !!options.details),
  ]);
  const bus = s.events.health();
  const checks: HealthChecks = {
    database,
    redis: { status: bus.redis, ...(bus.detail ? { detail: bus.detail } : {}) },
    checkinWriter: writerHealth(s),
    disk,
    tracingIndex: visitIndexState(s),
  };
  return {
    status: overallStatus(checks).status,
    db: s.dialect,
    version: VERSION,
    checks: options.details ? checks : withoutDetails(checks),
    jobs,
  };
}

/** Ready for traffic unless a check is down; a degraded server still serves. */
export async function readiness(s: Services, probeMs = PROBE_MS): Promise<Readiness> {
  const report = await healthReport(s, { probeMs });
  const { down } = overallStatus(report.checks);
  return { ready: down.length === 0, status: report.status, reasons: down };
}
