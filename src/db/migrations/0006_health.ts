// Health status codes (健康码): the facts a person's colour rests on, their test results, the current
// colour with its reasons (read at every door in one primary-key read, the latest test beside it), the
// append-only history of every colour change with its basis, two-person manual overrides, appeals
// (GB/T 38963's correction channel) and recolour approvals held by the circuit breaker.
// Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('health_fact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** A FACT_KINDS value of the rule-set schema. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** case | contact | pool | risk_area | quarantine | test_schedule | manual */
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    /** What the source belongs to (the case of a contact): the facts of a case are found by it. */
    .addColumn('source_group', 'text')
    .addColumn('since', t.time, (c) => c.notNull())
    /** When the fact stops holding, when known (a quarantine's end, a release, a withdrawal). */
    .addColumn('until', t.time)
    /** Set when the fact was withdrawn (ended by its source); until holds the time it ended. */
    .addColumn('ended_at', t.time)
    /** JSON: evidence shown with the reason, no raw personal data. */
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('health_fact_natural_uq', ['person_id', 'kind', 'source_type', 'source_id'])
    .execute();
  await db.schema
    .createIndex('health_fact_source_idx')
    .on('health_fact')
    .columns(['source_type', 'source_id'])
    .execute();
  await db.schema.createIndex('health_fact_group_idx').on('health_fact').column('source_group').execute();

  // No foreign key on the two tables a mass testing round writes a million rows into: the people come
  // from the round's own records, and a per-row key check would dominate the upload.
  await db.schema
    .createTable('health_test')
    .addColumn('person_id', 'text', (c) => c.notNull())
    /** tube */
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('sampled_at', t.time, (c) => c.notNull())
    .addColumn('reported_at', t.time, (c) => c.notNull())
    /** negative | positive */
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('pooled', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('ct_n', t.real)
    .addColumn('ct_orf1ab', t.real)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('health_test_pk', ['person_id', 'source_id'])
    .execute();
  await db.schema
    .createIndex('health_test_person_idx')
    .on('health_test')
    .columns(['person_id', 'sampled_at'])
    .execute();

  // One row per person with a colour or a test on record; people with neither are green.
  await db.schema
    .createTable('health_status')
    .addColumn('person_id', 'text', (c) => c.primaryKey())
    /** green | yellow | red as derived from facts (an override in force wins, see below). */
    .addColumn('colour', 'text', (c) => c.notNull())
    /** JSON array of reasons: fact, rule id, colour, end condition, endsAt, source. */
    .addColumn('reasons', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    .addColumn('computed_at', t.time, (c) => c.notNull())
    .addColumn('changed_at', t.time, (c) => c.notNull())
    /** The earliest time a reason ends: a recompute is due then. */
    .addColumn('next_change_at', t.time)
    /** A two-person manual override in force. */
    .addColumn('override_id', 'text')
    .addColumn('override_colour', 'text')
    .addColumn('override_until', t.time)
    /** The latest test by sampling time: read with the colour at the door. */
    .addColumn('test_source_id', 'text')
    .addColumn('test_sampled_at', t.time)
    .addColumn('test_reported_at', t.time)
    .addColumn('test_result', 'text')
    .addColumn('test_pooled', t.int)
    .execute();
  await db.schema.createIndex('health_status_due_idx').on('health_status').column('next_change_at').execute();

  // Append-only: rows are inserted, never updated or deleted.
  await db.schema
    .createTable('health_colour_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    .addColumn('from_colour', 'text', (c) => c.notNull())
    .addColumn('to_colour', 'text', (c) => c.notNull())
    /** JSON array of the reasons in force after the change. */
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('manual', t.int, (c) => c.notNull().defaultTo(0))
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    .addColumn('override_id', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('audit_seq', t.bigint)
    .execute();
  await db.schema
    .createIndex('health_colour_history_person_idx')
    .on('health_colour_history')
    .columns(['person_id', 'at'])
    .execute();

  await db.schema
    .createTable('health_override')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** JSON array of person ids the override covers. */
    .addColumn('person_ids', 'text', (c) => c.notNull())
    .addColumn('people', t.int, (c) => c.notNull())
    /** The narrowest area path covering the people: scope checks. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    /** The end condition: the override stops at this time. */
    .addColumn('ends_at', t.time, (c) => c.notNull())
    .addColumn('appeal_id', 'text')
    /** pending | approved | rejected | held (circuit breaker) */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_at', t.time, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', t.time)
    .addColumn('decision_reason', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_override_status_idx')
    .on('health_override')
    .columns(['status', 'requested_at'])
    .execute();

  await db.schema
    .createTable('health_appeal')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    .addColumn('area_path', 'text', (c) => c.notNull())
    .addColumn('filed_by', 'text', (c) => c.notNull())
    .addColumn('filed_at', t.time, (c) => c.notNull())
    .addColumn('due_at', t.time, (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull())
    /** open | upheld | correction_pending | corrected | correction_rejected */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'text')
    .addColumn('reviewer_name', 'text')
    .addColumn('answered_at', t.time)
    .addColumn('answer', 'text')
    .addColumn('override_id', 'text')
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('health_appeal_status_idx').on('health_appeal').columns(['status', 'due_at']).execute();
  await db.schema
    .createIndex('health_appeal_person_idx')
    .on('health_appeal')
    .columns(['person_id', 'filed_at'])
    .execute();

  await db.schema
    .createTable('health_approval')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** add_facts | end_facts | override */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('people', t.int, (c) => c.notNull())
    /** JSON: what to apply on approval (facts, the end selection, or the override id). */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    /** pending | approved | rejected */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text')
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('requested_by_role', 'text', (c) => c.notNull())
    .addColumn('requested_at', t.time, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', t.time)
    .addColumn('decision_reason', 'text')
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    .addColumn('threshold', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_approval_status_idx')
    .on('health_approval')
    .columns(['status', 'requested_at'])
    .execute();
}
