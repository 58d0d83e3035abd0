// Failed sign-ins counted per account AND source address, so failures from one address lock the
// account for that address only and a stranger elsewhere cannot lock a colleague out. Kept in the
// database because several server processes share it. The account is a keyed digest of the
// username as typed (unknown usernames are counted the same way), never the username itself.
// The per-user columns app_user.failed_logins and locked_until are no longer written.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('login_failure')
    .addColumn('account_key', t.text, (c) => c.notNull())
    .addColumn('source', t.text, (c) => c.notNull())
    .addColumn('failures', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', t.time)
    .addColumn('last_failure_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failure_pk', ['account_key', 'source'])
    .execute();
  await db.schema.createIndex('login_failure_last_idx').on('login_failure').column('last_failure_at').execute();
}
