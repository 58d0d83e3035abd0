// Faults of the database underneath, told apart from the application's own errors: a full disk
// (SQLITE_FULL, ENOSPC, PostgreSQL 53100 disk_full), a connection the server or the network dropped
// (ECONNRESET, 57P01 admin_shutdown, "Connection terminated", …) and a timeout. The HTTP layer answers
// them 503 with their own codes (src/ops/ops.schema.ts); the fault log remembers the last one of each
// kind for the health report and writes each kind to the log once per interval, not once per request.

export type FaultKind = 'storage-full' | 'connection-lost' | 'timeout';

const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', '53100', 'EDQUOT']);

/** Node socket errors and PostgreSQL's "connection exception" class (08) and operator intervention (57P0x). */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '25P03',
]);

/** pg's own errors carry no code: they are known by their message. */
const CONNECTION_MESSAGES = [
  'connection terminated',
  'connection error and is not queryable',
  'client was closed and is not queryable',
  'not queryable',
  'cannot use a pool after calling end',
  'terminating connection',
];
const TIMEOUT_MESSAGES = ['timeout exceeded when trying to connect', 'connection timeout', 'query read timeout'];

function oneFault(err: unknown): FaultKind | null {
  if (!err || typeof err !== 'object') return null;
  const code = String((err as { code?: unknown }).code ?? '');
  const message = String((err as { message?: unknown }).message ?? '').toLowerCase();
  if (STORAGE_FULL_CODES.has(code) || message.includes('database or disk is full')) return 'storage-full';
  // 57014 query_canceled: statement_timeout (a cancel by hand is answered the same way).
  if (code === '57014' || TIMEOUT_MESSAGES.some((m) => message.includes(m))) return 'timeout';
  if (CONNECTION_CODES.has(code) || CONNECTION_MESSAGES.some((m) => message.includes(m))) return 'connection-lost';
  return null;
}

/** The kind of database fault the error is (looking through its causes), or null for any other error. */
export function faultOf(err: unknown): FaultKind | null {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth += 1) {
    const kind = oneFault(e);
    if (kind) return kind;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export interface FaultSeen {
  /** When it was last seen (ms). */
  at: number;
  /** The last one's message (never a connection string). */
  message: string;
  /** How many were seen since the last log line. */
  unlogged: number;
}

/** How often a kind of fault is written to the log at most. */
export const FAULT_LOG_EVERY_MS = 60_000;

/**
 * The last fault of each kind, logged once per interval with the count of those not logged in between.
 * Time is the wall clock (`now` injectable): this paces log lines, it decides nothing of the domain.
 */
export class FaultLog {
  private readonly seen = new Map<FaultKind, FaultSeen>();
  private readonly logged = new Map<FaultKind, number>();

  constructor(
    private log: (message: string) => void = (m) => console.error(m),
    private readonly everyMs = FAULT_LOG_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Where the log lines go (the server hands its logger once it has one). */
  setLogger(log: (message: string) => void): void {
    this.log = log;
  }

  /** Records the fault; logs it unless the same kind was logged within the interval. */
  note(kind: FaultKind, err: unknown, where = ''): void {
    const at = this.now();
    const message = String((err as Error)?.message ?? err);
    const previous = this.seen.get(kind);
    const unlogged = (previous?.unlogged ?? 0) + 1;
    this.seen.set(kind, { at, message, unlogged });
    const last = this.logged.get(kind);
    if (last !== undefined && at - last < this.everyMs) return;
    this.logged.set(kind, at);
    const more = unlogged > 1 ? ` (${unlogged - 1} more since the last report)` : '';
    this.log(`database ${kind}${where ? ` (${where})` : ''}: ${message}${more}`);
    this.seen.set(kind, { at, message, unlogged: 0 });
  }

  /**
   * A background job's failure: a database fault is noted (logged once per interval, the job tries
   * again on its next tick); any other error goes to `otherwise` as the job's own failure.
   */
  jobFailed(where: string, err: unknown, otherwise: (message: string) => void): void {
    const kind = faultOf(err);
    if (kind) this.note(kind, err, where);
    else otherwise(`${where} failed: ${(err as Error)?.message ?? err}`);
  }

  /** The last fault of the kind if seen within `withinMs`, else null. */
  recent(kind: FaultKind, withinMs = this.everyMs): FaultSeen | null {
    const f = this.seen.get(kind);
    return f && this.now() - f.at <= withinMs ? f : null;
  }
}
