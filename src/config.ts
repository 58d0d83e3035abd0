// One typed configuration, read from the environment (and CLI flags that override it). Every
// environment variable Cordon reads is read here; the README's configuration table lists them.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Lang } from './platform/errors.ts';

export interface Config {
  /** Where the SQLite file, generated keys and exports live. */
  dataDir: string;
  /** PostgreSQL connection string; when absent Cordon uses embedded SQLite in dataDir. */
  databaseUrl?: string;
  /** Redis connection string for cross-node events and occupancy (later issues). */
  redisUrl?: string;
  /**
   * Put before every Redis channel (CORDON_REDIS_PREFIX); when absent, derived from the database this
   * deployment uses (redisPrefix), so deployments sharing one Redis do not hear each other.
   */
  redisPrefix?: string;
  host: string;
  port: number;
  /** Days after which check-ins are purged. */
  retentionDays: number;
  /** Base64 32-byte keys; generated into dataDir/keys.json on first start when not given. */
  secrets: { dataKey?: string; lookupKey?: string; auditKey?: string };
  /**
   * Signed heads of the audit chain written outside the database: the directory (append-only files,
   * shared by every process of one deployment) and how often the serving processes write one (0: only
   * `cordon audit anchor`); `stdout`: also print each anchor as one line to stdout, for syslog/journald.
   */
  auditAnchors: { dir: string; everyMs: number; stdout: boolean };
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
  /** SMS gateway for one-time codes; without a URL codes go to the server log (development only). */
  sms: { url?: string; token?: string; timeoutMs: number };
  /** Timeouts towards PostgreSQL, in milliseconds (0: none). */
  pgTimeouts: PgTimeouts;
  /** Free space of the data directory under which health reports the disk as low (bytes). */
  diskMinFreeBytes: number;
  /** People in the demo city seeded on the first start of an empty database (CORDON_DEMO_PEOPLE). */
  demoPeople: number;
  /** The font file venue posters are set in (CORDON_CJK_FONT); absent: Noto Sans CJK, found on the system. */
  cjkFont?: string;
  /** The server's public address, for posters printed with `cordon venue poster` (CORDON_PUBLIC_URL). */
  publicUrl?: string;
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
    redisPrefix: env.CORDON_REDIS_PREFIX || undefined,
    host: env.HOST ?? '0.0.0.0',
    port: int(env.PORT, 8080, 'PORT'),
    retentionDays: int(env.CORDON_RETENTION_DAYS, 28, 'CORDON_RETENTION_DAYS'),
    secrets: {
      dataKey: env.CORDON_DATA_KEY || undefined,
      lookupKey: env.CORDON_LOOKUP_KEY || undefined,
      auditKey: env.CORDON_AUDIT_KEY || undefined,
    },
    auditAnchors: {
      // Without CORDON_AUDIT_ANCHOR_DIR: audit-anchors in the data dir (set below, after overrides).
      dir: env.CORDON_AUDIT_ANCHOR_DIR ? path.resolve(env.CORDON_AUDIT_ANCHOR_DIR) : '',
      everyMs: int(env.CORDON_AUDIT_ANCHOR_MINUTES, 10, 'CORDON_AUDIT_ANCHOR_MINUTES') * 60_000,
      stdout: env.CORDON_AUDIT_ANCHOR_STDOUT === '1',
    },
    sessionTtlMs: int(env.CORDON_SESSION_HOURS, 12, 'CORDON_SESSION_HOURS') * 3600_000,
    lockout: {
      maxFailures: int(env.CORDON_LOCKOUT_FAILURES, 5, 'CORDON_LOCKOUT_FAILURES'),
      lockMs: int(env.CORDON_LOCKOUT_MINUTES, 15, 'CORDON_LOCKOUT_MINUTES') * 60_000,
    },
    timeZone: env.CORDON_TIME_ZONE ?? 'Asia/Shanghai',
    secureCookies: env.CORDON_SECURE_COOKIES === '1',
    trustProxy: env.CORDON_TRUST_PROXY === '1',
    logLevel: env.LOG_LEVEL ?? 'warn',
    sms: {
      url: env.CORDON_SMS_URL || undefined,
      token: env.CORDON_SMS_TOKEN || undefined,
      timeoutMs: int(env.CORDON_SMS_TIMEOUT_MS, 5000, 'CORDON_SMS_TIMEOUT_MS'),
    },
    pgTimeouts: {
      connectMs: int(env.CORDON_PG_CONNECT_TIMEOUT_MS, PG_TIMEOUTS.connectMs, 'CORDON_PG_CONNECT_TIMEOUT_MS'),
      statementMs: int(env.CORDON_PG_STATEMENT_TIMEOUT_MS, PG_TIMEOUTS.statementMs, 'CORDON_PG_STATEMENT_TIMEOUT_MS'),
      idleInTransactionMs: int(
        env.CORDON_PG_IDLE_TX_TIMEOUT_MS,
        PG_TIMEOUTS.idleInTransactionMs,
        'CORDON_PG_IDLE_TX_TIMEOUT_MS',
      ),
    },
    diskMinFreeBytes: int(env.CORDON_DISK_MIN_FREE_MB, 1024, 'CORDON_DISK_MIN_FREE_MB') * 1024 * 1024,
    demoPeople: int(env.CORDON_DEMO_PEOPLE, 20_000, 'CORDON_DEMO_PEOPLE'),
    cjkFont: env.CORDON_CJK_FONT || undefined,
    publicUrl: env.CORDON_PUBLIC_URL || undefined,
  };
  const merged = { ...config, ...overrides };
  if (!merged.auditAnchors.dir)
    merged.auditAnchors = { ...merged.auditAnchors, dir: path.join(merged.dataDir, 'audit-anchors') };
  return merged;
}

/** The language of the `cordon` command's messages: Chinese when LANG names a Chinese locale, else English. */
export function terminalLang(env: NodeJS.ProcessEnv = process.env): Lang {
  return (env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/**
 * The deployment's Redis prefix: CORDON_REDIS_PREFIX when set, else `cordon:` and a hash of the
 * database's identity — the SQLite file's path, or DATABASE_URL without its password (with the schema
 * when one is given) — so every process on one database shares it and other deployments do not.
 * Processes that spell the same database differently (another host name) need CORDON_REDIS_PREFIX.
 */
export function redisPrefix(
  config: Pick<Config, 'redisPrefix' | 'databaseUrl' | 'dataDir'>,
  pgSchema?: string,
): string {
  if (config.redisPrefix) return config.redisPrefix;
  let identity: string;
  if (config.databaseUrl) {
    try {
      const url = new URL(config.databaseUrl);
      url.password = '';
      identity = `postgres:${url.toString()}`;
    } catch {
      identity = `postgres:${config.databaseUrl.replace(/:[^:@/]*@/, '@')}`;
    }
    if (pgSchema) identity += `#${pgSchema}`;
  } else {
    identity = `sqlite:${path.resolve(config.dataDir, 'cordon.db')}`;
  }
  return `cordon:${createHash('sha256').update(identity).digest('hex').slice(0, 12)}:`;
}
