// Logistics, second slice: trip pre-registrations (报备), checkpoints (卡口) with every vehicle and
// every person checked there, and transfer stations (中转站) with each vehicle's visit and its stamped
// steps. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  // A transfer station (中转站 / 倒货区) where cargo is handed over without the crew entering the city.
  await db.schema
    .createTable('transfer_station')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('county', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    /** How long a vehicle may stay inside, in minutes; longer is flagged. */
    .addColumn('window_minutes', t.int, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();

  // A checkpoint (卡口 / 检查站): a highway exit or city entrance, with the officer who answers for the
  // vehicles that cannot be waved on by the rules alone.
  await db.schema
    .createTable('checkpoint')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('officer_user_id', 'text', (c) => c.references('app_user.id'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('trip')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprise.id'))
    /** The reporting enterprise's area path: the trip's scope. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('pass_id', 'text', (c) => c.references('vehicle_pass.id'))
    .addColumn('vehicle_id', 'text', (c) => c.notNull().references('vehicle.id'))
    /** JSON array of {driverId, role: driver | escort}. */
    .addColumn('crew', 'text', (c) => c.notNull())
    .addColumn('cargo_category', 'text', (c) => c.notNull())
    .addColumn('cargo_name', 'text', (c) => c.notNull())
    .addColumn('quantity', t.real, (c) => c.notNull())
    /** t | boxes | pieces */
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    /** none | low | medium_high: the origin's risk areas when reported. */
    .addColumn('origin_risk', 'text', (c) => c.notNull())
    /** closed_loop_enterprise | warehouse | transfer_station */
    .addColumn('destination_kind', 'text', (c) => c.notNull())
    /** The destination enterprise or transfer station; null for a warehouse named in text. */
    .addColumn('destination_id', 'text')
    .addColumn('destination_name', 'text', (c) => c.notNull())
    .addColumn('destination_county', 'text', (c) => c.notNull())
    /** unload_return | stay: whether the crew leaves the city after unloading or stays in it. */
    .addColumn('intent', 'text', (c) => c.notNull())
    .addColumn('arrive_from', t.time, (c) => c.notNull())
    .addColumn('arrive_until', t.time, (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    /** reported | approved | refused | withdrawn | arrived */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rules_version', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'text')
    .addColumn('reported_at', t.time, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', t.time)
    .addColumn('decision_note', 'text')
    .addColumn('arrived_at', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trip_scope_idx').on('trip').columns(['area_path', 'status']).execute();
  await db.schema.createIndex('trip_vehicle_idx').on('trip').columns(['vehicle_id', 'arrive_from']).execute();
  await db.schema.createIndex('trip_destination_idx').on('trip').columns(['destination_id', 'arrive_from']).execute();

  // Every vehicle checked at a checkpoint (逢车必检), with the decision and its reason.
  await db.schema
    .createTable('checkpoint_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('checkpoint_id', 'text', (c) => c.notNull().references('checkpoint.id'))
    /** The checkpoint's area path: the check's scope. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The device's id of the check, so a queued check sent twice is stored once. */
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('vehicle_id', 'text')
    .addColumn('pass_id', 'text')
    .addColumn('trip_id', 'text')
    /** supply | non_essential */
    .addColumn('vehicle_class', 'text', (c) => c.notNull())
    /** proceed | officer | turned_back | trans_ship */
    .addColumn('decision', 'text', (c) => c.notNull())
    /** unload_return_escorted | crew_to_community | transfer_station, for a vehicle let on. */
    .addColumn('path', 'text')
    /** JSON array of reason codes. */
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    /** open | resolved, for a vehicle in the officer's queue. */
    .addColumn('queue_status', 'text')
    .addColumn('officer_user_id', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', t.time)
    .addColumn('resolution_note', 'text')
    /** The community the staying crew is handed to. */
    .addColumn('handed_to_area_id', 'text')
    .addColumn('rules_version', 'text', (c) => c.notNull())
    .addColumn('checked_by', 'text')
    /** When the check was made on the device, and how long after it reached the server. */
    .addColumn('checked_at', t.time, (c) => c.notNull())
    .addColumn('sync_gap_ms', t.int, (c) => c.notNull())
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('checkpoint_check_client_uq', ['checkpoint_id', 'client_id'])
    .execute();
  await db.schema
    .createIndex('checkpoint_check_time_idx')
    .on('checkpoint_check')
    .columns(['checkpoint_id', 'checked_at'])
    .execute();
  await db.schema.createIndex('checkpoint_check_trip_idx').on('checkpoint_check').column('trip_id').execute();

  // Every person checked with the vehicle (逢人必查).
  await db.schema
    .createTable('checkpoint_person_check')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check_id', 'text', (c) => c.notNull().references('checkpoint_check.id'))
    .addColumn('driver_id', 'text')
    .addColumn('person_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    /** driver | escort | other */
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('temperature', t.real, (c) => c.notNull())
    /** green | yellow | red: the worse of the code shown and the colour the city holds. */
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('test_sampled_at', t.time)
    /** negative | positive | null: an antigen test taken on the spot. */
    .addColumn('antigen', 'text')
    .addColumn('pcr_sampled', t.int, (c) => c.notNull().defaultTo(0))
    /** passed | failed */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    /** none | controlled | turned_back | handed_to_community */
    .addColumn('control', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkpoint_person_check_idx').on('checkpoint_person_check').column('check_id').execute();

  // A vehicle's visit to a transfer station: its current step and the crew's state.
  await db.schema
    .createTable('station_visit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull().references('transfer_station.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('trip_id', 'text')
    .addColumn('check_id', 'text')
    .addColumn('plate', 'text', (c) => c.notNull())
    /** Whether the vehicle was on the station's arrival list. */
    .addColumn('on_list', t.int, (c) => c.notNull())
    /** arrived | disinfected | crew_tested | crew_rested | handed_over | sealed | departed | delivered */
    .addColumn('step', 'text', (c) => c.notNull())
    /** unload | trailer_swap | relay, chosen at hand-over. */
    .addColumn('handover', 'text')
    /** JSON array of the crew: {name, antigen, pcrSampled, state: inside | resting | isolated | relay}. */
    .addColumn('crew', 'text', (c) => c.notNull())
    .addColumn('relay_driver', 'text')
    .addColumn('route', 'text')
    .addColumn('seal_number', 'text')
    .addColumn('arrived_at', t.time, (c) => c.notNull())
    .addColumn('due_at', t.time, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('station_visit_station_idx')
    .on('station_visit')
    .columns(['station_id', 'step'])
    .execute();

  // Each step stamped: when and by whom.
  await db.schema
    .createTable('station_visit_step')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('visit_id', 'text', (c) => c.notNull().references('station_visit.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('by_user', 'text')
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('station_visit_step_idx').on('station_visit_step').column('visit_id').execute();
}
