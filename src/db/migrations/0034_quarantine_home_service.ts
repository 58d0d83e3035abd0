// Home quarantine services: the deliveries to a sealed home (what, when, by whom) and the collections
// of its garbage (bags, when, by whom), each recorded by the community worker against the order.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('quarantine_home_service')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('quarantine_order.id'))
    /** delivery | garbage */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** A delivery: what was handed over (groceries, medicine, parcel, …). */
    .addColumn('items', 'text', (c) => c.notNull().defaultTo(''))
    /** A garbage collection: how many sealed bags. */
    .addColumn('bags', t.int)
    /** Who delivered or collected (the worker, a volunteer, the property's staff). */
    .addColumn('handled_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    /** When it was done. */
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quarantine_home_service_order_idx')
    .on('quarantine_home_service')
    .columns(['order_id', 'at'])
    .execute();
}
