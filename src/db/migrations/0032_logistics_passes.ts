// Logistics (保通保畅), first slice: enterprises and the accounts that act for them, their vehicles and
// drivers, vehicle passes (重点物资运输车辆通行证) and the per-county serial their numbers come from.
// Trip reports, checkpoints, transfer stations and reserves come later with tables of their own.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('enterprise')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** Unified social credit code (GB 32100-2015), upper case, check character verified. */
    .addColumn('credit_code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    /** supply_whitelist | medical_supplies | food | energy | production_materials */
    .addColumn('category', 'text', (c) => c.notNull())
    /** Where the enterprise is registered: its scope. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The county (6-digit division code) whose departments issue its passes. */
    .addColumn('county', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('contact_phone_enc', 'text', (c) => c.notNull())
    .addColumn('contact_phone_hmac', 'text', (c) => c.notNull())
    /** active | suspended */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('enterprise_path_idx').on('enterprise').column('area_path').execute();

  // Who acts for whom: an enterprise's own accounts (its portal sees that enterprise only), and the
  // department a reviewer reviews for (none: any department, e.g. the command centre).
  await db.schema
    .createTable('logistics_account')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('app_user.id'))
    .addColumn('enterprise_id', 'text', (c) => c.references('enterprise.id'))
    .addColumn('department', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vehicle')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprise.id'))
    /** Normalised plate ("吉D12345", "粤BD12345"). */
    .addColumn('plate', 'text', (c) => c.notNull().unique())
    /** standard | new_energy */
    .addColumn('plate_kind', 'text', (c) => c.notNull())
    /** A tractor-trailer's trailer plate (…挂); null for any other type. */
    .addColumn('trailer_plate', 'text')
    /** truck | van | refrigerated | tanker | tractor_trailer | light_truck */
    .addColumn('vehicle_type', 'text', (c) => c.notNull())
    /** Rated load in kilograms. */
    .addColumn('load_kg', t.int, (c) => c.notNull())
    /** active | retired */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vehicle_enterprise_idx').on('vehicle').column('enterprise_id').execute();

  await db.schema
    .createTable('driver')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprise.id'))
    /** The registry's person when the driver is a resident; null for a non-resident. */
    .addColumn('person_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    /** resident_id | passport | other */
    .addColumn('id_type', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_hmac', 'text', (c) => c.notNull())
    .addColumn('phone_enc', 'text', (c) => c.notNull())
    .addColumn('phone_hmac', 'text', (c) => c.notNull())
    /** A1 | A2 | B1 | B2 | C1 | C2 */
    .addColumn('licence_class', 'text', (c) => c.notNull())
    /** active | retired */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('driver_enterprise_id_uq', ['enterprise_id', 'id_hmac'])
    .execute();
  await db.schema.createIndex('driver_person_idx').on('driver').column('person_id').execute();

  await db.schema
    .createTable('vehicle_pass')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** 12 digits: the issuing county and its serial; null until issued. */
    .addColumn('number', 'text', (c) => c.unique())
    .addColumn('serial', t.int)
    .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprise.id'))
    .addColumn('vehicle_id', 'text', (c) => c.notNull().references('vehicle.id'))
    /** The enterprise's area path: the pass's scope. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The issuing county (6 digits). */
    .addColumn('county', 'text', (c) => c.notNull())
    /** Origin and destination counties (6-digit division codes). */
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    /** A cargo category of rules/logistics.json, and the department that reviews it then. */
    .addColumn('cargo_category', 'text', (c) => c.notNull())
    .addColumn('cargo_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('department', 'text', (c) => c.notNull())
    /** JSON array of driver ids named on the pass. */
    .addColumn('driver_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    /** YYYY-MM-DD in the deployment's zone, both days included. */
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    /** applied | issued | refused | revoked | withdrawn */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rules_version', 'text', (c) => c.notNull())
    .addColumn('applied_by', 'text')
    .addColumn('applied_at', t.time, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', t.time)
    .addColumn('decision_note', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('revoked_at', t.time)
    .addColumn('revoke_reason', 'text')
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vehicle_pass_vehicle_idx').on('vehicle_pass').column('vehicle_id').execute();
  await db.schema.createIndex('vehicle_pass_enterprise_idx').on('vehicle_pass').column('enterprise_id').execute();
  await db.schema.createIndex('vehicle_pass_status_idx').on('vehicle_pass').columns(['status', 'area_path']).execute();

  // The last serial each issuing county gave: bumped in the issuing transaction, so a rolled-back issue
  // gives its serial back and two issues never share one.
  await db.schema
    .createTable('vehicle_pass_serial')
    .addColumn('county', 'text', (c) => c.primaryKey())
    .addColumn('last_serial', t.int, (c) => c.notNull())
    .execute();
}
