// Venues: who registered one (the two-person rule: a different person approves it), the operator's
// responsible person, their contact phone (sealed with AES-GCM plus an HMAC for lookup, like the
// registry's phones) and the business licence number. Rows from before carry no registrant: the
// service treats an unknown registrant as "anyone else". Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .alterTable('venue')
    .addColumn('registered_by', 'text', (col) => col.references('app_user.id'))
    .execute();
  await db.schema.alterTable('venue').addColumn('responsible_person', 'text').execute();
  await db.schema.alterTable('venue').addColumn('contact_phone_enc', 'text').execute();
  await db.schema.alterTable('venue').addColumn('contact_phone_hmac', 'text').execute();
  await db.schema.alterTable('venue').addColumn('licence_no', 'text').execute();
  await db.schema.createIndex('venue_contact_phone_idx').on('venue').column('contact_phone_hmac').execute();
}
