// Volunteers (志愿者), first slice: sign-ups and their vetting, the needs units post (需求), and the
// bookings of volunteers to needs (offered, accepted, declined). Shifts, teams and donations come later
// with tables of their own. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('volunteer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    /** Resident ID number sealed, and its lookup digest (the registry's): one sign-up per person. */
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_hmac', 'text', (c) => c.notNull().unique())
    .addColumn('phone_enc', 'text', (c) => c.notNull())
    .addColumn('phone_hmac', 'text', (c) => c.notNull())
    /** The registry's person with the same ID number, when there is one (their health code). */
    .addColumn('person_id', 'text')
    /** Home area: the volunteer's scope and the origin of distances. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** An organisation kind of rules/volunteers.json (youth_league, veterans, teachers, …). */
    .addColumn('org_kind', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON [{code, proof}] of skills of rules/volunteers.json. */
    .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON array of weekday half-days ("mon_am", "sat_pm", …). */
    .addColumn('availability', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('consent_at', t.time, (c) => c.notNull())
    /** pending | info_requested | approved | rejected */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_note', 'text', (c) => c.notNull().defaultTo(''))
    /** The account made on approval (role volunteer). */
    .addColumn('user_id', 'text', (c) => c.unique())
    .addColumn('vetted_by', 'text')
    .addColumn('vetted_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('volunteer_path_idx').on('volunteer').columns(['area_path', 'status']).execute();

  await db.schema
    .createTable('volunteer_need')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** community | sampling_site | quarantine_site | checkpoint | transfer_station | warehouse */
    .addColumn('unit_kind', 'text', (c) => c.notNull())
    .addColumn('unit_name', 'text', (c) => c.notNull())
    /** A task type of rules/volunteers.json. */
    .addColumn('task_type', 'text', (c) => c.notNull())
    /** Where the work is: the need's scope and the target of distances. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull().defaultTo(''))
    /** YYYY-MM-DD in the deployment's zone, and the slot's instants. */
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('start_at', t.time, (c) => c.notNull())
    .addColumn('end_at', t.time, (c) => c.notNull())
    .addColumn('people', t.int, (c) => c.notNull())
    /** JSON array of skill codes, every one required. */
    .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
    /** none | green | green_test */
    .addColumn('health', 'text', (c) => c.notNull())
    /** Hours a negative test may be old (green_test). */
    .addColumn('test_within_hours', t.int)
    /** A team the unit prefers (same-team score). */
    .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('contact_phone_enc', 'text', (c) => c.notNull())
    /** The needs posted together as a daily repeat share a series. */
    .addColumn('series_id', 'text', (c) => c.notNull())
    /** open | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('volunteer_need_day_idx').on('volunteer_need').columns(['date', 'area_path']).execute();

  await db.schema
    .createTable('volunteer_booking')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('need_id', 'text', (c) => c.notNull().references('volunteer_need.id'))
    .addColumn('volunteer_id', 'text', (c) => c.notNull().references('volunteer.id'))
    /** The need's slot, copied for the overlap and rest checks. */
    .addColumn('start_at', t.time, (c) => c.notNull())
    .addColumn('end_at', t.time, (c) => c.notNull())
    /** offered | accepted | declined | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('score', t.real, (c) => c.notNull())
    /** JSON: the match's explanation (each soft term). */
    .addColumn('explain', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('confirmed_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('answered_at', t.time)
    .addColumn('decline_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addUniqueConstraint('volunteer_booking_need_uq', ['need_id', 'volunteer_id'])
    .execute();
  await db.schema
    .createIndex('volunteer_booking_volunteer_idx')
    .on('volunteer_booking')
    .columns(['volunteer_id', 'start_at'])
    .execute();
  await db.schema.createIndex('volunteer_booking_need_idx').on('volunteer_booking').column('need_id').execute();
}
