// A lab result accepted for a tube whose custody chain (boxed → handed over → received) was not
// complete keeps the last step the tube had reached: 'closed' (never boxed), 'boxed' (never handed
// over) or 'in_transit' (never received). Null when the chain was complete, and on tubes resulted
// before this column. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema.alterTable('testing_tube').addColumn('custody_gap', 'text').execute();
}
