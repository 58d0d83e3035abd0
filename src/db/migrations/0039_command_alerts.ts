// The command centre's alerts (预警): one row per alert, opened by the alert job with its evidence,
// acknowledged by a person, closed when its condition clears or by a person with a note. While an alert
// is open its `open_key` (the rule and its subject) is set and unique, so a condition that holds opens
// one alert however often the job runs and on however many processes; closing clears the key, and the
// same condition later opens a new alert. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);
  await db.schema
    .createTable('command_alert')
    .addColumn('id', t.text, (c) => c.primaryKey())
    /** The rule of rules/alerts.json: pool_unresolved, contact_unplaced, rooms_low, fever_unanswered, venue_over_capacity. */
    .addColumn('rule', t.text, (c) => c.notNull())
    /** critical | high | medium */
    .addColumn('severity', t.text, (c) => c.notNull())
    /** What the condition is about: pool, order, district, quarantine alert, venue; and its id. */
    .addColumn('subject_type', t.text, (c) => c.notNull())
    .addColumn('subject_id', t.text, (c) => c.notNull())
    /** `rule:subject_id` while open or acknowledged; null once closed. */
    .addColumn('open_key', t.text)
    .addColumn('area_id', t.text, (c) => c.notNull())
    .addColumn('area_path', t.text, (c) => c.notNull())
    /** JSON: the figures that opened it, refreshed while the condition holds (no personal data). */
    .addColumn('evidence', t.text, (c) => c.notNull())
    /** JSON array of the roles told (from the rule file). */
    .addColumn('notify', t.text, (c) => c.notNull())
    .addColumn('rules_version', t.text, (c) => c.notNull())
    /** open | acknowledged | closed */
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('opened_at', t.time, (c) => c.notNull())
    .addColumn('seen_at', t.time, (c) => c.notNull())
    .addColumn('acknowledged_by', t.text)
    .addColumn('acknowledged_at', t.time)
    /** cleared (the condition no longer holds) | note (closed by a person) */
    .addColumn('close_reason', t.text)
    .addColumn('close_note', t.text)
    .addColumn('closed_by', t.text)
    .addColumn('closed_at', t.time)
    .execute();
  await db.schema.createIndex('command_alert_open_key').unique().on('command_alert').column('open_key').execute();
  await db.schema.createIndex('command_alert_status').on('command_alert').columns(['status', 'opened_at']).execute();
  await db.schema.createIndex('command_alert_path').on('command_alert').column('area_path').execute();
}
