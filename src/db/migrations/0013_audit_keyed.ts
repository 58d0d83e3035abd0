// The audit chain is keyed from here on: each new event's hash is an HMAC-SHA256 under the audit key.
// The switch-over is recorded on the head (keyed_from: the first keyed event), so the events an older
// release wrote before it are still checked as plain SHA-256; on a new database every event is keyed.
// anchored_at is the lease of the scheduled anchor (a signed head written outside the database): the
// process whose conditional update moves it writes the anchor, so several processes write one.
// Frozen with the chain: never import app code here.
import { sql, type Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema.alterTable('audit_head').addColumn('keyed_from', t.bigint).execute();
  await db.schema.alterTable('audit_head').addColumn('anchored_at', t.time).execute();
  await sql`update audit_head set keyed_from = seq + 1`.execute(db);
}
