// Cases (病例) with their append-only status history, and their contacts (密接 / 一般接触者 / 次密接)
// found by tracing or entered by an investigator, each with its evidence, the rule that made it and
// the investigator's review. Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('case_record')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** confirmed | asymptomatic | suspected */
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('onset_at', t.time)
    .addColumn('first_positive_sampled_at', t.time)
    /** testing_round | fever_clinic | checkpoint | self_report | contact_tracing */
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('isolated_at', t.time)
    /** suspected | confirmed | recovered | released */
    .addColumn('status', 'text', (c) => c.notNull())
    /** The rule set of the latest trace. */
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    .addColumn('traced_at', t.time)
    .addColumn('created_by', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_person_idx').on('case_record').columns(['person_id', 'created_at']).execute();
  await db.schema.createIndex('case_created_idx').on('case_record').column('created_at').execute();

  // Append-only: rows are inserted, never updated or deleted.
  await db.schema
    .createTable('case_status_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('case_record.id'))
    /** null on the row that registers the case */
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    /** JSON: the facts behind the change (release tests and the rule set's decision, …) */
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('case_status_history_case_idx')
    .on('case_status_history')
    .columns(['case_id', 'at'])
    .execute();

  await db.schema
    .createTable('contact')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('case_record.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** close | general | secondary (an investigator's reclassification included) */
    .addColumn('class', 'text', (c) => c.notNull())
    /** 1: found by co-presence, for an investigator to classify */
    .addColumn('candidate', t.int, (c) => c.notNull().defaultTo(0))
    /** household | venue | manual | secondary */
    .addColumn('basis', 'text', (c) => c.notNull())
    /** A structured reason of RULES.md §1 (same_household, shared_meal, …) */
    .addColumn('reason_code', 'text', (c) => c.notNull())
    /** JSON: venues, both visits, overlap after padding, the parameters used */
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    /** Which rule of the set made the contact, e.g. venueCoPresence.closeCategories */
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('first_exposure_at', t.time)
    .addColumn('last_exposure_at', t.time)
    /** pending | confirmed | reclassified | dismissed */
    .addColumn('review_status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('reviewed_by', 'text')
    .addColumn('review_reason', 'text')
    .addColumn('reviewed_at', t.time)
    /** The close contact a secondary contact was found through (a contact id; no reference kept). */
    .addColumn('source_contact_id', 'text')
    /** source_contact_id, or '' for a direct contact: part of the natural key (NULLs never collide). */
    .addColumn('source_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('contact_natural_uq', ['case_id', 'person_id', 'basis', 'source_key'])
    .execute();
  await db.schema.createIndex('contact_person_idx').on('contact').columns(['person_id', 'created_at']).execute();
  await db.schema
    .createIndex('contact_case_class_idx')
    .on('contact')
    .columns(['case_id', 'class', 'review_status'])
    .execute();
}
