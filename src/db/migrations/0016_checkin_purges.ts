// The check-in purges that ran, each with its cutoff: tracing says a look-back reaches purged data
// from these records, not from the retention the running process is configured with (a purge from
// the CLI or another process may have used another). Written in the purge's first delete
// transaction. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('checkin_purge')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** Check-ins that began before this instant were deleted. */
    .addColumn('before', t.time, (c) => c.notNull())
    /** The retention the purging process was configured with, in days (for the record). */
    .addColumn('retention_days', t.int, (c) => c.notNull())
    /** Check-ins deleted so far (brought up to date in each delete transaction). */
    .addColumn('checkins', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('actor_id', 'text')
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkin_purge_before_idx').on('checkin_purge').column('before').execute();
}
