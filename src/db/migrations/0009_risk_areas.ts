// Risk areas (中高风险区): one row per designated unit (a building, a community or a street) with its
// level in force and any change held for a command-centre approval; the append-only history of every
// level change with its reason, legal basis and the rule that made it; and the people whose residence
// or check-ins put them inside an area while it was high or medium (the arrivals whose facts the
// health codes rest on). Frozen with the chain: never import app code here.
import type { Kysely } from 'kysely';
import { columns, type MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const t = columns(dialect);

  await db.schema
    .createTable('risk_area')
    .addColumn('id', 'text', (c) => c.primaryKey())
    /** building | community | street */
    .addColumn('unit', 'text', (c) => c.notNull())
    /** The building id or area id designated: one row per unit, kept across lifting and re-designation. */
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('building_id', 'text', (c) => c.references('building.id'))
    /** The designated area, or the area the building stands in. */
    .addColumn('area_id', 'text', (c) => c.notNull().references('area.id'))
    /** The area's materialised path: scope checks and the subtree a street or community covers. */
    .addColumn('area_path', 'text', (c) => c.notNull())
    /** Display name when designated, e.g. "文苑社区 3号楼". */
    .addColumn('name', 'text', (c) => c.notNull())
    /** pending (never in force yet) | active | lifted | rejected */
    .addColumn('status', 'text', (c) => c.notNull())
    /** high | medium | low while active; the last level in force otherwise (null when never in force). */
    .addColumn('level', 'text')
    /** When the level in force took effect. */
    .addColumn('level_since', t.time)
    /** When the area last went from low or nothing to high/medium: arrivals look back from here. */
    .addColumn('episode_start', t.time)
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('legal_basis', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    /** A manual change held for a command-centre approval (circuit breaker). */
    .addColumn('pending_level', 'text')
    .addColumn('pending_approval_id', 'text')
    .addColumn('pending_reason', 'text')
    .addColumn('pending_legal_basis', 'text')
    .addColumn('pending_by', 'text')
    .addColumn('pending_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('risk_area_unit_uq', ['unit', 'target_id'])
    .execute();
  await db.schema.createIndex('risk_area_status_idx').on('risk_area').columns(['status', 'level']).execute();
  await db.schema.createIndex('risk_area_path_idx').on('risk_area').column('area_path').execute();

  // Append-only: rows are inserted, never updated or deleted.
  await db.schema
    .createTable('risk_area_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('risk_area_id', 'text', (c) => c.notNull().references('risk_area.id'))
    /** designate | downgrade | lift | held | approved | rejected */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_level', 'text')
    /** high | medium | low | lifted */
    .addColumn('to_level', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    /** 1: a person's decision; 0: made by the rule set */
    .addColumn('manual', t.int, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('legal_basis', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ruleset_id', 'text', (c) => c.notNull())
    .addColumn('ruleset_version', 'text', (c) => c.notNull())
    /** The rule that made an automatic change, e.g. riskAreas.downgrades[0] (high → medium). */
    .addColumn('rule', 'text')
    /** JSON: the history the rule was checked against, the facts outcome, the approval id */
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('risk_area_history_area_idx')
    .on('risk_area_history')
    .columns(['risk_area_id', 'at'])
    .execute();

  await db.schema
    .createTable('risk_area_exposure')
    .addColumn('risk_area_id', 'text', (c) => c.notNull().references('risk_area.id'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('person.id'))
    /** residence | checkin */
    .addColumn('basis', 'text', (c) => c.notNull())
    /** The latest stay inside the area that counted (check-in entry, or the designation for residents). */
    .addColumn('last_stay_at', t.time, (c) => c.notNull())
    /** When the arrival fact was sent to the health codes (null: not yet). */
    .addColumn('fact_since', t.time)
    /** When the fact ended (the area lifted or down to a level without arrival rules). */
    .addColumn('ended_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_area_exposure_pk', ['risk_area_id', 'person_id'])
    .execute();
  await db.schema.createIndex('risk_area_exposure_person_idx').on('risk_area_exposure').column('person_id').execute();
}
