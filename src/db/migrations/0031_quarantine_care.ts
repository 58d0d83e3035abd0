// Quarantine care: a planned transfer (a vehicle's pick-up, a routing to a designated hospital) belongs
// to the allocation plan it was made with, so the plan's pick-up list and its confirmation find it.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema.alterTable('quarantine_transfer').addColumn('plan_id', 'text').execute();
  await db.schema.createIndex('quarantine_transfer_plan_idx').on('quarantine_transfer').column('plan_id').execute();
  await db.schema.createIndex('quarantine_stay_plan_idx').on('quarantine_stay').column('plan_id').execute();
}
