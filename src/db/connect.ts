// Opens the database: embedded SQLite (WAL) by default, PostgreSQL when a URL is given. A PostgreSQL
// pool survives its connections dropping and has connect, statement and idle-in-transaction timeouts;
// faults seen through the handle are kept in its FaultLog (src/db/faults.ts) for the health report.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  sql,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type KyselyPlugin,
  type Migration,
  type MigrationProvider,
  type OperationNode,
  type SqliteDialectConfig,
} from 'kysely';
import type { Database, Db, Dialect } from './database.ts';
import { migrations as allMigrations } from './migrations/index.ts';
import { PG_TIMEOUTS, type PgTimeouts } from '../config.ts';
import { FaultLog, faultOf } from './faults.ts';

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** The raw better-sqlite3 handle, for hot paths that need prepared statements (SQLite only). */
  sqlite?: SQLite.Database;
  /** The raw pg pool (PostgreSQL only). */
  pool?: pg.Pool;
  /** The PostgreSQL schema this handle is confined to, when one was given. */
  pgSchema?: string;
  /** The database for messages: SQLite's file, or PostgreSQL's user@host:port/name (never a password). */
  where: string;
  /** The timeouts towards PostgreSQL this handle uses. */
  timeouts: PgTimeouts;
  /** Faults of the database seen through this handle (dropped connections, a full disk), logged once per interval. */
  faults: FaultLog;
  /**
   * Calls the listener whenever an update or delete issued through this handle's Kysely (any
   * transaction) is about to run, and again once it ran: the table and the columns it sets (null for a
   * delete). In-memory caches of rows use it to drop what a write may have changed. Raw SQL is not seen.
   */
  watchWrites(listener: WriteListener): () => void;
  /** Runs before the database closes (a background writer drains and stops). */
  onClose(hook: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface WriteNotice {
  table: string;
  /** The columns an update sets; null for a delete. */
  columns: string[] | null;
  /** 'before' the statement runs, 'after' it ran (not yet committed when inside a transaction). */
  phase: 'before' | 'after';
}

export type WriteListener = (notice: WriteNotice) => void;

export interface ConnectOptions {
  /** postgres://… ; when absent, SQLite at sqlitePath. */
  databaseUrl?: string;
  /** A file path or ":memory:". */
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
  /** Timeouts towards PostgreSQL (default PG_TIMEOUTS). */
  timeouts?: PgTimeouts;
  /** PostgreSQL application_name of the pool's connections (default "cordon"). */
  applicationName?: string;
}

/** user@host:port/database of a PostgreSQL URL, for messages: the password is never shown. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${user}${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || ''}`;
  } catch {
    return 'the PostgreSQL database (DATABASE_URL is not a valid URL)';
  }
}

// int8 and numeric come back from pg as strings; Cordon stores epoch ms in int8.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

function identifierOf(node: OperationNode | undefined): string | null {
  if (!node) return null;
  const n = node as {
    kind: string;
    table?: { identifier?: { name?: string } };
    node?: OperationNode;
    column?: { name?: string };
  };
  if (n.kind === 'TableNode') return n.table?.identifier?.name ?? null;
  if (n.kind === 'AliasNode') return identifierOf(n.node);
  if (n.kind === 'ColumnNode') return n.column?.name ?? null;
  return null;
}

/** The table and columns an update or delete writes, or null for any other query. */
function writeOf(node: OperationNode): Omit<WriteNotice, 'phase'> | null {
  const n = node as {
    kind: string;
    table?: OperationNode;
    updates?: ReadonlyArray<{ column: OperationNode }>;
    from?: { froms: ReadonlyArray<OperationNode> };
  };
  if (n.kind === 'UpdateQueryNode') {
    const table = identifierOf(n.table);
    return table ? { table, columns: (n.updates ?? []).map((u) => identifierOf(u.column) ?? '') } : null;
  }
  if (n.kind === 'DeleteQueryNode') {
    const table = identifierOf(n.from?.froms[0]);
    return table ? { table, columns: null } : null;
  }
  return null;
}

class WriteWatch implements KyselyPlugin {
  readonly listeners = new Set<WriteListener>();
  private readonly pending = new WeakMap<object, Omit<WriteNotice, 'phase'>>();

  private emit(write: Omit<WriteNotice, 'phase'>, phase: WriteNotice['phase']): void {
    for (const listener of this.listeners) listener({ ...write, phase });
  }

  transformQuery(args: { node: OperationNode; queryId: { queryId: string } }) {
    if (this.listeners.size > 0) {
      const write = writeOf(args.node);
      if (write) {
        this.pending.set(args.queryId, write);
        this.emit(write, 'before');
      }
    }
    return args.node as never;
  }

  async transformResult<R>(args: { result: R; queryId: { queryId: string } }): Promise<R> {
    const write = this.pending.get(args.queryId);
    if (write) {
      this.pending.delete(args.queryId);
      this.emit(write, 'after');
    }
    return args.result;
  }

  watch(listener: WriteListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/**
 * SQLite transactions begin IMMEDIATE: the write lock is taken at BEGIN, so a transaction that reads
 * and then writes never fails with SQLITE_BUSY_SNAPSHOT when another connection (the check-in writer's
 * thread, another process) committed in between; it waits (busy_timeout) for the lock instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly sqlite: SQLite.Database,
  ) {
    super(settings);
  }

  override createDriver() {
    const driver = new SqliteDriver(this.settings);
    const { sqlite } = this;
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    // SQLite ends the transaction itself when a COMMIT or a statement fails on a full disk or an I/O
    // error (SQLITE_FULL, SQLITE_IOERR…): a ROLLBACK then fails with "cannot rollback - no transaction
    // is active", and Kysely would throw that instead of the error that caused it.
    driver.rollbackTransaction = async (connection: DatabaseConnection) => {
      if (!sqlite.inTransaction) return;
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    };
    return driver;
  }
}

/**
 * A PostgreSQL pool that survives its connections dropping: an idle connection's error (the server
 * restarted, pg_terminate_backend, a TCP reset) is logged and the pool drops it and opens another on
 * demand; a connection in use reports the error to its query, and is dropped when released. Without
 * these listeners the 'error' event is unhandled and ends the process.
 */
function resilientPool(
  options: ConnectOptions & { databaseUrl: string },
  timeouts: PgTimeouts,
  faults: FaultLog,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'cordon',
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    ...(timeouts.statementMs ? { statement_timeout: timeouts.statementMs } : {}),
    ...(timeouts.idleInTransactionMs ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs } : {}),
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
  });
  const noted = (where: string) => (err: Error) => faults.note(faultOf(err) ?? 'connection-lost', err, where);
  pool.on('error', noted('idle connection dropped'));
  pool.on('connect', (client) => {
    client.on('error', noted('connection dropped'));
  });
  return pool;
}

