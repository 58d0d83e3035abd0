// Mass testing rounds (全员核酸): rounds over areas with their control levels, sampling sites, tables and
// staff, tubes and their members, boxes and the chain of custody, lab results, suspected-positive pools
// with their notifications and re-sampling tasks, door-knock visits, and the offline-sync outcomes.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('testing_round')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_at', t.time, (c) => c.notNull())
    .addColumn('deadline_at', t.time, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('previous_round_id', 'text')
    .addColumn('auto_report', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('pooling_version', 'text', (c) => c.notNull())
    .addColumn('testing_version', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_round_created_idx').on('testing_round').column('created_at').execute();

  await db.schema
    .createTable('testing_round_area')
    .addColumn('round_id', 'text', (c) => c.notNull().references('testing_round.id'))
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** sealed | controlled | prevention | quarantine_site | key_group */
    .addColumn('control_level', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('testing_round_area_pk', ['round_id', 'area_id'])
    .execute();
  await db.schema.createIndex('testing_round_area_path_idx').on('testing_round_area').column('area_path').execute();

  await db.schema
    .createTable('testing_site')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    /** ordinary | quarantine_site | key_group */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_site_path_idx').on('testing_site').column('area_path').execute();

  await db.schema
    .createTable('testing_table')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('testing_site.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_table_site_idx').on('testing_table').column('site_id').execute();

  await db.schema
    .createTable('testing_staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('testing_round.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('app_user.id'))
    .addColumn('site_id', 'text')
    .addColumn('table_id', 'text')
    /** sampler | registrar | squad */
    .addColumn('duty', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_staff_round_idx').on('testing_staff').columns(['round_id', 'user_id']).execute();
  await db.schema.createIndex('testing_staff_user_idx').on('testing_staff').column('user_id').execute();

  await db.schema
    .createTable('testing_tube')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('testing_round.id'))
    .addColumn('barcode', 'text', (c) => c.notNull().unique())
    .addColumn('site_id', 'text')
    .addColumn('table_id', 'text')
    .addColumn('area_id', 'text', (c) => c.notNull())
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** pool | household | single | retest */
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('capacity', t.int, (c) => c.notNull())
    .addColumn('control_level', 'text', (c) => c.notNull())
    /** open | closed | boxed | in_transit | received | resulted */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('member_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', t.time, (c) => c.notNull())
    .addColumn('opened_by', 'text')
    .addColumn('opened_by_name', 'text', (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('closed_by_name', 'text')
    .addColumn('box_id', 'text')
    .addColumn('task_id', 'text')
    .addColumn('rules_version', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_tube_round_idx').on('testing_tube').columns(['round_id', 'status']).execute();
  await db.schema.createIndex('testing_tube_box_idx').on('testing_tube').column('box_id').execute();

  await db.schema
    .createTable('testing_tube_member')
    .addColumn('tube_id', 'text', (c) => c.notNull().references('testing_tube.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('household_id', 'text')
    .addColumn('sampled_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('testing_tube_member_pk', ['tube_id', 'person_id'])
    .execute();
  await db.schema
    .createIndex('testing_tube_member_round_idx')
    .on('testing_tube_member')
    .columns(['round_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('testing_box')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('testing_round.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    /** packing | in_transit | received */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('tube_count', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('handed_at', t.time)
    .addColumn('handed_by_name', 'text')
    .addColumn('carrier', 'text')
    .addColumn('received_at', t.time)
    .addColumn('received_by_name', 'text')
    .addColumn('lab', 'text')
    .execute();
  await db.schema.createIndex('testing_box_round_idx').on('testing_box').columns(['round_id', 'status']).execute();

  // Append-only custody steps: a tube's own steps carry tube_id, a box's steps carry box_id.
  await db.schema
    .createTable('testing_custody')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('tube_id', 'text')
    .addColumn('box_id', 'text')
    /** tube_opened | tube_closed | boxed | handed_over | received */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('testing_custody_tube_idx').on('testing_custody').column('tube_id').execute();
  await db.schema.createIndex('testing_custody_box_idx').on('testing_custody').column('box_id').execute();

  await db.schema
    .createTable('testing_lab_upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text')
    .addColumn('file_name', 'text')
    .addColumn('rows', t.int, (c) => c.notNull())
    .addColumn('negative', t.int, (c) => c.notNull())
    .addColumn('positive', t.int, (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('uploaded_by_name', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('testing_result')
    .addColumn('tube_id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull())
    /** negative | positive */
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('ct_n', t.real)
    .addColumn('ct_orf1ab', t.real)
    .addColumn('tested_at', t.time, (c) => c.notNull())
    .addColumn('resulted_at', t.time, (c) => c.notNull())
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('testing_result_round_idx')
    .on('testing_result')
    .columns(['round_id', 'result'])
    .execute();

  await db.schema
    .createTable('testing_pool')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tube_id', 'text', (c) => c.notNull().unique())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('area_id', 'text', (c) => c.notNull())
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** detected | reported | released | case_found */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('members', t.int, (c) => c.notNull())
    .addColumn('detected_at', t.time, (c) => c.notNull())
    .addColumn('reported_at', t.time)
    .addColumn('reported_by_name', 'text')
    .addColumn('closed_at', t.time)
    .execute();
  await db.schema.createIndex('testing_pool_round_idx').on('testing_pool').columns(['round_id', 'status']).execute();

  // The outbox of the one-click report: recorded here, sent by whatever channel a deployment wires up.
  await db.schema
    .createTable('testing_notification')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pool_id', 'text', (c) => c.notNull())
    /** squad | community | police */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('area_id', 'text')
    /** JSON: pool barcode, site, counts — no personal data */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_notification_pool_idx').on('testing_notification').column('pool_id').execute();

  await db.schema
    .createTable('testing_task')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** retest | home */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('pool_id', 'text')
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    .addColumn('area_id', 'text', (c) => c.notNull())
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** open | sampled | negative | positive | cancelled */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('tube_id', 'text')
    .addColumn('sampled_at', t.time)
    .addColumn('result_at', t.time)
    .addColumn('case_id', 'text')
    .addColumn('case_error', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('testing_task_pool_idx').on('testing_task').columns(['pool_id', 'person_id']).execute();
  await db.schema.createIndex('testing_task_round_idx').on('testing_task').columns(['round_id', 'status']).execute();

  await db.schema
    .createTable('testing_visit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    .addColumn('building_id', 'text')
    /** sampled_at_home | away | refused | bedridden */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('by_id', 'text')
    .addColumn('by_name', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text')
    .execute();
  await db.schema
    .createIndex('testing_visit_round_idx')
    .on('testing_visit')
    .columns(['round_id', 'person_id', 'at'])
    .execute();

  // Offline-queue outcomes: one per (user, client id), so a resent operation is answered, never applied twice.
  await db.schema
    .createTable('testing_sync_op')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('op_type', 'text', (c) => c.notNull())
    /** JSON: the stored OpResult */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('testing_sync_op_pk', ['user_id', 'client_id'])
    .execute();
}
