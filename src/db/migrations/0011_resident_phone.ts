// Resident phones: a resident account's phone is sealed (AES-GCM) with an HMAC for sign-in lookup, no
// longer kept as a plaintext username; and one-time codes (短信验证码) that prove control of a phone
// before an account is created or re-bound. Existing resident rows are sealed by the service at start-up
// (the keys are not the migration's to read). Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const c = columns(dialect);
  await db.schema.alterTable('app_user').addColumn('phone_enc', 'text').execute();
  await db.schema.alterTable('app_user').addColumn('phone_hmac', 'text').execute();
  // One account per phone (NULLs, every staff account, do not collide).
  await db.schema.createIndex('app_user_phone_uq').on('app_user').column('phone_hmac').unique().execute();

  await db.schema
    .createTable('resident_challenge')
    .addColumn('id', 'text', (col) => col.primaryKey())
    /** 'register' (the resident, against the registry's phone) or 'door' (a community worker, a new phone). */
    .addColumn('purpose', 'text', (col) => col.notNull())
    /** Whom the attempts are counted against: the ID number's lookup digest, or "person:<id>". */
    .addColumn('subject', 'text', (col) => col.notNull())
    /** The matched registry person; null when the details did not match (no code was sent). */
    .addColumn('person_id', 'text', (col) => col.references('person.id'))
    .addColumn('phone_hmac', 'text', (col) => col.notNull())
    .addColumn('phone_enc', 'text')
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('attempts', c.int, (col) => col.notNull().defaultTo(0))
    .addColumn('source', 'text')
    .addColumn('created_by', 'text', (col) => col.references('app_user.id'))
    .addColumn('created_at', c.time, (col) => col.notNull())
    .addColumn('expires_at', c.time, (col) => col.notNull())
    .addColumn('closed_at', c.time)
    .execute();
  await db.schema
    .createIndex('resident_challenge_subject_idx')
    .on('resident_challenge')
    .columns(['subject', 'created_at'])
    .execute();
  await db.schema
    .createIndex('resident_challenge_phone_idx')
    .on('resident_challenge')
    .columns(['phone_hmac', 'created_at'])
    .execute();
  await db.schema
    .createIndex('resident_challenge_source_idx')
    .on('resident_challenge')
    .columns(['source', 'created_at'])
    .execute();
}