function closeHooks() {
  const hooks: Array<() => Promise<void> | void> = [];
  return {
    onClose: (hook: () => Promise<void> | void) => {
      hooks.push(hook);
    },
    run: async () => {
      for (const hook of hooks.splice(0)) await hook();
    },
  };
}

export function connect(options: ConnectOptions): DbHandle {
  const writes = new WriteWatch();
  const hooks = closeHooks();
  const timeouts = options.timeouts ?? PG_TIMEOUTS;
  const faults = new FaultLog();
  if (options.databaseUrl) {
    const pool = resilientPool({ ...options, databaseUrl: options.databaseUrl }, timeouts, faults);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [writes] });
    return {
      db,
      dialect: 'postgres',
      pool,
      pgSchema: options.pgSchema,
      where: describePostgres(options.databaseUrl),
      timeouts,
      faults,
      watchWrites: (l) => writes.watch(l),
      onClose: hooks.onClose,
      close: async () => {
        await hooks.run();
        await db.destroy();
      },
    };
  }
  const file = options.sqlitePath ?? ':memory:';
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    ownerOnly(file);
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') ownerOnly(file);
  // FULL: a committed transaction survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite),
    plugins: [writes],
  });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    where: file,
    timeouts,
    faults,
    watchWrites: (l) => writes.watch(l),
    onClose: hooks.onClose,
    close: async () => {
      await hooks.run();
      await db.destroy();
    },
  };
}

