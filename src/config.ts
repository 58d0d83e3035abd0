// One typed configuration, read from the environment (and CLI flags that override it).
import path from 'node:path';

export interface Config {
  /** Where the SQLite file, generated keys and exports live. */
  dataDir: string;
  /** PostgreSQL connection string; when absent Cordon uses embedded SQLite in dataDir. */
  databaseUrl?: string;
  /** Redis connection string for cross-node events and occupancy (later issues). */
  redisUrl?: string;
  host: string;
  port: number;
  /** Days after which check-ins are purged. */
  retentionDays: number;
  /** Base64 32-byte keys; generated into dataDir/keys.json on first start when not given. */
  secrets: { dataKey?: string; lookupKey?: string };
  /** Session lifetime in milliseconds. */
  sessionTtlMs: number;
  /** Failed logins before an account is locked, and for how long. */
  lockout: { maxFailures: number; lockMs: number };
  /** Time zone for display and day boundaries. */
  timeZone: string;
  /** Cookies get the Secure flag (set behind HTTPS). */
  secureCookies: boolean;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you run). */
  trustProxy: boolean;
  logLevel: string;
  /** Timeouts towards PostgreSQL, in milliseconds (0: none). */
  pgTimeouts: PgTimeouts;
  /** Free space of the data directory under which health reports the disk as low (bytes). */
  diskMinFreeBytes: number;
}

export interface PgTimeouts {
  /** Opening a connection (TCP, TLS and the start-up handshake). */
  connectMs: number;
  /** One statement on the server (statement_timeout). */
  statementMs: number;
  /** A transaction left open with nothing running (idle_in_transaction_session_timeout). */
  idleInTransactionMs: number;
}

/** The defaults of the timeouts towards PostgreSQL. */
export const PG_TIMEOUTS: PgTimeouts = { connectMs: 10_000, statementMs: 120_000, idleInTransactionMs: 60_000 };

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    dataDir: path.resolve(env.CORDON_DATA_DIR ?? 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    host: env.HOST ?? '0.0.0.0',
    port: int(env.PORT, 8080, 'PORT'),
    retentionDays: int(env.CORDON_RETENTION_DAYS, 28, 'CORDON_RETENTION_DAYS'),
    secrets: { dataKey: env.CORDON_DATA_KEY || undefined, lookupKey: env.CORDON_LOOKUP_KEY || undefined },
    sessionTtlMs: int(env.CORDON_SESSION_HOURS, 12, 'CORDON_SESSION_HOURS') * 3600_000,
    lockout: {
      maxFailures: int(env.CORDON_LOCKOUT_FAILURES, 5, 'CORDON_LOCKOUT_FAILURES'),
      lockMs: int(env.CORDON_LOCKOUT_MINUTES, 15, 'CORDON_LOCKOUT_MINUTES') * 60_000,
    },
    timeZone: env.CORDON_TIME_ZONE ?? 'Asia/Shanghai',
    secureCookies: env.CORDON_SECURE_COOKIES === '1',
    trustProxy: env.CORDON_TRUST_PROXY === '1',
    logLevel: env.LOG_LEVEL ?? 'warn',
    pgTimeouts: {
      connectMs: int(env.CORDON_PG_CONNECT_TIMEOUT_MS, PG_TIMEOUTS.connectMs, 'CORDON_PG_CONNECT_TIMEOUT_MS'),
      statementMs: int(env.CORDON_PG_STATEMENT_TIMEOUT_MS, PG_TIMEOUTS.statementMs, 'CORDON_PG_STATEMENT_TIMEOUT_MS'),
      idleInTransactionMs: int(env.CORDON_PG_IDLE_TX_TIMEOUT_MS, PG_TIMEOUTS.idleInTransactionMs, 'CORDON_PG_IDLE_TX_TIMEOUT_MS'),
    },
    diskMinFreeBytes: int(env.CORDON_DISK_MIN_FREE_MB, 1024, 'CORDON_DISK_MIN_FREE_MB') * 1024 * 1024,
  };
  return { ...config, ...overrides };
}
