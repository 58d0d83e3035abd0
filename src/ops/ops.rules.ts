// Pure decisions of operations: which answer a database fault gets, and the overall health status
// from each dependency's.
import type { FaultKind } from '../db/faults.ts';
import type { HealthChecks, HealthStatus } from './ops.schema.ts';

/** The error code and the Retry-After (seconds) a request that met the fault is answered with. */
export function faultAnswer(kind: FaultKind): {
  code: 'STORAGE_FULL' | 'DB_UNAVAILABLE' | 'DB_TIMEOUT';
  retryAfterS: number;
} {
  if (kind === 'storage-full') return { code: 'STORAGE_FULL', retryAfterS: 60 };
  if (kind === 'timeout') return { code: 'DB_TIMEOUT', retryAfterS: 5 };
  return { code: 'DB_UNAVAILABLE', retryAfterS: 5 };
}

/**
 * The checks that make the server unable to serve (down): the database unreachable or not writable,
 * the disk full, the check-in writer stopped. Then those that make it degraded: Redis down (live views
 * of other processes go stale), the disk low, the tracing index failed (tracing falls back to SQL).
 */
export function overallStatus(c: HealthChecks): { status: HealthStatus; down: string[]; degraded: string[] } {
  const down: string[] = [];
  const degraded: string[] = [];
  if (c.database.status === 'down') down.push('database');
  else if (!c.database.writable) down.push('database not writable');
  if (c.disk.status === 'full') down.push('disk full');
  if (c.checkinWriter.status === 'down') down.push('check-in writer');
  if (c.redis.status === 'down') degraded.push('redis');
  if (c.disk.status === 'low') degraded.push('disk low');
  if (c.tracingIndex.status === 'failed') degraded.push('tracing index');
  return { status: down.length ? 'down' : degraded.length ? 'degraded' : 'ok', down, degraded };
}
