// The services every domain shares: configuration, database, clock, field cipher, audit and the ports
// through which one domain asks another.
import path from 'node:path';
import { redisPrefix, type Config } from './config.ts';
import { checkDatabase, connect, migrateToLatest, type DbHandle } from './db/connect.ts';
import type { Db, Dialect, Executor } from './db/database.ts';
import { appendAudit, registerAuditKey, type AuditActor, type AuditEntry } from './platform/audit.ts';
import { createEventBus, type EventBus } from './platform/events.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { FieldCipher, loadKeys, signingKeys, type Keys, type SigningKeys } from './platform/crypto.ts';
import { createSmsSender, type SmsSender } from './platform/sms.ts';
import {
  installedHealthFacts as riskAreaHealthFacts,
  type HealthFacts as RiskAreaHealthFacts,
} from './riskareas/riskareas.health.ts';
import { storedApprovals, storedRounds, type ApprovalsPort, type RoundsPort } from './riskareas/riskareas.ports.ts';
import {
  installedHealthFacts as quarantineHealthFacts,
  type HealthFacts as QuarantineHealthFacts,
} from './quarantine/orders.health.ts';
import { convertOnCase } from './quarantine/orders.service.ts';
import type { AuditActor as CaseActor } from './platform/audit.ts';
import type { Tx } from './db/database.ts';
import {
  installedHealthFacts as testingHealthFacts,
  type HealthFacts as TestingHealthFacts,
} from './testing/testing.health.ts';

/** A case just registered for a person, told inside the registering transaction (tracing → quarantine). */
export interface CaseRegistered {
  caseId: string;
  personId: string;
  classification: string;
  at: number;
  actor: CaseActor;
}
export type CaseRegisteredListener = (s: Services, trx: Tx, c: CaseRegistered) => Promise<void>;

/**
 * What one domain asks of another behind a small interface, wired here as the clock is: the installed
 * implementation by default, a fake where a test passes one (ServiceOptions.ports).
 */
export interface Ports {
  /** The health facts testing adds, ends and records results through; null: a deployment without the health module. */
  testingHealth: TestingHealthFacts | null;
  /** The health facts risk areas add and end arrival facts through; null: a deployment without the health module. */
  riskAreaHealth: RiskAreaHealthFacts | null;
  /** Mass-testing rounds as risk areas' downgrade rules read them (src/testing). */
  testingRounds: RoundsPort;
  /** Command-centre approvals of held changes as risk areas read them (src/health). */
  approvals: ApprovalsPort;
  /** The health facts quarantine orders add, move and end through; null: a deployment without the health module. */
  quarantineHealth: QuarantineHealthFacts | null;
  /** Told when tracing registers a case: a person under a quarantine order is now a case (src/quarantine). */
  caseRegistered: CaseRegisteredListener | null;
}

/** The installed implementation of every port. */
export function installedPorts(): Ports {
  return {
    testingHealth: testingHealthFacts,
    riskAreaHealth: riskAreaHealthFacts,
    testingRounds: storedRounds,
    approvals: storedApprovals,
    quarantineHealth: quarantineHealthFacts,
    caseRegistered: convertOnCase,
  };
}

export interface Services {
  config: Config;
  handle: DbHandle;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  cipher: FieldCipher;
  /** Keys of signed venue and personal codes. */
  signing: SigningKeys;
  /** Appends an audit event stamped with the clock; call inside the change's transaction. */
  audit(ex: Executor, actor: AuditActor, entry: AuditEntry): Promise<number>;
  /** Change notices to live views: in-process, and across nodes through Redis when REDIS_URL is set. */
  events: EventBus;
  /** Text messages: the log sender (development, tests) or the SMS gateway set by CORDON_SMS_URL. */
  sms: SmsSender;
  /** Cross-domain ports (health facts, testing rounds, approvals). */
  ports: Ports;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  /** An already opened database (tests pass a fresh one). */
  handle?: DbHandle;
  keys?: Keys;
  /** Skip running migrations (the caller already did). */
  skipMigrations?: boolean;
  /** An event bus to use instead of the one config.redisUrl selects. */
  events?: EventBus;
  /** A text-message sender to use instead of the one config.sms selects. */
  sms?: SmsSender;
  /** Ports to use instead of the installed ones (tests pass fakes, or null for a missing health module). */
  ports?: Partial<Ports>;
}

export async function createServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const handle =
    options.handle ??
    connect({
      databaseUrl: config.databaseUrl,
      sqlitePath: path.join(config.dataDir, 'cordon.db'),
      timeouts: config.pgTimeouts,
    });
  if (!options.skipMigrations) {
    try {
      // First a query that names the database and what timed out when it does not answer.
      await checkDatabase(handle);
      await migrateToLatest(handle);
    } catch (err) {
      if (!options.handle) await handle.close().catch(() => {});
      throw err;
    }
  }
  const keys = options.keys ?? loadKeys(config.dataDir, config.secrets);
  const clock = options.clock ?? systemClock;
  const events = options.events ?? createEventBus(config.redisUrl, { prefix: redisPrefix(config, handle.pgSchema) });
  registerAuditKey(handle.db, keys.auditKey);
  return {
    config,
    handle,
    db: handle.db,
    dialect: handle.dialect,
    clock,
    cipher: new FieldCipher(keys),
    signing: signingKeys(keys),
    audit: (ex, actor, entry) => appendAudit(ex, actor, entry, clock.now(), keys.auditKey),
    events,
    sms: options.sms ?? createSmsSender(config.sms, (line) => console.log(line)),
    ports: { ...installedPorts(), ...options.ports },
    close: async () => {
      await events.close();
      await handle.close();
    },
  };
}