/**
 * The database file and its WAL and shared-memory files are readable and writable by their owner only,
 * like keys.json: created 0600 when missing, and narrowed to 0600 when an older start left them wider.
 * SQLite creates the WAL and shared-memory files with the database file's mode.
 */
function ownerOnly(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * Kysely prepares every query anew; on SQLite that compile step costs as much as running a small
 * query. Statements are cached by SQL text (bounded, least recently used first out), so a hot path
 * issued through Kysely runs prepared statements like hand-written code would.
 */
function withStatementCache(sqlite: SQLite.Database, capacity = 500) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SQLite.Statement {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * Answers once the database answers a query; else throws an error naming the database (never its
 * password) and what failed: the connection not opened within the connect timeout, refused, …
 */
export async function checkDatabase(handle: DbHandle): Promise<void> {
  try {
    await sql`select 1`.execute(handle.db);
  } catch (err) {
    throw new Error(databaseFailure(handle, err), { cause: err });
  }
}

/** What failed towards the database, in one line for an operator. */
export function databaseFailure(handle: DbHandle, err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (handle.dialect === 'sqlite') return `SQLite database ${handle.where}: ${message}`;
  if (faultOf(err) === 'timeout' && /connect/i.test(message)) {
    return (
      `PostgreSQL at ${handle.where} did not complete the connection within ${handle.timeouts.connectMs} ms ` +
      `(connect timeout, CORDON_PG_CONNECT_TIMEOUT_MS): ${message}`
    );
  }
  return `PostgreSQL at ${handle.where} cannot be used: ${message}`;
}

/**
 * The database as Kysely's migrator sees it. The migrator asks the introspector only whether its own
 * tables exist; on PostgreSQL the stock introspector reads the columns of every schema in the database
 * (and fails with "schema … does not exist" when another schema is dropped while it reads, as a
 * neighbouring deployment or test run may do), so it is asked about this schema alone.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator runs on the untyped database, as migrations do
function migratorDb(handle: DbHandle): Kysely<any> {
  if (handle.dialect !== 'postgres') return handle.db;
  const schema = handle.pgSchema ? sql`${handle.pgSchema}` : sql`current_schema()`;
  const introspection = {
    async getSchemas() {
      return [];
    },
    async getTables() {
      const { rows } = await sql<{ name: string; schema: string }>`
        select table_name as name, table_schema as schema from information_schema.tables where table_schema = ${schema}`.execute(
        handle.db,
      );
      return rows.map((r) => ({ name: r.name, schema: r.schema, isView: false, columns: [] }));
    },
    async getMetadata() {
      return { tables: await this.getTables() };
    },
  };
  return new Proxy(handle.db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function migrateToLatest(
  handle: DbHandle,
  migrations: typeof allMigrations = allMigrations,
): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) {
        out[name] = {
          up: async (db) => {
            // A migration may rewrite a large table: the statement timeout of requests does not apply
            // (PostgreSQL runs the migrations in one transaction; SET LOCAL ends with it).
            if (handle.dialect === 'postgres') await sql`set local statement_timeout = 0`.execute(db);
            await m.up(db, handle.dialect);
          },
        };
      }
      return out;
    },
  };
  // Kysely looks for its migration tables in every schema unless told which one: name ours, or another
  // schema's tables (a concurrent test run's) would be taken for this one's.
  const migrator = new Migrator({
    db: migratorDb(handle),
    provider,
    ...(handle.pgSchema ? { migrationTableSchema: handle.pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = (error as Error)?.message ?? String(error);
    if (failed) throw new Error(`migration ${failed.migrationName} failed: ${cause}`, { cause: error });
    // Nothing ran (the database did not answer, the migration lock was not taken): say where.
    const pending = results?.find((r) => r.status === 'NotExecuted')?.migrationName;
    throw new Error(
      `migrations could not ${pending ? `run (first not run: ${pending})` : 'start'}: ${databaseFailure(handle, error)}`,
      { cause: error },
    );
  }
}
