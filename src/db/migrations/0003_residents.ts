// Residents (居民): a `resident` account is linked to the registry person it belongs to, at most one
// account per person. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  // Nullable with no default: SQLite allows adding a column with a reference that way.
  await db.schema
    .alterTable('app_user')
    .addColumn('person_id', 'text', (c) => c.references('person.id'))
    .execute();
  // Unique: one resident account per person (NULLs, every staff account, do not collide).
  await db.schema.createIndex('app_user_person_uq').on('app_user').column('person_id').unique().execute();
}
