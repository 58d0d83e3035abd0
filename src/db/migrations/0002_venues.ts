// Venues (场所) with their signed codes, and check-ins (扫码): the visits tracing will search later by
// (venue_id, time). Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('venue')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('capacity', t.int, (c) => c.notNull())
    .addColumn('operator_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('approved_by', 'text', (c) => c.references('app_user.id'))
    .addColumn('approved_at', t.time)
    .addColumn('code_version', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('requires_presence', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('dwell_minutes', t.int)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('venue_area_idx').on('venue').columns(['area_id', 'name']).execute();
  await db.schema.createIndex('venue_operator_idx').on('venue').column('operator_user_id').execute();

  await db.schema
    .createTable('checkin')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('venue_id', 'text', (c) => c.notNull().references('venue.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** Client-generated id of a queued scan: the same (venue, client id) is stored once. */
    .addColumn('client_id', 'text')
    /** self | assisted | dependant */
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('entered_at', t.time, (c) => c.notNull())
    .addColumn('exited_at', t.time)
    /** scan | guard | auto */
    .addColumn('exit_kind', 'text')
    /** admitted | refused */
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('refusal_code', 'text')
    /** The verification as shown at the door: colour, every reason (JSON) and the latest test then. */
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text')
    .addColumn('test_sampled_at', t.time)
    .addColumn('test_result', 'text')
    /** 1 / 0, or null when unknown */
    .addColumn('vaccinated', t.int)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('checkin_venue_client_uq', ['venue_id', 'client_id'])
    .execute();
  await db.schema.createIndex('checkin_venue_time_idx').on('checkin').columns(['venue_id', 'entered_at']).execute();
  await db.schema.createIndex('checkin_person_time_idx').on('checkin').columns(['person_id', 'entered_at']).execute();
  await db.schema.createIndex('checkin_entered_idx').on('checkin').column('entered_at').execute();
}
