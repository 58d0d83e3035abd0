// Decision support (研判): every projection of cases the command centre made, stored with its inputs
// (the daily series it started from, the serial interval, the Rt posterior, the seed), its bands per
// day and the demand that followed, and — once its days have passed — its score against what happened.
// A restart loses none of them. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('decision_projection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** The area projected (the city or a district): its scope. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The first projected day (YYYY-MM-DD, deployment zone); the day before is the last observed. */
    .addColumn('first_day', 'text', (c) => c.notNull())
    .addColumn('horizon', t.int, (c) => c.notNull())
    /** JSON: series, serial interval, window, posterior, seed, trajectories, rule version. */
    .addColumn('inputs', 'text', (c) => c.notNull())
    /** JSON [{median, q025, q25, q75, q975}] per projected day. */
    .addColumn('bands', 'text', (c) => c.notNull())
    /** JSON: ratios and the demand that follows. */
    .addColumn('demand', 'text', (c) => c.notNull())
    /** When the score was computed; null until every projected day has passed. */
    .addColumn('scored_at', t.time)
    /** JSON {days, coverage50, coverage95, wis, observed[]}; null until scored. */
    .addColumn('score', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('decision_projection_path_idx')
    .on('decision_projection')
    .columns(['area_path', 'created_at'])
    .execute();
  await db.schema
    .createIndex('decision_projection_due_idx')
    .on('decision_projection')
    .columns(['scored_at', 'first_day'])
    .execute();
}
