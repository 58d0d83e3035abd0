// The SQL of the demo city: wiping the registry, upserting areas by code, settings, and bulk inserts of
// buildings, households and persons (prepared multi-row statements on SQLite, chunked multi-row
// inserts on PostgreSQL), always inside the caller's transaction.
import type SQLite from 'better-sqlite3';
import { sql, type Insertable } from 'kysely';
import type { Database, Executor } from '../db/database.ts';

export type BulkTable = 'building' | 'household' | 'person';
export type BulkRow<T extends BulkTable> = Insertable<Database[T]>;

/** PostgreSQL takes at most 65,535 bind parameters per statement; SQLite (3.32+) 32,766. */
const PG_MAX_PARAMS = 65_535;
const SQLITE_MAX_PARAMS = 32_766;
const MAX_ROWS_PER_STATEMENT = 1_000;

export function rowsPerStatement(columns: number, dialect: 'sqlite' | 'postgres'): number {
  const limit = dialect === 'postgres' ? PG_MAX_PARAMS : SQLITE_MAX_PARAMS;
  return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(limit / columns)));
}

export interface RegistryCounts {
  persons: number;
  households: number;
  buildings: number;
}

export async function countRegistry(ex: Executor): Promise<RegistryCounts> {
  const count = async (table: BulkTable) =>
    Number(
      (
        await ex
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { persons: await count('person'), households: await count('household'), buildings: await count('building') };
}

/** Deletes every person, household and building, and the check-ins that name them (areas, users and venues stay). */
/**
 * Everything that hangs off persons, households and buildings, children before parents: a rebuilt city
 * has none of the old people, so none of their cases, colours, test records, call lists or accounts.
 */
const PERSON_DEPENDENT_TABLES = [
  'checkpoint_person_check',
  'quarantine_order_event',
  'quarantine_stay',
  'quarantine_transfer',
  'quarantine_check',
  'quarantine_alert',
  'quarantine_request',
  'quarantine_breach',
  'quarantine_home_service',
  'quarantine_order',
  'call_attempt',
  'call_task',
  'risk_area_exposure',
  'risk_area_history',
  'risk_area',
  'contact',
  'case_status_history',
  'case_record',
  'health_colour_history',
  'health_override',
  'health_appeal',
  'health_approval',
  'health_fact',
  'health_test',
  'health_status',
  'testing_sync_op',
  'testing_visit',
  'testing_task',
  'testing_notification',
  'testing_pool',
  'testing_result',
  'testing_lab_upload',
  'testing_custody',
  'testing_tube_member',
  'testing_tube',
  'testing_box',
  'testing_staff',
  'testing_table',
  'testing_site',
  'testing_round_area',
  'testing_round',
  'checkin',
] as const satisfies ReadonlyArray<keyof Database>;

export async function wipeRegistry(ex: Executor): Promise<RegistryCounts> {
  for (const table of PERSON_DEPENDENT_TABLES) await ex.deleteFrom(table).execute();
  // A resident driver's link to the registry goes with the person; the driver stays as a non-resident.
  await ex.updateTable('driver').set({ person_id: null }).where('person_id', 'is not', null).execute();
  // So is a volunteer's: the volunteer stays, their health code no longer known.
  await ex.updateTable('volunteer').set({ person_id: null }).where('person_id', 'is not', null).execute();
  // Residents' own accounts belong to persons: they go too, with their sessions and tokens.
  const residents = ex.selectFrom('app_user').select('id').where('person_id', 'is not', null);
  await ex.deleteFrom('session').where('user_id', 'in', residents).execute();
  await ex.deleteFrom('api_token').where('user_id', 'in', residents).execute();
  await ex.deleteFrom('app_user').where('person_id', 'is not', null).execute();
  const persons = await ex.deleteFrom('person').executeTakeFirst();
  const households = await ex.deleteFrom('household').executeTakeFirst();
  const buildings = await ex.deleteFrom('building').executeTakeFirst();
  return {
    persons: Number(persons.numDeletedRows),
    households: Number(households.numDeletedRows),
    buildings: Number(buildings.numDeletedRows),
  };
}

/** Ids of the areas that already exist with these codes. */
export async function areaIdsByCode(ex: Executor, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await ex
      .selectFrom('area')
      .select(['id', 'code'])
      .where('code', 'in', codes.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(r.code, r.id);
  }
  return out;
}

/** Inserts areas, or updates name, level, parent and path of those whose code exists. Parents come first. */
export async function upsertAreas(ex: Executor, rows: Insertable<Database['area']>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await ex
      .insertInto('area')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          level: eb.ref('excluded.level'),
          parent_id: eb.ref('excluded.parent_id'),
          path: eb.ref('excluded.path'),
        })),
      )
      .execute();
  }
}

export async function putSettings(ex: Executor, values: Record<string, string>, now: number): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await ex
      .insertInto('setting')
      .values({ key, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}

/**
 * Inserts many rows of one table. Every row must have the same keys in the same order. On SQLite pass
 * the raw handle of the same connection the transaction runs on: prepared multi-row statements are
 * several times faster than building each statement anew.
 */
export class BulkInserter {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(
    private readonly ex: Executor,
    private readonly sqlite?: SQLite.Database,
  ) {}

  async insert<T extends BulkTable>(table: T, rows: BulkRow<T>[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const perStatement = rowsPerStatement(columns.length, this.sqlite ? 'sqlite' : 'postgres');
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      if (this.sqlite) this.runSqlite(table, columns, chunk as Record<string, unknown>[]);
      else
        await this.ex
          .insertInto(table)
          .values(chunk as never)
          .execute();
    }
  }

  private runSqlite(table: BulkTable, columns: string[], chunk: Record<string, unknown>[]): void {
    const key = `${table}|${columns.join(',')}|${chunk.length}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const sqlText = `insert into ${table} (${columns.join(',')}) values ${Array.from({ length: chunk.length }, () => tuple).join(',')}`;
      statement = this.sqlite!.prepare(sqlText);
      this.statements.set(key, statement);
    }
    const params: unknown[] = new Array(columns.length * chunk.length);
    let k = 0;
    for (const row of chunk) for (const c of columns) params[k++] = row[c] ?? null;
    statement.run(params);
  }
}

/**
 * Runs `load` with the table's secondary indexes dropped, then creates them again with their stored
 * definitions: building an index once over millions of rows is many times faster than keeping it up
 * to date row by row. Indexes that back constraints (primary key, unique) stay. Inside the caller's
 * transaction, so a failure leaves the indexes as they were.
 */
export async function withIndexesDropped<T>(
  ex: Executor,
  dialect: 'sqlite' | 'postgres',
  table: 'checkin',
  load: () => Promise<T>,
): Promise<T> {
  const indexes =
    dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
            def: string;
          }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(
            ex,
          )
        ).rows
      : (
          await sql<{ name: string; def: string }>`select i.indexname as name, i.indexdef as def from pg_indexes i
        where i.tablename = ${table} and i.schemaname = current_schema()
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(ex)
        ).rows;
  for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(ex);
  const result = await load();
  // A partitioned table's index is defined `ON ONLY` the parent: created again, it reaches every partition.
  for (const i of indexes) await sql.raw(i.def.replace(' ON ONLY ', ' ON ')).execute(ex);
  return result;
}

export async function isEmpty(ex: Executor, table: 'checkin'): Promise<boolean> {
  return !(await ex
    .selectFrom(table)
    .select(sql`1`.as('one'))
    .limit(1)
    .executeTakeFirst());
}
