// Error codes of the database's faults as the API answers them, and the health report's shape. The
// response schemas are the whitelist: a dependency's detail is an error message, never a connection
// string or a password.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, Nullable } from '../platform/http.ts';

export const OpsErrors = defineErrors({
  STORAGE_FULL: {
    status: 503,
    zh: '服务器磁盘已满，本次操作没有记录任何内容，请稍后再试',
    en: "The server's disk is full; nothing was recorded. Try again later",
  },
  DB_UNAVAILABLE: {
    status: 503,
    zh: '与数据库的连接中断，本次操作可能未完成，请稍后重试',
    en: 'The connection to the database was lost; the request may not have completed. Try again shortly',
  },
  DB_TIMEOUT: {
    status: 503,
    zh: '数据库未能及时响应，请稍后重试',
    en: 'The database did not answer in time; try again shortly',
  },
});

export const HEALTH_STATUSES = ['ok', 'degraded', 'down'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

const Detail = Type.Optional(Type.String({ description: 'the last error, when there is one' }));

export const HealthChecks = Type.Object({
  database: Type.Object({
    status: Literals(['up', 'down'] as const),
    /** false: read-only (a standby after failover) or a full disk seen within the last minute. */
    writable: Type.Boolean(),
    detail: Detail,
  }),
  redis: Type.Object({ status: Literals(['off', 'up', 'down'] as const), detail: Detail }),
  checkinWriter: Type.Object({
    status: Literals(['off', 'idle', 'up', 'down'] as const),
    /** Check-ins waiting for or in the writer's current batch. */
    queued: Type.Integer(),
    detail: Detail,
  }),
  disk: Type.Object({
    status: Literals(['ok', 'low', 'full', 'unknown'] as const),
    freeBytes: Nullable(Type.Number()),
    minFreeBytes: Type.Number(),
    detail: Detail,
  }),
  tracingIndex: Type.Object({ status: Literals(['off', 'loading', 'loaded', 'failed'] as const), detail: Detail }),
});
export type HealthChecks = Static<typeof HealthChecks>;

/** A scheduled job's lease and last outcome, shared by every process (src/platform/jobs.ts). */
export const JobView = Type.Object({
  name: Type.String(),
  /** running: a process holds it now; abandoned: its holder stopped mid-run (another takes it over). */
  state: Literals(['never', 'ok', 'failed', 'running', 'abandoned'] as const),
  /** The process that holds or last held the lease (host:pid:suffix); administrators only. */
  holder: Type.Optional(Nullable(Type.String())),
  /** When the latest run started, and the latest successful one (epoch ms). */
  lastRunAt: Nullable(Type.Number()),
  lastOkAt: Nullable(Type.Number()),
  /** The latest run's error (null when it succeeded); administrators only. */
  lastError: Type.Optional(Nullable(Type.String())),
});
export type JobView = Static<typeof JobView>;

export const HealthReport = Type.Object({
  status: Literals(HEALTH_STATUSES),
  db: Literals(['sqlite', 'postgres'] as const),
  version: Type.String(),
  checks: HealthChecks,
  /** The scheduled jobs of the deployment (empty when the database does not answer). */
  jobs: Type.Array(JobView),
});
export type HealthReport = Static<typeof HealthReport>;

export const Readiness = Type.Object({
  ready: Type.Boolean(),
  status: Literals(HEALTH_STATUSES),
  /** Why not ready: the checks that are down. */
  reasons: Type.Array(Type.String()),
});
export type Readiness = Static<typeof Readiness>;
