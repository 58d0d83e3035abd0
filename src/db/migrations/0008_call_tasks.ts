// Notification call lists (通知): one call task per contact found by tracing, assigned to the
// community the contact lives in, and every call attempt (append-only) with its outcome and note.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('call_task')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** One task per contact: tracing again finds the same task (no reference: a stale contact may go). */
    .addColumn('contact_id', 'text', (c) => c.notNull().unique())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** The community the contact lives in (or their own area when it lies in none): whose workers call. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    /** The path of the contact's own area: a worker sees the tasks of people in their subtree. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** The contact's class when the task was last refreshed: close | secondary | general */
    .addColumn('class', 'text', (c) => c.notNull())
    /** pending | reached | not_reached | refused | withdrawn (the contact was dismissed or is gone) */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('last_attempt_at', t.time)
    .addColumn('last_note', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('call_task_area_idx')
    .on('call_task')
    .columns(['area_path', 'status', 'created_at'])
    .execute();
  await db.schema.createIndex('call_task_case_idx').on('call_task').column('case_id').execute();

  // Append-only: one row per call made.
  await db.schema
    .createTable('call_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('task_id', 'text', (c) => c.notNull().references('call_task.id'))
    /** reached | not_reached | refused */
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('actor_id', 'text')
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_attempt_task_idx').on('call_attempt').columns(['task_id', 'at']).execute();
}
