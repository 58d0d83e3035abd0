// Accounts an administrator has given a new password must choose their own at the next sign-in
// (must_change_password), and the audit log's filters read by index: by action, by actor and by
// object, each newest first by seq, and by time. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .alterTable('app_user')
    .addColumn('must_change_password', t.int, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('audit_action_seq_idx').on('audit_event').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_actor_seq_idx').on('audit_event').columns(['actor_id', 'seq']).execute();
  await db.schema
    .createIndex('audit_object_seq_idx')
    .on('audit_event')
    .columns(['object_type', 'object_id', 'seq'])
    .execute();
  await db.schema.createIndex('audit_at_idx').on('audit_event').column('at').execute();
}
