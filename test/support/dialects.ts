// The dialects a service test runs on: SQLite always; PostgreSQL when a server answers (CI requires it).
import pg from 'pg';
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import { connect, migrateToLatest, type DbHandle } from '../../src/db/connect.ts';
import type { Dialect } from '../../src/db/database.ts';

export const PG_URL = process.env.CORDON_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRE_PG = process.env.CORDON_REQUIRE_PG === '1';
const ONLY = process.env.CORDON_TEST_DIALECT as Dialect | undefined;

let pgAvailable: Promise<string | null> | null = null;

/** null when PostgreSQL is reachable, else the reason it is not. */
function probePostgres(): Promise<string | null> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (err) {
      return `PostgreSQL not reachable at ${PG_URL.replace(/\/\/[^@]*@/, '//')}: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

export interface DialectCase {
  dialect: Dialect;
  /** Set when this dialect cannot run here; the test is skipped with this reason. */
  skip: string | false;
}

export async function dialects(): Promise<DialectCase[]> {
  const out: DialectCase[] = [];
  if (!ONLY || ONLY === 'sqlite') out.push({ dialect: 'sqlite', skip: false });
  if (!ONLY || ONLY === 'postgres') {
    const reason = await probePostgres();
    if (reason && REQUIRE_PG) throw new Error(`CORDON_REQUIRE_PG=1 but ${reason}`);
    out.push({ dialect: 'postgres', skip: reason ?? false });
  }
  return out;
}

/**
 * A fresh, migrated database: SQLite in memory, or a PostgreSQL schema of its own (a new one, or one this
 * process used before and emptied back to what the migrations leave: see `emptied`). Closing the handle
 * hands the schema back; it is dropped after the file's tests.
 */
export async function freshDatabase(dialect: Dialect): Promise<DbHandle> {
  if (dialect === 'sqlite') {
    const handle = connect({ sqlitePath: ':memory:' });
    await migrateToLatest(handle);
    return handle;
  }
  const schema = spare.pop() ?? (await migratedSchema());
  const handle = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
  const close = handle.close;
  let closed = false;
  handle.close = async () => {
    if (closed) return;
    closed = true;
    await close();
    await giveBack(schema);
  };
  return handle;
}

// Running the migrations is most of a PostgreSQL test's set-up (some two hundred DDL statements), and
// dropping a schema costs as much again; a file's tests mostly take a few databases each in turn. So a
// schema whose handle is closed is emptied and kept for the next test of this process: its rows deleted
// (foreign keys not checked meanwhile: session_replication_role, a superuser's setting) and the rows the
// migrations wrote put back. TRUNCATE would be the obvious way, but on PostgreSQL it costs about as much
// as migrating again. Where the setting is refused (a test database owned by an ordinary role), or the
// schema was changed, the schema is dropped and the next test migrates a new one.

/** Emptied schemas ready for the next freshDatabase of this process. */
const spare: string[] = [];
/** After this file's tests: schemas handed back from now on are dropped, not kept. */
let finished = false;
/** The tables of a migrated schema, and the rows the migrations leave in them (found once per process). */
let emptied: Promise<{ tables: string[]; rows: Record<string, unknown[]> }> | undefined;
/** False once emptying was refused: every schema is then dropped. */
let reusable = true;

after(async () => {
  finished = true;
  await Promise.all(spare.splice(0).map(dropSchema));
});

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dropSchema(schema: string): Promise<void> {
  return admin(async (c) => {
    await c.query(`drop schema if exists ${schema} cascade`);
  });
}

async function migratedSchema(): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create schema ${schema}`));
  const handle = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
  try {
    await migrateToLatest(handle);
  } catch (err) {
    await handle.close();
    await dropSchema(schema);
    throw err;
  }
  await handle.close();
  emptied ??= admin(async (c) => {
    const { rows: names } = await c.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
        order by table_name`,
      [schema],
    );
    const tables = names.map((r) => r.name);
    // One statement a table: json_build_object takes at most 100 arguments (50 tables).
    const seeded: Record<string, unknown[]> = {};
    for (const t of tables) {
      const { rows } = await c.query<{ rows: unknown[] }>(
        `select coalesce(json_agg(r), '[]') as rows from ${schema}."${t}" r`,
      );
      if (rows[0]!.rows.length > 0) seeded[t] = rows[0]!.rows;
    }
    return { tables, rows: seeded };
  });
  await emptied;
  return schema;
}

async function giveBack(schema: string): Promise<void> {
  if (finished || !reusable) return dropSchema(schema);
  const { tables, rows } = await emptied!;
  const kept = await admin(async (c) => {
    const { rows: now } = await c.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = $1 and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
        order by table_name`,
      [schema],
    );
    if (now.map((r) => r.name).join() !== tables.join()) return false; // a test changed the schema
    try {
      // One round trip for the deletes: a file's tests hand a schema back dozens of times.
      await c.query(
        `begin; set local session_replication_role = replica; ${tables.map((t) => `delete from ${schema}."${t}";`).join(' ')}`,
      );
      for (const [t, r] of Object.entries(rows))
        await c.query(
          `insert into ${schema}."${t}" select * from json_populate_recordset(null::${schema}."${t}", $1)`,
          [JSON.stringify(r)],
        );
      await c.query('commit');
      return true;
    } catch {
      await c.query('rollback').catch(() => {});
      reusable = false;
      return false;
    }
  });
  if (kept && !finished) spare.push(schema);
  else await dropSchema(schema);
}
