// Buildings carry the residential compound (小区) they stand in, as residents know it: "瑞景家园 1号楼"
// names a building a citizen can find, where "第一网格 1号楼" repeats in every community. Empty for
// buildings registered before (their name alone is shown). Frozen with the chain: never import app
// code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .alterTable('building')
    .addColumn('compound', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('building_area_compound_idx').on('building').columns(['area_id', 'compound']).execute();
}
