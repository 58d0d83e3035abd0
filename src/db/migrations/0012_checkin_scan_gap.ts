// How long after the scan a check-in reached the server: 0 for a scan sent at once, the time it waited
// in a guard device's offline queue otherwise (bounded by the queue window of the category rules).
// Null on check-ins stored before this column. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  await db.schema.alterTable('checkin').addColumn('scan_gap_ms', columns(dialect).int).execute();
}
