// Foundation: areas, buildings, households, persons, users, sessions, API tokens, audit chain, settings.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('area')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('area.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('area_parent_idx').on('area').column('parent_id').execute();
  await db.schema.createIndex('area_path_idx').on('area').column('path').execute();

  await db.schema
    .createTable('building')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('building_area_idx').on('building').columns(['area_id', 'name']).execute();

  await db.schema
    .createTable('household')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('building_id', 'text', (c) => c.references('building.id'))
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('door', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rooms', t.int)
    .addColumn('head_person_id', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('household_building_idx')
    .on('household')
    .columns(['building_id', 'unit', 'door'])
    .execute();
  await db.schema.createIndex('household_area_idx').on('household').column('area_id').execute();

  await db.schema
    .createTable('person')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('household_id', 'text', (c) => c.references('household.id'))
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('id_enc', 'text')
    .addColumn('id_hmac', 'text', (c) => c.unique())
    .addColumn('birth_date', 'text')
    .addColumn('sex', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('phone_hmac', 'text')
    .addColumn('relation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('elderly_alone', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('bedridden', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('pregnant', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('dialysis', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('no_smartphone', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_household_idx').on('person').column('household_id').execute();
  await db.schema.createIndex('person_area_name_idx').on('person').columns(['area_id', 'name']).execute();
  await db.schema.createIndex('person_phone_idx').on('person').column('phone_hmac').execute();
  await db.schema.createIndex('person_name_idx').on('person').column('name').execute();

  await db.schema
    .createTable('app_user')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('failed_logins', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', t.time)
    .addColumn('disabled', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('last_seen_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_user_idx').on('session').column('user_id').execute();

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time)
    .addColumn('revoked_at', t.time)
    .addColumn('last_used_at', t.time)
    .execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('seq', t.bigint, (c) => c.primaryKey())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_object_idx').on('audit_event').columns(['object_type', 'object_id']).execute();
  await db.schema.createIndex('audit_actor_idx').on('audit_event').columns(['actor_id', 'at']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', t.int, (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

  await db.schema
    .createTable('setting')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}
