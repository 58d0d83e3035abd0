// The dialects a service test runs on: SQLite always; PostgreSQL when a server answers (CI requires it).
import pg from 'pg';
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

/** A fresh, migrated database: SQLite in memory, or a new PostgreSQL schema dropped on close. */
export async function freshDatabase(dialect: Dialect): Promise<DbHandle> {
  if (dialect === 'sqlite') {
    const handle = connect({ sqlitePath: ':memory:' });
    await migrateToLatest(handle);
    return handle;
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const dropSchema = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  };
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
  try {
    await migrateToLatest(handle);
  } catch (err) {
    await handle.close();
    await dropSchema();
    throw err;
  }
  const close = handle.close;
  handle.close = async () => {
    await close();
    await dropSchema();
  };
  return handle;
}
