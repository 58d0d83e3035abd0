// Reading the audit log: a page of events or every event of a filter, each with its object named
// (a household's address, a person's masked name). Permission and scope are checked by the routes.
import type { Executor } from '../db/database.ts';
import { areasByIds } from '../db/sql.ts';
import { labelsForUsers } from '../access/access.store.ts';
import { maskName } from '../platform/mask.ts';
import { labelsForBuildings, labelsForHouseholds, personNames, type ObjectLabel } from '../registry/registry.store.ts';
import { labelsForRiskAreas } from '../riskareas/riskareas.store.ts';
import { labelsForTestingRounds } from '../testing/testing.store.ts';
import type { Services } from '../services.ts';
import { personsOfCases, personsOfContacts } from '../tracing/tracing.store.ts';
import { labelsForVenues } from '../venues/venue.store.ts';
import { auditPage, auditRows, type AuditFilter, type AuditRow } from './audit.store.ts';

export { parseAuditTime, type AuditFilter, type AuditRow } from './audit.store.ts';

export interface LabelledEvents {
  rows: AuditRow[];
  /** What each object is, keyed `type:id`. */
  labels: Map<string, string>;
}

/** One page of the filtered log, newest first, before `beforeSeq` when given. */
export async function auditEventsPage(
  s: Services,
  filter: AuditFilter,
  limit: number,
  beforeSeq?: number,
): Promise<LabelledEvents & { nextBeforeSeq: number | null }> {
  const { rows, nextBeforeSeq } = await auditPage(s.db, filter, limit, beforeSeq);
  return { rows, labels: await objectLabels(s.db, rows), nextBeforeSeq };
}

/** Every event of the filter, a batch at a time (for an export streamed to the reader). */
export async function* auditEventBatches(s: Services, filter: AuditFilter): AsyncGenerator<LabelledEvents> {
  for await (const rows of auditRows(s.db, filter)) yield { rows, labels: await objectLabels(s.db, rows) };
}

// ---- objects by what they are ----------------------------------------------------------------

type Lookup = (ex: Executor, ids: string[]) => Promise<ObjectLabel[]>;

/** Persons by their masked name. */
async function labelsForPersons(ex: Executor, ids: readonly string[]): Promise<ObjectLabel[]> {
  return (await personNames(ex, ids)).map((r) => ({ id: r.id, label: r.name ? maskName(r.name) : '' }));
}

/** Records of a person (a case, a contact) by their person's masked name. */
async function labelsByPerson(ex: Executor, rows: Array<{ id: string; person_id: string }>): Promise<ObjectLabel[]> {
  const names = new Map(
    (
      await labelsForPersons(
        ex,
        rows.map((r) => r.person_id),
      )
    ).map((p) => [p.id, p.label]),
  );
  return rows.flatMap((r) => (names.has(r.person_id) ? [{ id: r.id, label: names.get(r.person_id)! }] : []));
}

/** Each object type's labels, asked of the domain that owns it. */
const LOOKUPS: Record<string, Lookup> = {
  user: labelsForUsers,
  person: labelsForPersons,
  household: labelsForHouseholds,
  building: labelsForBuildings,
  area: async (ex, ids) => (await areasByIds(ex, ids)).map((r) => ({ id: r.id, label: `${r.name} ${r.code}` })),
  venue: labelsForVenues,
  case: async (ex, ids) => labelsByPerson(ex, await personsOfCases(ex, ids)),
  contact: async (ex, ids) => labelsByPerson(ex, await personsOfContacts(ex, ids)),
  risk_area: labelsForRiskAreas,
  testing_round: labelsForTestingRounds,
};

/** Labels of the objects the events name, keyed "type:id"; objects of other types, or gone, have none. */
async function objectLabels(
  ex: Executor,
  rows: Array<Pick<AuditRow, 'object_type' | 'object_id'>>,
): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.object_id || !LOOKUPS[r.object_type]) continue;
    const ids = byType.get(r.object_type) ?? new Set<string>();
    ids.add(r.object_id);
    byType.set(r.object_type, ids);
  }
  const labels = new Map<string, string>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      for (const { id, label } of await LOOKUPS[type]!(ex, [...ids])) if (label) labels.set(`${type}:${id}`, label);
    }),
  );
  return labels;
}
