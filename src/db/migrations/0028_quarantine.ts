// Quarantine and isolation (隔离管控): quarantine sites with their rooms and staff, designated hospitals,
// quarantine orders with their events, stays in rooms (allocation and moves), transfers, twice-daily
// health checks and the alerts they raise, requests from rooms, home-quarantine visits and breaches,
// and the site's operations logs (disinfection, medical waste, staff health).
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  // ---- sites, rooms, staff -------------------------------------------------------------------------
  await db.schema
    .createTable('quarantine_site')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    /** hotel | dormitory | cabin_hospital */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The three zones (隔离观察区 / 工作服务区 / 卫生通过区) as JSON {observation, service, sanitation}: where each is. */
    .addColumn('zones', 'text', (c) => c.notNull().defaultTo('{}'))
    /** in_service | out_of_service */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('in_service'))
    /** The testing module's site (kind quarantine_site, 1:1 tubes) where this site's people are sampled. */
    .addColumn('testing_site_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_site_path_idx').on('quarantine_site').column('area_path').execute();

  await db.schema
    .createTable('quarantine_room')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('quarantine_site.id'))
    .addColumn('floor', t.int, (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    /** single | double | family | accessible | ward_bed (a bed of a cabin hospital's ward) */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('beds', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('own_bathroom', t.int, (c) => c.notNull().defaultTo(1))
    /** in_service | cleaning (terminal disinfection due or under way) | out_of_service */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('in_service'))
    /** Set when the last occupant leaves; cleared by a logged terminal disinfection. */
    .addColumn('disinfection_due_at', t.time)
    .addColumn('disinfected_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('quarantine_room_number_uq', ['site_id', 'number'])
    .execute();

  await db.schema
    .createTable('quarantine_staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('quarantine_site.id'))
    /** The account, when the staff member signs in (their site scope comes from this row). */
    .addColumn('user_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    /** manager | medical | service | security | cleaning | psychological | liaison */
    .addColumn('role', 'text', (c) => c.notNull())
    /** day | night | rotating */
    .addColumn('shift', 'text', (c) => c.notNull())
    /** Protection level 1–3 (一级/二级/三级防护). */
    .addColumn('ppe_level', t.int, (c) => c.notNull())
    .addColumn('active', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_staff_site_idx').on('quarantine_staff').column('site_id').execute();
  await db.schema.createIndex('quarantine_staff_user_idx').on('quarantine_staff').column('user_id').execute();

  // ---- designated hospitals ------------------------------------------------------------------------
  await db.schema
    .createTable('hospital')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON array: fever_clinic | red_yellow_code | dialysis | maternity | paediatrics | treatment | cabin */
    .addColumn('designations', 'text', (c) => c.notNull())
    /** JSON array of the code colours it accepts: green | yellow | red */
    .addColumn('accepts_colours', 'text', (c) => c.notNull())
    .addColumn('beds', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('beds_free', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('active', t.int, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  // ---- orders --------------------------------------------------------------------------------------
  await db.schema
    .createTable('quarantine_order')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** The person's area when ordered: the order's scope. */
    .addColumn('area_id', 'text', (c) => c.notNull())
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** close_contact | secondary_contact | high_risk_arrival | medium_risk_arrival | released_case */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** Where the order is served now: centralised | home_quarantine | home_health_monitoring */
    .addColumn('place', 'text', (c) => c.notNull())
    /** active | released | converted (positive: now a case) | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    /** contact | case | pool | risk_area | order (a follow-on order) | manual */
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    /** The case whose contact this person is, when there is one. */
    .addColumn('case_id', 'text')
    .addColumn('household_id', 'text')
    .addColumn('rule_set_id', 'text', (c) => c.notNull())
    /** Day 0: the last exposure as the rules count it (or the arrival, or the release). */
    .addColumn('start_at', t.time, (c) => c.notNull())
    .addColumn('centralised_until', t.time, (c) => c.notNull())
    .addColumn('home_until', t.time, (c) => c.notNull())
    /** The planned end: the end of the last phase. */
    .addColumn('ends_at', t.time, (c) => c.notNull())
    /** home_quarantine | home_health_monitoring: what the home phase is. */
    .addColumn('home_kind', 'text', (c) => c.notNull())
    /** JSON [{phase, day, date}]: the test days of the schedule. */
    .addColumn('test_days', 'text', (c) => c.notNull())
    /** JSON: care needs (elderly, disabled, dialysis, pregnant, child, chronic, dietary, …). */
    .addColumn('care_needs', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('guardian_person_id', 'text')
    /** Home phase: none | seal | sensor, and when fitted. */
    .addColumn('door_measure', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('door_measure_at', t.time)
    .addColumn('released_at', t.time)
    .addColumn('release_basis', 'text')
    .addColumn('follow_order_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_order_person_idx').on('quarantine_order').column('person_id').execute();
  await db.schema
    .createIndex('quarantine_order_status_idx')
    .on('quarantine_order')
    .columns(['status', 'area_path'])
    .execute();
  await db.schema.createIndex('quarantine_order_case_idx').on('quarantine_order').column('case_id').execute();

  await db.schema
    .createTable('quarantine_order_event')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    /** created | extended | allocated | moved | transferred | test_result | positive | released | cancelled | door | breach */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** JSON parameters of the event (its basis as data, shown in each reader's language). */
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('actor_id', 'text')
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quarantine_order_event_order_idx')
    .on('quarantine_order_event')
    .columns(['order_id', 'at'])
    .execute();

  // ---- stays in rooms, transfers -------------------------------------------------------------------
  await db.schema
    .createTable('quarantine_stay')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('quarantine_site.id'))
    .addColumn('room_id', 'text', (c) => c.notNull().references('quarantine_room.id'))
    /** planned (allocation not yet confirmed) | current | ended */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text')
    .addColumn('from_at', t.time)
    .addColumn('to_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quarantine_stay_room_idx')
    .on('quarantine_stay')
    .columns(['room_id', 'status'])
    .execute();
  await db.schema
    .createIndex('quarantine_stay_order_idx')
    .on('quarantine_stay')
    .columns(['order_id', 'status'])
    .execute();

  await db.schema
    .createTable('quarantine_transfer')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text')
    .addColumn('person_id', 'text', (c) => c.notNull())
    /** pickup (home → site) | move (site → site) | hospital (→ designated hospital) | return */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_site_id', 'text')
    .addColumn('to_site_id', 'text')
    .addColumn('hospital_id', 'text')
    /** The need that sent the person to hospital: fever | dialysis | pregnancy | chronic | … */
    .addColumn('need', 'text')
    .addColumn('vehicle', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('escort', 'text', (c) => c.notNull().defaultTo(''))
    /** planned | done */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .execute();
  await db.schema.createIndex('quarantine_transfer_order_idx').on('quarantine_transfer').column('order_id').execute();

  // ---- daily life: checks, alerts, requests --------------------------------------------------------
  await db.schema
    .createTable('quarantine_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    /** The calendar date (YYYY-MM-DD in the deployment's zone) and its slot: morning | evening */
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('temperature', t.real, (c) => c.notNull())
    /** JSON array of symptom keys. */
    .addColumn('symptoms', 'text', (c) => c.notNull().defaultTo('[]'))
    /** self | staff | phone */
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    /** The phone's operation id when synced from an offline queue (idempotent replays). */
    .addColumn('client_op_id', 'text', (c) => c.unique())
    .addUniqueConstraint('quarantine_check_slot_uq', ['order_id', 'date', 'slot'])
    .execute();

  await db.schema
    .createTable('quarantine_alert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    .addColumn('site_id', 'text')
    /** fever | symptom | missed_check | missed_test | positive */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('slot', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    /** open | followed_up | closed */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('follow_up', 'text')
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', t.time)
    .addColumn('raised_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('quarantine_alert_uq', ['order_id', 'kind', 'date', 'slot'])
    .execute();
  await db.schema
    .createIndex('quarantine_alert_site_idx')
    .on('quarantine_alert')
    .columns(['site_id', 'status'])
    .execute();

  await db.schema
    .createTable('quarantine_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    .addColumn('site_id', 'text')
    /** meal | medicine | necessities | psychological | family_call | delivery | garbage | other */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    /** open | in_progress | done | declined */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('handled_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quarantine_request_site_idx')
    .on('quarantine_request')
    .columns(['site_id', 'status'])
    .execute();
  await db.schema.createIndex('quarantine_request_order_idx').on('quarantine_request').column('order_id').execute();

  await db.schema
    .createTable('quarantine_breach')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    /** left_home | seal_broken | sensor_alarm | refused_test | other */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorded_by', 'text')
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_breach_order_idx').on('quarantine_breach').column('order_id').execute();

  // ---- site operations -----------------------------------------------------------------------------
  await db.schema
    .createTable('quarantine_disinfection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('quarantine_site.id'))
    /** A room's terminal disinfection names the room. */
    .addColumn('room_id', 'text')
    /** What was disinfected: the schedule item's key (surfaces, tableware, toilets, room_terminal, …). */
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('concentration_mg_l', t.real)
    .addColumn('contact_minutes', t.int)
    .addColumn('operator', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .execute();
  await db.schema
    .createIndex('quarantine_disinfection_site_idx')
    .on('quarantine_disinfection')
    .columns(['site_id', 'item', 'at'])
    .execute();

  await db.schema
    .createTable('quarantine_waste')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('quarantine_site.id'))
    .addColumn('bags', t.int, (c) => c.notNull())
    .addColumn('weight_kg', t.real, (c) => c.notNull())
    .addColumn('sealed', t.int, (c) => c.notNull())
    .addColumn('stored_at', t.time, (c) => c.notNull())
    .addColumn('handed_over_at', t.time)
    .addColumn('receiver_unit', 'text')
    .addColumn('receiver_signature', 'text')
    .addColumn('staff_signature', 'text')
    .addColumn('recorded_by', 'text')
    .execute();
  await db.schema.createIndex('quarantine_waste_site_idx').on('quarantine_waste').column('site_id').execute();

  await db.schema
    .createTable('quarantine_staff_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('quarantine_staff.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('temperature', t.real, (c) => c.notNull())
    .addColumn('symptoms', 'text', (c) => c.notNull().defaultTo('[]'))
    /** negative | positive | pending | none: the day's test, when one was due. */
    .addColumn('test', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('quarantine_staff_check_uq', ['staff_id', 'date'])
    .execute();
}
