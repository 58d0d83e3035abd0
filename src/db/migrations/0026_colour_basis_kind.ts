// A colour change's basis as data: its kind and parameters next to the English sentence of the
// record, so that each reader sees it in their own language. Rows from before carry neither: the
// service reads their kind from the sentence. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema.alterTable('health_colour_history').addColumn('basis_kind', 'text').execute();
  await db.schema.alterTable('health_colour_history').addColumn('basis_params', 'text').execute();
}
