// Supply reserves (物资储备): warehouses and their owners, the stock of each item in each warehouse,
// every movement (in, out, transfer, distribution to a community) with its reference, and the alerts
// the reserves job raises when an item's days of supply in a district fall under the rule file's level.
// Quantities are integers in thousandths of the item's base unit (1 t = 1,000), so sums are exact.
// Frozen with the chain: never import app code here.
import { sql, type Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('warehouse')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The area the warehouse stands in: its scope, and the district whose people it serves. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The unit that owns it (市商务局, 区粮食局…). */
    .addColumn('owner_unit', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    /** active | closed */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('warehouse_area_name_uq', ['area_id', 'name'])
    .execute();
  await db.schema.createIndex('warehouse_path_idx').on('warehouse').column('area_path').execute();

  // One row per warehouse and item: the quantity on hand, never below zero (the CHECK is the last guard;
  // the service decrements with a conditional UPDATE so a refused movement writes nothing).
  await db.schema
    .createTable('stock_level')
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouse.id'))
    /** An item code of rules/reserves.json. */
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('qty_milli', t.bigint, (c) => c.notNull().check(sql`qty_milli >= 0`))
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('stock_level_pk', ['warehouse_id', 'item'])
    .execute();

  await db.schema
    .createTable('stock_movement')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** in | out | transfer | distribution */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    /** The warehouse the goods enter (in) or leave (out, transfer, distribution). */
    .addColumn('warehouse_id', 'text', (c) => c.notNull().references('warehouse.id'))
    /** The warehouse's area path: the movement's scope and its district. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** A transfer's receiving warehouse. */
    .addColumn('to_warehouse_id', 'text', (c) => c.references('warehouse.id'))
    /** A distribution's community and the households counted there when it left. */
    .addColumn('community_id', 'text', (c) => c.references('area.id'))
    .addColumn('households', t.int)
    /** In the item's base unit, thousandths. */
    .addColumn('qty_milli', t.bigint, (c) => c.notNull())
    /** The unit and quantity as entered (e.g. 300 box). */
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('unit_qty', t.real, (c) => c.notNull())
    /** A trip report's id or number, a purchase order, a donation: free text for now. */
    .addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('occurred_at', t.time, (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stock_movement_wh_idx')
    .on('stock_movement')
    .columns(['warehouse_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('stock_movement_item_idx')
    .on('stock_movement')
    .columns(['item', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('stock_alert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item', 'text', (c) => c.notNull())
    /** The district (or the actor's area when there is none below) whose days of supply fell. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** warn | critical */
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('days_of_supply', t.real)
    .addColumn('threshold_days', t.real, (c) => c.notNull())
    .addColumn('rules_version', 'text', (c) => c.notNull())
    .addColumn('raised_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    /** null while open. */
    .addColumn('cleared_at', t.time)
    .execute();
  await db.schema.createIndex('stock_alert_open_idx').on('stock_alert').columns(['area_path', 'item']).execute();
}
